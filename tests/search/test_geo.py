"""Geographic cells: a circle's cover holds every point inside it, and its inside cells nothing outside."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stellwerk.domain.places import haversine_km
from stellwerk.search.geo import (
    LEVELS,
    LOCATION_KEY_ERROR_KM,
    cell_keys,
    cover,
    curve_keys,
    edge_level,
    key_locations,
    location_key,
)

GERMAN_LAT = st.floats(47.2, 55.1)
GERMAN_LON = st.floats(5.8, 15.1)


@settings(max_examples=60)
@given(
    lat=GERMAN_LAT,
    lon=GERMAN_LON,
    radius=st.sampled_from([0.5, 1, 5, 10, 25, 50, 100, 200]),
    bearing=st.tuples(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0)),
)
def test_cover_is_exact_about_inside_and_outside(
    lat: float, lon: float, radius: float, bearing: tuple[float, float]
) -> None:
    # A point somewhere within 1.3 radii, often close to the edge.
    point = (lat + bearing[0] * radius / 85, lon + bearing[1] * radius / 55)
    distance = haversine_km(lat, lon, *point)
    cells = cover(lat, lon, radius)
    keys = set(cell_keys(*point))
    if distance <= radius:
        assert keys & (set(cells.inside) | set(cells.edge))
    if keys & set(cells.inside):
        assert distance <= radius
    assert len(cells.edge) <= 1200


def test_finer_edges_for_smaller_circles() -> None:
    assert edge_level(1) > edge_level(25) > edge_level(200)


def test_every_point_has_one_cell_per_level() -> None:
    keys = cell_keys(49.8917, 10.8918)
    assert len(keys) == len(set(keys)) == 5
    assert cell_keys(49.8917, 10.8918) == keys
    assert cell_keys(49.8917, 10.8918)[0] == cell_keys(49.9, 10.9)[0]


@settings(max_examples=200)
@given(lat=st.floats(-90.0, 90.0), lon=st.floats(-180.0, 180.0))
def test_a_location_key_stands_for_its_point_within_a_metre(lat: float, lon: float) -> None:
    lats, lons = key_locations(np.array([location_key(lat, lon)], dtype=np.int64))
    assert haversine_km(lat, lon, float(lats[0]), float(lons[0])) < LOCATION_KEY_ERROR_KM
    assert location_key(lat, lon) == location_key(lat, lon)


def test_points_a_metre_apart_have_different_location_keys() -> None:
    assert location_key(51.5136, 7.4653) != location_key(51.51361, 7.4653)
    assert location_key(51.5136, 7.4653) != location_key(51.5136, 7.46531)


@given(lat=st.floats(-90.0, 90.0), lon=st.floats(-180.0, 180.0))
def test_cell_keys_and_location_keys_stay_in_the_ranges_the_index_keeps_apart(lat: float, lon: float) -> None:
    # The index holds both in one field, cell keys with bit 62 set (search/tantivy_backend.py).
    assert 0 <= location_key(lat, lon) < 2**57
    assert all(0 <= key < 2**43 for key in cell_keys(lat, lon))


@settings(max_examples=30)
@given(points=st.lists(st.tuples(GERMAN_LAT, GERMAN_LON), min_size=2, max_size=300))
def test_every_cell_is_one_stretch_of_the_curve(points: list[tuple[float, float]]) -> None:
    lats, lons = (np.array(values) for values in zip(*points, strict=True))
    ordered = [points[i] for i in np.argsort(curve_keys(lats, lons), kind="stable")]
    for level in range(LEVELS):
        cells = [cell_keys(lat, lon)[level] for lat, lon in ordered]
        # Along the curve a cell, once left, never comes back.
        runs = [cell for position, cell in enumerate(cells) if position == 0 or cells[position - 1] != cell]
        assert len(runs) == len(set(runs))


def test_points_without_coordinates_come_last_on_the_curve() -> None:
    keys = curve_keys(np.array([np.nan, 54.3, 47.5]), np.array([np.nan, 13.1, 7.6]))
    assert keys.argmax() == 0
