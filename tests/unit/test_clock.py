from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from imm_emulator.clock import NS, Clock, format_rfc3339, parse_rfc3339


def test_now_follows_freezegun_and_so_does_wall() -> None:
    clock = Clock()
    with freeze_time("2024-05-01T12:00:00Z") as frozen:
        assert clock.now() == clock.wall() == datetime(2024, 5, 1, 12, tzinfo=UTC).timestamp()
        frozen.tick(timedelta(seconds=30))
        assert clock.now() == datetime(2024, 5, 1, 12, 0, 30, tzinfo=UTC).timestamp()


def test_advance_moves_now_but_not_wall() -> None:
    clock = Clock()
    with freeze_time("2024-05-01T12:00:00Z"):
        clock.advance(7 * 86400)
        assert clock.now() - clock.wall() == 7 * 86400


def test_account_adjustments_stack_on_global_and_stay_in_their_account() -> None:
    clock = Clock()
    with freeze_time("2024-05-01T12:00:00Z"):
        base = clock.wall()
        clock.advance(10)
        clock.advance(100, account="a")
        assert clock.now() == base + 10
        assert clock.now("a") == base + 110
        assert clock.now("b") == base + 10
        clock.reset("a")
        assert clock.now("a") == base + 10
        clock.reset()
        assert clock.now() == base


def test_set_and_freeze() -> None:
    clock = Clock()
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert abs(clock.now() - datetime(2030, 1, 1, tzinfo=UTC).timestamp()) < 1
    clock.freeze()
    frozen = clock.now_ns()
    time.sleep(0.01)
    assert clock.now_ns() == frozen
    clock.advance(5)
    assert clock.now_ns() == frozen + 5 * NS
    clock.freeze(False)
    assert clock.now_ns() >= frozen + 5 * NS
    assert clock.now() - clock.wall() > 3600


def test_rfc3339_nano_like_go() -> None:
    t = parse_rfc3339("2021-06-29T06:50:13.011643661Z")
    assert format_rfc3339(t) == "2021-06-29T06:50:13.011643661Z"
    shanghai = timezone(timedelta(hours=8))
    assert format_rfc3339(t, shanghai) == "2021-06-29T14:50:13.011643661+08:00"
    assert format_rfc3339(parse_rfc3339("2021-06-29T06:50:13.5Z")) == "2021-06-29T06:50:13.5Z"
    assert format_rfc3339(parse_rfc3339("2021-06-29T14:50:13+08:00")) == "2021-06-29T06:50:13Z"


@pytest.mark.parametrize(
    "text", ["", "2021-06-29", "2021-06-29T06:50:13.Z", "2021-06-29T06:50:13.1234567891Z", "x"]
)
def test_rfc3339_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rfc3339(text)


@given(st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30)), st.integers(0, 9))
def test_utc_stamps_parse_as_the_general_reading_does(moment: datetime, digits: int) -> None:
    """Signed requests carry ``...Z`` stamps, read without strptime: the same instant as strptime's."""
    fraction = f".{moment.microsecond:06d}000"[: digits + 1] if digits else ""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
    general = parse_rfc3339(text.replace("Z", "+00:00"))  # the offset form is read by strptime
    assert parse_rfc3339(text) == general
