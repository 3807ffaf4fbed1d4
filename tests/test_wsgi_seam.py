"""The app is a plain WSGI application: it answers S3 under the standard library's wsgiref server, and
a fault that needs the connection says clearly that this server cannot carry it out (issue 16 item 1:
the server/app seam is WSGI plus one documented extension, ``harness.connection.Connection``)."""

from __future__ import annotations

import threading
import wsgiref.simple_server
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_s3mpu.app.application import S3App
from pytest_s3mpu.harness.connection import CONNECTION_KEY, Connection
from pytest_s3mpu.serving.handler import S3RequestHandler
from pytest_s3mpu.state.store import Store


class _QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet: test output stays clean."""


@pytest.fixture
def under_wsgiref() -> Iterator[tuple[S3App, object]]:
    """The S3 app served by wsgiref on 127.0.0.1, port 0, and a boto3 client for it (no retries)."""
    app = S3App(Store())
    server = wsgiref.simple_server.make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    try:
        yield app, client
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_app_answers_s3_under_wsgiref(under_wsgiref):
    """A multipart upload, a read (its body given as bytes, as PEP 3333 requires) and a fault that needs
    no connection (a stall) under wsgiref."""
    app, client = under_wsgiref
    client.create_bucket(Bucket="plain-wsgi")
    upload_id = client.create_multipart_upload(Bucket="plain-wsgi", Key="k")["UploadId"]
    app.faults.add(operation="UploadPart", action="stall_request", delay_s=0.05)
    etag = client.upload_part(Bucket="plain-wsgi", Key="k", UploadId=upload_id, PartNumber=1, Body=b"abc")[
        "ETag"
    ]
    client.complete_multipart_upload(
        Bucket="plain-wsgi",
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert client.get_object(Bucket="plain-wsgi", Key="k")["Body"].read() == b"abc"
    assert [e.operation for e in app.journal][-1] == "GetObject"


@pytest.mark.parametrize(
    "fault",
    [
        {"action": "reset"},
        {"action": "truncate", "apply": "after"},
        {"action": "cut_request", "after_bytes": 1},
    ],
    ids=lambda fault: fault["action"],
)
def test_a_fault_needing_the_connection_is_refused_clearly_under_wsgiref(under_wsgiref, fault):
    """wsgiref gives no ``s3mpu.connection``: the faulted request is answered 501 NotImplemented whose
    message names the action and the missing extension, nothing is applied, and it is no bug of ours."""
    app, client = under_wsgiref
    client.create_bucket(Bucket="plain-wsgi")
    rule = app.faults.add(operation="PutObject", **fault)

    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket="plain-wsgi", Key="k", Body=b"abc")

    error = refused.value.response["Error"]
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Code"] == "NotImplemented"
    assert fault["action"] in error["Message"] and CONNECTION_KEY in error["Message"]
    assert rule.hits == 1
    assert app.handler_errors == []
    assert (
        "k" not in app.store.list_objects_v2("plain-wsgi").keys
        if hasattr(app.store, "list_objects_v2")
        else True
    )
    with pytest.raises(ClientError):
        client.head_object(Bucket="plain-wsgi", Key="k")


def test_our_server_provides_the_connection_extension():
    """The handler's per-request object has the documented shape (a runtime-checked Protocol) and
    records a reset for the handler to carry out once the app returns."""
    from pytest_s3mpu.serving.handler import _RequestConnection

    handler = object.__new__(S3RequestHandler)
    connection = _RequestConnection(handler)
    assert isinstance(connection, Connection)
    assert not connection.was_reset
    connection.reset()
    assert connection.was_reset and handler.reset
