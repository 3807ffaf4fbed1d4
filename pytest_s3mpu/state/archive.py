"""Archived objects (GLACIER, DEEP_ARCHIVE): unreadable until restored, and the restore's course in time.

Layer 2 (store), no HTTP. A restore is a request time, a completion time and a number of days; its
state is read off the store's movable clock (``state/clock.py``), so a test moves the clock to see it
finish or expire, never sleeps. The times are S3's documented typical retrieval times (Amazon S3 User
Guide, "Understanding archive retrieval options"), the longest of each range.
"""

from __future__ import annotations

import datetime as dt

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.model import Restore, StoredObject

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})  # storage classes GetObject refuses until restored
TIERS = ("Expedited", "Standard", "Bulk")
DEFAULT_TIER = "Standard"
# How long a restore takes, by storage class and retrieval tier.
RETRIEVAL = {
    ("GLACIER", "Expedited"): dt.timedelta(minutes=5),
    ("GLACIER", "Standard"): dt.timedelta(hours=5),
    ("GLACIER", "Bulk"): dt.timedelta(hours=12),
    # Expedited is not offered for DEEP_ARCHIVE; taken as Standard here (S3's answer is not recorded)
    ("DEEP_ARCHIVE", "Expedited"): dt.timedelta(hours=12),
    ("DEEP_ARCHIVE", "Standard"): dt.timedelta(hours=12),
    ("DEEP_ARCHIVE", "Bulk"): dt.timedelta(hours=48),
}


def is_archived(obj: StoredObject) -> bool:
    return obj.meta.storage_class in ARCHIVED


def check_readable(obj: StoredObject, now: dt.datetime) -> None:
    """GetObject of an archived object not restored (or whose restored copy expired): 403
    InvalidObjectState naming its storage class [LS-AWS: test_put_object_storage_class[GLACIER-False],
    test_s3_get_deep_archive_object_restore, recorded 2026-02-21]."""
    if is_archived(obj) and not (obj.restore is not None and obj.restore.available(now)):
        raise errors.InvalidObjectState(obj.meta.storage_class)


def restore_header(obj: StoredObject, now: dt.datetime) -> str | None:
    """x-amz-restore for GET/HEAD: ``ongoing-request="true"`` while restoring, then
    ``ongoing-request="false", expiry-date="<HTTP date>"`` until the copy expires; None otherwise."""
    restore = obj.restore
    if restore is None or now >= restore.expiry():
        return None
    if restore.ongoing(now):
        return 'ongoing-request="true"'
    expiry = restore.expiry().strftime("%a, %d %b %Y %H:%M:%S GMT")
    return f'ongoing-request="false", expiry-date="{expiry}"'


def request(obj: StoredObject, days: int, tier: str | None, now: dt.datetime) -> tuple[Restore, int]:
    """RestoreObject (API reference): the object's new restore and the status to answer. A new restore
    is 202; one in progress is 409 RestoreAlreadyInProgress; a restored copy gets the new days (200).
    An object not archived is InvalidObjectState."""
    if not is_archived(obj):
        raise errors.InvalidObjectState(obj.meta.storage_class, errors.RESTORE_NOT_ALLOWED)
    current = obj.restore
    if current is not None and current.ongoing(now):
        raise errors.RestoreAlreadyInProgress()
    if current is not None and current.available(now):
        return Restore(current.requested_at, current.ready_at, days), 200
    took = RETRIEVAL[(obj.meta.storage_class, tier or DEFAULT_TIER)]
    return Restore(now, now + took, days), 202


def check_request(days: str | None, tier: str | None) -> tuple[int, str | None]:
    """RestoreRequest's Days (a positive integer) and GlacierJobParameters/Tier; MalformedXML otherwise."""
    if days is None or not days.isdigit() or not days.isascii() or int(days) < 1:
        raise errors.MalformedXML()
    if tier is not None and tier not in TIERS:
        raise errors.MalformedXML()
    return int(days), tier
