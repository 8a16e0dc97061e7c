/* apply.h — carries out a cluster plan through an rc_kadmin, batched.
 *
 * Both functions work on every actionable topic of the plan at once: one
 * batched CreateTopics, one CreatePartitions, one AlterConfigs and one
 * DeleteTopics call (each chunked by the adapter). A topic whose change the
 * broker rejects gets plan->topics[i].broker_error set (owned by the plan);
 * the other topics still go through. Topics with RC_ACT_REFUSE are never sent.
 *
 * Return value (error.h): 0 when every call was answered, *nfailed (may be
 * NULL) then counting the topics whose change the broker rejected; or a negative
 * RC_KADMIN_E* code when a whole call failed (connection, authorisation,
 * timeout, or every topic of a stage denied) — then the message is in errbuf
 * (error.h: the adapter's message, which the real one starts "cluster NAME: "),
 * and the per-topic outcome array tells the caller which changes landed,
 * which were never sent, and which were in the failed call. Those are read back from the cluster
 * (with opt->decl): a change found in place is DONE, one found missing is
 * DONE with broker_error saying so; only what cannot be read back (the
 * broker is gone) stays UNKNOWN. */
#ifndef RC_APPLY_H
#define RC_APPLY_H

#include "kadmin.h"
#include "model.h"

typedef enum rc_apply_outcome {
    RC_APPLY_NOT_SENT = 0, /* no request carried this topic */
    RC_APPLY_DONE,         /* the broker answered: success, or broker_error is set */
    RC_APPLY_UNKNOWN       /* its request failed as a whole; it may or may not have landed */
} rc_apply_outcome;

typedef void (*rc_apply_progress_fn)(void *ud, const char *stage, size_t count);

typedef struct rc_apply_options {
    int wait_timeout_ms; /* how long to wait for created topics in metadata */
    rc_apply_progress_fn progress;
    void *progress_ud;
    /* The declarations the plan came from (borrowed, may be NULL). A create
     * that meets TOPIC_ALREADY_EXISTS (another writer created the topic after
     * the plan) is re-read and planned again against them, and the later
     * stages of the same apply carry what it still needs (partitions,
     * configs; a partition decrease or replication-factor difference is
     * refused as plan would). Without them such a topic fails with a message
     * to run plan again. Either way apply never waits for partitions the
     * topic cannot reach. */
    const rc_cluster_decl *decl;
} rc_apply_options;

/* Ask the broker to validate every change without applying it (validate_only). */
int rc_apply_validate(rc_kadmin *ka, rc_cluster_plan *plan, size_t *nfailed, char *errbuf,
                      size_t errlen);
/* Apply every change. outcome has plan->ntopics entries (caller-owned,
 * zeroed by the caller); a topic with several changes (partitions and
 * configs) is DONE only when every request that carried it was answered. */
int rc_apply_execute(rc_kadmin *ka, rc_cluster_plan *plan, rc_apply_outcome *outcome,
                     const rc_apply_options *opt, size_t *nfailed, char *errbuf, size_t errlen);

#endif
