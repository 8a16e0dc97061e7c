#!/usr/bin/env bash
# The shipped example repository (topics/), cluster "local": what the README's
# first command does. Apply, then check every declared topic on the broker.
. "$(dirname "$0")/lib.sh"
REPO=$RECONCILE_SRC

run rc apply --cluster local
expect_rc 0 "apply the shipped local cluster"
run rc plan --cluster local --detailed-exitcode
expect_rc 0 "a second plan shows no changes"
expect_out "No changes." "and says so"

# every declared topic exists with its declared partition count (kcat)
run rc plan --cluster local --format json
expect_rc 0 "json plan"
while read -r name parts; do
  eventually "$name has $parts partitions" "$parts" partitions_of "$name"
done < <(python3 -c '
import json, sys
for c in json.load(sys.stdin)["clusters"]:
    for t in c["topics"]:
        if t["action"] == "unchanged":
            print(t["name"], sys.argv[1])' 0 <<<"$OUT" | cut -d" " -f1 |
  while read -r n; do
    f=$(grep -rl "^name: $n\$" "$RECONCILE_SRC/topics/local")
    p=$(awk -v n="$n" '$1=="name:"{cur=$2} $1=="partitions:" && cur==n {print $2}' "$f")
    [ -n "$p" ] || p=$(awk '$1=="partitions:"{print $2; exit}' "$RECONCILE_SRC/topics/local/_cluster.yaml")
    echo "$n $p"
  done)
check "the example declares several topics" test "$passes" -ge 6

# apply --out renders the monitoring files after a successful apply
run rc apply --cluster local --out "$WORK/out"
expect_rc 0 "apply --out"
expect_out "rendered cluster local" "apply reports the rendering"
check "promtool accepts the rendered rules" promtool check rules "$WORK/out/local/rules/topics.rules.yml"
check "one dashboard per declared topic" test "$(ls "$WORK/out/local/dashboards" | wc -l)" -eq 5
check "a Grafana provisioning file" grep -q "path: $WORK/out/local/dashboards" "$WORK/out/local/grafana-provisioning.yaml"
before=$(cd "$WORK/out" && find . -type f | sort | xargs sha256sum)
run rc render --cluster local --out "$WORK/out"
expect_rc 0 "render again"
expect_out "0 files written" "nothing rewritten"
check "byte-identical output" test "$before" = "$(cd "$WORK/out" && find . -type f | sort | xargs sha256sum)"

finish
