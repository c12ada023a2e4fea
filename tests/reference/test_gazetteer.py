"""Tests of the packaged gazetteer: resolving names, PLZ, qualifiers and slugs to places."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from stellwerk.domain.places import haversine_km
from stellwerk.reference.gazetteer import AmbiguousPlace, Gazetteer, UnknownPlace, default_gazetteer

DORTMUND_CENTRE = (51.5136, 7.4653)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def test_dortmund_resolves_with_plausible_coordinates_and_land(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("Dortmund")
    assert place.slug == "dortmund"
    assert place.land == "Nordrhein-Westfalen"
    assert haversine_km(place.lat, place.lon, *DORTMUND_CENTRE) < 3
    assert place.population is not None
    assert place.population > 500_000
    assert "44137" in place.postal_codes


@pytest.mark.parametrize(
    "query", ["dortmund", "  DORTMUND ", "Dortmund, NRW", "Dortmund (Nordrhein-Westfalen)"]
)
def test_spellings_of_dortmund_resolve_to_it(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.resolve(query).slug == "dortmund"


def test_postal_code_resolves_to_its_own_coordinates(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("44137")
    assert place.slug == "dortmund"
    assert place.postal_codes == ("44137",)
    # The GeoNames point of 44137, not the town centre.
    assert (place.lat, place.lon) == (51.5097, 7.4601)
    assert (place.lat, place.lon) != (gazetteer.resolve("Dortmund").lat, gazetteer.resolve("Dortmund").lon)


@pytest.mark.parametrize("query", ["44137 Dortmund", "Dortmund 44137", "44137, Dortmund"])
def test_postal_code_with_name_resolves_to_the_postal_code(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.resolve(query) == gazetteer.resolve("44137")


def test_postal_code_with_another_town_is_unknown(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPlace) as caught:
        gazetteer.resolve("44137 Essen")
    assert [p.slug for p in caught.value.suggestions] == ["dortmund"]


def test_by_postal_code_lists_every_place_of_a_shared_code(gazetteer: Gazetteer) -> None:
    places = gazetteer.by_postal_code("01945")
    assert len(places) > 5
    assert all(p.postal_codes == ("01945",) for p in places)
    assert {p.name for p in places} >= {"Ruhland", "Guteborn", "Kroppen"}
    assert gazetteer.by_postal_code("00000") == []


@pytest.mark.parametrize("spelling", ["Muenchen", "muenchen", "Munchen", "MÜNCHEN", "Munich"])
def test_spellings_of_muenchen_resolve_to_muenchen(gazetteer: Gazetteer, spelling: str) -> None:
    place = gazetteer.resolve(spelling)
    assert place == gazetteer.resolve("München")
    assert (place.name, place.land) == ("München", "Bayern")


def test_frankfurt_means_frankfurt_am_main_unless_qualified(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Frankfurt").name == "Frankfurt am Main"
    assert gazetteer.resolve("Frankfurt am Main").land == "Hessen"
    assert gazetteer.resolve("Frankfurt (Oder)").land == "Brandenburg"
    assert gazetteer.resolve("Frankfurt, Brandenburg").name == "Frankfurt (Oder)"


def test_neustadt_alone_is_ambiguous(gazetteer: Gazetteer) -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        gazetteer.resolve("Neustadt")
    names = [p.name for p in caught.value.candidates]
    assert {"Neustadt an der Weinstraße", "Neustadt am Rübenberge"} <= set(names)
    assert names[0] == "Neustadt an der Weinstraße"  # most populous first
    assert "Neustadt" in str(caught.value)


@pytest.mark.parametrize(
    ("query", "name", "land"),
    [
        ("Neustadt an der Weinstraße", "Neustadt an der Weinstraße", "Rheinland-Pfalz"),
        ("neustadt an der weinstrasse", "Neustadt an der Weinstraße", "Rheinland-Pfalz"),
        ("Neustadt, Hessen", "Neustadt (Hessen)", "Hessen"),
        ("Neustadt (Hessen)", "Neustadt (Hessen)", "Hessen"),
        ("Neustadt, Coburg", "Neustadt bei Coburg", "Bayern"),
        ("Halle (Saale)", "Halle", "Sachsen-Anhalt"),
    ],
)
def test_qualified_names_resolve(gazetteer: Gazetteer, query: str, name: str, land: str) -> None:
    place = gazetteer.resolve(query)
    assert (place.name, place.land) == (name, land)


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Forchheim, Oberfranken", "forchheim"),  # a region the gazetteer does not know is ignored
        ("Nürnberg, Mittelfranken", "nuernberg"),
        ("Altendorf, Kreis Bamberg", "altendorf-bamberg"),
        ("Ebersdorf bei Coburg", "ebersdorf"),
        ("91332 Heiligenstadt in Oberfranken", "heiligenstadt"),
    ],
)
def test_job_ad_spellings_resolve(gazetteer: Gazetteer, query: str, slug: str) -> None:
    place = gazetteer.resolve(query)
    assert place.slug == slug
    assert place.land == "Bayern"


def test_a_wrong_land_is_not_ignored(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPlace) as caught:
        gazetteer.resolve("Dortmund, Bayern")
    assert [p.slug for p in caught.value.suggestions] == ["dortmund"]


def test_an_unknown_town_is_not_replaced_by_a_bigger_namesake(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPlace) as caught:
        gazetteer.resolve("Halle an der Donau")
    assert "halle" in [p.slug for p in caught.value.suggestions]


def test_misspelt_town_is_unknown_with_suggestions(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPlace) as caught:
        gazetteer.resolve("Dortmnud")
    assert caught.value.query == "Dortmnud"
    assert "dortmund" in [p.slug for p in caught.value.suggestions]
    assert len(caught.value.suggestions) <= 5


@pytest.mark.parametrize("query", ["", "   ", "Atlantis", "99999"])
def test_nonsense_is_unknown(gazetteer: Gazetteer, query: str) -> None:
    with pytest.raises(UnknownPlace):
        gazetteer.resolve(query)


def test_unknown_postal_code_falls_back_to_the_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("99999 Dortmund").slug == "dortmund"


def test_slugs_are_unique_and_well_formed(gazetteer: Gazetteer) -> None:
    slugs = [p.slug for p in gazetteer.places]
    assert len(slugs) == len(set(slugs)) == len(gazetteer.places)
    assert all(SLUG.fullmatch(slug) for slug in slugs)


def test_every_slug_resolves_to_its_place(gazetteer: Gazetteer) -> None:
    for place in gazetteer.places:
        assert gazetteer.by_slug(place.slug) == place
        assert gazetteer.resolve(place.slug) == place


def test_shared_name_keeps_the_plain_slug_only_for_a_dominant_place(gazetteer: Gazetteer) -> None:
    halles = [p for p in gazetteer.places if p.name == "Halle"]
    assert len(halles) > 1
    assert gazetteer.by_slug("halle") == gazetteer.resolve("Halle (Saale)")
    assert all(p.slug.startswith("halle-") for p in halles if p.land != "Sachsen-Anhalt")
    # The only place called exactly "Neustadt" is a village; bigger towns are also called so.
    assert gazetteer.by_slug("neustadt") is None
    assert gazetteer.by_slug("neustadt-eichsfeld") is not None


def test_find_narrows_by_land_and_postal_code(gazetteer: Gazetteer) -> None:
    in_bayern = gazetteer.find("Neustadt", land="BY")
    assert len(in_bayern) > 2
    assert {p.land for p in in_bayern} == {"Bayern"}
    assert gazetteer.find("Neustadt", land="Bayern") == in_bayern
    assert [p.slug for p in gazetteer.find("Dortmund", postal_code="44137")] == ["dortmund"]
    assert gazetteer.find("Dortmund", postal_code="10115") == []
    populations = [p.population or 0 for p in gazetteer.find("Neustadt")]
    assert populations == sorted(populations, reverse=True)


def test_suggest_completes_names_and_postal_codes(gazetteer: Gazetteer) -> None:
    assert gazetteer.suggest("Dort")[0].slug == "dortmund"
    assert gazetteer.suggest("münch")[0].slug == "muenchen"
    assert gazetteer.suggest("muench")[0].slug == "muenchen"
    by_code = gazetteer.suggest("4413")
    assert by_code[0].slug == "dortmund"
    assert by_code[0].postal_codes[0].startswith("4413")
    assert len(gazetteer.suggest("B", limit=3)) == 3
    assert gazetteer.suggest("") == []
    assert gazetteer.suggest("Xq") == []


def test_every_place_lies_in_or_near_germany(gazetteer: Gazetteer) -> None:
    for place in gazetteer.places:
        assert 47.2 < place.lat < 55.1, place
        assert 5.8 < place.lon < 15.1, place
        assert place.postal_codes, place
        assert all(re.fullmatch(r"\d{5}", plz) for plz in place.postal_codes), place


def test_load_reads_an_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "places.tsv.gz"
    line = "a-dorf\tA-Dorf\tBayern\tLandkreis X\t48.1\t11.5\t\tAdorf\t12345,12346\t48.1:11.5,48.2:11.6"
    path.write_bytes(gzip.compress(f"# header\n{line}\n".encode()))
    small = Gazetteer.load(path)
    assert small.resolve("Adorf").slug == "a-dorf"
    assert [(p.lat, p.lon) for p in small.by_postal_code("12346")] == [(48.2, 11.6)]
