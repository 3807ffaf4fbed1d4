"""Object ownership, ACLs and the public access block through the real server with boto3
(docs/features/ownership-acl.md): S3's behaviour since April 2023, and the ``object_ownership`` setting.

Recordings: LocalStack tests/aws/services/s3/test_s3_api.py ("LS-AWS", validated 2026-02-21) and
test_s3.py ("LS-AWS s3", validated 2026-02-21); the AWS API reference where they are silent.
"""

from __future__ import annotations

import pytest
from s3_assertions import expect_error, one_part_upload, state

from pytest_s3mpu.state import access, errors

BUCKET = "ownership"
KEY = "object-key-acl"
OWNER = {"ID": access.OWNER_ID}
OWNER_FULL = {"Grantee": {"ID": access.OWNER_ID, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
ALL_READ = {"Grantee": {"Type": "Group", "URI": access.ALL_USERS}, "Permission": "READ"}
NOT_SUPPORTED = "The bucket does not allow ACLs"


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu_client.create_bucket(Bucket=BUCKET)
    return s3mpu_client


def allow_acls(s3) -> None:
    """What the recordings' allow_bucket_acl fixture does: delete the ownership controls and the public
    access block, so ACLs are kept and public ones allowed."""
    s3.delete_bucket_ownership_controls(Bucket=BUCKET)
    s3.delete_public_access_block(Bucket=BUCKET)


def acl_of(response: dict) -> dict:
    return {"Owner": response["Owner"], "Grants": response["Grants"]}


def test_new_bucket_is_owner_enforced_and_blocks_public_access(s3):
    """[LS-AWS: test_crud_bucket_ownership_controls, test_crud_public_access_block] a new bucket answers
    BucketOwnerEnforced and all four public-access-block flags true."""
    got = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_ownership_controls_crud(s3):
    """[LS-AWS: test_crud_bucket_ownership_controls, 2026-02-21] Put 200, Delete 204 (idempotent), Get
    after Delete OwnershipControlsNotFoundError; x-amz-object-ownership at creation is kept."""
    rules = {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    assert (
        s3.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls=rules)["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 200
    )
    assert s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"] == rules
    assert s3.delete_bucket_ownership_controls(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        lambda: s3.get_bucket_ownership_controls(Bucket=BUCKET),
        404,
        "OwnershipControlsNotFoundError",
        "The bucket ownership controls were not found",
        BucketName=BUCKET,
    )
    assert s3.delete_bucket_ownership_controls(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.create_bucket(Bucket="preferred", ObjectOwnership="BucketOwnerPreferred")
    got = s3.get_bucket_ownership_controls(Bucket="preferred")["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}


def test_ownership_controls_errors(s3mpu, s3):
    """[LS-AWS: test_bucket_ownership_controls_exc, 2026-02-21] two rules, an unknown value or an empty
    rule are MalformedXML; a bad x-amz-object-ownership at creation is InvalidArgument without
    ArgumentValue, and no bucket is made."""
    raw = s3mpu.client(parameter_validation=False)
    malformed = errors.MalformedXML.default_message
    for controls in (
        {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}, {"ObjectOwnership": "ObjectWriter"}]},
        {"Rules": [{"ObjectOwnership": "RandomValue"}]},
        {"Rules": [{}]},
    ):
        expect_error(
            lambda c=controls: raw.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls=c),
            400,
            "MalformedXML",
            malformed,
        )
    for value in ("RandomValue", ""):
        expect_error(
            lambda v=value: raw.create_bucket(Bucket="other", ObjectOwnership=v),
            400,
            "InvalidArgument",
            f"Invalid x-amz-object-ownership header: {value}",
            ArgumentName="x-amz-object-ownership",
        )
    assert s3mpu.buckets() == [BUCKET]
    got = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_public_access_block_crud(s3):
    """[LS-AWS: test_crud_public_access_block, 2026-02-21] Put 200 (a flag left out is false), Delete 204
    (idempotent), Get after Delete NoSuchPublicAccessBlockConfiguration."""
    config = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False}
    put = s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration=config)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert got == {**config, "RestrictPublicBuckets": False}
    assert s3.delete_public_access_block(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        lambda: s3.get_public_access_block(Bucket=BUCKET),
        404,
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
        BucketName=BUCKET,
    )
    assert s3.delete_public_access_block(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_acls_disabled_refuse_public_read_everywhere(s3mpu, s3):
    """AWS API reference PutObject / CreateMultipartUpload / CopyObject / PutObjectAcl: with
    BucketOwnerEnforced, a request setting an ACL other than bucket-owner-full-control "or an equivalent
    form" is 400 AccessControlListNotSupported, and nothing is written. With one account, ``private`` is
    such an equivalent (rclone sends it by default; rclone#6413 fails cross-account only)."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"x")
    before = state(s3mpu)
    calls = (
        lambda: s3.put_object(Bucket=BUCKET, Key="new", Body=b"x", ACL="public-read"),
        lambda: s3.put_object(Bucket=BUCKET, Key="new", Body=b"x", ACL="authenticated-read"),
        lambda: s3.create_multipart_upload(Bucket=BUCKET, Key="new", ACL="public-read"),
        lambda: s3.copy_object(Bucket=BUCKET, Key="new", CopySource=f"{BUCKET}/{KEY}", ACL="public-read"),
        lambda: s3.put_object_acl(Bucket=BUCKET, Key=KEY, ACL="public-read"),
        lambda: s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read"),
        lambda: s3.put_object(Bucket=BUCKET, Key="new", Body=b"x", GrantRead=f'uri="{access.ALL_USERS}"'),
    )
    for call in calls:
        expect_error(call, 400, "AccessControlListNotSupported", NOT_SUPPORTED)
    assert state(s3mpu) == before
    s3.put_object(Bucket=BUCKET, Key="ok", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object_acl(Bucket=BUCKET, Key="ok", ACL="bucket-owner-full-control")
    s3.put_object(Bucket=BUCKET, Key="ok", Body=b"x", ACL="private")
    s3.put_object_acl(Bucket=BUCKET, Key="ok", AccessControlPolicy={"Owner": OWNER, "Grants": [OWNER_FULL]})
    assert acl_of(s3.get_object_acl(Bucket=BUCKET, Key="ok")) == {"Owner": OWNER, "Grants": [OWNER_FULL]}


def test_acls_disabled_read_owner_full_control(s3):
    """[LS-AWS s3: test_s3_object_acl ("get-object-acl-default"), 2026-02-21] GetObjectAcl and
    GetBucketAcl answer the owner's FULL_CONTROL."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"")
    expected = {"Owner": OWNER, "Grants": [OWNER_FULL]}
    assert acl_of(s3.get_object_acl(Bucket=BUCKET, Key=KEY)) == expected
    assert acl_of(s3.get_bucket_acl(Bucket=BUCKET)) == expected


def test_create_bucket_with_acl_while_enforced(s3mpu, s3):
    """AWS error InvalidBucketAclWithObjectOwnership: a CreateBucket ACL with BucketOwnerEnforced is
    refused; ``private`` alone is S3's default ACL and makes a BucketOwnerPreferred bucket (versitygw
    #1869, 2026-02, the weakest source here)."""
    for extra in ({"ACL": "public-read"}, {"ACL": "public-read", "ObjectOwnership": "BucketOwnerEnforced"}):
        expect_error(
            lambda e=extra: s3.create_bucket(Bucket="other", **e),
            400,
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )
    assert s3mpu.buckets() == [BUCKET]
    s3.create_bucket(Bucket="private", ACL="private")
    got = s3.get_bucket_ownership_controls(Bucket="private")["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}


def test_public_acl_blocked_by_public_access_block(s3mpu, s3):
    """AWS API reference PublicAccessBlockConfiguration.BlockPublicAcls: with ACLs enabled but the block
    on, a public ACL on PutObject / PutObjectAcl is 403 AccessDenied, and on CreateBucket
    InvalidBucketAclWithBlockPublicAccessError; a private one is kept."""
    s3.delete_bucket_ownership_controls(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"")
    expect_error(
        lambda: s3.put_object(Bucket=BUCKET, Key="n", Body=b"", ACL="public-read"),
        403,
        "AccessDenied",
        "Access Denied",
    )
    expect_error(
        lambda: s3.put_object_acl(Bucket=BUCKET, Key=KEY, ACL="public-read-write"),
        403,
        "AccessDenied",
        "Access Denied",
    )
    s3.put_object_acl(Bucket=BUCKET, Key=KEY, GrantRead=f'uri="{access.LOG_DELIVERY}"')
    expect_error(
        lambda: s3.create_bucket(Bucket="writer", ACL="public-read", ObjectOwnership="ObjectWriter"),
        400,
        "InvalidBucketAclWithBlockPublicAccessError",
        "Bucket cannot have public ACLs set with BlockPublicAccess enabled",
    )
    assert sorted(s3mpu.buckets()) == [BUCKET]


def test_object_acl_kept_when_acls_enabled(s3):
    """[LS-AWS s3: test_s3_object_acl, 2026-02-21] canned ACLs, grant headers and AccessControlPolicy
    bodies are stored and returned as recorded."""
    allow_acls(s3)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"")
    assert acl_of(s3.get_object_acl(Bucket=BUCKET, Key=KEY)) == {"Owner": OWNER, "Grants": [OWNER_FULL]}
    assert (
        s3.put_object_acl(Bucket=BUCKET, Key=KEY, ACL="public-read")["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    assert acl_of(s3.get_object_acl(Bucket=BUCKET, Key=KEY)) == {
        "Owner": OWNER,
        "Grants": [OWNER_FULL, ALL_READ],
    }
    s3.put_object_acl(Bucket=BUCKET, Key=KEY, GrantRead=f'uri="{access.LOG_DELIVERY}"')
    log_read = {"Grantee": {"Type": "Group", "URI": access.LOG_DELIVERY}, "Permission": "READ"}
    assert acl_of(s3.get_object_acl(Bucket=BUCKET, Key=KEY)) == {"Owner": OWNER, "Grants": [log_read]}
    log_write = {"Grantee": {"Type": "Group", "URI": access.LOG_DELIVERY}, "Permission": "WRITE"}
    policy = {"Owner": OWNER, "Grants": [OWNER_FULL, log_write]}
    s3.put_object_acl(Bucket=BUCKET, Key=KEY, AccessControlPolicy=policy)
    assert acl_of(s3.get_object_acl(Bucket=BUCKET, Key=KEY)) == policy


def test_bucket_acl_kept_when_acls_enabled(s3):
    """[LS-AWS s3: test_s3_bucket_acl, 2026-02-21] and [test_s3_multipart_upload_acls]: a bucket's and a
    multipart object's canned ACL, as recorded."""
    allow_acls(s3)
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    assert acl_of(s3.get_bucket_acl(Bucket=BUCKET)) == {"Owner": OWNER, "Grants": [OWNER_FULL, ALL_READ]}
    s3.put_bucket_acl(Bucket=BUCKET, ACL="private")
    assert acl_of(s3.get_bucket_acl(Bucket=BUCKET)) == {"Owner": OWNER, "Grants": [OWNER_FULL]}
    one_part_upload(s3, BUCKET, KEY, ACL="public-read-write")
    all_write = {"Grantee": {"Type": "Group", "URI": access.ALL_USERS}, "Permission": "WRITE"}
    got = acl_of(s3.get_object_acl(Bucket=BUCKET, Key=KEY))
    assert got == {"Owner": OWNER, "Grants": [OWNER_FULL, ALL_READ, all_write]}


@pytest.mark.parametrize("target", ["object", "bucket"])
def test_acl_errors(s3, target):
    """[LS-AWS s3: test_s3_object_acl_exceptions / test_s3_bucket_acl_exceptions, 2026-02-21] every
    recorded error, in a bucket with ACLs disabled as the recording's was (validation comes before the
    ownership check); an unknown canned ACL's Message is empty (recorded as null)."""
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"")

    def put(**kwargs):
        if target == "object":
            return s3.put_object_acl(Bucket=BUCKET, Key=KEY, **kwargs)
        return s3.put_bucket_acl(Bucket=BUCKET, **kwargs)

    malformed = errors.MalformedACLError.default_message
    log_write = {"Grantee": {"URI": access.LOG_DELIVERY, "Type": "Group"}, "Permission": "WRITE"}
    cases = [
        (
            {"ACL": "fake-acl"},
            "InvalidArgument",
            None,
            {"ArgumentName": "x-amz-acl", "ArgumentValue": "fake-acl"},
        ),
        (
            {"GrantWrite": 'uri="http://acs.amazonaws.com/groups/s3/FakeGroup"'},
            "InvalidArgument",
            "Invalid group uri",
            {"ArgumentName": "uri", "ArgumentValue": "http://acs.amazonaws.com/groups/s3/FakeGroup"},
        ),
        (
            {"GrantWrite": 'fakekey="1234"'},
            "InvalidArgument",
            "Argument format not recognized",
            {"ArgumentName": "x-amz-grant-write", "ArgumentValue": 'fakekey="1234"'},
        ),
        (
            {"GrantWrite": 'id="wrong-id"'},
            "InvalidArgument",
            "Invalid id",
            {"ArgumentName": "id", "ArgumentValue": "wrong-id"},
        ),
        ({"AccessControlPolicy": {"Grants": [log_write]}}, "MalformedACLError", malformed, {}),
        (
            {
                "AccessControlPolicy": {
                    "Owner": OWNER,
                    "Grants": [{**log_write, "Permission": "WRONG-PERMISSION"}],
                }
            },
            "MalformedACLError",
            malformed,
            {},
        ),
        (
            {"AccessControlPolicy": {"Owner": {"ID": "wrong-id"}, "Grants": [log_write]}},
            "InvalidArgument",
            "Invalid id",
            {"ArgumentName": "CanonicalUser/ID", "ArgumentValue": "wrong-id"},
        ),
        (
            {
                "AccessControlPolicy": {
                    "Owner": OWNER,
                    "Grants": [
                        {
                            "Grantee": {"URI": access.ALL_USERS[:-8] + "FakeGroup", "Type": "Group"},
                            "Permission": "WRITE",
                        }
                    ],
                }
            },
            "InvalidArgument",
            "Invalid group uri",
            {"ArgumentName": "Group/URI", "ArgumentValue": access.ALL_USERS[:-8] + "FakeGroup"},
        ),
        (
            {
                "AccessControlPolicy": {
                    "Owner": OWNER,
                    "Grants": [
                        {"Grantee": {"ID": "wrong-id", "Type": "CanonicalUser"}, "Permission": "WRITE"}
                    ],
                }
            },
            "InvalidArgument",
            "Invalid id",
            {"ArgumentName": "CanonicalUser/ID", "ArgumentValue": "wrong-id"},
        ),
        (
            {
                "AccessControlPolicy": {
                    "Owner": OWNER,
                    "Grants": [{"Grantee": {"ID": "x", "Type": "BadType"}, "Permission": "WRITE"}],
                }
            },
            "MalformedACLError",
            malformed,
            {},
        ),
        ({"AccessControlPolicy": {}}, "MalformedACLError", malformed, {}),
        (
            {},
            "MissingSecurityHeader",
            "Your request was missing a required header",
            {"MissingHeaderName": "x-amz-acl"},
        ),
        (
            {"ACL": "private", "GrantRead": f'uri="{access.LOG_DELIVERY}"'},
            "InvalidRequest",
            "Specifying both Canned ACLs and Header Grants is not allowed",
            {},
        ),
        (
            {"ACL": "private", "AccessControlPolicy": {"Owner": OWNER, "Grants": [OWNER_FULL]}},
            "UnexpectedContent",
            "This request does not support content",
            {},
        ),
    ]
    for kwargs, code, message, fields in cases:
        expect_error(lambda k=kwargs: put(**k), 400, code, message, **fields)
    expect_error(
        lambda: s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"", ACL="fake-acl"),
        400,
        "InvalidArgument",
        None,  # recorded "Message": null: the element is empty
        ArgumentName="x-amz-acl",
        ArgumentValue="fake-acl",
    )


@pytest.mark.s3mpu(object_ownership="ObjectWriter")
def test_object_ownership_setting_gives_pre_2023_buckets(s3mpu_client):
    """The ``object_ownership`` setting (README "Settings"): with ObjectWriter, new buckets keep ACLs and
    have no public access block, as S3 before April 2023, so s3fs's ``create_bucket(ACL="public-read")``
    works; an explicit x-amz-object-ownership still wins."""
    s3 = s3mpu_client
    s3.create_bucket(Bucket="legacy", ACL="public-read")
    got = s3.get_bucket_ownership_controls(Bucket="legacy")["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    expect_error(
        lambda: s3.get_public_access_block(Bucket="legacy"),
        404,
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
        BucketName="legacy",
    )
    assert acl_of(s3.get_bucket_acl(Bucket="legacy")) == {"Owner": OWNER, "Grants": [OWNER_FULL, ALL_READ]}
    s3.put_object(Bucket="legacy", Key="k", Body=b"", ACL="public-read")
    assert acl_of(s3.get_object_acl(Bucket="legacy", Key="k")) == {
        "Owner": OWNER,
        "Grants": [OWNER_FULL, ALL_READ],
    }
    s3.create_bucket(Bucket="modern", ObjectOwnership="BucketOwnerEnforced")
    expect_error(
        lambda: s3.put_object(Bucket="modern", Key="k", Body=b"", ACL="public-read"),
        400,
        "AccessControlListNotSupported",
        NOT_SUPPORTED,
    )


def test_delete_bucket_drops_its_settings(s3):
    """A re-created bucket starts from S3's defaults, not from the deleted one's settings."""
    allow_acls(s3)
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    s3.delete_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=BUCKET)
    got = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]
    assert got == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    assert acl_of(s3.get_bucket_acl(Bucket=BUCKET)) == {"Owner": OWNER, "Grants": [OWNER_FULL]}
