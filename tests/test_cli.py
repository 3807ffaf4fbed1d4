"""The standalone server (``python -m pytest_s3mpu`` and the ``s3mpu`` console script): it announces its real
endpoint, serves boto3 with the given settings, and exits 0 promptly on SIGINT or SIGTERM.

Every wait is bounded; the server binds 127.0.0.1 on a free port (``--port 0``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib import metadata
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


def _start(command: list[str], *extra: str, env: dict[str, str] | None = None) -> Running:
    args = [*command, "--host", "127.0.0.1", "--port", "0", *extra]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_S3MPU_")} | (env or {})
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)
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
        (["--account-id", "0000"], "argument --account-id: invalid value '0000': must be an AWS account ID"),
        (["--storage", "disk"], "argument --storage: invalid value 'disk': must be 'memory' or 'sizes'\n"),
        (["--fault-seed", "x"], "argument --fault-seed: not a whole number: 'x'\n"),
        (["--seed", "no-such-folder"], "argument --seed: not a folder: 'no-such-folder'"),
        (["--port", "nine"], "argument --port: not a port: 'nine' (0 to 65535; 0 picks a free one)\n"),
        (["--min-part-size", "5M"], "not a byte count: '5M' (accepted: a whole number of bytes, or a number"),
        (["--max-body-size", "0.1KiB"], "not a whole number of bytes: '0.1KiB' is 102.4 bytes\n"),
    ],
)
def test_bad_argument_is_a_usage_error(args: list[str], message: str) -> None:
    """A bad option value stops before serving: argparse's usage error, exit status 2, naming the option
    and the reason, never an internal name (issue 19: ``invalid _storage value: 'disk'``)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest_s3mpu", *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert f"s3mpu: error: argument {args[0]}: " in result.stderr
    assert message in result.stderr
    assert "invalid _" not in result.stderr and " value: " not in result.stderr
    assert "serving on" not in result.stdout


def test_version() -> None:
    """``s3mpu --version`` prints the installed distribution's version and exits 0 (issue 19)."""
    result = subprocess.run(
        [str(BIN / "s3mpu"), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0
    assert result.stdout == f"s3mpu {metadata.version('pytest-s3mpu')}\n"


def test_environment_variables_are_read_as_by_the_plugin(launcher: list[str]) -> None:
    """``PYTEST_S3MPU_MIN_PART_SIZE=1.5KiB`` sets the limit Complete enforces (EntityTooSmall names 1536,
    spec §5.1 step 9c), as under pytest; an option beats the environment (``PYTEST_S3MPU_PORT`` is never
    read when ``--port`` is given) (issue 19; issue 16 item 6)."""
    running = _start(
        launcher, env={"PYTEST_S3MPU_MIN_PART_SIZE": "1.5KiB", "PYTEST_S3MPU_PORT": "not-a-port"}
    )
    try:
        client = running.client()
        client.create_bucket(Bucket="cli-bucket")
        with pytest.raises(ClientError) as caught:
            _upload(client, [1535, 7])
        assert caught.value.response["Error"]["MinSizeAllowed"] == "1536"
        assert _upload(client, [1536, 7])["ETag"].endswith('-2"')
    finally:
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
    assert running.proc.stderr is not None
    assert running.proc.stderr.read() == ""  # no access log without --log-requests
    _stop(running)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "PYTEST_S3MPU_STORAGE",
            "disk",
            "s3mpu: error: invalid storage 'disk' from environment variable PYTEST_S3MPU_STORAGE: "
            "must be 'memory' or 'sizes'\n",
        ),
        (
            "PYTEST_S3MPU_MIN_PART_SIZE",
            "5 megs",
            "s3mpu: error: invalid min_part_size '5 megs' from environment variable "
            "PYTEST_S3MPU_MIN_PART_SIZE: not a byte count: '5 megs' (accepted: ",
        ),
    ],
)
def test_bad_environment_value_is_a_usage_error_naming_the_variable(
    variable: str, value: str, message: str
) -> None:
    """A bad ``PYTEST_S3MPU_*`` value stops the standalone server before serving (exit 2), naming the
    variable and the reason, exactly as the plugin does."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_S3MPU_")} | {variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=environ,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "serving on" not in result.stdout


def test_busy_port_is_one_line_naming_the_setting() -> None:
    """A port another socket holds: exit status 1 and one line naming host, port and where the port came
    from, no traceback (issue 12 item 5; Werkzeug alone would print and exit without naming the option)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "pytest_s3mpu", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"s3mpu: cannot serve S3 on 127.0.0.1:{port}: the port is already in use "
        "(host from default, port from option --port; --port 0 picks a free port)\n"
    )
    assert result.stdout == ""


ACCESS_LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<target>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d)ms$")


def test_log_requests_writes_one_line_per_request(launcher: list[str]) -> None:
    """``--log-requests`` writes one line per answered request to stderr: method, path and query as sent,
    status, milliseconds; S3 errors (404 NoSuchKey) included, and the control endpoint's requests too.
    Without the option nothing is logged (test_environment_variables_are_read_as_by_the_plugin)."""
    running = _start(launcher, "--log-requests")
    try:
        client = running.client()
        client.create_bucket(Bucket="cli-bucket")
        client.put_object(Bucket="cli-bucket", Key="dir/k 1", Body=b"x")
        with pytest.raises(ClientError):
            client.get_object(Bucket="cli-bucket", Key="missing")
        with urllib.request.urlopen(f"{running.endpoint_url}/_s3mpu/health", timeout=10) as answer:
            assert answer.status == 200
    finally:
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
    assert running.proc.stderr is not None
    lines = running.proc.stderr.read().splitlines()
    _stop(running)
    parsed = [ACCESS_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["method"], m["target"], m["status"]) for m in parsed if m] == [
        ("PUT", "/cli-bucket", "200"),
        ("PUT", "/cli-bucket/dir/k%201", "200"),
        ("GET", "/cli-bucket/missing", "404"),
        ("GET", "/_s3mpu/health", "200"),
    ]


def _stop(running: Running) -> None:
    if running.proc.poll() is None:
        running.proc.send_signal(signal.SIGTERM)
    assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
    for stream in (running.proc.stdout, running.proc.stderr):
        if stream is not None:
            stream.close()


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


def test_account_id_option_names_the_bucket_owner(launcher: list[str]) -> None:
    """``--account-id 000000000000`` (LocalStack's account): ExpectedBucketOwner naming it is answered,
    the default 123456789012 is another account, 403 AccessDenied, and an aws:kms object's managed key ARN
    carries it [LS-AWS: test_get_bucket_policy, test_s3_sse_default_kms_key, recorded 2026-02-21]."""
    running = _start(launcher, "--account-id", "000000000000")
    try:
        client = running.client()
        client.create_bucket(Bucket="cli-bucket")
        client.head_bucket(Bucket="cli-bucket", ExpectedBucketOwner="000000000000")
        with pytest.raises(ClientError) as caught:
            client.head_bucket(Bucket="cli-bucket", ExpectedBucketOwner="123456789012")
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        put = client.put_object(Bucket="cli-bucket", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
        assert put["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:key/")
    finally:
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
        for stream in (running.proc.stdout, running.proc.stderr):
            if stream is not None:
                stream.close()


def test_auth_sigv4_with_repeated_credentials(launcher: list[str]) -> None:
    """``--auth sigv4 --credentials AKID:SECRET`` (repeatable): each configured pair signs requests the
    server accepts; any other key is InvalidAccessKeyId (README "Authentication")."""
    running = _start(launcher, "--auth", "sigv4", "--credentials", "one:s1", "--credentials", "two:s2")
    try:

        def client(key: str, secret: str) -> Any:
            return boto3.session.Session().client(
                "s3",
                endpoint_url=running.endpoint_url,
                region_name="us-east-1",
                aws_access_key_id=key,
                aws_secret_access_key=secret,
                config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
            )

        client("one", "s1").create_bucket(Bucket="cli-bucket")
        client("two", "s2").put_object(Bucket="cli-bucket", Key="k", Body=b"d")
        with pytest.raises(ClientError) as caught:
            running.client().list_objects_v2(Bucket="cli-bucket")
        assert caught.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    finally:
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=EXIT_TIMEOUT) == 0
        for stream in (running.proc.stdout, running.proc.stderr):
            if stream is not None:
                stream.close()
