/* alerts.h — Prometheus rule files for declared topics.
 *
 * One rule file per cluster, one rule group per topic, named
 * "reconcile/<cluster>/<topic>". What the rules look like, and which metrics
 * and labels they query, is data: the metric-source profile
 * alert-templates/<metric_source>.yaml (format in alert-templates/README.md).
 * This module only computes per-topic and per-group variables, expands the
 * profile's rule shapes with tmpl.h and appends them:
 *
 *   topic with declared consumers   per group: the high-lag rule (shape
 *                                   `group`) and the absent rule; the group is
 *                                   a literal in the expression and the labels
 *   topic without consumers         one high-lag rule (shape `all_groups`)
 *                                   that aggregates by group, so each group
 *                                   seen in the metrics alerts on its own; no
 *                                   absent rule (no group is known)
 *   alerts.skew: true               the skew rule
 *
 * Lag threshold (first that applies):
 *   1. the topic declares an offset threshold (`lag.max: 5000`) and the
 *      profile has offset-lag rules: offset rule with that threshold;
 *   2. the profile has time-lag rules: time rule with the topic's
 *      lag.max duration, else the cluster's defaults.lag.max, else the
 *      profile's defaults.lag_max (5m in the shipped profiles). A topic's
 *      offset threshold cannot be honoured by a time-only profile and falls
 *      back to that time threshold;
 *   3. offset-only profiles (the shipped kafka_exporter is one): the time
 *      threshold of 2. converted with the topic's declared
 *      throughput.messages_per_second (ceil(seconds * rate): the backlog
 *      produced in that time at the declared rate), else the profile's
 *      defaults.lag_max_offsets (1000 in the shipped profiles).
 * `for`: the topic's lag.for, else the cluster's defaults.lag.for, else the
 * profile's defaults.lag_for (10m). Severity: the topic's lag.severity, else
 * the cluster's defaults.lag.severity, else the profile's defaults.severity
 * ("warning"). The absent and skew rules take their `for` and ratios from the
 * profile's `vars` (absent_for 15m, skew_for 30m, skew_ratio 2 shipped).
 *
 * Links: dashboard_url is rc_links_dashboard_url(grafana_url, uid, group,
 * defaults.dashboard_range) — the group as var-group for per-group rules, and
 * none for topic-level rules (the all_groups shape appends
 * `&var-group={{ $labels.group | urlquery }}` itself). Without
 * monitoring.grafana_url the link is relative ("/d/<uid>?...").
 * runbook_url is "<repository_url>/blob/HEAD/<topic file>" (HEAD: the default branch, whatever its
 * name; path segments percent-encoded) when the cluster sets repository_url, else the topic file's
 * repository-relative path ("topics/prod/orders.yaml"): without a repository URL the file is still
 * the thing to read.
 *
 * Labels from the cluster's monitoring.labels are added to every rule unless
 * the rule sets that label itself; their values are made inert for Go
 * templating like every declared value.
 *
 * Errors: functions return 0 or a negative value with a one-line message in
 * errbuf (a profile file that is missing or malformed, a placeholder the
 * profile does not know, two topics with the same rule-group name). */
#ifndef RC_ALERTS_H
#define RC_ALERTS_H

#include "model.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

/* A loaded, validated metric-source profile. Opaque; owned by the caller of
 * rc_alerts_profile_load, released with rc_alerts_profile_free. Read-only
 * after loading, so one profile may serve every cluster that uses it. */
typedef struct rc_alerts_profile rc_alerts_profile;

/* Load <templates_dir>/<metric_source>.yaml (metric_source NULL means
 * kafka_exporter). Every rule shape is test-expanded once, so a typo in a
 * placeholder is reported here even for shapes no topic uses yet. */
int rc_alerts_profile_load(rc_alerts_profile **out, const char *templates_dir,
                           const char *metric_source, char *errbuf, size_t errlen);
void rc_alerts_profile_free(rc_alerts_profile *p);
/* The profile's name ("kafka_exporter"); borrowed from p. */
const char *rc_alerts_profile_name(const rc_alerts_profile *p);

/* The threshold a topic's high-lag alert uses (rules above). */
typedef struct rc_alerts_lag {
    bool time;             /* true: max is seconds of time lag; false: offsets */
    long long max;         /* threshold */
    long long for_seconds; /* the rule's `for` */
} rc_alerts_lag;

void rc_alerts_topic_lag(rc_alerts_lag *out, const rc_alerts_profile *p,
                         const rc_cluster_decl *cluster, const rc_topic_decl *topic);

/* Append the rule file for every topic of cluster to out (out keeps what it
 * held before; nothing is appended on failure). Deterministic: the same
 * declarations give the same bytes. Large clusters are rendered by several
 * threads (one per CPU, at most 8, at least 512 topics each) whose parts are
 * joined in topic order, so the bytes do not depend on the thread count;
 * p, repo and cluster are only read. */
int rc_alerts_render_profile(rc_buf *out, const rc_alerts_profile *p, const rc_repo *repo,
                             const rc_cluster_decl *cluster, char *errbuf, size_t errlen);

/* Load the cluster's profile from templates_dir (the command layer passes
 * "<repo>/alert-templates") and render with it. The command layer writes the
 * result to <out>/<cluster>/rules/topics.rules.yml (RC_ALERTS_RULES_FILE). */
int rc_alerts_render(rc_buf *out, const rc_repo *repo, const rc_cluster_decl *cluster,
                     const char *templates_dir, char *errbuf, size_t errlen);

/* Path of a cluster's rule file below the render output directory. */
#define RC_ALERTS_RULES_FILE "rules/topics.rules.yml"

#endif
