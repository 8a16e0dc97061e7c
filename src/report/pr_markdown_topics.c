/* pr_markdown_topics.c — the Markdown comment's escaping, its lookup of a
 * topic's plan, and the block shown for one topic. */
#include "pr_report.h"

#include "plan_print.h"
#include "pr_report_internal.h"
#include "textout.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- Markdown: escaping into a buffer ---------------------------------------------- */

/* Free text in the comment may begin a line or a table cell: the wide set. */
void pr_md_text(rc_buf *b, const char *s)
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

plan_index *pr_plan_index_make(const rc_cluster_plan *plans, size_t n)
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

void pr_plan_index_free(plan_index *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].by_name);
    free(v);
}

const plan_index *pr_find_plan(const plan_index *v, size_t n, const char *cluster)
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

bool pr_in_changeset(const rc_changeset *cs, const char *cluster, const char *topic)
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
            pr_md_text(b, tp->refusals[k]);
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
        pr_md_text(b, tp->broker_error);
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
        pr_md_text(b, v);
    else
        rc_md_code(b, v);
}

char *pr_md_touched_block(const rc_topic_delta *t, const plan_index *pi)
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

char *pr_md_pending_block(const rc_cluster_plan *p, const plan_index *pi, const rc_topic_plan *tp)
{
    rc_buf b = {0};
    const rc_topic_decl *d = tp->decl;
    md_summary_open(&b, rc_topic_action_sign(tp->action), tp->topic,
                    "not changed by this pull request", p->cluster ? p->cluster : "?",
                    d ? d->owner : NULL, tp, true, false);
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
