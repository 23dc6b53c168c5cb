"""MediaInfo runs in killable worker processes: a hostile file costs its own probe, within its deadline,
and nobody else's; every file of the hostile corpus answers (or is refused) within the deadline."""

from __future__ import annotations

import io
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator import Emulator
from imm_emulator.errors import ImmError
from imm_emulator.imm.media import workers
from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource
from tests.media import hostile
from tests.media.golden import FIXTURES

pytestmark = pytest.mark.hostile

LIMIT = 1.0  # a short probe time limit keeps the suite quick; the default (2 s) is tested end to end
MARGIN = 1.0  # the promise is deadline + 0.5 s; a loaded CI machine gets a little more
STTS = dict(hostile.sample_table_counts())["stts_count_mp4_h264_aac.mp4"]


@pytest.fixture(scope="module")
def pool():
    probes = workers.Workers(2, 256)
    yield probes
    probes.close()


def _probe(path: Path, pool: workers.Workers, limit: float = LIMIT) -> tuple[float, dict | ImmError]:
    started = time.monotonic()
    try:
        answer: dict | ImmError = detect_media_meta(FileSource(path), time_limit=limit, pool=pool)
    except ImmError as error:
        answer = error
    return time.monotonic() - started, answer


def _warm(pool: workers.Workers) -> None:
    """Every worker of the pool started and through a first parse (as a running emulator's are)."""
    with ThreadPoolExecutor(pool.size) as threads:
        answers = list(
            threads.map(lambda _: _probe(FIXTURES / "mp4_h264_aac.mp4", pool)[1], range(pool.size))
        )
    assert all(isinstance(answer, dict) for answer in answers)


def _answers_or_refuses(name: str, elapsed: float, answer: dict | ImmError) -> None:
    assert elapsed < LIMIT + MARGIN, f"{name}: {elapsed:.2f} s"
    if isinstance(answer, ImmError):
        assert (answer.code, answer.http_status) == ("InvalidArgument", 400), (name, answer)
        assert name in answer.message
    else:
        assert answer["VideoStreams"] or answer["AudioStreams"], name


def test_a_parse_that_never_ends_is_killed_at_the_deadline(tmp_path: Path, pool) -> None:
    path = tmp_path / "stts.mp4"
    path.write_bytes(STTS)
    killed = pool.killed
    elapsed, answer = _probe(path, pool)
    assert isinstance(answer, ImmError) and answer.code == "InvalidArgument"
    assert "took longer than the probe time limit of 1 s" in answer.message
    assert LIMIT <= elapsed < LIMIT + MARGIN
    assert pool.killed == killed + 1
    good = _probe(FIXTURES / "mp4_h264_aac.mp4", pool)[1]  # a fresh worker took its place
    assert isinstance(good, dict) and good["Duration"] == 2.0


@pytest.mark.parametrize("name", sorted(hostile.corpus()))
def test_structural_attacks_answer_or_are_refused_in_time(tmp_path: Path, pool, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(hostile.corpus()[name])
    _warm(pool)  # judged on its own: workers a previous case had killed are replaced before the clock runs
    _answers_or_refuses(name, *_probe(path, pool))


@pytest.mark.parametrize("fixture", hostile._CONTAINERS)
def test_huge_header_fields_in_every_container(tmp_path: Path, pool, fixture: str) -> None:
    for name, data in hostile.huge_header_fields():
        if name.endswith("_" + fixture):
            path = tmp_path / name
            path.write_bytes(data)
            _answers_or_refuses(name, *_probe(path, pool))


def test_workers_run_under_the_address_space_ceiling(pool) -> None:
    with pool.lease():
        pool.parse(
            io.BytesIO(b"\0" * 100), 100, trace=False, deadline=time.monotonic() + 1, jump=False, parser=""
        )
        (worker,) = [leased for leased in workers._LEASED.get()[1] if leased]  # type: ignore[index]
        limits = Path(f"/proc/{worker.process.pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert line.split()[3:5] == [str(256 * 1024 * 1024)] * 2


def test_a_file_needing_more_memory_than_the_ceiling_is_refused(tmp_path: Path) -> None:
    """Every PID of an MPEG-TS: MediaInfo alone takes 1.3 GB for it; a worker gets 512 MiB."""
    path = tmp_path / "pids.ts"
    path.write_bytes(dict(hostile.every_pid())["every_pid_raw.ts"])
    small = workers.Workers(1, 512)
    try:
        elapsed, answer = _probe(path, small)
        assert isinstance(answer, ImmError) and answer.code == "InvalidArgument"
        assert "exceeded the probe memory limit of 512 MiB" in answer.message
        good = _probe(FIXTURES / "ts_h264_aac.ts", small)[1]
        assert isinstance(good, dict) and good["VideoStreams"]
    finally:
        small.close()


def test_a_worker_that_died_while_idle_is_replaced_without_blame(pool) -> None:
    good = FIXTURES / "mp3_creation_time.mp3"
    assert isinstance(_probe(good, pool)[1], dict)
    for worker in list(pool._idle):
        worker.process.kill()
        worker.process.wait()
    assert isinstance(_probe(good, pool)[1], dict)


def test_a_busy_pool_answers_throttling_not_a_blame_on_the_file(monkeypatch) -> None:
    monkeypatch.setattr(workers, "LEASE_WAIT", 0.2)
    single = workers.Workers(1)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with single.lease():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(10)
        with pytest.raises(ImmError) as caught:
            detect_media_meta(FileSource(FIXTURES / "voice.opus"), pool=single)
    finally:
        release.set()
        holder.join()
    try:
        assert (caught.value.code, caught.value.headers) == ("Throttling.User", {"x-acs-retry-after": "1"})
        assert "All 1 probe workers stayed busy for 0.2 s" in caught.value.message
        assert isinstance(detect_media_meta(FileSource(FIXTURES / "voice.opus"), pool=single), dict)
    finally:
        single.close()


def test_probes_run_in_parallel_and_a_hostile_one_stops_nobody(tmp_path: Path, caplog, monkeypatch) -> None:
    """Through the real SDK, default 2 s limit: while one account's hostile file holds a worker until it
    is killed, another account's DetectMediaMeta calls keep answering; the hostile call answers 400."""
    caplog.set_level(logging.DEBUG)
    with Emulator(task_duration="instant") as emu:
        monkeypatch.setattr(emu.runtime.services.answers, "enabled", False)  # every call probes
        emu.register_key("victim-key", "victim-secret")
        attacker, victim = emu.client(), emu.client("victim-key", "victim-secret")
        for client in (attacker, victim):
            client.create_project(m.CreateProjectRequest(project_name="p"))
        emu.put_object("media", "stts.mp4", STTS)
        emu.put_object("good", "v.mp4", FIXTURES / "mp4_h264_aac.mp4", access_key_id="victim-key")
        outcome: list[BaseException] = []

        def attack() -> None:
            try:
                attacker.detect_media_meta(
                    m.DetectMediaMetaRequest(project_name="p", source_uri="oss://media/stts.mp4")
                )
            except BaseException as error:  # noqa: BLE001 - inspected below
                outcome.append(error)

        started = time.monotonic()
        thread = threading.Thread(target=attack)
        thread.start()
        answered = 0
        while thread.is_alive():
            body = victim.detect_media_meta(
                m.DetectMediaMetaRequest(project_name="p", source_uri="oss://good/v.mp4")
            ).body
            assert body.duration == 2.0
            answered += 1 if thread.is_alive() else 0
        elapsed = time.monotonic() - started
        (error,) = outcome
        assert isinstance(error, ClientException) and error.code == "InvalidArgument"
        assert "probe time limit of 2 s" in error.message
        assert 2.0 <= elapsed < 2.0 + MARGIN
        assert answered >= 3

        task = attacker.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri="oss://media/stts.mp4")
        ).body
        status = attacker.get_task(
            m.GetTaskRequest(project_name="p", task_id=task.task_id, task_type="VideoLabelClassification")
        ).body
        assert status.status == "Failed" and "probe time limit" in status.message
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


def test_a_free_worker_goes_to_the_account_holding_fewest() -> None:
    """An attacker holding both workers, with more of its probes queued first, does not starve a
    victim: the next free worker is the victim's."""
    fair = workers.Workers(2)
    order: list[str] = []
    releases = {name: threading.Event() for name in ("a1", "a2", "a3", "victim")}

    def probe(name: str, account: str, started: threading.Event) -> None:
        started.set()
        with fair.lease(account):
            order.append(name)
            releases[name].wait(10)

    threads = []
    try:
        for name, account in (("a1", "attacker"), ("a2", "attacker"), ("a3", "attacker"), ("victim", "v")):
            started = threading.Event()
            thread = threading.Thread(target=probe, args=(name, account, started))
            thread.start()
            threads.append(thread)
            started.wait(10)
            time.sleep(0.3)  # let it reach the pool (a1 and a2 start their workers)
        assert order == ["a1", "a2"]
        releases["a1"].set()
        deadline = time.monotonic() + 10
        while len(order) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert order == ["a1", "a2", "victim"]
    finally:
        for event in releases.values():
            event.set()
        for thread in threads:
            thread.join(10)
        fair.close()
    assert order == ["a1", "a2", "victim", "a3"]


def test_a_parse_on_another_pool_inside_a_lease_takes_its_own_worker(pool) -> None:
    other = workers.Workers(1)
    try:
        with pool.lease("a"):
            trace, report = other.parse(
                io.BytesIO(b"\0" * 100),
                100,
                trace=False,
                deadline=time.monotonic() + 2,
                jump=False,
                parser="",
            )
        assert report and other._started == 1 and len(other._idle) == 1
    finally:
        other.close()


def test_a_slow_worker_start_is_not_charged_to_the_file(tmp_path: Path, monkeypatch) -> None:
    """A worker that takes longer to start than the probe's whole time limit (as on a loaded machine):
    the probe's clock starts once the worker is ready, so the file is probed, not refused."""
    slow = tmp_path / "slow-python"
    slow.write_text(f'#!/bin/sh\nsleep 0.6\nexec {workers.sys.executable} "$@"\n')
    slow.chmod(0o755)
    monkeypatch.setattr(workers.sys, "executable", str(slow))
    probes = workers.Workers(1, 256)
    try:
        _, answer = _probe(FIXTURES / "mp4_h264_aac.mp4", probes, limit=0.2)
    finally:
        probes.close()
    assert isinstance(answer, dict) and answer["FormatName"] == "mov,mp4,m4a,3gp,3g2,mj2"


def test_a_worker_that_cannot_start_answers_throttling_saying_why(tmp_path: Path, monkeypatch) -> None:
    """A worker that dies before loading MediaInfo (a broken install): the probe is told why, as a
    retryable Throttling.User, never a blame on the file."""
    broken = tmp_path / "broken-python"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(workers.sys, "executable", str(broken))
    probes = workers.Workers(1, 256)
    try:
        _, answer = _probe(FIXTURES / "mp4_h264_aac.mp4", probes)
    finally:
        probes.close()
    assert isinstance(answer, ImmError) and answer.code == "Throttling.User"
    assert "ended before its MediaInfo library loaded" in answer.message
