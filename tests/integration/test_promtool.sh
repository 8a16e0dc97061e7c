#!/usr/bin/env bash
# Rendered alert rules against the real promtool (Prometheus 2.42, Debian):
# for every metric-source profile, `reconcile render` output must pass
# `promtool check rules`, and the cases in tests/promtool/<profile>.test.yml
# must pass `promtool test rules` (a stuck consumer fires after `for` with the
# exact labels and dashboard_url, healthy and idle ones stay quiet, -1 / NaN /
# +Inf never fire, a declared group that disappears fires the absent alert),
# and tests/promtool/<profile>.signals.test.yml for the opt-in signals and the
# no-members rule (each fires, and each of its guards keeps a case quiet).
#
# Needs no Kafka, so it does not use lib.sh (which starts a broker).
# Env: RECONCILE_BIN (the binary), RECONCILE_SRC (the source tree), PROMTOOL.
set -u

SRC=${RECONCILE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${RECONCILE_BIN:-$SRC/build/reconcile}
PROMTOOL=${PROMTOOL:-promtool}
FIXTURE=$SRC/tests/fixtures/alerts
CASES=$SRC/tests/promtool

# cluster directory in the fixture -> metric-source profile it uses. The
# <cluster>-signals clusters hold the topic with the opt-in signals, so its
# declared group does not join the absent cases of the others; their cases
# are tests/promtool/<profile>.signals.test.yml.
PROFILES="exp:kafka_exporter klag:kafka-lag-exporter kminion:kminion redpanda:redpanda recon:reconcile"
# rules per cluster: 3 topics, orders 2 groups x (lag + absent + no members)
# + skew, audit 1 aggregated, hostile 1 group x (lag + absent + no members):
# the hostile values added nothing. kafka-lag-exporter exports no membership.
# signals: lag + absent + no members + no consumption + no production + rate.
declare -A RULES=([exp]=11 [klag]=8 [kminion]=11 [redpanda]=11 [recon]=11)
declare -A SIGNAL_RULES=([exp]=6 [klag]=5 [kminion]=6 [redpanda]=6 [recon]=6)

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
    failed=$((failed + 1))
    echo "not ok - $1"
    [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    /' "$2"
    return 0
}
# check DESCRIPTION CMD...: CMD's output is shown only when it fails
check() {
    local what=$1
    shift
    if "$@" >"$WORK/check.log" 2>&1; then pass "$what"; else fail "$what" "$WORK/check.log"; fi
}

if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
    echo "not ok - promtool not found (apt-get install prometheus)"
    exit 1
fi
if [ ! -x "$BIN" ]; then
    echo "not ok - no reconcile binary at $BIN (set RECONCILE_BIN)"
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reconcile-promtool.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The fixture holds only declarations; render reads the templates from the
# repository it renders, so assemble one.
REPO=$WORK/repo
mkdir -p "$REPO"
cp -R "$FIXTURE/topics" "$REPO/"
cp -R "$SRC/alert-templates" "$REPO/"
[ -d "$SRC/dashboards" ] && cp -R "$SRC/dashboards" "$REPO/"

render() { # render OUTDIR
    "$BIN" -C "$REPO" render --out "$1"
}

check "render the fixture repository" render "$WORK/out"

# Every shipped profile has promtool cases.
for profile_file in "$SRC"/alert-templates/*.yaml; do
    profile=$(basename "$profile_file" .yaml)
    check "profile $profile has tests/promtool/$profile.test.yml" test -f "$CASES/$profile.test.yml"
    check "profile $profile has tests/promtool/$profile.signals.test.yml" \
        test -f "$CASES/$profile.signals.test.yml"
done

promtool_cluster() { # CLUSTER PROFILE CASES_FILE EXPECTED_RULES
    local cluster=$1 profile=$2 cases=$3 nrules=$4
    local dir=$WORK/out/$cluster/rules
    rules=$dir/topics.rules.yml
    if [ ! -f "$rules" ]; then
        fail "$profile: render wrote $cluster/rules/topics.rules.yml"
        return
    fi
    pass "$profile: render wrote $cluster/rules/topics.rules.yml"
    check "$profile: the rule file names its profile" grep -q "# $profile alert profile" "$rules"
    check "$profile: promtool check rules" "$PROMTOOL" check rules "$rules"
    cp "$WORK/check.log" "$WORK/check-rules.log"
    check "$profile: $cluster has exactly $nrules rules (no injected rule)" \
        grep -q "SUCCESS: $nrules rules found" "$WORK/check-rules.log"
    cp "$CASES/$cases" "$dir/"
    check "$profile: promtool test rules $cases" "$PROMTOOL" test rules "$dir/$cases"
}

for pair in $PROFILES; do
    cluster=${pair%%:*}
    profile=${pair#*:}
    promtool_cluster "$cluster" "$profile" "$profile.test.yml" "${RULES[$cluster]}"
    promtool_cluster "$cluster-signals" "$profile" "$profile.signals.test.yml" \
        "${SIGNAL_RULES[$cluster]}"
done

# Same declarations, same bytes.
render "$WORK/again" >"$WORK/again.log" 2>&1
same=1
for pair in $PROFILES; do
    cluster=${pair%%:*}
    for c in "$cluster" "$cluster-signals"; do
        cmp -s "$WORK/out/$c/rules/topics.rules.yml" "$WORK/again/$c/rules/topics.rules.yml" ||
            same=0
    done
done
if [ "$same" = 1 ]; then pass "a second render is byte-identical"; else fail "a second render is byte-identical" "$WORK/again.log"; fi

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
