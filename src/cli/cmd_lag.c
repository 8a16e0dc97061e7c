/* cmd_lag.c — consumer lag in time for the declared groups (lag.h): read
 * the committed offsets, the watermarks and two messages' timestamps per
 * partition behind, print per group and topic. */
#include "commands.h"

#include "kadmin.h"
#include "lag.h"
#include "lag_print.h"
#include "metrics_server.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <stdlib.h>
#include <string.h>

static int set_topic(cli *c, const char *arg)
{
    c->lag_topics[c->nlag_topics++] = arg;
    return 0;
}

static int set_group(cli *c, const char *arg)
{
    c->lag_groups[c->nlag_groups++] = arg;
    return 0;
}

static int set_serve(cli *c, const char *arg)
{
    c->serve = arg;
    return 0;
}

static int set_min_interval(cli *c, const char *arg)
{
    return parse_ms_option(&c->min_interval_ms, "--min-interval", "15s", arg, 0, 3600000);
}

static int set_all_groups(cli *c, const char *arg)
{
    (void)arg;
    c->all_groups = true;
    return 0;
}

const rc_option cmd_lag_options[] = {
    {"topic", 0, "NAME", "only this declared topic (repeatable)", CMD_LAG, set_topic},
    {"group", 0, "NAME", "only this group (repeatable); with --all-groups, any group of that name",
     CMD_LAG, set_group},
    {"all-groups", 0, NULL,
     "every group with committed offsets on a declared topic, not only the declared consumers",
     CMD_LAG, set_all_groups},
    {"serve", 0, "ADDR",
     "be a Prometheus exporter of these figures on http://ADDR/metrics ([HOST:]PORT; "
     "loopback when no host is given) until stopped (SIGTERM, SIGINT); --deadline does "
     "not apply",
     CMD_LAG, set_serve},
    {"min-interval", 0, "DURATION",
     "with --serve: a scrape sooner than this after the last measurement is answered from "
     "it (default 15s)",
     CMD_LAG, set_min_interval},
    {NULL, 0, NULL, NULL, 0, NULL},
};

static bool listed(const char *const *v, size_t n, const char *s)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* What one cluster measured; owns its strings through the group offsets. */
typedef struct measured {
    rc_group_offsets *offsets; /* owns the group names the rest borrows */
    size_t noffsets;
    rc_lag_partition *parts;
    size_t nparts;
    rc_lag_row *rows;
    size_t nrows;
    rc_lag_end *ends; /* every partition of the measured topics */
    size_t nends;
    const char **groups; /* the groups measured, sorted, each once (offsets' names) */
    int *members;        /* parallel to groups */
    size_t ngroup_names;
    char *error;
} measured;

static void measured_free(measured *m)
{
    rc_group_offsets_free(m->offsets, m->noffsets);
    free(m->parts);
    free(m->rows);
    free(m->ends);
    free(m->groups);
    free(m->members);
    free(m->error);
}

typedef struct pair {
    const char *group, *topic;
} pair;

/* The (group, topic) pairs to measure: the declared consumers, or with
 * --all-groups every group that committed on a declared topic. */
static char *choose_pairs(cli *c, const rc_cluster_decl *d, rc_kadmin *ka, pair **out, size_t *n,
                          rc_group_offsets **all, size_t *nall)
{
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < d->ntopics; i++) {
        const rc_topic_decl *t = &d->topics[i];
        if (!listed(c->lag_topics, c->nlag_topics, t->name))
            continue;
        if (!c->all_groups) {
            for (size_t g = 0; g < t->nconsumers; g++)
                if (listed(c->lag_groups, c->nlag_groups, t->consumers[g])) {
                    *out = rc_xrealloc(*out, (*n + 1) * sizeof(**out));
                    (*out)[(*n)++] = (pair){t->consumers[g], t->name};
                }
            continue;
        }
        if (!*all) {
            char err[RC_ERRBUF_LEN] = "";
            if (!ka->ops->list_group_offsets ||
                ka->ops->list_group_offsets(ka, all, nall, err, sizeof(err)) != 0)
                return kadmin_error(d->name, "cannot list its consumer groups", err);
        }
        for (size_t g = 0; g < *nall; g++)
            for (size_t k = 0; k < (*all)[g].ntopics; k++)
                if (!strcmp((*all)[g].topics[k], t->name) &&
                    listed(c->lag_groups, c->nlag_groups, (*all)[g].group)) {
                    *out = rc_xrealloc(*out, (*n + 1) * sizeof(**out));
                    (*out)[(*n)++] = (pair){(*all)[g].group, t->name};
                }
    }
    return NULL;
}

static int group_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_group_offsets *)elem)->group);
}

static long long committed_of(const rc_group_offsets *g, const char *topic, int partition)
{
    for (size_t i = 0; g && i < g->ncommitted; i++)
        if (g->committed[i].partition == partition && !strcmp(g->committed[i].topic, topic))
            return g->committed[i].offset;
    return -1;
}

/* The committed offsets of the pairs' groups, then one rc_lag_partition per
 * pair and partition. */
static char *read_committed(const rc_cluster_decl *d, rc_kadmin *ka, const rc_cluster_obs *obs,
                            const pair *pairs, size_t npairs, measured *m)
{
    const char **names = rc_xcalloc(npairs ? npairs : 1, sizeof(*names));
    size_t nn = 0;
    for (size_t i = 0; i < npairs; i++)
        names[nn++] = pairs[i].group;
    if (nn > 1)
        qsort(names, nn, sizeof(*names), rc_str_ptr_cmp);
    size_t w = 0;
    for (size_t i = 0; i < nn; i++)
        if (w == 0 || strcmp(names[w - 1], names[i]))
            names[w++] = names[i];
    m->groups = names;
    m->ngroup_names = w;
    m->members = rc_xcalloc(w ? w : 1, sizeof(*m->members));
    char err[RC_ERRBUF_LEN] = "";
    int rc = ka->ops->group_offsets
                 ? ka->ops->group_offsets(ka, names, w, &m->offsets, err, sizeof(err))
                 : rc_errorf(RC_ERR, err, sizeof(err), "not supported");
    if (rc != 0)
        return kadmin_error(d->name, "cannot read the groups' committed offsets", err);
    m->noffsets = w;
    for (size_t i = 0; i < w; i++)
        names[i] = m->offsets[i].group; /* the pairs' may be gone before the report */
    rc = ka->ops->group_members ? ka->ops->group_members(ka, names, w, m->members, err, sizeof(err))
                                : rc_errorf(RC_ERR, err, sizeof(err), "not supported");
    if (rc != 0)
        return kadmin_error(d->name, "cannot describe the groups", err);
    for (size_t i = 0; i < npairs; i++) {
        const rc_topic_obs *o = rc_cluster_obs_topic(obs, pairs[i].topic);
        const rc_group_offsets *g =
            bsearch(pairs[i].group, m->offsets, m->noffsets, sizeof(*m->offsets), group_cmp);
        /* parts borrow the group's and the declaration's strings */
        for (int p = 0; o && p < o->partitions; p++) {
            m->parts = rc_xrealloc(m->parts, (m->nparts + 1) * sizeof(*m->parts));
            m->parts[m->nparts++] = (rc_lag_partition){
                .group = g ? g->group : pairs[i].group,
                .topic = pairs[i].topic,
                .partition = p,
                .committed = committed_of(g, pairs[i].topic, p),
            };
        }
    }
    return NULL;
}

static int end_cmp(const void *pa, const void *pb)
{
    const rc_lag_end *a = pa, *b = pb;
    int c = strcmp(a->topic, b->topic);
    return c ? c : (a->partition > b->partition) - (a->partition < b->partition);
}

/* Every partition of every selected declared topic the cluster has, sorted:
 * its end is exported whether or not a group reads it (the production rate
 * of a topic nobody consumes is still a signal). */
static void choose_ends(cli *c, const rc_cluster_decl *d, const rc_cluster_obs *obs, measured *m)
{
    for (size_t i = 0; i < d->ntopics; i++) {
        const rc_topic_obs *o = rc_cluster_obs_topic(obs, d->topics[i].name);
        if (!o || !listed(c->lag_topics, c->nlag_topics, d->topics[i].name))
            continue;
        m->ends = rc_xrealloc(m->ends, (m->nends + (size_t)o->partitions) * sizeof(*m->ends));
        for (int p = 0; p < o->partitions; p++)
            m->ends[m->nends++] = (rc_lag_end){d->topics[i].name, p, -1, -1};
    }
    if (m->nends > 1)
        qsort(m->ends, m->nends, sizeof(*m->ends), end_cmp);
}

/* Watermarks once per partition, however many groups read it. */
static char *read_watermarks(const rc_cluster_decl *d, rc_kadmin *ka, measured *m)
{
    size_t n = m->nends ? m->nends : 1;
    const char **topics = rc_xcalloc(n, sizeof(*topics));
    int *parts = rc_xcalloc(n, sizeof(*parts));
    int64_t *lo = rc_xcalloc(n, sizeof(*lo)), *hi = rc_xcalloc(n, sizeof(*hi));
    for (size_t i = 0; i < m->nends; i++) {
        topics[i] = m->ends[i].topic;
        parts[i] = m->ends[i].partition;
    }
    char err[RC_ERRBUF_LEN] = "";
    char *error = NULL;
    if (ka->ops->watermarks(ka, topics, parts, m->nends, lo, hi, err, sizeof(err)) != 0)
        error = kadmin_error(d->name, "cannot read the partitions' watermarks", err);
    for (size_t i = 0; !error && i < m->nends; i++) {
        m->ends[i].low = lo[i];
        m->ends[i].high = hi[i];
    }
    /* a group's partitions are partitions of declared topics: all among ends */
    for (size_t i = 0; !error && i < m->nparts; i++) {
        rc_lag_end key = {m->parts[i].topic, m->parts[i].partition, 0, 0};
        const rc_lag_end *e = bsearch(&key, m->ends, m->nends, sizeof(*m->ends), end_cmp);
        m->parts[i].low = e ? e->low : 0;
        m->parts[i].high = e ? e->high : 0;
    }
    free(topics);
    free(parts);
    free(lo);
    free(hi);
    return error;
}

static int name_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Each row's group's members. */
static void fill_members(measured *m)
{
    for (size_t i = 0; i < m->nrows; i++) {
        const char **g =
            bsearch(m->rows[i].group, m->groups, m->ngroup_names, sizeof(*m->groups), name_cmp);
        m->rows[i].members = g ? m->members[g - m->groups] : -1;
    }
}

/* Every selected cluster measured once. */
typedef struct lag_run {
    measured *ms;
    rc_lag_report *rs;
    size_t n;
} lag_run;

/* One cluster's measurement, into its slot of the run (ctx). */
static void measure_cluster(fleet_item *it, void *ctx, size_t i)
{
    cli *c = it->c;
    const rc_cluster_decl *d = it->decl;
    measured *m = &((lag_run *)ctx)->ms[i];
    rc_kadmin *ka = NULL;
    rc_cluster_obs obs = {0};
    rc_group_offsets *all = NULL;
    size_t nall = 0, npairs = 0;
    pair *pairs = NULL;
    char err[RC_ERRBUF_LEN] = "";
    m->error = connect_cluster(it, &ka);
    if (!m->error && ka->ops->describe_cluster(ka, &obs, err, sizeof(err)) != 0)
        m->error = kadmin_error(d->name, "cannot read the cluster", err);
    if (!m->error)
        m->error = cluster_id_problem(d, &obs);
    if (!m->error)
        m->error = choose_pairs(c, d, ka, &pairs, &npairs, &all, &nall);
    if (!m->error)
        m->error = read_committed(d, ka, &obs, pairs, npairs, m);
    rc_lag_sort_partitions(m->parts, m->nparts);
    if (!m->error)
        choose_ends(c, d, &obs, m);
    if (!m->error && m->nends > 0)
        m->error = read_watermarks(d, ka, m);
    rc_lag_fetch *fetches = NULL;
    size_t nf = 0;
    if (!m->error) {
        rc_lag_fetches(m->parts, m->nparts, &fetches, &nf);
        if (nf > 0 && ka->ops->read_timestamps(ka, fetches, nf, err, sizeof(err)) != 0)
            m->error = kadmin_error(d->name, "cannot read the messages' timestamps", err);
    }
    if (!m->error) {
        rc_lag_measure(m->parts, m->nparts, fetches, nf);
        m->rows = rc_lag_rows(m->parts, m->nparts, &m->nrows);
        fill_members(m);
        rc_lag_sort_rows(m->rows, m->nrows);
    }
    if (m->error && c->secrets.len) {
        char *masked = rc_secrets_mask(&c->secrets, m->error);
        free(m->error);
        m->error = masked;
    }
    free(fetches);
    free(pairs);
    rc_group_offsets_free(all, nall);
    rc_cluster_obs_free(&obs);
    if (ka)
        ka->ops->destroy(ka);
}

/* Several clusters at once (fleet_run); the reports in cluster order. */
static void measure_all(cli *c, const rc_repo *repo, lag_run *r)
{
    size_t n = 0;
    fleet_item *items = fleet_items(c, repo, &n);
    r->ms = rc_xcalloc(n ? n : 1, sizeof(*r->ms));
    r->rs = rc_xcalloc(n ? n : 1, sizeof(*r->rs));
    r->n = n;
    fleet_run(c, items, n, false, measure_cluster, r);
    for (size_t i = 0; i < n; i++) {
        const measured *m = &r->ms[i];
        r->rs[i] = (rc_lag_report){
            items[i].decl->name, m->error, m->rows, m->nrows, m->parts, m->ends, m->nends};
    }
    fleet_items_free(items, n);
}

static void lag_run_free(lag_run *r)
{
    for (size_t i = 0; r->ms && i < r->n; i++)
        measured_free(&r->ms[i]);
    free(r->ms);
    free(r->rs);
    memset(r, 0, sizeof(*r));
}

/* ---- --serve --------------------------------------------------------------------- */

typedef struct server_state {
    cli *c;
    const rc_repo *repo;
    lag_run last;
    bool measured;
    long long last_ms; /* CLOCK_MONOTONIC */
    double last_duration_s, last_unix_s;
    unsigned long long measurements;
    unsigned long long *errors; /* per cluster of the repository */
} server_state;

static long long now_ms(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void health(FILE *out, const server_state *st)
{
    fputs("# TYPE reconcile_lag_up gauge\n# HELP reconcile_lag_up 1 when the last "
          "measurement of the cluster succeeded\n",
          out);
    for (size_t i = 0; i < st->last.n; i++)
        fprintf(out, "reconcile_lag_up{cluster=\"%s\"} %d\n", st->last.rs[i].cluster,
                st->last.rs[i].error ? 0 : 1);
    fputs("# TYPE reconcile_lag_measurement_errors counter\n# HELP "
          "reconcile_lag_measurement_errors measurements of the cluster that failed\n",
          out);
    for (size_t i = 0, k = 0; i < st->repo->nclusters; i++)
        if (cluster_selected(st->c, st->repo->clusters[i].name))
            fprintf(out, "reconcile_lag_measurement_errors_total{cluster=\"%s\"} %llu\n",
                    st->repo->clusters[i].name, st->errors[k++]);
    fprintf(out,
            "# TYPE reconcile_lag_measurements counter\n# HELP reconcile_lag_measurements "
            "measurements made (a scrape within --min-interval reuses the last)\n"
            "reconcile_lag_measurements_total %llu\n"
            "# TYPE reconcile_lag_measurement_duration_seconds gauge\n# UNIT "
            "reconcile_lag_measurement_duration_seconds seconds\n# HELP "
            "reconcile_lag_measurement_duration_seconds how long the last measurement took\n"
            "reconcile_lag_measurement_duration_seconds %.3f\n"
            "# TYPE reconcile_lag_last_measurement_timestamp_seconds gauge\n# UNIT "
            "reconcile_lag_last_measurement_timestamp_seconds seconds\n# HELP "
            "reconcile_lag_last_measurement_timestamp_seconds when the last measurement ended\n"
            "reconcile_lag_last_measurement_timestamp_seconds %.3f\n# EOF\n",
            st->measurements, st->last_duration_s, st->last_unix_s);
}

/* A scrape: measure when the last measurement is older than --min-interval. */
static int on_scrape(void *ctx, rc_buf *out)
{
    server_state *st = ctx;
    long long t0 = now_ms(CLOCK_MONOTONIC);
    if (!st->measured || t0 - st->last_ms >= st->c->min_interval_ms) {
        lag_run_free(&st->last);
        measure_all(st->c, st->repo, &st->last);
        st->measured = true;
        st->measurements++;
        st->last_ms = now_ms(CLOCK_MONOTONIC);
        st->last_duration_s = (double)(st->last_ms - t0) / 1000.0;
        st->last_unix_s = (double)now_ms(CLOCK_REALTIME) / 1000.0;
        for (size_t i = 0; i < st->last.n; i++)
            if (st->last.rs[i].error) {
                st->errors[i]++;
                print_masked(st->c, stderr, "reconcile: ", st->last.rs[i].error);
            }
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return RC_ERR;
    rc_lag_print_openmetrics(f, st->last.rs, st->last.n, false);
    health(f, st);
    fclose(f);
    rc_buf_append(out, text, len);
    free(text);
    return 0;
}

static int serve_lag(cli *c, const rc_repo *repo)
{
    if (c->format != FMT_TEXT)
        return usage_error("--serve answers in OpenMetrics; --format does not apply");
    /* the signals are taken by sigwait below, in this thread only: blocked
     * before libmicrohttpd starts its thread, which inherits the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    server_state st = {.c = c, .repo = repo};
    st.errors = rc_xcalloc(repo->nclusters ? repo->nclusters : 1, sizeof(*st.errors));
    rc_metrics_server *srv = NULL;
    char err[512];
    int port = 0;
    if (rc_metrics_server_start(&srv, c->serve, on_scrape, &st, &port, err, sizeof(err)) != 0) {
        fprintf(stderr, "reconcile: %s\n", err);
        free(st.errors);
        return RC_EXIT_FAILURE;
    }
    if (!c->quiet)
        fprintf(stderr, "reconcile: serving lag metrics on %s (port %d) at /metrics\n", c->serve,
                port);
    int sig = 0;
    sigwait(&stop, &sig);
    rc_metrics_server_stop(srv); /* waits for a scrape in progress */
    if (!c->quiet)
        fprintf(stderr, "reconcile: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    lag_run_free(&st.last);
    free(st.errors);
    return RC_EXIT_OK;
}

int cmd_lag(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc == 0 && c->serve)
        rc = serve_lag(c, &repo);
    else if (rc == 0) {
        lag_run r;
        measure_all(c, &repo, &r);
        if (c->format == FMT_JSON)
            rc_lag_print_json(stdout, r.rs, r.n);
        else if (c->format == FMT_OPENMETRICS)
            rc_lag_print_openmetrics(stdout, r.rs, r.n, true);
        else
            rc_lag_print_text(stdout, r.rs, r.n, c->verbose);
        for (size_t i = 0; i < r.n; i++)
            if (r.ms[i].error)
                rc = RC_EXIT_FAILURE;
        lag_run_free(&r);
    }
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}
