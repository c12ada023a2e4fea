"""Finding pay in German posting text: amounts, periods, gross/net, tariffs, and the traps around them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.domain.results import Unknown
from stellwerk.domain.salary import (
    InvalidSalaryError,
    Period,
    Salary,
    SalaryInfo,
    monthly_range_cents,
)
from stellwerk.normalize.salary import (
    MINIMUM_WAGE,
    PLAUSIBLE_CENTS,
    UNNAMED_AGREEMENT,
    clean_text,
    parse_salary,
)

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FULLTEXT = SHARED_DATA / "postings" / "ba_jobsuche_fulltext_2025.csv"

HOUR, MONTH, YEAR = Period.HOUR, Period.MONTH, Period.YEAR


def only_salary(text: str) -> Salary:
    result = parse_salary(text)
    assert isinstance(result, SalaryInfo), result
    assert len(result.salaries) == 1, result.salaries
    return result.salaries[0]


def tariffs(text: str) -> list[tuple[str, str | None]]:
    result = parse_salary(text)
    assert isinstance(result, SalaryInfo), result
    return [(tariff.agreement, tariff.group) for tariff in result.tariffs]


# (text, min cents, max cents, period, period stated, gross)
EXAMPLES = [
    ("3.300 € – 3.800 €", 330_000, 380_000, MONTH, False, None),
    ("3.300 - 3.800 EUR brutto monatlich", 330_000, 380_000, MONTH, True, True),
    ("ab 45.000 EUR p.a.", 4_500_000, None, YEAR, True, None),
    ("45.000 € bis 55.000 € jährlich", 4_500_000, 5_500_000, YEAR, True, None),
    ("18,50 €/Std.", 1_850, 1_850, HOUR, True, None),
    ("18,50 Euro pro Stunde", 1_850, 1_850, HOUR, True, None),
    ("bis zu 5k brutto", None, 500_000, MONTH, False, True),
    ("60-70k", 6_000_000, 7_000_000, YEAR, False, None),
    ("Gehalt: 60 - 70k", 6_000_000, 7_000_000, YEAR, False, None),
    ("Jahresgehalt von 52.000 €", 5_200_000, 5_200_000, YEAR, True, None),
    ("2.800 € netto", 280_000, 280_000, MONTH, False, False),
    ("zwischen 3.000 und 3.500 € brutto", 300_000, 350_000, MONTH, False, True),
    ("€ 3.300 – € 3.800", 330_000, 380_000, MONTH, False, None),
    ("Vergütung: 1.234,56 € monatlich", 123_456, 123_456, MONTH, True, None),
    ("Gehalt 3.300,- € brutto im Monat", 330_000, 330_000, MONTH, True, True),
    ("Gehalt 3 500 € brutto", 350_000, 350_000, MONTH, False, True),
    ("Gehalt 45,000 € p.a.", 4_500_000, 4_500_000, YEAR, True, None),
    ("3,5k brutto", 350_000, 350_000, MONTH, False, True),
    ("Stundenlohn 14 €", 1_400, 1_400, HOUR, True, None),
    ("Monatsgehalt: 3.000 Euro", 300_000, 300_000, MONTH, True, None),
    ("Bruttojahresgehalt 60.000 €", 6_000_000, 6_000_000, YEAR, True, True),
    ("Jahresgehalt von bis zu ca. 65.000 €", None, 6_500_000, YEAR, True, None),
    ("Attraktive Vergütung von mindestens 19 € pro Stunde", 1_900, None, HOUR, True, None),
    (
        "Arbeitgeber:\nAigner Immobilien GmbH\n17.680\u00a0€/Jahr\nArbeitsort",
        1_768_000,
        1_768_000,
        YEAR,
        True,
        None,
    ),
    ("14,00\u00a0€\u00a0–\u00a018,00\u00a0€/Std.", 1_400, 1_800, HOUR, True, None),
    ("50.000 € - 65.000 € jährl.", 5_000_000, 6_500_000, YEAR, True, None),
    ("Gehalt 45 T€ p.a.", 4_500_000, 4_500_000, YEAR, True, None),
    ("Vergütung zwischen 4.600,00 EUR - 4.800,00 EUR", 460_000, 480_000, MONTH, False, None),
    ("Im Jahr 2025 erhalten Sie 3.500 € brutto", 350_000, 350_000, MONTH, False, True),
    ("30 Tage Urlaub jährlich, Gehalt 3.000 €", 300_000, 300_000, MONTH, False, None),
]


@pytest.mark.parametrize(("text", "low", "high", "period", "stated", "gross"), EXAMPLES)
def test_documented_salary_statements(
    text: str, low: int | None, high: int | None, period: Period, stated: bool, gross: bool | None
) -> None:
    salary = only_salary(text)
    assert (salary.min_cents, salary.max_cents) == (low, high)
    assert salary.period is period
    assert salary.period_stated is stated
    assert salary.gross is gross
    assert salary.currency == "EUR"


def test_the_snippet_is_the_matched_statement_with_its_qualifier() -> None:
    assert only_salary("Wir zahlen ab 45.000 EUR p.a. und mehr").text == "ab 45.000 EUR p.a."
    assert only_salary("Ihr Jahresgehalt von 52.000 € wartet").text == "Jahresgehalt von 52.000 €"


def test_swiss_francs_keep_their_currency() -> None:
    salary = only_salary("Lohn CHF 95'000 pro Jahr")
    assert (salary.min_cents, salary.currency, salary.period) == (9_500_000, "CHF", YEAR)


def test_a_repeated_figure_counts_once_and_keeps_the_gross_it_states() -> None:
    result = parse_salary("50.000 € – 60.000 €/Jahr\n...\nJahresgehalt 50.000 € – 60.000 € brutto")
    assert isinstance(result, SalaryInfo)
    assert len(result.salaries) == 1
    assert result.salaries[0].gross is True


def test_several_statements_come_in_order_of_appearance() -> None:
    result = parse_salary("Einstieg 3.000 € brutto monatlich, nach der Probezeit 3.400 € brutto monatlich")
    assert isinstance(result, SalaryInfo)
    assert [s.min_cents for s in result.salaries] == [300_000, 340_000]


@pytest.mark.parametrize("text", ["Tagessatz 800 €", "500 € pro Woche", "Wochenlohn 600 €"])
def test_daily_and_weekly_amounts_are_not_represented(text: str) -> None:
    assert isinstance(parse_salary(text), Unknown)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TVöD-K E9b", [("TVöD-K", "E9b")]),
        ("EG 11 TV-L", [("TV-L", "E11")]),
        ("Entgeltgruppe 9a TVöD", [("TVöD", "E9a")]),
        ("AVR Caritas", [("AVR Caritas", None)]),
        ("Vergütung nach AVR des Deutschen Caritasverbandes", [("AVR Caritas", None)]),
        ("TV-Ärzte/VKA Ä1", [("TV-Ärzte/VKA", "Ä1")]),
        ("Vergütung nach Tarif", [(UNNAMED_AGREEMENT, None)]),
        ("tarifliche Vergütung", [(UNNAMED_AGREEMENT, None)]),
        ("Vergütung nach Entgeltgruppe 9", [(UNNAMED_AGREEMENT, "E9")]),
        ("nach TVöD SuE S 8b", [("TVöD-SuE", "S8b")]),
        ("E 9b - E 11 TVöD", [("TVöD", "E9b-E11")]),
        (
            "bis Entgeltgruppe 11 des Tarifvertrages für den öffentlichen Dienst (TVöD)",
            [("TVöD", "bis E11")],
        ),
        ("Tarifvertrag für den öffentlichen Dienst der Länder (TV-L), Entgeltgruppe 13", [("TV-L", "E13")]),
        ("Besoldungsgruppe A 13", [("Besoldung", "A13")]),
        ("A 12 LBesO", [("Besoldung", "A12")]),
        ("Vergütung BAP-Tarifvertrag", [("BAP", None)]),
        ("nach iGZ-DGB-Tarif, EG 3", [("iGZ", "EG3")]),
        ("nach dem Tarif der Metall- und Elektroindustrie", [("Tarif Metall- und Elektroindustrie", None)]),
        ("nach dem Tarifvertrag Versorgungsbetriebe (TV-V)", [("TV-V", None)]),
        ("ein Haustarifvertrag", [("Haustarifvertrag", None)]),
        ("Wir zahlen den gesetzlichen Mindestlohn", [(MINIMUM_WAGE, None)]),
    ],
)
def test_tariffs_are_recognised_with_their_group(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert tariffs(text) == expected


def test_a_tariff_alone_carries_no_invented_figure() -> None:
    result = parse_salary("Vergütung nach TVöD E 9b")
    assert isinstance(result, SalaryInfo)
    assert result.salaries == ()
    assert result.tariffs[0].text == "TVöD E 9b"


def test_a_stated_minimum_wage_figure_is_kept_as_stated() -> None:
    result = parse_salary("Lohn: Mindestlohn von 12,82 € pro Stunde")
    assert isinstance(result, SalaryInfo)
    assert [(s.min_cents, s.period) for s in result.salaries] == [(1_282, HOUR)]
    assert [t.agreement for t in result.tariffs] == [MINIMUM_WAGE]


@pytest.mark.parametrize(
    "text",
    [
        "Telefon: 0231 123 456",
        "Tel. +49 (0)231 98765-0",
        "seit 2025 am Markt",
        "Start: 01.01.2025",
        "44137 Dortmund",
        "30 Urlaubstage",
        "30 Tage Urlaub",
        "40 Stunden pro Woche",
        "10 % Bonus",
        "100 % remote",
        "3-5 Jahre Berufserfahrung",
        "Referenznummer 378790",
        "4K-Monitor und 10k Follower",
        "Zuschuss zum Deutschlandticket von 46,55 €",
        "200 Euro Gesundheitsbudget",
        "Eine Willkommensprämie in Höhe von 1.000 € brutto nach der Probezeit",
        "Mobility Budget von 50 € monatlich",
        "Vergünstigungen bei Strom (240 Euro/Jahr inkl. MwSt.)",
        'Prämienzahlung "Mitarbeiter werben Mitarbeiter" bis zu 400 €',
        "eine Bilanzsumme von rund 19 Mrd. Euro",
        "ein Umsatz von 3.500.000 €",
        "60.000,00 € – 70.000,00 €/Std.",
        "0€ - 0€",
        "Bitte nennen Sie Ihre Gehaltsvorstellung",
        "Gewinnbeteiligung bis zu 24.000€",
    ],
)
def test_traps_are_not_pay(text: str) -> None:
    result = parse_salary(text)
    assert isinstance(result, Unknown) or not result.salaries, result


@pytest.mark.parametrize(
    "text",
    [
        "außertarifliche Vergütung",
        "Mitarbeitertarife für Strom und Gas",
        "Wir haben keinen Tarifvertrag",
        "Bezahlung deutlich über dem Mindestlohn",
        "günstiger Strom-Tarif",
    ],
)
def test_traps_are_not_tariffs(text: str) -> None:
    result = parse_salary(text)
    assert isinstance(result, Unknown) or not result.tariffs, result


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty text"),
        ("   \n ", "empty text"),
        ("Wir freuen uns auf Ihre Bewerbung.", "no salary stated"),
        ("Zuschuss 50 € zum Jobticket", "no salary stated; 1 amount(s) ignored as not pay or implausible"),
    ],
)
def test_unknown_says_why(text: str, reason: str) -> None:
    result = parse_salary(text)
    assert isinstance(result, Unknown)
    assert result.reason == reason


def test_mojibake_and_invisible_characters_are_repaired_before_matching() -> None:
    assert clean_text("FÃ¼r unsere Kunden") == "Für unsere Kunden"
    assert clean_text("Personal\u00advermittlung\u00a0jetzt") == "Personalvermittlung jetzt"
    assert only_salary("VergÃ¼tung: 3.000Â\xa0â\x82¬ brutto").min_cents == 300_000


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        # 18.50 €/h x 173.33 h = 3,206.6105 € -> 320,661 cents (half up)
        (Salary(1_850, 1_850, HOUR, None), (320_661, 320_661)),
        (Salary(5_200_000, None, YEAR, True), (433_333, None)),
        (Salary(None, 6_000_006, YEAR, True), (None, 500_001)),
        (Salary(330_000, 380_000, MONTH, None), (330_000, 380_000)),
    ],
)
def test_monthly_range_in_integer_cents(salary: Salary, expected: tuple[int | None, int | None]) -> None:
    assert monthly_range_cents(salary) == expected


@pytest.mark.parametrize(
    "bounds",
    [(None, None), (5, 3), (-1, 3), (1.5, 3), (True, 3)],
)
def test_a_salary_rejects_contradicting_bounds(bounds: tuple[object, object]) -> None:
    with pytest.raises(InvalidSalaryError):
        Salary(bounds[0], bounds[1], MONTH, None)  # type: ignore[arg-type]


def test_a_salary_wants_an_iso_currency() -> None:
    with pytest.raises(InvalidSalaryError):
        Salary(100_000, None, MONTH, None, currency="€")


FRAGMENTS = [
    "€",
    "EUR",
    "Euro",
    "brutto",
    "netto",
    "k",
    "ab",
    "bis zu",
    "zwischen",
    "und",
    "-",
    "–",
    "/Std.",
    "pro Monat",
    "p.a.",
    "jährlich",
    "Gehalt",
    "Zuschuss",
    "TVöD",
    "E 9b",
    "Entgeltgruppe",
    "TV-L",
    "nach Tarif",
    "Mindestlohn",
    "Tarifvertrag",
    "\n",
    " ",
    ",",
    ".",
]
NUMBERS = st.integers(0, 10**9).map(str) | st.decimals(0, 10**7, places=2).map(
    lambda d: f"{d:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
)
TEXTS = st.lists(st.text(max_size=20) | st.sampled_from(FRAGMENTS) | NUMBERS, max_size=30).map(" ".join)


@given(TEXTS)
def test_any_text_gives_a_valid_result(text: str) -> None:
    result = parse_salary(text)
    if isinstance(result, Unknown):
        assert result.reason
        return
    assert result.salaries or result.tariffs
    flat = " ".join(clean_text(text).split())
    for salary in result.salaries:
        bounds = [b for b in (salary.min_cents, salary.max_cents) if b is not None]
        assert bounds
        assert all(type(b) is int and b >= 0 for b in bounds)
        low, high = PLAUSIBLE_CENTS[salary.period]
        assert all(low <= b <= high for b in bounds)
        assert salary.min_cents is None or salary.max_cents is None or salary.min_cents <= salary.max_cents
        assert re.fullmatch(r"[A-Z]{3}", salary.currency)
        assert salary.text
        assert salary.text in flat
    for tariff in result.tariffs:
        assert tariff.agreement
        assert tariff.text


@given(st.text())
def test_arbitrary_unicode_never_raises(text: str) -> None:
    assert isinstance(parse_salary(text), SalaryInfo | Unknown)


@given(
    st.integers(0, 10**9),
    st.integers(0, 10**9),
    st.sampled_from(list(Period)),
)
def test_monthly_range_keeps_order_and_stays_in_cents(a: int, b: int, period: Period) -> None:
    low, high = monthly_range_cents(Salary(min(a, b), max(a, b), period, None))
    assert low is not None
    assert high is not None
    assert type(low) is int
    assert type(high) is int
    assert 0 <= low <= high


def _ba_page_salary(description: str) -> int | None:
    """Return the euros of the salary line the BA job page prints under the employer, if any."""
    match = re.search(
        r"Arbeitgeber:\s*\n[^\n]*\n\s*([0-9][^\n]*?€[^\n]*)\n", description.replace("\xa0", " ")
    )
    if match is None:
        return None
    return int(re.match(r"[\d.]+", match.group(1)).group().replace(".", ""))  # type: ignore[union-attr]


@pytest.mark.needs_shared
def test_salaries_in_the_real_full_text_postings() -> None:
    if not FULLTEXT.is_file():
        pytest.skip(f"../shared/data is not present: {FULLTEXT} holds the 554 real BA full-text postings")
    with FULLTEXT.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 554
    # The `salary` column of this file is empty in every row, so the figure the BA page prints under the
    # employer serves as the reference: 33 pages show one, 2 of them an impossible "60.000 € – 70.000 €/Std.".
    reference = [(row, euros) for row in rows if (euros := _ba_page_salary(row["description"])) is not None]
    filled = [row for row in rows if row["salary"].strip()]
    found = 0
    for row, euros in reference:
        result = parse_salary(row["description"])
        if isinstance(result, SalaryInfo):
            found += any((s.min_cents or s.max_cents or 0) // 100 == euros for s in result.salaries)
    assert len(reference) == 33
    assert found >= 31
    assert all(parse_salary(row["salary"]) for row in filled)
    any_pay = sum(bool(parse_salary(row["description"])) for row in rows)
    assert 85 <= any_pay <= 110  # 96 postings state pay or a tariff; more would point at false positives
