#!/usr/bin/env python3
"""DetectMediaMeta engine benchmark: latency against a bare pymediainfo parse, and bytes read.

    python bench/media_probe.py [--runs 9] [--big-dir /tmp/imm-media-bench] [--json out.json]

1. Small files (fixtures/media): median latency of ``detect_media_meta`` (through a FileSource, which the
   answer cache never keeps: every run probes the bytes) vs a bare ``pymediainfo.MediaInfo.parse(path)``
   (defaults) and ``parse(path, parse_speed=0)`` of the same file; the target is a ratio <= 1.5 against
   the bare default parse.
2. Big files, generated with ffmpeg into --big-dir at run time (never committed): a 100 MB MP4 (moov at
   the end) and the same streams as a 100 MB MPEG-TS. Reports the bytes each prober reads from the file
   (target: under 2 MB for the MP4) and its latency.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pymediainfo import MediaInfo

from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "media"


class CountingReader(io.RawIOBase):
    """A file reader that counts the bytes actually read from disk."""

    def __init__(self, path: Path, counter: list[int]) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._counter = counter

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._counter[0] += len(data)
        return data

    def close(self) -> None:
        self._file.close()
        super().close()


class CountingSource(FileSource):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.counter = [0]

    def open(self) -> CountingReader:  # type: ignore[override]
        return CountingReader(self.path, self.counter)


def median_ms(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def small_files(runs: int) -> list[dict]:
    files = sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and not p.name.endswith(".json") and not (p.parent.name == "hls" and p.suffix == ".ts")
    )
    detect_media_meta(FileSource(files[0]))  # load the library and tables once
    MediaInfo.parse(files[0])
    rows = []
    for path in files:
        ours = median_ms(lambda p=path: detect_media_meta(FileSource(p)), runs)
        bare = median_ms(lambda p=path: MediaInfo.parse(p), runs)
        bare0 = median_ms(lambda p=path: MediaInfo.parse(p, parse_speed=0), runs)
        rows.append(
            {
                "file": str(path.relative_to(FIXTURES)),
                "size": path.stat().st_size,
                "detect_ms": round(ours, 2),
                "bare_ms": round(bare, 2),
                "bare_ps0_ms": round(bare0, 2),
                "ratio": round(ours / bare, 2),
                "ratio_ps0": round(ours / bare0, 2),
            }
        )
    return rows


def make_big_files(folder: Path) -> dict[str, Path]:
    """About 100 MB of noisy 720p30 H.264 + AAC, as MP4 (moov at the end) and as MPEG-TS."""
    folder.mkdir(parents=True, exist_ok=True)
    mp4, ts = folder / "big_100mb.mp4", folder / "big_100mb.ts"
    if mp4.exists() and ts.exists():
        return {"mp4": mp4, "ts": ts}
    if not shutil.which("ffmpeg"):
        raise SystemExit("ffmpeg is needed to generate the big files (apt-get install -y ffmpeg)")
    ff = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    chunk = folder / "chunk.mp4"
    subprocess.run(
        ff
        + [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=1280x720:r=30:d=10",
            "-f",
            "lavfi",
            "-i",
            "sine=f=440:r=48000:d=10",
            "-vf",
            "noise=alls=30:allf=t",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            "9M",
            "-maxrate",
            "9M",
            "-bufsize",
            "9M",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            str(chunk),
        ],
        check=True,
    )
    subprocess.run(ff + ["-stream_loop", "7", "-i", str(chunk), "-c", "copy", str(mp4)], check=True)
    subprocess.run(ff + ["-i", str(mp4), "-c", "copy", str(ts)], check=True)
    chunk.unlink()
    return {"mp4": mp4, "ts": ts}


def big_files(folder: Path, runs: int) -> list[dict]:
    rows = []
    for kind, path in make_big_files(folder).items():
        source = CountingSource(path)
        answer = detect_media_meta(source)
        ours_bytes = source.counter[0]
        ours_ms = median_ms(lambda p=path: detect_media_meta(FileSource(p)), runs)
        counter = [0]
        reader = CountingReader(path, counter)
        MediaInfo.parse(reader, parse_speed=0)
        reader.close()
        bare_ms = median_ms(lambda p=path: MediaInfo.parse(p, parse_speed=0), max(1, runs // 3))
        rows.append(
            {
                "file": path.name,
                "kind": kind,
                "size": path.stat().st_size,
                "detect_bytes": ours_bytes,
                "detect_ms": round(ours_ms, 1),
                "bare_ps0_bytes": counter[0],
                "bare_ps0_ms": round(bare_ms, 1),
                "duration": answer.get("Duration"),
            }
        )
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--big-dir", type=Path, default=Path("/tmp/imm-media-bench"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    small = small_files(args.runs)
    print(
        f"{'small file':34} {'KiB':>6} {'detect ms':>9} {'bare ms':>8} {'ratio':>6} "
        f"{'bare ps0':>9} {'ratio':>6}"
    )
    for row in small:
        print(
            f"{row['file']:34} {row['size'] // 1024:6} {row['detect_ms']:9.2f} {row['bare_ms']:8.2f} "
            f"{row['ratio']:6.2f} {row['bare_ps0_ms']:9.2f} {row['ratio_ps0']:6.2f}"
        )
    ratios = [row["ratio"] for row in small]
    total = sum(r["detect_ms"] for r in small) / sum(r["bare_ms"] for r in small)
    print(
        f"ratio vs bare MediaInfo.parse(path): median {statistics.median(ratios):.2f}, "
        f"p90 {sorted(ratios)[int(0.9 * (len(ratios) - 1))]:.2f}, max {max(ratios):.2f}, "
        f"total time {total:.2f}  (target <= 1.5)"
    )
    ratios0 = [row["ratio_ps0"] for row in small]
    print(
        f"ratio vs bare MediaInfo.parse(path, parse_speed=0): median {statistics.median(ratios0):.2f}, "
        f"p90 {sorted(ratios0)[int(0.9 * (len(ratios0) - 1))]:.2f}, max {max(ratios0):.2f}"
    )
    big = big_files(args.big_dir, args.runs)
    print(
        f"\n{'big file':20} {'MB':>6} {'detect MB read':>15} {'detect ms':>10} "
        f"{'bare ps0 MB read':>17} {'bare ms':>8}"
    )
    for row in big:
        print(
            f"{row['file']:20} {row['size'] / 1e6:6.1f} {row['detect_bytes'] / 1e6:15.2f} "
            f"{row['detect_ms']:10.1f} "
            f"{row['bare_ps0_bytes'] / 1e6:17.2f} {row['bare_ps0_ms']:8.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps({"small": small, "big": big}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
