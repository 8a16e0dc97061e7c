/* diff.h — the diff engine: declared state + observed cluster state -> plan.
 *
 * Pure: no I/O, no clock, no globals. The same inputs always give the same plan,
 * which is what makes "plan" trustworthy and the engine testable without a broker.
 *
 * Per declared topic (in name order):
 *   CREATE    the topic is missing: partitions_to, replication_factor and
 *             desired_overrides (= the declared config) say what to create;
 *             changes lists every declared key (old_value NULL) for the printers.
 *   UPDATE    partitions added (partitions_from < partitions_to) and/or config
 *             changes.
 *   REFUSE    partitions would decrease, the replication factor differs, the
 *             name is one reconcile never touches (internal, "__*", an ignore
 *             pattern), the broker refused to describe the topic
 *             (rc_topic_obs.describe_denied), or its configs could not be read
 *             (rc_topic_obs.config_error). refusals say what to do instead. Nothing about the
 * topic is applied: changes is empty, partitions_to == partitions_from and desired_overrides holds
 * the overrides the broker has now, so even a careless executor cannot change anything. UNCHANGED
 * nothing to do. Then every undeclared topic on the cluster (in name order): UNMANAGED, or DELETE
 * when opt->prune and decl->allow_delete. When there would be more DELETEs than decl->max_deletions
 * (default RC_DEFAULT_MAX_DELETIONS), each becomes a REFUSE saying so and out->error refuses the
 * whole cluster (the return value is still 0: the plan is complete, it just must not be applied).
 * Internal topics, names that start with "__" and names matching decl->ignore_patterns (fnmatch)
 * are left out of the plan entirely.
 *
 * Config comparison (declared values are canonical already, see topic_config.h):
 * - A declared key is a change when the broker's *effective* value, whatever its
 *   source, differs from the declared one after rc_topic_config_canonical. A
 *   broker-wide default that equals the declared value is not a change (such a
 *   diff would never clear), yet the key stays in desired_overrides so that the
 *   next config write pins the declared value on the topic. old_value is the
 *   current override, NULL when the effective value came from a default.
 * - A TOPIC_OVERRIDE the declaration does not mention is drift: a change with
 *   new_value NULL and drift = true, which apply resets. With
 *   decl->keep_undeclared_overrides it is kept in desired_overrides and not shown.
 * - Undeclared replication throttle keys are always kept and never shown.
 * - Sensitive values and NULL values are unknown: never compared, never drift.
 *   An unknown undeclared override cannot be carried in desired_overrides; the
 *   executor's incremental path leaves it alone, the full-set path cannot.
 * - A topic whose configs were not described (rc_topic_obs.configs == NULL) gets
 *   no config comparison: absence of data must not look like drift.
 * changes and desired_overrides are sorted by key.
 */
#ifndef RC_DIFF_H
#define RC_DIFF_H

#include "model.h"

#include <stdbool.h>

typedef struct rc_diff_options {
    bool prune; /* plan/apply --prune: undeclared topics are deleted if the policy allows */
} rc_diff_options;

/* Compute the plan for one cluster. out is overwritten (zeroed first; the caller
 * owns it and releases it with rc_cluster_plan_free, on success and on failure).
 * opt may be NULL (defaults: no prune). decl->topics and obs->topics are expected
 * sorted by name; unsorted input is sorted internally rather than misdiffed.
 * A refusal the plan itself carries (more deletions than the policy allows)
 * is out->error with a return of 0: the report shows it beside the topics.
 * Errors (error.h): RC_ERR for input no plan can be made of (NULL arguments,
 * a topic declared twice); out->cluster is then set, out->topics is empty and
 * the message is in errbuf. */
int rc_diff_plan(rc_cluster_plan *out, const rc_cluster_decl *decl, const rc_cluster_obs *obs,
                 const rc_diff_options *opt, char *errbuf, size_t errlen);

/* A partition reassignment seems to be running on the topic: its partitions
 * have different replica counts (a moving partition lists old and new
 * replicas), replicas are outside the ISR (a reassignment's new replicas
 * catching up, or a broker behind), or throttled replicas are set on it (what
 * Kafka's reassignment tool does with --throttle). Its replication factor is
 * then not compared, with a warning: a reassignment must not look like a
 * replication-factor change. Only the moment when every partition's new
 * replicas have caught up and the old ones are not yet removed looks like a
 * change (librdkafka 2.0.2 has no ListPartitionReassignments). */
bool rc_diff_reassignment_suspected(const rc_topic_obs *o);

/* true when reconcile must never touch a topic of this name on this cluster:
 * internal topics, names starting with "__", and decl->ignore_patterns. The
 * admin adapter and the command layer may use it to skip such topics early. */
bool rc_diff_topic_ignored(const rc_cluster_decl *decl, const char *name, bool internal);

#endif
