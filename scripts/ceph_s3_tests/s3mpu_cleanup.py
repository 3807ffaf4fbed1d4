"""pytest plugin for scripts/ceph-s3-tests.sh: ceph's bucket cleanup, made acceptable to S3.

ceph/s3-tests empties every test bucket with DeleteObjects and ``x-amz-bypass-governance-retention: true``,
whether or not the bucket has Object Lock. Real S3 refuses that header on a bucket without Object Lock
(400 InvalidArgument, recorded for DeleteObjects too [LS-AWS: test_delete_object_with_no_locking, recorded
2026-02-21]), and so does the double: the cleanup would then fail before and after every test. This plugin
sends the header only to buckets with Object Lock; the tests themselves are not touched.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class _WithoutBypass:
    """A client whose DeleteObjects leaves out BypassGovernanceRetention."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def delete_objects(self, **kwargs: Any) -> Any:
        kwargs.pop("BypassGovernanceRetention", None)
        return self._client.delete_objects(**kwargs)


def pytest_configure(config: Any) -> None:
    import s3tests.functional as functional

    original = functional.nuke_bucket

    def nuke_bucket(client: Any, bucket: str) -> None:
        try:
            client.get_object_lock_configuration(Bucket=bucket)
        except ClientError:
            return original(_WithoutBypass(client), bucket)
        return original(client, bucket)

    functional.nuke_bucket = nuke_bucket
