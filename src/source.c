#include "source.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void source_add(rc_source *src, size_t *cap, const char *path, const char *content,
                       size_t len)
{
    if (src->nfiles == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        src->files = rc_xrealloc(src->files, *cap * sizeof(*src->files));
    }
    rc_source_file *f = &src->files[src->nfiles++];
    f->path = rc_xstrdup(path);
    f->content = rc_xstrndup(content, len);
    f->len = len;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_source_file *)a)->path, ((const rc_source_file *)b)->path);
}

/* Recursive walk of the working tree; rel is the repository-relative path. */
static int walk_dir(rc_source *src, size_t *cap, const char *root, const char *rel, char *errbuf,
                    size_t errlen)
{
    char *abs = rc_xasprintf("%s/%s", root, rel);
    DIR *d = opendir(abs);
    if (!d) {
        snprintf(errbuf, errlen, "cannot read %s: %s", rel, strerror(errno));
        free(abs);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and hidden files such as editor swap files */
        char *child_rel = rc_xasprintf("%s/%s", rel, de->d_name);
        char *child_abs = rc_xasprintf("%s/%s", root, child_rel);
        struct stat st;
        if (stat(child_abs, &st) != 0) {
            snprintf(errbuf, errlen, "cannot stat %s: %s", child_rel, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(src, cap, root, child_rel, errbuf, errlen);
        } else if (S_ISREG(st.st_mode)) {
            char *content = NULL;
            size_t len = 0;
            int err = rc_read_file(&content, &len, child_abs);
            if (err) {
                snprintf(errbuf, errlen, "cannot read %s: %s", child_rel, strerror(-err));
                rc = -1;
            } else {
                if (src->nfiles == *cap) {
                    *cap = *cap ? *cap * 2 : 64;
                    src->files = rc_xrealloc(src->files, *cap * sizeof(*src->files));
                }
                /* take ownership of the buffer instead of copying it */
                rc_source_file *f = &src->files[src->nfiles++];
                f->path = child_rel;
                child_rel = NULL;
                f->content = content;
                f->len = len;
            }
        }
        free(child_rel);
        free(child_abs);
    }
    closedir(d);
    free(abs);
    return rc;
}

static int load_worktree(rc_source *src, const char *repo_dir, char *errbuf, size_t errlen)
{
    size_t cap = 0;
    char *topics = rc_xasprintf("%s/topics", repo_dir);
    struct stat st;
    int exists = stat(topics, &st) == 0 && S_ISDIR(st.st_mode);
    free(topics);
    if (!exists) {
        snprintf(errbuf, errlen, "%s has no topics/ directory (use -C to pick the repository)",
                 repo_dir);
        return -1;
    }
    return walk_dir(src, &cap, repo_dir, "topics", errbuf, errlen);
}

struct git_walk_ctx {
    rc_source *src;
    size_t cap;
    git_repository *repo;
    char *errbuf;
    size_t errlen;
};

static int git_walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    struct git_walk_ctx *ctx = payload;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    const char *name = git_tree_entry_name(entry);
    if (name[0] == '.')
        return 0;
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, ctx->repo, git_tree_entry_id(entry)) != 0) {
        const git_error *e = git_error_last();
        snprintf(ctx->errbuf, ctx->errlen, "cannot read topics/%s%s: %s", root, name,
                 e ? e->message : "unknown error");
        return -1;
    }
    char *path = rc_xasprintf("topics/%s%s", root, name);
    source_add(ctx->src, &ctx->cap, path, git_blob_rawcontent(blob),
               (size_t)git_blob_rawsize(blob));
    free(path);
    git_blob_free(blob);
    return 0;
}

static int load_commit(rc_source *src, const char *repo_dir, const char *ref, char *errbuf,
                       size_t errlen)
{
    git_repository *repo = NULL;
    git_object *obj = NULL;
    git_commit *commit = NULL;
    git_tree *tree = NULL, *topics = NULL;
    git_tree_entry *entry = NULL;
    int rc = -1;

    if (git_repository_open_ext(&repo, repo_dir, 0, NULL) != 0) {
        snprintf(errbuf, errlen, "%s is not a git repository: %s", repo_dir,
                 git_error_last() ? git_error_last()->message : "unknown error");
        goto out;
    }
    if (git_revparse_single(&obj, repo, ref) != 0) {
        snprintf(errbuf, errlen, "unknown revision '%s' in %s", ref, repo_dir);
        goto out;
    }
    if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) != 0) {
        snprintf(errbuf, errlen, "revision '%s' is not a commit", ref);
        goto out;
    }
    if (git_commit_tree(&tree, commit) != 0) {
        snprintf(errbuf, errlen, "cannot read the tree of '%s'", ref);
        goto out;
    }
    if (git_tree_entry_bypath(&entry, tree, "topics") != 0 ||
        git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
        snprintf(errbuf, errlen, "commit %s has no topics/ directory", ref);
        goto out;
    }
    if (git_tree_lookup(&topics, repo, git_tree_entry_id(entry)) != 0) {
        snprintf(errbuf, errlen, "cannot read topics/ of '%s'", ref);
        goto out;
    }
    struct git_walk_ctx ctx = {src, 0, repo, errbuf, errlen};
    if (git_tree_walk(topics, GIT_TREEWALK_PRE, git_walk_cb, &ctx) != 0)
        goto out;
    char sha[GIT_OID_HEXSZ + 1];
    git_oid_tostr(sha, sizeof(sha), git_commit_id(commit));
    src->commit = rc_xstrdup(sha);
    rc = 0;
out:
    git_tree_entry_free(entry);
    git_tree_free(topics);
    git_tree_free(tree);
    git_commit_free(commit);
    git_object_free(obj);
    git_repository_free(repo);
    return rc;
}

int rc_source_load(rc_source *out, const char *repo_dir, const char *ref, char *errbuf,
                   size_t errlen)
{
    memset(out, 0, sizeof(*out));
    int rc;
    if (ref) {
        git_libgit2_init();
        rc = load_commit(out, repo_dir, ref, errbuf, errlen);
        git_libgit2_shutdown();
    } else {
        rc = load_worktree(out, repo_dir, errbuf, errlen);
    }
    if (rc != 0) {
        rc_source_free(out);
        return -1;
    }
    if (out->nfiles > 1)
        qsort(out->files, out->nfiles, sizeof(*out->files), file_cmp);
    return 0;
}

void rc_source_free(rc_source *src)
{
    for (size_t i = 0; i < src->nfiles; i++) {
        free(src->files[i].path);
        free(src->files[i].content);
    }
    free(src->files);
    free(src->commit);
    memset(src, 0, sizeof(*src));
}
