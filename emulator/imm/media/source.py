"""What the media prober reads: a named, sized, seekable object, and its siblings (HLS segments).

The OSS layer provides these for ``oss://`` objects (ranged reads underneath, never the whole object in
memory); ``FileSource`` serves a local file, for tools and tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Protocol


class MediaSource(Protocol):
    """Optionally also ``identity``: a hashable value that names these exact bytes (it changes whenever
    they could), so the prober may reuse an answer computed for it; absent or None means never reuse."""

    uri: str
    size: int

    def open(self) -> BinaryIO:
        """A fresh seekable binary reader positioned at 0; the caller closes it."""

    def sibling(self, reference: str) -> MediaSource | None:
        """The object a relative reference (an HLS segment URI) names, or None if it does not exist."""


class FileSource:
    """A local file. No ``identity``: a file rewritten in place within the file system's timestamp
    granularity keeps its size and mtime, so an answer kept for it could be stale."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.uri = str(self.path)
        self.size = self.path.stat().st_size

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    def sibling(self, reference: str) -> FileSource | None:
        candidate = (self.path.parent / reference).resolve()
        return FileSource(candidate) if candidate.is_file() else None
