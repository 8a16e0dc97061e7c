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

finish
