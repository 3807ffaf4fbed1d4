"""The floor: the least a server can do for each benchmark request, so the client's own cost shows.

A keep-alive HTTP/1.1 server on plain sockets (no header parsing beyond framing, no WSGI) that answers
canned S3 documents: CreateMultipartUpload, UploadPart (an ETag; ``100 Continue`` at once), ListParts pages
of up to 1000 parts over however many parts an upload received, CompleteMultipartUpload, Abort. Whatever a
workload costs against it is what boto3 alone costs: no S3 server can make that workload faster, so a
ratio target below this floor's own ratio cannot be met with boto3 as the client on that machine.

Run: ``python -m bench.null_server PORT``.
"""

from __future__ import annotations

import socketserver
import sys
import threading
import uuid
from urllib.parse import parse_qs

_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'
_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_PAGE = 1000


def list_parts_page(upload_id: str, total: int, marker: int) -> bytes:
    """A canned ListParts page: parts ``marker+1`` onwards (at most 1000) of an upload of ``total``."""
    last = min(total, marker + _PAGE)
    parts = "".join(
        f"<Part><PartNumber>{n}</PartNumber><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
        f"<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>1</Size></Part>"
        for n in range(marker + 1, last + 1)
    )
    truncated = "true" if last < total else "false"
    return (
        f"{_XML}<ListPartsResult><Bucket>bench</Bucket><Key>k</Key><UploadId>{upload_id}</UploadId>"
        f"<PartNumberMarker>{marker}</PartNumberMarker><NextPartNumberMarker>{last}</NextPartNumberMarker>"
        f"<MaxParts>{_PAGE}</MaxParts><IsTruncated>{truncated}</IsTruncated>{parts}</ListPartsResult>"
    ).encode()


class _State:
    """How many parts each upload received (its highest part number), and cached pages."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parts: dict[str, int] = {}
        self.pages: dict[tuple[str, int, int], bytes] = {}

    def page(self, upload_id: str, marker: int) -> bytes:
        with self.lock:
            total = self.parts.get(upload_id, _PAGE)  # an upload it never saw: one full page
            key = (upload_id, total, marker)
            if key not in self.pages:
                self.pages[key] = list_parts_page(upload_id, total, marker)
            return self.pages[key]


STATE = _State()


class NullHandler(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True  # answers go out as they are written, as pytest-s3mpu's do

    def handle(self) -> None:
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return
            method, target, _ = line.decode("latin-1").split(" ", 2)
            length, expect = 0, False
            while (header := self.rfile.readline(65537)) not in (b"\r\n", b"\n", b""):
                name, _, value = header.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "expect":
                    expect = True
            if expect:
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            while length:
                length -= len(self.rfile.read(min(length, 1 << 20)))
            status, body, etag = self._answer(method, target)
            head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n"
            if etag:
                head += f"ETag: {_ETAG}\r\n"
            self.wfile.write(head.encode() + b"\r\n" + body)

    def _answer(self, method: str, target: str) -> tuple[str, bytes, bool]:
        query_text = target.partition("?")[2]
        query = parse_qs(query_text, keep_blank_values=True)
        upload_id = query.get("uploadId", [""])[0]
        if method == "POST" and "uploads" in query:
            new_id = uuid.uuid4().hex
            body = f"{_XML}<InitiateMultipartUploadResult><Bucket>bench</Bucket><Key>k</Key>"
            body += f"<UploadId>{new_id}</UploadId></InitiateMultipartUploadResult>"
            return "200 OK", body.encode(), False
        if method == "PUT" and upload_id:
            number = int(query.get("partNumber", ["1"])[0])
            with STATE.lock:
                STATE.parts[upload_id] = max(number, STATE.parts.get(upload_id, 0))
            return "200 OK", b"", True
        if method == "GET" and upload_id:
            marker = int(query.get("part-number-marker", ["0"])[0])
            return "200 OK", STATE.page(upload_id, marker), False
        if method == "POST" and upload_id:
            body = f"{_XML}<CompleteMultipartUploadResult><Bucket>bench</Bucket><Key>k</Key>"
            body += '<ETag>"3858f62230ac3c915f300c664312c11f-1"</ETag></CompleteMultipartUploadResult>'
            return "200 OK", body.encode(), False
        if method == "DELETE":
            return "204 No Content", b"", False
        return "200 OK", b"", method == "PUT"


class NullServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main() -> None:
    port = int(sys.argv[1])
    with NullServer(("127.0.0.1", port), NullHandler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
