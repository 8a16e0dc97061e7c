/* commit_offsets — make consumer groups with committed offsets, fast, for
 * the import benchmark (ci/bench.sh): Kafka's own ConsumerGroupCommand
 * costs a JVM start per group, which would make 2,000 groups take an hour.
 *
 *   commit_offsets BOOTSTRAP GROUP_PREFIX NGROUPS K [PARTITIONS [OFFSET]] < topics.txt
 *
 * Group i (GROUP_PREFIX-00000 ...) commits OFFSET (default 0) on partitions
 * 0..PARTITIONS-1 (default 1) of K of the topics read from stdin (one per
 * line): topics (i*K + j) mod ntopics.
 * Uses AlterConsumerGroupOffsets (one group per request in librdkafka
 * 2.0.2), 64 in flight. Exit 0 when every group's commit was accepted. */
#include <librdkafka/rdkafka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_FLIGHT 64

static void die(const char *what, const char *why)
{
    fprintf(stderr, "commit_offsets: %s: %s\n", what, why);
    exit(1);
}

static char **read_topics(size_t *n)
{
    char **v = NULL, *line = NULL;
    size_t cap = 0, len = 0;
    ssize_t got;
    *n = 0;
    while ((got = getline(&line, &len, stdin)) > 0) {
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

static long partitions = 1, commit_at = 0;

static void submit(rd_kafka_t *rk, rd_kafka_queue_t *q, const char *prefix, long i, long k,
                   char **topics, size_t ntopics)
{
    char group[256];
    snprintf(group, sizeof(group), "%s-%05ld", prefix, i);
    rd_kafka_topic_partition_list_t *parts =
        rd_kafka_topic_partition_list_new((int)(k * partitions));
    for (long j = 0; j < k; j++)
        for (long p = 0; p < partitions; p++)
            rd_kafka_topic_partition_list_add(parts, topics[(size_t)(i * k + j) % ntopics],
                                              (int32_t)p)
                ->offset = commit_at;
    rd_kafka_AlterConsumerGroupOffsets_t *req =
        rd_kafka_AlterConsumerGroupOffsets_new(group, parts);
    rd_kafka_AlterConsumerGroupOffsets(rk, &req, 1, NULL, q);
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    rd_kafka_topic_partition_list_destroy(parts);
}

/* The coordinator of a new group moves or loads a moment after
 * __consumer_offsets is created; librdkafka 2.0.2 hands those back. */
static bool retriable(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS;
}

/* 0 done, 1 to send again (*group: its number), -1 failed (printed). */
static int check(rd_kafka_event_t *ev, long *group)
{
    if (rd_kafka_event_error(ev)) {
        fprintf(stderr, "commit_offsets: %s\n", rd_kafka_event_error_string(ev));
        return -1;
    }
    const rd_kafka_AlterConsumerGroupOffsets_result_t *r =
        rd_kafka_event_AlterConsumerGroupOffsets_result(ev);
    size_t n = 0;
    const rd_kafka_group_result_t **gr = rd_kafka_AlterConsumerGroupOffsets_result_groups(r, &n);
    for (size_t g = 0; g < n; g++) {
        const char *name = rd_kafka_group_result_name(gr[g]);
        const char *dash = strrchr(name, '-');
        *group = dash ? strtol(dash + 1, NULL, 10) : 0;
        const rd_kafka_error_t *e = rd_kafka_group_result_error(gr[g]);
        if (e && retriable(rd_kafka_error_code(e)))
            return 1;
        if (e) {
            fprintf(stderr, "commit_offsets: %s: %s\n", name, rd_kafka_error_string(e));
            return -1;
        }
        const rd_kafka_topic_partition_list_t *p = rd_kafka_group_result_partitions(gr[g]);
        for (int i = 0; p && i < p->cnt; i++) {
            if (retriable(p->elems[i].err))
                return 1;
            if (p->elems[i].err) {
                fprintf(stderr, "commit_offsets: %s %s: %s\n", name, p->elems[i].topic,
                        rd_kafka_err2str(p->elems[i].err));
                return -1;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 7)
        die("usage",
            "commit_offsets BOOTSTRAP GROUP_PREFIX NGROUPS K [PARTITIONS [OFFSET]] < topics.txt");
    long ngroups = strtol(argv[3], NULL, 10), k = strtol(argv[4], NULL, 10);
    if (argc > 5)
        partitions = strtol(argv[5], NULL, 10);
    if (argc > 6)
        commit_at = strtol(argv[6], NULL, 10);
    size_t ntopics;
    char **topics = read_topics(&ntopics);
    if (ntopics == 0 || ngroups <= 0 || k <= 0)
        die("usage", "needs topics on stdin, NGROUPS > 0 and K > 0");
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof(err)))
        die("bootstrap.servers", err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!rk)
        die("client", err);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    long next = 0, inflight = 0, retries = 0;
    int failed = 0;
    while (next < ngroups || inflight > 0) {
        while (next < ngroups && inflight < IN_FLIGHT) {
            submit(rk, q, argv[2], next++, k, topics, ntopics);
            inflight++;
        }
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
        if (!ev)
            die("AlterConsumerGroupOffsets", "no answer in 30 s");
        long group = 0;
        int rc = check(ev, &group);
        rd_kafka_event_destroy(ev);
        if (rc == 1 && ++retries < 100 * ngroups) {
            submit(rk, q, argv[2], group, k, topics, ntopics); /* still in flight */
            continue;
        }
        failed |= rc != 0;
        inflight--;
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    for (size_t i = 0; i < ntopics; i++)
        free(topics[i]);
    free(topics);
    return failed;
}
