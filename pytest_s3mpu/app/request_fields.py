"""A request's header fields, read once from the WSGI environ.

Layer 5 (app). Werkzeug's ``EnvironHeaders`` rebuilds the environ key for every lookup, and an S3
request looks up about 25 headers (conditions, checksums, SSE, metadata, SDK attempt); here each lookup
is one dictionary get by lower-case name.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pytest_s3mpu.protocol import wire

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

_UNPREFIXED = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}
# Each environ key's header name, worked out once (a client sends the same dozen names on every request);
# bounded, so a client sending ever-new names cannot grow it. A pure function's answers: no lock needed.
_NAMES: dict[str, str] = {}
_NAMES_KEPT = 256


class RequestHeaders(Mapping[str, str]):
    """Header values by case-insensitive name; iterating gives the lower-case names, in environ order."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    @classmethod
    def from_environ(cls, environ: WSGIEnvironment) -> RequestHeaders:
        """``HTTP_X_AMZ_DATE`` as ``x-amz-date``; Content-Type and Content-Length only when not empty
        (as Werkzeug, since a WSGI server may set them to "")."""
        values: dict[str, str] = {}
        names = _NAMES
        for key, value in environ.items():
            if key[:5] == "HTTP_":
                name = names.get(key)
                if name is None:
                    name = key[5:].replace("_", "-").lower()
                    if len(names) < _NAMES_KEPT:
                        names[key] = name
                values[name] = value
            elif key in _UNPREFIXED and value:
                values[_UNPREFIXED[key]] = value
        for name, value in environ.get(wire.UNDERSCORED_METADATA_KEY, ()):
            values[name] = f"{values[name]},{value}" if name in values else value
        return cls(values)

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name.lower(), default)

    def pairs(self) -> ItemsView[str, str]:
        """(lower-case name, value) pairs, without a lookup each (the journal picks its headers here)."""
        return self._values.items()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
