"""Bucket replication configuration through the real server with boto3: stored and returned as S3
records it, refused as S3 refuses it (docs/features/bucket-config.md). Nothing is replicated.

Recordings: LocalStack tests/aws/services/s3/test_s3.py TestS3BucketReplication (validated against AWS
2026-02-21); the IAM role they create is only an ARN string in the document, so none is needed here.
"""

from __future__ import annotations

import base64
import http.client
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from s3_assertions import expect_error

ROLE = "arn:aws:iam::000000000000:role/replication_role_1"
SOURCE_VERSIONING = "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
DESTINATION_VERSIONING = "Destination bucket must have versioning enabled."
NOT_FOUND = "The replication configuration was not found"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"


def _client_in(s3mpu: Any, region: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}),
    )


def _enable_versioning(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def _expect_not_found(s3: Any, bucket: str) -> None:
    expect_error(
        lambda: s3.get_bucket_replication(Bucket=bucket),
        404,
        "ReplicationConfigurationNotFoundError",
        NOT_FOUND,
        BucketName=bucket,
    )


def test_replication_config_crud_as_recorded(s3mpu, s3mpu_client):
    """[LS-AWS: test_replication_config, recorded 2026-02-21] A bucket without a configuration: 404
    ReplicationConfigurationNotFoundError naming it. A source whose versioning is not Enabled: 400
    InvalidRequest, nothing stored. Once it is: 200, and Get answers the rule with an ID S3 made up
    (the destination is in another region). No rules: MalformedXML, the stored one kept. Delete: 204,
    and 204 again."""
    s3 = s3mpu_client
    s3.create_bucket(Bucket="src-1")
    _client_in(s3mpu, "us-west-2").create_bucket(
        Bucket="dst-1", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    _enable_versioning(s3, "dst-1")
    _expect_not_found(s3, "src-1")
    rule = {
        "Status": "Enabled",
        "Priority": 1,
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Filter": {"Prefix": "Tax"},
        "Destination": {"Bucket": "arn:aws:s3:::dst-1"},
    }
    config = {"Role": ROLE, "Rules": [rule]}
    expect_error(
        lambda: s3.put_bucket_replication(Bucket="src-1", ReplicationConfiguration=config),
        400,
        "InvalidRequest",
        SOURCE_VERSIONING,
    )
    _expect_not_found(s3, "src-1")

    _enable_versioning(s3, "src-1")
    put = s3.put_bucket_replication(Bucket="src-1", ReplicationConfiguration=config)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3.get_bucket_replication(Bucket="src-1")["ReplicationConfiguration"]
    (stored,) = got["Rules"]
    generated = stored.pop("ID")
    assert stored == rule
    assert got["Role"] == ROLE
    assert len(generated) == 48 and base64.b64decode(generated)  # opaque, made up by S3

    empty = {"Role": ROLE, "Rules": []}
    expect_error(
        lambda: s3.put_bucket_replication(Bucket="src-1", ReplicationConfiguration=empty),
        400,
        "MalformedXML",
        MALFORMED,
    )
    assert s3.get_bucket_replication(Bucket="src-1")["ReplicationConfiguration"] == {
        "Role": ROLE,
        "Rules": [{"ID": generated, **rule}],
    }

    for _ in range(2):  # idempotent
        deleted = s3.delete_bucket_replication(Bucket="src-1")
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    _expect_not_found(s3, "src-1")


def test_replication_config_without_filter_as_recorded(s3mpu_client):
    """[LS-AWS: test_replication_config_without_filter, recorded 2026-02-21] A destination that does not
    exist, then one whose versioning is off: 400 InvalidRequest "Destination bucket must have versioning
    enabled." both times. Once it is versioned the document is stored, and Get answers it as sent: ID
    ``rtc``, Priority 0, an empty Filter, a Disabled rule, the destination's storage class, replication
    time and metrics."""
    s3 = s3mpu_client
    s3.create_bucket(Bucket="src-2")
    _enable_versioning(s3, "src-2")
    s3.create_bucket(Bucket="dst-2")
    rule: dict[str, Any] = {
        "ID": "rtc",
        "Priority": 0,
        "Filter": {},
        "Status": "Disabled",
        "Destination": {
            "Bucket": "arn:aws:s3:::does-not-exist",
            "StorageClass": "STANDARD",
            "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
            "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
        },
        "DeleteMarkerReplication": {"Status": "Disabled"},
    }
    config = {"Role": ROLE, "Rules": [rule]}
    expect_error(
        lambda: s3.put_bucket_replication(Bucket="src-2", ReplicationConfiguration=config),
        400,
        "InvalidRequest",
        DESTINATION_VERSIONING,
    )
    rule["Destination"]["Bucket"] = "arn:aws:s3:::dst-2"
    expect_error(
        lambda: s3.put_bucket_replication(Bucket="src-2", ReplicationConfiguration=config),
        400,
        "InvalidRequest",
        DESTINATION_VERSIONING,
    )
    _enable_versioning(s3, "dst-2")
    assert (
        s3.put_bucket_replication(Bucket="src-2", ReplicationConfiguration=config)["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 200
    )
    assert s3.get_bucket_replication(Bucket="src-2")["ReplicationConfiguration"] == config


def test_suspended_source_versioning_is_not_enabled(s3mpu_client):
    """[LS-AWS: test_replication_config, recorded 2026-02-21: versioning must be 'Enabled'] a source
    whose versioning was suspended is refused as one never versioned is; a stored configuration stays."""
    s3 = s3mpu_client
    for name in ("src-3", "dst-3"):
        s3.create_bucket(Bucket=name)
        _enable_versioning(s3, name)
    rule = {"ID": "a", "Status": "Enabled", "Prefix": "", "Destination": {"Bucket": "arn:aws:s3:::dst-3"}}
    s3.put_bucket_replication(Bucket="src-3", ReplicationConfiguration={"Role": ROLE, "Rules": [rule]})
    s3.put_bucket_versioning(Bucket="src-3", VersioningConfiguration={"Status": "Suspended"})
    other = {"Role": ROLE, "Rules": [{**rule, "ID": "b"}]}
    expect_error(
        lambda: s3.put_bucket_replication(Bucket="src-3", ReplicationConfiguration=other),
        400,
        "InvalidRequest",
        SOURCE_VERSIONING,
    )
    assert s3.get_bucket_replication(Bucket="src-3")["ReplicationConfiguration"]["Rules"] == [rule]


def test_replication_of_a_missing_bucket_is_no_such_bucket(s3mpu_client):
    """[LS-AWS: test_bucket_availability, recorded 2026-02-21] GetBucketReplication of a bucket that does
    not exist is 404 NoSuchBucket naming it; so are Put and Delete (the bucket is checked first)."""
    s3 = s3mpu_client
    config = {"Role": ROLE, "Rules": [{"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::x"}}]}
    for call in (
        lambda: s3.get_bucket_replication(Bucket="never-created"),
        lambda: s3.put_bucket_replication(Bucket="never-created", ReplicationConfiguration=config),
        lambda: s3.delete_bucket_replication(Bucket="never-created"),
    ):
        expect_error(
            call, 404, "NoSuchBucket", "The specified bucket does not exist", BucketName="never-created"
        )


def _raw_put(s3mpu: Any, bucket: str, body: bytes) -> tuple[int, bytes]:
    parts = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("PUT", f"/{bucket}?replication", body=body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_documents_outside_the_schema_are_malformed(s3mpu, s3mpu_client):
    """[LS-AWS: test_replication_config "put-empty-bucket-replication-rules", recorded 2026-02-21:
    MalformedXML for a document S3's schema refuses; AWS API ReplicationRule for the schema] a rule
    without Status or Destination, an unknown Status, an element the schema does not have, a Priority
    that is no integer, no Role: 400 MalformedXML, nothing stored. (Raw HTTP: boto3 refuses to send
    these.)"""
    s3mpu_client.create_bucket(Bucket="src-4")
    s3mpu_client.create_bucket(Bucket="dst-4")
    _enable_versioning(s3mpu_client, "src-4")
    _enable_versioning(s3mpu_client, "dst-4")
    destination = "<Destination><Bucket>arn:aws:s3:::dst-4</Bucket></Destination>"
    good = f"<Status>Enabled</Status>{destination}"
    role = f"<Role>{ROLE}</Role>"
    for document in (
        f"{role}<Rule>{destination}</Rule>",
        f"{role}<Rule><Status>Enabled</Status></Rule>",
        f"{role}<Rule><Status>On</Status>{destination}</Rule>",
        f"{role}<Rule>{good}<Colour>red</Colour></Rule>",
        f"{role}<Rule>{good}<Priority>high</Priority></Rule>",
        f"{role}<Rule>{good}<Status>Enabled</Status></Rule>",
        f"<Rule>{good}</Rule>",
        f"{role}<Rule>{good}<DeleteMarkerReplication><Status>x</Status></DeleteMarkerReplication></Rule>",
    ):
        body = f"<ReplicationConfiguration>{document}</ReplicationConfiguration>".encode()
        status, answer = _raw_put(s3mpu, "src-4", body)
        assert status == 400, document
        assert b"<Code>MalformedXML</Code>" in answer, document
    _expect_not_found(s3mpu_client, "src-4")
    status, _ = _raw_put(
        s3mpu,
        "src-4",
        f"<ReplicationConfiguration>{role}<Rule>{good}</Rule></ReplicationConfiguration>".encode(),
    )
    assert status == 200
