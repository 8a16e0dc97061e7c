# Shared helpers for the integration tests. Source it first thing.
# Each test builds its own git repository in a temp dir, declares topics with
# a prefix unique to the test run, and checks what the real broker holds with
# independent witnesses (kcat for metadata, Kafka's own ConfigCommand for
# configs), never with reconcile itself.
set -euo pipefail

: "${RECONCILE_BIN:?RECONCILE_BIN must point at the reconcile binary}"
: "${RECONCILE_SRC:?RECONCILE_SRC must point at the source tree}"
# Tests that need no broker set LIB_NO_KAFKA=1 before sourcing this file.
if [ -z "${LIB_NO_KAFKA:-}" ] && [ -z "${RECONCILE_BOOTSTRAP:-}" ]; then
  RECONCILE_BOOTSTRAP=$("$RECONCILE_SRC/ci/local-kafka.sh" start | tail -n 1)
  export RECONCILE_BOOTSTRAP
fi
B=${RECONCILE_BOOTSTRAP:-}
TEST_NAME=$(basename "$0" .sh)
# Topic names unique per test and run, so tests share one broker safely.
P="it-${TEST_NAME#test_}-$$-$RANDOM"
P=${P//_/-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reconcile-it.XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
export NO_COLOR=1
failures=0
passes=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; passes=$((passes + 1)); }

# check DESCRIPTION COMMAND... : passes when the command succeeds
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

# eventually DESCRIPTION WANT CMD...: metadata reaches every broker a moment
# after a change, so a witness polls (up to 20 s) until CMD prints WANT.
eventually() {
  local d=$1 want=$2 got="" deadline=$((SECONDS + 20))
  shift 2
  while :; do
    got=$("$@" 2>/dev/null || true)
    [ "$got" = "$want" ] && { pass "$d"; return 0; }
    [ $SECONDS -ge $deadline ] && break
    sleep 0.2
  done
  fail "$d: got '$got', want '$want'"
}

# consistently DESCRIPTION WANT CMD...: a "nothing happened" check. A wrong
# delete or create reaches metadata a moment later, so a first poll proves
# nothing: CMD must print WANT at every poll for $CONSISTENTLY_SECONDS (3 s).
CONSISTENTLY_SECONDS=${CONSISTENTLY_SECONDS:-3}
consistently() {
  local d=$1 want=$2 got="" polls=0 now deadline
  now=${EPOCHREALTIME/./}
  deadline=$((now + CONSISTENTLY_SECONDS * 1000000))
  shift 2
  while :; do
    got=$("$@" 2>/dev/null || true)
    polls=$((polls + 1))
    [ "$got" = "$want" ] || { fail "$d: got '$got' at poll $polls, want '$want' throughout ${CONSISTENTLY_SECONDS}s"; return 0; }
    now=${EPOCHREALTIME/./}
    [ "$now" -ge "$deadline" ] && break
    sleep 0.2
  done
  pass "$d (held for ${CONSISTENTLY_SECONDS}s, $polls polls)"
}

# run CMD...: runs CMD capturing stdout+stderr in $OUT and exit code in $RC
run() {
  set +e
  OUT=$("$@" 2>&1)
  RC=$?
  set -e
}

expect_rc() { # expect_rc WANT DESCRIPTION
  if [ "$RC" -eq "$1" ]; then pass "$2 (exit $1)"; else fail "$2: exit $RC, want $1; output:"; echo "$OUT" >&2; fi
}
expect_out() { # expect_out FIXED-STRING DESCRIPTION
  if grep -qF -- "$1" <<<"$OUT"; then pass "$2"; else fail "$2: output lacks '$1'; output:"; echo "$OUT" >&2; fi
}
expect_no_out() {
  if grep -qF -- "$1" <<<"$OUT"; then fail "$2: output has '$1'; output:"; echo "$OUT" >&2; else pass "$2"; fi
}

rc() { "$RECONCILE_BIN" -C "$REPO" "$@"; }

# new_repo: a git repository with a teams file and one cluster "it" pointing at
# the test broker. Extra cluster-file YAML (policy etc.) may be given as $1.
new_repo() {
  REPO="$WORK/repo"
  rm -rf "$REPO"
  mkdir -p "$REPO/topics/it"
  cat >"$REPO/topics/_teams.yaml" <<YAML
teams:
  payments:
    chat: "#payments-alerts"
  search:
    chat: "#search-oncall"
YAML
  cat >"$REPO/topics/it/_cluster.yaml" <<YAML
bootstrap: \${RECONCILE_BOOTSTRAP}
defaults:
  partitions: 3
  replication_factor: 1
${1:-}
YAML
  git -C "$REPO" init -q -b main
  git -C "$REPO" config user.email it@example.invalid
  git -C "$REPO" config user.name "integration test"
}

# declare_topic NAME PARTITIONS [extra YAML lines...]
declare_topic() {
  local name=$1 parts=$2
  shift 2
  {
    echo "name: $name"
    echo "partitions: $parts"
    echo "owner: payments"
    for line in "$@"; do echo "$line"; done
  } >"$REPO/topics/it/$name.yaml"
}

commit() { git -C "$REPO" add -A && git -C "$REPO" commit -q -m "$1"; }

# Witnesses -------------------------------------------------------------------
kafka_cp() { "$RECONCILE_SRC/ci/local-kafka.sh" cp; }

# partitions_of TOPIC: partition count per kcat, or "missing"
partitions_of() {
  kcat -b "$B" -L -t "$1" -J -m 10 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = [t for t in d.get("topics", []) if t["topic"] == sys.argv[1]]
print(len(t[0]["partitions"]) if t and not t[0].get("error") and t[0]["partitions"] else "missing")' "$1"
}

# overrides_of TOPIC: "key=value" lines of the topic's dynamic overrides, sorted
overrides_of() {
  java -cp "$(kafka_cp)" kafka.admin.ConfigCommand --bootstrap-server "$B" \
    --entity-type topics --entity-name "$1" --describe 2>/dev/null |
    sed -n 's/^  \([a-z.]*\)=\([^ ]*\) sensitive.*/\1=\2/p' | sort
}

# override_of TOPIC KEY: the value of one dynamic override, empty when unset.
# On a cluster of several brokers, a config change reaches the broker a witness
# asks a moment after the one that took it: poll with `eventually`.
override_of() { overrides_of "$1" | sed -n "s/^$2=//p"; }

# set_override TOPIC key=value[,key=value...]: set behind reconcile's back,
# and wait until a describe shows it (the broker applies the controller's
# record a moment after the alter returns; a plan run at once may not see it
# yet). One alter sets every key at once: the last one is waited for.
set_override() {
  java -cp "$(kafka_cp)" kafka.admin.ConfigCommand --bootstrap-server "$B" \
    --entity-type topics --entity-name "$1" --alter --add-config "$2" >/dev/null
  local last=${2##*,}
  eventually "$1: $2 set behind reconcile's back" "${last#*=}" override_of "$1" "${last%%=*}"
}

create_topic_directly() { # create_topic_directly TOPIC PARTITIONS
  java -cp "$(kafka_cp)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$B" \
    --create --topic "$1" --partitions "$2" --replication-factor 1 >/dev/null
}

# gdb_run GDB-ARGS...: gdb in batch mode with a deadline, to stop reconcile at
# an exact point (a breakpoint) and make a fault or another writer happen
# there. LeakSanitizer cannot run under ptrace, so the ASan build checks
# leaks everywhere but in these runs.
gdb_run() {
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    timeout 300 gdb -q -batch -nx -ex 'set pagination off' "$@"
}

# kafka_acls ARGS...: Kafka's own AclCommand as the super user (PLAINTEXT
# listener), e.g. kafka_acls --add --allow-principal User:noacl --operation
# Describe --topic T. The SASL listener's user "noacl" has no ACLs unless a
# test grants some; a test that does removes them on exit.
kafka_acls() {
  java -cp "$(kafka_cp)" kafka.admin.AclCommand --bootstrap-server "$B" --force "$@" >/dev/null
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
