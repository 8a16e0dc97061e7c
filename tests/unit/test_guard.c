/* test_guard.c — the older-commit guard (pure decision) and commit ancestry
 * on real repositories.
 *
 * The group setup builds a repository with libgit2 in a temporary directory:
 *
 *     c1 <- c2 <- c3        main (HEAD), tag v2 -> c2
 *     o1                    orphan branch, no common history
 *
 * plus a blob. The shallow tests clone it with the git CLI
 * (`git clone --depth 2 file://...`: c3 and c2, c1 cut off) and skip when git
 * is not installed. Everything is removed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "git_history.h"
#include "util.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNKNOWN_SHA "0123456789abcdef0123456789abcdef01234567"
#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static struct {
    char dir[64];     /* the full repository */
    char shallow[80]; /* depth-2 clone, "" when git is missing */
    char c1[41], c2[41], c3[41], o1[41], blob[41];
    char c4[41]; /* commit on top of c3 made in the shallow clone */
} g;

/* ---- building the repositories ------------------------------------------ */

static void oid_hex(char out[41], const git_oid *id)
{
    git_oid_tostr(out, 41, id);
}

/* Commit an empty tree with the given parents; update_ref may be NULL. */
static void make_commit(char out[41], git_repository *repo, const char *update_ref,
                        const char *parent_hex, const char *msg, git_time_t when)
{
    git_treebuilder *tb = NULL;
    git_oid tree_id, commit_id;
    git_tree *tree = NULL;
    git_signature *sig = NULL;
    git_commit *parent = NULL;
    assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
    assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
    assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
    assert_int_equal(git_signature_new(&sig, "Test", "test@example.com", when, 0), 0);
    if (parent_hex) {
        git_oid pid;
        assert_int_equal(git_oid_fromstr(&pid, parent_hex), 0);
        assert_int_equal(git_commit_lookup(&parent, repo, &pid), 0);
    }
    const git_commit *parents[1] = {parent};
    assert_int_equal(git_commit_create(&commit_id, repo, update_ref, sig, sig, NULL, msg, tree,
                                       parent ? 1 : 0, parents),
                     0);
    oid_hex(out, &commit_id);
    git_commit_free(parent);
    git_signature_free(sig);
    git_tree_free(tree);
    git_treebuilder_free(tb);
}

static int run_quiet(const char *cmd)
{
    char *full = rc_xasprintf("%s >/dev/null 2>&1", cmd);
    int rc = system(full);
    free(full);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    git_libgit2_init();
    snprintf(g.dir, sizeof(g.dir), "/tmp/rc-guard-XXXXXX");
    if (!mkdtemp(g.dir))
        return -1;
    git_repository *repo = NULL;
    if (git_repository_init(&repo, g.dir, 0) != 0)
        return -1;
    make_commit(g.c1, repo, "HEAD", NULL, "c1\n", 1700000000);
    make_commit(g.c2, repo, "HEAD", g.c1, "c2\n", 1700000100);
    make_commit(g.c3, repo, "HEAD", g.c2, "c3\n", 1700000200);
    make_commit(g.o1, repo, "refs/heads/orphan", NULL, "o1\n", 1700000300);
    git_oid id;
    git_reference *ref = NULL;
    assert_int_equal(git_oid_fromstr(&id, g.c2), 0);
    assert_int_equal(git_reference_create(&ref, repo, "refs/tags/v2", &id, 0, NULL), 0);
    git_reference_free(ref);
    assert_int_equal(git_blob_create_from_buffer(&id, repo, "hello\n", 6), 0);
    oid_hex(g.blob, &id);
    git_repository_free(repo);

    /* Shallow clone through the git CLI (libgit2 1.5 cannot make one). */
    g.shallow[0] = '\0';
    if (run_quiet("git --version") == 0) {
        char dst[80];
        snprintf(dst, sizeof(dst), "%s-shallow", g.dir);
        char *cmd = rc_xasprintf("git clone -q --depth 2 'file://%s' '%s'", g.dir, dst);
        int rc = run_quiet(cmd);
        free(cmd);
        if (rc == 0) {
            snprintf(g.shallow, sizeof(g.shallow), "%s", dst);
            git_repository *sr = NULL;
            assert_int_equal(git_repository_open(&sr, g.shallow), 0);
            assert_int_equal(git_repository_is_shallow(sr), 1);
            make_commit(g.c4, sr, "HEAD", g.c3, "c4\n", 1700000400);
            git_repository_free(sr);
        }
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char *cmd = rc_xasprintf("rm -rf '%s' '%s-shallow'", g.dir, g.dir);
    run_quiet(cmd);
    free(cmd);
    git_libgit2_shutdown();
    return 0;
}

static const char *need_shallow(void)
{
    if (!g.shallow[0])
        skip();
    return g.shallow;
}

/* ---- the pure decision --------------------------------------------------- */

static void expect_verdict(const char *recorded, const char *incoming, rc_git_relation rel,
                           rc_guard_verdict want)
{
    char *msg = (char *)"sentinel";
    rc_guard_verdict v = rc_guard_check(recorded, incoming, rel, &msg);
    if (v != want)
        fail_msg("recorded=%s incoming=%s rel=%s: got %s, want %s", recorded ? recorded : "NULL",
                 incoming, rc_git_relation_name(rel), rc_guard_verdict_name(v),
                 rc_guard_verdict_name(want));
    if (want == RC_GUARD_ALLOW) {
        assert_null(msg);
    } else {
        assert_non_null(msg);
        /* both commits are named (abbreviated to 12 digits) */
        assert_non_null(strstr(msg, "aaaaaaaaaaaa"));
        assert_non_null(strstr(msg, "bbbbbbbbbbbb"));
        assert_null(strstr(msg, "aaaaaaaaaaaaa")); /* abbreviated, not the full sha */
    }
    free(msg);
    /* message is optional */
    assert_int_equal(rc_guard_check(recorded, incoming, rel, NULL), want);
}

static void test_check_nothing_recorded_allows(void **state)
{
    (void)state;
    for (int r = RC_GIT_REL_SAME; r <= RC_GIT_REL_UNVERIFIABLE; r++) {
        expect_verdict(NULL, SHA_B, (rc_git_relation)r, RC_GUARD_ALLOW);
        expect_verdict("", SHA_B, (rc_git_relation)r, RC_GUARD_ALLOW);
    }
}

static void test_check_same_commit_allows_whatever_the_relation(void **state)
{
    (void)state;
    /* a re-run of the same commit converges: never refused, even when the
     * repository could not have answered */
    for (int r = RC_GIT_REL_SAME; r <= RC_GIT_REL_UNVERIFIABLE; r++)
        expect_verdict(SHA_B, SHA_B, (rc_git_relation)r, RC_GUARD_ALLOW);
    expect_verdict("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", SHA_B, RC_GIT_REL_OLDER,
                   RC_GUARD_ALLOW);
}

static void test_check_table(void **state)
{
    (void)state;
    /* recorded = A, incoming = B */
    expect_verdict(SHA_A, SHA_B, RC_GIT_REL_NEWER, RC_GUARD_ALLOW);
    expect_verdict(SHA_A, SHA_B, RC_GIT_REL_SAME, RC_GUARD_ALLOW);
    expect_verdict(SHA_A, SHA_B, RC_GIT_REL_OLDER, RC_GUARD_REFUSE_OLDER);
    expect_verdict(SHA_A, SHA_B, RC_GIT_REL_DIVERGED, RC_GUARD_ALLOW_WARN);
    expect_verdict(SHA_A, SHA_B, RC_GIT_REL_UNKNOWN, RC_GUARD_ALLOW_WARN);
    expect_verdict(SHA_A, SHA_B, RC_GIT_REL_UNVERIFIABLE, RC_GUARD_REFUSE_UNVERIFIABLE);
    /* an out-of-range relation fails closed */
    expect_verdict(SHA_A, SHA_B, (rc_git_relation)99, RC_GUARD_REFUSE_UNVERIFIABLE);
}

static void test_check_messages_say_what_to_do(void **state)
{
    (void)state;
    char *msg = NULL;
    rc_guard_check(SHA_A, SHA_B, RC_GIT_REL_OLDER, &msg);
    assert_non_null(strstr(msg, "older"));
    assert_non_null(strstr(msg, "revert"));
    free(msg);
    rc_guard_check(SHA_A, SHA_B, RC_GIT_REL_UNVERIFIABLE, &msg);
    assert_non_null(strstr(msg, "shallow"));
    assert_non_null(strstr(msg, "fetch-depth: 0"));
    free(msg);
    rc_guard_check(SHA_A, SHA_B, RC_GIT_REL_UNKNOWN, &msg);
    assert_non_null(strstr(msg, "not in this repository"));
    free(msg);
}

static void test_verdict_helpers(void **state)
{
    (void)state;
    assert_false(rc_guard_refuses(RC_GUARD_ALLOW));
    assert_false(rc_guard_refuses(RC_GUARD_ALLOW_WARN));
    assert_true(rc_guard_refuses(RC_GUARD_REFUSE_OLDER));
    assert_true(rc_guard_refuses(RC_GUARD_REFUSE_UNVERIFIABLE));
    assert_string_equal(rc_guard_verdict_name(RC_GUARD_REFUSE_OLDER), "refuse-older");
    assert_string_equal(rc_git_relation_name(RC_GIT_REL_DIVERGED), "diverged");
}

/* ---- rc_git_resolve ------------------------------------------------------ */

static void expect_resolve(const char *dir, const char *rev, const char *want)
{
    char err[256] = "";
    char *sha = NULL;
    int rc = rc_git_resolve(&sha, dir, rev, err, sizeof(err));
    if (rc != 0)
        fail_msg("resolve %s: %d %s", rev, rc, err);
    assert_string_equal(sha, want);
    free(sha);
}

static void test_resolve(void **state)
{
    (void)state;
    expect_resolve(g.dir, "HEAD", g.c3);
    expect_resolve(g.dir, "HEAD~2", g.c1);
    expect_resolve(g.dir, "v2", g.c2);
    expect_resolve(g.dir, "orphan", g.o1);
    expect_resolve(g.dir, g.c2, g.c2);
    char abbrev[13];
    snprintf(abbrev, sizeof(abbrev), "%.12s", g.c1);
    expect_resolve(g.dir, abbrev, g.c1);
}

static void test_resolve_errors(void **state)
{
    (void)state;
    char err[256] = "";
    char *sha = (char *)"x";
    assert_int_equal(rc_git_resolve(&sha, g.dir, "no-such-branch", err, sizeof(err)),
                     RC_GIT_ENOTFOUND);
    assert_null(sha);
    assert_non_null(strstr(err, "no-such-branch"));
    assert_int_equal(rc_git_resolve(&sha, g.dir, "HEAD^{tree}", err, sizeof(err)), RC_GIT_ERROR);
    assert_non_null(strstr(err, "not a commit"));
    assert_int_equal(rc_git_resolve(&sha, g.dir, "", err, sizeof(err)), RC_GIT_ERROR);
    assert_int_equal(rc_git_resolve(&sha, "/nonexistent/rc-guard", "HEAD", err, sizeof(err)),
                     RC_GIT_ERROR);
    assert_non_null(strstr(err, "not a git repository"));
    assert_null(sha);
}

/* ---- rc_git_is_ancestor -------------------------------------------------- */

static bool is_anc(const char *dir, const char *a, const char *d)
{
    char err[256] = "";
    bool out = true;
    int rc = rc_git_is_ancestor(&out, dir, a, d, err, sizeof(err));
    if (rc != 0)
        fail_msg("is_ancestor(%s, %s): %d %s", a, d, rc, err);
    return out;
}

static void test_is_ancestor(void **state)
{
    (void)state;
    assert_true(is_anc(g.dir, g.c1, g.c3));
    assert_true(is_anc(g.dir, g.c2, g.c3));
    assert_true(is_anc(g.dir, g.c1, g.c2));
    assert_false(is_anc(g.dir, g.c3, g.c1)); /* descendant, not ancestor */
    assert_false(is_anc(g.dir, g.c2, g.c1));
    assert_false(is_anc(g.dir, g.c2, g.c2)); /* strict: not its own ancestor */
    assert_false(is_anc(g.dir, g.o1, g.c3)); /* unrelated orphan */
    assert_false(is_anc(g.dir, g.c1, g.o1));
    /* upper-case hex is the same object */
    char upper[41];
    for (int i = 0; i < 41; i++)
        upper[i] = (char)(g.c1[i] >= 'a' && g.c1[i] <= 'f' ? g.c1[i] - 'a' + 'A' : g.c1[i]);
    assert_true(is_anc(g.dir, upper, g.c3));
}

static void test_is_ancestor_errors(void **state)
{
    (void)state;
    char err[256] = "";
    bool out = true;
    assert_int_equal(rc_git_is_ancestor(&out, g.dir, UNKNOWN_SHA, g.c3, err, sizeof(err)),
                     RC_GIT_ENOTFOUND);
    assert_false(out);
    assert_non_null(strstr(err, UNKNOWN_SHA));
    assert_int_equal(rc_git_is_ancestor(&out, g.dir, g.c1, UNKNOWN_SHA, err, sizeof(err)),
                     RC_GIT_ENOTFOUND);
    /* a blob is not a commit */
    assert_int_equal(rc_git_is_ancestor(&out, g.dir, g.blob, g.c3, err, sizeof(err)),
                     RC_GIT_ENOTFOUND);
    /* only full shas: a revision expression is never parsed */
    assert_int_equal(rc_git_is_ancestor(&out, g.dir, "HEAD~1", g.c3, err, sizeof(err)),
                     RC_GIT_ERROR);
    assert_non_null(strstr(err, "full commit sha"));
    char abbrev[13];
    snprintf(abbrev, sizeof(abbrev), "%.12s", g.c1);
    assert_int_equal(rc_git_is_ancestor(&out, g.dir, abbrev, g.c3, err, sizeof(err)), RC_GIT_ERROR);
    assert_int_equal(rc_git_is_ancestor(&out, g.dir, NULL, g.c3, err, sizeof(err)), RC_GIT_ERROR);
    assert_int_equal(
        rc_git_is_ancestor(&out, "/nonexistent/rc-guard", g.c1, g.c3, err, sizeof(err)),
        RC_GIT_ERROR);
}

/* ---- rc_git_relate and rc_guard_evaluate on the full repository ---------- */

static rc_git_relation relate(const char *dir, const char *recorded, const char *incoming)
{
    char err[256] = "";
    rc_git_relation rel = RC_GIT_REL_SAME;
    int rc = rc_git_relate(&rel, dir, recorded, incoming, err, sizeof(err));
    if (rc != 0)
        fail_msg("relate(%s, %s): %d %s", recorded, incoming, rc, err);
    return rel;
}

static void test_relate(void **state)
{
    (void)state;
    assert_int_equal(relate(g.dir, g.c3, g.c3), RC_GIT_REL_SAME);
    assert_int_equal(relate(g.dir, g.c1, g.c3), RC_GIT_REL_NEWER);
    assert_int_equal(relate(g.dir, g.c2, g.c3), RC_GIT_REL_NEWER);
    assert_int_equal(relate(g.dir, g.c3, g.c1), RC_GIT_REL_OLDER);
    assert_int_equal(relate(g.dir, g.c3, g.c2), RC_GIT_REL_OLDER);
    assert_int_equal(relate(g.dir, g.o1, g.c3), RC_GIT_REL_DIVERGED);
    assert_int_equal(relate(g.dir, g.c3, g.o1), RC_GIT_REL_DIVERGED);
    assert_int_equal(relate(g.dir, UNKNOWN_SHA, g.c3), RC_GIT_REL_UNKNOWN);
    assert_int_equal(relate(g.dir, g.blob, g.c3), RC_GIT_REL_UNKNOWN);
}

static void test_relate_errors(void **state)
{
    (void)state;
    char err[256] = "";
    rc_git_relation rel = RC_GIT_REL_SAME;
    /* the commit being applied must exist */
    assert_int_equal(rc_git_relate(&rel, g.dir, g.c1, UNKNOWN_SHA, err, sizeof(err)),
                     RC_GIT_ENOTFOUND);
    assert_int_equal(rel, RC_GIT_REL_UNVERIFIABLE);
    /* a malformed recorded value is an error, not "unknown" */
    assert_int_equal(rc_git_relate(&rel, g.dir, "HEAD", g.c3, err, sizeof(err)), RC_GIT_ERROR);
}

static rc_guard_verdict evaluate(const char *dir, const char *recorded, const char *incoming,
                                 char **msg)
{
    char err[256] = "";
    rc_guard_verdict v = RC_GUARD_ALLOW;
    int rc = rc_guard_evaluate(&v, msg, dir, recorded, incoming, err, sizeof(err));
    if (rc != 0)
        fail_msg("evaluate(%s, %s): %d %s", recorded ? recorded : "NULL", incoming, rc, err);
    return v;
}

static void test_evaluate(void **state)
{
    (void)state;
    char *msg = NULL;
    /* nothing recorded, or the same commit: the repository is not even opened */
    assert_int_equal(evaluate("/nonexistent/rc-guard", NULL, g.c3, &msg), RC_GUARD_ALLOW);
    assert_null(msg);
    assert_int_equal(evaluate("/nonexistent/rc-guard", g.c3, g.c3, &msg), RC_GUARD_ALLOW);
    assert_int_equal(evaluate(g.dir, g.c2, g.c3, &msg), RC_GUARD_ALLOW);
    assert_null(msg);
    assert_int_equal(evaluate(g.dir, g.c3, g.c1, &msg), RC_GUARD_REFUSE_OLDER);
    assert_non_null(msg);
    char short3[13];
    snprintf(short3, sizeof(short3), "%.12s", g.c3);
    assert_non_null(strstr(msg, short3));
    free(msg);
    assert_int_equal(evaluate(g.dir, g.o1, g.c3, &msg), RC_GUARD_ALLOW_WARN);
    assert_non_null(strstr(msg, "neither an ancestor nor a descendant"));
    free(msg);
    assert_int_equal(evaluate(g.dir, UNKNOWN_SHA, g.c3, &msg), RC_GUARD_ALLOW_WARN);
    assert_non_null(strstr(msg, "not in this repository"));
    free(msg);
}

static void test_evaluate_error_fails_closed(void **state)
{
    (void)state;
    char err[256] = "";
    char *msg = (char *)"x";
    rc_guard_verdict v = RC_GUARD_ALLOW;
    assert_int_equal(rc_guard_evaluate(&v, &msg, g.dir, g.c1, UNKNOWN_SHA, err, sizeof(err)),
                     RC_GIT_ENOTFOUND);
    assert_int_equal(v, RC_GUARD_REFUSE_UNVERIFIABLE);
    assert_null(msg);
    assert_int_equal(
        rc_guard_evaluate(&v, &msg, "/nonexistent/rc-guard", g.c1, g.c3, err, sizeof(err)),
        RC_GIT_ERROR);
    assert_true(rc_guard_refuses(v));
}

/* ---- shallow clone (depth 2: c3, c2 present; c1 cut off; c4 on top) ------ */

static void test_shallow_relate(void **state)
{
    (void)state;
    const char *sh = need_shallow();
    /* present, path inside the fetched history: provable */
    assert_int_equal(relate(sh, g.c2, g.c3), RC_GIT_REL_NEWER);
    assert_int_equal(relate(sh, g.c3, g.c4), RC_GIT_REL_NEWER);
    assert_int_equal(relate(sh, g.c2, g.c4), RC_GIT_REL_NEWER);
    assert_int_equal(relate(sh, g.c4, g.c2), RC_GIT_REL_OLDER);
    assert_int_equal(relate(sh, g.c4, g.c4), RC_GIT_REL_SAME);
    /* recorded cut off by the clone: cannot tell (c1 is in fact older) */
    assert_int_equal(relate(sh, g.c1, g.c3), RC_GIT_REL_UNVERIFIABLE);
    assert_int_equal(relate(sh, UNKNOWN_SHA, g.c3), RC_GIT_REL_UNVERIFIABLE);
    /* the full repository answers the same question */
    assert_int_equal(relate(g.dir, g.c1, g.c3), RC_GIT_REL_NEWER);
}

static void test_shallow_is_ancestor(void **state)
{
    (void)state;
    const char *sh = need_shallow();
    assert_true(is_anc(sh, g.c3, g.c4));
    assert_true(is_anc(sh, g.c2, g.c4));
    /* "no" is unprovable: the walk from c2 ends at the shallow boundary */
    char err[256] = "";
    bool out = true;
    assert_int_equal(rc_git_is_ancestor(&out, sh, g.c4, g.c2, err, sizeof(err)),
                     RC_GIT_EINCOMPLETE);
    assert_false(out);
    assert_non_null(strstr(err, "shallow"));
    assert_int_equal(rc_git_is_ancestor(&out, sh, g.c1, g.c3, err, sizeof(err)), RC_GIT_ENOTFOUND);
}

static void test_shallow_guard(void **state)
{
    (void)state;
    const char *sh = need_shallow();
    char *msg = NULL;
    assert_int_equal(evaluate(sh, g.c3, g.c4, &msg), RC_GUARD_ALLOW);
    assert_int_equal(evaluate(sh, g.c4, g.c3, &msg), RC_GUARD_REFUSE_OLDER);
    free(msg);
    assert_int_equal(evaluate(sh, g.c1, g.c4, &msg), RC_GUARD_REFUSE_UNVERIFIABLE);
    assert_non_null(strstr(msg, "shallow"));
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_nothing_recorded_allows),
        cmocka_unit_test(test_check_same_commit_allows_whatever_the_relation),
        cmocka_unit_test(test_check_table),
        cmocka_unit_test(test_check_messages_say_what_to_do),
        cmocka_unit_test(test_verdict_helpers),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_is_ancestor),
        cmocka_unit_test(test_is_ancestor_errors),
        cmocka_unit_test(test_relate),
        cmocka_unit_test(test_relate_errors),
        cmocka_unit_test(test_evaluate),
        cmocka_unit_test(test_evaluate_error_fails_closed),
        cmocka_unit_test(test_shallow_relate),
        cmocka_unit_test(test_shallow_is_ancestor),
        cmocka_unit_test(test_shallow_guard),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
