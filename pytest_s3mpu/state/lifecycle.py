"""Bucket lifecycle rules: which incomplete uploads S3 aborts and which objects it expires, and when.

Layer 2 (store), pure: no HTTP, no lock, no clock of its own. ``build_rules`` checks a configuration
as S3 does (MalformedXML for a wrong shape, InvalidArgument / InvalidRequest for wrong values); the
store asks ``abort_due`` and ``expiry_due`` with its clock's time and applies the result at once when
the test clock moves (S3 applies lifecycle "eventually", within a day or two).

Dates follow S3's rule: the action is due at the first midnight UTC after the creation time plus the
rule's days (an object made 2014-01-15 10:30 with Days=3 expires 2014-01-19 00:00 UTC; AWS user guide,
"Lifecycle configuration elements" / "Expiring objects"). Sources of every error:
[LS-AWS: TestS3BucketLifecycle.test_put_bucket_lifecycle_conf_exc, recorded 2026-02-21] for the
MalformedXML cases, the Date and duplicate-tag errors; AWS API reference LifecycleRule /
LifecycleRuleFilter for the shape; real S3's messages quoted by other servers (weakest) for the rest.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_s3mpu.state import clock, errors

MAX_RULES = 1000
MAX_ID = 255
STATUSES = ("Enabled", "Disabled")
MIN_SIZE_DEFAULT = "all_storage_classes_128K"
MIN_SIZES = ("all_storage_classes_128K", "varies_by_storage_class")
ABORT = "AbortIncompleteMultipartUpload"
EXPIRATION = "Expiration"
# Actions S3 accepts and returns here but never carries out (no storage classes, no noncurrent clean-up).
KEPT_ONLY = ("Transition", "NoncurrentVersionTransition", "NoncurrentVersionExpiration")
_FILTER_KINDS = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")


@dataclass(frozen=True, slots=True)
class LifecycleFilter:
    """Which keys a rule applies to. ``given`` is the element the configuration used (``Prefix`` at the
    rule's level for the legacy form, ``Filter`` children otherwise), so GET answers what was put."""

    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    size_greater_than: int | None = None
    size_less_than: int | None = None
    given: str = "Filter"  # "Filter" or "Prefix" (legacy, at the rule's level)
    kinds: tuple[str, ...] = ()  # the Filter's children, in order ("And": everything inside And)

    def matches_key(self, key: str) -> bool:
        return key.startswith(self.prefix)

    def matches_object(self, key: str, tags: Sequence[tuple[str, str]], size: int) -> bool:
        if not key.startswith(self.prefix):
            return False
        if self.tags and not set(self.tags) <= set(tags):
            return False
        if self.size_greater_than is not None and not size > self.size_greater_than:
            return False
        return self.size_less_than is None or size < self.size_less_than


@dataclass(frozen=True, slots=True)
class LifecycleRule:
    """One rule, as checked. ``kept`` holds the actions stored and returned but not carried out."""

    id: str
    enabled: bool
    filter: LifecycleFilter
    abort_days: int | None = None
    expiration_days: int | None = None
    expiration_date: dt.datetime | None = None
    expiration_date_text: str | None = None
    expired_object_delete_marker: bool | None = None
    kept: tuple[tuple[str, Any], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class LifecycleConfiguration:
    rules: tuple[LifecycleRule, ...]
    min_object_size: str = MIN_SIZE_DEFAULT


@dataclass(frozen=True, slots=True)
class Due:
    """When a lifecycle action falls due for one upload or object, and the rule that says so."""

    at: dt.datetime
    rule_id: str


@dataclass(frozen=True, slots=True)
class LifecycleAction:
    """What the store did when the clock passed a date: for the journal."""

    action: str  # ABORT or EXPIRATION
    bucket: str
    key: str
    rule_id: str
    upload_id: str | None = None
    version_id: str | None = None  # the delete marker an expiration added (versioned buckets)


def due_date(start: dt.datetime, days: int) -> dt.datetime:
    """S3's date for "``days`` after ``start``": the next midnight UTC after ``start + days``."""
    moment = start.astimezone(dt.timezone.utc) + dt.timedelta(days=days)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + dt.timedelta(days=1)


def abort_due(config: LifecycleConfiguration | None, key: str, initiated: dt.datetime) -> Due | None:
    """When an upload of ``key`` initiated at ``initiated`` is aborted: the earliest enabled rule with
    an AbortIncompleteMultipartUpload action whose prefix matches (None: never)."""
    if config is None:
        return None
    found: Due | None = None
    for rule in config.rules:
        if rule.enabled and rule.abort_days is not None and rule.filter.matches_key(key):
            due = Due(due_date(initiated, rule.abort_days), rule.id)
            if found is None or due.at < found.at:
                found = due
    return found


def expiry_due(
    config: LifecycleConfiguration | None,
    key: str,
    tags: Sequence[tuple[str, str]],
    size: int,
    modified: dt.datetime,
) -> Due | None:
    """When the current object at ``key`` expires, and by which rule: the earliest enabled Expiration
    (Days or Date) whose filter matches its key, tags and size; between rules due the same day, the first
    in the configuration (None: never; an ExpiredObjectDeleteMarker rule gives no date). This is both
    when ``apply_lifecycle`` deletes it and what x-amz-expiration shows for it [LS-AWS:
    TestS3BucketLifecycle.test_bucket_lifecycle_multiple_rules, _tag_rules, _object_size_rules,
    test_lifecycle_expired_object_delete_marker, recorded 2026-02-21; AWS user guide "How Amazon S3
    handles conflicts in lifecycle configurations": the shorter expiration is honoured]."""
    if config is None:
        return None
    found: Due | None = None
    for rule in config.rules:
        if not rule.enabled or not rule.filter.matches_object(key, tags, size):
            continue
        if rule.expiration_days is not None:
            at = due_date(modified, rule.expiration_days)
        elif rule.expiration_date is not None:
            at = rule.expiration_date
        else:
            continue
        if found is None or at < found.at:
            found = Due(at, rule.id)
    return found


# -- checking a configuration ----------------------------------------------------------------------


def _positive(text: str | None, message: str, name: str) -> int:
    """A positive integer, or InvalidArgument; text that is no integer is MalformedXML."""
    if text is None or not text.strip().lstrip("-").isdigit():
        raise errors.MalformedXML()
    value = int(text)
    if value <= 0:
        raise errors.InvalidArgument(message, name, text)
    return value


def _size(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit():
        raise errors.MalformedXML()
    return int(text)


def _date(text: str) -> tuple[dt.datetime, str]:
    """An Expiration Date: ISO 8601, and at midnight GMT (InvalidArgument naming Date otherwise)."""
    try:
        moment = clock.parse_iso_lenient(text)
    except ValueError:
        raise errors.MalformedXML() from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    moment = moment.astimezone(dt.timezone.utc)
    if (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0):
        raise errors.InvalidArgument(errors.LIFECYCLE_DATE_MIDNIGHT, "Date", text)
    return moment, text


def _filter(spec: Mapping[str, Any] | None, legacy_prefix: str | None) -> LifecycleFilter:
    """A rule's filter: exactly one of Prefix, Tag, the two sizes or And in Filter; or the legacy
    Prefix beside it (never both); MalformedXML otherwise (recorded: no Filter, And + Prefix, size +
    Prefix)."""
    if spec is None:
        if legacy_prefix is None:
            raise errors.MalformedXML()
        return LifecycleFilter(prefix=legacy_prefix, given="Prefix")
    if legacy_prefix is not None:
        raise errors.MalformedXML()
    kinds = tuple(kind for kind in _FILTER_KINDS if kind in spec)
    if len(kinds) > 1:
        raise errors.MalformedXML()
    if kinds == ("And",):
        inner = spec["And"]
        return _filter_fields(inner, given_kinds=("And", *(k for k in _FILTER_KINDS if k in inner)))
    return _filter_fields(spec, given_kinds=kinds)


def _filter_fields(spec: Mapping[str, Any], given_kinds: tuple[str, ...]) -> LifecycleFilter:
    tags: list[tuple[str, str]] = list(spec.get("Tag", []))
    if len({name for name, _ in tags}) != len(tags):
        raise errors.InvalidRequest(errors.LIFECYCLE_DUPLICATE_TAG_KEYS)
    return LifecycleFilter(
        prefix=spec.get("Prefix") or "",
        tags=tuple(tags),
        size_greater_than=_size(spec.get("ObjectSizeGreaterThan")),
        size_less_than=_size(spec.get("ObjectSizeLessThan")),
        kinds=given_kinds,
    )


def _rule(spec: Mapping[str, Any]) -> LifecycleRule:
    status = spec.get("Status")
    if status not in STATUSES:
        raise errors.MalformedXML()
    rule_filter = _filter(spec.get("Filter"), spec.get("Prefix"))
    rule_id = spec.get("ID")
    if rule_id is None:
        rule_id = secrets.token_hex(24)  # S3 names a rule sent without an ID
    if len(rule_id) > MAX_ID:
        raise errors.InvalidArgument(errors.LIFECYCLE_ID_TOO_LONG, "ID", rule_id)
    expiration = spec.get("Expiration")
    days = date = date_text = marker = None
    if expiration is not None:
        given = [name for name in ("Days", "Date", "ExpiredObjectDeleteMarker") if name in expiration]
        if len(given) != 1:  # none, or two of them (recorded: Days + ExpiredObjectDeleteMarker)
            raise errors.MalformedXML()
        if "Days" in expiration:
            days = _positive(expiration["Days"], errors.LIFECYCLE_EXPIRATION_DAYS, "Days")
        elif "Date" in expiration:
            date, date_text = _date(expiration["Date"])
        else:
            if expiration["ExpiredObjectDeleteMarker"] not in ("true", "false"):
                raise errors.MalformedXML()
            marker = expiration["ExpiredObjectDeleteMarker"] == "true"
    abort_days = None
    abort = spec.get(ABORT)
    if abort is not None:
        if "DaysAfterInitiation" not in abort:
            raise errors.MalformedXML()
        if rule_filter.tags:
            raise errors.InvalidRequest(errors.LIFECYCLE_ABORT_WITH_TAGS)
        if rule_filter.size_greater_than is not None or rule_filter.size_less_than is not None:
            raise errors.InvalidRequest(errors.LIFECYCLE_ABORT_WITH_SIZE)
        abort_days = _positive(
            abort["DaysAfterInitiation"], errors.LIFECYCLE_ABORT_DAYS, "DaysAfterInitiation"
        )
    noncurrent = [node for name, node in spec.get("kept", ()) if name == "NoncurrentVersionExpiration"]
    for node in noncurrent:  # recorded: neither NoncurrentDays nor NewerNoncurrentVersions
        if not isinstance(node, Mapping) or not ({"NoncurrentDays", "NewerNoncurrentVersions"} & set(node)):
            raise errors.MalformedXML()
    if expiration is None and abort is None and not spec.get("kept"):
        raise errors.InvalidRequest(errors.LIFECYCLE_NO_ACTION)
    return LifecycleRule(
        id=rule_id,
        enabled=status == "Enabled",
        filter=rule_filter,
        abort_days=abort_days,
        expiration_days=days,
        expiration_date=date,
        expiration_date_text=date_text,
        expired_object_delete_marker=marker,
        kept=tuple(spec.get("kept", ())),
    )


def build(specs: Sequence[Mapping[str, Any]], min_object_size: str | None = None) -> LifecycleConfiguration:
    """A configuration from its rules as the protocol layer read them (``ID``, ``Status``, ``Prefix``,
    ``Filter``, ``Expiration``, ``AbortIncompleteMultipartUpload`` as text or dicts of text; ``kept``:
    the other actions as (name, node) pairs), checked in S3's order; nothing is changed on error."""
    if not 1 <= len(specs) <= MAX_RULES:
        raise errors.MalformedXML()
    if min_object_size is not None and min_object_size not in MIN_SIZES:
        raise errors.lifecycle_min_size(min_object_size)
    rules = tuple(_rule(spec) for spec in specs)
    ids = [rule.id for rule in rules]
    duplicate = next((rule_id for rule_id in ids if ids.count(rule_id) > 1), None)
    if duplicate is not None:
        raise errors.InvalidArgument(errors.LIFECYCLE_DUPLICATE_ID, "ID", duplicate)
    return LifecycleConfiguration(rules, min_object_size or MIN_SIZE_DEFAULT)
