#!/usr/bin/env python3
"""Give a GStreamer-made MP4/MOV the phone-camera boxes GStreamer 1.22's qtmux cannot write.

    python3 tools/mp4_patch_boxes.py FILE [--rotate 90|180|270] [--xyz '+30.2741+120.1551+012.000/']

Used by tools/make_world_corpus.sh. GStreamer 1.22's mp4mux/qtmux ignore the ``image-orientation`` tag
(the video ``tkhd`` matrix stays the identity) and write geo tags only as a 3GPP ``loci`` atom in
3gppmux, never the ``(c)xyz`` atom that Android's MediaMuxer and Apple devices write. This rewrites the
file in place:

* ``--rotate D``: the first video track's ``tkhd`` display matrix becomes a clockwise rotation by D
  degrees, with the translation a camera writes (the same matrix as Android's MediaMuxer / iPhone);
* ``--xyz TEXT``: a QuickTime ``(c)xyz`` atom (16-bit length, language 0x15C7, ISO 6709 text) is
  appended to ``moov/udta`` (an ``udta`` is created when the movie has none).

Only the ``moov`` box changes size, so the file must have its ``moov`` after its ``mdat`` (the
GStreamer default, no faststart): chunk offsets then stay valid and nothing else is touched.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts"}


def boxes(data: bytes | bytearray, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(type, offset, header size, total size) of the boxes laid between start and end."""
    found, at = [], start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise ValueError(f"bad box {kind!r} at {at}")
        found.append((kind, at, header, size))
        at += size
    return found


def child(data: bytearray, parent: tuple[bytes, int, int, int], kind: bytes):
    _, at, header, size = parent
    for box in boxes(data, at + header, at + size):
        if box[0] == kind:
            return box
    return None


def rotation_matrix(degrees: int, width: int, height: int) -> tuple[int, ...]:
    one, w, h = 0x10000, width << 16, height << 16
    a, b, c, d, tx, ty = {
        0: (one, 0, 0, one, 0, 0),
        90: (0, one, -one, 0, h, 0),
        180: (-one, 0, 0, -one, w, h),
        270: (0, -one, one, 0, 0, w),
    }[degrees % 360]
    return (a, b, 0, c, d, 0, tx, ty, 0x40000000)


def set_rotation(data: bytearray, moov, degrees: int) -> None:
    for trak in boxes(data, moov[1] + moov[2], moov[1] + moov[3]):
        if trak[0] != b"trak":
            continue
        mdia = child(data, trak, b"mdia")
        hdlr = child(data, mdia, b"hdlr") if mdia else None
        if not hdlr or data[hdlr[1] + 16 : hdlr[1] + 20] != b"vide":
            continue
        tkhd = child(data, trak, b"tkhd")
        body = tkhd[1] + tkhd[2]
        version = data[body]
        matrix_at = body + 4 + (32 if version == 1 else 20) + 8 + 8
        width, height = (v >> 16 for v in struct.unpack(">II", data[matrix_at + 36 : matrix_at + 44]))
        data[matrix_at : matrix_at + 36] = struct.pack(">9i", *rotation_matrix(degrees, width, height))
        return
    raise ValueError("no video track")


def add_xyz(data: bytearray, moov, text: str) -> bytearray:
    payload = text.encode("ascii")
    atom = struct.pack(">I4sHH", 12 + len(payload), b"\xa9xyz", len(payload), 0x15C7) + payload
    udta = child(data, moov, b"udta")
    if udta is None:
        insert_at, grown = moov[1] + moov[3], [moov]
        atom = struct.pack(">I4s", 8 + len(atom), b"udta") + atom
    else:
        insert_at, grown = udta[1] + udta[3], [moov, udta]
    for _, at, header, _size in grown:
        if header != 8:
            raise ValueError("64-bit box sizes are not handled")
        size = struct.unpack(">I", data[at : at + 4])[0]
        data[at : at + 4] = struct.pack(">I", size + len(atom))
    return data[:insert_at] + atom + data[insert_at:]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--rotate", type=int, choices=(0, 90, 180, 270))
    parser.add_argument("--xyz")
    args = parser.parse_args(argv)
    data = bytearray(args.file.read_bytes())
    top = boxes(data, 0, len(data))
    kinds = [box[0] for box in top]
    moov = top[kinds.index(b"moov")]
    if b"mdat" in kinds and kinds.index(b"mdat") > kinds.index(b"moov"):
        raise SystemExit("moov before mdat: growing it would move the samples (not handled)")
    if args.rotate is not None:
        set_rotation(data, moov, args.rotate)
    if args.xyz:
        data = add_xyz(data, moov, args.xyz)
    args.file.write_bytes(bytes(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
