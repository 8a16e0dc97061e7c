/* dashboards.c — Grafana dashboards from dashboards/topic.json and the
 * metric-source profiles; see dashboards.h for the template contract. Here:
 * loading and the load-time checks (grid, and a probe topic rendered both
 * ways), the public render entry points and the provisioning file. */
#include "dashboards_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_COLUMNS 24

/* ---- load-time checks of the template ------------------------------------------- */

static int check_panels(const json_t *panels, const char *file, char *errbuf, size_t errlen)
{
    size_t i;
    json_t *p;
    json_array_foreach(panels, i, p)
    {
        const char *title = json_string_value(json_object_get(p, "title"));
        if (!title)
            title = "(untitled)";
        json_t *g = json_object_get(p, "gridPos");
        long long x = json_integer_value(json_object_get(g, "x"));
        long long y = json_integer_value(json_object_get(g, "y"));
        long long w = json_integer_value(json_object_get(g, "w"));
        long long h = json_integer_value(json_object_get(g, "h"));
        if (!json_is_object(p) || !json_is_integer(json_object_get(g, "x")) ||
            !json_is_integer(json_object_get(g, "y")) ||
            !json_is_integer(json_object_get(g, "w")) || !json_is_integer(json_object_get(g, "h")))
            return rc_errorf(-1, errbuf, errlen,
                             "%s: panel \"%s\": needs gridPos {x, y, w, h} integers", file, title);
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRID_COLUMNS)
            return rc_errorf(-1, errbuf, errlen,
                             "%s: panel \"%s\": gridPos x=%lld w=%lld is outside the %d columns",
                             file, title, x, w, GRID_COLUMNS);
        json_t *nested = json_object_get(p, "panels");
        if (json_is_array(nested) && check_panels(nested, file, errbuf, errlen) < 0)
            return -1;
    }
    return 0;
}

/* The made-up topic and cluster of a probe: full sets every optional field
 * (hostile text included), clients declares client metrics (all of them
 * when full, one without a partition label otherwise, so both sides of
 * every "$when" of the row are rendered). */
typedef struct probe_decl {
    char *consumers[1];
    rc_topic_decl t;
    rc_cluster_decl c;
} probe_decl;

static void probe_make(probe_decl *pd, const profile *p, bool full, bool clients)
{
    memset(pd, 0, sizeof(*pd));
    pd->consumers[0] = "probe-consumer";
    rc_topic_decl *t = &pd->t;
    t->name = "probe.topic.v1";
    t->file = "topics/probe/probe.yaml";
    t->line = 1;
    t->partitions = 3;
    t->owner = "probe-team";
    t->message = full ? "probe.v1.Probe" : NULL;
    t->description = full ? "probe \"quoted\" \\ \x01\n\t caf\xc3\xa9 \xe2\x80\xa8" : NULL;
    t->lag_max_offsets = full ? 0 : 1000;
    t->consumers = full ? pd->consumers : NULL;
    t->nconsumers = full ? 1 : 0;
    rc_cluster_decl *c = &pd->c;
    c->name = "probe";
    c->metric_source = p->name;
    c->repo_url = full ? "https://git.example.com/probe" : NULL;
    c->prometheus_datasource = full ? "prometheus" : NULL;
    c->default_lag_max_seconds = 300;
    rc_client_metrics *m = &c->client_metrics;
    m->declared = clients;
    for (size_t i = 0; clients && i < RC_CLIENT_NMETRICS; i++)
        m->metric[i] = full || i == RC_CLIENT_CONSUMED ? "probe_total" : NULL;
    m->topic_label = clients ? "topic" : NULL;
    m->service_label = clients ? "job" : NULL;
    m->partition_label = clients && full ? "partition" : NULL;
}

/* Render a made-up topic with profile p both ways: the tree must be a valid
 * grid and the fast path must write exactly what the reference writes. */
static int probe(const rc_dashboards *d, const profile *p, bool full, bool clients, char *errbuf,
                 size_t errlen)
{
    probe_decl pd;
    probe_make(&pd, p, full, clients);
    const char *file = clients ? d->clients_file : d->tmpl_file;
    rc_tmpl_vars vars = {0};
    rc_buf ref = {0}, fast = {0};
    json_t *tree = NULL;
    int rc = dash_make_vars(&vars, d, NULL, &pd.c, &pd.t, NULL, errbuf, errlen);
    if (rc == 0 && dash_render_reference(&ref, d, &vars, clients, &tree, errbuf, errlen) < 0) {
        /* name the profile: a var the template uses may be missing from it */
        char *msg = rc_xstrdup(errlen ? errbuf : "");
        rc = rc_errorf(-1, errbuf, errlen, "%s (with profile %s)", msg, p->file);
        free(msg);
    }
    if (rc == 0) {
        json_t *panels = json_object_get(tree, "panels");
        if (!json_is_object(tree) || !json_is_array(panels))
            rc =
                rc_errorf(-1, errbuf, errlen, "%s: expected an object with a `panels` array", file);
        else
            rc = check_panels(panels, file, errbuf, errlen);
    }
    if (rc == 0)
        rc = dash_render_fast(&fast, d, &vars, clients, errbuf, errlen);
    if (rc == 0 && (fast.len != ref.len || memcmp(fast.data, ref.data, ref.len) != 0))
        rc = rc_errorf(-1, errbuf, errlen,
                       "%s (profile %s): internal error: the compiled template renders differently "
                       "from the reference",
                       file, p->name);
    json_decref(tree);
    rc_buf_free(&ref);
    rc_buf_free(&fast);
    rc_tmpl_vars_free(&vars);
    return rc;
}

/* Every profile, full and bare, without and (when there is a clients.yaml)
 * with client metrics. */
static int probe_all(const rc_dashboards *d, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < d->nprofiles; i++)
        for (int clients = 0; clients <= (d->clients_tmpl != NULL); clients++)
            for (int full = 0; full < 2; full++)
                if (probe(d, &d->profiles[i], full, clients, errbuf, errlen) < 0)
                    return -1;
    return 0;
}

int rc_dashboards_load(rc_dashboards **out, const char *dashboards_dir, char *errbuf, size_t errlen)
{
    *out = NULL;
    rc_dashboards *d = rc_xcalloc(1, sizeof(*d));
    d->tmpl_file = rc_xasprintf("%s/topic.json", dashboards_dir);
    char *text = NULL;
    size_t len = 0;
    char err[512];
    int rc = rc_read_file(&text, &len, d->tmpl_file, errbuf, errlen);
    if (rc < 0)
        goto err;
    rc = rc_tmpl_parse_json(&d->tmpl, text, len, d->tmpl_file, errbuf, errlen);
    free(text);
    if (rc < 0)
        goto err;
    if (!json_is_object(d->tmpl) || !json_is_array(json_object_get(d->tmpl, "panels"))) {
        rc_errorf(-1, errbuf, errlen, "%s: expected a dashboard object with a `panels` array",
                  d->tmpl_file);
        goto err;
    }
    if (json_object_get(d->tmpl, "$when")) {
        rc_errorf(-1, errbuf, errlen,
                  "%s: \"$when\" is for array elements and member objects, not the "
                  "dashboard itself",
                  d->tmpl_file);
        goto err;
    }
    if (dash_compile(&d->compiled, d->tmpl, ROLE_ROOT, err, sizeof(err)) < 0) {
        rc_errorf(-1, errbuf, errlen, "%s: %s", d->tmpl_file, err);
        goto err;
    }
    if (dash_load_profiles(d, dashboards_dir, errbuf, errlen) < 0 ||
        dash_load_clients(d, dashboards_dir, errbuf, errlen) < 0 ||
        probe_all(d, errbuf, errlen) < 0)
        goto err;
    *out = d;
    return 0;
err:
    rc_dashboards_free(d);
    return -1;
}

int rc_dashboard_render_lag(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                            const rc_cluster_decl *c, const rc_topic_decl *t,
                            const rc_dashboard_lag *lag, char *errbuf, size_t errlen)
{
    rc_tmpl_vars vars = {0};
    int rc = dash_make_vars(&vars, d, repo, c, t, lag, errbuf, errlen);
    if (rc == 0)
        rc = dash_render_fast(out, d, &vars, c->client_metrics.declared, errbuf, errlen);
    rc_tmpl_vars_free(&vars);
    return rc;
}

int rc_dashboard_render(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                        const rc_cluster_decl *c, const rc_topic_decl *t, char *errbuf,
                        size_t errlen)
{
    return rc_dashboard_render_lag(out, d, repo, c, t, NULL, errbuf, errlen);
}

int rc_dashboard_render_reference(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                                  const rc_cluster_decl *c, const rc_topic_decl *t,
                                  const rc_dashboard_lag *lag, char *errbuf, size_t errlen)
{
    rc_tmpl_vars vars = {0};
    int rc = dash_make_vars(&vars, d, repo, c, t, lag, errbuf, errlen);
    if (rc == 0)
        rc = dash_render_reference(out, d, &vars, c->client_metrics.declared, NULL, errbuf, errlen);
    rc_tmpl_vars_free(&vars);
    return rc;
}

/* ---- provisioning --------------------------------------------------------------- */

int rc_dashboards_provisioning(rc_buf *out, const rc_cluster_decl *c, const char *dashboards_path,
                               char *errbuf, size_t errlen)
{
    char *name = rc_xasprintf("reconcile-%s", c->name);
    char *folder = c->grafana_folder && *c->grafana_folder
                       ? rc_xstrdup(c->grafana_folder)
                       : rc_xasprintf("Kafka topics / %s", c->name);
    json_t *options = json_object();
    json_object_set_new(options, "path", json_string(dashboards_path));
    json_object_set_new(options, "foldersFromFilesStructure", json_false());
    json_t *provider = json_object();
    json_object_set_new(provider, "name", json_string(name));
    json_object_set_new(provider, "orgId", json_integer(1));
    json_object_set_new(provider, "folder", json_string(folder));
    json_object_set_new(provider, "type", json_string("file"));
    json_object_set_new(provider, "disableDeletion", json_false());
    json_object_set_new(provider, "allowUiUpdates", json_false());
    json_object_set_new(provider, "options", options);
    json_t *providers = json_array();
    json_array_append_new(providers, provider);
    json_t *root = json_object();
    json_object_set_new(root, "apiVersion", json_integer(1));
    json_object_set_new(root, "providers", providers);
    free(name);
    free(folder);

    int rc = 0;
    /* json_string refuses invalid UTF-8 (returns NULL, which set_new ignores) */
    if (!json_object_get(options, "path") || !json_object_get(provider, "name") ||
        !json_object_get(provider, "folder")) {
        rc = rc_errorf(-1, errbuf, errlen, "cluster %s: provisioning values must be valid UTF-8",
                       c->name);
    } else {
        size_t mark = out->len;
        if (rc_tmpl_emit_yaml(out, root) < 0) {
            out->len = mark;
            if (out->data)
                out->data[mark] = '\0';
            rc = rc_errorf(-1, errbuf, errlen, "cluster %s: cannot emit the provisioning YAML",
                           c->name);
        }
    }
    json_decref(root);
    return rc;
}

const char *const *rc_dashboards_profiles(const rc_dashboards *d, size_t *n)
{
    *n = d->nprofiles;
    return d->names;
}

void rc_dashboards_free(rc_dashboards *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nprofiles; i++) {
        free(d->profiles[i].name);
        free(d->profiles[i].file);
        rc_kvlist_free(&d->profiles[i].vars);
    }
    free(d->profiles);
    free(d->names);
    dash_cnode_free(d->compiled);
    json_decref(d->tmpl);
    dash_cnode_free(d->clients_compiled);
    json_decref(d->clients_tmpl);
    free(d->clients_file);
    free(d->tmpl_file);
    free(d);
}
