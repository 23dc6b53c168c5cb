"""MediaInfoLib's report (and its ``Details=1`` trace) over a reader, as pymediainfo tracks.

The parse itself runs in a worker process (workers.py), which drives the library through its C API:
one pass over the bytes, then both reports from the same handle. Here the report becomes tracks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from pymediainfo import Track

from . import workers
from .workers import ByteReader


@dataclass
class Inspection:
    """What MediaInfo reported: the General track, the stream tracks in its order, and the trace."""

    general: Track | None
    tracks: list[Track] = field(default_factory=list)
    trace: str = ""
    untraced: Callable[..., object] | None = None  # adds to the facts what was read without the trace

    @classmethod
    def of(cls, report: str, trace: str = "") -> Inspection:
        """The inspection an OLDXML report describes (one written for a format MediaInfo cannot read)."""
        parsed = tracks_of(report)
        general = next((track for track in parsed if track.track_type == "General"), None)
        return cls(general, [track for track in parsed if track.track_type != "General"], trace)

    def of_type(self, *kinds: str) -> list[Track]:
        return [track for track in self.tracks if track.track_type in kinds]


def inspect(
    reader: ByteReader, size: int, *, trace: bool, deadline: float, jump: bool = False, parser: str = ""
) -> Inspection:
    """Parse ``size`` bytes readable from ``reader`` at ParseSpeed 0 (headers, a few frames); ``parser``
    names the MediaInfo parser to use (see sniff.py), '' to let MediaInfo try every parser. Raises
    workers.ProbeLimit when the parse overruns ``deadline`` or the worker's memory ceiling."""
    trace_text, report = workers.current().parse(
        reader, size, trace=trace, deadline=deadline, jump=jump, parser=parser
    )
    try:
        parsed = tracks_of(report)
    except ElementTree.ParseError:  # a report MediaInfo could not write as XML: nothing to trust in it
        return Inspection(None, [], trace_text)
    general = next((track for track in parsed if track.track_type == "General"), None)
    tracks = [track for track in parsed if track.track_type != "General"]
    return Inspection(general, tracks, trace_text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Track(Track):
    """pymediainfo's Track (same attributes, None for a missing one), built and read faster: Track
    answers a missing attribute by catching AttributeError inside ``__getattribute__`` on every access."""

    __getattribute__ = object.__getattribute__

    def __getattr__(self, name: str) -> None:
        return None


def tracks_of(report: str) -> list[Track]:
    """The tracks of an OLDXML report, as ``pymediainfo.MediaInfo(report, "replace").tracks`` builds them
    (names lower-cased, repeated elements in ``other_<name>``, an int first where one of them is)."""
    # MediaInfo copies tag text as it finds it: control characters are not XML
    root = ElementTree.fromstring(_NOT_XML.sub("\ufffd", report).encode("utf-8", "replace"))
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
