"""The German pages: start, search, posting with JSON-LD, occupation × place."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from stellwerk.postings.models import Posting

pytestmark = pytest.mark.django_db


def html(response: Any) -> str:
    return response.content.decode()


def test_start_page_has_the_search_form_and_popular_occupations(
    client: Client, sample_postings: None
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert 'lang="de"' in page
    for label in ("Was?", "Wo?", "Umkreis"):
        assert label in page
    assert "47 aktuelle Stellenangebote" in page
    assert "/beruf/" in page


def test_search_page_finds_by_text_and_radius(client: Client, sample_postings: None) -> None:
    response = client.get("/jobs", {"was": "Informatiker", "wo": "Bamberg", "umkreis": "50"})
    assert response.status_code == 200
    page = html(response)
    assert re.search(r"<strong>\d+</strong> Stellenangebot", page)
    assert "km entfernt" in page
    assert "Fachinformatiker" in page


def test_every_result_links_to_its_posting_page(client: Client, sample_postings: None) -> None:
    page = html(client.get("/jobs", {"was": "Informatiker", "wo": "Bamberg", "umkreis": "50"}))
    links = re.findall(r'<h3><a href="([^"]+)">', page)
    assert links
    for link in links:
        posting = Posting.objects.get(pk=int(link.removeprefix("/jobs/").split("-")[0]))
        assert link == posting.get_absolute_url()
        assert client.get(link).status_code == 200


def test_results_show_distance_and_date_the_german_way(client: Client, sample_postings: None) -> None:
    page = html(client.get("/jobs", {"was": "Informatiker", "wo": "Bamberg", "umkreis": "50"}))
    distances = re.findall(r'<span class="distance">([^<]+) km entfernt</span>', page)
    assert distances
    assert all(re.fullmatch(r"\d+(,\d)?", distance) for distance in distances), distances
    dates = re.findall(r'<time datetime="(\d{4})-(\d\d)-(\d\d)">([^<]+)</time>', page)
    assert dates
    for year, month, day, text in dates:
        assert text == f"{int(day)}.{int(month)}.{year}"
    counts = re.findall(r'<span class="count">([^<]+)</span>', page)
    assert counts
    assert all(re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})*", count) for count in counts), counts


def test_search_without_results_says_so(client: Client, sample_postings: None) -> None:
    page = html(client.get("/jobs", {"was": "Astronaut"}))
    assert "Keine Stellenangebote gefunden" in page


def test_unknown_place_is_explained_with_suggestions(client: Client, sample_postings: None) -> None:
    response = client.get("/jobs", {"wo": "Bambreg"})
    assert response.status_code == 404
    page = html(response)
    assert "kennen wir nicht" in page
    assert "Bamberg" in page


def test_bad_radius_is_a_clear_error_not_a_crash(client: Client, sample_postings: None) -> None:
    response = client.get("/jobs", {"wo": "Bamberg", "umkreis": "abc"})
    assert response.status_code == 400
    assert "umkreis" in html(response)


def test_posting_page_has_job_posting_json_ld(client: Client, sample_postings: None) -> None:
    posting = Posting.objects.filter(employer__isnull=False, published__isnull=False).first()
    assert posting is not None
    response = client.get(posting.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "JobPosting"
    for key in ("title", "description", "datePosted", "hiringOrganization", "jobLocation"):
        assert data[key], key
    assert data["hiringOrganization"]["name"] == posting.employer.name  # type: ignore[union-attr]
    assert data["jobLocation"]["address"]["addressCountry"] == "DE"
    assert "arbeitsagentur.de/jobsuche/jobdetail/" in page


def test_posting_url_with_a_wrong_slug_redirects_to_the_canonical_one(
    client: Client, sample_postings: None
) -> None:
    posting = Posting.objects.first()
    assert posting is not None
    response = client.get(f"/jobs/{posting.pk}-falsch")
    assert response.status_code == 301
    assert response["Location"] == posting.get_absolute_url()
    assert client.get("/jobs/999999999-x").status_code == 404


def test_occupation_place_page_by_slug_and_by_codes(client: Client, sample_postings: None) -> None:
    posting = Posting.objects.filter(occupation__isnull=False, place__slug="bamberg").first()
    assert posting is not None
    assert posting.occupation is not None
    by_code = client.get(f"/beruf/{posting.occupation.kldb}/bamberg")
    assert by_code.status_code == 200
    page = html(by_code)
    assert "Jobs und Stellenangebote in Bamberg" in page
    assert posting.title in page
    assert "Wer stellt ein?" in page
    by_plz = client.get(f"/beruf/{posting.occupation.kldb}/96047")
    assert by_plz.status_code == 200
    assert client.get("/beruf/gibtsnicht/bamberg").status_code == 404
    assert client.get(f"/beruf/{posting.occupation.kldb}/nirgendwo-xyz").status_code == 404


def test_pages_make_no_third_party_requests(client: Client, sample_postings: None) -> None:
    posting = Posting.objects.first()
    assert posting is not None
    for path in ("/", "/jobs?was=Koch", posting.get_absolute_url(), "/api/docs"):
        page = html(client.get(path))
        # Links to sources may point elsewhere; nothing may be loaded from another host.
        loaded = re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', page)
        loaded += [m[1] for m in re.findall(r'<link([^>]+)href="([^"]+)"', page) if "canonical" not in m[0]]
        assert loaded, path
        for url in loaded:
            assert not re.match(r"(https?:)?//", url) or url.startswith("http://testserver/"), (path, url)


def test_occupation_page_links_to_the_same_offers_in_the_search(
    client: Client, sample_postings: None
) -> None:
    posting = Posting.objects.filter(occupation__isnull=False, place__slug="bamberg").first()
    assert posting is not None
    assert posting.occupation is not None
    page = html(client.get(f"/beruf/{posting.occupation.kldb}/bamberg"))
    link = re.search(r'href="(/jobs\?kldb=[^"]+)"', page)
    assert link
    count = re.search(r"<strong>(\d+)</strong> Stellenangebot", page)
    assert count
    results = html(client.get(link.group(1).replace("&amp;", "&")))
    assert f"<strong>{count.group(1)}</strong>" in results
    assert "Filter entfernen" in results
    assert client.get("/jobs", {"kldb": "12"}).status_code == 400


def test_search_page_shows_facets_as_filter_links_with_counts(client: Client, sample_postings: None) -> None:
    page = html(client.get("/jobs", {"was": "Informatiker"}))
    facets = re.search(r'<aside class="facets".*?</aside>', page, re.S)
    assert facets
    assert "Berufsgruppe" in facets.group(0)
    pattern = r'<a href="(/jobs\?[^"]*kldb=431[^"]*)"[^>]*>Informatik</a> <span class="count">(\d+)</span>'
    link = re.search(pattern, facets.group(0))
    assert link
    narrowed = html(client.get(link.group(1).replace("&amp;", "&")))
    assert f"<strong>{link.group(2)}</strong>" in narrowed
    assert "Filter entfernen" in narrowed
    assert 'aria-current="true"' in narrowed
    assert 'name="kldb" value="431"' in narrowed


def test_results_explain_why_they_matched(client: Client, sample_postings: None) -> None:
    page = html(client.get("/jobs", {"was": "Informatiker", "wo": "Bamberg", "umkreis": "50"}))
    assert "Warum dieser Treffer?" in page
    assert "steckt als Wortteil im Titel" in page
    assert "km Luftlinie vom Suchort" in page
    assert "Umkreissuche" in page
    assert "ortsunabhängige Stellen" in page


def test_nationwide_search_is_explained(client: Client, sample_postings: None) -> None:
    page = html(client.get("/jobs", {"wo": "bundesweit"}))
    assert "Bundesweite Suche" in page
    assert "Jobs in ganz Deutschland" in page


def test_filters_survive_a_new_search_and_the_page_takes_the_api_parameters(
    client: Client, sample_postings: None
) -> None:
    response = client.get("/jobs", {"was": "Pflege", "arbeitszeit": "vz;tz", "zeitarbeit": "false"})
    assert response.status_code == 200
    page = html(response)
    assert 'name="arbeitszeit" value="tz;vz"' in page
    assert 'name="zeitarbeit" value="false"' in page
    assert client.get("/jobs", {"befristung": "3"}).status_code == 400


def test_search_fields_offer_autocomplete_without_needing_it(client: Client, sample_postings: None) -> None:
    page = html(client.get("/"))
    assert 'data-suggest="/api/v1/vorschlaege/was"' in page
    assert 'data-suggest="/api/v1/vorschlaege/wo"' in page
    assert re.search(r'<script src="/static/web/suggest\.js[^"]*" defer>', page)
