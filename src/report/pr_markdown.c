/* pr_markdown.c — the Markdown pull request comment: its sections, in the
 * order a reviewer reads them, cut to fit the comment size limit. */
#include "pr_report.h"

#include "kind.h"

#include "plan_print.h"
#include "pr_report_internal.h"
#include "textout.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- Markdown: sections and the byte budget ---------------------------------------- */

/* A cuttable list: `before` is always printed; prefix and suffix frame the
 * rows when at least one row is printed; when rows are left out a line says
 * how many. */
typedef struct md_section {
    rc_buf before;
    const char *prefix;
    const char *suffix;
    char **rows;
    size_t nrows, cap;
    const char *one, *many, *hint;
    size_t shown;
} md_section;

static void section_row(md_section *s, char *row)
{
    if (s->nrows == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->rows = rc_xrealloc(s->rows, s->cap * sizeof(*s->rows));
    }
    s->rows[s->nrows++] = row;
}

static char *more_line(const md_section *s, size_t n)
{
    return rc_xasprintf("… and %zu more %s not shown (%s)\n\n", n, pr_plural(n, s->one, s->many),
                        s->hint);
}

static size_t more_len(const md_section *s, size_t n)
{
    if (n == 0)
        return 0;
    char *m = more_line(s, n);
    size_t len = strlen(m);
    free(m);
    return len;
}

static void section_free(md_section *s)
{
    rc_buf_free(&s->before);
    for (size_t i = 0; i < s->nrows; i++)
        free(s->rows[i]);
    free(s->rows);
}

/* Decide how many rows of each section are shown. Sections are filled in
 * `order`; a later section's "N more" line is reserved up front, so the total
 * stays within max. Returns false when even the fixed parts do not fit. */
static bool fit(md_section *secs, size_t nsecs, const size_t *order, size_t max)
{
    size_t used = 0;
    for (size_t i = 0; i < nsecs; i++) {
        secs[i].shown = 0;
        used += secs[i].before.len + more_len(&secs[i], secs[i].nrows);
    }
    if (used > max)
        return false;
    for (size_t o = 0; o < nsecs; o++) {
        md_section *s = &secs[order[o]];
        if (s->nrows == 0)
            continue;
        used -= more_len(s, s->nrows);
        size_t rest = 0; /* bytes of rows k.. */
        for (size_t k = 0; k < s->nrows; k++)
            rest += strlen(s->rows[k]);
        size_t cost = 0, k = 0;
        for (; k < s->nrows; k++) {
            size_t frame = k == 0 ? strlen(s->prefix) + strlen(s->suffix) : 0;
            /* all the remaining rows may fit where one row and a "N more"
             * line would not */
            if (used + cost + frame + rest <= max) {
                cost += frame + rest;
                k = s->nrows;
                break;
            }
            size_t add = frame + strlen(s->rows[k]);
            if (used + cost + add + more_len(s, s->nrows - k - 1) > max)
                break;
            cost += add;
            rest -= strlen(s->rows[k]);
        }
        s->shown = k;
        used += cost + more_len(s, s->nrows - k);
    }
    return true;
}

static void section_emit(rc_buf *out, const md_section *s)
{
    rc_buf_append(out, s->before.data ? s->before.data : "", s->before.len);
    if (s->shown > 0) {
        rc_buf_puts(out, s->prefix);
        for (size_t i = 0; i < s->shown; i++)
            rc_buf_puts(out, s->rows[i]);
        rc_buf_puts(out, s->suffix);
    }
    if (s->shown < s->nrows) {
        char *m = more_line(s, s->nrows - s->shown);
        rc_buf_puts(out, m);
        free(m);
    }
}

static char *md_diag_row(const rc_diag *d)
{
    rc_buf b = {0};
    char *loc = d->line <= 0  ? rc_xstrdup(d->file ? d->file : "")
                : d->col <= 0 ? rc_xasprintf("%s:%d", d->file ? d->file : "", d->line)
                              : rc_xasprintf("%s:%d:%d", d->file ? d->file : "", d->line, d->col);
    rc_buf_puts(&b, "| ");
    rc_md_code(&b, loc);
    free(loc);
    rc_buf_puts(&b, d->severity == RC_SEV_ERROR ? " | error | " : " | warning | ");
    rc_md_code(&b, d->rule);
    rc_buf_puts(&b, " | ");
    pr_md_text(&b, d->message);
    rc_buf_puts(&b, " |\n");
    return rc_buf_take(&b);
}

static char *md_file_row(const rc_file_delta *f)
{
    rc_buf b = {0};
    rc_buf_puts(&b, f->change == RC_FILE_ADDED      ? "- added "
                    : f->change == RC_FILE_MODIFIED ? "- modified "
                                                    : "- removed ");
    rc_md_code(&b, f->path);
    if (f->change == RC_FILE_MODIFIED)
        rc_buf_printf(&b, " (+%zu −%zu lines)", f->nhead_lines, f->lines_removed);
    rc_buf_puts(&b, "\n");
    return rc_buf_take(&b);
}

static void md_short_sha(rc_buf *b, const char *sha)
{
    char s[13];
    size_t n = strlen(sha);
    if (n > 12)
        n = 12;
    memcpy(s, sha, n);
    s[n] = '\0';
    rc_md_code(b, s);
}

static void md_validation(md_section *s, const diag_view *v)
{
    rc_buf *b = &s->before;
    rc_buf_puts(b, "### Validation\n\n");
    if (v->errors == 0 && v->warnings == 0)
        rc_buf_puts(b, "✅ All declarations are valid.\n\n");
    else if (v->errors == 0)
        rc_buf_printf(b, "✅ All declarations are valid, %zu %s.\n\n", v->warnings,
                      pr_plural(v->warnings, "warning", "warnings"));
    else
        rc_buf_printf(b, "❌ **%zu %s**, %zu %s.\n\n", v->errors,
                      pr_plural(v->errors, "error", "errors"), v->warnings,
                      pr_plural(v->warnings, "warning", "warnings"));
    s->prefix = "| Location | Severity | Rule | Message |\n|---|---|---|---|\n";
    s->suffix = "\n";
    s->one = "problem";
    s->many = "problems";
    s->hint = "run `reconcile validate` to see all of them";
    for (size_t i = 0; i < v->nshown; i++)
        section_row(s, md_diag_row(v->shown[i]));
}

typedef struct cluster_name_list {
    const char **v;
    size_t n;
} cluster_name_list;

static int cstrp_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static cluster_name_list all_clusters(const rc_changeset *cs, const plan_index *pis, size_t np)
{
    cluster_name_list l = {0};
    l.v = rc_xcalloc(cs->nclusters + np + 1, sizeof(*l.v));
    for (size_t i = 0; i < cs->nclusters; i++)
        l.v[l.n++] = cs->clusters[i].name;
    for (size_t i = 0; i < np; i++)
        if (pis[i].plan->cluster)
            l.v[l.n++] = pis[i].plan->cluster;
    qsort(l.v, l.n, sizeof(*l.v), cstrp_cmp);
    size_t w = 0;
    for (size_t i = 0; i < l.n; i++)
        if (w == 0 || strcmp(l.v[w - 1], l.v[i]) != 0)
            l.v[w++] = l.v[i];
    l.n = w;
    return l;
}

static const rc_changeset_cluster *cs_cluster(const rc_changeset *cs, const char *name)
{
    for (size_t i = 0; i < cs->nclusters; i++)
        if (strcmp(cs->clusters[i].name, name) == 0)
            return &cs->clusters[i];
    return NULL;
}

static void md_clusters(rc_buf *b, const rc_changeset *cs, const plan_index *pis, size_t np,
                        bool cluster_skipped, const rc_diags *diags)
{
    rc_buf_puts(b, "### Clusters\n\n");
    cluster_name_list l = all_clusters(cs, pis, np);
    if (l.n == 0)
        rc_buf_puts(b, "No cluster is declared.\n\n");
    char *reason = pr_skip_reason(diags);
    for (size_t i = 0; i < l.n; i++) {
        const char *name = l.v[i];
        const plan_index *pi = cluster_skipped ? NULL : pr_find_plan(pis, np, name);
        const rc_changeset_cluster *cc = cs_cluster(cs, name);
        rc_buf_puts(b, "- cluster ");
        rc_md_code(b, name);
        rc_buf_puts(b, ": ");
        if (pi && !pi->plan->error) {
            size_t c[6];
            rc_cluster_plan_counts(pi->plan, c);
            rc_buf_printf(b, "%zu to create, %zu to change, %zu refused, %zu unchanged",
                          c[RC_ACT_CREATE], c[RC_ACT_UPDATE], c[RC_ACT_REFUSE],
                          c[RC_ACT_UNCHANGED]);
            if (c[RC_ACT_UNMANAGED] > 0)
                rc_buf_printf(b, ", %zu unmanaged", c[RC_ACT_UNMANAGED]);
            if (c[RC_ACT_DELETE] > 0)
                rc_buf_printf(b, ", **%zu to delete**", c[RC_ACT_DELETE]);
        } else if (pi) {
            rc_buf_puts(b, "cluster part skipped: ");
            pr_md_text(b, rc_without_cluster_prefix(pi->plan->error, name));
        } else if (cc && !cc->in_head) {
            rc_buf_puts(b, "no longer declared (its topics stay on the cluster, unmanaged)");
        } else if (cluster_skipped) {
            rc_buf_puts(b, "cluster part skipped: ");
            pr_md_text(b, reason);
        } else {
            rc_buf_puts(b, "not planned in this run");
        }
        topic_counts tc = pr_cluster_topic_counts(cs, name);
        if (tc.added + tc.modified + tc.removed > 0)
            rc_buf_printf(b, " · declarations: %zu added, %zu modified, %zu no longer managed",
                          tc.added, tc.modified, tc.removed);
        rc_buf_puts(b, "\n");
    }
    if (l.n > 0)
        rc_buf_puts(b, "\n");
    free(reason);
    free(l.v);
}

/* The title, the commits compared and the validation result. */
static void md_title_section(md_section *s, const rc_changeset *cs, const diag_view *v)
{
    rc_buf_puts(&s->before, "## reconcile: pull request plan\n\n");
    if (cs->base_commit || cs->head_commit) {
        rc_buf_puts(&s->before, "Base ");
        if (cs->base_commit)
            md_short_sha(&s->before, cs->base_commit);
        else
            rc_buf_puts(&s->before, "the working tree");
        rc_buf_puts(&s->before, " → head ");
        if (cs->head_commit)
            md_short_sha(&s->before, cs->head_commit);
        else
            rc_buf_puts(&s->before, "the working tree");
        rc_buf_puts(&s->before, ".\n\n");
    }
    md_validation(s, v);
}

/* The clusters, the declaration summary, then the file list. */
static void md_files_section(md_section *s, const rc_changeset *cs, const plan_index *pis,
                             size_t nplans, bool cluster_skipped, const rc_diags *diags,
                             const diag_view *v)
{
    if (v->hidden > 0)
        rc_buf_printf(&s->before,
                      "%zu %s in files this change does not touch %s not listed (%s this "
                      "change; `reconcile validate` shows every problem).\n\n",
                      v->hidden, pr_plural(v->hidden, "problem", "problems"),
                      pr_plural(v->hidden, "is", "are"),
                      pr_plural(v->hidden, "it predates", "they predate"));
    md_clusters(&s->before, cs, pis, nplans, cluster_skipped, diags);
    rc_buf_puts(&s->before, "### Declaration changes\n\n");
    if (cs->nfiles == 0)
        rc_buf_puts(&s->before, "No file under `topics/` differs.\n\n");
    else
        rc_buf_printf(&s->before,
                      "%zu %s changed (%zu added, %zu modified, %zu removed); topics: %zu "
                      "added, %zu modified, %zu no longer managed.\n\n",
                      cs->nfiles, pr_plural(cs->nfiles, "file", "files"), cs->files_added,
                      cs->files_modified, cs->files_removed, cs->topics_added, cs->topics_modified,
                      cs->topics_removed);
    s->prefix = "";
    s->suffix = "\n";
    s->one = "file";
    s->many = "files";
    s->hint = "`git diff` shows every file";
    for (size_t i = 0; i < cs->nfiles; i++)
        section_row(s, md_file_row(&cs->files[i]));
}

/* The topics the change touches, then the cluster's other pending changes. */
static void md_topics_section(md_section *s, const rc_changeset *cs, const plan_index *pis,
                              size_t nplans, bool cluster_skipped)
{
    rc_buf_puts(&s->before, "### Topics\n\n");
    s->prefix = "";
    s->suffix = "";
    s->one = "topic";
    s->many = "topics";
    s->hint = "run `reconcile plan` for the full plan";
    for (size_t i = 0; i < cs->ntopics; i++) {
        const plan_index *pi =
            cluster_skipped ? NULL : pr_find_plan(pis, nplans, cs->topics[i].cluster);
        if (pi && pi->plan->error)
            pi = NULL;
        section_row(s, pr_md_touched_block(&cs->topics[i], pi));
    }
    for (size_t i = 0; !cluster_skipped && i < nplans; i++) {
        const plan_index *pi = &pis[i];
        if (pi->plan->error)
            continue;
        for (size_t k = 0; k < pi->plan->ntopics; k++) {
            const rc_topic_plan *tp = &pi->plan->topics[k];
            bool pending = tp->action == RC_ACT_CREATE || tp->action == RC_ACT_UPDATE ||
                           tp->action == RC_ACT_REFUSE || tp->action == RC_ACT_DELETE ||
                           tp->broker_error;
            if (pending && tp->topic && !pr_in_changeset(cs, pi->plan->cluster, tp->topic))
                section_row(s, pr_md_pending_block(pi->plan, pi, tp));
        }
    }
    if (s->nrows == 0)
        rc_buf_puts(&s->before, "No topic is added, modified or removed by this change.\n\n");
}

/* What the change grants and takes away, per cluster and kind; then what
 * apply would do to the live cluster's access (unmanaged bindings too). */
static void md_kinds_section(md_section *s, const rc_changeset *cs, const plan_index *pis,
                             size_t nplans, bool cluster_skipped)
{
    for (size_t i = 0; i < cs->nclusters; i++) {
        const rc_changeset_cluster *cc = &cs->clusters[i];
        for (size_t k = 0; k < cc->nkinds; k++) {
            if (cc->kinds[k].kind->pending(cc->kinds[k].plan) == 0)
                continue;
            rc_buf_puts(&s->before, "### Access: cluster ");
            rc_md_code(&s->before, cc->name);
            rc_buf_puts(&s->before, "\n\n");
            cc->kinds[k].kind->markdown(&s->before, cc->kinds[k].plan);
        }
    }
    for (size_t i = 0; !cluster_skipped && i < nplans; i++) {
        const rc_cluster_plan *p = pis[i].plan;
        for (size_t k = 0; k < p->nkinds; k++) {
            const rc_kind_plan *kp = &p->kinds[k];
            if (kp->kind->pending(kp->plan) == 0 && !kp->kind->has_failures(kp->plan))
                continue;
            rc_buf_puts(&s->before, "### Access on the live cluster ");
            rc_md_code(&s->before, p->cluster ? p->cluster : "?");
            rc_buf_puts(&s->before, " (what apply would do now)\n\n");
            kp->kind->markdown(&s->before, kp->plan);
        }
    }
}

int rc_pr_print_markdown(FILE *out, const rc_changeset *cs, const rc_cluster_plan *plans,
                         size_t nplans, bool cluster_skipped, const rc_diags *diags,
                         size_t max_bytes, size_t *left_out_count)
{
    if (max_bytes == 0)
        max_bytes = RC_PR_COMMENT_MAX_BYTES;
    if (!plans)
        nplans = 0;
    plan_index *pis = pr_plan_index_make(plans, nplans);
    diag_view v = pr_diag_view_make(diags, cs);
    enum { S_VALIDATION, S_FILES, S_TOPICS, S_KINDS, NSECS };
    md_section secs[NSECS];
    memset(secs, 0, sizeof(secs));

    md_title_section(&secs[S_VALIDATION], cs, &v);

    md_files_section(&secs[S_FILES], cs, pis, nplans, cluster_skipped, diags, &v);

    md_topics_section(&secs[S_TOPICS], cs, pis, nplans, cluster_skipped);

    md_kinds_section(&secs[S_KINDS], cs, pis, nplans, cluster_skipped);

    static const size_t order[NSECS] = {S_VALIDATION, S_KINDS, S_TOPICS, S_FILES};
    bool fits = fit(secs, NSECS, order, max_bytes);
    rc_buf all = {0};
    size_t left_out = 0;
    for (size_t i = 0; i < NSECS; i++) {
        section_emit(&all, &secs[i]);
        left_out += secs[i].nrows - secs[i].shown;
    }
    /* one final newline, not a trailing blank line */
    while (all.len > 1 && all.data[all.len - 1] == '\n' && all.data[all.len - 2] == '\n')
        all.data[--all.len] = '\0';
    int rc = fits ? 0 : RC_PR_ETOOBIG;
    if (all.len > 0 && fwrite(all.data, 1, all.len, out) != all.len)
        rc = RC_ERR;
    if (rc == 0 && left_out_count)
        *left_out_count = left_out;
    rc_buf_free(&all);
    for (size_t i = 0; i < NSECS; i++)
        section_free(&secs[i]);
    pr_diag_view_free(&v);
    pr_plan_index_free(pis, nplans);
    return rc;
}
