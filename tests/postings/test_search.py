"""Search parameters: the BA names and values, one reader for the page and the API, errors in German."""

from __future__ import annotations

from datetime import date

import pytest

from stellwerk.postings.search import InvalidSearch, JobSearch, resolve_place, search_query
from stellwerk.reference.gazetteer import default_gazetteer
from stellwerk.search.interfaces import Remote, Sort


def read(**params: str | list[str]) -> JobSearch:
    return JobSearch.from_params({k: v if isinstance(v, list) else [v] for k, v in params.items()})


def test_ba_parameters_and_values_are_read() -> None:
    search = read(was="Pflege", wo="Bamberg", umkreis="50", arbeitszeit="vz;TZ", befristung="2",
                  angebotsart="34", zeitarbeit="false", pav="false", veroeffentlichtseit="7", gehalt="3000",
                  einstieg="true", homeoffice="teilweise", niveau="2", kldb="813", sort="gehalt")  # fmt: skip
    assert search.arbeitszeit == {"vz", "tz"}
    assert search.befristung == 2
    assert search.angebotsart == {"praktikum", "trainee", "werkstudent"}
    assert (search.zeitarbeit, search.pav, search.einstieg) == (False, False, True)
    assert search.homeoffice == Remote.PARTIAL
    assert search.sort == Sort.SALARY
    query = search_query(search, default_gazetteer().resolve("Bamberg"), date(2025, 9, 10))
    assert query.fixed_term is False
    assert query.published_since == date(2025, 9, 3)
    assert query.salary_from_cents == 300000
    assert query.geo is not None
    assert query.geo.radius_km == 50
    assert query.facets


def test_repeated_parameters_add_up_and_both_contract_kinds_mean_no_filter() -> None:
    assert read(arbeitszeit=["vz", "tz;mj"]).arbeitszeit == {"vz", "tz", "mj"}
    assert read(befristung="1;2").befristung is None


def test_parameters_round_trip_through_links() -> None:
    search = read(was="Koch", wo="Köln", arbeitszeit="tz;vz", zeitarbeit="false", gehalt="2500", page="2")
    assert JobSearch.from_params({k: [v] for k, v in search.to_params().items()}) == search
    assert "umkreis" not in read(was="Koch", umkreis="50").to_params()


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"arbeitszeit": "xx"}, "arbeitszeit"),
        ({"befristung": "3"}, "befristung"),
        ({"angebotsart": "9"}, "angebotsart"),
        ({"zeitarbeit": "vielleicht"}, "zeitarbeit"),
        ({"veroeffentlichtseit": "200"}, "veroeffentlichtseit"),
        ({"gehalt": "0"}, "gehalt"),
        ({"niveau": "7"}, "niveau"),
        ({"homeoffice": "ja"}, "homeoffice"),
        ({"kldb": "1234"}, "kldb"),
        ({"umkreis": "zehn"}, "umkreis"),
        ({"sort": "entfernung"}, "sort=entfernung"),
    ],
)
def test_bad_parameters_are_named_in_german(params: dict[str, str], named: str) -> None:
    with pytest.raises(InvalidSearch, match=named):
        read(**params)


def test_places_by_name_postal_code_coordinates_or_nowhere() -> None:
    gazetteer = default_gazetteer()
    assert resolve_place("Bamberg", gazetteer).name == "Bamberg"  # type: ignore[union-attr]
    assert resolve_place("96047", gazetteer).name == "Bamberg"  # type: ignore[union-attr]
    point = resolve_place(" 51.5136, 7.4653 ", gazetteer)
    assert point is not None
    assert (point.lat, point.lon) == (51.5136, 7.4653)
    assert resolve_place("bundesweit", gazetteer) is None
    assert resolve_place("", gazetteer) is None
    with pytest.raises(InvalidSearch):
        resolve_place("91.0,7.0", gazetteer)
