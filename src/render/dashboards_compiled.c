/* dashboards_compiled.c — the fast path: topic.json compiled once into a
 * tree of constants and strings with placeholders, walked per topic. */
#include "dashboards_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void compile_const(cnode *n, const json_t *t)
{
    n->kind = CN_CONST;
    n->text = dump_const(t);
    n->len = strlen(n->text);
}

static void compile_string(cnode *n, const json_t *t)
{
    const char *s = json_string_value(t);
    if (!strstr(s, "${")) {
        compile_const(n, t);
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

static int compile_array(cnode *n, const json_t *t, role r, char *errbuf, size_t errlen)
{
    n->kind = CN_ARRAY;
    n->nkids = json_array_size(t);
    n->kids = rc_xcalloc(n->nkids, sizeof(*n->kids));
    for (size_t i = 0; i < n->nkids; i++) {
        const json_t *item = json_array_get(t, i);
        role ir = r == ROLE_PANELS && json_is_object(item) ? ROLE_PANEL : ROLE_PLAIN;
        if (dash_compile(&n->kids[i], item, ir, errbuf, errlen) < 0)
            return RC_ERR;
    }
    return 0;
}

static int compile_object(cnode *n, const json_t *t, role r, char *errbuf, size_t errlen)
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
        if (strstr(key, "${"))
            return rc_errorf(RC_ERR, errbuf, errlen,
                             "placeholders in keys are not supported (\"%s\")", key);
        if (!strcmp(key, "$when")) {
            if (!json_is_string(v) && !json_is_boolean(v))
                return rc_errorf(RC_ERR, errbuf, errlen, "\"$when\" must be true or false");
            if (dash_compile(&n->when, v, ROLE_PLAIN, errbuf, errlen) < 0)
                return RC_ERR;
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
        if (dash_compile(&n->kids[n->nkids++], v, panels ? ROLE_PANELS : ROLE_PLAIN, errbuf,
                         errlen) < 0)
            return RC_ERR;
    }
    return 0;
}

int dash_compile(cnode **out, const json_t *t, role r, char *errbuf, size_t errlen)
{
    cnode *n = rc_xcalloc(1, sizeof(*n));
    n->id_at = -1;
    int rc = 0;
    if (json_is_string(t))
        compile_string(n, t);
    else if (json_is_array(t))
        rc = compile_array(n, t, r, errbuf, errlen);
    else if (json_is_object(t))
        rc = compile_object(n, t, r, errbuf, errlen);
    else
        compile_const(n, t);
    if (rc < 0) {
        dash_cnode_free(n);
        return RC_ERR;
    }
    *out = n;
    return 0;
}

typedef struct fctx {
    rc_buf *out;
    const rc_tmpl_vars *vars;
    long long next_id;
    char *errbuf;
    size_t errlen;
} fctx;

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
    char *s = NULL;
    if (rc_tmpl_expand_string(&s, n->text, x->vars, err, sizeof(err)) < 0)
        return rc_errorf(-1, x->errbuf, x->errlen, "%s", err);
    int rc = dash_put_json_string(x->out, s);
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
        char *s = NULL;
        if (rc_tmpl_expand_string(&s, w->text, x->vars, err, sizeof(err)) < 0)
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
        dash_put_indent(x->out, depth + 1);
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
        dash_put_indent(x->out, depth + 1);
        rc_buf_printf(x->out, "\"id\": %lld", id);
    }
    if (!any) {
        rc_buf_puts(x->out, object ? "{}" : "[]");
        return 0;
    }
    dash_put_indent(x->out, depth);
    rc_buf_puts(x->out, object ? "}" : "]");
    return 0;
}

int dash_render_fast(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars, bool clients,
                     char *errbuf, size_t errlen)
{
    fctx x = {out, vars, 1, errbuf, errlen};
    size_t mark = out->len;
    if (f_node(&x, clients ? d->clients_compiled : d->compiled, 0) < 0) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        return -1;
    }
    rc_buf_append(out, "\n", 1);
    return 0;
}
