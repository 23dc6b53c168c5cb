"""A bounded, caching view of a media object, so hostile or huge files cannot make the prober read
or wait without limit.

MediaInfo pulls bytes through ``read``/``seek``; this view fetches aligned blocks from the underlying
reader once (repeated reads of the same region cost nothing, which matters for ranged reads on object
storage), counts what it fetched, and reports end-of-file once the byte budget or the deadline is spent.
MediaInfo then finalizes with what it has seen.
"""

from __future__ import annotations

import io
import time
from typing import BinaryIO

BLOCK = 64 * 1024


class BoundedReader(io.RawIOBase):
    def __init__(self, raw: BinaryIO, size: int, *, budget: int, deadline: float) -> None:
        super().__init__()
        self._raw = raw
        self._size = size
        self._budget = budget
        self._deadline = deadline
        self._blocks: dict[int, bytes] = {}
        self._position = 0
        self.fetched = 0
        self.exhausted = ""  # why reading stopped early: "budget" or "deadline"

    @property
    def mode(self) -> str:
        return "rb"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def read(self, size: int = -1) -> bytes:
        end = self._size if size is None or size < 0 else min(self._size, self._position + size)
        chunks = []
        while self._position < end:
            block = self._block(self._position // BLOCK)
            if not block:
                break
            start = self._position % BLOCK
            piece = block[start : start + (end - self._position)]
            if not piece:
                break
            chunks.append(piece)
            self._position += len(piece)
        return b"".join(chunks)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _block(self, index: int) -> bytes:
        cached = self._blocks.get(index)
        if cached is not None:
            return cached
        if self.exhausted:
            return b""
        if time.monotonic() > self._deadline:
            self.exhausted = "deadline"
            return b""
        length = min(BLOCK, self._size - index * BLOCK)
        if self.fetched + length > self._budget:
            self.exhausted = "budget"
            return b""
        self._raw.seek(index * BLOCK)
        data = self._raw.read(length) or b""
        self.fetched += len(data)
        self._blocks[index] = data
        return data

    def range(self, offset: int, length: int) -> bytes:
        """``length`` bytes at ``offset``, without moving the read position."""
        position = self._position
        self._position = offset
        try:
            return self.read(length)
        finally:
            self._position = position

    def head(self, length: int) -> bytes:
        """The first ``length`` bytes (for sniffing), without moving the read position."""
        position = self._position
        self._position = 0
        try:
            return self.read(length)
        finally:
            self._position = position
