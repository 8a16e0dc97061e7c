/* import_access.c — the unmanaged ACL bindings of a cluster, declared as the
 * imported topics' producers and consumers where they map onto them and as
 * the access file's bindings otherwise (import.h). What the topics now
 * declare must exist on the cluster binding for binding, or the next plan
 * would add access nobody had. */
#include "import.h"

#include "acl.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A lookup binding: borrowed strings, ALLOW, LITERAL, any host. */
static rc_acl_binding probe(rc_acl_resource res, const char *name, const char *principal,
                            rc_acl_operation op)
{
    return (rc_acl_binding){.resource = res,
                            .pattern = RC_ACL_PAT_LITERAL,
                            .name = (char *)name,
                            .principal = (char *)principal,
                            .host = (char *)"*",
                            .operation = op,
                            .permission = RC_ACL_ALLOW};
}

static bool has(const rc_acl_set *s, rc_acl_resource res, const char *name, const char *principal,
                rc_acl_operation op)
{
    rc_acl_binding b = probe(res, name, principal, op);
    return rc_acl_set_find(s, &b) != NULL;
}

static void grant(rc_acl_set *s, rc_acl_resource res, const char *name, const char *principal,
                  rc_acl_operation op)
{
    rc_acl_binding b = probe(res, name, principal, op);
    rc_acl_set_add(s, &b);
}

/* The topic-level ALLOW bindings of unmanaged, by topic then principal. */
static int by_topic_cmp(const void *pa, const void *pb)
{
    const rc_acl_binding *a = *(const rc_acl_binding *const *)pa;
    const rc_acl_binding *b = *(const rc_acl_binding *const *)pb;
    int c = strcmp(a->name, b->name);
    if (!c)
        c = strcmp(a->principal, b->principal);
    return c ? c : (int)a->operation - (int)b->operation;
}

typedef struct topic_index {
    const rc_acl_binding **v;
    size_t n;
} topic_index;

static topic_index index_topics(const rc_acl_set *u)
{
    topic_index ix = {rc_xcalloc(u->len ? u->len : 1, sizeof(*ix.v)), 0};
    for (size_t i = 0; i < u->len; i++) {
        const rc_acl_binding *b = &u->items[i];
        if (b->resource == RC_ACL_RES_TOPIC && b->pattern == RC_ACL_PAT_LITERAL &&
            b->permission == RC_ACL_ALLOW && !strcmp(b->host, "*"))
            ix.v[ix.n++] = b;
    }
    if (ix.n > 1)
        qsort(ix.v, ix.n, sizeof(*ix.v), by_topic_cmp);
    return ix;
}

static void add_sorted_unique(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    *v = rc_xrealloc(*v, (*n + 1) * sizeof(**v));
    size_t at = *n;
    while (at > 0 && strcmp((*v)[at - 1], s) > 0) {
        (*v)[at] = (*v)[at - 1];
        at--;
    }
    (*v)[at] = rc_xstrdup(s);
    (*n)++;
}

/* One imported topic: each principal with a service that holds unmanaged
 * access to it becomes a producer and/or a consumer where what that
 * derives is all there; *covered gets what it derives. */
static void map_topic(rc_import_topic *t, const rc_import_input *in, const rc_acl_binding **from,
                      size_t n, rc_acl_set *covered)
{
    const rc_acl_set *live = in->acls;
    for (size_t i = 0; i < n; i++) {
        const rc_acl_binding *b = from[i];
        const rc_service *svc = rc_repo_service_by_principal(in->repo, b->principal);
        if (!svc)
            continue;
        const char *p = b->principal;
        if (b->operation == RC_ACL_OP_WRITE &&
            has(live, RC_ACL_RES_TOPIC, t->name, p, RC_ACL_OP_DESCRIBE) &&
            (!in->decl->idempotent_write ||
             has(live, RC_ACL_RES_CLUSTER, "kafka-cluster", p, RC_ACL_OP_IDEMPOTENT_WRITE))) {
            add_sorted_unique(&t->producers, &t->nproducers, svc->name);
            grant(covered, RC_ACL_RES_TOPIC, t->name, p, RC_ACL_OP_WRITE);
            grant(covered, RC_ACL_RES_TOPIC, t->name, p, RC_ACL_OP_DESCRIBE);
            if (in->decl->idempotent_write)
                grant(covered, RC_ACL_RES_CLUSTER, "kafka-cluster", p, RC_ACL_OP_IDEMPOTENT_WRITE);
        }
        if (b->operation != RC_ACL_OP_READ ||
            !has(live, RC_ACL_RES_TOPIC, t->name, p, RC_ACL_OP_DESCRIBE))
            continue;
        /* a group declares one service: the first principal (in order) wins,
         * another reading with the same group keeps its bindings explicit */
        for (size_t g = 0; g < t->nconsumers; g++) {
            if (t->consumer_services[g] ||
                !has(live, RC_ACL_RES_GROUP, t->consumers[g], p, RC_ACL_OP_READ))
                continue;
            t->consumer_services[g] = rc_xstrdup(svc->name);
            grant(covered, RC_ACL_RES_TOPIC, t->name, p, RC_ACL_OP_READ);
            grant(covered, RC_ACL_RES_TOPIC, t->name, p, RC_ACL_OP_DESCRIBE);
            grant(covered, RC_ACL_RES_GROUP, t->consumers[g], p, RC_ACL_OP_READ);
        }
    }
}

void rc_import_access(rc_import *im, const rc_import_input *in)
{
    rc_acl_plan plan;
    rc_acl_plan_against(&plan, in->repo, in->decl, in->acls, false, NULL);
    rc_acl_set unmanaged = {0};
    for (size_t i = 0; i < plan.nchanges; i++)
        if (plan.changes[i].action == RC_ACL_UNMANAGED)
            rc_acl_set_add(&unmanaged, &plan.changes[i].binding);
    rc_acl_plan_free(&plan);
    rc_acl_set_normalise(&unmanaged);

    topic_index ix = index_topics(&unmanaged);
    rc_acl_set covered = {0};
    size_t k = 0;
    for (size_t i = 0; i < im->ntopics; i++) {
        rc_import_topic *t = &im->topics[i];
        while (k < ix.n && strcmp(ix.v[k]->name, t->name) < 0)
            k++;
        size_t end = k;
        while (end < ix.n && !strcmp(ix.v[end]->name, t->name))
            end++;
        map_topic(t, in, ix.v + k, end - k, &covered);
        k = end;
    }
    free(ix.v);
    rc_acl_set_normalise(&covered);
    for (size_t i = 0; i < unmanaged.len; i++) {
        if (rc_acl_set_find(&covered, &unmanaged.items[i]))
            im->bindings_by_topics++;
        else
            rc_acl_set_add(&im->bindings, &unmanaged.items[i]);
    }
    rc_acl_set_normalise(&im->bindings);
    rc_acl_set_free(&covered);
    rc_acl_set_free(&unmanaged);
}
