"""What a store's settings decide, as one value: applied at once, under the store's lock, by
``Store.configure``.

Layer 2 (store): no settings table, no pytest. The plugin and the standalone server resolve the settings
(``pytest_s3mpu.settings``) and hand the server their values; this is where those values meet the store.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from pytest_s3mpu.state import access
from pytest_s3mpu.state.model import Limits

STORAGE_MODES = ("memory", "sizes")


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """A store's configuration.

    :param limits: S3's size limits (``min_part_size``, ``max_body_size``, ...).
    :param region: the region new buckets report when the request names none.
    :param storage: ``memory`` keeps bodies; ``sizes`` keeps only sizes, ETags and checksums.
    :param object_ownership: the ObjectOwnership of buckets created without ``x-amz-object-ownership``.
    :param account_id: the AWS account ID the endpoint serves (twelve digits): every bucket's owner, as
        ExpectedBucketOwner names it, and the account in its KMS key ARNs.
    """

    limits: Limits = field(default_factory=Limits)
    region: str = "us-east-1"
    storage: str = "memory"
    object_ownership: str = access.ENFORCED
    account_id: str = access.DEFAULT_ACCOUNT_ID

    def __post_init__(self) -> None:
        if self.storage not in STORAGE_MODES:
            raise ValueError(f"storage must be one of {', '.join(STORAGE_MODES)}")
        if self.object_ownership not in access.OWNERSHIPS:
            raise ValueError(f"object_ownership must be one of {', '.join(access.OWNERSHIPS)}")
        if not access.is_account_id(self.account_id):
            raise ValueError(f"account_id must be twelve digits, not {self.account_id!r}")

    @property
    def keep_bytes(self) -> bool:
        return self.storage == "memory"

    def with_settings(
        self,
        *,
        min_part_size: int | None = None,
        max_body_size: int | None = None,
        region: str | None = None,
        storage: str | None = None,
        object_ownership: str | None = None,
        account_id: str | None = None,
    ) -> StoreConfig:
        """This configuration with the settings given (None: keep this one's)."""
        limits = self.limits
        if min_part_size is not None:
            limits = dataclasses.replace(limits, min_part_size=min_part_size)
        if max_body_size is not None:
            limits = dataclasses.replace(limits, max_body_size=max_body_size)
        return StoreConfig(
            limits=limits,
            region=self.region if region is None else region,
            storage=self.storage if storage is None else storage,
            object_ownership=self.object_ownership if object_ownership is None else object_ownership,
            account_id=self.account_id if account_id is None else account_id,
        )
