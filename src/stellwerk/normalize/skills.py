"""Find the skills a posting names, with the curated, versioned lexicon in data/skills_de.toml.

All forms of all skills are compiled into one regular expression, a trie of alternations, so a text is
scanned once whatever the size of the lexicon. The scan runs on the lower-cased text, which has the same
length as the text, so spans point into the text as given. Umlauts match in either spelling ("ä" or "ae",
"ß" or "ss") because the pattern, not the text, carries the folding.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from stellwerk.domain.skills import Skill, SkillMatch
from stellwerk.domain.text import fold, slugify

SKILLS_FILE = "skills_de.toml"
# Inside a compound only long forms are safe: "Datenschutz" in "Datenschutzkenntnisse" is the skill,
# "SAP" in "Sapphire" or "Go" in "Gorilla" is not.
MIN_COMPOUND_LETTERS = 4

_VERSION = re.compile(r"\d{4}\.\d{1,2}\.\d+")
# A space or hyphen inside a form stands for any of them, or for none: "Power BI" = "Power-BI" = "PowerBI".
_GAP_CHARS = " \t\n\r\f\v\xa0\u2010\u2011-"
_GAP = re.compile(f"[{re.escape(_GAP_CHARS)}]+")
_GAP_PATTERN = f"[{re.escape(_GAP_CHARS)}]{{0,3}}"
# A form ending in "-" is the elided head of a coordination: "Kommunikations- und Teamfähigkeit".
_ELISION_PATTERN = r"-(?=\s*(?:(?:und|oder|sowie|bzw)\b|[&,/]))"
_GAP_UNIT = "\0gap"
_SPELLINGS: dict[str, tuple[tuple[str, ...], ...]] = {
    "ae": (("a", "e"), ("ä",)),
    "oe": (("o", "e"), ("ö",)),
    "ue": (("u", "e"), ("ü",)),
    "ss": (("s", "s"), ("ß",)),
}
_UNIT = re.compile(r"ae|oe|ue|ss|.", re.DOTALL)
_WORD = re.compile(r"\w")
_UMLAUTS = frozenset("äöüßÄÖÜẞ")
# A form ends at a word boundary; "@" counts as part of the word so that "recruiting@firma.de" stays out.
_WHOLE_WORD = r"(?![\w@])"
_COMPOUND_END = r"(?![\w.\-]*@)"
# Web and mail addresses are skipped whole: "www.firma.de/datenschutz" names no skill.
_ADDRESS_PATTERNS = (r"https?://\S*", r"www\.\S*")
_ELISION = "\0elision"
_MAX_SPELLINGS = 100_000
_SKILL_KEYS = frozenset({"id", "label", "category", "variants", "compounds", "case_sensitive", "match_label"})


class LexiconError(ValueError):
    """The lexicon breaks one of its rules (unknown category, duplicate id or form, bad version ...)."""


@dataclass(frozen=True, slots=True)
class SkillEntry:
    """A skill with every form that names it: whole words, compound heads, exact-case short forms."""

    skill: Skill
    variants: tuple[str, ...] = ()
    compounds: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Combination:
    """A form that names several skills at once, such as "SAP FI/CO"."""

    form: str
    skill_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Form:
    text: str
    skills: tuple[Skill, ...]
    compound: bool = False
    case_sensitive: bool = False


# Marks a spelling not looked up yet; None means "looked up: a web address, no form".
_UNKNOWN = _Form("", ())


class SkillLexicon:
    """The curated skills, their forms, and one compiled pattern that finds them all."""

    def __init__(
        self,
        version: str,
        categories: Mapping[str, str],
        entries: Iterable[SkillEntry],
        combinations: Iterable[Combination] = (),
        ignored: Iterable[str] = (),
    ) -> None:
        if not _VERSION.fullmatch(version):
            raise LexiconError(f"version {version!r} is not of the form YYYY.MM.N")
        self.version = version
        self.categories: Mapping[str, str] = dict(categories)
        self.entries: Sequence[SkillEntry] = tuple(entries)
        self.skills: Sequence[Skill] = tuple(entry.skill for entry in self.entries)
        self._by_id = _index_skills(self.skills, self.categories)
        forms = list(_entry_forms(self.entries))
        forms += [_combination_form(combination, self._by_id) for combination in combinations]
        # Stop phrases match like compound heads and name no skill: the page footer's "Impressum Datenschutz".
        forms += [_Form(text, (), compound=True) for text in ignored]
        self._forms = _index_forms(forms)
        self._pattern = re.compile(_separator_class() + _trie_pattern(self._forms))
        self._spelled: dict[str, _Form | None] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> SkillLexicon:
        """Load a lexicon from a TOML file (default: the packaged skills_de.toml)."""
        source: Traversable = path if path else resources.files("stellwerk") / "data" / SKILLS_FILE
        with source.open("rb") as handle:
            try:
                document = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise LexiconError(f"{source}: {error}") from error
        return cls.from_document(document)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> SkillLexicon:
        """Build a lexicon from a parsed TOML document (version, changelog, categories, skills ...)."""
        version = str(document.get("version", ""))
        changelog = document.get("changelog") or [{}]
        if changelog[0].get("version") != version:
            raise LexiconError(f"the first changelog entry must describe version {version!r}")
        entries = [_entry(table) for table in document.get("skill", [])]
        combinations = [_combination(table) for table in document.get("combination", [])]
        ignored = _strings(document.get("ignore", {}), "forms", "the ignore table")
        return cls(version, document.get("categories", {}), entries, combinations, ignored)

    def skill(self, skill_id: str) -> Skill:
        """Return the skill of an id; KeyError when the lexicon has none."""
        return self._by_id[skill_id]

    def forms(self) -> Mapping[str, tuple[Skill, ...]]:
        """Return every matchable form as written in the lexicon, with the skills it names (none: ignored)."""
        return {form.text: form.skills for form in self._forms.values()}

    def extract(self, text: str) -> list[SkillMatch]:
        """Return each skill the text names once, at its first mention, in order of appearance.

        Spans index the text as given; text that is not in NFC is normalised first and spans index that.
        """
        if not text:
            return []
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        found: dict[str, SkillMatch] = {}
        # The leading space lets a form at the very start pass the separator the pattern begins with.
        for match in self._pattern.finditer(" " + _lower(text)):
            form = self._form_of(match[0])
            if form is None:
                continue
            # The match begins with the separator before the form; the text lacks the leading space.
            start, end = match.start(), match.end() - 1
            written = text[start:end]
            if (
                form.case_sensitive
                and written != form.text
                and _GAP.sub("", written) != _GAP.sub("", form.text)
            ):
                continue
            for skill in form.skills:
                if skill.id not in found:
                    found[skill.id] = SkillMatch(skill, written, start, end)
        return list(found.values())

    def _form_of(self, matched: str) -> _Form | None:
        """Return the form a match of the pattern spells (None for a web address), remembering the answer."""
        form = self._spelled.get(matched, _UNKNOWN)
        if form is _UNKNOWN:
            form = self._forms.get(_form_key(matched[1:]))
            # The spellings a text can give a form are few, but a text can hold any number of addresses.
            if len(self._spelled) < _MAX_SPELLINGS:
                self._spelled[matched] = form
        return form


@functools.cache
def default_lexicon() -> SkillLexicon:
    """Return the packaged lexicon, loaded and compiled once per process."""
    return SkillLexicon.load()


@functools.cache
def _separator_class() -> str:
    """Return a character class equal to [^\\w@], spelled as ranges (nothing starts after "@": mail domains).

    The regex engine tests a class of ranges with a bitmap but `[^\\w]` with a Unicode database lookup per
    character; the scan looks at every character, so this makes the whole extraction about a fifth faster.
    """
    bounds: list[tuple[int, int]] = []
    for code in range(0x10000):
        if _WORD.match(chr(code)) is None and chr(code) != "@" and not 0xD800 <= code <= 0xDFFF:
            if bounds and bounds[-1][1] == code - 1:
                bounds[-1] = (bounds[-1][0], code)
            else:
                bounds.append((code, code))
    # Beyond the Basic Multilingual Plane everything counts as a separator: emoji, rarely a letter.
    bounds.append((0x10000, 0x10FFFF))
    spelled = (
        re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in bounds
    )
    return "[" + "".join(spelled) + "]"


def _lower(text: str) -> str:
    # "İ" is the only character whose lower case is longer; spans must stay aligned with the text.
    return text.replace("İ", "I").lower() if "İ" in text else text.lower()


def _form_key(written: str) -> str:
    return _GAP.sub("", fold(written))


def _entry(table: Mapping[str, Any]) -> SkillEntry:
    unknown = set(table) - _SKILL_KEYS
    if unknown:
        raise LexiconError(f"skill {table.get('id')!r} has unknown keys {sorted(unknown)}")
    skill_id, label, category = table.get("id"), table.get("label"), table.get("category")
    if not (isinstance(skill_id, str) and isinstance(label, str) and isinstance(category, str)):
        raise LexiconError(f"skill {skill_id!r} needs an id, a label and a category as strings")
    skill = Skill(skill_id, label, category)
    where = f"skill {skill.id!r}"
    variants = _strings(table, "variants", where)
    compounds = _strings(table, "compounds", where)
    case_sensitive = _strings(table, "case_sensitive", where)
    # The label is a form too, unless the skill says otherwise or lists it with other matching rules.
    listed = {_form_key(form) for form in (*variants, *compounds, *case_sensitive)}
    if table.get("match_label", True) and _form_key(skill.label) not in listed:
        variants = (skill.label, *variants)
    return SkillEntry(skill, variants, compounds, case_sensitive)


def _combination(table: Mapping[str, Any]) -> Combination:
    form = table.get("form")
    if not isinstance(form, str):
        raise LexiconError(f"combination {table!r} needs a form")
    return Combination(form, _strings(table, "skills", f"combination {form!r}"))


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise LexiconError(f"{where}: {key} must be a list of strings")
    return tuple(values)


def _index_skills(skills: Sequence[Skill], categories: Mapping[str, str]) -> dict[str, Skill]:
    by_id: dict[str, Skill] = {}
    for skill in skills:
        if skill.id in by_id:
            raise LexiconError(f"skill id {skill.id!r} appears twice")
        if slugify(skill.id) != skill.id:
            raise LexiconError(f"skill id {skill.id!r} is not a slug")
        if skill.category not in categories:
            raise LexiconError(f"skill {skill.id!r} has unknown category {skill.category!r}")
        if not skill.label or unicodedata.normalize("NFC", skill.label) != skill.label:
            raise LexiconError(f"skill {skill.id!r} needs a label in NFC")
        by_id[skill.id] = skill
    return by_id


def _entry_forms(entries: Iterable[SkillEntry]) -> Iterator[_Form]:
    for entry in entries:
        skills = (entry.skill,)
        if not (entry.variants or entry.compounds or entry.case_sensitive):
            raise LexiconError(f"skill {entry.skill.id!r} has no form to match")
        yield from (_Form(text, skills) for text in entry.variants)
        yield from (_Form(text, skills, compound=True) for text in entry.compounds)
        yield from (_Form(text, skills, case_sensitive=True) for text in entry.case_sensitive)


def _combination_form(combination: Combination, by_id: Mapping[str, Skill]) -> _Form:
    unknown = [skill_id for skill_id in combination.skill_ids if skill_id not in by_id]
    if unknown or len(combination.skill_ids) < 2:
        raise LexiconError(f"combination {combination.form!r} must name two or more known skills: {unknown}")
    return _Form(combination.form, tuple(by_id[skill_id] for skill_id in combination.skill_ids))


def _index_forms(forms: Iterable[_Form]) -> dict[str, _Form]:
    by_key: dict[str, _Form] = {}
    for form in forms:
        key = _form_key(form.text)
        _check_form(form, key)
        if key in by_key:
            other = by_key[key]
            raise LexiconError(f"{_describe(form)} collides with {_describe(other)}")
        by_key[key] = form
    return by_key


def _describe(form: _Form) -> str:
    owner = ", ".join(skill.id for skill in form.skills) or "the ignore list"
    return f"form {form.text!r} of {owner}"


def _check_form(form: _Form, key: str) -> None:
    where = _describe(form)
    if not key or form.text.startswith(tuple(_GAP_CHARS)) or form.text != form.text.rstrip():
        raise LexiconError(f"{where} must not be empty or begin with a space or hyphen")
    # The text is lower-cased, not folded: a form with "é" would never meet its folded spelling "e".
    if any(fold(ch) != ch.lower() for ch in form.text if ch not in _UMLAUTS):
        raise LexiconError(f"{where} has a character that folding changes; spell it folded")
    if form.compound and sum(ch.isalpha() for ch in key) < MIN_COMPOUND_LETTERS:
        raise LexiconError(f"{where} is too short to match inside compounds")


def _spellings(form: _Form) -> Iterator[tuple[str, ...]]:
    """Yield the form as token sequences: characters, gaps, elision; each umlaut both ways ("ae", "ä")."""
    folded = fold(form.text)
    units = [_GAP_UNIT if _GAP.fullmatch(unit) else unit for unit in _UNIT.findall(folded.rstrip("-"))]
    # Runs of gap characters are one gap.
    units = [u for i, u in enumerate(units) if not (u == _GAP_UNIT and i and units[i - 1] == _GAP_UNIT)]
    if folded.endswith("-"):
        units.append(_ELISION)
    choices = [_SPELLINGS.get(unit, ((unit,),)) for unit in units]
    for combination in itertools.product(*choices):
        yield tuple(token for spelling in combination for token in spelling)


def _trie_pattern(forms: Mapping[str, _Form]) -> str:
    # Every branch of the trie starts with a literal character where possible: the regex engine skips
    # such branches with one comparison, which keeps the scan fast however many forms there are.
    root: dict[str, Any] = {}
    for form in forms.values():
        ends_free = form.compound or form.text.endswith("-")
        for spelling in _spellings(form):
            node = root
            for token in spelling:
                node = node.setdefault(token, {})
            node[""] = _COMPOUND_END if ends_free else _WHOLE_WORD
    return _node_pattern(root, _ADDRESS_PATTERNS)


def _node_pattern(node: Mapping[str, Any], extra: Sequence[str] = ()) -> str:
    # Characters before gaps before elisions, and the end of a form last: Python's alternation takes the
    # first branch that succeeds, so longer forms win.
    tokens = sorted(
        (token for token in node if token), key=lambda token: (token == _ELISION, token == _GAP_UNIT, token)
    )
    branches = [*extra, *(_token_pattern(token) + _node_pattern(node[token]) for token in tokens)]
    if "" in node:
        branches.append(node[""])
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _token_pattern(token: str) -> str:
    if token == _GAP_UNIT:
        return _GAP_PATTERN
    if token == _ELISION:
        return _ELISION_PATTERN
    return re.escape(token)
