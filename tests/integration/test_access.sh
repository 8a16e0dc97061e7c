#!/usr/bin/env bash
# reconcile-test: serial (see CMakeLists.txt)
# Access declared with the topics becomes exactly those ACL bindings on the
# real broker (StandardAuthorizer, SASL users from ci/local-kafka.sh), shown
# by kcat authenticated as each service: the producer can produce and not
# consume, the consumer can consume with its group only and not produce, an
# undeclared service can do neither. Unmanaged bindings are listed and only
# --prune deletes them; a plan that would take reconcile's own access away is
# refused whole; a principal without the permission and bad references fail
# with one clear line. Serial: it prunes the cluster's bindings.
. "$(dirname "$0")/lib.sh"

SASL=$("$RECONCILE_SRC/ci/local-kafka.sh" sasl-bootstrap)
export IT_SASL_BOOTSTRAP=$SASL IT_SASL_PASSWORD=reconcile-secret IT_NOACL_PASSWORD=noacl-secret
# Its own prefix: the other tests' topics (it-*) are ignored by this cluster.
A="acc-$$-$RANDOM"
G="$A-billing"
cleanup() {
  # without a principal AclCommand removes every binding on the resource
  kafka_acls --remove --topic "$A.orders" 2>/dev/null || true
  kafka_acls --remove --topic "$A.audit" 2>/dev/null || true
  kafka_acls --remove --group "$G" 2>/dev/null || true
  kafka_acls --remove --group "$A-audit" 2>/dev/null || true
  kafka_acls --remove --allow-principal User:reconcile --operation Describe --cluster 2>/dev/null || true
  for t in "$A.orders" "$A.audit"; do
    java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
      --delete --topic "$t" >/dev/null 2>&1 || true
  done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# as USER kcat-args...: kcat authenticated as a service user (bounded)
as() {
  local u=$1
  shift
  timeout 30 kcat -b "$SASL" -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=PLAIN \
    -X sasl.username="$u" -X sasl.password="$u-secret" "$@"
}
# produces USER TOPIC: USER produces a unique message (idempotent), and it is
# there when the super user reads the topic to its end. kcat's exit code
# alone is no witness: a producer refused InitProducerId sometimes exits 0.
produces() {
  local m="m-$1-$RANDOM$RANDOM"
  echo "$m" | as "$1" -P -t "$2" -X enable.idempotence=true >/dev/null 2>&1 || true
  timeout 30 kcat -b "$B" -C -t "$2" -e -q 2>/dev/null | grep -qxF -- "$m"
}
# consumes USER GROUP TOPIC: reads to the end with the group, prints messages
consumes_with() { as "$1" -X auto.offset.reset=earliest -e -q -G "$2" "$3" 2>/dev/null; }
assigns() { as "$1" -C -t "$2" -o beginning -e -q 2>/dev/null; }
refused() { if "$@"; then return 1; fi; }
# acls_of PRINCIPAL RESOURCE-OPTION...: the operations Kafka's own AclCommand
# lists for the principal on that resource, sorted, on one line
acls_of() {
  local p=$1
  shift
  java -cp "$(kafka_cp)" kafka.admin.AclCommand --bootstrap-server "$B" --list "$@" \
    --principal "$p" 2>/dev/null | grep -o 'operation=[A-Z_]*' | sort | tr '\n' ' '
}

new_repo
cat >"$REPO/topics/_teams.yaml" <<'YAML'
teams:
  payments:
    chat: "#payments-alerts"
    services:
      orders-api: User:svc-orders
      invoicer: User:svc-billing
  search:
    chat: "#search-oncall"
    services:
      auditor: User:svc-audit
YAML
cat >"$REPO/topics/it/_cluster.yaml" <<'YAML'
bootstrap: ${IT_SASL_BOOTSTRAP}
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: reconcile
  sasl.password: ${IT_SASL_PASSWORD}
defaults: {partitions: 1, replication_factor: 1}
policy:
  allow_delete: true
  ignore: ["it-*", "orders.*", "payments.*", "notifications.*"]   # the other tests' topics
access:
  # the suite shares one broker: the principals not starting with r or s are
  # other tests' (the shipped example's services, noacl); User:reconcile and
  # the svc-* users are this test's
  ignore_principals: ["User:[!rs]*"]
YAML
declare_topic "$A.orders" 1 "producers: [orders-api]" "consumers:" \
  "  - {group: $G, service: invoicer}" "  - dashboards"
declare_topic "$A.audit" 1 "consumers: [{group: $A-audit, service: auditor}]"
commit "two topics with access"

# ---- bad input: clear errors, nothing touched
cp "$REPO/topics/it/$A.audit.yaml" "$WORK/audit.yaml"
sed -i 's/service: auditor/service: auditr/' "$REPO/topics/it/$A.audit.yaml"
run rc plan --cluster it
expect_rc 1 "plan with an unknown service"
expect_out "topics/it/$A.audit.yaml:4:" "the error names the file and line"
expect_out 'did you mean "auditor"' "and the closest service"
expect_out "nothing was touched" "nothing is read or touched"
consistently "no binding was created" "" acls_of User:svc-audit --topic "$A.audit"
cp "$WORK/audit.yaml" "$REPO/topics/it/$A.audit.yaml"

# ---- plan: every format shows the bindings to create
run rc plan --cluster it
expect_rc 0 "plan"
expect_out "+ acl User:svc-orders WRITE topic $A.orders" "text: the producer's WRITE"
expect_out "+ acl User:svc-billing READ group $G" "text: the consumer's group READ"
expect_out "cluster it: access: 8 to create, 0 to delete, 0 refused" "text: 8 bindings (2+3+3)"
expect_no_out "group dashboards" "a group without a service gets no binding"
run rc plan --cluster it --format json
check "JSON: acls.summary and every binding" python3 - "$OUT" <<'PY'
import json, sys
acls = json.loads(sys.argv[1])["clusters"][0]["acls"]
assert acls["summary"]["create"] == 8, acls["summary"]
b = [x for x in acls["bindings"] if x["principal"] == "User:svc-billing" and x["resource_type"] == "group"
     and x["action"] == "create"]
assert len(b) == 1 and b[0]["operation"] == "READ" and b[0]["pattern_type"] == "literal", b
assert b[0]["team"] == "payments" and b[0]["service"] == "invoicer", b
PY
run rc plan --base HEAD --format markdown
expect_out "Access on the live cluster" "PR comment: the live cluster's access"
expect_out "| payments | 5 | 0 |" "markdown: per team, payments gains 5"
expect_out "| search | 3 | 0 |" "markdown: search gains 3"

# ---- apply: the bindings land, reported one by one, and converge
run rc apply --cluster it
expect_rc 0 "apply"
expect_out "+ created acl User:svc-billing READ group $G" "apply reports each binding"
expect_out "cluster it: access: 8 created, 0 deleted, 0 failed" "and the summary"
check "the broker lists the producer's bindings" test "$(acls_of User:svc-orders --topic "$A.orders")" = \
  "operation=DESCRIBE operation=WRITE "
run rc plan --cluster it --detailed-exitcode
expect_rc 0 "re-plan after apply: nothing to do"
expect_out "access: 0 to create, 0 to delete, 0 refused, 8 unchanged" "all 8 in place"

# ---- real clients as witnesses
check "the producer can produce (idempotent)" produces svc-orders "$A.orders"
check "the producer cannot consume" refused assigns svc-orders $A.orders
check "the consumer cannot produce" refused produces svc-billing $A.orders
check "the consumer consumes with its group" grep -q "m-svc-orders" <<<"$(consumes_with svc-billing "$G" "$A.orders")"
check "the consumer cannot use another group" refused consumes_with svc-billing $A-other $A.orders
check "the consumer of another topic cannot read this one" refused consumes_with svc-audit $A-audit $A.orders
check "an undeclared service cannot produce" refused produces svc-stranger $A.orders
check "an undeclared service cannot consume" refused consumes_with svc-stranger $G $A.orders

# ---- unmanaged bindings: listed, kept without --prune
kafka_acls --add --allow-principal User:svc-stranger --operation Read --topic "$A.orders"
run rc plan --cluster it
expect_out "? acl User:svc-stranger READ topic $A.orders (unmanaged" "an undeclared binding is unmanaged"
run rc apply --cluster it
expect_rc 0 "apply without --prune"
consistently "apply without --prune keeps the unmanaged binding" "operation=READ " acls_of User:svc-stranger --topic "$A.orders"

# ---- reconcile's own access is never pruned: the whole plan is refused
kafka_acls --add --allow-principal User:reconcile --operation Describe --cluster
run rc plan --cluster it --prune
expect_rc 1 "plan --prune that would delete reconcile's own binding"
expect_out "! acl User:reconcile DESCRIBE cluster kafka-cluster" "the binding is refused by name"
expect_out "own access" "saying why"
run rc apply --cluster it --prune
expect_rc 1 "apply --prune refuses"
consistently "nothing was pruned, not even the stranger's binding" "operation=READ " acls_of User:svc-stranger --topic "$A.orders"
check "reconcile's binding is still there" test "$(acls_of User:reconcile --cluster)" = "operation=DESCRIBE "
kafka_acls --remove --allow-principal User:reconcile --operation Describe --cluster

# ---- the declaration removed: access is gone after apply --prune
sed -i '/^producers:/d' "$REPO/topics/it/$A.orders.yaml"
commit "orders-api no longer produces"
run rc diff --base HEAD~1
expect_out "- acl User:svc-orders WRITE topic $A.orders (no longer declared" "diff --base: access taken away"
expect_out "producers orders-api -> (none)" "and the field change"
run rc plan --base HEAD~1 --format markdown
expect_out "| payments | 0 | 2 |" "PR comment: the team loses two bindings"
run rc apply --cluster it
consistently "without --prune the old binding stays" "operation=DESCRIBE operation=WRITE " acls_of User:svc-orders --topic "$A.orders"
run rc apply --cluster it --prune
expect_rc 0 "apply --prune"
expect_out "- deleted acl User:svc-orders WRITE topic $A.orders" "the binding is deleted"
expect_out "- deleted acl User:svc-stranger READ topic $A.orders" "and the unmanaged one"
check "the broker lists no binding for the producer" test -z "$(acls_of User:svc-orders --topic "$A.orders")"
check "the former producer now fails to produce" refused produces svc-orders $A.orders
echo "after-prune-$$" | kcat -b "$B" -P -t "$A.orders"
check "the consumer still consumes with its group" grep -q "after-prune-$$" \
  <<<"$(consumes_with svc-billing "$G" "$A.orders")"
run rc plan --cluster it --prune --detailed-exitcode
expect_rc 0 "converged after the prune"

# ---- a principal that may not describe ACLs: one line, naming the permission
mkdir -p "$REPO/topics/denied"
cat >"$REPO/topics/denied/_cluster.yaml" <<'YAML'
bootstrap: ${IT_SASL_BOOTSTRAP}
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: noacl
  sasl.password: ${IT_NOACL_PASSWORD}
defaults: {partitions: 1, replication_factor: 1}
access: {}
YAML
run rc plan --cluster denied --timeout 10s
expect_rc 1 "plan as a principal without DESCRIBE on the cluster"
expect_out "cluster denied: error: cannot read its ACL bindings" "names the cluster"
expect_out "needs DESCRIBE and ALTER on the CLUSTER resource" "and the missing permission"

finish
