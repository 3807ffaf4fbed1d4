#!/usr/bin/env bash
# Runs ceph/s3-tests' boto3 suite (s3tests/functional/test_s3.py, unmodified) against pytest-s3mpu's
# standalone server started with --auth sigv4, then tallies the results by ceph's pytest marks
# (scripts/ceph_tally.py). ceph's suite is the third source of ground truth, after the recordings made
# against real S3 and AWS's documentation: a test marked fails_on_aws is ceph's own note that AWS answers
# differently, so failing it is expected of a faithful double.
#
# Not part of the default test run (several minutes). Needs PyPI for the suite's own dependencies (pinned
# below) and a checkout of ceph/s3-tests: CEPH_S3_TESTS=DIR, or a git dir to export (CEPH_S3_TESTS_GIT,
# default: the snapshot the project keeps in /work/.mirror). Everything goes to .ceph/ (ignored by git):
# the venv, the exported suite, s3tests.conf, the server's log, the JUnit report and pytest's log.
#   bash scripts/ceph-s3-tests.sh                 # the whole file
#   bash scripts/ceph-s3-tests.sh -k 'multipart'  # extra arguments go to pytest
#
# One change to ceph's harness, none to its tests: scripts/ceph_s3_tests/s3mpu_cleanup.py sends
# BypassGovernanceRetention in the cleanup only to buckets with Object Lock (S3 refuses it elsewhere).
#
# The users of s3tests.conf (main, alt, tenant, iam, iam root, iam alt root) are all given to the server
# as --credentials; the double has ONE account, so all of them are the same owner: tests that expect
# another account to be refused access (ACLs, policies, ownership across users) fail for that reason.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.ceph"
PYTHON=${PYTHON:-python3}
CEPH_S3_TESTS_GIT=${CEPH_S3_TESTS_GIT:-/work/.mirror/ceph+s3-tests/repo}
TIMEOUT=${TIMEOUT:-90}          # seconds per test (pytest-timeout): some lifecycle tests sleep for minutes
WORKERS=${WORKERS:-2}           # pytest-xdist workers
REGION=us-east-1                # the double's default region; the suite's clients name none
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_DEFAULT_REGION=$REGION AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

mkdir -p "$OUT/results"
if [ ! -x "$OUT/venv/bin/python" ]; then
    "$PYTHON" -m venv "$OUT/venv"
fi
PY="$OUT/venv/bin/python"
"$PY" -m pip install -q --disable-pip-version-check -e "$ROOT" \
    "boto3>=1.34" munch==4.0.0 isodate==0.7.2 pytz requests httplib2 lxml PyYAML python-dateutil \
    pytest pytest-timeout pytest-xdist \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

SUITE=${CEPH_S3_TESTS:-}
if [ -z "$SUITE" ]; then
    SUITE="$OUT/s3-tests"
    rm -rf "$SUITE" && mkdir -p "$SUITE"
    git -C "$CEPH_S3_TESTS_GIT" archive HEAD | tar -x -C "$SUITE"
    git -C "$CEPH_S3_TESTS_GIT" rev-parse HEAD >"$OUT/results/s3-tests-commit.txt"
fi

# s3tests.conf's key pairs (the SAMPLE's, which ceph's vstart.sh creates).
MAIN=0555b35654ad1656d804:h7GhxuBLTrlhVUyxSPUKUV8r/2EI4ngqJxD7iBdBYLhwluN30JaT3Q==
ALT=NOPQRSTUVWXYZABCDEFG:nopqrstuvwxyzabcdefghijklmnabcdefghijklm
TENANT=HIJKLMNOPQRSTUVWXYZA:opqrstuvwxyzabcdefghijklmnopqrstuvwxyzab
IAM=ABCDEFGHIJKLMNOPQRST:abcdefghijklmnopqrstuvwxyzabcdefghijklmn
IAM_ROOT=AAAAAAAAAAAAAAAAAAaa:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
IAM_ALT_ROOT=BBBBBBBBBBBBBBBBBBbb:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb

# The server on a free port (--port 0: its first stdout line names the address).
SERVER_LOG="$OUT/results/server.log"
coproc SERVER { exec "$PY" -m pytest_s3mpu --port 0 --region "$REGION" --auth sigv4 \
    --credentials "$MAIN" --credentials "$ALT" --credentials "$TENANT" --credentials "$IAM" \
    --credentials "$IAM_ROOT" --credentials "$IAM_ALT_ROOT" 2>"$SERVER_LOG"; }
SERVER_ID=$SERVER_PID
trap 'kill "$SERVER_ID" 2>/dev/null || true' EXIT
read -r -t 30 LINE <&"${SERVER[0]}"
PORT=${LINE##*:}
echo "s3mpu serving on 127.0.0.1:$PORT (log: $SERVER_LOG)"

CONF="$OUT/s3tests.conf"
sed -e "s/^host = .*/host = 127.0.0.1/" -e "s/^port = .*/port = $PORT/" \
    -e "s/^bucket prefix = .*/bucket prefix = ceph-{random}-/" "$SUITE/s3tests.conf.SAMPLE" >"$CONF"

REPORT="$OUT/results/test_s3.xml"
LOG="$OUT/results/test_s3.log"
START=$(date +%s)
(cd "$SUITE" && PYTHONPATH="$ROOT/scripts/ceph_s3_tests" S3TEST_CONF="$CONF" timeout 3600 "$PY" -m pytest -q -rfE -p no:cacheprovider -p s3mpu_cleanup \
    -n "$WORKERS" --timeout "$TIMEOUT" --junitxml "$REPORT" -o junit_family=xunit1 \
    s3tests/functional/test_s3.py "$@" >"$LOG" 2>&1) || true
echo "ran in $(( $(date +%s) - START )) s; log: $LOG; report: $REPORT"
"$PY" "$ROOT/scripts/ceph_tally.py" "$REPORT" "$SUITE/s3tests/functional/test_s3.py"
