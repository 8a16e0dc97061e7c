#include "apply.h"

#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Declared in kadmin.h beside rc_topic_result. It lives in src/core, not in
 * the librdkafka adapter: apply frees the results of any rc_kadmin (a fake
 * one too), and reconcile_pure must link without src/kafka. */
void rc_topic_results_free(rc_topic_result *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++)
        free(r[i].error);
    free(r);
}

/* Store a per-topic error on the plan, keeping the first one seen. For
 * creations, "already exists" is not a failure: the goal state (the topic
 * exists) holds, and any difference in partitions or configs is the next
 * plan's business. */
static size_t record_results(rc_cluster_plan *plan, const size_t *index, rc_topic_result *res,
                             size_t n, bool creating)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!res[i].error)
            continue;
        if (creating && res[i].error_code == RC_KAFKA_TOPIC_ALREADY_EXISTS)
            continue;
        rc_topic_plan *tp = &plan->topics[index[i]];
        if (!tp->broker_error) {
            tp->broker_error = res[i].error;
            res[i].error = NULL;
            failed++;
        }
    }
    return failed;
}

/* A principal without the ACL gets the same refusal for every topic: that is
 * one cause, so besides the per-topic errors the stage fails as a whole with
 * one message, and the later stages (which would be denied too) are not sent. */
static bool all_denied(const rc_topic_result *res, size_t n, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].error_code != RC_KAFKA_TOPIC_AUTHORIZATION_FAILED &&
            res[i].error_code != RC_KAFKA_CLUSTER_AUTHORIZATION_FAILED)
            return false;
    if (n > 0)
        rc_errorf(RC_KADMIN_EACCESS, errbuf, errlen, "not authorised: %s",
                  res[0].error ? res[0].error : "authorization failed");
    return n > 0;
}

typedef struct batches {
    rc_new_topic *creates;
    size_t *create_idx;
    size_t ncreates;
    rc_new_partitions *parts;
    size_t *part_idx;
    size_t nparts;
    rc_topic_configs *cfgs;
    size_t *cfg_idx;
    size_t ncfgs;
    const char **reset_keys; /* flat storage for every topic's reset keys */
    const char **deletes;
    size_t *delete_idx;
    size_t ndeletes;
} batches;

static void batches_build(batches *b, const rc_cluster_plan *plan)
{
    size_t n = plan->ntopics, nresets = 0;
    memset(b, 0, sizeof(*b));
    b->creates = rc_xcalloc(n, sizeof(*b->creates));
    b->create_idx = rc_xcalloc(n, sizeof(size_t));
    b->parts = rc_xcalloc(n, sizeof(*b->parts));
    b->part_idx = rc_xcalloc(n, sizeof(size_t));
    b->cfgs = rc_xcalloc(n, sizeof(*b->cfgs));
    b->cfg_idx = rc_xcalloc(n, sizeof(size_t));
    b->deletes = rc_xcalloc(n, sizeof(char *));
    b->delete_idx = rc_xcalloc(n, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        nresets += plan->topics[i].nchanges;
    b->reset_keys = rc_xcalloc(nresets, sizeof(char *));
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        const rc_topic_plan *tp = &plan->topics[i];
        switch (tp->action) {
        case RC_ACT_CREATE:
            b->creates[b->ncreates] = (rc_new_topic){
                tp->topic, tp->partitions_to, tp->replication_factor, &tp->desired_overrides};
            b->create_idx[b->ncreates++] = i;
            break;
        case RC_ACT_UPDATE:
            if (tp->partitions_to > tp->partitions_from) {
                b->parts[b->nparts] = (rc_new_partitions){tp->topic, tp->partitions_to};
                b->part_idx[b->nparts++] = i;
            }
            if (tp->nchanges > 0) {
                rc_topic_configs *c = &b->cfgs[b->ncfgs];
                c->name = tp->topic;
                c->set = &tp->desired_overrides;
                c->reset_keys = &b->reset_keys[r];
                for (size_t k = 0; k < tp->nchanges; k++)
                    if (!tp->changes[k].new_value)
                        b->reset_keys[r + c->nreset_keys++] = tp->changes[k].key;
                r += c->nreset_keys;
                b->cfg_idx[b->ncfgs++] = i;
            }
            break;
        case RC_ACT_DELETE:
            b->deletes[b->ndeletes] = tp->topic;
            b->delete_idx[b->ndeletes++] = i;
            break;
        default:
            break;
        }
    }
}

static void batches_free(batches *b)
{
    free(b->creates);
    free(b->create_idx);
    free(b->parts);
    free(b->part_idx);
    free(b->cfgs);
    free(b->cfg_idx);
    free(b->reset_keys);
    free(b->deletes);
    free(b->delete_idx);
}

static void progress(const rc_apply_options *opt, const char *stage, size_t count)
{
    if (opt && opt->progress && count > 0)
        opt->progress(opt->progress_ud, stage, count);
}

static void mark(rc_apply_outcome *outcome, const size_t *idx, size_t n, rc_apply_outcome o)
{
    for (size_t i = 0; outcome && i < n; i++)
        outcome[idx[i]] = o;
}

/* ---- topics another writer created between plan and apply ------------------ */

static void fail_existing(rc_cluster_plan *plan, const size_t *idx, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++) {
        rc_topic_plan *tp = &plan->topics[idx[i]];
        tp->other_writer = true;
        if (!tp->broker_error)
            tp->broker_error =
                rc_xasprintf("already exists: another writer created it after the plan, and %s; "
                             "run plan again to see what it still needs",
                             why);
    }
}

/* Read the named declared topics back from the cluster and plan them again
 * with the same engine as plan (shallow copies of their declarations under
 * the cluster's policy). fresh holds their plans (and nothing else of
 * interest: other observed topics come out UNMANAGED). 0, or -1 with why. */
static int read_back(rc_kadmin *ka, const rc_cluster_plan *plan, const size_t *idx, size_t n,
                     const rc_cluster_decl *decl, rc_cluster_obs *obs, rc_cluster_plan *fresh,
                     char *why, size_t whylen)
{
    const char **names = rc_xcalloc(n, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = plan->topics[idx[i]].topic;
    int rc = 0;
    char kerr[RC_ERRBUF_LEN] = "";
    if (ka->ops->describe_cluster(ka, obs, kerr, sizeof(kerr)) < 0 ||
        ka->ops->describe_configs(ka, obs, names, n, kerr, sizeof(kerr)) < 0) {
        snprintf(why, whylen, "re-reading it failed: %s", kerr);
        rc = -1;
    } else {
        rc_cluster_decl sub = *decl;
        rc_topic_decl *topics = rc_xcalloc(n, sizeof(*topics));
        for (size_t i = 0; i < n; i++)
            topics[i] = *plan->topics[idx[i]].decl;
        sub.topics = topics;
        sub.ntopics = n;
        char err[RC_ERRBUF_LEN];
        if (rc_diff_plan(fresh, &sub, obs, NULL, err, sizeof(err)) != 0) {
            snprintf(why, whylen, "planning it again failed: %s", err);
            rc = -1;
        } else if (fresh->error) {
            snprintf(why, whylen, "planning it again failed: %s", fresh->error);
            rc = -1;
        }
        free(topics);
    }
    free(names);
    return rc;
}

static rc_topic_plan *fresh_topic(rc_cluster_plan *fresh, const char *name)
{
    for (size_t k = 0; k < fresh->ntopics; k++)
        /* entries already moved out are zeroed */
        if (fresh->topics[k].topic && strcmp(fresh->topics[k].topic, name) == 0 &&
            fresh->topics[k].action != RC_ACT_UNMANAGED)
            return &fresh->topics[k];
    return NULL;
}

static bool all_declared(const rc_cluster_plan *plan, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!plan->topics[idx[i]].decl)
            return false;
    return true;
}

/* Replace plan->topics[idx[..]] (CREATEs that met TOPIC_ALREADY_EXISTS) by a
 * fresh plan of the same topics against what the cluster holds now. Returns
 * the number that could not be re-read (they carry broker_error). */
static size_t replan_existing(rc_kadmin *ka, rc_cluster_plan *plan, const size_t *idx, size_t n,
                              const rc_apply_options *opt)
{
    const rc_cluster_decl *decl = opt ? opt->decl : NULL;
    if (!decl || !all_declared(plan, idx, n)) {
        fail_existing(plan, idx, n, "this apply cannot re-read it");
        return n;
    }
    progress(opt, "re-reading topics another writer created", n);
    /* The writer's topic may not be in metadata yet: wait until it is there
     * with at least one partition, which every existing topic reaches. */
    rc_new_partitions *seen = rc_xcalloc(n, sizeof(*seen));
    for (size_t i = 0; i < n; i++)
        seen[i] = (rc_new_partitions){plan->topics[idx[i]].topic, 1};
    int timeout = opt && opt->wait_timeout_ms > 0 ? opt->wait_timeout_ms : 30000;
    rc_cluster_obs obs = {0};
    rc_cluster_plan fresh = {0};
    size_t failed = 0;
    char why[600];
    char kerr[RC_ERRBUF_LEN] = "";
    if (ka->ops->wait_topics(ka, seen, n, timeout, kerr, sizeof(kerr)) < 0) {
        snprintf(why, sizeof(why), "re-reading it failed: %s", kerr);
        fail_existing(plan, idx, n, why);
        failed = n;
    } else if (read_back(ka, plan, idx, n, decl, &obs, &fresh, why, sizeof(why)) != 0) {
        fail_existing(plan, idx, n, why);
        failed = n;
    } else {
        for (size_t i = 0; i < n; i++) {
            rc_topic_plan *tp = &plan->topics[idx[i]];
            rc_topic_plan *np = fresh_topic(&fresh, tp->topic);
            if (!np || np->action == RC_ACT_CREATE) {
                fail_existing(plan, &idx[i], 1, "it is gone again");
                failed++;
                continue;
            }
            const rc_topic_decl *d = tp->decl;
            rc_topic_plan_free(tp);
            *tp = *np;
            memset(np, 0, sizeof(*np));
            tp->decl = d;
            tp->other_writer = true;
        }
    }
    rc_cluster_plan_free(&fresh);
    rc_cluster_obs_free(&obs);
    free(seen);
    return failed;
}

/* Topics the broker rejected may have been changed by another writer in the
 * meantime ("Topic already has 3 partitions" when two applies add the same
 * partitions): read them back, and where the cluster now matches the
 * declaration the rejection is no failure of this run, only a change it did
 * not make. Returns how many rejections this clears. */
static size_t read_back_rejected(rc_kadmin *ka, rc_cluster_plan *plan, const rc_apply_options *opt)
{
    const rc_cluster_decl *decl = opt ? opt->decl : NULL;
    size_t n = 0, cleared = 0;
    size_t *idx = rc_xcalloc(plan->ntopics, sizeof(*idx));
    for (size_t i = 0; decl && i < plan->ntopics; i++) {
        const rc_topic_plan *tp = &plan->topics[i];
        if (tp->broker_error && tp->decl &&
            (tp->action == RC_ACT_CREATE || tp->action == RC_ACT_UPDATE))
            idx[n++] = i;
    }
    if (n == 0) {
        free(idx);
        return 0;
    }
    progress(opt, "re-reading topics the broker rejected", n);
    rc_cluster_obs obs = {0};
    rc_cluster_plan fresh = {0};
    char why[600];
    if (read_back(ka, plan, idx, n, decl, &obs, &fresh, why, sizeof(why)) == 0) {
        for (size_t i = 0; i < n; i++) {
            rc_topic_plan *tp = &plan->topics[idx[i]];
            rc_topic_plan *np = fresh_topic(&fresh, tp->topic);
            if (!np || np->action != RC_ACT_UNCHANGED)
                continue; /* the change is still missing: the rejection stands */
            const rc_topic_decl *d = tp->decl;
            rc_topic_plan_free(tp);
            *tp = *np;
            memset(np, 0, sizeof(*np));
            tp->decl = d;
            tp->other_writer = true;
            cleared++;
        }
    }
    rc_cluster_plan_free(&fresh);
    rc_cluster_obs_free(&obs);
    free(idx);
    return cleared;
}

/* A request failed as a whole (a dropped connection, a timeout): every topic
 * it carried is UNKNOWN, although most of a batch may have landed (chunks
 * before the failure, or the request itself before the answer was lost).
 * Read them back, so the report says what landed and what did not; what
 * cannot be read back stays UNKNOWN. failure is the failed call's message,
 * quoted in what the read-back finds; the re-reads' own messages go to a
 * buffer of their own, so it is kept. */
static void read_back_unknown(rc_kadmin *ka, rc_cluster_plan *plan, rc_apply_outcome *outcome,
                              const rc_apply_options *opt, const char *failure)
{
    size_t n = 0, ndecl = 0;
    size_t *idx = rc_xcalloc(plan->ntopics, sizeof(*idx));
    for (size_t i = 0; outcome && i < plan->ntopics; i++)
        if (outcome[i] == RC_APPLY_UNKNOWN)
            idx[n++] = i;
    const rc_cluster_decl *decl = opt ? opt->decl : NULL;
    if (n == 0 || !decl) {
        free(idx);
        return;
    }
    progress(opt, "re-reading what the failed request carried", n);
    /* deletions need no declaration; the others are planned again */
    size_t *didx = rc_xcalloc(n, sizeof(*didx));
    for (size_t i = 0; i < n; i++)
        if (plan->topics[idx[i]].action != RC_ACT_DELETE && plan->topics[idx[i]].decl)
            didx[ndecl++] = idx[i];
    rc_cluster_obs obs = {0};
    rc_cluster_plan fresh = {0};
    char why[600];
    int rc = ndecl > 0 ? read_back(ka, plan, didx, ndecl, decl, &obs, &fresh, why, sizeof(why))
                       : ka->ops->describe_cluster(ka, &obs, why, sizeof(why));
    if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            rc_topic_plan *tp = &plan->topics[idx[i]];
            bool exists = rc_cluster_obs_topic(&obs, tp->topic) != NULL;
            if (tp->action == RC_ACT_DELETE) {
                if (exists)
                    tp->broker_error = rc_xasprintf(
                        "not deleted: its request failed (%s), and the topic still exists",
                        failure);
                outcome[idx[i]] = RC_APPLY_DONE;
                continue;
            }
            const rc_topic_plan *np = tp->decl ? fresh_topic(&fresh, tp->topic) : NULL;
            if (!np)
                continue; /* stays UNKNOWN */
            if (np->action != RC_ACT_UNCHANGED && !tp->broker_error)
                tp->broker_error =
                    rc_xasprintf("not %s when read back: its request failed (%s) and %s; a request "
                                 "the broker still holds may yet land, so run plan again",
                                 tp->action == RC_ACT_CREATE ? "created" : "applied", failure,
                                 np->action == RC_ACT_CREATE ? "the topic does not exist"
                                                             : "the change is not there");
            outcome[idx[i]] = RC_APPLY_DONE;
        }
    }
    rc_cluster_plan_free(&fresh);
    rc_cluster_obs_free(&obs);
    free(didx);
    free(idx);
}

/* ---- the stages ----------------------------------------------------------------- */

/* One batched request kind. The stages run in table order; a new kind of
 * change (ACL bindings, say) is one more entry and its send function. */
typedef struct stage {
    const char *doing;      /* progress label */
    const char *validating; /* progress label with validate_only; NULL: skipped then */
    bool creating;          /* TOPIC_ALREADY_EXISTS is no failure, and is read back */
    size_t (*count)(const batches *b);
    const size_t *(*index)(const batches *b); /* plan index of each entry */
    int (*send)(rc_kadmin *ka, const batches *b, bool validate_only, rc_topic_result **res,
                char *errbuf, size_t errlen);
} stage;

static size_t n_creates(const batches *b)
{
    return b->ncreates;
}
static const size_t *i_creates(const batches *b)
{
    return b->create_idx;
}
static int send_creates(rc_kadmin *ka, const batches *b, bool vo, rc_topic_result **res,
                        char *errbuf, size_t errlen)
{
    return ka->ops->create_topics(ka, b->creates, b->ncreates, vo, res, errbuf, errlen);
}
static size_t n_parts(const batches *b)
{
    return b->nparts;
}
static const size_t *i_parts(const batches *b)
{
    return b->part_idx;
}
static int send_parts(rc_kadmin *ka, const batches *b, bool vo, rc_topic_result **res, char *errbuf,
                      size_t errlen)
{
    return ka->ops->create_partitions(ka, b->parts, b->nparts, vo, res, errbuf, errlen);
}
static size_t n_cfgs(const batches *b)
{
    return b->ncfgs;
}
static const size_t *i_cfgs(const batches *b)
{
    return b->cfg_idx;
}
static int send_cfgs(rc_kadmin *ka, const batches *b, bool vo, rc_topic_result **res, char *errbuf,
                     size_t errlen)
{
    return ka->ops->alter_configs(ka, b->cfgs, b->ncfgs, vo, res, errbuf, errlen);
}
static size_t n_deletes(const batches *b)
{
    return b->ndeletes;
}
static const size_t *i_deletes(const batches *b)
{
    return b->delete_idx;
}
static int send_deletes(rc_kadmin *ka, const batches *b, bool vo, rc_topic_result **res,
                        char *errbuf, size_t errlen)
{
    (void)vo; /* never validated: see the table */
    return ka->ops->delete_topics(ka, b->deletes, b->ndeletes, res, errbuf, errlen);
}

static const stage stages[] = {
    {"creating topics", "validating creations", true, n_creates, i_creates, send_creates},
    {"adding partitions", "validating partition additions", false, n_parts, i_parts, send_parts},
    {"changing configs", "validating config changes", false, n_cfgs, i_cfgs, send_cfgs},
    /* DeleteTopics has no validate_only */
    {"deleting topics", NULL, false, n_deletes, i_deletes, send_deletes},
};

/* Send one stage and record its answers. Returns the topics that failed
 * (>= 0), or a negative RC_KADMIN_E* code: the call failed as a whole, or
 * every topic was denied (one cause: the later stages would be denied too).
 * A creating stage re-reads topics another writer created meanwhile and
 * rebuilds *b, so the later stages carry what they still need. */
static int run_stage(rc_kadmin *ka, rc_cluster_plan *plan, const stage *st, batches *b,
                     bool validate_only, rc_apply_outcome *outcome, const rc_apply_options *opt,
                     char *errbuf, size_t errlen)
{
    size_t n = st->count(b);
    if (n == 0 || (validate_only && !st->validating))
        return 0;
    const size_t *idx = st->index(b);
    progress(opt, validate_only ? st->validating : st->doing, n);
    mark(outcome, idx, n, RC_APPLY_UNKNOWN);
    rc_topic_result *res = NULL;
    int rc = st->send(ka, b, validate_only, &res, errbuf, errlen);
    if (rc < 0)
        return rc;
    bool denied = all_denied(res, n, errbuf, errlen);
    size_t failed = record_results(plan, idx, res, n, st->creating);
    mark(outcome, idx, n, RC_APPLY_DONE);
    size_t nexisting = 0;
    size_t *existing = rc_xcalloc(n, sizeof(*existing));
    for (size_t i = 0; st->creating && i < n; i++)
        if (res[i].error_code == RC_KAFKA_TOPIC_ALREADY_EXISTS)
            existing[nexisting++] = idx[i];
    rc_topic_results_free(res, n);
    if (denied) {
        free(existing);
        return RC_KADMIN_EACCESS;
    }
    if (!validate_only && nexisting > 0) {
        failed += replan_existing(ka, plan, existing, nexisting, opt);
        batches_free(b);
        batches_build(b, plan);
    }
    free(existing);
    return (int)failed;
}

static int run(rc_kadmin *ka, rc_cluster_plan *plan, bool validate_only, rc_apply_outcome *outcome,
               const rc_apply_options *opt, size_t *nfailed, char *errbuf, size_t errlen)
{
    /* The failed call's message, kept here whatever errbuf the caller gave:
     * read_back_unknown quotes it. */
    char failure[RC_ERRBUF_LEN] = "";
    batches b;
    batches_build(&b, plan);
    size_t failed = 0;
    int rc = 0;

    for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
        rc = run_stage(ka, plan, &stages[i], &b, validate_only, outcome, opt, failure,
                       sizeof(failure));
        if (rc < 0)
            goto out;
        failed += (size_t)rc;
    }
    rc = 0;
    if (!validate_only)
        failed -= read_back_rejected(ka, plan, opt);
    if (!validate_only) {
        /* Wait for what succeeded to be visible, so the next command (or a
         * producer started right after CI) sees the topics with all partitions. */
        size_t nwait = 0;
        rc_new_partitions *wait = rc_xcalloc(plan->ntopics, sizeof(*wait));
        for (size_t i = 0; i < plan->ntopics; i++) {
            const rc_topic_plan *tp = &plan->topics[i];
            bool grew = tp->action == RC_ACT_CREATE ||
                        (tp->action == RC_ACT_UPDATE && tp->partitions_to > tp->partitions_from);
            if (grew && !tp->broker_error)
                wait[nwait++] = (rc_new_partitions){tp->topic, tp->partitions_to};
        }
        if (nwait > 0) {
            progress(opt, "waiting for metadata", nwait);
            /* metadata shows new topics in chunks, seconds apart, on a busy
             * broker: the default deadline grows with the batch */
            int timeout = opt && opt->wait_timeout_ms > 0
                              ? opt->wait_timeout_ms
                              : 60000 + (int)(nwait < 100000 ? nwait : 100000) * 20;
            rc = ka->ops->wait_topics(ka, wait, nwait, timeout, failure, sizeof(failure));
        }
        free(wait);
        if (rc < 0)
            goto out;
    }
    if (nfailed)
        *nfailed = failed;
    rc = 0;
out:
    if (rc < 0 && !validate_only)
        read_back_unknown(ka, plan, outcome, opt, failure);
    batches_free(&b);
    if (rc < 0)
        return rc_errorf(rc, errbuf, errlen, "%s", failure);
    return rc;
}

int rc_apply_validate(rc_kadmin *ka, rc_cluster_plan *plan, size_t *nfailed, char *errbuf,
                      size_t errlen)
{
    return run(ka, plan, true, NULL, NULL, nfailed, errbuf, errlen);
}

int rc_apply_execute(rc_kadmin *ka, rc_cluster_plan *plan, rc_apply_outcome *outcome,
                     const rc_apply_options *opt, size_t *nfailed, char *errbuf, size_t errlen)
{
    return run(ka, plan, false, outcome, opt, nfailed, errbuf, errlen);
}
