/* parallel.h — run independent items on a bounded number of threads.
 *
 * rc_parallel_for calls fn(ctx, i) once for every i in [0, n), on at most
 * `workers` threads (the calling thread is one of them), each taking the
 * next item not yet taken, and returns when every call has returned. Items
 * must not depend on each other; fn records its own outcome (a slot per
 * item in ctx), so whatever finishes first, the caller reads results in
 * item order. A thread that cannot be started costs parallelism, never an
 * item: the threads that did start (at least the caller) take its share. */
#ifndef RC_PARALLEL_H
#define RC_PARALLEL_H

#include <stddef.h>

typedef void (*rc_parallel_fn)(void *ctx, size_t i);

void rc_parallel_for(size_t n, size_t workers, rc_parallel_fn fn, void *ctx);

#endif
