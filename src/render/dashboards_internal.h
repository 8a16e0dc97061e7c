/* dashboards_internal.h — what the files of the dashboards module share
 * (dashboards.h is the contract). dashboards.c loads and checks, and holds the
 * public entry points; dashboards_profiles.c reads dashboards/profiles/;
 * dashboards_topic.c sets one topic's variables; dashboards_clients.c the
 * client-metrics row (dashboards/clients.yaml) and its variables;
 * dashboards_reference.c is the reference rendering (a whole jansson tree);
 * dashboards_compiled.c the fast path, which writes JSON with
 * dashboards_json.c. Included only by them.
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
    json_t *tmpl;    /* parsed topic.json, never modified after load */
    cnode *compiled; /* the same, compiled for rendering (see "fast path") */
    /* topic.json with clients.yaml's panels below its own, for clusters that
     * declare client_metrics; all three NULL when there is no clients.yaml */
    char *clients_file;
    json_t *clients_tmpl;
    cnode *clients_compiled;
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

/* ---- dashboards_clients.c ---- */

/* Whether s is reserved for the client-metrics variables (client_*,
 * has_client_*), which a profile var may not shadow. */
bool dash_is_client_var(const char *s);
/* Set them for cluster c (empty strings and false when it has no block). */
void dash_set_client_vars(rc_tmpl_vars *v, const rc_cluster_decl *c);
/* Read <dir>/clients.yaml, when it exists, into d->clients_*. */
int dash_load_clients(rc_dashboards *d, const char *dir, char *errbuf, size_t errlen);
/* RC_ERR with a message when c declares client_metrics and there is no
 * clients.yaml to draw them with. */
int dash_check_clients(const rc_dashboards *d, const rc_cluster_decl *c, char *errbuf,
                       size_t errlen);

/* ---- dashboards_reference.c ---- */

/* Append the reference rendering of the dashboard for vars to out (left as
 * it was on error), from topic.json, or with clients from d->clients_tmpl
 * (which must exist). With tree_out set, *tree_out gets the tree (the
 * caller's reference) on success. */
int dash_render_reference(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars,
                          bool clients, json_t **tree_out, char *errbuf, size_t errlen);

/* ---- dashboards_compiled.c ---- */

/* Panels are the objects of the root's `panels` array and, recursively, of
 * their own `panels` arrays (rows): they get ids. */
typedef enum role { ROLE_PLAIN, ROLE_ROOT, ROLE_PANELS, ROLE_PANEL } role;

/* *out = t compiled (r: what t is in the dashboard). The message names no
 * file; the caller adds it. */
int dash_compile(cnode **out, const json_t *t, role r, char *errbuf, size_t errlen);
void dash_cnode_free(cnode *n);
/* Append the dashboard for vars to out through d->compiled, or with clients
 * d->clients_compiled (left as it was on error): the same bytes as
 * dash_render_reference. */
int dash_render_fast(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars, bool clients,
                     char *errbuf, size_t errlen);

/* ---- dashboards_json.c ---- */

/* s as a JSON string literal, escaped as jansson escapes (without
 * JSON_ENSURE_ASCII). RC_ERR (no message) when s is not valid UTF-8. */
int dash_put_json_string(rc_buf *out, const char *s);
/* A newline and depth levels of 2-space indent, as JSON_INDENT(2). */
void dash_put_indent(rc_buf *out, int depth);

#endif
