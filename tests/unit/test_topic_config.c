/* test_topic_config.c — the Kafka 3.9 catalogue and canonical values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topic_config.h"
#include "util.h"

/* Asserts that value canonicalises to want for key. */
static void expect_canon(const char *key, const char *value, const char *want)
{
    char *out = (char *)"sentinel";
    char err[256] = "";
    int rc = rc_topic_config_canonical(&out, key, value, err, sizeof(err));
    if (rc != 0)
        fail_msg("%s=\"%s\" refused: %s", key, value, err);
    assert_non_null(out);
    if (strcmp(out, want) != 0)
        fail_msg("%s=\"%s\" -> \"%s\", want \"%s\"", key, value, out, want);
    free(out);
}

/* Asserts refusal with code, *out NULL, and a message that starts with the key
 * and mentions needle. */
static void expect_refused(const char *key, const char *value, int code, const char *needle)
{
    char *out = (char *)"sentinel";
    char err[256] = "";
    int rc = rc_topic_config_canonical(&out, key, value, err, sizeof(err));
    if (rc == 0) {
        fail_msg("%s=\"%s\" accepted as \"%s\"", key, value, out);
    }
    assert_int_equal(rc, code);
    assert_null(out);
    assert_int_equal(strncmp(err, key, strlen(key)), 0);
    assert_int_equal(strncmp(err + strlen(key), ": ", 2), 0);
    assert_null(strchr(err, '\n'));
    if (needle && !strstr(err, needle))
        fail_msg("error for %s=\"%s\" is \"%s\", expected it to mention \"%s\"", key, value, err,
                 needle);
}

/* ---- the catalogue ---------------------------------------------------------- */

/* Every topic-level key of Kafka 3.9 (docs: generated/topic_config.html). */
static const char *const kafka39_keys[] = {
    "cleanup.policy",
    "compression.gzip.level",
    "compression.lz4.level",
    "compression.type",
    "compression.zstd.level",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "follower.replication.throttled.replicas",
    "index.interval.bytes",
    "leader.replication.throttled.replicas",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.downconversion.enable",
    "message.format.version",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.difference.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "remote.log.copy.disable",
    "remote.log.delete.on.disable",
    "remote.storage.enable",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
};
#define N_KAFKA39 (sizeof(kafka39_keys) / sizeof(kafka39_keys[0]))

static void test_catalogue_covers_kafka_39(void **state)
{
    (void)state;
    size_t n = 0;
    const char *const *names = rc_topic_config_names(&n);
    assert_non_null(names);
    assert_int_equal(n, N_KAFKA39);
    for (size_t i = 0; i < N_KAFKA39; i++) {
        const rc_cfg_key *k = rc_topic_config_lookup(kafka39_keys[i]);
        if (!k)
            fail_msg("%s missing from the catalogue", kafka39_keys[i]);
        assert_string_equal(k->name, kafka39_keys[i]);
    }
    /* names: sorted, unique, and each one resolves to itself */
    for (size_t i = 0; i < n; i++) {
        const rc_cfg_key *k = rc_topic_config_lookup(names[i]);
        assert_non_null(k);
        assert_string_equal(k->name, names[i]);
        if (i > 0)
            assert_true(strcmp(names[i - 1], names[i]) < 0);
    }
    /* count is optional */
    assert_ptr_equal(rc_topic_config_names(NULL), names);
}

static void test_catalogue_lookup_misses(void **state)
{
    (void)state;
    assert_null(rc_topic_config_lookup("retention.msec"));
    assert_null(rc_topic_config_lookup("Retention.ms")); /* Kafka keys are case-sensitive */
    assert_null(rc_topic_config_lookup("retention.ms "));
    assert_null(rc_topic_config_lookup(""));
    assert_null(rc_topic_config_lookup(NULL));
    assert_null(rc_topic_config_lookup("log.retention.ms")); /* a broker key, not a topic key */
}

static void test_catalogue_types_and_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        rc_cfg_type type;
        long long min;
    } want[] = {
        {"retention.ms", RC_CFG_T_DURATION_MS, -1},
        {"retention.bytes", RC_CFG_T_BYTES, -1},
        {"local.retention.ms", RC_CFG_T_DURATION_MS, -2},
        {"local.retention.bytes", RC_CFG_T_BYTES, -2},
        {"segment.ms", RC_CFG_T_DURATION_MS, 1},
        {"segment.bytes", RC_CFG_T_BYTES, 14},
        {"segment.index.bytes", RC_CFG_T_BYTES, 4},
        {"max.message.bytes", RC_CFG_T_BYTES, 0},
        {"index.interval.bytes", RC_CFG_T_BYTES, 0},
        {"max.compaction.lag.ms", RC_CFG_T_DURATION_MS, 1},
        {"min.insync.replicas", RC_CFG_T_INT, 1},
        {"flush.messages", RC_CFG_T_INT, 1},
        {"compression.zstd.level", RC_CFG_T_INT, -131072},
        {"min.cleanable.dirty.ratio", RC_CFG_T_DOUBLE, 0},
        {"preallocate", RC_CFG_T_BOOL, 0},
        {"compression.type", RC_CFG_T_ENUM, 0},
        {"message.format.version", RC_CFG_T_STRING, 0},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const rc_cfg_key *k = rc_topic_config_lookup(want[i].name);
        assert_non_null(k);
        assert_int_equal(k->type, want[i].type);
        if (k->type != RC_CFG_T_BOOL && k->type != RC_CFG_T_ENUM && k->type != RC_CFG_T_STRING)
            assert_int_equal(k->min, want[i].min);
    }
    /* The header's rule: every *.ms key takes durations, every *.bytes key sizes. */
    size_t n;
    const char *const *names = rc_topic_config_names(&n);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        const rc_cfg_key *k = rc_topic_config_lookup(names[i]);
        if (len > 3 && strcmp(names[i] + len - 3, ".ms") == 0)
            assert_int_equal(k->type, RC_CFG_T_DURATION_MS);
        if (len > 6 && strcmp(names[i] + len - 6, ".bytes") == 0)
            assert_int_equal(k->type, RC_CFG_T_BYTES);
        assert_true((k->type == RC_CFG_T_ENUM) == (k->allowed != NULL));
    }
    const rc_cfg_key *cp = rc_topic_config_lookup("cleanup.policy");
    assert_int_equal(cp->type, RC_CFG_T_ENUM);
    assert_true(cp->list);
    assert_string_equal(cp->allowed, "compact,delete");
    assert_string_equal(rc_topic_config_lookup("compression.type")->allowed,
                        "uncompressed,zstd,lz4,snappy,gzip,producer");
    assert_string_equal(rc_topic_config_lookup("message.timestamp.type")->allowed,
                        "CreateTime,LogAppendTime");
    assert_true(rc_topic_config_lookup("leader.replication.throttled.replicas")->list);
    assert_false(rc_topic_config_lookup("compression.type")->list);
}

static void test_did_you_mean(void **state)
{
    (void)state;
    size_t n;
    const char *const *names = rc_topic_config_names(&n);
    static const struct {
        const char *typo, *want;
    } cases[] = {
        {"retention.msec", "retention.ms"},
        {"retention.ms.", "retention.ms"},
        {"retenton.ms", "retention.ms"},
        {"retention_ms", "retention.ms"},
        {"retention.byte", "retention.bytes"},
        {"segment.byte", "segment.bytes"},
        {"min.insync.replica", "min.insync.replicas"},
        {"min.isr.replicas", "min.insync.replicas"},
        {"cleanup.polcy", "cleanup.policy"},
        {"clean.policy", "cleanup.policy"},
        {"compresion.type", "compression.type"},
        {"max.messages.bytes", "max.message.bytes"},
        {"unclean.leader.election", "unclean.leader.election.enable"},
        {"leader.replication.throttled.replica", "leader.replication.throttled.replicas"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = rc_did_you_mean(cases[i].typo, names, n);
        if (!got || strcmp(got, cases[i].want) != 0)
            fail_msg("did you mean for \"%s\": got \"%s\", want \"%s\"", cases[i].typo,
                     got ? got : "(none)", cases[i].want);
    }
    assert_null(rc_did_you_mean("partitions", names, n));
    assert_null(rc_did_you_mean("totally.unrelated.thing", names, n));
}

static void test_throttle_keys(void **state)
{
    (void)state;
    assert_true(rc_topic_config_is_throttle_key("leader.replication.throttled.replicas"));
    assert_true(rc_topic_config_is_throttle_key("follower.replication.throttled.replicas"));
    assert_false(rc_topic_config_is_throttle_key("leader.replication.throttled.rate"));
    assert_false(rc_topic_config_is_throttle_key("retention.ms"));
    assert_false(rc_topic_config_is_throttle_key("Leader.replication.throttled.replicas"));
    assert_false(rc_topic_config_is_throttle_key(""));
    assert_false(rc_topic_config_is_throttle_key(NULL));

    const char *k = "leader.replication.throttled.replicas";
    expect_canon(k, "0:101,1:102", "0:101,1:102");
    expect_canon(k, "0:101, 1:102", "0:101,1:102");
    expect_canon(k, " 0:101 ,1:102 ", "0:101,1:102");
    expect_canon(k, "*", "*");
    expect_canon(k, " * ", "*");
    expect_canon(k, "", "");
    expect_canon("follower.replication.throttled.replicas", "3:1", "3:1");
    expect_refused(k, "0-101", RC_UNITS_EMALFORMED, "partition:broker");
    expect_refused(k, "0:", RC_UNITS_EMALFORMED, "partition:broker");
    expect_refused(k, ":1", RC_UNITS_EMALFORMED, "partition:broker");
    expect_refused(k, "0:1:2", RC_UNITS_EMALFORMED, "partition:broker");
    expect_refused(k, "*,0:1", RC_UNITS_EMALFORMED, "partition:broker");
    expect_refused(k, "0:1,,1:2", RC_UNITS_EMALFORMED, "partition:broker");
    expect_refused(k, "all", RC_UNITS_EMALFORMED, "partition:broker");
}

/* ---- canonical values, by type ------------------------------------------------ */

static void test_canon_durations(void **state)
{
    (void)state;
    /* The comparison that matters to the diff: 7d equals 604800000. */
    char *a = NULL, *b = NULL;
    assert_int_equal(rc_topic_config_canonical(&a, "retention.ms", "7d", NULL, 0), 0);
    assert_int_equal(rc_topic_config_canonical(&b, "retention.ms", "604800000", NULL, 0), 0);
    assert_string_equal(a, b);
    assert_string_equal(a, "604800000");
    free(a);
    free(b);

    expect_canon("retention.ms", "1w", "604800000");
    expect_canon("retention.ms", "12h", "43200000");
    expect_canon("retention.ms", "1h30m", "5400000");
    expect_canon("retention.ms", "500ms", "500");
    expect_canon("retention.ms", "-1", "-1");
    expect_canon("retention.ms", " 7d ", "604800000");
    expect_canon("retention.ms", "\t3600000\n", "3600000");
    expect_canon("retention.ms", "0", "0");
    expect_canon("retention.ms", "007", "7");
    expect_canon("segment.ms", "1", "1");
    expect_canon("segment.ms", "1d", "86400000");
    expect_canon("delete.retention.ms", "1d", "86400000");
    expect_canon("max.compaction.lag.ms", "9223372036854775807", "9223372036854775807");
    expect_canon("message.timestamp.after.max.ms", "1h", "3600000");
    expect_canon("local.retention.ms", "-2", "-2");
    expect_canon("local.retention.ms", "-1", "-1");
    expect_canon("local.retention.ms", "2d", "172800000");

    expect_refused("retention.ms", "seven days", RC_UNITS_EMALFORMED, NULL);
    char *out = NULL;
    char err[256];
    assert_int_equal(
        rc_topic_config_canonical(&out, "retention.ms", "seven days", err, sizeof(err)),
        RC_UNITS_EMALFORMED);
    assert_string_equal(
        err, "retention.ms: \"seven days\" is not a duration (use e.g. 7d, 12h, 3600000)");
    expect_refused("retention.ms", "", RC_UNITS_EMALFORMED, "empty");
    expect_refused("retention.ms", "   ", RC_UNITS_EMALFORMED, "empty");
    expect_refused("retention.ms", "7 d", RC_UNITS_EMALFORMED, "whitespace");
    expect_refused("retention.ms", "7D", RC_UNITS_EMALFORMED, "unknown duration unit");
    expect_refused("retention.ms", "7dx", RC_UNITS_EMALFORMED, "unknown duration unit");
    expect_refused("retention.ms", "1.5h", RC_UNITS_EMALFORMED, "fractions");
    expect_refused("retention.ms", "-2", RC_UNITS_ERANGE,
                   "below the minimum -1 (-1 means unlimited)");
    expect_refused("retention.ms", "-7d", RC_UNITS_EMALFORMED, "negative");
    expect_refused("retention.ms", "99999999999999999999d", RC_UNITS_ERANGE, "too large");
    expect_refused("retention.ms", "99999999999999999999", RC_UNITS_ERANGE, "64-bit");
    expect_refused("retention.ms", "1GB", RC_UNITS_EMALFORMED, "unknown duration unit \"GB\"");
    expect_refused("local.retention.ms", "-3", RC_UNITS_ERANGE, "below the minimum -2");
    expect_refused("segment.ms", "0", RC_UNITS_ERANGE, "0 is below the minimum 1");
    expect_refused("segment.ms", "0d", RC_UNITS_ERANGE, "\"0d\" (0) is below the minimum 1");
    expect_refused("segment.ms", "-1", RC_UNITS_ERANGE, "below the minimum 1");
    expect_refused("delete.retention.ms", "-1", RC_UNITS_ERANGE, "below the minimum 0");
}

static void test_canon_bytes(void **state)
{
    (void)state;
    expect_canon("segment.bytes", "512MiB", "536870912");
    expect_canon("segment.bytes", "536870912", "536870912");
    expect_canon("segment.bytes", "1GiB", "1073741824");
    expect_canon("segment.bytes", "14", "14");
    expect_canon("retention.bytes", "1TB", "1000000000000");
    expect_canon("retention.bytes", "10GiB", "10737418240");
    expect_canon("retention.bytes", "-1", "-1");
    expect_canon("local.retention.bytes", "-2", "-2");
    expect_canon("max.message.bytes", "1MiB", "1048576");
    expect_canon("max.message.bytes", "2147483647", "2147483647");
    expect_canon("index.interval.bytes", "4KiB", "4096");
    expect_canon("segment.index.bytes", "10MiB", "10485760");

    /* Kafka stores these as a Java int. */
    expect_refused("max.message.bytes", "2GiB", RC_UNITS_ERANGE,
                   "\"2GiB\" (2147483648) is above the maximum 2147483647");
    expect_refused("segment.bytes", "2147483648", RC_UNITS_ERANGE, "32-bit");
    expect_refused("segment.bytes", "13", RC_UNITS_ERANGE, "below the minimum 14");
    expect_refused("segment.index.bytes", "3", RC_UNITS_ERANGE, "below the minimum 4");
    expect_refused("retention.bytes", "-2", RC_UNITS_ERANGE, "below the minimum -1");
    expect_refused("local.retention.bytes", "-3", RC_UNITS_ERANGE, "below the minimum -2");
    expect_refused("retention.bytes", "1kb", RC_UNITS_EMALFORMED, "did you mean \"KB\"");
    expect_refused("retention.bytes", "1 GiB", RC_UNITS_EMALFORMED, "whitespace");
    expect_refused("retention.bytes", "lots", RC_UNITS_EMALFORMED, "is not a size");
    expect_refused("retention.bytes", "8388608TiB", RC_UNITS_ERANGE, "too large");
    expect_refused("retention.bytes", "7d", RC_UNITS_EMALFORMED, "unknown size unit");
}

static void test_canon_ints(void **state)
{
    (void)state;
    expect_canon("min.insync.replicas", "2", "2");
    expect_canon("min.insync.replicas", " 2 ", "2");
    expect_canon("min.insync.replicas", "02", "2");
    expect_canon("flush.messages", "9223372036854775807", "9223372036854775807");
    expect_canon("compression.gzip.level", "-1", "-1");
    expect_canon("compression.gzip.level", "1", "1");
    expect_canon("compression.gzip.level", "9", "9");
    expect_canon("compression.lz4.level", "1", "1");
    expect_canon("compression.lz4.level", "17", "17");
    expect_canon("compression.zstd.level", "-131072", "-131072");
    expect_canon("compression.zstd.level", "22", "22");
    expect_canon("compression.zstd.level", "-5", "-5");

    expect_refused("min.insync.replicas", "0", RC_UNITS_ERANGE, "below the minimum 1");
    expect_refused("min.insync.replicas", "-1", RC_UNITS_ERANGE, "below the minimum 1");
    expect_refused("min.insync.replicas", "2x", RC_UNITS_EMALFORMED, "not an integer");
    expect_refused("min.insync.replicas", "1k", RC_UNITS_EMALFORMED, "no units");
    expect_refused("min.insync.replicas", "1.0", RC_UNITS_EMALFORMED, "not an integer");
    expect_refused("min.insync.replicas", "+2", RC_UNITS_EMALFORMED, "not an integer");
    expect_refused("min.insync.replicas", "", RC_UNITS_EMALFORMED, "empty");
    expect_refused("min.insync.replicas", "2147483648", RC_UNITS_ERANGE,
                   "above the maximum 2147483647");
    expect_refused("flush.messages", "0", RC_UNITS_ERANGE, "below the minimum 1");
    expect_refused("flush.messages", "9223372036854775808", RC_UNITS_ERANGE, "64-bit");
    expect_refused("compression.gzip.level", "0", RC_UNITS_ERANGE, "not a gzip level");
    expect_refused("compression.gzip.level", "-2", RC_UNITS_ERANGE, "not a gzip level");
    expect_refused("compression.gzip.level", "10", RC_UNITS_ERANGE, "above the maximum 9");
    expect_refused("compression.lz4.level", "0", RC_UNITS_ERANGE, "below the minimum 1");
    expect_refused("compression.lz4.level", "18", RC_UNITS_ERANGE, "above the maximum 17");
    expect_refused("compression.zstd.level", "-131073", RC_UNITS_ERANGE,
                   "below the minimum -131072");
    expect_refused("compression.zstd.level", "23", RC_UNITS_ERANGE, "above the maximum 22");
}

static void test_canon_doubles(void **state)
{
    (void)state;
    const char *k = "min.cleanable.dirty.ratio";
    /* As Java's Double.toString prints them. */
    expect_canon(k, "0.5", "0.5");
    expect_canon(k, "0.50", "0.5");
    expect_canon(k, "1", "1.0");
    expect_canon(k, "1.0", "1.0");
    expect_canon(k, "1.", "1.0");
    expect_canon(k, "0", "0.0");
    expect_canon(k, "0.0", "0.0");
    expect_canon(k, ".5", "0.5");
    expect_canon(k, " 0.25 ", "0.25");
    expect_canon(k, "0.1", "0.1");
    expect_canon(k, "5e-1", "0.5");
    expect_canon(k, "1E-1", "0.1");
    expect_canon(k, "0.001", "0.001");
    expect_canon(k, "0.0020", "0.002");
    expect_canon(k, "0.0001", "1.0E-4");
    expect_canon(k, "0.00012", "1.2E-4");
    expect_canon(k, "0.3333333333333333333", "0.3333333333333333");
    expect_canon(k, "0.1234567890123456789", "0.12345678901234568");
    expect_canon(k, "0.99", "0.99");

    expect_refused(k, "1.5", RC_UNITS_ERANGE, "above the maximum 1");
    expect_refused(k, "1e999", RC_UNITS_ERANGE, "above the maximum 1");
    expect_refused(k, "-0.1", RC_UNITS_ERANGE, "below the minimum 0");
    expect_refused(k, "half", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "NaN", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "Infinity", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "0x1p-1", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "0.5d", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "0,5", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "50%", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, ".", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "1e", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "+0.5", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "0. 5", RC_UNITS_EMALFORMED, "not a decimal number");
    expect_refused(k, "", RC_UNITS_EMALFORMED, "empty");
}

static void test_canon_doubles_ignore_process_locale(void **state)
{
    (void)state;
    /* A host that set a decimal-comma locale must not change the result. */
    static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                                "nl_NL.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof(comma_locales) / sizeof(comma_locales[0]) && !set; i++)
        set = setlocale(LC_NUMERIC, comma_locales[i]);
    if (!set)
        skip(); /* no such locale installed here */
    expect_canon("min.cleanable.dirty.ratio", "0.5", "0.5");
    expect_canon("min.cleanable.dirty.ratio", "0.0001", "1.0E-4");
    setlocale(LC_NUMERIC, "C");
}

static void test_canon_bools(void **state)
{
    (void)state;
    expect_canon("preallocate", "true", "true");
    expect_canon("preallocate", "false", "false");
    expect_canon("preallocate", "TRUE", "true");
    expect_canon("preallocate", "False", "false");
    expect_canon("unclean.leader.election.enable", " tRuE ", "true");
    expect_canon("remote.storage.enable", "true", "true");
    expect_canon("remote.log.copy.disable", "false", "false");
    expect_canon("remote.log.delete.on.disable", "true", "true");
    expect_canon("message.downconversion.enable", "false", "false");

    expect_refused("preallocate", "yes", RC_UNITS_EMALFORMED, "not a boolean (use true or false)");
    expect_refused("preallocate", "1", RC_UNITS_EMALFORMED, "not a boolean");
    expect_refused("preallocate", "on", RC_UNITS_EMALFORMED, "not a boolean");
    expect_refused("preallocate", "tru", RC_UNITS_EMALFORMED, "not a boolean");
    expect_refused("preallocate", "truex", RC_UNITS_EMALFORMED, "not a boolean");
    expect_refused("preallocate", "", RC_UNITS_EMALFORMED, "empty");
}

static void test_canon_enums(void **state)
{
    (void)state;
    static const char *const codecs[] = {"uncompressed", "zstd", "lz4",
                                         "snappy",       "gzip", "producer"};
    for (size_t i = 0; i < 6; i++)
        expect_canon("compression.type", codecs[i], codecs[i]);
    expect_canon("compression.type", "GZIP", "gzip");
    expect_canon("compression.type", " Zstd ", "zstd");
    /* Kafka's own spelling, even when it is not lower-case. */
    expect_canon("message.timestamp.type", "CreateTime", "CreateTime");
    expect_canon("message.timestamp.type", "createtime", "CreateTime");
    expect_canon("message.timestamp.type", "LOGAPPENDTIME", "LogAppendTime");

    expect_refused("compression.type", "zip", RC_UNITS_EMALFORMED,
                   "\"zip\" is not one of uncompressed, zstd, lz4, snappy, gzip, producer "
                   "(did you mean \"gzip\"?)");
    expect_refused("compression.type", "none", RC_UNITS_EMALFORMED, "is not one of");
    expect_refused("compression.type", "gzip,lz4", RC_UNITS_EMALFORMED, "is not one of");
    expect_refused("message.timestamp.type", "create_time", RC_UNITS_EMALFORMED,
                   "(did you mean \"CreateTime\"?)");
    expect_refused("message.timestamp.type", "now", RC_UNITS_EMALFORMED,
                   "is not one of CreateTime, LogAppendTime");
    expect_refused("compression.type", "", RC_UNITS_EMALFORMED, "empty");
}

static void test_canon_cleanup_policy(void **state)
{
    (void)state;
    const char *k = "cleanup.policy";
    expect_canon(k, "delete", "delete");
    expect_canon(k, "compact", "compact");
    expect_canon(k, "compact,delete", "compact,delete");
    expect_canon(k, "compact, delete", "compact,delete");
    expect_canon(k, " compact ,  delete ", "compact,delete");
    expect_canon(k, "delete,compact", "delete,compact"); /* the user's order is kept */
    expect_canon(k, "Compact", "compact");
    expect_canon(k, "DELETE, Compact", "delete,compact");

    expect_refused(k, "", RC_UNITS_EMALFORMED, "empty list");
    expect_refused(k, "compact,,delete", RC_UNITS_EMALFORMED, "empty item");
    expect_refused(k, "compact,", RC_UNITS_EMALFORMED, "empty item");
    expect_refused(k, ",delete", RC_UNITS_EMALFORMED, "empty item");
    expect_refused(k, "compact,delete,compact", RC_UNITS_EMALFORMED, "listed twice");
    expect_refused(k, "delete,DELETE", RC_UNITS_EMALFORMED, "listed twice");
    expect_refused(k, "compact;delete", RC_UNITS_EMALFORMED, "is not one of compact, delete");
    expect_refused(k, "compacted", RC_UNITS_EMALFORMED, "did you mean \"compact\"");
    expect_refused(k, "compact,remove", RC_UNITS_EMALFORMED, "\"remove\" is not one of");
}

static void test_canon_strings_and_unknown_keys(void **state)
{
    (void)state;
    expect_canon("message.format.version", " 3.0 ", "3.0");
    expect_canon("message.format.version", "2.8-IV1", "2.8-IV1");
    expect_canon("message.format.version", "", "");
    /* Unknown keys (a newer broker's) pass through trimmed and unchanged. */
    expect_canon("some.future.key", "  Mixed Case, kept  ", "Mixed Case, kept");
    expect_canon("some.future.key", "", "");
    expect_canon("retention.msec", " 7d ", "7d");
}

static void test_canon_api_edges(void **state)
{
    (void)state;
    char *out = (char *)"sentinel";
    char err[256] = "";
    assert_int_equal(rc_topic_config_canonical(&out, "retention.ms", NULL, err, sizeof(err)),
                     RC_UNITS_EMALFORMED);
    assert_null(out);
    out = (char *)"sentinel";
    assert_int_equal(rc_topic_config_canonical(&out, NULL, "1", err, sizeof(err)),
                     RC_UNITS_EMALFORMED);
    assert_null(out);
    /* NULL and tiny error buffers are safe. */
    assert_int_equal(rc_topic_config_canonical(&out, "retention.ms", "x", NULL, 0),
                     RC_UNITS_EMALFORMED);
    char tiny[5];
    assert_int_equal(rc_topic_config_canonical(&out, "retention.ms", "x", tiny, sizeof(tiny)),
                     RC_UNITS_EMALFORMED);
    assert_string_equal(tiny, "rete");
    /* A long hostile value is quoted short and free of control bytes. */
    char big[4096];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[2] = '\033';
    assert_int_equal(rc_topic_config_canonical(&out, "compression.type", big, err, sizeof(err)),
                     RC_UNITS_EMALFORMED);
    assert_null(strchr(err, '\033'));
    assert_non_null(strstr(err, "..."));
}

/* One valid sample per key: each is accepted, and canonical form is a fixed
 * point (canonicalising it again changes nothing), which is what lets the diff
 * engine canonicalise both the declared and the broker's value. */
static void test_canon_every_key_idempotent(void **state)
{
    (void)state;
    size_t n;
    const char *const *names = rc_topic_config_names(&n);
    for (size_t i = 0; i < n; i++) {
        const rc_cfg_key *k = rc_topic_config_lookup(names[i]);
        const char *sample;
        switch (k->type) {
        case RC_CFG_T_DURATION_MS:
            sample = "1h";
            break;
        case RC_CFG_T_BYTES:
            sample = "1KiB";
            break;
        case RC_CFG_T_INT:
            sample = "2";
            break;
        case RC_CFG_T_DOUBLE:
            sample = "0.50";
            break;
        case RC_CFG_T_BOOL:
            sample = "TRUE";
            break;
        case RC_CFG_T_ENUM:
            sample = k->list ? "compact, delete" : (strchr(k->allowed, 'C') ? "createtime" : "LZ4");
            break;
        default:
            sample = rc_topic_config_is_throttle_key(k->name) ? "0:1, 1:2" : " 3.0 ";
            break;
        }
        char *once = NULL, *twice = NULL;
        char err[256] = "";
        if (rc_topic_config_canonical(&once, k->name, sample, err, sizeof(err)) != 0)
            fail_msg("%s=\"%s\" refused: %s", k->name, sample, err);
        if (rc_topic_config_canonical(&twice, k->name, once, err, sizeof(err)) != 0)
            fail_msg("%s=\"%s\" (canonical) refused: %s", k->name, once, err);
        assert_string_equal(once, twice);
        free(once);
        free(twice);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_covers_kafka_39),
        cmocka_unit_test(test_catalogue_lookup_misses),
        cmocka_unit_test(test_catalogue_types_and_bounds),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_throttle_keys),
        cmocka_unit_test(test_canon_durations),
        cmocka_unit_test(test_canon_bytes),
        cmocka_unit_test(test_canon_ints),
        cmocka_unit_test(test_canon_doubles),
        cmocka_unit_test(test_canon_doubles_ignore_process_locale),
        cmocka_unit_test(test_canon_bools),
        cmocka_unit_test(test_canon_enums),
        cmocka_unit_test(test_canon_cleanup_policy),
        cmocka_unit_test(test_canon_strings_and_unknown_keys),
        cmocka_unit_test(test_canon_api_edges),
        cmocka_unit_test(test_canon_every_key_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
