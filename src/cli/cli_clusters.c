#include "cli_internal.h"

#include "apply.h"
#include "decl.h"
#include "diff.h"
#include "git_history.h"
#include "kinds.h"
#include "plan_print.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- one cluster ----------------------------------------------------------- */

/* msg: what the failed admin call wrote to its errbuf. */
char *kadmin_error(const char *cluster, const char *what, const char *msg)
{
    /* the adapter's messages may already name the cluster */
    char *prefix = rc_xasprintf("cluster %s: ", cluster);
    if (strncmp(msg, prefix, strlen(prefix)) == 0)
        msg += strlen(prefix);
    free(prefix);
    return rc_xasprintf("cluster %s: %s: %s", cluster, what, msg);
}

void cluster_conn_free(cluster_conn *cc)
{
    free(cc->bootstrap);
    rc_kvlist_free(&cc->props);
    memset(cc, 0, sizeof(*cc));
}

/* Each step of reading a cluster returns NULL, or the cluster-level error
 * (heap, "cluster NAME: ..."), so plan_cluster has one place that records it. */

char *expand_conn(cli *c, const rc_cluster_decl *decl, cluster_conn *conn)
{
    char err[512];
    if (!decl->bootstrap)
        return rc_xasprintf("cluster %s: no bootstrap servers in %s", decl->name, decl->file);
    if (rc_env_expand(&conn->bootstrap, decl->bootstrap, NULL, err, sizeof(err)) != 0)
        return rc_xasprintf("cluster %s: bootstrap in %s: %s", decl->name, decl->file, err);
    for (size_t i = 0; i < decl->client_props.len; i++) {
        char *v = NULL;
        if (rc_env_expand(&v, decl->client_props.items[i].value, &c->secrets, err, sizeof(err)) !=
            0)
            return rc_xasprintf("cluster %s: client property %s in %s: %s", decl->name,
                                decl->client_props.items[i].key, decl->file, err);
        rc_kvlist_set(&conn->props, decl->client_props.items[i].key, v);
        free(v);
    }
    rc_kvlist_copy(&conn->props, &c->xprops);
    return NULL;
}

char *connect_cluster(fleet_item *it, rc_kadmin **ka_out)
{
    cli *c = it->c;
    const rc_cluster_decl *decl = it->decl;
    if (it->conn_error) {
        char *e = it->conn_error;
        it->conn_error = NULL;
        return e;
    }
    char err[512];
    if (c->verbose)
        fprintf(it->err, "reconcile: cluster %s: connecting to %s\n", decl->name,
                it->conn.bootstrap);
    rc_kadmin_config kcfg = {decl->name, it->conn.bootstrap, &it->conn.props, c->timeout_ms,
                             0,          c->verbose,         &c->secrets};
    if (c->adapters->kadmin_new(ka_out, &kcfg, err, sizeof(err)) != 0) {
        char *masked = rc_secrets_mask(&c->secrets, err);
        char *msg = rc_xasprintf("cluster %s: %s", decl->name, masked);
        free(masked);
        return msg;
    }
    return NULL;
}

char *cluster_id_problem(const rc_cluster_decl *decl, const rc_cluster_obs *obs)
{
    if (decl->cluster_id && (!obs->cluster_id || strcmp(decl->cluster_id, obs->cluster_id)))
        return rc_xasprintf("cluster %s: cluster id is %s but %s pins %s; refusing to touch a "
                            "different cluster (wrong bootstrap address?)",
                            decl->name, obs->cluster_id ? obs->cluster_id : "(unknown)", decl->file,
                            decl->cluster_id);
    return NULL;
}

/* The cluster as the plan needs it: topics (the declared ones asked for by
 * name where the all-topics answer lacks them) and the declared topics'
 * configs. */
static char *read_cluster(fleet_item *it, rc_kadmin *ka, rc_cluster_obs *obs)
{
    const rc_cluster_decl *decl = it->decl;
    char err[RC_ERRBUF_LEN] = "";
    if (ka->ops->describe_cluster(ka, obs, err, sizeof(err)) != 0)
        return kadmin_error(decl->name, "cannot read the cluster", err);
    char *pin = cluster_id_problem(decl, obs);
    if (pin)
        return pin;

    /* Declared topics the all-topics answer lacks: missing, or hidden from
     * this principal. Asking for them by name tells the two apart. */
    const char **names = rc_xcalloc(decl->ntopics, sizeof(char *));
    size_t nnames = 0;
    for (size_t i = 0; i < decl->ntopics; i++)
        if (!rc_cluster_obs_topic(obs, decl->topics[i].name))
            names[nnames++] = decl->topics[i].name;
    if (nnames > 0 && ka->ops->describe_named &&
        ka->ops->describe_named(ka, obs, (const char *const *)names, nnames, err, sizeof(err)) !=
            0) {
        free(names);
        return kadmin_error(decl->name, "cannot read the declared topics", err);
    }

    /* Configs only for declared topics that exist: undeclared topics are never
     * altered, so their configs are not needed. */
    nnames = 0;
    for (size_t i = 0; i < decl->ntopics; i++) {
        const rc_topic_obs *o = rc_cluster_obs_topic(obs, decl->topics[i].name);
        if (o && !o->describe_denied)
            names[nnames++] = decl->topics[i].name;
    }
    if (it->c->verbose)
        fprintf(it->err, "reconcile: cluster %s: %zu brokers, %zu topics; describing %zu\n",
                decl->name, (size_t)obs->broker_count, obs->ntopics, nnames);
    int rc =
        ka->ops->describe_configs(ka, obs, (const char *const *)names, nnames, err, sizeof(err));
    free(names);
    return rc != 0 ? kadmin_error(decl->name, "cannot read topic configs", err) : NULL;
}

/* The declaration checks that need the broker; their diagnostics are printed. */
static char *check_live(fleet_item *it, const rc_cluster_obs *obs)
{
    const rc_cluster_decl *decl = it->decl;
    rc_diags diags = {0};
    rc_decl_check_cluster_live(decl, obs, &diags);
    if (diags.len > 0)
        print_diags_to(it->c, it->err, &diags);
    size_t nerr = rc_diags_errors(&diags);
    rc_diags_free(&diags);
    if (nerr == 0)
        return NULL;
    return rc_xasprintf("cluster %s: %zu declaration problem%s against the live cluster; nothing "
                        "was touched",
                        decl->name, nerr, nerr == 1 ? "" : "s");
}

/* The principal reconcile authenticates as: access.principal, else the SASL
 * user name, else ANONYMOUS on a PLAINTEXT connection; NULL when unknown (a
 * TLS certificate's name is the broker's to map). Heap string. */
static char *self_principal(const rc_cluster_decl *decl, const cluster_conn *conn)
{
    if (decl->self_principal)
        return rc_xstrdup(decl->self_principal);
    const char *user = rc_kvlist_get(&conn->props, "sasl.username");
    const char *proto = rc_kvlist_get(&conn->props, "security.protocol");
    if (user && proto && strncasecmp(proto, "SASL", 4) == 0)
        return rc_xasprintf("User:%s", user);
    if (!proto || strcasecmp(proto, "PLAINTEXT") == 0)
        return rc_xstrdup("User:ANONYMOUS");
    return NULL;
}

/* Plan every other kind of resource the cluster manages (kinds.h). */
static char *plan_kinds(cli *c, const rc_repo *repo, const rc_cluster_decl *decl, rc_kadmin *ka,
                        const cluster_conn *conn, rc_cluster_plan *plan)
{
    size_t nk;
    const rc_resource_kind *const *kinds = rc_kinds(&nk);
    char *self = self_principal(decl, conn);
    rc_kind_plan_options kopt = {.prune = c->prune, .repo = repo, .self_principal = self};
    char *error = NULL;
    for (size_t k = 0; k < nk && !error; k++) {
        if (!kinds[k]->managed(decl))
            continue;
        void *kp = NULL;
        char err[RC_ERRBUF_LEN] = "";
        if (kinds[k]->plan(&kp, ka, decl, &kopt, err, sizeof(err)) != 0) {
            char *what = rc_xasprintf("cannot read its %s", kinds[k]->what);
            error = kadmin_error(decl->name, what, err);
            free(what);
            break;
        }
        plan->kinds = rc_xrealloc(plan->kinds, (plan->nkinds + 1) * sizeof(*plan->kinds));
        plan->kinds[plan->nkinds++] = (rc_kind_plan){kinds[k], kp};
    }
    free(self);
    return error;
}

/* Connect, observe, diff. On a cluster-level failure plan->error is set and
 * *ka_out may be NULL; the caller destroys *ka_out and frees conn whatever
 * happens. */
static void plan_cluster(fleet_item *it, const rc_repo *repo, rc_cluster_plan *plan,
                         rc_kadmin **ka_out, rc_cluster_obs *obs)
{
    cli *c = it->c;
    const rc_cluster_decl *decl = it->decl;
    *ka_out = NULL;
    memset(plan, 0, sizeof(*plan));
    memset(obs, 0, sizeof(*obs));
    char *error = connect_cluster(it, ka_out);
    if (!error)
        error = read_cluster(it, *ka_out, obs);
    if (!error)
        error = check_live(it, obs);
    if (error) {
        plan->cluster = rc_xstrdup(decl->name);
        plan->error = error;
        return;
    }
    rc_diff_options dopt = {.prune = c->prune};
    char err[RC_ERRBUF_LEN];
    if (rc_diff_plan(plan, decl, obs, &dopt, err, sizeof(err)) != 0)
        plan->error = rc_xstrdup(err);
    if (!plan->cluster)
        plan->cluster = rc_xstrdup(decl->name);
    if (!plan->error)
        plan->error = plan_kinds(c, repo, decl, *ka_out, &it->conn, plan);
}

bool plan_has_failures(const rc_cluster_plan *p)
{
    if (p->error)
        return true;
    for (size_t i = 0; i < p->ntopics; i++)
        if (p->topics[i].action == RC_ACT_REFUSE || p->topics[i].broker_error)
            return true;
    for (size_t i = 0; i < p->nkinds; i++)
        if (p->kinds[i].kind->has_failures(p->kinds[i].plan))
            return true;
    return false;
}

void mask_plan(cli *c, rc_cluster_plan *p)
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
    for (size_t i = 0; i < p->nkinds; i++)
        p->kinds[i].kind->mask(p->kinds[i].plan, &c->secrets);
}

void print_plans(cli *c, const rc_cluster_plan *plans, size_t n)
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

/* What report_apply counted, for the cluster's summary line. */
typedef struct apply_counts {
    size_t created, updated, deleted, failed, refused, skipped, unknown, by_other;
} apply_counts;

static const char existed_note[] = "another writer changed it after this run's plan";

/* A change the broker accepted: its line (unless quiet) and its count. */
static void report_done(cli *c, FILE *out, const rc_topic_plan *tp, apply_counts *n)
{
    switch (tp->action) {
    case RC_ACT_CREATE:
        n->created++;
        if (!c->quiet)
            fprintf(out, "+ created %s (%d partitions)\n", tp->topic, tp->partitions_to);
        break;
    case RC_ACT_UPDATE:
        n->updated++;
        if (c->quiet)
            break;
        fprintf(out, "~ updated %s", tp->topic);
        if (tp->partitions_to > tp->partitions_from)
            fprintf(out, " (partitions %d -> %d)", tp->partitions_from, tp->partitions_to);
        if (tp->nchanges > 0)
            fprintf(out, " (%zu config change%s)", tp->nchanges, tp->nchanges == 1 ? "" : "s");
        if (tp->other_writer)
            fprintf(out, " (%s)", existed_note);
        fputc('\n', out);
        break;
    case RC_ACT_DELETE:
        n->deleted++;
        if (!c->quiet)
            fprintf(out, "- deleted %s\n", tp->topic);
        break;
    default:
        break;
    }
}

/* The cluster's summary line; a failed call is never "no changes". */
static void report_summary(FILE *out, const rc_cluster_plan *p, const apply_counts *n, int call_rc)
{
    size_t total = n->created + n->updated + n->deleted + n->failed + n->refused + n->skipped +
                   n->unknown + n->by_other;
    if (total == 0 && call_rc >= 0) {
        fprintf(out, "cluster %s: no changes\n", p->cluster);
        return;
    }
    fprintf(out, "cluster %s: %zu created, %zu updated, %zu deleted, %zu failed, %zu refused",
            p->cluster, n->created, n->updated, n->deleted, n->failed, n->refused);
    if (n->by_other)
        fprintf(out, ", %zu already made by another writer", n->by_other);
    fprintf(out, "%s%s\n", n->unknown ? ", some in an unknown state" : "",
            n->skipped ? ", some not attempted" : "");
}

static void report_apply(cli *c, FILE *out, const rc_cluster_plan *p,
                         const rc_apply_outcome *outcome, int call_rc)
{
    apply_counts n = {0};
    for (size_t i = 0; i < p->ntopics; i++) {
        const rc_topic_plan *tp = &p->topics[i];
        if (tp->action == RC_ACT_REFUSE) {
            n.refused++;
            fprintf(out, "! refused %s\n", tp->topic);
            if (tp->other_writer)
                fprintf(out, "    %s\n", existed_note);
            for (size_t k = 0; k < tp->nrefusals; k++)
                print_masked(c, out, "    ", tp->refusals[k]);
            continue;
        }
        if (tp->other_writer && tp->action == RC_ACT_UNCHANGED && !tp->broker_error) {
            n.by_other++;
            if (!c->quiet)
                fprintf(out, "= already there %s (%s, as declared)\n", tp->topic, existed_note);
            continue;
        }
        if (tp->action != RC_ACT_CREATE && tp->action != RC_ACT_UPDATE &&
            tp->action != RC_ACT_DELETE && !tp->broker_error)
            continue;
        if (tp->broker_error) {
            n.failed++;
            char *line = rc_xasprintf("x failed  %s: %s", tp->topic, tp->broker_error);
            print_masked(c, out, "", line);
            free(line);
            continue;
        }
        if (outcome[i] == RC_APPLY_NOT_SENT) {
            n.skipped++;
            fprintf(out, "- not attempted %s\n", tp->topic);
            continue;
        }
        if (outcome[i] == RC_APPLY_UNKNOWN) {
            /* The call that carried this topic failed as a whole: whether
             * this change landed is unknown, so say so rather than claim
             * success. */
            n.unknown++;
            fprintf(out, "? unknown %s (the request failed; run plan to see the state)\n",
                    tp->topic);
            continue;
        }
        report_done(c, out, tp, &n);
    }
    report_summary(out, p, &n, call_rc);
}

/* ---- the other kinds --------------------------------------------------------- */

/* A kind whose plan is refused (its own access, too many deletions) refuses
 * the whole cluster: nothing is applied rather than half of it. */
static void refuse_failed_kinds(rc_cluster_plan *p)
{
    for (size_t i = 0; i < p->nkinds && !p->error; i++) {
        if (p->kinds[i].kind->has_failures(p->kinds[i].plan))
            p->error = rc_xasprintf("cluster %s: the %s plan has refusals (see plan); nothing "
                                    "was applied",
                                    p->cluster, p->kinds[i].kind->name);
    }
}

/* Apply every kind after the topics (a binding may name a topic this run
 * created); report_kinds prints what each did, after the topics' report. */
static int apply_kinds(fleet_item *it, rc_cluster_plan *p, rc_kadmin *ka, bool *landed,
                       char *errbuf, size_t errlen)
{
    cli *c = it->c;
    int rc = 0;
    for (size_t i = 0; i < p->nkinds && rc == 0; i++) {
        const rc_resource_kind *k = p->kinds[i].kind;
        size_t nfailed = 0, n = k->pending(p->kinds[i].plan);
        if (n > 0 && !c->quiet)
            fprintf(it->err,
                    "reconcile: applying %zu change%s to %s (then waiting until the "
                    "broker serves them)\n",
                    n, n == 1 ? "" : "s", k->what);
        rc = k->apply(ka, p->kinds[i].plan, false, &nfailed, errbuf, errlen);
        *landed |= n > 0;
        k->mask(p->kinds[i].plan, &c->secrets);
    }
    return rc;
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
static void guard_before_apply(fleet_item *it, rc_cluster_plan *p, const char *commit)
{
    cli *c = it->c;
    const rc_cluster_decl *decl = it->decl;
    char err[512];
    if (!commit) {
        p->error = rc_xasprintf("cluster %s: %s sets policy.guard_older_commits, so apply needs "
                                "--ref REV (the commit to record); refusing to apply the working "
                                "tree",
                                decl->name, decl->file);
        return;
    }
    rc_applied_state_config cfg = state_config(c, decl, &it->conn);
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
        print_masked(c, it->err, "reconcile: warning: ", message);
    }
    if (c->verbose && recorded)
        fprintf(it->err, "reconcile: cluster %s: last applied commit %s\n", decl->name, recorded);
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

static void record_applied(fleet_item *it, rc_cluster_plan *p, const char *commit)
{
    cli *c = it->c;
    const rc_cluster_decl *decl = it->decl;
    char err[512];
    rc_applied_state_config cfg = state_config(c, decl, &it->conn);
    if (c->adapters->applied_write(&cfg, commit, err, sizeof(err)) != 0) {
        if (!p->error)
            p->error = rc_xasprintf("cluster %s: applied, but cannot record commit %s: %s",
                                    decl->name, commit, err);
    } else if (c->verbose) {
        fprintf(it->err, "reconcile: cluster %s: recorded commit %s as applied\n", decl->name,
                commit);
    }
}

/* What every cluster's work shares: the inputs, read only, and a plan slot
 * per cluster. */
typedef struct run_ctx {
    const rc_repo *repo;
    const char *commit;
    bool apply;
    rc_cluster_plan *plans;
} run_ctx;

/* Execute the plan, record the commit, report (text). */
static void apply_cluster(fleet_item *it, rc_cluster_plan *p, rc_kadmin *ka, const char *commit)
{
    cli *c = it->c;
    const rc_cluster_decl *decl = it->decl;
    char err[RC_ERRBUF_LEN] = "";
    rc_apply_outcome *outcome = rc_xcalloc(p->ntopics, sizeof(*outcome));
    rc_apply_options aopt = {0, progress_cb, it, decl};
    int a = rc_apply_execute(ka, p, outcome, &aopt, NULL, err, sizeof(err));
    bool kinds_landed = false;
    if (a == 0)
        a = apply_kinds(it, p, ka, &kinds_landed, err, sizeof(err));
    /* Record whenever something may have landed, even when a later
     * stage failed as a whole: what landed must not be rolled back
     * by an older commit's late apply. */
    if (decl->guard_older_commits && (kinds_landed || apply_may_have_landed(p, outcome)))
        record_applied(it, p, commit);
    mask_plan(c, p);
    if (c->format == FMT_TEXT) {
        report_apply(c, it->out, p, outcome, a);
        for (size_t k = 0; k < p->nkinds; k++)
            p->kinds[k].kind->report_apply(it->out, p->cluster, p->kinds[k].plan, c->quiet);
    }
    if (a < 0 && !p->error)
        p->error = kadmin_error(decl->name, "apply stopped", err);
    free(outcome);
}

/* One cluster: plan, then validate by the broker (plan) or apply. */
static void run_cluster(fleet_item *it, void *ctx, size_t i)
{
    run_ctx *r = ctx;
    cli *c = it->c;
    rc_cluster_plan *p = &r->plans[i];
    rc_cluster_obs obs;
    rc_kadmin *ka = NULL;
    plan_cluster(it, r->repo, p, &ka, &obs);
    if (r->apply && !p->error)
        refuse_failed_kinds(p);
    if (r->apply && !p->error && it->decl->guard_older_commits)
        guard_before_apply(it, p, r->commit);
    if (!p->error && !r->apply) {
        char err[RC_ERRBUF_LEN] = "";
        if (rc_apply_validate(ka, p, NULL, err, sizeof(err)) < 0)
            p->error = kadmin_error(it->decl->name, "validation by the broker failed", err);
    } else if (!p->error) {
        apply_cluster(it, p, ka, r->commit);
    }
    mask_plan(c, p);
    /* plan prints cluster errors in its report; apply's text report is
     * per topic, so the cluster-level failure goes to stderr, after it */
    rc_tape_mark(&it->tape);
    if (p->error && r->apply && c->format == FMT_TEXT)
        print_masked(c, it->err, "reconcile: ", p->error);
    rc_cluster_obs_free(&obs);
    if (ka)
        ka->ops->destroy(ka);
}

/* Plan (and with apply, execute) every selected cluster, several at once
 * (fleet_run). Returns the plans (caller frees them with free_plans);
 * *failure and *changes summarise them. */
rc_cluster_plan *run_clusters(cli *c, const rc_repo *repo, const char *commit, bool apply,
                              size_t *nplans_out, bool *failure, bool *changes)
{
    size_t n = 0;
    fleet_item *items = fleet_items(c, repo, &n);
    run_ctx r = {repo, commit, apply, rc_xcalloc(n ? n : 1, sizeof(*r.plans))};
    bool uses_git = false; /* the guard reads the repository's history */
    for (size_t i = 0; i < n; i++)
        uses_git |= apply && items[i].decl->guard_older_commits;
    fleet_run(c, items, n, uses_git, run_cluster, &r);
    for (size_t i = 0; i < n; i++) {
        *failure |= plan_has_failures(&r.plans[i]);
        *changes |= rc_cluster_plan_has_changes(&r.plans[i]);
    }
    fleet_items_free(items, n);
    *nplans_out = n;
    return r.plans;
}

void free_plans(rc_cluster_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_cluster_plan_free(&plans[i]);
    free(plans);
}
