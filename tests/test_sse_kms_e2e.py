"""SSE-KMS (and DSSE-KMS) as S3 answers it, through the real server with boto3: the AWS-managed key's ARN
when no key is named, a named key reported as an ARN, BucketKeyEnabled taken from a KMS bucket default,
and ETags that are not the MD5 of the plaintext (as for SSE-C) on every operation that shows one.

Recordings: LocalStack tests/aws/services/s3/test_s3.py and test_s3_api.py ("LS-AWS"), recorded against
AWS 2026-02-21. AWS user guide, "Checking object integrity": objects encrypted by SSE-C or SSE-KMS have
ETags that are not an MD5 digest of their data.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid

import pytest
from s3_assertions import expect_error

from pytest_s3mpu.state import encryption
from pytest_s3mpu.state.access import DEFAULT_ACCOUNT_ID as ACCOUNT
from pytest_s3mpu.state.encryption import Encryption, EncryptionRequest

BUCKET = "kms"
OTHER = "kms-two"
DATA = b"test-sse"
DATA_MD5 = '"42832cdec7083e70a9cd6f2d5852e004"'  # MD5 of DATA: what an SSE-S3 PUT of it answers
DATA_CRC32 = "KHcEKQ=="  # recorded for DATA under SSE-KMS: checksums stay those of the plaintext
KEY_ID = "0b8c6a3e-6e0b-4f53-9d55-1b9d3b1f0a77"
ARN = re.compile(r"arn:aws:kms:us-east-1:\d{12}:key/([0-9a-f-]{36})")
CUSTOMER_KEY = bytes(range(32))

pytestmark = pytest.mark.s3mpu(min_part_size=1024)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    s3mpu.create_bucket(OTHER)
    return s3mpu_client


def managed_key(arn: str) -> str:
    """The key id of an ARN of the AWS-managed key shape (asserts the shape)."""
    match = ARN.fullmatch(arn)
    assert match is not None, arn
    return str(uuid.UUID(match.group(1)))


def md5_quoted(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def multipart_etag(part_etags: list[str]) -> str:
    """S3's multipart ETag: the MD5 of the parts' ETags' bytes, then ``-N``."""
    joined = b"".join(bytes.fromhex(etag.strip('"')) for etag in part_etags)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(part_etags)}"'


# -- the AWS-managed key --------------------------------------------------------------------------------


def test_aws_kms_without_a_key_reports_the_managed_key(s3):
    """[LS-AWS: test_s3_sse_default_kms_key, recorded 2026-02-21] PutObject with ``aws:kms`` and no key
    id answers, and GET reports, the ARN of the account's AWS-managed key: one key, the same for a second
    bucket; the ETag is not the MD5 of the data and differs between two PUTs of the same body; the
    checksum is the plaintext's (ChecksumCRC32 ``KHcEKQ==``)."""
    first = s3.put_object(Bucket=BUCKET, Key="k", Body=DATA, ServerSideEncryption="aws:kms")
    assert first["ServerSideEncryption"] == "aws:kms"
    key = managed_key(first["SSEKMSKeyId"])
    assert "BucketKeyEnabled" not in first
    assert first["ChecksumCRC32"] == DATA_CRC32
    got = s3.get_object(Bucket=BUCKET, Key="k")
    assert got["Body"].read() == DATA
    assert (got["SSEKMSKeyId"], got["ETag"]) == (first["SSEKMSKeyId"], first["ETag"])
    second = s3.put_object(Bucket=OTHER, Key="k", Body=DATA, ServerSideEncryption="aws:kms")
    assert managed_key(second["SSEKMSKeyId"]) == key
    assert DATA_MD5 not in (first["ETag"], second["ETag"])
    assert first["ETag"] != second["ETag"]


def test_aws_kms_request_takes_the_bucket_keys_default(s3):
    """[LS-AWS: test_s3_sse_default_kms_key, recorded 2026-02-21, "put-obj-default-kms-s3-key-from-bucket"]
    after PutBucketEncryption with ``aws:kms`` (no key) and BucketKeyEnabled, a PUT naming ``aws:kms``
    alone answers BucketKeyEnabled and the same managed key as before; [LS-AWS:
    test_s3_bucket_encryption_sse_kms_aws_managed_key, recorded 2026-02-21] a PUT with no SSE header
    does too, and HEAD and GET report it."""
    before = s3.put_object(Bucket=BUCKET, Key="before", Body=DATA, ServerSideEncryption="aws:kms")
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}
            ]
        },
    )
    named = s3.put_object(Bucket=BUCKET, Key="named", Body=DATA, ServerSideEncryption="aws:kms")
    assert named["BucketKeyEnabled"] is True
    assert named["SSEKMSKeyId"] == before["SSEKMSKeyId"]
    plain = s3.put_object(Bucket=BUCKET, Key="plain", Body=b"test-encrypted")
    assert (plain["ServerSideEncryption"], plain["BucketKeyEnabled"]) == ("aws:kms", True)
    assert plain["SSEKMSKeyId"] == before["SSEKMSKeyId"]
    assert plain["ETag"] != md5_quoted(b"test-encrypted")
    for read in (s3.head_object(Bucket=BUCKET, Key="plain"), s3.get_object(Bucket=BUCKET, Key="plain")):
        assert (read["ETag"], read["SSEKMSKeyId"], read["BucketKeyEnabled"]) == (
            plain["ETag"],
            plain["SSEKMSKeyId"],
            True,
        )
    # a bucket without a KMS default lends no bucket key
    other = s3.put_object(Bucket=OTHER, Key="k", Body=DATA, ServerSideEncryption="aws:kms")
    assert "BucketKeyEnabled" not in other


@pytest.mark.s3mpu(region="eu-west-1")
def test_the_managed_key_is_one_per_region(s3mpu):
    """The managed ``aws/s3`` key belongs to an account and a region: a bucket in eu-west-1 reports an ARN
    in eu-west-1 [LS-AWS: test_s3_sse_default_kms_key, recorded 2026-02-21, the ARN names the region]."""
    s3 = s3mpu.client()
    s3.create_bucket(Bucket="in-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    first = s3.put_object(Bucket="in-eu", Key="a", Body=DATA, ServerSideEncryption="aws:kms")
    second = s3.put_object(Bucket="in-eu", Key="b", Body=DATA, ServerSideEncryption="aws:kms")
    assert re.fullmatch(r"arn:aws:kms:eu-west-1:\d{12}:key/[0-9a-f-]{36}", first["SSEKMSKeyId"])
    assert first["SSEKMSKeyId"] == second["SSEKMSKeyId"]


# -- a named key ----------------------------------------------------------------------------------------


def test_a_key_id_is_reported_as_its_arn_on_a_multipart_upload(s3):
    """[LS-AWS: test_s3_multipart_upload_sse, recorded 2026-02-21] an upload created with a bare key id
    and BucketKeyEnabled answers the key's ARN on Create, UploadPart, Complete and GET; the part's ETag is
    not its MD5 and the object's ETag is the MD5 of the part ETags' bytes (the recording's
    ``93a0cb8e…-1`` is exactly that of its part's ``1a9f0234…``)."""
    create = s3.create_multipart_upload(
        Bucket=BUCKET, Key="mp", ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY_ID, BucketKeyEnabled=True
    )
    arn = create["SSEKMSKeyId"]
    assert ARN.fullmatch(arn) and arn.endswith(f":key/{KEY_ID}")
    assert create["BucketKeyEnabled"] is True
    upload = create["UploadId"]
    part = s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=1, Body=DATA)
    assert (part["SSEKMSKeyId"], part["BucketKeyEnabled"]) == (arn, True)
    assert part["ETag"] != DATA_MD5
    [listed] = s3.list_parts(Bucket=BUCKET, Key="mp", UploadId=upload)["Parts"]
    assert listed["ETag"] == part["ETag"]
    done = s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["ETag"] == multipart_etag([part["ETag"]])
    assert (done["SSEKMSKeyId"], done["BucketKeyEnabled"]) == (arn, True)
    got = s3.get_object(Bucket=BUCKET, Key="mp")
    assert (got["ETag"], got["SSEKMSKeyId"], got["Body"].read()) == (done["ETag"], arn, DATA)


def test_parts_of_the_same_data_get_different_etags(s3):
    """[LS-AWS: test_multipart_upload_sse_c, recorded 2026-02-21: three SSE-C parts, two of the same
    bytes, answer three different ETags, and the object's ETag is the MD5 of their bytes] the same for
    SSE-KMS and DSSE-KMS uploads, and for UploadPartCopy."""
    body = b"a" * 1024
    s3.put_object(Bucket=BUCKET, Key="src", Body=body)
    for sse in ("aws:kms", "aws:kms:dsse"):
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key=sse, ServerSideEncryption=sse)["UploadId"]
        etags = [
            s3.upload_part(Bucket=BUCKET, Key=sse, UploadId=upload, PartNumber=n, Body=body)["ETag"]
            for n in (1, 2)
        ]
        copied = s3.upload_part_copy(
            Bucket=BUCKET, Key=sse, UploadId=upload, PartNumber=3, CopySource=f"{BUCKET}/src"
        )["CopyPartResult"]["ETag"]
        etags.append(copied)
        assert len(set(etags)) == 3 and md5_quoted(body) not in etags
        parts = [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(etags, 1)]
        done = s3.complete_multipart_upload(
            Bucket=BUCKET, Key=sse, UploadId=upload, MultipartUpload={"Parts": parts}
        )
        assert done["ETag"] == multipart_etag(etags)


def test_sse_c_parts_get_opaque_etags(s3):
    """[LS-AWS: test_multipart_upload_sse_c, recorded 2026-02-21] an SSE-C part's ETag is not the MD5 of
    its bytes either: equal parts answer different ETags, ListParts shows them, and Complete's ETag is
    the MD5 of their bytes."""
    sse_c = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": CUSTOMER_KEY}
    body = b"b" * 1024
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="c", **sse_c)["UploadId"]
    etags = [
        s3.upload_part(Bucket=BUCKET, Key="c", UploadId=upload, PartNumber=n, Body=body, **sse_c)["ETag"]
        for n in (1, 2)
    ]
    assert etags[0] != etags[1] and md5_quoted(body) not in etags
    listed = s3.list_parts(Bucket=BUCKET, Key="c", UploadId=upload)["Parts"]
    assert [part["ETag"] for part in listed] == etags
    parts = [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(etags, 1)]
    done = s3.complete_multipart_upload(
        Bucket=BUCKET, Key="c", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    assert done["ETag"] == multipart_etag(etags)


# -- the ETag everywhere, integrity still checked --------------------------------------------------------


def test_kms_etag_is_the_same_on_every_read_and_listing(s3):
    """The opaque ETag is the object's, everywhere S3 shows it: HEAD, GET, GetObjectAttributes, ListObjects
    (v1 and v2), ListObjectVersions, and an If-Match on it [AWS docs "Checking object integrity"; LS-AWS:
    test_s3_bucket_encryption_sse_kms_aws_managed_key, recorded 2026-02-21: PUT, HEAD and GET agree]."""
    etag = s3.put_object(Bucket=BUCKET, Key="e", Body=DATA, ServerSideEncryption="aws:kms:dsse")["ETag"]
    assert etag != DATA_MD5
    assert s3.head_object(Bucket=BUCKET, Key="e")["ETag"] == etag
    assert s3.get_object(Bucket=BUCKET, Key="e", IfMatch=etag)["ETag"] == etag
    attributes = s3.get_object_attributes(Bucket=BUCKET, Key="e", ObjectAttributes=["ETag"])
    assert f'"{attributes["ETag"]}"' == etag
    assert [o["ETag"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [etag]
    assert [o["ETag"] for o in s3.list_objects(Bucket=BUCKET)["Contents"]] == [etag]
    assert [v["ETag"] for v in s3.list_object_versions(Bucket=BUCKET)["Versions"]] == [etag]


def test_content_md5_and_checksums_still_check_the_plaintext(s3):
    """Content-MD5 and x-amz-checksum-* are about the bytes sent, whatever the encryption: right ones are
    taken, a wrong Content-MD5 is BadDigest and stores nothing [AWS API reference PutObject, Content-MD5;
    LS-AWS: test_s3_sse_default_kms_key, recorded 2026-02-21: the recorded CRC32 is the plaintext's]."""
    good = base64.b64encode(hashlib.md5(DATA).digest()).decode()
    put = s3.put_object(
        Bucket=BUCKET,
        Key="m",
        Body=DATA,
        ContentMD5=good,
        ServerSideEncryption="aws:kms",
        ChecksumCRC32=DATA_CRC32,
    )
    assert put["ETag"] != DATA_MD5 and put["ChecksumCRC32"] == DATA_CRC32
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    expect_error(
        lambda: s3.put_object(
            Bucket=BUCKET, Key="n", Body=DATA, ContentMD5=wrong, ServerSideEncryption="aws:kms"
        ),
        400,
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        ExpectedDigest=hashlib.md5(b"other").hexdigest(),  # PutObject names the value sent in hex
        CalculatedDigest=good,
    )
    assert "n" not in [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]


def test_a_kms_part_checks_its_content_md5(s3):
    """A part of an SSE-KMS upload skips the MD5 its ETag does not show, but not the Content-MD5 check: a
    right one is taken, a wrong one is BadDigest echoing the header as sent (UploadPart's form) and stores
    no part [AWS API reference UploadPart, Content-MD5; LS-AWS: test_s3_invalid_content_md5, recorded
    2026-02-21, for the UploadPart form of BadDigest]."""
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="p", ServerSideEncryption="aws:kms")["UploadId"]
    good = base64.b64encode(hashlib.md5(DATA).digest()).decode()
    part = s3.upload_part(Bucket=BUCKET, Key="p", UploadId=upload, PartNumber=1, Body=DATA, ContentMD5=good)
    assert part["ETag"] != DATA_MD5
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    expect_error(
        lambda: s3.upload_part(
            Bucket=BUCKET, Key="p", UploadId=upload, PartNumber=2, Body=DATA, ContentMD5=wrong
        ),
        400,
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        ExpectedDigest=wrong,
        CalculatedDigest=good,
    )
    listed = s3.list_parts(Bucket=BUCKET, Key="p", UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["ETag"]) for p in listed] == [(1, part["ETag"])]


# -- copies ------------------------------------------------------------------------------------------------


def test_copy_into_kms_and_back(s3):
    """[LS-AWS: test_copy_object_kms, test_s3_copy_object_in_place_with_encryption, recorded 2026-02-21]
    a copy made with ``aws:kms``, a key id and BucketKeyEnabled reports them (the key as an ARN) and gets
    an ETag that is not the MD5; a KMS object copied onto itself with ``aws:kms`` alone takes the managed
    key and no bucket key; copied onto itself with no SSE header at all (allowed: its encryption changes)
    it becomes SSE-S3 with the MD5 of its bytes as ETag (recorded ``098f6bcd…``, the MD5 of ``test``)."""
    s3.put_object(Bucket=BUCKET, Key="plain", Body=b"hello world")
    copy = s3.copy_object(
        Bucket=BUCKET,
        Key="copied",
        CopySource=f"{BUCKET}/plain",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=KEY_ID,
        BucketKeyEnabled=True,
    )
    assert copy["SSEKMSKeyId"].endswith(f":key/{KEY_ID}") and copy["BucketKeyEnabled"] is True
    assert copy["CopyObjectResult"]["ETag"] != md5_quoted(b"hello world")
    assert s3.get_object(Bucket=BUCKET, Key="copied")["ETag"] == copy["CopyObjectResult"]["ETag"]

    s3.put_object(
        Bucket=BUCKET,
        Key="src",
        Body=b"test",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=KEY_ID,
        BucketKeyEnabled=True,
    )
    source = f"{BUCKET}/src"
    managed = s3.copy_object(Bucket=BUCKET, Key="src", CopySource=source, ServerSideEncryption="aws:kms")
    managed_key(managed["SSEKMSKeyId"])
    assert "BucketKeyEnabled" not in managed
    assert "BucketKeyEnabled" not in s3.head_object(Bucket=BUCKET, Key="src")
    back = s3.copy_object(Bucket=BUCKET, Key="src", CopySource=source)
    assert back["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in back
    assert back["CopyObjectResult"]["ETag"] == '"098f6bcd4621d373cade4e832627b4f6"'
    assert s3.head_object(Bucket=BUCKET, Key="src")["ETag"] == '"098f6bcd4621d373cade4e832627b4f6"'


# -- the rules, without HTTP ---------------------------------------------------------------------------------


def test_for_write_resolves_the_kms_key():
    """The pure rule: no key → the region's managed key; a key id → its ARN; an ARN as given; a bucket
    key from a KMS default only when the request sends none."""
    managed = encryption.for_write(EncryptionRequest(sse="aws:kms"), region="ap-south-1", account_id=ACCOUNT)
    assert managed.kms_key_id == encryption.kms_key_arn(None, "ap-south-1", ACCOUNT)
    assert managed.kms_key_id.startswith(f"arn:aws:kms:ap-south-1:{ACCOUNT}:key/")
    assert encryption.kms_key_arn(None, "ap-south-1", ACCOUNT) != encryption.kms_key_arn(
        None, "us-east-1", ACCOUNT
    )
    named = encryption.for_write(EncryptionRequest(sse="aws:kms:dsse", kms_key_id=KEY_ID), account_id=ACCOUNT)
    assert named.kms_key_id == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}"
    arn = "arn:aws:kms:us-west-2:111122223333:key/abc"
    assert (
        encryption.for_write(EncryptionRequest(sse="aws:kms", kms_key_id=arn), account_id=ACCOUNT).kms_key_id
        == arn
    )
    kms_default = Encryption(sse="aws:kms", kms_key_id=arn, bucket_key="true")
    assert (
        encryption.for_write(EncryptionRequest(sse="aws:kms"), kms_default, account_id=ACCOUNT).bucket_key
        == "true"
    )
    assert (
        encryption.for_write(
            EncryptionRequest(sse="aws:kms", bucket_key="false"), kms_default, account_id=ACCOUNT
        ).bucket_key
        == "false"
    )
    assert (
        encryption.for_write(
            EncryptionRequest(sse="aws:kms"), Encryption(bucket_key="true"), account_id=ACCOUNT
        ).bucket_key
        is None
    )
    assert encryption.for_write(
        EncryptionRequest(sse="AES256"), kms_default, account_id=ACCOUNT
    ) == Encryption(sse="AES256")


def test_which_encryptions_hide_the_md5():
    """SSE-C, SSE-KMS and DSSE-KMS objects get opaque ETags; SSE-S3 ones the MD5 [AWS docs "Checking
    object integrity"]."""
    assert not Encryption().hides_md5
    assert Encryption(sse="aws:kms").hides_md5 and Encryption(sse="aws:kms:dsse").hides_md5
    assert Encryption(sse=None, customer_algorithm="AES256", key_md5="x").hides_md5
