/* dashboards_clients.c — the "Clients" row: panels on the counters that the
 * applications' Kafka client library exports (monitoring.client_metrics),
 * defined as data in dashboards/clients.yaml.
 *
 * The fragment's panels are appended below topic.json's own, once, at load,
 * into a second template (d->clients_tmpl, compiled as d->clients_compiled)
 * that only clusters declaring client_metrics are rendered with. A cluster
 * without the block is rendered with topic.json alone, exactly as before the
 * row existed: its dashboards cannot change by a byte whatever the fragment
 * holds. The panels depend on no metric-source profile, only on the variables
 * set here. */
#include "dashboards_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CLIENTS_FILE "clients.yaml"

/* ---- variables ------------------------------------------------------------------ */

bool dash_is_client_var(const char *s)
{
    /* the whole prefix, so a later kind of metric never collides with a
     * profile var written before it */
    return !strncmp(s, "client_", 7) || !strncmp(s, "has_client_", 11);
}

static void set_flag(rc_tmpl_vars *v, const char *name, bool b)
{
    rc_tmpl_vars_set_raw(v, name, b ? "true" : "false");
}

void dash_set_client_vars(rc_tmpl_vars *v, const rc_cluster_decl *c)
{
    const rc_client_metrics *m = &c->client_metrics;
    char name[64];
    for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++) {
        const char *metric = m->declared ? m->metric[i] : NULL;
        snprintf(name, sizeof(name), "client_%s", rc_client_metric_keys[i]);
        rc_tmpl_vars_set(v, name, metric);
        snprintf(name, sizeof(name), "has_client_%s", rc_client_metric_keys[i]);
        set_flag(v, name, metric != NULL);
    }
    rc_tmpl_vars_set(v, "client_topic_label", m->declared ? m->topic_label : NULL);
    rc_tmpl_vars_set(v, "client_service_label", m->declared ? m->service_label : NULL);
    const char *partition = m->declared ? m->partition_label : NULL;
    rc_tmpl_vars_set(v, "client_partition_label", partition);
    /* "$when" takes one boolean: the skew panel needs both */
    set_flag(v, "has_client_delivered_by_partition",
             m->declared && partition && m->metric[RC_CLIENT_DELIVERED]);
}

/* ---- the fragment --------------------------------------------------------------- */

/* Lowest row topic.json's own panels reach: the fragment's y are relative to it. */
static long long template_bottom(const json_t *tmpl)
{
    long long bottom = 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(tmpl, "panels"), i, p)
    {
        json_t *g = json_object_get(p, "gridPos");
        json_t *y = json_object_get(g, "y"), *h = json_object_get(g, "h");
        if (json_is_integer(y) && json_is_integer(h) &&
            json_integer_value(y) + json_integer_value(h) > bottom)
            bottom = json_integer_value(y) + json_integer_value(h);
    }
    return bottom;
}

/* The fragment is {panels: [objects with an integer gridPos.y]}. */
static int check_fragment(const json_t *frag, const char *file, char *errbuf, size_t errlen)
{
    json_t *panels = json_object_get(frag, "panels");
    if (!json_is_object(frag) || json_object_size(frag) != 1 || !json_is_array(panels) ||
        json_array_size(panels) == 0)
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "%s: expected a mapping with one key, `panels`, a non-empty list", file);
    size_t i;
    json_t *p;
    json_array_foreach(panels, i, p)
    {
        if (!json_is_object(p) ||
            !json_is_integer(json_object_get(json_object_get(p, "gridPos"), "y")))
            return rc_errorf(RC_ERR, errbuf, errlen,
                             "%s: panels[%zu]: expected a panel with an integer gridPos.y", file,
                             i);
    }
    return 0;
}

/* topic.json with the fragment's panels appended, their y moved below it. */
static json_t *merge(const json_t *tmpl, const json_t *frag)
{
    json_t *merged = json_deep_copy(tmpl);
    json_t *panels = json_object_get(merged, "panels");
    long long bottom = template_bottom(tmpl);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(frag, "panels"), i, p)
    {
        json_t *copy = json_deep_copy(p);
        json_t *g = json_object_get(copy, "gridPos");
        json_object_set_new(g, "y",
                            json_integer(json_integer_value(json_object_get(g, "y")) + bottom));
        json_array_append_new(panels, copy);
    }
    return merged;
}

int dash_load_clients(rc_dashboards *d, const char *dir, char *errbuf, size_t errlen)
{
    char *file = rc_xasprintf("%s/%s", dir, CLIENTS_FILE);
    struct stat st;
    if (stat(file, &st) != 0 && errno == ENOENT) {
        free(file); /* a dashboards/ copy from before the row: render says so when needed */
        return 0;
    }
    d->clients_file = file;
    char *text = NULL;
    size_t len = 0;
    if (rc_read_file(&text, &len, file, errbuf, errlen) < 0)
        return RC_ERR;
    json_t *frag = NULL;
    char err[512];
    int rc = rc_tmpl_parse_yaml(&frag, text, len, file, err, sizeof(err));
    free(text);
    if (rc < 0)
        return rc_errorf(RC_ERR, errbuf, errlen, "%s", err);
    rc = check_fragment(frag, file, errbuf, errlen);
    if (rc == 0) {
        d->clients_tmpl = merge(d->tmpl, frag);
        if (dash_compile(&d->clients_compiled, d->clients_tmpl, ROLE_ROOT, err, sizeof(err)) < 0)
            rc = rc_errorf(RC_ERR, errbuf, errlen, "%s: %s", file, err);
    }
    json_decref(frag);
    return rc;
}

int dash_check_clients(const rc_dashboards *d, const rc_cluster_decl *c, char *errbuf,
                       size_t errlen)
{
    if (!c->client_metrics.declared || d->clients_tmpl)
        return 0;
    /* the command layer prefixes the cluster's name: name its file instead */
    return rc_errorf(RC_ERR, errbuf, errlen,
                     "%s declares monitoring.client_metrics, but there is no %s beside %s (a "
                     "copy of dashboards/ from before client metrics? add the installed %s to it)",
                     c->file ? c->file : c->name, CLIENTS_FILE, d->tmpl_file, CLIENTS_FILE);
}
