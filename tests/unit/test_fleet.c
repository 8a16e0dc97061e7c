/* test_fleet.c — the pure parts of clusters in parallel (cli_fleet.c): how
 * many workers a run gets, and the progress line, which must fit the
 * terminal's width whatever the clusters are called. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_internal.h"

#include <stdlib.h>
#include <string.h>

static void test_workers(void **state)
{
    (void)state;
    assert_int_equal(fleet_workers(0, 12), FLEET_DEFAULT_WORKERS); /* the default */
    assert_int_equal(fleet_workers(0, 2), 2);                      /* never more than clusters */
    assert_int_equal(fleet_workers(8, 12), 8);
    assert_int_equal(fleet_workers(8, 3), 3);
    assert_int_equal(fleet_workers(1, 12), 1);
    assert_int_equal(fleet_workers(0, 0), 1); /* no cluster: still a valid count */
}

static void expect_line(const char *want, size_t done, size_t total, const char *const *running,
                        size_t n, size_t width)
{
    char *got = fleet_progress_line("plan", done, total, running, n, width);
    assert_string_equal(got, want);
    assert_true(strlen(got) < width);
    free(got);
}

static void test_progress_line(void **state)
{
    (void)state;
    const char *one[] = {"prod-eu"};
    const char *three[] = {"prod-eu", "prod-us", "staging"};
    expect_line("plan: 2/4 clusters done (prod-eu running)", 2, 4, one, 1, 80);
    expect_line("plan: 0/4 clusters done (prod-eu, prod-us, staging running)", 0, 4, three, 3, 80);
    expect_line("plan: 4/4 clusters done", 4, 4, NULL, 0, 80);
    /* names that do not fit are counted, never cut */
    expect_line("plan: 0/4 clusters done (prod-eu and 2 more running)", 0, 4, three, 3, 56);
    /* the first name is always shown; a narrow terminal cuts the line */
    expect_line("plan: 0/4 clusters done (p", 0, 4, three, 3, 27);
}

static void test_progress_line_escapes_names(void **state)
{
    (void)state;
    /* a directory name reaches the terminal: no control byte may */
    const char *odd[] = {"a\rb\x1b[2J"};
    char *got = fleet_progress_line("apply", 0, 2, odd, 1, 80);
    for (const char *p = got; *p; p++)
        assert_true((unsigned char)*p >= 0x20);
    assert_non_null(strstr(got, "apply: 0/2 clusters done (a?b?[2J running)"));
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers),
        cmocka_unit_test(test_progress_line),
        cmocka_unit_test(test_progress_line_escapes_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
