"""Read BA Jobsuche postings from API responses (JSON) and flattened CSV exports, and map them.

The mapping reads both generations of the API's names: v4 (`refnr`, `titel`, `arbeitsort`, ...; the spec in
../shared/data/api) and v6 (`referenznummer`, `stellenangebotsTitel`, `stellenlokationen`, ...; see
BA_JOBSUCHE_V6.md there), and the details answer (`/pc/v4/jobdetails/...`, v6-style names plus the v4
details' `arbeitsorte`, `stellenbeschreibung`, `verguetung`). The API client (ba_api.py) stores a posting
fetched with its details as {"jobsuche": <search item>, "jobdetails": <details answer or null>}, both
verbatim; details win where both name a field. Terms the fields state go to `PostingData.terms` under the
keys stellwerk.normalize.terms reads; stated pay is written out as a German phrase for the salary parser.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stellwerk.domain.postings import InvalidRecord, JsonObject, PostingData, RawRecord, ReadError
from stellwerk.domain.text import nfc
from stellwerk.normalize.html import html_to_text

SOURCE = "ba"
# Records fetched from the live API by ba_api.BaJobsucheClient are the same postings as file imports of BA
# data: one source name, so that each posting is one record whichever way it came.
API_SOURCE = SOURCE
FULLTEXT_SOURCE = "ba-volltext"
# The parts of an API record fetched with its details.
SEARCH_PART = "jobsuche"
DETAILS_PART = "jobdetails"
BUNDESLAENDER = (
    "Baden-Württemberg",
    "Bayern",
    "Berlin",
    "Brandenburg",
    "Bremen",
    "Hamburg",
    "Hessen",
    "Mecklenburg-Vorpommern",
    "Niedersachsen",
    "Nordrhein-Westfalen",
    "Rheinland-Pfalz",
    "Saarland",
    "Sachsen",
    "Sachsen-Anhalt",
    "Schleswig-Holstein",
    "Thüringen",
)
_GERMANY = {"deutschland", "de", "deu", "germany"}
JOBDETAIL_URL = "https://www.arbeitsagentur.de/jobsuche/jobdetail/{refnr}"
BERLIN = ZoneInfo("Europe/Berlin")
_REFNR_IN_URL = re.compile(r"/jobdetail/([^/?#]+)")
# The BA export writes missing values as the literal string "null"; the full-text export as "Unknown".
_MISSING = {"", "null", "none", "nan", "unknown"}

# CSV exports are read in full; a field beyond this is a broken file, not a posting.
csv.field_size_limit(10_000_000)


class UnreadableInput(ValueError):
    """The input as a whole cannot be read (not JSON, unknown CSV shape, unreadable file)."""


def content_hash(payload: JsonObject) -> str:
    """Return a stable SHA-256 over the payload's canonical JSON form."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_file(path: Path) -> Iterator[RawRecord | ReadError]:
    """Yield the BA records of a JSON, JSON Lines or CSV file, optionally gzipped; raise UnreadableInput."""
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == ".gz":
            raw = gzip.decompress(raw)
            path = path.with_suffix("")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableInput(f"{path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(text)
    if suffix in {".jsonl", ".ndjson"}:
        return read_json_lines(text)
    return read_json(text)


def read_json(text: str) -> Iterator[RawRecord | ReadError]:
    """Yield records from an API response, a list of responses, or a list of postings."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if isinstance(document, dict) and not _RESPONSE_KEYS & document.keys():
        raise UnreadableInput(
            "JSON object has no 'stellenangebote' or 'ergebnisliste' list (not a BA Jobsuche response)"
        )
    return _records_from_document(document, "")


# A v6 answer without matches has no `ergebnisliste`, only `maxErgebnisse`.
_RESPONSE_KEYS = {"stellenangebote", "ergebnisliste", "maxErgebnisse", "refnr", "referenznummer"}
_LIST_KEYS = ("stellenangebote", "ergebnisliste")


def read_json_lines(text: str) -> Iterator[RawRecord | ReadError]:
    """Yield records from JSON Lines, one posting or response per line; bad lines become errors."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(SOURCE, f"Zeile {number}", f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield from _records_from_document(document, f"Zeile {number}")


def _records_from_document(document: Any, prefix: str) -> Iterator[RawRecord | ReadError]:
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield from _records_from_document(item, f"{prefix}[{index}]")
        return
    if isinstance(document, dict) and (key := _list_key(document)):
        if not isinstance(document[key], list):
            yield ReadError(SOURCE, prefix or key, f"'{key}' is not a list")
            return
        for index, item in enumerate(document[key]):
            yield _record(item, f"{prefix} {key}[{index}]".strip())
        return
    if isinstance(document, dict) and "maxErgebnisse" in document and not refnr_of(document):
        return  # an answer without matches
    yield _record(document, prefix or "record")


def _list_key(document: JsonObject) -> str | None:
    return next((key for key in _LIST_KEYS if key in document), None)


def refnr_of(item: JsonObject) -> str | None:
    """Return the BA reference number of a v4 (`refnr`) or v6 (`referenznummer`) item."""
    return _text(item.get("refnr")) or _text(item.get("referenznummer"))


def _record(item: Any, locator: str, source: str = SOURCE) -> RawRecord | ReadError:
    if not isinstance(item, dict):
        return ReadError(source, locator, f"expected a JSON object, got {type(item).__name__}")
    refnr = refnr_of(item)
    if refnr is None:
        return ReadError(
            source, locator, "no 'refnr' or 'referenznummer' (the BA reference number identifies the posting)"
        )
    return RawRecord(source=source, external_id=refnr, payload=item, locator=locator)


def read_csv(text: str) -> Iterator[RawRecord | ReadError]:
    """Yield records from a flattened search export or a full-text export, by their header."""
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = set(reader.fieldnames or ())
    if {"refnr", "titel"} <= header:
        return _flat_search_rows(reader)
    if {"job_title", "job_url"} <= header:
        return _fulltext_rows(reader)
    raise UnreadableInput(
        "unknown CSV columns: expected a BA search export (refnr, titel, ...) "
        "or a full-text export (job_title, job_url, ...)"
    )


def _flat_search_rows(reader: csv.DictReader[str]) -> Iterator[RawRecord | ReadError]:
    for row in reader:
        # Line numbers count the header, as editors see them in a spreadsheet.
        locator = f"Zeile {reader.line_num}"
        if None in row:
            yield ReadError(SOURCE, locator, "more fields than the header has columns")
            continue
        yield _record(dict(row), locator)


def _fulltext_rows(reader: csv.DictReader[str]) -> Iterator[RawRecord | ReadError]:
    for row in reader:
        locator = f"Zeile {reader.line_num}"
        if None in row:
            yield ReadError(FULLTEXT_SOURCE, locator, "more fields than the header has columns")
            continue
        match = _REFNR_IN_URL.search(row.get("job_url") or "")
        if not match:
            yield ReadError(FULLTEXT_SOURCE, locator, "job_url carries no BA reference number")
            continue
        yield RawRecord(FULLTEXT_SOURCE, match.group(1), dict(row), locator)


def unflatten(payload: JsonObject) -> JsonObject:
    """Turn dotted CSV columns ("arbeitsort.koordinaten.lat") back into nested objects."""
    nested: JsonObject = {}
    for key, value in payload.items():
        parts = key.split(".")
        node = nested
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = value
    return nested


def map_record(record: RawRecord) -> PostingData:
    """Map a BA record of either shape to posting fields; raise InvalidRecord with the reason."""
    if record.source == FULLTEXT_SOURCE:
        return map_fulltext(record.payload, record.external_id)
    return map_search_result(unflatten(record.payload), record.external_id)


def map_search_result(item: JsonObject, refnr: str) -> PostingData:
    """Map a search item (v4 or v6 names), a details answer, or both combined, to posting fields."""
    if SEARCH_PART in item:
        item = _combined(item)
    title = _first_text(item, "stellenangebotsTitel", "titel", "hauptberuf", "beruf")
    if title is None:
        raise InvalidRecord("neither 'titel' ('stellenangebotsTitel') nor 'beruf' ('hauptberuf') is given")
    place = _place(item)
    period = _object(item, "veroeffentlichungszeitraum")
    entry = _object(item, "eintrittszeitraum")
    return PostingData(
        title=title,
        employer=_first_text(item, "firma", "arbeitgeber"),
        beruf=_first_text(item, "hauptberuf", "beruf"),
        place_name=place.name,
        district=place.district,
        postal_code=place.postal_code,
        region=place.region,
        lat=place.lat,
        lon=place.lon,
        published=_first_date(
            ("datumErsteVeroeffentlichung", item.get("datumErsteVeroeffentlichung")),
            ("aktuelleVeroeffentlichungsdatum", item.get("aktuelleVeroeffentlichungsdatum")),
            ("veroeffentlichungszeitraum.von", period.get("von")),
        ),
        modified=_datetime(*_first_field(item, "aenderungsdatum", "modifikationsTimestamp")),
        start_date=_first_date(
            ("eintrittszeitraum.von", entry.get("von")), ("eintrittsdatum", item.get("eintrittsdatum"))
        ),
        valid_through=_date(period.get("bis"), "veroeffentlichungszeitraum.bis"),
        external_url=_url(item.get("externeUrl")) or _url(item.get("externeURL")),
        source_url=JOBDETAIL_URL.format(refnr=refnr),
        description=html_to_text(
            _first_text(item, "stellenangebotsBeschreibung", "stellenbeschreibung") or ""
        ),
        terms=stated_terms(item),
        salary_text=stated_pay(item),
    )


def _combined(payload: JsonObject) -> JsonObject:
    """Return the search item with the details' values laid over it."""
    search, details = payload.get(SEARCH_PART), payload.get(DETAILS_PART)
    if not isinstance(search, dict):
        raise InvalidRecord(f"'{SEARCH_PART}' is not an object")
    if details is None:
        return search
    if not isinstance(details, dict):
        raise InvalidRecord(f"'{DETAILS_PART}' is not an object")
    merged = dict(search)
    merged.update((key, value) for key, value in details.items() if value not in (None, "", [], {}))
    return merged


class _Place:
    """The first place of a posting, read from whichever shape the item has."""

    def __init__(self, address: JsonObject, lat: Any, lon: Any, name: str) -> None:
        land = _text(address.get("land"))
        abroad = land is not None and land.casefold() not in _GERMANY
        self.name = _text(address.get("ort"))
        self.district = _text(address.get("ortsteil"))
        # A foreign postcode ("1010" in Vienna) would pass for a German PLZ once zero-filled.
        self.postal_code = None if abroad else _postal_code(address.get("plz"))
        self.region = _region(address.get("region"))
        self.lat = _coordinate(lat, "lat", f"{name}.lat")
        self.lon = _coordinate(lon, "lon", f"{name}.lon")


def _place(item: JsonObject) -> _Place:
    locations = next(
        (key for key in ("stellenlokationen", "arbeitsorte") if item.get(key) not in (None, [], "")), None
    )
    if locations is None:
        place = _object(item, "arbeitsort")
        coordinates = _object(place, "koordinaten", "arbeitsort.koordinaten")
        return _Place(place, coordinates.get("lat"), coordinates.get("lon"), "arbeitsort.koordinaten")
    places = item[locations]
    if not isinstance(places, list):
        raise InvalidRecord(f"'{locations}' is not a list")
    first = places[0]
    if not isinstance(first, dict):
        raise InvalidRecord(f"'{locations}[0]' is not an object")
    if locations == "arbeitsorte":
        coordinates = _object(first, "koordinaten", "arbeitsorte[0].koordinaten")
        return _Place(first, coordinates.get("lat"), coordinates.get("lon"), "arbeitsorte[0].koordinaten")
    address = _object(first, "adresse", "stellenlokationen[0].adresse")
    return _Place(address, first.get("breite"), first.get("laenge"), "stellenlokationen[0]")


def _object(item: JsonObject, key: str, name: str | None = None) -> JsonObject:
    value = item.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidRecord(f"'{name or key}' is not an object")
    return value


def _first_field(item: JsonObject, *keys: str) -> tuple[Any, str]:
    """Return the first present value among keys, with its key, for messages."""
    for key in keys:
        if _text(item.get(key)) is not None:
            return item[key], key
    return None, keys[0]


def _first_text(item: JsonObject, *keys: str) -> str | None:
    return _text(_first_field(item, *keys)[0])


def _first_date(*fields: tuple[str, Any]) -> date | None:
    for name, value in fields:
        if _text(value) is not None:
            return _date(value, name)
    return None


def _fold(text: str) -> str:
    """Return letters only, lower case, umlauts spelled out: "BADEN_WUERTTEMBERG" ~ "Baden-Württemberg"."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return "".join(char for char in unicodedata.normalize("NFKD", text) if char.isalpha())


_LAND_NAMES = {_fold(name): name for name in BUNDESLAENDER}


def _region(value: Any) -> str | None:
    """Return the Land as v4 writes it; v6 writes some in capitals ("BAYERN")."""
    text = _text(value)
    if text is None:
        return None
    return _LAND_NAMES.get(_fold(text), text)


# --- Terms and pay stated in fields -------------------------------------------------------------------------

# BA field -> the key stellwerk.normalize.terms reads (its module docstring lists them).
_TERM_KEYS = {
    "arbeitszeit": "arbeitszeit",
    "arbeitszeitmodelle": "arbeitszeitmodelle",
    "arbeitszeitVollzeit": "arbeitszeitVollzeit",
    "homeofficemoeglich": "homeofficemoeglich",
    "befristung": "befristung",
    "vertragsdauer": "vertragsdauer",
    "befristetBis": "befristetBis",
    "befristungInMonaten": "befristungInMonaten",
    "zeitarbeit": "zeitarbeit",
    "arbeitnehmerueberlassung": "arbeitnehmerueberlassung",
    "istArbeitnehmerUeberlassung": "arbeitnehmerueberlassung",
    "pav": "pav",
    "istPrivateArbeitsvermittlung": "pav",
    "angebotsart": "angebotsart",
    "stellenangebotsart": "angebotsart",
}
# v6 flags for working times the parser knows only as BA codes.
_WORKING_TIME_FLAGS = {"arbeitszeitSchichtNachtWochenende": "snw", "istGeringfuegigeBeschaeftigung": "mj"}


def stated_terms(item: JsonObject) -> JsonObject | None:
    """Return the terms the item states in fields, under the keys the terms parser reads, or None."""
    terms: JsonObject = {}
    for key, value in item.items():
        if _text(value) is None and not isinstance(value, list):
            continue
        if key in _TERM_KEYS:
            terms[_TERM_KEYS[key]] = value
        elif key.startswith("arbeitszeitTeilzeit"):
            terms[key] = value
    codes = [code for key, code in _WORKING_TIME_FLAGS.items() if item.get(key) is True]
    if codes:
        stated = terms.get("arbeitszeit")
        terms["arbeitszeit"] = [*([] if stated is None else stated if isinstance(stated, list) else [stated])]
        terms["arbeitszeit"] += codes
    return terms or None


_PERIOD_WORDS = (("STUND", "pro Stunde"), ("MONAT", "pro Monat"), ("JAHR", "pro Jahr"))
_AMOUNT_TEXT = re.compile(r"\d+(?:[.,]\d{1,2})?")


def stated_pay(item: JsonObject) -> str | None:
    """Return the pay the fields state as a phrase parse_salary reads ("Gehalt: 18,50 € pro Stunde")."""
    kinds = " ".join(
        text for text in (_text(item.get("verguetungsangabe")), _text(item.get("artDerVerguetung"))) if text
    )
    parts: list[str] = []
    amount = _amount_phrase(item)
    if amount:
        period = next((words for key, words in _PERIOD_WORDS if key in kinds.upper()), "")
        parts.append(f"Gehalt: {amount} {period}".strip())
    # The v4 details name the pay in words ("Entgeltgruppe 13 TV-L"); v6 codes only say there is a tariff.
    words = _text(item.get("verguetung"))
    if words:
        parts.append(f"Vergütung: {words}")
    elif "TARIF" in kinds.upper():
        parts.append("Vergütung nach Tarif")
    return ". ".join(parts) or None


def _amount_phrase(item: JsonObject) -> str | None:
    low, high = _euros(item.get("gehaltsspanneVon")), _euros(item.get("gehaltsspanneBis"))
    if low is not None and high is not None:
        low, high = min(low, high), max(low, high)
        return f"{_german(low)} €" if low == high else f"{_german(low)} € bis {_german(high)} €"
    if low is not None:
        return f"ab {_german(low)} €"
    if high is not None:
        return f"bis zu {_german(high)} €"
    fixed = _euros(item.get("festgehalt"))
    return None if fixed is None else f"{_german(fixed)} €"


def _euros(value: Any) -> Decimal | None:
    """Return a positive amount sent as a number or a numeric string; anything else is no amount."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    text = str(value).strip()
    if not _AMOUNT_TEXT.fullmatch(text):
        return None
    try:
        amount = Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def _german(amount: Decimal) -> str:
    """Write an amount the German way: 45.000 or 18,50."""
    whole = int(amount)
    cents = int((amount - whole) * 100)
    text = f"{whole:,}".replace(",", ".")
    return f"{text},{cents:02d}" if cents else text


def map_fulltext(row: JsonObject, refnr: str) -> PostingData:
    """Map one row of the BA full-text export to posting fields."""
    title = _text(row.get("job_title"))
    if title is not None:
        # The export keeps zero-width spaces that BA titles sometimes carry.
        title = title.replace("\u200b", "").strip() or None
    title = title or _text(row.get("beruf"))
    if title is None:
        raise InvalidRecord("neither 'job_title' nor 'beruf' is given")
    return PostingData(
        title=title,
        employer=_text(row.get("company")),
        beruf=_text(row.get("beruf")),
        place_name=_text(row.get("city")),
        postal_code=_postal_code(row.get("index")),
        region=_text(row.get("state")),
        published=_date(row.get("posted_date"), "posted_date"),
        source_url=JOBDETAIL_URL.format(refnr=refnr),
        description=_text(row.get("description")) or "",
    )


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = nfc(str(value))
    return None if text.lower() in _MISSING else text


def _postal_code(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    digits = text.split(".")[0]
    if not digits.isdigit() or len(digits) > 5:
        raise InvalidRecord(f"postal code {text!r} is not a German PLZ")
    return digits.zfill(5)


def _coordinate(value: Any, axis: str, name: str) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InvalidRecord(f"coordinate {name}={text!r} is not a number") from None
    # Postings abroad are kept, but coordinates must at least be on Earth.
    limit = 90.0 if axis == "lat" else 180.0
    if not -limit <= number <= limit:
        raise InvalidRecord(f"coordinate {name}={number} is out of range")
    return number


def _date(value: Any, name: str) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidRecord(f"{name}={text!r} is not a date (YYYY-MM-DD)") from None


def _datetime(value: Any, name: str) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRecord(f"{name}={text!r} is not a timestamp") from None
    # BA timestamps carry no offset; they are German local time.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)


def _url(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not text.startswith(("http://", "https://")):
        return None
    return text
