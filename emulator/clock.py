"""The emulator's one source of time.

Two readings: ``wall()`` is the real time as the process sees it (``time.time_ns()``, so freezegun
and time-machine move it in-process) and is what request signatures are checked against, because
clients sign with their own real time. ``now(account)`` is the emulated service's time: the wall clock
with the adjustments made through the control API (advance, set, freeze), first the emulator-wide
ones, then the account's own, so one test advancing its account's time 7 days leaves other accounts
alone.
"""

from __future__ import annotations

import calendar
import functools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

NS = 1_000_000_000


@dataclass
class _Shift:
    offset_ns: int = 0
    frozen_at_ns: int | None = None

    def apply(self, t_ns: int) -> int:
        return self.frozen_at_ns if self.frozen_at_ns is not None else t_ns + self.offset_ns

    def as_dict(self) -> dict:
        return {"offset_seconds": self.offset_ns / NS, "frozen": self.frozen_at_ns is not None}


class Clock:
    """Thread-safe; every adjustment takes an optional account (None = the whole emulator)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._global = _Shift()
        self._accounts: dict[str, _Shift] = {}
        self.on_change: Callable[[], object] | None = None  # e.g. persist the adjustments (result ignored)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "global": vars(self._global).copy(),
                "accounts": {a: vars(s).copy() for a, s in self._accounts.items()},
            }

    def restore(self, saved: dict) -> None:
        with self._lock:
            self._global = _Shift(**saved["global"])
            self._accounts = {a: _Shift(**s) for a, s in saved["accounts"].items()}

    @staticmethod
    def wall_ns() -> int:
        return time.time_ns()

    def wall(self) -> float:
        return self.wall_ns() / NS

    def now_ns(self, account: str | None = None) -> int:
        with self._lock:
            t = self._global.apply(self.wall_ns())
            shift = self._accounts.get(account) if account is not None else None
            return shift.apply(t) if shift else t

    def now(self, account: str | None = None) -> float:
        return self.now_ns(account) / NS

    def _shift(self, account: str | None) -> _Shift:
        if account is None:
            return self._global
        return self._accounts.setdefault(account, _Shift())

    def advance(self, seconds: float, account: str | None = None) -> None:
        self.advance_ns(round(seconds * NS), account)

    def advance_ns(self, delta: int, account: str | None = None) -> None:
        with self._lock:
            shift = self._shift(account)
            if shift.frozen_at_ns is not None:
                shift.frozen_at_ns += delta
            else:
                shift.offset_ns += delta
        self._changed()

    def set(self, when: datetime | float, account: str | None = None) -> None:
        """Make ``now(account)`` read ``when`` (an aware datetime or epoch seconds) from here on."""
        self.set_ns(round((when.timestamp() if isinstance(when, datetime) else when) * NS), account)

    def set_ns(self, t_ns: int, account: str | None = None) -> None:
        self.advance_ns(t_ns - self.now_ns(account), account)

    def freeze(self, frozen: bool = True, account: str | None = None) -> None:
        current = self.now_ns(account)
        with self._lock:
            shift = self._shift(account)
            if frozen and shift.frozen_at_ns is None:
                shift.frozen_at_ns = current
            elif not frozen and shift.frozen_at_ns is not None:
                shift.frozen_at_ns = None
                shift.offset_ns = 0
        if not frozen:
            # Keep reading the same instant after unfreezing, then let time run on.
            self.set_ns(current, account)
        self._changed()

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._global = _Shift()
                self._accounts.clear()
            else:
                self._accounts.pop(account, None)
        self._changed()

    def describe(self, account: str | None = None) -> dict:
        now_ns = self.now_ns(account)
        with self._lock:
            shift = self._global if account is None else self._accounts.get(account, _Shift())
            state = shift.as_dict()
        return {
            "now": format_rfc3339(now_ns),
            "wall": format_rfc3339(self.wall_ns()),
            "account": account,
            **state,
        }


def format_rfc3339(t_ns: int, tz: tzinfo | None = None) -> str:
    """Go's RFC3339Nano: nanoseconds with trailing zeros trimmed; ``Z`` for UTC, else ``+HH:MM``."""
    seconds, nanos = divmod(t_ns, NS)
    fraction = f".{nanos:09d}".rstrip("0").rstrip(".")
    if tz is None:  # every request's journal entry and task times: the second's text is reused
        return _utc_second(seconds) + fraction + "Z"
    moment = datetime.fromtimestamp(seconds, tz)
    offset = moment.utcoffset()
    if not offset:
        zone = "Z"
    else:
        minutes = int(offset.total_seconds()) // 60
        zone = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone


@functools.lru_cache(maxsize=256)
def _utc_second(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


_UTC_STAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?[Zz]"
)


def parse_rfc3339(text: str) -> int:
    """RFC3339 (with or without fraction, ``Z`` or an offset) -> epoch nanoseconds; ValueError if not."""
    text = text.strip()
    utc = _UTC_STAMP.fullmatch(text)  # what every signed request carries: no strptime needed
    if utc is not None:
        year, month, day, hour, minute, second = (int(part) for part in utc.groups()[:6])
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)  # ValueError if no such day
        return calendar.timegm(moment.utctimetuple()) * NS + int((utc.group(7) or "").ljust(9, "0"))
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    main, _, rest = text.partition(".")
    nanos = 0
    if rest:
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        if not digits or len(digits) > 9:
            raise ValueError(f"bad fraction in {text!r}")
        nanos = int(digits.ljust(9, "0"))
        main += rest
    parsed = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S%z")
    return int(parsed.timestamp()) * NS + nanos
