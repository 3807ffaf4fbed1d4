"""The README's "What it implements" table keeps up with the code: every operation the router knows
(``protocol/routes.py``'s ``Operation``) is in it, every name it lists is one the router knows, and what its
501 row lists answers ``501 NotImplemented`` through the real server.

The table is the user's map of the surface (issue #14: "the README's 'What it implements' table lists the
whole surface with what is stored-only and what is enforced"), so a new operation without a row fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from s3_assertions import raw_request

from pytest_s3mpu.protocol import routes
from pytest_s3mpu.protocol.routes import Operation, Target

README = Path(__file__).resolve().parents[1] / "README.md"
FAITHFULNESS = ("**enforced**", "**stored and returned only**", "**501**")
# Operations no client calls by name: their row names them in words (the operations column), not by an AWS
# name. A new internal member fails test_every_operation_is_in_the_table until it is given its wording here.
INTERNAL_WORDING = {
    Operation.PREFLIGHT_REQUEST: "preflight requests",
    Operation.WEBSITE_REQUEST: "requests to the website endpoint",
}
_NAME = re.compile(r"`([A-Z][a-z][A-Za-z0-9]*)`")


def _rows() -> list[tuple[str, str, str]]:
    """The table's rows as (operations, how faithful, notes), from the section's first table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## What it implements\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    assert lines[0] == "| operations (AWS names) | how faithful | notes |", lines[0]
    assert set(lines[1]) <= set("|- "), "the second line is the table's delimiter row"
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 3, f"a row has three cells: {line}"
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def _listed(rows: list[tuple[str, str, str]]) -> set[str]:
    return {name for operations, _, _ in rows for name in _NAME.findall(operations)}


def _not_implemented_row(rows: list[tuple[str, str, str]]) -> tuple[str, str, str]:
    found = [row for row in rows if row[1] == "**501**"]
    assert len(found) == 1, "one row lists what answers 501"
    return found[0]


def test_every_row_says_how_faithful_it_is():
    """Each row's second cell says enforced, stored and returned only, or 501."""
    rows = _rows()
    assert len(rows) >= 15
    for operations, faithful, _ in rows:
        assert any(word in faithful for word in FAITHFULNESS), f"{operations[:40]}: {faithful}"


def test_every_operation_is_in_the_table():
    """Every member of Operation appears in the operations column: by its AWS name, or (the internal ones)
    by its row's wording."""
    rows = _rows()
    listed = _listed(rows)
    operations_text = " ".join(operations for operations, _, _ in rows)
    missing = [op.value for op in Operation if op not in INTERNAL_WORDING and op.value not in listed]
    assert not missing, f"operations missing from the README's table: {missing}"
    for op, wording in INTERNAL_WORDING.items():
        assert wording in operations_text, f"{op.value}: the table has no row saying {wording!r}"


def test_every_listed_name_is_one_the_router_knows():
    """A name in the operations column is an implemented operation or one the router answers 501 for,
    so the table claims nothing the code does not route (and a misspelt name fails)."""
    known = {op.value for op in Operation} | set(routes._NOT_IMPLEMENTED.values())
    unknown = sorted(_listed(_rows()) - known)
    assert not unknown, f"names in the README's table that protocol/routes.py does not know: {unknown}"


def test_every_not_implemented_name_is_in_the_table():
    """What the journal names as not implemented is in the table too, and the 501 row lists no
    implemented operation."""
    rows = _rows()
    assert set(routes._NOT_IMPLEMENTED.values()) <= _listed(rows)
    in_501_row = set(_NAME.findall(_not_implemented_row(rows)[0]))
    assert in_501_row, "the 501 row names operations"
    assert not in_501_row & {op.value for op in Operation}


def test_what_the_501_row_lists_answers_501_through_the_server(s3mpu):
    """Each operation the 501 row names, sent to the real server, is ``501 NotImplemented`` and journaled
    under that name; so are the row's notes: MFA delete ``Enabled`` and the directory-bucket delete
    conditions. [AWS S3 API reference, "Error responses": NotImplemented, "A header you provided implies
    functionality that is not implemented"]"""
    client = s3mpu.client()
    client.create_bucket(Bucket="surface")
    client.put_object(Bucket="surface", Key="k", Body=b"x")
    names = set(_NAME.findall(_not_implemented_row(_rows())[0]))
    requests = {name: key for key, name in routes._NOT_IMPLEMENTED.items() if name in names}
    assert set(requests) == names
    for name, (target, method, sub) in requests.items():
        path = "/surface" if target is Target.BUCKET else "/surface/k"
        status, body = raw_request(s3mpu, method, f"{path}?{sub}")
        assert (status, b"<Code>NotImplemented</Code>" in body) == (501, True), (name, status, body)
        assert s3mpu.journal.entries()[-1].operation == name

    with pytest.raises(ClientError) as refused:
        client.put_bucket_versioning(
            Bucket="surface", VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}
        )
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert refused.value.response["Error"]["Code"] == "NotImplemented"
    for header in ("x-amz-if-match-size", "x-amz-if-match-last-modified-time"):
        value = "1" if header.endswith("size") else "Wed, 21 Oct 2015 07:28:00 GMT"
        status, body = raw_request(s3mpu, "DELETE", "/surface/k", {header: value})
        assert (status, b"<Code>NotImplemented</Code>" in body) == (501, True), (header, status, body)
    assert client.get_object(Bucket="surface", Key="k")["Body"].read() == b"x"
