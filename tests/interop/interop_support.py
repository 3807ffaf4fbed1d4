"""Shared helpers of the interoperability matrix (tests/interop/): the seed errors as S3 words them, the
multipart ETag computed from the bytes, subprocess runs with bounded timeouts, a throwaway TLS server, and
the "someone aborts the upload while the client is still sending parts" helper."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INTEROP = REPO / ".interop"
SETUP = "scripts/interop-setup.sh"
MIB = 1024 * 1024
REAL_MIN = 5 * MIB
SMALL_MIN = 1024
BUCKET = "interop-bucket"

ENTITY_TOO_SMALL = "Your proposed upload is smaller than the minimum allowed size"
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, "
    "or the specified entity tag may not match the part's entity tag."
)
INVALID_PART_ORDER = "The list of parts was not in ascending order. Parts must be ordered by part number."
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, "
    "or the upload may have been aborted or completed."
)
# code -> (HTTP status, exact message) (spec §11)
SEED_ERRORS: dict[str, tuple[int, str]] = {
    "EntityTooSmall": (400, ENTITY_TOO_SMALL),
    "InvalidPart": (400, INVALID_PART),
    "InvalidPartOrder": (400, INVALID_PART_ORDER),
    "NoSuchUpload": (404, NO_SUCH_UPLOAD),
}


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(parts: Sequence[bytes]) -> str:
    """Spec §5.2 from the bytes: md5 of the concatenated part md5 digests, then ``-N``, quoted."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def state(s3mpu: Any) -> dict[str, Any]:
    """Everything a failed request must leave alone: open uploads, their parts, the objects."""
    uploads = s3mpu.uploads()
    return {
        "uploads": sorted((u.bucket, u.key, u.upload_id) for u in uploads),
        "parts": {
            u.upload_id: {n: (p.etag, p.size) for n, p in s3mpu.parts(u.upload_id).items()} for u in uploads
        },
        "objects": {b: {k: o.etag for k, o in s3mpu.objects(b).items()} for b in s3mpu.buckets()},
    }


def clean_env(**extra: str) -> dict[str, str]:
    """The process environment without the user's AWS setup, with dummy credentials (no config files)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="interop-test",
        AWS_SECRET_ACCESS_KEY="interop-test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
    )
    env.update(extra)
    return env


def run(command: Sequence[str], *, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """One bounded subprocess run of a client; output captured as text."""
    kwargs.setdefault("env", clean_env())
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )


def scenario_runner(
    program: Sequence[Any], endpoint_url: str, tmp_path: Path, env: dict[str, str] | None = None
) -> Any:
    """A caller for a client script in another process (JS SDK, side venv): ``call(scenario, key, data,
    extra)`` runs ``program scenario endpoint bucket key in out extra`` and returns its JSON result, with
    the bytes it read back (if any) as ``read_back``."""

    def call(scenario: str, key: str, data: bytes = b"", extra: str = "") -> dict[str, Any]:
        source, target = tmp_path / "in.bin", tmp_path / "out.bin"
        source.write_bytes(data)
        command = [*program, scenario, endpoint_url, BUCKET, key, source, target, extra]
        done = run(command, timeout=90, **({"env": env} if env is not None else {}))
        assert done.returncode == 0, done.stdout + done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        result["read_back"] = target.read_bytes() if target.exists() else None
        return result

    return call


@contextmanager
def abort_after_first_part(s3mpu: Any, delay_s: float = 1.5, deadline_s: float = 30) -> Iterator[list[str]]:
    """For a client running in another process: every UploadPart after the first is held ``delay_s``
    (fault rule "delay", before the request is applied) and, as soon as the first part has landed, the
    upload is aborted in the store -- so the client's next UploadPart (or its Complete) meets a real
    NoSuchUpload. Yields the list the aborted upload id is appended to."""
    aborted: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        end = time.monotonic() + deadline_s
        while not stop.is_set() and time.monotonic() < end:
            for upload in s3mpu.uploads():
                if s3mpu.parts(upload.upload_id):
                    s3mpu.store.abort_multipart_upload(upload.bucket, upload.key, upload.upload_id)
                    aborted.append(upload.upload_id)
                    return
            time.sleep(0.01)

    rule = s3mpu.faults.add(operation="UploadPart", action="delay", delay_s=delay_s, skip=1, times=None)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield aborted
    finally:
        stop.set()
        watcher.join(timeout=5)
        s3mpu.faults.remove(rule)


# -- the boto3-shaped low-level API (boto3, ibm_boto3, boto3 over https) -------------------------------


def expect_client_error(call: Any, error_type: type[Exception], code: str, **fields: str) -> Any:
    """Run a call that must fail with ``error_type`` (the client's own ClientError); its parsed error is
    exactly S3's status, Code, Message and the extra <Error> fields. Returns the exception."""
    try:
        call()
    except error_type as caught:
        response = caught.response  # type: ignore[attr-defined]
        status, message = SEED_ERRORS[code]
        assert response["ResponseMetadata"]["HTTPStatusCode"] == status
        assert response["Error"] == {"Code": code, "Message": message, **fields}
        return caught
    raise AssertionError(f"{code} expected, the call succeeded")


def lowlevel_round_trip(client: Any, s3mpu: Any, key: str, parts: Sequence[bytes]) -> None:
    """CreateMultipartUpload, UploadPart for each part, ListParts and ListMultipartUploads, Complete,
    GetObject: the object is byte-exact and its ETag is the spec §5.2 multipart ETag."""
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    etags = [
        client.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=n, Body=body)["ETag"]
        for n, body in enumerate(parts, 1)
    ]
    assert etags == [f'"{md5_hex(body)}"' for body in parts]
    listed = client.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]] == [
        (n, len(body), etag) for n, (body, etag) in enumerate(zip(parts, etags, strict=True), 1)
    ]
    uploads = client.list_multipart_uploads(Bucket=BUCKET)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [(key, upload_id)]
    done = client.complete_multipart_upload(
        Bucket=BUCKET,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
    )
    assert done["ETag"] == multipart_etag(parts)
    got = client.get_object(Bucket=BUCKET, Key=key)
    assert got["ETag"] == multipart_etag(parts)
    assert got["Body"].read() == b"".join(parts)
    assert s3mpu.uploads() == []


def lowlevel_seed_error(client: Any, s3mpu: Any, error_type: type[Exception], code: str) -> None:
    """One seed error met through a boto3-shaped client, with ``min_part_size`` 1024 on the server: the
    failing call raises ``error_type`` carrying S3's status, code, message and extra fields (spec §5.1,
    §11); the failure changes nothing, and the corrected request then succeeds."""
    key = f"seed/{code}.bin"
    first, last = os.urandom(1000 if code == "EntityTooSmall" else 2048), os.urandom(10)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]

    def put(number: int, body: bytes) -> str:
        reply = client.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number, Body=body)
        return str(reply["ETag"])

    def complete(parts: list[tuple[int, str]]) -> Any:
        return client.complete_multipart_upload(
            Bucket=BUCKET,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]},
        )

    e1, e2 = put(1, first), put(2, last)
    before = state(s3mpu)
    if code == "EntityTooSmall":
        expect_client_error(
            lambda: complete([(1, e1), (2, e2)]),
            error_type,
            code,
            ProposedSize="1000",
            MinSizeAllowed="1024",
            PartNumber="1",
            ETag=md5_hex(first),
        )
        assert state(s3mpu) == before
        first = os.urandom(1024)
        e1 = put(1, first)
    elif code == "InvalidPart":
        wrong = f'"{md5_hex(b"not the part")}"'
        expect_client_error(
            lambda: complete([(1, wrong), (2, e2)]),
            error_type,
            code,
            UploadId=upload_id,
            PartNumber="1",
            ETag=wrong.strip('"'),
        )
    elif code == "InvalidPartOrder":
        expect_client_error(lambda: complete([(2, e2), (1, e1)]), error_type, code, UploadId=upload_id)
    else:
        client.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)
        before = state(s3mpu)
        expect_client_error(lambda: put(3, b"late"), error_type, code, UploadId=upload_id)
        expect_client_error(
            lambda: client.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id),
            error_type,
            code,
            UploadId=upload_id,
        )
        assert state(s3mpu) == before
        return
    assert state(s3mpu) == before or code == "EntityTooSmall"
    complete([(1, e1), (2, e2)])
    assert client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == first + last
    assert s3mpu.uploads() == []
