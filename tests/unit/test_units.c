/* test_units.c — durations, sizes and Prometheus-style formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* Helpers that return the parsed value and assert success, so each case is
 * one line and a failure names the input. */
static long long ms_ok(const char *text)
{
    long long v = 12345;
    char err[256] = "";
    int rc = rc_units_parse_duration_ms(&v, text, err, sizeof(err));
    if (rc != 0)
        fail_msg("duration_ms(\"%s\") failed: %s", text, err);
    return v;
}

static long long s_ok(const char *text)
{
    long long v = 12345;
    char err[256] = "";
    int rc = rc_units_parse_duration_s(&v, text, err, sizeof(err));
    if (rc != 0)
        fail_msg("duration_s(\"%s\") failed: %s", text, err);
    return v;
}

static long long bytes_ok(const char *text)
{
    long long v = 12345;
    char err[256] = "";
    int rc = rc_units_parse_bytes(&v, text, err, sizeof(err));
    if (rc != 0)
        fail_msg("bytes(\"%s\") failed: %s", text, err);
    return v;
}

typedef int (*parse_fn)(long long *, const char *, char *, size_t);

/* Asserts failure with the given code, that *out is untouched, and that the
 * message contains `needle`. */
static void expect_err(parse_fn fn, const char *text, int code, const char *needle)
{
    long long v = 777;
    char err[256] = "";
    int rc = fn(&v, text, err, sizeof(err));
    if (rc == 0)
        fail_msg("\"%s\" was accepted as %lld", text ? text : "(null)", v);
    assert_int_equal(rc, code);
    assert_int_equal(v, 777);
    assert_true(err[0] != '\0');
    assert_null(strchr(err, '\n'));
    if (needle && !strstr(err, needle))
        fail_msg("error for \"%s\" is \"%s\", expected it to mention \"%s\"", text, err, needle);
}

/* ---- durations ----------------------------------------------------------- */

static void test_duration_every_unit(void **state)
{
    (void)state;
    assert_int_equal(ms_ok("500ms"), 500);
    assert_int_equal(ms_ok("1s"), 1000);
    assert_int_equal(ms_ok("30s"), 30000);
    assert_int_equal(ms_ok("5m"), 300000);
    assert_int_equal(ms_ok("1h"), 3600000);
    assert_int_equal(ms_ok("12h"), 43200000);
    assert_int_equal(ms_ok("7d"), 604800000);
    assert_int_equal(ms_ok("1w"), 604800000);
    assert_int_equal(ms_ok("2w"), 1209600000);
    assert_int_equal(ms_ok("0ms"), 0);
    assert_int_equal(ms_ok("0d"), 0);
}

static void test_duration_bare_integer(void **state)
{
    (void)state;
    assert_int_equal(ms_ok("0"), 0);
    assert_int_equal(ms_ok("3600000"), 3600000);
    assert_int_equal(ms_ok("007"), 7);
    assert_int_equal(ms_ok("-1"), -1);
    assert_int_equal(ms_ok("9223372036854775807"), LLONG_MAX);
    assert_int_equal(s_ok("300"), 300);
    assert_int_equal(s_ok("-1"), -1);
    /* only the bare "-1" means unlimited: "-01" is refused, not read as -1 */
    long long v = 42;
    char err[128];
    assert_true(rc_units_parse_duration_ms(&v, "-01", err, sizeof(err)) < 0);
    assert_true(rc_units_parse_bytes(&v, "-001", err, sizeof(err)) < 0);
    assert_int_equal(v, 42);
}

static void test_duration_compound(void **state)
{
    (void)state;
    assert_int_equal(ms_ok("1h30m"), 5400000);
    assert_int_equal(ms_ok("1d1h1m1s"), 90061000);
    assert_int_equal(ms_ok("1w2d"), 9 * 86400000LL);
    assert_int_equal(ms_ok("1s500ms"), 1500);
    assert_int_equal(ms_ok("2h0m"), 7200000);
    assert_int_equal(s_ok("1h30m"), 5400);
    assert_int_equal(s_ok("1d1h1m1s"), 90061);
}

static void test_duration_seconds(void **state)
{
    (void)state;
    assert_int_equal(s_ok("5m"), 300);
    assert_int_equal(s_ok("10m"), 600);
    assert_int_equal(s_ok("1w"), 604800);
    assert_int_equal(s_ok("2000ms"), 2);
    assert_int_equal(s_ok("0ms"), 0);
    assert_int_equal(s_ok("1s1000ms"), 2);
    /* Seconds reach further than milliseconds before overflowing. */
    assert_int_equal(s_ok("9223372036854775807"), LLONG_MAX);
    assert_int_equal(s_ok("106751991167d"), 106751991167LL * 86400);
    expect_err(rc_units_parse_duration_s, "1500ms", RC_UNITS_EMALFORMED, "whole number of seconds");
    expect_err(rc_units_parse_duration_s, "1s500ms", RC_UNITS_EMALFORMED,
               "whole number of seconds");
    expect_err(rc_units_parse_duration_s, "1ms", RC_UNITS_EMALFORMED, "whole number of seconds");
}

static void test_duration_errors(void **state)
{
    (void)state;
    parse_fn f = rc_units_parse_duration_ms;
    /* empty */
    expect_err(f, "", RC_UNITS_EMALFORMED, "empty");
    expect_err(f, NULL, RC_UNITS_EMALFORMED, "empty");
    /* not a number at all: the wording the validate output promises */
    expect_err(f, "seven days", RC_UNITS_EMALFORMED,
               "is not a duration (use e.g. 7d, 12h, 3600000)");
    expect_err(f, "d", RC_UNITS_EMALFORMED, "is not a duration");
    expect_err(f, "+5", RC_UNITS_EMALFORMED, "is not a duration");
    expect_err(f, "+5d", RC_UNITS_EMALFORMED, "is not a duration");
    /* whitespace */
    expect_err(f, " 7d", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, "7d ", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, "7 d", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, "1h 30m", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, "7\td", RC_UNITS_EMALFORMED, "whitespace");
    /* garbage suffix and unknown units */
    expect_err(f, "7dx", RC_UNITS_EMALFORMED, "unknown duration unit \"dx\"");
    expect_err(f, "7d!", RC_UNITS_EMALFORMED, "unexpected '!'");
    expect_err(f, "7days", RC_UNITS_EMALFORMED, "unknown duration unit \"days\"");
    expect_err(f, "7D", RC_UNITS_EMALFORMED, "case-sensitive");
    expect_err(f, "5M", RC_UNITS_EMALFORMED, "unknown duration unit \"M\"");
    expect_err(f, "1H", RC_UNITS_EMALFORMED, "unknown duration unit");
    expect_err(f, "1y", RC_UNITS_EMALFORMED, "unknown duration unit \"y\"");
    expect_err(f, "10us", RC_UNITS_EMALFORMED, "unknown duration unit");
    expect_err(f, "1,000", RC_UNITS_EMALFORMED, "unexpected ','");
    expect_err(f, "1_000", RC_UNITS_EMALFORMED, "unexpected '_'");
    expect_err(f, "7d\033", RC_UNITS_EMALFORMED, "unexpected '\\x1b'");
    expect_err(f, "7d\xc3\xa9", RC_UNITS_EMALFORMED, "unexpected '\\xc3'");
    expect_err(f, "0x10", RC_UNITS_EMALFORMED, "unknown duration unit \"x\"");
    /* fractions */
    expect_err(f, "1.5h", RC_UNITS_EMALFORMED, "fractions are not supported");
    expect_err(f, "0.5", RC_UNITS_EMALFORMED, "fractions are not supported");
    /* compound rules */
    expect_err(f, "1h30", RC_UNITS_EMALFORMED, "has no unit");
    expect_err(f, "30m1h", RC_UNITS_EMALFORMED, "largest to smallest");
    expect_err(f, "1h1h", RC_UNITS_EMALFORMED, "largest to smallest");
    expect_err(f, "500ms1s", RC_UNITS_EMALFORMED, "largest to smallest");
    /* negatives: only the bare -1 */
    expect_err(f, "-7d", RC_UNITS_EMALFORMED, "negative");
    expect_err(f, "-2", RC_UNITS_ERANGE, "only -1");
    expect_err(f, "-0", RC_UNITS_ERANGE, "only -1");
    expect_err(f, "-", RC_UNITS_EMALFORMED, "negative");
    expect_err(f, "--1", RC_UNITS_EMALFORMED, "negative");
}

static void test_duration_overflow(void **state)
{
    (void)state;
    parse_fn f = rc_units_parse_duration_ms;
    expect_err(f, "99999999999999999999d", RC_UNITS_ERANGE, "too large");
    expect_err(f, "99999999999999999999", RC_UNITS_ERANGE, "too large");
    expect_err(f, "9223372036854775808", RC_UNITS_ERANGE, "too large");
    expect_err(f, "-99999999999999999999", RC_UNITS_ERANGE, NULL);
    expect_err(f, "99999999999999999999999999999999999999999ms", RC_UNITS_ERANGE, "too large");
    /* the largest whole number of days that fits, and one more */
    assert_int_equal(ms_ok("106751991167d"), 106751991167LL * 86400000);
    expect_err(f, "106751991168d", RC_UNITS_ERANGE, "too large");
    expect_err(f, "15250284452w4d", RC_UNITS_ERANGE, "too large"); /* the sum overflows */
    assert_int_equal(ms_ok("15250284452w3d"), 15250284452LL * 604800000 + 3 * 86400000LL);
    expect_err(rc_units_parse_duration_s, "99999999999999999999w", RC_UNITS_ERANGE, "too large");
    expect_err(rc_units_parse_duration_s, "15250284452472w", RC_UNITS_ERANGE, "too large");
    assert_int_equal(s_ok("15250284452471w"), 15250284452471LL * 604800);
}

static void test_duration_error_buffer_handling(void **state)
{
    (void)state;
    long long v = 1;
    /* A NULL or tiny errbuf must be safe. */
    assert_int_equal(rc_units_parse_duration_ms(&v, "nope", NULL, 0), RC_UNITS_EMALFORMED);
    char tiny[8];
    assert_int_equal(rc_units_parse_duration_ms(&v, "nope", tiny, sizeof(tiny)),
                     RC_UNITS_EMALFORMED);
    assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
    assert_int_equal(v, 1);
    /* A huge input is quoted in short and without control bytes. */
    size_t n = 10000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    big[3] = '\033';
    char err[256];
    assert_int_equal(rc_units_parse_duration_ms(&v, big, err, sizeof(err)), RC_UNITS_EMALFORMED);
    assert_non_null(strstr(err, "..."));
    assert_null(strchr(err, '\033'));
    assert_true(strlen(err) < 200);
    free(big);
}

/* ---- sizes ----------------------------------------------------------------- */

static void test_bytes_every_unit(void **state)
{
    (void)state;
    assert_int_equal(bytes_ok("0"), 0);
    assert_int_equal(bytes_ok("1048576"), 1048576);
    assert_int_equal(bytes_ok("-1"), -1);
    assert_int_equal(bytes_ok("1B"), 1);
    assert_int_equal(bytes_ok("100B"), 100);
    assert_int_equal(bytes_ok("1KB"), 1000);
    assert_int_equal(bytes_ok("1MB"), 1000000);
    assert_int_equal(bytes_ok("1GB"), 1000000000);
    assert_int_equal(bytes_ok("1TB"), 1000000000000LL);
    assert_int_equal(bytes_ok("1KiB"), 1024);
    assert_int_equal(bytes_ok("1MiB"), 1048576);
    assert_int_equal(bytes_ok("512MiB"), 536870912);
    assert_int_equal(bytes_ok("1GiB"), 1073741824);
    assert_int_equal(bytes_ok("1TiB"), 1099511627776LL);
    assert_int_equal(bytes_ok("0GiB"), 0);
    assert_int_equal(bytes_ok("9223372036854775807"), LLONG_MAX);
    assert_int_equal(bytes_ok("8388607TiB"), 8388607LL << 40);
    assert_int_equal(bytes_ok("9223372TB"), 9223372LL * 1000000000000LL);
}

static void test_bytes_errors(void **state)
{
    (void)state;
    parse_fn f = rc_units_parse_bytes;
    expect_err(f, "", RC_UNITS_EMALFORMED, "empty");
    expect_err(f, NULL, RC_UNITS_EMALFORMED, "empty");
    expect_err(f, "big", RC_UNITS_EMALFORMED, "is not a size (use e.g. 512MiB");
    /* Case matters and the message names the right spelling. */
    expect_err(f, "1kb", RC_UNITS_EMALFORMED, "did you mean \"KB\"");
    expect_err(f, "1mib", RC_UNITS_EMALFORMED, "did you mean \"MiB\"");
    expect_err(f, "1MIB", RC_UNITS_EMALFORMED, "did you mean \"MiB\"");
    expect_err(f, "1b", RC_UNITS_EMALFORMED, "did you mean \"B\"");
    expect_err(f, "1K", RC_UNITS_EMALFORMED, "unknown size unit \"K\"");
    expect_err(f, "1k", RC_UNITS_EMALFORMED, "unknown size unit \"k\"");
    expect_err(f, "1G", RC_UNITS_EMALFORMED, "unknown size unit");
    expect_err(f, "1PB", RC_UNITS_EMALFORMED, "unknown size unit");
    expect_err(f, "1GBx", RC_UNITS_EMALFORMED, "unknown size unit \"GBx\"");
    expect_err(f, "1GiB512MiB", RC_UNITS_EMALFORMED, "one number and one unit");
    expect_err(f, "1GiB!", RC_UNITS_EMALFORMED, "one number and one unit");
    expect_err(f, "1.5GiB", RC_UNITS_EMALFORMED, "fractions are not supported");
    expect_err(f, "512 MiB", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, " 512MiB", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, "512MiB\n", RC_UNITS_EMALFORMED, "whitespace");
    expect_err(f, "-1B", RC_UNITS_EMALFORMED, "negative");
    expect_err(f, "-5", RC_UNITS_ERANGE, "only -1");
    expect_err(f, "+5", RC_UNITS_EMALFORMED, "is not a size");
    expect_err(f, "8388608TiB", RC_UNITS_ERANGE, "too large");
    expect_err(f, "9223373TB", RC_UNITS_ERANGE, "too large");
    expect_err(f, "99999999999999999999", RC_UNITS_ERANGE, "too large");
    expect_err(f, "99999999999999999999B", RC_UNITS_ERANGE, "too large");
    expect_err(f, "5d", RC_UNITS_EMALFORMED, "unknown size unit \"d\"");
}

/* ---- formatting -------------------------------------------------------------- */

static void expect_format(long long secs, const char *want)
{
    char *got = rc_units_format_duration_s(secs);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("format(%lld) = \"%s\", want \"%s\"", secs, got, want);
    free(got);
}

static void test_format_duration(void **state)
{
    (void)state;
    expect_format(0, "0s");
    expect_format(1, "1s");
    expect_format(59, "59s");
    expect_format(60, "1m");
    expect_format(300, "5m");
    expect_format(600, "10m");
    expect_format(3600, "1h");
    expect_format(5400, "1h30m");
    expect_format(3601, "1h1s");
    expect_format(86400, "1d");
    expect_format(90061, "1d1h1m1s");
    /* Weeks only when exact, like Prometheus: "10d", not "1w3d". */
    expect_format(604800, "1w");
    expect_format(1209600, "2w");
    expect_format(864000, "10d");
    expect_format(604801, "7d1s");
    /* No years: 365 days is written in days (52w1d would be inexact weeks). */
    expect_format(365 * 86400LL, "365d");
    expect_format(-300, "-5m");
}

static void test_format_extremes(void **state)
{
    (void)state;
    /* LLONG_MIN must not be negated in signed arithmetic. */
    char *s = rc_units_format_duration_s(LLONG_MIN);
    assert_non_null(s);
    assert_int_equal(s[0], '-');
    free(s);
    s = rc_units_format_duration_s(LLONG_MAX);
    assert_non_null(s);
    long long back = 0;
    assert_int_equal(rc_units_parse_duration_s(&back, s, NULL, 0), 0);
    assert_int_equal(back, LLONG_MAX);
    free(s);
}

static void test_format_round_trips(void **state)
{
    (void)state;
    /* Everything the formatter writes, the parser reads back to the same value. */
    static const long long samples[] = {0,      1,      59,      60,      61,       3599,
                                        3600,   5400,   86399,   86400,   90061,    604799,
                                        604800, 604801, 1209600, 2419200, 31536000, 123456789};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        char *s = rc_units_format_duration_s(samples[i]);
        long long back = -5;
        char err[256] = "";
        if (rc_units_parse_duration_s(&back, s, err, sizeof(err)) != 0)
            fail_msg("\"%s\" (from %lld) does not parse: %s", s, samples[i], err);
        assert_int_equal(back, samples[i]);
        free(s);
    }
    for (long long v = 0; v < 200000; v += 997) {
        char *s = rc_units_format_duration_s(v);
        long long back = -5;
        assert_int_equal(rc_units_parse_duration_s(&back, s, NULL, 0), 0);
        assert_int_equal(back, v);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_every_unit),
        cmocka_unit_test(test_duration_bare_integer),
        cmocka_unit_test(test_duration_compound),
        cmocka_unit_test(test_duration_seconds),
        cmocka_unit_test(test_duration_errors),
        cmocka_unit_test(test_duration_overflow),
        cmocka_unit_test(test_duration_error_buffer_handling),
        cmocka_unit_test(test_bytes_every_unit),
        cmocka_unit_test(test_bytes_errors),
        cmocka_unit_test(test_format_duration),
        cmocka_unit_test(test_format_extremes),
        cmocka_unit_test(test_format_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
