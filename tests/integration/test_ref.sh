#!/usr/bin/env bash
# --ref reads declarations from a commit through libgit2, not the working tree.
. "$(dirname "$0")/lib.sh"

new_repo
declare_topic "$P.committed" 2
commit "first"
first=$(git -C "$REPO" rev-parse HEAD)
declare_topic "$P.committed" 4
declare_topic "$P.uncommitted" 1
commit "second"
# the working tree now differs from both commits
declare_topic "$P.worktree-only" 1
rm "$REPO/topics/it/$P.uncommitted.yaml"

run rc plan --cluster it --ref "$first"
expect_rc 0 "plan --ref first commit"
expect_out "$P.committed" "plan at first commit names its topic"
expect_no_out "$P.uncommitted" "plan at first commit ignores later commits"
expect_no_out "$P.worktree-only" "plan at first commit ignores the working tree"

run rc apply --cluster it --ref HEAD
expect_rc 0 "apply --ref HEAD"
eventually "HEAD's partition count applied" 4 partitions_of "$P.committed"
eventually "HEAD's second topic created" 1 partitions_of "$P.uncommitted"
consistently "working-tree-only topic not created" missing partitions_of "$P.worktree-only"

run rc plan --cluster it --ref no-such-branch
expect_rc 1 "unknown revision"
expect_out "unknown revision 'no-such-branch'" "unknown revision is named"

# a broken declaration committed at a ref: reported with the file, nothing touched
echo "partitions: [" >"$REPO/topics/it/$P.broken.yaml"
commit "broken"
run rc apply --cluster it --ref HEAD
expect_rc 1 "apply of a commit with invalid declarations"
expect_out "topics/it/$P.broken.yaml:" "the broken file is named with its position"
expect_out "nothing was touched" "says nothing was touched"
consistently "worktree-only topic still not created" missing partitions_of "$P.worktree-only"

# -C names the repository root: a subfolder of another repository (here one
# with its own topics/, which --ref would otherwise silently ignore in favour
# of the enclosing repository's) is refused, naming the enclosing repository
mkdir -p "$REPO/nested/topics/it"
cp "$REPO/topics/_teams.yaml" "$REPO/nested/topics/"
cp "$REPO/topics/it/_cluster.yaml" "$REPO/nested/topics/it/"
run "$RECONCILE_BIN" -C "$REPO/nested" validate --ref HEAD
expect_rc 1 "-C at a subfolder of a repository, with --ref"
expect_out "is not the root of a git repository" "says -C is not a repository root"
expect_out "inside the repository at $REPO/" "and names the enclosing repository"
rm -rf "$REPO/nested"

# no run hangs forever: a truncated loose object makes libgit2 1.5.1 loop;
# the overall --deadline ends the run with exit 1 and says why
T="$WORK/truncated"
mkdir -p "$T/topics/it"
cp "$REPO/topics/_teams.yaml" "$T/topics/"
cp "$REPO/topics/it/_cluster.yaml" "$T/topics/it/"
printf 'name: %s.t\npartitions: 1\nowner: payments\n' "$P" >"$T/topics/it/t.yaml"
git -C "$T" init -q
git -C "$T" add -A
git -C "$T" -c user.email=it@example.invalid -c user.name=it commit -q -m t
blob=$(git -C "$T" rev-parse HEAD:topics/it/t.yaml)
obj="$T/.git/objects/${blob:0:2}/${blob:2}"
chmod u+w "$obj"
truncate -s $(($(stat -c %s "$obj") / 2)) "$obj"
run timeout 60 "$RECONCILE_BIN" -C "$T" validate --ref HEAD --deadline 2s
expect_rc 1 "a run that would hang ends at the deadline"
expect_out "did not finish within 2s (--deadline)" "and says why"

finish
