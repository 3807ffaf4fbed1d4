"""A browser-based POST upload's body (``multipart/form-data``): its fields, and its file streamed once
into the buffer the store keeps, hashed on the way.

Layer 3 (protocol), on werkzeug's own multipart parser (``werkzeug.sansio.multipart``, the one its
form parser drives), used at its event level because S3 reads the form in order: the fields before the
file count, anything after the file is ignored (AWS API reference, "POST Object": "the file or content
must be the last field in the form"). Bounded: the fields before the file at most
``MAX_FIELDS_BYTES`` (MaxPostPreDataLengthExceededError), the file at most ``limit`` (EntityTooLarge),
and nothing is read past the request's Content-Length.
"""

from __future__ import annotations

import hashlib
import mmap
from dataclasses import dataclass, field

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from pytest_s3mpu.protocol.bodies import READ_SLICE, BodyStream, GrowingBuffer
from pytest_s3mpu.state import errors
from pytest_s3mpu.state.checksums import Algorithm, new_hasher
from pytest_s3mpu.state.model import Buffer, Hollow, Payload

FORM_DATA = "multipart/form-data"
FILE_FIELD = "file"
# S3's bound on the form fields before the file (the error names it; its size is S3's 20 KB).
MAX_FIELDS_BYTES = 20 * 1024


@dataclass(slots=True)
class PostForm:
    """The form as S3 reads it: ``fields`` (name as sent, value) before the file, in order; the file's
    ``filename`` (None when the file came as a plain field) and its bytes."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    filename: str | None = None
    payload: Payload | None = None

    def lookup(self) -> dict[str, str]:
        """The fields by lower-case name (a repeated one keeps its first value)."""
        found: dict[str, str] = {}
        for name, value in self.fields:
            found.setdefault(name.lower(), value)
        return found


def header_text(value: str) -> str:
    """A form field that becomes a response header (Cache-Control, Content-Disposition, ...): the field
    is UTF-8 text, and S3 keeps what ISO-8859-1 can carry, each other character a space ("é" kept,
    an em dash a space) [LS-AWS: test_post_object_with_unicode_metadata, recorded 2026-02-21]."""
    return "".join(char if ord(char) < 256 else " " for char in value)


def boundary(content_type: str | None) -> str:
    """The multipart boundary of a POST's Content-Type; PreconditionFailed for any other enclosure."""
    mime, options = parse_options_header(content_type or "")
    if mime.lower() != FORM_DATA:
        raise errors.PreconditionFailed(errors.Condition.POST_ENCLOSURE)
    found = options.get("boundary")
    if not found:
        raise errors.MalformedPOSTRequest()
    return found


class _FileSink:
    """The file's bytes: one copy into a growing buffer (or hashed only), MD5 and CRC64NVME computed."""

    def __init__(self, room: int, limit: int, keep: bool) -> None:
        self.buffer = GrowingBuffer(max(room, 0)) if keep else None
        self.limit = limit
        self.size = 0
        self.md5 = hashlib.md5()
        self.crc = new_hasher(Algorithm.CRC64NVME)

    def write(self, data: bytes) -> None:
        end = self.size + len(data)
        if end > self.limit:
            raise errors.EntityTooLarge(end, self.limit)
        if self.buffer is not None:
            self.buffer.reserve(end)
            with memoryview(self.buffer.data) as view:
                view[self.size : end] = data
        self.md5.update(data)
        self.crc.update(data)
        self.size = end

    def payload(self) -> Payload:
        data: Buffer
        if self.buffer is None:
            return Payload(data=Hollow(self.size), md5=self.md5.digest(), digests=self._digests())
        stored = self.buffer.data
        if isinstance(stored, mmap.mmap):
            if self.size:
                stored.resize(self.size)
                data = stored
            else:
                stored.close()
                data = b""
        else:
            del stored[self.size :]
            data = stored
        return Payload(data=data, md5=self.md5.digest(), digests=self._digests())

    def _digests(self) -> dict[Algorithm, bytes]:
        return {Algorithm.CRC64NVME: self.crc.digest()}


def read(stream: BodyStream, length: int, boundary_text: str, limit: int, keep: bool = True) -> PostForm:
    """Parse the form of ``length`` bytes from ``stream``: MalformedPOSTRequest if it is not
    well-formed multipart/form-data; the file is the part named ``file``."""
    decoder = MultipartDecoder(boundary_text.encode("latin-1"))
    form = PostForm()
    sink: _FileSink | None = None
    current: str | None = None  # "field", "file" or "after"
    name = ""
    value = bytearray()
    pre_data = 0
    remaining = length
    chunk = bytearray(min(READ_SLICE, max(length, 1)))
    finished = False
    try:
        while not finished:
            event = decoder.next_event()
            if isinstance(event, NeedData):
                if remaining <= 0:
                    decoder.receive_data(None)
                    continue
                with memoryview(chunk) as view:
                    got = stream.readinto(view[: min(len(chunk), remaining)]) or 0
                if got == 0:
                    raise errors.IncompleteBody()
                remaining -= got
                decoder.receive_data(bytes(chunk[:got]))
            elif isinstance(event, Field | File) and current != "after":
                if sink is not None:
                    current = "after"  # S3 ignores what follows the file
                elif event.name.lower() == FILE_FIELD:
                    current = "file"
                    form.filename = event.filename if isinstance(event, File) else None
                    sink = _FileSink(length, limit, keep)
                else:
                    current, name, value = "field", event.name, bytearray()
            elif isinstance(event, Data):
                if current == "file" and sink is not None:
                    sink.write(event.data)
                elif current == "field":
                    value += event.data
                    pre_data += len(event.data)
                    if pre_data > MAX_FIELDS_BYTES:
                        raise errors.MaxPostPreDataLengthExceededError()
                    if not event.more_data:
                        form.fields.append((name, value.decode("utf-8", errors="replace")))
                if not event.more_data and current == "file":
                    current = "after"
            elif isinstance(event, Epilogue):
                finished = True
    except (ValueError, RequestEntityTooLarge):
        raise errors.MalformedPOSTRequest() from None
    _drain(stream, remaining, chunk)
    if sink is None:
        raise errors.InvalidArgument(errors.POST_ONE_FILE, FILE_FIELD, "0")
    form.payload = sink.payload()
    return form


def _drain(stream: BodyStream, remaining: int, chunk: bytearray) -> None:
    """Read what follows the closing boundary (an epilogue), so the connection can serve another
    request."""
    with memoryview(chunk) as view:
        while remaining > 0:
            got = stream.readinto(view[: min(len(chunk), remaining)]) or 0
            if got == 0:
                return
            remaining -= got
