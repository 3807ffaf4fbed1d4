"""S3's tag rules: the ``x-amz-tagging`` header, tag sets of objects and buckets, their limits.

Layer 2 (store): plain values in, ``S3Error`` raised. Facts from AWS recordings (LocalStack
test_s3_api.py TestS3BucketObjectTagging, validated 2026-02-23) and the user guide's tag limits; the
page docs/features/tagging.md lists each rule with its source.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote_plus

from pytest_s3mpu.state import errors

TagSet = tuple[tuple[str, str], ...]

MAX_OBJECT_TAGS = 10
MAX_BUCKET_TAGS = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
_ALLOWED_SYMBOLS = frozenset("_.:/=+-@")


def _allowed(text: str) -> bool:
    """Letters, numbers and separators of any script, and ``_ . : / = + - @`` (AWS's tag charset)."""
    return all(c in _ALLOWED_SYMBOLS or unicodedata.category(c)[0] in "LZN" for c in text)


def parse_header(raw: str | None) -> TagSet:
    """``x-amz-tagging`` (URL query form): ``a=1&b`` gives (a, 1), (b, ""); empty items are skipped.

    A character outside the tag charset or a repeated key is InvalidArgument naming the header.
    """
    if raw is None:
        return ()
    tags: list[tuple[str, str]] = []
    for item in raw.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        key, text = unquote_plus(name), unquote_plus(value)
        if not _allowed(key) or not _allowed(text) or any(key == seen for seen, _ in tags):
            raise errors.tagging_header_invalid(raw)
        tags.append((key, text))
    check_object_tags(tags, header=True)
    return tuple(tags)


def _check(
    tags: Sequence[tuple[str, str]], system_message: str, duplicate: type[errors.S3Error] | None = None
) -> None:
    """Each tag in order; ``duplicate``: the error a repeated key is, where it is not InvalidTag."""
    seen: set[str] = set()
    for key, value in tags:
        if key.lower().startswith("aws:"):
            raise errors.InvalidTag(system_message, TagKey=key)
        if len(key) > MAX_KEY_LENGTH:
            raise errors.InvalidTag(errors.TAG_KEY_TOO_LONG, TagKey=key)
        if not key or not _allowed(key):
            raise errors.InvalidTag(errors.TAG_KEY_INVALID, TagKey=key)
        if len(value) > MAX_VALUE_LENGTH:
            raise errors.InvalidTag(errors.TAG_VALUE_TOO_LONG, TagKey=key, TagValue=value)
        if not _allowed(value):
            raise errors.InvalidTag(errors.TAG_VALUE_INVALID, TagKey=key, TagValue=value)
        if key in seen:
            raise (
                duplicate() if duplicate is not None else errors.InvalidTag(errors.TAG_DUPLICATE, TagKey=key)
            )
        seen.add(key)


def check_object_tags(tags: Sequence[tuple[str, str]], header: bool = False) -> TagSet:
    """An object's tag set: at most 10 tags, keys of 1-128 and values of 0-256 characters."""
    if len(tags) > MAX_OBJECT_TAGS:
        raise errors.InvalidTag(errors.OBJECT_TAG_COUNT)
    _check(tags, errors.OBJECT_TAG_SYSTEM)
    return tuple(tags)


def check_bucket_tags(
    tags: Sequence[tuple[str, str]], duplicate: type[errors.S3Error] | None = None
) -> TagSet:
    """A bucket's tag set: at most 50 tags, the same key and value rules as objects."""
    if len(tags) > MAX_BUCKET_TAGS:
        raise errors.InvalidTag(errors.BUCKET_TAG_COUNT)
    _check(tags, errors.BUCKET_TAG_SYSTEM, duplicate)
    return tuple(tags)


def check_create_bucket_tags(tags: Sequence[tuple[str, str]]) -> TagSet:
    """CreateBucket's tags: as PutBucketTagging's, but the ``aws:`` prefix has its own message and no
    TagKey, and a repeated key is S3's 500 InternalError, not InvalidTag: AWS answers it so (LS-AWS
    test_create_bucket_with_tags_exc "tags-key-aws-duplicated-key", 2026-02-23; LocalStack notes AWS
    has answered 500 since November 2025). Nothing is created."""
    for key, _ in tags:
        if key.lower().startswith("aws:"):
            raise errors.InvalidTag(errors.CREATE_BUCKET_TAG_SYSTEM)
    return check_bucket_tags(tags, duplicate=errors.InternalError)


def check_version_id(version_id: str | None) -> None:
    """A ``versionId`` on a bucket that never had versioning: ``null`` names its one version, any other
    id is InvalidArgument (LS-AWS test_get_object_with_version_unversioned_bucket, recorded 2026-02-21).

    Versioned buckets will look the id up instead; this is the unversioned case only.
    """
    if version_id is not None and version_id != "null":
        raise errors.InvalidArgument(errors.INVALID_VERSION_ID, "versionId", version_id)
