#!/usr/bin/env bash
# Failures a user meets: unreachable cluster, missing env, bad -X, usage errors.
. "$(dirname "$0")/lib.sh"

new_repo
declare_topic "$P.t" 1
commit "one topic"

# unreachable cluster: one line naming the cluster and the cause, exit 1, fast
export UNREACHABLE=127.0.0.1:1
sed -i 's/RECONCILE_BOOTSTRAP/UNREACHABLE/' "$REPO/topics/it/_cluster.yaml"
run rc plan --cluster it --timeout 5s
expect_rc 1 "unreachable cluster"
expect_out "cluster it" "error names the cluster"
check "error is one line, not a log dump" test "$(grep -c . <<<"$OUT")" -le 3
sed -i 's/UNREACHABLE/RECONCILE_BOOTSTRAP/' "$REPO/topics/it/_cluster.yaml"

# environment variable missing
sed -i 's/RECONCILE_BOOTSTRAP/RECONCILE_NO_SUCH_VAR/' "$REPO/topics/it/_cluster.yaml"
run rc plan --cluster it
expect_rc 1 "unset environment variable"
expect_out "RECONCILE_NO_SUCH_VAR is not set" "names the variable"
sed -i 's/RECONCILE_NO_SUCH_VAR/RECONCILE_BOOTSTRAP/' "$REPO/topics/it/_cluster.yaml"

# a secret given through the environment never appears, even in errors
export IT_SECRET="s3cr3t-$$-value"
cat >>"$REPO/topics/it/_cluster.yaml" <<'YAML'
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: nobody
  sasl.password: ${IT_SECRET}
YAML
run rc plan --cluster it --timeout 5s -v
expect_rc 1 "SASL against a plaintext listener fails"
expect_no_out "$IT_SECRET" "the password is not printed"
run rc plan --cluster it -X sasl.mechanisms=NO-SUCH-MECH --timeout 5s
expect_rc 1 "invalid -X value"
expect_no_out "$IT_SECRET" "the password is not printed on a config error"

# real authentication against the broker's SASL/PLAIN listener
SASL=$("$RECONCILE_SRC/ci/local-kafka.sh" sasl-bootstrap)
export IT_SASL_BOOTSTRAP=$SASL IT_SASL_PASSWORD="wrong-$$-password"
cat >"$REPO/topics/it/_cluster.yaml" <<'YAML'
bootstrap: ${IT_SASL_BOOTSTRAP}
defaults:
  partitions: 1
  replication_factor: 1
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: reconcile
  sasl.password: ${IT_SASL_PASSWORD}
YAML
run rc plan --cluster it --timeout 10s
expect_rc 1 "wrong password"
expect_out "cluster it" "the error names the cluster"
expect_out "authentication failed" "the error names the cause"
expect_no_out "$IT_SASL_PASSWORD" "the wrong password is not printed"
check "one line, not a log dump" test "$(grep -c . <<<"$OUT")" -le 2
IT_SASL_PASSWORD=${RECONCILE_KAFKA_SASL_PASSWORD:-reconcile-secret}
run rc apply --cluster it -v
expect_rc 0 "the right password works (apply over SASL)"
expect_out "+ created $P.t" "the topic was created over SASL"
expect_no_out "$IT_SASL_PASSWORD" "the password is not printed, even with -v"

# authorisation denied: a principal without ACLs (the StandardAuthorizer of
# the local broker denies user "noacl" everything)
sed -i 's/sasl.username: reconcile/sasl.username: noacl/' "$REPO/topics/it/_cluster.yaml"
IT_SASL_PASSWORD=noacl-secret
declare_topic "$P.denied" 1
run rc apply --cluster it --timeout 10s
expect_rc 1 "apply without the ACL"
expect_out "! refused $P.denied" "the topic it may not even Describe is refused by name"
expect_out "grant the principal Describe on the topic" "with the missing permission"
consistently "nothing was created" missing partitions_of "$P.denied"
rm "$REPO/topics/it/$P.denied.yaml"

# a pinned cluster id that does not match: refused before anything is read
cat >"$REPO/topics/it/_cluster.yaml" <<'YAML'
bootstrap: ${RECONCILE_BOOTSTRAP}
cluster_id: AAAAAAAAAAAAAAAAAAAAAA
defaults:
  partitions: 1
  replication_factor: 1
YAML
declare_topic "$P.pinned" 1
run rc apply --cluster it
expect_rc 1 "a different cluster than the pinned one"
expect_out "pins AAAAAAAAAAAAAAAAAAAAAA" "the error names the pin"
consistently "nothing was created on the wrong cluster" missing partitions_of "$P.pinned"
rm "$REPO/topics/it/$P.pinned.yaml"

# usage errors exit 64
run rc plan --no-such-option
expect_rc 64 "unknown option"
run rc frobnicate
expect_rc 64 "unknown command"
run rc plan --format yaml
expect_rc 64 "unknown format"
run rc validate --prune
expect_rc 64 "--prune outside apply"
# an option given to a command it does not belong to is a usage error
# whatever its value (presence, not value: --retry-delay 0s was accepted)
for misplaced in "validate --retry-delay 0s" "plan --retry-delay 0ms" "validate --dry-run" \
  "render --dry-run --out $WORK/o" "apply --base HEAD" "validate --detailed-exitcode" \
  "plan --out $WORK/o" "diff --base HEAD --prune" "publish --out $WORK/o --prune"; do
  # shellcheck disable=SC2086 # word splitting intended
  run rc $misplaced
  expect_rc 64 "misplaced option: $misplaced"
  expect_out "belongs to" "misplaced option: $misplaced: says where it belongs"
done
run rc -X novalue plan
expect_rc 64 "-X without ="
run rc plan --cluster nope
expect_rc 1 "unknown cluster name"
expect_out "no cluster named 'nope'" "unknown cluster is named"

# --help is on every command and exits 0
for cmd in validate plan apply; do
  run "$RECONCILE_BIN" "$cmd" --help
  expect_rc 0 "$cmd --help"
  expect_out "usage: reconcile $cmd" "$cmd --help shows its usage"
done
# plan --help tells the truth about formats: github and markdown need --base
run "$RECONCILE_BIN" plan --help
expect_out "with --base REV: text, markdown, github" "plan --help: markdown and github go with --base"
run rc plan --format github
expect_rc 64 "plan --format github without --base, as the help says"
# the help is generated from the command table; the README's option list
# must name every option that help shows
for cmd in "" validate plan apply diff render publish; do
  # shellcheck disable=SC2086 # an empty command is the program's help
  for opt in $("$RECONCILE_BIN" $cmd --help | grep -o -- '^ *\(-., \)\?--[a-z-]*' | grep -o -- '--[a-z-]*'); do
    check "the README documents $opt (${cmd:-reconcile} --help lists it)" grep -qF -- "\`$opt" "$RECONCILE_SRC/README.md"
  done
done
run "$RECONCILE_BIN" --version
expect_rc 0 "--version"

finish
