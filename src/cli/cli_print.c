#include "cli_internal.h"

#include "plan_print.h"
#include "pr_report.h"
#include "textout.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("reconcile: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'reconcile --help'.\n", stderr);
    return RC_EXIT_USAGE;
}

/* ---- printing helpers ----------------------------------------------------- */

/* Every message that may echo a library or broker text goes through here, so
 * a secret substituted from the environment never reaches the terminal, and
 * neither does a control byte from a file name or the broker. */
void print_masked(cli *c, FILE *out, const char *prefix, const char *msg)
{
    char *masked = rc_secrets_mask(&c->secrets, msg);
    fputs(prefix, out);
    rc_text_put(out, masked);
    fputc('\n', out);
    free(masked);
}

/* Template and dashboard file names come from the managed repository. */
void print_cluster_error(cli *c, const char *cluster, const char *msg)
{
    char *prefix = rc_xasprintf("reconcile: cluster %s: ", cluster);
    print_masked(c, stderr, prefix, msg);
    free(prefix);
}

void print_diags(cli *c, rc_diags *d)
{
    /* validation output is the result of `validate`, so it goes to stdout
     * there; for plan/apply it explains a failure, so stderr. */
    print_diags_to(c, strcmp(c->command, "validate") == 0 ? stdout : stderr, d);
}

void print_diags_to(cli *c, FILE *out, rc_diags *d)
{
    /* Diagnostics never quote secret values (decl.c's `secret` rule names
     * the key only). */
    rc_diags_sort(d);
    if (c->format == FMT_GITHUB)
        rc_pr_print_github(out, d, NULL);
    else
        rc_diags_print(d, out);
}

void progress_cb(void *ud, const char *stage, size_t count)
{
    fleet_item *it = ud;
    if (!it->c->quiet)
        fprintf(it->err, "reconcile: %s: %zu topic%s\n", stage, count, count == 1 ? "" : "s");
}
