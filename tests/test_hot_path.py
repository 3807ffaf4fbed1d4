"""The small-request path's shortcuts change no answer: each per-request step that is skipped or done
once when nothing asks for it (no fault rule, no lifecycle configuration, a header name seen before, the
journal's size estimate) still behaves as before the moment something does (BENCHMARKS.md, "A small
request's cost, feature by feature"). No timings here: they live in bench/ (``bench.app_cpu``)."""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_s3mpu.app import request_fields
from pytest_s3mpu.app.request_fields import RequestHeaders
from pytest_s3mpu.harness import journal

BUCKET = "hot-path-bucket"
ABORT_RULE = {
    "ID": "abort-2-days",
    "Filter": {"Prefix": ""},
    "Status": "Enabled",
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
}


@pytest.fixture
def client(s3mpu):
    s3mpu.create_bucket(BUCKET)
    return s3mpu.client(retries={"total_max_attempts": 1})


def _part(client, upload_id: str, number: int) -> dict[str, str]:
    answer = client.upload_part(Bucket=BUCKET, Key="k", UploadId=upload_id, PartNumber=number, Body=b"x")
    return dict(answer["ResponseMetadata"]["HTTPHeaders"])


def test_a_fault_rule_added_after_requests_without_rules_fires(s3mpu, client):
    """Requests with no rule set skip fault matching; a rule added afterwards fires on the next request
    it matches and stops when removed (S3_MULTIPART_SPEC.md §5.2: a rule applies from when it is set)."""
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="k")["UploadId"]
    assert "etag" in _part(client, upload_id, 1)
    rule = s3mpu.faults.add(operation="UploadPart", preset="SlowDown", times=1)
    with pytest.raises(ClientError) as refused:
        _part(client, upload_id, 2)
    assert refused.value.response["Error"]["Code"] == "SlowDown"
    s3mpu.faults.remove(rule)
    assert "etag" in _part(client, upload_id, 2)
    assert [e.fault for e in s3mpu.journal.requests("UploadPart")] == [None, rule.id, None]


def test_upload_part_abort_headers_follow_the_lifecycle_configuration(s3mpu, client):
    """UploadPart skips the abort-date look-up while no bucket has a lifecycle configuration; putting one
    makes the next part carry x-amz-abort-date and x-amz-abort-rule-id, deleting it takes them away
    (AWS API reference, UploadPart response headers; midnight UTC after initiation + 2 days)."""
    s3mpu.clock.freeze(dt.datetime(2030, 1, 15, 10, 30, tzinfo=dt.timezone.utc))
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="k")["UploadId"]
    assert "x-amz-abort-date" not in _part(client, upload_id, 1)
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": [ABORT_RULE]})
    headers = _part(client, upload_id, 2)
    assert (headers["x-amz-abort-date"], headers["x-amz-abort-rule-id"]) == (
        "Fri, 18 Jan 2030 00:00:00 GMT",
        "abort-2-days",
    )
    client.delete_bucket_lifecycle(Bucket=BUCKET)
    assert "x-amz-abort-date" not in _part(client, upload_id, 3)


def test_journal_names_the_access_key_and_create_bucket_reads_the_signing_region(s3mpu, client):
    """The credential scope is read once per request and serves both the journal's access key and the
    region CreateBucket judges a LocationConstraint by [LS-AWS: test_different_location_constraint,
    recorded 2026-02-21]: a client signing for another region is told so."""
    other = boto3.client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id="hot-path-key",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as refused:
        other.create_bucket(Bucket="hot-path-other")
    assert refused.value.response["Error"]["Code"] == "IllegalLocationConstraintException"
    other.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    entries = s3mpu.journal.requests("CreateBucket") + s3mpu.journal.requests("PutObject")
    assert [entry.access_key for entry in entries] == ["hot-path-key", "hot-path-key"]


def test_header_names_past_the_cache_bound_still_arrive(s3mpu, client):
    """Header names are translated from the environ once and remembered, up to a bound; metadata sent
    under more new names than the bound holds is still stored and answered exactly, in raw HTTP (each
    request a new set of names)."""
    endpoint = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(str(endpoint.hostname), endpoint.port, timeout=10)
    try:
        for batch in range(request_fields._NAMES_KEPT // 40 + 2):
            names = [f"x-amz-meta-n{batch}-{index}" for index in range(40)]
            connection.request("PUT", f"/{BUCKET}/b{batch}", body=b"x", headers=dict.fromkeys(names, "v"))
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200
            head = client.head_object(Bucket=BUCKET, Key=f"b{batch}")
            assert head["Metadata"] == {name.removeprefix("x-amz-meta-"): "v" for name in names}
    finally:
        connection.close()
    assert len(request_fields._NAMES) <= request_fields._NAMES_KEPT


def test_request_headers_keep_environ_order_and_empty_values():
    """Lower-case names in environ order; an empty HTTP_ field is kept, an empty Content-Type is not (as
    Werkzeug); names seen before and names past the cache bound translate alike."""
    environ = {
        "REQUEST_METHOD": "PUT",
        "HTTP_X_AMZ_DATE": "20300101T000000Z",
        "CONTENT_TYPE": "",
        "HTTP_X_EMPTY": "",
        "CONTENT_LENGTH": "3",
        **{f"HTTP_X_NEW_{index}": str(index) for index in range(request_fields._NAMES_KEPT + 5)},
    }
    for _ in range(2):
        fields = RequestHeaders.from_environ(environ)
        assert list(fields)[:4] == ["x-amz-date", "x-empty", "content-length", "x-new-0"]
        assert fields["X-New-260"] == "260" and fields.get("content-type") is None


def test_journal_cost_is_the_size_of_its_texts(s3mpu, client):
    """The journal's memory estimate (what ``max_bytes`` bounds) is, per entry, ``ENTRY_OVERHEAD`` plus
    ``sys.getsizeof`` of each text field, and per kept header tuple its size plus 64 and the sizes of
    name and value per pair: the same sum for ASCII and non-ASCII text (metadata sent as UTF-8)."""
    client.put_object(Bucket=BUCKET, Key="k-é€", Body=b"x", Metadata={"colour": "blue"})
    client.get_object(Bucket=BUCKET, Key="k-é€")
    entries = s3mpu.journal.entries()
    for entry in entries:
        expected = journal.ENTRY_OVERHEAD
        for value in entry:
            if type(value) is str:
                expected += sys.getsizeof(value)
            elif type(value) is tuple and value:
                texts = itertools.chain.from_iterable(value)
                expected += sys.getsizeof(value) + 64 * len(value) + sum(map(sys.getsizeof, texts))
        assert journal._cost(tuple(entry)) == expected
    assert s3mpu.journal.kept_bytes == sum(journal._cost(tuple(entry)) for entry in entries)
    assert journal._cost(("é€" * 3, (("name", "vé"),))) == journal.ENTRY_OVERHEAD + sys.getsizeof(
        "é€" * 3
    ) + sys.getsizeof((("name", "vé"),)) + 64 + sys.getsizeof("name") + sys.getsizeof("vé")


@pytest.mark.parametrize(
    ("region", "other"),
    [
        pytest.param("eu-west-1", "us-east-2", marks=pytest.mark.s3mpu(region="eu-west-1")),
        pytest.param("us-east-2", "eu-west-1", marks=pytest.mark.s3mpu(region="us-east-2")),
    ],
)
def test_website_names_follow_the_region_the_test_sets(s3mpu, region, other):
    """The website endpoint names are worked out once per region, and the region changes from test to test
    on one server: a bucket's website under this test's region answers as a website (an HTML 404 for a
    bucket that does not exist [LS-AWS s3: test_website_hosting_no_such_website, recorded 2026-02-21]),
    the other region's name is no website here (a Host the server does not answer, as XML)."""
    assert s3mpu.region == region
    answers = {
        website: requests.get(
            s3mpu.endpoint_url + "/", headers={"Host": f"no-such-site-1a2b.{suffix}"}, timeout=10
        )
        for suffix, website in (
            (f"s3-website-{region}.amazonaws.com", True),
            (f"s3-website.{other}.amazonaws.com", False),
        )
    }
    assert (answers[True].status_code, answers[True].headers["Content-Type"]) == (
        404,
        "text/html; charset=utf-8",
    )
    assert "<li>Code: NoSuchBucket</li>" in answers[True].text
    assert (answers[False].status_code, answers[False].headers["Content-Type"]) == (400, "application/xml")
    assert "<Code>InvalidArgument</Code>" in answers[False].text


def test_app_cpu_bench_runs():
    """``bench.app_cpu`` at its smallest (one round, one batch) prints a ratio per tree, so it cannot rot;
    no timing is asserted."""
    root = Path(__file__).resolve().parent.parent
    finished = subprocess.run(
        [sys.executable, "-m", "bench.app_cpu", str(root), "--rounds", "1", "--batches", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert finished.stdout.splitlines()[-1].endswith("1.000")
