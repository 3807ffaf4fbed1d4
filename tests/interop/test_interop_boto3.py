"""Interop: boto3 -- the low-level client, the resource API, s3transfer's upload_file/download_file and
the low-level client over https (where boto3 sends aws-chunked bodies with checksum trailers). Each does
a real multipart round trip and meets the four seed errors as botocore's ClientError (s3transfer: as
boto3's S3UploadFailedError wrapping it). Spec S3_MULTIPART_SPEC.md §1.5, §3, §5, §7, §8, §11."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from interop_support import (
    BUCKET,
    INVALID_PART,
    MIB,
    NO_SUCH_UPLOAD,
    REAL_MIN,
    SEED_ERRORS,
    SMALL_MIN,
    chunks,
    expect_client_error,
    lowlevel_round_trip,
    lowlevel_seed_error,
    md5_hex,
    multipart_etag,
    state,
)

from pytest_s3mpu.s3server import S3Server

CODES = list(SEED_ERRORS)


# -- low-level client -------------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_client_round_trip(s3mpu, s3mpu_client, bucket):
    """boto3 client: Create, three UploadParts, ListParts, ListMultipartUploads, Complete, GetObject
    byte-exact with the md5-of-md5s "-3" ETag (spec §5.2, §7, §8)."""
    lowlevel_round_trip(s3mpu_client, s3mpu, "client.bin", [os.urandom(2048), os.urandom(1500), b"end"])


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", CODES)
def test_client_seed_errors(s3mpu, s3mpu_client, bucket, code):
    """boto3 client: each seed error is a botocore ClientError with S3's status, Code, Message and extra
    fields; state unchanged; the corrected Complete succeeds (spec §5.1, §11)."""
    lowlevel_seed_error(s3mpu_client, s3mpu, ClientError, code)


# -- resource API -----------------------------------------------------------------------------------


@pytest.fixture
def resource(s3mpu):
    return boto3.session.Session().resource(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="interop",
        aws_secret_access_key="interop",
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_resource_round_trip(s3mpu, resource, bucket):
    """boto3 resource API: Object.initiate_multipart_upload, MultipartUpload.Part(n).upload, parts.all(),
    Bucket.multipart_uploads.all(), complete, Object.get: byte-exact, "-3" ETag (spec §5, §7, §8)."""
    parts = [os.urandom(2048), os.urandom(4096), os.urandom(7)]
    obj = resource.Object(BUCKET, "resource.bin")
    mpu = obj.initiate_multipart_upload()
    etags = [mpu.Part(n).upload(Body=body)["ETag"] for n, body in enumerate(parts, 1)]
    assert [(p.part_number, p.size, p.e_tag) for p in mpu.parts.all()] == [
        (n, len(body), f'"{md5_hex(body)}"') for n, body in enumerate(parts, 1)
    ]
    assert [u.id for u in resource.Bucket(BUCKET).multipart_uploads.all()] == [mpu.id]
    done = mpu.complete(
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]}
    )
    assert done.e_tag == multipart_etag(parts)
    assert obj.get()["Body"].read() == b"".join(parts)
    assert s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", CODES)
def test_resource_seed_errors(s3mpu, resource, bucket, code):
    """boto3 resource API: each seed error raised by MultipartUpload.complete / Part.upload is botocore's
    ClientError with S3's status, Code, Message and fields; state unchanged (spec §5.1, §11)."""
    mpu = resource.Object(BUCKET, "resource.bin").initiate_multipart_upload()
    first = os.urandom(1000 if code == "EntityTooSmall" else 2048)
    e1 = mpu.Part(1).upload(Body=first)["ETag"]
    e2 = mpu.Part(2).upload(Body=b"tail")["ETag"]
    before = state(s3mpu)
    if code == "EntityTooSmall":
        parts, fields = [(1, e1), (2, e2)], {
            "ProposedSize": "1000", "MinSizeAllowed": "1024", "PartNumber": "1", "ETag": md5_hex(first)
        }  # fmt: skip
    elif code == "InvalidPart":
        wrong = md5_hex(b"other")
        parts, fields = [(1, f'"{wrong}"'), (2, e2)], {"UploadId": mpu.id, "PartNumber": "1", "ETag": wrong}
    elif code == "InvalidPartOrder":
        parts, fields = [(2, e2), (1, e1)], {"UploadId": mpu.id}
    else:
        mpu.abort()
        before = state(s3mpu)
        expect_client_error(lambda: mpu.Part(3).upload(Body=b"late"), ClientError, code, UploadId=mpu.id)
        assert state(s3mpu) == before
        return
    document = {"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]}
    expect_client_error(lambda: mpu.complete(MultipartUpload=document), ClientError, code, **fields)
    assert state(s3mpu) == before


# -- s3transfer: upload_file / download_file --------------------------------------------------------

# s3transfer never sends parts below 5 MiB: 11 MiB goes as 5 + 5 + 1 MiB with the real minimum.
TRANSFER = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, use_threads=False)


@pytest.fixture
def source(tmp_path):
    data = os.urandom(11 * MIB)
    path = tmp_path / "source.bin"
    path.write_bytes(data)
    return path, data


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_transfer_round_trip(s3mpu, s3mpu_client, bucket, source, tmp_path):
    """s3transfer upload_file: 11 MiB as three parts (5 + 5 + 1 MiB) with S3's real 5 MiB minimum, the
    "-3" ETag; download_file (ranged GETs over the threshold) reads it back byte-exact (spec §5.2)."""
    path, data = source
    s3mpu_client.upload_file(str(path), BUCKET, "transfer.bin", Config=TRANSFER)
    assert s3mpu.uploads() == []
    head = s3mpu_client.head_object(Bucket=BUCKET, Key="transfer.bin")
    assert head["ETag"] == multipart_etag(chunks(data, 5 * MIB))
    target = tmp_path / "back.bin"
    s3mpu_client.download_file(BUCKET, "transfer.bin", str(target), Config=TRANSFER)
    assert target.read_bytes() == data


def _upload_failure(s3mpu_client, path, **kwargs: Any) -> str:
    with pytest.raises(S3UploadFailedError) as caught:
        s3mpu_client.upload_file(str(path), BUCKET, "transfer.bin", Config=TRANSFER, **kwargs)
    cause = caught.value.__cause__ or caught.value.__context__
    assert isinstance(cause, ClientError), cause
    return str(caught.value)


@pytest.mark.s3mpu(min_part_size=6 * MIB)
def test_transfer_entity_too_small(s3mpu, s3mpu_client, bucket, source):
    """upload_file against an S3 whose minimum part size (6 MiB) is above s3transfer's 5 MiB parts: the
    Complete fails with EntityTooSmall, surfaced as boto3's S3UploadFailedError naming the code and
    message; s3transfer aborts the upload and no object exists (spec §5.1 step 9c)."""
    message = _upload_failure(s3mpu_client, source[0])
    assert "EntityTooSmall" in message and SEED_ERRORS["EntityTooSmall"][1] in message
    assert s3mpu.uploads() == [] and s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_transfer_invalid_part(s3mpu, s3mpu_client, bucket, source):
    """A corrupted ETag in part 2's answer (fault rule corrupt_etag): s3transfer completes with an ETag S3
    never gave, so the server answers InvalidPart, surfaced as S3UploadFailedError with S3's message
    (spec §5.1 step 9b)."""
    s3mpu.faults.add(operation="UploadPart", action="corrupt_etag", part_number=2)
    message = _upload_failure(s3mpu_client, source[0])
    assert "InvalidPart" in message and INVALID_PART in message
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_transfer_no_such_upload(s3mpu, s3mpu_client, bucket, source):
    """The upload is aborted by someone else once part 1 has landed (from the progress callback): the next
    UploadPart meets NoSuchUpload, surfaced as S3UploadFailedError with S3's message (spec §6, §11).
    InvalidPartOrder cannot be produced through s3transfer: it always completes parts in number order."""
    aborted: list[str] = []

    def progress(_: int) -> None:
        for upload in s3mpu.uploads():
            if s3mpu.parts(upload.upload_id) and not aborted:
                s3mpu.store.abort_multipart_upload(upload.bucket, upload.key, upload.upload_id)
                aborted.append(upload.upload_id)

    message = _upload_failure(s3mpu_client, source[0], Callback=progress)
    assert aborted
    assert "NoSuchUpload" in message and NO_SUCH_UPLOAD in message
    assert s3mpu.uploads() == [] and s3mpu.objects(BUCKET) == {}


# -- low-level client over https: aws-chunked bodies with checksum trailers ---------------------------


@pytest.fixture
def https_client(tmp_path, monkeypatch, self_signed_tls):
    """An S3Server over TLS (throwaway self-signed certificate), min part size 1024, and a boto3 client
    trusting exactly that certificate; the UploadPart request headers boto3 sends are recorded."""
    for name in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    cert, context = self_signed_tls
    with S3Server(ssl_context=context, min_part_size=SMALL_MIN) as server:
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="interop",
            aws_secret_access_key="interop",
            verify=str(cert),
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )
        parts: list[dict[str, str]] = []

        def record(request: Any, **_: Any) -> None:
            if request.method == "PUT" and "partNumber=" in request.url:
                headers = {k.lower(): v for k, v in request.headers.items()}
                parts.append({k: v.decode() if isinstance(v, bytes) else v for k, v in headers.items()})

        client.meta.events.register("before-send.s3", record)
        server.store.create_bucket(BUCKET)
        yield server, client, parts
        assert server.handler_errors == []


class _Handle:
    """The bits of the s3mpu handle the shared helpers use, for the https server."""

    def __init__(self, server: S3Server) -> None:
        self.store = server.store

    def uploads(self, bucket: str | None = None) -> Any:
        return self.store.uploads(bucket)

    def parts(self, upload_id: str) -> Any:
        return self.store.parts(upload_id)

    def buckets(self) -> list[str]:
        return self.store.bucket_names()

    def objects(self, bucket: str) -> Any:
        return self.store.objects(bucket)


def test_https_round_trip_aws_chunked(https_client):
    """boto3 over https sends every UploadPart as aws-chunked with an UNSIGNED-PAYLOAD-TRAILER and an
    x-amz-checksum-crc32 trailer (spec §1.5); the round trip is byte-exact with the "-3" ETag."""
    server, client, sent = https_client
    lowlevel_round_trip(client, _Handle(server), "https.bin", [os.urandom(3000), os.urandom(2048), b"z"])
    assert len(sent) == 3
    for headers in sent:
        assert "aws-chunked" in headers["content-encoding"]
        assert headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        assert headers["x-amz-trailer"] == "x-amz-checksum-crc32"


@pytest.mark.parametrize("code", CODES)
def test_https_seed_errors(https_client, code):
    """boto3 over https (aws-chunked part bodies): each seed error is a ClientError with S3's status,
    Code, Message and fields; state unchanged; the corrected Complete succeeds (spec §5.1, §11)."""
    server, client, sent = https_client
    lowlevel_seed_error(client, _Handle(server), ClientError, code)
    assert sent and all("aws-chunked" in headers["content-encoding"] for headers in sent)
