/* Unit tests for decl: one test per validation rule, each asserting the exact
 * `file:line:col rule` of every diagnostic, plus the resolved model and the
 * shipped example repository (read from disk under $RECONCILE_SRC/topics). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "decl.h"
#include "diag.h"
#include "model.h"
#include "source.h"
#include "support.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------------- */

/* The test state: the repo and diagnostics of the last load. */
typedef struct result {
    rc_repo repo;
    rc_diags diags;
    int rc;
} result;

static void load_source(result *r, rc_source *src)
{
    memset(r, 0, sizeof(*r));
    r->rc = t_decl_load(&r->repo, src, &r->diags);
    rc_diags_sort(&r->diags);
    rc_source_free(src);
}

static void load_files(result *r, const tfile *files, size_t n)
{
    rc_source src;
    t_source_from_files(&src, files, n);
    load_source(r, &src);
}

static void result_free(result *r)
{
    rc_repo_free(&r->repo);
    rc_diags_free(&r->diags);
}

static char *diag_key(const rc_diag *d)
{
    return rc_xasprintf("%s:%d:%d %s%s", d->file, d->line, d->col,
                        d->severity == RC_SEV_WARNING ? "warning:" : "", d->rule);
}

static void dump(const rc_diags *d)
{
    for (size_t i = 0; i < d->len; i++) {
        char *k = diag_key(&d->items[i]);
        fprintf(stderr, "  got: %s  (%s)\n", k, d->items[i].message);
        free(k);
    }
}

/* Assert the diagnostics are exactly the NULL-terminated list, in sorted
 * order, each written "file:line:col rule" ("warning:rule" for warnings). */
static void expect_diags(const rc_diags *d, ...)
{
    va_list ap;
    va_start(ap, d);
    size_t i = 0;
    bool ok = true;
    for (const char *want; (want = va_arg(ap, const char *)); i++) {
        if (i >= d->len) {
            fprintf(stderr, "missing diagnostic: %s\n", want);
            ok = false;
            continue;
        }
        char *got = diag_key(&d->items[i]);
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "diagnostic %zu: want %s\n", i, want);
            ok = false;
        }
        free(got);
    }
    va_end(ap);
    if (i != d->len)
        ok = false;
    if (!ok)
        dump(d);
    assert_true(ok);
}

/* Message of the first diagnostic with this rule. */
static const char *msg_of(const rc_diags *d, const char *rule)
{
    for (size_t i = 0; i < d->len; i++)
        if (!strcmp(d->items[i].rule, rule))
            return d->items[i].message;
    fail_msg("no diagnostic with rule %s", rule);
    return NULL;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static const rc_topic_decl *topic(const result *r, const char *cluster, const char *name)
{
    for (size_t i = 0; i < r->repo.nclusters; i++) {
        const rc_cluster_decl *c = &r->repo.clusters[i];
        if (strcmp(c->name, cluster) != 0)
            continue;
        for (size_t j = 0; j < c->ntopics; j++)
            if (!strcmp(c->topics[j].name, name))
                return &c->topics[j];
    }
    fail_msg("topic %s/%s not found", cluster, name);
    return NULL;
}

#define TEAMS_PATH "topics/_teams.yaml"
#define CLUSTER_PATH "topics/prod/_cluster.yaml"
#define TOPIC_PATH "topics/prod/t.yaml"

static const char *const TEAMS = "teams:\n"
                                 "  payments: {chat: \"#payments\"}\n"
                                 "  checkout: {chat: \"#checkout\", escalation: pager}\n";

static const char *const CLUSTER = "bootstrap: localhost:9092\n"
                                   "defaults:\n"
                                   "  partitions: 3\n"
                                   "  replication_factor: 3\n"
                                   "policy:\n"
                                   "  name_pattern: '[a-z][a-z0-9._-]*'\n"
                                   "  min_replication_factor: 2\n"
                                   "  max_replication_factor: 3\n"
                                   "  max_partitions: 100\n"
                                   "  partition_messages_per_second: 1000\n";

/* Teams + the standard cluster + one topic file. */
static void load_topic(result *r, const char *topic_yaml)
{
    tfile files[] = {{TEAMS_PATH, TEAMS}, {CLUSTER_PATH, CLUSTER}, {TOPIC_PATH, topic_yaml}};
    load_files(r, files, 3);
}

/* Teams + a custom cluster file + one topic file. */
static void load_cluster(result *r, const char *cluster_yaml, const char *topic_yaml)
{
    tfile files[] = {{TEAMS_PATH, TEAMS}, {CLUSTER_PATH, cluster_yaml}, {TOPIC_PATH, topic_yaml}};
    load_files(r, files, topic_yaml ? 3 : 2);
}

/* ---- a clean load and the resolved model ------------------------------------------ */

static void test_clean_topic_resolves(void **state)
{
    (void)state;
    result r;
    tfile files[] = {
        {TEAMS_PATH, TEAMS},
        {CLUSTER_PATH, "bootstrap: ${BROKERS:-localhost:9092}\n"
                       "client: {security.protocol: SASL_SSL, sasl.password: '${PW}'}\n"
                       "cluster_id: abc123\n"
                       "defaults:\n"
                       "  partitions: 3\n"
                       "  config: {retention.ms: 1d, segment.bytes: 512MiB}\n"
                       "  lag: {max: 10m, for: 15m, severity: warning}\n"
                       "policy:\n"
                       "  ignore: [\"_*\"]\n"
                       "  allowed_config_keys: [retention.ms, cleanup.policy]\n"
                       "  allow_delete: true\n"
                       "monitoring: {metric_source: kminion, labels: {env: prod}}\n"},
        {"topics/prod/b.yaml", "name: zeta.events.v1\n"
                               "partitions: 12\n"
                               "owner: payments\n"
                               "message: a.b.C\n"
                               "description: \"x\"\n"
                               "config:\n"
                               "  retention.ms: 7d\n"
                               "  cleanup.policy: [compact, delete]\n"
                               "lag: {max: 5m, for: 10m, severity: critical}\n"
                               "consumers: [g1, g2]\n"
                               "throughput: {messages_per_second: 1500.5}\n"
                               "alerts: {skew: true, no_production: 30m, produce_rate_change: "
                               "50%, no_consumption: 1h}\n"
                               "---\n"
                               "name: alpha.events.v1\n"
                               "owner: checkout\n"
                               "lag: {max: 25000}\n"
                               "---\n"},
        {"topics/prod/README.md", "not yaml: [\n"},
    };
    load_files(&r, files, 4);
    expect_diags(&r.diags, NULL);
    assert_int_equal(r.rc, 0);

    assert_int_equal(r.repo.nteams, 2);
    assert_string_equal(r.repo.teams[0].name, "checkout");
    assert_string_equal(r.repo.teams[0].escalation, "pager");
    assert_string_equal(r.repo.teams[1].chat, "#payments");
    assert_null(r.repo.teams[1].escalation);

    assert_int_equal(r.repo.nclusters, 1);
    const rc_cluster_decl *c = &r.repo.clusters[0];
    assert_string_equal(c->name, "prod");
    assert_string_equal(c->file, CLUSTER_PATH);
    assert_string_equal(c->bootstrap, "${BROKERS:-localhost:9092}");
    assert_string_equal(rc_kvlist_get(&c->client_props, "sasl.password"), "${PW}");
    assert_string_equal(c->cluster_id, "abc123");
    assert_string_equal(c->metric_source, "kminion");
    assert_string_equal(rc_kvlist_get(&c->alert_labels, "env"), "prod");
    assert_int_equal(c->default_lag_max_seconds, 600);
    assert_int_equal(c->default_lag_for_seconds, 900);
    assert_string_equal(c->default_severity, "warning");
    assert_true(c->allow_delete);
    assert_int_equal(c->nignore_patterns, 1);
    assert_int_equal(c->nallowed_config_keys, 2);

    /* sorted by name across documents */
    assert_int_equal(c->ntopics, 2);
    assert_string_equal(c->topics[0].name, "alpha.events.v1");
    assert_string_equal(c->topics[1].name, "zeta.events.v1");

    const rc_topic_decl *z = &c->topics[1];
    assert_string_equal(z->file, "topics/prod/b.yaml");
    assert_int_equal(z->line, 1);
    assert_int_equal(z->col, 7);
    assert_int_equal(z->partitions, 12);
    assert_int_equal(z->replication_factor, -1); /* no default: the broker's */
    assert_string_equal(z->owner, "payments");
    assert_string_equal(z->message, "a.b.C");
    assert_string_equal(z->description, "x");
    /* canonical, defaults merged under the declaration, sorted */
    assert_int_equal(z->config.len, 3);
    assert_string_equal(z->config.items[0].key, "cleanup.policy");
    assert_string_equal(z->config.items[0].value, "compact,delete");
    assert_string_equal(rc_kvlist_get(&z->config, "retention.ms"), "604800000");
    assert_string_equal(rc_kvlist_get(&z->config, "segment.bytes"), "536870912");
    assert_int_equal(z->lag_max_seconds, 300);
    assert_int_equal(z->no_production_seconds, 1800);
    assert_int_equal(z->no_consumption_seconds, 3600);
    assert_true(z->rate_change == 50 && z->rate_change_is_percent);
    assert_int_equal(z->lag_max_offsets, 0);
    assert_int_equal(z->lag_for_seconds, 600);
    assert_string_equal(z->severity, "critical");
    assert_int_equal(z->nconsumers, 2);
    assert_string_equal(z->consumers[1], "g2");
    assert_true(z->messages_per_second > 1500.4 && z->messages_per_second < 1500.6);
    assert_true(z->skew_alert);

    const rc_topic_decl *a = &c->topics[0];
    assert_int_equal(a->partitions, 3); /* from defaults */
    assert_int_equal(a->lag_max_offsets, 25000);
    assert_int_equal(a->lag_max_seconds, 0);
    assert_null(a->severity);
    assert_string_equal(rc_kvlist_get(&a->config, "retention.ms"), "86400000");
    result_free(&r);
}

static void test_warnings_only_return_zero(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\n"
                   "owner: payments\n"
                   "partitions: 4\n"
                   "throughput:\n"
                   "  messages_per_second: 20000\n");
    expect_diags(&r.diags, TOPIC_PATH ":5:24 warning:throughput", NULL);
    assert_int_equal(r.rc, 0);
    assert_contains(msg_of(&r.diags, "throughput"), "needs at least 20 partitions");
    result_free(&r);
}

/* ---- one test per rule ------------------------------------------------------------- */

static void test_rule_yaml_syntax(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\npartitions: 3\n  owner: payments\n");
    expect_diags(&r.diags, TOPIC_PATH ":3:8 yaml-syntax", NULL);
    assert_int_equal(r.rc, -1);
    assert_contains(msg_of(&r.diags, "yaml-syntax"), "mapping values are not allowed");
    result_free(&r);

    /* an alias is refused with its own message */
    load_topic(&r, "name: &n shop.orders\nowner: payments\nmessage: *n\n");
    expect_diags(&r.diags, TOPIC_PATH ":3:10 yaml-syntax", NULL);
    assert_contains(msg_of(&r.diags, "yaml-syntax"), "aliases");
    result_free(&r);

    /* nesting is bounded, at the first collection past the bound */
    rc_buf deep = {0};
    rc_buf_puts(&deep, "name: shop.orders\nowner: payments\ndescription: ");
    for (int i = 0; i < 100000; i++)
        rc_buf_puts(&deep, "[");
    load_topic(&r, deep.data);
    expect_diags(&r.diags, TOPIC_PATH ":3:77 yaml-syntax", NULL);
    assert_string_equal(msg_of(&r.diags, "yaml-syntax"), "nesting deeper than 64 levels");
    result_free(&r);
    rc_buf_free(&deep);
}

static void test_rule_yaml_syntax_keeps_earlier_documents(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.one\nowner: nobody\n---\nname: [broken\n");
    expect_diags(&r.diags, TOPIC_PATH ":2:8 unknown-team", TOPIC_PATH ":5:1 yaml-syntax", NULL);
    result_free(&r);
}

/* A number too large for its field says so: it once read "expected an
 * integer, got an integer". */
static void test_numbers_out_of_range(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\n"
                   "partitions: 99999999999999999999999\n"
                   "owner: payments\n"
                   "replication_factor: -3000000000\n"
                   "throughput: {messages_per_second: 1e999}\n"
                   "lag: {max: 99999999999999999999, for: 99999999999999999999}\n"
                   "---\n"
                   "name: shop.other\n"
                   "partitions: \"99999999999999999999999\"\n"
                   "owner: payments\n"
                   "throughput: {messages_per_second: 1e-999}\n"
                   "---\n"
                   "name: shop.third\n"
                   "partitions: 2147483648\n"
                   "owner: payments\n"
                   "throughput: {messages_per_second: .nan}\n"
                   "---\n"
                   "name: shop.fourth\n"
                   "owner: payments\n"
                   "throughput: {messages_per_second: nan}\n");
    expect_diags(&r.diags, TOPIC_PATH ":2:13 type", TOPIC_PATH ":4:21 type",
                 TOPIC_PATH ":5:35 type", TOPIC_PATH ":6:12 lag", TOPIC_PATH ":6:39 lag",
                 TOPIC_PATH ":9:13 type", TOPIC_PATH ":11:35 type", TOPIC_PATH ":14:13 type",
                 TOPIC_PATH ":16:35 type", TOPIC_PATH ":20:35 type", NULL);
    const rc_diags *d = &r.diags;
    assert_string_equal(d->items[0].message,
                        "partitions: 99999999999999999999999 is out of range (at most 2147483647)");
    assert_string_equal(d->items[1].message,
                        "replication_factor: -3000000000 is out of range (at least -2147483648)");
    assert_string_equal(d->items[2].message, "throughput.messages_per_second: 1e999 is out of "
                                             "range (at most about 1.8e308)");
    assert_string_equal(d->items[3].message, "lag.max: 99999999999999999999 is out of range (at "
                                             "most 9223372036854775807 offsets)");
    assert_contains(d->items[4].message, "is too large");
    assert_string_equal(d->items[5].message,
                        "partitions: expected an integer, got a string (remove the quotes)");
    assert_contains(d->items[6].message, "out of range (too close to zero)");
    assert_string_equal(d->items[7].message,
                        "partitions: 2147483648 is out of range (at most 2147483647)");
    assert_contains(d->items[8].message, "expected a number, got a string");
    assert_string_equal(d->items[9].message,
                        "throughput.messages_per_second: expected a finite number, got nan");
    result_free(&r);

    /* the cluster file's integers and numbers take the same path */
    rc_buf digits = {0};
    rc_buf_puts(&digits, "bootstrap: x\npolicy:\n  max_partitions: ");
    for (int i = 0; i < 5000; i++)
        rc_buf_puts(&digits, "9");
    rc_buf_puts(&digits, "\n  partition_messages_per_second: 1e400\n");
    load_cluster(&r, digits.data, NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:19 type", CLUSTER_PATH ":4:34 type", NULL);
    /* a long number is cut short in the message */
    assert_string_equal(r.diags.items[0].message,
                        "policy.max_partitions: 999999999999999999999999... (5000 characters) is "
                        "out of range (at most 2147483647)");
    result_free(&r);
    rc_buf_free(&digits);
}

static void test_rule_unknown_key(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\npartiton: 3\nowner: payments\nlag: {maximum: 5m}\n");
    expect_diags(&r.diags, TOPIC_PATH ":2:1 unknown-key", TOPIC_PATH ":4:7 unknown-key", NULL);
    assert_contains(r.diags.items[0].message, "did you mean \"partitions\"");
    assert_int_equal(topic(&r, "prod", "shop.orders")->partitions, 3);
    result_free(&r);
}

static void test_rule_duplicate_key(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\nowner: payments\nowner: checkout\n"
                   "config:\n  retention.ms: 1d\n  retention.ms: 2d\n");
    expect_diags(&r.diags, TOPIC_PATH ":3:1 duplicate-key", TOPIC_PATH ":6:3 duplicate-key", NULL);
    assert_contains(r.diags.items[0].message, "line 2:1");
    const rc_topic_decl *t = topic(&r, "prod", "shop.orders");
    assert_string_equal(t->owner, "payments"); /* the first one counts */
    assert_string_equal(rc_kvlist_get(&t->config, "retention.ms"), "86400000");
    result_free(&r);
}

/* alerts: each signal's value checked where it is written; no_consumption
 * watches declared groups, so it needs some. */
static void test_rule_alerts(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\n"
                   "partitions: 3\n"
                   "owner: payments\n"
                   "alerts: {no_production: 30s, produce_rate_change: 150%,\n"
                   "         no_consumption: 1h}\n"
                   "---\n"
                   "name: shop.refunds\n"
                   "partitions: 3\n"
                   "owner: payments\n"
                   "alerts: {produce_rate_change: 3, no_production: soon}\n"
                   "---\n"
                   "name: shop.returns\n"
                   "partitions: 3\n"
                   "owner: payments\n"
                   "alerts: {produce_rate_change: 1x}\n");
    expect_diags(&r.diags, TOPIC_PATH ":4:25 alerts", TOPIC_PATH ":4:51 alerts",
                 TOPIC_PATH ":5:26 alerts", TOPIC_PATH ":10:31 alerts", TOPIC_PATH ":10:49 alerts",
                 TOPIC_PATH ":15:31 alerts", NULL);
    assert_contains(r.diags.items[0].message, "shorter than a minute");
    assert_contains(r.diags.items[1].message, "outside 1%..99%");
    assert_contains(r.diags.items[2].message, "declares no consumers");
    assert_contains(r.diags.items[3].message, "neither a percentage such as 50% nor a factor");
    assert_contains(r.diags.items[4].message, "alerts.no_production");
    assert_contains(r.diags.items[5].message, "above 1x");
    const rc_topic_decl *t = topic(&r, "prod", "shop.orders");
    if (t) {
        assert_int_equal(t->no_production_seconds, 0);
        assert_int_equal(t->no_consumption_seconds, 0);
        assert_true(t->rate_change == 0);
    }
    result_free(&r);
}

static void test_rule_type(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\n"
                   "partitions: twelve\n"
                   "owner: payments\n"
                   "config: [retention.ms]\n"
                   "alerts: {skew: yes}\n"
                   "replication_factor: \"3\"\n"
                   "throughput: {messages_per_second: lots}\n"
                   "lag: [5m]\n"
                   "message: {a: b}\n");
    expect_diags(&r.diags, TOPIC_PATH ":2:13 type", TOPIC_PATH ":4:9 type", TOPIC_PATH ":5:16 type",
                 TOPIC_PATH ":6:21 type", TOPIC_PATH ":7:35 type", TOPIC_PATH ":8:6 type",
                 TOPIC_PATH ":9:10 type", NULL);
    assert_contains(r.diags.items[0].message, "expected an integer, got a string");
    assert_contains(r.diags.items[1].message, "expected a map, got a list");
    assert_contains(r.diags.items[3].message, "remove the quotes");
    result_free(&r);

    load_topic(&r, "- name: shop.orders\n");
    expect_diags(&r.diags, TOPIC_PATH ":1:1 type", NULL);
    result_free(&r);
}

static void test_rule_required(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\npartitions: 3\n---\nowner: payments\n---\nname:\nowner: "
                   "payments\n");
    expect_diags(&r.diags, TOPIC_PATH ":1:1 required", TOPIC_PATH ":4:1 required",
                 TOPIC_PATH ":6:1 required", NULL);
    assert_contains(r.diags.items[0].message, "\"owner\"");
    assert_contains(r.diags.items[1].message, "\"name\"");
    /* unnamed topics are not kept */
    assert_int_equal(r.repo.clusters[0].ntopics, 1);
    result_free(&r);
}

static void test_rule_required_partitions_and_policy_fields(void **state)
{
    (void)state;
    result r;
    load_cluster(&r, "bootstrap: x\npolicy:\n  required_fields: [message, lag.max, partitions]\n",
                 "name: shop.orders\nowner: payments\nlag: {for: 5m}\n");
    expect_diags(&r.diags, TOPIC_PATH ":1:1 required", TOPIC_PATH ":1:1 required",
                 TOPIC_PATH ":1:1 required", NULL);
    assert_contains(r.diags.items[0].message, "partitions");
    assert_contains(r.diags.items[1].message, "\"message\"");
    assert_contains(r.diags.items[2].message, "\"lag.max\"");
    result_free(&r);

    /* an unknown field name in the policy: said once, not again per topic */
    load_cluster(&r,
                 "bootstrap: x\ndefaults: {partitions: 1}\npolicy:\n"
                 "  required_fields: [mesage, owner]\n",
                 "name: shop.orders\nowner: payments\n");
    expect_diags(&r.diags, CLUSTER_PATH ":4:21 unknown-key", NULL);
    assert_contains(r.diags.items[0].message, "did you mean \"message\"");
    result_free(&r);
}

static void test_rule_topic_name(void **state)
{
    (void)state;
    char long_name[260];
    memset(long_name, 'a', 250);
    long_name[250] = '\0';
    char *yaml = rc_xasprintf("name: \"bad name\"\nowner: payments\n---\n"
                              "name: .\nowner: payments\n---\n"
                              "name: __internal\nowner: payments\n---\n"
                              "name: %s\nowner: payments\n---\n"
                              "name: ok.name\nowner: payments\n",
                              long_name);
    result r;
    load_topic(&r, yaml);
    free(yaml);
    expect_diags(&r.diags, TOPIC_PATH ":1:7 topic-name", TOPIC_PATH ":4:7 topic-name",
                 TOPIC_PATH ":7:7 topic-name", TOPIC_PATH ":10:7 topic-name", NULL);
    assert_contains(r.diags.items[0].message, "contains ' ' (character 4)");
    assert_contains(r.diags.items[3].message, "250 characters");
    assert_null(rc_decl_topic_name_problem("orders.order-placed_v1"));
    assert_non_null(rc_decl_topic_name_problem(".."));
    result_free(&r);
}

static void test_rule_name_pattern(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: Shop.orders\nowner: payments\n");
    expect_diags(&r.diags, TOPIC_PATH ":1:7 name-pattern", NULL);
    result_free(&r);

    /* the pattern must match the whole name, not a substring */
    load_cluster(&r, "bootstrap: x\ndefaults: {partitions: 1}\npolicy:\n  name_pattern: '[a-z]+'\n",
                 "name: shop.orders\nowner: payments\n");
    expect_diags(&r.diags, TOPIC_PATH ":1:7 name-pattern", NULL);
    result_free(&r);

    /* an invalid regex is reported on the cluster file */
    load_cluster(&r, "bootstrap: x\npolicy:\n  name_pattern: '[a-z'\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:17 name-pattern", NULL);
    result_free(&r);
}

static void test_rule_name_collision(void **state)
{
    (void)state;
    result r;
    tfile files[] = {{TEAMS_PATH, TEAMS},
                     {CLUSTER_PATH, CLUSTER},
                     {"topics/prod/a.yaml", "name: shop.order_placed\nowner: payments\n"},
                     {"topics/prod/b.yaml", "# again\nname: shop_order.placed\nowner: payments\n"}};
    load_files(&r, files, 4);
    expect_diags(&r.diags, "topics/prod/b.yaml:2:7 name-collision", NULL);
    assert_contains(r.diags.items[0].message, "\"shop.order_placed\" (topics/prod/a.yaml:1:7)");
    assert_int_equal(r.repo.clusters[0].ntopics, 2);
    result_free(&r);
}

static void test_rule_duplicate_topic(void **state)
{
    (void)state;
    result r;
    tfile files[] = {
        {TEAMS_PATH, TEAMS},
        {CLUSTER_PATH, CLUSTER},
        {"topics/prod/a.yaml", "name: shop.orders\nowner: payments\n"},
        {"topics/prod/b.yaml", "name: shop.other\nowner: payments\n---\nname: shop.orders\n"
                               "owner: checkout\n"},
        /* the same name in another cluster is fine */
        {"topics/dev/_cluster.yaml", "bootstrap: x\ndefaults: {partitions: 1}\n"},
        {"topics/dev/a.yaml", "name: shop.orders\nowner: payments\n"},
    };
    load_files(&r, files, 6);
    expect_diags(&r.diags, "topics/prod/b.yaml:4:7 duplicate-topic", NULL);
    assert_contains(r.diags.items[0].message, "topics/prod/a.yaml:1:7");
    assert_int_equal(r.repo.nclusters, 2);
    assert_string_equal(r.repo.clusters[0].name, "dev");
    assert_int_equal(r.repo.clusters[1].ntopics, 2);
    assert_string_equal(topic(&r, "prod", "shop.orders")->owner, "payments");
    result_free(&r);
}

static void test_rule_unknown_team(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.orders\nowner: paymnets\n---\nname: shop.x\nowner: zzz\n");
    expect_diags(&r.diags, TOPIC_PATH ":2:8 unknown-team", TOPIC_PATH ":5:8 unknown-team", NULL);
    assert_contains(r.diags.items[0].message, "did you mean \"payments\"");
    assert_null(strstr(r.diags.items[1].message, "did you mean"));
    result_free(&r);
}

static void test_rule_partitions(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\npartitions: 0\n---\n"
                   "name: shop.b\nowner: payments\npartitions: 101\n");
    expect_diags(&r.diags, TOPIC_PATH ":3:13 partitions", TOPIC_PATH ":7:13 partitions", NULL);
    assert_contains(r.diags.items[1].message, "policy.max_partitions (100)");
    result_free(&r);
}

static void test_rule_replication_factor(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\nreplication_factor: 1\n---\n"
                   "name: shop.b\nowner: payments\nreplication_factor: 4\n");
    expect_diags(&r.diags, TOPIC_PATH ":3:21 replication-factor",
                 TOPIC_PATH ":7:21 replication-factor", NULL);
    assert_contains(r.diags.items[0].message, "below");
    assert_contains(r.diags.items[1].message, "above");
    result_free(&r);
}

static void test_rule_min_insync(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\nreplication_factor: 2\n"
                   "config:\n  min.insync.replicas: 3\n");
    expect_diags(&r.diags, TOPIC_PATH ":5:24 min-insync", NULL);
    result_free(&r);

    /* from the defaults: once on the cluster file, and on a topic lowering RF */
    load_cluster(&r,
                 "bootstrap: x\ndefaults:\n  partitions: 1\n  replication_factor: 2\n"
                 "  config: {min.insync.replicas: 3}\n",
                 "name: shop.a\nowner: payments\n---\nname: shop.b\nowner: payments\n"
                 "replication_factor: 1\n");
    expect_diags(&r.diags, CLUSTER_PATH ":5:33 min-insync", TOPIC_PATH ":6:21 min-insync", NULL);
    result_free(&r);
}

static void test_rule_unknown_config(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\nconfig:\n"
                   "  retention.mss: 7d\n"
                   "  confluent.placement.constraints: x\n");
    expect_diags(&r.diags, TOPIC_PATH ":4:3 unknown-config",
                 TOPIC_PATH ":5:3 warning:unknown-config", NULL);
    assert_int_equal(r.diags.items[0].severity, RC_SEV_ERROR);
    assert_contains(r.diags.items[0].message, "did you mean \"retention.ms\"");
    result_free(&r);
}

static void test_rule_config_not_allowed(void **state)
{
    (void)state;
    result r;
    load_cluster(&r,
                 "bootstrap: x\ndefaults: {partitions: 1}\n"
                 "policy:\n  allowed_config_keys: [retention.ms, x.newer.key, retention.mss]\n",
                 "name: shop.a\nowner: payments\nconfig:\n"
                 "  retention.ms: 1h\n  cleanup.policy: delete\n  x.newer.key: v\n");
    /* x.newer.key is explicitly allowed: no unknown-config warning; the typo in
     * the policy has a close match and is an error */
    expect_diags(&r.diags, CLUSTER_PATH ":4:52 unknown-config",
                 TOPIC_PATH ":5:3 config-not-allowed", NULL);
    assert_string_equal(rc_kvlist_get(&topic(&r, "prod", "shop.a")->config, "x.newer.key"), "v");
    result_free(&r);
}

static void test_rule_config_value(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\nconfig:\n"
                   "  retention.ms: 7 days\n"
                   "  cleanup.policy: compacted\n"
                   "  max.message.bytes: 4GiB\n"
                   "  segment.bytes: {a: 1}\n");
    expect_diags(&r.diags, TOPIC_PATH ":4:17 config-value", TOPIC_PATH ":5:19 config-value",
                 TOPIC_PATH ":6:22 config-value", TOPIC_PATH ":7:18 type", NULL);
    assert_contains(r.diags.items[0].message, "retention.ms");
    result_free(&r);
}

static void test_rule_throughput(void **state)
{
    (void)state;
    result r;
    /* partitions from defaults (3): 3500/1000 -> 4 */
    load_topic(&r, "name: shop.a\nowner: payments\nthroughput: {messages_per_second: 3500}\n"
                   "---\nname: shop.b\nowner: payments\nthroughput: {messages_per_second: 3000}\n"
                   "---\nname: shop.c\nowner: payments\nthroughput: {messages_per_second: -1}\n");
    expect_diags(&r.diags, TOPIC_PATH ":3:35 warning:throughput", TOPIC_PATH ":11:35 throughput",
                 NULL);
    assert_contains(r.diags.items[0].message, "needs at least 4 partitions");
    assert_contains(r.diags.items[0].message, "defaults.partitions gives 3");
    result_free(&r);
}

static void test_rule_lag(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\nlag:\n"
                   "  max: 5 minutes\n"
                   "  for: soon\n"
                   "  severity: very bad\n"
                   "---\nname: shop.b\nowner: payments\nlag: {max: \"300\", for: 0s}\n"
                   "---\nname: shop.c\nowner: payments\nlag: {max: 0}\n");
    expect_diags(&r.diags, TOPIC_PATH ":4:8 lag", TOPIC_PATH ":5:8 lag", TOPIC_PATH ":6:13 lag",
                 TOPIC_PATH ":10:12 lag", TOPIC_PATH ":10:24 lag", TOPIC_PATH ":14:12 lag", NULL);
    assert_contains(r.diags.items[3].message, "ambiguous");
    result_free(&r);

    /* cluster defaults take durations only */
    load_cluster(&r, "bootstrap: x\ndefaults:\n  lag: {max: 1000}\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:14 lag", NULL);
    result_free(&r);
}

static void test_rule_consumers(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: shop.a\nowner: payments\nconsumers: [a, '', {x: 1}]\n---\n"
                   "name: shop.b\nowner: payments\nconsumers: ledger\n---\n"
                   "name: shop.c\nowner: payments\nconsumers: [a, b, a]\n");
    /* an item is a group or {group, service}: {x: 1} lacks the group and
     * has an unknown key */
    expect_diags(&r.diags, TOPIC_PATH ":3:16 type", TOPIC_PATH ":3:20 required",
                 TOPIC_PATH ":3:21 unknown-key", TOPIC_PATH ":7:12 type",
                 TOPIC_PATH ":11:19 consumers", NULL);
    result_free(&r);
}

static void test_rule_metric_source(void **state)
{
    (void)state;
    result r;
    load_cluster(&r, "bootstrap: x\nmonitoring:\n  metric_source: kafka-exporter\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:18 metric-source", NULL);
    assert_contains(r.diags.items[0].message, "did you mean \"kafka_exporter\"");
    assert_string_equal(r.repo.clusters[0].metric_source, "kafka_exporter");
    result_free(&r);
}

/* monitoring.client_metrics: the names land in the model as written; a
 * cluster without the block has none. */
static void test_client_metrics_parsed(void **state)
{
    (void)state;
    result r;
    load_cluster(&r,
                 "bootstrap: x\n"
                 "monitoring:\n"
                 "  client_metrics:\n"
                 "    delivered: kafka_producer_topic_record_send_total\n"
                 "    consume_failed: \"app:kafka_consume_errors:total\"\n"
                 "    topic_label: topic\n"
                 "    service_label: job\n"
                 "    partition_label: partition\n",
                 NULL);
    expect_diags(&r.diags, NULL);
    assert_int_equal(r.rc, 0);
    const rc_client_metrics *m = &r.repo.clusters[0].client_metrics;
    assert_true(m->declared);
    assert_string_equal(m->metric[RC_CLIENT_DELIVERED], "kafka_producer_topic_record_send_total");
    assert_null(m->metric[RC_CLIENT_DELIVERY_FAILED]);
    assert_null(m->metric[RC_CLIENT_CONSUMED]);
    assert_string_equal(m->metric[RC_CLIENT_CONSUME_FAILED], "app:kafka_consume_errors:total");
    assert_string_equal(m->topic_label, "topic");
    assert_string_equal(m->service_label, "job");
    assert_string_equal(m->partition_label, "partition");
    result_free(&r);

    /* no block, or a bare key (the same as leaving it out): nothing declared */
    static const char *const none[] = {"bootstrap: x\nmonitoring: {metric_source: kminion}\n",
                                       "bootstrap: x\nmonitoring:\n  client_metrics:\n"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        load_cluster(&r, none[i], NULL);
        expect_diags(&r.diags, NULL);
        m = &r.repo.clusters[0].client_metrics;
        assert_false(m->declared);
        assert_null(m->metric[RC_CLIENT_DELIVERED]);
        assert_null(m->topic_label);
        result_free(&r);
    }
}

/* What the dashboards paste into PromQL must be a name: every bad one is
 * reported at its node with its rule. */
static void test_rule_client_metrics(void **state)
{
    (void)state;
    result r;
    load_cluster(&r,
                 "bootstrap: x\n"
                 "monitoring:\n"
                 "  client_metrics:\n"
                 "    delivered: kafka-producer-sent\n"
                 "    consumed: \"__internal_total\"\n"
                 "    delivery_failed: 9lives_total\n"
                 "    topic_label: topic.name\n"
                 "    service_label: __job\n"
                 "    consume_failed: 'up or vector(1)'\n"
                 "    colour: red\n"
                 "    partition_label: [p]\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":4:16 metric-name", CLUSTER_PATH ":5:15 metric-name",
                 CLUSTER_PATH ":6:22 metric-name", CLUSTER_PATH ":7:18 label",
                 CLUSTER_PATH ":8:20 label", CLUSTER_PATH ":9:21 metric-name",
                 CLUSTER_PATH ":10:5 unknown-key", CLUSTER_PATH ":11:22 type", NULL);
    assert_int_equal(r.rc, -1);
    assert_contains(msg_of(&r.diags, "metric-name"), "kafka-producer-sent");
    assert_contains(msg_of(&r.diags, "label"), "topic.name");
    assert_contains(msg_of(&r.diags, "unknown-key"), "monitoring.client_metrics");
    /* nothing invalid reaches the model */
    const rc_client_metrics *m = &r.repo.clusters[0].client_metrics;
    for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++)
        assert_null(m->metric[i]);
    assert_null(m->topic_label);
    assert_null(m->service_label);
    result_free(&r);

    /* the labels are required, and at least one metric */
    load_cluster(&r, "bootstrap: x\nmonitoring:\n  client_metrics:\n    partition_label: p\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:3 required", CLUSTER_PATH ":3:3 required",
                 CLUSTER_PATH ":3:3 required", NULL);
    bool topic = false, service = false, metric = false;
    for (size_t i = 0; i < r.diags.len; i++) {
        topic |= strstr(r.diags.items[i].message, "\"topic_label\"") != NULL;
        service |= strstr(r.diags.items[i].message, "\"service_label\"") != NULL;
        metric |= strstr(r.diags.items[i].message,
                         "at least one metric (delivered, delivery_failed, consumed, "
                         "consume_failed)") != NULL;
    }
    assert_true(topic && service && metric);
    result_free(&r);
    load_cluster(&r, "bootstrap: x\nmonitoring:\n  client_metrics: {}\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:3 required", CLUSTER_PATH ":3:3 required",
                 CLUSTER_PATH ":3:3 required", NULL);
    result_free(&r);
    load_cluster(&r, "bootstrap: x\nmonitoring:\n  client_metrics: [delivered]\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:19 type", NULL);
    result_free(&r);

    /* one label cannot play two roles */
    load_cluster(&r,
                 "bootstrap: x\n"
                 "monitoring:\n"
                 "  client_metrics:\n"
                 "    delivered: sent_total\n"
                 "    topic_label: topic\n"
                 "    service_label: topic\n"
                 "    partition_label: topic\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":6:20 label", CLUSTER_PATH ":7:22 label", NULL);
    result_free(&r);
    load_cluster(&r,
                 "bootstrap: x\n"
                 "monitoring:\n"
                 "  client_metrics:\n"
                 "    delivered: sent_total\n"
                 "    topic_label: topic\n"
                 "    service_label: job\n"
                 "    partition_label: job\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":7:22 label", NULL);
    result_free(&r);
}

static void test_rules_cluster_file(void **state)
{
    (void)state;
    result r;
    load_cluster(&r,
                 "bootstrap: ${BROKERS\n"
                 "client:\n"
                 "  sasl.password: hunter2\n"
                 "  bootstrap.servers: x\n"
                 "  sasl.username: ${USER:-svc}\n"
                 "  ssl.key.password: ${1BAD}\n"
                 "monitoring:\n"
                 "  grafana_url: grafana.local\n"
                 "  labels:\n"
                 "    team-name: x\n"
                 "policy:\n"
                 "  max_partitions: many\n"
                 "  allow_delete: yes\n"
                 "  ignore: ignored\n"
                 "defaults:\n"
                 "  replication_factor: 0\n"
                 "frobnicate: 1\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":1:12 env", CLUSTER_PATH ":3:18 secret",
                 CLUSTER_PATH ":4:3 client", CLUSTER_PATH ":6:21 secret", CLUSTER_PATH ":8:16 url",
                 CLUSTER_PATH ":10:5 label", CLUSTER_PATH ":12:19 type", CLUSTER_PATH ":13:17 type",
                 CLUSTER_PATH ":14:11 type", CLUSTER_PATH ":16:23 replication-factor",
                 CLUSTER_PATH ":17:1 unknown-key", NULL);
    /* the secret is never echoed */
    assert_null(strstr(msg_of(&r.diags, "secret"), "hunter2"));
    result_free(&r);

    /* bootstrap is required; the whole file may be empty */
    load_cluster(&r, "client: {client.id: x}\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":1:1 required", NULL);
    result_free(&r);
    load_cluster(&r, "", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":0:0 required", NULL);
    result_free(&r);
    load_cluster(&r, "bootstrap: x\n---\nbootstrap: y\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:1 layout", NULL);
    result_free(&r);

    /* every way around the secret rule that once passed validate */
    static const char *const bypasses[] = {
        "  sasl.password: \"S3cr3tLit${NOPE:-}\"\n",                     /* literal beside */
        "  sasl.password: \"pre-${KAFKA_PASSWORD}\"\n",                  /* literal before */
        "  sasl.password: \"${KAFKA_PASSWORD}post\"\n",                  /* literal after */
        "  sasl.password: \"${KAFKA_PASSWORD:-literal99}\"\n",           /* literal default */
        "  sasl.password: \"${KAFKA_PASSWORD:-}\"\n",                    /* empty default */
        "  sasl.password: \"$${KAFKA_PASSWORD}\"\n",                     /* escaped: literal */
        "  sasl.password: \"${A}${B}\"\n",                               /* two references */
        "  sasl.oauthbearer.config: \"principal=a secret=literal99\"\n", /* compound */
        "  sasl.oauthbearer.client.secret: literal99\n",
        "  ssl.keystore.password: literal99\n",
        "  ssl.key.pem: literal99\n",
    };
    for (size_t i = 0; i < sizeof(bypasses) / sizeof(bypasses[0]); i++) {
        char *yaml = rc_xasprintf("bootstrap: x\nclient:\n%s", bypasses[i]);
        load_cluster(&r, yaml, NULL);
        assert_int_equal(r.diags.len, 1);
        assert_string_equal(r.diags.items[0].rule, "secret");
        assert_null(strstr(r.diags.items[0].message, "literal99"));
        assert_null(strstr(r.diags.items[0].message, "S3cr3tLit"));
        result_free(&r);
        free(yaml);
    }
    /* a key in another case is refused as a key, never classified apart */
    load_cluster(&r, "bootstrap: x\nclient:\n  SASL.PASSWORD: literal99\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:3 client", NULL);
    assert_null(strstr(r.diags.items[0].message, "literal99"));
    result_free(&r);
    /* the accepted form, and places that only look secret */
    load_cluster(&r,
                 "bootstrap: x\nclient:\n  sasl.password: ${KAFKA_PASSWORD}\n"
                 "  sasl.oauthbearer.token.endpoint.url: https://idp.example/token\n"
                 "  ssl.key.location: /etc/kafka/client.key\n"
                 "  sasl.username: svc-orders\n",
                 NULL);
    expect_diags(&r.diags, NULL);
    result_free(&r);

    /* a deletion bound of 0 would be a second way to say allow_delete: false */
    load_cluster(&r, "bootstrap: x\npolicy:\n  max_deletions: 0\n", NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:18 max-deletions", NULL);
    result_free(&r);
    load_cluster(&r, "bootstrap: x\npolicy:\n  max_deletions: 250\n", NULL);
    expect_diags(&r.diags, NULL);
    assert_int_equal(r.repo.clusters[0].max_deletions, 250);
    result_free(&r);
}

/* With a replication-factor policy and no replication factor declared or
 * defaulted, the topic takes the broker's: validate says the check waits for
 * plan, and plan checks the broker's default.replication.factor. */
static void test_broker_default_replication_factor(void **state)
{
    (void)state;
    result r;
    load_cluster(&r,
                 "bootstrap: x\ndefaults:\n  partitions: 1\npolicy:\n  min_replication_factor: 3\n",
                 "name: shop.a\nowner: payments\n---\n"
                 "name: shop.b\nowner: payments\nreplication_factor: 3\n");
    assert_int_equal(r.rc, 0);
    expect_diags(&r.diags, CLUSTER_PATH ":0:0 warning:replication-factor", NULL);
    assert_contains(r.diags.items[0].message, "1 topic of cluster prod declares no replication");
    assert_contains(r.diags.items[0].message, "not checked here");

    rc_cluster_obs obs = {0};
    obs.broker_count = 3;
    rc_diags d = {0};
    obs.default_replication_factor = 1; /* below the policy */
    assert_int_equal(rc_decl_check_cluster_live(&r.repo.clusters[0], &obs, &d), -1);
    expect_diags(&d, TOPIC_PATH ":1:7 replication-factor", NULL);
    assert_contains(d.items[0].message, "default.replication.factor (1)");
    assert_contains(d.items[0].message, "policy.min_replication_factor (3)");
    rc_diags_free(&d);
    obs.default_replication_factor = -1; /* unknown: fail closed */
    assert_int_equal(rc_decl_check_cluster_live(&r.repo.clusters[0], &obs, &d), -1);
    expect_diags(&d, TOPIC_PATH ":1:7 replication-factor", NULL);
    assert_contains(d.items[0].message, "cannot be read");
    rc_diags_free(&d);
    obs.default_replication_factor = 3; /* holds */
    assert_int_equal(rc_decl_check_cluster_live(&r.repo.clusters[0], &obs, &d), 0);
    expect_diags(&d, NULL);
    rc_diags_free(&d);
    result_free(&r);

    /* a cluster default, or no policy: nothing deferred */
    load_cluster(&r,
                 "bootstrap: x\ndefaults:\n  partitions: 1\n  replication_factor: 3\n"
                 "policy:\n  min_replication_factor: 3\n",
                 "name: shop.a\nowner: payments\n");
    expect_diags(&r.diags, NULL);
    result_free(&r);
    load_cluster(&r, "bootstrap: x\ndefaults:\n  partitions: 1\n",
                 "name: shop.a\nowner: payments\n");
    expect_diags(&r.diags, NULL);
    result_free(&r);
}

/* repository_url, grafana_url and prometheus_url end up in alert annotations,
 * dashboard links and the PR comment: only absolute http(s) URLs pass. */
static void test_rule_url(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        bool userinfo;
        const char *why; /* NULL: valid */
    } cases[] = {
        {"https://git.example.com/platform/topics", false, NULL},
        {"http://127.0.0.1:3000", true, NULL},
        {"https://grafana.example.com/", true, NULL},
        {"http://[::1]:9090/prom", true, NULL},
        {"https://user:pw@prom.example", true, NULL},
        {"https://gr\xc3\xa4"
         "fana.example?x=1#y",
         true, NULL},
        {"javascript:alert(1)", false, "the scheme must be http:// or https://"},
        {"HTTPS://x", true, "the scheme must be http:// or https://"},
        {"//host/x", true, "the scheme must be http:// or https://"},
        {"grafana.local", true, "the scheme must be http:// or https://"},
        {"https://", true, "it has no host"},
        {"https:///path", true, "it has no host"},
        {"https://:80/", true, "it has no host"},
        {"https://u@/", true, "it has no host"},
        {"https://a b", true, "it contains a space"},
        {"https://a\tb", true, "it contains a control character"},
        {"https://a/\x1b[2J", true, "it contains a control character"},
        {"https://a/\x7f", true, "it contains a control character"},
        {"https://a/\"onmouseover=x", true, "it contains a quote"},
        {"https://a/'x", true, "it contains a quote"},
        {"https://a/<script>", true, "it contains an angle bracket"},
        {"https://good.example\\@evil.example", true, "it contains a backslash"},
        {"https://a/`x`", true, "it contains a backtick"},
        {"https://github.com@evil.example/x", false,
         "a user name or password before the host (user@host) is not allowed here"},
        {"https://a:b/", true, "it has an invalid port"},
        {"https://a:0/", true, "it has an invalid port"},
        {"https://a:65536", true, "it has an invalid port"},
        {"https://a:99999999999999999999", true, "it has an invalid port"},
        {"https://a:/", true, "it has an empty port"},
        {"https://[]/", true, "it has an invalid IPv6 host"},
        {"https://[::1/", true, "it has an invalid IPv6 host"},
        {"https://[::1]x/", true, "it has an invalid host"},
        {"https://a,b/", true, "it has an invalid character in the host"},
        {"https://a;b/", true, "it has an invalid character in the host"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *why = rc_decl_url_problem(cases[i].url, cases[i].userinfo);
        if (cases[i].why ? !why || strcmp(why, cases[i].why) : why != NULL)
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].url, why ? why : "(valid)",
                     cases[i].why ? cases[i].why : "(valid)");
    }

    result r;
    load_cluster(&r,
                 "bootstrap: x\n"
                 "repository_url: javascript:alert(1)\n"
                 "monitoring:\n"
                 "  grafana_url: 'https://grafana.example.com\"><script>'\n"
                 "  prometheus_url: http://\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":2:17 url", CLUSTER_PATH ":4:16 url",
                 CLUSTER_PATH ":5:19 url", NULL);
    assert_string_equal(r.diags.items[0].message,
                        "repository_url: not an absolute http:// or https:// URL: the scheme "
                        "must be http:// or https://");
    assert_string_equal(r.diags.items[1].message,
                        "monitoring.grafana_url: not an absolute http:// or https:// URL: it "
                        "contains a quote");
    assert_contains(r.diags.items[2].message, "monitoring.prometheus_url: ");
    assert_contains(r.diags.items[2].message, "it has no host");
    result_free(&r);

    /* references are expanded later (and checked then); here only their syntax */
    load_cluster(&r,
                 "bootstrap: x\n"
                 "repository_url: ${REPO_URL}\n"
                 "monitoring: {grafana_url: '${GRAFANA_URL:-}', prometheus_url: '${PROM'}\n",
                 NULL);
    expect_diags(&r.diags, CLUSTER_PATH ":3:63 env", NULL);
    assert_string_equal(r.repo.clusters[0].repo_url, "${REPO_URL}");
    result_free(&r);
}

static void test_rules_teams_file(void **state)
{
    (void)state;
    result r;
    tfile files[] = {{TEAMS_PATH, "teams:\n"
                                  "  \"pay ments\": {chat: x}\n"
                                  "  nochat: {escalation: y}\n"
                                  "  payments: {chat: \"#p\", pager: z}\n"
                                  "  payments: {chat: \"#q\"}\n"
                                  "  empty:\n"},
                     {CLUSTER_PATH, CLUSTER},
                     {TOPIC_PATH, "name: shop.a\nowner: nochat\n"}};
    load_files(&r, files, 3);
    expect_diags(&r.diags, TEAMS_PATH ":2:3 team-name", TEAMS_PATH ":3:11 required",
                 TEAMS_PATH ":4:26 unknown-key", TEAMS_PATH ":5:3 duplicate-key",
                 TEAMS_PATH ":6:3 required", NULL);
    assert_int_equal(r.repo.nteams, 4);
    assert_string_equal(rc_repo_team(&r.repo, "payments")->chat, "#p");
    result_free(&r);

    /* a missing teams file is said once, not per owner */
    tfile nofile[] = {{CLUSTER_PATH, CLUSTER}, {TOPIC_PATH, "name: shop.a\nowner: x\n"}};
    load_files(&r, nofile, 2);
    expect_diags(&r.diags, TEAMS_PATH ":0:0 required", NULL);
    result_free(&r);

    /* a broken teams file: its syntax error, no owner noise */
    tfile broken[] = {{TEAMS_PATH, "teams: [\n"},
                      {CLUSTER_PATH, CLUSTER},
                      {TOPIC_PATH, "name: shop.a\nowner: x\n"}};
    load_files(&r, broken, 3);
    expect_diags(&r.diags, TEAMS_PATH ":2:1 yaml-syntax", NULL);
    result_free(&r);
}

static void test_rule_layout(void **state)
{
    (void)state;
    result r;
    tfile files[] = {
        {TEAMS_PATH, TEAMS},
        {CLUSTER_PATH, CLUSTER},
        {"topics/stray.yaml", "name: x\n"},
        {"topics/README.md", "# docs\n"},
        {"topics/prod/_defaults.yaml", "partitions: 1\n"},
        {"topics/prod/notes.txt", "::: not yaml :::\n"},
        {"topics/prod/team-a/nested.yml", "name: shop.nested\nowner: payments\n"},
        {"topics/.github/x.yaml", "[\n"},
        {"topics/orphan/x.yaml", "name: shop.x\nowner: payments\n"},
        {"topics/bad name/_cluster.yaml", "bootstrap: x\n"},
        {"other/file.yaml", "[\n"},
    };
    load_files(&r, files, sizeof(files) / sizeof(files[0]));
    expect_diags(&r.diags, "topics/bad name:0:0 layout", "topics/orphan:0:0 layout",
                 "topics/prod/_defaults.yaml:0:0 layout", "topics/stray.yaml:0:0 layout", NULL);
    /* nested directories inside a cluster are topic files too */
    assert_int_equal(topic(&r, "prod", "shop.nested")->partitions, 3);
    /* without _cluster.yaml the missing partitions are not piled on */
    assert_int_equal(topic(&r, "orphan", "shop.x")->partitions, 0);
    result_free(&r);
}

static void test_rule_ignored_topic(void **state)
{
    (void)state;
    result r;
    load_cluster(&r, "bootstrap: x\ndefaults: {partitions: 1}\npolicy: {ignore: [\"tmp.*\"]}\n",
                 "name: tmp.scratch\nowner: payments\n");
    expect_diags(&r.diags, TOPIC_PATH ":1:7 warning:ignored-topic", NULL);
    assert_int_equal(r.rc, 0);
    result_free(&r);
}

/* Every problem of a file is reported in one run, in order. */
static void test_all_problems_reported(void **state)
{
    (void)state;
    result r;
    load_topic(&r, "name: Shop Orders\n"         /* 1: topic-name */
                   "partitions: 0\n"             /* 2: partitions */
                   "owner: checkuot\n"           /* 3: unknown-team */
                   "replication_factor: 9\n"     /* 4: replication-factor */
                   "config:\n"                   /* 5 */
                   "  retention.ms: forever\n"   /* 6: config-value */
                   "  cleanup.polcy: delete\n"   /* 7: unknown-config */
                   "  min.insync.replicas: 10\n" /* 8: min-insync */
                   "lag: {max: soon}\n"          /* 9: lag */
                   "consumers: [ok, '']\n"       /* 10: type */
                   "colour: blue\n"              /* 11: unknown-key */
                   "---\n"
                   "name: shop.fine\n"
                   "owner: payments\n"
                   "partitions: many\n" /* 15: type */);
    expect_diags(&r.diags, TOPIC_PATH ":1:7 topic-name", TOPIC_PATH ":2:13 partitions",
                 TOPIC_PATH ":3:8 unknown-team", TOPIC_PATH ":4:21 replication-factor",
                 TOPIC_PATH ":6:17 config-value", TOPIC_PATH ":7:3 unknown-config",
                 TOPIC_PATH ":8:24 min-insync", TOPIC_PATH ":9:12 lag", TOPIC_PATH ":10:17 type",
                 TOPIC_PATH ":11:1 unknown-key", TOPIC_PATH ":15:13 type", NULL);
    assert_int_equal(r.rc, -1);
    result_free(&r);
}

/* ---- plan-time checks ------------------------------------------------------------------ */

static void test_check_cluster_live(void **state)
{
    (void)state;
    result r;
    load_cluster(&r,
                 "bootstrap: x\ndefaults:\n  partitions: 1\n  replication_factor: 3\n"
                 "  config: {x.default.key: a}\n",
                 "name: shop.a\nowner: payments\n---\n"
                 "name: shop.b\nowner: payments\nreplication_factor: 2\n"
                 "config: {x.newer.key: v, y.unknown.key: w}\n---\n"
                 "name: shop.c\nowner: payments\nreplication_factor: 1\n");
    assert_int_equal(r.rc, 0); /* unknown keys without a close match are warnings */
    rc_cluster_obs obs = {0};
    obs.broker_count = 1;
    char *keys[] = {"x.newer.key", "retention.ms"};
    obs.config_keys = keys;
    obs.nconfig_keys = 2;
    rc_diags d = {0};
    assert_int_equal(rc_decl_check_cluster_live(&r.repo.clusters[0], &obs, &d), -1);
    rc_diags_sort(&d);
    /* RF above the brokers up is a warning per topic still to create (shop.a
     * inherits RF 3, shop.b declares 2); unknown keys are errors */
    expect_diags(
        &d, CLUSTER_PATH ":0:0 unknown-config", TOPIC_PATH ":1:7 warning:replication-factor",
        TOPIC_PATH ":4:7 warning:replication-factor", TOPIC_PATH ":4:7 unknown-config", NULL);
    assert_int_equal(d.items[1].severity, RC_SEV_WARNING);
    assert_int_equal(d.items[2].severity, RC_SEV_WARNING);
    assert_contains(d.items[3].message, "y.unknown.key");
    rc_diags_free(&d);

    /* a topic that already exists is not re-checked: its RF is the diff's business */
    rc_topic_obs existing = {.name = "shop.a", .partitions = 1, .replication_factor = 1};
    obs.topics = &existing;
    obs.ntopics = 1;
    obs.nconfig_keys = 0;
    assert_int_equal(rc_decl_check_cluster_live(&r.repo.clusters[0], &obs, &d), 0);
    rc_diags_sort(&d);
    expect_diags(&d, TOPIC_PATH ":4:7 warning:replication-factor", NULL);
    rc_diags_free(&d);
    obs.topics = NULL;
    obs.ntopics = 0;

    /* three brokers that report no keys: nothing to say */
    obs.broker_count = 3;
    obs.nconfig_keys = 0;
    assert_int_equal(rc_decl_check_cluster_live(&r.repo.clusters[0], &obs, &d), 0);
    assert_int_equal(d.len, 0);
    rc_diags_free(&d);
    result_free(&r);
}

/* ---- repositories on disk ----------------------------------------------------------- */

/* Load root/topics from the working tree, as the command layer does. */
static void load_dir(result *r, const char *root)
{
    rc_source src;
    char err[512] = "";
    if (rc_source_load(&src, root, NULL, err, sizeof(err)) != 0)
        fail_msg("cannot load %s/topics: %s", root, err);
    load_source(r, &src);
}

static void test_shipped_example_is_clean(void **state)
{
    (void)state;
    const char *root = getenv("RECONCILE_SRC");
    if (!root)
        skip();
    result r;
    load_dir(&r, root);
    expect_diags(&r.diags, NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.repo.nteams, 3);
    assert_int_equal(r.repo.nclusters, 2);
    const rc_cluster_decl *local = &r.repo.clusters[0];
    assert_string_equal(local->name, "local");
    assert_string_equal(local->bootstrap, "${RECONCILE_BOOTSTRAP:-127.0.0.1:19092}");
    assert_true(local->ntopics >= 4 && local->ntopics <= 6);
    for (size_t i = 0; i < local->ntopics; i++)
        assert_int_equal(local->topics[i].replication_factor, 1);
    const rc_topic_decl *t = topic(&r, "local", "notifications.alert-created.v1");
    assert_int_equal(t->partitions, 12);
    assert_string_equal(t->owner, "alert-notifications");
    assert_string_equal(rc_kvlist_get(&t->config, "retention.ms"), "604800000");
    assert_int_equal(t->lag_max_seconds, 300);
    const rc_cluster_decl *staging = &r.repo.clusters[1];
    assert_string_equal(staging->name, "staging");
    assert_int_equal(staging->ntopics, 2);
    assert_int_equal(staging->min_replication_factor, 3);
    assert_string_equal(rc_kvlist_get(&staging->client_props, "security.protocol"), "SASL_SSL");
    for (size_t i = 0; i < staging->ntopics; i++)
        assert_int_equal(staging->topics[i].replication_factor, 3);
    result_free(&r);
}

/* The broken fixture repository that integration tests run `validate` on:
 * the diagnostics listed here are the contract they check. */
static void test_invalid_fixture_repo(void **state)
{
    (void)state;
    const char *fixtures = getenv("RECONCILE_FIXTURES");
    if (!fixtures)
        skip();
    char *root = rc_xasprintf("%s/invalid", fixtures);
    result r;
    load_dir(&r, root);
    free(root);
    expect_diags(
        &r.diags, "topics/broken/_cluster.yaml:13:18 metric-source",
        "topics/broken/bad-types.yaml:3:13 type", "topics/broken/bad-types.yaml:5:9 type",
        "topics/broken/bad-types.yaml:6:12 type", "topics/broken/config.yaml:4:3 unknown-config",
        "topics/broken/config.yaml:5:15 config-value", "topics/broken/config.yaml:6:24 min-insync",
        "topics/broken/names.yaml:1:7 topic-name", "topics/broken/names.yaml:4:7 name-pattern",
        "topics/broken/names.yaml:8:8 unknown-team", "topics/broken/names.yaml:11:7 name-collision",
        "topics/broken/names.yaml:14:7 duplicate-topic",
        "topics/broken/names.yaml:16:1 unknown-key", "topics/broken/signals.yaml:5:19 alerts",
        "topics/broken/signals.yaml:6:24 alerts", "topics/broken/sizing.yaml:3:13 partitions",
        "topics/broken/sizing.yaml:4:21 replication-factor",
        "topics/broken/sizing.yaml:11:24 warning:throughput", "topics/broken/sizing.yaml:16:8 lag",
        "topics/broken/syntax.yaml:3:8 yaml-syntax", "topics/stray.yaml:0:0 layout", NULL);
    assert_int_equal(r.rc, -1);
    result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_topic_resolves),
        cmocka_unit_test(test_warnings_only_return_zero),
        cmocka_unit_test(test_rule_yaml_syntax),
        cmocka_unit_test(test_rule_yaml_syntax_keeps_earlier_documents),
        cmocka_unit_test(test_numbers_out_of_range),
        cmocka_unit_test(test_rule_unknown_key),
        cmocka_unit_test(test_rule_duplicate_key),
        cmocka_unit_test(test_rule_type),
        cmocka_unit_test(test_rule_alerts),
        cmocka_unit_test(test_rule_required),
        cmocka_unit_test(test_rule_required_partitions_and_policy_fields),
        cmocka_unit_test(test_rule_topic_name),
        cmocka_unit_test(test_rule_name_pattern),
        cmocka_unit_test(test_rule_name_collision),
        cmocka_unit_test(test_rule_duplicate_topic),
        cmocka_unit_test(test_rule_unknown_team),
        cmocka_unit_test(test_rule_partitions),
        cmocka_unit_test(test_rule_replication_factor),
        cmocka_unit_test(test_rule_min_insync),
        cmocka_unit_test(test_rule_unknown_config),
        cmocka_unit_test(test_rule_config_not_allowed),
        cmocka_unit_test(test_rule_config_value),
        cmocka_unit_test(test_rule_throughput),
        cmocka_unit_test(test_rule_lag),
        cmocka_unit_test(test_rule_consumers),
        cmocka_unit_test(test_rule_metric_source),
        cmocka_unit_test(test_client_metrics_parsed),
        cmocka_unit_test(test_rule_client_metrics),
        cmocka_unit_test(test_rules_cluster_file),
        cmocka_unit_test(test_rule_url),
        cmocka_unit_test(test_rules_teams_file),
        cmocka_unit_test(test_rule_layout),
        cmocka_unit_test(test_rule_ignored_topic),
        cmocka_unit_test(test_all_problems_reported),
        cmocka_unit_test(test_check_cluster_live),
        cmocka_unit_test(test_broker_default_replication_factor),
        cmocka_unit_test(test_shipped_example_is_clean),
        cmocka_unit_test(test_invalid_fixture_repo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
