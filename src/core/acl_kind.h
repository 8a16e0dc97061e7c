/* acl_kind.h — the ACL kind's functions for its rc_resource_kind (kind.h):
 * plan, offline plan and apply (acl_plan.c, through rc_kadmin); the
 * printers are in src/report/acl_print.h, the table in src/kinds.
 *
 * The plan behind void * is an rc_acl_plan (model.h). Live: RC_ACL_ADD for
 * declared bindings missing on the cluster, RC_ACL_UNMANAGED or (with
 * --prune and policy.allow_delete, under policy.max_deletions)
 * RC_ACL_DELETE for bindings nothing declares, RC_ACL_REFUSE for a change
 * that would take reconcile's own access. Apply creates, then deletes, each
 * in one batched call (chunked by the adapter); nothing when the kind is
 * refused. */
#ifndef RC_ACL_KIND_H
#define RC_ACL_KIND_H

#include "kind.h"

int rc_acl_kind_plan(void **out, rc_kadmin *ka, const rc_cluster_decl *decl,
                     const rc_kind_plan_options *opt, char *errbuf, size_t errlen);
void rc_acl_kind_plan_offline(void **out, const rc_repo *base, const rc_cluster_decl *base_decl,
                              const rc_repo *head, const rc_cluster_decl *head_decl);
int rc_acl_kind_apply(rc_kadmin *ka, void *plan, bool validate_only, size_t *nfailed, char *errbuf,
                      size_t errlen);
size_t rc_acl_kind_pending(const void *plan);
bool rc_acl_kind_has_failures(const void *plan);
void rc_acl_kind_mask(void *plan, const rc_secrets *secrets);
void rc_acl_kind_free(void *plan);

#endif
