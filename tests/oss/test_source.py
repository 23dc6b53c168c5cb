"""How IMM opens oss:// URIs: the object's own bytes, ranged, and IMM errors for bad ones."""

from __future__ import annotations

import pytest

from imm_emulator import Emulator
from imm_emulator.errors import ImmError
from imm_emulator.oss.source import open_uri


def test_open_uri_reads_ranges_without_copying(tmp_path, backend) -> None:
    with Emulator(**backend) as emu:
        data = bytes(range(256)) * 4096
        uri = emu.put_object("media", "videos/clip.mp4", data)
        source = open_uri(emu.runtime.oss, emu.account(), uri)
        assert (source.uri, source.size) == ("oss://media/videos/clip.mp4", len(data))
        with source.open() as reader:
            reader.seek(1000)
            assert reader.read(10) == data[1000:1010]
            reader.seek(-5, 2)
            assert reader.read() == data[-5:]


def test_siblings_for_playlists(tmp_path, backend) -> None:
    (tmp_path / "hls").mkdir()
    (tmp_path / "hls" / "seg0.ts").write_bytes(b"segment")
    (tmp_path / "other.ts").write_bytes(b"elsewhere")
    with Emulator(mounts=[f"mounted={tmp_path}"], **backend) as emu:
        emu.put_object("stored", "hls/index.m3u8", b"#EXTM3U")
        emu.put_object("stored", "hls/seg1.ts", b"seg1")
        stored = open_uri(emu.runtime.oss, emu.account(), "oss://stored/hls/index.m3u8")
        assert stored.sibling("seg1.ts").uri == "oss://stored/hls/seg1.ts"
        assert stored.sibling("seg1.ts?token=x").size == 4
        assert stored.sibling("missing.ts") is None
        assert stored.sibling("../../escape.ts") is None
        assert stored.sibling("https://cdn.example.com/seg.ts") is None
        assert stored.sibling("oss://mounted/hls/seg0.ts").size == 7
        mounted = open_uri(emu.runtime.oss, emu.account(), "oss://mounted/hls/seg0.ts")
        assert mounted.sibling("../other.ts").uri == "oss://mounted/other.ts"


@pytest.mark.parametrize(
    ("uri", "code", "words"),
    [
        ("", "InvalidArgument", "SourceURI"),
        ("https://bucket/key.mp4", "InvalidArgument", "oss://<bucket>/<object>"),
        ("oss://bucket-only", "InvalidArgument", "oss://<bucket>/<object>"),
        ("oss://no-such-bucket/a.mp4", "ResourceNotFound", "bucket"),
        ("oss://media/missing.mp4", "ResourceNotFound", "object"),
        ("oss://media//abs.mp4", "InvalidArgument", "SourceURI"),
    ],
)
def test_bad_uris_are_imm_errors(uri: str, code: str, words: str, backend) -> None:
    with Emulator(**backend) as emu:
        emu.put_object("media", "clip.mp4", b"x")
        with pytest.raises(ImmError) as caught:
            open_uri(emu.runtime.oss, emu.account(), uri)
        assert caught.value.code == code and words in caught.value.message


def test_identity_names_the_bytes(tmp_path, backend) -> None:
    """The answer caches key on ``identity``: a new version of an object is a new identity; the same bytes
    under another key are the same one (content, not upload)."""
    (tmp_path / "clip.mp4").write_bytes(b"first")
    with Emulator(mounts=[f"mounted={tmp_path}:rw"], **backend) as emu:
        account = emu.account()
        emu.put_object("media", "clip.mp4", b"first")
        stored = open_uri(emu.runtime.oss, account, "oss://media/clip.mp4").identity
        assert open_uri(emu.runtime.oss, account, "oss://media/clip.mp4").identity == stored
        emu.put_object("media", "clip.mp4", b"other")  # same size, new blob
        assert open_uri(emu.runtime.oss, account, "oss://media/clip.mp4").identity != stored
        emu.put_object("media", "copy.mp4", b"first")
        assert open_uri(emu.runtime.oss, account, "oss://media/copy.mp4").identity == stored

        mounted = open_uri(emu.runtime.oss, account, "oss://mounted/clip.mp4").identity
        assert open_uri(emu.runtime.oss, account, "oss://mounted/clip.mp4").identity == mounted
        emu.put_object("mounted", "clip.mp4", b"other")  # written by a rename: a new inode
        assert open_uri(emu.runtime.oss, account, "oss://mounted/clip.mp4").identity != mounted
