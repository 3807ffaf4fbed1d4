"""What a test holds: the endpoint, ready boto3 clients, and read access to the state for assertions.

Layer 7 (plugin), usable without pytest: ``S3MPU(server)`` works in any harness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .faults import FaultInjector
from .journal import Journal
from .model import Part, StoredObject, Upload

if TYPE_CHECKING:
    from .server import S3Server

DUMMY_ACCESS_KEY = "s3mpu-access-key"
DUMMY_SECRET_KEY = "s3mpu-secret-key"


class S3MPU:
    """A test's view of the in-memory S3.

    :param server: the running server whose state this handle reads.
    """

    def __init__(self, server: S3Server) -> None:
        self.server = server
        self.store = server.store

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    @property
    def faults(self) -> FaultInjector:
        """Fault rules: ``s3mpu.faults.add(operation="UploadPart", part_number=2, preset="SlowDown")``."""
        return self.server.faults

    @property
    def journal(self) -> Journal:
        """Every request the server answered during this test, with helpers for assertions."""
        return self.server.journal

    @property
    def region(self) -> str:
        return self.store.region

    @property
    def min_part_size(self) -> int:
        return self.store.limits.min_part_size

    def client(self, **config: Any) -> Any:
        """A boto3 S3 client for this endpoint: dummy credentials, path-style addressing, and boto3's
        default checksum behaviour left as it is.

        :param config: botocore ``Config`` keyword arguments (e.g. ``retries``, ``read_timeout``).
        """
        import boto3
        from botocore.config import Config

        options: dict[str, Any] = {"s3": {"addressing_style": "path"}, **config}
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=DUMMY_ACCESS_KEY,
            aws_secret_access_key=DUMMY_SECRET_KEY,
            config=Config(**options),
        )

    def create_bucket(self, name: str) -> str:
        """Create a bucket directly in the store (no HTTP); returns its name."""
        constraint = None if self.region == "us-east-1" else self.region
        self.store.create_bucket(name, constraint)
        return name

    def buckets(self) -> list[str]:
        return self.store.bucket_names()

    def objects(self, bucket: str) -> dict[str, StoredObject]:
        return self.store.objects(bucket)

    def object_bytes(self, bucket: str, key: str) -> bytes:
        return self.store.get_object(bucket, key).body.read()

    def uploads(self, bucket: str | None = None) -> list[Upload]:
        """Uploads still open (neither completed nor aborted)."""
        return self.store.uploads(bucket)

    def parts(self, upload_id: str) -> dict[int, Part]:
        return self.store.parts(upload_id)

    def reset(self) -> None:
        """Forget all state, rules and journal; the ``s3mpu`` fixture does this before every test."""
        self.server.reset()
