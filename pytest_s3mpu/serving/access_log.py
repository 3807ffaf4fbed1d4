"""The access log of the standalone server's ``--log-requests``: one line per answered request.

Layer 6 (beside the server). WSGI middleware around the app, so neither the S3 app nor the HTTP handler
knows about logging, and a server started without it pays nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pytest_s3mpu.harness.connection import was_reset

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def access_line(method: str, target: str, status: str, milliseconds: float) -> str:
    """``PUT /bucket/key?partNumber=1&uploadId=... 200 3.1ms``: what was asked, the answer, how long."""
    return f"{method} {target} {status} {milliseconds:.1f}ms"


class AccessLog:
    """Calls ``write`` with one line per request once its answer has been produced.

    :param write: takes one line (no newline); called from the connection threads, so it must be safe
        to call concurrently.
    """

    def __init__(self, app: WSGIApplication, write: Callable[[str], None]) -> None:
        self._app = app
        self._write = write

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def capture(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = line.partition(" ")[0]
            return start_response(line, headers, exc_info)

        body = self._app(environ, capture)

        def done() -> None:
            answered = "dropped" if was_reset(environ) else status[0]
            elapsed = (time.perf_counter() - started) * 1000
            method = str(environ.get("REQUEST_METHOD", "-"))
            self._write(access_line(method, request_target(environ), answered, elapsed))

        return _Logged(body, done)


def request_target(environ: WSGIEnvironment) -> str:
    """The request's path and query as sent."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not target:
        query = str(environ.get("QUERY_STRING", ""))
        target = str(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")
    return str(target)


class _Logged:
    """The app's body; ``close`` closes it (the app journals the request there), then logs once."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self._body = body
        self._done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        done, self._done = self._done, None
        close = getattr(self._body, "close", None)
        try:
            if close is not None:
                close()
        finally:
            if done is not None:
                done()
