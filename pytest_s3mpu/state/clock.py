"""The one clock every time the double records or compares comes from, and that a test can move.

Layer 2 (store), no HTTP. The store reads it for LastModified, Initiated, part LastModified, bucket
CreationDate and the copy-source date conditions; the app for the ``Date`` header; signature checks
(presigned expiry, request-time skew, token expiry) are meant to read ``timestamp()`` too. A test
moves it without sleeping: ``advance`` adds to the offset, ``set`` makes it read a given instant and
keeps it flowing from there (what a suite usually wants: requests still take time, as on S3),
``freeze`` stops it, ``real`` returns it to real time (the per-test reset does this).

The state is one immutable pair swapped whole, so a reading takes no lock (the ``Date`` header reads
the clock on every request); changes are made under a lock, so concurrent ``advance`` calls add up.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

# The clock must read within these (S3's dates have four-digit years; a year of slack lets a clock
# set near the end keep flowing).
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)


class ClockError(ValueError):
    """A clock change that cannot be made: a time without a timezone, a number that is not finite, or
    a reading outside 1970-01-01 .. 9999-01-01 UTC. The clock is left as it was."""


class _State(NamedTuple):
    offset: float  # seconds added to real time while flowing
    frozen_at: float | None  # the POSIX time the clock reads while frozen; None while flowing


_REAL = _State(0.0, None)


class Clock:
    """A UTC clock that reads real time until a test moves it.

    Calling it gives the current time to the whole second, as S3 reports times (``.000Z``).

    :param wall: real time as POSIX seconds; ``time.time`` unless a test injects another.
    """

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._state = _REAL
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def on_move(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (no arguments) after every move of the clock, outside the clock's lock: the
        store applies lifecycle actions the new time makes due."""
        self._listeners.append(listener)

    def _moved(self) -> None:
        for listener in list(self._listeners):
            listener()

    @classmethod
    def reading(cls, source: Callable[[], dt.datetime]) -> Clock:
        """A clock whose real time is what ``source`` returns (an aware datetime): for callers that
        hand the store a plain function, as ``Store(clock=lambda: moment)`` did before this class."""
        return cls(wall=lambda: source().timestamp())

    # -- reading --------------------------------------------------------------------------------

    def timestamp(self) -> float:
        """The clock's time as POSIX seconds, with its fraction (for expiry and skew checks)."""
        state = self._state
        if state.frozen_at is not None:
            return state.frozen_at
        return self._wall() + state.offset

    def second(self) -> int:
        """The clock's time as whole POSIX seconds (cheap: what the ``Date`` header is keyed on)."""
        return math.floor(self.timestamp())

    def now(self) -> dt.datetime:
        """The clock's time in UTC to the whole second: what the store records."""
        return dt.datetime.fromtimestamp(self.second(), dt.timezone.utc)

    __call__ = now

    @property
    def offset_s(self) -> float:
        """Seconds between the clock and real time (0.0 when real; changes while frozen)."""
        state = self._state
        if state.frozen_at is None:
            return state.offset
        return state.frozen_at - self._wall()

    @property
    def frozen(self) -> bool:
        return self._state.frozen_at is not None

    @property
    def is_real(self) -> bool:
        return self._state is _REAL

    def to_json(self) -> dict[str, Any]:
        """What ``GET /_s3mpu/clock`` answers: ``now`` (ISO-8601, UTC), ``offset_s``, ``frozen``."""
        return {
            "now": self.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "offset_s": round(self.offset_s, 3),
            "frozen": self.frozen,
        }

    # -- moving ---------------------------------------------------------------------------------

    def advance(
        self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0, days: float = 0.0
    ) -> dt.datetime:
        """Move the clock by this much (negative: back), whether flowing or frozen; successive calls
        add up. Returns the new reading."""
        delta = duration(seconds, minutes=minutes, hours=hours, days=days)
        with self._lock:
            state = self._state
            if state.frozen_at is not None:
                self._state = _State(0.0, _within(state.frozen_at + delta))
            else:
                _within(self._wall() + state.offset + delta)
                self._state = _State(state.offset + delta, None) if state.offset + delta else _REAL
        self._moved()
        return self.now()

    def set(self, moment: dt.datetime) -> dt.datetime:
        """Make the clock read ``moment`` (timezone-aware) now and flow on from it (a frozen clock too)."""
        target = _within(posix(moment))
        with self._lock:
            self._state = _State(target - self._wall(), None)
        self._moved()
        return self.now()

    def freeze(self, moment: dt.datetime | None = None) -> dt.datetime:
        """Stop the clock at ``moment`` (timezone-aware), or where it reads now; ``advance`` still
        moves it. ``set`` or ``real`` make it flow again."""
        with self._lock:
            target = _within(posix(moment)) if moment is not None else self.timestamp()
            self._state = _State(0.0, target)
        self._moved()
        return self.now()

    def unfreeze(self) -> dt.datetime:
        """Let a frozen clock flow again from where it stands (nothing happens to a flowing one)."""
        with self._lock:
            state = self._state
            if state.frozen_at is not None:
                self._state = _State(state.frozen_at - self._wall(), None)
        return self.now()

    def real(self) -> dt.datetime:
        """Back to real time, flowing: what each test starts with."""
        with self._lock:
            moved = self._state is not _REAL
            self._state = _REAL
        if moved:
            self._moved()
        return self.now()


def duration(seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0, days: float = 0.0) -> float:
    """``advance``'s arguments as seconds; a ``ClockError`` naming the one that is not a finite number."""
    total = _finite(seconds, "seconds") + 60 * _finite(minutes, "minutes")
    return total + 3600 * _finite(hours, "hours") + 86400 * _finite(days, "days")


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ClockError(f"{name} must be a number, not {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise ClockError(f"{name} must be a finite number, not {_shown(value)}")
    return number


def _shown(value: object) -> str:
    """A value for a message, cut short: a refused 400-digit number need not be quoted whole."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def posix(moment: dt.datetime) -> float:
    """An aware datetime as POSIX seconds; a ``ClockError`` for anything else (a naive one included:
    guessing its zone would move the clock by hours without a word)."""
    if not isinstance(moment, dt.datetime):
        raise ClockError(f"the clock is set to a datetime, not {_shown(moment)}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(
            f"{moment.isoformat()} has no timezone: give one (e.g. tzinfo=datetime.timezone.utc)"
        )
    return moment.timestamp()


def _within(posix: float) -> float:
    if not EARLIEST.timestamp() <= posix < LATEST.timestamp():
        raise ClockError(
            f"the clock would read {posix:.0f} seconds after 1970-01-01T00:00:00Z: outside the range "
            f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} UTC"
        )
    return posix


def _zulu_as_offset(text: str) -> str:
    """``text`` stripped, a trailing ``Z`` written ``+00:00`` (``fromisoformat`` before Python 3.11
    does not read ``Z``)."""
    normalised = text.strip()
    if normalised[-1:] in ("Z", "z"):
        normalised = normalised[:-1] + "+00:00"
    return normalised


def parse_iso_lenient(text: str) -> dt.datetime:
    """An ISO-8601 date, or date and time, as ``fromisoformat`` reads it once a trailing ``Z`` is
    ``+00:00``: naive when no zone is given; ``ValueError`` when it is not ISO 8601."""
    return dt.datetime.fromisoformat(_zulu_as_offset(text))


def parse_iso(text: str) -> dt.datetime:
    """An ISO-8601 date and time with its timezone (``2030-01-01T00:00:00Z``, ``...+02:00``); a
    ``ClockError`` for anything else, a date without a time or a time without a zone included."""
    if not isinstance(text, str):
        raise ClockError(f"not an ISO-8601 string: {_shown(text)}")
    normalised = _zulu_as_offset(text)
    try:
        moment = dt.datetime.fromisoformat(normalised)
    except ValueError:
        raise ClockError(f"not an ISO-8601 date and time: {_shown(text)}") from None
    if "T" not in normalised.upper() and " " not in normalised:
        raise ClockError(f"not an ISO-8601 date and time (no time of day): {text!r}")
    if moment.tzinfo is None:
        raise ClockError(f"{text!r} has no timezone: end it with Z or an offset such as +00:00")
    return moment
