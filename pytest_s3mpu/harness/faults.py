"""Fault rules: which requests to break, and how, so clients' retry logic can be proven.

Layer 4 (faults): knows requests only as ``RequestInfo`` (operation, bucket, key, upload, part) and
produces decisions; the app carries them out, the store never knows. A fault "before" leaves no trace in
the store; a fault "after" leaves exactly what a successful request would have. The one exception is
the ``NoSuchUpload`` preset, whose point is the store change: the request's upload is aborted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import fnmatch
import itertools
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from pytest_s3mpu.protocol.routes import Operation
from pytest_s3mpu.state import errors


class Action(str, enum.Enum):
    """What a rule does to the requests it fires on (``pytest_s3mpu.app.fault_actions`` carries each out)."""

    ERROR = "error"  # answer an S3 error instead of (before) or after applying the request
    DELAY = "delay"  # sleep delay_s (plus seeded jitter up to jitter_s) before or after
    RESET = "reset"  # drop the connection with a TCP reset, no answer
    TRUNCATE = "truncate"  # send the first truncate_at of the answer's body, then close
    EMBEDDED_ERROR = "embedded_error"  # 200, whitespace, then <Error> (Complete, copies)
    CORRUPT_ETAG = "corrupt_etag"  # apply, answer a wrong ETag (UploadPart)
    CUT_REQUEST = "cut_request"  # read after_bytes of the request body, then reset
    STALL_REQUEST = "stall_request"  # after after_bytes of the body, stop reading for delay_s
    BANDWIDTH = "bandwidth"  # read (request) or send (response) the body at bytes_per_s
    THROTTLE = "throttle"  # token bucket per scope: over rate, 503 SlowDown with Retry-After
    SEQUENCE = "sequence"  # successive matching requests get successive steps (null: let through)


ACTIONS = tuple(action.value for action in Action)
# Actions that never apply the request (``apply`` is "before" for them whatever it says).
_CONNECTION_ACTIONS = (Action.CUT_REQUEST, Action.STALL_REQUEST, Action.BANDWIDTH)
DIRECTIONS = ("response", "request")
SCOPES = ("global", "bucket", "prefix", "key")
EMBEDDED_OPERATIONS = (Operation.COMPLETE_MULTIPART_UPLOAD, Operation.COPY_OBJECT, Operation.UPLOAD_PART_COPY)
# The operations that name an upload (``?uploadId``): the ones the ``NoSuchUpload`` preset can make vanish.
UPLOAD_OPERATIONS = (
    Operation.UPLOAD_PART,
    Operation.UPLOAD_PART_COPY,
    Operation.LIST_PARTS,
    Operation.COMPLETE_MULTIPART_UPLOAD,
    Operation.ABORT_MULTIPART_UPLOAD,
)
# The preset whose upload really goes: aborted in the store, then 404 NoSuchUpload with its UploadId.
VANISH_PRESET = "NoSuchUpload"

# The errors S3 really returns under stress: status, code, message (as S3 words them).
PRESETS: dict[str, tuple[int, str, str]] = {
    "SlowDown": (503, "SlowDown", errors.SlowDown.default_message),
    "InternalError": (500, "InternalError", errors.InternalError.default_message),
    "ServiceUnavailable": (503, "ServiceUnavailable", errors.ServiceUnavailable.default_message),
    "RequestTimeout": (400, "RequestTimeout", errors.RequestTimeout.default_message),
    # What a client meets when its credentials or clock go wrong (S3_AUTH_SPEC.md §10): each answered
    # with the verifier's own error, extra elements included (AUTH_PRESETS).
    "RequestTimeTooSkewed": (403, "RequestTimeTooSkewed", errors.RequestTimeTooSkewed.default_message),
    "ExpiredToken": (400, "ExpiredToken", errors.ExpiredToken.default_message),
    "InvalidAccessKeyId": (403, "InvalidAccessKeyId", errors.InvalidAccessKeyId.default_message),
    "AccessDenied": (403, "AccessDenied", errors.AccessDenied.default_message),
    "SignatureDoesNotMatch": (403, "SignatureDoesNotMatch", errors.SignatureDoesNotMatch.default_message),
    # Mid-upload, the upload vanishes (aborted by another client or a lifecycle rule): VANISH_PRESET.
    "NoSuchUpload": (404, "NoSuchUpload", errors.NoSuchUpload.default_message),
}
PLACEHOLDER_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key, for a request signed by none
PLACEHOLDER_TOKEN = "s3mpu-expired-session-token"


def _amz_date(posix: float) -> str:
    return dt.datetime.fromtimestamp(int(posix), dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _iso(posix: float) -> str:
    return dt.datetime.fromtimestamp(int(posix), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _skewed(now: float, access_key: str) -> errors.S3Error:
    """A client clock 20 minutes behind: past the 15 minutes S3 allows."""
    return errors.RequestTimeTooSkewed(_amz_date(now - 1200), _iso(now))


def _signature_mismatch(now: float, access_key: str) -> errors.S3Error:
    """The string to sign is shaped as S3's (time, a us-east-1 scope, a hash); the double computed none."""
    moment = _amz_date(now)
    text = f"AWS4-HMAC-SHA256\n{moment}\n{moment[:8]}/us-east-1/s3/aws4_request\n{'0' * 64}"
    return errors.SignatureDoesNotMatch(access_key, text, "0" * 64)


# The auth presets' errors, made when the rule fires: ``now`` is the server's clock, ``access_key`` the one
# the request named (else AWS's example key).
AUTH_PRESETS: dict[str, Callable[[float, str], errors.S3Error]] = {
    "RequestTimeTooSkewed": _skewed,
    "ExpiredToken": lambda now, access_key: errors.ExpiredToken(PLACEHOLDER_TOKEN),
    "InvalidAccessKeyId": lambda now, access_key: errors.InvalidAccessKeyId(access_key),
    "AccessDenied": lambda now, access_key: errors.AccessDenied(),
    "SignatureDoesNotMatch": _signature_mismatch,
}


MAX_SECONDS = 3600.0  # the longest delay_s, duration_s or keepalive_s a rule may ask for
MAX_PART_NUMBER = 10_000
_ERROR_CODE = re.compile(r"[A-Za-z0-9._-]+\Z")


class FaultSpecError(ValueError):
    """A rule that cannot be built from what was given; the message says which field and why."""


# Each field's kind ("text", "integer", "number" or "flag") and whether null is allowed: a value of
# another type is refused naming the field, rather than kept as a rule that never fires (part_number="2")
# or breaks every request it meets (key=123).
_KINDS: dict[str, tuple[str, bool]] = {
    "operation": ("text", False),
    "action": ("text", False),
    "bucket": ("text", True),
    "key": ("text", True),
    "part_number": ("integer", True),
    "upload_id": ("text", True),
    "skip": ("integer", False),
    "times": ("integer", True),
    "probability": ("number", True),
    "seed": ("integer", True),
    "apply": ("text", False),
    "preset": ("text", True),
    "status": ("integer", True),
    "code": ("text", True),
    "message": ("text", True),
    "retry_after": ("integer", True),
    "delay_s": ("number", False),
    "truncate_at": ("number", False),
    "keepalive_s": ("number", False),
    "duration_s": ("number", False),
    "whitespace_first": ("flag", False),
    "jitter_s": ("number", False),
    "after_bytes": ("integer", False),
    "bytes_per_s": ("number", True),
    "direction": ("text", False),
    "rate": ("number", True),
    "burst": ("integer", False),
    "scope": ("text", False),
    "prefix": ("text", True),
    "sequence": ("list", True),
    "id": ("text", False),
}
_KIND_NAMES = {
    "text": "a string",
    "integer": "an integer",
    "number": "a finite number",
    "flag": "true or false",
    "list": "a list",
}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_kind(name: str, value: object) -> None:
    """FaultSpecError naming ``name`` unless ``value`` is of the field's kind (bool is no number)."""
    kind, nullable = _KINDS[name]
    if value is None and nullable:
        return
    if kind == "text":
        ok = isinstance(value, str)
    elif kind == "flag":
        ok = isinstance(value, bool)
    elif kind == "list":
        ok = isinstance(value, (list, tuple))
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok:
        expected = _KIND_NAMES[kind] + (" or null" if nullable else "")
        raise FaultSpecError(f"{name} must be {expected}, not {_shown(value)} ({type(value).__name__})")


def _operation(name: str) -> Operation:
    """A rule's ``operation`` as the ``Operation`` it names; else FaultSpecError naming the field and the
    names closest to what was written (``UploadParts`` -> ``UploadPart``)."""
    try:
        return Operation(name)
    except ValueError:
        close = difflib.get_close_matches(name, [op.value for op in Operation], n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise FaultSpecError(
            f"operation must be '*' or an S3 operation name (AWS's: UploadPart), not {_shown(name)}{hint}"
        ) from None


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """What a rule can match on."""

    operation: str
    bucket: str | None = None
    key: str | None = None
    upload_id: str | None = None
    part_number: int | None = None
    attempt: int | None = None  # the SDK's retry attempt (``amz-sdk-request: attempt=N``), None if not sent
    headers: Mapping[str, str] | None = None  # the request's header fields, looked up case-insensitively


MAX_ATTEMPT = 1000  # no SDK retries this often; a larger attempt in a rule is a mistake


def _check_attempt(value: object) -> tuple[int, ...] | None:
    """A rule's ``attempt``: an integer or a list of them, each from 1 to ``MAX_ATTEMPT``."""
    if value is None:
        return None
    given = value if isinstance(value, (list, tuple)) else [value]
    values = [v for v in given if isinstance(v, int) and not isinstance(v, bool)]
    if not values or len(values) != len(given):
        raise FaultSpecError(f"attempt must be an integer or a list of integers, not {_shown(value)}")
    if not all(1 <= v <= MAX_ATTEMPT for v in values):
        raise FaultSpecError(f"attempt must be from 1 to {MAX_ATTEMPT}, not {_shown(value)}")
    return tuple(values)


def _check_headers(value: object) -> None:
    """A rule's ``headers``: an object of header name to glob (``*``: the header is present)."""
    if value is None:
        return
    if not isinstance(value, Mapping) or not value:
        raise FaultSpecError(f"headers must be an object of header name to glob, not {_shown(value)}")
    for name, glob in value.items():
        if not isinstance(name, str) or not name or not name.isascii() or not name.isprintable():
            raise FaultSpecError(f"headers: a header name must be printable ASCII, not {_shown(name)}")
        if not isinstance(glob, str):
            raise FaultSpecError(f"headers: the glob for {name!r} must be a string, not {_shown(glob)}")


def _headers_match(globs: Mapping[str, str], headers: Mapping[str, str] | None) -> bool:
    """Every named header present, and its value matching its glob (``*``: any value)."""
    if headers is None:
        return False
    for name, glob in globs.items():
        value = headers.get(name)
        if value is None or (glob != "*" and not fnmatch.fnmatchcase(value, glob)):
            return False
    return True


@dataclass
class FaultRule:
    """One rule. Field names are the JSON names of the HTTP control endpoint and ``--faults`` files.

    :param operation: AWS operation name (``UploadPart``) or ``*``.
    :param key: a glob (``logs/*.gz``).
    :param skip: let the first N matching requests through.
    :param times: fire on this many matching requests; None for always.
    :param probability: fire on each eligible request with this chance, drawn from ``seed``.
    :param apply: ``before`` (the request is not applied) or ``after`` (applied, then the answer fails).
    :param jitter_s: ``delay`` adds a uniform draw from 0 to this, seeded by ``seed`` and the request's
        place among those the rule fired on (the same run gets the same delays).
    :param after_bytes: ``cut_request`` / ``stall_request``: request body bytes read before acting.
    :param bytes_per_s: ``bandwidth``: the rate, in ``direction`` (``response`` or ``request``).
    :param rate: ``throttle``: requests per second let through per ``scope`` (``global``, ``bucket``,
        ``prefix`` with ``prefix`` given, or ``key``), with bursts up to ``burst``; the rest are
        answered 503 SlowDown with Retry-After (``retry_after``, 1 by default).
    :param sequence: actions for successive matching requests, each a mapping of action fields (or
        None: let that request through); after the last step the rule lets everything through.
    :param attempt: match only these SDK retry attempts (an int or a list; from ``amz-sdk-request``).
    :param headers: match only requests carrying these headers, each value matching its glob (``*``: any).
    """

    operation: Operation | str = "*"
    action: str = "error"
    bucket: str | None = None
    key: str | None = None
    part_number: int | None = None
    upload_id: str | None = None
    attempt: int | list[int] | None = None
    headers: dict[str, str] | None = None
    skip: int = 0
    times: int | None = 1
    probability: float | None = None
    seed: int | None = None
    apply: str = "before"
    preset: str | None = None
    status: int | None = None
    code: str | None = None
    message: str | None = None
    retry_after: int | None = None
    delay_s: float = 0.0
    truncate_at: float = 0.5
    keepalive_s: float = 0.2
    duration_s: float = 0.5
    whitespace_first: bool = False
    jitter_s: float = 0.0
    after_bytes: int = 0
    bytes_per_s: float | None = None
    direction: str = "response"
    rate: float | None = None
    burst: int = 1
    scope: str = "global"
    prefix: str | None = None
    sequence: list[dict[str, Any] | None] | None = None
    id: str = ""
    hits: int = 0
    seen: int = field(default=0, repr=False)
    _random: random.Random | None = field(default=None, repr=False, compare=False)
    _steps: list[FaultRule | None] = field(default_factory=list, repr=False, compare=False)
    _buckets: dict[str, _TokenBucket] = field(default_factory=dict, repr=False, compare=False)
    _attempts: tuple[int, ...] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _KINDS:
            _check_kind(name, getattr(self, name))
        self._attempts = _check_attempt(self.attempt)
        _check_headers(self.headers)
        self._check_ranges()
        if self.operation != "*":
            self.operation = _operation(self.operation)
        if self.action not in ACTIONS:
            raise FaultSpecError(f"action must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        self.action = Action(self.action)
        if self.apply not in ("before", "after"):
            raise FaultSpecError(f"apply must be 'before' or 'after', not {self.apply!r}")
        if self.action in _CONNECTION_ACTIONS and self.apply != "before":
            raise FaultSpecError(
                f"{self.action.value} acts while the request is read: apply must be 'before'"
            )
        self._check_action_fields()
        if self.action == "error":
            self._resolve_error()
        if self.action == "embedded_error":
            if self.operation not in EMBEDDED_OPERATIONS:
                raise FaultSpecError(f"embedded_error applies to {', '.join(EMBEDDED_OPERATIONS)}")
            if self.code is None and self.preset is None:
                self.preset = "InternalError"
            self._resolve_error()
        if self.preset == VANISH_PRESET and self.operation not in UPLOAD_OPERATIONS:
            raise FaultSpecError(
                f"preset {VANISH_PRESET} needs operation one of {', '.join(UPLOAD_OPERATIONS)} (a request "
                f"naming an upload), not {str(self.operation)!r}"
            )
        if self.preset == VANISH_PRESET and self.action is not Action.ERROR:
            raise FaultSpecError(f"preset {VANISH_PRESET} is for the error action, not {self.action.value}")
        if self.action == "corrupt_etag" and self.operation not in (Operation.UPLOAD_PART, "*"):
            raise FaultSpecError("corrupt_etag applies to UploadPart")
        self._random = random.Random(self.seed)

    def _check_ranges(self) -> None:
        """Each field's range, once its type is known to be right; the message names the field."""
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError(f"probability must be between 0 and 1, not {self.probability!r}")
        for name in ("times", "skip", "retry_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise FaultSpecError(f"{name} must not be negative, not {value!r}")
        if self.part_number is not None and not 1 <= self.part_number <= MAX_PART_NUMBER:
            raise FaultSpecError(f"part_number must be from 1 to {MAX_PART_NUMBER}, not {self.part_number!r}")
        if self.status is not None and not 300 <= self.status <= 599:
            raise FaultSpecError(f"status must be an HTTP error status from 300 to 599, not {self.status!r}")
        if self.code is not None and not _ERROR_CODE.match(self.code):
            raise FaultSpecError(f"code must be letters, digits, '.', '_' or '-', not {_shown(self.code)}")
        for name in ("delay_s", "duration_s"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_SECONDS:
                raise FaultSpecError(f"{name} must be from 0 to {MAX_SECONDS:g} seconds, not {value!r}")
        if not 0 < self.keepalive_s <= MAX_SECONDS:
            raise FaultSpecError(
                f"keepalive_s must be positive, at most {MAX_SECONDS:g} seconds, not {self.keepalive_s!r}"
            )
        if not 0.0 <= self.truncate_at < 1.0:
            raise FaultSpecError(f"truncate_at must be at least 0 and below 1, not {self.truncate_at!r}")

    def _check_action_fields(self) -> None:
        """The fields the new actions need, present and in range; the message names the field."""
        if self.jitter_s < 0 or self.jitter_s > MAX_SECONDS:
            raise FaultSpecError(f"jitter_s must be from 0 to {MAX_SECONDS:g} seconds, not {self.jitter_s!r}")
        if self.after_bytes < 0:
            raise FaultSpecError(f"after_bytes must not be negative, not {self.after_bytes!r}")
        if self.direction not in DIRECTIONS:
            raise FaultSpecError(f"direction must be one of {', '.join(DIRECTIONS)}, not {self.direction!r}")
        if self.bytes_per_s is not None and self.bytes_per_s <= 0:
            raise FaultSpecError(f"bytes_per_s must be positive, not {self.bytes_per_s!r}")
        if self.action is Action.BANDWIDTH and self.bytes_per_s is None:
            raise FaultSpecError("bandwidth needs bytes_per_s")
        if self.rate is not None and self.rate <= 0:
            raise FaultSpecError(f"rate must be positive, not {self.rate!r}")
        if self.burst < 1:
            raise FaultSpecError(f"burst must be at least 1, not {self.burst!r}")
        if self.scope not in SCOPES:
            raise FaultSpecError(f"scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")
        if self.action is Action.THROTTLE:
            if self.rate is None:
                raise FaultSpecError("throttle needs rate (requests per second)")
            if self.scope == "prefix" and self.prefix is None:
                raise FaultSpecError("throttle with scope 'prefix' needs prefix")
            if self.retry_after is None:
                self.retry_after = 1
        if self.action is Action.SEQUENCE:
            if not self.sequence:
                raise FaultSpecError("sequence needs a list of actions (null lets a request through)")
            self._steps = [self._step(index, spec) for index, spec in enumerate(self.sequence)]
        elif self.sequence is not None:
            raise FaultSpecError("sequence is a field of the sequence action")

    def _step(self, index: int, spec: object) -> FaultRule | None:
        """One step of a sequence: a rule of its own (same operation), validated now."""
        if spec is None:
            return None
        name = f"sequence[{index}]"
        if not isinstance(spec, Mapping):
            raise FaultSpecError(f"{name} must be an object of action fields or null, not {_shown(spec)}")
        refused = set(spec) & _MATCH_FIELDS
        if refused:
            raise FaultSpecError(f"{name} cannot set {', '.join(sorted(refused))} (the rule's own fields)")
        unknown = set(spec) - _RULE_FIELDS
        if unknown:
            raise FaultSpecError(f"{name}: unknown fault field(s): {', '.join(sorted(unknown))}")
        if spec.get("action") in (Action.SEQUENCE.value, Action.THROTTLE.value):
            raise FaultSpecError(f"{name}.action cannot be {spec['action']}")
        try:
            return FaultRule(operation=self.operation, **dict(spec))
        except FaultSpecError as exc:
            raise FaultSpecError(f"{name}: {exc}") from None
        except TypeError as exc:
            raise FaultSpecError(f"{name}: {exc}") from None

    def jitter(self, hit: int) -> float:
        """This rule's extra delay for the ``hit``-th request it fired on: the same for the same seed."""
        if not self.jitter_s:
            return 0.0
        return random.Random(f"{self.seed}:{hit}").uniform(0.0, self.jitter_s)

    def _scope_of(self, info: RequestInfo) -> str | None:
        """The token bucket a request draws from; None: not in this throttle's scope."""
        if self.scope == "global":
            return "*"
        if self.scope == "bucket":
            return info.bucket or ""
        if self.scope == "prefix":
            assert self.prefix is not None
            key = info.key or ""
            return self.prefix if key.startswith(self.prefix) else None
        return f"{info.bucket or ''}/{info.key or ''}"

    def admit(self, info: RequestInfo, now: float) -> bool:
        """Throttle: whether the request finds a token in its scope's bucket (taking it)."""
        scope = self._scope_of(info)
        if scope is None:
            return True
        bucket = self._buckets.get(scope)
        if bucket is None:
            assert self.rate is not None
            bucket = self._buckets[scope] = _TokenBucket(self.rate, self.burst, now)
        return bucket.take(now)

    def throttle_report(self) -> dict[str, ThrottleStats]:
        """Per scope: requests let through and refused, and the rate achieved since the first one."""
        return {scope: bucket.stats() for scope, bucket in self._buckets.items()}

    def _resolve_error(self) -> None:
        if self.preset is not None:
            if self.preset not in PRESETS:
                raise FaultSpecError(f"preset must be one of {', '.join(PRESETS)}, not {self.preset!r}")
            status, code, message = PRESETS[self.preset]
            self.status = self.status or status
            self.code = self.code or code
            self.message = self.message or message
            if self.preset == "SlowDown" and self.retry_after is None:
                self.retry_after = 1
        if self.code is None or self.status is None:
            raise FaultSpecError("an error needs a preset, or a status and a code")
        if self.message is None:
            self.message = self.code

    def matches(self, info: RequestInfo) -> bool:
        if self.operation not in ("*", info.operation):
            return False
        if self.bucket is not None and self.bucket != info.bucket:
            return False
        if self.key is not None and (info.key is None or not fnmatch.fnmatchcase(info.key, self.key)):
            return False
        if self.part_number is not None and self.part_number != info.part_number:
            return False
        if self.upload_id is not None and self.upload_id != info.upload_id:
            return False
        if self._attempts is not None and info.attempt not in self._attempts:
            return False
        return self.headers is None or _headers_match(self.headers, info.headers)

    def error(self, now: float | None = None, access_key: str | None = None) -> errors.S3Error:
        """The S3 error this rule answers with; an auth preset left as it is carries its extra elements,
        made at ``now`` (the server's clock) for ``access_key``."""
        assert self.status is not None and self.code is not None
        make = AUTH_PRESETS.get(self.preset or "")
        if make is not None and (self.status, self.code, self.message) == PRESETS[self.preset or ""]:
            made = make(time.time() if now is None else now, access_key or PLACEHOLDER_ACCESS_KEY)
            return errors.CustomError(
                self.status, self.code, self.message or self.code, **dict(made.fields())
            )
        return errors.CustomError(self.status, self.code, self.message or self.code)

    def error_headers(self) -> list[tuple[str, str]]:
        if self.retry_after is None:
            return []
        return [("Retry-After", str(self.retry_after)), ("x-amz-retry-after", str(self.retry_after))]

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name in _JSON_FIELDS}
        data["action"] = self.action.value if isinstance(self.action, Action) else self.action
        data["operation"] = str(self.operation)
        if self.action is Action.THROTTLE:
            data["throttled"] = {scope: asdict(stats) for scope, stats in self.throttle_report().items()}
        return data


_INTERNAL = {"hits", "seen", "_random", "_steps", "_buckets", "_attempts"}
_RULE_FIELDS = {f.name for f in fields(FaultRule)} - _INTERNAL
_JSON_FIELDS = _RULE_FIELDS | {"hits"}
# What a rule matches on: a sequence's steps share their rule's.
_MATCH_FIELDS = {
    "operation",
    "bucket",
    "key",
    "part_number",
    "upload_id",
    "attempt",
    "headers",
    "skip",
    "times",
    "probability",
}


@dataclass(frozen=True, slots=True)
class ThrottleStats:
    """One throttle scope: requests let through, refused, and let through per second since the first
    request (what a client's backoff achieved)."""

    admitted: int
    refused: int
    seconds: float
    achieved_rate: float


class _TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``; a request takes one or is refused."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.updated = now
        self.first = now
        self.last = now
        self.admitted = 0
        self.refused = 0

    def take(self, now: float) -> bool:
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            self.admitted += 1
            return True
        self.refused += 1
        return False

    def stats(self) -> ThrottleStats:
        seconds = self.last - self.first
        # Requests after the first, over the time they took: what passed once the first token was spent.
        achieved = (self.admitted - 1) / seconds if seconds > 0 and self.admitted > 1 else 0.0
        return ThrottleStats(self.admitted, self.refused, round(seconds, 6), achieved)


def rule_from_mapping(data: Mapping[str, Any]) -> FaultRule:
    """A rule from JSON-like data, refusing anything but an object and unknown field names."""
    if not isinstance(data, Mapping):
        raise FaultSpecError(f"a fault rule is an object of fields, not {_shown(data)}")
    unknown = set(data) - _RULE_FIELDS
    if unknown:
        raise FaultSpecError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
    try:
        return FaultRule(**dict(data))
    except TypeError as exc:
        raise FaultSpecError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class Fired:
    """A rule that fired for a request.

    :param rule: the rule that matched (its id goes in the journal).
    :param act: what to carry out: ``rule`` itself, or the step of a sequence.
    :param hit: the request's place (1, 2, ...) among those ``rule`` fired on.
    """

    rule: FaultRule
    act: FaultRule
    hit: int

    @property
    def id(self) -> str:
        """The journal's ``fault``: the rule's id, with the step's index for a sequence (``fault-1[2]``)."""
        return self.rule.id if self.act is self.rule else f"{self.rule.id}[{self.hit - 1}]"


class FaultInjector:
    """The active rules, in the order they were added; the first that fires wins. Thread-safe."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, rule: FaultRule | None = None, /, **spec: Any) -> FaultRule:
        """Add a rule (a ``FaultRule`` or its fields as keywords) and return it, with its id set."""
        if rule is None:
            rule = rule_from_mapping(spec)
        with self._lock:
            if not rule.id:
                rule.id = f"fault-{next(self._ids)}"
            self._rules.append(rule)
        return rule

    def add_many(self, specs: Iterable[Mapping[str, Any]]) -> list[FaultRule]:
        rules = [rule_from_mapping(spec) for spec in specs]  # all valid, or none added
        return [self.add(rule) for rule in rules]

    def remove(self, rule: FaultRule | str) -> None:
        rule_id = rule if isinstance(rule, str) else rule.id
        with self._lock:
            self._rules = [r for r in self._rules if r.id != rule_id]

    def pop(self, rule_id: str) -> FaultRule | None:
        """Remove the rule with this id and return it (None: no such rule), in one step under the lock."""
        with self._lock:
            found = next((r for r in self._rules if r.id == rule_id), None)
            if found is not None:
                self._rules = [r for r in self._rules if r is not found]
            return found

    def clear(self) -> None:
        with self._lock:
            self._rules = []
            self._ids = itertools.count(1)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def __iter__(self) -> Iterator[FaultRule]:
        return iter(self.rules())

    def __len__(self) -> int:
        return len(self.rules())

    def decide(self, info: RequestInfo) -> FaultRule | None:
        """The rule that fires for this request, counting it; None lets the request through."""
        fired = self.fire(info)
        return fired.rule if fired is not None else None

    def fire(self, info: RequestInfo) -> Fired | None:
        """What happens to this request: the rule that fired, the rule whose action is carried out (a
        sequence's step), and the request's place among those it fired on. None lets it through.
        Free (no lock, no clock) while there are no rules: every request asks."""
        if not self._rules:  # the list is replaced or appended to whole: reading it is atomic
            return None
        now = time.monotonic()
        with self._lock:
            for rule in self._rules:
                if not rule.matches(info):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                if rule.action is Action.THROTTLE:
                    if rule.admit(info, now):
                        continue
                    rule.hits += 1
                    return Fired(rule, rule, rule.hits)
                if rule.times is not None and rule.action is not Action.SEQUENCE and rule.hits >= rule.times:
                    continue
                if rule.probability is not None:
                    assert rule._random is not None
                    if rule._random.random() >= rule.probability:
                        continue
                if rule.action is Action.SEQUENCE:
                    if rule.hits >= len(rule._steps):
                        continue
                    step = rule._steps[rule.hits]
                    rule.hits += 1
                    if step is None:
                        return None  # this step lets the request through
                    return Fired(rule, step, rule.hits)
                rule.hits += 1
                return Fired(rule, rule, rule.hits)
        return None

    def throttle_report(self) -> dict[str, dict[str, ThrottleStats]]:
        """For each throttle rule (by id), per scope: let through, refused, and the achieved rate."""
        with self._lock:
            return {r.id: r.throttle_report() for r in self._rules if r.action is Action.THROTTLE}

    def rule(self, **spec: Any) -> _ScopedRule:
        """``with s3mpu.faults.rule(...) as rule:`` — the rule is removed on leaving the block."""
        return _ScopedRule(self, self.add(**spec))


class _ScopedRule:
    def __init__(self, injector: FaultInjector, rule: FaultRule) -> None:
        self._injector = injector
        self.rule = rule

    def __enter__(self) -> FaultRule:
        return self.rule

    def __exit__(self, *exc: object) -> None:
        self._injector.remove(self.rule)
