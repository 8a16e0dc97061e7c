#!/usr/bin/env bash
# reconcile publish against a Grafana-like HTTP server (tests/tools/fake_grafana.py,
# which records every request) and a real Prometheus (Debian's 2.42) on
# loopback: dashboards are created, then unchanged, then updated; 401, 412 and
# "500 then OK" are reported or retried; a catch-all answering 200 HTML fails
# instead of passing for success; a dry run sends nothing; Prometheus
# reloads the rendered rules and lists them through its API.
# Needs no Kafka: it does not source lib.sh.
set -euo pipefail

: "${RECONCILE_BIN:?RECONCILE_BIN must point at the reconcile binary}"
: "${RECONCILE_SRC:?RECONCILE_SRC must point at the source tree}"
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
for cmd in render publish; do
  if ! "$RECONCILE_BIN" "$cmd" --help >/dev/null 2>&1; then
    echo "FAIL: '$RECONCILE_BIN $cmd --help' fails: this build has no '$cmd' command" >&2
    exit 1
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reconcile-publish.XXXXXX")
GRAFANA_PID=""
PROM_PID=""
cleanup() {
  for pid in $GRAFANA_PID $PROM_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
export NO_COLOR=1
# loopback must never go through a proxy from the environment
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

failures=0
passes=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; passes=$((passes + 1)); }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
run() { set +e; OUT=$("$@" 2>&1); RC=$?; set -e; }
expect_rc() {
  if [ "$RC" -eq "$1" ]; then pass "$2 (exit $1)"; else fail "$2: exit $RC, want $1; output:"; echo "$OUT" >&2; fi
}
expect_out() {
  if grep -qF -- "$1" <<<"$OUT"; then pass "$2"; else fail "$2: output lacks '$1'; output:"; echo "$OUT" >&2; fi
}
expect_no_out() {
  if grep -qF -- "$1" <<<"$OUT"; then fail "$2: output has '$1'; output:"; echo "$OUT" >&2; else pass "$2"; fi
}
expect_eq() { # expect_eq GOT WANT DESCRIPTION
  if [ "$1" = "$2" ]; then pass "$3"; else fail "$3: got '$1', want '$2'"; fi
}

# wait_until DESCRIPTION SECONDS CMD...: poll CMD until it succeeds
wait_until() {
  local d=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "FAIL: timed out waiting for $d" >&2
      exit 1
    fi
    sleep 0.1
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- fake Grafana -------------------------------------------------------------
export FAKE_GRAFANA_RECORD=$WORK/grafana-requests.jsonl
export FAKE_GRAFANA_CONTROL=$WORK/grafana-mode
export FAKE_GRAFANA_TOKEN="glsa_test_$$_$RANDOM"
: >"$FAKE_GRAFANA_RECORD"
python3 "$RECONCILE_SRC/tests/tools/fake_grafana.py" >"$WORK/grafana.port" 2>"$WORK/grafana.log" &
GRAFANA_PID=$!
wait_until "the fake Grafana's port" 20 test -s "$WORK/grafana.port"
GRAFANA_PORT=$(head -n 1 "$WORK/grafana.port")
wait_until "the fake Grafana to answer" 20 curl -sf "http://127.0.0.1:$GRAFANA_PORT/api/health"
grafana_mode() { echo "$1" >"$FAKE_GRAFANA_CONTROL"; }

# requests recorded since the last mark, health checks left out, as JSON lines
MARK=0
mark() { MARK=$(wc -l <"$FAKE_GRAFANA_RECORD"); }
recorded() { tail -n "+$((MARK + 1))" "$FAKE_GRAFANA_RECORD" | grep -v '"/api/health"' || true; }
# count_recorded METHOD PATH-PREFIX
count_recorded() {
  recorded | python3 -c '
import json, sys
m, p = sys.argv[1], sys.argv[2]
print(sum(1 for l in sys.stdin if l.strip() and json.loads(l)["method"] == m
          and json.loads(l)["path"].startswith(p)))' "$1" "$2"
}

# ---- real Prometheus ---------------------------------------------------------
mkdir -p "$WORK/prom-rules" "$WORK/tsdb"
cat >"$WORK/prometheus.yml" <<YAML
global:
  evaluation_interval: 1m
rule_files:
  - $WORK/prom-rules/*.yml
YAML
start_prometheus() {
  local _
  for _ in 1 2 3; do
    PROM_PORT=$(free_port)
    "$PROMETHEUS" --config.file="$WORK/prometheus.yml" --web.listen-address="127.0.0.1:$PROM_PORT" \
      --storage.tsdb.path="$WORK/tsdb" --web.enable-lifecycle >"$WORK/prometheus.log" 2>&1 &
    PROM_PID=$!
    local deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
      curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null 2>&1 && return 0
      kill -0 "$PROM_PID" 2>/dev/null || break # exited: port taken by someone else
      sleep 0.1
    done
    kill "$PROM_PID" 2>/dev/null || true
    wait "$PROM_PID" 2>/dev/null || true
    PROM_PID=""
  done
  echo "FAIL: Prometheus did not start; its log:" >&2
  cat "$WORK/prometheus.log" >&2
  exit 1
}
start_prometheus
# loaded_groups: "name<TAB>file" lines of the rule groups Prometheus reports
loaded_groups() {
  curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/rules" | python3 -c '
import json, sys
for g in json.load(sys.stdin)["data"]["groups"]:
    print(g["name"] + "\t" + g["file"])'
}

# ---- the repository --------------------------------------------------------------
REPO=$WORK/repo
cp -r "$RECONCILE_SRC/tests/fixtures/publish" "$REPO"
git -C "$REPO" init -q -b main
git -C "$REPO" config user.email it@example.invalid
git -C "$REPO" config user.name "integration test"
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "publish fixture"

export GRAFANA_URL=http://127.0.0.1:$GRAFANA_PORT
export PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT
export GRAFANA_TOKEN=$FAKE_GRAFANA_TOKEN
rc() { "$RECONCILE_BIN" -C "$REPO" "$@"; }

OUTDIR=$WORK/out
run rc render --out "$OUTDIR"
expect_rc 0 "render"
mapfile -t DASHBOARDS < <(find "$OUTDIR/pub/dashboards" -name '*.json' | sort)
expect_eq "${#DASHBOARDS[@]}" 2 "one dashboard per topic"
# The rendered rule files go where Prometheus reads rules, as a deployment
# would sync them. Prometheus does not notice new files by itself: only the
# reload that publish asks for makes it load them.
mapfile -t RULE_FILES < <(grep -rlE --include='*.yml' --include='*.yaml' '^groups:' "$OUTDIR" | sort)
check "rendered rule files found" test "${#RULE_FILES[@]}" -ge 1
for f in "${RULE_FILES[@]}"; do
  cp "$f" "$WORK/prom-rules/$(basename "${f%.*}").yml"
done
expect_eq "$(loaded_groups | wc -l)" 0 "Prometheus has no rule group before publish"
dash_uid() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d.get("dashboard", d)["uid"])' "$1"; }
UID_A=$(dash_uid "${DASHBOARDS[0]}")
UID_B=$(dash_uid "${DASHBOARDS[1]}")

# ---- dry run: nothing is sent ------------------------------------------------
mark
run rc publish --out "$OUTDIR" --dry-run
expect_rc 0 "publish --dry-run"
expect_out "dry run" "the dry run says so"
expect_out "POST $GRAFANA_URL/api/dashboards/db" "the dry run shows the dashboard POST"
expect_out "uid=$UID_A" "the dry run names the dashboard uid"
expect_out "POST $PROMETHEUS_URL/-/reload" "the dry run shows the reload"
expect_no_out "$FAKE_GRAFANA_TOKEN" "the dry run does not print the token"
expect_eq "$(recorded | wc -l)" 0 "the dry run sent nothing to Grafana"
expect_eq "$(loaded_groups | wc -l)" 0 "the dry run did not reload Prometheus"

# ---- first publish: folder and dashboards created, rules loaded -------------------
mark
run rc publish --out "$OUTDIR"
expect_rc 0 "publish"
expect_out "2 created, 0 updated, 0 unchanged, 0 failed" "summary: two dashboards created"
expect_no_out "$FAKE_GRAFANA_TOKEN" "publish does not print the token"
expect_eq "$(count_recorded POST /api/folders)" 1 "the folder was created"
expect_eq "$(count_recorded POST /api/dashboards/db)" 2 "two dashboards were posted"
if recorded | python3 -c '
import json, sys
token, uids = sys.argv[1], set(sys.argv[2:])
reqs = [json.loads(l) for l in sys.stdin if l.strip()]
bad = []
for r in reqs:
    if r["headers"].get("Authorization") != "Bearer " + token:
        bad.append("no bearer token on %s %s" % (r["method"], r["path"]))
folder = [r["body"] for r in reqs if r["method"] == "POST" and r["path"] == "/api/folders"][0]
if folder != {"uid": "reconcile-pub", "title": "Kafka topics (publish test)"}:
    bad.append("folder body %r" % folder)
posted = set()
for r in reqs:
    if r["method"] == "POST" and r["path"] == "/api/dashboards/db":
        b = r["body"]
        if b.get("overwrite") is not True: bad.append("overwrite is not true")
        if b.get("folderUid") != "reconcile-pub": bad.append("folderUid %r" % b.get("folderUid"))
        if b["dashboard"].get("id", 0) is not None: bad.append("dashboard id is not null")
        if not b.get("message", "").startswith("reconcile "): bad.append("message %r" % b.get("message"))
        posted.add(b["dashboard"]["uid"])
if posted != uids: bad.append("posted uids %r, want %r" % (posted, uids))
print("\n".join(bad))
sys.exit(1 if bad else 0)
' "$FAKE_GRAFANA_TOKEN" "$UID_A" "$UID_B" >"$WORK/check.out"; then
  pass "requests carry the token, overwrite, folderUid and the uids"
else
  fail "recorded requests: $(cat "$WORK/check.out")"
fi
# publish sends what render wrote: each posted dashboard is its file (id
# null), the Clients row of the cluster's client_metrics included
if recorded | python3 -c '
import json, sys
posted = {}
for l in sys.stdin:
    r = json.loads(l) if l.strip() else {}
    if r.get("method") == "POST" and r.get("path") == "/api/dashboards/db":
        posted[r["body"]["dashboard"]["uid"]] = r["body"]["dashboard"]
bad = []
for path in sys.argv[1:]:
    d = json.load(open(path))
    d = d.get("dashboard", d)
    d["id"] = None
    if posted.get(d["uid"]) != d:
        bad.append("the dashboard posted for %s is not %s" % (d["uid"], path))
    rows = [p for p in posted.get(d["uid"], {}).get("panels", []) if p.get("type") == "row"]
    if [p.get("title") for p in rows] != ["Clients"]:
        bad.append("%s: no Clients row was posted" % path)
print("\n".join(bad))
sys.exit(1 if bad else 0)
' "${DASHBOARDS[@]}" >"$WORK/check.out"; then
  pass "the posted dashboards are the rendered files, Clients row included"
else
  fail "posted dashboards: $(cat "$WORK/check.out")"
fi

# Prometheus now reports the rendered groups, from the files we gave it
loaded_groups >"$WORK/groups.txt"
check "Prometheus loaded rule groups after publish" test -s "$WORK/groups.txt"
for f in "${RULE_FILES[@]}"; do
  check "groups of $(basename "$f") are loaded" grep -qF "$WORK/prom-rules/$(basename "${f%.*}").yml" "$WORK/groups.txt"
done
NGROUPS=$(wc -l <"$WORK/groups.txt")
expect_out "prometheus reloaded, $NGROUPS of $NGROUPS rule groups loaded" "publish reports the loaded groups"

# ---- again: nothing changed, nothing posted ---------------------------------------
mark
run rc publish --out "$OUTDIR"
expect_rc 0 "second publish"
expect_out "0 created, 0 updated, 2 unchanged, 0 failed" "summary: all unchanged"
expect_eq "$(count_recorded POST /api/dashboards/db)" 0 "unchanged dashboards are not posted"
expect_eq "$(count_recorded POST /api/folders)" 0 "the folder is not created twice"

# ---- no token: a clear error, nothing sent to Grafana ---------------------------
mark
run env -u GRAFANA_TOKEN "$RECONCILE_BIN" -C "$REPO" publish --out "$OUTDIR"
expect_rc 1 "publish without a token"
expect_out "GRAFANA_TOKEN" "the error names the variable"
expect_eq "$(recorded | wc -l)" 0 "nothing was sent to Grafana without a token"

# edit_dashboard FILE: a change the next publish must send
edit_dashboard() {
  python3 -c '
import json, sys
p = sys.argv[1]
d = json.load(open(p))
dash = d.get("dashboard", d)
dash["description"] = (dash.get("description") or "") + " edited"
json.dump(d, open(p, "w"), indent=2)' "$1"
}

# ---- a changed dashboard is updated --------------------------------------------------
edit_dashboard "${DASHBOARDS[0]}"
mark
run rc publish --out "$OUTDIR"
expect_rc 0 "publish after a change"
expect_out "0 created, 1 updated, 1 unchanged, 0 failed" "summary: one updated"
expect_out "updated   dashboard $UID_A" "the updated dashboard is named"
expect_eq "$(count_recorded POST /api/dashboards/db)" 1 "only the changed dashboard is posted"

# ---- 500 once, then OK: retried --------------------------------------------------------
edit_dashboard "${DASHBOARDS[0]}"
grafana_mode 500once
mark
run rc publish --out "$OUTDIR" --retry-delay 10ms
expect_rc 0 "publish through a 500"
expect_out "1 updated" "the dashboard is updated after the retry"
expect_eq "$(count_recorded POST /api/dashboards/db)" 2 "the POST was sent twice (500, then 200)"

# ---- 412 version-mismatch: reported, exit 1 ---------------------------------------------
edit_dashboard "${DASHBOARDS[1]}"
grafana_mode 412
mark
run rc publish --out "$OUTDIR"
expect_rc 1 "publish refused with 412"
expect_out "HTTP 412 version-mismatch" "the 412 is reported with Grafana's status"
expect_out "changed by someone else" "Grafana's message is shown"
expect_out "$UID_B" "the failed dashboard is named"
expect_out "1 failed" "summary counts the failure"
expect_eq "$(count_recorded POST /api/dashboards/db)" 1 "a 412 is not retried"

# ---- 401: a clear error, not retried ------------------------------------------------------
grafana_mode ok
mark
run env GRAFANA_TOKEN=not-the-token "$RECONCILE_BIN" -C "$REPO" publish --out "$OUTDIR"
expect_rc 1 "publish with a refused token"
expect_out "HTTP 401" "the 401 is reported"
expect_out "invalid API key" "Grafana's message is shown"
expect_no_out "not-the-token" "the refused token is not printed"
expect_eq "$(recorded | wc -l)" 1 "a 401 is not retried and stops the Grafana part"

# ---- Grafana unreachable: retried, then a failure naming the URL ---------------------------
closed=$(free_port)
mark
run env GRAFANA_URL="http://127.0.0.1:$closed" "$RECONCILE_BIN" -C "$REPO" publish --out "$OUTDIR" --retry-delay 10ms
expect_rc 1 "publish to an unreachable Grafana"
expect_out "127.0.0.1:$closed" "the error names the address"
expect_out "attempts" "the error says it retried"

# ---- a catch-all that answers 200 HTML to everything: nothing published, exit 1 -----------
# (a proxy or SSO login page in front of Grafana). Prometheus is the real one
# here, so the exit status is Grafana's alone.
edit_dashboard "${DASHBOARDS[0]}"
grafana_mode html
mark
run rc publish --out "$OUTDIR" --retry-delay 10ms
expect_rc 1 "publish to a catch-all HTML page"
expect_out "0 created, 0 updated, 0 unchanged, 2 failed" "summary: both dashboards failed"
expect_no_out "folder \"Kafka topics (publish test)\" (uid reconcile-pub) found" "the folder is not reported found"
expect_out "GET /api/folders/reconcile-pub: HTTP 200 text/html" "the error names the path, status and Content-Type"
expect_out "does not look like Grafana's API" "the error says it is not Grafana"
expect_out "2 dashboards not published" "the error says nothing was published"
expect_out "prometheus reloaded, $NGROUPS of $NGROUPS rule groups loaded" "the real Prometheus is still reloaded"
expect_no_out "$FAKE_GRAFANA_TOKEN" "the token is not printed"
expect_eq "$(count_recorded GET /api/folders/)" 1 "a 200 HTML answer is not retried"
expect_eq "$(count_recorded POST /api/dashboards/db)" 0 "no dashboard is posted after the folder failed"

# the same page in front of Prometheus: its /-/reload and /api/v1/rules
mark
run env PROMETHEUS_URL="$GRAFANA_URL" "$RECONCILE_BIN" -C "$REPO" publish --out "$OUTDIR" --retry-delay 10ms
expect_rc 1 "publish with Prometheus behind a catch-all HTML page"
expect_out "POST /-/reload: HTTP 200 text/html" "the reload error names the path, status and Content-Type"
expect_out "does not look like Prometheus's API" "the reload error says it is not Prometheus"
expect_out "prometheus not reloaded" "summary: Prometheus not reloaded"
expect_eq "$(count_recorded GET /api/v1/rules)" 0 "the rules are not listed after a failed reload"
grafana_mode ok

# ---- the fixed dashboard goes through once Grafana accepts again --------------------------------
mark
run rc publish --out "$OUTDIR"
expect_rc 0 "publish after the failures"
expect_out "0 created, 2 updated, 0 unchanged, 0 failed" "the dashboards refused by 412 and by the catch-all are now updated"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
