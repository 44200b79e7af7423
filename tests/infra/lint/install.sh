#!/usr/bin/env bash
# Installs the template linters (cfn-lint + cfn-lint-serverless, checkov) into .lint/venv
# (git-ignored). Idempotent: returns at once when the venv holds exactly requirements.txt +
# constraints.txt; rebuilds it when either file changed or its Python is gone. Run by
# tests/infra/lint.test.ts before linting; safe to run by hand. Prints the venv's bin folder.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LINT_DIR="$ROOT/.lint"
LINT_VENV="$LINT_DIR/venv"
LINT_LOG="$LINT_DIR/install.log"
REQUIREMENTS="$HERE/requirements.txt"
CONSTRAINTS="$HERE/constraints.txt"

log() { printf '[lint] %s\n' "$*" >&2; }

# constraints.txt installs on 3.11.2 (Debian 12), 3.11.7 and 3.13.0; numpy 2.4 (a checkov
# dependency) needs ≥ 3.11, and 3.14 is untried.
# shellcheck source=../../../scripts/python.sh
source "$ROOT/scripts/python.sh"
python_ok() { python_in_range "$1" 3.11 3.13; }
find_python() { find_python_in_range 3.11 3.13 "${LINT_PYTHON:-}"; }

mkdir -p "$LINT_DIR"
# One installer at a time (two test runs in the same tree would otherwise share a half-built venv).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$LINT_DIR/install.lock"
  flock 9
fi

# The stamp names the pins installed, so editing either file reinstalls.
stamp="$LINT_VENV/.installed-$(cat "$REQUIREMENTS" "$CONSTRAINTS" | cksum | cut -d' ' -f1)"
if [[ -f "$stamp" ]] && python_ok "$LINT_VENV/bin/python"; then
  echo "$LINT_VENV/bin"
  exit 0
fi

if ! python="$(find_python)"; then
  log "error: no Python 3.11–3.13 found (set LINT_PYTHON, or e.g. apt-get install python3 python3-venv / pyenv install 3.13)"
  exit 2
fi
# Changed pins, or a venv whose Python is gone: start from an empty venv, so nothing stale stays.
rm -rf "$LINT_VENV"
log "installing $(grep -E '^[a-z]' "$REQUIREMENTS" | tr '\n' ' ')into $LINT_VENV with $python (first run only)"
start=$SECONDS
if ! { "$python" -m venv "$LINT_VENV" &&
  "$LINT_VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
    -c "$CONSTRAINTS" -r "$REQUIREMENTS"; } >"$LINT_LOG" 2>&1; then
  reason="$(grep '^ERROR' "$LINT_LOG" | tail -n 1 | cut -c 1-240 || true)"
  log "error: could not install the linters into $LINT_VENV with $python: ${reason:-see the log}; full log: $LINT_LOG"
  rm -rf "$LINT_VENV"
  exit 1
fi
touch "$stamp"
log "installed in $((SECONDS - start)) s"
echo "$LINT_VENV/bin"
