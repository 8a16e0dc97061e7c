/* decl_topic.c — topic documents, and each cluster's finish: duplicates,
 * name collisions, order, what validate cannot check yet. */
#include "decl_parse.h"

#include "secrets.h"
#include "topic_config.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TK_NAME,
    TK_PARTITIONS,
    TK_RF,
    TK_OWNER,
    TK_MESSAGE,
    TK_DESCRIPTION,
    TK_CONFIG,
    TK_LAG,
    TK_CONSUMERS,
    TK_THROUGHPUT,
    TK_ALERTS,
    TK_PRODUCERS
};
static const char *const topic_keys[] = {
    "name",   "partitions", "replication_factor", "owner",      "message", "description",
    "config", "lag",        "consumers",          "throughput", "alerts",  "producers"};
static const char *const throughput_keys[] = {"messages_per_second"};

/* ---- topic documents ----------------------------------------------------------- */

static const rc_team *find_team(const rc_repo *r, const char *name)
{
    size_t lo = 0, hi = r->nteams;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->teams[mid].name, name);
        if (c == 0)
            return &r->teams[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Value at a policy.required_fields path ("lag.max"), NULL when absent/null. */
static const rc_ynode *field_at(const rc_ynode *root, const char *path)
{
    const char *dot = strchr(path, '.');
    if (!dot)
        return present(rc_ynode_get(root, path)) ? rc_ynode_get(root, path) : NULL;
    char head[64];
    snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
    const rc_ynode *sub = rc_ynode_get(root, head);
    if (!sub || sub->kind != RC_YNODE_MAPPING)
        return NULL;
    const rc_ynode *leaf = rc_ynode_get(sub, dot + 1);
    return present(leaf) ? leaf : NULL;
}

static rc_topic_decl *add_topic(cluster_ctx *cc, size_t seq)
{
    rc_cluster_decl *c = cc->c;
    if (c->ntopics == cc->topics_cap) {
        cc->topics_cap = cc->topics_cap ? cc->topics_cap * 2 : 16;
        c->topics = rc_xrealloc(c->topics, cc->topics_cap * sizeof(*c->topics));
        cc->topic_seq = rc_xrealloc(cc->topic_seq, cc->topics_cap * sizeof(*cc->topic_seq));
    }
    cc->topic_seq[c->ntopics] = seq;
    rc_topic_decl *t = &c->topics[c->ntopics++];
    memset(t, 0, sizeof(*t));
    return t;
}

/* One topic document being parsed: what its field parsers share. */
typedef struct topic_doc {
    ctx *x;
    cluster_ctx *cc;
    const teams_ctx *tc;
    const rc_ypair *const *s; /* by TK_* */
    const rc_ynode *root;
    rc_topic_decl *t;
    bool partitions_declared, partitions_reported;
    const rc_ynode *rf_node; /* the declared replication factor, NULL when defaulted */
} topic_doc;

/* partitions: declared, else the cluster default; required otherwise */
static void topic_partitions(topic_doc *d)
{
    rc_cluster_decl *c = d->cc->c;
    cluster_ctx *cc = d->cc;
    ctx *x = d->x;
    rc_topic_decl *t = d->t;
    const rc_ypair *const *s = d->s;
    const rc_ynode *root = d->root;
    const rc_ynode *n;
    if ((n = val(s[TK_PARTITIONS])) && want_int(x, n, "partitions", &t->partitions)) {
        d->partitions_declared = true;
        if (t->partitions < 1)
            diag(x, E, n, "partitions", "partitions must be at least 1, got %d", t->partitions);
        else if (c->max_partitions && t->partitions > c->max_partitions)
            diag(x, E, n, "partitions",
                 "%d partitions is above this cluster's "
                 "policy.max_partitions (%d)",
                 t->partitions, c->max_partitions);
    } else if (!n) {
        if (c->default_partitions > 0) {
            t->partitions = c->default_partitions;
        } else if (cc->usable) {
            diag(x, E, s[TK_PARTITIONS] ? s[TK_PARTITIONS]->key : root, "required",
                 "missing required field \"partitions\" (%s sets no defaults.partitions)", c->file);
            d->partitions_reported = true;
        }
    }
}

/* replication factor: declared, else the cluster default, else the broker's */
static void topic_replication_factor(topic_doc *d)
{
    rc_cluster_decl *c = d->cc->c;
    cluster_ctx *cc = d->cc;
    ctx *x = d->x;
    rc_topic_decl *t = d->t;
    const rc_ypair *const *s = d->s;
    const rc_ynode *n;
    t->replication_factor = c->default_replication_factor > 0 ? c->default_replication_factor : -1;
    if (!s[TK_RF] && t->replication_factor <= 0)
        cc->topics_without_rf++;
    if ((n = val(s[TK_RF])) && want_int(x, n, "replication_factor", &t->replication_factor)) {
        d->rf_node = n;
        int rf = t->replication_factor;
        if (rf < 1)
            diag(x, E, n, "replication-factor", "replication_factor must be at least 1, got %d",
                 rf);
        else if (rf < c->min_replication_factor)
            diag(x, E, n, "replication-factor",
                 "replication_factor %d is below this cluster's policy.min_replication_factor "
                 "(%d)",
                 rf, c->min_replication_factor);
        else if (c->max_replication_factor && rf > c->max_replication_factor)
            diag(x, E, n, "replication-factor",
                 "replication_factor %d is above this cluster's policy.max_replication_factor "
                 "(%d)",
                 rf, c->max_replication_factor);
    }
}

/* owner (a team of _teams.yaml), message, description */
static void topic_owner(topic_doc *d)
{
    ctx *x = d->x;
    rc_topic_decl *t = d->t;
    const rc_ypair *const *s = d->s;
    const rc_ynode *root = d->root;
    const rc_ynode *n;
    if (!(n = val(s[TK_OWNER]))) {
        diag(x, E, s[TK_OWNER] ? s[TK_OWNER]->key : root, "required",
             "missing required field \"owner\"");
    } else if (!want_string(x, n, "owner", true, &t->owner)) {
        /* reported */
    } else if (!strcmp(t->owner, RC_DECL_OWNER_PLACEHOLDER)) {
        diag(x, E, n, "owner-unset",
             "topic \"%s\" has no owner yet (the placeholder reconcile import writes): set "
             "owner to a team of topics/_teams.yaml, or import again with --owner-map",
             t->name ? t->name : "");
    } else if (d->tc->usable && !find_team(d->tc->repo, t->owner)) {
        const char *dym = rc_did_you_mean(t->owner, d->tc->names, d->tc->repo->nteams);
        diag(x, E, n, "unknown-team", "owner \"%s\" is not a team in topics/_teams.yaml%s%s%s",
             t->owner, dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "");
    }
    if ((n = val(s[TK_MESSAGE])))
        want_string(x, n, "message", true, &t->message);
    if ((n = val(s[TK_DESCRIPTION])))
        want_string(x, n, "description", false, &t->description);
}

/* config: cluster defaults first, the declaration on top; then
 * min.insync.replicas against the replication factor */
static void topic_config(topic_doc *d)
{
    rc_cluster_decl *c = d->cc->c;
    ctx *x = d->x;
    rc_topic_decl *t = d->t;
    const rc_ypair *const *s = d->s;
    const rc_ynode *n;
    const rc_ynode *misr = NULL;
    rc_kvlist_copy(&t->config, &c->default_config);
    if ((n = val(s[TK_CONFIG])))
        parse_config(x, n, "config", &t->config, c->allowed_config_keys, c->nallowed_config_keys,
                     &misr);
    rc_kvlist_sort(&t->config);
    const char *misr_val = rc_kvlist_get(&t->config, "min.insync.replicas");
    long long m;
    if (misr_val && t->replication_factor > 0 && parse_ll(misr_val, &m) == 0 &&
        m > t->replication_factor) {
        /* Both from the defaults: reported once on the cluster file. */
        const rc_ynode *at = misr ? misr : d->rf_node;
        if (at)
            diag(x, E, at, "min-insync",
                 "min.insync.replicas %lld%s is above the replication factor %d%s: every "
                 "acks=all produce would fail",
                 m, misr ? "" : " (from defaults.config)", t->replication_factor,
                 d->rf_node ? "" : " (from defaults.replication_factor)");
    }
}

/* lag: the high-lag alert's thresholds */
static void topic_lag(topic_doc *d)
{
    ctx *x = d->x;
    rc_topic_decl *t = d->t;
    const rc_ypair *const *s = d->s;
    const rc_ynode *n;
    if ((n = val(s[TK_LAG]))) {
        lag_decl lag = {0};
        parse_lag(x, n, "lag", true, &lag);
        t->lag_max_seconds = lag.max_seconds;
        t->lag_max_offsets = lag.max_offsets;
        t->lag_for_seconds = lag.for_seconds;
        t->severity = lag.severity;
    }
}

/* consumers (groups, with the services consuming with them) and producers */
static void topic_access(topic_doc *d)
{
    const rc_ynode *n;
    if ((n = val(d->s[TK_CONSUMERS])))
        parse_topic_consumers(d->x, d->tc, n, d->t);
    if ((n = val(d->s[TK_PRODUCERS])))
        parse_topic_producers(d->x, d->tc, n, d->t);
}

/* throughput, and the napkin math against the partitions */
static void topic_throughput(topic_doc *d)
{
    rc_cluster_decl *c = d->cc->c;
    ctx *x = d->x;
    rc_topic_decl *t = d->t;
    const rc_ypair *const *s = d->s;
    const rc_ynode *n;
    const rc_ynode *mps_node = NULL;
    if ((n = val(s[TK_THROUGHPUT]))) {
        const rc_ypair *ts[1];
        if (walk_map(x, n, "throughput", throughput_keys, 1, ts) && (n = val(ts[0])) &&
            want_number(x, n, "throughput.messages_per_second", &t->messages_per_second)) {
            if (t->messages_per_second <= 0) {
                diag(x, E, n, "throughput", "throughput.messages_per_second must be positive");
                t->messages_per_second = 0;
            } else {
                mps_node = n;
            }
        }
    }
    /* The napkin math: a partition is consumed by one member of a group, so
     * partitions bound a group's parallelism; too few cannot be fixed later
     * without reshuffling keys. */
    double per = c->partition_messages_per_second;
    if (mps_node && per > 0 && t->partitions > 0) {
        double need = ceil(t->messages_per_second / per);
        if (need > t->partitions)
            diag(x, W, mps_node, "throughput",
                 "%g messages/s at %g per partition (policy.partition_messages_per_second) "
                 "needs at least %.0f partitions, %s %d",
                 t->messages_per_second, per, need,
                 d->partitions_declared ? "declared" : "defaults.partitions gives", t->partitions);
    }
}

/* alerts: the opt-in signals (decl_alerts.c); after topic_access, which
 * no_consumption needs */
static void topic_alerts(topic_doc *d)
{
    const rc_ynode *n;
    if ((n = val(d->s[TK_ALERTS])))
        parse_topic_alerts(d->x, n, d->t);
}

/* what policy.required_fields asks for beyond the required fields */
static void topic_required(topic_doc *d)
{
    rc_cluster_decl *c = d->cc->c;
    cluster_ctx *cc = d->cc;
    ctx *x = d->x;
    const rc_ynode *root = d->root;
    for (size_t i = 0; i < cc->nrequired_fields; i++) {
        const char *f = cc->required_fields[i];
        if (!strcmp(f, "name") || !strcmp(f, "owner") ||
            (!strcmp(f, "partitions") && d->partitions_reported))
            continue; /* already required, already reported */
        if (!field_at(root, f))
            diag(x, E, root, "required",
                 "missing field \"%s\" (required by policy.required_fields in %s)", f, c->file);
    }
}

void parse_topic(ctx *x, cluster_ctx *cc, const teams_ctx *tc, const rc_ynode *root, size_t seq)
{
    rc_cluster_decl *c = cc->c;
    if (!present(root))
        return; /* empty document, e.g. a trailing `---` */
    const rc_ypair *s[ARRAY_LEN(topic_keys)];
    if (root->kind != RC_YNODE_MAPPING) {
        diag(x, E, root, "type", "a topic document must be a map of fields, got %s",
             rc_ynode_kind_name(root));
        return;
    }
    walk_map(x, root, "topic", topic_keys, ARRAY_LEN(topic_keys), s);

    const rc_ynode *name_node = val(s[TK_NAME]);
    char *name = NULL;
    if (!name_node) {
        diag(x, E, s[TK_NAME] ? s[TK_NAME]->key : root, "required",
             "missing required field \"name\"");
    } else if (want_string(x, name_node, "name", false, &name)) {
        check_topic_name(x, name_node, name);
        if (cc->has_re && !rc_decl_topic_name_problem(name) &&
            regexec(&cc->re, name, 0, NULL, 0) != 0)
            diag(x, E, name_node, "name-pattern",
                 "topic name \"%s\" does not match this cluster's policy.name_pattern %s", name,
                 c->name_pattern);
    }
    /* Keep what could be parsed (the caller may still want it), but only
     * topics with a name: everything downstream is keyed on it. */
    rc_topic_decl scratch = {0};
    rc_topic_decl *t = name ? add_topic(cc, seq) : &scratch;
    t->name = name;
    t->file = rc_xstrdup(x->file);
    t->line = name_node ? name_node->line : root->line;
    t->col = name_node ? name_node->col : root->col;

    topic_doc d = {x, cc, tc, s, root, t, false, false, NULL};
    topic_partitions(&d);
    topic_replication_factor(&d);
    topic_owner(&d);
    topic_config(&d);
    topic_lag(&d);
    topic_access(&d);
    topic_throughput(&d);
    topic_alerts(&d);
    topic_required(&d);

    if (t == &scratch)
        rc_topic_decl_free(&scratch);
}

/* ---- per-cluster finish: duplicates, collisions, order ------------------------ */

typedef struct fold_ref {
    char *folded;
    size_t idx; /* into c->topics */
    size_t seq;
} fold_ref;

static int fold_cmp(const void *pa, const void *pb)
{
    const fold_ref *a = pa, *b = pb;
    int c = strcmp(a->folded, b->folded);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int topic_cmp(const void *pa, const void *pb)
{
    return strcmp(((const rc_topic_decl *)pa)->name, ((const rc_topic_decl *)pb)->name);
}

/* Sort once by the folded name ('.' and '_' are the same character in metric
 * names), then each group of equal folded names is either the same topic
 * twice or a collision: O(n log n) for 10,000 topics. The first declaration
 * (file order, then document order) wins; the later one is reported. */
/* Topics that declare no replication factor (and whose cluster file sets no
 * default) take the broker's; a policy bound on it can only be checked
 * against the live broker. Say so once per cluster, so a clean validate is
 * not read as "the policy holds". (Partitions are required unless
 * defaulted, so they never come from the broker.) */
static void note_broker_defaults(rc_diags *diags, const cluster_ctx *cc)
{
    const rc_cluster_decl *c = cc->c;
    size_t n = cc->topics_without_rf;
    if (n && (c->min_replication_factor || c->max_replication_factor))
        rc_diags_add(diags, W, c->file, 0, 0, "replication-factor",
                     "%zu topic%s of cluster %s declare%s no replication factor and the cluster "
                     "file sets no default: %s the broker's default.replication.factor, which "
                     "plan checks against the replication-factor policy (not checked here)",
                     n, n == 1 ? "" : "s", c->name, n == 1 ? "s" : "",
                     n == 1 ? "it takes" : "they take");
}

void finish_cluster(rc_diags *diags, cluster_ctx *cc)
{
    rc_cluster_decl *c = cc->c;
    size_t n = c->ntopics;
    fold_ref *refs = rc_xcalloc(n, sizeof(*refs));
    for (size_t i = 0; i < n; i++) {
        refs[i].folded = rc_xstrdup(c->topics[i].name);
        for (char *p = refs[i].folded; *p; p++)
            if (*p == '.')
                *p = '_';
        refs[i].idx = i;
        refs[i].seq = cc->topic_seq[i];
    }
    qsort(refs, n, sizeof(*refs), fold_cmp);
    bool *drop = rc_xcalloc(n, sizeof(*drop));
    for (size_t g = 0; g < n;) {
        size_t end = g + 1;
        while (end < n && !strcmp(refs[end].folded, refs[g].folded))
            end++;
        for (size_t j = g + 1; j < end; j++) {
            const rc_topic_decl *t = &c->topics[refs[j].idx];
            const rc_topic_decl *same = NULL;
            for (size_t k = g; k < j && !same; k++)
                if (!drop[refs[k].idx] && !strcmp(c->topics[refs[k].idx].name, t->name))
                    same = &c->topics[refs[k].idx];
            if (same) {
                rc_diags_add(diags, E, t->file, t->line, t->col, "duplicate-topic",
                             "topic \"%s\" is already declared in cluster %s at %s:%d:%d", t->name,
                             c->name, same->file, same->line, same->col);
                drop[refs[j].idx] = true;
            } else {
                const rc_topic_decl *first = &c->topics[refs[g].idx];
                rc_diags_add(diags, E, t->file, t->line, t->col, "name-collision",
                             "topic \"%s\" collides with \"%s\" (%s:%d:%d) once '.' and '_' are "
                             "folded in metric names; Kafka refuses such pairs",
                             t->name, first->name, first->file, first->line, first->col);
            }
        }
        g = end;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (drop[i]) {
            rc_topic_decl_free(&c->topics[i]);
            continue;
        }
        if (w != i)
            c->topics[w] = c->topics[i];
        w++;
    }
    c->ntopics = w;
    if (c->ntopics > 1)
        qsort(c->topics, c->ntopics, sizeof(*c->topics), topic_cmp);
    for (size_t i = 0; i < n; i++)
        free(refs[i].folded);
    free(refs);
    free(drop);

    for (size_t i = 0; i < c->ntopics; i++) {
        const rc_topic_decl *t = &c->topics[i];
        for (size_t k = 0; k < c->nignore_patterns; k++)
            if (fnmatch(c->ignore_patterns[k], t->name, 0) == 0) {
                rc_diags_add(diags, W, t->file, t->line, t->col, "ignored-topic",
                             "topic \"%s\" matches policy.ignore pattern \"%s\": plan and apply "
                             "will never touch it",
                             t->name, c->ignore_patterns[k]);
                break;
            }
    }
    note_broker_defaults(diags, cc);
}
