/* kadmin_groups.c — list_group_offsets and group_offsets on librdkafka's
 * ListConsumerGroups and ListConsumerGroupOffsets, group_members on
 * DescribeConsumerGroups, through the request pump. */
#include "kadmin_rdkafka_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* librdkafka 2.0.2 takes one group per ListConsumerGroupOffsets request, so
 * a cluster's groups are asked about one by one, this many at a time (each
 * request is one OffsetFetch to the group's coordinator). */
#define GROUPS_IN_FLIGHT 32

typedef struct groups_op {
    char **names; /* ListConsumerGroups' answer */
    size_t nnames, cap;
    rc_group_offsets *out; /* parallel to names once sorted */
    bool *again;           /* parallel: the coordinator was not ready, ask again */
} groups_op;

/* A group's coordinator moves or loads a moment after __consumer_offsets
 * is created or a broker restarts; librdkafka 2.0.2 hands these back. */
#define ROUNDS 5
#define ROUND_PAUSE_MS 200

static bool retriable(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS;
}

static bool submit_list(rk_pump *p, rk_batch *b)
{
    (void)b;
    rd_kafka_ListConsumerGroups(p->ka->rk, p->opts, p->q);
    return true;
}

static int handle_list(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    (void)b;
    groups_op *op = p->ctx;
    const rd_kafka_ListConsumerGroups_result_t *r = rd_kafka_event_ListConsumerGroups_result(ev);
    size_t nerr = 0, cnt = 0;
    const rd_kafka_error_t **errs = r ? rd_kafka_ListConsumerGroups_result_errors(r, &nerr) : NULL;
    if (nerr > 0)
        return rk_fail(p->ka, p->errbuf, p->errlen, RC_KADMIN_EOTHER,
                       "%s: a broker could not list its groups (%zu error%s, first: %s)", p->what,
                       nerr, nerr == 1 ? "" : "s", rd_kafka_error_string(errs[0]));
    const rd_kafka_ConsumerGroupListing_t **gs =
        r ? rd_kafka_ListConsumerGroups_result_valid(r, &cnt) : NULL;
    for (size_t i = 0; i < cnt; i++) {
        if (op->nnames == op->cap) {
            op->cap = op->cap ? op->cap * 2 : 64;
            op->names = rc_xrealloc(op->names, op->cap * sizeof(*op->names));
        }
        op->names[op->nnames++] = rc_xstrdup(rd_kafka_ConsumerGroupListing_group_id(gs[i]));
    }
    return 0;
}

static bool submit_offsets(rk_pump *p, rk_batch *b)
{
    groups_op *op = p->ctx;
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(op->names[b->idx[0]], NULL);
    rd_kafka_ListConsumerGroupOffsets(p->ka->rk, &req, 1, p->opts, p->q);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    return true;
}

static int committed_cmp(const void *pa, const void *pb)
{
    const rc_committed *a = pa, *b = pb;
    int c = strcmp(a->topic, b->topic);
    return c ? c : (a->partition > b->partition) - (a->partition < b->partition);
}

/* Every partition with a committed offset, sorted. */
static void record_committed(rc_group_offsets *g, const rd_kafka_topic_partition_list_t *parts)
{
    for (size_t k = 0; k < g->ncommitted; k++) /* an earlier round's answer */
        free(g->committed[k].topic);
    free(g->committed);
    g->committed =
        rc_xcalloc(parts && parts->cnt > 0 ? (size_t)parts->cnt : 1, sizeof(*g->committed));
    g->ncommitted = 0;
    for (int i = 0; parts && i < parts->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &parts->elems[i];
        if (!tp->err && tp->offset >= 0 && tp->topic)
            g->committed[g->ncommitted++] =
                (rc_committed){rc_xstrdup(tp->topic), (int)tp->partition, (long long)tp->offset};
    }
    if (g->ncommitted > 1)
        qsort(g->committed, g->ncommitted, sizeof(*g->committed), committed_cmp);
}

static int handle_offsets(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    groups_op *op = p->ctx;
    rc_group_offsets *g = &op->out[b->idx[0]];
    /* A coordinator still loading fails the whole request on librdkafka
     * 2.0.2 (on a client with a group; on one without, it crashes): ask
     * again in the next round. Any other request error ends the call. */
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    if (err) {
        if (!retriable(err))
            return rk_request_failure(p->ka, err, rd_kafka_event_error_string(ev), p->what,
                                      (int)(rc_rk_now_ms() - b->sent_ms), p->errbuf, p->errlen);
        op->again[b->idx[0]] = true;
        free(g->error);
        g->error = rc_xstrdup(rd_kafka_event_error_string(ev));
        return 0;
    }
    const rd_kafka_ListConsumerGroupOffsets_result_t *r =
        rd_kafka_event_ListConsumerGroupOffsets_result(ev);
    size_t cnt = 0;
    const rd_kafka_group_result_t **gr =
        r ? rd_kafka_ListConsumerGroupOffsets_result_groups(r, &cnt) : NULL;
    if (cnt < 1) {
        g->error = rc_xstrdup("the broker's answer left this group out");
        return 0;
    }
    const rd_kafka_error_t *e = rd_kafka_group_result_error(gr[0]);
    free(g->error);
    g->error = NULL;
    op->again[b->idx[0]] = e && retriable(rd_kafka_error_code(e));
    if (e) {
        g->error = rc_xstrdup(rd_kafka_error_string(e));
        return 0;
    }
    const rd_kafka_topic_partition_list_t *parts = rd_kafka_group_result_partitions(gr[0]);
    record_committed(g, parts);
    size_t cap = 0;
    for (int i = 0; parts && i < parts->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &parts->elems[i];
        if (tp->err || tp->offset < 0 || !tp->topic)
            continue; /* no committed offset on this partition */
        if (g->ntopics == cap) {
            cap = cap ? cap * 2 : 8;
            g->topics = rc_xrealloc(g->topics, cap * sizeof(*g->topics));
        }
        g->topics[g->ntopics++] = rc_xstrdup(tp->topic);
    }
    if (g->ntopics > 1)
        qsort(g->topics, g->ntopics, sizeof(*g->topics), rc_str_ptr_cmp);
    size_t w = 0; /* one entry per topic, not per partition */
    for (size_t i = 0; i < g->ntopics; i++) {
        if (w > 0 && !strcmp(g->topics[w - 1], g->topics[i]))
            free(g->topics[i]);
        else
            g->topics[w++] = g->topics[i];
    }
    g->ntopics = w;
    return 0;
}

/* Every group's committed offsets; a group whose coordinator was not ready
 * is asked again, a few rounds apart. ka's client must have a group
 * (rk_new_consumer): fetch_offsets makes one. */
static int fetch_offsets_on(rk_admin *ka, groups_op *op, char *errbuf, size_t errlen)
{
    op->again = rc_xcalloc(op->nnames, sizeof(*op->again));
    rk_pump q = {.ka = ka,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .what = "ListConsumerGroupOffsets (needs DESCRIBE on the group and the topics)",
                 .submit = submit_offsets,
                 .handle = handle_offsets,
                 .ctx = op,
                 .batch_size = 1,
                 .max_inflight = GROUPS_IN_FLIGHT,
                 .handle_errors = true};
    int rc = rk_pump_call(&q, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, op->nnames);
    size_t *idx = rc_xcalloc(op->nnames, sizeof(*idx));
    for (int round = 1; rc == 0 && round < ROUNDS; round++) {
        size_t n = 0;
        for (size_t i = 0; i < op->nnames; i++)
            if (op->again[i])
                idx[n++] = i;
        if (n == 0)
            break;
        rk_pause_serving(ka, ROUND_PAUSE_MS * round);
        q.opts = rk_make_options(ka, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, false, -1);
        if (!q.opts) {
            rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "%s: cannot set admin options",
                         q.what);
            break;
        }
        rc = rk_pump_run(&q, idx, n);
        rd_kafka_AdminOptions_destroy(q.opts);
        q.opts = NULL;
    }
    free(idx);
    return rc;
}

/* On a client of its own that has a group, so that librdkafka survives the
 * NOT_COORDINATOR a group's coordinator answers while it loads (a broker just
 * started, __consumer_offsets just created): rk_new_consumer. Everything else
 * is ka's: settings, timeouts, the probe already made. */
static int fetch_offsets(rk_admin *ka, groups_op *op, char *errbuf, size_t errlen)
{
    static const char *const settings[][2] = {{"group.id", "reconcile-offsets-reader"},
                                              {"enable.auto.commit", "false"}};
    rk_admin sub = *ka;
    rc_rk_watch_copy(&sub.w, &ka->w);
    sub.rk = NULL;
    int rc = rk_new_consumer(ka, &sub.w, settings, sizeof(settings) / sizeof(settings[0]), &sub.rk,
                             errbuf, errlen);
    if (rc == 0)
        rc = fetch_offsets_on(&sub, op, errbuf, errlen);
    /* never joined its group: nothing to leave */
    if (sub.rk)
        rd_kafka_destroy_flags(sub.rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    rc_rk_watch_free(&sub.w);
    return rc;
}

int rk_op_list_group_offsets(rc_kadmin *base, rc_group_offsets **out, size_t *nout, char *errbuf,
                             size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    *out = NULL;
    *nout = 0;
    groups_op op = {0};
    rk_pump p = {.ka = ka,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .what = "ListConsumerGroups (needs DESCRIBE on the groups)",
                 .submit = submit_list,
                 .handle = handle_list,
                 .ctx = &op,
                 .batch_size = 1};
    int rc = rk_pump_call(&p, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, 1);
    if (rc == 0 && op.nnames > 1)
        qsort(op.names, op.nnames, sizeof(*op.names), rc_str_ptr_cmp);
    op.out = rc_xcalloc(op.nnames ? op.nnames : 1, sizeof(*op.out));
    for (size_t i = 0; i < op.nnames; i++)
        op.out[i].group = op.names[i]; /* moved */
    if (rc == 0 && op.nnames > 0)
        rc = fetch_offsets(ka, &op, errbuf, errlen);
    free(op.names);
    free(op.again);
    if (rc != 0) {
        rc_group_offsets_free(op.out, op.nnames);
        return rc;
    }
    *out = op.out;
    *nout = op.nnames;
    return 0;
}

int rk_op_group_offsets(rc_kadmin *base, const char *const *groups, size_t n,
                        rc_group_offsets **out, char *errbuf, size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    groups_op op = {0};
    op.nnames = n;
    op.out = rc_xcalloc(n ? n : 1, sizeof(*op.out));
    for (size_t i = 0; i < n; i++)
        op.out[i].group = rc_xstrdup(groups[i]);
    op.names = rc_xcalloc(n ? n : 1, sizeof(*op.names));
    for (size_t i = 0; i < n; i++)
        op.names[i] = op.out[i].group; /* borrowed */
    int rc = n > 0 ? fetch_offsets(ka, &op, errbuf, errlen) : 0;
    free(op.names);
    free(op.again);
    if (rc != 0) {
        rc_group_offsets_free(op.out, n);
        *out = NULL;
        return rc;
    }
    *out = op.out;
    return 0;
}

/* ---- group_members ---------------------------------------------------------- */

/* Groups per DescribeConsumerGroups call: librdkafka sends one request per
 * coordinator for them. */
#define DESCRIBE_BATCH 100

typedef struct members_op {
    const char *const *groups;
    int *members;
} members_op;

static bool submit_describe(rk_pump *p, rk_batch *b)
{
    members_op *op = p->ctx;
    const char **names = rc_xcalloc(b->n, sizeof(*names));
    for (size_t i = 0; i < b->n; i++)
        names[i] = op->groups[b->idx[i]];
    rd_kafka_DescribeConsumerGroups(p->ka->rk, names, b->n, p->opts, p->q);
    free(names);
    return true;
}

static int handle_describe(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    members_op *op = p->ctx;
    const rd_kafka_DescribeConsumerGroups_result_t *r =
        rd_kafka_event_DescribeConsumerGroups_result(ev);
    size_t cnt = 0;
    const rd_kafka_ConsumerGroupDescription_t **gs =
        r ? rd_kafka_DescribeConsumerGroups_result_groups(r, &cnt) : NULL;
    for (size_t k = 0; k < cnt; k++) {
        const char *id = rd_kafka_ConsumerGroupDescription_group_id(gs[k]);
        /* the answer names its groups: match them, whatever the order */
        for (size_t i = 0; id && i < b->n; i++)
            if (!strcmp(op->groups[b->idx[i]], id))
                op->members[b->idx[i]] =
                    rd_kafka_ConsumerGroupDescription_error(gs[k])
                        ? -1
                        : (int)rd_kafka_ConsumerGroupDescription_member_count(gs[k]);
    }
    return 0;
}

int rk_op_group_members(rc_kadmin *base, const char *const *groups, size_t n, int *members,
                        char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        members[i] = -1; /* until a coordinator says */
    members_op op = {groups, members};
    rk_pump p = {.ka = (rk_admin *)base,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .what = "DescribeConsumerGroups (needs DESCRIBE on the groups)",
                 .submit = submit_describe,
                 .handle = handle_describe,
                 .ctx = &op,
                 .batch_size = DESCRIBE_BATCH,
                 .max_inflight = GROUPS_IN_FLIGHT};
    return n > 0 ? rk_pump_call(&p, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, n) : 0;
}
