"""The pure rules behind browser access, without HTTP: CORS matching (state/cors.py) and the POST policy
(state/post_policy.py). Sources as in test_cors_e2e.py and test_post_upload_e2e.py."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from pytest_s3mpu.protocol import cors_headers, wire
from pytest_s3mpu.protocol.authentication import POST_SIGNATURE_FIELDS
from pytest_s3mpu.state import cors, errors, post_policy

NOW = dt.datetime(2026, 2, 21, 12, 0, tzinfo=dt.timezone.utc)


def asked(origin: str, method: str = "GET", headers: str | None = None) -> cors.Asked:
    return cors.Asked.parse(origin, method, headers)


def test_first_matching_rule_answers_and_later_rules_are_not_consulted():
    """AWS user guide, "How does Amazon S3 evaluate the CORS configuration": the first rule whose
    origin, method and headers match answers."""
    first = cors.Rule(("GET",), ("https://a.example",), expose_headers=("ETag",))
    second = cors.Rule(("GET", "PUT"), ("*",))
    config = cors.check([first, second])
    assert cors.match(config, asked("https://a.example")) == (first, False)
    assert cors.match(config, asked("https://b.example")) == (second, True)
    assert cors.match(config, asked("https://a.example", "PUT")) == (second, True)
    assert cors.match(config, asked("https://a.example", "DELETE")) is None


@pytest.mark.parametrize(
    ("entry", "origin", "matches"),
    [
        ("http://*.origin.com", "http://test.origin.com", True),
        ("http://*.origin.com", "http://test.origin.com/", False),  # recorded 2024-03-01
        ("http://*.origin.com", "https://test.origin.com", False),
        ("https://localhost:4200", "http://localhost:4200", False),  # recorded 2023-07-31
        ("https://localhost:4200", "HTTPS://LOCALHOST:4200", False),  # origins match exactly
        ("*", "localhost:4566", True),
        ("", "", True),
    ],
)
def test_origin_wildcard(entry, origin, matches):
    config = cors.check([cors.Rule(("GET",), (entry,))])
    assert (cors.match(config, asked(origin)) is not None) is matches


def test_requested_headers_match_case_insensitively_and_are_echoed_lower_case():
    """[LS-AWS cors: test_cors_match_headers, recorded 2025-07-07]"""
    rule = cors.Rule(("GET",), ("*",), allowed_headers=("x-AMZ-*",))
    verdict = cors.preflight((rule,), True, asked("o", "GET", "X-Amz-Date,x-amz-content-sha256"), "OBJECT")
    assert verdict.headers == ("x-amz-date", "x-amz-content-sha256")
    assert dict(cors_headers.render(verdict))[wire.CORS_ALLOW_HEADERS] == "x-amz-date, x-amz-content-sha256"
    with pytest.raises(errors.AccessForbidden):
        cors.preflight((rule,), True, asked("o", "GET", "content-type"), "OBJECT")


def test_actual_request_without_match_gets_no_header():
    rule = cors.Rule(("GET",), ("https://a.example",))
    assert cors.actual((rule,), asked("https://b.example")) is None
    assert cors.actual(None, asked("https://a.example")) is None
    assert cors_headers.render(None) == []
    verdict = cors.actual((rule,), asked("https://a.example"))
    assert dict(cors_headers.render(verdict))[wire.CORS_ALLOW_CREDENTIALS] == "true"


def test_a_verdict_is_spelt_in_s3s_header_order():
    """[LS-AWS cors: test_cors_expose_headers, test_put_cors_default_values, recorded 2023-07-31]: the
    origin, credentials, methods, allowed headers (preflight), exposed headers, max age, then Vary."""
    rule = cors.Rule(("GET", "PUT"), ("https://a.example",), ("*",), ("ETag",), 3000)
    verdict = cors.preflight((rule,), True, asked("https://a.example", "PUT", "x-amz-date"), "BUCKET")
    assert cors_headers.render(verdict) == [
        ("Access-Control-Allow-Origin", "https://a.example"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "x-amz-date"),
        ("Access-Control-Expose-Headers", "ETag"),
        ("Access-Control-Max-Age", "3000"),
        ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
    ]
    anyone = cors.actual((cors.Rule(("GET",), ("*",)),), asked("https://b.example"))
    assert cors_headers.render(anyone)[:2] == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "GET"),
    ]


def encoded(document: object) -> str:
    return base64.b64encode(json.dumps(document).encode()).decode()


def test_policy_expiration_is_compared_with_the_clock():
    policy = post_policy.decode(encoded({"expiration": "2026-02-21T12:00:00.000Z", "conditions": []}))
    post_policy.check(policy, {}, 0, NOW - dt.timedelta(seconds=1), signature_fields=POST_SIGNATURE_FIELDS)
    with pytest.raises(errors.AccessDenied, match="Policy expired"):
        post_policy.check(policy, {}, 0, NOW, signature_fields=POST_SIGNATURE_FIELDS)


@pytest.mark.parametrize(
    "text",
    [
        "not base64!",
        base64.b64encode(b"[1, 2]").decode(),
        encoded({"conditions": []}),
        encoded({"expiration": 5}),
    ],
)
def test_undecodable_policies_are_invalid_policy_documents(text):
    with pytest.raises(errors.InvalidPolicyDocument):
        post_policy.decode(text)


def test_conditions_compare_values_exactly_and_names_in_any_case():
    policy = post_policy.decode(
        encoded(
            {
                "expiration": "2030-01-01T00:00:00Z",
                "conditions": [["starts-with", "$Key", "user/"], {"acl": "private"}],
            }
        )
    )
    post_policy.check(
        policy, {"key": "user/a", "acl": "private"}, 1, NOW, signature_fields=POST_SIGNATURE_FIELDS
    )
    for fields in (
        {"key": "User/a", "acl": "private"},
        {"key": "user/a", "acl": "Private"},
        {"key": "user/a"},
    ):
        with pytest.raises(errors.AccessDenied, match="Policy Condition failed"):
            post_policy.check(policy, fields, 1, NOW, signature_fields=POST_SIGNATURE_FIELDS)
    with pytest.raises(errors.AccessDenied, match="Extra input fields: x-amz-meta-a"):
        post_policy.check(
            policy,
            {"key": "user/a", "acl": "private", "x-amz-meta-a": "1"},
            1,
            NOW,
            signature_fields=POST_SIGNATURE_FIELDS,
        )
