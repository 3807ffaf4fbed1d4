"""A CORS verdict (state/cors.py) spelt as S3 writes it: the Access-Control-* response headers, in S3's
order [LS-AWS cors: test_cors_match_origins, test_cors_expose_headers, test_put_cors_default_values,
recorded 2023-07-31 .. 2025-07-07].

Layer 3 (protocol): the state decides what a page may do; this only names it.
"""

from __future__ import annotations

from pytest_s3mpu.protocol import wire
from pytest_s3mpu.state import cors


def render(verdict: cors.Verdict | None) -> list[tuple[str, str]]:
    """The headers of ``verdict``; none for no verdict (no rule admitted the request)."""
    if verdict is None:
        return []
    headers = [(wire.CORS_ALLOW_ORIGIN, verdict.origin)]
    if verdict.credentials:
        headers.append((wire.CORS_ALLOW_CREDENTIALS, "true"))
    headers.append((wire.CORS_ALLOW_METHODS, ", ".join(verdict.methods)))
    if verdict.headers:
        headers.append((wire.CORS_ALLOW_HEADERS, ", ".join(verdict.headers)))
    if verdict.expose_headers:
        headers.append((wire.CORS_EXPOSE_HEADERS, ", ".join(verdict.expose_headers)))
    if verdict.max_age_seconds is not None:
        headers.append((wire.CORS_MAX_AGE, str(verdict.max_age_seconds)))
    headers.append((wire.VARY, wire.CORS_VARY))
    return headers
