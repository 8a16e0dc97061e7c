/* kadmin_wait.c — wait_topics: poll metadata until created topics have all
 * their partitions led, or the deadline passes. */
#include "kadmin_rdkafka_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_WAIT_POLL_MIN_MS 50  /* pause between metadata polls in wait_topics, */
#define RK_WAIT_POLL_MAX_MS 200 /* doubled from min to max */
#define RK_MISSING_NAMED 5      /* topics named in a wait_topics timeout */

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

int rk_op_wait_topics(rc_kadmin *base, const rc_new_partitions *topics, size_t n, int timeout_ms,
                      char *errbuf, size_t errlen)
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
        rk_serve(ka);
        if ((rc = rk_seen_fatal(ka, errbuf, errlen)) != 0)
            goto out;
        int left = rc_rk_remaining_ms(deadline);
        if (left == 0)
            break;
        const rd_kafka_metadata_t *md = NULL;
        last_err = rd_kafka_metadata(ka->rk, 1, NULL, &md, min_int(left, ka->timeout_ms));
        if (!last_err) {
            answered = true;
            rk_clear_seen_errors(ka);
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
            rc = rk_request_failure(ka, last_err, NULL, "metadata request",
                                    (int)(rc_rk_now_ms() - start), errbuf, errlen);
            goto out;
        }
        /* the last pause ends at the deadline, not a pause before it: a
         * wait of 1 s gave up after 0.8 s when a poll was slow */
        int rest = rc_rk_remaining_ms(deadline);
        if (rest == 0)
            break;
        rk_pause_serving(ka, min_int(pause, rest));
        pause = min_int(pause * 2, RK_WAIT_POLL_MAX_MS);
    }
    if (!answered) {
        rc = rk_deadline_failure(ka, "waiting for topics", timeout_ms, errbuf, errlen);
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
    rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_ETIMEOUT,
                 "timed out after %d ms waiting for %zu topic(s) to appear with all partitions "
                 "led: %s",
                 timeout_ms, named, names.data ? names.data : "");
    rc_buf_free(&names);
out:
    free(ready);
    return rc;
}
