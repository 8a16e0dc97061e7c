/* decl_client_metrics.c — the cluster file's monitoring.client_metrics: which
 * counters the applications' Kafka client library exports, and the labels
 * that carry the topic, the service and the partition.
 *
 * The dashboards paste these names into PromQL (dashboards/clients.yaml), so
 * each must be a name and nothing else: a metric name that is really
 * `up or vector(1)` or a label that is `topic="x"} or {` would change what a
 * panel computes. Checked here, at the node, so validate reports it with its
 * position; render trusts the model. */
#include "decl_parse.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The keys after the metrics, in the order of the schema table. */
enum { CM_TOPIC_LABEL = RC_CLIENT_NMETRICS, CM_SERVICE_LABEL, CM_PARTITION_LABEL, CM_NKEYS };

/* A Prometheus metric name, [a-zA-Z_:][a-zA-Z0-9_:]*, and not "__..." (names
 * Prometheus keeps for itself). Colons are allowed: the data model allows them
 * and recording rules that re-export client counters use them. */
static bool metric_name_ok(const char *s)
{
    if (!*s || (s[0] == '_' && s[1] == '_'))
        return false;
    for (const char *p = s; *p; p++) {
        bool letter =
            (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == ':';
        if (!letter && !(p > s && *p >= '0' && *p <= '9'))
            return false;
    }
    return true;
}

/* v as a metric name into *out; reported and left NULL otherwise. A NUL
 * inside the scalar would make the C string shorter than what was written,
 * so it counts as invalid too. */
static void want_metric(ctx *x, const rc_ynode *v, const char *field, char **out)
{
    if (!want_string(x, v, field, true, NULL))
        return;
    if (strlen(v->str) != v->len || !metric_name_ok(v->str)) {
        diag(x, E, v, "metric-name",
             "%s: \"%s\" is not a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, not "
             "starting with \"__\")",
             field, v->str);
        return;
    }
    *out = rc_xstrdup(v->str);
}

/* v as a label name into *out, the rule monitoring.labels follows. */
static void want_label(ctx *x, const rc_ynode *v, const char *field, char **out)
{
    if (!want_string(x, v, field, true, NULL))
        return;
    if (strlen(v->str) != v->len || !rc_decl_label_name_ok(v->str)) {
        diag(x, E, v, "label",
             "%s: \"%s\" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not "
             "starting with \"__\")",
             field, v->str);
        return;
    }
    *out = rc_xstrdup(v->str);
}

/* Two roles on one label would make `sum by (service)` group by topic, or
 * the skew panel's partitions be services: refuse what cannot be meant. */
static void check_distinct(ctx *x, rc_client_metrics *m, const rc_ypair *const *s)
{
    if (m->topic_label && m->service_label && !strcmp(m->topic_label, m->service_label))
        diag(x, E, val(s[CM_SERVICE_LABEL]), "label",
             "monitoring.client_metrics.service_label: \"%s\" is also the topic_label; the "
             "service and the topic need labels of their own",
             m->service_label);
    if (m->partition_label && ((m->topic_label && !strcmp(m->partition_label, m->topic_label)) ||
                               (m->service_label && !strcmp(m->partition_label, m->service_label))))
        diag(x, E, val(s[CM_PARTITION_LABEL]), "label",
             "monitoring.client_metrics.partition_label: \"%s\" is also the topic_label or "
             "service_label; the partition needs a label of its own",
             m->partition_label);
}

void parse_client_metrics(ctx *x, rc_cluster_decl *c, const rc_ynode *key, const rc_ynode *v)
{
    const char *known[CM_NKEYS];
    for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++)
        known[i] = rc_client_metric_keys[i];
    known[CM_TOPIC_LABEL] = "topic_label";
    known[CM_SERVICE_LABEL] = "service_label";
    known[CM_PARTITION_LABEL] = "partition_label";
    const rc_ypair *s[CM_NKEYS];
    if (!walk_map(x, v, "monitoring.client_metrics", known, CM_NKEYS, s))
        return;
    rc_client_metrics *m = &c->client_metrics;
    m->declared = true;
    char field[96];
    size_t named = 0;
    for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++) {
        const rc_ynode *n = val(s[i]);
        if (!n)
            continue;
        named++; /* a bad name is reported as such, not also as "none named" */
        snprintf(field, sizeof(field), "monitoring.client_metrics.%s", known[i]);
        want_metric(x, n, field, &m->metric[i]);
    }
    char **labels[] = {&m->topic_label, &m->service_label, &m->partition_label};
    for (size_t i = CM_TOPIC_LABEL; i < CM_NKEYS; i++) {
        const rc_ynode *n = val(s[i]);
        snprintf(field, sizeof(field), "monitoring.client_metrics.%s", known[i]);
        if (n)
            want_label(x, n, field, labels[i - CM_TOPIC_LABEL]);
        else if (i != CM_PARTITION_LABEL)
            diag(x, E, key, "required",
                 "monitoring.client_metrics: missing required field \"%s\" (the label of the "
                 "client metrics that carries the %s)",
                 known[i], i == CM_TOPIC_LABEL ? "topic name" : "service");
    }
    if (named == 0) {
        rc_buf keys = {0};
        for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++)
            rc_buf_printf(&keys, "%s%s", i ? ", " : "", known[i]);
        diag(x, E, key, "required", "monitoring.client_metrics: name at least one metric (%s)",
             keys.data);
        rc_buf_free(&keys);
    }
    check_distinct(x, m, s);
}
