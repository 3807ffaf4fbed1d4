"""The test clock of an s3mpu server in another process, moved through ``/_s3mpu/clock``.

Layer 7 (plugin). With ``--s3mpu-endpoint`` the handle has no store to reach; this class offers the same
calls as ``clock.Clock`` and sends each one as a control request. Against an endpoint that is not an
s3mpu server (real S3, MinIO) the first call raises ``Unavailable``, and the plugin skips the test.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any

from pytest_s3mpu.state.clock import ClockError, duration, posix

TIMEOUT_S = 10.0


class RemoteClock:
    """The clock of the s3mpu server at ``endpoint_url``.

    :param unavailable: the exception type to raise when the endpoint has no test clock.
    """

    def __init__(self, endpoint_url: str, unavailable: type[Exception]) -> None:
        self.url = endpoint_url.rstrip("/") + "/_s3mpu/clock"
        self._unavailable = unavailable
        # Straight to the endpoint: a proxy from the environment must not see (or swallow) control calls.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.moved = False  # whether this handle changed the clock (the fixture then puts it back)

    def _call(self, change: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if change is None else json.dumps(change).encode()
        request = urllib.request.Request(self.url, data=data, method="GET" if change is None else "POST")
        request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=TIMEOUT_S) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            text = exc.read()
            if exc.code == 400:
                try:
                    message = json.loads(text)["error"]
                except (ValueError, KeyError, TypeError):
                    message = None
                if isinstance(message, str):
                    raise ClockError(message) from None
            raise self._unavailable(self._missing(f"HTTP {exc.code}")) from None
        except (OSError, ValueError) as exc:
            raise self._unavailable(self._missing(str(exc))) from None
        if not isinstance(answer, dict) or not isinstance(answer.get("now"), str):
            raise self._unavailable(self._missing("no clock in its answer"))
        if change is not None:
            self.moved = True
        return answer

    def _missing(self, why: str) -> str:
        return f"the test clock is not available at {self.url} ({why}): only an s3mpu server has one"

    @staticmethod
    def _moment(answer: dict[str, Any]) -> dt.datetime:
        return dt.datetime.fromisoformat(str(answer["now"]).replace("Z", "+00:00"))

    def now(self) -> dt.datetime:
        """The server clock's time in UTC to the whole second."""
        return self._moment(self._call())

    __call__ = now

    @property
    def offset_s(self) -> float:
        return float(self._call()["offset_s"])

    @property
    def frozen(self) -> bool:
        return bool(self._call()["frozen"])

    def advance(
        self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0, days: float = 0.0
    ) -> dt.datetime:
        delta = duration(seconds, minutes=minutes, hours=hours, days=days)
        return self._moment(self._call({"advance_s": delta}))

    def set(self, moment: dt.datetime) -> dt.datetime:
        return self._moment(self._call({"now": _iso(moment)}))

    def freeze(self, moment: dt.datetime | None = None) -> dt.datetime:
        change: dict[str, Any] = {"frozen": True}
        if moment is not None:
            change["now"] = _iso(moment)
        return self._moment(self._call(change))

    def unfreeze(self) -> dt.datetime:
        return self._moment(self._call({"frozen": False}))

    def real(self) -> dt.datetime:
        answer = self._moment(self._call({"real": True}))
        self.moved = False
        return answer


def _iso(moment: dt.datetime) -> str:
    posix(moment)  # refuses a naive datetime here, as the in-process clock does
    return moment.isoformat()
