"""The replay harness's matching and routing rules (scripts/replay_recordings.py), unit level, no network.

The replay compares the double with LocalStack's recordings of real S3; these rules decide what counts as a
match, so each is held to what LocalStack's snapshot transformers did and no more lenient.
"""

from __future__ import annotations

import ast
import importlib.util
import pathlib
import sys
from types import ModuleType
from typing import Any

import pytest
import requests

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "replay_recordings.py"


@pytest.fixture(scope="module")
def replay() -> ModuleType:
    spec = importlib.util.spec_from_file_location("replay_recordings", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["replay_recordings"] = module
    spec.loader.exec_module(module)
    return module


def test_a_json_string_is_compared_with_the_recorded_document(replay: ModuleType) -> None:
    """GetBucketPolicy returns the policy as a string; the snapshot library recorded the document."""
    recorded = {"Policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}}
    same = {"Policy": '{"Statement": [{"Effect": "Allow"}], "Version": "2012-10-17"}'}
    other = {"Policy": '{"Statement": [{"Effect": "Deny"}], "Version": "2012-10-17"}'}
    assert replay.differences(recorded, same) == []
    assert replay.differences(recorded, other) != []
    assert replay.differences(recorded, {"Policy": "not json"}) != []


def test_date_matches_only_a_date_time(replay: ModuleType) -> None:
    """LocalStack's basic transformer writes "date" for an ISO 8601 date-time in any text."""
    transforms = replay.Transforms()
    rewritten = transforms.rewrite({"Initiated": "2026-12-06T18:40:07.000Z", "Key": "k"})
    assert replay.differences({"Initiated": "date", "Key": "k"}, rewritten) == []
    assert replay.differences({"Initiated": "date"}, transforms.rewrite({"Initiated": "yesterday"})) != []


def test_a_fixed_replacement_matches_only_at_its_key(replay: ModuleType) -> None:
    """key_value("Expiration", value_replacement="<expiration>", reference_replacement=False)."""
    transforms = replay.Transforms()
    transforms.key_value("Expiration", value_replacement="<expiration>", reference_replacement=False)
    recorded = {"Expiration": "<expiration>", "Other": "<expiration>"}
    actual = {"Expiration": {"Days": 7}, "Other": "x"}
    found = replay.differences(recorded, actual, fixed=transforms.fixed)
    assert found == ['$.Other: "x" (AWS: "<expiration>")']
    missing = replay.differences({"Expiration": "<expiration>"}, {}, fixed=transforms.fixed)
    assert missing and "missing" in missing[0]


def test_jsonpath_and_regex_replacements(replay: ModuleType) -> None:
    transforms = replay.Transforms()
    transforms.jsonpath("$..list-objects.Contents", "<content>", reference_replacement=False)
    transforms.regex("bucket-123", "<bucket>")
    actual = transforms.rewrite({"Contents": [{"Key": "a"}], "Name": "bucket-123"})
    assert (
        replay.differences({"Contents": "<content>", "Name": "<bucket>"}, actual, fixed=transforms.fixed)
        == []
    )
    assert replay.differences({"Contents": "<content>"}, {"Contents": ""}, fixed=transforms.fixed) != []
    assert replay.differences({"Key": "<content>"}, {"Key": "x"}, fixed=transforms.fixed) != []


def test_aws_addresses_are_routed_to_the_server_and_others_refused(replay: ModuleType) -> None:
    routing = replay._Routing()
    routing.endpoint = "http://127.0.0.1:4567"
    headers: dict[str, Any] = {}
    url = routing.target("https://my.bucket.s3.amazonaws.com/key?acl", headers)
    assert url == "http://127.0.0.1:4567/key?acl"
    assert headers["Host"] == "my.bucket.s3.amazonaws.com"
    website: dict[str, Any] = {}
    assert routing.target("http://b.s3-website-us-east-1.amazonaws.com", website) == "http://127.0.0.1:4567/"
    assert website["Host"] == "b.s3-website-us-east-1.amazonaws.com"
    assert routing.target("http://127.0.0.1:4567/b", {}) == "http://127.0.0.1:4567/b"
    with pytest.raises(requests.ConnectionError):
        routing.target("https://example.com/", {})


def test_the_signature_checking_server_is_chosen_by_fixture_or_recording(replay: ModuleType) -> None:
    def function(source: str) -> ast.FunctionDef:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.FunctionDef)
        return node

    asks = function("def test_x(self, patch_s3_skip_signature_validation_false): pass")
    plain = function("def test_x(self, s3_bucket): pass")
    refused = {"e": {"Error": {"Code": "SignatureDoesNotMatch"}}}
    assert replay.needs_signatures(asks, {})
    assert replay.needs_signatures(function("def test_x(self, verify_signature): pass"), {})
    assert replay.needs_signatures(plain, refused)
    assert not replay.needs_signatures(plain, {"e": {"Error": {"Code": "AccessDenied"}}})


def test_parametrize_values_with_localstack_marks_are_reproduced(replay: ModuleType) -> None:
    source = (
        "@pytest.mark.parametrize('version, verify',\n"
        "    [pytest.param('s3', True, marks=markers.x), ('s3v4', False)])\n"
        "def test_x(self, version, verify): pass\n"
    )
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    combos = replay._params(node, {"markers": replay._Anything()})
    assert [(c["version"], c["verify"], c["__id__"]) for c in combos] == [
        ("s3", True, "s3-True"),
        ("s3v4", False, "s3v4-False"),
    ]


def test_rfc2047_stand_in(replay: ModuleType) -> None:
    """The encodings S3 documents for non-ASCII user metadata (RFC 2047 Q and B)."""
    assert replay.encode_header_rfc2047("plain ascii_value") == "plain ascii_value"
    assert replay.encode_header_rfc2047("ÄMÄZÕÑ S3") == "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?="
    assert replay.encode_header_rfc2047("\x00\x01") == "=?UTF-8?B?AAE=?="


@pytest.fixture(scope="module")
def tally(replay: ModuleType) -> ModuleType:
    spec = importlib.util.spec_from_file_location("replay_tally", SCRIPT.with_name("replay_tally.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unmatchable_only_when_every_difference_is_of_the_allowed_kind(tally: ModuleType) -> None:
    """A DIFF is set apart as unmatchable (random SSE ETags, AWS's varying part number) only while all its
    differences are of that kind: any other difference in the same test keeps it a real DIFF."""
    test = "TestS3SSECEncryption::test_object_retrieval_sse_c"
    etag = 'put-obj-sse-c $.ETag: "\\"bd5d\\"" (AWS: "\\"b68b\\"")'
    assert tally.unmatchable(test, [etag]) is not None
    assert tally.unmatchable(test, [etag, "get-obj-sse-c $.ContentLength: 3 (AWS: 4)"]) is None
    assert tally.unmatchable(test, []) is None
    assert tally.unmatchable("TestS3::test_put_object", [etag]) is None
    part = "TestS3MultipartUploadChecksum::test_complete_multipart_parts_checksum_composite[SHA1]"
    wrong_part = 'complete-multipart-wrong-parts-checksum $.Error.PartNumber: "1" (AWS: "3")'
    assert tally.unmatchable(part, [wrong_part]) is not None
    code = 'complete-multipart-wrong-parts-checksum $.Error.Code: "InvalidPart" (AWS: "BadDigest")'
    assert tally.unmatchable(part, [wrong_part, code]) is None
