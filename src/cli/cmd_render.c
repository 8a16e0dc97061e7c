#include "cli_internal.h"

#include "alerts.h"
#include "dashboards.h"
#include "render.h"
#include "textout.h"

#include <stdlib.h>
#include <string.h>

/* ---- render and publish ---------------------------------------------------- */

/* Monitoring URLs may name environment variables (a Grafana reached through a
 * per-environment address); expand them in place before they are used. */
int expand_monitoring(rc_cluster_decl *decl)
{
    char **fields[] = {&decl->grafana_url, &decl->prometheus_url, &decl->repo_url};
    static const char *const names[] = {"monitoring.grafana_url", "monitoring.prometheus_url",
                                        "repository_url"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!*fields[i])
            continue;
        char err[512], *v = NULL;
        if (rc_env_expand(&v, *fields[i], NULL, err, sizeof(err)) != 0) {
            fprintf(stderr, "reconcile: cluster %s: monitoring in %s: %s\n", decl->name, decl->file,
                    err);
            return -1;
        }
        /* validate could only check the reference; "" still means unset */
        const char *why = *v ? rc_decl_url_problem(v, fields[i] != &decl->repo_url) : NULL;
        if (why) {
            fprintf(stderr,
                    "reconcile: cluster %s: %s in %s: once expanded, not an absolute "
                    "http:// or https:// URL: %s\n",
                    decl->name, names[i], decl->file, why);
            free(v);
            return -1;
        }
        free(*fields[i]);
        *fields[i] = v;
    }
    return 0;
}

/* Render every selected cluster to c->out_dir. Returns 0 or -1 (printed). */
int render_all(cli *c, rc_repo *repo, const char *commit)
{
    char err[512];
    char *dash_dir = data_dir(c, "dashboards");
    char *tmpl_dir = data_dir(c, "alert-templates");
    rc_dashboards *dashboards = NULL;
    int rc = 0;
    if (rc_dashboards_load(&dashboards, dash_dir, err, sizeof(err)) != 0) {
        print_masked(c, stderr, "reconcile: ", err);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < repo->nclusters; i++) {
        rc_cluster_decl *decl = &repo->clusters[i];
        if (!cluster_selected(c, decl->name))
            continue;
        if (expand_monitoring(decl) != 0) {
            rc = -1;
            break;
        }
        /* one profile per cluster: loading is cheap next to rendering */
        rc_alerts_profile *profile = NULL;
        if (rc_alerts_profile_load(&profile, tmpl_dir, decl->metric_source, err, sizeof(err)) !=
            0) {
            print_cluster_error(c, decl->name, err);
            rc = -1;
            break;
        }
        rc_render_stats st = {0};
        if (rc_render_cluster(&st, repo, decl, profile, dashboards, c->out_dir, err, sizeof(err)) !=
            0) {
            print_cluster_error(c, decl->name, err);
            rc = -1;
        } else if (!c->quiet) {
            printf("rendered cluster %s: %zu topics (%s) -> %s/%s: %zu files written, %zu "
                   "unchanged, %zu removed\n",
                   decl->name, st.topics, rc_alerts_profile_name(profile), c->out_dir, decl->name,
                   st.written, st.unchanged, st.removed);
        }
        rc_alerts_profile_free(profile);
    }
    if (rc == 0 && c->verbose)
        fprintf(stderr, "reconcile: rendered from %s\n", commit ? commit : "the working tree");
    rc_dashboards_free(dashboards);
    free(dash_dir);
    free(tmpl_dir);
    return rc;
}

int cmd_render(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc == 0)
        rc = render_all(c, &repo, src.commit) == 0 ? RC_EXIT_OK : RC_EXIT_FAILURE;
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}
