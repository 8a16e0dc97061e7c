/* alerts_profile.c — load a metric-source profile
 * (alert-templates/<metric_source>.yaml), check it, and store its rule shapes
 * with the profile's common labels and annotations already merged in, in the
 * field order Prometheus documents (alert, expr, for, labels, annotations).
 * Every shape is test-expanded here, so a template typo fails the load. */
#include "alerts_internal.h"

#include "decl.h"
#include "textout.h"
#include "tmpl.h"
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rc_alerts_shape_names[NSHAPES] = {"rules.lag_time.group",
                                                    "rules.lag_time.all_groups",
                                                    "rules.lag_offset.group",
                                                    "rules.lag_offset.all_groups",
                                                    "rules.absent",
                                                    "rules.skew",
                                                    "rules.no_members",
                                                    "rules.no_production",
                                                    "rules.produce_rate_change",
                                                    "rules.no_consumption"};

/* rules: keys beside lag_time/lag_offset, and whether a profile must have them */
static const struct {
    const char *key;
    int shape;
    bool required;
} single_rules[] = {{"absent", S_ABSENT, true},
                    {"skew", S_SKEW, true},
                    {"no_members", S_NO_MEMBERS, false},
                    {"no_production", S_NO_PRODUCTION, false},
                    {"produce_rate_change", S_RATE_CHANGE, false},
                    {"no_consumption", S_NO_CONSUMPTION, false}};

/* Every variable the C side sets; profile `vars` may not reuse these names. */
static const char *const builtin_vars[] = {"cluster",
                                           "topic",
                                           "group",
                                           "owner",
                                           "chat",
                                           "escalation",
                                           "severity",
                                           "lag_kind",
                                           "lag_max",
                                           "lag_max_text",
                                           "for",
                                           "dashboard_uid",
                                           "dashboard_url",
                                           "runbook_url",
                                           "description",
                                           "message",
                                           "partitions",
                                           "file",
                                           "no_production_for",
                                           "no_consumption_for",
                                           "rate_change",
                                           "rate_change_above",
                                           "rate_change_below"};

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
    rc_tmpl_vars_set_raw(v, "rate_change_above", "1.5");
    rc_tmpl_vars_set_raw(v, "rate_change_below", "0.5");
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
    const char *rule_keys[2 + ARRAY_LEN(single_rules)] = {"lag_time", "lag_offset"};
    for (size_t i = 0; i < ARRAY_LEN(single_rules); i++)
        rule_keys[2 + i] = single_rules[i].key;
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
    for (size_t i = 0; i < ARRAY_LEN(single_rules); i++) {
        raw[single_rules[i].shape] = json_object_get(rules, single_rules[i].key);
        if (single_rules[i].required && !raw[single_rules[i].shape])
            return rc_errorf(-1, errbuf, errlen, "%s: rules: absent and skew are required", file);
    }

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
        if (check_shape(raw[i], file, rc_alerts_shape_names[i], errbuf, errlen) < 0) {
            rc = -1;
            break;
        }
        p->shape[i] = build_shape(raw[i], labels, annotations);
        char err[256];
        json_t *t = NULL;
        if (rc_tmpl_expand(&t, p->shape[i], &dv, err, sizeof(err)) < 0)
            rc = rc_errorf(-1, errbuf, errlen, "%s: %s: %s", file, rc_alerts_shape_names[i], err);
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
