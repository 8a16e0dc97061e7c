/* Unit tests for import: which topics are adopted and with what, how the
 * unmanaged bindings map onto producers and consumers, the files and their
 * YAML byte for byte, and the round-trip check catching a declaration that
 * is not what the cluster has. The real broker round trip is
 * tests/integration/test_import.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acl.h"
#include "decl.h"
#include "import.h"
#include "support.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const TEAMS = "teams:\n"
                                 "  checkout:\n"
                                 "    chat: '#checkout'\n"
                                 "    services: {orders-api: User:orders-api}\n"
                                 "  billing:\n"
                                 "    chat: '#billing'\n"
                                 "    services: {invoicer: User:invoicer}\n";

static const char *const CLUSTER = "bootstrap: localhost:9092\n"
                                   "defaults:\n"
                                   "  partitions: 3\n"
                                   "  config: {retention.ms: 3d}\n"
                                   "policy:\n"
                                   "  ignore: ['connect-*']\n"
                                   "access:\n"
                                   "  ignore_principals: ['User:ops-*']\n";

static const char *const DECLARED = "name: orders.declared\nowner: checkout\n";

/* ---- building the observation ------------------------------------------------- */

typedef struct world {
    tside side;
    rc_cluster_obs obs;
    rc_group_offsets *groups;
    size_t ngroups;
    rc_acl_set acls;
} world;

/* configs: "key=value@o" (o: topic override), "key=value@d" (a default). */
static rc_topic_obs *add_topic(world *w, const char *name, int parts, const char *configs)
{
    w->obs.topics = rc_xrealloc(w->obs.topics, (w->obs.ntopics + 1) * sizeof(*w->obs.topics));
    rc_topic_obs *t = &w->obs.topics[w->obs.ntopics++];
    memset(t, 0, sizeof(*t));
    t->name = rc_xstrdup(name);
    t->partitions = parts;
    t->replication_factor = t->max_replicas = 1;
    t->configs = rc_xcalloc(8, sizeof(*t->configs));
    char *copy = rc_xstrdup(configs ? configs : "");
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '='), *at = strrchr(tok, '@');
        rc_config_obs *c = &t->configs[t->nconfigs++];
        c->key = rc_xstrndup(tok, (size_t)(eq - tok));
        c->value = rc_xstrndup(eq + 1, (size_t)(at - eq - 1));
        c->source = at[1] == 'o' ? RC_CFG_TOPIC_OVERRIDE : RC_CFG_DEFAULT;
    }
    free(copy);
    return t;
}

static void add_group(world *w, const char *group, const char *t1, const char *t2)
{
    w->groups = rc_xrealloc(w->groups, (w->ngroups + 1) * sizeof(*w->groups));
    rc_group_offsets *g = &w->groups[w->ngroups++];
    memset(g, 0, sizeof(*g));
    g->group = rc_xstrdup(group);
    g->topics = rc_xcalloc(2, sizeof(char *));
    if (t1)
        g->topics[g->ntopics++] = rc_xstrdup(t1);
    if (t2)
        g->topics[g->ntopics++] = rc_xstrdup(t2);
}

static void add_acl(world *w, const char *principal, rc_acl_resource res, const char *name,
                    rc_acl_pattern pat, rc_acl_operation op)
{
    rc_acl_binding b = {.resource = res,
                        .pattern = pat,
                        .name = (char *)name,
                        .principal = (char *)principal,
                        .host = (char *)"*",
                        .operation = op,
                        .permission = RC_ACL_ALLOW};
    rc_acl_set_add(&w->acls, &b);
}

static void world_load(world *w, const char *declared)
{
    memset(w, 0, sizeof(*w));
    tfile files[] = {{"topics/_teams.yaml", TEAMS},
                     {"topics/prod/_cluster.yaml", CLUSTER},
                     {"topics/prod/orders.yaml", declared}};
    tside_load(&w->side, files, 3);
    if (w->side.diags.len)
        fail_msg("fixture has a problem: %s", w->side.diags.items[0].message);
}

static void world_free(world *w)
{
    tside_free(&w->side);
    rc_cluster_obs_free(&w->obs);
    rc_group_offsets_free(w->groups, w->ngroups);
    rc_acl_set_free(&w->acls);
}

static rc_import_input input(world *w)
{
    rc_acl_set_normalise(&w->acls);
    return (rc_import_input){.repo = &w->side.repo,
                             .decl = &w->side.repo.clusters[0],
                             .obs = &w->obs,
                             .groups = w->groups,
                             .ngroups = w->ngroups,
                             .acls = &w->acls};
}

static const rc_import_file *file_named(const rc_import *im, const char *path)
{
    for (size_t i = 0; i < im->nfiles; i++)
        if (!strcmp(im->files[i].path, path))
            return &im->files[i];
    fail_msg("no file %s", path);
    return NULL;
}

/* What a broker reports for a topic without overrides: its default
 * retention, which is not the 3d this cluster's defaults.config declares. */
#define WEEK "retention.ms=604800000@d"

/* A cluster with every kind of topic import must tell apart, in name order. */
static void messy_cluster(world *w)
{
    add_topic(w, "__consumer_offsets", 50, NULL)->internal = true;
    add_topic(w, "_reconcile.applied", 1, NULL);
    add_topic(w, "connect-offsets", 25, "cleanup.policy=compact@o");
    add_topic(w, "denied.topic", 0, NULL)->describe_denied = true;
    /* an override equal to the broker's default is still an override */
    add_topic(w, "null", 1, "retention.ms=604800000@o segment.bytes=1073741824@o");
    add_topic(w, "orders.declared", 3, "retention.ms=259200000@o");
    /* own overrides; a default-sourced key is never written */
    add_topic(w, "orders.placed", 6,
              "retention.ms=604800000@o max.message.bytes=2097152@o segment.ms=604800000@d");
    /* the override defaults.config gives is left to it; no other key */
    add_topic(w, "orders.shipped", 2, "retention.ms=259200000@o");
    rc_topic_obs *secret = add_topic(w, "secret.topic", 1, "x.key=v@o");
    secret->configs[0].sensitive = true;
    free(secret->configs[0].value);
    secret->configs[0].value = NULL;
    /* no override, but not what defaults.config says: its own value */
    add_topic(w, "state.compacted", 1, "cleanup.policy=compact@o retention.ms=604800000@d");
}

/* ---- topics and configs -------------------------------------------------------------- */

static void test_topics_with_only_their_own_overrides(void **state)
{
    (void)state;
    world w;
    world_load(&w, DECLARED);
    messy_cluster(&w);
    rc_import_input in = input(&w);
    rc_import im;
    char err[256];
    assert_int_equal(rc_import_build(&im, &in, err, sizeof(err)), 0);
    assert_int_equal(im.ntopics, 4);
    assert_string_equal(im.topics[0].name, "null");
    assert_string_equal(im.topics[1].name, "orders.placed");
    assert_string_equal(im.topics[2].name, "orders.shipped");
    assert_string_equal(im.topics[3].name, "state.compacted");
    assert_int_equal(im.nskipped, 2);
    assert_string_equal(im.skipped[0], "denied.topic");
    assert_string_equal(im.skipped[1], "secret.topic");
    assert_non_null(strstr(im.warnings[1], "does not show the value of its override x.key"));
    assert_string_equal(file_named(&im, "topics/prod/orders.placed.yaml")->content,
                        "# Imported from cluster prod by `reconcile import`: as the topic is on "
                        "the cluster.\n"
                        "name: orders.placed\n"
                        "partitions: 6\n"
                        "replication_factor: 1\n"
                        "owner: 'TODO: a team of topics/_teams.yaml'\n"
                        "config:\n"
                        "  max.message.bytes: 2MiB\n"
                        "  retention.ms: 7d\n");
    assert_string_equal(file_named(&im, "topics/prod/null.yaml")->content,
                        "# Imported from cluster prod by `reconcile import`: as the topic is on "
                        "the cluster.\n"
                        "name: \"null\"\n"
                        "partitions: 1\n"
                        "replication_factor: 1\n"
                        "owner: 'TODO: a team of topics/_teams.yaml'\n"
                        "config:\n"
                        "  retention.ms: 7d\n"
                        "  segment.bytes: 1GiB\n");
    assert_int_equal(im.topics[2].config.len, 0);
    assert_string_equal(rc_kvlist_get(&im.topics[3].config, "retention.ms"), "7d");
    assert_int_equal(im.unowned, 4);
    /* the same inputs give the same bytes */
    rc_import again;
    assert_int_equal(rc_import_build(&again, &in, err, sizeof(err)), 0);
    assert_int_equal(again.nfiles, im.nfiles);
    for (size_t i = 0; i < im.nfiles; i++) {
        assert_string_equal(again.files[i].path, im.files[i].path);
        assert_string_equal(again.files[i].content, im.files[i].content);
    }
    rc_import_free(&again);
    rc_import_free(&im);
    world_free(&w);
}

/* A declaration validation would change (a key too close to a known one to
 * be accepted) is not written: the rest is imported, it is named. */
static void test_a_topic_that_would_not_round_trip_is_left_out(void **state)
{
    (void)state;
    world w;
    world_load(&w, DECLARED);
    add_topic(&w, "orders.placed", 6, WEEK);
    add_topic(&w, "orders.typo", 1, "retention.msx=5@o " WEEK);
    rc_import_input in = input(&w);
    rc_import im = {0};
    rc_diags diags = {0};
    char err[512];
    assert_int_equal(rc_import_build_checked(&im, &in, &w.side.src, &diags, err, sizeof(err)), 0);
    assert_int_equal(im.ntopics, 1);
    assert_string_equal(im.topics[0].name, "orders.placed");
    assert_int_equal(im.nskipped, 1);
    assert_string_equal(im.skipped[0], "orders.typo");
    assert_non_null(strstr(im.warnings[0], "orders.typo skipped: its declaration would not "
                                           "round-trip"));
    assert_null(in.exclude);
    rc_diags_free(&diags);
    rc_import_free(&im);
    world_free(&w);
}

/* ---- groups and access ---------------------------------------------------------------- */

static void test_groups_and_bindings_become_consumers_producers_and_the_rest(void **state)
{
    (void)state;
    world w;
    world_load(&w, DECLARED);
    add_topic(&w, "orders.placed", 6, WEEK);
    add_topic(&w, "orders.shipped", 2, WEEK);
    add_group(&w, "billing", "orders.placed", "orders.shipped");
    add_group(&w, "audit", "orders.placed", NULL);
    add_group(&w, "broken", NULL, NULL);
    w.groups[2].error = rc_xstrdup("not authorised");
    /* sorted by group, as the adapter gives them */
    rc_group_offsets tmp = w.groups[0];
    w.groups[0] = w.groups[1];
    w.groups[1] = tmp;
    const char *placed = "orders.placed", *shipped = "orders.shipped";
    add_acl(&w, "User:orders-api", RC_ACL_RES_TOPIC, placed, RC_ACL_PAT_LITERAL, RC_ACL_OP_WRITE);
    add_acl(&w, "User:orders-api", RC_ACL_RES_TOPIC, placed, RC_ACL_PAT_LITERAL,
            RC_ACL_OP_DESCRIBE);
    add_acl(&w, "User:invoicer", RC_ACL_RES_TOPIC, placed, RC_ACL_PAT_LITERAL, RC_ACL_OP_READ);
    add_acl(&w, "User:invoicer", RC_ACL_RES_TOPIC, placed, RC_ACL_PAT_LITERAL, RC_ACL_OP_DESCRIBE);
    add_acl(&w, "User:invoicer", RC_ACL_RES_GROUP, "billing", RC_ACL_PAT_LITERAL, RC_ACL_OP_READ);
    /* READ without DESCRIBE is no consumer declaration: kept as it is */
    add_acl(&w, "User:invoicer", RC_ACL_RES_TOPIC, shipped, RC_ACL_PAT_LITERAL, RC_ACL_OP_READ);
    /* a principal no service has, a prefixed pattern, a cluster binding */
    add_acl(&w, "User:*", RC_ACL_RES_TOPIC, "orders.", RC_ACL_PAT_PREFIXED, RC_ACL_OP_DESCRIBE);
    add_acl(&w, "User:stranger", RC_ACL_RES_TOPIC, placed, RC_ACL_PAT_LITERAL, RC_ACL_OP_WRITE);
    add_acl(&w, "User:stranger", RC_ACL_RES_CLUSTER, "kafka-cluster", RC_ACL_PAT_LITERAL,
            RC_ACL_OP_IDEMPOTENT_WRITE);
    /* ignored: a principal of access.ignore_principals, a policy.ignore topic */
    add_acl(&w, "User:ops-admin", RC_ACL_RES_TOPIC, placed, RC_ACL_PAT_LITERAL, RC_ACL_OP_ALTER);
    add_acl(&w, "User:stranger", RC_ACL_RES_TOPIC, "connect-offsets", RC_ACL_PAT_LITERAL,
            RC_ACL_OP_READ);
    rc_import_input in = input(&w);
    rc_import im;
    char err[256];
    assert_int_equal(rc_import_build(&im, &in, err, sizeof(err)), 0);
    const rc_import_topic *t = &im.topics[0];
    assert_string_equal(t->name, placed);
    assert_int_equal(t->nproducers, 1);
    assert_string_equal(t->producers[0], "orders-api");
    assert_int_equal(t->nconsumers, 2);
    assert_string_equal(t->consumers[0], "audit");
    assert_null(t->consumer_services[0]);
    assert_string_equal(t->consumers[1], "billing");
    assert_string_equal(t->consumer_services[1], "invoicer");
    assert_int_equal(im.topics[1].nconsumers, 1);
    assert_null(im.topics[1].consumer_services[0]);
    assert_int_equal(im.bindings_by_topics, 5);
    assert_int_equal(im.bindings.len, 4);
    assert_non_null(strstr(im.warnings[0], "group broken left out"));
    assert_string_equal(file_named(&im, "topics/prod/_access.yaml")->content,
                        "# ACL bindings found on cluster prod that no topic declaration grants "
                        "(`reconcile import`).\n"
                        "# Topics grant their producers and consumers access; these are the "
                        "rest.\n"
                        "bindings:\n"
                        "- {principal: 'User:*', resource: topic, name: orders., pattern: "
                        "prefixed, operations: [describe]}\n"
                        "- {principal: 'User:invoicer', resource: topic, name: orders.shipped, "
                        "operations: [read]}\n"
                        "- {principal: 'User:stranger', resource: topic, name: orders.placed, "
                        "operations: [write]}\n"
                        "- {principal: 'User:stranger', resource: cluster, operations: "
                        "[idempotent_write]}\n");
    assert_string_equal(file_named(&im, "topics/prod/orders.placed.yaml")->content,
                        "# Imported from cluster prod by `reconcile import`: as the topic is on "
                        "the cluster.\n"
                        "name: orders.placed\n"
                        "partitions: 6\n"
                        "replication_factor: 1\n"
                        "owner: 'TODO: a team of topics/_teams.yaml'\n"
                        "config:\n"
                        "  retention.ms: 7d\n"
                        "producers: [orders-api]\n"
                        "consumers:\n"
                        "- audit\n"
                        "- {group: billing, service: invoicer}\n");

    /* the round trip holds; a declaration edited after the build does not */
    char **bad = NULL;
    size_t nbad = 0;
    rc_diags diags = {0};
    assert_int_equal(rc_import_check(&im, &w.side.src, "prod", &w.obs, &w.acls, &diags, &bad, &nbad,
                                     err, sizeof(err)),
                     0);
    assert_int_equal(nbad, 0);
    assert_int_equal(diags.len, 2); /* the two owners left to set */
    assert_string_equal(diags.items[0].rule, "owner-unset");
    rc_diags_free(&diags);
    rc_import_file *f = (rc_import_file *)file_named(&im, "topics/prod/orders.placed.yaml");
    char *six = strstr(f->content, "partitions: 6");
    six[strlen("partitions: ")] = '7';
    rc_import_file *a = (rc_import_file *)file_named(&im, "topics/prod/_access.yaml");
    /* the last binding dropped from the access file */
    *strstr(a->content, "- {principal: 'User:stranger', resource: cluster") = '\0';
    assert_int_equal(rc_import_check(&im, &w.side.src, "prod", &w.obs, &w.acls, &diags, &bad, &nbad,
                                     err, sizeof(err)),
                     RC_ERR);
    assert_int_equal(nbad, 1);
    assert_string_equal(bad[0], placed);
    assert_non_null(strstr(err, "orders.placed would be update"));
    assert_non_null(strstr(err, "access would have 1 unmanaged binding"));
    for (size_t i = 0; i < nbad; i++)
        free(bad[i]);
    free(bad);
    rc_diags_free(&diags);
    rc_import_free(&im);
    world_free(&w);
}

/* ---- files and owners ------------------------------------------------------------------ */

static void test_layouts_owners_and_free_names(void **state)
{
    (void)state;
    world w;
    world_load(&w, DECLARED);
    add_topic(&w, "_hidden", 1, WEEK);
    add_topic(&w, "orders.placed", 1, WEEK);
    add_topic(&w, "orders.shipped", 1, WEEK);
    add_topic(&w, "payments", 1, WEEK);
    rc_owner_rule rules[2];
    char err[256];
    assert_int_equal(rc_owner_rule_parse(&rules[0], "orders.*=checkout", err, sizeof(err)), 0);
    assert_int_equal(rc_owner_rule_parse(&rules[1], "*=billing", err, sizeof(err)), 0);
    const char *existing[] = {"topics/prod/_cluster.yaml", "topics/prod/orders.yaml"};
    rc_import_input in = input(&w);
    in.existing = existing;
    in.nexisting = 2;
    in.owners = rules;
    in.nowners = 1;
    in.layout = RC_IMPORT_BY_PREFIX;
    rc_import im;
    assert_int_equal(rc_import_build(&im, &in, err, sizeof(err)), 0);
    assert_int_equal(im.nfiles, 3);
    assert_string_equal(im.files[0].path, "topics/prod/orders.imported.yaml");
    assert_int_equal(im.files[0].ntopics, 2);
    assert_non_null(strstr(im.files[0].content, "  retention.ms: 7d\n---\nname: orders.shipped"));
    assert_string_equal(im.files[1].path, "topics/prod/payments.yaml");
    assert_string_equal(im.files[2].path, "topics/prod/topic_hidden.yaml");
    assert_int_equal(im.unowned, 2);
    rc_import_free(&im);

    in.nowners = 2; /* the first rule that matches wins */
    in.layout = RC_IMPORT_BY_OWNER;
    assert_int_equal(rc_import_build(&im, &in, err, sizeof(err)), 0);
    assert_int_equal(im.nfiles, 2);
    assert_string_equal(im.files[0].path, "topics/prod/billing.yaml");
    assert_int_equal(im.files[0].ntopics, 2);
    assert_string_equal(im.files[1].path, "topics/prod/checkout.yaml");
    assert_int_equal(im.unowned, 0);
    rc_import_free(&im);
    for (int i = 0; i < 2; i++) {
        free(rules[i].glob);
        free(rules[i].team);
    }

    const char *bad[] = {"orders", "=checkout", "orders.*=", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rc_owner_rule r;
        assert_int_equal(rc_owner_rule_parse(&r, bad[i], err, sizeof(err)), RC_ERR);
        assert_non_null(strstr(err, "is not GLOB=TEAM"));
    }
    world_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topics_with_only_their_own_overrides),
        cmocka_unit_test(test_a_topic_that_would_not_round_trip_is_left_out),
        cmocka_unit_test(test_groups_and_bindings_become_consumers_producers_and_the_rest),
        cmocka_unit_test(test_layouts_owners_and_free_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
