"""The Id-keyed bucket configurations (inventory, analytics, intelligent-tiering; metrics is in
test_bucket_config_e2e.py) through the real server with boto3 (docs/features/bucket-config.md).

Recordings: LocalStack tests/aws/services/s3/test_s3.py ("LS-AWS s3", validated against AWS 2026-02-21).
"""

from __future__ import annotations

import pytest
from s3_assertions import expect_error

BUCKET = "configured"
DEST = "arn:aws:s3:::inventory-destination"
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
NO_CONFIG = "The specified configuration does not exist."


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


def inventory(config_id: str = "inv", **changes: object) -> dict:
    config = {
        "Id": config_id,
        "Destination": {"S3BucketDestination": {"Bucket": DEST, "Format": "CSV"}},
        "IsEnabled": True,
        "IncludedObjectVersions": "All",
        "Schedule": {"Frequency": "Daily"},
    }
    config.update(changes)
    return config


def analytics(config_id: str = "an", prefix: str = "logs/") -> dict:
    return {
        "Id": config_id,
        "Filter": {"Prefix": prefix},
        "StorageClassAnalysis": {
            "DataExport": {
                "OutputSchemaVersion": "V_1",
                "Destination": {"S3BucketDestination": {"Format": "CSV", "Bucket": DEST, "Prefix": "x"}},
            }
        },
    }


def test_inventory_crud_and_order(s3):
    """[LS-AWS s3: test_s3_inventory_report_crud, test_put_bucket_inventory_config_order, 2026-02-21] Put
    answers 204; Get and List return the document as sent (OptionalFields kept), List in Id order; Delete
    answers 204, after which Get is NoSuchConfiguration and List has no configuration."""
    first = inventory("test-1", OptionalFields=["Size", "ETag"])
    for config in (first, inventory("z-test"), inventory("a-test")):
        put = s3.put_bucket_inventory_configuration(
            Bucket=BUCKET, Id=config["Id"], InventoryConfiguration=config
        )
        assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = s3.get_bucket_inventory_configuration(Bucket=BUCKET, Id="test-1")["InventoryConfiguration"]
    assert got == first
    listed = s3.list_bucket_inventory_configurations(Bucket=BUCKET)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["a-test", "test-1", "z-test"]
    assert listed["IsTruncated"] is False
    for config_id in ("test-1", "z-test", "a-test"):
        deleted = s3.delete_bucket_inventory_configuration(Bucket=BUCKET, Id=config_id)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "InventoryConfigurationList" not in s3.list_bucket_inventory_configurations(Bucket=BUCKET)
    expect_error(
        lambda: s3.get_bucket_inventory_configuration(Bucket=BUCKET, Id="test-1"),
        404,
        "NoSuchConfiguration",
        NO_CONFIG,
    )


@pytest.mark.parametrize(
    ("config", "status", "code", "message"),
    [
        (inventory("other"), 400, "IdMismatch", "Document ID does not match the specified configuration ID."),
        (
            inventory(Destination={"S3BucketDestination": {"Bucket": "plain-name", "Format": "CSV"}}),
            400,
            "InvalidS3DestinationBucket",
            "Invalid bucket ARN.",
        ),
        (
            inventory(Destination={"S3BucketDestination": {"Bucket": DEST, "Format": "WRONG"}}),
            400,
            "MalformedXML",
            MALFORMED,
        ),
        (inventory(Schedule={"Frequency": "Hourly"}), 400, "MalformedXML", MALFORMED),
        (inventory(IncludedObjectVersions="Wrong"), 400, "MalformedXML", MALFORMED),
        (inventory(OptionalFields=["TestField"]), 400, "MalformedXML", MALFORMED),
    ],
)
def test_inventory_refusals_store_nothing(s3, config, status, code, message):
    """[LS-AWS s3: test_s3_put_inventory_report_exceptions, 2026-02-21] another Id in the document:
    IdMismatch; a destination bucket not given as an ARN: InvalidS3DestinationBucket; an unknown format,
    frequency, IncludedObjectVersions or optional field: MalformedXML. Nothing is stored."""
    expect_error(
        lambda: s3.put_bucket_inventory_configuration(Bucket=BUCKET, Id="inv", InventoryConfiguration=config),
        status,
        code,
        message,
    )
    assert "InventoryConfigurationList" not in s3.list_bucket_inventory_configurations(Bucket=BUCKET)


def test_analytics_crud(s3):
    """[LS-AWS s3: test_s3_analytics_configurations, 2026-02-21] another Id in the document: MalformedXML
    (not IdMismatch as for inventory); Get/Delete of an absent Id: NoSuchConfiguration; Put answers 204,
    a second Put replaces it; List holds each once, in Id order; Delete removes one."""
    expect_error(
        lambda: s3.put_bucket_analytics_configuration(
            Bucket=BUCKET, Id="different", AnalyticsConfiguration=analytics()
        ),
        400,
        "MalformedXML",
        MALFORMED,
    )
    for call in (
        lambda: s3.get_bucket_analytics_configuration(Bucket=BUCKET, Id="an"),
        lambda: s3.delete_bucket_analytics_configuration(Bucket=BUCKET, Id="an"),
    ):
        expect_error(call, 404, "NoSuchConfiguration", NO_CONFIG)
    put = s3.put_bucket_analytics_configuration(Bucket=BUCKET, Id="an", AnalyticsConfiguration=analytics())
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    replaced = analytics(prefix="logs/2")
    s3.put_bucket_analytics_configuration(Bucket=BUCKET, Id="an", AnalyticsConfiguration=replaced)
    assert s3.get_bucket_analytics_configuration(Bucket=BUCKET, Id="an")["AnalyticsConfiguration"] == replaced
    s3.put_bucket_analytics_configuration(Bucket=BUCKET, Id="an2", AnalyticsConfiguration=analytics("an2"))
    listed = s3.list_bucket_analytics_configurations(Bucket=BUCKET)["AnalyticsConfigurationList"]
    assert listed == [replaced, analytics("an2")]
    s3.delete_bucket_analytics_configuration(Bucket=BUCKET, Id="an2")
    assert s3.list_bucket_analytics_configurations(Bucket=BUCKET)["AnalyticsConfigurationList"] == [replaced]


def test_intelligent_tiering_crud_and_refusals(s3):
    """IntelligentTieringConfiguration (AWS API reference): stored and returned as sent; Status other than
    Enabled/Disabled or an unknown AccessTier: MalformedXML, nothing stored; Delete then Get:
    NoSuchConfiguration."""
    config = {
        "Id": "tier",
        "Filter": {"Prefix": "cold/"},
        "Status": "Enabled",
        "Tierings": [
            {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
            {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"},
        ],
    }
    for bad in ({**config, "Status": "On"}, {**config, "Tierings": [{"Days": 90, "AccessTier": "COLD"}]}):
        expect_error(
            lambda bad=bad: s3.put_bucket_intelligent_tiering_configuration(
                Bucket=BUCKET, Id="tier", IntelligentTieringConfiguration=bad
            ),
            400,
            "MalformedXML",
            MALFORMED,
        )
    assert "IntelligentTieringConfigurationList" not in s3.list_bucket_intelligent_tiering_configurations(
        Bucket=BUCKET
    )
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=BUCKET, Id="tier", IntelligentTieringConfiguration=config
    )
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="tier")
    assert got["IntelligentTieringConfiguration"] == config
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=BUCKET)
    assert listed["IntelligentTieringConfigurationList"] == [config]
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="tier")
    expect_error(
        lambda: s3.get_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="tier"),
        404,
        "NoSuchConfiguration",
        NO_CONFIG,
    )


def test_lists_page_by_100_with_a_continuation_token(s3):
    """Each kind lists up to 100 configurations a page and a NextContinuationToken, the next page from it
    (recorded for metrics: 100 then 2, LS-AWS test_list_bucket_metrics_configurations_paginated,
    2026-02-21; the same List shape for inventory in the AWS API reference)."""
    ids = [f"inv-{n:03d}" for n in range(102)]
    for config_id in ids:
        s3.put_bucket_inventory_configuration(
            Bucket=BUCKET, Id=config_id, InventoryConfiguration=inventory(config_id)
        )
    first = s3.list_bucket_inventory_configurations(Bucket=BUCKET)
    assert first["IsTruncated"] is True
    assert [c["Id"] for c in first["InventoryConfigurationList"]] == ids[:100]
    token = first["NextContinuationToken"]
    second = s3.list_bucket_inventory_configurations(Bucket=BUCKET, ContinuationToken=token)
    assert second["IsTruncated"] is False
    assert second["ContinuationToken"] == token
    assert [c["Id"] for c in second["InventoryConfigurationList"]] == ids[100:]
