/* pr_report.c — the pull request view as text and as GitHub workflow
 * commands, and what every form of it shares: the diagnostics it shows. The
 * Markdown comment is pr_markdown.c (sections, byte budget) and
 * pr_markdown_topics.c (one topic's block). */
#include "pr_report.h"

#include "kind.h"

#include "plan_print.h"
#include "pr_report_internal.h"
#include "textout.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared: diagnostics ---------------------------------------------------- */

static int diagp_cmp(const void *pa, const void *pb)
{
    return rc_diag_cmp(*(const rc_diag *const *)pa, *(const rc_diag *const *)pb);
}

static bool str_same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool diag_same(const rc_diag *a, const rc_diag *b)
{
    return a->severity == b->severity && a->line == b->line && a->col == b->col &&
           str_same(a->file, b->file) && str_same(a->rule, b->rule) &&
           str_same(a->message, b->message);
}

diag_view pr_diag_view_make(const rc_diags *d, const rc_changeset *cs)
{
    diag_view v = {0};
    size_t n = d ? d->len : 0;
    if (n == 0)
        return v;
    const rc_diag **all = rc_xcalloc(n, sizeof(*all));
    for (size_t i = 0; i < n; i++)
        all[i] = &d->items[i];
    qsort(all, n, sizeof(*all), diagp_cmp);
    v.shown = rc_xcalloc(n, sizeof(*v.shown));
    for (size_t i = 0; i < n; i++) {
        /* equal diagnostics sort next to each other unless their seq differs
         * only: compare with every earlier one at the same position */
        bool dup = false;
        for (size_t k = i; k-- > 0 && !dup;) {
            if (all[k]->line != all[i]->line || all[k]->col != all[i]->col ||
                !str_same(all[k]->file, all[i]->file))
                break;
            dup = diag_same(all[k], all[i]);
        }
        if (dup)
            continue;
        if (all[i]->severity == RC_SEV_ERROR)
            v.errors++;
        else
            v.warnings++;
        if (!cs || rc_changeset_diag_relevant(cs, all[i]))
            v.shown[v.nshown++] = all[i];
        else
            v.hidden++;
    }
    free(all);
    return v;
}

void pr_diag_view_free(diag_view *v)
{
    free(v->shown);
    memset(v, 0, sizeof(*v));
}

static size_t count_errors(const rc_diags *d)
{
    return d ? rc_diags_errors(d) : 0;
}

const char *pr_plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The reason the whole cluster part was skipped. Heap string. */
char *pr_skip_reason(const rc_diags *diags)
{
    size_t nerr = count_errors(diags);
    if (nerr > 0)
        return rc_xasprintf("the declarations have %zu %s; no cluster was contacted", nerr,
                            pr_plural(nerr, "error", "errors"));
    return rc_xstrdup("offline run; no cluster was contacted");
}

/* ---- text ---------------------------------------------------------------------- */

static void text_value(FILE *out, const rc_field_change *f, const char *v)
{
    rc_text_put(out, v ? v : f->unset);
}

static void text_field(FILE *out, const rc_field_change *f)
{
    rc_text_put(out, f->field);
    if (f->kind == RC_FIELD_TEXT) {
        fputs(!f->old_value ? " added" : !f->new_value ? " removed" : " changed", out);
        return;
    }
    fputc(' ', out);
    text_value(out, f, f->old_value);
    fputs(" -> ", out);
    text_value(out, f, f->new_value);
}

static void text_head(FILE *out, const char *sign_verb, const char *name)
{
    fputs(sign_verb, out);
    for (size_t i = strlen(sign_verb); i < 10; i++)
        fputc(' ', out);
    fputc(' ', out);
    rc_text_put(out, name);
}

static bool owner_changed(const rc_topic_delta *t)
{
    for (size_t k = 0; k < t->nfields; k++)
        if (strcmp(t->fields[k].field, "owner") == 0)
            return true;
    return false;
}

static void text_topic(FILE *out, const rc_topic_delta *t)
{
    switch (t->change) {
    case RC_TOPIC_ADDED:
        text_head(out, "+ added", t->topic);
        fputs(" (owner ", out);
        rc_text_put(out, t->owner ? t->owner : "(none)");
        fputs(")\n", out);
        break;
    case RC_TOPIC_MODIFIED: {
        text_head(out, "~ modified", t->topic);
        const char *sep = " (";
        if (!owner_changed(t)) {
            fputs(" (owner ", out);
            rc_text_put(out, t->owner ? t->owner : "(none)");
            sep = "; ";
        }
        if (t->moved_from) {
            fputs(sep, out);
            fputs("moved from ", out);
            rc_text_put(out, t->moved_from);
            sep = "; ";
        }
        for (size_t k = 0; k < t->nfields; k++) {
            fputs(sep, out);
            text_field(out, &t->fields[k]);
            sep = "; ";
        }
        fputs(")\n", out);
        break;
    }
    case RC_TOPIC_REMOVED:
        if (t->head_file_invalid) {
            text_head(out, "? not readable", t->topic);
            fputs(" (owner ", out);
            rc_text_put(out, t->owner ? t->owner : "(none)");
            fputs("): ", out);
            rc_text_put(out, t->file);
            fputs(" has errors at head; fix them, or the topic is no longer managed (it "
                  "stays on the cluster)\n",
                  out);
        } else {
            text_head(out, "- no longer managed", t->topic);
            fputs(" (owner ", out);
            rc_text_put(out, t->owner ? t->owner : "(none)");
            fputs("): " REMOVED_NOTE "\n", out);
        }
        break;
    }
}

topic_counts pr_cluster_topic_counts(const rc_changeset *cs, const char *cluster)
{
    topic_counts c = {0};
    for (size_t i = 0; i < cs->ntopics; i++) {
        const rc_topic_delta *t = &cs->topics[i];
        if (strcmp(t->cluster, cluster) != 0)
            continue;
        if (t->change == RC_TOPIC_ADDED)
            c.added++;
        else if (t->change == RC_TOPIC_MODIFIED)
            c.modified++;
        else
            c.removed++;
    }
    return c;
}

/* What the change does to the other kinds (access), per cluster. */
static void text_kinds(FILE *out, const rc_changeset *cs)
{
    for (size_t i = 0; i < cs->nclusters; i++)
        for (size_t k = 0; k < cs->clusters[i].nkinds; k++) {
            const rc_kind_plan *kp = &cs->clusters[i].kinds[k];
            if (kp->kind->pending(kp->plan) > 0)
                kp->kind->print_text(out, cs->clusters[i].name, kp->plan, false);
        }
}

static void text_topics(FILE *out, const rc_changeset *cs);

void rc_pr_print_text(FILE *out, const rc_changeset *cs)
{
    text_topics(out, cs);
    text_kinds(out, cs);
}

static void text_topics(FILE *out, const rc_changeset *cs)
{
    if (cs->nfiles == 0) {
        fputs("declaration changes: none (no file under topics/ differs)\n", out);
        return;
    }
    fprintf(out, "declaration changes: %zu %s (%zu added, %zu modified, %zu removed)\n", cs->nfiles,
            pr_plural(cs->nfiles, "file", "files"), cs->files_added, cs->files_modified,
            cs->files_removed);
    for (size_t i = 0; i < cs->nfiles; i++) {
        const rc_file_delta *f = &cs->files[i];
        fputs(f->change == RC_FILE_ADDED ? "A " : f->change == RC_FILE_MODIFIED ? "M " : "D ", out);
        rc_text_put(out, f->path);
        if (f->change == RC_FILE_MODIFIED)
            fprintf(out, " (+%zu -%zu)", f->nhead_lines, f->lines_removed);
        fputc('\n', out);
    }
    if (cs->ntopics == 0) {
        fputs("no topic changes (formatting, comments or other files only)\n", out);
        return;
    }
    const char *cluster = NULL;
    for (size_t i = 0; i < cs->ntopics; i++) {
        const rc_topic_delta *t = &cs->topics[i];
        if (!cluster || strcmp(cluster, t->cluster) != 0) {
            cluster = t->cluster;
            topic_counts c = pr_cluster_topic_counts(cs, cluster);
            fputs("cluster ", out);
            rc_text_put(out, cluster);
            fprintf(out, ": %zu added, %zu modified, %zu no longer managed\n", c.added, c.modified,
                    c.removed);
        }
        text_topic(out, t);
    }
}

void rc_pr_print_text_plans(FILE *out, const rc_cluster_plan *plans, size_t nplans,
                            bool cluster_skipped, const rc_diags *diags, bool color)
{
    fputc('\n', out);
    if (cluster_skipped) {
        char *reason = pr_skip_reason(diags);
        fprintf(out, "cluster part skipped: %s\n", reason);
        free(reason);
        return;
    }
    for (size_t i = 0; i < nplans; i++) {
        const rc_cluster_plan *p = &plans[i];
        if (i > 0)
            fputc('\n', out);
        if (p->error) {
            fputs("cluster ", out);
            rc_text_put(out, p->cluster ? p->cluster : "?");
            fputs(": skipped: ", out);
            rc_text_put(out, rc_without_cluster_prefix(p->error, p->cluster));
            fputc('\n', out);
        } else {
            rc_plan_print_text(out, p, 1, color);
        }
    }
}

/* ---- GitHub workflow commands --------------------------------------------------- */

/* GitHub's escaping (actions/toolkit escapeData / escapeProperty). Any other
 * control byte is replaced: it has no business in a log line. */
static void gh_escape(FILE *out, const char *s, bool property)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '%':
            fputs("%25", out);
            break;
        case '\r':
            fputs("%0D", out);
            break;
        case '\n':
            fputs("%0A", out);
            break;
        case ':':
            fputs(property ? "%3A" : ":", out);
            break;
        case ',':
            fputs(property ? "%2C" : ",", out);
            break;
        default:
            fputc(*p < 0x20 && *p != '\t' ? '?' : *p == 0x7f ? '?' : *p, out);
            break;
        }
    }
}

void rc_pr_print_github(FILE *out, const rc_diags *diags, const rc_changeset *cs)
{
    diag_view v = pr_diag_view_make(diags, cs);
    for (size_t i = 0; i < v.nshown; i++) {
        const rc_diag *d = v.shown[i];
        fputs(d->severity == RC_SEV_ERROR ? "::error file=" : "::warning file=", out);
        gh_escape(out, d->file, true);
        if (d->line > 0) {
            fprintf(out, ",line=%d", d->line);
            if (d->col > 0)
                fprintf(out, ",col=%d", d->col);
        }
        fputs(",title=", out);
        gh_escape(out, d->rule, true);
        fputs("::", out);
        gh_escape(out, d->message, false);
        fputc('\n', out);
    }
    for (size_t i = 0; cs && i < cs->ntopics; i++) {
        const rc_topic_delta *t = &cs->topics[i];
        if (t->change != RC_TOPIC_REMOVED)
            continue;
        fputs(t->head_file_invalid ? "::notice title=not readable::topic "
                                   : "::notice title=no longer managed::topic ",
              out);
        gh_escape(out, t->topic, false);
        fputs(" (cluster ", out);
        gh_escape(out, t->cluster, false);
        fputs(", owner ", out);
        gh_escape(out, t->owner ? t->owner : "(none)", false);
        if (t->head_file_invalid) {
            fputs(") could not be read: ", out);
            gh_escape(out, t->file, false);
            fputs(" has errors at head; fix them, or the topic is no longer managed (it stays on "
                  "the cluster)\n",
                  out);
        } else {
            fputs(") is no longer declared: " REMOVED_NOTE "\n", out);
        }
    }
    if (v.hidden > 0)
        fprintf(
            out,
            "::notice::%zu %s in files this change does not touch %s not annotated (%s "
            "this change; run reconcile validate to see %s)\n",
            v.hidden, pr_plural(v.hidden, "problem", "problems"), pr_plural(v.hidden, "is", "are"),
            pr_plural(v.hidden, "it predates", "they predate"), pr_plural(v.hidden, "it", "them"));
    pr_diag_view_free(&v);
}
