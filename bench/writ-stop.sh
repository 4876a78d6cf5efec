#!/usr/bin/env bash
# Stops the Writ started by bench/writ-start.sh.
cd "$(dirname "$0")"; . ./env.sh
[ -f "$WORK/writ.pid" ] && kill "$(cat "$WORK/writ.pid")" 2>/dev/null; rm -f "$WORK/writ.pid"; true
