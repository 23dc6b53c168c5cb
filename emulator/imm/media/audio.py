"""Audio stream fields: decoder sample format, sample rate, channels and FFmpeg's channel layout name."""

from __future__ import annotations

from typing import Any

from pymediainfo import Track

from .facts import Facts
from .tables import table
from .values import integer


def audio_fields(track: Track, codec: str | None, facts: Facts) -> dict[str, Any]:
    channels = integer(track.channel_s)
    if channels is None and codec == "opus" and facts.opus_channels:
        channels = facts.opus_channels[0]  # MediaInfo 24.12 states no channel count for Opus in MP4
    return {
        "SampleFormat": sample_format(track, codec),
        "SampleRate": integer(track.sampling_rate),
        "Channels": channels,
        "ChannelLayout": channel_layout(track, codec, channels, facts),
    }


def sample_format(track: Track, codec: str | None) -> str | None:
    codec = codec or ""
    fixed = table("audio")["sample_formats"].get(codec)
    if fixed:
        return fixed
    bits = integer(track.bit_depth) or 16
    if codec.startswith("pcm_f"):
        return "flt" if bits == 32 else "dbl"
    if codec == "flac" or codec.startswith("pcm_"):
        return {8: "u8", 16: "s16"}.get(bits, "s32")
    if codec == "alac":
        return "s16p" if bits == 16 else "s32p"
    return None


def channel_layout(track: Track, codec: str | None, channels: int | None, facts: Facts) -> str | None:
    if _plain_pcm_header(codec, facts):
        return None  # WAVEFORMATEX without a channel mask: FFmpeg leaves the layout unset
    names = table("audio")
    layout = names["layouts"].get(track.channel_layout or "")
    if layout or not channels:
        return layout
    by_codec = names["layouts_by_count_codec"].get(codec or "", {})
    return by_codec.get(str(channels)) or names["layouts_by_count"].get(str(channels))


def _plain_pcm_header(codec: str | None, facts: Facts) -> bool:
    name = facts.container.name
    if name == "wav":
        return facts.general.format_settings == "PcmWaveformat"
    return name == "avi" and (codec or "").startswith("pcm_")
