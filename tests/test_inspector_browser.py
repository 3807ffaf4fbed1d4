"""The inspector page in a real browser (headless Chromium through chromedriver): while a test's multipart
upload meets a SlowDown on part 2 and an embedded error on Complete, the page (polling its JSON) shows the
upload's parts as a bar, part 2's two attempts and Complete's retry each on one row, and the rules' hits.
Keys are shown as text, never run. Screenshots go to the test's tmp_path; the checks read the DOM.

Needs the Debian packages chromium and chromium-driver (/usr/bin/chromedriver; CI: scripts/browser-setup.sh)
and selenium (the test extra); without them the module is skipped, saying which is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
PART = 1024
WAIT_S = 20.0  # the page polls every second; a loaded 2-core machine is slow to render

if not os.path.exists(CHROMEDRIVER):
    pytest.skip(f"no {CHROMEDRIVER} (Debian package chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the test extra)")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    options = webdriver.ChromeOptions()
    if os.path.exists(CHROMIUM):
        options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, found: Callable[[Any], Any], what: str) -> Any:
    """Poll the DOM until ``found`` gives something truthy (bounded by WAIT_S)."""
    return WebDriverWait(driver, WAIT_S, poll_frequency=0.2).until(found, message=f"page never showed {what}")


def css(driver: Any, selector: str) -> list[Any]:
    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def no_alert(driver: Any) -> bool:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return alert is None


@pytest.mark.s3mpu(min_part_size=PART)
def test_page_follows_an_upload_with_a_throttled_part_and_a_retried_complete(s3mpu, browser, tmp_path):
    """SlowDown on part 2, an error inside Complete's 200 (S3's way to fail a started Complete; botocore
    retries it): the bar has the parts, part 2's row holds both attempts with the rule's mark, Complete's
    row its two attempts, and each rule shows one hit. [AWS: CompleteMultipartUpload, "a 200 OK response
    can contain valid XML or an error"; README: fault schema]"""
    slow = s3mpu.faults.add(operation="UploadPart", part_number=2, preset="SlowDown", retry_after=0)
    embedded = s3mpu.faults.add(
        operation="CompleteMultipartUpload",
        action="embedded_error",
        preset="InternalError",
        keepalive_s=0.05,
        duration_s=0.1,
    )
    browser.get(s3mpu.inspector_url)  # before the upload: the page follows it by polling
    wait_for(browser, lambda d: css(d, "#uploads .empty"), "its empty state")

    client = s3mpu.client(retries={"max_attempts": 3, "mode": "standard"})
    client.create_bucket(Bucket="bkt")
    upload_id = client.create_multipart_upload(Bucket="bkt", Key="big")["UploadId"]
    sizes = {1: PART, 2: 2 * PART, 3: 100}
    parts = [
        {
            "PartNumber": n,
            "ETag": client.upload_part(
                Bucket="bkt", Key="big", UploadId=upload_id, PartNumber=n, Body=b"p" * size
            )["ETag"],
        }
        for n, size in sizes.items()
    ]
    client.complete_multipart_upload(
        Bucket="bkt", Key="big", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )

    upload = f'.upload[data-upload-id="{upload_id}"][data-state="completed"]'
    wait_for(browser, lambda d: len(css(d, f"{upload} .part")) == 3, "the completed upload's three parts")
    part_row = '.call[data-operation="UploadPart"][data-part="2"]'
    complete_row = '.call[data-operation="CompleteMultipartUpload"]'
    wait_for(browser, lambda d: css(d, f'{complete_row}[data-attempts="2"]'), "Complete's two attempts")
    browser.save_screenshot(str(tmp_path / "inspector.png"))

    blocks = css(browser, f"{upload} .part")
    assert [b.get_attribute("data-part") for b in blocks] == ["1", "2", "3"]
    assert parts[1]["ETag"].strip('"') in blocks[1].get_attribute("title")
    widths = [b.size["width"] for b in blocks]
    assert widths[1] > widths[0] > widths[2]  # width follows size (2 KiB, 1 KiB, 100 B)
    assert css(browser, f"{upload} .part .min-mark")  # the 2 KiB part marks where 1 KiB ends

    [row] = css(browser, part_row)
    chips = row.find_elements(By.CSS_SELECTOR, ".attempt")
    assert [c.get_attribute("data-status") for c in chips] == ["503", "200"]
    assert chips[0].get_attribute("data-fault") == slow.id and "throttled" in chips[0].get_attribute("class")
    [complete] = css(browser, complete_row)
    complete_chips = complete.find_elements(By.CSS_SELECTOR, ".attempt")
    assert complete_chips[0].get_attribute("data-fault") == embedded.id
    assert "InternalError" in complete_chips[0].text
    hits = {
        r.get_attribute("data-rule"): r.get_attribute("data-hits")
        for r in css(browser, "#faults tr[data-rule]")
    }
    assert hits == {slow.id: "1", embedded.id: "1"}
    assert (tmp_path / "inspector.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.s3mpu(min_part_size=PART)
def test_keys_render_as_text_and_search_filters(s3mpu, s3mpu_client, browser, tmp_path):
    """A key that is markup shows as its characters: no alert, no element made of it, in the live page and
    in the static snapshot (journal.html opened from disk); the search box narrows the objects shown."""
    script_key = "<script>alert(1)</script>"
    image_key = '<img src=x onerror="alert(2)">'
    s3mpu_client.create_bucket(Bucket="bkt")
    for key in (script_key, image_key, "plain.txt"):
        s3mpu_client.put_object(Bucket="bkt", Key=key, Body=b"x")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="bkt", Key=script_key)["UploadId"]
    for n in (1, 3):  # part 2 missing: the bar shows the gap
        s3mpu_client.upload_part(
            Bucket="bkt", Key=script_key, UploadId=upload_id, PartNumber=n, Body=b"s" * 10
        )
    snapshot = s3mpu.journal.html(tmp_path / "snapshot.html")

    for index, url in enumerate((s3mpu.inspector_url, Path(snapshot).as_uri())):
        browser.get(url)
        wait_for(browser, lambda d: len(css(d, "#buckets tr[data-key]")) == 3, f"three objects at {url}")
        keys = [cell.text for cell in css(browser, "#buckets td.key")]
        assert script_key in keys and image_key in keys
        assert no_alert(browser)
        assert css(browser, "img") == []
        assert len(css(browser, "script")) == 2  # the data element and the page's own
        assert [g.get_attribute("data-missing") for g in css(browser, ".upload .gap")] == ["2"]
        browser.save_screenshot(str(tmp_path / f"keys-{index}.png"))

    search = browser.find_element(By.ID, "search")
    search.send_keys("plain")
    wait_for(browser, lambda d: len(css(d, "#buckets tr[data-key]")) == 1, "only the searched object")
    assert [cell.text for cell in css(browser, "#buckets td.key")] == ["plain.txt"]
    assert css(browser, ".upload") == []  # the upload's key does not match either


def test_a_lifecycle_action_shows_as_lifecycle_not_dropped(s3mpu, s3mpu_client, browser, tmp_path):
    """An object a lifecycle rule expired: its timeline row is a "lifecycle" chip naming the action and
    rule, not a "dropped" one (the page once typed any attempt without a status as a dropped connection).
    [AWS user guide "Expiring objects"; README: the journal]"""
    rule = {"ID": "expire-all", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}
    s3mpu_client.create_bucket(Bucket="bkt")
    s3mpu_client.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [rule]})
    s3mpu_client.put_object(Bucket="bkt", Key="old", Body=b"1")
    s3mpu.clock.advance(days=3)  # the next request applies what is due
    assert "Contents" not in s3mpu_client.list_objects_v2(Bucket="bkt")
    browser.get(s3mpu.inspector_url)
    line = '#timeline .call[data-operation="Lifecycle:Expiration"]'
    wait_for(browser, lambda d: css(d, line), "the lifecycle action")
    (chip,) = css(browser, line + " .attempt")
    assert chip.get_attribute("data-status") == "lifecycle"
    assert chip.get_attribute("class").split() == ["attempt", "lifecycle"]
    assert chip.text == "lifecycle Expiration rule=expire-all"
    browser.save_screenshot(str(tmp_path / "lifecycle.png"))
