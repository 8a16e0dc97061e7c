/* decl_parse.h — what the files of the declaration parser share (decl.c:
 * teams, the repository walk, the plan-time checks; decl_values.c: typed
 * access to YAML nodes and the checks on values; decl_cluster.c: the cluster
 * file; decl_client_metrics.c: its monitoring.client_metrics; decl_topic.c:
 * topic documents and each cluster's finish). Internal to those files: the
 * public contract is decl.h. Every diagnostic goes through diag()/diag_pos()
 * with the file, line and column of the offending node. */
#ifndef RC_DECL_PARSE_H
#define RC_DECL_PARSE_H

#include "decl.h"
#include "yamldoc.h"

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct ctx {
    rc_diags *diags;
    const char *file;           /* file being read, for every diagnostic */
    const rc_decl_options *opt; /* may be NULL */
} ctx;

#define E RC_SEV_ERROR
#define W RC_SEV_WARNING

/* Per-cluster state that validation needs beyond rc_cluster_decl. */
typedef struct cluster_ctx {
    rc_cluster_decl *c;
    bool usable; /* _cluster.yaml exists and parsed: its defaults/policy are real */
    regex_t re;  /* policy.name_pattern anchored as ^(...)$ */
    bool has_re;
    char **required_fields;
    size_t nrequired_fields;
    size_t topics_cap;
    size_t *topic_seq;        /* declaration order, parallel to c->topics */
    size_t topics_without_rf; /* taking the broker's default.replication.factor */
} cluster_ctx;

typedef struct teams_ctx {
    const rc_repo *repo;
    const char **names; /* sorted, for did-you-mean */
    bool usable;        /* _teams.yaml exists and parsed */
} teams_ctx;

void diag(ctx *x, rc_severity sev, const rc_ynode *n, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_pos(rc_diags *d, rc_severity sev, const char *file, int line, const char *rule,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A lag block (parse_lag): thresholds 0 when not given. */
typedef struct lag_decl {
    long long max_seconds;
    long long max_offsets;
    long long for_seconds;
    char *severity;
} lag_decl;

/* What policy.required_fields may name (decl_cluster.c). */
extern const char *const topic_field_paths[];
#define N_TOPIC_FIELD_PATHS 20

void parse_cluster_file(ctx *x, cluster_ctx *cc, const rc_yfile *yf);
/* monitoring.client_metrics (decl_client_metrics.c): v its mapping, key its
 * key (where a missing field is reported). */
void parse_client_metrics(ctx *x, rc_cluster_decl *c, const rc_ynode *key, const rc_ynode *v);

/* ---- access (decl_access.c) ---- */

/* Where each service was declared, until finish_services checked them. */
typedef struct service_node {
    const rc_ynode *key, *value;
    const char *name, *principal, *team; /* borrowed from the rc_service */
} service_node;
typedef struct service_nodes {
    service_node *items;
    size_t len;
} service_nodes;

/* teams.<team>.services: {name: principal}, appended to out->services. */
void parse_team_services(ctx *x, const rc_ynode *v, const char *team, rc_repo *out,
                         service_nodes *nodes);
/* Refuse a service name or principal declared twice; sort out->services. */
void finish_services(ctx *x, rc_repo *out, service_nodes *nodes);
/* A topic's producers: and consumers: (groups, with their services). */
void parse_topic_producers(ctx *x, const teams_ctx *tc, const rc_ynode *n, rc_topic_decl *t);
void parse_topic_consumers(ctx *x, const teams_ctx *tc, const rc_ynode *n, rc_topic_decl *t);
/* The cluster file's access: block. */
void parse_cluster_access(ctx *x, rc_cluster_decl *c, const rc_ynode *v);
/* One document of an _access*.yaml file: {bindings: [...]}. */
void parse_access_file(ctx *x, rc_cluster_decl *c, const rc_ynode *root);

/* A topic's alerts: block (decl_alerts.c); t->consumers already parsed. */
void parse_topic_alerts(ctx *x, const rc_ynode *v, rc_topic_decl *t);

void parse_topic(ctx *x, cluster_ctx *cc, const teams_ctx *tc, const rc_ynode *root, size_t seq);

void finish_cluster(rc_diags *diags, cluster_ctx *cc);

bool present(const rc_ynode *n);

const rc_ynode *val(const rc_ypair *p);

bool want_string(ctx *x, const rc_ynode *v, const char *field, bool nonempty, char **out);

int parse_ll(const char *s, long long *out);

bool want_int(ctx *x, const rc_ynode *v, const char *field, int *out);

bool want_number(ctx *x, const rc_ynode *v, const char *field, double *out);

bool want_bool(ctx *x, const rc_ynode *v, const char *field, bool *out);

bool want_kind(ctx *x, const rc_ynode *v, const char *field, rc_ynode_kind kind);

void free_strv(char **v, size_t n);

bool want_string_list(ctx *x, const rc_ynode *v, const char *field, char ***out, size_t *nout);

void check_map_keys(ctx *x, const rc_ynode *map, const char *field, bool *dup);

bool walk_map(ctx *x, const rc_ynode *v, const char *field, const char *const *known, size_t nknown,
              const rc_ypair **slots);

bool topic_char_ok(unsigned char c);

void check_topic_name(ctx *x, const rc_ynode *v, const char *name);

void check_env(ctx *x, const rc_ynode *v, const char *field, const char *s);

void parse_config(ctx *x, const rc_ynode *map, const char *field, rc_kvlist *out,
                  char *const *allowed, size_t nallowed, const rc_ynode **misr);

void parse_lag(ctx *x, const rc_ynode *v, const char *field, bool allow_offsets, lag_decl *out);

#endif
