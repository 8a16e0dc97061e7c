/* test_parallel.c — rc_parallel_for calls every item exactly once, however
 * many workers and items (fewer items than workers, none, many). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parallel.h"

#include <stdlib.h>

typedef struct counts {
    int *calls;
} counts;

static void count(void *ctx, size_t i)
{
    __atomic_fetch_add(&((counts *)ctx)->calls[i], 1, __ATOMIC_RELAXED);
}

static void test_every_item_once(void **state)
{
    (void)state;
    const size_t items[] = {0, 1, 3, 1000};
    const size_t workers[] = {0, 1, 2, 8, 2000};
    for (size_t a = 0; a < sizeof(items) / sizeof(items[0]); a++)
        for (size_t b = 0; b < sizeof(workers) / sizeof(workers[0]); b++) {
            counts c = {calloc(items[a] + 1, sizeof(int))};
            rc_parallel_for(items[a], workers[b], count, &c);
            for (size_t i = 0; i < items[a]; i++)
                assert_int_equal(c.calls[i], 1);
            assert_int_equal(c.calls[items[a]], 0); /* nothing past the end */
            free(c.calls);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_item_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
