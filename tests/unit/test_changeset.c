/* Unit tests for changeset: base vs head declarations built in memory (sources
 * parsed with rc_decl_load, exactly as the command layer does), covering file
 * deltas, topic deltas (added / modified / no longer managed / moved),
 * reformatting that is not a change, canonical config equality, the line diff
 * and which diagnostics a pull request view shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "changeset.h"
#include "decl.h"
#include "diag.h"
#include "model.h"
#include "source.h"
#include "support.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------ */

static void compute(rc_changeset *cs, const tside *b, const tside *h)
{
    rc_changeset_compute(cs, &b->src, &b->repo, &h->src, &h->repo);
}

static const rc_topic_delta *topic(const rc_changeset *cs, const char *cluster, const char *name)
{
    for (size_t i = 0; i < cs->ntopics; i++)
        if (!strcmp(cs->topics[i].cluster, cluster) && !strcmp(cs->topics[i].topic, name))
            return &cs->topics[i];
    fail_msg("no delta for %s/%s", cluster, name);
    return NULL;
}

static const rc_field_change *field(const rc_topic_delta *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (!strcmp(t->fields[i].field, name))
            return &t->fields[i];
    fail_msg("no field %s in %s", name, t->topic);
    return NULL;
}

static void assert_field(const rc_topic_delta *t, const char *name, const char *old_value,
                         const char *new_value)
{
    const rc_field_change *f = field(t, name);
    if (old_value)
        assert_string_equal(f->old_value, old_value);
    else
        assert_null(f->old_value);
    if (new_value)
        assert_string_equal(f->new_value, new_value);
    else
        assert_null(f->new_value);
}

static void assert_file(const rc_changeset *cs, size_t i, const char *path, rc_file_change ch)
{
    assert_true(i < cs->nfiles);
    assert_string_equal(cs->files[i].path, path);
    assert_int_equal(cs->files[i].change, ch);
}

/* ---- fixture ------------------------------------------------------------------- */

#define TEAMS                                                                                      \
    "teams:\n"                                                                                     \
    "  payments:\n"                                                                                \
    "    chat: \"#payments\"\n"                                                                    \
    "  search:\n"                                                                                  \
    "    chat: \"#search\"\n"

#define CLUSTER                                                                                    \
    "bootstrap: 127.0.0.1:1\n"                                                                     \
    "defaults:\n"                                                                                  \
    "  partitions: 3\n"                                                                            \
    "  replication_factor: 1\n"

#define ORDERS                                                                                     \
    "name: orders.created.v1\n"                                                                    \
    "partitions: 3\n"                                                                              \
    "owner: payments\n"                                                                            \
    "config:\n"                                                                                    \
    "  retention.ms: 1d\n"                                                                         \
    "consumers: [billing, audit]\n"

#define PAYMENTS                                                                                   \
    "name: payments.settled.v1\n"                                                                  \
    "partitions: 6\n"                                                                              \
    "owner: payments\n"

#define SEARCH                                                                                     \
    "name: search.indexed.v1\n"                                                                    \
    "owner: search\n"

enum { F_TEAMS, F_CLUSTER, F_ORDERS, F_PAYMENTS, F_SEARCH, NBASE };

static void base_files(tfile f[NBASE])
{
    f[F_TEAMS] = (tfile){"topics/_teams.yaml", TEAMS};
    f[F_CLUSTER] = (tfile){"topics/it/_cluster.yaml", CLUSTER};
    f[F_ORDERS] = (tfile){"topics/it/orders.yaml", ORDERS};
    f[F_PAYMENTS] = (tfile){"topics/it/payments.yaml", PAYMENTS};
    f[F_SEARCH] = (tfile){"topics/it/search.yaml", SEARCH};
}

static void load_base(tside *b)
{
    tfile f[NBASE];
    base_files(f);
    tside_load(b, f, NBASE);
    assert_int_equal(b->diags.len, 0);
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_identical(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    load_base(&h);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, 0);
    assert_int_equal(cs.ntopics, 0);
    assert_int_equal(cs.nclusters, 1);
    assert_string_equal(cs.clusters[0].name, "it");
    assert_true(cs.clusters[0].in_base && cs.clusters[0].in_head);
    assert_null(cs.base_commit);
    assert_null(cs.head_commit);
    rc_changeset_free(&cs);
    rc_changeset_free(&cs); /* a freed changeset is zeroed: freeing again is harmless */
    tside_free(&b);
    tside_free(&h);
}

static void test_add_modify_remove(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    b.src.commit = rc_xstrdup("1111111111111111111111111111111111111111");
    tfile f[NBASE + 1];
    base_files(f);
    f[F_ORDERS].content = "name: orders.created.v1\n"
                          "partitions: 6\n"
                          "owner: payments\n"
                          "description: Orders as they are placed.\n"
                          "config:\n"
                          "  retention.ms: 7d\n"
                          "consumers: [audit, billing, ledger]\n";
    f[F_PAYMENTS].path = NULL;
    f[NBASE] = (tfile){"topics/it/refunds.yaml", "name: refunds.issued.v1\n"
                                                 "partitions: 6\n"
                                                 "owner: payments\n"};
    tside_load(&h, f, NBASE + 1);
    assert_int_equal(h.diags.len, 0);
    h.src.commit = rc_xstrdup("2222222222222222222222222222222222222222");

    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_string_equal(cs.base_commit, "1111111111111111111111111111111111111111");
    assert_string_equal(cs.head_commit, "2222222222222222222222222222222222222222");

    assert_int_equal(cs.nfiles, 3);
    assert_file(&cs, 0, "topics/it/orders.yaml", RC_FILE_MODIFIED);
    assert_file(&cs, 1, "topics/it/payments.yaml", RC_FILE_REMOVED);
    assert_file(&cs, 2, "topics/it/refunds.yaml", RC_FILE_ADDED);
    assert_int_equal(cs.files_added, 1);
    assert_int_equal(cs.files_modified, 1);
    assert_int_equal(cs.files_removed, 1);
    /* orders.yaml: lines 2, 4, 6, 7 of head are new or changed; 3 base lines gone */
    const rc_file_delta *m = &cs.files[0];
    assert_int_equal(m->nhead_lines, 4);
    assert_int_equal(m->head_lines[0], 2);
    assert_int_equal(m->head_lines[1], 4);
    assert_int_equal(m->head_lines[2], 6);
    assert_int_equal(m->head_lines[3], 7);
    assert_int_equal(m->lines_removed, 3);
    assert_int_equal(cs.files[1].lines_removed, 3);
    assert_int_equal(cs.files[1].nhead_lines, 0);
    assert_int_equal(cs.files[2].nhead_lines, 3);

    assert_int_equal(cs.ntopics, 3);
    assert_int_equal(cs.topics_added, 1);
    assert_int_equal(cs.topics_modified, 1);
    assert_int_equal(cs.topics_removed, 1);
    /* sorted by cluster then name */
    assert_string_equal(cs.topics[0].topic, "orders.created.v1");
    assert_string_equal(cs.topics[1].topic, "payments.settled.v1");
    assert_string_equal(cs.topics[2].topic, "refunds.issued.v1");

    const rc_topic_delta *t = &cs.topics[0];
    assert_int_equal(t->change, RC_TOPIC_MODIFIED);
    assert_string_equal(t->cluster, "it");
    assert_string_equal(t->owner, "payments");
    assert_string_equal(t->file, "topics/it/orders.yaml");
    assert_int_equal(t->line, 1);
    assert_int_equal(t->col, 7);
    assert_null(t->moved_from);
    assert_int_equal(t->nfields, 4);
    /* fixed order: partitions, ..., description, config, ..., consumers */
    assert_string_equal(t->fields[0].field, "partitions");
    assert_string_equal(t->fields[1].field, "description");
    assert_string_equal(t->fields[2].field, "retention.ms");
    assert_string_equal(t->fields[3].field, "consumers");
    assert_field(t, "partitions", "3", "6");
    assert_field(t, "description", NULL, "Orders as they are placed.");
    assert_int_equal(field(t, "description")->kind, RC_FIELD_TEXT);
    assert_string_equal(field(t, "description")->unset, "(none)");
    assert_field(t, "retention.ms", "1d", "7d");
    assert_int_equal(field(t, "retention.ms")->kind, RC_FIELD_CONFIG);
    assert_field(t, "consumers", "billing, audit", "audit, billing, ledger");

    t = &cs.topics[1];
    assert_int_equal(t->change, RC_TOPIC_REMOVED);
    assert_string_equal(t->owner, "payments");
    assert_string_equal(t->file, "topics/it/payments.yaml");
    assert_int_equal(t->line, 1);
    assert_int_equal(t->nfields, 0);
    assert_false(t->head_file_invalid);

    t = &cs.topics[2];
    assert_int_equal(t->change, RC_TOPIC_ADDED);
    assert_string_equal(t->owner, "payments");
    assert_string_equal(t->file, "topics/it/refunds.yaml");
    /* an added topic lists what it declares, defaults resolved, no old values */
    assert_int_equal(t->nfields, 3);
    assert_string_equal(t->fields[0].field, "partitions");
    assert_string_equal(t->fields[1].field, "replication_factor");
    assert_string_equal(t->fields[2].field, "owner");
    assert_field(t, "partitions", NULL, "6");
    assert_field(t, "replication_factor", NULL, "1");
    assert_field(t, "owner", NULL, "payments");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_move_is_a_modification(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    tfile f[NBASE];
    base_files(f);
    f[F_ORDERS].path = "topics/it/shop/orders.yaml";
    tside_load(&h, f, NBASE);
    assert_int_equal(h.diags.len, 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, 2);
    assert_file(&cs, 0, "topics/it/orders.yaml", RC_FILE_REMOVED);
    assert_file(&cs, 1, "topics/it/shop/orders.yaml", RC_FILE_ADDED);
    assert_int_equal(cs.ntopics, 1);
    const rc_topic_delta *t = &cs.topics[0];
    assert_int_equal(t->change, RC_TOPIC_MODIFIED);
    assert_string_equal(t->file, "topics/it/shop/orders.yaml");
    assert_string_equal(t->moved_from, "topics/it/orders.yaml");
    assert_int_equal(t->nfields, 0);
    assert_int_equal(cs.topics_modified, 1);
    assert_int_equal(cs.topics_added + cs.topics_removed, 0);
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_move_to_another_cluster(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    tfile f[NBASE + 1];
    base_files(f);
    f[F_SEARCH].path = "topics/staging/search.yaml";
    f[NBASE] = (tfile){"topics/staging/_cluster.yaml", CLUSTER};
    tside_load(&h, f, NBASE + 1);
    assert_int_equal(h.diags.len, 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nclusters, 2);
    assert_string_equal(cs.clusters[1].name, "staging");
    assert_false(cs.clusters[1].in_base);
    assert_true(cs.clusters[1].in_head);
    assert_int_equal(cs.ntopics, 2);
    assert_int_equal(topic(&cs, "it", "search.indexed.v1")->change, RC_TOPIC_REMOVED);
    assert_int_equal(topic(&cs, "staging", "search.indexed.v1")->change, RC_TOPIC_ADDED);
    assert_string_equal(cs.topics[0].cluster, "it");
    assert_string_equal(cs.topics[1].cluster, "staging");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_reformat_is_not_a_topic_change(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    tfile f[NBASE];
    base_files(f);
    /* flow style, reordered keys, comments, 86400000 for 1d, consumers reordered,
     * partitions now from the defaults (3) */
    f[F_ORDERS].content = "# the orders topic\n"
                          "owner: payments   # team\n"
                          "consumers:\n"
                          "  - audit\n"
                          "  - billing\n"
                          "config: {retention.ms: 86400000}\n"
                          "name: \"orders.created.v1\"\n";
    tside_load(&h, f, NBASE);
    assert_int_equal(h.diags.len, 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, 1);
    assert_file(&cs, 0, "topics/it/orders.yaml", RC_FILE_MODIFIED);
    assert_int_equal(cs.ntopics, 0);
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_config_canonical_equality(void **state)
{
    (void)state;
    tside b, h;
    tfile f[NBASE];
    base_files(f);
    f[F_PAYMENTS].content = "name: payments.settled.v1\n"
                            "partitions: 6\n"
                            "owner: payments\n"
                            "config:\n"
                            "  retention.ms: 7d\n"
                            "  segment.bytes: 1GiB\n"
                            "  cleanup.policy: compact, delete\n"
                            "  compression.type: GZIP\n"
                            "  min.cleanable.dirty.ratio: 0.50\n";
    tside_load(&b, f, NBASE);
    assert_int_equal(b.diags.len, 0);
    f[F_PAYMENTS].content = "name: payments.settled.v1\n"
                            "partitions: 6\n"
                            "owner: payments\n"
                            "config:\n"
                            "  retention.ms: 604800000\n"
                            "  segment.bytes: 1073741824\n"
                            "  cleanup.policy: compact,delete\n"
                            "  compression.type: gzip\n"
                            "  min.cleanable.dirty.ratio: 0.5\n";
    tside_load(&h, f, NBASE);
    assert_int_equal(h.diags.len, 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, 1);
    assert_int_equal(cs.ntopics, 0);
    rc_changeset_free(&cs);
    tside_free(&h);

    /* a real change is listed in human units, a removed key as unset */
    f[F_PAYMENTS].content = "name: payments.settled.v1\n"
                            "partitions: 6\n"
                            "owner: payments\n"
                            "config:\n"
                            "  retention.ms: 14d\n"
                            "  segment.bytes: 512MiB\n"
                            "  cleanup.policy: compact, delete\n"
                            "  compression.type: GZIP\n";
    tside_load(&h, f, NBASE);
    assert_int_equal(h.diags.len, 0);
    compute(&cs, &b, &h);
    assert_int_equal(cs.ntopics, 1);
    const rc_topic_delta *t = &cs.topics[0];
    assert_int_equal(t->nfields, 3);
    /* config keys sorted */
    assert_string_equal(t->fields[0].field, "min.cleanable.dirty.ratio");
    assert_string_equal(t->fields[1].field, "retention.ms");
    assert_string_equal(t->fields[2].field, "segment.bytes");
    assert_field(t, "min.cleanable.dirty.ratio", "0.5", NULL);
    assert_string_equal(t->fields[0].unset, "(default)");
    assert_field(t, "retention.ms", "7d", "14d");
    assert_field(t, "segment.bytes", "1GiB", "512MiB");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_cluster_defaults_reach_topics(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    tfile f[NBASE];
    base_files(f);
    f[F_CLUSTER].content = "bootstrap: 127.0.0.1:1\n"
                           "defaults:\n"
                           "  partitions: 4\n"
                           "  replication_factor: 1\n"
                           "  config:\n"
                           "    retention.ms: 3d\n";
    tside_load(&h, f, NBASE);
    assert_int_equal(h.diags.len, 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, 1);
    assert_file(&cs, 0, "topics/it/_cluster.yaml", RC_FILE_MODIFIED);
    /* orders declares partitions and retention.ms itself: untouched; payments
     * declares partitions only; search relies on both defaults */
    assert_int_equal(cs.ntopics, 2);
    const rc_topic_delta *t = topic(&cs, "it", "payments.settled.v1");
    assert_int_equal(t->nfields, 1);
    assert_field(t, "retention.ms", NULL, "3d");
    t = topic(&cs, "it", "search.indexed.v1");
    assert_int_equal(t->nfields, 2);
    assert_field(t, "partitions", "3", "4");
    assert_field(t, "retention.ms", NULL, "3d");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_every_field(void **state)
{
    (void)state;
    tside b, h;
    tfile f[NBASE];
    base_files(f);
    f[F_SEARCH].content = "name: search.indexed.v1\n"
                          "owner: search\n"
                          "replication_factor: 1\n"
                          "message: search.v1.Indexed\n"
                          "lag: {max: 5m, for: 10m, severity: warning}\n"
                          "throughput: {messages_per_second: 100}\n";
    tside_load(&b, f, NBASE);
    assert_int_equal(b.diags.len, 0);
    f[F_SEARCH].content = "name: search.indexed.v1\n"
                          "owner: payments\n"
                          "message: search.v2.Indexed\n"
                          "lag: {max: 100000, severity: critical}\n"
                          "throughput: {messages_per_second: 250.5}\n"
                          "alerts: {skew: true, no_production: 2h, produce_rate_change: 3x,\n"
                          "         no_consumption: 45m}\n"
                          "consumers: [indexer]\n";
    tside_load(&h, f, NBASE);
    assert_int_equal(h.diags.len, 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.ntopics, 1);
    const rc_topic_delta *t = &cs.topics[0];
    assert_string_equal(t->owner, "payments"); /* head's owner */
    const char *order[] = {"owner",
                           "message",
                           "lag.max",
                           "lag.for",
                           "lag.severity",
                           "consumers",
                           "throughput.messages_per_second",
                           "alerts.skew",
                           "alerts.no_production",
                           "alerts.produce_rate_change",
                           "alerts.no_consumption"};
    assert_int_equal(t->nfields, sizeof(order) / sizeof(order[0]));
    for (size_t i = 0; i < t->nfields; i++)
        assert_string_equal(t->fields[i].field, order[i]);
    assert_field(t, "owner", "search", "payments");
    assert_field(t, "message", "search.v1.Indexed", "search.v2.Indexed");
    assert_field(t, "lag.max", "5m", "100000 messages");
    assert_field(t, "lag.for", "10m", NULL);
    assert_field(t, "lag.severity", "warning", "critical");
    assert_field(t, "consumers", NULL, "indexer");
    assert_field(t, "throughput.messages_per_second", "100", "250.5");
    assert_field(t, "alerts.skew", "false", "true");
    assert_field(t, "alerts.no_production", NULL, "2h");
    assert_field(t, "alerts.produce_rate_change", NULL, "3x");
    assert_field(t, "alerts.no_consumption", NULL, "45m");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_removed_cluster(void **state)
{
    (void)state;
    tside b, h;
    tfile f[NBASE + 2];
    base_files(f);
    f[NBASE] = (tfile){"topics/staging/_cluster.yaml", CLUSTER};
    f[NBASE + 1] = (tfile){"topics/staging/x.yaml", "name: legacy.events.v1\nowner: search\n"};
    tside_load(&b, f, NBASE + 2);
    assert_int_equal(b.diags.len, 0);
    load_base(&h);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nclusters, 2);
    assert_true(cs.clusters[1].in_base);
    assert_false(cs.clusters[1].in_head);
    assert_int_equal(cs.nfiles, 2);
    assert_int_equal(cs.ntopics, 1);
    const rc_topic_delta *t = &cs.topics[0];
    assert_int_equal(t->change, RC_TOPIC_REMOVED);
    assert_string_equal(t->cluster, "staging");
    assert_string_equal(t->owner, "search"); /* base's owner */
    assert_string_equal(t->file, "topics/staging/x.yaml");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_multi_document_file(void **state)
{
    (void)state;
    tside b, h;
    tfile f[NBASE];
    base_files(f);
    f[F_PAYMENTS].content = PAYMENTS "---\n"
                                     "name: payments.refunded.v1\n"
                                     "owner: payments\n";
    tside_load(&b, f, NBASE);
    assert_int_equal(b.diags.len, 0);
    base_files(f);
    tside_load(&h, f, NBASE);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, 1);
    assert_file(&cs, 0, "topics/it/payments.yaml", RC_FILE_MODIFIED);
    assert_int_equal(cs.files[0].nhead_lines, 0);
    assert_int_equal(cs.files[0].lines_removed, 3);
    assert_int_equal(cs.ntopics, 1);
    assert_int_equal(topic(&cs, "it", "payments.refunded.v1")->change, RC_TOPIC_REMOVED);
    assert_int_equal(topic(&cs, "it", "payments.refunded.v1")->line, 5);
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_empty_base(void **state)
{
    (void)state;
    tside b, h;
    tside_load(&b, NULL, 0);
    load_base(&h);
    rc_changeset cs;
    compute(&cs, &b, &h);
    assert_int_equal(cs.nfiles, NBASE);
    assert_int_equal(cs.files_added, NBASE);
    assert_int_equal(cs.ntopics, 3);
    assert_int_equal(cs.topics_added, 3);
    assert_false(cs.clusters[0].in_base);
    rc_changeset_free(&cs);
    /* and the other way round: everything is no longer managed */
    compute(&cs, &h, &b);
    assert_int_equal(cs.files_removed, NBASE);
    assert_int_equal(cs.topics_removed, 3);
    assert_string_equal(topic(&cs, "it", "search.indexed.v1")->owner, "search");
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_display_config(void **state)
{
    (void)state;
    struct {
        const char *key, *in, *out;
    } cases[] = {
        {"retention.ms", "604800000", "7d"},
        {"retention.ms", "1209600000", "14d"},
        {"retention.ms", "300000", "5m"},
        {"retention.ms", "86400000", "1d"},
        {"retention.ms", "5400000", "1h30m"},
        {"retention.ms", "1500", "1500"},
        {"retention.ms", "-1", "-1"},
        {"retention.ms", "0", "0"},
        {"segment.bytes", "1073741824", "1GiB"},
        {"retention.bytes", "1000000", "1MB"},
        {"retention.bytes", "12345", "12345"},
        {"max.message.bytes", "1048588", "1048588"},
        {"cleanup.policy", "compact,delete", "compact,delete"},
        {"min.insync.replicas", "2000", "2000"},
        {"x.unknown.key", "604800000", "604800000"},
        {"retention.ms", "9223372036854775807", "9223372036854775807"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = rc_changeset_display_config(cases[i].key, cases[i].in);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("%s=%s: got %s, want %s", cases[i].key, cases[i].in, got, cases[i].out);
        free(got);
    }
}

/* changed lines as a comma-separated string, plus the removed count */
static char *lines_of(const char *base, const char *head, size_t *removed)
{
    int *v = NULL;
    size_t n = 0;
    rc_changeset_changed_lines(&v, &n, removed, base, strlen(base), head, strlen(head));
    rc_buf b = {0};
    for (size_t i = 0; i < n; i++)
        rc_buf_printf(&b, "%s%d", i ? "," : "", v[i]);
    free(v);
    return rc_buf_take(&b);
}

static void test_changed_lines(void **state)
{
    (void)state;
    struct {
        const char *base, *head, *lines;
        size_t removed;
    } cases[] = {
        {"", "", "", 0},
        {"a\nb\nc\n", "a\nb\nc\n", "", 0},
        {"a\nb\nc", "a\nb\nc\n", "", 0}, /* the final newline alone is not a change */
        {"", "a\nb\n", "1,2", 0},
        {"a\nb\n", "", "", 2},
        {"a\nb\nc\n", "a\nx\nc\n", "2", 1},
        {"a\nb\nc\n", "x\na\nb\nc\n", "1", 0},
        {"a\nb\nc\n", "a\nb\nc\nd\n", "4", 0},
        {"a\nb\nc\nd\n", "a\nd\n", "", 2},
        {"a\nb\nc\nd\ne\n", "b\na\nc\ne\nd\n", "2,5", 2},
        {"x\n\n\ny\n", "x\n\nz\n\ny\n", "3", 0},
        {"a\r\nb\r\n", "a\nb\n", "1,2", 2}, /* CRLF lines differ from LF lines */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t removed = 99;
        char *got = lines_of(cases[i].base, cases[i].head, &removed);
        if (strcmp(got, cases[i].lines) != 0 || removed != cases[i].removed)
            fail_msg("case %zu: lines '%s' removed %zu, want '%s' removed %zu", i, got, removed,
                     cases[i].lines, cases[i].removed);
        free(got);
    }
    /* NULL for nremoved is allowed */
    int *v = NULL;
    size_t n = 0;
    rc_changeset_changed_lines(&v, &n, NULL, "a\n", 2, "b\n", 2);
    assert_int_equal(n, 1);
    free(v);
}

static void test_changed_lines_large(void **state)
{
    (void)state;
    /* 3000 x 3000 differing middle lines: beyond the LCS budget, so every
     * remaining line counts as changed; common prefix/suffix still match */
    rc_buf b = {0}, h = {0};
    rc_buf_puts(&b, "head\n");
    rc_buf_puts(&h, "head\n");
    for (int i = 0; i < 3000; i++) {
        rc_buf_printf(&b, "b%d\n", i);
        rc_buf_printf(&h, "h%d\n", i);
    }
    rc_buf_puts(&b, "tail\n");
    rc_buf_puts(&h, "tail\n");
    int *v = NULL;
    size_t n = 0, removed = 0;
    rc_changeset_changed_lines(&v, &n, &removed, b.data, b.len, h.data, h.len);
    assert_int_equal(n, 3000);
    assert_int_equal(removed, 3000);
    assert_int_equal(v[0], 2);
    assert_int_equal(v[2999], 3001);
    free(v);
    /* within the budget: one changed line among 1000 */
    rc_buf_free(&b);
    rc_buf_free(&h);
    for (int i = 0; i < 1000; i++) {
        rc_buf_printf(&b, "line %d\n", i % 7);
        rc_buf_printf(&h, "line %d\n", i == 500 ? 99 : i % 7);
    }
    rc_changeset_changed_lines(&v, &n, &removed, b.data, b.len, h.data, h.len);
    assert_int_equal(n, 1);
    assert_int_equal(v[0], 501);
    assert_int_equal(removed, 1);
    free(v);
    rc_buf_free(&b);
    rc_buf_free(&h);
}

static const rc_diag *diag_in(const rc_diags *d, const char *file, const char *rule)
{
    for (size_t i = 0; i < d->len; i++)
        if (!strcmp(d->items[i].file, file) && !strcmp(d->items[i].rule, rule))
            return &d->items[i];
    fail_msg("no %s diagnostic in %s", rule, file);
    return NULL;
}

static void test_diag_relevance(void **state)
{
    (void)state;
    tside b, h;
    tfile f[NBASE];
    base_files(f);
    /* base: search.yaml has a pre-existing error (a typo'd key) */
    f[F_SEARCH].content = SEARCH "descripton: x\n";
    tside_load(&b, f, NBASE);
    assert_int_equal(b.diags.len, 1);
    /* head: payments.yaml gets an error; the search team is removed from the
     * teams file, which makes the unchanged search.yaml invalid too */
    f[F_PAYMENTS].content = PAYMENTS "partitons: 3\n";
    f[F_TEAMS].content = "teams:\n  payments:\n    chat: \"#payments\"\n";
    tside_load(&h, f, NBASE);
    rc_diags_add(&h.diags, RC_SEV_ERROR, "topics/it", 0, 0, "layout", "a directory problem");

    rc_changeset cs;
    compute(&cs, &b, &h);
    const rc_diag *touched = diag_in(&h.diags, "topics/it/payments.yaml", "unknown-key");
    const rc_diag *old = diag_in(&h.diags, "topics/it/search.yaml", "unknown-key");
    const rc_diag *caused = diag_in(&h.diags, "topics/it/search.yaml", "unknown-team");
    const rc_diag *dir = diag_in(&h.diags, "topics/it", "layout");

    /* without base diagnostics: unchanged files are treated as pre-existing */
    assert_true(rc_changeset_diag_relevant(&cs, touched));
    assert_false(rc_changeset_diag_relevant(&cs, old));
    assert_false(rc_changeset_diag_relevant(&cs, caused));
    assert_true(rc_changeset_diag_relevant(&cs, dir));

    /* with them: a new problem in an unchanged file is this change's doing */
    rc_changeset_use_diags(&cs, &b.diags, &h.diags);
    assert_true(rc_changeset_diag_relevant(&cs, touched));
    assert_false(rc_changeset_diag_relevant(&cs, old));
    assert_true(rc_changeset_diag_relevant(&cs, caused));
    assert_true(rc_changeset_diag_relevant(&cs, dir));
    /* calling it again replaces the base set */
    rc_diags none = {0};
    rc_changeset_use_diags(&cs, &none, NULL);
    assert_true(rc_changeset_diag_relevant(&cs, old));
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_unreadable_is_not_silently_removed(void **state)
{
    (void)state;
    tside b, h;
    load_base(&b);
    tfile f[NBASE];
    base_files(f);
    f[F_ORDERS].content = "name: orders.created.v1\npartitions: [\n";
    f[F_PAYMENTS].path = NULL; /* a real removal next to it */
    tside_load(&h, f, NBASE);
    assert_true(rc_diags_errors(&h.diags) > 0);
    rc_changeset cs;
    compute(&cs, &b, &h);
    const rc_topic_delta *orders = topic(&cs, "it", "orders.created.v1");
    const rc_topic_delta *payments = topic(&cs, "it", "payments.settled.v1");
    assert_int_equal(orders->change, RC_TOPIC_REMOVED);
    assert_false(orders->head_file_invalid);
    rc_changeset_use_diags(&cs, NULL, &h.diags);
    assert_true(orders->head_file_invalid);
    assert_false(payments->head_file_invalid);
    rc_changeset_free(&cs);
    tside_free(&b);
    tside_free(&h);
}

static void test_deterministic(void **state)
{
    (void)state;
    /* the same inputs in any file order give the same changeset */
    tside b, h1, h2;
    load_base(&b);
    tfile f[NBASE + 2];
    base_files(f);
    f[NBASE] = (tfile){"topics/it/zeta.yaml", "name: a.zeta.v1\nowner: search\n"};
    f[NBASE + 1] = (tfile){"topics/it/alpha.yaml", "name: z.alpha.v1\nowner: search\n"};
    tside_load(&h1, f, NBASE + 2);
    tfile g[NBASE + 2];
    for (size_t i = 0; i < NBASE + 2; i++)
        g[i] = f[NBASE + 1 - i];
    tside_load(&h2, g, NBASE + 2);
    /* shuffle the loaded source order too: compute must not rely on it */
    rc_source_file tmp = h2.src.files[0];
    h2.src.files[0] = h2.src.files[h2.src.nfiles - 1];
    h2.src.files[h2.src.nfiles - 1] = tmp;
    rc_changeset c1, c2;
    compute(&c1, &b, &h1);
    compute(&c2, &b, &h2);
    assert_int_equal(c1.nfiles, 2);
    assert_int_equal(c2.nfiles, 2);
    assert_string_equal(c1.files[0].path, "topics/it/alpha.yaml");
    assert_string_equal(c2.files[0].path, "topics/it/alpha.yaml");
    assert_int_equal(c1.ntopics, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(c1.topics[i].topic, c2.topics[i].topic);
        assert_string_equal(c1.topics[i].file, c2.topics[i].file);
    }
    assert_string_equal(c1.topics[0].topic, "a.zeta.v1");
    rc_changeset_free(&c1);
    rc_changeset_free(&c2);
    tside_free(&b);
    tside_free(&h1);
    tside_free(&h2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_add_modify_remove),
        cmocka_unit_test(test_move_is_a_modification),
        cmocka_unit_test(test_move_to_another_cluster),
        cmocka_unit_test(test_reformat_is_not_a_topic_change),
        cmocka_unit_test(test_config_canonical_equality),
        cmocka_unit_test(test_cluster_defaults_reach_topics),
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_removed_cluster),
        cmocka_unit_test(test_multi_document_file),
        cmocka_unit_test(test_empty_base),
        cmocka_unit_test(test_display_config),
        cmocka_unit_test(test_changed_lines),
        cmocka_unit_test(test_changed_lines_large),
        cmocka_unit_test(test_diag_relevance),
        cmocka_unit_test(test_unreadable_is_not_silently_removed),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
