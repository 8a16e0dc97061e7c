#include "diag.h"

#include "textout.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void rc_diags_add(rc_diags *d, rc_severity sev, const char *file, int line, int col,
                  const char *rule, const char *fmt, ...)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = rc_xrealloc(d->items, d->cap * sizeof(*d->items));
    }
    va_list ap;
    va_start(ap, fmt);
    rc_diag *g = &d->items[d->len++];
    g->severity = sev;
    g->file = rc_xstrdup(file ? file : "");
    g->line = line;
    g->col = col;
    g->rule = rc_xstrdup(rule);
    g->message = rc_xvasprintf(fmt, ap);
    g->seq = d->len - 1;
    va_end(ap);
}

size_t rc_diags_errors(const rc_diags *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++)
        n += d->items[i].severity == RC_SEV_ERROR;
    return n;
}

int rc_diag_cmp(const rc_diag *a, const rc_diag *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int diag_cmp(const void *a, const void *b)
{
    return rc_diag_cmp(a, b);
}

void rc_diags_sort(rc_diags *d)
{
    if (d->len > 1)
        qsort(d->items, d->len, sizeof(*d->items), diag_cmp);
}

void rc_diags_print(const rc_diags *d, FILE *out)
{
    /* File names and messages quote the repository: a name holding ESC or CR
     * must not rewrite the terminal or fake a diagnostic line. */
    for (size_t i = 0; i < d->len; i++) {
        const rc_diag *g = &d->items[i];
        rc_text_put(out, g->file);
        fprintf(out, ":%d:%d: %s", g->line, g->col,
                g->severity == RC_SEV_WARNING ? "warning: " : "");
        rc_text_put(out, g->rule);
        fputs(": ", out);
        rc_text_put(out, g->message);
        fputc('\n', out);
    }
}

void rc_diags_free(rc_diags *d)
{
    for (size_t i = 0; i < d->len; i++) {
        free(d->items[i].file);
        free(d->items[i].rule);
        free(d->items[i].message);
    }
    free(d->items);
    d->items = NULL;
    d->len = d->cap = 0;
}
