"""Test media for the labeler: small videos made with Debian's ffmpeg, and their DetectMediaMeta-shaped
facts read with ffprobe (independent of the emulator's own prober, which has its own tests)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

FFMPEG = shutil.which("ffmpeg")
FFPROBE = shutil.which("ffprobe")


class BytesSource:
    """A MediaSource over bytes in memory; counts what was read so tests can bound it."""

    def __init__(self, data: bytes, uri: str = "oss://bucket/memory.bin") -> None:
        self.data, self.uri, self.size = data, uri, len(data)
        self.bytes_read = 0

    def open(self) -> io.BufferedIOBase:
        source = self

        class Reader(io.BytesIO):
            def read(self, n: int | None = -1) -> bytes:
                chunk = super().read(n)
                source.bytes_read += len(chunk)
                return chunk

            def readinto(self, buffer: Any) -> int:
                count = super().readinto(buffer)
                source.bytes_read += count
                return count

        return Reader(self.data)

    def sibling(self, reference: str) -> None:
        return None


def ffmpeg(out: Path, *args: str) -> Path:
    """Run ffmpeg with ``args`` (inputs, filters, codecs) writing ``out``."""
    assert FFMPEG, "ffmpeg is not installed"
    cmd = [FFMPEG, "-nostdin", "-v", "error", "-y", *args, str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return out


def lavfi_video(out: Path, source: str, *extra: str, seconds: float = 2, gop: int = 25) -> Path:
    """An H.264 (or per-``extra``) video from a lavfi source graph."""
    codec = [] if "-c:v" in extra else ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    return ffmpeg(out, "-f", "lavfi", "-i", source, "-t", str(seconds), "-g", str(gop), *codec, *extra)


def _rotate(stream: dict[str, Any]) -> str:
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return str(int(-float(side["rotation"])) % 360)
    return str(stream.get("tags", {}).get("rotate", "0"))


def probe(path: Path) -> dict[str, Any]:
    """The fields of a DetectMediaMeta answer the labeler reads, from ffprobe's JSON."""
    assert FFPROBE, "ffprobe is not installed"
    done = subprocess.run(
        [FFPROBE, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    data = json.loads(done.stdout)
    fmt = data["format"]
    video, audio = [], []
    for s in data.get("streams", []):
        if s.get("codec_type") == "video":
            entry: dict[str, Any] = {
                "Index": s["index"],
                "CodecName": s.get("codec_name", ""),
                "Width": s.get("width", 0),
                "Height": s.get("height", 0),
                "FrameRate": s.get("r_frame_rate", "0/0"),
                "AverageFrameRate": s.get("avg_frame_rate", "0/0"),
                "Rotate": _rotate(s),
            }
            if s.get("duration"):
                entry["Duration"] = float(s["duration"])
            if s.get("nb_frames"):
                entry["FrameCount"] = int(s["nb_frames"])
            video.append(entry)
        elif s.get("codec_type") == "audio":
            audio.append({"Index": s["index"], "CodecName": s.get("codec_name", "")})
    return {
        "FormatName": fmt.get("format_name", ""),
        "Duration": float(fmt.get("duration", 0) or 0),
        "Size": int(fmt.get("size", 0)),
        "VideoWidth": video[0]["Width"] if video else 0,
        "VideoHeight": video[0]["Height"] if video else 0,
        "VideoStreams": video,
        "AudioStreams": audio,
    }


# tkhd display matrices (a, b, u, c, d, v, x, y, w) for a clockwise display rotation; 16.16 fixed point.
_MATRICES = {
    0: (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000),
    90: (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000),
    180: (-0x10000, 0, 0, 0, -0x10000, 0, 0, 0, 0x40000000),
    270: (0, -0x10000, 0, 0x10000, 0, 0, 0, 0, 0x40000000),
}


def set_mp4_rotation(path: Path, degrees: int) -> Path:
    """Write a display rotation into every version-0 ``tkhd`` of an MP4 (what phones do for portrait
    footage), since ffmpeg 5.1 no longer turns ``-metadata rotate=`` into a display matrix."""
    import struct

    data = bytearray(path.read_bytes())
    start = 0
    while (at := data.find(b"tkhd", start)) >= 0:
        start = at + 4
        if data[at + 4] != 0:
            continue  # version 1 has 64-bit times; ffmpeg writes version 0 for short files
        matrix_at = at + 4 + 40
        struct.pack_into(">9i", data, matrix_at, *_MATRICES[degrees % 360])
    path.write_bytes(bytes(data))
    return path
