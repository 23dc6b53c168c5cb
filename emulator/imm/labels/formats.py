"""Which probed media VideoLabelClassification accepts: the 22 input formats of the user documentation
(plus M3U8, which the API reference names), recognised from what the prober found in the bytes.

The probe's ``FormatName`` is an ffprobe demuxer name, so the decision follows the content, not the
object's extension: an ``.mp4`` that is really audio-only M4A, or an MP3 renamed ``.avi``, is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imm_emulator.errors import ImmError

# Documented format -> the ffprobe demuxer names ("FormatName", comma-separated lists split) it probes as.
DOCUMENTED_FORMATS: dict[str, tuple[str, ...]] = {
    "AVI": ("avi",),
    "MPEG": ("mpeg", "mpegvideo"),
    "MPG": ("mpeg", "mpegvideo"),
    "DAT": ("mpeg",),  # VCD .dat: MPEG-1 program stream in a RIFF/CDXA wrapper
    "DIVX": ("avi",),  # MPEG-4 Part 2 in AVI, fourcc DIVX/DX50
    "XVID": ("avi",),  # MPEG-4 Part 2 in AVI, fourcc XVID
    "RM": ("rm",),
    "RMVB": ("rm",),
    "MOV": ("mov",),
    "QT": ("mov",),
    "ASF": ("asf", "asf_o"),
    "WMV": ("asf", "asf_o"),
    "VOB": ("mpeg",),
    "3GP": ("3gp", "3g2"),
    "MP4": ("mp4",),
    "FLV": ("flv", "live_flv"),
    "AVS": ("cavsvideo", "avs2", "avs3", "avs"),  # Chinese AVS elementary streams; ffmpeg's own "avs" too
    "MKV": ("matroska",),
    "TS": ("mpegts",),
    "OGM": ("ogg",),
    "NSV": ("nsv",),
    "SWF": ("swf",),
}
# The API reference also lists M3U8 (an HLS playlist, probed through its segments).
EXTRA_FORMATS: dict[str, tuple[str, ...]] = {"M3U8": ("hls", "applehttp")}

# The mov demuxer reports "mov,mp4,m4a,3gp,3g2,mj2" for all of these, matroska "matroska,webm".
_ALIASES = {"m4a", "mj2", "webm"}
ACCEPTED_DEMUXERS: frozenset[str] = (
    frozenset(name for names in (*DOCUMENTED_FORMATS.values(), *EXTRA_FORMATS.values()) for name in names)
    | _ALIASES
)

# Codecs whose single-frame streams are cover art or stills rather than video.
IMAGE_CODECS = frozenset(
    {"mjpeg", "png", "bmp", "gif", "webp", "tiff", "jpeg2000", "jpegls", "targa", "ljpeg", "apng", "qoi"}
)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                return float(num) / float(den) if float(den) else None
            return float(text)
        except (ValueError, ZeroDivisionError):
            return None
    return None


def is_still_image(stream: Mapping[str, Any]) -> bool:
    """A video stream that is really one picture (album cover, poster frame), not moving video."""
    codec = str(stream.get("CodecName") or "").lower()
    if codec not in IMAGE_CODECS:
        return False
    frames = _number(stream.get("FrameCount"))
    if frames is not None:
        return frames <= 1
    rate = _number(stream.get("AverageFrameRate"))
    duration = _number(stream.get("Duration"))
    return not rate or not duration or duration <= 0


def video_streams(meta: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The probe's moving-video streams (cover art and other stills left out)."""
    streams = meta.get("VideoStreams")
    if not isinstance(streams, list):
        return []
    return [s for s in streams if isinstance(s, Mapping) and not is_still_image(s)]


def demuxer_names(meta: Mapping[str, Any]) -> list[str]:
    name = meta.get("FormatName")
    if not isinstance(name, str):
        return []
    return [part.strip().lower() for part in name.split(",") if part.strip()]


def supported_format_list() -> str:
    return ", ".join([*DOCUMENTED_FORMATS, *EXTRA_FORMATS])


def check_labelable(meta: Mapping[str, Any]) -> None:
    """Raise ImmError (InvalidArgument) unless ``meta`` (a DetectMediaMeta answer) is a video the service
    labels: a documented container format holding at least one moving-video stream."""
    if not isinstance(meta, Mapping):
        raise ImmError("InvalidArgument", "The media information of the source could not be read.")
    names = demuxer_names(meta)
    if not names or not ACCEPTED_DEMUXERS.intersection(names):
        shown = meta.get("FormatName") if isinstance(meta.get("FormatName"), str) and names else "unknown"
        raise ImmError(
            "InvalidArgument",
            f"The media format of the source ({shown}) is not supported by video label detection. "
            f"Supported formats: {supported_format_list()}.",
        )
    if video_streams(meta):
        return
    streams = meta.get("VideoStreams") if isinstance(meta.get("VideoStreams"), list) else []
    audio = meta.get("AudioStreams") if isinstance(meta.get("AudioStreams"), list) else []
    if streams:
        what = "only a still image (cover art)" + (" and audio" if audio else "")
    elif audio:
        what = "only audio"
    else:
        what = "no audio or video stream"
    raise ImmError(
        "InvalidArgument",
        f"The source media contains {what}; video label detection needs a video stream.",
    )


def is_labelable(meta: Mapping[str, Any]) -> bool:
    try:
        check_labelable(meta)
    except ImmError:
        return False
    return True
