#!/usr/bin/env bash
# Adopting a cluster: a messy state made with Kafka's own tools (topics with
# and without overrides, a compacted one, an override equal to the broker's
# default, an ignored topic, a declared one, consumer groups that committed
# on several topics, ACL bindings that map onto producers and consumers and
# some that do not (AclCommand grants a group DESCRIBE beside READ), a DENY
# from one host) is imported; the written files are
# the golden ones, validate lists the owners still to set, and right after
# the import plan shows no change and nothing unmanaged, topics and access.
# Importing again writes nothing; a new topic adds one file; an existing
# name is never written over; bad input fails with one line, nothing
# written.
. "$(dirname "$0")/lib.sh"

A="imp-$$-$RANDOM"
GOLDEN="$RECONCILE_SRC/tests/fixtures/import"
cleanup() {
  # without a principal AclCommand removes every binding on the resource
  kafka_acls --remove --topic "$A.orders.placed.v1" --topic "$A.payments.settled.v1" \
    2>/dev/null || true
  kafka_acls --remove --topic "$A." --resource-pattern-type prefixed 2>/dev/null || true
  kafka_acls --remove --group "$A-billing" 2>/dev/null || true
  kafka_acls --remove --allow-principal User:imp-orders --operation DescribeConfigs --cluster \
    2>/dev/null || true
  java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
    --delete --topic "$A\\..*" >/dev/null 2>&1 || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# The cluster only sees this run's topics and principals: the suite's other
# tests (it-*, acc-*) share the broker.
new_repo "policy:
  ignore: ['[!i]*', 'i[!m]*', 'im[!p]*', '*connect-*']
access:
  ignore_principals: ['User:[!i]*', 'User:i[!m]*']"
sed -i 's/^  replication_factor: 1$/  replication_factor: 1\n  config: {retention.ms: 3d}/' \
  "$REPO/topics/it/_cluster.yaml"
cat >"$REPO/topics/_teams.yaml" <<'YAML'
teams:
  checkout:
    chat: "#checkout"
    services:
      orders-api: User:imp-orders
  payments:
    chat: "#payments"
    services:
      billing: User:imp-billing
YAML
declare_topic "$A.declared.v1" 3
commit "a cluster with one declared topic"

topic() { # topic NAME PARTITIONS [key=value,...]
  create_topic_directly "$1" "$2"
  [ -z "${3:-}" ] || set_override "$1" "$3"
}
topic "$A.declared.v1" 3 retention.ms=259200000
topic "$A.orders.placed.v1" 6 retention.ms=604800000,max.message.bytes=2097152
topic "$A.orders.state.v1" 2 cleanup.policy=compact,min.compaction.lag.ms=3600000,delete.retention.ms=86400000
topic "$A.payments.settled.v1" 3
topic "$A.payments.audit.v1" 1 segment.bytes=1073741824 # Kafka's own default, as an override
topic "$A.connect-offsets" 1 cleanup.policy=compact  # policy.ignore
# groups committing on several topics, as Kafka's own tool commits them
commit_offsets() { # commit_offsets GROUP TOPIC...
  local g=$1 args=()
  shift
  for t in "$@"; do args+=(--topic "$t"); done
  java -cp "$(kafka_cp)" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$B" --group "$g" --reset-offsets --to-earliest --execute "${args[@]}" \
    >/dev/null
}
commit_offsets "$A-billing" "$A.orders.placed.v1" "$A.payments.settled.v1"
commit_offsets "$A-audit" "$A.orders.placed.v1" "$A.payments.audit.v1" "$A.connect-offsets"
kafka_acls --add --allow-principal User:imp-orders --operation Write --operation Describe \
  --topic "$A.orders.placed.v1"
kafka_acls --add --allow-principal User:imp-billing --operation Read --operation Describe \
  --topic "$A.orders.placed.v1" --topic "$A.payments.settled.v1" --group "$A-billing"
kafka_acls --add --allow-principal User:imp-stranger --operation Read --topic "$A." \
  --resource-pattern-type prefixed
kafka_acls --add --deny-principal User:imp-stranger --deny-host 10.0.0.1 --operation Write \
  --topic "$A.orders.placed.v1"
kafka_acls --add --allow-principal User:imp-orders --operation DescribeConfigs --cluster

files_now() { (cd "$REPO" && git status --porcelain --untracked-files=all topics | sort); }

# ---- dry run: shows the files, writes none ----------------------------------------
run rc import --dry-run
expect_rc 0 "import --dry-run"
expect_out "--- topics/it/$A.orders.placed.v1.yaml (would be written)" "dry run shows each file"
expect_out "would import 4 topics (4 consumer groups as consumers), 7 ACL bindings as producers and consumers, 4 in the access file, in 5 files" "dry run summary"
check "dry run writes nothing" test -z "$(files_now)"
run rc import --dry-run --format json -q
expect_rc 0 "import --dry-run --format json"
check "the JSON lists the topics, their files and what maps onto them" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); a = sys.argv[2]
c = d["clusters"][0]
assert d["dry_run"] is True and c["error"] is None, d
names = [t["name"] for t in c["topics"]]
assert names == [a + s for s in (".orders.placed.v1", ".orders.state.v1", ".payments.audit.v1", ".payments.settled.v1")], names
placed = c["topics"][0]
assert placed["producers"] == ["orders-api"], placed
assert placed["consumers"] == [{"group": a + "-audit", "service": None}, {"group": a + "-billing", "service": "billing"}], placed
assert placed["config"] == {"max.message.bytes": "2MiB", "retention.ms": "7d"}, placed
assert c["bindings_by_topics"] == 7 and c["bindings_in_access_file"] == 4, c
assert all(not f["written"] for f in c["files"]), c["files"]
' "$OUT" "$A"

# ---- bad input: one clear line, nothing written --------------------------------------
run rc import --owner-map "$A.*=paymnets"
expect_rc 1 "an owner map naming an unknown team"
expect_out "team 'paymnets' is not in topics/_teams.yaml (did you mean 'payments'?)" "the unknown team is named, with a suggestion"
printf '# owners\n%s.orders.*=checkout\nnot a rule\n' "$A" >"$WORK/owners"
run rc import --owner-map-file "$WORK/owners"
expect_rc 1 "an owner map file with a bad line"
expect_out "$WORK/owners:3: owner rule 'not a rule' is not GLOB=TEAM" "the bad line is named with file and line"
run rc import --layout by-team
expect_rc 64 "an unknown layout"
run rc import --ref HEAD
expect_rc 64 "--ref with import"
check "bad input wrote nothing" test -z "$(files_now)"

# ---- without owners: placeholders, and validate lists them -------------------------
run rc import
expect_rc 0 "import without an owner map"
run rc validate
expect_rc 1 "validate refuses the placeholder owners"
check "each imported topic is listed (owner-unset)" test "$(grep -c ': owner-unset: ' <<<"$OUT")" -eq 4
expect_out "4 topics still need an owner" "one line counts them"
git -C "$REPO" clean -fdq topics

# ---- with owners: the golden files, and plan shows nothing ---------------------------
printf '%s.payments.*=payments  # by prefix\n' "$A" >"$WORK/owners"
run rc import --owner-map "$A.orders.*=checkout" --owner-map-file "$WORK/owners"
expect_rc 0 "import with owners mapped"
expect_out "+ wrote topics/it/_access.yaml (4 bindings)" "the access file"
for f in _access.yaml "$A.orders.placed.v1.yaml" "$A.orders.state.v1.yaml" \
  "$A.payments.audit.v1.yaml" "$A.payments.settled.v1.yaml"; do
  g=${f//$A/PFX}
  check "golden $g" diff -u "$GOLDEN/$g" <(sed "s/$A/PFX/g" "$REPO/topics/it/$f")
done
check "the ignored and the declared topics got no file" test "$(files_now | wc -l)" -eq 5
run rc validate
expect_rc 0 "validate accepts the imported files once owners are mapped"
run rc plan --detailed-exitcode
expect_rc 0 "plan right after the import: nothing to do"
expect_out "0 to create, 0 to update, 0 refused, 5 unchanged, 0 unmanaged" "no topic change, none unmanaged"
expect_out "access: 0 to create, 0 to delete, 0 refused, 11 unchanged, 0 unmanaged" "every binding is declared, none unmanaged"
commit "import"

# ---- again: nothing; a new topic: one file; a taken name is avoided ------------------
run rc import --owner-map "*=payments"
expect_rc 0 "a second import"
expect_out "imported 0 topics" "adds nothing"
check "the second import writes nothing" test -z "$(files_now)"
topic "$A.late.v1" 2
mkdir "$REPO/topics/it/$A.late.v1.yaml" # a name already taken (not a file reconcile reads)
run rc import --owner-map "*=payments"
expect_rc 0 "import after a topic appeared"
expect_out "+ wrote topics/it/$A.late.v1.imported.yaml (1 topic)" "the taken name is never written over"
expect_out "imported 1 topic " "only the new topic"
run rc plan --detailed-exitcode
expect_rc 0 "plan after the second import: nothing to do"

finish
