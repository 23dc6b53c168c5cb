"""Peak server memory while a large object goes up and comes back down through the real oss2 client.

    python bench/oss_large_object.py [--size-mb 1024]

Starts `imm-emulator serve` in a child process, streams a generated object (never held in memory by
this script either) up with put_object and down with get_object, checks the MD5 both ways, and reads
the server's peak RSS (VmHWM) from /proc. Target: under 200 MB for 1 GB.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import oss2

CHUNK = 1 << 20


class Generated:
    """A read-only stream of ``size`` pseudo-random bytes, produced chunk by chunk."""

    def __init__(self, size: int) -> None:
        self.size, self.sent, self.md5 = size, 0, hashlib.md5()
        self._block = os.urandom(CHUNK)

    def read(self, n: int = -1) -> bytes:
        n = CHUNK if n is None or n < 0 else min(n, CHUNK)
        n = min(n, self.size - self.sent)
        if n <= 0:
            return b""
        chunk = hashlib.sha256(self.sent.to_bytes(8, "big")).digest() + self._block[32:n]
        chunk = chunk[:n]
        self.sent += n
        self.md5.update(chunk)
        return chunk

    def __len__(self) -> int:
        return self.size


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    size = args.size_mb << 20
    server = subprocess.Popen(
        [sys.executable, "-m", "imm_emulator.cli", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        url = server.stdout.readline().rsplit(" ", 1)[1].strip()
        baseline = peak_rss_mb(server.pid)
        bucket = oss2.Bucket(
            oss2.AuthV4("test-access-key-id", "test-access-key-secret"),
            url,
            "bench-bucket",
            region="cn-hangzhou",
        )
        bucket.create_bucket()
        body = Generated(size)
        started = time.perf_counter()
        bucket.put_object("large.bin", body)  # oss2 checks the CRC-64 the server returns
        upload_s = time.perf_counter() - started
        started = time.perf_counter()
        got, md5, received = bucket.get_object("large.bin"), hashlib.md5(), 0
        for chunk in got:
            md5.update(chunk)
            received += len(chunk)
        download_s = time.perf_counter() - started
        assert received == size and md5.hexdigest() == body.md5.hexdigest(), "bytes differ"
        peak = peak_rss_mb(server.pid)
        print(
            f"object: {args.size_mb} MB; upload {upload_s:.1f} s ({args.size_mb / upload_s:.0f} MB/s), "
            f"download {download_s:.1f} s ({args.size_mb / download_s:.0f} MB/s)"
        )
        print(
            f"server peak RSS: {peak:.0f} MB (at start {baseline:.0f} MB); target < 200 MB: "
            f"{'met' if peak < 200 else 'MISSED'}"
        )
        return 0 if peak < 200 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
