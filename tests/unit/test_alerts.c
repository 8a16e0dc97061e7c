/* Unit tests for alerts: rule files rendered from in-memory declarations with
 * the shipped profiles (alert-templates/), parsed back and checked field by
 * field; thresholds; hostile values; profile errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alerts.h"
#include "links.h"
#include "model.h"
#include "support.h"
#include "tmpl.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char templates[4096];

static int setup(void **state)
{
    (void)state;
    char *dir = t_src_path("alert-templates");
    snprintf(templates, sizeof(templates), "%s", dir);
    free(dir);
    return 0;
}

/* ---- building declarations ------------------------------------------------ */

static void add_team(rc_repo *r, const char *name, const char *chat, const char *esc)
{
    r->teams = rc_xrealloc(r->teams, (r->nteams + 1) * sizeof(*r->teams));
    rc_team *t = &r->teams[r->nteams++];
    t->name = rc_xstrdup(name);
    t->chat = chat ? rc_xstrdup(chat) : NULL;
    t->escalation = esc ? rc_xstrdup(esc) : NULL;
}

static rc_cluster_decl *add_cluster(rc_repo *r, const char *name, const char *source)
{
    r->clusters = rc_xrealloc(r->clusters, (r->nclusters + 1) * sizeof(*r->clusters));
    rc_cluster_decl *c = &r->clusters[r->nclusters++];
    memset(c, 0, sizeof(*c));
    c->name = rc_xstrdup(name);
    c->file = rc_xasprintf("topics/%s/_cluster.yaml", name);
    c->metric_source = rc_xstrdup(source);
    return c;
}

/* owner "checkout"; file topics/<cluster>/<name>.yaml; consumers NULL-terminated */
static rc_topic_decl *add_topic(rc_cluster_decl *c, const char *name, const char *owner,
                                const char *const *consumers)
{
    c->topics = rc_xrealloc(c->topics, (c->ntopics + 1) * sizeof(*c->topics));
    rc_topic_decl *t = &c->topics[c->ntopics++];
    memset(t, 0, sizeof(*t));
    t->name = rc_xstrdup(name);
    t->file = rc_xasprintf("topics/%s/%s.yaml", c->name, name);
    t->owner = rc_xstrdup(owner);
    t->partitions = 3;
    size_t n = 0;
    while (consumers && consumers[n])
        n++;
    if (n) {
        t->consumers = rc_xcalloc(n, sizeof(char *));
        for (size_t i = 0; i < n; i++)
            t->consumers[i] = rc_xstrdup(consumers[i]);
        t->nconsumers = n;
    }
    return t;
}

/* Render and parse back; the parsed tree is the caller's. */
static json_t *render(const rc_repo *r, const rc_cluster_decl *c, char **text_out)
{
    rc_buf out = {0};
    char err[512] = "";
    if (rc_alerts_render(&out, r, c, templates, err, sizeof(err)) != 0)
        fail_msg("render failed: %s", err);
    json_t *tree = NULL;
    if (rc_tmpl_parse_yaml(&tree, out.data, out.len, "rules.yml", err, sizeof(err)) != 0)
        fail_msg("output does not parse: %s\n%s", err, out.data);
    if (text_out)
        *text_out = rc_buf_take(&out);
    rc_buf_free(&out);
    return tree;
}

static json_t *group_rules(json_t *tree, size_t gi)
{
    return json_object_get(json_array_get(json_object_get(tree, "groups"), gi), "rules");
}

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        fail_msg("no string \"%s\"", key);
    return s;
}

/* labels must be exactly these key/value pairs (NULL-terminated list) */
static void assert_labels(json_t *rule, ...)
{
    json_t *l = json_object_get(rule, "labels");
    va_list ap;
    va_start(ap, rule);
    size_t n = 0;
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const char *v = va_arg(ap, const char *);
        const char *got = json_string_value(json_object_get(l, k));
        if (!got || strcmp(got, v) != 0)
            fail_msg("label %s: want \"%s\", got \"%s\"", k, v, got ? got : "(none)");
        n++;
    }
    va_end(ap);
    assert_int_equal(json_object_size(l), n);
}

static void assert_rule_shape(json_t *rule)
{
    static const char *const fields[] = {"alert", "expr", "for", "labels", "annotations"};
    const char *k;
    json_t *v;
    json_object_foreach(rule, k, v)
    {
        size_t i = 0;
        while (i < 5 && strcmp(fields[i], k))
            i++;
        if (i == 5)
            fail_msg("unexpected rule field %s", k);
        if (strcmp(k, "labels") && strcmp(k, "annotations"))
            assert_true(json_is_string(v));
    }
    json_t *a = json_object_get(rule, "annotations");
    assert_int_equal(json_object_size(a), 4);
    assert_non_null(json_object_get(a, "summary"));
    assert_non_null(json_object_get(a, "description"));
    assert_non_null(json_object_get(a, "runbook_url"));
    assert_non_null(json_object_get(a, "dashboard_url"));
}

static char *dashboard_range(const char *base, const char *cluster, const char *topic,
                             const char *group, const char *range)
{
    char uid[RC_DASHBOARD_UID_MAX + 1];
    rc_links_dashboard_uid(uid, cluster, topic);
    return rc_links_dashboard_url(base, uid, group, range);
}

/* the shipped profiles link the last 6 hours */
static char *dashboard(const char *base, const char *cluster, const char *topic, const char *group)
{
    return dashboard_range(base, cluster, topic, group, "6h");
}

/* ---- tests ------------------------------------------------------------------ */

/* Credentials in grafana_url (which publish may use) never reach the link
 * that alerts carry into chat rooms. */
static void test_dashboard_link_drops_credentials(void **state)
{
    (void)state;
    char *u =
        rc_links_dashboard_url("https://svc:S3cr3t@grafana.example:3000/", "uid1", NULL, NULL);
    assert_string_equal(u, "https://grafana.example:3000/d/uid1?from=now-6h&to=now");
    free(u);
    u = rc_links_dashboard_url("http://grafana.example/sub@path", "uid1", NULL, NULL);
    assert_string_equal(u, "http://grafana.example/sub@path/d/uid1?from=now-6h&to=now");
    free(u);
}

static void test_kafka_exporter_rules(void **state)
{
    (void)state;
    rc_repo r = {0};
    add_team(&r, "audit", "#audit", NULL);
    add_team(&r, "checkout", "#checkout", "pd:checkout");
    rc_cluster_decl *c = add_cluster(&r, "prod", "kafka_exporter");
    c->grafana_url = rc_xstrdup("https://grafana.example.com/");
    c->repo_url = rc_xstrdup("https://git.example.com/topics/");
    c->default_lag_max_seconds = 600;
    c->default_lag_for_seconds = 900;
    rc_kvlist_set(&c->alert_labels, "env", "prod");
    rc_kvlist_set(&c->alert_labels, "severity", "must-not-override");
    rc_topic_decl *audit = add_topic(c, "audit.v1", "audit", NULL);
    audit->lag_max_offsets = 500;
    const char *groups[] = {"fulfilment", "team a/b", NULL};
    rc_topic_decl *orders = add_topic(c, "orders.v1", "checkout", groups);
    orders->lag_max_seconds = 120;
    orders->lag_for_seconds = 300;
    orders->messages_per_second = 10;
    orders->severity = rc_xstrdup("critical");
    orders->skew_alert = true;
    orders->description = rc_xstrdup("An order.");
    orders->message = rc_xstrdup("shop.v1.Order");

    char *text;
    json_t *tree = render(&r, c, &text);
    assert_non_null(strstr(text, "# kafka_exporter alert profile"));
    json_t *gs = json_object_get(tree, "groups");
    assert_int_equal(json_array_size(gs), 2);
    assert_string_equal(str(json_array_get(gs, 0), "name"), "reconcile/prod/audit.v1");
    assert_string_equal(str(json_array_get(gs, 1), "name"), "reconcile/prod/orders.v1");

    /* audit.v1: no consumers, one rule aggregated by group */
    json_t *rules = group_rules(tree, 0);
    assert_int_equal(json_array_size(rules), 1);
    json_t *rule = json_array_get(rules, 0);
    assert_rule_shape(rule);
    assert_string_equal(str(rule, "alert"), "KafkaConsumerLagHigh");
    assert_string_equal(str(rule, "expr"),
                        "sum by (group) (label_replace(kafka_consumergroup_lag{topic=\"audit.v1\"} "
                        ">= 0, \"group\", \"$1\", \"consumergroup\", \"(.*)\")) > 500");
    assert_string_equal(str(rule, "for"), "15m");
    assert_labels(rule, "cluster", "prod", "topic", "audit.v1", "team", "audit", "severity",
                  "warning", "chat", "#audit", "env", "prod", NULL);
    json_t *ann = json_object_get(rule, "annotations");
    char *url = dashboard("https://grafana.example.com/", "prod", "audit.v1", NULL);
    char *want = rc_xasprintf("%s&var-group={{ $labels.group | urlquery }}", url);
    assert_string_equal(str(ann, "dashboard_url"), want);
    free(want);
    free(url);
    assert_string_equal(str(ann, "runbook_url"),
                        "https://git.example.com/topics/blob/HEAD/topics/prod/audit.v1.yaml");
    assert_non_null(strstr(str(ann, "description"), "more than 500 messages behind"));

    /* orders.v1: lag per group, absent per group, no members per group, skew */
    rules = group_rules(tree, 1);
    assert_int_equal(json_array_size(rules), 7);
    const char *alerts[] = {"KafkaConsumerLagHigh",        "KafkaConsumerLagHigh",
                            "KafkaConsumerAbsent",         "KafkaConsumerAbsent",
                            "KafkaConsumerGroupNoMembers", "KafkaConsumerGroupNoMembers",
                            "KafkaTopicPartitionSkew"};
    for (size_t i = 0; i < 7; i++) {
        assert_rule_shape(json_array_get(rules, i));
        assert_string_equal(str(json_array_get(rules, i), "alert"), alerts[i]);
    }
    rule = json_array_get(rules, 1);
    /* 2m at the declared 10 messages/s = 1200 offsets */
    assert_string_equal(str(rule, "expr"), "sum(kafka_consumergroup_lag{topic=\"orders.v1\", "
                                           "consumergroup=\"team a/b\"} >= 0) > 1200");
    assert_string_equal(str(rule, "for"), "5m");
    assert_labels(rule, "cluster", "prod", "topic", "orders.v1", "team", "checkout", "severity",
                  "critical", "chat", "#checkout", "escalation", "pd:checkout", "group", "team a/b",
                  "env", "prod", NULL);
    ann = json_object_get(rule, "annotations");
    url = dashboard("https://grafana.example.com", "prod", "orders.v1", "team a/b");
    assert_non_null(strstr(url, "?var-group=team%20a%2Fb&from=now-6h&to=now"));
    assert_string_equal(str(ann, "dashboard_url"), url);
    free(url);
    assert_string_equal(str(ann, "summary"),
                        "Consumer group team a/b is {{ $value | humanize }} messages behind on "
                        "orders.v1");
    assert_non_null(strstr(str(ann, "description"),
                           "more than 1200 messages (2m at the declared 10 messages/s) behind"));
    assert_non_null(strstr(str(ann, "description"), "Topic: An order. Message: shop.v1.Order."));

    rule = json_array_get(rules, 2);
    /* sum(): absent() would add consumergroup beside the rule's own group label */
    assert_string_equal(str(rule, "expr"),
                        "sum(absent(kafka_consumergroup_lag{topic=\"orders.v1\", "
                        "consumergroup=\"fulfilment\"}))");
    assert_string_equal(str(rule, "for"), "15m");
    assert_string_equal(str(json_object_get(rule, "labels"), "group"), "fulfilment");
    assert_non_null(strstr(str(json_object_get(rule, "annotations"), "description"),
                           "KafkaConsumerGroupNoMembers fires for it"));

    /* a stopped group keeps its offsets: membership, for the topic's lag.for */
    rule = json_array_get(rules, 5);
    assert_string_equal(str(rule, "expr"),
                        "sum(kafka_consumergroup_members{consumergroup=\"team a/b\"}) == 0");
    assert_string_equal(str(rule, "for"), "5m");
    assert_string_equal(str(json_object_get(rule, "labels"), "group"), "team a/b");

    rule = json_array_get(rules, 6);
    assert_null(json_object_get(json_object_get(rule, "labels"), "group"));
    assert_string_equal(str(rule, "for"), "30m");
    url = dashboard("https://grafana.example.com", "prod", "orders.v1", NULL);
    assert_string_equal(str(json_object_get(rule, "annotations"), "dashboard_url"), url);
    free(url);

    json_decref(tree);
    free(text);
    rc_repo_free(&r);
}

typedef struct profile_case {
    const char *source;
    const char *lag_metric;     /* in every lag expression */
    const char *absent_metric;  /* in the absent expression */
    const char *members_metric; /* in the no-members expression; NULL: none exported */
    const char *end_metric;     /* newest offsets: production */
    const char *commit_metric;  /* the group's committed offsets: consumption */
    bool time;                  /* time lag by default */
} profile_case;

static const profile_case cases[] = {
    {"kafka_exporter", "kafka_consumergroup_lag{", "sum(absent(kafka_consumergroup_lag{",
     "kafka_consumergroup_members{", "kafka_topic_partition_current_offset{",
     "kafka_consumergroup_current_offset{", false},
    {"kafka-lag-exporter", "kafka_consumergroup_group_lag_seconds{",
     "sum(absent(kafka_consumergroup_group_lag{", NULL, "kafka_partition_latest_offset{",
     "kafka_consumergroup_group_offset{", true},
    {"kminion", "kminion_kafka_consumer_group_topic_lag{",
     "sum(absent(kminion_kafka_consumer_group_topic_lag{", "kminion_kafka_consumer_group_members{",
     "kminion_kafka_topic_", "kminion_kafka_consumer_group_topic_offset_sum{", false},
    {"redpanda", "redpanda_kafka_consumer_group_committed_offset{",
     "sum(absent(redpanda_kafka_consumer_group_committed_offset{",
     "redpanda_kafka_consumer_group_consumers{", "redpanda_kafka_max_offset{",
     "redpanda_kafka_consumer_group_committed_offset{", false},
    {"reconcile", "reconcile_lag_seconds{", "sum(absent(reconcile_lag_offsets{",
     "reconcile_lag_group_members{", "reconcile_lag_end_offset{", "reconcile_lag_committed_offset{",
     true},
};

/* The `for` each rule kind takes in test_every_profile (cluster defaults). */
static const char *expected_for(const char *alert)
{
    static const char *const fors[][2] = {{"KafkaConsumerLagHigh", "10m"},
                                          {"KafkaConsumerAbsent", "15m"},
                                          {"KafkaConsumerGroupNoMembers", "10m"},
                                          {"KafkaTopicPartitionSkew", "30m"},
                                          {"KafkaTopicProduceRateChanged", "15m"}};
    for (size_t i = 0; i < sizeof(fors) / sizeof(fors[0]); i++)
        if (!strcmp(fors[i][0], alert))
            return fors[i][1];
    return NULL; /* the windowed rules need no `for` */
}

/* The metric a rule of each kind must query in profile pc. */
static const char *expected_metric(const profile_case *pc, const char *alert)
{
    if (!strcmp(alert, "KafkaConsumerLagHigh"))
        return pc->lag_metric;
    if (!strcmp(alert, "KafkaConsumerAbsent"))
        return pc->absent_metric;
    if (!strcmp(alert, "KafkaConsumerGroupNoMembers"))
        return pc->members_metric;
    if (!strcmp(alert, "KafkaConsumerGroupNoConsumption"))
        return pc->commit_metric;
    if (!strcmp(alert, "KafkaTopicPartitionSkew") || !strcmp(alert, "KafkaTopicNoProduction") ||
        !strcmp(alert, "KafkaTopicProduceRateChanged"))
        return pc->end_metric;
    fail_msg("unexpected alert %s", alert);
    return NULL;
}

static void test_every_profile(void **state)
{
    (void)state;
    for (size_t pi = 0; pi < sizeof(cases) / sizeof(cases[0]); pi++) {
        const profile_case *pc = &cases[pi];
        rc_repo r = {0};
        add_team(&r, "checkout", "#checkout", "pd");
        rc_cluster_decl *c = add_cluster(&r, "c1", pc->source);
        c->grafana_url = rc_xstrdup("https://g.example");
        const char *groups[] = {"g1", "g 2", "g3", NULL};
        add_topic(c, "a.v1", "checkout", NULL);
        rc_topic_decl *b = add_topic(c, "b.v1", "checkout", groups);
        b->skew_alert = true;
        b->no_production_seconds = 1800;
        b->no_consumption_seconds = 3600;
        b->rate_change = 50;
        b->rate_change_is_percent = true;
        add_topic(c, "c.v1", "checkout", groups + 2);

        char *t1, *t2;
        json_t *tree = render(&r, c, &t1);
        json_t *again = render(&r, c, &t2);
        /* deterministic: same declarations, same bytes */
        assert_string_equal(t1, t2);
        json_decref(again);

        json_t *gs = json_object_get(tree, "groups");
        assert_int_equal(json_array_size(gs), 3);
        /* per declared group: lag, absent, no members (where exported), no
         * consumption (b.v1); b.v1 also skew, no production, rate change */
        size_t members = pc->members_metric ? 1 : 0;
        size_t nrules[] = {1, 3 * (2 + members + 1) + 3, 2 + members};
        for (size_t gi = 0; gi < 3; gi++) {
            json_t *g = json_array_get(gs, gi);
            char name[64];
            snprintf(name, sizeof(name), "reconcile/c1/%s", c->topics[gi].name);
            assert_string_equal(str(g, "name"), name);
            json_t *rules = json_object_get(g, "rules");
            assert_int_equal(json_array_size(rules), nrules[gi]);
            size_t i;
            json_t *rule;
            json_array_foreach(rules, i, rule)
            {
                assert_rule_shape(rule);
                const char *alert = str(rule, "alert");
                const char *expr = str(rule, "expr");
                const char *metric = expected_metric(pc, alert);
                if (!metric || !strstr(expr, metric))
                    fail_msg("%s %s: want %s in %s", pc->source, alert, metric, expr);
                json_t *l = json_object_get(rule, "labels");
                assert_string_equal(str(l, "cluster"), "c1");
                assert_string_equal(str(l, "topic"), c->topics[gi].name);
                assert_string_equal(str(l, "team"), "checkout");
                assert_string_equal(str(l, "severity"), "warning");
                assert_string_equal(str(l, "chat"), "#checkout");
                const char *want_for = expected_for(alert);
                if (want_for)
                    assert_string_equal(str(rule, "for"), want_for);
                else
                    assert_null(json_object_get(rule, "for"));
                /* windowed rules: the declared window, exactly */
                if (!strcmp(alert, "KafkaTopicNoProduction"))
                    assert_non_null(strstr(expr, "[30m]"));
                if (!strcmp(alert, "KafkaConsumerGroupNoConsumption"))
                    assert_non_null(strstr(expr, "[1h]"));
                if (!strcmp(alert, "KafkaTopicProduceRateChanged"))
                    assert_true(strstr(expr, "> 1.5") && strstr(expr, "< 0.5"));
            }
        }
        /* the second declared group of b.v1, URL-escaped in the link */
        json_t *rule = json_array_get(group_rules(tree, 1), 1);
        assert_string_equal(str(json_object_get(rule, "labels"), "group"), "g 2");
        char *url = dashboard("https://g.example", "c1", "b.v1", "g 2");
        assert_string_equal(str(json_object_get(rule, "annotations"), "dashboard_url"), url);
        free(url);
        /* default threshold: 5m of time lag, or 1000 offsets */
        assert_non_null(strstr(str(rule, "expr"), pc->time ? "> 300" : "> 1000"));
        if (!strcmp(pc->source,
                    "reconcile")) /* measured: no NaN or +Inf; one exporter, many clusters */
            assert_non_null(strstr(str(rule, "expr"), "cluster=\"c1\""));
        else if (pc->time)
            assert_non_null(strstr(str(rule, "expr"), "< +Inf"));
        else if (strcmp(pc->source, "redpanda") != 0)
            assert_non_null(strstr(str(rule, "expr"), ">= 0"));
        json_decref(tree);
        free(t1);
        free(t2);
        rc_repo_free(&r);
    }
}

static void test_thresholds(void **state)
{
    (void)state;
    char err[512];
    rc_alerts_profile *offsets, *both;
    assert_int_equal(rc_alerts_profile_load(&offsets, templates, NULL, err, sizeof(err)), 0);
    assert_string_equal(rc_alerts_profile_name(offsets), "kafka_exporter");
    assert_int_equal(
        rc_alerts_profile_load(&both, templates, "kafka-lag-exporter", err, sizeof(err)), 0);
    rc_cluster_decl c = {0};
    rc_topic_decl t = {0};
    rc_alerts_lag lag;

    /* nothing declared: profile defaults */
    rc_alerts_topic_lag(&lag, offsets, &c, &t);
    assert_false(lag.time);
    assert_int_equal(lag.max, 1000);
    assert_int_equal(lag.for_seconds, 600);
    rc_alerts_topic_lag(&lag, both, &c, &t);
    assert_true(lag.time);
    assert_int_equal(lag.max, 300);

    /* cluster defaults over profile defaults */
    c.default_lag_max_seconds = 900;
    c.default_lag_for_seconds = 60;
    rc_alerts_topic_lag(&lag, both, &c, &t);
    assert_int_equal(lag.max, 900);
    assert_int_equal(lag.for_seconds, 60);

    /* topic over cluster */
    t.lag_max_seconds = 120;
    t.lag_for_seconds = 30;
    rc_alerts_topic_lag(&lag, both, &c, &t);
    assert_true(lag.time);
    assert_int_equal(lag.max, 120);
    assert_int_equal(lag.for_seconds, 30);

    /* offset-only profile: the time threshold through the declared rate */
    t.messages_per_second = 2.5;
    rc_alerts_topic_lag(&lag, offsets, &c, &t);
    assert_false(lag.time);
    assert_int_equal(lag.max, 300);
    t.messages_per_second = 0.001; /* never below one message */
    rc_alerts_topic_lag(&lag, offsets, &c, &t);
    assert_int_equal(lag.max, 1);
    t.messages_per_second = 1e300; /* capped, no overflow */
    rc_alerts_topic_lag(&lag, offsets, &c, &t);
    assert_true(lag.max > 0);

    /* a declared offset threshold wins wherever offsets exist */
    t.lag_max_offsets = 5000;
    rc_alerts_topic_lag(&lag, offsets, &c, &t);
    assert_false(lag.time);
    assert_int_equal(lag.max, 5000);
    rc_alerts_topic_lag(&lag, both, &c, &t);
    assert_false(lag.time);
    assert_int_equal(lag.max, 5000);

    rc_alerts_profile_free(offsets);
    rc_alerts_profile_free(both);
}

static void test_defaults_and_relative_links(void **state)
{
    (void)state;
    rc_repo r = {0};
    add_team(&r, "t", NULL, NULL);
    rc_cluster_decl *c = add_cluster(&r, "dev", "kminion");
    c->default_severity = rc_xstrdup("page");
    const char *groups[] = {"g", NULL};
    add_topic(c, "x.v1", "t", groups);
    json_t *tree = render(&r, c, NULL);
    json_t *rule = json_array_get(group_rules(tree, 0), 0);
    /* no chat room, no escalation: no such labels (empty = absent in Prometheus) */
    assert_labels(rule, "cluster", "dev", "topic", "x.v1", "team", "t", "severity", "page", "group",
                  "g", NULL);
    json_t *ann = json_object_get(rule, "annotations");
    char *url = dashboard("", "dev", "x.v1", "g");
    assert_int_equal(strncmp(url, "/d/", 3), 0);
    assert_string_equal(str(ann, "dashboard_url"), url);
    free(url);
    /* without repository_url the runbook is the declaring file */
    assert_string_equal(str(ann, "runbook_url"), "topics/dev/x.v1.yaml");
    assert_non_null(strstr(str(ann, "description"), "Topic: (no description declared) Message: "
                                                    "(not declared)."));
    json_decref(tree);
    rc_repo_free(&r);
}

/* Hostile values from every declared field: the file still parses, holds
 * exactly the rules it should, and the values are inert data. */
static void test_hostile_declarations(void **state)
{
    (void)state;
    for (size_t pi = 0; pi < sizeof(cases) / sizeof(cases[0]); pi++) {
        rc_repo r = {0};
        add_team(&r, "m", "#room {{ .Value }}\n- alert: Evil", "}}{{ x \"y\" {");
        rc_cluster_decl *c = add_cluster(&r, "prod", cases[pi].source);
        c->grafana_url = rc_xstrdup("https://g/\"\n- alert: Evil\n  expr: vector(1)");
        c->repo_url = rc_xstrdup("https://git/'a b'\n---\n");
        rc_kvlist_set(&c->alert_labels, "env", "{{ $labels.x }}\n---\n- alert: Evil");
        const char *groups[] = {"g\"}) or vector(1) # {{ .Value }}", NULL};
        rc_topic_decl *t = add_topic(c, "t.v1", "m", groups);
        t->description = rc_xstrdup("\"quoted\" {{ .Value }} {{ template \"x\" }}\n"
                                    "---\n- alert: Injected\n  expr: vector(1)\n...\n{");
        t->message = rc_xstrdup("a: b\n# c");
        t->no_consumption_seconds = 600; /* every per-group shape sees the group */
        rc_topic_decl *u = add_topic(c, "u.v1", "m", NULL);
        u->description = rc_xstrdup("- alert: Injected\n");
        u->no_production_seconds = 600;
        u->rate_change = 2;

        char *text;
        json_t *tree = render(&r, c, &text);
        json_t *gs = json_object_get(tree, "groups");
        assert_int_equal(json_object_size(tree), 1);
        assert_int_equal(json_array_size(gs), 2);
        json_t *rules = group_rules(tree, 0);
        /* lag, absent, no members where exported, no consumption */
        assert_int_equal(json_array_size(rules), cases[pi].members_metric ? 4 : 3);
        /* lag, no production, rate change */
        assert_int_equal(json_array_size(group_rules(tree, 1)), 3);
        json_t *lagr = json_array_get(rules, 0);
        assert_rule_shape(lagr);
        assert_string_equal(str(lagr, "alert"), "KafkaConsumerLagHigh");
        assert_string_equal(str(json_array_get(rules, 1), "alert"), "KafkaConsumerAbsent");

        /* the group is one escaped PromQL string */
        assert_non_null(strstr(str(lagr, "expr"), "\"g\\\"}) or vector(1) # {{ .Value }}\""));
        /* ... in every per-group rule: never an unescaped quote that ends it */
        for (size_t i = 0; i < json_array_size(rules); i++) {
            const char *e = str(json_array_get(rules, i), "expr");
            assert_non_null(strstr(e, "\"g\\\"}) or vector(1) # {{ .Value }}\""));
            assert_null(strstr(e, "\"g\"})"));
        }
        /* labels: Go-template actions made inert, everything else verbatim */
        json_t *l = json_object_get(lagr, "labels");
        assert_string_equal(str(l, "chat"), "#room {{ \"{{\" }} .Value }}\n- alert: Evil");
        assert_string_equal(str(l, "escalation"), "}}{{ \"{{\" }} x \"y\" {{ \"{\" }}");
        assert_string_equal(str(l, "group"), "g\"}) or vector(1) # {{ \"{{\" }} .Value }}");
        assert_string_equal(str(l, "env"), "{{ \"{{\" }} $labels.x }}\n---\n- alert: Evil");
        json_t *ann = json_object_get(lagr, "annotations");
        const char *d = str(ann, "description");
        assert_non_null(strstr(d,
                               "\"quoted\" {{ \"{{\" }} .Value }} {{ \"{{\" }} template \"x\" "
                               "}}\n---\n- alert: Injected\n  expr: vector(1)\n...\n{{ \"{\" }}"));
        assert_null(strstr(d, "{{ .Value"));
        assert_non_null(strstr(d, "Message: a: b\n# c."));
        /* the link: the group URL-escaped, the base verbatim (it is data) */
        assert_non_null(
            strstr(str(ann, "dashboard_url"), "https://g/\"\n- alert: Evil\n  expr: vector(1)/d/"));
        assert_non_null(strstr(str(ann, "dashboard_url"),
                               "var-group=g%22%7D%29%20or%20vector%281%29%20%23%20%7B%7B%20."
                               "Value%20%7D%7D&"));
        assert_non_null(strstr(str(ann, "runbook_url"), "https://git/'a b'\n---\n/blob/HEAD/"));
        /* nothing at the top level of the text but the groups */
        for (const char *p = text; (p = strchr(p, '\n')) && p[1]; p++)
            if (p[1] != ' ' && p[1] != '-' && p[1] != '#' && strncmp(p + 1, "groups:", 7))
                fail_msg("unexpected top-level line: %.40s", p + 1);
        json_decref(tree);
        free(text);
        rc_repo_free(&r);
    }
}

static void test_errors(void **state)
{
    (void)state;
    char err[512];
    rc_repo r = {0};
    add_team(&r, "t", "#t", NULL);
    rc_cluster_decl *c = add_cluster(&r, "c", "kafka_exporter");
    add_topic(c, "same.v1", "t", NULL);
    add_topic(c, "same.v1", "t", NULL);
    rc_buf out = {0};
    assert_int_equal(rc_alerts_render(&out, &r, c, templates, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "\"reconcile/c/same.v1\" would be written twice"));
    rc_buf_free(&out);
    rc_topic_decl_free(&c->topics[1]);
    c->ntopics = 1;

    rc_kvlist_set(&c->alert_labels, "bad-name", "x");
    assert_int_equal(rc_alerts_render(&out, &r, c, templates, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "\"bad-name\" is not a valid label name"));
    rc_buf_free(&out);
    rc_kvlist_free(&c->alert_labels);

    free(c->metric_source);
    c->metric_source = rc_xstrdup("nope");
    assert_int_equal(rc_alerts_render(&out, &r, c, templates, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nope.yaml: cannot read the alert profile"));
    free(c->metric_source);
    c->metric_source = rc_xstrdup("../alert-templates/kafka_exporter");
    assert_int_equal(rc_alerts_render(&out, &r, c, templates, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is not a profile name"));
    assert_int_equal(out.len, 0);
    rc_buf_free(&out);
    rc_repo_free(&r);
}

/* ---- custom profiles in a scratch directory --------------------------------- */

static const char *const minimal_profile =
    "profile: custom\n"
    "defaults: {lag_max: 2m, lag_for: 3m, lag_max_offsets: 7, severity: info, "
    "dashboard_range: 1h}\n"
    "vars: {absent_for: 20m, ratio: 1.5}\n"
    "labels: {cluster: '${cluster|gotmpl}', topic: '${topic|gotmpl}'}\n"
    "annotations: {runbook_url: '${runbook_url}'}\n"
    "rules:\n"
    "  lag_time:\n"
    "    group: {alert: L, expr: 'lag{g=\"${group|promql}\"} > ${lag_max}', for: '${for}', "
    "labels: {group: '${group|gotmpl}'}, annotations: {dashboard_url: '${dashboard_url}'}}\n"
    "    all_groups: {alert: L, expr: 'lag > ${lag_max}', for: '${for}'}\n"
    "  absent: {alert: A, expr: 'absent(lag{g=\"${group|promql}\"})', for: '${absent_for}'}\n"
    "  skew: {alert: S, expr: 'vector(${ratio})'}\n";

/* A scratch directory holding the profile custom.yaml (t_remove_tree it). */
static char *scratch_profile(const char *text)
{
    char *dir = t_scratch_dir("rc-alerts");
    t_write_file(dir, "custom.yaml", text);
    return dir;
}

static int load_custom(const char *text, char *err, size_t errlen)
{
    char *dir = scratch_profile(text);
    rc_alerts_profile *p = NULL;
    int rc = rc_alerts_profile_load(&p, dir, "custom", err, errlen);
    rc_alerts_profile_free(p);
    t_remove_tree(dir);
    free(dir);
    return rc;
}

static void test_custom_profile(void **state)
{
    (void)state;
    char *dir = scratch_profile(minimal_profile);
    rc_repo r = {0};
    add_team(&r, "t", "#t", NULL);
    rc_cluster_decl *c = add_cluster(&r, "c", "custom");
    const char *groups[] = {"g", NULL};
    rc_topic_decl *t = add_topic(c, "x.v1", "t", groups);
    t->lag_max_offsets = 99; /* a time-only profile falls back to the time threshold */
    t->skew_alert = true;
    rc_buf out = {0};
    char err[512];
    assert_int_equal(rc_alerts_render(&out, &r, c, dir, err, sizeof(err)), 0);
    json_t *tree = NULL;
    assert_int_equal(rc_tmpl_parse_yaml(&tree, out.data, out.len, "o", err, sizeof(err)), 0);
    json_t *rules = group_rules(tree, 0);
    assert_int_equal(json_array_size(rules), 3);
    json_t *rule = json_array_get(rules, 0);
    assert_string_equal(str(rule, "expr"), "lag{g=\"g\"} > 120");
    assert_string_equal(str(rule, "for"), "3m");
    /* fields in Prometheus order whatever the template's order */
    const char *order[] = {"alert", "expr", "for", "labels", "annotations"};
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(rule, k, v) assert_string_equal(k, order[i++]);
    assert_labels(rule, "cluster", "c", "topic", "x.v1", "group", "g", NULL);
    json_t *ann = json_object_get(rule, "annotations");
    char *url = dashboard_range("", "c", "x.v1", "g", "1h");
    assert_non_null(strstr(url, "from=now-1h"));
    assert_string_equal(str(ann, "dashboard_url"), url);
    free(url);
    assert_string_equal(str(ann, "runbook_url"), "topics/c/x.v1.yaml");
    assert_string_equal(str(json_array_get(rules, 1), "for"), "20m");
    /* a rule without annotations or `for` keeps none */
    json_t *skew = json_array_get(rules, 2);
    assert_string_equal(str(skew, "expr"), "vector(1.5)");
    assert_null(json_object_get(skew, "for"));
    json_decref(tree);
    rc_buf_free(&out);
    rc_repo_free(&r);
    t_remove_tree(dir);
    free(dir);
}

/* Opt-in signals: a profile that lacks a declared signal's shape is an
 * error naming both (silence would read as "covered"); one that has it gets
 * the declared values. */
static void test_signal_shapes(void **state)
{
    (void)state;
    rc_repo r = {0};
    add_team(&r, "t", "#t", NULL);
    rc_cluster_decl *c = add_cluster(&r, "c", "custom");
    const char *groups[] = {"g", NULL};
    rc_topic_decl *t = add_topic(c, "x.v1", "t", groups);
    t->no_production_seconds = 5400;
    rc_buf out = {0};
    char err[512] = "";
    char *dir = scratch_profile(minimal_profile);
    assert_int_equal(rc_alerts_render(&out, &r, c, dir, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "topic x.v1: alerts.no_production is declared, but the custom "
                                "metric source cannot express it"));
    assert_non_null(strstr(err, "custom.yaml has no rules.no_production"));
    assert_int_equal(out.len, 0);
    t_remove_tree(dir);
    free(dir);

    rc_buf prof = {0};
    rc_buf_puts(&prof, minimal_profile);
    rc_buf_puts(&prof,
                "  no_production: {alert: P, expr: 'p[${no_production_for}]'}\n"
                "  produce_rate_change: {alert: R, expr: "
                "'${rate_change_above} ${rate_change_below} ${rate_change}'}\n"
                "  no_consumption: {alert: C, expr: 'c{g=\"${group}\"}[${no_consumption_for}]'}\n"
                "  no_members: {alert: M, expr: 'm{g=\"${group}\"}', for: '${for}'}\n");
    dir = scratch_profile(prof.data);
    t->rate_change = 3;
    t->no_consumption_seconds = 600;
    assert_int_equal(rc_alerts_render(&out, &r, c, dir, err, sizeof(err)), 0);
    json_t *tree = NULL;
    assert_int_equal(rc_tmpl_parse_yaml(&tree, out.data, out.len, "o", err, sizeof(err)), 0);
    json_t *rules = group_rules(tree, 0);
    const char *want[][2] = {{"L", NULL},         {"A", NULL},
                             {"M", "m{g=\"g\"}"}, {"C", "c{g=\"g\"}[10m]"},
                             {"P", "p[1h30m]"},   {"R", "3 0.333333 3x"}};
    assert_int_equal(json_array_size(rules), 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(str(json_array_get(rules, i), "alert"), want[i][0]);
        if (want[i][1])
            assert_string_equal(str(json_array_get(rules, i), "expr"), want[i][1]);
    }
    assert_string_equal(str(json_array_get(rules, 2), "for"), "3m");
    json_decref(tree);
    rc_buf_free(&out);
    rc_buf_free(&prof);
    rc_repo_free(&r);
    t_remove_tree(dir);
    free(dir);
}

static void test_profile_errors(void **state)
{
    (void)state;
    struct {
        const char *from, *to, *want;
    } edits[] = {
        {"profile: custom", "profile: other", "profile: must be \"custom\""},
        {"profile: custom\n", "profile: custom\nextra: 1\n", "unknown key \"extra\""},
        {"lag_max: 2m", "lag_max: 2 minutes", "defaults.lag_max:"},
        {"lag_max_offsets: 7", "lag_max_offsets: 0", "defaults.lag_max_offsets"},
        {"for: '${for}', labels", "for: '${for}', keep_firing_for: 5m, labels",
         "rules.lag_time.group: unknown key \"keep_firing_for\""},
        {"lag > ${lag_max}", "lag > ${lag_maks}",
         "rules.lag_time.all_groups: unknown placeholder ${lag_maks} at expr"},
        {"${group|promql}\"})", "${group|sql}\"})", "unknown filter |sql"},
        {"vars: {absent_for: 20m", "vars: {topic: x, absent_for: 20m",
         "vars.topic: the name is set by reconcile"},
        {"labels: {cluster:", "labels: {bad-label: x, cluster:", "not a valid Prometheus label"},
        {"  skew: {alert: S, expr: 'vector(${ratio})'}\n", "", "absent and skew are required"},
        {"alert: A, expr:", "alert: A, exp:", "unknown key \"exp\""},
        {"  skew:", "  no_production: {alert: P, expr: 'p[${no_prod}]'}\n  skew:",
         "rules.no_production: unknown placeholder ${no_prod}"},
        {"profile: custom\n", "profile: custom\n*: [\n", "custom.yaml:2:"},
    };
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        const char *at = strstr(minimal_profile, edits[i].from);
        if (!at)
            fail_msg("edit %zu: \"%s\" not in the profile", i, edits[i].from);
        rc_buf b = {0};
        rc_buf_append(&b, minimal_profile, (size_t)(at - minimal_profile));
        rc_buf_puts(&b, edits[i].to);
        rc_buf_puts(&b, at + strlen(edits[i].from));
        char err[512] = "";
        assert_int_equal(load_custom(b.data, err, sizeof(err)), -1);
        if (!strstr(err, edits[i].want))
            fail_msg("edit %zu: want \"%s\" in \"%s\"", i, edits[i].want, err);
        assert_non_null(strstr(err, "custom.yaml"));
        rc_buf_free(&b);
    }
    char err[512];
    assert_int_equal(load_custom(minimal_profile, err, sizeof(err)), 0);
}

/* Many topics: large clusters are rendered in chunks by several workers; the
 * joined file must be byte-identical to rendering each topic on its own and
 * concatenating the groups, whatever the number of workers. */
static void test_many_topics(void **state)
{
    (void)state;
    enum { N = 2100 };
    rc_repo r = {0};
    /* a label ending in blank lines is a kept block scalar: libyaml's "..." */
    add_team(&r, "k", "#k", "pd\n\n");
    add_team(&r, "t", "#t", "pd");
    rc_cluster_decl *c = add_cluster(&r, "big", "kafka_exporter");
    c->grafana_url = rc_xstrdup("https://g");
    const char *groups[] = {"consumer", NULL};
    for (int i = 0; i < N; i++) {
        char name[64];
        snprintf(name, sizeof(name), "domain.topic-%05d.v1", i);
        add_topic(c, name, i == 700 ? "k" : "t", i % 2 ? groups : NULL);
    }
    char *text;
    json_t *tree = render(&r, c, &text);
    json_t *gs = json_object_get(tree, "groups");
    assert_int_equal(json_array_size(gs), N);
    for (size_t i = 0; i < N; i++) {
        char name[96];
        snprintf(name, sizeof(name), "reconcile/big/domain.topic-%05zu.v1", i);
        assert_string_equal(str(json_array_get(gs, i), "name"), name);
        assert_int_equal(json_array_size(group_rules(tree, i)), i % 2 ? 3 : 1);
    }
    json_decref(tree);

    rc_alerts_profile *p;
    char err[512];
    assert_int_equal(rc_alerts_profile_load(&p, templates, "kafka_exporter", err, sizeof(err)), 0);
    rc_buf want = {0};
    bool open_ended = false;
    for (size_t i = 0; i < N; i++) {
        rc_cluster_decl one = *c; /* shallow: borrows the topic */
        one.topics = &c->topics[i];
        one.ntopics = 1;
        rc_buf b = {0};
        assert_int_equal(rc_alerts_render_profile(&b, p, &r, &one, err, sizeof(err)), 0);
        char *groups_at = strstr(b.data, "\ngroups:\n");
        assert_non_null(groups_at);
        if (i == 0)
            rc_buf_append(&want, b.data, (size_t)(groups_at - b.data) + 9);
        open_ended = rc_tmpl_yaml_strip_end(&b) || open_ended;
        rc_buf_puts(&want, groups_at + 9);
        rc_buf_free(&b);
    }
    assert_true(open_ended);
    rc_buf_puts(&want, "...\n");
    assert_string_equal(text, want.data);
    rc_buf_free(&want);
    rc_alerts_profile_free(p);
    free(text);
    rc_repo_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dashboard_link_drops_credentials),
        cmocka_unit_test(test_kafka_exporter_rules),
        cmocka_unit_test(test_every_profile),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_defaults_and_relative_links),
        cmocka_unit_test(test_hostile_declarations),
        cmocka_unit_test(test_signal_shapes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_custom_profile),
        cmocka_unit_test(test_profile_errors),
        cmocka_unit_test(test_many_topics),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
