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

/* Registered in the order a cluster file names them: the username first, then
 * a password that begins with it. The whole password must vanish. */
static void test_secret_that_starts_with_another_is_masked_whole(void **state)
{
    (void)state;
    rc_secrets s = {0};
    rc_secrets_add(&s, "svc-orders");
    rc_secrets_add(&s, "svc-orders-S3cr3t!x");
    char *m = rc_secrets_mask(&s, "user svc-orders password svc-orders-S3cr3t!x rejected");
    assert_string_equal(m, "user *** password *** rejected");
    assert_null(strstr(m, "S3cr3t"));
    free(m);
    /* a secret that ends inside another (suffix) and overlapping values */
    rc_secrets t = {0};
    rc_secrets_add(&t, "S3cr3t!x");
    rc_secrets_add(&t, "pre-S3cr3t!x");
    m = rc_secrets_mask(&t, "[pre-S3cr3t!x] [S3cr3t!x]");
    assert_string_equal(m, "[***] [***]");
    free(m);
    /* two values that overlap in the text ("abcX" + "cXYZ" as "abcXYZ"):
     * masked as one run, no tail of the second left over */
    rc_secrets_add(&t, "Kq7m-");
    rc_secrets_add(&t, "m-Zp9w");
    m = rc_secrets_mask(&t, "[Kq7m-Zp9w]");
    assert_string_equal(m, "[***]");
    free(m);
    rc_secrets_free(&t);
    rc_secrets_free(&s);
}

/* librdkafka cuts its error text at 512 bytes: a long secret printed near the
 * end arrives cut short, and its first part must not leak. */
static void test_cut_short_secret_is_masked(void **state)
{
    (void)state;
    char secret[561];
    for (size_t i = 0; i < sizeof(secret) - 1; i++)
        secret[i] = (char)('a' + (i * 7) % 26);
    secret[sizeof(secret) - 1] = '\0';
    rc_secrets s = {0};
    rc_secrets_add(&s, secret);
    /* what a 512-byte buffer keeps of "Invalid value \"<secret>\"" */
    char msg[512];
    const char *lead = "Invalid value \"";
    size_t lead_len = strlen(lead);
    memcpy(msg, lead, lead_len);
    memcpy(msg + lead_len, secret, sizeof(msg) - 1 - lead_len);
    msg[sizeof(msg) - 1] = '\0';
    char *m = rc_secrets_mask(&s, msg);
    assert_string_equal(m, "Invalid value \"***");
    free(m);
    /* a short tail that merely resembles the start stays (under 4 bytes) */
    m = rc_secrets_mask(&s, "ends in ahov");
    assert_string_equal(m, "ends in ***");
    free(m);
    m = rc_secrets_mask(&s, "ends in aho");
    assert_string_equal(m, "ends in aho");
    free(m);
    rc_secrets_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expands_variables_and_defaults),
        cmocka_unit_test(test_errors_name_the_variable),
        cmocka_unit_test(test_substituted_values_are_masked),
        cmocka_unit_test(test_short_values_are_not_masked),
        cmocka_unit_test(test_secret_that_starts_with_another_is_masked_whole),
        cmocka_unit_test(test_cut_short_secret_is_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
