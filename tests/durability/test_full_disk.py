"""A full disk is the environment's failure, not a bug: 507 InsufficientStorage in the service's envelope
after the body was read, no traceback, DELETE still frees space, and nothing left half done. Also: a
client that goes away mid-upload, and what a crash leaves in --data-dir, swept at the next start.

Runs on a real small tmpfs (mounting needs root; skipped elsewhere)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import uuid
from pathlib import Path

import oss2
import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException

from imm_emulator import Emulator

pytestmark = pytest.mark.hostile


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MiB tmpfs, unmounted afterwards."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mountpoint)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def _fill(disk: Path) -> None:
    """Take every byte left (the emulator's own files stay as they are)."""
    with open(disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass


def _no_tracebacks(caplog) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


@pytest.fixture(params=["werkzeug", "waitress"])
def emu(request, small_disk: Path, caplog):
    caplog.set_level(logging.DEBUG)
    with Emulator(data_dir=str(small_disk / "data"), server=request.param) as emulator:
        emulator.client().create_project(m.CreateProjectRequest(project_name="p"))
        emulator.put_object("media", "keep.bin", b"k" * 1000)
        yield emulator
    _no_tracebacks(caplog)


def test_an_upload_that_does_not_fit_answers_507_after_reading_its_body(emu, small_disk) -> None:
    bucket = emu.oss2_bucket("media")
    stored = 0
    with pytest.raises(oss2.exceptions.OssError) as caught:
        for i in range(20):
            bucket.put_object(f"big{i}", os.urandom(700_000))  # the client reads the answer: no reset
            stored += 1
    error = caught.value
    assert (error.status, error.code) == (507, "InsufficientStorage")
    assert "DELETE works on a full disk" in error.message
    assert 0 < stored < 20
    assert not bucket.object_exists(f"big{stored}")  # nothing half stored
    assert sorted(p.name for p in (small_disk / "data" / "blobs").glob(".tmp-*")) == []
    listed = [o.key for o in oss2.ObjectIterator(bucket)]
    assert listed == sorted([f"big{i}" for i in range(stored)] + ["keep.bin"])


def test_delete_frees_space_on_a_full_disk_and_writes_work_again(emu, small_disk) -> None:
    bucket = emu.oss2_bucket("media")
    bucket.put_object("a.bin", os.urandom(300_000))
    _fill(small_disk)
    with pytest.raises(oss2.exceptions.OssError) as caught:
        bucket.put_object("b.bin", os.urandom(16 << 20))  # far more than socket buffers hold
    assert caught.value.status == 507  # not a reset: the server read the body before answering
    assert bucket.delete_object("a.bin").status == 204
    assert not bucket.object_exists("a.bin")
    assert bucket.get_object("keep.bin").read() == b"k" * 1000
    bucket.put_object("b.bin", b"small")  # space came back
    assert bucket.get_object("b.bin").read() == b"small"


def test_imm_writes_answer_507_and_imm_deletes_work_on_a_full_disk(emu, small_disk) -> None:
    client = emu.client()
    _fill(small_disk)
    with pytest.raises(ServerException) as caught:
        for i in range(200):  # the database has some free pages: fill those too
            client.create_project(m.CreateProjectRequest(project_name=f"p{i}-{'x' * 100}"))
    assert (caught.value.code, caught.value.status_code) == ("InsufficientStorage", 507)
    client.delete_project(m.DeleteProjectRequest(project_name="p"))
    with pytest.raises(ClientException) as gone:
        client.get_project(m.GetProjectRequest(project_name="p"))
    assert gone.value.code == "ResourceNotFound"


def test_a_client_that_disconnects_mid_upload_leaves_nothing_and_no_traceback(emu, small_disk) -> None:
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", emu.port)) as conn:
            conn.sendall(
                b"PUT /media/cut.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3000000\r\n"
                b"Authorization: OSS test-access-key-id:x\r\n\r\n" + b"x" * 200_000
            )
    bucket = emu.oss2_bucket("media")
    assert not bucket.object_exists("cut.bin")
    assert bucket.get_object("keep.bin").read() == b"k" * 1000


def test_a_delete_answers_what_happened_when_removing_its_bytes_fails(emu, small_disk, caplog) -> None:
    bucket = emu.oss2_bucket("media")
    bucket.put_object("stuck.bin", b"bytes")
    blobs = small_disk / "data" / "blobs"
    (blob,) = [p for p in blobs.glob("??/*") if p.read_bytes() == b"bytes"]
    blob.unlink()
    (blob / "inside").mkdir(parents=True)  # a non-empty folder in its place: unlink fails
    assert bucket.delete_object("stuck.bin").status == 204
    assert not bucket.object_exists("stuck.bin")
    assert any("could not remove object bytes" in r.getMessage() for r in caplog.records)


def test_the_next_start_sweeps_what_a_crash_left(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Emulator(data_dir=str(data)) as emu:
        emu.put_object("media", "kept.bin", b"kept")
        bucket = emu.oss2_bucket("media")
        bucket.init_multipart_upload("parts.bin")
        upload = bucket.init_multipart_upload("parts.bin").upload_id
        bucket.upload_part("parts.bin", upload, 1, b"part")
    blobs = data / "blobs"
    kept = {p.name for p in blobs.glob("??/*")}
    orphan = blobs / "ab" / uuid.uuid4().hex
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"orphan")
    temporary = blobs / ".tmp-crashed"
    temporary.write_bytes(b"half")
    with Emulator(data_dir=str(data)) as emu:
        assert not orphan.exists() and not temporary.exists()
        assert {p.name for p in blobs.glob("??/*")} == kept
        bucket = emu.oss2_bucket("media")
        assert bucket.get_object("kept.bin").read() == b"kept"
        parts = bucket.list_parts("parts.bin", upload).parts
        assert [p.size for p in parts] == [4]
