#!/usr/bin/env bash
# plan and apply against the real broker: create, idempotence, add partitions,
# config change, drift reset, refusal of a partition decrease, unmanaged topics.
. "$(dirname "$0")/lib.sh"

new_repo
declare_topic "$P.orders" 3 "config:" "  retention.ms: 7d" "  cleanup.policy: delete"
declare_topic "$P.events" 2
commit "two topics"

# ---- plan before anything exists: creates, nothing touched
run rc plan --cluster it --detailed-exitcode
expect_rc 2 "plan with pending creations"
expect_out "$P.orders" "plan names the topic to create"
consistently "plan created nothing" missing partitions_of "$P.orders"

run rc plan --cluster it --format json
expect_rc 0 "plan --format json"
check "json plan says create with 3 partitions" python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["schema_version"] == 1, d
c = [c for c in d["clusters"] if c["name"] == "it"][0]
t = [t for t in c["topics"] if t["name"] == sys.argv[1]][0]
assert t["action"] == "create", t
assert t["partitions"]["to"] == 3, t
assert d["changes_pending"] is True
' "$P.orders" <<<"$OUT"

# ---- apply creates both, with the declared config, visible in metadata
run rc apply --cluster it
expect_rc 0 "apply creates the topics"
expect_out "+ created $P.orders" "apply reports the creation"
eventually "orders has 3 partitions (kcat)" 3 partitions_of "$P.orders"
eventually "events has 2 partitions (kcat)" 2 partitions_of "$P.events"
ov=$(overrides_of "$P.orders")
check "retention.ms=7d stored as 604800000 (ConfigCommand)" grep -qx "retention.ms=604800000" <<<"$ov"

# ---- idempotent: the same declarations again change nothing
run rc apply --cluster it
expect_rc 0 "second apply"
expect_out "cluster it: no changes" "second apply reports no changes"
run rc plan --cluster it --detailed-exitcode
expect_rc 0 "plan after apply has nothing pending"

# ---- add partitions and change a config in one apply
declare_topic "$P.orders" 6 "config:" "  retention.ms: 1d" "  cleanup.policy: delete"
run rc plan --cluster it --detailed-exitcode
expect_rc 2 "plan shows the update"
expect_out "3 -> 6" "plan shows partitions old -> new"
expect_out "retention.ms: 604800000 -> 86400000" "plan shows the config change old -> new"
run rc apply --cluster it
expect_rc 0 "apply the update"
eventually "orders now has 6 partitions" 6 partitions_of "$P.orders"
check "retention.ms changed to 1d" grep -qx "retention.ms=86400000" <<<"$(overrides_of "$P.orders")"
check "cleanup.policy override kept" grep -qx "cleanup.policy=delete" <<<"$(overrides_of "$P.orders")"

# ---- drift: an override set by hand, not declared, is shown and reset
set_override "$P.events" segment.ms=3600000
run rc plan --cluster it --detailed-exitcode
expect_rc 2 "drift is a pending change"
expect_out "segment.ms" "plan shows the undeclared override"
run rc apply --cluster it
expect_rc 0 "apply resets drift"
check "segment.ms override is gone" test -z "$(overrides_of "$P.events" | grep segment.ms || true)"

# ---- partition decrease: refused, exit 1, nothing changed (not even other topics)
declare_topic "$P.orders" 2 "config:" "  retention.ms: 1d" "  cleanup.policy: delete"
declare_topic "$P.events" 2 "config:" "  retention.ms: 2h"
run rc plan --cluster it
expect_rc 1 "plan with a partition decrease fails"
expect_out "cannot" "plan explains the refusal"
run rc apply --cluster it
expect_rc 1 "apply with a refused change exits 1"
expect_out "refused $P.orders" "apply reports the refusal"
consistently "orders still has 6 partitions" 6 partitions_of "$P.orders"
check "events got its config anyway (the rest still applies)" grep -qx "retention.ms=7200000" <<<"$(overrides_of "$P.events")"
declare_topic "$P.orders" 6 "config:" "  retention.ms: 1d" "  cleanup.policy: delete"

# ---- unmanaged topics: reported, untouched; --prune only when policy allows
create_topic_directly "$P.stray" 1
eventually "the stray topic is visible" 1 partitions_of "$P.stray"
run rc plan --cluster it
expect_out "$P.stray" "plan lists the unmanaged topic"
run rc apply --cluster it --prune
expect_rc 0 "apply --prune without allow_delete"
consistently "unmanaged topic survives apply --prune when policy forbids deletion" 1 partitions_of "$P.stray"

finish
