/* import.c — which topics are imported, with what (import.h), and into
 * which files. */
#include "import.h"

#include "acl.h"
#include "changeset.h"
#include "decl.h"
#include "diff.h"
#include "error.h"
#include "topic_config.h"
#include "util.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

const char *const rc_import_layout_names[RC_IMPORT_LAYOUT_N] = {[RC_IMPORT_BY_TOPIC] = "topic",
                                                                [RC_IMPORT_BY_PREFIX] = "prefix",
                                                                [RC_IMPORT_BY_OWNER] = "owner"};

int rc_owner_rule_parse(rc_owner_rule *out, const char *text, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    const char *eq = strrchr(text, '=');
    if (!eq || eq == text || !eq[1])
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "owner rule '%s' is not GLOB=TEAM (e.g. 'orders.*=checkout')", text);
    out->glob = rc_xstrndup(text, (size_t)(eq - text));
    out->team = rc_xstrdup(eq + 1);
    return 0;
}

void rc_owner_rules_free(rc_owner_rule *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].glob);
        free(r[i].team);
    }
    free(r);
}

static void strv_push(char ***v, size_t *n, char *s)
{
    *v = rc_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = s;
}

static bool in_sorted(const char *const *v, size_t n, const char *s)
{
    return n > 0 && bsearch(&s, v, n, sizeof(*v), rc_str_ptr_cmp) != NULL;
}

static int decl_name_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_topic_decl *)elem)->name);
}

static bool declared(const rc_cluster_decl *d, const char *name)
{
    return d->ntopics > 0 &&
           bsearch(name, d->topics, d->ntopics, sizeof(*d->topics), decl_name_cmp) != NULL;
}

static void warn(rc_import *im, char *line)
{
    strv_push(&im->warnings, &im->nwarnings, line);
}

/* A topic left undeclared, and why. */
static void skip(rc_import *im, const char *topic, char *line)
{
    strv_push(&im->skipped, &im->nskipped, rc_xstrdup(topic));
    warn(im, line);
}

/* ---- one topic ------------------------------------------------------------------- */

static char *canonical(const char *key, const char *value)
{
    char *out = NULL, err[256];
    if (rc_topic_config_canonical(&out, key, value, err, sizeof(err)) != 0)
        return rc_xstrdup(value);
    return out;
}

static const rc_config_obs *find_config(const rc_topic_obs *o, const char *key)
{
    for (size_t i = 0; i < o->nconfigs; i++)
        if (o->configs[i].key && !strcmp(o->configs[i].key, key))
            return &o->configs[i];
    return NULL;
}

/* The declared config that says exactly what the topic has (see import.h),
 * display values; NULL with a warning when that cannot be known. */
static bool topic_config(rc_import *im, const rc_cluster_decl *d, const rc_topic_obs *o,
                         rc_kvlist *out)
{
    for (size_t i = 0; i < o->nconfigs; i++) {
        const rc_config_obs *c = &o->configs[i];
        if (!c->key || c->source != RC_CFG_TOPIC_OVERRIDE ||
            rc_topic_config_is_throttle_key(c->key))
            continue; /* the diff keeps undeclared throttles: never a change */
        if (c->sensitive || !c->value) {
            skip(im, o->name,
                 rc_xasprintf("topic %s skipped: the broker does not show the value of its "
                              "override %s",
                              o->name, c->key));
            return false;
        }
        char *v = canonical(c->key, c->value);
        const char *dflt = rc_kvlist_get(&d->default_config, c->key);
        if (!dflt || strcmp(dflt, v) != 0) {
            char *shown = rc_changeset_display_config(c->key, v);
            rc_kvlist_set(out, c->key, shown);
            free(shown);
        }
        free(v);
    }
    /* A key defaults.config sets that the topic does not override: the
     * declaration would set the default; say what the topic has instead
     * (a broker default equal to the declared value is not a change). */
    for (size_t i = 0; i < d->default_config.len; i++) {
        const rc_kv *kv = &d->default_config.items[i];
        const rc_config_obs *c = find_config(o, kv->key);
        if (c && c->source == RC_CFG_TOPIC_OVERRIDE)
            continue;
        if (!c || !c->value) {
            skip(im, o->name,
                 rc_xasprintf("topic %s skipped: the broker does not report %s, which "
                              "defaults.config sets",
                              o->name, kv->key));
            return false;
        }
        char *v = canonical(kv->key, c->value);
        if (strcmp(v, kv->value) != 0) {
            char *shown = rc_changeset_display_config(kv->key, v);
            rc_kvlist_set(out, kv->key, shown);
            free(shown);
        }
        free(v);
    }
    rc_kvlist_sort(out);
    return true;
}

/* (topic, group) pairs, sorted, for the consumers of each topic. */
typedef struct commit_ref {
    const char *topic;
    const char *group;
} commit_ref;

static int commit_cmp(const void *pa, const void *pb)
{
    const commit_ref *a = pa, *b = pb;
    int c = strcmp(a->topic, b->topic);
    return c ? c : strcmp(a->group, b->group);
}

static commit_ref *commits_by_topic(rc_import *im, const rc_import_input *in, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < in->ngroups; i++) {
        total += in->groups[i].ntopics;
        if (in->groups[i].error)
            warn(im, rc_xasprintf("group %s left out: its offsets could not be read: %s",
                                  in->groups[i].group, in->groups[i].error));
    }
    commit_ref *v = rc_xcalloc(total ? total : 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < in->ngroups; i++)
        for (size_t j = 0; j < in->groups[i].ntopics; j++)
            v[k++] = (commit_ref){in->groups[i].topics[j], in->groups[i].group};
    if (k > 1)
        qsort(v, k, sizeof(*v), commit_cmp);
    *n = k;
    return v;
}

static void topic_consumers(rc_import_topic *t, const commit_ref *c, size_t nc)
{
    size_t lo = 0, hi = nc; /* first pair of this topic */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c[mid].topic, t->name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < nc && !strcmp(c[end].topic, t->name))
        end++;
    t->nconsumers = end - lo;
    t->consumers = rc_xcalloc(t->nconsumers ? t->nconsumers : 1, sizeof(char *));
    t->consumer_services = rc_xcalloc(t->nconsumers ? t->nconsumers : 1, sizeof(char *));
    for (size_t i = lo; i < end; i++)
        t->consumers[i - lo] = rc_xstrdup(c[i].group);
}

static const char *owner_for(const rc_import_input *in, const char *topic)
{
    for (size_t i = 0; i < in->nowners; i++)
        if (fnmatch(in->owners[i].glob, topic, 0) == 0)
            return in->owners[i].team;
    return NULL;
}

/* Whether the topic is one import adopts; a warning when it cannot. */
static bool wanted(rc_import *im, const rc_import_input *in, const rc_topic_obs *o)
{
    const rc_cluster_decl *d = in->decl;
    if (!strcmp(o->name, RC_APPLIED_STATE_TOPIC) ||
        rc_diff_topic_ignored(d, o->name, o->internal) || declared(d, o->name))
        return false;
    if (in_sorted(in->exclude, in->nexclude, o->name)) {
        skip(im, o->name,
             rc_xasprintf("topic %s skipped: its declaration would not round-trip (plan would "
                          "show a change; validate says why)",
                          o->name));
        return false;
    }
    if (o->describe_denied || o->config_error || !o->configs) {
        skip(im, o->name,
             rc_xasprintf("topic %s skipped: %s", o->name,
                          o->describe_denied ? "the broker refused to describe it"
                          : o->config_error  ? o->config_error
                                             : "its configs were not read"));
        return false;
    }
    return true;
}

/* ---- files ----------------------------------------------------------------------- */

/* A file name for a key: as it is, unless it would be hidden or reserved. */
static char *file_stem(const char *key)
{
    return key[0] == '.' || key[0] == '_' ? rc_xasprintf("topic%s", key) : rc_xstrdup(key);
}

static char *layout_key(const rc_import_input *in, const rc_import_topic *t)
{
    switch (in->layout) {
    case RC_IMPORT_BY_PREFIX: {
        const char *dot = strchr(t->name, '.');
        return dot && dot != t->name ? rc_xstrndup(t->name, (size_t)(dot - t->name))
                                     : rc_xstrdup(t->name);
    }
    case RC_IMPORT_BY_OWNER:
        return rc_xstrdup(t->owner ? t->owner : "unowned");
    default:
        return rc_xstrdup(t->name);
    }
}

typedef struct taken {
    const char *const *existing;
    size_t nexisting;
    char **mine; /* paths chosen so far, sorted */
    size_t nmine;
} taken;

static bool is_taken(const taken *tk, const char *path)
{
    return in_sorted(tk->existing, tk->nexisting, path) ||
           in_sorted((const char *const *)tk->mine, tk->nmine, path);
}

/* Keep mine sorted, so a cluster of thousands of files stays fast. */
static void take(taken *tk, char *path)
{
    size_t lo = 0, hi = tk->nmine;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(tk->mine[mid], path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    tk->mine = rc_xrealloc(tk->mine, (tk->nmine + 1) * sizeof(*tk->mine));
    memmove(tk->mine + lo + 1, tk->mine + lo, (tk->nmine - lo) * sizeof(*tk->mine));
    tk->mine[lo] = rc_xstrdup(path);
    tk->nmine++;
}

/* topics/<cluster>/<stem><suffix>.yaml, the first not taken of "",
 * ".imported", ".imported-2", ... */
static char *free_path(taken *tk, const char *cluster, const char *stem)
{
    for (int n = 1; n < 1000000; n++) {
        char *p = n == 1   ? rc_xasprintf("topics/%s/%s.yaml", cluster, stem)
                  : n == 2 ? rc_xasprintf("topics/%s/%s.imported.yaml", cluster, stem)
                           : rc_xasprintf("topics/%s/%s.imported-%d.yaml", cluster, stem, n - 1);
        if (!is_taken(tk, p)) {
            take(tk, p);
            return p;
        }
        free(p);
    }
    return NULL;
}

static char *free_access_path(taken *tk, const char *cluster)
{
    for (int n = 1; n < 1000000; n++) {
        char *p = n == 1 ? rc_xasprintf("topics/%s/_access.yaml", cluster)
                         : rc_xasprintf("topics/%s/_access-%d.yaml", cluster, n);
        if (!is_taken(tk, p)) {
            take(tk, p);
            return p;
        }
        free(p);
    }
    return NULL;
}

typedef struct keyed {
    char *key;
    size_t topic; /* index into im->topics */
} keyed;

static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->topic > b->topic) - (a->topic < b->topic);
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_import_file *)a)->path, ((const rc_import_file *)b)->path);
}

/* Group the topics into files by the layout's key (topics sorted in each),
 * give each file a free name, and write its YAML; then the access file. */
static int make_files(rc_import *im, const rc_import_input *in, char *errbuf, size_t errlen)
{
    const char *cluster = in->decl->name;
    keyed *k = rc_xcalloc(im->ntopics ? im->ntopics : 1, sizeof(*k));
    for (size_t i = 0; i < im->ntopics; i++)
        k[i] = (keyed){layout_key(in, &im->topics[i]), i};
    if (im->ntopics > 1)
        qsort(k, im->ntopics, sizeof(*k), keyed_cmp);
    taken tk = {in->existing, in->nexisting, NULL, 0};
    int rc = 0;
    for (size_t i = 0; i < im->ntopics && rc == 0;) {
        size_t end = i;
        while (end < im->ntopics && !strcmp(k[end].key, k[i].key))
            end++;
        char *stem = file_stem(k[i].key);
        char *path = free_path(&tk, cluster, stem);
        free(stem);
        if (!path) {
            rc = rc_errorf(RC_ERR, errbuf, errlen, "no free file name for %s", k[i].key);
            break;
        }
        const rc_import_topic **in_file = rc_xcalloc(end - i, sizeof(*in_file));
        for (size_t j = i; j < end; j++) {
            im->topics[k[j].topic].file = path;
            in_file[j - i] = &im->topics[k[j].topic];
        }
        im->files = rc_xrealloc(im->files, (im->nfiles + 1) * sizeof(*im->files));
        im->files[im->nfiles++] =
            (rc_import_file){.path = path,
                             .content = rc_import_topics_yaml(in_file, end - i, cluster),
                             .ntopics = end - i};
        free(in_file);
        i = end;
    }
    if (rc == 0 && im->bindings.len > 0) {
        char *path = free_access_path(&tk, cluster);
        if (!path)
            rc = rc_errorf(RC_ERR, errbuf, errlen, "no free name for an access file");
        else {
            im->files = rc_xrealloc(im->files, (im->nfiles + 1) * sizeof(*im->files));
            im->files[im->nfiles++] =
                (rc_import_file){.path = path,
                                 .content = rc_import_access_yaml(&im->bindings, cluster),
                                 .nbindings = im->bindings.len};
        }
    }
    if (im->nfiles > 1)
        qsort(im->files, im->nfiles, sizeof(*im->files), file_cmp);
    /* the topics' file pointers follow the strings, not the array slots */
    for (size_t i = 0; i < im->ntopics; i++)
        free(k[i].key);
    free(k);
    for (size_t i = 0; i < tk.nmine; i++)
        free(tk.mine[i]);
    free(tk.mine);
    return rc;
}

/* ---- the whole import ------------------------------------------------------------ */

int rc_import_build(rc_import *out, const rc_import_input *in, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    size_t ncommits;
    commit_ref *commits = commits_by_topic(out, in, &ncommits);
    const rc_cluster_obs *obs = in->obs;
    out->topics = rc_xcalloc(obs->ntopics ? obs->ntopics : 1, sizeof(*out->topics));
    for (size_t i = 0; i < obs->ntopics; i++) {
        const rc_topic_obs *o = &obs->topics[i];
        if (!wanted(out, in, o))
            continue;
        rc_import_topic *t = &out->topics[out->ntopics];
        memset(t, 0, sizeof(*t));
        if (!topic_config(out, in->decl, o, &t->config)) {
            rc_kvlist_free(&t->config);
            continue;
        }
        out->ntopics++;
        t->name = rc_xstrdup(o->name);
        t->partitions = o->partitions;
        t->replication_factor = o->replication_factor;
        const char *owner = owner_for(in, o->name);
        t->owner = owner ? rc_xstrdup(owner) : NULL;
        out->unowned += owner == NULL;
        topic_consumers(t, commits, ncommits);
    }
    free(commits);
    if (in->acls)
        rc_import_access(out, in);
    return make_files(out, in, errbuf, errlen);
}

void rc_import_free(rc_import *im)
{
    for (size_t i = 0; i < im->ntopics; i++) {
        rc_import_topic *t = &im->topics[i];
        free(t->name);
        free(t->owner);
        rc_kvlist_free(&t->config);
        for (size_t k = 0; k < t->nconsumers; k++) {
            free(t->consumers[k]);
            free(t->consumer_services[k]);
        }
        free(t->consumers);
        free(t->consumer_services);
        for (size_t k = 0; k < t->nproducers; k++)
            free(t->producers[k]);
        free(t->producers);
    }
    free(im->topics);
    for (size_t i = 0; i < im->nfiles; i++) {
        free(im->files[i].path);
        free(im->files[i].content);
    }
    free(im->files);
    rc_acl_set_free(&im->bindings);
    for (size_t i = 0; i < im->nwarnings; i++)
        free(im->warnings[i]);
    free(im->warnings);
    for (size_t i = 0; i < im->nskipped; i++)
        free(im->skipped[i]);
    free(im->skipped);
    memset(im, 0, sizeof(*im));
}
