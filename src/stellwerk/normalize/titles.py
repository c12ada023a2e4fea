"""Clean job titles for display and matching, keeping the title as published elsewhere."""

from __future__ import annotations

import functools
import re

from stellwerk.domain.text import nfc

# "(m/w/d)", "(w/m/d)", "(d/m/w)", "(m/f/d)", "(gn)", "m/w/x", "(all genders)" and friends.
_GENDER_GROUP = re.compile(
    r"""\s*[(\[]\s*(?:[mwfdx]\s*[/|,.]\s*){1,3}[mwfdx]\s*[)\]]"""
    r"""|\s*[(\[]\s*(?:gn|all\s+genders?|genderneutral|divers)\s*[)\]]"""
    r"""|(?<![\w/])(?:[mwfd]\s*/\s*){2}[mwfdx](?![\w/])""",
    re.IGNORECASE,
)
# Informatiker*in, Informatiker:in, Informatiker_in, Informatiker/-in, Informatiker/in, Informatiker(in).
_GENDER_SUFFIX = re.compile(r"(?<=[a-zäöüß])(?:[*:_]|/-?|\()(in|innen)\)?(?![a-zäöüß])", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_TRAILING_PUNCT = re.compile(r"[\s,;:\-–—|/]+$")


# Imports and the classifier clean the same titles over and over ("Verkäufer (m/w/d)").
@functools.lru_cache(maxsize=50_000)
def clean_title(title: str) -> str:
    """Return the title without gender markers and stray punctuation ("Pfleger (m/w/d)" -> "Pfleger")."""
    text = _GENDER_GROUP.sub(" ", nfc(title))
    text = _GENDER_SUFFIX.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return _TRAILING_PUNCT.sub("", text).strip() or nfc(title)
