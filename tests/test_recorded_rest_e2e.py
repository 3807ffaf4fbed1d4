"""The rest of S3 as AWS recorded it (issue #14), through the real server with boto3: the regional
endpoint a client signs for judges CreateBucket's LocationConstraint, storage classes a general purpose
bucket refuses, a copy source without a key, and copies onto themselves."""

from __future__ import annotations

import functools
from typing import Any

import boto3
import pytest
from botocore.config import Config
from s3_assertions import expect_error

INCOMPATIBLE = (
    "location constraint is incompatible for the region specific endpoint this request was sent to."
)


def _client_in(s3mpu: Any, region: str) -> Any:
    """A boto3 client configured for ``region``: it signs with that region's credential scope."""
    return boto3.client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}),
    )


def test_create_bucket_is_judged_by_the_region_the_client_signs_for(s3mpu):
    """[LS-AWS: test_different_location_constraint, recorded 2026-02-23] one server, clients of three
    regions: us-east-1 refuses its own name (InvalidLocationConstraint); us-east-2 creates a bucket
    constrained to us-east-2 and refuses none or another region's constraint; us-west-1 finds even
    ``us-east-1`` incompatible. A refused CreateBucket leaves no bucket."""
    east_1, east_2, west_1 = (_client_in(s3mpu, r) for r in ("us-east-1", "us-east-2", "us-west-1"))
    expect_error(
        lambda: east_1.create_bucket(
            Bucket="own-name", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        ),
        400,
        "InvalidLocationConstraint",
        "The specified location-constraint is not valid",
        LocationConstraint="us-east-1",
    )
    east_2.create_bucket(Bucket="in-east-2", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
    assert east_2.get_bucket_location(Bucket="in-east-2")["LocationConstraint"] == "us-east-2"
    assert east_2.head_bucket(Bucket="in-east-2")["BucketRegion"] == "us-east-2"
    expect_error(
        lambda: east_2.create_bucket(Bucket="no-constraint"),
        400,
        "IllegalLocationConstraintException",
        f"The unspecified {INCOMPATIBLE}",
    )
    for client, constraint in ((east_2, "us-west-1"), (west_1, "us-east-2"), (west_1, "us-east-1")):
        expect_error(
            functools.partial(
                client.create_bucket,
                Bucket="elsewhere",
                CreateBucketConfiguration={"LocationConstraint": constraint},
            ),
            400,
            "IllegalLocationConstraintException",
            f"The {constraint} {INCOMPATIBLE}",
        )
    names = {bucket["Name"] for bucket in east_1.list_buckets()["Buckets"]}
    assert names == {"in-east-2"}


@pytest.mark.parametrize("storage_class", ["OUTPOSTS", "FakeClass"])
def test_storage_classes_a_general_purpose_bucket_refuses(s3mpu_client, storage_class):
    """[LS-AWS: test_put_object_storage_class_outposts, recorded 2026-02-21; FakeClass:
    test_post_object_with_storage_class, recorded 2026-02-21] PutObject and CreateMultipartUpload with
    OUTPOSTS (or a name S3 does not know) are InvalidStorageClass naming the class; nothing is stored."""
    s3mpu_client.create_bucket(Bucket="classes")
    for call in (
        lambda: s3mpu_client.put_object(Bucket="classes", Key="k", Body=b"x", StorageClass=storage_class),
        lambda: s3mpu_client.create_multipart_upload(Bucket="classes", Key="k", StorageClass=storage_class),
    ):
        expect_error(
            call,
            400,
            "InvalidStorageClass",
            "The storage class you specified is not valid",
            StorageClassRequested=storage_class,
        )
    assert s3mpu_client.list_objects_v2(Bucket="classes")["KeyCount"] == 0
    assert "Uploads" not in s3mpu_client.list_multipart_uploads(Bucket="classes")
    s3mpu_client.put_object(Bucket="classes", Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    assert s3mpu_client.head_object(Bucket="classes", Key="ia")["StorageClass"] == "STANDARD_IA"


def test_copy_source_without_a_key_names_the_header_as_its_value(s3mpu_client):
    """[LS-AWS: test_s3_copy_object_wrong_format, recorded 2026-02-21] CopySource ``wrongformat`` (no
    ``bucket/key``) is InvalidArgument whose ArgumentValue is the header's name, not the value sent."""
    s3mpu_client.create_bucket(Bucket="copies")
    expect_error(
        lambda: s3mpu_client.copy_object(Bucket="copies", CopySource="wrongformat", Key="destination-key"),
        400,
        "InvalidArgument",
        "Invalid copy source object key",
        ArgumentName="x-amz-copy-source",
        ArgumentValue="x-amz-copy-source",
    )


def test_copy_onto_itself_in_a_bucket_with_default_encryption(s3mpu_client):
    """[LS-AWS: test_copy_in_place_with_bucket_encryption, recorded 2026-02-21] after PutBucketEncryption
    (SSE-S3) a plain CopyObject onto itself succeeds, same ETag and checksum; without one it is the
    "copy to itself" InvalidRequest [test_s3_copy_object_in_place, recorded 2026-02-21]."""
    s3mpu_client.create_bucket(Bucket="plain")
    s3mpu_client.put_object(Bucket="plain", Key="k", Body=b"")
    refused = expect_error(
        lambda: s3mpu_client.copy_object(Bucket="plain", CopySource="plain/k", Key="k"),
        400,
        "InvalidRequest",
        "This copy request is illegal because it is trying to copy an object to itself without changing "
        "the object's metadata, storage class, website redirect location or encryption attributes.",
    )
    assert refused["Error"]["Code"] == "InvalidRequest"
    s3mpu_client.create_bucket(Bucket="encrypted")
    s3mpu_client.put_bucket_encryption(
        Bucket="encrypted",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
            ]
        },
    )
    put = s3mpu_client.put_object(Bucket="encrypted", Key="k", Body=b"")
    copied = s3mpu_client.copy_object(
        Bucket="encrypted", CopySource={"Bucket": "encrypted", "Key": "k"}, Key="k"
    )
    assert copied["CopyObjectResult"]["ETag"] == put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert copied["CopyObjectResult"]["ChecksumCRC32"] == "AAAAAA=="
    assert copied["ServerSideEncryption"] == "AES256"


def test_copy_onto_itself_with_only_an_acl_is_no_change(s3mpu_client):
    """[LS-AWS: test_s3_copy_object_in_place (copy-object-in-place-with-acl), recorded 2026-02-21] in a
    bucket that takes ACLs (ownership controls and public access block deleted), an ACL alone does not
    make a copy onto itself legal: the "copy to itself" InvalidRequest, and the object's ACL unchanged."""
    s3mpu_client.create_bucket(Bucket="acls")
    s3mpu_client.delete_bucket_ownership_controls(Bucket="acls")
    s3mpu_client.delete_public_access_block(Bucket="acls")
    s3mpu_client.put_object(Bucket="acls", Key="k", Body=b"{}")
    before = s3mpu_client.get_object_acl(Bucket="acls", Key="k")["Grants"]
    with pytest.raises(s3mpu_client.exceptions.ClientError) as caught:
        s3mpu_client.copy_object(Bucket="acls", CopySource="acls/k", Key="k", ACL="public-read")
    assert caught.value.response["Error"]["Code"] == "InvalidRequest"
    assert caught.value.response["Error"]["Message"].startswith("This copy request is illegal")
    assert s3mpu_client.get_object_acl(Bucket="acls", Key="k")["Grants"] == before


def test_an_operation_the_double_does_not_model_on_a_missing_bucket_is_no_such_bucket(s3mpu_client):
    """[LS-AWS: test_bucket_availability, recorded 2026-02-21: an operation of a bucket that does not
    exist is 404 NoSuchBucket naming it] GetObjectTorrent, which the double does not model, is answered
    so too, before the double's 501 NotImplemented (which an existing bucket still gets). Replication,
    the recording's own operation, is implemented now: tests/test_replication_e2e.py."""
    expect_error(
        lambda: s3mpu_client.get_object_torrent(Bucket="never-created", Key="k"),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="never-created",
    )
    s3mpu_client.create_bucket(Bucket="exists")
    with pytest.raises(s3mpu_client.exceptions.ClientError) as caught:
        s3mpu_client.get_object_torrent(Bucket="exists", Key="k")
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
