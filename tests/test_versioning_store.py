"""Versioning in the pure state machine: a failed call leaves the versions exactly as they were, and the
version ids keep the write order a resumed ListObjectVersions needs (docs/features/versioning.md)."""

from __future__ import annotations

import string

import pytest

from pytest_s3mpu.state import errors, versioning
from pytest_s3mpu.state.model import ObjectMeta, Payload, VersioningStatus
from pytest_s3mpu.state.store import Store

BUCKET = "bkt"


@pytest.fixture
def store() -> Store:
    store = Store()
    store.create_bucket(BUCKET)
    return store


def put(store: Store, key: str, data: bytes) -> str | None:
    return store.put_object(BUCKET, key, Payload.of(data), ObjectMeta()).version_id


def snapshot(store: Store) -> object:
    return (
        store.get_bucket_versioning(BUCKET),
        {key: [v.version_id for v in history] for key, history in store.versions(BUCKET).items()},
        {key: obj.version_id for key, obj in store.objects(BUCKET).items()},
    )


def test_version_ids_are_aws_shaped_and_carry_the_write_order():
    """LS-AWS test_object_version_id_format: 32 characters of letters, digits, "." and "_"; the order is
    ours (it is how a version-id-marker of a deleted version resumes)."""
    ids = [versioning.new_version_id(sequence) for sequence in (1, 2, 300, 2**40)]
    assert all(len(v) == 32 and set(v) <= set(string.ascii_letters + string.digits + "._") for v in ids)
    assert [versioning.sequence_of(v) for v in ids] == [1, 2, 300, 2**40]
    assert versioning.sequence_of("null") == 0
    assert versioning.sequence_of("abc") is None and versioning.sequence_of("!" * 32) is None


@pytest.mark.parametrize(
    ("status", "error"),
    [("enabled", errors.MalformedXML), (None, errors.IllegalVersioningConfigurationException)],
)
def test_a_refused_configuration_changes_nothing(store, status, error):
    """LS-AWS test_bucket_versioning_crud: refused values leave the bucket as it was."""
    put(store, "k", b"x")
    before = snapshot(store)
    with pytest.raises(error):
        store.put_bucket_versioning(BUCKET, status)
    with pytest.raises(errors.NotImplementedByS3):
        store.put_bucket_versioning(BUCKET, "Enabled", "Enabled")
    assert snapshot(store) == before


def test_configuring_makes_existing_objects_null_versions(store):
    """AWS user guide: objects stored before versioning was enabled have version id "null"."""
    assert put(store, "k", b"x") is None
    store.put_bucket_versioning(BUCKET, "Enabled")
    assert store.get_bucket_versioning(BUCKET) is VersioningStatus.ENABLED
    assert store.objects(BUCKET)["k"].version_id == "null"
    newer = put(store, "k", b"y")
    assert [v.version_id for v in store.versions(BUCKET)["k"]] == ["null", newer]


def test_failed_deletes_change_nothing(store):
    """LS-AWS test_delete_object_versioned "delete-with-bad-version": an id S3 cannot find is refused
    before anything changes, and so is one that is not an id."""
    store.put_bucket_versioning(BUCKET, "Enabled")
    version = put(store, "k", b"x")
    assert version is not None
    before = snapshot(store)
    for bad in (version[:-4] + "ABCD", "abc"):
        with pytest.raises(errors.InvalidArgument):
            store.delete_object(BUCKET, "k", bad)
    assert snapshot(store) == before


def test_removing_the_current_version_exposes_the_one_below(store):
    """AWS user guide "Deleting object versions": deleting the current version by id makes the previous
    version current; deleting a delete marker by id brings the object back."""
    store.put_bucket_versioning(BUCKET, "Enabled")
    first, second = put(store, "k", b"1"), put(store, "k", b"2")
    assert first and second
    store.delete_object(BUCKET, "k", second)
    assert store.get_object(BUCKET, "k").body.read() == b"1"
    marker = store.delete_object(BUCKET, "k").marker_version_id
    assert marker and "k" not in store.objects(BUCKET)
    outcome = store.delete_object(BUCKET, "k", marker)
    assert outcome.delete_marker and store.get_object(BUCKET, "k").version_id == first
