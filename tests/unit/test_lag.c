/* Unit tests for lag: which messages are read, the figures and markers of
 * each partition, the totals per group and topic, the order, and the three
 * printers. The real broker is tests/integration/test_lag.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lag.h"
#include "lag_print.h"
#include "support.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message at each offset o of every partition has timestamp 1000 * o,
 * but for those the test removes (compaction) or strips. */
static void read_all(rc_lag_fetch *f, size_t n, int64_t compacted_offset, int64_t no_ts_offset)
{
    for (size_t i = 0; i < n; i++) {
        f[i].read = true;
        f[i].got_offset = f[i].offset == compacted_offset ? f[i].offset + 1 : f[i].offset;
        f[i].timestamp = f[i].got_offset == no_ts_offset ? -1 : 1000 * f[i].got_offset;
    }
}

static void test_figures_and_markers(void **state)
{
    (void)state;
    rc_lag_partition p[] = {
        {.group = "billing",
         .topic = "orders",
         .partition = 0,
         .committed = 4,
         .low = 0,
         .high = 10},
        {.group = "billing",
         .topic = "orders",
         .partition = 1,
         .committed = -1,
         .low = 0,
         .high = 3},
        {.group = "billing",
         .topic = "orders",
         .partition = 2,
         .committed = 10,
         .low = 0,
         .high = 10},
        {.group = "audit", .topic = "orders", .partition = 0, .committed = 2, .low = 3, .high = 10},
        {.group = "audit", .topic = "orders", .partition = 1, .committed = 1, .low = 0, .high = 3},
        {.group = "audit", .topic = "orders", .partition = 2, .committed = 7, .low = 0, .high = 10},
        {.group = "search",
         .topic = "orders",
         .partition = 0,
         .committed = 6,
         .low = 0,
         .high = 10},
    };
    size_t np = sizeof(p) / sizeof(p[0]);
    rc_lag_sort_partitions(p, np);
    rc_lag_fetch *f;
    size_t nf;
    rc_lag_fetches(p, np, &f, &nf);
    /* the newest message of orders/0 is read once for billing and search;
     * no read for no commit, caught up, or below the log start */
    assert_int_equal(nf, 7);
    assert_int_equal(f[0].partition, 0);
    assert_int_equal(f[0].offset, 4);
    assert_int_equal(f[1].offset, 6);
    assert_int_equal(f[2].offset, 9);
    read_all(f, nf, 7, 1); /* orders/2 offset 7 compacted away; orders/1 offset 1 no ts */
    rc_lag_measure(p, np, f, nf);
    free(f);
    /* sorted: audit 0 1 2, billing 0 1 2, search 0 */
    assert_int_equal(p[0].marker, RC_LAG_DELETED);
    assert_int_equal(p[0].offset_lag, 8);
    assert_int_equal(p[0].time_lag_ms, -1);
    assert_int_equal(p[1].marker, RC_LAG_NO_TIMESTAMP);
    assert_int_equal(p[2].marker, RC_LAG_DELETED);
    assert_int_equal(p[3].marker, RC_LAG_OK);
    assert_int_equal(p[3].offset_lag, 6);
    assert_int_equal(p[3].time_lag_ms, 5000);
    assert_int_equal(p[4].marker, RC_LAG_NO_COMMIT);
    assert_int_equal(p[4].offset_lag, -1);
    assert_int_equal(p[5].offset_lag, 0);
    assert_int_equal(p[5].time_lag_ms, 0);
    assert_int_equal(p[6].time_lag_ms, 3000);

    size_t nr;
    rc_lag_row *rows = rc_lag_rows(p, np, &nr);
    assert_int_equal(nr, 3);
    rc_lag_sort_rows(rows, nr);
    assert_string_equal(rows[0].group, "billing");
    assert_int_equal(rows[0].time_lag_ms, 5000);
    assert_int_equal(rows[0].offset_lag, 6);
    assert_int_equal(rows[0].markers[RC_LAG_NO_COMMIT], 1);
    assert_string_equal(rows[1].group, "search");
    assert_string_equal(rows[2].group, "audit"); /* no time lag known: last */
    assert_int_equal(rows[2].time_lag_ms, -1);
    assert_int_equal(rows[2].offset_lag, 8 + 2 + 3);

    assert_int_equal(rows[0].members, -1); /* until the caller knows */
    rows[0].members = 0;                   /* billing: its consumers stopped */
    rows[1].members = 2;
    /* every partition of the measured topics, one nobody reads among them */
    const rc_lag_end ends[] = {
        {"orders", 0, 0, 10}, {"orders", 1, 0, 3}, {"orders", 2, 0, 10}, {"quiet", 0, 4, 9}};
    rc_lag_report r = {"prod", NULL, rows, nr, p, ends, 4};
    FILE *out = tmpfile();
    rc_lag_print_text(out, &r, 1, false);
    rewind(out);
    char buf[16384] = "";
    size_t len = fread(buf, 1, sizeof(buf) - 1, out);
    buf[len] = '\0';
    fclose(out);
    assert_string_equal(buf, "cluster prod: 3 groups on topics, worst first\n"
                             "  billing on orders: time lag 5.0s, offset lag 6, 3 partitions "
                             "(1 no-commit); no members\n"
                             "  search on orders: time lag 3.0s, offset lag 4, 1 partition; "
                             "2 members\n"
                             "  audit on orders: time lag -, offset lag 13, 3 partitions "
                             "(2 deleted, 1 no-timestamp)\n");
    out = tmpfile();
    rc_lag_print_openmetrics(out, &r, 1, true);
    rewind(out);
    len = fread(buf, 1, sizeof(buf) - 1, out);
    buf[len] = '\0';
    fclose(out);
    assert_non_null(strstr(buf, "# TYPE reconcile_lag_seconds gauge\n"));
    assert_non_null(
        strstr(buf, "reconcile_lag_seconds{cluster=\"prod\",group=\"billing\",topic=\"orders\"} "
                    "5.000\n"));
    assert_null(strstr(buf, "reconcile_lag_seconds{cluster=\"prod\",group=\"audit\""));
    assert_non_null(strstr(buf, "reconcile_lag_partitions{cluster=\"prod\",group=\"audit\","
                                "topic=\"orders\",marker=\"deleted\"} 2\n"));
    assert_non_null(strstr(buf, "reconcile_lag_partition_offsets{cluster=\"prod\",group=\"billing\""
                                ",topic=\"orders\",partition=\"0\"} 6\n"));
    assert_string_equal(buf + len - 6, "# EOF\n");
    /* the end of orders/0 once, though three groups read it */
    const char *end0 =
        "reconcile_lag_end_offset{cluster=\"prod\",topic=\"orders\",partition=\"0\"} 10\n";
    const char *first = strstr(buf, end0);
    assert_non_null(first);
    assert_null(strstr(first + 1, end0));
    assert_non_null(strstr(
        buf, "reconcile_lag_end_offset{cluster=\"prod\",topic=\"quiet\",partition=\"0\"} 9\n"));
    assert_non_null(
        strstr(buf, "reconcile_lag_group_members{cluster=\"prod\",group=\"billing\"} 0\n"));
    assert_non_null(
        strstr(buf, "reconcile_lag_group_members{cluster=\"prod\",group=\"search\"} 2\n"));
    assert_null(strstr(buf, "reconcile_lag_group_members{cluster=\"prod\",group=\"audit\"}"));
    assert_non_null(strstr(buf, "reconcile_lag_committed_offset{cluster=\"prod\",group=\"billing\","
                                "topic=\"orders\",partition=\"0\"} 4\n"));
    assert_null(strstr(buf, "reconcile_lag_committed_offset{cluster=\"prod\",group=\"billing\","
                            "topic=\"orders\",partition=\"1\"}"));
    free(rows);
}

static void test_durations(void **state)
{
    (void)state;
    const struct {
        int64_t ms;
        const char *text;
    } cases[] = {{-1, "-"}, {0, "0ms"}, {350, "350ms"}, {4250, "4.2s"}, {250000, "4m10s"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *t = rc_lag_duration_text(cases[i].ms);
        assert_string_equal(t, cases[i].text);
        free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_and_markers),
        cmocka_unit_test(test_durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
