#!/usr/bin/env bash
# The pull request workflow, with no cluster access at all: a real git
# repository (git CLI) with a base commit on main and a branch that adds a
# topic, modifies another, removes a third and adds a file with validation
# errors. `plan --base` / `diff --base` read both sides through libgit2 and
# report the declaration changes; the outputs (text, Markdown comment, GitHub
# annotations) are compared byte for byte with golden files under
# tests/fixtures/golden/pr/workflow-*. Only what truly varies is normalised:
# commit shas (BASE_SHA / HEAD_SHA) and the librdkafka reason an unreachable
# cluster gives (REASON). RECONCILE_UPDATE_GOLDEN=1 rewrites the golden files.
#
# The cluster file points at 127.0.0.1:1 (nothing listens there) and the only
# run that may try to connect uses --timeout 2s.
# shellcheck disable=SC2034 # read by lib.sh
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"

GOLDEN="$RECONCILE_SRC/tests/fixtures/golden/pr"
REPO="$WORK/repo"

# run_split CMD...: stdout in $WORK/out, stderr in $WORK/err, exit code in $RC
run_split() {
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
}

expect_rc_split() { # expect_rc_split WANT DESCRIPTION
  if [ "$RC" -eq "$1" ]; then
    pass "$2 (exit $1)"
  else
    fail "$2: exit $RC, want $1; stdout:"
    cat "$WORK/out" >&2
    echo "stderr:" >&2
    cat "$WORK/err" >&2
  fi
}

# golden NAME [SED-ARGS...]: stdout, normalised by sed, equals $GOLDEN/NAME
golden() {
  local name=$1
  shift
  sed "$@" "$WORK/out" >"$WORK/normalised"
  if [ "${RECONCILE_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$WORK/normalised" "$GOLDEN/$name"
    pass "$name rewritten"
  elif cmp -s "$WORK/normalised" "$GOLDEN/$name"; then
    pass "$name matches byte for byte"
  else
    fail "$name differs from the golden file:"
    diff -u "$GOLDEN/$name" "$WORK/normalised" >&2 || true
  fi
}

stderr_has() { # stderr_has FIXED-STRING DESCRIPTION
  if grep -qF -- "$1" "$WORK/err"; then pass "$2"; else
    fail "$2: stderr lacks '$1':"
    cat "$WORK/err" >&2
  fi
}

stdout_has() {
  if grep -qF -- "$1" "$WORK/out"; then pass "$2"; else
    fail "$2: stdout lacks '$1':"
    cat "$WORK/out" >&2
  fi
}

count_in() { grep -cF -- "$1" "$2" || true; }

rc() { "$RECONCILE_BIN" -C "$REPO" "$@"; }

# ---- the repository ---------------------------------------------------------

mkdir -p "$REPO/topics/it"
git -C "$REPO" init -q -b main
git -C "$REPO" config user.email it@example.invalid
git -C "$REPO" config user.name "integration test"
git -C "$REPO" config commit.gpgsign false

cat >"$REPO/topics/_teams.yaml" <<'YAML'
teams:
  payments:
    chat: "#payments"
  search:
    chat: "#search"
YAML
cat >"$REPO/topics/it/_cluster.yaml" <<'YAML'
# nothing listens on port 1: this test never reaches a broker
bootstrap: 127.0.0.1:1
defaults:
  partitions: 3
  replication_factor: 1
policy:
  partition_messages_per_second: 1000
YAML
cat >"$REPO/topics/it/orders.yaml" <<'YAML'
name: orders.created.v1
partitions: 3
owner: payments
config:
  retention.ms: 1d
consumers: [billing]
YAML
cat >"$REPO/topics/it/payments.yaml" <<'YAML'
name: payments.settled.v1
partitions: 6
owner: payments
YAML
# a warning that predates the change: not annotated on the pull request
cat >"$REPO/topics/it/search.yaml" <<'YAML'
name: search.indexed.v1
owner: search
throughput:
  messages_per_second: 5000
YAML
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "base: three topics"
BASE=$(git -C "$REPO" rev-parse HEAD)

git -C "$REPO" checkout -q -b feature
cat >"$REPO/topics/it/refunds.yaml" <<'YAML'
name: refunds.issued.v1
partitions: 6
owner: payments
config:
  cleanup.policy: compact
YAML
cat >"$REPO/topics/it/orders.yaml" <<'YAML'
# orders, as the shop places them
name: orders.created.v1
partitions: 6
owner: payments
config:
  retention.ms: 7d
consumers: [billing, ledger]
YAML
git -C "$REPO" rm -q topics/it/payments.yaml
cat >"$REPO/topics/it/broken.yaml" <<'YAML'
name: broken.thing.v1
partitons: 3
owner: paymnets
YAML
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "feature: add refunds, grow orders, drop payments, add broken"
HEAD_SHA=$(git -C "$REPO" rev-parse HEAD)

SHAS=(-e "s/${BASE:0:12}/BASE_SHA/g" -e "s/${HEAD_SHA:0:12}/HEAD_SHA/g")

# ---- head = the branch, invalid: declarations only, cluster part skipped ----

run_split rc plan --base main --ref feature
expect_rc_split 1 "plan --base with validation errors at head"
golden workflow-plan-base.txt "${SHAS[@]}"
stderr_has "topics/it/broken.yaml:2:1: unknown-key:" "the error is reported with file:line:col"
stderr_has "topics/it/broken.yaml:3:8: unknown-team:" "every error is reported"
if [ "$(count_in "unknown-key" "$WORK/err")" = 1 ]; then
  pass "each problem reported once (not again for the base)"
else
  fail "unknown-key reported $(count_in "unknown-key" "$WORK/err") times"
fi
stdout_has "- no longer managed payments.settled.v1" "a removed declaration is no longer managed"
stdout_has "cluster part skipped:" "says the cluster part was skipped"

run_split rc plan --base main --ref feature --format markdown
expect_rc_split 1 "markdown comment with validation errors"
golden workflow-comment.md "${SHAS[@]}"

run_split rc plan --base main --ref feature --format github
expect_rc_split 1 "github annotations with validation errors"
golden workflow-annotations.txt "${SHAS[@]}"
if [ "$(count_in "search.yaml" "$WORK/out")" = 0 ]; then
  pass "the pre-existing warning in an untouched file is not annotated"
else
  fail "search.yaml annotated"
fi

# diff is the offline command: same declaration report, never a cluster
run_split rc diff --base main --ref feature
expect_rc_split 1 "diff --base with validation errors at head"
golden workflow-plan-base.txt "${SHAS[@]}"

# ---- head = the working tree: the error fixed but not committed -------------

cat >"$REPO/topics/it/broken.yaml" <<'YAML'
name: broken.thing.v1
partitions: 3
owner: payments
YAML

run_split rc diff --base main
expect_rc_split 0 "diff --base against the working tree, valid"
golden workflow-diff-worktree.txt "${SHAS[@]}"
stdout_has "cluster part skipped: offline run; no cluster was contacted" "diff says it is offline"

run_split rc diff --base main --detailed-exitcode
expect_rc_split 2 "diff --detailed-exitcode with topic changes"

run_split rc diff --base main --format markdown
expect_rc_split 0 "offline markdown comment for the working tree"
golden workflow-comment-worktree.md "${SHAS[@]}"

# plan tries the cluster, which is unreachable: the declaration part still
# comes out whole and the cluster part says it was skipped, exit 1
run_split rc --timeout 2s plan --base main
expect_rc_split 1 "plan --base with an unreachable cluster"
golden workflow-plan-worktree.txt "${SHAS[@]}" -E -e 's/^(cluster it: skipped: ).+$/\1REASON/'

run_split rc --timeout 2s plan --base main --format markdown
expect_rc_split 1 "markdown comment with an unreachable cluster"
# shellcheck disable=SC2016 # literal backticks
stdout_has '- cluster `it`: cluster part skipped: ' "the comment says the cluster part was skipped"
stdout_has "<details><summary>+ <code>refunds.issued.v1</code> · added" \
  "the comment still details the declaration changes"

# ---- no change, bad revisions -------------------------------------------------

run_split rc diff --base main --ref main --detailed-exitcode
expect_rc_split 0 "no declaration change"
printf 'declaration changes: none (no file under topics/ differs)\n\ncluster part skipped: offline run; no cluster was contacted\n' >"$WORK/want"
if cmp -s "$WORK/out" "$WORK/want"; then
  pass "no change is said so"
else
  fail "no-change output:"
  cat "$WORK/out" >&2
fi

run_split rc diff --base no-such-branch --ref feature
expect_rc_split 1 "unknown base revision"
stderr_has "unknown revision 'no-such-branch'" "the unknown base revision is named"

finish
