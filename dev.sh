#!/usr/bin/env bash
# The two commands of the README:
#   ./dev.sh up     install what is needed, then run the whole service on embedded defaults
#   ./dev.sh test   install what is needed, then run the whole test suite
#   ./dev.sh escucha ...   any other escucha command (poll, workspace create, key create, ...),
#                          the same as .venv/bin/escucha ...
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

install() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed"
  if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    touch "$stamp"
  fi
}

case "${1:-}" in
  up)
    shift
    install
    exec "$VENV/bin/escucha" up "$@"
    ;;
  test)
    shift
    install
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  escucha)
    shift
    install
    exec "$VENV/bin/escucha" "$@"
    ;;
  lint)
    install
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy" .
    ;;
  *)
    echo "usage: ./dev.sh up [--host H] [--port P] | ./dev.sh test [pytest args] | ./dev.sh lint" >&2
    echo "       ./dev.sh escucha <command> [args]   (poll, workspace create, key create, migrate, ...)" >&2
    exit 2
    ;;
esac
