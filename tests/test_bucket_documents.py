"""The single-document bucket configurations' one store trio (state/bucket_documents.py), kind by kind:
a Put S3 accepts is what Get answers, a Put S3 refuses raises its error and leaves the configuration as
it was, and Delete brings back the unset value (Get then answers the kind's not-found error, naming the
bucket). The wire behaviour of each kind is tested through the server in its own e2e module
(test_bucket_config_e2e, test_bucket_policy_e2e, test_cors_e2e, test_tagging_e2e, test_ownership_acl_e2e,
test_object_lock_e2e), each citing its recording."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from pytest_s3mpu.app.operations import DOC_CONFIGS
from pytest_s3mpu.state import bucket_documents, errors
from pytest_s3mpu.state.access import PublicAccessBlock
from pytest_s3mpu.state.bucket_config import Logging
from pytest_s3mpu.state.cors import Rule
from pytest_s3mpu.state.model import Bucket
from pytest_s3mpu.state.store import Store

BUCKET = "docs-bucket"
RESOURCE = f"arn:aws:s3:::{BUCKET}/*"


def policy(principal: object) -> bytes:
    allow = {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": RESOURCE}
    return json.dumps({"Statement": [allow]}).encode()


POLICY = policy({"AWS": "arn:aws:iam::123456789012:root"})

# kind, a document S3 accepts (as parsed), what Get answers for it, a document S3 refuses and its error
CASES: list[tuple[bucket_documents.DocConfigKind[Any], object, object, object, type[errors.S3Error]]] = [
    (bucket_documents.POLICY, POLICY, POLICY.decode(), b"not json", errors.MalformedPolicy),
    (bucket_documents.TAGGING, (("k", "v"),), (("k", "v"),), (("aws:k", "v"),), errors.InvalidTag),
    (
        bucket_documents.ENCRYPTION,
        ("aws:kms", "key-1", True),
        bucket_documents.bucket_config.BucketEncryption("aws:kms", "key-1", True),
        ("AES256", "key-1", False),
        errors.InvalidArgument,
    ),
    (bucket_documents.ACCELERATE, "Enabled", "Enabled", "On", errors.MalformedXML),
    (bucket_documents.REQUEST_PAYMENT, "Requester", "Requester", "Nobody", errors.MalformedXML),
    (bucket_documents.CORS, [Rule(("GET",), ("*",))], (Rule(("GET",), ("*",)),), [], errors.MalformedXML),
    (
        bucket_documents.LOGGING,
        Logging(BUCKET, "logs/"),
        Logging(BUCKET, "logs/"),
        Logging("no-such-target", "logs/"),
        errors.InvalidTargetBucketForLogging,
    ),
]


@pytest.fixture
def store() -> Store:
    store = Store()
    store.create_bucket(BUCKET)
    return store


def test_every_kind_names_a_bucket_field_and_has_one_row_on_the_wire():
    fields = {f.name for f in dataclasses.fields(Bucket)}
    kinds = [doc.kind for doc in DOC_CONFIGS]
    assert all(kind.field in fields for kind in kinds)
    assert len({id(kind) for kind in kinds}) == len(kinds)
    operations = [op for doc in DOC_CONFIGS for op in (doc.get, doc.put, doc.delete) if op is not None]
    assert len(set(operations)) == len(operations)


@pytest.mark.parametrize(
    ("kind", "good", "stored", "bad", "error"), CASES, ids=lambda v: getattr(v, "field", "")
)
def test_a_refused_put_leaves_the_configuration_as_it_was(store, kind, good, stored, bad, error):
    """The project's rule that a failed request leaves the state as it was, for every kind the trio serves
    (the errors as recorded: see each kind's e2e module)."""
    store.put_bucket_config(kind, BUCKET, good)
    assert store.get_bucket_config(kind, BUCKET) == stored
    with pytest.raises(error):
        store.put_bucket_config(kind, BUCKET, bad)
    assert store.get_bucket_config(kind, BUCKET) == stored


def test_a_public_policy_is_refused_while_block_public_policy_is_on(store):
    """The check that reads state (``admit``) runs under the lock, after the pure one (AWS user guide,
    "Blocking public access": BlockPublicPolicy rejects a PutBucketPolicy that allows public access)."""
    store.put_bucket_config(
        bucket_documents.PUBLIC_ACCESS_BLOCK, BUCKET, PublicAccessBlock(False, False, True, False)
    )
    with pytest.raises(errors.AccessDenied):
        store.put_bucket_config(bucket_documents.POLICY, BUCKET, policy("*"))
    with pytest.raises(errors.NoSuchBucketPolicy):
        store.get_bucket_config(bucket_documents.POLICY, BUCKET)


@pytest.mark.parametrize(
    "doc", [doc for doc in DOC_CONFIGS if doc.delete is not None], ids=lambda d: d.kind.field
)
def test_delete_brings_back_the_unset_value_and_get_says_so(store, doc):
    """Delete twice is no error; then Get answers the kind's 404 naming the bucket, or (encryption) the
    default S3 answers again [LS-AWS: test_s3_default_bucket_encryption, recorded 2026-02-21]."""
    kind = doc.kind
    store.delete_bucket_config(kind, BUCKET)
    store.delete_bucket_config(kind, BUCKET)  # deleting what is not there is no error
    if kind.missing is None:
        assert store.get_bucket_config(kind, BUCKET) == kind.cleared
        return
    with pytest.raises(errors.S3Error) as raised:
        store.get_bucket_config(kind, BUCKET)
    assert type(raised.value) is type(kind.missing(BUCKET))
    assert (raised.value.status, raised.value.field("BucketName")) == (404, BUCKET)


def test_object_lock_needs_versioning_and_unknown_buckets_are_no_such_bucket(store):
    """[LS-AWS: test_put_object_lock_configuration_on_existing_bucket, recorded 2026-02-21]"""
    with pytest.raises(errors.InvalidBucketState):
        store.put_bucket_config(bucket_documents.OBJECT_LOCK, BUCKET, bucket_documents.object_lock.ENABLED)
    with pytest.raises(errors.ObjectLockConfigurationNotFoundError):
        store.get_bucket_config(bucket_documents.OBJECT_LOCK, BUCKET)
    for kind in (doc.kind for doc in DOC_CONFIGS):
        with pytest.raises(errors.NoSuchBucket):
            store.get_bucket_config(kind, "no-such-bucket")
