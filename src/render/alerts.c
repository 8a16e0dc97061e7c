/* alerts.c — expand a loaded profile's rule shapes per topic and consumer
 * group, emit one Prometheus rule file per cluster.
 *
 * Per rule the work is one rc_tmpl_expand of a small tree, so 10,000 topics
 * take a few hundred milliseconds, most of it in the YAML emitter. */
#include "alerts_internal.h"

#include "decl.h"
#include "links.h"
#include "textout.h"
#include "tmpl.h"
#include "units.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- thresholds ----------------------------------------------------------- */

void rc_alerts_topic_lag(rc_alerts_lag *out, const rc_alerts_profile *p,
                         const rc_cluster_decl *cluster, const rc_topic_decl *topic)
{
    bool has_time = p->shape[S_TIME_GROUP] != NULL;
    bool has_offset = p->shape[S_OFFSET_GROUP] != NULL;
    long long secs = topic->lag_max_seconds > 0             ? topic->lag_max_seconds
                     : cluster->default_lag_max_seconds > 0 ? cluster->default_lag_max_seconds
                                                            : p->lag_max_s;
    out->for_seconds = topic->lag_for_seconds > 0             ? topic->lag_for_seconds
                       : cluster->default_lag_for_seconds > 0 ? cluster->default_lag_for_seconds
                                                              : p->lag_for_s;
    if (topic->lag_max_offsets > 0 && has_offset) {
        out->time = false;
        out->max = topic->lag_max_offsets;
    } else if (has_time) {
        out->time = true;
        out->max = secs;
    } else {
        out->time = false;
        out->max = p->lag_max_offsets;
        if (topic->lag_max_offsets > 0) {
            out->max = topic->lag_max_offsets;
        } else if (topic->messages_per_second > 0) {
            /* napkin math: what the producers write in `secs` at the declared rate */
            double n = ceil((double)secs * topic->messages_per_second);
            out->max = n >= 1e15 ? 1000000000000000LL : n < 1 ? 1 : (long long)n;
        }
    }
}

/* ---- rendering ------------------------------------------------------------ */

/* "<repository_url>/blob/HEAD/<file>" or the file path itself. */
static char *runbook_url(const rc_cluster_decl *c, const rc_topic_decl *t)
{
    const char *file = t->file ? t->file : "";
    if (!c->repo_url || !*c->repo_url)
        return rc_xstrdup(file);
    size_t n = strlen(c->repo_url);
    while (n > 0 && c->repo_url[n - 1] == '/')
        n--;
    rc_buf b = {0};
    rc_buf_append(&b, c->repo_url, n);
    rc_buf_puts(&b, "/blob/HEAD");
    const char *seg = file;
    while (*seg) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        rc_buf_puts(&b, "/");
        rc_url_escape(&b, seg, len, false);
        seg += len;
        if (*seg == '/')
            seg++;
    }
    return rc_buf_take(&b);
}

static void set_ll(rc_tmpl_vars *v, const char *name, long long x)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", x);
    rc_tmpl_vars_set_raw(v, name, num);
}

static void set_duration(rc_tmpl_vars *v, const char *name, long long seconds)
{
    char *d = seconds > 0 ? rc_units_format_duration_s(seconds) : NULL;
    rc_tmpl_vars_set(v, name, d);
    free(d);
}

/* The opt-in signals' values; empty when the topic does not declare them
 * (their shapes are not expanded then). */
static void set_signal_vars(rc_tmpl_vars *v, const rc_topic_decl *t)
{
    set_duration(v, "no_production_for", t->no_production_seconds);
    set_duration(v, "no_consumption_for", t->no_consumption_seconds);
    char *text = rc_topic_rate_change_text(t);
    rc_tmpl_vars_set(v, "rate_change", text);
    free(text);
    double above, below;
    rc_topic_rate_change_bounds(t, &above, &below);
    char num[32];
    snprintf(num, sizeof(num), "%.6g", above);
    rc_tmpl_vars_set_raw(v, "rate_change_above", num);
    snprintf(num, sizeof(num), "%.6g", below);
    rc_tmpl_vars_set_raw(v, "rate_change_below", num);
}

static void set_topic_vars(rc_tmpl_vars *v, const rc_alerts_profile *p, const rc_repo *repo,
                           const rc_cluster_decl *c, const rc_topic_decl *t,
                           const rc_alerts_lag *lag, const char *uid)
{
    const rc_team *team = t->owner ? rc_repo_team(repo, t->owner) : NULL;
    rc_tmpl_vars_set(v, "topic", t->name);
    rc_tmpl_vars_set(v, "owner", t->owner);
    rc_tmpl_vars_set(v, "chat", team ? team->chat : NULL);
    rc_tmpl_vars_set(v, "escalation", team ? team->escalation : NULL);
    rc_tmpl_vars_set(v, "severity",
                     t->severity           ? t->severity
                     : c->default_severity ? c->default_severity
                                           : p->severity);
    rc_tmpl_vars_set(v, "description",
                     t->description && *t->description ? t->description
                                                       : "(no description declared)");
    rc_tmpl_vars_set(v, "message", t->message && *t->message ? t->message : "(not declared)");
    rc_tmpl_vars_set(v, "file", t->file);
    set_ll(v, "partitions", t->partitions);
    rc_tmpl_vars_set(v, "dashboard_uid", uid);
    char *rb = runbook_url(c, t);
    rc_tmpl_vars_set(v, "runbook_url", rb);
    free(rb);

    rc_tmpl_vars_set(v, "lag_kind", lag->time ? "time" : "offset");
    set_ll(v, "lag_max", lag->max);
    char *dur = rc_units_format_duration_s(lag->for_seconds);
    rc_tmpl_vars_set(v, "for", dur);
    free(dur);
    char *text;
    if (lag->time) {
        text = rc_units_format_duration_s(lag->max);
    } else if (t->lag_max_offsets <= 0 && t->messages_per_second > 0) {
        long long secs = t->lag_max_seconds > 0 ? t->lag_max_seconds : c->default_lag_max_seconds;
        char *d = rc_units_format_duration_s(secs > 0 ? secs : 0);
        text = rc_xasprintf("%lld messages (%s at the declared %g messages/s)", lag->max, d,
                            t->messages_per_second);
        free(d);
    } else {
        text = rc_xasprintf("%lld messages", lag->max);
    }
    rc_tmpl_vars_set(v, "lag_max_text", text);
    free(text);
    set_signal_vars(v, t);
}

/* One worker's share of a cluster: topics [from, to), rendered into its own
 * buffer with its own variables, so workers share nothing but read-only
 * declarations and the profile. */
typedef struct render_ctx {
    const rc_alerts_profile *p;
    const rc_repo *repo;
    const rc_cluster_decl *c;
    size_t from, to;
    const rc_topic_decl *t; /* the topic being rendered */
    rc_tmpl_vars vars;
    json_t *extra; /* cluster labels, already inert for Go templating */
    char **urls;   /* dashboard_url per declared group of t */
    size_t nurls;
    rc_buf out;
    bool open_ended; /* out ended with libyaml's "..." (stripped) */
    int rc;
    char err[512];
} render_ctx;

static int add_rule(render_ctx *x, json_t *rules, int shape)
{
    char err[512];
    json_t *r = NULL;
    if (rc_tmpl_expand(&r, x->p->shape[shape], &x->vars, err, sizeof(err)) < 0)
        return rc_errorf(-1, x->err, sizeof(x->err), "cluster %s, topic %s: %s: %s: %s", x->c->name,
                         x->t->name, x->p->file, rc_alerts_shape_names[shape], err);
    json_t *labels = json_object_get(r, "labels");
    const char *k;
    json_t *v;
    void *tmp;
    /* Prometheus treats an empty label value as no label: leave it out (a
     * team without escalation, say) so the file shows what the alert has. */
    json_object_foreach_safe(labels, tmp, k, v) if (json_string_length(v) == 0)
        json_object_del(labels, k);
    json_object_foreach(x->extra, k, v) if (!json_object_get(labels, k))
        json_object_set(labels, k, v);
    if (json_object_size(labels) == 0)
        json_object_del(r, "labels");
    json_array_append_new(rules, r);
    return 0;
}

/* The declaration that asks for each optional shape, for the message when
 * the profile cannot render it. */
static const char *const shape_declared_by[NSHAPES] = {
    [S_NO_PRODUCTION] = "alerts.no_production",
    [S_RATE_CHANGE] = "alerts.produce_rate_change",
    [S_NO_CONSUMPTION] = "alerts.no_consumption"};

/* add_rule for a shape a topic opted into: a profile without it cannot
 * express that signal, and silence would read as "covered". */
static int add_signal_rule(render_ctx *x, json_t *rules, int shape)
{
    if (!x->p->shape[shape])
        return rc_errorf(-1, x->err, sizeof(x->err),
                         "cluster %s, topic %s: %s is declared, but the %s metric source cannot "
                         "express it (%s has no %s)",
                         x->c->name, x->t->name,
                         shape_declared_by[shape] ? shape_declared_by[shape] : "an alert",
                         x->p->name, x->p->file, rc_alerts_shape_names[shape]);
    return add_rule(x, rules, shape);
}

static void set_group(render_ctx *x, const char *group, const char *url)
{
    rc_tmpl_vars_set(&x->vars, "group", group);
    rc_tmpl_vars_set(&x->vars, "dashboard_url", url);
}

static char *dashboard_url(const render_ctx *x, const char *uid, const char *group)
{
    return rc_links_dashboard_url(x->c->grafana_url ? x->c->grafana_url : "", uid, group,
                                  x->p->range);
}

/* Expand every rule of one topic into a rule group and hand it to the
 * emitter; the group is released right away, so memory stays flat. */
static int render_topic(render_ctx *x, rc_tmpl_yaml_list *list)
{
    const rc_topic_decl *t = x->t;
    rc_alerts_lag lag;
    rc_alerts_topic_lag(&lag, x->p, x->c, t);
    char uid[RC_DASHBOARD_UID_MAX + 1];
    rc_links_dashboard_uid(uid, x->c->name, t->name);
    set_topic_vars(&x->vars, x->p, x->repo, x->c, t, &lag, uid);

    json_t *group = json_object();
    char *gname = rc_xasprintf("reconcile/%s/%s", x->c->name, t->name);
    json_object_set_new(group, "name", json_string(gname));
    free(gname);
    json_t *rules = json_array();
    json_object_set_new(group, "rules", rules);

    /* each declared group's link serves its lag and its absent rule */
    if (t->nconsumers > x->nurls) {
        x->urls = rc_xrealloc(x->urls, t->nconsumers * sizeof(*x->urls));
        x->nurls = t->nconsumers;
    }
    for (size_t i = 0; i < t->nconsumers; i++)
        x->urls[i] = dashboard_url(x, uid, t->consumers[i]);
    char *topic_url = dashboard_url(x, uid, NULL);

    int rc = 0;
    int base = lag.time ? S_TIME_GROUP : S_OFFSET_GROUP;
    if (t->nconsumers == 0) {
        set_group(x, NULL, topic_url);
        rc = add_rule(x, rules, base + 1);
    }
    /* per declared group, rule kind by rule kind: all lag rules, then all
     * absent rules, ... (the order people read the file in) */
    const struct {
        int shape;
        bool wanted;
    } per_group[] = {{base, true},
                     {S_ABSENT, true},
                     {S_NO_MEMBERS, x->p->shape[S_NO_MEMBERS] != NULL},
                     {S_NO_CONSUMPTION, t->no_consumption_seconds > 0}};
    for (size_t k = 0; k < sizeof(per_group) / sizeof(per_group[0]) && rc == 0; k++)
        for (size_t i = 0; per_group[k].wanted && i < t->nconsumers && rc == 0; i++) {
            set_group(x, t->consumers[i], x->urls[i]);
            rc = add_signal_rule(x, rules, per_group[k].shape);
        }
    const struct {
        int shape;
        bool wanted;
    } per_topic[] = {{S_SKEW, t->skew_alert},
                     {S_NO_PRODUCTION, t->no_production_seconds > 0},
                     {S_RATE_CHANGE, t->rate_change > 0}};
    for (size_t k = 0; k < sizeof(per_topic) / sizeof(per_topic[0]) && rc == 0; k++)
        if (per_topic[k].wanted) {
            set_group(x, NULL, topic_url);
            rc = add_signal_rule(x, rules, per_topic[k].shape);
        }
    if (rc == 0 && rc_tmpl_yaml_list_add(list, group) < 0)
        rc = rc_errorf(-1, x->err, sizeof(x->err), "cluster %s, topic %s: the YAML emitter failed",
                       x->c->name, t->name);
    for (size_t i = 0; i < t->nconsumers; i++)
        free(x->urls[i]);
    free(topic_url);
    json_decref(group);
    return rc;
}

/* monitoring.labels, validated (decl does too; this keeps a bad struct from
 * producing a file promtool refuses) and made inert for Go templating. */
static int extra_labels(json_t **out, const rc_cluster_decl *c, char *errbuf, size_t errlen)
{
    json_t *m = json_object();
    rc_tmpl_vars v = {0};
    for (size_t i = 0; i < c->alert_labels.len; i++) {
        const rc_kv *kv = &c->alert_labels.items[i];
        if (!rc_decl_label_name_ok(kv->key)) {
            rc_errorf(-1, errbuf, errlen,
                      "cluster %s: monitoring.labels: \"%s\" is not a valid label name", c->name,
                      kv->key);
            goto bad;
        }
        if (!kv->value || !*kv->value)
            continue; /* an empty label is no label */
        rc_tmpl_vars_set(&v, "v", kv->value);
        char err[256];
        char *val = NULL;
        json_t *s = rc_tmpl_expand_string(&val, "${v|gotmpl}", &v, err, sizeof(err)) == 0
                        ? json_string(val)
                        : NULL;
        free(val);
        if (!s) {
            rc_errorf(-1, errbuf, errlen,
                      "cluster %s: monitoring.labels.%s: value is not valid UTF-8", c->name,
                      kv->key);
            goto bad;
        }
        json_object_set_new(m, kv->key, s);
    }
    rc_tmpl_vars_free(&v);
    *out = m;
    return 0;
bad:
    rc_tmpl_vars_free(&v);
    json_decref(m);
    return RC_ERR;
}

/* Render topics [from, to) as a bare YAML sequence of rule groups. */
static void *render_chunk(void *arg)
{
    render_ctx *x = arg;
    for (size_t i = 0; i < x->p->vars.len; i++)
        rc_tmpl_vars_set(&x->vars, x->p->vars.items[i].key, x->p->vars.items[i].value);
    rc_tmpl_vars_set(&x->vars, "cluster", x->c->name);
    rc_tmpl_yaml_list *list = rc_tmpl_yaml_list_begin(&x->out, NULL);
    if (!list) {
        x->rc = rc_errorf(-1, x->err, sizeof(x->err), "cluster %s: cannot start the YAML emitter",
                          x->c->name);
        return NULL;
    }
    for (size_t i = x->from; i < x->to && x->rc == 0; i++) {
        x->t = &x->c->topics[i];
        x->rc = render_topic(x, list);
    }
    if (rc_tmpl_yaml_list_end(list) < 0 && x->rc == 0)
        x->rc = rc_errorf(-1, x->err, sizeof(x->err), "cluster %s: the YAML emitter failed",
                          x->c->name);
    x->open_ended = rc_tmpl_yaml_strip_end(&x->out);
    return NULL;
}

/* Workers: the YAML emitter dominates the cost (about 1 KB of output per
 * rule), so large clusters are split over the CPUs. Below this many topics
 * per worker a thread costs more than it saves. */
#define TOPICS_PER_WORKER 512
#define MAX_WORKERS 8

static size_t worker_count(size_t ntopics)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = ntopics / TOPICS_PER_WORKER;
    if (cpus > 0 && n > (size_t)cpus)
        n = (size_t)cpus;
    if (n > MAX_WORKERS)
        n = MAX_WORKERS;
    return n ? n : 1;
}

int rc_alerts_render_profile(rc_buf *out, const rc_alerts_profile *p, const rc_repo *repo,
                             const rc_cluster_decl *cluster, char *errbuf, size_t errlen)
{
    /* Names first: a duplicate would make Prometheus refuse the whole file. */
    json_t *names = json_object();
    for (size_t i = 0; i < cluster->ntopics; i++) {
        const rc_topic_decl *t = &cluster->topics[i];
        if (!t->name || !t->owner) {
            json_decref(names);
            return rc_errorf(-1, errbuf, errlen, "cluster %s: topic %zu has no name or owner",
                             cluster->name, i + 1);
        }
        char *gname = rc_xasprintf("reconcile/%s/%s", cluster->name, t->name);
        bool dup = json_object_get(names, gname) != NULL;
        json_object_set_new(names, gname, json_true());
        if (dup) {
            rc_errorf(
                -1, errbuf, errlen,
                "cluster %s: rule group \"%s\" would be written twice (topic declared twice?)",
                cluster->name, gname);
            free(gname);
            json_decref(names);
            return -1;
        }
        free(gname);
    }
    json_decref(names);

    size_t nw = worker_count(cluster->ntopics);
    render_ctx *w = rc_xcalloc(nw, sizeof(*w));
    pthread_t *tids = rc_xcalloc(nw, sizeof(*tids));
    bool *started = rc_xcalloc(nw, sizeof(*started));
    int rc = 0;
    for (size_t i = 0; i < nw; i++) {
        w[i].p = p;
        w[i].repo = repo;
        w[i].c = cluster;
        w[i].from = cluster->ntopics * i / nw;
        w[i].to = cluster->ntopics * (i + 1) / nw;
        /* each worker its own copy: jansson reference counts are not shared */
        if (extra_labels(&w[i].extra, cluster, errbuf, errlen) < 0)
            rc = -1;
    }
    for (size_t i = 1; i < nw && rc == 0; i++)
        started[i] = pthread_create(&tids[i], NULL, render_chunk, &w[i]) == 0;
    for (size_t i = 0; i < nw && rc == 0; i++)
        if (!started[i])
            render_chunk(&w[i]); /* the first chunk, or a thread that did not start */
    for (size_t i = 1; i < nw; i++)
        if (started[i])
            pthread_join(tids[i], NULL);

    rc_buf file = {0};
    /* No names in the comment: a comment cannot be quoted. */
    rc_buf_printf(&file,
                  "# Generated by reconcile from the declarations under topics/ with the\n"
                  "# %s alert profile. Do not edit: change the declarations instead.\n",
                  p->name);
    /* The chunks are bare sequences of groups, joined under the key exactly
     * as one emitter would have written them (see rc_tmpl_yaml_list_begin). */
    rc_buf_puts(&file, cluster->ntopics ? "groups:\n" : "groups: []\n");
    bool open_ended = false;
    for (size_t i = 0; i < nw; i++) {
        if (rc == 0 && w[i].rc != 0)
            rc = rc_errorf(-1, errbuf, errlen, "%s", w[i].err); /* the first failing topic */
        if (rc == 0)
            rc_buf_append(&file, w[i].out.data, w[i].out.len);
        open_ended = open_ended || w[i].open_ended;
        rc_buf_free(&w[i].out);
        rc_tmpl_vars_free(&w[i].vars);
        json_decref(w[i].extra);
        free(w[i].urls);
    }
    if (open_ended)
        rc_buf_puts(&file, "...\n");
    if (rc == 0)
        rc_buf_append(out, file.data, file.len);
    rc_buf_free(&file);
    free(w);
    free(tids);
    free(started);
    return rc;
}

int rc_alerts_render(rc_buf *out, const rc_repo *repo, const rc_cluster_decl *cluster,
                     const char *templates_dir, char *errbuf, size_t errlen)
{
    rc_alerts_profile *p;
    if (rc_alerts_profile_load(&p, templates_dir, cluster->metric_source, errbuf, errlen) < 0)
        return -1;
    int rc = rc_alerts_render_profile(out, p, repo, cluster, errbuf, errlen);
    rc_alerts_profile_free(p);
    return rc;
}
