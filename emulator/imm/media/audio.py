"""Audio stream fields: decoder sample format, sample rate, channels and FFmpeg's channel layout name."""

from __future__ import annotations

from typing import Any

from pymediainfo import Track

from .containers import MOV
from .facts import Facts
from .tables import table
from .values import integer


def audio_fields(track: Track, codec: str | None, facts: Facts) -> dict[str, Any]:
    channels = integer(track.channel_s)
    if channels is None and codec == "opus" and facts.opus_channels:
        channels = facts.opus_channels[0]  # MediaInfo 24.12 states no channel count for Opus in MP4
    return {
        "SampleFormat": sample_format(track, codec, facts),
        "SampleRate": integer(track.sampling_rate),
        "Channels": channels,
        "ChannelLayout": channel_layout(track, codec, channels, facts),
    }


def sample_format(track: Track, codec: str | None, facts: Facts | None = None) -> str | None:
    codec = codec or ""
    names = table("audio")
    declared_mp3 = facts is not None and (
        facts.container.name in names["mp3_declared_containers"] or facts.ps_stream_map
    )  # a program stream map declares MPEG audio (stream type 3 or 4) as MP3 too
    if declared_mp3 and codec in ("mp1", "mp2"):
        # these demuxers declare MPEG audio as MP3, so probing opens the float MP3 decoder; its parser
        # renames the codec to mp2/mp1 afterwards, but the float sample format stays
        return "fltp"
    fixed = names["sample_formats"].get(codec)
    if fixed:
        return fixed
    bits = integer(track.bit_depth) or 16
    if codec.startswith("pcm_f"):
        return "flt" if bits == 32 else "dbl"
    if codec == "flac":  # the decoder widens 8-bit samples to 16
        return "s16" if bits <= 16 else "s32"
    if codec.startswith("pcm_"):
        return {8: "u8", 16: "s16"}.get(bits, "s32")
    if codec == "alac":
        return "s16p" if bits == 16 else "s32p"
    return None


def channel_layout(track: Track, codec: str | None, channels: int | None, facts: Facts) -> str | None:
    info = facts.mp4_track(track) if facts.container.name == MOV else None
    if info is not None and (codec or "").startswith("pcm_") and not info.channel_box:
        return None  # QuickTime PCM without a 'chan' box: mov.c and the PCM decoder set no layout
    if (codec or "").startswith("pcm_") and facts.container.name == "matroska,webm":
        return None  # matroskadec and the PCM decoder set no layout
    if _plain_pcm_header(codec, facts) or facts.container.name in ("aiff", "au", "asf"):
        return None  # WAVEFORMATEX without a channel mask, AIFF, AU, ASF: FFmpeg leaves the layout unset
    names = table("audio")
    if codec in names["unset_layouts"]:
        return None
    by_codec = names["layouts_by_count_codec"].get(codec or "", {})
    if codec in names["layouts_from_count"] and str(channels) in by_codec:
        return by_codec[str(channels)]  # the decoder's layout for its channel configuration
    layout = names["layouts"].get(track.channel_layout or "")
    if layout or not channels:
        return layout
    return by_codec.get(str(channels)) or names["layouts_by_count"].get(str(channels))


def _plain_pcm_header(codec: str | None, facts: Facts) -> bool:
    name = facts.container.name
    if name == "wav":  # no channel mask, and a decoder (PCM, ADPCM, G.711) that sets none either
        plain = facts.general.format_settings != "WaveFormatExtensible"
        return plain and (codec or "").startswith(("pcm_", "adpcm_"))
    return name == "avi" and (codec or "").startswith("pcm_")
