"""Read job feeds (XML, CSV, JSON Lines) into raw records, and map them to posting fields.

Feeds are untrusted input. The readers take the feed as byte chunks and never raise on its content: whatever
cannot be read becomes a ReadError that says where and why, and reading goes on where it can.

- XML is the common job-board shape `<source><publisher/><job>...</job>...</source>`; a job element is any
  `<job>`, `<position>`, `<vacancy>`, `<jobposting>` or `<stellenangebot>` (any case, any depth, any
  wrapper such as `<jobs>`). It is parsed by defusedxml, streamed: memory holds one job at a time. A DTD
  (so entity expansion, "billion laughs", and external entities) refuses the whole feed. A feed that is not
  well-formed gives the jobs before the fault and one ReadError with the line and column of the fault.
- CSV (RFC 4180; delimiter `,`, `;` or tab, taken from the header line) has a header row naming the fields;
  JSON Lines has one JSON object per line. Both are UTF-8, a byte order mark is allowed. A row or line that
  is not valid UTF-8, not valid CSV/JSON, longer than the limit or holding a NUL character is a ReadError on
  its own and the rest is read. Empty rows and lines are skipped.
- Payload: the job's fields verbatim as a JSON object. XML: element name -> text (CDATA content as given);
  a repeated element gives a list; nested elements are named with dots (`location.city`); attributes with
  `@` (`@id` on the job, `salary@currency` on a field); markup inside `<title>` or `<description>` is kept as
  HTML text. CSV: column -> cell. JSON Lines: the object.
- Limits (`FeedLimits`): one field over `max_field_size` characters or one job over `max_record_size`
  (characters of an XML job, bytes of a CSV row or JSON line) is rejected with the reason. A single XML
  tag, attribute or comment over `max_record_size` bytes, and input beyond `max_input_size` bytes, stop
  reading with a ReadError: memory stays bounded whatever the feed holds.

Fields (docs/feeds.md has the aliases and examples). Names are matched ignoring case, umlauts folded
(ä -> ae), and without spaces, "_" and "-"; each field also has German BA-style and other aliases
(`titel`, `arbeitgeber`, `ort`, `plz`, `refnr`, `id`, `guid`, ...).

- `referencenumber` (else `url`) identifies the job: required, it becomes the external id (a SHA-256 of it
  when longer than 200 characters). `title` is required to make a posting.
- `company`, `description` (HTML allowed), `city`, `district`, `postalcode`, `state`, `country`,
  `latitude`, `longitude`, `url` (http or https), `beruf` (the BA occupation label, if the feed has it).
- Dates `date` (published), `modified`, `startdate`, `expirationdate` (valid through): ISO 8601
  (`2025-09-20`, `2025-09-20T08:00:00+02:00`), German (`20.09.2025`) or RFC 2822
  (`Sat, 20 Sep 2025 08:00:00 GMT`); a moment with an offset is taken as a date in Germany.
- Pay: `salary` as a phrase ("45000-55000 EUR/Jahr", "ab 18,50 € pro Stunde"; a bare amount or range is
  read as euros), and/or `salary_min`, `salary_max` (numbers; 0 means not given), `salary_currency` (EUR or
  CHF, default EUR), `salary_period` (hour, day, week, month, year, or German: Stunde, Monat, Jahr ...).
- Terms: `jobtype` (fulltime, parttime, Vollzeit, Teilzeit, Minijob, temporary, permanent, befristet,
  internship, Praktikum, Ausbildung, Zeitarbeit, ... several separated by `,` `;` `/` or "oder"),
  `remotetype` (remote, fully remote, hybrid, Homeoffice, onsite, or yes/no), `befristung`
  (befristet/unbefristet, 1/2, yes/no), `zeitarbeit` and `pav` (yes/no). Values outside these lists are
  ignored: the posting's text is read for terms as well.

Mapping is strict where a value would otherwise be lost unseen: a date, postal code (German: 5 digits, a
lost leading zero is restored), coordinate, salary amount or salary period that cannot be read rejects the
record with an InvalidRecord naming the field. A postal code of a posting abroad (`country` not Germany) is
not read as a PLZ. A `url` that is not http(s) is left out. Title and short fields are read as one line of
visible text, descriptions as plain text without scripts; HTML escaped twice is unescaped and stripped too.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import hashlib
import json
import math
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import ParseError
from zoneinfo import ZoneInfo

# defusedxml ships no type information; the parser is used through its documented ElementTree interface.
from defusedxml import DefusedXmlException, DTDForbidden  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

from stellwerk.domain.postings import InvalidRecord, JsonObject, PostingData, RawRecord, ReadError
from stellwerk.domain.text import fold, nfc, slugify
from stellwerk.normalize.html import html_to_text

FeedFormat = Literal["xml", "csv", "jsonl"]
Item = RawRecord | ReadError

FEED_PREFIX = "feed:"
MAX_SOURCE = 40  # SourceRecord.source
MAX_EXTERNAL_ID = 200  # SourceRecord.external_id
MAX_URL = 1000  # Posting.external_url
CHUNK_SIZE = 1 << 16
BERLIN = ZoneInfo("Europe/Berlin")
FILE_LOCATOR = "Datei"
MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass(frozen=True, slots=True)
class FeedLimits:
    """Size limits that keep a hostile feed from exhausting memory or time."""

    max_field_size: int = 1_000_000  # characters of one field
    max_record_size: int = 4_000_000  # characters of an XML job; bytes of a CSV row or a JSON line
    max_input_size: int = 4_000_000_000  # bytes of the whole (decompressed) feed


DEFAULT_LIMITS = FeedLimits()


class UnknownFeedFormat(ValueError):
    """The format of a feed file is neither given nor told by its name."""


# Canonical field names and their aliases, space-separated. Lookups fold names (`fold_key`), so case, umlauts,
# spaces, "_" and "-" do not matter; dotted names are nested XML elements, "@" names attributes.
FIELDS: dict[str, str] = {
    "referencenumber": "reference refnr referenznummer id guid jobid requisitionid @id",
    "url": "link joburl externeurl applyurl bewerbungsurl",
    "title": "titel jobtitle stellenbezeichnung stellentitel",
    "company": "employer arbeitgeber companyname hiringorganization unternehmen firma",
    "description": "beschreibung stellenbeschreibung body content",
    "beruf": "",
    "city": "ort arbeitsort location stadt location.city",
    "district": "ortsteil",
    "postalcode": "plz postleitzahl zip zipcode location.postalcode location.zip",
    "state": "region bundesland location.state location.region",
    "country": "land countrycode location.country",
    "latitude": "lat breitengrad location.latitude location.lat",
    "longitude": "lon lng laengengrad location.longitude location.lon location.lng",
    "date": "published datum dateposted pubdate posteddate veroeffentlichungsdatum "
    "aktuelleveroeffentlichungsdatum",
    "modified": "updated lastmodified dateupdated modifikationstimestamp",
    "expirationdate": "validthrough expires expirydate ablaufdatum gueltigbis bewerbungsfrist",
    "startdate": "eintrittsdatum startdatum jobstartdate",
    "salary": "gehalt verguetung salarytext",
    "salary_min": "gehalt_min salary.min salary.minimum salary.minvalue",
    "salary_max": "gehalt_max salary.max salary.maximum salary.maxvalue",
    "salary_currency": "waehrung currency salary.currency salary@currency",
    "salary_period": "gehalt_zeitraum salary.period salary.unit salary@period salary@unit",
    "jobtype": "arbeitszeit employmenttype jobtypes type anstellungsart beschaeftigungsart",
    "remotetype": "remote homeoffice homeofficemoeglich joblocationtype remotework",
    "befristung": "contracttype vertragsart vertragsdauer",
    "zeitarbeit": "tempagency arbeitnehmerueberlassung",
    "pav": "privatearbeitsvermittlung personalvermittlung privateagency",
}
_SUFFIXES: tuple[tuple[str, FeedFormat], ...] = (
    (".xml", "xml"),
    (".csv", "csv"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
)
JOB_ELEMENTS = frozenset({"job", "position", "vacancy", "jobposting", "stellenangebot"})

_KEY_NOISE = re.compile(r"[\s_\-]+")


@functools.lru_cache(maxsize=4096)
def fold_key(name: str) -> str:
    """Fold a field name for matching: lower case, umlauts spelled out, no spaces, "_" or "-"."""
    return _KEY_NOISE.sub("", fold(name))


_LOOKUP = {
    fold_key(name): tuple(fold_key(n) for n in (name, *aliases.split())) for name, aliases in FIELDS.items()
}
_ID_KEYS = _LOOKUP["referencenumber"] + _LOOKUP["url"]
# Fields whose XML content may be markup written as elements (XHTML), kept as HTML text.
_MARKUP_KEYS = frozenset(_LOOKUP["title"] + _LOOKUP["description"])


def feed_source(name: str) -> str:
    """Return a feed's source name ("Klinikum Dortmund" -> "feed:klinikum-dortmund"); raise ValueError."""
    slug = slugify(name.removeprefix(FEED_PREFIX))
    source = FEED_PREFIX + slug
    if not slug or len(source) > MAX_SOURCE:
        raise ValueError(f"Feed-Name {name!r}: 1 bis {MAX_SOURCE - len(FEED_PREFIX)} Zeichen (a-z, 0-9, -)")
    return source


def is_feed_source(source: str) -> bool:
    """Tell whether a source name is one of a feed ("feed:...")."""
    return source.startswith(FEED_PREFIX)


def guess_format(path: Path) -> FeedFormat | None:
    """Return the feed format a file name tells (".xml", ".csv", ".jsonl", ".ndjson", each maybe ".gz")."""
    name = path.name.lower().removesuffix(".gz")
    return next((fmt for suffix, fmt in _SUFFIXES if name.endswith(suffix)), None)


# --- Reading ------------------------------------------------------------------------------------------------


def read_feed(
    path: Path, source: str, fmt: FeedFormat | None = None, limits: FeedLimits = DEFAULT_LIMITS
) -> Iterator[Item]:
    """Yield the records of a feed file, gzipped or not; raise UnknownFeedFormat if the format is unknown."""
    fmt = fmt or guess_format(path)
    if fmt is None:
        raise UnknownFeedFormat(f"{path.name}: Format unbekannt (xml, csv oder jsonl angeben)")
    reader = {"xml": read_xml, "csv": read_csv, "jsonl": read_json_lines}[fmt]
    return reader(_file_chunks(path), source, limits)


def read_xml(chunks: Iterable[bytes], source: str, limits: FeedLimits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Yield the jobs of an XML feed given as byte chunks; never raise on its content, yield ReadErrors."""
    _check_source(source)
    return _guarded(_xml_items(_bounded(chunks, limits.max_input_size), source, limits), source)


def read_csv(chunks: Iterable[bytes], source: str, limits: FeedLimits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Yield the rows of a CSV feed given as byte chunks; never raise on its content, yield ReadErrors."""
    _check_source(source)
    # The csv module's field limit is process-wide; it is only ever raised, to what a row may hold here.
    if csv.field_size_limit() < limits.max_record_size:
        csv.field_size_limit(limits.max_record_size)
    lines = _lines(_bounded(chunks, limits.max_input_size), limits.max_record_size)
    return _guarded(_csv_items(_csv_rows(lines, limits.max_record_size), source, limits), source)


def read_json_lines(
    chunks: Iterable[bytes], source: str, limits: FeedLimits = DEFAULT_LIMITS
) -> Iterator[Item]:
    """Yield the lines of a JSON Lines feed given as byte chunks; never raise on the content."""
    _check_source(source)
    lines = _lines(_bounded(chunks, limits.max_input_size), limits.max_record_size)
    return _guarded(_json_line_items(lines, source, limits), source)


class _InputTooLarge(Exception):
    """The input exceeds the configured size."""


def _check_source(source: str) -> None:
    if not is_feed_source(source) or len(source) > MAX_SOURCE or source == FEED_PREFIX:
        raise ValueError(f"source {source!r} is not a feed source name (see feed_source)")


def _file_chunks(path: Path) -> Iterator[bytes]:
    with gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


def _bounded(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """Pass chunks on in pieces of CHUNK_SIZE, so that no huge chunk is parsed in one go; stop at limit."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _InputTooLarge(f"Feed ist größer als {_number(limit)} Bytes; Lesen abgebrochen")
        for start in range(0, len(chunk), CHUNK_SIZE):
            yield chunk[start : start + CHUNK_SIZE]


def _guarded(items: Iterator[Item], source: str) -> Iterator[Item]:
    """Turn failures of the input itself (size, unreadable or corrupt file) into a final ReadError."""
    try:
        yield from items
    except _InputTooLarge as exc:
        yield ReadError(source, FILE_LOCATOR, str(exc))
    except (OSError, EOFError, zlib.error) as exc:
        yield ReadError(source, FILE_LOCATOR, f"Datei nicht lesbar: {getattr(exc, 'strerror', None) or exc}")


def _record(payload: JsonObject, source: str, locator: str) -> Item:
    external_id = _external_id(payload)
    if external_id is None:
        return ReadError(source, locator, "weder Referenznummer noch URL: die Stelle ist nicht zu erkennen")
    return RawRecord(source=source, external_id=external_id, payload=payload, locator=locator)


def _external_id(payload: JsonObject) -> str | None:
    folded = _folded(payload)
    text = next((t for key in _ID_KEYS if (t := _text(folded.get(key))) is not None), None)
    if text is None:
        return None
    if len(text) > MAX_EXTERNAL_ID:
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text


# --- XML ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _OpenField:
    """An element inside a job whose text is being read."""

    key: str
    markup: bool
    pieces: list[str] = field(default_factory=list)
    size: int = 0
    has_children: bool = False


class _JobBuilder:
    """Collect one job element's fields, within the size limits."""

    def __init__(self, attrib: dict[str, str], limits: FeedLimits, locator: str) -> None:
        self.limits = limits
        self.locator = locator
        self.fields: JsonObject = {}
        self.open: list[_OpenField] = []
        self.markup_depth = 0
        self.size = 0
        self.problem: str | None = None
        self._attributes("", attrib)

    def start(self, name: str, attrib: dict[str, str]) -> None:
        top = self.open[-1] if self.open else None
        if top is not None and top.markup:
            self._markup_start(top, name, attrib)
            return
        if top is not None:
            top.has_children = True
        key = f"{top.key}.{name}" if top else name
        self.open.append(_OpenField(key, markup=top is None and fold_key(name) in _MARKUP_KEYS))
        self._grow(len(key))
        self._attributes(key, attrib)

    def end(self, name: str) -> bool:
        """Close an element; return True when it is the job element itself."""
        if not self.open:
            return True
        top = self.open[-1]
        if self.markup_depth:
            self.markup_depth -= 1
            self._append(top, f"</{name}>")
            return False
        self.open.pop()
        text = "".join(top.pieces)
        # A wrapper such as <location> holds only indentation between its children.
        if top.markup or not top.has_children or text.strip():
            self._put(top.key, text)
        return False

    def data(self, text: str) -> None:
        if self.open:
            top = self.open[-1]
            self._append(top, escape(text, quote=False) if top.markup and top.has_children else text)

    def finish(self, source: str) -> Item:
        if self.problem is not None:
            return ReadError(source, self.locator, f"{self.problem}; Stelle übersprungen")
        return _record(self.fields, source, self.locator)

    def _markup_start(self, top: _OpenField, name: str, attrib: dict[str, str]) -> None:
        if not top.has_children:
            # The text so far is text of an XHTML fragment from now on: escape it like the rest.
            top.pieces = [escape(piece, quote=False) for piece in top.pieces]
            top.has_children = True
        self.markup_depth += 1
        attributes = "".join(f' {_local_name(k)}="{escape(v)}"' for k, v in attrib.items())
        self._append(top, f"<{name}{attributes}>")

    def _attributes(self, key: str, attrib: dict[str, str]) -> None:
        for name, value in attrib.items():
            attribute = f"{key}@{_local_name(name)}"
            self._grow(len(attribute) + len(value))
            self._put(attribute, value)

    def _append(self, top: _OpenField, text: str) -> None:
        if self.problem is not None:
            return
        top.size += len(text)
        if top.size > self.limits.max_field_size:
            self._reject(f"Feld <{top.key}> ist länger als {_number(self.limits.max_field_size)} Zeichen")
            return
        self._grow(len(text))
        if self.problem is None:
            top.pieces.append(text)

    def _grow(self, size: int) -> None:
        self.size += size
        if self.problem is None and self.size > self.limits.max_record_size:
            self._reject(f"Stelle ist größer als {_number(self.limits.max_record_size)} Zeichen")

    def _reject(self, reason: str) -> None:
        self.problem = reason
        self.fields = {}
        for open_field in self.open:
            open_field.pieces = []

    def _put(self, key: str, value: str) -> None:
        if self.problem is not None:
            return
        seen = self.fields.get(key)
        if seen is None:
            self.fields[key] = value
        elif isinstance(seen, list):
            seen.append(value)
        else:
            self.fields[key] = [seen, value]


class _JobCollector:
    """Parser target: find the job elements at any depth and hand each finished job on."""

    def __init__(self, source: str, limits: FeedLimits) -> None:
        self.source = source
        self.limits = limits
        self.ready: list[Item] = []
        self.job: _JobBuilder | None = None
        self.jobs = 0
        self.root: str | None = None
        self.line: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _local_name(tag)
        if self.job is not None:
            self.job.start(name, attrib)
            return
        self.root = self.root or name
        if name.lower() in JOB_ELEMENTS:
            self.jobs += 1
            self.job = _JobBuilder(attrib, self.limits, f"<{name}> Nr. {self.jobs} (Zeile {self.line()})")

    def end(self, tag: str) -> None:
        if self.job is not None and self.job.end(_local_name(tag)):
            self.ready.append(self.job.finish(self.source))
            self.job = None

    def data(self, text: str) -> None:
        if self.job is not None:
            self.job.data(text)

    def drain(self) -> list[Item]:
        items, self.ready = self.ready, []
        return items


def _local_name(tag: str) -> str:
    """Return an element or attribute name without its namespace ("{uri}job" -> "job")."""
    return tag.rsplit("}", 1)[-1]


def _xml_items(chunks: Iterator[bytes], source: str, limits: FeedLimits) -> Iterator[Item]:
    collector = _JobCollector(source, limits)
    parser = DefusedXMLParser(target=collector, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    collector.line = lambda: int(parser.parser.CurrentLineNumber)
    fed = 0
    try:
        for chunk in chunks:
            parser.feed(chunk)
            fed += len(chunk)
            yield from collector.drain()
            # Expat holds a tag, an attribute or a comment in full until it ends: the bytes fed since the last
            # parse event are what it holds, and they must stay within the limit of a job.
            if fed - parser.parser.CurrentByteIndex > limits.max_record_size:
                yield _token_too_large(source, collector, limits)
                return
        parser.close()
    except ParseError as exc:
        yield from collector.drain()
        yield _not_well_formed(source, exc, collector)
        return
    except DefusedXmlException as exc:
        yield ReadError(source, f"Zeile {collector.line()}", _refusal(exc))
        return
    except (LookupError, ValueError) as exc:
        # Raised by expat for an encoding it cannot use ("unknown encoding: x-foo").
        yield ReadError(source, FILE_LOCATOR, f"Zeichenkodierung des Feeds nicht lesbar: {exc}")
        return
    yield from collector.drain()
    if not collector.jobs:
        yield ReadError(
            source,
            FILE_LOCATOR,
            f"keine Stellen gefunden: Wurzelelement <{_shown(collector.root or '')}>, erwartet "
            + ", ".join(f"<{name}>" for name in sorted(JOB_ELEMENTS)),
        )


def _token_too_large(source: str, collector: _JobCollector, limits: FeedLimits) -> ReadError:
    size = _number(limits.max_record_size)
    reason = f"ein Tag, Attribut oder Kommentar ist größer als {size} Bytes; Lesen abgebrochen"
    return ReadError(source, f"Zeile {collector.line()}", reason)


def _not_well_formed(source: str, exc: ParseError, collector: _JobCollector) -> ReadError:
    line = getattr(exc, "position", (0, 0))[0]
    complete = collector.jobs - 1 if collector.job is not None else collector.jobs
    reason = f"kein wohlgeformtes XML ({exc}); {complete} Stelle(n) davor gelesen"
    if collector.job is not None:
        reason += f", die begonnene {collector.job.locator} ist unvollständig"
    return ReadError(source, f"Zeile {line}", reason)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DTDForbidden):
        what = f"eine Dokumenttypdefinition (<!DOCTYPE {_shown(str(exc.name))}>)"
    else:
        what = f"eine Entity ({type(exc).__name__})"
    return (
        f"Feed abgelehnt: er enthält {what}. DTDs und Entities werden aus Feeds nicht gelesen, "
        "weil sie Entity-Expansion („Billion Laughs“) und das Nachladen externer Dateien erlauben"
    )


# --- Lines: CSV and JSON Lines ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One physical line of input; `data` is None when the line was longer than the limit."""

    number: int
    data: bytes | None
    quotes: int


def _lines(chunks: Iterable[bytes], limit: int) -> Iterator[_Line]:
    """Split byte chunks into lines, holding at most `limit` bytes of one line in memory."""
    buffer = bytearray()
    number, quotes, too_long = 1, 0, False
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start : end + 1]
            quotes += piece.count(b'"')
            if too_long or len(buffer) + len(piece) > limit:
                too_long = True
                buffer.clear()
            else:
                buffer += piece
            if end < 0:
                break
            yield _Line(number, None if too_long else bytes(buffer), quotes)
            buffer.clear()
            number, quotes, too_long, start = number + 1, 0, False, end + 1
    if buffer or too_long:
        yield _Line(number, None if too_long else bytes(buffer), quotes)


def _decode(data: bytes, first_line: int, source: str) -> str | ReadError:
    """Decode UTF-8, or return a ReadError that names the line and the byte of the fault."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        reason = f"kein gültiges UTF-8 (Byte 0x{data[exc.start]:02x} an Stelle {column})"
        return ReadError(source, f"Zeile {line}", reason)


def _strip_bom(data: bytes, number: int) -> bytes:
    return data[len(codecs.BOM_UTF8) :] if number == 1 and data.startswith(codecs.BOM_UTF8) else data


def _too_long(source: str, number: int, limit: int) -> ReadError:
    return ReadError(source, f"Zeile {number}", f"länger als {_number(limit)} Bytes; übersprungen")


_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def _payload_problem(payload: JsonObject, limits: FeedLimits) -> str | None:
    """Return why a decoded payload cannot be stored (NUL, lone surrogates, oversized field), or None."""
    pending: list[Any] = [payload]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if len(value) > limits.max_field_size:
                return f"ein Feld ist länger als {_number(limits.max_field_size)} Zeichen"
            bad = _BAD_CHARACTERS.search(value)
            if bad is not None:
                return f"unzulässiges Zeichen U+{ord(bad.group()):04X} in einem Feld"
    return None


# --- CSV ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One CSV record as bytes, which may span lines; `problem` says why it cannot be read."""

    line: int
    data: bytes
    problem: str | None = None


def _csv_rows(lines: Iterable[_Line], limit: int) -> Iterator[_Row]:
    """Join lines into CSV records: a record ends at a line end outside quotes (an even count of '"')."""
    parts: list[bytes] = []
    first, size, quotes, too_long = 0, 0, 0, False
    for line in lines:
        if not first:
            first = line.number
        quotes += line.quotes
        if line.data is None or too_long or size + len(line.data) > limit:
            too_long, parts = True, []
        else:
            parts.append(line.data)
            size += len(line.data)
        if quotes % 2 == 0:
            yield _Row(first, b"".join(parts), f"länger als {_number(limit)} Bytes" if too_long else None)
            parts, first, size, quotes, too_long = [], 0, 0, 0, False
    if first:
        yield _Row(first, b"", "Anführungszeichen bis zum Dateiende nicht geschlossen")


def _csv_items(rows: Iterator[_Row], source: str, limits: FeedLimits) -> Iterator[Item]:
    header: list[str] | None = None
    delimiter = ","
    for row in rows:
        if header is None:
            # The header's own line tells the delimiter: German spreadsheets write ";".
            delimiter = _delimiter(row.data)
        cells = _csv_cells(row, source, delimiter)
        if isinstance(cells, ReadError):
            yield cells
            if header is None:
                return  # without the header no row can be read
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header_or_error = _csv_header(cells, source, row.line)
            if isinstance(header_or_error, ReadError):
                yield header_or_error
                return
            header = header_or_error
            continue
        yield _csv_record(header, cells, source, row.line, limits)
    if header is None:
        yield ReadError(source, FILE_LOCATOR, "CSV ist leer: keine Kopfzeile")


def _csv_cells(row: _Row, source: str, delimiter: str) -> list[str] | ReadError:
    if row.problem is not None:
        return ReadError(source, f"Zeile {row.line}", row.problem)
    text = _decode(_strip_bom(row.data, row.line), row.line, source)
    if isinstance(text, ReadError):
        return text
    try:
        records = list(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        return ReadError(source, f"Zeile {row.line}", f"kein gültiges CSV: {exc}")
    if len(records) > 1:
        return ReadError(source, f"Zeile {row.line}", "kein gültiges CSV: Anführungszeichen nicht paarig")
    return records[0] if records else []


def _delimiter(header: bytes) -> str:
    counts = {delimiter: header.count(delimiter.encode()) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _csv_header(cells: list[str], source: str, line: int) -> list[str] | ReadError:
    names = [nfc(cell) for cell in cells]
    folded = [fold_key(name) for name in names if name]
    duplicates = sorted({name for name in folded if folded.count(name) > 1})
    if duplicates:
        return ReadError(
            source, f"Zeile {line}", f"Spalten doppelt in der Kopfzeile: {', '.join(duplicates)}"
        )
    if not set(folded) & set(_ID_KEYS):
        shown = _shown(", ".join(names), 120)
        return ReadError(
            source, f"Zeile {line}", f"keine Spalte referencenumber oder url (oder ein Alias) in: {shown}"
        )
    return names


def _csv_record(header: list[str], cells: list[str], source: str, line: int, limits: FeedLimits) -> Item:
    locator = f"Zeile {line}"
    if len(cells) != len(header):
        return ReadError(source, locator, f"{len(cells)} Felder, die Kopfzeile hat {len(header)}")
    payload: JsonObject = {name: cell for name, cell in zip(header, cells, strict=True) if name}
    problem = _payload_problem(payload, limits)
    if problem is not None:
        return ReadError(source, locator, problem)
    return _record(payload, source, locator)


# --- JSON Lines ---------------------------------------------------------------------------------------------


def _json_line_items(lines: Iterator[_Line], source: str, limits: FeedLimits) -> Iterator[Item]:
    read = 0
    for line in lines:
        if line.data is None:
            read += 1
            yield _too_long(source, line.number, limits.max_record_size)
            continue
        data = _strip_bom(line.data, line.number)
        if not data.strip():
            continue
        read += 1
        yield _json_line(data, line.number, source, limits)
    if not read:
        yield ReadError(source, FILE_LOCATOR, "JSON-Lines-Feed ist leer")


def _json_line(data: bytes, number: int, source: str, limits: FeedLimits) -> Item:
    locator = f"Zeile {number}"
    text = _decode(data, number, source)
    if isinstance(text, ReadError):
        return text
    try:
        document = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        return ReadError(source, locator, f"kein gültiges JSON: {exc.msg} (Spalte {exc.colno})")
    except (ValueError, RecursionError) as exc:
        # Non-finite numbers, integers beyond Python's digit limit, nesting deeper than the parser allows.
        return ReadError(source, locator, f"kein gültiges JSON: {_shown(str(exc) or type(exc).__name__, 80)}")
    if not isinstance(document, dict):
        return ReadError(source, locator, f"erwartet ein JSON-Objekt, nicht {type(document).__name__}")
    problem = _payload_problem(document, limits)
    if problem is not None:
        return ReadError(source, locator, problem)
    return _record(document, source, locator)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} ist keine Zahl")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{_shown(text, 20)} ist keine endliche Zahl")
    return number


# --- Mapping ------------------------------------------------------------------------------------------------

_MISSING = {"", "null", "none", "nan", "n/a", "unknown"}
_ESCAPED_MARKUP = re.compile(r"<[a-zA-Z/!]")
_PLZ = re.compile(r"(?:DE?[-\s]?)?([0-9]{4,5})(?:\.0)?", re.IGNORECASE)
_PLZ_CITY = re.compile(r"([0-9]{5})\s+(\D.*)")
_DECIMAL = re.compile(r"[-+]?[0-9]+(?:[.,][0-9]+)?")
_GERMAN_DATE = re.compile(
    r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?:,?\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
)
_GERMANY = {"d", "de", "deu", "deutschland", "germany", "bundesrepublikdeutschland"}


def map_record(record: RawRecord) -> PostingData:
    """Map a feed record to posting fields; raise InvalidRecord with the reason."""
    fields = _Fields(record.payload)
    title = fields.line("title") or fields.line("beruf")
    if not title:
        raise InvalidRecord("kein Titel (title, titel, jobtitle ...)")
    place = _place(fields)
    return PostingData(
        title=title,
        employer=fields.line("company"),
        beruf=fields.line("beruf"),
        place_name=place.city,
        district=fields.line("district"),
        postal_code=place.postal_code,
        region=fields.line("state"),
        lat=_coordinate(fields, "latitude", 90.0),
        lon=_coordinate(fields, "longitude", 180.0),
        published=_day(fields, "date"),
        modified=_moment(fields, "modified"),
        start_date=_day(fields, "startdate"),
        valid_through=_day(fields, "expirationdate"),
        external_url=_url(fields.text("url")),
        description=_visible_text(fields.text("description") or ""),
        terms=_terms(fields),
        salary_text=_salary_text(fields),
    )


def _folded(payload: JsonObject) -> dict[str, Any]:
    folded: dict[str, Any] = {}
    for key, value in payload.items():
        folded.setdefault(fold_key(key), value)
    return folded


class _Fields:
    """A payload read by canonical field name, whichever alias, case or spelling the feed used."""

    def __init__(self, payload: JsonObject) -> None:
        self._folded = _folded(payload)

    def raw(self, name: str) -> Any:
        """Return the first present value of a field or its aliases."""
        for key in _LOOKUP[fold_key(name)]:
            value = self._folded.get(key)
            if isinstance(value, bool) or _text(value) is not None:
                return value
        return None

    def text(self, name: str) -> str | None:
        return _text(self.raw(name))

    def line(self, name: str) -> str | None:
        """Return a field as one line of visible text (no tags, no scripts), or None."""
        text = self.text(name)
        if text is None:
            return None
        return " ".join(_visible_text(text).split()) or None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        return next((text for item in value if (text := _text(item)) is not None), None)
    if value is None or isinstance(value, bool | dict):
        return None
    text = nfc(str(value))
    return None if text.lower() in _MISSING else text


def _visible_text(raw: str) -> str:
    """Return the text a reader sees; markup escaped once or twice more ("&lt;p&gt;") is stripped too."""
    text = html_to_text(raw)
    for _ in range(2):
        if not _ESCAPED_MARKUP.search(text):
            break
        text = html_to_text(text)
    return text


def _shown(text: str, width: int = 40) -> str:
    """Cut a value quoted in a reason, so that a huge field does not make a huge message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True, slots=True)
class _Place:
    city: str | None
    postal_code: str | None


def _place(fields: _Fields) -> _Place:
    city = fields.line("city")
    country = fields.line("country")
    if country is not None and fold_key(country) not in _GERMANY:
        return _Place(city, None)  # a foreign postal code is no German PLZ
    text = fields.line("postalcode")
    if text is None:
        match = _PLZ_CITY.fullmatch(city or "")
        return _Place(match.group(2), match.group(1)) if match else _Place(city, None)
    plz = _PLZ.fullmatch(text)
    if plz is None:
        raise InvalidRecord(f"postalcode={_shown(text)!r} ist keine deutsche Postleitzahl")
    # Spreadsheets drop the leading zero of eastern German codes ("1067" for 01067 Dresden).
    return _Place(city, plz.group(1).zfill(5))


def _coordinate(fields: _Fields, name: str, limit: float) -> float | None:
    text = fields.text(name)
    if text is None:
        return None
    if not _DECIMAL.fullmatch(text):
        raise InvalidRecord(f"{name}={_shown(text)!r} ist keine Zahl")
    number = float(text.replace(",", "."))
    if not -limit <= number <= limit:
        raise InvalidRecord(f"{name}={number} liegt außerhalb von ±{limit:g}")
    return number


def _moment(fields: _Fields, name: str) -> datetime | None:
    """Return a field's moment, timezone-aware (German time where the feed gives no offset)."""
    parsed = _parse_moment(fields, name)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)


def _day(fields: _Fields, name: str) -> date | None:
    """Return a field's date; a moment with an offset is the date it is in Germany then."""
    parsed = _parse_moment(fields, name)
    if parsed is None:
        return None
    return parsed.astimezone(BERLIN).date() if parsed.tzinfo else parsed.date()


def _parse_moment(fields: _Fields, name: str) -> datetime | None:
    text = fields.text(name)
    if text is None:
        return None
    parsed = _iso_moment(text) or _german_moment(text) or _rfc2822_moment(text)
    if parsed is None:
        raise InvalidRecord(
            f"{name}={_shown(text)!r} ist kein Datum (JJJJ-MM-TT, TT.MM.JJJJ oder RFC 2822 erwartet)"
        )
    # Year 1 or 9999 is a placeholder, not a date; keeping clear of them also keeps time zone arithmetic safe.
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InvalidRecord(f"{name}={_shown(text)!r} liegt nicht zwischen {MIN_YEAR} und {MAX_YEAR}")
    return parsed


def _iso_moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _german_moment(text: str) -> datetime | None:
    match = _GERMAN_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _rfc2822_moment(text: str) -> datetime | None:
    # The e-mail date parser is lenient: only text with a month name and a year is given to it.
    if not re.search(r"[A-Za-z]{3}", text) or not re.search(r"\b[0-9]{4}\b", text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _url(text: str | None) -> str | None:
    if text is None or len(text) > MAX_URL or any(char.isspace() for char in text):
        return None
    return text if text.lower().startswith(("http://", "https://")) else None


# --- Terms --------------------------------------------------------------------------------------------------

# Folded words of the feeds' vocabularies -> structured terms, named as normalize/terms.py reads them.
_TERM_GROUPS: tuple[tuple[str, JsonObject], ...] = (
    ("vollzeit voll fulltime full vz", {"arbeitszeit": "vz"}),
    ("teilzeit teil parttime part tz", {"arbeitszeit": "tz"}),
    ("minijob mini geringfuegig mj", {"arbeitszeit": "mj"}),
    ("schicht schichtarbeit nachtarbeit wochenende schichtnachtarbeitwochenende snw", {"arbeitszeit": "snw"}),
    ("befristet temporary fixedterm zeitvertrag", {"befristung": "BEFRISTET"}),
    ("unbefristet permanent festanstellung", {"befristung": "UNBEFRISTET"}),
    ("praktikum internship intern", {"employmentType": "INTERN"}),
    ("ausbildung apprenticeship", {"angebotsart": "AUSBILDUNG"}),
    ("zeitarbeit arbeitnehmerueberlassung leiharbeit", {"zeitarbeit": True}),
    (
        "remote fullyremote fullremote 100remote 100homeoffice telecommute",
        {"homeofficemoeglich": True, "jobLocationType": "TELECOMMUTE"},
    ),
    (
        "hybrid hybridremote partiallyremote temporarilyremote homeoffice homeofficemoeglich mobilesarbeiten "
        "heimtelearbeit ho",
        {"homeofficemoeglich": True},
    ),
    ("onsite vorort inperson noremote keinhomeoffice homeofficenichtmoeglich", {"homeofficemoeglich": False}),
)
_TERM_WORDS = {word: setting for words, setting in _TERM_GROUPS for word in words.split()}
_FLAGS = {
    "true": True,
    "ja": True,
    "yes": True,
    "1": True,
    "false": False,
    "nein": False,
    "no": False,
    "0": False,
}
_WORD_SPLIT = re.compile(r"[,;/|+&]|\s(?:oder|und|or|and|bzw\.?)\s", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _terms(fields: _Fields) -> JsonObject | None:
    terms: JsonObject = {}
    _apply_words(terms, fields.raw("jobtype"))
    remote = _flag(fields.raw("remotetype"))
    if remote is None:
        _apply_words(terms, fields.raw("remotetype"))
    else:
        terms["homeofficemoeglich"] = remote
    fixed_term = fields.text("befristung")
    if fixed_term == "2":  # the BA code for unbefristet
        terms["befristung"] = "UNBEFRISTET"
    elif (flag := _flag(fixed_term)) is not None:
        terms["befristung"] = "BEFRISTET" if flag else "UNBEFRISTET"
    else:
        _apply_words(terms, fixed_term)
    for name in ("zeitarbeit", "pav"):
        if (flag := _flag(fields.raw(name))) is not None:
            terms[name] = flag
    return terms or None


def _apply_words(terms: JsonObject, value: Any) -> None:
    for word in _words(value):
        for key, setting in _TERM_WORDS.get(word, {}).items():
            if key == "arbeitszeit":
                codes = terms.setdefault("arbeitszeit", [])
                if setting not in codes:
                    codes.append(setting)
            else:
                terms[key] = setting


def _words(value: Any) -> list[str]:
    """Return the folded words of a term value: "Voll- oder Teilzeit" -> ["voll", "teilzeit"]."""
    if isinstance(value, list):
        return [word for item in value for word in _words(item)]
    text = _text(value)
    if text is None:
        return []
    parts = _WORD_SPLIT.split(_PARENTHESES.sub("", text))
    return [word for part in parts if (word := _NOT_ALNUM.sub("", fold(part)))]


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    return _FLAGS.get(text.lower()) if text is not None else None


# --- Salary -------------------------------------------------------------------------------------------------

_CURRENCIES = {"EUR": "EUR", "€": "EUR", "EURO": "EUR", "CHF": "CHF"}
_PERIODS = {
    "pro Stunde": ("hour", "hourly", "stunde", "std", "stuendlich", "h"),
    "pro Tag": ("day", "daily", "tag", "taeglich"),
    "pro Woche": ("week", "weekly", "woche", "woechentlich"),
    "pro Monat": ("month", "monthly", "monat", "monatlich"),
    "pro Jahr": ("year", "yearly", "annual", "annually", "jahr", "jaehrlich", "pa"),
}
_PERIOD_WORDS = {word: phrase for phrase, words in _PERIODS.items() for word in words}
_HAS_CURRENCY = re.compile(
    r"€|\$|£|\b(?:eur|euro|chf|usd|gbp)\b|[0-9]\s*(?:k|tsd|t€)(?:\b|\s|$)", re.IGNORECASE
)
_AMOUNT = r"[0-9](?:[0-9.,' ]*[0-9])?(?:,-)?"
_BARE_AMOUNT = re.compile(
    rf"((?:(?:ab|von|bis(?: zu)?|zwischen|mindestens|maximal|max\.|min\.|ca\.|circa|etwa|rund)\s+)?"
    rf"{_AMOUNT}(?:\s*(?:-|–|bis|und)\s*{_AMOUNT})?)(\D*)",
    re.IGNORECASE,
)


def _salary_text(fields: _Fields) -> str | None:
    """Write the pay fields as the German phrase that normalize/salary.py reads."""
    phrases = [_salary_range(fields), _salary_phrase(fields.line("salary"))]
    return "; ".join(phrase for phrase in phrases if phrase) or None


def _salary_phrase(text: str | None) -> str | None:
    if text is None:
        return None
    match = _BARE_AMOUNT.fullmatch(text)
    if match is not None and not _HAS_CURRENCY.search(text):
        # A salary field is money: a bare amount or range there is in euros.
        text = f"{match.group(1)} €{match.group(2)}"
    # The pay word tells the parser that a single amount is a salary, not a bonus or a budget.
    return f"Gehalt: {text}"


def _salary_range(fields: _Fields) -> str | None:
    low, high = _amount(fields, "salary_min"), _amount(fields, "salary_max")
    if low is None and high is None:
        return None
    currency = _CURRENCIES.get((fields.line("salary_currency") or "EUR").upper())
    if currency is None:
        return None  # the salary parser reads no other currency; the amounts stay in the payload
    if low is not None and high is not None and low > high:
        low, high = high, low
    return f"Gehalt: {_bounds(low, high)} {currency}{_period(fields)}"


def _amount(fields: _Fields, name: str) -> Decimal | None:
    text = fields.text(name)
    if text is None:
        return None
    amount = _money(text)
    if amount is None:
        raise InvalidRecord(f"{name}={_shown(text)!r} ist kein Betrag")
    return amount or None


def _money(text: str) -> Decimal | None:
    """Return an amount written as "3500", "3500.50", "3.500", "3.500,50" or "3,500.50", or None."""
    text = re.sub(r"[\s'€]", "", text)
    if not re.fullmatch(r"[0-9][0-9.,]*", text):
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif re.search(r"[.,][0-9]{3}$", text):
        decimal_mark = ""  # one separator before three digits groups thousands
    else:
        decimal_mark = "," if "," in text else "."
    for mark in {",", "."} - {decimal_mark}:
        text = text.replace(mark, "")
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount < 10**9 else None


def _period(fields: _Fields) -> str:
    text = fields.line("salary_period")
    if text is None:
        return ""
    word = _NOT_ALNUM.sub("", fold(text))
    phrase = _PERIOD_WORDS.get(word) or _PERIOD_WORDS.get(word.removeprefix("per").removeprefix("pro"))
    if phrase is None:
        raise InvalidRecord(f"salary_period={_shown(text)!r} ist keiner von hour, day, week, month, year")
    return f" {phrase}"


def _bounds(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return _german_amount(low) if low == high else f"{_german_amount(low)} bis {_german_amount(high)}"
    if low is not None:
        return f"ab {_german_amount(low)}"
    assert high is not None
    return f"bis zu {_german_amount(high)}"


def _german_amount(amount: Decimal) -> str:
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    euros, fraction = divmod(cents, 1)
    grouped = _number(int(euros))
    return grouped if fraction == 0 else f"{grouped},{int(fraction * 100):02d}"
