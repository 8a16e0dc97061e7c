/* tape.c — see tape.h. */
#include "tape.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

void rc_tape_open(rc_tape *t)
{
    memset(t, 0, sizeof(*t));
    t->out = open_memstream(&t->obuf, &t->olen);
    t->err = open_memstream(&t->ebuf, &t->elen);
    if (!t->out || !t->err)
        abort(); /* only out of memory: as rc_xmalloc */
}

void rc_tape_open_live(rc_tape *t, FILE *out, FILE *err)
{
    memset(t, 0, sizeof(*t));
    t->out = out;
    t->err = err;
    t->live = true;
}

void rc_tape_mark(rc_tape *t)
{
    if (t->live)
        return;
    /* a memory stream's length is updated when it is flushed */
    fflush(t->out);
    fflush(t->err);
    t->marks = rc_xrealloc(t->marks, (t->nmarks + 1) * 2 * sizeof(*t->marks));
    t->marks[2 * t->nmarks] = t->elen;
    t->marks[2 * t->nmarks + 1] = t->olen;
    t->nmarks++;
}

static void close_streams(rc_tape *t)
{
    if (!t->live) {
        if (t->out)
            fclose(t->out);
        if (t->err)
            fclose(t->err);
    }
    t->out = t->err = NULL;
}

void rc_tape_replay(rc_tape *t, FILE *out, FILE *err)
{
    bool live = t->live;
    close_streams(t); /* final lengths */
    size_t e0 = 0, o0 = 0;
    for (size_t k = 0; !live && k <= t->nmarks; k++) {
        size_t e1 = k < t->nmarks ? t->marks[2 * k] : t->elen;
        size_t o1 = k < t->nmarks ? t->marks[2 * k + 1] : t->olen;
        if (e1 > e0)
            fwrite(t->ebuf + e0, 1, e1 - e0, err);
        if (o1 > o0)
            fwrite(t->obuf + o0, 1, o1 - o0, out);
        e0 = e1;
        o0 = o1;
    }
    rc_tape_free(t);
}

void rc_tape_free(rc_tape *t)
{
    close_streams(t);
    free(t->obuf);
    free(t->ebuf);
    free(t->marks);
    memset(t, 0, sizeof(*t));
}
