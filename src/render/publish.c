/* publish.c — dashboards to Grafana, rule reload to Prometheus (see publish.h).
 *
 * Structure: a small context (pub) carries the options with defaults applied,
 * the base URLs without trailing slashes and the request headers; send_retry() wraps
 * every request in the retry policy; the Grafana part (folder, then each
 * dashboard) and the Prometheus part (reload, then check) only record items
 * in the report. */
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

#define PUB_DEFAULT_ATTEMPTS 4
#define PUB_DEFAULT_BASE_DELAY_MS 200
#define PUB_DEFAULT_MAX_DELAY_MS 5000
#define PUB_DEFAULT_TOKEN_ENV "GRAFANA_TOKEN"
#define PUB_ERR_BODY_MAX 200 /* bytes of a non-JSON error body quoted in a message */
#define PUB_MISSING_NAMED 5  /* missing rule groups named in a message */

typedef struct pub {
    rc_publish_report *rep;
    rc_http *h;
    rc_publish_options opt; /* defaults applied */
    char *grafana;          /* base URL, no trailing '/', NULL when not configured */
    char *prometheus;
    char *grafana_shown; /* the same with user info masked, for the report */
    char *prometheus_shown;
    char *folder_title;
    char folder_uid[RC_PUBLISH_FOLDER_UID_MAX + 1];
    rc_kvlist grafana_headers; /* Authorization, Accept, Content-Type */
    rc_kvlist prom_headers;
} pub;

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

static rc_publish_item *add_item(pub *p, rc_publish_kind kind, rc_publish_status status,
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

static void item_fail(pub *p, rc_publish_item *it, char *message)
{
    it->status = RC_PUB_FAILED;
    free(it->message);
    it->message = message;
    p->rep->any_failure = true;
}

static void add_request(pub *p, const char *method, const char *url, char *summary)
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
static bool grafana_uid_ok(const char *uid)
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
static size_t url_origin_len(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    return (size_t)(host - url) + strcspn(host, "/?#");
}

/* ---- requests with retries ----------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

typedef bool (*retry_status_fn)(const rc_http_response *r);

static bool retry_5xx_429(const rc_http_response *r)
{
    return r->status >= 500 || r->status == 429;
}

/* Prometheus answers 500 "failed to reload config: ..." when the rule files
 * are wrong: the same files fail again, so that one is final. */
static bool retry_prom_reload(const rc_http_response *r)
{
    if (r->status >= 500 && r->body && !strncmp(r->body, "failed to reload config", 23))
        return false;
    return retry_5xx_429(r);
}

/* Send with the retry policy. Returns 0 with the final response in *resp
 * (possibly a 5xx after the last attempt), or a negative rc_http code with a
 * heap message in *err ("... (after 4 attempts)"). *attempts counts requests. */
static int send_retry(pub *p, const char *method, const char *url, const rc_kvlist *headers,
                      const char *body, size_t body_len, retry_status_fn retry,
                      rc_http_response *resp, int *attempts, char **err)
{
    *err = NULL;
    int delay = p->opt.base_delay_ms;
    for (int attempt = 1;; attempt++) {
        *attempts = attempt;
        int rc = p->h->ops->request(p->h, method, url, headers, body, body_len, resp);
        bool last = attempt >= p->opt.max_attempts;
        if (rc == 0) {
            if (last || !retry(resp))
                return 0;
            rc_http_response_free(resp);
        } else if (last || !rc_http_error_retryable(rc)) {
            const char *m = rc_http_errmsg(p->h);
            if (attempt > 1)
                *err = rc_xasprintf("%s (after %d attempts)", m[0] ? m : "request failed", attempt);
            else
                *err = rc_xstrdup(m[0] ? m : "request failed");
            return rc;
        }
        sleep_ms(delay);
        delay = delay > p->opt.max_delay_ms / 2 ? p->opt.max_delay_ms : delay * 2;
    }
}

/* "HTTP 412 version-mismatch: The dashboard has been changed by someone else"
 * from Grafana's {"message", "status"}, or the first line of a text body. */
static char *status_text(const rc_http_response *r)
{
    rc_buf b = {0};
    rc_buf_printf(&b, "HTTP %ld", r->status);
    json_t *j = r->body_len ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    const char *msg = NULL, *st = NULL;
    if (json_is_object(j)) {
        msg = json_string_value(json_object_get(j, "message"));
        st = json_string_value(json_object_get(j, "status"));
        if (!msg) /* Prometheus API errors */
            msg = json_string_value(json_object_get(j, "error"));
    }
    if (st && *st)
        rc_buf_printf(&b, " %s", st);
    if (msg && *msg) {
        rc_buf_printf(&b, ": %s", msg);
    } else if (!j && r->body_len) {
        size_t n = strcspn(r->body, "\r\n");
        if (n > PUB_ERR_BODY_MAX)
            n = PUB_ERR_BODY_MAX;
        if (n)
            rc_buf_printf(&b, ": %.*s", (int)n, r->body);
    }
    json_decref(j);
    return rc_buf_take(&b);
}

/* What to do about a refused Grafana request. */
static const char *grafana_hint(const rc_http_response *r)
{
    switch (r->status) {
    case 401:
        return "the token was refused: check it is a valid Grafana service account token";
    case 403:
        return "the token lacks permission: it needs the Editor role (or edit rights on the "
               "folder)";
    case 400:
        if (r->body && strstr(r->body, "provisioned"))
            return "Grafana loads this dashboard from files (file provisioning): publish "
                   "through the API or through provisioning, not both";
        return NULL;
    case 412:
        if (r->body && strstr(r->body, "name-exists"))
            return "another dashboard in the folder has this title: rename or delete it in "
                   "Grafana";
        if (r->body && strstr(r->body, "plugin-dashboard"))
            return "a plugin owns a dashboard with this uid";
        return "someone changed this dashboard in Grafana since it was last published; "
               "reconcile overwrites, so publishing again replaces their change (export it into "
               "the template first if it should stay)";
    default:
        return NULL;
    }
}

static char *failure_text(pub *p, const char *what, const rc_http_response *r, int attempts)
{
    char *st = status_text(r);
    const char *hint = grafana_hint(r);
    char *m = rc_xasprintf("%s: %s%s%s", what, st, hint ? " — " : "", hint ? hint : "");
    if (r->status == 401) {
        char *m2 = rc_xasprintf("%s (from %s)", m, p->opt.token_env);
        free(m);
        m = m2;
    }
    if (attempts > 1) {
        char *m2 = rc_xasprintf("%s (after %d attempts)", m, attempts);
        free(m);
        m = m2;
    }
    free(st);
    return m;
}

/* ---- is this the API? ------------------------------------------------------ */

/* A proxy's catch-all, an SSO login page or a wrong base path answer 200 to
 * everything; taking that status alone as success reports dashboards
 * published that never reached Grafana. So every 200 is also checked to hold
 * what the API's documentation says it returns, and anything else fails the
 * item as "not the API". Not retried: the same proxy answers the same. */

typedef enum api_server { API_GRAFANA, API_PROMETHEUS } api_server;

typedef struct api_shape {
    bool (*ok)(const json_t *j); /* j is NULL when the body is not JSON */
    const char *expected;        /* what the API answers, for the message */
} api_shape;

static bool is_folder(const json_t *j)
{
    return json_is_object(j) && json_is_string(json_object_get(j, "uid"));
}

static bool is_folder_list(const json_t *j)
{
    return json_is_array(j);
}

static bool is_stored_dashboard(const json_t *j)
{
    return json_is_object(j) && json_is_object(json_object_get(j, "dashboard"));
}

/* Grafana answers {"id", "uid", "url", "status": "success", "version", "slug"};
 * either of status and uid is enough, a status other than success is not. */
static bool is_saved_dashboard(const json_t *j)
{
    if (!json_is_object(j))
        return false;
    const json_t *st = json_object_get(j, "status");
    if (st)
        return json_is_string(st) && !strcmp(json_string_value(st), "success");
    return json_is_string(json_object_get(j, "uid"));
}

static bool is_rules_listing(const json_t *j)
{
    const char *st = json_string_value(json_object_get(j, "status"));
    return json_is_object(j) && st && !strcmp(st, "success") &&
           json_is_array(json_object_get(json_object_get(j, "data"), "groups"));
}

static const api_shape folder_shape = {is_folder, "a JSON object with a string \"uid\""};
static const api_shape folder_list_shape = {is_folder_list, "a JSON array of folders"};
static const api_shape stored_dashboard_shape = {is_stored_dashboard,
                                                 "a JSON object with a \"dashboard\" object"};
static const api_shape saved_dashboard_shape = {is_saved_dashboard,
                                                "a JSON object with \"status\": \"success\""};
static const api_shape rules_shape = {is_rules_listing,
                                      "{\"status\": \"success\", \"data\": {\"groups\": [...]}}"};

static const char *json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    default:
        return "literal";
    }
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]))
            return false;
    return true;
}

/* "looking up folder: GET /api/folders/x: HTTP 200 text/html, not JSON
 * (Grafana answers ...) — this does not look like Grafana's API (...)" on one
 * line. The path, not the URL: user info stays out, and the base URL is on
 * the item already. The Content-Type comes from the server: only printable
 * ASCII of it is shown, cut short. */
static char *not_api_text(const char *what, const char *method, const char *url,
                          const rc_http_response *r, const json_t *j, const char *expected,
                          bool want_json, api_server server)
{
    const char *path = url + url_origin_len(url);
    rc_buf b = {0};
    if (what)
        rc_buf_printf(&b, "%s: ", what);
    rc_buf_printf(&b, "%s %s: HTTP %ld", method, *path ? path : "/", r->status);
    if (j) {
        rc_buf_printf(&b, ", a JSON %s", json_kind(j));
    } else if (!r->body_len || blank(r->body, r->body_len)) {
        rc_buf_puts(&b, ", empty body");
    } else {
        if (r->content_type && *r->content_type) {
            rc_buf_puts(&b, " ");
            size_t n = 0;
            for (const char *c = r->content_type; *c && n < 60; c++, n++)
                rc_buf_printf(&b, "%c", *c >= 0x20 && *c < 0x7f ? *c : '?');
        }
        if (want_json)
            rc_buf_puts(&b, ", not JSON");
        else
            rc_buf_printf(&b, ", %zu bytes", r->body_len);
    }
    bool g = server == API_GRAFANA;
    rc_buf_printf(&b,
                  " (%s answers %s) — this does not look like %s's API (is "
                  "monitoring.%s pointing at a proxy or login page?)",
                  g ? "Grafana" : "Prometheus", expected, g ? "Grafana" : "Prometheus",
                  g ? "grafana_url" : "prometheus_url");
    return rc_buf_take(&b);
}

/* The body of a 200 as JSON when it has the shape, else NULL with a
 * not_api_text message in *err. */
static json_t *api_json(const char *what, const char *method, const char *url,
                        const rc_http_response *r, const api_shape *shape, api_server server,
                        char **err)
{
    *err = NULL;
    json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL) : NULL;
    if (shape->ok(j))
        return j;
    *err = not_api_text(what, method, url, r, j, shape->expected, true, server);
    json_decref(j);
    return NULL;
}

/* A Grafana request for item it, doing `what` (named in messages), with the
 * retry policy of send_retry. Returns the final HTTP status when it is 200,
 * with the body in *json checked against shape (the caller decrefs), or one of
 * `also` (0-terminated, may be NULL), with *json NULL; otherwise -1 with the
 * item failed. *attempts counts the requests sent. */
static long grafana_send(pub *p, rc_publish_item *it, const char *what, const char *method,
                         const char *url, const char *body, const long *also,
                         const api_shape *shape, json_t **json, int *attempts)
{
    *json = NULL;
    char *err;
    rc_http_response r;
    int rc = send_retry(p, method, url, &p->grafana_headers, body, body ? strlen(body) : 0,
                        retry_5xx_429, &r, attempts, &err);
    if (rc < 0) {
        item_fail(p, it, rc_xasprintf("%s: %s", what, err));
        free(err);
        return -1;
    }
    long status = r.status;
    if (status == 200) {
        *json = api_json(what, method, url, &r, shape, API_GRAFANA, &err);
        rc_http_response_free(&r);
        if (!*json) {
            item_fail(p, it, err);
            return -1;
        }
        return status;
    }
    for (const long *s = also; s && *s; s++) {
        if (status == *s) {
            rc_http_response_free(&r);
            return status;
        }
    }
    item_fail(p, it, failure_text(p, what, &r, *attempts));
    rc_http_response_free(&r);
    return -1;
}

/* ---- JSON comparison ----------------------------------------------------- */

static bool json_same(const json_t *a, const json_t *b);

static bool json_same_object(const json_t *a, const json_t *b, const char *const *ignore,
                             size_t nignore)
{
    const char *key;
    json_t *va;
    size_t na = 0, nb = 0;
    json_object_foreach((json_t *)a, key, va)
    {
        bool skip = false;
        for (size_t i = 0; i < nignore; i++)
            skip = skip || !strcmp(key, ignore[i]);
        if (skip)
            continue;
        na++;
        json_t *vb = json_object_get(b, key);
        if (!vb || !json_same(va, vb))
            return false;
    }
    json_object_foreach((json_t *)b, key, va)
    {
        bool skip = false;
        for (size_t i = 0; i < nignore; i++)
            skip = skip || !strcmp(key, ignore[i]);
        if (!skip)
            nb++;
    }
    return na == nb;
}

/* Structural equality; numbers by value (Grafana may write 1 back as 1.0). */
static bool json_same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_OBJECT:
        return json_same_object(a, b, NULL, 0);
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_same(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    default:
        return json_equal((json_t *)a, (json_t *)b);
    }
}

/* Fields Grafana sets itself on save. */
static const char *const grafana_owned[] = {"id", "version", "iteration"};

/* ---- Grafana: folder ----------------------------------------------------- */

static char *grafana_folder_url(pub *p, const char *uid)
{
    return uid ? rc_xasprintf("%s/api/folders/%s", p->grafana, uid)
               : rc_xasprintf("%s/api/folders", p->grafana);
}

/* A folder created by someone else with our title: use its uid. */
static int folder_by_title(pub *p, rc_publish_item *it)
{
    char *url = rc_xasprintf("%s/api/folders?limit=1000", p->grafana);
    json_t *j;
    int attempts;
    long status = grafana_send(p, it, "listing folders", "GET", url, NULL, NULL, &folder_list_shape,
                               &j, &attempts);
    free(url);
    if (status < 0)
        return -1;
    size_t i;
    json_t *f;
    const char *uid = NULL;
    json_array_foreach(j, i, f)
    {
        const char *t = json_string_value(json_object_get(f, "title"));
        if (t && !strcmp(t, p->folder_title)) {
            uid = json_string_value(json_object_get(f, "uid"));
            break;
        }
    }
    if (!uid || !grafana_uid_ok(uid)) {
        item_fail(p, it,
                  rc_xasprintf("folder \"%s\" could not be created and was not found by title",
                               p->folder_title));
        json_decref(j);
        return -1;
    }
    snprintf(p->folder_uid, sizeof(p->folder_uid), "%s", uid);
    free(it->name);
    it->name = rc_xstrdup(uid);
    it->status = RC_PUB_OK;
    it->message = rc_xasprintf("folder with this title already exists (uid %s)", uid);
    json_decref(j);
    return 0;
}

static int folder_create(pub *p, rc_publish_item *it)
{
    char *url = grafana_folder_url(p, NULL);
    json_t *body = json_pack("{s:s, s:s}", "uid", p->folder_uid, "title", p->folder_title);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    /* taken title: 409 in Grafana 8-10, 412/400 in some versions */
    static const long taken[] = {409, 412, 400, 0};
    json_t *j;
    int attempts;
    long status = grafana_send(p, it, "creating folder", "POST", url, text, taken, &folder_shape,
                               &j, &attempts);
    free(text);
    free(url);
    it->attempts = attempts;
    if (status < 0)
        return -1;
    if (status == 200) {
        const char *uid = json_string_value(json_object_get(j, "uid"));
        if (uid && grafana_uid_ok(uid) && strcmp(uid, p->folder_uid)) {
            snprintf(p->folder_uid, sizeof(p->folder_uid), "%s", uid);
            free(it->name);
            it->name = rc_xstrdup(uid);
        }
        json_decref(j);
        it->status = RC_PUB_CREATED;
        p->rep->folder_created = true;
        return 0;
    }
    return folder_by_title(p, it);
}

static int folder_rename(pub *p, rc_publish_item *it, const char *old_title)
{
    char *url = grafana_folder_url(p, p->folder_uid);
    json_t *body = json_pack("{s:s, s:b}", "title", p->folder_title, "overwrite", 1);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_t *j;
    int attempts;
    long status = grafana_send(p, it, "renaming folder", "PUT", url, text, NULL, &folder_shape, &j,
                               &attempts);
    free(text);
    free(url);
    if (status < 0)
        return -1;
    json_decref(j);
    it->status = RC_PUB_UPDATED;
    it->message = rc_xasprintf("renamed from \"%s\"", old_title);
    return 0;
}

static int folder_ensure(pub *p)
{
    rc_publish_item *it = add_item(p, RC_PUB_GRAFANA, RC_PUB_OK, p->folder_uid, p->folder_title);
    it->url = rc_xstrdup(p->grafana_shown);
    char *url = grafana_folder_url(p, p->folder_uid);
    static const long absent[] = {404, 0};
    json_t *j;
    int attempts;
    long status = grafana_send(p, it, "looking up folder", "GET", url, NULL, absent, &folder_shape,
                               &j, &attempts);
    free(url);
    it->attempts = attempts;
    if (status < 0)
        return -1;
    if (status == 404)
        return folder_create(p, it);
    const char *title = json_string_value(json_object_get(j, "title"));
    int ret = 0;
    if (title && strcmp(title, p->folder_title))
        ret = folder_rename(p, it, title);
    json_decref(j);
    return ret;
}

/* ---- Grafana: dashboards ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Sorted heap list of dir/<name> for names ending in one of the suffixes.
 * A missing directory is an empty list; other errors return -errno. */
static int list_files(char ***out, size_t *n, const char *dir, const char *const *suffixes,
                      size_t nsuffixes)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        bool match = false;
        for (size_t i = 0; i < nsuffixes; i++)
            match = match || has_suffix(e->d_name, suffixes[i]);
        if (!match)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = rc_xrealloc(*out, cap * sizeof(**out));
        }
        (*out)[(*n)++] = rc_xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof(**out), cmp_str);
    return 0;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Read and check one dashboard file. Returns the dashboard object (a new
 * reference) or NULL with a message on the item. */
static json_t *load_dashboard(pub *p, rc_publish_item *it, const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        item_fail(p, it, rc_xasprintf("%s:%d:%d: %s", path, je.line, je.column, je.text));
        return NULL;
    }
    json_t *dash = json_object_get(root, "dashboard");
    if (json_is_object(dash))
        json_incref(dash);
    else
        dash = json_incref(root);
    json_decref(root);
    if (!json_is_object(dash)) {
        item_fail(p, it, rc_xasprintf("%s: not a dashboard (expected a JSON object)", path));
        json_decref(dash);
        return NULL;
    }
    const char *uid = json_string_value(json_object_get(dash, "uid"));
    const char *title = json_string_value(json_object_get(dash, "title"));
    if (!uid || !grafana_uid_ok(uid)) {
        item_fail(p, it,
                  rc_xasprintf("%s: the dashboard needs a \"uid\" of at most 40 characters "
                               "[a-zA-Z0-9_-] (got %s%s%s)",
                               path, uid ? "\"" : "", uid ? uid : "none", uid ? "\"" : ""));
        json_decref(dash);
        return NULL;
    }
    if (!title || !*title) {
        item_fail(p, it, rc_xasprintf("%s: the dashboard has no \"title\"", path));
        json_decref(dash);
        return NULL;
    }
    free(it->name);
    it->name = rc_xstrdup(uid);
    it->title = rc_xstrdup(title);
    return dash;
}

static char *save_message(const pub *p)
{
    return rc_xasprintf("reconcile %s", p->opt.commit ? p->opt.commit : "working tree");
}

static char *dashboard_payload(const pub *p, const json_t *dash)
{
    json_t *copy = json_deep_copy(dash);
    json_object_set_new(copy, "id", json_null());
    char *msg = save_message(p);
    json_t *body = json_pack("{s:o, s:s, s:b, s:s}", "dashboard", copy, "folderUid", p->folder_uid,
                             "overwrite", 1, "message", msg);
    free(msg);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

/* GET the stored dashboard: sets *status to CREATED (absent), UPDATED
 * (different) or UNCHANGED. Returns -1 with the item failed otherwise. */
static int dashboard_compare(pub *p, rc_publish_item *it, const json_t *dash,
                             rc_publish_status *status)
{
    char *url = rc_xasprintf("%s/api/dashboards/uid/%s", p->grafana, it->name);
    static const long absent[] = {404, 0};
    json_t *j;
    int attempts;
    long http = grafana_send(p, it, "reading the stored dashboard", "GET", url, NULL, absent,
                             &stored_dashboard_shape, &j, &attempts);
    free(url);
    it->attempts = attempts;
    if (http < 0)
        return -1;
    if (http == 404) {
        *status = RC_PUB_CREATED;
        return 0;
    }
    const json_t *stored = json_object_get(j, "dashboard");
    const char *folder =
        json_string_value(json_object_get(json_object_get(j, "meta"), "folderUid"));
    bool same = json_same_object(dash, stored, grafana_owned,
                                 sizeof(grafana_owned) / sizeof(grafana_owned[0]));
    if (same && folder && strcmp(folder, p->folder_uid)) {
        same = false;
        it->message = rc_xasprintf("moved to folder %s from %s", p->folder_uid, folder);
    }
    json_decref(j);
    *status = same ? RC_PUB_UNCHANGED : RC_PUB_UPDATED;
    return 0;
}

static void dashboard_publish(pub *p, const char *path)
{
    rc_publish_item *it = add_item(p, RC_PUB_DASHBOARD, RC_PUB_PLANNED, NULL, NULL);
    it->file = rc_xstrdup(path);
    json_t *dash = load_dashboard(p, it, path);
    if (!dash) {
        p->rep->failed++;
        return;
    }
    char *post_url = rc_xasprintf("%s/api/dashboards/db", p->grafana);
    if (p->opt.dry_run) {
        json_t *panels = json_object_get(dash, "panels");
        char *body = dashboard_payload(p, dash);
        char *get_url = rc_xasprintf("%s/api/dashboards/uid/%s", p->grafana, it->name);
        add_request(p, "GET", get_url,
                    rc_xasprintf("compare with the stored dashboard \"%s\"", it->title));
        free(get_url);
        add_request(p, "POST", post_url,
                    rc_xasprintf("dashboard uid=%s title=\"%s\" (%zu panels) folderUid=%s "
                                 "overwrite=true (%zu bytes; skipped when unchanged)",
                                 it->name, it->title, json_array_size(panels), p->folder_uid,
                                 strlen(body)));
        free(body);
        p->rep->planned++;
        json_decref(dash);
        free(post_url);
        return;
    }
    rc_publish_status status;
    if (dashboard_compare(p, it, dash, &status) < 0) {
        p->rep->failed++;
        goto out;
    }
    if (status == RC_PUB_UNCHANGED) {
        it->status = RC_PUB_UNCHANGED;
        p->rep->unchanged++;
        goto out;
    }
    char *body = dashboard_payload(p, dash);
    json_t *j;
    int attempts;
    long http = grafana_send(p, it, "saving", "POST", post_url, body, NULL, &saved_dashboard_shape,
                             &j, &attempts);
    free(body);
    it->attempts = attempts;
    if (http < 0) {
        p->rep->failed++;
        goto out;
    }
    const char *rel = json_string_value(json_object_get(j, "url"));
    if (rel && !strncmp(rel, "http", 4))
        it->url = rc_http_redact_url(rel);
    else if (rel) /* "/d/uid/slug", or "/grafana/d/..." under a sub-path: join to the origin */
        it->url =
            rc_xasprintf("%.*s%s", (int)url_origin_len(p->grafana_shown), p->grafana_shown, rel);
    json_decref(j);
    it->status = status;
    if (status == RC_PUB_CREATED)
        p->rep->created++;
    else
        p->rep->updated++;
out:
    json_decref(dash);
    free(post_url);
}

static void publish_grafana(pub *p)
{
    static const char *const json_suffix[] = {".json"};
    char **files = NULL;
    size_t nfiles = 0;
    if (p->opt.dashboards_dir) {
        int rc = list_files(&files, &nfiles, p->opt.dashboards_dir, json_suffix, 1);
        if (rc < 0) {
            rc_publish_item *it =
                add_item(p, RC_PUB_GRAFANA, RC_PUB_FAILED, p->folder_uid, p->folder_title);
            it->message = rc_xasprintf("%s: %s", p->opt.dashboards_dir, strerror(-rc));
            return;
        }
    }
    if (!p->grafana) {
        if (nfiles) {
            rc_publish_item *it = add_item(p, RC_PUB_GRAFANA, RC_PUB_SKIPPED, NULL, NULL);
            it->message = rc_xasprintf("monitoring.grafana_url is not set for cluster %s: %zu "
                                       "dashboards not published",
                                       p->opt.cluster, nfiles);
        }
        free_strings(files, nfiles);
        return;
    }
    if (!nfiles) {
        rc_publish_item *it =
            add_item(p, RC_PUB_GRAFANA, RC_PUB_SKIPPED, p->folder_uid, p->folder_title);
        it->message = rc_xasprintf("no rendered dashboards in %s",
                                   p->opt.dashboards_dir ? p->opt.dashboards_dir : "(none given)");
        free_strings(files, nfiles);
        return;
    }
    bool have_token = p->opt.grafana_token && *p->opt.grafana_token;
    if (p->opt.dry_run) {
        rc_publish_item *it =
            add_item(p, RC_PUB_GRAFANA, RC_PUB_PLANNED, p->folder_uid, p->folder_title);
        it->url = rc_xstrdup(p->grafana_shown);
        if (!have_token)
            it->message =
                rc_xasprintf("%s is not set: a real publish would fail", p->opt.token_env);
        char *url = grafana_folder_url(p, p->folder_uid);
        add_request(p, "GET", url,
                    rc_xasprintf("look up folder \"%s\"; POST %s/api/folders to create it if "
                                 "missing",
                                 p->folder_title, p->grafana_shown));
        free(url);
    } else if (!have_token) {
        rc_publish_item *it =
            add_item(p, RC_PUB_GRAFANA, RC_PUB_FAILED, p->folder_uid, p->folder_title);
        it->url = rc_xstrdup(p->grafana_shown);
        it->message = rc_xasprintf("no Grafana token: set %s to a service account token with "
                                   "the Editor role; %zu dashboards not published",
                                   p->opt.token_env, nfiles);
        p->rep->failed += nfiles;
        free_strings(files, nfiles);
        return;
    } else if (folder_ensure(p) < 0) {
        rc_publish_item *it = &p->rep->items[p->rep->nitems - 1];
        char *m = rc_xasprintf("%s; %zu dashboards not published", it->message, nfiles);
        free(it->message);
        it->message = m;
        p->rep->failed += nfiles;
        free_strings(files, nfiles);
        return;
    }
    for (size_t i = 0; i < nfiles; i++)
        dashboard_publish(p, files[i]);
    free_strings(files, nfiles);
}

/* ---- Prometheus ---------------------------------------------------------- */

static int add_unique(char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return 0;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = rc_xrealloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = rc_xstrdup(s);
    return 1;
}

static const char *node_scalar(yaml_document_t *d, yaml_node_t *n)
{
    (void)d;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = node_scalar(d, yaml_document_get_node(d, pr->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(d, pr->value);
    }
    return NULL;
}

static int groups_from_text(char ***v, size_t *n, size_t *cap, const char *text, size_t len,
                            const char *path, char *errbuf, size_t errlen)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(errbuf, errlen, "%s: cannot initialise the YAML parser", path);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int ret = 0;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            snprintf(errbuf, errlen, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
                     parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "invalid YAML");
            ret = -1;
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        yaml_node_t *groups = map_get(&doc, root, "groups");
        if (groups && groups->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *i = groups->data.sequence.items.start;
                 i < groups->data.sequence.items.top; i++) {
                const char *name =
                    node_scalar(&doc, map_get(&doc, yaml_document_get_node(&doc, *i), "name"));
                if (name)
                    add_unique(v, n, cap, name);
            }
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return ret;
}

int rc_publish_rule_groups_read(char ***names, size_t *n, const char *dir, char *errbuf,
                                size_t errlen)
{
    static const char *const yaml_suffixes[] = {".yml", ".yaml"};
    *names = NULL;
    *n = 0;
    char **files;
    size_t nfiles, cap = 0;
    int rc = list_files(&files, &nfiles, dir, yaml_suffixes, 2);
    if (rc < 0) {
        snprintf(errbuf, errlen, "%s: %s", dir, strerror(-rc));
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++) {
        char *text;
        size_t len;
        rc = rc_read_file(&text, &len, files[i], errbuf, errlen);
        if (rc < 0)
            goto fail;
        rc = groups_from_text(names, n, &cap, text, len, files[i], errbuf, errlen);
        free(text);
        if (rc < 0)
            goto fail;
    }
    free_strings(files, nfiles);
    if (*n)
        qsort(*names, *n, sizeof(**names), cmp_str);
    return 0;
fail:
    free_strings(files, nfiles);
    free_strings(*names, *n);
    *names = NULL;
    *n = 0;
    return -1;
}

static void prometheus_check(pub *p, char **expected, size_t nexpected)
{
    rc_publish_item *it = add_item(p, RC_PUB_RULES, RC_PUB_OK, p->prometheus_shown, NULL);
    char *url = rc_xasprintf("%s/api/v1/rules?type=alert", p->prometheus);
    rc_http_response r;
    int attempts;
    char *err;
    int rc =
        send_retry(p, "GET", url, &p->prom_headers, NULL, 0, retry_5xx_429, &r, &attempts, &err);
    it->attempts = attempts;
    if (rc < 0) {
        item_fail(p, it, rc_xasprintf("listing loaded rules: %s", err));
        free(err);
        free(url);
        return;
    }
    if (r.status != 200) {
        char *st = status_text(&r);
        item_fail(
            p, it,
            rc_xasprintf("listing loaded rules: %s%s", st, attempts > 1 ? " (after retries)" : ""));
        free(st);
        rc_http_response_free(&r);
        free(url);
        return;
    }
    json_t *j =
        api_json("listing loaded rules", "GET", url, &r, &rules_shape, API_PROMETHEUS, &err);
    rc_http_response_free(&r);
    free(url);
    if (!j) {
        item_fail(p, it, err);
        return;
    }
    json_t *groups = json_object_get(json_object_get(j, "data"), "groups");
    size_t found = 0, nmissing = 0;
    rc_buf missing = {0};
    for (size_t e = 0; e < nexpected; e++) {
        bool loaded = false;
        size_t i;
        json_t *g;
        json_array_foreach(groups, i, g)
        {
            const char *name = json_string_value(json_object_get(g, "name"));
            if (name && !strcmp(name, expected[e])) {
                loaded = true;
                break;
            }
        }
        if (loaded) {
            found++;
        } else if (nmissing++ < PUB_MISSING_NAMED) {
            rc_buf_printf(&missing, "%s%s", nmissing > 1 ? ", " : "", expected[e]);
        }
    }
    if (nmissing > PUB_MISSING_NAMED)
        rc_buf_printf(&missing, " and %zu more", nmissing - PUB_MISSING_NAMED);
    if (p->rep->rule_groups_loaded < 0)
        p->rep->rule_groups_loaded = 0;
    p->rep->rule_groups_loaded += (long)found;
    p->rep->rule_groups_expected += nexpected;
    if (nmissing) {
        item_fail(p, it,
                  rc_xasprintf("%zu of %zu rule groups loaded; missing: %s (does rule_files in "
                               "the Prometheus configuration include the rendered rules?)",
                               found, nexpected, missing.data));
    } else {
        it->message = rc_xasprintf("%zu of %zu rule groups loaded (%zu groups in total)", found,
                                   nexpected, json_array_size(groups));
    }
    rc_buf_free(&missing);
    json_decref(j);
}

static void publish_prometheus(pub *p)
{
    char **expected = NULL;
    size_t nexpected = 0, cap = 0;
    if (p->opt.rules_dir) {
        char err[512];
        if (rc_publish_rule_groups_read(&expected, &nexpected, p->opt.rules_dir, err, sizeof(err)) <
            0) {
            rc_publish_item *it =
                add_item(p, RC_PUB_RULES, RC_PUB_FAILED, p->prometheus_shown, NULL);
            it->message = rc_xstrdup(err);
        }
        cap = nexpected;
    }
    for (size_t i = 0; i < p->opt.nrule_groups; i++)
        add_unique(&expected, &nexpected, &cap, p->opt.rule_groups[i]);
    if (nexpected)
        qsort(expected, nexpected, sizeof(*expected), cmp_str);

    if (!p->prometheus) {
        if (nexpected) {
            rc_publish_item *it = add_item(p, RC_PUB_PROMETHEUS, RC_PUB_SKIPPED, NULL, NULL);
            it->message = rc_xasprintf("monitoring.prometheus_url is not set for cluster %s: "
                                       "Prometheus not reloaded",
                                       p->opt.cluster);
        }
        free_strings(expected, nexpected);
        return;
    }
    char *url = rc_xasprintf("%s/-/reload", p->prometheus);
    if (p->opt.dry_run) {
        add_item(p, RC_PUB_PROMETHEUS, RC_PUB_PLANNED, p->prometheus_shown, NULL);
        add_request(p, "POST", url, rc_xstrdup("reload the configuration and rule files"));
        char *rules = rc_xasprintf("%s/api/v1/rules?type=alert", p->prometheus);
        add_request(p, "GET", rules, rc_xasprintf("expect %zu rule groups loaded", nexpected));
        free(rules);
        free(url);
        free_strings(expected, nexpected);
        return;
    }
    rc_publish_item *it = add_item(p, RC_PUB_PROMETHEUS, RC_PUB_OK, p->prometheus_shown, NULL);
    rc_http_response r;
    int attempts;
    char *err;
    int rc = send_retry(p, "POST", url, &p->prom_headers, NULL, 0, retry_prom_reload, &r, &attempts,
                        &err);
    it->attempts = attempts;
    if (rc < 0) {
        item_fail(p, it, rc_xstrdup(err));
        free(err);
    } else if (r.status / 100 != 2) {
        char *st = status_text(&r);
        const char *hint = NULL;
        if (r.status == 403)
            hint = "start Prometheus with --web.enable-lifecycle to allow reloads over HTTP";
        else if (r.status == 500)
            hint = "Prometheus refused the configuration or a rule file; its log says why "
                   "(promtool check rules finds rule errors)";
        item_fail(p, it,
                  rc_xasprintf("%s%s%s%s", st, hint ? " — " : "", hint ? hint : "",
                               attempts > 1 ? " (after retries)" : ""));
        free(st);
        rc_http_response_free(&r);
    } else if (!blank(r.body, r.body_len)) {
        /* Prometheus writes nothing on a successful reload */
        json_t *j = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
        item_fail(p, it,
                  not_api_text(NULL, "POST", url, &r, j, "an empty body", false, API_PROMETHEUS));
        json_decref(j);
        rc_http_response_free(&r);
    } else {
        rc_http_response_free(&r);
        it->message = rc_xstrdup("reloaded");
        p->rep->prometheus_reloaded = true;
        prometheus_check(p, expected, nexpected);
    }
    free(url);
    free_strings(expected, nexpected);
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

    publish_grafana(&p);
    publish_prometheus(&p);

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
