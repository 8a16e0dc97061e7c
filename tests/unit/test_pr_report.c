/* test_pr_report.c — the pull request printers against golden files, plus the
 * properties golden files cannot show: the comment never exceeds its byte
 * budget and says how much it left out, hostile text is escaped in Markdown
 * and in workflow commands, identical diagnostics are shown once.
 *
 * Golden files live in $RECONCILE_FIXTURES/golden/pr (CMake sets the
 * variable). After an intended format change, regenerate them with
 *   RECONCILE_UPDATE_GOLDEN=1 ctest -R test_pr_report
 * and review the diff like any other code change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "changeset.h"
#include "decl.h"
#include "diag.h"
#include "model.h"
#include "pr_report.h"
#include "source.h"
#include "support.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- declarations in memory ------------------------------------------------------ */

#define TEAMS                                                                                      \
    "teams:\n"                                                                                     \
    "  payments:\n"                                                                                \
    "    chat: \"#payments\"\n"                                                                    \
    "  search:\n"                                                                                  \
    "    chat: \"#search\"\n"

#define CLUSTER                                                                                    \
    "bootstrap: 127.0.0.1:1\n"                                                                     \
    "defaults:\n"                                                                                  \
    "  partitions: 3\n"                                                                            \
    "  replication_factor: 1\n"                                                                    \
    "policy:\n"                                                                                    \
    "  partition_messages_per_second: 1000\n"

enum {
    F_TEAMS,
    F_IT,
    F_ORDERS,
    F_PAYMENTS,
    F_SEARCH,
    F_STAGING,
    F_LEGACY,
    F_REFUNDS,
    F_BROKEN,
    NFILES
};

/* The base of every scenario: two clusters; search.yaml carries a warning
 * that predates the change. */
static void base_files(tfile f[NFILES])
{
    f[F_TEAMS] = (tfile){"topics/_teams.yaml", TEAMS};
    f[F_IT] = (tfile){"topics/it/_cluster.yaml", CLUSTER};
    f[F_ORDERS] = (tfile){"topics/it/orders.yaml", "name: orders.created.v1\n"
                                                   "partitions: 3\n"
                                                   "owner: payments\n"
                                                   "config:\n"
                                                   "  retention.ms: 1d\n"};
    f[F_PAYMENTS] = (tfile){"topics/it/payments.yaml", "name: payments.settled.v1\n"
                                                       "partitions: 6\n"
                                                       "owner: payments\n"};
    f[F_SEARCH] = (tfile){"topics/it/search.yaml", "name: search.indexed.v1\n"
                                                   "owner: search\n"
                                                   "throughput:\n"
                                                   "  messages_per_second: 5000\n"};
    f[F_STAGING] = (tfile){"topics/staging/_cluster.yaml", CLUSTER};
    f[F_LEGACY] = (tfile){"topics/staging/legacy.yaml", "name: legacy.events.v1\n"
                                                        "owner: search\n"};
    f[F_REFUNDS] = (tfile){NULL, NULL};
    f[F_BROKEN] = (tfile){NULL, NULL};
}

/* The change: orders modified (partitions, retention, a description with
 * Markdown in it), payments removed, refunds added (with a new warning),
 * legacy moved; `invalid` also adds a file with two errors. */
static void head_files(tfile f[NFILES], bool invalid)
{
    base_files(f);
    f[F_ORDERS].content = "name: orders.created.v1\n"
                          "partitions: 6\n"
                          "owner: payments\n"
                          "description: Orders <b>placed</b> | *now* & [then](x)\n"
                          "config:\n"
                          "  retention.ms: 7d\n";
    f[F_PAYMENTS].path = NULL;
    f[F_LEGACY].path = "topics/staging/old/legacy.yaml";
    f[F_REFUNDS] = (tfile){"topics/it/refunds.yaml", "name: refunds.issued.v1\n"
                                                     "partitions: 6\n"
                                                     "owner: payments\n"
                                                     "config:\n"
                                                     "  cleanup.policy: compact\n"
                                                     "throughput:\n"
                                                     "  messages_per_second: 8000\n"};
    if (invalid)
        f[F_BROKEN] = (tfile){"topics/it/broken.yaml", "name: broken.thing.v1\n"
                                                       "partitons: 3\n"
                                                       "owner: paymnets\n"};
}

typedef struct scenario {
    tside base, head;
    rc_changeset cs;
} scenario;

static void scenario_load(scenario *s, bool invalid)
{
    tfile f[NFILES];
    base_files(f);
    tside_load(&s->base, f, NFILES);
    assert_int_equal(rc_diags_errors(&s->base.diags), 0);
    s->base.src.commit = rc_xstrdup("0123456789abcdef0123456789abcdef01234567");
    head_files(f, invalid);
    tside_load(&s->head, f, NFILES);
    s->head.src.commit = rc_xstrdup("fedcba9876543210fedcba9876543210fedcba98");
    rc_changeset_compute(&s->cs, &s->base.src, &s->base.repo, &s->head.src, &s->head.repo);
    rc_changeset_use_diags(&s->cs, &s->base.diags, &s->head.diags);
}

static void scenario_free(scenario *s)
{
    rc_changeset_free(&s->cs);
    tside_free(&s->base);
    tside_free(&s->head);
}

/* ---- plans -------------------------------------------------------------------------- */

static const rc_topic_decl *decl_of(const rc_repo *r, const char *cluster, const char *name)
{
    for (size_t i = 0; i < r->nclusters; i++)
        if (!strcmp(r->clusters[i].name, cluster))
            for (size_t k = 0; k < r->clusters[i].ntopics; k++)
                if (!strcmp(r->clusters[i].topics[k].name, name))
                    return &r->clusters[i].topics[k];
    return NULL;
}

/* What plan would say for the valid head: cluster it reachable (orders
 * updated, refunds created, drift on search, payments now unmanaged), cluster
 * staging unreachable. */
static void build_plans(rc_cluster_plan plans[2], const rc_repo *head)
{
    memset(plans, 0, 2 * sizeof(*plans));
    rc_cluster_plan *p = &plans[0];
    p->cluster = rc_xstrdup("it");
    p->cluster_id = rc_xstrdup("q1Sh-9_ISia_zwGINzRvyQ");
    rc_topic_plan *t = t_plan_add_topic(p, "orders.created.v1", RC_ACT_UPDATE, 3, 6, 1);
    t->decl = decl_of(head, "it", "orders.created.v1");
    t_plan_add_change(t, "retention.ms", "86400000", "604800000", false);
    t = t_plan_add_topic(p, "refunds.issued.v1", RC_ACT_CREATE, 0, 6, 1);
    t->decl = decl_of(head, "it", "refunds.issued.v1");
    t_plan_add_change(t, "cleanup.policy", NULL, "compact", false);
    t = t_plan_add_topic(p, "search.indexed.v1", RC_ACT_UPDATE, 3, 3, 1);
    t->decl = decl_of(head, "it", "search.indexed.v1");
    t_plan_add_change(t, "segment.ms", "3600000", NULL, true);
    t_plan_add_topic(p, "other.unmanaged.v0", RC_ACT_UNMANAGED, 1, 1, 1);
    t_plan_add_topic(p, "payments.settled.v1", RC_ACT_UNMANAGED, 6, 6, 1);

    p = &plans[1];
    p->cluster = rc_xstrdup("staging");
    p->error = rc_xstrdup("cluster staging: cannot read the cluster: Local: Broker transport "
                          "failure");
}

static void free_plans(rc_cluster_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_cluster_plan_free(&plans[i]);
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* true when needle occurs without a backslash right before it */
static bool unescaped(const char *hay, const char *needle)
{
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        if (p == hay || p[-1] != '\\')
            return true;
    return false;
}

/* ---- golden tests -------------------------------------------------------------------- */

/* `plan --base` with invalid declarations at head: declarations, then the
 * cluster part skipped. */
static void test_text_golden_invalid(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, true);
    tcapture c;
    FILE *f = tcapture_open(&c);
    rc_pr_print_text(f, &s.cs);
    rc_pr_print_text_plans(f, NULL, 0, true, &s.head.diags, false);
    tcapture_close(&c);
    t_assert_golden("pr/plan-base.txt", c.data, c.len);
    tcapture_free(&c);
    scenario_free(&s);
}

/* `plan --base` with valid declarations: one cluster planned, one unreachable. */
static void test_text_golden_clusters(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, false);
    rc_cluster_plan plans[2];
    build_plans(plans, &s.head.repo);
    tcapture c;
    FILE *f = tcapture_open(&c);
    rc_pr_print_text(f, &s.cs);
    rc_pr_print_text_plans(f, plans, 2, false, &s.head.diags, false);
    tcapture_close(&c);
    t_assert_golden("pr/plan-base-clusters.txt", c.data, c.len);
    tcapture_free(&c);
    free_plans(plans, 2);
    scenario_free(&s);
}

static void test_markdown_golden(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, false);
    rc_cluster_plan plans[2];
    build_plans(plans, &s.head.repo);
    tcapture c;
    int rc =
        rc_pr_print_markdown(tcapture_open(&c), &s.cs, plans, 2, false, &s.head.diags, 0, NULL);
    tcapture_close(&c);
    assert_int_equal(rc, 0);
    t_assert_golden("pr/comment.md", c.data, c.len);
    tcapture_free(&c);
    free_plans(plans, 2);
    scenario_free(&s);
}

static void test_markdown_golden_offline(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, true);
    tcapture c;
    int rc = rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags, 0, NULL);
    tcapture_close(&c);
    assert_int_equal(rc, 0);
    t_assert_golden("pr/comment-offline.md", c.data, c.len);
    tcapture_free(&c);
    scenario_free(&s);
}

static void test_github_golden(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, true);
    tcapture c;
    rc_pr_print_github(tcapture_open(&c), &s.head.diags, &s.cs);
    tcapture_close(&c);
    t_assert_golden("pr/annotations.txt", c.data, c.len);
    tcapture_free(&c);
    scenario_free(&s);
}

/* ---- text -------------------------------------------------------------------------- */

static void test_text_no_changes(void **state)
{
    (void)state;
    scenario s;
    tfile f[NFILES];
    base_files(f);
    tside_load(&s.base, f, NFILES);
    tside_load(&s.head, f, NFILES);
    rc_changeset_compute(&s.cs, &s.base.src, &s.base.repo, &s.head.src, &s.head.repo);
    tcapture c;
    FILE *out = tcapture_open(&c);
    rc_pr_print_text(out, &s.cs);
    rc_pr_print_text_plans(out, NULL, 0, true, &s.head.diags, false);
    tcapture_close(&c);
    assert_string_equal(c.data, "declaration changes: none (no file under topics/ differs)\n"
                                "\n"
                                "cluster part skipped: offline run; no cluster was contacted\n");
    tcapture_free(&c);
    scenario_free(&s);
}

static void test_text_formatting_only(void **state)
{
    (void)state;
    scenario s;
    tfile f[NFILES];
    base_files(f);
    tside_load(&s.base, f, NFILES);
    f[F_ORDERS].content = "# reformatted\n"
                          "{name: orders.created.v1, partitions: 3, owner: payments,\n"
                          " config: {retention.ms: 86400000}}\n";
    tside_load(&s.head, f, NFILES);
    rc_changeset_compute(&s.cs, &s.base.src, &s.base.repo, &s.head.src, &s.head.repo);
    tcapture c;
    rc_pr_print_text(tcapture_open(&c), &s.cs);
    tcapture_close(&c);
    assert_string_equal(c.data, "declaration changes: 1 file (0 added, 1 modified, 0 removed)\n"
                                "M topics/it/orders.yaml (+3 -5)\n"
                                "no topic changes (formatting, comments or other files only)\n");
    tcapture_free(&c);
    scenario_free(&s);
}

static void test_text_control_bytes(void **state)
{
    (void)state;
    rc_changeset cs = {0};
    cs.nfiles = 1;
    cs.files = rc_xcalloc(1, sizeof(*cs.files));
    cs.files[0].path = rc_xstrdup("topics/it/\033[2Jevil\n.yaml");
    cs.files[0].change = RC_FILE_ADDED;
    cs.files_added = 1;
    tcapture c;
    rc_pr_print_text(tcapture_open(&c), &cs);
    tcapture_close(&c);
    assert_null(memchr(c.data, 0x1b, c.len));
    assert_non_null(strstr(c.data, "A topics/it/\\x1b[2Jevil\\n.yaml\n"));
    tcapture_free(&c);
    rc_changeset_free(&cs);
}

/* ---- Markdown ------------------------------------------------------------------------ */

static void test_markdown_escapes(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, false);
    rc_cluster_plan plans[2];
    build_plans(plans, &s.head.repo);
    plans[0].topics[1].broker_error = rc_xstrdup("<img src=x onerror=alert(1)> | [x](y)\n# h");
    free(plans[1].error);
    plans[1].error = rc_xstrdup("cluster staging: <details> *boom* `tick`");
    tcapture c;
    rc_pr_print_markdown(tcapture_open(&c), &s.cs, plans, 2, false, &s.head.diags, 0, NULL);
    tcapture_close(&c);
    assert_non_null(strstr(c.data, "**Broker rejected:** \\<img src=x onerror=alert(1)\\> \\| "
                                   "\\[x\\](y) \\# h\n"));
    assert_non_null(strstr(c.data, "- cluster `staging`: cluster part skipped: \\<details\\> "
                                   "\\*boom\\* \\`tick\\`"));
    /* the description is user text: escaped in the declaration table */
    assert_non_null(strstr(c.data, "| `description` | *(none)* | Orders \\<b\\>placed\\</b\\> \\| "
                                   "\\*now\\* \\& \\[then\\](x) |\n"));
    assert_false(unescaped(c.data, "<img"));
    assert_false(unescaped(c.data, "<b>"));
    assert_false(unescaped(c.data, "<details> *boom*"));
    tcapture_free(&c);
    free_plans(plans, 2);
    scenario_free(&s);
}

static void test_markdown_summary_html_escaped(void **state)
{
    (void)state;
    rc_changeset cs = {0};
    cs.ntopics = 1;
    cs.topics = rc_xcalloc(1, sizeof(*cs.topics));
    rc_topic_delta *t = &cs.topics[0];
    t->cluster = rc_xstrdup("it");
    t->topic = rc_xstrdup("a</summary><script>");
    t->owner = rc_xstrdup("o&\"'");
    t->file = rc_xstrdup("topics/it/a.yaml");
    t->line = 1;
    t->change = RC_TOPIC_ADDED;
    tcapture c;
    rc_pr_print_markdown(tcapture_open(&c), &cs, NULL, 0, true, NULL, 0, NULL);
    tcapture_close(&c);
    assert_non_null(strstr(c.data, "<details><summary>+ <code>a&lt;/summary&gt;&lt;script&gt;"
                                   "</code> · added · cluster <code>it</code> · owner "
                                   "<code>o&amp;&quot;&#39;</code></summary>\n"));
    assert_int_equal(count_str(c.data, "<script>"), 0);
    tcapture_free(&c);
    rc_changeset_free(&cs);
}

static void test_markdown_delete_is_loud(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, false);
    rc_cluster_plan plans[2];
    build_plans(plans, &s.head.repo);
    plans[0].topics[4].action = RC_ACT_DELETE; /* payments.settled.v1 with --prune */
    tcapture c;
    rc_pr_print_markdown(tcapture_open(&c), &s.cs, plans, 2, false, &s.head.diags, 0, NULL);
    tcapture_close(&c);
    assert_non_null(strstr(c.data, "1 unmanaged, **1 to delete**"));
    assert_non_null(strstr(c.data, "no longer managed · cluster <code>it</code> · owner "
                                   "<code>payments</code> · plan: delete</summary>"));
    assert_non_null(strstr(c.data, "**Plan:** ⚠️ **delete**"));
    tcapture_free(&c);
    free_plans(plans, 2);
    scenario_free(&s);
}

/* Many topics, a small budget: never above it, the count of what was left
 * out is right, and the summary and validation sections stay whole. */
static void test_markdown_truncation(void **state)
{
    (void)state;
    enum { N = 150 };
    tfile f[NFILES + N];
    base_files(f);
    scenario s;
    tside_load(&s.base, f, NFILES);
    char *paths[N], *contents[N];
    for (size_t i = 0; i < N; i++) {
        paths[i] = rc_xasprintf("topics/it/t%03zu.yaml", i);
        contents[i] = rc_xasprintf("name: bulk.topic-%03zu.v1\nowner: payments\n"
                                   "description: topic number %zu of the bulk import\n",
                                   i, i);
        f[NFILES + i] = (tfile){paths[i], contents[i]};
    }
    /* two validation problems in touched files: they must survive any cut */
    f[F_BROKEN] = (tfile){"topics/it/broken.yaml", "name: broken.thing.v1\n"
                                                   "partitons: 3\n"
                                                   "owner: paymnets\n"};
    tside_load(&s.head, f, NFILES + N);
    rc_changeset_compute(&s.cs, &s.base.src, &s.base.repo, &s.head.src, &s.head.repo);
    rc_changeset_use_diags(&s.cs, &s.base.diags, &s.head.diags);
    size_t ntopics = s.cs.ntopics;
    assert_int_equal(ntopics, N + 1);

    tcapture c;
    size_t full_left = 1;
    int full_rc = rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags,
                                       1000000, &full_left);
    tcapture_close(&c);
    assert_int_equal(full_rc, 0);
    assert_int_equal(full_left, 0);
    size_t full = c.len;
    assert_null(strstr(c.data, "more topics not shown"));
    tcapture_free(&c);

    size_t tried = 0;
    for (size_t max = 1200; max < full + 200; max += 331) {
        size_t left = 0;
        int rc = rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags, max,
                                      &left);
        tcapture_close(&c);
        if (rc == RC_PR_ETOOBIG) {
            tcapture_free(&c);
            continue;
        }
        tried++;
        assert_int_equal(rc, 0);
        if (c.len > max)
            fail_msg("max %zu: %zu bytes", max, c.len);
        /* whole sections */
        assert_non_null(strstr(c.data, "## reconcile: pull request plan\n"));
        assert_non_null(strstr(c.data, "❌ **2 errors**, 1 warning."));
        assert_non_null(strstr(c.data, "- cluster `it`: cluster part skipped: the declarations "
                                       "have 2 errors; no cluster was contacted · declarations: "
                                       "151 added, 0 modified, 0 no longer managed\n"));
        size_t shown = count_str(c.data, "<details>");
        size_t files_shown = count_str(c.data, "\n- added `");
        if (shown < ntopics) {
            char *want = rc_xasprintf("… and %zu more %s not shown (run `reconcile plan` for the "
                                      "full plan)\n",
                                      ntopics - shown, ntopics - shown == 1 ? "topic" : "topics");
            assert_non_null(strstr(c.data, want));
            free(want);
            /* the file list only gets what the topics leave */
            assert_true(files_shown < s.cs.nfiles);
        } else {
            assert_null(strstr(c.data, "more topics not shown"));
        }
        size_t files_left = s.cs.nfiles - files_shown;
        if (files_left > 0) {
            char *want = rc_xasprintf("… and %zu more %s not shown (`git diff` shows every "
                                      "file)\n",
                                      files_left, files_left == 1 ? "file" : "files");
            assert_non_null(strstr(c.data, want));
            free(want);
        }
        /* the problem table is whole once anything else is shown */
        if (shown > 0)
            assert_int_equal(count_str(c.data, "| error | "), 2);
        assert_int_equal(left,
                         (ntopics - shown) + files_left + (2 - count_str(c.data, "| error | ")));
        tcapture_free(&c);
    }
    assert_true(tried > 20);

    /* a budget below the essentials: reported, and the essentials are printed */
    int rc =
        rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags, 100, NULL);
    tcapture_close(&c);
    assert_int_equal(rc, RC_PR_ETOOBIG);
    assert_non_null(strstr(c.data, "### Clusters"));
    tcapture_free(&c);

    for (size_t i = 0; i < N; i++) {
        free(paths[i]);
        free(contents[i]);
    }
    scenario_free(&s);
}

static void test_markdown_exact_fit(void **state)
{
    (void)state;
    /* with max equal to the full size nothing is cut; one byte less cuts */
    scenario s;
    scenario_load(&s, true);
    tcapture c;
    rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags, 1000000, NULL);
    tcapture_close(&c);
    size_t full = c.len;
    tcapture_free(&c);
    size_t fit_left = 1;
    assert_int_equal(rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags,
                                          full + 1, &fit_left),
                     0);
    assert_int_equal(fit_left, 0);
    tcapture_close(&c);
    assert_int_equal(c.len, full);
    tcapture_free(&c);
    /* the final newline trim can save one byte, so cutting starts below full */
    size_t left = 0;
    int rc = rc_pr_print_markdown(tcapture_open(&c), &s.cs, NULL, 0, true, &s.head.diags, full - 2,
                                  &left);
    tcapture_close(&c);
    assert_int_equal(rc, 0);
    assert_true(left > 0);
    assert_true(c.len <= full - 2);
    tcapture_free(&c);
    scenario_free(&s);
}

/* ---- GitHub ---------------------------------------------------------------------------- */

static void test_github_escaping(void **state)
{
    (void)state;
    rc_changeset cs = {0};
    rc_diags d = {0};
    /* not a head file of this (empty) changeset: shown */
    rc_diags_add(&d, RC_SEV_ERROR, "topics/it/a,b:c%.yaml", 3, 5, "rule:x,y",
                 "50%% done\r\nnext: a, b :: c");
    rc_diags_add(&d, RC_SEV_WARNING, "topics/it/w.yaml", 0, 0, "layout", "whole file");
    rc_diags_add(&d, RC_SEV_WARNING, "topics/it/w.yaml", 2, 0, "lag", "no column");
    tcapture c;
    rc_pr_print_github(tcapture_open(&c), &d, &cs);
    tcapture_close(&c);
    assert_string_equal(
        c.data, "::error file=topics/it/a%2Cb%3Ac%25.yaml,line=3,col=5,title=rule%3Ax%2Cy::50%25 "
                "done%0D%0Anext: a, b :: c\n"
                "::warning file=topics/it/w.yaml,title=layout::whole file\n"
                "::warning file=topics/it/w.yaml,line=2,title=lag::no column\n");
    tcapture_free(&c);
    rc_diags_free(&d);
}

static void test_github_without_changeset(void **state)
{
    (void)state;
    /* validate --format github: every diagnostic, no notices */
    scenario s;
    scenario_load(&s, true);
    tcapture c;
    rc_pr_print_github(tcapture_open(&c), &s.head.diags, NULL);
    tcapture_close(&c);
    assert_int_equal(count_str(c.data, "\n"), 4);
    assert_non_null(strstr(c.data, "::warning file=topics/it/search.yaml,line=4,col=24,"
                                   "title=throughput::"));
    assert_null(strstr(c.data, "::notice"));
    tcapture_free(&c);
    scenario_free(&s);
}

static void test_github_reports_once(void **state)
{
    (void)state;
    scenario s;
    scenario_load(&s, true);
    /* the same problems again, as a second load of the same head would add */
    size_t n = s.head.diags.len;
    for (size_t i = 0; i < n; i++) {
        rc_diag g = s.head.diags.items[i];
        rc_diags_add(&s.head.diags, g.severity, g.file, g.line, g.col, g.rule, "%s", g.message);
    }
    tcapture c;
    rc_pr_print_github(tcapture_open(&c), &s.head.diags, &s.cs);
    tcapture_close(&c);
    assert_int_equal(count_str(c.data, "::error "), 2);
    assert_int_equal(count_str(c.data, "title=unknown-key::"), 1);
    tcapture_free(&c);
    scenario_free(&s);
}

static void test_github_without_base_diags(void **state)
{
    (void)state;
    /* without base diagnostics a problem in an unchanged file is hidden and
     * counted */
    scenario s;
    scenario_load(&s, false);
    rc_changeset_free(&s.cs);
    rc_changeset_compute(&s.cs, &s.base.src, &s.base.repo, &s.head.src, &s.head.repo);
    tcapture c;
    rc_pr_print_github(tcapture_open(&c), &s.head.diags, &s.cs);
    tcapture_close(&c);
    assert_null(strstr(c.data, "search.yaml"));
    assert_non_null(strstr(c.data, "::notice::1 problem in files this change does not touch is "
                                   "not annotated"));
    assert_non_null(strstr(c.data, "file=topics/it/refunds.yaml,line=7"));
    tcapture_free(&c);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_golden_invalid),
        cmocka_unit_test(test_text_golden_clusters),
        cmocka_unit_test(test_markdown_golden),
        cmocka_unit_test(test_markdown_golden_offline),
        cmocka_unit_test(test_github_golden),
        cmocka_unit_test(test_text_no_changes),
        cmocka_unit_test(test_text_formatting_only),
        cmocka_unit_test(test_text_control_bytes),
        cmocka_unit_test(test_markdown_escapes),
        cmocka_unit_test(test_markdown_summary_html_escaped),
        cmocka_unit_test(test_markdown_delete_is_loud),
        cmocka_unit_test(test_markdown_truncation),
        cmocka_unit_test(test_markdown_exact_fit),
        cmocka_unit_test(test_github_escaping),
        cmocka_unit_test(test_github_without_changeset),
        cmocka_unit_test(test_github_reports_once),
        cmocka_unit_test(test_github_without_base_diags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
