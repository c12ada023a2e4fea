"""Find pay statements in German posting text: amounts with period and gross/net, and collective agreements.

Decisions, each covered by a test in tests/normalize/test_salary.py:

- The text is read in NFC, with mojibake repaired ("fÃ¼r" -> "für", as some scraped pages come), soft
  hyphens and zero-width characters removed and odd spaces made plain.
- An amount counts only with a money marker: a currency (€, EUR, Euro, CHF, before or after the number), a
  thousands suffix ("5k", "60 Tsd.", "45 T€") or "brutto"/"netto" right after it. So "30 Urlaubstage", "40
  Stunden", "44137 Dortmund", "2025" or a phone number never become pay.
- Number formats: "1.234,56", "1 234", "1'234", "3.300,-", "18,50", "3,5k"; a comma followed by exactly three
  digits ("45,000") is read as an English thousands separator, because German cents have two digits.
- Ranges: "X – Y", "X - Y", "X bis Y", "von X bis Y", "zwischen X und Y"; a currency or "k" on one side
  applies to both ("3.300 - 3.800 EUR", "60-70k"). A range whose maximum is below its minimum or above four
  times it is not a salary range. "ab X", "mindestens X" give only a minimum; "bis zu X", "max. X" only a
  maximum.
- Period: stated after the amount ("/Std.", "pro Stunde", "monatlich", "brutto/Monat", "p.a.", "jährl.",
  "/Jahr") or before it ("Jahresgehalt von", "Stundenlohn", "Monatsbrutto"). Weekly and daily amounts
  ("Tagessatz") are not representable and are skipped. Otherwise the period is inferred from the (lower)
  amount in euros: 5 to < 100 an hour, 1,000 to < 15,000 a month, 15,000 and more a year; 100 to < 1,000 is
  ambiguous (a Minijob month, a weekly wage, a bonus) and is skipped. `Salary.period_stated` records which
  case applied.
- Plausible pay per period: 5 to 300 an hour, 300 to 50,000 a month, 5,000 to 1,000,000 a year; anything
  outside is not a salary (a discount of "240 Euro/Jahr", a turnover, a run-together phone number).
- Context: the nearest pay word before an amount decides. An amount after "Zuschuss", "Budget", "Prämie",
  "Bonus", "Ticket", "Umsatz", ... or followed by such a noun ("200 Euro Gesundheitsbudget") is not pay. A
  single amount with an inferred period also needs a positive cue ("Gehalt", "Vergütung", "Lohn", "brutto",
  ...); ranges and amounts with a stated period do not, because benefits are rarely written that way.
- Tariffs are recognised with their pay group ("TVöD-K E9b", "EG 11 TV-L", "Entgeltgruppe 9a TVöD",
  "TV-Ärzte/VKA Ä1", "AVR Caritas", "Besoldungsgruppe A 13"). No tariff table is shipped: no figure is
  derived. "nach Tarif", "Tarifvertrag", "tarifliche Vergütung" without a name give agreement
  `UNNAMED_AGREEMENT` ("Tarif"), only when no named agreement is found; "außertariflich" and
  "Mitarbeitertarife" are not tariffs. A group may be a range ("E9b-E11") or an upper bound ("bis E11", as in
  "bis Entgeltgruppe 11").
- "Mindestlohn" is the statutory minimum wage; it is reported as the pay rule `MINIMUM_WAGE` ("Mindestlohn")
  among the tariffs, never as a figure, since the amount depends on the date. "über (dem) Mindestlohn" is
  skipped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from stellwerk.domain.results import Unknown
from stellwerk.domain.salary import Period, Salary, SalaryInfo, Tariff
from stellwerk.domain.text import nfc

UNNAMED_AGREEMENT = "Tarif"
MINIMUM_WAGE = "Mindestlohn"

# Cents per period that can be pay, and the bands the period is inferred from when the text does not say it.
PLAUSIBLE_CENTS = {
    Period.HOUR: (500, 30_000),
    Period.MONTH: (30_000, 5_000_000),
    Period.YEAR: (500_000, 100_000_000),
}
INFERRED_CENTS: dict[Period, tuple[int, int | None]] = {
    Period.HOUR: (500, 10_000),
    Period.MONTH: (100_000, 1_500_000),
    Period.YEAR: (1_500_000, None),
}
MAX_RANGE_RATIO = 4
_WINDOW = 60
# Texts up to this long (titles, stated pay fields) are parsed once and the result reused.
_CACHED_LENGTH = 300

# Scraped pages split words with soft hyphens ("Personal\xadvermittlung") and digits with odd spaces.
_INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_ODD_SPACES = ("\u00a0", "\u2007", "\u2009", "\u202f")

# The pattern starts with a bare digit so that the regex engine can skip to digits quickly; the lookbehind
# after that digit keeps a match from starting inside a number or a date.
_NUMBER = (
    r"\d(?<![\d.,']\d)(?:"
    r"\d{0,2}(?:\.\d{3})+(?:,\d{1,2})?"
    r"|\d{0,2}(?:[ ']\d{3})+(?:,\d{1,2})?"
    r"|\d{0,2}(?:,\d{3})+(?:\.\d{1,2})?"
    r"|\d*(?:[.,]\d{1,2})?"
    r")(?!\d|[.,]\d)(?:,[-–])?"
)
_CUR = r"€|EUR(?![A-Za-z])|Euro(?![A-Za-z-])|CHF(?![A-Za-z])"
_AMOUNT = re.compile(
    rf"(?P<num>{_NUMBER})"
    r"(?:\s?(?P<mult>[kK](?![A-Za-zÄÖÜäöüß])|Tsd\.?|tsd\.?|Tausend|TEUR|T€))?"
    rf"(?:\s?(?P<post>{_CUR})(?!\s?\d))?"
)
# Amounts are looked for only around money markers: most postings state no money at all. A regex that starts
# with one literal character scans a text in a few microseconds; an alternation of different first characters,
# or a character class, takes ten times as long, so each marker family gets its own pattern. "tto" stands for
# brutto and netto in both cases; the lookbehinds find the "k" of "60k" and "60 K".
_MONEY_MARKERS = tuple(
    re.compile(pattern)
    for pattern in (
        r"€",
        r"E(?:UR|uro)",
        r"CHF",
        r"tto",
        r"T(?:sd|EUR|€|ausend)",
        r"k(?<=\dk)|k(?<=\d k)",
        r"K(?<=\dK)|K(?<=\d K)",
    )
)
_BEFORE_MARKER, _AFTER_MARKER = 40, 16
_PRE_CURRENCY = re.compile(rf"(?<![A-Za-z])(?:{_CUR})\s?$")
_ENGLISH_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_DECIMAL_POINT = re.compile(r"\d+\.\d{1,2}")
_RANGE_SEP = re.compile(r"\s*(?:[-–—‒−]|bis(?:\s+zu)?|to|und)\s*", re.IGNORECASE)
_ENDS_BETWEEN = re.compile(r"zwischen\s*$", re.IGNORECASE)
_GROSS_NET = re.compile(r"\b(?:brutto|gross|netto|net)\b|brutto|netto", re.IGNORECASE)
_MARKER_AFTER = re.compile(r"\s*(?:brutto|netto)\b", re.IGNORECASE)
_ABOUT = r"\bca\.|circa|zirka|\brund|\betwa|ungefähr"
_QUALIFIER = re.compile(
    r"(?:(?P<min>\bab|mindestens|mind\.|min\.|\bfrom|starting\s+at)"
    r"|(?P<max>\bbis\s+zu|\bbis|max\.|maximal|höchstens|up\s+to)"
    rf"|(?P<about>{_ABOUT}|\bvon|zwischen))(?:\s+(?:{_ABOUT}))?\s*$",
    re.IGNORECASE,
)
_UNIT = (
    r"(?P<hour>Stunden?\b|Std\b\.?|h\b|hour\b|hr\b|stündlich)"
    r"|(?P<month>monatlich|Monat\b|Mon\.|Mo\.|mtl\b\.?|monthly|month\b|p\.\s?m\.)"
    r"|(?P<year>Jahr(?!es)|jährl(?:ich|\.)?|jaehrlich|p\.\s?a\b\.?|pro\s+anno|year|annually|annual)"
    r"|(?P<other>Woche\b|wöchentlich|Tag\b|täglich|week\b|day\b)"
)
_PERIOD_AFTER = re.compile(
    r"\s*(?:(?:brutto|netto|gross|net|fix)\b\s*)?(?:,\s*)?"
    rf"(?:/\s*|pro\s+|je\s+|per\s+|im\s+|in\s+der\s+|die\s+|a\s+|an\s+)?(?:{_UNIT})",
    re.IGNORECASE,
)
_PERIOD_WORD = re.compile(
    r"(?P<hour>stunden(?:lohn|satz|vergütung|entgelt|basis)|stündlich|hourly)"
    r"|(?P<month>monats(?:gehalt|brutto|netto|lohn|vergütung|entgelt|einkommen|verdienst)|monatlich|monthly)"
    r"|(?P<year>jahres(?:gehalt|brutto|netto|ziel|lohn|vergütung|entgelt|einkommen|verdienst|fix|grund)"
    r"|jährlich|jaehrlich|annual|yearly)"
    r"|(?P<other>tages(?:satz|lohn|honorar)|wochen(?:lohn|gehalt))",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;!?]")
_POSITIVE = (
    r"gehalt|gehälter|vergütung|verguetung|lohn|löhne|entgelt|verdienst|verdienen|einkommen|bezahlung|"
    r"besoldung|salary|compensation|brutto|netto|honorar|stundensatz|vergütet|bezahlt|fixum|\bpay\b|💰"
)
_NEGATIVE = (
    r"zuschuss|zuschüsse|zuschuß|budget|prämie|praemie|bonus|boni\b|gutschein|rabatt|ticket|zulage|"
    r"sonderzahlung|weihnachtsgeld|urlaubsgeld|umsatz|bilanzsumme|investition|erstattung|spende|pauschale|guthaben|"
    r"provision|kapital|volumen|jobrad|sachbezug|vermögenswirksam|altersvorsorge|zuzahlung|einmalzahlung|"
    r"inflationsausgleich|abfindung|gewinnbeteiligung|mrd\.|mio\.|million|milliard|wert\s+von|kosten|"
    r"willkommens|beihilfe|förderung"
)
_CUE = re.compile(rf"(?P<pos>{_POSITIVE})|(?P<neg>{_NEGATIVE})", re.IGNORECASE)
_NOUN_AFTER = re.compile(
    rf"\s*(?:(?:brutto|netto)\s+)?[\wÄÖÜäöüß-]*?"
    rf"(?:(?P<neg>{_NEGATIVE})|(?P<pos>gehalt|lohn|vergütung|einkommen))",
    re.IGNORECASE,
)
_SEGMENT_BREAK = re.compile(r"[\n•·|]")
_PERIODS = {"hour": Period.HOUR, "month": Period.MONTH, "year": Period.YEAR}


@dataclass(frozen=True, slots=True)
class _Amount:
    """One number written as money, with where it stands."""

    start: int
    end: int
    cents: int
    currency: str | None
    thousands: bool


@dataclass(frozen=True, slots=True)
class _Group:
    """One amount or a range of two: a candidate salary."""

    first: _Amount
    last: _Amount
    is_range: bool


def parse_salary(text: str) -> SalaryInfo | Unknown:
    """Return the pay statements and tariffs found in a German text, or Unknown with the reason."""
    if len(text) <= _CACHED_LENGTH:
        return _parse_short(text)
    return _parse(text)


# Titles and structured pay fields repeat across postings; the results are immutable, so they are shared.
@functools.lru_cache(maxsize=50_000)
def _parse_short(text: str) -> SalaryInfo | Unknown:
    return _parse(text)


def _parse(text: str) -> SalaryInfo | Unknown:
    clean = clean_text(text)
    if not clean:
        return Unknown("empty text")
    salaries: list[Salary] = []
    ignored = 0
    for group in _groups(clean):
        if not _written_as_money(clean, group):
            continue
        salary = _to_salary(clean, group)
        if salary is None:
            ignored += 1
        else:
            _add(salaries, salary)
    tariffs = find_tariffs(clean)
    if salaries or tariffs:
        return SalaryInfo(tuple(salaries), tariffs)
    if ignored:
        return Unknown(f"no salary stated; {ignored} amount(s) ignored as not pay or implausible")
    return Unknown("no salary stated")


@functools.lru_cache(maxsize=8)
def clean_text(text: str) -> str:
    """Return text in NFC, mojibake repaired, without invisible characters and with plain spaces."""
    text = nfc(text)
    if text.isascii():
        return text
    if "Ã" in text or "Â" in text:
        text = _repair_mojibake(text)
    # str.replace after a membership test is much faster than str.translate with a mapping.
    for char in _INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    for char in _ODD_SPACES:
        if char in text:
            text = text.replace(char, " ")
    return text


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 or Latin-1 ("fÃ¼r" -> "für"), as some scraped pages are."""
    for legacy in ("cp1252", "latin-1"):
        try:
            return nfc(text.encode(legacy).decode("utf-8"))
        except UnicodeError:
            continue  # a correct "Ã" somewhere, or mixed encodings: keep the text as it is
    return text


def _add(salaries: list[Salary], salary: Salary) -> None:
    """Append a salary unless it repeats one (pages print the header figure twice); keep gross/net if said."""
    key = (salary.min_cents, salary.max_cents, salary.period, salary.currency)
    for index, seen in enumerate(salaries):
        if (seen.min_cents, seen.max_cents, seen.period, seen.currency) == key:
            if seen.gross is None and salary.gross is not None:
                salaries[index] = replace(seen, gross=salary.gross)
            return
    salaries.append(salary)


def _money_windows(text: str) -> list[tuple[int, int]]:
    """Return the merged stretches of text around money markers, where amounts can be."""
    marks = [hit.start() for marker in _MONEY_MARKERS for hit in marker.finditer(text)]
    windows: list[tuple[int, int]] = []
    for mark in sorted(marks):
        low, high = max(0, mark - _BEFORE_MARKER), mark + _AFTER_MARKER
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _cents(number: str) -> int:
    """Return the cents of a number as a German or English posting writes it."""
    number = number.rstrip("-–").rstrip(",").replace(" ", "").replace("'", "")
    if _ENGLISH_THOUSANDS.fullmatch(number):
        number = number.replace(",", "")
    elif not _DECIMAL_POINT.fullmatch(number):
        # Any other dot separates thousands ("45.000"); the comma is the decimal mark.
        number = number.replace(".", "").replace(",", ".")
    whole, _, fraction = number.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def _amounts(text: str) -> Iterator[_Amount]:
    for low, high in _money_windows(text):
        for match in _AMOUNT.finditer(text, low):
            if match.start() >= high:
                break
            yield _amount(text, match)


def _amount(text: str, match: re.Match[str]) -> _Amount:
    start = match.start()
    pre = _PRE_CURRENCY.search(text, max(0, start - 6), start)
    written = match["post"] or (pre.group().strip() if pre else None)
    mult = match["mult"]
    currency = "EUR" if mult in {"TEUR", "T€"} else None
    if written:
        currency = "CHF" if written == "CHF" else "EUR"
    cents = _cents(match["num"]) * (1000 if mult else 1)
    return _Amount(pre.start() if pre else start, match.end(), cents, currency, bool(mult))


def _groups(text: str) -> Iterator[_Group]:
    amounts = list(_amounts(text))
    i = 0
    while i < len(amounts):
        first = amounts[i]
        if i + 1 < len(amounts) and _joined(text, first, amounts[i + 1]):
            yield _pair(first, amounts[i + 1])
            i += 2
        else:
            yield _Group(first, first, is_range=False)
            i += 1


def _joined(text: str, left: _Amount, right: _Amount) -> bool:
    between = text[left.end : right.start]
    if not _RANGE_SEP.fullmatch(between):
        return False
    if between.strip().lower() == "und":
        return _ENDS_BETWEEN.search(text, max(0, left.start - 12), left.start) is not None
    return True


def _pair(left: _Amount, right: _Amount) -> _Group:
    """Share a currency or a "k" written on one side with the other ("3.300 - 3.800 EUR", "60-70k")."""
    currency = left.currency or right.currency
    cents = left.cents
    if right.thousands and not left.thousands and left.cents * 1000 <= right.cents:
        cents = left.cents * 1000
    shared_left = _Amount(left.start, left.end, cents, currency, left.thousands or right.thousands)
    shared_right = _Amount(right.start, right.end, right.cents, right.currency or currency, right.thousands)
    return _Group(shared_left, shared_right, is_range=True)


def _written_as_money(text: str, group: _Group) -> bool:
    first, last = group.first, group.last
    return bool(first.currency or first.thousands or last.thousands or _MARKER_AFTER.match(text, last.end))


def _to_salary(text: str, group: _Group) -> Salary | None:
    """Return the salary a money-marked candidate states, or None when it is not plausible pay."""
    first, last = group.first, group.last
    marker = _MARKER_AFTER.match(text, last.end)
    if group.is_range and last.currency != first.currency:
        return None
    prefix = _prefix_start(text, first.start)
    cue = _nearest_cue(text, prefix, first.start)
    noun = _NOUN_AFTER.match(text, last.end, last.end + 40)
    if cue == "neg" or (noun is not None and noun["neg"]):
        return None
    bounds = _bounds(text, group, prefix)
    after = _PERIOD_AFTER.match(text, last.end)
    stated, period, said_at = _stated_period(text, prefix, first.start, after)
    if bounds is None or (stated and period is None):
        return None
    if not stated:
        positive = cue == "pos" or marker is not None or (noun is not None and noun["pos"] is not None)
        period = _inferred_period(bounds) if group.is_range or positive else None
    if period is None or not _plausible(bounds, period):
        return None
    end = after.end() if after else marker.end() if marker else last.end
    return Salary(
        min_cents=bounds[0],
        max_cents=bounds[1],
        period=period,
        gross=_gross(text, prefix, end),
        currency=first.currency or "EUR",
        text=" ".join(
            text[_snippet_start(text, prefix, said_at if said_at is not None else first.start) : end].split()
        ),
        period_stated=stated,
    )


def _prefix_start(text: str, start: int) -> int:
    """Return where the words before an amount begin: at most a window back, and not past a line or bullet."""
    window = max(0, start - _WINDOW)
    begin = window
    for found in _SEGMENT_BREAK.finditer(text, window, start):
        begin = found.end()
    return begin


def _nearest_cue(text: str, start: int, end: int) -> str | None:
    kind = None
    for found in _CUE.finditer(text, start, end):
        kind = found.lastgroup
    return kind


def _bounds(text: str, group: _Group, prefix: int) -> tuple[int | None, int | None] | None:
    low, high = group.first.cents, group.last.cents
    if group.is_range:
        return (low, high) if low <= high <= low * MAX_RANGE_RATIO else None
    qualifier = _QUALIFIER.search(text, prefix, group.first.start)
    if qualifier is not None and qualifier["min"]:
        return low, None
    if qualifier is not None and qualifier["max"]:
        return None, low
    return low, low


def _stated_period(
    text: str, prefix: int, start: int, after: re.Match[str] | None
) -> tuple[bool, Period | None, int | None]:
    """Return whether a period is stated, which (None for weeks and days), and where a word before says it."""
    if after is not None:
        return True, _PERIODS.get(after.lastgroup or ""), None
    word = None
    for found in _PERIOD_WORD.finditer(text, prefix, start):
        word = found
    # "30 Tage Urlaub jährlich, Gehalt 3.000 €": a period word in another clause is not this amount's.
    if word is None or _CLAUSE_BREAK.search(text, word.end(), start):
        return False, None, None
    return True, _PERIODS.get(word.lastgroup or ""), word.start()


def _band(cents: int) -> Period | None:
    for period, (low, high) in INFERRED_CENTS.items():
        if low <= cents and (high is None or cents < high):
            return period
    return None


def _inferred_period(bounds: tuple[int | None, int | None]) -> Period | None:
    """Return the one band both bounds fall into, or None when they disagree or fall into none."""
    periods = {_band(cents) for cents in bounds if cents is not None}
    return periods.pop() if len(periods) == 1 else None


def _plausible(bounds: tuple[int | None, int | None], period: Period) -> bool:
    low, high = PLAUSIBLE_CENTS[period]
    return all(low <= cents <= high for cents in bounds if cents is not None)


def _gross(text: str, start: int, end: int) -> bool | None:
    found = list(_GROSS_NET.finditer(text, start, end))
    if not found:
        return None
    return found[-1].group().lower() in {"brutto", "gross"}


def _snippet_start(text: str, prefix: int, start: int) -> int:
    qualifier = _QUALIFIER.search(text, prefix, start)
    return start if qualifier is None else min(start, qualifier.start())


# --- Tariffs ------------------------------------------------------------------------------------------------

# Agreements whose pay groups are written "E 9b"; industry agreements (ERA, BAP, ...) say "EG 7".
_PUBLIC_FAMILY = ("TVöD", "TV-", "TVA", "TVP", "AVR", "BAT-KF", "KAVO", UNNAMED_AGREEMENT)
_AGREEMENTS: tuple[tuple[str, str], ...] = (
    (
        "tvoed",
        r"TV(?:öD|ÖD|oeD|OED)(?P<tvoed_sub>-(?:BT-)?[A-Z]\b|[-\s/](?:VKA|Bund|SuE|Sparkassen|Pflege)\b)?",
    ),
    ("tvl", r"TV-?L\b"),
    ("tvh", r"TV-H\b"),
    ("tvv", r"TV-V\b"),
    (
        "tvn",
        r"TV-N\b(?:[-\s](?P<tvn_sub>NW|NRW|Bayern|Hessen|Niedersachsen|BW|Berlin|Sachsen|Brandenburg)\b)?",
    ),
    ("aerzte", r"TV-?\s?Ärzte(?:\s?/\s?(?P<aerzte_sub>VKA|TdL|KF|Charité))?"),
    ("tvba", r"TV-BA\b"),
    ("azubi", r"TVA(?:öD|oeD)\b|TVA-L\b|TVP(?:öD|oeD)\b"),
    ("batkf", r"BAT-KF\b"),
    ("kavo", r"KAVO\b"),
    (
        "avr",
        r"AVR\b(?:[\s.\-]+(?:des\s+Deutschen\s+|der\s+|des\s+)?"
        r"(?P<avr_sub>Caritas\w*|Diakonie\w*|DD|DWBO|Bayern|EKD|RWL|AWO|DRK)\b)?",
    ),
    (
        "public_long",
        r"(?i:Tarifvertr(?:ag|ages|ags)\s+für\s+den\s+öffentlichen\s+Dienst)(?P<laender>\s+der\s+Länder)?",
    ),
    ("tvv_long", r"(?i:Tarifvertr(?:ag|ages|ags)\s+Versorgungsbetriebe)"),
    (
        "industry",
        r"(?i:Tarif(?:vertrag|verträgen|vertrages|vertrags|werk)?\s+(?:der|des|für\s+(?:den|die|das))\s+)"
        r"(?P<branch>(?:[\wÄÖÜäöüß-]+\s+(?:und\s+)?){0,3}?[\wÄÖÜäöüß-]*"
        r"(?i:industrie|handels?|gewerbes?|wirtschaft|banken|versicherungen))\b",
    ),
    (
        "generic",
        r"(?i:Tarifvertr(?:ag|äge|ages|ags|ägen)\b|Tarif\b|tarifgebunden|"
        r"tarifliche[nrs]?\s+(?:Vergütung|Bezahlung|Entlohnung|Ausbildungsvergütung|Eingruppierung|Gehalt|"
        r"Entgelt|Lohn|Vergütungsstruktur)|tarif(?:vergütung|gehalt|lohn|entgelt|bindung))",
    ),
    ("igmetall", r"IG\s?Metall\b"),
    ("era", r"ERA(?:-(?:TV|Tarif\w*)|\b(?=\s*(?:EG|Entgeltgruppe)))"),
    ("temp", r"(?P<temp_name>BAP|iGZ|GVP)(?:[-/\s]+(?:DGB|iGZ|BAP|GVP))*[-\s]+(?:DGB-)?(?i:tarif\w*)"),
    ("haus", r"(?i:Haustarif(?:vertr\w*)?)"),
    ("besoldung", r"Besoldungsgruppe\s+(?P<bes>[ABRW])\s?(?P<bes_n>\d{1,2})\b"),
    ("minimum", r"(?i:(?:Pflege)?Mindestlohn)"),
)
_AGREEMENT = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _AGREEMENTS))
# Agreements are matched only where one of these words stands. A regex that starts with one literal character
# finds them about ten times faster than a regex pass with an alternation of groups over the whole text.
_T_NEEDLES = re.compile(r"T(?:V|arif)")
_B_NEEDLES = re.compile(r"B(?:esO|esG|esoldungsgruppe|AT-KF)")
_NEEDLE_TARIF, _NEEDLE_AV = re.compile("tarif"), re.compile("AV")
_NEEDLE_METALL, _NEEDLE_MINDESTLOHN = re.compile("Metall"), re.compile("indestlohn")
_TEMP_BEFORE = re.compile(r"(?:BAP|iGZ|GVP)(?:[-/\s]+(?:DGB|iGZ|BAP|GVP))*[-\s]+(?:DGB-)?$")
_BESOLDUNG_LAW = re.compile(
    r"\b(?P<law>[AR])\s?(?P<law_n>\d{1,2})\s+(?:BBesO|BBesG|LBesO|LBesG|[A-Z][A-Za-z]*BesG)\b"
)
_WORD_BEFORE = re.compile(r"\w")
_NEGATED = re.compile(r"\b(?:kein(?:en|e)?|nicht|ohne)\s+$", re.IGNORECASE)
_ABOVE = re.compile(r"\b(?:über|oberhalb)\s+(?:dem\s+|des\s+)?(?:gesetzlichen?\s+)?$", re.IGNORECASE)
_FIXED_NAMES = {
    "tvl": "TV-L",
    "tvh": "TV-H",
    "tvv": "TV-V",
    "tvv_long": "TV-V",
    "tvba": "TV-BA",
    "batkf": "BAT-KF",
    "kavo": "KAVO",
    "igmetall": "IG Metall",
    "era": "ERA",
    "haus": "Haustarifvertrag",
    "minimum": MINIMUM_WAGE,
    "generic": UNNAMED_AGREEMENT,
}
_NO_GROUP = frozenset({MINIMUM_WAGE, "Haustarifvertrag", "IG Metall", "Besoldung"})
_GROUP = re.compile(
    r"(?:(?P<strong>(?i:Entgeltgruppe|Entgeltgr\.|Entgelt-Gruppe|Vergütungsgruppe|VergGr\.?|Lohngruppe|"
    r"Gehaltsgruppe))\s?(?:E\s?)?(?P<code>\d{1,2}[a-c]?)"
    r"|\b(?:EG|(?P<letter>[EÄSP]))\s?(?P<weak>\d{1,2}[a-c]?))(?![\w.,]?\d|\w)"
    r"(?:\s*(?:[-–—/]|bis)\s*(?:EG\s?|[EÄSP]\s?)?(?P<to>\d{1,2}[a-c]?)\b)?"
)
_STRONG_GROUP_MARK = re.compile("ruppe")  # Entgeltgruppe, Entgelt-Gruppe, Vergütungsgruppe, Lohngruppe
_VIA = re.compile(r"\b(?:nach|gemäß|laut|entsprechend)\s+(?:dem\s+|des\s+)?$", re.IGNORECASE)
_UPTO = re.compile(r"\bbis\s+(?:zur?\s+|in\s+die\s+)?$", re.IGNORECASE)
_PAIR_DISTANCE = 60
_HIGHEST_GROUP = 18


@dataclass(frozen=True, slots=True)
class _Mention:
    """An agreement or a pay group named in the text; `strong` groups stand without an agreement."""

    start: int
    end: int
    name: str
    group: str | None = None
    strong: bool = False


def find_tariffs(text: str) -> tuple[Tariff, ...]:
    """Return the collective agreements with pay groups a text names, in order of appearance."""
    agreements = list(_agreement_mentions(text))
    groups = _group_mentions(text, agreements)
    found: list[tuple[int, Tariff]] = []
    used: set[int] = set()
    for agreement in agreements:
        start, end, group = agreement.start, agreement.end, agreement.group
        index = None if agreement.name in _NO_GROUP else _nearest_group(text, agreement, groups, used)
        if index is not None:
            used.add(index)
            group = _canonical_group(groups[index].name, agreement.name)
            start, end = min(start, groups[index].start), max(end, groups[index].end)
        found.append((start, Tariff(agreement.name, group, text[start:end].strip())))
    for index, mention in enumerate(groups):
        if index not in used and mention.strong:
            found.append((mention.start, Tariff(UNNAMED_AGREEMENT, mention.name, _span(text, mention))))
    return _merge([tariff for _, tariff in sorted(found, key=lambda item: item[0])])


def _span(text: str, mention: _Mention) -> str:
    return text[mention.start : mention.end].strip()


def _agreement_mentions(text: str) -> Iterator[_Mention]:
    end = 0
    for start in _agreement_starts(text):
        match = _AGREEMENT.match(text, start) if start >= end else None
        if match is None:
            continue
        kind = match.lastgroup or ""
        if kind != "minimum" and start and _WORD_BEFORE.match(text, start - 1):
            continue  # inside a word: "außertariflich", "Mitarbeitertarif"
        mention = _agreement_mention(text, kind, match)
        if mention is not None:
            end = match.end()
            yield mention
    for hit in _B_NEEDLES.finditer(text):
        law = _BESOLDUNG_LAW.search(text, max(0, hit.start() - 10), hit.end() + 1)
        if hit.group() in ("BesO", "BesG") and law is not None:
            yield _Mention(law.start(), law.end(), "Besoldung", law["law"] + law["law_n"])


def _agreement_starts(text: str) -> list[int]:
    """Return where an agreement may start, found from words it begins with or contains."""
    starts = {hit.start() for needle in (_T_NEEDLES, _B_NEEDLES) for hit in needle.finditer(text)}
    for hit in _NEEDLE_METALL.finditer(text):
        starts.update((hit.start() - 3, hit.start() - 2))  # "IG Metall", "IGMetall"
    for hit in _NEEDLE_MINDESTLOHN.finditer(text):
        starts.update((hit.start() - 1, hit.start() - 7))  # "Mindestlohn", "mindestlohn"; "Pflegemindestlohn"
    for hit in _NEEDLE_AV.finditer(text):
        starts.update((hit.start(), hit.start() - 1))  # "AVR"; "KAVO"
    for hit in _NEEDLE_TARIF.finditer(text):
        starts.update((hit.start(), hit.start() - 4))  # "tarifliche"; "Haustarif"
    for start in [start for start in starts if text.startswith("Tarif", start)]:
        temp = _TEMP_BEFORE.search(text, max(0, start - 30), start)
        if temp is not None:
            starts.add(temp.start())  # "BAP-Tarifvertrag", "iGZ/DGB-Tarif"
        starts.update((start - 4, start - 5))  # "ERA-Tarif", "Haus-Tarif"
    return sorted(start for start in starts if start >= 0)


def _agreement_mention(text: str, kind: str, match: re.Match[str]) -> _Mention | None:
    """Return the mention a match makes, or None when the words before deny or qualify it away."""
    start = match.start()
    before = max(0, start - 30)
    if kind == "generic" and _NEGATED.search(text, before, start):
        return None  # "kein Tarifvertrag", "nicht tarifgebunden"
    if kind == "minimum" and _ABOVE.search(text, before, start):
        return None  # "über dem Mindestlohn" says nothing about the figure
    via = _VIA.search(text, before, start)
    if kind == "generic" and match.group().lower() == "tarif" and via is None:
        return None  # a bare "Tarif" is a phone or energy tariff unless pay goes "nach Tarif"
    if via is not None and kind in {"generic", "industry", "public_long", "tvv_long"}:
        start = via.start()
    group = match["bes"] + match["bes_n"] if kind == "besoldung" else None
    return _Mention(start, match.end(), _agreement_name(kind, match), group)


def _agreement_name(kind: str, match: re.Match[str]) -> str:
    if kind in _FIXED_NAMES:
        return _FIXED_NAMES[kind]
    if kind == "tvoed":
        sub = (match["tvoed_sub"] or "").strip("-/ ")
        return f"TVöD-{sub}" if sub else "TVöD"
    if kind == "public_long":
        return "TV-L" if match["laender"] else "TVöD"
    if kind == "tvn":
        return f"TV-N {match['tvn_sub']}" if match["tvn_sub"] else "TV-N"
    if kind == "aerzte":
        return f"TV-Ärzte/{match['aerzte_sub']}" if match["aerzte_sub"] else "TV-Ärzte"
    if kind == "azubi":
        return match.group().replace("oeD", "öD")
    if kind == "avr":
        return _avr_name(match["avr_sub"])
    if kind == "industry":
        return f"{UNNAMED_AGREEMENT} " + " ".join(match["branch"].split())
    if kind == "temp":
        return match["temp_name"]
    return "Besoldung"


def _avr_name(sub: str | None) -> str:
    if not sub:
        return "AVR"
    for family in ("Caritas", "Diakonie"):
        if sub.startswith(family):
            return f"AVR {family}"
    return f"AVR {sub}"


def _group_mentions(text: str, agreements: list[_Mention]) -> list[_Mention]:
    """Return pay groups near an agreement, and those spelled out ("Entgeltgruppe 9") anywhere."""
    windows = [(max(0, a.start - _PAIR_DISTANCE - 20), a.end + _PAIR_DISTANCE + 20) for a in agreements]
    windows += [(max(0, hit.start() - 16), hit.start() + 45) for hit in _STRONG_GROUP_MARK.finditer(text)]
    found: dict[int, _Mention] = {}
    for low, high in windows:
        for match in _GROUP.finditer(text, low, high):
            if match.start() not in found and (match["strong"] or agreements):
                found[match.start()] = _group_mention(text, match)
    return [found[start] for start in sorted(found)]


def _group_mention(text: str, match: re.Match[str]) -> _Mention:
    code = match["code"] or match["weak"]
    letter = match["letter"] or "E"
    name = letter + code
    start = match.start()
    upper = match["to"]
    upto = _UPTO.search(text, max(0, start - 20), start)
    if upper and int(re.sub(r"\D", "", upper)) <= _HIGHEST_GROUP:
        name = f"{name}-{letter}{upper}"
    elif upto is not None:
        name, start = f"bis {name}", upto.start()
    return _Mention(start, match.end(), name, strong=bool(match["strong"]))


def _nearest_group(text: str, agreement: _Mention, groups: list[_Mention], used: set[int]) -> int | None:
    best: tuple[int, int] | None = None
    for index, group in enumerate(groups):
        if index in used or not _fits(group.name, agreement.name):
            continue
        if group.start >= agreement.end:
            between = text[agreement.end : group.start]
        elif group.end <= agreement.start:
            between = text[group.end : agreement.start]
        else:
            continue
        if (
            len(between) <= _PAIR_DISTANCE
            and "\n" not in between
            and (best is None or len(between) < best[0])
        ):
            best = (len(between), index)
    return None if best is None else best[1]


def _fits(group: str, agreement: str) -> bool:
    """Say whether a group's letter belongs to the agreement ("Ä1" to the TV-Ärzte, "S8b" to the TVöD)."""
    letter = group.removeprefix("bis ")[0]
    if agreement.startswith("TV-Ärzte"):
        return letter == "Ä"
    if letter in "SP":
        return agreement.startswith("TVöD")
    return letter == "E"


def _canonical_group(name: str, agreement: str) -> str:
    if (agreement.startswith(_PUBLIC_FAMILY) and agreement != "TV-Ärzte") or not name.startswith(
        ("E", "bis E")
    ):
        return name
    return re.sub(r"\bE(?=\d)", "EG", name)


def _merge(tariffs: list[Tariff]) -> tuple[Tariff, ...]:
    """Drop repeats, an agreement without group that also appears with one, and "Tarif" beside a named one."""
    named = {t.agreement for t in tariffs if t.agreement not in (UNNAMED_AGREEMENT, MINIMUM_WAGE)}
    # "TVöD" beside "TVöD-VKA E11" says nothing more: the specific mention or the one with a group is kept.
    with_group = {t.agreement for t in tariffs if t.group} | {
        name for name in named for other in named if other.startswith((f"{name}-", f"{name}/"))
    }
    kept: list[Tariff] = []
    seen: set[tuple[str, str | None]] = set()
    for tariff in tariffs:
        key = (tariff.agreement, tariff.group)
        if key in seen or (tariff.group is None and tariff.agreement in with_group):
            continue
        if tariff.agreement == UNNAMED_AGREEMENT and tariff.group is None and named:
            continue
        seen.add(key)
        kept.append(tariff)
    return tuple(kept)
