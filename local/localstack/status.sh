#!/usr/bin/env bash
# Prints whether LocalStack answers, how it was started, and its services; exit 1 when down.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if is_healthy; then
  log "running at $LS_URL ($(cat "$LS_MODE" 2>/dev/null || echo 'not started by start.sh'))"
  [[ -f "$LS_PID" ]] && log "pid/container: $(cat "$LS_PID"); log: $LS_LOG"
  curl -fsS --max-time 2 "$LS_URL/_localstack/health"
  echo
else
  log "not running at $LS_URL"
  exit 1
fi
