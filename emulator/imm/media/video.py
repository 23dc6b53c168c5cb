"""Video stream fields: profile and level, pixel format, colours, frame rates, B-frames, aspect ratios."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from pymediainfo import Track

from .facts import Facts
from .tables import table
from .timing import StreamTiming, frame_rate, vui_rate
from .values import av_reduce, integer, number, rate_from_decimal, ratio_text

_NO_REORDER_PROFILES = ("Baseline", "Constrained Baseline")


def video_fields(track: Track, codec: str | None, facts: Facts, timing: StreamTiming) -> dict[str, Any]:
    width, height = integer(track.width), integer(track.height)
    profile, level = profile_and_level(track, codec)
    pixel_format, depth = pixel_format_and_depth(track, codec, facts)
    sar, dar = aspect_ratios(track, width, height)
    unstated = any(track is picture for picture in facts.unstated_aspect)
    if codec in table("video")["unknown_aspect_ratio"] or not facts.container.aspect_ratio or unstated:
        sar = dar = None
    rate = _real_frame_rate(track)
    stated = None if rate else _default_duration_rate(track, facts)
    if stated is not None:  # matroskadec: r_frame_rate only for 5-1000 fps, avg_frame_rate always
        rate = stated if 5 < stated < 1000 else None
    rate = rate or vui_rate(codec, facts)
    average = timing.average_rate or rate or stated
    if track.track_type == "Image":  # attached picture: ffprobe's 90 kHz pseudo stream, no average
        rate, average = Fraction(90000), None
    if not facts.container.average_rate:
        average = None
    return {
        "Profile": profile,
        "Level": level,
        "Width": width,
        "Height": height,
        "PixelFormat": pixel_format,
        "BitDepth": depth,
        **colours(track, codec, facts),
        "FrameRate": ratio_text(rate),
        "AverageFrameRate": ratio_text(average),
        "HasBFrames": reorder_depth(track, codec, facts),
        "SampleAspectRatio": sar,
        "DisplayAspectRatio": dar,
        "Rotate": _rotation(track),
    }


def profile_and_level(track: Track, codec: str | None) -> tuple[str | None, int | None]:
    rules = table("video")
    text = track.format_profile or ""
    parts = text.split("@")
    profile: str | None = parts[0] or None
    level_text = next((p[1:] for p in parts[1:] if p.startswith("L")), None)
    codec = codec or ""
    if codec in rules["fixed_profiles"]:
        profile = rules["fixed_profiles"][codec]
    elif codec == "vp9":
        profile = f"Profile {text or '0'}"
    elif codec == "dnxhd":  # MediaInfo "HD@HQ" (DNxHD) / "RI@LB" (DNxHR, resolution independent)
        profile = f"DNXHR {parts[1]}" if profile == "RI" and len(parts) > 1 else "DNXHD"
    elif codec in rules["no_profile"]:
        profile = None
    elif profile and codec in rules["profile_renames"]:
        profile = rules["profile_renames"][codec].get(profile, profile)
    rule = rules["level_rules"].get(codec, "unknown")
    if codec == "mpeg2video":
        return profile, rules["mpeg2_levels"].get(parts[1]) if len(parts) == 2 else None
    return profile, _level(rule, level_text)


def _level(rule: str, text: str | None) -> int | None:
    if rule == "unknown":
        return -99
    if not text:
        return None
    try:
        if rule == "times10":
            return 9 if text == "1b" else round(float(text) * 10)
        if rule == "times30":
            return round(float(text) * 30)
        if rule == "av1":
            major, minor = text.split(".")
            return (int(major) - 2) * 4 + int(minor)
        digits = re.sub(r"\D", "", text)
        return int(digits) if digits else None
    except ValueError:
        return None


def pixel_format_and_depth(track: Track, codec: str | None, facts: Facts) -> tuple[str | None, int | None]:
    if codec == "prores":  # FFmpeg decodes 4:2:2 ProRes at 10 bits and 4:4:4 (4444, 4444 XQ) at 12
        if (track.format_profile or "").startswith("422"):
            return "yuv422p10le", 10
        return "yuva444p12le", 12  # MediaInfo does not say whether the 4444 frames carry alpha
    depth = integer(track.bit_depth) or 8
    fixed = table("video")["fixed_pixel_formats"].get(codec or "")
    if fixed:  # the decoder's only output format
        return fixed, depth
    space = track.color_space or "YUV"
    if space == "RGB":
        return ("rgb24" if depth == 8 else f"gbrp{depth}le"), depth
    if space == "Y":
        return ("gray" if depth == 8 else f"gray{depth}le"), depth
    rules = table("video")
    stated = track.chroma_subsampling or (facts.jpeg_chroma if codec == "mjpeg" else None) or "4:2:0"
    chroma = rules["chroma"].get(stated.split(" ")[0], "420")
    full = (track.color_range == "Full" or codec == "mjpeg") and not facts.jpeg_limited_range
    if depth == 8:
        jpeg = full and codec in rules["full_range_pixel_formats"]
        return (f"yuvj{chroma}p" if jpeg else f"yuv{chroma}p"), depth
    return f"yuv{chroma}p{depth}le", depth


def colours(track: Track, codec: str | None, facts: Facts) -> dict[str, str | None]:
    names, rules = table("colors"), table("video")
    colour_range = names["range"].get(track.color_range) or rules["default_color_range"].get(codec or "")
    if codec == "mjpeg":
        colour_range = "tv" if facts.jpeg_limited_range else "pc"
    space = names["matrix"].get(track.matrix_coefficients) or rules["default_color_space"].get(codec or "")
    if codec == "vp9" and track.matrix_coefficients == "BT.601":  # VP9's CS_BT_601: FFmpeg's bt470bg
        space = "bt470bg"
    return {
        "ColorRange": colour_range,
        "ColorSpace": space,
        "ColorTransfer": names["transfer"].get(track.transfer_characteristics),
        "ColorPrimaries": names["primaries"].get(track.color_primaries),
    }


def _real_frame_rate(track: Track) -> Fraction | None:
    """ffprobe's r_frame_rate: the stream's base rate; for variable rate, the highest one."""
    if track.frame_rate_mode == "VFR" and track.maximum_frame_rate:
        return frame_rate_of(track.maximum_frame_rate)
    return frame_rate(track)


def _default_duration_rate(track: Track, facts: Facts) -> Fraction | None:
    """Matroska: 1e9 / DefaultDuration, reduced as libavformat does (terms up to 30000: 59.94 fps
    becomes 19001/317)."""
    number = integer(str(track.track_id or "").split(" ")[0])
    duration = facts.default_durations.get(number) if number is not None else None
    return av_reduce(1_000_000_000, duration, 30000) if duration else None


def frame_rate_of(text: str) -> Fraction | None:
    return rate_from_decimal(text, table("video")["frame_rate_bases"])


def reorder_depth(track: Track, codec: str | None, facts: Facts) -> int:
    """has_b_frames: the stream's reorder depth (from the SPS in the trace, else from encoder hints)."""
    if codec in ("h264", "hevc"):
        info = facts.mp4_track(track)
        if info and info.reorder is not None:
            return info.reorder
        if facts.video_timing.reorder is not None and len(facts.inspection.of_type("Video")) == 1:
            return facts.video_timing.reorder
        if (track.format_profile or "").split("@")[0] in _NO_REORDER_PROFILES:
            return 0
        return _encoder_reorder(track.encoding_settings or "")
    if codec == "mpeg4":
        bvop = track.format_settings__bvop
        return 1 if bvop in ("Yes", "1") or (number(bvop) or 0) > 0 else 0
    return table("video")["reorder_by_codec"].get(codec or "", 0)


def _encoder_reorder(settings: str) -> int:
    """x264/x265 settings: no B-frames -> 0, B-frames without pyramid -> 1, with pyramid -> 2."""
    found = dict(re.findall(r"(?:^|/ )([\w-]+)=([^ /]+)", settings))
    if found.get("bframes") == "0":
        return 0
    pyramid = found.get("b_pyramid", found.get("b-pyramid"))
    return 1 if pyramid == "0" else 2


def aspect_ratios(track: Track, width: int | None, height: int | None) -> tuple[str | None, str | None]:
    if not width or not height:
        return None, None
    par_text = str(track.pixel_aspect_ratio or "1.000")
    if par_text in ("1.000", "1"):
        sar = Fraction(1)
    else:
        stated = _stated_dar(track)
        par = number(par_text) or 1.0
        if stated is not None and abs(float(stated) - width * par / height) < 0.01:
            sar = stated * height / width
        else:
            sar = Fraction(par).limit_denominator(255)
    dar = sar * Fraction(width, height)
    return ratio_text(sar, ":"), ratio_text(dar, ":")


def _stated_dar(track: Track) -> Fraction | None:
    for text in [track.display_aspect_ratio, *(track.other_display_aspect_ratio or [])]:
        if text and ":" in str(text):
            first, second = str(text).split(":")
            try:
                return Fraction(int(first), int(second))
            except ValueError:
                continue
    return None


def _rotation(track: Track) -> str | None:
    degrees = number(track.rotation)
    if not degrees:
        return None
    value = int(round(degrees)) % 360
    return str(value) if value else None
