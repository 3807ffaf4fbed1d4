"""GET / HEAD ``?partNumber=N`` through the real server with boto3: 206 with the part's bytes and headers,
416 beyond the parts count, the Range conflict, invalid numbers, non-multipart and empty objects, sparse
part numbers, and checksums on part reads (S3_MULTIPART_SPEC.md §9, §5.2; research copy_attrs_sse.md §6)."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from botocore.exceptions import ClientError
from s3_assertions import expect_error

from pytest_s3mpu.state.errors import S3Error
from pytest_s3mpu.state.model import CompleteDocument, CompletedPartSpec, Limits, ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

SMALL_MIN = 1024
BUCKET = "part-reads"
KEY = "parts/object.bin"
PART_RANGE = "Part number must be an integer between 1 and 10000, inclusive"
NOT_SATISFIABLE = "The requested partnumber is not satisfiable"

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def crc32_raw(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


def multipart_etag(parts: list[bytes]) -> str:
    """Spec §5.2, from the bytes: md5 of the concatenated part MD5s, then -N, quoted."""
    return f'"{hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()}-{len(parts)}"'


def expect_head_error(call, status: int) -> None:
    """HEAD errors carry no body: boto3 shows the status as Code (spec §1.2)."""
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert caught.value.response["Error"]["Code"] == str(status)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


def multipart(s3, parts: dict[int, bytes], key: str = KEY, algorithm: str | None = None, **create) -> dict:
    """Upload ``parts`` (number -> bytes) and complete them all, in ascending order."""
    if algorithm:
        create["ChecksumAlgorithm"] = algorithm
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=key, **create)["UploadId"]
    listed = []
    for number in sorted(parts):
        extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
        r = s3.upload_part(
            Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number, Body=parts[number], **extra
        )
        entry = {"PartNumber": number, "ETag": r["ETag"]}
        if algorithm:
            entry[f"Checksum{algorithm}"] = r[f"Checksum{algorithm}"]
        listed.append(entry)
    return s3.complete_multipart_upload(
        Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Parts": listed}
    )


@pytest.fixture
def three_parts(s3, random_bytes):
    parts = [random_bytes(SMALL_MIN), random_bytes(SMALL_MIN + 7), random_bytes(16)]
    multipart(s3, dict(enumerate(parts, start=1)))
    return parts


def test_get_each_part(s3, three_parts):
    """Spec §9 step 4 (LS test_get_object_part): 206, the part's bytes, Content-Range within the whole
    object, the whole object's ETag, x-amz-mp-parts-count (boto3 PartsCount), Accept-Ranges."""
    total = sum(len(p) for p in three_parts)
    start = 0
    for number, data in enumerate(three_parts, start=1):
        got = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=number)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert got["Body"].read() == data
        assert got["ContentLength"] == len(data)
        assert got["ContentRange"] == f"bytes {start}-{start + len(data) - 1}/{total}"
        assert got["ETag"] == multipart_etag(three_parts)
        assert got["PartsCount"] == 3
        assert got["AcceptRanges"] == "bytes"
        start += len(data)


def test_head_part(s3, three_parts):
    """Spec §9 step 4: HEAD answers the same headers with 206 and no body."""
    head = s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=2)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == len(three_parts[1])
    assert head["PartsCount"] == 3
    assert head["ETag"] == multipart_etag(three_parts)
    first = len(three_parts[0])
    total = sum(len(p) for p in three_parts)
    assert head["ContentRange"] == f"bytes {first}-{first + len(three_parts[1]) - 1}/{total}"


def test_parts_count_absent_without_part_number(s3, three_parts):
    """Spec §9 step 4 (moto test_head_object_returns_part_count): no x-amz-mp-parts-count on plain reads."""
    assert "PartsCount" not in s3.head_object(Bucket=BUCKET, Key=KEY)
    got = s3.get_object(Bucket=BUCKET, Key=KEY)
    assert "PartsCount" not in got
    assert got["Body"].read() == b"".join(three_parts)


def test_part_number_beyond_the_count(s3, three_parts):
    """Spec §9 step 5 / §12.1 (LS test_get_object_part part-doesnt-exist): 416 InvalidPartNumber with
    PartNumberRequested and ActualPartCount; HEAD gives the status only."""
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=4),
        416,
        "InvalidPartNumber",
        NOT_SATISFIABLE,
        PartNumberRequested="4",
        ActualPartCount="3",
    )
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=10000), 416)


def test_part_number_and_range_together(s3, three_parts):
    """Spec §9 step 2 (LS test_get_object_part)."""
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=1, Range="bytes=0-1"),
        400,
        "InvalidRequest",
        "Cannot specify both Range header and partNumber query parameter",
    )
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=1, Range="bytes=0-1"), 400)


@pytest.mark.parametrize(
    ("query", "raw"),
    [("0", "0"), ("-1", "-1"), ("10001", "10001"), ("abc", "abc"), ("1.5", "1.5"), ("", ""), ("%2B1", "+1")],
)
def test_invalid_part_numbers(s3mpu, s3, three_parts, query, raw):
    """Spec §9 step 1 (vgw GetObject_invalid_part_number): InvalidArgument naming partNumber and the raw
    value. boto3 types PartNumber as an integer, so the raw query is set before signing."""

    def set_query(request, **_):
        request.url = request.url.split("?", 1)[0] + f"?partNumber={query}"

    s3.meta.events.register("before-sign.s3.GetObject", set_query)
    s3.meta.events.register("before-sign.s3.HeadObject", set_query)
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=1),
        400,
        "InvalidArgument",
        PART_RANGE,
        ArgumentName="partNumber",
        ArgumentValue=raw or None,  # botocore reads an empty <ArgumentValue/> as None
    )
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=1), 400)


def test_missing_key_and_bucket(s3, random_bytes):
    """Spec §9 step 3 (ceph test_multipart_get_part): NoSuchKey, also while an upload is still open."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"pending")
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=1),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key=KEY,
    )
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=1), 404)
    expect_error(
        lambda: s3.get_object(Bucket="no-such-bucket", Key=KEY, PartNumber=1),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-bucket",
    )


def test_non_multipart_object(s3):
    """Spec §9 step 6 (LS part-no-multipart): N=1 is 206 with the whole object and no PartsCount; N=2 is
    416 with ActualPartCount 1."""
    s3.put_object(Bucket=BUCKET, Key="plain", Body=b"12345678")
    got = s3.get_object(Bucket=BUCKET, Key="plain", PartNumber=1)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == b"12345678"
    assert got["ContentRange"] == "bytes 0-7/8"
    assert got["ETag"] == f'"{hashlib.md5(b"12345678").hexdigest()}"'
    assert "PartsCount" not in got
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="plain", PartNumber=2),
        416,
        "InvalidPartNumber",
        NOT_SATISFIABLE,
        PartNumberRequested="2",
        ActualPartCount="1",
    )


def test_empty_object_part_one(s3):
    """Spec §9 step 6 (vgw GetObject_empty_object_part_number_1): no Content-Range, Content-Length 0."""
    s3.put_object(Bucket=BUCKET, Key="empty", Body=b"")
    got = s3.get_object(Bucket=BUCKET, Key="empty", PartNumber=1)
    assert got["Body"].read() == b""
    assert got["ContentLength"] == 0
    assert "ContentRange" not in got
    head = s3.head_object(Bucket=BUCKET, Key="empty", PartNumber=1)
    assert head["ContentLength"] == 0
    assert "ContentRange" not in head


def test_sparse_part_numbers_are_indexes(s3, random_bytes):
    """Spec §5.2 / §12.10 (judgement): completed parts 2, 4, 6 are read as parts 1, 2, 3; part 4 is 416
    with ActualPartCount 3."""
    parts = {2: random_bytes(SMALL_MIN), 4: random_bytes(SMALL_MIN + 1), 6: random_bytes(5)}
    done = multipart(s3, parts)
    assert done["ETag"] == multipart_etag([parts[2], parts[4], parts[6]])
    for index, original in enumerate((2, 4, 6), start=1):
        got = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=index)
        assert got["Body"].read() == parts[original]
        assert got["PartsCount"] == 3
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=4),
        416,
        "InvalidPartNumber",
        NOT_SATISFIABLE,
        PartNumberRequested="4",
        ActualPartCount="3",
    )


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("CRC32", crc32_raw),
        ("SHA1", lambda d: hashlib.sha1(d).digest()),
        ("SHA256", lambda d: hashlib.sha256(d).digest()),
    ],
)
def test_composite_part_checksums(s3, random_bytes, algorithm, digest):
    """Spec §9 step 7 (LS test_get_object_part_checksum[COMPOSITE]): with ChecksumMode ENABLED a part read
    returns that part's checksum and type COMPOSITE; without it, none."""
    parts = [random_bytes(SMALL_MIN), random_bytes(33)]
    multipart(s3, dict(enumerate(parts, start=1)), algorithm=algorithm)
    for number, data in enumerate(parts, start=1):
        got = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=number, ChecksumMode="ENABLED")
        assert got[f"Checksum{algorithm}"] == b64(digest(data))
        assert got["ChecksumType"] == "COMPOSITE"
        head = s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=number, ChecksumMode="ENABLED")
        assert head[f"Checksum{algorithm}"] == b64(digest(data))
    plain = s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=1)
    assert not [k for k in plain if k.startswith("Checksum")]


def test_full_object_part_checksums(s3, random_bytes):
    """Spec §9 item 9 (LS-AWS test_complete_multipart_parts_checksum_full_object, get-object-part-checksum,
    recorded 2026-02-21; it overrides ceph multipart_checksum_3parts_helper): a several-part FULL_OBJECT
    object reports no checksum on part reads; the whole object has its CRC."""
    parts = [random_bytes(SMALL_MIN), random_bytes(SMALL_MIN), random_bytes(9)]
    multipart(s3, dict(enumerate(parts, start=1)), algorithm="CRC32", ChecksumType="FULL_OBJECT")
    got = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=2, ChecksumMode="ENABLED")
    assert got["Body"].read() == parts[1]
    assert not [k for k in got if k.startswith("Checksum")]
    whole = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert whole["ChecksumCRC32"] == b64(crc32_raw(b"".join(parts)))


def test_default_multipart_object_has_no_part_checksum(s3, three_parts):
    """Spec §9 step 7 (LS test_get_object_part get-object-part-with-checksum): a default (CRC64NVME) object
    reports no checksum on part reads, though the whole object has one."""
    got = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=1, ChecksumMode="ENABLED")
    assert not [k for k in got if k.startswith("Checksum")]
    whole = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert "ChecksumCRC64NVME" in whole
    assert whole["ChecksumType"] == "FULL_OBJECT"


def test_part_read_with_if_match(s3, three_parts):
    """Research §6: a part read honours conditions; HEAD 412 has no body."""
    etag = multipart_etag(three_parts)
    got = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=1, IfMatch=etag)
    assert got["Body"].read() == three_parts[0]
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, PartNumber=1, IfMatch='"nope"'), 412)


def test_store_part_read_ranges():
    """Spec §9 at the store: part boundaries by index among the listed parts, 416 beyond them."""
    store = Store(limits=Limits(min_part_size=4))
    store.create_bucket(BUCKET)
    upload = store.create_multipart_upload(BUCKET, KEY, ObjectMeta())
    data = {3: b"aaaa", 5: b"bbbbbb", 9: b"c"}
    specs = []
    for number, body in data.items():
        result = store.upload_part(BUCKET, KEY, upload.upload_id, str(number), Payload.of(body))
        specs.append(CompletedPartSpec(str(number), result.etag))
    store.complete_multipart_upload(BUCKET, KEY, upload.upload_id, CompleteDocument(parts=tuple(specs)))
    spans = []
    for index in (1, 2, 3):
        obj, part = store.get_object_part(BUCKET, KEY, str(index), has_range=False)
        spans.append((part.start, part.end, part.count))
        assert obj.body.read(part.start, part.end) == list(data.values())[index - 1]
    assert spans == [(0, 4, 3), (4, 10, 3), (10, 11, 3)]
    with pytest.raises(S3Error) as caught:
        store.get_object_part(BUCKET, KEY, "4", has_range=False)
    assert (caught.value.status, caught.value.code) == (416, "InvalidPartNumber")
    assert caught.value.fields() == [("PartNumberRequested", "4"), ("ActualPartCount", "3")]
