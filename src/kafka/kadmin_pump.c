/* kadmin_pump.c — the request pump shared by every batched admin call: input
 * split in chunks of batch_size topics, at most RK_MAX_INFLIGHT requests in
 * flight on one private queue, each result event handed to the call's handler. */
#include "kadmin_rdkafka_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_MAX_INFLIGHT 4       /* requests in flight per call */
#define RK_EVENT_GRACE_MS 10000 /* backstop beyond librdkafka's own timeouts */

/* ---- the request pump ---------------------------------------------------- */

/* Create admin options with the client's timeouts. operation_timeout is set
 * for the calls that wait on the broker (create/delete/partitions). */
rd_kafka_AdminOptions_t *rk_make_options(rk_admin *ka, rd_kafka_admin_op_t op, bool with_op_timeout,
                                         int validate_only)
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
int rk_pump_run(rk_pump *p, size_t *idx, size_t n)
{
    rk_admin *ka = p->ka;
    char *errbuf = p->errbuf;
    size_t errlen = p->errlen;
    size_t bs = p->batch_size ? p->batch_size : (size_t)ka->batch_size;
    size_t max_inflight = p->max_inflight ? p->max_inflight : RK_MAX_INFLIGHT;
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
        while (next < nbatches && inflight < max_inflight) {
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
        rk_serve(ka);
        if (!ev) {
            rc = rk_seen_fatal(ka, errbuf, errlen);
            if (!rc && rc_rk_now_ms() > backstop)
                rc = rk_deadline_failure(ka, p->what, ka->timeout_ms + RK_EVENT_GRACE_MS, errbuf,
                                         errlen);
            continue;
        }
        rk_batch *b = rd_kafka_event_opaque(ev);
        rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
        inflight--;
        if (!b) /* cannot happen: every request on this private queue has one */
            rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "%s: unexpected event %s", p->what,
                         rd_kafka_event_name(ev));
        else if (err && !p->handle_errors)
            rc = rk_request_failure(ka, err, rd_kafka_event_error_string(ev), p->what,
                                    (int)(rc_rk_now_ms() - b->sent_ms), errbuf, errlen);
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

int rk_pump_call(rk_pump *p, rd_kafka_admin_op_t op, size_t n)
{
    rk_admin *ka = p->ka;
    int rc = rk_ensure_up(ka, rc_rk_now_ms() + ka->timeout_ms, NULL, false, p->errbuf, p->errlen);
    if (rc)
        return rc;
    p->opts = rk_make_options(ka, op, false, -1);
    if (!p->opts)
        return rk_fail(ka, p->errbuf, p->errlen, RC_KADMIN_EOTHER, "%s: cannot set admin options",
                       p->what);
    size_t *idx = rc_xcalloc(n ? n : 1, sizeof(*idx));
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    rc = rk_pump_run(p, idx, n);
    free(idx);
    rd_kafka_AdminOptions_destroy(p->opts);
    p->opts = NULL;
    return rc;
}
