/* kadmin_rdkafka_internal.h — what the files of the librdkafka rc_kadmin
 * share; included only by src/kafka/kadmin_*.c.
 *
 * The implementation is split by concern:
 *   kadmin_rdkafka.c   the client (construction, ops table), error mapping,
 *                      connection probe;
 *   kadmin_pump.c      the request pump: chunks, requests in flight, events;
 *   kadmin_topic_ops.c create / partitions / alter / delete, with retries of
 *                      throttled topics;
 *   kadmin_describe.c  describe_cluster and describe_named;
 *   kadmin_configs.c   describe_configs;
 *   kadmin_wait.c      wait_topics;
 *   kadmin_acls.c      describe / create / delete ACL bindings;
 *   kadmin_groups.c    consumer groups and the topics they committed on;
 *   kadmin_lag.c       watermarks and the timestamps of given messages.
 * The design and the rules for messages and threading are at the top of
 * kadmin_rdkafka.c. */
#ifndef RC_KADMIN_RDKAFKA_INTERNAL_H
#define RC_KADMIN_RDKAFKA_INTERNAL_H

#include "kadmin.h"
#include "lag.h"
#include "rdkafka_conf.h"

#include <librdkafka/rdkafka.h>

#include <stdbool.h>
#include <stddef.h>

typedef struct rk_admin {
    rc_kadmin base; /* first: rc_kadmin * <-> rk_admin * */
    rd_kafka_t *rk;
    rd_kafka_conf_t *consumer_conf; /* the client's settings, for the consumer */
    char *cluster;                  /* for messages */
    char *bootstrap;                /* for messages (addresses are not secret) */
    int timeout_ms;
    int batch_size;
    /* Secrets masked in every message and log line, and what error_cb saw
     * since the last successful broker round trip; rk's opaque. */
    rc_rk_watch w;
    /* When a broker last answered rk_ensure_up's probe (0: never): a probe
     * within RK_PROBE_FRESH_MS of it is not sent again. */
    long long up_at_ms;
} rk_admin;

/* A batch of admin calls right after a broker answered needs no probe of
 * its own: on a large cluster each probe is a full Metadata request (50 ms
 * at 10,000 topics), paid by every batch of a plan or an apply. */
#define RK_PROBE_FRESH_MS 5000

static inline int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* ---- error mapping and connection probe (kadmin_rdkafka.c) -------------- */

/* Set the call's message ("cluster NAME: ...") and return code. */
__attribute__((format(printf, 5, 6))) int rk_fail(rk_admin *ka, char *errbuf, size_t errlen,
                                                  int code, const char *fmt, ...);
/* Serve error_cb (and anything else on the main queue). */
void rk_serve(rk_admin *ka);
void rk_clear_seen_errors(rk_admin *ka);
/* A failure error_cb reported that ends the call at once, or 0. */
int rk_seen_fatal(rk_admin *ka, char *errbuf, size_t errlen);
/* The deadline passed: say why, naming what error_cb saw. */
int rk_deadline_failure(rk_admin *ka, const char *what, int waited_ms, char *errbuf, size_t errlen);
/* Map a request-level error to an RC_KADMIN_E* code and message; elapsed_ms
 * is how long the request was out. */
int rk_request_failure(rk_admin *ka, rd_kafka_resp_err_t err, const char *errstr, const char *what,
                       int elapsed_ms, char *errbuf, size_t errlen);
/* Wait until a broker answers; on success *mdp (if not NULL) is its
 * metadata, which the caller destroys: every topic's when all_topics, else
 * at least the broker list. Without mdp, a broker that answered within
 * RK_PROBE_FRESH_MS counts as an answer now. */
int rk_ensure_up(rk_admin *ka, long long deadline, const rd_kafka_metadata_t **mdp, bool all_topics,
                 char *errbuf, size_t errlen);
/* Pause about ms milliseconds while serving callbacks. */
void rk_pause_serving(rk_admin *ka, int ms);
/* A consumer-type client on ka's settings (consumer_conf) plus the n
 * key/value settings, with its own watch w (rc_rk_watch_copy of ka->w, the
 * caller frees it after the client). It is given a group.id but never joins
 * its group: librdkafka 2.0.2 wants one even for assign, and only a client
 * with a group (rk_cgrp) survives a NOT_COORDINATOR answer to
 * ListConsumerGroupOffsets (on any other, librdkafka dereferences NULL:
 * confluentinc/librdkafka#5040). Destroy with
 * RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE. */
int rk_new_consumer(rk_admin *ka, rc_rk_watch *w, const char *const (*settings)[2], size_t n,
                    rd_kafka_t **out, char *errbuf, size_t errlen);

/* ---- the request pump (kadmin_pump.c) ----------------------------------- */

/* A chunk of input indices sent as one admin request. */
typedef struct rk_batch {
    size_t *idx;
    size_t n;
    long long sent_ms; /* when it was submitted: a failure says how long it took */
} rk_batch;

typedef struct rk_pump rk_pump;
struct rk_pump {
    rk_admin *ka;
    rd_kafka_queue_t *q;
    rd_kafka_AdminOptions_t *opts;
    const char *what; /* for messages: "CreateTopics" ... */
    char *errbuf;     /* the call's message buffer (its caller's) */
    size_t errlen;
    /* Build and send batch b on p->q with p->opts; return false when nothing
     * was sent (every topic of the batch failed locally). */
    bool (*submit)(rk_pump *p, rk_batch *b);
    /* Consume one result event of batch b; return 0 or a negative code. */
    int (*handle)(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev);
    void *ctx;
    /* 0: the client's batch size and RK_MAX_INFLIGHT. A call whose request
     * takes one input (ListConsumerGroupOffsets in librdkafka 2.0.2) sets
     * batch_size 1 and more requests in flight. */
    size_t batch_size;
    size_t max_inflight;
    /* true: a result event carrying a request-level error goes to handle too
     * (which decides whether the call fails), not straight to a failure */
    bool handle_errors;
};

/* Admin options with the client's timeouts; validate_only -1: not set. NULL
 * when librdkafka refuses one. */
rd_kafka_AdminOptions_t *rk_make_options(rk_admin *ka, rd_kafka_admin_op_t op, bool with_op_timeout,
                                         int validate_only);
/* Split idx[0..n) into batches of ka->batch_size and run them. Returns 0 or
 * the first negative code. */
int rk_pump_run(rk_pump *p, size_t *idx, size_t n);
/* A whole call over inputs 0..n-1: wait until a broker answers, make the
 * admin options for op (no operation timeout, no validate_only) into
 * p->opts, run the batches, destroy the options. p has everything else
 * set. Returns 0 or the first negative code. */
int rk_pump_call(rk_pump *p, rd_kafka_admin_op_t op, size_t n);

/* ---- the operations of the table (one file each concern) ---------------- */

int rk_op_describe_cluster(rc_kadmin *base, rc_cluster_obs *obs, char *errbuf, size_t errlen);
int rk_op_describe_named(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics, size_t n,
                         char *errbuf, size_t errlen);
int rk_op_describe_configs(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics,
                           size_t ntopics, char *errbuf, size_t errlen);
int rk_op_create_topics(rc_kadmin *base, const rc_new_topic *topics, size_t n, bool validate_only,
                        rc_topic_result **results, char *errbuf, size_t errlen);
int rk_op_create_partitions(rc_kadmin *base, const rc_new_partitions *parts, size_t n,
                            bool validate_only, rc_topic_result **results, char *errbuf,
                            size_t errlen);
int rk_op_alter_configs(rc_kadmin *base, const rc_topic_configs *cfgs, size_t n, bool validate_only,
                        rc_topic_result **results, char *errbuf, size_t errlen);
int rk_op_delete_topics(rc_kadmin *base, const char *const *topics, size_t n,
                        rc_topic_result **results, char *errbuf, size_t errlen);
int rk_op_describe_acls(rc_kadmin *base, rc_acl_set *out, char *errbuf, size_t errlen);
int rk_op_create_acls(rc_kadmin *base, const rc_acl_binding *const *bindings, size_t n,
                      rc_topic_result **results, char *errbuf, size_t errlen);
int rk_op_delete_acls(rc_kadmin *base, const rc_acl_binding *const *bindings, size_t n,
                      rc_topic_result **results, char *errbuf, size_t errlen);
int rk_op_wait_acls(rc_kadmin *base, const rc_acl_binding *const *present, size_t npresent,
                    const rc_acl_binding *const *absent, size_t nabsent, int timeout_ms,
                    char *errbuf, size_t errlen);
int rk_op_list_group_offsets(rc_kadmin *base, rc_group_offsets **out, size_t *nout, char *errbuf,
                             size_t errlen);
int rk_op_group_offsets(rc_kadmin *base, const char *const *groups, size_t n,
                        rc_group_offsets **out, char *errbuf, size_t errlen);
int rk_op_group_members(rc_kadmin *base, const char *const *groups, size_t n, int *members,
                        char *errbuf, size_t errlen);
int rk_op_watermarks(rc_kadmin *base, const char *const *topics, const int *partitions, size_t n,
                     int64_t *low, int64_t *high, char *errbuf, size_t errlen);
int rk_op_read_timestamps(rc_kadmin *base, rc_lag_fetch *fetches, size_t n, char *errbuf,
                          size_t errlen);
int rk_op_wait_topics(rc_kadmin *base, const rc_new_partitions *topics, size_t n, int timeout_ms,
                      char *errbuf, size_t errlen);

#endif
