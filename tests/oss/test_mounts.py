"""Mounted folders: served as buckets, and no key reaches outside them (one test per trick)."""

from __future__ import annotations

import http.client
import os
from pathlib import Path

import oss2
import pytest

from imm_emulator import Emulator

SECRET = b"top secret outside the mount"


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    media = tmp_path / "media"
    (media / "videos").mkdir(parents=True)
    (media / "videos" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 fake clip")
    (media / "readme.txt").write_text("hello")
    (media / "link-out.txt").symlink_to(outside / "secret.txt")
    (media / "dir-out").symlink_to(outside, target_is_directory=True)
    (media / "link-in.txt").symlink_to(media / "readme.txt")
    writable = tmp_path / "writable"
    writable.mkdir()
    (writable / "dir-out").symlink_to(outside, target_is_directory=True)
    (writable / "link-out.txt").symlink_to(outside / "secret.txt")
    return {"outside": outside, "media": media, "writable": writable, "root": tmp_path}


@pytest.fixture
def emu(tree, backend):
    mounts = [f"media={tree['media']}", f"scratch={tree['writable']}:rw"]
    with Emulator(auth="off", mounts=mounts, **backend) as e:
        yield e


def raw(emu: Emulator, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    """Send the path byte for byte: no client normalises dot segments or re-encodes it."""
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)
    conn.putheader("Content-Length", str(len(body or b"")))
    conn.endheaders(body or b"")
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def test_mounted_folder_is_a_bucket(emu: Emulator, tree) -> None:
    bucket = emu.oss2_bucket("media", "any-key", "any-secret")
    assert bucket.get_object("videos/clip.mp4").read().endswith(b"fake clip")
    head = bucket.head_object("readme.txt")
    assert head.content_length == 5 and head.etag == "5D41402ABC4B2A76B9719D911017C592"
    assert head.headers["x-oss-hash-crc64ecma"]
    keys = [o.key for o in oss2.ObjectIteratorV2(bucket)]
    assert keys == ["link-in.txt", "readme.txt", "videos/clip.mp4"]  # escaping links are not listed
    assert [o.key for o in oss2.ObjectIterator(bucket, delimiter="/")] == [
        "link-in.txt",
        "readme.txt",
        "videos/",
    ]
    assert bucket.get_object("link-in.txt").read() == b"hello"


def test_read_only_mount_refuses_writes(emu: Emulator, tree) -> None:
    before = snapshot(tree["media"])
    bucket = emu.oss2_bucket("media", "k", "s")
    for call in (
        lambda: bucket.put_object("new.txt", b"x"),
        lambda: bucket.delete_object("readme.txt"),
        lambda: bucket.init_multipart_upload("big.bin"),
    ):
        with pytest.raises(oss2.exceptions.AccessDenied):
            call()
    assert snapshot(tree["media"]) == before


def test_writable_mount_round_trips_with_metadata(emu: Emulator, tree) -> None:
    bucket = emu.oss2_bucket("scratch", "k", "s")
    bucket.put_object(
        "out/result.json", b"{}", headers={"x-oss-meta-run": "7", "Content-Type": "application/json"}
    )
    assert (tree["writable"] / "out" / "result.json").read_bytes() == b"{}"
    got = bucket.get_object("out/result.json")
    assert got.headers["x-oss-meta-run"] == "7" and got.content_type == "application/json"
    (tree["writable"] / "out" / "result.json").write_bytes(b"changed underneath")
    assert "x-oss-meta-run" not in bucket.head_object("out/result.json").headers
    data = os.urandom(250 * 1024)
    src = tree["root"] / "big.bin"
    src.write_bytes(data)
    oss2.resumable_upload(bucket, "big.bin", str(src), multipart_threshold=100 * 1024, part_size=100 * 1024)
    assert (tree["writable"] / "big.bin").read_bytes() == data
    bucket.delete_object("big.bin")
    assert not (tree["writable"] / "big.bin").exists()
    (tree["writable"] / "target.txt").write_text("kept")
    (tree["writable"] / "alias.txt").symlink_to(tree["writable"] / "target.txt")
    assert bucket.get_object("alias.txt").read() == b"kept"
    bucket.delete_object("alias.txt")
    assert not (tree["writable"] / "alias.txt").is_symlink()
    assert (tree["writable"] / "target.txt").read_text() == "kept"  # the link went, not its target


ESCAPES = [
    "/media/../outside/secret.txt", "/media/videos/../../outside/secret.txt",
    "/media/%2E%2E/outside/secret.txt", "/media/%2e%2e%2foutside%2fsecret.txt",
    "/media/..%2F..%2Foutside%2Fsecret.txt", "/media/..%5Coutside%5Csecret.txt", "/media//etc/passwd",
    "/media/%2Fetc%2Fpasswd", "/media/link-out.txt", "/media/dir-out/secret.txt",
    "/media/videos/%00/../../outside/secret.txt", "/media/./../outside/secret.txt",
]  # fmt: skip


@pytest.mark.parametrize("path", ESCAPES)
def test_reads_never_leave_the_mount(emu: Emulator, path: str) -> None:
    for method in ("GET", "HEAD"):
        status, body = raw(emu, method, path)
        assert status in (400, 403, 404), (method, path, status)
        assert SECRET not in body and b"root:" not in body


@pytest.mark.parametrize(
    "path", [p.replace("/media/", "/scratch/") for p in ESCAPES] + ["/scratch/dir-out/new.txt"]
)
def test_writes_never_leave_the_mount(emu: Emulator, tree, path: str) -> None:
    before = snapshot(tree["root"])
    for method, body in (("PUT", b"overwritten"), ("DELETE", None), ("POST", None)):
        status, _ = raw(emu, method, path + ("?uploads" if method == "POST" else ""), body)
        assert status in (400, 403, 404), (method, path, status)
    assert snapshot(tree["root"]) == before
    assert (tree["outside"] / "secret.txt").read_bytes() == SECRET
    assert sorted(p.name for p in tree["outside"].iterdir()) == ["secret.txt"]


def test_copy_cannot_read_or_write_outside(emu: Emulator, tree) -> None:
    bucket = emu.oss2_bucket("scratch", "k", "s")
    before = snapshot(tree["root"])
    with pytest.raises(oss2.exceptions.OssError):
        bucket.copy_object("media", "link-out.txt", "stolen.txt")
    with pytest.raises(oss2.exceptions.OssError):
        bucket.copy_object("media", "readme.txt", "dir-out/planted.txt")
    assert snapshot(tree["root"]) == before


def test_mount_flags_and_env(tmp_path: Path) -> None:
    from imm_emulator.config import EmulatorConfig

    config = EmulatorConfig.from_env({"IMM_EMULATOR_MOUNTS": f"aaa={tmp_path}:rw, bbb={tmp_path}"})
    assert [(m.bucket, m.writable) for m in config.mounts] == [("aaa", True), ("bbb", False)]
    with pytest.raises(ValueError):
        EmulatorConfig(mounts=[f"xxx={tmp_path / 'missing'}"])
    with pytest.raises(ValueError):
        EmulatorConfig(mounts=["no-equals-sign"])
    for name in ("rw", "Media", "-media", "my_media"):  # names OSS clients refuse to address
        with pytest.raises(ValueError, match="not a valid OSS bucket name"):
            EmulatorConfig(mounts=[f"{name}={tmp_path}"])


def test_fifos_and_devices_in_a_mount_are_not_objects(tmp_path: Path, backend) -> None:
    """A FIFO would block every listing that hashed it, and a device never ends: only regular files
    are objects, and a listing, HEAD and GET over such a folder answer at once."""
    folder = tmp_path / "with-fifo"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    os.mkfifo(folder / "pipe")
    (folder / "zero").symlink_to("/dev/zero")  # outside the mount anyway, and a device
    with Emulator(auth="off", mounts=[f"fifo={folder}"], **backend) as emu:
        bucket = emu.oss2_bucket("fifo", "any-key", "any-secret")
        assert [o.key for o in oss2.ObjectIteratorV2(bucket)] == ["a.txt"]
        status, _ = raw(emu, "GET", "/fifo/pipe")
        assert status == 404
        status, _ = raw(emu, "HEAD", "/fifo/pipe")
        assert status == 404


@pytest.mark.parametrize("key", ["videos//clip.mp4", "a//b.txt", ".imm-emulator-x", "videos/.imm-emulator-y"])
def test_keys_a_folder_cannot_hold_faithfully_are_refused(emu: Emulator, tree, key: str) -> None:
    """``a//b`` would be the file ``a/b`` (two keys, one object); ``.imm-emulator-*`` are uploads in
    progress, hidden from listings. Neither is an object of a mounted folder, for reads or writes."""
    before = snapshot(tree["root"])
    for bucket in ("media", "scratch"):
        for method, body in (("GET", None), ("HEAD", None), ("PUT", b"data"), ("DELETE", None)):
            status, answer = raw(emu, method, f"/{bucket}/{key}", body)
            if bucket == "media" and method in ("PUT", "DELETE"):  # read-only: refused before the name
                assert status == 403, (bucket, method, key, status)
                continue
            assert status == 400, (bucket, method, key, status)
            assert method == "HEAD" or b"<Code>InvalidObjectName</Code>" in answer
    assert snapshot(tree["root"]) == before
    folder = [o.key for o in oss2.ObjectIterator(emu.oss2_bucket("media", "k", "s"))]
    assert "videos/clip.mp4" in folder and not [k for k in folder if "//" in k]
