/* parallel.c — see parallel.h. */
#include "parallel.h"

#include "util.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct pool {
    pthread_mutex_t lock;
    size_t next, n;
    rc_parallel_fn fn;
    void *ctx;
} pool;

static void *work(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i == p->n)
            return NULL;
        p->fn(p->ctx, i);
    }
}

void rc_parallel_for(size_t n, size_t workers, rc_parallel_fn fn, void *ctx)
{
    if (workers > n)
        workers = n;
    if (workers <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return;
    }
    pool p = {.next = 0, .n = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&p.lock, NULL);
    pthread_t *tids = rc_xcalloc(workers - 1, sizeof(*tids));
    size_t started = 0;
    while (started < workers - 1 && pthread_create(&tids[started], NULL, work, &p) == 0)
        started++;
    work(&p);
    for (size_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    pthread_mutex_destroy(&p.lock);
}
