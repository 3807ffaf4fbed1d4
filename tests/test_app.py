"""The WSGI app through werkzeug's test Client: routing, addressing, error documents and the basic
object and bucket operations, compared as parsed XML (spec §1; /work/research/basic_ops.md)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import zlib
from email.utils import format_datetime
from urllib.parse import quote, unquote_plus

import pytest
import xmltodict
from werkzeug.test import Client

from pytest_s3mpu.app import application as app_module
from pytest_s3mpu.app import operations as handlers
from pytest_s3mpu.app.application import S3App
from pytest_s3mpu.state.model import Limits, ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
BUCKET = "bkt"
NOW = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
NOW_HTTP = "Wed, 01 May 2024 12:00:00 GMT"
NOW_ISO = "2024-05-01T12:00:00.000Z"
REQUEST_ID = re.compile(r"[A-Z0-9]{16}\Z")
LISTS = {"Contents", "CommonPrefixes", "Upload", "Part", "Bucket", "Deleted", "Error", "Version"}
INTERNAL = "We encountered an internal error. Please try again."
NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"


def _force_list(path, key, value):
    return bool(path) and key in LISTS


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def crc64nvme(data: bytes) -> int:
    """CRC-64/NVME written out bit by bit (reflected poly 0x9a6c9329ac4bc9b5, init and xorout all ones)."""
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x9A6C9329AC4BC9B5 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFFFFFFFFFF


def test_crc64nvme_reference_vector():
    """The test's own CRC-64/NVME matches the catalogue check value for b"123456789"."""
    assert crc64nvme(b"123456789") == 0xAE8B14860A799888


class S3Client:
    """werkzeug's Client, checking on every answer the headers S3 puts on every response (spec §1.2)."""

    def __init__(self, app: S3App) -> None:
        self.app = app
        self.client = Client(app)

    def __call__(self, method: str, path: str, **kwargs):
        response = self.client.open(path, method=method, **kwargs)
        assert REQUEST_ID.match(response.headers.get("x-amz-request-id", "")), response.headers
        assert response.headers.get("x-amz-id-2")
        return response


def parse(response) -> tuple[str, dict]:
    document = xmltodict.parse(response.data, force_list=_force_list)
    ((name, root),) = document.items()
    return name, root or {}


def ok_xml(response, root_name: str, status: int = 200) -> dict:
    """A success body: the expected root, carrying S3's namespace (spec §1.3)."""
    assert response.status_code == status, response.data
    assert response.headers["Content-Type"] == "application/xml"
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    name, root = parse(response)
    assert name == root_name
    assert root["@xmlns"] == NS
    return root


def text(value) -> str:
    """Element text as S3 means it: an empty element is the empty string."""
    return "" if value is None else value


def assert_error(response, status: int, code: str, message: str, fields: dict[str, str] | None = None):
    """The S3 error document of spec §1.2: Code, Message, the extra elements in order, then RequestId and
    HostId equal to the x-amz-request-id / x-amz-id-2 headers; no namespace; application/xml."""
    fields = fields or {}
    assert response.status_code == status, response.data
    assert response.headers["Content-Type"] == "application/xml"
    name, root = parse(response)
    assert name == "Error"
    assert not any(k.startswith("@") for k in root), "the <Error> root carries no namespace"
    assert list(root) == ["Code", "Message", *fields, "RequestId", "HostId"]
    assert root["Code"] == code
    assert root["Message"] == message
    assert {k: text(root[k]) for k in fields} == fields
    assert root["RequestId"] == response.headers["x-amz-request-id"]
    assert root["HostId"] == response.headers["x-amz-id-2"]
    return root


def put(store: Store, key: str, data: bytes = b"data", bucket: str = BUCKET, **meta) -> None:
    store.put_object(bucket, key, Payload.of(data), ObjectMeta(**meta))


@pytest.fixture
def store() -> Store:
    store = Store(limits=Limits(min_part_size=1024), clock=lambda: NOW)
    store.create_bucket(BUCKET)
    return store


@pytest.fixture
def app(store: Store) -> S3App:
    return S3App(store)


@pytest.fixture
def s3(app: S3App) -> S3Client:
    return S3Client(app)


def snapshot(store: Store) -> dict:
    return {name: {k: o.etag for k, o in store.objects(name).items()} for name in store.bucket_names()}


# -- error documents -------------------------------------------------------------------------------


def test_error_document_shape_and_ids(s3):
    """NoSuchKey: 404, <Error> without namespace, Key element, RequestId/HostId equal to the headers
    (spec §1.2; basic_ops §3)."""
    response = s3("GET", f"/{BUCKET}/missing")
    assert_error(response, 404, "NoSuchKey", "The specified key does not exist.", {"Key": "missing"})


def test_no_such_bucket_error(s3):
    """NoSuchBucket carries BucketName and has no trailing period (spec §11)."""
    response = s3("GET", "/nobucket?list-type=2")
    assert_error(
        response, 404, "NoSuchBucket", "The specified bucket does not exist", {"BucketName": "nobucket"}
    )


@pytest.mark.parametrize("path", [f"/{BUCKET}/missing", "/nobucket", "/nobucket/k"])
def test_head_errors_have_no_body(s3, path):
    """HEAD answers carry status and headers only, never an error body (spec §1.2)."""
    response = s3("HEAD", path)
    assert response.status_code == 404
    assert response.data == b""


def test_request_ids_differ_per_request(s3):
    """Each response has its own x-amz-request-id (spec §1.2)."""
    ids = {s3("GET", "/").headers["x-amz-request-id"] for _ in range(3)}
    assert len(ids) == 3


# -- routing (spec §1.1) ---------------------------------------------------------------------------


class _Recorder(dict):
    """Stands in for handlers.HANDLERS: records which operation, bucket and key the app picked."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str, str]] = []

    def __missing__(self, operation: str):
        def handler(store, call):
            self.calls.append((call.operation, call.bucket, call.key))
            return handlers.Reply(200)

        return handler


@pytest.fixture
def recorder(monkeypatch) -> _Recorder:
    recorder = _Recorder()
    monkeypatch.setattr(handlers, "HANDLERS", recorder)
    return recorder


ROUTES = [
    ("GET", "/", "ListBuckets", "", ""),
    ("PUT", "/bkt", "CreateBucket", "bkt", ""),
    ("HEAD", "/bkt", "HeadBucket", "bkt", ""),
    ("DELETE", "/bkt", "DeleteBucket", "bkt", ""),
    ("GET", "/bkt", "ListObjects", "bkt", ""),
    ("GET", "/bkt/", "ListObjects", "bkt", ""),
    ("GET", "/bkt?list-type=2", "ListObjectsV2", "bkt", ""),
    ("GET", "/bkt?uploads", "ListMultipartUploads", "bkt", ""),
    ("GET", "/bkt?uploads=", "ListMultipartUploads", "bkt", ""),
    ("GET", "/bkt?versions", "ListObjectVersions", "bkt", ""),
    ("GET", "/bkt?location", "GetBucketLocation", "bkt", ""),
    ("POST", "/bkt?delete", "DeleteObjects", "bkt", ""),
    ("PUT", "/bkt/k", "PutObject", "bkt", "k"),
    ("GET", "/bkt/k", "GetObject", "bkt", "k"),
    ("GET", "/bkt/k?partNumber=1", "GetObject", "bkt", "k"),
    ("HEAD", "/bkt/k", "HeadObject", "bkt", "k"),
    ("DELETE", "/bkt/k", "DeleteObject", "bkt", "k"),
    ("POST", "/bkt/k?uploads", "CreateMultipartUpload", "bkt", "k"),
    ("POST", "/bkt/k?uploads=", "CreateMultipartUpload", "bkt", "k"),
    ("PUT", "/bkt/k?partNumber=1&uploadId=U", "UploadPart", "bkt", "k"),
    ("PUT", "/bkt/k?uploadId=U&partNumber=1", "UploadPart", "bkt", "k"),
    ("POST", "/bkt/k?uploadId=U", "CompleteMultipartUpload", "bkt", "k"),
    ("DELETE", "/bkt/k?uploadId=U", "AbortMultipartUpload", "bkt", "k"),
    ("GET", "/bkt/k?uploadId=U", "ListParts", "bkt", "k"),
    ("GET", "/bkt/k?uploadId=U&max-parts=2&part-number-marker=1", "ListParts", "bkt", "k"),
    # botocore's x-id query parameter names the operation but never changes it.
    ("PUT", "/bkt/k?x-id=PutObject", "PutObject", "bkt", "k"),
    ("GET", "/bkt/k?x-id=GetObject", "GetObject", "bkt", "k"),
    ("DELETE", "/bkt/k?x-id=DeleteObject", "DeleteObject", "bkt", "k"),
    ("PUT", "/bkt/k?partNumber=1&uploadId=U&x-id=UploadPart", "UploadPart", "bkt", "k"),
    ("POST", "/bkt/k?uploads&x-id=CreateMultipartUpload", "CreateMultipartUpload", "bkt", "k"),
    ("POST", "/bkt?delete&x-id=DeleteObjects", "DeleteObjects", "bkt", ""),
    ("GET", "/bkt?list-type=2&x-id=ListObjectsV2", "ListObjectsV2", "bkt", ""),
    # A key that looks like a subresource is still a key: the query is never read from the path.
    ("PUT", "/bkt/%3Fuploads", "PutObject", "bkt", "?uploads"),
    ("GET", "/bkt/%3FversionId", "GetObject", "bkt", "?versionId"),
    ("GET", "/bkt/a/b?response-content-type=x", "GetObject", "bkt", "a/b"),
]


@pytest.mark.parametrize(("method", "path", "operation", "bucket", "key"), ROUTES)
def test_routing_table(s3, recorder, method, path, operation, bucket, key):
    """Method plus query subresource picks the operation (spec §1.1 table); x-id is a plain parameter."""
    response = s3(method, path)
    assert response.status_code == 200
    assert recorder.calls == [(operation, bucket, key)]


@pytest.mark.parametrize(
    ("method", "path", "host", "operation", "bucket", "key"),
    [
        ("GET", "/", "bkt.localhost", "ListObjects", "bkt", ""),
        ("GET", "/?list-type=2", "bkt.localhost:9000", "ListObjectsV2", "bkt", ""),
        ("PUT", "/dir/k", "bkt.localhost:9000", "PutObject", "bkt", "dir/k"),
        (
            "POST",
            "/k?uploads",
            "my.dotted.bucket.localhost",
            "CreateMultipartUpload",
            "my.dotted.bucket",
            "k",
        ),
        ("GET", "/bkt/k", "localhost:9000", "GetObject", "bkt", "k"),
        ("GET", "/bkt/k", "127.0.0.1:9000", "GetObject", "bkt", "k"),
        ("GET", "/", "localhost", "ListBuckets", "", ""),
    ],
)
def test_virtual_hosted_vs_path_style(s3, recorder, method, path, host, operation, bucket, key):
    """Host ``{bucket}.localhost`` addresses the bucket (virtual-hosted style); any other Host leaves the
    bucket in the path (spec §1.1 Addressing)."""
    response = s3(method, path, headers={"Host": host})
    assert response.status_code == 200
    assert recorder.calls == [(operation, bucket, key)]


def test_put_part_number_without_upload_id(s3, store):
    """PUT with partNumber but no uploadId: 400 InvalidArgument, ArgumentName partNumber (spec §1.1);
    nothing is stored."""
    before = snapshot(store)
    response = s3("PUT", f"/{BUCKET}/k?partNumber=3", data=b"x")
    assert_error(
        response,
        400,
        "InvalidArgument",
        "This operation does not accept partNumber without uploadId",
        {"ArgumentName": "partNumber", "ArgumentValue": "3"},
    )
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/bkt/k?torrent", {}),
        ("POST", "/bkt/k?select&select-type=2", {}),
    ],
)
def test_unimplemented_operations_answer_501_at_once(s3, store, recorder, method, path, headers):
    """Operations the double does not model (subresources such as ?torrent or ?select) get S3's 501
    NotImplemented XML before any handler runs; nothing changes."""
    put(store, "src", b"source")
    before = snapshot(store)
    response = s3(method, path, headers=headers, data=b"body")
    assert_error(response, 501, "NotImplemented", NOT_IMPLEMENTED)
    assert recorder.calls == []
    assert snapshot(store) == before


@pytest.mark.parametrize("method", ["PATCH", "PROPFIND", "TRACE"])
def test_unknown_methods_get_s3_xml(s3, method):
    """A method S3 has no operation for is answered with an S3 error document (never werkzeug's HTML):
    501 NotImplemented naming the Method (this double's choice; no AWS recording was found)."""
    response = s3(method, f"/{BUCKET}/k")
    assert_error(response, 501, "NotImplemented", NOT_IMPLEMENTED, {"Header": "Method"})


def test_method_not_allowed_on_service(s3):
    """DELETE on the service root: 405 MethodNotAllowed with Method and ResourceType (basic_ops §3)."""
    response = s3("DELETE", "/")
    assert_error(
        response,
        405,
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        {"Method": "DELETE", "ResourceType": "SERVICE"},
    )


def test_handler_bug_is_internal_error(s3, app, store, monkeypatch):
    """An exception that is not an S3Error is a bug: 500 InternalError XML (HEAD: no body), and the
    exception is kept, summarised, in app.handler_errors for the test to fail with."""
    put(store, "k")
    bug = RuntimeError("handler bug")

    def broken(*args, **kwargs):
        raise bug

    monkeypatch.setattr(store, "get_object", broken)
    assert_error(s3("GET", f"/{BUCKET}/k"), 500, "InternalError", INTERNAL)
    head = s3("HEAD", f"/{BUCKET}/k")
    assert head.status_code == 500
    assert head.data == b""
    kept = app.handler_errors
    assert [(e.operation, e.type, e.message) for e in kept] == [
        ("GetObject", "RuntimeError", "handler bug"),
        ("HeadObject", "RuntimeError", "handler bug"),
    ]
    assert "RuntimeError: handler bug" in kept[0].traceback and "broken" in kept[0].traceback


# -- keys and URIs (spec §1.1) ---------------------------------------------------------------------

KEYS = [
    "a//b",
    "/leading",
    "//two-leading",
    "trailing/",
    "with space",
    "100%",
    "100%25",
    "what?",
    "?versionId",
    "a+b",
    "x&y=z",
    "ünïcødé/日本語/😀",
    "dots/../x",
    "semi;colon",
]


@pytest.mark.parametrize("key", KEYS)
def test_keys_round_trip(s3, store, key):
    """Keys are percent-decoded once from the raw path, never slash-merged, and may hold '/', '%', '?',
    '+', spaces and any UTF-8 (spec §1.1)."""
    path = f"/{BUCKET}/" + quote(key, safe="/")
    assert s3("PUT", path, data=b"payload").status_code == 200
    assert list(store.objects(BUCKET)) == [key]
    got = s3("GET", path)
    assert got.status_code == 200
    assert got.data == b"payload"
    listed = ok_xml(s3("GET", f"/{BUCKET}?list-type=2"), "ListBucketResult")
    assert [c["Key"] for c in listed["Contents"]] == [key]
    assert s3("DELETE", path).status_code == 204
    assert store.objects(BUCKET) == {}


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/bkt/s3://other/key", "/bkt/s3://other/key"),
        ("/://", "/://"),
        ("/bkt/a%3A//b", "/bkt/a://b"),
        ("http://127.0.0.1:9000/bkt/k?uploads", "/bkt/k"),
    ],
)
def test_request_target_origin_and_absolute_form(target, path):
    """RFC 9112 §3.2: a target that starts with '/' is origin-form, so a key may hold '://' sent raw
    (``s3://other/key``); only a target that starts with a scheme is absolute-form, whose path is used
    (spec §1.1: the key is the raw path, decoded once). Found by the hypothesis path property."""
    assert app_module.raw_path({"RAW_URI": target}) == path


def test_key_with_raw_scheme_separator_round_trips(s3, store):
    """A key such as ``s3://other/key``, with ':' unescaped in the path (RFC 3986 allows it in a
    segment), is stored and read back under exactly that name (spec §1.1)."""
    assert s3("PUT", f"/{BUCKET}/s3://other/key", data=b"x").status_code == 200
    assert list(store.objects(BUCKET)) == ["s3://other/key"]
    assert s3("GET", f"/{BUCKET}/s3://other/key").data == b"x"


def test_plus_in_path_is_literal(s3, store):
    """'+' in a path is a plus sign, not a space (RFC 3986 paths; spec §1.1)."""
    s3("PUT", f"/{BUCKET}/a+b%20c", data=b"x")
    assert list(store.objects(BUCKET)) == ["a+b c"]


def test_encoded_slash_is_part_of_key(s3, store):
    """%2F decodes to '/' in the key, once."""
    s3("PUT", f"/{BUCKET}/a%2Fb%252F", data=b"x")
    assert list(store.objects(BUCKET)) == ["a/b%2F"]


def test_virtual_hosted_put_and_get(s3, store):
    """Virtual-hosted style writes and reads the same object as path style (spec §1.1)."""
    response = s3("PUT", "/dir//k%20x", headers={"Host": f"{BUCKET}.localhost:1234"}, data=b"vhost")
    assert response.status_code == 200
    assert list(store.objects(BUCKET)) == ["dir//k x"]
    assert s3("GET", f"/{BUCKET}/dir//k%20x").data == b"vhost"
    listed = ok_xml(s3("GET", "/?list-type=2", headers={"Host": f"{BUCKET}.localhost"}), "ListBucketResult")
    assert listed["Name"] == BUCKET
    assert [c["Key"] for c in listed["Contents"]] == ["dir//k x"]


@pytest.mark.parametrize(
    "raw", ["/bkt/a%zzb", "/bkt/a%2", "/bkt/a%", "/bkt/a%FFb", "/bkt/%C3%28", "/bkt/%ED%A0%80"]
)
def test_invalid_uri(s3, store, raw):
    """Malformed percent-encoding or invalid UTF-8 in the path: 400 InvalidURI "Couldn't parse the
    specified URI." (AWS ErrorResponses doc; the <URI> element echoing the request target is this
    double's choice, UNCONFIRMED in basic_ops §3). Nothing is stored."""
    response = s3("PUT", raw, data=b"x")
    assert_error(response, 400, "InvalidURI", "Couldn't parse the specified URI.", {"URI": raw})
    assert store.objects(BUCKET) == {}


# -- ListObjectsV2 (basic_ops §4) ------------------------------------------------------------------

TREE = ["a.txt", "dir/sub/z", "dir/x", "dir/y", "other/q", "z.txt"]


@pytest.fixture
def tree(store) -> list[str]:
    for key in TREE:
        put(store, key, key.encode())
    return TREE


def test_list_v2_empty_bucket(s3):
    """Empty bucket: KeyCount 0, MaxKeys 1000, empty Prefix present, IsTruncated false, no Contents."""
    root = ok_xml(s3("GET", f"/{BUCKET}?list-type=2"), "ListBucketResult")
    assert root["Name"] == BUCKET
    assert "Prefix" in root and text(root["Prefix"]) == ""
    assert (root["KeyCount"], root["MaxKeys"], root["IsTruncated"]) == ("0", "1000", "false")
    assert "Contents" not in root and "CommonPrefixes" not in root
    assert "EncodingType" not in root and "ContinuationToken" not in root


def test_list_v2_contents_fields(s3, tree):
    """Each Contents has Key, LastModified (ISO-8601 ms), quoted ETag, Size, StorageClass; no Owner
    without fetch-owner (basic_ops §4)."""
    root = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&prefix=a"), "ListBucketResult")
    (entry,) = root["Contents"]
    assert entry["Key"] == "a.txt"
    assert entry["LastModified"] == NOW_ISO
    assert entry["ETag"] == f'"{md5_hex(b"a.txt")}"'
    assert entry["Size"] == "5"
    assert entry["StorageClass"] == "STANDARD"
    assert "Owner" not in entry
    owned = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&prefix=a&fetch-owner=true"), "ListBucketResult")
    assert owned["Contents"][0]["Owner"]["ID"]


def test_list_v2_prefix_and_delimiter(s3, tree):
    """Keys with the delimiter after the prefix fold into CommonPrefixes; KeyCount counts both."""
    root = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&delimiter=/"), "ListBucketResult")
    assert [c["Key"] for c in root["Contents"]] == ["a.txt", "z.txt"]
    assert [p["Prefix"] for p in root["CommonPrefixes"]] == ["dir/", "other/"]
    assert root["KeyCount"] == "4"
    assert root["Delimiter"] == "/"
    sub = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&delimiter=/&prefix=dir/"), "ListBucketResult")
    assert sub["Prefix"] == "dir/"
    assert [c["Key"] for c in sub["Contents"]] == ["dir/x", "dir/y"]
    assert [p["Prefix"] for p in sub["CommonPrefixes"]] == ["dir/sub/"]
    assert sub["KeyCount"] == "3"


def test_list_v2_common_prefixes_only_count(s3, store):
    """Two CommonPrefixes and no Contents: KeyCount 2 (LS test_list_objects_v2_with_prefix_and_delimiter)."""
    for key in ("p/a/1", "p/a/2", "p/b/1"):
        put(store, key)
    root = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&prefix=p/&delimiter=/"), "ListBucketResult")
    assert "Contents" not in root
    assert [p["Prefix"] for p in root["CommonPrefixes"]] == ["p/a/", "p/b/"]
    assert root["KeyCount"] == "2"


def test_list_v2_max_keys_zero(s3, tree):
    """max-keys=0: 200, no Contents, KeyCount 0, MaxKeys 0, IsTruncated false
    (ceph test_bucket_listv2_maxkeys_zero)."""
    root = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&max-keys=0"), "ListBucketResult")
    assert (root["KeyCount"], root["MaxKeys"], root["IsTruncated"]) == ("0", "0", "false")
    assert "Contents" not in root and "NextContinuationToken" not in root


@pytest.mark.parametrize("delimiter", ["", "/"])
def test_list_v2_continuation_round_trip(s3, tree, delimiter):
    """max-keys pages: NextContinuationToken only while truncated, ContinuationToken echoed, MaxKeys
    counting CommonPrefixes too; the pages together list everything once (basic_ops §4)."""
    expected = (
        ["a.txt", "dir/sub/z", "dir/x", "dir/y", "other/q", "z.txt"]
        if not delimiter
        else ["a.txt", "dir/", "other/", "z.txt"]
    )
    seen: list[str] = []
    token = None
    for _ in range(10):
        query = f"list-type=2&max-keys=2&delimiter={delimiter}"
        if token is not None:
            query += "&continuation-token=" + quote(token, safe="")
        root = ok_xml(s3("GET", f"/{BUCKET}?{query}"), "ListBucketResult")
        if token is None:
            assert "ContinuationToken" not in root
        else:
            assert root["ContinuationToken"] == token
        entries = [c["Key"] for c in root.get("Contents", [])] + [
            p["Prefix"] for p in root.get("CommonPrefixes", [])
        ]
        assert root["KeyCount"] == str(len(entries)) and len(entries) <= 2
        seen.extend(sorted(entries))
        if root["IsTruncated"] == "false":
            assert "NextContinuationToken" not in root
            break
        token = root["NextContinuationToken"]
    assert seen == expected


@pytest.mark.parametrize("token", ["abc", "!!!!", "not a token", "%%%", "AAAA"])
def test_list_v2_invalid_continuation_token(s3, tree, token):
    """A continuation token the server did not issue: 400 InvalidArgument "The continuation token
    provided is incorrect", ArgumentName continuation-token
    (LS test_list_objects_v2_continuation_start_after)."""
    response = s3("GET", f"/{BUCKET}?list-type=2&continuation-token=" + quote(token, safe=""))
    assert_error(
        response,
        400,
        "InvalidArgument",
        "The continuation token provided is incorrect",
        {"ArgumentName": "continuation-token"},
    )


def test_list_v2_start_after(s3, tree):
    """start-after lists keys after it and is echoed; with a continuation token the token wins and
    StartAfter is not echoed (basic_ops §4)."""
    root = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&start-after=dir/x"), "ListBucketResult")
    assert root["StartAfter"] == "dir/x"
    assert [c["Key"] for c in root["Contents"]] == ["dir/y", "other/q", "z.txt"]
    first = ok_xml(s3("GET", f"/{BUCKET}?list-type=2&max-keys=1"), "ListBucketResult")
    token = first["NextContinuationToken"]
    both = ok_xml(
        s3("GET", f"/{BUCKET}?list-type=2&start-after=other/q&continuation-token=" + quote(token, safe="")),
        "ListBucketResult",
    )
    assert "StartAfter" not in both
    assert [c["Key"] for c in both["Contents"]] == TREE[1:]


def test_list_v2_encoding_type_url(s3, store):
    """encoding-type=url: EncodingType echoed; Key, Prefix, Delimiter and CommonPrefixes URL-encoded so
    that botocore's unquote_plus gives the key back (basic_ops §4; exact escapes UNCONFIRMED)."""
    keys = ["sp ace/ü+%&.txt", "sp ace/plain"]
    for key in keys:
        put(store, key)
    prefix = "sp ace/"
    root = ok_xml(
        s3("GET", f"/{BUCKET}?list-type=2&encoding-type=url&prefix=" + quote(prefix, safe="")),
        "ListBucketResult",
    )
    assert root["EncodingType"] == "url"
    assert [unquote_plus(c["Key"]) for c in root["Contents"]] == sorted(keys)
    for entry in root["Contents"]:
        assert entry["Key"].isascii() and " " not in entry["Key"] and "+" not in entry["Key"]
    assert unquote_plus(root["Prefix"]) == prefix and " " not in root["Prefix"]
    folded = ok_xml(
        s3("GET", f"/{BUCKET}?list-type=2&encoding-type=url&delimiter=" + quote("e/", safe="")),
        "ListBucketResult",
    )
    assert [unquote_plus(p["Prefix"]) for p in folded["CommonPrefixes"]] == ["sp ace/"]
    assert " " not in folded["CommonPrefixes"][0]["Prefix"]


def test_list_bad_encoding_type(s3):
    """encoding-type other than url: 400 InvalidArgument "Invalid Encoding Method specified in Request"
    (spec §8; LS test_list_ops_encoding_type_validation)."""
    response = s3("GET", f"/{BUCKET}?list-type=2&encoding-type=xml")
    assert_error(
        response,
        400,
        "InvalidArgument",
        "Invalid Encoding Method specified in Request",
        {"ArgumentName": "encoding-type", "ArgumentValue": "xml"},
    )


# -- ListObjects v1, ListObjectVersions ------------------------------------------------------------


def test_list_v1_marker_and_next_marker(s3, tree):
    """V1: Marker always echoed; NextMarker only when truncated AND a delimiter was given
    (LS test_list_objects_next_marker); Owner present by default."""
    plain = ok_xml(s3("GET", f"/{BUCKET}?max-keys=2"), "ListBucketResult")
    assert "Marker" in plain and text(plain["Marker"]) == ""
    assert plain["IsTruncated"] == "true"
    assert "NextMarker" not in plain
    assert [c["Key"] for c in plain["Contents"]] == TREE[:2]
    assert plain["Contents"][0]["Owner"]["ID"]
    rest = ok_xml(s3("GET", f"/{BUCKET}?marker=dir/sub/z"), "ListBucketResult")
    assert rest["Marker"] == "dir/sub/z"
    assert [c["Key"] for c in rest["Contents"]] == TREE[2:]
    folded = ok_xml(s3("GET", f"/{BUCKET}?max-keys=2&delimiter=/"), "ListBucketResult")
    assert folded["IsTruncated"] == "true"
    assert folded["NextMarker"] == "dir/"
    after = ok_xml(s3("GET", f"/{BUCKET}?max-keys=2&delimiter=/&marker=dir/"), "ListBucketResult")
    assert [p["Prefix"] for p in after["CommonPrefixes"]] == ["other/"]
    assert [c["Key"] for c in after["Contents"]] == ["z.txt"]
    assert after["IsTruncated"] == "false" and "NextMarker" not in after


def test_list_v1_max_keys_zero(s3, tree):
    """ListObjects max-keys=0: IsTruncated false, no keys (ceph test_bucket_list_maxkeys_zero)."""
    root = ok_xml(s3("GET", f"/{BUCKET}?max-keys=0"), "ListBucketResult")
    assert root["IsTruncated"] == "false" and "Contents" not in root


def test_list_object_versions_unversioned(s3, store):
    """Unversioned bucket: every Version has VersionId null and IsLatest true; KeyMarker and
    VersionIdMarker present and empty (basic_ops §5)."""
    put(store, "k1", b"one")
    put(store, "k2", b"two")
    root = ok_xml(s3("GET", f"/{BUCKET}?versions"), "ListVersionsResult")
    assert text(root["KeyMarker"]) == "" and text(root["VersionIdMarker"]) == ""
    assert root["IsTruncated"] == "false"
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in root["Version"]] == [
        ("k1", "null", "true"),
        ("k2", "null", "true"),
    ]
    assert root["Version"][0]["ETag"] == f'"{md5_hex(b"one")}"'
    assert root["Version"][0]["Size"] == "3"


def test_list_object_versions_marker_validation(s3):
    """version-id-marker without key-marker: 400 InvalidArgument (LS test_list_objects_versions_markers)."""
    response = s3("GET", f"/{BUCKET}?versions&version-id-marker=abc")
    assert_error(
        response,
        400,
        "InvalidArgument",
        "A version-id marker cannot be specified without a key marker.",
        {"ArgumentName": "version-id-marker", "ArgumentValue": "abc"},
    )


# -- buckets ---------------------------------------------------------------------------------------


def test_list_buckets(s3, store):
    """ListAllMyBucketsResult: Owner/ID, Buckets/Bucket with Name, CreationDate (ms), BucketRegion,
    BucketArn, sorted by name (basic_ops §11)."""
    store.create_bucket("abc")
    root = ok_xml(s3("GET", "/"), "ListAllMyBucketsResult")
    assert root["Owner"]["ID"]
    assert root["Buckets"]["Bucket"] == [
        {
            "Name": "abc",
            "CreationDate": NOW_ISO,
            "BucketRegion": "us-east-1",
            "BucketArn": "arn:aws:s3:::abc",
        },
        {
            "Name": BUCKET,
            "CreationDate": NOW_ISO,
            "BucketRegion": "us-east-1",
            "BucketArn": f"arn:aws:s3:::{BUCKET}",
        },
    ]


def test_list_buckets_empty():
    """No buckets: an empty <Buckets/> element (basic_ops §11)."""
    root = ok_xml(S3Client(S3App(Store()))("GET", "/"), "ListAllMyBucketsResult")
    assert "Buckets" in root and not root["Buckets"]


def test_get_bucket_location(s3):
    """us-east-1: an empty LocationConstraint with the namespace (LS test_different_location_constraint)."""
    response = s3("GET", f"/{BUCKET}?location")
    assert response.status_code == 200
    name, root = parse(response)
    assert name == "LocationConstraint"
    assert root == {"@xmlns": NS}


def test_get_bucket_location_other_region():
    """A bucket in eu-west-1 reports eu-west-1."""
    store = Store(region="eu-west-1")
    store.create_bucket("eu-bucket", "eu-west-1")
    response = S3Client(S3App(store))("GET", "/eu-bucket?location")
    name, root = parse(response)
    assert name == "LocationConstraint"
    assert root == {"@xmlns": NS, "#text": "eu-west-1"}


def test_head_bucket(s3):
    """HeadBucket 200: x-amz-bucket-region and x-amz-access-point-alias false, no body; missing: 404 with
    no body (LS test_create_bucket_head_bucket)."""
    response = s3("HEAD", f"/{BUCKET}")
    assert response.status_code == 200
    assert response.headers["x-amz-bucket-region"] == "us-east-1"
    assert response.headers["x-amz-access-point-alias"] == "false"
    assert response.data == b""
    missing = s3("HEAD", "/nobucket")
    assert missing.status_code == 404 and missing.data == b""


def test_create_and_delete_bucket(s3, store):
    """CreateBucket: 200 with Location /{bucket}; DeleteBucket: 204 (basic_ops §6)."""
    created = s3("PUT", "/newbucket")
    assert created.status_code == 200
    assert created.headers["Location"] == "/newbucket"
    assert "newbucket" in store.bucket_names()
    deleted = s3("DELETE", "/newbucket")
    assert deleted.status_code == 204 and deleted.data == b""
    assert "newbucket" not in store.bucket_names()


def test_delete_bucket_not_empty(s3, store):
    """DeleteBucket with objects: 409 BucketNotEmpty with BucketName; the bucket stays."""
    put(store, "k")
    assert_error(
        s3("DELETE", f"/{BUCKET}"),
        409,
        "BucketNotEmpty",
        "The bucket you tried to delete is not empty",
        {"BucketName": BUCKET},
    )
    assert BUCKET in store.bucket_names()


# -- DeleteObjects (basic_ops §7) ------------------------------------------------------------------


def _delete_body(keys: list[str], quiet: bool = False) -> bytes:
    objects = "".join(f"<Object><Key>{k}</Key></Object>" for k in keys)
    quiet_xml = "<Quiet>true</Quiet>" if quiet else ""
    return f'<Delete xmlns="{NS}">{quiet_xml}{objects}</Delete>'.encode()


def test_delete_objects(s3, store):
    """DeleteObjects: one <Deleted> per key, including keys that did not exist (LS
    test_delete_non_existing_keys)."""
    put(store, "a")
    put(store, "b")
    body = _delete_body(["a", "missing"])
    root = ok_xml(
        s3("POST", f"/{BUCKET}?delete", data=body, headers={"Content-MD5": md5_b64(body)}), "DeleteResult"
    )
    assert root["Deleted"] == [{"Key": "a"}, {"Key": "missing"}]
    assert "Error" not in root
    assert list(store.objects(BUCKET)) == ["b"]


def test_delete_objects_quiet_with_crc32(s3, store):
    """Quiet: successes omitted, an empty DeleteResult (LS test_delete_non_existing_keys_quiet); an
    x-amz-checksum-crc32 header is accepted in place of Content-MD5."""
    put(store, "a")
    body = _delete_body(["a"], quiet=True)
    response = s3("POST", f"/{BUCKET}?delete", data=body, headers={"x-amz-checksum-crc32": crc32_b64(body)})
    assert ok_xml(response, "DeleteResult") == {"@xmlns": NS}
    assert store.objects(BUCKET) == {}


def test_delete_objects_requires_digest(s3, store):
    """No Content-MD5 and no x-amz-checksum-*: 400 InvalidRequest; nothing is deleted."""
    put(store, "a")
    before = snapshot(store)
    response = s3("POST", f"/{BUCKET}?delete", data=_delete_body(["a"]))
    assert_error(
        response,
        400,
        "InvalidRequest",
        "Missing required header for this request: Content-MD5 OR x-amz-checksum-*",
    )
    assert snapshot(store) == before


def test_delete_objects_bad_md5(s3, store):
    """A Content-MD5 that does not match: 400 BadDigest (spec §1.6); nothing is deleted."""
    put(store, "a")
    body = _delete_body(["a"])
    wrong = md5_b64(b"other")
    response = s3("POST", f"/{BUCKET}?delete", data=body, headers={"Content-MD5": wrong})
    assert_error(
        response,
        400,
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        {"ExpectedDigest": base64.b64decode(wrong).hex(), "CalculatedDigest": md5_b64(body)},
    )
    assert list(store.objects(BUCKET)) == ["a"]


def test_delete_object_missing_key(s3):
    """DeleteObject on a missing key: 204, no body (LS test_delete_object)."""
    response = s3("DELETE", f"/{BUCKET}/nothing")
    assert response.status_code == 204 and response.data == b""


# -- GetObject: Range (basic_ops §1, §2) -----------------------------------------------------------

DIGITS = b"0123456789"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-3", 0, 3),
        ("bytes=5-", 5, 9),
        ("bytes=-3", 7, 9),
        ("bytes=9-9", 9, 9),
        ("bytes=0-99999", 0, 9),
        ("bytes=-100", 0, 9),
    ],
)
def test_range_get(s3, store, header, start, end):
    """A satisfiable single range: 206, the slice, Content-Range bytes a-b/total (end clamped),
    Content-Length the slice length, Accept-Ranges bytes (basic_ops §2)."""
    put(store, "d", DIGITS)
    response = s3("GET", f"/{BUCKET}/d", headers={"Range": header})
    assert response.status_code == 206
    assert response.data == DIGITS[start : end + 1]
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/10"
    assert response.headers["Content-Length"] == str(end + 1 - start)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["ETag"] == f'"{md5_hex(DIGITS)}"'


@pytest.mark.parametrize(("header", "data"), [("bytes=10-20", DIGITS), ("bytes=0-", b""), ("bytes=0-0", b"")])
def test_range_not_satisfiable(s3, store, header, data):
    """First byte at or past the end (and any first-byte range on an empty object): 416 InvalidRange
    with RangeRequested and ActualObjectSize (LS test_invalid_range_error; basic_ops §1)."""
    put(store, "d", data)
    response = s3("GET", f"/{BUCKET}/d", headers={"Range": header})
    assert_error(
        response,
        416,
        "InvalidRange",
        "The requested range is not satisfiable",
        {"RangeRequested": header, "ActualObjectSize": str(len(data))},
    )


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=5-2", "bytes=0-1,3-4", "0-3", "bytes=", "bytes=-"])
def test_range_ignored(s3, store, header):
    """An unparsable, backwards or multi-range Range is ignored: 200 with the whole object and no
    Content-Range (basic_ops §2, localstack parse_range_header)."""
    put(store, "d", DIGITS)
    response = s3("GET", f"/{BUCKET}/d", headers={"Range": header})
    assert response.status_code == 200
    assert response.data == DIGITS
    assert "Content-Range" not in response.headers


def test_suffix_range_on_empty_object(s3, store):
    """bytes=-N on a 0-byte object: 200, Content-Length 0 (basic_ops §1)."""
    put(store, "e", b"")
    response = s3("GET", f"/{BUCKET}/e", headers={"Range": "bytes=-5"})
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "0"


# -- GetObject: conditions (basic_ops §10) ---------------------------------------------------------

EARLIER = "Wed, 01 May 2024 11:00:00 GMT"
LATER = "Wed, 01 May 2024 13:00:00 GMT"


@pytest.mark.parametrize(
    ("headers", "outcome"),
    [
        ({"If-Match": "ETAG"}, 200),
        ({"If-Match": '"0000"'}, "If-Match"),
        ({"If-Match": "*"}, 200),
        ({"If-None-Match": "ETAG"}, 304),
        ({"If-None-Match": "BARE"}, 304),
        ({"If-None-Match": '"0000"'}, 200),
        ({"If-Modified-Since": NOW_HTTP}, 304),
        ({"If-Modified-Since": EARLIER}, 200),
        ({"If-Modified-Since": LATER}, 200),  # in the future: ignored
        ({"If-Unmodified-Since": EARLIER}, "If-Unmodified-Since"),
        ({"If-Unmodified-Since": NOW_HTTP}, 200),
        ({"If-Match": "ETAG", "If-Unmodified-Since": EARLIER}, 200),
        ({"If-None-Match": "ETAG", "If-Modified-Since": EARLIER}, 304),
        ({"If-Match": '"0000"', "If-None-Match": '"1111"'}, "If-Match"),
    ],
)
def test_conditional_get(s3, store, headers, outcome):
    """RFC 7232 as S3 applies it: If-Match mismatch 412, If-None-Match match 304, If-Modified-Since
    not after Last-Modified 304 (a future date is ignored), If-Unmodified-Since earlier 412; If-Match
    beats If-Unmodified-Since, If-None-Match beats If-Modified-Since (LS test_s3_get_object_preconditions)."""
    put(store, "c", b"conditional")
    etag = f'"{md5_hex(b"conditional")}"'
    sent = {k: v.replace("ETAG", etag).replace("BARE", etag.strip('"')) for k, v in headers.items()}
    for method in ("GET", "HEAD"):
        response = s3(method, f"/{BUCKET}/c", headers=sent)
        if outcome == 200:
            assert response.status_code == 200
            assert response.data == (b"conditional" if method == "GET" else b"")
        elif outcome == 304:
            assert response.status_code == 304
            assert response.data == b""
            assert response.headers["ETag"] == etag
            assert response.headers["Last-Modified"] == NOW_HTTP
        elif method == "GET":
            assert_error(
                response,
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold",
                {"Condition": outcome},
            )
        else:
            assert response.status_code == 412 and response.data == b""


# -- GetObject: headers ----------------------------------------------------------------------------


def test_put_object_headers_and_metadata(s3, store):
    """PutObject stores Content-Type, the content headers and x-amz-meta-* (names lower-cased); GET and
    HEAD return them with ETag, Last-Modified, Accept-Ranges and Content-Length (basic_ops §8)."""
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Encoding": "gzip",
        "Content-Disposition": 'attachment; filename="x.txt"',
        "Content-Language": "fr",
        "Cache-Control": "max-age=60",
        "Expires": "Thu, 01 Jan 2099 00:00:00 GMT",
        "x-amz-meta-Color": "Blue",
        "x-amz-meta-shape": "round square",
    }
    put_response = s3("PUT", f"/{BUCKET}/m", data=b"body", headers=headers)
    assert put_response.status_code == 200
    assert put_response.headers["ETag"] == f'"{md5_hex(b"body")}"'
    assert put_response.data == b""
    for method in ("GET", "HEAD"):
        response = s3(method, f"/{BUCKET}/m")
        assert response.status_code == 200
        got = response.headers
        for name, value in headers.items():
            assert got[name] == value
        names = [name for name, _ in got.items()]
        assert "x-amz-meta-color" in names and "x-amz-meta-shape" in names
        assert got["ETag"] == f'"{md5_hex(b"body")}"'
        assert got["Last-Modified"] == NOW_HTTP
        assert got["Accept-Ranges"] == "bytes"
        assert got["Content-Length"] == "4"
        assert "x-amz-storage-class" not in got
    assert s3("GET", f"/{BUCKET}/m").data == b"body"


def test_put_object_default_content_type(s3):
    """No Content-Type at PUT: GET answers binary/octet-stream (basic_ops §8)."""
    s3("PUT", f"/{BUCKET}/plain", data=b"x")
    assert s3("GET", f"/{BUCKET}/plain").headers["Content-Type"] == "binary/octet-stream"


def _aws_chunked(data: bytes) -> bytes:
    return (
        f"{len(data):x}\r\n".encode()
        + data
        + b"\r\n0\r\nx-amz-checksum-crc32:"
        + crc32_b64(data).encode()
        + b"\r\n\r\n"
    )


@pytest.mark.parametrize(("sent", "stored"), [("gzip,aws-chunked", "gzip"), ("aws-chunked", None)])
def test_aws_chunked_removed_from_content_encoding(s3, sent, stored):
    """An aws-chunked body is decoded and 'aws-chunked' is dropped from the stored Content-Encoding:
    'gzip,aws-chunked' is kept as 'gzip', a bare 'aws-chunked' as nothing (spec §1.5; ceph
    test_object_content_encoding_aws_chunked; AWS may send an empty header, basic_ops §8)."""
    data = b"chunked payload"
    headers = {
        "Content-Encoding": sent,
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-trailer": "x-amz-checksum-crc32",
    }
    response = s3("PUT", f"/{BUCKET}/enc", data=_aws_chunked(data), headers=headers)
    assert response.status_code == 200, response.data
    assert response.headers["ETag"] == f'"{md5_hex(data)}"'
    got = s3("GET", f"/{BUCKET}/enc")
    assert got.data == data
    if stored is None:
        assert not got.headers.get("Content-Encoding")
    else:
        assert got.headers["Content-Encoding"] == stored


def test_response_overrides(s3, store):
    """The six response-* query parameters override their headers for that response only (basic_ops §9)."""
    put(store, "o", b"x", content_type="text/plain", cache_control="no-store")
    overrides = {
        "response-content-type": ("Content-Type", "application/json"),
        "response-content-language": ("Content-Language", "de"),
        "response-expires": ("Expires", "Thu, 01 Jan 2099 00:00:00 GMT"),
        "response-cache-control": ("Cache-Control", "max-age=5"),
        "response-content-disposition": ("Content-Disposition", "attachment; filename=a b.txt"),
        "response-content-encoding": ("Content-Encoding", "identity"),
    }
    query = "&".join(f"{p}={quote(v, safe='')}" for p, (_, v) in overrides.items())
    response = s3("GET", f"/{BUCKET}/o?{query}")
    assert response.status_code == 200
    for header, value in overrides.values():
        assert response.headers.getlist(header) == [value]
    again = s3("GET", f"/{BUCKET}/o")
    assert again.headers["Content-Type"] == "text/plain"
    assert again.headers["Cache-Control"] == "no-store"
    assert "Content-Language" not in again.headers


def test_response_override_cannot_inject_headers(s3, store):
    """CR and LF in a response-* value never reach a response header (no header injection)."""
    put(store, "o", b"x")
    response = s3("GET", f"/{BUCKET}/o?response-content-disposition=a%0D%0AX-Injected:%201%0Ab")
    assert response.status_code == 200
    assert "X-Injected" not in response.headers
    for name, value in response.headers.items():
        assert "\r" not in value and "\n" not in value, (name, value)


def test_checksum_mode_crc32(s3):
    """Checksum headers on GET/HEAD only with x-amz-checksum-mode: ENABLED; a CRC32 sent at PUT comes
    back with x-amz-checksum-type FULL_OBJECT (LS test_s3_get_object_checksum)."""
    data = b"checksummed"
    put_response = s3("PUT", f"/{BUCKET}/ck", data=data, headers={"x-amz-checksum-crc32": crc32_b64(data)})
    assert put_response.headers["x-amz-checksum-crc32"] == crc32_b64(data)
    plain = s3("GET", f"/{BUCKET}/ck")
    assert not [n for n, _ in plain.headers.items() if n.lower().startswith("x-amz-checksum")]
    for method in ("GET", "HEAD"):
        enabled = s3(method, f"/{BUCKET}/ck", headers={"x-amz-checksum-mode": "ENABLED"})
        assert enabled.headers["x-amz-checksum-crc32"] == crc32_b64(data)
        assert enabled.headers["x-amz-checksum-type"] == "FULL_OBJECT"


def test_checksum_mode_default_crc64nvme(s3):
    """An object PUT without a checksum gets S3's default CRC64NVME FULL_OBJECT (AWS API_Checksum doc),
    computed here independently."""
    data = b"no checksum sent"
    s3("PUT", f"/{BUCKET}/d", data=data)
    expected = base64.b64encode(crc64nvme(data).to_bytes(8, "big")).decode()
    enabled = s3("GET", f"/{BUCKET}/d", headers={"x-amz-checksum-mode": "ENABLED"})
    assert enabled.headers["x-amz-checksum-crc64nvme"] == expected
    assert enabled.headers["x-amz-checksum-type"] == "FULL_OBJECT"


def test_put_object_bad_checksum_stores_nothing(s3, store):
    """A wrong x-amz-checksum-crc32: 400 BadDigest "The CRC32 you specified did not match the calculated
    checksum." (spec §11); no object is written."""
    response = s3("PUT", f"/{BUCKET}/bad", data=b"abc", headers={"x-amz-checksum-crc32": crc32_b64(b"xyz")})
    assert_error(response, 400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
    assert store.objects(BUCKET) == {}


def test_last_modified_format(s3, store):
    """Last-Modified is an RFC 1123 GMT date (basic_ops: Misc)."""
    put(store, "t")
    assert s3("HEAD", f"/{BUCKET}/t").headers["Last-Modified"] == format_datetime(NOW, usegmt=True)


def test_request_headers_read_once_from_the_environ():
    """``RequestHeaders``: case-insensitive lookups by the names clients send, ``x-amz-meta-*`` names for
    metadata in lower case, and Content-Type / Content-Length only when set (as Werkzeug's headers)."""
    from pytest_s3mpu.app.request_fields import RequestHeaders

    environ = {
        "HTTP_X_AMZ_META_COLOR": "blue",
        "HTTP_IF_MATCH": '"e"',
        "CONTENT_TYPE": "",
        "CONTENT_LENGTH": "3",
        "REQUEST_METHOD": "PUT",
    }
    fields = RequestHeaders.from_environ(environ)
    assert fields.get("If-Match") == fields["if-match"] == '"e"'
    assert "Content-Length" in fields and "Content-Type" not in fields
    assert fields.get("Content-Type", "none") == "none"
    expected = [("x-amz-meta-color", "blue"), ("if-match", '"e"'), ("content-length", "3")]
    assert list(fields.items()) == expected
    assert 1 not in fields
