"""Read a posting's terms of employment: working time, remote work, fixed term, agencies, kind of offer.

Sources and precedence, each covered by a test in tests/normalize/test_terms.py:

- Structured fields win for the values they carry. Accepted keys (values as the sources send them): BA
  Jobsuche v4: `arbeitszeit` ("vz;tz" codes or names such as "VOLLZEIT", a string or a list),
  `arbeitszeitmodelle` (list of names), `befristung` (1 befristet, 2 unbefristet, or
  "BEFRISTET"/"UNBEFRISTET"), `zeitarbeit` (bool), `pav` (bool, private Arbeitsvermittlung), `angebotsart` (1
  ARBEIT, 2 SELBSTAENDIGKEIT, 4 AUSBILDUNG/Duales Studium, 34 PRAKTIKUM_TRAINEE, or the names); BA v6:
  `arbeitszeitVollzeit` (bool), any key starting with `arbeitszeitTeilzeit` (truthy), `homeofficemoeglich`
  (bool), `befristetBis`/`befristungInMonaten` (set means befristet), `vertragsdauer`
  ("befristet"/"unbefristet"); schema.org JobPosting: `employmentType` (FULL_TIME, PART_TIME, TEMPORARY ->
  befristet, INTERN -> praktikum; CONTRACTOR, PER_DIEM, VOLUNTEER, OTHER carry none of our terms) and
  `jobLocationType` TELECOMMUTE (-> fully remote, as Google defines it).
- `angebotsart` 4 gives "ausbildung" unless the text says "duales Studium"; 34 lumps Praktikum, Trainee and
  Werkstudent together, so the kind is taken from the text and nothing is guessed when the text names none.
- The text is read from the title and the description. Title cues count more, and a title is about the job
  itself, so "Ausbildung" or "Praktikum" there is the offer; in the description such words often state a
  requirement ("abgeschlossene Ausbildung zum", "Erfahrung aus einem Praktikum") and count only without one.
- Negations and disclaimers are honoured: "keine Zeitarbeit", "kein Schichtdienst", "Homeoffice nicht
  möglich"; "Bitte keine Anfragen von Personaldienstleistern" makes both agency flags False.
- Working time codes are the BA's: vz, tz, snw (Schicht/Nacht/Wochenende), ho (Heim-/Telearbeit), mj
  (Minijob). "Voll- oder Teilzeit" gives both; weekly hours ("39 Std./Woche", "38,5-Stunden-Woche") give vz
  from 35 hours up and tz below, but only when neither Vollzeit nor Teilzeit is written.
- Remote: "100 % remote", "Full Remote", "vollständig remote", "bis zu 100 % Remote-Arbeit" give "full";
  Homeoffice, mobiles Arbeiten, hybrid or any partial share give "partial". "ho" is set exactly when remote
  is.
- Fixed term: the BA page line "Befristung befristet/unbefristet" counts most, then "zunächst befristet",
  "befristet auf 2 Jahre", "befristete Stelle", Eltern-/Mutterschutzvertretung (True), then "unbefristet"
  (False), then a bare "befristet" (True) and "Festanstellung" (False).
- Agencies: Zeitarbeit, Arbeitnehmerüberlassung, Personaldienstleister, "Übernahme durch den Kunden" mark a
  temp agency; Personalvermittlung, Direktvermittlung, private Arbeitsvermittlung, "im Auftrag unseres
  Kunden", "für unseren Kunden ... suchen wir" a private placement agency. "bei unseren Kunden" (consulting)
  is neither.
- Offer kinds: ausbildung, duales_studium, praktikum, werkstudent, trainee, berufseinstieg (Berufseinsteiger,
  Berufsanfänger, Absolvent). "Junior" is a seniority, not a kind, and a Minijob is the working time "mj".

Speed: the parser runs on every posting. The description is lower-cased once (ASCII letters only) and scanned
with a dozen regexes that each start with one literal character, so that the regex engine skips ahead as
fast as str.find; lookarounds drop most false hits in C, and the rest are classified by looking at a few dozen
characters around them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from stellwerk.domain.terms import OFFER_KINDS, Terms
from stellwerk.normalize.salary import clean_text

FULL_TIME_HOURS = 35

# Strength of a cue: structured data beats the BA page's own lines, which beat strong phrases, then weak ones.
STRUCTURED, HEADER, STRONG, PLAIN, WEAK = 5, 4, 3, 2, 1
_TITLE_BONUS = 1
_CACHED_TITLES = 50_000


@dataclass(frozen=True, slots=True)
class _Cue:
    """One statement about a term: `key` is a working-time code, "full", a kind, or a flag with its value.

    A cue from text keeps the text and its span; only the cues that end up as evidence cut their phrase out.
    """

    key: str
    value: bool
    strength: int
    label: str = ""
    text: str = ""
    start: int = 0
    end: int = 0

    @property
    def phrase(self) -> str:
        if not self.text:
            return self.label
        start, end = _word_start(self.text, max(0, self.start)), _word_end(self.text, self.end)
        return " ".join(self.text[start:end].split())


# --- Structured fields --------------------------------------------------------------------------------------

_BA_WORKING_TIME = {
    "VOLLZEIT": "vz",
    "TEILZEIT": "tz",
    "SCHICHT_NACHTARBEIT_WOCHENENDE": "snw",
    "HEIM_TELEARBEIT": "ho",
    "MINIJOB": "mj",
    "VZ": "vz",
    "TZ": "tz",
    "SNW": "snw",
    "HO": "ho",
    "MJ": "mj",
}
_BA_OFFER = {"4": "ausbildung", "AUSBILDUNG": "ausbildung"}
_SCHEMA_TYPES = {
    "FULL_TIME": ("vz", True),
    "PART_TIME": ("tz", True),
    "TEMPORARY": ("fixed_term", True),
    "INTERN": ("praktikum", True),
}


def _values(raw: object) -> list[str]:
    """Return the upper-case items of a value sent as a string ("vz;tz"), a number or a list."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [item.strip().upper() for item in re.split(r"[;,]", raw) if item.strip()]
    if isinstance(raw, bool):
        return []
    if isinstance(raw, int):
        return [str(raw)]
    if isinstance(raw, Iterable):
        return [item for element in raw for item in _values(element)]
    return []


def _structured_cues(data: Mapping[str, object]) -> Iterator[_Cue]:
    for key in ("arbeitszeit", "arbeitszeitmodelle"):
        for item in _values(data.get(key)):
            if item in _BA_WORKING_TIME:
                yield _Cue(_BA_WORKING_TIME[item], True, STRUCTURED, f"{key}={item}")
    if data.get("arbeitszeitVollzeit") is True:
        yield _Cue("vz", True, STRUCTURED, "arbeitszeitVollzeit")
    for key, value in data.items():
        if key.startswith("arbeitszeitTeilzeit") and value:
            yield _Cue("tz", True, STRUCTURED, key)
    yield from _structured_flags(data)
    yield from _schema_org_cues(data)
    for item in _values(data.get("angebotsart")):
        if item in _BA_OFFER:
            yield _Cue(_BA_OFFER[item], True, STRUCTURED, f"angebotsart={item}")


def _structured_flags(data: Mapping[str, object]) -> Iterator[_Cue]:
    home = data.get("homeofficemoeglich")
    if isinstance(home, bool):
        yield _Cue("ho", home, STRUCTURED, f"homeofficemoeglich={home}")
    for item in _values(data.get("befristung")) + _values(data.get("vertragsdauer")):
        if item in {"1", "BEFRISTET", "2", "UNBEFRISTET"}:
            yield _Cue("fixed_term", item in {"1", "BEFRISTET"}, STRUCTURED, f"befristung={item}")
    for key in ("befristetBis", "befristungInMonaten"):
        if data.get(key):
            yield _Cue("fixed_term", True, STRUCTURED, key)
    for key, flag in (
        ("zeitarbeit", "temp_agency"),
        ("arbeitnehmerueberlassung", "temp_agency"),
        ("pav", "private_agency"),
    ):
        if isinstance(data.get(key), bool):
            yield _Cue(flag, bool(data[key]), STRUCTURED, f"{key}={data[key]}")


def _schema_org_cues(data: Mapping[str, object]) -> Iterator[_Cue]:
    for item in _values(data.get("employmentType")):
        name = item.replace("-", "_").replace(" ", "_")
        if name in _SCHEMA_TYPES:
            key, value = _SCHEMA_TYPES[name]
            yield _Cue(key, value, STRUCTURED, f"employmentType={item}")
    if "TELECOMMUTE" in _values(data.get("jobLocationType")):
        yield _Cue("ho", True, STRUCTURED, "jobLocationType=TELECOMMUTE")
        yield _Cue("full", True, STRUCTURED, "jobLocationType=TELECOMMUTE")


# --- Text ---------------------------------------------------------------------------------------------------

_NEGATION_BEFORE = re.compile(r"\b(?:kein\w*|ohne|nicht|no|not|non)\b[^,.;:!?\n()•]{0,22}$")
_NEGATION_AFTER = re.compile(
    r"[^,.;!?\n•]{0,25}?\b(?:nicht (?:möglich|vorgesehen|gegeben|angeboten)|ausgeschlossen|leider nicht"
    r"|nein\b)"
)
_REQUIREMENT_BEFORE = re.compile(
    r"(?:abgeschlossen|absolviert|erfolgreich|bereits|vorhanden|fundiert|einschlägig|vergleichbar|"
    r"qualifiziert|haben|hast|habe|verfügst|verfügen|erfahrung|kenntnisse|ehemalig|abschluss|nach (?:deiner|"
    r"ihrer|der|dem|einer|erfolgreich)|idealerweise|vorzugsweise|wünschenswert|durch|aus (?:einem|einer|dem))"
    r"[^.;!?\n•]{0,45}$|\boder\s+(?:eine\s+)?(?:abgeschlossene\s+)?$"
)
_REQUIREMENT_AFTER = re.compile(
    r"[^\n•]{0,80}?(?:wünschenswert|von vorteil|vorausgesetzt|erforderlich|erwünscht|ein plus"
    r"|setzen wir voraus)"
)
_NEED_HEADINGS = (
    "profil", "mitbring", "bringst du", "bringen sie", "anforderung", "voraussetzung", "qualifikation",
    "erwarten", "requirement", "you bring",
)  # fmt: skip
_GIVE_HEADINGS = (
    "wir bieten",
    "bieten wir",
    "aufgaben",
    "benefits",
    "vorteile",
    "we offer",
    "deine rolle",
    "ihre rolle",
)
_SECTION_REACH = 1500
_DISCLAIMER = re.compile(
    r"an alle \w*(?:agentur|vermittl|dienstleist|headhunter)"
    r"|(?:keine|kein|nicht|ohne)\b[^.!?\n]{0,60}(?:personaldienstleist|personalvermittl|vermittler|agentur|"
    r"headhunter|zeitarbeit)"
    r"|(?:personaldienstleist|personalvermittl|vermittler|agentur|headhunter)[^.!?\n]{0,120}?"
    r"(?:abzusehen|nicht berücksichtig|keine berücksichtigung|unerwünscht|nicht erwünscht|nicht gewünscht|"
    r"nicht angenommen|nicht bearbeit|nicht akzeptiert|keine provision|nicht vergütet|ausschließlich direkt|"
    r"direkt (?:durch|über) uns)"
)
_DISCLAIMER_REACH = 160
_KIND_MARKER_AFTER = re.compile(r"\s*(?:\(\s*[mwfdx]\s*/|\(all|\(gn\)|\*in\b|:in\b|/-?in\b|/ ?werkstudentin)")
_OFFER_LEAD = re.compile(
    r"\b(?:als|dein(?:em|en|e)?|ihr(?:em|en|e)?|unser(?:em|en|e)?|während (?:deines|ihres)"
    r"|im rahmen (?:deines|ihres)|suchen (?:wir )?(?:eine[nr]?|dich|sie)?|neue[nr]?)\s+$"
)


class _Reader:
    """One text, lower-cased once, with helpers to look around a hit."""

    def __init__(self, text: str, title: bool) -> None:
        self.text = clean_text(text)
        # Only ASCII letters are lower-cased: a UTF-8 round trip does that in a third of the time str.lower
        # takes, and keeps every offset. Patterns spell a word-initial Ä, Ö or Ü both ways ("[üÜ]bernahme").
        self.lower = self.text.encode().lower().decode()
        self.title = title
        self.disclaimer_checked_to = -1

    def before(self, pattern: re.Pattern[str], start: int, width: int = 40) -> re.Match[str] | None:
        return pattern.search(self.lower, max(0, start - width), start)

    def at(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        return pattern.match(self.lower, max(0, start))

    def ends_with(self, suffixes: str | tuple[str, ...], end: int) -> bool:
        return self.lower.endswith(suffixes, 0, end)

    def negated(self, start: int, end: int) -> bool:
        """Say whether the words around deny the cue ("kein Schichtdienst", "Homeoffice nicht möglich")."""
        before, after = self.lower[max(0, start - 30) : start], self.lower[end : end + 40]
        # Substring tests first: the regexes run only when a negating word is near at all.
        if ("kein" in before or "ohne" in before or "nicht" in before or "no" in before) and self.before(
            _NEGATION_BEFORE, start, 30
        ):
            return True
        return ("nicht" in after or "ausgeschlossen" in after or "nein" in after) and bool(
            _NEGATION_AFTER.match(self.lower, end, end + 40)
        )

    def requirement(self, start: int) -> bool:
        """Say whether a description states the word as something the applicant must bring."""
        if self.title:
            return False
        if self.before(_REQUIREMENT_BEFORE, start, 60) or _REQUIREMENT_AFTER.match(
            self.lower, start, start + 100
        ):
            return True
        # Under "Ihr Profil" / "Das bringst du mit" until "Wir bieten" / "Deine Aufgaben" comes again.
        low = max(0, start - _SECTION_REACH)
        need = max(self.lower.rfind(heading, low, start) for heading in _NEED_HEADINGS)
        give = max(self.lower.rfind(heading, low, start) for heading in _GIVE_HEADINGS)
        return need > give

    def offered(self, start: int, end: int, compounds: re.Pattern[str] | None = None) -> bool:
        """Say whether a kind word ("Praktikum", "Trainee") names the offer of this posting."""
        # Any title word does. In a description only a marked one ("Werkstudent (m/w/d)", "als Trainee",
        # "dein Praktikum", "Pflichtpraktikum") that is no requirement: bare words there are too often menus,
        # lists of other jobs or boilerplate.
        if self.title:
            return not self.negated(start, end)
        if self.requirement(start) or self.negated(start, end):
            return False
        return bool(
            (compounds is not None and self.at(compounds, start))
            or _KIND_MARKER_AFTER.match(self.lower, _word_end(self.lower, end))
            or self.before(_OFFER_LEAD, start, 30)
        )

    def cue(self, key: str, value: bool, strength: int, start: int, end: int) -> _Cue:
        bonus = _TITLE_BONUS if self.title else 0
        return _Cue(key, value, strength + bonus, text=self.text, start=start, end=end)

    def flag(self, key: str, start: int, end: int, strength: int) -> _Cue:
        """Return an agency flag, False when negated ("keine Zeitarbeit")."""
        return self.cue(key, not self.negated(start, end), strength, start, end)

    def disclaimer(self, start: int) -> Iterator[_Cue]:
        """Return False for both agency flags where the text near an agency word turns agencies away."""
        if start <= self.disclaimer_checked_to:
            return
        low, high = max(0, start - _DISCLAIMER_REACH), start + _DISCLAIMER_REACH
        self.disclaimer_checked_to = high
        match = _DISCLAIMER.search(self.lower, low, high)
        if match is not None:
            for key in ("temp_agency", "private_agency"):
                yield self.cue(key, False, HEADER, match.start(), min(match.end(), match.start() + 120))


# Each scanner is a regex that starts with one literal character; a handler classifies its hits.
_Handler = Callable[[_Reader, re.Match[str]], Iterator[_Cue]]

_VOLL_TEIL = re.compile(r"(?:voll|teil)(?:zeit)?\s*[-–—]?\s*(?:oder|und|/|bzw\.?|&|,)\s*(?:in\s+)?$")
_ZEIT_WORDS = re.compile(r"zeitarbeit|zeitvertretung|zvertretung")
_AZUBI_OFFER = re.compile(r"(?:azubi|auszubildende[rn]?)\s*(?:als|zum|zur)\b")


def _on_z(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """Vollzeit, Teilzeit, "Voll- oder Teilzeit", Zeitarbeit, Eltern-/Mutterschutzvertretung, Azubi."""
    start = hit.start()
    if hit.group() == "zubi":
        yield from _azubi(reader, start)
        return
    word_start = start - 4
    stem = reader.lower[max(0, word_start) : start]
    if stem in ("voll", "teil"):
        yield from _full_or_part_time(reader, stem, word_start, hit.end())
        return
    word = reader.at(_ZEIT_WORDS, start)
    if word is None:
        return
    if word.group() == "zeitarbeit" and not reader.lower[start - 1 : start].isalpha():
        yield reader.flag("temp_agency", start, word.end(), STRONG)
    elif reader.ends_with(("eltern", "mutterschut"), start):
        yield reader.cue("fixed_term", True, STRONG, _word_start(reader.lower, start), word.end())


def _full_or_part_time(reader: _Reader, stem: str, start: int, end: int) -> Iterator[_Cue]:
    if reader.negated(start, end):
        return
    code = "vz" if stem == "voll" else "tz"
    yield reader.cue(code, True, PLAIN, start, end)
    other = reader.before(_VOLL_TEIL, start, 30)
    if other is not None:  # "Voll- oder Teilzeit" names both
        yield reader.cue("tz" if code == "vz" else "vz", True, PLAIN, other.start(), end)


def _azubi(reader: _Reader, start: int) -> Iterator[_Cue]:
    # "Auszubildende betreuen" is a trainer's task: the description needs "Azubi (m/w/d)", "als Azubi", ...
    begin = _word_start(reader.lower, start)
    if reader.offered(begin, start + 4, _AZUBI_OFFER):
        yield reader.cue("ausbildung", True, PLAIN, begin, start + 4)


_FRIST_WORD = re.compile(
    r"(?P<header>befristung\s*:?\s*(?P<header_un>un)?befristet)"
    r"|(?P<un>unbefristet\w*)"
    r"|(?P<strong>befristet\s+(?:auf|bis|für|mit)\b|befristung\s+(?:auf|bis|von|für)\b"
    r"|befristete[nrs]?\s+(?:stelle|anstellung|vertrag|arbeitsvertrag|beschäftigung|arbeitsverhältnis|"
    r"position|tätigkeit|projektstelle|vollzeitstelle|teilzeitstelle|festanstellung))"
    r"|(?P<plain>befrist\w*)"
)
_FRIST_LEAD = re.compile(r"(?:zunächst|vorerst|zeitlich|vorübergehend)\s+(?:auf\s+[\w ]{1,20}?\s+)?$")
_FIXED_TERM_EN = re.compile(r"fixed[- ]term")
_FULL_EN = re.compile(r"full[- ]?(?:time|remote)|fully remote")


def _on_f(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """befristet/unbefristet, Homeoffice, Festanstellung, full-time/full remote, fixed-term, geringfügig."""
    word, start = hit.group(), hit.start()
    if word == "frist":
        yield from _fixed_term(reader, start)
    elif word == "ffice":
        yield from _home_office(reader, start, hit.end())
    elif word == "festanst":
        if not reader.negated(start, hit.end()):
            yield reader.cue("fixed_term", False, WEAK, start, hit.end())
    elif word == "full":
        yield from _full(reader, start)
    elif word == "fixed":
        fixed = reader.at(_FIXED_TERM_EN, start)
        if fixed is not None:
            yield reader.cue("fixed_term", True, STRONG, start, fixed.end())
    elif word == "fügig" and reader.ends_with("gering", start):
        yield reader.cue("mj", True, PLAIN, start - 6, hit.end())


def _fixed_term(reader: _Reader, hit_start: int) -> Iterator[_Cue]:
    if reader.ends_with("unbe", hit_start):
        start = hit_start - 4
    elif reader.ends_with("be", hit_start):
        start = hit_start - 2
    else:
        return  # "Bewerbungsfrist"
    match = reader.at(_FRIST_WORD, start)
    if match is None:
        return
    kind = match.lastgroup
    if kind == "header":
        yield reader.cue("fixed_term", match["header_un"] is None, HEADER, start, match.end())
    elif kind == "un":
        yield reader.cue("fixed_term", False, PLAIN, start, match.end())
    else:
        lead = reader.before(_FRIST_LEAD, start, 40)
        strength = STRONG if kind == "strong" or lead is not None else WEAK
        # "nicht befristet", "keine Befristung" say the opposite.
        value = not reader.negated(start, match.end())
        yield reader.cue("fixed_term", value, strength, lead.start() if lead else start, match.end())


_OFFICE_LEAD = re.compile(r"(?:home|heim|mobile[sn]?|remote|hybride[sn]?)\s*[-–]?\s*$")
_FULL_REMOTE_LEAD = re.compile(
    r"(?:100\s?%|100 prozent|vollständig|komplett|ausschließlich|voll|rein|full|fully|deutschlandweit|"
    r"bundesweit)\s*/?\s*(?:im\s+|in\s+)?$"
)
_UPTO = re.compile(r"bis zu\s*$")


def _home_office(reader: _Reader, start: int, end: int) -> Iterator[_Cue]:
    lead = reader.before(_OFFICE_LEAD, start - 1, 12)
    if lead is not None:  # not "Microsoft Office", "Back Office"
        yield from _remote(reader, lead.start(), end)


def _remote(reader: _Reader, start: int, end: int) -> Iterator[_Cue]:
    if reader.negated(start, end):
        return
    yield reader.cue("ho", True, PLAIN, start, end)
    full = reader.before(_FULL_REMOTE_LEAD, start, 24)
    if full is not None:
        # "bis zu 100 % remote" allows working fully remote; "bis zu 2 Tage" never reaches here.
        upto = reader.before(_UPTO, full.start(), 10)
        yield reader.cue("full", True, STRONG, (upto or full).start(), end)


def _full(reader: _Reader, start: int) -> Iterator[_Cue]:
    match = reader.at(_FULL_EN, start)
    if match is None:
        return
    if match.group().endswith("time"):
        yield reader.cue("vz", True, PLAIN, start, match.end())
    else:
        yield reader.cue("ho", True, STRONG, start, match.end())
        yield reader.cue("full", True, STRONG, start, match.end())


_B_WORDS = re.compile(
    r"b(?:ildung(?<=ausbildung)\w*|erlassung(?:(?<=überlassung)|(?<=Überlassung))\w*|erufsein\w*"
    r"|erufsanfänger\w*|solvent\w*|asis(?<=-basis)|ernahme(?:(?<=übernahme)|(?<=Übernahme))\w*)"
)
_AUSBILDUNG_OFFER = re.compile(
    r"ausbildung\s+(?:zum|zur|als)\b|ausbildungs(?:vergütung|beginn|dauer|jahr)|ausbildung\s+20\d\d"
)
_AUSBILDUNG_TITLE = re.compile(r"ausbildung(?![a-zäöüß])|ausbildungs(?:platz|stelle|start|beginn|jahr)")
_OFFER_HEADER = re.compile(r"angebotsart:?\s*$")
_WELCOME = re.compile(r"willkommen|geeignet|\bideal|perfekt|\bgerne?\b|\bauch\b|ebenso|eignet|richtet sich")
_AGENCY_TAKEOVER = re.compile(
    r"[üÜ]bernahme\w*\s+(?:durch|beim|bei|in|im|ins)\s+(?:den|dem|das|unser\w*|einen?)?\s*"
    r"(?:kunden|partnerunternehmen|kundenunternehmen|einsatzunternehmen)|[üÜ]bernahmeoption"
)
_MINIJOB_BASIS = re.compile(r"(?:450|520|538|556|603)\s?[-–]?\s?(?:€|euro|eur)[- ]?basis$")


def _on_b(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """Ausbildung, Arbeitnehmerüberlassung, Berufseinsteiger, Absolvent, 538-Euro-Basis, Übernahmeoption."""
    word, start = hit.group(), hit.start()
    if word.startswith("bildung") and reader.ends_with("aus", start):
        yield from _ausbildung(reader, start - 3, hit.end())
    elif word.startswith("berlassung"):
        header = reader.ends_with(("im rahmen der arbeitnehmerü", "im rahmen der Ü"), start)
        yield reader.flag("temp_agency", start - 1, hit.end(), HEADER if header else STRONG)
    elif word.startswith(("berufsein", "berufsanf", "bsolvent")):
        yield from _career_start(reader, start, hit.end())
    elif word == "basis" and _MINIJOB_BASIS.search(reader.lower, max(0, start - 16), hit.end()):
        yield reader.cue("mj", True, STRONG, start - 14, hit.end())
    elif word.startswith("bernahme"):
        takeover = reader.at(_AGENCY_TAKEOVER, start - 1)
        if takeover is not None:
            yield reader.cue("temp_agency", True, PLAIN, start - 1, takeover.end())


def _ausbildung(reader: _Reader, start: int, end: int) -> Iterator[_Cue]:
    begin = _word_start(reader.lower, start)
    if reader.title and not reader.at(_AUSBILDUNG_TITLE, start):
        return  # "Ausbildungsleiter" is a job, not an apprenticeship
    if reader.before(_OFFER_HEADER, start, 16) is not None:
        yield reader.cue("ausbildung", True, HEADER, start, end)  # the BA page: "Angebotsart: Ausbildung"
    elif reader.offered(begin, end, _AUSBILDUNG_OFFER):
        yield reader.cue("ausbildung", True, PLAIN, begin, end)


def _career_start(reader: _Reader, start: int, end: int) -> Iterator[_Cue]:
    """Berufseinsteiger, Berufsanfänger, Absolvent: in a description only when welcomed ("auch geeignet")."""
    begin = _word_start(reader.lower, start)
    if reader.negated(begin, end):
        return
    if not reader.title:
        clause = reader.lower[max(0, begin - 40) : begin] + reader.lower[end : end + 40]
        if not _WELCOME.search(clause):
            return  # a menu item, or "Absolvent eines Studiums mit 5 Jahren Erfahrung"
    yield reader.cue("berufseinstieg", True, PLAIN, begin, end)


_H_WORDS = re.compile(
    r"h(?:icht(?<=schicht)\w*|ybrid\w*|eim-\s*/?\s*(?:und\s+)?telearbeit|eadhunt\w*|arbeit(?<=leiharbeit)\w*"
    r"|t(?:dienst(?<=nachtdienst)|arbeit(?<=nachtarbeit)|zuschl(?<=nachtzuschl)|wache(?<=nachtwache))\w*)"
)
_SHIFT_AFTER = re.compile(r"dienst|arbeit|betrieb|system|modell|zulage|zuschl|wechsel|bereit|en\b|\b")
_SHIFT_JOB = re.compile(
    r"leit|meister|führ"
)  # "Schichtleiter" in a title; in a description mostly other jobs
_HYBRID_WORK = re.compile(
    r"hybrid(?:e[snr]?)?[- ]?(?:arbeit|work|office|modell|arbeitsmodell|arbeitsplatz|arbeitsm|zu arbeiten)"
    r"|hybrid(?=\s*[),/|–-]|\s*$)"
)


def _on_h(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """Schicht, Nachtdienst, hybrid, Heim-/Telearbeit, Leiharbeit, Headhunter (disclaimers)."""
    word, start = hit.group(), hit.start()
    if word.startswith("hicht"):
        shift = reader.ends_with("sc", start) and not reader.ends_with(("besc", "gesc"), start)
        kind = reader.at(_SHIFT_AFTER, start + 5) or (reader.title and reader.at(_SHIFT_JOB, start + 5))
        if shift and kind and not reader.negated(start - 2, hit.end()):
            yield reader.cue("snw", True, PLAIN, _word_start(reader.lower, start), hit.end())
    elif word.startswith("ht") and reader.ends_with("nac", start):
        if not reader.negated(start - 3, hit.end()):
            yield reader.cue("snw", True, PLAIN, start - 3, hit.end())
    elif word.startswith("hybrid"):
        match = reader.at(_HYBRID_WORK, start)
        if match is not None:
            yield from _remote(reader, start, match.end())
    elif word.startswith("heim-"):
        yield from _remote(reader, start, hit.end())
    elif word.startswith("harbeit") and reader.ends_with("lei", start):
        yield reader.flag("temp_agency", start - 3, hit.end(), STRONG)
    elif word.startswith("headhunt"):
        yield from reader.disclaimer(start)


_W_WORDS = re.compile(r"w(?:oche\w*|erkstudent\w*|orking student)")
_WERKSTUDENT_OFFER = re.compile(r"werkstudent(?:entätigkeit|enjob|enstelle|envertrag)")
_WEEKEND_WORK = re.compile(
    r"wochenend(?:dienst|arbeit|schicht|zuschl|einsatz|einsätze|bereitschaft)"
    r"|wochenenden?\s*(?:arbeit|dienst|einsätze?)"
)
_HOURS_BEFORE = re.compile(
    r"(?P<low>\d{1,2}(?:[,.]\d{1,2})?)\s*(?:(?:-|–|bis)\s*(?P<high>\d{1,2}(?:[,.]\d{1,2})?)\s*)?"
    r"[- ]?(?P<unit>std\.?|stunden|h)?\s*(?:/\s*|pro\s+|die\s+|in der\s+|je\s+|per\s+|-)?\s*$"
)
_MIN_WEEKLY_HOURS = 8


def _on_w(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """Wochenenddienst, Schicht/Nacht/Wochenende, Werkstudent, weekly hours."""
    word, start = hit.group(), hit.start()
    if word.startswith(("werkstudent", "working")):
        if reader.offered(start, hit.end(), _WERKSTUDENT_OFFER):
            yield reader.cue("werkstudent", True, PLAIN, start, hit.end())
        return
    weekend = reader.at(_WEEKEND_WORK, start)
    said = weekend is not None or reader.ends_with(("schicht/nacht/", "nacht- und ", "nacht-/"), start)
    if said and not reader.negated(start, hit.end()):
        yield reader.cue("snw", True, PLAIN, start, hit.end())
    hours = reader.before(_HOURS_BEFORE, start, 24)
    if hours is not None and (hours["unit"] or "stunden" in word):
        yield from _hours(reader, hours, hit.end())


def _hours(reader: _Reader, hours: re.Match[str], end: int) -> Iterator[_Cue]:
    low = float(hours["low"].replace(",", "."))
    high = float((hours["high"] or hours["low"]).replace(",", "."))
    if _MIN_WEEKLY_HOURS <= low <= high <= 60:
        code = "vz" if low >= FULL_TIME_HOURS else "tz"
        yield reader.cue(f"hours_{code}", True, WEAK, hours.start(), end)


_M_WORDS = re.compile(r"m(?:obil\w*|ote(?<=remote)\w*|ittl\w*|ini-?job\w*|andant\w*)")
_MOBILE_WORK = re.compile(
    r"mobile[sn]?\s*[- ]?(?:arbeit|office|working|work)|mobil\s+(?:zu\s+)?arbeiten|mobilarbeit"
)
_REMOTE_WORK = re.compile(
    r"remote(?!\s*[- ]?(?:support|wartung|zugriff|service|monitoring|desktop|access|control|sensing|"
    r"administration|diagnose|steuerung|[üÜ]berwachung|verbindung|fähig|sdk|api))"
)
_PLACEMENT = re.compile(r"(?:personal|arbeits|direkt)ver$|private[nr]?\s+arbeitsver$")


def _on_m(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """mobiles Arbeiten, remote, Personal-/Arbeits-/Direktvermittlung (or a disclaimer), Minijob."""
    word, start = hit.group(), hit.start()
    if word.startswith("mobil"):
        match = reader.at(_MOBILE_WORK, start)
        if match is not None:
            yield from _remote(reader, start, match.end())
    elif word.startswith("mote") and reader.ends_with("re", start):
        if reader.at(_REMOTE_WORK, start - 2) is not None:
            yield from _remote(reader, start - 2, hit.end())
    elif word.startswith("mittl"):
        yield from reader.disclaimer(start)
        lead = reader.before(_PLACEMENT, start, 24)
        if lead is not None:
            header = reader.ends_with("im rahmen der ", lead.start())
            yield reader.flag("private_agency", lead.start(), hit.end(), HEADER if header else STRONG)
    elif word.startswith("mini") and not reader.negated(start, hit.end()):
        yield reader.cue("mj", True, STRONG, start, hit.end())
    elif word.startswith("mandant"):
        yield from _on_client(reader, hit)


_P_WORDS = re.compile(
    r"p(?:rakti(?!sch|ka\b|ken\b|kab)\w*|ersonal(?:dienstleist|vermittl|berat)\w*|art[- ]time"
    r"|flichtprakti\w*)"
)
_PRAKTIKUM_OFFER = re.compile(
    r"pflichtpraktikum|praktikums(?:dauer|vergütung|beginn|zeitraum|ende|stelle|platz)"
    r"|praktikum\s+(?:für|ab|von|über|im umfang von)\s+(?:\d|mindestens|drei|vier|fünf|sechs)"
)


def _on_p(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """Praktikum, Praktikant, Pflichtpraktikum, Personaldienstleister, part-time."""
    word, start = hit.group(), hit.start()
    if word.startswith(("prakti", "pflichtprakti")):
        # The scanner skips the plural "Praktika" (experience asked for), "Praktiken" and "praktisch".
        if reader.offered(start, hit.end(), _PRAKTIKUM_OFFER):
            yield reader.cue("praktikum", True, PLAIN, _word_start(reader.lower, start), hit.end())
    elif word.startswith(("personaldienstleist", "personalvermittl", "personalberat")):
        yield from reader.disclaimer(start)
        if word.startswith("personaldienstleist"):
            yield reader.flag("temp_agency", start, hit.end(), STRONG)
    elif word.startswith("part"):
        yield reader.cue("tz", True, PLAIN, start, hit.end())


_EURO_JOB = re.compile(r"(?:450|520|538|556|603)\s?[-–]?\s?(?:€|euro|eur)[- ]?$|mini-?$")


def _on_j(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """520-Euro-Job, 538-€-Job."""
    lead = reader.before(_EURO_JOB, hit.start(), 14)
    if lead is not None and not reader.negated(lead.start(), hit.end()):
        yield reader.cue("mj", True, STRONG, lead.start(), hit.end())


_TRAINEE_OFFER = re.compile(r"trainee-?(?:programm|stelle|ship)")


def _on_t(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """Trainee, Traineeprogramm."""
    start = hit.start()
    if reader.offered(start, hit.end(), _TRAINEE_OFFER):
        yield reader.cue("trainee", True, PLAIN, start, hit.end())


_DUAL_STUDY = re.compile(
    r"dual(?:e[snr]?)?\s+(?:studium|student\w*|studier\w*|studiengang|studiengänge|bachelor)|dual\)"
)
_STUDY_PAREN = re.compile(r"studium\s*\($")


def _on_d(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """duales Studium, dualer Student; Direktvermittlung."""
    start = hit.start()
    if hit.group().startswith("direkt"):
        yield reader.flag("private_agency", start, hit.end(), STRONG)
        return
    match = reader.at(_DUAL_STUDY, start)
    if match is None and reader.before(_STUDY_PAREN, start, 12) is None:
        return
    end = match.end() if match else hit.end()
    if reader.offered(start, end):
        yield reader.cue("duales_studium", True, PLAIN, start, end)


_CLIENT_LEAD = re.compile(
    r"(?:im\s+auftrag\s+(?:unseres|unserer|eines|einer|des)|für\s+(?:unseren|einen|unsere)(?:\s+\w+)?|"
    r"direktanstellung\s+(?:beim|bei\s+(?:unserem|einem|dem))|festanstellung\s+bei\s+(?:unserem|einem))\s*$"
)
_SEARCH_AFTER = re.compile(r"[^.!?\n]{0,160}?\bsuchen?\s+wir\b|[^.!?\n]{0,40}?\([mwfd]/[mwfd]/[mwfdx]\)")
_SEARCH_BEFORE = re.compile(r"\bsuchen?\s+wir\s+(?:\S+\s+){0,4}$")


def _on_client(reader: _Reader, hit: re.Match[str]) -> Iterator[_Cue]:
    """ "im Auftrag unseres Kunden", "für unseren Kunden ... suchen wir", "Direktanstellung beim Kunden"."""
    window = reader.lower[max(0, hit.start() - 40) : hit.start()]
    if "auftrag" not in window and "für" not in window and "anstellung" not in window:
        return  # "bei unseren Kunden vor Ort" and most other customers
    lead = reader.before(_CLIENT_LEAD, hit.start(), 40)
    if lead is None:
        return
    if reader.lower.startswith("für", lead.start()):
        searching = reader.at(_SEARCH_AFTER, hit.end()) or reader.before(_SEARCH_BEFORE, lead.start(), 60)
        if searching is None:
            return  # "für unsere Kunden entwickeln wir" is a consultancy, not an agency
    yield reader.cue("private_agency", True, PLAIN, lead.start(), hit.end())


# The lookarounds after the first literal let the regex engine drop most false hits ("Arbeitszeit",
# "Weiterbildung", "Microsoft Office") before any Python code runs; the handlers then check the context.
_SCANNERS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (re.compile(r"z(?:eit(?:(?<=vollzeit)|(?<=teilzeit)|(?=arbeit|vertretung))|ubi|vertretung)"), _on_z),
    (
        re.compile(
            r"f(?:rist(?<=befrist)|fice(?:(?<=eoffice)|(?<=e office)|(?<=e-office))|estanst|ull|ixed"
            r"|ügig(?<=geringfügig))"
        ),
        _on_f,
    ),
    (_B_WORDS, _on_b),
    (_H_WORDS, _on_h),
    (_W_WORDS, _on_w),
    (_M_WORDS, _on_m),
    (_P_WORDS, _on_p),
    (re.compile(r"job(?<=-job|€job|ojob)"), _on_j),
    (re.compile(r"trainee\w*"), _on_t),
    (re.compile(r"d(?:ual(?=e[nrs]?\s|\s|\))\w*|irektvermittl\w*)"), _on_d),
    (re.compile(r"kunde[nm]?\b"), _on_client),
)


def _word_start(lower: str, index: int) -> int:
    while index > 0 and (lower[index - 1].isalnum() or lower[index - 1] == "-"):
        index -= 1
    return index


def _word_end(lower: str, index: int) -> int:
    while index < len(lower) and lower[index].isalnum():
        index += 1
    return index


@functools.lru_cache(maxsize=_CACHED_TITLES)
def _title_cues(title: str) -> tuple[_Cue, ...]:
    # Imports repeat titles ("Verkäufer (m/w/d)"); cues are immutable, so one scan serves every repeat.
    return tuple(_text_cues(title, title=True))


def _text_cues(text: str, title: bool) -> Iterator[_Cue]:
    reader = _Reader(text, title)
    for scanner, handler in _SCANNERS:
        for hit in scanner.finditer(reader.lower):
            yield from handler(reader, hit)


# --- Resolution ---------------------------------------------------------------------------------------------


def parse_terms(title: str, description: str = "", structured: Mapping[str, object] | None = None) -> Terms:
    """Return the terms a posting states; structured fields win where the source has them."""
    cues = list(_structured_cues(structured)) if structured else []
    cues += _title_cues(title)
    if description:
        cues += _text_cues(description, title=False)
    return _resolve(cues)


def _resolve(cues: list[_Cue]) -> Terms:
    evidence: list[str] = []
    working_time = _working_time(cues, evidence)
    remote = _remote_level(cues, evidence)
    if remote is not None:
        working_time.add("ho")
    else:
        working_time.discard("ho")
    return Terms(
        working_time=frozenset(working_time),
        remote=remote,
        fixed_term=_decide(cues, "fixed_term", evidence),
        temp_agency=_decide(cues, "temp_agency", evidence),
        private_agency=_decide(cues, "private_agency", evidence),
        offer_kinds=_offer_kinds(cues, evidence),
        evidence=tuple(evidence),
    )


def _working_time(cues: list[_Cue], evidence: list[str]) -> set[str]:
    structured = {
        cue.key for cue in cues if cue.strength == STRUCTURED and cue.key in ("vz", "tz", "snw", "mj")
    }
    codes: set[str] = set()
    for code in ("vz", "tz", "snw", "mj"):
        if structured and code not in structured:
            continue  # the source's own list is complete for these codes
        first = next((cue for cue in cues if cue.key == code and cue.value), None)
        if first is not None:
            codes.add(code)
            evidence.append(f"{code}: {first.phrase}")
    if not structured and not codes & {"vz", "tz"}:
        hours = next((cue for cue in cues if cue.key.startswith("hours_")), None)
        if hours is not None:
            code = hours.key.removeprefix("hours_")
            codes.add(code)
            evidence.append(f"{code}: {hours.phrase}")
    return codes


def _remote_level(cues: list[_Cue], evidence: list[str]) -> str | None:
    said = [cue for cue in cues if cue.key == "ho"]
    if not said:
        return None
    strongest = max(said, key=lambda cue: cue.strength)
    if strongest.strength == STRUCTURED and not strongest.value:
        evidence.append(f"remote=None: {strongest.phrase}")
        return None
    full = next((cue for cue in cues if cue.key == "full"), None)
    level = "full" if full is not None else "partial"
    evidence.append(f"remote={level}: {(full or strongest).phrase}")
    return level


def _decide(cues: list[_Cue], key: str, evidence: list[str]) -> bool | None:
    """Return the value of the strongest cue for a flag; at equal strength True (the rarer statement) wins."""
    said = [cue for cue in cues if cue.key == key]
    if not said:
        return None
    best = max(said, key=lambda cue: (cue.strength, cue.value))
    evidence.append(f"{key}={best.value}: {best.phrase}")
    return best.value


def _offer_kinds(cues: list[_Cue], evidence: list[str]) -> frozenset[str]:
    said = [cue for cue in cues if cue.key in OFFER_KINDS and cue.value]
    # angebotsart 4 names Ausbildung and duales Studium together: a text that says "duales Studium" decides.
    if any(cue.key == "duales_studium" for cue in said) and not any(
        cue.key == "ausbildung" and cue.strength < STRUCTURED for cue in said
    ):
        said = [cue for cue in said if cue.key != "ausbildung"]
    kinds: dict[str, _Cue] = {}
    for cue in said:
        kinds.setdefault(cue.key, cue)
    evidence.extend(f"{key}: {cue.phrase}" for key, cue in kinds.items())
    return frozenset(kinds)
