"""Fault rules: which requests to break, and how, so clients' retry logic can be proven.

Layer 4 (faults): knows requests only as ``RequestInfo`` (operation, bucket, key, upload, part) and
produces decisions; the app carries them out, the store never knows. A fault "before" leaves no trace in
the store; a fault "after" leaves exactly what a successful request would have.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import random
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from pytest_s3mpu.protocol import routes
from pytest_s3mpu.state import errors

ACTIONS = ("error", "delay", "reset", "truncate", "embedded_error", "corrupt_etag")
EMBEDDED_OPERATIONS = ("CompleteMultipartUpload", "CopyObject", "UploadPartCopy")

# The errors S3 really returns under stress: status, code, message (as S3 words them).
PRESETS: dict[str, tuple[int, str, str]] = {
    "SlowDown": (503, "SlowDown", errors.SlowDown.default_message),
    "InternalError": (500, "InternalError", errors.InternalError.default_message),
    "ServiceUnavailable": (503, "ServiceUnavailable", errors.ServiceUnavailable.default_message),
    "RequestTimeout": (400, "RequestTimeout", errors.RequestTimeout.default_message),
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
    "id": ("text", False),
}
_KIND_NAMES = {
    "text": "a string",
    "integer": "an integer",
    "number": "a finite number",
    "flag": "true or false",
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
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok:
        expected = _KIND_NAMES[kind] + (" or null" if nullable else "")
        raise FaultSpecError(f"{name} must be {expected}, not {_shown(value)} ({type(value).__name__})")


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """What a rule can match on."""

    operation: str
    bucket: str | None = None
    key: str | None = None
    upload_id: str | None = None
    part_number: int | None = None


@dataclass
class FaultRule:
    """One rule. Field names are the JSON names of the HTTP control endpoint and ``--faults`` files.

    :param operation: AWS operation name (``UploadPart``) or ``*``.
    :param key: a glob (``logs/*.gz``).
    :param skip: let the first N matching requests through.
    :param times: fire on this many matching requests; None for always.
    :param probability: fire on each eligible request with this chance, drawn from ``seed``.
    :param apply: ``before`` (the request is not applied) or ``after`` (applied, then the answer fails).
    """

    operation: str = "*"
    action: str = "error"
    bucket: str | None = None
    key: str | None = None
    part_number: int | None = None
    upload_id: str | None = None
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
    id: str = ""
    hits: int = 0
    seen: int = field(default=0, repr=False)
    _random: random.Random | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _KINDS:
            _check_kind(name, getattr(self, name))
        self._check_ranges()
        if self.operation != "*" and self.operation not in routes.OPERATIONS:
            raise FaultSpecError(f"operation must be '*' or an S3 operation name, not {self.operation!r}")
        if self.action not in ACTIONS:
            raise FaultSpecError(f"action must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        if self.apply not in ("before", "after"):
            raise FaultSpecError(f"apply must be 'before' or 'after', not {self.apply!r}")
        if self.action == "error":
            self._resolve_error()
        if self.action == "embedded_error":
            if self.operation not in EMBEDDED_OPERATIONS:
                raise FaultSpecError(f"embedded_error applies to {', '.join(EMBEDDED_OPERATIONS)}")
            if self.code is None and self.preset is None:
                self.preset = "InternalError"
            self._resolve_error()
        if self.action == "corrupt_etag" and self.operation not in ("UploadPart", "*"):
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
        return self.upload_id is None or self.upload_id == info.upload_id

    def error(self) -> errors.S3Error:
        """The S3 error this rule answers with."""
        assert self.status is not None and self.code is not None
        return errors.CustomError(self.status, self.code, self.message or self.code)

    def error_headers(self) -> list[tuple[str, str]]:
        if self.retry_after is None:
            return []
        return [("Retry-After", str(self.retry_after)), ("x-amz-retry-after", str(self.retry_after))]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_random", None)
        data.pop("seen", None)
        return data


_RULE_FIELDS = {f.name for f in fields(FaultRule)} - {"hits", "seen", "_random"}


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
        with self._lock:
            for rule in self._rules:
                if not rule.matches(info):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                if rule.times is not None and rule.hits >= rule.times:
                    continue
                if rule.probability is not None:
                    assert rule._random is not None
                    if rule._random.random() >= rule.probability:
                        continue
                rule.hits += 1
                return rule
        return None

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
