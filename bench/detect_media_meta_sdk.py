"""DetectMediaMeta through the real SDK (socket, signature, JSON) against a bare pymediainfo parse of
the same file, measured in one run. Targets (medians over the corpus): <= 1.5 x the bare parse as served
(answer cache on); cold, <= 1.2 x (the bare parse + one SDK round trip that does no media work).

    python bench/detect_media_meta_sdk.py [--runs 7]

Each object is timed twice: as the emulator serves it (the answer cache on: a repeated request for the
same object version is a lookup) and cold (the cache off: every request probes the bytes again).

For the prober alone (no HTTP) and the bytes read for 100 MB files, see bench/media_probe.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from alibabacloud_imm20200930 import models as m
from pymediainfo import MediaInfo

from imm_emulator import Emulator

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "media"


def best_of(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    files = sorted(p for p in CORPUS.iterdir() if p.is_file() and not p.name.endswith((".json", ".py")))
    with Emulator(auth="off") as emu:
        client, answers = emu.client(), emu.runtime.services.answers
        client.create_project(m.CreateProjectRequest(project_name="bench"))
        floor = best_of(args.runs * 5, lambda: client.get_project(m.GetProjectRequest(project_name="bench")))
        print(f"an SDK round trip that does no media work (GetProject): {floor:.2f} ms")
        print(
            f"{'file':32} {'SDK ms':>7} {'cold ms':>8} {'parse ms':>9} {'ratio':>6} {'cold':>6} "
            f"{'cold / (parse + round trip)':>28}"
        )
        ratios, cold_ratios, beyond = [], [], []
        for path in files:
            uri = emu.put_object("media", path.name, path)
            request = m.DetectMediaMetaRequest(project_name="bench", source_uri=uri)
            client.detect_media_meta(request)  # warm: first geocoder load, caches
            sdk = best_of(args.runs, lambda request=request: client.detect_media_meta(request))
            answers.enabled = False
            try:
                cold = best_of(args.runs, lambda request=request: client.detect_media_meta(request))
            finally:
                answers.enabled = True
            bare = best_of(args.runs, lambda path=path: MediaInfo.parse(path, parse_speed=0))
            ratios.append(sdk / bare)
            cold_ratios.append(cold / bare)
            beyond.append(cold / (bare + floor))
            print(
                f"{path.name:32} {sdk:7.2f} {cold:8.2f} {bare:9.2f} {sdk / bare:6.2f} {cold / bare:6.2f} "
                f"{cold / (bare + floor):28.2f}"
            )
        print(
            f"median ratio {statistics.median(ratios):.2f} over {len(ratios)} files (target <= 1.5); "
            f"worst {max(ratios):.2f}\n"
            f"cold (no answer cache): median {statistics.median(cold_ratios):.2f}, "
            f"worst {max(cold_ratios):.2f}; "
            f"cold / (parse + round trip): median {statistics.median(beyond):.2f} (target <= 1.2)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
