/* lag_print.c — the lag report (lag_print.h). */
#include "lag_print.h"

#include "plan_print.h"
#include "textout.h"
#include "units.h"
#include "util.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

char *rc_lag_duration_text(int64_t ms)
{
    if (ms < 0)
        return rc_xstrdup("-");
    if (ms < 1000)
        return rc_xasprintf("%" PRId64 "ms", ms);
    if (ms < 10000)
        return rc_xasprintf("%" PRId64 ".%" PRId64 "s", ms / 1000, (ms % 1000) / 100);
    return rc_units_format_duration_s(ms / 1000);
}

/* "(2 no-commit, 1 deleted)" for the partitions with a marker, or "". */
static void markers_text(rc_buf *b, const rc_lag_row *r)
{
    size_t k = 0;
    for (int m = 1; m < RC_LAG_MARKER_N; m++)
        if (r->markers[m])
            rc_buf_printf(b, "%s%zu %s", k++ ? ", " : " (", r->markers[m],
                          rc_lag_marker_name((rc_lag_marker)m));
    if (k)
        rc_buf_puts(b, ")");
}

static void partition_line(FILE *out, const rc_lag_partition *p)
{
    char *t = rc_lag_duration_text(p->time_lag_ms);
    fprintf(out, "    partition %d: committed ", p->partition);
    if (p->committed < 0)
        fputs("none", out);
    else
        fprintf(out, "%" PRId64, p->committed);
    fprintf(out, ", end %" PRId64 ", start %" PRId64 ", offset lag ", p->high, p->low);
    if (p->offset_lag < 0)
        fputs("-", out);
    else
        fprintf(out, "%" PRId64, p->offset_lag);
    fprintf(out, ", time lag %s%s%s\n", t, p->marker ? ": " : "",
            p->marker ? rc_lag_marker_name(p->marker) : "");
    free(t);
}

static void row_line(FILE *out, const rc_lag_row *row)
{
    char *d = rc_lag_duration_text(row->time_lag_ms);
    rc_buf m = {0};
    markers_text(&m, row);
    fputs("  ", out);
    rc_text_put(out, row->group);
    fputs(" on ", out);
    rc_text_put(out, row->topic);
    fprintf(out, ": time lag %s, offset lag ", d);
    if (row->offset_lag < 0)
        fputs("-", out);
    else
        fprintf(out, "%" PRId64, row->offset_lag);
    fprintf(out, ", %zu partition%s%s", row->partitions, row->partitions == 1 ? "" : "s",
            m.data ? m.data : "");
    if (row->members == 0)
        fputs("; no members", out);
    else if (row->members > 0)
        fprintf(out, "; %d member%s", row->members, row->members == 1 ? "" : "s");
    fputc('\n', out);
    rc_buf_free(&m);
    free(d);
}

void rc_lag_print_text(FILE *out, const rc_lag_report *r, size_t n, bool per_partition)
{
    for (size_t c = 0; c < n; c++) {
        if (r[c].error) { /* it names the cluster */
            fputs("error: ", out);
            rc_text_put(out, r[c].error);
            fputc('\n', out);
            continue;
        }
        fputs("cluster ", out);
        rc_text_put(out, r[c].cluster);
        fprintf(out, ": %zu group%s on topics, worst first\n", r[c].nrows,
                r[c].nrows == 1 ? "" : "s");
        for (size_t i = 0; i < r[c].nrows; i++) {
            row_line(out, &r[c].rows[i]);
            for (size_t k = 0; per_partition && k < r[c].rows[i].partitions; k++)
                partition_line(out, &r[c].parts[r[c].rows[i].first_part + k]);
        }
    }
}

static json_t *seconds_or_null(int64_t ms)
{
    return ms < 0 ? json_null() : json_real((double)ms / 1000.0);
}

static json_t *int_or_null(int64_t v)
{
    return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *row_json(const rc_lag_row *row, const rc_lag_partition *parts)
{
    json_t *o = json_object();
    json_object_set_new(o, "group", rc_json_text(row->group));
    json_object_set_new(o, "topic", rc_json_text(row->topic));
    json_object_set_new(o, "time_lag_seconds", seconds_or_null(row->time_lag_ms));
    json_object_set_new(o, "offset_lag", int_or_null(row->offset_lag));
    json_object_set_new(o, "members", int_or_null(row->members));
    json_object_set_new(o, "partitions", json_integer((json_int_t)row->partitions));
    json_t *m = json_object();
    for (int k = 1; k < RC_LAG_MARKER_N; k++)
        if (row->markers[k])
            json_object_set_new(m, rc_lag_marker_name((rc_lag_marker)k),
                                json_integer((json_int_t)row->markers[k]));
    json_object_set_new(o, "markers", m);
    json_t *pp = json_array();
    for (size_t k = 0; k < row->partitions; k++) {
        const rc_lag_partition *p = &parts[row->first_part + k];
        json_t *x = json_object();
        json_object_set_new(x, "partition", json_integer(p->partition));
        json_object_set_new(x, "committed", int_or_null(p->committed));
        json_object_set_new(x, "low", json_integer((json_int_t)p->low));
        json_object_set_new(x, "high", json_integer((json_int_t)p->high));
        json_object_set_new(x, "offset_lag", int_or_null(p->offset_lag));
        json_object_set_new(x, "time_lag_seconds", seconds_or_null(p->time_lag_ms));
        json_object_set_new(x, "marker", json_string(rc_lag_marker_name(p->marker)));
        json_array_append_new(pp, x);
    }
    json_object_set_new(o, "per_partition", pp);
    return o;
}

void rc_lag_print_json(FILE *out, const rc_lag_report *r, size_t n)
{
    json_t *root = json_object(), *clusters = json_array();
    json_object_set_new(root, "schema", json_integer(1));
    for (size_t c = 0; c < n; c++) {
        json_t *o = json_object(), *lags = json_array();
        json_object_set_new(o, "cluster", rc_json_text(r[c].cluster));
        json_object_set_new(o, "error", r[c].error ? rc_json_text(r[c].error) : json_null());
        for (size_t i = 0; i < r[c].nrows; i++)
            json_array_append_new(lags, row_json(&r[c].rows[i], r[c].parts));
        json_object_set_new(o, "lags", lags);
        json_array_append_new(clusters, o);
    }
    json_object_set_new(root, "clusters", clusters);
    json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    fputc('\n', out);
    json_decref(root);
}

/* A label value as the exposition format escapes it (\\, \", \n). */
static void label(FILE *out, const char *name, const char *value, bool first)
{
    fprintf(out, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"')
            fputc('\\', out);
        if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void labels(FILE *out, const char *cluster, const rc_lag_row *row)
{
    label(out, "cluster", cluster, true);
    label(out, "group", row->group, false);
    label(out, "topic", row->topic, false);
}

typedef enum { M_SECONDS, M_OFFSETS, M_PART_SECONDS, M_PART_OFFSETS, M_MARKERS, M_N } metric;
static const char *const metric_names[M_N][2] = {
    {"reconcile_lag_seconds", "time lag of the group on the topic: the largest of its partitions"},
    {"reconcile_lag_offsets", "offset lag of the group on the topic: summed over its partitions"},
    {"reconcile_lag_partition_seconds", "time lag of the group on one partition"},
    {"reconcile_lag_partition_offsets", "offset lag of the group on one partition"},
    {"reconcile_lag_partitions", "partitions of the topic per marker (ok, no-commit, deleted, "
                                 "no-timestamp, unreadable)"},
};

static void samples(FILE *out, const rc_lag_report *r, size_t n, metric m)
{
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < r[c].nrows; i++) {
            const rc_lag_row *row = &r[c].rows[i];
            if (m == M_SECONDS || m == M_OFFSETS) {
                int64_t v = m == M_SECONDS ? row->time_lag_ms : row->offset_lag;
                if (v < 0)
                    continue;
                fprintf(out, "%s{", metric_names[m][0]);
                labels(out, r[c].cluster, row);
                if (m == M_SECONDS)
                    fprintf(out, "} %.3f\n", (double)v / 1000.0);
                else
                    fprintf(out, "} %" PRId64 "\n", v);
            } else if (m == M_MARKERS) {
                for (int k = 0; k < RC_LAG_MARKER_N; k++) {
                    fprintf(out, "%s{", metric_names[m][0]);
                    labels(out, r[c].cluster, row);
                    label(out, "marker", rc_lag_marker_name((rc_lag_marker)k), false);
                    fprintf(out, "} %zu\n", row->markers[k]);
                }
            } else {
                for (size_t k = 0; k < row->partitions; k++) {
                    const rc_lag_partition *p = &r[c].parts[row->first_part + k];
                    int64_t v = m == M_PART_SECONDS ? p->time_lag_ms : p->offset_lag;
                    if (v < 0)
                        continue;
                    fprintf(out, "%s{", metric_names[m][0]);
                    labels(out, r[c].cluster, row);
                    fprintf(out, ",partition=\"%d\"", p->partition);
                    if (m == M_PART_SECONDS)
                        fprintf(out, "} %.3f\n", (double)v / 1000.0);
                    else
                        fprintf(out, "} %" PRId64 "\n", v);
                }
            }
        }
}

static int group_cmp(const void *pa, const void *pb)
{
    return strcmp((*(const rc_lag_row *const *)pa)->group, (*(const rc_lag_row *const *)pb)->group);
}

/* Each group's members once, however many topics it reads. */
static void members(FILE *out, const rc_lag_report *r, size_t n)
{
    fputs("# TYPE reconcile_lag_group_members gauge\n# HELP reconcile_lag_group_members the "
          "group's members: 0 when no consumer of it runs\n",
          out);
    for (size_t c = 0; c < n; c++) {
        const rc_lag_row **v = rc_xcalloc(r[c].nrows ? r[c].nrows : 1, sizeof(*v));
        for (size_t i = 0; i < r[c].nrows; i++)
            v[i] = &r[c].rows[i];
        if (r[c].nrows > 1)
            qsort(v, r[c].nrows, sizeof(*v), group_cmp);
        for (size_t i = 0; i < r[c].nrows; i++) {
            if ((i > 0 && group_cmp(&v[i - 1], &v[i]) == 0) || v[i]->members < 0)
                continue;
            fputs("reconcile_lag_group_members{", out);
            label(out, "cluster", r[c].cluster, true);
            label(out, "group", v[i]->group, false);
            fprintf(out, "} %d\n", v[i]->members);
        }
        free(v);
    }
}

/* The offsets rates are made of: each partition's end (every partition of
 * every measured topic, read by a group or not), each group's committed
 * offset. */
static void offsets(FILE *out, const rc_lag_report *r, size_t n)
{
    fputs("# TYPE reconcile_lag_end_offset gauge\n# HELP reconcile_lag_end_offset the "
          "partition's end offset (high watermark): its rate is the production rate\n",
          out);
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < r[c].nends; i++) {
            fputs("reconcile_lag_end_offset{", out);
            label(out, "cluster", r[c].cluster, true);
            label(out, "topic", r[c].ends[i].topic, false);
            fprintf(out, ",partition=\"%d\"} %" PRId64 "\n", r[c].ends[i].partition,
                    r[c].ends[i].high);
        }
    fputs("# TYPE reconcile_lag_committed_offset gauge\n# HELP reconcile_lag_committed_offset "
          "the group's committed offset: its rate is the consumption rate\n",
          out);
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < r[c].nrows; i++)
            for (size_t k = 0; k < r[c].rows[i].partitions; k++) {
                const rc_lag_partition *p = &r[c].parts[r[c].rows[i].first_part + k];
                if (p->committed < 0)
                    continue;
                fputs("reconcile_lag_committed_offset{", out);
                labels(out, r[c].cluster, &r[c].rows[i]);
                fprintf(out, ",partition=\"%d\"} %" PRId64 "\n", p->partition, p->committed);
            }
}

void rc_lag_print_openmetrics(FILE *out, const rc_lag_report *r, size_t n, bool eof)
{
    offsets(out, r, n);
    members(out, r, n);
    for (int m = 0; m < M_N; m++) {
        fprintf(out, "# TYPE %s gauge\n# HELP %s %s\n", metric_names[m][0], metric_names[m][0],
                metric_names[m][1]);
        if (m == M_SECONDS || m == M_PART_SECONDS)
            fprintf(out, "# UNIT %s seconds\n", metric_names[m][0]);
        samples(out, r, n, (metric)m);
    }
    if (eof)
        fputs("# EOF\n", out);
}
