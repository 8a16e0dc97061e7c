/* diff.c — declared + observed -> plan. See diff.h for the semantics. */
#include "diff.h"

#include "topic_config.h"
#include "util.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* ---- small growable arrays -------------------------------------------------- */

static void strv_push(char ***v, size_t *n, char *s)
{
    /* Refusals and warnings are few per topic: grow by one, keep the code simple. */
    *v = rc_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = s;
}

typedef struct change_vec {
    rc_config_change *items;
    size_t len;
    size_t cap;
} change_vec;

/* Takes ownership of old_value (may be NULL); copies key and new_value. */
static void change_push(change_vec *v, const char *key, char *old_value, const char *new_value,
                        bool drift)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->items = rc_xrealloc(v->items, v->cap * sizeof(*v->items));
    }
    rc_config_change *c = &v->items[v->len++];
    c->key = rc_xstrdup(key);
    c->old_value = old_value;
    c->new_value = new_value ? rc_xstrdup(new_value) : NULL;
    c->drift = drift;
}

static void change_vec_free(change_vec *v)
{
    for (size_t i = 0; i < v->len; i++) {
        free(v->items[i].key);
        free(v->items[i].old_value);
        free(v->items[i].new_value);
    }
    free(v->items);
    memset(v, 0, sizeof(*v));
}

static int change_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_config_change *)a)->key, ((const rc_config_change *)b)->key);
}

/* Moves the changes into the plan, sorted by key, so every printer and test sees
 * one deterministic order regardless of the order the broker reported configs. */
static void change_vec_move(rc_topic_plan *p, change_vec *v)
{
    if (v->len > 1)
        qsort(v->items, v->len, sizeof(*v->items), change_cmp);
    p->changes = v->items;
    p->nchanges = v->len;
    memset(v, 0, sizeof(*v));
}

/* ---- helpers ------------------------------------------------------------------- */

bool rc_diff_topic_ignored(const rc_cluster_decl *decl, const char *name, bool internal)
{
    /* reconcile's own record of the last applied commit is never managed */
    if (internal || strncmp(name, "__", 2) == 0 || strcmp(name, RC_APPLIED_STATE_TOPIC) == 0)
        return true;
    for (size_t i = 0; decl && i < decl->nignore_patterns; i++)
        if (decl->ignore_patterns[i] && fnmatch(decl->ignore_patterns[i], name, 0) == 0)
            return true;
    return false;
}

static const char *matching_ignore_pattern(const rc_cluster_decl *decl, const char *name)
{
    for (size_t i = 0; i < decl->nignore_patterns; i++)
        if (decl->ignore_patterns[i] && fnmatch(decl->ignore_patterns[i], name, 0) == 0)
            return decl->ignore_patterns[i];
    return NULL;
}

/* Observed configs are a flat list of ~50 entries per topic (Kafka describes
 * every key, defaults included) and a declaration has a handful of keys, so a
 * linear scan is cheaper than building an index per topic. */
static const rc_config_obs *find_config(const rc_topic_obs *o, const char *key)
{
    for (size_t i = 0; i < o->nconfigs; i++)
        if (o->configs[i].key && strcmp(o->configs[i].key, key) == 0)
            return &o->configs[i];
    return NULL;
}

/* The broker's value in canonical form; the raw value when the catalogue cannot
 * canonicalise it (a newer broker's key or format): comparing raw text can only
 * produce a visible diff, never hide one. Heap string. */
static char *observed_canonical(const char *key, const char *value)
{
    char err[160];
    char *canon = NULL;
    if (rc_topic_config_canonical(&canon, key, value, err, sizeof(err)) == 0 && canon)
        return canon;
    free(canon);
    return rc_xstrdup(value);
}

static bool value_known(const rc_config_obs *c)
{
    return c->value && !c->sensitive;
}

/* The overrides the topic has right now (known values only), as the broker
 * spells them: what "leave the topic alone" means for a full-set AlterConfigs. */
static void current_overrides(rc_kvlist *out, const rc_topic_obs *o)
{
    for (size_t i = 0; i < o->nconfigs; i++) {
        const rc_config_obs *c = &o->configs[i];
        if (c->key && c->source == RC_CFG_TOPIC_OVERRIDE && value_known(c))
            rc_kvlist_set(out, c->key, c->value);
    }
    rc_kvlist_sort(out);
}

/* ---- one declared topic ------------------------------------------------------ */

static void diff_config(rc_topic_plan *p, change_vec *changes, const rc_cluster_decl *cd,
                        const rc_topic_decl *d, const rc_topic_obs *o)
{
    /* Every declared key is part of the desired set, equal or not: with the
     * non-incremental AlterConfigs anything missing from the set is wiped. */
    rc_kvlist_copy(&p->desired_overrides, &d->config);
    if (!o->configs)
        return;

    for (size_t i = 0; i < d->config.len; i++) {
        const char *key = d->config.items[i].key;
        const char *want = d->config.items[i].value;
        const rc_config_obs *c = find_config(o, key);
        if (!c) {
            change_push(changes, key, NULL, want, false);
            continue;
        }
        if (!value_known(c))
            continue;
        char *have = observed_canonical(key, c->value);
        if (strcmp(have, want) == 0) {
            free(have);
            continue;
        }
        if (c->source != RC_CFG_TOPIC_OVERRIDE) {
            /* Contract: old_value is the override, NULL when only a default applied. */
            free(have);
            have = NULL;
        }
        change_push(changes, key, have, want, false);
    }

    for (size_t i = 0; i < o->nconfigs; i++) {
        const rc_config_obs *c = &o->configs[i];
        if (!c->key || c->source != RC_CFG_TOPIC_OVERRIDE || !value_known(c))
            continue;
        if (rc_kvlist_get(&d->config, c->key))
            continue;
        /* Throttles belong to whoever runs a reassignment right now; resetting
         * them mid-reassignment would let replication saturate the network. */
        if (rc_topic_config_is_throttle_key(c->key) || cd->keep_undeclared_overrides) {
            rc_kvlist_set(&p->desired_overrides, c->key, c->value);
            continue;
        }
        change_push(changes, c->key, observed_canonical(c->key, c->value), NULL, true);
    }
}

static void plan_missing(rc_topic_plan *p, const rc_topic_decl *d, change_vec *changes)
{
    p->action = RC_ACT_CREATE;
    p->partitions_from = 0;
    p->partitions_to = d->partitions > 0 ? d->partitions : -1;
    p->replication_factor = d->replication_factor > 0 ? d->replication_factor : -1;
    rc_kvlist_copy(&p->desired_overrides, &d->config);
    for (size_t i = 0; i < d->config.len; i++)
        change_push(changes, d->config.items[i].key, NULL, d->config.items[i].value, false);
}

static void plan_existing(rc_topic_plan *p, const rc_cluster_decl *cd, const rc_topic_decl *d,
                          const rc_topic_obs *o, change_vec *changes)
{
    p->partitions_from = o->partitions;
    p->partitions_to = o->partitions;
    p->replication_factor = o->replication_factor;

    /* Partitions or replication factor <= 0 mean "broker default" in a
     * declaration and "unknown" in an observation: neither can be a diff. */
    if (d->partitions > 0 && o->partitions > 0) {
        if (d->partitions < o->partitions)
            strv_push(&p->refusals, &p->nrefusals,
                      rc_xasprintf("partitions cannot be decreased from %d to %d: Kafka cannot "
                                   "shrink a topic; create a new topic and migrate, or declare %d",
                                   o->partitions, d->partitions, o->partitions));
        else if (d->partitions > o->partitions)
            p->partitions_to = d->partitions;
    }
    if (d->replication_factor > 0 && o->replication_factor > 0 &&
        d->replication_factor != o->replication_factor && !rc_diff_reassignment_suspected(o))
        strv_push(&p->refusals, &p->nrefusals,
                  rc_xasprintf("replication factor %d -> %d needs a partition reassignment "
                               "(kafka-reassign-partitions); declare %d or reassign first",
                               o->replication_factor, d->replication_factor,
                               o->replication_factor));

    diff_config(p, changes, cd, d, o);
}

bool rc_diff_reassignment_suspected(const rc_topic_obs *o)
{
    if (o->max_replicas > o->replication_factor && o->replication_factor > 0)
        return true;
    if (o->replicas_catching_up)
        return true;
    for (size_t i = 0; o->configs && i < o->nconfigs; i++) {
        const rc_config_obs *c = &o->configs[i];
        if (c->key && c->source == RC_CFG_TOPIC_OVERRIDE &&
            rc_topic_config_is_throttle_key(c->key) && c->value && *c->value)
            return true;
    }
    return false;
}

/* Names reconcile never touches get a refusal rather than silence: a declaration
 * that is quietly ignored looks applied to whoever wrote it. */
static void refuse_ignored(rc_topic_plan *p, const rc_cluster_decl *cd, const rc_topic_decl *d,
                           const rc_topic_obs *o)
{
    const char *pattern;
    if (o && o->internal)
        strv_push(&p->refusals, &p->nrefusals,
                  rc_xstrdup("internal Kafka topic: reconcile never touches it; remove the "
                             "declaration"));
    else if (strncmp(d->name, "__", 2) == 0)
        strv_push(&p->refusals, &p->nrefusals,
                  rc_xstrdup("names starting with \"__\" are reserved for Kafka's internal "
                             "topics and never touched; rename the topic"));
    else if ((pattern = matching_ignore_pattern(cd, d->name)) != NULL)
        strv_push(&p->refusals, &p->nrefusals,
                  rc_xasprintf("the cluster policy ignores topics matching \"%s\", so reconcile "
                               "never touches this one; remove the declaration or the pattern",
                               pattern));
}

static void plan_declared(rc_topic_plan *p, const rc_cluster_decl *cd, const rc_topic_decl *d,
                          const rc_topic_obs *o)
{
    change_vec changes = {0};
    p->topic = rc_xstrdup(d->name);
    p->decl = d;

    if (rc_diff_topic_ignored(cd, d->name, o && o->internal))
        refuse_ignored(p, cd, d, o);
    else if (o && o->config_error)
        strv_push(&p->refusals, &p->nrefusals,
                  rc_xasprintf("its configs could not be read, so nothing is planned for it: %s",
                               o->config_error));
    else if (o && o->describe_denied)
        strv_push(&p->refusals, &p->nrefusals,
                  rc_xstrdup("not authorised to describe this topic (TOPIC_AUTHORIZATION_FAILED): "
                             "whether it exists is unknown, so nothing is planned for it; grant "
                             "the principal Describe on the topic and DescribeConfigs, which "
                             "plan needs to read it (apply also needs Create, Alter and "
                             "AlterConfigs on it)"));
    else if (!o)
        plan_missing(p, d, &changes);
    else
        plan_existing(p, cd, d, o, &changes);

    if (p->nrefusals > 0) {
        /* A refused topic is left exactly as it is (see diff.h). */
        change_vec_free(&changes);
        p->action = RC_ACT_REFUSE;
        p->partitions_to = p->partitions_from;
        rc_kvlist_free(&p->desired_overrides);
        if (o)
            current_overrides(&p->desired_overrides, o);
        return;
    }
    rc_kvlist_sort(&p->desired_overrides);
    if (p->action != RC_ACT_CREATE)
        p->action = (changes.len > 0 || p->partitions_to != p->partitions_from) ? RC_ACT_UPDATE
                                                                                : RC_ACT_UNCHANGED;
    change_vec_move(p, &changes);
}

static void plan_undeclared(rc_topic_plan *p, const rc_cluster_decl *cd, const rc_topic_obs *o,
                            bool prune)
{
    p->topic = rc_xstrdup(o->name);
    p->action = prune && cd->allow_delete ? RC_ACT_DELETE : RC_ACT_UNMANAGED;
    p->partitions_from = o->partitions;
    p->partitions_to = o->partitions;
    p->replication_factor = o->replication_factor;
}

/* More deletions than policy.max_deletions allows: the declarations are more
 * likely wrong (an emptied or renamed directory) than meant, so the whole
 * cluster is refused, not just the deletions beyond the bound. */
static void bound_deletions(rc_cluster_plan *out, const rc_cluster_decl *decl)
{
    int max = decl->max_deletions > 0 ? decl->max_deletions : RC_DEFAULT_MAX_DELETIONS;
    size_t ndelete = 0;
    for (size_t i = 0; i < out->ntopics; i++)
        ndelete += out->topics[i].action == RC_ACT_DELETE;
    if (ndelete <= (size_t)max)
        return;
    const char *file = decl->file ? decl->file : "the cluster file";
    for (size_t i = 0; i < out->ntopics; i++) {
        rc_topic_plan *tp = &out->topics[i];
        if (tp->action != RC_ACT_DELETE)
            continue;
        tp->action = RC_ACT_REFUSE;
        strv_push(&tp->refusals, &tp->nrefusals,
                  rc_xasprintf("not deleted: the prune would delete %zu topics, more than "
                               "policy.max_deletions (%d)",
                               ndelete, max));
    }
    out->error = rc_xasprintf(
        "cluster %s: --prune would delete %zu topics, more than policy.max_deletions allows "
        "(%d%s); "
        "nothing is applied to this cluster. If these deletions are meant, set "
        "policy.max_deletions to at least %zu in %s, in the same change",
        out->cluster, ndelete, max, decl->max_deletions > 0 ? "" : ", the default", ndelete, file);
}

/* ---- ordering -------------------------------------------------------------------- */

/* Pointer views in name order (names_valid has ruled out NULL names). The
 * inputs are documented as sorted, so this is one O(n) check in practice;
 * sorting a wrongly ordered input is cheaper than debugging a merge that
 * silently reports existing topics as missing. */
RC_DEFINE_BY_NAME(decls_by_name, rc_topic_decl)
RC_DEFINE_BY_NAME(obs_by_name, rc_topic_obs)

static bool names_valid(const rc_cluster_decl *decl, const rc_cluster_obs *obs)
{
    for (size_t i = 0; i < decl->ntopics; i++)
        if (!decl->topics[i].name)
            return false;
    for (size_t i = 0; i < obs->ntopics; i++)
        if (!obs->topics[i].name)
            return false;
    return true;
}

/* One merge pass over both sorted lists: O(n + m) comparisons, so 10,000
 * declared against 10,000 observed topics costs milliseconds. Unmanaged
 * topics are collected on the side because they go after the declared ones. */
static void merge_topics(rc_cluster_plan *out, const rc_cluster_decl *decl, const rc_topic_decl **d,
                         const rc_cluster_obs *obs, const rc_topic_obs **o, bool prune)
{
    out->topics = rc_xcalloc(decl->ntopics + obs->ntopics, sizeof(*out->topics));
    const rc_topic_obs **undeclared = rc_xcalloc(obs->ntopics, sizeof(*undeclared));
    size_t nundeclared = 0, i = 0, j = 0;
    while (i < decl->ntopics || j < obs->ntopics) {
        int cmp;
        if (i == decl->ntopics)
            cmp = 1;
        else if (j == obs->ntopics)
            cmp = -1;
        else
            cmp = strcmp(d[i]->name, o[j]->name);

        if (cmp < 0) {
            plan_declared(&out->topics[out->ntopics++], decl, d[i], NULL);
            i++;
        } else if (cmp == 0) {
            plan_declared(&out->topics[out->ntopics++], decl, d[i], o[j]);
            i++;
            j++;
        } else {
            if (!rc_diff_topic_ignored(decl, o[j]->name, o[j]->internal))
                undeclared[nundeclared++] = o[j];
            j++;
        }
        /* A topic the broker listed twice is one topic. */
        while (j > 0 && j < obs->ntopics && cmp >= 0 && strcmp(o[j - 1]->name, o[j]->name) == 0)
            j++;
    }
    for (size_t k = 0; k < nundeclared; k++)
        plan_undeclared(&out->topics[out->ntopics++], decl, undeclared[k], prune);
    free(undeclared);
}

static void warn_reassignments(rc_cluster_plan *out, const rc_cluster_decl *decl,
                               const rc_cluster_obs *obs)
{
    for (size_t k = 0; k < decl->ntopics; k++) {
        const rc_topic_obs *t = rc_cluster_obs_topic(obs, decl->topics[k].name);
        int rf = decl->topics[k].replication_factor;
        if (t && rf > 0 && t->replication_factor != rf && rc_diff_reassignment_suspected(t))
            strv_push(&out->warnings, &out->nwarnings,
                      rc_xasprintf("topic %s: a partition reassignment appears to be in progress "
                                   "(replica counts %d to %d, replicas outside the ISR, or "
                                   "throttled replicas set): its replication factor is compared "
                                   "once it completes",
                                   t->name, t->replication_factor, t->max_replicas));
    }
}

/* ---- entry point ----------------------------------------------------------------- */

int rc_diff_plan(rc_cluster_plan *out, const rc_cluster_decl *decl, const rc_cluster_obs *obs,
                 const rc_diff_options *opt, char *errbuf, size_t errlen)
{
    if (!out)
        return rc_errorf(RC_ERR, errbuf, errlen, "internal error: no plan to fill");
    memset(out, 0, sizeof(*out));
    if (!decl || !obs) {
        out->cluster = rc_xstrdup(decl && decl->name ? decl->name : "");
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "internal error: no declarations or observed state to diff");
    }
    bool prune = opt && opt->prune;
    out->cluster = rc_xstrdup(decl->name ? decl->name : "");
    if (obs->cluster_id)
        out->cluster_id = rc_xstrdup(obs->cluster_id);
    if (!names_valid(decl, obs)) {
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "cluster %s: internal error: a topic without a name", out->cluster);
    }

    const rc_topic_decl **d = decls_by_name(decl->topics, decl->ntopics, NULL);
    for (size_t i = 1; i < decl->ntopics; i++) {
        if (strcmp(d[i - 1]->name, d[i]->name) == 0) {
            /* validate rejects this; a plan with two opinions about one topic is
             * not something to apply. */
            int rc = rc_errorf(RC_ERR, errbuf, errlen,
                               "cluster %s: topic %s is declared twice (%s and %s)", out->cluster,
                               d[i]->name, d[i - 1]->file ? d[i - 1]->file : "?",
                               d[i]->file ? d[i]->file : "?");
            free(d);
            return rc;
        }
    }
    const rc_topic_obs **o = obs_by_name(obs->topics, obs->ntopics, NULL);

    if (obs->auto_create_topics == 1)
        strv_push(&out->warnings, &out->nwarnings,
                  rc_xstrdup("the brokers auto-create topics (auto.create.topics.enable=true): a "
                             "client naming a missing topic creates it undeclared, with broker "
                             "defaults; set auto.create.topics.enable=false on the brokers"));

    merge_topics(out, decl, d, obs, o, prune);
    warn_reassignments(out, decl, obs);
    bound_deletions(out, decl);

    free(o);
    free(d);
    return 0;
}
