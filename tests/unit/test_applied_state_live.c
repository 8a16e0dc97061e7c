/* test_applied_state_live.c — the record of the last applied commit, against
 * a real broker.
 *
 * The broker tests SKIP unless RECONCILE_BOOTSTRAP is set, e.g.
 *   RECONCILE_BOOTSTRAP=$(ci/local-kafka.sh bootstrap) ./test_applied_state_live
 * The value-format, environment, client-property and unreachable-cluster
 * tests need no broker and always run. The SASL test also needs
 * RECONCILE_SASL_BOOTSTRAP=$(ci/local-kafka.sh sasl-bootstrap) (the password
 * is RECONCILE_KAFKA_SASL_PASSWORD, default reconcile-secret).
 *
 * The broker is shared: the tests never touch the default topic
 * (_reconcile.applied); they use uniquely named state topics and cluster
 * keys, and delete their topics at the end. Checks of what the cluster holds
 * use librdkafka directly (DescribeConfigs, a raw producer) and kcat when it
 * is installed, not the module under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "applied_state.h"
#include "kadmin.h"

#include <librdkafka/rdkafka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define C1 "1111111111111111111111111111111111111111"
#define C2 "2222222222222222222222222222222222222222"
#define C3 "3333333333333333333333333333333333333333"
#define C4_MIXED "AbCdEf0123456789abcdef0123456789ABCDEF01"
#define C4_LOWER "abcdef0123456789abcdef0123456789abcdef01"

static struct {
    const char *bootstrap;  /* NULL: broker tests skip */
    char topic[128];        /* the state topic under test (compacted, created by the module) */
    char race_topic[128];   /* created by two concurrent first writes */
    char delete_topic[128]; /* pre-created with cleanup.policy=delete */
    char prod[96], staging[96], nobody[96], broken[96];
} live;

/* ---- helpers ------------------------------------------------------------- */

static const char *need_broker(void)
{
    if (!live.bootstrap)
        skip();
    return live.bootstrap;
}

static rc_applied_state_config config_for(const char *cluster)
{
    rc_applied_state_config cfg = {.cluster_name = cluster,
                                   .bootstrap = live.bootstrap,
                                   .timeout_ms = 30000,
                                   .topic = live.topic,
                                   .by = "test-runner",
                                   .verbose = getenv("RECONCILE_KADMIN_VERBOSE") != NULL};
    return cfg;
}

static char *read_commit(const char *cluster)
{
    rc_applied_state_config cfg = config_for(cluster);
    char err[512] = "";
    char *commit = (char *)"sentinel";
    int rc = rc_applied_state_read(&commit, &cfg, err, sizeof(err));
    if (rc != 0)
        fail_msg("read %s: %d %s", cluster, rc, err);
    return commit;
}

static void write_commit(const char *cluster, const char *commit)
{
    rc_applied_state_config cfg = config_for(cluster);
    char err[512] = "";
    int rc = rc_applied_state_write(&cfg, commit, err, sizeof(err));
    if (rc != 0)
        fail_msg("write %s %s: %d %s", cluster, commit, rc, err);
}

static void expect_commit(const char *cluster, const char *want)
{
    char *got = read_commit(cluster);
    if (want == NULL) {
        if (got)
            fail_msg("cluster %s: expected nothing recorded, got %s", cluster, got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    free(got);
}

/* A raw librdkafka producer (admin calls too), independent of the module. */
static rd_kafka_t *raw_client(void)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", live.bootstrap, errstr, sizeof(errstr)) ||
        rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", errstr, sizeof(errstr)) ||
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)))
        fail_msg("conf: %s", errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk)
        fail_msg("rd_kafka_new: %s", errstr);
    return rk;
}

static rd_kafka_event_t *wait_event(rd_kafka_queue_t *q)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    if (!ev)
        fail_msg("admin request timed out");
    if (rd_kafka_event_error(ev))
        fail_msg("admin request failed: %s", rd_kafka_event_error_string(ev));
    return ev;
}

/* The topic's value for config key (heap) or NULL. */
static char *describe_config(const char *topic, const char *key)
{
    rd_kafka_t *rk = raw_client();
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    rd_kafka_DescribeConfigs(rk, &cr, 1, NULL, q);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_event_t *ev = wait_event(q);
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    size_t nres = 0, nent = 0;
    const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(r, &nres);
    assert_int_equal(nres, 1);
    assert_int_equal(rd_kafka_ConfigResource_error(rs[0]), 0);
    const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[0], &nent);
    char *value = NULL;
    for (size_t i = 0; i < nent; i++)
        if (strcmp(rd_kafka_ConfigEntry_name(es[i]), key) == 0 && rd_kafka_ConfigEntry_value(es[i]))
            value = strdup(rd_kafka_ConfigEntry_value(es[i]));
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return value;
}

/* Partition count, replication factor of partition 0 and broker count;
 * partitions = 0 when the topic does not exist. */
static void topic_shape(const char *topic, int *partitions, int *rf, int *brokers)
{
    rd_kafka_t *rk = raw_client();
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const rd_kafka_metadata_t *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (err)
        fail_msg("metadata: %s", rd_kafka_err2str(err));
    *partitions = 0;
    *rf = 0;
    *brokers = md->broker_cnt;
    if (md->topic_cnt == 1 && md->topics[0].err == 0) {
        *partitions = md->topics[0].partition_cnt;
        *rf = md->topics[0].partition_cnt > 0 ? md->topics[0].partitions[0].replica_cnt : 0;
    }
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
}

/* Produce key=value (value NULL: tombstone) to partition 0, acks=all. */
static void produce_raw(const char *topic, const char *key, const char *value)
{
    rd_kafka_t *rk = raw_client();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_KEY(key, strlen(key)),
        RD_KAFKA_V_VALUE((void *)value, value ? strlen(value) : 0),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err)
        fail_msg("produce: %s", rd_kafka_err2str(err));
    assert_int_equal(rd_kafka_flush(rk, 30000), 0);
    rd_kafka_destroy(rk);
}

static void create_delete_policy_topic(const char *topic)
{
    rd_kafka_t *rk = raw_client();
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    char errstr[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 1, 1, errstr, sizeof(errstr));
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "delete");
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_event_t *ev = wait_event(q);
    size_t n = 0;
    const rd_kafka_topic_result_t **ts =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    assert_int_equal(n, 1);
    if (rd_kafka_topic_result_error(ts[0]) &&
        rd_kafka_topic_result_error(ts[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        fail_msg("create %s: %s", topic, rd_kafka_topic_result_error_string(ts[0]));
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void delete_topics(void)
{
    rd_kafka_t *rk = raw_client();
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_DeleteTopic_t *dt[3] = {rd_kafka_DeleteTopic_new(live.topic),
                                     rd_kafka_DeleteTopic_new(live.race_topic),
                                     rd_kafka_DeleteTopic_new(live.delete_topic)};
    rd_kafka_DeleteTopics(rk, dt, 3, NULL, q);
    rd_kafka_DeleteTopic_destroy_array(dt, 3);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static int group_setup(void **state)
{
    (void)state;
    const char *b = getenv("RECONCILE_BOOTSTRAP");
    live.bootstrap = b && *b ? b : NULL;
    char suffix[64];
    snprintf(suffix, sizeof(suffix), "%ld-%lld", (long)getpid(), (long long)time(NULL));
    snprintf(live.topic, sizeof(live.topic), "_reconcile.applied.test-%s", suffix);
    snprintf(live.race_topic, sizeof(live.race_topic), "_reconcile.applied.race-%s", suffix);
    snprintf(live.delete_topic, sizeof(live.delete_topic), "rc-applied-delete-test-%s", suffix);
    snprintf(live.prod, sizeof(live.prod), "prod-%s", suffix);
    snprintf(live.staging, sizeof(live.staging), "staging-%s", suffix);
    snprintf(live.nobody, sizeof(live.nobody), "nobody-%s", suffix);
    snprintf(live.broken, sizeof(live.broken), "broken-%s", suffix);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (live.bootstrap)
        delete_topics();
    rd_kafka_wait_destroyed(10000);
    return 0;
}

/* ---- no broker needed ---------------------------------------------------- */

static void test_value_format(void **state)
{
    (void)state;
    char *v = rc_applied_state_value(C1, "ci-job:42", 1700000000LL);
    assert_string_equal(v, "{\"commit\":\"" C1 "\",\"applied_at\":\"2023-11-14T22:13:20Z\","
                           "\"by\":\"ci-job:42\"}");
    free(v);
    /* "by" is escaped, not pasted */
    v = rc_applied_state_value(C1, "a\"b", 0);
    assert_non_null(strstr(v, "\"by\":\"a\\\"b\""));
    assert_non_null(strstr(v, "\"applied_at\":\"1970-01-01T00:00:00Z\""));
    free(v);
}

static void test_default_by(void **state)
{
    (void)state;
    char *saved_gh = getenv("GITHUB_RUN_ID") ? strdup(getenv("GITHUB_RUN_ID")) : NULL;
    char *saved_ci = getenv("CI_JOB_ID") ? strdup(getenv("CI_JOB_ID")) : NULL;
    char *saved_user = getenv("USER") ? strdup(getenv("USER")) : NULL;

    setenv("GITHUB_RUN_ID", "123456", 1);
    setenv("CI_JOB_ID", "99", 1);
    char *by = rc_applied_state_default_by();
    assert_string_equal(by, "github-run:123456");
    free(by);
    unsetenv("GITHUB_RUN_ID");
    by = rc_applied_state_default_by();
    assert_string_equal(by, "ci-job:99");
    free(by);
    unsetenv("CI_JOB_ID");
    setenv("USER", "alice", 1);
    by = rc_applied_state_default_by();
    assert_true(strncmp(by, "alice@", 6) == 0);
    assert_true(strlen(by) > 6);
    free(by);

    if (saved_gh)
        setenv("GITHUB_RUN_ID", saved_gh, 1);
    if (saved_ci)
        setenv("CI_JOB_ID", saved_ci, 1);
    if (saved_user)
        setenv("USER", saved_user, 1);
    else
        unsetenv("USER");
    free(saved_gh);
    free(saved_ci);
    free(saved_user);
}

static void test_write_rejects_malformed_commit(void **state)
{
    (void)state;
    rc_applied_state_config cfg = {
        .cluster_name = "x", .bootstrap = "127.0.0.1:1", .timeout_ms = 1000};
    char err[512] = "";
    const char *bad[] = {"abc", "HEAD", C1 "0", "g111111111111111111111111111111111111111", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(rc_applied_state_write(&cfg, bad[i], err, sizeof(err)), RC_KADMIN_EOTHER);
        assert_non_null(strstr(err, "not a full commit sha"));
    }
    assert_int_equal(rc_applied_state_write(&cfg, NULL, err, sizeof(err)), RC_KADMIN_EOTHER);
}

static void test_missing_cluster_name_or_bootstrap(void **state)
{
    (void)state;
    char err[512] = "";
    char *commit = NULL;
    rc_applied_state_config cfg = {.bootstrap = "127.0.0.1:1", .timeout_ms = 1000};
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_non_null(strstr(err, "cluster name"));
    cfg.cluster_name = "x";
    cfg.bootstrap = NULL;
    assert_int_equal(rc_applied_state_write(&cfg, C1, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_non_null(strstr(err, "no bootstrap"));
    assert_null(commit);
}

static void test_secret_values_never_printed(void **state)
{
    (void)state;
    const char *secret = "hunter2-very-secret";
    char err[512] = "";
    char *commit = NULL;
    rc_kvlist props = {0};
    /* an invalid value for an enum property: librdkafka quotes it */
    rc_kvlist_set(&props, "sasl.password", secret);
    rc_kvlist_set(&props, "security.protocol", secret);
    rc_applied_state_config cfg = {
        .cluster_name = "x", .bootstrap = "127.0.0.1:1", .props = &props, .timeout_ms = 1000};
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_non_null(strstr(err, "security.protocol"));
    assert_null(strstr(err, "hunter2"));
    assert_int_equal(rc_applied_state_write(&cfg, C1, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_null(strstr(err, "hunter2"));
    rc_kvlist_free(&props);
    /* an unknown property */
    rc_kvlist_set(&props, "no.such.property", secret);
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_non_null(strstr(err, "no.such.property"));
    assert_null(strstr(err, "hunter2"));
    rc_kvlist_free(&props);
    assert_null(commit);
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_unreachable_cluster_fails_within_deadline(void **state)
{
    (void)state;
    rc_applied_state_config cfg = {
        .cluster_name = "x", .bootstrap = "127.0.0.1:1", .timeout_ms = 1500};
    char err[512] = "";
    char *commit = NULL;
    long long t0 = mono_ms();
    int rc = rc_applied_state_read(&commit, &cfg, err, sizeof(err));
    assert_true(rc == RC_KADMIN_ECONNECT || rc == RC_KADMIN_ETIMEOUT);
    assert_non_null(strstr(err, "127.0.0.1:1"));
    assert_null(commit);
    t0 = mono_ms() - t0;
    rc = rc_applied_state_write(&cfg, C1, err, sizeof(err));
    assert_true(rc == RC_KADMIN_ECONNECT || rc == RC_KADMIN_ETIMEOUT);
    assert_non_null(strstr(err, "cluster x:"));
    if (t0 > 6000)
        fail_msg("read took %lld ms with a 1500 ms deadline", t0);
}

/* ---- against the broker -------------------------------------------------- */

static void test_read_when_nothing_recorded(void **state)
{
    (void)state;
    need_broker();
    expect_commit(live.prod, NULL); /* the topic does not exist yet */
    int parts = -1, rf = -1, brokers = 0;
    topic_shape(live.topic, &parts, &rf, &brokers);
    assert_int_equal(parts, 0); /* reading never creates the topic */
    bool found = true;
    rc_applied_record rec;
    rc_applied_state_config cfg = config_for(live.prod);
    char err[512] = "";
    assert_int_equal(rc_applied_state_read_record(&found, &rec, &cfg, err, sizeof(err)), 0);
    assert_false(found);
    assert_null(rec.commit);
}

static void test_write_then_read_back(void **state)
{
    (void)state;
    need_broker();
    write_commit(live.prod, C1);
    expect_commit(live.prod, C1);
    /* the full record */
    bool found = false;
    rc_applied_record rec;
    rc_applied_state_config cfg = config_for(live.prod);
    char err[512] = "";
    assert_int_equal(rc_applied_state_read_record(&found, &rec, &cfg, err, sizeof(err)), 0);
    assert_true(found);
    assert_string_equal(rec.commit, C1);
    assert_string_equal(rec.by, "test-runner");
    assert_non_null(rec.applied_at);
    assert_int_equal(strlen(rec.applied_at), 20); /* 2024-01-02T03:04:05Z */
    assert_int_equal(rec.applied_at[19], 'Z');
    assert_true(rec.offset >= 0);
    rc_applied_record_free(&rec);
    /* a newer commit replaces it; upper-case input is stored lower-case */
    write_commit(live.prod, C4_MIXED);
    expect_commit(live.prod, C4_LOWER);
}

static void test_topic_is_created_compacted(void **state)
{
    (void)state;
    need_broker();
    write_commit(live.prod, C2); /* creates the topic if an earlier test did not */
    char *policy = describe_config(live.topic, "cleanup.policy");
    assert_non_null(policy);
    assert_string_equal(policy, "compact");
    free(policy);
    int parts = 0, rf = 0, brokers = 0;
    topic_shape(live.topic, &parts, &rf, &brokers);
    assert_int_equal(parts, 1);
    assert_int_equal(rf, brokers >= 3 ? 3 : brokers);
    if (rf >= 3) {
        char *misr = describe_config(live.topic, "min.insync.replicas");
        assert_string_equal(misr, "2");
        free(misr);
    }
}

static void test_two_clusters_are_independent(void **state)
{
    (void)state;
    need_broker();
    write_commit(live.prod, C1);
    write_commit(live.staging, C2);
    expect_commit(live.prod, C1);
    expect_commit(live.staging, C2);
    write_commit(live.prod, C3);
    expect_commit(live.prod, C3);
    expect_commit(live.staging, C2);
    expect_commit(live.nobody, NULL); /* topic exists, no record for the key */
}

static void test_same_commit_twice_converges(void **state)
{
    (void)state;
    need_broker();
    write_commit(live.prod, C3);
    write_commit(live.prod, C3);
    expect_commit(live.prod, C3);
    char *a = read_commit(live.prod);
    char *b = read_commit(live.prod);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_tombstone_resets_one_cluster(void **state)
{
    (void)state;
    need_broker();
    write_commit(live.staging, C2);
    write_commit(live.prod, C3);
    produce_raw(live.topic, live.staging, NULL);
    expect_commit(live.staging, NULL);
    expect_commit(live.prod, C3);
    write_commit(live.staging, C1);
    expect_commit(live.staging, C1);
}

static void test_unreadable_record_fails_closed(void **state)
{
    (void)state;
    need_broker();
    write_commit(live.broken, C1);
    produce_raw(live.topic, live.broken, "not json");
    rc_applied_state_config cfg = config_for(live.broken);
    char err[512] = "";
    char *commit = NULL;
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_null(commit);
    assert_non_null(strstr(err, "unreadable"));
    assert_non_null(strstr(err, "tombstone"));
    produce_raw(live.topic, live.broken, "{\"commit\":\"HEAD~1\"}");
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_non_null(strstr(err, "40-hex"));
    /* a valid record after it wins; other keys were never affected */
    write_commit(live.broken, C2);
    expect_commit(live.broken, C2);
    expect_commit(live.prod, C3);
}

static void test_refuses_topic_that_is_not_compacted(void **state)
{
    (void)state;
    need_broker();
    create_delete_policy_topic(live.delete_topic);
    rc_applied_state_config cfg = config_for(live.prod);
    cfg.topic = live.delete_topic;
    char err[512] = "";
    assert_int_equal(rc_applied_state_write(&cfg, C1, err, sizeof(err)), RC_KADMIN_EOTHER);
    assert_non_null(strstr(err, "cleanup.policy=delete"));
    assert_non_null(strstr(err, "cleanup.policy=compact"));
    /* nothing was written */
    char *commit = NULL;
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), 0);
    assert_null(commit);
}

static void test_kcat_reads_the_record(void **state)
{
    (void)state;
    need_broker();
    if (system("kcat -V >/dev/null 2>&1") != 0)
        skip();
    write_commit(live.prod, C3);
    char *cmd = rc_xasprintf("kcat -C -b '%s' -t '%s' -p 0 -o beginning -e -q -f '%%k %%s\\n'",
                             live.bootstrap, live.topic);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    char line[1024];
    char last[1024] = "";
    size_t plen = strlen(live.prod);
    while (fgets(line, sizeof(line), p))
        if (strncmp(line, live.prod, plen) == 0 && line[plen] == ' ')
            snprintf(last, sizeof(last), "%s", line + plen + 1);
    assert_int_equal(pclose(p), 0);
    const char *want = "{\"commit\":\"" C3 "\",\"applied_at\":\"";
    if (strncmp(last, want, strlen(want)) != 0)
        fail_msg("kcat read: %s", last);
    assert_non_null(strstr(last, "\"by\":\"test-runner\"}"));
}

typedef struct race_arg {
    const char *cluster;
    const char *commit;
    int rc;
    char err[512];
} race_arg;

static void *race_write(void *p)
{
    race_arg *a = p;
    rc_applied_state_config cfg = config_for(a->cluster);
    cfg.topic = live.race_topic;
    a->rc = rc_applied_state_write(&cfg, a->commit, a->err, sizeof(a->err));
    return NULL;
}

static void test_concurrent_first_writes(void **state)
{
    (void)state;
    need_broker();
    /* Both find the topic missing and create it: one CreateTopics wins, the
     * other's TOPIC_ALREADY_EXISTS is not an error; both records land. */
    race_arg a = {.cluster = live.prod, .commit = C1};
    race_arg b = {.cluster = live.staging, .commit = C2};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, race_write, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race_write, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    if (a.rc != 0 || b.rc != 0)
        fail_msg("concurrent writes: %d %s / %d %s", a.rc, a.err, b.rc, b.err);
    char *policy = describe_config(live.race_topic, "cleanup.policy");
    assert_string_equal(policy, "compact");
    free(policy);
    rc_applied_state_config cfg = config_for(live.prod);
    cfg.topic = live.race_topic;
    char err[512] = "";
    char *commit = NULL;
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), 0);
    assert_string_equal(commit, C1);
    free(commit);
    cfg.cluster_name = live.staging;
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), 0);
    assert_string_equal(commit, C2);
    free(commit);
}

static void test_sasl_authentication(void **state)
{
    (void)state;
    need_broker();
    const char *sasl = getenv("RECONCILE_SASL_BOOTSTRAP");
    if (!sasl || !*sasl)
        skip();
    const char *good = getenv("RECONCILE_KAFKA_SASL_PASSWORD");
    if (!good || !*good)
        good = "reconcile-secret";
    rc_kvlist props = {0};
    rc_kvlist_set(&props, "security.protocol", "SASL_PLAINTEXT");
    rc_kvlist_set(&props, "sasl.mechanisms", "PLAIN");
    rc_kvlist_set(&props, "sasl.username", "reconcile");
    rc_kvlist_set(&props, "sasl.password", "wrong-hunter2-password");
    rc_applied_state_config cfg = config_for(live.prod);
    cfg.bootstrap = sasl;
    cfg.props = &props;
    cfg.timeout_ms = 10000;
    char err[512] = "";
    char *commit = NULL;
    assert_int_equal(rc_applied_state_read(&commit, &cfg, err, sizeof(err)), RC_KADMIN_EAUTH);
    assert_null(strstr(err, "hunter2"));
    assert_int_equal(rc_applied_state_write(&cfg, C1, err, sizeof(err)), RC_KADMIN_EAUTH);
    assert_null(strstr(err, "hunter2"));
    /* the right password: the properties reach the client */
    rc_kvlist_set(&props, "sasl.password", good);
    write_commit(live.prod, C2); /* over PLAINTEXT */
    int rc = rc_applied_state_read(&commit, &cfg, err, sizeof(err));
    if (rc != 0)
        fail_msg("read over SASL: %d %s", rc, err);
    assert_string_equal(commit, C2);
    free(commit);
    rc_kvlist_free(&props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_format),
        cmocka_unit_test(test_default_by),
        cmocka_unit_test(test_write_rejects_malformed_commit),
        cmocka_unit_test(test_missing_cluster_name_or_bootstrap),
        cmocka_unit_test(test_secret_values_never_printed),
        cmocka_unit_test(test_unreachable_cluster_fails_within_deadline),
        cmocka_unit_test(test_read_when_nothing_recorded),
        cmocka_unit_test(test_write_then_read_back),
        cmocka_unit_test(test_topic_is_created_compacted),
        cmocka_unit_test(test_two_clusters_are_independent),
        cmocka_unit_test(test_same_commit_twice_converges),
        cmocka_unit_test(test_tombstone_resets_one_cluster),
        cmocka_unit_test(test_unreadable_record_fails_closed),
        cmocka_unit_test(test_refuses_topic_that_is_not_compacted),
        cmocka_unit_test(test_kcat_reads_the_record),
        cmocka_unit_test(test_concurrent_first_writes),
        cmocka_unit_test(test_sasl_authentication),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
