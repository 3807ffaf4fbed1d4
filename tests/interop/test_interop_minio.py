"""Interop: the MinIO Python SDK. Its public API uploads multipart by itself (put_object with a part
size, parts >= 5 MiB); its low-level multipart calls (``_create_multipart_upload``, ``_upload_part``,
``_list_parts``, ``_list_multipart_uploads``, ``_complete_multipart_upload``, ``_abort_multipart_upload``)
are what put_object uses, and they send a Complete as given -- so all four seed errors reach the client
as ``minio.error.S3Error`` with S3's code, message and status (spec §5, §7, §8, §11)."""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import pytest
from interop_support import (
    BUCKET,
    MIB,
    REAL_MIN,
    SEED_ERRORS,
    SMALL_MIN,
    chunks,
    md5_hex,
    multipart_etag,
    state,
)
from minio import Minio
from minio.datatypes import Part
from minio.error import S3Error


@pytest.fixture
def mc(s3mpu, bucket):
    return Minio(
        urlsplit(s3mpu.endpoint_url).netloc,
        access_key="interop",
        secret_key="interop",
        secure=False,
        region="us-east-1",
    )


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_put_object_multipart_round_trip(s3mpu, mc):
    """put_object of 11 MiB with part_size 5 MiB uploads 5 + 5 + 1 MiB under the real minimum; the ETag
    is the "-3" multipart ETag; get_object and fget_object read it back byte-exact."""
    data = os.urandom(11 * MIB)
    result = mc.put_object(BUCKET, "put.bin", io.BytesIO(data), len(data), part_size=5 * MIB)
    assert f'"{result.etag}"' == multipart_etag(chunks(data, 5 * MIB))
    response = mc.get_object(BUCKET, "put.bin")
    try:
        assert response.read() == data
    finally:
        response.close()
        response.release_conn()
    assert s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_low_level_round_trip(s3mpu, mc):
    """The SDK's multipart calls: Create, three parts, ListParts (numbers, sizes, ETags), ListMultipart-
    Uploads, Complete ("-3" ETag), get_object byte-exact (spec §5.2, §7, §8)."""
    parts = [os.urandom(2048), os.urandom(1500), b"end"]
    upload_id = mc._create_multipart_upload(BUCKET, "low.bin", {})
    etags = [mc._upload_part(BUCKET, "low.bin", body, None, upload_id, n) for n, body in enumerate(parts, 1)]
    assert [e.strip('"') for e in etags] == [md5_hex(body) for body in parts]
    listed = mc._list_parts(BUCKET, "low.bin", upload_id)
    assert [(p.part_number, p.size, p.etag.strip('"')) for p in listed.parts] == [
        (n, len(body), md5_hex(body)) for n, body in enumerate(parts, 1)
    ]
    uploads = mc._list_multipart_uploads(BUCKET).uploads
    assert [(u.object_name, u.upload_id) for u in uploads] == [("low.bin", upload_id)]
    done = mc._complete_multipart_upload(
        BUCKET, "low.bin", upload_id, [Part(n, e) for n, e in enumerate(etags, 1)]
    )
    assert f'"{done.etag.strip(chr(34))}"' == multipart_etag(parts)
    response = mc.get_object(BUCKET, "low.bin")
    try:
        assert response.read() == b"".join(parts)
    finally:
        response.close()
        response.release_conn()


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", list(SEED_ERRORS))
def test_seed_errors(s3mpu, mc, code):
    """Each seed error is a ``minio.error.S3Error`` whose ``code``, ``message`` and ``response.status``
    are S3's; the upload id is carried; the failure changes nothing (spec §5.1, §11)."""
    first = os.urandom(1000 if code == "EntityTooSmall" else 2048)
    upload_id = mc._create_multipart_upload(BUCKET, "err.bin", {})
    e1 = mc._upload_part(BUCKET, "err.bin", first, None, upload_id, 1)
    e2 = mc._upload_part(BUCKET, "err.bin", b"tail", None, upload_id, 2)
    if code == "EntityTooSmall":
        parts = [Part(1, e1), Part(2, e2)]
    elif code == "InvalidPart":
        parts = [Part(1, md5_hex(b"other")), Part(2, e2)]
    elif code == "InvalidPartOrder":
        parts = [Part(2, e2), Part(1, e1)]
    else:
        mc._abort_multipart_upload(BUCKET, "err.bin", upload_id)
        parts = [Part(1, e1), Part(2, e2)]
    before = state(s3mpu)
    with pytest.raises(S3Error) as caught:
        mc._complete_multipart_upload(BUCKET, "err.bin", upload_id, parts)
    status, message = SEED_ERRORS[code]
    assert (caught.value.code, caught.value.message, caught.value.response.status) == (code, message, status)
    assert caught.value.request_id
    assert state(s3mpu) == before
    if code == "NoSuchUpload":
        with pytest.raises(S3Error) as again:
            mc._upload_part(BUCKET, "err.bin", b"late", None, upload_id, 3)
        assert (again.value.code, again.value.response.status) == (code, 404)
