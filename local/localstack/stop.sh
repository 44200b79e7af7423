#!/usr/bin/env bash
# Stops the LocalStack that start.sh started (container or process group); leaves others alone.
# --now: for a command exiting at once (a second Ctrl-C): SIGTERM, at most 0.5 s, then SIGKILL.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

grace_ticks=40 # × 0.25 s
[[ "${1:-}" == --now ]] && grace_ticks=2

mode="$(cat "$LS_MODE" 2>/dev/null || true)"
if [[ "$mode" == docker ]]; then
  docker rm -f "$LS_CONTAINER" >/dev/null 2>&1 || true
  log "container $LS_CONTAINER removed"
elif pid_alive; then
  pid="$(cat "$LS_PID")"
  # start.sh ran LocalStack under setsid: its pid is the process group id.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$grace_ticks"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid ignored SIGTERM for $((grace_ticks * 250)) ms; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  log "stopped (pid $pid)"
else
  log "not started by start.sh; nothing to stop"
fi
rm -f "$LS_PID" "$LS_MODE"
