#!/usr/bin/env bash
# reconcile-test: serial (see CMakeLists.txt)
# A batched create whose request fails part way (the broker freezes after the
# first chunks landed): apply must read back what the failed request carried
# and report each topic as it is, created or not, instead of '?' for the
# whole batch. The moment is exact: gdb stops apply at its fifth CreateTopics
# chunk (four go out at once, so one has been answered), and freezes the
# broker there (SIGSTOP) for a stated 6 s outage.
. "$(dirname "$0")/lib.sh"

N=3000 # six chunks of 500
broker_pid=$(cat "${RECONCILE_KAFKA_DIR:-$RECONCILE_SRC/build/kafka/run}/node1/pid")
cleanup() {
  kill -CONT "$broker_pid" 2>/dev/null || true
  java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
    --delete --topic "$P\\..*" >/dev/null 2>&1 || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

new_repo
python3 - "$REPO/topics/it" "$P" "$N" <<'PY'
import sys
d, p, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(f"{d}/{p}.yaml", "w") as f:
    for i in range(n):
        f.write(f"---\nname: {p}.t{i:04d}\npartitions: 1\nowner: payments\n")
PY
commit "$N topics"

cat >"$WORK/freeze.sh" <<SH
#!/bin/sh
kill -STOP $broker_pid
( sleep 6; kill -CONT $broker_pid ) >/dev/null 2>&1 &
SH
chmod +x "$WORK/freeze.sh"
run gdb_run -ex 'break submit_create' \
  -ex 'ignore 1 4' -ex 'run' -ex "shell $WORK/freeze.sh" -ex 'delete' -ex 'continue' \
  --args "$RECONCILE_BIN" -C "$REPO" apply --cluster it --timeout 5s
kill -CONT "$broker_pid"
expect_out "Breakpoint 1, submit_create" "apply was stopped at its fifth chunk"
expect_out "exited with code 01" "apply exits 1: a request failed"
expect_out "cluster it: apply stopped:" "the failure is named"
expect_no_out "? unknown" "every topic of the failed request was read back, none left unknown"
created=$(sed -n "s/^+ created \($P\.t[0-9]*\) .*/\1/p" <<<"$OUT" | sort)
ncreated=$(grep -c . <<<"$created" || true)
check "at least the answered chunk is reported created ($ncreated)" test "$ncreated" -ge 500
nfailed=$(grep -c "^x failed  $P\.t[0-9]*: not created when read back" <<<"$OUT" || true)
check "the rest is reported not created ($nfailed), nothing lost from the report" \
  test $((ncreated + nfailed)) -eq "$N"
existing=$(kcat -b "$B" -L -J -m 20 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["topics"]:
    if t["topic"].startswith(sys.argv[1] + ".") and t["partitions"]:
        print(t["topic"])' "$P" | sort)
check "every topic reported created exists (kcat)" \
  test -z "$(comm -23 <(echo "$created") <(echo "$existing"))"

run rc apply --cluster it --timeout 30s
expect_rc 0 "the next apply converges"
run rc plan --cluster it --detailed-exitcode
expect_rc 0 "and nothing is left to do"

finish
