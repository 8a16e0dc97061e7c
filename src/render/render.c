/* realpath() is an XSI extension */
#define _XOPEN_SOURCE 700

#include "render.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(const char *path, char *errbuf, size_t errlen)
{
    char *p = rc_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            rc_errorf(RC_ERR, errbuf, errlen, "cannot create %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        rc_errorf(RC_ERR, errbuf, errlen, "cannot create %s: %s", p, strerror(errno));
        rc = -1;
    }
    free(p);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Open the directory `name` inside dirfd, creating it if missing. It must be
 * a real directory: a symbolic link there (to anywhere, dangling or not)
 * would make every write below it land outside the output directory, so it
 * is refused. shown is its path for messages. Returns the descriptor or -1. */
static int open_subdir(int dirfd, const char *name, const char *shown, char *errbuf, size_t errlen)
{
    if (mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST) {
        rc_errorf(RC_ERR, errbuf, errlen, "cannot create %s: %s", shown, strerror(errno));
        return -1;
    }
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    int err = errno;
    struct stat sb;
    if (err == ELOOP ||
        (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode)))
        rc_errorf(RC_ERR, errbuf, errlen,
                  "%s is a symbolic link; render writes only inside the output directory", shown);
    else
        rc_errorf(RC_ERR, errbuf, errlen, "cannot create %s: %s", shown, strerror(err));
    return -1;
}

/* Whether the regular file fd holds exactly data. */
static bool same_bytes(int fd, const char *data, size_t len)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size != len)
        return false;
    char chunk[65536];
    size_t off = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (size_t)n > len - off || memcmp(chunk, data + off, (size_t)n) != 0)
            return false;
        if (n == 0)
            return off == len;
        off += (size_t)n;
    }
}

/* Write data to `name` in dirfd unless it already holds exactly these bytes
 * (shown is its path for messages). A file that exists is replaced through a
 * temporary file and rename, so a reader (Grafana, Prometheus) never sees half
 * of it; a new file is written in place, since no reader can be using it yet
 * and rename is the costliest step when thousands of dashboards are rendered
 * for the first time.
 *
 * Nothing here follows a symbolic link, since one planted in the output
 * directory (dangling or not) would make render write outside it: the old
 * file is opened with O_NOFOLLOW, a new one with O_CREAT|O_EXCL (which fails
 * on any link), and a link at the path is replaced by the rename, which
 * replaces the link itself rather than its target. */
static int write_if_changed(rc_render_stats *st, int dirfd, const char *name, const char *shown,
                            const char *data, size_t len, char *errbuf, size_t errlen)
{
    int old = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    bool exists = old >= 0 || errno != ENOENT; /* ELOOP: a link, replaced below */
    if (old >= 0) {
        bool same = same_bytes(old, data, len);
        close(old);
        if (same) {
            st->unchanged++;
            return 0;
        }
    }
    int fd = -1;
    if (!exists) {
        fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        exists = fd < 0 && errno == EEXIST; /* appeared meanwhile: replace it instead */
    }
    char *tmp = exists ? rc_xasprintf("%s.tmp.%ld", name, (long)getpid()) : rc_xstrdup(name);
    if (exists) {
        /* a leftover of a killed run with the same pid, or a planted link */
        unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    }
    int rc = 0;
    if (fd < 0 || write_all(fd, data, len) != 0) {
        rc_errorf(RC_ERR, errbuf, errlen, "cannot write %s: %s", shown, strerror(errno));
        rc = -1;
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        rc_errorf(RC_ERR, errbuf, errlen, "cannot write %s: %s", shown, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && exists && renameat(dirfd, tmp, dirfd, name) != 0) {
        rc_errorf(RC_ERR, errbuf, errlen, "cannot write %s: %s", shown, strerror(errno));
        rc = -1;
    }
    if (rc != 0 && fd >= 0)
        unlinkat(dirfd, tmp, 0); /* only a file this call created */
    else if (rc == 0)
        st->written++;
    free(tmp);
    return rc;
}

static int topic_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_topic_decl *)elem)->name);
}

/* Remove <dir>/<name>.json for topics the cluster no longer declares
 * (unlinkat removes a link itself, never its target). */
static int remove_stale(rc_render_stats *st, const rc_cluster_decl *c, int dirfd, const char *dir,
                        char *errbuf, size_t errlen)
{
    int fd = dup(dirfd); /* closedir closes the descriptor it reads */
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char *topic = rc_xstrndup(e->d_name, n - 5);
        /* topics are sorted by name (decl.h), so a binary search suffices */
        if (!bsearch(topic, c->topics, c->ntopics, sizeof(*c->topics), topic_cmp)) {
            char *path = rc_xasprintf("%s/%s", dir, e->d_name);
            if (unlinkat(dirfd, e->d_name, 0) != 0) {
                rc_errorf(RC_ERR, errbuf, errlen, "cannot remove %s: %s", path, strerror(errno));
                rc = -1;
            } else {
                st->removed++;
            }
            free(path);
        }
        free(topic);
    }
    closedir(d);
    return rc;
}

/* Where one cluster's files go: paths for messages, descriptors to write by. */
typedef struct cluster_dirs {
    char *base;             /* <out>/<cluster> */
    char *rules_path;       /* <base>/rules/topics.rules.yml */
    char *rules_dir;        /* RC_ALERTS_RULES_FILE's directory part ("rules") */
    const char *rules_name; /* its file part, inside RC_ALERTS_RULES_FILE */
    bool rules_sub;         /* RC_ALERTS_RULES_FILE has a directory part */
    char *rules_shown;      /* <base>/rules */
    char *dash_dir;         /* <base>/dashboards */
    int out_fd, base_fd, rules_fd, dash_fd;
} cluster_dirs;

static void dirs_init(cluster_dirs *d, const char *out_dir, const char *cluster)
{
    d->base = rc_xasprintf("%s/%s", out_dir, cluster);
    d->rules_path = rc_xasprintf("%s/%s", d->base, RC_ALERTS_RULES_FILE);
    d->rules_dir = rc_xstrdup(RC_ALERTS_RULES_FILE);
    char *slash = strrchr(d->rules_dir, '/');
    d->rules_name = RC_ALERTS_RULES_FILE + (slash ? slash - d->rules_dir + 1 : 0);
    if (slash)
        *slash = '\0';
    d->rules_sub = slash != NULL;
    d->rules_shown = slash ? rc_xasprintf("%s/%s", d->base, d->rules_dir) : rc_xstrdup(d->base);
    d->dash_dir = rc_xasprintf("%s/dashboards", d->base);
    d->out_fd = d->base_fd = d->rules_fd = d->dash_fd = -1;
}

static void dirs_free(cluster_dirs *d)
{
    if (d->dash_fd >= 0)
        close(d->dash_fd);
    if (d->rules_fd >= 0)
        close(d->rules_fd);
    if (d->base_fd >= 0)
        close(d->base_fd);
    if (d->out_fd >= 0)
        close(d->out_fd);
    free(d->base);
    free(d->rules_path);
    free(d->rules_dir);
    free(d->rules_shown);
    free(d->dash_dir);
}

/* The output directory itself is the caller's choice (it may be reached
 * through links); everything render creates below it is opened relative
 * to a descriptor, refusing links, so no write can leave it. */
static int dirs_open(cluster_dirs *d, const char *out_dir, const char *cluster, char *errbuf,
                     size_t errlen)
{
    if (mkdir_p(out_dir, errbuf, errlen) != 0)
        return -1;
    d->out_fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->out_fd < 0) {
        rc_errorf(RC_ERR, errbuf, errlen, "cannot open %s: %s", out_dir, strerror(errno));
        return -1;
    }
    if ((d->base_fd = open_subdir(d->out_fd, cluster, d->base, errbuf, errlen)) < 0)
        return -1;
    d->rules_fd = d->rules_sub
                      ? open_subdir(d->base_fd, d->rules_dir, d->rules_shown, errbuf, errlen)
                      : dup(d->base_fd);
    if (d->rules_fd < 0)
        return -1;
    if ((d->dash_fd = open_subdir(d->base_fd, "dashboards", d->dash_dir, errbuf, errlen)) < 0)
        return -1;
    return 0;
}

/* One dashboard per topic, then the removal of those of undeclared topics. */
static int write_dashboards(rc_render_stats *st, const cluster_dirs *d, rc_buf *buf,
                            const rc_repo *repo, const rc_cluster_decl *c,
                            const rc_alerts_profile *profile, const rc_dashboards *dashboards,
                            char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < c->ntopics; i++) {
        const rc_topic_decl *t = &c->topics[i];
        rc_alerts_lag al;
        rc_alerts_topic_lag(&al, profile, c, t);
        /* draw the threshold the alert really uses, not the declared one */
        rc_dashboard_lag dl = {al.time, al.max};
        buf->len = 0;
        if (rc_dashboard_render_lag(buf, dashboards, repo, c, t, &dl, errbuf, errlen) != 0)
            return -1;
        char *name = rc_xasprintf("%s.json", t->name);
        char *path = rc_xasprintf("%s/%s", d->dash_dir, name);
        int w = write_if_changed(st, d->dash_fd, name, path, buf->data, buf->len, errbuf, errlen);
        free(name);
        free(path);
        if (w != 0)
            return -1;
        st->topics++;
    }
    return remove_stale(st, c, d->dash_fd, d->dash_dir, errbuf, errlen);
}

static int write_provisioning(rc_render_stats *st, const cluster_dirs *d, rc_buf *buf,
                              const rc_cluster_decl *c, char *errbuf, size_t errlen)
{
    /* Grafana reads the provider file from its own filesystem: an absolute
     * path works wherever the output directory is mounted at the same place. */
    char abs[PATH_MAX];
    const char *prov_path = realpath(d->dash_dir, abs) ? abs : d->dash_dir;
    buf->len = 0;
    if (rc_dashboards_provisioning(buf, c, prov_path, errbuf, errlen) != 0)
        return -1;
    char *prov = rc_xasprintf("%s/grafana-provisioning.yaml", d->base);
    int w = write_if_changed(st, d->base_fd, "grafana-provisioning.yaml", prov, buf->data, buf->len,
                             errbuf, errlen);
    free(prov);
    return w != 0 ? -1 : 0;
}

int rc_render_cluster(rc_render_stats *st, const rc_repo *repo, const rc_cluster_decl *c,
                      const rc_alerts_profile *profile, const rc_dashboards *dashboards,
                      const char *out_dir, char *errbuf, size_t errlen)
{
    cluster_dirs d;
    dirs_init(&d, out_dir, c->name);
    rc_buf buf = {0};
    int rc = -1;
    if (dirs_open(&d, out_dir, c->name, errbuf, errlen) != 0)
        goto out;
    if (rc_alerts_render_profile(&buf, profile, repo, c, errbuf, errlen) != 0)
        goto out;
    if (write_if_changed(st, d.rules_fd, d.rules_name, d.rules_path, buf.data ? buf.data : "",
                         buf.len, errbuf, errlen) != 0)
        goto out;
    if (write_dashboards(st, &d, &buf, repo, c, profile, dashboards, errbuf, errlen) != 0)
        goto out;
    if (write_provisioning(st, &d, &buf, c, errbuf, errlen) != 0)
        goto out;
    rc = 0;
out:
    dirs_free(&d);
    rc_buf_free(&buf);
    return rc;
}
