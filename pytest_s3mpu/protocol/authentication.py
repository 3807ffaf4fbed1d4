"""Verifying a request's signature as S3 does: which method it uses, its scope, key, token, time, signature.

Layer 3 (protocol), pure: a ``SignedRequest`` (what was sent) and the time in, a ``Verified`` out or an
``S3Error`` raised; no WSGI, and the caller reads the clock. Checks run in the order of
``S3_AUTH_SPEC.md`` §10: method detection, parse and scope, access key, token, time, (presigned:
headers sent but not signed,) signature; the body's own signatures (aws-chunked) are checked as it
streams (``sigv4.ChunkChain``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from pytest_s3mpu.protocol import sigv2, sigv4, wire
from pytest_s3mpu.state import errors

SKEW_S = errors.MAX_SKEW_MS / 1000
MAX_EXPIRES_S = 604_800  # a week; 604800 itself is allowed (CLI `aws s3 presign --expires-in`)
HEADER = "header"  # Verified.method: signed with an Authorization header
PRESIGNED = "presigned"  # ... with query parameters
POST = "post"  # ... in a browser POST form's fields
ANONYMOUS = "anonymous"  # not signed at all: judged by the bucket's ACLs and policy (access.anonymous_may)
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z\Z")
_QUERY_V4 = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")
_QUERY_V4_ALL = (*_QUERY_V4, sigv4.SIGNATURE_QUERY)
_QUERY_V2 = ("AWSAccessKeyId", "Signature", "Expires")
# A browser POST form's signing fields (by lower-case name, as the form reader gives them).
POST_V4_SIGNATURE = "x-amz-signature"
POST_V4_FIELDS = ("x-amz-algorithm", "x-amz-credential", "x-amz-date", POST_V4_SIGNATURE)
POST_V2_FIELDS = ("awsaccesskeyid", "signature")
# The signing fields no policy condition needs to cover (the others of V4 must be).
POST_SIGNATURE_FIELDS = (POST_V4_SIGNATURE, *POST_V2_FIELDS)
_COMPONENT = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^,\s]*)\s*")
# Sent without being signed, S3 lets these pass beside a presigned URL (LS test_s3_ignored_special_headers).
_UNSIGNED_ALLOWED = frozenset({wire.CONTENT_SHA256})


@dataclass(frozen=True, slots=True)
class Credential:
    """One key pair the double accepts.

    :param session_token: the temporary credentials' token: then required, and checked, on each request.
    :param expires_at: POSIX time after which the token is refused (``ExpiredToken``); None: never.
    """

    access_key: str
    secret: str
    session_token: str | None = None
    expires_at: float | None = None

    @classmethod
    def parse(cls, text: str) -> Credential:
        """``AKID:SECRET`` or ``AKID:SECRET:SESSION_TOKEN``."""
        parts = text.strip().split(":", 2)
        if len(parts) < 2 or not parts[0] or not parts[1] or (len(parts) == 3 and not parts[2]):
            raise ValueError(f"not ACCESS_KEY:SECRET[:SESSION_TOKEN]: {text!r}")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What the verifier reads of a request, exactly as sent.

    :param raw_path: the path before any decoding (``/bucket/my%20key``).
    :param raw_query: the query string before any decoding, without ``?``.
    :param headers: header values by case-insensitive name.
    """

    method: str
    raw_path: str
    raw_query: str
    headers: Mapping[str, str]  # by lower-case name (the app passes a case-insensitive mapping)
    query: Mapping[str, str]  # decoded, first value of each name
    virtual_bucket: str | None = None  # the bucket a virtual-hosted Host names (SigV2 signs it)


@dataclass(frozen=True, slots=True)
class Verified:
    """A request whose signature checked out: who signed it, how, and the chain its body must follow."""

    access_key: str | None  # None: an anonymous request
    method: str
    chain: sigv4.ChunkChain | None = None


@dataclass
class Authenticator:
    """The key pairs requests must be signed with (``--s3mpu-auth sigv4``).

    :param credentials: accepted keys by access key id.
    """

    credentials: dict[str, Credential] = field(default_factory=dict)

    @classmethod
    def of(cls, credentials: Iterable[Credential]) -> Authenticator:
        return cls({credential.access_key: credential for credential in credentials})

    def add(
        self,
        access_key: str,
        secret: str,
        session_token: str | None = None,
        expires: dt.datetime | None = None,
    ) -> Credential:
        """Accept another key pair (temporary, with a token that expires at ``expires``, if given)."""
        credential = Credential(
            access_key, secret, session_token, expires.timestamp() if expires is not None else None
        )
        self.credentials = {**self.credentials, access_key: credential}  # one swap: readers see old or new
        return credential

    def first(self) -> Credential | None:
        """The first key pair: the one the handle's clients sign with."""
        return next(iter(self.credentials.values()), None)

    def verify(self, request: SignedRequest, now: float, region: str) -> Verified:
        """Check ``request`` at server time ``now`` (POSIX seconds) for an endpoint in ``region``."""
        headers = request.headers
        authorization = headers.get("authorization")
        query = request.query
        v4_query = any(name in query for name in _QUERY_V4_ALL)
        v2_query = any(name in query for name in _QUERY_V2)
        if authorization is not None and (v4_query or v2_query):
            raise errors.two_auth_mechanisms(authorization)
        if authorization is not None:
            text = authorization.strip()
            if not text:
                raise errors.AccessDenied()
            if text.startswith(sigv4.ALGORITHM + " "):
                return self._header(request, text[len(sigv4.ALGORITHM) + 1 :], now, region)
            if text.startswith(sigv2.SCHEME + " "):
                if not sigv2.accepted_in(region):
                    raise errors.sigv2_not_supported()
                return self._header_v2(request, authorization, text[len(sigv2.SCHEME) + 1 :], now)
            raise errors.unsupported_authorization(authorization)
        if v4_query:
            return self._presigned(request, now, region)
        if v2_query:
            if not all(name in query for name in _QUERY_V2):
                raise errors.sigv2_query_incomplete()
            if not sigv2.accepted_in(region):
                raise errors.sigv2_not_supported()
            return self._presigned_v2(request, now)
        # Neither: anonymous. S3 lets it do what the bucket's ACLs or policy grant everyone, which the
        # operation asks the store (S3_AUTH_SPEC §9).
        return Verified(None, ANONYMOUS)

    # -- Authorization header ----------------------------------------------------------------------

    def _header(self, request: SignedRequest, components: str, now: float, region: str) -> Verified:
        headers = request.headers
        parts = _components(components)
        credential = parts.get("Credential")
        if credential is None or "SignedHeaders" not in parts or "Signature" not in parts:
            missing = [name for name in ("Credential", "SignedHeaders", "Signature") if name not in parts]
            raise errors.authorization_fields_missing(missing)
        access_key, date, sent_region, service, terminator = _scope_parts(credential, header=True)
        amz_date, shown_time, moment = _request_time(headers)
        if date != amz_date[:8]:
            raise errors.AuthorizationHeaderMalformed(errors.CREDENTIAL_DATE_MISMATCH)
        _check_scope(sent_region, service, terminator, region, header=True)
        payload = headers.get(wire.CONTENT_SHA256)
        if payload is None:
            raise errors.missing_content_sha256()
        known = self._credential(access_key)
        self._check_token(known, headers.get("x-amz-security-token"), now)
        if abs(now - moment) > SKEW_S:
            raise errors.RequestTimeTooSkewed(shown_time, _iso(now))
        signed = _signed_names(parts["SignedHeaders"])
        canonical = sigv4.canonical_request(
            request.method,
            sigv4.canonical_uri(request.raw_path),
            sigv4.canonical_query(request.raw_query),
            headers,
            signed,
            payload,
        )
        key = self._check_signature(known, date, sent_region, amz_date, canonical, parts["Signature"])
        chain = None
        if payload in (wire.STREAMING_SIGNED, wire.STREAMING_SIGNED_TRAILER):
            chain = sigv4.ChunkChain(
                key,
                amz_date,
                sigv4.scope(date, sent_region),
                parts["Signature"],
                access_key,
                trailer=payload == wire.STREAMING_SIGNED_TRAILER,
            )
        return Verified(access_key, HEADER, chain)

    # -- presigned URL -----------------------------------------------------------------------------

    def _presigned(self, request: SignedRequest, now: float, region: str) -> Verified:
        query = request.query
        if not all(name in query for name in _QUERY_V4_ALL):
            raise errors.AuthorizationQueryParametersError()
        if query["X-Amz-Algorithm"] != sigv4.ALGORITHM:
            raise errors.AuthorizationQueryParametersError(errors.PRESIGNED_ALGORITHM_ONLY)
        access_key, date, sent_region, service, terminator = _scope_parts(
            query["X-Amz-Credential"], header=False
        )
        amz_date = query["X-Amz-Date"]
        moment = _parse_amz_date(amz_date)
        if moment is None:
            raise errors.AuthorizationQueryParametersError(errors.PRESIGNED_DATE_FORMAT)
        expires_text = query["X-Amz-Expires"]
        expires_s = _expires(expires_text)
        _check_scope(sent_region, service, terminator, region, header=False)
        known = self._credential(access_key)
        token = query.get("X-Amz-Security-Token", request.headers.get("x-amz-security-token"))
        self._check_token(known, token, now)
        deadline = moment + expires_s
        if now > deadline:
            raise errors.request_expired(expires_text, _iso(deadline), _iso(now))
        if moment - now > SKEW_S:
            raise errors.request_not_yet_valid(amz_date, _iso(deadline), _iso(now))
        signed = _signed_names(query["X-Amz-SignedHeaders"])
        unsigned = _not_signed(request.headers, signed)
        if unsigned:
            raise errors.headers_not_signed(unsigned)
        canonical = sigv4.canonical_request(
            request.method,
            sigv4.canonical_uri(request.raw_path),
            sigv4.canonical_query(request.raw_query, omit=sigv4.SIGNATURE_QUERY),
            request.headers,
            signed,
            wire.UNSIGNED_PAYLOAD,
        )
        self._check_signature(known, date, sent_region, amz_date, canonical, query[sigv4.SIGNATURE_QUERY])
        return Verified(access_key, PRESIGNED)

    # -- Signature Version 2 (the regions S3 served before 2014) ------------------------------------

    def _header_v2(self, request: SignedRequest, authorization: str, rest: str, now: float) -> Verified:
        """``Authorization: AWS AKID:signature``: the key, its token, the time (``x-amz-date``, else
        ``Date``, within 15 minutes), then the signature (S3 user guide, RESTAuthentication)."""
        access_key, colon, provided = rest.strip().partition(":")
        if not colon or not access_key or not provided or ":" in provided:
            raise errors.sigv2_header_malformed(authorization)
        headers = request.headers
        known = self._credential(access_key)
        self._check_token(known, headers.get("x-amz-security-token"), now)
        shown, moment = _request_time_v2(headers)
        if abs(now - moment) > SKEW_S:
            raise errors.RequestTimeTooSkewed(shown, _iso(now))
        # With x-amz-date the Date line is empty: the header is signed among the x-amz-* ones.
        date_line = "" if "x-amz-date" in headers else headers.get("date", "")
        self._check_v2(known, request, date_line, _amz_pairs(request.headers), provided)
        return Verified(access_key, HEADER)

    def _presigned_v2(self, request: SignedRequest, now: float) -> Verified:
        """``?AWSAccessKeyId=&Expires=&Signature=``: ``Expires`` (POSIX seconds) stands where the date
        goes, and the ``x-amz-*`` query parameters an SDK moved out of the headers are signed as headers
        [LS-AWS s3: test_put_url_metadata_with_sig_s3, recorded 2026-02-21]."""
        query = request.query
        access_key, expires_text = query["AWSAccessKeyId"], query["Expires"]
        known = self._credential(access_key)
        token = query.get("x-amz-security-token", request.headers.get("x-amz-security-token"))
        self._check_token(known, token, now)
        if not expires_text.isascii() or not expires_text.isdigit():
            raise errors.sigv2_expires_invalid(expires_text)
        expires = int(expires_text)
        if now > expires:
            raise errors.sigv2_request_expired(_iso(expires), _iso(now))
        pairs = [*_amz_pairs(request.headers), *_amz_pairs(query)]
        self._check_v2(known, request, expires_text, pairs, query["Signature"])
        return Verified(access_key, PRESIGNED)

    @staticmethod
    def _check_v2(
        known: Credential,
        request: SignedRequest,
        date_line: str,
        amz: Iterable[tuple[str, str]],
        provided: str,
    ) -> None:
        headers = request.headers
        resource = sigv2.canonical_resource(request.raw_path, request.raw_query, request.virtual_bucket)
        # A path-style bucket: ``/bucket/`` (botocore) or ``/bucket`` as sent (signers taking the path).
        other = sigv2.bucket_as_sent(request.raw_path, request.raw_query, request.virtual_bucket)
        head = (request.method, headers.get("content-md5", ""), headers.get("content-type", ""), date_line)
        amz_headers = sigv2.canonical_amz_headers(amz)
        text = sigv2.string_to_sign(*head, amz_headers, resource)
        if sigv4.same(sigv2.signature(known.secret, text), provided):
            return
        if other is not None and sigv4.same(
            sigv2.signature(known.secret, sigv2.string_to_sign(*head, amz_headers, other)), provided
        ):
            return
        raise errors.SignatureDoesNotMatch(known.access_key, text, provided)

    # -- browser POST form -------------------------------------------------------------------------

    def verify_post(self, fields: Mapping[str, str], now: float, region: str) -> Verified:
        """A POST form's signature: ``X-Amz-Signature`` is the signing key of ``X-Amz-Credential``'s scope
        over the base64 ``policy`` itself, so a changed policy or a wrong secret is SignatureDoesNotMatch
        whose StringToSign is the policy [LS-AWS s3: test_post_request_malformed_policy, recorded
        2026-02-21]. The time is the policy's ``expiration`` (checked with its conditions), not
        ``X-Amz-Date``. A form without a policy or any signing field is anonymous: refused
        [LS-AWS s3: test_post_request_missing_fields, exception-no-sig-related-fields].

        :param fields: the form's fields by lower-case name; a present scheme's fields are all there
            (the caller asked for the first missing one, as S3 does).
        """
        if "policy" not in fields or not any(name in fields for name in (*POST_V4_FIELDS, *POST_V2_FIELDS)):
            raise errors.AccessDenied()
        if "x-amz-algorithm" not in fields:
            if not sigv2.accepted_in(region):
                raise errors.sigv2_not_supported()
            return self._post_v2(fields, now)
        if fields["x-amz-algorithm"] != sigv4.ALGORITHM:
            raise errors.AuthorizationQueryParametersError(errors.PRESIGNED_ALGORITHM_ONLY)
        access_key, date, sent_region, service, terminator = _scope_parts(
            fields["x-amz-credential"], header=False
        )
        _check_scope(sent_region, service, terminator, region, header=False)
        known = self._credential(access_key)
        self._check_token(known, fields.get("x-amz-security-token"), now)
        policy, provided = fields["policy"], fields["x-amz-signature"]
        if not sigv4.verify_policy_signature(known.secret, date, sent_region, policy, provided):
            raise errors.SignatureDoesNotMatch(access_key, policy, provided)
        return Verified(access_key, POST)

    def _post_v2(self, fields: Mapping[str, str], now: float) -> Verified:
        """A SigV2 form: ``signature`` is the base64 HMAC-SHA1 of the base64 ``policy`` by the secret of
        ``AWSAccessKeyId``; a wrong one is SignatureDoesNotMatch whose StringToSign is the policy
        [LS-AWS s3: test_post_request_malformed_policy[s3], recorded 2026-02-21]."""
        for name in ("AWSAccessKeyId", "Signature"):  # the caller asks first; a pure check stays total
            if name.lower() not in fields:
                raise errors.post_missing_field(name)
        access_key = fields["awsaccesskeyid"]
        known = self._credential(access_key)
        self._check_token(known, fields.get("x-amz-security-token"), now)
        policy, provided = fields["policy"], fields["signature"]
        if not sigv4.same(sigv2.signature(known.secret, policy), provided):
            raise errors.SignatureDoesNotMatch(access_key, policy, provided)
        return Verified(access_key, POST)

    # -- shared steps ------------------------------------------------------------------------------

    def _credential(self, access_key: str) -> Credential:
        known = self.credentials.get(access_key)
        if known is None:
            raise errors.InvalidAccessKeyId(access_key)
        return known

    @staticmethod
    def _check_token(known: Credential, token: str | None, now: float) -> None:
        """A temporary key needs its own token, and a token its key; then the token's expiry."""
        if known.session_token is None:
            if token is not None:
                raise errors.InvalidToken()
            return
        if token is None or not sigv4.same(known.session_token, token):
            raise errors.InvalidToken()
        if known.expires_at is not None and now > known.expires_at:
            raise errors.ExpiredToken(token)

    @staticmethod
    def _check_signature(
        known: Credential, date: str, region: str, amz_date: str, canonical: str, provided: str
    ) -> bytes:
        key = sigv4.signing_key(known.secret, date, region)
        text = sigv4.string_to_sign(amz_date, sigv4.scope(date, region), canonical)
        if not sigv4.same(sigv4.signature(key, text), provided):
            raise errors.SignatureDoesNotMatch(known.access_key, text, provided, canonical)
        return key


def _components(text: str) -> dict[str, str]:
    """``Credential=..., SignedHeaders=..., Signature=...`` with or without spaces after the commas."""
    parts: dict[str, str] = {}
    for item in text.split(","):
        match = _COMPONENT.fullmatch(item)
        if match is None:
            raise errors.authorization_component_malformed(item.strip())
        parts.setdefault(match.group(1), match.group(2))
    return parts


def _scope_parts(credential: str, header: bool) -> tuple[str, str, str, str, str]:
    """``AKID/YYYYMMDD/region/s3/aws4_request`` split; a malformed one is each method's error."""
    parts = credential.split("/")
    if len(parts) != 5 or not all(parts) or not re.fullmatch(r"[0-9]{8}", parts[1]):
        if header:
            raise errors.header_credential_malformed()
        raise errors.credential_malformed()
    return parts[0], parts[1], parts[2], parts[3], parts[4]


def _check_scope(sent_region: str, service: str, terminator: str, region: str, header: bool) -> None:
    if service != sigv4.SERVICE:
        reason = f'incorrect service "{service}". This endpoint belongs to "{sigv4.SERVICE}".'
    elif terminator != sigv4.TERMINATOR:
        reason = f'incorrect terminal "{terminator}". This endpoint uses "{sigv4.TERMINATOR}".'
    elif sent_region != region:
        if header:
            raise errors.wrong_region(sent_region, region)
        reason = f"the region '{sent_region}' is wrong; expecting '{region}'"
    else:
        return
    if header:
        raise errors.AuthorizationHeaderMalformed(reason)
    raise errors.credential_parameter_invalid(reason)


def _signed_names(text: str) -> list[str]:
    return sorted(name.strip().lower() for name in text.split(";") if name.strip())


def _not_signed(headers: Mapping[str, str], signed: list[str]) -> list[str]:
    """The headers a presigned URL must have signed but did not, by lower-case name, sorted: ``host``
    and each ``x-amz-*`` header sent (but an ``x-amz-content-sha256``). S3 refuses them before it
    compares signatures: a URL that signed ``x-amz-meta-foo``, sent without it and with an unsigned
    ``x-amz-meta-wrong``, is AccessDenied naming ``x-amz-meta-wrong``, not SignatureDoesNotMatch
    [LS-AWS: test_put_url_metadata_with_sig_s3v4, test_s3_put_presigned_url_same_header_and_qs_parameter
    (an unsigned ``x-amz-expires`` header), recorded 2026-02-21]; an unsigned ``host`` is named too
    (AWS answers quoted in GH brendanhay/amazonka#272, aws/aws-sdk-java#1680)."""
    names = {name.lower() for name in headers}
    return sorted(
        name
        for name in names
        if (name == wire.HOST or name.startswith(wire.AMZ_PREFIX))
        and name not in signed
        and name not in _UNSIGNED_ALLOWED
    )


def _parse_amz_date(text: str) -> float | None:
    """``YYYYMMDDTHHMMSSZ`` as POSIX seconds (read by hand: strptime costs ~50 us a request)."""
    if not _AMZ_DATE.match(text):
        return None
    try:
        moment = dt.datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
        )
    except ValueError:
        return None
    return calendar.timegm(moment.timetuple())


def _request_time(headers: Mapping[str, str]) -> tuple[str, str, float]:
    """The request time as the string to sign carries it (``YYYYMMDDTHHMMSSZ``), as the client sent it
    (``RequestTime``), and as POSIX seconds: ``x-amz-date``, else ``Date`` (S3-COMMON)."""
    amz = headers.get("x-amz-date")
    if amz is not None:
        moment = _parse_amz_date(amz.strip())
        if moment is None:
            raise errors.missing_date()
        return amz.strip(), amz.strip(), moment
    date = headers.get("date")
    if date is not None:
        parsed = _http_date(date)
        return parsed.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"), date, parsed.timestamp()
    raise errors.missing_date()


def _http_date(text: str) -> dt.datetime:
    """An HTTP date (``Date``, or SigV2's ``x-amz-date``), UTC when it names no zone; the missing-date
    AccessDenied when it cannot be read."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        raise errors.missing_date() from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def _amz_pairs(values: Mapping[str, str]) -> list[tuple[str, str]]:
    """The ``x-amz-*`` items of headers or of a presigned URL's query (by lower-case name)."""
    return [(name.lower(), value) for name, value in values.items() if name.lower().startswith("x-amz-")]


def _request_time_v2(headers: Mapping[str, str]) -> tuple[str, float]:
    """A SigV2 request's time as sent and as POSIX seconds: ``x-amz-date``, else ``Date``, each an HTTP
    date (``x-amz-date`` also as SigV4's ``YYYYMMDDTHHMMSSZ``)."""
    for name in ("x-amz-date", "date"):
        text = headers.get(name)
        if text is None:
            continue
        moment = _parse_amz_date(text.strip()) if name == "x-amz-date" else None
        if moment is None:
            moment = _http_date(text).timestamp()
        return text, moment
    raise errors.missing_date()


def _expires(text: str) -> int:
    """X-Amz-Expires: whole seconds from 0 to a week (MINIO; GH bryanjos/aws_auth#31)."""
    body = text[1:] if text.startswith("-") else text
    if not body.isascii() or not body.isdigit():
        raise errors.AuthorizationQueryParametersError(errors.EXPIRES_NOT_A_NUMBER)
    value = int(text)
    if value < 0:
        raise errors.AuthorizationQueryParametersError(errors.EXPIRES_NEGATIVE)
    if value > MAX_EXPIRES_S:
        raise errors.expires_too_long(MAX_EXPIRES_S)
    return value


def _iso(posix: float) -> str:
    """``2017-07-20T04:18:55Z``: how ``Expires`` and ``ServerTime`` are written."""
    return dt.datetime.fromtimestamp(int(posix), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
