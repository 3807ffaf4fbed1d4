"""Property-based tests (hypothesis): the store's indexed listing pages (ListObjects(V2)/ListObjectVersions
and ListMultipartUploads) are exactly the pages of a plain reference: every key sorted by its UTF-8 bytes,
filtered by prefix and marker, folded by delimiter, cut at max-keys. Random key sets, prefixes,
delimiters, markers (keys, common prefixes, keys under them, arbitrary text) and page sizes; and a walk
over every page by the next markers lists each entry once.

The reference is written here from the rules (spec §8; AWS docs ListObjectsV2; the LS-AWS recordings
cited in listing.first_key), not from the store's code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.model import Limits, ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUCKET = "listing"
PAYLOAD = Payload.of(b"x")

# A small alphabet, so keys share prefixes and delimiters often; "é", "\uffff" and U+10FFFF stand for
# multi-byte UTF-8 and for the last code point (where a group's end has no successor to compute).
ALPHABET = ["a", "b", "/", "-", "é", "\uffff", "\U0010ffff"]
keys = st.text(alphabet=ALPHABET, min_size=1, max_size=6)
fragments = st.text(alphabet=ALPHABET, max_size=4)
delimiters = st.sampled_from([None, "/", "-", "a/", "\U0010ffff"])


@dataclass(frozen=True)
class RefPage:
    entries: list[tuple[str, str]]  # ("key", key) or ("prefix", common prefix), in order
    truncated: bool


def _rolled_up(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter or not key.startswith(prefix) or delimiter not in key[len(prefix) :]:
        return None
    return key[: key.index(delimiter, len(prefix)) + len(delimiter)]


def reference(
    names: list[str], prefix: str, delimiter: str | None, marker: str | None, max_keys: int
) -> RefPage:
    """The page by brute force: sort, filter, fold, cut."""
    marker_group = _rolled_up(marker, prefix, delimiter) if marker else None
    entries: list[tuple[str, str]] = []
    for key in sorted(names, key=lambda name: name.encode("utf-8")):
        if not key.startswith(prefix) or (marker and key <= marker):
            continue
        if marker_group is not None and key.startswith(marker_group):
            continue  # the marker's own common prefix was listed already
        folded = _rolled_up(key, prefix, delimiter)
        entry = ("prefix", folded) if folded is not None else ("key", key)
        if entry[0] == "prefix" and entries and entries[-1] == entry:
            continue
        entries.append(entry)
    if max_keys <= 0:
        return RefPage([], False)
    return RefPage(entries[:max_keys], len(entries) > max_keys)


def _store_with(names: list[str]) -> Store:
    store = Store(limits=Limits(min_part_size=1))
    store.create_bucket(BUCKET)
    for name in names:
        store.put_object(BUCKET, name, PAYLOAD, ObjectMeta())
    return store


def _object_entries(page) -> list[tuple[str, str]]:
    listed = [("key", obj.key) for obj in page.objects] + [("prefix", p) for p in page.common_prefixes]
    return sorted(listed, key=lambda entry: entry[1].encode("utf-8"))


@st.composite
def listings(draw):
    names = draw(st.lists(keys, max_size=25, unique=True))
    delimiter = draw(delimiters)
    prefix = draw(st.one_of(fragments, st.sampled_from(names or [""]).map(lambda k: k[: len(k) // 2])))
    candidates = [None, "", *names, *(_rolled_up(n, prefix, delimiter) or n for n in names)]
    marker = draw(st.one_of(st.sampled_from(candidates), fragments, keys))
    max_keys = draw(st.integers(min_value=0, max_value=8))
    return names, prefix, delimiter, marker, max_keys


@FAST
@given(listings())
def test_object_pages_equal_the_reference(case):
    names, prefix, delimiter, marker, max_keys = case
    store = _store_with(names)
    page = store.list_objects(BUCKET, prefix, delimiter, max_keys, marker)
    expected = reference(names, prefix, delimiter, marker, max_keys)
    assert _object_entries(page) == expected.entries
    assert page.truncated is expected.truncated
    assert page.key_count == len(expected.entries)
    assert page.next_marker == (expected.entries[-1][1] if expected.entries else None)
    assert page.ends_with_prefix is (bool(expected.entries) and expected.entries[-1][0] == "prefix")


@FAST
@given(listings())
def test_object_walk_lists_every_entry_once(case):
    """Pages resumed from each page's last entry (NextMarker / a continuation token) add up to the
    whole listing, in order."""
    names, prefix, delimiter, _, max_keys = case
    max_keys = max_keys or 1
    store = _store_with(names)
    walked: list[tuple[str, str]] = []
    marker = None
    for _ in range(len(names) + 2):
        page = store.list_objects(BUCKET, prefix, delimiter, max_keys, marker)
        walked.extend(_object_entries(page))
        if not page.truncated:
            break
        marker = page.next_marker
    assert walked == reference(names, prefix, delimiter, None, 10_000).entries


@st.composite
def upload_listings(draw):
    names = draw(st.lists(keys, min_size=0, max_size=12))  # repeats: several uploads of one key
    delimiter = draw(delimiters)
    prefix = draw(st.one_of(fragments, st.sampled_from(names or [""]).map(lambda k: k[: len(k) // 2])))
    marker_index = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=max(len(names) - 1, 0))))
    key_marker = draw(st.one_of(st.none(), fragments, st.sampled_from(names or [""])))
    max_uploads = draw(st.integers(min_value=0, max_value=6))
    return names, prefix, delimiter, key_marker, marker_index, max_uploads


@FAST
@given(upload_listings())
def test_upload_pages_equal_the_reference(case):
    """ListMultipartUploads: by key, then initiation; a key-marker with an upload-id-marker resumes after
    that upload of that key; next markers name the last upload, or are empty after a common prefix."""
    names, prefix, delimiter, key_marker, marker_index, max_uploads = case
    store = Store(limits=Limits(min_part_size=1))
    store.create_bucket(BUCKET)
    made = [(name, store.create_multipart_upload(BUCKET, name, ObjectMeta()).upload_id) for name in names]
    id_marker = None
    if key_marker and marker_index is not None and made:
        key_marker, id_marker = made[marker_index]
    page = store.list_multipart_uploads(BUCKET, prefix, delimiter, key_marker, id_marker, str(max_uploads))

    ordered = sorted(range(len(made)), key=lambda i: (made[i][0].encode("utf-8"), i))
    group = _rolled_up(key_marker, prefix, delimiter) if key_marker else None
    marked = made.index((key_marker, id_marker)) if id_marker else None
    entries: list[tuple[str, str]] = []
    for i in ordered:
        key, upload_id = made[i]
        if not key.startswith(prefix) or (group is not None and key.startswith(group)):
            continue
        if key_marker and (key < key_marker or (key == key_marker and (marked is None or i <= marked))):
            continue
        folded = _rolled_up(key, prefix, delimiter)
        entry = ("prefix", folded) if folded is not None else ("upload", upload_id)
        if entry[0] == "prefix" and entries and entries[-1] == entry:
            continue
        entries.append(entry)
    expected = entries[:max_uploads] if max_uploads else []
    listed = [("upload", u.upload_id) for u in page.uploads] + [("prefix", p) for p in page.common_prefixes]
    by_id = {upload_id: key for key, upload_id in made}
    position = {entry: n for n, entry in enumerate(entries)}
    assert sorted(listed, key=position.__getitem__) == expected
    assert page.truncated is (max_uploads > 0 and len(entries) > max_uploads)
    if expected and expected[-1][0] == "upload":
        assert (page.next_key_marker, page.next_upload_id_marker) == (by_id[expected[-1][1]], expected[-1][1])
    else:
        assert (page.next_key_marker, page.next_upload_id_marker) == ("", "")


def test_upload_id_marker_of_another_key_is_invalid():
    """The reference's one error: an upload-id-marker that is not an upload of the key-marker."""
    store = Store()
    store.create_bucket(BUCKET)
    other = store.create_multipart_upload(BUCKET, "b", ObjectMeta()).upload_id
    with pytest.raises(errors.InvalidArgument, match="Invalid uploadId marker"):
        store.list_multipart_uploads(BUCKET, key_marker="a", upload_id_marker=other)
