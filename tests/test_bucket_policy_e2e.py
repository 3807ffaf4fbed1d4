"""Bucket policies through the real server with boto3 (docs/features/bucket-policy.md): stored and
validated as S3 does, never enforced.

Recordings: LocalStack tests/aws/services/s3/test_s3_api.py TestS3BucketPolicy ("LS-AWS", validated
against AWS 2026-02-21); the AWS API reference (PutBucketPolicy, GetBucketPolicyStatus) otherwise.
"""

from __future__ import annotations

import json

import pytest
from s3_assertions import expect_error

BUCKET = "policy"
NO_POLICY = "The bucket policy does not exist"


def public_policy(resource: str = f"arn:aws:s3:::{BUCKET}/*", **statement: object) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": "s3:GetObject",
                "Effect": "Allow",
                "Resource": resource,
                "Principal": {"AWS": "*"},
                **statement,
            }
        ],
    }


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    """A bucket that allows public policies, as the recordings' tests make it."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.delete_bucket_ownership_controls(Bucket=BUCKET)
    s3mpu_client.delete_public_access_block(Bucket=BUCKET)
    return s3mpu_client


def test_bucket_policy_crud(s3):
    """[LS-AWS: test_bucket_policy_crud, 2026-02-21] NoSuchBucketPolicy before; Put 204; Get answers the
    document; Delete 204, idempotent; NoSuchBucketPolicy after."""
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET), 404, "NoSuchBucketPolicy", NO_POLICY, BucketName=BUCKET
    )
    policy = public_policy()
    put = s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == policy
    assert s3.delete_bucket_policy(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET), 404, "NoSuchBucketPolicy", NO_POLICY, BucketName=BUCKET
    )
    assert s3.delete_bucket_policy(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_bucket_policy_recorded_errors(s3):
    """[LS-AWS: test_bucket_policy_exc, 2026-02-21] an empty or non-JSON policy, and ``{}``."""
    first_byte = "Policies must be valid JSON and the first byte must be '{'"
    for text, message in (
        ("", first_byte),
        ("invalid json", first_byte),
        ("{}", "Missing required field Statement"),
    ):
        expect_error(
            lambda t=text: s3.put_bucket_policy(Bucket=BUCKET, Policy=t), 400, "MalformedPolicy", message
        )
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET), 404, "NoSuchBucketPolicy", NO_POLICY, BucketName=BUCKET
    )


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({**public_policy(), "Version": "2020-01-01"}, "The policy must contain a valid version string"),
        (public_policy(Effect="Maybe"), "Invalid effect: Maybe"),
        (public_policy(resource="arn:aws:s3:::another-bucket/*"), "Policy has invalid resource"),
        (public_policy(Action="ec2:RunInstances"), "Policy has invalid action"),
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
            "Missing required field Principal",
        ),
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "*"}]},
            "Missing required field Action",
        ),
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*"}]},
            "Missing required field Resource",
        ),
        (
            {"Version": "2012-10-17", "Statement": [{"Principal": "*", "Action": "s3:*", "Resource": "*"}]},
            "Missing required field Effect",
        ),
    ],
)
def test_bucket_policy_validation(s3, policy, message):
    """AWS API reference PutBucketPolicy (MalformedPolicy) and the IAM policy grammar: Version, Effect,
    Principal, Action and a Resource naming this bucket are checked; nothing is stored."""
    expect_error(
        lambda: s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy)),
        400,
        "MalformedPolicy",
        message,
    )
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET), 404, "NoSuchBucketPolicy", NO_POLICY, BucketName=BUCKET
    )


def test_policy_status(s3):
    """AWS API reference GetBucketPolicyStatus: IsPublic for a policy granting ``*`` without a
    condition; NoSuchBucketPolicy without a policy."""
    expect_error(
        lambda: s3.get_bucket_policy_status(Bucket=BUCKET),
        404,
        "NoSuchBucketPolicy",
        NO_POLICY,
        BucketName=BUCKET,
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_policy()))
    assert s3.get_bucket_policy_status(Bucket=BUCKET)["PolicyStatus"] == {"IsPublic": True}
    private = public_policy(Principal={"AWS": "arn:aws:iam::123456789012:root"})
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(private))
    assert s3.get_bucket_policy_status(Bucket=BUCKET)["PolicyStatus"] == {"IsPublic": False}


def test_public_policy_refused_while_block_public_policy(s3mpu_client):
    """AWS API reference PublicAccessBlockConfiguration.BlockPublicPolicy: a new bucket (all flags on)
    refuses a public policy with 403 AccessDenied; a non-public one is stored."""
    s3 = s3mpu_client
    s3.create_bucket(Bucket=BUCKET)
    expect_error(
        lambda: s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_policy())),
        403,
        "AccessDenied",
        "Access Denied",
    )
    private = public_policy(Principal={"AWS": "arn:aws:iam::123456789012:root"})
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(private))
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == private


def test_policy_is_not_enforced(s3mpu, s3):
    """README "Bucket policies": a Deny-everything policy is stored, never applied."""
    deny = public_policy(Effect="Deny", Action="s3:*")
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(deny))
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"still here")
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"still here"


def test_delete_bucket_drops_policy(s3):
    """A policy belongs to its bucket: a re-created bucket of the same name has none."""
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_policy()))
    s3.delete_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=BUCKET)
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET), 404, "NoSuchBucketPolicy", NO_POLICY, BucketName=BUCKET
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"Statement": "\xff\xfe"}',
        json.dumps(public_policy()).encode("utf-16-le"),
    ],
    ids=["deep-nesting", "invalid-utf8", "utf16"],
)
def test_hostile_policy_bodies_are_malformed_policy(s3mpu, body):
    """Deeply nested JSON, invalid UTF-8, or UTF-16 (which Python's json would guess and accept): S3's
    MalformedPolicy, never a 500, and nothing stored."""
    import http.client
    from urllib.parse import urlsplit

    s3mpu.client().create_bucket(Bucket=BUCKET)
    s3mpu.client().delete_public_access_block(Bucket=BUCKET)
    endpoint = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    try:
        connection.request("PUT", f"/{BUCKET}?policy", body=body)
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    assert response.status == 400
    assert b"<Code>MalformedPolicy</Code>" in answer
    expect_error(
        lambda: s3mpu.client().get_bucket_policy(Bucket=BUCKET),
        404,
        "NoSuchBucketPolicy",
        NO_POLICY,
        BucketName=BUCKET,
    )
