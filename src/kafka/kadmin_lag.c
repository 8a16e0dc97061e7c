/* kadmin_lag.c — what time lag is measured from (lag.h): the watermarks of
 * partitions, and the timestamps of given messages read by consumers that
 * belong to no group (assign, never subscribe or commit).
 *
 * Both are split into pieces run on a few threads: librdkafka 2.0.2's cost
 * per client grows faster than its partitions (a partition list is searched
 * linearly; one consumer assigned 6,000 partitions spent 1.3 s reading and
 * going away, six consumers of 1,000 each 0.5 s in all), and the pieces wait
 * on the broker, not on each other. */
#include "kadmin_rdkafka_internal.h"

#include "parallel.h"

#include <stdlib.h>
#include <string.h>

/* At most this many partitions per ListOffsets call, and message reads per
 * consumer (about two per partition); this many of them at once. */
enum { LAG_CHUNK_PARTITIONS = 1000, LAG_SHARD_FETCHES = 2000, LAG_WORKERS = 4 };

/* One ListOffsets request per leader for every partition at once:
 * offsets_for_times with the protocol's special timestamps (-2 the log
 * start, -1 the end) is the batched form librdkafka 2.0.2 has (its admin
 * API has no ListOffsets; query_watermark_offsets is one round trip per
 * partition, 1.5 s for 6,000 partitions on loopback). The list keeps the
 * order asked: results are read back by index. */
static int list_offsets(rk_admin *ka, const char *const *topics, const int *partitions, size_t n,
                        int64_t at, int64_t *out, char *errbuf, size_t errlen)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, topics[i], partitions[i])->offset = at;
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(ka->rk, l, ka->timeout_ms);
    for (int i = 0; !err && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &l->elems[i];
        if (tp->err) {
            int rc = rk_fail(ka, errbuf, errlen,
                             rc_rk_is_conn_error(tp->err) ? RC_KADMIN_ECONNECT : RC_KADMIN_EOTHER,
                             "watermarks of %s/%d: %s", tp->topic, (int)tp->partition,
                             rd_kafka_err2str(tp->err));
            rd_kafka_topic_partition_list_destroy(l);
            return rc;
        }
        out[i] = tp->offset;
    }
    rd_kafka_topic_partition_list_destroy(l);
    if (err)
        return rk_fail(ka, errbuf, errlen,
                       rc_rk_is_conn_error(err)              ? RC_KADMIN_ECONNECT
                       : err == RD_KAFKA_RESP_ERR__TIMED_OUT ? RC_KADMIN_ETIMEOUT
                                                             : RC_KADMIN_EOTHER,
                       "watermarks of %zu partition%s: %s", n, n == 1 ? "" : "s",
                       rd_kafka_err2str(err));
    return 0;
}

typedef struct wm_job {
    rk_admin *ka;
    const char *const *topics;
    const int *partitions;
    int64_t *low, *high;
    size_t n;
    int *rc;
    char (*err)[RC_ERRBUF_LEN];
} wm_job;

static void watermarks_chunk(void *ctx, size_t c)
{
    wm_job *j = ctx;
    size_t from = c * LAG_CHUNK_PARTITIONS, n = j->n - from;
    if (n > LAG_CHUNK_PARTITIONS)
        n = LAG_CHUNK_PARTITIONS;
    j->rc[c] = list_offsets(j->ka, j->topics + from, j->partitions + from, n, -2, j->low + from,
                            j->err[c], sizeof(j->err[c]));
    if (j->rc[c] == 0)
        j->rc[c] = list_offsets(j->ka, j->topics + from, j->partitions + from, n, -1,
                                j->high + from, j->err[c], sizeof(j->err[c]));
}

int rk_op_watermarks(rc_kadmin *base, const char *const *topics, const int *partitions, size_t n,
                     int64_t *low, int64_t *high, char *errbuf, size_t errlen)
{
    size_t chunks = (n + LAG_CHUNK_PARTITIONS - 1) / LAG_CHUNK_PARTITIONS;
    wm_job j = {(rk_admin *)base,
                topics,
                partitions,
                low,
                high,
                n,
                rc_xcalloc(chunks ? chunks : 1, sizeof(*j.rc)),
                rc_xcalloc(chunks ? chunks : 1, sizeof(*j.err))};
    rc_parallel_for(chunks, LAG_WORKERS, watermarks_chunk, &j);
    int rc = 0;
    for (size_t c = 0; c < chunks && rc == 0; c++)
        if ((rc = j.rc[c]) != 0)
            snprintf(errbuf, errlen, "%s", j.err[c]); /* the first failing chunk */
    free(j.rc);
    free(j.err);
    return rc;
}

static int make_consumer(rk_admin *ka, rc_rk_watch *w, rd_kafka_t **out, char *errbuf,
                         size_t errlen)
{
    /* only what is asked: assign, never subscribe, never commit, the end of
     * a partition said */
    static const char *const settings[][2] = {
        {"group.id", "reconcile-lag-reader"},  {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"}, {"enable.partition.eof", "true"},
        {"fetch.wait.max.ms", "10"},           {"queued.max.messages.kbytes", "1024"},
    };
    return rk_new_consumer(ka, w, settings, sizeof(settings) / sizeof(settings[0]), out, errbuf,
                           errlen);
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
static int read_round(rk_admin *ka, rc_rk_watch *w, rd_kafka_t *consumer, rc_lag_fetch **round,
                      size_t n, char *errbuf, size_t errlen)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, round[i]->topic, round[i]->partition)->offset =
            round[i]->offset;
    rd_kafka_resp_err_t err = rd_kafka_assign(consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (err)
        return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER, "assign: %s", rd_kafka_err2str(err));
    size_t left = n;
    long long deadline = rc_rk_now_ms() + ka->timeout_ms;
    while (left > 0 && rc_rk_remaining_ms(deadline) > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
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
            int rc = rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER, "consumer: %s",
                                rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            return rc;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_assign(consumer, NULL);
    int refused = left > 0 ? rc_rk_seen_fatal(w, errbuf, errlen) : 0;
    if (refused)
        return refused; /* an authentication failure, say: not slowness */
    if (left > 0)
        return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_ETIMEOUT,
                          "reading message timestamps: %zu partition%s did not answer in %d ms",
                          left, left == 1 ? "" : "s", ka->timeout_ms);
    return 0;
}

/* A shard: a consumer of its own (and a watch of its own: error_cb writes
 * into it from this thread), a round per distinct offset of a partition. */
typedef struct shard {
    rc_lag_fetch *fetches;
    size_t n;
    int rc;
    char err[RC_ERRBUF_LEN];
} shard;

typedef struct shard_job {
    rk_admin *ka;
    shard *v;
} shard_job;

static void read_shard(void *ctx, size_t s)
{
    rk_admin *ka = ((shard_job *)ctx)->ka;
    shard *sh = &((shard_job *)ctx)->v[s];
    rc_rk_watch w;
    rc_rk_watch_copy(&w, &ka->w);
    rd_kafka_t *consumer = NULL;
    sh->rc = make_consumer(ka, &w, &consumer, sh->err, sizeof(sh->err));
    rc_lag_fetch **round = rc_xcalloc(sh->n, sizeof(*round));
    bool *taken = rc_xcalloc(sh->n, sizeof(*taken));
    for (size_t done = 0; sh->rc == 0 && done < sh->n;) {
        /* fetches are sorted by partition: the first untaken of each */
        size_t k = 0;
        for (size_t i = 0; i < sh->n; i++) {
            rc_lag_fetch *f = &sh->fetches[i];
            if (taken[i] || (k > 0 && round[k - 1]->partition == f->partition &&
                             !strcmp(round[k - 1]->topic, f->topic)))
                continue;
            taken[i] = true;
            f->got_offset = -1;
            round[k++] = f;
        }
        done += k;
        sh->rc = read_round(ka, &w, consumer, round, k, sh->err, sizeof(sh->err));
    }
    free(round);
    free(taken);
    /* it only ever assigned: no group to leave, no offsets to commit */
    if (consumer)
        rd_kafka_destroy_flags(consumer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    rc_rk_watch_free(&w);
}

int rk_op_read_timestamps(rc_kadmin *base, rc_lag_fetch *fetches, size_t n, char *errbuf,
                          size_t errlen)
{
    /* shards end where a topic ends, so each holds whole partitions */
    shard_job j = {(rk_admin *)base, NULL};
    size_t nshards = 0;
    for (size_t start = 0, end; start < n; start = end) {
        end = start + 1;
        while (end < n && (end - start < LAG_SHARD_FETCHES ||
                           !strcmp(fetches[end].topic, fetches[end - 1].topic)))
            end++;
        j.v = rc_xrealloc(j.v, (nshards + 1) * sizeof(*j.v));
        j.v[nshards++] = (shard){fetches + start, end - start, 0, ""};
    }
    rc_parallel_for(nshards, LAG_WORKERS, read_shard, &j);
    int rc = 0;
    for (size_t i = 0; i < nshards && rc == 0; i++)
        if ((rc = j.v[i].rc) != 0)
            snprintf(errbuf, errlen, "%s", j.v[i].err);
    free(j.v);
    return rc;
}
