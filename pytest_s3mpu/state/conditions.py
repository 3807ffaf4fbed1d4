"""Conditional writes (If-Match / If-None-Match on PutObject and CompleteMultipartUpload) and
copy-source conditions.

Layer 2 (store): plain values in, ``S3Error`` out. Spec §5.3: S3 accepts only ``If-None-Match: *`` and
``If-Match: <etag>`` on writes; other forms are 501 NotImplemented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import parsedate_to_datetime

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.errors import Condition
from pytest_s3mpu.state.model import StoredObject


def _unquote(etag: str) -> str:
    etag = etag.strip()
    if len(etag) >= 2 and etag[0] == etag[-1] == '"':
        return etag[1:-1]
    return etag


def check_write(
    key: str,
    current: StoredObject | None,
    if_match: str | None,
    if_none_match: str | None,
    conflict: bool = False,
) -> None:
    """Spec §5.3, in order: header forms (501), then the condition (412 / 404), then the conflict (409).

    :param current: the object now at the key (None if there is none).
    :param conflict: the key was written or deleted after the upload began (Complete only).
    """
    if if_match is None and if_none_match is None:
        return
    if if_match is not None and if_none_match is not None:
        raise errors.not_implemented_header(Condition.BOTH_MATCHES, errors.CONDITIONS_BOTH)
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise errors.condition_value_refused(Condition.IF_NONE_MATCH)
        if current is not None:
            raise errors.PreconditionFailed(Condition.IF_NONE_MATCH)
        if conflict:
            raise errors.ConditionalRequestConflict(Condition.IF_NONE_MATCH, key)
        return
    assert if_match is not None
    if if_match.strip() == "*":
        raise errors.condition_value_refused(Condition.IF_MATCH)
    if current is None:
        raise errors.NoSuchKey(key)
    if _unquote(if_match) != current.etag:
        raise errors.PreconditionFailed(Condition.IF_MATCH)
    if conflict:
        raise errors.ConditionalRequestConflict(Condition.IF_MATCH, key)


def _date(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


def check_copy_source(
    source: StoredObject,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
    now: dt.datetime | None = None,
) -> None:
    """``x-amz-copy-source-if-*`` on CopyObject and UploadPartCopy: a failed condition is 412.

    As S3 documents: if-match true with if-unmodified-since false copies; if-none-match false with
    if-modified-since true fails (if-match / if-none-match decide when both kinds are given). An
    if-modified-since date after ``now`` is ignored (research copy_attrs_sse §1.6, LS
    "copy-ignore-future-modified-since").
    """
    if if_match is not None:
        candidates = {_unquote(c) for c in if_match.split(",")}
        if source.etag not in candidates and "*" not in candidates:
            raise errors.PreconditionFailed(Condition.COPY_SOURCE_IF_MATCH)
    elif (since := _date(if_unmodified_since)) is not None and source.last_modified > since:
        raise errors.PreconditionFailed(Condition.COPY_SOURCE_IF_UNMODIFIED_SINCE)
    if if_none_match is not None:
        candidates = {_unquote(c) for c in if_none_match.split(",")}
        if source.etag in candidates or "*" in candidates:
            raise errors.PreconditionFailed(Condition.COPY_SOURCE_IF_NONE_MATCH)
    elif (
        (since := _date(if_modified_since)) is not None
        and (now is None or since <= now)
        and source.last_modified <= since
    ):
        raise errors.PreconditionFailed(Condition.COPY_SOURCE_IF_MODIFIED_SINCE)


def check_delete(current: StoredObject | None, if_match: str | None, directory_only: Sequence[str]) -> None:
    """DeleteObject's If-Match: 412 when the current object's ETag differs; a missing key deletes as
    ever (API reference DeleteObject: "If the ETag matches or if the object doesn't exist, the operation
    will return a 204"). ``*`` matches any object (RFC 9110 §13.1.1).

    :param directory_only: the directory-bucket condition headers the request carries (501 NotImplemented).
    """
    # 501 on a general purpose bucket, checked in this order before If-Match [LS-AWS:
    # TestS3DeletePrecondition, recorded 2026-02-21].
    for header in errors.DIRECTORY_BUCKET_DELETE_CONDITIONS:
        if header in directory_only:
            raise errors.NotImplementedByS3(Header=header)
    if if_match is None or current is None or if_match.strip() == "*":
        return
    if _unquote(if_match) != current.etag:
        raise errors.PreconditionFailed(Condition.IF_MATCH)
