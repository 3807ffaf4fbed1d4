"""The server's own bugs (exceptions answered 500 InternalError), kept few and summarised.

Layer 4 (beside the journal): plain records, no HTTP. An exception object holds its traceback, the
traceback every frame, and the frames the request's body; kept for ever, a standalone server that keeps
failing one request grows by that body each time. So a bug is kept as text (type, message, a short
traceback, the operation) and only the newest ``limit`` of them: enough for the plugin to fail the test
that caused one, and for ``GET /_s3mpu/errors`` to show a long-running server's.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

KEPT = 20  # the newest bugs kept
MESSAGE_CHARS = 1000
TRACEBACK_FRAMES = 12  # the innermost frames, where the bug is
TRACEBACK_CHARS = 8000


@dataclass(frozen=True, slots=True)
class HandlerError:
    """One bug, as text. Names are the JSON names of ``GET /_s3mpu/errors``.

    :param seq: counts every bug since the server started (a reset does not restart it).
    :param operation: the S3 operation being served, ``Unknown`` when the bug came before it was known.
    """

    seq: int
    time: float
    operation: str
    type: str
    message: str
    traceback: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def report(self) -> str:
        """What a failing test shows: where, what, and the traceback."""
        return f"the in-memory S3 server hit a bug serving {self.operation}:\n{self.traceback}"


def _cut(text: str, limit: int, keep_tail: bool = False) -> str:
    if len(text) <= limit:
        return text
    return "..." + text[-limit:] if keep_tail else text[:limit] + "..."


class HandlerErrors:
    """The newest ``limit`` bugs, thread-safe; nothing of a request is held but its operation's name."""

    def __init__(self, limit: int = KEPT) -> None:
        self.limit = limit
        self._kept: deque[HandlerError] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, exc: BaseException, operation: str = "Unknown") -> HandlerError:
        """Keep a summary of ``exc`` (its frames are let go once the caller drops it)."""
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-TRACEBACK_FRAMES)
        text = _cut("".join(lines), TRACEBACK_CHARS, keep_tail=True)
        message = _cut(str(exc), MESSAGE_CHARS)
        with self._lock:
            self._seq += 1
            bug = HandlerError(self._seq, time.time(), operation, type(exc).__qualname__, message, text)
            self._kept.append(bug)
        return bug

    def entries(self) -> list[HandlerError]:
        with self._lock:
            return list(self._kept)

    def since(self, seq: int) -> list[HandlerError]:
        """The kept bugs numbered after ``seq`` (``last_seq()`` taken earlier)."""
        return [bug for bug in self.entries() if bug.seq > seq]

    def last_seq(self) -> int:
        """The number of the newest bug ever recorded (0: none yet)."""
        with self._lock:
            return self._seq

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)
