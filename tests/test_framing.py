"""The handler's framing decisions as pure functions (issue 16 item 3), one RFC rule per case."""

from __future__ import annotations

import pytest

from pytest_s3mpu.serving.framing import (
    AnswerFraming,
    BodyFraming,
    answer_framing,
    body_framing,
    expects_continue,
    keep_alive,
)
from pytest_s3mpu.state import errors


@pytest.mark.parametrize(
    ("version", "connection", "kept"),
    [
        ((1, 1), None, True),  # RFC 9112 §9.3: HTTP/1.1 persists by default
        ((1, 1), "close", False),
        ((1, 1), "Close", False),  # connection options are case-insensitive (RFC 9110 §7.6.1)
        ((1, 0), None, False),  # HTTP/1.0: only when asked
        ((1, 0), "keep-alive", True),
        ((1, 0), "KEEP-ALIVE", True),
        ((1, 1), "upgrade", True),  # another option changes nothing
    ],
)
def test_keep_alive(version, connection, kept):
    assert keep_alive(version, connection) is kept


@pytest.mark.parametrize(
    ("version", "expect", "waits"),
    [
        ((1, 1), "100-continue", True),  # RFC 9110 §10.1.1
        ((1, 1), "100-Continue", True),
        ((1, 0), "100-continue", False),  # an HTTP/1.0 client cannot read a 1xx answer
        ((1, 1), None, False),
        ((1, 1), "something-else", False),
    ],
)
def test_expects_continue(version, expect, waits):
    assert expects_continue(version, expect) is waits


@pytest.mark.parametrize(
    ("transfer_encoding", "lengths", "framing"),
    [
        (None, [], BodyFraming(chunked=False, length=None)),
        (None, ["3"], BodyFraming(chunked=False, length=3)),
        (None, ["003"], BodyFraming(chunked=False, length=3)),
        (None, ["3", "3"], BodyFraming(chunked=False, length=3)),  # the same value repeated: one length
        (None, ["3, 3"], BodyFraming(chunked=False, length=3)),
        ("chunked", [], BodyFraming(chunked=True, length=None)),
        ("Chunked", ["5"], BodyFraming(chunked=True, length=None)),  # RFC 9112 §6.3: chunked wins
    ],
)
def test_body_framing(transfer_encoding, lengths, framing):
    assert body_framing(transfer_encoding, lengths) == framing


@pytest.mark.parametrize(
    ("transfer_encoding", "lengths", "error"),
    [
        ("gzip", [], errors.NotImplementedByS3),  # RFC 9112 §6.1; S3 answers 501 naming the header
        ("gzip, chunked", [], errors.NotImplementedByS3),
        (None, ["3", "4"], errors.BadRequest),  # RFC 9112 §6.3: differing lengths cannot be framed
        (None, ["3, 4"], errors.BadRequest),
        (None, ["-1"], errors.BadRequest),
        (None, ["+3"], errors.BadRequest),
        (None, ["0x10"], errors.BadRequest),
    ],
)
def test_body_framing_refuses(transfer_encoding, lengths, error):
    with pytest.raises(error):
        body_framing(transfer_encoding, lengths)


def test_declared_length_of_a_body_without_content_length_is_zero():
    assert BodyFraming(chunked=False, length=None).declared_length == 0


@pytest.mark.parametrize(
    ("version", "status", "head", "sized", "framed"),
    [
        ((1, 1), 200, False, True, AnswerFraming(chunked=False, close=False)),  # Content-Length frames it
        ((1, 1), 403, False, False, AnswerFraming(chunked=True, close=False)),  # RFC 9112 §7.1
        (
            (1, 0),
            403,
            False,
            False,
            AnswerFraming(chunked=False, close=True),
        ),  # §7.1: not for 1.0; §6.3 item 8
        ((1, 0), 200, False, True, AnswerFraming(chunked=False, close=False)),
        ((1, 1), 200, True, False, AnswerFraming(chunked=False, close=False)),  # §6.3 item 1: HEAD has none
        ((1, 0), 204, False, False, AnswerFraming(chunked=False, close=False)),  # §6.3 item 1: 204, 304
        ((1, 1), 304, False, False, AnswerFraming(chunked=False, close=False)),
    ],
)
def test_answer_framing(version, status, head, sized, framed):
    assert answer_framing(version, status, head, sized) == framed
