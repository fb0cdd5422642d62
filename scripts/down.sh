#!/usr/bin/env bash
# Stops the processes that scripts/up.sh started (databases and Docker keep running).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PID_FILE="${SLIPWAY_HOME:-$ROOT/.data}/supervisor.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  pid=$(cat "$PID_FILE")
  kill -TERM "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  say "Slipway stopped"
else
  say "Slipway is not running"
fi
