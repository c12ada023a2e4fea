"""The curated, versioned search lexicon in data/synonyms_de.toml: synonym groups and compound words."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from stellwerk.domain.text import fold

PACKAGED_FILE = "data/synonyms_de.toml"
_VERSION = re.compile(r"\d{4}\.\d{2}\.\d+")


class LexiconError(ValueError):
    """The synonym file breaks one of its rules (version, changelog, a form in two groups ...)."""


@dataclass(frozen=True, slots=True)
class SearchLexicon:
    """Synonym groups (forms as written) and extra words for the compound splitter, with their version."""

    version: str
    groups: tuple[tuple[str, ...], ...]
    compound_words: tuple[str, ...]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> SearchLexicon:
        """Build the lexicon from a parsed TOML document, checking its rules."""
        version = str(document.get("version", ""))
        if not _VERSION.fullmatch(version):
            raise LexiconError(f"version {version!r} is not of the form YYYY.MM.N")
        changelog = document.get("changelog") or [{}]
        if changelog[0].get("version") != version:
            raise LexiconError(f"the first changelog entry must describe version {version!r}")
        groups = tuple(_group(entry) for entry in document.get("synonyms", []))
        _check_unique(groups)
        words = tuple(str(w) for w in document.get("compounds", {}).get("words", []))
        return cls(version, groups, words)

    @classmethod
    def load(cls, path: Path | None = None) -> SearchLexicon:
        """Load the lexicon from a TOML file, by default the packaged one."""
        source = path or resources.files("stellwerk").joinpath(PACKAGED_FILE)
        return cls.from_document(tomllib.loads(source.read_text(encoding="utf-8")))


def _group(entry: Mapping[str, Any]) -> tuple[str, ...]:
    forms = tuple(str(form).strip() for form in entry.get("forms", []))
    if len(forms) < 2 or not all(forms):
        raise LexiconError(f"a synonym group needs at least two non-empty forms: {forms}")
    return forms


def _check_unique(groups: Sequence[tuple[str, ...]]) -> None:
    seen: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for form in group:
            key = " ".join(fold(form).split())
            if key in seen:
                raise LexiconError(f"{form!r} is in two synonym groups: {seen[key]} and {group}")
            seen[key] = group


@functools.cache
def default_lexicon() -> SearchLexicon:
    """Return the packaged lexicon, loaded once per process."""
    return SearchLexicon.load()
