"""Geographic cells: a posting is indexed under the cells that hold it, a radius search looks up the cells
that cover its circle.

The grid has five levels; each cell splits into 4 × 4 cells of the next level. Cells are about 70 km, 18 km,
4.4 km, 1.1 km and 280 m wide in Germany (a cell spans 1.5 times as many degrees of longitude as of latitude,
which is about square at 50° N). A circle is covered by the coarsest cells that lie wholly inside it, and by
cells of the finest useful level along its edge. Postings in the inside cells match without further work;
only the few in edge cells are checked by their exact distance.

Postings sit at far fewer points than there are postings (a place's or a street's coordinates), so each
point also has a location key, its coordinates to a millionth of a degree: an edge cell is checked point by
point, not posting by posting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stellwerk.domain.places import EARTH_RADIUS_KM

LEVELS = 5
_TOP_LAT_STEP = 0.64
_LON_PER_LAT = 1.5
_SPLIT = 4
# Rows and columns stay below 2**20 at every level (180° and 360° over the finest cell).
_ROW_SHIFT = 20
_LEVEL_SHIFT = 40
# Cover with no more edge cells than about this: more make the query slow, fewer leave more to check.
_EDGE_CELL_BUDGET = 900
# Distances between a point and a cell are estimated; this much slack keeps the estimate on the safe side.
_SLACK_KM = 0.02
# The approximate distances of a cover err by less than this share of the radius.
_SLACK_SHARE = 0.002
_PARENT_STRIDE = 1 << _ROW_SHIFT
# Location keys: latitude and longitude in millionths of a degree (about 0.1 m), shifted to be positive.
_KEY_SCALE = 1_000_000
_KEY_LON_BITS = 29
# A location key's point lies this close to the exact coordinates it stands for (half a millionth of a
# degree in each direction, with room to spare).
LOCATION_KEY_ERROR_KM = 0.001


def _lat_step(level: int) -> float:
    return _TOP_LAT_STEP / float(_SPLIT**level)


def _cell_width_km(level: int) -> float:
    return math.radians(_lat_step(level)) * EARTH_RADIUS_KM


def cell_key(level: int, row: int, column: int) -> int:
    """Return the index term of a cell: its level, row and column packed into one integer."""
    return (level << _LEVEL_SHIFT) | (row << _ROW_SHIFT) | column


_LEVEL_STEPS = [
    (level << _LEVEL_SHIFT, _lat_step(level), _lat_step(level) * _LON_PER_LAT) for level in range(LEVELS)
]


def _position(level: int, lat: float, lon: float) -> tuple[int, int]:
    step = _lat_step(level)
    return math.floor((lat + 90.0) / step), math.floor((lon + 180.0) / (step * _LON_PER_LAT))


def cell_keys(lat: float, lon: float) -> list[int]:
    """Return the index terms of the cells, one per level, that hold a point."""
    # int() is floor here: both shifted coordinates are positive. Runs once per posting at indexing.
    north, east = lat + 90.0, lon + 180.0
    return [
        marker | (int(north / lat_step) << _ROW_SHIFT) | int(east / lon_step)
        for marker, lat_step, lon_step in _LEVEL_STEPS
    ]


def location_key(lat: float, lon: float) -> int:
    """Return the key of a point: its coordinates rounded to a millionth of a degree, in one integer."""
    north = round((lat + 90.0) * _KEY_SCALE)
    east = round((lon + 180.0) * _KEY_SCALE)
    return (north << _KEY_LON_BITS) | east


def curve_keys(lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Return the places of points along a Z-order curve through the finest cells (points without
    coordinates last): every cell of every level is one stretch of the curve."""
    # A cell of one level is 4 × 4 cells of the next, so interleaving the bits of the finest row and column
    # keeps every cell together. Postings indexed in this order lie together in the index, so that a
    # circle's postings fill a few stretches of it rather than being strewn across all of it.
    step = _lat_step(LEVELS - 1)
    missing = np.isnan(lats) | np.isnan(lons)
    rows = np.floor((np.nan_to_num(lats) + 90.0) / step).astype(np.int64)
    columns = np.floor((np.nan_to_num(lons) + 180.0) / (step * _LON_PER_LAT)).astype(np.int64)
    keys = (_spread_bits(rows) << 1) | _spread_bits(columns)
    return np.where(missing, np.int64(np.iinfo(np.int64).max), keys)


def _spread_bits(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return the values with their lower 20 bits moved to the even bit positions."""
    spread = values & 0xFFFFF
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F),
                        (2, 0x3333333333333333), (1, 0x5555555555555555)):  # fmt: skip
        spread = (spread | (spread << shift)) & mask
    return spread


def key_locations(
    keys: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return the latitudes and longitudes of location keys."""
    lats = (keys >> _KEY_LON_BITS).astype(np.float64) / _KEY_SCALE - 90.0
    lons = (keys & ((1 << _KEY_LON_BITS) - 1)).astype(np.float64) / _KEY_SCALE - 180.0
    return lats, lons


@dataclass(frozen=True, slots=True)
class Cover:
    """Cells that lie wholly inside a circle, and cells its edge crosses."""

    inside: list[int]
    edge: list[int]


def edge_level(radius_km: float) -> int:
    """Return the finest level whose cells along the circle's edge stay within the budget."""
    perimeter = 2 * math.pi * radius_km
    for level in range(LEVELS - 1, 0, -1):
        if perimeter / _cell_width_km(level) * 2 <= _EDGE_CELL_BUDGET:
            return level
    return 0


def cover(lat: float, lon: float, radius_km: float) -> Cover:
    """Return the cells that cover a circle: wholly inside ones as coarse as possible, edge ones fine."""
    level = edge_level(radius_km)
    step = _lat_step(level)
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 1e-6)
    low_row, low_column = _position(level, lat - dlat, lon - dlon)
    high_row, high_column = _position(level, lat + dlat, lon + dlon)
    row_numbers = np.arange(low_row, high_row + 1, dtype=np.int64)
    column_numbers = np.arange(low_column, high_column + 1, dtype=np.int64)
    souths = row_numbers * step - 90.0
    wests = column_numbers * (step * _LON_PER_LAT) - 180.0
    # Distances to the grid's corner points, shared by the four cells around each.
    corner_lats = np.append(souths, souths[-1] + step)
    corner_lons = np.append(wests, wests[-1] + step * _LON_PER_LAT)
    corners = _distances(lat, lon, corner_lats[:, None], corner_lons[None, :])
    farthest = np.maximum.reduce([corners[:-1, :-1], corners[1:, :-1], corners[:-1, 1:], corners[1:, 1:]])
    # The nearest point of a cell lies where the point's latitude and longitude are clamped into it.
    nearest = _distances(
        lat,
        lon,
        np.clip(lat, souths, souths + step)[:, None],
        np.clip(lon, wests, wests + step * _LON_PER_LAT)[None, :],
    )
    slack = _SLACK_KM + radius_km * _SLACK_SHARE
    inside = farthest + slack <= radius_km
    edge = ~inside & (nearest - slack <= radius_km)
    rows, columns = np.meshgrid(row_numbers, column_numbers, indexing="ij")
    edge_keys = _keys(level, rows[edge], columns[edge])
    return Cover(_merged_keys(level, rows[inside], columns[inside]), edge_keys)


def _distances(
    lat: float, lon: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Return distances in km from a point, by the equirectangular formula at the mean latitude."""
    # Within a few hundred km this is within a small fraction of a percent of the great-circle distance;
    # _SLACK_SHARE covers the difference, and edge cells are checked exactly anyway.
    mean_lat = np.radians((lats + lat) / 2)
    dx = np.radians(lons - lon) * np.cos(mean_lat)
    dy = np.radians(lats - lat)
    distances: npt.NDArray[np.float64] = EARTH_RADIUS_KM * np.sqrt(dx * dx + dy * dy)
    return distances


def haversine_array(
    lat: float, lon: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Return great-circle distances in km from a point to many (NaN where a coordinate is NaN)."""
    phi, phis = math.radians(lat), np.radians(lats)
    a = np.sin((phis - phi) / 2) ** 2 + math.cos(phi) * np.cos(phis) * np.sin(np.radians(lons - lon) / 2) ** 2
    distances: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return distances


def _merged_keys(level: int, rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]) -> list[int]:
    """Return the keys of the cells, with every complete block of 4 × 4 replaced by its parent."""
    keys: list[int] = []
    while level > 0 and len(rows):
        parents = (rows // _SPLIT) * _PARENT_STRIDE + columns // _SPLIT
        unique, inverse, counts = np.unique(parents, return_inverse=True, return_counts=True)
        complete = counts[inverse] == _SPLIT * _SPLIT
        keys += _keys(level, rows[~complete], columns[~complete])
        merged = unique[counts == _SPLIT * _SPLIT]
        rows, columns = merged // _PARENT_STRIDE, merged % _PARENT_STRIDE
        level -= 1
    return keys + _keys(level, rows, columns)


def _keys(level: int, rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]) -> list[int]:
    keys: list[int] = ((level << _LEVEL_SHIFT) | (rows << _ROW_SHIFT) | columns).tolist()
    return keys
