"""What one typical downstream test costs with imm-emulator, next to the closest moto test, interleaved
in one run.

    python bench/downstream.py [--runs 60]

imm-emulator (in-process, real SDK over a socket, as the pytest plugin runs it): reset; create a
project; put a 2 s MP4 in OSS; CreateVideoLabelClassificationTask; GetTask until Succeeded (the
plugin's default ``polls:2``); GetVideoLabelClassificationResult; DetectMediaMeta.
moto (``mock_aws``, boto3): reset; S3 put_object of the same bytes; Rekognition start_text_detection +
get_text_detection.
Three scenarios: the same fixture video in every test; a different video in every test (nothing to
reuse: one byte changed); and ``instant`` tasks. Reports p50/p90 per test for both and their ratio
(target: <= 1.5 with the same video, <= 3 with a new one).
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib import resources
from pathlib import Path

VIDEO = Path(str(resources.files("imm_emulator.fixtures"))) / "media" / "mp4_h264_aac.mp4"


# Tests not counted, for both: what a suite pays once (imports, lazy set-up, the first full garbage
# collections over the freshly imported modules) lands in its first tests, not in each. With 3, the
# first scenario run read about 10 % slower than the same scenario run again later in the process.
WARM_UP = 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def imm_test(emu, data: bytes) -> None:
    from alibabacloud_imm20200930 import models as m

    emu.reset()
    client = emu.client()
    client.create_project(m.CreateProjectRequest(project_name="p"))
    uri = emu.put_object("media", "clip.mp4", data)
    request = m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
    task_id = client.create_video_label_classification_task(request).body.task_id
    get = m.GetTaskRequest(project_name="p", task_type="VideoLabelClassification", task_id=task_id)
    while client.get_task(get).body.status != "Succeeded":
        pass
    result = m.GetVideoLabelClassificationResultRequest(
        project_name="p", task_type="VideoLabelClassification", task_id=task_id
    )
    assert client.get_video_label_classification_result(result).body.labels
    client.detect_media_meta(m.DetectMediaMetaRequest(project_name="p", source_uri=uri))


def moto_test(mock, clients, data: bytes) -> None:
    s3, rekognition = clients
    mock.reset()
    s3.create_bucket(Bucket="media")
    s3.put_object(Bucket="media", Key="clip.mp4", Body=data)
    job = rekognition.start_text_detection(Video={"S3Object": {"Bucket": "media", "Name": "clip.mp4"}})
    rekognition.get_text_detection(JobId=job["JobId"])


def run(name: str, runs: int, policy: str, vary: bool) -> None:
    import boto3
    from moto import mock_aws

    from imm_emulator import Emulator

    base = VIDEO.read_bytes()
    ours: list[float] = []
    theirs: list[float] = []
    with Emulator(task_duration=policy) as emu, mock_aws() as mock:
        clients = (boto3.client("s3", region_name="us-east-1"), boto3.client("rekognition", "us-east-1"))
        for i in range(runs + WARM_UP):
            data = base[:-4] + i.to_bytes(4, "big") if vary else base
            t0 = time.perf_counter()
            imm_test(emu, data)
            t1 = time.perf_counter()
            moto_test(mock, clients, data)
            t2 = time.perf_counter()
            if i >= WARM_UP:
                ours.append((t1 - t0) * 1000)
                theirs.append((t2 - t1) * 1000)
    for label, share in (("p50", 0.5), ("p90", 0.9)):
        mine, other = percentile(ours, share), percentile(theirs, share)
        ratio = mine / other
        print(f"{name:34} {label}  imm-emulator {mine:7.2f} ms   moto {other:7.2f} ms   ratio {ratio:5.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    try:
        import boto3  # noqa: F401
        import moto  # noqa: F401
    except ImportError:
        print("needs moto and boto3: pip install 'imm-emulator[bench]'")
        return 1
    run("same fixture video, polls:2", args.runs, "polls:2", vary=False)
    run("a new video every test, polls:2", args.runs, "polls:2", vary=True)
    run("same fixture video, instant", args.runs, "instant", vary=False)
    print(f"({args.runs} interleaved runs each; percentiles by rank)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
