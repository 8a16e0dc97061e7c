#include "cli_internal.h"

#include "decl.h"
#include "profiles.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- loading declarations ------------------------------------------------- */

bool cluster_selected(const cli *c, const char *name)
{
    if (c->nclusters == 0)
        return true;
    for (size_t i = 0; i < c->nclusters; i++)
        if (strcmp(c->clusters[i], name) == 0)
            return true;
    return false;
}

/* Load and validate. Returns 0, or an exit code after printing why. */
/* Where templates come from: the managed repository's own alert-templates/
 * and dashboards/ when it has them (a platform team's customised shapes),
 * else $RECONCILE_DATA_DIR, else the copies installed with the binary, else
 * (a build tree) the source tree's. Heap string. */
char *data_dir(const cli *c, const char *name)
{
    const char *candidates[] = {c->repo_dir, getenv("RECONCILE_DATA_DIR"),
                                RECONCILE_INSTALL_DATA_DIR, RECONCILE_SOURCE_DIR};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        if (!candidates[i] || !*candidates[i])
            continue;
        char *path = rc_xasprintf("%s/%s", candidates[i], name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return path;
        free(path);
    }
    return rc_xasprintf("%s/%s", c->repo_dir, name); /* the error names the expected place */
}

/* The metric-source profiles the templates provide: what metric_source is
 * checked against. Heap list (rc_profiles_free); NULL when the templates
 * cannot be listed, with a warning (then only the form of a name is checked). */

void list_profiles(cli *c, profile_list *pl, rc_decl_options *opt)
{
    char err[512];
    char *tmpl = data_dir(c, "alert-templates"), *dash = data_dir(c, "dashboards");
    memset(pl, 0, sizeof(*pl));
    memset(opt, 0, sizeof(*opt));
    if (rc_profiles_list(&pl->names, &pl->n, tmpl, dash, err, sizeof(err)) == 0) {
        pl->listed = true;
        opt->metric_sources = (const char *const *)pl->names;
        opt->nmetric_sources = pl->n;
    } else if (!c->quiet) {
        print_masked(c, stderr, "reconcile: warning: ", err);
    }
    free(tmpl);
    free(dash);
}

size_t count_rule(const rc_diags *d, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++)
        n += !strcmp(d->items[i].rule, rule);
    return n;
}

int load_repo(cli *c, rc_repo *repo, rc_source *src)
{
    return load_repo_tolerating(c, repo, src, NULL);
}

int load_repo_tolerating(cli *c, rc_repo *repo, rc_source *src, const char *tolerated)
{
    char err[512];
    if (rc_source_load(src, c->repo_dir, c->ref, err, sizeof(err)) != 0) {
        print_masked(c, stderr, "reconcile: ", err);
        return RC_EXIT_FAILURE;
    }
    rc_diags diags = {0};
    profile_list profiles;
    rc_decl_options opt;
    list_profiles(c, &profiles, &opt);
    int rc = rc_decl_load_opts(repo, src, &diags, &opt);
    rc_profiles_free(profiles.names, profiles.n);
    size_t nowner = count_rule(&diags, "owner-unset");
    size_t ntolerated = tolerated ? count_rule(&diags, tolerated) : 0;
    if (ntolerated > 0) {
        rc_diags kept = {0};
        for (size_t i = 0; i < diags.len; i++)
            if (strcmp(diags.items[i].rule, tolerated) != 0)
                rc_diags_add(&kept, diags.items[i].severity, diags.items[i].file,
                             diags.items[i].line, diags.items[i].col, diags.items[i].rule, "%s",
                             diags.items[i].message);
        rc_diags_free(&diags);
        diags = kept;
        nowner = 0;
    }
    if (diags.len > 0)
        print_diags(c, &diags);
    size_t nerr = rc_diags_errors(&diags);
    rc_diags_free(&diags);
    if (nowner > 0)
        fprintf(stderr,
                "reconcile: %zu topic%s still need%s an owner (owner-unset above): set each "
                "owner to a team of topics/_teams.yaml\n",
                nowner, nowner == 1 ? "" : "s", nowner == 1 ? "s" : "");
    if (rc != 0 || nerr > 0) {
        fprintf(stderr, "reconcile: %zu problem%s in the declarations%s; nothing was touched\n",
                nerr, nerr == 1 ? "" : "s", c->ref ? " at that revision" : "");
        return RC_EXIT_FAILURE;
    }
    for (size_t i = 0; i < c->nclusters; i++) {
        bool found = false;
        for (size_t k = 0; k < repo->nclusters; k++)
            found |= strcmp(repo->clusters[k].name, c->clusters[i]) == 0;
        if (!found) {
            rc_buf known = {0};
            for (size_t k = 0; k < repo->nclusters; k++)
                rc_buf_printf(&known, "%s%s", k ? ", " : "", repo->clusters[k].name);
            fprintf(stderr, "reconcile: no cluster named '%s' under topics/ (known: %s)\n",
                    c->clusters[i], known.data ? known.data : "none");
            rc_buf_free(&known);
            return RC_EXIT_FAILURE;
        }
    }
    return 0;
}
