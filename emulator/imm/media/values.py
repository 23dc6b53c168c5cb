"""Small value conversions between MediaInfo's text and ffprobe's wording (numbers, rationals, tags)."""

from __future__ import annotations

import datetime
import math
import re
from fractions import Fraction
from typing import Any


def number(raw: Any) -> float | None:
    """MediaInfo values arrive as str or int; '', garbage and non-finite values (a mangled header's
    'inf') mean absent."""
    if raw is None or raw == "":
        return None
    try:
        value = float(str(raw).split(" / ")[0])
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def integer(raw: Any) -> int | None:
    value = number(raw)
    return None if value is None else int(value)


def exact(raw: Any) -> Fraction | None:
    """A decimal MediaInfo value as an exact fraction ('1474.666667' stays as written)."""
    if raw is None or raw == "":
        return None
    try:
        return Fraction(str(raw).split(" / ")[0])
    except (ValueError, ZeroDivisionError):
        return None


def ratio_text(value: Fraction | None, separator: str = "/") -> str | None:
    return None if value is None else f"{value.numerator}{separator}{value.denominator}"


def seconds(value: Fraction | float | None) -> float | None:
    """ffprobe prints times with 6 decimals."""
    return None if value is None else round(float(value), 6)


def rescale(value: Fraction, unit: Fraction) -> int:
    """av_rescale_q with AV_ROUND_NEAR_INF: ``value`` in multiples of ``unit``, halves away from zero."""
    scaled = value / unit
    floor = scaled.numerator // scaled.denominator
    remainder = scaled - floor
    if remainder > Fraction(1, 2) or (remainder == Fraction(1, 2) and scaled > 0):
        return floor + 1
    return floor


def av_reduce(num: int, den: int, limit: int) -> Fraction | None:
    """libavutil's av_reduce: num/den as the closest fraction whose terms are both <= ``limit``."""
    if num <= 0 or den <= 0:
        return None
    a0, a1 = (0, 1), (1, 0)
    divisor = math.gcd(num, den)
    num, den = num // divisor, den // divisor
    if num <= limit and den <= limit:
        return Fraction(num, den)
    while den:
        x = num // den
        next_den = num - den * x
        a2 = (x * a1[0] + a0[0], x * a1[1] + a0[1])
        if a2[0] > limit or a2[1] > limit:
            if a1[0]:
                x = (limit - a0[0]) // a1[0]
            if a1[1]:
                x = min(x, (limit - a0[1]) // a1[1])
            if den * (2 * x * a1[1] + a0[1]) > num * a1[1]:
                a1 = (x * a1[0] + a0[0], x * a1[1] + a0[1])
            break
        a0, a1 = a1, a2
        num, den = den, next_den
    return Fraction(a1[0], a1[1]) if a1[1] else None


def rate_from_decimal(raw: Any, bases: list[int]) -> Fraction | None:
    """MediaInfo's '29.970' -> 30000/1001, '30.000' -> 30 (it prints 3 decimals)."""
    value = number(raw)
    if not value:
        return None
    for base in bases:
        if abs(value - base * 1000 / 1001) < 0.0015:
            return Fraction(base * 1000, 1001)
    if abs(value - round(value)) <= 0.0005:
        return Fraction(round(value))
    return Fraction(value).limit_denominator(1001)


def fourcc_value(text: str) -> int:
    """A four-character code as the little-endian integer ffprobe prints as codec_tag."""
    return int.from_bytes(text.encode("latin-1", "replace")[:4].ljust(4, b"\0"), "little")


def tag_string(tag: int) -> str:
    """av_fourcc_make_string: printable characters as is, others as [n]."""
    out = []
    for shift in (0, 8, 16, 24):
        code = (tag >> shift) & 0xFF
        char = chr(code)
        printable = (char.isascii() and char.isalnum()) or char in ". -_"
        out.append(char if printable else f"[{code}]")
    return "".join(out)


def tag_hex(tag: int) -> str:
    return f"0x{tag:04x}"


def iso6709(text: str | None) -> tuple[float, float] | None:
    """'+39.9988+116.4809+050.000/' -> (39.9988, 116.4809); None unless it is a plausible position."""
    match = re.match(r"^\s*([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)", text or "")
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def rfc3339(text: str | None) -> str | None:
    """'2024-05-01 10:20:30 UTC' -> '2024-05-01T10:20:30Z' (RFC 3339, UTC, no trailing zero fraction)."""
    if not text:
        return None
    text = text.strip().replace("UTC ", "").replace(" UTC", "Z").replace(" ", "T", 1)
    if text.endswith("ZZ"):  # an ISO date already in UTC, then MediaInfo's " UTC" (ID3 TXXX creation_time)
        text = text[:-1]
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    if moment.year < 1970 or moment.timestamp() == 0:  # unset: zero MP4 date reads as 1904, ASF's as 1970
        return None
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"
