"""Frame analysis started early in a worker process (labels/prefetch.py), before the probe has answered,
answers exactly what the in-process analysis answers, and when the worker has no such answer (killed,
another duration or rotation, no job) the labeler analyses in-process: labels never depend on whether
the prefetch ran."""

from __future__ import annotations

import os
import signal
import time
from importlib import resources
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from imm_emulator.imm.labels import frames, prefetch
from imm_emulator.imm.labels.formats import is_labelable
from imm_emulator.imm.labels.labeler import derive_labels, probe_facts
from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource

pytestmark = pytest.mark.skipif(not frames.available(), reason="needs PyAV")

MEDIA = Path(str(resources.files("imm_emulator.fixtures"))) / "media"
VIDEOS = ["mp4_h264_aac.mp4", "mov_iphone_rotate_gps.mov", "mkv_vp9_opus_subs.mkv", "hevc_10bit_hlg.mp4"]


def probed_args(source: FileSource) -> tuple[int, int]:
    facts = probe_facts(detect_media_meta(source))
    return facts.duration_ms, facts.rotate


def test_the_head_start_analysis_equals_the_in_process_one_whenever_its_arguments_do() -> None:
    """analyse_as_probed guesses the duration and rotation from PyAV: where the guess is what the probe
    states (most videos; not MPEG-PS, whose durations FFmpeg versions compute differently), the facts
    are analyse()'s to the last bit."""
    matched = 0
    for path in sorted(MEDIA.iterdir()):
        if path.suffix == ".json" or not path.is_file():
            continue
        source = FileSource(path)
        meta = detect_media_meta(source)
        if not is_labelable(meta):
            continue
        args, facts = frames.analyse_as_probed(source)
        expected = probe_facts(meta)
        if args == (expected.duration_ms, expected.rotate):
            matched += 1
            assert facts == frames.analyse(source, *args), path.name
    assert matched >= 15


@pytest.fixture
def started():
    """A FramePrefetch whose worker is up: start(key, source) runs a job."""
    prefetcher = prefetch.FramePrefetch()

    def start(key: str, source: FileSource) -> None:
        deadline = time.monotonic() + 60
        while not prefetcher.start(key, source):  # the first call starts the worker
            assert time.monotonic() < deadline, "the frame analysis worker did not start"
            time.sleep(0.05)

    yield prefetcher, start
    prefetcher.close()


def no_in_process_analysis(*args):
    raise AssertionError("analysed in-process")


@pytest.mark.parametrize("name", VIDEOS)
def test_the_worker_answers_what_the_in_process_analysis_answers(started, name, monkeypatch) -> None:
    prefetcher, start = started
    source = FileSource(MEDIA / name)
    args = probed_args(source)
    expected = frames.analyse(source, *args)
    assert expected is not None
    start(name, source)
    with monkeypatch.context() as patch:
        patch.setattr(frames, "analyse", no_in_process_analysis)
        assert prefetcher.analyser(name)(source, *args) == expected


def test_without_a_matching_answer_the_labeler_analyses_in_process(started) -> None:
    prefetcher, start = started
    source = FileSource(MEDIA / VIDEOS[0])
    duration_ms, rotate = probed_args(source)
    expected = frames.analyse(source, duration_ms + 1000, 90)
    start("other arguments", source)
    assert prefetcher.analyser("other arguments")(source, duration_ms + 1000, 90) == expected
    assert prefetcher.analyser("never started")(source, duration_ms + 1000, 90) == expected
    start("killed", source)
    worker = prefetcher._worker
    assert worker is not None
    worker.process.kill()
    expected = frames.analyse(source, duration_ms, rotate)
    assert prefetcher.analyser("killed")(source, duration_ms, rotate) == expected
    start("after a restart", source)  # a new worker takes jobs again


def test_a_source_that_cannot_be_read_leaves_the_worker_free(started) -> None:
    prefetcher, start = started
    source = FileSource(MEDIA / VIDEOS[0])
    start("warm", source)

    class Gone(FileSource):
        def open(self):
            raise LookupError("the object went away")

    deadline = time.monotonic() + 30
    while True:  # once the warm-up job is done, the worker takes the next one
        try:
            prefetcher.start("gone", Gone(source.path))
        except LookupError:
            break
        assert time.monotonic() < deadline
        time.sleep(0.01)
    start("next", source)  # not left "busy"


def test_a_forked_process_leaves_the_parents_worker_alone(started) -> None:
    prefetcher, start = started
    source = FileSource(MEDIA / VIDEOS[0])
    args = probed_args(source)
    start("before", source)
    assert prefetcher.analyser("before")(source, *args) is not None
    worker = prefetcher._worker
    assert worker is not None
    child = os.fork()
    if child == 0:  # a job from the child must not go to the parent's worker (its answer would cross)
        code = 2
        try:
            prefetcher.start("child", source)
            code = 1 if prefetcher._worker is worker else 0
            prefetcher.close()
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while (status := os.waitpid(child, os.WNOHANG)) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            pytest.fail("the forked child did not end")
        time.sleep(0.01)
    assert os.waitstatus_to_exitcode(status[1]) == 0
    assert worker.process.poll() is None
    start("after", source)
    assert prefetcher._worker is worker


def test_a_label_task_gets_the_labels_derived_in_process(monkeypatch) -> None:
    """End to end with polls:2 (the task waits for polls, so its frames are prefetched at its creation):
    the labels are those derive_labels gives in-process, for the first task (no worker yet) and later
    ones (a new video each time: nothing to reuse), which the worker analysed."""
    in_process = []
    analyse = frames.analyse

    def counted(*args):
        in_process.append(args[0].uri)
        return analyse(*args)

    monkeypatch.setattr(frames, "analyse", counted)
    with Emulator(task_duration="polls:2") as emu:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="p"))
        for i, name in enumerate(VIDEOS * 2):
            if i == 1:
                deadline = time.monotonic() + 60
                while not prefetch.shared().ready:  # the first task started the worker
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
                in_process.clear()
            data = (MEDIA / name).read_bytes() + i.to_bytes(2, "big")  # trailing bytes: another content
            uri = emu.put_object("media", f"{i}-{name}", data)
            create = m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
            task_id = client.create_video_label_classification_task(create).body.task_id
            get = m.GetTaskRequest(project_name="p", task_type="VideoLabelClassification", task_id=task_id)
            while client.get_task(get).body.status == "Running":
                pass
            result = m.GetVideoLabelClassificationResultRequest(
                project_name="p", task_type="VideoLabelClassification", task_id=task_id
            )
            labels = client.get_video_label_classification_result(result).body.to_map()["Labels"]
            assert i == 0 or not in_process, f"{name} was analysed in-process"
            path = emu.runtime._scratch / f"{i}-{name}"
            path.write_bytes(data)
            source = FileSource(path)
            assert labels == derive_labels(detect_media_meta(source), source), name
            in_process.clear()
