/* acl.c — ACL bindings: words, order, sets, and what a cluster's
 * declarations derive. The diff is in acl_diff.c. */
#include "acl.h"

#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The words, by enum: Kafka's (as DescribeAcls and the console tools print
 * them) and the declaration's. */
static const char *const resource_words[RC_ACL_RES_N] = {
    [RC_ACL_RES_TOPIC] = "topic",
    [RC_ACL_RES_GROUP] = "group",
    [RC_ACL_RES_CLUSTER] = "cluster",
};
static const char *const operation_words[RC_ACL_OP_N] = {
    [RC_ACL_OP_ALL] = "ALL",
    [RC_ACL_OP_READ] = "READ",
    [RC_ACL_OP_WRITE] = "WRITE",
    [RC_ACL_OP_CREATE] = "CREATE",
    [RC_ACL_OP_DELETE] = "DELETE",
    [RC_ACL_OP_ALTER] = "ALTER",
    [RC_ACL_OP_DESCRIBE] = "DESCRIBE",
    [RC_ACL_OP_CLUSTER_ACTION] = "CLUSTER_ACTION",
    [RC_ACL_OP_DESCRIBE_CONFIGS] = "DESCRIBE_CONFIGS",
    [RC_ACL_OP_ALTER_CONFIGS] = "ALTER_CONFIGS",
    [RC_ACL_OP_IDEMPOTENT_WRITE] = "IDEMPOTENT_WRITE",
};
static const char *const pattern_words[RC_ACL_PAT_N] = {
    [RC_ACL_PAT_LITERAL] = "literal",
    [RC_ACL_PAT_PREFIXED] = "prefixed",
};
static const char *const permission_words[RC_ACL_PERM_N] = {
    [RC_ACL_ALLOW] = "allow",
    [RC_ACL_DENY] = "deny",
};

const char *rc_acl_resource_name(rc_acl_resource r)
{
    return (unsigned)r < RC_ACL_RES_N ? resource_words[r] : "unknown";
}

const char *rc_acl_operation_name(rc_acl_operation o)
{
    return (unsigned)o < RC_ACL_OP_N ? operation_words[o] : "UNKNOWN";
}

const char *rc_acl_pattern_name(rc_acl_pattern p)
{
    return (unsigned)p < RC_ACL_PAT_N ? pattern_words[p] : "unknown";
}

const char *rc_acl_permission_name(rc_acl_permission p)
{
    return (unsigned)p < RC_ACL_PERM_N ? permission_words[p] : "unknown";
}

/* Case-insensitive match where '-' in s stands for '_' in word. */
static bool word_eq(const char *s, const char *word)
{
    for (; *s && *word; s++, word++) {
        char a = *s == '-' ? '_' : (char)tolower((unsigned char)*s);
        if (a != tolower((unsigned char)*word))
            return false;
    }
    return !*s && !*word;
}

/* The word sets, by rc_acl_word_set. */
static const struct {
    const char *const *words;
    int n;
} word_sets[] = {
    [RC_ACL_WORDS_RESOURCE] = {resource_words, RC_ACL_RES_N},
    [RC_ACL_WORDS_OPERATION] = {operation_words, RC_ACL_OP_N},
    [RC_ACL_WORDS_PATTERN] = {pattern_words, RC_ACL_PAT_N},
    [RC_ACL_WORDS_PERMISSION] = {permission_words, RC_ACL_PERM_N},
};

int rc_acl_word_parse(rc_acl_word_set set, const char *s, int *out)
{
    for (int i = 0; s && i < word_sets[set].n; i++)
        if (word_eq(s, word_sets[set].words[i])) {
            *out = i;
            return 0;
        }
    return RC_ERR;
}

char *rc_acl_words_list(rc_acl_word_set set)
{
    rc_buf b = {0};
    for (int i = 0; i < word_sets[set].n; i++) {
        if (i)
            rc_buf_puts(&b, ", ");
        for (const char *c = word_sets[set].words[i]; *c; c++)
            rc_buf_printf(&b, "%c", tolower((unsigned char)*c));
    }
    return rc_buf_take(&b);
}

const char *rc_acl_principal_problem(const char *p, bool allow_wildcard)
{
    if (!p || !*p)
        return "a principal is \"Type:name\", e.g. User:orders-api; it is empty";
    const char *colon = strchr(p, ':');
    if (!colon)
        return "a principal is \"Type:name\", e.g. User:orders-api; the \"Type:\" is missing";
    if (colon == p)
        return "the principal type before ':' is empty (e.g. User:orders-api)";
    for (const char *c = p; c < colon; c++)
        if (!isalpha((unsigned char)*c))
            return "the principal type before ':' must be letters only (User, Group, ...)";
    const char *name = colon + 1;
    if (!*name)
        return "the principal name after ':' is empty";
    if (isspace((unsigned char)name[0]) || isspace((unsigned char)name[strlen(name) - 1]))
        return "the principal name must not start or end with a space";
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return "the principal name must not hold control characters";
    if (!strcmp(name, "*") && !allow_wildcard)
        return "a service needs its own principal, not the wildcard \"*\"";
    return NULL;
}

char *rc_acl_binding_text(const rc_acl_binding *b)
{
    rc_buf out = {0};
    rc_buf_printf(&out, "%s %s%s %s %s", b->principal, b->permission == RC_ACL_DENY ? "DENY " : "",
                  rc_acl_operation_name(b->operation), rc_acl_resource_name(b->resource), b->name);
    if (b->pattern == RC_ACL_PAT_PREFIXED)
        rc_buf_puts(&out, " (prefixed)");
    if (b->host && strcmp(b->host, "*"))
        rc_buf_printf(&out, " from host %s", b->host);
    return rc_buf_take(&out);
}

static int int_cmp(int a, int b)
{
    return (a > b) - (a < b);
}

int rc_acl_binding_cmp(const rc_acl_binding *a, const rc_acl_binding *b)
{
    int c = strcmp(a->principal, b->principal);
    if (!c)
        c = int_cmp((int)a->resource, (int)b->resource);
    if (!c)
        c = int_cmp((int)a->pattern, (int)b->pattern);
    if (!c)
        c = strcmp(a->name, b->name);
    if (!c)
        c = int_cmp((int)a->operation, (int)b->operation);
    if (!c)
        c = int_cmp((int)a->permission, (int)b->permission);
    if (!c)
        c = strcmp(a->host, b->host);
    return c;
}

static char *dup_or_null(const char *s)
{
    return s ? rc_xstrdup(s) : NULL;
}

void rc_acl_binding_copy(rc_acl_binding *dst, const rc_acl_binding *src)
{
    *dst = *src;
    dst->name = rc_xstrdup(src->name);
    dst->principal = rc_xstrdup(src->principal);
    dst->host = rc_xstrdup(src->host ? src->host : "*");
    dst->topic = dup_or_null(src->topic);
    dst->service = dup_or_null(src->service);
    dst->team = dup_or_null(src->team);
}

void rc_acl_binding_clear(rc_acl_binding *b)
{
    free(b->name);
    free(b->principal);
    free(b->host);
    free(b->topic);
    free(b->service);
    free(b->team);
    memset(b, 0, sizeof(*b));
}

void rc_acl_set_add(rc_acl_set *s, const rc_acl_binding *b)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = rc_xrealloc(s->items, s->cap * sizeof(*s->items));
    }
    rc_acl_binding_copy(&s->items[s->len++], b);
}

/* A binding with its position, so that equal bindings keep the order they
 * were added in (qsort is not stable) and the first one's origin wins. */
typedef struct ranked {
    rc_acl_binding b;
    size_t pos;
} ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    int c = rc_acl_binding_cmp(&a->b, &b->b);
    return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

void rc_acl_set_normalise(rc_acl_set *s)
{
    if (s->len < 2)
        return;
    ranked *r = rc_xcalloc(s->len, sizeof(*r));
    for (size_t i = 0; i < s->len; i++)
        r[i] = (ranked){s->items[i], i};
    qsort(r, s->len, sizeof(*r), ranked_cmp);
    size_t w = 0;
    for (size_t i = 0; i < s->len; i++) {
        if (w > 0 && rc_acl_binding_cmp(&s->items[w - 1], &r[i].b) == 0)
            rc_acl_binding_clear(&r[i].b);
        else
            s->items[w++] = r[i].b;
    }
    s->len = w;
    free(r);
}

static int binding_key_cmp(const void *key, const void *item)
{
    return rc_acl_binding_cmp(key, item);
}

const rc_acl_binding *rc_acl_set_find(const rc_acl_set *s, const rc_acl_binding *b)
{
    return s->len ? bsearch(b, s->items, s->len, sizeof(*s->items), binding_key_cmp) : NULL;
}

void rc_acl_set_free(rc_acl_set *s)
{
    for (size_t i = 0; i < s->len; i++)
        rc_acl_binding_clear(&s->items[i]);
    free(s->items);
    memset(s, 0, sizeof(*s));
}

/* ---- derivation ------------------------------------------------------------ */

static int service_key_cmp(const void *key, const void *item)
{
    return strcmp(key, ((const rc_service *)item)->name);
}

const rc_service *rc_repo_service(const rc_repo *r, const char *name)
{
    if (!r || r->nservices == 0)
        return NULL;
    return bsearch(name, r->services, r->nservices, sizeof(*r->services), service_key_cmp);
}

const rc_service *rc_repo_service_by_principal(const rc_repo *r, const char *principal)
{
    for (size_t i = 0; r && i < r->nservices; i++)
        if (!strcmp(r->services[i].principal, principal))
            return &r->services[i];
    return NULL;
}

bool rc_acl_cluster_managed(const rc_cluster_decl *c)
{
    if (c->access_declared)
        return true;
    for (size_t i = 0; i < c->ntopics; i++) {
        if (c->topics[i].nproducers > 0)
            return true;
        for (size_t k = 0; c->topics[i].consumer_services && k < c->topics[i].nconsumers; k++)
            if (c->topics[i].consumer_services[k])
                return true;
    }
    return false;
}

/* One derived binding of service svc (borrowed strings; the set copies). */
static void add_derived(rc_acl_set *out, const rc_service *svc, const char *topic,
                        rc_acl_resource res, const char *name, rc_acl_operation op)
{
    rc_acl_binding b = {.resource = res,
                        .pattern = RC_ACL_PAT_LITERAL,
                        .name = (char *)name,
                        .principal = svc->principal,
                        .host = "*",
                        .operation = op,
                        .permission = RC_ACL_ALLOW,
                        .topic = (char *)topic,
                        .service = svc->name,
                        .team = svc->team};
    rc_acl_set_add(out, &b);
}

static void derive_topic(rc_acl_set *out, const rc_repo *repo, const rc_cluster_decl *c,
                         const rc_topic_decl *t)
{
    for (size_t k = 0; k < t->nproducers; k++) {
        const rc_service *s = rc_repo_service(repo, t->producers[k]);
        if (!s)
            continue;
        add_derived(out, s, t->name, RC_ACL_RES_TOPIC, t->name, RC_ACL_OP_WRITE);
        add_derived(out, s, t->name, RC_ACL_RES_TOPIC, t->name, RC_ACL_OP_DESCRIBE);
        if (c->idempotent_write)
            add_derived(out, s, t->name, RC_ACL_RES_CLUSTER, "kafka-cluster",
                        RC_ACL_OP_IDEMPOTENT_WRITE);
    }
    for (size_t k = 0; t->consumer_services && k < t->nconsumers; k++) {
        const rc_service *s =
            t->consumer_services[k] ? rc_repo_service(repo, t->consumer_services[k]) : NULL;
        if (!s)
            continue;
        add_derived(out, s, t->name, RC_ACL_RES_TOPIC, t->name, RC_ACL_OP_READ);
        add_derived(out, s, t->name, RC_ACL_RES_TOPIC, t->name, RC_ACL_OP_DESCRIBE);
        add_derived(out, s, t->name, RC_ACL_RES_GROUP, t->consumers[k], RC_ACL_OP_READ);
    }
}

void rc_acl_derive(rc_acl_set *out, const rc_repo *repo, const rc_cluster_decl *c)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < c->ntopics; i++)
        derive_topic(out, repo, c, &c->topics[i]);
    for (size_t i = 0; i < c->extra_bindings.len; i++) {
        rc_acl_binding b = c->extra_bindings.items[i];
        const rc_service *s = rc_repo_service_by_principal(repo, b.principal);
        if (s && !b.team) {
            b.service = s->name;
            b.team = s->team;
        }
        rc_acl_set_add(out, &b);
    }
    rc_acl_set_normalise(out);
}
