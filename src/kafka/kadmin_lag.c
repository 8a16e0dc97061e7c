/* kadmin_lag.c — what time lag is measured from (lag.h): the watermarks of
 * partitions, and the timestamps of given messages read by a consumer that
 * belongs to no group (assign, never subscribe or commit). */
#include "kadmin_rdkafka_internal.h"

#include <stdlib.h>
#include <string.h>

int rk_op_watermarks(rc_kadmin *base, const char *const *topics, const int *partitions, size_t n,
                     int64_t *low, int64_t *high, char *errbuf, size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    for (size_t i = 0; i < n; i++) {
        /* one ListOffsets round trip per partition: librdkafka 2.0.2 has no
         * batched ListOffsets in its admin API */
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
            ka->rk, topics[i], partitions[i], &low[i], &high[i], ka->timeout_ms);
        if (err)
            return rk_fail(ka, errbuf, errlen,
                           rc_rk_is_conn_error(err) ? RC_KADMIN_ECONNECT : RC_KADMIN_EOTHER,
                           "watermarks of %s/%d: %s", topics[i], partitions[i],
                           rd_kafka_err2str(err));
    }
    return 0;
}

static int make_consumer(rk_admin *ka, char *errbuf, size_t errlen)
{
    if (ka->consumer)
        return 0;
    rd_kafka_conf_t *conf = rd_kafka_conf_dup(ka->consumer_conf);
    char err[256];
    /* only what is asked: assign, never subscribe, never commit (librdkafka
     * 2.0.2 wants a group.id even for assign; the group is never joined),
     * the end of a partition said */
    static const char *const settings[][2] = {
        {"group.id", "reconcile-lag-reader"},  {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"}, {"enable.partition.eof", "true"},
        {"fetch.wait.max.ms", "10"},           {"queued.max.messages.kbytes", "1024"},
    };
    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "consumer: %s", err);
        }
    return rc_rk_client_new(&ka->consumer, &ka->w, RD_KAFKA_CONSUMER, conf, errbuf, errlen);
}

/* The round's fetch of a partition (round is sorted by topic, partition). */
static rc_lag_fetch *find(rc_lag_fetch **round, size_t n, const char *topic, int32_t partition)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(round[mid]->topic, topic);
        if (!c)
            c = (round[mid]->partition > partition) - (round[mid]->partition < partition);
        if (c == 0)
            return round[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* One round: at most one fetch per partition, all assigned at once; each is
 * done at its first message, its end, or an error. */
static int read_round(rk_admin *ka, rc_lag_fetch **round, size_t n, char *errbuf, size_t errlen)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, round[i]->topic, round[i]->partition)->offset =
            round[i]->offset;
    rd_kafka_resp_err_t err = rd_kafka_assign(ka->consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (err)
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "assign: %s", rd_kafka_err2str(err));
    size_t left = n;
    long long deadline = rc_rk_now_ms() + ka->timeout_ms;
    while (left > 0 && rc_rk_remaining_ms(deadline) > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(ka->consumer, 100);
        if (!m)
            continue;
        rc_lag_fetch *f = m->rkt ? find(round, n, rd_kafka_topic_name(m->rkt), m->partition) : NULL;
        bool done = f && (f->read || f->failed || f->got_offset == -2);
        if (f && !done) {
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                f->got_offset = -2; /* the end: nothing at or after the offset */
            } else if (m->err) {
                f->failed = true;
            } else {
                f->read = true;
                f->got_offset = m->offset;
                rd_kafka_timestamp_type_t tt;
                int64_t ts = rd_kafka_message_timestamp(m, &tt);
                f->timestamp = tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts;
            }
            left--;
        } else if (!f && m->err && !m->rkt) {
            int rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "consumer: %s",
                             rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            return rc;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_assign(ka->consumer, NULL);
    if (left > 0)
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_ETIMEOUT,
                       "reading message timestamps: %zu partition%s did not answer in %d ms", left,
                       left == 1 ? "" : "s", ka->timeout_ms);
    return 0;
}

int rk_op_read_timestamps(rc_kadmin *base, rc_lag_fetch *fetches, size_t n, char *errbuf,
                          size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    int rc = n > 0 ? make_consumer(ka, errbuf, errlen) : 0;
    rc_lag_fetch **round = rc_xcalloc(n ? n : 1, sizeof(*round));
    bool *taken = rc_xcalloc(n ? n : 1, sizeof(*taken));
    size_t done = 0;
    while (rc == 0 && done < n) {
        /* fetches are sorted by partition: the first untaken of each */
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (taken[i] || (k > 0 && round[k - 1]->partition == fetches[i].partition &&
                             !strcmp(round[k - 1]->topic, fetches[i].topic)))
                continue;
            taken[i] = true;
            fetches[i].got_offset = -1;
            round[k++] = &fetches[i];
        }
        done += k;
        rc = read_round(ka, round, k, errbuf, errlen);
    }
    free(round);
    free(taken);
    return rc;
}
