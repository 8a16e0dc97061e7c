/* lag.c — time lag from committed offsets, watermarks and the timestamps of
 * two messages per partition (lag.h). */
#include "lag.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *rc_lag_marker_name(rc_lag_marker m)
{
    static const char *const names[RC_LAG_MARKER_N] = {"ok", "no-commit", "deleted", "no-timestamp",
                                                       "unreadable"};
    return m < RC_LAG_MARKER_N ? names[m] : "?";
}

static int fetch_cmp(const void *pa, const void *pb)
{
    const rc_lag_fetch *a = pa, *b = pb;
    int c = strcmp(a->topic, b->topic);
    if (!c)
        c = (a->partition > b->partition) - (a->partition < b->partition);
    return c ? c : (a->offset > b->offset) - (a->offset < b->offset);
}

/* A partition behind its end whose committed message may still exist. */
static bool behind(const rc_lag_partition *p)
{
    return p->committed >= 0 && p->committed < p->high && p->committed >= p->low;
}

void rc_lag_fetches(const rc_lag_partition *parts, size_t nparts, rc_lag_fetch **out, size_t *n)
{
    rc_lag_fetch *v = rc_xcalloc(nparts ? 2 * nparts : 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < nparts; i++) {
        if (!behind(&parts[i]))
            continue;
        v[k++] = (rc_lag_fetch){.topic = parts[i].topic,
                                .partition = parts[i].partition,
                                .offset = parts[i].committed,
                                .timestamp = -1};
        v[k++] = (rc_lag_fetch){.topic = parts[i].topic,
                                .partition = parts[i].partition,
                                .offset = parts[i].high - 1,
                                .timestamp = -1};
    }
    if (k > 1)
        qsort(v, k, sizeof(*v), fetch_cmp);
    size_t w = 0; /* groups at the same place share a read */
    for (size_t i = 0; i < k; i++)
        if (w == 0 || fetch_cmp(&v[w - 1], &v[i]) != 0)
            v[w++] = v[i];
    *out = v;
    *n = w;
}

static const rc_lag_fetch *find_fetch(const rc_lag_fetch *f, size_t n, const char *topic,
                                      int partition, int64_t offset)
{
    rc_lag_fetch key = {.topic = topic, .partition = partition, .offset = offset};
    return n ? bsearch(&key, f, n, sizeof(*f), fetch_cmp) : NULL;
}

static void measure_one(rc_lag_partition *p, const rc_lag_fetch *f, size_t nf)
{
    p->offset_lag = p->time_lag_ms = -1;
    p->marker = RC_LAG_OK;
    if (p->committed < 0) {
        p->marker = RC_LAG_NO_COMMIT;
        return;
    }
    if (p->committed >= p->high) {
        p->offset_lag = p->time_lag_ms = 0;
        return;
    }
    p->offset_lag = p->high - p->committed;
    if (p->committed < p->low) {
        p->marker = RC_LAG_DELETED;
        return;
    }
    const rc_lag_fetch *at = find_fetch(f, nf, p->topic, p->partition, p->committed);
    const rc_lag_fetch *newest = find_fetch(f, nf, p->topic, p->partition, p->high - 1);
    if (!at || !newest || at->failed || newest->failed || !at->read || !newest->read) {
        /* nothing at or after the committed offset: compacted or deleted
         * between the watermarks and the read */
        p->marker = at && !at->failed && !at->read ? RC_LAG_DELETED : RC_LAG_UNREADABLE;
        return;
    }
    if (at->got_offset != p->committed) {
        p->marker = RC_LAG_DELETED; /* compaction removed it: the read skipped ahead */
        return;
    }
    if (at->timestamp < 0 || newest->timestamp < 0) {
        p->marker = RC_LAG_NO_TIMESTAMP;
        return;
    }
    int64_t d = newest->timestamp - at->timestamp;
    p->time_lag_ms = d > 0 ? d : 0;
}

void rc_lag_measure(rc_lag_partition *parts, size_t nparts, const rc_lag_fetch *fetches,
                    size_t nfetches)
{
    for (size_t i = 0; i < nparts; i++)
        measure_one(&parts[i], fetches, nfetches);
}

static int part_cmp(const void *pa, const void *pb)
{
    const rc_lag_partition *a = pa, *b = pb;
    int c = strcmp(a->group, b->group);
    if (!c)
        c = strcmp(a->topic, b->topic);
    return c ? c : (a->partition > b->partition) - (a->partition < b->partition);
}

void rc_lag_sort_partitions(rc_lag_partition *parts, size_t n)
{
    if (n > 1)
        qsort(parts, n, sizeof(*parts), part_cmp);
}

rc_lag_row *rc_lag_rows(const rc_lag_partition *parts, size_t nparts, size_t *nrows)
{
    rc_lag_row *rows = rc_xcalloc(nparts ? nparts : 1, sizeof(*rows));
    size_t n = 0;
    for (size_t i = 0; i < nparts; i++) {
        const rc_lag_partition *p = &parts[i];
        if (n == 0 || strcmp(rows[n - 1].group, p->group) || strcmp(rows[n - 1].topic, p->topic))
            rows[n++] = (rc_lag_row){.group = p->group,
                                     .topic = p->topic,
                                     .offset_lag = -1,
                                     .time_lag_ms = -1,
                                     .members = -1,
                                     .first_part = i};
        rc_lag_row *r = &rows[n - 1];
        r->partitions++;
        r->markers[p->marker]++;
        if (p->offset_lag >= 0)
            r->offset_lag = (r->offset_lag < 0 ? 0 : r->offset_lag) + p->offset_lag;
        if (p->time_lag_ms > r->time_lag_ms)
            r->time_lag_ms = p->time_lag_ms;
    }
    *nrows = n;
    return rows;
}

static int row_cmp(const void *pa, const void *pb)
{
    const rc_lag_row *a = pa, *b = pb;
    if (a->time_lag_ms != b->time_lag_ms)
        return a->time_lag_ms > b->time_lag_ms ? -1 : 1; /* unknown (-1) last */
    if (a->offset_lag != b->offset_lag)
        return a->offset_lag > b->offset_lag ? -1 : 1;
    int c = strcmp(a->group, b->group);
    return c ? c : strcmp(a->topic, b->topic);
}

void rc_lag_sort_rows(rc_lag_row *rows, size_t n)
{
    if (n > 1)
        qsort(rows, n, sizeof(*rows), row_cmp);
}
