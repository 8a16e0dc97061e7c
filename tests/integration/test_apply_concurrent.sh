#!/usr/bin/env bash
# Two applies at once: each reports what this run did, re-checks what the
# other writer did, and exits 0 only when the cluster matches its own
# declarations. The overlap is exact: gdb stops apply A at a request, runs
# apply B to the end there, then lets A go on.
. "$(dirname "$0")/lib.sh"

new_repo
A=$REPO
cp -r "$A" "$WORK/b"
BREPO=$WORK/b
in_a() { REPO=$A "$@"; }
in_b() { REPO=$BREPO "$@"; }

# apply_a_racing_b STOP: apply A, with apply B run to completion when A
# reaches STOP (the adapter's submit function for that request)
apply_a_racing_b() {
  cat >"$WORK/apply-b.sh" <<SH
#!/bin/sh
"$RECONCILE_BIN" -C "$BREPO" apply --cluster it >"$WORK/b.out" 2>&1
echo \$? >"$WORK/b.rc"
SH
  chmod +x "$WORK/apply-b.sh"
  run gdb_run -ex "break $1" -ex 'run' \
    -ex "shell $WORK/apply-b.sh" -ex 'delete' -ex 'continue' \
    --args "$RECONCILE_BIN" -C "$A" apply --cluster it
  OUT_B=$(cat "$WORK/b.out")
  RC_B=$(cat "$WORK/b.rc")
}

# 1. the same declarations, both create: B creates, A finds it done
in_a declare_topic "$P.same" 3 "config:" "  retention.ms: 3600000"
in_b declare_topic "$P.same" 3 "config:" "  retention.ms: 3600000"
apply_a_racing_b submit_create
check "B exits 0" test "$RC_B" = 0
check "B reports the creation it made" grep -qF "+ created $P.same (3 partitions)" <<<"$OUT_B"
expect_out "exited normally" "A exits 0: the cluster matches its declarations"
expect_no_out "+ created $P.same" "A does not claim B's creation"
expect_out "= already there $P.same" "A says the topic was already there, as declared"
expect_out "0 created, 0 updated, 0 deleted, 0 failed, 0 refused, 1 already made by another writer" "A's summary counts nothing it did not do"

# 2. the same partition addition: B adds them, A's request is rejected
# ("already has 3 partitions"), A reads back and finds it done
create_topic_directly "$P.grow" 1
in_a declare_topic "$P.grow" 3
in_b declare_topic "$P.grow" 3
rm "$A/topics/it/$P.same.yaml" "$BREPO/topics/it/$P.same.yaml"
apply_a_racing_b submit_partitions
check "B exits 0 and added the partitions" grep -qF "~ updated $P.grow (partitions 1 -> 3)" <<<"$OUT_B"
expect_out "exited normally" "A exits 0: the partitions are there"
expect_no_out "x failed" "A reports no failure for a change another writer made"
expect_out "= already there $P.grow" "A says what happened"
eventually "the topic has 3 partitions (kcat)" 3 partitions_of "$P.grow"

# 3. different declarations: A wants 1 partition, B 3. B creates it with 3;
# A cannot make it match and must not exit 0
in_a declare_topic "$P.differ" 1
in_b declare_topic "$P.differ" 3
rm "$A/topics/it/$P.grow.yaml" "$BREPO/topics/it/$P.grow.yaml"
apply_a_racing_b submit_create
check "B exits 0" test "$RC_B" = 0
expect_out "exited with code 01" "A exits 1: the cluster does not match its declarations"
expect_out "! refused $P.differ" "A refuses the topic"
expect_out "partitions cannot be decreased from 3 to 1" "and says why"
consistently "the cluster keeps B's 3 partitions" 3 partitions_of "$P.differ"

finish
