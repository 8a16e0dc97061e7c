#!/usr/bin/env bash
# policy.min_replication_factor when no replication factor is declared or
# defaulted: the topic would take the broker's default.replication.factor.
# validate says the check is deferred; plan reads the broker's value and
# refuses when it breaks the policy; apply creates nothing.
. "$(dirname "$0")/lib.sh"

broker_default_rf=$(java -cp "$(kafka_cp)" kafka.admin.ConfigCommand --bootstrap-server "$B" \
  --entity-type brokers --entity-default --describe --all 2>/dev/null |
  sed -n 's/^  default.replication.factor=\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$broker_default_rf" ] || broker_default_rf=$(java -cp "$(kafka_cp)" kafka.admin.ConfigCommand \
  --bootstrap-server "$B" --entity-type brokers --entity-name 1 --describe --all 2>/dev/null |
  sed -n 's/^  default.replication.factor=\([0-9]*\).*/\1/p' | head -n 1)
check "the broker's default.replication.factor is known ($broker_default_rf, ConfigCommand)" \
  test -n "$broker_default_rf"
want=$((broker_default_rf + 1))

new_repo "policy:
  min_replication_factor: $want"
sed -i '/^  replication_factor: 1$/d' "$REPO/topics/it/_cluster.yaml"
declare_topic "$P.no-rf" 1
commit "a topic without a replication factor"

run rc validate
expect_rc 0 "validate cannot know the broker's default"
expect_out "warning: replication-factor" "but says the check is deferred"
expect_out "not checked here" "to plan"

run rc plan --cluster it
expect_rc 1 "plan refuses"
expect_out "default.replication.factor ($broker_default_rf)" "with the broker's value"
expect_out "below policy.min_replication_factor ($want)" "and the policy it breaks"
run rc apply --cluster it
expect_rc 1 "apply refuses"
consistently "nothing was created" missing partitions_of "$P.no-rf"

# declaring it fixes it
declare_topic "$P.no-rf" 1 "replication_factor: 1"
sed -i "s/min_replication_factor: $want/min_replication_factor: 1/" "$REPO/topics/it/_cluster.yaml"
run rc plan --cluster it
expect_rc 0 "with a declared replication factor the plan goes through"

finish
