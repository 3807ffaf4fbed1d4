"""UploadPartCopy and CopyObject through the real server with boto3: copy-source parsing, ranges and their
errors, missing sources, copy-source conditions, result shapes, checksums, directives and copies onto
themselves (S3_MULTIPART_SPEC.md §4; research copy_attrs_sse.md §1-§2)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zlib

import pytest
from s3_assertions import expect_error, state

from pytest_s3mpu.state.errors import S3Error
from pytest_s3mpu.state.model import CopyRequest, Limits, ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

MIB = 1024 * 1024
REAL_MIN = 5 * MIB
SMALL_MIN = 1024
BUCKET = "copy-bucket"
OTHER = "copy-other-bucket"
SOURCE = "src/source.bin"
DEST = "dst/dest.bin"
DATA = bytes(range(10))  # the 10-byte source of LS test_upload_part_copy_range

RANGE_FORM = (
    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the "
    "zero-based offsets of the first and last bytes to copy"
)
ONTO_ITSELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the "
    "object's metadata, storage class, website redirect location or encryption attributes."
)
PRECONDITION = "At least one of the pre-conditions you specified did not hold"
ENTITY_TOO_SMALL = "Your proposed upload is smaller than the minimum allowed size"

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def crc32_b64(data: bytes) -> str:
    return b64(zlib.crc32(data).to_bytes(4, "big"))


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    s3mpu.create_bucket(OTHER)
    s3mpu_client.put_object(Bucket=BUCKET, Key=SOURCE, Body=DATA)
    return s3mpu_client


@pytest.fixture
def upload(s3):
    return s3.create_multipart_upload(Bucket=BUCKET, Key=DEST)["UploadId"]


def copy_part(s3, upload_id, number=1, source=None, **kwargs):
    return s3.upload_part_copy(
        Bucket=BUCKET,
        Key=DEST,
        UploadId=upload_id,
        PartNumber=number,
        CopySource=source or {"Bucket": BUCKET, "Key": SOURCE},
        **kwargs,
    )


def complete(s3, upload_id, etags, **kwargs):
    parts = [{"PartNumber": n, "ETag": e} for n, e in etags]
    return s3.complete_multipart_upload(
        Bucket=BUCKET, Key=DEST, UploadId=upload_id, MultipartUpload={"Parts": parts}, **kwargs
    )


def with_raw_copy_source(s3, value: str):
    """Send ``x-amz-copy-source`` exactly as given (boto3 would URL-encode a key it is handed)."""

    def replace(request, **_):
        request.headers["x-amz-copy-source"] = value

    s3.meta.events.register("before-sign.s3.UploadPartCopy", replace)


# -- UploadPartCopy ------------------------------------------------------------------------------------


def test_upload_part_copy_whole_object(s3mpu, s3, upload):
    """Spec §4: without a range the whole source is the part; CopyPartResult{ETag, LastModified} with the
    MD5 of the copied bytes (research §2); no checksum when the upload has no algorithm."""
    result = copy_part(s3, upload)
    body = result["CopyPartResult"]
    assert body["ETag"] == f'"{md5_hex(DATA)}"'
    assert isinstance(body["LastModified"], dt.datetime)
    assert not [k for k in body if k.startswith("Checksum")]
    parts = s3.list_parts(Bucket=BUCKET, Key=DEST, UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [(1, f'"{md5_hex(DATA)}"', 10)]
    complete(s3, upload, [(1, body["ETag"])])
    assert s3.get_object(Bucket=BUCKET, Key=DEST)["Body"].read() == DATA


@pytest.mark.parametrize(
    ("header", "start", "end"), [("bytes=0-0", 0, 1), ("bytes=2-5", 2, 6), ("bytes=0-9", 0, 10)]
)
def test_upload_part_copy_range(s3mpu, s3, upload, header, start, end):
    """Spec §4: ``bytes=first-last`` copies exactly those bytes, inclusive; ETag = their MD5
    (LS test_upload_part_copy_range: the 1-byte "1" gives c4ca4238…)."""
    result = copy_part(s3, upload, CopySourceRange=header)
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(DATA[start:end])}"'
    assert s3mpu.parts(upload)[1].size == end - start
    complete(s3, upload, [(1, result["CopyPartResult"]["ETag"])])
    assert s3mpu.object_bytes(BUCKET, DEST) == DATA[start:end]


def test_upload_part_copy_ranges_assemble_in_order(s3mpu, s3, upload, random_bytes):
    """Spec §4 and §5.2: ranged copies of a larger source make parts; the object is their concatenation
    and its ETag the multipart ETag over their MD5s."""
    source = random_bytes(3 * SMALL_MIN)
    s3.put_object(Bucket=BUCKET, Key="big", Body=source)
    pieces = [(0, SMALL_MIN - 1), (SMALL_MIN, 2 * SMALL_MIN - 1), (2 * SMALL_MIN, 3 * SMALL_MIN - 1)]
    etags = []
    for number, (first, last) in enumerate(pieces, start=1):
        result = copy_part(
            s3, upload, number, {"Bucket": BUCKET, "Key": "big"}, CopySourceRange=f"bytes={first}-{last}"
        )
        etags.append((number, result["CopyPartResult"]["ETag"]))
    done = complete(s3, upload, etags)
    digests = b"".join(hashlib.md5(source[a : b + 1]).digest() for a, b in pieces)
    assert done["ETag"] == f'"{hashlib.md5(digests).hexdigest()}-3"'
    assert s3mpu.object_bytes(BUCKET, DEST) == source


def test_upload_part_copy_from_another_bucket(s3mpu, s3, upload):
    """Spec §4: the copy source names its own bucket."""
    s3.put_object(Bucket=OTHER, Key="elsewhere", Body=b"other bytes")
    result = copy_part(s3, upload, source={"Bucket": OTHER, "Key": "elsewhere"})
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(b"other bytes")}"'


def test_copy_source_is_url_decoded_exactly_once(s3mpu, s3, upload):
    """Spec §4 step 3 (ceph test_upload_part_copy_percent_encoded_key): the source key is decoded once, so
    ``anyfilename%25.txt`` names that key and never the object ``anyfilename%.txt``."""
    s3.put_object(Bucket=BUCKET, Key="anyfilename%.txt", Body=b"percent")
    before = state(s3mpu)
    # boto3 encodes the key it is given: the wire carries anyfilename%2525.txt, i.e. key anyfilename%25.txt.
    expect_error(
        lambda: copy_part(s3, upload, source={"Bucket": BUCKET, "Key": "anyfilename%25.txt"}),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="anyfilename%25.txt",
    )
    assert state(s3mpu) == before
    result = copy_part(s3, upload, source={"Bucket": BUCKET, "Key": "anyfilename%.txt"})
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(b"percent")}"'
    s3.put_object(Bucket=BUCKET, Key="anyfilename%25.txt", Body=b"literal")
    result = copy_part(s3, upload, 2, {"Bucket": BUCKET, "Key": "anyfilename%25.txt"})
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(b"literal")}"'


def test_raw_copy_source_header_decoded_once(s3mpu, s3, upload):
    """Spec §4: the raw header ``/bucket/anyfilename%25.txt`` (leading slash optional) names the key
    ``anyfilename%.txt``; ``%2525`` names ``anyfilename%25.txt``."""
    s3.put_object(Bucket=BUCKET, Key="anyfilename%.txt", Body=b"percent")
    with_raw_copy_source(s3, f"/{BUCKET}/anyfilename%25.txt")
    result = copy_part(s3, upload)
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(b"percent")}"'
    with_raw_copy_source(s3, f"{BUCKET}/anyfilename%2525.txt")
    expect_error(
        lambda: copy_part(s3, upload),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="anyfilename%25.txt",
    )


@pytest.mark.parametrize("key", [" ", "_", "__", "?versionId", "with space/ünïcödé ✓.txt", "a+b&c=d#e"])
def test_copy_source_special_names(s3mpu, s3, key):
    """Spec §1.1 and ceph test_multipart_copy_special_names: keys with spaces, unicode and ``?versionId``
    survive as copy sources and as destinations."""
    body = key.encode("utf-8") * 3
    s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    result = s3.upload_part_copy(
        Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=1, CopySource={"Bucket": BUCKET, "Key": key}
    )
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(body)}"'
    s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": result["CopyPartResult"]["ETag"]}]},
    )
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == body


def test_copy_source_version_id_query_is_not_part_of_the_key(s3mpu, s3, upload):
    """Spec §4: ``x-amz-copy-source: /b/k?versionId=V`` is the key ``k`` plus a version, unlike a key
    containing an encoded ``?`` (ceph test_multipart_copy_special_names)."""
    result = copy_part(s3, upload, source={"Bucket": BUCKET, "Key": SOURCE, "VersionId": "null"})
    assert result["CopyPartResult"]["ETag"] == f'"{md5_hex(DATA)}"'


@pytest.mark.parametrize(
    "header",
    [
        "0-8",
        "bytes=1-0",
        "bytes=-1-",
        "bytes=0--1",
        "bytes=0-1,3-4,7-9",
        "bytes=-",
        "bytes=-0",
        "bytes=1-",
        "bytes=-2",
        "bytes=-15",
        "bytes=a-b",
        "bites=0-1",
    ],
)
def test_copy_range_syntax_errors(s3mpu, s3, upload, header):
    """Spec §4 step 4 / research §2 (LS test_upload_part_copy_range, ceph test_multipart_copy_improper_range):
    anything but ``bytes=first-last`` with first <= last is InvalidArgument naming the raw header."""
    before = state(s3mpu)
    expect_error(
        lambda: copy_part(s3, upload, CopySourceRange=header),
        400,
        "InvalidArgument",
        RANGE_FORM,
        ArgumentName="x-amz-copy-source-range",
        ArgumentValue=header,
    )
    assert state(s3mpu) == before
    copy_part(s3, upload, CopySourceRange="bytes=0-1")
    assert s3mpu.parts(upload)[1].size == 2


def test_copy_range_past_the_end_of_the_source(s3mpu, s3, upload):
    """Spec §4 step 5 (LS test_upload_part_copy_range): first < size <= last is InvalidArgument naming the
    size; first >= size is InvalidRequest."""
    before = state(s3mpu)
    expect_error(
        lambda: copy_part(s3, upload, CopySourceRange="bytes=0-100"),
        400,
        "InvalidArgument",
        "Range specified is not valid for source object of size: 10",
        ArgumentName="x-amz-copy-source-range",
        ArgumentValue="bytes=0-100",
    )
    expect_error(
        lambda: copy_part(s3, upload, CopySourceRange="bytes=9-10"),
        400,
        "InvalidArgument",
        "Range specified is not valid for source object of size: 10",
        ArgumentName="x-amz-copy-source-range",
        ArgumentValue="bytes=9-10",
    )
    for header in ("bytes=100-200", "bytes=10-10"):
        expect_error(
            lambda header=header: copy_part(s3, upload, CopySourceRange=header),
            400,
            "InvalidRequest",
            "The specified copy range is invalid for the source object size",
        )
    assert state(s3mpu) == before
    copy_part(s3, upload, CopySourceRange="bytes=9-9")
    assert s3mpu.parts(upload)[1].size == 1


def test_copy_source_bucket_and_key_missing(s3mpu, s3, upload):
    """Spec §4 step 3 / research §1.5: NoSuchBucket names the *source* bucket, NoSuchKey the source key."""
    before = state(s3mpu)
    expect_error(
        lambda: copy_part(s3, upload, source={"Bucket": "no-such-source", "Key": SOURCE}),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-source",
    )
    expect_error(
        lambda: copy_part(s3, upload, source={"Bucket": BUCKET, "Key": "random-src-key"}),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="random-src-key",
    )
    assert state(s3mpu) == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (f"/{BUCKET}/", "Invalid copy source object key"),
        (f"{BUCKET}/a/../b", "Invalid copy source object key"),
        ("Bad_Bucket/key", "Invalid copy source bucket name"),
        (f"{BUCKET}/bad%zzkey", "Invalid copy source encoding"),
    ],
)
def test_malformed_copy_source(s3mpu, s3, upload, raw, message):
    """Spec §4 step 2 (vgw UploadPartCopy_invalid_copy_source; LS test_s3_copy_object_wrong_format)."""
    with_raw_copy_source(s3, raw)
    expect_error(
        lambda: copy_part(s3, upload),
        400,
        "InvalidArgument",
        message,
        ArgumentName="x-amz-copy-source",
        ArgumentValue=raw,
    )


def test_copy_source_without_a_slash_names_the_header(s3mpu, s3, upload):
    """[LS-AWS: test_s3_copy_object_wrong_format, recorded 2026-02-21] a copy source that is no
    ``bucket/key`` (here a bare bucket name) is InvalidArgument whose ArgumentValue is the header's name."""
    with_raw_copy_source(s3, BUCKET)
    expect_error(
        lambda: copy_part(s3, upload),
        400,
        "InvalidArgument",
        "Invalid copy source object key",
        ArgumentName="x-amz-copy-source",
        ArgumentValue="x-amz-copy-source",
    )


def test_upload_part_copy_destination_errors(s3mpu, s3, upload):
    """Spec §4 step 1: destination bucket, then part number, then the upload."""
    expect_error(
        lambda: s3.upload_part_copy(
            Bucket="no-such-dest", Key=DEST, UploadId=upload, PartNumber=1, CopySource=f"{BUCKET}/{SOURCE}"
        ),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-dest",
    )
    expect_error(
        lambda: copy_part(s3, upload, 10001),
        400,
        "InvalidArgument",
        "Part number must be an integer between 1 and 10000, inclusive",
        ArgumentName="partNumber",
        ArgumentValue="10001",
    )
    expect_error(
        lambda: copy_part(s3, "not-an-upload"),
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
        "aborted or completed.",
        UploadId="not-an-upload",
    )


def _head_last_modified(s3) -> dt.datetime:
    return s3.head_object(Bucket=BUCKET, Key=SOURCE)["LastModified"]


@pytest.mark.parametrize("operation", ["UploadPartCopy", "CopyObject"])
def test_copy_source_conditions_fail_with_412(s3mpu, s3, upload, operation):
    """Research §1.6 / §2: every failed copy-source condition is 412 PreconditionFailed (never 304) with
    the header's name as Condition; an unquoted ETag matches too."""
    modified = _head_last_modified(s3)
    etag = f'"{md5_hex(DATA)}"'

    def call(**conditions):
        if operation == "CopyObject":
            return s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/{SOURCE}", **conditions)
        return copy_part(s3, upload, **conditions)

    cases = [
        ({"CopySourceIfMatch": '"0123456789abcdef0123456789abcdef"'}, "x-amz-copy-source-If-Match"),
        (
            {"CopySourceIfUnmodifiedSince": modified - dt.timedelta(days=1)},
            "x-amz-copy-source-If-Unmodified-Since",
        ),
        ({"CopySourceIfNoneMatch": etag}, "x-amz-copy-source-If-None-Match"),
        ({"CopySourceIfNoneMatch": md5_hex(DATA)}, "x-amz-copy-source-If-None-Match"),
        ({"CopySourceIfModifiedSince": modified}, "x-amz-copy-source-If-Modified-Since"),
        # AWS doc precedence: if-none-match false + if-modified-since true -> 412.
        (
            {"CopySourceIfNoneMatch": etag, "CopySourceIfModifiedSince": modified - dt.timedelta(days=1)},
            "x-amz-copy-source-If-None-Match",
        ),
    ]
    before = state(s3mpu)
    for conditions, condition in cases:
        expect_error(
            lambda c=conditions: call(**c), 412, "PreconditionFailed", PRECONDITION, Condition=condition
        )
    assert state(s3mpu) == before


@pytest.mark.parametrize("operation", ["UploadPartCopy", "CopyObject"])
def test_copy_source_conditions_that_hold(s3mpu, s3, upload, operation):
    """Research §1.6: conditions that hold copy; a future if-modified-since is ignored; if-match true
    beats if-unmodified-since false (AWS CopyObject doc)."""
    modified = _head_last_modified(s3)
    etag = f'"{md5_hex(DATA)}"'

    def call(**conditions):
        if operation == "CopyObject":
            return s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/{SOURCE}", **conditions)
        return copy_part(s3, upload, **conditions)

    for conditions in (
        {"CopySourceIfMatch": etag},
        {"CopySourceIfMatch": md5_hex(DATA)},
        {"CopySourceIfNoneMatch": '"0123456789abcdef0123456789abcdef"'},
        {"CopySourceIfModifiedSince": modified - dt.timedelta(days=1)},
        {"CopySourceIfModifiedSince": modified + dt.timedelta(days=365)},
        {"CopySourceIfUnmodifiedSince": modified},
        {"CopySourceIfMatch": etag, "CopySourceIfUnmodifiedSince": modified - dt.timedelta(days=1)},
    ):
        response = call(**conditions)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200, conditions


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("CRC32", lambda d: crc32_b64(d)),
        ("SHA1", lambda d: b64(hashlib.sha1(d).digest())),
        ("SHA256", lambda d: b64(hashlib.sha256(d).digest())),
    ],
)
def test_copy_part_result_carries_the_upload_checksum(s3mpu, s3, algorithm, expected):
    """Research §2 (botocore model CopyPartResult): with an upload algorithm the result and the header carry
    that checksum of the copied bytes; CopyPartResult has no ChecksumType."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=DEST, ChecksumAlgorithm=algorithm)["UploadId"]
    result = copy_part(s3, upload_id, CopySourceRange="bytes=1-8")
    body = result["CopyPartResult"]
    assert body[f"Checksum{algorithm}"] == expected(DATA[1:9])
    assert "ChecksumType" not in body
    assert body["ETag"] == f'"{md5_hex(DATA[1:9])}"'


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_copied_part_obeys_the_real_5_mib_minimum(s3mpu, s3, random_bytes):
    """Spec §4 (ceph test_multipart_copy_small) and §5.1 step 9c, with the real 5 MiB: a copied part other
    than the last must be at least 5 MiB; a 5 MiB copied part is fine."""
    assert s3mpu.min_part_size == REAL_MIN
    big = random_bytes(REAL_MIN)
    s3.put_object(Bucket=BUCKET, Key="five-mib", Body=big)
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=DEST)["UploadId"]
    small = copy_part(s3, upload_id, 1)["CopyPartResult"]["ETag"]
    last = copy_part(s3, upload_id, 2)["CopyPartResult"]["ETag"]
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, [(1, small), (2, last)]),
        400,
        "EntityTooSmall",
        ENTITY_TOO_SMALL,
        ProposedSize="10",
        MinSizeAllowed=str(REAL_MIN),
        PartNumber="1",
        ETag=md5_hex(DATA),
    )
    assert state(s3mpu) == before
    full = copy_part(s3, upload_id, 1, {"Bucket": BUCKET, "Key": "five-mib"})["CopyPartResult"]["ETag"]
    assert full == f'"{md5_hex(big)}"'
    complete(s3, upload_id, [(1, full), (2, last)])
    assert s3mpu.object_bytes(BUCKET, DEST) == big + DATA


# -- CopyObject ----------------------------------------------------------------------------------------


def test_copy_object_result_and_directive_copy(s3mpu, s3):
    """Research §1.1 / §1.3: COPY (the default) keeps the source's metadata and ignores the request's;
    a non-multipart copy keeps the same ETag; the result has ETag and LastModified."""
    s3.put_object(
        Bucket=BUCKET,
        Key="meta",
        Body=b"hello",
        ContentType="text/plain",
        ContentLanguage="de",
        Metadata={"colour": "blue"},
    )
    result = s3.copy_object(
        Bucket=BUCKET,
        Key=DEST,
        CopySource={"Bucket": BUCKET, "Key": "meta"},
        ContentType="application/json",
        Metadata={"colour": "red"},
    )
    assert result["CopyObjectResult"]["ETag"] == f'"{md5_hex(b"hello")}"'
    assert isinstance(result["CopyObjectResult"]["LastModified"], dt.datetime)
    head = s3.head_object(Bucket=BUCKET, Key=DEST)
    assert (head["ContentType"], head["ContentLanguage"], head["Metadata"]) == (
        "text/plain",
        "de",
        {"colour": "blue"},
    )
    assert s3mpu.object_bytes(BUCKET, DEST) == b"hello"


def test_copy_object_directive_replace(s3mpu, s3):
    """Research §1.3: REPLACE takes everything from the request; what is not sent is dropped
    (Content-Type back to binary/octet-stream, no metadata)."""
    s3.put_object(Bucket=BUCKET, Key="meta", Body=b"hello", ContentType="text/plain", Metadata={"a": "1"})
    s3.copy_object(
        Bucket=BUCKET,
        Key=DEST,
        CopySource={"Bucket": BUCKET, "Key": "meta"},
        MetadataDirective="REPLACE",
        Metadata={"b": "2"},
    )
    head = s3.head_object(Bucket=BUCKET, Key=DEST)
    assert (head["ContentType"], head["Metadata"]) == ("binary/octet-stream", {"b": "2"})


def test_copy_onto_itself_is_refused(s3mpu, s3):
    """Research §1.4 (LS test_s3_copy_object_in_place): same bucket and key with nothing changed is 400
    InvalidRequest with the exact message, an explicit COPY directive or an ACL change included (on a
    bucket with ACLs enabled, as the recording's allow_bucket_acl fixture makes it)."""
    s3.delete_bucket_ownership_controls(Bucket=BUCKET)
    s3.delete_public_access_block(Bucket=BUCKET)
    before = state(s3mpu)
    for extra in ({}, {"MetadataDirective": "COPY"}, {"ACL": "public-read"}):
        expect_error(
            lambda extra=extra: s3.copy_object(
                Bucket=BUCKET, Key=SOURCE, CopySource=f"{BUCKET}/{SOURCE}", **extra
            ),
            400,
            "InvalidRequest",
            ONTO_ITSELF,
        )
    assert state(s3mpu) == before


@pytest.mark.parametrize(
    "change",
    [
        {"MetadataDirective": "REPLACE"},
        {"StorageClass": "STANDARD_IA"},
        {"ChecksumAlgorithm": "SHA256"},
        {"WebsiteRedirectLocation": "/elsewhere"},
        {"ServerSideEncryption": "AES256"},
    ],
)
def test_copy_onto_itself_with_a_change_is_allowed(s3mpu, s3, change):
    """Research §1.4: REPLACE, a storage class, a checksum algorithm, a redirect or SSE headers make an
    in-place copy legal; the bytes stay."""
    result = s3.copy_object(Bucket=BUCKET, Key=SOURCE, CopySource=f"{BUCKET}/{SOURCE}", **change)
    assert result["CopyObjectResult"]["ETag"] == f'"{md5_hex(DATA)}"'
    assert s3mpu.object_bytes(BUCKET, SOURCE) == DATA
    if "StorageClass" in change:
        assert s3.head_object(Bucket=BUCKET, Key=SOURCE)["StorageClass"] == "STANDARD_IA"


def test_copy_of_a_multipart_object_has_a_plain_md5_etag(s3mpu, s3, random_bytes):
    """Research §1.1 (LS test_multipart_copy_object_etag): the copy of a multipart object, elsewhere or in
    place, has the MD5 of its bytes as ETag, without ``-N``."""
    parts = [random_bytes(SMALL_MIN), random_bytes(100)]
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    etags = [
        (n, s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload_id, PartNumber=n, Body=p)["ETag"])
        for n, p in enumerate(parts, start=1)
    ]
    s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mp",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in etags]},
    )
    whole = b"".join(parts)
    copied = s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/mp")
    assert copied["CopyObjectResult"]["ETag"] == f'"{md5_hex(whole)}"'
    in_place = s3.copy_object(Bucket=BUCKET, Key="mp", CopySource=f"{BUCKET}/mp", MetadataDirective="REPLACE")
    assert in_place["CopyObjectResult"]["ETag"] == f'"{md5_hex(whole)}"'
    assert s3.head_object(Bucket=BUCKET, Key="mp")["ETag"] == f'"{md5_hex(whole)}"'
    assert "PartsCount" not in s3.head_object(Bucket=BUCKET, Key="mp", PartNumber=1)


def test_copy_keeps_or_recomputes_the_checksum(s3mpu, s3):
    """Research §1.2 (LS test_s3_copy_object_with_checksum): without an algorithm the source's checksum is
    kept; with one, S3 computes it over the data and returns it."""
    s3.put_object(Bucket=BUCKET, Key="sum", Body=b"checksum me", ChecksumAlgorithm="CRC32")
    kept = s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/sum")["CopyObjectResult"]
    assert kept["ChecksumCRC32"] == crc32_b64(b"checksum me")
    assert kept["ChecksumType"] == "FULL_OBJECT"
    new = s3.copy_object(Bucket=BUCKET, Key="other", CopySource=f"{BUCKET}/sum", ChecksumAlgorithm="SHA256")
    assert new["CopyObjectResult"]["ChecksumSHA256"] == b64(hashlib.sha256(b"checksum me").digest())
    attrs = s3.get_object_attributes(Bucket=BUCKET, Key="other", ObjectAttributes=["Checksum"])
    assert attrs["Checksum"]["ChecksumSHA256"] == b64(hashlib.sha256(b"checksum me").digest())
    head = s3.head_object(Bucket=BUCKET, Key="other", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == b64(hashlib.sha256(b"checksum me").digest())


def test_copy_of_a_composite_object_recomputes_full_object(s3mpu, s3, random_bytes):
    """Research §1.2 (best guess, UNCONFIRMED): a COMPOSITE multipart source copied without an algorithm
    gets the same algorithm over the whole copy, as FULL_OBJECT."""
    parts = [random_bytes(SMALL_MIN), random_bytes(10)]
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="mp", ChecksumAlgorithm="CRC32")["UploadId"]
    listed = []
    for n, p in enumerate(parts, start=1):
        r = s3.upload_part(
            Bucket=BUCKET, Key="mp", UploadId=upload_id, PartNumber=n, Body=p, ChecksumAlgorithm="CRC32"
        )
        listed.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    s3.complete_multipart_upload(
        Bucket=BUCKET, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": listed}
    )
    result = s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/mp")["CopyObjectResult"]
    assert result["ChecksumCRC32"] == crc32_b64(b"".join(parts))
    assert result["ChecksumType"] == "FULL_OBJECT"


@pytest.mark.parametrize(
    ("directive", "tagging", "count"),
    [(None, "x=1", 2), ("COPY", "x=1", 2), ("REPLACE", "x=1", 1), ("REPLACE", None, None)],
)
def test_tagging_directive(s3mpu, s3, directive, tagging, count):
    """Research §1.7 (LS test_s3_copy_tagging_directive): COPY (the default) keeps the source tags and
    ignores x-amz-tagging; REPLACE takes x-amz-tagging, or no tags at all."""
    s3.put_object(Bucket=BUCKET, Key="tagged", Body=b"t", Tagging="a=1&b=2")
    kwargs = {"TaggingDirective": directive} if directive else {}
    if tagging:
        kwargs["Tagging"] = tagging
    s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/tagged", **kwargs)
    assert s3.head_object(Bucket=BUCKET, Key=DEST).get("TagCount") == count


def test_copy_object_source_missing(s3mpu, s3):
    """Research §1.5 (LS test_s3_copy_object_src_not_exists)."""
    before = state(s3mpu)
    expect_error(
        lambda: s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource="no-such-source/key"),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-source",
    )
    expect_error(
        lambda: s3.copy_object(Bucket=BUCKET, Key=DEST, CopySource=f"{BUCKET}/random-src-key"),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="random-src-key",
    )
    assert state(s3mpu) == before


# -- store level ---------------------------------------------------------------------------------------


def test_store_copy_object_onto_itself_and_directives():
    """Research §1.3-§1.4 at the store: an invalid directive is InvalidArgument; a copy onto itself
    needs a change."""
    store = Store(limits=Limits(min_part_size=SMALL_MIN))
    store.create_bucket(BUCKET)
    store.put_object(BUCKET, "k", Payload.of(b"abc"), ObjectMeta())
    with pytest.raises(S3Error) as caught:
        store.copy_object(BUCKET, "k", f"{BUCKET}/k", CopyRequest(meta=ObjectMeta()))
    assert (caught.value.code, caught.value.message) == ("InvalidRequest", ONTO_ITSELF)
    with pytest.raises(S3Error) as caught:
        store.copy_object(
            BUCKET, "d", f"{BUCKET}/k", CopyRequest(meta=ObjectMeta(), metadata_directive="FOO")
        )
    assert caught.value.code == "InvalidArgument"
    assert dict(caught.value.fields()) == {"ArgumentName": "x-amz-metadata-directive", "ArgumentValue": "FOO"}
    assert set(store.objects(BUCKET)) == {"k"}
    result = store.copy_object(
        BUCKET, "k", f"{BUCKET}/k", CopyRequest(meta=ObjectMeta(), storage_class="GLACIER")
    )
    assert result.etag == md5_hex(b"abc")
    assert store.get_object(BUCKET, "k").meta.storage_class == "GLACIER"
