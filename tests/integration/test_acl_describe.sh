#!/usr/bin/env bash
# reconcile-test: serial (see CMakeLists.txt)
# A declared topic the principal may not Describe is left out of Kafka's
# all-topics metadata. It must not be planned as a create: plan and apply
# refuse it by name, saying which permission is missing, and touch nothing.
# Real ACLs on the SASL listener: user "noacl" with a partial set.
. "$(dirname "$0")/lib.sh"

SASL=$("$RECONCILE_SRC/ci/local-kafka.sh" sasl-bootstrap)
export IT_SASL_BOOTSTRAP=$SASL IT_SASL_PASSWORD=noacl-secret
trap 'kafka_acls --remove --topic "$P.visible" --resource-pattern-type prefixed || true
      kafka_acls --remove --topic "$P.visible-noconfigs" || true
      kafka_acls --remove --cluster || true
      [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT

new_repo
cat >"$REPO/topics/it/_cluster.yaml" <<'YAML'
bootstrap: ${IT_SASL_BOOTSTRAP}
defaults:
  partitions: 1
  replication_factor: 1
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: noacl
  sasl.password: ${IT_SASL_PASSWORD}
YAML
declare_topic "$P.visible" 1
declare_topic "$P.hidden-existing" 1
declare_topic "$P.hidden-missing" 1
commit "three topics, one the principal may see"
create_topic_directly "$P.visible" 1
create_topic_directly "$P.hidden-existing" 2

# no ACLs at all: every declared topic is refused, none planned as a create
run rc plan --cluster it --timeout 10s
expect_rc 1 "plan without any ACL"
expect_no_out "+ create" "nothing is planned as a create"
expect_out "! refuse  $P.hidden-missing" "a topic hidden from the principal is refused by name"
expect_out "TOPIC_AUTHORIZATION_FAILED" "with the broker's reason"
expect_out "grant the principal Describe on the topic" "and the missing permission"

# a partial set: Describe (and what apply needs) on one topic only
kafka_acls --add --allow-principal User:noacl --operation Describe --operation DescribeConfigs \
  --operation Create --operation Alter --operation AlterConfigs \
  --topic "$P.visible" --resource-pattern-type prefixed
kafka_acls --add --allow-principal User:noacl --operation DescribeConfigs --cluster
run rc plan --cluster it --format json --timeout 10s
expect_rc 1 "plan with a partial ACL set"
actions=$(python3 -c '
import json, sys
for c in json.load(sys.stdin)["clusters"]:
    for t in c["topics"]:
        print(t["name"].rsplit(".", 1)[1], t["action"])' <<<"$OUT" | sort | tr '\n' ' ')
check "the visible topic is unchanged, both hidden ones refused (JSON: $actions)" \
  test "$actions" = "hidden-existing refuse hidden-missing refuse visible unchanged "
run rc apply --cluster it --timeout 10s
expect_rc 1 "apply with a partial ACL set"
expect_out "! refused $P.hidden-existing" "apply refuses the hidden existing topic"
expect_out "! refused $P.hidden-missing" "and the hidden missing one"
consistently "the hidden missing topic was not created" missing partitions_of "$P.hidden-missing"
consistently "the hidden existing topic keeps its 2 partitions" 2 partitions_of "$P.hidden-existing"

# DescribeConfigs denied for one topic alone (a DENY beats the prefixed
# ALLOW): that topic is refused with the broker's message, the other topics
# are still planned and applied
declare_topic "$P.visible-noconfigs" 1
declare_topic "$P.visible" 1 "config:" "  retention.ms: 3600000"
rm "$REPO/topics/it/$P.hidden-"*.yaml
commit "one topic whose configs may not be read"
create_topic_directly "$P.visible-noconfigs" 1
kafka_acls --add --deny-principal User:noacl --operation DescribeConfigs --topic "$P.visible-noconfigs"
run rc plan --cluster it --timeout 10s
expect_rc 1 "plan with one topic's DescribeConfigs denied"
expect_out "! refuse  $P.visible-noconfigs" "that topic is refused"
expect_out "its configs could not be read" "with the reason"
expect_out "~ update  $P.visible" "the other topic is still planned"
run rc apply --cluster it --timeout 10s
expect_rc 1 "apply with one topic's DescribeConfigs denied"
check "the other topic's override was set (ConfigCommand)" \
  grep -qx "retention.ms=3600000" <<<"$(overrides_of "$P.visible")"

finish
