/* cli_internal.h — what the files of the command layer share.
 *
 * cli.c parses the command line against the option and command tables
 * (options.h) and calls one command's function; cmd_<name>.c is one command;
 * cli_repo.c loads declarations, cli_clusters.c plans and applies clusters,
 * cli_print.c prints. Only this layer prints: every message that may echo a
 * library or broker text goes through print_masked, so a secret substituted
 * from the environment never reaches the terminal. Functions returning int
 * return a process exit code (cli.h) unless they say otherwise. */
#ifndef RC_CLI_INTERNAL_H
#define RC_CLI_INTERNAL_H

#include "cli.h"
#include "decl.h"
#include "diag.h"
#include "model.h"
#include "secrets.h"
#include "source.h"
#include "tape.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A new output format is a value here, its name in rc_format_names
 * (options.c), its bit in the entries of the commands that print it
 * (commands.h) and its printer (src/report). */
typedef enum out_format {
    FMT_TEXT,
    FMT_JSON,
    FMT_MARKDOWN,
    FMT_GITHUB,
    FMT_OPENMETRICS,
    N_FORMATS
} out_format;
extern const char *const rc_format_names[N_FORMATS];

typedef struct cli {
    const char *command;
    const char *repo_dir;
    const char *ref;
    const char **clusters;
    size_t nclusters;
    rc_kvlist xprops;
    out_format format;
    bool color;
    bool no_color;
    bool verbose;
    bool quiet;
    bool detailed_exitcode;
    bool prune;
    bool dry_run;
    const char *base;
    const char *out_dir;
    int retry_delay_ms;
    int timeout_ms;
    int deadline_ms;
    const char *deadline_arg; /* as given, for the message */
    /* import */
    const char **owner_maps; /* GLOB=TEAM, in order */
    size_t nowner_maps;
    const char *owner_map_file;
    int layout; /* rc_import_layout */
    /* lag */
    const char **lag_topics;
    size_t nlag_topics;
    const char **lag_groups;
    size_t nlag_groups;
    bool all_groups;
    const char *serve; /* lag --serve ADDR */
    int min_interval_ms;
    int parallel; /* --parallel: clusters at once; 0: the default */
    bool help;
    bool version;
    rc_secrets secrets;
    const rc_cli_adapters *adapters;
} cli;

/* ---- printing (cli_print.c) ---- */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_masked(cli *c, FILE *out, const char *prefix, const char *msg);
void print_cluster_error(cli *c, const char *cluster, const char *msg);
void print_diags(cli *c, rc_diags *d);
/* The same onto out (a cluster's stream). */
void print_diags_to(cli *c, FILE *out, rc_diags *d);
/* apply's progress callback (rc_apply_options); ud is the fleet_item */
void progress_cb(void *ud, const char *stage, size_t count);

/* ---- declarations (cli_repo.c) ---- */
bool cluster_selected(const cli *c, const char *name);
/* Where templates come from (heap string); see cli_repo.c. */
char *data_dir(const cli *c, const char *name);
typedef struct profile_list {
    char **names;
    size_t n;
    bool listed;
} profile_list;
void list_profiles(cli *c, profile_list *pl, rc_decl_options *opt);
int load_repo(cli *c, rc_repo *repo, rc_source *src);
/* load_repo where the diagnostics of one rule neither print nor fail (import
 * runs while earlier imports' owners are still unset). */
int load_repo_tolerating(cli *c, rc_repo *repo, rc_source *src, const char *tolerated);
/* How many diagnostics have this rule id. */
size_t count_rule(const rc_diags *d, const char *rule);

/* ---- clusters (cli_clusters.c) ---- */
/* Expanded connection settings of one cluster; they may hold secrets. */
typedef struct cluster_conn {
    char *bootstrap;
    rc_kvlist props;
} cluster_conn;
void cluster_conn_free(cluster_conn *cc);
/* Expand the cluster's connection settings, registering every substituted
 * value as a secret: NULL, or the cluster-level error (heap, "cluster NAME:
 * ..."). conn takes what was expanded whatever happens. Not thread-safe (it
 * adds to c->secrets): fleet_items calls it before any cluster's work. */
char *expand_conn(cli *c, const rc_cluster_decl *decl, cluster_conn *conn);

/* ---- clusters in parallel (cli_fleet.c) ---- */
/* plan, apply, lag and import work on the selected clusters side by side,
 * each cluster's output kept on its own tape and replayed in cluster order,
 * so stdout and stderr carry the bytes a run of one cluster after another
 * writes. A cluster's work runs on a worker thread: it writes only to its
 * item's out and err, reads c (never changes it: the secrets are all
 * registered before the first cluster starts) and its own item. */
#define FLEET_DEFAULT_WORKERS 4
#define FLEET_MAX_WORKERS 64
typedef struct fleet_item {
    cli *c;
    const rc_cluster_decl *decl;
    cluster_conn conn; /* expanded before any cluster's work */
    char *conn_error;  /* NULL, or the expansion's failure; connect_cluster takes it */
    FILE *out, *err;   /* where this cluster's work writes (its tape's streams) */
    rc_tape tape;
} fleet_item;
/* The selected clusters of repo, in its order, each connection expanded. */
fleet_item *fleet_items(cli *c, const rc_repo *repo, size_t *n);
void fleet_items_free(fleet_item *items, size_t n);
typedef void (*fleet_fn)(fleet_item *it, void *ctx, size_t i);
/* fn(items[i], ctx, i) for every item, at most fleet_workers(c->parallel, n)
 * at once; returns when all have returned, every item's output printed in
 * item order (each as soon as it and those before it are done). One worker:
 * the items write straight to stdout and stderr, one after another, as
 * before. On a terminal (stderr) a progress line is shown meanwhile unless
 * -q or -v. uses_git: fn may use libgit2 (threads only when it is thread-safe). */
void fleet_run(cli *c, fleet_item *items, size_t n, bool uses_git, fleet_fn fn, void *ctx);
/* The number of workers: requested (0: FLEET_DEFAULT_WORKERS), at most n,
 * at least 1. */
size_t fleet_workers(int requested, size_t n);
/* The progress line, at most width - 1 bytes (the cursor must not wrap):
 * "plan: 2/4 clusters done (prod-eu, prod-us running)", names elided as
 * "and N more" where they do not fit. Heap. */
char *fleet_progress_line(const char *command, size_t done, size_t total,
                          const char *const *running, size_t nrunning, size_t width);

struct rc_kadmin;
/* Make the cluster's admin client from its expanded settings (the
 * expansion's own failure, if any, comes first): NULL, or the cluster-level
 * error (heap, "cluster NAME: ..."). Verbose lines go to it->err. */
char *connect_cluster(fleet_item *it, struct rc_kadmin **ka_out);
/* "cluster NAME: what: msg" from a failed admin call's message. Heap. */
char *kadmin_error(const char *cluster, const char *what, const char *msg);
/* The cluster id pin of the cluster file against what the broker says:
 * NULL, or the refusal (heap). */
char *cluster_id_problem(const rc_cluster_decl *decl, const rc_cluster_obs *obs);
bool plan_has_failures(const rc_cluster_plan *p);
void mask_plan(cli *c, rc_cluster_plan *p);
void print_plans(cli *c, const rc_cluster_plan *plans, size_t n);
/* Plan (and with apply, execute) every selected cluster. Returns the plans
 * (caller frees them with free_plans); *failure and *changes summarise. */
rc_cluster_plan *run_clusters(cli *c, const rc_repo *repo, const char *commit, bool apply,
                              size_t *nplans_out, bool *failure, bool *changes);
void free_plans(rc_cluster_plan *plans, size_t n);

/* ---- rendering (cmd_render.c) ---- */
int expand_monitoring(rc_cluster_decl *decl);
/* Render every selected cluster to c->out_dir. Returns 0 or -1 (printed). */
int render_all(cli *c, rc_repo *repo, const char *commit);

/* ---- the commands (one file each) ---- */
int cmd_validate(cli *c);
int cmd_plan(cli *c);
int cmd_apply(cli *c);
int cmd_diff(cli *c);
int cmd_render(cli *c);
int cmd_publish(cli *c);
int cmd_import(cli *c);
int cmd_lag(cli *c);
/* plan --base and diff (cmd_diff.c) */
int cmd_base(cli *c, bool is_diff);

#endif
