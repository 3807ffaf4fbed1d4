"""The request handler: one connection's requests, read strictly, answered over HTTP/1.1.

Layer 6 (server). Werkzeug's development handler closes every connection, answers malformed requests
with HTML, sends ``100 Continue`` before the app has looked at a request, and trusts chunk sizes. This
handler keeps HTTP/1.1 connections alive (bodies are framed exactly, and drained or the connection
closed), sends ``100 Continue`` only when the app starts reading the body (so an early S3 error is
answered before the client sends a byte of it), reads chunked bodies with the bounded decoder, reads
request heads strictly with ``request_head`` (and builds the WSGI environ itself), and answers anything
it cannot parse with S3 error XML. The decisions are pure functions (``framing``); reading the body
(``body_reader``) and writing the answer (``response_writer``) are modules of their own.
"""

from __future__ import annotations

import contextlib
import io
import socket
import ssl
import struct
import sys
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from werkzeug.serving import WSGIRequestHandler

from pytest_s3mpu.harness.connection import CONNECTION_KEY
from pytest_s3mpu.protocol import answers, wire, xmldoc
from pytest_s3mpu.protocol.target import split_target
from pytest_s3mpu.serving import framing
from pytest_s3mpu.serving import request_head as http_head
from pytest_s3mpu.serving.body_reader import RequestBody, lingering_close
from pytest_s3mpu.serving.response_writer import header_text, write_answer
from pytest_s3mpu.state import errors

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from pytest_s3mpu.serving.server import S3HTTPServer


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


class S3RequestHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive, lazy 100-continue, bounded bodies and S3 XML for protocol errors.

    Reads the head (``request_head``), decides framing (``framing``), hands the app the body
    (``body_reader.RequestBody``) and a ``Connection`` (``harness.connection``), writes the answer
    (``response_writer``)."""

    protocol_version = "HTTP/1.1"
    server: S3HTTPServer
    continue_pending = False
    body: RequestBody | None = None  # the current request's body (wsgi.input)
    reset = False  # a fault dropped the connection (TCP reset): no answer, no lingering
    http_version = (1, 1)  # the current request's HTTP version, as its request line said

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
        self.body = None
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
            version = http_head.parse_version(words[2])
            self.http_version = version
            if version >= (1, 1):
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
        self.close_connection = not framing.keep_alive(version, fields.get("Connection"))
        # Sent when the app starts reading the body (RequestBody).
        self.continue_pending = framing.expects_continue(version, fields.get("Expect"))
        return True

    def finish(self) -> None:
        try:
            super().finish()
            body = self.body
            if self.close_connection and not self.reset and body is not None and body.client_still_sending():
                lingering_close(self.connection)
        finally:
            self.server.track(self.connection, add=False)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: the journal records requests; stderr stays clean in test output."""

    def log_error(self, format: str, *args: Any) -> None:
        """Quiet, as above."""

    def send_header(self, keyword: str, value: str) -> None:
        """http.server's, but CR and LF never split a header, and a value that is not Latin-1 goes out
        as its UTF-8 bytes instead of raising mid-answer (issue: hostile input)."""
        super().send_header(keyword, header_text(value))

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
        request_id = answers.new_request_id()
        host_id = answers.host_id_for(request_id)
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
        path, query = split_target(target)
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
        for name, value in fields:
            if "_" in name:
                # as Werkzeug: "X_Forwarded" must not pose as "X-Forwarded"; but S3 keeps user metadata
                # named with "_" ([LS-AWS: test_metadata_header_character_decoding, recorded
                # 2026-02-21]), so those reach the app by their own name, beside the environ's headers.
                if name.lower().startswith(wire.META_PREFIX):
                    environ.setdefault(wire.UNDERSCORED_METADATA_KEY, []).append((name.lower(), value))
                continue
            key = name.upper().replace("-", "_")
            if key == "CONTENT_LENGTH":
                declared_lengths.append(value)
                continue
            if key != "CONTENT_TYPE":
                key = "HTTP_" + key
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        framed = framing.body_framing(environ.get("HTTP_TRANSFER_ENCODING"), declared_lengths)
        if framed.chunked:
            environ["wsgi.input_terminated"] = True
        elif framed.length is not None:
            environ["CONTENT_LENGTH"] = str(framed.length)
        self.body = RequestBody(self._buffered, self.wfile, framed, self.continue_pending)
        environ["wsgi.input"] = self.body
        environ[CONNECTION_KEY] = _RequestConnection(self)
        return environ

    def run_wsgi(self) -> None:
        self.reset = False
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
        """Write the answer, unless a fault reset the connection; keep the connection only if the
        request body is consumed (drained after the answer, so an early error such as EntityTooLarge or
        NoSuchUpload never waits on a body the client may not send)."""
        request_body = self.body
        assert request_body is not None
        if self.reset:
            # A fault: drop the connection before any byte of the answer (RST, not FIN).
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if request_body.continue_pending or request_body.too_large_to_drain():
            self.close_connection = True
        framed = framing.answer_framing(
            self.http_version,
            int(status.partition(" ")[0]),
            environ["REQUEST_METHOD"] == "HEAD",
            any(name.lower() == "content-length" for name, _ in headers),
        )
        if framed.close:
            self.close_connection = True
        write_answer(
            self.wfile,
            self.protocol_version,
            status,
            headers,
            body,
            finish,
            close=self.close_connection,
            chunked=framed.chunked,
        )
        if not self.close_connection and not request_body.finished():
            self.close_connection = True


class _RequestConnection:
    """The ``harness.connection.Connection`` of one request on this server."""

    __slots__ = ("_handler",)

    def __init__(self, handler: S3RequestHandler) -> None:
        self._handler = handler

    def reset(self) -> None:
        self._handler.reset = True

    def close_after_answer(self) -> None:
        self._handler.close_connection = True

    @property
    def was_reset(self) -> bool:
        return self._handler.reset
