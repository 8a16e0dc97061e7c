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
            snprintf(errbuf, errlen, "cannot create %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        snprintf(errbuf, errlen, "cannot create %s: %s", p, strerror(errno));
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

/* Write data to path unless it already holds exactly these bytes. A file that
 * exists is replaced through a temporary file and rename, so a reader (Grafana,
 * Prometheus) never sees half of it; a new file is written in place, since no
 * reader can be using it yet and rename is the costliest step when thousands
 * of dashboards are rendered for the first time. */
static int write_if_changed(rc_render_stats *st, const char *path, const char *data, size_t len,
                            char *errbuf, size_t errlen)
{
    char *old = NULL;
    size_t old_len = 0;
    int rd = rc_read_file(&old, &old_len, path);
    if (rd == 0) {
        bool same = old_len == len && memcmp(old, data, len) == 0;
        free(old);
        if (same) {
            st->unchanged++;
            return 0;
        }
    }
    bool exists = rd != -ENOENT;
    char *tmp = exists ? rc_xasprintf("%s.tmp.%ld", path, (long)getpid()) : rc_xstrdup(path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = 0;
    if (fd < 0 || write_all(fd, data, len) != 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && exists && rename(tmp, path) != 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    else
        st->written++;
    free(tmp);
    return rc;
}

static int topic_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_topic_decl *)elem)->name);
}

/* Remove <dir>/<name>.json for topics the cluster no longer declares. */
static int remove_stale(rc_render_stats *st, const rc_cluster_decl *c, const char *dir,
                        char *errbuf, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
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
            if (unlink(path) != 0) {
                snprintf(errbuf, errlen, "cannot remove %s: %s", path, strerror(errno));
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

int rc_render_cluster(rc_render_stats *st, const rc_repo *repo, const rc_cluster_decl *c,
                      const rc_alerts_profile *profile, const rc_dashboards *dashboards,
                      const char *out_dir, char *errbuf, size_t errlen)
{
    char *base = rc_xasprintf("%s/%s", out_dir, c->name);
    char *rules_path = rc_xasprintf("%s/%s", base, RC_ALERTS_RULES_FILE);
    char *rules_dir = rc_xstrdup(rules_path);
    *strrchr(rules_dir, '/') = '\0';
    char *dash_dir = rc_xasprintf("%s/dashboards", base);
    rc_buf buf = {0};
    int rc = -1;

    if (mkdir_p(rules_dir, errbuf, errlen) != 0 || mkdir_p(dash_dir, errbuf, errlen) != 0)
        goto out;

    if (rc_alerts_render_profile(&buf, profile, repo, c, errbuf, errlen) != 0)
        goto out;
    if (write_if_changed(st, rules_path, buf.data ? buf.data : "", buf.len, errbuf, errlen) != 0)
        goto out;

    for (size_t i = 0; i < c->ntopics; i++) {
        const rc_topic_decl *t = &c->topics[i];
        rc_alerts_lag al;
        rc_alerts_topic_lag(&al, profile, c, t);
        /* draw the threshold the alert really uses, not the declared one */
        rc_dashboard_lag dl = {al.time, al.max};
        buf.len = 0;
        if (rc_dashboard_render_lag(&buf, dashboards, repo, c, t, &dl, errbuf, errlen) != 0)
            goto out;
        char *path = rc_xasprintf("%s/%s.json", dash_dir, t->name);
        int w = write_if_changed(st, path, buf.data, buf.len, errbuf, errlen);
        free(path);
        if (w != 0)
            goto out;
        st->topics++;
    }
    if (remove_stale(st, c, dash_dir, errbuf, errlen) != 0)
        goto out;

    /* Grafana reads the provider file from its own filesystem: an absolute
     * path works wherever the output directory is mounted at the same place. */
    char abs[PATH_MAX];
    const char *prov_path = realpath(dash_dir, abs) ? abs : dash_dir;
    buf.len = 0;
    if (rc_dashboards_provisioning(&buf, c, prov_path, errbuf, errlen) != 0)
        goto out;
    char *prov = rc_xasprintf("%s/grafana-provisioning.yaml", base);
    int w = write_if_changed(st, prov, buf.data, buf.len, errbuf, errlen);
    free(prov);
    if (w != 0)
        goto out;
    rc = 0;
out:
    rc_buf_free(&buf);
    free(base);
    free(rules_path);
    free(rules_dir);
    free(dash_dir);
    return rc;
}
