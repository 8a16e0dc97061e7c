/* lag_print.h — `reconcile lag` in text, JSON and OpenMetrics.
 *
 * Text: per cluster, one line per group and topic, worst first (time lag,
 * then offset lag; rc_lag_sort_rows), the partitions' markers counted, the
 * group's members when known ("; no members" says no consumer runs); with
 * verbose, a line per partition under it.
 * JSON ("schema": 1): {"clusters": [{"cluster", "error", "lags": [{"group",
 *   "topic", "time_lag_seconds" (number | null), "offset_lag" (int | null),
 *   "members" (int | null), "partitions", "markers": {marker: count}, "per_partition":
 * [{"partition", "committed" (int | null), "low", "high", "offset_lag", "time_lag_seconds",
 *   "marker"}]}]}]}
 * OpenMetrics (text exposition 1.0.0; metric names in the README):
 *   reconcile_lag_seconds{cluster,group,topic}            largest time lag
 *   reconcile_lag_offsets{cluster,group,topic}            summed offset lag
 *   reconcile_lag_partition_seconds{...,partition}        per partition
 *   reconcile_lag_partition_offsets{...,partition}
 *   reconcile_lag_partitions{cluster,group,topic,marker}  partitions per marker
 *   reconcile_lag_end_offset{cluster,topic,partition}     high watermark, every partition
 *                                                         of every measured topic (ends)
 *   reconcile_lag_committed_offset{cluster,group,topic,partition}
 *   reconcile_lag_group_members{cluster,group}            members (each group once; left
 *                                                         out when unknown)
 * A figure that is unknown is left out (no sample), never NaN or 0. */
#ifndef RC_LAG_PRINT_H
#define RC_LAG_PRINT_H

#include "lag.h"

#include <stdbool.h>
#include <stdio.h>

/* What one cluster measured (rows sorted as they are to be printed; parts
 * as rc_lag_rows indexes them), or its error. Borrowed. */
typedef struct rc_lag_report {
    const char *cluster;
    const char *error;
    const rc_lag_row *rows;
    size_t nrows;
    const rc_lag_partition *parts;
    const rc_lag_end *ends; /* every partition of every measured topic */
    size_t nends;
} rc_lag_report;

/* "4m10s", "4.2s", "350ms"; "-" for unknown (< 0). Heap string. */
char *rc_lag_duration_text(int64_t ms);

void rc_lag_print_text(FILE *out, const rc_lag_report *r, size_t n, bool per_partition);
void rc_lag_print_json(FILE *out, const rc_lag_report *r, size_t n);
/* eof: end with "# EOF" (false: the caller adds more families first). */
void rc_lag_print_openmetrics(FILE *out, const rc_lag_report *r, size_t n, bool eof);

#endif
