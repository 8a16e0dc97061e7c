#!/usr/bin/env bash
# `reconcile lag` on a broker that has just started and has never seen a
# consumer group: the first OffsetFetch finds __consumer_offsets still being
# created or loaded and is answered NOT_COORDINATOR, on which librdkafka
# 2.0.2 dereferences NULL unless the asking client has a group of its own
# (confluentinc/librdkafka#5040; it crashed `lag` in CI). lag must wait for
# the coordinator and report the groups as never committed, every time.
# Runs a broker of its own (own state dir, ports from 25092 up), never the
# shared one: the shared one has loaded its coordinators long ago.
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"

K="$RECONCILE_SRC/ci/local-kafka.sh"
export RECONCILE_KAFKA_DIR="$WORK/kafka"
export RECONCILE_KAFKA_PORT_BASE=25092
trap '"$K" stop >/dev/null 2>&1 || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
RECONCILE_BOOTSTRAP=$("$K" start 2>"$WORK/start.err" | tail -n 1)
export RECONCILE_BOOTSTRAP
B=$RECONCILE_BOOTSTRAP
check "a fresh broker of its own started" test -n "$B"

new_repo
declare_topic "$P.orders" 2 "consumers: [$P-billing, $P-search, $P-audit]"
commit "a topic and three groups that never ran"
run rc apply -q
expect_rc 0 "apply on the fresh broker"
run rc lag
expect_rc 0 "lag right after the broker started"
for g in billing search audit; do
  expect_out "  $P-$g on $P.orders: time lag -, offset lag -, 2 partitions (2 no-commit); no members" \
    "$g: never committed, no members"
done
run rc lag --format json
expect_rc 0 "and again, as JSON"
finish
