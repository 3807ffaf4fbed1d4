"""Object Lock through the real server with boto3 (docs/features/object-lock.md).

Recordings: LocalStack tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock and
test_s3.py::TestS3ObjectLockRetention / TestS3ObjectLockLegalHold ("LS-AWS", validated against AWS
2026-02-21). The recorded tests sleep to outlive a retention; these move the test clock instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.client
from urllib.parse import urlsplit

import pytest
from s3_assertions import expect_error, one_part_upload

LOCKED = "locked"
PLAIN = "plain"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
PROTECTED = "Access Denied because object protected by object lock."
MISSING_LOCK = "Bucket is missing Object Lock Configuration"
NO_LOCK_CONFIG = "The specified object does not have a ObjectLock configuration"
BOTH = "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
BYPASS_NOT_APPLICABLE = "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets."
UTC = dt.timezone.utc

pytestmark = pytest.mark.s3mpu(min_part_size=1024)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.clock.freeze(dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    s3mpu_client.create_bucket(Bucket=LOCKED, ObjectLockEnabledForBucket=True)
    s3mpu_client.create_bucket(Bucket=PLAIN)
    return s3mpu_client


def future(s3mpu, **delta: float) -> dt.datetime:
    return s3mpu.clock.now() + dt.timedelta(**delta)


def governed(s3, s3mpu, key: str = "k", mode: str = "GOVERNANCE", **delta: float) -> str:
    """A version locked in ``mode`` until ``delta`` from now; its version id."""
    response = s3.put_object(
        Bucket=LOCKED,
        Key=key,
        Body=b"locked",
        ObjectLockMode=mode,
        ObjectLockRetainUntilDate=future(s3mpu, **(delta or {"days": 1})),
    )
    return str(response["VersionId"])


def versions(s3mpu, bucket: str = LOCKED) -> list[str]:
    return [v.version_id for history in s3mpu.store.versions(bucket).values() for v in history]


# -- the bucket's configuration ----------------------------------------------------------------------


def test_lock_bucket_is_versioned_and_reports_its_configuration(s3):
    """[LS-AWS: test_get_put_object_lock_configuration, 2026-02-21] a bucket created with Object Lock is
    versioning-Enabled and answers ObjectLockEnabled; a default retention is stored and returned, and
    a configuration without a Rule removes it."""
    assert s3.get_bucket_versioning(Bucket=LOCKED)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=LOCKED)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"
    }
    rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
    s3.put_object_lock_configuration(
        Bucket=LOCKED, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule}
    )
    got = s3.get_object_lock_configuration(Bucket=LOCKED)["ObjectLockConfiguration"]
    assert got == {"ObjectLockEnabled": "Enabled", "Rule": rule}
    s3.put_object_lock_configuration(Bucket=LOCKED, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    got = s3.get_object_lock_configuration(Bucket=LOCKED)["ObjectLockConfiguration"]
    assert got == {"ObjectLockEnabled": "Enabled"}


@pytest.mark.parametrize(
    "config",
    [
        {"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},
        {},
        {"ObjectLockEnabled": "Enabled", "Rule": {}},
        {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {}}},
        {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE"}}},
        {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "BAD-VALUE", "Days": 1}}},
        {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}},
        },
    ],
)
def test_lock_configuration_errors_leave_it_alone(s3, config):
    """[LS-AWS: test_put_object_lock_configuration_exc, 2026-02-21] no ObjectLockEnabled, an empty Rule or
    DefaultRetention, no period, a bad mode, both Days and Years: MalformedXML; nothing changes."""
    expect_error(
        lambda: s3.put_object_lock_configuration(Bucket=LOCKED, ObjectLockConfiguration=config),
        400,
        "MalformedXML",
        MALFORMED,
    )
    assert s3.get_object_lock_configuration(Bucket=LOCKED)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"
    }


@pytest.mark.parametrize(("period", "value"), [("Days", 0), ("Years", -1)])
def test_default_retention_period_must_be_positive(s3, period, value):
    """A default retention of 0 days or -1 years: 400 InvalidArgument "Default retention period must be a
    positive integer value." naming the element, as AWS answered it (captured in versity/versitygw#1738,
    2026-01-07; no LocalStack recording); nothing changes. ceph's
    ``test_object_lock_put_obj_lock_invalid_days``/``_years`` expect InvalidRetentionPeriod (RGW's code)."""
    config = {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", period: value}},
    }
    expect_error(
        lambda: s3.put_object_lock_configuration(Bucket=LOCKED, ObjectLockConfiguration=config),
        400,
        "InvalidArgument",
        "Default retention period must be a positive integer value.",
        ArgumentName=period,
    )
    assert s3.get_object_lock_configuration(Bucket=LOCKED)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"
    }


def test_lock_on_an_existing_bucket_needs_versioning_enabled(s3):
    """[LS-AWS: test_put_object_lock_configuration_on_existing_bucket, test_get_object_lock_configuration_exc,
    2026-02-21] a bucket without Object Lock: ObjectLockConfigurationNotFoundError naming it; enabling it
    while versioning is off or Suspended: 409 InvalidBucketState; once Enabled: allowed."""
    expect_error(
        lambda: s3.get_object_lock_configuration(Bucket=PLAIN),
        404,
        "ObjectLockConfigurationNotFoundError",
        "Object Lock configuration does not exist for this bucket",
        BucketName=PLAIN,
    )
    enable = {"ObjectLockEnabled": "Enabled"}
    for status in (None, "Suspended"):
        if status:
            s3.put_bucket_versioning(Bucket=PLAIN, VersioningConfiguration={"Status": status})
        expect_error(
            lambda: s3.put_object_lock_configuration(Bucket=PLAIN, ObjectLockConfiguration=enable),
            409,
            "InvalidBucketState",
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        )
    s3.put_bucket_versioning(Bucket=PLAIN, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=PLAIN, ObjectLockConfiguration=enable)
    assert s3.get_object_lock_configuration(Bucket=PLAIN)["ObjectLockConfiguration"] == enable


def test_versioning_of_a_lock_bucket_cannot_be_suspended(s3):
    """[LS-AWS: test_disable_versioning_on_locked_bucket, 2026-02-21] Suspended: 409 InvalidBucketState;
    Enabled again: 200."""
    expect_error(
        lambda: s3.put_bucket_versioning(Bucket=LOCKED, VersioningConfiguration={"Status": "Suspended"}),
        409,
        "InvalidBucketState",
        "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
    )
    s3.put_bucket_versioning(Bucket=LOCKED, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=LOCKED)["Status"] == "Enabled"


# -- retention ------------------------------------------------------------------------------------------


def test_retention_protects_a_version_until_the_clock_passes_it(s3mpu, s3):
    """[LS-AWS: test_s3_object_retention, 2026-02-21] GET/HEAD show the mode and date; deleting the
    version is AccessDenied, with the bypass header it goes. On the test clock, the day passing
    releases a lock without bypass (the recording sleeps instead)."""
    version = governed(s3, s3mpu, days=1)
    head = s3.head_object(Bucket=LOCKED, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] == future(s3mpu, days=1)
    assert s3.get_object_retention(Bucket=LOCKED, Key="k")["Retention"] == {
        "Mode": "GOVERNANCE",
        "RetainUntilDate": future(s3mpu, days=1),
    }
    expect_error(
        lambda: s3.delete_object(Bucket=LOCKED, Key="k", VersionId=version), 403, "AccessDenied", PROTECTED
    )
    assert version in versions(s3mpu)
    s3mpu.clock.advance(days=1, seconds=1)
    s3.delete_object(Bucket=LOCKED, Key="k", VersionId=version)
    assert version not in versions(s3mpu)

    bypassed = governed(s3, s3mpu, days=30)
    s3.delete_object(Bucket=LOCKED, Key="k", VersionId=bypassed, BypassGovernanceRetention=True)
    assert bypassed not in versions(s3mpu)


def test_compliance_yields_to_nothing_but_time(s3mpu, s3):
    """[LS-AWS: test_s3_object_retention_compliance_mode, 2026-02-21] a COMPLIANCE version cannot be
    deleted, with or without bypass; shortening it or turning it into GOVERNANCE is AccessDenied; a
    delete by key only adds a marker; once past its date it can be deleted."""
    version = s3.put_object(Bucket=LOCKED, Key="k", Body=b"x")["VersionId"]
    until = future(s3mpu, seconds=5)
    s3.put_object_retention(
        Bucket=LOCKED, Key="k", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until}
    )
    for bypass in (False, True):
        expect_error(
            lambda bypass=bypass: s3.delete_object(
                Bucket=LOCKED, Key="k", VersionId=version, BypassGovernanceRetention=bypass
            ),
            403,
            "AccessDenied",
            PROTECTED,
        )
    assert s3.delete_object(Bucket=LOCKED, Key="k")["DeleteMarker"] is True
    for mode, date in (
        ("COMPLIANCE", until - dt.timedelta(seconds=1)),
        ("GOVERNANCE", until + dt.timedelta(seconds=1)),
    ):
        expect_error(
            lambda mode=mode, date=date: s3.put_object_retention(
                Bucket=LOCKED,
                Key="k",
                VersionId=version,
                Retention={"Mode": mode, "RetainUntilDate": date},
                BypassGovernanceRetention=True,
            ),
            403,
            "AccessDenied",
            PROTECTED,
        )
    assert (
        s3.get_object_retention(Bucket=LOCKED, Key="k", VersionId=version)["Retention"]["Mode"]
        == "COMPLIANCE"
    )
    s3mpu.clock.advance(seconds=6)
    assert s3.delete_object(Bucket=LOCKED, Key="k", VersionId=version)["VersionId"] == version


def test_governance_can_be_extended_not_shortened_without_bypass(s3mpu, s3):
    """[LS-AWS: test_object_lock_extend_duration, test_s3_object_retention, 2026-02-21] extending needs no
    bypass; shortening is AccessDenied without it and allowed with it; an empty Retention with bypass
    removes it (GetObjectRetention then: NoSuchObjectLockConfiguration)."""
    version = governed(s3, s3mpu, minutes=10)
    s3.put_object_retention(
        Bucket=LOCKED,
        Key="k",
        VersionId=version,
        Retention={"Mode": "GOVERNANCE", "RetainUntilDate": future(s3mpu, minutes=20)},
    )
    assert s3.head_object(Bucket=LOCKED, Key="k")["ObjectLockRetainUntilDate"] == future(s3mpu, minutes=20)
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": future(s3mpu, minutes=10)}
    expect_error(
        lambda: s3.put_object_retention(Bucket=LOCKED, Key="k", VersionId=version, Retention=shorter),
        403,
        "AccessDenied",
        PROTECTED,
    )
    assert s3.head_object(Bucket=LOCKED, Key="k")["ObjectLockRetainUntilDate"] == future(s3mpu, minutes=20)
    s3.put_object_retention(Bucket=LOCKED, Key="k", Retention={}, BypassGovernanceRetention=True)
    expect_error(
        lambda: s3.get_object_retention(Bucket=LOCKED, Key="k"),
        404,
        "NoSuchObjectLockConfiguration",
        NO_LOCK_CONFIG,
    )
    assert "ObjectLockMode" not in s3.head_object(Bucket=LOCKED, Key="k")


def test_retention_api_errors(s3mpu, s3):
    """[LS-AWS: test_s3_object_retention_exc, 2026-02-21] NoSuchBucket, NoSuchKey; never set:
    NoSuchObjectLockConfiguration; no date or a bad mode: MalformedXML; a past date: InvalidArgument
    naming RetainUntilDate as S3 writes it (Java, US Pacific); a bucket without Object Lock:
    InvalidRequest."""
    retain = {"Mode": "GOVERNANCE", "RetainUntilDate": future(s3mpu, days=365)}
    expect_error(
        lambda: s3.put_object_retention(Bucket="no-such-bucket-x", Key="k", Retention=retain),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-bucket-x",
    )
    expect_error(
        lambda: s3.put_object_retention(Bucket=LOCKED, Key="nope", Retention=retain),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="nope",
    )
    version = s3.put_object(Bucket=LOCKED, Key="k", Body=b"x")["VersionId"]
    expect_error(
        lambda: s3.get_object_retention(Bucket=LOCKED, Key="k", VersionId=version),
        404,
        "NoSuchObjectLockConfiguration",
        NO_LOCK_CONFIG,
    )
    for bad in ({"Mode": "GOVERNANCE"}, {"Mode": "BAD-VALUE", "RetainUntilDate": retain["RetainUntilDate"]}):
        expect_error(
            lambda bad=bad: s3.put_object_retention(
                Bucket=LOCKED, Key="k", Retention=bad, BypassGovernanceRetention=True
            ),
            400,
            "MalformedXML",
            MALFORMED,
        )
    expect_error(
        lambda: s3.put_object_retention(
            Bucket=LOCKED,
            Key="k",
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": dt.datetime(2020, 1, 1, tzinfo=UTC)},
        ),
        400,
        "InvalidArgument",
        "The retain until date must be in the future!",
        ArgumentName="RetainUntilDate",
        ArgumentValue="Tue Dec 31 16:00:00 PST 2019",
    )
    s3.put_object(Bucket=PLAIN, Key="k", Body=b"x")
    for call in (
        lambda: s3.put_object_retention(Bucket=PLAIN, Key="k", Retention=retain),
        lambda: s3.get_object_retention(Bucket=PLAIN, Key="k"),
    ):
        expect_error(call, 400, "InvalidRequest", MISSING_LOCK)


def test_default_retention_applies_to_new_versions(s3mpu, s3):
    """[LS-AWS: test_bucket_config_default_retention, 2026-02-21] with a default of one GOVERNANCE day,
    a plain PutObject is locked until exactly a day after its LastModified; the request's own lock wins;
    a mode without a date is InvalidArgument naming the date."""
    s3.put_object_lock_configuration(
        Bucket=LOCKED,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
        },
    )
    s3.put_object(Bucket=LOCKED, Key="k", Body=b"x")
    head = s3.head_object(Bucket=LOCKED, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] == head["LastModified"] + dt.timedelta(days=1)
    governed(s3, s3mpu, mode="COMPLIANCE", minutes=10)
    head = s3.head_object(Bucket=LOCKED, Key="k")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"]) == (
        "COMPLIANCE",
        future(s3mpu, minutes=10),
    )
    expect_error(
        lambda: s3.put_object(Bucket=LOCKED, Key="k2", Body=b"x", ObjectLockMode="GOVERNANCE"),
        400,
        "InvalidArgument",
        BOTH,
        ArgumentName="x-amz-object-lock-retain-until-date",
    )
    assert "k2" not in s3mpu.objects(LOCKED)


def test_lock_headers_are_checked_on_put_and_create(s3mpu, s3):
    """[LS-AWS: test_s3_object_lock_mode_validation, 2026-02-21] a mode without a date (even a bad one)
    or a date without a mode: InvalidArgument naming the missing one; a bad mode with a date:
    "Unknown wormMode directive.", on PutObject and CreateMultipartUpload alike. Nothing is written."""
    until = future(s3mpu, minutes=10)
    cases = [
        ({"ObjectLockMode": "BAD-VALUE"}, BOTH, {"ArgumentName": "x-amz-object-lock-retain-until-date"}),
        ({"ObjectLockRetainUntilDate": until}, BOTH, {"ArgumentName": "x-amz-object-lock-mode"}),
        (
            {"ObjectLockMode": "BAD-VALUE", "ObjectLockRetainUntilDate": until},
            "Unknown wormMode directive.",
            {"ArgumentName": "x-amz-object-lock-mode", "ArgumentValue": "BAD-VALUE"},
        ),
    ]
    for headers, message, fields in cases:
        expect_error(
            lambda headers=headers: s3.put_object(Bucket=LOCKED, Key="k", Body=b"x", **headers),
            400,
            "InvalidArgument",
            message,
            **fields,
        )
        expect_error(
            lambda headers=headers: s3.create_multipart_upload(Bucket=LOCKED, Key="k", **headers),
            400,
            "InvalidArgument",
            message,
            **fields,
        )
    assert versions(s3mpu) == []
    assert s3mpu.uploads(LOCKED) == []


def test_lock_headers_on_a_bucket_without_object_lock(s3mpu, s3):
    """A retention or legal hold asked of a bucket without Object Lock: 400 InvalidRequest, the message
    recorded for the lock APIs on such a bucket [LS-AWS: test_s3_object_retention_exc, 2026-02-21];
    nothing is written."""
    asks = (
        {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": future(s3mpu, days=1)},
        {"ObjectLockLegalHoldStatus": "ON"},
    )
    for headers in asks:
        expect_error(
            lambda headers=headers: s3.put_object(Bucket=PLAIN, Key="k", Body=b"x", **headers),
            400,
            "InvalidRequest",
            MISSING_LOCK,
        )
    assert s3mpu.objects(PLAIN) == {}


def test_put_with_lock_parameters_needs_a_digest(s3mpu, s3):
    """A PutObject with lock parameters and neither Content-MD5 nor an x-amz-checksum-*: 400
    InvalidRequest (AWS PutObject reference; AWS's answer quoted in versity/versitygw#1535); with a
    Content-MD5 it is stored. Raw HTTP: boto3 always sends a checksum."""
    host = urlsplit(s3mpu.endpoint_url)
    lock = {"x-amz-object-lock-legal-hold": "ON"}
    for extra in ({}, {"Content-MD5": base64.b64encode(hashlib.md5(b"data").digest()).decode()}):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        connection.request("PUT", f"/{LOCKED}/raw", body=b"data", headers={**lock, **extra})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if not extra:
            assert response.status == 400
            assert b"<Code>InvalidRequest</Code>" in body
            assert (
                b"Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object "
                b"Lock parameters" in body
            )
            assert versions(s3mpu) == []
        else:
            assert response.status == 200
    assert s3.head_object(Bucket=LOCKED, Key="raw")["ObjectLockLegalHoldStatus"] == "ON"


def test_multipart_and_copy_take_the_requests_lock_not_the_sources(s3mpu, s3):
    """CreateMultipartUpload's lock headers apply to the object Complete makes; a copy keeps neither
    the source's retention nor its legal hold [LS-AWS: test_s3_copy_object_retention_lock,
    test_s3_copy_object_legal_hold, 2026-02-21] and takes the copy request's own."""
    until = future(s3mpu, days=2)
    one_part_upload(s3, LOCKED, "mpu", b"p", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
    head = s3.head_object(Bucket=LOCKED, Key="mpu")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"]) == ("COMPLIANCE", until)
    s3.copy_object(Bucket=LOCKED, Key="copy", CopySource={"Bucket": LOCKED, "Key": "mpu"})
    assert not {"ObjectLockMode", "ObjectLockLegalHoldStatus"} & set(
        s3.head_object(Bucket=LOCKED, Key="copy")
    )
    s3.copy_object(
        Bucket=LOCKED, Key="held", CopySource={"Bucket": LOCKED, "Key": "mpu"}, ObjectLockLegalHoldStatus="ON"
    )
    assert s3.head_object(Bucket=LOCKED, Key="held")["ObjectLockLegalHoldStatus"] == "ON"


# -- legal hold --------------------------------------------------------------------------------------------


def test_legal_hold_blocks_deletes_until_lifted(s3mpu, s3):
    """[LS-AWS: test_put_get_object_legal_hold, test_delete_locked_object, test_s3_legal_hold_lock_versioned,
    2026-02-21] never set: NoSuchObjectLockConfiguration; ON: HEAD shows it, DeleteObject by version is
    AccessDenied and DeleteObjects reports AccessDenied for that version; OFF: HEAD shows OFF and the
    version can be deleted. Bypass does not lift a hold."""
    version = s3.put_object(Bucket=LOCKED, Key="k", Body=b"x")["VersionId"]
    expect_error(
        lambda: s3.get_object_legal_hold(Bucket=LOCKED, Key="k", VersionId=version),
        404,
        "NoSuchObjectLockConfiguration",
        NO_LOCK_CONFIG,
    )
    s3.put_object_legal_hold(Bucket=LOCKED, Key="k", VersionId=version, LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=LOCKED, Key="k")["LegalHold"] == {"Status": "ON"}
    assert s3.head_object(Bucket=LOCKED, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    expect_error(
        lambda: s3.delete_object(Bucket=LOCKED, Key="k", VersionId=version, BypassGovernanceRetention=True),
        403,
        "AccessDenied",
        PROTECTED,
    )
    result = s3.delete_objects(Bucket=LOCKED, Delete={"Objects": [{"Key": "k", "VersionId": version}]})
    assert result["Errors"] == [
        {"Key": "k", "VersionId": version, "Code": "AccessDenied", "Message": PROTECTED}
    ]
    assert version in versions(s3mpu)
    s3.put_object_legal_hold(Bucket=LOCKED, Key="k", VersionId=version, LegalHold={"Status": "OFF"})
    assert s3.head_object(Bucket=LOCKED, Key="k")["ObjectLockLegalHoldStatus"] == "OFF"
    s3.delete_object(Bucket=LOCKED, Key="k", VersionId=version)
    assert versions(s3mpu) == []


def test_legal_hold_api_errors(s3mpu, s3):
    """[LS-AWS: test_put_object_legal_hold_exc, test_object_lock_delete_markers, 2026-02-21] NoSuchBucket,
    NoSuchKey; a bucket without Object Lock: InvalidRequest, but an empty document there: MalformedXML;
    a delete marker by version: 405 naming the method."""
    hold = {"Status": "ON"}
    expect_error(
        lambda: s3.put_object_legal_hold(Bucket="no-such-bucket-x", Key="k", LegalHold=hold),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-bucket-x",
    )
    expect_error(
        lambda: s3.put_object_legal_hold(Bucket=LOCKED, Key="nope", LegalHold=hold),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="nope",
    )
    s3.put_object(Bucket=PLAIN, Key="k", Body=b"x")
    expect_error(
        lambda: s3.put_object_legal_hold(Bucket=PLAIN, Key="k", LegalHold=hold),
        400,
        "InvalidRequest",
        MISSING_LOCK,
    )
    expect_error(lambda: s3.put_object_legal_hold(Bucket=PLAIN, Key="k"), 400, "MalformedXML", MALFORMED)
    expect_error(lambda: s3.get_object_legal_hold(Bucket=PLAIN, Key="k"), 400, "InvalidRequest", MISSING_LOCK)
    s3.put_object(Bucket=LOCKED, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=LOCKED, Key="k")["VersionId"]
    for method, call in (
        (
            "PUT",
            lambda: s3.put_object_retention(
                Bucket=LOCKED,
                Key="k",
                VersionId=marker,
                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": future(s3mpu, days=1)},
            ),
        ),
        ("GET", lambda: s3.get_object_retention(Bucket=LOCKED, Key="k", VersionId=marker)),
    ):
        expect_error(
            call,
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            Method=method,
            ResourceType="DeleteMarker",
        )


def test_bypass_header_on_a_bucket_without_object_lock(s3mpu, s3):
    """[LS-AWS: test_delete_object_with_no_locking, 2026-02-21] x-amz-bypass-governance-retention, true or
    false, on DeleteObject or DeleteObjects of a bucket without Object Lock: 400 InvalidArgument naming
    the header (no ArgumentValue); nothing is deleted."""
    s3.put_object(Bucket=PLAIN, Key="k", Body=b"x")
    for call in (
        lambda: s3.delete_object(Bucket=PLAIN, Key="k", BypassGovernanceRetention=True),
        lambda: s3.delete_object(Bucket=PLAIN, Key="k", BypassGovernanceRetention=False),
        lambda: s3.delete_objects(
            Bucket=PLAIN, Delete={"Objects": [{"Key": "k"}]}, BypassGovernanceRetention=True
        ),
    ):
        expect_error(
            call,
            400,
            "InvalidArgument",
            BYPASS_NOT_APPLICABLE,
            ArgumentName="x-amz-bypass-governance-retention",
        )
    assert list(s3mpu.objects(PLAIN)) == ["k"]


def test_upload_part_of_a_locked_upload_needs_a_digest(s3mpu, s3):
    """A part of an upload with lock parameters, sent with neither Content-MD5 nor a checksum: 400
    InvalidRequest "... required for Put Part requests with Object Lock parameters" (AWS's answer quoted in
    s3tools/s3cmd#1436); no part is stored. With a Content-MD5 it is. Raw HTTP: boto3 sends a checksum."""
    upload_id = s3.create_multipart_upload(Bucket=LOCKED, Key="mpu", ObjectLockLegalHoldStatus="ON")[
        "UploadId"
    ]
    host = urlsplit(s3mpu.endpoint_url)
    digest = {"Content-MD5": base64.b64encode(hashlib.md5(b"part").digest()).decode()}
    for extra in ({}, digest):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        connection.request(
            "PUT", f"/{LOCKED}/mpu?partNumber=1&uploadId={upload_id}", body=b"part", headers=extra
        )
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if not extra:
            assert response.status == 400
            assert b"required for Put Part requests with Object Lock parameters" in body
            assert s3mpu.parts(upload_id) == {}
        else:
            assert response.status == 200
    assert list(s3mpu.parts(upload_id)) == [1]
