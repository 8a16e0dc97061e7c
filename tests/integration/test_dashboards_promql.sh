#!/usr/bin/env bash
# test_dashboards_promql.sh — render the dashboards of tests/fixtures/dashboards
# (one cluster per metric-source profile, and `clients`, which declares client
# metrics) with the real binary and check that every PromQL expression in them
# parses, with promtool: each panel target's `expr` (the Clients row's
# included, and counted), and the selector inside the `group` variable's
# label_values() query.
#
# Prometheus 2.42's promtool has no `query parse`, so the expressions go into a
# throwaway rule file as recording rules and `promtool check rules` parses
# them. Grafana's variables are replaced with concrete values first
# ($__rate_interval -> 5m, $group -> .*); any other `$` variable left in an
# expression is a failure. No Kafka is needed (this script does not use lib.sh).
#
# Needs RECONCILE_BIN and RECONCILE_SRC (CMake sets both), promtool and python3.
set -euo pipefail

: "${RECONCILE_BIN:?RECONCILE_BIN must name the reconcile binary}"
: "${RECONCILE_SRC:?RECONCILE_SRC must name the source tree}"

FAILS=0
PASSES=0
ok() {
    PASSES=$((PASSES + 1))
    echo "ok - $1"
}
not_ok() {
    FAILS=$((FAILS + 1))
    echo "not ok - $1"
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}

for tool in promtool python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "not ok - $tool is not installed (apt-get install prometheus python3)"
        exit 1
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reconcile-dashboards.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$RECONCILE_SRC/tests/fixtures/dashboards" "$WORK/repo"
# a managed repository carries its templates (design §3) and is a git repository
for d in dashboards alert-templates; do
    if [ -d "$RECONCILE_SRC/$d" ]; then cp -r "$RECONCILE_SRC/$d" "$WORK/repo/$d"; fi
done
git -C "$WORK/repo" init -q
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=test -c user.email=test@example.com commit -q -m fixture
OUTDIR="$WORK/out"

# ---- render ------------------------------------------------------------------------
if "$RECONCILE_BIN" -C "$WORK/repo" render --out "$OUTDIR" >"$WORK/render.log" 2>&1; then
    ok "render exits 0"
else
    not_ok "render exits 0"
    sed 's/^/# /' "$WORK/render.log"
    exit 1
fi

declare -A EXPECT=([exp]=4 [klag]=3 [kminion]=3 [redpanda]=3 [recon]=3 [clients]=3)
for cluster in "${!EXPECT[@]}"; do
    n=$(find "$OUTDIR/$cluster/dashboards" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)
    check "$cluster: ${EXPECT[$cluster]} dashboards (got $n)" test "$n" -eq "${EXPECT[$cluster]}"
    prov="$OUTDIR/$cluster/grafana-provisioning.yaml"
    check "$cluster: provisioning file names provider reconcile-$cluster" \
        grep -q "reconcile-$cluster" "$prov"
    check "$cluster: provisioning file is a file provider" grep -Eq 'type: "?file"?' "$prov"
done

# ---- collect expressions -------------------------------------------------------------
# Writes one recording rule per expression to rules.yaml and a legend (rule
# name -> dashboard, panel) to legend.txt; structural checks go to stdout as
# "ok"/"not ok" lines.
python3 - "$OUTDIR" "$WORK" <<'PY' >"$WORK/collect.out"
import glob, json, os, re, sys

out, work = sys.argv[1], sys.argv[2]
subst = [("$__rate_interval", "5m"), ("$__interval", "1m"), ("$__range", "1h"),
         ("$group", ".*")]
rules, legend, problems = [], [], []
client_exprs, client_rows = 0, 0
files = sorted(glob.glob(os.path.join(out, "*", "dashboards", "*.json")))

def concrete(expr, where):
    for var, val in subst:
        expr = expr.replace(var, val)
    left = re.findall(r"\$\{?\w+", expr)
    if left:
        problems.append("%s: unknown Grafana variable %s" % (where, ", ".join(left)))
    return expr

def panels(ps):
    for p in ps:
        yield p
        yield from panels(p.get("panels", []))

for f in files:
    rel = os.path.relpath(f, out)
    try:
        d = json.load(open(f, encoding="utf-8"))
    except ValueError as e:
        problems.append("%s: not JSON: %s" % (rel, e))
        continue
    n = 0
    in_clients = False
    for p in panels(d.get("panels", [])):
        if p.get("type") == "row" and p.get("title") == "Clients":
            in_clients = True
            client_rows += 1
        for t in p.get("targets", []):
            if "expr" not in t:
                continue
            n += 1
            client_exprs += in_clients
            where = "%s panel %s %r" % (rel, p.get("id"), p.get("title"))
            rules.append(concrete(t["expr"], where))
            legend.append(where)
    if n == 0:
        problems.append("%s: no expressions" % rel)
    for v in d.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else q
        m = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", q or "")
        where = "%s variable %s" % (rel, v.get("name"))
        if not m:
            problems.append("%s: not label_values(selector, label): %r" % (where, q))
            continue
        rules.append(concrete(m.group(1), where))
        legend.append(where)

with open(os.path.join(work, "rules.yaml"), "w") as r:
    r.write("groups:\n  - name: dashboards\n    rules:\n")
    for i, e in enumerate(rules):
        # a JSON string is a valid YAML double-quoted scalar
        r.write("      - record: dashboard_expr_%d\n        expr: %s\n" % (i, json.dumps(e)))
with open(os.path.join(work, "legend.txt"), "w") as l:
    for i, w in enumerate(legend):
        l.write("dashboard_expr_%d %s\n" % (i, w))
print("files %d" % len(files))
print("exprs %d" % len(rules))
print("client_rows %d" % client_rows)
print("client_exprs %d" % client_exprs)
for p in problems:
    print("problem %s" % p)
PY

nfiles=$(awk '/^files /{print $2}' "$WORK/collect.out")
nexprs=$(awk '/^exprs /{print $2}' "$WORK/collect.out")
nrows=$(awk '/^client_rows /{print $2}' "$WORK/collect.out")
nclient=$(awk '/^client_exprs /{print $2}' "$WORK/collect.out")
check "19 dashboards collected (got $nfiles)" test "$nfiles" -eq 19
# 10 panel targets and 1 variable query per dashboard, and the Clients row's
# 5 panels (4 metrics, the partition skew) on the 3 dashboards of `clients`
check "224 expressions collected (got $nexprs)" test "$nexprs" -eq 224
check "a Clients row on the 3 dashboards of clients only (got $nrows)" test "$nrows" -eq 3
check "15 Clients-row expressions among them (got $nclient)" test "$nclient" -eq 15
if grep -q '^problem ' "$WORK/collect.out"; then
    not_ok "dashboards are JSON with expressions and no unknown Grafana variables"
    sed -n 's/^problem /# /p' "$WORK/collect.out"
else
    ok "dashboards are JSON with expressions and no unknown Grafana variables"
fi

# ---- parse with promtool -------------------------------------------------------------
if promtool check rules "$WORK/rules.yaml" >"$WORK/promtool.log" 2>&1; then
    ok "promtool parses every expression ($nexprs)"
else
    not_ok "promtool parses every expression"
    sed 's/^/# /' "$WORK/promtool.log"
    # name the dashboards and panels of the failing rules
    grep -o 'dashboard_expr_[0-9]*' "$WORK/promtool.log" | sort -u | while read -r name; do
        grep "^$name " "$WORK/legend.txt" | sed 's/^/# /'
    done
fi

# the check itself must be able to fail: a broken expression is refused
cp "$WORK/rules.yaml" "$WORK/broken.yaml"
printf '      - record: broken\n        expr: "sum by (x (up)"\n' >>"$WORK/broken.yaml"
if promtool check rules "$WORK/broken.yaml" >/dev/null 2>&1; then
    not_ok "promtool refuses a broken expression (the check is not vacuous)"
else
    ok "promtool refuses a broken expression (the check is not vacuous)"
fi

# ---- evaluate -----------------------------------------------------------------------
# Parsing is not enough: a wrong `on ()`/`group_left` fails only when evaluated.
# The same synthetic situation, written in each exporter's metric names, must
# give the same numbers on every profile (`promtool test rules`):
#   partition 0 gets 1 msg/s, partition 1 gets 2 msg/s (10 minutes);
#   group g commits 1 msg/s on each: partition 0 keeps up, partition 1 falls
#   behind by 60 messages a minute (600 after 10m, i.e. 300 s of production);
#   group h has no committed offset (kafka_exporter's -1) or NaN/+Inf time lag
#   (kafka-lag-exporter): it must not be drawn.
if python3 - "$OUTDIR" "$WORK" <<'PY' >"$WORK/eval.out"; then
import json, os, sys

out, work = sys.argv[1], sys.argv[2]
problems = []
TOPIC = "orders.order-placed.v1"
ramp = lambda step: "0+%dx10" % step
scenarios = {
    "exp": (("consumergroup", "partition"), [
        ('kafka_topic_partition_current_offset{topic="%s",partition="0"}', ramp(60)),
        ('kafka_topic_partition_current_offset{topic="%s",partition="1"}', ramp(120)),
        ('kafka_consumergroup_current_offset{consumergroup="g",topic="%s",partition="0"}', ramp(60)),
        ('kafka_consumergroup_current_offset{consumergroup="g",topic="%s",partition="1"}', ramp(60)),
        ('kafka_consumergroup_lag{consumergroup="g",topic="%s",partition="0"}', "0x10"),
        ('kafka_consumergroup_lag{consumergroup="g",topic="%s",partition="1"}', ramp(60)),
        ('kafka_consumergroup_lag{consumergroup="h",topic="%s",partition="0"}', "-1x10"),
    ]),
    "klag": (("group", "partition"), [
        ('kafka_partition_latest_offset{topic="%s",partition="0"}', ramp(60)),
        ('kafka_partition_latest_offset{topic="%s",partition="1"}', ramp(120)),
        ('kafka_consumergroup_group_offset{group="g",topic="%s",partition="0",member_host="a"}', ramp(60)),
        ('kafka_consumergroup_group_offset{group="g",topic="%s",partition="1",member_host="a"}', ramp(60)),
        ('kafka_consumergroup_group_lag{group="g",topic="%s",partition="0",member_host="a"}', "0x10"),
        ('kafka_consumergroup_group_lag{group="g",topic="%s",partition="1",member_host="a"}', ramp(60)),
        ('kafka_consumergroup_group_lag_seconds{group="g",topic="%s",partition="0",member_host="a"}', "0x10"),
        ('kafka_consumergroup_group_lag_seconds{group="g",topic="%s",partition="1",member_host="a"}', ramp(30)),
        ('kafka_consumergroup_group_lag_seconds{group="h",topic="%s",partition="0",member_host="a"}', " ".join(["NaN"] * 11)),
        ('kafka_consumergroup_group_lag_seconds{group="h",topic="%s",partition="1",member_host="a"}', " ".join(["+Inf"] * 11)),
    ]),
    "kminion": (("group_id", "partition_id"), [
        ('kminion_kafka_topic_partition_high_water_mark{topic_name="%s",partition_id="0"}', ramp(60)),
        ('kminion_kafka_topic_partition_high_water_mark{topic_name="%s",partition_id="1"}', ramp(120)),
        ('kminion_kafka_consumer_group_topic_offset_sum{group_id="g",topic_name="%s"}', ramp(120)),
        ('kminion_kafka_consumer_group_topic_partition_lag{group_id="g",topic_name="%s",partition_id="0"}', "0x10"),
        ('kminion_kafka_consumer_group_topic_partition_lag{group_id="g",topic_name="%s",partition_id="1"}', ramp(60)),
    ]),
    "recon": (("group", "partition"), [
        ('reconcile_lag_end_offset{cluster="recon",topic="%s",partition="0"}', ramp(60)),
        ('reconcile_lag_end_offset{cluster="recon",topic="%s",partition="1"}', ramp(120)),
        ('reconcile_lag_committed_offset{cluster="recon",group="g",topic="%s",partition="0"}', ramp(60)),
        ('reconcile_lag_committed_offset{cluster="recon",group="g",topic="%s",partition="1"}', ramp(60)),
        ('reconcile_lag_seconds{cluster="recon",group="g",topic="%s"}', ramp(30)),
        ('reconcile_lag_offsets{cluster="recon",group="g",topic="%s"}', ramp(60)),
        # another cluster's series of the same topic and group: never counted
        ('reconcile_lag_seconds{cluster="other",group="g",topic="%s"}', ramp(90)),
    ]),
    "redpanda": (("redpanda_group", "redpanda_partition"), [
        ('redpanda_kafka_max_offset{redpanda_namespace="kafka",redpanda_topic="%s",redpanda_partition="0"}', ramp(60)),
        ('redpanda_kafka_max_offset{redpanda_namespace="kafka",redpanda_topic="%s",redpanda_partition="1"}', ramp(120)),
        ('redpanda_kafka_consumer_group_committed_offset{redpanda_group="g",redpanda_topic="%s",redpanda_partition="0"}', ramp(60)),
        ('redpanda_kafka_consumer_group_committed_offset{redpanda_group="g",redpanda_topic="%s",redpanda_partition="1"}', ramp(60)),
    ]),
}
# `clients` is redpanda's situation plus the applications' own counters:
#   service orders-api delivers 1 msg/s to partition 0 (instance a) and 2 to
#   partition 1 (instance b), backfill 1 to partition 1: 3 and 1 by service,
#   partitions at 1 and 3, skew 3 / 2; orders-api fails 0.5 msg/s;
#   fulfilment consumes 1 + 1 (two instances), search-indexer 3 and reports
#   0.5 errors/s, its topic label written as Java's consumer writes it (dots
#   as underscores, %_s). Series of another topic, under the same services, are far
#   larger: counted anywhere, they would show.
scenarios["clients"] = (scenarios["redpanda"][0], scenarios["redpanda"][1] + [
    ('kafka_producer_topic_record_send_total{job="orders-api",instance="a",topic="%s",partition="0"}', ramp(60)),
    ('kafka_producer_topic_record_send_total{job="orders-api",instance="b",topic="%s",partition="1"}', ramp(120)),
    ('kafka_producer_topic_record_send_total{job="backfill",instance="c",topic="%s",partition="1"}', ramp(60)),
    ('kafka_producer_topic_record_send_total{job="orders-api",instance="a",topic="other.topic",partition="0"}', ramp(6000)),
    ('kafka_producer_topic_record_error_total{job="orders-api",instance="a",topic="%s"}', ramp(30)),
    ('kafka_producer_topic_record_error_total{job="orders-api",instance="a",topic="other.topic"}', ramp(6000)),
    ('kafka_consumer_fetch_manager_records_consumed_total{job="fulfilment",instance="a",topic="%s"}', ramp(60)),
    ('kafka_consumer_fetch_manager_records_consumed_total{job="fulfilment",instance="b",topic="%s"}', ramp(60)),
    # Java's consumer writes the topic's dots as underscores
    ('kafka_consumer_fetch_manager_records_consumed_total{job="search-indexer",instance="c",topic="%_s"}', ramp(180)),
    ('kafka_consumer_fetch_manager_records_consumed_total{job="fulfilment",instance="a",topic="other.topic"}', ramp(6000)),
    ('kafka_consumer_fetch_manager_records_consumed_total{job="fulfilment",instance="a",topic="other_topic"}', ramp(6000)),
    ('myapp_kafka_consume_errors_total{job="search-indexer",instance="c",topic="%s"}', ramp(30)),
    ('myapp_kafka_consume_errors_total{job="search-indexer",instance="c",topic="other.topic"}', ramp(6000)),
])
# panel title (without the profile's " (estimated)") -> samples; G/P = group/partition label
expected = {
    "Production rate": [("", 3)],
    "Max time lag": [("", 300)],
    "Max offset lag": [("", 600)],
    "Producer skew": [("", 4 / 3)],
    "Production rate by partition": [('P="0"', 1), ('P="1"', 2)],
    "Consumption rate by consumer group": [('G="g"', 2)],
    "Time lag by consumer group": [('G="g"', 300)],
    "Offset lag by consumer group": [('G="g"', 600)],
    "Producer skew (max / avg partition rate)": [("", 4 / 3)],
    "Consumer skew by consumer group (max / avg partition rate)": [('G="g"', 1)],
}
client_expected = {
    "Delivered by producing service": [('job="backfill"', 1), ('job="orders-api"', 3)],
    "Failed deliveries by producing service": [('job="orders-api"', 0.5)],
    "Consumed by consuming service": [('job="fulfilment"', 2), ('job="search-indexer"', 3)],
    "Consumption errors by consuming service": [('job="search-indexer"', 0.5)],
    "Producer skew by partition (clients, max / avg)": [("", 1.5)],
}
for cluster, ((g, p), series) in sorted(scenarios.items()):
    d = json.load(open(os.path.join(out, cluster, "dashboards", TOPIC + ".json")))
    lines = ["tests:", "  - interval: 1m", "    input_series:"]
    for s, v in series:
        s = s.replace("%_s", TOPIC.replace(".", "_")).replace("%s", TOPIC)
        lines += ["      - series: %s" % json.dumps(s), "        values: %s" % json.dumps(v)]
    lines.append("    promql_expr_test:")
    want = dict(expected, **(client_expected if cluster == "clients" else {}))
    seen = set()
    for panel in d["panels"]:
        if panel["type"] == "row":
            continue
        title = panel["title"].replace(" (estimated)", "")
        if title not in want:
            problems.append("%s: no expectation for panel %r" % (cluster, title))
            continue
        seen.add(title)
        expr = panel["targets"][0]["expr"].replace("$__rate_interval", "5m").replace("$group", ".*")
        lines += ["      - expr: %s" % json.dumps(expr), "        eval_time: 10m", "        exp_samples:"]
        for labels, value in want[title]:
            labels = "{%s}" % labels.replace("G=", g + "=").replace("P=", p + "=")
            lines += ["          - labels: %s" % json.dumps(labels), "            value: %r" % value]
    for title in sorted(set(want) - seen):
        problems.append("%s: panel %r missing" % (cluster, title))
    with open(os.path.join(work, "eval-%s.yaml" % cluster), "w") as f:
        f.write("\n".join(lines) + "\n")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
    ok "every panel has an expected result"
else
    not_ok "every panel has an expected result"
    sed 's/^/# /' "$WORK/eval.out"
fi
for cluster in exp klag kminion redpanda recon clients; do
    if promtool test rules "$WORK/eval-$cluster.yaml" >"$WORK/eval-$cluster.log" 2>&1; then
        ok "$cluster: every panel gives the expected numbers on synthetic series"
    else
        not_ok "$cluster: every panel gives the expected numbers on synthetic series"
        sed 's/^/# /' "$WORK/eval-$cluster.log"
    fi
done

echo "# $PASSES passed, $FAILS failed"
test "$FAILS" -eq 0
