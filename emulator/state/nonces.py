"""Seen signature nonces, remembered for the window in which a timestamp is still accepted."""

from __future__ import annotations

import heapq
import threading


class NonceCache:
    """``remember`` is atomic: of two requests racing with one nonce, exactly one wins."""

    def __init__(self, window_seconds: float) -> None:
        self._window = window_seconds
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], float] = {}
        self._expiry: list[tuple[float, tuple[str, str]]] = []

    def remember(self, access_key_id: str, nonce: str, now: float) -> bool:
        """False if the nonce was already used with this key inside the window."""
        key = (access_key_id, nonce)
        with self._lock:
            self._purge(now)
            if key in self._seen:
                return False
            self._seen[key] = now + self._window
            heapq.heappush(self._expiry, (now + self._window, key))
            return True

    def _purge(self, now: float) -> None:
        while self._expiry and self._expiry[0][0] <= now:
            expires, key = heapq.heappop(self._expiry)
            if self._seen.get(key) == expires:
                del self._seen[key]

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()
            self._expiry.clear()

    def __len__(self) -> int:
        return len(self._seen)
