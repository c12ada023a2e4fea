"""URLs of the German web pages."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from stellwerk.web import market, posting_page, views


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
    # Charts before pages: "beruf/<occupation>/nachfrage.svg" must not be read as a place.
    path(
        "beruf/<str:occupation>/<str:place>/nachfrage.svg",
        market.occupation_place_demand_chart,
        name="occupation_place_demand_chart",
    ),
    path(
        "beruf/<str:occupation>/<str:place>/gehalt.svg",
        market.occupation_place_pay_chart,
        name="occupation_place_pay_chart",
    ),
    path(
        "beruf/<str:occupation>/nachfrage.svg", market.occupation_demand_chart, name="occupation_demand_chart"
    ),
    path("beruf/<str:occupation>/gehalt.svg", market.occupation_pay_chart, name="occupation_pay_chart"),
    path("ort/<str:place>/nachfrage.svg", market.place_demand_chart, name="place_demand_chart"),
    path("beruf/<str:occupation>/<str:place>", market.occupation_place, name="occupation_place"),
    path("beruf/<str:occupation>", market.occupation_nationwide, name="occupation"),
    path("ort/<str:place>", market.place_overview, name="place"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {
            "sitemaps": market.SITEMAPS,
            "sitemap_url_name": "web:sitemap_section",
            "template_name": "web/market/sitemap_index.xml",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": market.SITEMAPS, "template_name": "web/market/sitemap.xml"},
        name="sitemap_section",
    ),
]
