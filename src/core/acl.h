/* acl.h — Kafka ACL bindings: the words, the order, what declarations derive,
 * and the pure diff of desired against observed bindings.
 *
 * Pure: no I/O. A binding is Kafka's AclBinding: a resource pattern (type,
 * name, LITERAL or PREFIXED), a principal ("User:orders-api"), a host ("*"),
 * an operation and ALLOW or DENY. Every string inside an rc_acl_binding is
 * owned by it (rc_acl_binding_clear); sets own their bindings.
 *
 * Derivation (rc_acl_derive), for one cluster:
 *   producer service P of topic T   ALLOW P WRITE, DESCRIBE on TOPIC T (LITERAL),
 *                                   and IDEMPOTENT_WRITE on the CLUSTER when the
 *                                   cluster's access.idempotent_write is set
 *                                   (brokers before 2.8 need it; since KIP-679
 *                                   WRITE on a topic implies it);
 *   consumer {group G, service S}   ALLOW S READ, DESCRIBE on TOPIC T and READ
 *                                   on GROUP G (both LITERAL);
 *   access.bindings, access files   as written (one binding per operation).
 * Hosts are "*". The set is sorted (rc_acl_binding_cmp) and holds no two
 * equal bindings; each binding keeps where it came from (topic, service,
 * team) for the reports. */
#ifndef RC_ACL_H
#define RC_ACL_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/* Human text of one binding: "User:orders-api WRITE topic orders.v1", with
 * " (prefixed)", a leading "DENY " and " from host H" where they apply.
 * Heap string. */
char *rc_acl_binding_text(const rc_acl_binding *b);

/* Kafka's words ("TOPIC", "WRITE", "LITERAL", "ALLOW") and the lower-case
 * words declarations and reports use ("topic", "write", "literal", "allow").
 * Resource types are those librdkafka 2.0.2 can name in an ACL binding:
 * topic, group and cluster (transactional_id is not among them). */
const char *rc_acl_resource_name(rc_acl_resource r);     /* "topic" */
const char *rc_acl_operation_name(rc_acl_operation o);   /* "WRITE" */
const char *rc_acl_pattern_name(rc_acl_pattern p);       /* "literal" */
const char *rc_acl_permission_name(rc_acl_permission p); /* "allow" */
/* The closed sets of words a binding is made of, each in its enum's order. */
typedef enum rc_acl_word_set {
    RC_ACL_WORDS_RESOURCE,   /* rc_acl_resource */
    RC_ACL_WORDS_OPERATION,  /* rc_acl_operation */
    RC_ACL_WORDS_PATTERN,    /* rc_acl_pattern */
    RC_ACL_WORDS_PERMISSION, /* rc_acl_permission */
} rc_acl_word_set;
/* s as a value of the set's enum (*out); case-insensitive, "_" and "-" the
 * same ("describe-configs"). 0 or RC_ERR. */
int rc_acl_word_parse(rc_acl_word_set set, const char *s, int *out);
/* "topic, group, cluster": the set's words in lower case, for messages.
 * Heap string. */
char *rc_acl_words_list(rc_acl_word_set set);

/* A principal "Type:name" as Kafka's KafkaPrincipal reads it: a type of
 * letters (User, Group, ...), a colon, a non-empty name without control
 * characters or surrounding spaces. allow_wildcard admits "User:*" (cluster
 * bindings may use it, a service may not). NULL when valid, else a static
 * reason. */
const char *rc_acl_principal_problem(const char *principal, bool allow_wildcard);

/* Total order: principal, resource type, pattern type, resource name,
 * operation, permission, host. Origins are not compared. */
int rc_acl_binding_cmp(const rc_acl_binding *a, const rc_acl_binding *b);
void rc_acl_binding_copy(rc_acl_binding *dst, const rc_acl_binding *src);
void rc_acl_binding_clear(rc_acl_binding *b);

/* Append a copy of b (origins included). */
void rc_acl_set_add(rc_acl_set *s, const rc_acl_binding *b);
/* Sort and drop equal bindings (the first one's origin is kept). */
void rc_acl_set_normalise(rc_acl_set *s);
/* Borrowed binding equal to b, or NULL. s must be normalised. */
const rc_acl_binding *rc_acl_set_find(const rc_acl_set *s, const rc_acl_binding *b);
void rc_acl_set_free(rc_acl_set *s);

/* The bindings cluster c's declarations produce (see the top). out is
 * zeroed first and normalised on return. repo gives services' principals
 * and teams; references validation refused are skipped. */
void rc_acl_derive(rc_acl_set *out, const rc_repo *repo, const rc_cluster_decl *c);

/* Whether the cluster manages access at all: it has an access: block or an
 * access file, or a topic names producers or consuming services. Other clusters are planned
 * as before, without reading their ACLs (they may have no authorizer). */
bool rc_acl_cluster_managed(const rc_cluster_decl *c);

typedef struct rc_acl_diff_options {
    bool prune; /* undeclared bindings are deleted if allow_delete */
    bool allow_delete;
    int max_deletions; /* 0 = RC_DEFAULT_MAX_DELETIONS */
    /* reconcile's own principal on this cluster (may be NULL: unknown). No
     * plan may delete an ALLOW binding of it or add a DENY for it. */
    const char *self_principal;
    /* Where a binding's principal belongs (for reports); may be NULL. */
    const rc_repo *repo;
    /* Bindings on the cluster that are none of reconcile's business, left
     * out of the plan like ignored topics: a topic binding whose name
     * matches one of topic_ignore (fnmatch; policy.ignore), a principal
     * matching one of principal_ignore (access.ignore_principals). */
    char *const *topic_ignore;
    size_t ntopic_ignore;
    char *const *principal_ignore;
    size_t nprincipal_ignore;
} rc_acl_diff_options;

/* desired (derived) against observed (DescribeAcls): every desired binding
 * missing from observed is RC_ACL_ADD; every observed one not desired is
 * RC_ACL_UNMANAGED, or RC_ACL_DELETE with prune and allow_delete (but for
 * the ignored ones, which are left out). More
 * deletions than the bound turn each into RC_ACL_REFUSE and set *refusal
 * (heap) for the whole kind; so does a plan that touches the self
 * principal as described above (those changes are RC_ACL_REFUSE, each with
 * its reason). Both sets must be normalised. out is zeroed first; changes
 * are in binding order; out->unchanged counts the bindings in place. */
void rc_acl_diff(rc_acl_plan *out, const rc_acl_set *desired, const rc_acl_set *observed,
                 const rc_acl_diff_options *opt);

/* The plan of cluster decl's access against the bindings it has (have,
 * normalised), as plan and apply make it: derived from repo, with the
 * cluster's policy and ignore rules. out is zeroed first. */
void rc_acl_plan_against(rc_acl_plan *out, const rc_repo *repo, const rc_cluster_decl *decl,
                         const rc_acl_set *have, bool prune, const char *self_principal);

/* The team a principal belongs to (the service declaring it), or NULL. */
const rc_service *rc_repo_service_by_principal(const rc_repo *r, const char *principal);
const rc_service *rc_repo_service(const rc_repo *r, const char *name);

#endif
