"""Read BA Jobsuche postings from API responses (JSON) and flattened CSV exports, and map them."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stellwerk.domain.postings import InvalidRecord, JsonObject, PostingData, RawRecord, ReadError
from stellwerk.domain.text import nfc

SOURCE = "ba"
FULLTEXT_SOURCE = "ba-volltext"
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
    if isinstance(document, dict) and "stellenangebote" not in document and "refnr" not in document:
        raise UnreadableInput("JSON object has no 'stellenangebote' list (not a BA Jobsuche response)")
    return _records_from_document(document, "")


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
    if isinstance(document, dict) and isinstance(document.get("stellenangebote"), list):
        for index, item in enumerate(document["stellenangebote"]):
            yield _record(item, f"{prefix} stellenangebote[{index}]".strip())
        return
    if isinstance(document, dict) and "stellenangebote" in document:
        yield ReadError(SOURCE, prefix or "stellenangebote", "'stellenangebote' is not a list")
        return
    yield _record(document, prefix or "record")


def _record(item: Any, locator: str, source: str = SOURCE) -> RawRecord | ReadError:
    if not isinstance(item, dict):
        return ReadError(source, locator, f"expected a JSON object, got {type(item).__name__}")
    refnr = _text(item.get("refnr"))
    if refnr is None:
        return ReadError(source, locator, "no 'refnr' (the BA reference number identifies the posting)")
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
    """Map one `stellenangebote` entry of the v4 search API to posting fields."""
    title = _text(item.get("titel")) or _text(item.get("beruf"))
    if title is None:
        raise InvalidRecord("neither 'titel' nor 'beruf' is given")
    place = item.get("arbeitsort") or {}
    if not isinstance(place, dict):
        raise InvalidRecord("'arbeitsort' is not an object")
    coordinates = place.get("koordinaten") or {}
    if not isinstance(coordinates, dict):
        raise InvalidRecord("'arbeitsort.koordinaten' is not an object")
    return PostingData(
        title=title,
        employer=_text(item.get("arbeitgeber")),
        beruf=_text(item.get("beruf")),
        place_name=_text(place.get("ort")),
        district=_text(place.get("ortsteil")),
        postal_code=_postal_code(place.get("plz")),
        region=_text(place.get("region")),
        lat=_coordinate(coordinates.get("lat"), "lat"),
        lon=_coordinate(coordinates.get("lon"), "lon"),
        published=_date(item.get("aktuelleVeroeffentlichungsdatum"), "aktuelleVeroeffentlichungsdatum"),
        modified=_datetime(item.get("modifikationsTimestamp")),
        start_date=_date(item.get("eintrittsdatum"), "eintrittsdatum"),
        external_url=_url(item.get("externeUrl")),
        source_url=JOBDETAIL_URL.format(refnr=refnr),
    )


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


def _coordinate(value: Any, name: str) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InvalidRecord(f"coordinate {name}={text!r} is not a number") from None
    # Postings abroad are kept, but coordinates must at least be on Earth.
    limit = 90.0 if name == "lat" else 180.0
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


def _datetime(value: Any) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRecord(f"modifikationsTimestamp={text!r} is not a timestamp") from None
    # BA timestamps carry no offset; they are German local time.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)


def _url(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not text.startswith(("http://", "https://")):
        return None
    return text
