#include "source.h"

#include "git_repo.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINK_MSG "is a symbolic link; reconcile reads only regular files inside the repository"

bool rc_source_is_yaml_name(const char *name)
{
    size_t n = strlen(name);
    return (n >= 5 && !strcmp(name + n - 5, ".yaml")) || (n >= 4 && !strcmp(name + n - 4, ".yml"));
}

/* Takes ownership of path and content. */
static void source_take(rc_source *src, size_t *cap, char *path, char *content, size_t len)
{
    if (src->nfiles == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        src->files = rc_xrealloc(src->files, *cap * sizeof(*src->files));
    }
    rc_source_file *f = &src->files[src->nfiles++];
    f->path = path;
    f->content = content;
    f->len = len;
}

static void __attribute__((format(printf, 3, 4)))
add_problem(rc_source *src, const char *path, const char *fmt, ...)
{
    /* problems are rare: growing one at a time is fine */
    src->problems = rc_xrealloc(src->problems, (src->nproblems + 1) * sizeof(*src->problems));
    rc_source_problem *p = &src->problems[src->nproblems++];
    va_list ap;
    va_start(ap, fmt);
    char *rest = rc_xvasprintf(fmt, ap);
    va_end(ap);
    p->path = rc_xstrdup(path);
    p->message = rc_xasprintf("%s %s", path, rest);
    free(rest);
}

static void add_too_big(rc_source *src, const char *path, unsigned long long size)
{
    add_problem(src, path, "is %llu bytes; reconcile reads YAML files up to %u bytes (%u MiB)",
                size, RC_SOURCE_MAX_FILE_BYTES, RC_SOURCE_MAX_FILE_BYTES / (1024 * 1024));
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_source_file *)a)->path, ((const rc_source_file *)b)->path);
}

static int problem_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_source_problem *)a)->path, ((const rc_source_problem *)b)->path);
}

/* Read the regular file `name` of directory dirfd, at most the size bound.
 * Returns 0 (the file read, or a problem recorded) or -1 with errbuf set.
 * The file is opened with O_NOFOLLOW and checked again on the descriptor, so
 * an entry replaced by a link or a FIFO after the walk looked at it is still
 * never followed nor blocked on; reading stops one byte past the bound, so a
 * file that grows meanwhile costs no more than the bound either. */
static int read_regular(rc_source *src, size_t *cap, int dirfd, const char *name, char *rel,
                        char *errbuf, size_t errlen)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP) {
            add_problem(src, rel, LINK_MSG);
            free(rel);
            return 0;
        }
        snprintf(errbuf, errlen, "cannot read %s: %s", rel, strerror(errno));
        free(rel);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(errbuf, errlen, "cannot stat %s: %s", rel, strerror(errno));
        close(fd);
        free(rel);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) { /* swapped for something else since the walk saw it */
        close(fd);
        free(rel);
        return 0;
    }
    if ((unsigned long long)st.st_size > RC_SOURCE_MAX_FILE_BYTES) {
        add_too_big(src, rel, (unsigned long long)st.st_size);
        close(fd);
        free(rel);
        return 0;
    }
    size_t size = (size_t)st.st_size, len = 0;
    char *buf = rc_xmalloc(size + 2);
    for (;;) {
        if (len == size + 1) { /* grew: one more byte tells whether past the bound */
            if (size >= RC_SOURCE_MAX_FILE_BYTES)
                break;
            size =
                size * 2 + 64 < RC_SOURCE_MAX_FILE_BYTES ? size * 2 + 64 : RC_SOURCE_MAX_FILE_BYTES;
            buf = rc_xrealloc(buf, size + 2);
        }
        ssize_t n = read(fd, buf + len, size + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(errbuf, errlen, "cannot read %s: %s", rel, strerror(errno));
            free(buf);
            close(fd);
            free(rel);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len > RC_SOURCE_MAX_FILE_BYTES) {
        add_too_big(src, rel, (unsigned long long)len);
        free(buf);
        free(rel);
        return 0;
    }
    buf[len] = '\0';
    source_take(src, cap, rel, buf, len);
    return 0;
}

/* Recursive walk of the working tree through directory descriptors: every
 * entry is looked at with AT_SYMLINK_NOFOLLOW and opened relative to its
 * parent with O_NOFOLLOW, so no symbolic link is followed at any depth. dirfd
 * is consumed; rel is the repository-relative path of the directory. */
static int walk_dir(rc_source *src, size_t *cap, int dirfd, const char *rel, char *errbuf,
                    size_t errlen)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        snprintf(errbuf, errlen, "cannot read %s: %s", rel, strerror(errno));
        close(dirfd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.')
            continue; /* ., .., and hidden files such as editor swap files */
        char *child_rel = rc_xasprintf("%s/%s", rel, name);
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(errbuf, errlen, "cannot stat %s: %s", child_rel, strerror(errno));
            rc = -1;
        } else if (S_ISLNK(st.st_mode)) {
            add_problem(src, child_rel, LINK_MSG);
        } else if (S_ISDIR(st.st_mode)) {
            int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0)
                rc = walk_dir(src, cap, fd, child_rel, errbuf, errlen);
            else if (errno == ELOOP) /* replaced by a link since the fstatat */
                add_problem(src, child_rel, LINK_MSG);
            else if (errno != ENOTDIR) { /* ENOTDIR: replaced by a file, nothing to walk */
                snprintf(errbuf, errlen, "cannot read %s: %s", child_rel, strerror(errno));
                rc = -1;
            }
        } else if (S_ISREG(st.st_mode) && rc_source_is_yaml_name(name)) {
            if (st.st_size > (off_t)RC_SOURCE_MAX_FILE_BYTES) {
                add_too_big(src, child_rel, (unsigned long long)st.st_size);
            } else {
                rc = read_regular(src, cap, dirfd, name, child_rel, errbuf, errlen);
                child_rel = NULL; /* owned by the source (or freed) now */
            }
        }
        /* anything else (README.md, a FIFO, a socket) is never opened */
        free(child_rel);
    }
    closedir(d);
    return rc;
}

static int load_worktree(rc_source *src, const char *repo_dir, char *errbuf, size_t errlen)
{
    size_t cap = 0;
    /* repo_dir itself is the caller's choice and may be reached through links */
    int root = open(repo_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int topics =
        root < 0 ? -1 : openat(root, "topics", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    struct stat st;
    bool is_link = topics < 0 && root >= 0 &&
                   fstatat(root, "topics", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
    if (root >= 0)
        close(root);
    if (is_link) {
        snprintf(errbuf, errlen, "topics %s", LINK_MSG);
        return -1;
    }
    if (topics < 0) {
        if (err == ENOENT || err == ENOTDIR)
            snprintf(errbuf, errlen, "%s has no topics/ directory (use -C to pick the repository)",
                     repo_dir);
        else
            snprintf(errbuf, errlen, "cannot read %s/topics: %s", repo_dir, strerror(err));
        return -1;
    }
    return walk_dir(src, &cap, topics, "topics", errbuf, errlen);
}

struct git_walk_ctx {
    rc_source *src;
    size_t cap;
    git_repository *repo;
    git_odb *odb;
    char *errbuf;
    size_t errlen;
};

static const char *git_msg(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

/* The same choices as walk_dir, made from the tree entry alone: its name and
 * filemode say what to skip, and the object header gives the size, so no blob
 * is loaded unless it is a YAML file within the bound. */
static int git_walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    struct git_walk_ctx *ctx = payload;
    const char *name = git_tree_entry_name(entry);
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (name[0] == '.')
        return 1; /* hidden: skipped, and a hidden tree is not descended into */
    if (mode == GIT_FILEMODE_LINK) {
        char *path = rc_xasprintf("topics/%s%s", root, name);
        add_problem(ctx->src, path, LINK_MSG);
        free(path);
        return 0;
    }
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        return 0; /* a tree is walked into; a submodule has nothing to read */
    if (!rc_source_is_yaml_name(name))
        return 0;
    char *path = rc_xasprintf("topics/%s%s", root, name);
    size_t size = 0;
    git_object_t type;
    if (git_odb_read_header(&size, &type, ctx->odb, git_tree_entry_id(entry)) != 0) {
        snprintf(ctx->errbuf, ctx->errlen, "cannot read %s: %s", path, git_msg());
        free(path);
        return -1;
    }
    if (size > RC_SOURCE_MAX_FILE_BYTES) {
        add_too_big(ctx->src, path, (unsigned long long)size);
        free(path);
        return 0;
    }
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, ctx->repo, git_tree_entry_id(entry)) != 0) {
        snprintf(ctx->errbuf, ctx->errlen, "cannot read %s: %s", path, git_msg());
        free(path);
        return -1;
    }
    size_t len = (size_t)git_blob_rawsize(blob);
    source_take(ctx->src, &ctx->cap, path, rc_xstrndup(git_blob_rawcontent(blob), len), len);
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
    git_odb *odb = NULL;
    int rc = -1;

    if (rc_git_open(&repo, repo_dir, errbuf, errlen) != 0)
        goto out;
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
    if (git_tree_entry_bypath(&entry, tree, "topics") == 0 &&
        git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
        snprintf(errbuf, errlen, "topics %s", LINK_MSG);
        goto out;
    }
    if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
        snprintf(errbuf, errlen, "commit %s has no topics/ directory", ref);
        goto out;
    }
    if (git_tree_lookup(&topics, repo, git_tree_entry_id(entry)) != 0) {
        snprintf(errbuf, errlen, "cannot read topics/ of '%s'", ref);
        goto out;
    }
    if (git_repository_odb(&odb, repo) != 0) {
        snprintf(errbuf, errlen, "cannot read the objects of %s: %s", repo_dir, git_msg());
        goto out;
    }
    struct git_walk_ctx ctx = {src, 0, repo, odb, errbuf, errlen};
    if (git_tree_walk(topics, GIT_TREEWALK_PRE, git_walk_cb, &ctx) != 0)
        goto out;
    char sha[GIT_OID_HEXSZ + 1];
    git_oid_tostr(sha, sizeof(sha), git_commit_id(commit));
    src->commit = rc_xstrdup(sha);
    rc = 0;
out:
    git_odb_free(odb);
    git_tree_entry_free(entry);
    git_tree_free(topics);
    git_tree_free(tree);
    git_commit_free(commit);
    git_object_free(obj);
    rc_git_close(repo);
    return rc;
}

int rc_source_load(rc_source *out, const char *repo_dir, const char *ref, char *errbuf,
                   size_t errlen)
{
    memset(out, 0, sizeof(*out));
    int rc;
    if (ref) {
        rc = load_commit(out, repo_dir, ref, errbuf, errlen);
    } else {
        rc = load_worktree(out, repo_dir, errbuf, errlen);
    }
    if (rc != 0) {
        rc_source_free(out);
        return -1;
    }
    if (out->nfiles > 1)
        qsort(out->files, out->nfiles, sizeof(*out->files), file_cmp);
    if (out->nproblems > 1)
        qsort(out->problems, out->nproblems, sizeof(*out->problems), problem_cmp);
    return 0;
}

void rc_source_free(rc_source *src)
{
    for (size_t i = 0; i < src->nfiles; i++) {
        free(src->files[i].path);
        free(src->files[i].content);
    }
    free(src->files);
    for (size_t i = 0; i < src->nproblems; i++) {
        free(src->problems[i].path);
        free(src->problems[i].message);
    }
    free(src->problems);
    free(src->commit);
    memset(src, 0, sizeof(*src));
}
