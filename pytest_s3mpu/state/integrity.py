"""S3's integrity rules for a request body: Content-MD5, x-amz-content-sha256 and x-amz-checksum-*.

Layer 2 (store): compares what the client claimed with what was computed while the body streamed in
(spec §1.5, §1.6, §3 step 4-5). No HTTP: claims arrive as plain strings on a ``Payload``.
"""

from __future__ import annotations

import base64
import binascii

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType, b64, decode_b64_digest
from pytest_s3mpu.state.model import Payload


def verify_content_md5(payload: Payload, *, echo_claim: bool = False) -> None:
    """InvalidDigest for a malformed Content-MD5, BadDigest for one that does not match (spec §1.6).

    :param echo_claim: BadDigest's ExpectedDigest is the header exactly as sent (UploadPart), not the hex
        of its digest (PutObject and the others); both are recorded from AWS in test_s3_invalid_content_md5.
    """
    claim = payload.content_md5
    if claim is None:
        return
    try:
        raw = base64.b64decode(claim.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != 16:
        raise errors.InvalidDigest(claim)
    assert payload.md5 is not None, "the MD5 is always computed when Content-MD5 is sent"
    if raw != payload.md5:
        expected = claim if echo_claim else raw.hex()
        raise errors.BadDigest(ExpectedDigest=expected, CalculatedDigest=b64(payload.md5))


def verify_content_sha256(payload: Payload) -> None:
    """XAmzContentSHA256Mismatch when a hex x-amz-content-sha256 differs from the body's (spec §1.5)."""
    if payload.content_sha256 is None or payload.sha256 is None:
        return
    if payload.content_sha256.lower() != payload.sha256.hex():
        raise errors.XAmzContentSHA256Mismatch(payload.content_sha256, payload.sha256.hex())


def verify_claimed_checksums(payload: Payload) -> tuple[Algorithm, str] | None:
    """Check the single x-amz-checksum-* claim against the body; return it as (algorithm, base64).

    Spec §3 step 5: more than one claim is InvalidRequest, a value of the wrong shape InvalidRequest,
    a mismatch BadDigest naming the algorithm in upper case. A trailer repeating a header's algorithm
    with another value is checked too: one of the two does not match the body.
    """
    if not payload.claimed:
        return None
    if len(payload.claimed) > 1:
        raise errors.InvalidRequest(errors.CHECKSUM_HEADERS_MULTIPLE)
    ((algorithm, value),) = payload.claimed.items()
    for claimed_algorithm, claimed_value in ((algorithm, value), *payload.repeated_claims):
        raw = decode_b64_digest(claimed_algorithm, claimed_value)
        if raw is None:
            raise errors.checksum_header_invalid(claimed_algorithm.value)
        if raw != payload.digests[claimed_algorithm]:
            raise errors.checksum_mismatch(claimed_algorithm.value)
    return algorithm, value


def require_digest(payload: Payload) -> None:
    """DeleteObjects must carry Content-MD5 or an x-amz-checksum-* (research basic_ops §3)."""
    if payload.content_md5 is None and not payload.claimed:
        raise errors.missing_digest()


def verify_body(payload: Payload, *, echo_md5: bool = False) -> tuple[Algorithm, str] | None:
    """All body checks in S3's order: MD5, then SHA-256, then the flexible checksum.

    :param echo_md5: see ``verify_content_md5``'s ``echo_claim``.
    """
    verify_content_md5(payload, echo_claim=echo_md5)
    verify_content_sha256(payload)
    return verify_claimed_checksums(payload)


def part_checksum(
    payload: Payload, algorithm: Algorithm | None, checksum_type: ChecksumType | None
) -> tuple[Algorithm, str] | None:
    """Verify an UploadPart body and decide the checksum the part answers with (spec §3 step 5).

    :param algorithm: the upload's algorithm from CreateMultipartUpload, if any.
    """
    claim = verify_body(payload, echo_md5=True)
    if algorithm is None:
        return claim
    if claim is not None and claim[0] is not algorithm:
        raise type_mismatch(algorithm, claim[0].value.lower())
    if claim is None:
        if checksum_type is ChecksumType.COMPOSITE and not algorithm.is_crc:
            raise type_mismatch(algorithm, "null")
        return algorithm, b64(payload.digests[algorithm])
    return claim


def type_mismatch(expected: Algorithm, actual: str) -> errors.InvalidRequest:
    return errors.checksum_type_mismatch(expected.value.lower(), actual)
