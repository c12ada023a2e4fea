"""Occupations of the KldB 2010 taxonomy and the BA occupation names (Berufe) filed under them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stellwerk.domain.text import fold, slugify

# A word followed by "/" and an alternative: "Techniker/in", "Kaufmann/-frau", "Arzt/Ärztin", "Beamte/r".
_SLASH_PAIR = re.compile(r"(?P<left>\w+)/(?P<right>-?\w+)")
_FEMININE_ENDINGS = ("in", "innen", "frau", "frauen", "ess", "ette")
# Adjective endings written after a slash ("Technische/r") complete the masculine form.
_ADJECTIVE_ENDINGS = frozenset({"r", "n", "s"})
# Bracketed endings glued to a word: "Beamt(er/in)" -> "Beamt(er)" -> "Beamter"; "Lehrer(innen)" -> "Lehrer".
_BRACKETED_ENDING = re.compile(r"(?<=\w)\((?P<ending>e|er|r|n|s|in|innen)\)")


@dataclass(frozen=True, slots=True)
class Occupation:
    """A KldB 2010 occupation at the finest level (5-digit code)."""

    kldb: str
    name: str


@dataclass(frozen=True, slots=True)
class Beruf:
    """A BA occupation name ("Medizininformatiker/in") filed under one KldB code."""

    id: str
    kldb: str
    name: str
    long_name: str
    kind: str
    slug: str


def masculine_form(name: str) -> str:
    """Drop the feminine alternatives of a BA name: "Kaufmann/-frau - Büro" -> "Kaufmann - Büro"."""
    return _BRACKETED_ENDING.sub(_bracketed_masculine, _SLASH_PAIR.sub(_pick_masculine, name))


def beruf_slug(name: str) -> str:
    """Return the URL slug of a BA occupation name without gender suffixes."""
    return slugify(masculine_form(name))


def _pick_masculine(match: re.Match[str]) -> str:
    left, right = match["left"], match["right"]
    if right in _ADJECTIVE_ENDINGS:
        return left + right
    if right == "e" or (right.startswith("-") and right.endswith(_FEMININE_ENDINGS)):
        return left
    if _is_feminine_of(left, right):
        return left
    # Everything else is an enumeration ("Sozialarbeit/Sozialpädagogik") and stays as written.
    return match[0]


def _bracketed_masculine(match: re.Match[str]) -> str:
    ending = match["ending"]
    return "" if ending in ("in", "innen") else ending


def _is_feminine_of(left: str, right: str) -> bool:
    """Tell whether right is the feminine of left: "in" alone, or the same stem with a feminine ending."""
    if right in ("in", "innen", "frau"):
        return True
    loose_left, loose_right = _loose(left), _loose(right)
    same_stem = loose_left[:3] == loose_right[:3]
    french = loose_right == loose_left + "e"  # Croupier/Croupière
    latin = loose_left.endswith("er") and loose_right == loose_left[:-2] + "ra"  # Magister/Magistra
    return same_stem and (loose_right.endswith(("in", "ette")) or french or latin)


def _loose(word: str) -> str:
    # Umlauts drop their dots here so "Arzt" and "Ärztin" share a stem.
    return fold(word).replace("ae", "a").replace("oe", "o").replace("ue", "u")
