"""Fingerprints: what of a posting survives the differences between sources, and what tells jobs apart."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.ads import NURSE_TEXT, aggregator_copy, as_html, nurse
from stellwerk.dedup.fingerprints import (
    FINGERPRINT_VERSION,
    DedupPosting,
    Fingerprint,
    StaleFingerprintError,
    employer_key_of,
    employers_compatible,
    fingerprint,
    fingerprints,
    text_bytes,
    title_conflict,
    title_similarity,
    working_time_conflict,
)
from stellwerk.dedup.minhash import MinHasher

HASHER = MinHasher()


def key(title: str, place: str | None = None, employer: str | None = None) -> str:
    posting = DedupPosting(id="1", source="ba", title=title, employer=employer, place_name=place)
    return fingerprint(posting, HASHER).title_key


@pytest.mark.parametrize(
    "variant",
    [
        "Pflegefachkraft (w/m/d) Intensivstation",
        "Pflegefachkraft Intensivstation (all genders) in Vollzeit",
        "Stellenangebot: Pflegefachkraft Intensivstation m/w/d ab sofort",
        "Intensivstation – Pflegefachkraft (gn) - Dortmund",
        "PFLEGEFACHKRAFT (M/W/D) INTENSIVSTATION",
        "Klinikum Dortmund gGmbH: Pflegefachkraft Intensivstation",
    ],
)
def test_title_noise_of_other_sources_leaves_the_same_title_key(variant: str) -> None:
    original = key("Pflegefachkraft (m/w/d) Intensivstation", "Dortmund", "Klinikum Dortmund gGmbH")
    assert (
        key(variant, "Dortmund", "Klinikum Dortmund gGmbH") == original == "intensivstation pflegefachkraft"
    )


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [("Erzieherin", "Erzieher"), ("Kauffrau im Einzelhandel", "Kaufmann im Einzelhandel"),
     ("Ingenieurin Elektrotechnik", "Ingenieur Elektrotechnik"), ("Informatiker*in", "Informatiker"),
     ("Kaufmann/-frau für Büromanagement", "Kaufmann für Büromanagement")],
)  # fmt: skip
def test_feminine_and_masculine_titles_have_one_key(feminine: str, masculine: str) -> None:
    assert key(feminine) == key(masculine)


def test_an_employer_that_is_the_whole_title_stays_in_it() -> None:
    assert key("Koch (m/w/d)", employer="Koch GmbH") == "koch"


@pytest.mark.parametrize(
    ("first", "second", "word"),
    [
        ("Senior Java-Entwickler", "Java-Entwickler", "senior"),
        ("Junior Prozessmanager", "Senior Prozessmanager", "junior"),
        ("Pflegefachkraft Station 3", "Pflegefachkraft Station 5", "3"),
        ("Werkstudent Data & AI", "Data & AI Manager", "werkstudent"),
        ("Ausbildung zum Koch", "Koch", "ausbildung"),
    ],
)
def test_level_and_number_words_make_different_jobs(first: str, second: str, word: str) -> None:
    assert title_conflict(key(first), key(second)) == word


def test_unrelated_titles_are_dissimilar_and_related_ones_similar() -> None:
    assert title_similarity(key("Koch"), key("Servicekraft")) < 0.2
    assert title_similarity(key("Pflegefachkraft Station 3"), key("Pflegefachkraft Intensiv")) < 0.7
    assert title_similarity(key("Fachkraft Lagerlogistik"), key("Fachkraft für Lagerlogistik")) == 1.0
    assert title_similarity(key("IT-Systemadministrator"), key("IT Systemadministrator Linux")) >= 0.7


def test_stated_working_times_that_exclude_each_other_conflict() -> None:
    def stated(title: str) -> str:
        return fingerprint(DedupPosting(id="1", source="ba", title=title), HASHER).working_time

    assert stated("Koch (m/w/d) Voll- oder Teilzeit") == stated("Koch VZ/TZ") == "teilzeit vollzeit"
    assert stated("Koch in Teilzeit") == "teilzeit"
    assert stated("Koch") == ""
    assert working_time_conflict("vollzeit", "teilzeit")
    assert not working_time_conflict("teilzeit vollzeit", "teilzeit")
    assert not working_time_conflict("", "teilzeit")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Klinikum Dortmund gGmbH", "Klinikum Dortmund"),
        ("Hays Professional Solutions GmbH", "Hays Professional Solutions GmbH Standort Köln"),
        ("Müller & Söhne GmbH & Co. KG", "Mueller und Soehne GmbH"),
        ("Arbeiterwohlfahrt Kreisverband Bamberg e. V.", "Arbeiterwohlfahrt Kreisverband Bamberg e.V."),
        ("PIASTEN GMBH", "Piasten GmbH"),
    ],
)
def test_employer_name_variants_have_one_key(first: str, second: str) -> None:
    assert employer_key_of(first) == employer_key_of(second)


@pytest.mark.parametrize("name", [None, "", "null", "Anonym", " nicht angegeben "])
def test_missing_employers_have_no_key(name: str | None) -> None:
    assert employer_key_of(name) is None


def test_employer_keys_are_compatible_when_one_extends_the_other() -> None:
    assert employers_compatible("ibc solar", "ibc solar")
    assert employers_compatible("hays", "hays professional solutions")
    assert not employers_compatible("stadt bamberg", "stadt nuernberg")
    assert not employers_compatible("klinikum dortmund", "klinikum nord dortmund")


def test_markup_entities_case_and_decomposed_umlauts_give_the_same_words() -> None:
    plain = text_bytes("Wir bieten: Zuschuss zum Deutschlandticket – und Müller-Straße, café")
    marked = (
        "<p>Wir bieten:</p><ul><li>Zuschuss zum <b>Deutschlandticket</b></li></ul>"
        "<p>&ndash; und M&uuml;ller-Stra&szlig;e, caf&eacute;</p>"
    )
    assert text_bytes(marked).split() == plain.split()
    assert text_bytes("WIR BIETEN: ZUSCHUSS ZUM DEUTSCHLANDTICKET - UND MÜLLER-STRASSE, CAFE").split() == [
        *plain.split()[:-2],
        b"strasse",
        b"cafe",
    ]
    decomposed = unicodedata.normalize(
        "NFD", "Wir bieten: Zuschuss zum Deutschlandticket – und Müller-Straße, café"
    )
    assert text_bytes(decomposed).split() == plain.split()
    assert plain.split()[-3:] == [b"muller", b"strase", b"cafe"]


@given(st.text())
def test_text_bytes_holds_only_lower_case_ascii_words(text: str) -> None:
    assert re.fullmatch(rb"[a-z0-9 ]*", text_bytes(text))


def test_formatting_of_another_source_does_not_change_the_signature() -> None:
    original, copy = fingerprints([nurse(), nurse(text=as_html(NURSE_TEXT), id="copy")], HASHER)
    assert copy.signature == original.signature
    assert copy.shingle_digest == original.shingle_digest


def test_fingerprints_in_a_batch_equal_fingerprints_one_by_one() -> None:
    postings = [nurse(), aggregator_copy(), nurse(id="empty", text="", title="", employer=None)]
    assert fingerprints(postings, HASHER) == [fingerprint(posting, HASHER) for posting in postings]


def test_a_fingerprint_reads_back_from_its_dict_and_refuses_other_versions() -> None:
    fp = fingerprint(nurse(), HASHER)
    assert fp.without_signature() == replace(fp, signature=b"")
    stored = fp.to_dict()
    assert Fingerprint.from_dict(stored) == fp
    with pytest.raises(StaleFingerprintError):
        Fingerprint.from_dict({**stored, "version": FINGERPRINT_VERSION + 1})


def test_the_signature_is_stable_across_processes_and_releases() -> None:
    # Stored signatures must keep matching new ones: change hashing only with a new FINGERPRINT_VERSION.
    fp = fingerprint(nurse(), HASHER)
    assert len(fp.signature) == 4 * HASHER.num_perm
    assert hashlib.sha256(fp.signature).hexdigest()[:16] == "daebfb87bb061067"
    assert (fp.title_key, fp.employer_key, fp.working_time) == (
        "3 kardiologie pflegefachkraft station", "klinikum dortmund", ""
    )  # fmt: skip
