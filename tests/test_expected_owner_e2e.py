"""ExpectedBucketOwner (``x-amz-expected-bucket-owner``) through the real server with boto3: S3 checks it
on every bucket and object operation, and on a copy the source bucket's (``x-amz-source-expected-bucket-
owner``). Every bucket of the double belongs to its one account: the account_id setting, by default
``123456789012``.

Recordings: LocalStack tests/aws/services/s3/test_s3.py ("LS-AWS", validated against AWS 2026-02-21).
"""

from __future__ import annotations

import json

import pytest
from s3_assertions import expect_error, state

from pytest_s3mpu.state.access import DEFAULT_ACCOUNT_ID as ACCOUNT_ID

BUCKET = "owned"
OTHER_ACCOUNT = "000000000002"


def malformed(value: str) -> str:
    return f"The value of the expected bucket owner parameter must be an AWS Account ID... [{value}]"


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.delete_public_access_block(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    return s3mpu_client


def policy() -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"}
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{**statement, "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}
    )


def test_get_bucket_policy_expected_owner(s3):
    """[LS-AWS: test_get_bucket_policy, recorded 2026-02-21] the owner's account answers the policy;
    another account (000000000002) is 403 AccessDenied "Access Denied"."""
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy())
    got = s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=ACCOUNT_ID)
    assert json.loads(got["Policy"]) == json.loads(policy())
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=OTHER_ACCOUNT),
        403,
        "AccessDenied",
        "Access Denied",
    )


@pytest.mark.parametrize("value", ["0000", "0000000000020", "abcd", "aa000000000$", "invalid"])
def test_malformed_account_id(s3, value):
    """[LS-AWS: test_get_bucket_policy_invalid_account_id[0000|0000000000020|abcd|aa000000000$],
    test_put_bucket_policy_invalid_account_id[...], test_delete_bucket_policy_expected_bucket_owner
    ("invalid"), recorded 2026-02-21] not twelve digits: 400 InvalidBucketOwnerAWSAccountID quoting it."""
    for call in (
        lambda: s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=value),
        lambda: s3.put_bucket_policy(Bucket=BUCKET, Policy=policy(), ExpectedBucketOwner=value),
        lambda: s3.delete_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=value),
    ):
        expect_error(call, 400, "InvalidBucketOwnerAWSAccountID", malformed(value))


def test_put_and_delete_policy_refused_for_another_account_change_nothing(s3):
    """[LS-AWS: test_put_bucket_policy_expected_bucket_owner, test_delete_bucket_policy_expected_bucket_
    owner, recorded 2026-02-21] another account: 403 AccessDenied and the policy is neither written nor
    deleted; the owner's account: 204."""
    expect_error(
        lambda: s3.put_bucket_policy(Bucket=BUCKET, Policy=policy(), ExpectedBucketOwner=OTHER_ACCOUNT),
        403,
        "AccessDenied",
        "Access Denied",
    )
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=BUCKET)
    put = s3.put_bucket_policy(Bucket=BUCKET, Policy=policy(), ExpectedBucketOwner=ACCOUNT_ID)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        lambda: s3.delete_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=OTHER_ACCOUNT),
        403,
        "AccessDenied",
        "Access Denied",
    )
    assert s3.get_bucket_policy(Bucket=BUCKET)["Policy"]
    deleted = s3.delete_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=ACCOUNT_ID)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_every_object_operation_checks_it(s3mpu, s3):
    """[AWS API reference, ExpectedBucketOwner on each operation: "If the bucket is owned by a different
    account, the request fails with the HTTP status code 403 Forbidden (access denied)"] one rule for all
    operations, not a policy-only one: object reads and writes too, and a refused write changes nothing."""
    before = state(s3mpu)
    for call in (
        lambda: s3.put_object(Bucket=BUCKET, Key="new", Body=b"x", ExpectedBucketOwner=OTHER_ACCOUNT),
        lambda: s3.get_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=OTHER_ACCOUNT),
        lambda: s3.delete_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=OTHER_ACCOUNT),
        lambda: s3.list_objects_v2(Bucket=BUCKET, ExpectedBucketOwner=OTHER_ACCOUNT),
        lambda: s3.create_multipart_upload(Bucket=BUCKET, Key="mpu", ExpectedBucketOwner=OTHER_ACCOUNT),
        lambda: s3.put_bucket_versioning(
            Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"}, ExpectedBucketOwner=OTHER_ACCOUNT
        ),
    ):
        expect_error(call, 403, "AccessDenied", "Access Denied")
    assert state(s3mpu) == before
    assert s3.get_bucket_versioning(Bucket=BUCKET).get("Status") is None
    assert s3.get_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=ACCOUNT_ID)["Body"].read() == b"data"


def test_missing_bucket_is_still_no_such_bucket(s3):
    """A bucket that does not exist has no owner to compare: the operation's own NoSuchBucket
    [LS-AWS: test_get_object_no_such_bucket, recorded 2026-02-21]."""
    expect_error(
        lambda: s3.get_object(Bucket="absent", Key="k", ExpectedBucketOwner=OTHER_ACCOUNT),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="absent",
    )


def test_copy_checks_the_source_bucket_owner(s3mpu, s3):
    """[AWS API reference, CopyObject ExpectedSourceBucketOwner: "If the source bucket is owned by a
    different account, the request fails with the HTTP status code 403 Forbidden"] CopyObject and
    UploadPartCopy; the right account copies."""
    source = {"Bucket": BUCKET, "Key": "k"}
    before = state(s3mpu)
    expect_error(
        lambda: s3.copy_object(
            Bucket=BUCKET, Key="copy", CopySource=source, ExpectedSourceBucketOwner=OTHER_ACCOUNT
        ),
        403,
        "AccessDenied",
        "Access Denied",
    )
    expect_error(
        lambda: s3.copy_object(Bucket=BUCKET, Key="copy", CopySource=source, ExpectedSourceBucketOwner="12"),
        400,
        "InvalidBucketOwnerAWSAccountID",
        malformed("12"),
    )
    assert state(s3mpu) == before
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="mpu")["UploadId"]
    expect_error(
        lambda: s3.upload_part_copy(
            Bucket=BUCKET,
            Key="mpu",
            UploadId=upload_id,
            PartNumber=1,
            CopySource=source,
            ExpectedSourceBucketOwner=OTHER_ACCOUNT,
        ),
        403,
        "AccessDenied",
        "Access Denied",
    )
    assert s3mpu.parts(upload_id) == {}
    s3.copy_object(Bucket=BUCKET, Key="copy", CopySource=source, ExpectedSourceBucketOwner=ACCOUNT_ID)
    assert s3.get_object(Bucket=BUCKET, Key="copy")["Body"].read() == b"data"
