"""Prefix, delimiter and page-size rules shared by ListObjects(V2), ListObjectVersions and
ListMultipartUploads.

Layer 2 (store): pure functions over entries already sorted and already past the caller's marker.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from . import errors

T = TypeVar("T")


@dataclass(slots=True)
class Page(Generic[T]):
    """One page: items and common prefixes in key order, and where the page stopped.

    :param last_key: the key (or common prefix) of the page's last entry, for the next marker.
    :param last_item: the last item returned or folded into the last prefix.
    """

    items: list[T] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last_key: str | None = None
    last_item: T | None = None

    @property
    def count(self) -> int:
        return len(self.items) + len(self.prefixes)


def paginate(
    entries: Iterable[tuple[str, T]], prefix: str, delimiter: str | None, max_entries: int
) -> Page[T]:
    """Fold keys that contain ``delimiter`` after ``prefix`` into common prefixes; stop at ``max_entries``.

    Each common prefix counts as one entry (spec §8; AWS docs ListObjectsV2).
    """
    page: Page[T] = Page()
    if max_entries <= 0:
        # max-keys=0 is an empty page that is not truncated (ceph test_bucket_list_maxkeys_zero).
        return page
    current_prefix: str | None = None
    for key, item in entries:
        if not key.startswith(prefix):
            continue
        folded: str | None = None
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                folded = key[: cut + len(delimiter)]
        if folded is not None and folded == current_prefix:
            page.last_item = item
            continue
        if page.count >= max_entries:
            page.truncated = True
            break
        if folded is not None:
            current_prefix = folded
            page.prefixes.append(folded)
            page.last_key = folded
        else:
            current_prefix = None
            page.items.append(item)
            page.last_key = key
        page.last_item = item
    return page


def after_marker(key: str, marker: str, delimiter: str | None) -> bool:
    """Whether ``key`` comes after ``marker``; a marker that is a common prefix skips its whole group."""
    if key <= marker:
        return False
    return not (delimiter and marker.endswith(delimiter) and key.startswith(marker))


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
