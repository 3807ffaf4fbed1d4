"""The journal of requests the server answered, and the questions tests ask of it.

Layer 4 (beside faults): plain records, no HTTP. The app appends one entry per answered request.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

FIELD_CHARS = 1024  # a text field longer than this (S3's longest key is 1024 bytes) is cut, and says so
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# What a kept entry costs besides its strings: the tuple, two floats, a few ints. Measured with tracemalloc
# (scripts/measure_state_memory.py): ~430 bytes in all for a 7-character key and a UUID invocation id,
# which this estimates as ~560 (constant strings like the operation's name are shared, yet counted).
ENTRY_OVERHEAD = 300


def _cut(text: str) -> str:
    return f"{text[:FIELD_CHARS]}...[cut: {len(text)} characters]"


def _bounded(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    """The entry with every text field of over ``FIELD_CHARS`` characters cut to that, marked as cut."""
    return tuple(_cut(v) if type(v) is str and len(v) > FIELD_CHARS else v for v in entry)


# ``sys.getsizeof`` of a str, without its generic look-up (a str is not tracked by the collector, so the two
# agree); ``getsizeof`` was a third of what recording an entry cost.
_str_size = str.__sizeof__


def _pairs_cost(pairs: tuple[Any, ...]) -> int:
    """A header tuple's size plus, per pair, 64 and the sizes of the name and value."""
    try:
        texts = sum(map(_str_size, itertools.chain.from_iterable(pairs)))
    except TypeError:  # a value that is not a plain str: measured as sys.getsizeof measures it
        texts = sum(map(sys.getsizeof, itertools.chain.from_iterable(pairs)))
    return sys.getsizeof(pairs) + 64 * len(pairs) + texts


def _cost(row: tuple[Any, ...]) -> int:
    """About what keeping ``row`` costs in memory, in bytes: each text field's size and each header
    tuple's (``_pairs_cost``)."""
    cost = ENTRY_OVERHEAD
    for value in row:
        kind = type(value)
        if kind is str:
            cost += _str_size(value)
        elif kind is tuple and value:
            cost += _pairs_cost(value)
    return cost


def _kept(entry: tuple[Any, ...]) -> tuple[tuple[Any, ...], int]:
    """The row to keep (``_bounded``) and its ``_cost``, in one pass over the entry when nothing needs
    cutting (the common case)."""
    cost = ENTRY_OVERHEAD
    for value in entry:
        kind = type(value)
        if kind is str:
            if len(value) > FIELD_CHARS:
                row = _bounded(entry)
                return row, _cost(row)
            cost += _str_size(value)
        elif kind is tuple and value:
            cost += _pairs_cost(value)
    return entry, cost


Headers = tuple[tuple[str, str], ...]

# The request headers a test asserts on, by lower-case name, besides every x-amz-checksum-* and x-amz-meta-*.
REQUEST_HEADERS = frozenset(
    {
        "content-type",
        "content-md5",
        "content-encoding",
        "x-amz-sdk-checksum-algorithm",
        "x-amz-checksum-type",
        "x-amz-content-sha256",
        "x-amz-decoded-content-length",
        "user-agent",
        "expect",
        "range",
        "if-match",
        "if-none-match",
        "authorization",
    }
)
# The response headers that say what happened, by lower-case name, besides every x-amz-checksum-*.
RESPONSE_HEADERS = frozenset(
    {
        "etag",
        "content-range",
        "x-amz-version-id",
        "x-amz-delete-marker",
        "x-amz-abort-date",
        "x-amz-abort-rule-id",
        "x-amz-expiration",
        "retry-after",
        "x-amz-retry-after",
    }
)
_REQUEST_PREFIXES = ("x-amz-checksum-", "x-amz-meta-")
_RESPONSE_PREFIX = "x-amz-checksum-"


def _redacted(authorization: str) -> str:
    """The Authorization header without its signature: scheme, credential scope and signed headers only."""
    head, found, _ = authorization.partition("Signature=")
    return head + "Signature=[redacted]" if found else authorization.split(" ", 1)[0] + " [redacted]"


def request_headers(pairs: Iterable[tuple[str, str]]) -> Headers:
    """The request headers worth keeping, from (lower-case name, value) pairs; Authorization redacted."""
    return tuple(
        [
            (name, _redacted(value[:FIELD_CHARS]) if name == "authorization" else value[:FIELD_CHARS])
            for name, value in pairs
            if name in REQUEST_HEADERS or name.startswith(_REQUEST_PREFIXES)
        ]
    )


def response_headers(pairs: Iterable[tuple[str, str]]) -> Headers:
    """The response headers worth keeping, from (name, value) pairs, names kept as sent."""
    return tuple(
        (name, value)
        for name, value in pairs
        if (lower := name.lower()) in RESPONSE_HEADERS or lower.startswith(_RESPONSE_PREFIX)
    )


class JournalEntry(NamedTuple):
    """One answered request. Names are the JSON names of ``GET /_s3mpu/journal``.

    A named tuple, so the journal can keep it as a plain tuple of plain values (see ``Journal``).

    :param status: the HTTP status sent, or None when a fault dropped the connection before any byte.
    :param attempt: the SDK's retry attempt (``amz-sdk-request: attempt=N``), None when not sent.
    :param method: the HTTP method.
    :param path: for a request the double answers with no operation of its own (``NotImplemented``,
        ``MethodNotAllowed``, a bad URI), its path and query as sent, so the journal shows what was asked;
        None otherwise (``bucket`` and ``key`` say it).
    :param access_key: the access key id the request was signed with (its Authorization header or
        X-Amz-Credential), None for an unsigned one.
    :param auth: what signature verification made of it: ``header``, ``presigned`` or ``post`` (a
        browser POST form; verified), ``anonymous`` (not signed at all: judged by the bucket's grants),
        ``refused`` (``error_code`` says why); None while verification is
        off (and for a form refused before its signature was read).
    :param query: the query string as sent (None when there was none).
    :param request_headers: the request headers a test asserts on (``REQUEST_HEADERS``, every
        ``x-amz-checksum-*`` and ``x-amz-meta-*``), by lower-case name; Authorization without its signature.
    :param response_headers: the response headers that say what happened (``RESPONSE_HEADERS``).
    :param fault_action: the action of the fault rule that fired (``error``, ``delay``, ...).
    :param lifecycle: for an entry the server wrote itself, the lifecycle action it took
        (``AbortIncompleteMultipartUpload`` or ``Expiration``, with the rule's id); None for requests.
    """

    seq: int
    time: float
    operation: str
    bucket: str | None
    key: str | None
    upload_id: str | None
    part_number: int | None
    status: int | None
    error_code: str | None
    bytes_in: int
    bytes_out: int
    duration_ms: float
    fault: str | None
    attempt: int | None
    invocation_id: str | None
    method: str | None = None
    path: str | None = None
    access_key: str | None = None
    auth: str | None = None
    query: str | None = None
    request_headers: Headers = ()
    response_headers: Headers = ()
    fault_action: str | None = None
    lifecycle: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()
        data["request_headers"] = dict(self.request_headers)
        data["response_headers"] = dict(self.response_headers)
        return data

    def header(self, name: str) -> str | None:
        """A kept request header's value by case-insensitive name (None: not sent, or not kept)."""
        wanted = name.lower()
        return next((value for key, value in self.request_headers if key == wanted), None)

    def response_header(self, name: str) -> str | None:
        """A kept response header's value by case-insensitive name."""
        wanted = name.lower()
        return next((value for key, value in self.response_headers if key.lower() == wanted), None)


def jsonl(entries: Iterable[JournalEntry]) -> str:
    """Entries as JSON Lines: one compact JSON object per line, each line ending in a newline."""
    return "".join(json.dumps(entry.to_json(), separators=(",", ":")) + "\n" for entry in entries)


class Journal:
    """Thread-safe, append-only list of entries with helpers for assertions.

    :param limit: keep only the newest ``limit`` entries (None: all). A long-running standalone server
        sets one, so the journal does not grow with every request it ever answers; ``seq`` keeps counting.
    :param max_bytes: keep only the newest entries that fit in about this many bytes, so that requests
        with huge keys or headers cannot fill memory either; a text field over ``FIELD_CHARS`` characters
        is cut to that and ends with ``...[cut: N characters]``.
    """

    def __init__(self, limit: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"journal limit must be at least 1, not {limit}")
        if max_bytes < 1:
            raise ValueError(f"journal max bytes must be at least 1, not {max_bytes}")
        self.limit = limit
        self.max_bytes = max_bytes
        self._bytes = 0
        # Plain tuples, not entries: CPython's collector stops tracking a plain tuple of untracked values
        # the first time it sees one (never a subclass), so 100,000 kept entries add nothing to the cost
        # of a full collection, nor bring the next one sooner. Entries are rebuilt when asked for.
        self._entries: deque[tuple[Any, ...]] = deque()
        self._lock = threading.Lock()
        self._seq = 0
        # The inspector page with the data embedded, as the app that records here makes it (``html``).
        self.page_html: Callable[[], str] | None = None

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def record(self, entry: JournalEntry) -> None:
        row, cost = _kept(tuple(entry))
        with self._lock:
            self._entries.append(row)
            self._bytes += cost
            entries, limit = self._entries, self.limit
            while len(entries) > 1 and (self._bytes > self.max_bytes or (limit and len(entries) > limit)):
                self._bytes -= _cost(entries.popleft())

    @property
    def kept_bytes(self) -> int:
        """About what the kept entries cost in memory (bounded by ``max_bytes``)."""
        with self._lock:
            return self._bytes

    def dump(self, path: str | os.PathLike[str]) -> int:
        """Write the entries as JSON Lines (one object per line, as ``GET /_s3mpu/journal?format=jsonl``)
        to ``path``, for a CI artefact; returns how many were written."""
        entries = self.entries()
        with open(path, "w", encoding="utf-8") as out:
            out.write(jsonl(entries))
        return len(entries)

    def clear(self) -> None:
        with self._lock:
            self._entries = deque()
            self._bytes = 0
            self._seq = 0

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            kept = list(self._entries)
        return sorted(map(JournalEntry._make, kept), key=lambda e: e.seq)

    def newest(self, count: int) -> list[JournalEntry]:
        """The newest ``count`` entries kept, in ``seq`` order: what a page polled every second can afford
        (``entries()`` rebuilds every kept entry)."""
        with self._lock:
            kept = list(itertools.islice(reversed(self._entries), count))
        return sorted(map(JournalEntry._make, kept), key=lambda e: e.seq)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def requests(self, operation: str | None = None, **match: Any) -> list[JournalEntry]:
        """Entries of one operation (or all), filtered on any field.

        ``requests("UploadPart", part_number=2)``
        """
        return [
            entry
            for entry in self.entries()
            if (operation is None or entry.operation == operation)
            and all(getattr(entry, name) == value for name, value in match.items())
        ]

    def attempts(self, operation: str, **match: Any) -> list[int | None]:
        """The SDK attempt numbers of each matching request, in order (``[1, 2, 3]`` after two retries)."""
        return [entry.attempt for entry in self.requests(operation, **match)]

    def part_attempts(self, part_number: int, upload_id: str | None = None) -> int:
        """How many times UploadPart was sent for this part number."""
        match: dict[str, Any] = {"part_number": part_number}
        if upload_id is not None:
            match["upload_id"] = upload_id
        return len(self.requests("UploadPart", **match))

    def failed(self) -> list[JournalEntry]:
        """Requests answered with an error status, or dropped by a fault (lifecycle actions are none)."""
        return [
            e
            for e in self.entries()
            if e.lifecycle is None and (e.status is None or e.status >= 400 or e.error_code)
        ]

    def aborted(self, upload_id: str | None = None) -> bool:
        """Whether an AbortMultipartUpload (of this upload, if given) succeeded."""
        return any(
            e.status == 204 and (upload_id is None or e.upload_id == upload_id)
            for e in self.requests("AbortMultipartUpload")
        )

    def html(self, path: str | Path) -> Path:
        """Write the inspector page (buckets, uploads and parts, fault rules, this journal as a timeline)
        as one self-contained HTML file with the data in it, for a test's artifacts; returns its path."""
        if self.page_html is None:
            raise RuntimeError("this journal is not attached to an S3 app: it has no inspector page")
        target = Path(path)
        target.write_text(self.page_html(), encoding="utf-8")
        return target

    def table(self, limit: int = 200) -> str:
        """A compact text table, as the plugin adds to a failing test's report."""
        rows = [("seq", "operation", "bucket/key", "part", "status", "error", "fault", "attempt", "ms")]
        for e in self.entries()[-limit:]:
            target = (
                f"{e.bucket or ''}/{e.key or ''}".rstrip("/") if e.path is None else f"{e.method} {e.path}"
            )
            rows.append(
                (
                    str(e.seq),
                    e.operation,
                    target[:48],
                    "" if e.part_number is None else str(e.part_number),
                    str(e.status) if e.status is not None else "lifecycle" if e.lifecycle else "dropped",
                    e.error_code or "",
                    e.fault or "",
                    "" if e.attempt is None else str(e.attempt),
                    f"{e.duration_ms:.1f}",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
        )
