/* acl_diff.c — the pure diff of ACL bindings (acl.h, rc_acl_diff). */
#include "acl.h"

#include "util.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

typedef struct change_vec {
    rc_acl_change *items;
    size_t len, cap;
} change_vec;

static rc_acl_change *push(change_vec *v, const rc_acl_binding *b, rc_acl_action action)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = rc_xrealloc(v->items, v->cap * sizeof(*v->items));
    }
    rc_acl_change *c = &v->items[v->len++];
    memset(c, 0, sizeof(*c));
    rc_acl_binding_copy(&c->binding, b);
    c->action = action;
    return c;
}

/* An observed binding has no origin; give it the team of its principal and
 * the topic it is on, so reviewers see whose access it is. */
static void attach_origin(rc_acl_binding *b, const rc_repo *repo)
{
    const rc_service *s = rc_repo_service_by_principal(repo, b->principal);
    if (s && !b->service) {
        b->service = rc_xstrdup(s->name);
        b->team = rc_xstrdup(s->team);
    }
    if (!b->topic && b->resource == RC_ACL_RES_TOPIC && b->pattern == RC_ACL_PAT_LITERAL)
        b->topic = rc_xstrdup(b->name);
}

static bool any_match(char *const *globs, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (fnmatch(globs[i], s, 0) == 0)
            return true;
    return false;
}

static bool ignored(const rc_acl_binding *b, const rc_acl_diff_options *opt)
{
    if (any_match(opt->principal_ignore, opt->nprincipal_ignore, b->principal))
        return true;
    return b->resource == RC_ACL_RES_TOPIC &&
           any_match(opt->topic_ignore, opt->ntopic_ignore, b->name);
}

/* The refusal of a change that would take reconcile's own access, or NULL. */
static const char *self_problem(const rc_acl_change *c, const char *self)
{
    const rc_acl_binding *b = &c->binding;
    if (!self || strcmp(b->principal, self) != 0)
        return NULL;
    if ((c->action == RC_ACL_DELETE || c->action == RC_ACL_UNMANAGED) &&
        b->permission == RC_ACL_ALLOW)
        return c->action == RC_ACL_DELETE
                   ? "this binding is reconcile's own access (access.principal): deleting it "
                     "would lock apply out; declare it in access.bindings"
                   : NULL;
    if (c->action == RC_ACL_ADD && b->permission == RC_ACL_DENY)
        return "a DENY binding for reconcile's own principal (access.principal) would lock "
               "apply out; remove it from the declarations";
    return NULL;
}

/* More deletions than the policy allows: refuse each, and the kind. */
static void bound_deletions(rc_acl_plan *out, const rc_acl_diff_options *opt)
{
    size_t ndel = 0;
    for (size_t i = 0; i < out->nchanges; i++)
        ndel += out->changes[i].action == RC_ACL_DELETE;
    size_t bound = opt->max_deletions > 0 ? (size_t)opt->max_deletions : RC_DEFAULT_MAX_DELETIONS;
    if (ndel <= bound)
        return;
    for (size_t i = 0; i < out->nchanges; i++) {
        rc_acl_change *c = &out->changes[i];
        if (c->action != RC_ACL_DELETE)
            continue;
        c->action = RC_ACL_REFUSE;
        c->refusal = rc_xasprintf("part of a prune of %zu bindings, above policy.max_deletions "
                                  "(%zu)",
                                  ndel, bound);
    }
    out->refusal = rc_xasprintf("--prune would delete %zu ACL bindings, more than "
                                "policy.max_deletions (%zu); nothing is deleted. Raise "
                                "policy.max_deletions in the same change if this is intended",
                                ndel, bound);
}

static void refuse_self(rc_acl_plan *out, const rc_acl_diff_options *opt)
{
    size_t nself = 0;
    for (size_t i = 0; i < out->nchanges; i++) {
        rc_acl_change *c = &out->changes[i];
        const char *why = self_problem(c, opt->self_principal);
        if (!why)
            continue;
        c->action = RC_ACL_REFUSE;
        free(c->refusal);
        c->refusal = rc_xstrdup(why);
        nself++;
    }
    if (nself > 0 && !out->refusal)
        out->refusal = rc_xasprintf("the plan would take away reconcile's own access (%s, %zu "
                                    "binding%s); no binding is changed",
                                    opt->self_principal, nself, nself == 1 ? "" : "s");
}

void rc_acl_diff(rc_acl_plan *out, const rc_acl_set *desired, const rc_acl_set *observed,
                 const rc_acl_diff_options *opt)
{
    static const rc_acl_diff_options none = {0};
    if (!opt)
        opt = &none;
    memset(out, 0, sizeof(*out));
    change_vec v = {0};
    bool del = opt->prune && opt->allow_delete;
    size_t i = 0, j = 0;
    while (i < desired->len || j < observed->len) {
        int c = i == desired->len    ? 1
                : j == observed->len ? -1
                                     : rc_acl_binding_cmp(&desired->items[i], &observed->items[j]);
        if (c == 0) {
            out->unchanged++;
            i++, j++;
        } else if (c < 0) {
            push(&v, &desired->items[i++], RC_ACL_ADD);
        } else if (ignored(&observed->items[j], opt)) {
            j++;
        } else {
            rc_acl_change *ch =
                push(&v, &observed->items[j++], del ? RC_ACL_DELETE : RC_ACL_UNMANAGED);
            attach_origin(&ch->binding, opt->repo);
        }
    }
    out->changes = v.items;
    out->nchanges = v.len;
    refuse_self(out, opt);
    if (!out->refusal)
        bound_deletions(out, opt);
}
