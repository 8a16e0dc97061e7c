/* fuzz_decl.c — rc_decl_load on a repository built in memory from the input.
 *
 * The first byte picks how the rest becomes files (paths as rc_source gives
 * them: repository-relative, sorted bytewise, no duplicates):
 *   0  the rest is topics/c/t.yaml, next to a fixed valid _teams.yaml and
 *      topics/c/_cluster.yaml (the topic parser, against a strict policy);
 *   1  the rest is topics/c/_cluster.yaml, next to fixed teams and topic files;
 *   2  the rest is topics/_teams.yaml, next to fixed cluster and topic files;
 *   3  the rest split at NUL bytes into teams, cluster and topic files (fewer
 *      parts leave files out: missing-file paths);
 *   4  the rest is a list of `path NUL content NUL` records, each path put
 *      under topics/ (the layout rules; impossible trees are dropped).
 * Then checks what decl.h promises: the return value agrees with the error
 * diagnostics, clusters and topics are sorted and unique, and the plan-time
 * check and the diagnostics printer accept whatever was loaded. */
#include "decl.h"
#include "diag.h"
#include "model.h"
#include "source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static const char teams_yaml[] = "teams:\n"
                                 "  checkout:\n"
                                 "    chat: \"#team-checkout\"\n"
                                 "    escalation: pagerduty:checkout\n"
                                 "  payments:\n"
                                 "    chat: \"#team-payments\"\n";

static const char cluster_yaml[] = "bootstrap: ${RECONCILE_BOOTSTRAP:-127.0.0.1:19092}\n"
                                   "client:\n"
                                   "  client.id: reconcile-fuzz\n"
                                   "  sasl.password: ${FUZZ_PW}\n"
                                   "repository_url: https://git.example.com/platform/kafka-topics\n"
                                   "defaults:\n"
                                   "  partitions: 3\n"
                                   "  replication_factor: 1\n"
                                   "  config:\n"
                                   "    retention.ms: 7d\n"
                                   "  lag: {max: 5m, for: 10m, severity: warning}\n"
                                   "policy:\n"
                                   "  name_pattern: '[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*\\.v[0-9]+'\n"
                                   "  min_replication_factor: 1\n"
                                   "  max_replication_factor: 3\n"
                                   "  max_partitions: 48\n"
                                   "  ignore: [\"_*\", \"connect-*\"]\n"
                                   "  required_fields: [message]\n"
                                   "  partition_messages_per_second: 2500\n"
                                   "monitoring:\n"
                                   "  metric_source: kafka_exporter\n"
                                   "  grafana_url: http://127.0.0.1:3000\n"
                                   "  labels: {env: fuzz}\n";

static const char topic_yaml[] = "name: orders.order-placed.v1\n"
                                 "partitions: 6\n"
                                 "owner: checkout\n"
                                 "message: shop.orders.v1.OrderPlaced\n"
                                 "config:\n"
                                 "  cleanup.policy: compact\n"
                                 "  max.message.bytes: 1MiB\n"
                                 "lag: {max: 2m, for: 5m, severity: critical}\n"
                                 "consumers: [fulfilment]\n"
                                 "---\n"
                                 "name: orders.order-shipped.v1\n"
                                 "owner: payments\n"
                                 "message: shop.orders.v1.OrderShipped\n"
                                 "lag: {max: 100000}\n"
                                 "throughput: {messages_per_second: 20000}\n"
                                 "alerts: {skew: true}\n";

static char *dup_bytes(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    CHECK(s != NULL);
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Takes ownership of nothing: path and content are copied. */
static void add_file(rc_source *src, size_t *cap, const char *path, size_t plen,
                     const char *content, size_t clen)
{
    if (src->nfiles == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        src->files = realloc(src->files, *cap * sizeof(*src->files));
        CHECK(src->files != NULL);
    }
    rc_source_file *f = &src->files[src->nfiles++];
    f->path = dup_bytes(path, plen);
    f->content = dup_bytes(content, clen);
    f->len = clen;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_source_file *)a)->path, ((const rc_source_file *)b)->path);
}

/* A path a directory walk or a git tree could produce: no empty, "." or ".."
 * component, no trailing slash. */
static int path_ok(const char *p)
{
    if (!*p)
        return 0;
    for (const char *c = p; c;) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c = end ? end + 1 : NULL;
    }
    return 1;
}

/* Sort like rc_source_load and drop what a real tree cannot hold: the same
 * path twice, or a file that is also a directory ("a" and "a/b"). */
static void normalise(rc_source *src)
{
    if (src->nfiles > 1)
        qsort(src->files, src->nfiles, sizeof(*src->files), file_cmp);
    size_t w = 0;
    for (size_t i = 0; i < src->nfiles; i++) {
        rc_source_file *f = &src->files[i];
        int keep = 1;
        for (size_t j = 0; j < w && keep; j++) {
            const char *a = src->files[j].path, *b = f->path;
            size_t la = strlen(a), lb = strlen(b);
            if (!strcmp(a, b) || (la < lb && !memcmp(a, b, la) && b[la] == '/') ||
                (lb < la && !memcmp(a, b, lb) && a[lb] == '/'))
                keep = 0;
        }
        if (!keep) {
            free(f->path);
            free(f->content);
            continue;
        }
        src->files[w++] = *f;
    }
    src->nfiles = w;
    /* dropping keeps the order; a file-vs-directory conflict can sort apart
     * ("a/b" < "a0" < "a"), which is why the check above is not adjacent-only */
}

static void build(rc_source *src, const uint8_t *data, size_t size)
{
    size_t cap = 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
#define ADD(path, content, clen) add_file(src, &cap, path, strlen(path), content, clen)
    switch (data[0] % 5) {
    case 0:
        ADD("topics/_teams.yaml", teams_yaml, sizeof(teams_yaml) - 1);
        ADD("topics/c/_cluster.yaml", cluster_yaml, sizeof(cluster_yaml) - 1);
        ADD("topics/c/t.yaml", in, n);
        break;
    case 1:
        ADD("topics/_teams.yaml", teams_yaml, sizeof(teams_yaml) - 1);
        ADD("topics/c/_cluster.yaml", in, n);
        ADD("topics/c/t.yaml", topic_yaml, sizeof(topic_yaml) - 1);
        break;
    case 2:
        ADD("topics/_teams.yaml", in, n);
        ADD("topics/c/_cluster.yaml", cluster_yaml, sizeof(cluster_yaml) - 1);
        ADD("topics/c/t.yaml", topic_yaml, sizeof(topic_yaml) - 1);
        break;
    case 3: {
        static const char *const paths[] = {"topics/_teams.yaml", "topics/c/_cluster.yaml",
                                            "topics/c/t.yaml"};
        size_t part = 0, start = 0;
        for (size_t i = 0; i <= n && part < 3; i++) {
            if (i == n || in[i] == '\0') {
                ADD(paths[part], in + start, part == 2 ? n - start : i - start);
                if (part == 2)
                    break;
                part++;
                start = i + 1;
            }
        }
        break;
    }
    default: {
        size_t i = 0;
        while (i < n) {
            const char *p = in + i;
            const char *pend = memchr(p, '\0', n - i);
            if (!pend)
                break;
            size_t plen = (size_t)(pend - p);
            i += plen + 1;
            const char *c = in + i;
            const char *cend = memchr(c, '\0', n - i);
            size_t clen = cend ? (size_t)(cend - c) : n - i;
            i += clen + 1;
            char *path = malloc(plen + 8);
            CHECK(path != NULL);
            memcpy(path, "topics/", 7);
            memcpy(path + 7, p, plen);
            path[plen + 7] = '\0';
            if (path_ok(path))
                add_file(src, &cap, path, plen + 7, c, clen);
            free(path);
        }
        break;
    }
    }
#undef ADD
    normalise(src);
}

static void check_repo(const rc_repo *r, rc_diags *diags)
{
    for (size_t i = 0; i < r->nteams; i++) {
        CHECK(r->teams[i].name != NULL);
        if (i > 0)
            CHECK(strcmp(r->teams[i - 1].name, r->teams[i].name) <= 0);
        CHECK(rc_repo_team(r, r->teams[i].name) != NULL);
    }
    char *cfg_keys[] = {"retention.ms", "x.newer.broker.key"};
    rc_cluster_obs obs = {.broker_count = 1, .config_keys = cfg_keys, .nconfig_keys = 2};
    for (size_t i = 0; i < r->nclusters; i++) {
        const rc_cluster_decl *c = &r->clusters[i];
        CHECK(c->name != NULL && c->file != NULL);
        if (i > 0)
            CHECK(strcmp(r->clusters[i - 1].name, c->name) < 0);
        for (size_t j = 0; j < c->ntopics; j++) {
            const rc_topic_decl *t = &c->topics[j];
            CHECK(t->name != NULL && t->file != NULL);
            if (j > 0)
                CHECK(strcmp(c->topics[j - 1].name, t->name) < 0);
            (void)rc_decl_topic_name_problem(t->name);
            if (t->owner)
                (void)rc_repo_team(r, t->owner);
            for (size_t k = 0; k < t->config.len; k++)
                CHECK(t->config.items[k].key != NULL && t->config.items[k].value != NULL);
        }
        size_t before = rc_diags_errors(diags);
        int rc = rc_decl_check_cluster_live(c, &obs, diags);
        CHECK((rc == 0) == (rc_diags_errors(diags) == before));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        CHECK(devnull != NULL);
    }
    if (size == 0)
        return 0;
    rc_source src = {0};
    build(&src, data, size);
    rc_repo repo;
    rc_diags diags = {0};
    int rc = rc_decl_load(&repo, &src, &diags);
    CHECK(rc == 0 || rc == -1);
    CHECK((rc == 0) == (rc_diags_errors(&diags) == 0));
    check_repo(&repo, &diags);
    rc_diags_sort(&diags);
    rc_diags_print(&diags, devnull);
    rc_diags_free(&diags);
    rc_repo_free(&repo);
    rc_source_free(&src);
    return 0;
}
