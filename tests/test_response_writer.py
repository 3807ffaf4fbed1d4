"""The answer writer on its own (serving/response_writer.py): the bytes it puts on the wire for a sized
body, a chunked one, and the ``Connection: close`` it adds, written to a buffer instead of a socket."""

from __future__ import annotations

import io

from pytest_s3mpu.serving.response_writer import write_answer


def written(headers: list[tuple[str, str]], body: list[bytes], *, close: bool, chunked: bool) -> bytes:
    out = io.BytesIO()
    finished: list[int] = []
    write_answer(
        out,
        "HTTP/1.1",
        "403 Forbidden",
        headers,
        body,
        lambda: finished.append(len(out.getvalue())),
        close=close,
        chunked=chunked,
    )
    assert len(finished) == 1  # the app's close ran once, before the last piece went out
    assert finished[0] < len(out.getvalue())
    return out.getvalue()


def test_chunked_body_is_framed_by_its_chunks_and_the_last_chunk():
    """RFC 9112 §7.1: each piece as a hex size line, the piece and CRLF; the empty last chunk ends it;
    ``Transfer-Encoding: chunked`` in the head and no Content-Length added."""
    wire = written(
        [("Content-Type", "application/xml")], [b"<Error>", b"", b"</Error>"], close=False, chunked=True
    )
    assert wire == (
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"7\r\n<Error>\r\n8\r\n</Error>\r\n0\r\n\r\n"
    )


def test_chunked_answer_that_closes_says_so_before_its_framing():
    wire = written([], [b"x" * 20], close=True, chunked=True)
    assert wire == (
        b"HTTP/1.1 403 Forbidden\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"14\r\n" + b"x" * 20 + b"\r\n0\r\n\r\n"
    )


def test_unchunked_body_goes_out_as_it_is():
    """A sized body (or one an HTTP/1.0 client reads until the close) gets no chunk framing."""
    wire = written([("Content-Length", "5")], [b"ab", b"cde"], close=False, chunked=False)
    assert wire == b"HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\n\r\nabcde"
    wire = written([], [b"<Error/>"], close=True, chunked=False)
    assert wire == b"HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n<Error/>"


def test_large_chunked_piece_is_framed_around_the_uncopied_piece():
    piece = memoryview(b"y" * (70 * 1024))
    wire = written([], [piece], close=False, chunked=True)
    head, _, rest = wire.partition(b"\r\n\r\n")
    assert head.endswith(b"Transfer-Encoding: chunked")
    assert rest == f"{len(piece):x}\r\n".encode() + bytes(piece) + b"\r\n0\r\n\r\n"
