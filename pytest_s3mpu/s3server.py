"""``S3Server``: the composition root that builds a store, the S3 app over it, and the server serving it.

Top level, above both ``app`` (the WSGI application) and ``serving`` (the HTTP server), which never
import each other: this is the one place that puts them together.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pytest_s3mpu.app.application import S3App
from pytest_s3mpu.harness.bugs import HandlerError
from pytest_s3mpu.harness.faults import FaultInjector
from pytest_s3mpu.harness.journal import DEFAULT_MAX_BYTES as DEFAULT_JOURNAL_MAX_BYTES
from pytest_s3mpu.harness.journal import Journal
from pytest_s3mpu.protocol import wire
from pytest_s3mpu.serving import request_head as http_head
from pytest_s3mpu.serving import tls as tls_files
from pytest_s3mpu.serving.access_log import AccessLog
from pytest_s3mpu.serving.handler import S3RequestHandler
from pytest_s3mpu.serving.server import (
    DEFAULT_HEAD_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    ConnectionLimits,
    S3HTTPServer,
    ServerBindError,
)
from pytest_s3mpu.state.store import Store

__all__ = ["S3Server", "ServerBindError"]

# Addresses that are no host name a certificate could carry (binding every interface).
_ANY_ADDRESS = ("0.0.0.0", "::", "")


class S3Server:
    """An in-memory S3 endpoint served from a daemon thread.

    :param store: the state to serve; a new ``Store`` by default. ``min_part_size``, ``region``,
        ``max_body_size``, ``storage``, ``object_ownership`` and ``account_id`` configure it
        (``Store.configure``, once); each left None keeps the store's own (for a new store: S3's).
    :param host: interface to bind; 127.0.0.1 by default (never a public address in tests).
    :param port: 0 picks a free port.
    :param ssl_context: serve https with this context (e.g. a throwaway self-signed certificate).
    :param tls: serve https with a throwaway CA and certificate made at start (``serving.tls.make``),
        written to a temporary directory removed at stop; clients trust ``ca_bundle``.
    :param idle_timeout: seconds an idle keep-alive connection (or a stalled body) is kept.
    :param max_body_size: the largest PutObject / UploadPart body accepted (default: S3's 5 GiB); a
        larger declared size is answered EntityTooLarge before the body is read.
    :param storage: ``memory`` keeps bodies; ``sizes`` keeps only sizes, ETags and checksums.
    :param object_ownership: the ObjectOwnership of buckets created without ``x-amz-object-ownership``
        (default: S3's BucketOwnerEnforced; ObjectWriter gives buckets as S3 made them before April 2023).
    :param account_id: the AWS account ID the endpoint serves, twelve digits (default ``123456789012``):
        what ExpectedBucketOwner must name, the account in KMS key ARNs.
    :param journal_limit: keep only the newest this many journal entries (None: all of them).
    :param journal_max_bytes: keep only the newest journal entries that fit in about this many bytes.
    :param head_timeout: seconds a request head may take to arrive, from its first byte.
    :param max_head_size: bytes of header fields a request may send (S3's 8192 by default).
    :param max_connections: connections served at once (see ``ConnectionLimits``).
    :param allowed_hosts: Host names answered besides the loopback names, ``host`` and the virtual-host
        suffixes (each with its bucket subdomains); ``"*"`` answers any Host.
    :param website_host_suffixes: names under which ``{bucket}.{suffix}`` is the bucket's static website
        endpoint (default ``s3-website.localhost``), besides AWS's own for the region
        (``{bucket}.s3-website-REGION.amazonaws.com``, ``{bucket}.s3-website.REGION.amazonaws.com``).
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
        region: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        tls: bool = False,
        idle_timeout: float = 60.0,
        virtual_host_suffixes: Sequence[str] = ("localhost",),
        max_body_size: int | None = None,
        storage: str | None = None,
        object_ownership: str | None = None,
        account_id: str | None = None,
        journal_limit: int | None = None,
        journal_max_bytes: int = DEFAULT_JOURNAL_MAX_BYTES,
        head_timeout: float = DEFAULT_HEAD_TIMEOUT,
        max_head_size: int = http_head.MAX_HEAD_SIZE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        allowed_hosts: Sequence[str] = (),
        access_log: Callable[[str], None] | None = None,
        website_host_suffixes: Sequence[str] = (wire.WEBSITE_LOCAL_SUFFIX,),
    ) -> None:
        store = Store() if store is None else store
        # The store settings given here (None: the store's own) are applied at once (Store.configure).
        store.configure(
            store.config.with_settings(
                min_part_size=min_part_size,
                max_body_size=max_body_size,
                region=region,
                storage=storage,
                object_ownership=object_ownership,
                account_id=account_id,
            )
        )
        self.store = store
        self.app = S3App(
            store,
            virtual_host_suffixes=virtual_host_suffixes,
            journal=Journal(limit=journal_limit, max_bytes=journal_max_bytes),
            allowed_hosts=(host, *allowed_hosts),
            website_host_suffixes=website_host_suffixes,
        )
        self._bugs = self.app.bugs  # where the HTTP layer's bugs go too (kept if ``app`` is wrapped)
        self._host = host
        self._port = port
        self._ssl_context = ssl_context
        self._tls = tls
        self._certificates: tls_files.Certificates | None = None
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
        if self._tls and self._ssl_context is None:
            directory = Path(tempfile.mkdtemp(prefix="s3mpu-tls-"))
            extra = () if self._host in _ANY_ADDRESS else (self._host,)
            self._certificates = tls_files.make(directory, extra)
            self._ssl_context = self._certificates.server_context()
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
        server.clock = self.store.clock
        server.bugs = self._bugs
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
        certificates, self._certificates = self._certificates, None
        if certificates is not None:
            shutil.rmtree(certificates.ca_bundle.parent, ignore_errors=True)
            self._ssl_context = None

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
    def ca_bundle(self) -> Path | None:
        """The CA certificate (PEM) a client must trust while ``tls`` serves https; None otherwise."""
        return self._certificates.ca_bundle if self._certificates is not None else None

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
