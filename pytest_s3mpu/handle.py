"""What a test holds: the endpoint, ready boto3 clients, and read access to the state for assertions.

Layer 7 (plugin), usable without pytest: ``S3MPU(server)`` works in any harness. Pointed at an external
endpoint instead (``S3MPU.external(url, region)``, the plugin's ``--s3mpu-endpoint``), the same handle
gives clients for real S3 or MinIO, answers what it can through the S3 API, and reports fault
injection and state inspection as unavailable (``Unavailable``; the plugin skips such tests).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pytest_s3mpu.harness.faults import FaultInjector
from pytest_s3mpu.harness.journal import Journal
from pytest_s3mpu.harness.leaks import IncompleteUpload, incomplete_uploads, report
from pytest_s3mpu.seeding import SeedSource, seed_store
from pytest_s3mpu.seeding import load as load_seed
from pytest_s3mpu.state.model import Part, StoredObject, Upload

if TYPE_CHECKING:
    from pytest_s3mpu.aio import AioClient
    from pytest_s3mpu.protocol.authentication import Authenticator
    from pytest_s3mpu.remote_clock import RemoteClock
    from pytest_s3mpu.s3server import S3Server
    from pytest_s3mpu.state.clock import Clock
    from pytest_s3mpu.state.store import Store

DUMMY_ACCESS_KEY = "s3mpu-access-key"
DUMMY_SECRET_KEY = "s3mpu-secret-key"


class Unavailable(RuntimeError):
    """What the in-memory double offers and an external endpoint cannot (faults, journal, state)."""


class S3MPU:
    """A test's view of the S3 it runs against.

    :param server: the running in-memory server whose state this handle reads.
    """

    def __init__(self, server: S3Server) -> None:
        self.server: S3Server | None = server
        self._endpoint_url = server.endpoint_url
        self._region: str | None = None
        self._session: Any = None
        self._session_lock = threading.Lock()
        self._remote_clock: RemoteClock | None = None

    @classmethod
    def external(cls, endpoint_url: str, region: str) -> S3MPU:
        """A handle for an existing S3-compatible endpoint; credentials come from the environment."""
        handle = cls.__new__(cls)
        handle.server = None
        handle._endpoint_url = endpoint_url
        handle._region = region
        handle._session = None
        handle._session_lock = threading.Lock()
        handle._remote_clock = None
        return handle

    @property
    def is_external(self) -> bool:
        return self.server is None

    def _server(self, what: str) -> S3Server:
        if self.server is None:
            raise Unavailable(f"{what} is not available against an external endpoint ({self._endpoint_url})")
        return self.server

    @property
    def store(self) -> Store:
        return self._server("state inspection").store

    @property
    def endpoint_url(self) -> str:
        return self._endpoint_url

    @property
    def faults(self) -> FaultInjector:
        """Fault rules: ``s3mpu.faults.add(operation="UploadPart", part_number=2, preset="SlowDown")``."""
        return self._server("fault injection").faults

    @property
    def journal(self) -> Journal:
        """Every request the server answered during this test, with helpers for assertions."""
        return self._server("the request journal").journal

    @property
    def clock(self) -> Clock | RemoteClock:
        """The test clock: ``s3mpu.clock.advance(days=2)``, ``.set(datetime)``, ``.freeze()``,
        ``.real()``. Against an external s3mpu server it is moved over its control API."""
        if self.server is not None:
            return self.server.store.clock
        if self._remote_clock is None:
            from pytest_s3mpu.remote_clock import RemoteClock

            self._remote_clock = RemoteClock(self._endpoint_url, Unavailable)
        return self._remote_clock

    def clock_to_real(self) -> None:
        """After a test against an external endpoint: a clock this handle moved goes back to real
        time (the in-memory server's goes back at the next test's reset)."""
        if self._remote_clock is not None and self._remote_clock.moved:
            self._remote_clock.real()

    @property
    def auth(self) -> Authenticator | None:
        """The key pairs requests must be signed with while signature verification is on (``auth`` =
        ``sigv4``); None while it is off. ``s3mpu.auth.add("AKID", "SECRET", "TOKEN", expires=...)``
        accepts another pair for this test."""
        return self._server("signature verification").app.authenticator

    @property
    def inspector_url(self) -> str:
        """The live inspector page of this double (``GET /_s3mpu/``): buckets, uploads, faults, journal."""
        return f"{self._server('the inspector').endpoint_url}/_s3mpu/"

    @property
    def region(self) -> str:
        return self._region if self._region is not None else self.store.region

    @property
    def account_id(self) -> str:
        """The AWS account ID the in-memory server serves (the account_id setting): what
        ExpectedBucketOwner names, the account in KMS key ARNs."""
        return self._server("the account id").store.account_id

    @property
    def ca_bundle(self) -> str | None:
        """The CA certificate (PEM path) to trust while the server serves https (setting ``tls``);
        None over http or against an external endpoint."""
        if self.is_external:
            return None
        found = self._server("the CA bundle").ca_bundle
        return str(found) if found is not None else None

    @property
    def min_part_size(self) -> int:
        return self.store.limits.min_part_size

    def client(self, **config: Any) -> Any:
        """A boto3 S3 client for this endpoint: path-style addressing and boto3's default checksum
        behaviour; dummy credentials for the double, the environment's for an external endpoint.

        :param config: botocore ``Config`` keyword arguments (e.g. ``retries``, ``read_timeout``).
        """
        from botocore.config import Config

        options: dict[str, Any] = {"s3": {"addressing_style": "path"}, **config}
        credentials: dict[str, str] = {}
        if not self.is_external:
            credentials = {"aws_access_key_id": DUMMY_ACCESS_KEY, "aws_secret_access_key": DUMMY_SECRET_KEY}
            signing = self.auth.first() if self.auth is not None else None
            if signing is not None:  # verification on: sign with the first configured pair, SigV4
                # (botocore presigns with SigV2 in us-east-1 unless told otherwise; SigV4 works everywhere)
                options.setdefault("signature_version", "s3v4")
                credentials = {
                    "aws_access_key_id": signing.access_key,
                    "aws_secret_access_key": signing.secret,
                }
                if signing.session_token is not None:
                    credentials["aws_session_token"] = signing.session_token
        import boto3

        with self._session_lock:
            if self._session is None:
                # One session per handle: building one costs ~0.2 s, and clients of one session are
                # made under a lock (boto3 sessions are not safe to build clients from concurrently).
                self._session = boto3.session.Session()
            return self._session.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.region,
                config=Config(**options),
                # Over https, exactly the server's throwaway CA (not AWS_CA_BUNDLE from the environment).
                **({"verify": self.ca_bundle} if self.ca_bundle is not None else {}),
                **credentials,
            )

    def aioclient(self, **config: Any) -> AioClient:
        """An aiobotocore S3 client for this endpoint, entered with ``async with`` (each entry a fresh
        client in the running loop); needs aiobotocore installed.

        :param config: aiobotocore ``AioConfig`` keyword arguments.
        """
        from pytest_s3mpu.aio import AioClient

        credentials: dict[str, str] = {}
        if not self.is_external:
            credentials = {"aws_access_key_id": DUMMY_ACCESS_KEY, "aws_secret_access_key": DUMMY_SECRET_KEY}
        return AioClient(self.endpoint_url, self.region, credentials, config)

    def create_bucket(self, name: str) -> str:
        """Create a bucket (directly in the store for the double; through the API otherwise)."""
        constraint = None if self.region == "us-east-1" else self.region
        if self.is_external:
            extra = {"CreateBucketConfiguration": {"LocationConstraint": constraint}} if constraint else {}
            self.client().create_bucket(Bucket=name, **extra)
        else:
            self.store.create_bucket(name, constraint)
        return name

    def buckets(self) -> list[str]:
        if self.is_external:
            return sorted(b["Name"] for b in self.client().list_buckets().get("Buckets", []))
        return self.store.bucket_names()

    def objects(self, bucket: str) -> dict[str, StoredObject]:
        return self.store.objects(bucket)

    def object_bytes(self, bucket: str, key: str) -> bytes:
        if self.is_external:
            return bytes(self.client().get_object(Bucket=bucket, Key=key)["Body"].read())
        return self.store.get_object(bucket, key).body.read()

    def uploads(self, bucket: str | None = None) -> list[Upload]:
        """Uploads still open (neither completed nor aborted)."""
        return self.store.uploads(bucket)

    def incomplete_uploads(self) -> list[IncompleteUpload]:
        """Multipart uploads neither completed nor aborted, each with its parts and its journal lines."""
        server = self._server("listing incomplete uploads")
        return incomplete_uploads(server.store, server.journal)

    def assert_no_incomplete_uploads(self) -> None:
        """Fail (AssertionError) naming every upload left neither completed nor aborted."""
        left = self.incomplete_uploads()
        if left:
            raise AssertionError(report(left))

    def parts(self, upload_id: str) -> dict[int, Part]:
        return self.store.parts(upload_id)

    def seed(self, source: SeedSource) -> dict[str, list[str]]:
        """Create buckets and objects from a folder (top-level folders are buckets, files under them
        objects) or a dict (``{"bucket": {"key": b"bytes" or "text"}}``); returns the keys by bucket.

        Against the double this writes into the store directly; against an external endpoint it goes
        through the S3 API (an existing bucket is kept either way)."""
        if not self.is_external:
            return seed_store(self.store, source)
        data = load_seed(source)
        client = self.client()
        for bucket in data:
            if bucket not in self.buckets():
                self.create_bucket(bucket)
        for bucket, objects in data.items():
            for key, body in objects.items():
                client.put_object(Bucket=bucket, Key=key, Body=body)
        return {bucket: list(objects) for bucket, objects in data.items()}

    def reset(self) -> None:
        """Forget all state, rules and journal, and return the clock to real time; the ``s3mpu`` fixture
        does this before every test."""
        self._server("reset").reset()
