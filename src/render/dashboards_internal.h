/* dashboards_internal.h — what the files of the dashboards module share
 * (dashboards.h is the contract). dashboards.c loads and checks, and holds the
 * public entry points; dashboards_profiles.c reads dashboards/profiles/;
 * dashboards_topic.c sets one topic's variables; dashboards_reference.c is the
 * reference rendering (a whole jansson tree); dashboards_compiled.c the fast
 * path, which writes JSON with dashboards_json.c. Included only by them.
 * Functions follow error.h: 0, or RC_ERR with a message in errbuf. */
#ifndef RC_DASHBOARDS_INTERNAL_H
#define RC_DASHBOARDS_INTERNAL_H

#include "dashboards.h"
#include "tmpl.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

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

/* ---- dashboards_profiles.c ---- */

/* Read every <dir>/profiles/<name>.yaml into d->profiles (sorted) and
 * d->names; on failure d holds the profiles read so far (d->nprofiles), for
 * rc_dashboards_free. */
int dash_load_profiles(rc_dashboards *d, const char *dir, char *errbuf, size_t errlen);
/* The profile serving metric source `source`, or NULL. */
const profile *dash_find_profile(const rc_dashboards *d, const char *source);

/* ---- dashboards_topic.c ---- */

/* Whether s is one of the names the C code sets for every topic. */
bool dash_is_topic_var(const char *s);

/* Every variable of one topic: the topic's, then the profile's expanded in
 * file order. Returns 0, or -1 with a message (vars may hold a partial set
 * either way; the caller frees it). */
int dash_make_vars(rc_tmpl_vars *vars, const rc_dashboards *d, const rc_repo *repo,
                   const rc_cluster_decl *c, const rc_topic_decl *t, const rc_dashboard_lag *lag,
                   char *errbuf, size_t errlen);

/* ---- dashboards_reference.c ---- */

/* Append the reference rendering of the dashboard for vars to out (left as
 * it was on error). With tree_out set, *tree_out gets the tree (the caller's
 * reference) on success. */
int dash_render_reference(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars,
                          json_t **tree_out, char *errbuf, size_t errlen);

/* ---- dashboards_compiled.c ---- */

/* Panels are the objects of the root's `panels` array and, recursively, of
 * their own `panels` arrays (rows): they get ids. */
typedef enum role { ROLE_PLAIN, ROLE_ROOT, ROLE_PANELS, ROLE_PANEL } role;

/* *out = t compiled (r: what t is in the dashboard). The message names no
 * file; the caller adds it. */
int dash_compile(cnode **out, const json_t *t, role r, char *errbuf, size_t errlen);
void dash_cnode_free(cnode *n);
/* Append the dashboard for vars to out through d->compiled (left as it was on
 * error): the same bytes as dash_render_reference. */
int dash_render_fast(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars, char *errbuf,
                     size_t errlen);

/* ---- dashboards_json.c ---- */

/* s as a JSON string literal, escaped as jansson escapes (without
 * JSON_ENSURE_ASCII). RC_ERR (no message) when s is not valid UTF-8. */
int dash_put_json_string(rc_buf *out, const char *s);
/* A newline and depth levels of 2-space indent, as JSON_INDENT(2). */
void dash_put_indent(rc_buf *out, int depth);

#endif
