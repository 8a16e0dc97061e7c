/* test_source.c — which working-tree files rc_source_load reads, and how a
 * refused one reaches validation. (The git tree side needs a repository made
 * with git: tests/integration/test_source_files.sh covers both sources.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decl.h"
#include "source.h"
#include "support.h"
#include "util.h"

static void test_yaml_names(void **state)
{
    (void)state;
    assert_true(rc_source_is_yaml_name("orders.yaml"));
    assert_true(rc_source_is_yaml_name("topics/it/orders.yml"));
    assert_true(rc_source_is_yaml_name(".yaml")); /* hidden entries are skipped before this */
    assert_false(rc_source_is_yaml_name("README.md"));
    assert_false(rc_source_is_yaml_name("orders.yaml.bak"));
    assert_false(rc_source_is_yaml_name("orders.YAML")); /* as decl.c: case matters */
    assert_false(rc_source_is_yaml_name("yaml"));
    assert_false(rc_source_is_yaml_name("yml"));
    assert_false(rc_source_is_yaml_name(""));
}

static char *scratch_repo(void)
{
    char *dir = t_scratch_dir("rc-source");
    char *topics = rc_xasprintf("%s/topics", dir), *it = rc_xasprintf("%s/topics/it", dir);
    assert_int_equal(mkdir(topics, 0755), 0);
    assert_int_equal(mkdir(it, 0755), 0);
    free(topics);
    free(it);
    t_write_file(dir, "topics/it/orders.yaml", "name: orders\n");
    return dir;
}

static const rc_source_problem *problem_of(const rc_source *src, const char *path)
{
    for (size_t i = 0; i < src->nproblems; i++)
        if (!strcmp(src->problems[i].path, path))
            return &src->problems[i];
    return NULL;
}

static void load_ok(rc_source *src, const char *dir)
{
    char err[512] = "";
    if (rc_source_load(src, dir, NULL, err, sizeof(err)) != 0)
        fail_msg("rc_source_load failed: %s", err);
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A file that is not YAML is never opened: a sparse 256 MiB one costs no
 * memory, and one nobody may read (mode 000) does not fail the load (except
 * as root, who reads it anyway: then only the first shows). */
static void test_non_yaml_not_opened(void **state)
{
    (void)state;
    char *dir = scratch_repo();
    t_write_file(dir, "topics/it/notes.txt", "private\n");
    t_write_file(dir, "topics/it/blob.bin", "");
    char *notes = rc_xasprintf("%s/topics/it/notes.txt", dir);
    char *blob = rc_xasprintf("%s/topics/it/blob.bin", dir);
    assert_int_equal(chmod(notes, 0), 0);
    assert_int_equal(truncate(blob, 256L << 20), 0);
    long before = maxrss_kb();
    rc_source src;
    load_ok(&src, dir);
    long grew = maxrss_kb() - before;
    if (grew > 32 * 1024)
        fail_msg("peak RSS grew by %ld kB while loading: the 256 MiB file was read", grew);
    assert_int_equal(src.nfiles, 1);
    assert_string_equal(src.files[0].path, "topics/it/orders.yaml");
    assert_int_equal(src.nproblems, 0);
    rc_source_free(&src);
    free(notes);
    free(blob);
    t_remove_tree(dir);
    free(dir);
}

static void test_symlinks_refused(void **state)
{
    (void)state;
    char *dir = scratch_repo();
    char *outside = t_scratch_dir("rc-source-outside");
    t_write_file(outside, "x.yaml", "name: outside\n");
    char *target = rc_xasprintf("%s/x.yaml", outside);
    char *l1 = rc_xasprintf("%s/topics/it/linked.yaml", dir);
    char *l2 = rc_xasprintf("%s/topics/linked-dir", dir);
    char *l3 = rc_xasprintf("%s/topics/it/dangling.yaml", dir);
    assert_int_equal(symlink(target, l1), 0);
    assert_int_equal(symlink(outside, l2), 0);
    assert_int_equal(symlink("/nonexistent/x.yaml", l3), 0);

    rc_source src;
    load_ok(&src, dir);
    assert_int_equal(src.nfiles, 1); /* only topics/it/orders.yaml */
    assert_int_equal(src.nproblems, 3);
    const char *paths[] = {"topics/it/dangling.yaml", "topics/it/linked.yaml", "topics/linked-dir"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(src.problems[i].path, paths[i]); /* sorted */
        char *want = rc_xasprintf(
            "%s is a symbolic link; reconcile reads only regular files inside the repository",
            paths[i]);
        assert_string_equal(src.problems[i].message, want);
        free(want);
    }

    /* validation reports each as a `layout` error on the link's path */
    rc_repo repo;
    rc_diags diags = {0};
    rc_decl_load(&repo, &src, &diags);
    size_t found = 0;
    for (size_t i = 0; i < diags.len; i++)
        if (!strcmp(diags.items[i].rule, "layout") && diags.items[i].line == 0 &&
            problem_of(&src, diags.items[i].file) &&
            strstr(diags.items[i].message, "is a symbolic link"))
            found++;
    assert_int_equal(found, 3);
    rc_repo_free(&repo);
    rc_diags_free(&diags);
    rc_source_free(&src);

    /* topics/ itself a link: the load fails, saying so */
    char *topics = rc_xasprintf("%s/topics", dir), *moved = rc_xasprintf("%s/real", dir);
    assert_int_equal(rename(topics, moved), 0);
    assert_int_equal(symlink("real", topics), 0);
    char err[512] = "";
    assert_int_not_equal(rc_source_load(&src, dir, NULL, err, sizeof(err)), 0);
    assert_string_equal(
        err, "topics is a symbolic link; reconcile reads only regular files inside the repository");

    free(topics);
    free(moved);
    free(target);
    free(l1);
    free(l2);
    free(l3);
    t_remove_tree(dir);
    t_remove_tree(outside);
    free(dir);
    free(outside);
}

/* The bound is checked on the size before reading: a sparse 1 GiB file costs
 * nothing, and a file of exactly the bound is still read. */
static void test_size_bound(void **state)
{
    (void)state;
    char *dir = scratch_repo();
    t_write_file(dir, "topics/it/huge.yaml", "");
    t_write_file(dir, "topics/it/edge.yaml", "");
    char *huge = rc_xasprintf("%s/topics/it/huge.yaml", dir);
    char *edge = rc_xasprintf("%s/topics/it/edge.yaml", dir);
    assert_int_equal(truncate(huge, 1L << 30), 0);
    assert_int_equal(truncate(edge, RC_SOURCE_MAX_FILE_BYTES), 0);

    rc_source src;
    load_ok(&src, dir);
    assert_int_equal(src.nfiles, 2);
    assert_string_equal(src.files[0].path, "topics/it/edge.yaml");
    assert_int_equal(src.files[0].len, RC_SOURCE_MAX_FILE_BYTES);
    assert_int_equal(src.nproblems, 1);
    assert_string_equal(src.problems[0].path, "topics/it/huge.yaml");
    assert_string_equal(src.problems[0].message,
                        "topics/it/huge.yaml is 1073741824 bytes; reconcile reads YAML files up "
                        "to 4194304 bytes (4 MiB)");
    rc_source_free(&src);

    free(huge);
    free(edge);
    t_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_names),
        cmocka_unit_test(test_non_yaml_not_opened),
        cmocka_unit_test(test_symlinks_refused),
        cmocka_unit_test(test_size_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
