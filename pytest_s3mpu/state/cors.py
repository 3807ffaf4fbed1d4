"""CORS as S3 evaluates it: a bucket's rules checked when they are put, and matched against a browser's
preflight (OPTIONS) or actual request.

Layer 2 (store), pure: header values in, a ``Verdict`` (what the answer allows) or an ``S3Error`` out;
the protocol layer spells it as Access-Control-* headers (``protocol/cors_headers.py``) and the app applies
them at one point. Sources: the AWS user guide ("Elements of a CORS configuration",
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
# The method a preflight without Access-Control-Request-Method is judged (and reported) by.
PREFLIGHT_METHOD = "OPTIONS"


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


@dataclass(frozen=True, slots=True)
class Verdict:
    """What S3's answer to a matched browser request allows: the origin it names (``*`` or the request's,
    then with credentials), the rule's methods, the request headers a preflight admits, the headers a
    page may read, and how long a preflight may be cached."""

    origin: str
    credentials: bool
    methods: tuple[str, ...]
    headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_seconds: int | None = None


def _verdict(rule: Rule, any_origin: bool, asked: Asked, preflight: bool) -> Verdict:
    return Verdict(
        origin=ANY_ORIGIN if any_origin else asked.origin,
        credentials=not any_origin,
        methods=rule.allowed_methods,
        headers=asked.headers if preflight else (),
        expose_headers=rule.expose_headers,
        max_age_seconds=rule.max_age_seconds,
    )


def preflight(config: Config | None, bucket_exists: bool, asked: Asked, resource_type: str) -> Verdict:
    """The verdict of S3's 200 answer to a preflight, or its 403 AccessForbidden: the bucket is not
    there, has no CORS configuration, or no rule admits the request (``resource_type``: OBJECT or
    BUCKET, what the URL names; S3 reports BUCKET for the first two whatever the URL)."""
    if not bucket_exists:
        raise errors.AccessForbidden(errors.CORS_BUCKET_NOT_FOUND, asked.method, "BUCKET")
    if config is None:
        raise errors.AccessForbidden(errors.CORS_NOT_ENABLED, asked.method, "BUCKET")
    found = match(config, asked)
    if found is None:
        raise errors.AccessForbidden(errors.CORS_NOT_ALLOWED, asked.method, resource_type)
    return _verdict(*found, asked, preflight=True)


def actual(config: Config | None, asked: Asked) -> Verdict | None:
    """What S3 adds to the answer of an actual request from a page (None, no CORS header, without a
    match)."""
    if config is None:
        return None
    found = match(config, asked)
    return _verdict(*found, asked, preflight=False) if found is not None else None
