"""``GET|POST /_s3mpu/settings``: the in-memory server's per-test settings, read and changed at run time.

Layer 5 (app). For suites in other languages, which have no pytest marker: what ``@pytest.mark.s3mpu``
changes for one test, a running server changes over HTTP. Every field is checked before any is applied
(one bad field changes nothing). Sizes are whole numbers of bytes here (JSON has numbers; the unit forms
such as ``5MiB`` are for the command line and the ini file). ``POST /_s3mpu/reset`` leaves settings as
they are: they belong to the server, not to a test's state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_s3mpu.state import access
from pytest_s3mpu.state.store import Store


class SettingsError(ValueError):
    """A settings change that names an unknown setting or a bad value; nothing was changed."""


def _size(name: str, value: Any, store: Store) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{name} must be a whole number of bytes, not {value!r}")
    if not 1 <= value <= store.limits.max_part_size:
        raise SettingsError(f"{name} must be between 1 and {store.limits.max_part_size}, not {value}")
    return value


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[str, Any, Store], str]:
    def check(_: str, value: Any, store: Store) -> str:
        if value not in choices:
            raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return str(value)

    return check


def _region(name: str, value: Any, store: Store) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{name} must be a region name such as us-east-1, not {value!r}")
    return value.strip()


def _account_id(name: str, value: Any, store: Store) -> str:
    if not isinstance(value, str) or not access.is_account_id(value):
        raise SettingsError(f"{name} must be an AWS account ID of twelve digits (as text), not {value!r}")
    return value


_CHECKS: dict[str, Callable[[str, Any, Store], Any]] = {
    "min_part_size": _size,
    "max_body_size": _size,
    "region": _region,
    "storage": _choice("storage", ("memory", "sizes")),
    "object_ownership": _choice("object_ownership", access.OWNERSHIPS),
    "account_id": _account_id,
}


def current(store: Store) -> dict[str, Any]:
    """The settings as the server applies them now."""
    return {
        "min_part_size": store.limits.min_part_size,
        "max_body_size": store.limits.body_limit(store.limits.max_part_size),
        "region": store.region,
        "storage": "memory" if store.keep_bytes else "sizes",
        "object_ownership": store.object_ownership,
        "account_id": store.account_id,
    }


def change(store: Store, data: Any) -> dict[str, Any]:
    """Apply ``POST /_s3mpu/settings``'s body (a JSON object of settings) and answer the new settings."""
    if not isinstance(data, dict) or not data:
        raise SettingsError(f"a settings change is a JSON object of one or more of: {', '.join(_CHECKS)}")
    unknown = sorted(set(data) - set(_CHECKS))
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)[:200]} (allowed: {', '.join(_CHECKS)})")
    values = {name: _CHECKS[name](name, value, store) for name, value in data.items()}
    # Every value checked above; applied together, in one Store.configure.
    store.configure(store.config.with_settings(**values))
    return current(store)
