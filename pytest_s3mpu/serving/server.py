"""The threaded HTTP server on 127.0.0.1: Werkzeug's server with a request handler fit for S3.

Layer 6 (server). Werkzeug's development handler closes every connection, answers malformed requests
with HTML, sends ``100 Continue`` before the app has looked at a request, and trusts chunk sizes. This
handler keeps HTTP/1.1 connections alive (bodies are framed exactly, and drained or the connection
closed), sends ``100 Continue`` only when the app starts reading the body (so an early S3 error is
answered before the client sends a byte of it), reads chunked bodies with the bounded decoder, reads
request heads strictly with ``http_head`` (and builds the WSGI environ itself), and answers anything it
cannot parse with S3 error XML.

Each connection costs a thread, so what one client can hold is bounded (issue 15): a request head must
arrive whole within ``head_timeout`` and is at most ``max_head_size`` bytes of fields; at most
``max_connections`` connections are served at once, each thread on a small stack. At the limit, the
oldest connection idling between requests is closed to make room (as nginx reuses idle keep-alive
connections); with none idle, the new connection is answered 503 SlowDown, S3's answer to resource
over-consumption (AWS, "Amazon S3 error best practices").
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import io
import socket
import ssl
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

from pytest_s3mpu.app.application import (
    DROP_KEY,
    HEADERS_KEY,
    S3App,
    host_id_for,
    http_date,
    new_request_id,
    status_line,
)
from pytest_s3mpu.harness.bugs import HandlerError, HandlerErrors
from pytest_s3mpu.harness.faults import FaultInjector
from pytest_s3mpu.harness.journal import DEFAULT_MAX_BYTES as DEFAULT_JOURNAL_MAX_BYTES
from pytest_s3mpu.harness.journal import Journal
from pytest_s3mpu.protocol import bodies, wire, xmldoc
from pytest_s3mpu.serving import request_head as http_head
from pytest_s3mpu.serving.access_log import AccessLog
from pytest_s3mpu.state import access, errors
from pytest_s3mpu.state.clock import Clock
from pytest_s3mpu.state.model import Limits
from pytest_s3mpu.state.store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

DRAIN_LIMIT = 1024 * 1024
# How long a connection closed with its request body unread keeps discarding what the client sends.
LINGER_SECONDS = 2.0
MAX_CHUNKED_BODY = 6 * 1024**3
DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_HEAD_TIMEOUT = 20.0
# Connection threads' stack (the platform's default, 8 MiB on Linux, is address space that held connections
# used up: issue 15). Measured on CPython 3.11 at the default recursion limit of 1000: recursion through
# json, expat, repr, deepcopy and class construction ends in RecursionError, not a crash, from 512 KiB on;
# bodies nested 100,000 deep are answered (tests/test_connections_e2e.py). Only recursion through a C call
# taking a Python callback per level (sorted(key=...) calling itself) needs more than 2 MiB; this package
# has none.
WORKER_STACK_SIZE = 1024 * 1024
# At the connection limit: how long accepting waits for a reclaimed idle connection's thread to end.
RECLAIM_WAIT = 0.5
# Refused connections kept half-closed (reading and discarding) so the client reads the 503, not a reset.
REFUSED_LINGER_SECONDS = 1.0
MAX_REFUSED_LINGERING = 256
_stack_size_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class ConnectionLimits:
    """What one connection may hold, and how many the server serves at once.

    :param head_timeout: seconds from a request's first byte until its whole head must have arrived.
    :param max_head_size: bytes of header fields a request may send (S3: 8192).
    :param max_connections: connections served at once; more wait for an idle one to be closed, or
        are answered 503 SlowDown.
    """

    head_timeout: float = DEFAULT_HEAD_TIMEOUT
    max_head_size: int = http_head.MAX_HEAD_SIZE
    max_connections: int = DEFAULT_MAX_CONNECTIONS


class _DeadlineSocketIO(io.RawIOBase):
    """The connection's raw reads; while ``deadline`` is set, each read also waits only until then, so a
    head dribbled a byte at a time ends at the deadline instead of restarting the idle timeout at every
    byte. The buffered reader above it serves lines already received without reading the socket."""

    def __init__(self, sock: socket.socket, idle_timeout: float) -> None:
        super().__init__()
        self._sock = sock
        self._idle_timeout = idle_timeout
        self.deadline: float | None = None
        self._shortened = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("request head deadline")
            self._sock.settimeout(min(left, self._idle_timeout))  # a silent client: the idle timeout
            self._shortened = True
        return self._sock.recv_into(buffer)

    def end_deadline(self) -> None:
        """Back to the idle timeout, for the body and for writing the answer (a head that was already
        buffered, the usual case, changed nothing)."""
        self.deadline = None
        if self._shortened:
            self._shortened = False
            self._sock.settimeout(self._idle_timeout)


class _ContinueOnRead:
    """Wraps a body stream: the first read sends ``100 Continue`` if the client asked to wait for it."""

    def __init__(self, handler: S3RequestHandler, stream: Any) -> None:
        self._handler = handler
        self._stream = stream

    def _continue(self) -> None:
        if self._handler.continue_pending:
            self._handler.continue_pending = False
            self._handler.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._handler.wfile.flush()

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


class S3RequestHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive, lazy 100-continue, bounded bodies and S3 XML for protocol errors."""

    protocol_version = "HTTP/1.1"
    server: S3HTTPServer
    continue_pending = False

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # type: ignore[misc]
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.server.idle_timeout)
            self.request.do_handshake()
        super().setup()
        self.rfile.close()  # socketserver's reader, unread: replaced by one that knows the head's deadline
        self._raw = _DeadlineSocketIO(self.connection, self.server.idle_timeout)
        self._buffered = io.BufferedReader(self._raw)
        self.rfile = self._buffered
        # Answers are written as they are ready; Nagle plus delayed ACK would add 40 ms to each one.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, add=True)

    def handle_one_request(self) -> None:
        """http.server's, with the head's deadline: the connection idles (and may be reclaimed) until a
        request's first byte, then the request line and fields must arrive within ``head_timeout``;
        a late head is answered 400 RequestTimeout and the connection closed."""
        self.server.mark_idle(self.connection, idle=True)
        try:
            started = self._buffered.peek(1)
        except (TimeoutError, OSError, ValueError):
            started = b""
        finally:
            self.server.mark_idle(self.connection, idle=False)
        if not started:
            self.close_connection = True
            return
        self._raw.deadline = time.monotonic() + self.server.limits.head_timeout
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = self.command = ""
                self._raw.end_deadline()
                self.send_error(414)
                return
            parsed = self.parse_request()
        except TimeoutError:
            self._raw.end_deadline()
            self.send_s3_error(errors.RequestTimeout())
            return
        self._raw.end_deadline()
        if not parsed:
            return
        try:
            self.run_wsgi()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True

    def parse_request(self) -> bool:
        """The request line as http.server checks it, refusing HTTP/0.9 (S3 answers only with a status
        line and headers), then the header fields read by ``http_head`` instead of the email package."""
        self.command = None  # type: ignore[assignment]
        self.request_version = "HTTP/0.9"
        self.close_connection = True
        self.continue_pending = False
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if not words:
            return False
        try:
            if len(words) != 3:  # HTTP/0.9 (two words) has no headers to wait for
                raise http_head.HeadError(400)
            if http_head.parse_version(words[2]) >= (1, 1):
                self.close_connection = False
            self.request_version = words[2]
            self.command, self.path = words[0], words[1]  # the target exactly as sent, never folded
            fields = http_head.read_fields(self.rfile.readline, self.server.limits.max_head_size)
        except http_head.HeadError as error:
            self.request_version = "HTTP/1.1"
            self._raw.end_deadline()
            self.send_error(error.status)
            return False
        self.headers = fields  # type: ignore[assignment]
        connection = (fields.get("Connection") or "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if (fields.get("Expect") or "").lower() == "100-continue" and self.request_version >= "HTTP/1.1":
            self.continue_pending = True  # sent when the app starts reading the body (_ContinueOnRead)
        return True

    def finish(self) -> None:
        try:
            super().finish()
            if self.close_connection and self._client_still_sending():
                self._lingering_close()
        finally:
            self.server.track(self.connection, add=False)

    def _client_still_sending(self) -> bool:
        """The answer went out before the body it answers was read: the client may still be writing
        that body -- also when it asked for ``100 Continue``, since a client may stop waiting for it and
        send the body anyway (RFC 9110 §10.1.1; Go's net/http after ExpectContinueTimeout)."""
        stream = getattr(self, "body_stream", None)
        if isinstance(stream, _HttpChunked):
            return not stream.finished  # chunked: how much is left is unknown until the last chunk
        return isinstance(stream, bodies.LengthReader) and stream.remaining > 0

    def _lingering_close(self) -> None:
        """Half-close, then read and discard for a bounded time before closing (RFC 9112 §9.6): closing
        with unread body bytes sends a TCP reset, which can destroy the answer before the client reads
        it (Go's HTTP client, e.g. rclone, then reports "broken pipe" instead of NoSuchUpload)."""
        deadline = time.monotonic() + LINGER_SECONDS
        with contextlib.suppress(OSError, ValueError):
            self.connection.shutdown(socket.SHUT_WR)
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(64 * 1024):
                    break

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: the journal records requests; stderr stays clean in test output."""

    def log_error(self, format: str, *args: Any) -> None:
        """Quiet, as above."""

    def send_header(self, keyword: str, value: str) -> None:
        """http.server's, but CR and LF never split a header, and a value that is not Latin-1 goes out
        as its UTF-8 bytes instead of raising mid-answer (issue: hostile input)."""
        super().send_header(keyword, _header_text(value))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level failures as S3 error XML, never HTML, never a 5xx (issue: hostile input)."""
        error: errors.S3Error
        if code == 414:
            error = errors.InvalidURI("")
        elif code == 431:
            error = errors.RequestHeaderSectionTooLarge(self.server.limits.max_head_size)
        elif code == 501:
            error = errors.NotImplementedByS3()
        else:
            error = errors.BadRequest()
        self.send_s3_error(error)

    def send_s3_error(self, error: errors.S3Error) -> None:
        """Answer ``error`` as S3 error XML and close the connection (the request could not be framed)."""
        request_id = new_request_id()
        host_id = host_id_for(request_id)
        body = xmldoc.render_error(error, request_id, host_id)
        self.close_connection = True
        if getattr(self, "request_version", "HTTP/0.9") in ("HTTP/0.9", ""):
            self.request_version = "HTTP/1.1"  # else http.server would omit the status line
        try:
            self.send_response(error.status)
            self.send_header("Content-Type", wire.XML_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.send_header(wire.REQUEST_ID, request_id)
            self.send_header(wire.HOST_ID, host_id)
            self.send_header("Connection", "close")
            self.end_headers()
            if getattr(self, "command", None) != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def version_string(self) -> str:
        return "AmazonS3"

    def make_environ(self) -> WSGIEnvironment:
        """The WSGI environ, built as Werkzeug's is, from the target exactly as sent: S3 keys may start
        with "/", so a leading "//" is never folded and the path never slash-merged."""
        target = self.path
        path, _, query = target.partition("?")
        if not path.startswith("/"):  # absolute-form (RFC 9112 §3.2.2): the path after scheme://host
            path = urlsplit(target).path
        server_name, server_port = self.server.server_address[:2]
        environ: WSGIEnvironment = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http" if self.server.ssl_context is None else "https",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path.partition("#")[0]).decode("latin-1"),
            "QUERY_STRING": query,
            "REQUEST_URI": target,
            "RAW_URI": target,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "SERVER_NAME": str(server_name),
            "SERVER_PORT": str(server_port),
            "SERVER_PROTOCOL": self.request_version,
        }
        fields: http_head.Fields = self.headers  # type: ignore[assignment]
        declared_lengths: list[str] = []
        # The same fields by lower-case name, as the app's RequestHeaders would rebuild them from the
        # environ (HEADERS_KEY): repeated fields joined, Content-Type and Content-Length only when not empty.
        by_name: dict[str, str] = {}
        for name, value in fields:
            if "_" in name:
                continue  # as Werkzeug: "X_Forwarded" must not pose as "X-Forwarded"
            key = name.upper().replace("-", "_")
            if key == "CONTENT_LENGTH":
                declared_lengths.append(value)
            elif key != "CONTENT_TYPE":
                key = "HTTP_" + key
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
            by_name[name.lower()] = value
        if not environ.get("CONTENT_TYPE"):
            by_name.pop("content-type", None)
        stream: Any
        declared = str(environ.get("HTTP_TRANSFER_ENCODING", ""))
        codings = [c.strip().lower() for c in declared.split(",") if c.strip()]
        if codings and codings != ["chunked"]:
            # RFC 9112 §6.1: a transfer coding the server does not know leaves the body unframed; S3
            # answers 501 NotImplemented naming the header (research basic_ops: NotImplemented).
            raise errors.NotImplementedByS3(Header="Transfer-Encoding")
        lengths = {v.strip() for item in declared_lengths for v in item.split(",")}
        if len(lengths) > 1:
            raise errors.BadRequest()  # RFC 9112 §6.3: differing Content-Length values cannot be framed
        if codings:
            raw = bodies.ChunkedReader(self.rfile, limit=MAX_CHUNKED_BODY)
            stream = _HttpChunked(raw)
            environ["wsgi.input_terminated"] = True
            environ.pop("CONTENT_LENGTH", None)
        else:
            length = bodies.parse_content_length(lengths.pop() if lengths else None)
            if length is not None:
                environ["CONTENT_LENGTH"] = str(length)
            stream = bodies.LengthReader(self.rfile, length or 0)
        self.body_stream = stream
        environ["wsgi.input"] = _ContinueOnRead(self, stream)
        if environ.get("CONTENT_LENGTH"):
            by_name["content-length"] = environ["CONTENT_LENGTH"]  # as framed: its place, its value
        else:
            by_name.pop("content-length", None)
        environ[HEADERS_KEY] = by_name
        return environ

    def _body_too_large_to_drain(self) -> bool:
        stream = self.body_stream
        return isinstance(stream, bodies.LengthReader) and stream.remaining > DRAIN_LIMIT

    def _body_finished(self) -> bool:
        """Whether the request body has been consumed, reading (bounded) what is left if need be."""
        if self.continue_pending:
            return False  # the client may still be waiting to send the body: only closing is safe
        stream = self.body_stream
        scratch = bytearray(64 * 1024)
        drained = 0
        try:
            while drained <= DRAIN_LIMIT:
                got = stream.readinto(scratch)
                if not got:
                    return True
                drained += got
        except (OSError, bodies.FramingError):
            return False
        return False

    def run_wsgi(self) -> None:
        self.continue_pending = self.continue_pending and self.request_version >= "HTTP/1.1"
        try:
            environ = self.environ = self.make_environ()
        except errors.S3Error as error:
            self.send_s3_error(error)
            return
        state: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            state["status"], state["headers"] = status, headers
            return lambda data: None

        try:
            app_iter: Iterable[Any] = self.server.app(environ, start_response)
        except Exception:  # the app answers its own errors; this is a last line of defence
            self.close_connection = True
            return
        close = getattr(app_iter, "close", None)
        finish = close if close is not None else (lambda: None)
        try:
            self._send(environ, state["status"], state["headers"], app_iter, finish)
        except (TimeoutError, ConnectionError, ssl.SSLError, OSError):
            self.close_connection = True
        finally:
            finish()  # idempotent: the app's iterator records its journal entry once

    def _send(
        self,
        environ: WSGIEnvironment,
        status: str,
        headers: list[tuple[str, str]],
        body: Iterable[Any],
        finish: Callable[[], None],
    ) -> None:
        """Write the answer. The head (for an empty body) or the last piece of the body is held back
        until ``finish`` (the app's ``close``, which writes the journal entry) has run, so a client
        that has the whole answer finds its request in the journal."""
        drop = environ.get(DROP_KEY)
        if drop == "reset":
            # A fault: drop the connection before any byte of the response (RST, not FIN).
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if self.continue_pending or self._body_too_large_to_drain():
            self.close_connection = True
        if drop == "truncate":  # the app cut the body short; closing tells the client it ended early
            self.close_connection = True
        code = int(status.partition(" ")[0])
        # The head is written here, not through send_header (a third of the cost of a small request's
        # answer); the app already sent Date and Server.
        lines = [f"{self.protocol_version} {status}\r\n"]
        lines.extend(f"{name}: {_header_text(value)}\r\n" for name, value in headers)
        if self.close_connection:
            lines.append("Connection: close\r\n")
        chunked = (
            environ["REQUEST_METHOD"] != "HEAD"
            and code not in (204, 304)
            and all(name.lower() != "content-length" for name, _ in headers)
        )
        if chunked:
            lines.append("Transfer-Encoding: chunked\r\n")
        lines.append("\r\n")
        head: bytes | None = "".join(lines).encode("latin-1")  # sent with the body's first piece
        held: Any = None
        for data in body:
            if not data:
                continue
            if held is not None:
                self._write_piece(head, held, chunked)
                head = None
            held = data
        finish()
        if held is not None:
            self._write_piece(head, held, chunked)
            head = None
        tail = b"0\r\n\r\n" if chunked else b""
        if head is not None or tail:
            self.wfile.write((head or b"") + tail)
        self.wfile.flush()
        # The rest of the body is drained after the answer, so an early error (EntityTooLarge, NoSuchUpload)
        # never waits on a body the client may not send; a body that cannot be drained closes the connection.
        if not self.close_connection and not self._body_finished():
            self.close_connection = True

    def _write_piece(self, head: bytes | None, data: Any, chunked: bool) -> None:
        """Write one piece of the body, with the head before the first; small pieces go out in one
        write (one packet), large ones without being copied."""
        prefix = (head or b"") + (f"{len(data):x}\r\n".encode() if chunked else b"")
        suffix = b"\r\n" if chunked else b""
        if len(data) <= 64 * 1024:
            self.wfile.write(prefix + bytes(data) + suffix)
        else:
            if prefix:
                self.wfile.write(prefix)
            self.wfile.write(data)
            if suffix:
                self.wfile.write(suffix)


def _header_text(value: object) -> str:
    """A header value that cannot break the head: CR and LF dropped, and text that is not Latin-1 sent
    as its UTF-8 bytes (issue: hostile input)."""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to drop, nothing to encode
    text = text.replace("\r", "").replace("\n", "")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("latin-1")
    return text


class _HttpChunked:
    """HTTP chunked transfer coding as a readinto-able body, over a line-buffered socket file."""

    def __init__(self, decoder: bodies.ChunkedReader) -> None:
        self._decoder = decoder

    def readinto(self, buffer: Any) -> int:
        return self._decoder.readinto(buffer)

    @property
    def finished(self) -> bool:
        return self._decoder.finished


class ServerBindError(RuntimeError):
    """The server could not bind or listen on its address (the port is taken, the host is not local).

    Not an ``OSError``, and never ``SystemExit`` (Werkzeug's reaction): the caller, such as the pytest
    plugin, says which setting to change. The ``OSError`` is kept as ``__cause__`` and ``error``.
    """

    def __init__(self, host: str, port: int, error: OSError) -> None:
        self.host = host
        self.port = port
        self.error = error
        if error.errno == errno.EADDRINUSE:
            reason = "the port is already in use"
        else:
            reason = f"{error.strerror or error}"
        super().__init__(f"cannot serve S3 on {host}:{port}: {reason}")


class S3HTTPServer(BaseWSGIServer):
    """Werkzeug's threaded server, tracking connections so ``stop()`` can close idle keep-alives, and
    serving at most ``limits.max_connections`` of them at once."""

    multithread = True
    idle_timeout: float = 60.0
    limits: ConnectionLimits = ConnectionLimits()

    def server_bind(self) -> None:
        try:
            super().server_bind()
        except OSError as exc:  # Werkzeug would print it and call sys.exit(1)
            raise ServerBindError(self.host, self.port, exc) from exc

    def server_activate(self) -> None:
        try:
            super().server_activate()
        except OSError as exc:
            raise ServerBindError(self.host, self.port, exc) from exc

    def __init__(self, *args: Any, ssl_context: ssl.SSLContext | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ssl_context is not None:
            # Handshake in the connection's own thread (see S3RequestHandler.setup), not in accept():
            # a client that connects and never speaks TLS must not stall everyone else.
            self.socket = ssl_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )
            self.ssl_context = ssl_context
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._slots = threading.Condition(self._connections_lock)
        self._active = 0  # connections with a thread, counted from accept to close
        self._idle: dict[socket.socket, None] = {}  # waiting for a request, oldest first
        self._refused: list[tuple[float, socket.socket]] = []

    def _clock(self) -> Clock:
        """The served store's clock (a real-time one for an app without a store)."""
        store = getattr(self.app, "store", None)
        return store.clock if isinstance(store, Store) else Clock()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread of its own (small stack) if a slot is free, else refuse it."""
        if not self._claim_slot():
            self._refuse(request)
            return
        thread = threading.Thread(
            target=self._serve_one, args=(request, client_address), daemon=True, name="s3mpu-conn"
        )
        try:
            with _stack_size_lock:  # threading.stack_size is process-wide: set only around this start
                previous = threading.stack_size(WORKER_STACK_SIZE)
                try:
                    thread.start()
                finally:
                    threading.stack_size(previous)
        except RuntimeError:  # no thread to be had: answer rather than drop the client unanswered
            self._release_slot()
            self._refuse(request)

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except OSError:
            pass  # the client went away, timed out, or failed its TLS handshake
        except Exception as exc:  # a bug of ours in the HTTP layer: keep it for the test to see
            bugs = getattr(self.app, "bugs", None)
            if isinstance(bugs, HandlerErrors):
                bugs.record(exc)
        finally:
            self.shutdown_request(request)
            self._release_slot()

    def _claim_slot(self) -> bool:
        """A slot for a new connection: a free one, or the one of the oldest connection idling between
        requests (closed now; its client may retry, RFC 9112 §9.3.1), waited for briefly."""
        with self._slots:
            if self._active < self.limits.max_connections:
                self._active += 1
                return True
            oldest = next(iter(self._idle), None)
            if oldest is None:
                return False
            del self._idle[oldest]
            with contextlib.suppress(OSError):
                oldest.shutdown(socket.SHUT_RDWR)  # its thread sees the end of the stream and ends
            if not self._slots.wait_for(lambda: self._active < self.limits.max_connections, RECLAIM_WAIT):
                return False
            self._active += 1
            return True

    def _release_slot(self) -> None:
        with self._slots:
            self._active -= 1
            self._slots.notify()

    def mark_idle(self, connection: socket.socket, idle: bool) -> None:
        """Whether ``connection`` is waiting for its next request (and may be reclaimed at the limit)."""
        with self._connections_lock:
            if idle:
                self._idle[connection] = None
            else:
                self._idle.pop(connection, None)

    def _refuse(self, sock: socket.socket) -> None:
        """Answer 503 SlowDown from the accepting thread without blocking it, then half-close and keep
        discarding what the client sends for a moment (``service_actions``), so the client reads the
        answer instead of a connection reset. A TLS connection is closed: answering needs a handshake."""
        if self.ssl_context is not None:
            self.shutdown_request(sock)
            return
        try:
            sock.setblocking(False)
            _discard_available(sock)
            sock.send(_error_answer(errors.SlowDown(), self._clock()))
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.shutdown_request(sock)
            return
        self._refused.append((time.monotonic() + REFUSED_LINGER_SECONDS, sock))
        while len(self._refused) > MAX_REFUSED_LINGERING:
            self.shutdown_request(self._refused.pop(0)[1])

    def service_actions(self) -> None:
        """Between accepts (serve_forever's loop): close refused connections once their client closed
        or their linger time is over."""
        if not self._refused:
            return
        now = time.monotonic()
        keep: list[tuple[float, socket.socket]] = []
        for deadline, sock in self._refused:
            try:
                done = _discard_available(sock) or deadline <= now
            except OSError:
                done = True
            if done:
                self.shutdown_request(sock)
            else:
                keep.append((deadline, sock))
        self._refused = keep

    def server_close(self) -> None:
        super().server_close()
        # Werkzeug also calls this when binding fails, before __init__ has made the list.
        refused, self._refused = getattr(self, "_refused", []), []
        for _, sock in refused:
            self.shutdown_request(sock)

    def track(self, connection: socket.socket, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _discard_available(sock: socket.socket) -> bool:
    """Read and drop what a non-blocking socket has received; True once the client has closed."""
    for _ in range(16):
        try:
            if not sock.recv(64 * 1024):
                return True
        except BlockingIOError:
            return False
    return False


def _error_answer(error: errors.S3Error, clock: Clock) -> bytes:
    """A whole HTTP answer carrying ``error`` as S3 error XML, closing the connection."""
    request_id = new_request_id()
    host_id = host_id_for(request_id)
    body = xmldoc.render_error(error, request_id, host_id)
    head = (
        f"HTTP/1.1 {status_line(error.status)}\r\n"
        f"Content-Type: {wire.XML_CONTENT_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"{wire.REQUEST_ID}: {request_id}\r\n"
        f"{wire.HOST_ID}: {host_id}\r\n"
        f"Date: {http_date(clock)}\r\n"
        "Server: AmazonS3\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class S3Server:
    """An in-memory S3 endpoint served from a daemon thread.

    :param store: the state to serve; a new ``Store`` by default.
    :param host: interface to bind; 127.0.0.1 by default (never a public address in tests).
    :param port: 0 picks a free port.
    :param ssl_context: serve https with this context (e.g. a throwaway self-signed certificate).
    :param idle_timeout: seconds an idle keep-alive connection (or a stalled body) is kept.
    :param max_body_size: the largest PutObject / UploadPart body accepted (default: S3's 5 GiB); a
        larger declared size is answered EntityTooLarge before the body is read.
    :param storage: ``memory`` keeps bodies; ``sizes`` keeps only sizes, ETags and checksums.
    :param object_ownership: the ObjectOwnership of buckets created without ``x-amz-object-ownership``
        (default: S3's BucketOwnerEnforced; ObjectWriter gives buckets as S3 made them before April 2023).
    :param journal_limit: keep only the newest this many journal entries (None: all of them).
    :param journal_max_bytes: keep only the newest journal entries that fit in about this many bytes.
    :param head_timeout: seconds a request head may take to arrive, from its first byte.
    :param max_head_size: bytes of header fields a request may send (S3's 8192 by default).
    :param max_connections: connections served at once (see ``ConnectionLimits``).
    :param allowed_hosts: Host names answered besides the loopback names, ``host`` and the virtual-host
        suffixes (each with its bucket subdomains); ``"*"`` answers any Host.
    :param access_log: called with one line per answered request (``access_log.access_line``), from the
        connection threads; None (default): no access log.
    """

    def __init__(
        self,
        store: Store | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        min_part_size: int | None = None,
        region: str = "us-east-1",
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float = 60.0,
        virtual_host_suffixes: Sequence[str] = ("localhost",),
        max_body_size: int | None = None,
        storage: str = "memory",
        object_ownership: str | None = None,
        journal_limit: int | None = None,
        journal_max_bytes: int = DEFAULT_JOURNAL_MAX_BYTES,
        head_timeout: float = DEFAULT_HEAD_TIMEOUT,
        max_head_size: int = http_head.MAX_HEAD_SIZE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        allowed_hosts: Sequence[str] = (),
        access_log: Callable[[str], None] | None = None,
    ) -> None:
        if store is None:
            limits = Limits() if min_part_size is None else Limits(min_part_size=min_part_size)
            store = Store(limits=limits, region=region)
        if max_body_size is not None:
            store.limits = dataclasses.replace(store.limits, max_body_size=max_body_size)
        store.keep_bytes = storage == "memory"
        if object_ownership is not None:
            if object_ownership not in access.OWNERSHIPS:
                raise ValueError(f"object_ownership must be one of {', '.join(access.OWNERSHIPS)}")
            store.object_ownership = object_ownership
        self.store = store
        self.app = S3App(
            store,
            virtual_host_suffixes=virtual_host_suffixes,
            journal=Journal(limit=journal_limit, max_bytes=journal_max_bytes),
            allowed_hosts=(host, *allowed_hosts),
        )
        self._host = host
        self._port = port
        self._ssl_context = ssl_context
        self._idle_timeout = idle_timeout
        self._limits = ConnectionLimits(head_timeout, max_head_size, max_connections)
        self._access_log = access_log
        self._httpd: S3HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> S3Server:
        """Bind and serve in a daemon thread; returns self once the socket is listening.

        :raises ServerBindError: the address cannot be bound (names host and port).
        """
        if self._httpd is not None:
            return self
        app: Any = self.app if self._access_log is None else AccessLog(self.app, self._access_log)
        server = S3HTTPServer(
            self._host,
            self._port,
            app,
            handler=S3RequestHandler,
            ssl_context=self._ssl_context,
        )
        server.idle_timeout = self._idle_timeout
        server.limits = self._limits
        self._httpd = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="s3mpu-server"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, and wait for the serving thread."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        return self._host

    @property
    def endpoint_url(self) -> str:
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://{self._host}:{self.port}"

    @property
    def handler_errors(self) -> list[HandlerError]:
        """The server's bugs (500 InternalError answers), the newest few, summarised."""
        return self.app.handler_errors

    @property
    def faults(self) -> FaultInjector:
        return self.app.faults

    @property
    def journal(self) -> Journal:
        return self.app.journal

    def reset(self) -> None:
        """Empty store, no fault rules, empty journal, no bugs kept."""
        self.app.control.reset()
