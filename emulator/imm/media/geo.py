"""Offline reverse geocoding of a recording position into IMM Address records.

Uses the ``reverse_geocode`` package, which ships GeoNames' cities (population >= 1000) with their
first- and second-level administrative areas and needs no network. Its first lookup loads the data
(about half a second); later ones are microseconds.
"""

from __future__ import annotations

import math
import threading
from typing import Any

MAX_DISTANCE_KM = 100.0  # farther from any known place (open sea): no address, as the real service
_LOCK = threading.Lock()


def addresses(latitude: float, longitude: float) -> list[dict[str, str]] | None:
    """IMM Address records for a position, or None where nothing is known near it."""
    place = _nearest(latitude, longitude)
    if place is None:
        return None
    if _distance_km(latitude, longitude, place["latitude"], place["longitude"]) > MAX_DISTANCE_KM:
        return None
    country, province, city = place.get("country"), place.get("state"), place.get("city")
    district = place.get("county")
    parts = [part for part in (city, district, province, country) if part]
    line = ", ".join(dict.fromkeys(parts))
    record = {
        "Language": "en",
        "AddressLine": line,
        "Country": country,
        "Province": province,
        "City": city,
        "District": district,
    }
    return [{key: value for key, value in record.items() if value}]


def _nearest(latitude: float, longitude: float) -> dict[str, Any] | None:
    try:
        import reverse_geocode
    except ImportError:  # optional at run time: without it, answers carry no Addresses
        return None
    with _LOCK:
        return dict(reverse_geocode.get((latitude, longitude)))


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))
