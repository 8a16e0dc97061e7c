/* publish.c — dashboards to Grafana, rule reload to Prometheus (see publish.h).
 *
 * Structure: a small context (pub) carries the options with defaults applied,
 * the base URLs without trailing slashes and the request headers; pub_send_retry() (publish_send.c)
 * wraps every request in the retry policy; the Grafana part (folder, then each dashboard) and the
 * Prometheus part (reload, then check) only record items in the report. */
#include "publish.h"

#include <jansson.h>
#include <yaml.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "publish_run.h"

/* ---- report -------------------------------------------------------------- */

void rc_publish_report_init(rc_publish_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    rep->rule_groups_loaded = -1;
}

void rc_publish_report_free(rc_publish_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->nitems; i++) {
        rc_publish_item *it = &rep->items[i];
        free(it->name);
        free(it->title);
        free(it->file);
        free(it->url);
        free(it->message);
    }
    free(rep->items);
    for (size_t i = 0; i < rep->nrequests; i++) {
        free(rep->requests[i].method);
        free(rep->requests[i].url);
        free(rep->requests[i].summary);
    }
    free(rep->requests);
    rc_publish_report_init(rep);
}

const char *rc_publish_status_name(rc_publish_status s)
{
    switch (s) {
    case RC_PUB_CREATED:
        return "created";
    case RC_PUB_UPDATED:
        return "updated";
    case RC_PUB_UNCHANGED:
        return "unchanged";
    case RC_PUB_OK:
        return "ok";
    case RC_PUB_PLANNED:
        return "planned";
    case RC_PUB_SKIPPED:
        return "skipped";
    case RC_PUB_FAILED:
        return "failed";
    }
    return "?";
}

static char *dup_or_null(const char *s)
{
    return s ? rc_xstrdup(s) : NULL;
}

rc_publish_item *pub_add_item(pub *p, rc_publish_kind kind, rc_publish_status status,
                              const char *name, const char *title)
{
    rc_publish_report *rep = p->rep;
    if (rep->nitems == rep->items_cap) {
        rep->items_cap = rep->items_cap ? rep->items_cap * 2 : 16;
        rep->items = rc_xrealloc(rep->items, rep->items_cap * sizeof(*rep->items));
    }
    rc_publish_item *it = &rep->items[rep->nitems++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->status = status;
    it->name = dup_or_null(name);
    it->title = dup_or_null(title);
    if (status == RC_PUB_FAILED)
        rep->any_failure = true;
    return it;
}

void pub_item_fail(pub *p, rc_publish_item *it, char *message)
{
    it->status = RC_PUB_FAILED;
    free(it->message);
    it->message = message;
    p->rep->any_failure = true;
}

void pub_add_request(pub *p, const char *method, const char *url, char *summary)
{
    rc_publish_report *rep = p->rep;
    if (rep->nrequests == rep->requests_cap) {
        rep->requests_cap = rep->requests_cap ? rep->requests_cap * 2 : 16;
        rep->requests = rc_xrealloc(rep->requests, rep->requests_cap * sizeof(*rep->requests));
    }
    rc_publish_request *r = &rep->requests[rep->nrequests++];
    r->method = rc_xstrdup(method);
    r->url = rc_http_redact_url(url);
    r->summary = summary;
}

/* ---- names --------------------------------------------------------------- */

void rc_publish_folder_uid(char out[RC_PUBLISH_FOLDER_UID_MAX + 1], const char *cluster)
{
    static const char prefix[] = "reconcile-";
    char slug[RC_PUBLISH_FOLDER_UID_MAX - sizeof(prefix) + 2];
    size_t room = RC_PUBLISH_FOLDER_UID_MAX - (sizeof(prefix) - 1);
    size_t n = 0;
    bool cut = false, dash = false;
    for (const char *s = cluster; *s; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            dash = n > 0; /* collapse runs, no leading '-' */
            continue;
        }
        if (n + (dash ? 2 : 1) > room) {
            cut = true;
            break;
        }
        if (dash)
            slug[n++] = '-';
        dash = false;
        slug[n++] = c;
    }
    slug[n] = '\0';
    if (cut || n == 0) {
        /* room for "<head>-" plus 12 hex digits */
        size_t head = room - 13;
        if (n > head)
            n = head;
        while (n > 0 && slug[n - 1] == '-')
            n--;
        snprintf(out, RC_PUBLISH_FOLDER_UID_MAX + 1, "%s%.*s%s%012llx", prefix, (int)n, slug,
                 n ? "-" : "",
                 (unsigned long long)(rc_fnv1a64(RC_FNV1A64_INIT, cluster, strlen(cluster)) &
                                      0xffffffffffffULL));
        return;
    }
    snprintf(out, RC_PUBLISH_FOLDER_UID_MAX + 1, "%s%.*s", prefix, (int)n, slug);
}

/* Grafana's own rule for uids: at most 40 of [a-zA-Z0-9_-]. Checked before a
 * uid goes into a URL path. */
bool pub_grafana_uid_ok(const char *uid)
{
    size_t n = strlen(uid);
    if (n == 0 || n > 40)
        return false;
    for (const char *s = uid; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static char *base_url(const char *url)
{
    if (!url || !*url)
        return NULL;
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    return rc_xstrndup(url, n);
}

/* Length of "scheme://host:port" at the start of url. */
size_t pub_url_origin_len(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    return (size_t)(host - url) + strcspn(host, "/?#");
}

/* ---- entry point ---------------------------------------------------------- */

int rc_publish_cluster(rc_publish_report *rep, rc_http *h, const rc_publish_options *opt)
{
    pub p = {.rep = rep, .h = h, .opt = *opt};
    bool failed_before = rep->any_failure;
    rep->any_failure = false;
    if (!p.opt.cluster)
        p.opt.cluster = "";
    if (p.opt.max_attempts <= 0)
        p.opt.max_attempts = PUB_DEFAULT_ATTEMPTS;
    if (p.opt.base_delay_ms <= 0)
        p.opt.base_delay_ms = PUB_DEFAULT_BASE_DELAY_MS;
    if (p.opt.max_delay_ms <= 0)
        p.opt.max_delay_ms = PUB_DEFAULT_MAX_DELAY_MS;
    if (p.opt.max_delay_ms < p.opt.base_delay_ms)
        p.opt.max_delay_ms = p.opt.base_delay_ms;
    if (!p.opt.token_env || !*p.opt.token_env)
        p.opt.token_env = PUB_DEFAULT_TOKEN_ENV;
    p.grafana = base_url(p.opt.grafana_url);
    p.prometheus = base_url(p.opt.prometheus_url);
    p.grafana_shown = p.grafana ? rc_http_redact_url(p.grafana) : NULL;
    p.prometheus_shown = p.prometheus ? rc_http_redact_url(p.prometheus) : NULL;
    p.folder_title = p.opt.grafana_folder && *p.opt.grafana_folder
                         ? rc_xstrdup(p.opt.grafana_folder)
                         : rc_xasprintf("Kafka topics / %s", p.opt.cluster);
    rc_publish_folder_uid(p.folder_uid, p.opt.cluster);

    rc_kvlist_set(&p.grafana_headers, "Accept", "application/json");
    rc_kvlist_set(&p.grafana_headers, "Content-Type", "application/json");
    if (p.opt.grafana_token && *p.opt.grafana_token) {
        char *auth = rc_xasprintf("Bearer %s", p.opt.grafana_token);
        rc_kvlist_set(&p.grafana_headers, "Authorization", auth);
        /* wipe before free: the token should not linger in freed memory */
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    rc_kvlist_set(&p.prom_headers, "Accept", "application/json");

    pub_publish_grafana(&p);
    pub_publish_prometheus(&p);

    bool failed = rep->any_failure;
    rep->any_failure = failed || failed_before;
    const char *auth = rc_kvlist_get(&p.grafana_headers, "Authorization");
    if (auth)
        memset((char *)auth, 0, strlen(auth));
    rc_kvlist_free(&p.grafana_headers);
    rc_kvlist_free(&p.prom_headers);
    free(p.grafana);
    free(p.prometheus);
    free(p.grafana_shown);
    free(p.prometheus_shown);
    free(p.folder_title);
    return failed ? -1 : 0;
}

/* ---- text report --------------------------------------------------------- */

static void format_item(rc_buf *out, const rc_publish_item *it)
{
    switch (it->kind) {
    case RC_PUB_GRAFANA:
        rc_buf_printf(out, "grafana %s: folder \"%s\" (uid %s) %s", it->url ? it->url : "",
                      it->title ? it->title : "", it->name ? it->name : "-",
                      it->status == RC_PUB_OK ? "found" : rc_publish_status_name(it->status));
        break;
    case RC_PUB_DASHBOARD:
        rc_buf_printf(out, "  %-9s dashboard %s", rc_publish_status_name(it->status),
                      it->name ? it->name : it->file);
        if (it->title)
            rc_buf_printf(out, " \"%s\"", it->title);
        if (it->url)
            rc_buf_printf(out, " %s", it->url);
        break;
    case RC_PUB_PROMETHEUS:
        rc_buf_printf(out, "prometheus %s: reload %s", it->name ? it->name : "",
                      it->status == RC_PUB_OK ? "done" : rc_publish_status_name(it->status));
        break;
    case RC_PUB_RULES:
        rc_buf_printf(out, "prometheus %s: rules %s", it->name ? it->name : "",
                      it->status == RC_PUB_OK ? "checked" : rc_publish_status_name(it->status));
        break;
    }
    if (it->message && !(it->kind == RC_PUB_PROMETHEUS && it->status == RC_PUB_OK))
        rc_buf_printf(out, ": %s", it->message);
    rc_buf_puts(out, "\n");
}

void rc_publish_report_format(rc_buf *out, const rc_publish_report *rep, bool verbose)
{
    if (rep->nrequests) {
        rc_buf_puts(out, "dry run: nothing is sent; publish would send:\n");
        for (size_t i = 0; i < rep->nrequests; i++)
            rc_buf_printf(out, "  %-4s %s  %s\n", rep->requests[i].method, rep->requests[i].url,
                          rep->requests[i].summary ? rep->requests[i].summary : "");
    }
    for (size_t i = 0; i < rep->nitems; i++) {
        const rc_publish_item *it = &rep->items[i];
        if (!verbose && it->kind == RC_PUB_DASHBOARD &&
            (it->status == RC_PUB_UNCHANGED || it->status == RC_PUB_PLANNED))
            continue;
        format_item(out, it);
    }
    if (rep->planned)
        rc_buf_printf(out, "dashboards: %zu to publish, %zu failed", rep->planned, rep->failed);
    else
        rc_buf_printf(out, "dashboards: %zu created, %zu updated, %zu unchanged, %zu failed",
                      rep->created, rep->updated, rep->unchanged, rep->failed);
    bool reload_planned = false;
    for (size_t i = 0; i < rep->nitems; i++)
        reload_planned = reload_planned || (rep->items[i].kind == RC_PUB_PROMETHEUS &&
                                            rep->items[i].status == RC_PUB_PLANNED);
    if (rep->prometheus_reloaded)
        rc_buf_printf(out, "; prometheus reloaded, %ld of %zu rule groups loaded",
                      rep->rule_groups_loaded < 0 ? 0 : rep->rule_groups_loaded,
                      rep->rule_groups_expected);
    else if (reload_planned)
        rc_buf_puts(out, "; prometheus reload planned");
    else
        rc_buf_puts(out, "; prometheus not reloaded");
    rc_buf_puts(out, "\n");
}
