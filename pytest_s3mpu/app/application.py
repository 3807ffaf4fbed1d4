"""The WSGI application: resolve a request's bucket, key and operation, run its handler, answer as S3.

Layer 5 (app). Every answer carries x-amz-request-id and x-amz-id-2; every error is S3 error XML (HEAD:
no body); an exception that is not an ``S3Error`` is a bug of ours, answered InternalError and kept,
summarised, in ``bugs`` so the test that caused it can fail with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from pytest_s3mpu.app import control, fault_actions, inspector, origins
from pytest_s3mpu.app import operations as handlers
from pytest_s3mpu.app.control import Control
from pytest_s3mpu.app.request_fields import RequestHeaders
from pytest_s3mpu.harness import journal
from pytest_s3mpu.harness.bugs import HandlerError, HandlerErrors
from pytest_s3mpu.harness.connection import CONNECTION_KEY, ConnectionUnavailable, was_reset
from pytest_s3mpu.harness.faults import Action, FaultInjector, Fired, RequestInfo
from pytest_s3mpu.harness.journal import Journal, JournalEntry
from pytest_s3mpu.protocol import bodies, cors_headers, routes, wire, xmldoc
from pytest_s3mpu.protocol.answers import host_id_for, http_date, new_request_id, status_line
from pytest_s3mpu.protocol.authentication import ANONYMOUS, Authenticator, SignedRequest
from pytest_s3mpu.protocol.routes import Target
from pytest_s3mpu.protocol.target import split_target
from pytest_s3mpu.state import cors, errors, validation
from pytest_s3mpu.state.lifecycle import LifecycleAction
from pytest_s3mpu.state.store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


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
        return _strict_unquote(split_target(str(uri))[0], str(uri))
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


def website_bucket(host: str, suffixes: Sequence[str]) -> str | None:
    """The bucket whose static website endpoint the Host header names (``{bucket}.{suffix}``), or None."""
    hostname = origins.host_name(host)
    for suffix in suffixes:
        if hostname.endswith("." + suffix) and len(hostname) > len(suffix) + 1:
            return hostname[: -len(suffix) - 1]
    return None


class S3App:
    """The WSGI application over one ``Store``.

    :param virtual_host_suffixes: Host names under which ``{bucket}.{suffix}`` addresses a bucket.
    :param website_host_suffixes: Host names under which ``{bucket}.{suffix}`` is the bucket's static
        website endpoint, besides AWS's own for the store's region (``wire.website_endpoints``).
    :param allowed_hosts: Host names answered besides the loopback names and the suffixes (each with
        its subdomains); ``"*"`` answers any. Any other Host is refused (``origins``).
    """

    def __init__(
        self,
        store: Store,
        virtual_host_suffixes: Sequence[str] = ("localhost",),
        faults: FaultInjector | None = None,
        journal: Journal | None = None,
        allowed_hosts: Sequence[str] = (),
        website_host_suffixes: Sequence[str] = (wire.WEBSITE_LOCAL_SUFFIX,),
    ) -> None:
        self.store = store
        self.virtual_host_suffixes = tuple(virtual_host_suffixes)
        self.website_host_suffixes = tuple(website_host_suffixes)
        # (region, website_host_suffixes, every website suffix) as last worked out (``_website_bucket``)
        self._website_suffixes: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None
        self.allowed_hosts = origins.allowed_names(
            (*origins.LOOPBACK_NAMES, *self.virtual_host_suffixes, *allowed_hosts)
        )
        self.faults = faults if faults is not None else FaultInjector()
        self.journal = journal if journal is not None else Journal()
        self.bugs = HandlerErrors()
        self.control = Control(store, self.faults, self.journal, self.bugs)
        # Signature verification (``--s3mpu-auth sigv4``): None, the default, accepts any credentials.
        self.authenticator: Authenticator | None = None
        store.on_lifecycle = self._journal_lifecycle
        # journal.html(path) writes the inspector page with this server's data in it
        self.journal.page_html = lambda: inspector.page(self.control.inspection()).html

    def _journal_lifecycle(self, actions: list[LifecycleAction]) -> None:
        """One journal entry per lifecycle action the store took when the clock moved: no request made
        it, so it has no status, method or attempt; ``lifecycle`` names the action and its rule."""
        for action in actions:
            self.journal.record(
                JournalEntry(
                    seq=self.journal.next_seq(),
                    time=time.time(),
                    operation=f"Lifecycle:{action.action}",
                    bucket=action.bucket,
                    key=action.key,
                    upload_id=action.upload_id,
                    part_number=None,
                    status=None,
                    error_code=None,
                    bytes_in=0,
                    bytes_out=0,
                    duration_ms=0.0,
                    fault=None,
                    attempt=None,
                    invocation_id=None,
                    lifecycle=f"{action.action} rule={action.rule_id}"
                    + (f" delete-marker={action.version_id}" if action.version_id else ""),
                )
            )

    @property
    def handler_errors(self) -> list[HandlerError]:
        """The bugs kept (the newest few, summarised), oldest first."""
        return self.bugs.entries()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        counted = _CountingInput(environ.get("wsgi.input"))
        environ["wsgi.input"] = counted
        if str(environ.get("PATH_INFO", "")).startswith(control.PREFIX):
            return self._control(environ, start_response)
        fields = RequestHeaders.from_environ(environ)
        self.store.lifecycle_tick()  # what a flowing clock made due since (free without lifecycle rules)
        request_id = new_request_id()
        host_id = host_id_for(request_id)
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        call: handlers.Call | None = None
        info: RequestInfo | None = None
        fired: Fired | None = None
        auth: str | None = None
        access_key: str | None = None
        credential = _named_credential(fields, environ)  # read once: the journal and the Call want it
        try:
            call = self._call(environ, method, fields, request_id, host_id, credential)
            # A preflight carries no credentials (S3 answers it from the CORS rules alone); a POST form
            # is signed in its fields (operations.verify_post_signature), not in its head.
            if self.authenticator is not None and call.operation == routes.Operation.POST_OBJECT:
                call = dataclasses.replace(call, form_signing=handlers.FormSigning(self.authenticator))
            elif self.authenticator is not None and call.operation not in (routes.PREFLIGHT, routes.WEBSITE):
                auth = "refused"
                virtual_bucket = call.bucket if call.virtual else None
                verified = self.authenticator.verify(
                    _signed_request(environ, method, fields, call.query, virtual_bucket),
                    self.store.clock.timestamp(),
                    self.store.region,
                )
                access_key, auth = verified.access_key, verified.method
                if verified.method == ANONYMOUS:
                    call = dataclasses.replace(call, anonymous=True)
                if verified.chain is not None:  # the body's chunk signatures follow from the head's
                    call = dataclasses.replace(call, chunk_chain=verified.chain)
            info = _request_info(call)
            fired = self.faults.fire(info)
            reply = self._execute(call, fired, environ, request_id, host_id)
        except errors.S3Error as error:
            reply = self._error_reply(error, request_id, host_id, method)
            if call is not None:
                handlers.frame_refused_preflight(call, reply)
        except ConnectionUnavailable as exc:  # a fault rule this WSGI server cannot carry out
            reply = self._error_reply(
                errors.CustomError(501, "NotImplemented", str(exc)), request_id, host_id, method
            )
        except MemoryError:  # not a bug: the machine is short of memory; S3's answer to over-consumption
            reply = self._error_reply(errors.SlowDown(), request_id, host_id, method)
        except Exception as exc:  # a bug of ours: answer as S3 would, and remember it for the test
            self.bugs.record(exc, call.operation if call is not None else "Unknown")
            reply = self._error_reply(errors.InternalError(), request_id, host_id, method)
        if call is not None:
            self._add_cors_headers(reply, call, method)
        if reply.close:
            _close_after_answer(environ)
        body = self._respond(reply, request_id, host_id, method, start_response)

        def record(bytes_out: int) -> None:
            outcome = (
                "refused" if call is not None and call.chunk_chain and call.chunk_chain.refused else auth
            )
            signer = access_key
            if call is not None and call.form_signing is not None:  # a POST form, checked in its fields
                signer, outcome = call.form_signing.access_key, call.form_signing.outcome
            dropped = was_reset(environ)
            asked = info if info is not None else self._asked(environ, fields, method)
            query = environ.get("QUERY_STRING")
            self.journal.record(
                JournalEntry(
                    seq=self.journal.next_seq(),
                    time=time.time(),
                    operation=str(asked.operation),  # the plain name: JSON and text unchanged
                    bucket=asked.bucket,
                    key=asked.key,
                    upload_id=asked.upload_id or reply.upload_id,
                    part_number=asked.part_number,
                    status=None if dropped else reply.status,
                    error_code=None if dropped else reply.error_code,
                    bytes_in=counted.count,
                    bytes_out=0 if dropped else bytes_out,
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                    fault=fired.id if fired is not None else None,
                    attempt=asked.attempt,
                    invocation_id=fields.get(wire.SDK_INVOCATION_ID),
                    method=_SHARED_METHODS.get(method, method),
                    path=None if call is not None else request_target(environ),
                    access_key=signer or _named_key(credential, fields, environ),
                    auth=outcome,
                    query=str(query) if query else None,
                    request_headers=journal.request_headers(fields.pairs()),
                    response_headers=journal.response_headers(reply.headers),
                    fault_action=_action_name(fired),
                )
            )

        return _Recorded(body, record, as_bytes=CONNECTION_KEY not in environ)

    def _add_cors_headers(self, reply: handlers.Reply, call: handlers.Call, method: str) -> None:
        """The one point where an answer to a page gets its Access-Control-* headers: from the first of
        the bucket's CORS rules that admits the request (a preflight answers them itself)."""
        origin = call.headers.get(wire.ORIGIN)
        if origin is None or not call.bucket or call.operation == routes.PREFLIGHT:
            return
        asked = cors.Asked.parse(
            origin,
            call.headers.get(wire.CORS_REQUEST_METHOD, method),
            call.headers.get(wire.CORS_REQUEST_HEADERS),
        )
        reply.headers.extend(cors_headers.render(self.store.cors_verdict(call.bucket, asked)))

    def _execute(
        self,
        call: handlers.Call,
        fired: Fired | None,
        environ: WSGIEnvironment,
        request_id: str,
        host_id: str,
    ) -> handlers.Reply:
        """Run the operation, or the action of the fault rule that fired around it (``fault_actions``)."""
        handler = handlers.perform
        if fired is None:
            return handler(self.store, call)

        def run() -> handlers.Reply:
            try:
                return handler(self.store, call)
            except errors.S3Error as error:
                reply = self._error_reply(error, request_id, host_id, call.method)
                handlers.frame_refused_preflight(call, reply)  # S3's own refusal, framed as S3 frames it
                return reply

        def error_reply(error: errors.S3Error) -> handlers.Reply:
            return self._error_reply(error, request_id, host_id, call.method)

        upload_id = call.query.get("uploadId")

        def abort_upload() -> None:
            if upload_id is not None:
                # Already gone (completed or aborted): it has vanished all the same.
                with contextlib.suppress(errors.S3Error):
                    self.store.abort_multipart_upload(call.bucket, call.key, upload_id)

        context = fault_actions.FaultContext(
            fired,
            run,
            error_reply,
            environ,
            request_id,
            host_id,
            self.store.clock.timestamp(),
            named_access_key(call.headers, environ),
            upload_id,
            abort_upload,
        )
        return fault_actions.perform(context)

    def _control(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """The ``/_s3mpu/`` endpoint: JSON, never journaled, never faulted."""

        def body() -> bytes:
            length = validation.parse_decimal(str(environ.get("CONTENT_LENGTH") or "0")) or 0
            if length > control.MAX_BODY:
                raise control.BodyTooLarge(length)  # refused unread; the server closes the connection
            try:
                return (
                    bytes(bodies.read_small_body(environ["wsgi.input"], control.MAX_BODY)[:length])
                    if length
                    else b""
                )
            except errors.MalformedXML:
                raise control.BodyTooLarge(length) from None

        headers = RequestHeaders.from_environ(environ)
        scheme = str(environ.get("wsgi.url_scheme", "http"))
        try:
            query = parse_query(environ)
        except errors.S3Error:
            query = {}
        status, data = self.control.handle(
            str(environ.get("REQUEST_METHOD", "GET")).upper(),
            str(environ.get("PATH_INFO")),
            body,
            headers,
            scheme,
            self.allowed_hosts,
            query,
        )
        if isinstance(data, inspector.Page):  # the inspector's page: HTML, its script and style by hash only
            payload = data.html.encode()
            answer_headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Security-Policy", f"{data.csp}; frame-ancestors 'none'"),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ]
        elif isinstance(data, control.JsonLines):
            payload = data.encode()
            answer_headers = [("Content-Type", "application/x-ndjson")]
        else:
            payload = json.dumps(data).encode()
            answer_headers = [("Content-Type", "application/json")]
        start_response(status_line(status), [*answer_headers, ("Content-Length", str(len(payload)))])
        return [payload]

    def _call(
        self,
        environ: WSGIEnvironment,
        method: str,
        fields: RequestHeaders,
        request_id: str,
        host_id: str,
        credential: str | None,
    ) -> handlers.Call:
        """The request parsed once: target, operation, query, headers, body length, part number
        (``credential``: the scope it names, ``_named_credential``)."""
        path = raw_path(environ)
        query = parse_query(environ)
        sent_host = fields.get("Host")
        site = self._website_bucket(sent_host)
        if site is not None:  # anonymous GETs of the bucket's website: no subresource, no signature
            scheme = str(environ.get("wsgi.url_scheme", "http"))
            return handlers.Call(
                method=method,
                operation=routes.WEBSITE,
                bucket=site,
                key=path[1:],
                query=query,
                base_url=f"{scheme}://{sent_host}",
                virtual=True,
                headers=fields,
                environ=environ,
                content_length=_content_length(environ),
                request_id=request_id,
                host_id=host_id,
            )
        if not origins.host_allowed(sent_host, self.allowed_hosts):
            raise errors.HostNotAllowed(str(sent_host))
        host = sent_host or str(environ.get("SERVER_NAME", "localhost"))
        resolved = resolve(path, host, self.virtual_host_suffixes)
        route = routes.route(resolved.target, method, query, fields)
        if not route.implemented:
            if resolved.bucket:  # S3 knows the operation: a missing bucket is NoSuchBucket first
                # [LS-AWS: test_bucket_availability (GetBucketReplication), recorded 2026-02-21]
                self.store.head_bucket(resolved.bucket)
            raise errors.NotImplementedByS3()
        scheme = str(environ.get("wsgi.url_scheme", "http"))
        if resolved.virtual:
            host = host.split(".", 1)[1] if "." in host else host
        return handlers.Call(
            method=method,
            operation=routes.Operation(route.operation),
            bucket=resolved.bucket,
            key=resolved.key,
            query=query,
            base_url=f"{scheme}://{host}",
            virtual=resolved.virtual,
            headers=fields,
            environ=environ,
            content_length=_content_length(environ),
            part_number=validation.parse_decimal(query.get("partNumber")),
            until_end=bool(environ.get("wsgi.input_terminated")),
            aws_chunked=bodies.is_aws_chunked(fields),
            signing_region=_region(credential),
            request_id=request_id,
            host_id=host_id,
        )

    def _website_bucket(self, host: str | None) -> str | None:
        """The bucket a Host header names as a website endpoint: under ``website_host_suffixes`` or
        AWS's website names of the store's region (which no DNS-rebinding page can claim)."""
        if not host:
            return None
        cached = self._website_suffixes  # worked out once per region and suffix setting
        region, given = self.store.region, self.website_host_suffixes
        if cached is None or cached[0] is not region or cached[1] is not given:
            cached = self._website_suffixes = (region, given, (*given, *wire.website_endpoints(region)))
        return website_bucket(host, cached[2])

    def _asked(self, environ: WSGIEnvironment, fields: RequestHeaders, method: str) -> RequestInfo:
        """For the journal, what a request the double answered with no operation of its own asked for:
        AWS's name of the operation (or ``METHOD:subresource``), bucket and key where they can be read."""
        try:
            query = parse_query(environ)
            host = fields.get("Host", "") or str(environ.get("SERVER_NAME", "localhost"))
            resolved = resolve(raw_path(environ), host, self.virtual_host_suffixes)
        except errors.S3Error:
            return RequestInfo(operation=routes.UNKNOWN, attempt=sdk_attempt(fields))
        return RequestInfo(
            operation=routes.asked(resolved.target, method, query, fields),
            bucket=resolved.bucket or None,
            key=resolved.key or None,
            upload_id=query.get("uploadId"),
            attempt=sdk_attempt(fields),
        )

    @staticmethod
    def _error_reply(error: errors.S3Error, request_id: str, host_id: str, method: str) -> handlers.Reply:
        if method == "HEAD":
            reply = handlers.Reply(error.status, [("Content-Type", wire.XML_CONTENT_TYPE)], b"", 0)
        else:
            body = xmldoc.render_error(error, request_id, host_id)
            reply = handlers.Reply(error.status, [("Content-Type", wire.XML_CONTENT_TYPE)], body)
        if error.delete_marker is not None:
            # A GET/HEAD that met a delete marker says so (recorded, test_delete_object_versioned).
            reply.headers += [(wire.DELETE_MARKER, "true"), (wire.VERSION_ID, error.delete_marker)]
            if error.status == 405:
                reply.headers.append(("Allow", "DELETE"))
        reply.error_code = error.code
        return reply

    def _respond(
        self, reply: handlers.Reply, request_id: str, host_id: str, method: str, start_response: StartResponse
    ) -> Iterable[bytes]:
        response_headers = [
            (wire.REQUEST_ID, request_id),
            (wire.HOST_ID, host_id),
            ("Date", http_date(self.store.clock)),
            ("Server", "AmazonS3"),
            *reply.headers,
        ]
        if isinstance(reply.body, bytes):
            length: int | None = reply.length if reply.length is not None else len(reply.body)
        else:
            length = reply.length  # None: a streamed body of unknown length, sent chunked
        if reply.status not in (204, 304) and length is not None and not reply.unsized:
            response_headers.append(("Content-Length", str(length)))
        start_response(status_line(reply.status), response_headers)
        if method == "HEAD" or reply.status in (204, 304):
            return []
        return handlers.iter_body(reply.body)  # type: ignore[return-value]


def _close_after_answer(environ: WSGIEnvironment) -> None:
    """Ask the server to end the connection after this answer, as S3 does for a few answers. Under a
    WSGI server without our ``Connection`` extension this is left undone: an app may not send the
    hop-by-hop ``Connection`` header itself (PEP 3333), and the answer is correct either way."""
    connection = environ.get(CONNECTION_KEY)
    if connection is not None:
        connection.close_after_answer()


def _content_length(environ: WSGIEnvironment) -> int | None:
    """CONTENT_LENGTH as a number (None: absent, or a body framed by the server without one)."""
    raw = environ.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None
    value = validation.parse_decimal(str(raw).strip())
    if value is None or value < 0:
        raise errors.BadRequest()
    return value


# One string per common method, shared by every journal entry rather than one copy per request.
_SHARED_METHODS = {method: method for method in ("GET", "HEAD", "PUT", "POST", "DELETE")}


def request_target(environ: WSGIEnvironment) -> str:
    """The request's path and query as sent (the journal cuts a long one, as any long text field)."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not target:
        query = str(environ.get("QUERY_STRING", ""))
        target = str(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")
    return str(target)


def _signed_request(
    environ: WSGIEnvironment,
    method: str,
    fields: RequestHeaders,
    query: dict[str, str],
    virtual_bucket: str | None = None,
) -> SignedRequest:
    """What the signature covers, as sent: the raw path (never decoded), raw query, and the bucket a
    virtual-hosted request names in its Host (SigV2 signs ``/bucket`` before the path)."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    path = split_target(str(target))[0] if target else str(environ.get("PATH_INFO", "/"))
    return SignedRequest(method, path, str(environ.get("QUERY_STRING", "")), fields, query, virtual_bucket)


def _named_credential(fields: Mapping[str, str], environ: Mapping[str, Any]) -> str | None:
    """The credential scope a request names (``AKID/YYYYMMDD/region/s3/aws4_request``), unchecked."""
    authorization = fields.get("Authorization")
    if authorization is not None:
        start = authorization.find("Credential=")
        if start == -1:
            return None
        return authorization[start + 11 :].split(",", 1)[0].strip()
    query = str(environ.get("QUERY_STRING", ""))
    start = query.find("X-Amz-Credential=")
    if start == -1:
        return None
    return unquote_to_bytes(query[start + 17 :].split("&", 1)[0]).decode("utf-8", "replace")


def named_access_key(fields: Mapping[str, str], environ: Mapping[str, Any]) -> str | None:
    """The access key id a request names (``Credential=AKID/...`` or ``X-Amz-Credential=AKID%2F...``),
    read without checking anything: for the journal and fault presets, whether verification is on or off."""
    return _named_key(_named_credential(fields, environ), fields, environ)


def _access_key(credential: str | None) -> str | None:
    """The access key id of a credential scope (``_named_credential``)."""
    return credential.split("/", 1)[0] or None if credential is not None else None


def _named_key(credential: str | None, fields: Mapping[str, str], environ: Mapping[str, Any]) -> str | None:
    """The access key a request names: its SigV4 scope's (read once), else a SigV2 one's."""
    return _access_key(credential) if credential is not None else _named_v2_key(fields, environ)


def _named_v2_key(fields: Mapping[str, str], environ: Mapping[str, Any]) -> str | None:
    """A SigV2 request's access key: ``Authorization: AWS AKID:signature`` or ``?AWSAccessKeyId=AKID``."""
    authorization = fields.get("Authorization")
    if authorization is not None:
        scheme, _, rest = authorization.strip().partition(" ")
        return rest.split(":", 1)[0].strip() or None if scheme == "AWS" else None
    query = str(environ.get("QUERY_STRING", ""))
    start = query.find("AWSAccessKeyId=")
    if start == -1 or (start > 0 and query[start - 1] != "&"):
        return None
    return unquote_to_bytes(query[start + 15 :].split("&", 1)[0]).decode("utf-8", "replace") or None


def _region(credential: str | None) -> str | None:
    """The region a request was signed for (its credential scope's third field), read without checking:
    a client talks to the regional endpoint of the region it signs for, so CreateBucket judges a
    LocationConstraint by it [LS-AWS: test_different_location_constraint, recorded 2026-02-21]. With
    signature verification on, a region other than the server's was already refused."""
    if credential is None:
        return None
    parts = credential.split("/")
    return parts[2] if len(parts) == 5 and validation.is_region(parts[2]) else None


def _request_info(call: handlers.Call) -> RequestInfo:
    return RequestInfo(
        operation=call.operation,
        bucket=call.bucket or None,
        key=call.key or None,
        upload_id=call.query.get("uploadId"),
        part_number=call.part_number,
        attempt=sdk_attempt(call.headers),
        headers=call.headers,
    )


def _action_name(fired: Fired | None) -> str | None:
    """The journal's ``fault_action``: the action carried out (a sequence's step's), as plain text."""
    if fired is None:
        return None
    action = fired.act.action
    return str(action.value if isinstance(action, Action) else action)


def sdk_attempt(headers: Mapping[str, str]) -> int | None:
    """The retry attempt AWS SDKs send (``amz-sdk-request: attempt=2; max=5``); None when not sent."""
    attempt: int | None = None
    for item in headers.get(wire.SDK_REQUEST, "").split(";"):
        name, _, value = item.strip().partition("=")
        if name == "attempt":
            attempt = validation.parse_decimal(value)
    return attempt


class _CountingInput:
    """Counts the request body bytes the app reads (the journal's ``bytes_in``)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.count = 0

    def readinto(self, buffer: Any) -> int:
        got = int(self._stream.readinto(buffer) or 0) if self._stream is not None else 0
        self.count += got
        return got

    def read(self, size: int = -1) -> bytes:
        data = bytes(self._stream.read(size)) if self._stream is not None else b""
        self.count += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = bytes(self._stream.readline(size)) if self._stream is not None else b""
        self.count += len(data)
        return data


class _Recorded:
    """The response body, recording the journal entry once it has been sent (or abandoned).

    :param as_bytes: give every piece as ``bytes``, as PEP 3333 requires of a WSGI body; our own server
        (the one giving a ``Connection``) also writes ``memoryview`` pieces of stored bodies uncopied.
    """

    def __init__(self, body: Iterable[Any], finish: Callable[[int], None], as_bytes: bool) -> None:
        self._body = body
        self._finish: Callable[[int], None] | None = finish
        self._as_bytes = as_bytes
        self.sent = 0

    def __iter__(self) -> Iterator[Any]:
        for chunk in self._body:
            self.sent += len(chunk)
            yield bytes(chunk) if self._as_bytes and type(chunk) is not bytes else chunk

    def close(self) -> None:
        finish, self._finish = self._finish, None
        if finish is not None:
            finish(self.sent)
