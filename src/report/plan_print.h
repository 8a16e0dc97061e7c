/* plan_print.h — the plan printers: text (terminal), JSON (machines), Markdown
 * (pull request comments). They only read the plans; nothing is allocated that
 * outlives a call. Untrusted text (broker messages, config values) is made
 * harmless for each format: control bytes never reach a terminal, strings are
 * escaped in JSON, and Markdown special characters are escaped.
 *
 * Text (terraform-like; colors only when color is true):
 *
 *   cluster local (id q1Sh-9_ISia_zwGINzRvyQ)
 *   warning: the brokers auto-create topics (...)
 *   + create  orders.v1 (partitions 12, replication factor 3)
 *       retention.ms = 604800000
 *   ~ update  payments.v1
 *       partitions 3 -> 6
 *       retention.ms: 86400000 -> 604800000
 *       min.insync.replicas: (default) -> 2
 *       - segment.ms: 3600000 -> (reset to default, undeclared override)
 *   ! refuse  users.v1
 *       partitions cannot be decreased from 12 to 6: ...
 *   ? unmanaged legacy.v0 (not declared; left untouched)
 *   - delete  old.v0
 *   cluster local: 1 to create, 1 to update, 1 refused, 5 unchanged, 1 unmanaged, 1 to delete
 *
 * Unchanged topics are only counted (listed when they carry a broker error);
 * "N to delete" appears only when N > 0. A topic's broker error prints as
 * "    broker rejected: <msg>"; a cluster error replaces the header line with
 * "cluster X: error: <msg>". Clusters are separated by a blank line. When no
 * cluster has a change, a refusal or an error, the output ends with
 * "No changes. The cluster matches the declarations." ("clusters match" for
 * several clusters).
 *
 * JSON schema, version 1. Additive changes (new keys) keep the version; removing
 * or changing the meaning of a key bumps it. Keys appear in this order:
 *
 * {
 *   "schema_version": 1,
 *   "clusters": [
 *     {
 *       "name": "local",                  // directory under topics/
 *       "cluster_id": "q1Sh..." | null,   // as the brokers report it
 *       "error": null | "message",        // cluster-level failure
 *       "warnings": ["..."],
 *       "summary": {"create": 1, "update": 1, "refuse": 0,
 *                   "unchanged": 5, "unmanaged": 1, "delete": 0},
 *       "changes_pending": true,          // create, update or delete present
 *       "topics": [                       // every topic, unchanged ones too:
 *         {                               // declared by name, then undeclared by name
 *           "name": "orders.v1",
 *           "action": "create" | "update" | "refuse" | "unchanged"
 *                     | "unmanaged" | "delete",
 *           "partitions": {"from": 3, "to": 6},   // only for create (from: null)
 *                                                 // and for update adding partitions
 *           "replication_factor": 3,              // only for create; -1 = broker default
 *           "config": [                           // sorted by key; [] when none
 *             {"key": "retention.ms", "old": "86400000" | null,
 *              "new": "604800000" | null, "drift": false}
 *           ],                            // old null: no override (a default applied)
 *                                         // new null: the override is reset (drift)
 *           "refusals": ["..."],          // non-empty only for "refuse"
 *           "error": null | "message"     // the broker rejected the change
 *         }
 *       ]
 *     }
 *   ],
 *   "changes_pending": true               // any cluster has changes pending
 * }
 *
 * Partition counts of -1 mean "broker default" (declared without a count).
 *
 * Markdown: "## reconcile plan", then per cluster a "### Cluster `name`" section
 * with the summary table, warnings and errors, one "#### <action> `topic`"
 * section per created, updated, refused or deleted topic (config changes as a
 * table), and the unmanaged topics folded in a <details> block.
 */
#ifndef RC_PLAN_PRINT_H
#define RC_PLAN_PRINT_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

void rc_plan_print_text(FILE *out, const rc_cluster_plan *plans, size_t n, bool color);
/* Returns 0, or RC_ERR when serialisation or writing failed. */
int rc_plan_print_json(FILE *out, const rc_cluster_plan *plans, size_t n);
void rc_plan_print_markdown(FILE *out, const rc_cluster_plan *plans, size_t n);

/* s as a JSON string (null for NULL); bytes that are not UTF-8 become '?'
 * rather than dropping the value (jansson refuses invalid UTF-8). For every
 * JSON printer of the report layer. */
struct json_t;
struct json_t *rc_json_text(const char *s);

#endif
