#!/usr/bin/env bash
# Starts LocalStack on 127.0.0.1:4566 and waits until it is healthy. Idempotent: returns at once
# when it already answers. Uses a Docker engine when one answers, otherwise LocalStack from PyPI
# in .localstack/venv (no Docker: S3 and SQS work, Lambda does not; see docs/local-development.md).
# Queue URLs are path-style on 127.0.0.1 (SQS_ENDPOINT_STRATEGY=path, LOCALSTACK_HOST): SDK v3 sends
# SQS calls to the QueueUrl's host, and sqs.<region>.localhost.localstack.cloud needs public DNS.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if is_healthy; then
  log "already running at $LS_URL ($(cat "$LS_MODE" 2>/dev/null || echo external))"
  exit 0
fi
mkdir -p "$LS_STATE"

start_docker() {
  local image="$LS_IMAGE_PINNED"
  # Images after 4.14.0 refuse to start without a token, so only then may we float.
  [[ -n "${LOCALSTACK_AUTH_TOKEN:-}" ]] && image="$LS_IMAGE_LICENSED"
  docker rm -f "$LS_CONTAINER" >/dev/null 2>&1 || true
  log "starting $image in Docker"
  docker run -d --name "$LS_CONTAINER" \
    -p "127.0.0.1:$LS_PORT:4566" \
    -e SERVICES="$LS_SERVICES" -e LOCALSTACK_AUTH_TOKEN="${LOCALSTACK_AUTH_TOKEN:-}" \
    -e SQS_ENDPOINT_STRATEGY=path -e LOCALSTACK_HOST="127.0.0.1:$LS_PORT" \
    -v "$LS_STATE:/var/lib/localstack" -v /var/run/docker.sock:/var/run/docker.sock \
    "$image" >"$LS_PID"
  echo docker >"$LS_MODE"
  docker logs -f "$LS_CONTAINER" >"$LS_LOG" 2>&1 &
}

ensure_venv() {
  local python stamp
  # The stamp names the version and constraints installed, so editing either reinstalls.
  stamp="$LS_VENV/.installed-$LS_VERSION-$(cksum <"$LS_CONSTRAINTS" | cut -d' ' -f1)"
  [[ -f "$stamp" ]] && python_ok "$LS_VENV/bin/python" && return 0
  # A venv on an older Python cannot be upgraded in place: build it again.
  [[ -x "$LS_VENV/bin/python" ]] && ! python_ok "$LS_VENV/bin/python" && rm -rf "$LS_VENV"
  if ! python="$(find_python)"; then
    log "error: neither a Docker engine ('docker info' failed) nor Python >= 3.13 is available."
    log "Install Docker, or Python 3.13+ with venv (e.g. pyenv install 3.13, or Debian 13: apt-get install python3 python3-venv)."
    exit 2
  fi
  log "installing localstack-core $LS_VERSION into $LS_VENV with $python (first run only)"
  [[ -x "$LS_VENV/bin/python" ]] || "$python" -m venv "$LS_VENV"
  "$LS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$LS_CONSTRAINTS" "localstack-core[runtime]==$LS_VERSION" 2>&1 | grep -v "is ignored: it is neither a file" >&2 || true
  rm -f "$LS_VENV"/.installed-* && touch "$stamp"
}

start_python() {
  ensure_venv
  if pid_alive; then
    log "process $(cat "$LS_PID") is starting already; waiting for it"
    return 0
  fi
  log "starting LocalStack $LS_VERSION from $LS_VENV (no Docker); log: $LS_LOG"
  # setsid: own process group, so stop.sh can end LocalStack and every child it spawned.
  # DNS_ADDRESS=0: do not bind port 53. GATEWAY_LISTEN: loopback only.
  (cd "$LS_STATE" && exec env \
    SERVICES="$LS_SERVICES" GATEWAY_LISTEN="127.0.0.1:$LS_PORT" DNS_ADDRESS=0 \
    SQS_ENDPOINT_STRATEGY=path LOCALSTACK_HOST="127.0.0.1:$LS_PORT" \
    SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 FILESYSTEM_ROOT="$LS_STATE" \
    LOCALSTACK_VOLUME_DIR="$LS_STATE/volume" \
    setsid "$LS_VENV/bin/python" -m localstack.runtime.main >"$LS_LOG" 2>&1 </dev/null) &
  echo $! >"$LS_PID"
  echo python >"$LS_MODE"
}

if docker_available; then start_docker; else start_python; fi

deadline=$((SECONDS + LS_START_TIMEOUT))
until is_healthy; do
  if [[ "$(cat "$LS_MODE")" == python ]] && ! pid_alive; then
    log "error: LocalStack exited during start; last lines of $LS_LOG:"; tail -n 30 "$LS_LOG" >&2; exit 1
  fi
  if ((SECONDS > deadline)); then
    log "error: not healthy after ${LS_START_TIMEOUT}s; last lines of $LS_LOG:"; tail -n 30 "$LS_LOG" >&2; exit 1
  fi
  sleep 0.5
done
log "ready at $LS_URL ($(cat "$LS_MODE"))"
