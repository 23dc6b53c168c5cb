"""Which FFmpeg demuxer ffprobe would use for a file, and what that demuxer reports (data/containers.json)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from .tables import demuxer_long_name, table

MOV = "mov,mp4,m4a,3gp,3g2,mj2"


@dataclass(frozen=True)
class Container:
    name: str
    long_name: str
    tags: str
    time_base: str
    start: str
    stream_duration: bool | str | list[str]
    stream_bitrate: bool | str | list[str]
    frame_count: bool | str | list[str]
    programs: str = ""
    codecs: dict[str, str] = field(default_factory=dict)  # MediaInfo's codec -> the demuxer's
    aspect_ratio: bool = True  # whether the demuxer knows a sample aspect ratio at all
    average_rate: bool = True  # whether ffprobe states an average frame rate

    def reports(self, rule: bool | str | list[str], kind: str, codec: str | None) -> bool:
        """Whether a per-stream field ruled by ``rule`` (true, false, kinds or codecs) is printed."""
        if isinstance(rule, bool):
            return rule
        names = [rule] if isinstance(rule, str) else rule
        return kind in names or (codec is not None and codec in names)


@cache
def _all() -> dict[str, Container]:
    found = {}
    for name, spec in table("containers").items():
        if not name.startswith("_"):
            fields = {key: value for key, value in spec.items() if key != "mediainfo"}
            found[name] = Container(name=name, long_name=demuxer_long_name(name) or name, **fields)
    return found


@cache
def _by_mediainfo_format() -> dict[str, Container]:
    return {
        fmt: _all()[name]
        for name, spec in table("containers").items()
        if not name.startswith("_")
        for fmt in spec["mediainfo"]
    }


def container_for(mediainfo_format: str | None) -> Container | None:
    """The demuxer for MediaInfo's General Format, or None where the emulator does not support it."""
    return _by_mediainfo_format().get(mediainfo_format or "")


def by_name(name: str) -> Container:
    return _all()[name]
