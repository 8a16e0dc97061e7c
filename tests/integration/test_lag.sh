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
# an hour ago: timestamps older than retention.ms (7 days) are deleted by the
# broker's next retention check
BASE=$(( $(date +%s) * 1000 - 3600000 ))

new_repo "monitoring:
  metric_source: reconcile
  grafana_url: https://grafana.example.com"
declare_topic "$T" 2 "consumers: [$G1, $G2]" "lag: {max: 3s, for: 2s}"
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
  "  $G1 on $T: time lag 5.0s, offset lag 6, 2 partitions (1 no-commit); no members"
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

# ---- the exporter: scraped by curl, then by a real Prometheus --------------------
SERVE_PID=""
PROM_PID=""
KCAT_PID=""
stop_all() {
  [ -z "$PROM_PID" ] || kill "$PROM_PID" 2>/dev/null || true
  [ -z "$SERVE_PID" ] || kill "$SERVE_PID" 2>/dev/null || true
  [ -z "$KCAT_PID" ] || kill "$KCAT_PID" 2>/dev/null || true
}
trap 'stop_all; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT

# Members, as the coordinator reports them: a real consumer (kcat in the
# group, caught up: nothing to consume or commit) is one member of G2; it
# keeps running until the Prometheus part below stops it.
kcat -b "$B" -G "$G2" "$T" >/dev/null 2>&1 &
KCAT_PID=$!
members_of() {
  rc lag --format openmetrics --group "$1" |
    sed -n "s/^reconcile_lag_group_members{cluster=\"it\",group=\"$1\"} //p"
}
eventually "a running consumer is a member of its group" 1 members_of "$G2"
check "a group whose consumers never ran has none" test "$(members_of "$G1")" = 0
run rc lag --group "$G2"
expect_out "  $G2 on $T: time lag 0ms, offset lag 0, 2 partitions; 1 member" "the text says how many"
# serve ARGS...: start the exporter on a free port (it says which), wait until
# it answers; PORT and SERVE_PID set
serve() {
  : >"$WORK/serve.log" # before the exporter opens it: sed below may run first
  "$RECONCILE_BIN" -C "$REPO" lag --serve 127.0.0.1:0 "$@" 2>"$WORK/serve.log" &
  SERVE_PID=$!
  local deadline=$((SECONDS + 30))
  PORT=""
  while [ $SECONDS -lt $deadline ] && [ -z "$PORT" ]; do
    PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$WORK/serve.log")
    [ -n "$PORT" ] || sleep 0.1
  done
  [ -n "$PORT" ] || { cat "$WORK/serve.log" >&2; fail "the exporter did not start"; return 1; }
}
scrape() { curl -sf "http://127.0.0.1:$PORT/metrics"; }
serve --min-interval 1h
OUT=$(scrape)
expect_out "reconcile_lag_seconds{cluster=\"it\",group=\"$G1\",topic=\"$T\"} 5.000" "the exporter serves the time lag"
expect_out 'reconcile_lag_up{cluster="it"} 1' "and its health"
expect_out "reconcile_lag_measurements_total 1" "one measurement"
check "it ends with # EOF" test "$(tail -n 1 <<<"$OUT")" = "# EOF"
OUT=$(scrape)
expect_out "reconcile_lag_measurements_total 1" "a scrape within --min-interval is answered from the last measurement"
check "the content type is OpenMetrics" grep -qi '^content-type: application/openmetrics-text' \
  <(curl -sfI "http://127.0.0.1:$PORT/metrics")
check "another path is 404" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" = 404
check "it listens on loopback only" test -z "$(ss -ltnH "sport = :$PORT" | grep -v '127.0.0.1')"
kill -TERM "$SERVE_PID"
set +e
wait "$SERVE_PID"
RC=$?
set -e
SERVE_PID=""
OUT=$(cat "$WORK/serve.log")
expect_rc 0 "SIGTERM stops the exporter"

serve --min-interval 0s
run rc render --out "$WORK/rendered"
expect_rc 0 "render the rules of the reconcile profile"
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $WORK/rendered/it/rules/topics.rules.yml
scrape_configs:
  - job_name: reconcile-lag
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YAML
PROM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/prometheus --config.file="$WORK/prometheus.yml" --web.listen-address="127.0.0.1:$PROM_PORT" \
  --storage.tsdb.path="$WORK/tsdb" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
query() {
  curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
eventually "Prometheus scrapes the time lag of the stuck group" 5 \
  query "reconcile_lag_seconds{group=\"$G1\",topic=\"$T\"}"
eventually "and 0 for the caught-up one" 0 query "reconcile_lag_seconds{group=\"$G2\"}"
eventually "and the deleted marker of the third" 1 \
  query "reconcile_lag_partitions{group=\"$G3\",marker=\"deleted\"}"
# the rendered high-lag rule on measured time lag: 5 s behind, declared 3s for 2s
firing() { # [ALERTNAME]: the groups it fires for, with labels and link checked
  curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/alerts" | python3 -c '
import json, sys
name, url = sys.argv[1], sys.argv[2]
topics = {sys.argv[3]: (sys.argv[4], sys.argv[5]), sys.argv[6]: (sys.argv[7],)}
out = []
for a in json.load(sys.stdin)["data"]["alerts"]:
    l = a["labels"]
    if a["state"] != "firing" or l["alertname"] != name:
        continue
    assert l["group"] in topics.get(l["topic"], ()), l
    assert l["cluster"] == "it" and l["team"] == "payments", l
    assert a["annotations"]["dashboard_url"].startswith(url), a["annotations"]
    assert "var-group=" in a["annotations"]["dashboard_url"], a["annotations"]
    out.append(l["group"])
print(" ".join(sorted(out)))' "${1:-KafkaConsumerLagHigh}" "https://grafana.example.com/d/" \
    "$T" "$G1" "$G2" "$T2" "$G3"
}
eventually "the high-lag alert fires for the stuck group only" "$G1" firing
consistently "and never for the caught-up one" "$G1" firing

# A stopped consumer keeps its committed offsets, and so its lag series: only
# membership shows it. G1 and G3 never had a consumer; G2 has kcat running.
# The topics' lag.for is 2s (T) and the default 10m (T2): G3 stays pending.
eventually "no members: the alert fires for the group without consumers" "$G1" \
  firing KafkaConsumerGroupNoMembers
consistently "and not for the group whose consumer runs" "$G1" firing KafkaConsumerGroupNoMembers
kill -TERM "$KCAT_PID"
wait "$KCAT_PID" 2>/dev/null || true
KCAT_PID=""
eventually "once its consumer stops, the group has no members" 0 members_of "$G2"
eventually "and the alert fires for it too, its lag series still there" "$G1 $G2" \
  firing KafkaConsumerGroupNoMembers
check "its lag is still measured: the absent rule could not have caught it" \
  test -n "$(query "reconcile_lag_offsets{group=\"$G2\",topic=\"$T\"}")"

# Many partitions: reads are split over several consumers and ListOffsets
# calls (kadmin_lag.c); every piece must come back whole. 5 topics of 250
# partitions, 5 messages each 1 s apart, offset 2 committed everywhere by
# one group: every partition 2 s and 3 offsets behind.
GM="$P-many"
for i in 0 1 2 3 4; do
  declare_topic "$P.many.$i" 250 "consumers: [$GM-00000]"
  echo "$P.many.$i"
done >"$WORK/many"
commit "five topics of 250 partitions"
run rc apply -q
expect_rc 0 "apply the five topics"
"$TOOLS/produce_at" "$B" - 250 $(for i in $(seq 0 4); do echo $((BASE + 1000 * i)); done) <"$WORK/many"
"$TOOLS/commit_offsets" "$B" "$GM" 1 5 250 2 <"$WORK/many"
set +e
rc lag --group "$GM-00000" --format json >"$WORK/many.json" 2>"$WORK/err"
RC=$?
set -e
expect_rc 0 "lag of 1,250 partitions"
check "every one of the 1,250 partitions exactly 2 s and 3 offsets behind" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["clusters"][0]["lags"]
assert len(rows) == 5, len(rows)
for r in rows:
    assert r["time_lag_seconds"] == 2.0 and r["offset_lag"] == 750, r["topic"]
    assert r["markers"] == {}, r["markers"]
    parts = r["per_partition"]
    assert sorted(p["partition"] for p in parts) == list(range(250))
    for p in parts:
        assert (p["committed"], p["low"], p["high"], p["time_lag_seconds"]) == (2, 0, 5, 2.0), p
' "$WORK/many.json"
java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
  --delete --topic "$P.many.*" >/dev/null

finish
