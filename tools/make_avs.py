#!/usr/bin/env python3
"""Write a Chinese AVS video elementary stream (AVS1-P2 / GB/T 20090.2, Jizhun profile, ".avs") from raw
YUV 4:2:0 frames: a minimal intra-only encoder, stdlib only.

    ffmpeg -f lavfi -i testsrc2=s=320x240:r=25:d=2 -f rawvideo -pix_fmt yuv420p - |
        python3 tools/make_avs.py - 320 240 25 sample.avs

No AVS1 encoder is packaged for Debian (FFmpeg has a CAVS decoder and a raw "cavsvideo" muxer, but its
libxavs encoder wrapper is not built there), so this writes the bitstream itself:

  * a sequence header (profile 0x20 Jizhun, level 0x10 = 2.0, 4:2:0 8-bit, square samples) before every
    GOP of I pictures, one slice per picture, a sequence end code at the end;
  * every picture an I picture with a fixed QP and the loop filter disabled; every macroblock I_8x8 with
    the DC ("low-pass") intra mode for its four luma 8x8 blocks and for chroma, so every
    intra_luma_pred_mode is the predicted one;
  * residuals through the standard's 8x8 integer transform, quantised with a dead zone, and coded with
    the 2D-VLC tables of the standard (intra luma tables 0-6, chroma tables 0-4, escape codes past them).

The encoder mirrors the decoder's reconstruction (prediction from reconstructed neighbours, dequantisation,
inverse transform), so the stream decodes without drift: `--check RECON.yuv` writes what it reconstructed,
which should match `ffmpeg -i sample.avs -f rawvideo -` byte for byte (it does with FFmpeg 5.1, whose
chroma prediction takes the top-right neighbour's sample as the ninth top sample, as mirrored here). The
encoder also keeps every inverse-transform intermediate within 16 bits, as the standard requires of a
stream (FFmpeg's SIMD transform differs from its C one past that).

FFmpeg 5.1 logs "weighted prediction not yet supported" once per picture for such a stream: after decoding
a picture it re-reads the slice header of each slice start code in the packet with the picture type
already reset, and takes the first macroblock bit for slice_weighting_flag. In an I picture that bit is
the first 8x8 block's pred_mode_flag, which must be 1 (the only valid mode for a block without neighbours
is the predicted one), so every AVS1 I picture draws the message; it does not affect decoding.
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction

# --- the standard's tables --------------------------------------------------------------------------
# 2D-VLC tables: code numbers in order, each "level/run" standing for the code pair (+level, -level)
# and "E" for the end-of-block code; per table also its exp-Golomb order and the level limit past which
# the next table applies. level_add (smallest level an escape stands for) and the largest run follow
# from the entries.
# fmt: off
INTRA_TABLES = [
    (2, 0, "1/1 1/2 1/3 1/4 1/5 1/6 1/7 1/8 1/9 1/10 1/11 2/1 1/12 1/13 1/14 1/15 2/2 1/16 1/17 3/1 "
           "1/18 1/19 2/3 1/20 1/21 2/4 1/22 2/5 1/23 E"),
    (2, 1, "1/1 1/2 2/1 1/3 E 1/4 1/5 1/6 3/1 2/2 1/7 1/8 1/9 2/3 4/1 1/10 1/11 2/4 3/2 1/12 2/5 5/1 "
           "1/13 2/6 1/14 2/7 2/8 3/3 6/1 1/15"),
    (2, 2, "1/1 2/1 1/2 3/1 E 1/3 2/2 4/1 1/4 5/1 1/5 3/2 2/3 1/6 6/1 2/4 1/7 4/2 7/1 3/3 2/5 1/8 "
           "2/6 8/1 1/9 5/2 3/4 2/7 9/1 1/10"),
    (2, 4, "1/1 2/1 3/1 1/2 E 4/1 5/1 2/2 1/3 6/1 3/2 7/1 1/4 8/1 2/3 4/2 1/5 9/1 5/2 2/4 10/1 3/3 "
           "1/6 11/1 6/2 1/7 2/5 3/4 12/1 4/3"),
    (2, 7, "1/1 2/1 3/1 E 4/1 5/1 6/1 1/2 7/1 8/1 2/2 9/1 10/1 1/3 3/2 11/1 4/2 12/1 13/1 5/2 1/4 "
           "2/3 14/1 6/2 15/1 16/1 3/3 1/5 7/2 17/1"),
    (2, 10, "E 1/1 2/1 3/1 4/1 5/1 6/1 7/1 8/1 9/1 10/1 1/2 11/1 12/1 13/1 2/2 14/1 15/1 3/2 16/1 1/3 "
            "17/1 4/2 18/1 5/2 19/1 20/1 6/2 21/1 2/3"),
    (2, None, "E 1/1 2/1 3/1 4/1 5/1 6/1 7/1 8/1 9/1 10/1 11/1 12/1 13/1 14/1 15/1 16/1 1/2 17/1 18/1 "
              "19/1 20/1 21/1 2/2 22/1 23/1 24/1 25/1 3/2 26/1"),
]
CHROMA_TABLES = [
    (2, 0, "1/1 1/2 1/3 1/4 1/5 1/6 1/7 2/1 1/8 1/9 1/10 1/11 1/12 1/13 1/14 1/15 3/1 1/16 1/17 1/18 "
           "1/19 1/20 1/21 1/22 2/2 1/23 1/24 1/25 4/1 E"),
    (0, 1, "E 1/1 1/2 2/1 1/3 1/4 1/5 1/6 3/1 1/7 1/8 2/2 1/9 1/10 1/11 4/1 1/12 1/13 1/14 2/3 1/15 "
           "2/4 5/1 3/2 1/16 1/17 1/18 2/5 1/19 1/20"),
    (1, 2, "1/1 E 2/1 1/2 3/1 1/3 4/1 2/2 1/4 5/1 1/5 3/2 2/3 1/6 6/1 1/7 2/4 7/1 1/8 4/2 1/9 3/3 "
           "2/5 2/6 8/1 1/10 1/11 9/1 5/2 3/4"),
    (1, 4, "E 1/1 2/1 3/1 4/1 1/2 5/1 2/2 6/1 1/3 7/1 3/2 8/1 1/4 2/3 9/1 4/2 1/5 10/1 3/3 5/2 2/4 "
           "11/1 1/6 12/1 1/7 6/2 13/1 2/5 1/8"),
    (0, None, "E 1/1 2/1 3/1 4/1 5/1 6/1 7/1 8/1 1/2 9/1 10/1 11/1 2/2 12/1 13/1 3/2 14/1 1/3 15/1 4/2 "
              "16/1 17/1 5/2 1/4 2/3 18/1 6/2 19/1 1/5"),
]
ESCAPE_CODE = 59

# intra coded_block_pattern for each codeNum of cbp (bits 0-3 the luma 8x8 blocks, 4 Cb, 5 Cr)
INTRA_CBP = [
    63, 15, 31, 47, 0, 14, 13, 11, 7, 5, 10, 8, 12, 61, 4, 55,
    1, 2, 59, 3, 62, 9, 6, 29, 45, 51, 23, 39, 27, 46, 53, 30,
    43, 37, 60, 16, 21, 28, 19, 35, 42, 26, 44, 32, 58, 24, 20, 17,
    18, 48, 22, 33, 25, 49, 40, 36, 34, 50, 52, 54, 41, 56, 38, 57,
]
CBP_CODE = {cbp: code for code, cbp in enumerate(INTRA_CBP)}

DEQUANT_SHIFT = [14] * 8 + [13] * 9 + [12] * 7 + [11] * 9 + [10] * 8 + [9] * 8 + [8] * 7 + [7] * 8
DEQUANT_MUL = [
    32768, 36061, 38968, 42495, 46341, 50535, 55437, 60424,
    32932, 35734, 38968, 42495, 46177, 50535, 55109, 59933,
    65535, 35734, 38968, 42577, 46341, 50617, 55027, 60097,
    32809, 35734, 38968, 42454, 46382, 50576, 55109, 60056,
    65535, 35734, 38968, 42495, 46320, 50515, 55109, 60076,
    65535, 35744, 38968, 42495, 46341, 50535, 55099, 60087,
    65535, 35734, 38973, 42500, 46341, 50535, 55109, 60097,
    32771, 35734, 38965, 42497, 46341, 50535, 55109, 60099,
]
CHROMA_QP = list(range(43)) + [42, 43, 43, 44, 44, 45, 45, 46, 46, 47, 47, 48, 48, 48, 49, 49, 49, 50, 50,
                                50, 51]

# the 8x8 integer transform (rows = basis functions)
T8 = [
    [  8,   8,   8,   8,   8,   8,   8,   8],
    [ 10,   9,   6,   2,  -2,  -6,  -9, -10],
    [ 10,   4,  -4, -10, -10,  -4,   4,  10],
    [  9,  -2, -10,  -6,   6,  10,   2,  -9],
    [  8,  -8,  -8,   8,   8,  -8,  -8,   8],
    [  6, -10,   2,   9,  -9,  -2,  10,  -6],
    [  4, -10,  10,  -4,  -4,  10, -10,   4],
    [  2,  -6,   9, -10,  10,  -9,   6,  -2],
]
# fmt: on


def zigzag() -> list[int]:
    order = sorted(
        ((r, c) for r in range(8) for c in range(8)),
        key=lambda rc: (rc[0] + rc[1], rc[0] if (rc[0] + rc[1]) % 2 else rc[1]),
    )
    return [r * 8 + c for r, c in order]


SCAN = zigzag()


class VlcTable:
    def __init__(self, golomb_order: int, inc_limit: int | None, spec: str):
        self.golomb_order = golomb_order
        self.inc_limit = inc_limit if inc_limit is not None else 1 << 30
        self.codes: dict[tuple[int, int], int] = {}
        code = 0
        for item in spec.split():
            if item == "E":
                self.eob = code
                code += 1
                continue
            level, run = (int(v) for v in item.split("/"))
            self.codes[(level, run)] = code
            self.codes[(-level, run)] = code + 1
            code += 2
        assert code == ESCAPE_CODE, code
        runs: dict[int, list[int]] = {}
        for level, run in self.codes:
            if level > 0:
                runs.setdefault(run, []).append(level)
        self.max_run = max(runs)
        self.level_add = [0] * 65
        for run, levels in runs.items():
            assert sorted(levels) == list(range(1, len(levels) + 1)), (run, levels)
            self.level_add[run] = len(levels) + 1


def build(tables):
    return [VlcTable(*t) for t in tables]


INTRA = build(INTRA_TABLES)
CHROMA = build(CHROMA_TABLES)
assert sorted(INTRA_CBP) == list(range(64)) and len(CHROMA_QP) == 64 and CHROMA_QP[47] == 44
assert INTRA[0].level_add[1] == 4 and INTRA[1].level_add[1] == 7 and INTRA[3].max_run == 7
assert CHROMA[4].level_add[1] == 20 and CHROMA[0].max_run == 25


# --- bits ----------------------------------------------------------------------------------------------
class Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value: int, n: int) -> None:
        self.acc = (self.acc << n) | (value & ((1 << n) - 1))
        self.n += n
        while self.n >= 8:
            self.n -= 8
            self.out.append((self.acc >> self.n) & 0xFF)
        self.acc &= (1 << self.n) - 1

    def ue(self, v: int) -> None:
        x = v + 1
        n = x.bit_length()
        self.put(x, 2 * n - 1)  # n-1 zeros, then x in n bits

    def ue_k(self, v: int, k: int) -> None:
        self.ue(v >> k)
        if k:
            self.put(v, k)

    def se(self, v: int) -> None:
        self.ue(2 * v - 1 if v > 0 else -2 * v)

    def next_start_code(self) -> None:
        self.put(1, 1)
        if self.n:
            self.put(0, 8 - self.n)

    def start_code(self, code: int) -> None:
        assert self.n == 0
        self.out += bytes([0, 0, 1, code])


# --- transform and quantisation ----------------------------------------------------------------------------
def _invert(m):
    n = len(m)
    a = [list(map(float, row)) + [float(i == j) for j in range(n)] for i, row in enumerate(m)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[piv] = a[piv], a[col]
        p = a[col][col]
        a[col] = [v / p for v in a[col]]
        for r in range(n):
            if r != col and a[r][col]:
                f = a[r][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col], strict=True)]
    return [row[n:] for row in a]


TINV = _invert(T8)  # residual = T^t X T / 1024  =>  X = TINV^t residual TINV * 1024


def forward(res: list[int]) -> list[float]:
    """Coefficients X (natural order) whose exact inverse transform is the residual block ``res``."""
    tmp = [0.0] * 64  # tmp = res . TINV
    for i in range(8):
        row = res[i * 8 : i * 8 + 8]
        for j in range(8):
            tmp[i * 8 + j] = sum(row[k] * TINV[k][j] for k in range(8))
    out = [0.0] * 64  # out = TINV^t . tmp * 1024
    for j in range(8):
        col = [tmp[k * 8 + j] for k in range(8)]
        for i in range(8):
            out[i * 8 + j] = 1024.0 * sum(TINV[k][i] * col[k] for k in range(8))
    return out


def _s16(v: int) -> int:
    return ((v + 0x8000) & 0xFFFF) - 0x8000


def _idct_pass(s: list[int], rounding: int) -> tuple[list[int], int]:
    """One 1-D pass of the decoder's inverse transform (before its final shift), and the largest
    magnitude any intermediate reached (the standard keeps them within 16 bits; SIMD decoders rely on it)."""
    a0 = 3 * s[1] - (s[7] << 1)
    a1 = 3 * s[3] + (s[5] << 1)
    a2 = (s[3] << 1) - 3 * s[5]
    a3 = (s[1] << 1) + 3 * s[7]
    b4 = ((a0 + a1 + a3) << 1) + a1
    b5 = ((a0 - a1 + a2) << 1) + a0
    b6 = ((a3 - a2 - a1) << 1) + a3
    b7 = ((a0 - a2 - a3) << 1) - a2
    a7 = (s[2] << 2) - 10 * s[6]
    a6 = (s[6] << 2) + 10 * s[2]
    a5 = ((s[0] - s[4]) << 3) + rounding
    a4 = ((s[0] + s[4]) << 3) + rounding
    b0, b1, b2, b3 = a4 + a6, a5 + a7, a5 - a7, a4 - a6
    out = [b0 + b4, b1 + b5, b2 + b6, b3 + b7, b3 - b7, b2 - b6, b1 - b5, b0 - b4]
    peak = max(map(abs, (a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7, *out)))
    return out, peak


def inverse(block: list[int]) -> tuple[list[int], int]:
    """The decoder's 8x8 inverse transform of dequantised coefficients (natural order): the residual,
    and the largest intermediate magnitude."""
    src = [_s16(v) for v in block]
    src[0] = _s16(src[0] + 8)
    peak = 0
    for i in range(8):
        out, p = _idct_pass(src[i * 8 : i * 8 + 8], 4)
        src[i * 8 : i * 8 + 8] = [_s16(v >> 3) for v in out]
        peak = max(peak, p)
    res = [0] * 64
    for i in range(8):
        out, p = _idct_pass([src[k * 8 + i] for k in range(8)], 0)
        for k in range(8):
            res[k * 8 + i] = out[k] >> 7
        peak = max(peak, p)
    return res, peak


def reconstruct(q: Quantiser, levels: list[int], pred: list[int]) -> tuple[list[int], list[int]]:
    """Levels (reduced where the inverse transform would leave 16 bits) and the reconstructed block."""
    while True:
        res, peak = inverse(q.dequant(levels))
        if peak <= 32767:
            return levels, [min(255, max(0, p + r)) for p, r in zip(pred, res, strict=True)]
        levels = [int(lv * 0.9) for lv in levels]


class Quantiser:
    def __init__(self, qp: int, deadzone: float):
        self.mul, self.shift = DEQUANT_MUL[qp], DEQUANT_SHIFT[qp]
        self.step = self.mul / (1 << self.shift)
        self.deadzone = deadzone

    def levels(self, coeffs: list[float]) -> list[int]:
        out = []
        for c in coeffs:
            v = int(abs(c) / self.step + self.deadzone)
            out.append(min(v, 255) if c >= 0 else -min(v, 255))
        return out

    def dequant(self, levels: list[int]) -> list[int]:
        rnd = 1 << (self.shift - 1)
        return [(lv * self.mul + rnd) >> self.shift if lv else 0 for lv in levels]


def code_block(bits: Bits, levels: list[int], tables: list[VlcTable], esc_order: int) -> None:
    """(level, run) pairs from the last non-zero coefficient in scan order back to the first, then EOB."""
    pairs, last = [], -1
    for pos, index in enumerate(SCAN):
        if levels[index]:
            pairs.append((levels[index], pos - last))
            last = pos
    t = 0
    for level, run in reversed(pairs):
        table = tables[t]
        code = table.codes.get((level, run))
        if code is not None:
            bits.ue_k(code, table.golomb_order)
        else:
            base = 1 if run > table.max_run else table.level_add[run]
            assert abs(level) >= base
            # escape: the code's parity carries the sign (odd = negative), (code - 59) // 2 the run - 1
            bits.ue_k(ESCAPE_CODE + 2 * (run - 1) + (level > 0), table.golomb_order)
            bits.ue_k(abs(level) - base, esc_order)
        while abs(level) > tables[t].inc_limit:
            t += 1
    bits.ue_k(tables[t].eob, tables[t].golomb_order)


# --- intra prediction (DC / low-pass mode, as the decoder forms it) ------------------------------------
def lowpass(a: list[int], i: int) -> int:
    return (a[i - 1] + 2 * a[i] + a[i + 1] + 2) >> 2


def predict(top: list[int] | None, left: list[int] | None) -> list[int]:
    """8x8 prediction from 10-sample edges (index 0 the corner, 9 one past the block); None = unavailable."""
    row = [lowpass(top, x + 1) for x in range(8)] if top is not None else None
    col = [lowpass(left, y + 1) for y in range(8)] if left is not None else None
    if row is None and col is None:
        return [128] * 64
    if row is None:
        return [col[y] for y in range(8) for _ in range(8)] if col is not None else []
    if col is None:
        return row * 8
    return [(row[x] + col[y]) >> 1 for y in range(8) for x in range(8)]


class Plane:
    def __init__(self, width: int, height: int, data: bytes):
        self.w, self.h = width, height
        self.src = data
        self.rec = bytearray(width * height)

    def block(self, x0: int, y0: int) -> list[int]:
        w = self.w
        return [self.src[(y0 + y) * w + x0 + x] for y in range(8) for x in range(8)]

    def put(self, x0: int, y0: int, pix: list[int]) -> None:
        w = self.w
        for y in range(8):
            self.rec[(y0 + y) * w + x0 : (y0 + y) * w + x0 + 8] = bytes(pix[y * 8 : y * 8 + 8])

    def row(self, y: int, x0: int, n: int) -> list[int]:
        return list(self.rec[y * self.w + x0 : y * self.w + x0 + n])

    def col(self, x: int, y0: int, n: int) -> list[int]:
        return [self.rec[(y0 + y) * self.w + x] for y in range(n)]

    def at(self, x: int, y: int) -> int:
        return self.rec[y * self.w + x]


def luma_edges(p: Plane, x0: int, y0: int, block: int, a: bool, b: bool, c: bool):
    """(top, left) edges of 8x8 luma block ``block`` of the macroblock at (x0, y0), as the decoder builds
    them; None for an edge the prediction may not use (the mode falls back to the other edge, or 128)."""
    if block == 0:
        top = left = None
        if b:
            t = p.row(y0 - 1, x0, 9)
            top = [p.at(x0 - 1, y0 - 1) if a else t[0]] + t
        if a:
            l16 = p.col(x0 - 1, y0, 16)
            left = [p.at(x0 - 1, y0 - 1) if b else l16[0]] + l16[:9]
        return top, left
    if block == 1:
        inner = p.col(x0 + 7, y0, 8)
        left = [p.at(x0 + 7, y0 - 1) if b else inner[0]] + inner + [inner[7]]
        top = None
        if b:
            t = p.row(y0 - 1, x0 + 8, 8)
            nxt = p.at(x0 + 16, y0 - 1) if c else t[7]
            top = [p.at(x0 + 7, y0 - 1)] + t + [nxt]
        return top, left
    if block == 2:
        t = p.row(y0 + 7, x0, 9)
        top = [p.at(x0 - 1, y0 + 7) if a else t[0]] + t
        left = None
        if a:
            l8 = p.col(x0 - 1, y0 + 8, 8)
            left = [p.at(x0 - 1, y0 + 7)] + l8 + [l8[7]]
        return top, left
    t = p.row(y0 + 7, x0 + 7, 9)
    top = t + [t[8]]
    l8 = p.col(x0 + 7, y0 + 8, 8)
    left = [p.at(x0 + 7, y0 + 7)] + l8 + [l8[7]]
    return top, left


def chroma_edges(p: Plane, x0: int, y0: int, a: bool, b: bool, c: bool):
    top = left = None
    corner = a and b
    if b:
        t = p.row(y0 - 1, x0, 8)
        top = [p.at(x0 - 1, y0 - 1) if corner else t[0]] + t + [p.at(x0 + 8, y0 - 1) if c else t[7]]
    if a:
        l8 = p.col(x0 - 1, y0, 8)
        left = [p.at(x0 - 1, y0 - 1) if corner else l8[0]] + l8 + [l8[7]]
    return top, left


# --- stream ------------------------------------------------------------------------------------------
FRAME_RATE_CODES = {
    "24000/1001": 1,
    "24": 2,
    "25": 3,
    "30000/1001": 4,
    "30": 5,
    "50": 6,
    "60000/1001": 7,
    "60": 8,
}


def sequence_header(bits: Bits, width: int, height: int, rate_code: int, kbps: int) -> None:
    bits.start_code(0xB0)
    bits.put(0x20, 8)  # profile_id: Jizhun
    bits.put(0x10, 8)  # level_id: 2.0
    bits.put(1, 1)  # progressive_sequence
    bits.put(width, 14)
    bits.put(height, 14)
    bits.put(1, 2)  # chroma_format 4:2:0
    bits.put(1, 3)  # sample_precision 8 bits
    bits.put(1, 4)  # aspect_ratio: square samples
    bits.put(rate_code, 4)
    rate = max(1, kbps * 1000 // 400)
    bits.put(rate & 0x3FFFF, 18)  # bit_rate_lower
    bits.put(1, 1)  # marker_bit
    bits.put(rate >> 18, 12)  # bit_rate_upper
    bits.put(0, 1)  # low_delay
    bits.put(1, 1)  # marker_bit
    bits.put(64, 18)  # bbv_buffer_size (16 kbit units)
    bits.put(0, 3)  # reserved_bits
    bits.next_start_code()


def encode_picture(bits: Bits, planes: list[Plane], distance: int, qp: int, deadzone: float) -> None:
    bits.start_code(0xB3)
    bits.put(0xFFFF, 16)  # bbv_delay
    bits.put(0, 1)  # time_code_flag
    bits.put(1, 1)  # marker_bit
    bits.put(distance & 0xFF, 8)
    bits.put(1, 1)  # progressive_frame
    bits.put(0, 1)  # top_field_first
    bits.put(0, 1)  # repeat_first_field
    bits.put(1, 1)  # fixed_picture_qp
    bits.put(qp, 6)
    bits.put(0, 4)  # reserved_bits
    bits.put(1, 1)  # loop_filter_disable
    bits.next_start_code()

    bits.start_code(0x00)  # one slice, starting at macroblock row 0; fixed QP, so no slice QP
    start = len(bits.out)
    luma, cb, cr = planes
    lq, cq = Quantiser(qp, deadzone), Quantiser(CHROMA_QP[qp], deadzone)
    mb_w, mb_h = luma.w // 16, luma.h // 16
    for mby in range(mb_h):
        for mbx in range(mb_w):
            a, b = mbx > 0, mby > 0
            c = b and mbx < mb_w - 1
            x0, y0 = mbx * 16, mby * 16
            coded, cbp = [], 0
            # luma blocks are predicted from reconstructed samples, so reconstruct as we go
            for blk in range(4):
                bx, by = x0 + 8 * (blk & 1), y0 + 8 * (blk >> 1)
                top, left = luma_edges(luma, x0, y0, blk, a, b, c)
                pred = predict(top, left)
                src = luma.block(bx, by)
                levels = lq.levels(forward([s - q for s, q in zip(src, pred, strict=True)]))
                if any(levels):
                    levels, rec = reconstruct(lq, levels, pred)
                if any(levels):
                    cbp |= 1 << blk
                else:
                    rec = pred
                luma.put(bx, by, rec)
                coded.append((levels, INTRA, 1))
            for bit, plane in ((4, cb), (5, cr)):
                top, left = chroma_edges(plane, mbx * 8, mby * 8, a, b, c)
                pred = predict(top, left)
                src = plane.block(mbx * 8, mby * 8)
                levels = cq.levels(forward([s - q for s, q in zip(src, pred, strict=True)]))
                if any(levels):
                    levels, rec = reconstruct(cq, levels, pred)
                if any(levels):
                    cbp |= 1 << bit
                else:
                    rec = pred
                plane.put(mbx * 8, mby * 8, rec)
                coded.append((levels, CHROMA, 0))
            bits.put(0b1111, 4)  # pred_mode_flag x4: the predicted mode (DC) for every luma block
            bits.ue(0)  # intra_chroma_pred_mode: DC
            bits.ue(CBP_CODE[cbp])
            for index, (levels, tables, esc) in enumerate(coded):
                if cbp & (1 << index):
                    code_block(bits, levels, tables, esc)
    bits.next_start_code()
    if b"\x00\x00\x01" in bits.out[start:]:
        raise SystemExit("start code emulation in slice data; try another --qp")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="raw yuv420p frames, or - for standard input")
    ap.add_argument("width", type=int)
    ap.add_argument("height", type=int)
    ap.add_argument("rate", help="frame rate: 24000/1001 24 25 30000/1001 30 50 60000/1001 60")
    ap.add_argument("output")
    ap.add_argument("--qp", type=int, default=36, help="picture QP, 0-63 (default 36)")
    ap.add_argument("--gop", type=int, default=25, help="pictures per sequence header (default 25)")
    ap.add_argument("--deadzone", type=float, default=0.3, help="quantiser rounding offset (default 0.3)")
    ap.add_argument("--check", metavar="RECON.yuv", help="also write the reconstructed frames")
    args = ap.parse_args()
    if args.width % 16 or args.height % 16:
        raise SystemExit("width and height must be multiples of 16")
    if args.rate not in FRAME_RATE_CODES:
        raise SystemExit(f"frame rate must be one of {', '.join(FRAME_RATE_CODES)}")
    raw = sys.stdin.buffer.read() if args.input == "-" else open(args.input, "rb").read()
    w, h = args.width, args.height
    frame_size = w * h * 3 // 2
    if not raw or len(raw) % frame_size:
        raise SystemExit(f"input is not whole {w}x{h} yuv420p frames")
    count = len(raw) // frame_size
    seconds = count / Fraction(args.rate)

    pictures, recon = [], bytearray()
    for n in range(count):
        frame = raw[n * frame_size : (n + 1) * frame_size]
        planes = [
            Plane(w, h, frame[: w * h]),
            Plane(w // 2, h // 2, frame[w * h : w * h * 5 // 4]),
            Plane(w // 2, h // 2, frame[w * h * 5 // 4 :]),
        ]
        picture = Bits()
        encode_picture(picture, planes, n, args.qp, args.deadzone)
        pictures.append(picture.out)
        for p in planes:
            recon += p.rec
    # the sequence headers state the stream's mean bit rate, so they are written once it is known
    kbps = max(1, round(sum(map(len, pictures)) * 8 / 1000 / seconds))
    bits = Bits()
    for n, picture in enumerate(pictures):
        if n % args.gop == 0:
            sequence_header(bits, w, h, FRAME_RATE_CODES[args.rate], kbps)
        bits.out += picture
    bits.start_code(0xB1)  # video_sequence_end_code
    with open(args.output, "wb") as fh:
        fh.write(bits.out)
    if args.check:
        with open(args.check, "wb") as fh:
            fh.write(recon)


if __name__ == "__main__":
    main()
