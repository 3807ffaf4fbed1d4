#!/usr/bin/env bash
# The browser the browser tests drive (tests/test_browser_e2e.py): headless Chromium and its driver from
# Debian's packages, installed once here so nothing downloads a browser while the tests run (selenium is
# pointed at /usr/bin/chromedriver; its selenium-manager is never invoked). Without root, or off Debian,
# it says what is missing and the browser tests skip with that reason.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "browser-setup: chromium and chromium-driver are not installed and apt-get cannot run here;" \
        "the browser tests will skip" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium chromium-driver
