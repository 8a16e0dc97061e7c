/* test_plan_print.c — the plan printers against golden files, plus the safety
 * properties golden files cannot show (no ESC without color, valid JSON for
 * hostile input, escaped Markdown).
 *
 * Golden files live in $RECONCILE_FIXTURES/golden (CMake sets the variable).
 * After an intended format change, regenerate them with
 *   RECONCILE_UPDATE_GOLDEN=1 ctest -R test_plan_print
 * and review the diff like any other code change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model.h"
#include "plan_print.h"
#include "support.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building plans --------------------------------------------------------- */

static void add_str(char ***v, size_t *n, const char *s)
{
    *v = rc_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = rc_xstrdup(s);
}

/* One topic of every kind, a warning, a broker error, and a second cluster that
 * could not be reached: every branch of every printer in one fixture. */
static void build_plans(rc_cluster_plan plans[2])
{
    memset(plans, 0, 2 * sizeof(*plans));
    rc_cluster_plan *p = &plans[0];
    p->cluster = rc_xstrdup("local");
    p->cluster_id = rc_xstrdup("q1Sh-9_ISia_zwGINzRvyQ");
    add_str(&p->warnings, &p->nwarnings,
            "the brokers auto-create topics (auto.create.topics.enable=true): a client naming "
            "a missing topic creates it undeclared, with broker defaults; set "
            "auto.create.topics.enable=false on the brokers");

    rc_topic_plan *t = t_plan_add_topic(p, "billing.invoice-created.v1", RC_ACT_CREATE, 0, 12, 3);
    t_plan_add_change(t, "cleanup.policy", NULL, "delete", false);
    t_plan_add_change(t, "retention.ms", NULL, "604800000", false);
    t->broker_error = rc_xstrdup("Replication factor: 3 larger than available brokers: 1.");

    t = t_plan_add_topic(p, "orders.order-placed.v1", RC_ACT_UPDATE, 3, 6, 3);
    t_plan_add_change(t, "min.insync.replicas", NULL, "2", false);
    t_plan_add_change(t, "retention.ms", "86400000", "604800000", false);
    t_plan_add_change(t, "segment.ms", "3600000", NULL, true);

    t = t_plan_add_topic(p, "payments.settled.v1", RC_ACT_REFUSE, 12, 12, 1);
    add_str(&t->refusals, &t->nrefusals,
            "partitions cannot be decreased from 12 to 6: Kafka cannot shrink a topic; create a "
            "new topic and migrate, or declare 12");
    add_str(&t->refusals, &t->nrefusals,
            "replication factor 1 -> 3 needs a partition reassignment "
            "(kafka-reassign-partitions); declare 1 or reassign first");

    t_plan_add_topic(p, "users.profile-changed.v1", RC_ACT_UNCHANGED, 6, 6, 3);
    t_plan_add_topic(p, "analytics.clicks.v0", RC_ACT_UNMANAGED, 1, 1, 1);
    t_plan_add_topic(p, "legacy.audit.v0", RC_ACT_DELETE, 3, 3, 3);

    p = &plans[1];
    p->cluster = rc_xstrdup("staging");
    p->error = rc_xstrdup("cluster staging: cannot read the cluster: Local: Broker transport "
                          "failure");
}

static void free_plans(rc_cluster_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_cluster_plan_free(&plans[i]);
}

/* ---- golden tests --------------------------------------------------------------- */

static void test_text_golden(void **state)
{
    (void)state;
    rc_cluster_plan plans[2];
    build_plans(plans);
    tcapture c;
    rc_plan_print_text(tcapture_open(&c), plans, 2, false);
    tcapture_close(&c);
    t_assert_golden("plan.txt", c.data, c.len);
    tcapture_free(&c);
    free_plans(plans, 2);
}

static void test_json_golden(void **state)
{
    (void)state;
    rc_cluster_plan plans[2];
    build_plans(plans);
    tcapture c;
    assert_int_equal(rc_plan_print_json(tcapture_open(&c), plans, 2), 0);
    tcapture_close(&c);
    t_assert_golden("plan.json", c.data, c.len);
    tcapture_free(&c);
    free_plans(plans, 2);
}

static void test_markdown_golden(void **state)
{
    (void)state;
    rc_cluster_plan plans[2];
    build_plans(plans);
    tcapture c;
    rc_plan_print_markdown(tcapture_open(&c), plans, 2);
    tcapture_close(&c);
    t_assert_golden("plan.md", c.data, c.len);
    tcapture_free(&c);
    free_plans(plans, 2);
}

/* ---- text ------------------------------------------------------------------------ */

static void test_text_no_escape_without_color(void **state)
{
    (void)state;
    rc_cluster_plan plans[2];
    build_plans(plans);
    /* Hostile bytes from the broker must not reach the terminal either. */
    free(plans[0].topics[0].broker_error);
    plans[0].topics[0].broker_error = rc_xstrdup("bad\033[2J\033]0;title\007 news\nsecond line");
    tcapture c;
    rc_plan_print_text(tcapture_open(&c), plans, 2, false);
    tcapture_close(&c);
    assert_null(memchr(c.data, 0x1b, c.len));
    assert_null(memchr(c.data, 0x07, c.len));
    assert_non_null(
        strstr(c.data, "    broker rejected: bad\\x1b[2J\\x1b]0;title\\x07 news\\nsecond line\n"));
    tcapture_free(&c);
    free_plans(plans, 2);
}

static void test_text_color(void **state)
{
    (void)state;
    rc_cluster_plan plans[2];
    build_plans(plans);
    tcapture c;
    rc_plan_print_text(tcapture_open(&c), plans, 2, true);
    tcapture_close(&c);
    assert_non_null(strstr(c.data, "\033[32m+ create\033[0m  billing.invoice-created.v1"));
    assert_non_null(strstr(c.data, "\033[33m~ update\033[0m  orders.order-placed.v1"));
    assert_non_null(strstr(c.data, "\033[31m! refuse\033[0m  payments.settled.v1"));
    assert_non_null(strstr(c.data, "\033[31m- delete\033[0m  legacy.audit.v0"));
    tcapture_free(&c);
    free_plans(plans, 2);
}

static void test_text_no_changes(void **state)
{
    (void)state;
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("local");
    t_plan_add_topic(&p, "a.v1", RC_ACT_UNCHANGED, 3, 3, 0);
    t_plan_add_topic(&p, "b.v1", RC_ACT_UNCHANGED, 3, 3, 0);
    t_plan_add_topic(&p, "zz.other", RC_ACT_UNMANAGED, 1, 1, 0);
    tcapture c;
    rc_plan_print_text(tcapture_open(&c), &p, 1, false);
    tcapture_close(&c);
    assert_string_equal(c.data, "cluster local\n"
                                "? unmanaged zz.other (not declared; left untouched)\n"
                                "cluster local: 0 to create, 0 to update, 0 refused, 2 unchanged, "
                                "1 unmanaged\n"
                                "\n"
                                "No changes. The cluster matches the declarations.\n");
    tcapture_free(&c);
    rc_cluster_plan_free(&p);
}

static void test_text_refusal_is_not_no_changes(void **state)
{
    (void)state;
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("local");
    rc_topic_plan *t = t_plan_add_topic(&p, "a.v1", RC_ACT_REFUSE, 3, 3, 0);
    add_str(&t->refusals, &t->nrefusals, "no");
    tcapture c;
    rc_plan_print_text(tcapture_open(&c), &p, 1, false);
    tcapture_close(&c);
    assert_null(strstr(c.data, "No changes"));
    assert_non_null(strstr(c.data, "! refuse  a.v1\n    no\n"));
    tcapture_free(&c);
    rc_cluster_plan_free(&p);
}

static void test_text_broker_defaults(void **state)
{
    (void)state;
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("local");
    t_plan_add_topic(&p, "a.v1", RC_ACT_CREATE, 0, -1, -1);
    tcapture c;
    rc_plan_print_text(tcapture_open(&c), &p, 1, false);
    tcapture_close(&c);
    assert_non_null(
        strstr(c.data, "+ create  a.v1 (default partitions, default replication factor)\n"));
    tcapture_free(&c);
    rc_cluster_plan_free(&p);
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *parse_json(const char *text)
{
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root)
        fail_msg("invalid JSON at line %d: %s", err.line, err.text);
    return root;
}

static void test_json_structure(void **state)
{
    (void)state;
    rc_cluster_plan plans[2];
    build_plans(plans);
    tcapture c;
    assert_int_equal(rc_plan_print_json(tcapture_open(&c), plans, 2), 0);
    tcapture_close(&c);
    json_t *root = parse_json(c.data);
    assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 1);
    assert_true(json_is_true(json_object_get(root, "changes_pending")));
    json_t *clusters = json_object_get(root, "clusters");
    assert_int_equal(json_array_size(clusters), 2);
    json_t *local = json_array_get(clusters, 0);
    json_t *summary = json_object_get(local, "summary");
    const char *keys[] = {"create", "update", "refuse", "unchanged", "unmanaged", "delete"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(json_integer_value(json_object_get(summary, keys[i])), 1);
    json_t *topics = json_object_get(local, "topics");
    assert_int_equal(json_array_size(topics), 6);
    /* partitions only when creating or changing; replication_factor only on create */
    for (size_t i = 0; i < json_array_size(topics); i++) {
        json_t *t = json_array_get(topics, i);
        const char *action = json_string_value(json_object_get(t, "action"));
        bool creates = strcmp(action, "create") == 0;
        bool changes = creates || strcmp(action, "update") == 0;
        assert_int_equal(json_object_get(t, "partitions") != NULL, changes);
        assert_int_equal(json_object_get(t, "replication_factor") != NULL, creates);
        assert_true(json_is_array(json_object_get(t, "config")));
        assert_true(json_is_array(json_object_get(t, "refusals")));
        assert_non_null(json_object_get(t, "error"));
    }
    json_t *create = json_array_get(topics, 0);
    assert_true(json_is_null(json_object_get(json_object_get(create, "partitions"), "from")));
    json_t *staging = json_array_get(clusters, 1);
    assert_true(json_is_string(json_object_get(staging, "error")));
    assert_true(json_is_null(json_object_get(staging, "cluster_id")));
    assert_false(json_is_true(json_object_get(staging, "changes_pending")));
    json_decref(root);
    tcapture_free(&c);
    free_plans(plans, 2);
}

static void test_json_hostile_strings(void **state)
{
    (void)state;
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("local");
    rc_topic_plan *t = t_plan_add_topic(&p, "a.v1", RC_ACT_UPDATE, 1, 1, 0);
    t_plan_add_change(t, "x.key", "\"quoted\"\n", "tab\there", false);
    t->broker_error = rc_xstrdup("invalid utf-8 \xff\xfe here");
    tcapture c;
    assert_int_equal(rc_plan_print_json(tcapture_open(&c), &p, 1), 0);
    tcapture_close(&c);
    json_t *root = parse_json(c.data);
    json_t *topic = json_array_get(
        json_object_get(json_array_get(json_object_get(root, "clusters"), 0), "topics"), 0);
    assert_string_equal(json_string_value(json_object_get(topic, "error")),
                        "invalid utf-8 ?? here");
    json_t *cfg = json_array_get(json_object_get(topic, "config"), 0);
    assert_string_equal(json_string_value(json_object_get(cfg, "old")), "\"quoted\"\n");
    json_decref(root);
    tcapture_free(&c);
    rc_cluster_plan_free(&p);
}

static void test_json_empty(void **state)
{
    (void)state;
    tcapture c;
    assert_int_equal(rc_plan_print_json(tcapture_open(&c), NULL, 0), 0);
    tcapture_close(&c);
    assert_string_equal(c.data, "{\n  \"schema_version\": 1,\n  \"clusters\": [],\n"
                                "  \"changes_pending\": false\n}\n");
    tcapture_free(&c);
}

/* ---- Markdown -------------------------------------------------------------------- */

static void test_markdown_escaping(void **state)
{
    (void)state;
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("local");
    rc_topic_plan *t = t_plan_add_topic(&p, "a.v1", RC_ACT_UPDATE, 1, 1, 0);
    t_plan_add_change(t, "x.key", "a|b", "``tick`", false);
    t->broker_error = rc_xstrdup("<img src=x> *bold* | [link](http://x)\nnext");
    tcapture c;
    rc_plan_print_markdown(tcapture_open(&c), &p, 1);
    tcapture_close(&c);
    /* the pipe cannot split the table row, the backticks cannot close the span */
    assert_non_null(strstr(c.data, "| `x.key` | `a\\|b` | ``` ``tick` ``` |\n"));
    assert_non_null(strstr(c.data, "**Broker rejected:** \\<img src=x> \\*bold\\* \\| "
                                   "\\[link\\](http://x) next\n"));
    tcapture_free(&c);
    rc_cluster_plan_free(&p);
}

static void test_markdown_no_changes(void **state)
{
    (void)state;
    rc_cluster_plan p = {0};
    p.cluster = rc_xstrdup("local");
    t_plan_add_topic(&p, "a.v1", RC_ACT_UNCHANGED, 3, 3, 0);
    tcapture c;
    rc_plan_print_markdown(tcapture_open(&c), &p, 1);
    tcapture_close(&c);
    assert_null(strstr(c.data, "a.v1"));
    const char *tail = "**No changes.** The cluster matches the declarations.\n";
    assert_true(c.len >= strlen(tail));
    assert_string_equal(c.data + c.len - strlen(tail), tail);
    tcapture_free(&c);
    rc_cluster_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_golden),
        cmocka_unit_test(test_json_golden),
        cmocka_unit_test(test_markdown_golden),
        cmocka_unit_test(test_text_no_escape_without_color),
        cmocka_unit_test(test_text_color),
        cmocka_unit_test(test_text_no_changes),
        cmocka_unit_test(test_text_refusal_is_not_no_changes),
        cmocka_unit_test(test_text_broker_defaults),
        cmocka_unit_test(test_json_structure),
        cmocka_unit_test(test_json_hostile_strings),
        cmocka_unit_test(test_json_empty),
        cmocka_unit_test(test_markdown_escaping),
        cmocka_unit_test(test_markdown_no_changes),
    };
    return cmocka_run_group_tests_name("plan_print", tests, NULL, NULL);
}
