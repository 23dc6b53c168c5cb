"""MediaInfo in worker processes, so a hostile file costs one killed worker, not the emulator.

MediaInfoLib can spend minutes of CPU inside one call (an ``stts`` claiming 4 billion entries) or
gigabytes of memory (an MPEG-TS using every PID); neither can be interrupted from Python in-process. So
each parse runs in a warm worker process under an address-space ceiling, and the caller kills it when
the probe's deadline passes. The bytes stay with the caller: the worker asks for each range MediaInfo
wants, and the caller reads it through its own bounded reader (byte budgets and caching unchanged).

A probe leases one worker for all its parses (``lease``); the lease is taken before the probe's clock
starts, so waiting for a busy pool, or for a new worker to start, is not charged to the file. This
module is also the worker's program (``python -m imm_emulator.imm.media.workers FD MEMORY``): it imports
nothing but the standard library and pymediainfo, so a worker starts in about 0.1 s.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import ctypes
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

WORKERS = 2  # at least two, so one hostile file leaves the other probes a worker
MEMORY_MB = 512  # address space per worker: MediaInfo over an 8 MiB budget needs < 100 MiB
GRACE = 0.25  # seconds after the deadline for MediaInfo to finalize what it read before the kill
LEASE_WAIT = 10.0  # seconds a probe waits for a free worker before answering Throttling
START_WAIT = 30.0  # seconds a new worker may take to load MediaInfo
RECYCLE_AFTER = 1000  # parses per worker, so heap fragmentation never meets the ceiling
READ_AHEAD = 1024 * 1024  # the most asked for at once while MediaInfo reads on sequentially
MAX_REPLY = 16 * 1024 * 1024  # report plus trace, in characters (the corpus: < 0.2 MiB)

_NO_SEEK = ctypes.c_uint64(-1).value
_FINISHED = 0x08
_BUFFER = 64 * 1024
SEND_WHOLE = 256 * 1024  # an object up to this size goes to the worker whole, with the job
JUMP_AFTER = 1024 * 1024  # bytes read from the start before skipping to the tail
TAIL = 1024 * 1024


class ByteReader(Protocol):
    """What MediaInfo is fed from: a seekable reader of bytes (a binary file, a BoundedReader)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...


class ProbeLimit(Exception):
    """A parse stopped by a limit: ``limit`` is "time", "memory" or "busy"; the message names it."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


def spawn(module: str, *args: str) -> tuple[subprocess.Popen, Connection]:
    """``python -m module FD *args``, FD one end of a socket pair; -> the process and the other end."""
    parent, child = socket.socketpair()
    with parent, child:
        process = subprocess.Popen(
            [sys.executable, "-m", module, str(child.fileno()), *args],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a C++ abort message is no news: the caller gets the error
        )
        return process, Connection(parent.detach())


def stop(process: subprocess.Popen, conn: Connection) -> None:
    """End a worker started by ``spawn``, whatever it is doing."""
    with contextlib.suppress(OSError):
        conn.close()
    if process.poll() is None:
        process.kill()
    process.wait()


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.process, self.conn = spawn(__name__, str(memory_mb))
        self.parses = 0
        # Ready once the library is loaded: a probe's time limit starts after the interpreter's start
        # (~0.1 s idle, a second on a loaded machine), which is no fault of the file probed.
        started = False
        try:
            started = self.conn.poll(START_WAIT)
            ready = started and self.conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            why = "ended before its MediaInfo library loaded" if started else f"took over {START_WAIT:g} s"
            raise ProbeLimit("busy", f"A probe worker could not start (it {why}); retry later.")

    def parse(
        self, reader: ByteReader, size: int, options: tuple[bool, bool, str], deadline: float
    ) -> tuple[str, str]:
        """(trace, report) of MediaInfo over ``reader``, serving the worker's reads until it answers."""
        self.parses += 1
        try:
            # MediaInfo starts with the first buffer: it goes with the job; a small object goes whole
            # (MediaInfo reads most of one, often its end first: each read asked for is a round trip)
            reader.seek(0)
            head = reader.read(size if size <= SEND_WHOLE else _BUFFER)
            self.conn.send((size, *options, deadline - time.monotonic(), head))
            while True:
                wait = deadline + GRACE - time.monotonic()
                if wait <= 0 or not self.conn.poll(wait):
                    raise ProbeLimit("time", "")
                message = self.conn.recv()
                if message[0] == "read":
                    reader.seek(message[1])
                    self.conn.send_bytes(reader.read(message[2]))
                elif message[0] == "done":
                    return message[1], message[2]
                elif message[0] == "memory":
                    raise ProbeLimit("memory", "")
                else:
                    raise RuntimeError(f"the MediaInfo worker failed: {message[1]}")
        except (EOFError, ConnectionError):  # the worker is gone: its ceiling (or SIGXCPU) ended it
            raise ProbeLimit("memory", "") from None

    def stop(self) -> None:
        stop(self.process, self.conn)


@dataclass(eq=False)
class _Ticket:
    """A lease waiting for a worker: handed an idle one, or told to start one."""

    account: str
    worker: _Worker | None = None
    spawn: bool = False


class Workers:
    """A pool of warm MediaInfo workers: started on demand, at most ``size`` of them, replaced when one is
    killed or has served ``RECYCLE_AFTER`` parses. Free workers go to waiting leases fairly: first to the
    account holding the fewest workers, then in arrival order; a lease never takes a worker past one that
    is waiting. So an account sending hostile files from many threads delays another account's probe by
    at most about one probe time limit, and never starves it."""

    def __init__(self, size: int = WORKERS, memory_mb: int = MEMORY_MB) -> None:
        if size < 1:
            raise ValueError("the probe pool needs at least one worker")
        if memory_mb < 64:
            raise ValueError("a probe worker needs at least 64 MiB of address space")
        self.size = size
        self.memory_mb = memory_mb
        self.killed = 0  # workers stopped by a limit, for diagnostics and tests
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._waiting: collections.deque[_Ticket] = collections.deque()
        self._holding: collections.Counter[str] = collections.Counter()  # leases per account
        self._started = 0
        self._closed = False

    @contextlib.contextmanager
    def lease(self, account: str = "") -> Iterator[None]:
        """Bind one worker to the calling context for every ``parse`` inside; nested leases reuse it.
        ``account``: whose probe this is, for fairness between accounts."""
        leased = _LEASED.get()
        if leased is not None and leased[0] is self:
            yield
            return
        slot: list[_Worker | None] = [self._take(account)]
        token = _LEASED.set((self, slot, account))
        try:
            yield
        finally:
            _LEASED.reset(token)
            self._give_back(slot[0], account)

    def parse(
        self, reader: ByteReader, size: int, *, trace: bool, deadline: float, jump: bool, parser: str
    ) -> tuple[str, str]:
        leased = _LEASED.get()
        if leased is None or leased[0] is not self:
            with self.lease():
                return self.parse(reader, size, trace=trace, deadline=deadline, jump=jump, parser=parser)
        _, slot, account = leased
        worker = slot[0]
        if worker is None:  # the lease's worker was killed by an earlier parse: take a fresh one
            worker = slot[0] = self._take(account, counted=True)
        try:
            return worker.parse(reader, size, (trace, jump, parser), deadline)
        except ProbeLimit as stopped:
            slot[0] = None
            self._discard(worker)
            raise ProbeLimit(stopped.limit, self._describe(stopped.limit)) from None
        except BaseException:
            slot[0] = None  # the conversation is out of step: never reuse this worker
            self._discard(worker)
            raise

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    def _describe(self, limit: str) -> str:
        if limit == "time":
            return "took longer than the probe time limit"
        return f"exceeded the probe memory limit of {self.memory_mb} MiB"

    def _take(self, account: str, *, counted: bool = False) -> _Worker:
        """A worker for ``account``'s lease (``counted``: the lease holds one already, now dead)."""
        ticket = _Ticket(account)
        with self._cond:
            self._waiting.append(ticket)
            self._dispatch()
            deadline = time.monotonic() + LEASE_WAIT
            while ticket.worker is None and not ticket.spawn:
                remaining = deadline - time.monotonic()
                if self._closed or remaining <= 0:
                    self._waiting.remove(ticket)
                    if self._closed:
                        raise RuntimeError("the probe workers are closed")
                    raise ProbeLimit(
                        "busy",
                        f"All {self.size} probe workers stayed busy for {LEASE_WAIT:g} s; retry later.",
                    )
                self._cond.wait(remaining)
            self._holding[account] += 0 if counted else 1
        if ticket.worker is not None:
            return ticket.worker
        try:
            return _Worker(self.memory_mb)
        except BaseException:
            with self._cond:
                self._started -= 1
                self._holding[account] -= 0 if counted else 1
                self._dispatch()
            raise

    def _dispatch(self) -> None:
        """(Holding the lock.) Hand free capacity to waiting leases: fewest workers held first."""
        while self._waiting and (self._idle or self._started < self.size):
            ticket = min(self._waiting, key=lambda waiting: self._holding[waiting.account])
            worker = self._idle.pop() if self._idle else None
            if worker is not None and worker.process.poll() is not None:  # killed from outside: no blame
                worker.stop()
                self._started -= 1
                continue
            self._waiting.remove(ticket)
            if worker is None:
                self._started += 1
                ticket.spawn = True
            else:
                ticket.worker = worker
        self._cond.notify_all()

    def _give_back(self, worker: _Worker | None, account: str) -> None:
        recycle = worker is not None and (
            self._closed or worker.parses >= RECYCLE_AFTER or worker.process.poll() is not None
        )
        with self._cond:
            self._holding[account] -= 1
            if self._holding[account] <= 0:
                del self._holding[account]
            if worker is not None and not recycle:
                self._idle.append(worker)
                self._dispatch()
        if worker is not None and recycle:
            self._discard(worker, killed=False)

    def _discard(self, worker: _Worker, *, killed: bool = True) -> None:
        worker.stop()
        with self._cond:
            self._started -= 1
            self.killed += killed
            self._dispatch()


_LEASED: contextvars.ContextVar[tuple[Workers, list[_Worker | None], str] | None] = contextvars.ContextVar(
    "imm_emulator_probe_lease", default=None
)
_DEFAULT: Workers | None = None
_DEFAULT_LOCK = threading.Lock()


def current() -> Workers:
    """The pool of the probe being run (its lease), else a process-wide pool for library use."""
    leased = _LEASED.get()
    if leased is not None:
        return leased[0]
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Workers()
        return _DEFAULT


# --- the worker's side ------------------------------------------------------------------------------
class _RemoteReader:
    """The caller's reader, seen from the worker. A round trip to the caller costs ~0.3 ms, so the first
    buffer (where MediaInfo always starts) comes with the job, and where MediaInfo reads on sequentially
    (MPEG-TS/PS, a long ``moov``) more is asked for at once; where it seeks, what it asked."""

    def __init__(self, conn: Connection, head: bytes, size: int) -> None:
        self._conn = conn
        self._offset, self._buffer = 0, head
        self._ended = len(head) < _BUFFER or len(head) >= size  # the caller has no more bytes than these
        self._position = 0
        self._run = 0  # bytes read in the current sequential run

    def read(self, size: int = -1, /) -> bytes:
        start = self._position - self._offset
        if (
            size < 0
            or start < 0
            or start > len(self._buffer)
            or (start + size > len(self._buffer) and not self._ended)
        ):
            # ramp up as a sequential run goes on (as the kernel's readahead does): at most as many
            # bytes ahead as were already read in the run, so a seek soon after wastes little
            self._run = self._run + len(self._buffer) if start == len(self._buffer) else 0
            wanted = max(size, min(self._run, READ_AHEAD)) if size > 0 else size
            self._conn.send(("read", self._position, wanted))
            self._offset, self._buffer = self._position, self._conn.recv_bytes()
            self._ended = wanted < 0 or len(self._buffer) < wanted
            start = 0
        data = self._buffer[start : start + size] if size >= 0 else self._buffer[start:]
        self._position += len(data)
        return data

    def seek(self, offset: int, whence: int = 0, /) -> int:
        assert whence == 0
        self._position = offset
        return offset

    def tell(self) -> int:
        return self._position


def _serve(conn: Connection, memory_mb: int) -> None:
    lib = _library()  # loaded before the ceiling applies
    import resource

    ceiling = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    conn.send(("ready",))
    while True:
        try:
            size, trace, jump, parser, remaining, head = conn.recv()
        except (EOFError, OSError):
            return
        _limit_cpu(remaining)
        try:
            trace_text, report = run(
                lib, _RemoteReader(conn, head, size), size, trace, time.monotonic() + remaining, jump, parser
            )
            # MediaInfo reports a General track for any bytes at all: no report means it caught an
            # allocation refused under the ceiling and gave up
            if not report or len(trace_text) + len(report) > MAX_REPLY:
                conn.send(("memory",))
                return
            conn.send(("done", trace_text, report))
        except MemoryError:
            conn.send(("memory",))
            return
        except (EOFError, OSError):
            return
        except Exception:
            conn.send(("error", traceback.format_exc()))
            return


def run(lib: Any, reader: ByteReader, size: int, trace: bool, deadline: float, jump: bool, parser: str):
    """MediaInfo's trace ('' unless asked) and OLDXML report from one pass over ``reader``."""
    handle = lib.MediaInfo_New()
    try:
        for option, value in (
            ("CharSet", "UTF-8"),
            ("Complete", "1"),
            ("ParseSpeed", "0"),
            ("Cover_Data", ""),
            ("Details", "1" if trace else "0"),
            ("Inform", "" if trace else "OLDXML"),
            ("File_ForceParser", parser),
        ):
            lib.MediaInfo_Option(handle, option, value)
        _feed(lib, handle, reader, size, deadline, jump)
        trace_text = lib.MediaInfo_Inform(handle, 0) if trace else ""
        if trace:
            lib.MediaInfo_Option(handle, "Details", "0")
            lib.MediaInfo_Option(handle, "Inform", "OLDXML")
        return trace_text, lib.MediaInfo_Inform(handle, 0)
    finally:
        lib.MediaInfo_Close(handle)
        lib.MediaInfo_Delete(handle)


def _feed(lib: Any, handle: Any, reader: ByteReader, size: int, deadline: float, jump: bool) -> None:
    """Feed MediaInfo, following its seeks. Where it keeps reading sequentially (MPEG-TS/PS: it would
    read most of the file), hand it the tail after the first MiB, as its own seek to the end would:
    it then times the streams from their last packets, reading 2 MiB instead of 70 % of the file."""
    reader.seek(0)
    lib.MediaInfo_Open_Buffer_Init(handle, size, 0)
    consumed, jumped = 0, not jump
    while time.monotonic() < deadline:
        chunk = reader.read(_BUFFER)
        if not chunk:
            break
        consumed += len(chunk)
        if lib.MediaInfo_Open_Buffer_Continue(handle, chunk, len(chunk)) & _FINISHED:
            break
        target = lib.MediaInfo_Open_Buffer_Continue_GoTo_Get(handle)
        if target != _NO_SEEK:
            reader.seek(target)
            lib.MediaInfo_Open_Buffer_Init(handle, size, reader.tell())
        elif not jumped and consumed >= JUMP_AFTER and reader.tell() < size - TAIL:
            jumped = True
            reader.seek(size - TAIL)
            lib.MediaInfo_Open_Buffer_Init(handle, size, reader.tell())
    lib.MediaInfo_Open_Buffer_Finalize(handle)


def _library() -> Any:
    """pymediainfo's loaded library with its prototypes declared (as ``MediaInfo._get_library`` does)."""
    from pymediainfo import MediaInfo

    lib, handle, _version, _parts = MediaInfo._get_library()
    lib.MediaInfo_Close(handle)
    lib.MediaInfo_Delete(handle)
    return lib


def _limit_cpu(remaining: float) -> None:
    """SIGXCPU ends this worker if a parse outlives its deadline by seconds of CPU: the caller kills it
    sooner, but a caller that died (the emulator SIGKILLed) cannot. (Not PR_SET_PDEATHSIG: that fires
    when the *thread* that started the worker ends, and request threads end all the time.)"""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = int(used.ru_utime + used.ru_stime + max(0.0, remaining) + GRACE) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, resource.RLIM_INFINITY))


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
