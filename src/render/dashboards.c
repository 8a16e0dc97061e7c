/* dashboards.c — Grafana dashboards from dashboards/topic.json and the
 * metric-source profiles; see dashboards.h for the template contract. */
#include "dashboards.h"

#include "links.h"
#include "textout.h"
#include "tmpl.h"
#include "units.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID_COLUMNS 24
#define DEFAULT_SOURCE "kafka_exporter"

typedef struct profile {
    char *name;     /* file name without .yaml: the metric_source it serves */
    char *file;     /* path, for messages */
    rc_kvlist vars; /* var name -> unexpanded value, in file order */
} profile;

typedef struct cnode cnode;

struct rc_dashboards {
    char *tmpl_file;
    json_t *tmpl;       /* parsed topic.json, never modified after load */
    cnode *compiled;    /* the same, compiled for rendering (see "fast path") */
    profile *profiles;  /* sorted by name */
    const char **names; /* profiles[i].name, for rc_dashboards_profiles */
    size_t nprofiles;
};

/* Names the C code sets for every topic: a profile var may not shadow one. */
static const char *const topic_vars[] = {
    "topic",
    "cluster",
    "owner",
    "owner_chat",
    "message",
    "description",
    "file",
    "line",
    "declaration_path",
    "repository_url",
    "datasource",
    "uid",
    "metric_source",
    "consumers",
    "lag_max_duration",
    "partitions",
    "lag_max_seconds",
    "lag_max_offsets",
    "has_repository_url",
    "has_lag_max_seconds",
    "has_lag_max_offsets",
};

/* ---- loading -------------------------------------------------------------------- */

static bool var_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

static bool is_topic_var(const char *s)
{
    for (size_t i = 0; i < sizeof(topic_vars) / sizeof(topic_vars[0]); i++)
        if (!strcmp(s, topic_vars[i]))
            return true;
    return false;
}

static int load_profile(profile *p, const char *dir, const char *fname, char *errbuf, size_t errlen)
{
    size_t n = strlen(fname) - strlen(".yaml");
    p->name = rc_xstrndup(fname, n);
    p->file = rc_xasprintf("%s/%s", dir, fname);
    char *text = NULL;
    size_t len = 0;
    int rc = rc_read_file(&text, &len, p->file, errbuf, errlen);
    if (rc < 0)
        return -1;
    json_t *root = NULL;
    char perr[512];
    rc = rc_tmpl_parse_yaml(&root, text, len, p->file, perr, sizeof(perr));
    free(text);
    if (rc < 0)
        return rc_errorf(-1, errbuf, errlen, "%s", perr);
    rc = -1;
    const char *key;
    json_t *val;
    if (!json_is_object(root)) {
        rc_errorf(-1, errbuf, errlen, "%s: expected a mapping with `vars`", p->file);
        goto out;
    }
    json_object_foreach(root, key, val)
    {
        if (!strcmp(key, "description")) {
            if (!json_is_string(val)) {
                rc_errorf(-1, errbuf, errlen, "%s: description: expected a string", p->file);
                goto out;
            }
        } else if (strcmp(key, "vars")) {
            rc_errorf(-1, errbuf, errlen, "%s: unknown key `%s` (expected description, vars)",
                      p->file, key);
            goto out;
        }
    }
    json_t *vars = json_object_get(root, "vars");
    if (!json_is_object(vars) || json_object_size(vars) == 0) {
        rc_errorf(-1, errbuf, errlen, "%s: `vars` must be a non-empty mapping of names to strings",
                  p->file);
        goto out;
    }
    json_object_foreach(vars, key, val)
    {
        if (!var_name_ok(key)) {
            rc_errorf(-1, errbuf, errlen, "%s: vars.%s: a var name is letters, digits and '_'",
                      p->file, key);
            goto out;
        }
        if (is_topic_var(key)) {
            rc_errorf(-1, errbuf, errlen, "%s: vars.%s: shadows the topic variable of that name",
                      p->file, key);
            goto out;
        }
        if (!json_is_string(val)) {
            rc_errorf(-1, errbuf, errlen, "%s: vars.%s: expected a string (quote it)", p->file,
                      key);
            goto out;
        }
        rc_kvlist_set(&p->vars, key, json_string_value(val));
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_profiles(rc_dashboards *d, const char *dir, char *errbuf, size_t errlen)
{
    char *pdir = rc_xasprintf("%s/profiles", dir);
    DIR *dh = opendir(pdir);
    if (!dh) {
        int e = errno;
        rc_errorf(-1, errbuf, errlen, "%s: %s", pdir, strerror(e));
        free(pdir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dh))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        names = rc_xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = rc_xstrdup(de->d_name);
    }
    closedir(dh);
    int rc = 0;
    if (n == 0)
        rc = rc_errorf(-1, errbuf, errlen, "%s: no profiles (<metric_source>.yaml)", pdir);
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    d->profiles = rc_xcalloc(n, sizeof(*d->profiles));
    d->names = rc_xcalloc(n, sizeof(*d->names));
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) {
            rc = load_profile(&d->profiles[i], pdir, names[i], errbuf, errlen);
            d->names[i] = d->profiles[i].name;
            d->nprofiles = i + 1;
        }
        free(names[i]);
    }
    free(names);
    free(pdir);
    return rc;
}

/* ---- one dashboard -------------------------------------------------------------- */

static const profile *find_profile(const rc_dashboards *d, const char *source)
{
    for (size_t i = 0; i < d->nprofiles; i++)
        if (!strcmp(d->profiles[i].name, source))
            return &d->profiles[i];
    return NULL;
}

static void set_ll(rc_tmpl_vars *v, const char *name, long long x)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", x);
    rc_tmpl_vars_set_raw(v, name, num);
}

static void set_bool(rc_tmpl_vars *v, const char *name, bool b)
{
    rc_tmpl_vars_set_raw(v, name, b ? "true" : "false");
}

/* file with every path segment percent-encoded, '/' kept */
static char *url_path(const char *file)
{
    rc_buf b = {0};
    rc_buf_append(&b, "", 0);
    rc_url_escape(&b, file, strlen(file), true);
    return rc_buf_take(&b);
}

static char *repo_base(const char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    if (n >= 4 && !memcmp(url + n - 4, ".git", 4))
        n -= 4;
    while (n > 0 && url[n - 1] == '/')
        n--;
    return rc_xstrndup(url, n);
}

static void set_topic_vars(rc_tmpl_vars *v, const rc_repo *repo, const rc_cluster_decl *c,
                           const rc_topic_decl *t, const rc_dashboard_lag *lag, const char *source)
{
    char uid[RC_DASHBOARD_UID_MAX + 1];
    rc_links_dashboard_uid(uid, c->name, t->name);
    const rc_team *team = repo && t->owner ? rc_repo_team(repo, t->owner) : NULL;
    rc_tmpl_vars_set(v, "topic", t->name);
    rc_tmpl_vars_set(v, "cluster", c->name);
    rc_tmpl_vars_set(v, "owner", t->owner ? t->owner : "");
    rc_tmpl_vars_set(v, "owner_chat", team && team->chat ? team->chat : "");
    rc_tmpl_vars_set(v, "message", t->message ? t->message : "");
    rc_tmpl_vars_set(v, "description", t->description ? t->description : "");
    rc_tmpl_vars_set(v, "file", t->file ? t->file : "");
    char line[32];
    snprintf(line, sizeof(line), "%d", t->line);
    rc_tmpl_vars_set(v, "line", line);
    char *path = url_path(t->file ? t->file : "");
    rc_tmpl_vars_set(v, "declaration_path", path);
    free(path);
    char *base = repo_base(c->repo_url ? c->repo_url : "");
    bool has_repo = *base != '\0';
    rc_tmpl_vars_set(v, "repository_url", base);
    free(base);
    rc_tmpl_vars_set(v, "datasource",
                     c->prometheus_datasource && *c->prometheus_datasource
                         ? c->prometheus_datasource
                         : "default");
    rc_tmpl_vars_set(v, "uid", uid);
    rc_tmpl_vars_set(v, "metric_source", source);
    rc_buf cons = {0};
    rc_buf_append(&cons, "", 0);
    for (size_t i = 0; i < t->nconsumers; i++) {
        if (i)
            rc_buf_puts(&cons, ", ");
        rc_buf_puts(&cons, t->consumers[i]);
    }
    rc_tmpl_vars_set(v, "consumers", cons.data);
    rc_buf_free(&cons);

    /* the threshold line: the alert's when the caller knows it, else the
     * declared one (offsets when declared, else the topic's or the cluster's
     * duration) */
    long long offsets = 0, seconds = 0;
    if (lag) {
        if (lag->max > 0)
            *(lag->time ? &seconds : &offsets) = lag->max;
    } else if (t->lag_max_offsets > 0) {
        offsets = t->lag_max_offsets;
    } else {
        seconds = t->lag_max_seconds > 0 ? t->lag_max_seconds : c->default_lag_max_seconds;
        if (seconds < 0)
            seconds = 0;
    }
    char *dur = seconds ? rc_units_format_duration_s(seconds) : rc_xstrdup("");
    rc_tmpl_vars_set(v, "lag_max_duration", dur);
    free(dur);
    set_ll(v, "partitions", t->partitions);
    set_ll(v, "lag_max_seconds", seconds);
    set_ll(v, "lag_max_offsets", offsets);
    set_bool(v, "has_repository_url", has_repo);
    set_bool(v, "has_lag_max_seconds", seconds > 0);
    set_bool(v, "has_lag_max_offsets", offsets > 0);
}

/* Resolve "$when" in node's children (see dashboards.h). */
static int resolve_when(json_t *node, char *errbuf, size_t errlen)
{
    if (json_is_array(node)) {
        size_t i = 0;
        while (i < json_array_size(node)) {
            json_t *e = json_array_get(node, i);
            json_t *w = json_is_object(e) ? json_object_get(e, "$when") : NULL;
            if (w) {
                if (json_is_false(w)) {
                    json_array_remove(node, i);
                    continue;
                }
                if (!json_is_true(w))
                    return rc_errorf(-1, errbuf, errlen, "\"$when\" must be true or false");
                json_object_del(e, "$when");
            }
            if (resolve_when(e, errbuf, errlen) < 0)
                return -1;
            i++;
        }
    } else if (json_is_object(node)) {
        const char *key;
        json_t *e;
        void *tmp;
        json_object_foreach_safe(node, tmp, key, e)
        {
            json_t *w = json_is_object(e) ? json_object_get(e, "$when") : NULL;
            if (w) {
                if (json_is_false(w)) {
                    json_object_del(node, key);
                    continue;
                }
                if (!json_is_true(w))
                    return rc_errorf(-1, errbuf, errlen, "%s: \"$when\" must be true or false",
                                     key);
                json_object_del(e, "$when");
            }
            if (resolve_when(e, errbuf, errlen) < 0)
                return -1;
        }
    }
    return 0;
}

static void assign_ids(json_t *panels, long long *next)
{
    size_t i;
    json_t *p;
    json_array_foreach(panels, i, p)
    {
        if (!json_is_object(p))
            continue;
        json_object_set_new(p, "id", json_integer((*next)++));
        json_t *nested = json_object_get(p, "panels");
        if (json_is_array(nested))
            assign_ids(nested, next);
    }
}

/* Every variable of one topic: the topic's, then the profile's expanded in
 * file order. Returns 0, or -1 with a message (vars may hold a partial set
 * either way; the caller frees it). */
static int make_vars(rc_tmpl_vars *vars, const rc_dashboards *d, const rc_repo *repo,
                     const rc_cluster_decl *c, const rc_topic_decl *t, const rc_dashboard_lag *lag,
                     char *errbuf, size_t errlen)
{
    const char *source = c->metric_source && *c->metric_source ? c->metric_source : DEFAULT_SOURCE;
    const profile *p = find_profile(d, source);
    if (!p) {
        rc_buf have = {0};
        for (size_t i = 0; i < d->nprofiles; i++)
            rc_buf_printf(&have, "%s%s", i ? ", " : "", d->profiles[i].name);
        rc_errorf(-1, errbuf, errlen,
                  "cluster %s: no dashboard profile for metric source \"%s\" (have: %s)", c->name,
                  source, have.data ? have.data : "none");
        rc_buf_free(&have);
        return -1;
    }
    char err[512];
    set_topic_vars(vars, repo, c, t, lag, source);
    for (size_t i = 0; i < p->vars.len; i++) {
        char *val = rc_tmpl_expand_string(p->vars.items[i].value, vars, err, sizeof(err));
        if (!val)
            return rc_errorf(-1, errbuf, errlen, "%s: vars.%s: %s", p->file, p->vars.items[i].key,
                             err);
        rc_tmpl_vars_set(vars, p->vars.items[i].key, val);
        free(val);
    }
    return 0;
}

/* The reference rendering: expand the whole tree with tmpl.h, resolve $when,
 * assign ids. Returns the tree, or NULL with a message. */
static json_t *build_tree(const rc_dashboards *d, const rc_tmpl_vars *vars, char *errbuf,
                          size_t errlen)
{
    char err[512];
    json_t *tree = rc_tmpl_expand(d->tmpl, vars, err, sizeof(err));
    if (!tree) {
        rc_errorf(-1, errbuf, errlen, "%s: %s", d->tmpl_file, err);
        return NULL;
    }
    if (resolve_when(tree, err, sizeof(err)) < 0) {
        rc_errorf(-1, errbuf, errlen, "%s: %s", d->tmpl_file, err);
        json_decref(tree);
        return NULL;
    }
    long long next = 1;
    assign_ids(json_object_get(tree, "panels"), &next);
    return tree;
}

/* ---- fast path -------------------------------------------------------------------- */

/* Expanding and dumping a jansson tree of ~1000 nodes per topic costs far
 * more than the 10,000-topic budget allows, so the template is compiled once:
 * constants are dumped by jansson at load, and a render walks the compiled
 * tree, expanding only the strings that hold placeholders (with
 * rc_tmpl_expand_string, so the placeholder rules are tmpl.h's) and writing
 * the same bytes rc_tmpl_emit_json would write for the reference tree
 * (2-space indent, jansson's string escapes). rc_dashboards_load checks that
 * both paths agree byte for byte on its probe topics, and the unit tests do
 * for hostile values. */

typedef enum cn_kind { CN_CONST, CN_STR, CN_ARRAY, CN_OBJECT } cn_kind;

struct cnode {
    cn_kind kind;
    char *text;     /* CN_CONST: JSON text; CN_STR: the template string */
    size_t len;     /* CN_CONST: strlen(text) */
    char *raw_name; /* CN_STR that is exactly one unfiltered placeholder: its name */
    cnode *when;    /* CN_OBJECT: its "$when" value (CN_CONST or CN_STR), or NULL */
    bool panel;     /* CN_OBJECT: gets the next panel id */
    long id_at;     /* panel: index of its "id" member, -1 when it is appended */
    char **keys;    /* CN_OBJECT: `"key": ` ready to write, "$when" left out */
    size_t *key_lens;
    cnode **kids; /* CN_ARRAY items, CN_OBJECT member values */
    size_t nkids;
};

static void cnode_free(cnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++) {
        cnode_free(n->kids[i]);
        if (n->keys)
            free(n->keys[i]);
    }
    free(n->kids);
    free(n->keys);
    free(n->key_lens);
    cnode_free(n->when);
    free(n->text);
    free(n->raw_name);
    free(n);
}

static char *dump_const(const json_t *t)
{
    char *s = json_dumps(t, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    if (!s) {
        fputs("reconcile: out of memory\n", stderr);
        abort();
    }
    char *r = rc_xstrdup(s);
    free(s);
    return r;
}

/* Panels are the objects of the root's `panels` array and, recursively, of
 * their own `panels` arrays (rows): they get ids. */
typedef enum role { ROLE_PLAIN, ROLE_ROOT, ROLE_PANELS, ROLE_PANEL } role;

static cnode *compile(const json_t *t, role r, char *errbuf, size_t errlen)
{
    cnode *n = rc_xcalloc(1, sizeof(*n));
    n->id_at = -1;
    if (json_is_string(t)) {
        const char *s = json_string_value(t);
        if (!strstr(s, "${")) {
            n->kind = CN_CONST;
            n->text = dump_const(t);
            n->len = strlen(n->text);
            return n;
        }
        n->kind = CN_STR;
        n->text = rc_xstrdup(s);
        size_t len = strlen(s);
        if (len > 3 && s[0] == '$' && s[1] == '{' && s[len - 1] == '}') {
            size_t k = 2;
            while (k < len - 1 && (s[k] == '_' || (s[k] >= 'a' && s[k] <= 'z') ||
                                   (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9')))
                k++;
            if (k == len - 1)
                n->raw_name = rc_xstrndup(s + 2, len - 3);
        }
        return n;
    }
    if (json_is_array(t)) {
        n->kind = CN_ARRAY;
        n->nkids = json_array_size(t);
        n->kids = rc_xcalloc(n->nkids, sizeof(*n->kids));
        for (size_t i = 0; i < n->nkids; i++) {
            const json_t *item = json_array_get(t, i);
            role ir = r == ROLE_PANELS && json_is_object(item) ? ROLE_PANEL : ROLE_PLAIN;
            if (!(n->kids[i] = compile(item, ir, errbuf, errlen)))
                goto err;
        }
        return n;
    }
    if (json_is_object(t)) {
        n->kind = CN_OBJECT;
        n->panel = r == ROLE_PANEL;
        size_t cap = json_object_size(t);
        n->kids = rc_xcalloc(cap, sizeof(*n->kids));
        n->keys = rc_xcalloc(cap, sizeof(*n->keys));
        n->key_lens = rc_xcalloc(cap, sizeof(*n->key_lens));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)t, key, v)
        {
            if (strstr(key, "${")) {
                rc_errorf(-1, errbuf, errlen, "placeholders in keys are not supported (\"%s\")",
                          key);
                goto err;
            }
            if (!strcmp(key, "$when")) {
                if (!json_is_string(v) && !json_is_boolean(v)) {
                    rc_errorf(-1, errbuf, errlen, "\"$when\" must be true or false");
                    goto err;
                }
                n->when = compile(v, ROLE_PLAIN, errbuf, errlen);
                continue;
            }
            if (n->panel && !strcmp(key, "id"))
                n->id_at = (long)n->nkids;
            json_t *k = json_string(key);
            char *kt = dump_const(k);
            json_decref(k);
            n->keys[n->nkids] = rc_xasprintf("%s: ", kt);
            n->key_lens[n->nkids] = strlen(n->keys[n->nkids]);
            free(kt);
            bool panels =
                (r == ROLE_ROOT || r == ROLE_PANEL) && !strcmp(key, "panels") && json_is_array(v);
            if (!(n->kids[n->nkids++] =
                      compile(v, panels ? ROLE_PANELS : ROLE_PLAIN, errbuf, errlen)))
                goto err;
        }
        return n;
    }
    n->kind = CN_CONST;
    n->text = dump_const(t);
    n->len = strlen(n->text);
    return n;
err:
    cnode_free(n);
    return NULL;
}

typedef struct fctx {
    rc_buf *out;
    const rc_tmpl_vars *vars;
    long long next_id;
    char *errbuf;
    size_t errlen;
} fctx;

/* Length of the valid UTF-8 sequence at p (jansson's rules: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n;
    unsigned long cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* s as a JSON string literal, escaped as jansson escapes (without
 * JSON_ENSURE_ASCII). -1 when s is not valid UTF-8. */
static int put_json_string(rc_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s, *run = p;
    rc_buf_append(out, "\"", 1);
    while (*p) {
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t n = utf8_seq(p);
            if (!n)
                return -1;
            p += n;
            continue;
        }
        if (c != '"' && c != '\\' && c >= 0x20) {
            p++;
            continue;
        }
        rc_buf_append(out, (const char *)run, (size_t)(p - run));
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        rc_buf_append(out, esc, elen);
        run = ++p;
    }
    rc_buf_append(out, (const char *)run, (size_t)(p - run));
    rc_buf_append(out, "\"", 1);
    return 0;
}

static void put_indent(rc_buf *out, int depth)
{
    static const char spaces[] = "                                ";
    rc_buf_append(out, "\n", 1);
    size_t n = (size_t)depth * 2;
    while (n) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        rc_buf_append(out, spaces, k);
        n -= k;
    }
}

static int f_string(fctx *x, const cnode *n)
{
    if (n->raw_name) {
        const char *raw = rc_kvlist_get(&x->vars->raw, n->raw_name);
        if (raw) {
            rc_buf_puts(x->out, raw);
            return 0;
        }
    }
    char err[512];
    char *s = rc_tmpl_expand_string(n->text, x->vars, err, sizeof(err));
    if (!s)
        return rc_errorf(-1, x->errbuf, x->errlen, "%s", err);
    int rc = put_json_string(x->out, s);
    free(s);
    if (rc < 0)
        return rc_errorf(-1, x->errbuf, x->errlen, "substituted value is not valid UTF-8");
    return 0;
}

/* Is n (an array item or object member value) kept? -1 on error. */
static int f_present(fctx *x, const cnode *n)
{
    if (n->kind != CN_OBJECT || !n->when)
        return 1;
    const cnode *w = n->when;
    const char *val = NULL;
    if (w->kind == CN_CONST) {
        val = w->text;
    } else if (w->raw_name && (val = rc_kvlist_get(&x->vars->raw, w->raw_name))) {
        /* a raw variable */
    } else {
        char err[512];
        char *s = rc_tmpl_expand_string(w->text, x->vars, err, sizeof(err));
        if (!s)
            return rc_errorf(-1, x->errbuf, x->errlen, "%s", err);
        free(s);
    }
    if (val && !strcmp(val, "true"))
        return 1;
    if (val && !strcmp(val, "false"))
        return 0;
    return rc_errorf(-1, x->errbuf, x->errlen, "\"$when\" must be true or false");
}

static int f_node(fctx *x, const cnode *n, int depth)
{
    switch (n->kind) {
    case CN_CONST:
        rc_buf_append(x->out, n->text, n->len);
        return 0;
    case CN_STR:
        return f_string(x, n);
    case CN_ARRAY:
    case CN_OBJECT:
        break;
    }
    bool object = n->kind == CN_OBJECT;
    long long id = 0;
    if (object && n->panel)
        id = x->next_id++;
    bool append_id = object && n->panel && n->id_at < 0;
    bool any = false;
    for (size_t i = 0; i < n->nkids; i++) {
        int keep = f_present(x, n->kids[i]);
        if (keep < 0)
            return -1;
        if (!keep)
            continue;
        rc_buf_append(x->out, any ? "," : (object ? "{" : "["), 1);
        any = true;
        put_indent(x->out, depth + 1);
        if (object) {
            rc_buf_append(x->out, n->keys[i], n->key_lens[i]);
            if (n->panel && (long)i == n->id_at) {
                rc_buf_printf(x->out, "%lld", id);
                continue;
            }
        }
        if (f_node(x, n->kids[i], depth + 1) < 0)
            return -1;
    }
    if (append_id) {
        rc_buf_puts(x->out, any ? "," : "{");
        any = true;
        put_indent(x->out, depth + 1);
        rc_buf_printf(x->out, "\"id\": %lld", id);
    }
    if (!any) {
        rc_buf_puts(x->out, object ? "{}" : "[]");
        return 0;
    }
    put_indent(x->out, depth);
    rc_buf_puts(x->out, object ? "}" : "]");
    return 0;
}

static int render_fast(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars, char *errbuf,
                       size_t errlen)
{
    fctx x = {out, vars, 1, errbuf, errlen};
    size_t mark = out->len;
    if (f_node(&x, d->compiled, 0) < 0) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        return -1;
    }
    rc_buf_append(out, "\n", 1);
    return 0;
}

/* ---- load-time checks of the template ------------------------------------------- */

static int check_panels(const json_t *panels, const char *file, char *errbuf, size_t errlen)
{
    size_t i;
    json_t *p;
    json_array_foreach(panels, i, p)
    {
        const char *title = json_string_value(json_object_get(p, "title"));
        if (!title)
            title = "(untitled)";
        json_t *g = json_object_get(p, "gridPos");
        long long x = json_integer_value(json_object_get(g, "x"));
        long long y = json_integer_value(json_object_get(g, "y"));
        long long w = json_integer_value(json_object_get(g, "w"));
        long long h = json_integer_value(json_object_get(g, "h"));
        if (!json_is_object(p) || !json_is_integer(json_object_get(g, "x")) ||
            !json_is_integer(json_object_get(g, "y")) ||
            !json_is_integer(json_object_get(g, "w")) || !json_is_integer(json_object_get(g, "h")))
            return rc_errorf(-1, errbuf, errlen,
                             "%s: panel \"%s\": needs gridPos {x, y, w, h} integers", file, title);
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRID_COLUMNS)
            return rc_errorf(-1, errbuf, errlen,
                             "%s: panel \"%s\": gridPos x=%lld w=%lld is outside the %d columns",
                             file, title, x, w, GRID_COLUMNS);
        json_t *nested = json_object_get(p, "panels");
        if (json_is_array(nested) && check_panels(nested, file, errbuf, errlen) < 0)
            return -1;
    }
    return 0;
}

static int render_reference(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars,
                            json_t **tree_out, char *errbuf, size_t errlen)
{
    json_t *tree = build_tree(d, vars, errbuf, errlen);
    if (!tree)
        return -1;
    size_t mark = out->len;
    if (rc_tmpl_emit_json(out, tree) < 0) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        json_decref(tree);
        return rc_errorf(-1, errbuf, errlen, "%s: cannot emit the dashboard JSON", d->tmpl_file);
    }
    if (tree_out)
        *tree_out = tree;
    else
        json_decref(tree);
    return 0;
}

/* Render a made-up topic with profile p both ways: the tree must be a valid
 * grid and the fast path must write exactly what the reference writes. */
static int probe(const rc_dashboards *d, const profile *p, bool full, char *errbuf, size_t errlen)
{
    char *consumers[] = {"probe-consumer"};
    rc_topic_decl t = {0};
    t.name = "probe.topic.v1";
    t.file = "topics/probe/probe.yaml";
    t.line = 1;
    t.partitions = 3;
    t.owner = "probe-team";
    t.message = full ? "probe.v1.Probe" : NULL;
    t.description = full ? "probe \"quoted\" \\ \x01\n\t caf\xc3\xa9 \xe2\x80\xa8" : NULL;
    t.lag_max_offsets = full ? 0 : 1000;
    t.consumers = full ? consumers : NULL;
    t.nconsumers = full ? 1 : 0;
    rc_cluster_decl c = {0};
    c.name = "probe";
    c.metric_source = p->name;
    c.repo_url = full ? "https://git.example.com/probe" : NULL;
    c.prometheus_datasource = full ? "prometheus" : NULL;
    c.default_lag_max_seconds = 300;

    rc_tmpl_vars vars = {0};
    rc_buf ref = {0}, fast = {0};
    json_t *tree = NULL;
    int rc = make_vars(&vars, d, NULL, &c, &t, NULL, errbuf, errlen);
    if (rc == 0 && render_reference(&ref, d, &vars, &tree, errbuf, errlen) < 0) {
        /* name the profile: a var the template uses may be missing from it */
        char *msg = rc_xstrdup(errlen ? errbuf : "");
        rc = rc_errorf(-1, errbuf, errlen, "%s (with profile %s)", msg, p->file);
        free(msg);
    }
    if (rc == 0) {
        json_t *panels = json_object_get(tree, "panels");
        if (!json_is_object(tree) || !json_is_array(panels))
            rc = rc_errorf(-1, errbuf, errlen, "%s: expected an object with a `panels` array",
                           d->tmpl_file);
        else
            rc = check_panels(panels, d->tmpl_file, errbuf, errlen);
    }
    if (rc == 0)
        rc = render_fast(&fast, d, &vars, errbuf, errlen);
    if (rc == 0 && (fast.len != ref.len || memcmp(fast.data, ref.data, ref.len) != 0))
        rc = rc_errorf(-1, errbuf, errlen,
                       "%s (profile %s): internal error: the compiled template renders differently "
                       "from the reference",
                       d->tmpl_file, p->name);
    json_decref(tree);
    rc_buf_free(&ref);
    rc_buf_free(&fast);
    rc_tmpl_vars_free(&vars);
    return rc;
}

int rc_dashboards_load(rc_dashboards **out, const char *dashboards_dir, char *errbuf, size_t errlen)
{
    *out = NULL;
    rc_dashboards *d = rc_xcalloc(1, sizeof(*d));
    d->tmpl_file = rc_xasprintf("%s/topic.json", dashboards_dir);
    char *text = NULL;
    size_t len = 0;
    char err[512];
    int rc = rc_read_file(&text, &len, d->tmpl_file, errbuf, errlen);
    if (rc < 0)
        goto err;
    rc = rc_tmpl_parse_json(&d->tmpl, text, len, d->tmpl_file, errbuf, errlen);
    free(text);
    if (rc < 0)
        goto err;
    if (!json_is_object(d->tmpl) || !json_is_array(json_object_get(d->tmpl, "panels"))) {
        rc_errorf(-1, errbuf, errlen, "%s: expected a dashboard object with a `panels` array",
                  d->tmpl_file);
        goto err;
    }
    if (json_object_get(d->tmpl, "$when")) {
        rc_errorf(-1, errbuf, errlen,
                  "%s: \"$when\" is for array elements and member objects, not the "
                  "dashboard itself",
                  d->tmpl_file);
        goto err;
    }
    d->compiled = compile(d->tmpl, ROLE_ROOT, err, sizeof(err));
    if (!d->compiled) {
        rc_errorf(-1, errbuf, errlen, "%s: %s", d->tmpl_file, err);
        goto err;
    }
    if (load_profiles(d, dashboards_dir, errbuf, errlen) < 0)
        goto err;
    for (size_t i = 0; i < d->nprofiles; i++)
        if (probe(d, &d->profiles[i], true, errbuf, errlen) < 0 ||
            probe(d, &d->profiles[i], false, errbuf, errlen) < 0)
            goto err;
    *out = d;
    return 0;
err:
    rc_dashboards_free(d);
    return -1;
}

int rc_dashboard_render_lag(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                            const rc_cluster_decl *c, const rc_topic_decl *t,
                            const rc_dashboard_lag *lag, char *errbuf, size_t errlen)
{
    rc_tmpl_vars vars = {0};
    int rc = make_vars(&vars, d, repo, c, t, lag, errbuf, errlen);
    if (rc == 0)
        rc = render_fast(out, d, &vars, errbuf, errlen);
    rc_tmpl_vars_free(&vars);
    return rc;
}

int rc_dashboard_render(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                        const rc_cluster_decl *c, const rc_topic_decl *t, char *errbuf,
                        size_t errlen)
{
    return rc_dashboard_render_lag(out, d, repo, c, t, NULL, errbuf, errlen);
}

int rc_dashboard_render_reference(rc_buf *out, const rc_dashboards *d, const rc_repo *repo,
                                  const rc_cluster_decl *c, const rc_topic_decl *t,
                                  const rc_dashboard_lag *lag, char *errbuf, size_t errlen)
{
    rc_tmpl_vars vars = {0};
    int rc = make_vars(&vars, d, repo, c, t, lag, errbuf, errlen);
    if (rc == 0)
        rc = render_reference(out, d, &vars, NULL, errbuf, errlen);
    rc_tmpl_vars_free(&vars);
    return rc;
}

/* ---- provisioning --------------------------------------------------------------- */

int rc_dashboards_provisioning(rc_buf *out, const rc_cluster_decl *c, const char *dashboards_path,
                               char *errbuf, size_t errlen)
{
    char *name = rc_xasprintf("reconcile-%s", c->name);
    char *folder = c->grafana_folder && *c->grafana_folder
                       ? rc_xstrdup(c->grafana_folder)
                       : rc_xasprintf("Kafka topics / %s", c->name);
    json_t *options = json_object();
    json_object_set_new(options, "path", json_string(dashboards_path));
    json_object_set_new(options, "foldersFromFilesStructure", json_false());
    json_t *provider = json_object();
    json_object_set_new(provider, "name", json_string(name));
    json_object_set_new(provider, "orgId", json_integer(1));
    json_object_set_new(provider, "folder", json_string(folder));
    json_object_set_new(provider, "type", json_string("file"));
    json_object_set_new(provider, "disableDeletion", json_false());
    json_object_set_new(provider, "allowUiUpdates", json_false());
    json_object_set_new(provider, "options", options);
    json_t *providers = json_array();
    json_array_append_new(providers, provider);
    json_t *root = json_object();
    json_object_set_new(root, "apiVersion", json_integer(1));
    json_object_set_new(root, "providers", providers);
    free(name);
    free(folder);

    int rc = 0;
    /* json_string refuses invalid UTF-8 (returns NULL, which set_new ignores) */
    if (!json_object_get(options, "path") || !json_object_get(provider, "name") ||
        !json_object_get(provider, "folder")) {
        rc = rc_errorf(-1, errbuf, errlen, "cluster %s: provisioning values must be valid UTF-8",
                       c->name);
    } else {
        size_t mark = out->len;
        if (rc_tmpl_emit_yaml(out, root) < 0) {
            out->len = mark;
            if (out->data)
                out->data[mark] = '\0';
            rc = rc_errorf(-1, errbuf, errlen, "cluster %s: cannot emit the provisioning YAML",
                           c->name);
        }
    }
    json_decref(root);
    return rc;
}

const char *const *rc_dashboards_profiles(const rc_dashboards *d, size_t *n)
{
    *n = d->nprofiles;
    return d->names;
}

void rc_dashboards_free(rc_dashboards *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nprofiles; i++) {
        free(d->profiles[i].name);
        free(d->profiles[i].file);
        rc_kvlist_free(&d->profiles[i].vars);
    }
    free(d->profiles);
    free(d->names);
    cnode_free(d->compiled);
    json_decref(d->tmpl);
    free(d->tmpl_file);
    free(d);
}
