"""Skills named in postings: a curated skill and where a text mentions it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill of the curated lexicon: stable slug id, German display label, category id."""

    id: str
    label: str
    category: str


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """A skill found in a text: the words as written and their span, `text[start:end] == matched`."""

    skill: Skill
    matched: str
    start: int
    end: int
