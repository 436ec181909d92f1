#!/usr/bin/env bash
# moto's server for the tests: a second DynamoDB implementation, served one
# request at a time (tests/moto/serve_moto.py says why). moto comes with the
# machine image's Python (pyenv), as pip has no registry here.
#
#   scripts/moto-server.sh start   prints the endpoint (http://127.0.0.1:PORT) and the pid file
#   scripts/moto-server.sh stop PIDFILE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

# The first Python that can import moto's server.
moto_python() {
  for python in "${MOTO_PYTHON:-}" python3 "$HOME"/.pyenv/versions/*/bin/python3 /root/.pyenv/versions/*/bin/python3; do
    [ -n "$python" ] || continue
    if "$python" -c 'import moto.moto_server.werkzeug_app' > /dev/null 2>&1; then echo "$python"; return; fi
  done
  echo "moto-server: no Python with moto found (set MOTO_PYTHON)" >&2
  exit 1
}

start() {
  python=$(moto_python)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pidfile=$(mktemp)
  "$python" "$here/tests/moto/serve_moto.py" "$port" > "$pidfile.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 100); do
    if grep -q ready "$pidfile.log" 2> /dev/null; then
      echo "http://127.0.0.1:$port $pidfile"
      return
    fi
    kill -0 "$(cat "$pidfile")" 2> /dev/null || break
    sleep 0.1
  done
  echo "moto-server: did not start: $(tail -3 "$pidfile.log")" >&2
  exit 1
}

stop() {
  kill "$(cat "$1")" 2> /dev/null || true
  rm -f "$1" "$1.log"
}

case "${1:-}" in
  start) start ;;
  stop) stop "$2" ;;
  *) echo "usage: scripts/moto-server.sh start | stop PIDFILE" >&2; exit 2 ;;
esac
