"""A pytest plugin that runs another project's S3 tests against pytest-s3mpu instead of moto.

Loaded with ``-p s3mpu_as_moto`` (scripts/peer-suites.sh puts this folder on PYTHONPATH). s3fs and
aiobotocore start ``moto.server.ThreadedMotoServer`` in their own fixtures; this plugin replaces that class,
before their test modules import it, with one that serves pytest-s3mpu's standalone server on the same host
and port. Their tests and fixtures run unmodified. Where a suite resets moto by POSTing to
``{endpoint}/moto-api/reset`` (S3 has no such path: it would be a bucket named ``moto-api``), the same call
resets the pytest-s3mpu server serving that endpoint instead, at exactly the moments moto would be reset.

Server settings come from the environment as for the plugin (``PYTEST_S3MPU_*`` where S3Server takes them);
``S3MPU_PEER_OBJECT_OWNERSHIP`` names the ownership new buckets get, when the server supports that setting.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import requests

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


class _Reset:
    """What ``requests.post`` answers for a moto reset: the little of a Response the suites look at."""

    status_code = 200
    ok = True
    text = "{}"

    def json(self) -> dict[str, Any]:
        return {}


_post = requests.post


def _post_or_reset(url: str, *args: Any, **kwargs: Any) -> Any:
    if str(url).rstrip("/").endswith("/moto-api/reset"):
        for server in list(_STARTED):
            if str(url).startswith(server.endpoint_url):
                server.reset()
                return _Reset()
    return _post(url, *args, **kwargs)


def _replace_moto_server() -> None:
    """Done when pytest imports this plugin (``-p``), before any conftest imports moto's class."""
    import moto.moto_server.threaded_moto_server as threaded
    import moto.server

    threaded.ThreadedMotoServer = S3mpuAsMoto  # type: ignore[misc,assignment]
    moto.server.ThreadedMotoServer = S3mpuAsMoto  # type: ignore[misc,assignment,attr-defined]
    requests.post = _post_or_reset  # type: ignore[assignment]


_replace_moto_server()
