"""Object ownership, ACLs and the public access block: what S3 stores, and which writes it refuses.

Layer 2 (store): plain values in, ``S3Error`` raised. S3 since April 2023: new buckets are
BucketOwnerEnforced (ACLs disabled) with all four public-access-block flags on. Rules and sources are
listed on docs/features/ownership-acl.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from pytest_s3mpu.state import errors

# The canonical user ID of the one account this endpoint serves (ListBuckets' Owner, every ACL's owner).
OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
# Its AWS account ID is the account_id setting (``StoreConfig.account_id``): the owner of every bucket,
# what ExpectedBucketOwner must name, the account its KMS key ARNs carry. This is its default: the
# example account of AWS's documentation, which moto and most boto3-based suites assume.
DEFAULT_ACCOUNT_ID = "123456789012"
_ACCOUNT_ID = re.compile(r"[0-9]{12}\Z", re.ASCII)


def is_account_id(value: str) -> bool:
    """An AWS account ID: exactly twelve ASCII digits."""
    return _ACCOUNT_ID.match(value) is not None


ENFORCED = "BucketOwnerEnforced"
PREFERRED = "BucketOwnerPreferred"
WRITER = "ObjectWriter"
OWNERSHIPS = (ENFORCED, PREFERRED, WRITER)

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY})
PUBLIC_GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS})

PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
CANNED = (
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
)
_CANONICAL_ID = re.compile(r"[0-9a-f]{64}\Z")

CANONICAL_USER = "CanonicalUser"
GROUP = "Group"
EMAIL = "AmazonCustomerByEmail"


@dataclass(frozen=True, slots=True)
class Grant:
    """One grant: a grantee (canonical user ID, group URI or e-mail address) and a permission."""

    grantee_type: str
    grantee: str
    permission: str


@dataclass(frozen=True, slots=True)
class Acl:
    """An access control list; ``canned`` names the canned ACL it came from, if any."""

    grants: tuple[Grant, ...]
    canned: str | None = None

    @property
    def public(self) -> bool:
        """Whether it grants anything to everyone or to every AWS user (S3's "public" ACL)."""
        return any(g.grantee_type == GROUP and g.grantee in PUBLIC_GROUPS for g in self.grants)

    def owner_only(self, owner_id: str) -> bool:
        """Whether it is the bucket owner's FULL_CONTROL and nothing else."""
        return self.grants == (Grant(CANONICAL_USER, owner_id, "FULL_CONTROL"),)


@dataclass(frozen=True, slots=True)
class PublicAccessBlock:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False


ALL_BLOCKED = PublicAccessBlock(True, True, True, True)


def default_acl(owner_id: str) -> Acl:
    return Acl((Grant(CANONICAL_USER, owner_id, "FULL_CONTROL"),), "private")


def canned(name: str, owner_id: str) -> Acl:
    """The grants of a canned ACL (user guide "Canned ACL"); an unknown name is InvalidArgument."""
    if name not in CANNED:
        raise errors.InvalidArgument("", errors.ACL_HEADER, name)
    owner = Grant(CANONICAL_USER, owner_id, "FULL_CONTROL")
    extra: tuple[Grant, ...] = ()
    if name == "public-read":
        extra = (Grant(GROUP, ALL_USERS, "READ"),)
    elif name == "public-read-write":
        extra = (Grant(GROUP, ALL_USERS, "READ"), Grant(GROUP, ALL_USERS, "WRITE"))
    elif name == "authenticated-read":
        extra = (Grant(GROUP, AUTHENTICATED_USERS, "READ"),)
    elif name == "log-delivery-write":
        extra = (Grant(GROUP, LOG_DELIVERY, "WRITE"), Grant(GROUP, LOG_DELIVERY, "READ_ACP"))
    # bucket-owner-read / -full-control: object owner and bucket owner are the same account here.
    return Acl((owner, *extra), name)


def _grantee(kind: str, value: str, id_argument: str, uri_argument: str) -> Grant:
    if kind == CANONICAL_USER and not _CANONICAL_ID.match(value):
        raise errors.InvalidArgument(errors.CANONICAL_ID_INVALID, id_argument, value)
    if kind == GROUP and value not in GROUPS:
        raise errors.InvalidArgument(errors.GROUP_URI_INVALID, uri_argument, value)
    if kind == EMAIL:
        raise errors.UnresolvableGrantByEmailAddress(value)
    return Grant(kind, value, "")


_GRANT_ITEM = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*\Z')
_KINDS = {"id": CANONICAL_USER, "uri": GROUP, "emailAddress": EMAIL}


def from_headers(headers: Mapping[str, str], owner_id: str) -> Acl | None:
    """The ACL an ``x-amz-acl`` or ``x-amz-grant-*`` headers ask for; None when there is none.

    Both kinds at once is InvalidRequest (LS-AWS test_s3_object_acl_exceptions, recorded 2026-02-21).
    """
    name = headers.get(errors.ACL_HEADER)
    grant_values = [(h, p, headers[h]) for h, p in errors.GRANT_HEADERS.items() if headers.get(h) is not None]
    if name is not None and grant_values:
        raise errors.InvalidRequest(errors.ACL_CANNED_AND_GRANTS)
    if name is not None:
        return canned(name.strip(), owner_id)
    if not grant_values:
        return None
    grants: list[Grant] = []
    for header, permission, value in grant_values:
        for item in value.split(","):
            match = _GRANT_ITEM.match(item)
            if match is None:
                raise errors.InvalidArgument(errors.GRANT_FORMAT_UNRECOGNIZED, header, value)
            found = _grantee(_KINDS[match.group(1)], match.group(2), "id", "uri")
            grants.append(Grant(found.grantee_type, found.grantee, permission))
    return Acl(tuple(grants))


def from_policy(owner: str | None, grants: Sequence[tuple[str, str, str]]) -> Acl:
    """An AccessControlPolicy body, parsed: the owner ID and (type, grantee, permission) triples."""
    if owner is None:
        raise errors.MalformedACLError()
    if not _CANONICAL_ID.match(owner):
        raise errors.InvalidArgument(errors.CANONICAL_ID_INVALID, "CanonicalUser/ID", owner)
    found: list[Grant] = []
    for kind, grantee, permission in grants:
        if kind not in (CANONICAL_USER, GROUP, EMAIL) or permission not in PERMISSIONS:
            raise errors.MalformedACLError()
        argument = "CanonicalUser/ID" if kind == CANONICAL_USER else "Group/URI"
        checked = _grantee(kind, grantee, argument, argument)
        found.append(Grant(kind, checked.grantee, permission))
    return Acl(tuple(found))


def ownership(value: str | None) -> str | None:
    """CreateBucket's ``x-amz-object-ownership`` header (None when absent)."""
    if value is not None and value not in OWNERSHIPS:
        raise errors.InvalidObjectOwnership(value)
    return value


# Canned ACLs that, with one account, grant exactly the bucket owner's FULL_CONTROL: the writer is the
# bucket owner, so ``private`` is the "equivalent form" of bucket-owner-full-control that a bucket with
# ACLs disabled accepts (rclone sends ``private`` by default; its failures on such buckets were
# cross-account only, rclone#6413).
OWNER_ONLY_CANNED = frozenset({"private", "bucket-owner-full-control", "bucket-owner-read"})


def check_object_acl(
    ownership_setting: str | None, block: PublicAccessBlock | None, acl: Acl | None, owner_id: str
) -> None:
    """A write that sets an object or bucket ACL: refused when the bucket has ACLs disabled and the ACL
    grants more than the owner's full control, or when it blocks public ACLs and this one is public."""
    if acl is None:
        return
    if ownership_setting == ENFORCED and not (
        acl.canned in OWNER_ONLY_CANNED or (acl.canned is None and acl.owner_only(owner_id))
    ):
        raise errors.AccessControlListNotSupported()
    if block is not None and block.block_public_acls and acl.public:
        raise errors.AccessDenied()


def new_bucket(requested: str | None, acl: Acl | None, default: str) -> tuple[str, PublicAccessBlock | None]:
    """The ownership and public access block of a bucket CreateBucket makes.

    ``default`` is the ``object_ownership`` setting: BucketOwnerEnforced (S3 since April 2023) gives
    new buckets all four public-access-block flags; another value is S3 as it was before (no block).
    A ``private`` canned ACL without an ownership header makes the bucket BucketOwnerPreferred.
    """
    block = ALL_BLOCKED if default == ENFORCED else None
    chosen = requested or (PREFERRED if acl is not None and acl.canned == "private" else default)
    if acl is not None and chosen == ENFORCED and acl.canned != "private":
        raise errors.InvalidBucketAclWithObjectOwnership()
    if acl is not None and block is not None and block.block_public_acls and acl.public:
        raise errors.InvalidBucketAclWithBlockPublicAccessError()
    return chosen, block


def check_expected_owner(expected: str | None, bucket_exists: bool, account_id: str) -> None:
    """ExpectedBucketOwner (``x-amz-expected-bucket-owner``, or its source twin on a copy), which S3
    checks on every bucket and object operation: not twelve digits is InvalidBucketOwnerAWSAccountID,
    another account than the bucket's owner AccessDenied [LS-AWS: test_get_bucket_policy,
    test_delete_bucket_policy_expected_bucket_owner, test_put_bucket_policy_invalid_account_id,
    recorded 2026-02-21]. Every bucket here belongs to the one ``account_id`` (the setting); a bucket
    that does not exist is left to the operation (NoSuchBucket, or CreateBucket's own answer)."""
    if expected is None:
        return
    if not is_account_id(expected):
        raise errors.InvalidBucketOwnerAWSAccountID(expected)
    if bucket_exists and expected != account_id:
        raise errors.AccessDenied()


# -- anonymous requests (auth=sigv4: a request with no signature at all) ---------------------------

# The canonical user ID S3 gives an anonymous requester: the owner of an object it wrote to an
# ObjectWriter bucket (ceph s3-tests and the AWS user guide's "anonymous" grantee).
ANONYMOUS_ID = "65a011a29cdf8ec533ec3d1ccaae921c"


class Need(Enum):
    """What an anonymous request needs, by operation (AWS user guide, "Access control list (ACL)
    overview", permissions; the policy action each one is)."""

    READ = "s3:GetObject"  # GetObject, HeadObject: READ on the object
    LIST = "s3:ListBucket"  # the listings: READ on the bucket
    WRITE = "s3:PutObject"  # PutObject and the multipart writes: WRITE on the bucket
    DELETE = "s3:DeleteObject"  # DeleteObject, each key of DeleteObjects: see ``anonymous_may``
    NOTHING_PUBLIC = ""  # every other operation: the owner's alone


def grants_everyone(acl: Acl | None, permission: str, block: PublicAccessBlock | None) -> bool:
    """Whether ``acl`` grants ``permission`` (or FULL_CONTROL) to AllUsers, unless the public access
    block says to ignore public ACLs."""
    if acl is None or (block is not None and block.ignore_public_acls):
        return False
    return any(
        g.grantee_type == GROUP and g.grantee == ALL_USERS and g.permission in (permission, "FULL_CONTROL")
        for g in acl.grants
    )


def anonymous_may(
    need: Need,
    bucket_acl: Acl | None,
    block: PublicAccessBlock | None,
    object_acl: Acl | None,
    object_owner: str | None,
    policy_allows: bool,
    ownership_setting: str | None,
) -> bool:
    """Whether an anonymous request may do what it asks: the bucket policy's Allow for everyone (unless
    RestrictPublicBuckets), or the ACL grant its operation needs (never under BucketOwnerEnforced: "ACLs
    no longer affect permissions", user guide, "Controlling ownership of objects"). Deleting needs the
    bucket's WRITE and, for an object that exists, that the anonymous user owns it: WRITE "for the
    bucket and object owners of existing objects, also allows deletions and overwrites of those objects"
    (user guide, ACL overview) [LS-AWS: test_s3_batch_delete_objects_using_requests_with_acl, recorded
    2023-08-03: an object the owner wrote, even public-read-write, is AccessDenied to an anonymous
    DeleteObjects].

    :param object_owner: the current object's owner's canonical ID; None where there is no object.
    :param policy_allows: ``policy.allows_anyone`` for the operation's action and resource.
    :param ownership_setting: the bucket's ObjectOwnership (None: no ownership controls).
    """
    if need is Need.NOTHING_PUBLIC:
        return False
    if policy_allows and not (block is not None and block.restrict_public_buckets):
        return True
    if ownership_setting == ENFORCED:
        return False
    if need is Need.READ:
        return grants_everyone(object_acl, "READ", block)
    if need is Need.LIST:
        return grants_everyone(bucket_acl, "READ", block)
    if need is Need.WRITE:
        return grants_everyone(bucket_acl, "WRITE", block)
    return grants_everyone(bucket_acl, "WRITE", block) and object_owner in (None, ANONYMOUS_ID)


def anonymous_writer(ownership_setting: str | None, acl: Acl | None) -> str | None:
    """The owner of an object an anonymous request writes: the writer under ObjectWriter (or no
    ownership controls), the bucket owner (None) under BucketOwnerEnforced, and under
    BucketOwnerPreferred when the write carries ``bucket-owner-full-control`` (user guide, "Controlling
    ownership of objects")."""
    if ownership_setting == ENFORCED:
        return None
    if ownership_setting == PREFERRED and acl is not None and acl.canned == "bucket-owner-full-control":
        return None
    return ANONYMOUS_ID
