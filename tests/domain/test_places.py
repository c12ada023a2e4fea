"""Distances and bounding boxes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.domain.places import bounding_box, haversine_km
from stellwerk.domain.text import fold, slugify


def test_distance_bamberg_nuernberg_is_about_fifty_km() -> None:
    assert haversine_km(49.8917, 10.8918, 49.4539, 11.0773) == pytest.approx(50.8, abs=1.0)


@given(st.floats(47, 55), st.floats(6, 15), st.floats(0.1, 300), st.floats(0, 6.283))
def test_the_box_contains_every_point_of_the_circle(
    lat: float, lon: float, radius: float, angle: float
) -> None:
    import math

    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    # A point on the circle, stepped out along a bearing.
    d = radius / 6371.0088
    phi1, lmb1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(angle))
    lmb2 = lmb1 + math.atan2(
        math.sin(angle) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
    )
    p_lat, p_lon = math.degrees(phi2), math.degrees(lmb2)
    assert haversine_km(lat, lon, p_lat, p_lon) == pytest.approx(radius, rel=1e-6)
    assert min_lat - 1e-9 <= p_lat <= max_lat + 1e-9
    assert min_lon - 1e-9 <= p_lon <= max_lon + 1e-9


def test_fold_and_slugify_are_german_aware() -> None:
    assert fold("Würzburg Straße") == "wuerzburg strasse"
    assert slugify("Frankfurt am Main") == "frankfurt-am-main"
    assert slugify("Bürokaufmann/-frau (m/w/d)") == "buerokaufmann-frau-m-w-d"
