"""Anonymous requests (no signature at all) under signature verification, through the real server: S3
lets them do what the bucket's ACLs or policy grant everyone, and nothing else (S3_AUTH_SPEC §9).

Recordings: LocalStack tests/aws/services/s3/test_s3.py ("LS-AWS"); the AWS user guide's "Access control
list (ACL) overview" for what each permission allows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from s3_assertions import expect_error, raw_request, state

pytestmark = pytest.mark.s3mpu(auth="sigv4")

BUCKET = "public"
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def anonymous(s3mpu: Any) -> Any:
    """boto3 sending no signature (LocalStack's ``anonymous_client``: ``signature_version=UNSIGNED``)."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name=s3mpu.region,
        config=Config(
            signature_version=UNSIGNED, s3={"addressing_style": "path"}, retries={"max_attempts": 1}
        ),
    )


@pytest.fixture
def s3(s3mpu):
    """A bucket with ACLs enabled and no public access block (LocalStack's ``allow_bucket_acl``)."""
    client = s3mpu.client()
    client.create_bucket(Bucket=BUCKET)
    client.delete_bucket_ownership_controls(Bucket=BUCKET)
    client.delete_public_access_block(Bucket=BUCKET)
    return client


def delete_document(*keys: str) -> bytes:
    objects = "".join(f"<Object><Key>{key}</Key></Object>" for key in keys)
    return f'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{objects}</Delete>'.encode()


def test_anonymous_batch_delete_needs_bucket_write_and_owning_the_object(s3mpu, s3):
    """[LS-AWS: test_s3_batch_delete_objects_using_requests_with_acl, recorded 2023-08-03] on a
    public-read-write bucket, an anonymous DeleteObjects (plain HTTP, no Authorization) deletes the key an
    anonymous PutObject wrote (<Deleted>) and is refused, per key, the one the owner wrote even with a
    public-read-write object ACL (<Error> AccessDenied); one object is left."""
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read-write")
    s3.put_object(Bucket=BUCKET, Key="key-created-by-owner", Body=b"one", ACL="public-read-write")
    anonymous(s3mpu).put_object(
        Bucket=BUCKET, Key="key-created-by-anonymous", Body=b"two", ACL="public-read-write"
    )
    body = delete_document("key-created-by-owner", "key-created-by-anonymous")
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    status, answer = raw_request(
        s3mpu, "POST", f"/{BUCKET}?delete", {"Content-MD5": md5, "x-amz-request-payer": "requester"}, body
    )
    assert status == 200
    result = ET.fromstring(answer)
    deleted = [d.findtext(f"{NS}Key") for d in result.findall(f"{NS}Deleted")]
    refused = [
        (e.findtext(f"{NS}Key"), e.findtext(f"{NS}Code"), e.findtext(f"{NS}Message"))
        for e in result.findall(f"{NS}Error")
    ]
    assert deleted == ["key-created-by-anonymous"]
    assert refused == [("key-created-by-owner", "AccessDenied", "Access Denied")]
    assert list(s3mpu.objects(BUCKET)) == ["key-created-by-owner"]


def test_anonymous_writes_need_a_public_write_grant(s3mpu, s3):
    """[CEPH test_object_anon_put (S3_AUTH_SPEC §9); user guide ACL overview: bucket WRITE "allows
    grantee to create new objects"] a private bucket refuses an anonymous PutObject and DeleteObject
    (403 AccessDenied, nothing changes); public-read-write lets it write; a public-read bucket does not."""
    s3.put_object(Bucket=BUCKET, Key="owned", Body=b"x")
    anon = anonymous(s3mpu)
    before = state(s3mpu)
    for call in (
        lambda: anon.put_object(Bucket=BUCKET, Key="new", Body=b"y"),
        lambda: anon.delete_object(Bucket=BUCKET, Key="owned"),
        lambda: anon.create_multipart_upload(Bucket=BUCKET, Key="mpu"),
    ):
        expect_error(call, 403, "AccessDenied", "Access Denied")
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    expect_error(
        lambda: anon.put_object(Bucket=BUCKET, Key="new", Body=b"y"), 403, "AccessDenied", "Access Denied"
    )
    assert state(s3mpu) == before
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read-write")
    anon.put_object(Bucket=BUCKET, Key="new", Body=b"y")
    assert s3mpu.object_bytes(BUCKET, "new") == b"y"
    # the owner's object is not the anonymous user's to delete, even with the bucket's WRITE
    expect_error(lambda: anon.delete_object(Bucket=BUCKET, Key="owned"), 403, "AccessDenied", "Access Denied")
    anon.delete_object(Bucket=BUCKET, Key="new")
    assert sorted(s3mpu.objects(BUCKET)) == ["owned"]


def test_anonymous_reads_need_object_read_or_a_policy_allow(s3mpu, s3):
    """[user guide ACL overview: object READ "allows grantee to read the object data"; LS-AWS:
    test_get_bucket_policy's public policy, recorded 2026-02-21] a private object is 403 to an anonymous
    GetObject; a public-read object ACL, or a policy allowing everyone s3:GetObject, lets it read; listing
    needs the bucket's READ; bucket configuration stays the owner's."""
    s3.put_object(Bucket=BUCKET, Key="private", Body=b"p")
    s3.put_object(Bucket=BUCKET, Key="shared", Body=b"s", ACL="public-read")
    anon = anonymous(s3mpu)
    expect_error(lambda: anon.get_object(Bucket=BUCKET, Key="private"), 403, "AccessDenied", "Access Denied")
    assert anon.get_object(Bucket=BUCKET, Key="shared")["Body"].read() == b"s"
    expect_error(lambda: anon.list_objects_v2(Bucket=BUCKET), 403, "AccessDenied", "Access Denied")
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    assert anon.get_object(Bucket=BUCKET, Key="private")["Body"].read() == b"p"
    expect_error(lambda: anon.list_objects_v2(Bucket=BUCKET), 403, "AccessDenied", "Access Denied")
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    assert [o["Key"] for o in anon.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["private", "shared"]
    expect_error(lambda: anon.get_bucket_policy(Bucket=BUCKET), 403, "AccessDenied", "Access Denied")
    expect_error(lambda: anon.list_buckets(), 403, "AccessDenied", "Access Denied")
    last = s3mpu.journal.entries()[-1]
    assert (last.auth, last.access_key) == ("anonymous", None)


def test_public_access_block_ignores_public_grants(s3mpu, s3):
    """[user guide "Blocking public access": IgnorePublicAcls makes S3 ignore public ACLs,
    RestrictPublicBuckets a public policy, for everyone but the owner's account] the same public grants
    are then 403 to an anonymous request."""
    s3.put_object(Bucket=BUCKET, Key="shared", Body=b"s", ACL="public-read")
    anon = anonymous(s3mpu)
    assert anon.get_object(Bucket=BUCKET, Key="shared")["Body"].read() == b"s"
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    expect_error(lambda: anon.get_object(Bucket=BUCKET, Key="shared"), 403, "AccessDenied", "Access Denied")
    s3.put_object(Bucket=BUCKET, Key="other", Body=b"o")  # the policy alone is ignored too
    expect_error(lambda: anon.get_object(Bucket=BUCKET, Key="other"), 403, "AccessDenied", "Access Denied")


def test_bucket_owner_enforced_disables_an_objects_public_acl(s3mpu, s3):
    """[user guide "Controlling ownership of objects and disabling ACLs for your bucket": Bucket owner
    enforced, "ACLs no longer affect permissions to data in the S3 bucket"] an object made public-read
    while ACLs were enabled is 403 to an anonymous GetObject once the bucket is BucketOwnerEnforced, as
    the website endpoint already judged it."""
    s3.put_object(Bucket=BUCKET, Key="shared", Body=b"s", ACL="public-read")
    anon = anonymous(s3mpu)
    assert anon.get_object(Bucket=BUCKET, Key="shared")["Body"].read() == b"s"
    s3.put_bucket_ownership_controls(
        Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    expect_error(lambda: anon.get_object(Bucket=BUCKET, Key="shared"), 403, "AccessDenied", "Access Denied")


def test_anonymous_list_objects_names_no_owner(s3mpu, s3):
    """[LS-AWS: test_bucket_name_with_dots, recorded 2026-02-21] on a public-read bucket, the owner's
    ListObjects (v1) names each entry's Owner, while a plain unsigned GET of the bucket, path style and
    virtual-hosted style, gets the same listing without Owner."""
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    s3.put_object(Bucket=BUCKET, Key="my-content", Body=b"something")
    signed = s3.list_objects(Bucket=BUCKET)["Contents"]
    assert [entry["Key"] for entry in signed] == ["my-content"]
    assert "ID" in signed[0]["Owner"]
    status, body = raw_request(s3mpu, "GET", f"/{BUCKET}")
    assert status == 200
    contents = ET.fromstring(body).findall(f"{NS}Contents")
    assert [entry.findtext(f"{NS}Key") for entry in contents] == ["my-content"]
    assert contents[0].find(f"{NS}Owner") is None
    status, body = raw_request(s3mpu, "GET", "/", headers={"Host": f"{BUCKET}.localhost"})
    assert status == 200
    contents = ET.fromstring(body).findall(f"{NS}Contents")
    assert [entry.findtext(f"{NS}Key") for entry in contents] == ["my-content"]
    assert contents[0].find(f"{NS}Owner") is None
