#!/usr/bin/env bash
# The main job end to end on the embedded default: install the dependencies,
# build, start a local single-node Kafka (left running, so a second run shows
# "no changes"), then validate, plan and apply the example declarations of the
# `local` cluster under topics/, render, and show what `import` would adopt.
# Stop the broker with: ci/local-kafka.sh stop
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

ci/install-deps.sh
ci/build.sh "$root/build"
bin="$root/build/reconcile"

bootstrap=$(ci/local-kafka.sh start | tail -n 1)
export RECONCILE_BOOTSTRAP="$bootstrap"
echo "== local Kafka at $bootstrap"

echo "== reconcile validate"
"$bin" validate

echo "== reconcile plan --cluster local"
set +e
"$bin" plan --cluster local --detailed-exitcode
plan_rc=$?
set -e
case $plan_rc in
  0) echo "(the cluster already matches the declarations)" ;;
  2) echo "== reconcile apply --cluster local"
     "$bin" apply --cluster local
     echo "== topics on the cluster now"
     kcat -b "$bootstrap" -L -m 5 | grep -E '^  topic "' | grep -v '"__'
     echo "== access on the cluster now (Kafka's own AclCommand)"
     java -cp "$("$root/ci/local-kafka.sh" cp)" kafka.admin.AclCommand --bootstrap-server \
       "$bootstrap" --list --topic orders.order-placed.v1 2>/dev/null | sed 's/^/  /' ;;
  *) exit "$plan_rc" ;;
esac

echo "== reconcile render --cluster local --out build/rendered"
"$bin" render --cluster local --out "$root/build/rendered"
promtool check rules "$root/build/rendered/local/rules/topics.rules.yml"

echo "== reconcile plan --cluster local (again)"
"$bin" plan --cluster local

echo "== reconcile import --cluster local --dry-run (what the cluster has that git does not)"
"$bin" import --cluster local --dry-run -q
echo
echo "The broker keeps running at $bootstrap; stop it with: ci/local-kafka.sh stop"
