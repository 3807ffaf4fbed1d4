"""Request bodies: chunked framing (HTTP's and aws-chunked, one grammar), bounded reads, one-pass hashing.

Layer 3 (protocol). Reads a body once, in bounded slices, into one buffer that grows with the bytes received
(never reserved at the declared length: a client declaring 1 GiB and sending 10 bytes holds about nothing),
updating every hasher as the bytes arrive. Framing errors become
S3 errors (``IncompleteBody``, ``MalformedTrailerError``); whether the digests match is the store's rule.
"""

from __future__ import annotations

import errno
import hashlib
import io
import mmap
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from pytest_s3mpu.protocol import sigv4, wire
from pytest_s3mpu.state import errors
from pytest_s3mpu.state.checksums import Algorithm, Hasher, new_hasher
from pytest_s3mpu.state.model import Hollow, Payload

READ_SLICE = 1024 * 1024
MAPPED_FROM = 256 * 1024  # bodies this large go into anonymous memory maps
FIRST_MAP = 1024 * 1024  # a mapped body's first reservation; it doubles as bytes arrive
# Private, not mmap's default shared: a shared anonymous map cannot grow (mremap keeps its shmem object's
# size, and writing past it is SIGBUS).
_MAP_FLAGS = {"flags": mmap.MAP_PRIVATE} if hasattr(mmap, "MAP_PRIVATE") else {}
MAX_LINE = 4096
MAX_TRAILER_LINES = 64
_HEX = re.compile(rb"[0-9a-fA-F]{1,16}\Z")
_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}\Z")


class FramingError(Exception):
    """Chunked framing that does not parse; ``in_trailer`` tells which S3 error it maps to."""

    def __init__(self, reason: str, in_trailer: bool = False) -> None:
        super().__init__(reason)
        self.in_trailer = in_trailer


class BodyStream(Protocol):
    """Anything a body can be read from: a socket file, a decoder, a BytesIO."""

    def readinto(self, buffer: Any, /) -> int | None: ...


class LineSource(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...

    def readinto(self, buffer: memoryview, /) -> int | None: ...


class ChunkedReader(io.RawIOBase):
    """Decodes ``<hex>[;ext]\\r\\n<data>\\r\\n ... 0[;ext]\\r\\n<trailers>\\r\\n`` from ``source``.

    HTTP/1.1 chunked transfer coding and S3's aws-chunked encoding share this grammar (chunk extensions
    carry aws-chunked's signatures), so one decoder serves both layers. Data is read straight into the
    caller's buffer; a declared chunk size costs nothing until its bytes arrive.

    :param limit: the most data bytes accepted in total; a chunk claiming more is a framing error.
    :param chain: the signatures a signed aws-chunked body must carry: each chunk's is checked as soon as
        its last byte has arrived (``SignatureDoesNotMatch``), so a forged chunk is never accepted.
    """

    def __init__(self, source: LineSource, limit: int, chain: sigv4.ChunkChain | None = None) -> None:
        super().__init__()
        self._source = source
        self._limit = limit
        self._left_in_chunk = 0
        self._total = 0
        self._done = False
        self.trailers: list[tuple[str, str]] = []
        self._chain = chain
        self._chunk_signature: str | None = None
        self._chunk_hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    @property
    def finished(self) -> bool:
        """Whether the last chunk and the trailers have been read."""
        return self._done

    def _line(self, in_trailer: bool = False) -> bytes:
        line = self._source.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise FramingError("line too long", in_trailer)
        if not line.endswith(b"\r\n"):
            raise FramingError("line not terminated by CRLF", in_trailer)
        return line[:-2]

    def _start_chunk(self) -> None:
        size_text, _, extension = self._line().partition(b";")
        size_text = size_text.strip()
        if not _HEX.match(size_text):
            raise FramingError(f"bad chunk size {size_text[:32]!r}")
        size = int(size_text, 16)
        if self._total + size > self._limit:
            raise FramingError("chunk larger than the declared length")
        if self._chain is not None:
            self._chunk_signature = sigv4.chunk_signature(extension)
            self._chunk_hash = hashlib.sha256()
        if size == 0:
            if self._chain is not None:
                self._chain.chunk(self._chunk_signature, sigv4.EMPTY_SHA256)
            self._read_trailers()
            if self._chain is not None and self._chain.trailer:
                self._check_trailer_signature(self._chain)
            self._done = True
        self._left_in_chunk = size

    def _check_trailer_signature(self, chain: sigv4.ChunkChain) -> None:
        provided = [value for name, value in self.trailers if name == wire.TRAILER_SIGNATURE]
        lines = [(name, value) for name, value in self.trailers if name != wire.TRAILER_SIGNATURE]
        chain.trailers(provided[0] if provided else None, lines)

    def _read_trailers(self) -> None:
        for _ in range(MAX_TRAILER_LINES):
            line = self._line(in_trailer=True)
            if not line:
                return
            name, sep, value = line.partition(b":")
            if not sep or not name.strip():
                raise FramingError("trailer line without a name", in_trailer=True)
            try:
                self.trailers.append((name.strip().decode("ascii").lower(), value.strip().decode("ascii")))
            except UnicodeDecodeError:
                raise FramingError("trailer not ASCII", in_trailer=True) from None
        raise FramingError("too many trailer lines", in_trailer=True)

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._done or not len(view):
            return 0
        if self._left_in_chunk == 0:
            self._start_chunk()
            if self._done:
                return 0
        want = min(len(view), self._left_in_chunk)
        got = self._source.readinto(view[:want]) or 0
        if got == 0:
            raise FramingError("body ended inside a chunk")
        self._left_in_chunk -= got
        self._total += got
        if self._chain is not None:
            self._chunk_hash.update(view[:got])
        if self._left_in_chunk == 0:
            if self._source.readline(3) != b"\r\n":
                raise FramingError("chunk data not followed by CRLF")
            if self._chain is not None:
                self._chain.chunk(self._chunk_signature, self._chunk_hash.hexdigest())
        return got


class LengthReader(io.RawIOBase):
    """At most ``length`` bytes of ``source``: the body of a request with a Content-Length."""

    def __init__(self, source: BodyStream, length: int) -> None:
        super().__init__()
        self._source = source
        self.remaining = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = min(len(view), self.remaining)
        if want <= 0:
            return 0
        got = self._source.readinto(view[:want]) or 0
        self.remaining -= got
        return got


class GrowingBuffer:
    """The buffer a body of ``size`` declared bytes is read into, reserved as its bytes arrive.

    Small bodies get a ``bytearray`` of their size. Large ones get an anonymous memory map, first of
    ``FIRST_MAP`` bytes, doubled (never past ``size``) when the next slice would not fit: the kernel
    moves its pages (mremap) without copying them, so the body is still written once, and a
    Content-Length that lies high reserves at most twice what was received. ``data`` is the whole
    body once ``size`` bytes have been reserved. Memory that cannot be had raises ``MemoryError``.
    """

    __slots__ = ("data", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        try:
            self.data: bytearray | mmap.mmap = (
                bytearray(size) if size < MAPPED_FROM else _new_map(min(size, FIRST_MAP))
            )
        except OSError as exc:
            raise _memory_error(exc) from None

    def reserve(self, end: int) -> None:
        """Make room for bytes up to ``end`` (no memoryview of ``data`` may be held meanwhile)."""
        data = self.data
        if end <= len(data):
            return
        assert isinstance(data, mmap.mmap)
        grown = min(self.size, max(end, 2 * len(data)))
        try:
            data.resize(grown)
        except SystemError:  # a platform without mremap: a new map, and one copy of what is there
            try:
                bigger = _new_map(grown)
            except OSError as exc:
                raise _memory_error(exc) from None
            bigger[: len(data)] = data
            data.close()
            self.data = bigger
        except OSError as exc:
            raise _memory_error(exc) from None


def _new_map(size: int) -> mmap.mmap:
    return mmap.mmap(-1, size, **_MAP_FLAGS)


def _memory_error(exc: OSError) -> BaseException:
    """ENOMEM from mmap is the same shortage as a MemoryError; anything else stays what it was."""
    return MemoryError(str(exc)) if exc.errno == errno.ENOMEM else exc


def parse_content_length(value: str | None) -> int | None:
    """A Content-Length header: ASCII digits only, else BadRequest (never Python's lenient int())."""
    if value is None:
        return None
    text = value.strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        raise errors.BadRequest()
    return int(text)


def content_sha256_mode(value: str | None) -> str | None:
    """Classify x-amz-content-sha256: a hex digest, one of S3's tokens, or InvalidArgument (spec §1.5)."""
    if value is None or value == wire.UNSIGNED_PAYLOAD or value in wire.STREAMING_TOKENS:
        return value
    if _SHA256_HEX.match(value):
        return "hex"
    raise errors.InvalidArgument(
        errors.CONTENT_SHA256_INVALID,
        wire.CONTENT_SHA256,
        value,
    )


def is_aws_chunked(headers: Mapping[str, str]) -> bool:
    """Whether the body is aws-chunked (a streaming x-amz-content-sha256, or Content-Encoding naming it):
    the app works this out once per request (``Call.aws_chunked``) and passes it on."""
    if headers.get(wire.CONTENT_SHA256) in wire.STREAMING_TOKENS:
        return True
    coding = headers.get("Content-Encoding")
    return coding is not None and wire.AWS_CHUNKED in [e.strip().lower() for e in coding.split(",")]


def declared_size(
    headers: Mapping[str, str], content_length: int | None, aws_chunked: bool | None = None
) -> int | None:
    """The decoded body size the request announces, before any byte is read.

    :param aws_chunked: ``is_aws_chunked(headers)`` when the caller knows it already.
    """
    if is_aws_chunked(headers) if aws_chunked is None else aws_chunked:
        raw = headers.get(wire.DECODED_LENGTH)
        if raw is None or not raw.isascii() or not raw.isdigit():
            return None
        return int(raw)
    return content_length


# (algorithm, its x-amz-checksum-* header), worked out once: Enum iteration and properties cost a few us
# a request on the UploadPart path.
_CLAIM_HEADERS = tuple((algorithm, wire.checksum_header(algorithm)) for algorithm in Algorithm)


def header_claims(headers: Mapping[str, str]) -> dict[Algorithm, str]:
    """The ``x-amz-checksum-{algo}`` request headers, by algorithm."""
    claims: dict[Algorithm, str] = {}
    for algorithm, header in _CLAIM_HEADERS:
        value = headers.get(header)
        if value is not None:
            claims[algorithm] = value.strip()
    return claims


def _announced_algorithms(trailer_names: str | None) -> set[Algorithm]:
    """The checksum algorithms ``x-amz-trailer`` announces."""
    found = set()
    for name in (trailer_names or "").split(","):
        algorithm = Algorithm.parse(name.strip().lower().removeprefix("x-amz-checksum-"))
        if algorithm is not None:
            found.add(algorithm)
    return found


def check_sdk_algorithm(headers: Mapping[str, str], header_sent: Iterable[Algorithm]) -> None:
    """``x-amz-sdk-checksum-algorithm`` must name the checksum the request carries, as a header
    (``header_sent``) or an announced trailer: none at all is one InvalidRequest, another algorithm (or
    an unknown name) another [S3's answers quoted in versitygw#1593 and #1659; hadoop#6467]."""
    value = headers.get(wire.SDK_CHECKSUM_ALGORITHM)
    if value is None:
        return
    sent = set(header_sent) | _announced_algorithms(headers.get(wire.TRAILER))
    if not sent:
        raise errors.sdk_checksum_unmatched()
    if Algorithm.parse(value.strip()) not in sent:
        raise errors.sdk_checksum_invalid()


def _trailer_claims(trailers: Iterable[tuple[str, str]], announced: str | None) -> dict[Algorithm, str]:
    """Checksum trailers; each must be one that ``x-amz-trailer`` announced, and each announced checksum
    must be there (spec §1.5; vgw UnsignedStreaminPayloadTrailer_malformed_trailer)."""
    allowed = {name.strip().lower() for name in (announced or "").split(",") if name.strip()}
    claims: dict[Algorithm, str] = {}
    seen: set[str] = set()
    for name, value in trailers:
        if name == wire.TRAILER_SIGNATURE:
            continue
        algorithm = Algorithm.parse(name.removeprefix("x-amz-checksum-"))
        if not name.startswith("x-amz-checksum-") or algorithm is None or name not in allowed:
            raise errors.MalformedTrailerError()
        claims[algorithm] = value
        seen.add(name)
    if any(name.startswith("x-amz-checksum-") and name not in seen for name in allowed):
        raise errors.MalformedTrailerError()
    return claims


def read_payload(
    stream: BodyStream,
    headers: Mapping[str, str],
    content_length: int | None,
    compute: Iterable[Algorithm],
    keep: bool = True,
    checksum_headers: bool = True,
    aws_chunked: bool | None = None,
    chain: sigv4.ChunkChain | None = None,
    md5: bool = True,
) -> Payload:
    """Read, decode and hash a request body in one pass.

    :param stream: the request body as the server delivers it (HTTP framing already removed).
    :param content_length: the Content-Length header, or None for HTTP chunked bodies.
    :param compute: algorithms the store will need besides those the client claims.
    :param keep: False to hash the bytes and drop them (the ``sizes`` storage mode): the payload's
        data is then a ``Hollow`` of the same length.
    :param checksum_headers: False when the request's ``x-amz-checksum-*`` headers describe something
        other than this body (CompleteMultipartUpload: the object's final checksum); trailers always
        describe the body.
    :param aws_chunked: ``is_aws_chunked(headers)`` when the caller knows it already.
    :param chain: the chunk signatures to check as the body streams (signed aws-chunked bodies).
    :param md5: False when the answer does not use the body's MD5 (a part whose encryption hides it from
        the ETag): it is then computed only to check a Content-MD5, and is None in the payload otherwise.
    """
    sha_mode = content_sha256_mode(headers.get(wire.CONTENT_SHA256))
    chunked = is_aws_chunked(headers) if aws_chunked is None else aws_chunked
    size = declared_size(headers, content_length, chunked)
    if size is None:
        if chunked and content_length is not None:
            raise errors.IncompleteBody()
        raise errors.MissingContentLength()
    header_sent = header_claims(headers)
    check_sdk_algorithm(headers, header_sent)
    claimed = header_sent if checksum_headers else {}
    trailer_names = headers.get(wire.TRAILER)
    repeated: list[tuple[Algorithm, str]] = []
    wanted = set(compute) | set(claimed)
    if chunked:
        wanted |= _announced_algorithms(trailer_names)
    hashers: dict[Algorithm, Hasher] = {algorithm: new_hasher(algorithm) for algorithm in wanted}
    md5_hasher = hashlib.md5() if md5 or headers.get(wire.CONTENT_MD5) is not None else None
    sha256 = hashlib.sha256() if sha_mode == "hex" else None
    every = [hasher for hasher in (md5_hasher, *hashers.values(), sha256) if hasher is not None]

    source: BodyStream = stream
    decoder: ChunkedReader | None = None
    if chunked:
        buffered = io.BufferedReader(_as_raw(stream), buffer_size=64 * 1024)
        decoder = ChunkedReader(buffered, limit=size, chain=chain)
        source = decoder
    buffer = GrowingBuffer(size) if keep else None
    scratch = bytearray(min(size, READ_SLICE)) if buffer is None else None
    offset = 0
    try:
        while offset < size:
            want = min(READ_SLICE, size - offset)
            if buffer is not None:
                buffer.reserve(offset + want)  # may move the map: no view of it is held across this
            start = offset if scratch is None else 0
            target: Any = buffer.data if buffer is not None else scratch
            with memoryview(target) as view:
                with view[start : start + want] as window:
                    got = source.readinto(window) or 0
                if got == 0:
                    raise errors.IncompleteBody()
                with view[start : start + got] as received:
                    for hasher in every:
                        hasher.update(received)
            offset += got
        if decoder is not None:
            # The final zero-size chunk and the trailers must follow the declared bytes exactly.
            if decoder.readinto(bytearray(1)) != 0:
                raise errors.IncompleteBody()
            for algorithm, value in _trailer_claims(decoder.trailers, trailer_names).items():
                if claimed.get(algorithm, value) != value:
                    repeated.append((algorithm, value))
                else:
                    claimed[algorithm] = value
    except FramingError as exc:
        if exc.in_trailer:
            raise errors.MalformedTrailerError() from None
        raise errors.IncompleteBody() from None
    except TimeoutError:
        raise errors.RequestTimeout() from None
    except OSError:
        raise errors.IncompleteBody() from None
    return Payload(
        data=buffer.data if buffer is not None else Hollow(size),
        md5=md5_hasher.digest() if md5_hasher is not None else None,
        digests={algorithm: hasher.digest() for algorithm, hasher in hashers.items()},
        sha256=sha256.digest() if sha256 is not None else None,
        content_md5=headers.get(wire.CONTENT_MD5),
        content_sha256=headers.get(wire.CONTENT_SHA256) if sha_mode == "hex" else None,
        claimed=claimed,
        repeated_claims=tuple(repeated),
    )


def read_small_payload(
    stream: BodyStream,
    headers: Mapping[str, str],
    content_length: int | None,
    limit: int,
    *,
    until_end: bool,
    checksum_headers: bool = True,
    aws_chunked: bool | None = None,
    chain: sigv4.ChunkChain | None = None,
) -> Payload:
    """A small request body (XML) read by the same reader as object bodies, whatever its framing, so the
    same claims reach the same checks (spec §1.3a): Content-Length or HTTP chunked, aws-chunked or not.

    :param until_end: the body is framed by HTTP chunked transfer coding, so its length is known only
        at its end; it is read (bounded by ``limit``) and then handed on with that length.
    :param limit: the most body bytes accepted: MalformedXML past it (a lying declared length
        allocates nothing).
    """
    if content_length is not None and content_length > limit:
        raise errors.MalformedXML()
    chunked = is_aws_chunked(headers) if aws_chunked is None else aws_chunked
    if chunked:
        declared = declared_size(headers, content_length, True)
        if declared is not None and declared > limit:
            raise errors.MalformedXML()
        return read_payload(
            stream,
            headers,
            content_length,
            (),
            checksum_headers=checksum_headers,
            aws_chunked=True,
            chain=chain,
        )
    if until_end:
        data = read_small_body(stream, limit)
        return read_payload(
            io.BytesIO(data), headers, len(data), (), checksum_headers=checksum_headers, aws_chunked=False
        )
    return read_payload(
        stream, headers, content_length or 0, (), checksum_headers=checksum_headers, aws_chunked=False
    )


def read_small_body(stream: BodyStream, limit: int) -> bytes:
    """A small body of unknown length (HTTP chunked), bounded by ``limit`` bytes: MalformedXML past it.
    Held: what was received, never the limit up front."""
    data = bytearray()
    scratch = bytearray(64 * 1024)
    try:
        while len(data) <= limit:
            got = stream.readinto(scratch) or 0
            if got == 0:
                break
            with memoryview(scratch) as view:
                data += view[:got]
    except FramingError:
        raise errors.IncompleteBody() from None
    except TimeoutError:
        raise errors.RequestTimeout() from None
    except OSError:
        raise errors.IncompleteBody() from None
    if len(data) > limit:
        raise errors.MalformedXML()
    return bytes(data)


class _RawAdapter(io.RawIOBase):
    """Lets io.BufferedReader sit on any object with ``readinto``."""

    def __init__(self, stream: BodyStream) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        return self._stream.readinto(buffer) or 0


def _as_raw(stream: BodyStream) -> io.RawIOBase:
    return stream if isinstance(stream, io.RawIOBase) else _RawAdapter(stream)
