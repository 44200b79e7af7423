# Shared settings for the LocalStack lifecycle scripts (sourced, not run).
# Everything LocalStack writes lives under .localstack/ (git-ignored): venv, state, log, pid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LS_DIR="$ROOT/.localstack"
LS_VENV="$LS_DIR/venv"
LS_STATE="$LS_DIR/state"
LS_LOG="$LS_DIR/localstack.log"
LS_PID="$LS_DIR/localstack.pid"
LS_MODE="$LS_DIR/mode"
# 4.14.0 is the last release that starts without LOCALSTACK_AUTH_TOKEN (community image ended 2026-03-23).
LS_VERSION="4.14.0"
LS_IMAGE_PINNED="localstack/localstack:$LS_VERSION"
LS_IMAGE_LICENSED="${LOCALSTACK_IMAGE:-localstack/localstack-pro:latest}"
LS_CONTAINER="file-processor-localstack"
LS_PORT="${LOCALSTACK_PORT:-4566}"
LS_URL="http://127.0.0.1:$LS_PORT"
# Only what `sls deploy --stage local` creates (CloudFormation, its S3 deployment bucket, IAM/STS
# for the account id, SNS/CloudWatch alarms, logs, SSM for variable resolution) plus the pipeline.
LS_SERVICES="${LOCALSTACK_SERVICES:-s3,sqs,sts,iam,cloudformation,cloudwatch,sns,logs,lambda,ssm}"
LS_START_TIMEOUT="${LOCALSTACK_START_TIMEOUT:-120}"
LS_CONSTRAINTS="$ROOT/local/localstack/constraints.txt"

log() { printf '[localstack] %s\n' "$*" >&2; }

# True when LocalStack answers its health endpoint with the services we need running/available.
is_healthy() {
  local body
  body="$(curl -fsS --max-time 2 "$LS_URL/_localstack/health" 2>/dev/null)" || return 1
  for service in s3 sqs cloudformation; do
    grep -Eq "\"$service\": ?\"(available|running)\"" <<<"$body" || return 1
  done
}

docker_available() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# localstack-core 4.14.0 declares Python >= 3.10 but needs 3.13 (its Docker image's version):
# 3.11 fails on PEP 695 syntax (`class RegionBundle[T]`, "invalid syntax"), 3.12 on
# `from warnings import deprecated` inside S3 PutBucketPolicy.
# shellcheck source=../../scripts/python.sh
source "$ROOT/scripts/python.sh"
python_ok() { python_in_range "$1" 3.13 3.99; }
find_python() { find_python_in_range 3.13 3.99 "${LOCALSTACK_PYTHON:-}"; }

pid_alive() { [[ -f "$LS_PID" ]] && kill -0 "$(cat "$LS_PID")" 2>/dev/null; }
