/* tmpl_internal.h — what the files of the template module share (tmpl.h is
 * the contract). tmpl_parse.c reads templates into trees, tmpl_interp.c
 * substitutes placeholders inside one string, tmpl.c walks a tree with it,
 * tmpl_emit.c writes trees out as YAML or JSON. Included only by them. */
#ifndef RC_TMPL_INTERNAL_H
#define RC_TMPL_INTERNAL_H

#include "tmpl.h"

#include <stdbool.h>
#include <stddef.h>

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

/* Record the first error of an expansion in x->errbuf, with " at <path>"
 * appended when p is set; later calls are ignored (x->failed). */
void tmpl_xfail(xctx *x, const xpath *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Expand s[0..n) into x->out. When the whole string is one unfiltered
 * placeholder of a raw variable, *raw is set to that variable's literal
 * instead (x->out is then meaningless). Returns false on error. */
bool tmpl_expand_text(xctx *x, const char *s, size_t n, const xpath *p, const char **raw);

#endif
