#include "cli_internal.h"

#include "changeset.h"
#include "decl.h"
#include "kinds.h"
#include "pr_report.h"
#include "profiles.h"

#include <stdlib.h>
#include <string.h>

static bool changeset_kinds_change(const rc_changeset *cs)
{
    for (size_t i = 0; i < cs->nclusters; i++)
        for (size_t k = 0; k < cs->clusters[i].nkinds; k++)
            if (cs->clusters[i].kinds[k].kind->pending(cs->clusters[i].kinds[k].plan) > 0)
                return true;
    return false;
}

/* plan --base REV and diff --base REV: what the change (base -> head) does to
 * the declarations, and (plan only) to the clusters. The base's own problems
 * are never printed: each problem is reported once, on the side under review. */
int cmd_base(cli *c, bool is_diff)
{
    char err[512];
    rc_source base_src = {0}, head_src = {0};
    if (rc_source_load(&base_src, c->repo_dir, c->base, err, sizeof(err)) != 0) {
        /* the first pull request of a new repository has no topics/ at base */
        if (!strstr(err, "no topics/ directory")) {
            print_masked(c, stderr, "reconcile: base: ", err);
            return RC_EXIT_FAILURE;
        }
    }
    if (rc_source_load(&head_src, c->repo_dir, c->ref, err, sizeof(err)) != 0) {
        print_masked(c, stderr, "reconcile: ", err);
        rc_source_free(&base_src);
        return RC_EXIT_FAILURE;
    }
    rc_repo base = {0}, head = {0};
    rc_diags base_diags = {0}, head_diags = {0};
    profile_list profiles;
    rc_decl_options opt;
    list_profiles(c, &profiles, &opt);
    rc_decl_load_opts(&base, &base_src, &base_diags, &opt);
    rc_decl_load_opts(&head, &head_src, &head_diags, &opt);
    rc_profiles_free(profiles.names, profiles.n);
    rc_changeset cs;
    rc_changeset_compute(&cs, &base_src, &base, &head_src, &head);
    rc_changeset_use_diags(&cs, &base_diags, &head_diags);
    rc_kinds_changeset(&cs, &base, &head);
    size_t nerr = rc_diags_errors(&head_diags);

    bool skipped = is_diff || nerr > 0;
    bool failure = nerr > 0, changes = false;
    size_t nplans = 0;
    rc_cluster_plan *plans = NULL;
    if (!skipped)
        plans = run_clusters(c, &head, head_src.commit, false, &nplans, &failure, &changes);

    rc_diags_sort(&head_diags);
    switch (c->format) {
    case FMT_MARKDOWN:
        rc_pr_print_markdown(stdout, &cs, plans, nplans, skipped, &head_diags, 0, NULL);
        break;
    case FMT_GITHUB:
        rc_pr_print_github(stdout, &head_diags, &cs);
        break;
    default:
        if (head_diags.len > 0) {
            print_diags(c, &head_diags);
            if (nerr > 0)
                fprintf(stderr,
                        "reconcile: %zu problem%s in the declarations; no cluster was contacted\n",
                        nerr, nerr == 1 ? "" : "s");
        }
        rc_pr_print_text(stdout, &cs);
        rc_pr_print_text_plans(stdout, plans, nplans, skipped, &head_diags, c->color);
        break;
    }
    if (is_diff)
        changes = cs.ntopics > 0 || changeset_kinds_change(&cs);

    free_plans(plans, nplans);
    rc_changeset_free(&cs);
    rc_repo_free(&base);
    rc_repo_free(&head);
    rc_diags_free(&base_diags);
    rc_diags_free(&head_diags);
    rc_source_free(&base_src);
    rc_source_free(&head_src);
    if (failure)
        return RC_EXIT_FAILURE;
    if (c->detailed_exitcode && changes)
        return RC_EXIT_CHANGES;
    return RC_EXIT_OK;
}

int cmd_diff(cli *c)
{
    return cmd_base(c, true);
}
