#!/usr/bin/env bash
# Wipes all LocalStack state (buckets, queues, stacks) and starts it again; keeps the venv.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$ROOT/local/localstack/stop.sh"
rm -rf "$LS_STATE"
log "state removed"
exec "$ROOT/local/localstack/start.sh"
