"""The policy of a browser-based POST upload (presigned POST): decoded, its expiration checked against
the store's clock, each condition checked against the form, as S3 checks them.

Layer 2 (store), pure: form fields in, ``S3Error`` out. Sources: AWS API reference "Creating a POST
policy" (sigv4-HTTPPOSTConstructPolicy: eq / starts-with / content-length-range, field names
case-insensitive, every form field covered by a condition but the exempt ones) and the recordings of
LocalStack's tests/aws/services/s3/test_s3.py::TestS3PresignedPost against real S3 [LS-AWS s3:
test_post_request_expires, test_post_object_policy_validation_size,
test_post_object_policy_conditions_validation_eq, ..._starts_with, recorded 2026-02-21]:

- a failed condition is 403 AccessDenied "Invalid according to Policy: Policy Condition failed: " and
  the condition as JSON (a dict condition shown as its ``["eq", "$name", value]``);
- values compare case-sensitively, names case-insensitively; a list condition whose name lacks the
  ``$`` never holds;
- a content-length-range the file falls outside is EntityTooLarge / EntityTooSmall with the sizes;
  a range of non-numbers is a failed condition;
- a dict condition with more than one property is InvalidPolicyDocument.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_s3mpu.state import errors

EQ = "eq"
STARTS_WITH = "starts-with"
LENGTH_RANGE = "content-length-range"
# Form fields no condition needs to cover (lower case); and any named x-ignore-*, and the signature
# fields the caller names (the protocol layer's authentication knows them).
EXEMPT_FIELDS = frozenset({"policy", "file"})
IGNORED_PREFIX = "x-ignore-"


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition: ``kind`` eq / starts-with / content-length-range, the field it is about (lower
    case, without ``$``; None for a list condition whose name lacks the ``$``), and its text as S3
    shows it in an error."""

    kind: str
    field: str | None
    value: Any
    shown: str
    bounds: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    expiration: dt.datetime
    conditions: tuple[Condition, ...]

    def covered(self) -> frozenset[str]:
        """The fields some condition is about."""
        return frozenset(c.field for c in self.conditions if c.field is not None)


def _invalid(detail: str) -> errors.InvalidPolicyDocument:
    return errors.InvalidPolicyDocument(errors.POST_INVALID_POLICY + detail)


def _shown(items: list[Any]) -> str:
    return json.dumps(items, ensure_ascii=False)


def _condition(item: Any) -> Condition:
    if isinstance(item, dict):
        if len(item) != 1:
            raise _invalid(errors.POST_SIMPLE_CONDITION)
        ((name, value),) = item.items()
        return Condition(EQ, str(name).lower(), value, _shown([EQ, f"${name}", value]))
    if not isinstance(item, list) or len(item) != 3:
        raise _invalid(errors.POST_CONDITION_SHAPE)
    kind = str(item[0]).lower()
    if kind == LENGTH_RANGE:
        low, high = item[1], item[2]
        bounds = None
        if all(isinstance(b, int) or (isinstance(b, str) and b.strip().isdigit()) for b in (low, high)):
            bounds = (int(low), int(high))
        return Condition(LENGTH_RANGE, None, None, _shown(item), bounds)
    if kind not in (EQ, STARTS_WITH) or not isinstance(item[1], str):
        raise _invalid(errors.POST_CONDITION_SHAPE)
    name = item[1]
    field = name[1:].lower() if name.startswith("$") else None
    return Condition(kind, field, item[2], _shown(item))


def _expiration(text: Any) -> dt.datetime:
    if not isinstance(text, str):
        raise _invalid(f"Invalid 'expiration' value: '{text}'")
    for shape in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return dt.datetime.strptime(text, shape).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            continue
    raise _invalid(f"Invalid 'expiration' value: '{text}'")


def decode(encoded: str) -> Policy:
    """The ``policy`` form field: base64 of a JSON document with ``expiration`` and ``conditions``."""
    try:
        document = json.loads(base64.b64decode(encoded.strip(), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid(errors.POST_INVALID_JSON) from None
    if not isinstance(document, dict):
        raise _invalid(errors.POST_INVALID_JSON)
    if "expiration" not in document:
        raise _invalid("Policy missing expiration.")
    expiration = _expiration(document["expiration"])
    conditions = document.get("conditions")
    if not isinstance(conditions, list):
        raise _invalid("Invalid 'conditions' value: must be a List.")
    return Policy(expiration, tuple(_condition(item) for item in conditions))


def _failed(condition: Condition) -> errors.AccessDenied:
    return errors.AccessDenied(errors.POST_CONDITION_FAILED + condition.shown)


def check(
    policy: Policy,
    fields: Mapping[str, str],
    file_size: int,
    now: dt.datetime,
    *,
    signature_fields: Collection[str],
) -> None:
    """Every condition of ``policy`` against the form: ``fields`` by lower-case name (``bucket``
    included, the key as sent), ``file_size`` the file's length, ``now`` the store's clock;
    ``signature_fields`` (lower case) need no condition."""
    if now >= policy.expiration:
        raise errors.AccessDenied(errors.POST_POLICY_EXPIRED)
    for condition in policy.conditions:
        if condition.kind == LENGTH_RANGE:
            if condition.bounds is None:
                raise _failed(condition)
            low, high = condition.bounds
            if file_size > high:
                raise errors.EntityTooLarge(file_size, high)
            if file_size < low:
                raise errors.PostEntityTooSmall(file_size, low)
            continue
        value = fields.get(condition.field) if condition.field is not None else None
        if value is None or not isinstance(condition.value, str):
            raise _failed(condition)
        holds = value == condition.value if condition.kind == EQ else value.startswith(condition.value)
        if not holds:
            raise _failed(condition)
    extra = [
        name
        for name in fields
        if name not in EXEMPT_FIELDS
        and name not in signature_fields
        and name != "bucket"
        and not name.startswith(IGNORED_PREFIX)
        and name not in policy.covered()
    ]
    if extra:
        raise errors.AccessDenied(errors.POST_EXTRA_FIELDS + ", ".join(extra))
