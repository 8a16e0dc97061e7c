#!/usr/bin/env bash
# What reconcile reads under topics/, from the working tree and from --ref:
# symbolic links are refused (never followed, their target never read), files
# that are not .yaml/.yml are never read, a YAML file is read only up to
# RC_SOURCE_MAX_FILE_BYTES; and render never writes through a symbolic link.
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"
export RECONCILE_BOOTSTRAP=127.0.0.1:1 # never contacted: validate and render only

LINK_MSG="is a symbolic link; reconcile reads only regular files inside the repository"
OUTSIDE="$WORK/outside"
mkdir -p "$OUTSIDE"
# A YAML file outside the repository whose content must never show up.
cat >"$OUTSIDE/creds.yaml" <<'YAML'
name: outside-topic
partitions: 3
owner: payments
leaked_marker_key: hunter2-outside-content
YAML

# timed_rc ARGS...: reconcile with a 20 s ceiling, the elapsed seconds in $SECS
timed_rc() {
  local t0=$EPOCHREALTIME
  run timeout 20 "$RECONCILE_BIN" -C "$REPO" "$@"
  SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
}
quick() { awk -v s="$SECS" 'BEGIN { exit !(s < 5) }'; }

# rss_kb CMD...: peak RSS in kB of CMD, its exit code in $RC
rss_kb() {
  local f="$WORK/time.out"
  set +e
  /usr/bin/time -o "$f" -f %M "$@" >"$WORK/rss.log" 2>&1
  RC=$?
  set -e
  OUT=$(cat "$WORK/rss.log")
  RSS=$(tail -n 1 "$f")
}

# ---- symbolic links ---------------------------------------------------------
new_repo
declare_topic "$P.orders" 3
ln -s /usr "$REPO/topics/it/usr"                   # a directory outside the repository
ln -s "$OUTSIDE/creds.yaml" "$REPO/topics/it/creds.yaml" # a YAML file outside
ln -s it "$REPO/topics/alias"                      # a directory inside, still refused

for src in worktree ref; do
  args=()
  if [ $src = ref ]; then
    commit "symbolic links"
    args=(--ref HEAD)
  fi
  timed_rc validate "${args[@]}"
  expect_rc 1 "$src: validate refuses symbolic links"
  check "$src: validate is quick with a link to /usr (${SECS}s)" quick
  expect_out "topics/it/usr:0:0: layout: topics/it/usr $LINK_MSG" "$src: link to /usr is named"
  expect_out "topics/it/creds.yaml:0:0: layout: topics/it/creds.yaml $LINK_MSG" \
    "$src: link to an outside YAML file is named"
  expect_out "topics/alias:0:0: layout: topics/alias $LINK_MSG" "$src: link to a directory is named"
  expect_no_out "leaked_marker_key" "$src: the outside file's keys are not printed"
  expect_no_out "hunter2-outside-content" "$src: the outside file's values are not printed"
  expect_no_out "outside-topic" "$src: the outside file's topic is not read"
done

# topics/ itself a symbolic link
new_repo
declare_topic "$P.orders" 3
mv "$REPO/topics" "$REPO/real-topics"
ln -s real-topics "$REPO/topics"
run rc validate
expect_rc 1 "worktree: topics/ a symbolic link"
expect_out "topics $LINK_MSG" "worktree: topics/ as a link is named"
commit "topics is a link"
run rc validate --ref HEAD
expect_rc 1 "ref: topics/ a symbolic link"
expect_out "topics $LINK_MSG" "ref: topics/ as a link is named"

# ---- files that are not YAML, and the size bound -----------------------------
new_repo
declare_topic "$P.orders" 3
echo "# notes" >"$REPO/topics/it/README.md"
head -c 50M /dev/urandom >"$REPO/topics/it/blob.bin" # incompressible: a 50 MB git object
# unreadable: reading it at all would fail
echo secret >"$REPO/topics/it/private.txt"
chmod 000 "$REPO/topics/it/private.txt"

rss_kb "$RECONCILE_BIN" -C "$REPO" validate
expect_rc 0 "worktree: files that are not YAML are skipped"
expect_out "ok: 1 topic in 1 cluster" "worktree: the topic is still read"
check "worktree: a 50 MB non-YAML file is not read (peak RSS ${RSS} kB < 30 MB)" test "$RSS" -lt 30720
chmod 644 "$REPO/topics/it/private.txt"
commit "a big binary"
rss_kb "$RECONCILE_BIN" -C "$REPO" validate --ref HEAD
expect_rc 0 "ref: files that are not YAML are skipped"
expect_out "ok: 1 topic in 1 cluster" "ref: the topic is still read"
check "ref: a 50 MB non-YAML blob is not loaded (peak RSS ${RSS} kB < 30 MB)" test "$RSS" -lt 30720

git -C "$REPO" rm -q --cached topics/it/blob.bin
rm "$REPO/topics/it/blob.bin"
# a YAML file over the 4 MiB bound: 50 MB, so that reading it would show in the RSS
# (about 10 MB when nothing big is read, 60 MB and more when it is)
{
  echo "name: $P.huge"
  echo "partitions: 3"
  echo "owner: payments"
  head -c 50M /dev/zero | tr '\0' '#' | fold -w 100 | sed 's/^/# /'
} >"$REPO/topics/it/huge.yaml"
SIZE_MSG="topics/it/huge.yaml is $(stat -c %s "$REPO/topics/it/huge.yaml") bytes; reconcile reads YAML files up to 4194304 bytes (4 MiB)"
rss_kb "$RECONCILE_BIN" -C "$REPO" validate
expect_rc 1 "worktree: an oversized YAML file is refused"
expect_out "topics/it/huge.yaml:0:0: layout: $SIZE_MSG" "worktree: the size diagnostic names the file and the limit"
check "worktree: the oversized file is not read (peak RSS ${RSS} kB < 30 MB)" test "$RSS" -lt 30720
commit "a huge yaml"
rss_kb "$RECONCILE_BIN" -C "$REPO" validate --ref HEAD
expect_rc 1 "ref: an oversized YAML file is refused"
expect_out "topics/it/huge.yaml:0:0: layout: $SIZE_MSG" "ref: the size diagnostic names the file and the limit"
check "ref: the oversized blob is not loaded (peak RSS ${RSS} kB < 30 MB)" test "$RSS" -lt 30720

# a YAML file of exactly the bound is read
rm "$REPO/topics/it/huge.yaml"
{
  echo "name: $P.big"
  echo "partitions: 3"
  echo "owner: payments"
} >"$REPO/topics/it/big.yaml"
n=$((4194304 - $(stat -c %s "$REPO/topics/it/big.yaml") - 1))
{ head -c "$n" /dev/zero | tr '\0' '#'; echo; } >>"$REPO/topics/it/big.yaml"
check "big.yaml is exactly 4 MiB" test "$(stat -c %s "$REPO/topics/it/big.yaml")" -eq 4194304
run rc validate
expect_rc 0 "worktree: a YAML file of exactly 4 MiB is read"
expect_out "ok: 2 topics in 1 cluster" "worktree: its topic is declared"
commit "a 4 MiB yaml"
run rc validate --ref HEAD
expect_rc 0 "ref: a YAML file of exactly 4 MiB is read"
expect_out "ok: 2 topics in 1 cluster" "ref: its topic is declared"

# ---- render never writes through a symbolic link -------------------------------
new_repo
declare_topic "$P.orders" 3
declare_topic "$P.payments" 3
OUTDIR="$WORK/render-out"
mkdir -p "$OUTDIR/it/dashboards" "$OUTDIR/it/rules"
# dangling links at paths render writes, pointing outside --out
ln -s "$OUTSIDE/victim-dashboard.json" "$OUTDIR/it/dashboards/$P.orders.json"
ln -s "$OUTSIDE/victim-rules.yml" "$OUTDIR/it/rules/topics.rules.yml"
# a link to an existing file outside: neither read nor written
echo "outside, keep me" >"$OUTSIDE/victim-existing.json"
ln -s "$OUTSIDE/victim-existing.json" "$OUTDIR/it/dashboards/$P.payments.json"
run rc render --out "$OUTDIR"
expect_rc 0 "render replaces links at the paths it writes"
check "the dangling dashboard link's target is not created" test ! -e "$OUTSIDE/victim-dashboard.json"
check "the dangling rules link's target is not created" test ! -e "$OUTSIDE/victim-rules.yml"
check "the existing outside file is untouched" grep -qx "outside, keep me" "$OUTSIDE/victim-existing.json"
check "the dashboard is now a regular file" test -f "$OUTDIR/it/dashboards/$P.orders.json" -a ! -L "$OUTDIR/it/dashboards/$P.orders.json"
check "the second dashboard is now a regular file" test ! -L "$OUTDIR/it/dashboards/$P.payments.json"
check "the rules file is now a regular file" test -f "$OUTDIR/it/rules/topics.rules.yml" -a ! -L "$OUTDIR/it/rules/topics.rules.yml"

# a directory render writes into that is a link out of --out: refused
OUTDIR2="$WORK/render-out2"
mkdir -p "$OUTDIR2/it" "$OUTSIDE/dash-dir"
ln -s "$OUTSIDE/dash-dir" "$OUTDIR2/it/dashboards"
run rc render --out "$OUTDIR2"
expect_rc 1 "render refuses a linked output subdirectory"
expect_out "$OUTDIR2/it/dashboards is a symbolic link" "the linked subdirectory is named"
check "nothing was written outside --out" test -z "$(ls -A "$OUTSIDE/dash-dir")"

finish
