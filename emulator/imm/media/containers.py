"""Which FFmpeg demuxer ffprobe would use for a file, and what that demuxer reports (data/containers.json)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .tables import demuxer_long_name, table

MP4 = "mov,mp4,m4a,3gp,3g2,mj2"


@dataclass(frozen=True)
class Container:
    name: str
    long_name: str
    tags: str
    time_base: str
    start: str
    stream_duration: bool | str
    stream_bitrate: bool | str
    frame_count: bool | str
    programs: str = ""

    def reports(self, rule: bool | str, kind: str, codec: str | None) -> bool:
        """Whether a per-stream field ruled by ``rule`` (true, false, a kind or a codec) is printed."""
        return rule is True or rule == kind or (bool(codec) and rule == codec)


@cache
def _by_mediainfo_format() -> dict[str, Container]:
    found = {}
    for name, spec in table("containers").items():
        if name.startswith("_"):
            continue
        fields = {key: value for key, value in spec.items() if key != "mediainfo"}
        container = Container(name=name, long_name=demuxer_long_name(name) or name, **fields)
        for mediainfo_format in spec["mediainfo"]:
            found[mediainfo_format] = container
    return found


def container_for(mediainfo_format: str | None) -> Container | None:
    """The demuxer for MediaInfo's General Format, or None where the emulator does not support it."""
    return _by_mediainfo_format().get(mediainfo_format or "")


def by_name(name: str) -> Container:
    return next(c for c in _by_mediainfo_format().values() if c.name == name)
