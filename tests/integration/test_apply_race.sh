#!/usr/bin/env bash
# Another writer creates a declared topic after apply has read the cluster and
# before its CreateTopics reaches the broker (the create meets
# TOPIC_ALREADY_EXISTS). Apply must re-read the topic and give it what it
# still needs in the same run, or refuse it clearly; it must never wait for a
# partition count the topic cannot reach. The moment is made exact with gdb:
# a breakpoint on the adapter's create call runs Kafka's own TopicCommand
# there, then lets apply go on.
. "$(dirname "$0")/lib.sh"

# other_writer TOPIC PARTITIONS: a script gdb runs at the breakpoint
other_writer() {
  cat >"$WORK/other-writer.sh" <<SH
#!/bin/sh
exec java -cp '$(kafka_cp)' org.apache.kafka.tools.TopicCommand --bootstrap-server '$B' \
  --create --topic '$1' --partitions $2 --replication-factor 1 >/dev/null 2>&1
SH
  chmod +x "$WORK/other-writer.sh"
}

# apply_with_race: apply, with the other writer run just before CreateTopics
apply_with_race() {
  run gdb_run \
    -ex 'set breakpoint pending on' -ex 'set pagination off' \
    -ex 'break rk_op_create_topics' -ex 'run' \
    -ex "shell $WORK/other-writer.sh" -ex 'delete' -ex 'continue' \
    --args "$RECONCILE_BIN" -C "$REPO" apply --cluster it --timeout 20s
}

new_repo
declare_topic "$P.fewer" 3 "config:" "  retention.ms: 3600000"
commit "a topic the other writer creates with fewer partitions"
run rc plan --cluster it
expect_out "+ create  $P.fewer" "plan: the topic is to be created"
other_writer "$P.fewer" 1
apply_with_race
expect_out "Breakpoint 1, rk_op_create_topics" "the other writer ran at the create call"
expect_out "exited normally" "apply exits 0: the cluster matches the declarations"
expect_out "~ updated $P.fewer (partitions 1 -> 3)" "apply says it added the missing partitions"
expect_out "another writer changed it after this run's plan" "and why"
expect_no_out "timed out" "no wait for what could not happen"
eventually "the topic has the declared 3 partitions (kcat)" 3 partitions_of "$P.fewer"
check "the declared override is set (ConfigCommand)" \
  grep -qx "retention.ms=3600000" <<<"$(overrides_of "$P.fewer")"
run rc plan --cluster it --detailed-exitcode
expect_rc 0 "a re-plan shows nothing left to do"

rm "$REPO/topics/it/$P.fewer.yaml"
declare_topic "$P.more" 3
commit "a topic the other writer creates with more partitions"
other_writer "$P.more" 6
apply_with_race
expect_out "exited with code 01" "apply exits 1: the topic cannot match its declaration"
expect_out "! refused $P.more" "the topic is refused"
expect_out "another writer changed it after this run's plan" "with the reason"
expect_no_out "timed out" "no wait for what could not happen"
consistently "its 6 partitions are left alone" 6 partitions_of "$P.more"

finish
