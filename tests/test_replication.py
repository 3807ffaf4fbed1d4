"""Replication configuration rules as pure functions (state/replication.py) and the document's reading
(protocol/xmldoc.py), without a server. End-to-end: tests/test_replication_e2e.py."""

from __future__ import annotations

import base64
import uuid

import pytest

from pytest_s3mpu.protocol import xmldoc
from pytest_s3mpu.state import errors, replication

ROLE = "arn:aws:iam::000000000000:role/r"
DESTINATION = {"Bucket": "arn:aws:s3:::dst"}


def _config(**rule: object) -> dict:
    return {"Role": ROLE, "Rule": [{"Status": "Enabled", "Destination": dict(DESTINATION), **rule}]}


def test_a_rule_without_id_gets_one_and_a_given_id_is_kept():
    """[LS-AWS: test_replication_config, recorded 2026-02-21] S3 names a rule sent without an ID; an ID
    sent (``rtc``, test_replication_config_without_filter) comes back as it was."""
    made = replication.check(_config())["Rule"][0]
    assert next(iter(made)) == "ID"
    assert uuid.UUID(base64.b64decode(made["ID"]).decode())  # the base64 of a UUID's text
    assert replication.check(_config())["Rule"][0]["ID"] != made["ID"]
    assert replication.check(_config(ID="rtc"))["Rule"][0]["ID"] == "rtc"


@pytest.mark.parametrize(
    "config",
    [
        {"Role": ROLE, "Rule": []},  # recorded: put-empty-bucket-replication-rules
        {"Role": None, "Rule": _config()["Rule"]},
        {"Role": ROLE, "Rule": [{"Destination": DESTINATION}]},
        {"Role": ROLE, "Rule": [{"Status": "enabled", "Destination": DESTINATION}]},
        {"Role": ROLE, "Rule": [{"Status": "Enabled"}]},
        {"Role": ROLE, "Rule": [{"Status": "Enabled", "Destination": {"StorageClass": "STANDARD"}}]},
        _config(Priority="-1"),
        _config(Priority="one"),
        _config(Priority=str(2**31)),
        _config(DeleteMarkerReplication={"Status": "On"}),
        _config(DeleteMarkerReplication=""),
    ],
)
def test_documents_outside_the_schema_are_malformed(config):
    """[LS-AWS: test_replication_config, recorded 2026-02-21: no rules is MalformedXML; AWS API
    ReplicationRule for the rest of the schema]."""
    with pytest.raises(errors.MalformedXML):
        replication.check(config)


def test_priority_bounds_are_accepted():
    assert replication.check(_config(Priority="0"))["Rule"][0]["Priority"] == "0"
    assert replication.check(_config(Priority=str(2**31 - 1)))


def test_destination_names_come_from_bucket_arns():
    config = {
        "Role": ROLE,
        "Rule": [
            {"Destination": {"Bucket": "arn:aws:s3:::dst"}},
            {"Destination": {"Bucket": "dst"}},
            {"Destination": {"Bucket": "arn:aws:s3:::"}},
        ],
    }
    assert replication.destination_names(config) == ("dst", None, None)


@pytest.mark.parametrize(
    ("source", "destinations", "message"),
    [
        (False, [True], errors.REPLICATION_SOURCE_VERSIONING),
        (False, [False], errors.REPLICATION_SOURCE_VERSIONING),  # the source first (not recorded)
        (True, [True, False], errors.REPLICATION_DESTINATION_VERSIONING),
    ],
)
def test_versioning_must_be_enabled_on_source_then_destinations(source, destinations, message):
    """[LS-AWS: test_replication_config, test_replication_config_without_filter, recorded 2026-02-21]."""
    with pytest.raises(errors.InvalidRequest) as caught:
        replication.check_versioning(source, destinations)
    assert caught.value.message == message


def test_versioned_source_and_destinations_pass():
    replication.check_versioning(True, [True, True])


def test_the_document_is_read_in_s3s_order_and_rendered_back():
    body = (
        b'<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Role>arn:r</Role><Rule><Destination><Bucket>arn:aws:s3:::d</Bucket></Destination>"
        b"<Status>Enabled</Status><Filter><And><Prefix>p</Prefix><Tag><Key>a</Key><Value>1</Value></Tag>"
        b"<Tag><Key>b</Key><Value>2</Value></Tag></And></Filter><ID>x</ID></Rule>"
        b"<Rule><ID>y</ID><Filter/><Status>Disabled</Status><Destination><Bucket>arn:aws:s3:::d</Bucket>"
        b"</Destination></Rule></ReplicationConfiguration>"
    )
    parsed = xmldoc.parse_replication(body)
    first, second = parsed["Rule"]
    assert list(first) == ["ID", "Filter", "Status", "Destination"]
    assert first["Filter"]["And"]["Tag"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert second["Filter"] == ""
    rendered = xmldoc.replication(parsed)
    assert b"<Rule><ID>x</ID><Filter><And><Prefix>p</Prefix><Tag><Key>a</Key>" in rendered
    assert b"<Rule><ID>y</ID><Filter></Filter><Status>Disabled</Status>" in rendered
    assert xmldoc.parse_replication(rendered) == parsed


@pytest.mark.parametrize(
    "inner",
    [
        "<Role>r</Role><Colour/>",
        "<Role>r</Role><Role>s</Role>",
        "<Role>r</Role><Rule><Status>Enabled</Status><Status>Enabled</Status></Rule>",
        "<Role>r</Role><Rule><Unknown/></Rule>",
    ],
)
def test_elements_outside_the_schema_are_malformed(inner):
    body = f"<ReplicationConfiguration>{inner}</ReplicationConfiguration>".encode()
    with pytest.raises(errors.MalformedXML):
        xmldoc.parse_replication(body)
