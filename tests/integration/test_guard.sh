#!/usr/bin/env bash
# policy.guard_older_commits: apply records the commit it applied in the
# compacted topic _reconcile.applied and refuses an older one (a late CI job).
. "$(dirname "$0")/lib.sh"

new_repo "policy:
  guard_older_commits: true"
declare_topic "$P.a" 1
commit "first"
c1=$(git -C "$REPO" rev-parse HEAD)
declare_topic "$P.a" 2
commit "second"
c2=$(git -C "$REPO" rev-parse HEAD)

run rc apply --cluster it
expect_rc 1 "the guard needs --ref"
expect_out "needs --ref" "says why"
consistently "nothing applied from the working tree" missing partitions_of "$P.a"

run rc apply --cluster it --ref "$c2"
expect_rc 0 "apply the newer commit"
eventually "the newer commit's partitions" 2 partitions_of "$P.a"
check "the commit is recorded in _reconcile.applied (kcat)" bash -c \
  "kcat -C -b '$B' -t _reconcile.applied -p 0 -o beginning -e -q -f '%k %s\n' | grep '^it ' | tail -n 1 | grep -q '$c2'"

run rc apply --cluster it --ref "$c1"
expect_rc 1 "an older commit is refused"
expect_out "cluster it:" "the refusal names the cluster"
expect_out "older" "and says why"
consistently "nothing rolled back" 2 partitions_of "$P.a"

run rc apply --cluster it --ref "$c2"
expect_rc 0 "re-applying the same commit converges"
expect_out "no changes" "with no changes"

run rc plan --cluster it --format json
expect_no_out "_reconcile.applied" "the state topic is never reported as unmanaged"

finish
