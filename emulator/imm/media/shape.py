"""The DetectMediaMeta answer's wire shape: field order as the API documents it, absent fields omitted."""

from __future__ import annotations

from typing import Any

TOP = (
    "FormatName", "FormatLongName", "Size", "Duration", "StartTime", "Bitrate", "StreamCount",
    "ProgramCount", "VideoWidth", "VideoHeight", "Title", "Artist", "AlbumArtist", "Album", "Composer",
    "Performer", "Language", "ProduceTime", "LatLong", "Addresses",
)  # fmt: skip
VIDEO = (
    "Index", "Language", "CodecName", "CodecLongName", "Profile", "CodecTagString", "CodecTag", "Width",
    "Height", "HasBFrames", "SampleAspectRatio", "DisplayAspectRatio", "PixelFormat", "Level",
    "FrameRate", "AverageFrameRate", "TimeBase", "StartTime", "Duration", "Bitrate", "FrameCount",
    "Rotate", "BitDepth", "ColorSpace", "ColorRange", "ColorTransfer", "ColorPrimaries",
)  # fmt: skip
AUDIO = (
    "Index", "Language", "CodecName", "CodecLongName", "CodecTagString", "CodecTag", "TimeBase",
    "StartTime", "Duration", "Bitrate", "FrameCount", "Lyric", "SampleFormat", "SampleRate", "Channels",
    "ChannelLayout",
)  # fmt: skip
SUBTITLE = (
    "Index", "Language", "CodecName", "CodecLongName", "CodecTagString", "CodecTag", "StartTime",
    "Duration", "Bitrate", "Width", "Height",
)  # fmt: skip
LISTS = {"VideoStreams": VIDEO, "AudioStreams": AUDIO, "Subtitles": SUBTITLE}


def ordered(values: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """The fields of ``order`` that have a value, in that order."""
    return {name: values[name] for name in order if values.get(name) is not None}


def answer(top: dict[str, Any], lists: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    body = ordered(top, TOP)
    for name, order in LISTS.items():
        body[name] = [ordered(stream, order) for stream in lists.get(name, [])]
    return body
