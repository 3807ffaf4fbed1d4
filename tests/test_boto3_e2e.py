"""boto3 (low-level client and managed transfers) through the real threaded server: every multipart error
as boto3 raises it, state unchanged after each failure and a corrected retry succeeding; the seed .NET
example; concurrency; pagination; idempotent and atomic Complete; virtual-hosted addressing
(S3_MULTIPART_SPEC.md §1-§11)."""

from __future__ import annotations

import hashlib
import http.client
import io
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import xmltodict
from boto3.s3.transfer import TransferConfig
from s3_assertions import expect_error, state

MIB = 1024 * 1024
REAL_MIN = 5 * MIB
SMALL_MIN = 1024
BUCKET = "e2e-bucket"
KEY = "dir/object.bin"
NS = "http://s3.amazonaws.com/doc/2006-03-01/"

NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, "
    "or the upload may have been aborted or completed."
)
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, "
    "or the specified entity tag may not match the part's entity tag."
)
INVALID_PART_ORDER = "The list of parts was not in ascending order. Parts must be ordered by part number."
ENTITY_TOO_SMALL = "Your proposed upload is smaller than the minimum allowed size"
MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"
PART_NUMBER_RANGE = "Part number must be an integer between 1 and 10000, inclusive"

# Tests not about the 5 MiB rule use a small minimum part size so the suite stays fast.
pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(parts: list[bytes]) -> str:
    """Spec §5.2, computed here from the bytes: md5 of the concatenated part digests, then -N, quoted."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu_client.create_bucket(Bucket=BUCKET)
    return s3mpu_client


def start(s3, key: str = KEY, **kwargs) -> str:
    return s3.create_multipart_upload(Bucket=BUCKET, Key=key, **kwargs)["UploadId"]


def upload(s3, upload_id: str, number: int, data: bytes, key: str = KEY) -> str:
    return s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"]


def complete(s3, upload_id: str, parts: list[tuple[int, str]], key: str = KEY) -> dict:
    return s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]},
    )


def read(s3, key: str = KEY) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


# -- Complete errors (spec §5.1, §11) --------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_entity_too_small_with_the_real_5_mib_minimum(s3mpu, s3, random_bytes):
    """A non-last part of 5 MiB - 1 bytes: 400 EntityTooSmall with ProposedSize, MinSizeAllowed 5242880,
    PartNumber and the part's ETag (spec §5.1 step 9c, §11); the last part may be tiny. The upload is
    untouched, and re-sending part 1 at exactly 5 MiB lets the same Complete succeed."""
    assert s3mpu.min_part_size == REAL_MIN
    short, tail = random_bytes(REAL_MIN - 1), random_bytes(17)
    upload_id = start(s3)
    first = upload(s3, upload_id, 1, short)
    last = upload(s3, upload_id, 2, tail)
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, [(1, first), (2, last)]),
        400,
        "EntityTooSmall",
        ENTITY_TOO_SMALL,
        ProposedSize=str(REAL_MIN - 1),
        MinSizeAllowed=str(REAL_MIN),
        PartNumber="1",
        ETag=md5_hex(short),
    )
    assert state(s3mpu) == before
    assert s3mpu.objects(BUCKET) == {}

    exact = random_bytes(REAL_MIN)
    first = upload(s3, upload_id, 1, exact)
    assert first == f'"{md5_hex(exact)}"'
    done = complete(s3, upload_id, [(1, first), (2, last)])
    assert done["ETag"] == multipart_etag([exact, tail])
    assert read(s3) == exact + tail
    assert s3mpu.uploads() == []


@pytest.mark.parametrize("case", ["missing part", "wrong etag"])
def test_invalid_part(s3mpu, s3, random_bytes, case):
    """A listed part never uploaded, or an ETag that is not the part's: 400 InvalidPart with UploadId,
    PartNumber and the client's ETag unquoted (spec §5.1 step 9a); then the right list completes."""
    data = [random_bytes(SMALL_MIN), random_bytes(SMALL_MIN)]
    upload_id = start(s3)
    etags = [upload(s3, upload_id, n, d) for n, d in enumerate(data, 1)]
    if case == "missing part":
        listed = [(1, etags[0]), (2, etags[1]), (3, etags[1])]
        bad_number, bad_etag = "3", etags[1]
    else:
        wrong = f'"{md5_hex(b"not the part")}"'
        listed = [(1, etags[0]), (2, wrong)]
        bad_number, bad_etag = "2", wrong
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, listed),
        400,
        "InvalidPart",
        INVALID_PART,
        UploadId=upload_id,
        PartNumber=bad_number,
        ETag=bad_etag.strip('"'),
    )
    assert state(s3mpu) == before
    done = complete(s3, upload_id, [(1, etags[0]), (2, etags[1])])
    assert done["ETag"] == multipart_etag(data)
    assert read(s3) == b"".join(data)


@pytest.mark.parametrize("order", [[2, 1], [1, 1], [1, 3, 2]])
def test_invalid_part_order(s3mpu, s3, random_bytes, order):
    """Part numbers not strictly ascending (descending or duplicate): 400 InvalidPartOrder with UploadId
    (spec §5.1 step 5, §12.6); then the ascending list completes."""
    data = {n: random_bytes(SMALL_MIN) for n in (1, 2, 3)}
    upload_id = start(s3)
    etags = {n: upload(s3, upload_id, n, d) for n, d in data.items()}
    before = state(s3mpu)
    expect_error(
        lambda: complete(s3, upload_id, [(n, etags[n]) for n in order]),
        400,
        "InvalidPartOrder",
        INVALID_PART_ORDER,
        UploadId=upload_id,
    )
    assert state(s3mpu) == before
    done = complete(s3, upload_id, [(n, etags[n]) for n in (1, 2, 3)])
    assert done["ETag"] == multipart_etag([data[1], data[2], data[3]])


def test_malformed_xml_and_empty_complete(s3mpu, s3, random_bytes):
    """A parts list with no <Part>: 400 MalformedXML; no body at all: 400 InvalidRequest "You must
    specify at least one part" (spec §5.1 steps 2-3, §12.2). The upload stays open; a real list completes."""
    data = random_bytes(100)
    upload_id = start(s3)
    etag = upload(s3, upload_id, 1, data)
    before = state(s3mpu)
    expect_error(
        lambda: s3.complete_multipart_upload(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": []}
        ),
        400,
        "MalformedXML",
        MALFORMED_XML,
    )
    assert state(s3mpu) == before
    expect_error(
        lambda: s3.complete_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id),
        400,
        "InvalidRequest",
        "You must specify at least one part",
    )
    assert state(s3mpu) == before
    assert complete(s3, upload_id, [(1, etag)])["ETag"] == multipart_etag([data])


def test_malformed_xml_body(s3mpu, s3, random_bytes):
    """A Complete body that is not well-formed XML: 400 MalformedXML (spec §5.1 step 3); nothing changes."""
    upload_id = start(s3)
    etag = upload(s3, upload_id, 1, random_bytes(10))

    def broken_body(request, **kwargs):
        request.data = b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"

    before = state(s3mpu)
    s3.meta.events.register("before-sign.s3.CompleteMultipartUpload", broken_body)
    try:
        expect_error(lambda: complete(s3, upload_id, [(1, etag)]), 400, "MalformedXML", MALFORMED_XML)
    finally:
        s3.meta.events.unregister("before-sign.s3.CompleteMultipartUpload", broken_body)
    assert state(s3mpu) == before
    complete(s3, upload_id, [(1, etag)])
    assert s3mpu.uploads() == []


@pytest.mark.parametrize("number", [0, 10001])
def test_part_number_out_of_range(s3mpu, s3, number):
    """UploadPart with part number 0 or 10001: 400 InvalidArgument, ArgumentName partNumber and the value
    sent (spec §3 step 2, §11, no trailing period §12.7); nothing stored; part 1 then succeeds."""
    upload_id = start(s3)
    before = state(s3mpu)
    expect_error(
        lambda: upload(s3, upload_id, number, b"x"),
        400,
        "InvalidArgument",
        PART_NUMBER_RANGE,
        ArgumentName="partNumber",
        ArgumentValue=str(number),
    )
    assert state(s3mpu) == before
    assert upload(s3, upload_id, 1, b"x") == f'"{md5_hex(b"x")}"'
    assert list(s3mpu.parts(upload_id)) == [1]


# -- NoSuchUpload (spec §1.4, §5.4, §6, §7, §10) ---------------------------------------------------

OPERATIONS = ["UploadPart", "ListParts", "AbortMultipartUpload", "CompleteMultipartUpload"]
SCENARIOS = ["unknown", "aborted", "completed", "other key"]


def _call(s3, operation: str, key: str, upload_id: str, etag: str):
    if operation == "UploadPart":
        return lambda: upload(s3, upload_id, 1, b"retry", key=key)
    if operation == "ListParts":
        return lambda: s3.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id)
    if operation == "AbortMultipartUpload":
        return lambda: s3.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)
    return lambda: complete(s3, upload_id, [(1, etag)], key=key)


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_no_such_upload(s3mpu, s3, operation, scenario):
    """An unknown, aborted or completed upload ID, or one that belongs to another key: 404 NoSuchUpload
    with UploadId (spec §1.4, §10). For Complete, a completed upload answers 200 again (§5.4) while its
    object is current, so the "completed" case overwrites that object first. Nothing changes; where
    the mistake can be corrected (the right ID, the right key) the corrected call succeeds."""
    live = start(s3)
    live_etag = upload(s3, live, 1, b"live part")
    key, upload_id, etag = KEY, "", live_etag
    if scenario == "unknown":
        upload_id = "NoSuchUploadIdAtAll-" + "x" * 40
    elif scenario == "other key":
        upload_id = live
        key = "some/other/key"
    else:
        upload_id = start(s3, key="gone")
        etag = upload(s3, upload_id, 1, b"gone part", key="gone")
        key = "gone"
        if scenario == "aborted":
            s3.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)
        else:
            complete(s3, upload_id, [(1, etag)], key=key)
            if operation == "CompleteMultipartUpload":
                s3.put_object(Bucket=BUCKET, Key=key, Body=b"overwritten")
    before = state(s3mpu)
    expect_error(
        _call(s3, operation, key, upload_id, etag), 404, "NoSuchUpload", NO_SUCH_UPLOAD, UploadId=upload_id
    )
    assert state(s3mpu) == before
    if scenario in ("unknown", "other key"):
        _call(s3, operation, KEY, live, live_etag)()
        if operation in ("AbortMultipartUpload", "CompleteMultipartUpload"):
            assert s3mpu.uploads() == []


# -- the seed example and managed transfers --------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_seed_dotnet_example_13_mib(s3mpu, s3, random_bytes):
    """The seed .NET example: 13 MiB as 5 MiB + 5 MiB + 3 MiB with the real minimum; ListParts shows the
    three parts with their sizes and ETags; Complete gives the md5-of-md5s "-3" ETag computed here;
    GetObject returns the exact bytes (spec §5.2, §7)."""
    chunks = [random_bytes(5 * MIB), random_bytes(5 * MIB), random_bytes(3 * MIB)]
    upload_id = start(s3)
    etags = [upload(s3, upload_id, n, c) for n, c in enumerate(chunks, 1)]
    assert etags == [f'"{md5_hex(c)}"' for c in chunks]
    listed = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]] == [
        (1, 5 * MIB, etags[0]),
        (2, 5 * MIB, etags[1]),
        (3, 3 * MIB, etags[2]),
    ]
    assert listed["IsTruncated"] is False
    assert s3mpu.objects(BUCKET) == {}
    done = complete(s3, upload_id, list(enumerate(etags, 1)))
    expected_etag = multipart_etag(chunks)
    assert done["ETag"] == expected_etag
    assert done["ETag"].endswith('-3"')
    assert (done["Bucket"], done["Key"]) == (BUCKET, KEY)
    got = s3.get_object(Bucket=BUCKET, Key=KEY)
    assert got["ContentLength"] == 13 * MIB
    assert got["ETag"] == expected_etag
    assert got["Body"].read() == b"".join(chunks)
    assert s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_upload_fileobj_40_mib(s3mpu, s3, random_bytes):
    """boto3's managed transfer (8 MiB threshold and chunks, 8 threads) round-trips 40 MiB byte-exact
    both ways; no upload is left open and the ETag is the "-5" multipart ETag of the 8 MiB chunks."""
    data = random_bytes(40 * MIB)
    config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=8)
    s3.upload_fileobj(io.BytesIO(data), BUCKET, "big.bin", Config=config)
    assert s3mpu.uploads() == []
    head = s3.head_object(Bucket=BUCKET, Key="big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-5"')
    assert head["ETag"] == multipart_etag([data[i : i + 8 * MIB] for i in range(0, len(data), 8 * MIB)])
    assert s3mpu.object_bytes(BUCKET, "big.bin") == data
    sink = io.BytesIO()
    s3.download_fileobj(BUCKET, "big.bin", sink, Config=config)
    assert sink.getvalue() == data


def test_concurrent_upload_part(s3mpu, s3, random_bytes):
    """Ten threads upload ten parts of one upload at once (one shared, thread-safe boto3 client); every
    part lands and Complete assembles them in number order (spec §10 thread safety)."""
    chunks = {n: random_bytes(SMALL_MIN + n) for n in range(1, 11)}
    upload_id = start(s3)
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = {n: pool.submit(upload, s3, upload_id, n, data) for n, data in chunks.items()}
        etags = {n: f.result(timeout=30) for n, f in futures.items()}
    parts = s3mpu.parts(upload_id)
    assert {n: (p.etag, p.size) for n, p in parts.items()} == {
        n: (md5_hex(d), len(d)) for n, d in chunks.items()
    }
    done = complete(s3, upload_id, sorted(etags.items()))
    assert done["ETag"] == multipart_etag([chunks[n] for n in range(1, 11)])
    assert read(s3) == b"".join(chunks[n] for n in range(1, 11))


# -- listing (spec §7, §8) -------------------------------------------------------------------------


def test_list_parts_pagination(s3mpu, s3):
    """max-parts pages: PartNumberMarker echoed, NextPartNumberMarker the last part number returned,
    IsTruncated while more remain; the marker is a part number, so gaps are skipped (spec §7)."""
    numbers = [1, 2, 4, 5, 7, 9, 10]
    upload_id = start(s3)
    for n in numbers:
        upload(s3, upload_id, n, f"part {n}".encode())
    marker, seen, pages = 0, [], []
    for _ in range(10):
        page = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id, MaxParts=3, PartNumberMarker=marker)
        got = [p["PartNumber"] for p in page["Parts"]]
        assert page["PartNumberMarker"] == marker
        assert page["MaxParts"] == 3
        assert page["NextPartNumberMarker"] == got[-1]
        assert [(p["Size"], p["ETag"]) for p in page["Parts"]] == [
            (len(f"part {n}"), f'"{md5_hex(f"part {n}".encode())}"') for n in got
        ]
        pages.append((got, page["IsTruncated"]))
        seen.extend(got)
        if not page["IsTruncated"]:
            break
        marker = page["NextPartNumberMarker"]
    assert pages == [([1, 2, 4], True), ([5, 7, 9], True), ([10], False)]
    assert seen == numbers
    middle = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumberMarker=3)
    assert [p["PartNumber"] for p in middle["Parts"]] == [4, 5, 7, 9, 10]


@pytest.fixture
def many_uploads(s3):
    """Uploads on several keys; four on key "b", created in a known order."""
    created: list[tuple[str, str]] = []
    for key in ["c/x/y", "b", "a/2", "b", "a/1", "b", "b"]:
        created.append((key, start(s3, key=key)))
    # ListMultipartUploads order: key, then initiation (creation) order within a key.
    return sorted(created, key=lambda kv: (kv[0], created.index(kv)))


def _uploads(page) -> list[tuple[str, str]]:
    return [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]


def test_list_multipart_uploads_order(s3, many_uploads):
    """Uploads are listed by key, then by initiation time, several per key (spec §8 Ordering)."""
    page = s3.list_multipart_uploads(Bucket=BUCKET)
    assert _uploads(page) == many_uploads
    assert page["IsTruncated"] is False
    assert page["NextKeyMarker"] == many_uploads[-1][0]
    assert page["NextUploadIdMarker"] == many_uploads[-1][1]


def test_list_multipart_uploads_prefix_and_delimiter(s3, many_uploads):
    """prefix filters; delimiter folds keys into CommonPrefixes (spec §8 Delimiter)."""
    by_prefix = s3.list_multipart_uploads(Bucket=BUCKET, Prefix="a/")
    assert _uploads(by_prefix) == [u for u in many_uploads if u[0].startswith("a/")]
    assert by_prefix["Prefix"] == "a/"
    folded = s3.list_multipart_uploads(Bucket=BUCKET, Delimiter="/")
    assert _uploads(folded) == [u for u in many_uploads if u[0] == "b"]
    assert [p["Prefix"] for p in folded["CommonPrefixes"]] == ["a/", "c/"]
    assert folded["Delimiter"] == "/"
    nested = s3.list_multipart_uploads(Bucket=BUCKET, Prefix="c/", Delimiter="/")
    assert "Uploads" not in nested
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["c/x/"]


def test_list_multipart_uploads_markers(s3, many_uploads):
    """max-uploads pages resume from NextKeyMarker + NextUploadIdMarker; key-marker alone lists keys
    strictly after it; upload-id-marker continues within its key; an unknown upload-id-marker is
    InvalidArgument "Invalid uploadId marker" (spec §8 Markers)."""
    seen: list[tuple[str, str]] = []
    markers: dict[str, str] = {}
    for _ in range(10):
        page = s3.list_multipart_uploads(Bucket=BUCKET, MaxUploads=2, **markers)
        assert page["MaxUploads"] == 2
        assert len(_uploads(page)) <= 2
        seen.extend(_uploads(page))
        if not page["IsTruncated"]:
            break
        markers = {"KeyMarker": page["NextKeyMarker"], "UploadIdMarker": page["NextUploadIdMarker"]}
    assert seen == many_uploads

    after_b = s3.list_multipart_uploads(Bucket=BUCKET, KeyMarker="b")
    assert _uploads(after_b) == [u for u in many_uploads if u[0] > "b"]
    b_uploads = [u for u in many_uploads if u[0] == "b"]
    within = s3.list_multipart_uploads(Bucket=BUCKET, KeyMarker="b", UploadIdMarker=b_uploads[1][1])
    assert _uploads(within) == b_uploads[2:] + [u for u in many_uploads if u[0] > "b"]
    ignored = s3.list_multipart_uploads(Bucket=BUCKET, UploadIdMarker="garbage")
    assert _uploads(ignored) == many_uploads
    expect_error(
        lambda: s3.list_multipart_uploads(Bucket=BUCKET, KeyMarker="b", UploadIdMarker="garbage"),
        400,
        "InvalidArgument",
        "Invalid uploadId marker",
        ArgumentName="upload-id-marker",
        ArgumentValue="garbage",
    )


# -- Complete semantics (spec §5.2, §5.4) ----------------------------------------------------------


def test_complete_twice_returns_same_result(s3mpu, s3, random_bytes):
    """Completing an upload that already completed answers 200 with the same Bucket, Key, ETag and
    Location, without rewriting the object (spec §5.4)."""
    data = [random_bytes(SMALL_MIN), random_bytes(10)]
    upload_id = start(s3)
    etags = [upload(s3, upload_id, n, d) for n, d in enumerate(data, 1)]
    first = complete(s3, upload_id, list(enumerate(etags, 1)))
    stored = s3mpu.objects(BUCKET)[KEY]
    second = complete(s3, upload_id, list(enumerate(etags, 1)))
    fields = ("Bucket", "Key", "ETag", "Location")
    assert {f: second[f] for f in fields} == {f: first[f] for f in fields}
    assert first["ETag"] == multipart_etag(data)
    assert s3mpu.objects(BUCKET)[KEY] is stored
    assert read(s3) == b"".join(data)


def test_create_metadata_applied_at_complete(s3mpu, s3):
    """Content-Type, content headers and x-amz-meta-* given at Create are the object's at Complete; until
    then there is no object (spec §2, §5.2)."""
    upload_id = start(
        s3,
        ContentType="text/csv",
        Metadata={"Owner": "Ann", "run": "42"},
        CacheControl="max-age=30",
        ContentDisposition="inline",
        ContentLanguage="en",
    )
    etag = upload(s3, upload_id, 1, b"a,b\n1,2\n")
    expect_error(lambda: s3.head_object(Bucket=BUCKET, Key=KEY), 404, "404", "Not Found")
    complete(s3, upload_id, [(1, etag)])
    for response in (s3.head_object(Bucket=BUCKET, Key=KEY), s3.get_object(Bucket=BUCKET, Key=KEY)):
        assert response["ContentType"] == "text/csv"
        assert response["Metadata"] == {"owner": "Ann", "run": "42"}
        assert response["CacheControl"] == "max-age=30"
        assert response["ContentDisposition"] == "inline"
        assert response["ContentLanguage"] == "en"


def test_default_content_type_at_complete(s3):
    """Without a Content-Type at Create the object is binary/octet-stream (spec §2)."""
    upload_id = start(s3)
    complete(s3, upload_id, [(1, upload(s3, upload_id, 1, b"x"))])
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ContentType"] == "binary/octet-stream"


@pytest.mark.parametrize("finish", ["complete", "abort"])
def test_overwrite_is_atomic_at_complete(s3mpu, s3, random_bytes, finish):
    """An existing object stays readable, unchanged, while an upload to its key is open; Complete
    replaces it at once, Abort leaves it alone (spec §5.2 Overwrite, §6)."""
    old = b"old contents"
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=old, ContentType="text/plain")
    upload_id = start(s3, ContentType="application/octet-stream")
    new = [random_bytes(SMALL_MIN), random_bytes(5)]
    etags = [upload(s3, upload_id, n, d) for n, d in enumerate(new, 1)]
    got = s3.get_object(Bucket=BUCKET, Key=KEY)
    assert got["Body"].read() == old
    assert got["ETag"] == f'"{md5_hex(old)}"'
    assert got["ContentType"] == "text/plain"
    listed = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [(o["Key"], o["ETag"], o["Size"]) for o in listed] == [(KEY, f'"{md5_hex(old)}"', len(old))]
    if finish == "complete":
        complete(s3, upload_id, list(enumerate(etags, 1)))
        got = s3.get_object(Bucket=BUCKET, Key=KEY)
        assert got["Body"].read() == b"".join(new)
        assert got["ETag"] == multipart_etag(new)
        assert got["ContentType"] == "application/octet-stream"
    else:
        s3.abort_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id)
        assert read(s3) == old
    assert s3mpu.uploads() == []


# -- virtual-hosted style (spec §1.1) --------------------------------------------------------------


def _resolves(name: str) -> bool:
    try:
        return bool(socket.getaddrinfo(name, None))
    except OSError:
        return False


def test_virtual_hosted_style(s3mpu, s3, random_bytes):
    """Virtual-hosted addressing (Host: {bucket}.localhost:PORT, spec §1.1). If ``{bucket}.localhost``
    resolves on this machine, a boto3 client with addressing_style "virtual" does a whole multipart
    upload; where it does not resolve (as on the machine this was written on), the same requests go
    over http.client to 127.0.0.1 with an explicit Host header. Either way the object is the one
    path-style boto3 reads, and Complete's Location is the virtual-hosted URL."""
    port = urlsplit(s3mpu.endpoint_url).port
    host = f"{BUCKET}.localhost:{port}"
    data = [random_bytes(SMALL_MIN), random_bytes(33)]
    key = "v dir/obj"
    if _resolves(f"{BUCKET}.localhost"):
        vclient = _virtual_client(s3mpu, port)
        upload_id = vclient.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
        etags = [
            vclient.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=n, Body=d)["ETag"]
            for n, d in enumerate(data, 1)
        ]
        done = vclient.complete_multipart_upload(
            Bucket=BUCKET,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
        )
        location, etag = done["Location"], done["ETag"]
        assert vclient.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"".join(data)
    else:
        location, etag = _virtual_multipart_over_http_client(port, host, key, data)
    assert location == f"http://{host}/v%20dir/obj"
    assert etag == multipart_etag(data)
    assert read(s3, key) == b"".join(data)
    assert s3mpu.uploads() == []


def _virtual_client(s3mpu, port: int):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=f"http://localhost:{port}",
        region_name=s3mpu.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "virtual"}),
    )


def _virtual_multipart_over_http_client(port: int, host: str, key: str, data: list[bytes]) -> tuple[str, str]:
    """Create, UploadPart x N, Complete with Host: {bucket}.localhost:PORT on a 127.0.0.1 connection."""
    path = "/" + key.replace(" ", "%20")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:

        def request(method: str, target: str, body: bytes = b"") -> tuple[int, dict, bytes]:
            connection.request(method, target, body=body, headers={"Host": host})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()

        status, _, body = request("POST", path + "?uploads")
        assert status == 200, body
        created = xmltodict.parse(body)["InitiateMultipartUploadResult"]
        assert created["@xmlns"] == NS
        assert (created["Bucket"], created["Key"]) == (BUCKET, key)
        upload_id = created["UploadId"]
        parts = []
        for number, chunk in enumerate(data, 1):
            status, headers, body = request("PUT", f"{path}?partNumber={number}&uploadId={upload_id}", chunk)
            assert status == 200, body
            parts.append(f"<Part><PartNumber>{number}</PartNumber><ETag>{headers['ETag']}</ETag></Part>")
        document = f"<CompleteMultipartUpload>{''.join(parts)}</CompleteMultipartUpload>".encode()
        status, _, body = request("POST", f"{path}?uploadId={upload_id}", document)
        assert status == 200, body
        result = xmltodict.parse(body)["CompleteMultipartUploadResult"]
        assert (result["Bucket"], result["Key"]) == (BUCKET, key)
        status, _, body = request("GET", path)
        assert status == 200 and body == b"".join(data)
        return result["Location"], result["ETag"]
    finally:
        connection.close()
