/* test_dashboards_clients.c — the "Clients" row (dashboards/clients.yaml) of
 * clusters that declare monitoring.client_metrics: which panels appear for
 * which declared metrics, on every profile; their exact PromQL and legends;
 * the topic escaped exactly as in the profile's panels; a dashboard without
 * the block untouched, and one with it holding the same panels first; the
 * fragment's load-time errors and a template directory without it.
 *
 * The template is the shipped one ($RECONCILE_SRC/dashboards). The golden
 * file golden/dashboard-kafka_exporter-clients.json is regenerated with
 *   RECONCILE_UPDATE_GOLDEN=1 ctest -R test_dashboards_clients */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dashboards.h"
#include "model.h"
#include "support.h"
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

/* what topic.json holds without the row */
#define BASE_PANELS 10

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

static char *consumers[] = {"fulfilment"};

static rc_cluster_decl cluster(const char *source)
{
    rc_cluster_decl c = {0};
    c.name = "prod";
    c.file = "topics/prod/_cluster.yaml";
    c.metric_source = (char *)source;
    c.repo_url = "https://git.example.com/platform/kafka-topics";
    c.prometheus_datasource = "prometheus-prod";
    c.default_lag_max_seconds = 300;
    return c;
}

/* Every metric named, the partition label given (what the example
 * declares). */
static void declare_all(rc_cluster_decl *c)
{
    rc_client_metrics *m = &c->client_metrics;
    m->declared = true;
    m->metric[RC_CLIENT_DELIVERED] = "kafka_producer_topic_record_send_total";
    m->metric[RC_CLIENT_DELIVERY_FAILED] = "kafka_producer_topic_record_error_total";
    m->metric[RC_CLIENT_CONSUMED] = "kafka_consumer_fetch_manager_records_consumed_total";
    m->metric[RC_CLIENT_CONSUME_FAILED] = "myapp_kafka_consume_errors_total";
    m->topic_label = "topic";
    m->service_label = "job";
    m->partition_label = "partition";
}

static rc_topic_decl topic(void)
{
    rc_topic_decl t = {0};
    t.name = "orders.order-placed.v1";
    t.file = "topics/prod/orders.yaml";
    t.line = 3;
    t.partitions = 6;
    t.owner = "checkout";
    t.lag_max_seconds = 120;
    t.consumers = consumers;
    t.nconsumers = 1;
    return t;
}

/* Render through both paths (they must agree byte for byte) and parse. */
static json_t *render(const rc_dashboards *d, const rc_cluster_decl *c, const rc_topic_decl *t,
                      char **text)
{
    rc_buf b = {0}, ref = {0};
    char err[1024] = "";
    if (rc_dashboard_render(&b, d, NULL, c, t, err, sizeof(err)) != 0)
        fail_msg("render: %s", err);
    if (rc_dashboard_render_reference(&ref, d, NULL, c, t, NULL, err, sizeof(err)) != 0)
        fail_msg("reference render: %s", err);
    assert_int_equal(ref.len, b.len);
    assert_memory_equal(ref.data, b.data, b.len);
    rc_buf_free(&ref);
    json_error_t je;
    json_t *root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        fail_msg("not JSON: %s", je.text);
    if (text)
        *text = rc_buf_take(&b);
    else
        rc_buf_free(&b);
    return root;
}

static json_t *panels(json_t *root)
{
    return json_object_get(root, "panels");
}

static json_t *panel_titled(json_t *root, const char *title)
{
    size_t i;
    json_t *p;
    json_array_foreach(panels(root), i, p)
    {
        if (!strcmp(json_string_value(json_object_get(p, "title")), title))
            return p;
    }
    return NULL;
}

static const char *target(json_t *panel, const char *field)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(panel, "targets"), 0), field));
}

static const char *const row_titles[] = {
    "Delivered by producing service", "Failed deliveries by producing service",
    "Consumed by consuming service", "Consumption errors by consuming service"};
#define SKEW_TITLE "Producer skew by partition (clients, max / avg)"

/* ---- which panels ----------------------------------------------------------------- */

/* Each case: which metrics are named (bit i: rc_client_metric i), whether
 * partition_label is given, and the panels the row must then hold. */
static void test_panels_per_declaration(void **state)
{
    static const struct {
        unsigned metrics;
        bool partition;
        size_t row_panels; /* the row itself included */
        bool skew;
    } cases[] = {
        {0xf, true, 6, true},   {0xf, false, 5, false}, {0x1, true, 3, true},
        {0x1, false, 2, false}, {0x4, true, 2, false},  {0x2, true, 2, false},
        {0xa, false, 3, false},
    };
    for (size_t s = 0; s < NSOURCES; s++) {
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            rc_cluster_decl c = cluster(sources[s]);
            declare_all(&c);
            for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++)
                if (!(cases[k].metrics & (1u << i)))
                    c.client_metrics.metric[i] = NULL;
            if (!cases[k].partition)
                c.client_metrics.partition_label = NULL;
            rc_topic_decl t = topic();
            json_t *root = render(*state, &c, &t, NULL);
            assert_int_equal(json_array_size(panels(root)), BASE_PANELS + cases[k].row_panels);
            json_t *row = json_array_get(panels(root), BASE_PANELS);
            assert_string_equal(json_string_value(json_object_get(row, "type")), "row");
            assert_string_equal(json_string_value(json_object_get(row, "title")), "Clients");
            for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++) {
                bool want = cases[k].metrics & (1u << i);
                assert_true((panel_titled(root, row_titles[i]) != NULL) == want);
            }
            assert_true((panel_titled(root, SKEW_TITLE) != NULL) == cases[k].skew);
            /* ids stay 1..n in order; the row sits below topic.json's panels */
            size_t i;
            json_t *p;
            json_array_foreach(panels(root), i, p)
            {
                assert_int_equal(json_integer_value(json_object_get(p, "id")), (json_int_t)i + 1);
                json_t *g = json_object_get(p, "gridPos");
                if (i >= BASE_PANELS)
                    assert_true(json_integer_value(json_object_get(g, "y")) >= 28);
                assert_true(json_integer_value(json_object_get(g, "x")) +
                                json_integer_value(json_object_get(g, "w")) <=
                            24);
            }
            json_decref(root);
        }
    }
}

/* Without the block nothing changes, whatever the struct holds otherwise;
 * with it, the dashboard is the same plus the row: every member and every
 * panel of topic.json compares equal. */
static void test_row_only_adds(void **state)
{
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl plain = cluster(sources[s]), off = cluster(sources[s]);
        rc_cluster_decl on = cluster(sources[s]);
        declare_all(&off);
        off.client_metrics.declared = false;
        declare_all(&on);
        rc_topic_decl t = topic();
        char *a = NULL, *b = NULL;
        json_t *ra = render(*state, &plain, &t, &a);
        json_t *rb = render(*state, &off, &t, &b);
        assert_string_equal(a, b);
        json_t *rc = render(*state, &on, &t, NULL);
        assert_int_equal(json_array_size(panels(rc)), BASE_PANELS + 6);
        while (json_array_size(panels(rc)) > BASE_PANELS)
            json_array_remove(panels(rc), BASE_PANELS);
        assert_true(json_equal(ra, rc));
        json_decref(ra);
        json_decref(rb);
        json_decref(rc);
        free(a);
        free(b);
    }
}

/* ---- what the panels compute ---------------------------------------------------------- */

static void test_exact_expressions(void **state)
{
    static const char *const want[] = {
        "sum by (job) (rate(kafka_producer_topic_record_send_total"
        "{topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_v1\"}[$__rate_interval]))",
        "sum by (job) (rate(kafka_producer_topic_record_error_total"
        "{topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_v1\"}[$__rate_interval]))",
        "sum by (job) (rate(kafka_consumer_fetch_manager_records_consumed_total"
        "{topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_v1\"}[$__rate_interval]))",
        "sum by (job) (rate(myapp_kafka_consume_errors_total"
        "{topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_v1\"}[$__rate_interval]))",
    };
    static const char skew[] =
        "max(sum by (partition) (rate(kafka_producer_topic_record_send_total"
        "{topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_v1\"}[$__rate_interval]))) / "
        "avg(sum by (partition) (rate(kafka_producer_topic_record_send_total"
        "{topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_v1\"}[$__rate_interval])))";
    /* the profile does not matter: the same expressions on every one */
    for (size_t s = 0; s < NSOURCES; s++) {
        rc_cluster_decl c = cluster(sources[s]);
        declare_all(&c);
        rc_topic_decl t = topic();
        json_t *root = render(*state, &c, &t, NULL);
        for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++) {
            json_t *p = panel_titled(root, row_titles[i]);
            assert_non_null(p);
            assert_string_equal(target(p, "expr"), want[i]);
            assert_string_equal(target(p, "legendFormat"), "{{job}}");
            assert_string_equal(json_string_value(json_object_get(p, "type")), "timeseries");
        }
        json_t *p = panel_titled(root, SKEW_TITLE);
        assert_string_equal(target(p, "expr"), skew);
        assert_string_equal(target(p, "legendFormat"), "skew");
        json_decref(root);
    }

    /* other label names are used as declared */
    rc_cluster_decl c = cluster(NULL);
    declare_all(&c);
    c.client_metrics.topic_label = "kafka_topic";
    c.client_metrics.service_label = "application";
    c.client_metrics.partition_label = "kafka_partition";
    rc_topic_decl t = topic();
    json_t *root = render(*state, &c, &t, NULL);
    json_t *p = panel_titled(root, row_titles[RC_CLIENT_CONSUMED]);
    assert_string_equal(target(p, "expr"),
                        "sum by (application) (rate(kafka_consumer_fetch_manager_records_consumed_"
                        "total{kafka_topic=~\"orders\\\\.order-placed\\\\.v1|orders_order-placed_"
                        "v1\"}[$__rate_interval]))");
    assert_string_equal(target(p, "legendFormat"), "{{application}}");
    assert_non_null(
        strstr(target(panel_titled(root, SKEW_TITLE), "expr"), "sum by (kafka_partition) ("));
    json_decref(root);
}

/* The topic goes into the client selectors escaped for a regex inside a
 * PromQL string (the renderer does not rely on validate's topic-name rule):
 * as written, or with its dots as the underscores Java's consumer writes. */
static void test_topic_escaped_as_profile(void **state)
{
    rc_cluster_decl c = cluster("kafka_exporter");
    declare_all(&c);
    rc_topic_decl t = topic();
    t.name = "we\"ird\\name\n";
    json_t *root = render(*state, &c, &t, NULL);
    const char *prod = target(panel_titled(root, "Production rate by partition"), "expr");
    const char *client = target(panel_titled(root, row_titles[RC_CLIENT_DELIVERED]), "expr");
    const char *esc = "topic=\"we\\\"ird\\\\name\\n\"";
    assert_non_null(strstr(prod, esc));
    /* a regex backslash is itself escaped for the PromQL string */
    const char *resc = "topic=~\"we\\\"ird\\\\\\\\name\\n|we\\\"ird\\\\\\\\name\\n\"";
    if (!strstr(client, resc))
        fail_msg("want %s in %s", resc, client);
    assert_null(strstr(client, "we\"ird"));
    t.name = "a.b";
    json_decref(root);
    root = render(*state, &c, &t, NULL);
    client = target(panel_titled(root, row_titles[RC_CLIENT_DELIVERED]), "expr");
    assert_non_null(strstr(client, "topic=~\"a\\\\.b|a_b\""));
    json_decref(root);
}

static void test_golden_with_clients(void **state)
{
    rc_cluster_decl c = cluster("kafka_exporter");
    declare_all(&c);
    rc_topic_decl t = topic();
    rc_buf b = {0};
    char err[1024] = "";
    assert_int_equal(rc_dashboard_render(&b, *state, NULL, &c, &t, err, sizeof(err)), 0);
    t_assert_golden("dashboard-kafka_exporter-clients.json", b.data, b.len);
    rc_buf_free(&b);
}

/* ---- template directories -------------------------------------------------------------- */

static const char mini_template[] =
    "{\"uid\": \"${uid}\", \"panels\": [{\"type\": \"stat\", \"gridPos\": {\"x\": 0, \"y\": 0, "
    "\"w\": 24, \"h\": 5}, \"targets\": [{\"expr\": \"${expr}\"}]}]}\n";
static const char mini_profile[] = "vars:\n  expr: up{topic=\"${topic|promql}\"}\n";

static char *mini_dir(const char *clients)
{
    char *dir = t_scratch_dir("test_dashboards_clients");
    char *p = rc_xasprintf("%s/profiles", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
    t_write_file(dir, "topic.json", mini_template);
    t_write_file(dir, "profiles/kafka_exporter.yaml", mini_profile);
    if (clients)
        t_write_file(dir, "clients.yaml", clients);
    return dir;
}

/* A dashboards/ copy from before the row still loads and renders clusters
 * without the block; one that declares it is refused, naming the file. */
static void test_no_fragment(void **state)
{
    (void)state;
    char *dir = mini_dir(NULL);
    rc_dashboards *d = NULL;
    char err[1024] = "";
    if (rc_dashboards_load(&d, dir, err, sizeof(err)) != 0)
        fail_msg("load: %s", err);
    rc_cluster_decl c = cluster(NULL);
    rc_topic_decl t = topic();
    json_t *root = render(d, &c, &t, NULL);
    assert_int_equal(json_array_size(panels(root)), 1);
    json_decref(root);
    declare_all(&c);
    rc_buf b = {0};
    rc_buf_puts(&b, "kept");
    assert_int_equal(rc_dashboard_render(&b, d, NULL, &c, &t, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "clients.yaml"));
    assert_non_null(strstr(err, "client_metrics"));
    assert_string_equal(b.data, "kept");
    rc_buf_free(&b);
    rc_dashboards_free(d);
    t_remove_tree(dir);
    free(dir);
}

/* The fragment's y counts from the bottom of the template's own panels. */
static void test_fragment_below_template(void **state)
{
    (void)state;
    char *dir = mini_dir(
        "panels:\n"
        "  - type: stat\n"
        "    gridPos: {x: 0, y: 2, w: 6, h: 3}\n"
        "    targets: [{expr: \"${client_consumed}{${client_topic_label}=\\\"x\\\"}\"}]\n");
    rc_dashboards *d = NULL;
    char err[1024] = "";
    if (rc_dashboards_load(&d, dir, err, sizeof(err)) != 0)
        fail_msg("load: %s", err);
    rc_cluster_decl c = cluster(NULL);
    declare_all(&c);
    rc_topic_decl t = topic();
    json_t *root = render(d, &c, &t, NULL);
    assert_int_equal(json_array_size(panels(root)), 2);
    json_t *p = json_array_get(panels(root), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "gridPos"), "y")), 7);
    assert_int_equal(json_integer_value(json_object_get(p, "id")), 2);
    assert_string_equal(target(p, "expr"),
                        "kafka_consumer_fetch_manager_records_consumed_total{topic=\"x\"}");
    json_decref(root);
    rc_dashboards_free(d);
    t_remove_tree(dir);
    free(dir);
}

static void expect_load_error(const char *clients, const char *profile, const char *want)
{
    char *dir = mini_dir(clients);
    if (profile)
        t_write_file(dir, "profiles/kafka_exporter.yaml", profile);
    rc_dashboards *d = (rc_dashboards *)1;
    char err[1024] = "";
    assert_int_equal(rc_dashboards_load(&d, dir, err, sizeof(err)), -1);
    assert_null(d);
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not mention \"%s\"", err, want);
    t_remove_tree(dir);
    free(dir);
}

static void test_fragment_errors(void **state)
{
    (void)state;
    expect_load_error("panels: [\n", NULL, "clients.yaml");
    expect_load_error("- a\n", NULL, "clients.yaml: expected a mapping");
    expect_load_error("panels: []\n", NULL, "non-empty");
    expect_load_error("panels: [{}]\nextra: 1\n", NULL, "one key");
    expect_load_error("panels: [{type: stat}]\n", NULL, "panels[0]: expected a panel");
    expect_load_error("panels: [{type: stat, gridPos: {x: 0, y: \"1\", w: 1, h: 1}}]\n", NULL,
                      "integer gridPos.y");
    /* checked like topic.json, by the probes: placeholders and the grid */
    expect_load_error("panels: [{type: stat, gridPos: {x: 0, y: 0, w: 1, h: 1}, "
                      "targets: [{expr: \"${client_nope}\"}]}]\n",
                      NULL, "client_nope");
    expect_load_error("panels: [{type: stat, gridPos: {x: 20, y: 0, w: 6, h: 1}, "
                      "targets: [{expr: x}]}]\n",
                      NULL, "24 columns");
    expect_load_error("panels: [{$when: \"${client_consumed}\", type: stat, "
                      "gridPos: {x: 0, y: 0, w: 1, h: 1}, targets: [{expr: x}]}]\n",
                      NULL, "$when");
    /* the variables' names are reserved for them */
    expect_load_error(NULL, "vars:\n  client_extra: x\n  expr: y\n", "reserved");
    expect_load_error(NULL, "vars:\n  has_client_consumed: x\n  expr: y\n", "reserved");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panels_per_declaration),
        cmocka_unit_test(test_row_only_adds),
        cmocka_unit_test(test_exact_expressions),
        cmocka_unit_test(test_topic_escaped_as_profile),
        cmocka_unit_test(test_golden_with_clients),
        cmocka_unit_test(test_no_fragment),
        cmocka_unit_test(test_fragment_below_template),
        cmocka_unit_test(test_fragment_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
