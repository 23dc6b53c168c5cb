"""Run MediaInfoLib (bundled with pymediainfo) over a reader, optionally with its ``Details=1`` trace.

pymediainfo's own ``MediaInfo.parse`` cannot return the normal report and the trace from one pass, and
its options are process-wide (a concurrent parse with other options would change ours). So this module
drives the library through pymediainfo's loaded handle itself: one pass over the bytes, then both
reports from the same handle, all under one lock, with the deadline checked between buffers.
"""

from __future__ import annotations

import ctypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from xml.etree import ElementTree

from pymediainfo import MediaInfo, Track

_LOCK = threading.Lock()
_LIB = None
_NO_SEEK = ctypes.c_uint64(-1).value
_FINISHED = 0x08
_BUFFER = 64 * 1024
JUMP_AFTER = 1024 * 1024  # bytes read from the start before skipping to the tail
TAIL = 1024 * 1024


class ByteReader(Protocol):
    """What MediaInfo is fed from: a seekable reader of bytes (a binary file, a BoundedReader)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...


@dataclass
class Inspection:
    """What MediaInfo reported: the General track, the stream tracks in its order, and the trace."""

    general: Track | None
    tracks: list[Track] = field(default_factory=list)
    trace: str = ""
    untraced: Callable[..., None] | None = None  # adds to the facts what was read without the trace

    def of_type(self, *kinds: str) -> list[Track]:
        return [track for track in self.tracks if track.track_type in kinds]


def inspect(
    reader: ByteReader, size: int, *, trace: bool, deadline: float, jump: bool = False, parser: str = ""
) -> Inspection:
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
    parsed = tracks_of(report)
    general = next((track for track in parsed if track.track_type == "General"), None)
    tracks = [track for track in parsed if track.track_type != "General"]
    return Inspection(general, tracks, trace_text)


class _Track(Track):
    """pymediainfo's Track (same attributes, None for a missing one), built and read faster: Track
    answers a missing attribute by catching AttributeError inside ``__getattribute__`` on every access."""

    __getattribute__ = object.__getattribute__

    def __getattr__(self, name: str) -> None:
        return None


def tracks_of(report: str) -> list[Track]:
    """The tracks of an OLDXML report, as ``pymediainfo.MediaInfo(report, "replace").tracks`` builds them
    (names lower-cased, repeated elements in ``other_<name>``, an int first where one of them is)."""
    root = ElementTree.fromstring(report.encode("utf-8", "replace"))
    tracks: list[Track] = []
    names = _NAMES
    for element in root.iterfind("track" if root.tag == "File" else "File/track"):
        values: dict[str, Any] = {"track_type": element.attrib["type"]}
        repeated = []
        for child in element:
            tag = child.tag
            name = names.get(tag)
            if name is None:
                name = tag.lower().strip().strip("_")
                names[tag] = name = "track_id" if name == "id" else name
            if values.get(name) is None:
                values[name] = child.text
            else:
                other = "other_" + name
                if other in values:
                    values[other].append(child.text)
                else:
                    values[other] = [child.text]
                    repeated.append((name, other))
        for name, other in repeated:
            _int_first(values, name, other)
        track = object.__new__(_Track)
        track.__dict__.update(values)
        tracks.append(track)
    return tracks


_NAMES: dict[str, str] = {}


def _int_first(values: dict[str, Any], name: str, other: str) -> None:
    """pymediainfo's rule for a repeated element: the first value that is an int becomes the primary
    (texts that cannot be one are skipped without raising)."""
    if _may_be_int(values[name]):
        try:
            values[name] = int(values[name])
            return
        except ValueError:
            pass
    for value in values[other]:
        if _may_be_int(value):
            try:
                current = values[name]
                values[name] = int(value)
                values[other].append(current)
                return
            except ValueError:
                pass


_MAY_BE_INT = re.compile(r"\s*[-+]?\d[\d_]*\s*\Z")  # a superset of what int() accepts


def _may_be_int(value: Any) -> bool:
    return not isinstance(value, str) or _MAY_BE_INT.match(value) is not None


def _library():
    """pymediainfo's loaded library, its prototypes declared once (``_get_library`` redoes that and
    opens a handle on every call)."""
    global _LIB
    if _LIB is None:
        lib, handle, _version, _parts = MediaInfo._get_library()
        lib.MediaInfo_Close(handle)
        lib.MediaInfo_Delete(handle)
        _LIB = lib
    return _LIB


def _feed(lib, handle, reader: ByteReader, size: int, deadline: float, jump: bool) -> None:
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
