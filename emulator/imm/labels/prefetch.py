"""Frame analysis started early, in another process.

When a label task is created that will wait for its client to poll, its video's frames are analysed in a
worker process on the other core, while the emulator probes the video and the client polls, so the
GetTask that ends the task finds them ready instead of decoding them then (with a new video per test,
about a fifth of the test's time). The probe has not answered yet, so the worker analyses with the
duration and rotation PyAV reads (``frames.analyse_as_probed``); its facts are used only when those are
what the probe states, and then they equal the in-process ones (the same code over the same bytes with
the same arguments). Whenever the worker has no such answer (busy, not started yet, crashed, too slow,
another duration), the labeler analyses in-process as before. Labels never depend on timing.

One worker serves every emulator of the process (a job is a pure function of bytes); it starts in the
background at the first job, which it skips, and ends with the process. This module is also the
worker's program (``python -m imm_emulator.imm.labels.prefetch FD``).
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from ..media.workers import spawn, stop
from . import frames

if TYPE_CHECKING:
    from ..media.source import MediaSource

log = logging.getLogger("imm_emulator")

MAX_BYTES = 4 << 20  # larger videos are analysed in-process when their task ends (no copy to a pipe)
START_WAIT = 30.0  # seconds the worker may take to import PyAV
JOB_WAIT = 10.0  # seconds a job may take before its worker is killed (the labeler then analyses itself)
KEEP = 32  # jobs kept for tasks that have not ended yet (the oldest go first)


@dataclass(eq=False)
class _Job:
    done: threading.Event = field(default_factory=threading.Event)
    args: tuple[int, int] | None = None  # the duration_ms and rotate the worker analysed with
    facts: frames.FrameFacts | None = None


class _Worker:
    def __init__(self) -> None:
        self.process, self.conn = spawn(__name__)
        try:
            ready = self.conn.poll(START_WAIT) and self.conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise OSError("the frame analysis worker did not start")

    def analyse(self, data: bytes) -> tuple[tuple[int, int] | None, frames.FrameFacts | None]:
        self.conn.send(data)
        if not self.conn.poll(JOB_WAIT):
            raise TimeoutError(f"frame analysis took longer than {JOB_WAIT:g} s")
        return self.conn.recv()

    def stop(self) -> None:
        stop(self.process, self.conn)


class FramePrefetch:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._forget()

    def _forget(self) -> None:
        self._pid = os.getpid()
        self._jobs: OrderedDict[Hashable, _Job] = OrderedDict()
        self._worker: _Worker | None = None
        self._state = "idle"  # "starting", "ready", "busy", "broken" (PyAV missing, no process)

    def _owned(self) -> None:
        """In a process forked from the one that started the worker: its worker (and its jobs) are the
        parent's, never to be used or stopped from here."""
        if self._pid != os.getpid():
            self._lock = threading.Lock()
            self._forget()

    def start(self, key: Hashable | None, source: MediaSource) -> bool:
        """Analyse ``source``'s frames in the worker, if it is ready and free; -> whether it was."""
        self._owned()
        if key is None or source.size > MAX_BYTES:
            return False
        job = None
        with self._lock:
            state = self._state
            if state == "idle":
                self._state = "starting"
            elif state == "ready" and key not in self._jobs:
                self._state = "busy"
                job = self._jobs[key] = _Job()
                while len(self._jobs) > KEEP:
                    self._jobs.popitem(last=False)
        if state == "idle":
            threading.Thread(target=self._start_worker, name="imm-emulator-frames", daemon=True).start()
        if job is None:
            return False
        try:
            with source.open() as reader:
                data = reader.read(MAX_BYTES + 1)
            if 0 < len(data) <= MAX_BYTES:
                run = threading.Thread(target=self._run, args=(job, data), name="imm-emulator-frames")
                run.daemon = True
                run.start()
                return True
        except BaseException:  # the object went away, say: the worker stays free for the next job
            self._finish(job)
            raise
        self._finish(job)
        return False

    @property
    def ready(self) -> bool:
        """Whether the worker is up (and takes a job if it is free)."""
        return self._state in ("ready", "busy")

    def analyser(self, key: Hashable | None) -> frames.Analyse:
        """``frames.analyse``, answered by the job started for ``key`` when it analysed with the same
        duration and rotation."""

        def analyse(source: MediaSource, duration_ms: int, rotate: int = 0) -> frames.FrameFacts | None:
            self._owned()
            with self._lock:
                job = self._jobs.pop(key, None) if key is not None else None
            if job is not None and job.done.wait(JOB_WAIT + 1) and job.args == (duration_ms, rotate):
                return job.facts
            return frames.analyse(source, duration_ms, rotate)

        return analyse

    def close(self) -> None:
        self._owned()
        with self._lock:
            worker, self._worker, self._state = self._worker, None, "broken"
        if worker is not None:
            worker.stop()

    def _start_worker(self) -> None:
        worker = None
        try:
            if frames.available():
                worker = _Worker()
        except OSError as exc:
            log.debug("no frame analysis worker: %s", exc)
        with self._lock:
            if self._state == "starting":
                self._worker, self._state = worker, "ready" if worker else "broken"
                return
        if worker is not None:  # closed meanwhile
            worker.stop()

    def _run(self, job: _Job, data: bytes) -> None:
        worker = self._worker
        try:
            if worker is not None:
                job.args, job.facts = worker.analyse(data)
        except Exception as exc:  # noqa: BLE001 - it crashed, hung or answered garbage: replace it
            log.debug("frame analysis worker stopped: %s", exc)
            with self._lock:
                if self._worker is worker:
                    self._worker, self._state = None, "idle"
            if worker is not None:
                worker.stop()
        finally:
            self._finish(job)

    def _finish(self, job: _Job) -> None:
        job.done.set()
        with self._lock:
            if self._state == "busy":
                self._state = "ready"


_SHARED = FramePrefetch()
atexit.register(_SHARED.close)


def shared() -> FramePrefetch:
    return _SHARED


class _Bytes:
    """The job's bytes, as frames.analyse reads a MediaSource."""

    uri = "prefetch://"

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.data)


def _serve(conn: Connection) -> None:
    frames.available()  # PyAV imported before the first job
    conn.send(("ready",))
    while True:
        try:
            data = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(frames.analyse_as_probed(_Bytes(data)))  # type: ignore[arg-type]


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))
