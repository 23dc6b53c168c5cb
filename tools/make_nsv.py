#!/usr/bin/env python3
"""Write a Nullsoft Streaming Video (.nsv) file from an MPEG-4 Part 2 elementary stream and an MP3 stream.

    python3 tools/make_nsv.py VIDEO.m4v AUDIO.mp3 WIDTH HEIGHT FPS OUT.nsv

Nothing that is installed here writes NSV, so this packs frames that ffmpeg encoded (libxvid into raw
.m4v without B-frames; libmp3lame into a bare .mp3 without ID3 or Xing frames) the way Nullsoft's format
document (NSVFormat.rtf, "NSV format version 1") lays them out, stdlib only:

  file header  'NSVf' header_size file_size file_len_ms metadata_len toc_alloc toc_size   (u32 LE each)
               metadata  toc_size offsets (relative to the end of the header)  'TOC2'  toc_size frame numbers
  sync frame   'NSVs' video_fourcc audio_fourcc width(u16) height(u16) framerate(u8) syncoffs(s16)  payload
  other frame  0xBEEF (u16 LE)  payload
  payload      num_aux:4 video_len:20 (packed in 3 bytes)  audio_len(u16)  [aux chunks]  video  audio

Every video frame travels in one NSV frame, an 'NSVs' sync frame for each I-VOP (with the VOL headers in
front of the first) and 0xBEEF frames between; each frame carries the MP3 frames that start before the
next video frame's time. Video fourcc 'XVID' (MPEG-4 ASP, the Xvid decoder of Nullsoft's codec SDK),
audio 'MP3 '. The frame rate byte holds an integer rate below 128 as is.
"""

from __future__ import annotations

import struct
import sys
from fractions import Fraction

MP3_BITRATES = {  # MPEG-1 Layer III, MPEG-2/2.5 Layer III (kbit/s by index)
    1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
MP3_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def mpeg4_frames(data: bytes) -> list[tuple[bytes, bool]]:
    """Split an MPEG-4 Part 2 elementary stream at its VOP start codes: [(frame bytes, is I-VOP)].
    Whatever precedes the first VOP (VOS, VO, VOL headers, user data) is kept in front of it."""
    starts = []
    at = data.find(b"\x00\x00\x01\xb6")
    while at >= 0:
        starts.append(at)
        at = data.find(b"\x00\x00\x01\xb6", at + 4)
    if not starts:
        raise SystemExit("no VOP start code in the video stream")
    frames = []
    for i, start in enumerate(starts):
        begin = 0 if i == 0 else start
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        frames.append((data[begin:end], (data[start + 4] >> 6) == 0))
    return frames


def mp3_frames(data: bytes) -> tuple[list[bytes], int, int]:
    """Split an MP3 stream into frames: (frames, sample rate, samples per frame)."""
    if data[:3] == b"ID3":
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        data = data[10 + size :]
    frames, pos, rate, spf = [], 0, 0, 0
    while pos + 4 <= len(data):
        h = struct.unpack(">I", data[pos : pos + 4])[0]
        if (h >> 21) != 0x7FF:
            raise SystemExit(f"lost MP3 frame sync at byte {pos}")
        version, layer = (h >> 19) & 3, (h >> 17) & 3
        if layer != 1 or version == 1:
            raise SystemExit("not an MPEG audio layer III stream")
        rate = MP3_RATES[version][(h >> 10) & 3]
        kbps = MP3_BITRATES[1 if version == 3 else 2][(h >> 12) & 15]
        padding = (h >> 9) & 1
        spf = 1152 if version == 3 else 576
        length = spf // 8 * kbps * 1000 // rate + padding
        frames.append(data[pos : pos + length])
        pos += length
    return frames, rate, spf


def frame_payload(video: bytes, audio: bytes) -> bytes:
    if len(video) >= 1 << 20 or len(audio) >= 1 << 16:
        raise SystemExit("frame too large for NSV")
    return bytes([(len(video) & 15) << 4]) + struct.pack("<HH", len(video) >> 4, len(audio)) + video + audio


def main() -> None:
    if len(sys.argv) != 7:
        raise SystemExit(__doc__)
    video_path, audio_path, width, height, fps, out = sys.argv[1:]
    rate = Fraction(fps)
    if rate.denominator != 1 or not 0 < rate < 128:
        raise SystemExit("this writer handles integer frame rates below 128 only")
    video = mpeg4_frames(open(video_path, "rb").read())
    audio, sample_rate, spf = mp3_frames(open(audio_path, "rb").read())
    if not video[0][1]:
        raise SystemExit("the video stream must start with an I-VOP")

    body, toc_offsets, toc_frames = bytearray(), [], []
    a = 0
    for index, (frame, key) in enumerate(video):
        # the MP3 frames that start before the next video frame (all that are left, with the last one)
        until = (index + 1) / rate
        chunk = bytearray()
        while a < len(audio) and (a * spf / sample_rate < until or index == len(video) - 1):
            chunk += audio[a]
            a += 1
        if key:
            toc_offsets.append(len(body))
            toc_frames.append(index)
            body += b"NSVs" + b"XVID" + b"MP3 " + struct.pack("<HHBh", int(width), int(height), int(rate), 0)
        else:
            body += struct.pack("<H", 0xBEEF)
        body += frame_payload(frame, bytes(chunk))

    metadata = b""
    toc = b"".join(struct.pack("<I", o) for o in toc_offsets) + b"TOC2"
    toc += b"".join(struct.pack("<I", f) for f in toc_frames)
    toc_alloc = 2 * len(toc_offsets) + 1
    header_size = 28 + len(metadata) + 4 * toc_alloc
    length_ms = round(len(video) * 1000 / rate)
    header = b"NSVf" + struct.pack(
        "<6I", header_size, header_size + len(body), length_ms, len(metadata), toc_alloc, len(toc_offsets)
    )
    header += metadata + toc
    assert len(header) == header_size
    with open(out, "wb") as fh:
        fh.write(header + body)


if __name__ == "__main__":
    main()
