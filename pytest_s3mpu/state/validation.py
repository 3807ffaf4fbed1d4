"""Strict readings of the values clients send: decimal numbers, bucket names, list limits.

Layer 2 (store). Python's ``int()`` accepts ``"\u0661"`` (Arabic-Indic one), ``" 1"``, ``"+1"`` and ``"1_0"``;
S3 accepts none of them, so numbers are read here as plain ASCII digits only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote_to_bytes

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.errors import MAX_INT32

_DECIMAL = re.compile(r"-?[0-9]+\Z", re.ASCII)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z", re.ASCII)
_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\Z", re.ASCII)
# A region name as S3 spells one (``eu-west-1``, ``us-gov-west-1``, ``ap-southeast-5``) or the legacy ``EU``.
_REGION = re.compile(r"(?:EU|[a-z]{2}(?:-[a-z]+)+-[0-9]+)\Z", re.ASCII)


def is_region(name: str) -> bool:
    """Whether ``name`` is spelled as an AWS Region is (``eu-west-1``; not the legacy ``EU``)."""
    return name != "EU" and _REGION.match(name) is not None


def parse_decimal(raw: str | None) -> int | None:
    """The integer ``raw`` spells in ASCII decimal (an optional ``-``), else None."""
    if raw is not None and raw.isdigit() and raw.isascii() and len(raw) <= 24:
        return int(raw)  # the common case, without the regex: a 10,000-part Complete has 10,000
    if raw is None or not _DECIMAL.match(raw) or len(raw) > 24:
        return None
    return int(raw)


def part_number(raw: str | None, max_part_number: int) -> int:
    """A part number in 1..max, or InvalidArgument naming the raw value (spec §3 step 2)."""
    number = parse_decimal(raw)
    if number is None or not 1 <= number <= max_part_number:
        raise errors.invalid_part_number(raw)
    return number


def list_limit(name: str, raw: str | None, default: int, cap: int) -> int:
    """A max-parts / max-uploads / max-keys value, clamped to ``cap`` (spec §7, §8).

    An empty value counts as absent (LS-AWS test_list_parts_empty_part_number_marker, recorded 2026-02-21:
    ``max-parts=`` is 200 with MaxParts 1000).
    """
    if raw is None or raw == "":
        return default
    value = _non_negative_int32(name, raw)
    return min(value, cap)


def list_marker(name: str, raw: str | None) -> int:
    """A numeric marker such as part-number-marker; 0 when absent (spec §7)."""
    if raw is None or raw == "":
        return 0
    return _non_negative_int32(name, raw)


def _non_negative_int32(name: str, raw: str) -> int:
    value = parse_decimal(raw)
    if value is None or value > MAX_INT32:
        raise errors.not_an_int32(name, raw)
    if value < 0 or raw.startswith("-"):  # "-0" too: only plain digits name a non-negative number
        raise errors.negative_int32(name, raw)
    return value


def encoding_type(value: str | None) -> str | None:
    """``encoding-type`` of the list operations: only ``url`` (spec §8)."""
    if value is not None and value != "url":
        raise errors.InvalidArgument(errors.ENCODING_TYPE_INVALID, "encoding-type", value)
    return value


def version_id_marker(key_marker: str, version_marker: str | None) -> None:
    """ListObjectVersions: a version-id marker needs a key marker (research basic_ops §5)."""
    if version_marker and not key_marker:
        raise errors.InvalidArgument(
            errors.VERSION_ID_MARKER_WITHOUT_KEY_MARKER,
            "version-id-marker",
            version_marker,
        )


def bucket_name(name: str) -> None:
    """InvalidBucketName unless ``name`` follows S3's general-purpose bucket naming rules."""
    if (
        not _BUCKET.match(name)
        or ".." in name
        or ".-" in name
        or "-." in name
        or _IPV4.match(name)
        or name.startswith("xn--")
        or name.endswith("-s3alias")
    ):
        raise errors.InvalidBucketName(name)


def location_constraint(constraint: str) -> None:
    """InvalidLocationConstraint for a constraint that is no region name: ``foo``, ``aws-global`` and, since
    request XML is read exactly (spec §1.3a), `` eu-west-1`` [LS-AWS: test_create_bucket_with_invalid_
    location_constraint[us-east-1-foo], test_bucket_constraint_aws_global[us-east-1], recorded 2026-02-21]."""
    if not _REGION.match(constraint):
        raise errors.InvalidLocationConstraint(constraint)


def object_key(key: str, max_length: int) -> None:
    """KeyTooLongError for keys over S3's 1024 bytes of UTF-8."""
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > max_length:
        raise errors.KeyTooLongError(size, max_length)


# The classes a general purpose bucket stores (API reference PutObject, x-amz-storage-class); OUTPOSTS
# (S3 on Outposts), EXPRESS_ONEZONE (directory buckets), SNOW and FSX_* name other products' storage.
STORAGE_CLASSES = frozenset(
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "DEEP_ARCHIVE",
        "GLACIER_IR",
    }
)


def storage_class(raw: str | None) -> str:
    """``x-amz-storage-class`` of a new object, STANDARD when absent; InvalidStorageClass for one a
    general purpose bucket does not take [LS-AWS: test_put_object_storage_class_outposts, recorded
    2026-02-21]."""
    if raw is None or raw == "":
        return "STANDARD"
    if raw not in STORAGE_CLASSES:
        raise errors.InvalidStorageClass(raw)
    return raw


_COPY_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]+)\Z", re.ASCII)
_ESCAPE = re.compile(r"%(?![0-9a-fA-F]{2})")


def copy_source(raw: str) -> tuple[str, str, str | None]:
    """``x-amz-copy-source`` as (bucket, key, versionId), the key URL-decoded exactly once (spec §4).

    ``+`` is a space, as in a form-encoded value: Go's and Java's URL encoders send a space so, and S3
    copies "test key.txt" for ``bucket%2Ftest+key.txt`` [LS-AWS: test_copy_object_special_character_plus_
    for_space, validated 2026-02-21]; a key's own "+" arrives as ``%2B`` (boto3 encodes it so).
    """
    path, _, query = raw.strip().partition("?")
    path = path.removeprefix("/").replace("+", " ")
    if _ESCAPE.search(path):
        raise errors.InvalidArgument(errors.COPY_SOURCE_ENCODING_INVALID, errors.COPY_SOURCE_HEADER, raw)
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise errors.InvalidArgument(
            errors.COPY_SOURCE_ENCODING_INVALID, errors.COPY_SOURCE_HEADER, raw
        ) from None
    bucket, slash, key = decoded.partition("/")
    try:
        bucket_name(bucket)
    except errors.InvalidBucketName:
        raise errors.InvalidArgument(
            errors.COPY_SOURCE_BUCKET_INVALID, errors.COPY_SOURCE_HEADER, raw
        ) from None
    if not slash:  # no bucket/key at all: S3 names the header as the value [LS-AWS:
        # test_s3_copy_object_wrong_format, recorded 2026-02-21]
        raise errors.InvalidArgument(
            errors.COPY_SOURCE_KEY_INVALID, errors.COPY_SOURCE_HEADER, errors.COPY_SOURCE_HEADER
        )
    if not key or any(segment in (".", "..") for segment in key.split("/")):
        raise errors.InvalidArgument(errors.COPY_SOURCE_KEY_INVALID, errors.COPY_SOURCE_HEADER, raw)
    versions = parse_qs(query, keep_blank_values=True).get("versionId")
    if versions == [""]:
        raise errors.InvalidArgument(errors.VERSION_ID_EMPTY, errors.COPY_SOURCE_HEADER, "")
    return bucket, key, versions[0] if versions else None


def no_version_id(version_id: str | None) -> None:
    """UploadPart takes no versionId, not even a real one (a probe of AWS, docs/features/versioning.md)."""
    if version_id is not None:
        raise errors.InvalidArgument(errors.VERSION_ID_NOT_ACCEPTED, "versionId", version_id)


def copy_range(raw: str) -> tuple[int, int]:
    """``x-amz-copy-source-range: bytes=first-last`` with first <= last, nothing else (spec §4 step 4)."""
    match = _COPY_RANGE.match(raw.strip())
    if match is None or int(match.group(1)) > int(match.group(2)):
        raise errors.InvalidArgument(
            errors.COPY_RANGE_FORM_INVALID,
            errors.COPY_SOURCE_RANGE_HEADER,
            raw,
        )
    return int(match.group(1)), int(match.group(2))


def copy_range_fits(raw: str, first: int, last: int, size: int) -> tuple[int, int]:
    """The range against the source's size (spec §4 step 5), as (start, end exclusive)."""
    if first >= size:
        raise errors.InvalidRequest(errors.COPY_RANGE_OUTSIDE_SOURCE)
    if last >= size:
        raise errors.copy_range_beyond_source(size, errors.COPY_SOURCE_RANGE_HEADER, raw)
    return first, last + 1
