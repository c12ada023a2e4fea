"""Reading job feeds (XML, CSV, JSON Lines) safely, and mapping them to posting fields."""

from __future__ import annotations

import csv
import gzip
import io
import json
import threading
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.domain.postings import InvalidRecord, PostingData, RawRecord, ReadError
from stellwerk.domain.salary import Period, SalaryInfo
from stellwerk.normalize.salary import parse_salary
from stellwerk.normalize.terms import parse_terms
from stellwerk.sources import feeds
from stellwerk.sources.feeds import (
    FIELDS,
    FeedLimits,
    UnknownFeedFormat,
    feed_source,
    guess_format,
    is_feed_source,
    map_record,
    read_csv,
    read_feed,
    read_json_lines,
    read_xml,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "feeds.md"
SOURCE = "feed:test"

Item = RawRecord | ReadError
Reader = Callable[..., Iterator[Item]]


def read(reader: Reader, data: bytes, limits: FeedLimits = feeds.DEFAULT_LIMITS) -> list[Item]:
    return list(reader([data], SOURCE, limits))


def records(items: Iterable[Item]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


def errors(items: Iterable[Item]) -> list[ReadError]:
    return [item for item in items if isinstance(item, ReadError)]


def fixture(name: str) -> list[Item]:
    return list(read_feed(FIXTURES / name, SOURCE))


def job_xml(fields: dict[str, str], tag: str = "job") -> str:
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f"<{tag}>{inner}</{tag}>"


def feed_xml(*jobs: dict[str, str]) -> bytes:
    return ("<source><publisher>P</publisher>" + "".join(job_xml(job) for job in jobs) + "</source>").encode()


def mapped(payload: dict[str, object]) -> PostingData:
    return map_record(RawRecord(SOURCE, "x", payload, "test"))


# --- XML: the common job-board feed -------------------------------------------------------------------------


def test_indeed_style_feed_yields_each_job_with_its_reference_and_verbatim_fields() -> None:
    items = fixture("indeed.xml")
    assert [item.external_id for item in records(items)] == [
        "KD-2025-0815",
        "KD-2025-0816",
        "KD-2025-0817",
        "KD-2025-0818",
    ]
    first = records(items)[0]
    assert first.source == SOURCE
    assert first.locator == "<job> Nr. 1 (Zeile 6)"
    # CDATA content is kept as given, markup and all.
    assert first.payload["description"].startswith("<h3>Ihre Aufgaben</h3><ul><li>")
    assert (
        first.payload["url"] == "https://karriere.klinikumdo.de/stellen/0815?utm_source=feed&utm_medium=xml"
    )
    assert first.payload["category"] == "Gesundheit"


def test_a_job_without_reference_and_url_is_reported_and_the_others_are_read() -> None:
    items = fixture("indeed.xml")
    (error,) = errors(items)
    assert error.locator == "<job> Nr. 3 (Zeile 38)"
    assert "weder Referenznummer noch URL" in error.reason
    assert len(records(items)) == 4


def test_indeed_job_maps_to_posting_fields() -> None:
    data = map_record(records(fixture("indeed.xml"))[0])
    assert data.title == "Pflegefachkraft (m/w/d) Intensivstation"
    assert data.employer == "Klinikum Dortmund gGmbH"
    assert (data.place_name, data.postal_code, data.region) == ("Dortmund", "44137", "Nordrhein-Westfalen")
    assert data.published == date(2025, 9, 20)
    assert data.valid_through == date(2025, 10, 31)
    assert data.external_url == "https://karriere.klinikumdo.de/stellen/0815?utm_source=feed&utm_medium=xml"
    # source_url is the BA job page in the templates; a feed has none.
    assert data.source_url is None
    assert data.terms == {"arbeitszeit": ["vz", "tz"]}
    assert data.salary_text == "Gehalt: 45000-55000 EUR/Jahr"


def test_scripts_never_survive_in_titles_or_descriptions() -> None:
    jobs = [map_record(record) for record in records(fixture("indeed.xml"))[:2]]
    assert jobs[0].description == (
        "Ihre Aufgaben\n\nPflege von Intensivpatienten\n\nDokumentation\n\nWir freuen uns auf Sie!"
    )
    assert jobs[1].title == "Servicekraft Cafeteria"
    # Escaped markup inside CDATA ("&lt;script&gt;") is markup all the same.
    assert jobs[1].description == "Minijob in der Cafeteria"
    for job in jobs:
        assert "script" not in (job.title + job.description).lower()
        assert "evil" not in job.description
        assert "alert" not in job.description


def test_a_title_missing_rejects_the_job_with_the_reason() -> None:
    payload = feed_xml({"referencenumber": "A-1", "title": " ", "description": "Text"})
    (record,) = read(read_xml, payload)
    assert isinstance(record, RawRecord)
    with pytest.raises(InvalidRecord, match="kein Titel"):
        map_record(record)


def test_an_unreadable_date_rejects_the_job_naming_the_field() -> None:
    record = records(fixture("indeed.xml"))[3]
    with pytest.raises(InvalidRecord, match=r"date='gestern' ist kein Datum"):
        map_record(record)


def test_aliases_case_namespaces_nesting_and_attributes_are_understood() -> None:
    first, second = (map_record(record) for record in records(fixture("positions.xml")))
    assert first.title == "Softwareentwickler:in Java"
    assert first.employer == "Beispiel Software AG"
    assert (first.place_name, first.postal_code, first.region) == ("Leipzig", "04109", "Sachsen")
    assert (first.lat, first.lon) == (51.3397, 12.3731)
    assert (first.published, first.valid_through) == (date(2025, 9, 1), date(2025, 12, 31))
    assert first.external_url == "https://jobs.beispiel.de/p-100"
    assert first.salary_text == "Gehalt: 60.000 bis 75.000 EUR pro Jahr"
    assert first.terms == {
        "arbeitszeit": ["vz"],
        "homeofficemoeglich": True,
        "jobLocationType": "TELECOMMUTE",
    }
    assert second.place_name == "Hamburg"
    assert second.terms == {"arbeitszeit": ["tz"], "zeitarbeit": True}


def test_nested_elements_and_attributes_are_named_with_dots_and_at_signs() -> None:
    first, second = records(fixture("positions.xml"))
    assert first.external_id == "P-100"
    assert first.locator == "<Position> Nr. 1 (Zeile 4)"
    assert first.payload["@ID"] == "P-100"
    assert first.payload["Location.City"] == "Leipzig"
    assert first.payload["Salary@currency"] == "EUR"
    assert first.payload["Salary.Min"] == "60000"
    assert "Location" not in first.payload  # a wrapper of other elements holds no text of its own
    assert second.external_id == "urn:uuid:0c7a3f7e-2b1d-4c1e-9d3a-1f0e5b6a7c8d"


def test_xhtml_description_elements_become_html_and_then_text() -> None:
    (record, _) = records(fixture("positions.xml"))
    assert record.payload["Description"] == (
        "Wir suchen Verstärkung. <p>Deine Aufgaben:</p><ul><li>Java &amp; Kotlin</li></ul>"
        "<script>steal()</script>"
    )
    assert map_record(record).description == "Wir suchen Verstärkung.\nDeine Aufgaben:\n\nJava & Kotlin"


def test_repeated_elements_become_a_list() -> None:
    payload = (
        b"<jobs><job><id>1</id><title>T</title><category>A</category><category>B</category></job></jobs>"
    )
    (record,) = read(read_xml, payload)
    assert isinstance(record, RawRecord)
    assert record.payload["category"] == ["A", "B"]


@pytest.mark.parametrize("tag", ["job", "JOB", "Position", "vacancy", "stellenangebot", "JobPosting"])
def test_job_elements_are_found_by_any_usual_name_and_case(tag: str) -> None:
    payload = f"<feed><items>{job_xml({'guid': 'G-1', 'title': 'T'}, tag)}</items></feed>".encode()
    (record,) = read(read_xml, payload)
    assert isinstance(record, RawRecord)
    assert record.external_id == "G-1"


def test_a_document_without_jobs_says_what_it_found() -> None:
    (error,) = read(read_xml, b"<rss><channel><item><title>x</title></item></channel></rss>")
    assert isinstance(error, ReadError)
    assert "keine Stellen gefunden: Wurzelelement <rss>" in error.reason


def test_a_truncated_feed_gives_the_jobs_before_the_fault_and_where_it_broke() -> None:
    items = fixture("truncated.xml")
    assert [type(item) for item in items] == [RawRecord, ReadError]
    assert records(items)[0].external_id == "KD-2025-0815"
    error = errors(items)[0]
    assert error.locator == "Zeile 26"
    assert "kein wohlgeformtes XML" in error.reason
    assert "line 26" in error.reason
    assert "1 Stelle(n) davor gelesen" in error.reason
    assert "<job> Nr. 2 (Zeile 25) ist unvollständig" in error.reason


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b"<job><id>2</id><title>T</title></jbo></source>", "mismatched tag"),
        (b"<job><id>2</id><title>Caf\xe9</title></job></source>", "not well-formed"),
        (b"<job><id>2</id><title>&nbsp;</title></job></source>", "undefined entity"),
        (b"</source><source/>", "junk after document element"),
    ],
)
def test_a_fault_anywhere_keeps_the_jobs_before_it(tail: bytes, message: str) -> None:
    items = read(read_xml, b"<source><job><id>1</id><title>Erste</title></job>\n" + tail)
    assert [type(item) for item in items] == [RawRecord, ReadError]
    assert errors(items)[0].locator == "Zeile 2"
    assert message in errors(items)[0].reason


def test_a_declared_legacy_encoding_is_read() -> None:
    payload = '<?xml version="1.0" encoding="windows-1252"?><source><job><id>1</id><title>Bäcker – €</title>'
    (record,) = read(read_xml, (payload + "</job></source>").encode("cp1252"))
    assert isinstance(record, RawRecord)
    assert record.payload["title"] == "Bäcker – €"


def test_an_unknown_declared_encoding_is_a_read_error() -> None:
    (error,) = read(read_xml, b'<?xml version="1.0" encoding="x-unheard-of"?><source/>')
    assert isinstance(error, ReadError)
    assert "Zeichenkodierung" in error.reason


# --- XML: hostile input -------------------------------------------------------------------------------------


def test_billion_laughs_is_refused_without_expanding_anything() -> None:
    tracemalloc.start()
    try:
        items = fixture("billion_laughs.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (error,) = items
    assert isinstance(error, ReadError)
    assert error.reason.startswith(
        "Feed abgelehnt: er enthält eine Dokumenttypdefinition (<!DOCTYPE source>)"
    )
    assert "Billion Laughs" in error.reason
    assert peak < 5_000_000  # the expansion would be 3 GB


def test_an_external_entity_to_a_local_file_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("streng geheim", encoding="utf-8")
    payload = (FIXTURES / "external_entity.xml").read_text().replace("file:///etc/passwd", secret.as_uri())
    items = read(read_xml, payload.encode())
    assert [type(item) for item in items] == [ReadError]
    assert "Feed abgelehnt" in errors(items)[0].reason
    assert "geheim" not in repr(items)


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recording_server() -> Iterator[str]:
    """Serve an entity definition on 127.0.0.1 and record every request."""
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE source SYSTEM "{url}/feed.dtd">',
        '<!DOCTYPE source [<!ENTITY leak SYSTEM "{url}/leak">]>',
        '<!DOCTYPE source [<!ENTITY % remote SYSTEM "{url}/remote.dtd"> %remote;]>',
    ],
)
def test_external_dtds_and_entities_are_never_fetched(recording_server: str, doctype: str) -> None:
    payload = (
        doctype.format(url=recording_server) + "<source><job><id>1</id><title>&leak;</title></job></source>"
    )
    items = read(read_xml, payload.encode())
    assert [type(item) for item in items] == [ReadError]
    assert "Feed abgelehnt" in errors(items)[0].reason
    assert _Recorder.requests == []


def test_an_entity_reference_without_a_dtd_is_not_well_formed() -> None:
    items = read(read_xml, b"<source><job><id>1</id><title>T</title></job><job><id>2</id><title>&x;</title>")
    assert [type(item) for item in items] == [RawRecord, ReadError]
    assert "undefined entity" in errors(items)[0].reason


def test_an_oversized_field_rejects_only_its_job() -> None:
    limits = FeedLimits(max_field_size=1_000, max_record_size=10_000)
    payload = feed_xml(
        {"id": "1", "title": "Erste"},
        {"id": "2", "title": "Zweite", "description": "x" * 1_001},
        {"id": "3", "title": "Dritte"},
    )
    items = read(read_xml, payload, limits)
    assert [type(item) for item in items] == [RawRecord, ReadError, RawRecord]
    assert errors(items)[0].reason == "Feld <description> ist länger als 1.000 Zeichen; Stelle übersprungen"
    assert errors(items)[0].locator.startswith("<job> Nr. 2")


def test_an_oversized_job_of_many_small_fields_is_rejected() -> None:
    limits = FeedLimits(max_field_size=1_000, max_record_size=5_000)
    many = {f"f{i}": "y" * 900 for i in range(10)}
    items = read(read_xml, feed_xml({"id": "1", "title": "T", **many}, {"id": "2", "title": "T"}), limits)
    assert [type(item) for item in items] == [ReadError, RawRecord]
    assert "Stelle ist größer als 5.000 Zeichen" in errors(items)[0].reason


def _huge_description_feed(size: int) -> Iterator[bytes]:
    yield b"<source><job><referencenumber>BIG</referencenumber><title>Riesig</title><description>"
    chunk = b"A" * 65_536
    for _ in range(size // len(chunk)):
        yield chunk
    yield b"</description></job>"
    yield b"<job><referencenumber>NEXT</referencenumber><title>Danach</title></job></source>"


def test_a_50_mb_description_is_rejected_without_holding_it_in_memory() -> None:
    tracemalloc.start()
    try:
        items = list(read_xml(_huge_description_feed(50_000_000), SOURCE))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(item) for item in items] == [ReadError, RawRecord]
    assert "Feld <description> ist länger als 1.000.000 Zeichen" in errors(items)[0].reason
    assert records(items)[0].external_id == "NEXT"
    assert peak < 8_000_000


@pytest.mark.parametrize(
    "opening",
    [b'<job referencenumber="', b"<job><!--", b"<job><title", b"<?pi "],
    ids=["attribute", "comment", "tag name", "processing instruction"],
)
def test_a_huge_tag_attribute_or_comment_stops_reading_in_bounded_memory(opening: bytes) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"<source><job><id>1</id><title>Erste</title></job>\n" + opening
        for _ in range(800):
            yield b"x" * 65_536

    tracemalloc.start()
    try:
        items = list(read_xml(chunks(), SOURCE))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(item) for item in items] == [RawRecord, ReadError]
    assert errors(items)[0].reason == (
        "ein Tag, Attribut oder Kommentar ist größer als 4.000.000 Bytes; Lesen abgebrochen"
    )
    assert peak < 20_000_000


def test_jobs_are_yielded_while_the_feed_is_still_being_read() -> None:
    pulled = []

    def chunks() -> Iterator[bytes]:
        yield b"<source>"
        for number in range(1, 1000):
            pulled.append(number)
            yield job_xml({"id": str(number), "title": "T"}).encode() * 20 + b"\n"
        yield b"</source>"

    items = read_xml(chunks(), SOURCE)
    first = next(items)
    assert isinstance(first, RawRecord)
    assert first.external_id == "1"
    assert len(pulled) < 10


def test_input_beyond_the_limit_stops_reading_with_an_error() -> None:
    payload = feed_xml(*({"id": str(n), "title": "T"} for n in range(100)))
    items = read(read_xml, payload, FeedLimits(max_input_size=len(payload) // 2))
    assert isinstance(items[-1], ReadError)
    assert items[-1].reason.startswith("Feed ist größer als")


# --- CSV ----------------------------------------------------------------------------------------------------


def test_german_spreadsheet_csv_with_bom_and_semicolons_is_read() -> None:
    items = fixture("jobs_de.csv")
    assert [item.external_id for item in records(items)] == ["BK-1", "BK-2", "BK-3"]
    first = records(items)[0]
    assert first.locator == "Zeile 2"
    assert first.payload["Referenznummer"] == "BK-1"  # the byte order mark is not part of the name
    assert first.payload["Beschreibung"] == 'Frühschicht ab 4 Uhr.\nWir bieten: "Brötchen" und gutes Klima.'
    # The quoted line break makes the row two lines long, and a blank line follows.
    assert records(items)[1].locator == "Zeile 5"


def test_german_csv_maps_with_ba_style_names() -> None:
    first, second, third = records(fixture("jobs_de.csv"))
    data = map_record(first)
    assert (data.title, data.employer) == ("Bäcker (m/w/d)", "Bäckerei Krüger")
    assert (data.postal_code, data.place_name, data.region) == ("01067", "Dresden", "Sachsen")
    assert (data.published, data.valid_through) == (date(2025, 9, 20), date(2025, 10, 31))
    assert data.terms == {"arbeitszeit": ["vz"], "homeofficemoeglich": False, "befristung": "UNBEFRISTET"}
    assert map_record(second).description == "Verkauf an der Theke"
    assert map_record(second).terms == {"arbeitszeit": ["tz"], "befristung": "BEFRISTET"}
    with pytest.raises(InvalidRecord, match="postalcode='0106X' ist keine deutsche Postleitzahl"):
        map_record(third)


def test_english_csv_with_commas_and_structured_salary() -> None:
    first, second = (map_record(record) for record in records(fixture("jobs_en.csv")))
    assert first.salary_text == "Gehalt: 65.000 bis 80.000 EUR pro Jahr"
    assert first.terms == {
        "arbeitszeit": ["vz"],
        "homeofficemoeglich": True,
        "jobLocationType": "TELECOMMUTE",
    }
    assert first.description == "Build pipelines, with Python."
    assert first.external_url == "https://example.org/jobs/en-1"
    assert second.salary_text is None


def test_invalid_utf8_in_a_csv_row_is_an_error_for_that_row_only() -> None:
    items = fixture("invalid_utf8.csv")
    assert [type(item) for item in items] == [RawRecord, ReadError, RawRecord]
    assert errors(items)[0] == ReadError(SOURCE, "Zeile 3", "kein gültiges UTF-8 (Byte 0xfc an Stelle 6)")


def test_invalid_utf8_inside_a_multiline_cell_names_its_own_line() -> None:
    payload = b'id,title\n1,"erste\nzwei\xfc"\n2,ok\n'
    items = read(read_csv, payload)
    assert errors(items) == [ReadError(SOURCE, "Zeile 3", "kein gültiges UTF-8 (Byte 0xfc an Stelle 5)")]
    assert [record.external_id for record in records(items)] == ["2"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (b"2,zu,viele\n", "3 Felder, die Kopfzeile hat 2"),
        (b"2\n", "1 Felder, die Kopfzeile hat 2"),
        (b"2,mit\x00nul\n", "unzulässiges Zeichen U+0000 in einem Feld"),
        (b'2,"a"b,"c\n3,d"\n', "kein gültiges CSV"),
    ],
)
def test_a_bad_csv_row_is_reported_and_the_next_one_read(row: bytes, reason: str) -> None:
    items = read(read_csv, b"id,title\n1,eins\n" + row + b"9,neun\n")
    assert [record.external_id for record in records(items)] == ["1", "9"]
    (error,) = errors(items)
    assert error.locator == "Zeile 3"
    assert reason in error.reason


def test_an_unclosed_quote_is_reported_at_the_end() -> None:
    items = read(read_csv, b'id,title\n1,eins\n2,"offen\n3,drei\n')
    assert [type(item) for item in items] == [RawRecord, ReadError]
    assert errors(items)[0] == ReadError(
        SOURCE, "Zeile 3", "Anführungszeichen bis zum Dateiende nicht geschlossen"
    )


def test_an_oversized_csv_row_is_skipped_without_losing_the_rows_after_it() -> None:
    limits = FeedLimits(max_field_size=100, max_record_size=200)
    payload = b'id,title\n1,eins\n2,"' + b"lang\n" * 100 + b'"\n3,drei\n4,' + b"v" * 150 + b"\n"
    items = read(read_csv, payload, limits)
    assert [record.external_id for record in records(items)] == ["1", "3"]
    assert [(error.locator, error.reason) for error in errors(items)] == [
        ("Zeile 3", "länger als 200 Bytes"),
        ("Zeile 105", "ein Feld ist länger als 100 Zeichen"),
    ]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (b"title,company\n", "keine Spalte referencenumber oder url"),
        (b"id,Title,title\n", "Spalten doppelt in der Kopfzeile: title"),
        (b"id,ti\xfftle\n", "kein gültiges UTF-8"),
    ],
)
def test_a_csv_whose_header_cannot_work_is_refused_once(header: bytes, reason: str) -> None:
    items = read(read_csv, header + b"1,2\n3,4\n")
    assert len(items) == 1
    assert isinstance(items[0], ReadError)
    assert reason in items[0].reason


def test_empty_csv_and_jsonl_are_reported() -> None:
    assert errors(read(read_csv, b"\xef\xbb\xbf\n\n")) == [
        ReadError(SOURCE, "Datei", "CSV ist leer: keine Kopfzeile")
    ]
    assert errors(read(read_json_lines, b"\n  \n")) == [
        ReadError(SOURCE, "Datei", "JSON-Lines-Feed ist leer")
    ]


# --- JSON Lines ---------------------------------------------------------------------------------------------


def test_json_lines_are_read_and_mapped() -> None:
    items = fixture("jobs.jsonl")
    assert [record.external_id for record in records(items)] == ["J-1", "2", "https://example.org/jobs/3"]
    assert errors(items) == [
        ReadError(SOURCE, "Zeile 5", "weder Referenznummer noch URL: die Stelle ist nicht zu erkennen")
    ]
    first, second, third = (map_record(record) for record in records(items))
    assert (first.lat, first.lon) == (51.4556, 7.0116)
    assert first.published == date(2025, 9, 20)
    assert first.terms == {
        "arbeitszeit": ["vz", "snw"],
        "homeofficemoeglich": False,
        "zeitarbeit": False,
        "pav": False,
    }
    assert (second.postal_code, second.place_name) == ("44137", "Dortmund")
    assert second.salary_text == "Gehalt: 2.900 bis 3.300 EUR pro Monat"
    assert third.external_url == "https://example.org/jobs/3"


def test_invalid_utf8_in_a_json_line_is_an_error_for_that_line_only() -> None:
    items = fixture("invalid_utf8.jsonl")
    assert [type(item) for item in items] == [RawRecord, ReadError, RawRecord]
    assert errors(items)[0] == ReadError(SOURCE, "Zeile 2", "kein gültiges UTF-8 (Byte 0xfc an Stelle 39)")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": 2, "title": ', "kein gültiges JSON: Expecting value"),
        (b'["id", 2]', "erwartet ein JSON-Objekt, nicht list"),
        (b'{"id": 2, "lat": NaN}', "kein gültiges JSON: NaN ist keine Zahl"),
        (b'{"id": 2, "lat": 1e999}', "keine endliche Zahl"),
        (b'{"id": 2, "n": ' + b"9" * 5000 + b"}", "kein gültiges JSON"),
        (b'{"id": 2, "t": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "kein gültiges JSON"),
        (b'{"id": 2, "title": "\\ud800"}', "unzulässiges Zeichen U+D800"),
        (b'{"id": 2, "title": "a\\u0000"}', "unzulässiges Zeichen U+0000"),
    ],
)
def test_a_bad_json_line_is_reported_and_the_next_one_read(line: bytes, reason: str) -> None:
    items = read(read_json_lines, b'{"id": 1, "title": "eins"}\n' + line + b'\n{"id": 9, "title": "neun"}\n')
    assert [record.external_id for record in records(items)] == ["1", "9"]
    (error,) = errors(items)
    assert error.locator == "Zeile 2"
    assert reason in error.reason


def test_an_oversized_json_line_is_skipped() -> None:
    limits = FeedLimits(max_field_size=50, max_record_size=100)
    long_line = json.dumps({"id": 2, "description": "x" * 200}).encode()
    wide_field = json.dumps({"id": 3, "description": "x" * 60}).encode()
    items = read(read_json_lines, b'{"id": 1}\n' + long_line + b"\n" + wide_field + b'\n{"id": 4}', limits)
    assert [record.external_id for record in records(items)] == ["1", "4"]
    assert [(error.locator, error.reason) for error in errors(items)] == [
        ("Zeile 2", "länger als 100 Bytes; übersprungen"),
        ("Zeile 3", "ein Feld ist länger als 50 Zeichen"),
    ]


def test_a_50_mb_json_line_is_skipped_in_bounded_memory() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"id": 1, "title": "' + b"a" * 65_536
        for _ in range(800):
            yield b"a" * 65_536
        yield b'"}\n{"id": 2, "title": "zwei"}\n'

    tracemalloc.start()
    try:
        items = list(read_json_lines(chunks(), SOURCE))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(item) for item in items] == [ReadError, RawRecord]
    assert peak < 12_000_000


def test_a_long_external_id_is_replaced_by_its_hash() -> None:
    url = "https://example.org/jobs?" + "q=1&" * 100
    (record,) = read(read_json_lines, json.dumps({"url": url, "title": "T"}).encode())
    assert isinstance(record, RawRecord)
    assert record.external_id.startswith("sha256:")
    assert len(record.external_id) == 71


# --- Files, names and formats -------------------------------------------------------------------------------


def test_a_gzipped_feed_file_is_read_by_its_suffix(tmp_path: Path) -> None:
    path = tmp_path / "klinikum.xml.gz"
    path.write_bytes(gzip.compress((FIXTURES / "indeed.xml").read_bytes()))
    assert guess_format(path) == "xml"
    assert [r.external_id for r in records(read_feed(path, SOURCE))][:1] == ["KD-2025-0815"]


def test_a_corrupt_gzip_or_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    corrupt = tmp_path / "feed.jsonl.gz"
    packed = gzip.compress(b"".join(b'{"id": %d}\n' % n for n in range(20_000)))
    corrupt.write_bytes(packed[: len(packed) // 2])
    *before, error = read_feed(corrupt, SOURCE)
    assert before
    assert all(isinstance(item, RawRecord) for item in before)
    assert isinstance(error, ReadError)
    assert error.locator == "Datei"
    assert "nicht lesbar" in error.reason
    (missing,) = read_feed(tmp_path / "nope.csv", SOURCE)
    assert isinstance(missing, ReadError)
    assert "nicht lesbar" in missing.reason


def test_the_format_comes_from_the_caller_or_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(b'{"id": 1, "title": "T"}\n')
    with pytest.raises(UnknownFeedFormat):
        read_feed(path, SOURCE)
    assert len(records(read_feed(path, SOURCE, fmt="jsonl"))) == 1
    assert guess_format(Path("a.NDJSON")) == "jsonl"
    assert guess_format(Path("a.csv.gz")) == "csv"


def test_feed_source_names() -> None:
    assert feed_source("Klinikum Dortmund") == "feed:klinikum-dortmund"
    assert feed_source("feed:Stadtwerke Köln") == "feed:stadtwerke-koeln"
    assert is_feed_source("feed:x")
    assert not is_feed_source("ba")
    for bad in ("", "!!!", "x" * 40):
        with pytest.raises(ValueError, match="Feed-Name"):
            feed_source(bad)
    with pytest.raises(ValueError, match="not a feed source"):
        read_xml([b""], "ba")


# --- Mapping ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("salary", "cents", "period"),
    [
        ("45000-55000 EUR/Jahr", (4_500_000, 5_500_000), Period.YEAR),
        ("ab 18,50 € pro Stunde", (1_850, None), Period.HOUR),
        ("3.500 € monatlich", (350_000, 350_000), Period.MONTH),
        ("45000-55000", (4_500_000, 5_500_000), Period.YEAR),
        ("ab 18,50 pro Stunde", (1_850, None), Period.HOUR),
        ("3500", (350_000, 350_000), Period.MONTH),
        ("60.000 – 75.000 € brutto jährlich", (6_000_000, 7_500_000), Period.YEAR),
    ],
)
def test_feed_salary_strings_are_read_by_the_salary_parser(
    salary: str, cents: tuple[int, int | None], period: Period
) -> None:
    (record,) = read(read_xml, feed_xml({"id": "1", "title": "T", "salary": salary}))
    assert isinstance(record, RawRecord)
    text = map_record(record).salary_text
    assert text is not None
    info = parse_salary(text)
    assert isinstance(info, SalaryInfo)
    (found,) = info.salaries
    assert (found.min_cents, found.max_cents, found.period) == (*cents, period)


def test_a_tariff_in_the_salary_field_reaches_the_parser() -> None:
    text = mapped({"title": "T", "salary": "nach TVöD E9b"}).salary_text
    assert text is not None
    info = parse_salary(text)
    assert isinstance(info, SalaryInfo)
    assert [(t.agreement, t.group) for t in info.tariffs] == [("TVöD", "E9b")]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"salary_min": "3.500,50", "salary_period": "monatlich"}, "Gehalt: ab 3.500,50 EUR pro Monat"),
        ({"salary_max": 55000, "salary_period": "per year"}, "Gehalt: bis zu 55.000 EUR pro Jahr"),
        ({"salary_min": "60000", "salary_max": "50000"}, "Gehalt: 50.000 bis 60.000 EUR"),
        (
            {"salary_min": "18.5", "salary_max": "18.50", "salary_period": "hour"},
            "Gehalt: 18,50 EUR pro Stunde",
        ),
        ({"salary_min": "0", "salary_max": "0"}, None),
        ({"salary_min": "4000", "salary_currency": "USD"}, None),
        ({"salary_min": "4000", "salary_currency": "chf"}, "Gehalt: ab 4.000 CHF"),
    ],
)
def test_structured_salary_fields_become_a_phrase(fields: dict[str, object], expected: str | None) -> None:
    assert mapped({"title": "T", **fields}).salary_text == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"salary_min": "viel"}, "salary_min='viel' ist kein Betrag"),
        ({"salary_min": "1", "salary_period": "fortnight"}, "salary_period='fortnight' ist keiner von"),
        ({"latitude": "north"}, "latitude='north' ist keine Zahl"),
        ({"longitude": "181"}, "longitude=181.0 liegt außerhalb von ±180"),
        ({"expirationdate": "09/20/2025"}, "expirationdate='09/20/2025' ist kein Datum"),
        ({"date": "31.02.2025"}, "date='31.02.2025' ist kein Datum"),
        ({"expirationdate": "9999-12-31T23:59:59-14:00"}, "liegt nicht zwischen 1900 und 2200"),
        ({"startdate": "0001-01-01"}, "liegt nicht zwischen 1900 und 2200"),
        ({"postalcode": "123456"}, "keine deutsche Postleitzahl"),
        ({"modified": "x" * 500}, "modified='" + "x" * 39 + "…' ist kein Datum"),
    ],
)
def test_unreadable_values_reject_the_record_with_the_field_named(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRecord, match=message.replace("(", r"\(").replace("+", r"\+")):
        mapped({"title": "T", **fields})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-09-20", date(2025, 9, 20)),
        ("2025-09-20T23:30:00Z", date(2025, 9, 21)),  # already the 21st in Germany
        ("2025-09-20T23:30:00", date(2025, 9, 20)),
        ("20.09.2025", date(2025, 9, 20)),
        ("20.09.2025 08:30", date(2025, 9, 20)),
        ("Sat, 20 Sep 2025 23:30:00 GMT", date(2025, 9, 21)),
        ("Sat, 20 Sep 2025 10:00:00 +0200", date(2025, 9, 20)),
    ],
)
def test_date_formats(value: str, expected: date) -> None:
    assert mapped({"title": "T", "date": value}).published == expected


def test_modified_is_timezone_aware() -> None:
    naive = mapped({"title": "T", "modified": "2025-09-20T08:30:00"}).modified
    assert naive is not None
    assert naive.utcoffset() == timedelta(hours=2)
    given_offset = mapped({"title": "T", "updated": "2025-09-20T06:30:00Z"}).modified
    assert given_offset == datetime(2025, 9, 20, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "place"),
    [
        ({"city": "Dresden", "plz": "1067"}, ("Dresden", "01067")),
        ({"city": "Köln", "postalcode": "D-50667"}, ("Köln", "50667")),
        ({"city": "44137 Dortmund"}, ("Dortmund", "44137")),
        ({"city": "Wien", "postalcode": "1010", "country": "AT"}, ("Wien", None)),
        ({"ort": "Bonn", "plz": "53111", "land": "Deutschland"}, ("Bonn", "53111")),
        ({"location": "Hamburg", "zip": "20095.0"}, ("Hamburg", "20095")),
    ],
)
def test_places(fields: dict[str, object], place: tuple[str, str | None]) -> None:
    data = mapped({"title": "T", **fields})
    assert (data.place_name, data.postal_code) == place


def test_urls_that_are_not_http_are_left_out() -> None:
    assert mapped({"title": "T", "url": "javascript:alert(1)"}).external_url is None
    assert mapped({"title": "T", "url": "https://a.de/x y"}).external_url is None
    assert mapped({"title": "T", "url": "HTTPS://A.DE/x"}).external_url == "HTTPS://A.DE/x"


def test_html_in_short_fields_is_read_as_one_line_of_text() -> None:
    data = mapped({"title": "Koch <i>(m/w/d)</i>\n<script>x()</script>", "company": "Müller &amp; Söhne"})
    assert (data.title, data.employer) == ("Koch (m/w/d)", "Müller & Söhne")


def test_the_canonical_name_wins_over_an_alias() -> None:
    assert mapped({"titel": "Alias", "Title": "Kanonisch"}).title == "Kanonisch"
    assert mapped({"jobtitle": "", "titel": "Zweiter Alias"}).title == "Zweiter Alias"


@pytest.mark.parametrize(
    ("fields", "working_time", "remote", "fixed_term"),
    [
        ({"jobtype": "Voll- oder Teilzeit"}, {"vz", "tz"}, None, None),
        ({"jobtype": "FULL_TIME", "remotetype": "Fully remote"}, {"vz"}, "full", None),
        ({"jobtype": ["part-time", "temporary"], "remotetype": "Hybrid remote"}, {"tz"}, "partial", True),
        (
            {"arbeitszeit": "vz;tz", "homeofficemoeglich": "nein", "befristung": "2"},
            {"vz", "tz"},
            None,
            False,
        ),
        ({"jobtype": "Minijob", "remote": "ja"}, {"mj"}, "partial", None),
        ({"jobtype": "Schicht/Nacht/Wochenende"}, {"snw"}, None, None),
        ({"jobtype": "contract", "remotetype": "vielleicht"}, set(), None, None),
    ],
)
def test_feed_terms_are_read_by_the_terms_parser(
    fields: dict[str, object], working_time: set[str], remote: str | None, fixed_term: bool | None
) -> None:
    data = mapped({"title": "Sachbearbeiter (m/w/d)", **fields})
    terms = parse_terms(data.title, data.description, data.terms)
    assert terms.working_time - {"ho"} == working_time
    assert terms.remote == remote
    assert terms.fixed_term is fixed_term


def test_structured_terms_beat_the_text() -> None:
    data = mapped(
        {"title": "Sachbearbeiter (m/w/d)", "description": "Homeoffice möglich", "remotetype": "onsite"}
    )
    assert parse_terms(data.title, data.description, data.terms).remote is None


def test_offer_kinds_and_agencies() -> None:
    data = mapped({"title": "T", "jobtype": "Praktikum", "zeitarbeit": "ja", "pav": True})
    terms = parse_terms(data.title, data.description, data.terms)
    assert "praktikum" in terms.offer_kinds
    assert (terms.temp_agency, terms.private_agency) == (True, True)
    training = mapped({"title": "T", "jobtype": "Ausbildung"})
    assert "ausbildung" in parse_terms(training.title, "", training.terms).offer_kinds


# --- Documentation ------------------------------------------------------------------------------------------


def test_every_field_and_alias_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for name, aliases in FIELDS.items():
        assert f"| `{name}` |" in docs, name
        for alias in aliases.split():
            assert f"`{alias}`" in docs, alias
    for element in feeds.JOB_ELEMENTS:
        assert f"`{element}`" in docs


def test_the_module_docstring_names_every_canonical_field() -> None:
    assert feeds.__doc__ is not None
    for name in FIELDS:
        assert f"`{name}`" in feeds.__doc__, name


# --- Properties ---------------------------------------------------------------------------------------------

XML_TOKENS = st.sampled_from(
    [
        "<source>", "</source>", "<job>", "</job>", "<position>", "<title>", "</title>", "<id>", "</id>",
        "<url>", "</url>", "<description>", "</description>", "<![CDATA[", "]]>", "<p>", "</p>", "&amp;",
        "&lt;", "&x;", "&#0;", "&#x1F600;", "<!DOCTYPE a>", "<?xml version='1.0'?>", "<!-- c -->", "x",
        "Köln", " ", "\n", "<a b='1'>", "</a>", "<ns:job xmlns:ns='u'>", "</ns:job>", "\xff", "\x00",
    ]
)  # fmt: skip


def check_items(items: list[Item]) -> None:
    """Every item is a record or an error, and every record stores and maps or is rejected with a reason."""
    for item in items:
        assert isinstance(item, RawRecord | ReadError)
        if isinstance(item, RawRecord):
            json.dumps(item.payload, allow_nan=False, ensure_ascii=False).encode("utf-8")
            assert "\x00" not in json.dumps(item.payload)
            assert 0 < len(item.external_id) <= 200
            data = map_or_reason(item)
            if isinstance(data, str):
                assert data
            else:
                assert data.title
                assert data.postal_code is None or (len(data.postal_code) == 5 and data.postal_code.isdigit())


def map_or_reason(record: RawRecord) -> PostingData | str:
    try:
        return map_record(record)
    except InvalidRecord as exc:
        return str(exc)


def splits(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_out_of_any_reader(data: bytes) -> None:
    for reader in (read_xml, read_csv, read_json_lines):
        check_items(read(reader, data))


@given(st.lists(XML_TOKENS, max_size=60), st.lists(st.integers(min_value=0), max_size=5))
def test_xml_like_input_never_raises_and_chunking_changes_nothing(tokens: list[str], cuts: list[int]) -> None:
    data = "".join(tokens).encode("utf-8", "surrogatepass")
    whole = read(read_xml, data)
    check_items(whole)
    chunked = list(read_xml(splits(data, cuts), SOURCE))
    # Expat may name a fault differently when it sees fewer bytes at once ("syntax error", "invalid token").
    assert records(chunked) == records(whole)
    assert len(errors(chunked)) == len(errors(whole))


@given(st.binary(max_size=2000), st.lists(st.integers(min_value=0), max_size=8))
def test_csv_and_json_lines_give_the_same_items_however_the_bytes_are_chunked(
    data: bytes, cuts: list[int]
) -> None:
    pieces = splits(data, cuts)
    for reader in (read_csv, read_json_lines):
        assert list(reader(pieces, SOURCE)) == read(reader, data)


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n"),
    max_size=40,
)
NAMES = st.sampled_from(["title", "Titel", "description", "city", "PLZ", "salary", "x-custom", "note"])


@given(
    st.lists(st.dictionaries(NAMES, XML_TEXT, max_size=5), min_size=1, max_size=5),
    st.lists(st.integers(min_value=0), max_size=6),
    st.booleans(),
)
def test_xml_fields_come_back_verbatim(jobs: list[dict[str, str]], cuts: list[int], cdata: bool) -> None:
    def element(name: str, value: str) -> str:
        if cdata and "]]>" not in value:
            return f"<{name}><![CDATA[{value}]]></{name}>"
        return f"<{name}>{escape(value)}</{name}>"

    body = "".join(
        f"<job><referencenumber>R{i}</referencenumber>{''.join(element(k, v) for k, v in job.items())}</job>"
        for i, job in enumerate(jobs)
    )
    data = f"<source><publisher>p</publisher>{body}</source>".encode()
    got = list(read_xml(splits(data, cuts), SOURCE))
    assert [item.payload for item in records(got)] == [
        {"referencenumber": f"R{i}", **job} for i, job in enumerate(jobs)
    ]
    check_items(got)


@given(
    st.lists(st.lists(TEXT, min_size=3, max_size=3), max_size=5),
    st.sampled_from([",", ";", "\t"]),
    st.lists(st.integers(min_value=0), max_size=6),
)
def test_csv_cells_come_back_verbatim(rows: list[list[str]], delimiter: str, cuts: list[int]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["referencenumber", "title", "description"])
    for number, row in enumerate(rows):
        writer.writerow([f"R{number}", *row[1:]])
    got = list(read_csv(splits(out.getvalue().encode(), cuts), SOURCE))
    expected = [
        {"referencenumber": f"R{n}", "title": row[1], "description": row[2]} for n, row in enumerate(rows)
    ]
    assert [item.payload for item in got if isinstance(item, RawRecord)] == expected
    assert not errors(got)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=6,
)
ALL_NAMES = sorted({name for name, aliases in FIELDS.items() for name in (name, *aliases.split())})


@given(
    st.lists(st.dictionaries(st.sampled_from(ALL_NAMES) | TEXT, JSON_VALUES, max_size=8), max_size=4),
    st.booleans(),
)
def test_any_json_object_is_read_verbatim_and_maps_or_is_rejected(
    objects: list[dict[str, object]], ascii: bool
) -> None:
    data = b"\n".join(json.dumps(obj, ensure_ascii=ascii).encode() for obj in objects)
    got = read(read_json_lines, data)
    check_items(got)
    for obj, item in zip(objects, got, strict=False):
        if isinstance(item, RawRecord):
            assert item.payload == obj


@given(
    st.integers(min_value=1_000, max_value=12_000),
    st.integers(min_value=100, max_value=300),
    st.sampled_from(["month", "Monat", "monatlich"]),
)
def test_structured_monthly_salary_survives_the_salary_parser(low: int, spread: int, period: str) -> None:
    high = low * spread // 100
    text = mapped(
        {"title": "T", "salary_min": low, "salary_max": str(high), "salary_period": period}
    ).salary_text
    assert text is not None
    info = parse_salary(text)
    assert isinstance(info, SalaryInfo)
    (found,) = info.salaries
    assert (found.min_cents, found.max_cents, found.period) == (low * 100, high * 100, Period.MONTH)
