"""Tests of the packaged occupation taxonomy: KldB codes, BA Berufe, their slugs and job titles."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from stellwerk.domain.occupations import beruf_slug, masculine_form
from stellwerk.reference.taxonomy import Taxonomy, UnknownOccupation, default_taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


def test_all_kldb_level_five_codes_are_loaded(taxonomy: Taxonomy) -> None:
    codes = [o.kldb for o in taxonomy.occupations]
    assert len(codes) == len(set(codes)) == 1300
    assert all(re.fullmatch(r"\d{5}", code) for code in codes)
    occupation = taxonomy.occupation("43134")
    assert occupation is not None
    assert occupation.name == "Berufe in der Bio- und Medizininformatik - hoch komplexe Tätigkeiten"
    assert taxonomy.occupation("99999") is None


def test_load_reads_an_explicit_directory() -> None:
    packaged = Path(__file__).resolve().parents[2] / "src" / "stellwerk" / "data"
    taxonomy = Taxonomy.load(packaged)
    assert len(taxonomy.occupations) == 1300
    assert taxonomy.resolve_occupation("medizininformatiker")[0].kldb == "43134"


def test_every_beruf_is_filed_under_a_known_code(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.berufe) == 15_242
    assert all(taxonomy.occupation(beruf.kldb) is not None for beruf in taxonomy.berufe)
    assert {beruf.kind for beruf in taxonomy.berufe} == {"t", "a"}


def test_beruf_by_exact_short_name_and_folded_name(taxonomy: Taxonomy) -> None:
    beruf = taxonomy.beruf_by_name("Medizininformatiker/in")
    assert beruf is not None
    assert (beruf.kldb, beruf.kind, beruf.slug) == ("43134", "t", "medizininformatiker")
    assert beruf.long_name == "Medizininformatiker/Medizininformatikerin"
    assert taxonomy.beruf_by_name("medizininformatiker/IN ") == beruf
    assert taxonomy.beruf_by_name("Kaufmann/-frau - Bueromanagement") == taxonomy.beruf_by_slug(
        "kaufmann-bueromanagement"
    )
    assert taxonomy.beruf_by_name("Sternendeuter/in") is None


def test_shared_short_name_prefers_the_taetigkeit(taxonomy: Taxonomy) -> None:
    beruf = taxonomy.beruf_by_name("Offizier - Truppendienst")
    assert beruf is not None
    assert beruf.kind == "t"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Medizininformatiker/in", "medizininformatiker"),
        ("Landwirtschaftliche/r Labortechniker/in", "landwirtschaftlicher-labortechniker"),
        ("Kaufmann/-frau - Büromanagement", "kaufmann-bueromanagement"),
        ("Arzt/Ärztin - Innere Medizin", "arzt-innere-medizin"),
        ("Koch/Köchin", "koch"),
        ("Zimmerer/Zimmerin", "zimmerer"),
        ("Beamt(er/in) - Polizeivollzugsdienst", "beamter-polizeivollzugsdienst"),
        ("Bürogehilf(e/in)", "buerogehilfe"),
        ("Croupier/Croupière", "croupier"),
        # Slashes between different things are enumerations, not gender forms.
        (
            "Bachelor of Arts - Digitale Medien/Mediengestaltung",
            "bachelor-of-arts-digitale-medien-mediengestaltung",
        ),
        ("Fachkraft - Qualitätssicherung/-management", "fachkraft-qualitaetssicherung-management"),
        (
            "Fachpraktiker für Gebäudereiniger (§66 BBiG/§42r HwO)",
            "fachpraktiker-fuer-gebaeudereiniger-66-bbig-42r-hwo",
        ),
    ],
)
def test_beruf_slug_drops_gender_suffixes(name: str, slug: str) -> None:
    assert beruf_slug(name) == slug


def test_masculine_form_keeps_display_spelling() -> None:
    assert masculine_form("Kaufmann/-frau - Büromanagement") == "Kaufmann - Büromanagement"


def test_beruf_slugs_are_unique_and_collisions_get_the_kldb_code(taxonomy: Taxonomy) -> None:
    slugs = Counter(beruf.slug for beruf in taxonomy.berufe)
    assert max(slugs.values()) == 1
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    twins = sorted((b for b in taxonomy.berufe if b.name == "Offizier - Truppendienst"), key=lambda b: b.kind)
    assert [(b.kind, b.slug) for b in twins] == [
        ("a", "offizier-truppendienst-01104"),
        ("t", "offizier-truppendienst"),
    ]


def test_slug_examples_resolve(taxonomy: Taxonomy) -> None:
    landwirt = taxonomy.beruf_by_slug("landwirtschaftlicher-labortechniker")
    assert landwirt is not None
    assert landwirt.name == "Landwirtschaftliche/r Labortechniker/in"
    kaufmann = taxonomy.beruf_by_slug("kaufmann-bueromanagement")
    assert kaufmann is not None
    assert kaufmann.name == "Kaufmann/-frau - Büromanagement"
    assert kaufmann.kldb == "71402"
    assert taxonomy.beruf_by_slug("no-such-beruf") is None


def test_resolve_occupation_by_slug_and_by_code(taxonomy: Taxonomy) -> None:
    occupation, beruf = taxonomy.resolve_occupation("medizininformatiker")
    assert occupation.kldb == "43134"
    assert beruf is not None
    assert beruf.name == "Medizininformatiker/in"
    occupation, beruf = taxonomy.resolve_occupation("43134")
    assert (occupation.kldb, beruf) == ("43134", None)
    assert taxonomy.resolve_occupation("Kaufmann/-frau - Büromanagement")[0].kldb == "71402"


def test_unknown_slug_suggests_close_berufe(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownOccupation) as caught:
        taxonomy.resolve_occupation("medizininformatikr")
    assert caught.value.query == "medizininformatikr"
    assert "medizininformatiker" in [b.slug for b in caught.value.suggestions]
    assert len(caught.value.suggestions) <= 5
    assert "Medizininformatiker/in" in str(caught.value)


def test_unknown_code_suggests_berufe_of_the_same_group(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownOccupation) as caught:
        taxonomy.resolve_occupation("43139")
    assert caught.value.suggestions
    assert all(b.kldb.startswith("4313") for b in caught.value.suggestions)


@pytest.mark.parametrize("key", ["", "xyzzy", "99999"])
def test_nonsense_keys_are_unknown(taxonomy: Taxonomy, key: str) -> None:
    with pytest.raises(UnknownOccupation):
        taxonomy.resolve_occupation(key)


def test_berufe_for_lists_taetigkeiten_first(taxonomy: Taxonomy) -> None:
    berufe = taxonomy.berufe_for("43134")
    assert "Medizininformatiker/in" in [b.name for b in berufe]
    assert all(b.kldb == "43134" for b in berufe)
    kinds = [b.kind for b in berufe]
    assert kinds == sorted(kinds, key=lambda kind: kind != "t")
    assert taxonomy.berufe_for("99999") == []


def test_titles_for_lists_the_ba_job_titles_of_a_code(taxonomy: Taxonomy) -> None:
    titles = taxonomy.titles_for("43134")
    assert "Medizininformatiker/in" in titles
    assert titles == sorted(titles)
    total = sum(len(taxonomy.titles_for(o.kldb)) for o in taxonomy.occupations)
    assert 18_000 < total <= 18_838
    assert taxonomy.titles_for("99999") == []


def test_suggest_completes_names_and_words(taxonomy: Taxonomy) -> None:
    assert taxonomy.suggest("Medizininf")[0].name == "Medizininformatiker/in"
    assert taxonomy.suggest("büroman", limit=3)[0].name == "Kaufmann/-frau - Büromanagement"
    assert len(taxonomy.suggest("Kauf", limit=4)) == 4
    names = [b.name for b in taxonomy.suggest("Koch", limit=50)]
    assert "Koch/Köchin" in names
    assert len(names) == len(set(names))
    assert taxonomy.suggest("") == []
