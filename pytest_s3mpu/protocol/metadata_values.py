"""User-metadata values on the wire: RFC 2047 encoded-words in, RFC 2047 out where ASCII cannot carry them.

Layer 3 (protocol). S3 stores a metadata value as text: an encoded-word a client sends in a header
(``=?UTF-8?B?YWJj?=``) is stored decoded (``abc``), and a value that is not plain printable ASCII is
answered as an encoded-word: Q-encoding for printable text, B-encoding (base64) for text with control
characters or U+FFFD [LS-AWS: test_user_metadata_rfc2047_encoded, recorded 2026-02-21; User Guide,
"Working with object metadata", user-defined metadata]. Base64 is read leniently, as S3 reads it
[LS-AWS: test_user_metadata_rfc2047_bad_b64_encoded, recorded 2026-02-21]. Values that arrive as text
rather than header bytes (a POST form's fields, a presigned URL's query) are stored as sent: S3 does not
decode encoded-words there [LS-AWS: test_post_object_with_unicode_metadata, recorded 2026-02-21]. The
Q alphabet is S3's, not the e-mail one, so the encoder is written here.
"""

from __future__ import annotations

import base64
import quopri
import re
import string
import unicodedata

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_ENCODED_RUN = re.compile(rf"{_ENCODED_WORD.pattern}(?:\s*{_ENCODED_WORD.pattern})*")
_B64_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
_B64_VALUES = {char: index for index, char in enumerate(_B64_ALPHABET)}
# Printable ASCII S3 leaves as it is in a Q-encoded word; " " becomes "_", everything else =XX.
_Q_SAFE = frozenset(
    "!\"#$%&'()*+,-./0123456789:;<>@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^`abcdefghijklmnopqrstuvwxyz{|}~\t"
)
# A value of only these characters is answered as sent, not encoded.
_PLAIN = _Q_SAFE | frozenset(" _=?")


def decode(value: str) -> str:
    """The text a metadata header value stands for: encoded-words decoded (base64 leniently, bytes that
    are not UTF-8 as U+FFFD), raw bytes read as UTF-8. A word in a charset Python does not know is kept
    as sent."""
    if _ENCODED_WORD.search(value):
        try:
            return _ENCODED_RUN.sub(_decoded_run, value)
        except (LookupError, ValueError):  # a charset Python does not know, or not for text
            return value
    if not value.isascii():
        # The server reads header bytes as Latin-1 (as WSGI does); S3 reads them as UTF-8.
        return value.encode("latin-1", "replace").decode("utf-8", "replace")
    return value


def _decoded_run(match: re.Match[str]) -> str:
    """Adjacent encoded-words, the white space between them dropped (RFC 2047 section 6.2)."""
    return "".join(_decoded_word(word) for word in _ENCODED_WORD.findall(match.group(0)))


def _decoded_word(word: str) -> str:
    charset, encoding, text = word[2:-2].split("?")
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
    if encoding in "bB":
        raw = lenient_b64decode(text)
    else:
        raw = quopri.decodestring(text.encode("latin-1", "replace"), header=True)
    return raw.decode(charset, "replace")


def lenient_b64decode(text: str) -> bytes:
    """Base64 as S3 reads an encoded-word: trailing ``=`` padding dropped, every other character outside
    the alphabet (a misplaced ``=``) counted as the six bits 111111, a last group of two or three
    characters giving one or two bytes. ``=GGG`` is bytes FC 61 86, which S3 answers as U+FFFD, "a",
    U+FFFD [LS-AWS: test_user_metadata_rfc2047_bad_b64_encoded, recorded 2026-02-21]. That recording
    is the only one of a bad word: any value from 32 up for the ``=`` gives the same answer, so which
    one S3 uses is not recorded, nor what it does with other bad characters."""
    sextets = [_B64_VALUES.get(char, 63) for char in text.rstrip("=")]
    out = bytearray()
    for start in range(0, len(sextets), 4):
        group = sextets[start : start + 4]
        if len(group) < 2:
            break
        bits = 0
        for sextet in group:
            bits = (bits << 6) | sextet
        bits <<= 6 * (4 - len(group))
        out += bits.to_bytes(3, "big")[: len(group) - 1]
    return bytes(out)


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
