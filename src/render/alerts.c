/* alerts.c — load a metric-source profile, expand its rule shapes per topic
 * and consumer group, emit one Prometheus rule file per cluster.
 *
 * The profile is parsed and checked once; rule shapes are stored with the
 * profile's common labels and annotations already merged in, in the field
 * order Prometheus documents (alert, expr, for, labels, annotations). Per
 * rule the work is one rc_tmpl_expand of a small tree, so 10,000 topics take
 * a few hundred milliseconds, most of it in the YAML emitter. */
#include "alerts.h"

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

enum { S_TIME_GROUP, S_TIME_ALL, S_OFFSET_GROUP, S_OFFSET_ALL, S_ABSENT, S_SKEW, NSHAPES };

static const char *const shape_names[NSHAPES] = {
    "rules.lag_time.group",   "rules.lag_time.all_groups",
    "rules.lag_offset.group", "rules.lag_offset.all_groups",
    "rules.absent",           "rules.skew"};

struct rc_alerts_profile {
    char *name;
    char *file;
    long long lag_max_s;
    long long lag_for_s;
    long long lag_max_offsets;
    char *severity;
    char *range;
    rc_kvlist vars;         /* the profile's `vars`, as text */
    json_t *shape[NSHAPES]; /* merged rule shapes; NULL when the profile has none */
};

/* Every variable the C side sets; profile `vars` may not reuse these names. */
static const char *const builtin_vars[] = {
    "cluster",       "topic",       "group",       "owner",        "chat",       "escalation",
    "severity",      "lag_kind",    "lag_max",     "lag_max_text", "for",        "dashboard_uid",
    "dashboard_url", "runbook_url", "description", "message",      "partitions", "file"};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *rc_alerts_profile_name(const rc_alerts_profile *p)
{
    return p->name;
}

void rc_alerts_profile_free(rc_alerts_profile *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->file);
    free(p->severity);
    free(p->range);
    rc_kvlist_free(&p->vars);
    for (int i = 0; i < NSHAPES; i++)
        json_decref(p->shape[i]);
    free(p);
}

/* ---- profile loading ------------------------------------------------------ */

static bool word_ok(const char *s, bool allow_dash)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || (allow_dash && *s == '-')))
            return false;
    return true;
}

/* Reject keys outside allowed[]; names the first offender. */
static int check_keys(const json_t *obj, const char *const *allowed, size_t n, const char *file,
                      const char *where, char *errbuf, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        size_t i = 0;
        while (i < n && strcmp(allowed[i], k) != 0)
            i++;
        if (i == n) {
            rc_buf known = {0};
            for (size_t j = 0; j < n; j++)
                rc_buf_printf(&known, "%s%s", j ? ", " : "", allowed[j]);
            rc_errorf(-1, errbuf, errlen, "%s: %s%sunknown key \"%s\" (known: %s)", file, where,
                      *where ? ": " : "", k, known.data);
            rc_buf_free(&known);
            return -1;
        }
    }
    return 0;
}

static int check_string_map(const json_t *m, const char *file, const char *where, bool labels,
                            char *errbuf, size_t errlen)
{
    if (!json_is_object(m))
        return rc_errorf(-1, errbuf, errlen, "%s: %s must be a mapping", file, where);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)m, k, v)
    {
        if (!json_is_string(v))
            return rc_errorf(-1, errbuf, errlen, "%s: %s.%s must be a string (quote numbers)", file,
                             where, k);
        if (labels && !rc_decl_label_name_ok(k))
            return rc_errorf(-1, errbuf, errlen,
                             "%s: %s: \"%s\" is not a valid Prometheus label name", file, where, k);
    }
    return 0;
}

/* A rule shape as Prometheus 2.42 reads it: only the fields it knows (it
 * refuses a rule file with keep_firing_for, which came in 2.42's successor). */
static int check_shape(const json_t *s, const char *file, const char *where, char *errbuf,
                       size_t errlen)
{
    static const char *const fields[] = {"alert", "expr", "for", "labels", "annotations"};
    if (!json_is_object(s))
        return rc_errorf(-1, errbuf, errlen,
                         "%s: %s must be a mapping (a Prometheus alerting rule)", file, where);
    if (check_keys(s, fields, ARRAY_LEN(fields), file, where, errbuf, errlen) < 0)
        return -1;
    if (!json_is_string(json_object_get(s, "alert")) ||
        !json_string_length(json_object_get(s, "alert")))
        return rc_errorf(-1, errbuf, errlen, "%s: %s.alert: required string", file, where);
    if (!json_is_string(json_object_get(s, "expr")))
        return rc_errorf(-1, errbuf, errlen, "%s: %s.expr: required string", file, where);
    json_t *f = json_object_get(s, "for");
    if (f && !json_is_string(f))
        return rc_errorf(-1, errbuf, errlen, "%s: %s.for must be a string", file, where);
    char sub[96];
    json_t *m;
    if ((m = json_object_get(s, "labels"))) {
        snprintf(sub, sizeof(sub), "%s.labels", where);
        if (check_string_map(m, file, sub, true, errbuf, errlen) < 0)
            return -1;
    }
    if ((m = json_object_get(s, "annotations"))) {
        snprintf(sub, sizeof(sub), "%s.annotations", where);
        if (check_string_map(m, file, sub, false, errbuf, errlen) < 0)
            return -1;
    }
    return 0;
}

/* The shape's own entries win over the profile's common ones. Order, for
 * reading: labels common first (cluster, topic, team, ...) then the rule's
 * (group); annotations the rule's first (summary, description) then the
 * common ones (runbook_url). */
static json_t *merge_maps(const json_t *common, const json_t *own, bool common_first)
{
    json_t *m = json_object();
    const char *k;
    json_t *v;
    const json_t *first = common_first ? common : own;
    const json_t *second = common_first ? own : common;
    if (first)
        json_object_foreach((json_t *)first, k, v) json_object_set(m, k, v);
    if (second)
        json_object_foreach((json_t *)second, k, v)
        {
            if (second == own || !json_object_get(m, k))
                json_object_set(m, k, v);
        }
    return m;
}

static json_t *build_shape(const json_t *s, const json_t *labels, const json_t *annotations)
{
    json_t *r = json_object();
    json_object_set(r, "alert", json_object_get(s, "alert"));
    json_object_set(r, "expr", json_object_get(s, "expr"));
    if (json_object_get(s, "for"))
        json_object_set(r, "for", json_object_get(s, "for"));
    json_object_set_new(r, "labels", merge_maps(labels, json_object_get(s, "labels"), true));
    json_t *a = merge_maps(annotations, json_object_get(s, "annotations"), false);
    if (json_object_size(a))
        json_object_set_new(r, "annotations", a);
    else
        json_decref(a);
    return r;
}

static int parse_duration(long long *out, const json_t *n, const char *file, const char *where,
                          char *errbuf, size_t errlen)
{
    char err[160];
    if (!json_is_string(n))
        return rc_errorf(-1, errbuf, errlen, "%s: %s: expected a duration such as 5m", file, where);
    if (rc_units_parse_duration_s(out, json_string_value(n), err, sizeof(err)) < 0)
        return rc_errorf(-1, errbuf, errlen, "%s: %s: %s", file, where, err);
    return 0;
}

static void dummy_vars(rc_tmpl_vars *v, const rc_alerts_profile *p)
{
    for (size_t i = 0; i < ARRAY_LEN(builtin_vars); i++)
        rc_tmpl_vars_set(v, builtin_vars[i], "x");
    rc_tmpl_vars_set_raw(v, "lag_max", "1");
    rc_tmpl_vars_set_raw(v, "partitions", "1");
    for (size_t i = 0; i < p->vars.len; i++)
        rc_tmpl_vars_set(v, p->vars.items[i].key, p->vars.items[i].value);
}

/* defaults: of a profile: the thresholds and labels a topic gets when
 * neither it nor its cluster sets them. */
static int load_defaults(rc_alerts_profile *p, const json_t *root, char *errbuf, size_t errlen)
{
    static const char *const default_keys[] = {"lag_max", "lag_for", "lag_max_offsets", "severity",
                                               "dashboard_range"};
    const char *file = p->file;
    const json_t *d = json_object_get(root, "defaults");
    if (!json_is_object(d))
        return rc_errorf(-1, errbuf, errlen, "%s: defaults: required mapping (%s, %s, %s, %s, %s)",
                         file, default_keys[0], default_keys[1], default_keys[2], default_keys[3],
                         default_keys[4]);
    if (check_keys(d, default_keys, ARRAY_LEN(default_keys), file, "defaults", errbuf, errlen) < 0)
        return -1;
    if (parse_duration(&p->lag_max_s, json_object_get(d, "lag_max"), file, "defaults.lag_max",
                       errbuf, errlen) < 0 ||
        parse_duration(&p->lag_for_s, json_object_get(d, "lag_for"), file, "defaults.lag_for",
                       errbuf, errlen) < 0)
        return -1;
    if (p->lag_max_s < 1)
        return rc_errorf(-1, errbuf, errlen, "%s: defaults.lag_max: must be at least 1s", file);
    const json_t *off = json_object_get(d, "lag_max_offsets");
    if (!json_is_integer(off) || json_integer_value(off) < 1)
        return rc_errorf(-1, errbuf, errlen,
                         "%s: defaults.lag_max_offsets: expected an integer >= 1", file);
    p->lag_max_offsets = (long long)json_integer_value(off);
    const json_t *sev = json_object_get(d, "severity");
    const json_t *range = json_object_get(d, "dashboard_range");
    if (!json_is_string(sev) || !word_ok(json_string_value(sev), true))
        return rc_errorf(-1, errbuf, errlen,
                         "%s: defaults.severity: expected a word such as warning", file);
    if (!json_is_string(range) || !word_ok(json_string_value(range), false))
        return rc_errorf(-1, errbuf, errlen,
                         "%s: defaults.dashboard_range: expected a Grafana range such "
                         "as 6h",
                         file);
    p->severity = rc_xstrdup(json_string_value(sev));
    p->range = rc_xstrdup(json_string_value(range));

    return 0;
}

/* vars: of a profile: named snippets the shapes may use, never one of the
 * names reconcile sets itself. */
static int load_vars(rc_alerts_profile *p, const json_t *root, char *errbuf, size_t errlen)
{
    const char *file = p->file;
    const json_t *vars = json_object_get(root, "vars");
    if (vars) {
        if (!json_is_object(vars))
            return rc_errorf(-1, errbuf, errlen, "%s: vars: expected a mapping", file);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)vars, k, v)
        {
            for (size_t i = 0; i < ARRAY_LEN(builtin_vars); i++)
                if (!strcmp(builtin_vars[i], k))
                    return rc_errorf(-1, errbuf, errlen,
                                     "%s: vars.%s: the name is set by reconcile", file, k);
            if (!word_ok(k, false))
                return rc_errorf(-1, errbuf, errlen, "%s: vars: \"%s\" is not a variable name",
                                 file, k);
            char num[64];
            if (json_is_string(v))
                rc_kvlist_set(&p->vars, k, json_string_value(v));
            else if (json_is_integer(v)) {
                snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                rc_kvlist_set(&p->vars, k, num);
            } else if (json_is_real(v)) {
                snprintf(num, sizeof(num), "%.15g", json_real_value(v));
                rc_kvlist_set(&p->vars, k, num);
            } else
                return rc_errorf(-1, errbuf, errlen, "%s: vars.%s: expected a string or a number",
                                 file, k);
        }
    }

    return 0;
}

/* rules: of a profile: the raw shapes, by kind (raw[] indexed by S_*). */
static int load_rules(const rc_alerts_profile *p, const json_t *root, const json_t **raw,
                      char *errbuf, size_t errlen)
{
    static const char *const rule_keys[] = {"lag_time", "lag_offset", "absent", "skew"};
    static const char *const lag_keys[] = {"group", "all_groups"};
    const char *file = p->file;
    const json_t *rules = json_object_get(root, "rules");
    if (!json_is_object(rules))
        return rc_errorf(-1, errbuf, errlen, "%s: rules: required mapping", file);
    if (check_keys(rules, rule_keys, ARRAY_LEN(rule_keys), file, "rules", errbuf, errlen) < 0)
        return -1;
    for (int kind = 0; kind < 2; kind++) {
        const char *key = kind == 0 ? "lag_time" : "lag_offset";
        const json_t *lag = json_object_get(rules, key);
        if (!lag)
            continue;
        char where[64];
        snprintf(where, sizeof(where), "rules.%s", key);
        if (!json_is_object(lag))
            return rc_errorf(-1, errbuf, errlen,
                             "%s: %s: expected a mapping with group and all_groups", file, where);
        if (check_keys(lag, lag_keys, ARRAY_LEN(lag_keys), file, where, errbuf, errlen) < 0)
            return -1;
        raw[kind * 2] = json_object_get(lag, "group");
        raw[kind * 2 + 1] = json_object_get(lag, "all_groups");
        if (!raw[kind * 2] || !raw[kind * 2 + 1])
            return rc_errorf(-1, errbuf, errlen, "%s: %s: both group and all_groups are required",
                             file, where);
    }
    if (!raw[S_TIME_GROUP] && !raw[S_OFFSET_GROUP])
        return rc_errorf(-1, errbuf, errlen, "%s: rules: needs lag_time or lag_offset (or both)",
                         file);
    raw[S_ABSENT] = json_object_get(rules, "absent");
    raw[S_SKEW] = json_object_get(rules, "skew");
    if (!raw[S_ABSENT] || !raw[S_SKEW])
        return rc_errorf(-1, errbuf, errlen, "%s: rules: absent and skew are required", file);

    return 0;
}

static int load_tree(rc_alerts_profile *p, const json_t *root, char *errbuf, size_t errlen)
{
    static const char *const top_keys[] = {"profile", "description", "defaults", "vars",
                                           "labels",  "annotations", "rules"};
    const char *file = p->file;
    if (!json_is_object(root))
        return rc_errorf(-1, errbuf, errlen, "%s: expected a mapping at the top", file);
    if (check_keys(root, top_keys, ARRAY_LEN(top_keys), file, "", errbuf, errlen) < 0)
        return -1;
    const json_t *name = json_object_get(root, "profile");
    if (!json_is_string(name) || strcmp(json_string_value(name), p->name) != 0)
        return rc_errorf(-1, errbuf, errlen, "%s: profile: must be \"%s\" (the file's name)", file,
                         p->name);
    if (load_defaults(p, root, errbuf, errlen) < 0 || load_vars(p, root, errbuf, errlen) < 0)
        return -1;
    const json_t *labels = json_object_get(root, "labels");
    const json_t *annotations = json_object_get(root, "annotations");
    if (labels && check_string_map(labels, file, "labels", true, errbuf, errlen) < 0)
        return -1;
    if (annotations &&
        check_string_map(annotations, file, "annotations", false, errbuf, errlen) < 0)
        return -1;
    const json_t *raw[NSHAPES] = {0};
    if (load_rules(p, root, raw, errbuf, errlen) < 0)
        return -1;

    rc_tmpl_vars dv = {0};
    dummy_vars(&dv, p);
    int rc = 0;
    for (int i = 0; i < NSHAPES && rc == 0; i++) {
        if (!raw[i])
            continue;
        if (check_shape(raw[i], file, shape_names[i], errbuf, errlen) < 0) {
            rc = -1;
            break;
        }
        p->shape[i] = build_shape(raw[i], labels, annotations);
        char err[256];
        json_t *t = rc_tmpl_expand(p->shape[i], &dv, err, sizeof(err));
        if (!t)
            rc = rc_errorf(-1, errbuf, errlen, "%s: %s: %s", file, shape_names[i], err);
        json_decref(t);
    }
    rc_tmpl_vars_free(&dv);
    return rc;
}

int rc_alerts_profile_load(rc_alerts_profile **out, const char *templates_dir,
                           const char *metric_source, char *errbuf, size_t errlen)
{
    *out = NULL;
    const char *name = metric_source ? metric_source : "kafka_exporter";
    /* the name becomes a path: no separators, no dots */
    if (!word_ok(name, true))
        return rc_errorf(-1, errbuf, errlen, "metric source \"%s\" is not a profile name", name);
    rc_alerts_profile *p = rc_xcalloc(1, sizeof(*p));
    p->name = rc_xstrdup(name);
    p->file = rc_xasprintf("%s/%s.yaml", templates_dir, name);
    char *text = NULL;
    size_t len = 0;
    char why[RC_ERRBUF_LEN];
    int rc = rc_read_file(&text, &len, p->file, why, sizeof(why));
    if (rc < 0) {
        const char *reason = why + strlen(p->file) + 2; /* past "<path>: " */
        rc_errorf(-1, errbuf, errlen, "%s: cannot read the alert profile for metric source %s: %s",
                  p->file, name, reason);
        rc_alerts_profile_free(p);
        return -1;
    }
    json_t *root = NULL;
    rc = rc_tmpl_parse_yaml(&root, text, len, p->file, errbuf, errlen);
    free(text);
    if (rc == 0)
        rc = load_tree(p, root, errbuf, errlen);
    json_decref(root);
    if (rc < 0) {
        rc_alerts_profile_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

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
    json_t *r = rc_tmpl_expand(x->p->shape[shape], &x->vars, err, sizeof(err));
    if (!r)
        return rc_errorf(-1, x->err, sizeof(x->err), "cluster %s, topic %s: %s: %s: %s", x->c->name,
                         x->t->name, x->p->file, shape_names[shape], err);
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
    for (size_t i = 0; i < t->nconsumers && rc == 0; i++) {
        set_group(x, t->consumers[i], x->urls[i]);
        rc = add_rule(x, rules, base);
    }
    for (size_t i = 0; i < t->nconsumers && rc == 0; i++) {
        set_group(x, t->consumers[i], x->urls[i]);
        rc = add_rule(x, rules, S_ABSENT);
    }
    if (t->skew_alert && rc == 0) {
        set_group(x, NULL, topic_url);
        rc = add_rule(x, rules, S_SKEW);
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
static json_t *extra_labels(const rc_cluster_decl *c, char *errbuf, size_t errlen)
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
        char *val = rc_tmpl_expand_string("${v|gotmpl}", &v, err, sizeof(err));
        json_t *s = val ? json_string(val) : NULL;
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
    return m;
bad:
    rc_tmpl_vars_free(&v);
    json_decref(m);
    return NULL;
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
        w[i].extra = extra_labels(cluster, errbuf, errlen);
        if (!w[i].extra)
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
