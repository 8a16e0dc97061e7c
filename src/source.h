/* source.h — where declarations come from: the working tree or a git commit.
 *
 * rc_source_load reads every regular file under `topics/` (recursively) of the
 * repository at repo_dir, either from the working tree (ref == NULL) or from
 * the tree of the commit `ref` resolves to through libgit2 (any revspec: a
 * branch, a tag, a sha, HEAD~1). Paths in the result are repository-relative
 * ("topics/prod/orders.yaml"), sorted bytewise. The source owns everything. */
#ifndef RC_SOURCE_H
#define RC_SOURCE_H

#include <stddef.h>

typedef struct rc_source_file {
    char *path;
    char *content; /* NUL-terminated; len excludes the NUL */
    size_t len;
} rc_source_file;

typedef struct rc_source {
    rc_source_file *files;
    size_t nfiles;
    char *commit; /* full sha of the commit read, NULL for the working tree */
} rc_source;

/* Returns 0, or a negative value with a one-line reason in errbuf
 * (no repository, unknown revision, no topics/ directory, I/O error). */
int rc_source_load(rc_source *out, const char *repo_dir, const char *ref, char *errbuf,
                   size_t errlen);
void rc_source_free(rc_source *src);

#endif
