"""Where object bytes live: a store that need not survive the process keeps small blobs in memory
(within a budget), everything else goes to files; reads, hashes and deletes are the same either way."""

from __future__ import annotations

import hashlib

import pytest

from imm_emulator.state.blobs import BlobStore, crc64


def files(store: BlobStore) -> list[str]:
    return sorted(p.name for p in store.root.rglob("*") if p.is_file())


def roundtrip(store: BlobStore, chunks: list[bytes]) -> str:
    data = b"".join(chunks)
    blob = store.write(iter(chunks))
    assert (blob.size, blob.md5, blob.crc64) == (len(data), hashlib.md5(data).digest(), crc64(data))
    with store.open(blob.id) as reader:
        assert reader.read() == data
        reader.seek(1)
        assert reader.read(2) == data[1:3]
    return blob.id


def test_small_blobs_are_held_in_memory_until_deleted_or_cleared(tmp_path) -> None:
    store = BlobStore(tmp_path / "b")
    first = roundtrip(store, [b"abc", b"", b"def"])
    second = roundtrip(store, [b"x" * 1000])
    assert files(store) == []
    store.delete(first)
    with pytest.raises(FileNotFoundError):
        store.open(first)
    store.clear()
    with pytest.raises(FileNotFoundError):
        store.open(second)


def test_large_blobs_go_to_files_with_what_was_held_before_them(tmp_path) -> None:
    store = BlobStore(tmp_path / "b")
    small = b"s" * 1000
    blob_id = roundtrip(store, [small, b"L" * BlobStore.HELD_SIZE])
    assert files(store) == [blob_id]
    store.delete(blob_id)
    assert files(store) == []


def test_the_memory_budget_sends_further_blobs_to_files(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(BlobStore, "HELD_BUDGET", 2500)
    store = BlobStore(tmp_path / "b")
    held = [roundtrip(store, [b"a" * 1000]) for _ in range(2)]
    spilled = roundtrip(store, [b"a" * 1000])
    assert files(store) == [spilled]
    store.delete(held[0])  # its bytes count no more
    assert files(store) == [spilled] and roundtrip(store, [b"b" * 1000]) not in files(store)
    store.clear()
    assert files(store) == []


def test_a_durable_store_keeps_every_blob_in_a_file(tmp_path) -> None:
    store = BlobStore(tmp_path / "b", durable=True)
    blob_id = roundtrip(store, [b"abc"])
    assert files(store) == [blob_id]
    assert BlobStore(tmp_path / "b", durable=True).open(blob_id).read() == b"abc"
