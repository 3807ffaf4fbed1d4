"""One function per S3 operation: read the request, call the store, render the answer.

Layer 5 (app). Handlers hold no S3 rule of their own: what is valid, and which error comes first, is
the store's business; a handler only turns HTTP into store calls and store results into HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast
from urllib.parse import quote, urlencode, urlsplit

from pytest_s3mpu.app.request_fields import RequestHeaders
from pytest_s3mpu.protocol import bodies, cors_headers, post_form, website_pages, wire, xmldoc
from pytest_s3mpu.protocol import object_headers as headers
from pytest_s3mpu.protocol.authentication import (
    POST_SIGNATURE_FIELDS,
    POST_V2_FIELDS,
    POST_V4_FIELDS,
    Authenticator,
)
from pytest_s3mpu.protocol.routes import Operation
from pytest_s3mpu.protocol.sigv4 import ChunkChain
from pytest_s3mpu.state import (
    access,
    bucket_config,
    bucket_documents,
    buckets,
    checksums,
    cors,
    errors,
    integrity,
    lifecycle,
    listing,
    post_policy,
    tagging,
    validation,
    website,
)
from pytest_s3mpu.state.checksums import Algorithm
from pytest_s3mpu.state.model import CompleteOptions, CopyConditions, CopyRequest, ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

MAX_XML_BODY = 4 * 1024 * 1024
Body = bytes | Iterable[bytes | memoryview]


@dataclass(frozen=True, slots=True)
class Call:
    """One request, parsed once by the app (``application.S3App``) and passed to everything after it:
    its S3 target resolved, its query decoded, its header fields read, its Content-Length a number.

    :param environ: the WSGI environ, for the body stream only (``stream``): a fault action may wrap
        ``wsgi.input`` after the request was parsed.
    :param content_length: the framed body's length; None for a body of unknown length (HTTP chunked).
    :param part_number: ``?partNumber`` as a number where it is one (fault rules and the journal match
        on it); the store still judges the text as sent.
    """

    method: str
    operation: Operation
    bucket: str
    key: str
    query: dict[str, str]
    base_url: str  # scheme://host of the endpoint, for Location
    virtual: bool
    headers: Mapping[str, str]  # looked up case-insensitively (RequestHeaders)
    environ: Mapping[str, object]
    content_length: int | None = None
    part_number: int | None = None
    until_end: bool = False  # the server framed the body (HTTP chunked): read to its end
    aws_chunked: bool = False  # the body is aws-chunked (bodies.is_aws_chunked), worked out once
    # The chunk signatures a signed aws-chunked body must carry (signature verification on), else None.
    chunk_chain: ChunkChain | None = None
    # A POST form's signature check (verification on: a form is signed in its fields, not its head).
    form_signing: FormSigning | None = None
    # The region of the credential scope (application._region): the regional endpoint it asked.
    signing_region: str | None = None
    # Sent with no signature at all while verification is on: judged by the bucket's ACLs and policy.
    anonymous: bool = False
    # The ids this request is answered with (the website endpoint writes them into its HTML pages).
    request_id: str = ""
    host_id: str = ""

    @property
    def stream(self) -> bodies.BodyStream:
        return cast("bodies.BodyStream", self.environ["wsgi.input"])


@dataclass(slots=True)
class FormSigning:
    """The key pairs a POST form must be signed with, and what ``verify_post_signature`` made of it
    (for the journal: ``access_key``, and ``outcome`` ``post`` or ``refused``; None: not checked)."""

    authenticator: Authenticator
    access_key: str | None = None
    outcome: str | None = None


@dataclass(slots=True)
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = b""
    length: int | None = None  # Content-Length when ``body`` is an iterable
    error_code: str | None = None  # the S3 error this reply carries, for the journal
    upload_id: str | None = None  # the upload CreateMultipartUpload made, for the journal
    # How the answer is framed, where S3 frames it unusually (``frame_refused_preflight``):
    unsized: bool = False  # sent without Content-Length (so the server sends the body chunked)
    close: bool = False  # the connection ends after this answer


def _xml(document: bytes, status: int = 200, extra: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, [("Content-Type", wire.XML_CONTENT_TYPE), *(extra or [])], document)


def _empty(status: int = 200, extra: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, list(extra or []))


def _small_body(call: Call, checksum_headers: bool = True) -> Payload:
    """An XML request body, whatever its framing, once it has passed every integrity check its headers
    and trailers claim (spec §1.3a, §1.6): a body that fails one is never parsed or acted on.

    :param checksum_headers: False where ``x-amz-checksum-*`` headers name something else (Complete).
    """
    payload = bodies.read_small_payload(
        call.stream,
        call.headers,
        call.content_length,
        MAX_XML_BODY,
        until_end=call.until_end,
        checksum_headers=checksum_headers,
        aws_chunked=call.aws_chunked,
        chain=call.chunk_chain,
    )
    integrity.verify_body(payload)
    return payload


def _encoding(call: Call) -> str | None:
    return validation.encoding_type(call.query.get("encoding-type"))


_COPIES = frozenset({Operation.COPY_OBJECT, Operation.UPLOAD_PART_COPY})


def check_expected_owners(store: Store, call: Call) -> None:
    """ExpectedBucketOwner, judged once for every bucket and object operation before it runs (the
    store's rule, ``access.check_expected_owner``); on a copy also the source bucket's
    (``x-amz-source-expected-bucket-owner``). A preflight carries no S3 headers of its own."""
    if call.bucket and call.operation is not Operation.PREFLIGHT_REQUEST:
        store.check_expected_owner(call.bucket, call.headers.get(wire.EXPECTED_BUCKET_OWNER))
    source_expected = call.headers.get(wire.SOURCE_EXPECTED_BUCKET_OWNER)
    if source_expected is not None and call.operation in _COPIES:
        try:
            source_bucket = validation.copy_source(call.headers.get(wire.COPY_SOURCE, ""))[0]
        except errors.S3Error:  # a malformed source: the copy answers it, as without the header
            source_bucket = ""
        store.check_expected_owner(source_bucket, source_expected)


# -- service and buckets ---------------------------------------------------------------------------


def list_buckets(store: Store, call: Call) -> Reply:
    query = buckets.Query(
        max_buckets=call.query.get("max-buckets"),
        continuation_token=call.query.get("continuation-token"),
        prefix=call.query.get("prefix"),
        bucket_region=call.query.get("bucket-region"),
    )
    return _xml(xmldoc.list_buckets(store.list_buckets(query)))


def create_bucket(store: Store, call: Call) -> Reply:
    acl = access.from_headers(call.headers, access.OWNER_ID)
    body = _small_body(call).content()
    constraint = xmldoc.parse_location_constraint(body)
    tags = xmldoc.parse_create_bucket_tags(body)
    lock = call.headers.get(wire.BUCKET_OBJECT_LOCK_ENABLED, "").strip().lower() == "true"
    ownership = call.headers.get(wire.OBJECT_OWNERSHIP)
    store.create_bucket(
        call.bucket,
        constraint,
        ownership,
        acl,
        tags,
        object_lock_enabled=lock,
        endpoint_region=call.signing_region,
    )
    # With a constraint S3 answers the bucket's virtual-hosted URL, without one its path [LS-AWS:
    # test_create_bucket_head_bucket, recorded 2026-02-21].
    if constraint is None:
        location = f"/{call.bucket}"
    else:
        location = f"http://{call.bucket}.{call.base_url.partition('://')[2]}/"
    return _empty(extra=[("Location", location), (wire.BUCKET_ARN, buckets.arn(call.bucket))])


def head_bucket(store: Store, call: Call) -> Reply:
    bucket = store.head_bucket(call.bucket)
    return _xml(
        b"",
        extra=[
            (wire.BUCKET_REGION, bucket.region),
            (wire.ACCESS_POINT_ALIAS, "false"),
            (wire.BUCKET_ARN, buckets.arn(bucket.name)),
        ],
    )


def delete_bucket(store: Store, call: Call) -> Reply:
    store.delete_bucket(call.bucket)
    return _empty(204)


def get_bucket_location(store: Store, call: Call) -> Reply:
    return _xml(xmldoc.location(buckets.location(store.head_bucket(call.bucket))))


def put_bucket_versioning(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    payload = _small_body(call)  # every integrity claim verified there
    integrity.require_digest(payload)
    status, mfa_delete = xmldoc.parse_versioning(payload.content())
    store.put_bucket_versioning(call.bucket, status, mfa_delete)
    return _empty()


def get_bucket_versioning(store: Store, call: Call) -> Reply:
    status = store.get_bucket_versioning(call.bucket)
    return _xml(xmldoc.versioning_configuration(status.value if status is not None else None))


def _version_id(call: Call) -> str | None:
    """The ``versionId`` a request names; an empty one is refused as S3 refuses it."""
    version_id = call.query.get(wire.VERSION_ID_PARAMETER)
    if version_id == "":
        raise errors.InvalidArgument(errors.VERSION_ID_EMPTY, wire.VERSION_ID_PARAMETER, "")
    return version_id


def _version_header(version_id: str | None) -> list[tuple[str, str]]:
    return [(wire.VERSION_ID, version_id)] if version_id is not None else []


def _max_keys(store: Store, call: Call) -> int:
    page = store.limits.max_list_page
    return validation.list_limit("max-keys", call.query.get("max-keys"), page, page)


# Continuation tokens are opaque to clients; the tag lets a token this server never issued be told apart
# (S3 answers InvalidArgument for those, where lenient base64 would decode garbage to some key).
def list_objects_v2(store: Store, call: Call) -> Reply:
    encoding = _encoding(call)
    prefix = call.query.get("prefix", "")
    delimiter = call.query.get("delimiter") or None
    max_keys = _max_keys(store, call)
    token = call.query.get("continuation-token")
    start_after = call.query.get("start-after")
    region = store.head_bucket(call.bucket).region
    marker = listing.decode_token(token) if token is not None else start_after
    page = store.list_objects(call.bucket, prefix, delimiter, max_keys, marker)
    next_token = listing.encode_token(page.next_marker) if page.truncated and page.next_marker else None
    fetch_owner = call.query.get("fetch-owner", "").lower() == "true"
    document = xmldoc.list_objects_v2(
        page, prefix, delimiter, max_keys, encoding, token, next_token, start_after, fetch_owner
    )
    # The bucket's Region, as on HeadBucket [LS-AWS: test_region_header_exists_outside_us_east_1,
    # recorded 2026-02-21].
    return _xml(document, extra=[(wire.BUCKET_REGION, region)])


def list_objects(store: Store, call: Call) -> Reply:
    encoding = _encoding(call)
    prefix = call.query.get("prefix", "")
    delimiter = call.query.get("delimiter") or None
    max_keys = _max_keys(store, call)
    marker = call.query.get("marker", "")
    page = store.list_objects(call.bucket, prefix, delimiter, max_keys, marker or None)
    # An anonymous request's answer names no Owner [LS-AWS: test_bucket_name_with_dots, recorded 2026-02-21].
    owner = not call.anonymous
    return _xml(xmldoc.list_objects_v1(page, prefix, delimiter, max_keys, encoding, marker, owner))


def list_object_versions(store: Store, call: Call) -> Reply:
    encoding = _encoding(call)
    prefix = call.query.get("prefix", "")
    delimiter = call.query.get("delimiter") or None
    max_keys = _max_keys(store, call)
    key_marker = call.query.get("key-marker", "")
    version_marker = call.query.get("version-id-marker")
    validation.version_id_marker(key_marker, version_marker)
    page = store.list_object_versions(call.bucket, prefix, delimiter, max_keys, key_marker, version_marker)
    document = xmldoc.list_versions(
        page, prefix, delimiter, max_keys, encoding, key_marker, version_marker or ""
    )
    return _xml(document)


def delete_objects(store: Store, call: Call) -> Reply:
    bypass = headers.bypass_governance(call.headers)
    store.check_bypass(call.bucket, bypass)
    payload = _small_body(call)
    integrity.require_digest(payload)
    entries, quiet = xmldoc.parse_delete_versions(payload.content())
    outcomes = store.delete_objects(call.bucket, entries, bypass, anonymous=call.anonymous)
    return _xml(xmldoc.delete_result(outcomes, quiet))


# -- objects ---------------------------------------------------------------------------------------


def put_object(store: Store, call: Call) -> Reply:
    length = call.content_length
    if_match, if_none_match = call.headers.get("If-Match"), call.headers.get("If-None-Match")
    declared = bodies.declared_size(call.headers, length, call.aws_chunked)
    sse = headers.encryption_request(call.headers)
    meta = _as_written(store, call, _object_meta(call))  # tags and ACL checked first
    lock = headers.lock_request(call.headers)
    store.check_put(call.bucket, call.key, declared, if_match, if_none_match, sse, meta.acl, lock)
    payload = bodies.read_payload(
        call.stream,
        call.headers,
        length,
        (Algorithm.CRC64NVME,),
        keep=store.keep_bytes,
        aws_chunked=call.aws_chunked,
        chain=call.chunk_chain,
    )
    result = store.put_object(call.bucket, call.key, payload, meta, if_match, if_none_match, sse, lock)
    extra = [
        ("ETag", f'"{result.etag}"'),
        *headers.encryption_headers(result.encryption),
        *_version_header(result.version_id),
        *headers.expiration_headers(result.expiration),
    ]
    if result.checksum is not None:
        extra.append((wire.checksum_header(result.checksum.algorithm), result.checksum.value))
        extra.append((wire.CHECKSUM_TYPE, result.checksum.type.value))
    return _empty(extra=extra)


def _object_meta(call: Call) -> ObjectMeta:
    """The object's headers and metadata from a write's request: a presigned URL's x-amz-meta-* query
    parameters count as metadata too, stored as sent (a header of the same name first) [LS-AWS:
    test_put_unicode_metadata_with_sig_s3, test_put_url_metadata_with_sig_s3, recorded 2026-02-21;
    both SigV2, whose signer puts metadata in the query; no recording shows encoded-words there]."""
    presigned = any(name in call.query for name in wire.PRESIGNED_SIGNATURES)
    return headers.object_meta(
        call.headers, list(call.headers.items()), list(call.query.items()) if presigned else None
    )


def _overrides(call: Call) -> list[tuple[str, str]]:
    """response-* query parameters; CR and LF never reach a response header, and a value that
    ISO-8859-1 cannot carry is InvalidArgument [LS-AWS:
    test_get_response_overrides_unicode_metadata_with_sig_s3, recorded 2026-02-21]."""
    found = []
    for parameter, header in wire.RESPONSE_OVERRIDES.items():
        value = call.query.get(parameter)
        if value is not None:
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                raise errors.header_not_latin1(parameter, value) from None
            found.append((header, value.replace("\r", "").replace("\n", "")))
    return found


def _read_object(store: Store, call: Call, with_body: bool) -> Reply:
    """GetObject / HeadObject: conditions, then ``?partNumber`` or Range, then the bytes."""
    override = dict(_overrides(call))  # the request's own arguments first (no recording orders these)
    version_id = _version_id(call)
    store.check_version_id(call.bucket, version_id)
    sse = headers.encryption_request(call.headers)
    part_number = call.query.get("partNumber")
    method = "GET" if with_body else "HEAD"
    if part_number is not None:
        has_range = "Range" in call.headers
        obj, part = store.get_object_part(
            call.bucket, call.key, part_number, has_range, sse, version_id, method
        )
    else:
        obj, part = store.get_object(call.bucket, call.key, sse, version_id, method), None
    condition = headers.read_condition(call.headers, obj, store.now())
    if condition is headers.ReadVerdict.NOT_MODIFIED:
        kept = [(n, v) for n, v in headers.object_headers(obj, None) if n in ("ETag", "Last-Modified")]
        return Reply(304, kept)
    if condition is not None and condition.condition is not None:
        raise errors.PreconditionFailed(condition.condition)
    if with_body:
        store.check_body_readable(obj)
    if with_body and obj.body.hollow:
        raise errors.BytesNotKept()
    checksum_mode = call.headers.get(wire.CHECKSUM_MODE, "").upper() == "ENABLED"
    if part is not None:
        span: tuple[int, int] | str | None = (part.start, part.end)
        shown = part.checksum if checksum_mode else None
    else:
        span = headers.parse_range(call.headers.get("Range"), obj.size)
        whole = not isinstance(span, str) and checksums.shown_on_read(span, obj.size)
        shown = obj.checksum if checksum_mode and whole else None
    if span == "unsatisfiable":
        raise errors.InvalidRange(call.headers.get("Range", ""), obj.size)
    reply_headers = [(n, override.pop(n, v)) for n, v in headers.object_headers(obj, shown)]
    reply_headers.extend(_version_header(obj.version_id))
    if version_id is None:  # a read naming a version, even the current one, has none (recorded)
        reply_headers.extend(headers.expiration_headers(store.object_expiry(call.bucket, obj)))
    restore = store.restore_header(obj)
    if restore is not None:
        reply_headers.append((wire.RESTORE, restore))
    reply_headers.extend(override.items())
    if part is not None and part.count is not None:
        reply_headers.append((wire.MP_PARTS_COUNT, str(part.count)))
    if isinstance(span, tuple):
        start, end = span
        if part is not None and end == start:  # spec §9 step 6: part 1 of an empty object
            return Reply(200, reply_headers, b"", 0)
        reply_headers.append(("Content-Range", f"bytes {start}-{end - 1}/{obj.size}"))
        return Reply(206, reply_headers, obj.body.iter_range(start, end), end - start)
    return Reply(200, reply_headers, obj.body.iter_range(), obj.size)


def get_object(store: Store, call: Call) -> Reply:
    return _read_object(store, call, with_body=True)


def head_object(store: Store, call: Call) -> Reply:
    reply = _read_object(store, call, with_body=False)
    return Reply(reply.status, reply.headers, b"", reply.length)


def get_object_attributes(store: Store, call: Call) -> Reply:
    version_id = _version_id(call)
    store.check_version_id(call.bucket, version_id)
    found = store.get_object_attributes(
        call.bucket,
        call.key,
        call.headers.get("x-amz-object-attributes"),
        call.headers.get("x-amz-max-parts"),
        call.headers.get("x-amz-part-number-marker"),
        headers.encryption_request(call.headers),
        version_id,
    )
    extra = [("Last-Modified", headers.http_date(found.obj.last_modified))]
    extra.extend(_version_header(found.obj.version_id))
    return _xml(xmldoc.object_attributes(found), extra=extra)


def restore_object(store: Store, call: Call) -> Reply:
    version_id = _version_id(call)
    store.check_version_id(call.bucket, version_id)
    days, tier = xmldoc.parse_restore_request(_small_body(call).content())
    status = store.restore_object(call.bucket, call.key, days, tier, version_id)
    return _empty(status)


def delete_object(store: Store, call: Call) -> Reply:
    bypass = headers.bypass_governance(call.headers)
    outcome = store.delete_object(
        call.bucket,
        call.key,
        _version_id(call),
        bypass,
        if_match=call.headers.get("If-Match"),
        directory_only=[h for h in wire.DIRECTORY_BUCKET_DELETE_CONDITIONS if h in call.headers],
    )
    extra = _version_header(outcome.version_id or outcome.marker_version_id)
    if outcome.delete_marker:
        extra.append((wire.DELETE_MARKER, "true"))
    return _empty(204, extra)


# -- multipart -------------------------------------------------------------------------------------


def create_multipart_upload(store: Store, call: Call) -> Reply:
    meta = _as_written(store, call, _object_meta(call))
    upload = store.create_multipart_upload(
        call.bucket,
        call.key,
        meta,
        call.headers.get(wire.CHECKSUM_ALGORITHM),
        call.headers.get(wire.CHECKSUM_TYPE),
        headers.encryption_request(call.headers),
        headers.lock_request(call.headers),
    )
    extra: list[tuple[str, str]] = []
    if upload.algorithm is not None and upload.checksum_type is not None:
        extra = [
            (wire.CHECKSUM_ALGORITHM, upload.algorithm.value),
            (wire.CHECKSUM_TYPE, upload.checksum_type.value),
        ]
    extra.extend(headers.encryption_headers(upload.meta.encryption))
    extra.extend(_abort_headers(store, call.bucket, upload.upload_id))
    reply = _xml(xmldoc.initiate_result(call.bucket, call.key, upload.upload_id), extra=extra)
    reply.upload_id = upload.upload_id
    return reply


def upload_part(store: Store, call: Call) -> Reply:
    validation.no_version_id(call.query.get(wire.VERSION_ID_PARAMETER))
    length = call.content_length
    upload_id = call.query.get("uploadId", "")
    part_number = call.query.get("partNumber")
    sse = headers.encryption_request(call.headers)
    declared = bodies.declared_size(call.headers, length, call.aws_chunked)
    target = store.check_upload_part(call.bucket, call.key, upload_id, part_number, declared, sse)
    compute = {Algorithm.CRC64NVME} | ({target.algorithm} if target.algorithm else set())
    payload = bodies.read_payload(
        call.stream,
        call.headers,
        length,
        compute,
        keep=store.keep_bytes,
        aws_chunked=call.aws_chunked,
        chain=call.chunk_chain,
        md5=not target.encryption.hides_md5,  # an SSE-C/KMS part's ETag is not its MD5
    )
    result = store.upload_part(call.bucket, call.key, upload_id, part_number, payload, sse, target)
    extra = [("ETag", f'"{result.etag}"'), *headers.encryption_headers(result.encryption)]
    if result.checksum is not None:
        extra.append((wire.checksum_header(result.checksum[0]), result.checksum[1]))
    extra.extend(_abort_headers(store, call.bucket, upload_id))
    return _empty(extra=extra)


def _abort_headers(store: Store, bucket: str, upload_id: str) -> list[tuple[str, str]]:
    """x-amz-abort-date and x-amz-abort-rule-id when a lifecycle rule will abort this upload."""
    due = store.upload_abort_due(bucket, upload_id)
    if due is None:
        return []
    return [(wire.ABORT_DATE, headers.http_date(due.at)), (wire.ABORT_RULE_ID, due.rule_id)]


# -- browser-based POST uploads (presigned POST) ----------------------------------------------------

# The form fields a SigV4 POST signs with, in the order S3 asks for a missing one [LS-AWS s3:
# test_post_request_missing_fields, test_post_request_missing_signature, recorded 2026-02-21].
_POST_V4_FIELDS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature")
_POST_V2_FIELDS = ("AWSAccessKeyId", "Signature")
_POST_RENAMED = {"acl": "x-amz-acl"}  # form fields named otherwise than the header they stand for


def verify_post_signature(store: Store, call: Call, fields: Mapping[str, str]) -> None:
    """With signature verification on (``auth=sigv4``), the form's signature over its policy, by the
    credential it names (``Authenticator.verify_post``); a form with neither is refused as anonymous.
    With auth off, as for every other request, any signature is accepted."""
    signing = call.form_signing
    if signing is None:
        return
    signing.outcome = "refused"
    signing.access_key = fields.get("x-amz-credential", "").split("/", 1)[0] or fields.get("awsaccesskeyid")
    verified = signing.authenticator.verify_post(fields, store.clock.timestamp(), store.region)
    signing.access_key, signing.outcome = verified.access_key, verified.method


def _check_post_signing_fields(fields: Mapping[str, str]) -> None:
    """A form with a policy names how it is signed: each field of its scheme, first missing one named.
    A form with none of them is anonymous (with auth on: AccessDenied, ``verify_post_signature``)."""
    if "policy" not in fields or not any(name in fields for name in (*POST_V4_FIELDS, *POST_V2_FIELDS)):
        return
    v2 = "x-amz-algorithm" not in fields and any(name in fields for name in POST_V2_FIELDS)
    for name in _POST_V2_FIELDS if v2 else _POST_V4_FIELDS:
        if name.lower() not in fields:
            raise errors.post_missing_field(name)


def _post_location(call: Call, key: str) -> str:
    if call.virtual:
        scheme, _, host = call.base_url.partition("://")
        return f"{scheme}://{call.bucket}.{host}/{quote(key, safe='/')}"
    return f"{call.base_url}/{call.bucket}/{quote(key, safe='/')}"


def _redirect_target(value: str | None) -> str | None:
    """success_action_redirect as S3 uses it: an absolute http(s) URL, else as if it were not there."""
    if not value:
        return None
    parsed = urlsplit(value)
    return value if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def post_object(store: Store, call: Call) -> Reply:
    """A browser's form upload (``POST /{bucket}``, multipart/form-data): the fields before the file,
    the policy's expiration and conditions (``post_policy``), then the file stored as PutObject stores a
    body, with the form's metadata fields. Answers 204, or what success_action_status /
    success_action_redirect ask for (AWS API reference, "POST Object")."""
    boundary = post_form.boundary(call.headers.get("Content-Type"))
    store.head_bucket(call.bucket)
    length = call.content_length
    if length is None:
        raise errors.MissingContentLength()
    limit = store.limits.body_limit(store.limits.max_object_size)
    form = post_form.read(call.stream, length, boundary, limit, keep=store.keep_bytes)
    assert form.payload is not None
    fields = form.lookup()
    sent_key = fields.get("key")
    if sent_key is None:
        raise errors.post_missing_field("key")
    _check_post_signing_fields(fields)
    verify_post_signature(store, call, fields)
    if "policy" in fields:
        policy = post_policy.decode(fields["policy"])
        post_policy.check(
            policy,
            {**fields, "bucket": call.bucket},
            form.payload.size,
            store.clock.now(),
            signature_fields=POST_SIGNATURE_FIELDS,
        )
    key = sent_key.replace("${filename}", form.filename) if form.filename is not None else sent_key
    as_headers = RequestHeaders(
        {_POST_RENAMED.get(name, name): post_form.header_text(value) for name, value in fields.items()}
    )
    # The form's metadata is UTF-8 text, stored as sent: encoded-words are not decoded there.
    meta = headers.object_meta(as_headers, [], list(fields.items()))
    if "tagging" in fields:  # an object's tag rules, as PutObject's x-amz-tagging and PutObjectTagging
        tags = xmldoc.parse_post_tagging(fields["tagging"].encode("utf-8"))
        meta = replace(meta, tagging=tagging.check_object_tags(tags))
    sse = headers.encryption_request(as_headers)
    store.check_put(call.bucket, key, form.payload.size, None, None, sse, meta.acl)
    # The Content-MD5 field is checked against the file as the header is on PutObject (AWS API
    # reference, "POST Object").
    payload = replace(form.payload, content_md5=fields.get("content-md5"))
    result = store.put_object(call.bucket, key, payload, meta, None, None, sse)
    etag = f'"{result.etag}"'
    location = _post_location(call, key)
    extra = [("ETag", etag), ("Location", location), *headers.encryption_headers(result.encryption)]
    extra.extend(_version_header(result.version_id))
    if result.checksum is not None:  # S3's default CRC64NVME, as PutObject answers it [LS-AWS:
        # test_post_object_default_checksum, recorded 2026-02-21]
        extra.append((wire.checksum_header(result.checksum.algorithm), result.checksum.value))
        extra.append((wire.CHECKSUM_TYPE, result.checksum.type.value))
    redirect = _redirect_target(fields.get("success_action_redirect") or fields.get("redirect"))
    if redirect is not None:
        query = urlencode({"bucket": call.bucket, "key": key, "etag": etag})
        target = f"{redirect}{'&' if '?' in redirect else '?'}{query}"
        return _empty(
            303, [("Location", target), ("ETag", etag), *headers.encryption_headers(result.encryption)]
        )
    status = fields.get("success_action_status")
    if status == "201":
        return _xml(xmldoc.post_response(location, call.bucket, key, etag), 201, extra)
    return _empty(200 if status == "200" else 204, extra)


def _copy_conditions(call: Call) -> CopyConditions:
    prefix = "x-amz-copy-source-if-"
    return CopyConditions(
        if_match=call.headers.get(f"{prefix}match"),
        if_none_match=call.headers.get(f"{prefix}none-match"),
        if_modified_since=call.headers.get(f"{prefix}modified-since"),
        if_unmodified_since=call.headers.get(f"{prefix}unmodified-since"),
    )


def copy_object(store: Store, call: Call) -> Reply:
    sse = headers.encryption_request(call.headers)
    request = CopyRequest(
        meta=_object_meta(call),
        metadata_directive=call.headers.get("x-amz-metadata-directive"),
        tagging_directive=call.headers.get(wire.TAGGING_DIRECTIVE),
        storage_class=call.headers.get(wire.STORAGE_CLASS),
        website_redirect=call.headers.get(wire.WEBSITE_REDIRECT),
        checksum_algorithm=call.headers.get(wire.CHECKSUM_ALGORITHM),
        encryption_given=sse.given,
    )
    result = store.copy_object(
        call.bucket,
        call.key,
        call.headers.get(wire.COPY_SOURCE, ""),
        request,
        _copy_conditions(call),
        sse,
        headers.copy_source_encryption_request(call.headers),
        headers.lock_request(call.headers),
        if_match=call.headers.get("If-Match"),
        if_none_match=call.headers.get("If-None-Match"),
    )
    extra = [*headers.encryption_headers(result.encryption), *_version_header(result.version_id)]
    extra.extend(headers.expiration_headers(result.expiration))
    if result.source_version_id is not None:
        extra.append((wire.COPY_SOURCE_VERSION_ID, result.source_version_id))
    return _xml(xmldoc.copy_result("CopyObjectResult", result), extra=extra)


def upload_part_copy(store: Store, call: Call) -> Reply:
    result = store.upload_part_copy(
        call.bucket,
        call.key,
        call.query.get("uploadId", ""),
        call.query.get("partNumber"),
        call.headers.get(wire.COPY_SOURCE, ""),
        call.headers.get(wire.COPY_SOURCE_RANGE),
        _copy_conditions(call),
        headers.encryption_request(call.headers),
        headers.copy_source_encryption_request(call.headers),
    )
    extra = (
        [(wire.checksum_header(result.checksum.algorithm), result.checksum.value)] if result.checksum else []
    )
    extra.extend(headers.encryption_headers(result.encryption))
    if result.source_version_id is not None:
        extra.append((wire.COPY_SOURCE_VERSION_ID, result.source_version_id))
    return _xml(xmldoc.copy_result("CopyPartResult", result), extra=extra)


def _location(call: Call) -> str:
    if call.virtual:
        scheme, _, host = call.base_url.partition("://")
        return f"{scheme}://{call.bucket}.{host}/{quote(call.key, safe='/')}"
    return f"{call.base_url}/{call.bucket}/{quote(call.key, safe='/')}"


def complete_multipart_upload(store: Store, call: Call) -> Reply:
    store.check_complete(call.bucket, call.key, call.query.get("uploadId", ""))
    # x-amz-checksum-* on Complete is the object's final checksum (spec §5.1 step 10), not the body's.
    payload = _small_body(call, checksum_headers=False)
    document = xmldoc.parse_complete(payload.content())
    options = CompleteOptions(
        checksum_type=call.headers.get(wire.CHECKSUM_TYPE),
        checksums=tuple(
            (algorithm.value, value) for algorithm, value in bodies.header_claims(call.headers).items()
        ),
        mp_object_size=call.headers.get(wire.MP_OBJECT_SIZE),
        if_match=call.headers.get("If-Match"),
        if_none_match=call.headers.get("If-None-Match"),
    )
    result = store.complete_multipart_upload(
        call.bucket, call.key, call.query.get("uploadId", ""), document, options
    )
    # Complete reports SSE-S3 / SSE-KMS, never the SSE-C pair (research: copy_attrs_sse §4.1).
    shown = [(n, v) for n, v in headers.encryption_headers(result.encryption) if "customer" not in n]
    shown.extend(_version_header(result.version_id))
    shown.extend(headers.expiration_headers(result.expiration))
    return _xml(xmldoc.complete_result(_location(call), result), extra=shown)


def abort_multipart_upload(store: Store, call: Call) -> Reply:
    store.abort_multipart_upload(call.bucket, call.key, call.query.get("uploadId", ""))
    return _empty(204)


def list_parts(store: Store, call: Call) -> Reply:
    page = store.list_parts(
        call.bucket,
        call.key,
        call.query.get("uploadId", ""),
        call.query.get("max-parts"),
        call.query.get("part-number-marker"),
    )
    return _xml(xmldoc.list_parts(page), extra=_abort_headers(store, call.bucket, page.upload.upload_id))


def list_multipart_uploads(store: Store, call: Call) -> Reply:
    encoding = _encoding(call)
    page = store.list_multipart_uploads(
        call.bucket,
        prefix=call.query.get("prefix", ""),
        delimiter=call.query.get("delimiter") or None,
        key_marker=call.query.get("key-marker"),
        upload_id_marker=call.query.get("upload-id-marker"),
        max_uploads=call.query.get("max-uploads"),
    )
    return _xml(xmldoc.list_uploads(page, encoding))


# -- object tagging, ACLs, policy status -----------------------------------------------------------


def _config_body(call: Call) -> bytes:
    """A configuration document (tagging, ACL, policy...): read as every small body is, with the
    integrity checks its headers ask for."""
    return _small_body(call).content()


def get_object_tagging(store: Store, call: Call) -> Reply:
    tags, version_id = store.get_object_tagging(call.bucket, call.key, _version_id(call))
    return _xml(xmldoc.tagging(tags), extra=_version_header(version_id))


def put_object_tagging(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    tags = xmldoc.parse_tagging(_config_body(call))
    version_id = store.put_object_tagging(call.bucket, call.key, tags, _version_id(call))
    return _empty(extra=_version_header(version_id))


def delete_object_tagging(store: Store, call: Call) -> Reply:
    version_id = store.delete_object_tagging(call.bucket, call.key, _version_id(call))
    return _empty(204, _version_header(version_id))


def _requested_acl(call: Call) -> access.Acl:
    """The ACL a Put*Acl request sets: from its headers or its AccessControlPolicy body, not both."""
    from_headers = access.from_headers(call.headers, access.OWNER_ID)
    body = _config_body(call)
    if from_headers is not None:
        if body.strip():
            raise errors.UnexpectedContent()
        return from_headers
    if not body.strip():
        raise errors.MissingSecurityHeader(wire.ACL)
    owner, grants = xmldoc.parse_access_control_policy(body)
    return access.from_policy(owner, grants)


def get_bucket_acl(store: Store, call: Call) -> Reply:
    return _xml(xmldoc.access_control_policy(store.get_bucket_acl(call.bucket)))


def put_bucket_acl(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    store.put_bucket_acl(call.bucket, _requested_acl(call))
    return _empty()


def get_object_acl(store: Store, call: Call) -> Reply:
    acl, version_id = store.get_object_acl(call.bucket, call.key, _version_id(call))
    return _xml(xmldoc.access_control_policy(acl), extra=_version_header(version_id))


def put_object_acl(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    version_id = store.put_object_acl(call.bucket, call.key, _requested_acl(call), _version_id(call))
    return _empty(extra=_version_header(version_id))


def get_bucket_policy_status(store: Store, call: Call) -> Reply:
    return _xml(xmldoc.policy_status(store.get_bucket_policy_status(call.bucket)))


# -- lifecycle, website, CORS preflight (docs/features/bucket-config.md) ---------------------------


def get_bucket_lifecycle_configuration(store: Store, call: Call) -> Reply:
    config = store.get_bucket_lifecycle(call.bucket)
    return _xml(
        xmldoc.lifecycle_configuration(config), extra=[(wire.TRANSITION_MIN_SIZE, config.min_object_size)]
    )


def put_bucket_lifecycle_configuration(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    specs = xmldoc.parse_lifecycle_configuration(_config_body(call))
    config = lifecycle.build(specs, call.headers.get(wire.TRANSITION_MIN_SIZE))
    store.put_bucket_lifecycle(call.bucket, config)
    return _empty(extra=[(wire.TRANSITION_MIN_SIZE, config.min_object_size)])


def delete_bucket_lifecycle(store: Store, call: Call) -> Reply:
    store.delete_bucket_lifecycle(call.bucket)
    return _empty(204)


def get_bucket_website(store: Store, call: Call) -> Reply:
    return _xml(xmldoc.website(store.get_bucket_website(call.bucket)))


def put_bucket_website(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    store.put_bucket_website(call.bucket, xmldoc.parse_website(_config_body(call)))
    return _empty()


def delete_bucket_website(store: Store, call: Call) -> Reply:
    store.delete_bucket_website(call.bucket)
    return _empty(204)


def _website_page(call: Call, error: errors.S3Error, document_error: errors.S3Error | None = None) -> Reply:
    page = website_pages.error_page(error, call.request_id, call.host_id, document_error)
    reply = Reply(
        error.status, [("Content-Type", wire.HTML_CONTENT_TYPE)], page if call.method != "HEAD" else b""
    )
    reply.error_code = error.code
    return reply


def website_request(store: Store, call: Call) -> Reply:
    """The bucket's static website endpoint (``state/website.py`` decides): the object served as
    GetObject serves it (its headers, conditional GET), with the error's status for the error
    document; a redirect with an empty body; else S3's HTML error page. Anonymous, as S3's website
    is: only objects anyone may read are served (``website.visitor``)."""
    scheme, _, host = call.base_url.partition("://")
    try:
        answer = store.website_answer(call.bucket, website.Asked(call.method, call.key, scheme, host))
        if isinstance(answer, website.Redirect):
            return _empty(answer.status, [("Location", answer.location)])
        if isinstance(answer, website.Failed):
            return _website_page(call, answer.error, answer.document_error)
        served = replace(call, key=answer.key, query={}, operation=Operation.GET_OBJECT)
        reply = _read_object(store, served, with_body=call.method == "GET")
    except errors.S3Error as error:
        return _website_page(call, error)
    if call.method == "HEAD":
        reply = Reply(reply.status, reply.headers, b"", reply.length)
    if reply.status == 200:
        reply.status = answer.status
    return reply


def preflight(store: Store, call: Call) -> Reply:
    """A browser's OPTIONS before a cross-origin request: answered from the bucket's CORS rules, with
    no authentication (a preflight carries none) and whatever subresource the URL names."""
    origin = call.headers.get(wire.ORIGIN)
    if origin is None:
        raise errors.BadRequest(errors.CORS_ORIGIN_NEEDED)
    asked = cors.Asked.parse(
        origin,
        call.headers.get(wire.CORS_REQUEST_METHOD, cors.PREFLIGHT_METHOD),
        call.headers.get(wire.CORS_REQUEST_HEADERS),
    )
    resource_type = "OBJECT" if call.key else "BUCKET"
    return _empty(extra=cors_headers.render(store.cors_preflight(call.bucket, asked, resource_type)))


def frame_refused_preflight(call: Call, reply: Reply) -> None:
    """S3 frames its refusal of a preflight unlike its other answers: the error document goes out
    chunked, with no Content-Length, and the refusal of one without Origin (400 "Insufficient
    information") also ends the connection (``Connection: close``); an admitted preflight keeps
    ``Content-Length: 0`` [LS-AWS cors: test_cors_match_origins, recorded 2023-07-31;
    test_cors_options_fails_partial_origin, 2024-03-01; test_cors_match_methods, 2025-03-17;
    test_cors_match_headers, 2025-07-07; test_put_cors_default_values]. The refusals for a bucket
    without CORS or without existence come from the same "CORSResponse" answerer and are framed alike.

    :param reply: the error answer the preflight's own checks gave (not a fault rule's answer).
    """
    if call.operation is not Operation.PREFLIGHT_REQUEST or reply.status < 400:
        return
    reply.unsized = True
    reply.close = call.headers.get(wire.ORIGIN) is None


def _config_id(call: Call) -> str:
    """The ``id`` query parameter of an Id-keyed configuration request (required)."""
    config_id = call.query.get("id")
    if not config_id:
        raise errors.MalformedXML()
    return config_id


# -- single-document configurations: one handler per operation, from DOC_CONFIGS -------------------


@dataclass(frozen=True, slots=True)
class DocConfig:
    """A single-document configuration on the wire: its operations (no Delete: None), how its document
    is read and written, and the status of a successful Put. The rules are its ``kind``'s."""

    kind: bucket_documents.DocConfigKind[Any]
    get: Operation
    put: Operation
    delete: Operation | None
    parse: Callable[[bytes], object]
    render: Callable[[Any], bytes]
    put_status: int = 200
    content_type: str = wire.XML_CONTENT_TYPE
    digest_required: bool = False  # the Put needs Content-MD5 or a checksum (integrity.require_digest)


DOC_CONFIGS = (
    DocConfig(
        bucket_documents.TAGGING,
        Operation.GET_BUCKET_TAGGING,
        Operation.PUT_BUCKET_TAGGING,
        Operation.DELETE_BUCKET_TAGGING,
        xmldoc.parse_tagging,
        xmldoc.tagging,
        put_status=204,
    ),
    DocConfig(
        bucket_documents.OWNERSHIP_CONTROLS,
        Operation.GET_BUCKET_OWNERSHIP_CONTROLS,
        Operation.PUT_BUCKET_OWNERSHIP_CONTROLS,
        Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS,
        xmldoc.parse_ownership_controls,
        xmldoc.ownership_controls,
    ),
    DocConfig(
        bucket_documents.PUBLIC_ACCESS_BLOCK,
        Operation.GET_PUBLIC_ACCESS_BLOCK,
        Operation.PUT_PUBLIC_ACCESS_BLOCK,
        Operation.DELETE_PUBLIC_ACCESS_BLOCK,
        xmldoc.parse_public_access_block,
        xmldoc.public_access_block,
    ),
    DocConfig(
        bucket_documents.POLICY,
        Operation.GET_BUCKET_POLICY,
        Operation.PUT_BUCKET_POLICY,
        Operation.DELETE_BUCKET_POLICY,
        bytes,  # JSON, kept as sent
        str.encode,
        put_status=204,
        content_type=wire.JSON_CONTENT_TYPE,
    ),
    DocConfig(
        bucket_documents.ENCRYPTION,
        Operation.GET_BUCKET_ENCRYPTION,
        Operation.PUT_BUCKET_ENCRYPTION,
        Operation.DELETE_BUCKET_ENCRYPTION,
        xmldoc.parse_bucket_encryption,
        xmldoc.bucket_encryption,
    ),
    DocConfig(
        bucket_documents.ACCELERATE,
        Operation.GET_BUCKET_ACCELERATE_CONFIGURATION,
        Operation.PUT_BUCKET_ACCELERATE_CONFIGURATION,
        None,
        xmldoc.parse_accelerate_configuration,
        xmldoc.accelerate_configuration,
    ),
    DocConfig(
        bucket_documents.REQUEST_PAYMENT,
        Operation.GET_BUCKET_REQUEST_PAYMENT,
        Operation.PUT_BUCKET_REQUEST_PAYMENT,
        None,
        xmldoc.parse_request_payment_configuration,
        xmldoc.request_payment_configuration,
    ),
    DocConfig(
        bucket_documents.CORS,
        Operation.GET_BUCKET_CORS,
        Operation.PUT_BUCKET_CORS,
        Operation.DELETE_BUCKET_CORS,
        xmldoc.parse_cors,
        xmldoc.cors_configuration,
    ),
    DocConfig(
        bucket_documents.REPLICATION,
        Operation.GET_BUCKET_REPLICATION,
        Operation.PUT_BUCKET_REPLICATION,
        Operation.DELETE_BUCKET_REPLICATION,
        xmldoc.parse_replication,
        xmldoc.replication,
    ),
    DocConfig(
        bucket_documents.NOTIFICATION,
        Operation.GET_BUCKET_NOTIFICATION_CONFIGURATION,
        Operation.PUT_BUCKET_NOTIFICATION_CONFIGURATION,
        None,
        xmldoc.parse_notification,
        xmldoc.notification_configuration,
    ),
    DocConfig(
        bucket_documents.LOGGING,
        Operation.GET_BUCKET_LOGGING,
        Operation.PUT_BUCKET_LOGGING,
        None,
        xmldoc.parse_bucket_logging,
        xmldoc.bucket_logging,
    ),
    DocConfig(
        bucket_documents.OBJECT_LOCK,
        Operation.GET_OBJECT_LOCK_CONFIGURATION,
        Operation.PUT_OBJECT_LOCK_CONFIGURATION,
        None,
        xmldoc.parse_object_lock_configuration,
        xmldoc.object_lock_configuration,
        digest_required=True,
    ),
)


def _get_doc_config(doc: DocConfig) -> Handler:
    def get(store: Store, call: Call) -> Reply:
        value = store.get_bucket_config(doc.kind, call.bucket)
        return Reply(200, [("Content-Type", doc.content_type)], doc.render(value))

    return get


def _put_doc_config(doc: DocConfig) -> Handler:
    def put(store: Store, call: Call) -> Reply:
        store.head_bucket(call.bucket)
        payload = _small_body(call)
        if doc.digest_required:
            integrity.require_digest(payload)
        store.put_bucket_config(doc.kind, call.bucket, doc.parse(payload.content()))
        return _empty(doc.put_status)

    return put


def _delete_doc_config(doc: DocConfig) -> Handler:
    def delete(store: Store, call: Call) -> Reply:
        store.delete_bucket_config(doc.kind, call.bucket)
        return _empty(204)

    return delete


def _doc_config_handlers() -> dict[Operation, Handler]:
    found: dict[Operation, Handler] = {}
    for doc in DOC_CONFIGS:
        found[doc.get] = _get_doc_config(doc)
        found[doc.put] = _put_doc_config(doc)
        if doc.delete is not None:
            found[doc.delete] = _delete_doc_config(doc)
    return found


# -- Id-keyed configurations: one handler per operation of each kind, from bucket_config.ID_CONFIGS --


def _get_id_config(kind: bucket_config.IdConfigKind) -> Callable[[Store, Call], Reply]:
    def get(store: Store, call: Call) -> Reply:
        return _xml(xmldoc.id_configuration(kind, store.get_id_config(kind, call.bucket, _config_id(call))))

    return get


def _put_id_config(kind: bucket_config.IdConfigKind) -> Callable[[Store, Call], Reply]:
    def put(store: Store, call: Call) -> Reply:
        store.head_bucket(call.bucket)
        config_id = _config_id(call)
        config = xmldoc.parse_id_configuration(_config_body(call), kind)
        store.put_id_config(kind, call.bucket, config_id, config)
        return _empty(204)

    return put


def _delete_id_config(kind: bucket_config.IdConfigKind) -> Callable[[Store, Call], Reply]:
    def delete(store: Store, call: Call) -> Reply:
        store.delete_id_config(kind, call.bucket, _config_id(call))
        return _empty(204)

    return delete


def _list_id_configs(kind: bucket_config.IdConfigKind) -> Callable[[Store, Call], Reply]:
    def list_configs(store: Store, call: Call) -> Reply:
        token = call.query.get("continuation-token") or None
        page = store.list_id_configs(kind, call.bucket, token)
        return _xml(xmldoc.list_id_configurations(kind, page, token))

    return list_configs


def _id_config_handlers() -> dict[Operation, Callable[[Store, Call], Reply]]:
    found: dict[Operation, Callable[[Store, Call], Reply]] = {}
    for kind in bucket_config.ID_CONFIGS.values():
        found[Operation(f"GetBucket{kind.name}Configuration")] = _get_id_config(kind)
        found[Operation(f"PutBucket{kind.name}Configuration")] = _put_id_config(kind)
        found[Operation(f"DeleteBucket{kind.name}Configuration")] = _delete_id_config(kind)
        found[Operation(f"ListBucket{kind.name}Configurations")] = _list_id_configs(kind)
    return found


# -- Object Lock (docs/features/object-lock.md) ----------------------------------------------------


def get_object_retention(store: Store, call: Call) -> Reply:
    found = store.get_object_retention(call.bucket, call.key, _version_id(call))
    return _xml(xmldoc.retention(found))


def put_object_retention(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    mode, until = xmldoc.parse_retention(_config_body(call))
    bypass = bool(headers.bypass_governance(call.headers))
    version_id = store.put_object_retention(call.bucket, call.key, mode, until, _version_id(call), bypass)
    return _empty(extra=_version_header(version_id))


def get_object_legal_hold(store: Store, call: Call) -> Reply:
    return _xml(xmldoc.legal_hold(store.get_object_legal_hold(call.bucket, call.key, _version_id(call))))


def put_object_legal_hold(store: Store, call: Call) -> Reply:
    store.head_bucket(call.bucket)
    status = xmldoc.parse_legal_hold(_config_body(call))
    version_id = store.put_object_legal_hold(call.bucket, call.key, status, _version_id(call))
    return _empty(extra=_version_header(version_id))


Handler = Callable[[Store, Call], Reply]

HANDLERS: dict[Operation, Handler] = {
    Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION: get_bucket_lifecycle_configuration,
    Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION: put_bucket_lifecycle_configuration,
    Operation.DELETE_BUCKET_LIFECYCLE: delete_bucket_lifecycle,
    Operation.LIST_BUCKETS: list_buckets,
    Operation.CREATE_BUCKET: create_bucket,
    Operation.HEAD_BUCKET: head_bucket,
    Operation.DELETE_BUCKET: delete_bucket,
    Operation.GET_BUCKET_LOCATION: get_bucket_location,
    Operation.RESTORE_OBJECT: restore_object,
    Operation.PUT_BUCKET_VERSIONING: put_bucket_versioning,
    Operation.GET_BUCKET_VERSIONING: get_bucket_versioning,
    Operation.LIST_OBJECTS: list_objects,
    Operation.LIST_OBJECTS_V2: list_objects_v2,
    Operation.LIST_OBJECT_VERSIONS: list_object_versions,
    Operation.DELETE_OBJECTS: delete_objects,
    Operation.PUT_OBJECT: put_object,
    Operation.GET_OBJECT: get_object,
    Operation.HEAD_OBJECT: head_object,
    Operation.GET_OBJECT_ATTRIBUTES: get_object_attributes,
    Operation.DELETE_OBJECT: delete_object,
    Operation.CREATE_MULTIPART_UPLOAD: create_multipart_upload,
    Operation.UPLOAD_PART: upload_part,
    Operation.UPLOAD_PART_COPY: upload_part_copy,
    Operation.COPY_OBJECT: copy_object,
    Operation.COMPLETE_MULTIPART_UPLOAD: complete_multipart_upload,
    Operation.ABORT_MULTIPART_UPLOAD: abort_multipart_upload,
    Operation.LIST_PARTS: list_parts,
    Operation.LIST_MULTIPART_UPLOADS: list_multipart_uploads,
    Operation.GET_OBJECT_TAGGING: get_object_tagging,
    Operation.PUT_OBJECT_TAGGING: put_object_tagging,
    Operation.DELETE_OBJECT_TAGGING: delete_object_tagging,
    Operation.GET_BUCKET_ACL: get_bucket_acl,
    Operation.PUT_BUCKET_ACL: put_bucket_acl,
    Operation.GET_OBJECT_ACL: get_object_acl,
    Operation.PUT_OBJECT_ACL: put_object_acl,
    Operation.GET_BUCKET_POLICY_STATUS: get_bucket_policy_status,
    Operation.GET_BUCKET_WEBSITE: get_bucket_website,
    Operation.PUT_BUCKET_WEBSITE: put_bucket_website,
    Operation.DELETE_BUCKET_WEBSITE: delete_bucket_website,
    Operation.PREFLIGHT_REQUEST: preflight,
    Operation.WEBSITE_REQUEST: website_request,
    Operation.POST_OBJECT: post_object,
    **_doc_config_handlers(),
    **_id_config_handlers(),
    Operation.GET_OBJECT_RETENTION: get_object_retention,
    Operation.PUT_OBJECT_RETENTION: put_object_retention,
    Operation.GET_OBJECT_LEGAL_HOLD: get_object_legal_hold,
    Operation.PUT_OBJECT_LEGAL_HOLD: put_object_legal_hold,
}


def iter_body(body: Body) -> Iterator[bytes | memoryview]:
    if isinstance(body, bytes):
        if body:
            yield body
        return
    yield from body


# What an anonymous request needs, by operation (``access.anonymous_may``); DeleteObjects judges each
# key (``Store.delete_objects``); an operation not named here is the bucket owner's alone.
_ANONYMOUS_NEEDS = {
    Operation.GET_OBJECT: access.Need.READ,
    Operation.HEAD_OBJECT: access.Need.READ,
    Operation.HEAD_BUCKET: access.Need.LIST,
    Operation.LIST_OBJECTS: access.Need.LIST,
    Operation.LIST_OBJECTS_V2: access.Need.LIST,
    Operation.LIST_OBJECT_VERSIONS: access.Need.LIST,
    Operation.LIST_MULTIPART_UPLOADS: access.Need.LIST,
    Operation.LIST_PARTS: access.Need.LIST,
    Operation.PUT_OBJECT: access.Need.WRITE,
    Operation.CREATE_MULTIPART_UPLOAD: access.Need.WRITE,
    Operation.UPLOAD_PART: access.Need.WRITE,
    Operation.COMPLETE_MULTIPART_UPLOAD: access.Need.WRITE,
    Operation.ABORT_MULTIPART_UPLOAD: access.Need.WRITE,
    Operation.DELETE_OBJECT: access.Need.DELETE,
}


def perform(store: Store, call: Call) -> Reply:
    """Run the request's operation, once the bucket owner it expects is checked and, for an anonymous
    request, what the bucket lets everyone do."""
    check_expected_owners(store, call)
    if call.anonymous and call.operation is not Operation.DELETE_OBJECTS:
        if not call.bucket:
            raise errors.AccessDenied()  # ListBuckets: no one's account
        need = _ANONYMOUS_NEEDS.get(call.operation, access.Need.NOTHING_PUBLIC)
        store.check_anonymous(call.bucket, call.key, need)
    return HANDLERS[call.operation](store, call)


def _as_written(store: Store, call: Call, meta: ObjectMeta) -> ObjectMeta:
    """The object's metadata with its owner: an anonymous writer owns what it writes unless the bucket
    gives it to the bucket owner (``access.anonymous_writer``)."""
    if not call.anonymous:
        return meta
    return replace(meta, owner=store.anonymous_writer(call.bucket, meta.acl))
