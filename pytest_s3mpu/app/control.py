"""The HTTP control endpoint under ``/_s3mpu/``, for tests written in any language.

Layer 5 (app). No bucket name can start with ``_``, so these paths never shadow S3. JSON in, JSON out:
``GET /_s3mpu/health``, ``POST /_s3mpu/reset``, ``GET|POST|DELETE /_s3mpu/faults``,
``DELETE /_s3mpu/faults/{id}``, ``GET|DELETE /_s3mpu/journal``, ``GET|DELETE /_s3mpu/errors``,
``GET|POST /_s3mpu/clock``, ``GET /_s3mpu/state`` (read-only), ``GET|POST /_s3mpu/settings``,
``GET /_s3mpu/uploads?state=incomplete``; ``GET /_s3mpu/journal?format=jsonl`` answers JSON Lines; and the
read-only inspector: its page ``GET /_s3mpu/`` (HTML, an ``inspector.Page``) and the JSON it polls,
``GET /_s3mpu/inspector.json``. A request
naming a Host that is not allowed is refused (400), and so is a state-changing one (any method but GET
and HEAD) that a browser sends from another origin (403): a web page must not reset the store, add fault
rules or move the clock (``origins``).
No CORS header is ever sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pytest_s3mpu.app import inspector, origins, runtime_settings
from pytest_s3mpu.app.state_view import state_json
from pytest_s3mpu.harness import leaks
from pytest_s3mpu.harness.bugs import HandlerErrors
from pytest_s3mpu.harness.faults import FaultInjector, FaultSpecError
from pytest_s3mpu.harness.journal import Journal, jsonl
from pytest_s3mpu.state import errors
from pytest_s3mpu.state.clock import Clock, ClockError, parse_iso
from pytest_s3mpu.state.store import Store

PREFIX = "/_s3mpu/"
MAX_BODY = 1024 * 1024


class BodyTooLarge(ValueError):
    """A control request body over ``MAX_BODY`` bytes."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class JsonLines(str):
    """A control answer sent as JSON Lines (``application/x-ndjson``) rather than one JSON document."""


JsonReply = tuple[int, Any]


class Control:
    """Answers control requests over the same store, fault rules and journal the S3 app uses."""

    def __init__(
        self, store: Store, faults: FaultInjector, journal: Journal, bugs: HandlerErrors | None = None
    ) -> None:
        self.store = store
        self.faults = faults
        self.journal = journal
        self.bugs = bugs if bugs is not None else HandlerErrors()

    def reset(self) -> None:
        """Empty store, no rules, empty journal, no bugs kept, the clock at real time: what the
        ``s3mpu`` fixture does before each test."""
        self.store.reset()
        self.store.clock.real()
        self.faults.clear()
        self.journal.clear()
        self.bugs.clear()

    def handle(
        self,
        method: str,
        path: str,
        body: Callable[[], bytes],
        headers: Mapping[str, str],
        scheme: str,
        allowed_hosts: frozenset[str],
        query: Mapping[str, str] | None = None,
    ) -> JsonReply:
        """Answer one control request.

        :param headers: the request's header fields (case-insensitive lookups), for the Host and
            Origin checks.
        :param scheme: ``http`` or ``https``: this server's origin is ``scheme://Host``.
        :param allowed_hosts: names as ``origins.allowed_names`` makes them.
        :param query: the query parameters (``format=jsonl`` for the journal, ``state`` for uploads).
        """
        query = query or {}
        host = headers.get("Host")
        if not origins.host_allowed(host, allowed_hosts):
            return 400, {"error": f"Host {host!r} is not allowed. {errors.HostNotAllowed.default_message}"}
        if method not in ("GET", "HEAD") and origins.from_another_origin(headers, scheme):
            return 403, {
                "error": "refused: a browser sent this state-changing request from another origin "
                "(Origin or Sec-Fetch-Site); control requests from web pages are never accepted"
            }
        resource = path[len(PREFIX) :].strip("/")
        routes: dict[tuple[str, str], Callable[[], JsonReply]] = {
            ("GET", "health"): lambda: (200, {"status": "ok"}),
            ("POST", "reset"): self._reset,
            ("GET", "faults"): lambda: (200, [rule.to_json() for rule in self.faults.rules()]),
            ("POST", "faults"): lambda: self._add_faults(body),
            ("DELETE", "faults"): self._clear_faults,
            ("GET", "journal"): lambda: self._journal(query.get("format", "json")),
            ("DELETE", "journal"): self._clear_journal,
            ("GET", "errors"): lambda: (200, [bug.to_json() for bug in self.bugs.entries()]),
            ("DELETE", "errors"): self._clear_errors,
            ("GET", "clock"): lambda: (200, self.store.clock.to_json()),
            ("POST", "clock"): lambda: self._move_clock(body),
            ("GET", "state"): lambda: (200, state_json(self.store)),
            ("GET", "settings"): lambda: (200, runtime_settings.current(self.store)),
            ("POST", "settings"): lambda: self._change_settings(body),
            ("GET", "uploads"): lambda: self._uploads(query.get("state", "incomplete")),
            ("GET", ""): lambda: (200, inspector.page()),
            ("GET", "inspector.json"): lambda: (200, self.inspection()),
        }
        if resource.startswith("faults/"):
            return self._one_fault(method, resource[len("faults/") :])
        action = routes.get((method, resource))
        if action is None:
            known = {name for _, name in routes}
            if resource in known:
                return 405, {"error": f"{method} is not allowed on {PREFIX}{resource}"}
            return 404, {"error": f"no control resource {PREFIX}{resource}"}
        return action()

    def inspection(self) -> dict[str, Any]:
        """What the inspector shows now (``GET /_s3mpu/inspector.json``)."""
        return inspector.snapshot(self.store, self.faults, self.journal)

    def _reset(self) -> JsonReply:
        self.reset()
        return 200, {"status": "reset"}

    def _journal(self, form: str) -> JsonReply:
        if form == "jsonl":
            return 200, JsonLines(jsonl(self.journal.entries()))
        if form != "json":
            return 400, {"error": f"format must be json or jsonl, not {_cut(form)!r}"}
        return 200, [entry.to_json() for entry in self.journal.entries()]

    def _uploads(self, state: str) -> JsonReply:
        """The multipart uploads neither completed nor aborted, each with its parts and journal lines
        (``state=incomplete``, the only state the double keeps uploads in)."""
        if state != "incomplete":
            return 400, {"error": f"state must be incomplete, not {_cut(state)!r}"}
        return 200, [upload.to_json() for upload in leaks.incomplete_uploads(self.store, self.journal)]

    def _clear_faults(self) -> JsonReply:
        self.faults.clear()
        return 200, []

    def _one_fault(self, method: str, rule_id: str) -> JsonReply:
        """``DELETE /_s3mpu/faults/{id}`` removes one rule and answers it as it was (its ``hits``);
        ``GET`` shows it. An id no rule has is 404, so a typo is not mistaken for a removal."""
        if method == "DELETE":
            removed = self.faults.pop(rule_id)
            if removed is None:
                return 404, {"error": f"no fault rule with id {_cut(rule_id)!r}"}
            return 200, removed.to_json()
        if method == "GET":
            for rule in self.faults.rules():
                if rule.id == rule_id:
                    return 200, rule.to_json()
            return 404, {"error": f"no fault rule with id {_cut(rule_id)!r}"}
        return 405, {"error": f"{method} is not allowed on {PREFIX}faults/{{id}}"}

    def _change_settings(self, read: Callable[[], bytes]) -> JsonReply:
        data, refused = _read_json(read, "a settings change")
        if refused is not None:
            return refused
        try:
            return 200, runtime_settings.change(self.store, data)
        except runtime_settings.SettingsError as exc:
            return 400, {"error": str(exc)}

    def _clear_journal(self) -> JsonReply:
        self.journal.clear()
        return 200, []

    def _clear_errors(self) -> JsonReply:
        self.bugs.clear()
        return 200, []

    def _add_faults(self, read: Callable[[], bytes]) -> JsonReply:
        data, refused = _read_json(read, "a fault rule")
        if refused is not None:
            return refused
        specs = data if isinstance(data, list) else [data]
        if not all(isinstance(spec, dict) for spec in specs):
            return 400, {"error": "a fault rule is a JSON object, or a list of them"}
        try:
            rules = self.faults.add_many(specs)
        except FaultSpecError as exc:
            return 400, {"error": str(exc)}
        return 200, [rule.to_json() for rule in rules]

    def _move_clock(self, read: Callable[[], bytes]) -> JsonReply:
        data, refused = _read_json(read, "a clock change")
        if refused is not None:
            return refused
        try:
            clock_change(self.store.clock, data)
        except ClockError as exc:
            return 400, {"error": str(exc)}
        return 200, self.store.clock.to_json()


def _read_json(read: Callable[[], bytes], what: str) -> tuple[Any, JsonReply | None]:
    """A control body as JSON (absent: ``null``), or the answer refusing it: 413 over ``MAX_BODY``,
    400 for what is no JSON (not UTF-8, NaN or Infinity, nesting ``json`` cannot parse)."""
    try:
        raw = read()
    except BodyTooLarge:
        return None, (413, {"error": f"the body is larger than {MAX_BODY} bytes"})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, (400, {"error": "body is not JSON: not UTF-8"})
    try:
        return json.loads(text or "null", parse_constant=_no_constant), None
    except ValueError as exc:  # NaN and Infinity too: they are no JSON, and control values are finite
        return None, (400, {"error": f"body is not JSON: {exc}"})
    except RecursionError:  # json gives up near 1,000 levels; no control body is more than 2 deep
        return None, (400, {"error": f"body is not {what}: nested too deep"})


_CLOCK_FIELDS = ("advance_s", "now", "real", "frozen")


def _shown(value: Any) -> str:
    """A JSON value for a message, cut short (a body may be up to ``MAX_BODY`` bytes)."""
    return _cut(json.dumps(value))


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clock_change(clock: Clock, data: Any) -> None:
    """Apply ``POST /_s3mpu/clock``'s body: one of ``{"advance_s": N}``, ``{"now": ISO-8601}``,
    ``{"real": true}``, with ``"frozen": true|false`` beside the first two or alone. Everything is
    checked before the clock moves; a ``ClockError`` names the field at fault."""
    if not isinstance(data, dict) or not data:
        raise ClockError(
            'a clock change is a JSON object: {"advance_s": N}, {"now": "ISO-8601"}, {"real": true}, '
            'optionally with "frozen": true|false'
        )
    unknown = sorted(set(data) - set(_CLOCK_FIELDS))
    if unknown:
        allowed = ", ".join(_CLOCK_FIELDS)
        raise ClockError(f"unknown clock field(s): {_cut(', '.join(unknown))} (allowed: {allowed})")
    moves = [name for name in ("advance_s", "now", "real") if name in data]
    if len(moves) > 1:
        raise ClockError(f"give one of advance_s, now and real, not {' and '.join(moves)}")
    frozen = data.get("frozen")
    if "frozen" in data and not isinstance(frozen, bool):
        raise ClockError(f"frozen must be true or false, not {_shown(frozen)}")
    if "real" in data:
        if data["real"] is not True:
            raise ClockError(f"real must be true, not {_shown(data['real'])}")
        if frozen:
            raise ClockError("real time flows: real cannot be frozen")
        clock.real()
    elif "now" in data:
        try:
            moment = parse_iso(data["now"])
        except ClockError as exc:
            raise ClockError(f"now: {exc}") from None
        try:
            if frozen:
                clock.freeze(moment)
            else:
                clock.set(moment)
        except ClockError as exc:
            raise ClockError(f"now: {exc}") from None
    elif "advance_s" in data:
        seconds = data["advance_s"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise ClockError(f"advance_s must be a number of seconds, not {_shown(seconds)}")
        try:
            clock.advance(seconds)
        except ClockError as exc:
            raise ClockError(f"advance_s: {exc}") from None
        if frozen is True:
            clock.freeze()
        elif frozen is False:
            clock.unfreeze()
    elif frozen:
        clock.freeze()
    else:
        clock.unfreeze()
