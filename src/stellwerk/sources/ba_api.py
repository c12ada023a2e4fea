"""Fetch postings from the BA Jobsuche API, page by page, completely or with the gap stated, resumably.

Decisions, each covered by a test in tests/sources/test_ba_api.py:

- v6 (`/pc/v6/jobs`, items in `ergebnisliste`, `referenznummer`) is spoken by default, v4 (`/pc/v4/jobs`,
  `stellenangebote`, `refnr`) on request; details always come from `/pc/v4/jobdetails/{base64(refnr)}`, the
  only details path that answers. The key is the public client id, sent as `X-API-Key`.
- The API serves at most 10,000 results of a query: size <= 100 and page × size <= 10,000 (page 101 at size
  100 answers 400). The first page of every query (part) tells `maxErgebnisse`; when it exceeds the cap, the
  query is split into parts that each may fit, tried in this order:
  1. by occupation field (`berufsfeld`), with the values and counts of the answer's `facetten`, when there are
     at least two (one field holding everything would not shrink);
  2. by Bundesland (`wo` = each of the 16 Länder), when the query names no place;
  3. by `befristung` (1 befristet, 2 unbefristet), when the query does not restrict it.
  `veroeffentlichtseit` cannot split: its windows are nested ("the last N days"), not disjoint, so no set of
  them reaches more than 10,000 either; it belongs in the query of a recurring run ("seit 1 Tag").
  A part that still exceeds the cap is fetched up to it, and the rest is reported.
- Nothing is cut off silently: the result reports every gap as a `Shortfall` (count and reason, in German for
  the run's notes): a part over the cap that no split applies to; a split whose parts together count fewer
  results than the whole (postings abroad, without occupation field or without a stated fixed term); a page
  that stayed short after being asked again. Parts of a split may overlap, so a gap there is a lower bound.
- An empty or short page where `maxErgebnisse` promises more is asked again (`short_page_retries` times)
  before it counts as a gap; a shrunken `maxErgebnisse` in the repeated answer is believed.
- Each yielded `Page` carries its records, the items that cannot be records (`ReadError`: not an object, no
  reference number) and a JSON checkpoint that resumes after that page (at the page size it was made with;
  only for the same query and API version). The caller stores the page, then persists the checkpoint; a
  crash in between repeats one page, which an upsert on (source, external_id) absorbs. A refnr yielded once
  is not yielded again in the same `harvest` call (remembered in memory, not in the checkpoint, to keep that
  small).
- With details on, a record's payload is {"jobsuche": <search item>, "jobdetails": <details or null>}, both
  verbatim; null means the posting has no detail page (404, normal for externally sourced postings) or its
  details answered with a status that will not change (listed in `Page.detail_failures`). Details that fail
  with passing faults until the retries run out end the run (the upstream is down): resume later.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote

from stellwerk.domain.postings import JsonObject, RawRecord, ReadError
from stellwerk.sources.ba_jobsuche import API_SOURCE, BUNDESLAENDER, DETAILS_PART, SEARCH_PART, refnr_of
from stellwerk.sources.http import HttpClient, UnexpectedStatus, UpstreamError

BASE_URL = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"
API_KEY = "jobboerse-jobsuche"
MAX_PAGE_SIZE = 100
MAX_REACHABLE = 10_000
SEARCH_PATHS = {"v6": "/pc/v6/jobs", "v4": "/pc/v4/jobs"}
DETAILS_PATH = "/pc/v4/jobdetails/"
ITEM_LISTS = {"v6": "ergebnisliste", "v4": "stellenangebote"}
CHECKPOINT_FORMAT = 1
WORKING_TIMES = ("vz", "tz", "snw", "ho", "mj")
OFFER_KINDS = (1, 2, 4, 34)
Version = Literal["v6", "v4"]


class CheckpointMismatch(ValueError):
    """A checkpoint that belongs to another query, API version or format."""


@dataclass(frozen=True, slots=True)
class JobQuery:
    """The BA search parameters of one query; unset ones are not sent."""

    was: str | None = None
    wo: str | None = None
    umkreis: int | None = None
    berufsfeld: str | None = None
    arbeitgeber: str | None = None
    angebotsart: int | None = None
    arbeitszeit: tuple[str, ...] = ()
    befristung: tuple[int, ...] = ()
    veroeffentlichtseit: int | None = None
    zeitarbeit: bool | None = None
    pav: bool | None = None
    behinderung: bool | None = None
    corona: bool | None = None

    def __post_init__(self) -> None:
        if self.veroeffentlichtseit is not None and not 0 <= self.veroeffentlichtseit <= 100:
            raise ValueError("veroeffentlichtseit must be between 0 and 100 days")
        if self.umkreis is not None and self.umkreis < 0:
            raise ValueError("umkreis must not be negative")
        if self.angebotsart is not None and self.angebotsart not in OFFER_KINDS:
            raise ValueError(f"angebotsart must be one of {OFFER_KINDS}")
        if not set(self.arbeitszeit) <= set(WORKING_TIMES):
            raise ValueError(f"arbeitszeit codes must be among {WORKING_TIMES}")
        if not set(self.befristung) <= {1, 2}:
            raise ValueError("befristung must be 1 (befristet) and/or 2 (unbefristet)")

    def params(self) -> dict[str, str]:
        """Return the query parameters as the API reads them (lists joined by ';', booleans in lower case)."""
        params: dict[str, str] = {}
        for name, value in self.to_json().items():
            if isinstance(value, list):
                params[name] = ";".join(str(item) for item in value)
            elif isinstance(value, bool):
                params[name] = "true" if value else "false"
            else:
                params[name] = str(value)
        return params

    def to_json(self) -> JsonObject:
        """Return the set parameters as a JSON object."""
        data: JsonObject = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is None or value == ():
                continue
            data[name] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobQuery:
        """Return the query a to_json() object describes."""
        values = dict(data)
        for name in ("arbeitszeit", "befristung"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)

    def describe(self) -> str:
        """Return the parameters in one line, for locators and notes ("berufsfeld=Pflege, wo=Bayern")."""
        return ", ".join(f"{name}={value}" for name, value in self.params().items()) or "alle Stellen"


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """One answer of the search: its items, `maxErgebnisse` and the facet counts, if any."""

    items: list[Any]
    total: int | None
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Postings of a part of the search that could not be fetched, and why."""

    query: JobQuery
    count: int
    reason: str

    def note(self) -> str:
        """Return the shortfall as a sentence for the run's notes, in German."""
        return f"{self.count} Stellen nicht abrufbar (Teilsuche „{self.query.describe()}“): {self.reason}"

    def to_json(self) -> JsonObject:
        """Return the shortfall as a JSON object."""
        return {"query": self.query.to_json(), "count": self.count, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Shortfall:
        """Return the shortfall a to_json() object describes."""
        return cls(JobQuery.from_json(data["query"]), int(data["count"]), str(data["reason"]))


@dataclass(slots=True)
class _Task:
    """A part of the search still to fetch, from `page` on; `split` is the split it is a part of."""

    query: JobQuery
    page: int = 1
    total: int | None = None
    split: int | None = None


@dataclass(slots=True)
class _Split:
    """A part that was split: its total, and what its parts counted so far."""

    query: JobQuery
    by: str
    total: int
    pending: int
    found: int = 0


@dataclass(slots=True)
class Checkpoint:
    """Where a harvest stands: the parts still to fetch, open splits and the gaps found so far."""

    version: str
    query: JobQuery
    page_size: int
    tasks: list[_Task]
    splits: dict[int, _Split] = field(default_factory=dict)
    next_split: int = 0
    shortfalls: list[Shortfall] = field(default_factory=list)
    pages: int = 0

    @property
    def done(self) -> bool:
        """Tell whether nothing is left to fetch."""
        return not self.tasks

    @property
    def unreachable(self) -> int:
        """Return the number of postings reported as not fetchable."""
        return sum(shortfall.count for shortfall in self.shortfalls)

    def to_json(self) -> JsonObject:
        """Return the checkpoint as a JSON object."""
        return {
            "format": CHECKPOINT_FORMAT,
            "version": self.version,
            "query": self.query.to_json(),
            "page_size": self.page_size,
            "tasks": [
                {"query": t.query.to_json(), "page": t.page, "total": t.total, "split": t.split}
                for t in self.tasks
            ],
            "splits": [
                {
                    "id": key,
                    "query": split.query.to_json(),
                    "by": split.by,
                    "total": split.total,
                    "pending": split.pending,
                    "found": split.found,
                }
                for key, split in self.splits.items()
            ],
            "next_split": self.next_split,
            "shortfalls": [shortfall.to_json() for shortfall in self.shortfalls],
            "pages": self.pages,
            "done": self.done,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        """Return the checkpoint a to_json() object describes; raise CheckpointMismatch if unreadable."""
        if data.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointMismatch(f"checkpoint format {data.get('format')!r} is not {CHECKPOINT_FORMAT}")
        try:
            return cls(
                version=str(data["version"]),
                query=JobQuery.from_json(data["query"]),
                page_size=int(data["page_size"]),
                tasks=[
                    _Task(JobQuery.from_json(t["query"]), int(t["page"]), t["total"], t["split"])
                    for t in data["tasks"]
                ],
                splits={
                    int(s["id"]): _Split(
                        JobQuery.from_json(s["query"]), s["by"], s["total"], s["pending"], s["found"]
                    )
                    for s in data["splits"]
                },
                next_split=int(data["next_split"]),
                shortfalls=[Shortfall.from_json(s) for s in data["shortfalls"]],
                pages=int(data["pages"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointMismatch(f"checkpoint is incomplete or damaged ({exc!r})") from None


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched page of a harvest: what to store, and the checkpoint to persist after storing it."""

    query: JobQuery
    number: int
    total: int | None
    records: tuple[RawRecord, ...]
    errors: tuple[ReadError, ...]
    duplicates: int
    detail_failures: tuple[str, ...]
    shortfalls: tuple[Shortfall, ...]
    checkpoint: JsonObject

    @property
    def done(self) -> bool:
        """Tell whether this was the last page of the harvest."""
        return bool(self.checkpoint["done"])


Splitter = Callable[[JobQuery, SearchAnswer], list[JobQuery]]


def split_by_berufsfeld(query: JobQuery, answer: SearchAnswer) -> list[JobQuery]:
    """Split by the occupation fields the answer's facets count, if there are two or more."""
    if query.berufsfeld is not None:
        return []
    fields = sorted(value for value, count in answer.facets.get("berufsfeld", {}).items() if count > 0)
    return [replace(query, berufsfeld=value) for value in fields] if len(fields) > 1 else []


def split_by_land(query: JobQuery, answer: SearchAnswer) -> list[JobQuery]:
    """Split a query without a place into the 16 Länder."""
    if query.wo is not None:
        return []
    return [replace(query, wo=land, umkreis=None) for land in BUNDESLAENDER]


def split_by_befristung(query: JobQuery, answer: SearchAnswer) -> list[JobQuery]:
    """Split a query that does not restrict the fixed term into befristet and unbefristet."""
    if query.befristung:
        return []
    return [replace(query, befristung=(1,)), replace(query, befristung=(2,))]


DEFAULT_SPLITTERS: tuple[tuple[str, Splitter], ...] = (
    ("Berufsfeld", split_by_berufsfeld),
    ("Bundesland", split_by_land),
    ("Befristung", split_by_befristung),
)


class BaJobsucheClient:
    """Search the BA Jobsuche API and harvest every result of a query, page by page."""

    def __init__(
        self,
        http: HttpClient,
        *,
        base_url: str = BASE_URL,
        api_key: str = API_KEY,
        version: Version = "v6",
        page_size: int = MAX_PAGE_SIZE,
        details: bool = False,
        splitters: Sequence[tuple[str, Splitter]] = DEFAULT_SPLITTERS,
        short_page_retries: int = 2,
        short_page_pause: float = 2.0,
    ) -> None:
        if version not in SEARCH_PATHS:
            raise ValueError(f"version must be one of {sorted(SEARCH_PATHS)}")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"X-API-Key": api_key, "Accept": "application/json"}
        self.version = version
        self.page_size = page_size
        self.details_enabled = details
        self._splitters = tuple(splitters)
        self._short_page_retries = short_page_retries
        self._short_page_pause = short_page_pause

    def search(self, query: JobQuery, page: int = 1, size: int | None = None) -> SearchAnswer:
        """Return one page of results; raise ValueError beyond the API's limits, UpstreamError on failure."""
        size = size or self.page_size
        if not 1 <= size <= MAX_PAGE_SIZE or page < 1 or page * size > MAX_REACHABLE:
            raise ValueError(f"page {page} at size {size} is beyond the API's limits")
        url = self._base + SEARCH_PATHS[self.version]
        params = query.params() | {"page": str(page), "size": str(size)}
        try:
            _, data = self._http.get_json(url, params=params, headers=self._headers)
        except UnexpectedStatus as exc:
            if exc.status == 404 and self.version == "v4":
                # Live since August 2026: /pc/v4/jobs answers 404 and /pc/v6/jobs took its place.
                raise UnexpectedStatus(
                    f"{exc} (the live API moved to v6: use version 'v6')", url=url, status=404
                ) from None
            raise
        return self._answer(url, data)

    def details(self, refnr: str) -> JsonObject | None:
        """Return the details answer of a posting, None when it has no detail page (404)."""
        code = quote(base64.b64encode(refnr.encode("utf-8")).decode("ascii"), safe="=")
        url = f"{self._base}{DETAILS_PATH}{code}"
        status, data = self._http.get_json(url, headers=self._headers, accept=(200, 404))
        if status == 404:
            return None
        if not isinstance(data, dict):
            raise UnexpectedStatus(f"{url}: the details answer is not a JSON object", url=url, status=status)
        return data

    def harvest(self, query: JobQuery, checkpoint: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Yield every page of the query's results, splitting it past the cap; resume after a checkpoint."""
        state = self._resume(query, checkpoint) if checkpoint else self._fresh(query)
        seen: set[str] = set()
        while state.tasks:
            yield self._step(state, seen)

    def _fresh(self, query: JobQuery) -> Checkpoint:
        return Checkpoint(self.version, query, self.page_size, [_Task(query)])

    def _resume(self, query: JobQuery, data: Mapping[str, Any]) -> Checkpoint:
        state = Checkpoint.from_json(data)
        if state.version != self.version or state.query != query:
            raise CheckpointMismatch(
                f"the checkpoint belongs to {state.version} „{state.query.describe()}“, "
                f"not to {self.version} „{query.describe()}“"
            )
        return state

    def _step(self, state: Checkpoint, seen: set[str]) -> Page:
        """Fetch the next page of the first open part, with details, and move the state past it."""
        task = state.tasks[0]
        number = task.page
        answer, gap = self._fetch_page(task, state.page_size)
        records, errors, failures, duplicates = self._records(task.query, number, answer.items, seen)
        shortfalls = [gap] if gap else []
        if number == 1:
            shortfalls += self._count_towards_split(state, task, answer.total)
        shortfalls += self._advance(state, task, answer)
        state.shortfalls += shortfalls
        state.pages += 1
        return Page(
            query=task.query,
            number=number,
            total=answer.total,
            records=records,
            errors=errors,
            duplicates=duplicates,
            detail_failures=failures,
            shortfalls=tuple(shortfalls),
            checkpoint=state.to_json(),
        )

    def _advance(self, state: Checkpoint, task: _Task, answer: SearchAnswer) -> list[Shortfall]:
        """Move to the part's next page, replace the part by its parts, or close it; return gaps found."""
        size = state.page_size
        task.total = answer.total
        reachable = MAX_REACHABLE // size * size
        if task.page == 1 and answer.total is not None and answer.total > reachable:
            if self._split(state, task, answer):
                return []  # the parts replace the task; this page's items were kept all the same
            reason = f"mehr als {MAX_REACHABLE} Treffer ({answer.total}), und keine Aufteilung greift"
            gaps = [Shortfall(task.query, answer.total - reachable, reason)]
        else:
            gaps = []
        if self._has_next(task, len(answer.items), size):
            task.page += 1
        else:
            state.tasks.pop(0)
        return gaps

    def _fetch_page(self, task: _Task, size: int) -> tuple[SearchAnswer, Shortfall | None]:
        """Fetch a page; ask again while it is shorter than maxErgebnisse promises."""
        answer = self.search(task.query, task.page, size)
        for _ in range(self._short_page_retries):
            if _missing(answer, task.page, size) == 0:
                return answer, None
            self._http.clock.sleep(self._short_page_pause)
            answer = self.search(task.query, task.page, size)
        missing = _missing(answer, task.page, size)
        if missing == 0:
            return answer, None
        reason = f"Seite {task.page} blieb auch nach {self._short_page_retries + 1} Abrufen unvollständig"
        return answer, Shortfall(task.query, missing, reason)

    def _count_towards_split(self, state: Checkpoint, task: _Task, total: int | None) -> list[Shortfall]:
        """Add a part's total to its split; when the last part has counted, report what the parts miss."""
        if task.split is None or task.split not in state.splits:
            return []
        split = state.splits[task.split]
        split.found += total or 0
        split.pending -= 1
        if split.pending > 0:
            return []
        del state.splits[task.split]
        if split.found >= split.total:
            return []
        reason = (
            f"die Aufteilung nach {split.by} erfasst nur {split.found} von {split.total} Treffern "
            "(etwa Stellen im Ausland oder ohne diese Angabe)"
        )
        return [Shortfall(split.query, split.total - split.found, reason)]

    def _split(self, state: Checkpoint, task: _Task, answer: SearchAnswer) -> bool:
        """Replace a part over the cap by its parts with the first splitter that applies."""
        for name, splitter in self._splitters:
            parts = splitter(task.query, answer)
            if parts:
                state.splits[state.next_split] = _Split(task.query, name, answer.total or 0, len(parts))
                state.tasks[0:1] = [_Task(part, split=state.next_split) for part in parts]
                state.next_split += 1
                return True
        return False

    @staticmethod
    def _has_next(task: _Task, received: int, size: int) -> bool:
        if (task.page + 1) * size > MAX_REACHABLE:
            return False
        if task.total is None:
            return received == size
        return task.page * size < task.total

    def _records(
        self, query: JobQuery, number: int, items: list[Any], seen: set[str]
    ) -> tuple[tuple[RawRecord, ...], tuple[ReadError, ...], tuple[str, ...], int]:
        """Return the page's records, unusable items, detail failures and the count of repeats skipped."""
        records: list[RawRecord] = []
        errors: list[ReadError] = []
        failures: list[str] = []
        duplicates = 0
        where = query.describe()
        for index, item in enumerate(items):
            locator = f"{self.version} Seite {number} [{index}] {where}"[:200]
            refnr = refnr_of(item) if isinstance(item, dict) else None
            if refnr is None:
                errors.append(ReadError(API_SOURCE, locator, _unusable(item)))
            elif refnr in seen:
                duplicates += 1
            else:
                seen.add(refnr)
                records.append(RawRecord(API_SOURCE, refnr, self._payload(item, refnr, failures), locator))
        return tuple(records), tuple(errors), tuple(failures), duplicates

    def _payload(self, item: JsonObject, refnr: str, failures: list[str]) -> JsonObject:
        if not self.details_enabled:
            return item
        try:
            details = self.details(refnr)
        except UnexpectedStatus as exc:
            failures.append(f"{refnr}: {exc}")
            details = None
        return {SEARCH_PART: item, DETAILS_PART: details}

    def _answer(self, url: str, data: Any) -> SearchAnswer:
        if not isinstance(data, dict):
            raise UpstreamError(f"{url}: the answer is not a JSON object", url=url)
        key = ITEM_LISTS[self.version]
        if key not in data and "maxErgebnisse" not in data:
            raise UpstreamError(f"{url}: the answer has neither '{key}' nor 'maxErgebnisse'", url=url)
        items = data.get(key) or []
        if not isinstance(items, list):
            raise UpstreamError(f"{url}: '{key}' is not a list", url=url)
        return SearchAnswer(items, _count(data.get("maxErgebnisse")), _facets(data.get("facetten")))


def _missing(answer: SearchAnswer, page: int, size: int) -> int:
    """Return how many items the page lacks against what maxErgebnisse promises for it."""
    if answer.total is None:
        return 0
    expected = max(0, min(size, answer.total - (page - 1) * size))
    return max(0, expected - len(answer.items))


def _count(value: Any) -> int | None:
    """Return maxErgebnisse, a number in v6 and a string in v4."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _facets(value: Any) -> dict[str, dict[str, int]]:
    """Return facet counts by name; the spec shows a list of objects, answers an object."""
    parts = value if isinstance(value, list) else [value]
    facets: dict[str, dict[str, int]] = {}
    for part in parts:
        if not isinstance(part, dict):
            continue
        for name, facet in part.items():
            counts = facet.get("counts") if isinstance(facet, dict) else None
            if isinstance(counts, dict):
                facets[name] = {str(k): n for k, n in counts.items() if isinstance(n, int)}
    return facets


def _unusable(item: Any) -> str:
    if not isinstance(item, dict):
        return f"expected a JSON object, got {type(item).__name__}"
    return "no 'referenznummer' or 'refnr' (the BA reference number identifies the posting)"
