"""Reading the terms of employment: working time, remote work, fixed term, agencies and kinds of offer."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.domain.terms import OFFER_KINDS, REMOTE_LEVELS, WORKING_TIME_CODES, InvalidTermsError, Terms
from stellwerk.normalize.terms import parse_terms

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FULLTEXT = SHARED_DATA / "postings" / "ba_jobsuche_fulltext_2025.csv"


def described(description: str) -> Terms:
    return parse_terms("Sachbearbeiter (m/w/d)", description)


@pytest.mark.parametrize(
    ("title", "description", "codes"),
    [
        ("Pflegefachkraft (m/w/d) in Vollzeit", "", {"vz"}),
        ("Pflegefachkraft (m/w/d)", "Wir suchen Sie in Voll- oder Teilzeit.", {"vz", "tz"}),
        ("Pflegefachkraft (m/w/d)", "Voll— oder Teilzeit (min. 30 Std./Wo.)", {"vz", "tz"}),
        ("Verkäufer (m/w/d) Teilzeit", "", {"tz"}),
        ("Bürokraft", "Teilzeit (20 Std./Woche)", {"tz"}),
        ("Bürokraft", "Anstellungsart\nVollzeit, Teilzeit (Vormittag, Nachmittag)\nBefristung", {"vz", "tz"}),
        ("Operator", "Arbeit im Schichtdienst", {"snw"}),
        ("Pfleger", "Nachtdienst und Wochenenddienst", {"snw"}),
        ("Pfleger", "Schicht/Nacht/Wochenende", {"snw"}),
        ("Lagerhelfer", "Steuerfreier Nachtzuschlag", {"snw"}),
        ("Schichtleiter Logistik (m/w/d)", "", {"snw"}),
        ("Aushilfe", "auf 538-Euro-Basis", {"mj"}),
        ("Aushilfe", "ein klassischer 520-Euro-Job", {"mj"}),
        ("Aushilfe Minijob (m/w/d)", "", {"mj"}),
        ("Aushilfe", "geringfügige Beschäftigung", {"mj"}),
        ("Entwickler", "eine 38,5-Stunden-Woche", {"vz"}),
        ("Entwickler", "Umfang: 20-30 Wochenstunden", {"tz"}),
        ("Entwickler", "Arbeitszeit 40 Stunden pro Woche", {"vz"}),
        ("Full-time Software Engineer", "", {"vz"}),
        ("Part-time Assistant", "", {"tz"}),
    ],
)
def test_working_time_codes(title: str, description: str, codes: set[str]) -> None:
    assert parse_terms(title, description).working_time == codes


def test_weekly_hours_count_only_where_no_working_time_is_named() -> None:
    assert described("Teilzeit, 38,5-Stunden-Woche").working_time == {"tz"}


@pytest.mark.parametrize(
    ("description", "remote"),
    [
        ("Wir bieten mobiles Arbeiten", "partial"),
        ("Möglichkeit des mobilen Arbeitens", "partial"),
        ("bis zu 2 Tage Homeoffice pro Woche", "partial"),
        ("Home Office möglich", "partial"),
        ("flexible Homeoffice-Regelung", "partial"),
        ("die Möglichkeit hybrid zu arbeiten", "partial"),
        ("Flexible Arbeitsmodelle (remote/hybrid – je nach Rahmen)", "partial"),
        ("Heim-/Telearbeit", "partial"),
        ("Homeoffice (maximal 40%)", "partial"),
        ("100 % remote", "full"),
        ("Full Remote", "full"),
        ("fully remote team", "full"),
        ("vollständig im Homeoffice", "full"),
        ("bis zu 100 % Remote-Arbeit innerhalb Deutschlands", "full"),
        ("deutschlandweit / remote", "full"),
    ],
)
def test_remote_work(description: str, remote: str) -> None:
    terms = described(description)
    assert terms.remote == remote
    assert "ho" in terms.working_time


@pytest.mark.parametrize(
    ("description", "fixed"),
    [
        ("befristet auf 2 Jahre", True),
        ("Die Stelle ist zunächst befristet.", True),
        ("zunächst auf 2 Jahre befristet, eine unbefristete Übernahme wird angestrebt", True),
        ("in Teilzeit befristet für ein Jahr", True),
        ("eine befristete Stelle", True),
        ("als Elternzeitvertretung", True),
        ("fixed-term contract", True),
        ("unbefristeter Arbeitsvertrag", False),
        ("Unbefristete Festanstellung", False),
        ("Die Stelle ist nicht befristet.", False),
        ("Festanstellung in Vollzeit", False),
        ("Befristung\nunbefristet", False),
        ("Befristung\nbefristet\n... einen unbefristeten Arbeitsvertrag streben wir an", True),
        ("Bewerbungsfrist: 30.04.", None),
    ],
)
def test_fixed_term(description: str, fixed: bool | None) -> None:
    assert described(description).fixed_term is fixed


@pytest.mark.parametrize(
    ("description", "temp", "private"),
    [
        ("Stelle im Rahmen der Arbeit\u00adnehmer\u00adüber\u00adlassung", True, None),
        ("Wir sind ein Personaldienstleister mit 20 Standorten.", True, None),
        ("Zeitarbeit mit Übernahmeoption", True, None),
        ("Option auf Übernahme durch unseren Kunden", True, None),
        ("Stelle im Rahmen der Personal\u00advermittlung", None, True),
        ("Im Rahmen einer Direktvermittlung suchen wir für unseren Kunden einen Prozessmanager.", None, True),
        ("Für unseren Kunden, ein familiengeführtes Unternehmen, suchen wir einen Elektriker.", None, True),
        ("Im Auftrag unseres Mandanten suchen wir eine Steuerfachkraft.", None, True),
        ("Direktanstellung beim Kunden.", None, True),
        ("Keine Zeitarbeit!", False, None),
        ("Wir sind kein Personaldienstleister.", False, False),
        ("Bitte keine Anfragen von Personaldienstleistern.", False, False),
        (
            "An alle Personalvermittlungsagenturen: Die Personalbeschaffung wird intern verwaltet.",
            False,
            False,
        ),
        ("Sie arbeiten bei unseren Kunden vor Ort.", None, None),
        ("Für unsere Kunden entwickeln wir Software.", None, None),
    ],
)
def test_agencies(description: str, temp: bool | None, private: bool | None) -> None:
    terms = described(description)
    assert (terms.temp_agency, terms.private_agency) == (temp, private)


@pytest.mark.parametrize(
    ("title", "description", "kinds"),
    [
        ("Werkstudent (m/w/d) Marketing", "", {"werkstudent"}),
        ("Working Student in Finance (all genders)", "", {"werkstudent"}),
        ("Mandatory internship in Diversity", "", set()),
        ("Praktikum im Projektmanagement", "", {"praktikum"}),
        ("Marketing", "Du suchst ein Pflichtpraktikum im Bereich Marketing?", {"praktikum"}),
        ("Ausbildung zum Elektroniker (m/w/d) 2026", "", {"ausbildung"}),
        ("Elektroniker (m/w/d) 2026", "Angebotsart:\nAusbildung\n", {"ausbildung"}),
        ("Elektroniker (m/w/d)", "Wir bieten eine Ausbildung zum Elektroniker.", {"ausbildung"}),
        ("Kaufmann", "Deine Ausbildungsvergütung beträgt 1.100 €", {"ausbildung"}),
        ("Azubi Einzelhandel (m/w/d)", "", {"ausbildung"}),
        ("NextGen Trainee zum Operator (m/w/d)", "", {"trainee"}),
        ("Controller", "Unser Trainee-Programm dauert 18 Monate.", {"trainee"}),
        ("Berufseinsteiger Vertrieb (m/w/d)", "", {"berufseinstieg"}),
        ("Controller", "Auch Berufseinsteiger sind willkommen.", {"berufseinstieg"}),
        ("Controller", "Auch Masterabsolventen ohne Berufserfahrung willkommen", {"berufseinstieg"}),
        ("Duales Studium BWL (m/w/d)", "", {"duales_studium"}),
        ("BWL", "Dein duales Studium bei uns", {"duales_studium"}),
    ],
)
def test_offer_kinds(title: str, description: str, kinds: set[str]) -> None:
    assert parse_terms(title, description).offer_kinds == kinds


@pytest.mark.parametrize(
    "description",
    [
        "Sie haben eine abgeschlossene Ausbildung zum Industriekaufmann.",
        "Ihr Profil\nStudium oder Ausbildung als Pflegefachkraft",
        "Ausbildung zum internen Auditor (wünschenswert)",
        "Erste Erfahrungen durch Praktika",
        "Erfahrung aus einem Praktikum im Bereich Marketing",
        "praktische Erfahrung",
        "Betreuung unserer Auszubildenden",
        "Ehemalige Werkstudenten sind willkommen.",
        "Weiterbildung und Fortbildung",
        "Karriere: Schüler | Studenten | Praktikum | Trainee | Berufseinstieg",
        "Hochschulabsolvent mit fünf Jahren Erfahrung",
    ],
)
def test_requirements_and_menus_are_not_offer_kinds(description: str) -> None:
    assert described(description).offer_kinds == frozenset()


def test_a_title_job_about_trainees_is_not_an_apprenticeship() -> None:
    assert parse_terms("Ausbildungsleiter (m/w/d)").offer_kinds == frozenset()


@pytest.mark.parametrize(
    "description",
    [
        "kein Schichtdienst",
        "Geregelte Arbeitszeiten sowie keine Schicht- und Wochenendarbeit",
        "ohne Nacht- und Wochenenddienst",
        "Homeoffice ist leider nicht möglich",
        "kein Homeoffice",
        "Kenntnisse in Microsoft Office",
        "Remote Support für unsere Kunden",
        "Beschichtungstechnik und Vakuumbeschichtung",
        "eine lange Erfolgsgeschichte",
        "vielschichtige Aufgaben",
        "Auch abends und am Wochenende beantworten wir Ihre Fragen.",
        "Vor 6 Stunden veröffentlicht",
        "2,5 Stunden/Woche zusätzliche Freizeit",
        "Immobilien und Automobilindustrie",
        "flexible Arbeitszeiten und Gleitzeit",
        "keine Teilzeit",
    ],
)
def test_traps_give_no_working_time(description: str) -> None:
    terms = described(description)
    assert terms.working_time == frozenset()
    assert terms.remote is None


def test_structured_ba_fields_win() -> None:
    terms = parse_terms(
        "Pflegekraft",
        "in Voll- oder Teilzeit, befristet auf 2 Jahre",
        {"arbeitszeit": "vz;ho", "befristung": 2, "angebotsart": 4, "zeitarbeit": True, "pav": False},
    )
    assert terms.working_time == {"vz", "ho"}
    assert terms.remote == "partial"
    assert terms.fixed_term is False
    assert terms.temp_agency is True
    assert terms.private_agency is False
    assert terms.offer_kinds == {"ausbildung"}
    assert "vz: arbeitszeit=VZ" in terms.evidence


def test_structured_names_and_lists_are_accepted() -> None:
    terms = parse_terms(
        "X",
        "",
        {"arbeitszeitmodelle": ["TEILZEIT", "SCHICHT_NACHTARBEIT_WOCHENENDE"], "befristung": "BEFRISTET"},
    )
    assert terms.working_time == {"tz", "snw"}
    assert terms.fixed_term is True


def test_structured_ho_takes_the_remote_level_from_the_text() -> None:
    assert parse_terms("X", "100 % remote", {"arbeitszeit": ["HEIM_TELEARBEIT"]}).remote == "full"
    assert parse_terms("X", "", {"homeofficemoeglich": False}).remote is None
    assert parse_terms("X", "Homeoffice möglich", {"homeofficemoeglich": False}).remote is None


def test_ba_v6_fields() -> None:
    terms = parse_terms(
        "X", "", {"arbeitszeitVollzeit": True, "arbeitszeitTeilzeitFlexibel": True, "befristungInMonaten": 24}
    )
    assert terms.working_time == {"vz", "tz"}
    assert terms.fixed_term is True


def test_angebotsart_34_leaves_the_kind_to_the_text() -> None:
    assert parse_terms("Marketing (m/w/d)", "", {"angebotsart": 34}).offer_kinds == frozenset()
    assert parse_terms("Werkstudent Marketing", "", {"angebotsart": 34}).offer_kinds == {"werkstudent"}


def test_angebotsart_4_with_duales_studium_in_the_title_is_a_dual_study() -> None:
    assert parse_terms("Duales Studium Informatik (m/w/d)", "", {"angebotsart": 4}).offer_kinds == {
        "duales_studium"
    }


@pytest.mark.parametrize(
    ("structured", "codes", "remote", "fixed", "kinds"),
    [
        ({"employmentType": "FULL_TIME"}, {"vz"}, None, None, set()),
        ({"employmentType": ["PART_TIME", "TEMPORARY"]}, {"tz"}, None, True, set()),
        ({"employmentType": "INTERN"}, set(), None, None, {"praktikum"}),
        ({"employmentType": "CONTRACTOR"}, set(), None, None, set()),
        ({"jobLocationType": "TELECOMMUTE"}, {"ho"}, "full", None, set()),
    ],
)
def test_schema_org_job_posting_fields(
    structured: dict[str, object], codes: set[str], remote: str | None, fixed: bool | None, kinds: set[str]
) -> None:
    terms = parse_terms("Engineer", "", structured)
    assert terms.working_time == codes
    assert (terms.remote, terms.fixed_term) == (remote, fixed)
    assert terms.offer_kinds == kinds


def test_evidence_names_the_deciding_phrases() -> None:
    terms = parse_terms(
        "Pflegefachkraft (m/w/d) in Vollzeit",
        "Stelle im Rahmen der Arbeitnehmerüberlassung, befristet auf 1 Jahr",
    )
    assert terms.evidence == (
        "vz: Vollzeit",
        "fixed_term=True: befristet auf",
        "temp_agency=True: Arbeitnehmerüberlassung",
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"working_time": frozenset({"xx"})},
        {"offer_kinds": frozenset({"minijob"})},
        {"remote": "sometimes", "working_time": frozenset({"ho"})},
        {"remote": "full"},
        {"working_time": frozenset({"ho"})},
    ],
)
def test_terms_reject_codes_outside_the_allowed_sets(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidTermsError):
        Terms(**kwargs)  # type: ignore[arg-type]


FRAGMENTS = [
    "Vollzeit",
    "Teilzeit",
    "Voll- oder",
    "kein",
    "nicht möglich",
    "Schichtdienst",
    "Homeoffice",
    "Home Office",
    "100 %",
    "remote",
    "befristet",
    "unbefristet",
    "Befristung",
    "Zeitarbeit",
    "Personalvermittlung",
    "für unseren Kunden",
    "suchen wir",
    "Werkstudent",
    "Praktikum",
    "Ausbildung zum",
    "Trainee",
    "duales Studium",
    "538-Euro-Basis",
    "40 Std./Woche",
    "(m/w/d)",
    "Ihr Profil",
    "Wir bieten",
    "\n",
    "Ü",
    "İ",
]
TEXTS = st.lists(st.text(max_size=15) | st.sampled_from(FRAGMENTS), max_size=25).map(" ".join)
STRUCTURED = st.dictionaries(
    st.sampled_from(["arbeitszeit", "befristung", "zeitarbeit", "pav", "angebotsart", "employmentType", "x"]),
    st.none() | st.booleans() | st.integers(-5, 50) | st.text(max_size=20) | st.lists(st.text(max_size=20)),
)


@given(TEXTS, TEXTS, STRUCTURED | st.none())
def test_any_input_gives_consistent_terms(
    title: str, description: str, structured: dict[str, object]
) -> None:
    terms = parse_terms(title, description, structured)
    assert terms.working_time <= WORKING_TIME_CODES
    assert terms.offer_kinds <= OFFER_KINDS
    assert terms.remote is None or terms.remote in REMOTE_LEVELS
    assert ("ho" in terms.working_time) == (terms.remote is not None)
    assert all(isinstance(line, str) and line for line in terms.evidence)


@given(st.text(), st.text())
def test_arbitrary_unicode_never_raises(title: str, description: str) -> None:
    assert isinstance(parse_terms(title, description), Terms)


@pytest.mark.needs_shared
def test_terms_of_the_real_full_text_postings() -> None:
    if not FULLTEXT.is_file():
        pytest.skip(f"../shared/data is not present: {FULLTEXT} holds the 554 real BA full-text postings")
    with FULLTEXT.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 554
    parsed = [parse_terms(row["job_title"], row["description"]) for row in rows]
    # The `contract_type` column is empty everywhere; the BA page's own lines ("Anstellungsart", "Befristung",
    # "Stelle im Rahmen der ...") are the reference, and the parser must agree with every one of them.
    header_codes = {"Vollzeit": "vz", "Teilzeit": "tz", "Minijob": "mj"}
    agree = total = 0
    for row, terms in zip(rows, parsed, strict=True):
        match = re.search(r"Anstellungsart\s*\n\s*([^\n]+)", row["description"])
        if match is not None:
            total += 1
            agree += {
                code for word, code in header_codes.items() if word in match.group(1)
            } <= terms.working_time
    assert (total, agree) == (229, 229)
    fixed = [
        (terms.fixed_term, match.group(1) == "befristet")
        for row, terms in zip(rows, parsed, strict=True)
        if (match := re.search(r"Befristung\s*\n\s*(unbefristet|befristet)", row["description"]))
    ]
    assert len(fixed) == 154
    assert all(said == expected for said, expected in fixed)
    with_working_time = sum(bool(terms.working_time - {"ho"}) for terms in parsed)
    assert with_working_time >= 320  # 58 % of the postings name Vollzeit, Teilzeit, shifts or a Minijob
    assert sum(terms.remote is not None for terms in parsed) >= 250
