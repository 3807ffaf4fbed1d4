"""Property-based test (hypothesis): walking a versioned bucket's ListObjectVersions page by page, by the
next markers, lists exactly what one full page lists - every version and delete marker once, by key and
newest first, common prefixes once - whatever the writes, deletes, prefix, delimiter and page size.

The reference is written here from the rules (AWS ListObjectVersions; LS-AWS
test_list_objects_versions_markers, recorded 2026-02-21), not from the store's code.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_s3mpu.state import versioning
from pytest_s3mpu.state.model import ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUCKET = "versions"
PAYLOAD = Payload.of(b"x")
keys = st.text(alphabet=["a", "b", "/"], min_size=1, max_size=4)
# (key, action): a put, a delete (a marker), or the removal of that key's oldest version for good
operations = st.lists(st.tuples(keys, st.sampled_from(["put", "put", "delete", "remove"])), max_size=25)


def _reference(store: Store, prefix: str, delimiter: str | None) -> list[tuple[str, str]]:
    """Every entry of the listing: ("version", key/id) by key then newest first, ("prefix", p) once."""
    entries: list[tuple[str, str]] = []
    for key, history in sorted(store.versions(BUCKET).items()):
        if not key.startswith(prefix):
            continue
        cut = key.find(delimiter, len(prefix)) if delimiter else -1
        if delimiter and cut >= 0:
            folded = ("prefix", key[: cut + len(delimiter)])
            if folded not in entries:
                entries.append(folded)
            continue
        entries += [("version", f"{key}/{versioning.version_id_of(v)}") for v in reversed(history)]
    return entries


@FAST
@given(
    ops=operations,
    suspended_from=st.integers(min_value=0, max_value=30),
    prefix=st.sampled_from(["", "a", "a/"]),
    delimiter=st.sampled_from([None, "/", "b"]),
    page_size=st.integers(min_value=1, max_value=4),
)
def test_walking_the_pages_lists_every_entry_once(ops, suspended_from, prefix, delimiter, page_size):
    store = Store()
    store.create_bucket(BUCKET)
    store.put_bucket_versioning(BUCKET, "Enabled")
    for index, (key, action) in enumerate(ops):
        if index == suspended_from:
            store.put_bucket_versioning(BUCKET, "Suspended")
        if action == "put":
            store.put_object(BUCKET, key, PAYLOAD, ObjectMeta())
        elif action == "delete":
            store.delete_object(BUCKET, key)
        elif store.versions(BUCKET).get(key):
            store.delete_object(BUCKET, key, store.versions(BUCKET)[key][0].version_id)
    expected = _reference(store, prefix, delimiter)
    walked: list[tuple[str, str]] = []
    key_marker, version_marker = "", None
    for _ in range(len(expected) + 2):  # bounded: one page per entry at most, and the last
        page = store.list_object_versions(BUCKET, prefix, delimiter, page_size, key_marker, version_marker)
        assert len(page.entries) + len(page.common_prefixes) <= page_size
        for entry in page.entries:
            walked.append(("version", f"{entry.version.key}/{versioning.version_id_of(entry.version)}"))
        walked += [("prefix", p) for p in page.common_prefixes]
        if not page.truncated:
            break
        assert page.next_key_marker is not None
        key_marker, version_marker = page.next_key_marker, page.next_version_id_marker
    else:
        raise AssertionError("the walk did not end")
    assert sorted(walked) == sorted(expected) and len(walked) == len(expected)
    full = store.list_object_versions(BUCKET, prefix, delimiter, 1000)
    listed = [("version", f"{e.version.key}/{versioning.version_id_of(e.version)}") for e in full.entries]
    assert listed == [entry for entry in expected if entry[0] == "version"]
