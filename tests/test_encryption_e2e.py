"""Server-side encryption through the real server with boto3: SSE-S3 reported by default, SSE-C header
validation, the same customer key on every part of an SSE-C upload, the key on every read, and the key
never echoed (research copy_attrs_sse.md §4; S3_MULTIPART_SPEC.md §2, §3)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError
from s3_assertions import expect_error, state

from pytest_s3mpu.protocol import object_headers, wire
from pytest_s3mpu.state import encryption
from pytest_s3mpu.state.access import DEFAULT_ACCOUNT_ID
from pytest_s3mpu.state.encryption import EncryptionRequest
from pytest_s3mpu.state.errors import S3Error

SMALL_MIN = 1024
BUCKET = "encryption"
KEY = "sse/object.bin"
SSE = "x-amz-server-side-encryption"
CUSTOMER_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
MULTIPART_SSE_C = (
    "The multipart upload initiate requested encryption. Subsequent part requests must include the "
    "appropriate encryption parameters."
)
NEEDS_KEY = (
    "The object was stored using a form of Server Side Encryption. The correct parameters must be provided "
    "to retrieve the object."
)
WRONG_KEY = (
    "Requests specifying Server Side Encryption with Customer provided keys must provide the correct "
    "secret key."
)

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def key_md5(key: bytes) -> str:
    return b64(hashlib.md5(key).digest())


def sse_c(key: bytes = CUSTOMER_KEY) -> dict:
    """boto3 parameters for SSE-C; boto3 base64-encodes the key and adds its MD5 itself."""
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def expect_head_error(call, status: int) -> None:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def never_echoes_the_key(response: dict) -> None:
    """Research §4.1: the customer key is never in a response; only its MD5 is."""
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert "x-amz-server-side-encryption-customer-key" not in headers
    assert b64(CUSTOMER_KEY) not in str(headers)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


# -- SSE-S3 ---------------------------------------------------------------------------------------------


def test_sse_s3_reported_by_default(s3mpu, s3):
    """Research §4.3: every PUT/GET/HEAD/CreateMultipartUpload/UploadPart/Complete response carries
    ``x-amz-server-side-encryption: AES256`` (SSE-S3 applies to all new objects)."""
    assert s3.put_object(Bucket=BUCKET, Key="plain", Body=b"x")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=BUCKET, Key="plain")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=BUCKET, Key="plain")["ServerSideEncryption"] == "AES256"
    created = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)
    assert created["ServerSideEncryption"] == "AES256"
    part = s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=created["UploadId"], PartNumber=1, Body=b"p")
    assert part["ServerSideEncryption"] == "AES256"
    done = s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key=KEY,
        UploadId=created["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ServerSideEncryption"] == "AES256"


def test_sse_s3_requested_explicitly(s3mpu, s3):
    """Research §4.3: sending ``x-amz-server-side-encryption: AES256`` gives the same echo; an empty value
    is InvalidArgument "The encryption method specified is not supported"."""
    assert (
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", ServerSideEncryption="AES256")[
            "ServerSideEncryption"
        ]
        == "AES256"
    )

    def empty_sse(request, **_):
        request.headers[SSE] = ""

    s3.meta.events.register("before-sign.s3.PutObject", empty_sse)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=BUCKET, Key="k2", Body=b"x")
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"], error["ArgumentName"]) == (
        "InvalidArgument",
        "The encryption method specified is not supported",
        SSE,
    )
    assert set(s3mpu.objects(BUCKET)) == {"k"}


# -- SSE-C request validation ----------------------------------------------------------------------------

SSE_C_ERRORS = [
    (
        {
            "SSECustomerAlgorithm": "AES256",
            "SSECustomerKey": b64(CUSTOMER_KEY),
            "SSECustomerKeyMD5": key_md5(b"x"),
        },
        "InvalidArgument",
        "The calculated MD5 hash of the key did not match the hash that was provided.",
        {"ArgumentName": SSE},
    ),
    (
        {"SSECustomerAlgorithm": "AES128", "SSECustomerKey": CUSTOMER_KEY},
        "InvalidEncryptionAlgorithmError",
        "The Encryption request you specified is not valid. Supported value: AES256.",
        {"ArgumentName": SSE, "ArgumentValue": "AES128"},
    ),
    (
        {"SSECustomerKey": CUSTOMER_KEY},
        "InvalidArgument",
        "Requests specifying Server Side Encryption with Customer provided keys must provide a valid "
        "encryption algorithm.",
        {"ArgumentName": SSE},
    ),
    (
        {"SSECustomerAlgorithm": "AES256"},
        "InvalidArgument",
        "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate "
        "secret key.",
        {"ArgumentName": SSE},
    ),
    (
        {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": bytes(16)},
        "InvalidArgument",
        "The secret key was invalid for the specified algorithm.",
        {"ArgumentName": SSE},
    ),
    (
        {**sse_c(), "ServerSideEncryption": "AES256"},
        "InvalidArgument",
        "Server Side Encryption with Customer provided key is incompatible with the encryption method "
        "specified",
        {"ArgumentName": SSE, "ArgumentValue": "AES256"},
    ),
]
SSE_C_IDS = ["md5-mismatch", "bad-algorithm", "no-algorithm", "no-key", "short-key", "with-sse"]


@pytest.mark.parametrize(("params", "code", "message", "fields"), SSE_C_ERRORS, ids=SSE_C_IDS)
@pytest.mark.parametrize("operation", ["PutObject", "CreateMultipartUpload"])
def test_sse_c_header_errors(s3mpu, s3, operation, params, code, message, fields):
    """Research §4.2 (LS-2026 captures): each malformed SSE-C request is 400 with its own code, message and
    ArgumentName, and ArgumentValue only where a value was sent (no ``null``) [LS-AWS:
    test_put_object_validation_sse_c, recorded 2026-02-21]; nothing is stored and a correct request
    then succeeds."""
    if operation == "PutObject":

        def call(**p):
            return s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"secret", **p)
    else:

        def call(**p):
            return s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, **p)

    before = state(s3mpu)
    expect_error(lambda: call(**params), 400, code, message, **fields)
    assert state(s3mpu) == before
    response = call(**sse_c())
    assert (response["SSECustomerAlgorithm"], response["SSECustomerKeyMD5"]) == (
        "AES256",
        key_md5(CUSTOMER_KEY),
    )


# -- SSE-C objects ---------------------------------------------------------------------------------------


def test_sse_c_put_and_read(s3mpu, s3):
    """Research §4.1-§4.2: PUT echoes algorithm and key MD5 (no x-amz-server-side-encryption); reading
    needs the key (InvalidRequest without it, 403 AccessDenied with another); the key is never echoed."""
    put = s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"secret", **sse_c())
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", key_md5(CUSTOMER_KEY))
    assert "ServerSideEncryption" not in put
    never_echoes_the_key(put)
    expect_error(lambda: s3.get_object(Bucket=BUCKET, Key=KEY), 400, "InvalidRequest", NEEDS_KEY)
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY), 400)
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, **sse_c(OTHER_KEY)), 403, "AccessDenied", WRONG_KEY
    )
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, **sse_c(OTHER_KEY)), 403)
    got = s3.get_object(Bucket=BUCKET, Key=KEY, **sse_c())
    assert got["Body"].read() == b"secret"
    assert (got["SSECustomerAlgorithm"], got["SSECustomerKeyMD5"]) == ("AES256", key_md5(CUSTOMER_KEY))
    never_echoes_the_key(got)
    head = s3.head_object(Bucket=BUCKET, Key=KEY, **sse_c())
    assert head["SSECustomerKeyMD5"] == key_md5(CUSTOMER_KEY)
    never_echoes_the_key(head)


def test_sse_c_headers_on_a_plain_object(s3mpu, s3):
    """Research §4.2 (boto3#982): SSE-C headers on an object stored without SSE-C are InvalidRequest."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"plain")
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, **sse_c()),
        400,
        "InvalidRequest",
        "The encryption parameters are not applicable to this object.",
    )
    expect_head_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY, **sse_c()), 400)


def test_sse_c_multipart_upload(s3mpu, s3, random_bytes):
    """Research §4.1-§4.2: every UploadPart of an SSE-C upload carries the same key (missing → the
    "initiate requested encryption" message, different → "did not match the ones used originally");
    Complete needs no key and echoes no SSE-C pair; the object then needs the key."""
    created = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, **sse_c())
    upload_id = created["UploadId"]
    assert (created["SSECustomerAlgorithm"], created["SSECustomerKeyMD5"]) == (
        "AES256",
        key_md5(CUSTOMER_KEY),
    )
    never_echoes_the_key(created)
    body = [random_bytes(SMALL_MIN), random_bytes(10)]
    before = state(s3mpu)
    expect_error(
        lambda: s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=body[0]),
        400,
        "InvalidRequest",
        MULTIPART_SSE_C,
    )
    expect_error(
        lambda: s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=body[0], **sse_c(OTHER_KEY)
        ),
        400,
        "InvalidRequest",
        "The provided encryption parameters did not match the ones used originally.",
    )
    assert state(s3mpu) == before
    listed = []
    for number, data in enumerate(body, start=1):
        r = s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=number, Body=data, **sse_c()
        )
        assert r["SSECustomerKeyMD5"] == key_md5(CUSTOMER_KEY)
        never_echoes_the_key(r)
        listed.append({"PartNumber": number, "ETag": r["ETag"]})
    assert len(s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id)["Parts"]) == 2
    done = s3.complete_multipart_upload(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": listed}
    )
    assert "SSECustomerKeyMD5" not in done and "SSECustomerAlgorithm" not in done
    expect_error(lambda: s3.get_object(Bucket=BUCKET, Key=KEY), 400, "InvalidRequest", NEEDS_KEY)
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=1, **sse_c(OTHER_KEY)),
        403,
        "AccessDenied",
        WRONG_KEY,
    )
    got = s3.get_object(Bucket=BUCKET, Key=KEY, **sse_c())
    assert got["Body"].read() == b"".join(body)
    part = s3.get_object(Bucket=BUCKET, Key=KEY, PartNumber=2, **sse_c())
    assert part["Body"].read() == body[1]


def test_sse_c_part_on_a_plain_upload(s3mpu, s3):
    """Research §4.2: SSE-C headers on a part of an upload created without them get the same message."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    expect_error(
        lambda: s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"p", **sse_c()
        ),
        400,
        "InvalidRequest",
        MULTIPART_SSE_C,
    )
    assert s3mpu.parts(upload_id) == {}


def test_get_object_attributes_of_sse_c_object_needs_the_key(s3mpu, s3):
    """Research §4.2: GetObjectAttributes of an SSE-C object without the key is InvalidRequest."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"secret", **sse_c())
    expect_error(
        lambda: s3.get_object_attributes(Bucket=BUCKET, Key=KEY, ObjectAttributes=["ObjectSize"]),
        400,
        "InvalidRequest",
        NEEDS_KEY,
    )
    # botocore does not encode the key for this operation: send it already encoded, with its MD5.
    encoded = {"SSECustomerKey": b64(CUSTOMER_KEY), "SSECustomerKeyMD5": key_md5(CUSTOMER_KEY)}
    attrs = s3.get_object_attributes(
        Bucket=BUCKET, Key=KEY, ObjectAttributes=["ObjectSize"], SSECustomerAlgorithm="AES256", **encoded
    )
    assert attrs["ObjectSize"] == 6


# -- store level -----------------------------------------------------------------------------------------


def test_md5_is_checked_before_key_length():
    """Research §4.2 (DERIVED): a short key with a wrong MD5 reports the MD5 mismatch first."""
    request = EncryptionRequest(
        customer_algorithm="AES256", customer_key=b64(bytes(16)), customer_key_md5=key_md5(b"x")
    )
    with pytest.raises(S3Error) as caught:
        encryption.customer_key_md5(request)
    assert (
        caught.value.message == "The calculated MD5 hash of the key did not match the hash that was provided."
    )
    ok = EncryptionRequest(customer_algorithm="AES256", customer_key=b64(CUSTOMER_KEY))
    assert encryption.customer_key_md5(ok) == key_md5(CUSTOMER_KEY)
    assert object_headers.encryption_headers(encryption.for_write(ok, account_id=DEFAULT_ACCOUNT_ID)) == [
        (wire.SSE_C_ALGORITHM, "AES256"),
        (wire.SSE_C_KEY_MD5, key_md5(CUSTOMER_KEY)),
    ]


def test_sse_s3_reported_on_copies(s3mpu, s3):
    """Research §1.1 / §2 / §4.3: CopyObject and UploadPartCopy responses carry
    ``x-amz-server-side-encryption: AES256`` (every LS copy record)."""
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"source")
    copied = s3.copy_object(Bucket=BUCKET, Key="dst", CopySource=f"{BUCKET}/src")
    assert copied["ServerSideEncryption"] == "AES256"
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    part = s3.upload_part_copy(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, CopySource=f"{BUCKET}/src"
    )
    assert part["ServerSideEncryption"] == "AES256"


def copy_source_sse_c(key: bytes = CUSTOMER_KEY) -> dict:
    """boto3 parameters for reading an SSE-C copy source with its key."""
    return {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": key}


def test_upload_part_copy_into_an_sse_c_upload(s3mpu, s3):
    """UploadPartCopy is a part like any other: an SSE-C upload needs its key on it (research §4.2), and an
    SSE-C source needs its own key through x-amz-copy-source-server-side-encryption-customer-*."""
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"secret source", **sse_c(OTHER_KEY))
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, **sse_c())["UploadId"]
    before = state(s3mpu)
    copy = {"Bucket": BUCKET, "Key": KEY, "UploadId": upload, "PartNumber": 1, "CopySource": f"{BUCKET}/src"}
    expect_error(lambda: s3.upload_part_copy(**copy), 400, "InvalidRequest", MULTIPART_SSE_C)
    expect_error(lambda: s3.upload_part_copy(**copy, **sse_c()), 400, "InvalidRequest", NEEDS_KEY)
    expect_error(
        lambda: s3.upload_part_copy(**copy, **sse_c(OTHER_KEY), **copy_source_sse_c(OTHER_KEY)),
        400,
        "InvalidRequest",
        "The provided encryption parameters did not match the ones used originally.",
    )
    assert state(s3mpu) == before
    reply = s3.upload_part_copy(**copy, **sse_c(), **copy_source_sse_c(OTHER_KEY))
    # A part of an SSE-C upload has an opaque ETag, as UploadPart's parts do (see test_sse_kms_e2e.py).
    etag = reply["CopyPartResult"]["ETag"]
    assert etag != f'"{hashlib.md5(b"secret source").hexdigest()}"'
    listed = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload)["Parts"]
    assert [part["ETag"] for part in listed] == [etag]
    assert reply["SSECustomerKeyMD5"] == key_md5(CUSTOMER_KEY)
    never_echoes_the_key(reply)


def test_copy_object_of_an_sse_c_source(s3mpu, s3):
    """CopyObject reads an SSE-C source only with its key (400 InvalidRequest without it, 403 with the
    wrong one); the copy is encrypted as the request says (SSE-S3 by default)."""
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"secret source", **sse_c())
    expect_error(
        lambda: s3.copy_object(Bucket=BUCKET, Key="dst", CopySource=f"{BUCKET}/src"),
        400,
        "InvalidRequest",
        NEEDS_KEY,
    )
    expect_error(
        lambda: s3.copy_object(
            Bucket=BUCKET, Key="dst", CopySource=f"{BUCKET}/src", **copy_source_sse_c(OTHER_KEY)
        ),
        403,
        "AccessDenied",
        WRONG_KEY,
    )
    assert "dst" not in s3mpu.objects(BUCKET)
    reply = s3.copy_object(Bucket=BUCKET, Key="dst", CopySource=f"{BUCKET}/src", **copy_source_sse_c())
    assert reply["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=BUCKET, Key="dst")["Body"].read() == b"secret source"


def test_sse_c_etag_is_opaque_and_copies_get_the_md5(s3mpu, s3):
    """[LS-AWS: test_object_retrieval_sse_c, test_sse_c_with_versioning, recorded 2026-02-21] an SSE-C
    object's ETag is not the MD5 of its bytes (AWS: "b68bda52..." for "test_data", whose MD5 is
    "6af8307c..."): an opaque 32-hex value, new for each write of the same bytes and key, the same on
    PUT, HEAD, GET and GetObjectAttributes, and usable in If-Match. A plain copy of it gets the MD5."""
    s3.create_bucket(Bucket=BUCKET)
    body = b"test_data"
    first = s3.put_object(Bucket=BUCKET, Key="k", Body=body, **sse_c())["ETag"]
    second = s3.put_object(Bucket=BUCKET, Key="k", Body=body, **sse_c())["ETag"]
    plain = f'"{hashlib.md5(body).hexdigest()}"'
    for etag in (first, second):
        assert len(etag) == 34 and int(etag.strip('"'), 16) >= 0
        assert etag != plain
    assert first != second
    assert s3.head_object(Bucket=BUCKET, Key="k", **sse_c())["ETag"] == second
    got = s3.get_object(Bucket=BUCKET, Key="k", IfMatch=second, **sse_c())
    assert got["ETag"] == second and got["Body"].read() == body
    attributes = s3.get_object_attributes(
        Bucket=BUCKET,
        Key="k",
        ObjectAttributes=["ETag"],
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=b64(CUSTOMER_KEY),
        SSECustomerKeyMD5=key_md5(CUSTOMER_KEY),
    )
    assert f'"{attributes["ETag"]}"' == second
    copied = s3.copy_object(
        Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "k"}, **copy_source_sse_c()
    )
    assert copied["CopyObjectResult"]["ETag"] == plain
    into_sse_c = s3.copy_object(
        Bucket=BUCKET, Key="copy-c", CopySource={"Bucket": BUCKET, "Key": "copy"}, **sse_c()
    )
    assert into_sse_c["CopyObjectResult"]["ETag"] != plain


def test_reading_sse_c_with_a_key_of_the_wrong_size_is_access_denied(s3mpu, s3):
    """[LS-AWS: test_object_retrieval_sse_c, recorded 2026-02-21, "get-obj-sse-c-no-md5" /
    "head-obj-sse-c-no-md5"] reading an SSE-C object with a key of the wrong size (with its matching
    MD5) is 403 AccessDenied, as a wrong key is (HEAD: a bare 403); on a write the same key is 400."""
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"test_data", **sse_c())
    wrong_size = sse_c(b64(CUSTOMER_KEY).encode())  # 44 bytes: boto3 encodes the base64 text again
    denied = (
        "Requests specifying Server Side Encryption with Customer provided keys must provide the correct "
        "secret key."
    )
    expect_error(lambda: s3.get_object(Bucket=BUCKET, Key="k", **wrong_size), 403, "AccessDenied", denied)
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="k", **sse_c(OTHER_KEY)), 403, "AccessDenied", denied
    )
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=BUCKET, Key="k", **wrong_size)
    assert caught.value.response["Error"] == {"Code": "403", "Message": "Forbidden"}
    expect_error(
        lambda: s3.put_object(Bucket=BUCKET, Key="k2", Body=b"x", **wrong_size),
        400,
        "InvalidArgument",
        "The secret key was invalid for the specified algorithm.",
        ArgumentName=SSE,
    )
