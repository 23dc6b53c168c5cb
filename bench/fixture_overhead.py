"""What the test fixtures cost, next to moto's equivalents measured in the same run.

    python bench/fixture_overhead.py [--runs 50]

- session start: ``Emulator().start()`` + stop  vs  moto ``mock_aws()`` start + stop;
- reset between tests: ``emu.reset()`` (with some state)  vs  moto's ``/moto-api/reset`` equivalent
  in-process (``moto.core.models.base_decorator``'s reset is what mock_aws calls: we time
  ``mock.reset()``);
- one SDK round trip over a socket: IMM ``GetTask`` via alibabacloud-imm20200930  vs
  Transcribe ``GetTranscriptionJob`` via boto3 against ``ThreadedMotoServer``.
Targets: start < 150 ms, reset < 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def timed(runs: int, call) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(name: str, ours: list[float], theirs: list[float] | None) -> None:
    line = f"{name:42} imm-emulator p50 {statistics.median(ours):8.2f} ms"
    if theirs:
        ratio = statistics.median(ours) / statistics.median(theirs)
        line += f"   moto p50 {statistics.median(theirs):8.2f} ms   ratio {ratio:5.2f}"
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    from alibabacloud_imm20200930 import models as m

    import imm_emulator  # noqa: F401  (import cost is not part of the fixture)
    from imm_emulator import Emulator

    try:
        import boto3
        from moto import mock_aws
        from moto.server import ThreadedMotoServer
    except ImportError:
        boto3 = mock_aws = ThreadedMotoServer = None
        print("moto/boto3 not installed: pip install 'moto[server]' boto3 for the comparison")

    stops: list[float] = []

    def start_only() -> None:
        emu = Emulator().start()
        t0 = time.perf_counter()
        emu.stop()
        stops.append((time.perf_counter() - t0) * 1000)

    ours_start = [t - s for t, s in zip(timed(max(5, args.runs // 5), start_only), stops, strict=True)]
    theirs_start = None
    if mock_aws:

        def moto_start_stop() -> None:
            with mock_aws():
                pass

        moto_start_stop()
        theirs_start = timed(max(5, args.runs // 5), moto_start_stop)
    report("session start (stop not counted)", ours_start, theirs_start)
    report("session stop", stops, None)

    with Emulator(task_duration="instant") as emu:
        client = emu.client()

        def seed_and_reset() -> None:
            client.create_project(m.CreateProjectRequest(project_name="p"))
            t0 = time.perf_counter()
            emu.reset()
            resets.append((time.perf_counter() - t0) * 1000)

        resets: list[float] = []
        for _ in range(args.runs):
            seed_and_reset()
        theirs_reset = None
        if mock_aws:
            mock = mock_aws()
            mock.start()
            s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
            theirs_reset = []
            for i in range(args.runs):
                s3.create_bucket(Bucket=f"bucket-{i}")
                t0 = time.perf_counter()
                mock.reset()
                theirs_reset.append((time.perf_counter() - t0) * 1000)
            mock.stop()
        report("reset between tests (after one create)", resets, theirs_reset)

        client.create_project(m.CreateProjectRequest(project_name="p"))
        uri = emu.put_object("media", "v.mp4", "fixtures/media/mp4_h264_aac.mp4")
        task_id = client.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
        ).body.task_id
        request = m.GetTaskRequest(project_name="p", task_id=task_id, task_type="VideoLabelClassification")
        client.get_task(request)
        ours_call = timed(args.runs * 4, lambda: client.get_task(request))
    theirs_call = None
    if ThreadedMotoServer:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        transcribe = boto3.client(
            "transcribe",
            region_name="us-east-1",
            endpoint_url=f"http://{host}:{port}",
            aws_access_key_id="a",
            aws_secret_access_key="b",
        )
        transcribe.start_transcription_job(
            TranscriptionJobName="j",
            Media={"MediaFileUri": "s3://b/a.mp3"},
            MediaFormat="mp3",
            LanguageCode="en-US",
        )
        transcribe.get_transcription_job(TranscriptionJobName="j")
        theirs_call = timed(args.runs * 4, lambda: transcribe.get_transcription_job(TranscriptionJobName="j"))
        server.stop()
    report("one SDK round trip (GetTask / GetTranscriptionJob)", ours_call, theirs_call)
    return 0


if __name__ == "__main__":
    sys.exit(main())
