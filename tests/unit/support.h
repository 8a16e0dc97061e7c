/* support.h — helpers shared by the unit tests.
 *
 * support.c is linked into every unit test binary (CMakeLists.txt); it is not
 * a test itself (the tests are tests/unit/test_*.c).
 *
 * Failures are reported through cmocka (fail_msg, assert_*), so the helpers
 * that check anything may only run inside a test, setup or teardown. Every
 * char * returned is a heap string the caller frees; everything a helper
 * builds is released by the matching *_free (or the model's own *_free where
 * named). */
#ifndef RC_TEST_SUPPORT_H
#define RC_TEST_SUPPORT_H

#include "diag.h"
#include "model.h"
#include "source.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- paths ------------------------------------------------------------------ */

/* $RECONCILE_SRC/rel: the source tree (CMake sets it; "." when unset). */
char *t_src_path(const char *rel);
/* $RECONCILE_FIXTURES/rel (CMake sets it; "tests/fixtures" when unset). */
char *t_fixture_path(const char *rel);

/* ---- scratch files ---------------------------------------------------------- */

/* A new empty directory $TMPDIR/<prefix>.XXXXXX (/tmp when TMPDIR is unset). */
char *t_scratch_dir(const char *prefix);
/* Write text to dir/rel; the directories on the way must exist. */
void t_write_file(const char *dir, const char *rel, const char *text);
/* Remove path and, when it is a directory, everything below it (best effort). */
void t_remove_tree(const char *path);

/* ---- declarations in memory ------------------------------------------------- */

/* One file of a declaration tree: path relative to the repository
 * ("topics/it/orders.yaml") and its content. Borrowed strings. */
typedef struct tfile {
    const char *path;
    const char *content;
} tfile;

/* src := copies of files[0..n), sorted by path as rc_source_load sorts them.
 * A file with a NULL path is skipped, so a fixture can drop a file by index.
 * Release with rc_source_free. */
void t_source_from_files(rc_source *src, const tfile *files, size_t n);

/* Declarations as the command layer loads them: the source, and the repo and
 * diagnostics rc_decl_load made of it. */
typedef struct tside {
    rc_source src;
    rc_repo repo;
    rc_diags diags;
} tside;

/* rc_decl_load_opts as the command layer calls it: metric_source checked
 * against the profiles the source tree's templates provide (profiles.h). */
int t_decl_load(rc_repo *repo, const rc_source *src, rc_diags *diags);

/* t_source_from_files, then rc_decl_load (whatever it finds: the diagnostics
 * are the caller's to check). */
void tside_load(tside *s, const tfile *files, size_t n);
void tside_free(tside *s);

/* ---- plans ------------------------------------------------------------------ */

/* Append a topic to p (zeroed but for these fields) and return it. */
rc_topic_plan *t_plan_add_topic(rc_cluster_plan *p, const char *name, rc_topic_action a, int from,
                                int to, int replication_factor);
/* Append a config change to t; a non-NULL new_value also goes into
 * t->desired_overrides, as the diff engine does. */
void t_plan_add_change(rc_topic_plan *t, const char *key, const char *old_value,
                       const char *new_value, bool drift);

/* ---- captured output -------------------------------------------------------- */

/* A FILE * that writes to memory (open_memstream). */
typedef struct tcapture {
    FILE *f;
    char *data;
    size_t len;
} tcapture;

FILE *tcapture_open(tcapture *c);
/* Close the stream; returns the captured text (NUL-terminated, c->len bytes),
 * owned by c until tcapture_free. */
const char *tcapture_close(tcapture *c);
void tcapture_free(tcapture *c);

/* ---- golden files ----------------------------------------------------------- */

/* Assert got[0..got_len) is byte for byte $RECONCILE_FIXTURES/golden/<name>;
 * on a difference, print the line it starts at and the actual output. With
 * RECONCILE_UPDATE_GOLDEN=1, write got to the golden file instead (then
 * review the diff like any other code change). */
void t_assert_golden(const char *name, const char *got, size_t got_len);

#endif
