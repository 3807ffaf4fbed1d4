"""Prefix, delimiter, marker and page-size rules shared by ListObjects(V2), ListObjectVersions and
ListMultipartUploads.

Layer 2 (store): pure functions over a sorted index the caller can seek in. A page costs one seek, one
more per common prefix (its whole group is jumped over), and one step per entry it returns: never a scan
of the bucket. Keys compare as Python ``str``: code-point order, which is S3's UTF-8 byte order.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pytest_s3mpu.state import errors

T = TypeVar("T")

_MAX_CHAR = chr(0x10FFFF)


@dataclass(slots=True)
class Page(Generic[T]):
    """One page: items and common prefixes in key order, and where the page stopped.

    :param last_key: the key (or common prefix) of the page's last entry, for the next marker.
    :param ends_with_prefix: whether that last entry is a common prefix.
    """

    items: list[T] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last_key: str | None = None
    ends_with_prefix: bool = False

    @property
    def count(self) -> int:
        return len(self.items) + len(self.prefixes)


def rolled_up(key: str, prefix: str, delimiter: str | None) -> str | None:
    """The common prefix ``key`` folds into under ``prefix`` and ``delimiter``, or None."""
    if not delimiter or not key.startswith(prefix):
        return None
    cut = key.find(delimiter, len(prefix))
    return key[: cut + len(delimiter)] if cut >= 0 else None


def group_end(group: str) -> str | None:
    """The smallest string after every string that begins with ``group`` (None: there is none)."""
    stem = group.rstrip(_MAX_CHAR)
    if not stem:
        return None
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def first_key(marker: str | None, prefix: str, delimiter: str | None) -> str | None:
    """The smallest key a page that resumes after ``marker`` may list (None: none can follow it).

    Keys come strictly after the marker, and a marker inside a group that rolls up into a common prefix
    (the common prefix itself, or any key under it) skips the rest of that group: its prefix was already
    listed [LS-AWS: test_list_objects_marker_common_prefixes, test_list_multipart_uploads_marker_common_
    prefixes, test_list_object_versions_pagination_common_prefixes; recorded 2026-02-21].
    """
    if not marker:
        return prefix
    group = rolled_up(marker, prefix, delimiter)
    after = group_end(group) if group is not None else marker + "\0"  # the next string after the marker
    if after is None:
        return None
    return max(after, prefix)


def paginate(
    entries: Iterable[tuple[str, T]],
    seek: Callable[[str], Iterator[tuple[str, T]]],
    prefix: str,
    delimiter: str | None,
    max_entries: int,
) -> Page[T]:
    """Fold keys that contain ``delimiter`` after ``prefix`` into common prefixes; stop at ``max_entries``.

    ``entries`` are (key, item) in key order from where the page starts: past the marker, none before
    ``prefix``. ``seek(key)`` gives the index's entries from ``key`` on; it jumps over a common prefix's
    group. Each common prefix counts as one entry (spec §8; AWS docs ListObjectsV2).
    """
    page: Page[T] = Page()
    if max_entries <= 0:
        # max-keys=0 is an empty page that is not truncated (ceph test_bucket_list_maxkeys_zero).
        return page
    items, prefixes = page.items, page.prefixes
    count = 0
    iterator = iter(entries)
    while (entry := next(iterator, None)) is not None:
        key, item = entry
        if not key.startswith(prefix):
            break  # the index is sorted: the keys that begin with the prefix are one run
        if count >= max_entries:
            page.truncated = True
            break
        count += 1
        folded = rolled_up(key, prefix, delimiter) if delimiter else None
        if folded is None:
            items.append(item)
            page.last_key, page.ends_with_prefix = key, False
            continue
        prefixes.append(folded)
        page.last_key, page.ends_with_prefix = folded, True
        after = group_end(folded)
        if after is None:
            break
        iterator = seek(after)
    return page


_TOKEN_TAG = b"s3mpu-token:"


def encode_token(key: str) -> str:
    """A ListObjectsV2 continuation token: opaque to clients, tagged so that a token this endpoint did
    not issue is recognised."""
    return base64.urlsafe_b64encode(_TOKEN_TAG + key.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str:
    """The key a continuation token resumes after; InvalidArgument for one not issued here."""
    try:
        raw = base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True)
        if not raw.startswith(_TOKEN_TAG):
            raise ValueError(token)
        return raw[len(_TOKEN_TAG) :].decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise errors.InvalidContinuationToken() from None
