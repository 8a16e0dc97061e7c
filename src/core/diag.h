/* diag.h — collected diagnostics (validation problems, warnings).
 *
 * Validation never stops at the first problem: every module appends to one
 * rc_diags and the command layer prints them all, sorted by file and position,
 * as `file:line:column: rule-id: message`. The list owns all strings. */
#ifndef RC_DIAG_H
#define RC_DIAG_H

#include <stddef.h>
#include <stdio.h>

typedef enum rc_severity { RC_SEV_ERROR, RC_SEV_WARNING } rc_severity;

typedef struct rc_diag {
    rc_severity severity;
    char *file; /* path relative to the repository root */
    int line;   /* 1-based; 0 when the problem concerns the whole file */
    int col;    /* 1-based; 0 when unknown */
    char *rule; /* stable id, e.g. "unknown-key" */
    char *message;
    size_t seq; /* insertion order, keeps sorting stable */
} rc_diag;

typedef struct rc_diags {
    rc_diag *items;
    size_t len;
    size_t cap;
} rc_diags;

void rc_diags_add(rc_diags *d, rc_severity sev, const char *file, int line, int col,
                  const char *rule, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
size_t rc_diags_errors(const rc_diags *d);
/* Sort by file, line, column (stable for equal positions). */
void rc_diags_sort(rc_diags *d);
/* The order of rc_diags_sort: <0, 0 or >0 (a NULL file sorts as ""). */
int rc_diag_cmp(const rc_diag *a, const rc_diag *b);
/* `file:line:col: rule: message` per line; warnings get "warning: " before the rule. */
void rc_diags_print(const rc_diags *d, FILE *out);
void rc_diags_free(rc_diags *d);

#endif
