"""Kill -9 under load: a server with --data-dir, four clients writing, killed at random moments and
restarted 20 times (alternating the werkzeug and waitress servers); every acknowledged project, task,
result and object is there, byte for byte."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import signal
import subprocess
import sys
import threading
import time

import oss2
import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator import RemoteEmulator
from tests.helpers import media

ROUNDS = 20
CLIENTS = 4
TYPE = "VideoLabelClassification"
SERVERS = ["werkzeug"] + (["waitress"] if importlib.util.find_spec("waitress") else [])


def start(data_dir: str, server: str = "werkzeug") -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imm_emulator.cli",
            "serve",
            "--port",
            "0",
            "--data-dir",
            data_dir,
            "--task-duration",
            "instant",
            "--server",
            server,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.startswith("imm-emulator ready on "), line
    return proc, line.rsplit(" ", 1)[1].strip()


class Acknowledged:
    """What the server answered 200 to: it must survive any crash that follows."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.projects: set[str] = set()
        self.objects: dict[str, str] = {}
        self.tasks: dict[str, str] = {}  # task id -> project
        self.labels: dict[str, list] = {}


def load(url: str, worker: int, acked: Acknowledged, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    emu = RemoteEmulator(url)
    client = emu.client()
    bucket = emu.oss2_bucket("crash")
    counter = 0
    while not stop.is_set():
        counter += 1
        name = f"w{worker}-s{seed}-{counter}"
        try:
            choice = rng.random()
            if choice < 0.3:
                client.create_project(m.CreateProjectRequest(project_name=f"p-{name}"))
                with acked.lock:
                    acked.projects.add(f"p-{name}")
            elif choice < 0.7:
                data = rng.randbytes(rng.randint(1, 300_000))
                bucket.put_object(f"o/{name}", data)
                with acked.lock:
                    acked.objects[f"o/{name}"] = hashlib.md5(data).hexdigest()
            elif acked.projects:
                with acked.lock:
                    project = rng.choice(sorted(acked.projects))
                task = client.create_video_label_classification_task(
                    m.CreateVideoLabelClassificationTaskRequest(
                        project_name=project, source_uri="oss://crash/video.mp4"
                    )
                ).body.task_id
                with acked.lock:
                    acked.tasks[task] = project
                result = client.get_video_label_classification_result(
                    m.GetVideoLabelClassificationResultRequest(
                        project_name=project, task_id=task, task_type=TYPE
                    )
                ).body
                with acked.lock:
                    acked.labels[task] = [label.to_map() for label in result.labels]
        except Exception:  # the server is being killed: whatever was not acknowledged may be lost
            if stop.wait(0.05):
                return


def verify(url: str, acked: Acknowledged) -> None:
    emu = RemoteEmulator(url)
    client = emu.client()
    bucket = emu.oss2_bucket("crash")
    listed = set()
    token = None
    while True:
        body = client.list_projects(m.ListProjectsRequest(max_results=200, next_token=token)).body
        listed |= {p.project_name for p in body.projects}
        token = body.next_token
        if not token:
            break
    assert acked.projects <= listed, sorted(acked.projects - listed)[:5]
    for key, digest in acked.objects.items():
        assert hashlib.md5(bucket.get_object(key).read()).hexdigest() == digest, key
    for task, project in acked.tasks.items():
        result = client.get_video_label_classification_result(
            m.GetVideoLabelClassificationResultRequest(project_name=project, task_id=task, task_type=TYPE)
        ).body
        assert result.status == "Succeeded" and result.labels, task
        if task in acked.labels:
            assert [label.to_map() for label in result.labels] == acked.labels[task]


@pytest.mark.crash
def test_kill_minus_nine_under_load_loses_nothing_acknowledged(tmp_path) -> None:
    data_dir = str(tmp_path / "data")
    acked = Acknowledged()
    rng = random.Random(20261121)
    proc, url = start(data_dir)
    bucket = oss2.Bucket(
        oss2.AuthV4("test-access-key-id", "test-access-key-secret"), url, "crash", region="cn-hangzhou"
    )
    bucket.create_bucket()
    bucket.put_object_from_file("video.mp4", str(media("mp4_h264_aac.mp4")))
    try:
        for round_number in range(ROUNDS):
            stop = threading.Event()
            workers = [
                threading.Thread(target=load, args=(url, w, acked, stop, round_number * 100 + w))
                for w in range(CLIENTS)
            ]
            for worker in workers:
                worker.start()
            time.sleep(rng.uniform(0.3, 1.5))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            stop.set()
            for worker in workers:
                worker.join(timeout=30)
            proc, url = start(data_dir, SERVERS[round_number % len(SERVERS)])
            verify(url, acked)
        assert len(acked.projects) > 20 and len(acked.objects) > 20 and len(acked.tasks) > 5
    finally:
        proc.kill()
        proc.wait()
