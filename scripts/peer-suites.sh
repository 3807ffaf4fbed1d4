#!/usr/bin/env bash
# Runs other projects' own, unmodified S3 test suites (s3fs, aiobotocore's S3 tests) twice: against the
# moto server their fixtures start, and against pytest-s3mpu's standalone server in its place (the plugin
# scripts/peer_suites/s3mpu_as_moto.py swaps moto's ThreadedMotoServer for ours). Prints the pass/fail
# counts of each run and keeps the JUnit reports in .peer/results/; the report of the run before is moved to
# .peer/results/previous/ and every test whose outcome changed since is listed (scripts/peer_suites/
# compare_runs.py), and so is each test that moto and the double answer differently when both ran.
#
# Not part of the default test run (several minutes). Needs PyPI: the suites come from the projects'
# source distributions, pinned below, into .peer/ (ignored by git).
#   bash scripts/peer-suites.sh            # both suites, both servers
#   SUITES=s3fs PEERS=s3mpu bash scripts/peer-suites.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.peer"
PYTHON=${PYTHON:-python3}
SUITES=${SUITES:-"s3fs aiobotocore"}
PEERS=${PEERS:-"moto s3mpu"}
S3FS=2026.9.0
AIOBOTOCORE=3.10.0
# Suites written before April 2023 create buckets with ACL="public-read" (S3 now refuses it by default).
# Dummy credentials and a region, as the suites' own CI provides them (nothing reaches AWS).
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
export S3MPU_PEER_OBJECT_OWNERSHIP=${S3MPU_PEER_OBJECT_OWNERSHIP:-ObjectWriter}

mkdir -p "$OUT/src" "$OUT/results"
if [ ! -x "$OUT/venv/bin/python" ]; then
    "$PYTHON" -m venv "$OUT/venv"
fi
PY="$OUT/venv/bin/python"
"$PY" -m pip install -q --disable-pip-version-check -e "$ROOT" \
    "s3fs==$S3FS" "aiobotocore[boto3]==$AIOBOTOCORE" "moto[server,s3]>=5.1" \
    pytest pytest-asyncio pytest-timeout requests packaging python-dateutil anyio trio dill flask flask-cors \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

fetch_sdist() {  # fetch_sdist NAME VERSION: the source distribution, unpacked (it carries the tests)
    local dir="$OUT/src/$1-$2"
    if [ ! -d "$dir" ]; then
        "$PY" -m pip download -q --disable-pip-version-check --no-binary :all: --no-deps -d "$OUT/src" "$1==$2" \
            2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
        tar xzf "$OUT/src/$1-$2.tar.gz" -C "$OUT/src"
    fi
    echo "$dir"
}

run_suite() {  # run_suite SUITE PEER
    local suite=$1 peer=$2 dir args=()
    case "$suite" in
        s3fs) dir=$(fetch_sdist s3fs "$S3FS"); args=(s3fs/tests) ;;
        aiobotocore) dir=$(fetch_sdist aiobotocore "$AIOBOTOCORE"); args=(tests/test_basic_s3.py) ;;
        *) echo "unknown suite $suite" >&2; return 2 ;;
    esac
    [ "$peer" = s3mpu ] && args+=(-p s3mpu_as_moto)
    local report="$OUT/results/$suite-$peer.xml" previous="$OUT/results/previous/$suite-$peer.xml"
    if [ -f "$report" ]; then
        mkdir -p "$OUT/results/previous"
        mv "$report" "$previous"
    fi
    (cd "$dir" && PYTHONPATH="$ROOT/scripts/peer_suites" timeout 1800 "$PY" -m pytest -q -rs --timeout 120 --junitxml "$report" "${args[@]}" >"$OUT/results/$suite-$peer.log" 2>&1) || true
    "$PY" "$ROOT/scripts/peer_suites/compare_runs.py" "$report" --label "$suite $peer"
    if [ -f "$previous" ]; then
        echo "  since the previous run ($suite, $peer):"
        "$PY" "$ROOT/scripts/peer_suites/compare_runs.py" "$previous" "$report" \
            --label-before previous --label-after now || echo "  REGRESSION: a test that passed before fails now"
    fi
}

for suite in $SUITES; do
    for peer in $PEERS; do
        run_suite "$suite" "$peer"
    done
    if [[ " $PEERS " == *" moto "* && " $PEERS " == *" s3mpu "* ]]; then
        echo "  moto and pytest-s3mpu side by side ($suite; COMPATIBILITY.md explains each):"
        "$PY" "$ROOT/scripts/peer_suites/compare_runs.py" "$OUT/results/$suite-moto.xml" \
            "$OUT/results/$suite-s3mpu.xml" --label-before moto --label-after s3mpu || true
    fi
done
echo "reports and logs: $OUT/results/"
