"""How each fault action is carried out: one small function per ``Action``, chosen from one table.

Layer 5 (app). ``harness.faults`` decides which rule fires; here the rule's action runs around the
operation. An action that needs the connection itself (``reset``, ``truncate``, ``cut_request``) asks
the server's ``harness.connection.Connection``; one that paces or pauses the body (``delay``,
``stall_request``, ``bandwidth``) works on ``wsgi.input`` and the answer's body, under any WSGI server.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pytest_s3mpu.app import operations as handlers
from pytest_s3mpu.harness.connection import connection_of
from pytest_s3mpu.harness.faults import VANISH_PRESET, Action, FaultRule, Fired
from pytest_s3mpu.protocol import bodies, wire, xmldoc
from pytest_s3mpu.state import errors

# The largest piece a paced body is read or sent in: a tenth of a second at the rule's rate, or less.
_PACE_PIECE = 64 * 1024
# cut_request reads its bytes in pieces of this size, and gives up on a body that ends sooner.
_CUT_PIECE = 64 * 1024


@dataclass(frozen=True)
class FaultContext:
    """What an action works with.

    :param fired: the rule that fired (``fired.act`` is what to do).
    :param run: applies the operation; its S3 error comes back as an error reply.
    :param error_reply: an S3 error as this request's answer (HEAD: no body).
    :param environ: the request's WSGI environ (its ``wsgi.input`` may be wrapped).
    :param now: the server clock's time, and ``access_key`` the key the request named: what an auth
        preset's extra elements are made of (``RequestTime``, ``ServerTime``, ``AWSAccessKeyId``).
    :param upload_id: the upload the request names (``?uploadId``), and ``abort_upload`` aborts it in
        the store (quietly when it is already gone): the ``NoSuchUpload`` preset's vanishing upload.
    """

    fired: Fired
    run: Callable[[], handlers.Reply]
    error_reply: Callable[[errors.S3Error], handlers.Reply]
    environ: dict[str, Any]
    request_id: str
    host_id: str
    now: float | None = None
    access_key: str | None = None
    upload_id: str | None = None
    abort_upload: Callable[[], None] | None = None

    @property
    def rule(self) -> FaultRule:
        return self.fired.act

    @property
    def before(self) -> bool:
        return self.rule.apply == "before"


def _error(ctx: FaultContext) -> handlers.Reply:
    """The rule's S3 error; with ``apply="after"`` the request was applied first. The ``NoSuchUpload``
    preset then aborts the request's upload in the store, so every later request for it (ListParts,
    UploadPart, Complete) is answered NoSuchUpload too, and answers with its ``UploadId``."""
    applied = None if ctx.before else ctx.run()
    error = ctx.rule.error(ctx.now, ctx.access_key)
    if ctx.rule.preset == VANISH_PRESET and ctx.upload_id is not None and ctx.abort_upload is not None:
        ctx.abort_upload()
        if error.code == errors.NoSuchUpload.code and error.message == errors.NoSuchUpload.default_message:
            error = errors.NoSuchUpload(ctx.upload_id)
    failed = ctx.error_reply(error)
    failed.headers.extend(ctx.rule.error_headers())
    failed.upload_id = applied.upload_id if applied is not None else None
    return failed


def _delay(ctx: FaultContext) -> handlers.Reply:
    """Sleep ``delay_s`` plus this request's seeded jitter, before or after applying it."""
    seconds = ctx.rule.delay_s + ctx.rule.jitter(ctx.fired.hit)
    if ctx.before:
        time.sleep(seconds)
    reply = ctx.run()
    if not ctx.before:
        time.sleep(seconds)
    return reply


def _reset(ctx: FaultContext) -> handlers.Reply:
    """No answer: the connection is dropped with a TCP reset (after applying, with ``apply="after"``)."""
    connection = connection_of(ctx.environ, Action.RESET.value)
    applied = None if ctx.before else ctx.run()
    connection.reset()
    return applied or handlers.Reply(500, [], b"")  # never sent; the journal keeps its upload id


def _truncate(ctx: FaultContext) -> handlers.Reply:
    """The answer's head with its full Content-Length, the first ``truncate_at`` of its body, then the
    connection closes. Before applying, the answer cut short is an InternalError."""
    connection = connection_of(ctx.environ, Action.TRUNCATE.value)
    reply = ctx.error_reply(errors.InternalError()) if ctx.before else ctx.run()
    length = _length(reply)
    reply.body = _truncated(handlers.iter_body(reply.body), length, ctx.rule.truncate_at)
    reply.length = length
    connection.close_after_answer()
    return reply


def _embedded_error(ctx: FaultContext) -> handlers.Reply:
    """200 at once, then whitespace every ``keepalive_s`` for ``duration_s``, then ``<Error>``: how S3
    answers a CompleteMultipartUpload that fails after it has started (seed pages)."""
    rule = ctx.rule
    document = xmldoc.render_error(rule.error(), ctx.request_id, ctx.host_id)
    declaration = wire.XML_DECLARATION.encode()
    tail = document[len(declaration) :] if document.startswith(declaration) else document

    def stream() -> Iterator[bytes]:
        if not rule.whitespace_first:
            yield declaration
        deadline = time.monotonic() + rule.duration_s
        while time.monotonic() < deadline:
            yield b" "
            time.sleep(min(rule.keepalive_s, max(deadline - time.monotonic(), 0)))
        if rule.whitespace_first:
            yield b"\n" + declaration
        yield tail

    if not ctx.before:
        ctx.run()
    reply = handlers.Reply(200, [("Content-Type", wire.XML_CONTENT_TYPE)], stream(), None)
    reply.error_code = rule.code
    return reply


def _corrupt_etag(ctx: FaultContext) -> handlers.Reply:
    """Apply the request, answer an ETag that is not the part's."""
    reply = ctx.run()
    reply.headers = [
        (name, f'"{hashlib.md5(value.encode()).hexdigest()}"' if name == "ETag" else value)
        for name, value in reply.headers
    ]
    return reply


def _cut_request(ctx: FaultContext) -> handlers.Reply:
    """Read ``after_bytes`` of the request body, then drop the connection with a TCP reset: the client
    sees its upload die mid-body. Nothing of the request is applied."""
    connection = connection_of(ctx.environ, Action.CUT_REQUEST.value)
    stream = ctx.environ["wsgi.input"]
    left = ctx.rule.after_bytes
    scratch = bytearray(min(_CUT_PIECE, max(left, 1)))
    while left > 0:
        got = stream.readinto(memoryview(scratch)[: min(left, len(scratch))])
        if not got:
            break
        left -= got
    connection.reset()
    return handlers.Reply(500, [], b"")  # never sent


def _stall_request(ctx: FaultContext) -> handlers.Reply:
    """After ``after_bytes`` of the request body, stop reading it for ``delay_s``, then go on."""
    ctx.environ["wsgi.input"] = _StalledInput(
        ctx.environ["wsgi.input"], ctx.rule.after_bytes, ctx.rule.delay_s
    )
    return ctx.run()


def _bandwidth(ctx: FaultContext) -> handlers.Reply:
    """Read the request body (``direction="request"``) or send the answer's body (``"response"``) at
    ``bytes_per_s``."""
    rate = ctx.rule.bytes_per_s
    assert rate is not None
    if ctx.rule.direction == "request":
        ctx.environ["wsgi.input"] = _PacedInput(ctx.environ["wsgi.input"], rate)
        return ctx.run()
    reply = ctx.run()
    length = _length(reply)
    reply.body = _paced(handlers.iter_body(reply.body), rate)
    reply.length = length
    return reply


def _throttle(ctx: FaultContext) -> handlers.Reply:
    """Over the rule's rate: 503 SlowDown with Retry-After, the request not applied."""
    refused = ctx.error_reply(errors.SlowDown())
    refused.headers.extend(ctx.rule.error_headers())
    return refused


def _sequence(ctx: FaultContext) -> handlers.Reply:  # pragma: no cover - the injector hands out steps
    raise AssertionError("a sequence fires as its steps")


PERFORM: dict[Action, Callable[[FaultContext], handlers.Reply]] = {
    Action.ERROR: _error,
    Action.DELAY: _delay,
    Action.RESET: _reset,
    Action.TRUNCATE: _truncate,
    Action.EMBEDDED_ERROR: _embedded_error,
    Action.CORRUPT_ETAG: _corrupt_etag,
    Action.CUT_REQUEST: _cut_request,
    Action.STALL_REQUEST: _stall_request,
    Action.BANDWIDTH: _bandwidth,
    Action.THROTTLE: _throttle,
    Action.SEQUENCE: _sequence,
}


def perform(ctx: FaultContext) -> handlers.Reply:
    """Carry out the action of the rule that fired."""
    return PERFORM[Action(ctx.rule.action)](ctx)


def _length(reply: handlers.Reply) -> int | None:
    if isinstance(reply.body, bytes):
        return reply.length if reply.length is not None else len(reply.body)
    return reply.length


def _truncated(body: Iterable[Any], length: int | None, fraction: float) -> Iterator[bytes]:
    """The first ``fraction`` of a response body (by its length; of its first piece when the length is
    unknown), then nothing."""
    budget = int(length * fraction) if length else None
    for data in body:
        if budget is None:
            yield bytes(data)[: max(len(data) // 2, 1)]
            return
        if budget <= 0:
            return
        yield bytes(data)[:budget]
        budget -= len(data)


class _Pace:
    """Sleeps so that what has passed never runs ahead of ``rate`` bytes a second."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.piece = max(1, min(_PACE_PIECE, int(rate / 10)))
        self._started: float | None = None
        self._passed = 0

    def passed(self, count: int) -> None:
        now = time.monotonic()
        if self._started is None:
            self._started = now
        self._passed += count
        ahead = self._started + self._passed / self.rate - now
        if ahead > 0:
            time.sleep(ahead)


def _paced(body: Iterable[Any], rate: float) -> Iterator[bytes]:
    pace = _Pace(rate)
    for data in body:
        view = memoryview(bytes(data) if not isinstance(data, (bytes, bytearray, memoryview)) else data)
        for start in range(0, len(view), pace.piece):
            piece = bytes(view[start : start + pace.piece])
            yield piece
            pace.passed(len(piece))


class _PacedInput:
    """``wsgi.input`` read at most ``rate`` bytes a second."""

    def __init__(self, stream: bodies.BodyStream, rate: float) -> None:
        self._stream = stream
        self._pace = _Pace(rate)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)[: self._pace.piece]
        got = int(self._stream.readinto(view) or 0)
        self._pace.passed(got)
        return got


class _StalledInput:
    """``wsgi.input`` that stops for ``seconds`` once ``after`` bytes have been read."""

    def __init__(self, stream: bodies.BodyStream, after: int, seconds: float) -> None:
        self._stream = stream
        self._left = after
        self._seconds = seconds
        self._stalled = False

    def readinto(self, buffer: Any) -> int:
        if not self._stalled and self._left <= 0:
            self._stalled = True
            time.sleep(self._seconds)
        view = memoryview(buffer)
        if not self._stalled:
            view = view[: self._left]
        got = int(self._stream.readinto(view) or 0)
        self._left -= got
        return got
