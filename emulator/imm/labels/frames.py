"""Facts from a few decoded frames, when the optional ``analysis`` extra (PyAV) is installed.

Cost is bounded whatever the video: at most ``MAX_SAMPLES`` seeks to a keyframe, each decoding that
keyframe and the frame after it (for motion; a few packets, never more than ``MAX_PACKETS_PER_SAMPLE``),
scaled down by swscale to a thumbnail at most ``THUMB_WIDTH`` pixels across before any Python touches a
pixel. No numpy: thumbnails are a few thousand pixels. Everything derived is a pure function of the
decoded pixels, so the same bytes give the same facts.
"""

from __future__ import annotations

import colorsys
import logging
import math
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from itertools import chain
from operator import add, itemgetter, sub
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from imm_emulator.imm.media.source import MediaSource

log = logging.getLogger(__name__)
_P = TypeVar("_P")

THUMB_WIDTH = 48
MAX_SAMPLES = 10
SMALL_PICTURE = 1280 * 720  # up to this many pixels a frame is decoded on one thread
MAX_PACKETS_PER_SAMPLE = 240  # demux bound per sample: a keyframe and its successor take a few

# Colour names in the taxonomy's Color subtree, decided per pixel in HSV.
COLOURS = ("红色", "橙色", "黄色", "绿色", "青色", "蓝色", "紫色", "粉色", "棕色", "黑色", "白色", "灰色")


# ``analyse``'s signature: what the labeler calls (prefetch.py gives one answered by a worker)
Analyse = Callable[["MediaSource", int, int], "FrameFacts | None"]


def available() -> bool:
    """Whether PyAV can be imported (the ``analysis`` extra)."""
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def colour_name(r: int, g: int, b: int) -> str:
    """A coarse colour name for one sRGB pixel (0..255 each)."""
    h, s, v = colorsys.rgb_to_hsv(r / 255.0, g / 255.0, b / 255.0)
    hue = h * 360.0
    if v < 0.22:
        return "黑色"
    if s < 0.18:
        return "白色" if v >= 0.8 else "灰色"
    if hue < 15 or hue >= 345:
        if v < 0.5:
            return "棕色"
        return "粉色" if s < 0.45 else "红色"
    if hue < 40:
        return "棕色" if v < 0.6 else "橙色"
    if hue < 70:
        return "棕色" if v < 0.45 else "黄色"
    if hue < 165:
        return "绿色"
    if hue < 195:
        return "青色"
    if hue < 255:
        return "蓝色"
    if hue < 290:
        return "紫色"
    return "粉色" if v >= 0.6 else "紫色"


_COLOUR_CACHE: dict[int, str] = {}


def _colour_cached(r: int, g: int, b: int) -> str:
    key = (r >> 2) << 12 | (g >> 2) << 6 | (b >> 2)  # 6 bits per channel: far below what changes a name
    name = _COLOUR_CACHE.get(key)
    if name is None:
        name = _COLOUR_CACHE[key] = colour_name((r >> 2) << 2 | 2, (g >> 2) << 2 | 2, (b >> 2) << 2 | 2)
    return name


def _is_sky(r: int, g: int, b: int) -> bool:
    h, s, v = colorsys.rgb_to_hsv(r / 255.0, g / 255.0, b / 255.0)
    return 180.0 <= h * 360.0 < 250.0 and s >= 0.15 and v >= 0.45


_PIXELS: dict[int, tuple[str, int, float, int, bool]] = {}
_PIXELS_KEPT = 1 << 16


def _pixel(key: int) -> tuple[str, int, float, int, bool]:
    """(colour name, luma, HSV saturation, brightest channel, sky?) of one ``r << 16 | g << 8 | b``."""
    r, g, b = key >> 16, key >> 8 & 0xFF, key & 0xFF
    high, low = max(r, g, b), min(r, g, b)
    return (
        _colour_cached(r, g, b),
        (299 * r + 587 * g + 114 * b) // 1000,
        (high - low) / high if high else 0.0,
        high,
        _is_sky(r, g, b),
    )


def _facts(keys: list[int]) -> list[tuple[str, int, float, int, bool]]:
    """Each pixel's facts, computed once per distinct value (thumbnails repeat them; memoized across
    frames, the memo bounded) and looked up per pixel at C speed."""
    if len(_PIXELS) > _PIXELS_KEPT:
        _PIXELS.clear()
    known: dict[int, tuple[str, int, float, int, bool]] = {}
    for key in set(keys):
        found = _PIXELS.get(key)
        if found is None:
            found = _PIXELS[key] = _pixel(key)
        known[key] = found
    return list(map(known.__getitem__, keys))


def _key_rows(rows_bytes: list[bytes]) -> list[list[int]]:
    """Each row's pixels as ``r << 16 | g << 8 | b``, unpacked by slicing (no Python loop per pixel)."""
    if not rows_bytes:
        return []
    width = len(rows_bytes[0]) // 3
    rgb = b"".join(rows_bytes)
    count = len(rgb) // 3
    packed = bytearray(4 * count)  # little-endian 32-bit words: b, g, r, 0
    packed[0::4], packed[1::4], packed[2::4] = rgb[2::3], rgb[1::3], rgb[0::3]
    keys = list(struct.unpack(f"<{count}I", packed))
    return [keys[i : i + width] for i in range(0, count, width)] if width else [[] for _ in rows_bytes]


@dataclass
class Sample:
    """One sampled moment: shares are fractions of the thumbnail's pixels."""

    time_ms: int
    colours: dict[str, float]
    luma: float  # mean luma 0..1
    value: float  # mean HSV value (brightest channel) 0..1: saturated blue is dark in luma, not in value
    saturation: float  # mean HSV saturation 0..1
    sky_top: float  # share of sky-blue pixels in the top third (display orientation)
    blue_bottom: float  # share of blue/cyan pixels in the bottom half
    edges: float  # mean absolute horizontal luma step 0..1
    motion: float | None  # mean absolute luma change to the next frame 0..1, None if no next frame
    lumas: list[int] = field(repr=False, default_factory=list)


@dataclass
class FrameFacts:
    samples: list[Sample]
    scene_change: float  # mean absolute luma change between consecutive samples 0..1

    def colour_share(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for sample in self.samples:
            for name, share in sample.colours.items():
                totals[name] = totals.get(name, 0.0) + share
        n = len(self.samples) or 1
        return {name: total / n for name, total in totals.items()}

    def mean(self, attr: str) -> float:
        values = [getattr(s, attr) for s in self.samples if getattr(s, attr) is not None]
        return sum(values) / len(values) if values else 0.0


def _thumb_size(width: int, height: int) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        return THUMB_WIDTH, THUMB_WIDTH * 9 // 16
    if width >= height:
        w = THUMB_WIDTH
        h = max(8, round(THUMB_WIDTH * height / width))
    else:  # keep portrait thumbnails to the same pixel budget
        h = THUMB_WIDTH
        w = max(8, round(THUMB_WIDTH * width / height))
    return w + (w & 1), h + (h & 1)


def _rgb_rows(frame: Any, w: int, h: int) -> list[bytes]:
    small = frame.reformat(width=w, height=h, format="rgb24")
    plane = small.planes[0]
    data = bytes(plane)
    stride = plane.line_size
    return [data[y * stride : y * stride + w * 3] for y in range(h)]


def _rotate(rows: list[list[_P]], rotate: int) -> list[list[_P]]:
    """Turn the coded picture into display orientation (``Rotate`` = clockwise degrees)."""
    if rotate == 90:
        return [list(col)[::-1] for col in zip(*rows, strict=True)]
    if rotate == 180:
        return [row[::-1] for row in rows[::-1]]
    if rotate == 270:
        return [list(col) for col in zip(*rows, strict=True)][::-1]
    return rows


def _describe(key_rows: list[list[int]], rotate: int, time_ms: int) -> Sample:
    rows = _rotate(key_rows, rotate)
    height = len(rows)
    width = len(rows[0]) if height else 0
    total = max(1, width * height)
    facts = _facts(list(chain.from_iterable(rows)))
    lumas = list(map(itemgetter(1), facts))
    counts = Counter(map(itemgetter(0), facts))  # in order of first appearance, as the names were met
    # sums of integers are exact in any order; the saturation sum is added up in pixel order
    saturation = reduce(add, map(itemgetter(2), facts), 0.0)
    luma_rows = [lumas[i : i + width] for i in range(0, len(lumas), width)] if width else []
    edges = sum(sum(map(abs, map(sub, row[1:], row[:-1]))) for row in luma_rows)
    top = max(1, height // 3) * width
    bottom = facts[height // 2 * width :]
    blue = sum(1 for name in map(itemgetter(0), bottom) if name in ("蓝色", "青色"))
    return Sample(
        time_ms=time_ms,
        colours={name: count / total for name, count in counts.items()},
        luma=float(sum(lumas)) / total / 255.0,
        value=float(sum(map(itemgetter(3), facts))) / total / 255.0,
        saturation=saturation / total,
        sky_top=sum(map(itemgetter(4), facts[:top])) / max(1, min(top, len(facts))),
        blue_bottom=blue / max(1, len(bottom)),
        edges=edges / max(1, (width - 1) * height) / 255.0,
        motion=None,
        lumas=lumas,
    )


def _luma_diff(a: list[int], b: list[int]) -> float:
    if not a or len(a) != len(b):
        return 0.0
    return sum(map(abs, map(sub, a, b))) / len(a) / 255.0


def _lumas(key_rows: list[list[int]]) -> list[int]:
    return list(map(itemgetter(1), _facts(list(chain.from_iterable(key_rows)))))


def sample_times(duration_ms: int) -> list[int]:
    """Where to look: evenly spread, one per ~4 s, between 3 and MAX_SAMPLES; just the start if unknown."""
    if duration_ms <= 0:
        return [0]
    count = max(3, min(MAX_SAMPLES, math.ceil(duration_ms / 4000)))
    return [int(duration_ms * (i + 0.5) / count) for i in range(count)]


def analyse(source: MediaSource, duration_ms: int, rotate: int = 0) -> FrameFacts | None:
    """Decode a few frames of ``source``; None when PyAV is missing or nothing could be decoded.

    Any failure inside libav (corrupt, truncated or hostile input) means "no frame facts", never an
    exception: the labeler then answers from the probe and the fingerprint. libavformat may only read
    the object itself (no protocol is whitelisted, so no demuxer can open another file or URL)."""
    try:
        import av
    except ImportError:
        return None
    return _analysed(av, source, duration_ms, rotate % 360)[1]


def analyse_as_probed(source: MediaSource) -> tuple[tuple[int, int] | None, FrameFacts | None]:
    """``analyse`` before DetectMediaMeta has answered, with the duration and rotation PyAV reads itself
    (the format duration, the first picture's display matrix), which for most videos are what the probe
    states; -> ((duration_ms, rotate) used, the facts), or (None, None) if PyAV could not tell. Whoever
    uses the facts must check the probe states the same (prefetch.py)."""
    import av

    return _analysed(av, source, None, None)


def _analysed(
    av: Any, source: MediaSource, duration_ms: int | None, rotate: int | None
) -> tuple[tuple[int, int] | None, FrameFacts | None]:
    """-> ((duration_ms, rotate) as given or as read, the facts); None for either: see ``analyse``."""
    try:
        with source.open() as reader:
            container = av.open(reader, mode="r", options={"protocol_whitelist": "none"})
            try:
                if duration_ms is None:  # as DetectMediaMeta states the format duration (6 decimals)
                    seconds = container.duration / 1e6 if container.duration else 0.0
                    duration_ms = int(float(f"{seconds:.6f}") * 1000)
                return _analyse_container(av, container, duration_ms, rotate)
            finally:
                container.close()
    except Exception:  # noqa: BLE001 - decoding is best effort; see the docstring
        log.debug("frame analysis failed for %s", getattr(source, "uri", "?"), exc_info=True)
        return None, None


def _analyse_container(
    av: Any, container: Any, duration_ms: int, rotate: int | None
) -> tuple[tuple[int, int] | None, FrameFacts | None]:
    """``rotate`` None: as the first decoded picture's display matrix states it."""
    given = duration_ms
    if not container.streams.video:
        return None, None
    stream = container.streams.video[0]
    ctx = stream.codec_context
    ctx.thread_type = "SLICE"  # frame threading delays the first frame after each seek
    if (ctx.width or 0) * (ctx.height or 0) <= SMALL_PICTURE:
        ctx.thread_count = 1  # starting the decoder's threads costs more than they save here
    w, h = _thumb_size(ctx.width or 0, ctx.height or 0)
    if duration_ms <= 0 and container.duration:
        duration_ms = int(container.duration / 1000)
    time_base = stream.time_base
    samples: list[Sample] = []
    seen: set[int] = set()
    starts: set[tuple[int, int]] = set()  # where each seek landed (its first packet)
    for target in sample_times(duration_ms):
        frames = _decode_at(av, container, stream, target, time_base, duration_ms > 0, starts)
        if not frames:
            continue
        first = frames[0]
        key = first.pts if first.pts is not None else -len(seen) - 1
        if key in seen:
            continue
        seen.add(key)
        when = int(first.pts * time_base * 1000) if first.pts is not None and time_base else target
        if rotate is None:  # clockwise, as probe_facts normalises DetectMediaMeta's Rotate
            rotate = int(round(-float(getattr(first, "rotation", 0) or 0) / 90.0)) % 4 * 90
        rows = _key_rows(_rgb_rows(first, w, h))
        sample = _describe(rows, rotate, max(0, min(when, duration_ms)) if duration_ms > 0 else 0)
        if len(frames) > 1:
            sample.motion = _luma_diff(_lumas(rows), _lumas(_key_rows(_rgb_rows(frames[1], w, h))))
        samples.append(sample)
    if not samples or rotate is None:
        return None, None
    samples.sort(key=lambda s: s.time_ms)
    changes = [_luma_diff(a.lumas, b.lumas) for a, b in zip(samples, samples[1:], strict=False)]
    return (given, rotate), FrameFacts(samples, sum(changes) / len(changes) if changes else 0.0)


def _decode_at(
    av: Any, container: Any, stream: Any, target_ms: int, time_base: Any, seekable: bool, starts: set
) -> list:
    """The keyframe at or before ``target_ms`` and the frame after it (decoded, not converted); none when
    the seek lands on a packet in ``starts``, where an earlier sample began (the seek flushes the
    decoder, so decoding from there again gives the same frames: short videos have one keyframe).

    No ``skip_frame``: with B-frame reordering a decoder told to drop non-key frames holds the keyframe
    back until the next keyframe arrives, which costs two whole GOPs of reads per sample instead of a few
    packets."""
    if seekable and time_base:
        try:
            container.seek(int(target_ms / 1000 / time_base), stream=stream, backward=True, any_frame=False)
        except av.error.FFmpegError:
            return []
    frames: list = []
    packets = 0
    try:
        for packet in container.demux(stream):
            if not packets and seekable and packet.pts is not None:
                start = (packet.pts, packet.pos)
                if start in starts:
                    return []
                starts.add(start)
            packets += 1
            frames.extend(packet.decode())
            if len(frames) >= 2 or packets >= MAX_PACKETS_PER_SAMPLE:
                return frames[:2]
        for frame in stream.codec_context.decode(None):  # end of stream: drain the decoder
            frames.append(frame)
            if len(frames) >= 2:
                break
    except av.error.FFmpegError:
        pass
    return frames[:2]
