"""DetectMediaMeta through the real SDK (socket, signature, JSON) against a bare pymediainfo parse of
the same file, measured in one run. Targets (medians over the corpus): <= 1.5 x the bare parse as served
(answer cache on); cold, <= 1.2 x (the bare parse + one SDK round trip that does no media work).

    python bench/detect_media_meta_sdk.py [--runs 11]

Each object is timed as the emulator serves it (the answer cache on: a repeated request for the same
object version is a lookup) and cold (the cache off: every request probes the bytes again), next to a
bare parse and an SDK round trip that does no media work (GetProject), the four taken in turn.

For the prober alone (no HTTP) and the bytes read for 100 MB files, see bench/media_probe.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from alibabacloud_imm20200930 import models as m
from pymediainfo import MediaInfo

from imm_emulator import Emulator

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "media"


def interleaved(runs: int, calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median ms of each call, the calls taken in turn ``runs`` times: a machine that slows down or
    speeds up during the run moves them all, not only the one measured then."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    files = sorted(p for p in CORPUS.iterdir() if p.is_file() and not p.name.endswith((".json", ".py")))
    with Emulator(auth="off") as emu:
        client, answers = emu.client(), emu.runtime.services.answers
        client.create_project(m.CreateProjectRequest(project_name="bench"))
        get_project = m.GetProjectRequest(project_name="bench")
        print(
            f"{'file':32} {'SDK ms':>7} {'cold ms':>8} {'parse ms':>9} {'trip ms':>8} {'ratio':>6} "
            f"{'cold':>6} {'cold / (parse + trip)':>22}"
        )
        ratios, cold_ratios, beyond = [], [], []
        for path in files:
            uri = emu.put_object("media", path.name, path)
            request = m.DetectMediaMetaRequest(project_name="bench", source_uri=uri)
            client.detect_media_meta(request)  # warm: first geocoder load, caches

            def cold(request=request) -> None:
                answers.enabled = False
                try:
                    client.detect_media_meta(request)
                finally:
                    answers.enabled = True

            took = interleaved(
                args.runs,
                {
                    "sdk": lambda request=request: client.detect_media_meta(request),
                    "cold": cold,
                    "bare": lambda path=path: MediaInfo.parse(path, parse_speed=0),
                    "trip": lambda: client.get_project(get_project),  # an SDK round trip, no media work
                },
            )
            sdk, bare, trip = took["sdk"], took["bare"], took["trip"]
            ratios.append(sdk / bare)
            cold_ratios.append(took["cold"] / bare)
            beyond.append(took["cold"] / (bare + trip))
            print(
                f"{path.name:32} {sdk:7.2f} {took['cold']:8.2f} {bare:9.2f} {trip:8.2f} {sdk / bare:6.2f} "
                f"{took['cold'] / bare:6.2f} {beyond[-1]:22.2f}"
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
