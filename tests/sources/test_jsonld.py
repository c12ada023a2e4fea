"""Finding schema.org JobPostings in pages (JSON-LD in its shapes, microdata) and mapping them to fields."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.jobsite_server import job_posting, json_ld_page, json_ld_scripts, microdata_page
from stellwerk.domain.postings import InvalidRecord, RawRecord, ReadError
from stellwerk.domain.results import Unknown
from stellwerk.domain.salary import Period, SalaryInfo
from stellwerk.normalize.salary import PLAUSIBLE_CENTS, parse_salary
from stellwerk.normalize.terms import parse_terms
from stellwerk.sources.jsonld import (
    JSON_LD,
    MICRODATA,
    SOURCE,
    extract_job_postings,
    map_record,
    salary_phrase,
)

URL = "https://karriere.example.de/jobs/koch.html"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "postings" / "jobdetail_html_samples"


def records(html: str, url: str = URL) -> list[RawRecord]:
    found = extract_job_postings(html, url)
    assert all(isinstance(item, RawRecord) for item in found), found
    return [item for item in found if isinstance(item, RawRecord)]


def mapped(posting: dict[str, Any], url: str = URL) -> Any:
    (record,) = records(json_ld_page(posting), url)
    return map_record(record)


# --- Finding postings ---------------------------------------------------------------------------------------


def test_a_single_posting_is_kept_verbatim_with_the_page_url_and_the_site_scoped_identifier() -> None:
    posting = job_posting("Koch (m/w/d)", identifier="K-100")
    (record,) = records(json_ld_page(posting))
    assert record.source == SOURCE
    assert record.external_id == "karriere.example.de:K-100"
    assert record.payload == {"page_url": URL, "syntax": JSON_LD, "posting": posting}
    assert record.locator == f"{URL} script[0]"


@pytest.mark.parametrize(
    "document",
    [
        [job_posting("A"), job_posting("B")],
        {
            "@context": "https://schema.org",
            "@graph": [{"@type": "WebSite"}, job_posting("A"), job_posting("B")],
        },
        {
            "@context": "http://schema.org",
            "@type": "WebPage",
            "mainEntity": [job_posting("A"), job_posting("B")],
        },
        [{**job_posting("A"), "@type": ["JobPosting"]}, {**job_posting("B"), "@type": "schema:JobPosting"}],
        [
            {**job_posting("A"), "@type": "http://schema.org/JobPosting"},
            {**job_posting("B"), "@type": ["Thing", "https://schema.org/JobPosting"]},
        ],
    ],
    ids=["array", "graph", "nested", "type-list-and-prefix", "type-iri"],
)
def test_postings_are_found_in_every_json_ld_shape(document: object) -> None:
    found = records(json_ld_page(document))
    assert [r.payload["posting"]["title"] for r in found] == ["A", "B"]
    # Without identifiers, several postings on one page are told apart by their position.
    assert [r.external_id for r in found] == [f"{URL}#0", f"{URL}#1"]
    assert found[1].locator == f"{URL} script[0] posting[1]"


def test_a_broken_block_becomes_an_error_and_the_other_blocks_are_still_read() -> None:
    page = json_ld_page('{"@type": "JobPosting", "title": "Kaputt",}', job_posting("Heil", identifier="H-1"))
    error, record = extract_job_postings(page, URL)
    assert isinstance(error, ReadError)
    assert error.source == SOURCE
    assert error.locator == f"{URL} script[0]"
    assert error.reason.startswith(
        "invalid JSON-LD: Expecting property name enclosed in double quotes at line 1"
    )
    assert isinstance(record, RawRecord)
    assert record.payload["posting"]["title"] == "Heil"


def test_blocks_without_postings_and_pages_without_blocks_give_nothing() -> None:
    organization = {"@context": "https://schema.org", "@type": "Organization", "name": "Muster GmbH"}
    assert extract_job_postings(json_ld_page(organization, {"@type": "BreadcrumbList"}), URL) == []
    assert extract_job_postings("<html><body><h1>Karriere</h1></body></html>", URL) == []
    assert extract_job_postings("", URL) == []
    assert extract_job_postings("   \n", URL) == []
    assert extract_job_postings('<script type="application/ld+json">  </script>', URL) == []


def test_wrapped_blocks_raw_line_breaks_and_an_xml_declaration_are_read() -> None:
    raw_newline = '{"@type": "JobPosting", "title": "Zeile\n zwei"}'
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html><head>'
        '<script type="application/ld+json; charset=utf-8">'
        '<!-- {"@type": "JobPosting", "title": "A"} --></script>'
        '<script type="Application/LD+JSON">'
        '/*<![CDATA[*/{"@type": "JobPosting", "title": "B"}/*]]>*/</script>'
        f'<script type="application/ld+json">{raw_newline}</script>'
        '<script type="text/javascript">{"@type": "JobPosting", "title": "kein JSON-LD"}</script>'
        "</head></html>"
    )
    assert [r.payload["posting"]["title"] for r in records(page)] == ["A", "B", "Zeile\n zwei"]


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    page = json_ld_page("[" * 100_000 + "]" * 100_000, job_posting("Heil"))
    error, record = extract_job_postings(page, URL)
    assert isinstance(error, ReadError)
    assert "nested too deeply" in error.reason
    assert isinstance(record, RawRecord)


def test_a_posting_named_twice_by_identifier_is_read_once_and_the_repeat_reported() -> None:
    page = json_ld_page(job_posting("A", identifier="X-1"), job_posting("B", identifier="X-1"))
    record, error = extract_job_postings(page, URL)
    assert isinstance(record, RawRecord)
    assert record.payload["posting"]["title"] == "A"
    assert isinstance(error, ReadError)
    assert "appears twice" in error.reason


def test_identifiers_as_plain_values_and_overlong_ids_fit_the_database() -> None:
    (plain,) = records(json_ld_page({**job_posting("A"), "identifier": 4711}))
    assert plain.external_id == "karriere.example.de:4711"
    long_url = "https://karriere.example.de/jobs/" + "x" * 300 + ".html#anker"
    (record,) = records(json_ld_page(job_posting("A")), long_url)
    assert record.external_id.startswith("sha256:")
    assert len(record.external_id) <= 200
    # The fragment is not part of a page's identity.
    (short,) = records(json_ld_page(job_posting("A")), URL + "#bewerben")
    assert short.external_id == URL


def test_microdata_is_read_into_the_json_ld_shape_and_mapped() -> None:
    (record,) = records(microdata_page("Altenpfleger (m/w/d)"))
    assert record.payload["syntax"] == MICRODATA
    assert record.locator == f"{URL} microdata[0]"
    posting = record.payload["posting"]
    assert posting["@type"] == "JobPosting"
    assert posting["hiringOrganization"]["@type"] == "Organization"
    assert posting["baseSalary"]["value"]["minValue"] == "19.50"
    data = map_record(record)
    assert record.external_id == "karriere.example.de:MD-20"
    assert data.title == "Altenpfleger (m/w/d)"
    assert data.employer == "Pflegedienst Sonnenschein & Partner"
    assert (data.postal_code, data.place_name) == ("44787", "Bochum")
    assert data.published == date(2026, 1, 10)
    assert data.description == "Ihre Aufgaben:\n\nGrundpflege\n\nDokumentation"
    assert data.source_url == "https://karriere.example.de/jobs/pflege.html"
    assert data.terms == {"employmentType": ["PART_TIME"]}
    assert data.salary_text == "Gehalt: 19,50 – 22 EUR pro Stunde"


def test_microdata_repeating_a_json_ld_posting_on_the_same_page_is_not_read_twice() -> None:
    microdata = microdata_page("Altenpfleger (m/w/d)")
    page = microdata.replace("</head>", json_ld_scripts(job_posting("Altenpfleger (M/W/D)")) + "</head>")
    assert [r.payload["syntax"] for r in records(page)] == [JSON_LD]
    other = microdata.replace("</head>", json_ld_scripts(job_posting("Koch (m/w/d)")) + "</head>")
    assert [r.payload["syntax"] for r in records(other)] == [JSON_LD, MICRODATA]


# --- Mapping ------------------------------------------------------------------------------------------------


def test_a_full_posting_maps_to_every_field() -> None:
    posting = job_posting(
        "Koch (m/w/d)",
        identifier="K-100",
        jobLocation={
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": "Dortmund", "postalCode": "44137"},
            "geo": {"@type": "GeoCoordinates", "latitude": "51.5136", "longitude": 7.4653},
        },
        jobStartDate="2026-04-01",
        validThrough="2026-03-31T23:30:00Z",
        url="/jobs/koch-100",
        directApply=True,
    )
    data = mapped(posting)
    assert data.title == "Koch (m/w/d)"
    assert data.employer == "Muster Kliniken GmbH"
    assert (data.place_name, data.postal_code, data.lat, data.lon) == ("Dortmund", "44137", 51.5136, 7.4653)
    assert data.published == date(2026, 1, 6)
    assert data.start_date == date(2026, 4, 1)
    # 23:30 UTC on 31 March is already 1 April in Germany, where the posting is shown.
    assert data.valid_through == date(2026, 4, 1)
    assert data.source_url == "https://karriere.example.de/jobs/koch-100"
    assert data.external_url == data.source_url
    assert data.description == "Wir suchen Koch (m/w/d) für unser Team."


def test_the_real_jobexport_page_carries_json_ld_and_the_ba_pages_carry_none() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"../shared/data is not present: {SAMPLES} holds 5 real job-detail pages")
    pages = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in SAMPLES.glob("*.html")}
    jobexport = next(text for name, text in pages.items() if "jobexport" in name)
    (record,) = records(jobexport, "https://www.jobexport.de/job/5036260.html")
    assert record.external_id == "www.jobexport.de:c2bbfc66-f130-42ff-b2fe-3e2d2b162c9a"
    data = map_record(record)
    assert data.title == "Projekt-und Prozessmanager (m/w/d) - Absatzplanung"
    assert (data.employer, data.postal_code, data.place_name) == ("GoHiring GmbH", "22844", "Norderstedt")
    assert (data.published, data.valid_through) == (date(2026, 1, 6), date(2026, 2, 5))
    assert data.terms == {"employmentType": ["FULL_TIME"]}
    # The BA pages keep their data in Angular state, not in schema.org markup.
    for name, text in pages.items():
        if "jobexport" not in name:
            assert extract_job_postings(text, "https://www.arbeitsagentur.de/jobsuche/jobdetail/x") == []


def test_several_locations_give_the_first_as_place_and_name_the_others_in_the_description() -> None:
    locations = [
        {"@type": "Place", "address": {"addressLocality": "Essen", "postalCode": "45127"}},
        {"@type": "Place", "address": "Friedrichstraße 1, 10117 Berlin"},
        {"@type": "Place", "address": {"addressLocality": "München"}},
        "Hamburg",
    ]
    data = mapped(job_posting("Koch", jobLocation=locations))
    assert (data.postal_code, data.place_name) == ("45127", "Essen")
    assert data.description.endswith("Weitere Arbeitsorte: 10117 Berlin, München, Hamburg")


def test_lenient_optional_fields_are_left_out_instead_of_rejecting_the_posting() -> None:
    posting = job_posting(
        "Koch",
        datePosted="irgendwann",
        validThrough="31.03.2026",
        jobLocation={
            "address": {"addressLocality": "Wien", "postalCode": "10115", "addressCountry": "AT"},
            "geo": {"latitude": "north", "longitude": 500},
        },
        hiringOrganization="Gasthaus &amp; Hotel Post",
        url="javascript:alert(1)",
    )
    data = mapped(posting)
    assert data.published is None
    assert data.valid_through == date(2026, 3, 31)
    # An Austrian postal code must not be matched against the German PLZ list.
    assert (data.place_name, data.postal_code, data.lat, data.lon) == ("Wien", None, None, None)
    assert data.employer == "Gasthaus & Hotel Post"
    assert data.source_url == URL
    assert data.external_url is None


@pytest.mark.parametrize("title", [None, "", "   ", "<b></b>", {"@value": "Koch"}])
def test_a_posting_without_a_title_is_rejected_with_the_reason(title: object) -> None:
    posting = job_posting("x")
    posting["title"] = title
    (record,) = records(json_ld_page(posting))
    with pytest.raises(InvalidRecord, match="no 'title'"):
        map_record(record)


def test_name_stands_in_for_a_missing_title() -> None:
    posting = job_posting("x")
    del posting["title"]
    posting["name"] = "Koch"
    assert mapped(posting).title == "Koch"


def test_markup_in_titles_and_scripts_in_descriptions_never_come_through() -> None:
    posting = job_posting(
        "<b>Koch</b> <script>alert(1)</script>(m/w/d) &amp; Beikoch",
        description=(
            "<p>Aufgaben</p><script>document.location='https://evil.example'</script><ul><li>Kochen</li></ul>"
            "&lt;img src=x onerror=alert(2)&gt;&lt;p&gt;Escaped&lt;/p&gt;"
        ),
    )
    data = mapped(posting)
    assert data.title == "Koch (m/w/d) & Beikoch"
    assert "alert" not in data.description
    assert "evil" not in data.description
    assert "<" not in data.description
    assert data.description == "Aufgaben\n\nKochen\n\nEscaped"


def test_a_payload_without_a_posting_object_is_rejected() -> None:
    with pytest.raises(InvalidRecord, match="no JobPosting object"):
        map_record(RawRecord(SOURCE, "x", {"page_url": URL, "posting": ["kein", "Objekt"]}, "x"))


def test_employment_type_and_telecommute_reach_the_terms_parser() -> None:
    posting = job_posting(
        "Entwickler",
        employmentType=["PART_TIME", "TEMPORARY"],
        jobLocationType="TELECOMMUTE",
        applicantLocationRequirements={"@type": "Country", "name": "Deutschland"},
    )
    data = mapped(posting)
    assert data.terms == {
        "employmentType": ["PART_TIME", "TEMPORARY"],
        "jobLocationType": ["TELECOMMUTE"],
        "applicantLocationRequirements": ["Deutschland"],
    }
    terms = parse_terms(data.title, data.description, data.terms)
    assert terms.working_time == {"tz", "ho"}
    assert terms.remote == "full"
    assert terms.fixed_term is True


# --- Salary -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_salary", "phrase", "expected"),
    [
        (
            {
                "@type": "MonetaryAmount",
                "currency": "EUR",
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": 3500,
                    "maxValue": 4200,
                    "unitText": "MONTH",
                },
            },
            "Gehalt: 3.500 – 4.200 EUR pro Monat",
            (350_000, 420_000, Period.MONTH),
        ),
        (
            {"currency": "EUR", "value": {"value": "18,50", "unitText": "HOUR"}},
            "Gehalt: 18,50 EUR pro Stunde",
            (1850, 1850, Period.HOUR),
        ),
        (
            {"currency": "EUR", "value": {"minValue": "55.000", "unitText": "YEAR"}},
            "Gehalt: ab 55.000 EUR pro Jahr",
            (5_500_000, None, Period.YEAR),
        ),
        (
            {"currency": "CHF", "minValue": 6000.0, "maxValue": 5000, "unitCode": "MON"},
            "Gehalt: 5.000 – 6.000 CHF pro Monat",
            (500_000, 600_000, Period.MONTH),
        ),
        (
            {"value": {"maxValue": "4,000.50", "unitText": "monthly"}},
            "Gehalt: bis zu 4.000,50 EUR pro Monat",
            (None, 400_050, Period.MONTH),
        ),
        ({"currency": "EUR", "value": 52000}, "Gehalt: 52.000 EUR", (5_200_000, 5_200_000, Period.YEAR)),
    ],
    ids=["range-month", "hour-text", "minimum-year", "chf-swapped-unitcode", "maximum-english", "no-unit"],
)
def test_base_salary_becomes_a_phrase_the_salary_parser_reads(
    base_salary: dict[str, Any], phrase: str, expected: tuple[int | None, int | None, Period]
) -> None:
    data = mapped(job_posting("Koch", baseSalary=base_salary))
    assert data.salary_text == phrase
    info = parse_salary(phrase)
    assert isinstance(info, SalaryInfo)
    (salary,) = info.salaries
    assert (salary.min_cents, salary.max_cents, salary.period) == expected
    assert salary.currency == base_salary.get("currency", "EUR")


@pytest.mark.parametrize(
    "base_salary",
    [
        None,
        "viel",
        {"currency": "USD", "value": 50000},
        {"currency": "EUR", "value": {"unitText": "MONTH"}},
        {"currency": "EUR", "value": -5},
        {"currency": "EUR", "value": "NaN"},
        {"currency": "EUR", "value": True},
    ],
)
def test_salaries_that_cannot_be_written_give_no_phrase(base_salary: object) -> None:
    assert salary_phrase(base_salary) is None


def test_daily_and_weekly_pay_is_written_but_the_parser_skips_it() -> None:
    phrase = salary_phrase({"currency": "EUR", "value": {"value": 450, "unitText": "DAY"}})
    assert phrase == "Gehalt: 450 EUR pro Tag"
    assert isinstance(parse_salary(phrase), Unknown)
    assert salary_phrase({"currency": "EUR", "value": {"value": 900, "unitText": "WEEK"}}) == (
        "Gehalt: 900 EUR pro Woche"
    )


_UNIT_OF = {Period.HOUR: "HOUR", Period.MONTH: "MONTH", Period.YEAR: "YEAR"}


@st.composite
def salaries(draw: st.DrawFn) -> tuple[Period, int, int]:
    period = draw(st.sampled_from(list(_UNIT_OF)))
    low_limit, high_limit = PLAUSIBLE_CENTS[period]
    low = draw(st.integers(low_limit, high_limit))
    high = draw(st.integers(low, min(high_limit, low * 4)))
    return period, low, high


@given(salaries(), st.booleans())
def test_any_plausible_base_salary_survives_the_round_trip_through_the_parser(
    salary: tuple[Period, int, int], as_text: bool
) -> None:
    period, low, high = salary
    values = [f"{cents // 100}.{cents % 100:02d}" if as_text else cents / 100 for cents in (low, high)]
    phrase = salary_phrase(
        {
            "currency": "EUR",
            "value": {"minValue": values[0], "maxValue": values[1], "unitText": _UNIT_OF[period]},
        }
    )
    assert phrase is not None
    info = parse_salary(phrase)
    assert isinstance(info, SalaryInfo), phrase
    (parsed,) = info.salaries
    assert (parsed.min_cents, parsed.max_cents, parsed.period) == (low, high, period), phrase


# --- Robustness ---------------------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "title",
        "name",
        "description",
        "identifier",
        "hiringOrganization",
        "jobLocation",
        "address",
        "geo",
        "latitude",
        "baseSalary",
        "value",
        "minValue",
        "unitText",
        "currency",
        "datePosted",
        "validThrough",
        "employmentType",
        "jobLocationType",
        "url",
        "directApply",
        "@type",
        "addressCountry",
        "postalCode",
    ]
)
_schema_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys, children, max_size=6),
    max_leaves=30,
)


@given(st.text(max_size=300))
def test_any_text_as_a_page_never_raises(text: str) -> None:
    for item in extract_job_postings(text, URL):
        assert isinstance(item, RawRecord | ReadError)


@given(_json)
def test_any_json_in_a_block_gives_records_or_nothing(document: object) -> None:
    page = f'<script type="application/ld+json">{json.dumps(document)}</script>'
    for item in extract_job_postings(page, URL):
        assert isinstance(item, RawRecord)


@given(st.dictionaries(_keys, _schema_json, max_size=10))
def test_mapping_any_posting_object_gives_fields_or_invalid_record(posting: dict[str, Any]) -> None:
    record = RawRecord(SOURCE, "x", {"page_url": URL, "syntax": JSON_LD, "posting": posting}, "x")
    try:
        data = map_record(record)
    except InvalidRecord:
        return
    assert data.title
    assert data.title.strip() == data.title
    if data.salary_text is not None:
        parse_salary(data.salary_text)
