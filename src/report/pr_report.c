/* pr_report.c — the pull request view: declaration changes next to the plan,
 * as text, a Markdown comment and GitHub workflow commands. */
#include "pr_report.h"

#include "plan_print.h"
#include "textout.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REMOVED_NOTE "the topic stays on the cluster; reconcile stops managing it"

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

/* The head's diagnostics, sorted, each distinct one once, split into those the
 * pull request view shows and a count of the rest. */
typedef struct diag_view {
    const rc_diag **shown;
    size_t nshown;
    size_t hidden;
    size_t errors, warnings; /* over all distinct diagnostics, shown or not */
} diag_view;

static diag_view diag_view_make(const rc_diags *d, const rc_changeset *cs)
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

static void diag_view_free(diag_view *v)
{
    free(v->shown);
    memset(v, 0, sizeof(*v));
}

static size_t count_errors(const rc_diags *d)
{
    return d ? rc_diags_errors(d) : 0;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The reason the whole cluster part was skipped. Heap string. */
static char *skip_reason(const rc_diags *diags)
{
    size_t nerr = count_errors(diags);
    if (nerr > 0)
        return rc_xasprintf("the declarations have %zu %s; no cluster was contacted", nerr,
                            plural(nerr, "error", "errors"));
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

typedef struct topic_counts {
    size_t added, modified, removed;
} topic_counts;

static topic_counts cluster_topic_counts(const rc_changeset *cs, const char *cluster)
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

void rc_pr_print_text(FILE *out, const rc_changeset *cs)
{
    if (cs->nfiles == 0) {
        fputs("declaration changes: none (no file under topics/ differs)\n", out);
        return;
    }
    fprintf(out, "declaration changes: %zu %s (%zu added, %zu modified, %zu removed)\n", cs->nfiles,
            plural(cs->nfiles, "file", "files"), cs->files_added, cs->files_modified,
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
            topic_counts c = cluster_topic_counts(cs, cluster);
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
        char *reason = skip_reason(diags);
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
    diag_view v = diag_view_make(diags, cs);
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
        fprintf(out,
                "::notice::%zu %s in files this change does not touch %s not annotated (%s "
                "this change; run reconcile validate to see %s)\n",
                v.hidden, plural(v.hidden, "problem", "problems"), plural(v.hidden, "is", "are"),
                plural(v.hidden, "it predates", "they predate"), plural(v.hidden, "it", "them"));
    diag_view_free(&v);
}

/* ---- Markdown: escaping into a buffer ---------------------------------------------- */

/* Free text in the comment may begin a line or a table cell: the wide set. */
static void md_text(rc_buf *b, const char *s)
{
    rc_md_text(b, s, RC_MD_ANYWHERE);
}

/* Inside <summary>, an HTML block: Markdown is not parsed there, HTML is. */
static void html_text(rc_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&':
            rc_buf_puts(b, "&amp;");
            break;
        case '<':
            rc_buf_puts(b, "&lt;");
            break;
        case '>':
            rc_buf_puts(b, "&gt;");
            break;
        case '"':
            rc_buf_puts(b, "&quot;");
            break;
        case '\'':
            rc_buf_puts(b, "&#39;");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                rc_buf_puts(b, *p == '\t' || *p == '\n' || *p == '\r' ? " " : "?");
            else
                rc_buf_append(b, (const char *)p, 1);
            break;
        }
    }
}

static void html_code(rc_buf *b, const char *s)
{
    rc_buf_puts(b, "<code>");
    html_text(b, s);
    rc_buf_puts(b, "</code>");
}

/* ---- Markdown: plan lookup ------------------------------------------------------- */

typedef struct plan_index {
    const rc_cluster_plan *plan;
    const rc_topic_plan **by_name; /* sorted by topic */
    size_t n;
} plan_index;

static int tplanp_cmp(const void *a, const void *b)
{
    return strcmp((*(const rc_topic_plan *const *)a)->topic,
                  (*(const rc_topic_plan *const *)b)->topic);
}

static int pindex_cmp(const void *a, const void *b)
{
    const plan_index *x = a, *y = b;
    return strcmp(x->plan->cluster ? x->plan->cluster : "",
                  y->plan->cluster ? y->plan->cluster : "");
}

static plan_index *plan_index_make(const rc_cluster_plan *plans, size_t n)
{
    plan_index *v = rc_xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        v[i].plan = &plans[i];
        v[i].by_name = rc_xcalloc(plans[i].ntopics ? plans[i].ntopics : 1, sizeof(void *));
        for (size_t k = 0; k < plans[i].ntopics; k++)
            if (plans[i].topics[k].topic)
                v[i].by_name[v[i].n++] = &plans[i].topics[k];
        qsort(v[i].by_name, v[i].n, sizeof(void *), tplanp_cmp);
    }
    qsort(v, n, sizeof(*v), pindex_cmp);
    return v;
}

static void plan_index_free(plan_index *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].by_name);
    free(v);
}

static const plan_index *find_plan(const plan_index *v, size_t n, const char *cluster)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].plan->cluster && strcmp(v[i].plan->cluster, cluster) == 0)
            return &v[i];
    return NULL;
}

static const rc_topic_plan *find_topic_plan(const plan_index *pi, const char *topic)
{
    if (!pi || pi->n == 0)
        return NULL;
    rc_topic_plan key = {0};
    key.topic = (char *)topic;
    const rc_topic_plan *kp = &key;
    const rc_topic_plan **hit = bsearch(&kp, pi->by_name, pi->n, sizeof(void *), tplanp_cmp);
    return hit ? *hit : NULL;
}

static bool in_changeset(const rc_changeset *cs, const char *cluster, const char *topic)
{
    size_t lo = 0, hi = cs->ntopics;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cs->topics[mid].cluster, cluster);
        if (c == 0)
            c = strcmp(cs->topics[mid].topic, topic);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* ---- Markdown: blocks ------------------------------------------------------------- */

static const char *action_sign(rc_topic_action a)
{
    switch (a) {
    case RC_ACT_CREATE:
        return "+";
    case RC_ACT_UPDATE:
        return "~";
    case RC_ACT_REFUSE:
        return "!";
    case RC_ACT_DELETE:
        return "-";
    case RC_ACT_UNMANAGED:
        return "?";
    case RC_ACT_UNCHANGED:
        break;
    }
    return "=";
}

static void md_config_table(rc_buf *b, const rc_topic_plan *tp)
{
    if (tp->nchanges == 0)
        return;
    if (tp->action == RC_ACT_CREATE) {
        rc_buf_puts(b, "| Config | Value |\n|---|---|\n");
        for (size_t k = 0; k < tp->nchanges; k++) {
            if (!tp->changes[k].new_value)
                continue;
            rc_buf_puts(b, "| ");
            rc_md_code(b, tp->changes[k].key);
            rc_buf_puts(b, " | ");
            rc_md_code(b, tp->changes[k].new_value);
            rc_buf_puts(b, " |\n");
        }
        rc_buf_puts(b, "\n");
        return;
    }
    rc_buf_puts(b, "| Config | Current | After apply |\n|---|---|---|\n");
    for (size_t k = 0; k < tp->nchanges; k++) {
        const rc_config_change *ch = &tp->changes[k];
        rc_buf_puts(b, "| ");
        rc_md_code(b, ch->key);
        rc_buf_puts(b, " | ");
        if (ch->old_value)
            rc_md_code(b, ch->old_value);
        else
            rc_buf_puts(b, "*(default)*");
        rc_buf_puts(b, " | ");
        if (ch->new_value)
            rc_md_code(b, ch->new_value);
        else if (ch->drift)
            rc_buf_puts(b, "*(reset to default: undeclared override)*");
        else
            rc_buf_puts(b, "*(reset to default)*");
        rc_buf_puts(b, " |\n");
    }
    rc_buf_puts(b, "\n");
}

/* The cluster plan's part of a topic block. pi NULL: no usable plan for the
 * cluster (skipped): nothing to say here, the cluster line says why. */
static void md_topic_plan(rc_buf *b, const plan_index *pi, const rc_topic_plan *tp, bool removed)
{
    if (!pi)
        return;
    if (!tp) {
        rc_buf_puts(b, removed ? "**Plan:** not on the cluster (or ignored by the cluster "
                                 "policy): nothing to do.\n\n"
                               : "**Plan:** not in the plan (ignored by the cluster policy).\n\n");
        return;
    }
    switch (tp->action) {
    case RC_ACT_CREATE:
        rc_buf_puts(b, "**Plan:** create with ");
        if (tp->partitions_to > 0)
            rc_buf_printf(b, "%d partitions", tp->partitions_to);
        else
            rc_buf_puts(b, "the default partitions");
        if (tp->replication_factor > 0)
            rc_buf_printf(b, ", replication factor %d.\n\n", tp->replication_factor);
        else
            rc_buf_puts(b, ", the default replication factor.\n\n");
        break;
    case RC_ACT_UPDATE:
        rc_buf_puts(b, "**Plan:** update");
        if (tp->partitions_to != tp->partitions_from)
            rc_buf_printf(b, ": partitions %d -> %d", tp->partitions_from, tp->partitions_to);
        rc_buf_puts(b, ".\n\n");
        break;
    case RC_ACT_REFUSE:
        rc_buf_puts(b, "**Plan:** refused; nothing is applied to this topic:\n\n");
        for (size_t k = 0; k < tp->nrefusals; k++) {
            rc_buf_puts(b, "- ");
            md_text(b, tp->refusals[k]);
            rc_buf_puts(b, "\n");
        }
        if (tp->nrefusals > 0)
            rc_buf_puts(b, "\n");
        break;
    case RC_ACT_UNCHANGED:
        rc_buf_puts(b, "**Plan:** unchanged: the cluster already matches.\n\n");
        break;
    case RC_ACT_UNMANAGED:
        rc_buf_puts(b, "**Plan:** on the cluster, unmanaged: left untouched.\n\n");
        break;
    case RC_ACT_DELETE:
        rc_buf_puts(b, "**Plan:** ⚠️ **delete**: `--prune` was given and the cluster policy "
                       "allows deletion.\n\n");
        break;
    }
    md_config_table(b, tp);
    if (tp->broker_error) {
        rc_buf_puts(b, "**Broker rejected:** ");
        md_text(b, tp->broker_error);
        rc_buf_puts(b, "\n\n");
    }
}

static void md_summary_open(rc_buf *b, const char *sign, const char *topic, const char *verb,
                            const char *cluster, const char *owner, const rc_topic_plan *tp,
                            bool have_plan, bool removed)
{
    rc_buf_printf(b, "<details><summary>%s ", sign);
    html_code(b, topic);
    rc_buf_printf(b, " · %s · cluster ", verb);
    html_code(b, cluster);
    rc_buf_puts(b, " · owner ");
    if (owner)
        html_code(b, owner);
    else
        rc_buf_puts(b, "(none)");
    if (have_plan) {
        rc_buf_puts(b, " · plan: ");
        rc_buf_puts(b, tp        ? rc_topic_action_name(tp->action)
                       : removed ? "not on the cluster"
                                 : "not planned");
    }
    rc_buf_puts(b, "</summary>\n\n");
}

static void md_field_value(rc_buf *b, const rc_field_change *f, const char *v)
{
    if (!v) {
        rc_buf_printf(b, "*%s*", f->unset);
        return;
    }
    if (f->kind == RC_FIELD_TEXT)
        md_text(b, v);
    else
        rc_md_code(b, v);
}

static char *md_touched_block(const rc_topic_delta *t, const plan_index *pi)
{
    rc_buf b = {0};
    const rc_topic_plan *tp = pi ? find_topic_plan(pi, t->topic) : NULL;
    bool removed = t->change == RC_TOPIC_REMOVED;
    const char *sign = t->change == RC_TOPIC_ADDED      ? "+"
                       : t->change == RC_TOPIC_MODIFIED ? "~"
                       : t->head_file_invalid           ? "?"
                                                        : "-";
    const char *verb = t->change == RC_TOPIC_ADDED      ? "added"
                       : t->change == RC_TOPIC_MODIFIED ? "modified"
                       : t->head_file_invalid           ? "not readable at head"
                                                        : "no longer managed";
    md_summary_open(&b, sign, t->topic, verb, t->cluster, t->owner, tp, pi != NULL, removed);

    rc_buf_puts(&b, removed ? "Was declared in " : "Declared in ");
    char *loc = t->line > 0 ? rc_xasprintf("%s:%d", t->file, t->line) : rc_xstrdup(t->file);
    rc_md_code(&b, loc);
    free(loc);
    if (t->moved_from) {
        rc_buf_puts(&b, " (moved from ");
        rc_md_code(&b, t->moved_from);
        rc_buf_puts(&b, ")");
    }
    rc_buf_puts(&b, ".");
    if (removed && t->head_file_invalid)
        rc_buf_puts(&b, " That file has errors at head, so this topic could not be read: fix "
                        "them, or the topic is no longer managed (it stays on the cluster).");
    else if (removed)
        rc_buf_puts(&b, " The topic stays on the cluster; reconcile stops managing it.");
    rc_buf_puts(&b, "\n\n");

    if (t->nfields > 0) {
        bool added = t->change == RC_TOPIC_ADDED;
        rc_buf_puts(&b, added ? "| Declaration | Value |\n|---|---|\n"
                              : "| Declaration | Base | Head |\n|---|---|---|\n");
        for (size_t k = 0; k < t->nfields; k++) {
            const rc_field_change *f = &t->fields[k];
            rc_buf_puts(&b, "| ");
            if (f->kind == RC_FIELD_CONFIG)
                rc_buf_puts(&b, "config ");
            rc_md_code(&b, f->field);
            rc_buf_puts(&b, " | ");
            if (!added) {
                md_field_value(&b, f, f->old_value);
                rc_buf_puts(&b, " | ");
            }
            md_field_value(&b, f, f->new_value);
            rc_buf_puts(&b, " |\n");
        }
        rc_buf_puts(&b, "\n");
    }
    md_topic_plan(&b, pi, tp, removed);
    rc_buf_puts(&b, "</details>\n\n");
    return rc_buf_take(&b);
}

static char *md_pending_block(const rc_cluster_plan *p, const plan_index *pi,
                              const rc_topic_plan *tp)
{
    rc_buf b = {0};
    const rc_topic_decl *d = tp->decl;
    md_summary_open(&b, action_sign(tp->action), tp->topic, "not changed by this pull request",
                    p->cluster ? p->cluster : "?", d ? d->owner : NULL, tp, true, false);
    if (d && d->file) {
        rc_buf_puts(&b, "Declared in ");
        char *loc = d->line > 0 ? rc_xasprintf("%s:%d", d->file, d->line) : rc_xstrdup(d->file);
        rc_md_code(&b, loc);
        free(loc);
        rc_buf_puts(&b, ". ");
    }
    rc_buf_puts(&b, "The cluster differs from declarations this pull request does not change "
                    "(drift, or an earlier change not applied yet).\n\n");
    md_topic_plan(&b, pi, tp, false);
    rc_buf_puts(&b, "</details>\n\n");
    return rc_buf_take(&b);
}

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
    return rc_xasprintf("… and %zu more %s not shown (%s)\n\n", n, plural(n, s->one, s->many),
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
    md_text(&b, d->message);
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
                      plural(v->warnings, "warning", "warnings"));
    else
        rc_buf_printf(b, "❌ **%zu %s**, %zu %s.\n\n", v->errors,
                      plural(v->errors, "error", "errors"), v->warnings,
                      plural(v->warnings, "warning", "warnings"));
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
    char *reason = skip_reason(diags);
    for (size_t i = 0; i < l.n; i++) {
        const char *name = l.v[i];
        const plan_index *pi = cluster_skipped ? NULL : find_plan(pis, np, name);
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
            md_text(b, rc_without_cluster_prefix(pi->plan->error, name));
        } else if (cc && !cc->in_head) {
            rc_buf_puts(b, "no longer declared (its topics stay on the cluster, unmanaged)");
        } else if (cluster_skipped) {
            rc_buf_puts(b, "cluster part skipped: ");
            md_text(b, reason);
        } else {
            rc_buf_puts(b, "not planned in this run");
        }
        topic_counts tc = cluster_topic_counts(cs, name);
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

int rc_pr_print_markdown(FILE *out, const rc_changeset *cs, const rc_cluster_plan *plans,
                         size_t nplans, bool cluster_skipped, const rc_diags *diags,
                         size_t max_bytes)
{
    if (max_bytes == 0)
        max_bytes = RC_PR_COMMENT_MAX_BYTES;
    if (!plans)
        nplans = 0;
    plan_index *pis = plan_index_make(plans, nplans);
    diag_view v = diag_view_make(diags, cs);
    enum { S_VALIDATION, S_FILES, S_TOPICS, NSECS };
    md_section secs[NSECS];
    memset(secs, 0, sizeof(secs));

    /* title and validation */
    md_section *s = &secs[S_VALIDATION];
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
    md_validation(s, &v);

    /* clusters and the declaration summary, then the file list */
    s = &secs[S_FILES];
    if (v.hidden > 0)
        rc_buf_printf(&s->before,
                      "%zu %s in files this change does not touch %s not listed (%s this "
                      "change; `reconcile validate` shows every problem).\n\n",
                      v.hidden, plural(v.hidden, "problem", "problems"),
                      plural(v.hidden, "is", "are"),
                      plural(v.hidden, "it predates", "they predate"));
    md_clusters(&s->before, cs, pis, nplans, cluster_skipped, diags);
    rc_buf_puts(&s->before, "### Declaration changes\n\n");
    if (cs->nfiles == 0)
        rc_buf_puts(&s->before, "No file under `topics/` differs.\n\n");
    else
        rc_buf_printf(&s->before,
                      "%zu %s changed (%zu added, %zu modified, %zu removed); topics: %zu "
                      "added, %zu modified, %zu no longer managed.\n\n",
                      cs->nfiles, plural(cs->nfiles, "file", "files"), cs->files_added,
                      cs->files_modified, cs->files_removed, cs->topics_added, cs->topics_modified,
                      cs->topics_removed);
    s->prefix = "";
    s->suffix = "\n";
    s->one = "file";
    s->many = "files";
    s->hint = "`git diff` shows every file";
    for (size_t i = 0; i < cs->nfiles; i++)
        section_row(s, md_file_row(&cs->files[i]));

    /* topics: those the change touches, then other pending changes */
    s = &secs[S_TOPICS];
    rc_buf_puts(&s->before, "### Topics\n\n");
    s->prefix = "";
    s->suffix = "";
    s->one = "topic";
    s->many = "topics";
    s->hint = "run `reconcile plan` for the full plan";
    for (size_t i = 0; i < cs->ntopics; i++) {
        const plan_index *pi =
            cluster_skipped ? NULL : find_plan(pis, nplans, cs->topics[i].cluster);
        if (pi && pi->plan->error)
            pi = NULL;
        section_row(s, md_touched_block(&cs->topics[i], pi));
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
            if (pending && tp->topic && !in_changeset(cs, pi->plan->cluster, tp->topic))
                section_row(s, md_pending_block(pi->plan, pi, tp));
        }
    }
    if (s->nrows == 0)
        rc_buf_puts(&s->before, "No topic is added, modified or removed by this change.\n\n");

    static const size_t order[NSECS] = {S_VALIDATION, S_TOPICS, S_FILES};
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
    int rc = fits ? (int)(left_out > (size_t)0x7fffffff ? 0x7fffffff : left_out) : -ENOSPC;
    if (all.len > 0 && fwrite(all.data, 1, all.len, out) != all.len)
        rc = -EIO;
    rc_buf_free(&all);
    for (size_t i = 0; i < NSECS; i++)
        section_free(&secs[i]);
    diag_view_free(&v);
    plan_index_free(pis, nplans);
    return rc;
}
