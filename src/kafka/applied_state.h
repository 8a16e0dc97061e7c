/* applied_state.h — the last commit applied to each cluster, kept in the
 * cluster itself.
 *
 * Storage: a compacted topic owned by reconcile, RC_APPLIED_STATE_TOPIC
 * ("_reconcile.applied") unless cfg->topic names another. One record per
 * apply, all on partition 0 (explicit, whatever the partition count: no
 * partitioner is involved):
 *   key   = the cluster name (the directory under topics/)
 *   value = {"commit":"<40 hex>","applied_at":"<RFC 3339 UTC>","by":"<who>"}
 *           "by" is cfg->by, else "github-run:$GITHUB_RUN_ID", else
 *           "ci-job:$CI_JOB_ID", else "user@host".
 *   a NULL value (tombstone) erases the record: the guard starts over.
 * Compaction keeps the latest record per key, so the topic stays tiny and the
 * record never expires. Several clusters may share one physical Kafka cluster
 * (and so one topic): keys keep them apart.
 *
 * The topic is created on the first write when missing (never on a read),
 * through the admin API: 1 partition, cleanup.policy=compact, replication
 * factor min(3, brokers in the cluster metadata) and, when that is 3,
 * min.insync.replicas=2. A topic that exists with another cleanup.policy is
 * refused on write (records would expire and the guard would silently
 * forget), with the command that fixes it.
 *
 * Writes use an idempotent producer (acks=all) and wait, within the deadline,
 * for the broker's acknowledgement: 0 means the record is durable. Reads
 * consume partition 0 from the beginning up to the high watermark observed at
 * the start of the read, with the legacy (group-less) consumer: no consumer
 * group, no committed offsets, no group ACL needed. The last record for the
 * key wins.
 *
 * ACLs needed: Describe+Read on the topic to read; Describe+Write and
 * DescribeConfigs on it to write (brokers before 2.8 also want IdempotentWrite
 * on the cluster), plus Create on the topic or the cluster for the first write.
 *
 * Conventions: 0 on success or a negative RC_KADMIN_E* code (kadmin.h) with a
 * one-line message in errbuf ("cluster NAME: ..."). Property values are never
 * echoed; values of secret-looking properties are masked ("***") in every
 * message. Every librdkafka handle is destroyed before returning. */
#ifndef RC_APPLIED_STATE_H
#define RC_APPLIED_STATE_H

#include "secrets.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

/* RC_APPLIED_STATE_TOPIC, the default name of the state topic, is in model.h:
 * the diff engine must not report it as unmanaged. */
#include "model.h"

typedef struct rc_applied_state_config {
    const char *cluster_name;  /* record key; required */
    const char *bootstrap;     /* may be NULL when props hold bootstrap.servers */
    const rc_kvlist *props;    /* librdkafka properties, expanded; may hold secrets */
    int timeout_ms;            /* deadline for the whole call; <= 0: 30000 */
    const char *topic;         /* NULL: RC_APPLIED_STATE_TOPIC */
    const char *by;            /* NULL: from the environment (see above) */
    bool verbose;              /* librdkafka logs to stderr (redacted) */
    const rc_secrets *secrets; /* borrowed, may be NULL: values substituted from the
                                * environment, masked whatever their key */
} rc_applied_state_config;

/* One record, fields owned by the struct (rc_applied_record_free). */
typedef struct rc_applied_record {
    char *commit;     /* 40 lowercase hex */
    char *applied_at; /* as written; may be NULL in a foreign record */
    char *by;         /* may be NULL */
    long long offset; /* where it was read */
} rc_applied_record;

void rc_applied_record_free(rc_applied_record *r);

/* The latest record for cfg->cluster_name. *found is false (and *out zeroed)
 * when nothing is recorded: the topic does not exist, holds no record for the
 * key, or the latest one is a tombstone. A latest record that cannot be parsed
 * (not JSON, no valid "commit") is an error, not "nothing": the guard fails
 * closed; a tombstone resets it. */
int rc_applied_state_read_record(bool *found, rc_applied_record *out,
                                 const rc_applied_state_config *cfg, char *errbuf, size_t errlen);

/* The commit of the latest record: *commit_out is a heap string (caller
 * frees), NULL when nothing is recorded. */
int rc_applied_state_read(char **commit_out, const rc_applied_state_config *cfg, char *errbuf,
                          size_t errlen);

/* Record commit (40 hex, stored lowercase) as applied to cfg->cluster_name,
 * creating the topic when missing. Returns 0 only once the broker has
 * acknowledged the record (acks=all). Writing the same commit twice is
 * harmless. */
int rc_applied_state_write(const rc_applied_state_config *cfg, const char *commit, char *errbuf,
                           size_t errlen);

/* The value rc_applied_state_write would produce (heap JSON, caller frees);
 * exposed for tests and for `--format json` output. now: seconds since the
 * epoch. */
char *rc_applied_state_value(const char *commit, const char *by, long long now);

/* The "by" value from the environment: GITHUB_RUN_ID, CI_JOB_ID, user@host. */
char *rc_applied_state_default_by(void);

#endif
