#!/usr/bin/env bash
# reconcile validate: offline, every problem at once as file:line:col: rule: message.
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"

# the shipped example repository is clean
run "$RECONCILE_BIN" -C "$RECONCILE_SRC" validate
expect_rc 0 "the shipped topics/ validate"
expect_out "ok: " "validate says ok"

# the broken fixture: every problem reported in one run, exit 1
FIX="$RECONCILE_SRC/tests/fixtures/invalid"
run "$RECONCILE_BIN" -C "$FIX" validate
expect_rc 1 "the invalid fixture fails"
for want in \
  "topics/broken/_cluster.yaml:13:18: metric-source:" \
  "topics/broken/bad-types.yaml:3:13: type:" \
  "topics/broken/config.yaml:4:3: unknown-config:" \
  "topics/broken/config.yaml:5:15: config-value:" \
  "topics/broken/config.yaml:6:24: min-insync:" \
  "topics/broken/names.yaml:1:7: topic-name:" \
  "topics/broken/names.yaml:4:7: name-pattern:" \
  "topics/broken/names.yaml:8:8: unknown-team:" \
  "topics/broken/names.yaml:11:7: name-collision:" \
  "topics/broken/names.yaml:14:7: duplicate-topic:" \
  "topics/broken/names.yaml:16:1: unknown-key:" \
  "topics/broken/sizing.yaml:3:13: partitions:" \
  "topics/broken/sizing.yaml:4:21: replication-factor:" \
  "topics/broken/sizing.yaml:11:24: warning: throughput:" \
  "topics/broken/sizing.yaml:16:8: lag:" \
  "topics/broken/signals.yaml:5:19: alerts: alerts.no_consumption: the topic declares no consumers" \
  "topics/broken/signals.yaml:6:24: alerts: alerts.produce_rate_change: 150% is outside 1%..99%" \
  "topics/broken/syntax.yaml:3:8: yaml-syntax:" \
  "topics/stray.yaml:0:0: layout:"; do
  expect_out "$want" "reports $want"
done
expect_out 'did you mean "retention.ms"' "unknown config key gets a did-you-mean"
expect_out 'did you mean "payments"' "unknown team gets a did-you-mean"
expect_out "20 problems" "counts every problem"
n=$(grep -c '^topics/' <<<"$OUT")
check "one line per problem (21 with the warning)" test "$n" -eq 21

# github annotations
run "$RECONCILE_BIN" -C "$FIX" validate --format github
expect_rc 1 "github format fails the same way"
expect_out "::error file=topics/broken/config.yaml,line=4,col=3,title=unknown-config::" "annotation format"
expect_out "::warning file=topics/broken/sizing.yaml,line=11,col=24,title=throughput::" "warnings are warnings"

# plan and apply refuse invalid declarations without contacting anything
run "$RECONCILE_BIN" -C "$FIX" apply
expect_rc 1 "apply of invalid declarations"
expect_out "nothing was touched" "apply says nothing was touched"

# human units are normalised: 7d and 604800000 are the same declaration
new_repo
declare_topic "$P.units" 1 "config:" "  retention.ms: 7d" "  max.message.bytes: 1MiB" "  segment.bytes: 512MiB"
run rc validate
expect_rc 0 "human units accepted"
declare_topic "$P.units" 1 "config:" "  retention.ms: seven days"
run rc validate
expect_rc 1 "a malformed duration is refused"
expect_out "config-value" "with its rule id"
expect_out "topics/it/$P.units.yaml:5:17:" "at the value's position"

# no topics/ directory
run "$RECONCILE_BIN" -C "$WORK" validate
expect_rc 1 "no topics/ directory"
expect_out "has no topics/ directory" "says what is missing"

# the secret rule cannot be bypassed: each of these once passed with exit 0.
# A secret-bearing value is exactly one environment reference.
export KAFKA_PASSWORD=from-the-env-99
new_repo
declare_topic "$P.t" 1
commit "clean"
run rc validate
expect_rc 0 "the clean repository validates"
bypass() { # bypass DESCRIPTION KEY VALUE
  cp "$REPO/topics/it/_cluster.yaml" "$WORK/cluster.orig"
  printf 'client:\n  %s: %s\n' "$2" "$3" >>"$REPO/topics/it/_cluster.yaml"
  run rc validate
  expect_rc 1 "secret rule: $1"
  expect_out "_cluster.yaml:" "secret rule: $1: file and line"
  expect_no_out "Lit3ral" "secret rule: $1: the literal is never echoed"
  cp "$WORK/cluster.orig" "$REPO/topics/it/_cluster.yaml"
}
bypass "a literal beside a reference" sasl.password '"Lit3ral${NOPE:-}"'
bypass "a literal before a reference" sasl.password '"Lit3ral-${KAFKA_PASSWORD}"'
bypass "a literal default" sasl.password '"${KAFKA_PASSWORD:-Lit3ralDefault99}"'
bypass "an escaped, literal value" sasl.password '"$${KAFKA_PASSWORD}Lit3ral"'
bypass "the key in another case" SASL.PASSWORD 'Lit3ral'
bypass "a secret inside a compound value" sasl.oauthbearer.config '"principal=a secret=Lit3ral"'
printf 'client:\n  sasl.password: ${KAFKA_PASSWORD}\n' >>"$REPO/topics/it/_cluster.yaml"
run rc validate
expect_rc 0 "exactly one reference is accepted"

# monitoring.client_metrics: the names go into PromQL, so a bad one is
# refused at its position with its rule, and so are missing labels
new_repo "monitoring:
  client_metrics:
    delivered: kafka-producer-sent
    topic_label: topic
    partition_label: 1p
    colour: red"
declare_topic "$P.t" 1
run rc validate
expect_rc 1 "bad client metrics are refused"
for want in \
  "topics/it/_cluster.yaml:6:3: required:" \
  "topics/it/_cluster.yaml:7:16: metric-name:" \
  "topics/it/_cluster.yaml:9:22: label:" \
  "topics/it/_cluster.yaml:10:5: unknown-key:"; do
  expect_out "$want" "client metrics: reports $want"
done
expect_out 'missing required field "service_label"' "client metrics: names the missing label"
expect_out "4 problems" "client metrics: every problem counted"
new_repo "monitoring:
  client_metrics:
    delivered: kafka_producer_topic_record_send_total
    topic_label: topic
    service_label: job"
declare_topic "$P.t" 1
run rc validate
expect_rc 0 "valid client metrics are accepted"

finish
