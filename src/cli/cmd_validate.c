#include "cli_internal.h"

#include "decl.h"

#include <stdlib.h>

/* ---- commands ------------------------------------------------------------------ */

int cmd_validate(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc == 0 && !c->quiet) {
        size_t ntopics = 0, nclusters = 0;
        for (size_t i = 0; i < repo.nclusters; i++) {
            if (!cluster_selected(c, repo.clusters[i].name))
                continue;
            nclusters++;
            ntopics += repo.clusters[i].ntopics;
        }
        fprintf(stdout, "ok: %zu topic%s in %zu cluster%s, %zu file%s checked\n", ntopics,
                ntopics == 1 ? "" : "s", nclusters, nclusters == 1 ? "" : "s", src.nfiles,
                src.nfiles == 1 ? "" : "s");
    }
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}
