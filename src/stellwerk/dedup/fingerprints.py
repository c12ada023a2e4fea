"""What dedup knows of a posting: normalised keys of title, employer and place, a digest and a signature.

Normalisation is for matching only and forgiving on purpose: HTML, gender markers, umlauts, legal forms of
employers and title noise ("in Vollzeit", "ab sofort", the place name) are what differs between copies of one
ad on different sources, so none of it may tell two copies apart.
"""

from __future__ import annotations

import base64
import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from stellwerk.dedup.minhash import MinHasher, Signature
from stellwerk.domain.occupations import masculine_form
from stellwerk.normalize.titles import clean_title

# Bump when tokens, shingles or hashing change: stored fingerprints of another version must be recomputed.
FINGERPRINT_VERSION = 1

_UMLAUTS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))
_WORD = re.compile(r"[a-z0-9]+")
# Long texts become words as Latin-1 bytes, many times faster than regular expressions or str methods on
# non-ASCII text: characters outside Latin-1 (dashes, quotes, bullets, "€") become "?", a translation table
# turns letters into lower-case ASCII base letters (ä -> a, ß -> s, é -> e) and everything else into spaces.
# Titles spell umlauts out instead (ä -> ae); both ways are consistent, so only a text transliterated by its
# source ("Mueller" for "Müller") loses the shingles of such words.
_TEXT_BYTES = bytes(
    byte + 0x20 if 0x41 <= byte <= 0x5A else byte if 0x61 <= byte <= 0x7A or 0x30 <= byte <= 0x39 else 0x20
    for byte in range(0xC0)
) + bytes(
    ord("s") if char == "ß" else ord(base) if base.isascii() and base.isalpha() else 0x20
    for char in map(chr, range(0xC0, 0x100))
    for base in [unicodedata.normalize("NFKD", char)[0].lower()]
)
_COMBINING_DIAERESIS = "\u0308"
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# "NTT DATA Deutschland SE: Solution Manager": some boards put the employer before the title.
_EMPLOYER_PREFIX = re.compile(
    r"^[^:]{0,80}?\b(?:GmbH|gGmbH|AG|SE|KG|KGaA|mbH|OHG|UG|GbR|e\.\s?V\.)(?:\W[^:]{0,40})?:\s+"
)
_TRIGRAM_PAD = " "

# Words that say how or when, not what: copies of one ad differ in them ("Koch (m/w/d) Vollzeit ab sofort").
TITLE_NOISE = frozenset({
    "m", "w", "d", "f", "x", "gn", "mwd", "wmd", "mfd", "dmw", "divers", "all", "genders", "gender", "alle",
    "geschlechter", "vollzeit", "teilzeit", "vz", "tz", "voll", "teil", "oder", "befristet", "unbefristet",
    "ab", "sofort", "zum", "zur", "naechstmoeglichen", "zeitpunkt", "job", "jobs", "stelle", "stellenangebot",
    "stellenanzeige", "gesucht", "wir", "suchen", "sie", "dich", "neu", "new", "top", "dringend",
    "homeoffice", "home", "office", "remote", "hybrid", "hybrides", "mobiles", "mobile", "arbeiten", "in",
    "im", "fuer", "der", "die", "das", "den", "dem", "und", "mit", "bei", "am", "an", "als", "zu", "von",
    "vom", "u", "a", "eine", "einen", "ein", "mann", "frau", "deutschlandweit", "bundesweit", "standort",
    "raum", "naehe", "region", "minijob",
})  # fmt: skip
# Working times a title states: noise when one title says nothing, another offer when two titles disagree.
WORKING_TIMES = frozenset({"vollzeit", "teilzeit", "minijob"})
# "VZ", and "Voll- oder Teilzeit" / "Teil- und Vollzeit", whose first half is cut off by the hyphen.
_WORKING_TIME_ABBREVIATIONS = {"vz": "vollzeit", "tz": "teilzeit", "voll": "vollzeit", "teil": "teilzeit"}
# Words that make a different job of the same trade: a junior is not the senior, the trainee not the master.
TITLE_QUALIFIERS = frozenset({
    "junior", "senior", "lead", "principal", "head", "chief", "leitung", "leiter", "teamleiter",
    "teamleitung", "stellvertretend", "stellvertretende", "stellvertretender", "stv", "werkstudent",
    "werkstudierende", "praktikant", "praktikum", "ausbildung", "azubi", "auszubildender", "auszubildende",
    "trainee", "duales", "dual", "studium", "aushilfe", "helfer", "volontariat", "volontaer", "referendar",
    "meister",
})  # fmt: skip
_FEMININE = re.compile(r"(er|or|eur|ant|ent|ist|ier|ar)(?:in|innen)$")
# Legal forms end the name that identifies an employer: "Hays Professional Solutions GmbH Standort Köln".
_LEGAL_FORMS = frozenset({
    "gmbh", "ggmbh", "mbh", "ag", "kg", "kgaa", "se", "ohg", "ug", "gbr", "eg", "ev", "aor", "kdoer",
    "partg", "partgmbb", "mbb", "ltd", "inc", "llc", "bv", "sarl", "sas", "plc", "gesmbh",
})  # fmt: skip
_BRANCH_WORDS = frozenset({"standort", "niederlassung", "filiale", "zweigniederlassung", "betriebsstaette"})
_NO_EMPLOYER = frozenset({"", "null", "none", "anonym", "anonymous", "nicht angegeben", "unbekannt", "k a"})


@dataclass(frozen=True, slots=True)
class DedupPosting:
    """The parts of a posting that decide whether it duplicates another; `place` is a key such as a place id.

    `employer_direct` marks a record from the employer's own channel (its form or its career page), which is
    preferred as the canonical member of a cluster.
    """

    id: str
    source: str
    title: str
    employer: str | None = None
    place: str | None = None
    place_name: str | None = None
    text: str = ""
    published: date | None = None
    first_seen: datetime | None = None
    content_hash: str | None = None
    employer_direct: bool = False


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Everything the clusterer compares, serialisable for the database (`to_dict`, `signature` bytes)."""

    posting_id: str
    source: str
    title: str
    title_key: str
    working_time: str
    employer: str | None
    employer_key: str | None
    place: str | None
    shingle_digest: str
    content_hash: str | None
    text_words: int
    shingle_count: int
    signature: bytes
    employer_direct: bool = False
    published: date | None = None
    first_seen: datetime | None = None

    def without_signature(self) -> Fingerprint:
        """Return a copy without the signature bytes, for holders that keep signatures in a matrix."""
        return Fingerprint(
            self.posting_id, self.source, self.title, self.title_key, self.working_time, self.employer,
            self.employer_key, self.place, self.shingle_digest, self.content_hash, self.text_words,
            self.shingle_count, b"", self.employer_direct, self.published, self.first_seen,
        )  # fmt: skip

    def signature_array(self) -> Signature:
        """Return the signature as a numpy array (a view of the stored bytes)."""
        return np.frombuffer(self.signature, dtype=np.uint32)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict, signature in base64, that `from_dict` reads back."""
        return {
            "version": FINGERPRINT_VERSION,
            "posting_id": self.posting_id,
            "source": self.source,
            "title": self.title,
            "title_key": self.title_key,
            "working_time": self.working_time,
            "employer": self.employer,
            "employer_key": self.employer_key,
            "place": self.place,
            "shingle_digest": self.shingle_digest,
            "content_hash": self.content_hash,
            "text_words": self.text_words,
            "shingle_count": self.shingle_count,
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "employer_direct": self.employer_direct,
            "published": self.published.isoformat() if self.published else None,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fingerprint:
        """Read a dict written by `to_dict`; raise StaleFingerprintError if it is of another version."""
        if data.get("version") != FINGERPRINT_VERSION:
            raise StaleFingerprintError(
                f"fingerprint version {data.get('version')!r}, expected {FINGERPRINT_VERSION}"
            )
        fields = {key: value for key, value in data.items() if key != "version"}
        fields["signature"] = base64.b64decode(data["signature"])
        fields["published"] = date.fromisoformat(data["published"]) if data["published"] else None
        fields["first_seen"] = datetime.fromisoformat(data["first_seen"]) if data["first_seen"] else None
        return cls(**fields)


class StaleFingerprintError(ValueError):
    """A stored fingerprint of another fingerprinting version; compute it again from the posting."""


def fingerprint(posting: DedupPosting, hasher: MinHasher) -> Fingerprint:
    """Compute the fingerprint of a posting: keys, digest and the MinHash signature."""
    return fingerprints([posting], hasher)[0]


def fingerprints(postings: Sequence[DedupPosting], hasher: MinHasher) -> list[Fingerprint]:
    """Compute the fingerprints of many postings at once, which is several times faster per posting."""
    parts = [_Parts.of(posting) for posting in postings]
    sketches = hasher.sketch([part.document for part in parts])
    return [
        Fingerprint(
            posting_id=posting.id,
            source=posting.source,
            title=part.title,
            title_key=" ".join(part.title_words),
            working_time=part.working_time,
            employer=part.employer,
            employer_key=part.employer_key,
            place=posting.place or None,
            shingle_digest=digest,
            content_hash=posting.content_hash or None,
            text_words=words - part.head_words,
            shingle_count=size,
            signature=signature.tobytes(),
            employer_direct=posting.employer_direct,
            published=posting.published,
            first_seen=posting.first_seen,
        )
        for posting, part, signature, words, size, digest in zip(
            postings,
            parts,
            sketches.signatures,
            sketches.words.tolist(),
            sketches.sizes.tolist(),
            sketches.digests,
            strict=True,
        )
    ]


@dataclass(frozen=True, slots=True)
class _Parts:
    title: str
    title_words: list[str]
    working_time: str
    employer: str | None
    employer_key: str | None
    document: bytes
    head_words: int

    @classmethod
    def of(cls, posting: DedupPosting) -> _Parts:
        employer, employer_key = _employer_parts(posting.employer)
        title, title_words, working_time = _title_parts(posting.title, posting.place_name, employer_key)
        # The title key rather than the title as written: noise words and word order must not count.
        head = [*title_words, *(employer_key or "").split()]
        document = " ".join(head).encode("ascii") + b" " + text_bytes(posting.text)
        return cls(title, title_words, working_time, employer, employer_key, document, len(head))


def words(text: str) -> list[str]:
    """Return the folded words of a text: lower case, umlauts spelled out, punctuation dropped."""
    return _WORD.findall(_fold(text))


def _fold(text: str) -> str:
    """Return text in lower case with umlauts and ß spelled out; other letters outside a-z stay."""
    text = text.lower()
    if text.isascii():
        return text
    for umlaut, spelled in _UMLAUTS:
        text = text.replace(umlaut, spelled)
    return text


def text_bytes(text: str) -> bytes:
    """Return a text as the hasher reads it: words of a-z and 0-9 between spaces, accents dropped."""
    text = _plain(text)
    if _COMBINING_DIAERESIS in text:
        text = unicodedata.normalize("NFC", text)
    return text.encode("latin-1", "replace").translate(_TEXT_BYTES)


def title_tokens(title: str, place_name: str | None = None, employer_key: str | None = None) -> list[str]:
    """Return the sorted distinct words that say what the job is: no noise, gender form, place, employer."""
    place_words = set(words(place_name)) if place_name else set()
    tokens = {_masculine_word(word) for word in words(masculine_form(title))} - TITLE_NOISE - place_words
    tokens -= _LEGAL_FORMS
    # "NTT DATA Deutschland SE: Solution Manager": the employer's name is no part of the job, unless it is
    # all there is ("Koch" at "Koch GmbH").
    without_employer = tokens - set(employer_key.split()) if employer_key else tokens
    return sorted(without_employer or tokens)


def employer_key_of(name: str | None) -> str | None:
    """Return the employer's name as a matching key: folded, legal form and branch suffix cut off."""
    tokens = words(_plain(name or ""))
    if " ".join(tokens) in _NO_EMPLOYER:
        return None
    # "Rummel & Glass" and "Rummel und Glass" are one firm; the "&" is no word already.
    tokens = [word for word in _join_ev(tokens) if word != "und"]
    cut = next((i for i, word in enumerate(tokens) if word in _LEGAL_FORMS or word in _BRANCH_WORDS), None)
    kept = tokens[:cut] if cut else [word for word in tokens if word not in _LEGAL_FORMS]
    return " ".join(kept) or None


def employers_compatible(first: str, second: str) -> bool:
    """Tell whether two employer keys may name one employer: equal, or one a word prefix of the other."""
    shorter, longer = sorted((first.split(), second.split()), key=len)
    return longer[: len(shorter)] == shorter


def title_similarity(first: str, second: str) -> float:
    """Return the Jaccard similarity of the letter trigrams of two title keys (word order does not count)."""
    if first == second:
        return 1.0
    left, right = _trigrams(first), _trigrams(second)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def title_conflict(first: str, second: str) -> str | None:
    """Return the word that makes two titles different jobs (a number or a qualifier such as "Senior")."""
    left, right = set(first.split()), set(second.split())
    for word in sorted(left ^ right):
        if word.isdigit() or word in TITLE_QUALIFIERS:
            return word
    return None


@functools.lru_cache(maxsize=65_536)
def _title_parts(raw: str, place_name: str | None, employer_key: str | None) -> tuple[str, list[str], str]:
    # Titles repeat a lot ("Verkäufer (m/w/d)"), and cleaning one takes a dozen regular expressions.
    title = clean_title(_plain(raw))
    title = _EMPLOYER_PREFIX.sub("", title) or title
    stated = {_WORKING_TIME_ABBREVIATIONS.get(word, word) for word in words(title)}
    working_time = " ".join(sorted(WORKING_TIMES & stated))
    return title, title_tokens(title, place_name, employer_key), working_time


def working_time_conflict(first: str, second: str) -> bool:
    """Tell whether two titles state working times that exclude each other ("Vollzeit" / "Teilzeit")."""
    return bool(first and second and not set(first.split()) & set(second.split()))


def _plain(text: str) -> str:
    if "<" in text:
        text = _TAG.sub(" ", text)
    # "Data & AI" is common and needs no unescaping, which is slow on long texts.
    return html.unescape(text) if "&" in text and _ENTITY.search(text) else text


def _masculine_word(word: str) -> str:
    # "Erzieherin" and "Erzieher", "Kauffrau" and "Kaufmann" are one job.
    if len(word) > 6 and word.endswith("frau"):
        return word[:-4] + "mann"
    return _FEMININE.sub(r"\1", word) if len(word) > 6 else word


def _join_ev(tokens: list[str]) -> list[str]:
    # "e.V." and "e. V." arrive as the two words "e" and "v".
    joined: list[str] = []
    for word in tokens:
        if word == "v" and joined and joined[-1] == "e":
            joined[-1] = "ev"
        else:
            joined.append(word)
    return joined


@functools.lru_cache(maxsize=65_536)
def _employer_parts(name: str | None) -> tuple[str | None, str | None]:
    key = employer_key_of(name)
    return (" ".join(_plain(name).split()) if name and key else None), key


@functools.lru_cache(maxsize=65_536)
def _trigrams(key: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in key.split():
        padded = f"{_TRIGRAM_PAD}{word}{_TRIGRAM_PAD}"
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)
