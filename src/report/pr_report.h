/* pr_report.h — the pull request view: what a change does to the declarations
 * (a changeset, see changeset.h) next to what it would do to the clusters
 * (cluster plans, see plan_print.h), in three formats: text for the CI log
 * and a terminal, a Markdown comment for the pull request, and GitHub workflow
 * commands (annotations). The printers only read their inputs; output is
 * deterministic (same inputs, same bytes). Untrusted text (file paths,
 * descriptions, broker messages, diagnostic messages) is made harmless for
 * each format: no control bytes reach a terminal, Markdown/HTML syntax is
 * escaped in the comment, workflow-command syntax is escaped in annotations.
 *
 * Which diagnostics are shown follows rc_changeset_diag_relevant: problems in
 * files the change adds or modifies, problems not tied to a head file, and
 * (when base diagnostics were given to the changeset) new problems in
 * unchanged files. The rest predate the change: they are counted, not listed.
 * Identical diagnostics (same file, position, rule and message) are shown once.
 *
 * Text (rc_pr_print_text):
 *
 *   declaration changes: 3 files (1 added, 1 modified, 1 removed)
 *   A topics/it/refunds.yaml
 *   M topics/it/orders.yaml (+2 -1)
 *   D topics/it/payments.yaml
 *   cluster it: 1 added, 1 modified, 1 no longer managed
 *   + added    refunds.issued.v1 (owner payments)
 *   ~ modified orders.created.v1 (owner payments; partitions 3 -> 6; retention.ms 1d -> 7d)
 *   - no longer managed payments.settled.v1 (owner payments): the topic stays on the
 *     cluster; reconcile stops managing it                        (one line)
 *
 * "M path (+A -R)" counts new/changed head lines and gone base lines. A moved
 * topic says "moved from FILE"; a description change reads "description
 * changed". A removed topic whose file has errors at head reads
 * "? not readable NAME (...): FILE has errors at head; ...". Without any
 * file change: "declaration changes: none (no file under topics/ differs)";
 * with file changes but no topic change the file list is followed by
 * "no topic changes (formatting, comments or other files only)".
 *
 * rc_pr_print_text_plans prints the cluster part after it: a blank line, then
 * either "cluster part skipped: REASON" (when cluster_skipped: the declarations
 * have errors, or an offline `reconcile diff`), or per plan in order (blank
 * line between) "cluster NAME: skipped: REASON" for a plan with an error
 * (REASON is plan.error without a leading "cluster NAME: ") or the plan as
 * rc_plan_print_text prints it.
 *
 * Markdown (rc_pr_print_markdown), sections in this order:
 *   "## reconcile: pull request plan", then "Base `sha12` → head `sha12`"
 *   ("the working tree" for a head without commit);
 *   "### Validation": "✅ All declarations are valid." (", N warnings") or
 *   "❌ N errors, M warnings", a table Location | Severity | Rule | Message of
 *   the shown problems, and "N problems in files this change does not touch
 *   are not listed" when some predate the change;
 *   "### Clusters": one line per cluster of the changeset or the plans, by
 *   name: "- cluster `local`: 2 to create, 1 to change, 0 refused, 14 unchanged"
 *   (", N unmanaged" / ", N to delete" when not 0), or "cluster part skipped:
 *   REASON" (plan.error; or cluster_skipped: "the declarations have N errors;
 *   no cluster was contacted" / "offline run; no cluster was contacted"), or
 *   "not planned in this run" / "no longer declared (...)"; followed by
 *   " · declarations: A added, M modified, R no longer managed" when the change
 *   touches topics of that cluster;
 *   "### Declaration changes": a summary line and one line per changed file;
 *   "### Topics": one <details> block per topic the change touches (action,
 *   owner team, declaring file, the declaration fields old -> new, and that
 *   topic's cluster plan: create/update with its partition and config changes,
 *   refusals, broker errors; a removed topic is "no longer managed": it stays
 *   on the cluster), then one per topic the change does not touch but the plan
 *   would change (drift, earlier merges not yet applied).
 * The comment is cut to fit max_bytes: the title, validation headline, the
 * cluster and summary lines are always whole; then as many problem rows as
 * fit, then as many topic blocks, then file lines, each cut list ending with
 * "… and N more topics not shown (run `reconcile plan` for the full plan)"
 * (resp. "problems" / `reconcile validate`, "files" / `git diff`). The output
 * never exceeds max_bytes (0: RC_PR_COMMENT_MAX_BYTES) unless even the
 * essential lines do. GitHub's limit is 65536 characters; bytes >= characters.
 *
 * GitHub (rc_pr_print_github), one workflow command per line:
 *   ::error file=F,line=L,col=C,title=RULE::MESSAGE   (::warning for warnings;
 *        line/col left out when 0) per shown diagnostic, sorted;
 *   ::notice title=no longer managed::topic T (cluster C, owner O) is no longer
 *        declared: the topic stays on the cluster; reconcile stops managing it
 *   ::notice::N problems in files this change does not touch are not annotated...
 * Escaping per GitHub's rules: in MESSAGE % -> %25, CR -> %0D, LF -> %0A; in
 * property values also ':' -> %3A and ',' -> %2C. */
#ifndef RC_PR_REPORT_H
#define RC_PR_REPORT_H

#include "changeset.h"
#include "diag.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RC_PR_COMMENT_MAX_BYTES 60000

void rc_pr_print_text(FILE *out, const rc_changeset *cs);

/* The cluster part of the text view; diags (may be NULL) only count errors
 * for the skip reason. */
void rc_pr_print_text_plans(FILE *out, const rc_cluster_plan *plans, size_t nplans,
                            bool cluster_skipped, const rc_diags *diags, bool color);

/* plans may be NULL with nplans 0; diags are the head's (may be NULL).
 * Returns 0 with *left_out (may be NULL) the number of entries (problems,
 * topics, files) left out to fit (0: complete); RC_PR_ETOOBIG when even the
 * essential lines exceed max_bytes (they are printed, nothing else is); RC_ERR
 * when writing failed. */
enum { RC_PR_ETOOBIG = -2 };
int rc_pr_print_markdown(FILE *out, const rc_changeset *cs, const rc_cluster_plan *plans,
                         size_t nplans, bool cluster_skipped, const rc_diags *diags,
                         size_t max_bytes, size_t *left_out);

/* cs may be NULL: then every diagnostic is annotated and there are no notices
 * (what `validate --format github` needs). */
void rc_pr_print_github(FILE *out, const rc_diags *diags, const rc_changeset *cs);

#endif
