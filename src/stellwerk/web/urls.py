"""URLs of the German web pages."""

from django.urls import path, register_converter

from stellwerk.web import posting_page, views


class _IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(_IdConverter, "posting_id")

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs", views.jobs, name="jobs"),
    path("jobs/<posting_id:posting_id>-<slug:slug>", posting_page.posting, name="posting"),
    path("jobs/<posting_id:posting_id>", posting_page.posting, name="posting_short"),
    path("beruf/<str:occupation>/<str:place>", views.occupation_place, name="occupation_place"),
]
