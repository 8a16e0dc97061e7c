#!/usr/bin/env bash
# The peer, measured: topicctl (github.com/segmentio/topicctl) and reconcile
# on the same broker (a dedicated local one, started and stopped here), on
# the same topics: same names, partitions, replication factor and configs
# (retention.ms 7d, max.message.bytes 1 MiB). For each operation both tools
# start from the same broker state, and Kafka's own tools (ConfigCommand,
# TopicCommand) check afterwards that each reached the declared state.
#
#   plan of N unchanged topics     reconcile plan | topicctl apply --dry-run
#   create N topics                reconcile apply | topicctl apply
#   fix drift on 10 % of N         (retention.ms changed behind their backs)
#   add partitions on 10 % of N    (1 -> 2 declared)
#
# topicctl handles topics one after another and waits after each create and
# partition change, so its create and partition runs use NC topics (and 10 %
# of them) and are extrapolated linearly to N, labelled as such.
#
# Usage: ci/peer-topicctl.sh [N] [NC] [RUNS]     (defaults 1000 20 3)
# topicctl is installed from the Go module proxy into build/peer (once).
# Needs a build (ci/build.sh); not part of the test suite: numbers, not asserts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000}
NC=${2:-20}
RUNS=${3:-3}
bin=${RECONCILE_BIN:-$root/build/reconcile}
floor_bin=$(dirname "$bin")/admin_floor
[ -x "$bin" ] && [ -x "$floor_bin" ] || { echo "peer: build first (ci/build.sh)" >&2; exit 1; }

# ---- topicctl from the Go module proxy ------------------------------------------
# `go install github.com/segmentio/topicctl/cmd/topicctl@VERSION` does not work
# through the proxy here: it asks for the module path .../cmd/topicctl first
# and the proxy answers 403, which the go command does not treat as "no such
# module". Requiring the module from a scratch module and installing the
# package from there asks only for github.com/segmentio/topicctl. v1.22.0 is
# listed but its zip is not served; v1.21.0 is.
TOPICCTL_VERSION=v1.21.0
peer=$root/build/peer
topicctl=$peer/bin/topicctl
if ! "$topicctl" --version 2>/dev/null | grep -q "$TOPICCTL_VERSION"; then
  echo "peer: installing topicctl $TOPICCTL_VERSION with go install" >&2
  rm -rf "$peer/mod"
  mkdir -p "$peer/mod"
  (
    cd "$peer/mod"
    printf 'module peerbench\n\ngo 1.22\n' >go.mod
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/segmentio/topicctl/cmd/topicctl"\n' >tools.go
    go get "github.com/segmentio/topicctl@$TOPICCTL_VERSION"
    go mod tidy
    GOBIN=$peer/bin go install github.com/segmentio/topicctl/cmd/topicctl
  ) >"$peer/install.log" 2>&1 || { cat "$peer/install.log" >&2; exit 1; }
fi

# ---- a broker of its own -----------------------------------------------------------
export RECONCILE_KAFKA_DIR=$root/build/kafka/peer
kafka() { "$root/ci/local-kafka.sh" "$@"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/reconcile-peer.XXXXXX")
cleanup() { kafka stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
echo "peer: starting a dedicated broker" >&2
B=$(kafka start | tail -n 1)
export RECONCILE_BOOTSTRAP=$B
cp_file=$root/build/kafka/classpath.txt
kafka_tool() { java -Xmx256m -XX:TieredStopAtLevel=1 -cp "$(cat "$cp_file")" "$@"; }
floor() { "$floor_bin" "$B" "$@"; }

# repos COUNT PREFIX PARTITIONS_OF_FIRST_TENTH: both tools' declarations of
# the same topics, reconcile's under $work/rc, topicctl's under $work/tc
repos() {
  python3 - "$work" "$1" "$2" "$3" "$B" <<'PY'
import os, shutil, sys
work, n, prefix, first_parts, bootstrap = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
rc, tc = f"{work}/rc", f"{work}/tc"
for d in (rc, tc):
    shutil.rmtree(d, ignore_errors=True)
os.makedirs(f"{rc}/topics/peer")
os.makedirs(f"{tc}/topics")
open(f"{rc}/topics/_teams.yaml", "w").write("teams:\n  bench:\n    chat: '#bench'\n")
open(f"{rc}/topics/peer/_cluster.yaml", "w").write(
    "bootstrap: ${RECONCILE_BOOTSTRAP}\npolicy:\n  allow_delete: true\n  max_deletions: 1000000\n")
open(f"{tc}/cluster.yaml", "w").write(
    "meta:\n  name: peer\n  environment: bench\n  region: local\n  description: bench\n"
    f"spec:\n  bootstrapAddrs: ['{bootstrap}']\n")
tenth = (n + 9) // 10
for i in range(n):
    name = f"{prefix}.topic-{i:05d}.v1"
    parts = first_parts if i < tenth else 1
    open(f"{rc}/topics/peer/{name}.yaml", "w").write(
        f"name: {name}\npartitions: {parts}\nreplication_factor: 1\nowner: bench\n"
        "config:\n  retention.ms: 7d\n  max.message.bytes: 1MiB\n")
    open(f"{tc}/topics/{name}.yaml", "w").write(
        f"meta:\n  name: {name}\n  cluster: peer\n  environment: bench\n  region: local\n"
        f"spec:\n  partitions: {parts}\n  replicationFactor: 1\n  retentionMinutes: 10080\n"
        "  placement:\n    strategy: any\n  settings:\n    max.message.bytes: 1048576\n")
    print(name)
PY
}

# timed FILE CMD...: wall seconds of CMD appended to FILE
timed() {
  local to=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; echo "peer: failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print($end - $start)" >>"$to"
}
rc_apply() { "$bin" -C "$work/rc" apply -q >/dev/null; }
rc_plan() { "$bin" -C "$work/rc" plan --detailed-exitcode || [ $? -eq 2 ]; }
tc_apply() { "$topicctl" apply --skip-confirm --no-spinner --cluster-config "$work/tc/cluster.yaml" "$work"/tc/topics/*.yaml; }
tc_plan() { "$topicctl" apply --dry-run --skip-confirm --no-spinner --cluster-config "$work/tc/cluster.yaml" "$work"/tc/topics/*.yaml; }

# verify NAMES_FILE PARTITIONS_OF_FIRST_TENTH WHO: Kafka's own tools say every
# topic has the declared partitions, retention.ms and max.message.bytes
verify() {
  kafka_tool kafka.admin.ConfigCommand --bootstrap-server "$B" --entity-type topics --describe \
    >"$work/configs" 2>/dev/null
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" --describe \
    --exclude-internal >"$work/topics" 2>/dev/null
  python3 - "$1" "$2" "$work/configs" "$work/topics" "$3" <<'PY' || exit 1
import re, sys
names = [l.strip() for l in open(sys.argv[1]) if l.strip()]
first_parts, who = int(sys.argv[2]), sys.argv[5]
configs, topic = {}, None
for line in open(sys.argv[3]):
    m = re.match(r"Dynamic configs for topic (\S+) are:", line)
    if m:
        topic = m.group(1)
        configs[topic] = {}
    elif topic and "=" in line:
        k, v = line.split()[0].split("=", 1)
        configs[topic][k] = v
parts = {m.group(1): int(m.group(2)) for m in
         re.finditer(r"Topic: (\S+)\s+TopicId: \S+\s+PartitionCount: (\d+)", open(sys.argv[4]).read())}
tenth = (len(names) + 9) // 10
bad = []
for i, n in enumerate(names):
    want = first_parts if i < tenth else 1
    c = configs.get(n, {})
    if parts.get(n) != want or c.get("retention.ms") != "604800000" or c.get("max.message.bytes") != "1048576":
        bad.append((n, parts.get(n), c))
if bad:
    sys.exit(f"peer: {who}: {len(bad)} topics not as declared, first {bad[0]}")
PY
}

reset() { floor delete <"$1" >/dev/null 2>&1 || true; }
drift() { head -n $((($(wc -l <"$1") + 9) / 10)) "$1" | floor alter retention.ms=3600000; }

# ---- plan and drift: N topics ---------------------------------------------------------
echo "peer: $N topics" >&2
repos "$N" peer 1 >"$work/names"
rc_apply
verify "$work/names" 1 "reconcile create"
for _ in $(seq "$RUNS"); do
  timed "$work/rc.plan" rc_plan
  timed "$work/tc.plan" tc_plan
done
for _ in $(seq "$RUNS"); do
  drift "$work/names"
  timed "$work/rc.drift" rc_apply
  verify "$work/names" 1 "reconcile drift"
  drift "$work/names"
  timed "$work/tc.drift" tc_apply
  verify "$work/names" 1 "topicctl drift"
done
reset "$work/names"

# ---- create: N for reconcile, NC for both (same names per size) -----------------------
echo "peer: create $N (reconcile) and $NC (both)" >&2
for _ in $(seq "$RUNS"); do
  repos "$N" peer 1 >"$work/names"
  timed "$work/rc.create" rc_apply
  verify "$work/names" 1 "reconcile create"
  reset "$work/names"
  repos "$NC" small 1 >"$work/small"
  timed "$work/rc.create.small" rc_apply
  verify "$work/small" 1 "reconcile create"
  reset "$work/small"
  timed "$work/tc.create.small" tc_apply
  verify "$work/small" 1 "topicctl create"
  reset "$work/small"
done

# ---- partitions on 10 %: N for reconcile, NC for both -----------------------------------
echo "peer: partitions on 10 % of $N (reconcile) and of $NC (both)" >&2
for _ in $(seq "$RUNS"); do
  repos "$N" peer 1 >"$work/names"
  rc_apply
  repos "$N" peer 2 >/dev/null
  timed "$work/rc.parts" rc_apply
  verify "$work/names" 2 "reconcile partitions"
  reset "$work/names"
  for who in rc tc; do
    repos "$NC" small 1 >"$work/small"
    rc_apply
    repos "$NC" small 2 >/dev/null
    timed "$work/$who.parts.small" "${who}_apply"
    verify "$work/small" 2 "$who partitions"
    reset "$work/small"
  done
done

# ---- the table -------------------------------------------------------------------------------
python3 - "$work" "$N" "$NC" "$RUNS" "$TOPICCTL_VERSION" <<'PY'
import statistics, sys
work, n, nc, runs, version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
med = lambda f: statistics.median(float(l) for l in open(f"{work}/{f}") if l.strip())
print(f"reconcile vs topicctl {version}, same broker, medians of {runs} runs")
print(f"{'operation':<38} {'reconcile':>10} {'topicctl':>12} {'topicctl/reconcile':>19}")
def row(label, rc, tc, note=""):
    print(f"{label:<38} {rc:9.3f}s {tc:11.3f}s {tc / rc:18.1f}x{note}")
row(f"plan {n} unchanged topics", med("rc.plan"), med("tc.plan"))
row(f"fix drift on {(n + 9) // 10} of {n}", med("rc.drift"), med("tc.drift"))
row(f"create {nc} topics", med("rc.create.small"), med("tc.create.small"))
row(f"create {n} topics", med("rc.create"), med("tc.create.small") * n / nc,
    f"  (topicctl extrapolated from {nc})")
row(f"add partitions on {(nc + 9) // 10} of {nc}", med("rc.parts.small"), med("tc.parts.small"))
row(f"add partitions on {(n + 9) // 10} of {n}", med("rc.parts"), med("tc.parts.small") * n / nc,
    f"  (topicctl extrapolated from {nc})")
PY
