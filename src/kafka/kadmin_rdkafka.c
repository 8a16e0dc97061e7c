/* kadmin_rdkafka.c — the rc_kadmin function table on librdkafka's Admin API.
 *
 * One rd_kafka_t of type PRODUCER is used for admin calls only (as kcat and
 * librdkafka's examples do). Every call:
 *   1. makes sure a broker answers (a cheap brokers-only Metadata request,
 *      retried in short slices so errors reported by error_cb are seen while
 *      waiting: an authentication failure ends the call at once, a refused
 *      connection is named in the message when the deadline passes);
 *   2. sends its requests in chunks of cfg->batch_size topics, a few requests
 *      in flight at a time on one queue, and matches results back to the input
 *      by topic name;
 *   3. retries, with exponential backoff, only the topics the broker refused
 *      with THROTTLING_QUOTA_EXCEEDED.
 *
 * Secrets: property values are never printed. Messages and log lines pass
 * through the redaction of rdkafka_conf.h, which masks the values of
 * secret-looking properties.
 *
 * Threading: log_cb runs on librdkafka's threads and only reads immutable
 * fields; error_cb runs from rd_kafka_poll() on the calling thread
 * (rdkafka_conf.h). */
#include "kadmin.h"
#include "rdkafka_conf.h"

#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_DEFAULT_TIMEOUT_MS 30000
#define RK_DEFAULT_BATCH 500
#define RK_MAX_INFLIGHT 4          /* requests in flight per call */
#define RK_EVENT_GRACE_MS 10000    /* backstop beyond librdkafka's own timeouts */
#define RK_THROTTLE_RETRIES 8      /* resends of throttled topics */
#define RK_THROTTLE_BACKOFF_MS 200 /* first backoff, doubled each time */
#define RK_THROTTLE_BACKOFF_MAX 5000
#define RK_WAIT_POLL_MIN_MS 50  /* pause between metadata polls in wait_topics, */
#define RK_WAIT_POLL_MAX_MS 200 /* doubled from min to max */
#define RK_MISSING_NAMED 5      /* topics named in a wait_topics timeout */

typedef struct rk_admin {
    rc_kadmin base; /* first: rc_kadmin * <-> rk_admin * */
    rd_kafka_t *rk;
    char *cluster;   /* for messages */
    char *bootstrap; /* for messages (addresses are not secret) */
    int timeout_ms;
    int batch_size;
    /* Secrets masked in every message and log line, and what error_cb saw
     * since the last successful broker round trip; rk's opaque. */
    rc_rk_watch w;
} rk_admin;

/* ---- small helpers ------------------------------------------------------- */

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* Set the call's message ("cluster NAME: ...") and return code. */
__attribute__((format(printf, 3, 4))) static int fail(rk_admin *ka, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_rk_vfail(&ka->w, ka->base.errmsg, sizeof(ka->base.errmsg), code, fmt, ap);
    va_end(ap);
    return code;
}

/* Serve error_cb (and anything else on the main queue). */
static void serve(rk_admin *ka)
{
    rd_kafka_poll(ka->rk, 0);
}

static void clear_seen_errors(rk_admin *ka)
{
    ka->w.conn_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    ka->w.conn_reason[0] = '\0';
    ka->w.auth_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    ka->w.auth_reason[0] = '\0';
}

/* A failure error_cb reported that ends the call at once, or 0. */
static int seen_fatal(rk_admin *ka)
{
    return rc_rk_seen_fatal(&ka->w, ka->base.errmsg, sizeof(ka->base.errmsg));
}

/* The deadline passed: say why, naming what error_cb saw. */
static int deadline_failure(rk_admin *ka, const char *what, int waited_ms)
{
    serve(ka);
    int rc = seen_fatal(ka);
    if (rc)
        return rc;
    /* A connection problem explains a timeout only while no broker answered;
     * once one did (ensure_up), a timeout is the request's own, and the
     * connection problem is a clue, not the cause. */
    if (ka->w.conn_err && strcmp(what, "connecting") == 0)
        return fail(ka, RC_KADMIN_ECONNECT, "cannot connect to %s: %s", ka->bootstrap,
                    ka->w.conn_reason);
    if (ka->w.conn_err)
        return fail(ka, RC_KADMIN_ETIMEOUT,
                    "%s timed out after %d ms (bootstrap %s; some brokers unreachable: %s)", what,
                    waited_ms, ka->bootstrap, ka->w.conn_reason);
    return fail(ka, RC_KADMIN_ETIMEOUT, "%s timed out after %d ms (bootstrap %s)", what, waited_ms,
                ka->bootstrap);
}

/* Map a request-level error to an RC_KADMIN_E* code and message. elapsed_ms
 * is how long the request was out: a request that fails well before its
 * deadline did not time out, whatever librdkafka calls it. */
static int request_failure(rk_admin *ka, rd_kafka_resp_err_t err, const char *errstr,
                           const char *what, int elapsed_ms)
{
    serve(ka);
    if (!errstr || !*errstr)
        errstr = rd_kafka_err2str(err);
    if (rc_rk_is_auth_error(err))
        return fail(ka, RC_KADMIN_EAUTH, "authentication failed: %s", errstr);
    if (rc_rk_is_access_error(err))
        return fail(ka, RC_KADMIN_EACCESS, "%s: not authorised: %s", what, errstr);
    if (rc_rk_is_conn_error(err) || err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        int rc = seen_fatal(ka);
        if (rc)
            return rc;
        const char *why = ka->w.conn_err ? ka->w.conn_reason : errstr;
        if (rc_rk_is_conn_error(err))
            return fail(ka, RC_KADMIN_ECONNECT,
                        "%s failed after %d ms: the connection to the broker was lost (%s)", what,
                        elapsed_ms, why);
        if (elapsed_ms < ka->timeout_ms / 2)
            return fail(ka, RC_KADMIN_ECONNECT,
                        "%s failed after %d ms, long before its %d ms deadline (%s)", what,
                        elapsed_ms, ka->timeout_ms, why);
        return deadline_failure(ka, what, elapsed_ms);
    }
    return fail(ka, RC_KADMIN_EOTHER, "%s failed: %s", what, errstr);
}

/* ---- connection probe ---------------------------------------------------- */

/* Wait until a broker answers a brokers-only Metadata request, in short slices
 * so error_cb reports are seen while waiting. On success returns 0 and, when
 * mdp is not NULL, the broker list (caller destroys it). */
static int ensure_up(rk_admin *ka, long long deadline, const rd_kafka_metadata_t **mdp)
{
    long long start = rc_rk_now_ms();
    int slice = 100;
    for (;;) {
        const rd_kafka_metadata_t *md = NULL;
        /* all_topics=0 and no local topics: a brokers-only request. */
        int t = min_int(slice, rc_rk_remaining_ms(deadline));
        rd_kafka_resp_err_t err = rd_kafka_metadata(ka->rk, 0, NULL, &md, t > 0 ? t : 1);
        if (!err) {
            clear_seen_errors(ka);
            if (mdp)
                *mdp = md;
            else
                rd_kafka_metadata_destroy(md);
            return 0;
        }
        if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && !rc_rk_is_conn_error(err))
            return request_failure(ka, err, NULL, "metadata request",
                                   (int)(rc_rk_now_ms() - start));
        serve(ka);
        int rc = seen_fatal(ka);
        if (rc)
            return rc;
        if (rc_rk_remaining_ms(deadline) == 0)
            return deadline_failure(ka, "connecting", (int)(rc_rk_now_ms() - start));
        slice = min_int(slice * 2, 1000);
    }
}

/* Pause about ms milliseconds while serving callbacks. */
static void pause_serving(rk_admin *ka, int ms)
{
    long long until = rc_rk_now_ms() + ms;
    int left;
    while ((left = rc_rk_remaining_ms(until)) > 0)
        rd_kafka_poll(ka->rk, left);
}

/* ---- the request pump ---------------------------------------------------- */

/* A chunk of input indices sent as one admin request. */
typedef struct rk_batch {
    size_t *idx;
    size_t n;
    long long sent_ms; /* when it was submitted: a failure says how long it took */
} rk_batch;

typedef struct rk_pump rk_pump;
struct rk_pump {
    rk_admin *ka;
    rd_kafka_queue_t *q;
    rd_kafka_AdminOptions_t *opts;
    const char *what; /* for messages: "CreateTopics" ... */
    /* Build and send batch b on p->q with p->opts; return false when nothing
     * was sent (every topic of the batch failed locally). */
    bool (*submit)(rk_pump *p, rk_batch *b);
    /* Consume one result event of batch b; return 0 or a negative code. */
    int (*handle)(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev);
    void *ctx;
};

/* Create admin options with the client's timeouts. operation_timeout is set
 * for the calls that wait on the broker (create/delete/partitions). */
static rd_kafka_AdminOptions_t *make_options(rk_admin *ka, rd_kafka_admin_op_t op,
                                             bool with_op_timeout, int validate_only)
{
    char errstr[256];
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(ka->rk, op);
    if (!o)
        return NULL;
    if (rd_kafka_AdminOptions_set_request_timeout(o, ka->timeout_ms, errstr, sizeof(errstr)))
        goto bad;
    if (with_op_timeout) {
        /* Leave the broker a little less than the client waits, so a slow
         * operation comes back as a per-topic error rather than a lost request. */
        int op_to = ka->timeout_ms > 4000 ? ka->timeout_ms - 2000 : ka->timeout_ms / 2;
        if (rd_kafka_AdminOptions_set_operation_timeout(o, op_to > 0 ? op_to : 1, errstr,
                                                        sizeof(errstr)))
            goto bad;
    }
    if (validate_only >= 0 &&
        rd_kafka_AdminOptions_set_validate_only(o, validate_only, errstr, sizeof(errstr)))
        goto bad;
    return o;
bad:
    rd_kafka_AdminOptions_destroy(o);
    return NULL;
}

/* Split idx[0..n) into batches of ka->batch_size and run them, at most
 * RK_MAX_INFLIGHT requests at a time. Returns 0 or the first negative code. */
static int pump_run(rk_pump *p, size_t *idx, size_t n)
{
    rk_admin *ka = p->ka;
    size_t bs = (size_t)ka->batch_size;
    size_t nbatches = (n + bs - 1) / bs;
    rk_batch *batches = rc_xcalloc(nbatches, sizeof(*batches));
    for (size_t i = 0; i < nbatches; i++) {
        batches[i].idx = idx + i * bs;
        batches[i].n = (i + 1) * bs <= n ? bs : n - i * bs;
    }
    p->q = rd_kafka_queue_new(ka->rk);
    size_t next = 0, inflight = 0;
    int rc = 0;
    long long backstop = rc_rk_now_ms() + ka->timeout_ms + RK_EVENT_GRACE_MS;
    while (rc == 0 && (next < nbatches || inflight > 0)) {
        while (next < nbatches && inflight < RK_MAX_INFLIGHT) {
            rk_batch *b = &batches[next++];
            rd_kafka_AdminOptions_set_opaque(p->opts, b);
            b->sent_ms = rc_rk_now_ms();
            if (p->submit(p, b)) {
                inflight++;
                backstop = rc_rk_now_ms() + ka->timeout_ms + RK_EVENT_GRACE_MS;
            }
        }
        if (inflight == 0)
            continue;
        rd_kafka_event_t *ev = rd_kafka_queue_poll(p->q, min_int(100, ka->timeout_ms));
        serve(ka);
        if (!ev) {
            rc = seen_fatal(ka);
            if (!rc && rc_rk_now_ms() > backstop)
                rc = deadline_failure(ka, p->what, ka->timeout_ms + RK_EVENT_GRACE_MS);
            continue;
        }
        rk_batch *b = rd_kafka_event_opaque(ev);
        rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
        inflight--;
        if (!b) /* cannot happen: every request on this private queue has one */
            rc = fail(ka, RC_KADMIN_EOTHER, "%s: unexpected event %s", p->what,
                      rd_kafka_event_name(ev));
        else if (err)
            rc = request_failure(ka, err, rd_kafka_event_error_string(ev), p->what,
                                 (int)(rc_rk_now_ms() - b->sent_ms));
        else
            rc = p->handle(p, b, ev);
        rd_kafka_event_destroy(ev);
        backstop = rc_rk_now_ms() + ka->timeout_ms + RK_EVENT_GRACE_MS;
    }
    /* On early failure, requests still in flight deliver into a queue nobody
     * reads; librdkafka frees them with the queue. */
    rd_kafka_queue_destroy(p->q);
    p->q = NULL;
    free(batches);
    return rc;
}

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
            return fail(p->ka, RC_KADMIN_EOTHER, "%s: unexpected event %s", p->what,
                        rd_kafka_event_name(ev));
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
        return fail(p->ka, RC_KADMIN_EOTHER, "%s: unexpected event %s", p->what,
                    rd_kafka_event_name(ev));
    for (size_t j = 0; j < cnt; j++)
        record_item(op, b, j, rd_kafka_topic_result_name(ts[j]), rd_kafka_topic_result_error(ts[j]),
                    rd_kafka_topic_result_error_string(ts[j]));
    return 0;
}

static int run_topic_op(rk_admin *ka, rk_kind kind, const void *input, size_t n, bool validate_only,
                        rc_topic_result **results)
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
    int rc = ensure_up(ka, start + ka->timeout_ms, NULL);
    if (rc)
        return rc;

    rk_topic_op op = {.kind = kind, .input = input};
    op.res = rc_xcalloc(n, sizeof(*op.res));
    size_t *pending = rc_xcalloc(n, sizeof(size_t));
    size_t npending = n;
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

    rd_kafka_AdminOptions_t *opts = make_options(ka, aop, with_op_timeout, vo);
    if (!opts) {
        rc = fail(ka, RC_KADMIN_EOTHER, "%s: cannot set admin options", names[kind]);
        goto out;
    }
    rk_pump p = {.ka = ka,
                 .opts = opts,
                 .what = names[kind],
                 .submit = submit,
                 .handle = handle_topic_op,
                 .ctx = &op};
    int backoff = RK_THROTTLE_BACKOFF_MS;
    for (int attempt = 0;; attempt++) {
        op.retry = rc_xcalloc(npending, sizeof(size_t));
        op.nretry = 0;
        rc = pump_run(&p, pending, npending);
        free(pending);
        pending = op.retry;
        npending = op.nretry;
        op.retry = NULL;
        if (rc || npending == 0)
            break;
        /* Throttled: resend only those topics, if the budget allows. Their
         * THROTTLING_QUOTA_EXCEEDED result stays if we give up. */
        if (attempt + 1 > RK_THROTTLE_RETRIES || rc_rk_now_ms() - start + backoff > ka->timeout_ms)
            break;
        pause_serving(ka, backoff);
        backoff = min_int(backoff * 2, RK_THROTTLE_BACKOFF_MAX);
    }
    rd_kafka_AdminOptions_destroy(opts);
out:
    free(pending);
    if (rc) {
        rc_topic_results_free(op.res, n);
        return rc;
    }
    *results = op.res;
    return 0;
}

static int op_create_topics(rc_kadmin *base, const rc_new_topic *topics, size_t n,
                            bool validate_only, rc_topic_result **results)
{
    return run_topic_op((rk_admin *)base, RK_CREATE, topics, n, validate_only, results);
}

static int op_create_partitions(rc_kadmin *base, const rc_new_partitions *parts, size_t n,
                                bool validate_only, rc_topic_result **results)
{
    return run_topic_op((rk_admin *)base, RK_PARTITIONS, parts, n, validate_only, results);
}

static int op_alter_configs(rc_kadmin *base, const rc_topic_configs *cfgs, size_t n,
                            bool validate_only, rc_topic_result **results)
{
    return run_topic_op((rk_admin *)base, RK_ALTER, cfgs, n, validate_only, results);
}

static int op_delete_topics(rc_kadmin *base, const char *const *topics, size_t n,
                            rc_topic_result **results)
{
    return run_topic_op((rk_admin *)base, RK_DELETE, topics, n, false, results);
}

void rc_topic_results_free(rc_topic_result *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++)
        free(r[i].error);
    free(r);
}

const char *rc_kadmin_errmsg(const rc_kadmin *ka)
{
    return ka ? ka->errmsg : "";
}

/* ---- describe_cluster ---------------------------------------------------- */

static int cmp_topic_obs(const void *a, const void *b)
{
    return strcmp(((const rc_topic_obs *)a)->name, ((const rc_topic_obs *)b)->name);
}

/* Send DescribeConfigs for broker `id` on q (result read later). */
static void send_broker_config(rk_admin *ka, rd_kafka_queue_t *q, int32_t id, int timeout_ms)
{
    char errstr[256], name[16];
    rd_kafka_AdminOptions_t *o =
        rd_kafka_AdminOptions_new(ka->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    if (!o)
        return;
    rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms > 0 ? timeout_ms : 1, errstr,
                                              sizeof(errstr));
    snprintf(name, sizeof(name), "%d", (int)id);
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, name);
    rd_kafka_DescribeConfigs(ka->rk, &cr, 1, o, q);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_AdminOptions_destroy(o);
}

/* From the broker config result: auto.create.topics.enable (1, 0) and the
 * replication factor a topic created without one takes
 * (default.replication.factor). Fields the answer lacks stay -1 (unknown): a principal
 * without DescribeConfigs on the cluster, or no answer in time. */
static void read_broker_defaults(rc_cluster_obs *obs, rd_kafka_queue_t *q, int timeout_ms)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms > 0 ? timeout_ms : 1);
    if (!ev)
        return;
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    size_t nres = 0, nent = 0;
    const rd_kafka_ConfigResource_t **rs =
        r && !rd_kafka_event_error(ev) ? rd_kafka_DescribeConfigs_result_resources(r, &nres) : NULL;
    for (size_t i = 0; rs && i < nres; i++) {
        if (rd_kafka_ConfigResource_error(rs[i]))
            continue;
        const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[i], &nent);
        for (size_t j = 0; j < nent; j++) {
            const char *name = rd_kafka_ConfigEntry_name(es[j]);
            const char *val = rd_kafka_ConfigEntry_value(es[j]);
            if (!val)
                continue;
            if (strcmp(name, "auto.create.topics.enable") == 0)
                obs->auto_create_topics = strcmp(val, "true") == 0 ? 1 : 0;
            else if (strcmp(name, "default.replication.factor") == 0)
                obs->default_replication_factor = atoi(val);
        }
    }
    rd_kafka_event_destroy(ev);
}

static void topic_obs_from_metadata(rc_topic_obs *t, const rd_kafka_metadata_topic_t *mt)
{
    t->name = rc_xstrdup(mt->topic);
    t->partitions = mt->partition_cnt;
    /* While a reassignment runs, a moving partition lists its old and new
     * replicas together: the smallest count is the nearest to the
     * replication factor, and a spread says something is moving. */
    for (int j = 0; j < mt->partition_cnt; j++) {
        int n = mt->partitions[j].replica_cnt;
        if (j == 0 || n < t->replication_factor)
            t->replication_factor = n;
        if (n > t->max_replicas)
            t->max_replicas = n;
        if (mt->partitions[j].isr_cnt < n)
            t->replicas_catching_up = true;
    }
    t->internal = strncmp(mt->topic, "__", 2) == 0;
}

static int op_describe_cluster(rc_kadmin *base, rc_cluster_obs *obs)
{
    rk_admin *ka = (rk_admin *)base;
    memset(obs, 0, sizeof(*obs));
    obs->auto_create_topics = -1;
    obs->default_replication_factor = -1;
    long long start = rc_rk_now_ms();
    long long deadline = start + ka->timeout_ms;
    const rd_kafka_metadata_t *bmd = NULL;
    int rc = ensure_up(ka, deadline, &bmd);
    if (rc)
        return rc;

    /* Ask a broker for its config while the full metadata is fetched. */
    rd_kafka_queue_t *q = NULL;
    if (bmd->broker_cnt > 0) {
        q = rd_kafka_queue_new(ka->rk);
        send_broker_config(ka, q, bmd->brokers[0].id, rc_rk_remaining_ms(deadline));
    }
    rd_kafka_metadata_destroy(bmd);

    const rd_kafka_metadata_t *md = NULL;
    int left = rc_rk_remaining_ms(deadline);
    rd_kafka_resp_err_t err =
        left > 0 ? rd_kafka_metadata(ka->rk, 1, NULL, &md, left) : RD_KAFKA_RESP_ERR__TIMED_OUT;
    if (err) {
        rc = request_failure(ka, err, NULL, "metadata request", (int)(rc_rk_now_ms() - start));
        goto out;
    }
    obs->broker_count = md->broker_cnt;
    obs->topics = rc_xcalloc((size_t)md->topic_cnt, sizeof(*obs->topics));
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *mt = &md->topics[i];
        if (mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            mt->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
            continue;
        topic_obs_from_metadata(&obs->topics[obs->ntopics++], mt);
    }
    rd_kafka_metadata_destroy(md);
    qsort(obs->topics, obs->ntopics, sizeof(*obs->topics), cmp_topic_obs);

    char *id = rd_kafka_clusterid(ka->rk, min_int(rc_rk_remaining_ms(deadline) + 1, 5000));
    if (id) {
        obs->cluster_id = rc_xstrdup(id);
        rd_kafka_mem_free(ka->rk, id);
    }
    if (q)
        read_broker_defaults(obs, q, rc_rk_remaining_ms(deadline));
out:
    if (q)
        rd_kafka_queue_destroy(q);
    if (rc)
        rc_cluster_obs_free(obs);
    return rc;
}

/* ---- describe_named ------------------------------------------------------ */

/* librdkafka 2.0.2 has no DescribeTopics, and topic handles for a Metadata
 * request by name cost O(n^2) inside librdkafka (37 s of CPU for 10,000).
 * DescribeConfigs asks about named topics in batches and answers each one:
 * UNKNOWN_TOPIC_OR_PARTITION for a missing topic, TOPIC_AUTHORIZATION_FAILED
 * for one the principal may not describe, its configs for one that exists
 * although Metadata left it out (the principal lacks Describe on it). */
typedef struct rk_named {
    const char *const *names;
    unsigned char *verdict; /* per name: 0 missing, 1 hidden from this principal */
} rk_named;

static bool submit_named(rk_pump *p, rk_batch *b)
{
    rk_named *d = p->ctx;
    rd_kafka_ConfigResource_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    for (size_t k = 0; k < b->n; k++)
        objs[k] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, d->names[b->idx[k]]);
    rd_kafka_DescribeConfigs(p->ka->rk, objs, b->n, p->opts, p->q);
    rd_kafka_ConfigResource_destroy_array(objs, b->n);
    free(objs);
    return b->n > 0;
}

static int handle_named(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    rk_named *d = p->ctx;
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    if (!r)
        return fail(p->ka, RC_KADMIN_EOTHER, "DescribeConfigs: unexpected event %s",
                    rd_kafka_event_name(ev));
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(r, &nres);
    for (size_t i = 0; i < nres; i++) {
        const char *name = rd_kafka_ConfigResource_name(rs[i]);
        rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(rs[i]);
        for (size_t k = 0; name && k < b->n; k++) {
            if (strcmp(d->names[b->idx[k]], name) != 0)
                continue;
            d->verdict[b->idx[k]] = err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            break;
        }
    }
    return 0;
}

static int op_describe_named(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics,
                             size_t n)
{
    rk_admin *ka = (rk_admin *)base;
    if (n == 0)
        return 0;
    rk_named d = {topics, rc_xcalloc(n, 1)};
    size_t *idx = rc_xcalloc(n, sizeof(*idx));
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    rd_kafka_AdminOptions_t *opts = NULL;
    int rc = ensure_up(ka, rc_rk_now_ms() + ka->timeout_ms, NULL);
    if (rc)
        goto out;
    opts = make_options(ka, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, false, -1);
    if (!opts) {
        rc = fail(ka, RC_KADMIN_EOTHER, "DescribeConfigs: cannot set admin options");
        goto out;
    }
    rk_pump p = {.ka = ka,
                 .opts = opts,
                 .what = "DescribeConfigs of declared topics",
                 .submit = submit_named,
                 .handle = handle_named,
                 .ctx = &d};
    rc = pump_run(&p, idx, n);
    if (rc)
        goto out;
    size_t hidden = 0;
    for (size_t i = 0; i < n; i++)
        hidden += d.verdict[i];
    if (hidden) {
        obs->topics = rc_xrealloc(obs->topics, (obs->ntopics + hidden) * sizeof(*obs->topics));
        for (size_t i = 0; i < n; i++) {
            if (!d.verdict[i])
                continue;
            rc_topic_obs *t = &obs->topics[obs->ntopics++];
            memset(t, 0, sizeof(*t));
            t->name = rc_xstrdup(topics[i]);
            t->describe_denied = true;
        }
        qsort(obs->topics, obs->ntopics, sizeof(*obs->topics), cmp_topic_obs);
    }
out:
    if (opts)
        rd_kafka_AdminOptions_destroy(opts);
    free(idx);
    free(d.verdict);
    return rc;
}

/* ---- describe_configs ---------------------------------------------------- */

typedef struct rk_describe {
    rc_cluster_obs *obs;
    bool *answered;    /* per obs->topics entry: a result named it */
    size_t *topic_idx; /* input index -> index in obs->topics */
    char **keys;       /* sorted, unique; strings owned */
    size_t nkeys, capkeys;
} rk_describe;

static void keyset_add(rk_describe *d, const char *key)
{
    size_t lo = 0, hi = d->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->keys[mid], key);
        if (c == 0)
            return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (d->nkeys == d->capkeys) {
        d->capkeys = d->capkeys ? d->capkeys * 2 : 64;
        d->keys = rc_xrealloc(d->keys, d->capkeys * sizeof(*d->keys));
    }
    memmove(&d->keys[lo + 1], &d->keys[lo], (d->nkeys - lo) * sizeof(*d->keys));
    d->keys[lo] = rc_xstrdup(key);
    d->nkeys++;
}

static rc_config_source map_source(rd_kafka_ConfigSource_t s)
{
    switch (s) {
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG:
        return RC_CFG_TOPIC_OVERRIDE;
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG:
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG:
        return RC_CFG_BROKER_DYNAMIC;
    case RD_KAFKA_CONFIG_SOURCE_STATIC_BROKER_CONFIG:
        return RC_CFG_BROKER_STATIC;
    case RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG:
        return RC_CFG_DEFAULT;
    default:
        return RC_CFG_OTHER;
    }
}

static int cmp_config_obs(const void *a, const void *b)
{
    return strcmp(((const rc_config_obs *)a)->key, ((const rc_config_obs *)b)->key);
}

static bool submit_describe(rk_pump *p, rk_batch *b)
{
    rk_describe *d = p->ctx;
    rd_kafka_ConfigResource_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    for (size_t k = 0; k < b->n; k++)
        objs[k] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC,
                                              d->obs->topics[d->topic_idx[b->idx[k]]].name);
    rd_kafka_DescribeConfigs(p->ka->rk, objs, b->n, p->opts, p->q);
    rd_kafka_ConfigResource_destroy_array(objs, b->n);
    free(objs);
    return b->n > 0;
}

static int handle_describe(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    rk_describe *d = p->ctx;
    (void)b;
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    if (!r)
        return fail(p->ka, RC_KADMIN_EOTHER, "DescribeConfigs: unexpected event %s",
                    rd_kafka_event_name(ev));
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(r, &nres);
    for (size_t i = 0; i < nres; i++) {
        const char *name = rd_kafka_ConfigResource_name(rs[i]);
        rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(rs[i]);
        const rc_topic_obs *ct = name ? rc_cluster_obs_topic(d->obs, name) : NULL;
        if (!ct)
            continue;
        rc_topic_obs *t = &d->obs->topics[ct - d->obs->topics];
        d->answered[ct - d->obs->topics] = true;
        if (err) {
            const char *es = rd_kafka_ConfigResource_error_string(rs[i]);
            if (!es || !*es)
                es = rd_kafka_err2str(err);
            free(t->config_error);
            t->config_error =
                err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                    ? rc_xasprintf("it was deleted while the plan was read (%s)", es)
                    : rc_xasprintf("DescribeConfigs failed%s: %s",
                                   rc_rk_is_access_error(err) ? " (not authorised)" : "", es);
            continue;
        }
        for (size_t j = 0; j < t->nconfigs; j++) {
            free(t->configs[j].key);
            free(t->configs[j].value);
        }
        free(t->configs);
        size_t nent = 0;
        const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[i], &nent);
        t->configs = rc_xcalloc(nent, sizeof(*t->configs));
        t->nconfigs = nent;
        for (size_t j = 0; j < nent; j++) {
            rc_config_obs *c = &t->configs[j];
            const char *val = rd_kafka_ConfigEntry_value(es[j]);
            c->key = rc_xstrdup(rd_kafka_ConfigEntry_name(es[j]));
            c->sensitive = rd_kafka_ConfigEntry_is_sensitive(es[j]) == 1;
            c->read_only = rd_kafka_ConfigEntry_is_read_only(es[j]) == 1;
            c->value = val && !c->sensitive ? rc_xstrdup(val) : NULL;
            c->source = map_source(rd_kafka_ConfigEntry_source(es[j]));
            keyset_add(d, c->key);
        }
        qsort(t->configs, t->nconfigs, sizeof(*t->configs), cmp_config_obs);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* obs->config_keys := sorted unique union of obs->config_keys and d->keys. */
static void merge_keys(rc_cluster_obs *obs, rk_describe *d)
{
    size_t n = obs->nconfig_keys + d->nkeys;
    char **all = rc_xcalloc(n, sizeof(*all));
    size_t m = 0;
    for (size_t i = 0; i < obs->nconfig_keys; i++)
        all[m++] = obs->config_keys[i];
    for (size_t i = 0; i < d->nkeys; i++)
        all[m++] = d->keys[i];
    qsort(all, m, sizeof(*all), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < m; i++) {
        if (u > 0 && strcmp(all[u - 1], all[i]) == 0)
            free(all[i]);
        else
            all[u++] = all[i];
    }
    free(obs->config_keys);
    free(d->keys);
    d->keys = NULL;
    d->nkeys = d->capkeys = 0;
    obs->config_keys = all;
    obs->nconfig_keys = u;
}

static int op_describe_configs(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics,
                               size_t ntopics)
{
    rk_admin *ka = (rk_admin *)base;
    rk_describe d = {.obs = obs};
    /* Only topics present in obs, each once. */
    bool *seen = rc_xcalloc(obs->ntopics, sizeof(bool));
    d.topic_idx = rc_xcalloc(ntopics, sizeof(size_t));
    size_t n = 0;
    for (size_t i = 0; i < ntopics; i++) {
        const rc_topic_obs *t = rc_cluster_obs_topic(obs, topics[i]);
        if (!t || seen[t - obs->topics])
            continue;
        seen[t - obs->topics] = true;
        d.topic_idx[n++] = (size_t)(t - obs->topics);
    }
    free(seen);
    int rc = 0;
    size_t *idx = NULL;
    rd_kafka_AdminOptions_t *opts = NULL;
    if (n == 0)
        goto out;
    rc = ensure_up(ka, rc_rk_now_ms() + ka->timeout_ms, NULL);
    if (rc)
        goto out;
    opts = make_options(ka, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, false, -1);
    if (!opts) {
        rc = fail(ka, RC_KADMIN_EOTHER, "DescribeConfigs: cannot set admin options");
        goto out;
    }
    idx = rc_xcalloc(n, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    rk_pump p = {.ka = ka,
                 .opts = opts,
                 .what = "DescribeConfigs",
                 .submit = submit_describe,
                 .handle = handle_describe,
                 .ctx = &d};
    d.answered = rc_xcalloc(obs->ntopics, sizeof(bool));
    rc = pump_run(&p, idx, n);
    /* A batched answer that leaves a topic out must not read as "no
     * overrides": that would hide drift, or wipe overrides on apply. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc_topic_obs *t = &obs->topics[d.topic_idx[i]];
        if (!d.answered[d.topic_idx[i]] && !t->config_error)
            t->config_error = rc_xstrdup("the broker's DescribeConfigs answer left it out");
    }
    free(d.answered);
out:
    if (opts)
        rd_kafka_AdminOptions_destroy(opts);
    free(idx);
    free(d.topic_idx);
    merge_keys(obs, &d);
    return rc;
}

/* ---- wait_topics --------------------------------------------------------- */

static int cmp_md_topic(const void *a, const void *b)
{
    const rd_kafka_metadata_topic_t *x = *(const rd_kafka_metadata_topic_t *const *)a;
    const rd_kafka_metadata_topic_t *y = *(const rd_kafka_metadata_topic_t *const *)b;
    return strcmp(x->topic, y->topic);
}

static const rd_kafka_metadata_topic_t *md_find(const rd_kafka_metadata_topic_t **sorted, size_t n,
                                                const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted[mid]->topic, name);
        if (c == 0)
            return sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool topic_ready(const rd_kafka_metadata_topic_t *mt, int total)
{
    if (!mt || mt->err || mt->partition_cnt < total)
        return false;
    for (int j = 0; j < mt->partition_cnt; j++)
        if (mt->partitions[j].err || mt->partitions[j].leader < 0)
            return false;
    return true;
}

static int op_wait_topics(rc_kadmin *base, const rc_new_partitions *topics, size_t n,
                          int timeout_ms)
{
    rk_admin *ka = (rk_admin *)base;
    if (n == 0)
        return 0;
    if (timeout_ms <= 0)
        timeout_ms = ka->timeout_ms;
    long long start = rc_rk_now_ms();
    long long deadline = start + timeout_ms;
    bool *ready = rc_xcalloc(n, sizeof(bool));
    size_t nready = 0;
    rd_kafka_resp_err_t last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    bool answered = false;
    int rc = 0;
    int pause = RK_WAIT_POLL_MIN_MS;
    for (;;) {
        serve(ka);
        if ((rc = seen_fatal(ka)) != 0)
            goto out;
        int left = rc_rk_remaining_ms(deadline);
        if (left == 0)
            break;
        const rd_kafka_metadata_t *md = NULL;
        last_err = rd_kafka_metadata(ka->rk, 1, NULL, &md, min_int(left, ka->timeout_ms));
        if (!last_err) {
            answered = true;
            clear_seen_errors(ka);
            size_t nt = (size_t)md->topic_cnt;
            const rd_kafka_metadata_topic_t **sorted = rc_xcalloc(nt, sizeof(*sorted));
            for (size_t i = 0; i < nt; i++)
                sorted[i] = &md->topics[i];
            qsort(sorted, nt, sizeof(*sorted), cmp_md_topic);
            for (size_t i = 0; i < n; i++) {
                if (!ready[i] &&
                    topic_ready(md_find(sorted, nt, topics[i].name), topics[i].total)) {
                    ready[i] = true;
                    nready++;
                }
            }
            free(sorted);
            rd_kafka_metadata_destroy(md);
            if (nready == n)
                goto out;
        } else if (last_err != RD_KAFKA_RESP_ERR__TIMED_OUT && !rc_rk_is_conn_error(last_err)) {
            rc = request_failure(ka, last_err, NULL, "metadata request",
                                 (int)(rc_rk_now_ms() - start));
            goto out;
        }
        if (rc_rk_remaining_ms(deadline) <= pause)
            break;
        pause_serving(ka, pause);
        pause = min_int(pause * 2, RK_WAIT_POLL_MAX_MS);
    }
    if (!answered) {
        rc = deadline_failure(ka, "waiting for topics", timeout_ms);
        goto out;
    }
    rc_buf names = {0};
    size_t named = 0;
    for (size_t i = 0; i < n; i++) {
        if (ready[i])
            continue;
        if (named < RK_MISSING_NAMED)
            rc_buf_printf(&names, "%s%s (%d partition%s)", named ? ", " : "", topics[i].name,
                          topics[i].total, topics[i].total == 1 ? "" : "s");
        named++;
    }
    if (named > RK_MISSING_NAMED)
        rc_buf_printf(&names, " and %zu more", named - RK_MISSING_NAMED);
    rc = fail(ka, RC_KADMIN_ETIMEOUT,
              "timed out after %d ms waiting for %zu topic(s) to appear with all partitions "
              "led: %s",
              timeout_ms, named, names.data ? names.data : "");
    rc_buf_free(&names);
out:
    free(ready);
    return rc;
}

/* ---- construction / destruction ----------------------------------------- */

static void op_destroy(rc_kadmin *base)
{
    rk_admin *ka = (rk_admin *)base;
    if (!ka)
        return;
    if (ka->rk)
        rd_kafka_destroy(ka->rk); /* blocks until librdkafka's threads are gone */
    rc_rk_watch_free(&ka->w);
    free(ka->cluster);
    free(ka->bootstrap);
    free(ka);
}

static const rc_kadmin_ops rk_ops = {
    .describe_cluster = op_describe_cluster,
    .describe_configs = op_describe_configs,
    .describe_named = op_describe_named,
    .create_topics = op_create_topics,
    .create_partitions = op_create_partitions,
    .alter_configs = op_alter_configs,
    .delete_topics = op_delete_topics,
    .wait_topics = op_wait_topics,
    .destroy = op_destroy,
};

int rc_kadmin_rdkafka_new(rc_kadmin **out, const rc_kadmin_config *cfg, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (errlen)
        errbuf[0] = '\0';
    rk_admin *ka = rc_xcalloc(1, sizeof(*ka));
    ka->base.ops = &rk_ops;
    ka->cluster = rc_xstrdup(cfg->cluster_name ? cfg->cluster_name : "(unnamed)");
    ka->bootstrap = rc_rk_bootstrap(cfg->bootstrap, cfg->props);
    ka->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : RK_DEFAULT_TIMEOUT_MS;
    ka->batch_size = cfg->batch_size > 0 ? cfg->batch_size : RK_DEFAULT_BATCH;
    rc_rk_watch_init(&ka->w, ka->cluster, cfg->verbose, cfg->props, cfg->secrets);

    rd_kafka_conf_t *conf = NULL;
    int rc = rc_rk_conf_new(&conf, &ka->w, cfg->bootstrap, cfg->props, errbuf, errlen);
    if (rc == 0 && !*ka->bootstrap) {
        rc = rc_rk_fail(&ka->w, errbuf, errlen, RC_KADMIN_EOTHER, "no bootstrap servers");
        rd_kafka_conf_destroy(conf);
    }
    if (rc == 0)
        rc = rc_rk_client_new(&ka->rk, &ka->w, RD_KAFKA_PRODUCER, conf, errbuf, errlen);
    if (rc != 0) {
        op_destroy(&ka->base);
        return rc;
    }
    *out = &ka->base;
    return 0;
}
