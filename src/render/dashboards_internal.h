/* dashboards_internal.h — what the files of the dashboard renderer share:
 * loading, checks and the public entry points (dashboards.c), one topic's
 * variables (dashboard_vars.c), and the compiled template with its JSON
 * writer (dashboard_compile.c). Private to src/render; the contract is
 * dashboards.h. */
#ifndef RC_DASHBOARDS_INTERNAL_H
#define RC_DASHBOARDS_INTERNAL_H

#include "dashboards.h"
#include "tmpl.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>

#define GRID_COLUMNS 24
#define DEFAULT_SOURCE "kafka_exporter"

typedef struct profile {
    char *name;     /* file name without .yaml: the metric_source it serves */
    char *file;     /* path, for messages */
    rc_kvlist vars; /* var name -> unexpanded value, in file order */
} profile;

typedef struct cnode cnode;

struct rc_dashboards {
    char *tmpl_file;
    json_t *tmpl;       /* parsed topic.json, never modified after load */
    cnode *compiled;    /* the same, compiled for rendering (see "fast path") */
    profile *profiles;  /* sorted by name */
    const char **names; /* profiles[i].name, for rc_dashboards_profiles */
    size_t nprofiles;
};

typedef enum role { ROLE_PLAIN, ROLE_ROOT, ROLE_PANELS, ROLE_PANEL } role;

int dash_make_vars(rc_tmpl_vars *vars, const rc_dashboards *d, const rc_repo *repo,
                   const rc_cluster_decl *c, const rc_topic_decl *t, const rc_dashboard_lag *lag,
                   char *errbuf, size_t errlen);
json_t *dash_build_tree(const rc_dashboards *d, const rc_tmpl_vars *vars, char *errbuf,
                        size_t errlen);
void dash_cnode_free(cnode *n);
cnode *dash_compile(const json_t *t, role r, char *errbuf, size_t errlen);
int dash_render_fast(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars, char *errbuf,
                     size_t errlen);

#endif
