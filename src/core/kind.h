/* kind.h — a kind of resource beside topics: what each one brings.
 *
 * Topics are the base kind: every cluster has them and the plan's topic list,
 * the diff engine (diff.h) and the executor (apply.h) are theirs. Every other
 * kind (ACL bindings are the first) is one rc_resource_kind: a table of
 * functions registered once, in src/kinds/registry.c, and carried by each
 * plan it makes (rc_kind_plan), so that the diff, apply, the printers, the
 * PR comment and the JSON schema reach it without naming it.
 *
 * A kind's plan is its own struct behind void *; only its functions read it.
 * The parts live in their layers (pure diff in src/core, admin calls behind
 * rc_kadmin, printers in src/report); src/kinds/<kind>.c wires them into the
 * table. Errors follow error.h. */
#ifndef RC_KIND_H
#define RC_KIND_H

#include "kadmin.h"
#include "model.h"
#include "secrets.h"

#include <stdbool.h>
#include <stdio.h>

struct json_t; /* jansson's; only the report layer builds one */

typedef struct rc_kind_plan_options {
    bool prune;
    const rc_repo *repo; /* the declarations (services, teams) */
    /* the principal reconcile runs as on this cluster, NULL when unknown */
    const char *self_principal;
} rc_kind_plan_options;

typedef struct rc_resource_kind {
    const char *name;     /* "acl": the word in messages */
    const char *json_key; /* "acls": the cluster member in the JSON plan */
    const char *what;     /* "ACL bindings": what a message says it read */
    /* Whether the cluster declares anything of this kind; a cluster that
     * does not is planned without it (its state is not even read). */
    bool (*managed)(const rc_cluster_decl *decl);
    /* Read the cluster's state of this kind through ka and diff it against
     * the declarations. *out is the plan (NULL on failure; the message,
     * "cluster NAME: ...", then says what failed). */
    int (*plan)(void **out, rc_kadmin *ka, const rc_cluster_decl *decl,
                const rc_kind_plan_options *opt, char *errbuf, size_t errlen);
    /* What head's declarations change against base's, offline (diff
     * --base, the PR comment): base_decl NULL for a new cluster. *out NULL
     * when neither side manages the kind. */
    void (*plan_offline)(void **out, const rc_repo *base, const rc_cluster_decl *base_decl,
                         const rc_repo *head, const rc_cluster_decl *head_decl);
    /* Carry the plan out (validate_only: ask the broker only). Per-item
     * failures are recorded in the plan and counted in *nfailed; a whole
     * call that failed returns its negative code. */
    int (*apply)(rc_kadmin *ka, void *plan, bool validate_only, size_t *nfailed, char *errbuf,
                 size_t errlen);
    /* How many changes apply would send (0: the kind has nothing to do). */
    size_t (*pending)(const void *plan);
    bool (*has_failures)(const void *plan);
    void (*mask)(void *plan, const rc_secrets *secrets);
    void (*free)(void *plan);
    /* Printers (src/report): the text lines under the cluster (ending with
     * the kind's summary line "cluster NAME: ..."), the JSON value under
     * json_key, the Markdown section (plan comment and PR comment; an
     * offline plan says what the change grants and takes away), apply's
     * per-item lines and summary. */
    void (*print_text)(FILE *out, const char *cluster, const void *plan, bool color);
    struct json_t *(*to_json)(const void *plan);
    void (*markdown)(rc_buf *out, const void *plan);
    void (*report_apply)(FILE *out, const char *cluster, const void *plan, bool quiet);
} rc_resource_kind;

/* Free every kind plan of p (rc_cluster_plan_free calls it). */
void rc_kind_plans_free(rc_kind_plan *kinds, size_t n);

#endif
