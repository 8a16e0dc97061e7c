/* dashboards_topic.c — the variables of one topic's dashboard (the list in
 * dashboards.h): the topic's own, then its profile's vars expanded on top. */
#include "dashboards_internal.h"

#include "links.h"
#include "textout.h"
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names the C code sets for every topic: a profile var may not shadow one. */
static const char *const topic_vars[] = {
    "topic",
    "cluster",
    "owner",
    "owner_chat",
    "message",
    "description",
    "file",
    "line",
    "declaration_path",
    "repository_url",
    "datasource",
    "uid",
    "metric_source",
    "consumers",
    "lag_max_duration",
    "partitions",
    "lag_max_seconds",
    "lag_max_offsets",
    "has_repository_url",
    "has_lag_max_seconds",
    "has_lag_max_offsets",
};

bool dash_is_topic_var(const char *s)
{
    if (dash_is_client_var(s))
        return true;
    for (size_t i = 0; i < sizeof(topic_vars) / sizeof(topic_vars[0]); i++)
        if (!strcmp(s, topic_vars[i]))
            return true;
    return false;
}

static void set_ll(rc_tmpl_vars *v, const char *name, long long x)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", x);
    rc_tmpl_vars_set_raw(v, name, num);
}

static void set_bool(rc_tmpl_vars *v, const char *name, bool b)
{
    rc_tmpl_vars_set_raw(v, name, b ? "true" : "false");
}

/* file with every path segment percent-encoded, '/' kept */
static char *url_path(const char *file)
{
    rc_buf b = {0};
    rc_buf_append(&b, "", 0);
    rc_url_escape(&b, file, strlen(file), true);
    return rc_buf_take(&b);
}

static char *repo_base(const char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    if (n >= 4 && !memcmp(url + n - 4, ".git", 4))
        n -= 4;
    while (n > 0 && url[n - 1] == '/')
        n--;
    return rc_xstrndup(url, n);
}

static void set_topic_vars(rc_tmpl_vars *v, const rc_repo *repo, const rc_cluster_decl *c,
                           const rc_topic_decl *t, const rc_dashboard_lag *lag, const char *source)
{
    char uid[RC_DASHBOARD_UID_MAX + 1];
    rc_links_dashboard_uid(uid, c->name, t->name);
    const rc_team *team = repo && t->owner ? rc_repo_team(repo, t->owner) : NULL;
    rc_tmpl_vars_set(v, "topic", t->name);
    /* Java's consumer metrics write a topic's dots as underscores; no other
     * declared topic can have that name (validate's name-collision rule). */
    char *underscored = rc_xstrdup(t->name);
    for (char *p = underscored; *p; p++)
        if (*p == '.')
            *p = '_';
    rc_tmpl_vars_set(v, "client_topic_underscored", underscored);
    free(underscored);
    rc_tmpl_vars_set(v, "cluster", c->name);
    rc_tmpl_vars_set(v, "owner", t->owner ? t->owner : "");
    rc_tmpl_vars_set(v, "owner_chat", team && team->chat ? team->chat : "");
    rc_tmpl_vars_set(v, "message", t->message ? t->message : "");
    rc_tmpl_vars_set(v, "description", t->description ? t->description : "");
    rc_tmpl_vars_set(v, "file", t->file ? t->file : "");
    char line[32];
    snprintf(line, sizeof(line), "%d", t->line);
    rc_tmpl_vars_set(v, "line", line);
    char *path = url_path(t->file ? t->file : "");
    rc_tmpl_vars_set(v, "declaration_path", path);
    free(path);
    char *base = repo_base(c->repo_url ? c->repo_url : "");
    bool has_repo = *base != '\0';
    rc_tmpl_vars_set(v, "repository_url", base);
    free(base);
    rc_tmpl_vars_set(v, "datasource",
                     c->prometheus_datasource && *c->prometheus_datasource
                         ? c->prometheus_datasource
                         : "default");
    rc_tmpl_vars_set(v, "uid", uid);
    rc_tmpl_vars_set(v, "metric_source", source);
    rc_buf cons = {0};
    rc_buf_append(&cons, "", 0);
    for (size_t i = 0; i < t->nconsumers; i++) {
        if (i)
            rc_buf_puts(&cons, ", ");
        rc_buf_puts(&cons, t->consumers[i]);
    }
    rc_tmpl_vars_set(v, "consumers", cons.data);
    rc_buf_free(&cons);

    /* the threshold line: the alert's when the caller knows it, else the
     * declared one (offsets when declared, else the topic's or the cluster's
     * duration) */
    long long offsets = 0, seconds = 0;
    if (lag) {
        if (lag->max > 0)
            *(lag->time ? &seconds : &offsets) = lag->max;
    } else if (t->lag_max_offsets > 0) {
        offsets = t->lag_max_offsets;
    } else {
        seconds = t->lag_max_seconds > 0 ? t->lag_max_seconds : c->default_lag_max_seconds;
        if (seconds < 0)
            seconds = 0;
    }
    char *dur = seconds ? rc_units_format_duration_s(seconds) : rc_xstrdup("");
    rc_tmpl_vars_set(v, "lag_max_duration", dur);
    free(dur);
    set_ll(v, "partitions", t->partitions);
    set_ll(v, "lag_max_seconds", seconds);
    set_ll(v, "lag_max_offsets", offsets);
    set_bool(v, "has_repository_url", has_repo);
    set_bool(v, "has_lag_max_seconds", seconds > 0);
    set_bool(v, "has_lag_max_offsets", offsets > 0);
    dash_set_client_vars(v, c);
}

/* Every variable of one topic: the topic's, then the profile's expanded in
 * file order. Returns 0, or -1 with a message (vars may hold a partial set
 * either way; the caller frees it). */
int dash_make_vars(rc_tmpl_vars *vars, const rc_dashboards *d, const rc_repo *repo,
                   const rc_cluster_decl *c, const rc_topic_decl *t, const rc_dashboard_lag *lag,
                   char *errbuf, size_t errlen)
{
    const char *source = c->metric_source && *c->metric_source ? c->metric_source : DEFAULT_SOURCE;
    const profile *p = dash_find_profile(d, source);
    if (!p) {
        rc_buf have = {0};
        for (size_t i = 0; i < d->nprofiles; i++)
            rc_buf_printf(&have, "%s%s", i ? ", " : "", d->profiles[i].name);
        rc_errorf(-1, errbuf, errlen,
                  "cluster %s: no dashboard profile for metric source \"%s\" (have: %s)", c->name,
                  source, have.data ? have.data : "none");
        rc_buf_free(&have);
        return -1;
    }
    if (dash_check_clients(d, c, errbuf, errlen) < 0)
        return -1;
    char err[512];
    set_topic_vars(vars, repo, c, t, lag, source);
    for (size_t i = 0; i < p->vars.len; i++) {
        char *val = NULL;
        if (rc_tmpl_expand_string(&val, p->vars.items[i].value, vars, err, sizeof(err)) < 0)
            return rc_errorf(-1, errbuf, errlen, "%s: vars.%s: %s", p->file, p->vars.items[i].key,
                             err);
        rc_tmpl_vars_set(vars, p->vars.items[i].key, val);
        free(val);
    }
    return 0;
}
