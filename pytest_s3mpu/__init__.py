"""pytest-s3mpu: an in-memory Amazon S3 test double with a faithful multipart-upload state machine.

Public surface: ``S3Server`` (a running endpoint), ``Store`` (the state machine), ``S3MPU`` (what the
``s3mpu`` fixture gives a test) and ``S3Error`` with its subclasses in ``pytest_s3mpu.errors``.
"""

from __future__ import annotations

from .errors import S3Error
from .handle import S3MPU
from .model import Limits
from .server import S3Server
from .store import Store

__all__ = ["S3MPU", "Limits", "S3Error", "S3Server", "Store"]
