/* test_diff.c — the diff engine, one test per action, refusal and config rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "diff.h"
#include "model.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixture: declared + observed state built in a few lines ----------------- */

typedef struct fx {
    rc_cluster_decl decl;
    rc_cluster_obs obs;
    rc_cluster_plan plan;
    rc_diff_options opt;
} fx;

static int fx_setup(void **state)
{
    fx *f = rc_xcalloc(1, sizeof(*f));
    f->decl.name = rc_xstrdup("local");
    f->decl.default_replication_factor = 3;
    f->obs.cluster_id = rc_xstrdup("q1Sh-9_ISia_zwGINzRvyQ");
    f->obs.broker_count = 3;
    f->obs.auto_create_topics = 0;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;
    rc_cluster_decl_free(&f->decl);
    rc_cluster_obs_free(&f->obs);
    rc_cluster_plan_free(&f->plan);
    free(f);
    return 0;
}

/* Adds a declared topic; the config is given as "key", "value" pairs, NULL-terminated. */
static void decl_topic(fx *f, const char *name, int partitions, int rf, ...)
{
    f->decl.topics = rc_xrealloc(f->decl.topics, (f->decl.ntopics + 1) * sizeof(*f->decl.topics));
    rc_topic_decl *t = &f->decl.topics[f->decl.ntopics++];
    memset(t, 0, sizeof(*t));
    t->name = rc_xstrdup(name);
    t->file = rc_xasprintf("topics/local/%s.yaml", name);
    t->line = 1;
    t->col = 7;
    t->partitions = partitions;
    t->replication_factor = rf;
    t->owner = rc_xstrdup("team-a");
    va_list ap;
    va_start(ap, rf);
    const char *k;
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);
        rc_kvlist_set(&t->config, k, v);
    }
    va_end(ap);
}

/* Adds an observed topic whose configs were described (possibly none). */
static void obs_topic(fx *f, const char *name, int partitions, int rf, bool internal)
{
    f->obs.topics = rc_xrealloc(f->obs.topics, (f->obs.ntopics + 1) * sizeof(*f->obs.topics));
    rc_topic_obs *t = &f->obs.topics[f->obs.ntopics++];
    memset(t, 0, sizeof(*t));
    t->name = rc_xstrdup(name);
    t->partitions = partitions;
    t->replication_factor = rf;
    t->internal = internal;
    t->configs = rc_xcalloc(1, sizeof(*t->configs));
}

static rc_topic_obs *obs_find(fx *f, const char *name)
{
    for (size_t i = 0; i < f->obs.ntopics; i++)
        if (strcmp(f->obs.topics[i].name, name) == 0)
            return &f->obs.topics[i];
    fail_msg("no observed topic %s", name);
    return NULL;
}

static rc_config_obs *obs_cfg(fx *f, const char *topic, const char *key, const char *value,
                              rc_config_source src)
{
    rc_topic_obs *t = obs_find(f, topic);
    t->configs = rc_xrealloc(t->configs, (t->nconfigs + 1) * sizeof(*t->configs));
    rc_config_obs *c = &t->configs[t->nconfigs++];
    memset(c, 0, sizeof(*c));
    c->key = rc_xstrdup(key);
    c->value = value ? rc_xstrdup(value) : NULL;
    c->source = src;
    return c;
}

/* Kafka describes every key of a topic, defaults included: mimic that so the
 * engine is tested against realistic input, not a minimal one. */
static void obs_defaults(fx *f, const char *topic)
{
    obs_cfg(f, topic, "cleanup.policy", "delete", RC_CFG_DEFAULT);
    obs_cfg(f, topic, "retention.ms", "604800000", RC_CFG_DEFAULT);
    obs_cfg(f, topic, "segment.ms", "604800000", RC_CFG_DEFAULT);
    obs_cfg(f, topic, "min.insync.replicas", "1", RC_CFG_BROKER_STATIC);
    obs_cfg(f, topic, "max.message.bytes", "1048588", RC_CFG_DEFAULT);
}

static void set_cfg(fx *f, const char *topic, const char *key, const char *value,
                    rc_config_source src)
{
    rc_topic_obs *t = obs_find(f, topic);
    for (size_t i = 0; i < t->nconfigs; i++) {
        if (strcmp(t->configs[i].key, key) == 0) {
            free(t->configs[i].value);
            t->configs[i].value = value ? rc_xstrdup(value) : NULL;
            t->configs[i].source = src;
            return;
        }
    }
    obs_cfg(f, topic, key, value, src);
}

static int decl_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_topic_decl *)a)->name, ((const rc_topic_decl *)b)->name);
}

static int obs_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_topic_obs *)a)->name, ((const rc_topic_obs *)b)->name);
}

/* Sorts the inputs as the parser and the adapter promise, then diffs. */
/* The plan, which may carry a cluster-level refusal in plan.error. */
static void run_plan(fx *f)
{
    if (f->decl.ntopics > 1)
        qsort(f->decl.topics, f->decl.ntopics, sizeof(*f->decl.topics), decl_cmp);
    if (f->obs.ntopics > 1)
        qsort(f->obs.topics, f->obs.ntopics, sizeof(*f->obs.topics), obs_cmp);
    rc_cluster_plan_free(&f->plan);
    assert_int_equal(rc_diff_plan(&f->plan, &f->decl, &f->obs, &f->opt, NULL, 0), 0);
}

static void run(fx *f)
{
    run_plan(f);
    assert_null(f->plan.error);
}

static const rc_topic_plan *tp(const fx *f, const char *name)
{
    for (size_t i = 0; i < f->plan.ntopics; i++)
        if (strcmp(f->plan.topics[i].topic, name) == 0)
            return &f->plan.topics[i];
    return NULL;
}

static const rc_topic_plan *tp_must(const fx *f, const char *name)
{
    const rc_topic_plan *p = tp(f, name);
    if (!p)
        fail_msg("topic %s is not in the plan", name);
    return p;
}

static const rc_config_change *change(const rc_topic_plan *p, const char *key)
{
    for (size_t i = 0; i < p->nchanges; i++)
        if (strcmp(p->changes[i].key, key) == 0)
            return &p->changes[i];
    return NULL;
}

static void assert_change(const rc_topic_plan *p, const char *key, const char *old_value,
                          const char *new_value, bool drift)
{
    const rc_config_change *c = change(p, key);
    if (!c)
        fail_msg("no change for %s on %s", key, p->topic);
    if (old_value)
        assert_string_equal(c->old_value, old_value);
    else
        assert_null(c->old_value);
    if (new_value)
        assert_string_equal(c->new_value, new_value);
    else
        assert_null(c->new_value);
    assert_int_equal(c->drift, drift);
}

/* ---- create ------------------------------------------------------------------ */

static void test_create(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 12, 3, "retention.ms", "604800000", "cleanup.policy", "delete",
               NULL);
    run(f);
    assert_int_equal(f->plan.ntopics, 1);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_CREATE);
    assert_ptr_equal(p->decl, &f->decl.topics[0]);
    assert_int_equal(p->partitions_from, 0);
    assert_int_equal(p->partitions_to, 12);
    assert_int_equal(p->replication_factor, 3);
    assert_int_equal(p->desired_overrides.len, 2);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "retention.ms"), "604800000");
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "cleanup.policy"), "delete");
    /* desired_overrides and changes are sorted by key */
    assert_string_equal(p->desired_overrides.items[0].key, "cleanup.policy");
    assert_int_equal(p->nchanges, 2);
    assert_string_equal(p->changes[0].key, "cleanup.policy");
    assert_change(p, "retention.ms", NULL, "604800000", false);
    assert_int_equal(p->nrefusals, 0);
    assert_null(p->broker_error);
    assert_true(rc_cluster_plan_has_changes(&f->plan));
}

static void test_create_broker_defaults(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", -1, -1, NULL);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_CREATE);
    assert_int_equal(p->partitions_to, -1);
    assert_int_equal(p->replication_factor, -1);
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->desired_overrides.len, 0);
}

/* ---- partitions and replication factor --------------------------------------- */

static void test_add_partitions(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 6, 3, NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_int_equal(p->partitions_from, 3);
    assert_int_equal(p->partitions_to, 6);
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->nrefusals, 0);
}

static void test_partition_decrease_refused(void **state)
{
    fx *f = *state;
    /* Alongside the refused decrease: a config change and a drift, neither of
     * which may be applied while the topic is refused. */
    decl_topic(f, "orders.v1", 6, 3, "retention.ms", "86400000", NULL);
    obs_topic(f, "orders.v1", 12, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "segment.ms", "3600000", RC_CFG_TOPIC_OVERRIDE);
    set_cfg(f, "orders.v1", "max.message.bytes", "2097152", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_int_equal(p->nrefusals, 1);
    assert_string_equal(p->refusals[0],
                        "partitions cannot be decreased from 12 to 6: Kafka cannot shrink a "
                        "topic; create a new topic and migrate, or declare 12");
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->partitions_from, 12);
    assert_int_equal(p->partitions_to, 12);
    /* desired_overrides = what is there now: nothing would be wiped or set */
    assert_int_equal(p->desired_overrides.len, 2);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "segment.ms"), "3600000");
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "max.message.bytes"), "2097152");
    assert_null(rc_kvlist_get(&p->desired_overrides, "retention.ms"));
    assert_false(rc_cluster_plan_has_changes(&f->plan));
}

static void test_rf_change_refused(void **state)
{
    fx *f = *state;
    /* Partitions would be added too: still nothing is applied. */
    decl_topic(f, "orders.v1", 6, 3, NULL);
    obs_topic(f, "orders.v1", 3, 1, false);
    obs_defaults(f, "orders.v1");
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_int_equal(p->nrefusals, 1);
    assert_string_equal(p->refusals[0], "replication factor 1 -> 3 needs a partition reassignment "
                                        "(kafka-reassign-partitions); declare 1 or reassign first");
    assert_int_equal(p->partitions_to, p->partitions_from);
    assert_int_equal(p->nchanges, 0);
}

static void test_both_refusals(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 6, 3, NULL);
    obs_topic(f, "orders.v1", 12, 2, false);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_int_equal(p->nrefusals, 2);
    assert_non_null(strstr(p->refusals[0], "from 12 to 6"));
    assert_non_null(strstr(p->refusals[1], "replication factor 2 -> 3"));
}

static void test_rf_broker_default_never_diff(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, -1, NULL);
    obs_topic(f, "orders.v1", 3, 1, false);
    obs_defaults(f, "orders.v1");
    run(f);
    assert_int_equal(tp_must(f, "orders.v1")->action, RC_ACT_UNCHANGED);
}

static void test_partitions_broker_default_never_diff(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", -1, 3, NULL);
    obs_topic(f, "orders.v1", 7, 3, false);
    obs_defaults(f, "orders.v1");
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->partitions_from, 7);
    assert_int_equal(p->partitions_to, 7);
}

static void test_unchanged(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "86400000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "retention.ms", "86400000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->desired_overrides.len, 1);
    assert_false(rc_cluster_plan_has_changes(&f->plan));
}

/* ---- config ------------------------------------------------------------------ */

static void test_config_change(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "604800000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "retention.ms", "86400000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_int_equal(p->nchanges, 1);
    assert_change(p, "retention.ms", "86400000", "604800000", false);
    assert_int_equal(p->partitions_from, p->partitions_to);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "retention.ms"), "604800000");
}

static void test_config_change_from_default(void **state)
{
    fx *f = *state;
    /* The key had no override: old_value is NULL (the default applied). */
    decl_topic(f, "orders.v1", 3, 3, "min.insync.replicas", "2", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_change(p, "min.insync.replicas", NULL, "2", false);
}

static void test_config_key_not_reported(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "local.retention.ms", "3600000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_change(p, "local.retention.ms", NULL, "3600000", false);
}

static void test_canonical_equal_number(void **state)
{
    fx *f = *state;
    /* The declaration said 7d; the parser stored 604800000; the broker says 604800000. */
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "604800000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "retention.ms", "604800000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    assert_int_equal(tp_must(f, "orders.v1")->action, RC_ACT_UNCHANGED);
}

static void test_canonical_equal_list(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "cleanup.policy", "compact,delete", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "cleanup.policy", "compact, delete", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "cleanup.policy"), "compact,delete");
}

static void test_broker_default_equal_not_diff(void **state)
{
    fx *f = *state;
    /* Equal to Kafka's default, to a static broker value and to a dynamic
     * cluster-wide default: none is a diff, all stay in the desired set. */
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "604800000", "min.insync.replicas", "1",
               "compression.type", "zstd", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    obs_cfg(f, "orders.v1", "compression.type", "zstd", RC_CFG_BROKER_DYNAMIC);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->desired_overrides.len, 3);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "retention.ms"), "604800000");
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "min.insync.replicas"), "1");
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "compression.type"), "zstd");
}

static void test_drift_reset(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "604800000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "segment.ms", "3600000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_int_equal(p->nchanges, 1);
    assert_change(p, "segment.ms", "3600000", NULL, true);
    assert_null(rc_kvlist_get(&p->desired_overrides, "segment.ms"));
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "retention.ms"), "604800000");
}

static void test_drift_kept_by_policy(void **state)
{
    fx *f = *state;
    f->decl.keep_undeclared_overrides = true;
    decl_topic(f, "orders.v1", 3, 3, NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "segment.ms", "3600000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->nchanges, 0);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "segment.ms"), "3600000");
}

static void test_kept_override_survives_other_change(void **state)
{
    fx *f = *state;
    /* The full-set AlterConfigs must carry the kept override, or it is wiped. */
    f->decl.keep_undeclared_overrides = true;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "86400000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "segment.ms", "3600000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_int_equal(p->nchanges, 1);
    assert_change(p, "retention.ms", NULL, "86400000", false);
    assert_int_equal(p->desired_overrides.len, 2);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "segment.ms"), "3600000");
}

static void test_non_override_sources_not_drift(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    obs_cfg(f, "orders.v1", "compression.type", "zstd", RC_CFG_BROKER_DYNAMIC);
    obs_cfg(f, "orders.v1", "flush.ms", "1000", RC_CFG_OTHER);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->desired_overrides.len, 0);
}

static void test_throttle_untouched(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "86400000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "leader.replication.throttled.replicas", "0:1, 1:2",
            RC_CFG_TOPIC_OVERRIDE);
    set_cfg(f, "orders.v1", "follower.replication.throttled.replicas", "*", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    /* retention is a change; the throttles are neither drift nor dropped */
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_int_equal(p->nchanges, 1);
    assert_null(change(p, "leader.replication.throttled.replicas"));
    assert_null(change(p, "follower.replication.throttled.replicas"));
    /* kept exactly as the broker spells them */
    assert_string_equal(
        rc_kvlist_get(&p->desired_overrides, "leader.replication.throttled.replicas"), "0:1, 1:2");
    assert_string_equal(
        rc_kvlist_get(&p->desired_overrides, "follower.replication.throttled.replicas"), "*");
}

static void test_throttle_alone_unchanged(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "leader.replication.throttled.replicas", "0:1", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    assert_int_equal(tp_must(f, "orders.v1")->action, RC_ACT_UNCHANGED);
}

static void test_throttle_declared_managed(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "leader.replication.throttled.replicas", "*", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "leader.replication.throttled.replicas", "0:1", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_change(p, "leader.replication.throttled.replicas", "0:1", "*", false);
    assert_string_equal(
        rc_kvlist_get(&p->desired_overrides, "leader.replication.throttled.replicas"), "*");
}

static void test_sensitive_and_null_unknown(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "86400000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    rc_config_obs *c = obs_cfg(f, "orders.v1", "retention.ms", "1", RC_CFG_TOPIC_OVERRIDE);
    c->sensitive = true;
    obs_cfg(f, "orders.v1", "segment.ms", NULL, RC_CFG_TOPIC_OVERRIDE);
    c = obs_cfg(f, "orders.v1", "some.secret", "x", RC_CFG_TOPIC_OVERRIDE);
    c->sensitive = true;
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    /* unknown values are neither compared nor reported as drift */
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->desired_overrides.len, 1);
    assert_string_equal(rc_kvlist_get(&p->desired_overrides, "retention.ms"), "86400000");
}

static void test_configs_not_described(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 3, 3, "retention.ms", "86400000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    rc_topic_obs *t = obs_find(f, "orders.v1");
    free(t->configs);
    t->configs = NULL;
    run(f);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UNCHANGED);
    assert_int_equal(p->nchanges, 0);
}

static void test_partitions_and_config_one_update(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 6, 3, "retention.ms", "604800000", NULL);
    obs_topic(f, "orders.v1", 3, 3, false);
    obs_defaults(f, "orders.v1");
    set_cfg(f, "orders.v1", "retention.ms", "86400000", RC_CFG_TOPIC_OVERRIDE);
    set_cfg(f, "orders.v1", "segment.ms", "3600000", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    assert_int_equal(f->plan.ntopics, 1);
    const rc_topic_plan *p = tp_must(f, "orders.v1");
    assert_int_equal(p->action, RC_ACT_UPDATE);
    assert_int_equal(p->partitions_from, 3);
    assert_int_equal(p->partitions_to, 6);
    assert_int_equal(p->nchanges, 2);
    assert_string_equal(p->changes[0].key, "retention.ms");
    assert_string_equal(p->changes[1].key, "segment.ms");
    assert_change(p, "segment.ms", "3600000", NULL, true);
}

/* ---- undeclared topics ------------------------------------------------------- */

static void test_unmanaged(void **state)
{
    fx *f = *state;
    obs_topic(f, "legacy.v0", 1, 1, false);
    run(f);
    assert_int_equal(f->plan.ntopics, 1);
    const rc_topic_plan *p = tp_must(f, "legacy.v0");
    assert_int_equal(p->action, RC_ACT_UNMANAGED);
    assert_null(p->decl);
    assert_int_equal(p->partitions_from, 1);
    assert_int_equal(p->nchanges, 0);
    assert_false(rc_cluster_plan_has_changes(&f->plan));
}

static void test_delete_prune_allowed(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = true;
    obs_topic(f, "legacy.v0", 1, 1, false);
    run(f);
    assert_int_equal(tp_must(f, "legacy.v0")->action, RC_ACT_DELETE);
    assert_true(rc_cluster_plan_has_changes(&f->plan));
}

static void test_no_delete_when_policy_forbids(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = false;
    obs_topic(f, "legacy.v0", 1, 1, false);
    run(f);
    assert_int_equal(tp_must(f, "legacy.v0")->action, RC_ACT_UNMANAGED);
}

static void test_no_delete_without_prune(void **state)
{
    fx *f = *state;
    f->opt.prune = false;
    f->decl.allow_delete = true;
    obs_topic(f, "legacy.v0", 1, 1, false);
    run(f);
    assert_int_equal(tp_must(f, "legacy.v0")->action, RC_ACT_UNMANAGED);
    /* NULL options are the safe defaults */
    rc_cluster_plan_free(&f->plan);
    assert_int_equal(rc_diff_plan(&f->plan, &f->decl, &f->obs, NULL, NULL, 0), 0);
    assert_int_equal(tp_must(f, "legacy.v0")->action, RC_ACT_UNMANAGED);
}

static void stray_topics(fx *f, int n)
{
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "stray.%02d", i);
        obs_topic(f, name, 1, 1, false);
    }
}

static size_t count_action(const rc_cluster_plan *p, rc_topic_action a)
{
    size_t n = 0;
    for (size_t i = 0; i < p->ntopics; i++)
        n += p->topics[i].action == a;
    return n;
}

/* An emptied or renamed cluster directory: without a bound, every topic on
 * the cluster would be deleted. The default bound refuses the whole prune. */
static void test_prune_beyond_default_bound_refused(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = true;
    stray_topics(f, RC_DEFAULT_MAX_DELETIONS + 1);
    decl_topic(f, "orders.v1", 3, 3, NULL);
    run_plan(f);
    assert_int_equal(count_action(&f->plan, RC_ACT_DELETE), 0);
    assert_int_equal(count_action(&f->plan, RC_ACT_REFUSE), RC_DEFAULT_MAX_DELETIONS + 1);
    assert_non_null(f->plan.error);
    assert_non_null(strstr(f->plan.error, "would delete 11 topics"));
    assert_non_null(strstr(f->plan.error, "the default"));
    assert_non_null(strstr(f->plan.error, "at least 11"));
    const rc_topic_plan *p = tp_must(f, "stray.00");
    assert_int_equal(p->nrefusals, 1);
    assert_int_equal(p->nchanges, 0);
    assert_int_equal(p->partitions_to, p->partitions_from);
}

static void test_prune_at_the_bound_allowed(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = true;
    stray_topics(f, RC_DEFAULT_MAX_DELETIONS);
    run(f);
    assert_int_equal(count_action(&f->plan, RC_ACT_DELETE), RC_DEFAULT_MAX_DELETIONS);
    assert_null(f->plan.error);
}

static void test_prune_bound_from_policy(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = true;
    f->decl.max_deletions = 2;
    stray_topics(f, 3);
    run_plan(f);
    assert_int_equal(count_action(&f->plan, RC_ACT_REFUSE), 3);
    assert_non_null(strstr(f->plan.error, "policy.max_deletions allows (2)"));
    f->decl.max_deletions = 3;
    run(f);
    assert_int_equal(count_action(&f->plan, RC_ACT_DELETE), 3);
    assert_null(f->plan.error);
    /* without --prune nothing counts: unmanaged topics are not deletions */
    f->decl.max_deletions = 1;
    f->opt.prune = false;
    run(f);
    assert_int_equal(count_action(&f->plan, RC_ACT_UNMANAGED), 3);
    assert_null(f->plan.error);
}

/* Metadata hides topics the principal may not Describe: such a topic must
 * not be planned as a create. */
static void test_describe_denied_refused(void **state)
{
    fx *f = *state;
    decl_topic(f, "hidden.v1", 3, 3, NULL);
    obs_topic(f, "hidden.v1", 0, 0, false);
    f->obs.topics[0].describe_denied = true;
    free(f->obs.topics[0].configs);
    f->obs.topics[0].configs = NULL;
    run(f);
    const rc_topic_plan *p = tp_must(f, "hidden.v1");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_int_equal(p->nrefusals, 1);
    assert_non_null(strstr(p->refusals[0], "TOPIC_AUTHORIZATION_FAILED"));
    assert_non_null(strstr(p->refusals[0], "Describe"));
    assert_int_equal(p->nchanges, 0);
    assert_false(rc_cluster_plan_has_changes(&f->plan));
}

/* One topic's DescribeConfigs failed: that topic is refused with the
 * broker's message, the others are planned as usual. */
static void test_config_error_refuses_that_topic(void **state)
{
    fx *f = *state;
    decl_topic(f, "a.v1", 3, 3, "retention.ms", "3600000", NULL);
    decl_topic(f, "b.v1", 6, 3, NULL);
    obs_topic(f, "a.v1", 3, 3, false);
    obs_topic(f, "b.v1", 3, 3, false);
    free(f->obs.topics[0].configs);
    f->obs.topics[0].configs = NULL;
    f->obs.topics[0].config_error = rc_xstrdup("DescribeConfigs failed (not authorised): denied");
    run(f);
    const rc_topic_plan *a = tp_must(f, "a.v1");
    assert_int_equal(a->action, RC_ACT_REFUSE);
    assert_non_null(strstr(a->refusals[0], "could not be read"));
    assert_non_null(strstr(a->refusals[0], "not authorised"));
    assert_int_equal(a->nchanges, 0);
    assert_int_equal(tp_must(f, "b.v1")->action, RC_ACT_UPDATE);
}

/* A partition reassignment lists old and new replicas together: it must
 * not look like a replication-factor change. */
static void test_reassignment_is_not_an_rf_change(void **state)
{
    fx *f = *state;
    /* some partitions moving: replica counts 2..3 against a declared 3 */
    decl_topic(f, "moving.v1", 3, 3, NULL);
    obs_topic(f, "moving.v1", 3, 2, false);
    f->obs.topics[0].max_replicas = 3;
    /* every partition moving, with a throttle: counts 2 against a declared 1 */
    decl_topic(f, "throttled.v1", 3, 1, NULL);
    obs_topic(f, "throttled.v1", 3, 2, false);
    obs_cfg(f, "throttled.v1", "leader.replication.throttled.replicas", "0:1,1:1,2:1",
            RC_CFG_TOPIC_OVERRIDE);
    /* every partition moving, unthrottled: the new replicas are not in sync yet */
    decl_topic(f, "catching.v1", 3, 1, NULL);
    obs_topic(f, "catching.v1", 3, 2, false);
    f->obs.topics[2].max_replicas = 2;
    f->obs.topics[2].replicas_catching_up = true;
    /* a real difference: counts 2 everywhere, all in sync, nothing throttled */
    decl_topic(f, "real.v1", 3, 1, NULL);
    obs_topic(f, "real.v1", 3, 2, false);
    f->obs.topics[3].max_replicas = 2;
    run(f);
    assert_int_equal(tp_must(f, "catching.v1")->action, RC_ACT_UNCHANGED);
    assert_int_equal(tp_must(f, "moving.v1")->action, RC_ACT_UNCHANGED);
    assert_int_equal(tp_must(f, "throttled.v1")->action, RC_ACT_UNCHANGED);
    assert_int_equal(tp_must(f, "real.v1")->action, RC_ACT_REFUSE);
    assert_int_equal(f->plan.nwarnings, 3);
    assert_non_null(strstr(f->plan.warnings[0], "catching.v1"));
    assert_non_null(strstr(f->plan.warnings[1], "moving.v1"));
    assert_non_null(strstr(f->plan.warnings[2], "throttled.v1"));
    assert_non_null(strstr(f->plan.warnings[2], "reassignment"));
}

static void test_internal_topics_skipped(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = true;
    obs_topic(f, "__consumer_offsets", 50, 3, true);
    obs_topic(f, "__strimzi_store_topic", 1, 3, false);
    obs_topic(f, "internal.but.plain.name", 1, 3, true);
    obs_topic(f, "_schemas", 1, 3, false); /* one underscore: an ordinary topic */
    run(f);
    assert_int_equal(f->plan.ntopics, 1);
    assert_int_equal(tp_must(f, "_schemas")->action, RC_ACT_DELETE);
    assert_null(tp(f, "__consumer_offsets"));
    assert_null(tp(f, "__strimzi_store_topic"));
    assert_null(tp(f, "internal.but.plain.name"));
}

static void test_ignore_patterns_skipped(void **state)
{
    fx *f = *state;
    f->opt.prune = true;
    f->decl.allow_delete = true;
    f->decl.ignore_patterns = rc_xcalloc(2, sizeof(char *));
    f->decl.ignore_patterns[0] = rc_xstrdup("connect-*");
    f->decl.ignore_patterns[1] = rc_xstrdup("*.tmp");
    f->decl.nignore_patterns = 2;
    obs_topic(f, "connect-offsets", 25, 3, false);
    obs_topic(f, "scratch.tmp", 1, 1, false);
    obs_topic(f, "connector.v1", 1, 1, false);
    run(f);
    assert_int_equal(f->plan.ntopics, 1);
    assert_int_equal(tp_must(f, "connector.v1")->action, RC_ACT_DELETE);
    assert_true(rc_diff_topic_ignored(&f->decl, "connect-configs", false));
    assert_true(rc_diff_topic_ignored(&f->decl, "__x", false));
    assert_true(rc_diff_topic_ignored(&f->decl, "plain", true));
    assert_false(rc_diff_topic_ignored(&f->decl, "connector.v1", false));
}

static void test_declared_ignored_refused(void **state)
{
    fx *f = *state;
    f->decl.ignore_patterns = rc_xcalloc(1, sizeof(char *));
    f->decl.ignore_patterns[0] = rc_xstrdup("connect-*");
    f->decl.nignore_patterns = 1;
    decl_topic(f, "connect-offsets", 25, 3, NULL);
    decl_topic(f, "__mine", 1, 3, NULL);
    decl_topic(f, "looks.normal", 1, 3, NULL);
    obs_topic(f, "connect-offsets", 1, 3, false);
    obs_topic(f, "looks.normal", 50, 3, true);
    run(f);
    assert_int_equal(f->plan.ntopics, 3);
    const rc_topic_plan *p = tp_must(f, "connect-offsets");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_non_null(strstr(p->refusals[0], "\"connect-*\""));
    assert_int_equal(p->partitions_to, p->partitions_from);
    p = tp_must(f, "__mine");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_non_null(strstr(p->refusals[0], "\"__\""));
    assert_int_equal(p->partitions_to, 0);
    p = tp_must(f, "looks.normal");
    assert_int_equal(p->action, RC_ACT_REFUSE);
    assert_non_null(strstr(p->refusals[0], "internal Kafka topic"));
    assert_false(rc_cluster_plan_has_changes(&f->plan));
}

/* ---- ordering, robustness, cluster level ---------------------------------------- */

static void test_ordering(void **state)
{
    fx *f = *state;
    decl_topic(f, "m.topic", 1, 3, "segment.ms", "1", "cleanup.policy", "compact", "retention.ms",
               "2", NULL);
    decl_topic(f, "c.topic", 1, 3, NULL);
    decl_topic(f, "x.topic", 1, 3, NULL);
    obs_topic(f, "z.unmanaged", 1, 3, false);
    obs_topic(f, "m.topic", 1, 3, false);
    obs_topic(f, "a.unmanaged", 1, 3, false);
    obs_topic(f, "n.unmanaged", 1, 3, false);
    /* reported in reverse key order */
    obs_cfg(f, "m.topic", "zz.override", "1", RC_CFG_TOPIC_OVERRIDE);
    obs_cfg(f, "m.topic", "retention.ms", "9", RC_CFG_TOPIC_OVERRIDE);
    obs_cfg(f, "m.topic", "flush.ms", "9", RC_CFG_TOPIC_OVERRIDE);
    run(f);
    const char *want[] = {"c.topic",     "m.topic",     "x.topic",
                          "a.unmanaged", "n.unmanaged", "z.unmanaged"};
    assert_int_equal(f->plan.ntopics, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(f->plan.topics[i].topic, want[i]);
    const rc_topic_plan *p = tp_must(f, "m.topic");
    const char *keys[] = {"cleanup.policy", "flush.ms", "retention.ms", "segment.ms",
                          "zz.override"};
    assert_int_equal(p->nchanges, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(p->changes[i].key, keys[i]);
    for (size_t i = 1; i < p->desired_overrides.len; i++)
        assert_true(
            strcmp(p->desired_overrides.items[i - 1].key, p->desired_overrides.items[i].key) < 0);
}

static void test_unsorted_input(void **state)
{
    fx *f = *state;
    decl_topic(f, "b", 2, 3, NULL);
    decl_topic(f, "a", 1, 3, NULL);
    obs_topic(f, "c", 1, 3, false);
    obs_topic(f, "b", 1, 3, false);
    obs_topic(f, "a", 1, 3, false);
    /* no run(): the inputs stay out of order on purpose */
    assert_int_equal(rc_diff_plan(&f->plan, &f->decl, &f->obs, &f->opt, NULL, 0), 0);
    assert_int_equal(f->plan.ntopics, 3);
    assert_string_equal(f->plan.topics[0].topic, "a");
    assert_int_equal(f->plan.topics[0].action, RC_ACT_UNCHANGED);
    assert_string_equal(f->plan.topics[1].topic, "b");
    assert_int_equal(f->plan.topics[1].action, RC_ACT_UPDATE);
    assert_string_equal(f->plan.topics[2].topic, "c");
    assert_int_equal(f->plan.topics[2].action, RC_ACT_UNMANAGED);
}

static void test_duplicate_observed_once(void **state)
{
    fx *f = *state;
    decl_topic(f, "a", 1, 3, NULL);
    obs_topic(f, "a", 1, 3, false);
    obs_topic(f, "a", 1, 3, false);
    obs_topic(f, "b", 1, 3, false);
    obs_topic(f, "b", 1, 3, false);
    run(f);
    assert_int_equal(f->plan.ntopics, 2);
    assert_int_equal(f->plan.topics[0].action, RC_ACT_UNCHANGED);
    assert_int_equal(f->plan.topics[1].action, RC_ACT_UNMANAGED);
}

static void test_duplicate_declaration_error(void **state)
{
    fx *f = *state;
    decl_topic(f, "orders.v1", 1, 3, NULL);
    decl_topic(f, "orders.v1", 2, 3, NULL);
    char err[RC_ERRBUF_LEN] = "";
    assert_int_equal(rc_diff_plan(&f->plan, &f->decl, &f->obs, &f->opt, err, sizeof(err)), RC_ERR);
    assert_non_null(strstr(err, "orders.v1 is declared twice"));
    assert_string_equal(f->plan.cluster, "local");
    assert_int_equal(f->plan.ntopics, 0);
}

static void test_null_arguments(void **state)
{
    fx *f = *state;
    char err[RC_ERRBUF_LEN] = "";
    assert_int_equal(rc_diff_plan(NULL, &f->decl, &f->obs, NULL, err, sizeof(err)), RC_ERR);
    assert_int_equal(rc_diff_plan(&f->plan, &f->decl, NULL, NULL, err, sizeof(err)), RC_ERR);
    assert_non_null(strstr(err, "internal error"));
    rc_cluster_plan_free(&f->plan);
    err[0] = '\0';
    assert_int_equal(rc_diff_plan(&f->plan, NULL, &f->obs, NULL, err, sizeof(err)), RC_ERR);
    assert_non_null(strstr(err, "internal error"));
}

static void test_auto_create_warning(void **state)
{
    fx *f = *state;
    f->obs.auto_create_topics = 1;
    run(f);
    assert_int_equal(f->plan.nwarnings, 1);
    assert_non_null(strstr(f->plan.warnings[0], "auto.create.topics.enable"));
    f->obs.auto_create_topics = 0;
    run(f);
    assert_int_equal(f->plan.nwarnings, 0);
    f->obs.auto_create_topics = -1;
    run(f);
    assert_int_equal(f->plan.nwarnings, 0);
}

static void test_cluster_identity(void **state)
{
    fx *f = *state;
    run(f);
    assert_string_equal(f->plan.cluster, "local");
    assert_string_equal(f->plan.cluster_id, "q1Sh-9_ISia_zwGINzRvyQ");
    assert_int_equal(f->plan.ntopics, 0);
    free(f->obs.cluster_id);
    f->obs.cluster_id = NULL;
    run(f);
    assert_null(f->plan.cluster_id);
}

/* 10,000 declared x 10,000 observed, overlapping by half: correctness at scale
 * (the engine is one merge pass; timing is the benchmark's business). */
static void test_ten_thousand(void **state)
{
    fx *f = *state;
    enum { N = 10000, HALF = N / 2 };
    f->decl.topics = rc_xcalloc(N, sizeof(*f->decl.topics));
    f->obs.topics = rc_xcalloc(N, sizeof(*f->obs.topics));
    for (int i = 0; i < N; i++) {
        rc_topic_decl *d = &f->decl.topics[f->decl.ntopics++];
        d->name = rc_xasprintf("team.topic-%05d", i);
        d->partitions = i % 3 == 0 ? 12 : 6;
        d->replication_factor = 3;
        rc_kvlist_set(&d->config, "retention.ms", "604800000");
        rc_kvlist_set(&d->config, "cleanup.policy", "delete");
    }
    for (int i = HALF; i < N + HALF; i++) {
        rc_topic_obs *o = &f->obs.topics[f->obs.ntopics++];
        o->name = rc_xasprintf("team.topic-%05d", i);
        o->partitions = 6;
        o->replication_factor = 3;
        o->nconfigs = 3;
        o->configs = rc_xcalloc(3, sizeof(*o->configs));
        o->configs[0] = (rc_config_obs){rc_xstrdup("cleanup.policy"), rc_xstrdup("delete"),
                                        RC_CFG_DEFAULT, false, false};
        o->configs[1] = (rc_config_obs){rc_xstrdup("retention.ms"),
                                        rc_xstrdup(i % 5 == 0 ? "86400000" : "604800000"),
                                        RC_CFG_TOPIC_OVERRIDE, false, false};
        o->configs[2] = (rc_config_obs){rc_xstrdup("segment.ms"), rc_xstrdup("604800000"),
                                        RC_CFG_DEFAULT, false, false};
    }
    assert_int_equal(rc_diff_plan(&f->plan, &f->decl, &f->obs, &f->opt, NULL, 0), 0);
    assert_int_equal(f->plan.ntopics, N + HALF);

    size_t expect[6] = {0};
    for (int i = 0; i < N; i++) {
        const rc_topic_plan *p = &f->plan.topics[i];
        char name[32];
        snprintf(name, sizeof(name), "team.topic-%05d", i);
        assert_string_equal(p->topic, name);
        rc_topic_action want;
        if (i < HALF)
            want = RC_ACT_CREATE;
        else if (i % 3 == 0 || i % 5 == 0)
            want = RC_ACT_UPDATE;
        else
            want = RC_ACT_UNCHANGED;
        assert_int_equal(p->action, want);
        if (want == RC_ACT_UPDATE) {
            assert_int_equal(p->partitions_to, i % 3 == 0 ? 12 : 6);
            assert_int_equal(p->nchanges, i % 5 == 0 ? 1 : 0);
        }
        expect[want]++;
    }
    for (int i = N; i < N + HALF; i++) {
        const rc_topic_plan *p = &f->plan.topics[i];
        char name[32];
        snprintf(name, sizeof(name), "team.topic-%05d", i);
        assert_string_equal(p->topic, name);
        assert_int_equal(p->action, RC_ACT_UNMANAGED);
        expect[RC_ACT_UNMANAGED]++;
    }
    size_t got[6];
    rc_cluster_plan_counts(&f->plan, got);
    for (int a = 0; a < 6; a++)
        assert_int_equal(got[a], expect[a]);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_create),
        T(test_create_broker_defaults),
        T(test_add_partitions),
        T(test_partition_decrease_refused),
        T(test_rf_change_refused),
        T(test_both_refusals),
        T(test_rf_broker_default_never_diff),
        T(test_partitions_broker_default_never_diff),
        T(test_unchanged),
        T(test_config_change),
        T(test_config_change_from_default),
        T(test_config_key_not_reported),
        T(test_canonical_equal_number),
        T(test_canonical_equal_list),
        T(test_broker_default_equal_not_diff),
        T(test_drift_reset),
        T(test_drift_kept_by_policy),
        T(test_kept_override_survives_other_change),
        T(test_non_override_sources_not_drift),
        T(test_throttle_untouched),
        T(test_throttle_alone_unchanged),
        T(test_throttle_declared_managed),
        T(test_sensitive_and_null_unknown),
        T(test_configs_not_described),
        T(test_partitions_and_config_one_update),
        T(test_unmanaged),
        T(test_delete_prune_allowed),
        T(test_no_delete_when_policy_forbids),
        T(test_no_delete_without_prune),
        T(test_prune_beyond_default_bound_refused),
        T(test_describe_denied_refused),
        T(test_reassignment_is_not_an_rf_change),
        T(test_config_error_refuses_that_topic),
        T(test_prune_at_the_bound_allowed),
        T(test_prune_bound_from_policy),
        T(test_internal_topics_skipped),
        T(test_ignore_patterns_skipped),
        T(test_declared_ignored_refused),
        T(test_ordering),
        T(test_unsorted_input),
        T(test_duplicate_observed_once),
        T(test_duplicate_declaration_error),
        T(test_null_arguments),
        T(test_auto_create_warning),
        T(test_cluster_identity),
        T(test_ten_thousand),
    };
#undef T
    return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
