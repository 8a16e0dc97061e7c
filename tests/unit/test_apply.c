/* Unit tests of the apply executor with a fake admin table. The same paths
 * run for real against the broker in tests/integration/test_plan_apply.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "apply.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fake {
    rc_kadmin base;
    int create_calls, part_calls, cfg_calls, delete_calls, wait_calls;
    size_t created_n, parts_n, cfg_n, deleted_n, waited_n;
    bool last_validate_only;
    const char *fail_topic;   /* this topic gets a per-topic error */
    const char *exists_topic; /* creating it answers TOPIC_ALREADY_EXISTS */
    int fail_call_create;     /* whole create call fails */
    int exists_partitions;    /* what describe_cluster says exists_topic has */
    int exists_rf;
    int describe_calls;
    rc_buf seen_resets;
    rc_buf seen_set;
    rc_buf seen_waits; /* "name=total;" per waited topic, every call */
} fake;

static rc_topic_result *results_for(const char *const *names, size_t n, const char *fail,
                                    const char *exists)
{
    rc_topic_result *r = rc_xcalloc(n, sizeof(*r));
    for (size_t i = 0; i < n; i++) {
        r[i].topic = names[i];
        if (exists && strcmp(names[i], exists) == 0) {
            r[i].error = rc_xstrdup("Topic 'x' already exists.");
            r[i].error_code = RC_KAFKA_TOPIC_ALREADY_EXISTS;
        }
        if (fail && strcmp(names[i], fail) == 0) {
            r[i].error = rc_xstrdup("Topic replication factor must be 1 or less");
            r[i].error_code = 38;
        }
    }
    return r;
}

static int f_create(rc_kadmin *ka, const rc_new_topic *t, size_t n, bool vo, rc_topic_result **res,
                    char *errbuf, size_t errlen)
{
    fake *f = (fake *)ka;
    f->create_calls++;
    f->created_n += n;
    f->last_validate_only = vo;
    if (f->fail_call_create) {
        snprintf(errbuf, errlen, "timed out");
        *res = NULL;
        return RC_KADMIN_ETIMEOUT;
    }
    const char **names = rc_xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        names[i] = t[i].name;
    *res = results_for(names, n, f->fail_topic, f->exists_topic);
    free(names);
    return 0;
}

static int f_parts(rc_kadmin *ka, const rc_new_partitions *p, size_t n, bool vo,
                   rc_topic_result **res, char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    fake *f = (fake *)ka;
    f->part_calls++;
    f->parts_n += n;
    f->last_validate_only = vo;
    const char **names = rc_xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        names[i] = p[i].name;
    *res = results_for(names, n, f->fail_topic, NULL);
    free(names);
    return 0;
}

static int f_cfgs(rc_kadmin *ka, const rc_topic_configs *c, size_t n, bool vo,
                  rc_topic_result **res, char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    fake *f = (fake *)ka;
    f->cfg_calls++;
    f->cfg_n += n;
    f->last_validate_only = vo;
    const char **names = rc_xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        names[i] = c[i].name;
        for (size_t k = 0; k < c[i].nreset_keys; k++)
            rc_buf_printf(&f->seen_resets, "%s;", c[i].reset_keys[k]);
        for (size_t k = 0; k < c[i].set->len; k++)
            rc_buf_printf(&f->seen_set, "%s;", c[i].set->items[k].key);
    }
    *res = results_for(names, n, f->fail_topic, NULL);
    free(names);
    return 0;
}

static int f_delete(rc_kadmin *ka, const char *const *t, size_t n, rc_topic_result **res,
                    char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    fake *f = (fake *)ka;
    f->delete_calls++;
    f->deleted_n += n;
    *res = results_for(t, n, f->fail_topic, NULL);
    return 0;
}

static int f_wait(rc_kadmin *ka, const rc_new_partitions *t, size_t n, int timeout_ms, char *errbuf,
                  size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    (void)timeout_ms;
    fake *f = (fake *)ka;
    f->wait_calls++;
    f->waited_n += n;
    for (size_t i = 0; i < n; i++)
        rc_buf_printf(&f->seen_waits, "%s=%d;", t[i].name, t[i].total);
    return 0;
}

/* The cluster after another writer created exists_topic (no overrides). */
static int f_describe_cluster(rc_kadmin *ka, rc_cluster_obs *obs, char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    fake *f = (fake *)ka;
    f->describe_calls++;
    memset(obs, 0, sizeof(*obs));
    obs->broker_count = 1;
    obs->topics = rc_xcalloc(1, sizeof(*obs->topics));
    obs->topics[0].name = rc_xstrdup(f->exists_topic);
    obs->topics[0].partitions = f->exists_partitions;
    obs->topics[0].replication_factor = f->exists_rf;
    obs->ntopics = 1;
    return 0;
}

static int f_describe_configs(rc_kadmin *ka, rc_cluster_obs *obs, const char *const *t, size_t n,
                              char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    (void)ka;
    (void)t;
    (void)n;
    for (size_t i = 0; i < obs->ntopics; i++)
        obs->topics[i].configs = rc_xcalloc(1, sizeof(*obs->topics[i].configs));
    return 0;
}

static const rc_kadmin_ops fake_ops = {
    .describe_cluster = f_describe_cluster,
    .describe_configs = f_describe_configs,
    .create_topics = f_create,
    .create_partitions = f_parts,
    .alter_configs = f_cfgs,
    .delete_topics = f_delete,
    .wait_topics = f_wait,
};

/* Three creations, two partition additions, one config update, one refusal,
 * one deletion, one unchanged. */
static void build_plan(rc_cluster_plan *p)
{
    memset(p, 0, sizeof(*p));
    p->cluster = rc_xstrdup("test");
    t_plan_add_topic(p, "a.create", RC_ACT_CREATE, 0, 3, 1);
    t_plan_add_topic(p, "b.create", RC_ACT_CREATE, 0, 1, 1);
    t_plan_add_topic(p, "c.create", RC_ACT_CREATE, 0, 6, 1);
    t_plan_add_topic(p, "d.grow", RC_ACT_UPDATE, 3, 6, 1);
    t_plan_add_topic(p, "e.grow-and-config", RC_ACT_UPDATE, 1, 2, 1);
    t_plan_add_change(&p->topics[4], "retention.ms", "1000", "2000", false);
    t_plan_add_change(&p->topics[4], "segment.ms", "3600000", NULL, true);
    rc_kvlist_set(&p->topics[4].desired_overrides, "cleanup.policy", "compact");
    t_plan_add_topic(p, "f.refused", RC_ACT_REFUSE, 6, 3, 1);
    t_plan_add_topic(p, "g.delete", RC_ACT_DELETE, 1, 1, 1);
    t_plan_add_topic(p, "h.same", RC_ACT_UNCHANGED, 1, 1, 1);
}

static void test_batches_each_kind_in_one_call(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops};
    rc_cluster_plan p;
    build_plan(&p);
    rc_apply_outcome outcome[8] = {0};
    int rc = rc_apply_execute(&f.base, &p, outcome, NULL, NULL, NULL, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(f.create_calls, 1);
    assert_int_equal(f.created_n, 3);
    assert_int_equal(f.part_calls, 1);
    assert_int_equal(f.parts_n, 2);
    assert_int_equal(f.cfg_calls, 1);
    assert_int_equal(f.cfg_n, 1);
    assert_int_equal(f.delete_calls, 1);
    assert_int_equal(f.deleted_n, 1);
    assert_false(f.last_validate_only);
    /* created and grown topics are waited for: 3 + 2 */
    assert_int_equal(f.waited_n, 5);
    /* the refused and unchanged topics are never sent */
    assert_int_equal(outcome[5], RC_APPLY_NOT_SENT);
    assert_int_equal(outcome[7], RC_APPLY_NOT_SENT);
    assert_int_equal(outcome[0], RC_APPLY_DONE);
    assert_int_equal(outcome[3], RC_APPLY_DONE);
    assert_int_equal(outcome[4], RC_APPLY_DONE);
    assert_int_equal(outcome[6], RC_APPLY_DONE);
    /* the full override set goes out (non-incremental AlterConfigs), and the
     * drifted key is named as a reset */
    assert_non_null(strstr(f.seen_set.data, "retention.ms;"));
    assert_non_null(strstr(f.seen_set.data, "cleanup.policy;"));
    assert_null(strstr(f.seen_set.data, "segment.ms"));
    assert_string_equal(f.seen_resets.data, "segment.ms;");
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

static void test_per_topic_failure_does_not_stop_others(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops, .fail_topic = "b.create"};
    rc_cluster_plan p;
    build_plan(&p);
    rc_apply_outcome outcome[8] = {0};
    size_t nfailed = 0;
    int rc = rc_apply_execute(&f.base, &p, outcome, NULL, &nfailed, NULL, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(nfailed, 1);
    assert_non_null(p.topics[1].broker_error);
    assert_string_equal(p.topics[1].broker_error, "Topic replication factor must be 1 or less");
    assert_null(p.topics[0].broker_error);
    /* later stages still ran */
    assert_int_equal(f.part_calls, 1);
    assert_int_equal(f.cfg_calls, 1);
    /* the failed creation is not waited for */
    assert_int_equal(f.waited_n, 4);
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

/* The declarations behind build_plan's first topic, for the re-plan. */
typedef struct decl_fx {
    rc_cluster_decl cluster;
    rc_topic_decl topic;
} decl_fx;

static void decl_for(decl_fx *d, rc_cluster_plan *p)
{
    memset(d, 0, sizeof(*d));
    d->cluster.name = (char *)"test";
    d->topic.name = (char *)"a.create";
    d->topic.partitions = 3;
    d->topic.replication_factor = 1;
    p->topics[0].decl = &d->topic;
}

/* Another writer created a.create with fewer partitions between plan and
 * apply: the same apply adds the missing partitions instead of waiting for
 * a count the topic never reaches. */
static void test_already_exists_gets_what_it_still_needs(void **state)
{
    (void)state;
    fake f = {
        .base.ops = &fake_ops, .exists_topic = "a.create", .exists_partitions = 1, .exists_rf = 1};
    rc_cluster_plan p;
    build_plan(&p);
    decl_fx d;
    decl_for(&d, &p);
    rc_apply_outcome outcome[8] = {0};
    rc_apply_options opt = {.decl = &d.cluster};
    assert_int_equal(rc_apply_execute(&f.base, &p, outcome, &opt, NULL, NULL, 0), 0);
    const rc_topic_plan *tp = &p.topics[0];
    assert_null(tp->broker_error);
    assert_true(tp->other_writer);
    assert_int_equal(tp->action, RC_ACT_UPDATE);
    assert_int_equal(tp->partitions_from, 1);
    assert_int_equal(tp->partitions_to, 3);
    assert_ptr_equal(tp->decl, &d.topic);
    assert_int_equal(f.describe_calls, 1);
    /* carried by the partition stage with the two grown topics, and waited
     * for at the declared count, which it now reaches */
    assert_int_equal(f.parts_n, 3);
    assert_non_null(strstr(f.seen_waits.data, "a.create=3;"));
    assert_int_equal(outcome[0], RC_APPLY_DONE);
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

/* Created by another writer with more partitions than declared: refused as
 * plan would refuse it, and never waited for. */
static void test_already_exists_with_more_partitions_refused(void **state)
{
    (void)state;
    fake f = {
        .base.ops = &fake_ops, .exists_topic = "a.create", .exists_partitions = 6, .exists_rf = 1};
    rc_cluster_plan p;
    build_plan(&p);
    decl_fx d;
    decl_for(&d, &p);
    rc_apply_outcome outcome[8] = {0};
    rc_apply_options opt = {.decl = &d.cluster};
    rc_apply_execute(&f.base, &p, outcome, &opt, NULL, NULL, 0);
    assert_int_equal(p.topics[0].action, RC_ACT_REFUSE);
    assert_true(p.topics[0].other_writer);
    assert_true(p.topics[0].nrefusals > 0);
    assert_int_equal(f.parts_n, 2);
    /* waited for once to be visible (one partition), never for 3 or 6 */
    assert_non_null(strstr(f.seen_waits.data, "a.create=1;"));
    assert_null(strstr(f.seen_waits.data, "a.create=3;"));
    assert_null(strstr(f.seen_waits.data, "a.create=6;"));
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

/* Without the declarations the topic cannot be planned again: it fails with
 * a message, and apply does not wait for it. */
static void test_already_exists_without_decl_reported(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops, .exists_topic = "a.create"};
    rc_cluster_plan p;
    build_plan(&p);
    rc_apply_outcome outcome[8] = {0};
    size_t nfailed = 0;
    assert_int_equal(rc_apply_execute(&f.base, &p, outcome, NULL, &nfailed, NULL, 0), 0);
    assert_int_equal(nfailed, 1);
    assert_non_null(p.topics[0].broker_error);
    assert_non_null(strstr(p.topics[0].broker_error, "run plan again"));
    assert_int_equal(f.waited_n, 4);
    assert_int_equal(f.describe_calls, 0);
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

static void test_whole_call_failure_stops_and_reports(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops, .fail_call_create = 1};
    rc_cluster_plan p;
    build_plan(&p);
    rc_apply_outcome outcome[8] = {0};
    char err[RC_ERRBUF_LEN] = "";
    int rc = rc_apply_execute(&f.base, &p, outcome, NULL, NULL, err, sizeof(err));
    assert_int_equal(rc, RC_KADMIN_ETIMEOUT);
    assert_string_equal(err, "timed out");
    assert_int_equal(f.part_calls, 0);
    /* the creations were in the failed call: unknown; later stages never sent */
    assert_int_equal(outcome[0], RC_APPLY_UNKNOWN);
    assert_int_equal(outcome[2], RC_APPLY_UNKNOWN);
    assert_int_equal(outcome[3], RC_APPLY_NOT_SENT);
    rc_cluster_plan_free(&p);
}

/* The create call failed as a whole, but a.create landed before the answer
 * was lost and b.create did not: reading back reports each as it is, and
 * c.create (no declaration to plan it again) stays unknown. */
static void test_whole_call_failure_read_back(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops,
              .fail_call_create = 1,
              .exists_topic = "a.create",
              .exists_partitions = 3,
              .exists_rf = 1};
    rc_cluster_plan p;
    build_plan(&p);
    decl_fx d;
    decl_for(&d, &p);
    rc_topic_decl b = {.name = (char *)"b.create", .partitions = 1, .replication_factor = 1};
    p.topics[1].decl = &b;
    rc_apply_outcome outcome[8] = {0};
    rc_apply_options opt = {.decl = &d.cluster};
    char err[RC_ERRBUF_LEN] = "";
    int rc = rc_apply_execute(&f.base, &p, outcome, &opt, NULL, err, sizeof(err));
    assert_int_equal(rc, RC_KADMIN_ETIMEOUT);
    /* the failure's own message survives the reading back */
    assert_string_equal(err, "timed out");
    assert_int_equal(f.describe_calls, 1);
    assert_int_equal(outcome[0], RC_APPLY_DONE);
    assert_null(p.topics[0].broker_error);
    assert_int_equal(outcome[1], RC_APPLY_DONE);
    assert_non_null(p.topics[1].broker_error);
    assert_non_null(strstr(p.topics[1].broker_error, "not created"));
    assert_non_null(strstr(p.topics[1].broker_error, "timed out"));
    assert_int_equal(outcome[2], RC_APPLY_UNKNOWN);
    assert_int_equal(outcome[3], RC_APPLY_NOT_SENT);
    rc_cluster_plan_free(&p);
}

static void test_validate_only_sends_no_delete_and_no_wait(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops};
    rc_cluster_plan p;
    build_plan(&p);
    int rc = rc_apply_validate(&f.base, &p, NULL, NULL, 0);
    assert_int_equal(rc, 0);
    assert_true(f.last_validate_only);
    assert_int_equal(f.create_calls, 1);
    assert_int_equal(f.delete_calls, 0);
    assert_int_equal(f.wait_calls, 0);
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

static void test_empty_plan_makes_no_calls(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops};
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("empty");
    t_plan_add_topic(&p, "same", RC_ACT_UNCHANGED, 1, 1, 1);
    rc_apply_outcome outcome[1] = {0};
    assert_int_equal(rc_apply_execute(&f.base, &p, outcome, NULL, NULL, NULL, 0), 0);
    assert_int_equal(f.create_calls + f.part_calls + f.cfg_calls + f.delete_calls + f.wait_calls,
                     0);
    rc_cluster_plan_free(&p);
}

/* error.h: on success the caller's errbuf is not touched, a topic the
 * broker rejected (a per-topic result) included. */
static void test_success_leaves_errbuf_alone(void **state)
{
    (void)state;
    fake f = {.base.ops = &fake_ops, .fail_topic = "b.create"};
    rc_cluster_plan p;
    build_plan(&p);
    rc_apply_outcome outcome[8] = {0};
    char err[RC_ERRBUF_LEN] = "untouched";
    size_t nfailed = 0;
    assert_int_equal(rc_apply_execute(&f.base, &p, outcome, NULL, &nfailed, err, sizeof(err)), 0);
    assert_int_equal(nfailed, 1);
    assert_string_equal(err, "untouched");
    rc_cluster_plan_free(&p);
    build_plan(&p);
    assert_int_equal(rc_apply_validate(&f.base, &p, &nfailed, err, sizeof(err)), 0);
    assert_int_equal(nfailed, 1);
    assert_string_equal(err, "untouched");
    rc_buf_free(&f.seen_set);
    rc_buf_free(&f.seen_resets);
    rc_buf_free(&f.seen_waits);
    rc_cluster_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batches_each_kind_in_one_call),
        cmocka_unit_test(test_per_topic_failure_does_not_stop_others),
        cmocka_unit_test(test_already_exists_gets_what_it_still_needs),
        cmocka_unit_test(test_already_exists_with_more_partitions_refused),
        cmocka_unit_test(test_already_exists_without_decl_reported),
        cmocka_unit_test(test_whole_call_failure_read_back),
        cmocka_unit_test(test_whole_call_failure_stops_and_reports),
        cmocka_unit_test(test_validate_only_sends_no_delete_and_no_wait),
        cmocka_unit_test(test_empty_plan_makes_no_calls),
        cmocka_unit_test(test_success_leaves_errbuf_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
