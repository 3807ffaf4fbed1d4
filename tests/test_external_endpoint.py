"""External endpoint mode (issue 4): ``--s3mpu-endpoint URL`` points the fixtures at an existing
S3-compatible endpoint instead of the in-memory server. Here the "existing endpoint" is a standalone
pytest-s3mpu server in another process, reached only over HTTP, so the inner suite cannot cheat."""

from __future__ import annotations

import subprocess
import sys

import pytest

INNER = """
import boto3, pytest

def test_round_trip(s3mpu, s3mpu_client):
    assert s3mpu.is_external
    s3mpu_client.create_bucket(Bucket="ext-bucket")
    upload = s3mpu_client.create_multipart_upload(Bucket="ext-bucket", Key="k")["UploadId"]
    etag = s3mpu_client.upload_part(
        Bucket="ext-bucket", Key="k", UploadId=upload, PartNumber=1, Body=b"x"
    )["ETag"]
    s3mpu_client.complete_multipart_upload(
        Bucket="ext-bucket", Key="k", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3mpu.object_bytes("ext-bucket", "k") == b"x"
    assert "ext-bucket" in s3mpu.buckets()

def test_env_keeps_credentials(s3mpu_env):
    assert boto3.client("s3").list_buckets()["Buckets"] is not None

def test_needs_faults(s3mpu):
    s3mpu.faults.add(operation="PutObject", preset="SlowDown")

def test_needs_state(s3mpu):
    s3mpu.uploads()

@pytest.mark.s3mpu_fault(operation="PutObject", preset="SlowDown")
def test_fault_marker(s3mpu):
    pass

def test_needs_server(s3mpu_server):
    pass
"""


@pytest.fixture
def external_endpoint():
    """A standalone server in its own process (python -m pytest_s3mpu --port 0)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0", "--min-part-size", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("pytest-s3mpu serving on "), line
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_fixtures_run_against_an_external_endpoint(pytester, external_endpoint, monkeypatch):
    """The suite runs unchanged against the endpoint: a real round trip passes; tests that need fault
    injection, the journal, the store or the in-memory server are skipped saying why (issue 4)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "external-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "external-secret")
    pytester.makepyfile(INNER)
    result = pytester.runpytest_subprocess("--s3mpu-endpoint", external_endpoint, "-rs")
    result.assert_outcomes(passed=2, skipped=4)
    result.stdout.fnmatch_lines(
        [
            f"s3mpu: external endpoint {external_endpoint} (fault injection and state inspection*",
            "*fault injection is not available against an external endpoint*",
            "*state inspection is not available against an external endpoint*",
            "*no in-memory server: --s3mpu-endpoint points the fixtures at*",
        ]
    )


def test_bad_endpoint_is_a_usage_error(pytester):
    """A value that is not an http(s) URL stops the run before any test, naming its source."""
    pytester.makepyfile("def test_x(s3mpu): pass")
    result = pytester.runpytest("--s3mpu-endpoint", "ftp://example")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*invalid endpoint 'ftp://example' from option --s3mpu-endpoint*"])


MARKED = """
import pytest

@pytest.mark.s3mpu(min_part_size=1024)
def test_small_parts(s3mpu_client):
    raise AssertionError("must not run with the endpoint's own minimum part size")

@pytest.mark.s3mpu(storage="sizes")
def test_sizes_only(s3mpu):
    raise AssertionError("must not run keeping bytes")

@pytest.mark.s3mpu(region="us-east-1", min_part_size="5MiB")
def test_what_s3_does_anyway(s3mpu_client):
    s3mpu_client.create_bucket(Bucket="marked-bucket")
"""


def test_per_test_settings_the_endpoint_cannot_apply_skip_their_test(
    pytester, external_endpoint, monkeypatch
):
    """A test marked with a minimum part size or ``storage="sizes"`` is skipped, naming the setting and the
    endpoint, instead of running without them (issue 19, silent misbehaviour 2); a marker that asks for
    what S3 does anyway (5 MiB, the region) runs."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "external-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "external-secret")
    pytester.makepyfile(MARKED)
    result = pytester.runpytest_subprocess("--s3mpu-endpoint", external_endpoint, "-rs", "-p", "no:randomly")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*min_part_size=1024 from the s3mpu marker cannot be applied to the external endpoint "
            f"{external_endpoint}",
            "SKIPPED*storage='sizes' from the s3mpu marker cannot be applied to the external endpoint "
            f"{external_endpoint}",
        ]
    )


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (
            ["--s3mpu-min-part-size=1KiB"],
            "",
            "ERROR: min_part_size 1024 from option --s3mpu-min-part-size has no effect on the external "
            "endpoint http://127.0.0.1:9 (from option --s3mpu-endpoint): unset one of the two",
        ),
        (
            [],
            "s3mpu_storage = sizes\n",
            "ERROR: storage 'sizes' from ini key s3mpu_storage has no effect on the external endpoint "
            "http://127.0.0.1:9 (from option --s3mpu-endpoint): unset one of the two",
        ),
        (
            ["--s3mpu-tls"],
            "",
            "ERROR: tls True from option --s3mpu-tls has no effect on the external endpoint "
            "http://127.0.0.1:9 (from option --s3mpu-endpoint): unset one of the two",
        ),
        (
            [],
            "s3mpu_account_id = 000000000000\n",
            "ERROR: account_id '000000000000' from ini key s3mpu_account_id has no effect on the external "
            "endpoint http://127.0.0.1:9 (from option --s3mpu-endpoint): unset one of the two",
        ),
    ],
    ids=["option", "ini", "tls", "account_id"],
)
def test_session_settings_the_endpoint_cannot_apply_are_a_usage_error(pytester, args, ini, message):
    """A session-wide setting of the in-memory server together with ``--s3mpu-endpoint`` stops the run
    before any test, naming both sources, rather than being dropped (issue 19, silent misbehaviour 2).
    The endpoint is never contacted (nothing listens on port 9 here)."""
    if ini:
        pytester.makeini("[pytest]\n" + ini)
    pytester.makepyfile("def test_never_runs(s3mpu):\n    raise AssertionError('must not run')\n")
    result = pytester.runpytest("--s3mpu-endpoint", "http://127.0.0.1:9", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
