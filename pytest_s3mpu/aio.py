"""An aiobotocore S3 client for the endpoint, for code under test that is async.

Top layer. ``AioClient`` is entered with ``async with``: each entry makes a fresh aiobotocore client inside
the running event loop (an aiohttp session belongs to the loop that made it, so one client per loop is
the safe shape) and closes it on exit. It works under ``asyncio.run``, pytest-asyncio or anyio alike,
because the fixture itself needs no event loop. aiobotocore is imported only on entry: it is an optional
dependency (the ``aio`` extra), and pins its own botocore release.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

INSTALL_HINT = (
    "s3mpu_aioclient needs aiobotocore: pip install aiobotocore (or this package's 'aio' extra); "
    "it brings the botocore release it supports"
)


class AioClient:
    """``async with s3mpu_aioclient as s3: await s3.put_object(...)``: an aiobotocore S3 client with the
    settings of the sync one (path-style addressing, boto3's default checksums, the given credentials).

    :param endpoint_url: the endpoint to talk to.
    :param region: the client's region.
    :param credentials: ``aws_access_key_id`` / ``aws_secret_access_key`` (empty: the environment's).
    :param config: ``AioConfig`` keyword arguments, as ``S3MPU.client`` takes botocore ``Config``'s.
    """

    def __init__(
        self, endpoint_url: str, region: str, credentials: dict[str, str], config: dict[str, Any]
    ) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self._credentials = credentials
        self._config = {"s3": {"addressing_style": "path"}, **config}
        self._open: list[Any] = []  # the contexts entered and not yet left (nesting allowed)

    def _context(self) -> Any:
        try:
            from aiobotocore.config import AioConfig
            from aiobotocore.session import get_session
        except ImportError as exc:
            raise ImportError(INSTALL_HINT) from exc
        return get_session().create_client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            config=AioConfig(**self._config),
            **self._credentials,
        )

    async def __aenter__(self) -> Any:
        context = self._context()
        client = await context.__aenter__()
        self._open.append(context)
        return client

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._open.pop().__aexit__(exc_type, exc, tb)
