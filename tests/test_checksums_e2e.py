"""Multipart checksums through the real server with boto3: algorithm and type at Create, per-part checks,
COMPOSITE and FULL_OBJECT results (computed here independently with zlib, hashlib and awscrt), the default
CRC64NVME, the checks at Complete, x-amz-mp-object-size, ChecksumMode reads and GetObjectAttributes
(S3_MULTIPART_SPEC.md §2, §3, §5.1 steps 7-11, §5.2, §9.8; research copy_attrs_sse.md §3)."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from awscrt import checksums as crt
from botocore.exceptions import ClientError
from s3_assertions import expect_error, state

from pytest_s3mpu.state.errors import S3Error
from pytest_s3mpu.state.model import CompleteDocument, CompletedPartSpec, Limits, ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

SMALL_MIN = 1024
BUCKET = "checksums"
KEY = "sums/object.bin"
ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]
INCOMPATIBLE = {("COMPOSITE", "CRC64NVME"), ("FULL_OBJECT", "SHA1"), ("FULL_OBJECT", "SHA256")}
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, "
    "or the specified entity tag may not match the part's entity tag."
)

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


def raw_digest(algorithm: str, data: bytes) -> bytes:
    """The raw checksum of ``data``, from zlib / hashlib / awscrt (not from the package)."""
    if algorithm == "CRC32":
        return zlib.crc32(data).to_bytes(4, "big")
    if algorithm == "CRC32C":
        return crt.crc32c(data).to_bytes(4, "big")
    if algorithm == "CRC64NVME":
        return crt.crc64nvme(data).to_bytes(8, "big")
    return hashlib.new(algorithm.lower(), data).digest()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def checksum(algorithm: str, data: bytes) -> str:
    return b64(raw_digest(algorithm, data))


def composite(algorithm: str, parts: list[bytes]) -> str:
    """Spec §5.2: the algorithm over the concatenated raw part checksums, then ``-N``."""
    joined = b"".join(raw_digest(algorithm, p) for p in parts)
    return f"{checksum(algorithm, joined)}-{len(parts)}"


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


def create(s3, algorithm: str | None = None, kind: str | None = None) -> str:
    kwargs = {}
    if algorithm:
        kwargs["ChecksumAlgorithm"] = algorithm
    if kind:
        kwargs["ChecksumType"] = kind
    return s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, **kwargs)["UploadId"]


def upload_parts(s3, upload_id: str, parts: list[bytes], algorithm: str | None) -> list[dict]:
    """Upload the parts (boto3 computing ``algorithm``, or its default CRC32) and return the Complete list
    with each part's checksum when the upload has an algorithm."""
    listed = []
    for number, data in enumerate(parts, start=1):
        extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
        r = s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=number, Body=data, **extra)
        entry = {"PartNumber": number, "ETag": r["ETag"]}
        if algorithm:
            assert r[f"Checksum{algorithm}"] == checksum(algorithm, data)
            entry[f"Checksum{algorithm}"] = r[f"Checksum{algorithm}"]
        listed.append(entry)
    return listed


def complete(s3, upload_id: str, listed: list[dict], **kwargs):
    return s3.complete_multipart_upload(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": listed}, **kwargs
    )


@pytest.fixture
def parts(random_bytes):
    return [random_bytes(SMALL_MIN), random_bytes(SMALL_MIN + 3), random_bytes(77)]


# -- Create ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("kind", [None, "COMPOSITE", "FULL_OBJECT"])
def test_create_algorithm_and_type(s3mpu, s3, algorithm, kind):
    """Spec §2 steps 4-5: every algorithm x type; invalid pairs are InvalidRequest with the exact message,
    valid ones echo the algorithm and the (defaulted) type; ListParts reports them too."""
    kwargs = {"ChecksumAlgorithm": algorithm, **({"ChecksumType": kind} if kind else {})}
    if (kind, algorithm) in INCOMPATIBLE:
        expect_error(
            lambda: s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, **kwargs),
            400,
            "InvalidRequest",
            f"The {kind} checksum type cannot be used with the {algorithm.lower()} checksum algorithm.",
        )
        assert s3mpu.uploads() == []
        return
    expected = kind or ("FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE")
    created = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, **kwargs)
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == (algorithm, expected)
    listing = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=created["UploadId"])
    assert (listing["ChecksumAlgorithm"], listing["ChecksumType"]) == (algorithm, expected)


def test_create_errors_without_or_with_unknown_algorithm(s3mpu, s3):
    """Spec §2 steps 2-3: an unknown algorithm and a type without an algorithm; no checksum headers on a
    plain Create."""
    expect_error(
        lambda: s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, ChecksumAlgorithm="MD5"),
        400,
        "InvalidRequest",
        "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
        "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
    )
    expect_error(
        lambda: s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, ChecksumType="COMPOSITE"),
        400,
        "InvalidRequest",
        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
    )
    assert s3mpu.uploads() == []
    plain = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)
    assert "ChecksumAlgorithm" not in plain and "ChecksumType" not in plain


# -- UploadPart -----------------------------------------------------------------------------------------


def test_part_checksum_errors(s3mpu, s3):
    """Spec §3 step 5: wrong value BadDigest (ALGO upper case), invalid value, another algorithm than the
    upload's; state unchanged; a correct part then succeeds."""
    upload_id = create(s3, "SHA256")
    before = state(s3mpu)
    expect_error(
        lambda: s3.upload_part(
            Bucket=BUCKET,
            Key=KEY,
            UploadId=upload_id,
            PartNumber=1,
            Body=b"data",
            ChecksumSHA256=checksum("SHA256", b"other"),
        ),
        400,
        "BadDigest",
        "The SHA256 you specified did not match the calculated checksum.",
    )
    expect_error(
        lambda: s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"data", ChecksumSHA256="bad"
        ),
        400,
        "InvalidRequest",
        "Value for x-amz-checksum-sha256 header is invalid.",
    )
    expect_error(
        lambda: s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"data", ChecksumAlgorithm="CRC32"
        ),
        400,
        "InvalidRequest",
        "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32",
    )
    assert state(s3mpu) == before
    r = s3.upload_part(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"data", ChecksumAlgorithm="SHA256"
    )
    assert r["ChecksumSHA256"] == checksum("SHA256", b"data")


def test_part_checksum_on_upload_without_algorithm(s3mpu, s3):
    """Spec §3 step 5 (LS upload-part-different-checksum-than-default): any single algorithm is verified
    and echoed; ListParts of a default upload shows no part checksums (§7)."""
    upload_id = create(s3)
    r = s3.upload_part(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"data", ChecksumAlgorithm="SHA1"
    )
    assert r["ChecksumSHA1"] == checksum("SHA1", b"data")
    listing = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id)
    assert not [k for k in listing["Parts"][0] if k.startswith("Checksum")]
    assert "ChecksumAlgorithm" not in listing


# -- Complete results -----------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_composite_result(s3mpu, s3, parts, algorithm):
    """Spec §5.2: COMPOSITE = algorithm over the concatenated raw part checksums, ``-N``; GET/HEAD with
    ChecksumMode return it with ``-N`` and the type, without it no checksum (§9.8)."""
    upload_id = create(s3, algorithm, "COMPOSITE")
    listed = upload_parts(s3, upload_id, parts, algorithm)
    done = complete(s3, upload_id, listed)
    expected = composite(algorithm, parts)
    assert (done[f"Checksum{algorithm}"], done["ChecksumType"]) == (expected, "COMPOSITE")
    head = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (expected, "COMPOSITE")
    got = s3.get_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == expected
    assert got["Body"].read() == b"".join(parts)
    plain = s3.head_object(Bucket=BUCKET, Key=KEY)
    assert not [k for k in plain if k.startswith("Checksum")]


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_full_object_result(s3mpu, s3, parts, algorithm):
    """Spec §5.2: FULL_OBJECT = the CRC of the whole object, without ``-N``."""
    upload_id = create(s3, algorithm, "FULL_OBJECT")
    listed = upload_parts(s3, upload_id, parts, algorithm)
    done = complete(s3, upload_id, listed)
    expected = checksum(algorithm, b"".join(parts))
    assert (done[f"Checksum{algorithm}"], done["ChecksumType"]) == (expected, "FULL_OBJECT")
    head = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (expected, "FULL_OBJECT")


def test_full_object_parts_without_checksums_in_complete(s3mpu, s3, parts):
    """Spec §5.1 step 9b (LS complete-success): FULL_OBJECT per-part checksums are optional at Complete."""
    upload_id = create(s3, "CRC32C", "FULL_OBJECT")
    listed = upload_parts(s3, upload_id, parts, "CRC32C")
    bare = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in listed]
    done = complete(s3, upload_id, bare)
    assert done["ChecksumCRC32C"] == checksum("CRC32C", b"".join(parts))


def test_default_crc64nvme_on_plain_uploads(s3mpu, s3, parts):
    """Spec §5.2: an upload with no algorithm gets a CRC64NVME FULL_OBJECT checksum of the whole object."""
    upload_id = create(s3)
    listed = upload_parts(s3, upload_id, parts, None)
    done = complete(s3, upload_id, listed)
    expected = checksum("CRC64NVME", b"".join(parts))
    assert (done["ChecksumCRC64NVME"], done["ChecksumType"]) == (expected, "FULL_OBJECT")
    head = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert (head["ChecksumCRC64NVME"], head["ChecksumType"]) == (expected, "FULL_OBJECT")


# -- Complete checks ------------------------------------------------------------------------------------


def test_complete_checksum_errors_composite(s3mpu, s3, parts):
    """Spec §5.1 steps 7, 9b, 10 for a COMPOSITE SHA256 upload; each failure leaves the upload intact and
    the corrected Complete succeeds."""
    upload_id = create(s3, "SHA256")
    listed = upload_parts(s3, upload_id, parts, "SHA256")
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, listed, ChecksumType="FULL_OBJECT"),
        400,
        "InvalidRequest",
        "The upload was created using the COMPOSITE checksum mode. "
        "The complete request must use the same checksum mode.",
    )
    missing = [dict(listed[0]), {"PartNumber": 2, "ETag": listed[1]["ETag"]}, dict(listed[2])]
    expect_error(
        lambda: complete(s3, upload_id, missing),
        400,
        "InvalidRequest",
        "The upload was created using a sha256 checksum. The complete request must include the checksum for "
        "each part. It was missing for part 2 in the request.",
    )
    wrong = [dict(p) for p in listed]
    wrong[1]["ChecksumSHA256"] = checksum("SHA256", b"not the part")
    expect_error(
        lambda: complete(s3, upload_id, wrong),
        400,
        "InvalidPart",
        INVALID_PART,
        UploadId=upload_id,
        PartNumber="2",
        ETag=listed[1]["ETag"].strip('"'),
    )
    other = [dict(p) for p in listed]
    del other[0]["ChecksumSHA256"]
    other[0]["ChecksumCRC32"] = checksum("CRC32", parts[0])
    expect_error(
        lambda: complete(s3, upload_id, other),
        400,
        "BadDigest",
        "The crc32 you specified for part 1 did not match what we received.",
    )
    bad_final = composite("SHA256", parts[:2])  # a valid value of the wrong object
    expect_error(
        lambda: complete(s3, upload_id, listed, ChecksumSHA256=bad_final.rsplit("-", 1)[0] + "-3"),
        400,
        "BadDigest",
        "The sha256 you specified did not match the calculated checksum.",
    )
    assert state(s3mpu) == before
    done = complete(
        s3, upload_id, listed, ChecksumSHA256=composite("SHA256", parts), ChecksumType="COMPOSITE"
    )
    assert done["ChecksumSHA256"] == composite("SHA256", parts)


def test_complete_checksum_errors_full_object(s3mpu, s3, parts):
    """Spec §5.1 step 10 (LS checksum_exceptions_full_object): a wrong final CRC is BadDigest with the
    algorithm in lower case; the right one completes."""
    upload_id = create(s3, "CRC32", "FULL_OBJECT")
    listed = upload_parts(s3, upload_id, parts, "CRC32")
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, listed, ChecksumCRC32=checksum("CRC32", b"wrong")),
        400,
        "BadDigest",
        "The crc32 you specified did not match the calculated checksum.",
    )
    expect_error(
        lambda: complete(s3, upload_id, listed, ChecksumType="COMPOSITE"),
        400,
        "InvalidRequest",
        "The upload was created using the FULL_OBJECT checksum mode. "
        "The complete request must use the same checksum mode.",
    )
    assert state(s3mpu) == before
    expected = checksum("CRC32", b"".join(parts))
    assert (
        complete(s3, upload_id, listed, ChecksumCRC32=expected, ChecksumType="FULL_OBJECT")["ChecksumCRC32"]
        == expected
    )


def test_complete_checksum_errors_default_upload(s3mpu, s3, parts):
    """Spec §5.1 steps 7 and 9b (LS test_complete_multipart_parts_checksum_default): a checksum type on a
    plain upload names ``null``; a part checksum in the list is InvalidPart; a final checksum is ignored."""
    upload_id = create(s3)
    listed = upload_parts(s3, upload_id, parts, None)
    expect_error(
        lambda: complete(s3, upload_id, listed, ChecksumType="FULL_OBJECT"),
        400,
        "InvalidRequest",
        "The upload was created using the null checksum mode. "
        "The complete request must use the same checksum mode.",
    )
    with_sum = [dict(p) for p in listed]
    with_sum[0]["ChecksumCRC32"] = checksum("CRC32", parts[0])
    expect_error(
        lambda: complete(s3, upload_id, with_sum),
        400,
        "InvalidPart",
        INVALID_PART,
        UploadId=upload_id,
        PartNumber="1",
        ETag=listed[0]["ETag"].strip('"'),
    )
    done = complete(s3, upload_id, listed, ChecksumCRC32=checksum("CRC32", b"ignored"))
    assert done["ChecksumCRC64NVME"] == checksum("CRC64NVME", b"".join(parts))


def test_mp_object_size(s3mpu, s3, parts):
    """Spec §5.1 step 11 (LS test_multipart_size_validation): x-amz-mp-object-size (boto3 MpuObjectSize)
    must equal the total size."""
    upload_id = create(s3)
    listed = upload_parts(s3, upload_id, parts, None)
    total = sum(len(p) for p in parts)
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, listed, MpuObjectSize=total + 1),
        400,
        "InvalidRequest",
        f"The provided 'x-amz-mp-object-size' header value {total + 1} "
        f"does not match what was computed: {total}",
    )
    assert state(s3mpu) == before
    assert complete(s3, upload_id, listed, MpuObjectSize=total)["Key"] == KEY


# -- GetObjectAttributes --------------------------------------------------------------------------------

ALL_ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]


def test_attributes_of_a_composite_object(s3mpu, s3, parts):
    """Research §3 / spec §9.8: ETag unquoted with ``-N``, the COMPOSITE checksum without ``-N``, ObjectParts
    with every part's size and checksum, StorageClass and ObjectSize."""
    upload_id = create(s3, "CRC32")
    done = complete(s3, upload_id, upload_parts(s3, upload_id, parts, "CRC32"))
    attrs = s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=ALL_ATTRIBUTES)
    assert attrs["ETag"] == done["ETag"].strip('"')
    assert attrs["Checksum"] == {
        "ChecksumCRC32": composite("CRC32", parts).rsplit("-", 1)[0],
        "ChecksumType": "COMPOSITE",
    }
    assert attrs["ObjectParts"] == {
        "TotalPartsCount": 3,
        "PartNumberMarker": 0,
        "NextPartNumberMarker": 3,
        "MaxParts": 1000,
        "IsTruncated": False,
        "Parts": [
            {"PartNumber": n, "Size": len(p), "ChecksumCRC32": checksum("CRC32", p)}
            for n, p in enumerate(parts, start=1)
        ],
    }
    assert (attrs["StorageClass"], attrs["ObjectSize"]) == ("STANDARD", sum(len(p) for p in parts))
    assert "LastModified" in attrs


def test_attributes_paging(s3mpu, s3, parts):
    """Research §3 (swift s3api, ceph test_get_paginated_multipart_object_attributes): MaxParts and
    PartNumberMarker page the parts of an upload with an algorithm."""
    upload_id = create(s3, "SHA1")
    complete(s3, upload_id, upload_parts(s3, upload_id, parts, "SHA1"))
    first = s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=["ObjectParts"], MaxParts=2)
    page = first["ObjectParts"]
    assert (page["TotalPartsCount"], page["MaxParts"], page["IsTruncated"], page["NextPartNumberMarker"]) == (
        3,
        2,
        True,
        2,
    )
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    second = s3.get_object_attributes(
        Bucket=BUCKET, Key=KEY, ObjectAttributes=["ObjectParts"], MaxParts=2, PartNumberMarker=2
    )["ObjectParts"]
    assert (second["PartNumberMarker"], second["IsTruncated"], second["NextPartNumberMarker"]) == (
        2,
        False,
        3,
    )
    assert second["Parts"] == [
        {"PartNumber": 3, "Size": len(parts[2]), "ChecksumSHA1": checksum("SHA1", parts[2])}
    ]


def test_composite_sha256_matches_cephs_published_values_where_aws_shows_the_suffix(s3mpu, s3):
    """The ``-N`` suffix where AWS shows it [LS-AWS: test_complete_multipart_parts_checksum_composite[SHA256],
    recorded 2026-02-21]: CompleteMultipartUpload, HeadObject and GetObject with checksum mode carry it,
    GetObjectAttributes' Checksum does not, a part read carries the part's checksum typed COMPOSITE. The
    values are ceph's (``test_multipart_use_cksum_helper_sha256``: three 5 MiB parts of A, B, C), an
    independent check of the arithmetic; ceph also expects the suffix from GetObjectAttributes, unlike AWS."""
    size = 5 * 1024 * 1024
    parts = [letter * size for letter in (b"A", b"B", b"C")]
    part_sums = [
        "275VF5loJr1YYawit0XSHREhkFXYkkPKGuoK0x9VKxI=",
        "mrHwOfjTL5Zwfj74F05HOQGLdUb7E5szdCbxgUSq6NM=",
        "Vw7oB/nKQ5xWb3hNgbyfkvDiivl+U+/Dft48nfJfDow=",
    ]
    whole = "uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3"
    upload_id = create(s3, "SHA256")
    listed = upload_parts(s3, upload_id, parts, "SHA256")
    assert [entry["ChecksumSHA256"] for entry in listed] == part_sums
    done = complete(s3, upload_id, listed, ChecksumSHA256=whole)
    assert (done["ChecksumSHA256"], done["ChecksumType"], done["ETag"]) == (
        whole,
        "COMPOSITE",
        '"b2add96cc9702bbf4efb0ccdfc6b7747-3"',
    )
    assert "ChecksumSHA256" not in s3.head_object(Bucket=BUCKET, Key=KEY)
    head = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    got = s3.get_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    got["Body"].close()
    for answer in (head, got):
        assert (answer["ChecksumSHA256"], answer["ChecksumType"]) == (whole, "COMPOSITE")
    attrs = s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=["Checksum"])
    assert attrs["Checksum"] == {"ChecksumSHA256": whole.rsplit("-", 1)[0], "ChecksumType": "COMPOSITE"}
    for number, part_sum in enumerate(part_sums, start=1):
        part = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=number, ChecksumMode="ENABLED")
        part["Body"].close()
        assert (part["ChecksumSHA256"], part["ChecksumType"], part["PartsCount"]) == (
            part_sum,
            "COMPOSITE",
            3,
        )


def test_attributes_of_a_default_multipart_object(s3mpu, s3, parts):
    """Research §3 (LS object-attrs-multiparts): without an algorithm ObjectParts has only PartsCount; the
    checksum is the default CRC64NVME FULL_OBJECT."""
    upload_id = create(s3)
    complete(s3, upload_id, upload_parts(s3, upload_id, parts, None))
    attrs = s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=["ObjectParts", "Checksum"])
    assert attrs["ObjectParts"] == {"TotalPartsCount": 3}
    assert attrs["Checksum"] == {
        "ChecksumCRC64NVME": checksum("CRC64NVME", b"".join(parts)),
        "ChecksumType": "FULL_OBJECT",
    }


def test_attributes_of_a_plain_object(s3mpu, s3):
    """Research §3: a non-multipart object has no ObjectParts; only the asked attributes appear."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"plain", ChecksumAlgorithm="SHA256")
    attrs = s3.get_object_attributes(
        Bucket=BUCKET, Key=KEY, ObjectAttributes=["ObjectParts", "ETag", "ObjectSize"]
    )
    assert "ObjectParts" not in attrs and "Checksum" not in attrs and "StorageClass" not in attrs
    assert (attrs["ETag"], attrs["ObjectSize"]) == (hashlib.md5(b"plain").hexdigest(), 5)
    sums = s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=["Checksum"])["Checksum"]
    assert sums == {"ChecksumSHA256": checksum("SHA256", b"plain"), "ChecksumType": "FULL_OBJECT"}


def test_attributes_errors(s3mpu, s3):
    """Research §3: an unknown attribute name is InvalidArgument "Invalid attribute name specified.";
    a missing key is NoSuchKey."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=["ETag", "InvalidAttribute"])
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"]) == ("InvalidArgument", "Invalid attribute name specified.")
    expect_error(
        lambda: s3.get_object_attributes(Bucket=BUCKET, Key="missing", ObjectAttributes=["ETag"]),
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        Key="missing",
    )


# -- store level ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "algorithm"), sorted(INCOMPATIBLE))
def test_store_rejects_incompatible_pairs(kind, algorithm):
    """Spec §2 step 4 at the store: nothing is created."""
    store = Store(limits=Limits(min_part_size=SMALL_MIN))
    store.create_bucket(BUCKET)
    with pytest.raises(S3Error) as caught:
        store.create_multipart_upload(BUCKET, KEY, ObjectMeta(), algorithm, kind)
    assert caught.value.code == "InvalidRequest"
    assert store.uploads() == []


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("bytes=0-8", False),
        ("bytes=1-1", False),
        ("bytes=-2", False),
        ("bytes=-9", False),
        ("bytes=-15", True),
        ("bytes=0-100", True),
        ("bytes=0-9", True),
        ("bytes=1-0", True),  # ignored: the whole object, a 200
    ],
)
def test_ranged_get_shows_the_checksum_only_for_the_whole_object(s3mpu_client, sent, shown):
    """[LS-AWS: test_get_object_range, recorded 2026-02-21] with checksum mode, a Range covering the whole
    object (a 206 for ``bytes=-15`` / ``bytes=0-100`` of 10 bytes) shows ChecksumCRC32 and ChecksumType
    FULL_OBJECT as a plain GET does; a Range of part of it shows none."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    body = b"0123456789"
    s3mpu_client.put_object(Bucket=BUCKET, Key=KEY, Body=body, ChecksumAlgorithm="CRC32")
    got = s3mpu_client.get_object(Bucket=BUCKET, Key=KEY, Range=sent, ChecksumMode="ENABLED")
    got["Body"].read()
    expected = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    if shown:
        assert (got.get("ChecksumCRC32"), got.get("ChecksumType")) == (expected, "FULL_OBJECT")
    else:
        assert "ChecksumCRC32" not in got and "ChecksumType" not in got


# -- which part a Complete with several wrong parts names -------------------------------------------------


RECORDED_WRONG_PARTS = [
    ("COMPOSITE", "CRC32C"),
    ("COMPOSITE", "SHA1"),
    ("COMPOSITE", "SHA256"),
    ("FULL_OBJECT", "CRC32"),
]


@pytest.mark.parametrize(("kind", "algorithm"), RECORDED_WRONG_PARTS)
def test_every_part_checksum_wrong_names_one_listed_part(s3mpu, s3, kind, algorithm):
    """[LS-AWS: test_complete_multipart_parts_checksum_composite[CRC32C|SHA1|SHA256],
    test_complete_multipart_parts_checksum_full_object[CRC32], recorded 2026-02-21,
    "complete-multipart-wrong-parts-checksum"] three parts (two alike, a short last one), every listed
    checksum that of ``bbb``: InvalidPart naming a listed part with *that part's* ETag. Which part S3
    names varies (recorded 2, 3, 3, 3 here; the same tests recorded 1 or 2 in 2025), so the double names
    the first in list order (README, "What it implements"), and the upload is left as it was."""
    upload_id = create(s3, algorithm, kind)
    data = [b"a" * (SMALL_MIN + 1), b"a" * (SMALL_MIN + 1), b"a" * 10]
    listed = upload_parts(s3, upload_id, data, algorithm)
    assert listed[0]["ETag"] == listed[1]["ETag"] != listed[2]["ETag"]
    wrong = [{**p, f"Checksum{algorithm}": checksum(algorithm, b"bbb")} for p in listed]
    before = state(s3mpu)
    answer = expect_error(
        lambda: complete(s3, upload_id, wrong),
        400,
        "InvalidPart",
        INVALID_PART,
        UploadId=upload_id,
        PartNumber="1",
        ETag=listed[0]["ETag"].strip('"'),
    )
    named = int(answer["Error"]["PartNumber"])
    assert answer["Error"]["ETag"] == listed[named - 1]["ETag"].strip('"')
    assert state(s3mpu) == before
    assert complete(s3, upload_id, listed)["ETag"].endswith('-3"')


def test_only_the_last_part_wrong_names_it_with_its_etag(s3mpu, s3):
    """[LS-AWS: test_complete_multipart_parts_checksum_composite[SHA1], recorded 2026-02-21] the named
    part's ETag is its own (``e09c80c4…``, the short third part's, beside part number 3): with only the
    third checksum wrong, every run names part 3 and its ETag."""
    upload_id = create(s3, "SHA1", "COMPOSITE")
    data = [b"a" * (SMALL_MIN + 1), b"a" * (SMALL_MIN + 1), b"a" * 10]
    listed = upload_parts(s3, upload_id, data, "SHA1")
    wrong = [dict(p) for p in listed]
    wrong[2]["ChecksumSHA1"] = checksum("SHA1", b"bbb")
    expect_error(
        lambda: complete(s3, upload_id, wrong),
        400,
        "InvalidPart",
        INVALID_PART,
        UploadId=upload_id,
        PartNumber="3",
        ETag=hashlib.md5(b"a" * 10).hexdigest(),
    )


@pytest.mark.parametrize("wrong_parts", [(1, 2, 3), (2, 3), (3, 1), (2,), (3,)])
def test_store_names_the_first_wrong_part_in_list_order(wrong_parts):
    """The store's rule (S3's choice among several wrong parts varies, see above): the first listed part
    whose ETag or checksum is wrong, with the ETag the request gave for it."""
    store = Store(limits=Limits(min_part_size=SMALL_MIN))
    store.create_bucket(BUCKET)
    upload = store.create_multipart_upload(BUCKET, KEY, ObjectMeta(), "CRC32C", "COMPOSITE")
    data = [b"x" * SMALL_MIN, b"y" * SMALL_MIN, b"z"]
    specs = []
    for number, body in enumerate(data, start=1):
        etag = store.upload_part(BUCKET, KEY, upload.upload_id, str(number), Payload.of(body)).etag
        value = checksum("CRC32C", b"bbb" if number in wrong_parts else body)
        specs.append(CompletedPartSpec(str(number), etag, (("CRC32C", value),)))
    with pytest.raises(S3Error) as caught:
        store.complete_multipart_upload(BUCKET, KEY, upload.upload_id, CompleteDocument(tuple(specs)))
    first = min(wrong_parts)
    assert caught.value.code == "InvalidPart"
    assert caught.value.field("PartNumber") == str(first)
    assert caught.value.field("ETag") == specs[first - 1].etag
    assert [u.upload_id for u in store.uploads()] == [upload.upload_id]
