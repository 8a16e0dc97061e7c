/* source.h — where declarations come from: the working tree or a git commit.
 *
 * rc_source_load reads every regular .yaml/.yml file under `topics/`
 * (recursively) of the repository at repo_dir, either from the working tree
 * (ref == NULL) or from the tree of the commit `ref` resolves to through
 * libgit2 (any revspec: a branch, a tag, a sha, HEAD~1). Paths in the result
 * are repository-relative ("topics/prod/orders.yaml"), sorted bytewise. The
 * source owns everything.
 *
 * Both sources read the same set of files the same way:
 *   - hidden entries (a name starting with '.') are skipped, directories too;
 *   - a file whose name does not end in .yaml/.yml (topics/README.md) is
 *     skipped without being opened, whatever its size;
 *   - a symbolic link (file or directory, git filemode 0120000) is never
 *     followed nor its target read: it becomes a problem, since following it
 *     would read outside the repository (a link to /usr) and reading it as a
 *     path string would make the git tree disagree with the working tree;
 *   - a YAML file larger than RC_SOURCE_MAX_FILE_BYTES is not read (its size
 *     is checked first: stat, or the object header of the blob) and becomes
 *     a problem.
 * Problems are not errors of the load: they are returned with the files so
 * that validation reports them beside every other diagnostic (decl.c turns
 * them into `layout` errors). */
#ifndef RC_SOURCE_H
#define RC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rc_source_file {
    char *path;
    char *content; /* NUL-terminated; len excludes the NUL */
    size_t len;
} rc_source_file;

/* Largest declaration file read, in bytes. Far above any real declaration
 * file (thousands of topics fit in a few hundred KiB); it bounds the memory
 * one file can cost, since the file and its parsed tree are held at once. */
#define RC_SOURCE_MAX_FILE_BYTES (4u * 1024 * 1024)

/* A file or directory under topics/ that was refused without being read. */
typedef struct rc_source_problem {
    char *path;    /* repository-relative */
    char *message; /* one line, starting with the path */
} rc_source_problem;

typedef struct rc_source {
    rc_source_file *files;
    size_t nfiles;
    rc_source_problem *problems; /* sorted by path */
    size_t nproblems;
    char *commit; /* full sha of the commit read, NULL for the working tree */
} rc_source;

/* Whether a file of this name (a path or its last component) is read as
 * declarations: it ends in .yaml or .yml. */
bool rc_source_is_yaml_name(const char *name);

/* Returns 0, or a negative value with a one-line reason in errbuf
 * (no repository, unknown revision, no topics/ directory or a topics/ that is
 * a symbolic link, I/O error). */
int rc_source_load(rc_source *out, const char *repo_dir, const char *ref, char *errbuf,
                   size_t errlen);
void rc_source_free(rc_source *src);

#endif
