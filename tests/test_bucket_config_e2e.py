"""Default encryption, accelerate and request payment through the real server with boto3
(docs/features/bucket-config.md).

Recordings: LocalStack tests/aws/services/s3/test_s3_api.py ("LS-AWS", validated against AWS 2026-02-21)
and test_s3.py ("LS-AWS s3", validated 2026-02-21).
"""

from __future__ import annotations

import pytest
from s3_assertions import expect_error

BUCKET = "configured"
MISSING = "no-such-bucket-here"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
NO_BUCKET = "The specified bucket does not exist"
KMS_KEY = "6a5ad1e3-4a5b-4e45-9e56-3c2fb5d2e5b1"

pytestmark = pytest.mark.s3mpu(min_part_size=1024)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


def sse_config(algorithm: str, key: str | None = None, bucket_key: bool | None = None) -> dict:
    default = {"SSEAlgorithm": algorithm, **({"KMSMasterKeyID": key} if key else {})}
    rule: dict = {"ApplyServerSideEncryptionByDefault": default}
    if bucket_key is not None:
        rule["BucketKeyEnabled"] = bucket_key
    return {"Rules": [rule]}


# -- default encryption ----------------------------------------------------------------------------


def test_default_bucket_encryption_and_delete(s3):
    """[LS-AWS: test_s3_default_bucket_encryption, 2026-02-21] a new bucket answers SSE-S3 (AES256) with
    BucketKeyEnabled false; Delete answers 204, twice; the bucket then answers the same default."""
    default = {
        "Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
        ]
    }
    assert s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"] == default
    s3.put_bucket_encryption(
        Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", KMS_KEY, True)
    )
    for _ in range(2):
        deleted = s3.delete_bucket_encryption(Bucket=BUCKET)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"] == default


def test_bucket_encryption_errors(s3):
    """[LS-AWS: test_s3_default_bucket_encryption_exc, 2026-02-21] NoSuchBucket for Get/Delete/Put on a
    missing bucket; no rule or two rules: MalformedXML; a KMS key with AES256: InvalidArgument naming
    ApplyServerSideEncryptionByDefault (no ArgumentValue). A refused Put leaves the configuration alone."""
    for call in (
        lambda: s3.get_bucket_encryption(Bucket=MISSING),
        lambda: s3.delete_bucket_encryption(Bucket=MISSING),
        lambda: s3.put_bucket_encryption(Bucket=MISSING, ServerSideEncryptionConfiguration={"Rules": []}),
    ):
        expect_error(call, 404, "NoSuchBucket", NO_BUCKET, BucketName=MISSING)
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", KMS_KEY))
    before = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]
    expect_error(
        lambda: s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": []}),
        400,
        "MalformedXML",
        MALFORMED,
    )
    two = {"Rules": sse_config("aws:kms", bucket_key=True)["Rules"] + sse_config("AES256")["Rules"]}
    expect_error(
        lambda: s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=two),
        400,
        "MalformedXML",
        MALFORMED,
    )
    expect_error(
        lambda: s3.put_bucket_encryption(
            Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("AES256", "randomkeyid")
        ),
        400,
        "InvalidArgument",
        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
        ArgumentName="ApplyServerSideEncryptionByDefault",
    )
    assert s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"] == before


def test_unknown_algorithm_is_malformed(s3mpu, s3):
    """SSEAlgorithm is an enumeration in S3's schema (AES256, aws:kms, aws:kms:dsse; API reference
    ServerSideEncryptionByDefault): any other value does not validate against it."""
    raw = s3mpu.client(parameter_validation=False)
    expect_error(
        lambda: raw.put_bucket_encryption(
            Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("AES128")
        ),
        400,
        "MalformedXML",
        MALFORMED,
    )


def test_sse_s3_default_with_bucket_key(s3):
    """[LS-AWS: test_s3_bucket_encryption_sse_s3, 2026-02-21] an AES256 default with BucketKeyEnabled:
    PutObject, HEAD and GET report AES256 and no BucketKeyEnabled."""
    s3.put_bucket_encryption(
        Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("AES256", bucket_key=True)
    )
    got = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert got["BucketKeyEnabled"] is True
    put = s3.put_object(Bucket=BUCKET, Key="key-encrypted", Body=b"test-encrypted")
    for answer in (
        put,
        s3.head_object(Bucket=BUCKET, Key="key-encrypted"),
        s3.get_object(Bucket=BUCKET, Key="key-encrypted"),
    ):
        assert answer["ServerSideEncryption"] == "AES256"
        assert "BucketKeyEnabled" not in answer
        assert "SSEKMSKeyId" not in answer


def test_sse_kms_default_applies_to_new_objects(s3):
    """[LS-AWS: test_s3_bucket_encryption_sse_kms, 2026-02-21] with an aws:kms default and a key id,
    GetBucketEncryption returns the key id as set; an object written without SSE headers reports aws:kms,
    the key's ARN and BucketKeyEnabled; with BucketKeyEnabled false PutObject leaves that field out."""
    s3.put_bucket_encryption(
        Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", KMS_KEY, True)
    )
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule == {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KMS_KEY},
        "BucketKeyEnabled": True,
    }
    put = s3.put_object(Bucket=BUCKET, Key="key-encrypted", Body=b"test-encrypted")
    for answer in (
        put,
        s3.head_object(Bucket=BUCKET, Key="key-encrypted"),
        s3.get_object(Bucket=BUCKET, Key="key-encrypted"),
    ):
        assert answer["ServerSideEncryption"] == "aws:kms"
        assert answer["SSEKMSKeyId"].startswith("arn:aws:kms:")
        assert answer["SSEKMSKeyId"].endswith(f":key/{KMS_KEY}")
        assert answer["BucketKeyEnabled"] is True
    s3.put_bucket_encryption(
        Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", KMS_KEY, False)
    )
    put = s3.put_object(Bucket=BUCKET, Key="key-encrypted-bucket-key-disabled", Body=b"test-encrypted")
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"].endswith(f":key/{KMS_KEY}")
    assert "BucketKeyEnabled" not in put


def test_sse_kms_default_without_key_uses_one_managed_key(s3):
    """[LS-AWS: test_s3_bucket_encryption_sse_kms_aws_managed_key, 2026-02-21] an aws:kms default
    without a key: GetBucketEncryption has no KMSMasterKeyID; objects report an AWS-managed key's ARN,
    the same one for every object."""
    s3.put_bucket_encryption(
        Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", bucket_key=True)
    )
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms"}
    first = s3.put_object(Bucket=BUCKET, Key="a", Body=b"test-encrypted")
    second = s3.put_object(Bucket=BUCKET, Key="b", Body=b"test-encrypted")
    assert first["SSEKMSKeyId"].startswith("arn:aws:kms:")
    assert ":key/" in first["SSEKMSKeyId"]
    assert (
        first["SSEKMSKeyId"] == second["SSEKMSKeyId"] == s3.head_object(Bucket=BUCKET, Key="a")["SSEKMSKeyId"]
    )


def test_request_headers_win_over_the_bucket_default(s3):
    """The bucket default applies only when the request names no encryption (user guide, "Setting
    default server-side encryption behavior for Amazon S3 buckets"): SSE-S3 requested stays SSE-S3;
    multipart uploads and copies written without headers take the default."""
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", KMS_KEY))
    put = s3.put_object(Bucket=BUCKET, Key="s3", Body=b"x", ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    assert "SSEKMSKeyId" not in put
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mpu")
    assert upload["ServerSideEncryption"] == "aws:kms"
    copied = s3.copy_object(Bucket=BUCKET, Key="copied", CopySource={"Bucket": BUCKET, "Key": "s3"})
    assert copied["ServerSideEncryption"] == "aws:kms"
    assert copied["SSEKMSKeyId"].endswith(f":key/{KMS_KEY}")


def test_delete_bucket_drops_the_configuration(s3):
    """A bucket created again under the same name starts from S3's defaults."""
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=sse_config("aws:kms", KMS_KEY))
    s3.put_bucket_accelerate_configuration(Bucket=BUCKET, AccelerateConfiguration={"Status": "Enabled"})
    s3.put_bucket_request_payment(Bucket=BUCKET, RequestPaymentConfiguration={"Payer": "Requester"})
    s3.delete_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=BUCKET)
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=BUCKET)
    assert s3.get_bucket_request_payment(Bucket=BUCKET)["Payer"] == "BucketOwner"


# -- accelerate ------------------------------------------------------------------------------------


def test_accelerate_crud(s3):
    """[LS-AWS: test_bucket_acceleration_configuration_crud, 2026-02-21] no Status until set; Put answers
    200; Get answers Enabled, then Suspended."""
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=BUCKET)
    for status in ("Enabled", "Suspended"):
        put = s3.put_bucket_accelerate_configuration(
            Bucket=BUCKET, AccelerateConfiguration={"Status": status}
        )
        assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert s3.get_bucket_accelerate_configuration(Bucket=BUCKET)["Status"] == status


def test_accelerate_errors(s3):
    """[LS-AWS: test_bucket_acceleration_configuration_exc, 2026-02-21] a status other than Enabled or
    Suspended (``enabled``, ``random``): MalformedXML; a bucket with dots: InvalidRequest, even with a bad
    status. Nothing is stored by a refused Put."""
    for status in ("enabled", "random"):
        expect_error(
            lambda status=status: s3.put_bucket_accelerate_configuration(
                Bucket=BUCKET, AccelerateConfiguration={"Status": status}
            ),
            400,
            "MalformedXML",
            MALFORMED,
        )
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=BUCKET)
    s3.create_bucket(Bucket="test.bucket.dots")
    expect_error(
        lambda: s3.put_bucket_accelerate_configuration(
            Bucket="test.bucket.dots", AccelerateConfiguration={"Status": "random"}
        ),
        400,
        "InvalidRequest",
        "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names",
    )
    expect_error(
        lambda: s3.get_bucket_accelerate_configuration(Bucket=MISSING),
        404,
        "NoSuchBucket",
        NO_BUCKET,
        BucketName=MISSING,
    )


# -- request payment -------------------------------------------------------------------------------


def test_request_payment(s3):
    """[LS-AWS s3: test_s3_request_payer, 2026-02-21] Put answers 200, Get answers the payer; a bucket
    never configured is paid by its owner (API reference GetBucketRequestPayment)."""
    assert s3.get_bucket_request_payment(Bucket=BUCKET)["Payer"] == "BucketOwner"
    put = s3.put_bucket_request_payment(Bucket=BUCKET, RequestPaymentConfiguration={"Payer": "Requester"})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_request_payment(Bucket=BUCKET)["Payer"] == "Requester"


def test_request_payment_errors(s3):
    """[LS-AWS s3: test_s3_request_payer_exceptions, 2026-02-21] an unknown payer: MalformedXML (and the
    payer stays); a missing bucket: NoSuchBucket."""
    expect_error(
        lambda: s3.put_bucket_request_payment(Bucket=BUCKET, RequestPaymentConfiguration={"Payer": "Random"}),
        400,
        "MalformedXML",
        MALFORMED,
    )
    assert s3.get_bucket_request_payment(Bucket=BUCKET)["Payer"] == "BucketOwner"
    expect_error(
        lambda: s3.put_bucket_request_payment(
            Bucket=MISSING, RequestPaymentConfiguration={"Payer": "Requester"}
        ),
        404,
        "NoSuchBucket",
        NO_BUCKET,
        BucketName=MISSING,
    )


# -- website ---------------------------------------------------------------------------------------


def test_website_crud(s3):
    """[LS-AWS s3: test_crud_website_configuration, 2026-02-21] Get before any configuration:
    NoSuchWebsiteConfiguration naming the bucket; Delete then answers 204 anyway; Put 200, Get returns
    the IndexDocument; after Delete, Get fails again."""
    missing = "The specified bucket does not have a website configuration"
    expect_error(
        lambda: s3.get_bucket_website(Bucket=BUCKET),
        404,
        "NoSuchWebsiteConfiguration",
        missing,
        BucketName=BUCKET,
    )
    assert s3.delete_bucket_website(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    put = s3.put_bucket_website(
        Bucket=BUCKET, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}}
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3.get_bucket_website(Bucket=BUCKET)
    assert got["IndexDocument"] == {"Suffix": "index.html"}
    assert set(got) == {"IndexDocument", "ResponseMetadata"}
    s3.delete_bucket_website(Bucket=BUCKET)
    expect_error(
        lambda: s3.get_bucket_website(Bucket=BUCKET),
        404,
        "NoSuchWebsiteConfiguration",
        missing,
        BucketName=BUCKET,
    )


def test_website_full_configuration_round_trips(s3):
    """Every element of the API reference's WebsiteConfiguration comes back as sent: IndexDocument,
    ErrorDocument and routing rules with their Condition and Redirect; RedirectAllRequestsTo alone."""
    config = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {
                "Condition": {"KeyPrefixEquals": "docs/"},
                "Redirect": {
                    "HostName": "example.com",
                    "Protocol": "https",
                    "ReplaceKeyPrefixWith": "documents/",
                },
            },
            {"Condition": {"HttpErrorCodeReturnedEquals": "404"}, "Redirect": {"HttpRedirectCode": "302"}},
        ],
    }
    s3.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration=config)
    got = s3.get_bucket_website(Bucket=BUCKET)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == config
    redirect = {"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}
    s3.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration=redirect)
    got = s3.get_bucket_website(Bucket=BUCKET)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == redirect


WEBSITE_REFUSALS = [
    (
        {"IndexDocument": {"Suffix": "/index.html"}},
        "InvalidArgument",
        "The IndexDocument Suffix is not well formed",
        {"ArgumentName": "IndexDocument", "ArgumentValue": "/index.html"},
    ),
    (
        {"RedirectAllRequestsTo": {"HostName": "test"}, "IndexDocument": {"Suffix": "/index.html"}},
        "InvalidArgument",
        "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
        {"ArgumentName": "RedirectAllRequestsTo", "ArgumentValue": "not null"},
    ),
    (
        {"ErrorDocument": {"Key": "/index.html"}},
        "InvalidArgument",
        "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
        {"ArgumentName": "IndexDocument", "ArgumentValue": "null"},
    ),
    (
        {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [{"Redirect": {"Protocol": "protocol"}}]},
        "InvalidRequest",
        "Invalid protocol, protocol can be http or https. "
        "If not defined the protocol will be selected automatically.",
        {},
    ),
    (
        {
            "IndexDocument": {"Suffix": "index.html"},
            "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "prefix", "ReplaceKeyWith": "key-name"}}],
        },
        "InvalidRequest",
        "You can only define ReplaceKeyPrefix or ReplaceKey but not both.",
        {},
    ),
    (
        {
            "IndexDocument": {"Suffix": "index.html"},
            "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "prefix"}, "Condition": {}}],
        },
        "InvalidRequest",
        "Condition cannot be empty. "
        "To redirect all requests without a condition, the condition element shouldn't be present.",
        {},
    ),
    ({"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": []}, "MalformedXML", MALFORMED, {}),
]


@pytest.mark.parametrize(("config", "code", "message", "fields"), WEBSITE_REFUSALS)
def test_website_validation(s3, config, code, message, fields):
    """[LS-AWS s3: test_validate_website_configuration, 2026-02-21] each invalid configuration of the
    recording answers 400 with its code, message and argument; nothing is stored."""
    expect_error(
        lambda: s3.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration=config),
        400,
        code,
        message,
        **fields,
    )
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_website(Bucket=BUCKET)


def test_website_empty_suffix(s3):
    """[LS-AWS s3: test_validate_website_configuration conf-1, 2026-02-21] an empty Suffix: the same
    InvalidArgument with an empty ArgumentValue, which boto3 reads as None (AWS recorded null)."""
    with pytest.raises(s3.exceptions.ClientError) as caught:
        s3.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration={"IndexDocument": {"Suffix": ""}})
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.response["Error"] == {
        "Code": "InvalidArgument",
        "Message": "The IndexDocument Suffix is not well formed",
        "ArgumentName": "IndexDocument",
        "ArgumentValue": None,
    }


# -- notification configuration (stored and returned, never delivered) -----------------------------

QUEUE = "arn:aws:sqs:us-east-1:123456789012:my-queue"


def queue_config(**extra) -> dict:
    return {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], **extra}]}


def test_notification_empty_until_set_and_cleared_by_an_empty_put(s3):
    """A bucket never configured answers an empty NotificationConfiguration (API reference
    GetBucketNotificationConfiguration); an empty Put clears it [LS-AWS sqs: test_notifications_with_filter,
    config_empty, recorded 2025-01-21]."""
    got = s3.get_bucket_notification_configuration(Bucket=BUCKET)
    assert set(got) == {"ResponseMetadata"}
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET, NotificationConfiguration=queue_config(Id="id123456")
    )
    assert (
        s3.get_bucket_notification_configuration(Bucket=BUCKET)["QueueConfigurations"][0]["Id"] == "id123456"
    )
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={})
    assert set(s3.get_bucket_notification_configuration(Bucket=BUCKET)) == {"ResponseMetadata"}


def test_notification_round_trip(s3):
    """[LS-AWS sqs: test_notifications_with_filter, test_filter_rules_case_insensitive, 2025-01-21] a
    configuration comes back with its events and filter; rule names in any case come back as Prefix /
    Suffix; a configuration without an Id gets a generated one."""
    rules = [{"Name": "suffix", "Value": ".txt"}, {"Name": "PREFIX", "Value": "notif-"}]
    config = {
        "QueueConfigurations": [
            {
                "QueueArn": QUEUE,
                "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"],
                "Filter": {"Key": {"FilterRules": rules}},
            },
            {"Id": "id0002", "QueueArn": QUEUE, "Events": ["s3:ObjectTagging:*"]},
        ],
        "TopicConfigurations": [
            {
                "Id": "t",
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:topic",
                "Events": ["s3:ObjectCreated:Put"],
            }
        ],
        "LambdaFunctionConfigurations": [
            {
                "Id": "f",
                "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "Events": ["s3:ObjectRemoved:*"],
            }
        ],
        "EventBridgeConfiguration": {},
    }
    put = s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration=config)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3.get_bucket_notification_configuration(Bucket=BUCKET)
    first, second = got["QueueConfigurations"]
    assert first["Id"]
    assert first["Events"] == ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"]
    assert first["Filter"] == {
        "Key": {"FilterRules": [{"Name": "Suffix", "Value": ".txt"}, {"Name": "Prefix", "Value": "notif-"}]}
    }
    assert second == {"Id": "id0002", "QueueArn": QUEUE, "Events": ["s3:ObjectTagging:*"]}
    assert got["TopicConfigurations"] == config["TopicConfigurations"]
    assert got["LambdaFunctionConfigurations"] == config["LambdaFunctionConfigurations"]
    assert got["EventBridgeConfiguration"] == {}


def test_notification_filter_rule_errors(s3mpu, s3):
    """[LS-AWS: test_bucket_notification_with_missing_values_in_rule and
    test_bucket_notification_with_invalid_filter_rules, 2026-02-21] a rule without Name or Value (or
    both): MalformedXML; a name other than prefix/suffix: InvalidArgument naming FilterRule.Name."""
    raw = s3mpu.client(parameter_validation=False)
    for rule in ({}, {"Name": "prefix"}, {"Value": "test"}):
        expect_error(
            lambda rule=rule: raw.put_bucket_notification_configuration(
                Bucket=BUCKET, NotificationConfiguration=queue_config(Filter={"Key": {"FilterRules": [rule]}})
            ),
            400,
            "MalformedXML",
            MALFORMED,
        )
    expect_error(
        lambda: s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration=queue_config(
                Filter={"Key": {"FilterRules": [{"Name": "INVALID", "Value": "x"}]}}
            ),
        ),
        400,
        "InvalidArgument",
        "filter rule name must be either prefix or suffix",
        ArgumentName="FilterRule.Name",
        ArgumentValue="INVALID",
    )
    assert set(s3.get_bucket_notification_configuration(Bucket=BUCKET)) == {"ResponseMetadata"}


def test_notification_arn_must_parse(s3):
    """[LS-AWS sqs: test_invalid_sqs_arn, test_multiple_invalid_sqs_arns, 2025-01-21] a QueueArn that is
    not an ARN: InvalidArgument "The ARN could not be parsed" naming Queue and the value, with or without
    SkipDestinationValidation; the first bad one is named."""
    for skip in (False, True):
        config = {
            "QueueConfigurations": [
                {"Id": "id123", "QueueArn": "invalid-queue", "Events": ["s3:ObjectCreated:*"]}
            ]
        }
        expect_error(
            lambda config=config, skip=skip: s3.put_bucket_notification_configuration(
                Bucket=BUCKET, NotificationConfiguration=config, SkipDestinationValidation=skip
            ),
            400,
            "InvalidArgument",
            "The ARN could not be parsed",
            ArgumentName="Queue",
            ArgumentValue="invalid-queue",
        )
    two = {
        "QueueConfigurations": [
            {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]} for arn in ("invalid_arn", "invalid_arn_2")
        ]
    }
    expect_error(
        lambda: s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration=two),
        400,
        "InvalidArgument",
        "The ARN could not be parsed",
        ArgumentName="Queue",
        ArgumentValue="invalid_arn",
    )


def test_notification_no_such_bucket(s3):
    """[LS-AWS s3: test_get_bucket_notification_configuration_no_such_bucket, 2026-02-21]."""
    expect_error(
        lambda: s3.get_bucket_notification_configuration(Bucket=MISSING),
        404,
        "NoSuchBucket",
        NO_BUCKET,
        BucketName=MISSING,
    )


# -- logging (stored and returned; no log is written) ----------------------------------------------


def test_logging_crud(s3):
    """[LS-AWS s3: test_put_bucket_logging, 2026-02-21] no LoggingEnabled until set; Put 200; Get returns
    TargetBucket and TargetPrefix; an empty BucketLoggingStatus turns logging off (200)."""
    s3.create_bucket(Bucket="log-target")
    assert set(s3.get_bucket_logging(Bucket=BUCKET)) == {"ResponseMetadata"}
    status = {"LoggingEnabled": {"TargetBucket": "log-target", "TargetPrefix": "log"}}
    assert (
        s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus=status)["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    assert s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"] == status["LoggingEnabled"]
    assert (
        s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={})["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    assert set(s3.get_bucket_logging(Bucket=BUCKET)) == {"ResponseMetadata"}


def test_logging_keeps_target_grants(s3):
    """[LS-AWS s3: test_put_bucket_logging_accept_wrong_grants, 2026-02-21] TargetGrants come back as
    sent, READ_ACP included (outside the documented WRITE | READ | FULL_CONTROL, accepted by AWS)."""
    s3.create_bucket(Bucket="log-target")
    log_delivery = {"URI": "http://acs.amazonaws.com/groups/s3/LogDelivery", "Type": "Group"}
    grants = [
        {"Grantee": log_delivery, "Permission": "WRITE"},
        {"Grantee": log_delivery, "Permission": "READ_ACP"},
    ]
    status = {"LoggingEnabled": {"TargetBucket": "log-target", "TargetPrefix": "log", "TargetGrants": grants}}
    s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus=status)
    assert s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"] == status["LoggingEnabled"]


def test_logging_target_checks(s3):
    """[LS-AWS s3: test_put_bucket_logging_wrong_target, test_put_bucket_logging_cross_locations,
    2026-02-21] a missing target: 400 InvalidTargetBucketForLogging naming it; a target in another region:
    403 CrossLocationLoggingProhibitted (S3's spelling) with TargetBucketLocation, and SourceBucketLocation
    when the source is not in us-east-1. Logging stays off after each."""
    s3.create_bucket(Bucket="target-west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.create_bucket(Bucket="source-east-2", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})

    def enable(source: str, target: str):
        status = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "log"}}
        return lambda: s3.put_bucket_logging(Bucket=source, BucketLoggingStatus=status)

    cross = "Cross S3 location logging not allowed. "
    expect_error(
        enable(BUCKET, "target-west"),
        403,
        "CrossLocationLoggingProhibitted",
        cross,
        TargetBucketLocation="us-west-2",
    )
    expect_error(
        enable("source-east-2", "target-west"),
        403,
        "CrossLocationLoggingProhibitted",
        cross,
        SourceBucketLocation="us-east-2",
        TargetBucketLocation="us-west-2",
    )
    expect_error(
        enable(BUCKET, "no-such-target"),
        400,
        "InvalidTargetBucketForLogging",
        "The target bucket for logging does not exist",
        TargetBucket="no-such-target",
    )
    assert set(s3.get_bucket_logging(Bucket=BUCKET)) == {"ResponseMetadata"}


# -- metrics configurations ------------------------------------------------------------------------


def test_metrics_configuration_crud(s3):
    """[LS-AWS: test_put_bucket_metrics_configuration, test_overwrite_bucket_metrics_configuration,
    test_delete_metrics_configuration, test_delete_metrics_configuration_twice, 2026-02-21] Put answers 204
    and replaces a configuration with the same Id; Get returns it; Delete 204; Get or Delete of a missing Id:
    404 NoSuchConfiguration without extra elements."""
    config = {"Id": "m1", "Filter": {"Prefix": "logs/"}}
    put = s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id="m1", MetricsConfiguration=config)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_metrics_configuration(Bucket=BUCKET, Id="m1")["MetricsConfiguration"] == config
    config["Filter"]["Prefix"] = "logs/new-prefix"
    assert (
        s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id="m1", MetricsConfiguration=config)[
            "ResponseMetadata"
        ]["HTTPStatusCode"]
        == 204
    )
    assert s3.get_bucket_metrics_configuration(Bucket=BUCKET, Id="m1")["MetricsConfiguration"] == config
    assert (
        s3.delete_bucket_metrics_configuration(Bucket=BUCKET, Id="m1")["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    missing = "The specified configuration does not exist."
    expect_error(
        lambda: s3.get_bucket_metrics_configuration(Bucket=BUCKET, Id="m1"),
        404,
        "NoSuchConfiguration",
        missing,
    )
    expect_error(
        lambda: s3.delete_bucket_metrics_configuration(Bucket=BUCKET, Id="m1"),
        404,
        "NoSuchConfiguration",
        missing,
    )


def test_metrics_configuration_filters_round_trip(s3):
    """The API reference's MetricsFilter forms come back as sent: a Tag, and an And of prefix and tags."""
    tag = {"Id": "tag", "Filter": {"Tag": {"Key": "k", "Value": "v"}}}
    both = {
        "Id": "and",
        "Filter": {"And": {"Prefix": "p/", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}},
    }
    for config in (tag, both):
        s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id=config["Id"], MetricsConfiguration=config)
        assert (
            s3.get_bucket_metrics_configuration(Bucket=BUCKET, Id=config["Id"])["MetricsConfiguration"]
            == config
        )


def test_metrics_configurations_list_and_pages(s3):
    """[LS-AWS: test_list_bucket_metrics_configurations, test_list_bucket_metrics_configurations_paginated,
    2026-02-21] the list is in Id order, IsTruncated false when whole; 102 configurations: a first page of
    100 with NextContinuationToken, a second of 2 echoing ContinuationToken, IsTruncated false."""
    assert s3.list_bucket_metrics_configurations(Bucket=BUCKET)["IsTruncated"] is False
    ids = [f"{100 + i}-m" for i in range(102)]
    for config_id in reversed(ids):
        config = {"Id": config_id, "Filter": {"Prefix": "logs/prefix"}}
        s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id=config_id, MetricsConfiguration=config)
    first = s3.list_bucket_metrics_configurations(Bucket=BUCKET)
    assert [c["Id"] for c in first["MetricsConfigurationList"]] == ids[:100]
    assert first["IsTruncated"] is True
    token = first["NextContinuationToken"]
    second = s3.list_bucket_metrics_configurations(Bucket=BUCKET, ContinuationToken=token)
    assert [c["Id"] for c in second["MetricsConfigurationList"]] == ids[100:]
    assert second["ContinuationToken"] == token
    assert second["IsTruncated"] is False
    assert "NextContinuationToken" not in second
