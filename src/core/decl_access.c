/* decl_access.c — access declarations: the services of _teams.yaml, a
 * topic's producers and consuming services, the cluster file's access:
 * block. What they mean as ACL bindings is acl.c's. */
#include "decl_parse.h"

#include "acl.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- services (teams.<team>.services) ------------------------------------------ */

static int service_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_service *)a)->name, ((const rc_service *)b)->name);
}

void parse_team_services(ctx *x, const rc_ynode *v, const char *team, rc_repo *out,
                         service_nodes *nodes)
{
    char field[96];
    snprintf(field, sizeof(field), "teams.%.50s.services", team);
    if (!want_kind(x, v, field, RC_YNODE_MAPPING))
        return;
    bool *dup = rc_xcalloc(v->npairs, sizeof(*dup));
    check_map_keys(x, v, field, dup);
    for (size_t i = 0; i < v->npairs; i++) {
        const rc_ynode *k = v->pairs[i].key, *p = v->pairs[i].value;
        char *principal = NULL;
        if (dup[i] || !want_string(x, p, field, true, &principal))
            continue;
        bool name_ok = k->len > 0;
        for (size_t j = 0; j < k->len; j++)
            name_ok &= topic_char_ok((unsigned char)k->str[j]);
        if (!name_ok) {
            diag(x, E, k, "service-name",
                 "%s: service name \"%s\" may only contain ASCII letters, digits, '.', '_' and "
                 "'-'",
                 field, k->str);
            free(principal);
            continue;
        }
        const char *why = rc_acl_principal_problem(principal, false);
        if (why) {
            diag(x, E, p, "principal", "%s.%s: \"%s\": %s", field, k->str, principal, why);
            free(principal);
            continue;
        }
        out->services = rc_xrealloc(out->services, (out->nservices + 1) * sizeof(*out->services));
        rc_service *s = &out->services[out->nservices++];
        s->name = rc_xstrdup(k->str);
        s->principal = principal;
        s->team = rc_xstrdup(team);
        nodes->items = rc_xrealloc(nodes->items, (nodes->len + 1) * sizeof(*nodes->items));
        nodes->items[nodes->len++] = (service_node){k, p, s->name, s->principal, s->team};
    }
    free(dup);
}

/* A service name and a principal each belong to one service: a principal
 * under two teams would make its access both teams' at once. */
void finish_services(ctx *x, rc_repo *out, service_nodes *nodes)
{
    for (size_t i = 1; i < nodes->len; i++)
        for (size_t j = 0; j < i; j++) {
            const service_node *a = &nodes->items[j], *b = &nodes->items[i];
            if (!strcmp(a->name, b->name)) {
                diag(x, E, b->key, "duplicate-service",
                     "service \"%s\" is declared by team %s and again by team %s: topics refer "
                     "to services by name, so each name is one service",
                     b->name, a->team, b->team);
                break;
            }
            if (!strcmp(a->principal, b->principal)) {
                diag(x, E, b->value, "duplicate-principal",
                     "principal %s is declared for service %s (team %s) and again for service "
                     "%s (team %s): a principal belongs to one service",
                     b->principal, a->name, a->team, b->name, b->team);
                break;
            }
        }
    if (out->nservices > 1)
        qsort(out->services, out->nservices, sizeof(*out->services), service_cmp);
    /* a duplicate name keeps the first: lookups by name must be unambiguous */
    size_t w = 0;
    for (size_t r = 0; r < out->nservices; r++) {
        if (w > 0 && !strcmp(out->services[w - 1].name, out->services[r].name)) {
            free(out->services[r].name);
            free(out->services[r].principal);
            free(out->services[r].team);
            continue;
        }
        out->services[w++] = out->services[r];
    }
    out->nservices = w;
    free(nodes->items);
    nodes->items = NULL;
    nodes->len = 0;
}

/* ---- a topic's access ---------------------------------------------------------- */

/* A service name a topic refers to: known, else a diagnostic with the
 * closest name. Returns whether it is known (or cannot be checked). */
static bool check_service_ref(ctx *x, const teams_ctx *tc, const rc_ynode *n, const char *field,
                              const char *name)
{
    if (!tc->usable || rc_repo_service(tc->repo, name))
        return true;
    const char **names = rc_xcalloc(tc->repo->nservices + 1, sizeof(*names));
    for (size_t i = 0; i < tc->repo->nservices; i++)
        names[i] = tc->repo->services[i].name;
    const char *dym = rc_did_you_mean(name, names, tc->repo->nservices);
    diag(x, E, n, "unknown-service",
         "%s: \"%s\" is not a service of any team in topics/_teams.yaml (teams.<team>.services)"
         "%s%s%s",
         field, name, dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "");
    free(names);
    return false;
}

void parse_topic_producers(ctx *x, const teams_ctx *tc, const rc_ynode *n, rc_topic_decl *t)
{
    if (!want_string_list(x, n, "producers", &t->producers, &t->nproducers))
        return;
    for (size_t i = 0; i < t->nproducers; i++) {
        check_service_ref(x, tc, n->items[i], "producers", t->producers[i]);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t->producers[i], t->producers[j])) {
                diag(x, E, n->items[i], "producers", "producer \"%s\" is listed twice",
                     t->producers[i]);
                break;
            }
    }
}

static const char *const consumer_keys[] = {"group", "service"};

/* One item of consumers: "group" or {group: G, service: S}. */
static bool consumer_item(ctx *x, const teams_ctx *tc, const rc_ynode *it, char **group,
                          char **service)
{
    if (it->kind != RC_YNODE_MAPPING)
        return want_string(x, it, "consumers", true, group);
    const rc_ypair *s[2];
    if (!walk_map(x, it, "consumers", consumer_keys, 2, s))
        return false;
    if (!val(s[0])) {
        diag(x, E, s[0] ? s[0]->key : it, "required",
             "consumers: missing required field \"group\" (the consumer group)");
        return false;
    }
    if (!want_string(x, val(s[0]), "consumers.group", true, group))
        return false;
    if (val(s[1]) && want_string(x, val(s[1]), "consumers.service", true, service))
        check_service_ref(x, tc, val(s[1]), "consumers.service", *service);
    return true;
}

/* consumers: the groups whose lag is watched, each once; a group may name
 * the service that consumes with it, which then gets read access. */
void parse_topic_consumers(ctx *x, const teams_ctx *tc, const rc_ynode *n, rc_topic_decl *t)
{
    if (!want_kind(x, n, "consumers", RC_YNODE_SEQUENCE))
        return;
    t->consumers = rc_xcalloc(n->nitems + 1, sizeof(char *));
    t->consumer_services = rc_xcalloc(n->nitems + 1, sizeof(char *));
    for (size_t i = 0; i < n->nitems; i++) {
        char *group = NULL, *service = NULL;
        if (!consumer_item(x, tc, n->items[i], &group, &service)) {
            free(group);
            free(service);
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < t->nconsumers && !dup; j++)
            dup = !strcmp(t->consumers[j], group);
        if (dup) {
            diag(x, E, n->items[i], "consumers", "consumer group \"%s\" is listed twice", group);
            free(group);
            free(service);
            continue;
        }
        t->consumer_services[t->nconsumers] = service;
        t->consumers[t->nconsumers++] = group;
    }
}

/* ---- the cluster file's access: block ------------------------------------------- */

enum { AK_PRINCIPAL, AK_IDEMPOTENT, AK_BINDINGS, AK_IGNORE };
static const char *const access_keys[] = {"principal", "idempotent_write", "bindings",
                                          "ignore_principals"};
enum { BK_PRINCIPAL, BK_RESOURCE, BK_NAME, BK_PATTERN, BK_OPERATIONS, BK_PERMISSION, BK_HOST };
static const char *const binding_keys[] = {"principal",  "resource",   "name", "pattern",
                                           "operations", "permission", "host"};

/* A word of one of the binding's closed sets; diag and false when not. */
static bool want_word(ctx *x, const rc_ynode *n, const char *field, rc_acl_word_set set, int *out)
{
    char *s = NULL;
    if (!want_string(x, n, field, true, &s))
        return false;
    bool ok = rc_acl_word_parse(set, s, out) == 0;
    if (!ok) {
        char *allowed = rc_acl_words_list(set);
        diag(x, E, n, "acl", "%s: \"%s\" is not one of %s", field, s, allowed);
        free(allowed);
    }
    free(s);
    return ok;
}

/* The fields of one access.bindings item but its operations. */
static bool binding_fields(ctx *x, const rc_ypair *const *s, const rc_ynode *it, rc_acl_binding *b)
{
    const rc_ynode *n;
    static const char *const required[] = {"principal", "resource"};
    for (int k = 0; k < 2; k++)
        if (!val(s[k])) {
            diag(x, E, s[k] ? s[k]->key : it, "required",
                 "access.bindings: missing required field \"%s\"", required[k]);
            return false;
        }
    if (!want_string(x, val(s[BK_PRINCIPAL]), "access.bindings.principal", true, &b->principal))
        return false;
    const char *why = rc_acl_principal_problem(b->principal, true);
    if (why) {
        diag(x, E, val(s[BK_PRINCIPAL]), "principal", "access.bindings: \"%s\": %s", b->principal,
             why);
        return false;
    }
    int v;
    if (!want_word(x, val(s[BK_RESOURCE]), "access.bindings.resource", RC_ACL_WORDS_RESOURCE, &v))
        return false;
    b->resource = (rc_acl_resource)v;
    if (b->resource == RC_ACL_RES_CLUSTER) {
        b->name = rc_xstrdup("kafka-cluster");
    } else if (!(n = val(s[BK_NAME]))) {
        diag(x, E, s[BK_NAME] ? s[BK_NAME]->key : it, "required",
             "access.bindings: missing required field \"name\" (the %s name or prefix)",
             rc_acl_resource_name(b->resource));
        return false;
    } else if (!want_string(x, n, "access.bindings.name", true, &b->name)) {
        return false;
    }
    if ((n = val(s[BK_PATTERN]))) {
        if (!want_word(x, n, "access.bindings.pattern", RC_ACL_WORDS_PATTERN, &v))
            return false;
        b->pattern = (rc_acl_pattern)v;
    }
    if ((n = val(s[BK_PERMISSION]))) {
        if (!want_word(x, n, "access.bindings.permission", RC_ACL_WORDS_PERMISSION, &v))
            return false;
        b->permission = (rc_acl_permission)v;
    }
    if ((n = val(s[BK_HOST])) && !want_string(x, n, "access.bindings.host", true, &b->host))
        return false;
    if (!b->host)
        b->host = rc_xstrdup("*");
    return true;
}

static void parse_binding(ctx *x, const rc_ynode *it, rc_acl_set *out)
{
    const rc_ypair *s[ARRAY_LEN(binding_keys)];
    if (!walk_map(x, it, "access.bindings", binding_keys, ARRAY_LEN(binding_keys), s))
        return;
    rc_acl_binding b = {0};
    const rc_ynode *ops = val(s[BK_OPERATIONS]);
    bool fields_ok = binding_fields(x, s, it, &b);
    if (fields_ok && !ops)
        diag(x, E, s[BK_OPERATIONS] ? s[BK_OPERATIONS]->key : it, "required",
             "access.bindings: missing required field \"operations\" (e.g. [read, describe])");
    else if (fields_ok && want_kind(x, ops, "access.bindings.operations", RC_YNODE_SEQUENCE))
        for (size_t i = 0; i < ops->nitems; i++) {
            int v;
            if (want_word(x, ops->items[i], "access.bindings.operations", RC_ACL_WORDS_OPERATION,
                          &v)) {
                b.operation = (rc_acl_operation)v;
                rc_acl_set_add(out, &b);
            }
        }
    rc_acl_binding_clear(&b);
}

void parse_cluster_access(ctx *x, rc_cluster_decl *c, const rc_ynode *v)
{
    const rc_ypair *s[ARRAY_LEN(access_keys)];
    c->access_declared = true;
    if (!walk_map(x, v, "access", access_keys, ARRAY_LEN(access_keys), s))
        return;
    const rc_ynode *n;
    if ((n = val(s[AK_PRINCIPAL])) &&
        want_string(x, n, "access.principal", true, &c->self_principal)) {
        const char *why = rc_acl_principal_problem(c->self_principal, false);
        if (why)
            diag(x, E, n, "principal", "access.principal: \"%s\": %s", c->self_principal, why);
    }
    if ((n = val(s[AK_IGNORE])))
        want_string_list(x, n, "access.ignore_principals", &c->ignore_principals,
                         &c->nignore_principals);
    if ((n = val(s[AK_IDEMPOTENT])))
        want_bool(x, n, "access.idempotent_write", &c->idempotent_write);
    if ((n = val(s[AK_BINDINGS])) && want_kind(x, n, "access.bindings", RC_YNODE_SEQUENCE))
        for (size_t i = 0; i < n->nitems; i++)
            parse_binding(x, n->items[i], &c->extra_bindings);
}

static const char *const access_file_keys[] = {"bindings"};

void parse_access_file(ctx *x, rc_cluster_decl *c, const rc_ynode *root)
{
    const rc_ypair *s[ARRAY_LEN(access_file_keys)];
    if (rc_ynode_is_null(root))
        return; /* an empty document (a trailing `---`) */
    c->access_declared = true;
    if (!walk_map(x, root, "access file", access_file_keys, ARRAY_LEN(access_file_keys), s))
        return;
    const rc_ynode *n = val(s[0]);
    if (!n)
        diag(x, E, root, "required", "missing required field \"bindings\"");
    else if (want_kind(x, n, "bindings", RC_YNODE_SEQUENCE))
        for (size_t i = 0; i < n->nitems; i++)
            parse_binding(x, n->items[i], &c->extra_bindings);
}
