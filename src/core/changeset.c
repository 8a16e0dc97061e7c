/* changeset.c — base vs head declarations: file deltas, topic deltas. */
#include "changeset.h"

#include "kind.h"

#include "topic_config.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_DEFAULT "(default)"
#define LABEL_NONE "(none)"

/* Above this many line pairs the quadratic LCS is not attempted. */
#define LCS_MAX_CELLS ((size_t)4 * 1024 * 1024)

/* ---- small helpers ------------------------------------------------------------- */

static int strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool parse_ll_strict(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '-')
        p++;
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end)
        return false;
    *out = v;
    return true;
}

static char *bytes_display(long long v)
{
    static const struct {
        const char *unit;
        long long size;
    } units[] = {
        {"TiB", 1024LL * 1024 * 1024 * 1024},
        {"GiB", 1024LL * 1024 * 1024},
        {"MiB", 1024LL * 1024},
        {"KiB", 1024LL},
        {"TB", 1000LL * 1000 * 1000 * 1000},
        {"GB", 1000LL * 1000 * 1000},
        {"MB", 1000LL * 1000},
        {"KB", 1000LL},
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (v >= units[i].size && v % units[i].size == 0)
            return rc_xasprintf("%lld%s", v / units[i].size, units[i].unit);
    return rc_xasprintf("%lld", v);
}

char *rc_changeset_display_config(const char *key, const char *canonical)
{
    const rc_cfg_key *k = rc_topic_config_lookup(key);
    long long v;
    /* Only positive values: -1 means "unlimited" and reads best as it is. */
    if (k && parse_ll_strict(canonical, &v) && v > 0) {
        /* Whole days read as days (retention is thought of in days: "7d",
         * not the "1w" Prometheus would write); the rest as Prometheus does. */
        if (k->type == RC_CFG_T_DURATION_MS && v % 86400000 == 0)
            return rc_xasprintf("%lldd", v / 86400000);
        if (k->type == RC_CFG_T_DURATION_MS && v % 1000 == 0)
            return rc_units_format_duration_s(v / 1000);
        if (k->type == RC_CFG_T_BYTES)
            return bytes_display(v);
    }
    return rc_xstrdup(canonical);
}

/* ---- line diff ----------------------------------------------------------------- */

typedef struct line_ref {
    const char *p;
    size_t len;
    uint64_t hash;
} line_ref;

static line_ref *split_lines(const char *s, size_t len, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n')
            count++;
    if (len > 0 && s[len - 1] != '\n')
        count++;
    line_ref *v = rc_xcalloc(count ? count : 1, sizeof(*v));
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len && k < count; i++) {
        if (i == len || s[i] == '\n') {
            line_ref *l = &v[k++];
            l->p = s + start;
            l->len = i - start;
            uint64_t h = 1469598103934665603ULL; /* FNV-1a */
            for (size_t j = 0; j < l->len; j++) {
                h ^= (unsigned char)l->p[j];
                h *= 1099511628211ULL;
            }
            l->hash = h;
            start = i + 1;
        }
    }
    *n = count;
    return v;
}

static bool line_eq(const line_ref *a, const line_ref *b)
{
    return a->hash == b->hash && a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

void rc_changeset_changed_lines(int **out, size_t *nout, size_t *nremoved, const char *base,
                                size_t base_len, const char *head, size_t head_len)
{
    size_t nb = 0, nh = 0;
    line_ref *b = split_lines(base ? base : "", base ? base_len : 0, &nb);
    line_ref *h = split_lines(head ? head : "", head ? head_len : 0, &nh);
    bool *changed = rc_xcalloc(nh ? nh : 1, sizeof(*changed));
    size_t removed = 0;

    size_t pre = 0;
    while (pre < nb && pre < nh && line_eq(&b[pre], &h[pre]))
        pre++;
    size_t suf = 0;
    while (suf < nb - pre && suf < nh - pre && line_eq(&b[nb - 1 - suf], &h[nh - 1 - suf]))
        suf++;
    size_t mb = nb - pre - suf, mh = nh - pre - suf;
    const line_ref *bb = b + pre, *hh = h + pre;

    if (mb == 0 || mh == 0 || mb > LCS_MAX_CELLS / mh) {
        for (size_t j = 0; j < mh; j++)
            changed[pre + j] = true;
        removed = mb;
    } else {
        /* L[i][j]: LCS length of bb[i..] and hh[j..]; at most 4 Mi cells,
         * so the table stays under 16 MiB. */
        size_t w = mh + 1;
        uint32_t *L = rc_xcalloc((mb + 1) * w, sizeof(*L));
        for (size_t i = mb; i-- > 0;)
            for (size_t j = mh; j-- > 0;) {
                if (line_eq(&bb[i], &hh[j]))
                    L[i * w + j] = L[(i + 1) * w + j + 1] + 1;
                else {
                    uint32_t down = L[(i + 1) * w + j], right = L[i * w + j + 1];
                    L[i * w + j] = down >= right ? down : right;
                }
            }
        size_t i = 0, j = 0;
        while (i < mb && j < mh) {
            if (line_eq(&bb[i], &hh[j])) {
                i++;
                j++;
            } else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) {
                removed++;
                i++;
            } else {
                changed[pre + j] = true;
                j++;
            }
        }
        removed += mb - i;
        for (; j < mh; j++)
            changed[pre + j] = true;
        free(L);
    }

    size_t n = 0;
    for (size_t j = 0; j < nh; j++)
        n += changed[j];
    int *lines = NULL;
    if (n > 0) {
        lines = rc_xcalloc(n, sizeof(*lines));
        size_t k = 0;
        for (size_t j = 0; j < nh; j++)
            if (changed[j])
                lines[k++] = (int)(j + 1);
    }
    *out = lines;
    *nout = n;
    if (nremoved)
        *nremoved = removed;
    free(changed);
    free(b);
    free(h);
}

/* ---- file deltas ------------------------------------------------------------- */

static const rc_source_file **topic_files(const rc_source *src, size_t *n)
{
    size_t count = 0;
    const rc_source_file **v = rc_xcalloc(src && src->nfiles ? src->nfiles : 1, sizeof(*v));
    for (size_t i = 0; src && i < src->nfiles; i++)
        if (strncmp(src->files[i].path, "topics/", 7) == 0)
            v[count++] = &src->files[i];
    *n = count;
    return v;
}

static int srcfile_cmp(const void *a, const void *b)
{
    return strcmp((*(const rc_source_file *const *)a)->path,
                  (*(const rc_source_file *const *)b)->path);
}

static rc_file_delta *add_file(rc_changeset *cs, size_t *cap, const char *path, rc_file_change ch)
{
    if (cs->nfiles == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        cs->files = rc_xrealloc(cs->files, *cap * sizeof(*cs->files));
    }
    rc_file_delta *d = &cs->files[cs->nfiles++];
    memset(d, 0, sizeof(*d));
    d->path = rc_xstrdup(path);
    d->change = ch;
    return d;
}

static void compute_files(rc_changeset *cs, const rc_source *base_src, const rc_source *head_src)
{
    size_t nb = 0, nh = 0, cap = 0;
    const rc_source_file **b = topic_files(base_src, &nb);
    const rc_source_file **h = topic_files(head_src, &nh);
    /* Sources come sorted; sorting again costs little and makes the merge
     * safe for any caller. */
    qsort(b, nb, sizeof(*b), srcfile_cmp);
    qsort(h, nh, sizeof(*h), srcfile_cmp);
    size_t i = 0, j = 0;
    while (i < nb || j < nh) {
        int c = i == nb ? 1 : j == nh ? -1 : strcmp(b[i]->path, h[j]->path);
        if (c < 0) {
            rc_file_delta *d = add_file(cs, &cap, b[i]->path, RC_FILE_REMOVED);
            int *none = NULL;
            size_t n0 = 0;
            rc_changeset_changed_lines(&none, &n0, &d->lines_removed, b[i]->content, b[i]->len, "",
                                       0);
            free(none);
            cs->files_removed++;
            i++;
        } else if (c > 0) {
            rc_file_delta *d = add_file(cs, &cap, h[j]->path, RC_FILE_ADDED);
            rc_changeset_changed_lines(&d->head_lines, &d->nhead_lines, NULL, "", 0, h[j]->content,
                                       h[j]->len);
            cs->files_added++;
            j++;
        } else {
            if (b[i]->len != h[j]->len || memcmp(b[i]->content, h[j]->content, h[j]->len) != 0) {
                rc_file_delta *d = add_file(cs, &cap, h[j]->path, RC_FILE_MODIFIED);
                rc_changeset_changed_lines(&d->head_lines, &d->nhead_lines, &d->lines_removed,
                                           b[i]->content, b[i]->len, h[j]->content, h[j]->len);
                cs->files_modified++;
            }
            i++;
            j++;
        }
    }
    free(b);
    free(h);

    cs->nhead_paths = 0;
    cs->head_paths =
        rc_xcalloc(head_src && head_src->nfiles ? head_src->nfiles : 1, sizeof(*cs->head_paths));
    for (size_t k = 0; head_src && k < head_src->nfiles; k++)
        cs->head_paths[cs->nhead_paths++] = rc_xstrdup(head_src->files[k].path);
    qsort(cs->head_paths, cs->nhead_paths, sizeof(*cs->head_paths), strp_cmp);
}

/* ---- topic field comparison -------------------------------------------------- */

typedef struct fields {
    rc_field_change *v;
    size_t n, cap;
} fields;

static void field_add(fields *f, rc_field_kind kind, const char *field, const char *old_value,
                      const char *new_value, const char *unset)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->v = rc_xrealloc(f->v, f->cap * sizeof(*f->v));
    }
    rc_field_change *c = &f->v[f->n++];
    c->kind = kind;
    c->field = rc_xstrdup(field);
    c->old_value = old_value ? rc_xstrdup(old_value) : NULL;
    c->new_value = new_value ? rc_xstrdup(new_value) : NULL;
    c->unset = unset;
}

/* Takes ownership of old_value and new_value. */
static void field_add_owned(fields *f, rc_field_kind kind, const char *field, char *old_value,
                            char *new_value, const char *unset)
{
    field_add(f, kind, field, old_value, new_value, unset);
    free(old_value);
    free(new_value);
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void cmp_str(fields *f, rc_field_kind kind, const char *field, const char *a, const char *b,
                    const char *unset)
{
    /* An empty string and no value read the same to a reviewer. */
    if (a && !*a)
        a = NULL;
    if (b && !*b)
        b = NULL;
    if (!str_eq(a, b))
        field_add(f, kind, field, a, b, unset);
}

static char *int_or_null(int v)
{
    return v > 0 ? rc_xasprintf("%d", v) : NULL;
}

static char *duration_or_null(long long seconds)
{
    return seconds > 0 ? rc_units_format_duration_s(seconds) : NULL;
}

static char *lag_max_text(const rc_topic_decl *t)
{
    if (t->lag_max_offsets > 0)
        return rc_xasprintf("%lld messages", t->lag_max_offsets);
    return duration_or_null(t->lag_max_seconds);
}

static char *double_or_null(double v)
{
    return v > 0 ? rc_xasprintf("%g", v) : NULL;
}

/* A topic's consumers as "group" or "group (service)", and its producers. */
static char **consumer_items(const rc_topic_decl *t)
{
    char **v = rc_xcalloc(t->nconsumers ? t->nconsumers : 1, sizeof(*v));
    for (size_t i = 0; i < t->nconsumers; i++) {
        const char *svc = t->consumer_services ? t->consumer_services[i] : NULL;
        v[i] = svc ? rc_xasprintf("%s (%s)", t->consumers[i], svc) : rc_xstrdup(t->consumers[i]);
    }
    return v;
}

static char **producer_items(const rc_topic_decl *t)
{
    char **v = rc_xcalloc(t->nproducers ? t->nproducers : 1, sizeof(*v));
    for (size_t i = 0; i < t->nproducers; i++)
        v[i] = rc_xstrdup(t->producers[i]);
    return v;
}

static void free_items(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static char *join_items(char *const *v, size_t n)
{
    if (n == 0)
        return NULL;
    rc_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            rc_buf_puts(&b, ", ");
        rc_buf_puts(&b, v[i]);
    }
    return rc_buf_take(&b);
}

static char **sorted_copy(char *const *v, size_t n)
{
    char **s = rc_xcalloc(n ? n : 1, sizeof(*s));
    for (size_t i = 0; i < n; i++)
        s[i] = v[i];
    qsort(s, n, sizeof(*s), strp_cmp);
    return s;
}

/* Equal as sets (the lists hold no duplicates). */
static bool items_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    char **x = sorted_copy(a, na);
    char **y = sorted_copy(b, nb);
    bool eq = true;
    for (size_t i = 0; eq && i < na; i++)
        eq = strcmp(x[i], y[i]) == 0;
    free(x);
    free(y);
    return eq;
}

/* consumers and producers: a field each, compared as sets */
static void cmp_access(fields *f, const rc_topic_decl *a, const rc_topic_decl *b)
{
    char **ca = consumer_items(a), **cb = consumer_items(b);
    if (!items_equal(ca, a->nconsumers, cb, b->nconsumers))
        field_add_owned(f, RC_FIELD_SCALAR, "consumers", join_items(ca, a->nconsumers),
                        join_items(cb, b->nconsumers), LABEL_NONE);
    free_items(ca, a->nconsumers);
    free_items(cb, b->nconsumers);
    char **pa = producer_items(a), **pb = producer_items(b);
    if (!items_equal(pa, a->nproducers, pb, b->nproducers))
        field_add_owned(f, RC_FIELD_SCALAR, "producers", join_items(pa, a->nproducers),
                        join_items(pb, b->nproducers), LABEL_NONE);
    free_items(pa, a->nproducers);
    free_items(pb, b->nproducers);
}

static int kvp_cmp(const void *a, const void *b)
{
    return strcmp((*(const rc_kv *const *)a)->key, (*(const rc_kv *const *)b)->key);
}

static const rc_kv **sorted_kv(const rc_kvlist *l)
{
    const rc_kv **v = rc_xcalloc(l->len ? l->len : 1, sizeof(*v));
    for (size_t i = 0; i < l->len; i++)
        v[i] = &l->items[i];
    qsort(v, l->len, sizeof(*v), kvp_cmp);
    return v;
}

static void cmp_config(fields *f, const rc_kvlist *a, const rc_kvlist *b)
{
    const rc_kv **x = sorted_kv(a), **y = sorted_kv(b);
    size_t i = 0, j = 0;
    while (i < a->len || j < b->len) {
        int c = i == a->len ? 1 : j == b->len ? -1 : strcmp(x[i]->key, y[j]->key);
        if (c < 0) {
            field_add_owned(f, RC_FIELD_CONFIG, x[i]->key,
                            rc_changeset_display_config(x[i]->key, x[i]->value), NULL,
                            LABEL_DEFAULT);
            i++;
        } else if (c > 0) {
            field_add_owned(f, RC_FIELD_CONFIG, y[j]->key, NULL,
                            rc_changeset_display_config(y[j]->key, y[j]->value), LABEL_DEFAULT);
            j++;
        } else {
            /* Canonical values: "7d" and "604800000" are the same string here. */
            if (!str_eq(x[i]->value, y[j]->value))
                field_add_owned(f, RC_FIELD_CONFIG, x[i]->key,
                                rc_changeset_display_config(x[i]->key, x[i]->value),
                                rc_changeset_display_config(y[j]->key, y[j]->value), LABEL_DEFAULT);
            i++;
            j++;
        }
    }
    free(x);
    free(y);
}

/* alerts.no_production, .produce_rate_change, .no_consumption: an alert
 * that appears or goes is a change of the rendered rules */
static void compare_signals(fields *f, const rc_topic_decl *a, const rc_topic_decl *b)
{
    if (a->no_production_seconds != b->no_production_seconds)
        field_add_owned(f, RC_FIELD_SCALAR, "alerts.no_production",
                        duration_or_null(a->no_production_seconds),
                        duration_or_null(b->no_production_seconds), LABEL_NONE);
    char *ra = rc_topic_rate_change_text(a), *rb = rc_topic_rate_change_text(b);
    cmp_str(f, RC_FIELD_SCALAR, "alerts.produce_rate_change", ra, rb, LABEL_NONE);
    free(ra);
    free(rb);
    if (a->no_consumption_seconds != b->no_consumption_seconds)
        field_add_owned(f, RC_FIELD_SCALAR, "alerts.no_consumption",
                        duration_or_null(a->no_consumption_seconds),
                        duration_or_null(b->no_consumption_seconds), LABEL_NONE);
}

static void compare_topics(fields *f, const rc_topic_decl *a, const rc_topic_decl *b)
{
    if (a->partitions != b->partitions)
        field_add_owned(f, RC_FIELD_SCALAR, "partitions", int_or_null(a->partitions),
                        int_or_null(b->partitions), LABEL_DEFAULT);
    if (a->replication_factor != b->replication_factor)
        field_add_owned(f, RC_FIELD_SCALAR, "replication_factor",
                        int_or_null(a->replication_factor), int_or_null(b->replication_factor),
                        LABEL_DEFAULT);
    cmp_str(f, RC_FIELD_SCALAR, "owner", a->owner, b->owner, LABEL_NONE);
    cmp_str(f, RC_FIELD_SCALAR, "message", a->message, b->message, LABEL_NONE);
    cmp_str(f, RC_FIELD_TEXT, "description", a->description, b->description, LABEL_NONE);
    cmp_config(f, &a->config, &b->config);
    if (a->lag_max_seconds != b->lag_max_seconds || a->lag_max_offsets != b->lag_max_offsets)
        field_add_owned(f, RC_FIELD_SCALAR, "lag.max", lag_max_text(a), lag_max_text(b),
                        LABEL_DEFAULT);
    if (a->lag_for_seconds != b->lag_for_seconds)
        field_add_owned(f, RC_FIELD_SCALAR, "lag.for", duration_or_null(a->lag_for_seconds),
                        duration_or_null(b->lag_for_seconds), LABEL_DEFAULT);
    cmp_str(f, RC_FIELD_SCALAR, "lag.severity", a->severity, b->severity, LABEL_DEFAULT);
    cmp_access(f, a, b);
    if (a->messages_per_second != b->messages_per_second)
        field_add_owned(f, RC_FIELD_SCALAR, "throughput.messages_per_second",
                        double_or_null(a->messages_per_second),
                        double_or_null(b->messages_per_second), LABEL_NONE);
    if (a->skew_alert != b->skew_alert)
        field_add(f, RC_FIELD_SCALAR, "alerts.skew", a->skew_alert ? "true" : "false",
                  b->skew_alert ? "true" : "false", LABEL_DEFAULT);
    compare_signals(f, a, b);
}

/* An added topic lists what it declares: every field against an empty
 * declaration, old values dropped, unset ones left out. */
static void declared_fields(rc_topic_delta *d, const rc_topic_decl *t)
{
    rc_topic_decl empty = {0};
    fields f = {0};
    compare_topics(&f, &empty, t);
    size_t w = 0;
    for (size_t i = 0; i < f.n; i++) {
        free(f.v[i].old_value);
        f.v[i].old_value = NULL;
        if (!f.v[i].new_value) {
            free(f.v[i].field);
            continue;
        }
        f.v[w++] = f.v[i];
    }
    if (w == 0) {
        free(f.v);
        f.v = NULL;
    }
    d->fields = f.v;
    d->nfields = w;
}

/* ---- topic deltas ------------------------------------------------------------- */

static rc_topic_delta *add_topic(rc_changeset *cs, size_t *cap, const char *cluster,
                                 const rc_topic_decl *t, rc_topic_change ch)
{
    if (cs->ntopics == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        cs->topics = rc_xrealloc(cs->topics, *cap * sizeof(*cs->topics));
    }
    rc_topic_delta *d = &cs->topics[cs->ntopics++];
    memset(d, 0, sizeof(*d));
    d->cluster = rc_xstrdup(cluster);
    d->topic = rc_xstrdup(t->name);
    d->change = ch;
    d->owner = t->owner ? rc_xstrdup(t->owner) : NULL;
    d->file = rc_xstrdup(t->file ? t->file : "");
    d->line = t->line;
    d->col = t->col;
    return d;
}

/* The topics of c (which may be NULL) that have a name, in name order. */
RC_DEFINE_BY_NAME(decls_by_name, rc_topic_decl)

static const rc_topic_decl **sorted_topics(const rc_cluster_decl *c, size_t *n)
{
    return c ? decls_by_name(c->topics, c->ntopics, n) : decls_by_name(NULL, 0, n);
}

static void compute_cluster(rc_changeset *cs, size_t *cap, const char *name,
                            const rc_cluster_decl *bc, const rc_cluster_decl *hc)
{
    size_t nb = 0, nh = 0;
    const rc_topic_decl **b = sorted_topics(bc, &nb);
    const rc_topic_decl **h = sorted_topics(hc, &nh);
    size_t i = 0, j = 0;
    while (i < nb || j < nh) {
        int c = i == nb ? 1 : j == nh ? -1 : strcmp(b[i]->name, h[j]->name);
        if (c < 0) {
            add_topic(cs, cap, name, b[i], RC_TOPIC_REMOVED);
            cs->topics_removed++;
            i++;
            continue;
        }
        if (c > 0) {
            rc_topic_delta *d = add_topic(cs, cap, name, h[j], RC_TOPIC_ADDED);
            declared_fields(d, h[j]);
            cs->topics_added++;
            j++;
            continue;
        }
        /* Duplicate names are dropped by rc_decl_load, so equal names pair. */
        /* A name repeated within one side (a caller-built repo) pairs in order. */
        fields f = {0};
        compare_topics(&f, b[i], h[j]);
        bool moved = !str_eq(b[i]->file, h[j]->file);
        if (f.n > 0 || moved) {
            rc_topic_delta *d = add_topic(cs, cap, name, h[j], RC_TOPIC_MODIFIED);
            if (moved)
                d->moved_from = rc_xstrdup(b[i]->file ? b[i]->file : "");
            d->fields = f.v;
            d->nfields = f.n;
            cs->topics_modified++;
        } else {
            free(f.v);
        }
        i++;
        j++;
    }
    free(b);
    free(h);
}

static int cluster_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_changeset_cluster *)a)->name, ((const rc_changeset_cluster *)b)->name);
}

static const rc_cluster_decl *find_cluster(const rc_repo *r, const char *name)
{
    for (size_t i = 0; r && i < r->nclusters; i++)
        if (r->clusters[i].name && strcmp(r->clusters[i].name, name) == 0)
            return &r->clusters[i];
    return NULL;
}

static void add_cluster_name(rc_changeset *cs, const char *name, bool base)
{
    for (size_t i = 0; i < cs->nclusters; i++)
        if (strcmp(cs->clusters[i].name, name) == 0) {
            if (base)
                cs->clusters[i].in_base = true;
            else
                cs->clusters[i].in_head = true;
            return;
        }
    cs->clusters = rc_xrealloc(cs->clusters, (cs->nclusters + 1) * sizeof(*cs->clusters));
    cs->clusters[cs->nclusters++] = (rc_changeset_cluster){rc_xstrdup(name), base, !base, NULL, 0};
}

void rc_changeset_compute(rc_changeset *out, const rc_source *base_src, const rc_repo *base,
                          const rc_source *head_src, const rc_repo *head)
{
    memset(out, 0, sizeof(*out));
    if (base_src && base_src->commit)
        out->base_commit = rc_xstrdup(base_src->commit);
    if (head_src && head_src->commit)
        out->head_commit = rc_xstrdup(head_src->commit);
    compute_files(out, base_src, head_src);

    for (size_t i = 0; base && i < base->nclusters; i++)
        if (base->clusters[i].name)
            add_cluster_name(out, base->clusters[i].name, true);
    for (size_t i = 0; head && i < head->nclusters; i++)
        if (head->clusters[i].name)
            add_cluster_name(out, head->clusters[i].name, false);
    if (out->nclusters > 1)
        qsort(out->clusters, out->nclusters, sizeof(*out->clusters), cluster_cmp);

    size_t cap = 0;
    for (size_t i = 0; i < out->nclusters; i++) {
        const char *name = out->clusters[i].name;
        compute_cluster(out, &cap, name, find_cluster(base, name), find_cluster(head, name));
    }
}

/* ---- diagnostics -------------------------------------------------------------- */

static char *diag_key(const rc_diag *d)
{
    return rc_xasprintf("%s\x1f%d\x1f%d\x1f%s\x1f%s", d->file ? d->file : "", d->line, d->col,
                        d->rule ? d->rule : "", d->message ? d->message : "");
}

static bool in_sorted(char *const *v, size_t n, const char *s)
{
    return n > 0 && bsearch(&s, v, n, sizeof(*v), strp_cmp) != NULL;
}

static const rc_file_delta *find_file(const rc_changeset *cs, const char *path)
{
    size_t lo = 0, hi = cs->nfiles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cs->files[mid].path, path);
        if (c == 0)
            return &cs->files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Errors that can make a document's topic vanish from the parse. */
static bool drops_topics(const rc_diag *d)
{
    return d->severity == RC_SEV_ERROR && d->rule &&
           (strcmp(d->rule, "yaml-syntax") == 0 || strcmp(d->rule, "type") == 0 ||
            strcmp(d->rule, "required") == 0);
}

void rc_changeset_use_diags(rc_changeset *cs, const rc_diags *base_diags,
                            const rc_diags *head_diags)
{
    if (base_diags) {
        for (size_t i = 0; i < cs->nbase_diag_keys; i++)
            free(cs->base_diag_keys[i]);
        free(cs->base_diag_keys);
        cs->nbase_diag_keys = base_diags->len;
        cs->base_diag_keys = rc_xcalloc(base_diags->len ? base_diags->len : 1, sizeof(char *));
        for (size_t i = 0; i < base_diags->len; i++)
            cs->base_diag_keys[i] = diag_key(&base_diags->items[i]);
        qsort(cs->base_diag_keys, cs->nbase_diag_keys, sizeof(char *), strp_cmp);
        cs->have_base_diags = true;
    }
    if (head_diags) {
        for (size_t i = 0; i < cs->ntopics; i++) {
            rc_topic_delta *t = &cs->topics[i];
            if (t->change != RC_TOPIC_REMOVED ||
                !in_sorted(cs->head_paths, cs->nhead_paths, t->file))
                continue;
            for (size_t k = 0; k < head_diags->len && !t->head_file_invalid; k++) {
                const rc_diag *d = &head_diags->items[k];
                if (d->file && strcmp(d->file, t->file) == 0 && drops_topics(d))
                    t->head_file_invalid = true;
            }
        }
    }
}

bool rc_changeset_diag_relevant(const rc_changeset *cs, const rc_diag *d)
{
    const char *file = d->file ? d->file : "";
    const rc_file_delta *f = find_file(cs, file);
    if (f)
        return true; /* added or modified; a removed path is not a head file either */
    if (!in_sorted(cs->head_paths, cs->nhead_paths, file))
        return true;
    if (!cs->have_base_diags)
        return false;
    char *key = diag_key(d);
    bool known = in_sorted(cs->base_diag_keys, cs->nbase_diag_keys, key);
    free(key);
    return !known;
}

/* ---- free ---------------------------------------------------------------------- */

void rc_changeset_free(rc_changeset *c)
{
    free(c->base_commit);
    free(c->head_commit);
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].path);
        free(c->files[i].head_lines);
    }
    free(c->files);
    for (size_t i = 0; i < c->ntopics; i++) {
        rc_topic_delta *t = &c->topics[i];
        free(t->cluster);
        free(t->topic);
        free(t->owner);
        free(t->file);
        free(t->moved_from);
        for (size_t k = 0; k < t->nfields; k++) {
            free(t->fields[k].field);
            free(t->fields[k].old_value);
            free(t->fields[k].new_value);
        }
        free(t->fields);
    }
    free(c->topics);
    for (size_t i = 0; i < c->nclusters; i++) {
        free(c->clusters[i].name);
        rc_kind_plans_free(c->clusters[i].kinds, c->clusters[i].nkinds);
    }
    free(c->clusters);
    for (size_t i = 0; i < c->nhead_paths; i++)
        free(c->head_paths[i]);
    free(c->head_paths);
    for (size_t i = 0; i < c->nbase_diag_keys; i++)
        free(c->base_diag_keys[i]);
    free(c->base_diag_keys);
    memset(c, 0, sizeof(*c));
}
