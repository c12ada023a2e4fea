"""Market pages: occupation × place, nationwide, place; charts; sitemap; SEO and conditional requests."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from insights.factory import posting
from stellwerk.insights.aggregates import refresh_aggregates
from stellwerk.insights.models import MarketArticle, RegionalSalary, TrainingOffer, TrainingOfferSkill
from stellwerk.postings.models import Occupation, Place, Posting

pytestmark = pytest.mark.django_db
KLDB = "43102"
KEY = "fachinformatiker-systemintegration"
PAGE = f"/beruf/{KEY}/bamberg"


def html(response: Any) -> str:
    return response.content.decode()


def text(response: Any) -> str:
    """Return the page's visible text with tags and runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def regional(region_id: int, region: str, age_id: int, median: int | None, q75: int | None) -> None:
    RegionalSalary.objects.create(
        kldb=KLDB,
        region_id=region_id,
        region=region,
        age="Gesamt" if age_id == 1 else "unter 25",
        age_id=age_id,
        level="Fachkraft",
        median_cents=median,
        q25_cents=None if median is None else median - 50_000,
        q75_cents=q75,
        q75_censored=q75 is None,
        headcount=4321,
        ceiling_cents=710_000,
        reference_date=date(2023, 12, 31),
        source_url="http://127.0.0.1/pc/v1/entgelte/43102",
        fetched_at=timezone.now(),
    )


@pytest.fixture
def market(sample_postings: None) -> None:
    """The BA sample, more than a year of history in Bamberg, regional pay, a course nearby; aggregates."""
    for days in (470, *range(5, 90, 10)):
        posting(
            KLDB,
            "bamberg",
            days_ago=days,
            employer_name="Klinikum Bamberg",
            skills=["sql", "linux"],
            status=Posting.Status.ACTIVE if days < 60 else Posting.Status.EXPIRED,
        )
    for low in (320_000, 340_000, 360_000, 380_000, 400_000):
        posting(KLDB, "bamberg", salary_min_cents=low, employer_name="Zeit GmbH", terms={"zeitarbeit": True})
    regional(12, "Bayern", 1, 480_000, None)
    regional(12, "Bayern", 2, 330_000, 380_000)
    offer = TrainingOffer.objects.create(
        external_id="1",
        title="SQL für Einsteiger",
        provider="Akademie Franken",
        place_name="Bamberg",
        lat=49.89,
        lon=10.89,
        url="https://kurs.example.org",
        payload={},
        content_hash="x",
        fetched_at=timezone.now(),
        skills=["sql"],
    )
    TrainingOfferSkill.objects.create(offer=offer, skill_id="sql")
    refresh_aggregates()


def test_the_page_answers_with_offers_demand_pay_employers_skills_and_training(
    client: Client, market: None
) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert "Fachinformatiker/in - Systemintegration: Jobs und Stellenangebote in Bamberg" in page
    assert "Aktuelle Angebote im Umkreis von 25 km" in page
    assert "Nachfrage: neue Stellenangebote je Woche" in page
    # Nationwide Entgeltatlas figures with source, date and sample size.
    assert (
        "Quelle: Statistik der Bundesagentur für Arbeit (Entgeltatlas); Deutschland; Stichtag 31.12.2023"
        in page
    )
    assert "4.749 €" in page
    assert "85.511 sozialversicherungspflichtig Vollzeitbeschäftigte" in page
    # Regional figures, censored above the ceiling; the entry estimate from employees under 25.
    assert "Bruttomonatsentgelt von Vollzeitbeschäftigten in der Region" in page
    assert "über 7.100 €" in page
    assert "Geschätztes Einstiegsgehalt: 3.300 €" in page
    assert "Median der Beschäftigten unter 25 Jahren" in page
    # Pay stated in postings, employers and their types, Zeitarbeit, skills, training.
    assert "5 Angebote der letzten 12 Monate nennen ein Gehalt: Median 3.600 €" in page
    assert "Klinikum Bamberg Klinik/Krankenhaus" in page
    assert "Zeitarbeit:" in page
    assert "SQL" in page
    assert "SQL für Einsteiger – Akademie Franken, Bamberg" in page


def test_seo_canonical_breadcrumbs_and_opengraph(client: Client, market: None) -> None:
    canonical = f"http://testserver{PAGE}"
    by_codes = html(client.get(f"/beruf/{KLDB}/96047"))
    assert f'<link rel="canonical" href="{canonical}">' in by_codes
    page = html(client.get(PAGE))
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta property="og:title" content="Fachinformatiker/in - Systemintegration in Bamberg">' in page
    assert 'name="robots"' not in page
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match
    crumbs = json.loads(match.group(1))
    assert crumbs["@type"] == "BreadcrumbList"
    assert [item["position"] for item in crumbs["itemListElement"]] == [1, 2, 3]
    assert crumbs["itemListElement"][1]["item"] == f"http://testserver/beruf/{KEY}"
    assert crumbs["itemListElement"][2]["item"] == canonical


def test_offers_match_the_search_and_follow_radius_and_filters(client: Client, market: None) -> None:
    page = html(client.get(PAGE))
    count = re.search(r"<strong>(\d+)</strong> Stellenangebot", page)
    link = re.search(r'href="(/jobs\?[^"]+)">alle in der Jobsuche', page)
    assert count
    assert link
    assert "kldb=43102" in link.group(1)
    results = html(client.get(link.group(1).replace("&amp;", "&")))
    assert f"<strong>{count.group(1)}</strong>" in results
    wide = html(client.get(PAGE, {"umkreis": "100"}))
    wide_count = re.search(r"<strong>(\d+)</strong> Stellenangebot", wide)
    assert wide_count
    assert int(wide_count.group(1)) > int(count.group(1))
    assert "Umkreis von 100 km" in wide
    part_time = html(client.get(PAGE, {"arbeitszeit": "tz"}))
    assert 'value="tz" checked' in part_time
    bad = client.get(PAGE, {"umkreis": "zehn"})
    assert bad.status_code == 400
    assert "umkreis" in html(bad)


def test_a_published_article_replaces_the_summary_with_its_figures_filled_in(
    client: Client, market: None
) -> None:
    summary = text(client.get(PAGE))
    assert "In Bamberg gibt es derzeit" in summary
    article = MarketArticle.objects.create(
        occupation=Occupation.objects.get(kldb=KLDB),
        place=Place.objects.get(slug="bamberg"),
        title="Gute Aussichten",
        body="Der Median liegt bei **{{ gehalt.median }}**. <script>alert(1)</script>",
        author="Redaktion",
        published=False,
    )
    assert "Gute Aussichten" not in html(client.get(PAGE))
    article.published = True
    article.save()
    page = html(client.get(PAGE))
    assert "<h2>Gute Aussichten</h2>" in page
    assert "Der Median liegt bei <strong>4.800 €</strong>." in page
    assert "<script>alert" not in page
    assert '<p class="summary">' not in page


def test_conditional_requests_get_304_until_the_figures_change(client: Client, market: None) -> None:
    first = client.get(PAGE)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(PAGE, headers={"if-none-match": etag}).status_code == 304
    assert client.get(PAGE, headers={"if-modified-since": modified}).status_code == 304
    assert client.get(PAGE, {"umkreis": "50"}, headers={"if-none-match": etag}).status_code == 200
    refresh_aggregates()
    assert client.get(PAGE, headers={"if-none-match": etag}).status_code == 200


def test_unknown_occupations_and_places_are_404_and_empty_pages_are_not_indexed(
    client: Client, market: None
) -> None:
    assert client.get("/beruf/gibtsnicht/bamberg").status_code == 404
    assert client.get(f"/beruf/{KEY}/nirgendwo-xyz").status_code == 404
    assert client.get("/ort/nirgendwo-xyz").status_code == 404
    empty = client.get(f"/beruf/{KEY}/dortmund")
    assert empty.status_code == 200
    assert '<meta name="robots" content="noindex, follow">' in html(empty)


def test_nationwide_page_lists_lands_and_places(client: Client, market: None) -> None:
    response = client.get(f"/beruf/{KEY}")
    assert response.status_code == 200
    page = html(response)
    assert "Fachinformatiker/in - Systemintegration: Jobs, Gehalt und Nachfrage in Deutschland" in page
    assert f'href="/beruf/{KEY}/bamberg"' in page
    assert "Bayern" in page
    assert f'<link rel="canonical" href="http://testserver/beruf/{KEY}">' in page


def test_place_page_lists_occupations_with_links(client: Client, market: None) -> None:
    response = client.get("/ort/bamberg")
    assert response.status_code == 200
    page = html(response)
    assert "Jobs und Stellenangebote in Bamberg" in page
    assert f'href="/beruf/{KEY}/bamberg"' in page
    assert "Berufe in Bamberg" in page


def test_related_occupations_and_nearby_places_link_to_their_pages(client: Client, market: None) -> None:
    posting(KLDB, "hallstadt")
    posting("43112", "bamberg", skills=["sql", "linux"])
    refresh_aggregates()
    page = html(client.get(PAGE))
    assert f'href="/beruf/{KEY}/hallstadt"' in page
    assert re.search(r'href="/beruf/[a-z0-9-]+/bamberg">[^<]+</a> <span class="count">1</span>', page)


def test_charts_are_svg_images_with_a_data_table_and_validators(client: Client, market: None) -> None:
    page = html(client.get(PAGE))
    images = re.findall(r'<img src="([^"]+)"[^>]* alt="([^"]+)"', page)
    assert [src for src, _ in images] == [f"{PAGE}/nachfrage.svg", f"{PAGE}/gehalt.svg"]
    assert all(alt for _, alt in images)
    assert "Zahlen je Woche als Tabelle" in page
    for src, _ in images:
        chart = client.get(src)
        assert chart.status_code == 200
        assert chart["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert b"<script" not in chart.content
        assert client.get(src, headers={"if-none-match": chart["ETag"]}).status_code == 304
    assert client.get("/ort/bamberg/nachfrage.svg").status_code == 200
    assert client.get(f"/beruf/{KEY}/nachfrage.svg").status_code == 200


def test_the_sitemap_lists_pages_with_current_postings_only(client: Client, market: None) -> None:
    posting("81302", "dortmund", days_ago=100, status=Posting.Status.EXPIRED)
    refresh_aggregates()
    index = html(client.get("/sitemap.xml"))
    for section in ("stellen", "beruf-ort", "beruf", "ort"):
        assert f"http://testserver/sitemap-{section}.xml" in index
    pairs = html(client.get("/sitemap-beruf-ort.xml"))
    assert f"<loc>http://testserver{PAGE}</loc>" in pairs
    assert "dortmund" not in pairs
    assert "<loc>http://testserver/ort/bamberg</loc>" in html(client.get("/sitemap-ort.xml"))
    assert f"<loc>http://testserver/beruf/{KEY}</loc>" in html(client.get("/sitemap-beruf.xml"))
    stellen = html(client.get("/sitemap-stellen.xml"))
    shown = Posting.objects.visible().first()
    gone = Posting.objects.filter(status=Posting.Status.EXPIRED).first()
    assert shown is not None
    assert gone is not None
    assert f"<loc>http://testserver{shown.get_absolute_url()}</loc>" in stellen
    assert gone.get_absolute_url() not in stellen
    assert stellen.count("<loc>") == Posting.objects.visible().count()


def test_market_pages_load_nothing_from_other_hosts(client: Client, market: None) -> None:
    for path in (PAGE, f"/beruf/{KEY}", "/ort/bamberg"):
        page = html(client.get(path))
        loaded = re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', page)
        loaded += [m[1] for m in re.findall(r'<link([^>]+)href="([^"]+)"', page) if "canonical" not in m[0]]
        assert loaded, path
        assert not [url for url in loaded if re.match(r"(https?:)?//", url)], path


def test_history_older_than_a_year_gives_a_trend_with_numbers(client: Client, market: None) -> None:
    weeks_back = [timezone.now() - timedelta(days=d) for d in range(371, 371 + 70, 7)]
    for seen in weeks_back:
        posting(KLDB, "bamberg", first_seen=seen, status=Posting.Status.EXPIRED)
    for days in range(8, 8 + 7 * 12, 7):
        posting(KLDB, "bamberg", days_ago=days)
        posting(KLDB, "bamberg", days_ago=days + 1)
    refresh_aggregates()
    page = text(client.get(PAGE))
    assert re.search(r"(Deutlich gestiegen|Gestiegen): \+\d+ % gegenüber dem Vorjahreszeitraum", page)
