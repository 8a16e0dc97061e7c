/* registry.c — every kind of resource beside topics, in report order. A
 * new kind is one line here and its own src/kinds/<kind>.c. */
#include "kinds.h"

#include "util.h"

#include <string.h>

static const rc_resource_kind *const registered[] = {&rc_kind_acl};

const rc_resource_kind *const *rc_kinds(size_t *n)
{
    *n = sizeof(registered) / sizeof(registered[0]);
    return registered;
}

static const rc_cluster_decl *find_cluster(const rc_repo *r, const char *name)
{
    for (size_t i = 0; r && i < r->nclusters; i++)
        if (r->clusters[i].name && !strcmp(r->clusters[i].name, name))
            return &r->clusters[i];
    return NULL;
}

void rc_kinds_changeset(rc_changeset *cs, const rc_repo *base, const rc_repo *head)
{
    size_t nk;
    const rc_resource_kind *const *kinds = rc_kinds(&nk);
    for (size_t i = 0; i < cs->nclusters; i++) {
        rc_changeset_cluster *c = &cs->clusters[i];
        const rc_cluster_decl *b = find_cluster(base, c->name), *h = find_cluster(head, c->name);
        for (size_t k = 0; k < nk; k++) {
            void *plan = NULL;
            kinds[k]->plan_offline(&plan, base, b, head, h);
            if (!plan)
                continue;
            c->kinds = rc_xrealloc(c->kinds, (c->nkinds + 1) * sizeof(*c->kinds));
            c->kinds[c->nkinds++] = (rc_kind_plan){kinds[k], plan};
        }
    }
}
