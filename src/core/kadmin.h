/* kadmin.h — the Kafka admin operations reconcile needs, behind a function table.
 *
 * The plan and apply logic only talk to an rc_kadmin, so they can be unit-tested
 * with a fake table; src/kafka/kadmin_rdkafka.c (and the files its private
 * header lists) is the real implementation on librdkafka.
 *
 * Conventions (error.h): every operation returns 0 on success or a negative
 * RC_KADMIN_E* code for a failure of the whole call (connection,
 * authentication, authorisation, timeout) and writes a one-line message to
 * its trailing errbuf/errlen (the caller's buffer, RC_ERRBUF_LEN bytes; the
 * real client's messages start "cluster NAME: "); on success errbuf is not
 * touched. The rc_kadmin holds no message.
 *
 * Per-topic failures of a batched call are not call failures: they are
 * reported in the per-topic result array (NULL error = success), which the
 * call allocates (n entries, same order as the request) only when it returns
 * >= 0; on a negative return *results is NULL. Batch calls chunk internally
 * so callers may pass thousands of topics. */
#ifndef RC_KADMIN_H
#define RC_KADMIN_H

#include "error.h"
#include "lag.h"
#include "model.h"
#include "secrets.h"

enum {
    RC_KADMIN_OK = 0,
    RC_KADMIN_ECONNECT = -1, /* no broker reachable */
    RC_KADMIN_EAUTH = -2,    /* SASL/TLS authentication refused */
    RC_KADMIN_EACCESS = -3,  /* authorisation denied (ACL) */
    RC_KADMIN_ETIMEOUT = -4,
    RC_KADMIN_EOTHER = -5,
    RC_KADMIN_ENOAUTHORIZER = -6, /* the cluster has no authorizer: no ACLs exist */
};

typedef struct rc_kadmin rc_kadmin;

/* Kafka protocol error code (stable across versions): the topic exists. A
 * create that meets it lost a race with a concurrent apply (or read stale
 * metadata from a lagging broker); the next plan shows any remaining diff. */
#define RC_KAFKA_TOPIC_ALREADY_EXISTS 36
/* Kafka protocol error codes for a principal without the ACL. */
#define RC_KAFKA_TOPIC_AUTHORIZATION_FAILED 29
#define RC_KAFKA_CLUSTER_AUTHORIZATION_FAILED 31

/* Per-topic outcome of a batched call. error is owned by the result array. */
typedef struct rc_topic_result {
    const char *topic; /* borrowed from the request */
    char *error;       /* NULL on success; broker's message otherwise */
    int error_code;    /* librdkafka error code, 0 on success */
} rc_topic_result;

/* Defined in src/core (apply.c) so that code without the adapter links. */
void rc_topic_results_free(rc_topic_result *r, size_t n);

typedef struct rc_new_topic {
    const char *name;
    int partitions;
    int replication_factor;
    const rc_kvlist *config; /* borrowed */
} rc_new_topic;

typedef struct rc_new_partitions {
    const char *name;
    int total; /* new total partition count */
} rc_new_partitions;

typedef struct rc_topic_configs {
    const char *name;
    const rc_kvlist *set; /* full desired set of overrides; keys absent are reset */
    /* for incremental alter: the explicit deletions (drift resets) */
    const char *const *reset_keys;
    size_t nreset_keys;
} rc_topic_configs;

typedef struct rc_kadmin_ops {
    /* Cluster id, broker count, auto.create.topics.enable, all topics with
     * partition and replication counts (no configs). obs is zeroed first. */
    int (*describe_cluster)(rc_kadmin *ka, rc_cluster_obs *obs, char *errbuf, size_t errlen);
    /* Fill configs of the named topics in obs (DescribeConfigs, batched) and
     * obs->config_keys. Topics not in obs are ignored. A topic the broker
     * answers with an error (denied, deleted meanwhile), or that its answer
     * leaves out, gets rc_topic_obs.config_error: per topic, not a call
     * failure. */
    int (*describe_configs)(rc_kadmin *ka, rc_cluster_obs *obs, const char *const *topics,
                            size_t ntopics, char *errbuf, size_t errlen);
    /* Ask about the named topics explicitly (batched DescribeConfigs). They are
     * declared but missing from describe_cluster's all-topics answer, which
     * leaves out the topics the principal may not Describe: without this, such
     * a topic would be planned as a create. A topic the broker refuses to
     * describe is added to obs with describe_denied; one that exists after all
     * is added as describe_cluster would; a missing one is left out. obs stays
     * sorted. May be NULL in a fake: then nothing is checked. */
    int (*describe_named)(rc_kadmin *ka, rc_cluster_obs *obs, const char *const *topics,
                          size_t ntopics, char *errbuf, size_t errlen);
    int (*create_topics)(rc_kadmin *ka, const rc_new_topic *topics, size_t n, bool validate_only,
                         rc_topic_result **results, char *errbuf, size_t errlen);
    int (*create_partitions)(rc_kadmin *ka, const rc_new_partitions *parts, size_t n,
                             bool validate_only, rc_topic_result **results, char *errbuf,
                             size_t errlen);
    int (*alter_configs)(rc_kadmin *ka, const rc_topic_configs *cfgs, size_t n, bool validate_only,
                         rc_topic_result **results, char *errbuf, size_t errlen);
    int (*delete_topics)(rc_kadmin *ka, const char *const *topics, size_t n,
                         rc_topic_result **results, char *errbuf, size_t errlen);
    /* ACL bindings (kadmin_acls.c). describe_acls puts every binding on the
     * cluster in out (zeroed first, normalised; bindings of resource types
     * librdkafka 2.0.2 cannot name, such as TRANSACTIONAL_ID, are left
     * out). create_acls and delete_acls are batched; results[i] is the
     * outcome of bindings[i] (.topic borrows its resource name). delete_acls
     * sends one exact filter per binding, so it removes that binding only;
     * a binding already gone is a success. A cluster without an authorizer
     * is RC_KADMIN_ENOAUTHORIZER; a principal without the permission is
     * RC_KADMIN_EACCESS and the message names the permission. NULL in a
     * fake without ACLs. */
    int (*describe_acls)(rc_kadmin *ka, rc_acl_set *out, char *errbuf, size_t errlen);
    int (*create_acls)(rc_kadmin *ka, const rc_acl_binding *const *bindings, size_t n,
                       rc_topic_result **results, char *errbuf, size_t errlen);
    int (*delete_acls)(rc_kadmin *ka, const rc_acl_binding *const *bindings, size_t n,
                       rc_topic_result **results, char *errbuf, size_t errlen);
    /* Wait until DescribeAcls lists every binding of present and none of
     * absent (a broker serves its ACLs from metadata it replays a moment
     * after the controller accepted a change), or the deadline passes
     * (RC_KADMIN_ETIMEOUT, the message counts what is still missing or
     * still there). */
    int (*wait_acls)(rc_kadmin *ka, const rc_acl_binding *const *present, size_t npresent,
                     const rc_acl_binding *const *absent, size_t nabsent, int timeout_ms,
                     char *errbuf, size_t errlen);
    /* Every consumer group on the cluster (ListConsumerGroups; a broker that
     * cannot list its groups fails the call: a partial list would drop
     * consumers silently) with the topics it committed offsets on
     * (ListConsumerGroupOffsets). *out is sorted by group, *nout entries,
     * freed with rc_group_offsets_free. A group whose offsets the broker
     * refuses gets .error, not a call failure. NULL in a fake without groups. */
    int (*list_group_offsets)(rc_kadmin *ka, rc_group_offsets **out, size_t *nout, char *errbuf,
                              size_t errlen);
    /* The committed offsets of the named groups (ListConsumerGroupOffsets),
     * as list_group_offsets gives them, in the order asked (n entries). */
    int (*group_offsets)(rc_kadmin *ka, const char *const *groups, size_t n, rc_group_offsets **out,
                         char *errbuf, size_t errlen);
    /* How many members each named group has (DescribeConsumerGroups):
     * members[i] for groups[i], 0 for a group with none (and for one the
     * coordinator does not know), -1 when the group could not be described
     * (its coordinator not ready, no permission): unknown, never 0. NULL in a
     * fake without groups. */
    int (*group_members)(rc_kadmin *ka, const char *const *groups, size_t n, int *members,
                         char *errbuf, size_t errlen);
    /* Low and high watermark of each (topics[i], partitions[i]). A partition
     * the broker cannot answer for fails the call (its message names it). */
    int (*watermarks)(rc_kadmin *ka, const char *const *topics, const int *partitions, size_t n,
                      int64_t *low, int64_t *high, char *errbuf, size_t errlen);
    /* Read the message at each fetch's offset, or the first after it
     * (lag.h: got_offset, timestamp; read false when there is none before the
     * end, failed on a read error), with a consumer outside any group.
     * fetches are sorted (rc_lag_fetches). */
    int (*read_timestamps)(rc_kadmin *ka, rc_lag_fetch *fetches, size_t n, char *errbuf,
                           size_t errlen);
    /* Wait until every named topic is in metadata with its partitions, or the
     * deadline passes (RC_KADMIN_ETIMEOUT, message names the missing topics). */
    int (*wait_topics)(rc_kadmin *ka, const rc_new_partitions *topics, size_t n, int timeout_ms,
                       char *errbuf, size_t errlen);
    void (*destroy)(rc_kadmin *ka);
} rc_kadmin_ops;

struct rc_kadmin {
    const rc_kadmin_ops *ops;
};

/* Settings for the real client. props are librdkafka properties, already
 * expanded (they may hold secrets: never print them). */
typedef struct rc_kadmin_config {
    const char *cluster_name; /* for messages */
    const char *bootstrap;
    const rc_kvlist *props;
    int timeout_ms; /* per admin request; default 30000 */
    int batch_size; /* topics per admin request; default 500 */
    bool verbose;
    const rc_secrets *secrets; /* borrowed, may be NULL: values substituted from the
                                * environment, masked whatever their key */
} rc_kadmin_config;

/* Create the librdkafka-backed admin client. Returns 0 or a negative code with
 * a message in errbuf (e.g. an unknown -X property). Caller destroys it with
 * ka->ops->destroy(ka). */
int rc_kadmin_rdkafka_new(rc_kadmin **out, const rc_kadmin_config *cfg, char *errbuf,
                          size_t errlen);

#endif
