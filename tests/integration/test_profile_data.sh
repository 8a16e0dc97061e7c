#!/usr/bin/env bash
# A metric-source profile is data: two files, nothing in C. A repository
# that adds acme_exporter only as alert-templates/acme_exporter.yaml and
# dashboards/profiles/acme_exporter.yaml can declare it, validate lists it,
# and render produces rules promtool accepts and a dashboard that uses it.
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"

export RECONCILE_BOOTSTRAP=127.0.0.1:1
new_repo "monitoring:
  metric_source: acme_exporter"
declare_topic "$P.t" 3 "consumers: [billing]"
cp -r "$RECONCILE_SRC/alert-templates" "$RECONCILE_SRC/dashboards" "$REPO/"
sed 's/^profile: kafka_exporter$/profile: acme_exporter/; s/kafka_consumergroup_lag/acme_group_lag/g' \
  "$RECONCILE_SRC/alert-templates/kafka_exporter.yaml" >"$REPO/alert-templates/acme_exporter.yaml"
sed 's/kafka_consumergroup_lag/acme_group_lag/g' \
  "$RECONCILE_SRC/dashboards/profiles/kafka_exporter.yaml" >"$REPO/dashboards/profiles/acme_exporter.yaml"
commit "a profile added as two files"

run rc validate
expect_rc 0 "the new profile validates"

sed -i 's/metric_source: acme_exporter/metric_source: acme_exportr/' "$REPO/topics/it/_cluster.yaml"
run rc validate
expect_rc 1 "a misspelt profile is refused"
expect_out "_cluster.yaml:" "with file and position"
expect_out "did you mean \"acme_exporter\"" "suggesting the profile found"
expect_out "profiles found: acme_exporter, kafka-lag-exporter, kafka_exporter, kminion, reconcile, redpanda" \
  "and listing every profile the templates provide"
sed -i 's/metric_source: acme_exportr/metric_source: acme_exporter/' "$REPO/topics/it/_cluster.yaml"

run rc render --out "$WORK/out"
expect_rc 0 "render with the new profile"
rules="$WORK/out/it/rules/topics.rules.yml"
check "the rules use the profile's metric" grep -q "acme_group_lag" "$rules"
run promtool check rules "$rules"
expect_rc 0 "promtool accepts the rules"
check "the dashboard uses the profile's metric" grep -q "acme_group_lag" "$WORK/out/it/dashboards/"*.json


# The Clients row (dashboards/clients.yaml) needs no profile's help: a cluster
# on the data-only profile that declares client metrics gets it.
cat >>"$REPO/topics/it/_cluster.yaml" <<'YAML'
  client_metrics:
    consumed: acme_records_consumed_total
    topic_label: topic
    service_label: app
YAML
commit "client metrics"
run rc render --out "$WORK/out"
expect_rc 0 "render with client metrics on the new profile"
check "the dashboard has the Clients row on the profile's" \
  grep -q 'sum by (app) (rate(acme_records_consumed_total{topic=' "$WORK/out/it/dashboards/"*.json
check "and the profile's own panels" grep -q "acme_group_lag" "$WORK/out/it/dashboards/"*.json
# a repository's own dashboards/ from before the row: refused, not rendered without it
rm "$REPO/dashboards/clients.yaml"
commit "templates from before client metrics"
run rc render --out "$WORK/out2"
expect_rc 1 "client metrics without clients.yaml in the repository's dashboards/"
expect_out "clients.yaml" "the error names the missing file"
check "no dashboard was written" test -z "$(find "$WORK/out2" -name '*.json')"

finish
