/* test_kadmin_live.c — the librdkafka admin adapter against a real broker.
 *
 * The broker tests SKIP unless RECONCILE_BOOTSTRAP is set, e.g.
 *   RECONCILE_BOOTSTRAP=$(ci/local-kafka.sh start | tail -1) ./test_kadmin_live
 * The client-property and unreachable-cluster tests need no broker and always
 * run. RECONCILE_KADMIN_BENCH=N adds a timing run with N topics.
 *
 * Topics get a unique prefix and are deleted at the end; the broker is shared
 * and left running. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kadmin.h"

#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NTOPICS 4 /* [0..2] created together, [3] created next to existing ones */

/* The message of the last failed admin call (every call writes here). */
static char kerr[RC_ERRBUF_LEN];

static struct {
    rc_kadmin *ka;
    char prefix[96];
    char names[NTOPICS][160];
    const char *ptrs[NTOPICS];
    rc_kvlist config; /* overrides the topics are created with */
} live;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static rc_kadmin *require_live(void)
{
    if (!live.ka)
        skip();
    return live.ka;
}

static int group_setup(void **state)
{
    (void)state;
    rc_kvlist_set(&live.config, "retention.ms", "3600000");
    rc_kvlist_set(&live.config, "cleanup.policy", "delete");
    const char *bootstrap = getenv("RECONCILE_BOOTSTRAP");
    if (!bootstrap || !*bootstrap)
        return 0;
    snprintf(live.prefix, sizeof(live.prefix), "rc-kadmin-test-%ld-%lld", (long)getpid(),
             (long long)time(NULL));
    for (int i = 0; i < NTOPICS; i++) {
        snprintf(live.names[i], sizeof(live.names[i]), "%s.t%d", live.prefix, i);
        live.ptrs[i] = live.names[i];
    }
    rc_kadmin_config cfg = {.cluster_name = "live",
                            .bootstrap = bootstrap,
                            .timeout_ms = 30000,
                            .batch_size = 2, /* 3 topics -> 2 requests: exercise batching */
                            .verbose = getenv("RECONCILE_KADMIN_VERBOSE") != NULL};
    char err[512];
    if (rc_kadmin_rdkafka_new(&live.ka, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "cannot create admin client: %s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (live.ka) {
        rc_topic_result *res = NULL;
        if (live.ka->ops->delete_topics(live.ka, live.ptrs, NTOPICS, &res, kerr, sizeof(kerr)) == 0)
            rc_topic_results_free(res, NTOPICS);
        live.ka->ops->destroy(live.ka);
        live.ka = NULL;
    }
    rc_kvlist_free(&live.config);
    rd_kafka_wait_destroyed(10000);
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static void describe(rc_cluster_obs *obs)
{
    rc_kadmin *ka = live.ka;
    int rc = ka->ops->describe_cluster(ka, obs, kerr, sizeof(kerr));
    if (rc != 0)
        fail_msg("describe_cluster: %d %s", rc, kerr);
}

static void describe_with_configs(rc_cluster_obs *obs, const char *const *topics, size_t n)
{
    describe(obs);
    int rc = live.ka->ops->describe_configs(live.ka, obs, topics, n, kerr, sizeof(kerr));
    if (rc != 0)
        fail_msg("describe_configs: %d %s", rc, kerr);
}

static const rc_config_obs *find_config(const rc_topic_obs *t, const char *key)
{
    for (size_t i = 0; t && i < t->nconfigs; i++)
        if (strcmp(t->configs[i].key, key) == 0)
            return &t->configs[i];
    return NULL;
}

/* The topic override of key, or NULL when the key has no override. */
static const char *override_of(const rc_cluster_obs *obs, const char *topic, const char *key)
{
    const rc_config_obs *c = find_config(rc_cluster_obs_topic(obs, topic), key);
    return c && c->source == RC_CFG_TOPIC_OVERRIDE ? c->value : NULL;
}

/* Config changes reach DescribeConfigs through the metadata log: poll (up to
 * 15 s) until topic's override of key equals want (NULL: no override). */
static bool wait_override(const char *topic, const char *key, const char *want)
{
    long long deadline = now_ms() + 15000;
    for (;;) {
        rc_cluster_obs obs;
        describe_with_configs(&obs, &topic, 1);
        const char *v = override_of(&obs, topic, key);
        bool ok = want ? v && strcmp(v, want) == 0 : v == NULL;
        rc_cluster_obs_free(&obs);
        if (ok)
            return true;
        if (now_ms() > deadline)
            return false;
        sleep_ms(100);
    }
}

static void assert_all_ok(const rc_topic_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].error || res[i].error_code)
            fail_msg("%s: unexpected error %d: %s", res[i].topic, res[i].error_code,
                     res[i].error ? res[i].error : "(null)");
}

/* ---- tests that need no broker ------------------------------------------- */

static void test_unknown_property(void **state)
{
    (void)state;
    rc_kvlist props = {0};
    rc_kvlist_set(&props, "no.such.property", "hunter2-very-secret");
    rc_kadmin_config cfg = {.cluster_name = "props", .bootstrap = "127.0.0.1:1", .props = &props};
    rc_kadmin *ka = NULL;
    char err[512];
    int rc = rc_kadmin_rdkafka_new(&ka, &cfg, err, sizeof(err));
    assert_true(rc < 0);
    assert_null(ka);
    assert_non_null(strstr(err, "no.such.property"));
    assert_null(strstr(err, "hunter2"));
    rc_kvlist_free(&props);

    /* An invalid value is rejected without echoing it. */
    rc_kvlist_set(&props, "security.protocol", "hunter2-very-secret");
    rc = rc_kadmin_rdkafka_new(&ka, &cfg, err, sizeof(err));
    assert_true(rc < 0);
    assert_non_null(strstr(err, "security.protocol"));
    assert_null(strstr(err, "hunter2"));
    rc_kvlist_free(&props);

    /* A valid secret property is accepted (and never printed). */
    rc_kvlist_set(&props, "sasl.password", "hunter2-very-secret");
    rc = rc_kadmin_rdkafka_new(&ka, &cfg, err, sizeof(err));
    assert_int_equal(rc, 0);
    ka->ops->destroy(ka);
    rc_kvlist_free(&props);
}

static void test_unreachable(void **state)
{
    (void)state;
    rc_kadmin_config cfg = {
        .cluster_name = "nowhere", .bootstrap = "127.0.0.1:1", .timeout_ms = 3000};
    rc_kadmin *ka = NULL;
    char err[512];
    assert_int_equal(rc_kadmin_rdkafka_new(&ka, &cfg, err, sizeof(err)), 0);

    long long t0 = now_ms();
    rc_cluster_obs obs;
    int rc = ka->ops->describe_cluster(ka, &obs, kerr, sizeof(kerr));
    long long took = now_ms() - t0;
    const char *msg = kerr;
    print_message("unreachable: rc=%d after %lld ms: %s\n", rc, took, msg);
    assert_true(rc == RC_KADMIN_ECONNECT || rc == RC_KADMIN_ETIMEOUT);
    assert_non_null(strstr(msg, "nowhere"));
    assert_non_null(strstr(msg, "127.0.0.1:1"));
    assert_non_null(strstr(msg, "refused"));
    assert_true(took < 6000);
    assert_null(obs.topics);

    /* Batched calls fail as a whole, without a result array. */
    rc_new_topic nt = {"rc-never", 1, 1, NULL};
    rc_topic_result sentinel = {0};
    rc_topic_result *res = &sentinel; /* must be reset to NULL */
    rc = ka->ops->create_topics(ka, &nt, 1, true, &res, kerr, sizeof(kerr));
    assert_true(rc == RC_KADMIN_ECONNECT || rc == RC_KADMIN_ETIMEOUT);
    assert_null(res);
    assert_non_null(strstr(kerr, "refused"));
    ka->ops->destroy(ka);
}

/* ---- tests against the broker --------------------------------------------- */

static void test_describe_cluster(void **state)
{
    (void)state;
    require_live();
    rc_cluster_obs obs;
    describe(&obs);
    assert_true(obs.broker_count >= 1);
    assert_non_null(obs.cluster_id);
    assert_true(strlen(obs.cluster_id) > 0);
    assert_true(obs.auto_create_topics == 0 || obs.auto_create_topics == 1);
    for (size_t i = 1; i < obs.ntopics; i++)
        assert_true(strcmp(obs.topics[i - 1].name, obs.topics[i].name) < 0);
    for (size_t i = 0; i < obs.ntopics; i++) {
        assert_true(obs.topics[i].partitions >= 1);
        assert_int_equal(obs.topics[i].internal, strncmp(obs.topics[i].name, "__", 2) == 0);
        assert_null(obs.topics[i].configs);
    }
    print_message("cluster %s: %d broker(s), %zu topic(s), auto.create.topics.enable=%d\n",
                  obs.cluster_id, obs.broker_count, obs.ntopics, obs.auto_create_topics);
    rc_cluster_obs_free(&obs);
}

static void make_new_topics(rc_new_topic *nt, size_t first, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nt[i] = (rc_new_topic){live.names[first + i], 2, 1, &live.config};
}

static void test_create_validate_only(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    rc_new_topic nt[3];
    make_new_topics(nt, 0, 3);
    rc_topic_result *res = NULL;
    int rc = ka->ops->create_topics(ka, nt, 3, true, &res, kerr, sizeof(kerr));
    assert_int_equal(rc, 0);
    assert_all_ok(res, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(res[i].topic, live.names[i]);
    rc_topic_results_free(res, 3);

    rc_cluster_obs obs;
    describe(&obs);
    for (size_t i = 0; i < 3; i++)
        assert_null(rc_cluster_obs_topic(&obs, live.names[i]));
    rc_cluster_obs_free(&obs);

    /* The broker's own validation comes back per topic. */
    rc_new_topic bad[2] = {{live.names[0], 2, 1, NULL}, {live.names[1], 2, 99, NULL}};
    rc = ka->ops->create_topics(ka, bad, 2, true, &res, kerr, sizeof(kerr));
    assert_int_equal(rc, 0);
    assert_null(res[0].error);
    assert_non_null(res[1].error);
    assert_int_equal(res[1].error_code, RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR);
    print_message("rf 99: %s\n", res[1].error);
    rc_topic_results_free(res, 2);
}

static void test_create(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    rc_new_topic nt[3];
    make_new_topics(nt, 0, 3);
    rc_topic_result *res = NULL;
    assert_int_equal(ka->ops->create_topics(ka, nt, 3, false, &res, kerr, sizeof(kerr)), 0);
    assert_all_ok(res, 3);
    rc_topic_results_free(res, 3);

    rc_new_partitions w[3];
    for (size_t i = 0; i < 3; i++)
        w[i] = (rc_new_partitions){live.names[i], 2};
    int rc = ka->ops->wait_topics(ka, w, 3, 30000, kerr, sizeof(kerr));
    if (rc)
        fail_msg("wait_topics: %s", kerr);

    rc_cluster_obs obs;
    describe_with_configs(&obs, live.ptrs, 3);
    for (size_t i = 0; i < 3; i++) {
        const rc_topic_obs *t = rc_cluster_obs_topic(&obs, live.names[i]);
        assert_non_null(t);
        assert_int_equal(t->partitions, 2);
        assert_int_equal(t->replication_factor, 1);
        assert_false(t->internal);
        assert_non_null(t->configs);
        const rc_config_obs *c = find_config(t, "retention.ms");
        assert_non_null(c);
        assert_int_equal(c->source, RC_CFG_TOPIC_OVERRIDE);
        assert_string_equal(c->value, "3600000");
        assert_false(c->sensitive);
        c = find_config(t, "cleanup.policy");
        assert_non_null(c);
        assert_int_equal(c->source, RC_CFG_TOPIC_OVERRIDE);
        assert_string_equal(c->value, "delete");
        /* not overridden: reported with its default source */
        c = find_config(t, "segment.ms");
        assert_non_null(c);
        assert_int_not_equal(c->source, RC_CFG_TOPIC_OVERRIDE);
        for (size_t j = 1; j < t->nconfigs; j++)
            assert_true(strcmp(t->configs[j - 1].key, t->configs[j].key) < 0);
    }
    /* Other topics were not described. */
    for (size_t i = 0; i < obs.ntopics; i++)
        if (strncmp(obs.topics[i].name, live.prefix, strlen(live.prefix)) != 0)
            assert_null(obs.topics[i].configs);
    assert_true(obs.nconfig_keys > 10);
    for (size_t i = 1; i < obs.nconfig_keys; i++)
        assert_true(strcmp(obs.config_keys[i - 1], obs.config_keys[i]) < 0);
    bool has_retention = false;
    for (size_t i = 0; i < obs.nconfig_keys; i++)
        has_retention |= strcmp(obs.config_keys[i], "retention.ms") == 0;
    assert_true(has_retention);
    /* Describing again (and unknown names) keeps the key set unique. */
    size_t nkeys = obs.nconfig_keys;
    const char *again[2] = {live.names[0], "rc-no-such-topic-here"};
    assert_int_equal(ka->ops->describe_configs(ka, &obs, again, 2, kerr, sizeof(kerr)), 0);
    assert_int_equal(obs.nconfig_keys, nkeys);
    rc_cluster_obs_free(&obs);
}

static void test_create_existing(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    rc_new_topic nt[2] = {{live.names[0], 2, 1, &live.config}, {live.names[3], 1, 1, NULL}};
    rc_topic_result *res = NULL;
    assert_int_equal(ka->ops->create_topics(ka, nt, 2, true, &res, kerr, sizeof(kerr)), 0);
    assert_int_equal(res[0].error_code, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    assert_null(res[1].error);
    rc_topic_results_free(res, 2);

    assert_int_equal(ka->ops->create_topics(ka, nt, 2, false, &res, kerr, sizeof(kerr)), 0);
    assert_string_equal(res[0].topic, live.names[0]);
    assert_int_equal(res[0].error_code, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    assert_non_null(res[0].error);
    print_message("existing: %s\n", res[0].error);
    assert_string_equal(res[1].topic, live.names[3]);
    assert_null(res[1].error);
    assert_int_equal(res[1].error_code, 0);
    rc_topic_results_free(res, 2);

    rc_new_partitions w = {live.names[3], 1};
    assert_int_equal(ka->ops->wait_topics(ka, &w, 1, 30000, kerr, sizeof(kerr)), 0);
}

static int partitions_of(const char *topic)
{
    rc_cluster_obs obs;
    describe(&obs);
    const rc_topic_obs *t = rc_cluster_obs_topic(&obs, topic);
    int n = t ? t->partitions : -1;
    rc_cluster_obs_free(&obs);
    return n;
}

static void test_create_partitions(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    rc_new_partitions np[3];
    for (size_t i = 0; i < 3; i++)
        np[i] = (rc_new_partitions){live.names[i], 4};
    rc_topic_result *res = NULL;
    assert_int_equal(ka->ops->create_partitions(ka, np, 3, true, &res, kerr, sizeof(kerr)), 0);
    assert_all_ok(res, 3);
    rc_topic_results_free(res, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(partitions_of(live.names[i]), 2);

    assert_int_equal(ka->ops->create_partitions(ka, np, 3, false, &res, kerr, sizeof(kerr)), 0);
    assert_all_ok(res, 3);
    rc_topic_results_free(res, 3);
    int rc = ka->ops->wait_topics(ka, np, 3, 30000, kerr, sizeof(kerr));
    if (rc)
        fail_msg("wait_topics: %s", kerr);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(partitions_of(live.names[i]), 4);

    /* Kafka cannot shrink a topic: a per-topic error, the others go through. */
    rc_new_partitions mixed[2] = {{live.names[0], 1}, {live.names[3], 2}};
    assert_int_equal(ka->ops->create_partitions(ka, mixed, 2, false, &res, kerr, sizeof(kerr)), 0);
    assert_int_equal(res[0].error_code, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    assert_non_null(res[0].error);
    print_message("shrink: %s\n", res[0].error);
    assert_null(res[1].error);
    rc_topic_results_free(res, 2);
}

static void test_alter_configs(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    rc_kvlist set0 = {0}, set1 = {0}, set2 = {0};
    rc_kvlist_set(&set0, "retention.ms", "7200000");
    rc_kvlist_set(&set1, "max.message.bytes", "2000000");
    rc_kvlist_set(&set2, "retention.ms", "not-a-number");
    const char *reset0[] = {"cleanup.policy"};
    rc_topic_configs cfgs[3] = {
        {live.names[0], &set0, reset0, 1}, /* full set + explicit reset */
        {live.names[1], &set1, NULL, 0},   /* full set only */
        {live.names[2], &set2, NULL, 0},   /* refused by the broker */
    };
    rc_topic_result *res = NULL;

    assert_int_equal(ka->ops->alter_configs(ka, cfgs, 3, true, &res, kerr, sizeof(kerr)), 0);
    assert_null(res[0].error);
    assert_null(res[1].error);
    assert_non_null(res[2].error);
    assert_int_equal(res[2].error_code, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
    print_message("invalid value: %s\n", res[2].error);
    rc_topic_results_free(res, 3);
    rc_cluster_obs obs;
    describe_with_configs(&obs, live.ptrs, 3);
    assert_string_equal(override_of(&obs, live.names[0], "retention.ms"), "3600000");
    assert_string_equal(override_of(&obs, live.names[0], "cleanup.policy"), "delete");
    assert_null(override_of(&obs, live.names[1], "max.message.bytes"));
    rc_cluster_obs_free(&obs);

    assert_int_equal(ka->ops->alter_configs(ka, cfgs, 3, false, &res, kerr, sizeof(kerr)), 0);
    assert_null(res[0].error);
    assert_null(res[1].error);
    assert_int_equal(res[2].error_code, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
    rc_topic_results_free(res, 3);

    assert_true(wait_override(live.names[0], "retention.ms", "7200000"));
    assert_true(wait_override(live.names[0], "cleanup.policy", NULL));
    assert_true(wait_override(live.names[1], "max.message.bytes", "2000000"));
#if RD_KAFKA_VERSION >= 0x020200ff
    /* IncrementalAlterConfigs: overrides not mentioned are kept. */
    assert_true(wait_override(live.names[1], "retention.ms", "3600000"));
    assert_true(wait_override(live.names[1], "cleanup.policy", "delete"));
#else
    /* AlterConfigs replaces the whole set: the overrides not sent are gone. */
    assert_true(wait_override(live.names[1], "retention.ms", NULL));
    assert_true(wait_override(live.names[1], "cleanup.policy", NULL));
#endif
    /* the refused topic is unchanged */
    assert_true(wait_override(live.names[2], "retention.ms", "3600000"));
    rc_kvlist_free(&set0);
    rc_kvlist_free(&set1);
    rc_kvlist_free(&set2);
}

static void test_wait_timeout(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    char missing[200];
    snprintf(missing, sizeof(missing), "%s.never", live.prefix);
    rc_new_partitions w[2] = {{live.names[0], 4}, {missing, 1}};
    long long t0 = now_ms();
    int rc = ka->ops->wait_topics(ka, w, 2, 1000, kerr, sizeof(kerr));
    long long took = now_ms() - t0;
    assert_int_equal(rc, RC_KADMIN_ETIMEOUT);
    assert_non_null(strstr(kerr, missing));
    assert_null(strstr(kerr, live.names[0]));
    /* at its deadline, not before; the upper bound only catches a hang (a
     * loaded machine has taken over 5 s to return from a 1 s wait) */
    assert_true(took >= 900 && took < 20000);
    print_message("wait timeout: %s\n", kerr);
}

static void test_delete(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    rc_topic_result *res = NULL;
    assert_int_equal(ka->ops->delete_topics(ka, live.ptrs, NTOPICS, &res, kerr, sizeof(kerr)), 0);
    assert_all_ok(res, NTOPICS);
    rc_topic_results_free(res, NTOPICS);

    assert_int_equal(ka->ops->delete_topics(ka, live.ptrs, 1, &res, kerr, sizeof(kerr)), 0);
    assert_int_equal(res[0].error_code, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    rc_topic_results_free(res, 1);

    long long deadline = now_ms() + 15000;
    for (;;) {
        rc_cluster_obs obs;
        describe(&obs);
        size_t left = 0;
        for (size_t i = 0; i < NTOPICS; i++)
            left += rc_cluster_obs_topic(&obs, live.names[i]) != NULL;
        rc_cluster_obs_free(&obs);
        if (left == 0)
            break;
        assert_true(now_ms() < deadline);
        sleep_ms(100);
    }
}

/* Timing run: RECONCILE_KADMIN_BENCH=N topics created in one call. */
static void test_bench(void **state)
{
    (void)state;
    rc_kadmin *ka = require_live();
    const char *env = getenv("RECONCILE_KADMIN_BENCH");
    if (!env || atoi(env) <= 0)
        skip();
    size_t n = (size_t)atoi(env);
    char(*names)[160] = calloc(n, sizeof(*names));
    const char **ptrs = calloc(n, sizeof(*ptrs));
    rc_new_topic *nt = calloc(n, sizeof(*nt));
    rc_new_partitions *w = calloc(n, sizeof(*w));
    assert_true(names && ptrs && nt && w);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof(names[i]), "%s.bench-%05zu", live.prefix, i);
        ptrs[i] = names[i];
        nt[i] = (rc_new_topic){names[i], 1, 1, &live.config};
        w[i] = (rc_new_partitions){names[i], 1};
    }
    rc_kadmin_config cfg = {
        .cluster_name = "bench", .bootstrap = getenv("RECONCILE_BOOTSTRAP"), .timeout_ms = 120000};
    rc_kadmin *bk = NULL;
    char err[512];
    assert_int_equal(rc_kadmin_rdkafka_new(&bk, &cfg, err, sizeof(err)), 0);
    (void)ka;

    rc_topic_result *res = NULL;
    long long t0 = now_ms();
    int rc = bk->ops->create_topics(bk, nt, n, true, &res, kerr, sizeof(kerr));
    long long t_validate = now_ms() - t0;
    if (rc)
        fail_msg("create validate_only: %s", kerr);
    assert_all_ok(res, n);
    rc_topic_results_free(res, n);

    t0 = now_ms();
    rc = bk->ops->create_topics(bk, nt, n, false, &res, kerr, sizeof(kerr));
    long long t_create = now_ms() - t0;
    if (rc)
        fail_msg("create: %s", kerr);
    assert_all_ok(res, n);
    rc_topic_results_free(res, n);

    t0 = now_ms();
    rc = bk->ops->wait_topics(bk, w, n, 120000, kerr, sizeof(kerr));
    long long t_wait = now_ms() - t0;
    if (rc)
        fail_msg("wait: %s", kerr);

    rc_cluster_obs obs;
    t0 = now_ms();
    rc = bk->ops->describe_cluster(bk, &obs, kerr, sizeof(kerr));
    long long t_cluster = now_ms() - t0;
    assert_int_equal(rc, 0);
    t0 = now_ms();
    rc = bk->ops->describe_configs(bk, &obs, ptrs, n, kerr, sizeof(kerr));
    long long t_configs = now_ms() - t0;
    if (rc)
        fail_msg("describe_configs: %s", kerr);
    size_t described = 0;
    for (size_t i = 0; i < n; i++) {
        const rc_topic_obs *t = rc_cluster_obs_topic(&obs, names[i]);
        described += t && t->configs;
    }
    assert_int_equal(described, n);
    rc_cluster_obs_free(&obs);

    t0 = now_ms();
    rc = bk->ops->delete_topics(bk, ptrs, n, &res, kerr, sizeof(kerr));
    long long t_delete = now_ms() - t0;
    assert_int_equal(rc, 0);
    assert_all_ok(res, n);
    rc_topic_results_free(res, n);

    print_message("bench %zu topics: create(validate_only) %lld ms, create %lld ms, "
                  "wait_topics %lld ms, describe_cluster %lld ms, describe_configs %lld ms, "
                  "delete %lld ms\n",
                  n, t_validate, t_create, t_wait, t_cluster, t_configs, t_delete);
    bk->ops->destroy(bk);
    free(names);
    free(ptrs);
    free(nt);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_property),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_describe_cluster),
        cmocka_unit_test(test_create_validate_only),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_create_existing),
        cmocka_unit_test(test_create_partitions),
        cmocka_unit_test(test_alter_configs),
        cmocka_unit_test(test_wait_timeout),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_bench),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
