/* acl_plan.c — the ACL kind's plan and apply through an rc_kadmin
 * (acl_kind.h): read the bindings, diff them against the derived ones,
 * create and delete them in batched calls. */
#include "acl_kind.h"

#include "acl.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int rc_acl_kind_plan(void **out, rc_kadmin *ka, const rc_cluster_decl *decl,
                     const rc_kind_plan_options *opt, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (!ka->ops->describe_acls)
        return rc_errorf(RC_ERR, errbuf, errlen, "cluster %s: this admin client cannot read ACLs",
                         decl->name);
    rc_acl_set have;
    int rc = ka->ops->describe_acls(ka, &have, errbuf, errlen);
    if (rc != 0)
        return rc;
    rc_acl_plan *p = rc_xcalloc(1, sizeof(*p));
    rc_acl_plan_against(p, opt->repo, decl, &have, opt->prune, opt->self_principal);
    rc_acl_set_free(&have);
    *out = p;
    return 0;
}

void rc_acl_plan_against(rc_acl_plan *out, const rc_repo *repo, const rc_cluster_decl *decl,
                         const rc_acl_set *have, bool prune, const char *self_principal)
{
    rc_acl_set want;
    rc_acl_derive(&want, repo, decl);
    rc_acl_diff_options dopt = {.prune = prune,
                                .allow_delete = decl->allow_delete,
                                .max_deletions = decl->max_deletions,
                                .self_principal = self_principal,
                                .repo = repo,
                                .topic_ignore = decl->ignore_patterns,
                                .ntopic_ignore = decl->nignore_patterns,
                                .principal_ignore = decl->ignore_principals,
                                .nprincipal_ignore = decl->nignore_principals};
    rc_acl_diff(out, &want, have, &dopt);
    rc_acl_set_free(&want);
}

void rc_acl_kind_plan_offline(void **out, const rc_repo *base, const rc_cluster_decl *base_decl,
                              const rc_repo *head, const rc_cluster_decl *head_decl)
{
    *out = NULL;
    bool was = base_decl && rc_acl_cluster_managed(base_decl);
    bool is = head_decl && rc_acl_cluster_managed(head_decl);
    if (!was && !is)
        return;
    rc_acl_set before = {0}, after = {0};
    if (was)
        rc_acl_derive(&before, base, base_decl);
    if (is)
        rc_acl_derive(&after, head, head_decl);
    /* base's bindings stand in for the cluster: what head no longer
     * declares is access the change takes away (apply deletes it with
     * --prune); the diff keeps each binding's origin from the side it is on */
    rc_acl_diff_options dopt = {.prune = true, .allow_delete = true, .max_deletions = INT_MAX};
    rc_acl_plan *p = rc_xcalloc(1, sizeof(*p));
    rc_acl_diff(p, &after, &before, &dopt);
    p->offline = true;
    rc_acl_set_free(&before);
    rc_acl_set_free(&after);
    *out = p;
}

/* Send the changes of one action in one batched call; record each
 * binding's outcome. A call that fails as a whole marks its bindings. */
static int send(rc_kadmin *ka, rc_acl_plan *p, rc_acl_action action, size_t *nfailed, char *errbuf,
                size_t errlen)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nchanges; i++)
        n += p->changes[i].action == action;
    if (n == 0)
        return 0;
    const rc_acl_binding **in = rc_xcalloc(n, sizeof(*in));
    size_t *idx = rc_xcalloc(n, sizeof(*idx));
    n = 0;
    for (size_t i = 0; i < p->nchanges; i++)
        if (p->changes[i].action == action) {
            idx[n] = i;
            in[n++] = &p->changes[i].binding;
        }
    rc_topic_result *res = NULL;
    int (*call)(rc_kadmin *, const rc_acl_binding *const *, size_t, rc_topic_result **, char *,
                size_t) = action == RC_ACL_ADD ? ka->ops->create_acls : ka->ops->delete_acls;
    int rc = call ? call(ka, in, n, &res, errbuf, errlen)
                  : rc_errorf(RC_ERR, errbuf, errlen, "this admin client cannot change ACLs");
    for (size_t k = 0; k < n; k++) {
        rc_acl_change *c = &p->changes[idx[k]];
        if (rc != 0)
            c->broker_error = rc_xstrdup("its request failed as a whole; whether it landed is "
                                         "unknown: run plan to see the state");
        else if (res[k].error)
            c->broker_error = rc_xstrdup(res[k].error);
        else
            c->done = true;
        if (c->broker_error && nfailed)
            (*nfailed)++;
    }
    if (res)
        rc_topic_results_free(res, n);
    free(in);
    free(idx);
    return rc;
}

/* Apply returns once the broker serves what it accepted, so a plan right
 * after it shows nothing. */
static int wait_visible(rc_kadmin *ka, const rc_acl_plan *p, char *errbuf, size_t errlen)
{
    if (!ka->ops->wait_acls)
        return 0;
    const rc_acl_binding **added = rc_xcalloc(p->nchanges + 1, sizeof(*added));
    const rc_acl_binding **gone = rc_xcalloc(p->nchanges + 1, sizeof(*gone));
    size_t na = 0, ng = 0;
    for (size_t i = 0; i < p->nchanges; i++) {
        if (!p->changes[i].done)
            continue;
        if (p->changes[i].action == RC_ACL_ADD)
            added[na++] = &p->changes[i].binding;
        else
            gone[ng++] = &p->changes[i].binding;
    }
    int rc = ka->ops->wait_acls(ka, added, na, gone, ng, 0, errbuf, errlen);
    free(added);
    free(gone);
    return rc;
}

int rc_acl_kind_apply(rc_kadmin *ka, void *plan, bool validate_only, size_t *nfailed, char *errbuf,
                      size_t errlen)
{
    rc_acl_plan *p = plan;
    /* Kafka has no validate_only for ACLs; a refused kind changes nothing */
    if (validate_only || p->refusal || p->offline)
        return 0;
    /* grants first: a binding replaced by another never leaves a gap */
    int rc = send(ka, p, RC_ACL_ADD, nfailed, errbuf, errlen);
    if (rc == 0)
        rc = send(ka, p, RC_ACL_DELETE, nfailed, errbuf, errlen);
    if (rc == 0)
        rc = wait_visible(ka, p, errbuf, errlen);
    return rc;
}

size_t rc_acl_kind_pending(const void *plan)
{
    const rc_acl_plan *p = plan;
    size_t n = 0;
    for (size_t i = 0; i < p->nchanges; i++)
        n += p->changes[i].action == RC_ACL_ADD || p->changes[i].action == RC_ACL_DELETE;
    return n;
}

bool rc_acl_kind_has_failures(const void *plan)
{
    const rc_acl_plan *p = plan;
    if (p->refusal)
        return true;
    for (size_t i = 0; i < p->nchanges; i++)
        if (p->changes[i].action == RC_ACL_REFUSE || p->changes[i].broker_error)
            return true;
    return false;
}

void rc_acl_kind_mask(void *plan, const rc_secrets *secrets)
{
    rc_acl_plan *p = plan;
    for (size_t i = 0; i < p->nchanges; i++)
        if (p->changes[i].broker_error) {
            char *m = rc_secrets_mask(secrets, p->changes[i].broker_error);
            free(p->changes[i].broker_error);
            p->changes[i].broker_error = m;
        }
}

void rc_acl_kind_free(void *plan)
{
    rc_acl_plan_free(plan);
    free(plan);
}
