/* tape.h — what one task writes to its two streams (its report and its
 * messages), kept in memory while tasks run side by side, then replayed onto
 * the real streams so the result is the bytes the task would have written
 * there directly.
 *
 * A task writes with ordinary stdio calls to t->out and t->err. Each stream
 * replays byte for byte. Their interleaving (which matters only where both
 * reach one terminal) is kept at marks: everything written to err before a
 * mark is replayed before what is written to out after it, and within the
 * stretch between two marks err's bytes come before out's. A task that goes
 * back from out to err calls rc_tape_mark at that point.
 *
 * A live tape writes straight through to the streams it was given (the
 * sequential run); marking and replaying it do nothing.
 *
 * Threading: a tape belongs to one task at a time; different tapes may be
 * written concurrently. Memory is exhausted only by an abort, as rc_xmalloc. */
#ifndef RC_TAPE_H
#define RC_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct rc_tape {
    FILE *out, *err; /* where the task writes */
    bool live;
    char *obuf, *ebuf; /* the in-memory streams' contents */
    size_t olen, elen;
    size_t *marks; /* (err length, out length) pairs, in order */
    size_t nmarks;
} rc_tape;

void rc_tape_open(rc_tape *t);
void rc_tape_open_live(rc_tape *t, FILE *out, FILE *err);
void rc_tape_mark(rc_tape *t);
/* Close the task's streams and write what it wrote onto out and err, in
 * order; t is then empty and may be reopened. */
void rc_tape_replay(rc_tape *t, FILE *out, FILE *err);
/* Release without replaying (nothing the task wrote is shown). */
void rc_tape_free(rc_tape *t);

#endif
