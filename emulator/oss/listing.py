"""ListObjects (v1 and v2) over any bucket: prefix, delimiter, marker and max-keys, as OSS pages them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Bucket, ObjectInfo

MAX_KEYS = 1000
DEFAULT_KEYS = 100


@dataclass
class Listing:
    objects: list[ObjectInfo] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    next_marker: str = ""


def list_objects(
    bucket: Bucket, *, prefix: str = "", delimiter: str = "", after: str = "", max_keys: int = DEFAULT_KEYS
) -> Listing:
    """Keys after ``after`` (a marker, start-after or continuation token), grouped by ``delimiter``."""
    out = Listing()
    cursor = after
    while True:
        restarted = False
        for info in bucket.iter_objects(prefix, cursor):
            common = _common_prefix(info.key, prefix, delimiter)
            if len(out.objects) + len(out.prefixes) >= max_keys:
                out.truncated = True
                return out
            if common is None:
                out.objects.append(info)
                out.next_marker = info.key
                continue
            if common <= after:  # the marker sits inside this group: it was listed on an earlier page
                cursor = common + "\U0010ffff"
                restarted = True
                break
            out.prefixes.append(common)
            out.next_marker = common
            # Skip the rest of the group without visiting every key in it.
            cursor = common + "\U0010ffff"
            restarted = True
            break
        if not restarted:
            return out


def _common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    if not delimiter:
        return None
    index = key.find(delimiter, len(prefix))
    return None if index < 0 else key[: index + len(delimiter)]
