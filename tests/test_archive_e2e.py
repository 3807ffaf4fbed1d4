"""Archived objects through the real server with boto3: GET of a GLACIER / DEEP_ARCHIVE object is 403
InvalidObjectState until RestoreObject's restore finishes; the restore's course (x-amz-restore on HEAD,
completion, expiry) follows the test clock, which the tests move instead of sleeping."""

from __future__ import annotations

import datetime as dt

import pytest
from s3_assertions import expect_error, state

BUCKET = "archive"
STORAGE_CLASS_MESSAGE = "The operation is not valid for the object's storage class"


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.clock.freeze(dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.timezone.utc))
    s3mpu_client.create_bucket(Bucket=BUCKET)
    return s3mpu_client


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_get_of_an_archived_object_is_invalid_object_state(s3, storage_class):
    """[LS-AWS: test_put_object_storage_class[GLACIER-False], [DEEP_ARCHIVE-False], recorded 2026-02-21]
    GET is 403 InvalidObjectState naming the storage class; HEAD still answers, with the class."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"body-test", StorageClass=storage_class)
    response = expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="k"),
        403,
        "InvalidObjectState",
        STORAGE_CLASS_MESSAGE,
        StorageClass=storage_class,
    )
    assert response["StorageClass"] == storage_class
    head = s3.head_object(Bucket=BUCKET, Key="k")
    assert head["StorageClass"] == storage_class and "Restore" not in head


def test_glacier_ir_and_other_classes_stay_readable(s3):
    """[LS-AWS: test_put_object_storage_class[GLACIER_IR-True], recorded 2026-02-21] only GLACIER and
    DEEP_ARCHIVE are archived: GLACIER_IR reads at once."""
    s3.put_object(Bucket=BUCKET, Key="ir", Body=b"body-test", StorageClass="GLACIER_IR")
    assert s3.get_object(Bucket=BUCKET, Key="ir")["Body"].read() == b"body-test"


def test_restore_runs_on_the_test_clock_then_expires(s3mpu, s3):
    """[LS-AWS: test_s3_get_deep_archive_object_restore, recorded 2026-02-21] RestoreObject answers 202;
    HEAD shows ``ongoing-request="true"`` and GET stays refused until the Bulk retrieval time (48 h for
    DEEP_ARCHIVE, User Guide "archive retrieval options") has passed on the clock; then GET reads the
    bytes and HEAD shows ``ongoing-request="false"`` with the expiry: completion + Days rounded up to
    the next midnight UTC (User Guide "Restoring an archived object"); after it, GET is refused again."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"body data", StorageClass="DEEP_ARCHIVE")
    restored = s3.restore_object(
        Bucket=BUCKET, Key="k", RestoreRequest={"Days": 30, "GlacierJobParameters": {"Tier": "Bulk"}}
    )
    assert restored["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=BUCKET, Key="k")["Restore"] == 'ongoing-request="true"'
    s3mpu.clock.advance(hours=47)
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="k"),
        403,
        "InvalidObjectState",
        STORAGE_CLASS_MESSAGE,
        StorageClass="DEEP_ARCHIVE",
    )
    s3mpu.clock.advance(hours=1)  # ready at 2026-03-03 10:30; + 30 days -> expires 2026-04-03 00:00
    expiry = 'ongoing-request="false", expiry-date="Fri, 03 Apr 2026 00:00:00 GMT"'
    got = s3.get_object(Bucket=BUCKET, Key="k")
    assert got["Body"].read() == b"body data"
    assert got["Restore"] == expiry and got["StorageClass"] == "DEEP_ARCHIVE"
    assert s3.head_object(Bucket=BUCKET, Key="k")["Restore"] == expiry
    s3mpu.clock.set(dt.datetime(2026, 4, 3, 0, 0, tzinfo=dt.timezone.utc))
    assert "Restore" not in s3.head_object(Bucket=BUCKET, Key="k")
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="k"),
        403,
        "InvalidObjectState",
        STORAGE_CLASS_MESSAGE,
        StorageClass="DEEP_ARCHIVE",
    )


def test_restore_in_progress_is_refused_and_a_restored_copy_is_extended(s3mpu, s3):
    """API reference RestoreObject: a second restore while one runs is 409 RestoreAlreadyInProgress; on
    a restored copy it is 200 and sets the new Days."""
    s3.put_object(Bucket=BUCKET, Key="g", Body=b"cold", StorageClass="GLACIER")
    request = {"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}}
    s3.restore_object(Bucket=BUCKET, Key="g", RestoreRequest=request)
    expect_error(
        lambda: s3.restore_object(Bucket=BUCKET, Key="g", RestoreRequest=request),
        409,
        "RestoreAlreadyInProgress",
        "Object restore is already in progress",
    )
    s3mpu.clock.advance(minutes=5)  # Expedited GLACIER: ready at 10:35, 1 day -> 2026-03-03 00:00
    assert "2026 00:00:00 GMT" in s3.head_object(Bucket=BUCKET, Key="g")["Restore"]
    again = s3.restore_object(Bucket=BUCKET, Key="g", RestoreRequest={"Days": 5})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.head_object(Bucket=BUCKET, Key="g")["Restore"] == (
        'ongoing-request="false", expiry-date="Sat, 07 Mar 2026 00:00:00 GMT"'
    )


def test_restore_refuses_objects_not_archived_and_bad_requests(s3mpu, s3):
    """API reference RestoreObject: an object not archived is 403 InvalidObjectState; a RestoreRequest
    without a positive Days or with an unknown Tier is MalformedXML; a missing key NoSuchKey. Nothing
    changes."""
    s3.put_object(Bucket=BUCKET, Key="hot", Body=b"x")
    s3.put_object(Bucket=BUCKET, Key="cold", Body=b"y", StorageClass="GLACIER")
    before = state(s3mpu)
    expect_error(
        lambda: s3.restore_object(Bucket=BUCKET, Key="hot", RestoreRequest={"Days": 1}),
        403,
        "InvalidObjectState",
        "Restore is not allowed for the object's current storage class",
    )
    malformed = "The XML you provided was not well-formed or did not validate against our published schema"
    for request in ({"Days": 0}, {"GlacierJobParameters": {"Tier": "Standard"}}):
        expect_error(
            lambda request=request: s3.restore_object(Bucket=BUCKET, Key="cold", RestoreRequest=request),
            400,
            "MalformedXML",
            malformed,
        )
    expect_error(
        lambda: s3.restore_object(Bucket=BUCKET, Key="absent", RestoreRequest={"Days": 1}),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="absent",
    )
    assert state(s3mpu) == before
    assert "Restore" not in s3.head_object(Bucket=BUCKET, Key="cold")
