"""Object Lock's rules: a bucket's lock configuration, an object version's retention and legal hold, and
when a version may be deleted or its retention changed.

Layer 2 (store): plain values in, ``S3Error`` raised, no HTTP. Times come from the store's movable clock,
so a test moves past a RetainUntilDate instead of sleeping. Sources: LocalStack's recordings of AWS
(TestS3ObjectLock, TestS3ObjectLockRetention, TestS3ObjectLockLegalHold, recorded 2026-02-21) and AWS's
API reference; the details and the order of checks are in docs/features/object-lock.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pytest_s3mpu.state import errors

GOVERNANCE = "GOVERNANCE"
COMPLIANCE = "COMPLIANCE"
MODES = (GOVERNANCE, COMPLIANCE)
HOLD_ON, HOLD_OFF = "ON", "OFF"
HOLD_STATUSES = (HOLD_ON, HOLD_OFF)
MAX_DAYS = 36500  # a default retention S3 accepts: at most 100 years
MAX_YEARS = 100


@dataclass(frozen=True, slots=True)
class Retention:
    """A version's retention: protected until ``until`` (GOVERNANCE yields to a bypass, COMPLIANCE never)."""

    mode: str
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class ObjectLock:
    """One version's lock state. ``legal_hold`` is None until one was ever set (S3 then reports none)."""

    retention: Retention | None = None
    legal_hold: str | None = None

    def active_retention(self, now: dt.datetime) -> Retention | None:
        """The retention while it protects: until its date passes."""
        if self.retention is not None and self.retention.until > now:
            return self.retention
        return None


NO_LOCK = ObjectLock()


@dataclass(frozen=True, slots=True)
class DefaultRetention:
    """A bucket's default retention rule: a mode and a period in days or in years (never both)."""

    mode: str
    days: int | None = None
    years: int | None = None

    def retention_from(self, created: dt.datetime) -> Retention:
        """The retention a new version gets: exactly the period after its creation (recorded: one day
        after LastModified, test_bucket_config_default_retention)."""
        if self.days is not None:
            return Retention(self.mode, created + dt.timedelta(days=self.days))
        years = self.years or 0
        try:
            until = created.replace(year=created.year + years)
        except ValueError:  # 29 February into a year without one
            until = created.replace(year=created.year + years, day=28)
        return Retention(self.mode, until)


@dataclass(frozen=True, slots=True)
class LockConfiguration:
    """A bucket's ObjectLockConfiguration: Object Lock is enabled; ``rule`` is its default retention."""

    rule: DefaultRetention | None = None


ENABLED = LockConfiguration()


# -- the bucket's configuration ---------------------------------------------------------------------


def _period(raw: str | None, name: str, limit: int) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise errors.MalformedXML() from None
    if value <= 0:
        raise errors.InvalidArgumentName(errors.LOCK_PERIOD_NOT_POSITIVE, name)
    if value > limit:
        raise errors.InvalidArgumentName(errors.LOCK_PERIOD_TOO_LARGE, name)
    return value


def configuration(
    enabled: str | None, rule: bool, retention: bool, mode: str | None, days: str | None, years: str | None
) -> LockConfiguration:
    """A PutObjectLockConfiguration document S3 accepts: ``ObjectLockEnabled`` is ``Enabled``; a Rule,
    when sent, holds a DefaultRetention with a known Mode and exactly one of Days or Years. Anything
    else is MalformedXML [LS-AWS: test_put_object_lock_configuration_exc, recorded 2026-02-21].

    :param rule: a Rule element was sent; ``retention``: it held a DefaultRetention.
    """
    if enabled != "Enabled":
        raise errors.MalformedXML()
    if not rule:
        return ENABLED
    if not retention or mode not in MODES or (days is None) == (years is None):
        raise errors.MalformedXML()
    return LockConfiguration(
        DefaultRetention(mode, _period(days, "Days", MAX_DAYS), _period(years, "Years", MAX_YEARS))
    )


def check_can_configure(versioning_enabled: bool) -> None:
    """Object Lock is enabled on an existing bucket only while its versioning is Enabled [LS-AWS:
    test_put_object_lock_configuration_on_existing_bucket, recorded 2026-02-21]."""
    if not versioning_enabled:
        raise errors.InvalidBucketState(errors.LOCK_NEEDS_VERSIONING)


def check_versioning_change(config: LockConfiguration | None, enabling: bool) -> None:
    """A bucket with Object Lock stays versioning-Enabled [LS-AWS: test_disable_versioning_on_locked_bucket,
    recorded 2026-02-21]."""
    if config is not None and not enabling:
        raise errors.InvalidBucketState(errors.LOCK_VERSIONING_FIXED)


# -- a write's lock headers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LockRequest:
    """The x-amz-object-lock-* headers of a write (PutObject, CreateMultipartUpload, CopyObject), as sent."""

    mode: str | None = None
    until: str | None = None
    legal_hold: str | None = None

    @property
    def given(self) -> bool:
        return self.mode is not None or self.until is not None or self.legal_hold is not None


def parse_date(raw: str) -> dt.datetime | None:
    """An ISO 8601 date as S3 reads RetainUntilDate (``2030-01-01T00:00:00Z``, fractions and offsets
    allowed); None when it is not one. A date without a zone is UTC."""
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


def requested_lock(request: LockRequest, now: dt.datetime) -> ObjectLock | None:
    """The lock a write asks for, checked before the bucket's lock is looked at; None when it asks for none.

    Mode and date come together (InvalidArgument naming the missing one); the mode is GOVERNANCE or
    COMPLIANCE ("Unknown wormMode directive."); the date in the future [LS-AWS:
    test_s3_object_lock_mode_validation, test_bucket_config_default_retention, recorded 2026-02-21].
    """
    if not request.given:
        return None
    if request.mode is not None and request.until is None:
        raise errors.InvalidArgumentName(errors.LOCK_BOTH_HEADERS, errors.LOCK_UNTIL_HEADER)
    if request.until is not None and request.mode is None:
        raise errors.InvalidArgumentName(errors.LOCK_BOTH_HEADERS, errors.LOCK_MODE_HEADER)
    retention = None
    if request.mode is not None and request.until is not None:
        if request.mode not in MODES:
            raise errors.InvalidArgument(errors.LOCK_UNKNOWN_MODE, errors.LOCK_MODE_HEADER, request.mode)
        until = parse_date(request.until)
        if until is None:
            raise errors.InvalidArgument(errors.LOCK_DATE_FORMAT, errors.LOCK_UNTIL_HEADER, request.until)
        if until <= now:
            raise errors.InvalidArgument(errors.LOCK_DATE_PAST, errors.LOCK_UNTIL_HEADER, request.until)
        retention = Retention(request.mode, until)
    hold = request.legal_hold
    if hold is not None and hold not in HOLD_STATUSES:
        raise errors.InvalidArgument(errors.LOCK_HOLD_VALUE, errors.LOCK_HOLD_HEADER, hold)
    return ObjectLock(retention, hold)


def check_bucket_takes(config: LockConfiguration | None, asked: ObjectLock | None) -> None:
    """Lock headers on a bucket without Object Lock are refused (InvalidRequest, the message recorded for
    the retention and legal-hold APIs on such a bucket)."""
    if asked is not None and config is None:
        raise errors.InvalidRequest(errors.LOCK_MISSING_CONFIGURATION)


def needs_digest(config: LockConfiguration | None, asked: ObjectLock | None) -> bool:
    """Whether a PutObject must carry Content-MD5 or an x-amz-checksum-*: it has lock parameters, its
    own or the bucket's default retention (AWS PutObject reference; the InvalidRequest AWS answers is
    quoted in versity/versitygw#1535 and aws/aws-sdk-php#1694)."""
    return config is not None and (asked is not None or config.rule is not None)


def new_version_lock(
    config: LockConfiguration | None, asked: ObjectLock | None, created: dt.datetime
) -> ObjectLock:
    """The lock a new version gets: the request's, the bucket's default retention when the request
    names no retention of its own."""
    lock = asked or NO_LOCK
    if config is not None and config.rule is not None and lock.retention is None:
        lock = ObjectLock(config.rule.retention_from(created), lock.legal_hold)
    return lock


# -- enforcement --------------------------------------------------------------------------------------


def check_bypass_allowed(config: LockConfiguration | None, bypass_sent: bool) -> None:
    """x-amz-bypass-governance-retention, true or false, on a bucket without Object Lock is refused
    [LS-AWS: test_delete_object_with_no_locking, recorded 2026-02-21]."""
    if bypass_sent and config is None:
        raise errors.InvalidArgumentName(errors.LOCK_BYPASS_NOT_APPLICABLE, errors.LOCK_BYPASS_HEADER)


def protected(lock: ObjectLock, now: dt.datetime, bypass: bool) -> bool:
    """Whether a version may not be deleted: a legal hold ON, or a retention not yet past (GOVERNANCE
    yields to a bypass, COMPLIANCE to nothing) [LS-AWS: test_s3_object_retention,
    test_s3_object_retention_compliance_mode, test_delete_locked_object, recorded 2026-02-21]."""
    if lock.legal_hold == HOLD_ON:
        return True
    active = lock.active_retention(now)
    return active is not None and (active.mode == COMPLIANCE or not bypass)


def check_delete(lock: ObjectLock, now: dt.datetime, bypass: bool) -> None:
    if protected(lock, now, bypass):
        raise errors.AccessDenied(errors.LOCK_PROTECTED)


def retention(mode: str | None, until: str | None, now: dt.datetime) -> Retention | None:
    """A PutObjectRetention document's retention: none when both are absent (removing it); else both,
    a known mode, an ISO date (MalformedXML otherwise) in the future (InvalidArgument naming it as S3
    does) [LS-AWS: test_s3_object_retention_exc, recorded 2026-02-21]."""
    if mode is None and until is None:
        return None
    if mode not in MODES or until is None:
        raise errors.MalformedXML()
    parsed = parse_date(until)
    if parsed is None:
        raise errors.MalformedXML()
    if parsed <= now:
        raise errors.InvalidArgument(errors.LOCK_DATE_PAST, "RetainUntilDate", errors.java_date(parsed))
    return Retention(mode, parsed)


def check_retention_change(
    current: Retention | None, new: Retention | None, now: dt.datetime, bypass: bool
) -> None:
    """A retention in force may be extended (a later or equal date, the same mode or GOVERNANCE to
    COMPLIANCE); shortening it, removing it or weakening its mode is AccessDenied - allowed for
    GOVERNANCE with a bypass, never for COMPLIANCE [LS-AWS: test_object_lock_extend_duration,
    test_s3_object_retention_compliance_mode, test_s3_object_retention, recorded 2026-02-21]."""
    if current is None or current.until <= now:
        return
    extends = (
        new is not None
        and new.until >= current.until
        and (new.mode == current.mode or new.mode == COMPLIANCE)
    )
    if extends or (current.mode == GOVERNANCE and bypass):
        return
    raise errors.AccessDenied(errors.LOCK_PROTECTED)


def legal_hold(status: str | None) -> str:
    """A PutObjectLegalHold document's Status: ON or OFF, else MalformedXML [LS-AWS:
    test_put_object_legal_hold_exc, recorded 2026-02-21]."""
    if status not in HOLD_STATUSES:
        raise errors.MalformedXML()
    return status


def check_bucket_has_lock(config: LockConfiguration | None) -> LockConfiguration:
    """The retention and legal-hold APIs need a bucket with Object Lock [LS-AWS:
    test_s3_object_retention_exc, test_put_object_legal_hold_exc, recorded 2026-02-21]."""
    if config is None:
        raise errors.InvalidRequest(errors.LOCK_MISSING_CONFIGURATION)
    return config
