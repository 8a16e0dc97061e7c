#!/usr/bin/env bash
# Against a 3-broker cluster of its own: replication factor 3, a replication
# factor above the broker count refused before anything is sent, --prune where
# the policy allows deletion, a broker outage reported per topic with the
# broker's message while the rest still applies, and access declared on a
# cluster without an authorizer refused as such.
. "$(dirname "$0")/lib.sh"

K="$RECONCILE_SRC/ci/local-kafka.sh"
B3=$("$K" start --brokers 3 | tail -n 1)
trap '"$K" stop --brokers 3 >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
B=$B3 # the witnesses look at this cluster
export RECONCILE_BOOTSTRAP3=$B3

new_repo "policy:
  min_replication_factor: 3
  allow_delete: true"
sed -i 's/RECONCILE_BOOTSTRAP}/RECONCILE_BOOTSTRAP3}/; s/replication_factor: 1/replication_factor: 3/' \
  "$REPO/topics/it/_cluster.yaml"

replicas_of() {
  kcat -b "$B" -L -t "$1" -J -m 10 2>/dev/null | python3 -c '
import json, sys
t = [t for t in json.load(sys.stdin)["topics"] if t["topic"] == sys.argv[1]][0]
print(min(len(p["replicas"]) for p in t["partitions"]))' "$1"
}

declare_topic "$P.replicated" 3 "config:" "  min.insync.replicas: 2"
commit "replicated topic"
run rc apply --cluster it
expect_rc 0 "apply with replication factor 3"
eventually "every partition has 3 replicas (kcat)" 3 replicas_of "$P.replicated"

# replication factor 5 on 3 brokers: warned at plan time, refused by the
# broker for that topic alone; the other change in the same apply goes through
declare_topic "$P.too-many" 1 "replication_factor: 5"
declare_topic "$P.replicated" 3 "config:" "  min.insync.replicas: 2" "  retention.ms: 1h"
run rc plan --cluster it
expect_rc 1 "plan: replication factor above the broker count"
expect_out "warning: replication-factor" "plan warns with the rule id"
expect_out "broker rejected" "plan shows the broker's validate_only verdict"
run rc apply --cluster it
expect_rc 1 "apply: replication factor above the broker count"
expect_out "failed  $P.too-many" "the failed creation is reported"
expect_out "eplication factor" "with the broker's reason"
consistently "nothing was created" missing partitions_of "$P.too-many"
eventually "the config change on the other topic still went through" 3600000 \
  override_of "$P.replicated" retention.ms
rm "$REPO/topics/it/$P.too-many.yaml"

# prune: this cluster is ours alone, and its policy allows deletion
create_topic_directly "$P.stray" 1
for addr in ${B3//,/ }; do
  B=$addr eventually "the stray topic is visible on $addr" 1 partitions_of "$P.stray"
done
run rc plan --cluster it
expect_out "$P.stray" "unmanaged topic listed"
run rc apply --cluster it
expect_rc 0 "apply without --prune"
consistently "without --prune the unmanaged topic stays" 1 partitions_of "$P.stray"
# plan --prune previews exactly the deletions apply --prune makes
run rc plan --cluster it --prune
expect_rc 0 "plan --prune"
expect_out "- delete  $P.stray" "plan --prune shows the deletion"
run rc plan --cluster it --prune --format json
planned=$(python3 -c '
import json, sys
print(" ".join(sorted(t["name"] for c in json.load(sys.stdin)["clusters"] for t in c["topics"] if t["action"] == "delete")))' <<<"$OUT")
check "the JSON plan lists the deletion" test "$planned" = "$P.stray"
run rc plan --cluster it --prune --base HEAD --format markdown
expect_out "**delete**" "the pull-request comment shows the deletion"
expect_out "$P.stray" "and names the topic"
consistently "plan --prune deleted nothing" 1 partitions_of "$P.stray"
run rc apply --cluster it --prune
expect_rc 0 "apply --prune"
expect_out "deleted $P.stray" "the deletion is reported"
deleted=$(sed -n 's/^- deleted //p' <<<"$OUT" | sort | tr '\n' ' ' | sed 's/ $//')
check "apply --prune deleted exactly what plan --prune showed" test "$deleted" = "$planned"
eventually "the unmanaged topic is gone" missing partitions_of "$P.stray"
consistently "the declared topic is still there" 3 partitions_of "$P.replicated"

# policy.max_deletions bounds a prune: more deletions refuse the whole cluster
for i in 1 2 3; do create_topic_directly "$P.bulk$i" 1; done
for addr in ${B3//,/ }; do
  B=$addr eventually "the last bulk topic is visible on $addr" 1 partitions_of "$P.bulk3"
done
sed -i 's/^  allow_delete: true$/  allow_delete: true\n  max_deletions: 2/' "$REPO/topics/it/_cluster.yaml"
declare_topic "$P.beside" 1
run rc plan --cluster it --prune
expect_rc 1 "plan --prune beyond policy.max_deletions"
expect_out "would delete 3 topics, more than policy.max_deletions allows (2)" "says how many and the bound"
expect_out "! refuse  $P.bulk1" "each deletion is shown refused"
run rc apply --cluster it --prune
expect_rc 1 "apply --prune beyond policy.max_deletions"
expect_out "nothing is applied to this cluster" "says nothing was applied"
expect_out "set policy.max_deletions to at least 3" "says how to override it on purpose"
for i in 1 2 3; do consistently "bulk topic $i survives the refused prune" 1 partitions_of "$P.bulk$i"; done
consistently "the other change of that apply was not made either" missing partitions_of "$P.beside"
sed -i 's/^  max_deletions: 2$/  max_deletions: 3/' "$REPO/topics/it/_cluster.yaml"
run rc apply --cluster it --prune
expect_rc 0 "apply --prune within a raised bound"
for i in 1 2 3; do eventually "bulk topic $i deleted" missing partitions_of "$P.bulk$i"; done
eventually "and the other change made" 1 partitions_of "$P.beside"

# outage: two of three nodes down, so the controller quorum is lost and the
# broker cannot serve admin requests. The apply times out with one clear line
# naming the cluster and the cause, claims nothing, and a later apply
# converges once the nodes are back.
# each broker's own view: metadata reaches every broker a moment apart, and a
# restarted broker catches up later still
on_every_broker() { # on_every_broker DESCRIPTION WANT TOPIC
  local addr
  for addr in ${B3//,/ }; do
    B=$addr eventually "$1 (broker $addr)" "$2" partitions_of "$3"
  done
}

node_pid() { cat "${RECONCILE_KAFKA_DIR:-$RECONCILE_SRC/build/kafka/run}3/node$1/pid"; }
kill -9 "$(node_pid 2)" "$(node_pid 3)"
declare_topic "$P.during-outage" 1
run rc apply --cluster it --timeout 5s
expect_rc 1 "apply while the quorum is lost"
expect_out "cluster it:" "the error names the cluster"
expect_out "timed out" "the error names the cause"
expect_no_out "+ created $P.during-outage" "the creation is not claimed as done"
"$K" start --brokers 3 >/dev/null
run rc apply --cluster it
expect_rc 0 "apply converges once the nodes are back"
on_every_broker "the topic exists now" 1 "$P.during-outage"
run rc plan --cluster it --detailed-exitcode
expect_rc 0 "nothing pending after recovery"

# a partition reassignment in progress (Kafka's own tool, throttled so it
# lasts) lists old and new replicas together: plan must not see a
# replication-factor change in it, nor refuse the topic
sed -i 's/^  min_replication_factor: 3$/  min_replication_factor: 1/' "$REPO/topics/it/_cluster.yaml"
declare_topic "$P.moving" 3 "replication_factor: 1"
run rc apply --cluster it
expect_rc 0 "a topic with replication factor 1 on three brokers"
on_every_broker "the topic to move exists" 3 "$P.moving"
for part in 0 1 2; do # data in every partition, so every move lasts
  head -c 1000000 /dev/urandom | base64 -w 1000 | kcat -P -b "$B" -t "$P.moving" -p $part -z none
done
reassignment=$(kcat -b "$B" -L -t "$P.moving" -J | python3 -c '
import json, sys
t = json.load(sys.stdin)["topics"][0]
moves = [{"topic": t["topic"], "partition": p["partition"],
          "replicas": [p["replicas"][0]["id"] % 3 + 1]} for p in t["partitions"]]
print(json.dumps({"version": 1, "partitions": moves}))')
echo "$reassignment" >"$WORK/reassign.json"
reassign() {
  java -cp "$(kafka_cp)" org.apache.kafka.tools.reassign.ReassignPartitionsCommand \
    --bootstrap-server "$B" --reassignment-json-file "$WORK/reassign.json" "$@"
}
reassign --execute --throttle 1024 >/dev/null
moving() { reassign --verify 2>/dev/null | grep -c "is still in progress"; }
eventually "the reassignment of all 3 partitions is running (ReassignPartitionsCommand)" 3 moving
run rc plan --cluster it --detailed-exitcode
expect_no_out "! refuse  $P.moving" "plan does not refuse the moving topic"
expect_no_out "replication factor 2 -> 1" "nor report a replication-factor change"
expect_out "reassignment appears to be in progress" "it says a reassignment is running"
reassign --cancel >/dev/null 2>&1 || true
rm "$REPO/topics/it/$P.moving.yaml"

# a connection dropped under a request: gdb stops apply at its CreateTopics
# and every node is killed there. Whether librdkafka sends the request on
# the dying connection (it fails at once) or finds no broker to send it to
# (it waits out its deadline) is a race; either way the message must say
# what happened and give the time it really took, never the deadline when
# the failure came early ("timed out after 30000 ms" 0.09 s in).
cat >"$WORK/kill-all.sh" <<SH
#!/bin/sh
kill -9 $(node_pid 1) $(node_pid 2) $(node_pid 3)
SH
chmod +x "$WORK/kill-all.sh"
declare_topic "$P.dropped" 1
started=${EPOCHREALTIME/./}
run gdb_run -ex 'break submit_create' -ex 'run' \
  -ex "shell $WORK/kill-all.sh" -ex 'delete' -ex 'continue' \
  --args "$RECONCILE_BIN" -C "$REPO" apply --cluster it --timeout 5s
took_ms=$(((${EPOCHREALTIME/./} - started) / 1000))
expect_out "exited with code 01" "apply exits 1 when the connection drops"
claimed_ms=$(sed -n 's/.*CreateTopics \(failed\|timed out\) after \([0-9]*\) ms.*/\2/p' <<<"$OUT" | head -n 1)
check "the failure gives an elapsed time (${claimed_ms:-none} ms)" test -n "$claimed_ms"
check "no longer than the run took ($took_ms ms)" test "${claimed_ms:-999999}" -le "$took_ms"
check "and says what happened" grep -qE "the connection to the broker was lost|some brokers unreachable" <<<"$OUT"
expect_out "? unknown $P.dropped" "with nothing to read back from, the topic is unknown"
"$K" start --brokers 3 >/dev/null
run rc apply --cluster it
expect_rc 0 "apply converges after the restart"
on_every_broker "the topic exists" 1 "$P.dropped"

# access declared on a cluster without an authorizer: said so, not planned
# as "no bindings yet", and nothing else is applied either
echo "access: {}" >>"$REPO/topics/it/_cluster.yaml"
declare_topic "$P.after-access" 1
run rc apply --cluster it
expect_rc 1 "apply with access declared on a cluster without an authorizer"
expect_out "has no authorizer" "the refusal says the cluster has no authorizer"
consistently "the topic declared beside it is not created" missing partitions_of "$P.after-access"

finish
