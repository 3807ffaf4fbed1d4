"""Interop: ibm-cos-sdk (``ibm_boto3`` / ``ibm_botocore`` / ``ibm_s3transfer``, the SDK of the seed's
boto3-style page) -- its own fork of botocore, so its own ClientError type. Multipart round trip with
ListParts/ListMultipartUploads, managed upload_file/download_file, and the four seed errors as
``ibm_botocore.exceptions.ClientError`` (spec §5, §7, §8, §11)."""

from __future__ import annotations

import os

import ibm_boto3
import pytest
from ibm_boto3.s3.transfer import TransferConfig
from ibm_botocore.client import Config
from ibm_botocore.exceptions import ClientError
from interop_support import (
    BUCKET,
    MIB,
    REAL_MIN,
    SEED_ERRORS,
    SMALL_MIN,
    chunks,
    lowlevel_round_trip,
    lowlevel_seed_error,
    multipart_etag,
)


@pytest.fixture
def cos(s3mpu, bucket, monkeypatch):
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, os.devnull)
    return ibm_boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="interop",
        aws_secret_access_key="interop",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_round_trip(s3mpu, cos):
    """ibm_boto3 client: Create, three UploadParts, ListParts, ListMultipartUploads, Complete, GetObject
    byte-exact with the "-3" ETag computed from the bytes (spec §5.2)."""
    lowlevel_round_trip(cos, s3mpu, "cos.bin", [os.urandom(2048), os.urandom(1024), b"tail"])


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", list(SEED_ERRORS))
def test_seed_errors(s3mpu, cos, code):
    """ibm_boto3 client: each seed error is ibm_botocore's ClientError (not botocore's) carrying S3's
    status, Code, Message and extra fields; state unchanged; corrected Complete succeeds (spec §11)."""
    assert not issubclass(ClientError, __import__("botocore.exceptions").exceptions.ClientError)
    lowlevel_seed_error(cos, s3mpu, ClientError, code)


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_managed_transfer(s3mpu, cos, tmp_path):
    """ibm_s3transfer upload_file: 11 MiB as 5 + 5 + 1 MiB parts under the real minimum ("-3" ETag);
    download_file reads it back byte-exact."""
    data = os.urandom(11 * MIB)
    source, target = tmp_path / "in.bin", tmp_path / "out.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, use_threads=False)
    cos.upload_file(str(source), BUCKET, "managed.bin", Config=config)
    assert cos.head_object(Bucket=BUCKET, Key="managed.bin")["ETag"] == multipart_etag(chunks(data, 5 * MIB))
    cos.download_file(BUCKET, "managed.bin", str(target), Config=config)
    assert target.read_bytes() == data
    assert s3mpu.uploads() == []
