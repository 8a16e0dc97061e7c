/* lag.h — consumer lag in time, as the product defines it: how far behind,
 * in time, the message a group has committed is from the newest message of
 * the partition, measured from the messages' own timestamps.
 *
 * Pure: no I/O. The command layer reads, per partition of a topic a group
 * consumes, the group's committed offset and the partition's low and high
 * watermarks (rc_lag_partition), asks rc_lag_fetches which messages' timestamps
 * it needs, reads them, and rc_lag_measure turns everything into per-partition
 * figures and per group and topic totals.
 *
 * Per partition (C committed, L low and H high watermark, ts(o) the timestamp
 * of the message at offset o):
 *   no commit          C < 0: offset and time lag unknown (RC_LAG_NO_COMMIT)
 *   caught up          C >= H: offset lag 0, time lag 0
 *   deleted            C < L (retention moved the log start past it), or the
 *                      message at C is gone (compaction: the read returned a
 *                      later offset): offset lag H - C, time lag unknown
 *                      (RC_LAG_DELETED)
 *   no timestamp       ts(C) or ts(H-1) is missing (-1): RC_LAG_NO_TIMESTAMP
 *   otherwise          offset lag H - C, time lag max(0, ts(H-1) - ts(C)) ms.
 * Per group and topic: offset lag summed over the partitions that have one,
 * time lag the largest over its partitions, and the partitions with each
 * marker counted. */
#ifndef RC_LAG_H
#define RC_LAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum rc_lag_marker {
    RC_LAG_OK,
    RC_LAG_NO_COMMIT,
    RC_LAG_DELETED,
    RC_LAG_NO_TIMESTAMP,
    RC_LAG_UNREADABLE, /* the message could not be read (its error in the fetch) */
    RC_LAG_MARKER_N
} rc_lag_marker;

/* "ok", "no-commit", "deleted", "no-timestamp", "unreadable" */
const char *rc_lag_marker_name(rc_lag_marker m);

typedef struct rc_lag_partition {
    const char *group; /* borrowed */
    const char *topic; /* borrowed */
    int partition;
    int64_t committed; /* < 0: none */
    int64_t low, high;
    /* filled by rc_lag_measure */
    int64_t offset_lag;  /* -1 unknown */
    int64_t time_lag_ms; /* -1 unknown */
    rc_lag_marker marker;
} rc_lag_partition;

/* One message whose timestamp is needed: what it asked and what was read. */
typedef struct rc_lag_fetch {
    const char *topic; /* borrowed */
    int partition;
    int64_t offset;
    /* filled by the reader */
    bool read;          /* a message came back */
    int64_t got_offset; /* its offset (> offset: the asked one is gone) */
    int64_t timestamp;  /* ms; -1 when the message has none */
    bool failed;        /* the read failed (not merely absent) */
} rc_lag_fetch;

/* The distinct (topic, partition, offset) reads the partitions need: the
 * committed message of each partition that is behind and not deleted, and
 * the newest message of each such partition. Sorted by topic, partition,
 * offset. *out is a heap array (free) of *n entries. */
void rc_lag_fetches(const rc_lag_partition *parts, size_t nparts, rc_lag_fetch **out, size_t *n);

/* Figures of every partition from the fetches (sorted as rc_lag_fetches
 * gives them, read). */
void rc_lag_measure(rc_lag_partition *parts, size_t nparts, const rc_lag_fetch *fetches,
                    size_t nfetches);

/* Per group and topic. */
typedef struct rc_lag_row {
    const char *group; /* borrowed */
    const char *topic;
    int64_t offset_lag;  /* sum of the known ones; -1 when none is known */
    int64_t time_lag_ms; /* largest known; -1 when none is known */
    size_t partitions;
    size_t markers[RC_LAG_MARKER_N]; /* partitions per marker */
    size_t first_part;               /* its partitions: parts[first_part .. +partitions) */
    int members; /* the group's members; -1 unknown (rc_lag_rows sets it; the caller fills it) */
} rc_lag_row;

/* A partition of a measured topic, whether or not a group reads it: its
 * end is what the production rate is made of. */
typedef struct rc_lag_end {
    const char *topic; /* borrowed */
    int partition;
    int64_t low, high;
} rc_lag_end;

/* parts must be sorted by group, topic, partition (rc_lag_sort_partitions).
 * Rows in that order; rc_lag_sort_rows orders them worst first (time lag,
 * then offset lag, unknown last, then group and topic). Heap array. */
void rc_lag_sort_partitions(rc_lag_partition *parts, size_t n);
rc_lag_row *rc_lag_rows(const rc_lag_partition *parts, size_t nparts, size_t *nrows);
void rc_lag_sort_rows(rc_lag_row *rows, size_t n);

#endif
