/* Unit tests for textout and the diagnostic printer: untrusted bytes reach a
 * terminal only as visible escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "diag.h"
#include "support.h"
#include "textout.h"

#include <string.h>

static void expect_put(void (*put)(FILE *, const char *), const char *in, const char *want)
{
    tcapture c;
    put(tcapture_open(&c), in);
    tcapture_close(&c);
    if (strcmp(c.data, want) != 0)
        fail_msg("got \"%s\", want \"%s\"", c.data, want);
    tcapture_free(&c);
}

static void test_text_put_escapes_controls(void **state)
{
    (void)state;
    expect_put(rc_text_put, "plain-name.v1 with spaces", "plain-name.v1 with spaces");
    expect_put(rc_text_put, NULL, "");
    expect_put(rc_text_put, "ev\033[2K\rok\033[31m.yaml", "ev\\x1b[2K\\rok\\x1b[31m.yaml");
    expect_put(rc_text_put, "a\nb\tc\001d\177e", "a\\nb\\tc\\x01d\\x7fe");
    /* UTF-8 passes, the C1 controls (U+009B is CSI) do not */
    expect_put(rc_text_put,
               "gr\xc3\xa4"
               "fana \xe2\x82\xac \xf0\x9f\x98\x80",
               "gr\xc3\xa4"
               "fana \xe2\x82\xac \xf0\x9f\x98\x80");
    expect_put(rc_text_put,
               "x\xc2\x9b"
               "2Jy\xc2\x85z\xc2\xa0",
               "x\\u009b2Jy\\u0085z\xc2\xa0");
    /* bytes that are not UTF-8, overlong forms and cut-off sequences */
    expect_put(rc_text_put,
               "\x9b"
               "2J \xff \xc0\x9b \xe0\x82\x9b \xe2\x82",
               "\\x9b2J \\xff \\xc0\\x9b \\xe0\\x82\\x9b \\xe2\\x82");
    expect_put(rc_text_put, "\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
    /* several lines: the breaks stay, everything else is escaped the same */
    expect_put(rc_text_put_lines, "one\ntwo\r\n\033]0;t\007\n", "one\ntwo\\r\n\\x1b]0;t\\x07\n");
}

static void test_diags_print_escapes(void **state)
{
    (void)state;
    rc_diags d = {0};
    rc_diags_add(&d, RC_SEV_ERROR, "topics/it/ev\033[2K\rok.yaml", 2, 8, "unknown-team",
                 "owner \"%s\" is not a team", "no\nbody");
    rc_diags_add(&d, RC_SEV_WARNING, "topics/it/a.yaml", 1, 1, "throughput", "fine");
    tcapture c;
    rc_diags_print(&d, tcapture_open(&c));
    tcapture_close(&c);
    assert_string_equal(c.data, "topics/it/ev\\x1b[2K\\rok.yaml:2:8: unknown-team: owner "
                                "\"no\\nbody\" is not a team\n"
                                "topics/it/a.yaml:1:1: warning: throughput: fine\n");
    tcapture_free(&c);
    rc_diags_free(&d);
}

/* The two Markdown sets differ exactly by > # ! (plan output predates them). */
static void test_md_text_sets(void **state)
{
    (void)state;
    rc_buf a = {0}, b = {0};
    rc_md_text(&a, "1 -> 3 #! *x*\n|", RC_MD_MIDLINE);
    rc_md_text(&b, "1 -> 3 #! *x*\n|", RC_MD_ANYWHERE);
    assert_string_equal(a.data, "1 -> 3 #! \\*x\\* \\|");
    assert_string_equal(b.data, "1 -\\> 3 \\#\\! \\*x\\* \\|");
    rc_buf_free(&a);
    rc_buf_free(&b);
}

static void test_url_escape(void **state)
{
    (void)state;
    rc_buf q = {0}, p = {0};
    rc_url_escape(&q, "a b/c~\0x", 8, false);
    rc_url_escape(&p, "topics/a b.yaml", 15, true);
    assert_string_equal(q.data, "a%20b%2Fc~%00x");
    assert_string_equal(p.data, "topics/a%20b.yaml");
    rc_buf_free(&q);
    rc_buf_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_put_escapes_controls),
        cmocka_unit_test(test_diags_print_escapes),
        cmocka_unit_test(test_md_text_sets),
        cmocka_unit_test(test_url_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
