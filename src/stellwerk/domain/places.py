"""Places of the gazetteer and distances between them."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Place:
    """A German municipality or locality from the gazetteer."""

    slug: str
    name: str
    land: str
    kreis: str
    lat: float
    lon: float
    postal_codes: tuple[str, ...]
    population: int | None = None

    @property
    def label(self) -> str:
        """Return the name as shown to users, with the first PLZ and Land."""
        plz = f"{self.postal_codes[0]} " if self.postal_codes else ""
        return f"{plz}{self.name} ({self.land})"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) of a box that contains the circle."""
    angle = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    # A circle's widest longitude lies poleward of its centre: the half-width is asin(sin d / cos lat), a
    # little more than d / cos lat. Where the circle reaches over a pole every longitude is inside.
    reach = math.sin(min(angle, math.pi / 2)) / max(math.cos(math.radians(lat)), 1e-12)
    dlon = math.degrees(math.asin(reach)) if reach < 1.0 else 180.0
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
