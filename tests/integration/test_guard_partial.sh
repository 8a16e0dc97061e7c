#!/usr/bin/env bash
# reconcile-test: serial (see CMakeLists.txt)
# The older-commit guard after a partial apply: a real principal may create
# this test's topics but not alter their configs, so the create stage lands
# and the config stage is denied as a whole. The commit must still be
# recorded, and an apply of the parent commit (which would roll back the
# created topic's siblings) must be refused.
. "$(dirname "$0")/lib.sh"

SASL=$("$RECONCILE_SRC/ci/local-kafka.sh" sasl-bootstrap)
export IT_SASL_BOOTSTRAP=$SASL IT_SASL_PASSWORD=noacl-secret
# a cluster name of its own: the state topic is keyed by it and shared by
# every test (and every earlier run) on this broker
CL="gp${P//[^0-9]/}"

grant() { kafka_acls --add --allow-principal User:noacl "$@"; }
grant_all() {
  grant --operation Describe --operation Create --operation DescribeConfigs \
    --topic "$P" --resource-pattern-type prefixed
  grant --operation Describe --operation Read --operation Write --operation Create \
    --operation DescribeConfigs --topic _reconcile.applied
  grant --operation DescribeConfigs --cluster
}
# every binding on these resources: only this test (and user noacl) has any
revoke_all() {
  kafka_acls --remove --topic "$P" --resource-pattern-type prefixed || true
  kafka_acls --remove --topic _reconcile.applied || true
  kafka_acls --remove --cluster || true
}
trap 'revoke_all; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT

new_repo
mv "$REPO/topics/it" "$REPO/topics/$CL"
cat >"$REPO/topics/$CL/_cluster.yaml" <<'YAML'
bootstrap: ${IT_SASL_BOOTSTRAP}
defaults:
  partitions: 1
  replication_factor: 1
policy:
  guard_older_commits: true
  allow_delete: true
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: noacl
  sasl.password: ${IT_SASL_PASSWORD}
YAML
decl() { # decl NAME [extra YAML lines...]
  local name=$1
  shift
  printf 'name: %s\npartitions: 1\nowner: payments\n' "$name" >"$REPO/topics/$CL/$name.yaml"
  for line in "$@"; do echo "$line" >>"$REPO/topics/$CL/$name.yaml"; done
}

create_topic_directly "$P.existing" 1
grant_all
decl "$P.existing"
commit "adopt the existing topic"
c1=$(git -C "$REPO" rev-parse HEAD)
run rc apply --cluster "$CL" --ref "$c1"
expect_rc 0 "the first commit applies and is recorded"

# the next commit creates a topic (allowed) and changes a config (denied)
decl "$P.created"
decl "$P.existing" "config:" "  retention.ms: 3600000"
commit "create one topic, change another"
c2=$(git -C "$REPO" rev-parse HEAD)
run rc apply --cluster "$CL" --ref "$c2"
expect_rc 1 "the config stage is denied"
expect_out "+ created $P.created" "the create stage landed"
expect_out "not authorised" "the denial is reported"
eventually "the created topic exists (kcat)" 1 partitions_of "$P.created"
check "the commit is recorded although a later stage failed (kcat)" bash -c \
  "kcat -C -b '$B' -t _reconcile.applied -p 0 -o beginning -e -q -f '%k %s\n' | grep '^$CL ' | tail -n 1 | grep -q '$c2'"

# a late job for the parent commit must not roll back what landed
grant --operation Delete --topic "$P" --resource-pattern-type prefixed
run rc apply --cluster "$CL" --ref "$c1" --prune
expect_rc 1 "an apply of the parent commit is refused"
expect_out "older" "the refusal says why"
consistently "the created topic is still there" 1 partitions_of "$P.created"

finish
