"""Reference servers for the benchmark: the fastest a Werkzeug app can be, to measure against.

- ``discard``: speaks just enough S3 for boto3's ``upload_fileobj`` and throws every body away; it
  answers ListParts with a canned page of N parts and Abort with 204, so it also measures what the
  smallest Werkzeug app costs per request (what boto3 alone costs is ``bench/null_server.py``'s floor).
- ``hashing``: the discard app, plus the per-byte work S3's rules ask of any faithful in-memory server's
  UploadPart and PutObject: MD5 of the body (the ETag), SHA-256 when ``x-amz-content-sha256`` carries a
  digest (S3 checks it), each checksum an ``x-amz-checksum-*`` header names (S3 checks those too), and
  keeping the bytes (until their key is deleted: new memory the kernel must hand over zeroed, which costs
  about as much as SHA-256). Its speed is the most a faithful server can take from boto3 on the same
  cores, so the benchmark uses it to tell a goal this work puts out of reach from one the server misses.
- ``memory``: serves one in-memory blob (for any key) with HEAD and ranged GET, for ``download_fileobj``.

Both run on Werkzeug's own threaded development server, as a minimal Werkzeug app would.
Run: ``python -m bench.reference_apps discard|hashing PORT LIST_PARTS_COUNT`` or ``memory PORT SIZE_BYTES``.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
import uuid
from collections.abc import Iterable
from typing import Any

from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

from bench.null_server import list_parts_page
from pytest_s3mpu.protocol import wire
from pytest_s3mpu.state.checksums import Algorithm, new_hasher

_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


LIST_PARTS = list_parts_page("u", 20, 0)


def _hashers(environ: dict[str, Any]) -> list[Any]:
    """What a faithful server must compute of this body: MD5, SHA-256 when the client sent its digest,
    and every checksum the client claims in a header."""
    hashers: list[Any] = [hashlib.md5()]
    sha256 = str(environ.get("HTTP_X_AMZ_CONTENT_SHA256", ""))
    if len(sha256) == 64:
        hashers.append(hashlib.sha256())
    # aws-chunked bodies (https) name their checksum in x-amz-trailer; hashed as framed, the same cost
    trailer = {name.strip() for name in str(environ.get("HTTP_X_AMZ_TRAILER", "")).lower().split(",")}
    for algorithm in Algorithm:
        header = wire.checksum_header(algorithm)
        if "HTTP_" + header.upper().replace("-", "_") in environ or header in trailer:
            hashers.append(new_hasher(algorithm))  # the same hashlib, zlib and awscrt calls S3 needs
    return hashers


HASHING = False  # set by main(): the ``hashing`` app is the discard app with this on
KEPT: dict[str, list[bytearray]] = {}  # the hashing app's bodies by path, until the path is deleted
KEPT_LOCK = threading.Lock()


def _keep(stream: Any, length: int, hashers: list[Any]) -> bytearray:
    """Receive a body into one buffer of its length, hashing each piece as it arrives."""
    body = bytearray(length)
    offset = 0
    with memoryview(body) as view:
        while offset < length:
            got = stream.readinto(view[offset : offset + (1 << 20)])
            if not got:
                break
            for hasher in hashers:
                hasher.update(view[offset : offset + got])
            offset += got
    return body


def discard_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    request = Request(environ)
    stream = request.stream
    etag = "d41d8cd98f00b204e9800998ecf8427e"
    if HASHING and request.method == "PUT":
        hashers = _hashers(environ)
        kept = _keep(stream, request.content_length or 0, hashers)
        etag = hashers[0].hexdigest()
        with KEPT_LOCK:
            KEPT.setdefault(request.path, []).append(kept)
    while stream.read(1 << 20):
        pass
    if HASHING and request.method == "DELETE":
        with KEPT_LOCK:
            KEPT.pop(request.path, None)
    query = request.args
    if request.method == "POST" and "uploads" in query:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult>'
            f"<Bucket>b</Bucket><Key>k</Key><UploadId>{uuid.uuid4().hex}</UploadId>"
            "</InitiateMultipartUploadResult>"
        )
        return Response(body, content_type="application/xml")(environ, start_response)
    if request.method == "POST" and "uploadId" in query:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult>'
            '<Bucket>b</Bucket><Key>k</Key><ETag>"0-1"</ETag></CompleteMultipartUploadResult>'
        )
        return Response(body, content_type="application/xml")(environ, start_response)
    if request.method == "GET" and "uploadId" in query:
        return Response(LIST_PARTS, content_type="application/xml")(environ, start_response)
    if request.method == "DELETE":
        return Response(b"", status=204)(environ, start_response)
    response = Response(b"")
    response.headers["ETag"] = f'"{etag}"'
    return response(environ, start_response)


def memory_app_factory(size: int) -> Any:
    blob = os.urandom(size)

    def memory_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        headers = {"ETag": '"0123456789abcdef0123456789abcdef"', "Accept-Ranges": "bytes"}
        match = _RANGE.match(request.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
            end = min(int(match.group(2)) + 1 if match.group(2) else size, size)
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
            data = memoryview(blob)[start:end]
            status = 206
        else:
            data = memoryview(blob)
            status = 200
        headers["Content-Length"] = str(len(data))
        start_response(f"{status} OK", list(headers.items()))
        return [] if request.method == "HEAD" else [bytes(data)]

    return memory_app


def main() -> None:
    global LIST_PARTS, HASHING
    kind, port, number = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if kind in ("discard", "hashing"):
        LIST_PARTS = list_parts_page("u", number, 0)
        HASHING = kind == "hashing"
    app = discard_app if kind in ("discard", "hashing") else memory_app_factory(number)
    run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main()
