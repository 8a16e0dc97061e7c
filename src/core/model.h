/* model.h — plain data shared by the declaration parser, the diff engine, the
 * admin adapter, the executor and the printers.
 *
 * Ownership: every pointer inside these structs is owned by the struct that
 * holds it and released by the matching *_free function. Nothing here does
 * I/O. Topic config values are always stored in canonical form (see units.h):
 * integers in base units ("604800000", not "7d"), booleans "true"/"false". */
#ifndef RC_MODEL_H
#define RC_MODEL_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- declarations (what git says) ---------------------------------------- */

typedef struct rc_team {
    char *name;
    char *chat;       /* chat room the team's alerts go to, may be NULL */
    char *escalation; /* may be NULL */
} rc_team;

/* A service of a team: a name topics refer to and the principal it
 * authenticates as ("User:orders-api", "User:CN=orders,O=shop"). */
typedef struct rc_service {
    char *name;
    char *principal;
    char *team;
} rc_service;

/* ---- access (ACL bindings, acl.h) ------------------------------------------ */

typedef enum rc_acl_resource {
    RC_ACL_RES_TOPIC,
    RC_ACL_RES_GROUP,
    RC_ACL_RES_CLUSTER,
    RC_ACL_RES_N
} rc_acl_resource;

typedef enum rc_acl_pattern {
    RC_ACL_PAT_LITERAL,
    RC_ACL_PAT_PREFIXED,
    RC_ACL_PAT_N
} rc_acl_pattern;

typedef enum rc_acl_operation {
    RC_ACL_OP_ALL,
    RC_ACL_OP_READ,
    RC_ACL_OP_WRITE,
    RC_ACL_OP_CREATE,
    RC_ACL_OP_DELETE,
    RC_ACL_OP_ALTER,
    RC_ACL_OP_DESCRIBE,
    RC_ACL_OP_CLUSTER_ACTION,
    RC_ACL_OP_DESCRIBE_CONFIGS,
    RC_ACL_OP_ALTER_CONFIGS,
    RC_ACL_OP_IDEMPOTENT_WRITE,
    RC_ACL_OP_N
} rc_acl_operation;

typedef enum rc_acl_permission { RC_ACL_ALLOW, RC_ACL_DENY, RC_ACL_PERM_N } rc_acl_permission;

typedef struct rc_acl_binding {
    rc_acl_resource resource;
    rc_acl_pattern pattern;
    char *name; /* resource name; "kafka-cluster" for the cluster */
    char *principal;
    char *host; /* "*" unless a cluster binding names one */
    rc_acl_operation operation;
    rc_acl_permission permission;
    /* Where it comes from, for the reports (NULL when unknown): the topic
     * that declares it, the service and its team. */
    char *topic;
    char *service;
    char *team;
} rc_acl_binding;

typedef struct rc_acl_set {
    rc_acl_binding *items;
    size_t len;
    size_t cap;
} rc_acl_set;

typedef struct rc_topic_decl {
    char *name;
    char *file; /* repository-relative path of the declaring file */
    int line;   /* position of the document's `name:` value */
    int col;
    int partitions;         /* resolved: declared, else cluster default */
    int replication_factor; /* resolved: declared, else cluster default */
    char *owner;
    char *message;     /* protobuf message type, may be NULL */
    char *description; /* may be NULL */
    rc_kvlist config;  /* declared keys merged over cluster defaults, canonical values */
    /* lag alert; 0 means "use cluster default" */
    long long lag_max_seconds; /* time-lag threshold */
    long long lag_max_offsets; /* offset-lag threshold (when declared in messages) */
    long long lag_for_seconds;
    char *severity; /* may be NULL: cluster default */
    char **consumers;
    size_t nconsumers;
    /* access: the services that produce, and for each consumer group the
     * service consuming with it (parallel to consumers; NULL entries for
     * groups declared without one) */
    char **producers;
    size_t nproducers;
    char **consumer_services;
    double messages_per_second; /* 0 when not declared */
    /* alerts: the opt-in signals (decl_alerts.c); 0 / false when not declared */
    bool skew_alert;
    long long no_production_seconds;  /* alerts.no_production */
    long long no_consumption_seconds; /* alerts.no_consumption (topics with consumers) */
    double rate_change;               /* alerts.produce_rate_change: 50 (%) or 3 (x) */
    bool rate_change_is_percent;
} rc_topic_decl;

/* alerts.produce_rate_change as declared ("50%", "3x"), NULL when not
 * declared; the caller frees it. */
char *rc_topic_rate_change_text(const rc_topic_decl *t);
/* The ratios of the produce rate to the rate a day earlier beyond which the
 * change is significant: 50% -> above 1.5, below 0.5; 3x -> above 3, below
 * 1/3. Both 0 when not declared. */
void rc_topic_rate_change_bounds(const rc_topic_decl *t, double *above, double *below);

/* monitoring.client_metrics (decl.h): counters that the applications' Kafka
 * client library exports, scraped by the same Prometheus, which the
 * dashboards draw beside the exporter's figures. The kinds are a table
 * (rc_client_metric_keys): the declaration's keys, and the names of the
 * dashboard variables (client_<key>, has_client_<key>, dashboards.h). */
typedef enum rc_client_metric {
    RC_CLIENT_DELIVERED,       /* messages the producers delivered */
    RC_CLIENT_DELIVERY_FAILED, /* messages that failed to be delivered */
    RC_CLIENT_CONSUMED,        /* messages the consumers consumed */
    RC_CLIENT_CONSUME_FAILED,  /* consumption errors */
    RC_CLIENT_NMETRICS
} rc_client_metric;

/* "delivered", "delivery_failed", "consumed", "consume_failed": by rc_client_metric. */
extern const char *const rc_client_metric_keys[RC_CLIENT_NMETRICS];

typedef struct rc_client_metrics {
    bool declared;                     /* the block is there; valid: labels set */
    char *metric[RC_CLIENT_NMETRICS];  /* metric names; NULL: not named */
    char *topic_label, *service_label; /* label names, required with the block */
    char *partition_label;             /* optional; NULL: not given */
} rc_client_metrics;

typedef struct rc_cluster_decl {
    char *name;             /* directory name under topics/ */
    char *file;             /* path of _cluster.yaml */
    char *bootstrap;        /* may contain ${ENV}; expanded by the command layer */
    rc_kvlist client_props; /* librdkafka properties, values may contain ${ENV} */
    char *cluster_id;       /* optional pin; NULL when not pinned */
    char *repo_url;         /* optional, for dashboard links back to git */
    /* defaults */
    int default_partitions;
    int default_replication_factor;
    rc_kvlist default_config; /* canonical */
    long long default_lag_max_seconds;
    long long default_lag_for_seconds;
    char *default_severity;
    /* policy */
    char *name_pattern; /* POSIX extended regex or NULL */
    int min_replication_factor;
    int max_replication_factor; /* 0 = no limit (broker count checked at plan time) */
    int max_partitions;         /* 0 = no limit */
    bool allow_delete;
    int max_deletions; /* topics one prune may delete; 0 = RC_DEFAULT_MAX_DELETIONS */
    bool keep_undeclared_overrides;
    bool guard_older_commits;
    char **ignore_patterns; /* glob patterns of topics never touched */
    size_t nignore_patterns;
    char **allowed_config_keys; /* NULL/0 = any known key */
    size_t nallowed_config_keys;
    double partition_messages_per_second; /* napkin math; 0 = not checked */
    /* monitoring */
    char *metric_source; /* a profile name (profiles.h); default kafka_exporter */
    char *prometheus_datasource;
    char *prometheus_url;
    char *grafana_url;
    char *grafana_folder;
    rc_kvlist alert_labels;
    rc_client_metrics client_metrics;
    /* access (acl.h): managed when the file has an access: block, the
     * cluster an _access*.yaml file, or a topic declares producers or
     * consuming services */
    bool access_declared;
    char *self_principal;     /* access.principal: reconcile's own; NULL = from sasl.username */
    bool idempotent_write;    /* access.idempotent_write */
    char **ignore_principals; /* access.ignore_principals: fnmatch globs */
    size_t nignore_principals;
    rc_acl_set extra_bindings; /* access.bindings and the access files', one per operation */
    /* topics declared for this cluster, sorted by name */
    rc_topic_decl *topics;
    size_t ntopics;
} rc_cluster_decl;

/* A prune that would delete more topics than this is refused as a whole: an
 * emptied or mistyped cluster directory must not wipe the cluster. Raised on
 * purpose with policy.max_deletions, in the change that makes the deletions. */
#define RC_DEFAULT_MAX_DELETIONS 10

typedef struct rc_repo {
    rc_team *teams;
    size_t nteams;
    rc_service *services; /* every team's, sorted by name */
    size_t nservices;
    rc_cluster_decl *clusters; /* sorted by name */
    size_t nclusters;
} rc_repo;

void rc_topic_decl_free(rc_topic_decl *t);
void rc_cluster_decl_free(rc_cluster_decl *c);
void rc_repo_free(rc_repo *r);
const rc_team *rc_repo_team(const rc_repo *r, const char *name);

/* ---- observed state (what the cluster says) ------------------------------ */

/* The topic reconcile keeps its applied-commit record in (applied_state.h):
 * it must not look internal ("__" prefix), and the diff engine never reports
 * it as unmanaged. */
#define RC_APPLIED_STATE_TOPIC "_reconcile.applied"

typedef enum rc_config_source {
    RC_CFG_TOPIC_OVERRIDE, /* dynamic per-topic config: the thing we manage */
    RC_CFG_BROKER_DYNAMIC, /* dynamic broker or cluster-wide default */
    RC_CFG_BROKER_STATIC,  /* server.properties */
    RC_CFG_DEFAULT,        /* Kafka's built-in default */
    RC_CFG_OTHER
} rc_config_source;

typedef struct rc_config_obs {
    char *key;
    char *value; /* as the broker reports it; NULL for sensitive values */
    rc_config_source source;
    bool read_only;
    bool sensitive;
} rc_config_obs;

typedef struct rc_topic_obs {
    char *name;
    int partitions;
    int replication_factor;    /* the smallest replica count of its partitions */
    int max_replicas;          /* the largest: above replication_factor while
                                * some partitions are being reassigned */
    bool replicas_catching_up; /* a partition has replicas outside its ISR: new
                                * replicas of a reassignment, or a broker behind */
    bool internal;
    rc_config_obs *configs; /* NULL when configs were not described */
    size_t nconfigs;
    /* The broker refused to describe it (TOPIC_AUTHORIZATION_FAILED): whether
     * it exists, and how, is unknown. partitions and configs are 0/NULL. */
    bool describe_denied;
    /* DescribeConfigs failed for this topic alone (its message), or its
     * answer left the topic out: configs is NULL and nothing is known. */
    char *config_error;
} rc_topic_obs;

typedef struct rc_cluster_obs {
    char *cluster_id;
    int broker_count;
    int auto_create_topics; /* 1 on, 0 off, -1 unknown */
    /* what a topic created without one gets (default.replication.factor);
     * <= 0 unknown */
    int default_replication_factor;
    rc_topic_obs *topics; /* sorted by name */
    size_t ntopics;
    char **config_keys; /* every topic config key the broker reported; used to accept newer keys */
    size_t nconfig_keys;
} rc_cluster_obs;

void rc_topic_obs_free(rc_topic_obs *t);
void rc_cluster_obs_free(rc_cluster_obs *c);
const rc_topic_obs *rc_cluster_obs_topic(const rc_cluster_obs *c, const char *name);

/* A consumer group and the topics it has committed offsets on. */
/* A committed offset of a group. */
typedef struct rc_committed {
    char *topic;
    int partition;
    long long offset;
} rc_committed;

typedef struct rc_group_offsets {
    char *group;
    rc_committed *committed; /* every partition with a committed offset, sorted */
    size_t ncommitted;
    char **topics; /* sorted, each once */
    size_t ntopics;
    char *error; /* its offsets could not be read (the broker's message); topics empty */
} rc_group_offsets;

void rc_group_offsets_free(rc_group_offsets *g, size_t n);

/* ---- plan (what apply would do) ------------------------------------------ */

typedef enum rc_topic_action {
    RC_ACT_UNCHANGED,
    RC_ACT_CREATE,
    RC_ACT_UPDATE,    /* add partitions and/or config changes */
    RC_ACT_REFUSE,    /* at least one refused change; nothing is applied to the topic */
    RC_ACT_UNMANAGED, /* on the cluster, not declared */
    RC_ACT_DELETE     /* unmanaged and --prune with a policy that allows deletion */
} rc_topic_action;

typedef struct rc_config_change {
    char *key;
    char *old_value; /* NULL when the key had no override */
    char *new_value; /* NULL when the override is reset (drift) */
    bool drift;      /* undeclared override that apply resets */
} rc_config_change;

typedef struct rc_topic_plan {
    char *topic;
    rc_topic_action action;
    const rc_topic_decl *decl; /* borrowed; NULL for unmanaged/delete */
    int partitions_from;       /* 0 when the topic does not exist */
    int partitions_to;
    int replication_factor; /* for create */
    rc_config_change *changes;
    size_t nchanges;
    rc_kvlist desired_overrides; /* the full set of topic overrides after apply */
    char **refusals;             /* human text, each says what to do instead */
    size_t nrefusals;
    char *broker_error; /* validate_only or apply failure, NULL if none */
    /* Another writer changed the topic between this run's plan and its
     * request (a create met TOPIC_ALREADY_EXISTS, a partition addition found
     * the partitions there, a rejected change turned out to be in place):
     * the topic was read back and planned again, so action and the fields
     * above say what this apply still did to it (UNCHANGED: nothing, the
     * cluster already matched). */
    bool other_writer;
} rc_topic_plan;

/* What the plan of an ACL binding says (acl.h, rc_acl_diff). */
typedef enum rc_acl_action {
    RC_ACL_ADD,       /* declared, not on the cluster: created */
    RC_ACL_UNMANAGED, /* on the cluster, not declared: listed */
    RC_ACL_DELETE,    /* unmanaged and --prune with a policy that allows it */
    RC_ACL_REFUSE     /* would be added or deleted, but must not be (refusal says why) */
} rc_acl_action;

typedef struct rc_acl_change {
    rc_acl_binding binding;
    rc_acl_action action;
    char *refusal;      /* RC_ACL_REFUSE: what to do instead */
    char *broker_error; /* validate or apply failure, NULL if none */
    bool done;          /* apply: the broker accepted it */
} rc_acl_change;

typedef struct rc_acl_plan {
    rc_acl_change *changes; /* in binding order */
    size_t nchanges;
    size_t unchanged; /* declared bindings already in place */
    char *refusal;    /* the whole kind is refused (too many deletions, own access) */
    /* made offline from two revisions of the declarations (diff --base):
     * ADD is access the change grants, DELETE access it takes away */
    bool offline;
} rc_acl_plan;

void rc_acl_plan_free(rc_acl_plan *p);

/* The plan of another kind of resource than topics (kind.h): the kind that
 * made it, and its own plan, which only that kind's functions read. */
struct rc_resource_kind;
typedef struct rc_kind_plan {
    const struct rc_resource_kind *kind;
    void *plan;
} rc_kind_plan;

typedef struct rc_cluster_plan {
    char *cluster;
    char *cluster_id;
    rc_topic_plan *topics; /* declared topics in name order, then unmanaged in name order */
    size_t ntopics;
    /* the other kinds the cluster manages, in the order of the registry */
    rc_kind_plan *kinds;
    size_t nkinds;
    char **warnings; /* e.g. auto.create.topics.enable=true */
    size_t nwarnings;
    char *error; /* cluster-level failure (unreachable, id mismatch); NULL if none */
} rc_cluster_plan;

void rc_topic_plan_free(rc_topic_plan *p);
void rc_cluster_plan_free(rc_cluster_plan *p);
/* Counts of topics per action, indexed by rc_topic_action. */
void rc_cluster_plan_counts(const rc_cluster_plan *p, size_t counts[6]);
/* true when apply would change anything (create, update, delete). */
bool rc_cluster_plan_has_changes(const rc_cluster_plan *p);
/* "create", ... (the JSON plan's words) and "+", ... (every printer's sign). */
const char *rc_topic_action_name(rc_topic_action a);
const char *rc_topic_action_sign(rc_topic_action a);

#endif
