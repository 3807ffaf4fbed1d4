"""The head of an HTTP/1.1 request: its request line and header fields, read strictly.

Layer 6 (server), no S3 rule. http.server reads header fields through the ``email`` package, which
costs about a quarter of the server's time per small request, folds continuation lines, and treats a
line it cannot parse as the start of a body (silently dropping the fields after it). This reads the
fields as RFC 9112 §5 lays them out, refusing what it forbids instead of guessing: whitespace before
the colon, obsolete line folding, CR, LF or NUL inside a value (RFC 9110 §5.5). The field section is
at most ``MAX_HEAD_SIZE`` bytes in all (S3 refuses more than 8 KiB), at most 100 fields (http.server's
limit); the request line is limited on its own (65,536 bytes, http.server's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

MAX_LINE = 65536
MAX_FIELDS = 100
# S3's limit on a request's header section (RequestHeaderSectionTooLarge, MaxSizeAllowed 8192): the field
# lines with their line ends, the request line not counted.
MAX_HEAD_SIZE = 8192

# One field line: a token (RFC 9110 §5.6.2) right before the colon, optional white space, a value with no
# CR, LF or NUL in it, then the line's end (CRLF, or a lone LF as http.server accepts). The value is taken
# greedily and its trailing white space stripped after: a lazy value followed by optional white space
# made the engine try every position of the line as the value's end (12 us for a SigV4 Authorization).
_FIELD_LINE = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\r\n\x00]*)\r?\n?")
_VERSION = re.compile(r"HTTP/([0-9]{1,10})\.([0-9]{1,10})\Z")


class HeadError(Exception):
    """A request head that cannot be accepted; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def parse_version(word: str) -> tuple[int, int]:
    """``HTTP/1.1`` as (1, 1); a malformed version is 400, 2.0 and later 505 (this server speaks 1.x)."""
    found = _VERSION.match(word)
    if found is None:
        raise HeadError(400)
    number = (int(found.group(1)), int(found.group(2)))
    if number >= (2, 0):
        raise HeadError(505)
    return number


class Fields:
    """Header fields in the order and case sent (iterating gives ``(name, value)`` pairs); ``get``
    looks a name up case-insensitively."""

    __slots__ = ("_fields", "_first")

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._first: dict[str, str] = {}
        for field, value in reversed(fields):
            self._first[field.lower()] = value

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name``, or ``default``."""
        return self._first.get(name.lower(), default)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._fields)


def read_fields(readline: Callable[[int], bytes], max_size: int = MAX_HEAD_SIZE) -> Fields:
    """Read header field lines up to the empty line that ends them (or the end of the stream).

    Never reads more than ``max_size`` bytes of field lines (plus the empty line): a larger section,
    a line over ``MAX_LINE`` bytes or more than ``MAX_FIELDS`` fields raise ``HeadError`` 431; a line
    that is not ``name: value`` raises 400 (RFC 9112 §5.1, §5.2; RFC 9110 §5.5).
    """
    fields: list[tuple[str, str]] = []
    budget = max_size
    while True:
        line = readline(min(budget, MAX_LINE) + 3)  # + 3: room for the "\r\n" that ends the head
        if line in (b"\r\n", b"\n", b""):
            return Fields(fields)
        budget -= len(line)
        if budget < 0 or len(line) > MAX_LINE:
            raise HeadError(431)
        if len(fields) == MAX_FIELDS:
            raise HeadError(431)
        field = _FIELD_LINE.fullmatch(line.decode("latin-1"))
        if field is None:  # no colon, white space before it, a folded line, or CR, LF, NUL in the value
            raise HeadError(400)
        name, value = field.groups()
        fields.append((name, value.rstrip(" \t")))
