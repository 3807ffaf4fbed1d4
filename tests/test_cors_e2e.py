"""CORS as S3 evaluates it, through the real server: PutBucketCors / GetBucketCors / DeleteBucketCors with
boto3, preflights and actual requests from a page with raw ``http.client`` (a browser's headers).

Recordings: LocalStack tests/aws/services/s3/test_s3_cors.py against real S3 ("LS-AWS cors", recorded
2023-07-31 unless said otherwise); wildcard messages: the AWS user guide's "Elements of a CORS
configuration" and versitygw's record of S3's answers.
"""

from __future__ import annotations

import http.client

import pytest
from s3_assertions import error_fields, expect_error

from pytest_s3mpu.state import bucket_documents
from pytest_s3mpu.state import cors as cors_rule

BUCKET = "cors-bucket"
KEY = "test-cors-123"
ORIGIN = "https://localhost:4200"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
    "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
    "whitelisted by the resource's CORS spec."
)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key=KEY, Body=b"test-cors")
    return s3mpu_client


def send(s3mpu, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request as a browser sends it (no signature), answered by the real server."""
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def cors_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith("Access-Control-") or k == "Vary"}


def rule(**fields) -> dict:
    return {"CORSRules": [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": [ORIGIN], **fields}]}


def test_get_put_delete_cors(s3):
    """[LS-AWS cors: test_get_cors, test_put_cors, test_delete_cors] absent: 404 NoSuchCORSConfiguration
    naming the bucket; the rules come back as put (order and header case kept); Delete answers 204, also
    when nothing is configured, and the configuration is then gone."""
    expect_error(
        lambda: s3.get_bucket_cors(Bucket=BUCKET),
        404,
        "NoSuchCORSConfiguration",
        "The CORS configuration does not exist",
        BucketName=BUCKET,
    )
    assert s3.delete_bucket_cors(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    rules = [
        {
            "AllowedHeaders": ["x-amz-expected-bucket-owner", "x-AMZ-server-SIDE-encryption"],
            "AllowedMethods": ["GET", "PUT", "HEAD"],
            "AllowedOrigins": ["https://test.com", "https://app.test.com", "http://test.com:80"],
            "MaxAgeSeconds": 3000,
        },
        {"ID": "second", "AllowedMethods": ["GET"], "AllowedOrigins": [""], "ExposeHeaders": ["ETag"]},
    ]
    put = s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": rules})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == rules
    assert s3.delete_bucket_cors(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        lambda: s3.get_bucket_cors(Bucket=BUCKET),
        404,
        "NoSuchCORSConfiguration",
        "The CORS configuration does not exist",
        BucketName=BUCKET,
    )


def test_put_cors_invalid_rules_leave_the_configuration(s3):
    """[LS-AWS cors: test_put_cors_invalid_rules] an unknown method: InvalidRequest naming it; no rule:
    MalformedXML; two wildcards in an origin or allowed header: InvalidRequest (AWS user guide: one
    ``*`` at most). A refused Put leaves the configuration as it was."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=rule())
    expect_error(
        lambda: s3.put_bucket_cors(
            Bucket=BUCKET,
            CORSConfiguration={
                "CORSRules": [
                    {"AllowedOrigins": ["*", "https://test.com"], "AllowedMethods": ["GET", "MYMETHOD"]}
                ]
            },
        ),
        400,
        "InvalidRequest",
        "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD",
    )
    expect_error(
        lambda: s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": []}),
        400,
        "MalformedXML",
        MALFORMED,
    )
    expect_error(
        lambda: s3.put_bucket_cors(
            Bucket=BUCKET,
            CORSConfiguration={
                "CORSRules": [{"AllowedOrigins": ["*example*.com"], "AllowedMethods": ["GET"]}]
            },
        ),
        400,
        "InvalidRequest",
        'AllowedOrigin "*example*.com" can not have more than one wildcard.',
    )
    expect_error(
        lambda: s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=rule(AllowedHeaders=["x-*-*"])),
        400,
        "InvalidRequest",
        'AllowedHeader "x-*-*" can not have more than one wildcard.',
    )
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == rule()["CORSRules"]
    expect_error(
        lambda: s3.put_bucket_cors(Bucket="no-such-bucket-here", CORSConfiguration=rule()),
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        BucketName="no-such-bucket-here",
    )


def test_preflight_without_origin_missing_bucket_or_configuration(s3, s3mpu):
    """[LS-AWS cors: test_cors_http_options_no_config, test_cors_http_options_non_existent_bucket] no
    Origin: 400 BadRequest; a missing bucket: 403 AccessForbidden "Bucket not found"; no configuration:
    "CORS is not enabled", Method the Access-Control-Request-Method (OPTIONS without one), ResourceType
    BUCKET even for an object URL. A preflight needs no signature."""
    status, _, body = send(s3mpu, "OPTIONS", f"/{BUCKET}/{KEY}", {})
    assert status == 400
    assert error_fields(body)["Message"] == "Insufficient information. Origin request header needed."
    status, _, body = send(s3mpu, "OPTIONS", "/fake-bucket-xyz/k", {"Origin": "whatever"})
    error = error_fields(body)
    assert status == 403
    assert (error["Code"], error["Message"]) == ("AccessForbidden", "CORSResponse: Bucket not found")
    assert (error["Method"], error["ResourceType"]) == ("OPTIONS", "BUCKET")
    asked = {"Origin": "whatever", "Access-Control-Request-Method": "PUT"}
    status, headers, body = send(s3mpu, "OPTIONS", f"/{BUCKET}/{KEY}", asked)
    error = error_fields(body)
    assert status == 403
    assert error["Message"] == "CORSResponse: CORS is not enabled for this bucket."
    assert (error["Method"], error["ResourceType"]) == ("PUT", "BUCKET")
    assert cors_headers(headers) == {}


def test_preflight_and_actual_requests_match_origins(s3, s3mpu):
    """[LS-AWS cors: test_cors_match_origins] the rule's origin: 200 echoing it, with credentials, the
    rule's methods and max age, and Vary; the same headers on the GET; another origin: 403 naming the
    method and OBJECT, and a GET answered without any CORS header; a ``*`` rule answers ``*`` without
    credentials. A GET without Origin (or with only a Referer) gets no CORS header."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=rule(MaxAgeSeconds=3000, AllowedHeaders=["*"]))
    expected = {
        "Access-Control-Allow-Origin": ORIGIN,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "GET, PUT",
        "Access-Control-Max-Age": "3000",
        "Vary": VARY,
    }
    path = f"/{BUCKET}/{KEY}"
    status, headers, body = send(
        s3mpu, "OPTIONS", path, {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert (status, body, cors_headers(headers)) == (200, b"", expected)
    status, headers, body = send(s3mpu, "GET", path, {"Origin": ORIGIN})
    assert (status, body, cors_headers(headers)) == (200, b"test-cors", expected)
    for plain in ({}, {"Referer": ORIGIN}):
        assert cors_headers(send(s3mpu, "GET", path, plain)[1]) == {}
    wrong = "http://localhost:4200"
    status, headers, body = send(
        s3mpu, "OPTIONS", path, {"Origin": wrong, "Access-Control-Request-Method": "PUT"}
    )
    error = error_fields(body)
    assert (status, error["Code"], error["Message"]) == (403, "AccessForbidden", NOT_ALLOWED)
    assert (error["Method"], error["ResourceType"]) == ("PUT", "OBJECT")
    status, headers, body = send(s3mpu, "GET", path, {"Origin": wrong})
    assert (status, body, cors_headers(headers)) == (200, b"test-cors", {})
    s3.put_bucket_cors(
        Bucket=BUCKET,
        CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"], "MaxAgeSeconds": 3000}]
        },
    )
    status, headers, _ = send(
        s3mpu, "OPTIONS", path, {"Origin": "http://random:1234", "Access-Control-Request-Method": "PUT"}
    )
    assert status == 200
    assert cors_headers(headers) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, PUT",
        "Access-Control-Max-Age": "3000",
        "Vary": VARY,
    }


def test_partial_origin_wildcard(s3, s3mpu):
    """[LS-AWS cors: test_cors_options_match_partial_origin, test_cors_options_fails_partial_origin,
    recorded 2024-02-29] ``http://*.origin.com`` admits ``http://test.origin.com`` (echoed) but not
    ``http://test.origin.com/``: 403 with ResourceType BUCKET for a bucket URL."""
    s3.put_bucket_cors(
        Bucket=BUCKET,
        CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": ["http://*.origin.com"], "AllowedMethods": ["GET", "PUT"]}]
        },
    )
    asked = {"Origin": "http://test.origin.com", "Access-Control-Request-Method": "GET"}
    status, headers, _ = send(s3mpu, "OPTIONS", f"/{BUCKET}", asked)
    assert (status, headers["Access-Control-Allow-Origin"]) == (200, "http://test.origin.com")
    status, _, body = send(s3mpu, "OPTIONS", f"/{BUCKET}", {**asked, "Origin": "http://test.origin.com/"})
    assert status == 403
    assert (error_fields(body)["Method"], error_fields(body)["ResourceType"]) == ("GET", "BUCKET")


def test_methods_and_request_headers(s3, s3mpu):
    """[LS-AWS cors: test_cors_match_methods (2025-03-17), test_cors_match_headers (2025-07-07),
    test_put_cors_default_values] a method the rule lacks: 403, and a GET saying
    Access-Control-Request-Method: PUT gets no CORS header; requested headers are echoed lower case
    when every one matches an AllowedHeader (any case, with or without spaces), else 403; a rule without
    AllowedHeaders admits no requested header."""
    s3.put_bucket_cors(
        Bucket=BUCKET,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": [ORIGIN],
                    "AllowedMethods": ["GET"],
                    "AllowedHeaders": ["x-amz-expected-bucket-owner", "x-AMZ-server-SIDE-encryption"],
                }
            ]
        },
    )
    path = f"/{BUCKET}/{KEY}"
    status, _, body = send(s3mpu, "OPTIONS", path, {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert (status, error_fields(body)["Method"]) == (403, "PUT")
    headers = send(s3mpu, "GET", path, {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})[1]
    assert cors_headers(headers) == {}
    for requested in (
        "x-AMZ-expected-BUCKET-owner, x-amz-server-side-encryption",
        "x-amz-expected-bucket-owner,x-amz-server-side-encryption",
    ):
        asked = {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": requested,
        }
        status, headers, _ = send(s3mpu, "OPTIONS", path, asked)
        assert status == 200
        assert (
            headers["Access-Control-Allow-Headers"]
            == "x-amz-expected-bucket-owner, x-amz-server-side-encryption"
        )
    asked = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-amz-request-payer",
    }
    status, _, body = send(s3mpu, "OPTIONS", path, asked)
    assert (status, error_fields(body)["Message"]) == (403, NOT_ALLOWED)
    s3.put_bucket_cors(
        Bucket=BUCKET, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}
    )
    assert send(s3mpu, "OPTIONS", path, asked)[0] == 403


def test_expose_headers_on_preflight_and_actual_answers(s3, s3mpu):
    """[LS-AWS cors: test_cors_expose_headers] ExposeHeaders are listed as put, on the preflight and on
    the actual answer (what lets a page read ETag); the first matching rule answers."""
    s3.put_bucket_cors(
        Bucket=BUCKET,
        CORSConfiguration={
            "CORSRules": [
                {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["x-amz-id-2", "ETag"]},
                {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
            ]
        },
    )
    asked = {"Origin": "localhost:4566", "Access-Control-Request-Method": "GET"}
    headers = send(s3mpu, "OPTIONS", f"/{BUCKET}/{KEY}", asked)[1]
    assert headers["Access-Control-Expose-Headers"] == "x-amz-id-2, ETag"
    headers = send(s3mpu, "GET", f"/{BUCKET}/{KEY}", {"Origin": "localhost:4566"})[1]
    assert headers["Access-Control-Expose-Headers"] == "x-amz-id-2, ETag"
    assert headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.s3mpu(auth="sigv4")
def test_preflight_needs_no_signature_under_sigv4(s3mpu):
    """AWS user guide, "Troubleshooting CORS": a browser sends its preflight without credentials, and
    S3 answers it from the CORS rules alone, also where every other request must be signed."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.store.put_bucket_config(bucket_documents.CORS, BUCKET, [cors_rule.Rule(("PUT",), (ORIGIN,))])
    status, headers, _ = send(
        s3mpu, "OPTIONS", f"/{BUCKET}/k", {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert (status, headers["Access-Control-Allow-Origin"]) == (200, ORIGIN)
    assert send(s3mpu, "GET", f"/{BUCKET}/k", {"Origin": ORIGIN})[0] == 403  # unsigned GET: refused
