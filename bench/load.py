"""Load: 8 concurrent SDK clients for 60 s of mixed create / get / list / detect against
`imm-emulator serve`, and the same shape of load against moto's server, in one run.

    python bench/load.py [--seconds 60] [--clients 8] [--data-dir DIR] [--server waitress]

Reports throughput, p50 / p99 latency per operation, errors (target 0) and the server's RSS (peak and
at the end), for both servers. moto's mix: StartTranscriptionJob (create), GetTranscriptionJob (get),
ListTranscriptionJobs (list), GetObject of a 1 MB object (detect: the read-a-media-file step).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "media" / "mp4_h264_aac.mp4"


def rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def run_load(seconds: float, clients: int, operation) -> tuple[dict[str, list[float]], int, float]:
    """``operation(worker, rng) -> name`` does one call; returns latencies by name, errors, elapsed."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        rng = random.Random(index)
        state: dict = {}
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                name = operation(index, rng, state)
            except Exception as exc:  # noqa: BLE001 (counted, reported)
                with lock:
                    errors[0] += 1
                    if errors[0] <= 3:
                        print(f"  error: {exc!r}"[:300])
                continue
            with lock:
                latencies[name].append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def report(title: str, latencies: dict[str, list[float]], errors: int, elapsed: float, pid: int) -> float:
    total = sum(len(v) for v in latencies.values())
    peak, now = rss_mb(pid)
    print(
        f"{title}: {total / elapsed:.0f} calls/s over {elapsed:.0f} s, errors {errors}, "
        f"server RSS peak {peak:.0f} MB, at the end {now:.0f} MB"
    )
    for name in sorted(latencies):
        values = sorted(latencies[name])
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(f"  {name:36} n={len(values):6} p50 {statistics.median(values):7.2f} ms  p99 {p99:7.2f} ms")
    return total / elapsed


def imm_load(args: argparse.Namespace) -> float:
    from alibabacloud_imm20200930 import models as m

    from imm_emulator import RemoteEmulator

    command = [sys.executable, "-m", "imm_emulator.cli", "serve", "--port", "0", "--task-duration", "polls:2"]
    if args.data_dir:
        command += ["--data-dir", args.data_dir]
    command += ["--server", args.server]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().rsplit(" ", 1)[1].strip()
        setup = RemoteEmulator(url)
        setup.client().create_project(m.CreateProjectRequest(project_name="load"))
        uri = setup.put_object("load", "v.mp4", str(SAMPLE))
        local = threading.local()

        def operation(worker: int, rng: random.Random, state: dict) -> str:
            if not hasattr(local, "client"):
                local.client = setup.client()
            client = local.client
            roll = rng.random()
            tasks = state.setdefault("tasks", [])
            if roll < 0.2 or not tasks:
                task = client.create_video_label_classification_task(
                    m.CreateVideoLabelClassificationTaskRequest(project_name="load", source_uri=uri)
                ).body.task_id
                tasks.append(task)
                return "CreateVideoLabelClassificationTask"
            if roll < 0.6:
                client.get_video_label_classification_result(
                    m.GetVideoLabelClassificationResultRequest(
                        project_name="load", task_id=rng.choice(tasks), task_type="VideoLabelClassification"
                    )
                )
                return "GetVideoLabelClassificationResult"
            if roll < 0.8:
                client.list_tasks(m.ListTasksRequest(project_name="load", max_results=20))
                return "ListTasks"
            client.detect_media_meta(m.DetectMediaMetaRequest(project_name="load", source_uri=uri))
            return "DetectMediaMeta"

        latencies, errors, elapsed = run_load(args.seconds, args.clients, operation)
        return report(f"imm-emulator ({args.server})", latencies, errors, elapsed, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def moto_load(args: argparse.Namespace) -> float | None:
    try:
        import boto3
    except ImportError:
        print("moto comparison skipped: pip install 'moto[server]' boto3")
        return None
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                boto3.client(
                    "s3",
                    endpoint_url=url,
                    region_name="us-east-1",
                    aws_access_key_id="a",
                    aws_secret_access_key="b",
                ).list_buckets()
                break
            except Exception:  # noqa: BLE001 (not up yet)
                time.sleep(0.1)
        kwargs = {
            "endpoint_url": url,
            "region_name": "us-east-1",
            "aws_access_key_id": "a",
            "aws_secret_access_key": "b",
        }
        s3 = boto3.client("s3", **kwargs)
        s3.create_bucket(Bucket="load")
        s3.put_object(Bucket="load", Key="v.mp4", Body=SAMPLE.read_bytes())
        local = threading.local()

        def operation(worker: int, rng: random.Random, state: dict) -> str:
            if not hasattr(local, "transcribe"):
                local.transcribe = boto3.client("transcribe", **kwargs)
                local.s3 = boto3.client("s3", **kwargs)
            jobs = state.setdefault("jobs", [])
            roll = rng.random()
            if roll < 0.2 or not jobs:
                name = f"j{worker}-{len(jobs)}-{rng.random()}"
                local.transcribe.start_transcription_job(
                    TranscriptionJobName=name,
                    LanguageCode="en-US",
                    Media={"MediaFileUri": "s3://load/v.mp4"},
                    MediaFormat="mp4",
                )
                jobs.append(name)
                return "StartTranscriptionJob"
            if roll < 0.6:
                local.transcribe.get_transcription_job(TranscriptionJobName=rng.choice(jobs))
                return "GetTranscriptionJob"
            if roll < 0.8:
                local.transcribe.list_transcription_jobs(MaxResults=20)
                return "ListTranscriptionJobs"
            local.s3.get_object(Bucket="load", Key="v.mp4")["Body"].read()
            return "GetObject"

        latencies, errors, elapsed = run_load(args.seconds, args.clients, operation)
        return report("moto server", latencies, errors, elapsed, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--server", default="werkzeug", choices=["werkzeug", "waitress"])
    args = parser.parse_args()
    ours = imm_load(args)
    theirs = moto_load(args)
    if theirs:
        print(f"throughput ratio imm-emulator / moto: {ours / theirs:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
