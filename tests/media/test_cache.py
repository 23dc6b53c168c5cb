"""The answer cache: a repeated probe of the same object version is a lookup, never a stale answer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imm_emulator.errors import ImmError
from imm_emulator.imm.media import probe
from imm_emulator.imm.media.cache import ANSWERS, AnswerCache
from imm_emulator.imm.media.source import FileSource
from tests.media.golden import FIXTURES


class _Versioned(FileSource):
    """A local file that names its bytes by a given identity, as OSS sources do."""

    def __init__(self, path: Path, identity: object) -> None:
        super().__init__(path)
        self.identity = identity
        self.opened = 0

    def open(self):  # noqa: ANN201
        self.opened += 1
        return super().open()


@pytest.fixture(autouse=True)
def _fresh_cache():
    ANSWERS.clear()
    yield
    ANSWERS.clear()


def test_same_identity_is_probed_once_and_answers_are_copies() -> None:
    source = _Versioned(FIXTURES / "mp4_h264_aac.mp4", ("test", 1))
    first = probe.detect_media_meta(source)
    opened = source.opened
    first["VideoStreams"][0]["Width"] = -1
    second = probe.detect_media_meta(source)
    assert source.opened == opened  # not read again
    assert second["VideoStreams"][0]["Width"] == 640
    second["AudioStreams"].clear()
    assert probe.detect_media_meta(source)["AudioStreams"]
    assert ANSWERS.hits == 2


def test_another_identity_is_probed_again(tmp_path: Path) -> None:
    path = tmp_path / "media"
    path.write_bytes((FIXTURES / "audio.ogg").read_bytes())
    assert probe.detect_media_meta(_Versioned(path, ("test", "v1")))["FormatName"] == "ogg"
    path.write_bytes((FIXTURES / "pcm_u8.wav").read_bytes())
    assert probe.detect_media_meta(_Versioned(path, ("test", "v2")))["FormatName"] == "wav"


def test_file_sources_are_never_cached(tmp_path: Path) -> None:
    path = tmp_path / "media"
    path.write_bytes((FIXTURES / "audio.ogg").read_bytes())
    assert probe.detect_media_meta(FileSource(path))["FormatName"] == "ogg"
    path.write_bytes((FIXTURES / "pcm_u8.wav").read_bytes())  # same name, maybe the same mtime
    assert probe.detect_media_meta(FileSource(path))["FormatName"] == "wav"
    assert len(ANSWERS) == 0


def test_errors_and_playlists_are_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "text.mp4"
    path.write_bytes(b"not media at all\n" * 100)
    source = _Versioned(path, ("test", "text"))
    for _ in range(2):
        with pytest.raises(ImmError):
            probe.detect_media_meta(source)
    playlist = _Versioned(FIXTURES / "hls" / "playlist.m3u8", ("test", "hls"))
    probe.detect_media_meta(playlist)
    assert len(ANSWERS) == 0


def test_answers_cut_short_by_the_deadline_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    real = probe.analyse

    def slow(*args, **kwargs):  # noqa: ANN202
        analysis = real(*args, **kwargs)
        time.sleep(0.3)
        return analysis

    monkeypatch.setattr(probe, "analyse", slow)
    source = _Versioned(FIXTURES / "pcm_u8.wav", ("test", "slow"))
    probe.detect_media_meta(source, time_limit=0.2)
    assert len(ANSWERS) == 0


def test_the_cache_is_bounded_and_can_be_switched_off() -> None:
    cache = AnswerCache(size=2)
    for key in "abc":
        cache.put(key, {"Key": key})
    assert cache.get("a") is None and cache.get("c") == {"Key": "c"} and len(cache) == 2
    cache.enabled = False
    assert cache.get("c") is None


def test_oss_objects_overwritten_or_rewritten_answer_afresh(tmp_path: Path) -> None:
    from imm_emulator import Emulator
    from imm_emulator.oss.source import open_uri

    (tmp_path / "clip").write_bytes((FIXTURES / "audio.ogg").read_bytes())
    with Emulator(mounts=[f"mounted={tmp_path}"]) as emu:
        oss, account = emu.runtime.oss, emu.account()
        for uri in ("oss://media/clip", "oss://mounted/clip"):
            if uri.startswith("oss://media"):
                emu.put_object("media", "clip", FIXTURES / "audio.ogg")
            assert probe.detect_media_meta(open_uri(oss, account, uri))["FormatName"] == "ogg"
            assert probe.detect_media_meta(open_uri(oss, account, uri))["FormatName"] == "ogg"
            if uri.startswith("oss://media"):
                emu.put_object("media", "clip", FIXTURES / "pcm_u8.wav")
            else:
                (tmp_path / "clip").write_bytes((FIXTURES / "pcm_u8.wav").read_bytes())
            assert probe.detect_media_meta(open_uri(oss, account, uri))["FormatName"] == "wav"
        assert ANSWERS.hits == 2


def test_compute_makes_an_answer_once_for_threads_asking_together() -> None:
    """Concurrent GetTasks ending tasks on the same bytes: one derivation, every caller the same answer;
    a maker that raises leaves the work to the next caller."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    cache = AnswerCache()
    made = []
    gate = threading.Event()

    def make() -> dict:
        made.append(1)
        gate.wait(5)
        return {"Labels": [{"LabelName": "cat"}]}

    with ThreadPoolExecutor(6) as threads:
        answers = [threads.submit(cache.compute, "bytes", make) for _ in range(6)]
        time.sleep(0.2)  # every thread is asking by now
        gate.set()
        results = [answer.result(5) for answer in answers]
    assert len(made) == 1 and all(result == {"Labels": [{"LabelName": "cat"}]} for result in results)
    results[0]["Labels"].clear()  # a caller's copy is its own
    assert cache.compute("bytes", make) == {"Labels": [{"LabelName": "cat"}]} and len(made) == 1

    def fail() -> dict:
        raise RuntimeError("decoder crashed")

    with pytest.raises(RuntimeError):
        cache.compute("other", fail)
    assert cache.compute("other", lambda: {"Labels": []}) == {"Labels": []}
    assert cache.compute(None, lambda: {"n": 1}) == {"n": 1} and cache.compute(None, lambda: {"n": 2}) == {
        "n": 2
    }
