"""Leaked multipart uploads (issue 18): an upload a test left neither completed nor aborted is reported at
the end of that test — key, upload id, parts and its journal lines — as a warning (``leaks=warn``, the
default), a failure of that test (``fail``) or not at all (``off``); the handle lists them, and so does
``GET /_s3mpu/uploads?state=incomplete`` for suites in other languages."""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

LEAKING_SUITE = """
    import pytest

    def test_leaks(s3mpu, s3mpu_client):
        s3mpu_client.create_bucket(Bucket="leak-bucket")
        upload = s3mpu_client.create_multipart_upload(Bucket="leak-bucket", Key="left/open")
        s3mpu_client.upload_part(
            Bucket="leak-bucket", Key="left/open", UploadId=upload["UploadId"], PartNumber=1, Body=b"x"
        )

    def test_tidy(s3mpu, s3mpu_client):
        s3mpu_client.create_bucket(Bucket="tidy-bucket")
        upload = s3mpu_client.create_multipart_upload(Bucket="tidy-bucket", Key="k")
        s3mpu_client.abort_multipart_upload(Bucket="tidy-bucket", Key="k", UploadId=upload["UploadId"])

    @pytest.mark.s3mpu(leaks="off")
    def test_leaks_on_purpose(s3mpu, s3mpu_client):
        s3mpu_client.create_bucket(Bucket="purpose-bucket")
        s3mpu_client.create_multipart_upload(Bucket="purpose-bucket", Key="k")
"""


def test_fail_mode_fails_the_test_that_leaked(pytester: pytest.Pytester) -> None:
    """``--s3mpu-leaks=fail``: the test that leaked fails (not the next one, not at teardown) with the key,
    the upload id, the parts and the journal lines of that upload; a tidy test and one marked
    ``leaks="off"`` pass."""
    pytester.makepyfile(LEAKING_SUITE)
    result = pytester.runpytest("-p", "no:randomly", "--s3mpu-leaks=fail")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*_ test_leaks _*", "1 multipart upload(s) left neither completed nor aborted:"]
    )
    out = result.stdout.str()
    assert "plugin.py" not in out  # the report, not the plugin's traceback
    assert "s3://leak-bucket/left/open upload " in out
    assert "1 part(s) [1], neither completed nor aborted" in out
    assert "CreateMultipartUpload -> 200" in out and "UploadPart part 1 -> 200" in out


def test_warn_mode_is_the_default_and_warns(pytester: pytest.Pytester) -> None:
    """Without any setting: every test passes, and the one that leaked gets a LeakedUploadWarning naming
    the upload in the warnings summary."""
    pytester.makepyfile(LEAKING_SUITE)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines(["*test_leaks*", "*LeakedUploadWarning: 1 multipart upload(s) left*"])
    assert "purpose-bucket" not in result.stdout.str()


def test_ini_and_env_choose_the_mode_and_a_bad_value_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setting comes from the one settings table: ini ``s3mpu_leaks``, env ``PYTEST_S3MPU_LEAKS``; a
    value other than off, warn, fail is refused naming its source."""
    pytester.makepyfile(LEAKING_SUITE)
    pytester.makeini("[pytest]\ns3mpu_leaks = fail\n")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2, failed=1)
    pytester.makeini("[pytest]\ns3mpu_leaks = off\n")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
    monkeypatch.setenv("PYTEST_S3MPU_LEAKS", "loud")
    refused = pytester.runpytest("-p", "no:randomly")
    refused.stderr.fnmatch_lines(["*invalid leaks 'loud' from environment variable PYTEST_S3MPU_LEAKS*"])


def test_a_failing_test_is_not_also_blamed_for_its_leak(pytester: pytest.Pytester) -> None:
    """A test that already failed keeps its own failure as the reason, not the leak."""
    pytester.makepyfile(
        """
        def test_fails(s3mpu, s3mpu_client):
            s3mpu_client.create_bucket(Bucket="leak-bucket")
            s3mpu_client.create_multipart_upload(Bucket="leak-bucket", Key="k")
            assert 1 == 2
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--s3mpu-leaks=fail")
    result.assert_outcomes(failed=1)
    assert "left neither completed nor aborted" not in result.stdout.str()


def test_handle_lists_and_asserts_incomplete_uploads(s3mpu, s3mpu_client):
    """``incomplete_uploads()`` gives each open upload with its parts and journal lines;
    ``assert_no_incomplete_uploads()`` fails naming them, and passes once they are completed or aborted."""
    s3mpu_client.create_bucket(Bucket="leak-bucket")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="leak-bucket", Key="k")["UploadId"]
    s3mpu_client.upload_part(Bucket="leak-bucket", Key="k", UploadId=upload_id, PartNumber=2, Body=b"x")
    (left,) = s3mpu.incomplete_uploads()
    assert (left.bucket, left.key, left.upload_id, left.parts) == ("leak-bucket", "k", upload_id, (2,))
    assert [e.operation for e in left.journal] == ["CreateMultipartUpload", "UploadPart"]
    with pytest.raises(AssertionError, match=f"s3://leak-bucket/k upload {upload_id}: 1 part"):
        s3mpu.assert_no_incomplete_uploads()
    s3mpu_client.abort_multipart_upload(Bucket="leak-bucket", Key="k", UploadId=upload_id)
    s3mpu.assert_no_incomplete_uploads()
    assert s3mpu.incomplete_uploads() == []


def test_control_endpoint_lists_incomplete_uploads(s3mpu, s3mpu_client):
    """GET /_s3mpu/uploads?state=incomplete (also the default) answers the same list as JSON; another
    state is 400."""
    s3mpu_client.create_bucket(Bucket="leak-bucket")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="leak-bucket", Key="k")["UploadId"]
    for query in ("?state=incomplete", ""):
        with urlopen(f"{s3mpu.endpoint_url}/_s3mpu/uploads{query}", timeout=10) as answer:
            (listed,) = json.loads(answer.read())
        assert (listed["bucket"], listed["key"], listed["upload_id"], listed["parts"]) == (
            "leak-bucket",
            "k",
            upload_id,
            [],
        )
        assert [line["operation"] for line in listed["journal"]] == ["CreateMultipartUpload"]
    with pytest.raises(HTTPError) as refused:
        urlopen(f"{s3mpu.endpoint_url}/_s3mpu/uploads?state=complete", timeout=10)
    assert refused.value.code == 400
    s3mpu_client.abort_multipart_upload(Bucket="leak-bucket", Key="k", UploadId=upload_id)
