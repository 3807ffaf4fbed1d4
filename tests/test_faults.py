"""Fault rules and the request journal without HTTP: matching, counting, ordering, presets, validation and
the journal's assertion helpers (issue 3: "Fault rules"; STYLE.md: test_faults.py)."""

from __future__ import annotations

import gc

import pytest

from pytest_s3mpu.harness.faults import (
    FaultInjector,
    FaultRule,
    FaultSpecError,
    RequestInfo,
    rule_from_mapping,
)
from pytest_s3mpu.harness.journal import Journal, JournalEntry

PART = RequestInfo("UploadPart", bucket="bkt", key="logs/a.gz", upload_id="U1", part_number=2)
PUT = RequestInfo("PutObject", bucket="bkt", key="logs/a.gz")

# The wire texts of S3's stress errors (AWS docs: Error responses, "List of error codes").
SLOW_DOWN = "Please reduce your request rate."
INTERNAL = "We encountered an internal error. Please try again."
TIMEOUT = (
    "Your socket connection to the server was not read from or written to within the timeout period. "
    "Idle connections will be closed."
)


def fires(injector: FaultInjector, info: RequestInfo, count: int) -> list[str | None]:
    """The id of the rule that fires for each of ``count`` identical requests (None: let through)."""
    return [getattr(injector.decide(info), "id", None) for _ in range(count)]


# -- matching ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "matches"),
    [
        ({"operation": "UploadPart"}, True),
        ({"operation": "PutObject"}, False),
        ({"operation": "*"}, True),
        ({"operation": "UploadPart", "bucket": "bkt"}, True),
        ({"operation": "UploadPart", "bucket": "other"}, False),
        ({"operation": "UploadPart", "key": "logs/*.gz"}, True),
        ({"operation": "UploadPart", "key": "logs/a.g?"}, True),
        ({"operation": "UploadPart", "key": "LOGS/*"}, False),
        ({"operation": "UploadPart", "key": "*.txt"}, False),
        ({"operation": "UploadPart", "key": "logs/a.gz"}, True),
        ({"operation": "UploadPart", "part_number": 2}, True),
        ({"operation": "UploadPart", "part_number": 3}, False),
        ({"operation": "UploadPart", "upload_id": "U1"}, True),
        ({"operation": "UploadPart", "upload_id": "U2"}, False),
        (
            {
                "operation": "UploadPart",
                "bucket": "bkt",
                "key": "logs/*",
                "part_number": 2,
                "upload_id": "U1",
            },
            True,
        ),
        (
            {
                "operation": "UploadPart",
                "bucket": "bkt",
                "key": "logs/*",
                "part_number": 1,
                "upload_id": "U1",
            },
            False,
        ),
    ],
)
def test_rule_matching(spec, matches):
    """A rule matches on the operation (AWS name or ``*``) and, when given, bucket, key glob (case-sensitive,
    as S3 keys are), part number and upload id; every given field must match (issue 3: Match)."""
    assert FaultRule(preset="InternalError", **spec).matches(PART) is matches


def test_key_glob_needs_a_key():
    """A key pattern never matches a request without a key (a bucket-level request), even ``*``."""
    rule = FaultRule(operation="*", key="*", preset="InternalError")
    assert rule.matches(RequestInfo("ListObjectsV2", bucket="bkt")) is False
    assert rule.matches(PUT) is True


def test_part_number_rule_ignores_other_operations():
    """``part_number`` narrows a rule; a request without one (PutObject) does not match it."""
    assert FaultRule(operation="*", part_number=2, preset="InternalError").matches(PUT) is False


# -- counting ------------------------------------------------------------------------------------------


def test_times_defaults_to_one():
    """``times`` defaults to 1: the rule fires once, then lets every request through (issue 3)."""
    injector = FaultInjector()
    rule = injector.add(operation="UploadPart", preset="InternalError")
    assert fires(injector, PART, 4) == [rule.id, None, None, None]
    assert rule.hits == 1


def test_times_none_is_always():
    """``times=None`` (JSON null) fires on every matching request (issue 3)."""
    injector = FaultInjector()
    rule = injector.add(operation="UploadPart", times=None, preset="InternalError")
    assert fires(injector, PART, 50) == [rule.id] * 50
    assert rule.hits == 50


def test_times_zero_never_fires():
    """``times=0`` is a rule that is present but spent."""
    injector = FaultInjector()
    rule = injector.add(operation="UploadPart", times=0, preset="InternalError")
    assert fires(injector, PART, 3) == [None, None, None]
    assert rule.hits == 0


def test_skip_then_times():
    """``skip=2, times=2``: the first two matching requests pass, the next two fail, the rest pass."""
    injector = FaultInjector()
    rule = injector.add(operation="UploadPart", skip=2, times=2, preset="InternalError")
    assert fires(injector, PART, 6) == [None, None, rule.id, rule.id, None, None]
    assert rule.hits == 2


def test_non_matching_requests_do_not_count():
    """Only matching requests count toward ``skip`` and ``times``."""
    injector = FaultInjector()
    rule = injector.add(operation="UploadPart", part_number=2, skip=1, preset="InternalError")
    other = RequestInfo("UploadPart", bucket="bkt", key="k", upload_id="U1", part_number=1)
    assert fires(injector, other, 3) == [None, None, None]
    assert fires(injector, PART, 2) == [None, rule.id]


def test_probability_with_seed_is_deterministic():
    """The same seed gives the same sequence of fired/let through; another seed another (issue 3:
    "probability with a seed (deterministic)")."""

    def pattern(seed: int) -> list[bool]:
        injector = FaultInjector()
        injector.add(operation="PutObject", probability=0.3, seed=seed, times=None, preset="InternalError")
        return [fired is not None for fired in fires(injector, PUT, 100)]

    first, again, other = pattern(42), pattern(42), pattern(7)
    assert first == again
    assert first != other
    assert 0 < sum(first) < 100  # some fire, some do not


def test_probability_draws_only_for_eligible_requests():
    """Skipped and non-matching requests do not consume draws: inserting them keeps the sequence."""

    def pattern(noise: bool) -> list[bool]:
        injector = FaultInjector()
        injector.add(
            operation="PutObject", probability=0.5, seed=3, skip=2, times=None, preset="InternalError"
        )
        result = []
        for _ in range(40):
            if noise:
                injector.decide(PART)
            result.append(injector.decide(PUT) is not None)
        return result

    assert pattern(False) == pattern(True)
    assert pattern(False)[:2] == [False, False]


@pytest.mark.parametrize(("probability", "expected"), [(0.0, 0), (1.0, 20)])
def test_probability_bounds(probability, expected):
    """Probability 0 never fires; 1 always does (within ``times``)."""
    injector = FaultInjector()
    injector.add(operation="PutObject", probability=probability, seed=1, times=None, preset="InternalError")
    assert sum(fired is not None for fired in fires(injector, PUT, 20)) == expected


def test_probability_respects_times():
    """``times`` caps the hits of a probabilistic rule."""
    injector = FaultInjector()
    rule = injector.add(operation="PutObject", probability=1.0, seed=1, times=3, preset="InternalError")
    assert sum(fired is not None for fired in fires(injector, PUT, 10)) == 3
    assert rule.hits == 3


# -- ordering ------------------------------------------------------------------------------------------


def test_first_matching_rule_wins():
    """Rules are tried in the order they were added; the first that fires answers (STYLE: faults)."""
    injector = FaultInjector()
    first = injector.add(operation="UploadPart", preset="SlowDown", times=2)
    second = injector.add(operation="*", preset="InternalError", times=None)
    assert fires(injector, PART, 4) == [first.id, first.id, second.id, second.id]
    assert fires(injector, PUT, 1) == [second.id]
    assert (first.hits, second.hits) == (2, 3)


def test_a_rule_that_does_not_match_lets_the_next_one_fire():
    """A first rule for another part does not shadow a later rule that matches."""
    injector = FaultInjector()
    injector.add(operation="UploadPart", part_number=1, preset="InternalError")
    later = injector.add(operation="UploadPart", part_number=2, preset="InternalError")
    assert injector.decide(PART) is later


# -- the injector's API ----------------------------------------------------------------------------------


def test_ids_remove_and_clear():
    """``add`` returns the rule with an id; ``remove`` takes a rule or its id; ``clear`` empties the
    list and restarts the ids."""
    injector = FaultInjector()
    one = injector.add(operation="PutObject", preset="InternalError")
    two = injector.add(FaultRule(operation="GetObject", preset="SlowDown"))
    three = injector.add(operation="UploadPart", preset="InternalError")
    assert [one.id, two.id, three.id] == ["fault-1", "fault-2", "fault-3"]
    injector.remove(two)
    injector.remove(three.id)
    assert injector.rules() == [one]
    assert len(injector) == 1
    injector.clear()
    assert list(injector) == []
    assert injector.add(operation="PutObject", preset="InternalError").id == "fault-1"


def test_rule_context_manager_removes_the_rule():
    """``with faults.rule(...) as rule`` activates the rule for the block only; the rule keeps its hits."""
    injector = FaultInjector()
    with injector.rule(operation="UploadPart", times=None, preset="SlowDown") as rule:
        assert injector.rules() == [rule]
        assert injector.decide(PART) is rule
    assert injector.rules() == []
    assert injector.decide(PART) is None
    assert rule.hits == 1


def test_add_many_is_all_or_nothing():
    """A list with one invalid rule adds none (the control endpoint answers 400 and changes nothing)."""
    injector = FaultInjector()
    with pytest.raises(FaultSpecError):
        injector.add_many(
            [
                {"operation": "PutObject", "preset": "SlowDown"},
                {"operation": "PutObject", "action": "explode"},
            ]
        )
    assert injector.rules() == []
    rules = injector.add_many(
        [
            {"operation": "PutObject", "preset": "SlowDown"},
            {"operation": "GetObject", "action": "reset", "times": None},
        ]
    )
    assert [r.id for r in rules] == ["fault-1", "fault-2"]
    assert rules[1].times is None


def test_to_json_uses_the_field_names():
    """A rule's JSON carries its fields, id and hits, and nothing internal."""
    injector = FaultInjector()
    rule = injector.add(operation="UploadPart", part_number=2, preset="SlowDown")
    injector.decide(PART)
    data = rule.to_json()
    assert data["id"] == "fault-1"
    assert data["hits"] == 1
    assert data["operation"] == "UploadPart"
    assert data["part_number"] == 2
    assert data["times"] == 1
    assert (data["status"], data["code"], data["message"]) == (503, "SlowDown", SLOW_DOWN)
    assert "_random" not in data
    assert "seen" not in data


# -- presets and errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "status", "code", "message"),
    [
        ("SlowDown", 503, "SlowDown", SLOW_DOWN),
        ("InternalError", 500, "InternalError", INTERNAL),
        ("ServiceUnavailable", 503, "ServiceUnavailable", SLOW_DOWN),
        ("RequestTimeout", 400, "RequestTimeout", TIMEOUT),
    ],
)
def test_presets(preset, status, code, message):
    """Each preset is the status, code and wire message S3 sends (issue 3: presets; AWS docs: Error
    responses list SlowDown 503, InternalError 500, ServiceUnavailable 503, RequestTimeout 400)."""
    rule = FaultRule(operation="PutObject", preset=preset)
    error = rule.error()
    assert (error.status, error.code, error.message) == (status, code, message)
    assert (rule.status, rule.code, rule.message) == (status, code, message)


def test_slow_down_carries_retry_after():
    """SlowDown asks the client to wait: Retry-After and x-amz-retry-after (issue 3); other presets do not."""
    assert FaultRule(preset="SlowDown").error_headers() == [("Retry-After", "1"), ("x-amz-retry-after", "1")]
    assert FaultRule(preset="SlowDown", retry_after=3).error_headers() == [
        ("Retry-After", "3"),
        ("x-amz-retry-after", "3"),
    ]
    for preset in ("InternalError", "ServiceUnavailable", "RequestTimeout"):
        assert FaultRule(preset=preset).error_headers() == []


def test_custom_error_and_overrides():
    """An error may be given as status + code (+ message); a preset's message can be overridden."""
    custom = FaultRule(operation="PutObject", status=403, code="AccessDenied", message="Access Denied")
    assert (custom.error().status, custom.error().code, custom.error().message) == (
        403,
        "AccessDenied",
        "Access Denied",
    )
    assert FaultRule(operation="PutObject", status=409, code="OperationAborted").error().message == (
        "OperationAborted"
    )
    overridden = FaultRule(preset="InternalError", message="boom")
    assert (overridden.status, overridden.code, overridden.message) == (500, "InternalError", "boom")


def test_embedded_error_defaults_to_internal_error():
    """An embedded error with no code is InternalError, the error S3 reports after a 200 (AWS docs:
    CompleteMultipartUpload, "Special errors")."""
    rule = FaultRule(operation="CompleteMultipartUpload", action="embedded_error")
    assert (rule.status, rule.code, rule.message) == (500, "InternalError", INTERNAL)


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ({"operation": "UplodPart", "preset": "SlowDown"}, "operation"),
        ({"operation": "UploadPart"}, "preset"),
        ({"action": "explode"}, "action"),
        ({"apply": "during"}, "apply"),
        ({"preset": "Throttled"}, "preset"),
        ({"action": "error", "code": "X"}, "status"),
        ({"action": "error", "status": 500}, "code"),
        ({"operation": "UploadPart", "action": "embedded_error"}, "embedded_error"),
        ({"operation": "PutObject", "action": "corrupt_etag"}, "corrupt_etag"),
        ({"preset": "SlowDown", "probability": 1.5}, "probability"),
        ({"preset": "SlowDown", "probability": -0.1}, "probability"),
        ({"preset": "SlowDown", "times": -1}, "times"),
        ({"preset": "SlowDown", "skip": -1}, "skip"),
        ({"action": "delay", "delay_s": -1}, "delay_s"),
        (
            {"operation": "CompleteMultipartUpload", "action": "embedded_error", "keepalive_s": 0},
            "keepalive_s",
        ),
        ({"action": "truncate", "truncate_at": 1.5}, "truncate_at"),
        ({"preset": "SlowDown", "colour": "red"}, "colour"),
        ({"preset": "SlowDown", "times": "twice"}, None),
        ({"preset": "SlowDown", "hits": 3}, "hits"),
    ],
)
def test_invalid_specs(spec, complaint):
    """A rule that cannot mean anything is refused with FaultSpecError naming the field, so a typo never
    leaves a silent rule that never fires (issue 3; README: fault schema)."""
    with pytest.raises(FaultSpecError, match=complaint):
        rule_from_mapping(spec)
    injector = FaultInjector()
    with pytest.raises(FaultSpecError):
        injector.add(**spec)
    assert injector.rules() == []


def test_fault_spec_error_is_a_value_error():
    """Callers catching ValueError (JSON loaders, argparse) catch it too."""
    assert issubclass(FaultSpecError, ValueError)


# -- journal -------------------------------------------------------------------------------------------


def entry(journal: Journal, operation: str, **fields: object) -> JournalEntry:
    values: dict[str, object] = {
        "seq": journal.next_seq(),
        "time": 0.0,
        "operation": operation,
        "bucket": "bkt",
        "key": "k",
        "upload_id": None,
        "part_number": None,
        "status": 200,
        "error_code": None,
        "bytes_in": 0,
        "bytes_out": 0,
        "duration_ms": 1.0,
        "fault": None,
        "attempt": 1,
        "invocation_id": "inv-1",
    }
    values.update(fields)
    made = JournalEntry(**values)  # type: ignore[arg-type]
    journal.record(made)
    return made


@pytest.fixture
def journal() -> Journal:
    """A journal of one multipart upload: part 2 failed twice (SlowDown), was retried, then completed."""
    j = Journal()
    entry(j, "CreateMultipartUpload", upload_id="U1")
    entry(j, "UploadPart", upload_id="U1", part_number=1, bytes_in=10)
    for attempt in (1, 2):
        entry(
            j,
            "UploadPart",
            upload_id="U1",
            part_number=2,
            status=503,
            error_code="SlowDown",
            fault="fault-1",
            attempt=attempt,
            invocation_id="inv-2",
        )
    entry(j, "UploadPart", upload_id="U1", part_number=2, attempt=3, invocation_id="inv-2")
    entry(j, "UploadPart", upload_id="U2", part_number=2)
    entry(j, "CompleteMultipartUpload", upload_id="U1", status=200, error_code="InternalError", fault="f-2")
    entry(j, "PutObject", status=None, fault="fault-3")
    entry(j, "AbortMultipartUpload", upload_id="U2", status=204)
    return j


def test_journal_entries_in_seq_order(journal):
    """Entries come back in sequence order even when recorded out of order (threads finish in any order)."""
    late = Journal()
    seqs = [late.next_seq() for _ in range(3)]
    for seq in reversed(seqs):
        late.record(
            JournalEntry(seq, 0.0, "PutObject", "b", "k", None, None, 200, None, 0, 0, 0.0, None, 1, None)
        )
    assert [e.seq for e in late.entries()] == [1, 2, 3]
    assert len(journal) == 9
    assert [e.seq for e in journal] == list(range(1, 10))


def test_journal_requests_and_attempts(journal):
    """``requests(op, **match)`` filters on any field; ``attempts`` lists the SDK attempt numbers."""
    assert len(journal.requests()) == 9
    assert len(journal.requests("UploadPart")) == 5
    assert [e.status for e in journal.requests("UploadPart", upload_id="U1", part_number=2)] == [
        503,
        503,
        200,
    ]
    assert journal.attempts("UploadPart", upload_id="U1", part_number=2) == [1, 2, 3]
    assert journal.attempts("UploadPart", part_number=1) == [1]
    assert journal.requests("UploadPart", fault="fault-1", attempt=2)[0].error_code == "SlowDown"


def test_journal_part_attempts(journal):
    """``part_attempts(n)`` counts UploadPart requests for part n, of one upload if given."""
    assert journal.part_attempts(2) == 4
    assert journal.part_attempts(2, upload_id="U1") == 3
    assert journal.part_attempts(1) == 1
    assert journal.part_attempts(9) == 0


def test_journal_failed(journal):
    """``failed()``: error statuses, dropped connections and 200s that carried an embedded error."""
    failed = journal.failed()
    assert [(e.operation, e.status, e.error_code) for e in failed] == [
        ("UploadPart", 503, "SlowDown"),
        ("UploadPart", 503, "SlowDown"),
        ("CompleteMultipartUpload", 200, "InternalError"),
        ("PutObject", None, None),
    ]


def test_journal_aborted(journal):
    """``aborted()`` tells whether an AbortMultipartUpload succeeded (204), for one upload if given."""
    assert journal.aborted() is True
    assert journal.aborted("U2") is True
    assert journal.aborted("U1") is False
    assert Journal().aborted() is False
    unsuccessful = Journal()
    entry(unsuccessful, "AbortMultipartUpload", upload_id="U1", status=404, error_code="NoSuchUpload")
    assert unsuccessful.aborted("U1") is False


def test_journal_table(journal):
    """``table()`` has a header and one row per entry, showing dropped connections and faults."""
    lines = journal.table().splitlines()
    assert lines[0].split() == [
        "seq",
        "operation",
        "bucket/key",
        "part",
        "status",
        "error",
        "fault",
        "attempt",
        "ms",
    ]
    assert len(lines) == 10
    assert lines[3].split() == ["3", "UploadPart", "bkt/k", "2", "503", "SlowDown", "fault-1", "1", "1.0"]
    assert lines[8].split() == ["8", "PutObject", "bkt/k", "dropped", "fault-3", "1", "1.0"]
    assert len(journal.table(limit=2).splitlines()) == 3


def test_journal_clear_restarts_seq(journal):
    """``clear()`` empties the journal and restarts the sequence at 1."""
    journal.clear()
    assert journal.entries() == []
    assert journal.next_seq() == 1


def test_journal_limit_keeps_the_newest_entries():
    """``Journal(limit=3)`` keeps the newest three entries; ``seq`` keeps counting past them, and a
    cleared journal keeps its limit. A limit below 1 is refused."""
    bounded = Journal(limit=3)
    for number in range(5):
        entry(bounded, "PutObject", key=f"k{number}")
    assert [(e.seq, e.key) for e in bounded] == [(3, "k2"), (4, "k3"), (5, "k4")]
    assert len(bounded) == 3
    bounded.clear()
    for number in range(4):
        entry(bounded, "PutObject", key=f"k{number}")
    assert [e.seq for e in bounded] == [2, 3, 4]
    with pytest.raises(ValueError, match="at least 1"):
        Journal(limit=0)


def test_journal_entries_cost_the_garbage_collector_nothing():
    """Kept entries are plain tuples of plain values, which CPython's collector stops tracking after one
    pass: a standalone server's 100,000 entries must not make every full collection (and with it every
    request that triggers one) slower. Entries come back as ``JournalEntry``, equal to what was recorded."""
    journal = Journal()
    recorded = [entry(journal, "UploadPart", part_number=number) for number in range(1, 4)]
    recorded.append(entry(journal, "PutObject", request_headers=(("content-md5", "x"), ("expect", "y"))))
    gc.collect()
    assert sum(map(gc.is_tracked, list(journal._entries))) == 0
    assert journal.entries() == recorded
    assert all(isinstance(e, JournalEntry) for e in journal.entries())


def test_journal_to_json_field_names(journal):
    """The JSON names are those of the issue: seq … invocation_id, then method and path (issue 19), then
    the access key and the signature check's outcome (issue 17)."""
    assert list(journal.entries()[0].to_json()) == [
        "seq",
        "time",
        "operation",
        "bucket",
        "key",
        "upload_id",
        "part_number",
        "status",
        "error_code",
        "bytes_in",
        "bytes_out",
        "duration_ms",
        "fault",
        "attempt",
        "invocation_id",
        "method",
        "path",
        "access_key",
        "auth",
        "query",
        "request_headers",
        "response_headers",
        "fault_action",
        "lifecycle",
    ]


# -- the actions of issue 18 ---------------------------------------------------------------------------


def test_actions_are_an_enum_and_rules_list_back_as_json_text():
    """``action`` is an ``Action`` once built, and its JSON (control API, ``--faults``) is the plain name."""
    from pytest_s3mpu.harness.faults import Action

    rule = FaultRule(operation="UploadPart", action="cut_request", after_bytes=10)
    assert rule.action is Action.CUT_REQUEST
    assert rule.to_json()["action"] == "cut_request" and type(rule.to_json()["action"]) is str


def test_delay_jitter_is_seeded_per_request():
    """The n-th request a rule fires on gets the same jitter in every run with the same seed, within
    [0, jitter_s]; another seed gives other delays (issue 18: "seeded, uniform; reproducible")."""
    first = FaultRule(action="delay", delay_s=0.1, jitter_s=0.5, seed=7)
    again = FaultRule(action="delay", delay_s=0.1, jitter_s=0.5, seed=7)
    other = FaultRule(action="delay", delay_s=0.1, jitter_s=0.5, seed=8)
    draws = [first.jitter(hit) for hit in range(1, 11)]
    assert draws == [again.jitter(hit) for hit in range(1, 11)]
    assert draws != [other.jitter(hit) for hit in range(1, 11)]
    assert all(0.0 <= d <= 0.5 for d in draws) and len(set(draws)) == 10
    assert FaultRule(action="delay").jitter(1) == 0.0


@pytest.mark.parametrize(
    ("scope", "extra", "first", "second"),
    [
        ("global", {}, PART, PUT),
        ("bucket", {}, PART, RequestInfo("PutObject", bucket="other", key="logs/a.gz")),
        ("key", {}, PART, RequestInfo("PutObject", bucket="bkt", key="logs/b.gz")),
        ("prefix", {"prefix": "logs/"}, PART, RequestInfo("PutObject", bucket="bkt", key="data/x")),
    ],
)
def test_throttle_scopes(scope, extra, first, second):
    """A token bucket per scope: with a burst of 2 and a rate too slow to refill, the third request in a
    scope is refused; ``second`` is in another scope (or, for ``prefix``, outside it) except for
    ``global``, where every request shares one bucket."""
    injector = FaultInjector()
    rule = injector.add(action="throttle", rate=0.0001, burst=2, scope=scope, **extra)
    assert fires(injector, first, 3) == [None, None, rule.id]
    assert fires(injector, second, 1) == ([rule.id] if scope == "global" else [None])
    report = injector.throttle_report()[rule.id]
    assert sum(s.admitted for s in report.values()) == (2 if scope in ("global", "prefix") else 3)
    assert sum(s.refused for s in report.values()) == (2 if scope == "global" else 1)


def test_sequence_hands_out_its_steps_then_lets_everything_through():
    """Successive matching requests get successive steps (null: through), each named by its index."""
    injector = FaultInjector()
    rule = injector.add(
        operation="UploadPart",
        action="sequence",
        sequence=[{"preset": "SlowDown"}, None, {"action": "reset"}],
    )
    fired = [injector.fire(PART) for _ in range(5)]
    assert [f.id if f else None for f in fired] == [f"{rule.id}[0]", None, f"{rule.id}[2]", None, None]
    assert [f.act.action.value if f else None for f in fired] == ["error", None, "reset", None, None]
    assert fired[0] is not None and fired[0].act.code == "SlowDown"
    assert rule.hits == 3


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"action": "bandwidth"}, "bandwidth needs bytes_per_s"),
        ({"action": "bandwidth", "bytes_per_s": 0}, "bytes_per_s must be positive"),
        ({"action": "bandwidth", "bytes_per_s": 10, "direction": "up"}, "direction must be one of"),
        ({"action": "throttle"}, "throttle needs rate"),
        ({"action": "throttle", "rate": 1, "scope": "prefix"}, "needs prefix"),
        ({"action": "throttle", "rate": 1, "scope": "tenant"}, "scope must be one of"),
        ({"action": "throttle", "rate": 1, "burst": 0}, "burst must be at least 1"),
        ({"action": "cut_request", "after_bytes": -1}, "after_bytes must not be negative"),
        ({"action": "cut_request", "apply": "after"}, "apply must be 'before'"),
        ({"action": "delay", "jitter_s": -0.1}, "jitter_s must be from 0"),
        ({"action": "sequence"}, "sequence needs a list"),
        ({"action": "sequence", "sequence": ["reset"]}, "sequence[0] must be an object"),
        ({"action": "sequence", "sequence": [{"action": "sequence"}]}, "sequence[0].action cannot be"),
        ({"action": "sequence", "sequence": [{"key": "x"}]}, "sequence[0] cannot set key"),
        (
            {"action": "sequence", "sequence": [{"delay_s": "1"}]},
            "sequence[0]: delay_s must be a finite number",
        ),
        (
            {"action": "error", "preset": "SlowDown", "sequence": []},
            "sequence is a field of the sequence action",
        ),
        ({"action": "delay", "burst": 1.5}, "burst must be an integer"),
    ],
)
def test_new_fields_are_refused_naming_the_field(spec, message):
    with pytest.raises(FaultSpecError) as refused:
        rule_from_mapping({"operation": "PutObject", **spec})
    assert message in str(refused.value)


# -- operation names: one Enum (issue 16 item 7) -------------------------------------------------------


def test_every_operation_is_routed_and_has_exactly_one_handler():
    """The route table, the Operation enum and the handler table name the same operations: none routed
    without a handler, no handler no request reaches (issue 16 item 7)."""
    from pytest_s3mpu.app.operations import HANDLERS
    from pytest_s3mpu.protocol import routes

    assert frozenset(routes.Operation) == routes.OPERATIONS
    assert set(HANDLERS) == set(routes.Operation)
    assert len(HANDLERS) == len(routes.Operation)
    assert all(isinstance(name, routes.Operation) for name in HANDLERS)


def test_rule_operation_is_the_enum_yet_written_and_shown_as_the_plain_name():
    """Users keep writing ``"UploadPart"``; the rule holds ``Operation.UPLOAD_PART`` (equal to it) and its
    JSON, like the journal's, carries the plain string (issue 16 item 7: output unchanged)."""
    import json

    from pytest_s3mpu.protocol.routes import Operation

    rule = rule_from_mapping({"operation": "UploadPart", "preset": "SlowDown"})
    assert rule.operation is Operation.UPLOAD_PART
    assert rule.operation == "UploadPart" and f"{rule.operation}" == "UploadPart"
    assert rule.matches(PART)
    assert type(rule.to_json()["operation"]) is str
    assert json.loads(json.dumps(rule.to_json()))["operation"] == "UploadPart"
    assert rule_from_mapping({"operation": Operation.PUT_OBJECT, "preset": "SlowDown"}).matches(PUT)
    assert rule_from_mapping({"preset": "SlowDown"}).operation == "*"


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("UploadParts", "UploadPart"),
        ("uploadpart", "UploadPart"),
        ("CompleteMultipart", "CompleteMultipartUpload"),
    ],
)
def test_unknown_operation_is_refused_naming_the_field_and_close_matches(written, suggested):
    """A misspelt operation is refused with the field's name and the closest AWS names, never kept as a
    rule that never fires (issue 16 item 7; README: fault schema)."""
    with pytest.raises(
        FaultSpecError, match=rf"^operation must be .*'{written}'.*did you mean .*{suggested}"
    ):
        rule_from_mapping({"operation": written, "preset": "SlowDown"})


def test_unknown_operation_far_from_any_is_refused_without_suggestions():
    with pytest.raises(FaultSpecError, match="operation") as refused:
        rule_from_mapping({"operation": "Frobnicate", "preset": "SlowDown"})
    assert "did you mean" not in str(refused.value)


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ({"operation": "PutObject", "preset": "NoSuchUpload"}, "needs operation one of UploadPart"),
        ({"preset": "NoSuchUpload"}, "needs operation one of"),
        (
            {"operation": "CompleteMultipartUpload", "action": "embedded_error", "preset": "NoSuchUpload"},
            "error action",
        ),
    ],
)
def test_no_such_upload_preset_needs_a_request_naming_an_upload(spec, complaint):
    """The NoSuchUpload preset aborts the upload the request names: a rule that could fire on a request
    naming none is refused (issue 18: NoSuchUpload preset)."""
    with pytest.raises(FaultSpecError, match=complaint):
        rule_from_mapping(spec)


def test_no_such_upload_preset_is_s3s_404():
    """[LS-AWS: test_s3.py::test_multipart_no_such_upload, recorded 2026-02-21]: 404 NoSuchUpload."""
    rule = rule_from_mapping({"operation": "ListParts", "preset": "NoSuchUpload"})
    assert (rule.status, rule.code, rule.message) == (
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, "
        "or the upload may have been aborted or completed.",
    )
