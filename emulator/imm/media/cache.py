"""Answers already computed, per object version, so probing the same bytes again costs a lookup.

A source offers ``identity`` (see source.py) when its bytes cannot change under the same value: an OSS
object's blob (immutable, content-hashed ETag) or a mounted file's stamp (path, size, mtime, the stamp
the OSS layer itself keys its ETag on). Only complete answers are kept: not errors, not HLS playlists
(their segments are other objects), not probes cut short by the deadline (those depend on the load).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SIZE = 512


class AnswerCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._answers: OrderedDict[Hashable, str] = OrderedDict()  # as JSON: json.loads copies at C speed
        self._pending: dict[Hashable, threading.Event] = {}  # keys being made (compute)

    def get(self, key: Hashable | None) -> dict[str, Any] | None:
        """A fresh copy of the answer kept for ``key`` (the caller may change it), or None."""
        if key is None or not self.enabled:
            return None
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
        return json.loads(answer)

    def __contains__(self, key: Hashable | None) -> bool:
        """Whether an answer is kept for ``key`` (a look that counts as neither hit nor miss)."""
        with self._lock:
            return key is not None and self.enabled and key in self._answers

    def put(self, key: Hashable | None, answer: dict[str, Any]) -> None:
        if key is None or not self.enabled:
            return
        kept = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._answers[key] = kept
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def compute(self, key: Hashable | None, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The answer kept for ``key``, else ``make()``'s, kept: made once however many threads ask at
        the same time (the others wait for it, and make it themselves only if that attempt raised)."""
        if key is None or not self.enabled:
            return make()
        while True:
            with self._lock:
                kept = self._answers.get(key)
                if kept is not None:
                    self._answers.move_to_end(key)
                    self.hits += 1
                    pending, mine = None, False
                else:
                    pending = self._pending.get(key)
                    mine = pending is None
                    if pending is None:
                        pending = self._pending[key] = threading.Event()
                        self.misses += 1
            if kept is not None:
                return json.loads(kept)
            assert pending is not None
            if not mine:
                pending.wait()
                continue
            try:
                answer = make()
                self.put(key, answer)
                return answer
            finally:
                with self._lock:
                    del self._pending[key]
                pending.set()

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._answers)


ANSWERS = AnswerCache()  # for library use (tools, benches); each emulator has its own
