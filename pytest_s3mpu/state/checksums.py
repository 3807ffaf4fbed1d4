"""Checksum algorithms S3 accepts, as streaming hashers, and the multipart combinations of them.

Layer 1 (beside ``errors``): pure computation, no HTTP. CRC32C and CRC64NVME come from awscrt, the
C implementation botocore itself uses for them, rather than from hand-written tables.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import zlib
from collections.abc import Iterable
from enum import Enum
from typing import Any, Protocol

from pytest_s3mpu.state import errors


@functools.cache
def _crt() -> Any:
    """awscrt's checksums, imported on first use: loading the CRT takes ~60 ms, which the standalone
    server's start-up need not pay before it can answer."""
    from awscrt import checksums

    return checksums


class Algorithm(str, Enum):
    """The ``x-amz-checksum-algorithm`` values, in the order S3's error message lists them."""

    CRC32 = "CRC32"
    CRC32C = "CRC32C"
    CRC64NVME = "CRC64NVME"
    SHA1 = "SHA1"
    SHA256 = "SHA256"

    @property
    def xml_element(self) -> str:
        """``ChecksumCRC32`` and so on, as in ListParts and CompleteMultipartUpload."""
        return f"Checksum{self.value}"

    @property
    def digest_size(self) -> int:
        return _DIGEST_SIZES[self]

    @property
    def is_crc(self) -> bool:
        return self in (Algorithm.CRC32, Algorithm.CRC32C, Algorithm.CRC64NVME)

    @classmethod
    def parse(cls, value: str) -> Algorithm | None:
        try:
            return cls(value.upper())
        except ValueError:
            return None


def requested_algorithm(raw: str) -> Algorithm:
    """``x-amz-checksum-algorithm`` of CreateMultipartUpload and CopyObject: one S3 supports, or
    InvalidRequest listing them."""
    algorithm = Algorithm.parse(raw)
    if algorithm is None:
        raise errors.InvalidRequest(errors.CHECKSUM_ALGORITHM_UNSUPPORTED)
    return algorithm


class ChecksumType(str, Enum):
    COMPOSITE = "COMPOSITE"
    FULL_OBJECT = "FULL_OBJECT"


_DIGEST_SIZES = {
    Algorithm.CRC32: 4,
    Algorithm.CRC32C: 4,
    Algorithm.CRC64NVME: 8,
    Algorithm.SHA1: 20,
    Algorithm.SHA256: 32,
}


class Hasher(Protocol):
    def update(self, data: bytes | bytearray | memoryview, /) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """A CRC as a streaming hasher with a hashlib-like interface."""

    def __init__(self, algorithm: Algorithm) -> None:
        self._algorithm = algorithm
        self.value = 0

    def update(self, data: bytes | bytearray | memoryview, /) -> None:
        if self._algorithm is Algorithm.CRC32:
            self.value = zlib.crc32(data, self.value)
        elif self._algorithm is Algorithm.CRC32C:
            self.value = _crt().crc32c(data, self.value)
        else:
            self.value = _crt().crc64nvme(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(self._algorithm.digest_size, "big")


def new_hasher(algorithm: Algorithm) -> Hasher:
    """A fresh streaming hasher for ``algorithm``."""
    if algorithm is Algorithm.SHA1:
        return hashlib.sha1()
    if algorithm is Algorithm.SHA256:
        return hashlib.sha256()
    return _Crc(algorithm)


def compute(algorithm: Algorithm, data: bytes | bytearray | memoryview) -> bytes:
    """The raw digest of ``data`` in one call."""
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return hasher.digest()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def decode_b64_digest(algorithm: Algorithm, value: str) -> bytes | None:
    """The raw digest a base64 checksum value names, or None if it is not valid for ``algorithm``."""
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if len(raw) == algorithm.digest_size else None


def composite(algorithm: Algorithm, parts: Iterable[tuple[bytes, int]]) -> str:
    """COMPOSITE object checksum: the algorithm over the concatenated raw part digests, then ``-N``.

    Spec §5.2 (ceph test_multipart_use_cksum_helper_*). ``parts``: (raw digest, size) of each part.
    """
    hasher = new_hasher(algorithm)
    count = 0
    for raw, _ in parts:
        hasher.update(raw)
        count += 1
    return f"{b64(hasher.digest())}-{count}"


def full_object(algorithm: Algorithm, parts: Iterable[tuple[bytes, int]]) -> str:
    """FULL_OBJECT checksum: the CRC of the whole object, combined from the part CRCs.

    Combining (awscrt's ``combine_*``) gives the CRC of the concatenation without reading the bytes
    again, so Complete costs nothing per byte. Spec §5.2. ``parts``: (raw digest, size) of each part.
    """
    combine = {
        Algorithm.CRC32: _crt().combine_crc32,
        Algorithm.CRC32C: _crt().combine_crc32c,
        Algorithm.CRC64NVME: _crt().combine_crc64nvme,
    }[algorithm]
    value = 0
    for raw, size in parts:
        value = combine(value, int.from_bytes(raw, "big"), size)
    return b64(value.to_bytes(algorithm.digest_size, "big"))


def shown_on_read(span: tuple[int, int] | None, size: int) -> bool:
    """Whether a GET with checksum mode shows the object's checksum: for the whole object, and for a
    Range that covers all of it (``bytes=-15`` or ``bytes=0-100`` of 10 bytes, a 206), never for part
    of it [LS-AWS: test_get_object_range, recorded 2026-02-21]."""
    return span is None or span == (0, size)
