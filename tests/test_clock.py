"""The test clock on its own (issue 17 item 2): real time until moved; ``advance`` adds up, ``set`` makes it
read an instant and flow on, ``freeze`` stops it, ``real`` returns it; whole seconds, as S3 reports times;
nonsense refused with the clock left as it was; concurrent moves all count. The control body rules
(``POST /_s3mpu/clock``) are checked here on ``control.clock_change``; through HTTP in test_clock_e2e."""

from __future__ import annotations

import datetime as dt
import math
import threading

import pytest

from pytest_s3mpu.app import control
from pytest_s3mpu.state.clock import Clock, ClockError, parse_iso
from pytest_s3mpu.state.store import Store

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC).timestamp()


class Wall:
    """Real time under the test's control: a float that only moves when told."""

    def __init__(self, now: float = START + 0.25) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def clock(wall: Wall) -> Clock:
    return Clock(wall=wall)


def at(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=UTC)


def test_reads_real_time_to_the_whole_second(clock, wall):
    """S3's times are whole seconds (``.000Z`` in its XML): the fraction of real time is dropped, and
    the clock follows real time until moved."""
    assert clock.is_real and not clock.frozen and clock.offset_s == 0.0
    assert clock() == clock.now() == at(2026, 3, 1, 12, 0, 0)
    assert clock.timestamp() == START + 0.25
    wall.now += 1.0
    assert clock.now() == at(2026, 3, 1, 12, 0, 1)
    assert clock.second() == int(START) + 1


def test_default_clock_is_the_system_clock():
    """Without an injected wall, the clock reads ``time.time`` (checked against datetime.now)."""
    before = dt.datetime.now(UTC).replace(microsecond=0)
    reading = Clock().now()
    after = dt.datetime.now(UTC)
    assert before <= reading <= after
    assert reading.microsecond == 0 and reading.tzinfo is not None


def test_advance_adds_up_in_every_unit_and_keeps_flowing(clock, wall):
    assert clock.advance(days=2) == at(2026, 3, 3, 12, 0, 0)
    assert clock.advance(hours=1, minutes=30, seconds=15) == at(2026, 3, 3, 13, 30, 15)
    assert clock.offset_s == 2 * 86400 + 5415
    assert not clock.is_real
    wall.now += 10  # time flows on from the moved instant
    assert clock.now() == at(2026, 3, 3, 13, 30, 25)
    assert clock.advance(seconds=-5415, days=-2) == at(2026, 3, 1, 12, 0, 10)
    assert clock.is_real  # moved back by exactly what it was moved: real time again


def test_set_reads_the_instant_then_flows(clock, wall):
    """``set`` pins an offset from real time: the clock reads the instant at once and keeps flowing
    (requests still take time, as they do against S3); the instant may be in the past."""
    assert clock.set(at(2030, 1, 1)) == at(2030, 1, 1)
    assert not clock.frozen
    wall.now += 61
    assert clock.now() == at(2030, 1, 1, 0, 1, 1)
    assert clock.set(dt.datetime(2020, 6, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == at(
        2020, 6, 1, 0, 0
    )
    assert clock.advance(seconds=30) == at(2020, 6, 1, 0, 0, 30)  # advance adds to a set clock


def test_freeze_stops_the_clock_and_advance_still_moves_it(clock, wall):
    assert clock.freeze() == at(2026, 3, 1, 12, 0, 0)
    assert clock.frozen and clock.timestamp() == START + 0.25  # frozen where it stood, fraction kept
    wall.now += 3600
    assert clock.now() == at(2026, 3, 1, 12, 0, 0)
    assert clock.offset_s == -3600.0  # real time moved on, the clock did not
    assert clock.advance(minutes=5) == at(2026, 3, 1, 12, 5, 0)
    assert clock.frozen
    assert clock.freeze(at(2031, 2, 3)) == at(2031, 2, 3)
    wall.now += 100
    assert clock.now() == at(2031, 2, 3)
    assert clock.unfreeze() == at(2031, 2, 3)  # flows again from where it stood
    wall.now += 2
    assert clock.now() == at(2031, 2, 3, 0, 0, 2) and not clock.frozen
    clock.freeze()
    assert clock.set(at(2032, 1, 1)) == at(2032, 1, 1) and not clock.frozen  # set makes it flow


def test_real_returns_to_real_time(clock, wall):
    clock.advance(days=400)
    clock.freeze()
    assert clock.real() == at(2026, 3, 1, 12, 0, 0)
    assert clock.is_real and not clock.frozen and clock.offset_s == 0.0
    wall.now += 5
    assert clock.now() == at(2026, 3, 1, 12, 0, 5)


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (lambda c: c.advance(seconds=math.inf), "seconds must be a finite number"),
        (lambda c: c.advance(days=math.nan), "days must be a finite number"),
        (lambda c: c.advance(hours="1"), "hours must be a number"),  # type: ignore[arg-type]
        (lambda c: c.advance(minutes=True), "minutes must be a number"),
        (lambda c: c.advance(seconds=10**400), "seconds must be a finite number"),
        (lambda c: c.advance(days=3_000_000), "outside the range 1970-01-01 to 9999-01-01"),
        (lambda c: c.advance(days=-30_000), "outside the range"),
        (lambda c: c.set(dt.datetime(2030, 1, 1)), "has no timezone"),
        (lambda c: c.set("2030-01-01T00:00:00Z"), "the clock is set to a datetime"),  # type: ignore[arg-type]
        (lambda c: c.set(at(1969, 12, 31, 23, 59, 59)), "outside the range"),
        (lambda c: c.set(at(9999, 6, 1)), "outside the range"),
        (lambda c: c.freeze(dt.datetime(2030, 1, 1)), "has no timezone"),
    ],
)
def test_nonsense_is_refused_and_the_clock_stays(clock, wall, move, message):
    clock.advance(hours=1)
    before = (clock.timestamp(), clock.frozen)
    with pytest.raises(ClockError, match=message):
        move(clock)
    assert (clock.timestamp(), clock.frozen) == before


def test_concurrent_advances_all_count(clock):
    """Moves are made under a lock: 8 threads x 200 advances of one second add up to exactly 1600."""
    barrier = threading.Barrier(8)

    def move() -> None:
        barrier.wait(timeout=10)
        for _ in range(200):
            clock.advance(seconds=1)

    threads = [threading.Thread(target=move) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert clock.offset_s == 1600.0


def test_json_reading(clock, wall):
    clock.set(at(2030, 5, 6, 7, 8, 9))
    wall.now += 0.5
    assert clock.to_json() == {"now": "2030-05-06T07:08:09Z", "offset_s": clock.offset_s, "frozen": False}
    assert clock.to_json()["offset_s"] == round(at(2030, 5, 6, 7, 8, 9).timestamp() - START - 0.25, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-01T00:00:00Z", at(2030, 1, 1)),
        ("2030-01-01T00:00:00.000Z", at(2030, 1, 1)),
        ("2030-01-01T02:30:00+02:30", at(2030, 1, 1)),
        ("2030-01-01 00:00:00+00:00", at(2030, 1, 1)),
        ("2030-01-01T00:00:00.123456z", at(2030, 1, 1).replace(microsecond=123456)),
    ],
)
def test_parse_iso_accepts_dates_with_a_zone(text, expected):
    assert parse_iso(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2030-01-01T00:00:00", "has no timezone"),
        ("2030-01-01", "no time of day"),
        ("yesterday", "not an ISO-8601 date and time"),
        ("", "not an ISO-8601 date and time"),
        ("2030-13-01T00:00:00Z", "not an ISO-8601 date and time"),
        (1893456000, "not an ISO-8601 string"),
    ],
)
def test_parse_iso_refuses_the_rest(text, message):
    with pytest.raises(ClockError, match=message):
        parse_iso(text)


def test_store_records_the_clock_and_wraps_a_plain_function(wall):
    """The store takes a ``Clock`` (its ``clock`` attribute, what the app reads for ``Date``) or, as before,
    a plain function returning the time, read as that clock's real time."""
    clock = Clock(wall=wall)
    store = Store(clock=clock)
    assert store.clock is clock
    clock.advance(days=1)
    assert store.now() == at(2026, 3, 2, 12, 0, 0)
    fixed = Store(clock=lambda: at(2027, 1, 1, 0, 0, 0).replace(microsecond=900_000))
    assert fixed.now() == at(2027, 1, 1) and fixed.clock.is_real
    fixed.clock.advance(seconds=90)
    assert fixed.now() == at(2027, 1, 1, 0, 1, 30)


# -- POST /_s3mpu/clock bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "now", "frozen"),
    [
        ({"advance_s": 86400}, at(2026, 3, 2, 12, 0, 0), False),
        ({"advance_s": -0.5}, at(2026, 3, 1, 11, 59, 59), False),
        ({"advance_s": 60, "frozen": True}, at(2026, 3, 1, 12, 1, 0), True),
        ({"now": "2030-01-01T00:00:00Z"}, at(2030, 1, 1), False),
        ({"now": "2030-01-01T00:00:00Z", "frozen": True}, at(2030, 1, 1), True),
        ({"now": "2030-01-01T00:00:00Z", "frozen": False}, at(2030, 1, 1), False),
        ({"frozen": True}, at(2026, 3, 1, 12, 0, 0), True),
        ({"frozen": False}, at(2026, 3, 1, 12, 0, 0), False),
        ({"real": True}, at(2026, 3, 1, 12, 0, 0), False),
    ],
)
def test_clock_change_bodies(clock, body, now, frozen):
    control.clock_change(clock, body)
    assert (clock.now(), clock.frozen) == (now, frozen)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "a clock change is a JSON object"),
        ({}, "a clock change is a JSON object"),
        ([{"advance_s": 1}], "a clock change is a JSON object"),
        ({"advance": 1}, "unknown clock field\\(s\\): advance"),
        ({"advance_s": "60"}, 'advance_s must be a number of seconds, not "60"'),
        ({"advance_s": True}, "advance_s must be a number of seconds, not true"),
        ({"advance_s": None}, "advance_s must be a number of seconds, not null"),
        ({"advance_s": 1e300}, "advance_s: .*outside the range"),
        ({"advance_s": 10**400}, "advance_s: seconds must be a finite number"),
        ({"now": "2030-01-01T00:00:00"}, "now: .*has no timezone"),
        ({"now": "soon"}, "now: not an ISO-8601 date and time"),
        ({"now": 1893456000}, "now: not an ISO-8601 string"),
        ({"now": "9999-12-31T00:00:00Z"}, "now: .*outside the range"),
        ({"now": "2030-01-01T00:00:00Z", "advance_s": 5}, "give one of advance_s, now and real"),
        ({"real": False}, "real must be true, not false"),
        ({"real": True, "frozen": True}, "real cannot be frozen"),
        ({"frozen": "yes"}, 'frozen must be true or false, not "yes"'),
        ({"now": "2030-01-01T00:00:00Z", "frozen": 1}, "frozen must be true or false, not 1"),
    ],
)
def test_clock_change_refusals_name_the_field_and_change_nothing(clock, body, message):
    clock.advance(seconds=42)
    before = (clock.timestamp(), clock.frozen)
    with pytest.raises(ClockError, match=message):
        control.clock_change(clock, body)
    assert (clock.timestamp(), clock.frozen) == before
