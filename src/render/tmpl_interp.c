/* tmpl_interp.c — placeholder substitution inside one string: the filters
 * and the `${name|filter}` scanner. Nothing here knows about Prometheus or
 * Grafana except the gotmpl and promql escaping filters. */
#include "tmpl_internal.h"

#include "textout.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- placeholders ---------------------------------------------------------- */

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

void tmpl_xfail(xctx *x, const xpath *p, const char *fmt, ...)
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
    rc_errorf(RC_ERR, x->errbuf, x->errlen, "%s", b.data);
    rc_buf_free(&b);
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* One placeholder as written: `${name|f1|f2}`. */
typedef struct placeholder {
    char name[128];
    const char *fnames[8];
    size_t flens[8];
    size_t nf;
} placeholder;

static bool malformed(xctx *x, const xpath *p, const char *s, size_t n, size_t start, bool hint)
{
    size_t show = n - start < 40 ? n - start : 40;
    if (hint)
        tmpl_xfail(x, p, "malformed placeholder \"%.*s\" (write $${ for a literal ${)", (int)show,
                   s + start);
    else
        tmpl_xfail(x, p, "malformed placeholder \"%.*s\"", (int)show, s + start);
    return false;
}

/* Read the name of the placeholder whose "${" is at s[start]; *j is left
 * at the '}' or '|' after it. */
static bool scan_name(xctx *x, const char *s, size_t n, size_t start, const xpath *p,
                      placeholder *ph, size_t *j)
{
    size_t k = start + 2, name_start = k;
    while (k < n && name_char(s[k]))
        k++;
    size_t name_len = k - name_start;
    if (name_len == 0 || k >= n || (s[k] != '}' && s[k] != '|'))
        return malformed(x, p, s, n, start, true);
    if (name_len >= sizeof(ph->name)) {
        tmpl_xfail(x, p, "placeholder name too long");
        return false;
    }
    memcpy(ph->name, s + name_start, name_len);
    ph->name[name_len] = '\0';
    ph->nf = 0;
    *j = k;
    return true;
}

/* Collect the filter names from s[*j] on (each after a '|'); *j is left just
 * past the closing '}'. */
static bool scan_filters(xctx *x, const char *s, size_t n, size_t start, const xpath *p,
                         placeholder *ph, size_t *j)
{
    size_t k = *j;
    while (s[k] == '|') {
        size_t fs = ++k;
        while (k < n && name_char(s[k]))
            k++;
        if (k >= n || (s[k] != '}' && s[k] != '|') || k == fs)
            return malformed(x, p, s, n, start, false);
        if (ph->nf == sizeof(ph->fnames) / sizeof(ph->fnames[0])) {
            tmpl_xfail(x, p, "too many filters in ${%s}", ph->name);
            return false;
        }
        ph->fnames[ph->nf] = s + fs;
        ph->flens[ph->nf] = k - fs;
        ph->nf++;
    }
    *j = k + 1; /* '}' */
    return true;
}

/* Append value to x->out through the placeholder's filters, in order; the
 * intermediate results alternate between x->t1 and x->t2. */
static bool apply_filters(xctx *x, const placeholder *ph, const char *value, const xpath *p)
{
    const char *cur = value;
    size_t curlen = strlen(value);
    for (size_t k = 0; k < ph->nf; k++) {
        filter_fn fn = filter_lookup(ph->fnames[k], ph->flens[k]);
        if (!fn) {
            tmpl_xfail(x, p, "unknown filter |%.*s in ${%s}", (int)ph->flens[k], ph->fnames[k],
                       ph->name);
            return false;
        }
        if (k + 1 == ph->nf) {
            fn(&x->out, cur, curlen);
        } else {
            rc_buf *dst = (k % 2 == 0) ? &x->t1 : &x->t2;
            dst->len = 0;
            fn(dst, cur, curlen);
            cur = dst->data ? dst->data : "";
            curlen = dst->len;
        }
    }
    if (ph->nf == 0)
        rc_buf_append(&x->out, cur, curlen);
    return true;
}

/* Expand s[0..n) into x->out. When the whole string is one unfiltered
 * placeholder of a raw variable, *raw is set to that variable's literal
 * instead (x->out is then meaningless). Returns false on error. */
bool tmpl_expand_text(xctx *x, const char *s, size_t n, const xpath *p, const char **raw)
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
        size_t start = i, j;
        placeholder ph;
        if (!scan_name(x, s, n, start, p, &ph, &j))
            return false;
        const char *value = rc_kvlist_get(&x->vars->strings, ph.name);
        const char *rawv = value ? NULL : rc_kvlist_get(&x->vars->raw, ph.name);
        if (!value && !rawv) {
            tmpl_xfail(x, p, "unknown placeholder ${%s}", ph.name);
            return false;
        }
        if (!scan_filters(x, s, n, start, p, &ph, &j))
            return false;
        if (rawv && ph.nf == 0 && raw && start == 0 && j == n) {
            *raw = rawv;
            return true;
        }
        rc_buf_append(&x->out, s + run, start - run);
        if (!apply_filters(x, &ph, value ? value : rawv, p))
            return false;
        i = j;
        run = i;
    }
    rc_buf_append(&x->out, s + run, n - run);
    return true;
}
