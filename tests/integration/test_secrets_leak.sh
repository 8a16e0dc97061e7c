#!/usr/bin/env bash
# Secrets never appear in any output, tried the way an attacker would: every
# command, every format, every verbosity, with a wrong password on the real
# SASL listener and with the broker unreachable, with secrets that are
# prefixes, suffixes and substrings of each other. All of stdout and stderr
# is searched for every secret and for every substring of four or more bytes
# of each.
source "$(dirname "$0")/lib.sh"

SASL=$("$RECONCILE_SRC/ci/local-kafka.sh" sasl-bootstrap)
# The username is a prefix of the password, the token a suffix of it, and the
# token holds the -X value: masking in registration order leaked the rest.
export IT_USER='Qzxv-ord'
export IT_PASS='Qzxv-ord-S3cr3tWq!x'
export GRAFANA_TOKEN='S3cr3tWq!x'
IT_XPASS='Wq!xJj'
secrets=("$IT_USER" "$IT_PASS" "$GRAFANA_TOKEN" "$IT_XPASS")

new_repo
cat >"$REPO/topics/it/_cluster.yaml" <<'YAML'
bootstrap: ${IT_BOOTSTRAP}
defaults:
  partitions: 1
  replication_factor: 1
client:
  security.protocol: SASL_PLAINTEXT
  sasl.mechanisms: PLAIN
  sasl.username: ${IT_USER}
  sasl.password: ${IT_PASS}
monitoring:
  metric_source: kafka_exporter
  prometheus_url: http://127.0.0.1:1
  grafana_url: http://127.0.0.1:1
YAML
declare_topic "$P.a" 1
commit base
declare_topic "$P.b" 2
commit head
BASE=$(git -C "$REPO" rev-parse HEAD~1)

# leaks_in TEXT: prints the first secret piece (>= 4 bytes) found in TEXT
leaks_in() {
  local text=$1 s i len
  for s in "${secrets[@]}"; do
    for ((len = ${#s}; len >= 4; len--)); do
      for ((i = 0; i + len <= ${#s}; i++)); do
        if grep -qF -- "${s:i:len}" <<<"$text"; then
          echo "${s:i:len}"
          return 0
        fi
      done
    done
  done
  return 1
}

runs=0
probe() { # probe LABEL ARGS...: run reconcile, fail if any piece of a secret shows
  local label=$1
  shift
  run rc "$@"
  runs=$((runs + 1))
  local piece
  if piece=$(leaks_in "$OUT"); then
    fail "$label: '$piece' (a piece of a secret) was printed:"
    echo "$OUT" >&2
  fi
}

for where in wrong-password unreachable; do
  if [ "$where" = unreachable ]; then export IT_BOOTSTRAP=127.0.0.1:1; else export IT_BOOTSTRAP=$SASL; fi
  probe "$where validate -q" validate -q
  probe "$where plan -q" plan -q --timeout 2s
  # -q prints a subset of the default; the default and -v print everything
  for verbosity in "" -v; do
    v=(${verbosity:+"$verbosity"})
    probe "$where validate $verbosity" validate "${v[@]}"
    for fmt in text json markdown; do
      probe "$where plan $fmt $verbosity" plan --timeout 2s --format "$fmt" "${v[@]}" \
        -X "sasl.oauthbearer.config=principal=$IT_XPASS"
    done
    for fmt in text json; do
      probe "$where apply $fmt $verbosity" apply --timeout 2s --format "$fmt" "${v[@]}"
    done
    for fmt in text markdown github; do
      probe "$where diff $fmt $verbosity" diff --base "$BASE" --format "$fmt" "${v[@]}"
    done
    probe "$where plan --base markdown $verbosity" plan --timeout 2s --base "$BASE" --format markdown "${v[@]}"
    for fmt in text json openmetrics; do
      probe "$where lag $fmt $verbosity" lag --timeout 2s --format "$fmt" "${v[@]}"
    done
    for fmt in text json; do
      probe "$where import $fmt $verbosity" import --timeout 2s --dry-run --format "$fmt" "${v[@]}"
    done
    probe "$where render $verbosity" render --out "$WORK/out" "${v[@]}"
    probe "$where publish --dry-run $verbosity" publish --out "$WORK/out" --dry-run "${v[@]}"
    probe "$where publish $verbosity" publish --out "$WORK/out" --timeout 1s --retry-delay 0s "${v[@]}"
  done
done
# -X whose value lacks its key: the usage error must not echo it
probe "-X without '='" plan -X "$IT_PASS"
expect_rc 64 "-X without '=' is a usage error"
check "$runs runs, none printed a piece of a secret" test "$failures" -eq 0

finish
