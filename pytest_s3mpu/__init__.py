"""pytest-s3mpu: an in-memory Amazon S3 test double with a faithful multipart-upload state machine.

Public surface: ``S3Server`` (a running endpoint), ``Store`` (the state machine), ``S3MPU`` (what the
``s3mpu`` fixture gives a test), ``Clock`` (the test clock a store reads), ``S3Error`` with its
subclasses in ``pytest_s3mpu.state.errors``, and ``ServerBindError`` (``S3Server.start()`` on an address it
cannot bind).
"""

from __future__ import annotations

from pytest_s3mpu.handle import S3MPU
from pytest_s3mpu.s3server import S3Server, ServerBindError
from pytest_s3mpu.state.clock import Clock, ClockError
from pytest_s3mpu.state.errors import S3Error
from pytest_s3mpu.state.model import Limits
from pytest_s3mpu.state.store import Store

# The one place the version is written: pyproject.toml reads it from here (setuptools ``attr:``).
__version__ = "0.2.0.dev0"

__all__ = [
    "S3MPU",
    "Clock",
    "ClockError",
    "Limits",
    "S3Error",
    "S3Server",
    "ServerBindError",
    "Store",
    "__version__",
]
