"""A request target as sent, split into its path and query once, for the server and the app alike.

Layer 3 (protocol). RFC 9112 §3.2: origin-form (``/bucket/key?uploads``) or absolute-form
(``http://host/bucket/key?uploads``, whose path is what follows the authority). A path that starts with
"/" is origin-form even when it holds "://" (a key may): it is never folded or slash-merged.
"""

from __future__ import annotations


def split_target(target: str) -> tuple[str, str]:
    """``(path, query)`` of ``target``, both still percent-encoded; the path of an absolute-form target
    without one is "/"."""
    path, _, query = target.partition("?")
    if not path.startswith("/") and "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path, query
