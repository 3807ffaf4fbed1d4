"""The account_id setting: the AWS account the double serves, through the real server with boto3.

It is the owner ExpectedBucketOwner must name and the account KMS key ARNs carry. Suites moving from
LocalStack send its account, ``000000000000``; moto's and AWS's examples use ``123456789012``, the default.

Recordings: LocalStack tests/aws/services/s3/test_s3.py ("LS-AWS", validated against AWS 2026-02-21), whose
``account_id`` fixture is the recording account's id.
"""

from __future__ import annotations

import http.client
import json
import textwrap
from typing import Any

import pytest
from s3_assertions import expect_error

from pytest_s3mpu import settings
from pytest_s3mpu.state.config import StoreConfig

LOCALSTACK = "000000000000"
DEFAULT = "123456789012"
BUCKET = "owned"


def policy() -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"}
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{**statement, "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}
    )


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.delete_public_access_block(Bucket=BUCKET)
    s3mpu_client.put_bucket_policy(Bucket=BUCKET, Policy=policy())
    s3mpu_client.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    return s3mpu_client


def test_default_account_refuses_localstacks(s3mpu, s3):
    """[LS-AWS: test_get_bucket_policy, recorded 2026-02-21] another account than the bucket owner's is
    403 AccessDenied "Access Denied": by default the owner is 123456789012, so LocalStack's account is
    another one."""
    assert s3mpu.account_id == DEFAULT
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=DEFAULT)["Policy"])
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=LOCALSTACK),
        403,
        "AccessDenied",
        "Access Denied",
    )


@pytest.mark.s3mpu(account_id=LOCALSTACK)
def test_marker_account_is_the_bucket_owner(s3mpu, s3):
    """[LS-AWS: test_get_bucket_policy, recorded 2026-02-21] with account_id=000000000000 the owner's
    account (the recording's ``account_id``) answers the policy, on a copy the source bucket's too, and the
    default account is now another one: 403 AccessDenied."""
    assert s3mpu.account_id == LOCALSTACK
    got = s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=LOCALSTACK)
    assert json.loads(got["Policy"]) == json.loads(policy())
    assert s3.get_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=LOCALSTACK)["Body"].read() == b"data"
    source = {"Bucket": BUCKET, "Key": "k"}
    s3.copy_object(
        Bucket=BUCKET,
        Key="copy",
        CopySource=source,
        ExpectedBucketOwner=LOCALSTACK,
        ExpectedSourceBucketOwner=LOCALSTACK,
    )
    for call in (
        lambda: s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=DEFAULT),
        lambda: s3.copy_object(
            Bucket=BUCKET, Key="copy2", CopySource=source, ExpectedSourceBucketOwner=DEFAULT
        ),
    ):
        expect_error(call, 403, "AccessDenied", "Access Denied")
    assert "copy2" not in {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}


@pytest.mark.s3mpu(account_id=LOCALSTACK)
def test_kms_key_arns_carry_the_configured_account(s3mpu, s3mpu_client):
    """[LS-AWS: test_s3_sse_default_kms_key, recorded 2026-02-21] an aws:kms object without a key
    reports the account's AWS-managed key as ``arn:aws:kms:REGION:ACCOUNT:key/ID``; a key id becomes
    its ARN in the same account, as does a bucket's KMS default key."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    managed = s3mpu_client.put_object(Bucket=BUCKET, Key="managed", Body=b"x", ServerSideEncryption="aws:kms")
    assert managed["SSEKMSKeyId"].startswith(f"arn:aws:kms:us-east-1:{LOCALSTACK}:key/")
    head = s3mpu_client.head_object(Bucket=BUCKET, Key="managed")
    assert head["SSEKMSKeyId"] == managed["SSEKMSKeyId"]
    named = s3mpu_client.put_object(
        Bucket=BUCKET, Key="named", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId="my-key"
    )
    assert named["SSEKMSKeyId"] == f"arn:aws:kms:us-east-1:{LOCALSTACK}:key/my-key"
    s3mpu_client.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "dflt"}}
            ]
        },
    )
    by_default = s3mpu_client.put_object(Bucket=BUCKET, Key="default", Body=b"x")
    assert by_default["SSEKMSKeyId"] == f"arn:aws:kms:us-east-1:{LOCALSTACK}:key/dflt"


def test_kms_key_arn_default_account(s3mpu, s3mpu_client):
    """[LS-AWS: test_s3_sse_default_kms_key, recorded 2026-02-21] without the setting the managed key's
    ARN names the default account, 123456789012."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    managed = s3mpu_client.put_object(Bucket=BUCKET, Key="m", Body=b"x", ServerSideEncryption="aws:kms")
    assert managed["SSEKMSKeyId"].startswith(f"arn:aws:kms:us-east-1:{DEFAULT}:key/")


# -- the setting's sources and checks ----------------------------------------------------------------------


@pytest.mark.parametrize("source", ["cli", "env", "ini"])
def test_account_id_setting_from_each_source(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """account_id from the option, environment or ini is the bucket owner ExpectedBucketOwner names
    (README "Settings"); the marker overrides it per test."""
    monkeypatch.delenv("PYTEST_S3MPU_ACCOUNT_ID", raising=False)
    args: list[str] = []
    if source == "cli":
        args.append(f"--s3mpu-account-id={LOCALSTACK}")
    elif source == "env":
        monkeypatch.setenv("PYTEST_S3MPU_ACCOUNT_ID", LOCALSTACK)
    else:
        pytester.makeini(f"[pytest]\ns3mpu_account_id = {LOCALSTACK}\n")
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest
            from botocore.exceptions import ClientError

            def owner_answers(client, account):
                try:
                    client.head_bucket(Bucket="bucket", ExpectedBucketOwner=account)
                except ClientError as exc:
                    return exc.response["ResponseMetadata"]["HTTPStatusCode"]
                return 200

            def test_setting(s3mpu, s3mpu_client):
                s3mpu_client.create_bucket(Bucket="bucket")
                assert s3mpu.account_id == "000000000000"
                assert owner_answers(s3mpu_client, "000000000000") == 200
                assert owner_answers(s3mpu_client, "123456789012") == 403

            @pytest.mark.s3mpu(account_id="111122223333")
            def test_marker(s3mpu, s3mpu_client):
                s3mpu_client.create_bucket(Bucket="bucket")
                assert owner_answers(s3mpu_client, "111122223333") == 200
                assert owner_answers(s3mpu_client, "000000000000") == 403
            """
        )
    )
    pytester.runpytest(*args).assert_outcomes(passed=2)


@pytest.mark.parametrize("value", ["0000", "0000000000020", "abcd", "aa000000000$", "\uff11" * 12])
def test_bad_account_id_option_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    """A value that is no twelve-digit account ID stops the run before any test: a usage error naming
    the setting, its source and what is accepted."""
    pytester.makepyfile("def test_nothing(s3mpu):\n    pass\n")
    bad = pytester.runpytest("-q", f"--s3mpu-account-id={value}")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(
        [f"ERROR: invalid account_id {value!r} from option --s3mpu-account-id: *twelve digits*"]
    )


def test_bad_account_id_marker_is_refused(pytester: pytest.Pytester) -> None:
    """A bad account_id in the marker fails that test, naming the marker; the other test runs."""
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.s3mpu(account_id="12345")
            def test_bad(s3mpu):
                pass

            def test_good(s3mpu):
                assert s3mpu.account_id == "123456789012"
            """
        )
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*invalid account_id '12345' from the s3mpu marker: *twelve digits*"])


def test_store_config_refuses_a_bad_account_id() -> None:
    """The store's configuration holds only twelve-digit account IDs, whoever builds it."""
    assert StoreConfig().account_id == DEFAULT == settings.ACCOUNT_ID.default
    assert StoreConfig().with_settings(account_id=LOCALSTACK).account_id == LOCALSTACK
    for bad in ("", "12345678901", "1234567890123", "12345678901x"):
        with pytest.raises(ValueError, match="account_id must be twelve digits"):
            StoreConfig(account_id=bad)


# -- the control API (suites in other languages) ----------------------------------------------------------


def control(s3mpu: Any, method: str, body: Any = None) -> tuple[int, Any]:
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = b"" if body is None else json.dumps(body).encode()
        connection.request(method, "/_s3mpu/settings", body=payload)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_control_api_changes_the_account(s3mpu, s3):
    """POST /_s3mpu/settings {"account_id": ...} changes the owner for the next requests and reads back
    from GET; a bad value is 400 and changes nothing."""
    assert control(s3mpu, "GET")[1]["account_id"] == DEFAULT
    for bad in ("0000", 123456789012, None):
        status, answer = control(s3mpu, "POST", {"account_id": bad})
        assert status == 400 and "account_id" in answer["error"]
    assert control(s3mpu, "GET")[1]["account_id"] == DEFAULT
    status, now = control(s3mpu, "POST", {"account_id": LOCALSTACK})
    assert status == 200 and now["account_id"] == LOCALSTACK
    assert (
        s3.head_bucket(Bucket=BUCKET, ExpectedBucketOwner=LOCALSTACK)["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=BUCKET, ExpectedBucketOwner=DEFAULT),
        403,
        "AccessDenied",
        "Access Denied",
    )
