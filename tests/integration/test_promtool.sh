#!/usr/bin/env bash
# Rendered alert rules against the real promtool (Prometheus 2.42, Debian):
# for every metric-source profile, `reconcile render` output must pass
# `promtool check rules`, and the cases in tests/promtool/<profile>.test.yml
# must pass `promtool test rules` (a stuck consumer fires after `for` with the
# exact labels and dashboard_url, healthy and idle ones stay quiet, -1 / NaN /
# +Inf never fire, a declared group that disappears fires the absent alert).
#
# Needs no Kafka, so it does not use lib.sh (which starts a broker).
# Env: RECONCILE_BIN (the binary), RECONCILE_SRC (the source tree), PROMTOOL.
set -u

SRC=${RECONCILE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${RECONCILE_BIN:-$SRC/build/reconcile}
PROMTOOL=${PROMTOOL:-promtool}
FIXTURE=$SRC/tests/fixtures/alerts
CASES=$SRC/tests/promtool

# cluster directory in the fixture -> metric-source profile it uses
PROFILES="exp:kafka_exporter klag:kafka-lag-exporter kminion:kminion redpanda:redpanda recon:reconcile"

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
done

for pair in $PROFILES; do
    cluster=${pair%%:*}
    profile=${pair#*:}
    dir=$WORK/out/$cluster/rules
    rules=$dir/topics.rules.yml
    if [ ! -f "$rules" ]; then
        fail "$profile: render wrote $cluster/rules/topics.rules.yml"
        continue
    fi
    pass "$profile: render wrote $cluster/rules/topics.rules.yml"
    check "$profile: the rule file names its profile" grep -q "# $profile alert profile" "$rules"
    check "$profile: promtool check rules" "$PROMTOOL" check rules "$rules"
    cp "$WORK/check.log" "$WORK/check-rules.log"
    # 3 topics: orders 2 groups x (lag + absent) + skew, audit 1 aggregated,
    # hostile 1 group x (lag + absent): the hostile values added nothing
    check "$profile: exactly 8 rules (no injected rule)" \
        grep -q "SUCCESS: 8 rules found" "$WORK/check-rules.log"
    cp "$CASES/$profile.test.yml" "$dir/"
    check "$profile: promtool test rules" "$PROMTOOL" test rules "$dir/$profile.test.yml"
done

# Same declarations, same bytes.
render "$WORK/again" >"$WORK/again.log" 2>&1
same=1
for pair in $PROFILES; do
    cluster=${pair%%:*}
    cmp -s "$WORK/out/$cluster/rules/topics.rules.yml" \
        "$WORK/again/$cluster/rules/topics.rules.yml" || same=0
done
if [ "$same" = 1 ]; then pass "a second render is byte-identical"; else fail "a second render is byte-identical" "$WORK/again.log"; fi

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
