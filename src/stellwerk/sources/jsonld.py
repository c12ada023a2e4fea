"""Read schema.org JobPosting data from web pages (JSON-LD and microdata) and map it to posting fields.

Decisions, each covered by a test in tests/sources/test_jsonld.py:

- Every `<script type="application/ld+json">` block is read on its own: a broken block becomes a ReadError and
  the others are still read. A JobPosting is found anywhere in a block: a single object, an array, `@graph`,
  or nested in another object (a WebPage's `mainEntity`). `@type` may be a string or a list, bare
  ("JobPosting"), prefixed ("schema:JobPosting") or a schema.org IRI over http or https.
- Microdata items with a schema.org JobPosting `itemtype` are read into the same JSON shape as JSON-LD. A
  microdata posting whose title equals a JSON-LD posting's on the same page is the same posting written twice
  (sites often do) and is dropped.
- The external id is the site host with the posting's `identifier` (a PropertyValue or a plain value), else
  the page URL, with the posting's position when a page holds several. Ids longer than the database allows
  are replaced by a SHA-256 of themselves. The same identifier twice on a page is a ReadError.
- The payload keeps the JobPosting object verbatim, with the page URL and the syntax it came in.
- Mapping is lenient for optional fields, as employer sites fill them loosely: a date, coordinate or postal
  code that cannot be read is left out rather than rejecting the posting. Only a missing title rejects it.
- All text goes through the HTML helpers: titles to one line, descriptions to plain text without scripts;
  a description escaped twice ("&lt;p&gt;") is unescaped and stripped again.
- Several job locations: the first is the posting's place; the others are named at the end of the description
  ("Weitere Arbeitsorte: ..."), so that they stay visible and searchable.
- `baseSalary` is written as a German phrase that `parse_salary` reads ("Gehalt: 3.500 – 4.200 EUR pro
  Monat"). Only EUR and CHF are written, as the salary parser knows no other currency; days and weeks are
  written too, though the parser skips them (see normalize/salary.py).
- `directApply: true` says the posting's own URL takes applications, so it becomes the external URL too.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html import escape
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from zoneinfo import ZoneInfo

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from stellwerk.domain.postings import InvalidRecord, JsonObject, PostingData, RawRecord, ReadError
from stellwerk.domain.text import nfc
from stellwerk.normalize.html import html_to_line, html_to_text

SOURCE = "jsonld"
JSON_LD = "json-ld"
MICRODATA = "microdata"
MAX_EXTERNAL_ID = 200
BERLIN = ZoneInfo("Europe/Berlin")

_SCHEMA_PREFIX = re.compile(r"^(?:https?://(?:www\.)?schema\.org/|schema:)", re.IGNORECASE)
# Inline data is still wrapped in comment or CDATA markers by some CMSs, a habit from XHTML days.
_WRAPPERS = (("<!--", "-->"), ("/*<![CDATA[*/", "/*]]>*/"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>"))
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_PLZ_ORT = re.compile(r"\b(\d{5})\s+([^,\d][^,]*)")
_GERMANY = {"DE", "DEU", "DEUTSCHLAND", "GERMANY"}
_URL_TAGS = {"a": "href", "area": "href", "link": "href", "img": "src", "audio": "src", "video": "src"}
_URL_TAGS |= {"source": "src", "embed": "src", "iframe": "src", "track": "src", "object": "data"}
_UNITS = {
    "HOUR": "pro Stunde",
    "DAY": "pro Tag",
    "WEEK": "pro Woche",
    "MONTH": "pro Monat",
    "YEAR": "pro Jahr",
}
# Spellings seen besides the schema.org ones, and the UN/CEFACT codes of `unitCode`.
_UNIT_ALIASES = {
    "HOURLY": "HOUR",
    "HUR": "HOUR",
    "DAILY": "DAY",
    "WEEKLY": "WEEK",
    "WEE": "WEEK",
    "MONTHLY": "MONTH",
    "MON": "MONTH",
    "YEARLY": "YEAR",
    "ANNUAL": "YEAR",
    "ANNUALLY": "YEAR",
    "ANN": "YEAR",
}
_CURRENCIES = {"EUR", "CHF"}


@dataclass(frozen=True, slots=True)
class _Found:
    """A JobPosting object found on a page, with where and how it was written."""

    posting: JsonObject
    locator: str
    syntax: str


# --- Extraction ---------------------------------------------------------------------------------------------


def extract_job_postings(html: str, url: str) -> list[RawRecord | ReadError]:
    """Return every JobPosting of a page (JSON-LD and microdata) as records, and the blocks that failed."""
    document = _parse_html(html)
    if document is None:
        return []
    items: list[_Found | ReadError] = list(_json_ld_postings(document, url))
    titles = {_title_key(item.posting) for item in items if isinstance(item, _Found)}
    for index, element in enumerate(_microdata_elements(document)):
        posting = _microdata_item(element, url)
        if not _title_key(posting) or _title_key(posting) not in titles:
            items.append(_Found(posting, f"{url} microdata[{index}]", MICRODATA))
    return _records(items, url)


def _parse_html(html: str) -> Any:
    if not html.strip():
        return None
    # Bytes with a fixed encoding: lxml refuses a str that carries an XML encoding declaration.
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError:
        return None


def _json_ld_postings(document: Any, url: str) -> list[_Found | ReadError]:
    items: list[_Found | ReadError] = []
    scripts = [s for s in document.xpath("//script[@type]") if _is_json_ld(s.get("type"))]
    for index, script in enumerate(scripts):
        locator = f"{url} script[{index}]"
        try:
            data = _load_json(script.text or "")
        except ValueError as exc:
            items.append(ReadError(SOURCE, locator, f"invalid JSON-LD: {exc}"))
            continue
        postings = _find_postings(data)
        for number, posting in enumerate(postings):
            where = f"{locator} posting[{number}]" if len(postings) > 1 else locator
            items.append(_Found(posting, where, JSON_LD))
    return items


def _is_json_ld(script_type: str | None) -> bool:
    return (script_type or "").split(";")[0].strip().lower() == "application/ld+json"


def _load_json(text: str) -> Any:
    """Return the JSON of a script block; raise ValueError with a readable reason."""
    stripped = text.strip()
    for prefix, suffix in _WRAPPERS:
        if stripped.startswith(prefix) and stripped.endswith(suffix):
            stripped = stripped[len(prefix) : -len(suffix)].strip()
    if not stripped:
        return None
    try:
        # strict=False: sites put raw line breaks and tabs inside JSON strings, and Google accepts them.
        return json.loads(stripped, strict=False)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _find_postings(data: Any) -> list[JsonObject]:
    """Return the JobPosting objects anywhere in a JSON document, in document order."""
    found: list[JsonObject] = []
    # A stack rather than recursion: the nesting depth comes from an untrusted page.
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if _is_job_posting(node.get("@type")):
                found.append(node)
            else:
                stack.extend(reversed(list(node.values())))
    return found


def _is_job_posting(types: Any) -> bool:
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and _local_type(name) == "JobPosting" for name in names)


def _local_type(name: str) -> str:
    return _SCHEMA_PREFIX.sub("", name.strip()).strip("/")


def _microdata_elements(document: Any) -> list[Any]:
    return [
        element
        for element in document.xpath("//*[@itemscope and @itemtype]")
        if any(_local_type(t) == "JobPosting" for t in element.get("itemtype").split())
    ]


def _microdata_item(element: Any, url: str) -> JsonObject:
    """Return a microdata item as the JSON-LD object it stands for."""
    types = [_local_type(t) for t in (element.get("itemtype") or "").split()]
    item: JsonObject = {"@type": types[0] if len(types) == 1 else types}
    for prop in _microdata_properties(element):
        value = _microdata_value(prop, url)
        for name in (prop.get("itemprop") or "").split():
            if name in item:
                previous = item[name]
                item[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                item[name] = value
    return item


def _microdata_properties(element: Any) -> list[Any]:
    """Return the elements that carry properties of this item, not of items nested in it."""
    found = []
    stack = list(reversed(element))
    while stack:
        child = stack.pop()
        if not isinstance(child.tag, str):
            continue
        if "itemprop" in child.attrib:
            found.append(child)
        if "itemscope" not in child.attrib:
            stack.extend(reversed(child))
    return found


def _microdata_value(element: Any, url: str) -> Any:
    if "itemscope" in element.attrib:
        return _microdata_item(element, url)
    tag = element.tag.lower()
    if tag == "meta":
        return element.get("content", "")
    if tag in _URL_TAGS:
        return urljoin(url, element.get(_URL_TAGS[tag], ""))
    if tag in {"data", "meter"}:
        return element.get("value", "")
    if tag == "time" and element.get("datetime"):
        return element.get("datetime")
    # `content` on any element is not in the microdata spec, but schema.org's own examples use it.
    if element.get("content") is not None:
        return element.get("content")
    return _inner_html(element)


def _inner_html(element: Any) -> str:
    """Return an element's content as HTML, so that mapping keeps its line structure."""
    if len(element) == 0:
        return str(element.text_content())
    children = "".join(lxml.html.tostring(child, encoding="unicode") for child in element)
    return escape(element.text or "", quote=False) + children


def _title_key(posting: JsonObject) -> str:
    return (_line(posting.get("title")) or "").casefold()


def _records(items: list[_Found | ReadError], url: str) -> list[RawRecord | ReadError]:
    host = (urlsplit(url).hostname or "").lower()
    several = sum(isinstance(item, _Found) for item in items) > 1
    seen: set[str] = set()
    results: list[RawRecord | ReadError] = []
    position = 0
    for item in items:
        if isinstance(item, ReadError):
            results.append(item)
            continue
        external_id = _external_id(item.posting, host, url, position if several else None)
        position += 1
        if external_id in seen:
            reason = f"identifier {external_id!r} appears twice on the page; the first posting is kept"
            results.append(ReadError(SOURCE, item.locator, reason))
            continue
        seen.add(external_id)
        payload = {"page_url": url, "syntax": item.syntax, "posting": item.posting}
        results.append(RawRecord(SOURCE, external_id, payload, item.locator))
    return results


def _external_id(posting: JsonObject, host: str, url: str, position: int | None) -> str:
    identifier = _identifier(posting.get("identifier"))
    if identifier:
        external_id = f"{host}:{identifier}"
    else:
        page = urldefrag(url).url
        external_id = page if position is None else f"{page}#{position}"
    if len(external_id) > MAX_EXTERNAL_ID:
        return "sha256:" + hashlib.sha256(external_id.encode("utf-8", "replace")).hexdigest()
    return external_id


def _identifier(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v not in (None, "")), None)
    if isinstance(value, dict):
        value = value.get("value", value.get("@value"))
    if value is None or isinstance(value, bool | dict | list):
        return None
    return nfc(str(value)) or None


# --- Mapping ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Location:
    """One job location as far as the page states it."""

    place_name: str | None = None
    postal_code: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.postal_code, self.place_name) if part) or self.region or ""


def map_record(record: RawRecord) -> PostingData:
    """Map a JobPosting record to posting fields; raise InvalidRecord when it has no title."""
    posting = record.payload.get("posting")
    page_url = record.payload.get("page_url")
    if not isinstance(posting, dict):
        raise InvalidRecord("the record holds no JobPosting object")
    title = _line(posting.get("title")) or _line(posting.get("name"))
    if not title:
        raise InvalidRecord("the JobPosting has no 'title'")
    locations = _locations(posting.get("jobLocation"))
    place = locations[0] if locations else _Location()
    page = page_url if isinstance(page_url, str) else None
    source_url = _url(posting.get("url"), page) or page
    return PostingData(
        title=title,
        employer=_organization(posting.get("hiringOrganization")),
        place_name=place.place_name,
        postal_code=place.postal_code,
        region=place.region,
        lat=place.lat,
        lon=place.lon,
        published=_date(posting.get("datePosted")),
        start_date=_date(posting.get("jobStartDate")),
        valid_through=_date(posting.get("validThrough")),
        external_url=source_url if _true(posting.get("directApply")) else None,
        source_url=source_url,
        description=_description(posting.get("description"), locations[1:]),
        terms=_terms(posting),
        salary_text=salary_phrase(posting.get("baseSalary")),
    )


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((v for v in value if v not in (None, "", {})), None)
    return value


def _line(value: Any) -> str | None:
    value = _first(value)
    if value is None or isinstance(value, bool | dict | list):
        return None
    return html_to_line(nfc(str(value))) or None


def _organization(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        return _line(value.get("name")) or _line(value.get("legalName"))
    return _line(value)


def _locations(value: Any) -> list[_Location]:
    places = value if isinstance(value, list) else [value]
    found = [_location(place) for place in places]
    return [location for location in found if location is not None]


def _location(place: Any) -> _Location | None:
    if isinstance(place, str):
        return _address_text(place)
    if not isinstance(place, dict):
        return None
    # Some sites give a PostalAddress as the jobLocation itself.
    address = _first(place.get("address")) if "address" in place else place
    location = _address_text(address) if isinstance(address, str) else _address(address)
    geo = _first(place.get("geo"))
    if isinstance(geo, dict):
        lat, lon = _coordinate(geo.get("latitude"), 90), _coordinate(geo.get("longitude"), 180)
        if lat is not None and lon is not None:
            location = replace(location or _Location(), lat=lat, lon=lon)
    return location


def _address(address: Any) -> _Location | None:
    if not isinstance(address, dict):
        return None
    country = _country(address.get("addressCountry"))
    postal_code = _line(address.get("postalCode"))
    # A foreign postal code must not be read as a German PLZ.
    german = country is None or country.upper() in _GERMANY
    location = _Location(
        place_name=_line(address.get("addressLocality")),
        postal_code=postal_code if german and postal_code and re.fullmatch(r"\d{5}", postal_code) else None,
        region=_line(address.get("addressRegion")),
    )
    return location if location.label else None


def _country(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        return _line(value.get("name")) or _line(value.get("identifier"))
    return _line(value)


def _address_text(text: str) -> _Location | None:
    line = html_to_line(nfc(text))
    match = _PLZ_ORT.search(line)
    if match:
        return _Location(place_name=match.group(2).strip(), postal_code=match.group(1))
    return _Location(place_name=line) if line else None


def _coordinate(value: Any, limit: float) -> float | None:
    text = _line(value)
    if text is None:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if -limit <= number <= limit else None


def _date(value: Any) -> date | None:
    text = _line(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        german = _GERMAN_DATE.fullmatch(text)
        if german is None:
            return None
        try:
            return date(int(german.group(3)), int(german.group(2)), int(german.group(1)))
        except ValueError:
            return None
    # A moment with an offset ("2026-02-04T23:00:00Z") is a date in Germany, where the posting is shown.
    return (parsed.astimezone(BERLIN) if parsed.tzinfo else parsed).date()


def _url(value: Any, base: str | None) -> str | None:
    text = _line(value)
    if text is None:
        return None
    absolute = urljoin(base or "", text)
    return absolute if absolute.startswith(("http://", "https://")) else None


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _description(value: Any, others: list[_Location]) -> str:
    raw = _first(value)
    text = html_to_text(nfc(raw)) if isinstance(raw, str) else ""
    if isinstance(raw, str) and _ESCAPED_TAG.search(raw):
        # Escaped twice: the first pass turned "&lt;p&gt;" into tags, which must be stripped as well.
        text = html_to_text(text)
    labels = [location.label for location in others if location.label]
    if labels:
        text = f"{text}\n\nWeitere Arbeitsorte: {', '.join(labels)}".strip()
    return text


def _terms(posting: JsonObject) -> JsonObject | None:
    terms: JsonObject = {}
    for key in ("employmentType", "jobLocationType"):
        values = [line for item in _list(posting.get(key)) if (line := _line(item))]
        if values:
            terms[key] = values
    areas = [name for item in _list(posting.get("applicantLocationRequirements")) if (name := _country(item))]
    if areas:
        terms["applicantLocationRequirements"] = areas
    return terms or None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- Salary -------------------------------------------------------------------------------------------------


def salary_phrase(base_salary: Any) -> str | None:
    """Write a schema.org baseSalary as the German phrase the salary parser reads, or None."""
    amount = _first(base_salary)
    if not isinstance(amount, dict):
        amount = {"value": amount}
    currency = (_line(amount.get("currency")) or "EUR").upper()
    value = _first(amount.get("value"))
    quantity = value if isinstance(value, dict) else amount
    low, high = _money(quantity.get("minValue")), _money(quantity.get("maxValue"))
    if low is None and high is None:
        low = high = _money(quantity.get("value") if isinstance(value, dict) else value)
    if currency not in _CURRENCIES or (low is None and high is None):
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    unit = _unit(quantity) or _unit(amount)
    period = f" {_UNITS[unit]}" if unit else ""
    return f"Gehalt: {_bounds(low, high)} {currency}{period}"


def _unit(quantity: JsonObject) -> str | None:
    for key in ("unitText", "unitCode"):
        name = (_line(quantity.get(key)) or "").upper()
        name = _UNIT_ALIASES.get(name, name)
        if name in _UNITS:
            return name
    return None


def _bounds(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return _german_amount(low) if low == high else f"{_german_amount(low)} – {_german_amount(high)}"
    if low is not None:
        return f"ab {_german_amount(low)}"
    assert high is not None
    return f"bis zu {_german_amount(high)}"


def _money(value: Any) -> Decimal | None:
    """Return a positive amount given as a number or as text ("3500", "3.500,50", "3,500.50")."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif re.search(r"[.,]\d{3}$", text):
        decimal_mark = ""  # a single separator before three digits groups thousands: "3.500", "45,000"
    else:
        decimal_mark = "," if "," in text else "."
    thousands = {",", "."} - {decimal_mark}
    for mark in thousands:
        text = text.replace(mark, "")
    try:
        amount = Decimal(text.replace(",", ".")) if decimal_mark else Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None


def _german_amount(amount: Decimal) -> str:
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    euros, fraction = divmod(cents, 1)
    grouped = f"{int(euros):,}".replace(",", ".")
    return grouped if fraction == 0 else f"{grouped},{int(fraction * 100):02d}"
