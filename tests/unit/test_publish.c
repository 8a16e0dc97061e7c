/* Unit tests of the publisher with a scripted fake HTTP table: each test lists
 * the requests it expects, in order, with the answer to give. The same paths
 * run against a Grafana-like HTTP server and a real Prometheus in
 * tests/integration/test_publish.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "publish.h"
#include "support.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define G "http://grafana.test"
#define P "http://prom.test:9090"

typedef struct step {
    const char *method;
    const char *url; /* exact */
    long status;     /* answer, when err == 0 */
    const char *body;
    int err; /* RC_HTTP_E* transport failure instead of an answer */
} step;

typedef struct seen {
    char *method;
    char *url;
    char *body;
    char *auth;
} seen;

typedef struct fake {
    rc_http base;
    const step *script;
    size_t nscript;
    size_t next;
    seen reqs[64];
    size_t nreqs;
} fake;

/* What a server would label the body with: the messages name it. */
static char *content_type_of(const char *body)
{
    if (!*body)
        return NULL;
    if (*body == '<')
        return rc_xstrdup("text/html; charset=utf-8");
    json_t *j = json_loads(body, JSON_DECODE_ANY, NULL);
    json_decref(j);
    return rc_xstrdup(j ? "application/json" : "text/plain; charset=utf-8");
}

static int f_request(rc_http *h, const char *method, const char *url, const rc_kvlist *headers,
                     const char *body, size_t body_len, rc_http_response *resp, char *errbuf,
                     size_t errlen)
{
    fake *f = (fake *)h;
    memset(resp, 0, sizeof(*resp));
    assert_true(f->nreqs < 64);
    seen *s = &f->reqs[f->nreqs++];
    s->method = rc_xstrdup(method);
    s->url = rc_xstrdup(url);
    s->body = body ? rc_xstrndup(body, body_len) : NULL;
    const char *auth = headers ? rc_kvlist_get(headers, "Authorization") : NULL;
    s->auth = auth ? rc_xstrdup(auth) : NULL;
    if (f->next >= f->nscript)
        fail_msg("unexpected request %s %s (script has %zu steps)", method, url, f->nscript);
    const step *st = &f->script[f->next++];
    if (strcmp(st->method, method) || strcmp(st->url, url))
        fail_msg("request %zu: got %s %s, want %s %s", f->next, method, url, st->method, st->url);
    if (st->err) {
        return rc_errorf(st->err, errbuf, errlen, "%s %s: Failed to connect: Connection refused",
                         method, url);
    }
    resp->status = st->status;
    resp->body = rc_xstrdup(st->body ? st->body : "");
    resp->body_len = strlen(resp->body);
    resp->content_type = content_type_of(resp->body);
    return 0;
}

static void f_destroy(rc_http *h)
{
    fake *f = (fake *)h;
    for (size_t i = 0; i < f->nreqs; i++) {
        free(f->reqs[i].method);
        free(f->reqs[i].url);
        free(f->reqs[i].body);
        free(f->reqs[i].auth);
    }
    f->nreqs = 0;
}

static const rc_http_ops fake_ops = {.request = f_request, .destroy = f_destroy};

static void fake_init(fake *f, const step *script, size_t n)
{
    memset(f, 0, sizeof(*f));
    f->base.ops = &fake_ops;
    f->script = script;
    f->nscript = n;
}

/* ---- fixture: a temp output dir with dashboards and rules --------------- */

typedef struct fixture {
    char root[64];
    char dash[96];
    char rules[96];
} fixture;

static const char dash_a[] =
    "{\"uid\": \"rc-local-a\", \"title\": \"a\", \"panels\": [{\"type\": \"timeseries\", "
    "\"gridPos\": {\"h\": 8, \"w\": 12}}], \"schemaVersion\": 37}";
static const char dash_b[] = "{\"uid\": \"rc-local-b\", \"title\": \"b\", \"panels\": []}";
static const char rules_yml[] = "groups:\n"
                                "- name: kafka-local-a\n"
                                "  rules:\n"
                                "  - alert: KafkaConsumerLagHigh\n"
                                "    expr: vector(1) > 2\n"
                                "- name: kafka-local-b\n"
                                "  rules: []\n";

static int setup(void **state)
{
    fixture *fx = rc_xcalloc(1, sizeof(*fx));
    snprintf(fx->root, sizeof(fx->root), "/tmp/test_publish.XXXXXX");
    assert_non_null(mkdtemp(fx->root));
    snprintf(fx->dash, sizeof(fx->dash), "%s/dashboards", fx->root);
    snprintf(fx->rules, sizeof(fx->rules), "%s/rules", fx->root);
    assert_int_equal(mkdir(fx->dash, 0700), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    t_remove_tree(fx->root);
    free(fx);
    return 0;
}

static rc_publish_options opts(const fixture *fx)
{
    rc_publish_options o = {
        .cluster = "local",
        .grafana_url = G "/",
        /* the trailing slash is dropped from the base */
        .grafana_token = "glsa_secret_token",
        .dashboards_dir = fx->dash,
        .prometheus_url = P,
        .rules_dir = fx->rules,
        .commit = "abc1234",
        .max_attempts = 3,
        .base_delay_ms = 1,
    };
    return o;
}

/* ---- canned answers -------------------------------------------------------- */

#define FOLDER_URL G "/api/folders/reconcile-local"
#define DASH_URL(uid) G "/api/dashboards/uid/" uid
#define SAVE_URL G "/api/dashboards/db"
#define FOLDER_OK "{\"id\": 7, \"uid\": \"reconcile-local\", \"title\": \"Kafka topics / local\"}"
#define NOT_FOUND "{\"message\": \"Dashboard not found\"}"
#define SAVED(uid)                                                                                 \
    "{\"id\": 1, \"uid\": \"" uid "\", \"url\": \"/d/" uid "/x\", \"status\": \"success\"}"
#define RULES_OK                                                                                   \
    "{\"status\": \"success\", \"data\": {\"groups\": [{\"name\": \"kafka-local-a\"}, "            \
    "{\"name\": \"kafka-local-b\"}, {\"name\": \"other\"}]}}"

static const step prom_ok[] = {
    {"POST", P "/-/reload", 200, "", 0},
    {"GET", P "/api/v1/rules?type=alert", 200, RULES_OK, 0},
};

static size_t concat(step *out, size_t cap, const step *a, size_t na, const step *b, size_t nb)
{
    assert_true(na + nb <= cap);
    memcpy(out, a, na * sizeof(*a));
    memcpy(out + na, b, nb * sizeof(*b));
    return na + nb;
}

static const rc_publish_item *find_item(const rc_publish_report *rep, rc_publish_kind kind,
                                        const char *name)
{
    for (size_t i = 0; i < rep->nitems; i++)
        if (rep->items[i].kind == kind &&
            (!name || (rep->items[i].name && !strcmp(rep->items[i].name, name))))
            return &rep->items[i];
    fail_msg("no item %d %s", (int)kind, name ? name : "");
    return NULL;
}

static size_t count_requests(const fake *f, const char *method, const char *url)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nreqs; i++)
        n += !strcmp(f->reqs[i].method, method) && !strcmp(f->reqs[i].url, url);
    return n;
}

/* ---- tests ----------------------------------------------------------------- */

/* Folder missing -> created; a missing -> created; b stored identically (plus
 * the fields Grafana adds, and 0 written back as 0.0) -> unchanged, no POST;
 * then reload and all groups found. */
static void test_create_unchanged_and_reload(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    assert_int_equal(mkdir(fx->rules, 0700), 0);
    t_write_file(fx->rules, "local.yml", rules_yml);
    t_write_file(fx->rules, "README.txt", "not rules");
    const step graf[] = {
        {"GET", FOLDER_URL, 404, "{\"message\": \"folder not found\"}", 0},
        {"POST", G "/api/folders", 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-a"), 0},
        {"GET", DASH_URL("rc-local-b"), 200,
         "{\"dashboard\": {\"id\": 3, \"version\": 9, \"uid\": \"rc-local-b\", \"title\": \"b\", "
         "\"panels\": []}, \"meta\": {\"folderUid\": \"reconcile-local\"}}",
         0},
    };
    step script[16];
    size_t n = concat(script, 16, graf, 5, prom_ok, 2);
    fake f;
    fake_init(&f, script, n);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    assert_int_equal(f.next, n);
    assert_int_equal(rep.created, 1);
    assert_int_equal(rep.updated, 0);
    assert_int_equal(rep.unchanged, 1);
    assert_int_equal(rep.failed, 0);
    assert_true(rep.folder_created);
    assert_true(rep.prometheus_reloaded);
    assert_int_equal(rep.rule_groups_loaded, 2);
    assert_int_equal(rep.rule_groups_expected, 2);
    assert_int_equal(count_requests(&f, "POST", SAVE_URL), 1);

    /* the folder body and the dashboard body */
    json_t *folder = json_loads(f.reqs[1].body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(folder, "uid")), "reconcile-local");
    assert_string_equal(json_string_value(json_object_get(folder, "title")),
                        "Kafka topics / local");
    json_decref(folder);
    json_t *save = json_loads(f.reqs[3].body, 0, NULL);
    assert_non_null(save);
    assert_true(json_is_true(json_object_get(save, "overwrite")));
    assert_string_equal(json_string_value(json_object_get(save, "folderUid")), "reconcile-local");
    assert_string_equal(json_string_value(json_object_get(save, "message")), "reconcile abc1234");
    json_t *d = json_object_get(save, "dashboard");
    assert_true(json_is_null(json_object_get(d, "id")));
    assert_string_equal(json_string_value(json_object_get(d, "uid")), "rc-local-a");
    json_decref(save);
    /* Grafana requests carry the token; Prometheus requests do not */
    for (size_t i = 0; i < f.nreqs; i++) {
        if (!strncmp(f.reqs[i].url, G, strlen(G)))
            assert_string_equal(f.reqs[i].auth, "Bearer glsa_secret_token");
        else
            assert_null(f.reqs[i].auth);
    }
    const rc_publish_item *a = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a");
    assert_int_equal(a->status, RC_PUB_CREATED);
    assert_string_equal(a->url, G "/d/rc-local-a/x"); /* joined to the origin, not the base */

    /* the report text never shows the token */
    rc_buf text = {0};
    rc_publish_report_format(&text, &rep, true);
    assert_non_null(strstr(text.data, "created   dashboard rc-local-a \"a\""));
    assert_non_null(strstr(text.data, "unchanged dashboard rc-local-b"));
    assert_non_null(strstr(text.data, "1 created, 0 updated, 1 unchanged, 0 failed"));
    assert_non_null(strstr(text.data, "prometheus reloaded, 2 of 2 rule groups loaded"));
    assert_null(strstr(text.data, "glsa_secret_token"));
    rc_buf_free(&text);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* The stored dashboard differs in one panel, numbers written back as reals
 * are not a difference. */
static void test_updated_and_number_equality(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 200,
         "{\"dashboard\": {\"id\": 3, \"version\": 2, \"uid\": \"rc-local-a\", \"title\": \"a\", "
         "\"panels\": [{\"type\": \"timeseries\", \"gridPos\": {\"h\": 8.0, \"w\": 12.0}}], "
         "\"schemaVersion\": 37.0}, \"meta\": {\"folderUid\": \"reconcile-local\"}}",
         0},
        {"GET", DASH_URL("rc-local-b"), 200,
         "{\"dashboard\": {\"id\": 4, \"uid\": \"rc-local-b\", \"title\": \"b (edited in UI)\", "
         "\"panels\": []}, \"meta\": {\"folderUid\": \"reconcile-local\"}}",
         0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-b"), 0},
    };
    fake f;
    fake_init(&f, script, 4);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    assert_int_equal(f.next, 4);
    assert_int_equal(rep.unchanged, 1);
    assert_int_equal(rep.updated, 1);
    assert_false(rep.folder_created);
    assert_int_equal(find_item(&rep, RC_PUB_DASHBOARD, "rc-local-b")->status, RC_PUB_UPDATED);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* A dashboard stored in another folder is moved (updated). */
static void test_moved_folder_is_update(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "b.json", dash_b);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-b"), 200,
         "{\"dashboard\": {\"uid\": \"rc-local-b\", \"title\": \"b\", \"panels\": []}, "
         "\"meta\": {\"folderUid\": \"somewhere-else\"}}",
         0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-b"), 0},
    };
    fake f;
    fake_init(&f, script, 3);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    const rc_publish_item *b = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-b");
    assert_int_equal(b->status, RC_PUB_UPDATED);
    assert_non_null(strstr(b->message, "somewhere-else"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* 500 then 200 on the save: retried, success. */
static void test_retry_500_then_ok(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    const step script[] = {
        {"GET", FOLDER_URL, 503, "upstream connect error", 0},
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 500, "{\"message\": \"Internal Server Error\"}", 0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-a"), 0},
    };
    fake f;
    fake_init(&f, script, 5);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    assert_int_equal(f.next, 5);
    assert_int_equal(rep.created, 1);
    const rc_publish_item *a = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a");
    assert_int_equal(a->attempts, 2);
    /* both POSTs carried the same body */
    assert_string_equal(f.reqs[3].body, f.reqs[4].body);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* 5xx on every attempt: fails after max_attempts with the last status. */
static void test_500_exhausts_attempts(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 500, "{\"message\": \"database is locked\"}", 0},
        {"POST", SAVE_URL, 502, "bad gateway", 0},
        {"POST", SAVE_URL, 500, "{\"message\": \"database is locked\"}", 0},
    };
    fake f;
    fake_init(&f, script, 5);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 5);
    assert_int_equal(rep.failed, 1);
    const rc_publish_item *a = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a");
    assert_non_null(strstr(a->message, "HTTP 500: database is locked"));
    assert_non_null(strstr(a->message, "after 3 attempts"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* 401: no retry, the error names the status and Grafana's message; the next
 * dashboard is still tried; the result is a failure. */
static void test_401_not_retried_and_others_continue(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 401, "{\"message\": \"Unauthorized: invalid API key\"}", 0},
        {"GET", DASH_URL("rc-local-b"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-b"), 0},
    };
    fake f;
    fake_init(&f, script, 5);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 5);
    assert_int_equal(rep.failed, 1);
    assert_int_equal(rep.created, 1);
    const rc_publish_item *a = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a");
    assert_int_equal(a->status, RC_PUB_FAILED);
    assert_int_equal(a->attempts, 1);
    assert_non_null(strstr(a->message, "HTTP 401: Unauthorized: invalid API key"));
    assert_non_null(strstr(a->message, "GRAFANA_TOKEN"));
    assert_null(strstr(a->message, "glsa_secret_token"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* 401 on the folder: nothing else is sent to Grafana; Prometheus still runs. */
static void test_401_on_folder_stops_grafana(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    const step graf[] = {
        {"GET", FOLDER_URL, 401, "{\"message\": \"invalid API key\"}", 0},
    };
    step script[8];
    size_t n = concat(script, 8, graf, 1, prom_ok, 2);
    fake f;
    fake_init(&f, script, n);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, n);
    assert_int_equal(rep.failed, 2);
    const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
    assert_int_equal(g->status, RC_PUB_FAILED);
    assert_non_null(strstr(g->message, "HTTP 401: invalid API key"));
    assert_non_null(strstr(g->message, "2 dashboards not published"));
    assert_true(rep.prometheus_reloaded);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* 412 version-mismatch is reported clearly, not retried. */
static void test_412_reported(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 412,
         "{\"message\": \"The dashboard has been changed by someone else\", \"status\": "
         "\"version-mismatch\"}",
         0},
    };
    fake f;
    fake_init(&f, script, 3);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 3);
    const rc_publish_item *a = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a");
    assert_non_null(strstr(a->message, "HTTP 412 version-mismatch: The dashboard has been changed "
                                       "by someone else"));
    assert_non_null(strstr(a->message, "someone changed this dashboard in Grafana"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Connection refused on every attempt: retried, then a clear failure; a
 * malformed URL is not retried. */
static void test_transport_error_retried_then_fails(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    const step script[] = {
        {"GET", FOLDER_URL, 0, NULL, RC_HTTP_ECONNECT},
        {"GET", FOLDER_URL, 0, NULL, RC_HTTP_ETIMEOUT},
        {"GET", FOLDER_URL, 0, NULL, RC_HTTP_ECONNECT},
        {"POST", P "/-/reload", 0, NULL, RC_HTTP_ETLS},
    };
    fake f;
    fake_init(&f, script, 4);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 4);
    const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
    assert_non_null(strstr(g->message, "Connection refused (after 3 attempts)"));
    const rc_publish_item *pr = find_item(&rep, RC_PUB_PROMETHEUS, NULL);
    assert_int_equal(pr->status, RC_PUB_FAILED);
    assert_int_equal(pr->attempts, 1);
    assert_false(rep.prometheus_reloaded);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Dry run: no request at all, the plan lists what would be sent; no token
 * needed (noted). */
static void test_dry_run_sends_nothing(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    assert_int_equal(mkdir(fx->rules, 0700), 0);
    t_write_file(fx->rules, "local.yml", rules_yml);
    fake f;
    fake_init(&f, NULL, 0);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.dry_run = true;
    o.grafana_token = NULL;
    o.grafana_url = "http://admin:pw@grafana.test";
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    assert_int_equal(f.nreqs, 0);
    assert_int_equal(rep.planned, 2);
    assert_int_equal(rep.created + rep.updated + rep.unchanged + rep.failed, 0);
    assert_int_equal(rep.nrequests, 1 + 2 * 2 + 2);
    assert_string_equal(rep.requests[0].method, "GET");
    assert_string_equal(rep.requests[0].url, "http://***@grafana.test/api/folders/reconcile-local");
    assert_string_equal(rep.requests[2].method, "POST");
    assert_non_null(strstr(rep.requests[2].summary, "uid=rc-local-a"));
    assert_non_null(strstr(rep.requests[2].summary, "overwrite=true"));
    assert_non_null(strstr(rep.requests[2].summary, "(1 panels)"));
    assert_string_equal(rep.requests[5].url, P "/-/reload");
    assert_non_null(strstr(rep.requests[6].summary, "expect 2 rule groups"));
    const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
    assert_non_null(strstr(g->message, "GRAFANA_TOKEN is not set"));

    rc_buf text = {0};
    rc_publish_report_format(&text, &rep, false);
    assert_non_null(strstr(text.data, "dry run"));
    assert_non_null(strstr(text.data, "2 to publish"));
    assert_non_null(strstr(text.data, "prometheus reload planned"));
    assert_null(strstr(text.data, ":pw@"));
    rc_buf_free(&text);
    rc_publish_report_free(&rep);
    /* same through the real NULL client: a dry run never touches it */
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, NULL, &o), 0);
    rc_publish_report_free(&rep);
}

/* No token and not a dry run: Grafana fails without a request, naming the
 * variable; Prometheus still reloads. */
static void test_missing_token(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    fake f;
    fake_init(&f, prom_ok, 2);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.grafana_token = "";
    o.token_env = "GRAFANA_LOCAL_TOKEN";
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 2);
    const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
    assert_int_equal(g->status, RC_PUB_FAILED);
    assert_non_null(strstr(g->message, "set GRAFANA_LOCAL_TOKEN"));
    assert_int_equal(rep.failed, 1);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Broken dashboard files fail alone. */
static void test_bad_dashboard_files(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", "{\"uid\": \"rc-local-a\", \"title\": ");
    t_write_file(fx->dash, "b.json", "{\"uid\": \"../../api/admin\", \"title\": \"x\"}");
    t_write_file(
        fx->dash, "c.json",
        "{\"dashboard\": {\"uid\": \"rc-local-c\", \"title\": \"c\"}, \"overwrite\": true}");
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-c"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-c"), 0},
    };
    fake f;
    fake_init(&f, script, 3);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 3);
    assert_int_equal(rep.failed, 2);
    assert_int_equal(rep.created, 1);
    assert_non_null(strstr(rep.items[1].message, "a.json:1:"));
    assert_non_null(strstr(rep.items[2].message, "needs a \"uid\""));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* The folder title is taken by a folder with another uid: use that one. */
static void test_folder_title_taken(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "b.json", dash_b);
    const step script[] = {
        {"GET", FOLDER_URL, 404, "{\"message\": \"folder not found\"}", 0},
        {"POST", G "/api/folders", 409,
         "{\"message\": \"a folder or dashboard in the general folder with the same name already "
         "exists\"}",
         0},
        {"GET", G "/api/folders?limit=1000", 200,
         "[{\"id\": 1, \"uid\": \"other\", \"title\": \"x\"}, {\"id\": 2, \"uid\": \"hand-made\", "
         "\"title\": \"Kafka topics (local)\"}]",
         0},
        {"GET", DASH_URL("rc-local-b"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-b"), 0},
    };
    fake f;
    fake_init(&f, script, 5);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.grafana_folder = "Kafka topics (local)";
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    assert_int_equal(f.next, 5);
    json_t *save = json_loads(f.reqs[4].body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(save, "folderUid")), "hand-made");
    json_decref(save);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Folder exists with an old title: renamed with PUT. */
static void test_folder_renamed(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "b.json", dash_b);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"PUT", FOLDER_URL, 200, "{\"uid\": \"reconcile-local\", \"title\": \"Local\"}", 0},
        {"GET", DASH_URL("rc-local-b"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, SAVED("rc-local-b"), 0},
    };
    fake f;
    fake_init(&f, script, 4);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.grafana_folder = "Local";
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), 0);
    const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
    assert_int_equal(g->status, RC_PUB_UPDATED);
    assert_non_null(strstr(g->message, "renamed from \"Kafka topics / local\""));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Prometheus: lifecycle API off (403), a refused rule file (500, not
 * retried), and groups missing after the reload. */
static void test_prometheus_failures(void **state)
{
    fixture *fx = *state;
    assert_int_equal(mkdir(fx->rules, 0700), 0);
    t_write_file(fx->rules, "local.yml", rules_yml);
    rc_publish_options o = opts(fx);
    o.grafana_url = NULL;

    const step s403[] = {{"POST", P "/-/reload", 403, "Lifecycle API is not enabled.", 0}};
    fake f;
    fake_init(&f, s403, 1);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    const rc_publish_item *pr = find_item(&rep, RC_PUB_PROMETHEUS, NULL);
    assert_non_null(strstr(pr->message, "HTTP 403: Lifecycle API is not enabled."));
    assert_non_null(strstr(pr->message, "--web.enable-lifecycle"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);

    const step s500[] = {
        {"POST", P "/-/reload", 500, "failed to reload config: one or more errors occurred\n", 0}};
    fake_init(&f, s500, 1);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.nreqs, 1);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);

    const step smiss[] = {
        {"POST", P "/-/reload", 200, "", 0},
        {"GET", P "/api/v1/rules?type=alert", 200,
         "{\"status\": \"success\", \"data\": {\"groups\": [{\"name\": \"kafka-local-b\"}]}}", 0},
    };
    fake_init(&f, smiss, 2);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_true(rep.prometheus_reloaded);
    assert_int_equal(rep.rule_groups_loaded, 1);
    const rc_publish_item *ru = find_item(&rep, RC_PUB_RULES, NULL);
    assert_non_null(strstr(ru->message, "1 of 2 rule groups loaded; missing: kafka-local-a"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* A proxy's catch-all that answers 200 with a login page to everything:
 * nothing is published, and every item says why. */
#define LOGIN_PAGE "<html><head><title>Sign in</title></head><body>login</body></html>"

static void test_catch_all_html_publishes_nothing(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    assert_int_equal(mkdir(fx->rules, 0700), 0);
    t_write_file(fx->rules, "local.yml", rules_yml);
    const step script[] = {
        {"GET", FOLDER_URL, 200, LOGIN_PAGE, 0},
        {"POST", P "/-/reload", 200, LOGIN_PAGE, 0},
    };
    fake f;
    fake_init(&f, script, 2);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 2); /* not retried, nothing else sent */
    assert_true(rep.any_failure);
    assert_int_equal(rep.failed, 2);
    assert_int_equal(rep.created + rep.updated + rep.unchanged, 0);
    assert_false(rep.folder_created);
    assert_false(rep.prometheus_reloaded);
    assert_int_equal(rep.rule_groups_loaded, -1);

    const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
    assert_int_equal(g->status, RC_PUB_FAILED);
    assert_int_equal(g->attempts, 1);
    assert_non_null(strstr(g->message, "GET /api/folders/reconcile-local"));
    assert_non_null(strstr(g->message, "HTTP 200 text/html"));
    assert_non_null(strstr(g->message, "does not look like Grafana's API"));
    assert_non_null(strstr(g->message, "proxy or login page"));
    assert_non_null(strstr(g->message, "2 dashboards not published"));
    assert_null(strchr(g->message, '\n'));
    const rc_publish_item *pr = find_item(&rep, RC_PUB_PROMETHEUS, NULL);
    assert_int_equal(pr->status, RC_PUB_FAILED);
    assert_non_null(strstr(pr->message, "POST /-/reload"));
    assert_non_null(strstr(pr->message, "HTTP 200 text/html"));
    assert_non_null(strstr(pr->message, "does not look like Prometheus's API"));

    rc_buf text = {0};
    rc_publish_report_format(&text, &rep, true);
    assert_non_null(strstr(text.data, "0 created, 0 updated, 0 unchanged, 2 failed"));
    assert_non_null(strstr(text.data, "prometheus not reloaded"));
    assert_null(strstr(text.data, " found"));
    assert_null(strstr(text.data, "reload done"));
    assert_null(strstr(text.data, "glsa_secret_token"));
    rc_buf_free(&text);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Folder found, then the dashboard endpoints answer HTML: each dashboard
 * fails alone, on the GET or on the POST. */
static void test_html_on_dashboard_endpoints(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    const step script[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 200, LOGIN_PAGE, 0},
        {"GET", DASH_URL("rc-local-b"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, LOGIN_PAGE, 0},
    };
    fake f;
    fake_init(&f, script, 4);
    rc_publish_report rep;
    rc_publish_report_init(&rep);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(f.next, 4);
    assert_int_equal(rep.failed, 2);
    assert_int_equal(rep.created + rep.updated + rep.unchanged, 0);
    const rc_publish_item *a = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a");
    assert_int_equal(a->status, RC_PUB_FAILED);
    assert_non_null(strstr(a->message, "GET /api/dashboards/uid/rc-local-a: HTTP 200 text/html"));
    assert_non_null(strstr(a->message, "does not look like Grafana's API"));
    const rc_publish_item *b = find_item(&rep, RC_PUB_DASHBOARD, "rc-local-b");
    assert_int_equal(b->status, RC_PUB_FAILED);
    assert_null(b->url);
    assert_non_null(strstr(b->message, "POST /api/dashboards/db: HTTP 200 text/html"));
    assert_non_null(strstr(b->message, "does not look like Grafana's API"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* JSON, but not what Grafana answers: fails the same way, naming the shape. */
static void test_json_of_another_shape(void **state)
{
    fixture *fx = *state;
    t_write_file(fx->dash, "a.json", dash_a);
    t_write_file(fx->dash, "b.json", dash_b);
    rc_publish_options o = opts(fx);
    o.prometheus_url = NULL;
    o.rules_dir = NULL;
    rc_publish_report rep;
    fake f;

    /* folder GET: {} and [] */
    static const char *const bodies[] = {"{}", "[]", "{\"uid\": 7}", "\"ok\""};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        const step s[] = {{"GET", FOLDER_URL, 200, bodies[i], 0}};
        fake_init(&f, s, 1);
        rc_publish_report_init(&rep);
        assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
        assert_int_equal(f.next, 1);
        assert_int_equal(rep.failed, 2);
        const rc_publish_item *g = find_item(&rep, RC_PUB_GRAFANA, NULL);
        assert_int_equal(g->status, RC_PUB_FAILED);
        assert_non_null(strstr(g->message, "HTTP 200, a JSON"));
        assert_non_null(strstr(g->message, "\"uid\""));
        assert_non_null(strstr(g->message, "does not look like Grafana's API"));
        rc_publish_report_free(&rep);
        f_destroy(&f.base);
    }

    /* folder POST answers {}; a folder list that is not an array */
    const step screate[] = {
        {"GET", FOLDER_URL, 404, "{\"message\": \"folder not found\"}", 0},
        {"POST", G "/api/folders", 200, "{}", 0},
    };
    fake_init(&f, screate, 2);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_false(rep.folder_created);
    assert_non_null(strstr(find_item(&rep, RC_PUB_GRAFANA, NULL)->message,
                           "POST /api/folders: HTTP 200, a JSON object"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);

    const step slist[] = {
        {"GET", FOLDER_URL, 404, "{\"message\": \"folder not found\"}", 0},
        {"POST", G "/api/folders", 409, "{\"message\": \"folder exists\"}", 0},
        {"GET", G "/api/folders?limit=1000", 200, "{\"folders\": []}", 0},
    };
    fake_init(&f, slist, 3);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_non_null(strstr(find_item(&rep, RC_PUB_GRAFANA, NULL)->message,
                           "GET /api/folders?limit=1000: HTTP 200, a JSON object"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);

    /* dashboard GET without "dashboard"; POST answers [] and {"status": "error"} */
    const step sdash[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 200, "{\"meta\": {}}", 0},
        {"GET", DASH_URL("rc-local-b"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, "[]", 0},
    };
    fake_init(&f, sdash, 4);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(rep.failed, 2);
    assert_int_equal(rep.created + rep.updated + rep.unchanged, 0);
    assert_non_null(
        strstr(find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a")->message, "\"dashboard\""));
    assert_non_null(
        strstr(find_item(&rep, RC_PUB_DASHBOARD, "rc-local-b")->message, "HTTP 200, a JSON array"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);

    const step serr[] = {
        {"GET", FOLDER_URL, 200, FOLDER_OK, 0},
        {"GET", DASH_URL("rc-local-a"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, "{\"status\": \"error\"}", 0},
        {"GET", DASH_URL("rc-local-b"), 404, NOT_FOUND, 0},
        {"POST", SAVE_URL, 200, "{\"uid\": \"rc-local-b\", \"version\": 1}", 0},
    };
    fake_init(&f, serr, 5);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_int_equal(rep.failed, 1);
    assert_int_equal(find_item(&rep, RC_PUB_DASHBOARD, "rc-local-a")->status, RC_PUB_FAILED);
    /* a save answer with the uid but no "status" is still Grafana's */
    assert_int_equal(find_item(&rep, RC_PUB_DASHBOARD, "rc-local-b")->status, RC_PUB_CREATED);
    rc_publish_report_free(&rep);
    f_destroy(&f.base);
}

/* Prometheus: a reload answered with a page, and a rules listing that is not
 * the API's {"status": "success", "data": {"groups": [...]}}. */
static void test_prometheus_not_the_api(void **state)
{
    fixture *fx = *state;
    rc_publish_options o = opts(fx);
    o.grafana_url = NULL;
    o.rules_dir = NULL;
    static const char *const groups[] = {"kafka-local-a"};
    o.rule_groups = groups;
    o.nrule_groups = 1;
    rc_publish_report rep;
    fake f;

    const step sjson[] = {{"POST", P "/-/reload", 200, "{\"status\": \"ok\"}", 0}};
    fake_init(&f, sjson, 1);
    rc_publish_report_init(&rep);
    assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
    assert_false(rep.prometheus_reloaded);
    assert_non_null(strstr(find_item(&rep, RC_PUB_PROMETHEUS, NULL)->message,
                           "does not look like Prometheus's API"));
    rc_publish_report_free(&rep);
    f_destroy(&f.base);

    static const char *const bodies[] = {
        "{}",
        "[]",
        LOGIN_PAGE,
        "{\"data\": {\"groups\": [{\"name\": \"kafka-local-a\"}]}}",
        "{\"status\": \"success\", \"data\": {\"groups\": {}}}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        const step s[] = {
            {"POST", P "/-/reload", 200, "", 0},
            {"GET", P "/api/v1/rules?type=alert", 200, bodies[i], 0},
        };
        fake_init(&f, s, 2);
        rc_publish_report_init(&rep);
        assert_int_equal(rc_publish_cluster(&rep, &f.base, &o), -1);
        assert_int_equal(f.next, 2);
        const rc_publish_item *ru = find_item(&rep, RC_PUB_RULES, NULL);
        assert_int_equal(ru->status, RC_PUB_FAILED);
        assert_non_null(strstr(ru->message, "GET /api/v1/rules?type=alert: HTTP 200"));
        assert_non_null(strstr(ru->message, "does not look like Prometheus's API"));
        assert_non_null(strstr(ru->message, "prometheus_url"));
        assert_int_equal(rep.rule_groups_loaded, -1);
        rc_publish_report_free(&rep);
        f_destroy(&f.base);
    }
}

static void test_rule_groups_read(void **state)
{
    fixture *fx = *state;
    assert_int_equal(mkdir(fx->rules, 0700), 0);
    t_write_file(fx->rules, "b.yaml", "groups:\n- name: z\n  rules: []\n- name: kafka-local-a\n");
    t_write_file(fx->rules, "a.yml", rules_yml);
    t_write_file(fx->rules, "provider.yml", "apiVersion: 1\nproviders: []\n");
    char **names;
    size_t n;
    char err[256];
    assert_int_equal(rc_publish_rule_groups_read(&names, &n, fx->rules, err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "kafka-local-a");
    assert_string_equal(names[1], "kafka-local-b");
    assert_string_equal(names[2], "z");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);

    t_write_file(fx->rules, "c.yml", "groups: [\n");
    assert_int_equal(rc_publish_rule_groups_read(&names, &n, fx->rules, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "c.yml:"));
    assert_null(names);
}

static void test_folder_uid(void **state)
{
    (void)state;
    char uid[RC_PUBLISH_FOLDER_UID_MAX + 1];
    rc_publish_folder_uid(uid, "local");
    assert_string_equal(uid, "reconcile-local");
    rc_publish_folder_uid(uid, "EU_West.Prod");
    assert_string_equal(uid, "reconcile-eu-west-prod");
    char a[RC_PUBLISH_FOLDER_UID_MAX + 1], b[RC_PUBLISH_FOLDER_UID_MAX + 1];
    rc_publish_folder_uid(a, "a-very-long-cluster-name-for-the-region-one");
    rc_publish_folder_uid(b, "a-very-long-cluster-name-for-the-region-two");
    assert_true(strlen(a) <= RC_PUBLISH_FOLDER_UID_MAX);
    assert_string_not_equal(a, b);
    for (const char *s = a; *s; s++)
        assert_true((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-');
    rc_publish_folder_uid(uid, "___");
    assert_true(strncmp(uid, "reconcile-", 10) == 0 && strlen(uid) > 10);
}

static void test_redact_url(void **state)
{
    (void)state;
    char *u = rc_http_redact_url("https://user:p%40ss@grafana.example/api?x=1@2");
    assert_string_equal(u, "https://***@grafana.example/api?x=1@2");
    free(u);
    u = rc_http_redact_url("http://127.0.0.1:3000/api/folders");
    assert_string_equal(u, "http://127.0.0.1:3000/api/folders");
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_unchanged_and_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_updated_and_number_equality, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_folder_is_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_500_then_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_500_exhausts_attempts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_401_not_retried_and_others_continue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_401_on_folder_stops_grafana, setup, teardown),
        cmocka_unit_test_setup_teardown(test_412_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_error_retried_then_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_sends_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_dashboard_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_title_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_renamed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prometheus_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catch_all_html_publishes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_on_dashboard_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_of_another_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prometheus_not_the_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_groups_read, setup, teardown),
        cmocka_unit_test(test_folder_uid),
        cmocka_unit_test(test_redact_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
