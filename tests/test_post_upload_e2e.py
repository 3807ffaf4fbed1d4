"""Browser-based POST uploads (presigned POST: ``POST /{bucket}`` with multipart/form-data), through the
real server: forms made by boto3's generate_presigned_post, sent as a browser sends them.

Recordings: LocalStack tests/aws/services/s3/test_s3.py::TestS3PresignedPost against real S3 ("LS-AWS
s3", recorded 2026-02-21); AWS API reference "POST Object" and "Creating a POST policy".
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.client
import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from s3_assertions import error_fields
from urllib3 import encode_multipart_formdata

BUCKET = "post-bucket"


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


def post(
    s3mpu,
    fields: dict[str, str],
    file: bytes | str,
    filename: str | None = "upload.bin",
    after: dict | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """The form as a browser sends it: the fields, then the file, then ``after`` (S3 ignores those)."""
    parts: list = list(fields.items())
    parts.append(("file", (filename, file) if filename is not None else file))
    parts.extend((after or {}).items())
    body, content_type = encode_multipart_formdata(parts)
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", f"/{BUCKET}", body=body, headers={"Content-Type": content_type})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def presigned(s3, key: str, **kwargs) -> dict[str, str]:
    return s3.generate_presigned_post(
        Bucket=BUCKET, Key=key, ExpiresIn=kwargs.pop("ExpiresIn", 60), **kwargs
    )["fields"]


def test_post_stores_the_file_byte_exact(s3, s3mpu, random_bytes):
    """[LS-AWS s3: test_post_object_with_files] 204 with ETag and Location; the object is the file field
    exactly (fields after the file are ignored, as the POST Object reference says)."""
    data = random_bytes(300_000)  # past the in-memory threshold: the mapped buffer path
    status, headers, body = post(s3mpu, presigned(s3, "up/k"), data, after={"x-amz-meta-late": "no"})
    assert (status, body) == (204, b"")
    assert headers["Location"] == f"{s3mpu.endpoint_url}/{BUCKET}/up/k"
    got = s3.get_object(Bucket=BUCKET, Key="up/k")
    assert got["Body"].read() == data
    assert headers["ETag"] == got["ETag"]
    assert got["Metadata"] == {}


def test_success_action_status_201_and_filename(s3, s3mpu):
    """[LS-AWS s3: test_s3_presigned_post_success_action_status_201_response] ``${filename}`` in the key is
    the file's name; 201 answers a PostResponse (Location, Bucket, Key, ETag) and the same ETag and
    Location headers."""
    fields = presigned(
        s3,
        "key-${filename}",
        Fields={"success_action_status": "201"},
        Conditions=[{"bucket": BUCKET}, ["eq", "$success_action_status", "201"]],
    )
    status, headers, body = post(s3mpu, fields, b"something body", filename="my-file")
    assert status == 201
    answer = {child.tag.split("}")[1]: child.text for child in ET.fromstring(body)}
    location = f"{s3mpu.endpoint_url}/{BUCKET}/key-my-file"
    etag = '"43281e21fce675ac3bcb3524b38ca4ed"'
    assert answer == {"Location": location, "Bucket": BUCKET, "Key": "key-my-file", "ETag": etag}
    assert (headers["ETag"], headers["Location"]) == (etag, location)


def test_success_action_redirect(s3, s3mpu):
    """[LS-AWS s3: test_s3_presigned_post_success_action_redirect] an absolute URL: 303 to it with
    bucket, key and etag in the query, no body; a relative one is as if absent: 204."""
    target = "http://localhost.test/random"
    fields = presigned(
        s3,
        "key-test",
        Fields={"success_action_redirect": target},
        Conditions=[{"bucket": BUCKET}, ["eq", "$success_action_redirect", target]],
    )
    status, headers, body = post(s3mpu, fields, b"something body")
    assert (status, body) == (303, b"")
    location = urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == target
    query = parse_qs(location.query)
    assert query == {"bucket": [BUCKET], "key": ["key-test"], "etag": ['"43281e21fce675ac3bcb3524b38ca4ed"']}
    relative = "/wrong/redirect/relative"
    fields = presigned(
        s3,
        "key-test",
        Fields={"success_action_redirect": relative},
        Conditions=[{"bucket": BUCKET}, ["eq", "$success_action_redirect", relative]],
    )
    assert post(s3mpu, fields, b"x")[0] == 204


def test_conditions_eq_and_starts_with(s3, s3mpu):
    """[LS-AWS s3: test_post_object_policy_conditions_validation_eq, ..._starts_with] a changed field:
    403 AccessDenied naming the condition as JSON; a name without ``$`` never holds; values compare
    case-sensitively; a dict of two properties is InvalidPolicyDocument. Nothing is stored."""
    target = "http://localhost.test/random"
    fields = presigned(
        s3,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[["eq", "$success_action_redirect", target]],
    )
    status, _, body = post(
        s3mpu, {**fields, "success_action_redirect": "http://wrong.location/test"}, b"abcdef"
    )
    assert (status, error_fields(body)["Code"]) == (403, "AccessDenied")
    assert error_fields(body)["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["eq", "$success_action_redirect", '
        '"http://localhost.test/random"]'
    )
    fields = presigned(
        s3,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[["eq", "success_action_redirect", target]],
    )
    status, _, body = post(s3mpu, fields, b"abcdef")
    assert status == 403
    assert error_fields(body)["Message"].endswith(
        '["eq", "success_action_redirect", "http://localhost.test/random"]'
    )
    fields = presigned(
        s3,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[{"bucket": BUCKET, "success_action_redirect": target}],
    )
    status, _, body = post(s3mpu, fields, b"abcdef")
    assert (status, error_fields(body)["Code"]) == (400, "InvalidPolicyDocument")
    assert error_fields(body)["Message"] == (
        "Invalid Policy: Invalid Simple-Condition: "
        "Simple-Conditions must have exactly one property specified."
    )
    fields = presigned(
        s3,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[["starts-with", "$success_action_redirect", "http://localhost"]],
    )
    status, _, body = post(
        s3mpu, {**fields, "success_action_redirect": "HTTP://localhost.test/random"}, b"abc"
    )
    assert error_fields(body)["Message"].endswith(
        '["starts-with", "$success_action_redirect", "http://localhost"]'
    )
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    status, headers, _ = post(s3mpu, fields, b"abcdef")
    assert status == 303 and headers["Location"].startswith(target)


def test_content_length_range(s3, s3mpu):
    """[LS-AWS s3: test_post_object_policy_validation_size] over the range: EntityTooLarge with
    ProposedSize and MaxSizeAllowed; under it: EntityTooSmall with MinSizeAllowed; a range of
    non-numbers: a failed condition; within it: stored."""
    fields = presigned(s3, "sized", Conditions=[["content-length-range", 5, 10]])
    status, _, body = post(s3mpu, fields, b"a" * 12)
    assert status == 400
    assert {k: v for k, v in error_fields(body).items() if k not in ("RequestId", "HostId")} == {
        "Code": "EntityTooLarge",
        "Message": "Your proposed upload exceeds the maximum allowed size",
        "ProposedSize": "12",
        "MaxSizeAllowed": "10",
    }
    status, _, body = post(s3mpu, fields, b"a")
    assert {k: v for k, v in error_fields(body).items() if k not in ("RequestId", "HostId")} == {
        "Code": "EntityTooSmall",
        "Message": "Your proposed upload is smaller than the minimum allowed size",
        "ProposedSize": "1",
        "MinSizeAllowed": "5",
    }
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    assert post(s3mpu, fields, b"a" * 10)[0] == 204
    assert s3.get_object(Bucket=BUCKET, Key="sized")["Body"].read() == b"a" * 10
    fields = presigned(s3, "sized", Conditions=[["content-length-range", "test", "10"]])
    status, _, body = post(s3mpu, fields, b"a" * 10)
    assert status == 403
    assert error_fields(body)["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]'
    )


def test_expired_policy_follows_the_clock(s3, s3mpu):
    """[LS-AWS s3: test_post_request_expires] once the store's clock is past the policy's expiration:
    403 AccessDenied "Invalid according to Policy: Policy expired." (the test clock, not a sleep)."""
    fields = presigned(s3, "late", ExpiresIn=60)
    s3mpu.clock.advance(61)
    status, _, body = post(s3mpu, fields, b"late")
    assert (status, error_fields(body)["Message"]) == (403, "Invalid according to Policy: Policy expired.")
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_metadata_fields_are_stored(s3, s3mpu):
    """[LS-AWS s3: test_post_object_policy_conditions_validation_eq, head-object-metadata] x-amz-meta-*
    (names lower-cased), Content-Type and a tagging document are stored; conditions name fields in any
    case."""
    tagging = "<Tagging><TagSet><Tag><Key>TagName</Key><Value>TagValue</Value></Tag></TagSet></Tagging>"
    fields = presigned(
        s3,
        "meta",
        Fields={
            "x-amz-meta-test-1": "test-meta-1",
            "x-amz-meta-TEST-2": "test-meta-2",
            "Content-Type": "text/plain",
            "tagging": tagging,
        },
        Conditions=[
            {"bucket": BUCKET},
            ["eq", "$x-amz-meta-test-1", "test-meta-1"],
            ["eq", "$x-amz-meta-test-2", "test-meta-2"],
            ["eq", "$content-type", "text/plain"],
            ["eq", "$tagging", tagging],
        ],
    )
    assert post(s3mpu, fields, b"abcdef")[0] == 204
    head = s3.head_object(Bucket=BUCKET, Key="meta")
    assert head["Metadata"] == {"test-1": "test-meta-1", "test-2": "test-meta-2"}
    assert head["ContentType"] == "text/plain"
    assert s3.get_object_tagging(Bucket=BUCKET, Key="meta")["TagSet"] == [
        {"Key": "TagName", "Value": "TagValue"}
    ]


@pytest.mark.parametrize(
    ("tagging", "status", "tags"),
    [
        ("<InvalidXmlTagging></InvalidXmlTagging>", 204, []),
        ("<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>", 204, [("a", "b")]),
        ("not-xml", 400, None),
    ],
    ids=["other-root", "tagging", "not-xml"],
)
def test_tagging_field_of_another_document_sets_no_tags(s3, s3mpu, tagging, status, tags):
    """A ``tagging`` field that is well-formed XML of another root is accepted with no tags (GetObjectTagging:
    an empty TagSet); one that is not XML is 400 MalformedXML and nothing is stored [LS-AWS s3:
    test_post_object_with_tags[invalid], [single], [notxml], recorded 2026-02-21]."""
    key = "test-presigned-post-key-tagging"
    fields = presigned(
        s3, key, Fields={"tagging": tagging}, Conditions=[{"bucket": BUCKET}, ["eq", "$tagging", tagging]]
    )
    answer, _, body = post(s3mpu, fields, "test-body-tagging", filename=None)
    assert answer == status
    if tags is None:
        assert error_fields(body)["Code"] == "MalformedXML"
        assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
        return
    tag_set = s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]
    assert [(tag["Key"], tag["Value"]) for tag in tag_set] == tags


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([(f"k{i}", "v") for i in range(11)], "Object tags cannot be greater than 10"),
        ([("aws:k", "v")], "Your TagKey cannot be prefixed with aws:"),
        ([("k", "v"), ("k", "w")], "Cannot provide multiple Tags with the same key"),
    ],
    ids=["eleven", "aws-prefix", "duplicate-key"],
)
def test_tagging_field_follows_the_object_tag_rules(s3, s3mpu, tags, message):
    """A ``tagging`` field is an object's tag set, so the object tag rules hold as for PutObjectTagging
    and x-amz-tagging (AWS user guide "Categorizing your storage using tags": at most 10 tags per object;
    keys not prefixed ``aws:``; unique keys): 400 InvalidTag, nothing stored. POST's own answer is not
    recorded; the error is PutObjectTagging's [LS-AWS: test_tagging_validation, validated 2026-02-23]
    and the double had stored such a form's tags unchecked."""
    body = "".join(f"<Tag><Key>{key}</Key><Value>{value}</Value></Tag>" for key, value in tags)
    document = f"<Tagging><TagSet>{body}</TagSet></Tagging>"
    fields = presigned(
        s3,
        "tagged",
        Fields={"tagging": document},
        Conditions=[{"bucket": BUCKET}, ["eq", "$tagging", document]],
    )
    status, _, answer = post(s3mpu, fields, b"abc")
    assert (status, error_fields(answer)["Code"], error_fields(answer)["Message"]) == (
        400,
        "InvalidTag",
        message,
    )
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_content_md5_field_is_checked_against_the_file(s3, s3mpu):
    """AWS API reference "POST Object": "use the Content-MD5 form field. When you use this form field,
    Amazon S3 checks the object against the provided MD5 value. If they do not match, Amazon S3 returns
    an error." A wrong digest: 400 BadDigest, as PutObject answers one [LS-AWS s3:
    test_s3_invalid_content_md5, recorded 2026-02-21], and nothing stored; a malformed one InvalidDigest;
    the right one stores the file."""
    data = b"abcdef"
    right = base64.b64encode(hashlib.md5(data).digest()).decode()
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    for digest, status, code in ((wrong, 400, "BadDigest"), ("not-an-md5", 400, "InvalidDigest")):
        fields = presigned(
            s3,
            "md5",
            Fields={"Content-MD5": digest},
            Conditions=[{"bucket": BUCKET}, ["eq", "$Content-MD5", digest]],
        )
        answer, _, body = post(s3mpu, fields, data)
        assert (answer, error_fields(body)["Code"]) == (status, code)
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    fields = presigned(
        s3,
        "md5",
        Fields={"Content-MD5": right},
        Conditions=[{"bucket": BUCKET}, ["eq", "$Content-MD5", right]],
    )
    assert post(s3mpu, fields, data)[0] == 204
    assert s3.get_object(Bucket=BUCKET, Key="md5")["Body"].read() == data


def test_post_answers_and_stores_the_default_crc64nvme_checksum(s3, s3mpu):
    """A POST upload gets S3's default checksum as PutObject does: the answer carries
    x-amz-checksum-crc64nvme and x-amz-checksum-type FULL_OBJECT, and HeadObject (ChecksumMode ENABLED)
    shows the same value [LS-AWS s3: test_post_object_default_checksum, recorded 2026-02-21: 17 bytes,
    ChecksumCRC64NVME L1qdhyEV1JY=, ETag a7d8531d918474360de3e2eaeb110cda]."""
    fields = presigned(s3, "test-presigned-post-checksum", Conditions=[{"bucket": BUCKET}])
    status, headers, _ = post(s3mpu, fields, "test-body-tagging", filename=None)
    assert status == 204
    assert (headers.get("x-amz-checksum-crc64nvme"), headers.get("x-amz-checksum-type")) == (
        "L1qdhyEV1JY=",
        "FULL_OBJECT",
    )
    head = s3.head_object(Bucket=BUCKET, Key="test-presigned-post-checksum", ChecksumMode="ENABLED")
    assert (head["ContentLength"], head["ETag"], head["ChecksumCRC64NVME"], head["ChecksumType"]) == (
        17,
        '"a7d8531d918474360de3e2eaeb110cda"',
        "L1qdhyEV1JY=",
        "FULL_OBJECT",
    )


def test_every_field_needs_a_condition(s3, s3mpu):
    """AWS "Creating a POST policy": each form field but the exempt ones must appear in the conditions;
    an uncovered one is refused and nothing is stored; x-ignore-* fields are exempt."""
    fields = presigned(s3, "extra", Fields={"x-amz-meta-color": "red"})
    status, _, body = post(s3mpu, fields, b"abc")
    assert (status, error_fields(body)["Message"]) == (
        403,
        "Invalid according to Policy: Extra input fields: x-amz-meta-color",
    )
    assert post(s3mpu, {**presigned(s3, "extra"), "x-ignore-me": "1"}, b"abc")[0] == 204


def test_malformed_forms(s3, s3mpu):
    """[LS-AWS s3: test_post_object_with_wrong_content_type, test_post_request_missing_signature [s3]
    and [s3v4]] not multipart/form-data: 412 PreconditionFailed with the Condition; a signed form
    without its signature (Signature / X-Amz-Signature): InvalidArgument naming it; no key: the same
    naming ``key``; no file: InvalidArgument; a policy that is not base64 JSON: InvalidPolicyDocument.
    Nothing is stored; a SigV4 form as boto3 makes it is stored."""
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST", f"/{BUCKET}", body=b"key=k", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = conn.getresponse()
    error = error_fields(response.read())
    conn.close()
    assert (response.status, error["Code"]) == (412, "PreconditionFailed")
    assert error["Condition"] == "Bucket POST must be of the enclosure-type multipart/form-data"
    v4 = s3mpu.client(signature_version="s3v4")
    for client, name in ((s3, "Signature"), (v4, "X-Amz-Signature")):
        fields = presigned(client, "k")
        del fields[name.lower() if name == "Signature" else "x-amz-signature"]
        status, _, body = post(s3mpu, fields, b"abc")
        assert (status, error_fields(body)["ArgumentName"]) == (400, name)
        assert error_fields(body)["Message"] == (
            f"Bucket POST must contain a field named '{name}'.  If it is specified, please check the "
            "order of the fields."
        )
    fields = presigned(s3, "k")
    del fields["key"]
    assert error_fields(post(s3mpu, fields, b"abc")[2])["ArgumentName"] == "key"
    body, content_type = encode_multipart_formdata(list(presigned(s3, "k").items()))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", f"/{BUCKET}", body=body, headers={"Content-Type": content_type})
    response = conn.getresponse()
    error = error_fields(response.read())
    conn.close()
    assert (response.status, error["Message"]) == (400, "POST requires exactly one file upload per request.")
    fields = {**presigned(s3, "k"), "policy": base64.b64encode(b"{not json").decode()}
    status, _, body = post(s3mpu, fields, b"abc")
    assert (status, error_fields(body)["Code"]) == (400, "InvalidPolicyDocument")
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    assert post(s3mpu, presigned(v4, "signed-v4"), b"v4")[0] == 204
    assert s3.get_object(Bucket=BUCKET, Key="signed-v4")["Body"].read() == b"v4"


def test_policy_document_is_what_boto3_signs(s3):
    """The forms above are boto3's own: its policy holds the expiration and the conditions checked."""
    fields = presigned(s3, "k", Conditions=[["content-length-range", 1, 2]])
    document = json.loads(base64.b64decode(fields["policy"]))
    expiration = dt.datetime.strptime(document["expiration"], "%Y-%m-%dT%H:%M:%SZ")
    assert expiration > dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert ["content-length-range", 1, 2] in document["conditions"]


def test_form_without_signing_fields_is_anonymous_and_accepted_while_auth_is_off(s3, s3mpu):
    """[LS-AWS s3: test_post_request_missing_fields, exception-no-sig-related-fields] key and policy alone
    is not a form missing X-Amz-Algorithm but an anonymous one (S3: AccessDenied on a private bucket); with
    verification off every anonymous request is accepted, so it uploads, its policy still checked."""
    policy = presigned(s3, "anon")["policy"]
    assert post(s3mpu, {"key": "anon", "policy": policy}, b"anon")[0] == 204
    assert s3.get_object(Bucket=BUCKET, Key="anon")["Body"].read() == b"anon"
    s3mpu.clock.advance(61)
    status, _, body = post(s3mpu, {"key": "anon", "policy": policy}, b"late")
    assert (status, error_fields(body)["Message"]) == (403, "Invalid according to Policy: Policy expired.")


def test_unicode_fields_are_utf8_and_metadata_is_kept_as_sent(s3, s3mpu):
    """[LS-AWS s3: test_post_object_with_unicode_metadata, recorded 2026-02-21] the form's fields are
    UTF-8 text: x-amz-meta-* values are stored as sent, encoded-words included (``=?UTF-8?B?YWJj?=``
    comes back as itself, not ``abc``), and answered as header metadata is (Q for text, B with control
    characters); Cache-Control and Content-Disposition keep what ISO-8859-1 carries (é), each other
    character a space (the em dash). The key is UTF-8 too."""
    key = "test_unicode\u2014_file.pdf"
    safe = (
        "! \"#$%&'()*+,-./0123456789:;<>'?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\t"
    )
    sent = {
        "Content-Disposition": 'filename="test_\u2014_file%E2%80%94_\u00e9_2-.pdf"',
        "Cache-Control": "non-ascii-%E2%80%94_\u2014_\u00e9_",
        "x-amz-meta-nonascii": "\u00c4M\u00c4Z\u00d5\u00d1 S3",
        "x-amz-meta-nonascii-2": "test_\u2014_file%E2%80%94_\u00e9_2\U0001f451.pdf",
        "x-amz-meta-safe-chars": safe,
        "x-amz-meta-utf-8": "\x00\x01\x02\x03\x04",
        "x-amz-meta-q-encoded": "=?UTF-8?Q?actually-ascii?=",
        "x-amz-meta-b-encoded": "=?UTF-8?B?YWJj?=",
        "success_action_status": "201",
    }
    fields = presigned(
        s3,
        key,
        Fields=sent,
        Conditions=[{"bucket": BUCKET}, *(["eq", f"${name}", value] for name, value in sent.items())],
    )
    status, answer_headers, body = post(s3mpu, fields, "test-body-tagging")
    assert status == 201
    assert answer_headers["Location"].endswith(f"/{BUCKET}/test_unicode%E2%80%94_file.pdf")
    answer = {child.tag.split("}")[1]: child.text for child in ET.fromstring(body)}
    assert answer["Key"] == key
    head = s3.head_object(Bucket=BUCKET, Key=key)
    assert head["CacheControl"] == "non-ascii-%E2%80%94_ _\u00e9_"
    assert head["ContentDisposition"] == 'filename="test_ _file%E2%80%94_\u00e9_2-.pdf"'
    assert head["Metadata"] == {
        "b-encoded": "=?UTF-8?B?YWJj?=",
        "nonascii": "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=",
        "nonascii-2": "=?UTF-8?Q?test=5F=E2=80=94=5Ffile%E2%80%94=5F=C3=A9=5F2=F0=9F=91=91.pdf?=",
        "q-encoded": "=?UTF-8?Q?actually-ascii?=",
        "safe-chars": safe,
        "utf-8": "=?UTF-8?B?AAECAwQ=?=",
    }


def test_sigv2_form_missing_its_access_key_names_it(s3, s3mpu):
    """[LS-AWS s3: test_post_request_missing_fields[s3], recorded 2026-02-21] a SigV2 form (policy and
    signature) without AWSAccessKeyId: 400 InvalidArgument naming AWSAccessKeyId, not X-Amz-Algorithm
    (the SigV4 form's first field, [s3v4]); nothing stored."""
    fields = presigned(s3, "missing")
    assert "signature" in fields
    del fields["AWSAccessKeyId"]
    status, _, body = post(s3mpu, fields, b"file content")
    error = error_fields(body)
    assert (status, error["Code"], error["ArgumentName"]) == (400, "InvalidArgument", "AWSAccessKeyId")
    assert error["Message"] == (
        "Bucket POST must contain a field named 'AWSAccessKeyId'.  If it is specified, please check the "
        "order of the fields."
    )
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
