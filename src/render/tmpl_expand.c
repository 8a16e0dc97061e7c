/* tmpl_expand.c — the placeholder expander: a deep copy of a template tree
 * that rewrites its strings, with the escaping filters. */
#include "tmpl.h"

#include "textout.h"

#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- filters -------------------------------------------------------------- */

typedef void (*filter_fn)(rc_buf *out, const char *s, size_t n);

static void f_promql(rc_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char x[4];
        if (c == '\\')
            esc = "\\\\";
        else if (c == '"')
            esc = "\\\"";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7f) {
            x[0] = '\\';
            x[1] = 'x';
            x[2] = hex[c >> 4];
            x[3] = hex[c & 15];
        } else {
            continue;
        }
        rc_buf_append(out, s + run, i - run);
        if (esc)
            rc_buf_puts(out, esc);
        else
            rc_buf_append(out, x, 4);
        run = i + 1;
    }
    rc_buf_append(out, s + run, n - run);
}

static void f_regex(rc_buf *out, const char *s, size_t n)
{
    rc_buf tmp = {0};
    for (size_t i = 0; i < n; i++) {
        if (s[i] && strchr("\\.+*?()|[]{}^$", s[i]))
            rc_buf_append(&tmp, "\\", 1);
        rc_buf_append(&tmp, s + i, 1);
    }
    f_promql(out, tmp.data ? tmp.data : "", tmp.len);
    rc_buf_free(&tmp);
}

static void f_url(rc_buf *out, const char *s, size_t n)
{
    rc_url_escape(out, s, n, false);
}

/* Go's text/template only starts an action at "{{"; "}}" outside an action is
 * plain text. Replacing every "{{" with an action that prints "{{" makes the
 * value inert; a trailing "{" is replaced too, since a template that goes on
 * with "{{ $value }}" would otherwise see "{{{". */
static void f_gotmpl(rc_buf *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '{')
            continue;
        if (i + 1 < n && s[i + 1] == '{') {
            rc_buf_append(out, s + run, i - run);
            rc_buf_puts(out, "{{ \"{{\" }}");
            i++;
            run = i + 1;
        } else if (i + 1 == n) {
            rc_buf_append(out, s + run, i - run);
            rc_buf_puts(out, "{{ \"{\" }}");
            run = i + 1;
        }
    }
    rc_buf_append(out, s + run, n - run);
}

static filter_fn filter_lookup(const char *name, size_t n)
{
    static const struct {
        const char *name;
        filter_fn fn;
    } filters[] = {{"promql", f_promql}, {"regex", f_regex}, {"url", f_url}, {"gotmpl", f_gotmpl}};
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
        if (strlen(filters[i].name) == n && !memcmp(filters[i].name, name, n))
            return filters[i].fn;
    return NULL;
}

/* ---- expansion ----------------------------------------------------------- */

/* Where in the tree a string is, for error messages; built on the C stack so
 * the happy path costs nothing. */
typedef struct xpath {
    const struct xpath *up;
    const char *key; /* NULL for an array index */
    size_t index;
} xpath;

typedef struct xctx {
    const rc_tmpl_vars *vars;
    char *errbuf;
    size_t errlen;
    rc_buf out; /* scratch for the string being expanded */
    rc_buf t1, t2;
    bool failed;
} xctx;

static void path_format(rc_buf *b, const xpath *p)
{
    if (!p)
        return;
    path_format(b, p->up);
    if (p->key)
        rc_buf_printf(b, "%s%s", p->up ? "." : "", p->key);
    else
        rc_buf_printf(b, "[%zu]", p->index);
}

static void xfail(xctx *x, const xpath *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void xfail(xctx *x, const xpath *p, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = true;
    rc_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    char *msg = rc_xvasprintf(fmt, ap);
    va_end(ap);
    rc_buf_puts(&b, msg);
    free(msg);
    if (p) {
        rc_buf_puts(&b, " at ");
        path_format(&b, p);
    }
    (void)rc_errorf(RC_ERR, x->errbuf, x->errlen, "%s", b.data);
    rc_buf_free(&b);
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Expand s[0..n) into x->out. When the whole string is one unfiltered
 * placeholder of a raw variable, *raw is set to that variable's literal
 * instead (x->out is then meaningless). Returns false on error.
 * A tokenizer of `${name|filter}` placeholders and `$$` escapes, kept whole on
 * purpose: its cursor, the copied run and the error positions are one state
 * that helpers would have to pass back and forth. */
static bool expand_text(xctx *x, const char *s, size_t n, const xpath *p, const char **raw)
{
    x->out.len = 0;
    if (x->out.data)
        x->out.data[0] = '\0';
    if (raw)
        *raw = NULL;
    size_t i = 0, run = 0;
    while (i < n) {
        if (s[i] != '$') {
            i++;
            continue;
        }
        if (i + 2 < n && s[i + 1] == '$' && s[i + 2] == '{') {
            /* "$${" is a literal "${" */
            rc_buf_append(&x->out, s + run, i - run);
            rc_buf_append(&x->out, "${", 2);
            i += 3;
            run = i;
            continue;
        }
        if (i + 1 >= n || s[i + 1] != '{') {
            i++;
            continue;
        }
        size_t start = i;
        size_t j = i + 2, name_start = j;
        while (j < n && name_char(s[j]))
            j++;
        size_t name_len = j - name_start;
        if (name_len == 0 || j >= n || (s[j] != '}' && s[j] != '|')) {
            size_t show = n - start < 40 ? n - start : 40;
            xfail(x, p, "malformed placeholder \"%.*s\" (write $${ for a literal ${)", (int)show,
                  s + start);
            return false;
        }
        char name[128];
        if (name_len >= sizeof(name)) {
            xfail(x, p, "placeholder name too long");
            return false;
        }
        memcpy(name, s + name_start, name_len);
        name[name_len] = '\0';
        const char *value = rc_kvlist_get(&x->vars->strings, name);
        const char *rawv = value ? NULL : rc_kvlist_get(&x->vars->raw, name);
        if (!value && !rawv) {
            xfail(x, p, "unknown placeholder ${%s}", name);
            return false;
        }
        if (!value)
            value = rawv;
        /* collect the filter names, then apply them in order */
        const char *fnames[8];
        size_t flens[8];
        size_t nf = 0;
        while (s[j] == '|') {
            size_t fs = ++j;
            while (j < n && name_char(s[j]))
                j++;
            if (j >= n || (s[j] != '}' && s[j] != '|') || j == fs) {
                size_t show = n - start < 40 ? n - start : 40;
                xfail(x, p, "malformed placeholder \"%.*s\"", (int)show, s + start);
                return false;
            }
            if (nf == sizeof(fnames) / sizeof(fnames[0])) {
                xfail(x, p, "too many filters in ${%s}", name);
                return false;
            }
            fnames[nf] = s + fs;
            flens[nf] = j - fs;
            nf++;
        }
        j++; /* '}' */
        if (rawv && nf == 0 && raw && start == 0 && j == n) {
            *raw = rawv;
            return true;
        }
        rc_buf_append(&x->out, s + run, start - run);
        const char *cur = value;
        size_t curlen = strlen(value);
        for (size_t k = 0; k < nf; k++) {
            filter_fn fn = filter_lookup(fnames[k], flens[k]);
            if (!fn) {
                xfail(x, p, "unknown filter |%.*s in ${%s}", (int)flens[k], fnames[k], name);
                return false;
            }
            if (k + 1 == nf) {
                fn(&x->out, cur, curlen);
            } else {
                rc_buf *dst = (k % 2 == 0) ? &x->t1 : &x->t2;
                dst->len = 0;
                fn(dst, cur, curlen);
                cur = dst->data ? dst->data : "";
                curlen = dst->len;
            }
        }
        if (nf == 0)
            rc_buf_append(&x->out, cur, curlen);
        i = j;
        run = i;
    }
    rc_buf_append(&x->out, s + run, n - run);
    return true;
}

static json_t *expand_string_node(xctx *x, const json_t *t, const xpath *p)
{
    const char *s = json_string_value(t);
    size_t n = json_string_length(t);
    if (!memchr(s, '$', n))
        return json_stringn_nocheck(s, n); /* already valid UTF-8: it came from a json string */
    const char *raw;
    if (!expand_text(x, s, n, p, &raw))
        return NULL;
    if (raw) {
        json_t *v = json_loads(raw, JSON_DECODE_ANY, NULL);
        if (!v || !(json_is_number(v) || json_is_boolean(v))) {
            json_decref(v);
            xfail(x, p, "raw variable %s is not a JSON number or boolean: \"%s\"", s, raw);
            return NULL;
        }
        return v;
    }
    json_t *v = json_stringn(x->out.data ? x->out.data : "", x->out.len);
    if (!v)
        xfail(x, p, "substituted value is not valid UTF-8");
    return v;
}

static json_t *expand_node(xctx *x, const json_t *t, const xpath *up, const char *key, size_t index)
{
    xpath here = {up, key, index};
    /* the root (no key, no index) has no path of its own */
    const xpath *p = (key || up || index != (size_t)-1) ? &here : NULL;
    switch (json_typeof(t)) {
    case JSON_OBJECT: {
        json_t *o = json_object();
        const char *k;
        json_t *v;
        /* Template keys are unique; only a substituted key can collide. */
        bool dynamic_keys = false;
        json_object_foreach((json_t *)t, k, v) if (strchr(k, '$')) dynamic_keys = true;
        json_object_foreach((json_t *)t, k, v)
        {
            const char *nk = k;
            char *owned = NULL;
            if (strchr(k, '$')) {
                if (!expand_text(x, k, strlen(k), p, NULL))
                    goto fail_obj;
                owned = rc_xstrndup(x->out.data ? x->out.data : "", x->out.len);
                nk = owned;
                if (strlen(nk) != x->out.len) {
                    xfail(x, p, "a key must not contain NUL characters");
                    free(owned);
                    goto fail_obj;
                }
            }
            if (dynamic_keys && json_object_get(o, nk)) {
                xfail(x, p, "substitution makes key \"%s\" a duplicate", nk);
                free(owned);
                goto fail_obj;
            }
            json_t *c = expand_node(x, v, p, k, 0);
            if (!c || json_object_set_new(o, nk, c) < 0) {
                if (c)
                    xfail(x, p, "key is not valid UTF-8");
                free(owned);
                goto fail_obj;
            }
            free(owned);
        }
        return o;
    fail_obj:
        json_decref(o);
        return NULL;
    }
    case JSON_ARRAY: {
        json_t *a = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v)
        {
            json_t *c = expand_node(x, v, p, NULL, i);
            if (!c) {
                json_decref(a);
                return NULL;
            }
            json_array_append_new(a, c);
        }
        return a;
    }
    case JSON_STRING:
        return expand_string_node(x, t, p);
    default:
        return json_copy((json_t *)t);
    }
}

static void xctx_free(xctx *x)
{
    rc_buf_free(&x->out);
    rc_buf_free(&x->t1);
    rc_buf_free(&x->t2);
}

json_t *rc_tmpl_expand(const json_t *tmpl, const rc_tmpl_vars *vars, char *errbuf, size_t errlen)
{
    xctx x = {.vars = vars, .errbuf = errbuf, .errlen = errlen};
    json_t *r = expand_node(&x, tmpl, NULL, NULL, (size_t)-1);
    xctx_free(&x);
    return r;
}

char *rc_tmpl_expand_string(const char *s, const rc_tmpl_vars *vars, char *errbuf, size_t errlen)
{
    xctx x = {.vars = vars, .errbuf = errbuf, .errlen = errlen};
    char *r = NULL;
    if (expand_text(&x, s, strlen(s), NULL, NULL))
        r = rc_xstrndup(x.out.data ? x.out.data : "", x.out.len);
    xctx_free(&x);
    return r;
}
