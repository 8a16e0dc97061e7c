/* kadmin_topic_ops.c — the batched topic operations (CreateTopics,
 * CreatePartitions, (Incremental)AlterConfigs, DeleteTopics) on the request
 * pump, with per-topic results matched back by name and throttled topics
 * resent with exponential backoff. */
#include "kadmin_rdkafka_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_THROTTLE_RETRIES 8      /* resends of throttled topics */
#define RK_THROTTLE_BACKOFF_MS 200 /* first backoff, doubled each time */
#define RK_THROTTLE_BACKOFF_MAX 5000

/* ---- batched topic operations (create, partitions, alter, delete) ------- */

typedef enum rk_kind { RK_CREATE, RK_PARTITIONS, RK_ALTER, RK_DELETE } rk_kind;

typedef struct rk_topic_op {
    rk_kind kind;
    const void *input;
    rc_topic_result *res; /* n entries, same order as input */
    size_t *retry;        /* topics to resend (throttled) */
    size_t nretry;
} rk_topic_op;

static const char *op_topic_name(const rk_topic_op *op, size_t i)
{
    switch (op->kind) {
    case RK_CREATE:
        return ((const rc_new_topic *)op->input)[i].name;
    case RK_PARTITIONS:
        return ((const rc_new_partitions *)op->input)[i].name;
    case RK_ALTER:
        return ((const rc_topic_configs *)op->input)[i].name;
    case RK_DELETE:
        return ((const char *const *)op->input)[i];
    }
    return "";
}

static void set_result(rc_topic_result *r, int code, const char *msg)
{
    free(r->error);
    r->error = NULL;
    r->error_code = code;
    if (code)
        r->error = rc_xstrdup(msg && *msg ? msg : rd_kafka_err2str((rd_kafka_resp_err_t)code));
}

/* Record a local (client-side) failure of topic b->idx[k] and drop it from
 * the batch: the next topic moves to position k. */
static void drop_local(rk_pump *p, rk_batch *b, size_t k, const char *msg)
{
    rk_topic_op *op = p->ctx;
    set_result(&op->res[b->idx[k]], RD_KAFKA_RESP_ERR__INVALID_ARG, msg);
    memmove(&b->idx[k], &b->idx[k + 1], (b->n - k - 1) * sizeof(size_t));
    b->n--;
}

static bool submit_create(rk_pump *p, rk_batch *b)
{
    rk_topic_op *op = p->ctx;
    const rc_new_topic *in = op->input;
    rd_kafka_NewTopic_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    size_t cnt = 0;
    char errstr[512];
    for (size_t k = 0; k < b->n;) {
        const rc_new_topic *t = &in[b->idx[k]];
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(
            t->name, t->partitions, t->replication_factor, errstr, sizeof(errstr));
        if (!nt) {
            drop_local(p, b, k, errstr);
            continue;
        }
        bool ok = true;
        for (size_t c = 0; ok && t->config && c < t->config->len; c++) {
            if (rd_kafka_NewTopic_set_config(nt, t->config->items[c].key,
                                             t->config->items[c].value)) {
                char *m = rc_xasprintf("invalid config entry \"%s\"", t->config->items[c].key);
                drop_local(p, b, k, m);
                free(m);
                ok = false;
            }
        }
        if (!ok) {
            rd_kafka_NewTopic_destroy(nt);
            continue;
        }
        objs[cnt++] = nt;
        k++;
    }
    if (cnt)
        rd_kafka_CreateTopics(p->ka->rk, objs, cnt, p->opts, p->q);
    rd_kafka_NewTopic_destroy_array(objs, cnt);
    free(objs);
    return cnt > 0;
}

static bool submit_partitions(rk_pump *p, rk_batch *b)
{
    rk_topic_op *op = p->ctx;
    const rc_new_partitions *in = op->input;
    rd_kafka_NewPartitions_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    size_t cnt = 0;
    char errstr[512];
    for (size_t k = 0; k < b->n;) {
        const rc_new_partitions *t = &in[b->idx[k]];
        rd_kafka_NewPartitions_t *np = NULL;
        if (t->total > 0)
            np = rd_kafka_NewPartitions_new(t->name, (size_t)t->total, errstr, sizeof(errstr));
        else
            snprintf(errstr, sizeof(errstr), "invalid partition count %d", t->total);
        if (!np) {
            drop_local(p, b, k, errstr);
            continue;
        }
        objs[cnt++] = np;
        k++;
    }
    if (cnt)
        rd_kafka_CreatePartitions(p->ka->rk, objs, cnt, p->opts, p->q);
    rd_kafka_NewPartitions_destroy_array(objs, cnt);
    free(objs);
    return cnt > 0;
}

#if RD_KAFKA_VERSION >= 0x020200ff
#define RK_INCREMENTAL 1
#else
#define RK_INCREMENTAL 0
#endif

static bool submit_alter(rk_pump *p, rk_batch *b)
{
    rk_topic_op *op = p->ctx;
    const rc_topic_configs *in = op->input;
    rd_kafka_ConfigResource_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    size_t cnt = 0;
    for (size_t k = 0; k < b->n;) {
        const rc_topic_configs *t = &in[b->idx[k]];
        rd_kafka_ConfigResource_t *cr =
            rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t->name);
        char *bad = NULL;
        for (size_t c = 0; !bad && t->set && c < t->set->len; c++) {
            const rc_kv *kv = &t->set->items[c];
#if RK_INCREMENTAL
            rd_kafka_error_t *e = rd_kafka_ConfigResource_add_incremental_config(
                cr, kv->key, RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, kv->value);
            if (e) {
                bad = rc_xasprintf("config \"%s\": %s", kv->key, rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
            }
#else
            /* Non-incremental AlterConfigs replaces every dynamic override of
             * the topic: the full desired set is sent, keys absent are reset. */
            if (rd_kafka_ConfigResource_set_config(cr, kv->key, kv->value))
                bad = rc_xasprintf("invalid config entry \"%s\"", kv->key);
#endif
        }
#if RK_INCREMENTAL
        for (size_t c = 0; !bad && c < t->nreset_keys; c++) {
            rd_kafka_error_t *e = rd_kafka_ConfigResource_add_incremental_config(
                cr, t->reset_keys[c], RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE, NULL);
            if (e) {
                bad = rc_xasprintf("config \"%s\": %s", t->reset_keys[c], rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
            }
        }
#endif
        if (bad) {
            drop_local(p, b, k, bad);
            free(bad);
            rd_kafka_ConfigResource_destroy(cr);
            continue;
        }
        objs[cnt++] = cr;
        k++;
    }
    if (cnt) {
#if RK_INCREMENTAL
        rd_kafka_IncrementalAlterConfigs(p->ka->rk, objs, cnt, p->opts, p->q);
#else
        rd_kafka_AlterConfigs(p->ka->rk, objs, cnt, p->opts, p->q);
#endif
    }
    rd_kafka_ConfigResource_destroy_array(objs, cnt);
    free(objs);
    return cnt > 0;
}

static bool submit_delete(rk_pump *p, rk_batch *b)
{
    rk_topic_op *op = p->ctx;
    const char *const *in = op->input;
    rd_kafka_DeleteTopic_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    size_t cnt = 0;
    for (size_t k = 0; k < b->n; k++)
        objs[cnt++] = rd_kafka_DeleteTopic_new(in[b->idx[k]]);
    rd_kafka_DeleteTopics(p->ka->rk, objs, cnt, p->opts, p->q);
    rd_kafka_DeleteTopic_destroy_array(objs, cnt);
    free(objs);
    return cnt > 0;
}

/* Position in b of the input topic called name; results come back in request
 * order, so `hint` is almost always right. */
static size_t batch_find(const rk_topic_op *op, const rk_batch *b, size_t hint, const char *name)
{
    if (hint < b->n && strcmp(op_topic_name(op, b->idx[hint]), name) == 0)
        return hint;
    for (size_t k = 0; k < b->n; k++)
        if (strcmp(op_topic_name(op, b->idx[k]), name) == 0)
            return k;
    return (size_t)-1;
}

static void record_item(rk_topic_op *op, const rk_batch *b, size_t hint, const char *name,
                        rd_kafka_resp_err_t err, const char *errstr)
{
    size_t k = batch_find(op, b, hint, name ? name : "");
    if (k == (size_t)-1)
        return;
    size_t i = b->idx[k];
    set_result(&op->res[i], err, errstr);
    if (err == RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED)
        op->retry[op->nretry++] = i;
}

static int handle_topic_op(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    rk_topic_op *op = p->ctx;
    size_t cnt = 0;
    if (op->kind == RK_ALTER) {
        const rd_kafka_ConfigResource_t **rs = NULL;
#if RK_INCREMENTAL
        const rd_kafka_IncrementalAlterConfigs_result_t *r =
            rd_kafka_event_IncrementalAlterConfigs_result(ev);
        if (r)
            rs = rd_kafka_IncrementalAlterConfigs_result_resources(r, &cnt);
#else
        const rd_kafka_AlterConfigs_result_t *r = rd_kafka_event_AlterConfigs_result(ev);
        if (r)
            rs = rd_kafka_AlterConfigs_result_resources(r, &cnt);
#endif
        if (!r)
            return rk_fail(p->ka, p->errbuf, p->errlen, RC_KADMIN_EOTHER, "%s: unexpected event %s",
                           p->what, rd_kafka_event_name(ev));
        for (size_t j = 0; j < cnt; j++)
            record_item(op, b, j, rd_kafka_ConfigResource_name(rs[j]),
                        rd_kafka_ConfigResource_error(rs[j]),
                        rd_kafka_ConfigResource_error_string(rs[j]));
        return 0;
    }
    const rd_kafka_topic_result_t **ts = NULL;
    bool got = false;
    switch (op->kind) {
    case RK_CREATE: {
        const rd_kafka_CreateTopics_result_t *r = rd_kafka_event_CreateTopics_result(ev);
        if ((got = r != NULL))
            ts = rd_kafka_CreateTopics_result_topics(r, &cnt);
        break;
    }
    case RK_PARTITIONS: {
        const rd_kafka_CreatePartitions_result_t *r = rd_kafka_event_CreatePartitions_result(ev);
        if ((got = r != NULL))
            ts = rd_kafka_CreatePartitions_result_topics(r, &cnt);
        break;
    }
    case RK_DELETE: {
        const rd_kafka_DeleteTopics_result_t *r = rd_kafka_event_DeleteTopics_result(ev);
        if ((got = r != NULL))
            ts = rd_kafka_DeleteTopics_result_topics(r, &cnt);
        break;
    }
    case RK_ALTER:
        break;
    }
    if (!got)
        return rk_fail(p->ka, p->errbuf, p->errlen, RC_KADMIN_EOTHER, "%s: unexpected event %s",
                       p->what, rd_kafka_event_name(ev));
    for (size_t j = 0; j < cnt; j++)
        record_item(op, b, j, rd_kafka_topic_result_name(ts[j]), rd_kafka_topic_result_error(ts[j]),
                    rd_kafka_topic_result_error_string(ts[j]));
    return 0;
}

/* Run the pump over pending (owned: freed here) and resend the topics the
 * broker throttled while the attempts and the call's deadline allow. */
static int pump_with_retries(rk_pump *p, rk_topic_op *op, size_t *pending, size_t npending,
                             long long start)
{
    int rc;
    int backoff = RK_THROTTLE_BACKOFF_MS;
    for (int attempt = 0;; attempt++) {
        op->retry = rc_xcalloc(npending, sizeof(size_t));
        op->nretry = 0;
        rc = rk_pump_run(p, pending, npending);
        free(pending);
        pending = op->retry;
        npending = op->nretry;
        op->retry = NULL;
        if (rc || npending == 0)
            break;
        /* Throttled: resend only those topics, if the budget allows. Their
         * THROTTLING_QUOTA_EXCEEDED result stays if we give up. */
        if (attempt + 1 > RK_THROTTLE_RETRIES ||
            rc_rk_now_ms() - start + backoff > p->ka->timeout_ms)
            break;
        rk_pause_serving(p->ka, backoff);
        backoff = min_int(backoff * 2, RK_THROTTLE_BACKOFF_MAX);
    }
    free(pending);
    return rc;
}

static int run_topic_op(rk_admin *ka, rk_kind kind, const void *input, size_t n, bool validate_only,
                        rc_topic_result **results, char *errbuf, size_t errlen)
{
    static const char *const names[] = {
        "CreateTopics",
        "CreatePartitions",
#if RK_INCREMENTAL
        "IncrementalAlterConfigs",
#else
        "AlterConfigs",
#endif
        "DeleteTopics"
    };
    *results = NULL;
    if (n == 0)
        return 0;
    long long start = rc_rk_now_ms();
    int rc = rk_ensure_up(ka, start + ka->timeout_ms, NULL, false, errbuf, errlen);
    if (rc)
        return rc;

    rk_topic_op op = {.kind = kind, .input = input};
    op.res = rc_xcalloc(n, sizeof(*op.res));
    size_t *pending = rc_xcalloc(n, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        op.res[i].topic = op_topic_name(&op, i);
        pending[i] = i;
    }

    rd_kafka_admin_op_t aop = RD_KAFKA_ADMIN_OP_ANY;
    bool with_op_timeout = false;
    int vo = validate_only ? 1 : 0;
    bool (*submit)(rk_pump *, rk_batch *) = NULL;
    switch (kind) {
    case RK_CREATE:
        aop = RD_KAFKA_ADMIN_OP_CREATETOPICS;
        with_op_timeout = true;
        submit = submit_create;
        break;
    case RK_PARTITIONS:
        aop = RD_KAFKA_ADMIN_OP_CREATEPARTITIONS;
        with_op_timeout = true;
        submit = submit_partitions;
        break;
    case RK_ALTER:
        aop = RK_INCREMENTAL ? RD_KAFKA_ADMIN_OP_ANY : RD_KAFKA_ADMIN_OP_ALTERCONFIGS;
        submit = submit_alter;
        break;
    case RK_DELETE:
        aop = RD_KAFKA_ADMIN_OP_DELETETOPICS;
        with_op_timeout = true;
        vo = -1; /* DeleteTopics has no validate_only */
        submit = submit_delete;
        break;
    }

    rd_kafka_AdminOptions_t *opts = rk_make_options(ka, aop, with_op_timeout, vo);
    if (!opts) {
        free(pending);
        rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "%s: cannot set admin options",
                     names[kind]);
        goto out;
    }
    rk_pump p = {.ka = ka,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .opts = opts,
                 .what = names[kind],
                 .submit = submit,
                 .handle = handle_topic_op,
                 .ctx = &op};
    rc = pump_with_retries(&p, &op, pending, n, start);
    rd_kafka_AdminOptions_destroy(opts);
out:
    if (rc) {
        rc_topic_results_free(op.res, n);
        return rc;
    }
    *results = op.res;
    return 0;
}

int rk_op_create_topics(rc_kadmin *base, const rc_new_topic *topics, size_t n, bool validate_only,
                        rc_topic_result **results, char *errbuf, size_t errlen)
{
    return run_topic_op((rk_admin *)base, RK_CREATE, topics, n, validate_only, results, errbuf,
                        errlen);
}

int rk_op_create_partitions(rc_kadmin *base, const rc_new_partitions *parts, size_t n,
                            bool validate_only, rc_topic_result **results, char *errbuf,
                            size_t errlen)
{
    return run_topic_op((rk_admin *)base, RK_PARTITIONS, parts, n, validate_only, results, errbuf,
                        errlen);
}

int rk_op_alter_configs(rc_kadmin *base, const rc_topic_configs *cfgs, size_t n, bool validate_only,
                        rc_topic_result **results, char *errbuf, size_t errlen)
{
    return run_topic_op((rk_admin *)base, RK_ALTER, cfgs, n, validate_only, results, errbuf,
                        errlen);
}

int rk_op_delete_topics(rc_kadmin *base, const char *const *topics, size_t n,
                        rc_topic_result **results, char *errbuf, size_t errlen)
{
    return run_topic_op((rk_admin *)base, RK_DELETE, topics, n, false, results, errbuf, errlen);
}
