/* admin_floor — the least admin work a reconcile command's result needs on
 * the same broker, for ci/bench.sh's `reconcile / floor` ratios: only the
 * requests that cannot be avoided, each as one batch, nothing else (no
 * repository, no diff, no report).
 *
 *   admin_floor BOOTSTRAP plan                 < topics.txt
 *       Metadata of every topic, then DescribeConfigs of the listed topics
 *       (one request): what a plan must read.
 *   admin_floor BOOTSTRAP create PARTITIONS RF [KEY=VALUE...] < topics.txt
 *       CreateTopics of the listed topics with those configs (one request), then Metadata until
 *       every one has a leader on every partition: what apply waits for.
 *   admin_floor BOOTSTRAP alter KEY=VALUE...   < topics.txt
 *       (Incremental)AlterConfigs setting the keys on the listed topics.
 *   admin_floor BOOTSTRAP partitions COUNT     < topics.txt
 *       CreatePartitions to COUNT, then Metadata until every topic has them.
 *   admin_floor BOOTSTRAP delete               < topics.txt
 *       DeleteTopics (to reset the broker between runs; not a floor).
 *
 * With --read FILE before the mode, a write mode first reads what a plan of
 * the topics in FILE must (Metadata of every topic, DescribeConfigs of those
 * in FILE that exist): an apply's floor is that read plus its writes.
 *
 * ADMIN_FLOOR_DEBUG=protocol logs librdkafka's requests (as reconcile's
 * -v -X debug=protocol does), to see where the two differ.
 *
 * Topics are read one per line. Exit 0 when every topic's operation
 * succeeded, 1 with a message otherwise. The caller times the process, as it
 * times reconcile, so both pay the same start and connection. */
#include <librdkafka/rdkafka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIMEOUT_MS 120000
#define POLL_MS 50

static void die(const char *what, const char *why)
{
    fprintf(stderr, "admin_floor: %s: %s\n", what, why);
    exit(1);
}

static char **read_topics(FILE *in, size_t *n)
{
    char **v = NULL, *line = NULL;
    size_t cap = 0, len = 0;
    ssize_t got;
    *n = 0;
    while ((got = getline(&line, &len, in)) > 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (!got)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof(*v));
            if (!v)
                die("topics", "out of memory");
        }
        v[(*n)++] = strdup(line);
    }
    free(line);
    return v;
}

static rd_kafka_t *connect_to(const char *bootstrap)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof(err)) !=
        RD_KAFKA_CONF_OK)
        die("bootstrap.servers", err);
    /* ADMIN_FLOOR_DEBUG=protocol: librdkafka's request log, to compare with
     * reconcile's (-v -X debug=protocol) */
    const char *debug = getenv("ADMIN_FLOOR_DEBUG");
    if (debug && rd_kafka_conf_set(conf, "debug", debug, err, sizeof(err)) != RD_KAFKA_CONF_OK)
        die("ADMIN_FLOOR_DEBUG", err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!rk)
        die("client", err);
    return rk;
}

static rd_kafka_AdminOptions_t *options(rd_kafka_t *rk, rd_kafka_admin_op_t op)
{
    char err[256];
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, op);
    rd_kafka_AdminOptions_set_request_timeout(o, TIMEOUT_MS, err, sizeof(err));
    rd_kafka_AdminOptions_set_operation_timeout(o, TIMEOUT_MS, err, sizeof(err));
    return o;
}

/* The one result event of an admin call on q; dies on a request error. */
static rd_kafka_event_t *result(rd_kafka_queue_t *q, const char *what)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, TIMEOUT_MS + 5000);
    if (!ev)
        die(what, "no answer");
    if (rd_kafka_event_error(ev))
        die(what, rd_kafka_event_error_string(ev));
    return ev;
}

static int topic_errors(const rd_kafka_topic_result_t **rs, size_t n, const char *what)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        if (rd_kafka_topic_result_error(rs[i])) {
            if (bad++ < 5)
                fprintf(stderr, "admin_floor: %s %s: %s\n", what, rd_kafka_topic_result_name(rs[i]),
                        rd_kafka_topic_result_error_string(rs[i]));
        }
    return bad;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every listed topic (sorted) has at least want_partitions partitions, each
 * with a leader. */
static bool all_ready(rd_kafka_t *rk, char **topics, size_t n, int want_partitions)
{
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(rk, 1, NULL, &md, TIMEOUT_MS) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return false;
    size_t ready = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const struct rd_kafka_metadata_topic *t = &md->topics[i];
        const char *name = t->topic;
        if (!bsearch(&name, topics, n, sizeof(*topics), cmp_str) || t->err)
            continue;
        bool ok = t->partition_cnt >= want_partitions;
        for (int p = 0; ok && p < t->partition_cnt; p++)
            ok = t->partitions[p].leader >= 0 && !t->partitions[p].err;
        ready += ok;
    }
    rd_kafka_metadata_destroy(md);
    return ready == n;
}

static int wait_ready(rd_kafka_t *rk, char **topics, size_t n, int want_partitions)
{
    qsort(topics, n, sizeof(*topics), cmp_str);
    struct timespec pause = {0, POLL_MS * 1000000L};
    for (int waited = 0; waited < TIMEOUT_MS; waited += POLL_MS) {
        if (all_ready(rk, topics, n, want_partitions))
            return 0;
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "admin_floor: topics not ready after %d ms\n", TIMEOUT_MS);
    return 1;
}

/* What a plan reads: Metadata of every topic, DescribeConfigs of the listed
 * topics the metadata holds (a topic still to be created has none). */
static int do_plan(rd_kafka_t *rk, rd_kafka_queue_t *q, char **listed, size_t nlisted)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, TIMEOUT_MS);
    if (err)
        die("metadata", rd_kafka_err2str(err));
    char **sorted = malloc(nlisted * sizeof(*sorted));
    memcpy(sorted, listed, nlisted * sizeof(*sorted));
    qsort(sorted, nlisted, sizeof(*sorted), cmp_str);
    char **topics = malloc(nlisted * sizeof(*topics));
    size_t n = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const char *name = md->topics[i].topic;
        if (bsearch(&name, sorted, nlisted, sizeof(*sorted), cmp_str))
            topics[n++] = strdup(name);
    }
    rd_kafka_metadata_destroy(md);
    free(sorted);
    if (n == 0) {
        free(topics);
        return 0;
    }
    rd_kafka_ConfigResource_t **cr = calloc(n, sizeof(*cr));
    for (size_t i = 0; i < n; i++)
        cr[i] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topics[i]);
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_DescribeConfigs(rk, cr, n, o, q);
    rd_kafka_event_t *ev = result(q, "DescribeConfigs");
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &nres);
    int bad = nres == n ? 0 : 1;
    for (size_t i = 0; i < nres; i++)
        bad += rd_kafka_ConfigResource_error(rs[i]) != 0;
    rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ConfigResource_destroy_array(cr, n);
    free(cr);
    for (size_t i = 0; i < n; i++)
        free(topics[i]);
    free(topics);
    return bad ? 1 : 0;
}

/* KRaft refuses a request of more than 10,000 metadata records ("excessively
 * large batch"): a topic with two configs is four, so creates go in batches
 * of this many, all sent before the first answer is read. */
#define CREATE_BATCH 1000

static int do_create(rd_kafka_t *rk, rd_kafka_queue_t *q, char **topics, size_t n, int parts,
                     int rf, char **kv, int nkv)
{
    char err[256];
    rd_kafka_NewTopic_t **nt = calloc(n, sizeof(*nt));
    for (size_t i = 0; i < n; i++) {
        if (!(nt[i] = rd_kafka_NewTopic_new(topics[i], parts, rf, err, sizeof(err))))
            die(topics[i], err);
        for (int k = 0; k < nkv; k++) {
            char *eq = strchr(kv[k], '=');
            if (!eq)
                die(kv[k], "expected KEY=VALUE");
            *eq = '\0';
            if (rd_kafka_NewTopic_set_config(nt[i], kv[k], eq + 1))
                die(kv[k], "cannot set");
            *eq = '=';
        }
    }
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    size_t batches = 0;
    for (size_t at = 0; at < n; at += CREATE_BATCH, batches++)
        rd_kafka_CreateTopics(rk, nt + at, n - at < CREATE_BATCH ? n - at : CREATE_BATCH, o, q);
    int bad = 0;
    for (size_t b = 0; b < batches; b++) {
        rd_kafka_event_t *ev = result(q, "CreateTopics");
        size_t nres = 0;
        const rd_kafka_topic_result_t **rs =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &nres);
        bad += topic_errors(rs, nres, "create");
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewTopic_destroy_array(nt, n);
    free(nt);
    return bad ? 1 : wait_ready(rk, topics, n, parts);
}

/* IncrementalAlterConfigs came in librdkafka 2.2; before it, AlterConfigs
 * replaces a topic's dynamic configs, so the key is sent as the whole set
 * (the topics this tool creates have no other override), as reconcile does. */
#if RD_KAFKA_VERSION >= 0x020200ff
#define ALTER_OP RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS
#define ALTER_CALL rd_kafka_IncrementalAlterConfigs
#define ALTER_RESULT(ev, n)                                                                        \
    rd_kafka_IncrementalAlterConfigs_result_resources(                                             \
        rd_kafka_event_IncrementalAlterConfigs_result(ev), n)
#else
#define ALTER_OP RD_KAFKA_ADMIN_OP_ALTERCONFIGS
#define ALTER_CALL rd_kafka_AlterConfigs
#define ALTER_RESULT(ev, n)                                                                        \
    rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), n)
#endif

static void set_key(rd_kafka_ConfigResource_t *cr, const char *key, const char *value)
{
#if RD_KAFKA_VERSION >= 0x020200ff
    rd_kafka_error_t *e = rd_kafka_ConfigResource_add_incremental_config(
        cr, key, RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, value);
    if (e)
        die(key, rd_kafka_error_string(e));
#else
    if (rd_kafka_ConfigResource_set_config(cr, key, value))
        die(key, "cannot set");
#endif
}

static int do_alter(rd_kafka_t *rk, rd_kafka_queue_t *q, char **topics, size_t n, char **kv,
                    int nkv)
{
    rd_kafka_ConfigResource_t **cr = calloc(n, sizeof(*cr));
    for (size_t i = 0; i < n; i++) {
        cr[i] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topics[i]);
        for (int k = 0; k < nkv; k++) {
            char *eq = strchr(kv[k], '=');
            if (!eq)
                die(kv[k], "expected KEY=VALUE");
            *eq = '\0';
            set_key(cr[i], kv[k], eq + 1);
            *eq = '=';
        }
    }
    rd_kafka_AdminOptions_t *o = options(rk, ALTER_OP);
    ALTER_CALL(rk, cr, n, o, q);
    rd_kafka_event_t *ev = result(q, "AlterConfigs");
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs = ALTER_RESULT(ev, &nres);
    int bad = nres == n ? 0 : 1;
    for (size_t i = 0; i < nres; i++)
        bad += rd_kafka_ConfigResource_error(rs[i]) != 0;
    rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ConfigResource_destroy_array(cr, n);
    free(cr);
    return bad ? 1 : 0;
}

static int do_partitions(rd_kafka_t *rk, rd_kafka_queue_t *q, char **topics, size_t n, int count)
{
    char err[256];
    rd_kafka_NewPartitions_t **np = calloc(n, sizeof(*np));
    for (size_t i = 0; i < n; i++)
        if (!(np[i] = rd_kafka_NewPartitions_new(topics[i], (size_t)count, err, sizeof(err))))
            die(topics[i], err);
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
    rd_kafka_CreatePartitions(rk, np, n, o, q);
    rd_kafka_event_t *ev = result(q, "CreatePartitions");
    size_t nres = 0;
    const rd_kafka_topic_result_t **rs =
        rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), &nres);
    int bad = topic_errors(rs, nres, "partitions");
    rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewPartitions_destroy_array(np, n);
    free(np);
    return bad ? 1 : wait_ready(rk, topics, n, count);
}

static int do_delete(rd_kafka_t *rk, rd_kafka_queue_t *q, char **topics, size_t n)
{
    rd_kafka_DeleteTopic_t **dt = calloc(n, sizeof(*dt));
    for (size_t i = 0; i < n; i++)
        dt[i] = rd_kafka_DeleteTopic_new(topics[i]);
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_DeleteTopics(rk, dt, n, o, q);
    rd_kafka_event_t *ev = result(q, "DeleteTopics");
    size_t nres = 0;
    const rd_kafka_topic_result_t **rs =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &nres);
    int bad = topic_errors(rs, nres, "delete");
    rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_DeleteTopic_destroy_array(dt, n);
    free(dt);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr,
                "usage: admin_floor BOOTSTRAP [--read FILE] plan|create P RF [K=V...]|alter K=V...|"
                "partitions N|"
                "delete < topics.txt\n");
        return 2;
    }
    const char *bootstrap = argv[1], *read_file = NULL;
    if (argc >= 5 && !strcmp(argv[2], "--read")) {
        read_file = argv[3];
        argv += 2; /* argv[2] is the mode again; argv[1] is not used below */
        argc -= 2;
    }
    const char *mode = argv[2];
    size_t n = 0;
    char **topics = read_topics(stdin, &n);
    if (!n)
        die("topics", "none on stdin");
    rd_kafka_t *rk = connect_to(bootstrap);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    int rc = 0;
    if (read_file) {
        FILE *f = fopen(read_file, "r");
        if (!f)
            die(read_file, "cannot open");
        size_t nr = 0;
        char **declared = read_topics(f, &nr);
        fclose(f);
        rc = do_plan(rk, q, declared, nr);
        for (size_t i = 0; i < nr; i++)
            free(declared[i]);
        free(declared);
        if (rc)
            die(read_file, "the read failed");
    }
    if (!strcmp(mode, "plan"))
        rc = do_plan(rk, q, topics, n);
    else if (!strcmp(mode, "create") && argc >= 5)
        rc = do_create(rk, q, topics, n, atoi(argv[3]), atoi(argv[4]), argv + 5, argc - 5);
    else if (!strcmp(mode, "alter") && argc >= 4)
        rc = do_alter(rk, q, topics, n, argv + 3, argc - 3);
    else if (!strcmp(mode, "partitions") && argc == 4)
        rc = do_partitions(rk, q, topics, n, atoi(argv[3]));
    else if (!strcmp(mode, "delete"))
        rc = do_delete(rk, q, topics, n);
    else
        die(mode, "unknown mode or wrong arguments");
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    for (size_t i = 0; i < n; i++)
        free(topics[i]);
    free(topics);
    return rc;
}
