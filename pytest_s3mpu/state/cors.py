"""CORS as S3 evaluates it: a bucket's rules checked when they are put, and matched against a browser's
preflight (OPTIONS) or actual request.

Layer 2 (store), pure: header values in, the Access-Control-* headers to answer (or an ``S3Error``) out;
the app applies them at one point. Sources: the AWS user guide ("Elements of a CORS configuration",
"Troubleshooting CORS") and the recordings of LocalStack's tests/aws/services/s3/test_s3_cors.py against
real S3 [LS-AWS cors: test_cors_match_origins, test_cors_match_methods, test_cors_match_headers,
test_cors_expose_headers, test_put_cors_default_values, test_cors_http_options_no_config,
test_cors_http_options_non_existent_bucket, test_cors_options_match_partial_origin,
test_cors_options_fails_partial_origin, recorded 2023-07-31 .. 2025-07-07]:

- the first rule whose AllowedOrigin, AllowedMethod and AllowedHeader entries all admit the request
  answers it; the others are not consulted;
- an AllowedOrigin or AllowedHeader may hold one ``*``, matching any run of characters (so
  ``http://*.origin.com`` admits ``http://test.origin.com`` but not ``http://test.origin.com/``);
  headers match case-insensitively, origins exactly;
- a match through the lone origin ``*`` answers ``Access-Control-Allow-Origin: *`` without credentials;
  any other echoes the origin and allows credentials;
- an actual request is matched with its Access-Control-Request-Method / -Headers when it carries them
  (as S3 does), else with its own method; no match: no CORS header at all, the request still answered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pytest_s3mpu.state import errors

METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
MAX_RULES = 100
ANY_ORIGIN = "*"
# Response headers (the request's are read by the app: Origin, Access-Control-Request-Method/-Headers).
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
ALLOW_METHODS = "Access-Control-Allow-Methods"
ALLOW_HEADERS = "Access-Control-Allow-Headers"
EXPOSE_HEADERS = "Access-Control-Expose-Headers"
MAX_AGE = "Access-Control-Max-Age"
VARY = "Vary"
VARY_VALUE = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
# The method a preflight without Access-Control-Request-Method is judged (and reported) by.
PREFLIGHT_METHOD = "OPTIONS"

Headers = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One CORSRule, its lists as sent (GetBucketCors returns them so, case kept)."""

    allowed_methods: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    allowed_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_seconds: int | None = None
    rule_id: str | None = None


Config = tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Asked:
    """What a browser asks: its Origin, the method and the request headers it wants to use."""

    origin: str
    method: str
    headers: tuple[str, ...] = ()

    @classmethod
    def parse(cls, origin: str, method: str, request_headers: str | None) -> Asked:
        """``request_headers`` as the Access-Control-Request-Headers value: comma-separated, any case,
        with or without spaces; kept lower case, as S3 echoes them."""
        names = tuple(name.strip().lower() for name in (request_headers or "").split(",") if name.strip())
        return cls(origin, method, names)


def _wildcards(value: str) -> int:
    return value.count("*")


def check(rules: Sequence[Rule]) -> Config:
    """The configuration S3 accepts: 1 to 100 rules, each with an origin and a method (MalformedXML),
    methods S3 knows and at most one ``*`` in an origin or allowed header (InvalidRequest)."""
    if not rules or len(rules) > MAX_RULES:
        raise errors.MalformedXML()
    for rule in rules:
        if not rule.allowed_methods or not rule.allowed_origins:
            raise errors.MalformedXML()
        for method in rule.allowed_methods:
            if method not in METHODS:
                raise errors.InvalidRequest(errors.CORS_UNSUPPORTED_METHOD + method)
        for origin in rule.allowed_origins:
            if _wildcards(origin) > 1:
                raise errors.InvalidRequest(errors.cors_wildcards("AllowedOrigin", origin))
        for header in rule.allowed_headers:
            if _wildcards(header) > 1:
                raise errors.InvalidRequest(errors.cors_wildcards("AllowedHeader", header))
    return tuple(rules)


@lru_cache(maxsize=256)
def _pattern(value: str, ignore_case: bool) -> re.Pattern[str]:
    head, star, tail = value.partition("*")
    text = re.escape(head) + (".*" + re.escape(tail) if star else "")
    return re.compile(text, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _matches(entry: str, value: str, ignore_case: bool = False) -> bool:
    return _pattern(entry, ignore_case).fullmatch(value) is not None


def match(config: Config, asked: Asked) -> tuple[Rule, bool] | None:
    """The first rule admitting the request, and whether it admitted the origin through the lone
    ``*`` (then S3 answers ``*`` and no credentials); None when no rule does."""
    for rule in config:
        if asked.method not in rule.allowed_methods:
            continue
        origin = next((entry for entry in rule.allowed_origins if _matches(entry, asked.origin)), None)
        if origin is None:
            continue
        if all(
            any(_matches(entry, name, ignore_case=True) for entry in rule.allowed_headers)
            for name in asked.headers
        ):
            return rule, origin == ANY_ORIGIN
    return None


def _answer(rule: Rule, any_origin: bool, asked: Asked, preflight: bool) -> Headers:
    headers: Headers = [(ALLOW_ORIGIN, ANY_ORIGIN if any_origin else asked.origin)]
    if not any_origin:
        headers.append((ALLOW_CREDENTIALS, "true"))
    headers.append((ALLOW_METHODS, ", ".join(rule.allowed_methods)))
    if preflight and asked.headers:
        headers.append((ALLOW_HEADERS, ", ".join(asked.headers)))
    if rule.expose_headers:
        headers.append((EXPOSE_HEADERS, ", ".join(rule.expose_headers)))
    if rule.max_age_seconds is not None:
        headers.append((MAX_AGE, str(rule.max_age_seconds)))
    headers.append((VARY, VARY_VALUE))
    return headers


def preflight(config: Config | None, bucket_exists: bool, asked: Asked, resource_type: str) -> Headers:
    """The headers of S3's 200 answer to a preflight, or its 403 AccessForbidden: the bucket is not
    there, has no CORS configuration, or no rule admits the request (``resource_type``: OBJECT or
    BUCKET, what the URL names; S3 reports BUCKET for the first two whatever the URL)."""
    if not bucket_exists:
        raise errors.AccessForbidden(errors.CORS_BUCKET_NOT_FOUND, asked.method, "BUCKET")
    if config is None:
        raise errors.AccessForbidden(errors.CORS_NOT_ENABLED, asked.method, "BUCKET")
    found = match(config, asked)
    if found is None:
        raise errors.AccessForbidden(errors.CORS_NOT_ALLOWED, asked.method, resource_type)
    return _answer(*found, asked, preflight=True)


def actual(config: Config | None, asked: Asked) -> Headers:
    """The CORS headers S3 adds to the answer of an actual request from a page (none without a match)."""
    if config is None:
        return []
    found = match(config, asked)
    return _answer(*found, asked, preflight=False) if found is not None else []
