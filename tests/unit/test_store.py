from __future__ import annotations

import threading

import pytest

from imm_emulator.state import MemoryStore, NonceCache, SqliteStore


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request, tmp_path):
    """Every Store test runs on every backend."""
    if request.param == "memory":
        return MemoryStore
    return lambda: SqliteStore(tmp_path / f"state-{len(list(tmp_path.iterdir()))}.sqlite3")


def test_both_backends_keep_a_document_the_same_way(make_store) -> None:
    """One serialization: what comes back, and what is refused, does not depend on --data-dir."""
    store = make_store()
    store.put("k", "acct", "x", {"pair": (1, 2), 3: "three", "text": "\u00e9\U0001f600"})
    assert store.get("k", "acct", "x") == {"pair": [1, 2], "3": "three", "text": "\u00e9\U0001f600"}
    with pytest.raises(TypeError):
        store.put("k", "acct", "y", {"set": {1}})
    assert store.get("k", "acct", "y") is None


def test_crud_and_copies(make_store) -> None:
    store = make_store()
    doc = {"a": [1]}
    assert store.create("k", "acct", "x", doc)
    assert not store.create("k", "acct", "x", {"b": 1})
    doc["a"].append(2)
    got = store.get("k", "acct", "x")
    assert got == {"a": [1]}
    got["a"].append(3)
    assert store.get("k", "acct", "x") == {"a": [1]}
    assert store.update("k", "acct", "x", lambda d: {**d, "n": 1}) == {"a": [1], "n": 1}
    assert store.update("k", "acct", "missing", lambda d: d) is None
    assert store.get("k", "other", "x") is None
    assert store.delete("k", "acct", "x") and not store.delete("k", "acct", "x")


def test_scan_order_prefix_start_limit(make_store) -> None:
    store = make_store()
    for key in ["b2", "a1", "b1", "c1", "b3"]:
        store.put("k", "acct", key, {"key": key})
    assert [k for k, _ in store.scan("k", "acct")] == ["a1", "b1", "b2", "b3", "c1"]
    assert [k for k, _ in store.scan("k", "acct", prefix="b")] == ["b1", "b2", "b3"]
    assert [k for k, _ in store.scan("k", "acct", prefix="b", start="b2", limit=1)] == ["b2"]
    assert store.scan("k", "acct", prefix="a", start="b") == []
    assert store.count("k", "acct") == 5


def test_reset_one_account(make_store) -> None:
    store = make_store()
    store.put("k", "a", "x", {})
    store.put("k", "b", "x", {})
    store.reset("a")
    assert store.get("k", "a", "x") is None and store.get("k", "b", "x") == {}
    store.reset()
    assert store.get("k", "b", "x") is None


def test_concurrent_creates_have_one_winner(make_store) -> None:
    store = make_store()
    wins = []
    barrier = threading.Barrier(8)

    def worker(i: int) -> None:
        barrier.wait()
        if store.create("k", "acct", "same", {"i": i}):
            wins.append(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1


def test_nonce_cache_window() -> None:
    cache = NonceCache(window_seconds=900)
    assert cache.remember("ak", "n1", now=1000)
    assert not cache.remember("ak", "n1", now=1500)
    assert cache.remember("other", "n1", now=1500)
    assert cache.remember("ak", "n1", now=1000 + 901)
    cache.remember("ak", "n2", now=1000)
    cache.remember("ak", "n3", now=5000)
    assert len(cache) == 1  # everything older than the window is forgotten


def test_a_nonce_is_kept_until_its_request_timestamp_leaves_the_window() -> None:
    cache = NonceCache(window_seconds=900)
    assert cache.remember("ak", "ahead", now=1000, signed_at=1000 + 880)  # signed 880 s ahead: first use
    # 1 700 s later its timestamp is still within 900 s of the clock: a replay must still be refused
    assert not cache.remember("ak", "ahead", now=2700, signed_at=1880)
    assert cache.remember("ak", "ahead", now=1880 + 901, signed_at=1880)  # its timestamp has expired too


def test_nonces_survive_a_restart_and_expired_ones_are_dropped(tmp_path) -> None:
    path = tmp_path / "nonces.sqlite3"
    cache = NonceCache(900, path, now=1000)
    assert cache.remember("ak", "n1", now=1000, signed_at=1000)
    assert cache.remember("ak", "n2", now=1000, signed_at=500)
    cache.close()
    reopened = NonceCache(900, path, now=1500)
    assert not reopened.remember("ak", "n1", now=1500, signed_at=1000)
    assert len(reopened) == 1  # n2 expired at 1400
    reopened.reset()
    reopened.close()
    assert len(NonceCache(900, path, now=1500)) == 0


def test_reverse_scan_and_accounts(make_store) -> None:
    store = make_store()
    for key in ["a1", "b1", "b2", "b3", "c1"]:
        store.put("k", "acct", key, {})
    assert [k for k, _ in store.scan("k", "acct", reverse=True)] == ["c1", "b3", "b2", "b1", "a1"]
    assert [k for k, _ in store.scan("k", "acct", prefix="b", reverse=True)] == ["b3", "b2", "b1"]
    assert [k for k, _ in store.scan("k", "acct", prefix="b", start="b3", reverse=True, limit=1)] == ["b2"]
    assert store.scan("k", "acct", prefix="b", start="b1", reverse=True) == []
    store.put("k", "other", "x", {})
    store.put("j", "third", "x", {})
    assert store.accounts("k") == ["acct", "other"]
    store.delete("k", "other", "x")
    assert store.accounts("k") == ["acct"]


def test_sqlite_keeps_documents_across_reopen_and_refuses_newer_schemas(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    store.put("k", "acct", "x", {"n": 1, "text": "视频", "big": 90000000000000000})
    store.close()
    again = SqliteStore(path)
    assert again.get("k", "acct", "x") == {"n": 1, "text": "视频", "big": 90000000000000000}
    again.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="schema version 99"):
        SqliteStore(path)


def test_transactions_are_isolated_and_nest(make_store) -> None:
    store = make_store()
    seen: list[int] = []
    inside = threading.Event()

    def reader() -> None:
        inside.wait()
        seen.append(store.count("k", "acct"))  # blocks until the transaction ends

    thread = threading.Thread(target=reader)
    thread.start()
    with store.transaction():
        store.put("k", "acct", "a", {})
        with store.transaction():
            store.put("k", "acct", "b", {})
        inside.set()
        thread.join(timeout=0.2)
        assert thread.is_alive(), "another thread read inside the transaction"
        store.put("k", "acct", "c", {})
    thread.join()
    assert seen == [3]


def test_sqlite_transaction_rolls_back_on_error_and_survives_reopen(tmp_path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    store.put("k", "acct", "kept", {})
    with pytest.raises(RuntimeError), store.transaction():
        store.put("k", "acct", "a", {})
        store.update("k", "acct", "kept", lambda doc: {"changed": True})
        with store.transaction():
            store.delete("k", "acct", "kept")
        raise RuntimeError("crash")
    with store.transaction():
        store.put("k", "acct", "b", {})
    store.close()
    reopened = SqliteStore(path)
    assert reopened.scan("k", "acct") == [("b", {}), ("kept", {})]


def test_clear_one_kind_of_one_account(make_store) -> None:
    store = make_store()
    for kind, account in [("k", "a"), ("k", "b"), ("other", "a")]:
        store.put(kind, account, "x", {})
        store.put(kind, account, "y", {})
    store.clear("k", "a")
    assert store.count("k", "a") == 0
    assert store.count("k", "b") == store.count("other", "a") == 2
