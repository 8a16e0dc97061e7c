/* publish_grafana.c — Grafana: the folder, and each dashboard compared with
 * what Grafana stores and saved only when it differs. */
#include "publish.h"

#include <jansson.h>
#include <yaml.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "publish_run.h"

/* ---- JSON comparison ----------------------------------------------------- */

static bool json_same(const json_t *a, const json_t *b);

static bool json_same_object(const json_t *a, const json_t *b, const char *const *ignore,
                             size_t nignore)
{
    const char *key;
    json_t *va;
    size_t na = 0, nb = 0;
    json_object_foreach((json_t *)a, key, va)
    {
        bool skip = false;
        for (size_t i = 0; i < nignore; i++)
            skip = skip || !strcmp(key, ignore[i]);
        if (skip)
            continue;
        na++;
        json_t *vb = json_object_get(b, key);
        if (!vb || !json_same(va, vb))
            return false;
    }
    json_object_foreach((json_t *)b, key, va)
    {
        bool skip = false;
        for (size_t i = 0; i < nignore; i++)
            skip = skip || !strcmp(key, ignore[i]);
        if (!skip)
            nb++;
    }
    return na == nb;
}

/* Structural equality; numbers by value (Grafana may write 1 back as 1.0). */
static bool json_same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_OBJECT:
        return json_same_object(a, b, NULL, 0);
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_same(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    default:
        return json_equal((json_t *)a, (json_t *)b);
    }
}

/* Fields Grafana sets itself on save. */
static const char *const grafana_owned[] = {"id", "version", "iteration"};

/* ---- Grafana: folder ----------------------------------------------------- */

static char *grafana_folder_url(pub *p, const char *uid)
{
    return uid ? rc_xasprintf("%s/api/folders/%s", p->grafana, uid)
               : rc_xasprintf("%s/api/folders", p->grafana);
}

/* A folder created by someone else with our title: use its uid. */
static int folder_by_title(pub *p, rc_publish_item *it)
{
    char *url = rc_xasprintf("%s/api/folders?limit=1000", p->grafana);
    json_t *j;
    int attempts;
    long status = pub_grafana_send(p, it, "listing folders", "GET", url, NULL, NULL,
                                   &pub_folder_list_shape, &j, &attempts);
    free(url);
    if (status < 0)
        return -1;
    size_t i;
    json_t *f;
    const char *uid = NULL;
    json_array_foreach(j, i, f)
    {
        const char *t = json_string_value(json_object_get(f, "title"));
        if (t && !strcmp(t, p->folder_title)) {
            uid = json_string_value(json_object_get(f, "uid"));
            break;
        }
    }
    if (!uid || !pub_grafana_uid_ok(uid)) {
        pub_item_fail(p, it,
                      rc_xasprintf("folder \"%s\" could not be created and was not found by title",
                                   p->folder_title));
        json_decref(j);
        return -1;
    }
    snprintf(p->folder_uid, sizeof(p->folder_uid), "%s", uid);
    free(it->name);
    it->name = rc_xstrdup(uid);
    it->status = RC_PUB_OK;
    it->message = rc_xasprintf("folder with this title already exists (uid %s)", uid);
    json_decref(j);
    return 0;
}

static int folder_create(pub *p, rc_publish_item *it)
{
    char *url = grafana_folder_url(p, NULL);
    json_t *body = json_pack("{s:s, s:s}", "uid", p->folder_uid, "title", p->folder_title);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    /* taken title: 409 in Grafana 8-10, 412/400 in some versions */
    static const long taken[] = {409, 412, 400, 0};
    json_t *j;
    int attempts;
    long status = pub_grafana_send(p, it, "creating folder", "POST", url, text, taken,
                                   &pub_folder_shape, &j, &attempts);
    free(text);
    free(url);
    it->attempts = attempts;
    if (status < 0)
        return -1;
    if (status == 200) {
        const char *uid = json_string_value(json_object_get(j, "uid"));
        if (uid && pub_grafana_uid_ok(uid) && strcmp(uid, p->folder_uid)) {
            snprintf(p->folder_uid, sizeof(p->folder_uid), "%s", uid);
            free(it->name);
            it->name = rc_xstrdup(uid);
        }
        json_decref(j);
        it->status = RC_PUB_CREATED;
        p->rep->folder_created = true;
        return 0;
    }
    return folder_by_title(p, it);
}

static int folder_rename(pub *p, rc_publish_item *it, const char *old_title)
{
    char *url = grafana_folder_url(p, p->folder_uid);
    json_t *body = json_pack("{s:s, s:b}", "title", p->folder_title, "overwrite", 1);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_t *j;
    int attempts;
    long status = pub_grafana_send(p, it, "renaming folder", "PUT", url, text, NULL,
                                   &pub_folder_shape, &j, &attempts);
    free(text);
    free(url);
    if (status < 0)
        return -1;
    json_decref(j);
    it->status = RC_PUB_UPDATED;
    it->message = rc_xasprintf("renamed from \"%s\"", old_title);
    return 0;
}

static int folder_ensure(pub *p)
{
    rc_publish_item *it =
        pub_add_item(p, RC_PUB_GRAFANA, RC_PUB_OK, p->folder_uid, p->folder_title);
    it->url = rc_xstrdup(p->grafana_shown);
    char *url = grafana_folder_url(p, p->folder_uid);
    static const long absent[] = {404, 0};
    json_t *j;
    int attempts;
    long status = pub_grafana_send(p, it, "looking up folder", "GET", url, NULL, absent,
                                   &pub_folder_shape, &j, &attempts);
    free(url);
    it->attempts = attempts;
    if (status < 0)
        return -1;
    if (status == 404)
        return folder_create(p, it);
    const char *title = json_string_value(json_object_get(j, "title"));
    int ret = 0;
    if (title && strcmp(title, p->folder_title))
        ret = folder_rename(p, it, title);
    json_decref(j);
    return ret;
}

/* ---- Grafana: dashboards ------------------------------------------------- */

int pub_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Sorted heap list of dir/<name> for names ending in one of the suffixes.
 * A missing directory is an empty list; other errors return -errno. */
int pub_list_files(char ***out, size_t *n, const char *dir, const char *const *suffixes,
                   size_t nsuffixes)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        bool match = false;
        for (size_t i = 0; i < nsuffixes; i++)
            match = match || has_suffix(e->d_name, suffixes[i]);
        if (!match)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = rc_xrealloc(*out, cap * sizeof(**out));
        }
        (*out)[(*n)++] = rc_xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof(**out), pub_cmp_str);
    return 0;
}

void pub_free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Read and check one dashboard file. Returns the dashboard object (a new
 * reference) or NULL with a message on the item. */
static json_t *load_dashboard(pub *p, rc_publish_item *it, const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pub_item_fail(p, it, rc_xasprintf("%s:%d:%d: %s", path, je.line, je.column, je.text));
        return NULL;
    }
    json_t *dash = json_object_get(root, "dashboard");
    if (json_is_object(dash))
        json_incref(dash);
    else
        dash = json_incref(root);
    json_decref(root);
    if (!json_is_object(dash)) {
        pub_item_fail(p, it, rc_xasprintf("%s: not a dashboard (expected a JSON object)", path));
        json_decref(dash);
        return NULL;
    }
    const char *uid = json_string_value(json_object_get(dash, "uid"));
    const char *title = json_string_value(json_object_get(dash, "title"));
    if (!uid || !pub_grafana_uid_ok(uid)) {
        pub_item_fail(p, it,
                      rc_xasprintf("%s: the dashboard needs a \"uid\" of at most 40 characters "
                                   "[a-zA-Z0-9_-] (got %s%s%s)",
                                   path, uid ? "\"" : "", uid ? uid : "none", uid ? "\"" : ""));
        json_decref(dash);
        return NULL;
    }
    if (!title || !*title) {
        pub_item_fail(p, it, rc_xasprintf("%s: the dashboard has no \"title\"", path));
        json_decref(dash);
        return NULL;
    }
    free(it->name);
    it->name = rc_xstrdup(uid);
    it->title = rc_xstrdup(title);
    return dash;
}

static char *save_message(const pub *p)
{
    return rc_xasprintf("reconcile %s", p->opt.commit ? p->opt.commit : "working tree");
}

static char *dashboard_payload(const pub *p, const json_t *dash)
{
    json_t *copy = json_deep_copy(dash);
    json_object_set_new(copy, "id", json_null());
    char *msg = save_message(p);
    json_t *body = json_pack("{s:o, s:s, s:b, s:s}", "dashboard", copy, "folderUid", p->folder_uid,
                             "overwrite", 1, "message", msg);
    free(msg);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

/* GET the stored dashboard: sets *status to CREATED (absent), UPDATED
 * (different) or UNCHANGED. Returns -1 with the item failed otherwise. */
static int dashboard_compare(pub *p, rc_publish_item *it, const json_t *dash,
                             rc_publish_status *status)
{
    char *url = rc_xasprintf("%s/api/dashboards/uid/%s", p->grafana, it->name);
    static const long absent[] = {404, 0};
    json_t *j;
    int attempts;
    long http = pub_grafana_send(p, it, "reading the stored dashboard", "GET", url, NULL, absent,
                                 &pub_stored_dashboard_shape, &j, &attempts);
    free(url);
    it->attempts = attempts;
    if (http < 0)
        return -1;
    if (http == 404) {
        *status = RC_PUB_CREATED;
        return 0;
    }
    const json_t *stored = json_object_get(j, "dashboard");
    const char *folder =
        json_string_value(json_object_get(json_object_get(j, "meta"), "folderUid"));
    bool same = json_same_object(dash, stored, grafana_owned,
                                 sizeof(grafana_owned) / sizeof(grafana_owned[0]));
    if (same && folder && strcmp(folder, p->folder_uid)) {
        same = false;
        it->message = rc_xasprintf("moved to folder %s from %s", p->folder_uid, folder);
    }
    json_decref(j);
    *status = same ? RC_PUB_UNCHANGED : RC_PUB_UPDATED;
    return 0;
}

static void dashboard_publish(pub *p, const char *path)
{
    rc_publish_item *it = pub_add_item(p, RC_PUB_DASHBOARD, RC_PUB_PLANNED, NULL, NULL);
    it->file = rc_xstrdup(path);
    json_t *dash = load_dashboard(p, it, path);
    if (!dash) {
        p->rep->failed++;
        return;
    }
    char *post_url = rc_xasprintf("%s/api/dashboards/db", p->grafana);
    if (p->opt.dry_run) {
        json_t *panels = json_object_get(dash, "panels");
        char *body = dashboard_payload(p, dash);
        char *get_url = rc_xasprintf("%s/api/dashboards/uid/%s", p->grafana, it->name);
        pub_add_request(p, "GET", get_url,
                        rc_xasprintf("compare with the stored dashboard \"%s\"", it->title));
        free(get_url);
        pub_add_request(p, "POST", post_url,
                        rc_xasprintf("dashboard uid=%s title=\"%s\" (%zu panels) folderUid=%s "
                                     "overwrite=true (%zu bytes; skipped when unchanged)",
                                     it->name, it->title, json_array_size(panels), p->folder_uid,
                                     strlen(body)));
        free(body);
        p->rep->planned++;
        json_decref(dash);
        free(post_url);
        return;
    }
    rc_publish_status status;
    if (dashboard_compare(p, it, dash, &status) < 0) {
        p->rep->failed++;
        goto out;
    }
    if (status == RC_PUB_UNCHANGED) {
        it->status = RC_PUB_UNCHANGED;
        p->rep->unchanged++;
        goto out;
    }
    char *body = dashboard_payload(p, dash);
    json_t *j;
    int attempts;
    long http = pub_grafana_send(p, it, "saving", "POST", post_url, body, NULL,
                                 &pub_saved_dashboard_shape, &j, &attempts);
    free(body);
    it->attempts = attempts;
    if (http < 0) {
        p->rep->failed++;
        goto out;
    }
    const char *rel = json_string_value(json_object_get(j, "url"));
    if (rel && !strncmp(rel, "http", 4))
        it->url = rc_http_redact_url(rel);
    else if (rel) /* "/d/uid/slug", or "/grafana/d/..." under a sub-path: join to the origin */
        it->url = rc_xasprintf("%.*s%s", (int)pub_url_origin_len(p->grafana_shown),
                               p->grafana_shown, rel);
    json_decref(j);
    it->status = status;
    if (status == RC_PUB_CREATED)
        p->rep->created++;
    else
        p->rep->updated++;
out:
    json_decref(dash);
    free(post_url);
}

void pub_publish_grafana(pub *p)
{
    static const char *const json_suffix[] = {".json"};
    char **files = NULL;
    size_t nfiles = 0;
    if (p->opt.dashboards_dir) {
        int rc = pub_list_files(&files, &nfiles, p->opt.dashboards_dir, json_suffix, 1);
        if (rc < 0) {
            rc_publish_item *it =
                pub_add_item(p, RC_PUB_GRAFANA, RC_PUB_FAILED, p->folder_uid, p->folder_title);
            it->message = rc_xasprintf("%s: %s", p->opt.dashboards_dir, strerror(-rc));
            return;
        }
    }
    if (!p->grafana) {
        if (nfiles) {
            rc_publish_item *it = pub_add_item(p, RC_PUB_GRAFANA, RC_PUB_SKIPPED, NULL, NULL);
            it->message = rc_xasprintf("monitoring.grafana_url is not set for cluster %s: %zu "
                                       "dashboards not published",
                                       p->opt.cluster, nfiles);
        }
        pub_free_strings(files, nfiles);
        return;
    }
    if (!nfiles) {
        rc_publish_item *it =
            pub_add_item(p, RC_PUB_GRAFANA, RC_PUB_SKIPPED, p->folder_uid, p->folder_title);
        it->message = rc_xasprintf("no rendered dashboards in %s",
                                   p->opt.dashboards_dir ? p->opt.dashboards_dir : "(none given)");
        pub_free_strings(files, nfiles);
        return;
    }
    bool have_token = p->opt.grafana_token && *p->opt.grafana_token;
    if (p->opt.dry_run) {
        rc_publish_item *it =
            pub_add_item(p, RC_PUB_GRAFANA, RC_PUB_PLANNED, p->folder_uid, p->folder_title);
        it->url = rc_xstrdup(p->grafana_shown);
        if (!have_token)
            it->message =
                rc_xasprintf("%s is not set: a real publish would fail", p->opt.token_env);
        char *url = grafana_folder_url(p, p->folder_uid);
        pub_add_request(p, "GET", url,
                        rc_xasprintf("look up folder \"%s\"; POST %s/api/folders to create it if "
                                     "missing",
                                     p->folder_title, p->grafana_shown));
        free(url);
    } else if (!have_token) {
        rc_publish_item *it =
            pub_add_item(p, RC_PUB_GRAFANA, RC_PUB_FAILED, p->folder_uid, p->folder_title);
        it->url = rc_xstrdup(p->grafana_shown);
        it->message = rc_xasprintf("no Grafana token: set %s to a service account token with "
                                   "the Editor role; %zu dashboards not published",
                                   p->opt.token_env, nfiles);
        p->rep->failed += nfiles;
        pub_free_strings(files, nfiles);
        return;
    } else if (folder_ensure(p) < 0) {
        rc_publish_item *it = &p->rep->items[p->rep->nitems - 1];
        char *m = rc_xasprintf("%s; %zu dashboards not published", it->message, nfiles);
        free(it->message);
        it->message = m;
        p->rep->failed += nfiles;
        pub_free_strings(files, nfiles);
        return;
    }
    for (size_t i = 0; i < nfiles; i++)
        dashboard_publish(p, files[i]);
    pub_free_strings(files, nfiles);
}
