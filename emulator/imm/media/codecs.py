"""Codec names and codec tags as ffprobe prints them, from MediaInfo's Format and CodecID."""

from __future__ import annotations

from pymediainfo import Track

from .au import TAGS as AU_TAGS
from .containers import Container
from .tables import table
from .values import fourcc_value, integer, tag_hex, tag_string


def codec_name(track: Track, kind: str) -> str | None:
    names = table("codecs")
    fmt = track.format or ""
    if kind == "video" and fmt == "MPEG Video":
        return names["mpeg_video_versions"].get(track.format_version, "mpeg2video")
    if kind == "video" and fmt == "MPEG-4 Visual" and (track.codec_id or "").upper() in ("DIV3", "MP43"):
        return "msmpeg4v3"
    if kind == "audio":
        if fmt == "MPEG Audio":
            return names["mpeg_audio_layers"].get(track.format_profile, "mp3")
        if fmt == "PCM" and str(track.codec_id or "") in names["adpcm"]:  # AIFF-C's ulaw / alaw
            return names["adpcm"][str(track.codec_id)]
        if fmt == "PCM":
            return _pcm(track)
        if fmt == "AMR":
            return "amr_wb" if "Wide" in (track.format_profile or "") else "amr_nb"
        if fmt == "ADPCM" and str(track.codec_id or "") in names["adpcm"]:
            return names["adpcm"][str(track.codec_id)]
    return names[kind].get(fmt) or (fmt.lower() or None)


def _pcm(track: Track) -> str:
    bits = integer(track.bit_depth) or 16
    big = track.format_settings__endianness == "Big"
    # "Float" is in Format_Settings for WAVE_FORMAT_IEEE_FLOAT, in Format_Profile for an extensible header
    settings = " ".join(
        str(value or "")
        for value in (track.format_settings, track.format_settings__sign, track.format_profile)
    )
    if "Float" in settings or "FLOAT" in str(track.codec_id or ""):  # Matroska's A_PCM/FLOAT/IEEE
        return f"pcm_f{bits}{'be' if big else 'le'}"
    if bits == 8:
        return "pcm_s8" if track.format_settings__sign == "Signed" else "pcm_u8"
    sign = "u" if track.format_settings__sign == "Unsigned" else "s"
    return f"pcm_{sign}{bits}{'be' if big else 'le'}"


def codec_tag(track: Track, kind: str, codec: str | None, container: Container) -> tuple[str, str] | None:
    """(CodecTag, CodecTagString) for the container's tag scheme, or None if unknown."""
    value = _tag_value(track, kind, codec, container.tags)
    return None if value is None else (tag_hex(value), tag_string(value))


def _tag_value(track: Track, kind: str, codec: str | None, scheme: str) -> int | None:
    codec_id = str(track.codec_id or "")
    if scheme == "none" or track.track_type == "Image":
        return 0
    if scheme == "fourcc":
        if codec == "opus":
            return fourcc_value("Opus")
        # MP4 audio: "mp4a-40-2" is the 'mp4a' sample entry plus its object type; "ac-3"/"ec-3" are fourccs
        fourcc = codec_id.split("-")[0] if kind == "audio" and codec_id.startswith("mp4a") else codec_id
        return fourcc_value(fourcc[:4]) if fourcc else None
    if scheme in ("riff", "wave"):
        if kind == "audio" or scheme == "wave":
            return _hex(codec_id.split("-")[0])
        return fourcc_value(codec_id[:4]) if codec_id else None
    if scheme == "ogg":  # an OGM video stream header carries a fourcc; Ogg's own codecs have none
        return fourcc_value(codec_id) if kind == "video" and len(codec_id) == 4 else 0
    if scheme == "aiff":  # AIFF-C's compression type, AIFF none
        return fourcc_value(codec_id) if len(codec_id) == 4 else 0
    if scheme == "au":  # the header's encoding number
        return AU_TAGS.get(codec_id)
    if scheme == "mpegts":
        if track.format_identifier:
            return fourcc_value(track.format_identifier)
        return integer(codec_id.split("-")[0]) if codec_id[:1].isdigit() else None
    return None


def _hex(text: str) -> int | None:
    try:
        return int(text, 16)
    except ValueError:
        return None
