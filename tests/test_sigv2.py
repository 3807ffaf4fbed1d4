"""The pure SigV2 verifier (``protocol/sigv2.py``) and the authenticator's SigV2 paths, against the
examples the S3 user guide publishes ("Signing and authenticating REST requests", RESTAuthentication:
example key ``AKIAIOSFODNN7EXAMPLE`` / ``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``)."""

from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import unquote

import pytest

from pytest_s3mpu.protocol import sigv2
from pytest_s3mpu.protocol.authentication import (
    HEADER,
    POST,
    PRESIGNED,
    Authenticator,
    Credential,
    SignedRequest,
)
from pytest_s3mpu.state import errors

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _posix(text: str) -> float:
    return float(calendar.timegm(dt.datetime.strptime(text, "%a, %d %b %Y %H:%M:%S +0000").timetuple()))


def test_upload_example_signs_amz_headers_md5_type_and_cname_bucket():
    """RESTAuthentication, "Upload": the x-amz-* headers lower-cased, sorted, a repeated one joined
    with ``,``; Content-MD5 and Content-Type on their lines; the CNAME bucket before the path."""
    amz = sigv2.canonical_amz_headers(
        [
            ("x-amz-acl", "public-read"),
            ("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"),
            ("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"),
            ("X-Amz-Meta-FileChecksum", "0x02661779"),
            ("X-Amz-Meta-ChecksumAlgorithm", " crc32 "),
            ("Content-Type", "not an amz header"),
        ]
    )
    assert amz == (
        "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n"
        "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
    )
    resource = sigv2.canonical_resource("/db-backup.dat.gz", "", "static.johnsmith.net")
    text = sigv2.string_to_sign(
        "PUT",
        "4gJE4saaMU4BqNR0kLY+lw==",
        "application/x-download",
        "Tue, 27 Mar 2007 21:06:08 +0000",
        amz,
        resource,
    )
    assert sigv2.signature(SECRET, text) == "ilyl83RwaSoYIEdixDQcA4OnAnc="


def test_list_all_buckets_and_unicode_keys_examples():
    """RESTAuthentication, "List all my buckets" (resource ``/``) and "Unicode keys" (the path exactly as
    sent, its percent-escapes' case kept)."""
    buckets = sigv2.string_to_sign("GET", "", "", "Wed, 28 Mar 2007 01:29:59 +0000", "", "/")
    assert sigv2.signature(SECRET, buckets) == "qGdzdERIC03wnaRNKh6OqZehG9s="
    resource = sigv2.canonical_resource("/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "")
    unicode_key = sigv2.string_to_sign("GET", "", "", "Wed, 28 Mar 2007 01:49:49 +0000", "", resource)
    assert sigv2.signature(SECRET, unicode_key) == "DNEZGsoieTZ92F3bUfSPQcbGmlM="


def test_query_string_example_puts_expires_where_the_date_goes():
    """RESTAuthentication, "Query string request authentication alternative": ``Expires`` as the date."""
    text = sigv2.string_to_sign("GET", "", "", "1175139620", "", "/johnsmith/photos/puppy.jpg")
    assert sigv2.signature(SECRET, text) == "NpgCjnDzrM+WFzoENXmpNDUsSn8="


def test_resource_keeps_sub_resources_sorted_and_decoded_and_drops_the_rest():
    """RESTAuthentication, "Constructing the CanonicalizedResource Element": sub-resources and
    response-* overrides sorted by name, values not encoded; other parameters left out."""
    resource = sigv2.canonical_resource(
        "/bkt/k",
        "versionId=v%2F1&prefix=a&response-content-disposition=attachment%3B%20filename%3Dt.txt&acl"
        "&AWSAccessKeyId=x&Signature=y&Expires=1",
    )
    assert resource == "/bkt/k?acl&response-content-disposition=attachment; filename=t.txt&versionId=v/1"
    assert sigv2.canonical_resource("/bkt/", "uploads") == "/bkt/?uploads"
    assert sigv2.canonical_resource("", "") == "/"


def test_a_bucket_is_signed_with_its_slash_or_as_sent():
    """A bucket's own resource ends with ``/`` (RESTAuthentication's "/johnsmith/"; botocore signs a
    path-style CreateBucket ``PUT /hdr`` as ``/hdr/``); ``/hdr`` as sent is the other accepted spelling."""
    assert sigv2.canonical_resource("/hdr", "acl") == "/hdr/?acl"
    assert sigv2.canonical_resource("/", "", "hdr") == "/hdr/"
    assert sigv2.bucket_as_sent("/hdr", "acl", None) == "/hdr?acl"
    assert sigv2.bucket_as_sent("/hdr/k", "", None) is None
    assert sigv2.bucket_as_sent("/", "", "hdr") is None


def test_only_the_regions_before_2014_accept_sigv2():
    """RESTAuthentication's note: regions launched after 30 January 2014 support SigV4 only."""
    assert sigv2.accepted_in("us-east-1") and sigv2.accepted_in("eu-west-1")
    assert not sigv2.accepted_in("eu-central-1") and not sigv2.accepted_in("us-east-2")


# -- the authenticator -------------------------------------------------------------------------------


def _auth() -> Authenticator:
    return Authenticator.of([Credential(AKID, SECRET)])


def _request(
    method: str, path: str, query: str, headers: dict[str, str], virtual: str | None = None
) -> SignedRequest:
    parsed = dict(item.split("=", 1) if "=" in item else (item, "") for item in query.split("&") if item)
    return SignedRequest(method, path, query, headers, {k: unquote(v) for k, v in parsed.items()}, virtual)


def test_header_example_verifies_and_a_wrong_signature_shows_the_string_to_sign():
    """The "Upload" example as a request with ``Authorization: AWS AKID:signature`` at its own time."""
    headers = {
        "authorization": f"AWS {AKID}:ilyl83RwaSoYIEdixDQcA4OnAnc=",
        "date": "Tue, 27 Mar 2007 21:06:08 +0000",
        "content-md5": "4gJE4saaMU4BqNR0kLY+lw==",
        "content-type": "application/x-download",
        "x-amz-acl": "public-read",
        "x-amz-meta-reviewedby": "joe@johnsmith.net,jane@johnsmith.net",
        "x-amz-meta-filechecksum": "0x02661779",
        "x-amz-meta-checksumalgorithm": "crc32",
    }
    now = _posix(headers["date"]) + 60
    request = _request("PUT", "/db-backup.dat.gz", "", headers, "static.johnsmith.net")
    verified = _auth().verify(request, now, "us-east-1")
    assert (verified.access_key, verified.method) == (AKID, HEADER)
    with pytest.raises(errors.SignatureDoesNotMatch) as caught:
        _auth().verify(
            _request("PUT", "/db-backup.dat.gz", "", {**headers, "x-amz-acl": "private"}), now, "us-east-1"
        )
    assert caught.value.field("StringToSign").startswith(
        "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\n"
    )
    assert caught.value.field("CanonicalRequest") is None
    with pytest.raises(errors.InvalidRequest):
        _auth().verify(request, now, "eu-central-1")


def test_header_time_x_amz_date_empties_the_date_line_and_skew_is_refused():
    """RESTAuthentication, "Time stamp requirement": with x-amz-date the Date line is empty and the header
    is signed among the x-amz-* ones; more than 15 minutes off is RequestTimeTooSkewed."""
    amz_date = "Tue, 27 Mar 2007 21:20:26 +0000"
    text = sigv2.string_to_sign(
        "DELETE", "", "", "", f"x-amz-date:{amz_date}\n", "/johnsmith/photos/puppy.jpg"
    )
    headers = {
        "authorization": f"AWS {AKID}:{sigv2.signature(SECRET, text)}",
        "x-amz-date": amz_date,
        "date": "Tue, 27 Mar 2007 21:20:27 +0000",
    }
    request = _request("DELETE", "/johnsmith/photos/puppy.jpg", "", headers)
    assert _auth().verify(request, _posix(amz_date), "us-east-1").method == HEADER
    with pytest.raises(errors.RequestTimeTooSkewed):
        _auth().verify(request, _posix(amz_date) + 16 * 60, "us-east-1")
    with pytest.raises(errors.InvalidArgument) as caught:
        _auth().verify(_request("GET", "/", "", {"authorization": f"AWS {AKID}"}), 0, "us-east-1")
    assert caught.value.message == "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"


def test_presigned_example_verifies_until_it_expires():
    """The query-string example at and after its ``Expires`` (1175139620)."""
    query = f"AWSAccessKeyId={AKID}&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D"
    request = _request("GET", "/photos/puppy.jpg", query, {}, "johnsmith")
    assert _auth().verify(request, 1175139620, "us-east-1").method == PRESIGNED
    with pytest.raises(errors.AccessDenied) as caught:
        _auth().verify(request, 1175139621, "us-east-1")
    assert caught.value.message == "Request has expired"
    assert caught.value.fields() == [
        ("Expires", "2007-03-29T03:40:20Z"),
        ("ServerTime", "2007-03-29T03:40:21Z"),
    ]
    bad = _request("GET", "/photos/puppy.jpg", query.replace("1175139620", "soon"), {}, "johnsmith")
    with pytest.raises(errors.AccessDenied) as caught:
        _auth().verify(bad, 0, "us-east-1")
    assert caught.value.message == "Invalid date (should be seconds since epoch): soon"


def test_post_form_signature_is_hmac_sha1_of_the_policy():
    """A SigV2 form's ``signature``: base64 HMAC-SHA1 of the base64 policy (S3 user guide, "Browser-based
    uploads using POST (AWS signature version 2)")."""
    policy = "eyJleHBpcmF0aW9uIjogIjIwMDctMTItMDFUMTI6MDA6MDAuMDAwWiJ9"
    fields = {"awsaccesskeyid": AKID, "policy": policy, "signature": sigv2.signature(SECRET, policy)}
    assert _auth().verify_post(fields, 0, "us-east-1").method == POST
    with pytest.raises(errors.SignatureDoesNotMatch) as caught:
        _auth().verify_post({**fields, "policy": policy[:-2]}, 0, "us-east-1")
    assert (caught.value.field("StringToSign"), caught.value.field("SignatureProvided")) == (
        policy[:-2],
        fields["signature"],
    )
    with pytest.raises(errors.InvalidRequest):
        _auth().verify_post(fields, 0, "ap-south-1")
    with pytest.raises(errors.InvalidArgument):
        _auth().verify_post({"awsaccesskeyid": AKID, "policy": policy}, 0, "us-east-1")
