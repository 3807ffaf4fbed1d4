"""A real browser against the double: headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
installed by scripts/browser-setup.sh; nothing downloads a browser here) driven by selenium through
/usr/bin/chromedriver.

A page served from another origin (a tiny HTTP server on 127.0.0.1, port 0) uploads through presigned
URLs the test (the backend) makes with boto3, as a web application does. What the browser may do is
decided by the bucket's CORS rules, evaluated as S3 evaluates them (AWS user guide, "Using
cross-origin resource sharing (CORS)" and "Troubleshooting CORS"; LocalStack's test_s3_cors recordings);
a form upload follows the POST policy (AWS API reference "POST Object", "Browser-based uploads using
POST"). Screenshots go to each test's tmp_path. One browser serves the whole module.
"""

from __future__ import annotations

import base64
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
BUCKET = "browser-uploads"
PART = 96 * 1024
SCRIPT_TIMEOUT_S = 30

pytestmark = pytest.mark.s3mpu(min_part_size=PART)

# The page: uploadParts(urls, parts) PUTs each part with fetch and reports what the page could read.
PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>uploader</title></head>
<body>
<h1>uploader</h1>
<pre id="log"></pre>
<script>
function bytesOf(b64) {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
async function uploadParts(urls, parts) {
  const results = [];
  for (let i = 0; i < urls.length; i++) {
    try {
      const response = await fetch(urls[i], {method: "PUT", body: bytesOf(parts[i])});
      const result = {status: response.status, etag: response.headers.get("ETag")};
      if (!response.ok) result.body = await response.text();  // S3's error document, if CORS lets it
      results.push(result);
    } catch (error) {
      results.push({error: String(error)});
    }
  }
  document.getElementById("log").textContent = JSON.stringify(results, null, 1);
  return results;
}
function buildForm(action, fields) {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = action;
  form.enctype = "multipart/form-data";
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  const file = document.createElement("input");
  file.type = "file";
  file.name = "file";
  file.id = "file";
  form.appendChild(file);
  form.id = "upload";
  document.body.appendChild(form);
}
</script>
</body></html>
"""


class _PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE if urlsplit(self.path).path == "/" else b"<!doctype html><title>done</title><p>done</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@pytest.fixture(scope="module")
def page_origin() -> Iterator[str]:
    """The page's origin: another port than the double's, so every request to it is cross-origin."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module, from the Debian packages (never downloaded)."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(
            f"{CHROMIUM} and {CHROMEDRIVER} are not installed (Debian packages chromium and "
            "chromium-driver: bash scripts/browser-setup.sh; CI runs it)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # with the driver's path too: selenium-manager is never run
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_script_timeout(SCRIPT_TIMEOUT_S)
    driver.set_page_load_timeout(SCRIPT_TIMEOUT_S)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


def cors(origin: str, expose: bool = True) -> dict:
    rule = {"AllowedOrigins": [origin], "AllowedMethods": ["PUT", "GET"], "AllowedHeaders": ["*"]}
    return {"CORSRules": [{**rule, **({"ExposeHeaders": ["ETag"]} if expose else {})}]}


def upload_in_browser(
    browser, page_origin: str, s3, key: str, parts: list[bytes], before_page: Callable[[], None] | None = None
) -> tuple[str, list[dict]]:
    """The backend starts the upload and presigns one UploadPart URL per part; ``before_page`` runs (e.g.
    moves the test clock); the page PUTs them."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    urls = [
        s3.generate_presigned_url(
            "upload_part",
            Params={"Bucket": BUCKET, "Key": key, "UploadId": upload_id, "PartNumber": number},
            ExpiresIn=300,
        )
        for number in range(1, len(parts) + 1)
    ]
    if before_page is not None:
        before_page()
    browser.get(page_origin + "/")
    encoded = [base64.b64encode(part).decode("ascii") for part in parts]
    results = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "uploadParts(arguments[0], arguments[1]).then(done, e => done([{error: String(e)}]));",
        urls,
        encoded,
    )
    return upload_id, results


def test_page_uploads_a_multipart_file_through_presigned_urls(browser, page_origin, s3, s3mpu, tmp_path):
    """The rule allows the page's origin and exposes ETag: every PUT passes its preflight, the page
    reads each ETag and hands them back, the backend completes; the object is byte-exact."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors(page_origin))
    parts = [os.urandom(PART), os.urandom(PART), os.urandom(1000)]
    upload_id, results = upload_in_browser(browser, page_origin, s3, "from-browser.bin", parts)
    browser.save_screenshot(str(tmp_path / "multipart-upload.png"))
    assert [r.get("status") for r in results] == [200, 200, 200], results
    assert all(r["etag"] and r["etag"].startswith('"') for r in results)
    s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="from-browser.bin",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": r["etag"]} for n, r in enumerate(results, 1)]},
    )
    assert s3mpu.object_bytes(BUCKET, "from-browser.bin") == b"".join(parts)
    preflights = [e for e in s3mpu.journal.entries() if e.operation == "PreflightRequest"]
    assert [e.status for e in preflights] == [200, 200, 200]


def test_page_from_an_origin_the_rule_does_not_allow_stores_nothing(
    browser, page_origin, s3, s3mpu, tmp_path
):
    """Another origin only: the preflight is refused (403), fetch fails in the page, no part is sent."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors("https://app.example"))
    upload_id, results = upload_in_browser(browser, page_origin, s3, "refused.bin", [os.urandom(PART)])
    browser.save_screenshot(str(tmp_path / "refused-origin.png"))
    assert "error" in results[0] and "Failed to fetch" in results[0]["error"], results
    assert s3mpu.parts(upload_id) == {}
    assert [e.operation for e in s3mpu.journal.entries()][-1] == "PreflightRequest"
    assert s3mpu.journal.entries()[-1].status == 403


def test_rule_without_expose_headers_hides_the_etag(browser, page_origin, s3, s3mpu, tmp_path):
    """Allowed, but ETag not exposed: the part is stored, yet the page cannot read its ETag (so it
    could not complete the upload) -- the mistake the Troubleshooting CORS page describes."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors(page_origin, expose=False))
    upload_id, results = upload_in_browser(browser, page_origin, s3, "hidden.bin", [os.urandom(PART)])
    browser.save_screenshot(str(tmp_path / "hidden-etag.png"))
    assert results == [{"status": 200, "etag": None}]
    assert list(s3mpu.parts(upload_id)) == [1]


def post_form(browser, page_origin: str, fields: dict[str, str], url: str, file: Path) -> None:
    browser.get(page_origin + "/")
    browser.execute_script("buildForm(arguments[0], arguments[1]);", url, fields)
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "file").send_keys(str(file))
    browser.execute_script("document.getElementById('upload').submit();")


def test_presigned_post_form_uploads_a_file_and_refuses_one_too_large(
    browser, page_origin, s3, s3mpu, tmp_path
):
    """A form made from boto3's generate_presigned_post: the file is stored and the browser is sent to
    success_action_redirect with bucket, key and etag; a file over the policy's content-length-range is
    refused with EntityTooLarge (the browser shows S3's error document) and nothing is stored."""
    done = page_origin + "/done"
    post = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key="forms/${filename}",
        Fields={"success_action_redirect": done},
        Conditions=[
            ["starts-with", "$key", "forms/"],
            ["eq", "$success_action_redirect", done],
            ["content-length-range", 1, 4096],
        ],
        ExpiresIn=300,
    )
    small = tmp_path / "small.txt"
    small.write_bytes(os.urandom(3000))
    post_form(browser, page_origin, post["fields"], post["url"], small)
    browser.save_screenshot(str(tmp_path / "post-done.png"))
    landed = urlsplit(browser.current_url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == done
    query = parse_qs(landed.query)
    assert (query["bucket"], query["key"]) == ([BUCKET], ["forms/small.txt"])
    assert s3mpu.object_bytes(BUCKET, "forms/small.txt") == small.read_bytes()
    assert query["etag"] == [s3.head_object(Bucket=BUCKET, Key="forms/small.txt")["ETag"]]
    large = tmp_path / "large.bin"
    large.write_bytes(os.urandom(5000))
    post_form(browser, page_origin, post["fields"], post["url"], large)
    browser.save_screenshot(str(tmp_path / "post-too-large.png"))
    assert "EntityTooLarge" in browser.page_source
    assert "forms/large.bin" not in s3mpu.objects(BUCKET)


SIGNED = pytest.mark.s3mpu(auth="sigv4", min_part_size=PART)


@SIGNED
def test_with_signature_verification_the_page_uploads_and_the_form_posts(
    browser, page_origin, s3, s3mpu, tmp_path
):
    """With auth=sigv4 every presigned URL and the POST form are verified (signed by the backend with the
    configured key pair): the page's parts upload, the upload completes, the form's file is stored; the
    journal shows each part checked as a presigned request."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors(page_origin))
    parts = [os.urandom(PART), os.urandom(500)]
    upload_id, results = upload_in_browser(browser, page_origin, s3, "signed.bin", parts)
    browser.save_screenshot(str(tmp_path / "signed-upload.png"))
    assert [r.get("status") for r in results] == [200, 200], results
    s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="signed.bin",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": r["etag"]} for n, r in enumerate(results, 1)]},
    )
    assert s3mpu.object_bytes(BUCKET, "signed.bin") == b"".join(parts)
    uploads = [e for e in s3mpu.journal.entries() if e.operation == "UploadPart"]
    assert [(e.status, e.access_key, e.auth) for e in uploads] == [(200, "test", "presigned")] * 2
    done = page_origin + "/done"
    post = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key="forms/${filename}",
        Fields={"success_action_redirect": done},
        Conditions=[["starts-with", "$key", "forms/"], {"success_action_redirect": done}],
        ExpiresIn=300,
    )
    small = tmp_path / "signed.txt"
    small.write_bytes(os.urandom(2000))
    post_form(browser, page_origin, post["fields"], post["url"], small)
    landed = urlsplit(browser.current_url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == done, browser.page_source
    assert s3mpu.object_bytes(BUCKET, "forms/signed.txt") == small.read_bytes()


@SIGNED
def test_expired_presigned_part_url_is_access_denied_readable_by_the_page(
    browser, page_origin, s3, s3mpu, tmp_path
):
    """A presigned UploadPart URL used after its X-Amz-Expires (the test clock moved past it): 403
    AccessDenied "Request has expired" [LS-AWS s3: test_s3_presigned_url_expired[s3v4], recorded
    2026-02-21]. S3 adds the matching CORS rule's headers to an error answer too (AWS user guide,
    "Troubleshooting CORS"), so the page reads the status and the error document; no part is stored."""
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=cors(page_origin))
    upload_id, results = upload_in_browser(
        browser, page_origin, s3, "late.bin", [os.urandom(PART)], lambda: s3mpu.clock.advance(301)
    )
    browser.save_screenshot(str(tmp_path / "expired-url.png"))
    assert results[0]["status"] == 403, results
    assert "<Code>AccessDenied</Code>" in results[0]["body"]
    assert "<Message>Request has expired</Message>" in results[0]["body"]
    assert "<X-Amz-Expires>300</X-Amz-Expires>" in results[0]["body"]
    assert s3mpu.parts(upload_id) == {}
    last = s3mpu.journal.entries()[-1]
    assert (last.operation, last.status, last.error_code, last.auth) == (
        "UploadPart",
        403,
        "AccessDenied",
        "refused",
    )
