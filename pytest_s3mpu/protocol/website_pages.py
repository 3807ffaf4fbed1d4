"""The website endpoint's HTML error pages: S3's ``<ul>`` of Code, Message, the error's own fields,
RequestId and HostId, and a second list when the bucket's ErrorDocument could not be served.

Layer 3 (protocol). The text is S3's byte for byte [LS-AWS s3: test_website_hosting_no_such_website,
test_website_hosting_http_methods, test_website_hosting_index_lookup, test_website_hosting_404, recorded
2026-02-21]; values are HTML-escaped.
"""

from __future__ import annotations

from html import escape

from pytest_s3mpu.protocol.answers import status_line
from pytest_s3mpu.state import errors


def _items(error: errors.S3Error) -> list[str]:
    fields = [("Code", error.code), ("Message", error.message), *error.fields()]
    return [f"<li>{name}: {escape(value, quote=False)}</li>" for name, value in fields]


def error_page(
    error: errors.S3Error, request_id: str, host_id: str, document_error: errors.S3Error | None = None
) -> bytes:
    """The page for ``error``; ``document_error``: why the ErrorDocument was not served instead."""
    title = status_line(error.status)
    lines = [
        "<html>",
        f"<head><title>{title}</title></head>",
        "<body>",
        f"<h1>{title}</h1>",
        "<ul>",
        *_items(error),
        f"<li>RequestId: {request_id}</li>",
        f"<li>HostId: {host_id}</li>",
        "</ul>",
    ]
    if document_error is not None:
        lines += [
            f"<h3>{errors.WEBSITE_ERROR_DOCUMENT_FAILED}</h3>",
            "<ul>",
            *_items(document_error),
            "</ul>",
        ]
    lines += ["<hr/>", "</body>", "</html>", ""]
    return "\n".join(lines).encode()
