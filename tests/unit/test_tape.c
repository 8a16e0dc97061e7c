/* test_tape.c — a tape replays each stream byte for byte and keeps the
 * interleaving at its marks; a live tape writes straight through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tape.h"

#include <stdlib.h>
#include <string.h>

/* Replays into one memory stream for both, so the interleaving shows. */
static char *replay_both(rc_tape *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *both = open_memstream(&text, &len);
    assert_non_null(both);
    rc_tape_replay(t, both, both);
    fclose(both);
    return text;
}

static void test_each_stream_byte_for_byte(void **state)
{
    (void)state;
    rc_tape t;
    rc_tape_open(&t);
    fprintf(t.out, "report %d\n", 1);
    fputs("message\n", t.err);
    fwrite("a\0b", 1, 3, t.out); /* bytes, not strings */
    char *o = NULL, *e = NULL;
    size_t ol = 0, el = 0;
    FILE *out = open_memstream(&o, &ol), *err = open_memstream(&e, &el);
    rc_tape_replay(&t, out, err);
    fclose(out);
    fclose(err);
    assert_int_equal(ol, strlen("report 1\n") + 3);
    assert_memory_equal(o, "report 1\na\0b", ol);
    assert_string_equal(e, "message\n");
    assert_null(t.out);
    free(o);
    free(e);
}

static void test_marks_keep_the_interleaving(void **state)
{
    (void)state;
    rc_tape t;
    rc_tape_open(&t);
    fputs("e1 ", t.err);
    fputs("o1 ", t.out);
    rc_tape_mark(&t);
    fputs("e2 ", t.err);
    rc_tape_mark(&t);
    rc_tape_mark(&t); /* an empty stretch writes nothing */
    fputs("o3 ", t.out);
    fputs("e3 ", t.err);
    char *text = replay_both(&t);
    /* between two marks err's bytes come first */
    assert_string_equal(text, "e1 o1 e2 e3 o3 ");
    free(text);
}

static void test_nothing_written(void **state)
{
    (void)state;
    rc_tape t;
    rc_tape_open(&t);
    char *text = replay_both(&t);
    assert_string_equal(text, "");
    free(text);
    rc_tape_open(&t); /* free without replay releases everything */
    fputs("never shown", t.out);
    rc_tape_free(&t);
}

static void test_live_writes_through(void **state)
{
    (void)state;
    char *o = NULL;
    size_t ol = 0;
    FILE *out = open_memstream(&o, &ol);
    rc_tape t;
    rc_tape_open_live(&t, out, out);
    fputs("now", t.out);
    rc_tape_mark(&t);
    fflush(out);
    assert_string_equal(o, "now"); /* before any replay */
    rc_tape_replay(&t, stdout, stderr);
    fclose(out); /* still open after the replay: the tape does not own it */
    assert_string_equal(o, "now");
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_stream_byte_for_byte),
        cmocka_unit_test(test_marks_keep_the_interleaving),
        cmocka_unit_test(test_nothing_written),
        cmocka_unit_test(test_live_writes_through),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
