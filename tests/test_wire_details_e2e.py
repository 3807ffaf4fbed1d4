"""Response details S3 sends that the server computes once and reuses, seen by boto3 through the real
server: the Date header on every answer, and each part's own LastModified in ListParts
(S3_MULTIPART_SPEC.md §1, §7)."""

from __future__ import annotations

import datetime as dt
import re
import time
from email.utils import parsedate_to_datetime

from pytest_s3mpu.handle import S3MPU
from pytest_s3mpu.s3server import S3Server
from pytest_s3mpu.state.model import Limits
from pytest_s3mpu.state.store import Store

IMF_FIXDATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")


def test_every_answer_carries_the_current_date(s3mpu, s3mpu_client):
    """Spec §1: every response sends ``Date`` (an HTTP date, RFC 9110 §5.6.7: IMF-fixdate in GMT). It is
    formatted once a second, so it must still be the time of each answer: two answers more than a
    second apart carry different dates, each within a few seconds of the client's clock."""
    first = s3mpu_client.list_buckets()["ResponseMetadata"]["HTTPHeaders"]["date"]
    time.sleep(1.1)
    second = s3mpu_client.list_buckets()["ResponseMetadata"]["HTTPHeaders"]["date"]
    now = dt.datetime.now(dt.timezone.utc)
    for value in (first, second):
        assert IMF_FIXDATE.fullmatch(value), value
        assert abs((parsedate_to_datetime(value) - now).total_seconds()) < 5
    assert parsedate_to_datetime(second) > parsedate_to_datetime(first)


def test_list_parts_gives_each_part_its_own_last_modified():
    """Spec §7: each ``<Part>`` of ListParts has the LastModified of its own upload. Parts stored within
    the same second share one formatted time; parts stored at other times keep theirs, whatever their
    order on the page."""
    times = iter(
        [
            dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
            dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
            dt.datetime(2026, 1, 2, 3, 5, 6, tzinfo=dt.timezone.utc),
            dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        ]
    )
    moment = {"now": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}
    store = Store(limits=Limits(min_part_size=1), clock=lambda: moment["now"])
    with S3Server(store=store) as server:
        s3 = S3MPU(server).client(retries={"max_attempts": 1})
        s3.create_bucket(Bucket="stamps")
        upload_id = s3.create_multipart_upload(Bucket="stamps", Key="k")["UploadId"]
        expected = {}
        for number in (1, 2, 3, 4):
            moment["now"] = expected[number] = next(times)
            s3.upload_part(Bucket="stamps", Key="k", UploadId=upload_id, PartNumber=number, Body=b"x")
        listed = s3.list_parts(Bucket="stamps", Key="k", UploadId=upload_id)["Parts"]
        assert server.handler_errors == []
    assert {part["PartNumber"]: part["LastModified"] for part in listed} == expected
