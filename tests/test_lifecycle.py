"""Bucket lifecycle in test time (issue 18): Put/Get/DeleteBucketLifecycleConfiguration with S3's
validation errors, the abort date of incomplete uploads (x-amz-abort-date / x-amz-abort-rule-id), and
moving the test clock past a date aborting the upload or expiring the object at once, each action in
the journal. Sources: [LS-AWS: TestS3BucketLifecycle.*, recorded 2026-02-21]; AWS user guide
"Lifecycle configuration elements" (the midnight-UTC date rule); AWS API reference ListParts /
CreateMultipartUpload / UploadPart (AbortDate and AbortRuleId are response headers)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from botocore.exceptions import ClientError

from pytest_s3mpu.state import errors, lifecycle
from pytest_s3mpu.state.clock import Clock
from pytest_s3mpu.state.model import ObjectMeta
from pytest_s3mpu.state.store import Store

BUCKET = "lifecycle-bucket"
UTC = dt.timezone.utc
START = dt.datetime(2030, 1, 15, 10, 30, tzinfo=UTC)
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
ABORT_RULE = {
    "ID": "abort-3-days",
    "Filter": {"Prefix": "uploads/"},
    "Status": "Enabled",
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3},
}


def rules(*given: dict) -> dict:
    return {"Rules": list(given)}


@pytest.fixture
def client(s3mpu):
    s3mpu.create_bucket(BUCKET)
    s3mpu.clock.freeze(START)
    return s3mpu.client(retries={"total_max_attempts": 1})


def error_of(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return {**response["Error"], "status": response["ResponseMetadata"]["HTTPStatusCode"]}


# -- the date rule and the checks, without HTTP ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (dt.datetime(2014, 1, 15, 10, 30, tzinfo=UTC), 3, dt.datetime(2014, 1, 19, tzinfo=UTC)),
        (dt.datetime(2030, 1, 1, 0, 0, tzinfo=UTC), 1, dt.datetime(2030, 1, 3, tzinfo=UTC)),
        (dt.datetime(2030, 12, 31, 23, 59, 59, tzinfo=UTC), 1, dt.datetime(2031, 1, 2, tzinfo=UTC)),
    ],
)
def test_due_date_is_the_next_midnight_utc_after_the_days(start, days, due):
    """AWS user guide: an object created 1/15/2014 10:30 UTC with a 3-day rule expires at 1/19/2014
    00:00 UTC (the time plus the days, rounded up to the next day's midnight UTC)."""
    assert lifecycle.due_date(start, days) == due


def test_store_aborts_and_expires_once_the_clock_passes_and_is_thread_safe():
    """The store applies what falls due when the clock moves, through one call, under its lock: an upload
    past its abort date is gone (NoSuchUpload), an expired object deleted; uploads of other keys and
    objects of other rules stay. Concurrent clock moves apply each action once."""
    clock = Clock()
    clock.freeze(START)
    store = Store(clock=clock)
    heard: list[lifecycle.LifecycleAction] = []
    store.on_lifecycle = heard.extend
    store.create_bucket(BUCKET)
    config = lifecycle.build(
        [
            {"ID": "a", "Filter": {"Prefix": "up/"}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": "1"}},
            {"ID": "e", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": "2"}},
        ]
    )  # fmt: skip
    store.put_bucket_lifecycle(BUCKET, config)
    doomed = store.create_multipart_upload(BUCKET, "up/x", ObjectMeta())
    kept = store.create_multipart_upload(BUCKET, "other/x", ObjectMeta())
    assert store.upload_abort_due(BUCKET, doomed.upload_id) == lifecycle.Due(
        dt.datetime(2030, 1, 17, tzinfo=UTC), "a"
    )
    assert store.upload_abort_due(BUCKET, kept.upload_id) is None
    threads = [threading.Thread(target=clock.advance, kwargs={"days": 1}) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert [(a.action, a.key, a.rule_id) for a in heard] == [(lifecycle.ABORT, "up/x", "a")]
    with pytest.raises(errors.NoSuchUpload):
        store.list_parts(BUCKET, "up/x", doomed.upload_id)
    assert [u.upload_id for u in store.uploads()] == [kept.upload_id]


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ({"Status": "Enabled", "Expiration": {"Days": "7"}}, errors.MalformedXML),  # no Filter
        ({"Filter": {}, "Status": "On", "Expiration": {"Days": "7"}}, errors.MalformedXML),
        ({"Filter": {}, "Prefix": "", "Status": "Enabled", "Expiration": {"Days": "7"}}, errors.MalformedXML),
        ({"Filter": {}, "Status": "Enabled", "Expiration": {"Days": "0"}}, errors.InvalidArgument),
        ({"Filter": {}, "Status": "Enabled", "Expiration": {"Days": "seven"}}, errors.MalformedXML),
        ({"Filter": {}, "Status": "Enabled", "Expiration": {}}, errors.MalformedXML),
        ({"Filter": {}, "Status": "Enabled"}, errors.InvalidRequest),  # no action
        ({"Filter": {}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {}}, errors.MalformedXML),
        (
            {"Filter": {}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": "-1"}},
            errors.InvalidArgument,
        ),
        (
            {"Filter": {"ObjectSizeGreaterThan": "5"}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": "1"}},
            errors.InvalidRequest,
        ),
        ({"ID": "x" * 256, "Filter": {}, "Status": "Enabled", "Expiration": {"Days": "1"}},
         errors.InvalidArgument),
    ],
)  # fmt: skip
def test_build_refuses_what_s3_refuses(spec, error):
    """Each rule S3 refuses is refused with its error class; nothing is built."""
    with pytest.raises(error):
        lifecycle.build([spec])


def test_duplicate_rule_ids_and_no_rules_are_refused():
    rule = {"ID": "same", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": "1"}}
    with pytest.raises(errors.InvalidArgument, match="Rule ID must be unique"):
        lifecycle.build([rule, rule])
    with pytest.raises(errors.MalformedXML):
        lifecycle.build([])


# -- through the real server -------------------------------------------------------------------------------


def test_get_put_delete_round_trip(s3mpu, client):
    """NoSuchLifecycleConfiguration (404, BucketName) before any is put and after DELETE (204); GET gives
    the rules as put, filters in the form given, and TransitionDefaultMinimumObjectSize
    all_storage_classes_128K [LS-AWS: test_delete_bucket_lifecycle_configuration, recorded 2026-02-21]."""
    absent = error_of(client.get_bucket_lifecycle_configuration, Bucket=BUCKET)
    assert absent == {
        "Code": "NoSuchLifecycleConfiguration",
        "Message": "The lifecycle configuration does not exist",
        "BucketName": BUCKET,
        "status": 404,
    }
    given = rules(
        {"Expiration": {"Days": 7}, "Filter": {"Prefix": ""}, "ID": "wholebucket", "Status": "Enabled"},
        ABORT_RULE,
        {"ID": "tagged", "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}]}},
         "Status": "Disabled", "Expiration": {"Date": dt.datetime(2031, 1, 1, tzinfo=UTC)}},
    )  # fmt: skip
    put = client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=given)
    assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = client.get_bucket_lifecycle_configuration(Bucket=BUCKET)
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    assert got["Rules"] == given["Rules"]
    deleted = client.delete_bucket_lifecycle(Bucket=BUCKET)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert error_of(client.get_bucket_lifecycle_configuration, Bucket=BUCKET)["status"] == 404
    assert client.delete_bucket_lifecycle(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("missing-id", {"Expiration": {"Days": 7}, "Status": "Enabled"}, ("MalformedXML", MALFORMED)),
        ("missing-filter", {"Expiration": {"Days": 7}, "ID": "wholebucket", "Status": "Enabled"},
         ("MalformedXML", MALFORMED)),
        ("missing-noncurrent-version-expiration-data",
         {"Expiration": {"Days": 7}, "Filter": {}, "ID": "wholebucket", "Status": "Enabled",
          "NoncurrentVersionExpiration": {}}, ("MalformedXML", MALFORMED)),
        ("wrong-filter-and-plus-prefix",
         {"Expiration": {"Days": 7}, "Filter": {"And": {"Prefix": "test"}, "Prefix": ""}, "ID": "wholebucket",
          "Status": "Enabled"}, ("MalformedXML", MALFORMED)),
        ("wrong-filter-and-and-object-size",
         {"Expiration": {"Days": 7}, "Filter": {"ObjectSizeGreaterThan": 500, "Prefix": ""},
          "ID": "wholebucket", "Status": "Enabled"}, ("MalformedXML", MALFORMED)),
        ("duplicate-tag-keys",
         {"ID": "duplicate-tag-keys",
          "Filter": {"And": {"Tags": [{"Key": "testlifecycle", "Value": "positive"},
                                      {"Key": "testlifecycle", "Value": "positive-two"}]}},
          "Status": "Enabled", "Expiration": {"Days": 1}},
         ("InvalidRequest", "Duplicate Tag Keys are not allowed.")),
        ("expired-delete-marker-and-days",
         {"ID": "expired-delete-marker-and-days", "Filter": {}, "Status": "Enabled",
          "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}}, ("MalformedXML", MALFORMED)),
    ],
)  # fmt: skip
def test_put_refuses_as_recorded(s3mpu, client, name, given, expected):
    """Each refused configuration of [LS-AWS: test_put_bucket_lifecycle_conf_exc, recorded 2026-02-21],
    sent as the recording's test sent it: the recorded code and message; nothing is stored."""
    refused = error_of(
        client.put_bucket_lifecycle_configuration, Bucket=BUCKET, LifecycleConfiguration=rules(given)
    )
    assert (refused["Code"], refused["Message"], refused["status"]) == (*expected, 400)
    assert error_of(client.get_bucket_lifecycle_configuration, Bucket=BUCKET)["status"] == 404


def test_date_not_at_midnight_names_the_date(s3mpu, client):
    """[LS-AWS: test_put_bucket_lifecycle_conf_exc "wrong-data-no-midnight", recorded 2026-02-21]:
    InvalidArgument, "'Date' must be at midnight GMT", ArgumentName Date, the value as sent."""
    given = {"Expiration": {"Date": dt.datetime(2023, 1, 1, 2, 2)}, "ID": "wrong-data", "Filter": {},
             "Status": "Enabled"}  # fmt: skip
    refused = error_of(
        client.put_bucket_lifecycle_configuration, Bucket=BUCKET, LifecycleConfiguration=rules(given)
    )
    assert refused == {
        "Code": "InvalidArgument",
        "Message": "'Date' must be at midnight GMT",
        "ArgumentName": "Date",
        "ArgumentValue": "2023-01-01T02:02:00Z",
        "status": 400,
    }


def test_abort_date_on_create_upload_part_and_list_parts(s3mpu, client):
    """With a rule aborting uploads under uploads/ after 3 days, CreateMultipartUpload, UploadPart and
    ListParts carry x-amz-abort-date (the next midnight UTC after initiation + 3 days) and
    x-amz-abort-rule-id; an upload the rule does not cover carries neither."""
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(ABORT_RULE))
    due = dt.datetime(2030, 1, 19, tzinfo=UTC)
    created = client.create_multipart_upload(Bucket=BUCKET, Key="uploads/a")
    upload_id = created["UploadId"]
    assert (created["AbortDate"], created["AbortRuleId"]) == (due, "abort-3-days")
    part = client.upload_part(Bucket=BUCKET, Key="uploads/a", UploadId=upload_id, PartNumber=1, Body=b"x")
    headers = part["ResponseMetadata"]["HTTPHeaders"]
    assert (headers["x-amz-abort-date"], headers["x-amz-abort-rule-id"]) == (
        "Sat, 19 Jan 2030 00:00:00 GMT",
        "abort-3-days",
    )
    listed = client.list_parts(Bucket=BUCKET, Key="uploads/a", UploadId=upload_id)
    assert (listed["AbortDate"], listed["AbortRuleId"]) == (due, "abort-3-days")
    other = client.create_multipart_upload(Bucket=BUCKET, Key="elsewhere/a")
    assert "AbortDate" not in other and "AbortRuleId" not in other
    client.abort_multipart_upload(Bucket=BUCKET, Key="elsewhere/a", UploadId=other["UploadId"])
    client.abort_multipart_upload(Bucket=BUCKET, Key="uploads/a", UploadId=upload_id)


def test_moving_the_clock_past_the_abort_date_aborts_the_upload(s3mpu, client):
    """Just before the abort date the upload is still there; moving the clock past it aborts it at once:
    ListParts, UploadPart and Complete answer NoSuchUpload, ListMultipartUploads no longer shows it, and
    the journal records the lifecycle abort with its rule between the requests."""
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(ABORT_RULE))
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="uploads/a")["UploadId"]
    etag = client.upload_part(Bucket=BUCKET, Key="uploads/a", UploadId=upload_id, PartNumber=1, Body=b"x")[
        "ETag"
    ]
    s3mpu.clock.set(dt.datetime(2030, 1, 18, 23, 59, 59, tzinfo=UTC))
    assert client.list_parts(Bucket=BUCKET, Key="uploads/a", UploadId=upload_id)["Parts"][0]["ETag"] == etag
    s3mpu.clock.advance(seconds=1)
    for call, extra in (
        (client.list_parts, {}),
        (client.upload_part, {"PartNumber": 2, "Body": b"y"}),
        (client.complete_multipart_upload, {"MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": etag}]}}),
    ):
        assert (
            error_of(call, Bucket=BUCKET, Key="uploads/a", UploadId=upload_id, **extra)["Code"]
            == "NoSuchUpload"
        )
    assert client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    (action,) = s3mpu.journal.requests("Lifecycle:AbortIncompleteMultipartUpload")
    assert (action.key, action.upload_id, action.lifecycle) == (
        "uploads/a",
        upload_id,
        "AbortIncompleteMultipartUpload rule=abort-3-days",
    )
    assert s3mpu.incomplete_uploads() == []


def test_control_clock_moves_apply_lifecycle(s3mpu, client):
    """POST /_s3mpu/clock (what a non-Python suite moves) applies the abort as s3mpu.clock does."""
    import json
    from urllib.request import Request, urlopen

    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(ABORT_RULE))
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="uploads/b")["UploadId"]
    body = json.dumps({"advance_s": 4 * 86400, "frozen": True}).encode()
    with urlopen(
        Request(f"{s3mpu.endpoint_url}/_s3mpu/clock", data=body, method="POST"), timeout=10
    ) as answer:
        assert answer.status == 200
    assert (
        error_of(client.list_parts, Bucket=BUCKET, Key="uploads/b", UploadId=upload_id)["Code"]
        == "NoSuchUpload"
    )


def test_expiration_deletes_matching_objects_when_the_clock_passes(s3mpu, client):
    """Expiration Days=1 for logs/ objects tagged keep=no: at the next midnight after a day they are
    deleted at once; an untagged object and one under another prefix stay. Each expiry is journaled."""
    tags = [{"Key": "keep", "Value": "no"}]
    given = {"ID": "expire-logs", "Filter": {"And": {"Prefix": "logs/", "Tags": tags}}, "Status": "Enabled",
             "Expiration": {"Days": 1}}  # fmt: skip
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    client.put_object(Bucket=BUCKET, Key="logs/old", Body=b"1", Tagging="keep=no")
    client.put_object(Bucket=BUCKET, Key="logs/kept", Body=b"1")
    client.put_object(Bucket=BUCKET, Key="data/old", Body=b"1", Tagging="keep=no")
    s3mpu.clock.set(dt.datetime(2030, 1, 16, 23, 59, 59, tzinfo=UTC))
    assert len(client.list_objects_v2(Bucket=BUCKET)["Contents"]) == 3
    s3mpu.clock.set(dt.datetime(2030, 1, 17, tzinfo=UTC))
    assert [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["data/old", "logs/kept"]
    assert error_of(client.get_object, Bucket=BUCKET, Key="logs/old")["Code"] == "NoSuchKey"
    (action,) = s3mpu.journal.requests("Lifecycle:Expiration")
    assert (action.key, action.lifecycle) == ("logs/old", "Expiration rule=expire-logs")


def test_expiration_in_a_versioned_bucket_adds_a_delete_marker(s3mpu, client):
    """In a versioned bucket, expiring the current version adds a delete marker and keeps the version
    (as S3's Expiration does for current versions; user guide "Expiring objects")."""
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    version = client.put_object(Bucket=BUCKET, Key="k", Body=b"v1")["VersionId"]
    given = {"ID": "expire", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    s3mpu.clock.advance(days=2)
    versions = client.list_object_versions(Bucket=BUCKET)
    assert [v["VersionId"] for v in versions["Versions"]] == [version]
    (marker,) = versions["DeleteMarkers"]
    assert marker["IsLatest"] is True
    assert client.get_object(Bucket=BUCKET, Key="k", VersionId=version)["Body"].read() == b"v1"
    (action,) = s3mpu.journal.requests("Lifecycle:Expiration")
    assert action.lifecycle == f"Expiration rule=expire delete-marker={marker['VersionId']}"
    assert s3mpu.journal.failed() == []  # a lifecycle entry has no status, yet nothing failed
    assert "Lifecycle:Expiration" in s3mpu.journal.table() and " lifecycle " in s3mpu.journal.table()


def test_put_applies_what_is_already_due_and_disabled_rules_do_nothing(s3mpu, client):
    """A configuration put after the date has passed applies at once; a Disabled rule never acts."""
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="uploads/late")["UploadId"]
    s3mpu.clock.advance(days=10)
    disabled = {**ABORT_RULE, "Status": "Disabled"}
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(disabled))
    assert client.list_parts(Bucket=BUCKET, Key="uploads/late", UploadId=upload_id)["UploadId"] == upload_id
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(ABORT_RULE))
    assert error_of(client.list_parts, Bucket=BUCKET, Key="uploads/late", UploadId=upload_id)["Code"] == (
        "NoSuchUpload"
    )


def test_a_flowing_clock_crossing_the_date_is_applied_on_the_next_request():
    """The clock flows past the abort date by itself (no move): the next request's ``lifecycle_tick``
    applies the same action a clock move would, once; a store without lifecycle rules does no work."""
    wall = [START.timestamp()]
    store = Store(clock=Clock(wall=lambda: wall[0]))
    heard: list[lifecycle.LifecycleAction] = []
    store.on_lifecycle = heard.extend
    store.create_bucket(BUCKET)
    upload = store.create_multipart_upload(BUCKET, "up/x", ObjectMeta())
    store.lifecycle_tick()  # no configuration: nothing to do
    rule = {"ID": "a", "Filter": {"Prefix": "up/"}, "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": "1"}}  # fmt: skip
    store.put_bucket_lifecycle(BUCKET, lifecycle.build([rule]))
    wall[0] = dt.datetime(2030, 1, 16, 23, 59, 59, tzinfo=UTC).timestamp()
    store.lifecycle_tick()
    assert [u.upload_id for u in store.uploads()] == [upload.upload_id]
    wall[0] += 1
    store.lifecycle_tick()
    store.lifecycle_tick()
    assert store.uploads() == []
    assert [(a.action, a.upload_id) for a in heard] == [(lifecycle.ABORT, upload.upload_id)]


# -- x-amz-expiration: which objects a rule expires, and when ----------------------------------------------

SEVEN_DAYS = 'expiry-date="Wed, 23 Jan 2030 00:00:00 GMT"'  # START (2030-01-15 10:30) + 7 days, next midnight


def expiry_rule(rule_id: str, rule_filter: dict, days: int = 7) -> dict:
    return {"ID": rule_id, "Filter": rule_filter, "Status": "Enabled", "Expiration": {"Days": days}}


def test_expiration_on_put_head_and_get_is_the_date_the_object_expires(s3mpu, client):
    """An object a rule covers gets x-amz-expiration (boto3: Expiration) on PutObject, HeadObject and
    GetObject: ``expiry-date="<creation + Days, rounded up to midnight UTC>", rule-id="<ID>"``
    [LS-AWS: test_bucket_lifecycle_configuration_object_expiry, recorded 2026-02-21; AWS API reference
    HeadObject "x-amz-expiration"]. The date is the one the test clock's expiry action deletes it at."""
    given = expiry_rule("rule_number_one", {"Prefix": ""})
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    expected = f'{SEVEN_DAYS}, rule-id="rule_number_one"'
    assert client.put_object(Bucket=BUCKET, Key="test-object-expiry", Body=b"test")["Expiration"] == expected
    assert client.head_object(Bucket=BUCKET, Key="test-object-expiry")["Expiration"] == expected
    got = client.get_object(Bucket=BUCKET, Key="test-object-expiry")
    assert (got["Expiration"], got["Body"].read()) == (expected, b"test")
    s3mpu.clock.set(dt.datetime(2030, 1, 22, 23, 59, 59, tzinfo=UTC))
    assert client.head_object(Bucket=BUCKET, Key="test-object-expiry")["Expiration"] == expected
    s3mpu.clock.set(dt.datetime(2030, 1, 23, tzinfo=UTC))
    assert error_of(client.head_object, Bucket=BUCKET, Key="test-object-expiry")["status"] == 404


def test_expiration_of_objects_written_before_the_configuration(s3mpu, client):
    """PutObject before any configuration has no Expiration; once a rule is put, HeadObject of that
    object shows it (dated from the object's creation), and so does the next PutObject
    [LS-AWS: test_object_expiry_after_bucket_lifecycle_configuration, recorded 2026-02-21]."""
    assert "Expiration" not in client.put_object(Bucket=BUCKET, Key="test-object-expiry", Body=b"test")
    given = expiry_rule("rule3", {})
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    expected = f'{SEVEN_DAYS}, rule-id="rule3"'
    assert client.head_object(Bucket=BUCKET, Key="test-object-expiry")["Expiration"] == expected
    s3mpu.clock.advance(days=1)
    later = 'expiry-date="Thu, 24 Jan 2030 00:00:00 GMT", rule-id="rule3"'
    assert client.put_object(Bucket=BUCKET, Key="test-object-expiry", Body=b"test")["Expiration"] == later
    assert client.head_object(Bucket=BUCKET, Key="test-object-expiry")["Expiration"] == later


def test_of_several_matching_rules_the_first_or_the_shorter_one_names_the_expiration(s3mpu, client):
    """Rules with prefixes testobject, test and t, all 7 days: testobject-expiry is named by rule_one,
    test-one-rule by rule_two, no-rules by none [LS-AWS: test_bucket_lifecycle_multiple_rules, recorded
    2026-02-21]. A rule that expires sooner wins over an earlier one (AWS user guide "How Amazon S3
    handles conflicts in lifecycle configurations": the shorter expiration is honoured)."""
    given = rules(
        expiry_rule("rule_one", {"Prefix": "testobject"}),
        expiry_rule("rule_two", {"Prefix": "test"}),
        expiry_rule("rule_three", {"Prefix": "t"}),
        expiry_rule("rule_sooner", {"Prefix": "testobject-soon"}, days=1),
    )
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=given)
    put = client.put_object(Bucket=BUCKET, Key="testobject-expiry", Body=b"test")
    assert put["Expiration"] == f'{SEVEN_DAYS}, rule-id="rule_one"'
    put = client.put_object(Bucket=BUCKET, Key="test-one-rule", Body=b"test")
    assert put["Expiration"] == f'{SEVEN_DAYS}, rule-id="rule_two"'
    assert "Expiration" not in client.put_object(Bucket=BUCKET, Key="no-rules", Body=b"test")
    put = client.put_object(Bucket=BUCKET, Key="testobject-soon", Body=b"test")
    assert put["Expiration"] == 'expiry-date="Thu, 17 Jan 2030 00:00:00 GMT", rule-id="rule_sooner"'


def test_object_size_rules_choose_by_the_object_size(s3mpu, client):
    """ObjectSizeGreaterThan 20 and ObjectSizeLessThan 10: 22 bytes match rule_one, 5 bytes rule_two,
    15 bytes neither [LS-AWS: test_bucket_lifecycle_object_size_rules, recorded 2026-02-21]."""
    given = rules(
        expiry_rule("rule_one", {"ObjectSizeGreaterThan": 20}),
        expiry_rule("rule_two", {"ObjectSizeLessThan": 10}),
    )
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=given)
    put = client.put_object(Bucket=BUCKET, Key="testobject-expiry", Body=b"a" * 22)
    assert put["Expiration"] == f'{SEVEN_DAYS}, rule-id="rule_one"'
    put = client.put_object(Bucket=BUCKET, Key="test-one-rule", Body=b"a" * 5)
    assert put["Expiration"] == f'{SEVEN_DAYS}, rule-id="rule_two"'
    assert "Expiration" not in client.put_object(Bucket=BUCKET, Key="no-rules", Body=b"a" * 15)


def test_tag_rules_follow_the_object_tags(s3mpu, client):
    """Tag testlifecycle=positive (rule_one) and And of two tags (rule_two): PutObject with both tags and
    with the first one is named by rule_one, on PutObject and GetObject; other tags or none, no
    Expiration [LS-AWS: test_bucket_lifecycle_tag_rules, recorded 2026-02-21]. The tags are the object's
    current ones: tagging it later (PutObjectTagging) brings it under the rule, removing them takes it
    out again, as they do for the expiry action itself."""
    given = rules(
        expiry_rule("rule_one", {"Tag": {"Key": "testlifecycle", "Value": "positive"}}),
        expiry_rule("rule_two", {"And": {"Tags": [{"Key": "testlifecycle", "Value": "positive"},
                                                  {"Key": "testlifecycletwo", "Value": "positive-two"}]}}),
    )  # fmt: skip
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=given)
    expected = f'{SEVEN_DAYS}, rule-id="rule_one"'
    for key, tags, count in (
        ("testobject-expiry", "testlifecycle=positive&testlifecycletwo=positivetwo", 2),
        ("test-one-rule", "testlifecycle=positive", 1),
    ):
        assert client.put_object(Bucket=BUCKET, Key=key, Body=b"test", Tagging=tags)["Expiration"] == expected
        got = client.get_object(Bucket=BUCKET, Key=key)
        assert (got["Expiration"], got["TagCount"]) == (expected, count)
    put = client.put_object(Bucket=BUCKET, Key="no-rules", Body=b"test", Tagging="testlifecycle2=positivetwo")
    assert "Expiration" not in put
    assert "Expiration" not in client.get_object(Bucket=BUCKET, Key="no-rules")
    assert "Expiration" not in client.put_object(Bucket=BUCKET, Key="no-tags", Body=b"test")
    assert "Expiration" not in client.get_object(Bucket=BUCKET, Key="no-tags")
    tagging = {"TagSet": [{"Key": "testlifecycle", "Value": "positive"}]}
    client.put_object_tagging(Bucket=BUCKET, Key="no-tags", Tagging=tagging)
    assert client.head_object(Bucket=BUCKET, Key="no-tags")["Expiration"] == expected
    client.delete_object_tagging(Bucket=BUCKET, Key="no-tags")
    assert "Expiration" not in client.head_object(Bucket=BUCKET, Key="no-tags")


def test_versioned_reads_naming_a_version_have_no_expiration(s3mpu, client):
    """Versioned bucket, Expiration Days=3 and NoncurrentVersionExpiration NoncurrentDays=1: HeadObject
    without a version shows the current version's expiration; HeadObject naming the noncurrent version,
    or the current one by its id, shows none [LS-AWS: test_bucket_lifecycle_configuration_object_expiry_
    versioned, recorded 2026-02-21: head-object-expiry-noncurrent, -current-with-version-id,
    -current-without-version-id]."""
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    given = {"ID": "rule2", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 3},
             "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}  # fmt: skip
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    expected = 'expiry-date="Sat, 19 Jan 2030 00:00:00 GMT", rule-id="rule2"'
    first = client.put_object(Bucket=BUCKET, Key="test-object-expiry", Body=b"test")
    assert first["Expiration"] == expected
    assert client.head_object(Bucket=BUCKET, Key="test-object-expiry")["Expiration"] == expected
    second = client.put_object(Bucket=BUCKET, Key="test-object-expiry", Body=b"test")["VersionId"]
    for version in (first["VersionId"], second):
        named = client.head_object(Bucket=BUCKET, Key="test-object-expiry", VersionId=version)
        assert named["VersionId"] == version and "Expiration" not in named
        assert "Expiration" not in client.get_object(
            Bucket=BUCKET, Key="test-object-expiry", VersionId=version
        )
    current = client.head_object(Bucket=BUCKET, Key="test-object-expiry")
    assert (current["VersionId"], current["Expiration"]) == (second, expected)


def test_expired_object_delete_marker_and_disabled_rules_give_no_expiration(s3mpu, client):
    """A rule whose only action is ExpiredObjectDeleteMarker expires no object: PutObject and HeadObject
    have no Expiration [LS-AWS: test_lifecycle_expired_object_delete_marker, recorded 2026-02-21]; nor
    does a Disabled rule (AWS user guide: a disabled rule takes no action), while an enabled Days rule
    beside them does."""
    given = rules(
        {
            "Expiration": {"ExpiredObjectDeleteMarker": True},
            "ID": "rule-marker",
            "Filter": {},
            "Status": "Enabled",
        },
        {**expiry_rule("rule-off", {"Prefix": "off/"}), "Status": "Disabled"},
        expiry_rule("rule-on", {"Prefix": "on/"}),
    )
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=given)
    for key in ("test-expired-object-delete-marker", "off/x"):
        assert "Expiration" not in client.put_object(Bucket=BUCKET, Key=key, Body=b"test")
        assert "Expiration" not in client.head_object(Bucket=BUCKET, Key=key)
    put = client.put_object(Bucket=BUCKET, Key="on/x", Body=b"test")
    assert put["Expiration"] == f'{SEVEN_DAYS}, rule-id="rule-on"'


def test_date_rule_and_url_encoded_rule_id(s3mpu, client):
    """With a Date rule the expiry-date is that date; the rule-id is URL-encoded (AWS API reference
    PutObject "x-amz-expiration": "The value of the rule-id is URL-encoded")."""
    given = {"ID": "logs rule/1", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
             "Expiration": {"Date": dt.datetime(2031, 1, 1, tzinfo=UTC)}}  # fmt: skip
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    put = client.put_object(Bucket=BUCKET, Key="logs/a", Body=b"x")
    assert put["Expiration"] == 'expiry-date="Wed, 01 Jan 2031 00:00:00 GMT", rule-id="logs%20rule%2F1"'


def test_copy_and_complete_multipart_upload_carry_the_expiration(s3mpu, client):
    """CopyObject and CompleteMultipartUpload answer x-amz-expiration for the object they write, dated
    from its creation (AWS API reference CopyObject and CompleteMultipartUpload, "x-amz-expiration");
    a copy to a key no rule covers has none."""
    given = expiry_rule("expire-logs", {"Prefix": "logs/"})
    client.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=rules(given))
    client.put_object(Bucket=BUCKET, Key="data/source", Body=b"x")
    s3mpu.clock.advance(days=1)
    expected = 'expiry-date="Thu, 24 Jan 2030 00:00:00 GMT", rule-id="expire-logs"'
    source = {"Bucket": BUCKET, "Key": "data/source"}
    assert client.copy_object(Bucket=BUCKET, Key="logs/copy", CopySource=source)["Expiration"] == expected
    assert "Expiration" not in client.copy_object(Bucket=BUCKET, Key="data/copy", CopySource=source)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="logs/big")["UploadId"]
    etag = client.upload_part(Bucket=BUCKET, Key="logs/big", UploadId=upload_id, PartNumber=1, Body=b"y")[
        "ETag"
    ]
    completed = client.complete_multipart_upload(
        Bucket=BUCKET, Key="logs/big", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )  # fmt: skip
    assert completed["Expiration"] == expected
    assert client.head_object(Bucket=BUCKET, Key="logs/big")["Expiration"] == expected


def test_transition_default_minimum_object_size_values(s3mpu, client):
    """PutBucketLifecycleConfiguration answers the TransitionDefaultMinimumObjectSize it stored, and GET
    gives it back (default all_storage_classes_128K); another value is InvalidRequest "Invalid
    TransitionDefaultMinimumObjectSize found: <value>" and keeps the configuration
    [LS-AWS: test_s3_transition_default_minimum_object_size, recorded 2026-02-21]."""
    given = rules(
        {"Expiration": {"Days": 7}, "ID": "wholebucket", "Filter": {"Prefix": ""}, "Status": "Enabled"}
    )
    put = client.put_bucket_lifecycle_configuration(
        Bucket=BUCKET,
        LifecycleConfiguration=given,
        TransitionDefaultMinimumObjectSize="varies_by_storage_class",
    )
    assert put["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    refused = error_of(
        client.put_bucket_lifecycle_configuration,
        Bucket=BUCKET,
        LifecycleConfiguration=given,
        TransitionDefaultMinimumObjectSize="value",
    )
    assert refused == {
        "Code": "InvalidRequest",
        "Message": "Invalid TransitionDefaultMinimumObjectSize found: value",
        "status": 400,
    }
    got = client.get_bucket_lifecycle_configuration(Bucket=BUCKET)
    assert (got["Rules"], got["TransitionDefaultMinimumObjectSize"]) == (
        given["Rules"],
        "varies_by_storage_class",
    )
