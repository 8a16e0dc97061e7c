#include "model.h"

#include "acl.h"
#include "kind.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

const char *const rc_client_metric_keys[RC_CLIENT_NMETRICS] = {"delivered", "delivery_failed",
                                                               "consumed", "consume_failed"};

static void client_metrics_free(rc_client_metrics *m)
{
    for (size_t i = 0; i < RC_CLIENT_NMETRICS; i++)
        free(m->metric[i]);
    free(m->topic_label);
    free(m->service_label);
    free(m->partition_label);
}

void rc_topic_decl_free(rc_topic_decl *t)
{
    free(t->name);
    free(t->file);
    free(t->owner);
    free(t->message);
    free(t->description);
    free(t->severity);
    rc_kvlist_free(&t->config);
    free_strv(t->consumers, t->nconsumers);
    free_strv(t->producers, t->nproducers);
    free_strv(t->consumer_services, t->nconsumers);
    memset(t, 0, sizeof(*t));
}

void rc_cluster_decl_free(rc_cluster_decl *c)
{
    free(c->name);
    free(c->file);
    free(c->bootstrap);
    rc_kvlist_free(&c->client_props);
    free(c->cluster_id);
    free(c->repo_url);
    rc_kvlist_free(&c->default_config);
    free(c->default_severity);
    free(c->name_pattern);
    free_strv(c->ignore_patterns, c->nignore_patterns);
    free_strv(c->allowed_config_keys, c->nallowed_config_keys);
    free(c->metric_source);
    free(c->prometheus_datasource);
    free(c->prometheus_url);
    free(c->grafana_url);
    free(c->grafana_folder);
    rc_kvlist_free(&c->alert_labels);
    client_metrics_free(&c->client_metrics);
    free(c->self_principal);
    free_strv(c->ignore_principals, c->nignore_principals);
    rc_acl_set_free(&c->extra_bindings);
    for (size_t i = 0; i < c->ntopics; i++)
        rc_topic_decl_free(&c->topics[i]);
    free(c->topics);
    memset(c, 0, sizeof(*c));
}

void rc_repo_free(rc_repo *r)
{
    for (size_t i = 0; i < r->nteams; i++) {
        free(r->teams[i].name);
        free(r->teams[i].chat);
        free(r->teams[i].escalation);
    }
    free(r->teams);
    for (size_t i = 0; i < r->nservices; i++) {
        free(r->services[i].name);
        free(r->services[i].principal);
        free(r->services[i].team);
    }
    free(r->services);
    for (size_t i = 0; i < r->nclusters; i++)
        rc_cluster_decl_free(&r->clusters[i]);
    free(r->clusters);
    memset(r, 0, sizeof(*r));
}

const rc_team *rc_repo_team(const rc_repo *r, const char *name)
{
    for (size_t i = 0; i < r->nteams; i++)
        if (strcmp(r->teams[i].name, name) == 0)
            return &r->teams[i];
    return NULL;
}

void rc_topic_obs_free(rc_topic_obs *t)
{
    free(t->name);
    for (size_t i = 0; i < t->nconfigs; i++) {
        free(t->configs[i].key);
        free(t->configs[i].value);
    }
    free(t->configs);
    free(t->config_error);
    memset(t, 0, sizeof(*t));
}

void rc_cluster_obs_free(rc_cluster_obs *c)
{
    free(c->cluster_id);
    for (size_t i = 0; i < c->ntopics; i++)
        rc_topic_obs_free(&c->topics[i]);
    free(c->topics);
    free_strv(c->config_keys, c->nconfig_keys);
    memset(c, 0, sizeof(*c));
}

const rc_topic_obs *rc_cluster_obs_topic(const rc_cluster_obs *c, const char *name)
{
    size_t lo = 0, hi = c->ntopics;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(c->topics[mid].name, name);
        if (cmp == 0)
            return &c->topics[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void rc_topic_plan_free(rc_topic_plan *p)
{
    free(p->topic);
    for (size_t i = 0; i < p->nchanges; i++) {
        free(p->changes[i].key);
        free(p->changes[i].old_value);
        free(p->changes[i].new_value);
    }
    free(p->changes);
    rc_kvlist_free(&p->desired_overrides);
    free_strv(p->refusals, p->nrefusals);
    free(p->broker_error);
    memset(p, 0, sizeof(*p));
}

void rc_cluster_plan_free(rc_cluster_plan *p)
{
    free(p->cluster);
    free(p->cluster_id);
    for (size_t i = 0; i < p->ntopics; i++)
        rc_topic_plan_free(&p->topics[i]);
    free(p->topics);
    rc_kind_plans_free(p->kinds, p->nkinds);
    free_strv(p->warnings, p->nwarnings);
    free(p->error);
    memset(p, 0, sizeof(*p));
}

void rc_kind_plans_free(rc_kind_plan *kinds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (kinds[i].plan)
            kinds[i].kind->free(kinds[i].plan);
    free(kinds);
}

void rc_acl_plan_free(rc_acl_plan *p)
{
    for (size_t i = 0; i < p->nchanges; i++) {
        rc_acl_binding_clear(&p->changes[i].binding);
        free(p->changes[i].refusal);
        free(p->changes[i].broker_error);
    }
    free(p->changes);
    free(p->refusal);
    memset(p, 0, sizeof(*p));
}

void rc_cluster_plan_counts(const rc_cluster_plan *p, size_t counts[6])
{
    memset(counts, 0, 6 * sizeof(size_t));
    for (size_t i = 0; i < p->ntopics; i++)
        counts[p->topics[i].action]++;
}

bool rc_cluster_plan_has_changes(const rc_cluster_plan *p)
{
    for (size_t i = 0; i < p->nkinds; i++)
        if (p->kinds[i].plan && p->kinds[i].kind->pending(p->kinds[i].plan) > 0)
            return true;
    for (size_t i = 0; i < p->ntopics; i++) {
        rc_topic_action a = p->topics[i].action;
        if (a == RC_ACT_CREATE || a == RC_ACT_UPDATE || a == RC_ACT_DELETE)
            return true;
    }
    return false;
}

/* One row per action, in enum order: what JSON says and the sign every
 * printer puts before the topic. */
static const struct {
    const char *name, *sign;
} topic_actions[] = {
    [RC_ACT_UNCHANGED] = {"unchanged", "="}, [RC_ACT_CREATE] = {"create", "+"},
    [RC_ACT_UPDATE] = {"update", "~"},       [RC_ACT_REFUSE] = {"refuse", "!"},
    [RC_ACT_UNMANAGED] = {"unmanaged", "?"}, [RC_ACT_DELETE] = {"delete", "-"},
};

const char *rc_topic_action_name(rc_topic_action a)
{
    return (unsigned)a < sizeof(topic_actions) / sizeof(topic_actions[0]) ? topic_actions[a].name
                                                                          : "unknown";
}

const char *rc_topic_action_sign(rc_topic_action a)
{
    return (unsigned)a < sizeof(topic_actions) / sizeof(topic_actions[0]) ? topic_actions[a].sign
                                                                          : "=";
}

void rc_group_offsets_free(rc_group_offsets *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++) {
        free(g[i].group);
        for (size_t k = 0; k < g[i].ncommitted; k++)
            free(g[i].committed[k].topic);
        free(g[i].committed);
        for (size_t k = 0; k < g[i].ntopics; k++)
            free(g[i].topics[k]);
        free(g[i].topics);
        free(g[i].error);
    }
    free(g);
}

char *rc_topic_rate_change_text(const rc_topic_decl *t)
{
    if (t->rate_change <= 0)
        return NULL;
    return rc_xasprintf(t->rate_change_is_percent ? "%g%%" : "%gx", t->rate_change);
}

void rc_topic_rate_change_bounds(const rc_topic_decl *t, double *above, double *below)
{
    *above = *below = 0;
    if (t->rate_change <= 0)
        return;
    if (t->rate_change_is_percent) {
        *above = 1 + t->rate_change / 100;
        *below = 1 - t->rate_change / 100;
    } else {
        *above = t->rate_change;
        *below = 1 / t->rate_change;
    }
}
