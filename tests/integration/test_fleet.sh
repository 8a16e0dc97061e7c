#!/usr/bin/env bash
# Clusters in parallel: a repository of five clusters, four on the test
# broker (each managing only its own name prefix) and one whose bootstrap
# refuses connections, in the middle. plan, apply, lag and import with
# --parallel 4 must print exactly what --parallel 1 (one cluster after
# another) prints: stdout and stderr compared byte for byte, separately,
# and the same exit code. The unreachable cluster's error stands in its
# place while every other cluster is reported in full; apply creates every
# reachable cluster's topics (kcat); bad --parallel values are usage errors
# that touch nothing.
. "$(dirname "$0")/lib.sh"

TOOLS=$(dirname "$RECONCILE_BIN")
CLUSTERS="c1 c2 c3 c4 c5"
DOWN=c3 # its bootstrap refuses connections
UP="c1 c2 c4 c5"
cleanup() {
  java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
    --delete --topic "$P-.*" >/dev/null 2>&1 || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# ignore_all_but PREFIX: policy.ignore globs matching every name that does not
# start with PREFIX ("ab" -> '[!a]*', 'a[!b]*'), so a cluster on the shared
# broker sees only its own topics, whatever other tests leave there.
ignore_all_but() {
  local s=$1 k globs=""
  for ((k = 0; k < ${#s}; k++)); do
    globs+="${globs:+, }'${s:0:k}[!${s:k:1}]*'"
  done
  echo "[$globs]"
}

REPO="$WORK/repo"
mkdir -p "$REPO/topics"
cat >"$REPO/topics/_teams.yaml" <<'YAML'
teams:
  payments:
    chat: "#payments-alerts"
YAML
for c in $CLUSTERS; do
  mkdir -p "$REPO/topics/$c"
  bootstrap='${RECONCILE_BOOTSTRAP}'
  [ "$c" = "$DOWN" ] && bootstrap=127.0.0.1:1
  cat >"$REPO/topics/$c/_cluster.yaml" <<YAML
bootstrap: $bootstrap
defaults:
  partitions: 2
  replication_factor: 1
policy:
  ignore: $(ignore_all_but "$P-$c.")
access:
  ignore_principals: ['*']
YAML
  n=0
  for t in orders events audit; do
    n=$((n + 1))
    cat >"$REPO/topics/$c/$t.yaml" <<YAML
name: $P-$c.$t
partitions: $n
owner: payments
consumers: [$P-$c-billing]
YAML
  done
done
git -C "$REPO" init -q -b main
git -C "$REPO" config user.email it@example.invalid
git -C "$REPO" config user.name "integration test"
commit "five clusters, three topics each"

# identical DESCRIPTION A B: files A and B hold the same bytes, but for what
# depends on the moment rather than on the order clusters ran in, in a
# sequential run as much as in a parallel one: librdkafka's timing note in a
# connection error ("(after 0ms in state CONNECT, 1 identical error(s)
# suppressed)") and import's counts of the whole broker's topics, groups and
# ACL bindings (other tests share the broker). On failure the difference is
# shown.
identical() {
  local moment='s/ (after [0-9]*ms in state [A-Z_]*[^)]*)//
s/^\(reconcile: cluster [^ ]*: \)[0-9]* \(topics on the cluster\|consumer groups read\|ACL bindings read\)/\1N \2/'
  if cmp -s <(sed "$moment" "$2") <(sed "$moment" "$3"); then
    pass "$1"
  else
    fail "$1:"
    diff <(sed "$moment" "$2") <(sed "$moment" "$3") | head -20 >&2
  fi
}

# same DESCRIPTION ARGS...: the command with --parallel 1 and with --parallel
# 4 (and the default) prints the same stdout, the same stderr and exits the
# same. Leaves the --parallel 1 results in $OUT1 $ERR1 $RC1.
same() {
  local d=$1 n
  shift
  for n in 1 4 default; do
    local opt=(--parallel "$n")
    [ "$n" = default ] && opt=()
    set +e
    rc "$@" "${opt[@]}" >"$WORK/out.$n" 2>"$WORK/err.$n"
    echo $? >"$WORK/rc.$n"
    set -e
  done
  OUT1=$(cat "$WORK/out.1") ERR1=$(cat "$WORK/err.1") RC1=$(cat "$WORK/rc.1")
  for n in 4 default; do
    identical "$d: stdout with --parallel $n is --parallel 1's, byte for byte" \
      "$WORK/out.1" "$WORK/out.$n"
    identical "$d: stderr with --parallel $n is --parallel 1's, byte for byte" \
      "$WORK/err.1" "$WORK/err.$n"
    check "$d: exit code with --parallel $n is --parallel 1's ($RC1)" \
      [ "$(cat "$WORK/rc.$n")" = "$RC1" ]
  done
}

# in_order WHERE STRING...: each STRING appears in WHERE, in the given order
in_order() {
  python3 -c '
import sys
text, at = sys.argv[1], 0
for s in sys.argv[2:]:
    i = text.find(s, at)
    if i < 0:
        sys.exit("missing or out of order: " + s)
    at = i + len(s)' "$@"
}

T=3s # the unreachable cluster gives up after this
# ---- plan before anything exists
same "plan" plan --timeout $T
check "plan exits 1: one cluster is unreachable" [ "$RC1" = 1 ]
check "plan reports every cluster in order, the unreachable one in its place" \
  in_order "$OUT1" "cluster c1" "+ create  $P-c1.orders" "cluster c2" "+ create  $P-c2.audit" \
  "cluster c3: error: " "127.0.0.1:1" "cluster c4" "+ create  $P-c4.events" "cluster c5" \
  "+ create  $P-c5.audit"
same "plan --format json" plan --format json --timeout $T
check "json plan: clusters in order, c3 with its error, the others planned in full" python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read()); p = sys.argv[2]
names = [c["name"] for c in d["clusters"]]
assert names == ["c1", "c2", "c3", "c4", "c5"], names
for c in d["clusters"]:
    if c["name"] == "c3":
        assert c["error"], c
        continue
    assert not c.get("error"), c
    got = sorted(t["name"] for t in c["topics"] if t["action"] == "create")
    want = sorted("%s-%s.%s" % (p, c["name"], t) for t in ("orders", "events", "audit"))
    assert got == want, (got, want)
' "$WORK/out.1" "$P"
for c in $UP; do
  consistently "plan created nothing on $c" missing partitions_of "$P-$c.orders"
  break # one witness suffices for "plan changes nothing"; each poll costs
done

# ---- bad values: usage errors, nothing touched
for bad in 0 x 65 -1 " 4" 4x ""; do
  run rc apply --parallel "$bad" --timeout $T
  expect_rc 64 "--parallel '$bad' is a usage error"
  expect_out "--parallel expects how many clusters to work on at once" \
    "--parallel '$bad' says what it expects"
done
run rc validate --parallel 2
expect_rc 64 "--parallel belongs to the commands that contact clusters"
expect_out "--parallel belongs to plan, apply, import and lag, not validate" \
  "validate --parallel says where it belongs"
consistently "no bad --parallel created a topic" missing partitions_of "$P-c1.orders"

# ---- apply: --parallel 1, then the same from scratch with --parallel 4
apply_round() { # apply_round N: apply with --parallel N into $WORK/apply.N.*
  set +e
  rc apply --parallel "$1" --timeout $T >"$WORK/apply.$1.out" 2>"$WORK/apply.$1.err"
  echo $? >"$WORK/apply.$1.rc"
  set -e
  local c t n
  for c in $UP; do
    n=0
    for t in orders events audit; do
      n=$((n + 1))
      eventually "apply --parallel $1 created $P-$c.$t with $n partitions (kcat)" "$n" \
        partitions_of "$P-$c.$t"
    done
  done
}
gone() { # every topic of this test deleted, as metadata shows
  local c t
  for c in $UP; do for t in orders events audit; do
    [ "$(partitions_of "$P-$c.$t")" = missing ] || return 1
  done; done
  echo gone
}
apply_round 1
java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
  --delete --topic "$P-.*" >/dev/null
eventually "every topic deleted before the second apply" gone gone
apply_round 4
identical "apply: stdout with --parallel 4 is --parallel 1's, byte for byte" \
  "$WORK/apply.1.out" "$WORK/apply.4.out"
identical "apply: stderr with --parallel 4 is --parallel 1's, byte for byte" \
  "$WORK/apply.1.err" "$WORK/apply.4.err"
check "apply: the same exit code (1: one cluster unreachable)" \
  test "$(cat "$WORK/apply.1.rc") $(cat "$WORK/apply.4.rc")" = "1 1"
check "apply reports every reachable cluster in order" in_order "$(cat "$WORK/apply.4.out")" \
  "+ created $P-c1.orders" "cluster c1: 3 created" "+ created $P-c2.orders" \
  "cluster c2: 3 created" "+ created $P-c4.orders" "cluster c4: 3 created" \
  "+ created $P-c5.orders" "cluster c5: 3 created"
check "apply names the unreachable cluster's failure on stderr" \
  grep -q "^reconcile: cluster c3: .*127.0.0.1:1" "$WORK/apply.4.err"

same "plan after apply" plan --timeout $T
check "plan after apply: every reachable cluster up to date" \
  in_order "$OUT1" "cluster c1: 0 to create, 0 to update, 0 refused, 3 unchanged" \
  "cluster c2: 0 to create, 0 to update, 0 refused, 3 unchanged" "cluster c3: error: " \
  "cluster c4: 0 to create, 0 to update, 0 refused, 3 unchanged" \
  "cluster c5: 0 to create, 0 to update, 0 refused, 3 unchanged"

# ---- lag: messages on every topic, no group has committed
for c in $UP; do
  "$TOOLS/produce_at" "$B" "$P-$c.orders" 0 1000 2000 3000
done
same "lag" lag --timeout $T
check "lag exits 1: one cluster is unreachable" [ "$RC1" = 1 ]
check "lag reports every cluster in order, c3's error in its place" in_order "$OUT1" \
  "cluster c1: 3 groups" "$P-c1-billing on $P-c1.orders" "cluster c2: 3 groups" \
  "error: cluster c3: " "cluster c4: 3 groups" "cluster c5: 3 groups" \
  "$P-c5-billing on $P-c5.orders"
same "lag --format json" lag --format json --timeout $T
check "json lag: clusters in order, c3 with its error, the others measured" python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read()); p = sys.argv[2]
names = [c["cluster"] for c in d["clusters"]]
assert names == ["c1", "c2", "c3", "c4", "c5"], names
for c in d["clusters"]:
    assert bool(c["error"]) == (c["cluster"] == "c3"), c
    if c["cluster"] != "c3":
        assert {r["topic"] for r in c["lags"]} == {"%s-%s.%s" % (p, c["cluster"], t)
                                                  for t in ("orders", "events", "audit")}, c
' "$WORK/out.1" "$P"
same "lag --format openmetrics" lag --format openmetrics --timeout $T

# ---- import: the events topics are no longer declared
for c in $CLUSTERS; do rm "$REPO/topics/$c/events.yaml"; done
same "import --dry-run" import --dry-run --owner-map '*=payments' --timeout $T
check "import --dry-run: every reachable cluster would import its events topic, in order" \
  in_order "$OUT1" "cluster c1: would import 1 topic" "cluster c2: would import 1 topic" \
  "cluster c4: would import 1 topic" "cluster c5: would import 1 topic"
check "import --dry-run names c3's failure" grep -q "^reconcile: cluster c3: " <<<"$ERR1"
same "import --dry-run --format json" import --dry-run --format json --owner-map '*=payments' \
  --timeout $T
# a real import writes files: each run into its own copy of the repository
cp -a "$REPO" "$WORK/repo1"
cp -a "$REPO" "$WORK/repo4"
for n in 1 4; do
  set +e
  "$RECONCILE_BIN" -C "$WORK/repo$n" import --parallel $n --owner-map '*=payments' \
    --timeout $T >"$WORK/import.$n.out" 2>"$WORK/import.$n.err"
  echo $? >"$WORK/import.$n.rc"
  set -e
done
identical "import: stdout with --parallel 4 is --parallel 1's" \
  "$WORK/import.1.out" "$WORK/import.4.out"
identical "import: stderr with --parallel 4 is --parallel 1's" \
  "$WORK/import.1.err" "$WORK/import.4.err"
check "import: the same exit code (1)" \
  test "$(cat "$WORK/import.1.rc") $(cat "$WORK/import.4.rc")" = "1 1"
check "import wrote the same files either way" diff -r -x .git "$WORK/repo1" "$WORK/repo4"
for c in $UP; do
  check "import wrote $c's events topic" grep -rqF "name: $P-$c.events" "$WORK/repo4/topics/$c"
done

# ---- on a terminal, a progress line; never when stderr is not one
if command -v script >/dev/null; then
  script -qec "$RECONCILE_BIN -C $REPO plan --parallel 4 --timeout $T" "$WORK/tty.log" \
    >/dev/null || true
  check "on a terminal, plan shows which clusters are running" \
    grep -qE "plan: [0-9]/5 clusters done \(c[0-9]" "$WORK/tty.log"
fi
check "without a terminal, no progress line on stderr" \
  bash -c "! grep -q 'clusters done' '$WORK/err.4'"

finish
