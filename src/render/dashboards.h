/* dashboards.h — one Grafana dashboard per declared topic, and the Grafana
 * file-provisioning provider that loads them.
 *
 * Everything that shapes a dashboard is data under dashboards/:
 *
 *   dashboards/topic.json              the dashboard (Grafana dashboard model JSON)
 *   dashboards/profiles/<source>.yaml  PromQL snippets for one metric source, named
 *                                      after monitoring.metric_source of the cluster
 *                                      (the profiles are these files: profiles.h);
 *                                      `description:` (text) and `vars:`
 *   dashboards/clients.yaml            optional: `panels:` appended below topic.json's
 *                                      (their gridPos.y counted from its bottom) for
 *                                      clusters that declare monitoring.client_metrics;
 *                                      a cluster without the block is rendered from
 *                                      topic.json alone, so the file cannot change its
 *                                      dashboards. Without the file, a cluster that
 *                                      declares the block is an error at render.
 *
 * Both are parsed once by rc_dashboards_load and expanded per topic with the
 * structure-aware templating of tmpl.h, so no declared value can break the
 * JSON. Rendering one topic:
 *
 *   1. the topic variables below are set;
 *   2. the profile's vars are expanded in file order, each with the topic
 *      variables and the profile vars above it, and become variables too
 *      (a profile says `production_by_partition: max by (partition) (...)`,
 *      the template says `"expr": "sum(${production_by_partition})"`);
 *   3. topic.json is expanded;
 *   4. conditional elements are resolved: an object inside an array (or an
 *      object member's object value) with a `"$when"` key is dropped when
 *      that key's value is false and kept, without the key, when it is true;
 *      any other value is an error. (`"$when": "${has_repository_url}"` keeps
 *      the git link only when the cluster file gives repository_url.)
 *   5. panel ids are assigned 1, 2, ... in document order (nested row panels
 *      included), whatever the template holds, so they are always unique.
 *
 * Grafana's own variables are written without braces in the template and the
 * profiles ($datasource, $group, $__rate_interval): `${...}` is ours.
 *
 * Topic variables (strings unless marked raw; raw ones become JSON numbers or
 * booleans when a string is exactly that one placeholder):
 *   topic, cluster, owner, owner_chat ("" when the team has none), message,
 *   description (both "" when not declared), file (repository-relative path of
 *   the declaring file), line (of its `name:`), declaration_path (file,
 *   percent-encoded per path segment, for URLs), repository_url (without a
 *   trailing '/' or ".git", "" when not set), datasource (monitoring.prometheus_datasource,
 *   "default" when not set), uid (rc_links_dashboard_uid), metric_source,
 *   consumers (declared groups joined with ", "), lag_max_duration ("5m", ""
 *   when no time threshold);
 *   raw: partitions, lag_max_seconds, lag_max_offsets (0 when not set),
 *   has_repository_url, has_lag_max_seconds, has_lag_max_offsets (booleans).
 * Client-metric variables (monitoring.client_metrics; names come from
 * rc_client_metric_keys, so every profile var named client_* or has_client_*
 * is refused as reserved): client_delivered, client_delivery_failed,
 * client_consumed, client_consume_failed (metric names, "" when not named),
 * client_topic_label, client_service_label, client_partition_label (label
 * names, "" when not set), client_topic_underscored (the topic with '.' as
 * '_', as Java's consumer labels it); raw: has_client_<metric> for each of the four,
 * has_client_delivered_by_partition (delivered and partition_label given).
 * They are validated names (decl.h), pasted into PromQL as they are.
 *
 * The lag threshold line is the high-lag alert's: rc_dashboard_render_lag
 * takes it from the caller (the command layer has it from
 * rc_alerts_topic_lag, whose rules include the alert profile's defaults and
 * the throughput conversion for offset-only exporters): a time threshold is
 * drawn on the time-lag panels, an offset threshold on the offset-lag panels.
 * rc_dashboard_render, which has no alert profile, draws the declared one:
 * the topic's lag.max (an offset count when it declares one), else the
 * cluster's defaults.lag.max; with neither no line is drawn.
 *
 * Errors: functions return 0, or -1 with a one-line message in errbuf.
 * Ownership: rc_dashboards_load allocates *out, released by rc_dashboards_free;
 * the render functions append to a caller-owned rc_buf (left as it was on
 * error) and borrow everything else; rendering does not modify d. */
#ifndef RC_DASHBOARDS_H
#define RC_DASHBOARDS_H

#include "model.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rc_dashboards rc_dashboards;

/* Read and parse <dashboards_dir>/topic.json, every
 * <dashboards_dir>/profiles/<name>.yaml (files starting with '.' skipped) and clients.yaml when
 * it exists, then render a probe topic with every profile, with and without client metrics, so a
 * broken template or profile (unknown placeholder, $when that is not a boolean, a panel without
 * gridPos or outside the 24 columns) is reported here, naming the file, rather than for the first
 * topic. */
int rc_dashboards_load(rc_dashboards **out, const char *dashboards_dir, char *errbuf,
                       size_t errlen);

/* The lag threshold to draw (see above): the alert's. */
typedef struct rc_dashboard_lag {
    bool time;     /* true: max is seconds of time lag; false: a number of messages */
    long long max; /* <= 0: no line */
} rc_dashboard_lag;

/* Append the dashboard of topic t of cluster c to out: JSON, 2-space indent,
 * trailing newline, byte-identical for identical input. The profile is
 * c->metric_source (NULL: kafka_exporter); a source without a profile is an
 * error. repo gives the owner team's chat room (may be NULL); lag the
 * threshold line (NULL: the declared threshold, as rc_dashboard_render). */
int rc_dashboard_render_lag(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                            const rc_cluster_decl *c, const rc_topic_decl *t,
                            const rc_dashboard_lag *lag, char *errbuf, size_t errlen);

/* rc_dashboard_render_lag with lag NULL. */
int rc_dashboard_render(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                        const rc_cluster_decl *c, const rc_topic_decl *t, char *errbuf,
                        size_t errlen);

/* The same dashboard through the reference path: tmpl.h expands a copy of
 * the whole template tree, which rc_tmpl_emit_json writes. Byte-identical to
 * rc_dashboard_render_lag, but an order of magnitude slower; the latter
 * walks a compiled form of the template instead (see dashboards_compiled.c). Tests and
 * rc_dashboards_load use this one to check the fast path. */
int rc_dashboard_render_reference(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                                  const rc_cluster_decl *c, const rc_topic_decl *t,
                                  const rc_dashboard_lag *lag, char *errbuf, size_t errlen);

/* Append the Grafana file-provisioning provider (YAML) for cluster c whose
 * dashboards Grafana finds in dashboards_path: provider "reconcile-<cluster>",
 * folder monitoring.grafana_folder (default "Kafka topics / <cluster>"),
 * deletion allowed, UI updates not allowed. */
int rc_dashboards_provisioning(rc_buf *out, const rc_cluster_decl *c, const char *dashboards_path,
                               char *errbuf, size_t errlen);

/* Names of the loaded profiles, sorted (borrowed; *n set to the count). */
const char *const *rc_dashboards_profiles(const rc_dashboards *d, size_t *n);

void rc_dashboards_free(rc_dashboards *d);

#endif
