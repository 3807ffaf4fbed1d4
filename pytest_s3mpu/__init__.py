"""pytest-s3mpu: an in-memory Amazon S3 test double with a faithful multipart-upload state machine."""

from __future__ import annotations
