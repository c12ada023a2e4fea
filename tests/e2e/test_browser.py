"""A job seeker searches, narrows by radius, and opens a posting, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def result_count(page: Any) -> int:
    text = page.locator("#result-count strong").inner_text()
    return int(text.replace(".", ""))


def test_search_radius_and_open_a_posting(page: Any, live_server: Any, sample_postings: None) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Was?").fill("Informatiker")
    page.get_by_label("Wo?").fill("Bamberg")
    page.get_by_label("Umkreis").select_option("100")
    page.get_by_role("button", name="Jobs finden").click()
    page.wait_for_url(re.compile(r"/jobs\?"))
    wide = result_count(page)
    assert wide >= 2

    page.get_by_label("Umkreis").select_option("10")
    page.get_by_role("button", name="Jobs finden").click()
    page.wait_for_url(re.compile(r"umkreis=10"))
    narrow = result_count(page)
    assert narrow < wide
    distances = [float(t.split()[0].replace(",", ".")) for t in page.locator(".distance").all_inner_texts()]
    assert distances
    assert all(d <= 10 for d in distances)

    first = page.locator("ol.results li h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/jobs/\d+-"))
    assert page.locator("h1").inner_text() == title
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert page.get_by_role("link", name=re.compile("Bundesagentur")).count() == 1


def test_sorting_by_distance_in_the_browser(page: Any, live_server: Any, sample_postings: None) -> None:
    page.goto(live_server.url + "/jobs?wo=Bamberg&umkreis=100")
    page.get_by_label("Sortieren nach").select_option("entfernung")
    page.get_by_role("button", name="Sortieren").click()
    page.wait_for_url(re.compile(r"sort=entfernung"))
    distances = [float(t.split()[0].replace(",", ".")) for t in page.locator(".distance").all_inner_texts()]
    assert distances == sorted(distances)
    assert len(distances) >= 5


def test_unknown_place_shows_suggestions_on_a_phone(
    browser: Any, live_server: Any, sample_postings: None
) -> None:
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/jobs?wo=Bambreg")
    assert "kennen wir nicht" in page.locator("[role=alert]").inner_text()
    page.get_by_role("link", name=re.compile("Bamberg")).first.click()
    page.wait_for_url(re.compile(r"wo=Bamberg"))
    assert result_count(page) > 0
    # Nothing overflows the narrow screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_facets_narrow_and_filters_come_off_again(page: Any, live_server: Any, sample_postings: None) -> None:
    page.goto(live_server.url + "/jobs?wo=Bamberg&umkreis=100")
    everything = result_count(page)
    group = page.locator('.facet[data-facet="berufsgruppe"] li').first
    label = group.locator("a").inner_text()
    expected = int(group.locator(".count").inner_text().replace(".", ""))
    group.locator("a").click()
    page.wait_for_url(re.compile(r"kldb=\d{3}"))
    assert result_count(page) == expected < everything
    assert (
        page.locator(f'.facet[data-facet="berufsgruppe"] a[aria-current="true"]:has-text("{label}")').count()
        == 1
    )
    page.get_by_role("link", name="Filter entfernen").first.click()
    page.wait_for_url(lambda url: "kldb=" not in url)
    assert result_count(page) == everything


def test_why_a_result_matched_unfolds(page: Any, live_server: Any, sample_postings: None) -> None:
    page.goto(live_server.url + "/jobs?was=Informatiker&wo=Bamberg&umkreis=50")
    why = page.locator("details.why").first
    assert not why.locator("ul").is_visible()
    why.locator("summary").click()
    assert "Informatiker" in why.locator("ul").inner_text()


def test_autocomplete_offers_places_and_the_form_works_without_it(
    browser: Any, live_server: Any, sample_postings: None
) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("Wo?").press_sequentially("Bamb", delay=30)
    page.wait_for_function("document.querySelectorAll('#wo-vorschlaege option').length > 0")
    options = page.locator("#wo-vorschlaege option").evaluate_all("els => els.map(e => e.value)")
    assert "Bamberg" in options
    context.close()
    without_script = browser.new_context(locale="de-DE", java_script_enabled=False)
    plain = without_script.new_page()
    plain.goto(live_server.url + "/")
    plain.get_by_label("Was?").fill("Informatiker")
    plain.get_by_label("Wo?").fill("Bamberg")
    plain.get_by_role("button", name="Jobs finden").click()
    plain.wait_for_url(re.compile(r"/jobs\?"))
    assert result_count(plain) >= 1
    assert plain.locator("#wo-vorschlaege").count() == 0
    without_script.close()
