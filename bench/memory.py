"""What a long-running server keeps per request and per key: ``python -m bench.memory``.

Issue 15 items 1, 2 and 8, measured with tracemalloc through the real server (in this process, on
127.0.0.1): the journal per request with 60 KB keys and a 60 KB ``amz-sdk-invocation-id``, the bugs kept
per 500 answered with a 4 MiB body, and the bookkeeping left per unique key written then deleted (by
PutObject, and by a completed multipart upload). Figures go to the report and the README, never to
assertions. Every loop is bounded by its count.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

from pytest_s3mpu.s3server import S3Server

BUCKET = "memory"


def _request(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes = b"", **headers: str
) -> bytes:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.read()


def _kept(server: S3Server, count: int, one: Callable[[http.client.HTTPConnection, int], None]) -> float:
    """Bytes still held per iteration after ``count`` calls of ``one`` (after a full collection)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    one(conn, -1)  # warm up: first-use allocations are not per request
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        one(conn, i)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    conn.close()
    return (after - before) / count


def journal_per_request(count: int) -> float:
    key = "k" * 60_000
    invocation = "i" * 60_000
    with S3Server(journal_limit=100_000) as server:
        server.store.create_bucket(BUCKET)
        return _kept(
            server,
            count,
            lambda c, i: (
                _request(c, "GET", f"/{BUCKET}/{i}{key}", **{"amz-sdk-invocation-id": invocation}) and None
            ),
        )


def bugs_per_500(count: int) -> float:
    body = b"x" * (4 * 1024 * 1024)
    with S3Server(journal_limit=1) as server:  # the journal's share is the first figure
        server.store.create_bucket(BUCKET)

        def broken(*args: Any, **kwargs: Any) -> None:
            held = bytes(args[2].data)  # a frame holding the request's body, as handlers' frames do
            raise RuntimeError(f"a bug while holding {len(held)} bytes")

        server.store.put_object = broken  # type: ignore[method-assign]
        return _kept(server, count, lambda c, i: _request(c, "PUT", f"/{BUCKET}/k{i}", body) and None)


def put_delete_per_key(count: int) -> float:
    with S3Server(journal_limit=1) as server:
        server.store.create_bucket(BUCKET)

        def churn(c: http.client.HTTPConnection, i: int) -> None:
            _request(c, "PUT", f"/{BUCKET}/put-{i}-{'p' * 40}", b"x")
            _request(c, "DELETE", f"/{BUCKET}/put-{i}-{'p' * 40}")

        return _kept(server, count, churn)


def multipart_delete_per_key(count: int) -> float:
    with S3Server(min_part_size=1, journal_limit=1) as server:
        server.store.create_bucket(BUCKET)

        def churn(c: http.client.HTTPConnection, i: int) -> None:
            path = f"/{BUCKET}/mpu-{i}-{'m' * 40}"
            created = _request(c, "POST", f"{path}?uploads").decode()
            upload_id = created.split("<UploadId>")[1].split("</UploadId>")[0]
            _request(c, "PUT", f"{path}?partNumber=1&uploadId={upload_id}", b"x")
            done = (
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                '<ETag>"9dd4e461268c8034f5c8564e155c67a6"</ETag></Part></CompleteMultipartUpload>'
            )
            _request(c, "POST", f"{path}?uploadId={upload_id}", done.encode())
            _request(c, "DELETE", path)

        return _kept(server, count, churn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count by this")
    args = parser.parse_args(argv)

    def n(count: int) -> int:
        return max(2, int(count * args.scale))

    results = {
        "journal bytes kept per request (60 KB key + 60 KB invocation id)": journal_per_request(n(1500)),
        "bug bytes kept per 500 with a 4 MiB body": bugs_per_500(n(50)),
        "bytes kept per unique key put then deleted": put_delete_per_key(n(5000)),
        "bytes kept per unique key multipart-completed then deleted": multipart_delete_per_key(n(2000)),
    }
    print(json.dumps({name: round(value) for name, value in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
