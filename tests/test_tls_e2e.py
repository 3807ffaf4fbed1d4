"""TLS on demand (setting ``tls``): https with a throwaway CA made at start, trusted by the fixture's
client and by nothing else; the same setting from the marker, the pytest option and the standalone
server (one table in settings.py). These machines set AWS_CA_BUNDLE / REQUESTS_CA_BUNDLE: the tests
clear them so only the CA passed explicitly is trusted.
"""

from __future__ import annotations

import http.client
import os
import re
import ssl
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import SSLError

from pytest_s3mpu.s3server import S3Server


@pytest.fixture(autouse=True)
def no_ambient_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.s3mpu(tls=True)
def test_marker_serves_https_and_the_client_trusts_the_ca(s3mpu, s3mpu_client):
    """The marker gives this test an https endpoint; s3mpu_client trusts the CA bundle the fixture
    exposes; a client that does not trust it is refused at the handshake."""
    assert s3mpu.endpoint_url.startswith("https://127.0.0.1:")
    assert s3mpu.ca_bundle is not None and Path(s3mpu.ca_bundle).read_text().startswith("-----BEGIN CERT")
    s3mpu_client.create_bucket(Bucket="tls")
    s3mpu_client.put_object(Bucket="tls", Key="k", Body=b"over tls")
    assert s3mpu_client.get_object(Bucket="tls", Key="k")["Body"].read() == b"over tls"
    assert s3mpu.object_bytes("tls", "k") == b"over tls"
    untrusting = boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(SSLError):
        untrusting.list_buckets()


def test_server_certificate_verifies_for_every_loopback_name():
    """The certificate names localhost, 127.0.0.1 and ::1, verifies against the CA with Python's default
    (strict on 3.13) checks, and the files are removed when the server stops."""
    server = S3Server(tls=True).start()
    try:
        assert server.ca_bundle is not None
        context = ssl.create_default_context(cafile=str(server.ca_bundle))
        for name in ("localhost", "127.0.0.1"):
            conn = http.client.HTTPSConnection(name, server.port, context=context, timeout=10)
            conn.request("GET", "/")
            assert conn.getresponse().status == 200
            conn.close()
        directory = server.ca_bundle.parent
    finally:
        server.stop()
    assert not directory.exists()
    assert server.ca_bundle is None


def test_pytest_option_makes_the_session_server_https(pytester: pytest.Pytester):
    """``--s3mpu-tls`` (no value) serves the session's server over https; the marker can turn it off
    for one test, which then gets an http server of its own."""
    pytester.makepyfile(
        """
        import pytest

        def test_https(s3mpu, s3mpu_client):
            assert s3mpu.endpoint_url.startswith("https://")
            s3mpu_client.create_bucket(Bucket="bbb")
            assert s3mpu.buckets() == ["bbb"]

        @pytest.mark.s3mpu(tls=False)
        def test_http(s3mpu, s3mpu_client):
            assert s3mpu.endpoint_url.startswith("http://") and s3mpu.ca_bundle is None
            s3mpu_client.create_bucket(Bucket="ccc")
            assert s3mpu.buckets() == ["ccc"]
        """
    )
    pytester.runpytest("--s3mpu-tls", "-p", "no:randomly").assert_outcomes(passed=2)


def test_standalone_server_prints_where_the_ca_is():
    """``s3mpu --tls`` announces an https endpoint and the CA bundle's path; a client trusting it works."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_S3MPU_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0", "--tls"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    try:
        assert proc.stdout is not None
        announced = proc.stdout.readline().strip()
        bundle_line = proc.stdout.readline().strip()
        match = re.fullmatch(r"pytest-s3mpu serving on https://127\.0\.0\.1:(\d+)", announced)
        assert match, announced
        bundle = re.fullmatch(r"pytest-s3mpu CA bundle \(trust it: AWS_CA_BUNDLE=(.+)\)", bundle_line)
        assert bundle, bundle_line
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=f"https://127.0.0.1:{match.group(1)}",
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            verify=bundle.group(1),
        )
        assert client.list_buckets()["Buckets"] == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
