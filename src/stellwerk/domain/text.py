"""Small text helpers shared by every layer: Unicode normalisation, folding, slugs."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Return text in Unicode NFC with surrounding whitespace removed."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Fold German text for matching: lower case, umlauts and ß spelled out, other accents dropped."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFC", text).translate(_FOLD).lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """Return an ASCII URL slug, German-aware ("Würzburg" -> "wuerzburg")."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")
