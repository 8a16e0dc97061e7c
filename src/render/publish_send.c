/* publish_send.c — one publish request: sent with the retry policy, its
 * failure worded for the report, and its 200 checked to be the API's answer. */
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

/* ---- requests with retries ----------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

bool pub_retry_5xx_429(const rc_http_response *r)
{
    return r->status >= 500 || r->status == 429;
}

/* Prometheus answers 500 "failed to reload config: ..." when the rule files
 * are wrong: the same files fail again, so that one is final. */
bool pub_retry_prom_reload(const rc_http_response *r)
{
    if (r->status >= 500 && r->body && !strncmp(r->body, "failed to reload config", 23))
        return false;
    return pub_retry_5xx_429(r);
}

/* Send with the retry policy. Returns 0 with the final response in *resp
 * (possibly a 5xx after the last attempt), or a negative rc_http code with a
 * heap message in *err ("... (after 4 attempts)"). *attempts counts requests. */
int pub_send_retry(pub *p, const char *method, const char *url, const rc_kvlist *headers,
                   const char *body, size_t body_len, retry_status_fn retry, rc_http_response *resp,
                   int *attempts, char **err)
{
    *err = NULL;
    int delay = p->opt.base_delay_ms;
    for (int attempt = 1;; attempt++) {
        *attempts = attempt;
        char m[RC_ERRBUF_LEN] = "";
        int rc = p->h->ops->request(p->h, method, url, headers, body, body_len, resp, m, sizeof(m));
        bool last = attempt >= p->opt.max_attempts;
        if (rc == 0) {
            if (last || !retry(resp))
                return 0;
            rc_http_response_free(resp);
        } else if (last || !rc_http_error_retryable(rc)) {
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
char *pub_status_text(const rc_http_response *r)
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
    char *st = pub_status_text(r);
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

const api_shape pub_folder_shape = {is_folder, "a JSON object with a string \"uid\""};
const api_shape pub_folder_list_shape = {is_folder_list, "a JSON array of folders"};
const api_shape pub_stored_dashboard_shape = {is_stored_dashboard,
                                              "a JSON object with a \"dashboard\" object"};
const api_shape pub_saved_dashboard_shape = {is_saved_dashboard,
                                             "a JSON object with \"status\": \"success\""};
const api_shape pub_rules_shape = {is_rules_listing,
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

bool pub_blank(const char *s, size_t n)
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
char *pub_not_api_text(const char *what, const char *method, const char *url,
                       const rc_http_response *r, const json_t *j, const char *expected,
                       bool want_json, api_server server)
{
    const char *path = url + pub_url_origin_len(url);
    rc_buf b = {0};
    if (what)
        rc_buf_printf(&b, "%s: ", what);
    rc_buf_printf(&b, "%s %s: HTTP %ld", method, *path ? path : "/", r->status);
    if (j) {
        rc_buf_printf(&b, ", a JSON %s", json_kind(j));
    } else if (!r->body_len || pub_blank(r->body, r->body_len)) {
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
 * pub_not_api_text message in *err. */
json_t *pub_api_json(const char *what, const char *method, const char *url,
                     const rc_http_response *r, const api_shape *shape, api_server server,
                     char **err)
{
    *err = NULL;
    json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL) : NULL;
    if (shape->ok(j))
        return j;
    *err = pub_not_api_text(what, method, url, r, j, shape->expected, true, server);
    json_decref(j);
    return NULL;
}

/* A Grafana request for item it, doing `what` (named in messages), with the
 * retry policy of pub_send_retry. Returns the final HTTP status when it is 200,
 * with the body in *json checked against shape (the caller decrefs), or one of
 * `also` (0-terminated, may be NULL), with *json NULL; otherwise -1 with the
 * item failed. *attempts counts the requests sent. */
long pub_grafana_send(pub *p, rc_publish_item *it, const char *what, const char *method,
                      const char *url, const char *body, const long *also, const api_shape *shape,
                      json_t **json, int *attempts)
{
    *json = NULL;
    char *err;
    rc_http_response r;
    int rc = pub_send_retry(p, method, url, &p->grafana_headers, body, body ? strlen(body) : 0,
                            pub_retry_5xx_429, &r, attempts, &err);
    if (rc < 0) {
        pub_item_fail(p, it, rc_xasprintf("%s: %s", what, err));
        free(err);
        return -1;
    }
    long status = r.status;
    if (status == 200) {
        *json = pub_api_json(what, method, url, &r, shape, API_GRAFANA, &err);
        rc_http_response_free(&r);
        if (!*json) {
            pub_item_fail(p, it, err);
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
    pub_item_fail(p, it, failure_text(p, what, &r, *attempts));
    rc_http_response_free(&r);
    return -1;
}
