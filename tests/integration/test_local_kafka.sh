#!/usr/bin/env bash
# ci/local-kafka.sh start hands the broker none of the caller's descriptors: a
# caller holding a lock (flock) while it starts the broker must not have that
# lock held for as long as the broker runs. Runs a broker of its own (own
# state dir, ports from 24092 up: below the ephemeral range (32768-60999), where a client socket could take them), never the shared one.
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"

K="$RECONCILE_SRC/ci/local-kafka.sh"
export RECONCILE_KAFKA_DIR="$WORK/kafka"
export RECONCILE_KAFKA_PORT_BASE=24092
trap '"$K" stop >/dev/null 2>&1 || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT

LOCK="$WORK/caller.lock"
MARK="$WORK/caller.open"
# fd 5 holds a lock, fd 6 is just open: neither may reach the broker
set +e
( flock 5 && exec 6>"$MARK" && "$K" start >"$WORK/start.out" 2>"$WORK/start.err" ) 5>"$LOCK"
START_RC=$?
set -e
if [ "$START_RC" -ne 0 ]; then
  fail "ci/local-kafka.sh start: exit $START_RC"
  cat "$WORK/start.err" >&2
  finish
  exit 1
fi
pass "a broker of its own started at $(tail -n 1 "$WORK/start.out")"
PID=$(cat "$RECONCILE_KAFKA_DIR/node1/pid")
check "the broker (pid $PID) runs" test -d "/proc/$PID/fd"

# descriptors of the broker that point at the caller's files
caller_fds() {
  local fd target
  for fd in /proc/"$PID"/fd/*; do
    target=$(readlink "$fd" 2>/dev/null) || continue
    case $target in "$LOCK" | "$MARK") echo "${fd##*/} -> $target" ;; esac
  done
}
check "the broker holds no descriptor of the caller's files" test -z "$(caller_fds)"
check "the caller's lock is free while the broker runs" flock -n "$LOCK" true
check "nor of the script's own state lock" \
  test -z "$(for fd in /proc/"$PID"/fd/*; do readlink "$fd"; done | grep -xF "$WORK/kafka.lock" || true)"
# closing stops at 2: the broker's stdout and stderr still go to its log
check "the broker's stdout is its stdout.log" \
  test "$(readlink "/proc/$PID/fd/1")" = "$RECONCILE_KAFKA_DIR/node1/stdout.log"
check "the broker's stderr is its stdout.log" \
  test "$(readlink "/proc/$PID/fd/2")" = "$RECONCILE_KAFKA_DIR/node1/stdout.log"

finish
