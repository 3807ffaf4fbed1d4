"""User-metadata values on the wire: RFC 2047 encoded-words in, RFC 2047 out where ASCII cannot carry them.

Layer 3 (protocol). S3 stores a metadata value as text: an encoded-word a client sends
(``=?UTF-8?B?YWJj?=``) is stored decoded (``abc``), and a value that is not plain printable ASCII is
answered as an encoded-word: Q-encoding for printable text, B-encoding (base64) for text with control
characters or U+FFFD [LS-AWS: test_user_metadata_rfc2047_encoded, recorded 2026-02-21; User Guide,
"Working with object metadata", user-defined metadata]. Decoding uses the standard library's
``email.header``; the Q alphabet is S3's, not the e-mail one, so the encoder is written here.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from email.errors import HeaderParseError
from email.header import decode_header

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
# Printable ASCII S3 leaves as it is in a Q-encoded word; " " becomes "_", everything else =XX.
_Q_SAFE = frozenset(
    "!\"#$%&'()*+,-./0123456789:;<>@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^`abcdefghijklmnopqrstuvwxyz{|}~\t"
)
# A value of only these characters is answered as sent, not encoded.
_PLAIN = _Q_SAFE | frozenset(" _=?")


def decode(value: str) -> str:
    """The text a metadata header value stands for: encoded-words decoded (a badly encoded one is kept
    as sent: S3 answers bytes no client can rely on there), raw bytes read as UTF-8."""
    if _ENCODED_WORD.search(value):
        try:
            parts = decode_header(value)
        except (HeaderParseError, ValueError):
            return value
        text = []
        for part, charset in parts:
            if isinstance(part, bytes):
                try:
                    text.append(part.decode(charset or "ascii", "replace"))
                except LookupError:  # a charset Python does not know
                    return value
            else:
                text.append(part)
        return "".join(text)
    if not value.isascii():
        # The server reads header bytes as Latin-1 (as WSGI does); S3 reads them as UTF-8.
        return value.encode("latin-1", "replace").decode("utf-8", "replace")
    return value


def encode(text: str) -> str:
    """The header value S3 answers for stored metadata text."""
    if all(char in _PLAIN for char in text):
        return text
    raw = text.encode("utf-8", "surrogatepass")
    if "\ufffd" in text or any(unicodedata.category(char).startswith("C") for char in text):
        return f"=?UTF-8?B?{base64.b64encode(raw).decode('ascii')}?="
    quoted = "".join(_q(byte) for byte in raw)
    return f"=?UTF-8?Q?{quoted}?="


def _q(byte: int) -> str:
    char = chr(byte)
    if char == " ":
        return "_"
    if byte < 128 and char in _Q_SAFE:
        return char
    return f"={byte:02X}"
