"""The request body as the app reads it: framed exactly, ``100 Continue`` sent lazily, drained after.

Layer 6 (server), no S3 rule. ``RequestBody`` is the ``wsgi.input`` of one request: the first read
sends ``100 Continue`` if the client waits for it (so an early S3 error is answered before the client
sends a byte of the body); chunked bodies go through the bounded decoder. After the answer, what the app
left unread is drained (bounded), or the connection is closed, lingering so the client reads the answer.
"""

from __future__ import annotations

import contextlib
import io
import socket
import time
from typing import Any

from pytest_s3mpu.protocol import bodies
from pytest_s3mpu.serving.framing import BodyFraming

# At most this much unread body is drained after an answer to keep the connection; more closes it.
DRAIN_LIMIT = 1024 * 1024
# How long a connection closed with its request body unread keeps discarding what the client sends.
LINGER_SECONDS = 2.0
MAX_CHUNKED_BODY = 6 * 1024**3


class RequestBody:
    """One request's body over the connection's buffered reader.

    :param continue_pending: the client waits for ``100 Continue`` (sent on the first read).
    """

    def __init__(
        self, rfile: io.BufferedReader[Any], wfile: Any, framing: BodyFraming, continue_pending: bool
    ) -> None:
        self._wfile = wfile
        self.continue_pending = continue_pending
        self._chunked: bodies.ChunkedReader | None = None
        self._length: bodies.LengthReader | None = None
        if framing.chunked:
            self._chunked = bodies.ChunkedReader(rfile, limit=MAX_CHUNKED_BODY)
            self._stream: Any = self._chunked
        else:
            self._length = bodies.LengthReader(rfile, framing.declared_length)
            self._stream = self._length

    def _continue(self) -> None:
        if self.continue_pending:
            self.continue_pending = False
            self._wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._wfile.flush()

    def readinto(self, buffer: Any) -> int:
        self._continue()
        return int(self._stream.readinto(buffer) or 0)

    def read(self, size: int = -1) -> bytes:
        self._continue()
        if size is None or size < 0:
            chunks: list[bytes] = []
            while True:
                chunk = self.read(64 * 1024)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        buffer = bytearray(size)
        got = self.readinto(buffer)
        return bytes(buffer[:got])

    def readline(self, size: int = -1) -> bytes:
        self._continue()
        return bytes(self._stream.readline(size))

    def client_still_sending(self) -> bool:
        """The answer went out before the body it answers was read: the client may still be writing
        that body -- also when it asked for ``100 Continue``, since a client may stop waiting for it and
        send the body anyway (RFC 9110 §10.1.1; Go's net/http after ExpectContinueTimeout)."""
        if self._chunked is not None:
            return not self._chunked.finished  # how much is left is unknown until the last chunk
        return self._length is not None and self._length.remaining > 0

    def too_large_to_drain(self) -> bool:
        return self._length is not None and self._length.remaining > DRAIN_LIMIT

    def finished(self) -> bool:
        """Whether the body has been consumed, reading (bounded) what is left if need be."""
        if self.continue_pending:
            return False  # the client may still be waiting to send the body: only closing is safe
        scratch = bytearray(64 * 1024)
        drained = 0
        try:
            while drained <= DRAIN_LIMIT:
                got = self._stream.readinto(scratch)
                if not got:
                    return True
                drained += got
        except (OSError, bodies.FramingError):
            return False
        return False


def lingering_close(connection: socket.socket) -> None:
    """Half-close, then read and discard for a bounded time before closing (RFC 9112 §9.6): closing
    with unread body bytes sends a TCP reset, which can destroy the answer before the client reads
    it (Go's HTTP client, e.g. rclone, then reports "broken pipe" instead of NoSuchUpload)."""
    deadline = time.monotonic() + LINGER_SECONDS
    with contextlib.suppress(OSError, ValueError):
        connection.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            connection.settimeout(left)
            if not connection.recv(64 * 1024):
                break
