"""The threaded HTTP server on 127.0.0.1: Werkzeug's server, serving any WSGI app with ``S3RequestHandler``.

Layer 6 (server), beside the app and independent of it: it serves whatever WSGI app it is given (the
composition root, ``pytest_s3mpu.s3server``, gives it the S3 app). What it offers beyond WSGI is one
documented extension, ``harness.connection.Connection``.

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
import socket
import ssl
import threading
import time
from typing import Any

from werkzeug.serving import BaseWSGIServer

from pytest_s3mpu.harness.bugs import HandlerErrors
from pytest_s3mpu.protocol.answers import error_answer
from pytest_s3mpu.serving import request_head as http_head
from pytest_s3mpu.state import errors
from pytest_s3mpu.state.clock import Clock

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
    # The clock of the Date on answers the server gives itself (503 at the connection limit).
    clock: Clock = Clock()
    # Where bugs of the HTTP layer are kept for the test to see (the app's record); None: dropped.
    bugs: HandlerErrors | None = None

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
            if self.bugs is not None:
                self.bugs.record(exc)
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
            sock.send(error_answer(errors.SlowDown(), self.clock))
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
