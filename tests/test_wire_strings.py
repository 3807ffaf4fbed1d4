"""Wire strings in one place (#16 item 7): every error message S3 puts on the wire is written in
state/errors.py, so a message is worded once and the raisers share it; the state layer names no HTTP
header of the protocol layer (import-linter checks the imports, this checks the text)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest_s3mpu

PACKAGE = Path(pytest_s3mpu.__file__).parent
ERRORS = PACKAGE / "state" / "errors.py"
CONDITION_ERRORS = ("PreconditionFailed", "ConditionalRequestConflict", "not_implemented_header")


def _message_literals(path: Path) -> list[str]:
    """``errors.X("text", ...)`` / ``errors.X(f"...")`` calls: a message written where it is raised."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "errors"
            # An error class; errors.py's message builders (lower-case) take names, not messages.
            and node.func.attr[:1].isupper()
        ):
            continue
        texts = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "message")]
        for text in texts:
            literal = isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value
            if literal or isinstance(text, ast.JoinedStr):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(text)[:60]}")
    return found


def test_error_messages_are_written_in_errors_py_only():
    modules = [path for path in sorted(PACKAGE.rglob("*.py")) if path != ERRORS]
    assert [hit for path in modules for hit in _message_literals(path)] == []


def test_the_state_layer_spells_no_condition_header_for_errors():
    """The 412/409/501 Condition a state module raises is an ``errors.Condition``, never a bare string."""
    hits = []
    for path in sorted((PACKAGE / "state").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr
                in ("PreconditionFailed", "ConditionalRequestConflict", "not_implemented_header")
                and node.args
                and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))
            ):
                hits.append(f"{path.name}:{node.lineno}")
    assert hits == []


HEADER_PREFIXES = ("x-amz-", "If-", "Content-", "Access-Control-")


def _docstring_nodes(tree: ast.AST) -> set[int]:
    """The ids of docstring constants (prose about a header may name it)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _header_literals(path: Path) -> list[str]:
    """String literals (f-string pieces included) that spell an HTTP header name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = _docstring_nodes(tree)
    return [
        f"{path.name}:{node.lineno}: {node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and node.value.startswith(HEADER_PREFIXES)
    ]


def test_the_state_layer_spells_no_header_name_outside_errors_py():
    """Header names belong to protocol/wire.py; those S3 writes into an error body (ArgumentName,
    Header) are written once in state/errors.py, and wire.py refers to them (#16 item 7). CORS answers
    too: state/cors.py returns a Verdict, protocol/cors_headers.py spells it."""
    modules = [path for path in sorted((PACKAGE / "state").glob("*.py")) if path != ERRORS]
    assert [hit for path in modules for hit in _header_literals(path)] == []
