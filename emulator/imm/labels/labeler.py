"""A deterministic stand-in for the service's video label model: same bytes, same labels.

Three kinds of evidence, strongest first:

1. Probe facts from the DetectMediaMeta answer (orientation after ``Rotate``, resolution, frame rate,
   duration, audio, still-picture streams): portrait phone footage, phone or desktop screen recordings,
   music over a still picture, short or long videos.
2. Frame facts, only with the optional ``analysis`` extra (PyAV): dominant colours (the Color subtree,
   ``CentricScore`` = pixel share), brightness (night, low light), sky and water, monochrome, solid
   frames and colour bars, motion (sports), scene changes (montage), still pictures.
3. A content fingerprint (SHA-256 of a few small byte ranges of the object, never the whole file)
   drawing plausible scene/object labels from the taxonomy, weighted towards themes the facts suggest.

The answer is a consistent hierarchy: every level-3 label comes with its level-2 and level-1 parents,
parents are at least as confident as their children and their clips cover their children's.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import frames as framelib
from .formats import IMAGE_CODECS, is_still_image
from .taxonomy import LANGUAGE, Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from imm_emulator.imm.media.source import MediaSource

FINGERPRINT_VERSION = b"imm-emulator/labels/1"
FINGERPRINT_CHUNK = 4096
FINGERPRINT_POINTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # relative offsets of the sampled ranges

# Screen sizes that are not usual camera or delivery sizes: footage this size was captured from a screen.
DESKTOP_SCREENS = frozenset(
    {
        (1024, 768), (1280, 800), (1280, 1024), (1366, 768), (1440, 900), (1536, 864), (1600, 900),
        (1680, 1050), (1920, 1200), (2560, 1600), (2880, 1800), (3024, 1964), (3456, 2234), (2256, 1504),
    }
)  # fmt: skip
PHONE_SCREEN_ASPECT = 1.9  # unrotated portrait at >= 19:10 is a phone's screen, not its camera

# Level-1 categories the fingerprint may draw from, with base weights (the rest are fact-driven only).
BASE_THEMES: dict[str, float] = {
    "旅游地理": 1.5, "生活场景": 1.2, "灾难场景": 0.3, "才艺": 0.8, "办公": 0.8, "表演": 0.8, "生产": 0.7,
    "餐具": 0.6, "电子产品": 0.8, "家用电器": 0.6, "家具": 0.6, "交通工具": 0.8, "汽车": 0.8, "动物": 1.0,
    "植物": 0.8, "人物": 1.5, "美食": 1.0, "体育": 1.0, "游戏": 0.7, "新闻": 0.6, "娱乐": 1.0, "科技": 0.7,
    "动漫": 0.6, "舞蹈": 0.7, "音乐": 0.7, "影视": 0.8, "建筑": 0.8, "服饰": 0.6, "美妆": 0.5, "母婴": 0.4,
    "教育": 0.6, "医疗健康": 0.4, "军事": 0.3, "节日庆典": 0.6, "日用品": 0.5, "艺术作品": 0.5,
}  # fmt: skip

# Fact -> extra weight per level-1 category for the fingerprint draw.
THEME_BOOSTS: dict[str, dict[str, float]] = {
    "portrait": {"人物": 3.0, "美妆": 1.5, "舞蹈": 1.5, "美食": 1.0, "动物": 1.0, "服饰": 1.0, "娱乐": 1.0},
    "long": {"影视": 2.0, "新闻": 1.5, "教育": 1.0, "体育": 0.5},
    "short": {"娱乐": 1.0, "美食": 0.5, "动物": 0.5},
    "motion": {"体育": 5.0, "舞蹈": 1.5, "游戏": 1.0, "汽车": 1.0, "交通工具": 1.0},
    "music": {"音乐": 6.0, "舞蹈": 1.0},
    "screen": {"游戏": 2.0, "科技": 2.0, "教育": 1.0, "办公": 1.5},
    "outdoor": {"旅游地理": 4.0, "植物": 2.0, "动物": 1.0, "建筑": 1.0},
    "dark": {"表演": 2.0, "音乐": 1.0, "节日庆典": 1.5},
    "high_fps": {"体育": 2.0, "游戏": 1.0},
    "uhd": {"旅游地理": 1.0, "影视": 1.0},
}

# Labels the rules below emit by name (checked against the taxonomy by the tests).
FACT_LABELS = frozenset(
    {
        "竖屏", "方形画面", "超高清", "标清", "高帧率", "慢动作", "手机拍摄", "手机截图", "屏幕录制",
        "电脑截图", "网页", "网站", "电脑桌面", "应用界面", "文字", "歌曲", "静态画面", "短视频", "长视频",
        "夜晚", "暗光", "白天", "天空", "森林", "草原", "草坪", "雪景", "大海", "湖泊", "黑白画面", "黑屏",
        "白屏", "彩条", "混剪", *framelib.COLOURS,
    }
)  # fmt: skip
NATURAL_TEXTURE = 0.003  # mean horizontal luma step of a thumbnail: flat synthetic fields measure ~0
SPORT_GROUPS = ("球类运动", "田径", "极限运动", "冰雪运动", "水上运动", "格斗", "健身", "赛车运动")


@dataclass(frozen=True)
class ProbeFacts:
    """What DetectMediaMeta tells about the video, in display orientation."""

    duration_ms: int
    width: int  # displayed width (coded size turned by Rotate)
    height: int
    rotate: int  # clockwise degrees, 0/90/180/270
    fps: float
    has_audio: bool
    still: bool  # the only picture is a still (cover art, single frame, < 1 frame per second)

    @property
    def portrait(self) -> bool:
        return self.width > 0 and self.height > self.width * 1.05

    @property
    def square(self) -> bool:
        return self.width > 0 and self.height > 0 and not self.portrait and self.width <= self.height * 1.05


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                number = float(num) / float(den)
            else:
                number = float(text)
        except (ValueError, ZeroDivisionError):
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def probe_facts(meta: Mapping[str, Any]) -> ProbeFacts:
    """Read the facts the labeler uses from a DetectMediaMeta answer, tolerating missing or odd fields."""
    meta = meta if isinstance(meta, Mapping) else {}
    raw_streams = meta.get("VideoStreams")
    streams = [s for s in raw_streams if isinstance(s, Mapping)] if isinstance(raw_streams, list) else []
    moving = [s for s in streams if not is_still_image(s)]
    main = moving[0] if moving else (streams[0] if streams else {})
    audio = meta.get("AudioStreams") if isinstance(meta.get("AudioStreams"), list) else []

    durations = [_num(meta.get("Duration"))] + [_num(s.get("Duration")) for s in streams]
    duration = next((d for d in durations if d is not None and d > 0), 0.0)
    duration_ms = int(min(duration, 10**9) * 1000)

    width = _num(main.get("Width")) or _num(meta.get("VideoWidth")) or 0.0
    height = _num(main.get("Height")) or _num(meta.get("VideoHeight")) or 0.0
    width, height = int(max(0.0, min(width, 1e6))), int(max(0.0, min(height, 1e6)))
    rotate = int(round((_num(main.get("Rotate")) or 0.0) / 90.0)) % 4 * 90
    if rotate in (90, 270):
        width, height = height, width

    fps = _num(main.get("AverageFrameRate")) or _num(main.get("FrameRate")) or 0.0
    fps = fps if 0 < fps < 10000 else 0.0
    frame_count = _num(main.get("FrameCount"))
    codec = str(main.get("CodecName") or "").lower()
    still = bool(streams) and (
        not moving
        or (frame_count is not None and frame_count <= 1)
        or (codec in IMAGE_CODECS and 0 < fps < 1)
        or (frame_count is not None and duration > 2 and frame_count / duration < 1)
    )
    return ProbeFacts(duration_ms, width, height, rotate, fps, bool(audio), still)


def fingerprint(source: MediaSource) -> bytes:
    """SHA-256 over the size and ``len(FINGERPRINT_POINTS)`` ranges of 4 KiB: a few reads, any object size."""
    digest = hashlib.sha256(FINGERPRINT_VERSION)
    size = max(0, int(source.size))
    digest.update(struct.pack(">Q", size))
    with source.open() as reader:
        if size <= FINGERPRINT_CHUNK * len(FINGERPRINT_POINTS):
            digest.update(reader.read(size))
        else:
            for point in FINGERPRINT_POINTS:
                offset = min(size - FINGERPRINT_CHUNK, int((size - FINGERPRINT_CHUNK) * point))
                reader.seek(offset)
                digest.update(reader.read(FINGERPRINT_CHUNK))
    return digest.digest()


def first_segment(source: MediaSource) -> MediaSource | None:
    """The first media segment of an HLS playlist (None if ``source`` is not one, or it is missing)."""
    with source.open() as reader:
        head = reader.read(16)
        if not head.removeprefix(b"\xef\xbb\xbf").startswith(b"#EXTM3U"):
            return None
        head += reader.read(64 * 1024)
    for line in head.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            sibling = getattr(source, "sibling", None)
            return sibling(line) if sibling else None
    return None


class Draws:
    """A reproducible stream of numbers from the fingerprint, one independent stream per purpose
    (so adding a rule does not reshuffle the others). SHA-256 in counter mode: stable everywhere."""

    def __init__(self, seed: bytes, purpose: str) -> None:
        self._seed = seed + b"/" + purpose.encode()
        self._counter = 0

    def unit(self) -> float:
        """A float in [0, 1)."""
        block = hashlib.sha256(self._seed + struct.pack(">Q", self._counter)).digest()
        self._counter += 1
        return int.from_bytes(block[:7], "big") / float(1 << 56)

    def below(self, n: int) -> int:
        return min(n - 1, int(self.unit() * n)) if n > 0 else 0

    def between(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()

    def weighted(self, weights: Mapping[str, float]) -> str:
        items = [(key, w) for key, w in weights.items() if w > 0]
        target = self.unit() * sum(w for _, w in items)
        for key, w in items:
            target -= w
            if target < 0:
                return key
        return items[-1][0]


Clip = tuple[int, int]


def merge_clips(clips: Iterable[Clip]) -> list[Clip]:
    """Sorted, overlapping or touching ranges joined."""
    out: list[list[int]] = []
    for start, end in sorted(clips):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


class LabelSet:
    """Accumulates evidence per label and renders the consistent Label list (parents filled in)."""

    def __init__(self, taxonomy: Taxonomy, duration_ms: int) -> None:
        self.taxonomy = taxonomy
        self.duration_ms = max(0, duration_ms)
        self._found: dict[str, tuple[float, float, list[Clip]]] = {}

    def whole(self) -> list[Clip]:
        return [(0, self.duration_ms)] if self.duration_ms > 0 else []

    def add(self, name: str, confidence: float, centric: float, clips: list[Clip] | None = None) -> None:
        if name not in self.taxonomy:
            raise KeyError(f"label {name!r} is not in the taxonomy")
        clips = self.whole() if clips is None else self._inside(clips)
        old = self._found.get(name)
        if old:
            confidence, centric = max(old[0], confidence), max(old[1], centric)
            clips = old[2] + clips
        self._found[name] = (_unit(confidence), _unit(centric), merge_clips(clips))

    def _inside(self, clips: list[Clip]) -> list[Clip]:
        out = []
        for start, end in clips:
            start, end = max(0, int(start)), min(self.duration_ms, int(end))
            if start < end:
                out.append((start, end))
        return out

    def __contains__(self, name: str) -> bool:
        return name in self._found

    def render(self) -> list[dict[str, Any]]:
        found = dict(self._found)
        for name in list(found):  # parents: at least the best child's confidence, clips cover children
            confidence, centric, clips = found[name]
            for parent in (node.name for node in self.taxonomy.ancestors(name)):
                old = found.get(parent)
                if old:
                    found[parent] = (
                        max(old[0], confidence),
                        max(old[1], centric),
                        merge_clips(old[2] + clips),
                    )
                else:
                    found[parent] = (confidence, centric, list(clips))
        children: dict[str, list[str]] = {}
        for name in found:
            children.setdefault(self.taxonomy[name].parent, []).append(name)

        def order(names: list[str]) -> list[str]:
            return sorted(names, key=lambda n: (-found[n][0], -found[n][1], n))

        out: list[dict[str, Any]] = []

        def emit(name: str) -> None:
            node = self.taxonomy[name]
            confidence, centric, clips = found[name]
            out.append(
                {
                    "LabelName": name,
                    "LabelLevel": node.level,
                    "ParentLabelName": node.parent,
                    "LabelConfidence": confidence,
                    "CentricScore": centric,
                    "LabelAlias": node.alias,
                    "Language": LANGUAGE,
                    "Clips": [{"TimeRange": [start, end]} for start, end in clips],
                }
            )
            for child in order(children.get(name, [])):
                emit(child)

        for root in order(children.get("", [])):
            emit(root)
        return out


def _unit(value: float) -> float:
    return round(min(1.0, max(0.0, float(value))), 4)


def derive_labels(
    meta: Mapping[str, Any],
    source: MediaSource,
    *,
    analysis: bool | None = None,
    taxonomy: Taxonomy | None = None,
    analyse: framelib.Analyse = framelib.analyse,
) -> list[dict[str, Any]]:
    """The Labels of a GetVideoLabelClassificationResult for the video ``source`` probed as ``meta``.

    ``analysis``: None uses frame analysis when PyAV is installed, False never, True requires it
    (RuntimeError if PyAV is missing); undecodable media and HLS playlists are labelled without it.
    Deterministic for the same bytes and the same setting. Call ``check_labelable(meta)`` first: this
    function labels whatever it is given. ``analyse``: ``frames.analyse`` or an equal (prefetch.py).
    """
    if analysis and not framelib.available():
        raise RuntimeError("frame analysis needs PyAV: pip install 'imm-emulator[analysis]' (or 'av')")
    taxonomy = taxonomy or load_taxonomy()
    facts = probe_facts(meta)
    seed = fingerprint(source)
    segment = first_segment(source)
    if segment is not None:  # an HLS playlist: its text says little, its media says more
        seed = hashlib.sha256(seed + fingerprint(segment)).digest()
    found = None
    if analysis is not False and segment is None:
        found = analyse(source, facts.duration_ms, facts.rotate)
    labels = LabelSet(taxonomy, facts.duration_ms)
    themes = dict(BASE_THEMES)
    _probe_rules(facts, labels, themes, Draws(seed, "probe"))
    if found is not None:
        _frame_rules(facts, found, labels, themes, Draws(seed, "frames"))
    _fingerprint_picks(taxonomy, labels, themes, Draws(seed, "themes"))
    return labels.render()


def _boost(themes: dict[str, float], fact: str, scale: float = 1.0) -> None:
    for name, weight in THEME_BOOSTS[fact].items():
        themes[name] = themes.get(name, 0.0) + weight * scale


def _probe_rules(facts: ProbeFacts, labels: LabelSet, themes: dict[str, float], draws: Draws) -> None:
    jitter = draws.between
    short_side = min(facts.width, facts.height)
    long_side = max(facts.width, facts.height)
    if facts.portrait:
        labels.add("竖屏", jitter(0.9, 0.99), jitter(0.5, 0.8))
        _boost(themes, "portrait")
        aspect = facts.height / facts.width
        if facts.rotate in (90, 270):
            labels.add("手机拍摄", jitter(0.72, 0.88), jitter(0.3, 0.6))
        elif aspect >= PHONE_SCREEN_ASPECT and not facts.still:
            labels.add("手机截图", jitter(0.7, 0.85), jitter(0.6, 0.85))
            labels.add("屏幕录制", jitter(0.65, 0.8), jitter(0.5, 0.8))
            _boost(themes, "screen")
    elif facts.square:
        labels.add("方形画面", jitter(0.85, 0.97), jitter(0.4, 0.7))
    if (facts.width, facts.height) in DESKTOP_SCREENS and not facts.still:
        labels.add("屏幕录制", jitter(0.62, 0.78), jitter(0.5, 0.8))
        labels.add(
            ("电脑截图", "电脑桌面", "网页", "应用界面")[draws.below(4)], jitter(0.5, 0.7), jitter(0.4, 0.7)
        )
        _boost(themes, "screen")
    if short_side >= 2160 or long_side >= 3840:
        labels.add("超高清", jitter(0.85, 0.97), jitter(0.3, 0.5))
        _boost(themes, "uhd")
    elif 0 < short_side < 480:
        labels.add("标清", jitter(0.8, 0.95), jitter(0.3, 0.5))
    if facts.fps >= 100:
        labels.add("慢动作", jitter(0.55, 0.7), jitter(0.3, 0.6))
        labels.add("高帧率", jitter(0.85, 0.95), jitter(0.3, 0.5))
        _boost(themes, "high_fps")
    elif facts.fps >= 48:
        labels.add("高帧率", jitter(0.8, 0.92), jitter(0.3, 0.5))
        _boost(themes, "high_fps")
    if facts.still:
        labels.add("静态画面", jitter(0.85, 0.97), jitter(0.6, 0.9))
        if facts.has_audio:
            labels.add("歌曲", jitter(0.7, 0.88), jitter(0.6, 0.85))
            _boost(themes, "music")
    if 0 < facts.duration_ms < 60_000:
        labels.add("短视频", jitter(0.6, 0.8), jitter(0.2, 0.4))
        _boost(themes, "short")
    elif facts.duration_ms >= 20 * 60_000:
        labels.add("长视频", jitter(0.6, 0.8), jitter(0.2, 0.4))
        _boost(themes, "long")


def _segments(samples: list[framelib.Sample], holds: list[bool], duration_ms: int) -> list[Clip]:
    """Clips covering the stretches of the video around the samples where a fact holds."""
    if duration_ms <= 0:
        return []
    times = [s.time_ms for s in samples]
    clips: list[Clip] = []
    for i, ok in enumerate(holds):
        if not ok:
            continue
        start = 0 if i == 0 else (times[i - 1] + times[i]) // 2
        end = duration_ms if i == len(times) - 1 else (times[i] + times[i + 1]) // 2
        if start < end:
            clips.append((start, end))
    return merge_clips(clips)


def _frame_rules(
    facts: ProbeFacts, found: framelib.FrameFacts, labels: LabelSet, themes: dict[str, float], draws: Draws
) -> None:
    samples, duration = found.samples, facts.duration_ms
    jitter = draws.between
    share = found.colour_share()
    luma, saturation = found.mean("luma"), found.mean("saturation")
    motions = [s.motion for s in samples if s.motion is not None]
    motion = sum(motions) / len(motions) if motions else 0.0
    static = (not motions or max(motions) < 0.002) and found.scene_change < 0.004

    def clips(test: Any) -> list[Clip]:
        return _segments(samples, [bool(test(s)) for s in samples], duration)

    ranked = sorted(share.items(), key=lambda kv: (-kv[1], kv[0]))
    solid = ranked[0][0] if ranked and ranked[0][1] >= 0.97 else None
    for name, part in ranked[:3]:
        if part >= 0.12:
            confidence = min(0.99, 0.5 + 0.5 * math.sqrt(part))
            labels.add(name, confidence, part, clips(lambda s, n=name: s.colours.get(n, 0.0) >= 0.1))
    if solid == "黑色":
        labels.add(
            "黑屏", jitter(0.9, 0.98), share["黑色"], clips(lambda s: s.colours.get("黑色", 0) >= 0.97)
        )
    elif solid == "白色":
        labels.add(
            "白屏", jitter(0.9, 0.98), share["白色"], clips(lambda s: s.colours.get("白色", 0) >= 0.97)
        )
    bars = [name for name, part in ranked if part >= 0.07]
    if static and len(bars) >= 6 and saturation > 0.4:
        labels.add("彩条", jitter(0.8, 0.92), jitter(0.7, 0.9))
    value, edges = found.mean("value"), found.mean("edges")
    if solid is None:
        if luma < 0.18 and value < 0.3:
            labels.add("夜晚", min(0.95, 0.6 + (0.18 - luma) * 2), 1 - luma, clips(lambda s: s.value < 0.32))
            _boost(themes, "dark")
        elif luma < 0.3 and value < 0.42:
            labels.add("暗光", min(0.9, 0.55 + (0.3 - luma) * 2), 0.8 - luma, clips(lambda s: s.value < 0.44))
            _boost(themes, "dark")
        if saturation < 0.06 and 0.1 < luma < 0.9:
            labels.add("黑白画面", min(0.97, 0.7 + (0.06 - saturation) * 4), jitter(0.4, 0.7))
    # Natural scenes have texture; flat synthetic colour fields (title cards, test screens) do not.
    if solid is None and edges >= NATURAL_TEXTURE:
        sky = found.mean("sky_top")
        if sky >= 0.5 and luma >= 0.35:
            labels.add("天空", min(0.97, 0.5 + sky / 2), sky / 3, clips(lambda s: s.sky_top >= 0.4))
            labels.add("白天", min(0.95, 0.5 + luma / 2), jitter(0.2, 0.4), clips(lambda s: s.luma >= 0.35))
            _boost(themes, "outdoor")
        green = share.get("绿色", 0.0)
        if green >= 0.35:
            place = ("森林", "草原", "草坪")[draws.below(3)]
            labels.add(
                place, min(0.9, 0.4 + green / 2), green, clips(lambda s: s.colours.get("绿色", 0) >= 0.3)
            )
            _boost(themes, "outdoor")
        white = share.get("白色", 0.0)
        if white >= 0.45 and luma >= 0.6:
            labels.add(
                "雪景", min(0.85, 0.3 + white / 2), white, clips(lambda s: s.colours.get("白色", 0) >= 0.4)
            )
            _boost(themes, "outdoor")
        water = found.mean("blue_bottom")
        if water >= 0.4:
            place = ("大海", "湖泊")[draws.below(2)]
            labels.add(place, min(0.9, 0.4 + water / 2), water / 2, clips(lambda s: s.blue_bottom >= 0.35))
            _boost(themes, "outdoor")
    if solid is None:
        light = share.get("白色", 0.0) + share.get("灰色", 0.0)
        if edges >= 0.06 and light >= 0.5 and motion < 0.02 and saturation < 0.25:
            labels.add("文字", min(0.92, 0.5 + edges * 3), jitter(0.4, 0.7), clips(lambda s: s.edges >= 0.05))
            if "屏幕录制" in labels:
                labels.add(("网页", "网站")[draws.below(2)], jitter(0.55, 0.75), jitter(0.5, 0.8))
    if static and not facts.still and solid is None:
        labels.add("静态画面", jitter(0.75, 0.9), jitter(0.5, 0.8))
        if facts.has_audio:
            labels.add("歌曲", jitter(0.6, 0.8), jitter(0.5, 0.8))
            _boost(themes, "music")
    if motion >= 0.05:
        _boost(themes, "motion", min(2.0, motion * 20))
        group = SPORT_GROUPS[draws.below(len(SPORT_GROUPS))]
        sports = labels.taxonomy.leaves(group)
        sport = sports[draws.below(len(sports))].name
        labels.add(
            sport, min(0.9, 0.45 + motion * 3), jitter(0.4, 0.7), clips(lambda s: (s.motion or 0) >= 0.04)
        )
    if found.scene_change >= 0.15 and len(samples) >= 4:
        labels.add("混剪", min(0.85, 0.4 + found.scene_change), jitter(0.2, 0.5))


def _fingerprint_picks(taxonomy: Taxonomy, labels: LabelSet, themes: dict[str, float], draws: Draws) -> None:
    """Two or three plausible content labels drawn from the themes (weights shaped by the facts)."""
    pool = {name: weight for name, weight in themes.items() if name in taxonomy}
    for _ in range(2 + draws.below(2)):
        if not pool:
            break
        category = draws.weighted(pool)
        pool.pop(category)
        node = taxonomy[category]
        while node.children:
            node = taxonomy[node.children[draws.below(len(node.children))]]
        duration = labels.duration_ms
        clip: list[Clip] | None = None
        if duration > 1:
            length = max(1, min(duration, int(duration * draws.between(0.2, 0.8))))
            start = draws.below(duration - length + 1)
            clip = [(start, start + length)]
        labels.add(node.name, draws.between(0.5, 0.92), draws.between(0.25, 0.85), clip)
