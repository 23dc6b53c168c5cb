"""Run MediaInfoLib (bundled with pymediainfo) over a reader, optionally with its ``Details=1`` trace.

pymediainfo's own ``MediaInfo.parse`` cannot return the normal report and the trace from one pass, and
its options are process-wide (a concurrent parse with other options would change ours). So this module
drives the library through pymediainfo's loaded handle itself: one pass over the bytes, then both
reports from the same handle, all under one lock, with the deadline checked between buffers.
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass, field
from typing import BinaryIO

from pymediainfo import MediaInfo, Track

_LOCK = threading.Lock()
_LIB = None
_NO_SEEK = ctypes.c_uint64(-1).value
_FINISHED = 0x08
_BUFFER = 64 * 1024
JUMP_AFTER = 1024 * 1024  # bytes read from the start before skipping to the tail
TAIL = 1024 * 1024


@dataclass
class Inspection:
    """What MediaInfo reported: the General track, the stream tracks in its order, and the trace."""

    general: Track | None
    tracks: list[Track] = field(default_factory=list)
    trace: str = ""

    def of_type(self, *kinds: str) -> list[Track]:
        return [track for track in self.tracks if track.track_type in kinds]


def inspect(reader: BinaryIO, size: int, *, trace: bool, deadline: float, jump: bool = False,
            parser: str = "") -> Inspection:
    """Parse ``size`` bytes readable from ``reader`` at ParseSpeed 0 (headers, a few frames); ``parser``
    names the MediaInfo parser to use (see sniff.py), '' to let MediaInfo try every parser."""
    with _LOCK:
        lib = _library()
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
            report = lib.MediaInfo_Inform(handle, 0)
        finally:
            lib.MediaInfo_Close(handle)
            lib.MediaInfo_Delete(handle)
    parsed = MediaInfo(report, "replace")
    general = parsed.general_tracks[0] if parsed.general_tracks else None
    tracks = [track for track in parsed.tracks if track.track_type != "General"]
    return Inspection(general, tracks, trace_text)


def _library():  # type: ignore[no-untyped-def]
    """pymediainfo's loaded library, its prototypes declared once (``_get_library`` redoes that and
    opens a handle on every call)."""
    global _LIB
    if _LIB is None:
        lib, handle, _version, _parts = MediaInfo._get_library()
        lib.MediaInfo_Close(handle)
        lib.MediaInfo_Delete(handle)
        _LIB = lib
    return _LIB


def _feed(lib, handle, reader: BinaryIO, size: int, deadline: float, jump: bool) -> None:  # type: ignore[no-untyped-def]
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
