"""NSV (Nullsoft Streaming Video): ffprobe's nsv demuxer counts video in frames and audio in thousandths
of a frame, at the file's frame rate. MediaInfo reads the rest."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family
from .timing import frame_rate

if TYPE_CHECKING:
    from .facts import Facts


class Nsv(Family):
    def time_base(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        fps = frame_rate(track) or frame_rate(facts.general)
        return None if not fps else (1 / fps if kind == "video" else 1 / (fps * 1000))
