/* Unit tests of the command layer (src/cli.c) through rc_cli_run with fake
 * adapters: a scripted admin client and an in-memory applied-state store.
 * They cover what the integration tests can only reach with real faults:
 * exit codes for every outcome, the older-commit guard after a partial
 * failure, the deletion bound and authorisation errors. The same paths run
 * for real in tests/integration/ (test_plan_apply, test_guard_partial,
 * test_cluster3, test_acl_describe). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acl.h"
#include "cli.h"
#include "support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the fake admin client -------------------------------------------------- */

typedef enum stage_mode { STAGE_OK, STAGE_DENIED, STAGE_CALL_FAILS } stage_mode;

typedef struct fake {
    rc_kadmin base;
    const char *const *existing; /* topics on the cluster (1 partition, RF 1) */
    size_t nexisting;
    const char *hidden; /* Metadata by name answers TOPIC_AUTHORIZATION_FAILED */
    stage_mode create_mode, alter_mode;
    int creates, alters, deletes; /* topics sent, validate_only excluded */
    /* ACL bindings on the fake cluster (normalised), what was sent, and a
     * principal whose bindings CreateAcls refuses */
    rc_acl_set acls;
    int acl_creates, acl_deletes;
    const char *acl_refused_principal;
    bool no_authorizer;
} fake;

static fake F;

static int f_describe_cluster(rc_kadmin *ka, rc_cluster_obs *obs, char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    (void)ka;
    memset(obs, 0, sizeof(*obs));
    obs->broker_count = 1;
    obs->auto_create_topics = 0;
    obs->default_replication_factor = 1;
    obs->topics = rc_xcalloc(F.nexisting + 1, sizeof(*obs->topics));
    for (size_t i = 0; i < F.nexisting; i++) {
        obs->topics[i].name = rc_xstrdup(F.existing[i]);
        obs->topics[i].partitions = 1;
        obs->topics[i].replication_factor = 1;
        obs->topics[i].max_replicas = 1;
    }
    obs->ntopics = F.nexisting; /* given in name order */
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
        if (!obs->topics[i].configs && !obs->topics[i].describe_denied)
            obs->topics[i].configs = rc_xcalloc(1, sizeof(*obs->topics[i].configs));
    return 0;
}

static int f_describe_named(rc_kadmin *ka, rc_cluster_obs *obs, const char *const *t, size_t n,
                            char *errbuf, size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    (void)ka;
    for (size_t i = 0; F.hidden && i < n; i++) {
        if (strcmp(t[i], F.hidden) != 0)
            continue;
        obs->topics = rc_xrealloc(obs->topics, (obs->ntopics + 1) * sizeof(*obs->topics));
        rc_topic_obs *o = &obs->topics[obs->ntopics++];
        memset(o, 0, sizeof(*o));
        o->name = rc_xstrdup(t[i]);
        o->describe_denied = true;
        /* keep the documented order: the hidden topic sorts last in these tests */
    }
    return 0;
}

static rc_topic_result *answer(const char *const *names, size_t n, stage_mode mode)
{
    rc_topic_result *r = rc_xcalloc(n, sizeof(*r));
    for (size_t i = 0; i < n; i++) {
        r[i].topic = names[i];
        if (mode == STAGE_DENIED) {
            r[i].error = rc_xstrdup("Authorization failed");
            r[i].error_code = RC_KAFKA_TOPIC_AUTHORIZATION_FAILED;
        }
    }
    return r;
}

static int stage(const char **names, size_t n, stage_mode mode, bool vo, int *count,
                 rc_topic_result **res, char *errbuf, size_t errlen)
{
    if (!vo)
        *count += (int)n;
    if (mode == STAGE_CALL_FAILS && !vo) {
        snprintf(errbuf, errlen, "CreateTopics timed out after 30000 ms");
        *res = NULL;
        free(names);
        return RC_KADMIN_ETIMEOUT;
    }
    *res = answer(names, n, vo ? STAGE_OK : mode);
    free(names);
    return 0;
}

static int f_create(rc_kadmin *ka, const rc_new_topic *t, size_t n, bool vo, rc_topic_result **res,
                    char *errbuf, size_t errlen)
{
    (void)ka;
    const char **names = rc_xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = t[i].name;
    return stage(names, n, F.create_mode, vo, &F.creates, res, errbuf, errlen);
}

static int f_parts(rc_kadmin *ka, const rc_new_partitions *p, size_t n, bool vo,
                   rc_topic_result **res, char *errbuf, size_t errlen)
{
    (void)ka;
    const char **names = rc_xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = p[i].name;
    int ignored = 0;
    return stage(names, n, STAGE_OK, vo, &ignored, res, errbuf, errlen);
}

static int f_alter(rc_kadmin *ka, const rc_topic_configs *c, size_t n, bool vo,
                   rc_topic_result **res, char *errbuf, size_t errlen)
{
    (void)ka;
    const char **names = rc_xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = c[i].name;
    return stage(names, n, F.alter_mode, vo, &F.alters, res, errbuf, errlen);
}

static int f_delete(rc_kadmin *ka, const char *const *t, size_t n, rc_topic_result **res,
                    char *errbuf, size_t errlen)
{
    (void)ka;
    const char **names = rc_xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = t[i];
    return stage(names, n, STAGE_OK, false, &F.deletes, res, errbuf, errlen);
}

static int f_wait(rc_kadmin *ka, const rc_new_partitions *t, size_t n, int timeout_ms, char *errbuf,
                  size_t errlen)
{
    (void)errbuf;
    (void)errlen;
    (void)ka;
    (void)t;
    (void)n;
    (void)timeout_ms;
    return 0;
}

static int f_describe_acls(rc_kadmin *ka, rc_acl_set *out, char *errbuf, size_t errlen)
{
    (void)ka;
    memset(out, 0, sizeof(*out));
    if (F.no_authorizer)
        return rc_errorf(RC_KADMIN_ENOAUTHORIZER, errbuf, errlen,
                         "cluster it: the cluster has no authorizer");
    for (size_t i = 0; i < F.acls.len; i++)
        rc_acl_set_add(out, &F.acls.items[i]);
    rc_acl_set_normalise(out);
    return 0;
}

static int f_create_acls(rc_kadmin *ka, const rc_acl_binding *const *b, size_t n,
                         rc_topic_result **res, char *errbuf, size_t errlen)
{
    (void)ka;
    (void)errbuf;
    (void)errlen;
    *res = rc_xcalloc(n, sizeof(**res));
    for (size_t i = 0; i < n; i++) {
        F.acl_creates++;
        (*res)[i].topic = b[i]->name;
        if (F.acl_refused_principal && !strcmp(b[i]->principal, F.acl_refused_principal)) {
            (*res)[i].error = rc_xstrdup("Broker: Cluster authorization failed");
            continue;
        }
        rc_acl_set_add(&F.acls, b[i]);
    }
    rc_acl_set_normalise(&F.acls);
    return 0;
}

static int f_delete_acls(rc_kadmin *ka, const rc_acl_binding *const *b, size_t n,
                         rc_topic_result **res, char *errbuf, size_t errlen)
{
    (void)ka;
    (void)errbuf;
    (void)errlen;
    *res = rc_xcalloc(n, sizeof(**res));
    for (size_t i = 0; i < n; i++) {
        F.acl_deletes++;
        (*res)[i].topic = b[i]->name;
        for (size_t k = 0; k < F.acls.len; k++)
            if (rc_acl_binding_cmp(&F.acls.items[k], b[i]) == 0) {
                rc_acl_binding_clear(&F.acls.items[k]);
                F.acls.items[k] = F.acls.items[--F.acls.len];
                break;
            }
    }
    rc_acl_set_normalise(&F.acls);
    return 0;
}

static void f_destroy(rc_kadmin *ka)
{
    (void)ka; /* the fake is static */
}

static const rc_kadmin_ops fake_ops = {
    .describe_cluster = f_describe_cluster,
    .describe_configs = f_describe_configs,
    .describe_named = f_describe_named,
    .create_topics = f_create,
    .create_partitions = f_parts,
    .alter_configs = f_alter,
    .delete_topics = f_delete,
    .wait_topics = f_wait,
    .describe_acls = f_describe_acls,
    .create_acls = f_create_acls,
    .delete_acls = f_delete_acls,
    .destroy = f_destroy,
};

static int fake_kadmin_new(rc_kadmin **out, const rc_kadmin_config *cfg, char *errbuf,
                           size_t errlen)
{
    (void)cfg;
    (void)errbuf;
    (void)errlen;
    F.base.ops = &fake_ops;
    *out = &F.base;
    return 0;
}

/* ---- the fake applied-state store ------------------------------------------- */

static char recorded[64];
static int writes;

static int fake_read(char **commit_out, const rc_applied_state_config *cfg, char *errbuf,
                     size_t errlen)
{
    (void)cfg;
    (void)errbuf;
    (void)errlen;
    *commit_out = recorded[0] ? rc_xstrdup(recorded) : NULL;
    return 0;
}

static int fake_write(const rc_applied_state_config *cfg, const char *commit, char *errbuf,
                      size_t errlen)
{
    (void)cfg;
    (void)errbuf;
    (void)errlen;
    snprintf(recorded, sizeof(recorded), "%s", commit);
    writes++;
    return 0;
}

static const rc_cli_adapters fakes = {fake_kadmin_new, fake_read, fake_write};

/* ---- running the command line ------------------------------------------------ */

static char *repo;
static char out[65536];

/* Run `reconcile -C repo ARGS...` (NULL-terminated) with the fakes; stdout
 * and stderr together land in out. */
static int cli(const char *arg, ...)
{
    const char *argv[32] = {"reconcile", "-C", repo};
    int argc = 3;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    char *path = rc_xasprintf("%s.out", repo);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    int rc = rc_cli_run(argc, (char **)argv, &fakes);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;
    out[n] = '\0';
    if (f)
        fclose(f);
    unlink(path);
    free(path);
    return rc;
}

static void expect_out(const char *want)
{
    if (!strstr(out, want))
        fail_msg("output lacks \"%s\"; output:\n%s", want, out);
}

static void expect_no_out(const char *unwanted)
{
    if (strstr(out, unwanted))
        fail_msg("output has \"%s\"; output:\n%s", unwanted, out);
}

static void cluster_file(const char *policy)
{
    char *text = rc_xasprintf("bootstrap: fake:9092\ndefaults:\n  partitions: 1\n"
                              "  replication_factor: 1\n%s",
                              policy ? policy : "");
    t_write_file(repo, "topics/it/_cluster.yaml", text);
    free(text);
}

static void declare(const char *name, const char *extra)
{
    char *rel = rc_xasprintf("topics/it/%s.yaml", name);
    char *text =
        rc_xasprintf("name: %s\npartitions: 1\nowner: payments\n%s", name, extra ? extra : "");
    t_write_file(repo, rel, text);
    free(text);
    free(rel);
}

static void git(const char *args, char *sha_out)
{
    char *cmd = rc_xasprintf("git -C '%s' -c user.email=t@example.invalid -c user.name=t %s "
                             ">/dev/null 2>&1",
                             repo, args);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    if (!sha_out)
        return;
    cmd = rc_xasprintf("git -C '%s' rev-parse HEAD", repo);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(sha_out, 41, p));
    pclose(p);
    free(cmd);
}

static int setup(void **state)
{
    (void)state;
    memset(&F, 0, sizeof(F));
    recorded[0] = '\0';
    writes = 0;
    repo = t_scratch_dir("reconcile-cli");
    char *topics = rc_xasprintf("%s/topics", repo), *it = rc_xasprintf("%s/topics/it", repo);
    assert_int_equal(mkdir(topics, 0700), 0);
    assert_int_equal(mkdir(it, 0700), 0);
    free(topics);
    free(it);
    t_write_file(repo, "topics/_teams.yaml", "teams:\n  payments:\n    chat: \"#payments\"\n");
    cluster_file(NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rc_acl_set_free(&F.acls);
    t_remove_tree(repo);
    free(repo);
    return 0;
}

/* ---- exit codes ----------------------------------------------------------------- */

static void test_plan_exit_codes(void **state)
{
    (void)state;
    static const char *const existing[] = {"orders.v1"};
    F.existing = existing;
    F.nexisting = 1;
    declare("orders.v1", NULL);
    assert_int_equal(cli("plan", NULL), RC_EXIT_OK);
    expect_out("No changes.");
    assert_int_equal(cli("plan", "--detailed-exitcode", NULL), RC_EXIT_OK);

    declare("payments.v1", NULL);
    assert_int_equal(cli("plan", NULL), RC_EXIT_OK);
    expect_out("+ create  payments.v1");
    assert_int_equal(cli("plan", "--detailed-exitcode", NULL), RC_EXIT_CHANGES);
    assert_int_equal(F.creates, 0); /* plan only asks the broker to validate */

    assert_int_equal(cli("plan", "--prune", "--retry-delay", "0s", NULL), RC_EXIT_USAGE);
    expect_out("--retry-delay belongs to publish");
}

static void test_apply_exit_codes(void **state)
{
    (void)state;
    declare("payments.v1", NULL);
    assert_int_equal(cli("apply", NULL), RC_EXIT_OK);
    expect_out("+ created payments.v1 (1 partitions)");
    assert_int_equal(F.creates, 1);

    F.create_mode = STAGE_DENIED;
    assert_int_equal(cli("apply", NULL), RC_EXIT_FAILURE);
    expect_out("x failed  payments.v1: Authorization failed");
    expect_out("apply stopped: not authorised");

    F.create_mode = STAGE_CALL_FAILS;
    assert_int_equal(cli("apply", NULL), RC_EXIT_FAILURE);
    expect_out("CreateTopics timed out after 30000 ms");
    expect_no_out("+ created");
}

/* ---- the guard after a partial failure ------------------------------------------ */

static void test_guard_records_after_partial_failure(void **state)
{
    (void)state;
    static const char *const existing[] = {"orders.v1"};
    F.existing = existing;
    F.nexisting = 1;
    cluster_file("policy:\n  guard_older_commits: true\n  allow_delete: true\n");
    declare("orders.v1", NULL);
    char c1[41], c2[41];
    git("init -q -b main", NULL);
    git("add -A", NULL);
    git("commit -q -m first", c1);
    declare("payments.v1", NULL);
    declare("orders.v1", "config:\n  retention.ms: 1h\n");
    git("add -A", NULL);
    git("commit -q -m second", c2);

    /* the creation lands, the config stage is denied as a whole */
    F.alter_mode = STAGE_DENIED;
    assert_int_equal(cli("apply", "--ref", c2, NULL), RC_EXIT_FAILURE);
    expect_out("+ created payments.v1");
    assert_int_equal(writes, 1);
    assert_string_equal(recorded, c2);

    /* a late job for the parent commit would delete payments.v1: refused */
    static const char *const now[] = {"orders.v1", "payments.v1"};
    F.existing = now;
    F.nexisting = 2;
    F.creates = F.deletes = F.alters = 0;
    assert_int_equal(cli("apply", "--ref", c1, "--prune", NULL), RC_EXIT_FAILURE);
    expect_out("older");
    assert_int_equal(F.deletes + F.creates + F.alters, 0);
    assert_string_equal(recorded, c2);
}

static void test_nothing_recorded_when_nothing_landed(void **state)
{
    (void)state;
    cluster_file("policy:\n  guard_older_commits: true\n");
    declare("payments.v1", NULL);
    char c1[41];
    git("init -q -b main", NULL);
    git("add -A", NULL);
    git("commit -q -m first", c1);
    F.create_mode = STAGE_DENIED;
    assert_int_equal(cli("apply", "--ref", c1, NULL), RC_EXIT_FAILURE);
    assert_int_equal(writes, 0);
}

/* ---- deletions bounded ------------------------------------------------------------ */

static void test_prune_bounded(void **state)
{
    (void)state;
    static const char *const strays[] = {"s.00", "s.01", "s.02", "s.03", "s.04", "s.05",
                                         "s.06", "s.07", "s.08", "s.09", "s.10"};
    F.existing = strays;
    F.nexisting = 11;
    cluster_file("policy:\n  allow_delete: true\n");
    assert_int_equal(cli("plan", "--prune", NULL), RC_EXIT_FAILURE);
    expect_out("would delete 11 topics, more than policy.max_deletions allows (10, the default)");
    assert_int_equal(cli("apply", "--prune", NULL), RC_EXIT_FAILURE);
    expect_out("nothing is applied to this cluster");
    assert_int_equal(F.deletes, 0);

    cluster_file("policy:\n  allow_delete: true\n  max_deletions: 11\n");
    assert_int_equal(cli("apply", "--prune", NULL), RC_EXIT_OK);
    assert_int_equal(F.deletes, 11);
    expect_out("11 deleted");
}

/* ---- access ----------------------------------------------------------------------- */

static void access_repo(void)
{
    t_write_file(repo, "topics/_teams.yaml",
                 "teams:\n  payments:\n    chat: \"#payments\"\n"
                 "    services: {api: User:api, ledger: User:ledger}\n");
    declare("pay.v1", "producers: [api]\nconsumers: [{group: ledger, service: ledger}]\n");
}

static void fake_binding(const char *principal, rc_acl_resource r, const char *name,
                         rc_acl_operation op)
{
    rc_acl_binding b = {.resource = r,
                        .name = (char *)name,
                        .principal = (char *)principal,
                        .host = "*",
                        .operation = op};
    rc_acl_set_add(&F.acls, &b);
    rc_acl_set_normalise(&F.acls);
}

static void test_access_apply_converges(void **state)
{
    (void)state;
    access_repo();
    assert_int_equal(cli("plan", "--detailed-exitcode", NULL), RC_EXIT_CHANGES);
    expect_out("+ acl User:api WRITE topic pay.v1");
    assert_int_equal(F.acl_creates, 0); /* plan sends nothing */
    assert_int_equal(cli("apply", NULL), RC_EXIT_OK);
    expect_out("+ created acl User:ledger READ group ledger");
    expect_out("cluster it: access: 5 created, 0 deleted, 0 failed, 0 refused");
    assert_int_equal(F.acl_creates, 5);
    static const char *const now[] = {"pay.v1"};
    F.existing = now;
    F.nexisting = 1;
    assert_int_equal(cli("plan", "--detailed-exitcode", NULL), RC_EXIT_OK);
    expect_out("5 unchanged");
    assert_int_equal(cli("apply", NULL), RC_EXIT_OK);
    assert_int_equal(F.acl_creates, 5); /* nothing sent again */
}

static void test_access_failure_reported_per_binding(void **state)
{
    (void)state;
    access_repo();
    F.acl_refused_principal = "User:ledger";
    assert_int_equal(cli("apply", NULL), RC_EXIT_FAILURE);
    expect_out("x failed  acl User:ledger READ group ledger: Broker: Cluster authorization failed");
    expect_out("+ created acl User:api WRITE topic pay.v1");
    expect_out("2 created, 0 deleted, 3 failed");
}

static void test_access_own_bindings_never_pruned(void **state)
{
    (void)state;
    access_repo();
    cluster_file("policy:\n  allow_delete: true\n");
    /* PLAINTEXT without access.principal: reconcile runs as User:ANONYMOUS */
    fake_binding("User:ANONYMOUS", RC_ACL_RES_CLUSTER, "kafka-cluster", RC_ACL_OP_ALTER);
    fake_binding("User:old", RC_ACL_RES_TOPIC, "pay.v1", RC_ACL_OP_READ);
    assert_int_equal(cli("apply", "--prune", NULL), RC_EXIT_FAILURE);
    expect_out("the acl plan has refusals");
    expect_no_out("+ created");
    assert_int_equal(F.creates + F.acl_creates + F.acl_deletes, 0); /* nothing at all */
    /* without --prune the same cluster applies, and the binding stays */
    assert_int_equal(cli("apply", NULL), RC_EXIT_OK);
    assert_int_equal(F.acl_deletes, 0);
    assert_int_equal(F.acls.len, 7);
    /* declared as reconcile's own: now only the stray binding goes */
    cluster_file("policy:\n  allow_delete: true\naccess:\n  bindings:\n"
                 "    - {principal: User:ANONYMOUS, resource: cluster, operations: [alter]}\n");
    assert_int_equal(cli("apply", "--prune", NULL), RC_EXIT_OK);
    expect_out("- deleted acl User:old READ topic pay.v1");
    assert_int_equal(F.acl_deletes, 1);
}

static void test_access_no_authorizer(void **state)
{
    (void)state;
    access_repo();
    F.no_authorizer = true;
    assert_int_equal(cli("apply", NULL), RC_EXIT_FAILURE);
    expect_out("has no authorizer");
    assert_int_equal(F.creates, 0); /* the topic beside it is not created either */
}

/* ---- authorisation -------------------------------------------------------------- */

static void test_hidden_topic_refused(void **state)
{
    (void)state;
    F.hidden = "zz.hidden.v1";
    declare("zz.hidden.v1", NULL);
    assert_int_equal(cli("plan", NULL), RC_EXIT_FAILURE);
    expect_out("! refuse  zz.hidden.v1");
    expect_out("not authorised to describe this topic");
    expect_no_out("+ create");
    assert_int_equal(cli("apply", NULL), RC_EXIT_FAILURE);
    assert_int_equal(F.creates, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plan_exit_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_exit_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guard_records_after_partial_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_recorded_when_nothing_landed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_apply_converges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_failure_reported_per_binding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_own_bindings_never_pruned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_no_authorizer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hidden_topic_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
