/* render.h — writes the rendered monitoring files of one cluster to disk:
 *
 *   <out>/<cluster>/rules/topics.rules.yml      Prometheus rules (alerts.h)
 *   <out>/<cluster>/dashboards/<topic>.json     one Grafana dashboard per topic
 *   <out>/<cluster>/grafana-provisioning.yaml   Grafana file provider for them
 *
 * Files are written only when their bytes change (so mtimes and git diffs stay
 * quiet), through a temporary file and rename (a reader never sees half a
 * file), and dashboards of topics no longer declared are removed, so the
 * directory always mirrors the declarations. Output is deterministic.
 *
 * Nothing is written outside <out>: a symbolic link at a file render writes
 * is replaced (never followed), and one at <cluster>/, rules/ or dashboards/
 * is refused with an error. <out> itself may be reached through links. */
#ifndef RC_RENDER_H
#define RC_RENDER_H

#include "alerts.h"
#include "dashboards.h"
#include "model.h"

typedef struct rc_render_stats {
    size_t written;   /* files created or changed */
    size_t unchanged; /* files already identical */
    size_t removed;   /* stale dashboards deleted */
    size_t topics;
} rc_render_stats;

/* Returns 0, or -1 with a one-line message in errbuf (naming the file). */
int rc_render_cluster(rc_render_stats *st, const rc_repo *repo, const rc_cluster_decl *c,
                      const rc_alerts_profile *profile, const rc_dashboards *dashboards,
                      const char *out_dir, char *errbuf, size_t errlen);

#endif
