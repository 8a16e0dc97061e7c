/* test_acl.c — access declarations, the bindings they derive, and the pure
 * diff of bindings: every action, every refusal, every rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acl.h"
#include "decl.h"
#include "support.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEAMS_PATH "topics/_teams.yaml"
#define CLUSTER_PATH "topics/prod/_cluster.yaml"
#define TOPIC_PATH "topics/prod/t.yaml"

static const char *const TEAMS = "teams:\n"
                                 "  checkout:\n"
                                 "    chat: '#checkout'\n"
                                 "    services:\n"
                                 "      orders-api: User:orders-api\n"
                                 "      orders-worker: User:CN=orders-worker,O=shop\n"
                                 "  billing:\n"
                                 "    chat: '#billing'\n"
                                 "    services: {invoicer: User:invoicer}\n";

static const char *const CLUSTER = "bootstrap: localhost:9092\ndefaults: {partitions: 3}\n";

/* The diagnostics as "file:line:col rule" lines, sorted. */
static char *diag_lines(const rc_diags *d)
{
    rc_buf b = {0};
    for (size_t i = 0; i < d->len; i++)
        rc_buf_printf(&b, "%s:%d:%d %s\n", d->items[i].file, d->items[i].line, d->items[i].col,
                      d->items[i].rule);
    return b.len ? rc_buf_take(&b) : rc_xstrdup("");
}

static void load(tside *s, const char *teams, const char *cluster, const char *topics)
{
    tfile files[] = {{TEAMS_PATH, teams}, {CLUSTER_PATH, cluster}, {TOPIC_PATH, topics}};
    tside_load(s, files, 3);
    rc_diags_sort(&s->diags);
}

static void expect_diag_lines(tside *s, const char *want)
{
    char *got = diag_lines(&s->diags);
    if (strcmp(got, want) != 0) {
        for (size_t i = 0; i < s->diags.len; i++)
            fprintf(stderr, "  %s\n", s->diags.items[i].message);
        fail_msg("diagnostics:\n%s\nwant:\n%s", got, want);
    }
    free(got);
}

/* The derived bindings of the only cluster, one text per line. */
static char *derived_text(const tside *s)
{
    rc_acl_set set;
    rc_acl_derive(&set, &s->repo, &s->repo.clusters[0]);
    rc_buf b = {0};
    for (size_t i = 0; i < set.len; i++) {
        char *t = rc_acl_binding_text(&set.items[i]);
        rc_buf_printf(&b, "%s\n", t);
        free(t);
    }
    rc_acl_set_free(&set);
    return b.len ? rc_buf_take(&b) : rc_xstrdup("");
}

/* ---- declarations ------------------------------------------------------------- */

static void test_services_parsed_sorted_with_team(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS, CLUSTER, "name: a\nowner: checkout\n");
    expect_diag_lines(&s, "");
    assert_int_equal(s.repo.nservices, 3);
    assert_string_equal(s.repo.services[0].name, "invoicer");
    assert_string_equal(s.repo.services[0].team, "billing");
    assert_string_equal(s.repo.services[1].name, "orders-api");
    assert_string_equal(s.repo.services[2].principal, "User:CN=orders-worker,O=shop");
    assert_string_equal(rc_repo_service_by_principal(&s.repo, "User:invoicer")->team, "billing");
    /* no access declared: the cluster does not manage ACLs */
    assert_false(rc_acl_cluster_managed(&s.repo.clusters[0]));
    tside_free(&s);
}

static void test_service_rules(void **state)
{
    (void)state;
    tside s;
    load(&s,
         "teams:\n"
         "  a:\n"
         "    chat: x\n"
         "    services: {one: User:one, bad: orders, star: 'User:*', blank: ':x'}\n"
         "  b:\n"
         "    chat: y\n"
         "    services: {two: User:one, one: User:other, list: [x], 'a|b': User:ab}\n",
         CLUSTER, "name: t\nowner: a\n");
    /* bad: no type; star: wildcard; blank: empty type; list: not a string;
     * two: principal of a's one; one: name of a's one */
    expect_diag_lines(&s, TEAMS_PATH
                      ":4:36 principal\n" TEAMS_PATH ":4:50 principal\n" TEAMS_PATH
                      ":4:67 principal\n" TEAMS_PATH ":7:21 duplicate-principal\n" TEAMS_PATH
                      ":7:31 duplicate-service\n" TEAMS_PATH ":7:54 type\n" TEAMS_PATH
                      ":7:59 service-name\n");
    assert_non_null(strstr(s.diags.items[3].message, "service one (team a)"));
    tside_free(&s);
}

static void test_topic_access_parsed(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS, CLUSTER,
         "name: orders.v1\nowner: checkout\nproducers: [orders-api]\n"
         "consumers: [audit, {group: billing-invoicer, service: invoicer}]\n");
    expect_diag_lines(&s, "");
    const rc_topic_decl *t = &s.repo.clusters[0].topics[0];
    assert_int_equal(t->nconsumers, 2);
    assert_string_equal(t->consumers[0], "audit");
    assert_null(t->consumer_services[0]);
    assert_string_equal(t->consumers[1], "billing-invoicer");
    assert_string_equal(t->consumer_services[1], "invoicer");
    assert_int_equal(t->nproducers, 1);
    assert_true(rc_acl_cluster_managed(&s.repo.clusters[0]));
    tside_free(&s);
}

static void test_unknown_service_references(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS, CLUSTER,
         "name: orders.v1\nowner: checkout\nproducers: [orders-apii, orders-api, orders-api]\n"
         "consumers: [{group: g, service: invoicr}, {service: invoicer}]\n");
    expect_diag_lines(&s,
                      TOPIC_PATH ":3:13 unknown-service\n" TOPIC_PATH ":3:38 producers\n" TOPIC_PATH
                                 ":4:33 unknown-service\n" TOPIC_PATH ":4:43 required\n");
    assert_non_null(strstr(s.diags.items[0].message, "did you mean \"orders-api\""));
    assert_non_null(strstr(s.diags.items[2].message, "did you mean \"invoicer\""));
    tside_free(&s);
}

static void test_cluster_access_block_rules(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS,
         "bootstrap: x\ndefaults: {partitions: 1}\naccess:\n"
         "  principal: reconcile\n"
         "  idempotent_write: maybe\n"
         "  bindings:\n"
         "    - {principal: 'User:*', resource: topics, name: a, operations: [read]}\n"
         "    - {principal: User:t, resource: group, operations: [read]}\n"
         "    - {principal: User:t, resource: topic, name: p., pattern: glob, operations: [read]}\n"
         "    - {principal: User:t, resource: topic, name: p., operations: [reed, write]}\n"
         "    - {principal: User:t, resource: cluster, permission: maybe, operations: [alter]}\n"
         "    - {principal: User:t, resource: topic, name: x}\n"
         "    - {principal: User:t, resource: topic, name: x, operations: [read], colour: red}\n",
         "name: t\nowner: checkout\n");
    expect_diag_lines(&s, CLUSTER_PATH ":4:14 principal\n" CLUSTER_PATH ":5:21 type\n" CLUSTER_PATH
                                       ":7:39 acl\n" CLUSTER_PATH ":8:7 required\n" CLUSTER_PATH
                                       ":9:63 acl\n" CLUSTER_PATH ":10:67 acl\n" CLUSTER_PATH
                                       ":11:58 acl\n" CLUSTER_PATH ":12:7 required\n" CLUSTER_PATH
                                       ":13:73 unknown-key\n");
    /* only items whose fields are all good are kept: the good operation of
     * item 4, and item 7 (its unknown key is reported, its binding whole) */
    assert_int_equal(s.repo.clusters[0].extra_bindings.len, 2);
    assert_int_equal(s.repo.clusters[0].extra_bindings.items[0].operation, RC_ACL_OP_WRITE);
    tside_free(&s);
}

/* _access*.yaml: bindings beside the cluster file (what import writes);
 * other underscore files stay reserved, and a wrong key is positioned. */
static void test_access_files(void **state)
{
    (void)state;
    tside s;
    tfile files[] = {
        {TEAMS_PATH, TEAMS},
        {CLUSTER_PATH, CLUSTER},
        {"topics/prod/_access-2.yaml",
         "bindings:\n  - {principal: User:b, resource: group, name: g, operations: [read]}\n"},
        {"topics/prod/_access.yaml",
         "bindings:\n  - {principal: User:a, resource: topic, name: t, operations: [write, "
         "describe]}\n---\nbinding: []\n"},
        {"topics/prod/_other.yaml", "bindings: []\n"},
        {"topics/prod/sub/_access.yaml", "bindings: []\n"},
        {TOPIC_PATH, "name: t\nowner: checkout\n"},
    };
    tside_load(&s, files, sizeof(files) / sizeof(files[0]));
    rc_diags_sort(&s.diags);
    expect_diag_lines(&s, "topics/prod/_access.yaml:4:1 unknown-key\n"
                          "topics/prod/_access.yaml:4:1 required\n"
                          "topics/prod/_other.yaml:0:0 layout\n"
                          "topics/prod/sub/_access.yaml:0:0 layout\n");
    const rc_cluster_decl *c = &s.repo.clusters[0];
    assert_true(c->access_declared);
    char *got = derived_text(&s);
    assert_string_equal(got,
                        "User:a WRITE topic t\nUser:a DESCRIBE topic t\nUser:b READ group g\n");
    free(got);
    tside_free(&s);
}

/* The owner import leaves for a person to set is an error of its own. */
static void test_owner_placeholder(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS, CLUSTER, "name: t\nowner: '" RC_DECL_OWNER_PLACEHOLDER "'\n");
    expect_diag_lines(&s, TOPIC_PATH ":2:8 owner-unset\n");
    assert_non_null(strstr(s.diags.items[0].message, "topic \"t\" has no owner yet"));
    tside_free(&s);
}

static void test_required_producers(void **state)
{
    (void)state;
    tside s;
    /* a platform team may require every topic to say who writes to it */
    load(&s, TEAMS,
         "bootstrap: x\ndefaults: {partitions: 1}\npolicy: {required_fields: [producers]}\n",
         "name: a\nowner: checkout\nproducers: [orders-api]\n---\nname: b\nowner: checkout\n");
    expect_diag_lines(&s, TOPIC_PATH ":5:1 required\n");
    assert_non_null(strstr(s.diags.items[0].message, "producers"));
    tside_free(&s);
}

/* ---- derivation ------------------------------------------------------------------ */

static void test_derive_producer_consumer_and_extras(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS,
         "bootstrap: x\ndefaults: {partitions: 1}\naccess:\n"
         "  bindings:\n"
         "    - {principal: User:tools, resource: topic, name: orders., pattern: prefixed,\n"
         "       operations: [read, describe]}\n"
         "    - {principal: User:invoicer, resource: topic, name: orders.v1, operations: "
         "[read]}\n"
         "    - {principal: User:bad, resource: group, name: g, permission: deny, host: "
         "10.0.0.1,\n"
         "       operations: [all]}\n",
         "name: orders.v1\nowner: checkout\nproducers: [orders-api]\n"
         "consumers: [audit, {group: billing-invoicer, service: invoicer}]\n"
         "---\n"
         "name: orders.v2\nowner: checkout\nproducers: [orders-api]\n"
         "consumers: [{group: w, service: orders-api}]\n");
    expect_diag_lines(&s, "");
    char *got = derived_text(&s);
    /* sorted by principal, resource type, pattern, name, operation; the
     * duplicate READ of invoicer and DESCRIBE of orders-api are one binding
     * each; audit has no service, so no binding */
    assert_string_equal(got, "User:bad DENY ALL group g from host 10.0.0.1\n"
                             "User:invoicer READ topic orders.v1\n"
                             "User:invoicer DESCRIBE topic orders.v1\n"
                             "User:invoicer READ group billing-invoicer\n"
                             "User:orders-api WRITE topic orders.v1\n"
                             "User:orders-api DESCRIBE topic orders.v1\n"
                             "User:orders-api READ topic orders.v2\n"
                             "User:orders-api WRITE topic orders.v2\n"
                             "User:orders-api DESCRIBE topic orders.v2\n"
                             "User:orders-api READ group w\n"
                             "User:tools READ topic orders. (prefixed)\n"
                             "User:tools DESCRIBE topic orders. (prefixed)\n");
    free(got);
    rc_acl_set set;
    rc_acl_derive(&set, &s.repo, &s.repo.clusters[0]);
    /* origins: a derived binding knows its topic, service and team; a
     * cluster binding of a declared principal knows its team */
    assert_string_equal(set.items[1].topic, "orders.v1");
    assert_string_equal(set.items[1].service, "invoicer");
    assert_string_equal(set.items[1].team, "billing");
    assert_null(set.items[0].team);
    rc_acl_set_free(&set);
    tside_free(&s);
}

static void test_derive_idempotent_write(void **state)
{
    (void)state;
    tside s;
    load(&s, TEAMS, "bootstrap: x\ndefaults: {partitions: 1}\naccess: {idempotent_write: true}\n",
         "name: a\nowner: checkout\nproducers: [orders-api]\n---\n"
         "name: b\nowner: checkout\nproducers: [orders-api]\n");
    char *got = derived_text(&s);
    assert_string_equal(got, "User:orders-api WRITE topic a\n"
                             "User:orders-api DESCRIBE topic a\n"
                             "User:orders-api WRITE topic b\n"
                             "User:orders-api DESCRIBE topic b\n"
                             "User:orders-api IDEMPOTENT_WRITE cluster kafka-cluster\n");
    free(got);
    tside_free(&s);
}

/* ---- the pure diff ---------------------------------------------------------------- */

static rc_acl_binding bind(const char *principal, rc_acl_resource r, const char *name,
                           rc_acl_operation op)
{
    rc_acl_binding b = {.resource = r,
                        .pattern = RC_ACL_PAT_LITERAL,
                        .name = (char *)name,
                        .principal = (char *)principal,
                        .host = "*",
                        .operation = op,
                        .permission = RC_ACL_ALLOW};
    return b;
}

static void add(rc_acl_set *s, rc_acl_binding b)
{
    rc_acl_set_add(s, &b);
}

static char *plan_text(const rc_acl_plan *p)
{
    rc_buf b = {0};
    static const char *const words[] = {"add", "unmanaged", "delete", "refuse"};
    for (size_t i = 0; i < p->nchanges; i++) {
        char *t = rc_acl_binding_text(&p->changes[i].binding);
        rc_buf_printf(&b, "%s %s\n", words[p->changes[i].action], t);
        free(t);
    }
    rc_buf_printf(&b, "unchanged %zu\n", p->unchanged);
    return rc_buf_take(&b);
}

static void test_diff_add_unchanged_unmanaged(void **state)
{
    (void)state;
    rc_acl_set want = {0}, have = {0};
    add(&want, bind("User:a", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_WRITE));
    add(&want, bind("User:a", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_DESCRIBE));
    add(&have, bind("User:a", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_DESCRIBE));
    add(&have, bind("User:z", RC_ACL_RES_GROUP, "g", RC_ACL_OP_READ));
    /* same binding but prefixed, DENY, or another host: all different */
    rc_acl_binding p = bind("User:a", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_WRITE);
    p.pattern = RC_ACL_PAT_PREFIXED;
    add(&have, p);
    p = bind("User:a", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_WRITE);
    p.permission = RC_ACL_DENY;
    add(&have, p);
    p = bind("User:a", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_WRITE);
    p.host = "10.1.1.1";
    add(&have, p);
    rc_acl_set_normalise(&want);
    rc_acl_set_normalise(&have);
    rc_acl_plan plan;
    rc_acl_diff(&plan, &want, &have, NULL);
    char *got = plan_text(&plan);
    assert_string_equal(got, "add User:a WRITE topic t\n"
                             "unmanaged User:a WRITE topic t from host 10.1.1.1\n"
                             "unmanaged User:a DENY WRITE topic t\n"
                             "unmanaged User:a WRITE topic t (prefixed)\n"
                             "unmanaged User:z READ group g\n"
                             "unchanged 1\n");
    assert_null(plan.refusal);
    free(got);
    rc_acl_plan_free(&plan);
    /* prune without allow_delete: still only listed */
    rc_acl_diff_options opt = {.prune = true};
    rc_acl_diff(&plan, &want, &have, &opt);
    assert_int_equal(plan.changes[4].action, RC_ACL_UNMANAGED);
    rc_acl_plan_free(&plan);
    /* prune with allow_delete: deleted */
    opt.allow_delete = true;
    rc_acl_diff(&plan, &want, &have, &opt);
    for (size_t i = 1; i < plan.nchanges; i++)
        assert_int_equal(plan.changes[i].action, RC_ACL_DELETE);
    assert_int_equal(plan.changes[0].action, RC_ACL_ADD);
    rc_acl_plan_free(&plan);
    /* converged: nothing */
    rc_acl_diff(&plan, &want, &want, &opt);
    assert_int_equal(plan.nchanges, 0);
    assert_int_equal(plan.unchanged, 2);
    rc_acl_plan_free(&plan);
    rc_acl_set_free(&want);
    rc_acl_set_free(&have);
}

static void test_diff_deletion_bound(void **state)
{
    (void)state;
    rc_acl_set want = {0}, have = {0};
    char name[16];
    for (int i = 0; i < 11; i++) {
        snprintf(name, sizeof(name), "t%02d", i);
        add(&have, bind("User:a", RC_ACL_RES_TOPIC, name, RC_ACL_OP_READ));
    }
    rc_acl_set_normalise(&have);
    rc_acl_diff_options opt = {.prune = true, .allow_delete = true};
    rc_acl_plan plan;
    rc_acl_diff(&plan, &want, &have, &opt);
    /* 11 > the default bound of 10: every deletion refused, and the kind */
    for (size_t i = 0; i < plan.nchanges; i++)
        assert_int_equal(plan.changes[i].action, RC_ACL_REFUSE);
    assert_non_null(plan.refusal);
    assert_non_null(strstr(plan.refusal, "11 ACL bindings"));
    rc_acl_plan_free(&plan);
    opt.max_deletions = 11;
    rc_acl_diff(&plan, &want, &have, &opt);
    assert_null(plan.refusal);
    assert_int_equal(plan.changes[10].action, RC_ACL_DELETE);
    rc_acl_plan_free(&plan);
    rc_acl_set_free(&have);
}

static void test_diff_never_takes_own_access(void **state)
{
    (void)state;
    rc_acl_set want = {0}, have = {0};
    add(&have, bind("User:reconcile", RC_ACL_RES_CLUSTER, "kafka-cluster", RC_ACL_OP_ALTER));
    add(&have, bind("User:x", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_READ));
    rc_acl_set_normalise(&have);
    rc_acl_diff_options opt = {
        .prune = true, .allow_delete = true, .self_principal = "User:reconcile"};
    rc_acl_plan plan;
    rc_acl_diff(&plan, &want, &have, &opt);
    assert_int_equal(plan.changes[0].action, RC_ACL_REFUSE);
    assert_non_null(strstr(plan.changes[0].refusal, "own access"));
    assert_int_equal(plan.changes[1].action, RC_ACL_DELETE);
    assert_non_null(plan.refusal);
    rc_acl_plan_free(&plan);
    /* without prune its binding is just unmanaged, no refusal */
    opt.prune = false;
    rc_acl_diff(&plan, &want, &have, &opt);
    assert_null(plan.refusal);
    assert_int_equal(plan.changes[0].action, RC_ACL_UNMANAGED);
    rc_acl_plan_free(&plan);
    /* a DENY for itself is refused too */
    rc_acl_binding d = bind("User:reconcile", RC_ACL_RES_TOPIC, "t", RC_ACL_OP_ALL);
    d.permission = RC_ACL_DENY;
    add(&want, d);
    rc_acl_diff(&plan, &want, &have, &opt);
    assert_non_null(plan.refusal);
    rc_acl_plan_free(&plan);
    rc_acl_set_free(&want);
    rc_acl_set_free(&have);
}

static void test_diff_leaves_ignored_bindings_out(void **state)
{
    (void)state;
    rc_acl_set want = {0}, have = {0};
    add(&have, bind("User:platform-tool", RC_ACL_RES_TOPIC, "x", RC_ACL_OP_READ));
    add(&have, bind("User:a", RC_ACL_RES_TOPIC, "legacy.orders", RC_ACL_OP_READ));
    add(&have, bind("User:a", RC_ACL_RES_GROUP, "legacy.orders", RC_ACL_OP_READ));
    rc_acl_set_normalise(&have);
    char *topics[] = {"legacy.*"}, *principals[] = {"User:platform-*"};
    rc_acl_diff_options opt = {.prune = true,
                               .allow_delete = true,
                               .topic_ignore = topics,
                               .ntopic_ignore = 1,
                               .principal_ignore = principals,
                               .nprincipal_ignore = 1};
    rc_acl_plan plan;
    rc_acl_diff(&plan, &want, &have, &opt);
    /* the ignore patterns are topic names: a group of the same name is
     * still reconcile's, and deleted */
    char *got = plan_text(&plan);
    assert_string_equal(got, "delete User:a READ group legacy.orders\nunchanged 0\n");
    free(got);
    rc_acl_plan_free(&plan);
    rc_acl_set_free(&have);
}

static void test_words_and_principals(void **state)
{
    (void)state;
    int v;
    assert_int_equal(rc_acl_word_parse(RC_ACL_WORDS_OPERATION, "describe-configs", &v), 0);
    assert_int_equal(v, RC_ACL_OP_DESCRIBE_CONFIGS);
    assert_int_equal(rc_acl_word_parse(RC_ACL_WORDS_OPERATION, "Idempotent_Write", &v), 0);
    assert_int_equal(v, RC_ACL_OP_IDEMPOTENT_WRITE);
    assert_int_equal(rc_acl_word_parse(RC_ACL_WORDS_OPERATION, "any", &v), RC_ERR);
    assert_int_equal(rc_acl_word_parse(RC_ACL_WORDS_RESOURCE, "Cluster", &v), 0);
    assert_int_equal(v, RC_ACL_RES_CLUSTER);
    /* librdkafka 2.0.2 cannot name it in a binding */
    assert_int_equal(rc_acl_word_parse(RC_ACL_WORDS_RESOURCE, "transactional_id", &v), RC_ERR);
    assert_int_equal(rc_acl_word_parse(RC_ACL_WORDS_PERMISSION, "DENY", &v), 0);
    assert_int_equal(v, RC_ACL_DENY);
    char *list = rc_acl_words_list(RC_ACL_WORDS_PATTERN);
    assert_string_equal(list, "literal, prefixed");
    free(list);
    assert_null(rc_acl_principal_problem("User:CN=a b,O=x", false));
    assert_null(rc_acl_principal_problem("User:*", true));
    assert_non_null(rc_acl_principal_problem("User:*", false));
    assert_non_null(rc_acl_principal_problem("User: x", false));
    assert_non_null(rc_acl_principal_problem("Us3r:x", false));
    assert_non_null(rc_acl_principal_problem("User:a\tb", false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services_parsed_sorted_with_team),
        cmocka_unit_test(test_service_rules),
        cmocka_unit_test(test_topic_access_parsed),
        cmocka_unit_test(test_unknown_service_references),
        cmocka_unit_test(test_cluster_access_block_rules),
        cmocka_unit_test(test_required_producers),
        cmocka_unit_test(test_access_files),
        cmocka_unit_test(test_owner_placeholder),
        cmocka_unit_test(test_derive_producer_consumer_and_extras),
        cmocka_unit_test(test_derive_idempotent_write),
        cmocka_unit_test(test_diff_add_unchanged_unmanaged),
        cmocka_unit_test(test_diff_deletion_bound),
        cmocka_unit_test(test_diff_never_takes_own_access),
        cmocka_unit_test(test_diff_leaves_ignored_bindings_out),
        cmocka_unit_test(test_words_and_principals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
