"""Object headers: from a request into ``ObjectMeta``, from a stored object back into response headers;
Range and conditional-GET headers.

Layer 3 (protocol). Which header means what is a fact of the wire and lives here; the store sees only
plain fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from email.utils import format_datetime, parsedate_to_datetime
from enum import Enum
from urllib.parse import quote

from pytest_s3mpu.protocol import metadata_values, wire
from pytest_s3mpu.state import access, encryption, object_lock, tagging, validation
from pytest_s3mpu.state.encryption import EncryptionRequest
from pytest_s3mpu.state.errors import Condition
from pytest_s3mpu.state.lifecycle import Due
from pytest_s3mpu.state.model import ObjectChecksum, ObjectMeta, StoredObject

_RANGE = re.compile(r"bytes=(\d*)-(\d*)\Z", re.ASCII)


def http_date(moment: dt.datetime) -> str:
    """RFC 7231 date, as in Last-Modified."""
    return format_datetime(moment.astimezone(dt.timezone.utc), usegmt=True)


def expiration_headers(due: Due | None) -> list[tuple[str, str]]:
    """x-amz-expiration for an object a lifecycle rule expires (none otherwise): the date and the rule's
    id, URL-encoded, as S3 writes it (AWS API reference PutObject / HeadObject, "Expiration":
    ``expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"``)."""
    if due is None:
        return []
    return [(wire.EXPIRATION, f'expiry-date="{http_date(due.at)}", rule-id="{quote(due.rule_id, safe="")}"')]


def iso_time(moment: dt.datetime) -> str:
    """ISO-8601 with milliseconds, as in S3's XML (spec §1.3): ``2026-01-01T00:00:00.000Z``.

    isoformat, not strftime: a fifth of the cost, and a ListParts page formats 1000 of these."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def _strip_aws_chunked(value: str | None) -> str | None:
    """Spec §1.5: ``gzip,aws-chunked`` is stored as ``gzip``, a bare ``aws-chunked`` as nothing; the rest
    is metadata, kept as sent (``deflate, gzip`` keeps its space: AWS PutObject, Content-Encoding;
    ceph test_object_content_encoding_aws_chunked)."""
    if value is None:
        return None
    kept = [part for part in value.split(",") if part.strip() and part.strip() != wire.AWS_CHUNKED]
    return ",".join(kept).strip() or None


def object_meta(
    headers: Mapping[str, str],
    metadata_items: list[tuple[str, str]],
    text_items: list[tuple[str, str]] | None = None,
) -> ObjectMeta:
    """What PutObject / CreateMultipartUpload capture from the request (spec §2).

    :param metadata_items: every request header as (name, value), for the ``x-amz-meta-*`` ones
        (RFC 2047 encoded-words decoded, ``metadata_values.decode``).
    :param text_items: fields that came as text, not header bytes (a POST form's, a presigned URL's
        query), for their ``x-amz-meta-*`` ones, stored as sent (``metadata_values``).
    """
    found: dict[str, str] = {}
    for name, value in metadata_items:
        if name.lower().startswith(wire.META_PREFIX):
            found.setdefault(name.lower()[len(wire.META_PREFIX) :], metadata_values.decode(value))
    for name, value in text_items or ():
        if name.lower().startswith(wire.META_PREFIX):  # a header of the same name comes first
            found.setdefault(name.lower()[len(wire.META_PREFIX) :], value)
    metadata = tuple(found.items())
    return ObjectMeta(
        content_type=headers.get("Content-Type") or "binary/octet-stream",
        content_encoding=_strip_aws_chunked(headers.get("Content-Encoding")),
        content_disposition=headers.get("Content-Disposition"),
        content_language=headers.get("Content-Language"),
        cache_control=headers.get("Cache-Control"),
        expires=headers.get("Expires"),
        metadata=metadata,
        storage_class=validation.storage_class(headers.get(wire.STORAGE_CLASS)),
        tagging=tagging.parse_header(headers.get(wire.TAGGING)),
        website_redirect_location=headers.get(wire.WEBSITE_REDIRECT),
        acl=access.from_headers(headers, access.OWNER_ID),
    )


def object_headers(obj: StoredObject, checksum: ObjectChecksum | None) -> list[tuple[str, str]]:
    """The headers GET and HEAD answer with for a stored object.

    :param checksum: the checksum to report (only with ``x-amz-checksum-mode: ENABLED``), or None.
    """
    meta = obj.meta
    headers = [
        ("ETag", f'"{obj.etag}"'),
        ("Last-Modified", http_date(obj.last_modified)),
        ("Accept-Ranges", "bytes"),
        ("Content-Type", meta.content_type),
    ]
    optional = (
        ("Content-Encoding", meta.content_encoding),
        ("Content-Disposition", meta.content_disposition),
        ("Content-Language", meta.content_language),
        ("Cache-Control", meta.cache_control),
        ("Expires", meta.expires),
        (wire.WEBSITE_REDIRECT, meta.website_redirect_location),
    )
    headers.extend((name, value) for name, value in optional if value is not None)
    headers.extend(
        (f"{wire.META_PREFIX}{name}", metadata_values.encode(value)) for name, value in meta.metadata
    )
    headers.extend(encryption_headers(meta.encryption))
    if meta.storage_class != "STANDARD":
        headers.append((wire.STORAGE_CLASS, meta.storage_class))
    if meta.tagging:
        headers.append((wire.TAGGING_COUNT, str(len(meta.tagging))))
    headers.extend(lock_headers(meta.lock))
    if checksum is not None:
        headers.append((wire.checksum_header(checksum.algorithm), checksum.value))
        headers.append((wire.CHECKSUM_TYPE, checksum.type.value))
    return headers


def lock_headers(lock: object_lock.ObjectLock) -> list[tuple[str, str]]:
    """A version's x-amz-object-lock-* headers (GET and HEAD): its retention, kept after it passed, and
    its legal hold once one was ever set (recorded: OFF once lifted, test_s3_legal_hold_lock_versioned)."""
    found = []
    if lock.retention is not None:
        found.append((wire.OBJECT_LOCK_MODE, lock.retention.mode))
        found.append((wire.OBJECT_LOCK_RETAIN_UNTIL, iso_time(lock.retention.until)))
    if lock.legal_hold is not None:
        found.append((wire.OBJECT_LOCK_LEGAL_HOLD, lock.legal_hold))
    return found


def lock_request(headers: Mapping[str, str]) -> object_lock.LockRequest:
    """The x-amz-object-lock-* headers of a write, as sent; the store decides what they mean."""
    return object_lock.LockRequest(
        headers.get(wire.OBJECT_LOCK_MODE),
        headers.get(wire.OBJECT_LOCK_RETAIN_UNTIL),
        headers.get(wire.OBJECT_LOCK_LEGAL_HOLD),
    )


def bypass_governance(headers: Mapping[str, str]) -> bool | None:
    """x-amz-bypass-governance-retention: None when absent, else whether it says ``true``."""
    value = headers.get(wire.BYPASS_GOVERNANCE)
    return None if value is None else value.strip().lower() == "true"


def copy_source_encryption_request(headers: Mapping[str, str]) -> EncryptionRequest:
    """The SSE-C key a copy sends for its source (``x-amz-copy-source-server-side-encryption-customer-*``)."""
    prefix = "x-amz-copy-source-"
    return EncryptionRequest(
        customer_algorithm=headers.get(prefix + wire.SSE_C_ALGORITHM.removeprefix("x-amz-")),
        customer_key=headers.get(prefix + wire.SSE_C_KEY.removeprefix("x-amz-")),
        customer_key_md5=headers.get(prefix + wire.SSE_C_KEY_MD5.removeprefix("x-amz-")),
    )


def encryption_request(headers: Mapping[str, str]) -> EncryptionRequest:
    """The SSE headers of a request, as sent; the store decides what they mean."""
    return EncryptionRequest(
        sse=headers.get(wire.SSE),
        kms_key_id=headers.get(wire.SSE_KMS_KEY),
        context=headers.get(wire.SSE_CONTEXT),
        bucket_key=headers.get(wire.SSE_BUCKET_KEY),
        customer_algorithm=headers.get(wire.SSE_C_ALGORITHM),
        customer_key=headers.get(wire.SSE_C_KEY),
        customer_key_md5=headers.get(wire.SSE_C_KEY_MD5),
    )


def parse_range(value: str | None, size: int) -> tuple[int, int] | str | None:
    """A single ``bytes=`` range as (start, end exclusive); None to serve the whole object;
    ``"unsatisfiable"`` for a well-formed range that misses the object.

    S3 ignores a Range it cannot parse, or one with several ranges, and serves the whole object.
    """
    if value is None:
        return None
    match = _RANGE.match(value.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0:
            return "unsatisfiable"
        return (max(size - suffix, 0), size) if size else None
    start = int(first)
    end = int(last) + 1 if last else size
    if last and end <= start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size)


def _parse_date(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip().strip('"') for c in header.split(",")]
    return "*" in candidates or etag in candidates


class ReadVerdict(Enum):
    """What GET/HEAD's conditional headers decide when they stop the read: 304, or a 412 naming the
    header that failed (``condition``)."""

    NOT_MODIFIED = None
    IF_MATCH_FAILED = Condition.IF_MATCH
    IF_UNMODIFIED_SINCE_FAILED = Condition.IF_UNMODIFIED_SINCE

    @property
    def condition(self) -> Condition | None:
        failed: Condition | None = self.value
        return failed


def read_condition(headers: Mapping[str, str], obj: StoredObject, now: dt.datetime) -> ReadVerdict | None:
    """RFC 7232 as S3 applies it to GET/HEAD: a ``ReadVerdict``, or None to serve.

    If-Match beats If-Unmodified-Since; If-None-Match beats If-Modified-Since; a future
    If-Modified-Since is ignored.
    """
    if_match = headers.get(Condition.IF_MATCH.value)
    if_none_match = headers.get(Condition.IF_NONE_MATCH.value)
    if if_match is not None and not _etag_matches(if_match, obj.etag):
        return ReadVerdict.IF_MATCH_FAILED
    unmodified = headers.get(Condition.IF_UNMODIFIED_SINCE.value)
    if if_match is None and unmodified is not None:
        date = _parse_date(unmodified)
        if date is not None and obj.last_modified > date:
            return ReadVerdict.IF_UNMODIFIED_SINCE_FAILED
    if if_none_match is not None and _etag_matches(if_none_match, obj.etag):
        return ReadVerdict.NOT_MODIFIED
    modified = headers.get(Condition.IF_MODIFIED_SINCE.value)
    if if_none_match is None and modified is not None:
        date = _parse_date(modified)
        if date is not None and date <= now and obj.last_modified <= date:
            return ReadVerdict.NOT_MODIFIED
    return None


def encryption_headers(found: encryption.Encryption) -> list[tuple[str, str]]:
    """Response headers: SSE-C reports algorithm and key MD5, never the key; otherwise the SSE type."""
    if found.customer_algorithm is not None and found.key_md5 is not None:
        return [(wire.SSE_C_ALGORITHM, found.customer_algorithm), (wire.SSE_C_KEY_MD5, found.key_md5)]
    listed = [(wire.SSE, found.sse)] if found.sse else []
    if found.kms_key_id:
        listed.append((wire.SSE_KMS_KEY, found.kms_key_id))
    if found.bucket_key:
        listed.append((wire.SSE_BUCKET_KEY, found.bucket_key))
    return listed
