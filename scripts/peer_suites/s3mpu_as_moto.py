"""A pytest plugin that runs another project's S3 tests against pytest-s3mpu instead of moto.

Loaded with ``-p s3mpu_as_moto`` (scripts/peer-suites.sh puts this folder on PYTHONPATH). s3fs and
aiobotocore start ``moto.server.ThreadedMotoServer`` in their own fixtures; this plugin replaces that class,
before their test modules import it, with one that serves pytest-s3mpu's standalone server on the same host
and port. Their tests and fixtures run unmodified. The suites reset moto between tests by POSTing to
``/moto-api/reset``; S3 has no such path (it would be a bucket named ``moto-api``), so an autouse fixture here
resets every server this plugin started instead, as moto's reset would.

Server settings come from the environment as for the plugin (``PYTEST_S3MPU_*`` where S3Server takes them);
``S3MPU_PEER_OBJECT_OWNERSHIP`` names the ownership new buckets get, when the server supports that setting.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_s3mpu import S3Server

_STARTED: list[S3Server] = []


def _server_options() -> dict[str, Any]:
    options: dict[str, Any] = {}
    accepted = inspect.signature(S3Server).parameters
    ownership = os.environ.get("S3MPU_PEER_OBJECT_OWNERSHIP")
    if ownership and "object_ownership" in accepted:
        options["object_ownership"] = ownership
    return options


class S3mpuAsMoto:
    """The part of ThreadedMotoServer's interface the suites use: start, stop, get_host_and_port."""

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 5000, verbose: bool = True) -> None:
        # moto's default is 0.0.0.0; the double serves loopback only.
        host = "127.0.0.1" if ip_address in ("0.0.0.0", "", "localhost") else ip_address
        self._server = S3Server(host=host, port=port, **_server_options())

    def start(self) -> None:
        self._server.start()
        _STARTED.append(self._server)

    def get_host_and_port(self) -> tuple[str, int]:
        return self._server.host, self._server.port

    def stop(self) -> None:
        self._server.stop()
        if self._server in _STARTED:
            _STARTED.remove(self._server)


def _replace_moto_server() -> None:
    """Done when pytest imports this plugin (``-p``), before any conftest imports moto's class."""
    import moto.moto_server.threaded_moto_server as threaded
    import moto.server

    threaded.ThreadedMotoServer = S3mpuAsMoto  # type: ignore[misc,assignment]
    moto.server.ThreadedMotoServer = S3mpuAsMoto  # type: ignore[misc,assignment,attr-defined]


_replace_moto_server()


@pytest.fixture(autouse=True)
def _s3mpu_reset_between_tests() -> Iterator[None]:
    for server in list(_STARTED):
        server.reset()
    yield
