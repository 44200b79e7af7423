# Finding a Python for a venv; sourced by local/localstack/common.sh and tests/infra/lint/install.sh.

# python_in_range PYTHON MIN MAX: true when PYTHON runs and its version is within MIN..MAX (e.g. 3.11 3.13).
python_in_range() {
  "$1" -c 'import sys
low, high = (tuple(map(int, v.split("."))) for v in sys.argv[1:3])
sys.exit(0 if low <= sys.version_info[:2] <= high else 1)' "$2" "$3" 2>/dev/null
}

# find_python_in_range MIN MAX [PREFERRED]: prints the first Python within MIN..MAX: PREFERRED,
# then those on PATH, then pyenv's versions (whose shims only answer for the active version).
find_python_in_range() {
  local candidate
  for candidate in "${3:-}" python3 python3.14 python3.13 python3.12 python3.11 \
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3 \
    "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.*/bin/python3; do
    [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 || continue
    if python_in_range "$candidate" "$1" "$2"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}
