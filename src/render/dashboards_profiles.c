/* dashboards_profiles.c — the dashboard's metric-source profiles,
 * dashboards/profiles/<source>.yaml: `description:` and `vars:` (PromQL
 * snippets), checked and kept unexpanded until a topic is rendered. */
#include "dashboards_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool var_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

static int load_profile(profile *p, const char *dir, const char *fname, char *errbuf, size_t errlen)
{
    size_t n = strlen(fname) - strlen(".yaml");
    p->name = rc_xstrndup(fname, n);
    p->file = rc_xasprintf("%s/%s", dir, fname);
    char *text = NULL;
    size_t len = 0;
    int rc = rc_read_file(&text, &len, p->file, errbuf, errlen);
    if (rc < 0)
        return -1;
    json_t *root = NULL;
    char perr[512];
    rc = rc_tmpl_parse_yaml(&root, text, len, p->file, perr, sizeof(perr));
    free(text);
    if (rc < 0)
        return rc_errorf(-1, errbuf, errlen, "%s", perr);
    rc = -1;
    const char *key;
    json_t *val;
    if (!json_is_object(root)) {
        rc_errorf(-1, errbuf, errlen, "%s: expected a mapping with `vars`", p->file);
        goto out;
    }
    json_object_foreach(root, key, val)
    {
        if (!strcmp(key, "description")) {
            if (!json_is_string(val)) {
                rc_errorf(-1, errbuf, errlen, "%s: description: expected a string", p->file);
                goto out;
            }
        } else if (strcmp(key, "vars")) {
            rc_errorf(-1, errbuf, errlen, "%s: unknown key `%s` (expected description, vars)",
                      p->file, key);
            goto out;
        }
    }
    json_t *vars = json_object_get(root, "vars");
    if (!json_is_object(vars) || json_object_size(vars) == 0) {
        rc_errorf(-1, errbuf, errlen, "%s: `vars` must be a non-empty mapping of names to strings",
                  p->file);
        goto out;
    }
    json_object_foreach(vars, key, val)
    {
        if (!var_name_ok(key)) {
            rc_errorf(-1, errbuf, errlen, "%s: vars.%s: a var name is letters, digits and '_'",
                      p->file, key);
            goto out;
        }
        if (dash_is_topic_var(key)) {
            rc_errorf(-1, errbuf, errlen,
                      "%s: vars.%s: shadows a topic variable (dashboards.h; client_* and "
                      "has_client_* are reserved)",
                      p->file, key);
            goto out;
        }
        if (!json_is_string(val)) {
            rc_errorf(-1, errbuf, errlen, "%s: vars.%s: expected a string (quote it)", p->file,
                      key);
            goto out;
        }
        rc_kvlist_set(&p->vars, key, json_string_value(val));
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dash_load_profiles(rc_dashboards *d, const char *dir, char *errbuf, size_t errlen)
{
    char *pdir = rc_xasprintf("%s/profiles", dir);
    DIR *dh = opendir(pdir);
    if (!dh) {
        int e = errno;
        rc_errorf(-1, errbuf, errlen, "%s: %s", pdir, strerror(e));
        free(pdir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dh))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        names = rc_xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = rc_xstrdup(de->d_name);
    }
    closedir(dh);
    int rc = 0;
    if (n == 0)
        rc = rc_errorf(-1, errbuf, errlen, "%s: no profiles (<metric_source>.yaml)", pdir);
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    d->profiles = rc_xcalloc(n, sizeof(*d->profiles));
    d->names = rc_xcalloc(n, sizeof(*d->names));
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) {
            rc = load_profile(&d->profiles[i], pdir, names[i], errbuf, errlen);
            d->names[i] = d->profiles[i].name;
            d->nprofiles = i + 1;
        }
        free(names[i]);
    }
    free(names);
    free(pdir);
    return rc;
}

const profile *dash_find_profile(const rc_dashboards *d, const char *source)
{
    for (size_t i = 0; i < d->nprofiles; i++)
        if (!strcmp(d->profiles[i].name, source))
            return &d->profiles[i];
    return NULL;
}
