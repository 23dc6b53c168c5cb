"""The two MP4 boxes MediaInfo 24.12 locates but does not decode, read from the bytes it points at:
3GPP ``loci`` (the location FFmpeg's muxer writes) and ``dOps`` (Opus channel count)."""

from __future__ import annotations

import struct

READ_LIMIT = 512  # neither payload is longer in practice; anything bigger is not trusted


def loci_position(payload: bytes) -> tuple[float, float] | None:
    """Latitude and longitude as FFmpeg's mov_metadata_loci prints them (float, 4 decimals)."""
    if len(payload) < 2 + 1 + 1 + 12:
        return None
    end = payload.find(b"\0", 2)
    if end < 0 or end + 1 + 12 > len(payload):
        return None
    longitude, latitude, _altitude = struct.unpack(">iii", payload[end + 2 : end + 14])
    as_float = [struct.unpack(">f", struct.pack(">f", value / 65536))[0] for value in (latitude, longitude)]
    text = f"{as_float[0]:+08.4f}{as_float[1]:+09.4f}"  # FFmpeg's own formatting, reparsed below
    return float(text[:8]), float(text[8:])


def opus_channels(payload: bytes) -> tuple[int, int] | None:
    """(channel count, mapping family) from an OpusSpecificBox."""
    if len(payload) < 11:
        return None
    channels = payload[1]
    family = payload[10]
    return (channels, family) if channels else None
