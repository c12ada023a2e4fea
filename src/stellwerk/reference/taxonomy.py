"""The occupation taxonomy: KldB 2010 codes, BA occupation names (Berufe) and BA job titles."""

from __future__ import annotations

import difflib
import functools
import gzip
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from stellwerk.domain.occupations import Beruf, Occupation, masculine_form
from stellwerk.domain.text import fold, nfc
from stellwerk.reference.gazetteer import name_key

KLDB_FILE = "kldb.tsv.gz"
BERUFE_FILE = "berufe.tsv.gz"
JOB_TITLES_FILE = "job_titles.tsv.gz"
MAX_SUGGESTIONS = 5

_KLDB5 = re.compile(r"\d{5}")


class UnknownOccupation(LookupError):
    """No occupation matches the key; suggestions hold close Berufe."""

    def __init__(self, query: str, suggestions: Sequence[Beruf] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(b.name for b in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown occupation {query!r}{hint}")


def search_key(name: str) -> str:
    """Return the matching key of an occupation name: its masculine form's folded words."""
    return name_key(masculine_form(name))


class Taxonomy:
    """KldB 2010 occupations with their BA Berufe and job titles."""

    def __init__(
        self,
        occupations: Iterable[Occupation],
        berufe: Iterable[Beruf],
        job_titles: Iterable[tuple[str, str]],
    ) -> None:
        self.occupations: Sequence[Occupation] = tuple(sorted(occupations, key=lambda o: o.kldb))
        # Where several Berufe share a name, the Tätigkeit with the lowest id stands for it.
        self.berufe: Sequence[Beruf] = tuple(sorted(berufe, key=_preference))
        self._occupations = {o.kldb: o for o in self.occupations}
        self._by_slug = {b.slug: b for b in self.berufe}
        self._by_name: dict[str, Beruf] = {}
        self._by_kldb: dict[str, list[Beruf]] = {}
        for beruf in self.berufe:
            self._by_name.setdefault(beruf.name, beruf)
            self._by_kldb.setdefault(beruf.kldb, []).append(beruf)
        self._titles: dict[str, list[str]] = {}
        self._title_codes: dict[str, str] = {}
        for kldb, title in job_titles:
            self._titles.setdefault(kldb, []).append(title)
            self._title_codes.setdefault(_folded(title), kldb)

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        """Load the taxonomy from a directory of kldb, berufe and job-title files (default: packaged)."""
        directory: Traversable = path if path else resources.files("stellwerk").joinpath("data")
        occupations = [Occupation(kldb, name) for kldb, name in _read_rows(directory / KLDB_FILE)]
        berufe = [
            Beruf(id=ident, kldb=kldb, name=name, long_name=long_name, kind=kind, slug=slug)
            for ident, kldb, kind, slug, name, long_name in _read_rows(directory / BERUFE_FILE)
        ]
        titles = [(kldb, title) for kldb, title in _read_rows(directory / JOB_TITLES_FILE)]
        return cls(occupations, berufe, titles)

    def occupation(self, kldb: str) -> Occupation | None:
        """Return the occupation of a 5-digit KldB code, if it exists."""
        return self._occupations.get(kldb.strip())

    def beruf_by_name(self, name: str) -> Beruf | None:
        """Return the Beruf with this exact BA short name (Jobsuche `beruf` field), else a folded match."""
        return self._by_name.get(name) or self._by_folded_name.get(_folded(name))

    def beruf_by_slug(self, slug: str) -> Beruf | None:
        """Return the Beruf with this slug, if any."""
        return self._by_slug.get(slug.strip().lower())

    def berufe_for(self, kldb: str) -> list[Beruf]:
        """Return the Berufe filed under a KldB code, Tätigkeiten first."""
        return list(self._by_kldb.get(kldb.strip(), []))

    def titles_for(self, kldb: str) -> list[str]:
        """Return the BA job titles of a KldB code, sorted."""
        return list(self._titles.get(kldb.strip(), []))

    def kldb_for_title(self, title: str) -> str | None:
        """Return the KldB code of a title in the BA Berufs- und Tätigkeitsverzeichnis (folded match)."""
        return self._title_codes.get(_folded(title))

    def resolve_occupation(self, key: str) -> tuple[Occupation, Beruf | None]:
        """Resolve a 5-digit KldB code, a Beruf slug or a BA name to its occupation (and Beruf)."""
        key = nfc(key)
        if _KLDB5.fullmatch(key):
            occupation = self.occupation(key)
            if occupation is None:
                raise UnknownOccupation(key, self._neighbours(key))
            return occupation, None
        beruf = self.beruf_by_slug(key) or self.beruf_by_name(key)
        occupation = self.occupation(beruf.kldb) if beruf else None
        if beruf is None or occupation is None:
            raise UnknownOccupation(key, self._suggestions(key))
        return occupation, beruf

    def suggest(self, prefix: str, limit: int = 10) -> list[Beruf]:
        """Return Berufe whose name or one of its words starts with prefix, whole-name matches first."""
        query = search_key(prefix)
        if not query:
            return []
        ranked: list[tuple[bool, int, Beruf]] = []
        for key, beruf in self._search_keys:
            if f" {query}" in f" {key}":
                ranked.append((not key.startswith(query), len(key), beruf))
        ranked.sort(key=lambda item: (item[0], item[2].kind != "t", item[1], item[2].name, int(item[2].id)))
        return _unique_names(beruf for _, _, beruf in ranked)[:limit]

    @functools.cached_property
    def _by_folded_name(self) -> dict[str, Beruf]:
        folded: dict[str, Beruf] = {}
        for beruf in self.berufe:
            folded.setdefault(_folded(beruf.name), beruf)
        return folded

    @functools.cached_property
    def _search_keys(self) -> list[tuple[str, Beruf]]:
        return [(search_key(beruf.name), beruf) for beruf in self.berufe]

    @functools.cached_property
    def _slugs(self) -> list[str]:
        return sorted(self._by_slug)

    def _neighbours(self, kldb: str) -> list[Beruf]:
        # The first four digits name the occupation group; the fifth only the requirement level.
        codes = [o.kldb for o in self.occupations if o.kldb[:4] == kldb[:4]]
        return _unique_names(b for code in codes for b in self._by_kldb.get(code, []))[:MAX_SUGGESTIONS]

    def _suggestions(self, key: str) -> list[Beruf]:
        found = {b.slug: b for b in self.suggest(key, MAX_SUGGESTIONS)}
        slug = "-".join(search_key(key).split())
        for close in difflib.get_close_matches(slug, self._slugs, n=MAX_SUGGESTIONS, cutoff=0.75):
            found.setdefault(close, self._by_slug[close])
        return list(found.values())[:MAX_SUGGESTIONS]


@functools.cache
def default_taxonomy() -> Taxonomy:
    """Return the packaged taxonomy, loaded once per process."""
    return Taxonomy.load()


def _read_rows(source: Traversable) -> list[list[str]]:
    text = gzip.decompress(source.read_bytes()).decode("utf-8")
    return [line.split("\t") for line in text.split("\n") if line and not line.startswith("#")]


def _preference(beruf: Beruf) -> tuple[bool, int]:
    return beruf.kind != "t", int(beruf.id)


def _folded(name: str) -> str:
    return " ".join(fold(name).split())


def _unique_names(berufe: Iterable[Beruf]) -> list[Beruf]:
    first: dict[str, Beruf] = {}
    for beruf in berufe:
        first.setdefault(beruf.name, beruf)
    return list(first.values())
