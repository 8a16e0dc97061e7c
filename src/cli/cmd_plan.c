/* cmd_plan.c — plan and apply: the same run over every selected cluster;
 * plan only asks the broker to validate, apply executes and reports. With
 * --base, plan is the pull-request view (cmd_diff.c). */
#include "cli_internal.h"

#include <stdlib.h>

static int plan_or_apply(cli *c, bool apply)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc != 0) {
        rc_repo_free(&repo);
        rc_source_free(&src);
        return rc;
    }
    if (c->verbose && src.commit)
        fprintf(stderr, "reconcile: declarations from commit %s\n", src.commit);

    bool failure = false, changes = false;
    size_t nplans = 0;
    rc_cluster_plan *plans = run_clusters(c, &repo, src.commit, apply, &nplans, &failure, &changes);
    if (!apply || c->format != FMT_TEXT)
        print_plans(c, plans, nplans);
    if (apply && c->out_dir && !failure)
        failure |= render_all(c, &repo, src.commit) != 0;

    free_plans(plans, nplans);
    rc_repo_free(&repo);
    rc_source_free(&src);
    if (failure)
        return RC_EXIT_FAILURE;
    if (!apply && c->detailed_exitcode && changes)
        return RC_EXIT_CHANGES;
    return RC_EXIT_OK;
}

int cmd_plan(cli *c)
{
    return c->base ? cmd_base(c, false) : plan_or_apply(c, false);
}

int cmd_apply(cli *c)
{
    return plan_or_apply(c, true);
}
