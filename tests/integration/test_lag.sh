#!/usr/bin/env bash
# Time lag measured from the messages themselves, on the real broker:
# messages with known timestamps (tests/tools/produce_at), offsets committed
# at known points with Kafka's own ConsumerGroupCommand, a log start moved
# past a committed offset with Kafka's DeleteRecordsCommand. `reconcile lag`
# must report the exact time lag and offset lag, 0 for a caught-up group,
# and the markers for a partition never committed on and for a committed
# message that was deleted, in text (worst first), JSON and OpenMetrics.
. "$(dirname "$0")/lib.sh"

TOOLS=$(dirname "$RECONCILE_BIN")
T="$P.orders" T2="$P.audit"
G1="$P-billing" G2="$P-search" G3="$P-audit" G4="$P-adhoc"
BASE=1700000000000

new_repo
declare_topic "$T" 2 "consumers: [$G1, $G2]"
declare_topic "$T2" 1 "consumers: [$G3]"
commit "two topics and their consumers"
create_topic_directly "$T" 2
create_topic_directly "$T2" 1
"$TOOLS/produce_at" "$B" "$T" 0 $(for i in $(seq 0 9); do echo $((BASE + 1000 * i)); done)
"$TOOLS/produce_at" "$B" "$T" 1 "$BASE" "$BASE" "$BASE"
"$TOOLS/produce_at" "$B" "$T2" 0 $(for i in $(seq 0 5); do echo $((BASE + 1000 * i)); done)

at() { # at GROUP OFFSET TOPIC:PARTITION: commit the group's offset there
  java -cp "$(kafka_cp)" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$B" --group "$1" --reset-offsets --to-offset "$2" --topic "$3" \
    --execute >/dev/null
}
at "$G1" 4 "$T:0"   # behind by 6 messages, 5 s; nothing committed on partition 1
at "$G2" 10 "$T:0"  # caught up
at "$G2" 3 "$T:1"
at "$G3" 2 "$T2:0"  # then retention removes offsets 0-2
at "$G4" 8 "$T:0"   # not declared: only with --all-groups
echo "{\"version\":1,\"partitions\":[{\"topic\":\"$T2\",\"partition\":0,\"offset\":3}]}" >"$WORK/del.json"
java -cp "$(kafka_cp)" org.apache.kafka.tools.DeleteRecordsCommand --bootstrap-server "$B" \
  --offset-json-file "$WORK/del.json" >/dev/null

set +e
JSON=$(rc lag --format json 2>"$WORK/err")
RC=$?
set -e
OUT=$JSON
expect_rc 0 "lag --format json"
check "exact time and offset lag, 0 when caught up, the markers" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); p = sys.argv[2]
c = d["clusters"][0]
assert d["schema"] == 1 and c["error"] is None, c
rows = {(r["group"], r["topic"]): r for r in c["lags"]}
assert len(rows) == 3, rows.keys()
b = rows[(p + "-billing", p + ".orders")]
assert b["time_lag_seconds"] == 5.0 and b["offset_lag"] == 6, b
assert b["markers"] == {"no-commit": 1}, b
assert b["per_partition"][1] == {"partition": 1, "committed": None, "low": 0, "high": 3,
    "offset_lag": None, "time_lag_seconds": None, "marker": "no-commit"}, b["per_partition"]
s = rows[(p + "-search", p + ".orders")]
assert s["time_lag_seconds"] == 0.0 and s["offset_lag"] == 0 and s["markers"] == {}, s
a = rows[(p + "-audit", p + ".audit")]
assert a["time_lag_seconds"] is None and a["offset_lag"] == 4 and a["markers"] == {"deleted": 1}, a
assert a["per_partition"][0]["low"] == 3 and a["per_partition"][0]["committed"] == 2, a
' "$JSON" "$P"

run rc lag
expect_rc 0 "lag (text)"
check "worst first: the group 5 s behind leads" test "$(sed -n 2p <<<"$OUT")" = \
  "  $G1 on $T: time lag 5.0s, offset lag 6, 2 partitions (1 no-commit)"
expect_out "  $G2 on $T: time lag 0ms, offset lag 0, 2 partitions" "the caught-up group"
expect_out "  $G3 on $T2: time lag -, offset lag 4, 1 partition (1 deleted)" "the deleted committed message is marked"
run rc lag -v --group "$G1"
expect_out "    partition 0: committed 4, end 10, start 0, offset lag 6, time lag 5.0s" "-v: a line per partition"
expect_out "    partition 1: committed none, end 3, start 0, offset lag -, time lag -: no-commit" "-v: the uncommitted partition"
expect_no_out "$G2" "--group keeps to the group"
run rc lag --format openmetrics --topic "$T"
expect_out "reconcile_lag_seconds{cluster=\"it\",group=\"$G1\",topic=\"$T\"} 5.000" "OpenMetrics: the time lag"
expect_out "reconcile_lag_partitions{cluster=\"it\",group=\"$G1\",topic=\"$T\",marker=\"no-commit\"} 1" "OpenMetrics: the marker count"
expect_no_out "$T2" "--topic keeps to the topic"
check "OpenMetrics ends with # EOF" test "$(tail -n 1 <<<"$OUT")" = "# EOF"
run rc lag --all-groups --topic "$T"
expect_out "  $G4 on $T: time lag 1.0s, offset lag 2, 2 partitions (1 no-commit)" "--all-groups adds the undeclared group"
run rc lag --format markdown
expect_rc 64 "an output format lag does not print"

finish
