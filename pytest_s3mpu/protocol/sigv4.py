"""How S3 spells a Signature Version 4: canonical request, string to sign, signing key, chunk chain.

Layer 3 (protocol), pure: strings and bytes in, strings out; no WSGI, no clock, no credentials store.
Every rule is S3's flavour of SigV4 (``S3_AUTH_SPEC.md`` §3, §4, §7): the path is encoded once and never
normalised, a query parameter without a value keeps its ``=``, the payload line is the
``x-amz-content-sha256`` value (``UNSIGNED-PAYLOAD`` for presigned URLs).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote, unquote_to_bytes

from pytest_s3mpu.state import errors

ALGORITHM = "AWS4-HMAC-SHA256"
CHUNK_ALGORITHM = "AWS4-HMAC-SHA256-PAYLOAD"
TRAILER_ALGORITHM = "AWS4-HMAC-SHA256-TRAILER"
SERVICE = "s3"
TERMINATOR = "aws4_request"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIGNATURE_QUERY = "X-Amz-Signature"
_UNRESERVED = "-_.~"  # with letters and digits: never percent-encoded (S3-HDR)


def uri_encode(data: str | bytes) -> str:
    """Percent-encode every byte but ``A-Z a-z 0-9 - _ . ~``, upper-case hex, space as ``%20``."""
    return quote(data, safe=_UNRESERVED)


def _decoded(text: str) -> bytes:
    """A path segment or query item as its bytes: ``%XX`` decoded once, anything else taken as sent."""
    return unquote_to_bytes(text)


def canonical_uri(raw_path: str) -> str:
    """The path as sent, decoded once and encoded again with ``/`` kept: S3 encodes once and keeps
    ``.``, ``..`` and empty segments (other services normalise). ``%2F`` thus becomes ``/`` (recorded,
    LS test_pre_signed_url_forward_slash_bucket)."""
    if not raw_path:
        return "/"
    return quote(_decoded(raw_path), safe="/" + _UNRESERVED)


def canonical_query(raw_query: str, omit: str | None = None) -> str:
    """The query's items decoded, encoded again, sorted by name then value; ``?uploads`` is
    ``uploads=``. ``omit``: a parameter left out (``X-Amz-Signature`` of a presigned URL).

    A raw ``+`` is read as a space, as the app reads the query (what S3 makes of it is open: SDKs send
    ``%2B``)."""
    items: list[tuple[str, str]] = []
    for item in raw_query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        name_bytes = _decoded(name.replace("+", " "))
        if omit is not None and name_bytes == omit.encode():
            continue
        items.append((uri_encode(name_bytes), uri_encode(_decoded(value.replace("+", " ")))))
    items.sort()
    return "&".join(f"{name}={value}" for name, value in items)


def _trimmed(value: str) -> str:
    """Leading and trailing white space removed, inner runs of spaces made one (BOTO-SUITE)."""
    return " ".join(value.split())


def canonical_headers(headers: Mapping[str, str], signed: Sequence[str]) -> str:
    """``name:value\\n`` for each signed header, by name (``signed`` is already sorted and lower case);
    a signed header that was not sent gives ``name:`` (the signature then tells)."""
    return "".join(f"{name}:{_trimmed(headers.get(name, '') or '')}\n" for name in signed)


def canonical_request(
    method: str,
    uri: str,
    query: str,
    headers: Mapping[str, str],
    signed: Sequence[str],
    payload_hash: str,
) -> str:
    """The six lines S3 hashes: method, URI, query, headers block (with its blank line), signed names,
    payload hash."""
    block = canonical_headers(headers, signed)
    return "\n".join((method, uri, query, block, ";".join(signed), payload_hash))


def scope(date: str, region: str) -> str:
    """``YYYYMMDD/region/s3/aws4_request``."""
    return f"{date}/{region}/{SERVICE}/{TERMINATOR}"


def sha256_hex(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def string_to_sign(amz_date: str, credential_scope: str, canonical: str) -> str:
    return f"{ALGORITHM}\n{amz_date}\n{credential_scope}\n{sha256_hex(canonical)}"


@functools.lru_cache(maxsize=64)
def signing_key(secret: str, date: str, region: str, service: str = SERVICE) -> bytes:
    """``HMAC("AWS4"+secret, date)`` -> region -> service -> ``aws4_request`` (S3-HDR, IAM-SIGV4).
    Kept for a few (secret, day, region): it changes once a day, and four HMACs a request add up."""
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    for part in (region, service, TERMINATOR):
        key = _hmac(key, part)
    return key


def signature(key: bytes, text: str) -> str:
    return hmac.digest(key, text.encode("utf-8"), "sha256").hex()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.digest(key, text.encode("utf-8"), "sha256")


def same(expected: str, provided: str) -> bool:
    """Signatures (SigV2 or SigV4) or tokens compared in constant time."""
    return hmac.compare_digest(expected.encode("ascii", "replace"), provided.encode("ascii", "replace"))


def chunk_string_to_sign(amz_date: str, credential_scope: str, previous: str, data_sha256: str) -> str:
    """One aws-chunked chunk's string to sign: chained to the previous signature (S3-CHUNK)."""
    return f"{CHUNK_ALGORITHM}\n{amz_date}\n{credential_scope}\n{previous}\n{EMPTY_SHA256}\n{data_sha256}"


def trailer_string_to_sign(
    amz_date: str, credential_scope: str, previous: str, trailers: Iterable[tuple[str, str]]
) -> str:
    """The signed trailer's string to sign: the hash of its lines written ``name:value\\n`` (S3-TRL)."""
    lines = "".join(f"{name}:{value}\n" for name, value in trailers)
    return f"{TRAILER_ALGORITHM}\n{amz_date}\n{credential_scope}\n{previous}\n{sha256_hex(lines)}"


class ChunkChain:
    """The signatures of an aws-chunked body, checked one chunk at a time as it streams in.

    Each chunk's signature signs the previous one (the first: the request's, the *seed*), so a chunk
    cannot be dropped, reordered or changed. A wrong one is ``SignatureDoesNotMatch`` whose
    ``StringToSign`` is the chunk's.

    :param trailer: the body ends with a signed trailer (``STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER``).
    """

    __slots__ = ("_access_key", "_amz_date", "_key", "_previous", "_scope", "refused", "trailer")

    def __init__(
        self, key: bytes, amz_date: str, credential_scope: str, seed: str, access_key: str, trailer: bool
    ) -> None:
        self._key = key
        self._amz_date = amz_date
        self._scope = credential_scope
        self._previous = seed
        self._access_key = access_key
        self.trailer = trailer
        self.refused = False  # a chunk or the trailer did not match: the request was refused mid-body

    def chunk(self, provided: str | None, data_sha256: str) -> None:
        """Check one chunk's ``chunk-signature`` against the hash of its data (the last chunk: empty)."""
        text = chunk_string_to_sign(self._amz_date, self._scope, self._previous, data_sha256)
        self._check(text, provided)

    def trailers(self, provided: str | None, trailers: Iterable[tuple[str, str]]) -> None:
        """Check ``x-amz-trailer-signature`` over the trailer lines that precede it."""
        text = trailer_string_to_sign(self._amz_date, self._scope, self._previous, trailers)
        self._check(text, provided)

    def _check(self, text: str, provided: str | None) -> None:
        expected = signature(self._key, text)
        if provided is None or not same(expected, provided):
            self.refused = True
            raise errors.SignatureDoesNotMatch(self._access_key, text, provided or "")
        self._previous = expected


def chunk_signature(extension: bytes) -> str | None:
    """The ``chunk-signature`` of a chunk-size line's extension (``;chunk-signature=<64 hex>``)."""
    for item in extension.split(b";"):
        name, _, value = item.partition(b"=")
        if name.strip() == b"chunk-signature":
            return value.strip().decode("ascii", "replace")
    return None


def policy_signature(secret: str, date: str, region: str, policy_b64: str) -> str:
    """A browser POST form's ``X-Amz-Signature``: the signing key over the base64 policy itself
    (AWS S3 API Reference, sigv4-post-example, "Calculating a Signature")."""
    return signature(signing_key(secret, date, region), policy_b64)


def verify_policy_signature(secret: str, date: str, region: str, policy_b64: str, provided: str) -> bool:
    """Whether a POST form's ``X-Amz-Signature`` signs its ``Policy`` with this secret and scope."""
    return same(policy_signature(secret, date, region, policy_b64), provided)
