"""S3Server's lifecycle and the HTTP layer's own answers (issue 2, item 6; spec §1.2)."""

from __future__ import annotations

import http.client
import re
import socket
import time

import boto3
import pytest

from pytest_s3mpu import ServerBindError
from pytest_s3mpu.s3server import S3Server


def test_binds_loopback_on_a_free_port_and_stops_cleanly():
    """Port 0 picks a free port on 127.0.0.1; stop() releases it and is safe to repeat."""
    server = S3Server().start()
    port = server.port
    assert port > 0
    assert server.endpoint_url == f"http://127.0.0.1:{port}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/")
    assert connection.getresponse().status == 200
    connection.close()
    server.stop()
    server.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # the port is free again


def test_busy_port_raises_server_bind_error_naming_host_and_port():
    """start() on a port another socket holds raises ServerBindError naming host and port, with the OSError
    as its cause: not SystemExit from Werkzeug (issue 12 item 5). The server can start later elsewhere."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = S3Server(port=port)
        with pytest.raises(ServerBindError) as caught:
            server.start()
    error = caught.value
    assert str(error) == f"cannot serve S3 on 127.0.0.1:{port}: the port is already in use"
    assert (error.host, error.port) == ("127.0.0.1", port)
    assert isinstance(error.__cause__, OSError) and error.error is error.__cause__
    assert not isinstance(error, (OSError, SystemExit))
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.port


def test_unbindable_host_raises_server_bind_error_with_the_reason():
    """A host that is no local address (TEST-NET-1, RFC 5737) is ServerBindError with the system's reason;
    nothing is sent anywhere (bind only)."""
    with pytest.raises(ServerBindError, match=r"^cannot serve S3 on 192\.0\.2\.1:0: \S"):
        S3Server(host="192.0.2.1").start()


def test_stop_closes_idle_keep_alive_connections_promptly():
    """A client holding a keep-alive connection does not keep stop() waiting (bounded: 5 s)."""
    server = S3Server(idle_timeout=60).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", "/")
    connection.getresponse().read()
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 5
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        connection.request("GET", "/")
        connection.getresponse().read()


def test_requests_share_one_connection():
    """HTTP/1.1 keep-alive: successive answers on one connection, no ``Connection: close``."""
    with S3Server() as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        sockets = set()
        for _ in range(3):
            connection.request("GET", "/")
            response = connection.getresponse()
            response.read()
            assert response.getheader("Connection") is None
            sockets.add(id(connection.sock))
        assert len(sockets) == 1


def test_unparseable_request_is_s3_xml_with_both_ids():
    """Even a request the HTTP layer cannot parse is answered as S3: XML error, x-amz-request-id and
    x-amz-id-2 equal to the body's RequestId and HostId (spec §1.2)."""
    with S3Server() as server, socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        data = b""
        while b"</Error>" not in data:
            chunk = raw.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    request_id = re.search(rb"x-amz-request-id: (\S+)", head, re.I).group(1)
    host_id = re.search(rb"x-amz-id-2: (\S+)", head, re.I).group(1)
    assert b"<Code>BadRequest</Code>" in body
    assert b"<RequestId>" + request_id + b"</RequestId>" in body
    assert b"<HostId>" + host_id + b"</HostId>" in body
    assert b"<html" not in body.lower()


def test_handler_bug_is_internal_error_and_kept_for_the_test():
    """An exception that is not an S3Error answers 500 InternalError XML and is kept in
    handler_errors, which the plugin re-raises in the test that caused it."""
    with S3Server() as server:
        server.store.create_bucket("bkt")

        def broken(*args, **kwargs):
            raise RuntimeError("bug")

        server.store.list_buckets = broken  # type: ignore[method-assign]
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", "/")
        response = connection.getresponse()
        body = response.read()
        assert response.status == 500
        assert b"<Code>InternalError</Code>" in body
        assert [(e.operation, e.message) for e in server.handler_errors] == [("ListBuckets", "bug")]


def test_access_log_gets_one_line_per_answered_request():
    """``S3Server(access_log=...)`` is called once per request, after the answer is produced, with method,
    path and query as sent, status and milliseconds (the standalone server's --log-requests); the journal
    is unchanged and an HTTP-layer bug still reaches ``handler_errors`` through the logging layer."""
    lines: list[str] = []
    with S3Server(access_log=lines.append) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        for method, target in (
            ("PUT", "/logged"),
            ("GET", "/logged?list-type=2&prefix=a%20b"),
            ("HEAD", "/nope"),
        ):
            connection.request(method, target)
            connection.getresponse().read()
        connection.close()
        assert [entry.operation for entry in server.journal] == [
            "CreateBucket",
            "ListObjectsV2",
            "HeadBucket",
        ]
        assert server._httpd.bugs is server.app.bugs  # type: ignore[union-attr]
    assert [re.sub(r" \d+\.\dms$", " <ms>", line) for line in lines] == [
        "PUT /logged 200 <ms>",
        "GET /logged?list-type=2&prefix=a%20b 200 <ms>",
        "HEAD /nope 404 <ms>",
    ]


def test_raw_scheme_separator_in_the_path_is_part_of_the_key(s3mpu, s3mpu_client):
    """A request target that starts with '/' is origin-form (RFC 9112 §3.2), so a key sent with ':'
    unescaped, such as ``s3://other/key``, is stored under exactly that name (spec §1.1: the key is the
    raw path, decoded once); boto3, which escapes ':', then reads the same object back."""
    s3mpu.create_bucket("raw-colon")
    host, port = s3mpu.endpoint_url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("PUT", "/raw-colon/s3://other/key", body=b"raw", headers={"Content-Length": "3"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 200
    assert list(s3mpu.objects("raw-colon")) == ["s3://other/key"]
    assert s3mpu_client.get_object(Bucket="raw-colon", Key="s3://other/key")["Body"].read() == b"raw"


def test_object_ownership_argument_sets_new_buckets() -> None:
    """``S3Server(object_ownership=...)`` (what scripts/peer_suites passes): buckets created without
    x-amz-object-ownership get it; an unknown value is refused at construction."""
    with S3Server(object_ownership="ObjectWriter") as server:
        client = boto3.client(
            "s3",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="server-test",
            aws_secret_access_key="server-test",
        )
        client.create_bucket(Bucket="legacy", ACL="public-read")
        rules = client.get_bucket_ownership_controls(Bucket="legacy")["OwnershipControls"]["Rules"]
        assert rules == [{"ObjectOwnership": "ObjectWriter"}]
    with pytest.raises(ValueError, match="object_ownership must be one of"):
        S3Server(object_ownership="Everyone")
