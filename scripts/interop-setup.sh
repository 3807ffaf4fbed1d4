#!/usr/bin/env bash
# Installs the interop clients that cannot live in the main virtual environment (tests/interop/):
#   .interop/venv          aiobotocore + s3fs (their botocore pin conflicts with the main test extra)
#   .interop/aio           this project with aiobotocore and pytest, for the s3mpu_aioclient fixture's tests
#   .interop/js            the AWS SDK for JavaScript v3 (npm ci from tests/interop/js/package-lock.json)
#   rclone                 Debian's package (apt-get, only when run as root)
# Idempotent: each part is skipped when it is already installed from the same pinned files. A part that
# cannot be installed is reported (exit status stays 0); its tests then skip naming this script.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.interop"
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
status=()

stamp_ok() {  # stamp_ok NAME FILE...: the files are unchanged since the last successful install
    [ -f "$OUT/$1.stamp" ] && [ "$(cat "${@:2}" | sha256sum)" = "$(cat "$OUT/$1.stamp")" ]
}
stamp() { cat "${@:2}" | sha256sum > "$OUT/$1.stamp"; }

# 1. Side Python environment: aiobotocore, s3fs.
REQ=tests/interop/side/requirements.txt
if stamp_ok venv "$REQ" && "$OUT/venv/bin/python" -c "import aiobotocore, s3fs" 2>/dev/null; then
    status+=("side venv (aiobotocore, s3fs): already installed")
elif "$PYTHON" -m venv "$OUT/venv" \
        && "$OUT/venv/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"; then
    stamp venv "$REQ"
    status+=("side venv (aiobotocore, s3fs): installed in .interop/venv")
else
    status+=("side venv (aiobotocore, s3fs): FAILED")
fi

# 1b. The async fixture's environment: this project (editable) with aiobotocore and its own botocore.
AIO_REQ=tests/interop/aio/requirements.txt
if stamp_ok aio "$AIO_REQ" pyproject.toml && "$OUT/aio/bin/python" -c "import aiobotocore, pytest_s3mpu" 2>/dev/null; then
    status+=("aio venv (aiobotocore + pytest-s3mpu): already installed")
elif "$PYTHON" -m venv "$OUT/aio" \
        && "$OUT/aio/bin/python" -m pip install -q --disable-pip-version-check -r "$AIO_REQ" -e "$ROOT"; then
    stamp aio "$AIO_REQ" pyproject.toml
    status+=("aio venv (aiobotocore + pytest-s3mpu): installed in .interop/aio")
else
    status+=("aio venv (aiobotocore + pytest-s3mpu): FAILED")
fi

# 2. AWS SDK for JavaScript v3, from the committed lock file.
JS=tests/interop/js
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    status+=("JS SDK: node/npm not found, not installed")
elif stamp_ok js "$JS/package.json" "$JS/package-lock.json" && [ -d "$OUT/js/node_modules/@aws-sdk/lib-storage" ]; then
    status+=("JS SDK: already installed")
else
    mkdir -p "$OUT/js"
    cp "$JS/package.json" "$JS/package-lock.json" "$OUT/js/"
    if (cd "$OUT/js" && npm ci --no-audit --no-fund --loglevel=error); then
        stamp js "$JS/package.json" "$JS/package-lock.json"
        status+=("JS SDK: installed in .interop/js/node_modules (node $(node --version))")
    else
        status+=("JS SDK: npm ci FAILED")
    fi
fi

# 3. rclone from Debian's packages.
if command -v rclone >/dev/null; then
    status+=("rclone: $(rclone version 2>/dev/null | head -n1)")
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone >/dev/null; then
        status+=("rclone: installed, $(rclone version 2>/dev/null | head -n1)")
    else
        status+=("rclone: apt-get install FAILED")
    fi
else
    status+=("rclone: not installed (needs root: apt-get install rclone)")
fi

echo "interop-setup:"
printf '  %s\n' "${status[@]}"
exit 0
