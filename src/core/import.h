/* import.h — adopt what a live cluster already has: the declarations that
 * make its undeclared topics, their consumer groups and its unmanaged ACL
 * bindings managed exactly as they are.
 *
 * Pure: no I/O. The command layer reads the cluster (topics with every
 * config, groups with the topics they committed on, ACL bindings), calls
 * rc_import_build, checks the result with rc_import_check and writes the
 * files (never over an existing one).
 *
 * What is imported, for one cluster:
 *   topics     every topic on the cluster that is not declared, not internal
 *              ("__*", the applied-state topic) and not in policy.ignore:
 *              partitions, replication factor, and the configs that are its
 *              dynamic overrides (never broker defaults), in human units
 *              where they are exact ("7d"); an override the cluster's
 *              defaults.config already gives is left to the defaults, and a
 *              defaults.config key the topic differs from is written with
 *              the topic's value, so the declaration means what is there. A
 *              topic whose configs are unknown (not described, refused, a
 *              secret value) is skipped with a warning: a guess would be a
 *              change.
 *   consumers  every group with a committed offset on the topic, sorted.
 *   access     a live binding no declaration derives (and not ignored) is
 *              declared by the topic where it maps onto one: a producer when
 *              the service's principal has WRITE and DESCRIBE on it (and
 *              IDEMPOTENT_WRITE on the cluster when access.idempotent_write
 *              is set); a consumer {group, service} when it has READ and
 *              DESCRIBE on the topic and READ on a group that committed
 *              there. Every other unmanaged binding goes to the cluster's
 *              access file (_access.yaml, or the first free
 *              _access-N.yaml), grouped by principal and resource.
 *   owners     the first --owner-map rule whose glob matches the topic name,
 *              else RC_DECL_OWNER_PLACEHOLDER (validate: owner-unset).
 * Output is deterministic: the same inputs give the same files, byte for
 * byte (sorted topics, groups, bindings; no dates). */
#ifndef RC_IMPORT_H
#define RC_IMPORT_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rc_owner_rule {
    char *glob; /* fnmatch pattern of topic names */
    char *team;
} rc_owner_rule;

/* "GLOB=TEAM" (the last '=' splits, so a glob may not hold one). 0, or
 * RC_ERR with the reason in errbuf. */
int rc_owner_rule_parse(rc_owner_rule *out, const char *text, char *errbuf, size_t errlen);
void rc_owner_rules_free(rc_owner_rule *r, size_t n);

typedef enum rc_import_layout {
    RC_IMPORT_BY_TOPIC,  /* topics/<cluster>/<topic>.yaml */
    RC_IMPORT_BY_PREFIX, /* topics/<cluster>/<name up to its first '.'>.yaml */
    RC_IMPORT_BY_OWNER,  /* topics/<cluster>/<owner team>.yaml (unowned.yaml) */
    RC_IMPORT_LAYOUT_N
} rc_import_layout;
extern const char *const rc_import_layout_names[RC_IMPORT_LAYOUT_N]; /* "topic", ... */

typedef struct rc_import_input {
    const rc_repo *repo;
    const rc_cluster_decl *decl;
    /* describe_cluster plus describe_configs of the undeclared topics */
    const rc_cluster_obs *obs;
    const rc_group_offsets *groups; /* sorted by group */
    size_t ngroups;
    const rc_acl_set *acls; /* normalised live bindings; NULL: access is not imported */
    const rc_owner_rule *owners;
    size_t nowners;
    rc_import_layout layout;
    /* every path the repository already has (any file, sorted): never
     * written over, and an imported file's name avoids them */
    const char *const *existing;
    size_t nexisting;
    /* topics the caller leaves out (a failed rc_import_check), sorted */
    const char *const *exclude;
    size_t nexclude;
} rc_import_input;

typedef struct rc_import_topic {
    char *name;
    char *owner;      /* NULL: no rule matched, the placeholder is written */
    const char *file; /* borrowed from the rc_import_file */
    int partitions;
    int replication_factor;
    rc_kvlist config;         /* key -> display value ("7d"), sorted by key */
    char **consumers;         /* groups, sorted */
    char **consumer_services; /* parallel; NULL entries: a group alone */
    size_t nconsumers;
    char **producers; /* services, sorted */
    size_t nproducers;
} rc_import_topic;

typedef struct rc_import_file {
    char *path;    /* repository-relative */
    char *content; /* YAML */
    size_t ntopics;
    size_t nbindings; /* the access file: bindings it declares */
} rc_import_file;

typedef struct rc_import {
    rc_import_topic *topics; /* sorted by name */
    size_t ntopics;
    rc_import_file *files; /* sorted by path */
    size_t nfiles;
    rc_acl_set bindings;       /* the unmanaged bindings the access file declares */
    size_t bindings_by_topics; /* the unmanaged bindings producers/consumers now derive */
    size_t unowned;            /* topics left with the placeholder owner */
    char **warnings;           /* what was left out and why, one line each */
    size_t nwarnings;
    char **skipped; /* the undeclared topics left out (each has a warning), sorted */
    size_t nskipped;
} rc_import;

/* Build the import (out zeroed first; release with rc_import_free in every
 * case). Returns 0, or RC_ERR with the reason in errbuf (no free file name:
 * cannot happen short of a billion files). */
int rc_import_build(rc_import *out, const rc_import_input *in, char *errbuf, size_t errlen);
void rc_import_free(rc_import *im);

/* The YAML of one file's topics (in that order) and of the access file
 * (import_yaml.c, libyaml's emitter). Heap strings. */
char *rc_import_topics_yaml(const rc_import_topic *const *topics, size_t n, const char *cluster);
char *rc_import_access_yaml(const rc_acl_set *bindings, const char *cluster);

/* The access kind's map from unmanaged bindings onto the imported topics
 * (import_access.c): fills producers and consumer services of im->topics,
 * im->bindings and im->bindings_by_topics. */
void rc_import_access(rc_import *im, const rc_import_input *in);

/* The round trip (import_check.c): load the repository's files plus the
 * imported ones and plan the cluster against obs and acls as plan would.
 * Every imported topic must be unchanged, no undeclared topic may be left
 * but the skipped ones, and where access is managed the plan must have no
 * unmanaged binding and no more additions than before the import. Returns
 * 0, or RC_ERR with what differs in errbuf; the topics at fault are in
 * *bad (sorted heap strings, *nbad, the caller frees them) so the import
 * can be made again without them. diags gets what validation says about
 * the imported files (an unset owner, a name the policy refuses). */
struct rc_source;
struct rc_diags;
int rc_import_check(const rc_import *im, const struct rc_source *src, const char *cluster,
                    const rc_cluster_obs *obs, const rc_acl_set *acls, struct rc_diags *diags,
                    char ***bad, size_t *nbad, char *errbuf, size_t errlen);

/* rc_import_build, then rc_import_check; when some topics would not round-trip
 * (a config key validation refuses, say), the import is made again without
 * them (each skipped with a warning) and checked again. in->exclude is used
 * for that and reset. 0, or RC_ERR with the reason in errbuf (then nothing
 * may be written). im and diags are overwritten (freed first). */
int rc_import_build_checked(rc_import *im, rc_import_input *in, const struct rc_source *src,
                            struct rc_diags *diags, char *errbuf, size_t errlen);

#endif
