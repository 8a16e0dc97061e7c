/* dashboard_compile.c — the dashboard template compiled once and written per
 * topic without building a JSON tree (the fast path), with its JSON string
 * writer. */
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
#include "dashboards_internal.h"

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

void dash_cnode_free(cnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++) {
        dash_cnode_free(n->kids[i]);
        if (n->keys)
            free(n->keys[i]);
    }
    free(n->kids);
    free(n->keys);
    free(n->key_lens);
    dash_cnode_free(n->when);
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

/* A string: a constant unless it holds a placeholder; one that is exactly
 * one unfiltered placeholder remembers its name (a raw variable may stand
 * for a number there). */
static void compile_string(cnode *n, const json_t *t)
{
    const char *s = json_string_value(t);
    if (!strstr(s, "${")) {
        n->kind = CN_CONST;
        n->text = dump_const(t);
        n->len = strlen(n->text);
        return;
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
}

static bool compile_array(cnode *n, const json_t *t, role r, char *errbuf, size_t errlen)
{
    n->kind = CN_ARRAY;
    n->nkids = json_array_size(t);
    n->kids = rc_xcalloc(n->nkids, sizeof(*n->kids));
    for (size_t i = 0; i < n->nkids; i++) {
        const json_t *item = json_array_get(t, i);
        role ir = r == ROLE_PANELS && json_is_object(item) ? ROLE_PANEL : ROLE_PLAIN;
        if (!(n->kids[i] = dash_compile(item, ir, errbuf, errlen)))
            return false;
    }
    return true;
}

/* An object: its keys written once, "$when" set apart, a panel's "id"
 * position remembered. */
static bool compile_object(cnode *n, const json_t *t, role r, char *errbuf, size_t errlen)
{
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
            rc_errorf(-1, errbuf, errlen, "placeholders in keys are not supported (\"%s\")", key);
            return false;
        }
        if (!strcmp(key, "$when")) {
            if (!json_is_string(v) && !json_is_boolean(v)) {
                rc_errorf(-1, errbuf, errlen, "\"$when\" must be true or false");
                return false;
            }
            n->when = dash_compile(v, ROLE_PLAIN, errbuf, errlen);
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
                  dash_compile(v, panels ? ROLE_PANELS : ROLE_PLAIN, errbuf, errlen)))
            return false;
    }
    return true;
}

cnode *dash_compile(const json_t *t, role r, char *errbuf, size_t errlen)
{
    cnode *n = rc_xcalloc(1, sizeof(*n));
    n->id_at = -1;
    bool ok = true;
    if (json_is_string(t)) {
        compile_string(n, t);
    } else if (json_is_array(t)) {
        ok = compile_array(n, t, r, errbuf, errlen);
    } else if (json_is_object(t)) {
        ok = compile_object(n, t, r, errbuf, errlen);
    } else {
        n->kind = CN_CONST;
        n->text = dump_const(t);
        n->len = strlen(n->text);
    }
    if (!ok) {
        dash_cnode_free(n);
        return NULL;
    }
    return n;
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

int dash_render_fast(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars, char *errbuf,
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
