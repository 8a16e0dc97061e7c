#!/usr/bin/env bash
# Hostile or broken declarations through the real binary: they fail with a
# positioned diagnostic, and nothing they carry reaches the links reconcile
# writes.
LIB_NO_KAFKA=1
. "$(dirname "$0")/lib.sh"

# ---- URLs end up in alert annotations and dashboard links ------------------
new_repo 'repository_url: javascript:alert(1)
monitoring:
  grafana_url: "https://grafana.example.com\"><script>x</script>"
  prometheus_url: http://'
declare_topic "$P.u" 1
run rc validate
expect_rc 1 "non-http URLs fail validate"
expect_out "topics/it/_cluster.yaml:5:17: url: repository_url: not an absolute http:// or https:// URL: the scheme must be http:// or https://" \
  "repository_url javascript: is refused at its position"
expect_out "topics/it/_cluster.yaml:7:16: url: monitoring.grafana_url: not an absolute http:// or https:// URL: it contains a quote" \
  "grafana_url with markup is refused"
expect_out "topics/it/_cluster.yaml:8:19: url: monitoring.prometheus_url: not an absolute http:// or https:// URL: it has no host" \
  "prometheus_url without a host is refused"

# A reference passes validate and is checked once expanded: render writes
# nothing from a javascript: repository link.
new_repo 'repository_url: ${REPO_URL}
monitoring:
  grafana_url: ${GRAFANA_URL:-}'
declare_topic "$P.u" 1
run rc validate
expect_rc 0 "URL references pass validate"
export REPO_URL='javascript:alert(1)'
run rc render --out "$WORK/out"
expect_rc 1 "render refuses an expanded javascript: repository_url"
expect_out "cluster it: repository_url in topics/it/_cluster.yaml: once expanded, not an absolute http:// or https:// URL: the scheme must be http:// or https://" \
  "says which field and why"
expect_no_out "alert(1)" "the expanded value is not echoed"
check "nothing rendered" test ! -e "$WORK/out/it"
export REPO_URL=https://git.example.com/platform/topics GRAFANA_URL='https://grafana.example.com/<b>'
run rc render --out "$WORK/out"
expect_rc 1 "render refuses an expanded grafana_url with markup"
expect_out "monitoring.grafana_url in topics/it/_cluster.yaml: once expanded, not an absolute http:// or https:// URL: it contains an angle bracket" \
  "names grafana_url"
unset GRAFANA_URL
run rc render --out "$WORK/out"
expect_rc 0 "an unset grafana_url (empty default) still renders"
check "the repository link is in the rendered alerts" grep -rqF "https://git.example.com/platform/topics" "$WORK/out/it"
unset REPO_URL

# ---- names from the repository never reach the terminal raw -----------------
# A file name holding ESC and CR could erase the line and print a fake one
# ("ok" in red here); every text output shows such bytes as \x1b and \r.
raw_controls() { LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$OUT"; }
new_repo
declare_topic "$P.base" 1
commit "base"
evil=$'ev\e[2K\rok\e[31m'
printf 'name: %s.evil\nowner: nobody\n' "$P" >"$REPO/topics/it/$evil.yaml"
# YAML escapes put the same bytes into a topic name and a config value
printf 'name: "%s.n\\e[2J\\r"\nowner: payments\nconfig: {cleanup.policy: "x\\e]0;t\\a"}\n' "$P" \
  >"$REPO/topics/it/$P.names.yaml"
commit "evil names"
check "git holds the file name with its ESC and CR" \
  bash -c 'git -C "$1" ls-files -z | tr "\0" "\n" | grep -q $'"'"'\r'"'"'' _ "$REPO"
run rc validate
expect_rc 1 "validate reports the bad declarations"
if raw_controls; then fail "validate prints raw control bytes"; else pass "validate prints no raw control byte"; fi
expect_out 'topics/it/ev\x1b[2K\rok\x1b[31m.yaml:2:8: unknown-team:' "validate shows the file name escaped"
expect_out "topic name \"$P.n\\x1b[2J\\r\" contains byte 0x1B" "a topic name is escaped in its message"
run rc diff --base HEAD~1
expect_rc 1 "diff --base reports the bad declarations"
if raw_controls; then fail "diff --base prints raw control bytes"; else pass "diff --base prints no raw control byte"; fi
expect_out 'A topics/it/ev\x1b[2K\rok\x1b[31m.yaml' "diff --base lists the added file escaped"
expect_out 'topics/it/ev\x1b[2K\rok\x1b[31m.yaml:2:8: unknown-team:' "diff --base diagnostics are escaped"
# once the declarations are valid, the changed topic's file and values print escaped too
printf 'name: %s.evil\nowner: payments\ndescription: "a\\e[8mb"\n' "$P" >"$REPO/topics/it/$evil.yaml"
rm "$REPO/topics/it/$P.names.yaml"
commit "valid, but still an evil file name"
run rc diff --base HEAD~2
expect_rc 0 "diff --base of valid declarations"
if raw_controls; then fail "diff --base prints raw control bytes"; else pass "diff --base of a valid change prints no raw control byte"; fi
expect_out "+ added    $P.evil (owner payments)" "the added topic is listed"
expect_out 'topics/it/ev\x1b[2K\rok\x1b[31m.yaml' "its file is shown escaped"

finish
