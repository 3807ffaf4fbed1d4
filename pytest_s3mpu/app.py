"""The WSGI application: resolve a request's bucket, key and operation, run its handler, answer as S3.

Layer 5 (app). Every answer carries x-amz-request-id and x-amz-id-2; every error is S3 error XML (HEAD:
no body); an exception that is not an ``S3Error`` is a bug of ours, answered InternalError and kept in
``handler_errors`` so the test that caused it can fail with it.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import TYPE_CHECKING, cast
from urllib.parse import unquote_to_bytes

from werkzeug.wrappers import Request

from . import errors, handlers, routes, wire, xmldoc
from .routes import Target
from .store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

_STATUS_TEXT = {
    200: "OK",
    204: "No Content",
    206: "Partial Content",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    412: "Precondition Failed",
    416: "Requested Range Not Satisfiable",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def status_line(status: int) -> str:
    return f"{status} {_STATUS_TEXT.get(status, 'Unknown')}"


def new_request_id() -> str:
    """16 upper-case hex characters, the shape of S3's x-amz-request-id."""
    return os.urandom(8).hex().upper()


def host_id_for(request_id: str) -> str:
    return base64.b64encode(os.urandom(32) + request_id.encode()).decode("ascii")


@dataclass(frozen=True, slots=True)
class Resolved:
    target: Target
    bucket: str
    key: str
    virtual: bool


def _strict_unquote(raw: str, uri: str) -> str:
    """Percent-decode a path once, refusing malformed escapes and invalid UTF-8 (InvalidURI)."""
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        raise errors.InvalidURI(uri) from None
    index = data.find(b"%")
    while index != -1:
        escape = data[index + 1 : index + 3]
        if len(escape) != 2 or not all(c in b"0123456789abcdefABCDEF" for c in escape):
            raise errors.InvalidURI(uri)
        index = data.find(b"%", index + 3)
    try:
        return unquote_to_bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise errors.InvalidURI(uri) from None


def raw_path(environ: WSGIEnvironment) -> str:
    """The request path exactly as sent (never slash-merged), percent-decoded once."""
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if uri:
        path = str(uri).split("?", 1)[0]
        if "://" in path:
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        return _strict_unquote(path, str(uri))
    path_info = str(environ.get("PATH_INFO", "/"))
    try:
        return path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise errors.InvalidURI(path_info) from None


def parse_query(environ: WSGIEnvironment) -> dict[str, str]:
    """The query string's parameters; a repeated name keeps its first value."""
    raw = str(environ.get("QUERY_STRING", ""))
    query: dict[str, str] = {}
    for item in raw.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        try:
            decoded_name = unquote_to_bytes(name.replace("+", " ")).decode("utf-8")
            decoded_value = unquote_to_bytes(value.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            raise errors.InvalidURI(raw) from None
        query.setdefault(decoded_name, decoded_value)
    return query


def resolve(path: str, host: str, virtual_suffixes: Sequence[str]) -> Resolved:
    """Bucket and key from the Host header (virtual-hosted style) or the path (spec §1.1)."""
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    for suffix in virtual_suffixes:
        if hostname.endswith("." + suffix) and len(hostname) > len(suffix) + 1:
            bucket = hostname[: -len(suffix) - 1]
            key = path[1:]
            return Resolved(Target.OBJECT if key else Target.BUCKET, bucket, key, True)
    trimmed = path[1:]
    if not trimmed:
        return Resolved(Target.SERVICE, "", "", False)
    bucket, _, key = trimmed.partition("/")
    if not key:
        return Resolved(Target.BUCKET, bucket, "", False)
    return Resolved(Target.OBJECT, bucket, key, False)


class S3App:
    """The WSGI application over one ``Store``.

    :param virtual_host_suffixes: Host names under which ``{bucket}.{suffix}`` addresses a bucket.
    """

    def __init__(self, store: Store, virtual_host_suffixes: Sequence[str] = ("localhost",)) -> None:
        self.store = store
        self.virtual_host_suffixes = tuple(virtual_host_suffixes)
        self.handler_errors: list[BaseException] = []
        self._errors_lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request_id = new_request_id()
        host_id = host_id_for(request_id)
        method = request.method.upper()
        try:
            call = self._call(request)
            reply = handlers.HANDLERS[call.operation](self.store, call)
        except errors.S3Error as error:
            reply = self._error_reply(error, request_id, host_id, method)
        except Exception as exc:  # a bug of ours: answer as S3 would, and remember it for the test
            with self._errors_lock:
                self.handler_errors.append(exc)
            reply = self._error_reply(errors.InternalError(), request_id, host_id, method)
        return self._respond(reply, request_id, host_id, method, start_response)

    def _call(self, request: Request) -> handlers.Call:
        environ = request.environ
        path = raw_path(environ)
        query = parse_query(environ)
        host = request.headers.get("Host", "") or str(environ.get("SERVER_NAME", "localhost"))
        resolved = resolve(path, host, self.virtual_host_suffixes)
        route = routes.route(
            resolved.target, request.method.upper(), query, cast("Mapping[str, str]", request.headers)
        )
        if not route.implemented:
            raise errors.NotImplementedByS3()
        scheme = str(environ.get("wsgi.url_scheme", "http"))
        if resolved.virtual:
            host = host.split(".", 1)[1] if "." in host else host
        return handlers.Call(
            request=request,
            operation=route.operation,
            bucket=resolved.bucket,
            key=resolved.key,
            query=query,
            base_url=f"{scheme}://{host}",
            virtual=resolved.virtual,
        )

    @staticmethod
    def _error_reply(error: errors.S3Error, request_id: str, host_id: str, method: str) -> handlers.Reply:
        if method == "HEAD":
            return handlers.Reply(error.status, [("Content-Type", wire.XML_CONTENT_TYPE)], b"", 0)
        body = xmldoc.render_error(error, request_id, host_id)
        return handlers.Reply(error.status, [("Content-Type", wire.XML_CONTENT_TYPE)], body)

    @staticmethod
    def _respond(
        reply: handlers.Reply, request_id: str, host_id: str, method: str, start_response: StartResponse
    ) -> Iterable[bytes]:
        response_headers = [
            (wire.REQUEST_ID, request_id),
            (wire.HOST_ID, host_id),
            ("Date", formatdate(usegmt=True)),
            ("Server", "AmazonS3"),
            *reply.headers,
        ]
        if isinstance(reply.body, bytes):
            length = reply.length if reply.length is not None else len(reply.body)
        else:
            length = reply.length or 0
        if reply.status not in (204, 304):
            response_headers.append(("Content-Length", str(length)))
        start_response(status_line(reply.status), response_headers)
        if method == "HEAD" or reply.status in (204, 304):
            return []
        return handlers.iter_body(reply.body)  # type: ignore[return-value]
