/* ${ENV} expansion of cluster files and masking of substituted secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "secrets.h"

#include <stdlib.h>
#include <string.h>

static char err[256];

static void test_expands_variables_and_defaults(void **state)
{
    (void)state;
    setenv("RC_T_HOST", "broker-1:9092", 1);
    unsetenv("RC_T_MISSING");
    char *out = NULL;
    assert_int_equal(rc_env_expand(&out, "${RC_T_HOST},b2:9092", NULL, err, sizeof(err)), 0);
    assert_string_equal(out, "broker-1:9092,b2:9092");
    free(out);
    assert_int_equal(
        rc_env_expand(&out, "${RC_T_MISSING:-127.0.0.1:19092}", NULL, err, sizeof(err)), 0);
    assert_string_equal(out, "127.0.0.1:19092");
    free(out);
    assert_int_equal(rc_env_expand(&out, "cost $5 and $${literal}", NULL, err, sizeof(err)), 0);
    assert_string_equal(out, "cost $5 and ${literal}");
    free(out);
}

static void test_errors_name_the_variable(void **state)
{
    (void)state;
    unsetenv("RC_T_MISSING");
    char *out = NULL;
    assert_int_equal(rc_env_expand(&out, "x${RC_T_MISSING}", NULL, err, sizeof(err)), -1);
    assert_string_equal(err, "environment variable RC_T_MISSING is not set");
    assert_int_equal(rc_env_expand(&out, "${UNTERMINATED", NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unterminated"));
    assert_int_equal(rc_env_expand(&out, "${1BAD}", NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "invalid environment variable name"));
    /* an empty variable counts as unset: an empty password is never intended */
    setenv("RC_T_EMPTY", "", 1);
    assert_int_equal(rc_env_expand(&out, "${RC_T_EMPTY}", NULL, err, sizeof(err)), -1);
}

static void test_substituted_values_are_masked(void **state)
{
    (void)state;
    setenv("RC_T_PASS", "hunter2-secret", 1);
    rc_secrets s = {0};
    char *out = NULL;
    assert_int_equal(rc_env_expand(&out, "${RC_T_PASS}", &s, err, sizeof(err)), 0);
    free(out);
    /* defaults are written in the file, so they are not secrets */
    assert_int_equal(rc_env_expand(&out, "${RC_T_NOPE:-visible}", &s, err, sizeof(err)), 0);
    free(out);
    char *m = rc_secrets_mask(&s, "auth failed for password hunter2-secret (hunter2-secret)");
    assert_string_equal(m, "auth failed for password *** (***)");
    free(m);
    m = rc_secrets_mask(&s, "visible text stays");
    assert_string_equal(m, "visible text stays");
    free(m);
    rc_secrets_free(&s);
}

static void test_short_values_are_not_masked(void **state)
{
    (void)state;
    rc_secrets s = {0};
    rc_secrets_add(&s, "1");
    rc_secrets_add(&s, "ab");
    assert_int_equal(s.len, 0);
    rc_secrets_add(&s, "abc");
    rc_secrets_add(&s, "abc");
    assert_int_equal(s.len, 1);
    rc_secrets_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expands_variables_and_defaults),
        cmocka_unit_test(test_errors_name_the_variable),
        cmocka_unit_test(test_substituted_values_are_masked),
        cmocka_unit_test(test_short_values_are_not_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
