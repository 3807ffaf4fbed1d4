"""aiobotocore and s3fs against pytest-s3mpu, run in the side venv (.interop/venv) by
tests/interop/test_interop_side.py. Usage: side_client.py SCENARIO ENDPOINT BUCKET KEY IN OUT [ARG]
Prints one JSON document: what the client answered, or the error exactly as the client raised it."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

scenario, endpoint, bucket, key, source, target, arg = [*sys.argv[1:], ""][:7]
CREDENTIALS = {"aws_access_key_id": "interop", "aws_secret_access_key": "interop", "region_name": "us-east-1"}
MIB = 1024 * 1024


def describe(error: BaseException) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": f"{type(error).__module__}.{type(error).__qualname__}",
        "str": str(error),
    }
    found["errno"] = getattr(error, "errno", None)
    response = getattr(error, "response", None)
    if response is not None:
        found["code"] = response["Error"].get("Code")
        found["status"] = response["ResponseMetadata"]["HTTPStatusCode"]
        found["fields"] = response["Error"]
    cause = error.__cause__
    if cause is not None:
        found["cause"] = describe(cause)["error"]
    return {"error": found}


async def aiobotocore_scenario() -> dict[str, Any]:
    from aiobotocore.session import get_session
    from botocore.exceptions import ClientError

    async with get_session().create_client("s3", endpoint_url=endpoint, **CREDENTIALS) as s3:
        if scenario == "aio-round-trip":
            data = Path(source).read_bytes()
            sizes = json.loads(arg)
            parts, offset = [], 0
            for size in sizes:
                parts.append(data[offset : offset + size])
                offset += size
            upload_id = (await s3.create_multipart_upload(Bucket=bucket, Key=key))["UploadId"]
            etags = [
                (await s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=p))[
                    "ETag"
                ]
                for n, p in enumerate(parts, 1)
            ]
            listed = await s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)
            uploads = await s3.list_multipart_uploads(Bucket=bucket)
            done = await s3.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
            )  # fmt: skip
            got = await s3.get_object(Bucket=bucket, Key=key)
            async with got["Body"] as body:
                Path(target).write_bytes(await body.read())
            return {
                "uploadId": upload_id, "etags": etags, "completeETag": done["ETag"],
                "listed": [[p["PartNumber"], p["Size"], p["ETag"]] for p in listed["Parts"]],
                "uploads": [[u["Key"], u["UploadId"]] for u in uploads["Uploads"]],
            }  # fmt: skip
        # aio-error: one seed error through Complete (NoSuchUpload: after an abort)
        first = b"\x07" * (1000 if arg == "EntityTooSmall" else 2048)
        upload_id = (await s3.create_multipart_upload(Bucket=bucket, Key=key))["UploadId"]
        e1 = (await s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=first))[
            "ETag"
        ]
        e2 = (await s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=2, Body=b"tail"))[
            "ETag"
        ]
        parts = {"InvalidPart": [(1, '"0123456789abcdef0123456789abcdef"'), (2, e2)],
                 "InvalidPartOrder": [(2, e2), (1, e1)]}.get(arg, [(1, e1), (2, e2)])  # fmt: skip
        if arg == "NoSuchUpload":
            await s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        try:
            await s3.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]},
            )  # fmt: skip
        except ClientError as error:
            return {"uploadId": upload_id, **describe(error)}
        return {"completed": True}


def s3fs_scenario() -> dict[str, Any]:
    import s3fs

    fs = s3fs.S3FileSystem(
        key="interop", secret="interop", endpoint_url=endpoint, client_kwargs={"region_name": "us-east-1"}
    )
    path = f"{bucket}/{key}"
    data = Path(source).read_bytes()
    result: dict[str, Any] = {}
    try:
        with fs.open(path, "wb", block_size=5 * MIB) as sink:
            for offset in range(0, len(data), MIB):
                sink.write(data[offset : offset + MIB])
                if offset + MIB == 6 * MIB and sink.mpu is not None:
                    upload_id = sink.mpu["UploadId"]
                    result["uploads_while_open"] = [u["UploadId"] for u in fs.call_s3(
                        "list_multipart_uploads", Bucket=bucket)["Uploads"]]  # fmt: skip
                    result["parts_while_open"] = [p["PartNumber"] for p in fs.call_s3(
                        "list_parts", Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]]  # fmt: skip
                    if scenario == "s3fs-abort":
                        fs.call_s3("abort_multipart_upload", Bucket=bucket, Key=key, UploadId=upload_id)
                        result["aborted"] = upload_id
    except Exception as error:  # the error exactly as s3fs raised it
        result.update(describe(error))
        return result
    result["info_etag"] = fs.info(path)["ETag"]
    result["listing"] = fs.ls(bucket)
    Path(target).write_bytes(fs.cat_file(path))
    return result


if __name__ == "__main__":
    if scenario.startswith("aio-"):
        print(json.dumps(asyncio.run(aiobotocore_scenario())))
    else:
        print(json.dumps(s3fs_scenario()))
