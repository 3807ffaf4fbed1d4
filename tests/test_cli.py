"""The standalone server (``python -m pytest_s3mpu`` and the ``s3mpu`` console script): it announces its real
endpoint, serves boto3 with the given settings, and exits 0 promptly on SIGINT or SIGTERM.

Every wait is bounded; the server binds 127.0.0.1 on a free port (``--port 0``).
"""

from __future__ import annotations

import hashlib
import json
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

BIN = Path(sys.executable).parent
ANNOUNCE = re.compile(r"^pytest-s3mpu serving on http://127\.0\.0\.1:(\d+)$")
LAUNCHERS = {
    "python -m pytest_s3mpu": [sys.executable, "-m", "pytest_s3mpu"],
    "s3mpu script": [str(BIN / "s3mpu")],
}
START_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The process's next stdout line, waiting at most ``timeout`` seconds."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        raise AssertionError(f"no output within {timeout}s")
    return proc.stdout.readline().rstrip("\n")


class Running:
    """A started server process and the endpoint it announced."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.port = port
        self.endpoint_url = f"http://127.0.0.1:{port}"

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="cli-test",
            aws_secret_access_key="cli-test",
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
        )


def _start(command: list[str], *extra: str) -> Running:
    args = [*command, "--host", "127.0.0.1", "--port", "0", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _read_line(proc, START_TIMEOUT)
    except BaseException:
        proc.kill()
        proc.wait(timeout=EXIT_TIMEOUT)
        raise
    match = ANNOUNCE.match(line)
    assert match, f"unexpected announcement: {line!r}"
    return Running(proc, int(match.group(1)))


@pytest.fixture(params=list(LAUNCHERS.values()), ids=list(LAUNCHERS))
def launcher(request: pytest.FixtureRequest) -> list[str]:
    """Both ways of starting the server: the module and the installed console script."""
    command: list[str] = request.param
    if command[0] != sys.executable and not Path(command[0]).is_file():
        pytest.fail(f"console script not installed: {command[0]}")
    return command


@pytest.fixture
def server(launcher: list[str]) -> Iterator[Running]:
    """A server started with a 1 KiB minimum part size; killed at teardown if a test left it running."""
    running = _start(launcher, "--min-part-size", "1024")
    try:
        yield running
    finally:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait(timeout=EXIT_TIMEOUT)
        for stream in (running.proc.stdout, running.proc.stderr):
            if stream is not None:
                stream.close()


def _refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except OSError:
        return True


def _upload(s3: Any, sizes: list[int]) -> Any:
    upload_id = s3.create_multipart_upload(Bucket="cli-bucket", Key="k")["UploadId"]
    parts = []
    for number, size in enumerate(sizes, start=1):
        reply = s3.upload_part(
            Bucket="cli-bucket", Key="k", UploadId=upload_id, PartNumber=number, Body=b"z" * size
        )
        parts.append({"PartNumber": number, "ETag": reply["ETag"]})
    return s3.complete_multipart_upload(
        Bucket="cli-bucket", Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )


def test_announces_real_port_and_serves_boto3(server: Running) -> None:
    """``--port 0`` announces the port actually bound (never 0); boto3 works against it, and
    ``--min-part-size 1024`` is the limit Complete enforces: a 1000-byte non-last part is 400 EntityTooSmall
    with MinSizeAllowed 1024 (spec §5.1 step 9c, §11), a 1024-byte one completes."""
    assert server.port != 0
    client = server.client()
    client.create_bucket(Bucket="cli-bucket")
    with pytest.raises(ClientError) as caught:
        _upload(client, [1000, 7])
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["MinSizeAllowed"], error["ProposedSize"]) == (
        "EntityTooSmall",
        "1024",
        "1000",
    )
    done = _upload(client, [1024, 7])
    first, last = hashlib.md5(b"z" * 1024).digest(), hashlib.md5(b"z" * 7).digest()
    assert done["ETag"] == f'"{hashlib.md5(first + last).hexdigest()}-2"'
    body = client.get_object(Bucket="cli-bucket", Key="k")["Body"].read()
    assert body == b"z" * 1031


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_server_with_exit_0(server: Running, signum: signal.Signals) -> None:
    """SIGINT (Ctrl-C) and SIGTERM each stop the server promptly with exit status 0, no traceback, and the
    port is released."""
    client = server.client()
    client.create_bucket(Bucket="cli-bucket")  # a live keep-alive connection
    started = time.monotonic()
    server.proc.send_signal(signum)
    assert server.proc.wait(timeout=EXIT_TIMEOUT) == 0
    assert time.monotonic() - started < EXIT_TIMEOUT
    assert server.proc.stderr is not None
    assert "Traceback" not in server.proc.stderr.read()
    assert _refuses_connections(server.port)


def test_help_lists_options() -> None:
    """``s3mpu --help`` documents every option and exits 0."""
    result = subprocess.run(
        [str(BIN / "s3mpu"), "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0
    for option in ("--host", "--port", "--min-part-size", "--region"):
        assert option in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "'70000'"),
        (["--min-part-size", "lots"], "'lots'"),
        (["--journal-limit", "0"], "must be at least 1"),
        (["--object-ownership", "Everyone"], "'Everyone'"),
    ],
)
def test_bad_argument_is_a_usage_error(args: list[str], message: str) -> None:
    """A bad option value stops before serving: argparse's usage error, exit status 2."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest_s3mpu", *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert f"s3mpu: error: argument {args[0]}: " in result.stderr
    assert message in result.stderr
    assert "serving on" not in result.stdout


def test_journal_limit_keeps_the_newest_entries(launcher: list[str]) -> None:
    """``--journal-limit 3``: the standalone server's journal keeps the newest 3 requests and its
    sequence numbers keep counting, so a server that runs for long does not grow with every request."""
    running = _start(launcher, "--journal-limit", "3")
    try:
        client = running.client()
        client.create_bucket(Bucket="cli-bucket")
        for number in range(5):
            client.put_object(Bucket="cli-bucket", Key=f"k{number}", Body=b"x")
        with urllib.request.urlopen(f"{running.endpoint_url}/_s3mpu/journal", timeout=10) as answer:
            entries = json.loads(answer.read())
        assert [(e["seq"], e["operation"], e["key"]) for e in entries] == [
            (4, "PutObject", "k2"),
            (5, "PutObject", "k3"),
            (6, "PutObject", "k4"),
        ]
    finally:
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
        for stream in (running.proc.stdout, running.proc.stderr):
            if stream is not None:
                stream.close()


def test_object_ownership_option_sets_new_buckets(launcher: list[str]) -> None:
    """``--object-ownership ObjectWriter``: buckets created without x-amz-object-ownership keep ACLs, as
    S3 before April 2023 (README "Settings"), so a pre-2023 ``create_bucket(ACL="public-read")`` works."""
    running = _start(launcher, "--object-ownership", "ObjectWriter")
    try:
        client = running.client()
        client.create_bucket(Bucket="cli-bucket", ACL="public-read")
        rules = client.get_bucket_ownership_controls(Bucket="cli-bucket")["OwnershipControls"]["Rules"]
        assert rules == [{"ObjectOwnership": "ObjectWriter"}]
        grants = client.get_bucket_acl(Bucket="cli-bucket")["Grants"]
        assert {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"} in [
            g["Grantee"] for g in grants
        ]
    finally:
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
        for stream in (running.proc.stdout, running.proc.stderr):
            if stream is not None:
                stream.close()
