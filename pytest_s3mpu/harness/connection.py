"""The one extension a server gives the app: control over the connection a request arrived on.

Layer 4 (harness), below both the app and the server, which never import each other. A WSGI app sees a
request, not a socket, yet some faults are about the connection: drop it with a TCP reset, or end it
after an answer cut short. A server that can do these puts an object of the ``Connection`` shape in the
environ under ``CONNECTION_KEY`` (``"s3mpu.connection"``); pytest_s3mpu's own server does. Under any
other WSGI server (wsgiref, gunicorn, Werkzeug's ``run_simple``) the app still answers every S3 request;
only a fault rule that needs the connection is answered ``501 NotImplemented`` saying so
(``ConnectionUnavailable``), since pretending to have dropped a connection would be a silent lie.

Our server also writes ``memoryview`` pieces of an answer's body without copying them; under another
server the app gives ``bytes``, as PEP 3333 requires.

Faults that only pace or stop reading (``stall_request``, ``bandwidth``, ``delay``) need nothing from
the server: the app carries them out on ``wsgi.input`` and the body it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

CONNECTION_KEY = "s3mpu.connection"


@runtime_checkable
class Connection(Protocol):
    """What the app may do to the request's connection (called from the request's own thread)."""

    def reset(self) -> None:
        """Drop the connection with a TCP reset as soon as the app returns: nothing of the answer is
        sent, and request body bytes not yet read are never read."""

    def close_after_answer(self) -> None:
        """Send the answer as it is (for instance shorter than its Content-Length), then close the
        connection, so the client sees where the answer ended; the answer says ``Connection: close``.
        Also how the app ends the connection where S3 does (a preflight without Origin)."""

    @property
    def was_reset(self) -> bool:
        """Whether ``reset`` was called for the current request (the access log says "dropped")."""


class ConnectionUnavailable(Exception):
    """A fault needs ``Connection``, and the server running the app did not provide one."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(
            f"the fault action {action!r} needs a server that provides the {CONNECTION_KEY!r} environ "
            "extension (pytest_s3mpu's own server does; this WSGI server does not)"
        )


def connection_of(environ: Mapping[str, Any], action: str) -> Connection:
    """The server's ``Connection`` for this request; ``ConnectionUnavailable`` naming ``action`` if the
    server provides none."""
    connection = environ.get(CONNECTION_KEY)
    if connection is None:
        raise ConnectionUnavailable(action)
    return connection  # type: ignore[no-any-return]


def was_reset(environ: Mapping[str, Any]) -> bool:
    connection = environ.get(CONNECTION_KEY)
    return bool(connection is not None and connection.was_reset)
