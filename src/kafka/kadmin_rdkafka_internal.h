/* kadmin_rdkafka_internal.h — what the files of the librdkafka admin client
 * share: the client, the request pump and the call-failure helpers
 * (kadmin_rdkafka.c), used by the topic operations (kadmin_topic_ops.c), the
 * describe calls (kadmin_describe.c) and wait_topics (kadmin_wait.c).
 * Private to src/kafka; the contract is kadmin.h. */
#ifndef RC_KADMIN_RDKAFKA_INTERNAL_H
#define RC_KADMIN_RDKAFKA_INTERNAL_H

#include "kadmin.h"
#include "rdkafka_conf.h"

#include <librdkafka/rdkafka.h>

#include <stdbool.h>
#include <stddef.h>

#define RK_DEFAULT_TIMEOUT_MS 30000
#define RK_DEFAULT_BATCH 500
#define RK_MAX_INFLIGHT 4          /* requests in flight per call */
#define RK_EVENT_GRACE_MS 10000    /* backstop beyond librdkafka's own timeouts */
#define RK_THROTTLE_RETRIES 8      /* resends of throttled topics */
#define RK_THROTTLE_BACKOFF_MS 200 /* first backoff, doubled each time */
#define RK_THROTTLE_BACKOFF_MAX 5000
#define RK_WAIT_POLL_MIN_MS 50  /* pause between metadata polls in wait_topics, */
#define RK_WAIT_POLL_MAX_MS 200 /* doubled from min to max */
#define RK_MISSING_NAMED 5      /* topics named in a wait_topics timeout */

typedef struct rk_admin {
    rc_kadmin base; /* first: rc_kadmin * <-> rk_admin * */
    rd_kafka_t *rk;
    char *cluster;   /* for messages */
    char *bootstrap; /* for messages (addresses are not secret) */
    int timeout_ms;
    int batch_size;
    /* Secrets masked in every message and log line, and what error_cb saw
     * since the last successful broker round trip; rk's opaque. */
    rc_rk_watch w;
} rk_admin;

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
    /* Build and send batch b on p->q with p->opts; return false when nothing
     * was sent (every topic of the batch failed locally). */
    bool (*submit)(rk_pump *p, rk_batch *b);
    /* Consume one result event of batch b; return 0 or a negative code. */
    int (*handle)(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev);
    void *ctx;
};

int rk_min_int(int a, int b);
__attribute__((format(printf, 3, 4))) int rk_fail(rk_admin *ka, int code, const char *fmt, ...);
void rk_serve(rk_admin *ka);
void rk_clear_seen_errors(rk_admin *ka);
int rk_seen_fatal(rk_admin *ka);
int rk_deadline_failure(rk_admin *ka, const char *what, int waited_ms);
int rk_request_failure(rk_admin *ka, rd_kafka_resp_err_t err, const char *errstr, const char *what,
                       int elapsed_ms);
int rk_ensure_up(rk_admin *ka, long long deadline, const rd_kafka_metadata_t **mdp);
void rk_pause_serving(rk_admin *ka, int ms);
rd_kafka_AdminOptions_t *rk_make_options(rk_admin *ka, rd_kafka_admin_op_t op, bool with_op_timeout,
                                         int validate_only);
int rk_pump_run(rk_pump *p, size_t *idx, size_t n);
int rk_op_create_topics(rc_kadmin *base, const rc_new_topic *topics, size_t n, bool validate_only,
                        rc_topic_result **results);
int rk_op_create_partitions(rc_kadmin *base, const rc_new_partitions *parts, size_t n,
                            bool validate_only, rc_topic_result **results);
int rk_op_alter_configs(rc_kadmin *base, const rc_topic_configs *cfgs, size_t n, bool validate_only,
                        rc_topic_result **results);
int rk_op_delete_topics(rc_kadmin *base, const char *const *topics, size_t n,
                        rc_topic_result **results);
int rk_op_describe_cluster(rc_kadmin *base, rc_cluster_obs *obs);
int rk_op_describe_named(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics, size_t n);
int rk_op_describe_configs(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics,
                           size_t ntopics);
int rk_op_wait_topics(rc_kadmin *base, const rc_new_partitions *topics, size_t n, int timeout_ms);

#endif
