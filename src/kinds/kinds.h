/* kinds.h — the registry of the kinds of resource beside topics (kind.h).
 *
 * The one place a kind is registered: src/kinds/registry.c lists them, in
 * the order every report prints them. The command layer asks each kind the
 * registry holds whether a cluster manages it, and plans, applies and
 * diffs it through its table. */
#ifndef RC_KINDS_H
#define RC_KINDS_H

#include "changeset.h"
#include "kind.h"

/* The registered kinds; *n their count. Static. */
const rc_resource_kind *const *rc_kinds(size_t *n);

/* The ACL kind (acl_kind.c). */
extern const rc_resource_kind rc_kind_acl;

/* Fill each cluster of cs with the offline plans of every kind (what the
 * change from base to head does to it). */
void rc_kinds_changeset(rc_changeset *cs, const rc_repo *base, const rc_repo *head);

#endif
