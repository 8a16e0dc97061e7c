#include "cli.h"

#include "applied_state.h"
#include "alerts.h"
#include "apply.h"
#include "changeset.h"
#include "dashboards.h"
#include "http.h"
#include "pr_report.h"
#include "publish.h"
#include "render.h"
#include "decl.h"
#include "diag.h"
#include "diff.h"
#include "git_history.h"
#include "kadmin.h"
#include "model.h"
#include "plan_print.h"
#include "profiles.h"
#include "secrets.h"
#include "source.h"
#include "textout.h"
#include "units.h"
#include "util.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

typedef enum out_format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_GITHUB } out_format;

typedef struct cli {
    const char *command;
    const char *repo_dir;
    const char *ref;
    const char **clusters;
    size_t nclusters;
    rc_kvlist xprops;
    out_format format;
    bool color;
    bool no_color;
    bool verbose;
    bool quiet;
    bool detailed_exitcode;
    bool prune;
    bool dry_run;
    const char *base;
    const char *out_dir;
    int retry_delay_ms;
    int timeout_ms;
    rc_secrets secrets;
    const rc_cli_adapters *adapters;
} cli;

/* ---- help ---------------------------------------------------------------- */

static const char usage_main[] =
    "usage: reconcile [global options] <command> [command options]\n"
    "\n"
    "GitOps for Kafka topics: declarations in git -> plan -> apply.\n"
    "\n"
    "commands:\n"
    "  validate   check every declaration under topics/ offline; report every problem\n"
    "  plan       diff the declarations against the live cluster(s); change nothing\n"
    "  apply      create topics, add partitions and change configs to match\n"
    "  diff       what a change (--base REV -> head) does to the declarations; offline\n"
    "  render     write Prometheus lag alerts and Grafana dashboards (--out DIR)\n"
    "  publish    push rendered dashboards to Grafana, reload Prometheus rules\n"
    "\n"
    "global options:\n"
    "  -C DIR              repository to read (default: current directory)\n"
    "  --ref REV           read declarations from this commit instead of the working tree\n"
    "  --base REV          (plan, diff) compare with the declarations at this commit\n"
    "  --cluster NAME      only this cluster (repeatable; default: all)\n"
    "  -X key=value        librdkafka client property, overrides the cluster file (repeatable)\n"
    "  --format FORMAT     text (default), json, markdown or github\n"
    "  --timeout DURATION  per admin request, e.g. 30s (default 30s)\n"
    "  --deadline DURATION the whole run, e.g. 10m (default 30m): a run still going\n"
    "                      then stops with exit 1 (what an apply landed stays)\n"
    "  --no-color          never color the output (also NO_COLOR=1)\n"
    "  -v, --verbose       say what is being done\n"
    "  -q, --quiet         only errors and the result\n"
    "  -h, --help          this help; `reconcile COMMAND --help` for a command\n"
    "  --version           print the version\n"
    "\n"
    "exit codes: 0 ok and nothing to change, 1 failure, 2 changes pending\n"
    "(plan and diff --detailed-exitcode), 64 usage error.\n";

static const char usage_validate[] =
    "usage: reconcile validate [-C DIR] [--ref REV] [--cluster NAME] [--format text|github]\n"
    "\n"
    "Parse and check every file under topics/ without contacting any cluster. Every\n"
    "problem is reported, one per line, as `file:line:column: rule-id: message`\n"
    "(--format github prints GitHub workflow annotations). Exit 1 if any error.\n";

static const char usage_plan[] =
    "usage: reconcile plan [-C DIR] [--ref REV] [--base REV] [--cluster NAME] [-X key=value]\n"
    "                      [--format text|json] [--detailed-exitcode] [--prune]\n"
    "                      [--base REV [--format markdown|github]]\n"
    "\n"
    "Validate the declarations, read each cluster through the admin API, and print\n"
    "what apply would do: create, add partitions, config changes (including\n"
    "undeclared overrides apply would reset), refused changes, unmanaged topics.\n"
    "Every change is checked by the broker with validate_only. Nothing is changed.\n"
    "\n"
    "  --detailed-exitcode  exit 0 when there are no changes, 2 when changes are\n"
    "                       pending, 1 on error\n"
    "  --base REV           also show what the change from REV does to the\n"
    "                       declarations (a pull request's plan); markdown gives a\n"
    "                       comment, github gives annotations\n"
    "  --prune              show the deletions apply --prune would make (unmanaged\n"
    "                       topics, where the policy sets allow_delete: true)\n";

static const char usage_diff[] =
    "usage: reconcile diff --base REV [--ref REV] [-C DIR] [--format text|markdown|github]\n"
    "                      [--detailed-exitcode]\n"
    "\n"
    "Compare the declarations at --base (e.g. the pull request's target branch) with\n"
    "the head (--ref, or the working tree): files added, modified, removed; topics\n"
    "added, changed (field by field, old -> new), and no longer managed (a removed\n"
    "declaration never deletes a topic). Never contacts a cluster. Problems are\n"
    "reported for the head only. --detailed-exitcode: 2 when topics change.\n";

static const char usage_render[] =
    "usage: reconcile render --out DIR [-C DIR] [--ref REV] [--cluster NAME]\n"
    "\n"
    "For every declared topic write, per cluster:\n"
    "  DIR/<cluster>/rules/topics.rules.yml      Prometheus high-lag, absent-consumer\n"
    "                                            (and skew) alerts routed to the owner\n"
    "  DIR/<cluster>/dashboards/<topic>.json     a Grafana dashboard per topic\n"
    "  DIR/<cluster>/grafana-provisioning.yaml   a Grafana file provider for them\n"
    "Templates come from alert-templates/ and dashboards/ of the repository (-C).\n"
    "Output is deterministic; unchanged files are not rewritten; dashboards of\n"
    "topics no longer declared are removed.\n";

static const char usage_publish[] =
    "usage: reconcile publish --out DIR [-C DIR] [--ref REV] [--cluster NAME] [--dry-run]\n"
    "                         [--timeout 30s] [--retry-delay 200ms]\n"
    "\n"
    "Push the dashboards rendered in DIR to Grafana (POST /api/dashboards/db,\n"
    "overwrite, into the cluster's monitoring.grafana_folder; token from\n"
    "GRAFANA_TOKEN) and make Prometheus reload its rules (POST /-/reload, then\n"
    "check /api/v1/rules). 5xx and connection errors are retried with backoff\n"
    "starting at --retry-delay; 4xx errors are reported. --dry-run prints the\n"
    "requests instead of sending them.\n";

static const char usage_apply[] =
    "usage: reconcile apply [-C DIR] [--ref REV] [--cluster NAME] [-X key=value]\n"
    "                       [--format text|json] [--prune]\n"
    "\n"
    "Make each cluster match the declarations: create topics, add partitions, set\n"
    "topic configs (resetting undeclared overrides unless the cluster policy keeps\n"
    "them). Changes are batched; a change the broker rejects is reported with the\n"
    "broker's message while the others still go through (exit 1). Refused changes\n"
    "(partition decrease, replication factor change) are never sent.\n"
    "\n"
    "  --prune    delete unmanaged topics, only where the cluster policy sets\n"
    "             allow_delete: true, and at most policy.max_deletions (default 10)\n"
    "             of them: a prune that would delete more is refused as a whole\n"
    "  --out DIR  after a successful apply, render alerts and dashboards to DIR\n";

static const char *usage_for(const char *command)
{
    if (!command)
        return usage_main;
    if (strcmp(command, "validate") == 0)
        return usage_validate;
    if (strcmp(command, "plan") == 0)
        return usage_plan;
    if (strcmp(command, "apply") == 0)
        return usage_apply;
    if (strcmp(command, "diff") == 0)
        return usage_diff;
    if (strcmp(command, "render") == 0)
        return usage_render;
    if (strcmp(command, "publish") == 0)
        return usage_publish;
    return usage_main;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
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
static void print_masked(cli *c, FILE *out, const char *prefix, const char *msg)
{
    char *masked = rc_secrets_mask(&c->secrets, msg);
    fputs(prefix, out);
    rc_text_put(out, masked);
    fputc('\n', out);
    free(masked);
}

/* Template and dashboard file names come from the managed repository. */
static void print_cluster_error(cli *c, const char *cluster, const char *msg)
{
    char *prefix = rc_xasprintf("reconcile: cluster %s: ", cluster);
    print_masked(c, stderr, prefix, msg);
    free(prefix);
}

static void print_diags(cli *c, rc_diags *d)
{
    rc_diags_sort(d);
    /* validation output is the result of `validate`, so it goes to stdout
     * there; for plan/apply it explains a failure, so stderr. Diagnostics
     * never quote secret values (decl.c's `secret` rule names the key only). */
    FILE *out = strcmp(c->command, "validate") == 0 ? stdout : stderr;
    if (c->format == FMT_GITHUB)
        rc_pr_print_github(out, d, NULL);
    else
        rc_diags_print(d, out);
}

static void progress_cb(void *ud, const char *stage, size_t count)
{
    cli *c = ud;
    if (!c->quiet)
        fprintf(stderr, "reconcile: %s: %zu topic%s\n", stage, count, count == 1 ? "" : "s");
}

/* ---- loading declarations ------------------------------------------------- */

static bool cluster_selected(const cli *c, const char *name)
{
    if (c->nclusters == 0)
        return true;
    for (size_t i = 0; i < c->nclusters; i++)
        if (strcmp(c->clusters[i], name) == 0)
            return true;
    return false;
}

/* Load and validate. Returns 0, or an exit code after printing why. */
/* Where templates come from: the managed repository's own alert-templates/
 * and dashboards/ when it has them (a platform team's customised shapes),
 * else $RECONCILE_DATA_DIR, else the copies installed with the binary, else
 * (a build tree) the source tree's. Heap string. */
static char *data_dir(const cli *c, const char *name)
{
    const char *candidates[] = {c->repo_dir, getenv("RECONCILE_DATA_DIR"),
                                RECONCILE_INSTALL_DATA_DIR, RECONCILE_SOURCE_DIR};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        if (!candidates[i] || !*candidates[i])
            continue;
        char *path = rc_xasprintf("%s/%s", candidates[i], name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return path;
        free(path);
    }
    return rc_xasprintf("%s/%s", c->repo_dir, name); /* the error names the expected place */
}

/* The metric-source profiles the templates provide: what metric_source is
 * checked against. Heap list (rc_profiles_free); NULL when the templates
 * cannot be listed, with a warning (then only the form of a name is checked). */
typedef struct profile_list {
    char **names;
    size_t n;
    bool listed;
} profile_list;

static void list_profiles(cli *c, profile_list *pl, rc_decl_options *opt)
{
    char err[512];
    char *tmpl = data_dir(c, "alert-templates"), *dash = data_dir(c, "dashboards");
    memset(pl, 0, sizeof(*pl));
    memset(opt, 0, sizeof(*opt));
    if (rc_profiles_list(&pl->names, &pl->n, tmpl, dash, err, sizeof(err)) == 0) {
        pl->listed = true;
        opt->metric_sources = (const char *const *)pl->names;
        opt->nmetric_sources = pl->n;
    } else if (!c->quiet) {
        print_masked(c, stderr, "reconcile: warning: ", err);
    }
    free(tmpl);
    free(dash);
}

static int load_repo(cli *c, rc_repo *repo, rc_source *src)
{
    char err[512];
    if (rc_source_load(src, c->repo_dir, c->ref, err, sizeof(err)) != 0) {
        print_masked(c, stderr, "reconcile: ", err);
        return RC_EXIT_FAILURE;
    }
    rc_diags diags = {0};
    profile_list profiles;
    rc_decl_options opt;
    list_profiles(c, &profiles, &opt);
    int rc = rc_decl_load_opts(repo, src, &diags, &opt);
    rc_profiles_free(profiles.names, profiles.n);
    if (diags.len > 0)
        print_diags(c, &diags);
    size_t nerr = rc_diags_errors(&diags);
    rc_diags_free(&diags);
    if (rc != 0 || nerr > 0) {
        fprintf(stderr, "reconcile: %zu problem%s in the declarations%s; nothing was touched\n",
                nerr, nerr == 1 ? "" : "s", c->ref ? " at that revision" : "");
        return RC_EXIT_FAILURE;
    }
    for (size_t i = 0; i < c->nclusters; i++) {
        bool found = false;
        for (size_t k = 0; k < repo->nclusters; k++)
            found |= strcmp(repo->clusters[k].name, c->clusters[i]) == 0;
        if (!found) {
            rc_buf known = {0};
            for (size_t k = 0; k < repo->nclusters; k++)
                rc_buf_printf(&known, "%s%s", k ? ", " : "", repo->clusters[k].name);
            fprintf(stderr, "reconcile: no cluster named '%s' under topics/ (known: %s)\n",
                    c->clusters[i], known.data ? known.data : "none");
            rc_buf_free(&known);
            return RC_EXIT_FAILURE;
        }
    }
    return 0;
}

/* ---- one cluster ----------------------------------------------------------- */

static char *kadmin_error(const char *cluster, const char *what, rc_kadmin *ka)
{
    /* the adapter's messages may already name the cluster */
    const char *msg = rc_kadmin_errmsg(ka);
    char *prefix = rc_xasprintf("cluster %s: ", cluster);
    if (strncmp(msg, prefix, strlen(prefix)) == 0)
        msg += strlen(prefix);
    free(prefix);
    return rc_xasprintf("cluster %s: %s: %s", cluster, what, msg);
}

/* Expanded connection settings of one cluster; they may hold secrets. */
typedef struct cluster_conn {
    char *bootstrap;
    rc_kvlist props;
} cluster_conn;

static void cluster_conn_free(cluster_conn *cc)
{
    free(cc->bootstrap);
    rc_kvlist_free(&cc->props);
    memset(cc, 0, sizeof(*cc));
}

/* Connect, observe, diff. On a cluster-level failure plan->error is set and
 * *ka may be NULL. The caller destroys *ka. */
static void plan_cluster(cli *c, const rc_cluster_decl *decl, rc_cluster_plan *plan,
                         rc_kadmin **ka_out, rc_cluster_obs *obs, cluster_conn *conn)
{
    char err[512];
    *ka_out = NULL;
    memset(plan, 0, sizeof(*plan));
    memset(obs, 0, sizeof(*obs));

    char *bootstrap = NULL;
    if (!decl->bootstrap) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error =
            rc_xasprintf("cluster %s: no bootstrap servers in %s", decl->name, decl->file);
        return;
    }
    if (rc_env_expand(&bootstrap, decl->bootstrap, NULL, err, sizeof(err)) != 0) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = rc_xasprintf("cluster %s: bootstrap in %s: %s", decl->name, decl->file, err);
        return;
    }
    rc_kvlist props = {0};
    for (size_t i = 0; i < decl->client_props.len; i++) {
        char *v = NULL;
        if (rc_env_expand(&v, decl->client_props.items[i].value, &c->secrets, err, sizeof(err)) !=
            0) {
            plan->cluster = rc_xstrdup(decl->name);
            plan->error = rc_xasprintf("cluster %s: client property %s in %s: %s", decl->name,
                                       decl->client_props.items[i].key, decl->file, err);
            conn->bootstrap = bootstrap;
            conn->props = props;
            return;
        }
        rc_kvlist_set(&props, decl->client_props.items[i].key, v);
        free(v);
    }
    rc_kvlist_copy(&props, &c->xprops);

    if (c->verbose)
        fprintf(stderr, "reconcile: cluster %s: connecting to %s\n", decl->name, bootstrap);
    rc_kadmin_config kcfg = {decl->name, bootstrap,  &props,     c->timeout_ms,
                             0,          c->verbose, &c->secrets};
    rc_kadmin *ka = NULL;
    if (c->adapters->kadmin_new(&ka, &kcfg, err, sizeof(err)) != 0) {
        char *masked = rc_secrets_mask(&c->secrets, err);
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = rc_xasprintf("cluster %s: %s", decl->name, masked);
        free(masked);
        conn->bootstrap = bootstrap;
        conn->props = props;
        return;
    }
    conn->bootstrap = bootstrap;
    conn->props = props;
    *ka_out = ka;

    if (ka->ops->describe_cluster(ka, obs) != 0) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = kadmin_error(decl->name, "cannot read the cluster", ka);
        return;
    }
    if (decl->cluster_id && (!obs->cluster_id || strcmp(decl->cluster_id, obs->cluster_id))) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = rc_xasprintf(
            "cluster %s: cluster id is %s but %s pins %s; refusing to touch a different "
            "cluster (wrong bootstrap address?)",
            decl->name, obs->cluster_id ? obs->cluster_id : "(unknown)", decl->file,
            decl->cluster_id);
        return;
    }

    /* Declared topics the all-topics answer lacks: missing, or hidden from
     * this principal. Asking for them by name tells the two apart. */
    const char **names = rc_xcalloc(decl->ntopics, sizeof(char *));
    size_t nnames = 0;
    for (size_t i = 0; i < decl->ntopics; i++)
        if (!rc_cluster_obs_topic(obs, decl->topics[i].name))
            names[nnames++] = decl->topics[i].name;
    if (nnames > 0 && ka->ops->describe_named &&
        ka->ops->describe_named(ka, obs, (const char *const *)names, nnames) != 0) {
        free(names);
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = kadmin_error(decl->name, "cannot read the declared topics", ka);
        return;
    }

    /* Configs only for declared topics that exist: undeclared topics are never
     * altered, so their configs are not needed. */
    nnames = 0;
    for (size_t i = 0; i < decl->ntopics; i++) {
        const rc_topic_obs *o = rc_cluster_obs_topic(obs, decl->topics[i].name);
        if (o && !o->describe_denied)
            names[nnames++] = decl->topics[i].name;
    }
    if (c->verbose)
        fprintf(stderr, "reconcile: cluster %s: %zu brokers, %zu topics; describing %zu\n",
                decl->name, (size_t)obs->broker_count, obs->ntopics, nnames);
    int rc = ka->ops->describe_configs(ka, obs, (const char *const *)names, nnames);
    free(names);
    if (rc != 0) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = kadmin_error(decl->name, "cannot read topic configs", ka);
        return;
    }

    rc_diags diags = {0};
    rc_decl_check_cluster_live(decl, obs, &diags);
    if (diags.len > 0)
        print_diags(c, &diags);
    size_t nerr = rc_diags_errors(&diags);
    rc_diags_free(&diags);
    if (nerr > 0) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = rc_xasprintf("cluster %s: %zu declaration problem%s against the live "
                                   "cluster; nothing was touched",
                                   decl->name, nerr, nerr == 1 ? "" : "s");
        return;
    }

    rc_diff_options dopt = {.prune = c->prune};
    if (rc_diff_plan(plan, decl, obs, &dopt) != 0 && !plan->error)
        plan->error = rc_xasprintf("cluster %s: cannot compute the plan", decl->name);
    if (!plan->cluster)
        plan->cluster = rc_xstrdup(decl->name);
}

static bool plan_has_failures(const rc_cluster_plan *p)
{
    if (p->error)
        return true;
    for (size_t i = 0; i < p->ntopics; i++)
        if (p->topics[i].action == RC_ACT_REFUSE || p->topics[i].broker_error)
            return true;
    return false;
}

static void mask_plan(cli *c, rc_cluster_plan *p)
{
    if (c->secrets.len == 0)
        return;
    if (p->error) {
        char *m = rc_secrets_mask(&c->secrets, p->error);
        free(p->error);
        p->error = m;
    }
    for (size_t i = 0; i < p->ntopics; i++) {
        if (p->topics[i].broker_error) {
            char *m = rc_secrets_mask(&c->secrets, p->topics[i].broker_error);
            free(p->topics[i].broker_error);
            p->topics[i].broker_error = m;
        }
    }
}

static void print_plans(cli *c, const rc_cluster_plan *plans, size_t n)
{
    switch (c->format) {
    case FMT_JSON:
        rc_plan_print_json(stdout, plans, n);
        break;
    case FMT_MARKDOWN:
        rc_plan_print_markdown(stdout, plans, n);
        break;
    default:
        rc_plan_print_text(stdout, plans, n, c->color);
        break;
    }
}

/* ---- apply report ----------------------------------------------------------- */

static void report_apply(cli *c, const rc_cluster_plan *p, const rc_apply_outcome *outcome,
                         int call_rc)
{
    size_t created = 0, updated = 0, deleted = 0, failed = 0, refused = 0, skipped = 0, unknown = 0,
           by_other = 0;
    static const char existed_note[] = "another writer changed it after this run's plan";
    for (size_t i = 0; i < p->ntopics; i++) {
        const rc_topic_plan *tp = &p->topics[i];
        if (tp->action == RC_ACT_REFUSE) {
            refused++;
            fprintf(stdout, "! refused %s\n", tp->topic);
            if (tp->other_writer)
                fprintf(stdout, "    %s\n", existed_note);
            for (size_t k = 0; k < tp->nrefusals; k++)
                print_masked(c, stdout, "    ", tp->refusals[k]);
            continue;
        }
        if (tp->other_writer && tp->action == RC_ACT_UNCHANGED && !tp->broker_error) {
            by_other++;
            if (!c->quiet)
                fprintf(stdout, "= already there %s (%s, as declared)\n", tp->topic, existed_note);
            continue;
        }
        if (tp->action != RC_ACT_CREATE && tp->action != RC_ACT_UPDATE &&
            tp->action != RC_ACT_DELETE && !tp->broker_error)
            continue;
        if (tp->broker_error) {
            failed++;
            char *line = rc_xasprintf("x failed  %s: %s", tp->topic, tp->broker_error);
            print_masked(c, stdout, "", line);
            free(line);
            continue;
        }
        if (outcome[i] == RC_APPLY_NOT_SENT) {
            skipped++;
            fprintf(stdout, "- not attempted %s\n", tp->topic);
            continue;
        }
        if (outcome[i] == RC_APPLY_UNKNOWN) {
            /* The call that carried this topic failed as a whole: whether
             * this change landed is unknown, so say so rather than claim
             * success. */
            unknown++;
            fprintf(stdout, "? unknown %s (the request failed; run plan to see the state)\n",
                    tp->topic);
            continue;
        }
        switch (tp->action) {
        case RC_ACT_CREATE:
            created++;
            if (!c->quiet)
                fprintf(stdout, "+ created %s (%d partitions)\n", tp->topic, tp->partitions_to);
            break;
        case RC_ACT_UPDATE:
            updated++;
            if (c->quiet)
                break;
            fprintf(stdout, "~ updated %s", tp->topic);
            if (tp->partitions_to > tp->partitions_from)
                fprintf(stdout, " (partitions %d -> %d)", tp->partitions_from, tp->partitions_to);
            if (tp->nchanges > 0)
                fprintf(stdout, " (%zu config change%s)", tp->nchanges,
                        tp->nchanges == 1 ? "" : "s");
            if (tp->other_writer)
                fprintf(stdout, " (%s)", existed_note);
            fputc('\n', stdout);
            break;
        case RC_ACT_DELETE:
            deleted++;
            if (!c->quiet)
                fprintf(stdout, "- deleted %s\n", tp->topic);
            break;
        default:
            break;
        }
    }
    if (created + updated + deleted + failed + refused + skipped + unknown + by_other == 0 &&
        call_rc >= 0) {
        fprintf(stdout, "cluster %s: no changes\n", p->cluster);
        return;
    }
    fprintf(stdout, "cluster %s: %zu created, %zu updated, %zu deleted, %zu failed, %zu refused",
            p->cluster, created, updated, deleted, failed, refused);
    if (by_other)
        fprintf(stdout, ", %zu already made by another writer", by_other);
    fprintf(stdout, "%s%s\n", unknown ? ", some in an unknown state" : "",
            skipped ? ", some not attempted" : "");
}

/* ---- the older-commit guard ------------------------------------------------- */

static rc_applied_state_config state_config(cli *c, const rc_cluster_decl *decl,
                                            const cluster_conn *conn)
{
    rc_applied_state_config cfg = {0};
    cfg.cluster_name = decl->name;
    cfg.bootstrap = conn->bootstrap;
    cfg.props = &conn->props;
    cfg.timeout_ms = c->timeout_ms;
    cfg.verbose = c->verbose;
    cfg.secrets = &c->secrets;
    return cfg;
}

/* policy.guard_older_commits: refuse a commit older than the last one applied
 * to this cluster (a late CI job, a re-run of an old pipeline). */
static void guard_before_apply(cli *c, const rc_cluster_decl *decl, rc_cluster_plan *p,
                               const cluster_conn *conn, const char *commit)
{
    char err[512];
    if (!commit) {
        p->error = rc_xasprintf("cluster %s: %s sets policy.guard_older_commits, so apply needs "
                                "--ref REV (the commit to record); refusing to apply the working "
                                "tree",
                                decl->name, decl->file);
        return;
    }
    rc_applied_state_config cfg = state_config(c, decl, conn);
    char *recorded = NULL;
    if (c->adapters->applied_read(&recorded, &cfg, err, sizeof(err)) != 0) {
        p->error =
            rc_xasprintf("cluster %s: cannot read the last applied commit: %s", decl->name, err);
        return;
    }
    rc_guard_verdict verdict;
    char *message = NULL;
    if (rc_guard_evaluate(&verdict, &message, c->repo_dir, recorded, commit, err, sizeof(err)) !=
        0) {
        p->error = rc_xasprintf("cluster %s: cannot compare with the last applied commit: %s",
                                decl->name, err);
    } else if (rc_guard_refuses(verdict)) {
        p->error = rc_xasprintf("cluster %s: %s", decl->name, message ? message : "refused");
    } else if (message && !c->quiet) {
        print_masked(c, stderr, "reconcile: warning: ", message);
    }
    if (c->verbose && recorded)
        fprintf(stderr, "reconcile: cluster %s: last applied commit %s\n", decl->name, recorded);
    free(message);
    free(recorded);
}

/* True when at least one change was accepted by the broker or was in a
 * request whose fate is unknown. */
static bool apply_may_have_landed(const rc_cluster_plan *p, const rc_apply_outcome *outcome)
{
    for (size_t i = 0; i < p->ntopics; i++) {
        if (outcome[i] == RC_APPLY_UNKNOWN)
            return true;
        if (outcome[i] == RC_APPLY_DONE && !p->topics[i].broker_error)
            return true;
    }
    return false;
}

static void record_applied(cli *c, const rc_cluster_decl *decl, rc_cluster_plan *p,
                           const cluster_conn *conn, const char *commit)
{
    char err[512];
    rc_applied_state_config cfg = state_config(c, decl, conn);
    if (c->adapters->applied_write(&cfg, commit, err, sizeof(err)) != 0) {
        if (!p->error)
            p->error = rc_xasprintf("cluster %s: applied, but cannot record commit %s: %s",
                                    decl->name, commit, err);
    } else if (c->verbose) {
        fprintf(stderr, "reconcile: cluster %s: recorded commit %s as applied\n", decl->name,
                commit);
    }
}

/* ---- commands ------------------------------------------------------------------ */

static int cmd_validate(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc == 0 && !c->quiet) {
        size_t ntopics = 0, nclusters = 0;
        for (size_t i = 0; i < repo.nclusters; i++) {
            if (!cluster_selected(c, repo.clusters[i].name))
                continue;
            nclusters++;
            ntopics += repo.clusters[i].ntopics;
        }
        fprintf(stdout, "ok: %zu topic%s in %zu cluster%s, %zu file%s checked\n", ntopics,
                ntopics == 1 ? "" : "s", nclusters, nclusters == 1 ? "" : "s", src.nfiles,
                src.nfiles == 1 ? "" : "s");
    }
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}

/* ---- render and publish ---------------------------------------------------- */

/* Monitoring URLs may name environment variables (a Grafana reached through a
 * per-environment address); expand them in place before they are used. */
static int expand_monitoring(rc_cluster_decl *decl)
{
    char **fields[] = {&decl->grafana_url, &decl->prometheus_url, &decl->repo_url};
    static const char *const names[] = {"monitoring.grafana_url", "monitoring.prometheus_url",
                                        "repository_url"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!*fields[i])
            continue;
        char err[512], *v = NULL;
        if (rc_env_expand(&v, *fields[i], NULL, err, sizeof(err)) != 0) {
            fprintf(stderr, "reconcile: cluster %s: monitoring in %s: %s\n", decl->name, decl->file,
                    err);
            return -1;
        }
        /* validate could only check the reference; "" still means unset */
        const char *why = *v ? rc_decl_url_problem(v, fields[i] != &decl->repo_url) : NULL;
        if (why) {
            fprintf(stderr,
                    "reconcile: cluster %s: %s in %s: once expanded, not an absolute "
                    "http:// or https:// URL: %s\n",
                    decl->name, names[i], decl->file, why);
            free(v);
            return -1;
        }
        free(*fields[i]);
        *fields[i] = v;
    }
    return 0;
}

/* Render every selected cluster to c->out_dir. Returns 0 or -1 (printed). */
static int render_all(cli *c, rc_repo *repo, const char *commit)
{
    char err[512];
    char *dash_dir = data_dir(c, "dashboards");
    char *tmpl_dir = data_dir(c, "alert-templates");
    rc_dashboards *dashboards = NULL;
    int rc = 0;
    if (rc_dashboards_load(&dashboards, dash_dir, err, sizeof(err)) != 0) {
        print_masked(c, stderr, "reconcile: ", err);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < repo->nclusters; i++) {
        rc_cluster_decl *decl = &repo->clusters[i];
        if (!cluster_selected(c, decl->name))
            continue;
        if (expand_monitoring(decl) != 0) {
            rc = -1;
            break;
        }
        /* one profile per cluster: loading is cheap next to rendering */
        rc_alerts_profile *profile = NULL;
        if (rc_alerts_profile_load(&profile, tmpl_dir, decl->metric_source, err, sizeof(err)) !=
            0) {
            print_cluster_error(c, decl->name, err);
            rc = -1;
            break;
        }
        rc_render_stats st = {0};
        if (rc_render_cluster(&st, repo, decl, profile, dashboards, c->out_dir, err, sizeof(err)) !=
            0) {
            print_cluster_error(c, decl->name, err);
            rc = -1;
        } else if (!c->quiet) {
            printf("rendered cluster %s: %zu topics (%s) -> %s/%s: %zu files written, %zu "
                   "unchanged, %zu removed\n",
                   decl->name, st.topics, rc_alerts_profile_name(profile), c->out_dir, decl->name,
                   st.written, st.unchanged, st.removed);
        }
        rc_alerts_profile_free(profile);
    }
    if (rc == 0 && c->verbose)
        fprintf(stderr, "reconcile: rendered from %s\n", commit ? commit : "the working tree");
    rc_dashboards_free(dashboards);
    free(dash_dir);
    free(tmpl_dir);
    return rc;
}

static int cmd_render(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc == 0)
        rc = render_all(c, &repo, src.commit) == 0 ? RC_EXIT_OK : RC_EXIT_FAILURE;
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}

static void http_log(void *ctx, const char *line)
{
    print_masked(ctx, stderr, "reconcile: http: ", line);
}

static int cmd_publish(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc != 0)
        goto out;
    const char *token = getenv("GRAFANA_TOKEN");
    if (token)
        rc_secrets_add(&c->secrets, token);
    rc_http *h = NULL;
    if (!c->dry_run) {
        char err[512];
        rc_http_config hc = {0};
        hc.timeout_ms = c->timeout_ms;
        if (c->verbose) {
            hc.log = http_log;
            hc.log_ctx = c;
        }
        if (rc_http_curl_new(&h, &hc, err, sizeof(err)) != 0) {
            fprintf(stderr, "reconcile: %s\n", err);
            rc = RC_EXIT_FAILURE;
            goto out;
        }
    }
    for (size_t i = 0; i < repo.nclusters; i++) {
        rc_cluster_decl *decl = &repo.clusters[i];
        if (!cluster_selected(c, decl->name))
            continue;
        if (expand_monitoring(decl) != 0) {
            rc = RC_EXIT_FAILURE;
            continue;
        }
        char *dash_dir = rc_xasprintf("%s/%s/dashboards", c->out_dir, decl->name);
        char *rules_dir = rc_xasprintf("%s/%s/rules", c->out_dir, decl->name);
        rc_publish_options opt = {0};
        opt.cluster = decl->name;
        opt.grafana_url = decl->grafana_url;
        opt.grafana_folder = decl->grafana_folder;
        opt.grafana_token = token;
        opt.dashboards_dir = dash_dir;
        opt.prometheus_url = decl->prometheus_url;
        opt.rules_dir = rules_dir;
        opt.commit = src.commit;
        opt.dry_run = c->dry_run;
        opt.base_delay_ms = c->retry_delay_ms;
        rc_publish_report rep;
        rc_publish_report_init(&rep);
        if (rc_publish_cluster(&rep, h, &opt) != 0)
            rc = RC_EXIT_FAILURE;
        rc_buf text = {0};
        rc_publish_report_format(&text, &rep, c->verbose);
        if (text.data) {
            char *masked = rc_secrets_mask(&c->secrets, text.data);
            rc_text_put_lines(stdout, masked);
            free(masked);
        }
        rc_buf_free(&text);
        rc_publish_report_free(&rep);
        free(dash_dir);
        free(rules_dir);
    }
    if (h)
        h->ops->destroy(h);
out:
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}

/* Plan (and with apply, execute) every selected cluster. Returns the plans
 * (caller frees each and the array); *failure and *changes summarise them. */
static rc_cluster_plan *run_clusters(cli *c, const rc_repo *repo, const char *commit, bool apply,
                                     size_t *nplans_out, bool *failure, bool *changes)
{
    rc_cluster_plan *plans = rc_xcalloc(repo->nclusters, sizeof(*plans));
    size_t nplans = 0;
    for (size_t i = 0; i < repo->nclusters; i++) {
        const rc_cluster_decl *decl = &repo->clusters[i];
        if (!cluster_selected(c, decl->name))
            continue;
        rc_cluster_plan *p = &plans[nplans++];
        rc_cluster_obs obs;
        rc_kadmin *ka = NULL;
        cluster_conn conn = {0};
        plan_cluster(c, decl, p, &ka, &obs, &conn);
        if (apply && !p->error && decl->guard_older_commits)
            guard_before_apply(c, decl, p, &conn, commit);
        if (!p->error) {
            if (!apply) {
                int v = rc_apply_validate(ka, p);
                if (v < 0)
                    p->error = kadmin_error(decl->name, "validation by the broker failed", ka);
            } else {
                rc_apply_outcome *outcome = rc_xcalloc(p->ntopics, sizeof(*outcome));
                rc_apply_options aopt = {0, progress_cb, c, decl};
                int a = rc_apply_execute(ka, p, outcome, &aopt);
                /* Record whenever something may have landed, even when a later
                 * stage failed as a whole: what landed must not be rolled back
                 * by an older commit's late apply. */
                if (decl->guard_older_commits && apply_may_have_landed(p, outcome))
                    record_applied(c, decl, p, &conn, commit);
                mask_plan(c, p);
                if (c->format == FMT_TEXT)
                    report_apply(c, p, outcome, a);
                if (a < 0 && !p->error)
                    p->error = kadmin_error(decl->name, "apply stopped", ka);
                free(outcome);
            }
        }
        mask_plan(c, p);
        /* plan prints cluster errors in its report; apply's text report is
         * per topic, so the cluster-level failure goes to stderr */
        if (p->error && apply && c->format == FMT_TEXT)
            print_masked(c, stderr, "reconcile: ", p->error);
        *failure |= plan_has_failures(p);
        *changes |= rc_cluster_plan_has_changes(p);
        rc_cluster_obs_free(&obs);
        cluster_conn_free(&conn);
        if (ka)
            ka->ops->destroy(ka);
    }
    *nplans_out = nplans;
    return plans;
}

static void free_plans(rc_cluster_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_cluster_plan_free(&plans[i]);
    free(plans);
}

static int cmd_plan_or_apply(cli *c, bool apply)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc != 0) {
        rc_repo_free(&repo);
        rc_source_free(&src);
        return rc;
    }
    if (c->verbose && src.commit)
        fprintf(stderr, "reconcile: declarations from commit %s\n", src.commit);

    bool failure = false, changes = false;
    size_t nplans = 0;
    rc_cluster_plan *plans = run_clusters(c, &repo, src.commit, apply, &nplans, &failure, &changes);
    if (!apply || c->format != FMT_TEXT)
        print_plans(c, plans, nplans);
    if (apply && c->out_dir && !failure)
        failure |= render_all(c, &repo, src.commit) != 0;

    free_plans(plans, nplans);
    rc_repo_free(&repo);
    rc_source_free(&src);
    if (failure)
        return RC_EXIT_FAILURE;
    if (!apply && c->detailed_exitcode && changes)
        return RC_EXIT_CHANGES;
    return RC_EXIT_OK;
}

/* plan --base REV and diff --base REV: what the change (base -> head) does to
 * the declarations, and (plan only) to the clusters. The base's own problems
 * are never printed: each problem is reported once, on the side under review. */
static int cmd_base(cli *c, bool is_diff)
{
    char err[512];
    rc_source base_src = {0}, head_src = {0};
    if (rc_source_load(&base_src, c->repo_dir, c->base, err, sizeof(err)) != 0) {
        /* the first pull request of a new repository has no topics/ at base */
        if (!strstr(err, "no topics/ directory")) {
            print_masked(c, stderr, "reconcile: base: ", err);
            return RC_EXIT_FAILURE;
        }
    }
    if (rc_source_load(&head_src, c->repo_dir, c->ref, err, sizeof(err)) != 0) {
        print_masked(c, stderr, "reconcile: ", err);
        rc_source_free(&base_src);
        return RC_EXIT_FAILURE;
    }
    rc_repo base = {0}, head = {0};
    rc_diags base_diags = {0}, head_diags = {0};
    profile_list profiles;
    rc_decl_options opt;
    list_profiles(c, &profiles, &opt);
    rc_decl_load_opts(&base, &base_src, &base_diags, &opt);
    rc_decl_load_opts(&head, &head_src, &head_diags, &opt);
    rc_profiles_free(profiles.names, profiles.n);
    rc_changeset cs;
    rc_changeset_compute(&cs, &base_src, &base, &head_src, &head);
    rc_changeset_use_diags(&cs, &base_diags, &head_diags);
    size_t nerr = rc_diags_errors(&head_diags);

    bool skipped = is_diff || nerr > 0;
    bool failure = nerr > 0, changes = false;
    size_t nplans = 0;
    rc_cluster_plan *plans = NULL;
    if (!skipped)
        plans = run_clusters(c, &head, head_src.commit, false, &nplans, &failure, &changes);

    rc_diags_sort(&head_diags);
    switch (c->format) {
    case FMT_MARKDOWN:
        rc_pr_print_markdown(stdout, &cs, plans, nplans, skipped, &head_diags, 0);
        break;
    case FMT_GITHUB:
        rc_pr_print_github(stdout, &head_diags, &cs);
        break;
    default:
        if (head_diags.len > 0) {
            print_diags(c, &head_diags);
            if (nerr > 0)
                fprintf(stderr,
                        "reconcile: %zu problem%s in the declarations; no cluster was contacted\n",
                        nerr, nerr == 1 ? "" : "s");
        }
        rc_pr_print_text(stdout, &cs);
        rc_pr_print_text_plans(stdout, plans, nplans, skipped, &head_diags, c->color);
        break;
    }
    if (is_diff)
        changes = cs.ntopics > 0;

    free_plans(plans, nplans);
    rc_changeset_free(&cs);
    rc_repo_free(&base);
    rc_repo_free(&head);
    rc_diags_free(&base_diags);
    rc_diags_free(&head_diags);
    rc_source_free(&base_src);
    rc_source_free(&head_src);
    if (failure)
        return RC_EXIT_FAILURE;
    if (c->detailed_exitcode && changes)
        return RC_EXIT_CHANGES;
    return RC_EXIT_OK;
}

/* ---- the overall deadline ------------------------------------------------------- */

/* No run may hang forever: a library can (libgit2 1.5.1 loops on a truncated
 * loose object; a broker can stall a request past every client timeout). A
 * real-time timer ends the run with a message written by the signal handler
 * itself (only async-signal-safe calls: write and _exit). An apply cut short
 * is like one killed by CI: what landed stays, the next apply converges. */
#define RC_DEFAULT_DEADLINE_MS (30 * 60 * 1000)
static char deadline_message[256];
static size_t deadline_message_len;

static void deadline_reached(int sig)
{
    (void)sig;
    ssize_t ignored = write(STDERR_FILENO, deadline_message, deadline_message_len);
    (void)ignored;
    _exit(RC_EXIT_FAILURE);
}

static void start_deadline(int ms, const char *arg)
{
    int n = snprintf(deadline_message, sizeof(deadline_message),
                     "reconcile: gave up: the run did not finish within %s (--deadline); "
                     "nothing more was done, and a cut-short apply converges on the next "
                     "run\n",
                     arg);
    deadline_message_len =
        n > 0 && (size_t)n < sizeof(deadline_message) ? (size_t)n : strlen(deadline_message);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = deadline_reached;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval t = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static void stop_deadline(void)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
}

/* ---- option parsing -------------------------------------------------------------- */

enum {
    OPT_REF = 256,
    OPT_CLUSTER,
    OPT_FORMAT,
    OPT_NO_COLOR,
    OPT_VERSION,
    OPT_DETAILED,
    OPT_PRUNE,
    OPT_TIMEOUT,
    OPT_BASE,
    OPT_OUT,
    OPT_DRY_RUN,
    OPT_RETRY_DELAY,
    OPT_DEADLINE,
    OPT_END_ /* count: OPT_END_ - OPT_REF long options */
};

static const struct option long_opts[] = {
    {"ref", required_argument, NULL, OPT_REF},
    {"cluster", required_argument, NULL, OPT_CLUSTER},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"detailed-exitcode", no_argument, NULL, OPT_DETAILED},
    {"prune", no_argument, NULL, OPT_PRUNE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"base", required_argument, NULL, OPT_BASE},
    {"out", required_argument, NULL, OPT_OUT},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"retry-delay", required_argument, NULL, OPT_RETRY_DELAY},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {NULL, 0, NULL, 0},
};

/* A duration option in [min_ms, max_ms]; prints the usage error itself. */
static int parse_ms_option(int *out, const char *option, const char *example, const char *arg,
                           long long min_ms, long long max_ms)
{
    long long ms = 0;
    char err[256];
    if (rc_units_parse_duration_ms(&ms, arg, err, sizeof(err)) != 0 || ms < min_ms || ms > max_ms) {
        usage_error("%s expects a duration such as %s, got '%s'", option, example, arg);
        return -1;
    }
    *out = (int)ms;
    return 0;
}

/* Commands as bits, so an option's scope is one number. */
static const char *const command_names[] = {"validate", "plan",   "apply",
                                            "diff",     "render", "publish"};
enum {
    CMD_VALIDATE = 1 << 0,
    CMD_PLAN = 1 << 1,
    CMD_APPLY = 1 << 2,
    CMD_DIFF = 1 << 3,
    CMD_RENDER = 1 << 4,
    CMD_PUBLISH = 1 << 5,
};

static unsigned command_bit(const char *s)
{
    for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++)
        if (strcmp(s, command_names[i]) == 0)
            return 1u << i;
    return 0;
}

static bool known_command(const char *s)
{
    return command_bit(s) != 0;
}

/* Options that belong to some commands only. Presence is what counts, not
 * the value: `validate --retry-delay 0s` is as wrong as `--retry-delay 5s`.
 * Options not listed are global. */
static const struct {
    int opt;
    const char *name;
    unsigned commands;
} option_scope[] = {
    {OPT_DETAILED, "--detailed-exitcode", CMD_PLAN | CMD_DIFF},
    {OPT_PRUNE, "--prune", CMD_PLAN | CMD_APPLY},
    {OPT_BASE, "--base", CMD_PLAN | CMD_DIFF},
    {OPT_OUT, "--out", CMD_APPLY | CMD_RENDER | CMD_PUBLISH},
    {OPT_DRY_RUN, "--dry-run", CMD_PUBLISH},
    {OPT_RETRY_DELAY, "--retry-delay", CMD_PUBLISH},
};

/* "plan and apply", "apply, render and publish" */
static void commands_list(char *out, size_t len, unsigned bits)
{
    size_t n = 0, total = 0, k = 0;
    for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++)
        total += (bits >> i) & 1u;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++) {
        if (!((bits >> i) & 1u))
            continue;
        k++;
        n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s",
                              k == 1 ? "" : (k == total ? " and " : ", "), command_names[i]);
    }
}

/* The first option given that does not belong to the command, or NULL. */
static const char *misplaced_option(const bool *given, unsigned command, char *belongs, size_t len)
{
    for (size_t i = 0; i < sizeof(option_scope) / sizeof(option_scope[0]); i++) {
        if (!given[option_scope[i].opt - OPT_REF] || (option_scope[i].commands & command))
            continue;
        commands_list(belongs, len, option_scope[i].commands);
        return option_scope[i].name;
    }
    return NULL;
}

const rc_cli_adapters rc_cli_real_adapters = {
    .kadmin_new = rc_kadmin_rdkafka_new,
    .applied_read = rc_applied_state_read,
    .applied_write = rc_applied_state_write,
};

int rc_cli_main(int argc, char **argv)
{
    return rc_cli_run(argc, argv, &rc_cli_real_adapters);
}

int rc_cli_run(int argc, char **argv, const rc_cli_adapters *adapters)
{
    cli c = {0};
    c.adapters = adapters;
    c.repo_dir = ".";
    c.timeout_ms = 30000;
    c.clusters = rc_xcalloc((size_t)argc, sizeof(char *));
    bool help = false, version = false;
    int exit_code = RC_EXIT_OK;

    /* The command may stand anywhere among the options (getopt permutes), so
     * `reconcile plan -C repo` and `reconcile -C repo plan` both work. */
    opterr = 0;
    optind = 0; /* glibc: start over, so a second call parses its own argv */
    int opt;
    bool given[OPT_END_ - OPT_REF] = {false};
    int deadline_ms = RC_DEFAULT_DEADLINE_MS;
    const char *deadline_arg = "30m";
    while ((opt = getopt_long(argc, argv, ":C:X:vqh", long_opts, NULL)) != -1) {
        if (opt >= OPT_REF && opt < OPT_END_)
            given[opt - OPT_REF] = true;
        switch (opt) {
        case 'C':
            c.repo_dir = optarg;
            break;
        case 'X': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                /* never echo it: `-X sasl.password` with the value missing
                 * its key is still a password */
                exit_code = usage_error("-X expects key=value (the argument given has no key "
                                        "before an '=')");
                goto out;
            }
            char *key = rc_xstrndup(optarg, (size_t)(eq - optarg));
            rc_kvlist_set(&c.xprops, key, eq + 1);
            rc_secrets_add(&c.secrets, eq + 1); /* -X may carry a password */
            free(key);
            break;
        }
        case 'v':
            c.verbose = true;
            break;
        case 'q':
            c.quiet = true;
            break;
        case 'h':
            help = true;
            break;
        case OPT_REF:
            c.ref = optarg;
            break;
        case OPT_CLUSTER:
            c.clusters[c.nclusters++] = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                c.format = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                c.format = FMT_JSON;
            else if (strcmp(optarg, "markdown") == 0)
                c.format = FMT_MARKDOWN;
            else if (strcmp(optarg, "github") == 0)
                c.format = FMT_GITHUB;
            else {
                exit_code = usage_error(
                    "unknown format '%s' (expected text, json, markdown or github)", optarg);
                goto out;
            }
            break;
        case OPT_NO_COLOR:
            c.no_color = true;
            break;
        case OPT_VERSION:
            version = true;
            break;
        case OPT_DETAILED:
            c.detailed_exitcode = true;
            break;
        case OPT_PRUNE:
            c.prune = true;
            break;
        case OPT_TIMEOUT:
            if (parse_ms_option(&c.timeout_ms, "--timeout", "30s", optarg, 1, 3600000) != 0) {
                exit_code = RC_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_BASE:
            c.base = optarg;
            break;
        case OPT_OUT:
            c.out_dir = optarg;
            break;
        case OPT_DRY_RUN:
            c.dry_run = true;
            break;
        case OPT_RETRY_DELAY:
            if (parse_ms_option(&c.retry_delay_ms, "--retry-delay", "200ms", optarg, 0, 600000) !=
                0) {
                exit_code = RC_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_DEADLINE:
            if (parse_ms_option(&deadline_ms, "--deadline", "10m", optarg, 1, 86400000) != 0) {
                exit_code = RC_EXIT_USAGE;
                goto out;
            }
            deadline_arg = optarg;
            break;
        case ':':
            exit_code = usage_error("option '%s' needs a value", argv[optind - 1]);
            goto out;
        default:
            exit_code = usage_error("unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }

    if (optind < argc)
        c.command = argv[optind++];
    if (version) {
        printf("reconcile %s\n", RECONCILE_VERSION);
        goto out;
    }
    if (c.command && !known_command(c.command)) {
        exit_code = usage_error("unknown command '%s'", c.command);
        goto out;
    }
    if (help) {
        fputs(usage_for(c.command), stdout);
        goto out;
    }
    if (!c.command) {
        fputs(usage_main, stderr);
        exit_code = RC_EXIT_USAGE;
        goto out;
    }
    if (optind < argc) {
        exit_code = usage_error("unexpected argument '%s'", argv[optind]);
        goto out;
    }
    unsigned command = command_bit(c.command);
    bool is_validate = command == CMD_VALIDATE;
    bool is_plan = command == CMD_PLAN;
    bool is_apply = command == CMD_APPLY;
    bool is_diff = command == CMD_DIFF;
    bool is_render = command == CMD_RENDER;
    bool is_publish = command == CMD_PUBLISH;
    char belongs[96];
    const char *misplaced = misplaced_option(given, command, belongs, sizeof(belongs));
    if (misplaced) {
        exit_code = usage_error("%s belongs to %s, not %s", misplaced, belongs, c.command);
        goto out;
    }
    if (is_diff && !c.base) {
        exit_code = usage_error("%s needs --base REV", "diff");
        goto out;
    }
    if ((is_render || is_publish) && !c.out_dir) {
        exit_code = usage_error("%s needs --out DIR", c.command);
        goto out;
    }
    bool with_base = c.base != NULL;
    if ((is_validate || (with_base && (is_plan || is_diff))) && c.format == FMT_JSON) {
        exit_code = usage_error("%s prints text, markdown or github here, not json", c.command);
        goto out;
    }
    if (is_validate && c.format == FMT_MARKDOWN) {
        exit_code = usage_error("validate prints text or github annotations, not %s", "markdown");
        goto out;
    }
    if (c.format == FMT_GITHUB && !is_validate && !with_base) {
        exit_code = usage_error("--format github is for validate, plan --base and %s", "diff");
        goto out;
    }
    if ((is_apply || is_render || is_publish) && c.format != FMT_TEXT &&
        !(is_apply && c.format == FMT_JSON)) {
        exit_code = usage_error("%s prints text only (apply also json)", c.command);
        goto out;
    }
    c.color = !c.no_color && !getenv("NO_COLOR") && isatty(STDOUT_FILENO);
    start_deadline(deadline_ms, deadline_arg);

    if (is_validate)
        exit_code = cmd_validate(&c);
    else if (with_base)
        exit_code = cmd_base(&c, is_diff);
    else if (is_render)
        exit_code = cmd_render(&c);
    else if (is_publish)
        exit_code = cmd_publish(&c);
    else
        exit_code = cmd_plan_or_apply(&c, is_apply);
    stop_deadline();
out:
    free(c.clusters);
    rc_kvlist_free(&c.xprops);
    rc_secrets_free(&c.secrets);
    fflush(stdout);
    fflush(stderr);
    return exit_code;
}
