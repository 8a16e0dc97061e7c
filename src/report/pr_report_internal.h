/* pr_report_internal.h — what the files of the pull request view share
 * (pr_report.c, pr_markdown_topics.c, pr_markdown.c). Private to src/report;
 * the public contract is pr_report.h. */
#ifndef RC_PR_REPORT_INTERNAL_H
#define RC_PR_REPORT_INTERNAL_H

#include "changeset.h"
#include "diag.h"
#include "model.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

#define REMOVED_NOTE "the topic stays on the cluster; reconcile stops managing it"

/* The head's diagnostics, sorted, each distinct one once, split into those the
 * pull request view shows and a count of the rest. */
typedef struct diag_view {
    const rc_diag **shown;
    size_t nshown;
    size_t hidden;
    size_t errors, warnings; /* over all distinct diagnostics, shown or not */
} diag_view;

typedef struct topic_counts {
    size_t added, modified, removed;
} topic_counts;

typedef struct plan_index {
    const rc_cluster_plan *plan;
    const rc_topic_plan **by_name; /* sorted by topic */
    size_t n;
} plan_index;

diag_view pr_diag_view_make(const rc_diags *d, const rc_changeset *cs);
void pr_diag_view_free(diag_view *v);
const char *pr_plural(size_t n, const char *one, const char *many);
char *pr_skip_reason(const rc_diags *diags);
topic_counts pr_cluster_topic_counts(const rc_changeset *cs, const char *cluster);
void pr_md_text(rc_buf *b, const char *s);
plan_index *pr_plan_index_make(const rc_cluster_plan *plans, size_t n);
void pr_plan_index_free(plan_index *v, size_t n);
const plan_index *pr_find_plan(const plan_index *v, size_t n, const char *cluster);
bool pr_in_changeset(const rc_changeset *cs, const char *cluster, const char *topic);
char *pr_md_touched_block(const rc_topic_delta *t, const plan_index *pi);
char *pr_md_pending_block(const rc_cluster_plan *p, const plan_index *pi, const rc_topic_plan *tp);

#endif
