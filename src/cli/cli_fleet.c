/* cli_fleet.c — clusters side by side (cli_internal.h, "clusters in
 * parallel"): the items, the workers, the in-order replay of each cluster's
 * tape and the progress line on a terminal. */
#include "cli_internal.h"

#include "git_repo.h"
#include "parallel.h"
#include "textout.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

fleet_item *fleet_items(cli *c, const rc_repo *repo, size_t *n)
{
    fleet_item *items = rc_xcalloc(repo->nclusters ? repo->nclusters : 1, sizeof(*items));
    *n = 0;
    for (size_t i = 0; i < repo->nclusters; i++) {
        if (!cluster_selected(c, repo->clusters[i].name))
            continue;
        fleet_item *it = &items[(*n)++];
        it->c = c;
        it->decl = &repo->clusters[i];
        /* every secret registered here, on this thread, before any worker
         * reads c->secrets to mask */
        it->conn_error = expand_conn(c, it->decl, &it->conn);
        rc_tape_open_live(&it->tape, stdout, stderr);
        it->out = stdout;
        it->err = stderr;
    }
    return items;
}

void fleet_items_free(fleet_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cluster_conn_free(&items[i].conn);
        free(items[i].conn_error);
        rc_tape_free(&items[i].tape);
    }
    free(items);
}

size_t fleet_workers(int requested, size_t n)
{
    size_t w = requested > 0 ? (size_t)requested : FLEET_DEFAULT_WORKERS;
    if (w > n)
        w = n;
    return w ? w : 1;
}

char *fleet_progress_line(const char *command, size_t done, size_t total,
                          const char *const *running, size_t nrunning, size_t width)
{
    rc_buf b = {0};
    rc_buf_printf(&b, "%s: %zu/%zu cluster%s done", command, done, total, total == 1 ? "" : "s");
    size_t shown = 0;
    for (size_t i = 0; i < nrunning; i++) {
        char name[64];
        rc_text_shown(name, sizeof(name), running[i]);
        /* room for this name and the tail the names after it would need */
        size_t after = nrunning - i - 1;
        size_t tail = after ? (size_t)snprintf(NULL, 0, " and %zu more running)", after)
                            : strlen(" running)");
        if (shown > 0 && b.len + 2 + strlen(name) + tail >= width)
            break;
        rc_buf_printf(&b, "%s%s", shown ? ", " : " (", name);
        shown++;
    }
    if (shown < nrunning)
        rc_buf_printf(&b, " and %zu more running)", nrunning - shown);
    else if (shown > 0)
        rc_buf_puts(&b, " running)");
    if (width > 0 && b.len >= width)
        b.data[width - 1] = '\0';
    return rc_buf_take(&b);
}

/* ---- the run ---------------------------------------------------------------------- */

enum { WAITING, RUNNING, DONE };

typedef struct fleet_state {
    cli *c;
    fleet_item *items;
    size_t n;
    fleet_fn fn;
    void *ctx;
    pthread_mutex_t lock; /* guards what follows, and stdout and stderr */
    unsigned char *state;
    size_t done, printed; /* items[0..printed) are on stdout and stderr */
    bool progress;
    size_t drawn; /* bytes of the progress line on the terminal now */
} fleet_state;

static size_t terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Blank the line rather than use an escape sequence: works on any terminal. */
static void clear_progress(fleet_state *st)
{
    if (st->drawn == 0)
        return;
    fprintf(stderr, "\r%*s\r", (int)st->drawn, "");
    st->drawn = 0;
}

static void draw_progress(fleet_state *st)
{
    const char **running = rc_xcalloc(st->n, sizeof(*running));
    size_t nrunning = 0;
    for (size_t i = 0; i < st->n; i++)
        if (st->state[i] == RUNNING)
            running[nrunning++] = st->items[i].decl->name;
    char *line =
        fleet_progress_line(st->c->command, st->done, st->n, running, nrunning, terminal_width());
    size_t len = strlen(line);
    /* stdout may share the terminal: what it holds goes first */
    fflush(stdout);
    fprintf(stderr, "\r%s%*s", line, st->drawn > len ? (int)(st->drawn - len) : 0, "");
    fflush(stderr);
    st->drawn = len > st->drawn ? len : st->drawn;
    free(line);
    free(running);
}

/* Replay every finished item whose predecessors are all printed. */
static void print_ready(fleet_state *st)
{
    while (st->printed < st->n && st->state[st->printed] == DONE) {
        fleet_item *it = &st->items[st->printed++];
        rc_tape_replay(&it->tape, stdout, stderr);
        it->out = it->err = NULL;
    }
}

static void run_item(void *ctx, size_t i)
{
    fleet_state *st = ctx;
    pthread_mutex_lock(&st->lock);
    st->state[i] = RUNNING;
    if (st->progress)
        draw_progress(st);
    pthread_mutex_unlock(&st->lock);

    st->fn(&st->items[i], st->ctx, i);

    pthread_mutex_lock(&st->lock);
    st->state[i] = DONE;
    st->done++;
    bool ready = st->printed == i;
    if (st->progress && ready)
        clear_progress(st);
    if (ready)
        print_ready(st);
    if (st->progress && st->done < st->n)
        draw_progress(st);
    else if (st->progress)
        clear_progress(st);
    pthread_mutex_unlock(&st->lock);
}

void fleet_run(cli *c, fleet_item *items, size_t n, bool uses_git, fleet_fn fn, void *ctx)
{
    size_t workers = fleet_workers(c->parallel, n);
    bool held = uses_git && workers > 1;
    if (held && !rc_git_hold())
        workers = 1; /* a libgit2 without threads: one cluster at a time */
    fleet_state st = {.c = c, .items = items, .n = n, .fn = fn, .ctx = ctx};
    st.state = rc_xcalloc(n ? n : 1, sizeof(*st.state));
    pthread_mutex_init(&st.lock, NULL);
    for (size_t i = 0; i < n; i++) {
        if (workers > 1)
            rc_tape_open(&items[i].tape);
        else
            rc_tape_open_live(&items[i].tape, stdout, stderr);
        items[i].out = items[i].tape.out;
        items[i].err = items[i].tape.err;
    }
    /* a server's measurements are not watched on a terminal; -v writes
     * librdkafka's lines as they come, which would break the line up */
    st.progress = workers > 1 && !c->quiet && !c->verbose && !c->serve && isatty(STDERR_FILENO);
    rc_parallel_for(n, workers, run_item, &st);
    pthread_mutex_destroy(&st.lock);
    free(st.state);
    if (held)
        rc_git_release();
}
