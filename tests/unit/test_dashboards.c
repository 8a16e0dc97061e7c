/* test_dashboards.c — the Grafana dashboard renderer: for every metric-source
 * profile the dashboard is valid JSON with the uid of links.h, unique panel
 * ids, a grid inside 24 columns, the datasource and group variables, the lag
 * threshold line and the git link; output is deterministic and no declared
 * value can break it. Plus the provisioning file and load-time errors.
 *
 * The template is the shipped one, $RECONCILE_SRC/dashboards (CMake sets the
 * variable). The golden files $RECONCILE_FIXTURES/golden/dashboard-<profile>[-bare].json
 * are regenerated after an intended change with
 *   RECONCILE_UPDATE_GOLDEN=1 ctest -R test_dashboards
 * and reviewed like any other code change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dashboards.h"
#include "links.h"
#include "model.h"
#include "support.h"
#include "tmpl.h"
#include "util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const sources[] = {"kafka_exporter", "kafka-lag-exporter", "kminion", "redpanda",
                                      "reconcile"};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

/* a metric name only the profile of sources[i] uses */
static const char *const source_metric[] = {"kafka_consumergroup_lag{",
                                            "kafka_consumergroup_group_lag_seconds",
                                            "kminion_kafka_", "redpanda_kafka_", "reconcile_lag_"};

/* ---- fixtures ------------------------------------------------------------------ */

static int setup(void **state)
{
    char *dir = t_src_path("dashboards");
    rc_dashboards *d = NULL;
    char err[1024] = "";
    int rc = rc_dashboards_load(&d, dir, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "rc_dashboards_load(%s): %s\n", dir, err);
    free(dir);
    *state = d;
    return rc;
}

static int teardown(void **state)
{
    rc_dashboards_free(*state);
    return 0;
}

/* Borrowed strings only: nothing here is freed with the model's *_free. */
static char *consumers2[] = {"fulfilment", "order-search-indexer"};
static rc_team teams[] = {{"checkout", "#team-checkout", NULL}};
static const rc_repo repo = {teams, 1, NULL, 0};

static rc_cluster_decl cluster(const char *source)
{
    rc_cluster_decl c = {0};
    c.name = "prod";
    c.file = "topics/prod/_cluster.yaml";
    c.metric_source = (char *)source;
    c.repo_url = "https://git.example.com/platform/kafka-topics";
    c.prometheus_datasource = "prometheus-prod";
    c.grafana_url = "https://grafana.example.com";
    c.default_lag_max_seconds = 300;
    return c;
}

static rc_topic_decl topic(void)
{
    rc_topic_decl t = {0};
    t.name = "orders.order-placed.v1";
    t.file = "topics/prod/orders.yaml";
    t.line = 3;
    t.partitions = 6;
    t.replication_factor = 3;
    t.owner = "checkout";
    t.message = "shop.orders.v1.OrderPlaced";
    t.description = "An order was placed; keyed by order id.";
    t.lag_max_seconds = 120;
    t.lag_for_seconds = 300;
    t.consumers = consumers2;
    t.nconsumers = 2;
    return t;
}

/* Render (with the alert's threshold lag, or NULL) and parse back; the JSON
 * text goes to *text when asked. */
static json_t *render_lag(const rc_dashboards *d, const rc_cluster_decl *c, const rc_topic_decl *t,
                          const rc_dashboard_lag *lag, char **text)
{
    rc_buf b = {0};
    char err[1024] = "";
    int rc = lag ? rc_dashboard_render_lag(&b, d, &repo, c, t, lag, err, sizeof(err))
                 : rc_dashboard_render(&b, d, &repo, c, t, err, sizeof(err));
    if (rc != 0)
        fail_msg("render %s/%s: %s", c->name, t->name, err);
    assert_non_null(b.data);
    assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
    /* the fast path writes exactly what the reference path writes */
    rc_buf ref = {0};
    rc = rc_dashboard_render_reference(&ref, d, &repo, c, t, lag, err, sizeof(err));
    if (rc != 0)
        fail_msg("reference render %s/%s: %s", c->name, t->name, err);
    assert_int_equal(ref.len, b.len);
    assert_memory_equal(ref.data, b.data, b.len);
    rc_buf_free(&ref);
    json_error_t je;
    json_t *root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        fail_msg("not JSON: %s at %d:%d", je.text, je.line, je.column);
    if (text)
        *text = rc_buf_take(&b);
    else
        rc_buf_free(&b);
    return root;
}

static json_t *render(const rc_dashboards *d, const rc_cluster_decl *c, const rc_topic_decl *t,
                      char **text)
{
    return render_lag(d, c, t, NULL, text);
}

/* ---- helpers over the dashboard model ------------------------------------------ */

static bool uid_ok(const char *uid)
{
    size_t n = strlen(uid);
    if (n < 1 || n > 40)
        return false;
    for (const char *p = uid; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static json_t *panel_titled(json_t *root, const char *prefix)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(root, "panels"), i, p)
    {
        const char *title = json_string_value(json_object_get(p, "title"));
        if (title && !strncmp(title, prefix, strlen(prefix)))
            return p;
    }
    fail_msg("no panel titled %s...", prefix);
    return NULL;
}

static json_t *variable(json_t *root, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(json_object_get(root, "templating"), "list"), i, v)
    {
        if (!strcmp(json_string_value(json_object_get(v, "name")), name))
            return v;
    }
    return NULL;
}

/* The red (non-base) threshold step values of a panel; returns the count. */
static size_t threshold_values(json_t *panel, double *out, size_t max)
{
    json_t *steps = json_object_get(
        json_object_get(json_object_get(json_object_get(panel, "fieldConfig"), "defaults"),
                        "thresholds"),
        "steps");
    assert_true(json_is_array(steps));
    assert_true(json_array_size(steps) >= 1);
    assert_true(json_is_null(json_object_get(json_array_get(steps, 0), "value")));
    size_t n = 0;
    for (size_t i = 1; i < json_array_size(steps) && n < max; i++) {
        json_t *v = json_object_get(json_array_get(steps, i), "value");
        assert_true(json_is_number(v));
        out[n++] = json_number_value(v);
    }
    return n;
}

static const char *threshold_style(json_t *panel)
{
    return json_string_value(json_object_get(
        json_object_get(
            json_object_get(json_object_get(json_object_get(panel, "fieldConfig"), "defaults"),
                            "custom"),
            "thresholdsStyle"),
        "mode"));
}

static json_t *git_link(json_t *root)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(root, "links"), i, l)
    {
        if (!strcmp(json_string_value(json_object_get(l, "type")), "link"))
            return l;
    }
    return NULL;
}

/* Walk every panel (nested rows too): unique ids, grid inside 24 columns,
 * every target with a non-empty expr. Returns the number of panels. */
static size_t check_panels(json_t *panels, bool seen[], size_t nseen)
{
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(panels, i, p)
    {
        json_t *id = json_object_get(p, "id");
        assert_true(json_is_integer(id));
        json_int_t v = json_integer_value(id);
        assert_true(v >= 1 && (size_t)v < nseen);
        assert_false(seen[v]); /* unique */
        seen[v] = true;
        json_t *g = json_object_get(p, "gridPos");
        json_int_t x = json_integer_value(json_object_get(g, "x"));
        json_int_t w = json_integer_value(json_object_get(g, "w"));
        assert_true(json_is_integer(json_object_get(g, "y")));
        assert_true(json_integer_value(json_object_get(g, "h")) >= 1);
        assert_true(x >= 0 && w >= 1 && x + w <= 24);
        const char *type = json_string_value(json_object_get(p, "type"));
        assert_non_null(type);
        if (strcmp(type, "row") != 0) {
            json_t *targets = json_object_get(p, "targets");
            assert_true(json_array_size(targets) >= 1);
            size_t j;
            json_t *t;
            json_array_foreach(targets, j, t)
            {
                const char *expr = json_string_value(json_object_get(t, "expr"));
                assert_non_null(expr);
                assert_true(strlen(expr) > 0);
            }
        }
        n++;
        json_t *nested = json_object_get(p, "panels");
        if (json_is_array(nested))
            n += check_panels(nested, seen, nseen);
    }
    return n;
}

/* ---- every profile --------------------------------------------------------------- */

static void test_profiles_loaded(void **state)
{
    size_t n = 0;
    const char *const *names = rc_dashboards_profiles(*state, &n);
    assert_int_equal(n, 5);
    /* sorted bytewise */
    assert_string_equal(names[0], "kafka-lag-exporter");
    assert_string_equal(names[1], "kafka_exporter");
    assert_string_equal(names[2], "kminion");
    assert_string_equal(names[3], "reconcile");
    assert_string_equal(names[4], "redpanda");
}

static void test_every_profile(void **state)
{
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        rc_topic_decl t = topic();
        char *text = NULL;
        json_t *root = render(*state, &c, &t, &text);

        /* every placeholder was substituted and every $when resolved */
        assert_null(strstr(text, "${"));
        assert_null(strstr(text, "$when"));
        /* the profile chosen is the cluster's */
        assert_non_null(strstr(text, source_metric[s]));
        for (size_t o = 0; o < NSOURCES; o++)
            if (o != s)
                assert_null(strstr(text, source_metric[o]));

        /* identity */
        const char *uid = json_string_value(json_object_get(root, "uid"));
        assert_non_null(uid);
        assert_true(uid_ok(uid));
        char want_uid[RC_DASHBOARD_UID_MAX + 1];
        rc_links_dashboard_uid(want_uid, c.name, t.name);
        assert_string_equal(uid, want_uid);
        assert_string_equal(json_string_value(json_object_get(root, "title")),
                            "orders.order-placed.v1 (prod)");
        json_t *id = json_object_get(root, "id");
        assert_true(id == NULL || json_is_null(id));
        json_t *tags = json_object_get(root, "tags");
        assert_int_equal(json_array_size(tags), 3);
        assert_string_equal(json_string_value(json_array_get(tags, 0)), "checkout");
        assert_string_equal(json_string_value(json_array_get(tags, 1)), "prod");
        assert_string_equal(json_string_value(json_array_get(tags, 2)), "reconcile");
        assert_string_equal(json_string_value(json_object_get(root, "description")), t.description);
        assert_true(json_integer_value(json_object_get(root, "schemaVersion")) >= 36);

        /* panels: unique ids 1..n, grid inside 24 columns */
        bool seen[64] = {false};
        size_t n = check_panels(json_object_get(root, "panels"), seen, 64);
        assert_true(n >= 10);
        for (size_t i = 1; i <= n; i++)
            assert_true(seen[i]);
        /* the panels the issue asks for */
        assert_string_equal(json_string_value(json_object_get(
                                panel_titled(root, "Production rate by partition"), "type")),
                            "timeseries");
        panel_titled(root, "Consumption rate by consumer group");
        panel_titled(root, "Time lag by consumer group");
        panel_titled(root, "Offset lag by consumer group");
        panel_titled(root, "Producer skew (max / avg");
        panel_titled(root, "Consumer skew by consumer group");
        assert_string_equal(
            json_string_value(json_object_get(panel_titled(root, "Max time lag"), "type")), "stat");

        /* variables */
        json_t *ds = variable(root, "datasource");
        assert_non_null(ds);
        assert_string_equal(json_string_value(json_object_get(ds, "type")), "datasource");
        assert_string_equal(json_string_value(json_object_get(ds, "query")), "prometheus");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(ds, "current"), "value")),
            "prometheus-prod");
        json_t *group = variable(root, "group");
        assert_non_null(group);
        assert_string_equal(json_string_value(json_object_get(group, "type")), "query");
        assert_true(json_is_true(json_object_get(group, "includeAll")));
        assert_true(json_is_true(json_object_get(group, "multi")));
        const char *q = json_string_value(json_object_get(group, "query"));
        assert_non_null(q);
        assert_non_null(strstr(q, "label_values("));
        assert_non_null(strstr(q, "\"orders.order-placed.v1\""));
        /* every expression filters by the group variable except the producer's */
        const char *lag_expr = json_string_value(json_object_get(
            json_array_get(json_object_get(panel_titled(root, "Offset lag"), "targets"), 0),
            "expr"));
        assert_non_null(strstr(lag_expr, "$group"));
        assert_non_null(strstr(lag_expr, "\"orders.order-placed.v1\""));

        /* threshold: the topic's 2m time lag, drawn as a line; no offset line */
        double v[4];
        json_t *time_lag = panel_titled(root, "Time lag by consumer group");
        assert_int_equal(threshold_values(time_lag, v, 4), 1);
        assert_true(v[0] == 120.0);
        assert_string_equal(threshold_style(time_lag), "line");
        assert_int_equal(threshold_values(panel_titled(root, "Max time lag"), v, 4), 1);
        assert_true(v[0] == 120.0);
        json_t *off_lag = panel_titled(root, "Offset lag by consumer group");
        assert_int_equal(threshold_values(off_lag, v, 4), 0);
        assert_string_equal(threshold_style(off_lag), "line");

        /* the git link */
        json_t *link = git_link(root);
        assert_non_null(link);
        assert_string_equal(json_string_value(json_object_get(link, "url")),
                            "https://git.example.com/platform/kafka-topics/blob/HEAD/"
                            "topics/prod/orders.yaml#L3");

        json_decref(root);
        free(text);
    }
}

/* ---- thresholds ------------------------------------------------------------------ */

static void test_offset_threshold(void **state)
{
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        rc_topic_decl t = topic();
        t.lag_max_seconds = 0;
        t.lag_max_offsets = 10000;
        json_t *root = render(*state, &c, &t, NULL);
        double v[4];
        json_t *off = panel_titled(root, "Offset lag by consumer group");
        assert_int_equal(threshold_values(off, v, 4), 1);
        assert_true(v[0] == 10000.0);
        assert_string_equal(threshold_style(off), "line");
        assert_int_equal(threshold_values(panel_titled(root, "Max offset lag"), v, 4), 1);
        assert_true(v[0] == 10000.0);
        /* an offset threshold replaces the time threshold, cluster default included */
        assert_int_equal(threshold_values(panel_titled(root, "Time lag by consumer group"), v, 4),
                         0);
        json_decref(root);
    }
}

static void test_default_and_no_threshold(void **state)
{
    rc_cluster_decl c = cluster(NULL);
    rc_topic_decl t = topic();
    t.lag_max_seconds = 0;
    json_t *root = render(*state, &c, &t, NULL);
    double v[4];
    assert_int_equal(threshold_values(panel_titled(root, "Time lag by consumer group"), v, 4), 1);
    assert_true(v[0] == 300.0); /* the cluster's defaults.lag.max */
    json_decref(root);

    c.default_lag_max_seconds = 0;
    root = render(*state, &c, &t, NULL);
    assert_int_equal(threshold_values(panel_titled(root, "Time lag by consumer group"), v, 4), 0);
    assert_int_equal(threshold_values(panel_titled(root, "Offset lag by consumer group"), v, 4), 0);
    json_decref(root);
}

/* The alert's threshold, given by the caller, wins over the declared one:
 * kafka_exporter alerts on offsets even for a topic that declares a time. */
static void test_alert_threshold(void **state)
{
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        rc_topic_decl t = topic(); /* declares 2m */
        double v[4];

        rc_dashboard_lag offsets = {false, 1000};
        json_t *root = render_lag(*state, &c, &t, &offsets, NULL);
        assert_int_equal(threshold_values(panel_titled(root, "Offset lag by consumer group"), v, 4),
                         1);
        assert_true(v[0] == 1000.0);
        assert_int_equal(threshold_values(panel_titled(root, "Max offset lag"), v, 4), 1);
        assert_true(v[0] == 1000.0);
        assert_int_equal(threshold_values(panel_titled(root, "Time lag by consumer group"), v, 4),
                         0);
        assert_int_equal(threshold_values(panel_titled(root, "Max time lag"), v, 4), 0);
        json_decref(root);

        rc_dashboard_lag seconds = {true, 600};
        root = render_lag(*state, &c, &t, &seconds, NULL);
        assert_int_equal(threshold_values(panel_titled(root, "Time lag by consumer group"), v, 4),
                         1);
        assert_true(v[0] == 600.0);
        assert_int_equal(threshold_values(panel_titled(root, "Offset lag by consumer group"), v, 4),
                         0);
        json_decref(root);

        rc_dashboard_lag none = {true, 0};
        root = render_lag(*state, &c, &t, &none, NULL);
        assert_int_equal(threshold_values(panel_titled(root, "Time lag by consumer group"), v, 4),
                         0);
        assert_int_equal(threshold_values(panel_titled(root, "Offset lag by consumer group"), v, 4),
                         0);
        json_decref(root);
    }
}

/* ---- git link -------------------------------------------------------------------- */

static void test_git_link_iff_repository_url(void **state)
{
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        rc_topic_decl t = topic();
        c.repo_url = NULL;
        json_t *root = render(*state, &c, &t, NULL);
        assert_null(git_link(root));
        /* the other link (the team's dashboards) stays */
        assert_int_equal(json_array_size(json_object_get(root, "links")), 1);
        json_decref(root);

        c.repo_url = "";
        root = render(*state, &c, &t, NULL);
        assert_null(git_link(root));
        json_decref(root);

        c.repo_url = "/";
        root = render(*state, &c, &t, NULL);
        assert_null(git_link(root));
        json_decref(root);
    }

    /* trailing '/' and ".git" are dropped; path segments are percent-encoded */
    rc_cluster_decl c = cluster(NULL);
    rc_topic_decl t = topic();
    c.repo_url = "https://github.com/acme/topics.git/";
    t.file = "topics/prod/team a/#1 orders.yaml";
    t.line = 17;
    json_t *root = render(*state, &c, &t, NULL);
    json_t *link = git_link(root);
    assert_non_null(link);
    assert_string_equal(json_string_value(json_object_get(link, "url")),
                        "https://github.com/acme/topics/blob/HEAD/topics/prod/team%20a/"
                        "%231%20orders.yaml#L17");
    json_decref(root);
}

/* ---- uid ------------------------------------------------------------------------- */

static void test_uid_long_and_folded_names(void **state)
{
    char a[250], b[250];
    memset(a, 'x', 249);
    a[249] = '\0';
    memcpy(b, a, sizeof(a));
    b[248] = 'y';
    const char *pairs[][2] = {{a, b}, {"a.b", "a_b"}, {"a-b", "a.b"}, {"A", "a"}};
    for (size_t s = 0; s < NSOURCES; s++) {
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
            rc_cluster_decl c = cluster(sources[s]);
            rc_topic_decl t1 = topic(), t2 = topic();
            t1.name = (char *)pairs[i][0];
            t2.name = (char *)pairs[i][1];
            json_t *r1 = render(*state, &c, &t1, NULL);
            json_t *r2 = render(*state, &c, &t2, NULL);
            const char *u1 = json_string_value(json_object_get(r1, "uid"));
            const char *u2 = json_string_value(json_object_get(r2, "uid"));
            assert_true(uid_ok(u1));
            assert_true(uid_ok(u2));
            assert_string_not_equal(u1, u2);
            char want[RC_DASHBOARD_UID_MAX + 1];
            rc_links_dashboard_uid(want, c.name, t1.name);
            assert_string_equal(u1, want);
            /* titles differ too (unique within the cluster's folder) */
            assert_string_not_equal(json_string_value(json_object_get(r1, "title")),
                                    json_string_value(json_object_get(r2, "title")));
            json_decref(r1);
            json_decref(r2);
        }
    }
}

/* ---- determinism ----------------------------------------------------------------- */

static void test_deterministic(void **state)
{
    char *dir = t_src_path("dashboards");
    rc_dashboards *other = NULL;
    char err[1024] = "";
    assert_int_equal(rc_dashboards_load(&other, dir, err, sizeof(err)), 0);
    free(dir);
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        rc_topic_decl t = topic();
        rc_buf b1 = {0}, b2 = {0}, b3 = {0};
        assert_int_equal(rc_dashboard_render(&b1, *state, &repo, &c, &t, err, sizeof(err)), 0);
        assert_int_equal(rc_dashboard_render(&b2, *state, &repo, &c, &t, err, sizeof(err)), 0);
        assert_int_equal(rc_dashboard_render(&b3, other, &repo, &c, &t, err, sizeof(err)), 0);
        assert_int_equal(b1.len, b2.len);
        assert_memory_equal(b1.data, b2.data, b1.len);
        assert_int_equal(b1.len, b3.len);
        assert_memory_equal(b1.data, b3.data, b1.len);
        rc_buf_free(&b1);
        rc_buf_free(&b2);
        rc_buf_free(&b3);
    }
    rc_dashboards_free(other);
}

static void test_null_source_is_kafka_exporter(void **state)
{
    rc_cluster_decl c1 = cluster(NULL), c2 = cluster("kafka_exporter"), c3 = cluster("");
    rc_topic_decl t = topic();
    char *x1, *x2, *x3;
    json_decref(render(*state, &c1, &t, &x1));
    json_decref(render(*state, &c2, &t, &x2));
    json_decref(render(*state, &c3, &t, &x3));
    assert_string_equal(x1, x2);
    assert_string_equal(x1, x3);
    free(x1);
    free(x2);
    free(x3);
}

/* ---- hostile values -------------------------------------------------------------- */

static void test_hostile_values(void **state)
{
    static const char desc[] = "\"}], \"panels\": [], \"x\": \"${topic} ${uid|url} $group "
                               "$__all \\ \\\" </script>\n\t\x01 \xe2\x80\xa8 caf\xc3\xa9 '";
    static const char owner[] = "team\"},{\"title\":\"x ${cluster}";
    static const char message[] = "a\\\"b${description}";
    static const char cl[] = "pr\"od\\ ${x}";
    rc_team hostile_team = {(char *)owner, "#room \"quoted\"", NULL};
    rc_repo r = {&hostile_team, 1, NULL, 0};
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        c.name = (char *)cl;
        c.prometheus_datasource = "ds\"} ${datasource}";
        c.repo_url = "https://git.example.com/\"quoted\" ${x}";
        rc_topic_decl t = topic();
        t.description = (char *)desc;
        t.owner = (char *)owner;
        t.message = (char *)message;
        rc_buf b = {0};
        char err[1024] = "";
        assert_int_equal(rc_dashboard_render(&b, *state, &r, &c, &t, err, sizeof(err)), 0);
        json_error_t je;
        json_t *root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
        if (!root)
            fail_msg("hostile values broke the JSON: %s", je.text);
        /* values come back exactly, never re-expanded */
        assert_string_equal(json_string_value(json_object_get(root, "description")), desc);
        json_t *tags = json_object_get(root, "tags");
        assert_int_equal(json_array_size(tags), 3);
        assert_string_equal(json_string_value(json_array_get(tags, 0)), owner);
        assert_string_equal(json_string_value(json_array_get(tags, 1)), cl);
        char *title = rc_xasprintf("%s (%s)", t.name, cl);
        assert_string_equal(json_string_value(json_object_get(root, "title")), title);
        free(title);
        assert_string_equal(json_string_value(json_object_get(
                                json_object_get(variable(root, "datasource"), "current"), "value")),
                            c.prometheus_datasource);
        const char *uid = json_string_value(json_object_get(root, "uid"));
        assert_true(uid_ok(uid));
        /* the structure is the template's: same panels, same variables, no injected key */
        assert_null(json_object_get(root, "x"));
        assert_int_equal(json_array_size(json_object_get(root, "panels")), 10);
        assert_int_equal(
            json_array_size(json_object_get(json_object_get(root, "templating"), "list")), 2);
        json_t *link = git_link(root);
        assert_non_null(link);
        const char *url = json_string_value(json_object_get(link, "url"));
        assert_non_null(strstr(url, "\"quoted\" ${x}"));
        json_decref(root);
        rc_buf_free(&b);
    }
}

/* ---- errors ---------------------------------------------------------------------- */

static void test_unknown_source(void **state)
{
    rc_cluster_decl c = cluster("prometheus-magic");
    rc_topic_decl t = topic();
    rc_buf b = {0};
    rc_buf_puts(&b, "kept");
    char err[1024] = "";
    assert_int_equal(rc_dashboard_render(&b, *state, &repo, &c, &t, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "prometheus-magic"));
    assert_non_null(strstr(err, "kafka_exporter")); /* lists what there is */
    assert_string_equal(b.data, "kept");
    rc_buf_free(&b);
}

static void test_invalid_utf8(void **state)
{
    /* "\xff", a lone continuation byte, an overlong '/', a surrogate, > U+10FFFF */
    static const char *const bad[] = {"a\xff",
                                      "a\x80"
                                      "b",
                                      "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rc_cluster_decl c = cluster(NULL);
        rc_topic_decl t = topic();
        t.description = (char *)bad[i];
        rc_buf b = {0}, r = {0};
        rc_buf_puts(&b, "kept");
        rc_buf_puts(&r, "kept");
        char err[1024] = "";
        assert_int_equal(rc_dashboard_render(&b, *state, &repo, &c, &t, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "UTF-8"));
        assert_string_equal(b.data, "kept");
        assert_int_equal(b.len, 4);
        assert_int_equal(
            rc_dashboard_render_reference(&r, *state, &repo, &c, &t, NULL, err, sizeof(err)), -1);
        assert_string_equal(r.data, "kept");
        rc_buf_free(&b);
        rc_buf_free(&r);
    }
    /* valid multi-byte sequences of every length pass through unescaped */
    rc_cluster_decl c = cluster(NULL);
    rc_topic_decl t = topic();
    t.description = "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa6 \xf4\x8f\xbf\xbf";
    char *text = NULL;
    json_t *root = render(*state, &c, &t, &text);
    assert_string_equal(json_string_value(json_object_get(root, "description")), t.description);
    assert_non_null(strstr(text, t.description));
    json_decref(root);
    free(text);
}

/* ---- golden ---------------------------------------------------------------------- */

/* One golden file per profile for a full topic, and one for a bare topic (no
 * description, consumers or repository_url; an offset threshold), so any
 * change to what existing dashboards hold shows up byte for byte. */
static void test_golden_every_profile(void **state)
{
    for (size_t s = 0; s < NSOURCES; s++) {
        for (int bare = 0; bare < 2; bare++) {
            rc_cluster_decl c = cluster(sources[s]);
            rc_topic_decl t = topic();
            if (bare) {
                c.repo_url = NULL;
                c.prometheus_datasource = NULL;
                t.message = NULL;
                t.description = NULL;
                t.consumers = NULL;
                t.nconsumers = 0;
                t.lag_max_seconds = 0;
                t.lag_max_offsets = 5000;
            }
            rc_buf b = {0};
            char err[1024] = "";
            if (rc_dashboard_render(&b, *state, &repo, &c, &t, err, sizeof(err)) != 0)
                fail_msg("render %s: %s", sources[s], err);
            char *name = rc_xasprintf("dashboard-%s%s.json", sources[s], bare ? "-bare" : "");
            t_assert_golden(name, b.data, b.len);
            free(name);
            rc_buf_free(&b);
        }
    }
}

/* ---- provisioning ---------------------------------------------------------------- */

static json_t *provisioning(const rc_cluster_decl *c, const char *path)
{
    rc_buf b = {0};
    char err[1024] = "";
    assert_int_equal(rc_dashboards_provisioning(&b, c, path, err, sizeof(err)), 0);
    json_t *root = NULL;
    if (rc_tmpl_parse_yaml(&root, b.data, b.len, "provisioning.yaml", err, sizeof(err)) != 0)
        fail_msg("provisioning YAML does not parse back: %s\n%s", err, b.data);
    rc_buf_free(&b);
    return root;
}

static void test_provisioning(void **state)
{
    (void)state;
    rc_cluster_decl c = cluster(NULL);
    c.grafana_folder = "Kafka: prod #1 \"main\"";
    const char *path = "/var/lib/grafana/dashboards/prod: #x 'q' \"dq\"";
    json_t *root = provisioning(&c, path);
    assert_int_equal(json_integer_value(json_object_get(root, "apiVersion")), 1);
    json_t *providers = json_object_get(root, "providers");
    assert_int_equal(json_array_size(providers), 1);
    json_t *p = json_array_get(providers, 0);
    assert_string_equal(json_string_value(json_object_get(p, "name")), "reconcile-prod");
    assert_string_equal(json_string_value(json_object_get(p, "folder")), c.grafana_folder);
    assert_string_equal(json_string_value(json_object_get(p, "type")), "file");
    assert_true(json_is_false(json_object_get(p, "disableDeletion")));
    assert_true(json_is_false(json_object_get(p, "allowUiUpdates")));
    json_t *opt = json_object_get(p, "options");
    assert_string_equal(json_string_value(json_object_get(opt, "path")), path);
    assert_true(json_is_false(json_object_get(opt, "foldersFromFilesStructure")));
    json_decref(root);

    c.grafana_folder = NULL;
    root = provisioning(&c, "/d");
    p = json_array_get(json_object_get(root, "providers"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "folder")), "Kafka topics / prod");
    json_decref(root);

    /* deterministic */
    rc_buf b1 = {0}, b2 = {0};
    char err[256];
    assert_int_equal(rc_dashboards_provisioning(&b1, &c, "/d", err, sizeof(err)), 0);
    assert_int_equal(rc_dashboards_provisioning(&b2, &c, "/d", err, sizeof(err)), 0);
    assert_string_equal(b1.data, b2.data);
    rc_buf_free(&b1);
    rc_buf_free(&b2);
}

/* ---- custom templates: $when, ids, load errors ------------------------------------ */

/* A scratch template directory with an empty profiles/ (t_remove_tree it). */
static char *tmpdir_make(void)
{
    char *dir = t_scratch_dir("test_dashboards");
    char *p = rc_xasprintf("%s/profiles", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
    return dir;
}

static void remove_tree(char *dir)
{
    t_remove_tree(dir);
    free(dir);
}

static const char good_profile[] = "vars:\n"
                                   "  _sel: topic=\"${topic|promql}\"\n"
                                   "  expr: up{${_sel}}\n";

/* panels: a row with nested panels; template ids are ignored */
static const char rows_template[] =
    "{\"uid\": \"${uid}\", \"panels\": [\n"
    " {\"id\": 7, \"type\": \"row\", \"gridPos\": {\"x\": 0, \"y\": 0, \"w\": 24, \"h\": 1},\n"
    "  \"panels\": [\n"
    "   {\"id\": 7, \"type\": \"timeseries\", \"gridPos\": {\"x\": 0, \"y\": 1, \"w\": 12, \"h\": "
    "8}, \"targets\": [{\"expr\": \"${expr}\"}]},\n"
    "   {\"$when\": \"${has_lag_max_offsets}\", \"id\": 7, \"type\": \"stat\", \"gridPos\": "
    "{\"x\": 12, \"y\": 1, \"w\": 12, \"h\": 8}, \"targets\": [{\"expr\": \"${expr}\"}]}]},\n"
    " {\"type\": \"stat\", \"gridPos\": {\"x\": 0, \"y\": 9, \"w\": 24, \"h\": 4}, "
    "\"targets\": [{\"expr\": \"${expr}\"}],\n"
    "  \"options\": {\"$when\": \"${has_repository_url}\", \"a\": 1}}]}\n";

static void test_custom_template(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    t_write_file(dir, "topic.json", rows_template);
    t_write_file(dir, "profiles/kafka_exporter.yaml", good_profile);
    rc_dashboards *d = NULL;
    char err[1024] = "";
    if (rc_dashboards_load(&d, dir, err, sizeof(err)) != 0)
        fail_msg("load: %s", err);

    rc_cluster_decl c = cluster(NULL);
    rc_topic_decl t = topic();
    json_t *root = render(d, &c, &t, NULL);
    json_t *row = json_array_get(json_object_get(root, "panels"), 0);
    json_t *nested = json_object_get(row, "panels");
    assert_int_equal(json_integer_value(json_object_get(row, "id")), 1);
    assert_int_equal(json_array_size(nested), 1); /* no offset threshold: stat dropped */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(nested, 0), "id")), 2);
    json_t *last = json_array_get(json_object_get(root, "panels"), 1);
    assert_int_equal(json_integer_value(json_object_get(last, "id")), 3);
    json_t *opt = json_object_get(last, "options"); /* kept, without $when */
    assert_int_equal(json_object_size(opt), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(last, "targets"), 0), "expr")),
                        "up{topic=\"orders.order-placed.v1\"}");
    json_decref(root);

    t.lag_max_offsets = 5;
    c.repo_url = NULL;
    root = render(d, &c, &t, NULL);
    row = json_array_get(json_object_get(root, "panels"), 0);
    nested = json_object_get(row, "panels");
    assert_int_equal(json_array_size(nested), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(nested, 1), "id")), 3);
    last = json_array_get(json_object_get(root, "panels"), 1);
    assert_int_equal(json_integer_value(json_object_get(last, "id")), 4);
    assert_null(json_object_get(last, "options")); /* member dropped */
    json_decref(root);
    rc_dashboards_free(d);
    remove_tree(dir);
}

/* Load must fail with a message containing want. */
static void expect_load_error(const char *tmpl, const char *profile, const char *other_profile,
                              const char *want)
{
    char *dir = tmpdir_make();
    if (tmpl)
        t_write_file(dir, "topic.json", tmpl);
    if (profile)
        t_write_file(dir, "profiles/kafka_exporter.yaml", profile);
    if (other_profile)
        t_write_file(dir, "profiles/other.yaml", other_profile);
    rc_dashboards *d = (rc_dashboards *)1;
    char err[1024] = "";
    assert_int_equal(rc_dashboards_load(&d, dir, err, sizeof(err)), -1);
    assert_null(d);
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not mention \"%s\"", err, want);
    remove_tree(dir);
}

static const char one_panel[] =
    "{\"panels\": [{\"type\": \"stat\", \"gridPos\": {\"x\": %d, \"y\": 0, \"w\": %d, \"h\": 4}, "
    "\"targets\": [{\"expr\": \"%s\"}]}]}";

static void test_load_errors(void **state)
{
    (void)state;
    char buf[1024];
    /* no template at all */
    expect_load_error(NULL, good_profile, NULL, "topic.json");
    /* not JSON */
    expect_load_error("{\"panels\": [", good_profile, NULL, "topic.json");
    /* no panels */
    expect_load_error("{\"title\": \"x\"}", good_profile, NULL, "panels");
    /* outside the grid */
    snprintf(buf, sizeof(buf), one_panel, 12, 13, "${expr}");
    expect_load_error(buf, good_profile, NULL, "24 columns");
    snprintf(buf, sizeof(buf), "%s", "{\"panels\": [{\"type\": \"stat\"}]}");
    expect_load_error(buf, good_profile, NULL, "gridPos");
    /* unknown placeholder in the template, or in a profile */
    snprintf(buf, sizeof(buf), one_panel, 0, 24, "${no_such_var}");
    expect_load_error(buf, good_profile, NULL, "no_such_var");
    snprintf(buf, sizeof(buf), one_panel, 0, 24, "${expr}");
    expect_load_error(buf, "vars:\n  expr: up{x=\"${nope}\"}\n", NULL, "kafka_exporter.yaml");
    /* a profile that lacks a var the template uses is named */
    expect_load_error(buf, good_profile, "vars:\n  other: x\n", "other");
    /* profile shape */
    expect_load_error(buf, "vars:\n  topic: x\n  expr: y\n", NULL, "shadows");
    expect_load_error(buf, "vars:\n  expr: 5\n", NULL, "expected a string");
    expect_load_error(buf, "vars: {}\n", NULL, "non-empty");
    expect_load_error(buf, "vars:\n  expr: x\nextra: 1\n", NULL, "unknown key");
    expect_load_error(buf, "vars:\n  ex-pr: x\n", NULL, "ex-pr");
    expect_load_error(buf, NULL, NULL, "no profiles");
    /* $when must be a boolean */
    expect_load_error("{\"panels\": [{\"$when\": \"${topic}\", \"type\": \"stat\", \"gridPos\": "
                      "{\"x\": 0, \"y\": 0, \"w\": 1, \"h\": 1}}]}",
                      good_profile, NULL, "$when");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profiles_loaded),
        cmocka_unit_test(test_every_profile),
        cmocka_unit_test(test_offset_threshold),
        cmocka_unit_test(test_default_and_no_threshold),
        cmocka_unit_test(test_alert_threshold),
        cmocka_unit_test(test_git_link_iff_repository_url),
        cmocka_unit_test(test_uid_long_and_folded_names),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_null_source_is_kafka_exporter),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_unknown_source),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_golden_every_profile),
        cmocka_unit_test(test_provisioning),
        cmocka_unit_test(test_custom_template),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
