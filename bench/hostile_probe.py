#!/usr/bin/env python3
"""Hostile media against a served emulator: memory of the server and its probe workers, the attacker's
answers, and the latency of another account's DetectMediaMeta meanwhile.

    python bench/hostile_probe.py [--attackers 2] [--rounds 2]

Starts ``imm-emulator serve`` (defaults: 2 probe workers, 512 MiB each, 2 s per probe), uploads the
hostile corpus of tests/media/hostile.py, and while ATTACKERS threads of one account probe every file of
it ROUNDS times, a victim account probes a normal MP4 (answer cache off: every call probes). RSS of the
server process and all its children is sampled every 20 ms; the peak of their sum is reported (target:
under 1.5 GB), with the victim's p50/p99 next to its latency without an attack.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alibabacloud_imm20200930 import models as m  # noqa: E402
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException  # noqa: E402

from imm_emulator import RemoteEmulator  # noqa: E402
from tests.media import hostile  # noqa: E402

VIDEO = ROOT / "fixtures" / "media" / "mp4_h264_aac.mp4"


def rss_kib(pid: int) -> int:
    """RSS of ``pid`` and all its descendants (KiB)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending += [int(child) for child in children]
    return total


COPIES = 400  # distinct objects (same bytes): the first probe of each is not an answer-cache hit


def victim_latencies(
    client, seconds: float, first: int, stop: threading.Event | None = None
) -> tuple[list[float], int]:
    """Latencies (ms) of DetectMediaMeta on copies first, first+1, ... (each probed cold once)."""
    times: list[float] = []
    end, index = time.monotonic() + seconds, first
    while time.monotonic() < end and not (stop and stop.is_set()) and index < COPIES:
        request = m.DetectMediaMetaRequest(project_name="p", source_uri=f"oss://good/v{index}.mp4")
        started = time.perf_counter()
        client.detect_media_meta(request)
        times.append((time.perf_counter() - started) * 1000)
        index += 1
    return times, index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attackers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "IMM_EMULATOR_ACCESS_KEYS": "attacker:s1,victim:s2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "imm_emulator.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        url = line.split(" on ", 1)[1].strip()
        remote = RemoteEmulator(url, "attacker", "s1")
        attacker, victim = remote.client(), remote.client("victim", "s2")
        for client in (attacker, victim):
            client.create_project(m.CreateProjectRequest(project_name="p"))
        corpus = hostile.corpus()
        bucket = remote.oss2_bucket("hostile", "attacker", "s1")
        bucket.create_bucket()
        for name, data in corpus.items():
            bucket.put_object(name, data)
        good = remote.oss2_bucket("good", "victim", "s2")
        good.create_bucket()
        for index in range(COPIES):
            good.put_object(f"v{index}.mp4", VIDEO.read_bytes())
        quiet, used = victim_latencies(victim, 3.0, 0)

        peak, stop = 0, threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, rss_kib(server.pid))
                time.sleep(0.02)

        answers: dict[str, int] = {}
        slowest = [0.0, ""]

        def attack() -> None:
            for _ in range(args.rounds):
                for name in corpus:
                    started = time.monotonic()
                    try:
                        attacker.detect_media_meta(
                            m.DetectMediaMetaRequest(project_name="p", source_uri=f"oss://hostile/{name}")
                        )
                        code = "answered"
                    except AlibabaCloudException as error:
                        code = str(error.code)
                    elapsed = time.monotonic() - started
                    answers[code] = answers.get(code, 0) + 1
                    if elapsed > slowest[0]:
                        slowest[:] = [elapsed, name]

        sampler = threading.Thread(target=sample)
        sampler.start()
        attackers = [threading.Thread(target=attack) for _ in range(args.attackers)]
        started = time.monotonic()
        for thread in attackers:
            thread.start()
        done = threading.Event()
        watcher = threading.Thread(target=lambda: ([t.join() for t in attackers], done.set()))
        watcher.start()
        attacked, _ = victim_latencies(victim, 3600, used, done)
        watcher.join()
        stop.set()
        sampler.join()

        def p(values: list[float], q: float) -> float:
            return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]

        took = time.monotonic() - started
        files = args.attackers * args.rounds * len(corpus)
        print(f"attack: {files} probes of hostile files from {args.attackers} threads in {took:.1f} s")
        print(f"attacker answers {answers}; slowest {slowest[0]:.2f} s ({slowest[1]})")
        print(f"server + workers peak RSS: {peak / 1024:.0f} MiB (target < 1536)")
        print(
            f"victim DetectMediaMeta (cold probes): quiet p50 {p(quiet, 50):.1f} ms p99 {p(quiet, 99):.1f} ms"
        )
        print(
            f"  under attack p50 {p(attacked, 50):.1f} ms p99 {p(attacked, 99):.1f} ms, {len(attacked)} calls"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
