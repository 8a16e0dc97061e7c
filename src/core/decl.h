/* decl.h — the declarations of a GitOps repository: parse and validate.
 *
 * Layout (paths repository-relative, as rc_source gives them):
 *
 *   topics/_teams.yaml              teams: {<team>: {chat: ..., escalation: ...,
 *                                   services: {<service>: <principal "Type:name">}}}
 *   topics/<cluster>/_cluster.yaml  one document: how to connect, defaults, policy, monitoring
 *   topics/<cluster>/_access*.yaml  ACL bindings of the cluster (see Access files below)
 *   topics/<cluster>/[dir/]x.yaml|.yml  topics, one per YAML document (`---` separates several)
 *
 * Files that are not .yaml/.yml are ignored (README.md, .gitkeep), as is any
 * path with a component starting with '.'. A YAML file directly under topics/
 * other than _teams.yaml, a `_*.yaml` file inside a cluster other than the
 * top-level _cluster.yaml and _access*.yaml, and a cluster directory without _cluster.yaml are
 * [layout] errors.
 *
 * Topic document:
 *   name: orders.order-placed.v1      required; [a-zA-Z0-9._-], <= 249, not . .. __*
 *   partitions: 12                    required here or in defaults.partitions
 *   replication_factor: 3             optional; else defaults, else -1 (broker default)
 *   owner: checkout                   required; a team of _teams.yaml (the placeholder
 *                                     RC_DECL_OWNER_PLACEHOLDER is the error owner-unset)
 *   message: shop.orders.v1.OrderPlaced
 *   description: free text
 *   config: {retention.ms: 7d, cleanup.policy: [compact, delete]}  values canonicalised
 *   lag: {max: 5m | 100000, for: 10m, severity: critical}
 *        max as a duration -> lag_max_seconds; an unquoted integer -> lag_max_offsets
 *   consumers: [group-a, {group: group-b, service: billing}]   a service gets read access
 *   producers: [orders-api]           services of _teams.yaml; they get write access
 *   throughput: {messages_per_second: 20000}
 *   alerts: {skew: true, no_production: 30m, produce_rate_change: 50% | 3x,
 *            no_consumption: 30m}   opt-in signals (decl_alerts.c); no_consumption
 *                                     needs declared consumers
 *
 * Access files (topics/<cluster>/_access.yaml, _access-<anything>.yaml; what
 * `reconcile import` writes for bindings no topic declaration derives):
 *   bindings: [{principal, resource, name, pattern, operations, permission, host}]
 *   the same entries as the cluster file's access.bindings, added to them; a
 *   cluster with one manages its access.
 *
 * Cluster file (_cluster.yaml):
 *   bootstrap: ${RECONCILE_BOOTSTRAP:-127.0.0.1:19092}   required, ${VAR} / ${VAR:-default}
 *   client: {security.protocol: SASL_SSL, sasl.password: ${PW}}  librdkafka properties;
 *           keys containing "password"/"secret" (and ssl.key.pem) must use ${VAR}
 *   cluster_id: <id>                  optional pin, checked by plan
 *   repository_url: https://git.example.com/platform/topics   (see rc_decl_url_problem)
 *   defaults: {partitions, replication_factor, config: {...}, lag: {max (duration), for, severity}}
 *   policy: {name_pattern (POSIX ERE matched against the WHOLE name), min_replication_factor,
 *            max_replication_factor, max_partitions, allow_delete, keep_undeclared_overrides,
 *            guard_older_commits, ignore: [fnmatch globs], allowed_config_keys: [..],
 *            required_fields: [message, lag.max, ...], partition_messages_per_second}
 *   access: {principal, idempotent_write, ignore_principals: [globs],
 *            bindings: [{principal, resource, name, pattern, operations, permission, host}]}
 *            (decl_access.c; what the access declarations derive: acl.h)
 *   monitoring: {metric_source: one of the profiles found (rc_decl_options; the shipped
 *                ones: see alert-templates/), default kafka_exporter, prometheus_datasource,
 *                prometheus_url,
 *                grafana_url, grafana_folder, labels: {name: value},
 *                client_metrics: {delivered, delivery_failed, consumed, consume_failed,
 *                                 topic_label, service_label, partition_label}}
 *       client_metrics names the counters the applications' Kafka client library
 *       exports (scraped by the same Prometheus) for messages delivered, failed
 *       deliveries, messages consumed and consumption errors, each optional but at
 *       least one required; topic_label and service_label (required) are the labels
 *       that carry the topic and the service, partition_label (optional) the
 *       partition. Every topic dashboard of the cluster then gets a "Clients" row
 *       (dashboards/clients.yaml). Metric names are [a-zA-Z_:][a-zA-Z0-9_:]*
 *       (rule metric-name), labels as monitoring.labels (rule label), three
 *       distinct labels; they are pasted into PromQL, so nothing else passes.
 *
 * Rule ids (stable; every diagnostic is positioned at the offending node):
 *   yaml-syntax, layout, unknown-key, duplicate-key, type, required, env, secret, client,
 *   topic-name, name-pattern, name-collision, duplicate-topic, unknown-team, team-name,
 *   partitions, replication-factor, min-insync, unknown-config, config-not-allowed,
 *   config-value, throughput (warning), lag, consumers, metric-source, metric-name, label, url,
 *   ignored-topic (warning), principal, service-name, duplicate-service,
 *   duplicate-principal, unknown-service, producers, acl, owner-unset.
 * unknown-config is an error when the catalogue has a close match (a typo) and
 * a warning otherwise (perhaps a newer broker's key: plan checks it against
 * the keys the broker reports, see rc_decl_check_cluster_live). A key listed
 * in policy.allowed_config_keys is the platform team's explicit consent and is
 * not reported offline at all. */
#ifndef RC_DECL_H
#define RC_DECL_H

#include "diag.h"
#include "model.h"
#include "source.h"

/* What `reconcile import` writes as the owner of a topic no --owner-map rule
 * matched: it cannot be a team name (teams are [A-Za-z0-9._-]), so validate
 * reports every such topic (rule owner-unset) until a person picks one. */
#define RC_DECL_OWNER_PLACEHOLDER "TODO: a team of topics/_teams.yaml"

/* Build *out (zeroed first) from every file in src and append every problem
 * to diags. Returns 0 when no error-severity diagnostic was added, -1
 * otherwise; out holds whatever could be parsed either way and the caller
 * releases it with rc_repo_free. Clusters are sorted by name, topics in each
 * cluster by name (a duplicate declaration keeps the first one), teams by name.
 * Topic config values are canonical and include the cluster's defaults.config. */
int rc_decl_load(rc_repo *out, const rc_source *src, rc_diags *diags);

/* What the declarations are checked against that is not in them. */
typedef struct rc_decl_options {
    /* The metric-source profiles that exist (names of the profile files the
     * templates provide, see profiles.h), borrowed. NULL: any well-formed
     * name is accepted (the caller checks). The list is data, never C: a new
     * profile is two files. */
    const char *const *metric_sources;
    size_t nmetric_sources;
} rc_decl_options;

/* rc_decl_load with options (opt may be NULL: as rc_decl_load). */
int rc_decl_load_opts(rc_repo *out, const rc_source *src, rc_diags *diags,
                      const rc_decl_options *opt);

/* Plan-time checks that need the broker (obs from describe_cluster and
 * describe_configs): a warning for each topic still to be created whose
 * replication factor is above the brokers up (metadata lists only live
 * brokers, so during an outage this must not block the rest: the broker
 * refuses that creation with its own message), and an error for config keys
 * unknown to the built-in catalogue that the broker does not report either
 * (skipped when obs->nconfig_keys is 0). Diagnostics point at the topic's
 * name (or the cluster file, line 0, for defaults). The cluster id pin
 * is the caller's check. Returns 0 when no error was added, -1 otherwise. */
int rc_decl_check_cluster_live(const rc_cluster_decl *c, const rc_cluster_obs *obs,
                               rc_diags *diags);

/* Kafka's topic name rule. Returns NULL when valid, else a static reason. */
const char *rc_decl_topic_name_problem(const char *name);

/* The rule for repository_url, monitoring.grafana_url and prometheus_url once
 * ${ENV} references are expanded (before that, validation only checks their
 * syntax): an absolute http:// or https:// URL with a host, optionally a
 * port, and no whitespace, control bytes, quotes, angle brackets, backslashes
 * or backticks, since the value lands in alert annotations, dashboard links
 * and Markdown. A user name or password before the host is refused unless
 * allow_userinfo (a Prometheus behind basic auth; a repository link with one
 * would be either a leaked credential or "https://github.com@evil.example").
 * Returns NULL when valid, else a static reason that never quotes the URL. */
const char *rc_decl_url_problem(const char *url, bool allow_userinfo);

/* A Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*, and not "__..." (reserved
 * for Prometheus' own labels). validate (decl.c) and render (alerts.c) use
 * the same check, so a label validate accepts is one render accepts. */
bool rc_decl_label_name_ok(const char *s);

#endif
