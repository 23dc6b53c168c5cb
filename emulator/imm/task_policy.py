"""How a task moves from Running to its end: the ``--task-duration`` policies.

``auto`` takes longer for longer videos, on the emulator clock; ``instant`` ends at creation;
``polls:N`` ends on the N-th read of the task; ``manual`` waits for the control API; a number is a
fixed duration in seconds. No policy ever needs a test to sleep: advancing the clock is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

NS = 1_000_000_000
AUTO_BASE_SECONDS = 3.0
AUTO_SECONDS_PER_MEDIA_SECOND = 0.2
AUTO_MAX_SECONDS = 600.0


@dataclass(frozen=True)
class Policy:
    kind: str  # auto | instant | manual | polls | seconds
    amount: float = 0

    @classmethod
    def parse(cls, text: str) -> Policy:
        text = str(text).strip().lower()
        if text in ("auto", "instant", "manual"):
            return cls(text)
        if text.startswith("polls:"):
            count = text.removeprefix("polls:")
            if count.isascii() and count.isdigit() and int(count) >= 1:
                return cls("polls", int(count))
        else:
            try:
                seconds = float(text)
            except ValueError:
                seconds = -1
            if 0 <= seconds <= 365 * 86400:
                return cls("seconds", seconds)
        raise ValueError(
            f"task duration {text!r} is not auto, instant, manual, polls:N or a number of seconds"
        )

    def __str__(self) -> str:
        if self.kind == "polls":
            return f"polls:{int(self.amount)}"
        if self.kind == "seconds":
            return f"{self.amount:g}"
        return self.kind

    def duration_ns(self, media_seconds: float | None) -> int | None:
        """How long after its start the task ends; None when a read or the control API ends it."""
        if self.kind == "instant":
            return 0
        if self.kind == "seconds":
            return round(self.amount * NS)
        if self.kind == "auto":
            seconds = AUTO_BASE_SECONDS + AUTO_SECONDS_PER_MEDIA_SECOND * max(media_seconds or 0.0, 0.0)
            return round(min(seconds, AUTO_MAX_SECONDS) * NS)
        return None

    def progress(self, start_ns: int, due_ns: int | None, now_ns: int, reads: int) -> int:
        """0..99 while Running."""
        if due_ns is not None and due_ns > start_ns:
            return max(0, min(99, (now_ns - start_ns) * 100 // (due_ns - start_ns)))
        if self.kind == "polls":
            return min(99, reads * 100 // int(self.amount))
        return 0
