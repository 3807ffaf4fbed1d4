"""Request text reaches the store exactly, through the real server: keys in XML bodies keep their white
space and character references, every XML body's encoding problem is a client error, and keys round-trip
through every operation that names one (issue 12 items 1 and 3; spec §1.3a).

boto3 sends what it can; raw ``http.client`` sends what boto3 cannot (a CR as ``&#13;``, a declaration
naming an unknown encoding, UTF-16 bodies). Sources: spec §1.3a; AWS "Naming Amazon S3 objects" (any
UTF-8, XML-related key constraints: CR as ``&#13;``); API_DeleteObjects; ceph/s3-tests
test_multipart_copy_special_names (whose teardown deletes the key " ").
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote, urlsplit

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from s3_assertions import expect_error, state

BUCKET = "exact-bucket"
OTHER = "exact-other"
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"
SMALL_MIN = 1024
VERSION = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"  # a version id of the recordings, which no object here has

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    s3mpu.create_bucket(OTHER)
    return s3mpu_client


def send(s3mpu, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None):
    """One raw request; (status, parsed XML root or None, body bytes)."""
    parts = urlsplit(s3mpu.endpoint_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, target, body=body, headers={"Content-Length": str(len(body)), **(headers or {})})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return response.status, (ET.fromstring(data) if data else None), data


def xml_text(text: str) -> str:
    """``text`` as XML character data that any parser reads back exactly: markup escaped, and CR as a
    character reference (a literal CR reaches the parser as LF, XML 1.0 §2.11)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def as_parsed(key: str) -> str:
    """``key`` as a client's parser reads it from an answer: S3 writes a CR as it is, and XML 1.0 §2.11
    reads CR LF and a lone CR as LF (main's xmldoc: measured against S3; ask encoding-type=url for such
    keys, AWS's "XML related object key constraints")."""
    return key.replace("\r\n", "\n").replace("\r", "\n")


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


def delete_xml(keys: list[str], quiet: bool = False) -> bytes:
    objects = "".join(f"<Object><Key>{xml_text(key)}</Key></Object>" for key in keys)
    return f"<Delete><Quiet>{str(quiet).lower()}</Quiet>{objects}</Delete>".encode()


def delete_raw(s3mpu, body: bytes, bucket: str = BUCKET):
    return send(s3mpu, "POST", f"/{bucket}?delete", body, {"Content-MD5": md5_b64(body)})


def keys_of(s3mpu, bucket: str = BUCKET) -> set[str]:
    return set(s3mpu.objects(bucket))


# -- item 1: DeleteObjects deletes exactly the keys named ---------------------------------------------


def test_delete_objects_keeps_white_space_in_keys(s3mpu, s3):
    """Spec §1.3a, API_DeleteObjects: ``<Key> a</Key>`` names " a"; before the fix the XML text was
    stripped, so it deleted "a", reported "" for ``<Key> </Key>`` and deleted "two" for "  two  "."""
    kept = ["a", "two", "a ", "tab"]
    named = [" a", " ", "  two  ", "\ttab\t", "\n"]
    for key in kept + named:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    answer = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in named]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == sorted(named)
    assert "Errors" not in answer
    assert keys_of(s3mpu) == set(kept)


def test_delete_objects_reads_character_references_exactly(s3mpu, s3):
    """XML 1.0 §2.11 and AWS's XML key constraints: a CR in a key is sent as ``&#13;`` (a literal CR or
    CRLF reaches every parser as LF, so ``a\r\nb`` written literally names "a\nb"). S3 writes a CR in an
    answer as it is, so the Deleted keys read back with CR as LF (see ``as_parsed``)."""
    keys = ["a\rb", "\r", "x\r\n", "a\nb", "\t&<>\"'", "é ☃ 𝄞"]
    for key in [*keys, "ab", "x"]:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    named = keys[:3] + keys[4:]
    status, root, _ = delete_raw(s3mpu, delete_xml(named))
    assert status == 200
    assert sorted(e.findtext(f"{NS}Key") for e in root.iter(f"{NS}Deleted")) == sorted(map(as_parsed, named))
    assert keys_of(s3mpu) == {"a\nb", "ab", "x"}
    literal = b"<Delete><Object><Key>a\r\nb</Key></Object></Delete>"  # literal CRLF: the key "a\nb"
    status, root, _ = delete_raw(s3mpu, literal)
    assert (status, [e.findtext(f"{NS}Key") for e in root.iter(f"{NS}Deleted")]) == (200, ["a\nb"])
    assert keys_of(s3mpu) == {"ab", "x"}


def test_ceph_multipart_copy_special_names_and_its_teardown(s3mpu, s3):
    """ceph/s3-tests test_multipart_copy_special_names, then its teardown (list every version, delete them
    with one Quiet DeleteObjects naming Key and VersionId, delete the bucket). Before the fix the key " "
    survived that DeleteObjects and DeleteBucket answered BucketNotEmpty, failing the later tests too."""
    for index, source in enumerate((" ", "_", "__", "?versionId")):
        data = bytes([65 + index])
        s3.put_object(Bucket=BUCKET, Key=source, Body=data)
        upload = s3.create_multipart_upload(Bucket=OTHER, Key="mymultipart")["UploadId"]
        part = s3.upload_part_copy(
            Bucket=OTHER,
            Key="mymultipart",
            UploadId=upload,
            PartNumber=1,
            CopySource={"Bucket": BUCKET, "Key": source},
            CopySourceRange="bytes=0-0",
        )
        parts = [{"ETag": part["CopyPartResult"]["ETag"], "PartNumber": 1}]
        s3.complete_multipart_upload(
            Bucket=OTHER, Key="mymultipart", UploadId=upload, MultipartUpload={"Parts": parts}
        )
        assert s3.get_object(Bucket=OTHER, Key="mymultipart")["Body"].read() == data
    for bucket in (BUCKET, OTHER):
        versions = s3.list_object_versions(Bucket=bucket)["Versions"]
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
        s3.delete_bucket(Bucket=bucket)
    assert s3mpu.buckets() == []


def test_create_bucket_reads_the_location_constraint_exactly(s3mpu, s3):
    """Spec §1.3a: `` eu-west-1`` is not eu-west-1 (before the fix the text was stripped and the bucket
    made in eu-west-1); on us-east-1 a constraint that names no region is InvalidLocationConstraint
    [LS-AWS: test_create_bucket_with_invalid_location_constraint[us-east-1-foo], recorded 2026-02-21]."""
    before = state(s3mpu)
    for constraint in (" eu-west-1", "eu-west-1\n", "foo"):
        expect_error(
            lambda c=constraint: s3.create_bucket(
                Bucket="exact-made", CreateBucketConfiguration={"LocationConstraint": c}
            ),
            400,
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
            LocationConstraint=constraint,
        )
    assert state(s3mpu) == before
    s3.create_bucket(Bucket="exact-made", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket="exact-made")["LocationConstraint"] == "eu-west-1"


# -- x-amz-copy-source ----------------------------------------------------------------------------------


def test_copy_source_plus_is_a_space(s3mpu, s3):
    """[LS-AWS: test_copy_object_special_character_plus_for_space, validated 2026-02-21]: Go and Java
    encode a space as "+", and S3 copies "test key.txt" for ``bucket%2Ftest+key.txt``; a key's own "+"
    is sent as %2B (boto3 does) and stays a "+"."""
    s3.put_object(Bucket=BUCKET, Key="test key.txt", Body=b"spaced")
    s3.put_object(Bucket=BUCKET, Key="test+key.txt", Body=b"plus")
    status, _, _ = send(
        s3mpu, "PUT", f"/{OTHER}/dest", headers={"x-amz-copy-source": f"{BUCKET}%2Ftest+key.txt"}
    )
    assert status == 200
    assert s3.get_object(Bucket=OTHER, Key="dest")["Body"].read() == b"spaced"
    s3.copy_object(Bucket=OTHER, Key="dest", CopySource={"Bucket": BUCKET, "Key": "test+key.txt"})
    assert s3.get_object(Bucket=OTHER, Key="dest")["Body"].read() == b"plus"


def test_copy_source_version_id(s3mpu, s3):
    """Buckets here are unversioned, so every object is version "null": ``?versionId=null`` copies it and
    any other version id is InvalidArgument, as GetObject and DeleteObject answer [LS-AWS: test_s3_api
    get-obj-with-version, delete-with-bad-version, recorded 2026-02-21]; before the fix the version id
    was ignored and the current object copied."""
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"data")
    s3.copy_object(Bucket=OTHER, Key="dest", CopySource={"Bucket": BUCKET, "Key": "src", "VersionId": "null"})
    before = state(s3mpu)
    expect_error(
        lambda: s3.copy_object(
            Bucket=OTHER, Key="dest2", CopySource={"Bucket": BUCKET, "Key": "src", "VersionId": VERSION}
        ),
        400,
        "InvalidArgument",
        "Invalid version id specified",
        ArgumentName="versionId",
        ArgumentValue=VERSION,
    )
    upload = s3.create_multipart_upload(Bucket=OTHER, Key="mp")["UploadId"]
    expect_error(
        lambda: s3.upload_part_copy(
            Bucket=OTHER,
            Key="mp",
            UploadId=upload,
            PartNumber=1,
            CopySource={"Bucket": BUCKET, "Key": "src", "VersionId": VERSION},
        ),
        400,
        "InvalidArgument",
        "Invalid version id specified",
        ArgumentName="versionId",
        ArgumentValue=VERSION,
    )
    assert s3mpu.parts(upload) == {}
    assert state(s3mpu)["objects"] == before["objects"]


def test_version_id_query_on_an_unversioned_bucket(s3mpu, s3):
    """[LS-AWS: test_get_object_with_version_unversioned_bucket, test_delete_object
    delete-nonexistent-object-versionid, recorded 2026-02-21]: GetObject and DeleteObject with a
    versionId the bucket cannot have are InvalidArgument, "null" names the object. Before the fix the
    versionId was ignored: GET answered the current object and DELETE deleted it."""
    s3.put_object(Bucket=BUCKET, Key="v", Body=b"data")
    invalid = {"ArgumentName": "versionId", "ArgumentValue": VERSION}
    message = "Invalid version id specified"
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="v", VersionId=VERSION),
        400,
        "InvalidArgument",
        message,
        **invalid,
    )
    expect_error(
        lambda: s3.get_object_attributes(
            Bucket=BUCKET, Key="v", VersionId=VERSION, ObjectAttributes=["ETag"]
        ),
        400,
        "InvalidArgument",
        message,
        **invalid,
    )
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=BUCKET, Key="v", VersionId=VERSION)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    before = state(s3mpu)
    expect_error(
        lambda: s3.delete_object(Bucket=BUCKET, Key="v", VersionId=VERSION),
        400,
        "InvalidArgument",
        message,
        **invalid,
    )
    expect_error(
        lambda: s3.delete_object(Bucket=BUCKET, Key="missing", VersionId=VERSION),
        400,
        "InvalidArgument",
        message,
        **invalid,
    )
    assert state(s3mpu) == before
    assert s3.get_object(Bucket=BUCKET, Key="v", VersionId="null")["Body"].read() == b"data"
    s3.delete_object(Bucket=BUCKET, Key="v", VersionId="null")
    assert keys_of(s3mpu) == set()


# -- the round trip: any valid key, every operation that names one ---------------------------------------

# Keys XML 1.0 can carry (no C0 controls but tab, LF, CR; no surrogates, U+FFFE/U+FFFF), weighted towards
# the characters that went wrong: white space, CR/LF, markup, non-ASCII. No "." or ".." path segment (a
# copy source refuses those, spec §4), at most 200 UTF-8 bytes so the copies' keys stay valid.
_TRICKY = st.sampled_from(
    [
        " ",
        "  ",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "&",
        "<",
        ">",
        "&amp;",
        "&#13;",
        "]]>",
        "%",
        "+",
        "?",
        "#",
        "/",
        "é",
        "☃",
        "𝄞",
        "\u00a0",
        "\u3000",
    ]
)
_PLAIN = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff", min_codepoint=0x20)
_KEYS = (
    st.lists(st.one_of(_TRICKY, _PLAIN.map(str)), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda k: len(k.encode()) <= 200 and not {".", ".."} & set(k.split("/")))
)


def _listed_raw(s3mpu, prefix: str, url: bool) -> list[str]:
    """ListObjectsV2 as sent without boto3's automatic encoding-type=url, or with it (then decoded here)."""
    target = f"/{BUCKET}?list-type=2&prefix={quote(prefix, safe='')}" + ("&encoding-type=url" if url else "")
    status, root, _ = send(s3mpu, "GET", target)
    assert status == 200
    keys = [c.findtext(f"{NS}Key") or "" for c in root.iter(f"{NS}Contents")]
    return [unquote(k) for k in keys] if url else keys


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=_KEYS, quiet=st.booleans())
def test_any_key_round_trips_through_every_operation(s3mpu, s3, key, quiet):
    """Spec §1.3a: PutObject -> ListObjectsV2 (boto3 with encoding-type=url, raw without) -> CopyObject
    and UploadPartCopy with the key as source -> ListMultipartUploads -> DeleteObjects (Quiet or not):
    each names exactly the key put, and deleting it leaves its neighbours (the key stripped, the key
    with "x" after it) in place. Answers without encoding-type=url show a CR as a parser reads S3's raw
    CR (``as_parsed``)."""
    neighbours = {n for n in (key.strip(), key + "x") if n and n != key}
    for name in (key, *neighbours):
        s3.put_object(Bucket=BUCKET, Key=name, Body=name.encode())
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=key)
    assert [c["Key"] for c in listed.get("Contents", [])][:1] == [key]
    assert _listed_raw(s3mpu, key, url=False)[:1] == [as_parsed(key)]
    assert _listed_raw(s3mpu, key, url=True)[:1] == [key]

    s3.copy_object(Bucket=OTHER, Key=key, CopySource={"Bucket": BUCKET, "Key": key})
    assert s3.get_object(Bucket=OTHER, Key=key)["Body"].read() == key.encode()
    upload = s3.create_multipart_upload(Bucket=OTHER, Key=key)["UploadId"]
    part = s3.upload_part_copy(
        Bucket=OTHER, Key=key, UploadId=upload, PartNumber=1, CopySource={"Bucket": BUCKET, "Key": key}
    )
    assert part["CopyPartResult"]["ETag"] == f'"{hashlib.md5(key.encode()).hexdigest()}"'
    uploads = s3.list_multipart_uploads(Bucket=OTHER, Prefix=key)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [(as_parsed(key), upload)]
    s3.abort_multipart_upload(Bucket=OTHER, Key=key, UploadId=upload)

    status, root, _ = delete_raw(s3mpu, delete_xml([key], quiet))
    deleted = [e.findtext(f"{NS}Key") for e in root.iter(f"{NS}Deleted")]
    assert (status, deleted) == (200, [] if quiet else [as_parsed(key)])
    assert keys_of(s3mpu) == neighbours
    for bucket in (BUCKET, OTHER):
        for name in list(keys_of(s3mpu, bucket)):
            s3mpu.store.delete_objects(bucket, [name])


# -- item 3: an XML body the parser cannot read is MalformedXML, on every XML-bearing operation ----------

ENCODINGS = ["x-no-such-charset", "UCS-2", "rot13", "base64", "shift_jis", "utf-32", "idna", "undefined"]


def _complete_body(etag: str, declaration: str) -> bytes:
    return (
        f'{declaration}<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"{etag}"</ETag></Part>'
        "</CompleteMultipartUpload>"
    ).encode()


@pytest.fixture
def upload(s3):
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload_id, PartNumber=1, Body=b"p" * 10)["ETag"]
    s3.put_object(Bucket=BUCKET, Key="kept", Body=b"x")
    return upload_id, etag.strip('"')


def _assert_malformed(status: int, root) -> None:
    assert status == 400
    assert (root.findtext("Code"), root.findtext("Message")) == ("MalformedXML", MALFORMED_XML)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_unknown_encoding_is_malformed_xml_on_every_xml_operation(s3mpu, s3, upload, encoding):
    """Spec §1.3a: a declaration naming an encoding the parser cannot use is the client's MalformedXML
    (before the fix ``x-no-such-charset``, ``UCS-2``, ``rot13`` and ``base64`` answered 500 InternalError),
    on Complete, DeleteObjects and CreateBucket alike, and nothing changes."""
    upload_id, etag = upload
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    before = state(s3mpu)
    status, root, _ = send(
        s3mpu, "POST", f"/{BUCKET}/mp?uploadId={upload_id}", _complete_body(etag, declaration)
    )
    _assert_malformed(status, root)
    _assert_malformed(
        *delete_raw(s3mpu, f"{declaration}<Delete><Object><Key>kept</Key></Object></Delete>".encode())[:2]
    )
    body = (
        f"{declaration}<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
        "</CreateBucketConfiguration>"
    )
    _assert_malformed(*send(s3mpu, "PUT", "/exact-made", body.encode())[:2])
    assert state(s3mpu) == before


def test_utf16_body_with_a_dtd_is_refused(s3mpu, s3, upload):
    """The DTD refusal (no entity expansion, no XXE) holds whatever the body's encoding: expat reads
    UTF-16, where ``<!DOCTYPE`` is not the bytes the check looked for, so before the fix this Complete
    expanded ``&e;`` to the part's ETag and completed."""
    upload_id, etag = upload
    document = (
        f'<!DOCTYPE d [<!ENTITY e "&quot;{etag}&quot;">]><CompleteMultipartUpload><Part>'
        "<PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>"
    )
    before = state(s3mpu)
    for encoded in (document.encode("utf-16"), document.encode("utf-16-le"), document.encode("utf-16-be")):
        status, root, _ = send(s3mpu, "POST", f"/{BUCKET}/mp?uploadId={upload_id}", encoded)
        _assert_malformed(status, root)
    assert state(s3mpu) == before


def test_utf16_and_declared_encodings_xml_readers_must_accept_are_read(s3mpu, s3, upload):
    """XML 1.0 §4.3.3: every XML processor accepts UTF-16 (with its byte-order mark); a declared
    single-byte encoding (ISO-8859-1, US-ASCII as minio saw S3 accept) is read as declared."""
    upload_id, etag = upload
    body = delete_xml(["kept"]).decode()
    for encoded in (body.encode("utf-16"), f'<?xml version="1.0" encoding="US-ASCII"?>{body}'.encode()):
        s3.put_object(Bucket=BUCKET, Key="kept", Body=b"x")
        status, root, _ = delete_raw(s3mpu, encoded)
        assert (status, [e.findtext(f"{NS}Key") for e in root.iter(f"{NS}Deleted")]) == (200, ["kept"])
        assert "kept" not in keys_of(s3mpu)
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>' + delete_xml(["caf\u00e9 "]).decode()
    s3.put_object(Bucket=BUCKET, Key="caf\u00e9 ", Body=b"x")
    status, root, _ = delete_raw(s3mpu, latin.encode("latin-1"))
    assert [e.findtext(f"{NS}Key") for e in root.iter(f"{NS}Deleted")] == ["caf\u00e9 "]
    complete = _complete_body(etag, "").decode().encode("utf-16")
    status, root, _ = send(s3mpu, "POST", f"/{BUCKET}/mp?uploadId={upload_id}", complete)
    assert (status, root.findtext(f"{NS}Key")) == (200, "mp")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<Delete><Object><Key>\xff</Key></Object></Delete>", id="invalid-utf8"),
        pytest.param(b"<Delete><Object><Key>\xc3</Key></Object></Delete>", id="truncated-utf8"),
        pytest.param(b"\xef\xbb\xbf\xef\xbb\xbf<Delete/>", id="two-boms"),
        pytest.param("<Delete><Object><Key>x</Key></Object></Delete>".encode("utf-32"), id="utf32-bom"),
        pytest.param(b"\xff\xfe<\x00D\x00", id="utf16-truncated"),
        pytest.param(b"<Delete><Object><Key>&#0;</Key></Object></Delete>", id="nul-reference"),
        pytest.param(b"<Delete><Object><Key>&#xD800;</Key></Object></Delete>", id="surrogate-reference"),
        pytest.param(b"<Delete><Object><Key>&e;</Key></Object></Delete>", id="undeclared-entity"),
        pytest.param(
            b'<?xml version="1.0" encoding="utf-8"?><?xml version="1.0"?><Delete/>', id="two-declarations"
        ),
        pytest.param(b"<Delete><Object><Key>a<b/>c</Key></Object></Delete>", id="key-with-markup"),
    ],
)
def test_undecodable_xml_is_malformed_xml(s3mpu, s3, upload, body):
    """Bytes that are no XML document in any encoding a parser accepts are MalformedXML, never a 500 (spec
    §1.3a), and delete nothing."""
    before = state(s3mpu)
    _assert_malformed(*delete_raw(s3mpu, body)[:2])
    upload_id, _ = upload
    complete = body.replace(b"Delete", b"CompleteMultipartUpload")
    _assert_malformed(*send(s3mpu, "POST", f"/{BUCKET}/mp?uploadId={upload_id}", complete)[:2])
    assert state(s3mpu) == before


OTHER_XML_OPERATIONS = [
    ("PUT", f"/{BUCKET}/kept?tagging", "<Tagging><TagSet/></Tagging>", "MalformedXML"),
    ("PUT", f"/{BUCKET}?tagging", "<Tagging><TagSet/></Tagging>", "MalformedXML"),
    (
        "PUT",
        f"/{BUCKET}?ownershipControls",
        "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>",
        "MalformedXML",
    ),
    (
        "PUT",
        f"/{BUCKET}?publicAccessBlock",
        "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls>"
        "</PublicAccessBlockConfiguration>",
        "MalformedXML",
    ),
    ("PUT", f"/{BUCKET}?acl", "<AccessControlPolicy/>", "MalformedACLError"),
]


@pytest.mark.parametrize(
    "method,target,document,code",
    OTHER_XML_OPERATIONS,
    ids=[
        "PutObjectTagging",
        "PutBucketTagging",
        "PutBucketOwnershipControls",
        "PutPublicAccessBlock",
        "PutBucketAcl",
    ],
)
def test_unknown_encoding_is_refused_on_the_other_xml_operations(
    s3mpu, s3, upload, method, target, document, code
):
    """Spec §1.3a: the tagging, ownership, public-access-block and ACL bodies go through the same reader,
    so a declaration naming an unknown encoding is the operation's malformed-document error (MalformedXML;
    MalformedACLError for an ACL), never a 500, and nothing changes."""
    before = state(s3mpu)
    for encoding in ("x-no-such-charset", "rot13"):
        body = f'<?xml version="1.0" encoding="{encoding}"?>{document}'.encode()
        status, root, _ = send(s3mpu, method, target, body, {"Content-MD5": md5_b64(body)})
        assert (status, root.findtext("Code"), root.findtext("Message")) == (400, code, MALFORMED_XML)
    assert state(s3mpu) == before


def test_tag_keys_and_values_are_read_exactly(s3mpu, s3):
    """Spec §1.3a: a tag's Key and Value keep their white space (PutObjectTagging, PutBucketTagging);
    before the fix the reader stripped them, so " env " came back as "env"."""
    s3.put_object(Bucket=BUCKET, Key="t", Body=b"x")
    tags = [{"Key": " env ", "Value": "  prod "}, {"Key": "a b", "Value": " "}]
    s3.put_object_tagging(Bucket=BUCKET, Key="t", Tagging={"TagSet": tags})
    assert s3.get_object_tagging(Bucket=BUCKET, Key="t")["TagSet"] == tags
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"] == tags
