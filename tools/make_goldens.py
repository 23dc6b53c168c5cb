#!/usr/bin/env python3
"""Expected DetectMediaMeta answers for sample media, derived from ffprobe (the oracle).

    python tools/make_goldens.py [DIR ...]        # default: fixtures/media

For each media file in DIR (and each ``*.m3u8`` one level below it) this runs
``ffprobe -show_format -show_streams -of json`` and writes ``<file>.expected.json`` next to it: the
answer the real IMM service (evidently ffprobe-based) would give, without ``RequestId``.

The ffprobe -> DetectMediaMeta conversion follows these assumptions, inferred from the sample answer in
the DetectMediaMeta documentation (whose values are ffprobe's, field for field):

* stream ``Language`` is the ISO 639-2 tag turned into BCP 47 (``eng`` -> ``en``); ``und`` is dropped;
* top-level ``Language`` is the raw format tag;
* ``Rotate`` is the clockwise rotation in degrees as a string (= -display-matrix rotation);
* ``LatLong`` comes from ``com.apple.quicktime.location.ISO6709`` or ``location``, 6 decimals;
* ``ProduceTime`` is ``creation_time`` as RFC 3339 UTC, trailing zero fractions dropped;
* ``BitDepth`` is ``bits_per_raw_sample``, else the depth of the pixel format;
* ``HasBFrames`` = ``has_b_frames``, ``FrameCount`` = ``nb_frames``, Level ``-99`` is kept;
* ``CodecTimeBase`` (not printed by ffprobe >= 5), subtitle ``Content`` and ``Addresses`` are not derived.

The emulator never runs this: it is the yardstick its pymediainfo-based prober is measured against.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

MEDIA_SUFFIXES = {
    ".mp4", ".m4a", ".m4v", ".mov", ".3gp", ".3g2", ".mkv", ".webm", ".avi", ".flv", ".ts", ".mts",
    ".m2ts", ".mpg", ".mpeg", ".vob", ".mp3", ".aac", ".ac3", ".eac3", ".wav", ".flac", ".ogg", ".opus",
    ".oga", ".m3u8", ".mka", ".wma", ".wmv", ".asf", ".amr", ".aiff", ".aif", ".caf", ".mxf",
    ".ogv", ".ismv", ".m4b", ".hevc", ".ivf", ".mp2", ".au", ".aifc", ".spx", ".wv",
    ".rm", ".rmvb", ".swf", ".nsv", ".avs", ".dat", ".divx", ".xvid", ".ogm", ".qt",
}  # fmt: skip

# ISO 639-2 (B and T) -> ISO 639-1, the BCP 47 primary subtag, for the languages media files carry.
LANG_639_1 = {
    "eng": "en",
    "fre": "fr",
    "fra": "fr",
    "chi": "zh",
    "zho": "zh",
    "jpn": "ja",
    "ger": "de",
    "deu": "de",
    "spa": "es",
    "kor": "ko",
    "rus": "ru",
    "ita": "it",
    "por": "pt",
    "ara": "ar",
    "hin": "hi",
    "tha": "th",
    "vie": "vi",
    "dut": "nl",
    "nld": "nl",
    "swe": "sv",
    "nor": "no",
    "dan": "da",
    "fin": "fi",
    "pol": "pl",
    "tur": "tr",
    "gre": "el",
    "ell": "el",
    "heb": "he",
    "ind": "id",
    "may": "ms",
    "msa": "ms",
    "ukr": "uk",
    "cze": "cs",
    "ces": "cs",
    "hun": "hu",
    "rum": "ro",
    "ron": "ro",
    "per": "fa",
    "fas": "fa",
}
NO_LANGUAGE = {"und", "unk", "zxx", "mis", "mul", ""}


def ffprobe_json(path: str | Path) -> dict[str, Any]:
    """ffprobe's container and stream description of ``path`` as parsed JSON."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out)


def _value(raw: Any) -> Any:
    return None if raw in (None, "", "N/A") else raw


def _float(raw: Any) -> float | None:
    raw = _value(raw)
    return None if raw is None else float(raw)


def _int(raw: Any) -> int | None:
    raw = _value(raw)
    return None if raw is None else int(raw)


def bcp47(language: str | None) -> str | None:
    if not language or language.lower() in NO_LANGUAGE:
        return None
    return LANG_639_1.get(language.lower(), language.lower())


def iso6709(text: str | None) -> str | None:
    """'+39.9988+116.4809+050.000/' -> '+39.998800,+116.480900'."""
    match = re.match(r"^\s*([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)", text or "")
    if not match:
        return None
    return f"{float(match.group(1)):+.6f},{float(match.group(2)):+.6f}"


def rfc3339(text: str | None) -> str | None:
    """'2024-05-01T10:20:30.000000Z' -> '2024-05-01T10:20:30Z' (Go's RFC3339Nano, UTC)."""
    if not text:
        return None
    text = text.strip().replace(" UTC", "Z").replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def pix_fmt_depth(pix_fmt: str | None) -> int | None:
    if not pix_fmt:
        return None
    match = re.search(r"(\d+)(le|be)$", pix_fmt)
    return int(match.group(1)) if match else 8


def _rate(raw: str | None) -> str | None:
    return None if not raw or raw.startswith("0/") or raw.endswith("/0") else raw


def _rotation(stream: dict[str, Any], tags: dict[str, str]) -> str | None:
    if tags.get("rotate"):
        return str(int(tags["rotate"]) % 360) or None
    for side_data in stream.get("side_data_list") or []:
        if side_data.get("rotation"):
            degrees = int(round(-float(side_data["rotation"]))) % 360
            return str(degrees) if degrees else None
    return None


def _lower_tags(entity: dict[str, Any]) -> dict[str, str]:
    return {key.lower(): value for key, value in (entity.get("tags") or {}).items()}


def _common(stream: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    return {
        "Index": stream["index"],
        "Language": bcp47(tags.get("language")),
        "CodecName": _value(stream.get("codec_name")),
        "CodecLongName": _value(stream.get("codec_long_name")),
        "CodecTagString": _value(stream.get("codec_tag_string")),
        "CodecTag": _value(stream.get("codec_tag")),
        "TimeBase": _rate(stream.get("time_base")),
        "StartTime": _float(stream.get("start_time")),
        "Duration": _float(stream.get("duration")),
        "Bitrate": _int(stream.get("bit_rate")),
        "FrameCount": _int(stream.get("nb_frames")),
    }


def _video(stream: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    answer = _common(stream, tags)
    depth = _int(stream.get("bits_per_raw_sample")) or pix_fmt_depth(stream.get("pix_fmt"))
    answer.update(
        {
            "Profile": _value(stream.get("profile")),
            "Level": stream.get("level"),
            "Width": stream.get("width"),
            "Height": stream.get("height"),
            "PixelFormat": _value(stream.get("pix_fmt")),
            "BitDepth": depth,
            "ColorRange": _value(stream.get("color_range")),
            "ColorSpace": _value(stream.get("color_space")),
            "ColorTransfer": _value(stream.get("color_transfer")),
            "ColorPrimaries": _value(stream.get("color_primaries")),
            "FrameRate": _rate(stream.get("r_frame_rate")),
            "AverageFrameRate": _rate(stream.get("avg_frame_rate")),
            "HasBFrames": stream.get("has_b_frames"),
            "SampleAspectRatio": _value(stream.get("sample_aspect_ratio")),
            "DisplayAspectRatio": _value(stream.get("display_aspect_ratio")),
            "Rotate": _rotation(stream, tags),
        }
    )
    return answer


def _audio(stream: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    answer = _common(stream, tags)
    answer.update(
        {
            "SampleFormat": _value(stream.get("sample_fmt")),
            "SampleRate": _int(stream.get("sample_rate")),
            "Channels": stream.get("channels"),
            "ChannelLayout": _value(stream.get("channel_layout")),
        }
    )
    return answer


def _subtitle(stream: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    answer = _common(stream, tags)
    for unused in ("TimeBase", "FrameCount"):
        answer.pop(unused)
    answer.update({"Width": stream.get("width") or None, "Height": stream.get("height") or None})
    return answer


def _drop_none(entity: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entity.items() if value is not None}


def to_detect_media_meta(probe: dict[str, Any]) -> dict[str, Any]:
    """ffprobe JSON -> the DetectMediaMeta answer body (no RequestId), absent fields omitted."""
    fmt = probe.get("format") or {}
    tags = _lower_tags(fmt)
    videos, audios, subtitles = [], [], []
    for stream in probe.get("streams") or []:
        stream_tags = _lower_tags(stream)
        kind = stream.get("codec_type")
        if kind == "video":
            videos.append(_drop_none(_video(stream, stream_tags)))
        elif kind == "audio":
            audios.append(_drop_none(_audio(stream, stream_tags)))
        elif kind == "subtitle":
            subtitles.append(_drop_none(_subtitle(stream, stream_tags)))
    answer = {
        "FormatName": _value(fmt.get("format_name")),
        "FormatLongName": _value(fmt.get("format_long_name")),
        "Size": _int(fmt.get("size")),
        "Duration": _float(fmt.get("duration")),
        "StartTime": _float(fmt.get("start_time")),
        "Bitrate": _int(fmt.get("bit_rate")),
        "StreamCount": fmt.get("nb_streams"),
        "ProgramCount": fmt.get("nb_programs"),
        "VideoWidth": videos[0].get("Width") if videos else None,
        "VideoHeight": videos[0].get("Height") if videos else None,
        "Title": tags.get("title"),
        "Artist": tags.get("artist"),
        "AlbumArtist": tags.get("album_artist"),
        "Album": tags.get("album"),
        "Composer": tags.get("composer"),
        "Performer": tags.get("performer"),
        "Language": tags.get("language"),
        "ProduceTime": rfc3339(tags.get("creation_time")),
        "LatLong": iso6709(tags.get("com.apple.quicktime.location.iso6709") or tags.get("location")),
    }
    answer = _drop_none(answer)
    answer.update({"VideoStreams": videos, "AudioStreams": audios, "Subtitles": subtitles})
    return answer


def media_files(directory: str | Path) -> list[Path]:
    """The media files of a fixture folder: its own files plus playlists one level down."""
    root = Path(directory)
    found = [p for p in root.iterdir() if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES]
    found += [p for p in root.glob("*/*.m3u8") if p.is_file()]
    return sorted(found)


def expected_path(media: Path) -> Path:
    return media.with_name(media.name + ".expected.json")


def write_golden(media: Path) -> Path:
    answer = to_detect_media_meta(ffprobe_json(media))
    target = expected_path(media)
    target.write_text(json.dumps(answer, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    directories = argv or [str(Path(__file__).resolve().parents[1] / "fixtures" / "media")]
    for directory in directories:
        for media in media_files(directory):
            print(write_golden(media))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
