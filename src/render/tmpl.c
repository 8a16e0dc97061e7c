/* tmpl.c — parse templates into jansson trees, substitute placeholders, emit.
 *
 * Three independent parts: a libyaml event parser that builds a jansson tree,
 * the placeholder expander (a deep copy that rewrites strings), and the two
 * emitters (libyaml's emitter for YAML, jansson's dumper for JSON). Nothing
 * here knows about Prometheus or Grafana except the gotmpl and promql
 * escaping filters. */
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

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (!errbuf || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

/* ---- variables ------------------------------------------------------------ */

void rc_tmpl_vars_set(rc_tmpl_vars *v, const char *name, const char *value)
{
    /* One name, one meaning: a later string replaces an earlier raw value. */
    if (v->raw.len)
        rc_kvlist_remove(&v->raw, name);
    rc_kvlist_set(&v->strings, name, value ? value : "");
}

void rc_tmpl_vars_set_raw(rc_tmpl_vars *v, const char *name, const char *json_literal)
{
    if (v->strings.len)
        rc_kvlist_remove(&v->strings, name);
    rc_kvlist_set(&v->raw, name, json_literal ? json_literal : "null");
}

void rc_tmpl_vars_free(rc_tmpl_vars *v)
{
    rc_kvlist_free(&v->strings);
    rc_kvlist_free(&v->raw);
}

/* ---- YAML in ----------------------------------------------------------------- */

static bool all_in(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

/* YAML 1.2 core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_core_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t ip = 0, fp = 0;
    while (rc_is_digit((unsigned char)*s))
        s++, ip++;
    if (*s == '.') {
        s++;
        while (rc_is_digit((unsigned char)*s))
            s++, fp++;
    }
    if (ip == 0 && fp == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!rc_is_digit((unsigned char)*s))
            return false;
        while (rc_is_digit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* What a plain scalar means under the YAML 1.2 core schema. The text is the
 * NUL-terminated buffer libyaml hands out. `.inf`/`.nan` have no JSON form
 * and stay strings. */
/* JSON has no infinities: a number too large for a double (1e999) stays the
 * text it was rather than failing later as a NULL value. */
static json_t *finite_real_or_string(const char *s, size_t n)
{
    double d = strtod(s, NULL);
    return isfinite(d) ? json_real(d) : json_stringn(s, n);
}

static json_t *resolve_plain(const char *s, size_t n)
{
    if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return json_null();
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return json_true();
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return json_false();
    if (strlen(s) == n) {
        const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
        int base = 0;
        const char *digits = NULL;
        if (all_in(d, "0123456789")) {
            base = 10;
            digits = s;
        } else if (!strncmp(s, "0x", 2) && all_in(s + 2, "0123456789abcdefABCDEF")) {
            base = 16;
            digits = s + 2;
        } else if (!strncmp(s, "0o", 2) && all_in(s + 2, "01234567")) {
            base = 8;
            digits = s + 2;
        }
        if (base) {
            errno = 0;
            long long v = strtoll(digits, NULL, base);
            if (errno == 0)
                return json_integer((json_int_t)v);
            /* too large for an integer: keep the magnitude as a real */
            if (base == 10)
                return finite_real_or_string(s, n);
            return json_stringn(s, n);
        }
        if (is_core_float(s))
            return finite_real_or_string(s, n);
    }
    return json_stringn(s, n);
}

typedef struct yframe {
    json_t *node; /* borrowed: owned by its parent (or by the root pointer) */
    char *key;    /* mapping awaiting the value of this key; NULL otherwise */
} yframe;

typedef struct ybuild {
    json_t *root;
    yframe *stack;
    size_t depth;
    size_t cap;
} ybuild;

static void ybuild_push(ybuild *b, json_t *node)
{
    if (b->depth == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->stack = rc_xrealloc(b->stack, b->cap * sizeof(*b->stack));
    }
    b->stack[b->depth].node = node;
    b->stack[b->depth].key = NULL;
    b->depth++;
}

/* Attach value (a new reference, consumed) to the open container. Returns a
 * static problem text on failure. */
#define RC_TMPL_MAX_DEPTH 512
#define RC_TMPL_MAX_DEPTH_TEXT "512"

static const char *ybuild_attach(ybuild *b, json_t *value)
{
    if (!value)
        return "value is not valid UTF-8";
    if (b->depth == 0) {
        b->root = value;
        return NULL;
    }
    yframe *top = &b->stack[b->depth - 1];
    if (json_is_array(top->node)) {
        json_array_append_new(top->node, value);
        return NULL;
    }
    const char *problem = NULL;
    if (json_object_get(top->node, top->key)) {
        problem = "duplicate key";
        json_decref(value);
    } else if (json_object_set_new(top->node, top->key, value) < 0) {
        problem = "key is not valid UTF-8";
    }
    free(top->key);
    top->key = NULL;
    return problem;
}

static bool ybuild_in_key_position(const ybuild *b)
{
    return b->depth > 0 && json_is_object(b->stack[b->depth - 1].node) &&
           !b->stack[b->depth - 1].key;
}

int rc_tmpl_parse_yaml(json_t **out, const char *text, size_t len, const char *file, char *errbuf,
                       size_t errlen)
{
    *out = NULL;
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        seterr(errbuf, errlen, "%s: cannot initialise the YAML parser", file);
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    ybuild b = {0};
    int ndocs = 0;
    int rc = -1;
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            seterr(errbuf, errlen, "%s:%zu:%zu: %s%s%s", file, p.problem_mark.line + 1,
                   p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
                   p.context ? " " : "", p.context ? p.context : "");
            goto out;
        }
        size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
        const char *problem = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++ndocs > 1)
                problem = "a template holds one YAML document";
            break;
        case YAML_ALIAS_EVENT:
            problem = "aliases are not supported in templates";
            break;
        case YAML_SCALAR_EVENT: {
            const char *v = (const char *)ev.data.scalar.value;
            size_t n = ev.data.scalar.length;
            if (ybuild_in_key_position(&b)) {
                if (strlen(v) != n) {
                    problem = "a key must not contain NUL characters";
                    break;
                }
                b.stack[b.depth - 1].key = rc_xstrndup(v, n);
                break;
            }
            const char *tag = (const char *)ev.data.scalar.tag;
            bool as_string = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                             (tag && (!strcmp(tag, "!") || !strcmp(tag, YAML_STR_TAG)));
            problem = ybuild_attach(&b, as_string ? json_stringn(v, n) : resolve_plain(v, n));
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            if (ybuild_in_key_position(&b)) {
                problem = "only scalar mapping keys are supported";
                break;
            }
            /* the emitter and jansson recurse per level: bound the depth so a
             * hostile template cannot exhaust the stack (found by fuzz_tmpl) */
            if (b.depth >= RC_TMPL_MAX_DEPTH) {
                problem = "nesting deeper than " RC_TMPL_MAX_DEPTH_TEXT " levels";
                break;
            }
            json_t *c = ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
            /* attach first: the parent owns it, the stack borrows it */
            problem = ybuild_attach(&b, c);
            if (!problem)
                ybuild_push(&b, c);
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            b.depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (problem) {
            seterr(errbuf, errlen, "%s:%zu:%zu: %s", file, line, col, problem);
            goto out;
        }
    }
    *out = b.root ? b.root : json_null();
    b.root = NULL;
    rc = 0;
out:
    for (size_t i = 0; i < b.depth; i++)
        free(b.stack[i].key);
    free(b.stack);
    json_decref(b.root);
    yaml_parser_delete(&p);
    return rc;
}

int rc_tmpl_parse_json(json_t **out, const char *text, size_t len, const char *file, char *errbuf,
                       size_t errlen)
{
    json_error_t e;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!*out) {
        seterr(errbuf, errlen, "%s:%d:%d: %s", file, e.line, e.column, e.text);
        return -1;
    }
    return 0;
}

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
    seterr(x->errbuf, x->errlen, "%s", b.data);
    rc_buf_free(&b);
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Expand s[0..n) into x->out. When the whole string is one unfiltered
 * placeholder of a raw variable, *raw is set to that variable's literal
 * instead (x->out is then meaningless). Returns false on error. */
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

/* ---- YAML out -------------------------------------------------------------- */

/* True when a plain scalar with this text could be read back as something
 * other than this string, by a YAML 1.2 core reader or by a YAML 1.1 reader
 * (go-yaml, which Prometheus uses, still knows yes/no/on/off, sexagesimal
 * numbers and timestamps). Conservative on purpose: anything that starts like
 * a number is quoted. libyaml itself decides whether plain is syntactically
 * possible (indicators, ": ", " #", leading spaces, ...). */
static bool plain_ambiguous(const char *s, size_t n)
{
    static const char *const words[] = {"y",    "n",     "yes",  "no", "on", "off",
                                        "true", "false", "null", "~",  "<<", "="};
    if (n == 0)
        return true;
    if (n <= 5) {
        char low[6];
        for (size_t i = 0; i < n; i++)
            low[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
        low[n] = '\0';
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (!strcmp(low, words[i]))
                return true;
    }
    unsigned char c = (unsigned char)s[0];
    if (rc_is_digit(c) || c == '.')
        return true; /* numbers, dates, 12:30, .5, .inf, .nan */
    if ((c == '-' || c == '+') && n > 1 && (rc_is_digit((unsigned char)s[1]) || s[1] == '.'))
        return true;
    return false;
}

static void format_real(char *buf, size_t size, double d)
{
    /* shortest of 15..17 significant digits that reads back exactly */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* a YAML 1.1 float needs a '.', or it reads back as an integer or string */
    if (!strchr(buf, '.')) {
        char *e = strpbrk(buf, "eE");
        char tail[32] = "";
        if (e) {
            snprintf(tail, sizeof(tail), "%s", e);
            *e = '\0';
        }
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, ".0%s", tail);
    }
}

typedef struct yemit {
    yaml_emitter_t e;
    bool failed;
} yemit;

/* yaml_emitter_emit takes the event, also on failure; after a failure the
 * remaining events are only released. */
static void y_emit(yemit *y, yaml_event_t *ev, int init_ok)
{
    if (!init_ok) {
        y->failed = true;
        return;
    }
    if (y->failed)
        yaml_event_delete(ev);
    else if (!yaml_emitter_emit(&y->e, ev))
        y->failed = true;
}

static void y_string(yemit *y, const char *s, size_t n)
{
    if (n > INT_MAX) {
        y->failed = true;
        return;
    }
    bool multiline = memchr(s, '\n', n) != NULL;
    /* Multi-line text reads best as a literal block; libyaml falls back to a
     * double-quoted scalar when a block cannot represent it exactly. */
    yaml_scalar_style_t style = multiline ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
    int plain_ok = !multiline && !plain_ambiguous(s, n);
    yaml_event_t ev;
    int ok =
        yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, plain_ok, 1, style);
    y_emit(y, &ev, ok);
}

static void y_plain(yemit *y, const char *s)
{
    yaml_event_t ev;
    int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 0,
                                          YAML_PLAIN_SCALAR_STYLE);
    y_emit(y, &ev, ok);
}

static void y_node(yemit *y, const json_t *n)
{
    yaml_event_t ev;
    char num[64];
    switch (json_typeof(n)) {
    case JSON_OBJECT: {
        y_emit(y, &ev,
               yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)n, k, v)
        {
            y_string(y, k, strlen(k));
            y_node(y, v);
        }
        y_emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
        break;
    }
    case JSON_ARRAY: {
        y_emit(y, &ev,
               yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
        size_t i;
        json_t *v;
        json_array_foreach(n, i, v) y_node(y, v);
        y_emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
        break;
    }
    case JSON_STRING:
        y_string(y, json_string_value(n), json_string_length(n));
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(n));
        y_plain(y, num);
        break;
    case JSON_REAL:
        format_real(num, sizeof(num), json_real_value(n));
        y_plain(y, num);
        break;
    case JSON_TRUE:
        y_plain(y, "true");
        break;
    case JSON_FALSE:
        y_plain(y, "false");
        break;
    case JSON_NULL:
        y_plain(y, "null");
        break;
    }
}

static int y_write(void *data, unsigned char *buffer, size_t size)
{
    rc_buf_append(data, (const char *)buffer, size);
    return 1;
}

static bool y_begin(yemit *y, rc_buf *out)
{
    if (!yaml_emitter_initialize(&y->e))
        return false;
    yaml_emitter_set_output(&y->e, y_write, out);
    yaml_emitter_set_unicode(&y->e, 1);
    yaml_emitter_set_width(&y->e, -1); /* never fold long expressions */
    yaml_emitter_set_indent(&y->e, 2);
    yaml_event_t ev;
    y_emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
    y_emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
    return true;
}

static int y_end(yemit *y)
{
    yaml_event_t ev;
    y_emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
    y_emit(y, &ev, yaml_stream_end_event_initialize(&ev));
    if (!y->failed && !yaml_emitter_flush(&y->e))
        y->failed = true;
    yaml_emitter_delete(&y->e);
    return y->failed ? -1 : 0;
}

int rc_tmpl_emit_yaml(rc_buf *out, const json_t *tree)
{
    yemit y = {0};
    if (!y_begin(&y, out))
        return -1;
    y_node(&y, tree);
    return y_end(&y);
}

struct rc_tmpl_yaml_list {
    yemit y;
    bool keyed;
};

rc_tmpl_yaml_list *rc_tmpl_yaml_list_begin(rc_buf *out, const char *key)
{
    rc_tmpl_yaml_list *l = rc_xcalloc(1, sizeof(*l));
    if (!y_begin(&l->y, out)) {
        free(l);
        return NULL;
    }
    yaml_event_t ev;
    l->keyed = key != NULL;
    if (key) {
        y_emit(&l->y, &ev,
               yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
        y_string(&l->y, key, strlen(key));
    }
    y_emit(&l->y, &ev,
           yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
    return l;
}

int rc_tmpl_yaml_list_add(rc_tmpl_yaml_list *l, const json_t *item)
{
    y_node(&l->y, item);
    return l->y.failed ? -1 : 0;
}

int rc_tmpl_yaml_list_end(rc_tmpl_yaml_list *l)
{
    yaml_event_t ev;
    y_emit(&l->y, &ev, yaml_sequence_end_event_initialize(&ev));
    if (l->keyed)
        y_emit(&l->y, &ev, yaml_mapping_end_event_initialize(&ev));
    int rc = y_end(&l->y);
    free(l);
    return rc;
}

bool rc_tmpl_yaml_strip_end(rc_buf *b)
{
    if (b->len >= 4 && !memcmp(b->data + b->len - 4, "...\n", 4) &&
        (b->len == 4 || b->data[b->len - 5] == '\n')) {
        b->len -= 4;
        b->data[b->len] = '\0';
        return true;
    }
    return false;
}

/* ---- JSON out -------------------------------------------------------------- */

static int j_write(const char *buffer, size_t size, void *data)
{
    rc_buf_append(data, buffer, size);
    return 0;
}

int rc_tmpl_emit_json(rc_buf *out, const json_t *tree)
{
    if (json_dump_callback(tree, j_write, out,
                           JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
                               JSON_REAL_PRECISION(15)) < 0)
        return -1;
    rc_buf_append(out, "\n", 1);
    return 0;
}
