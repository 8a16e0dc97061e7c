/* fuzz_units.c — unit parsers and config canonicalisation on one string.
 *
 * The input, cut at its first NUL, goes to rc_units_parse_duration_ms, _s and
 * rc_units_parse_bytes, and to rc_topic_config_canonical for a spread of keys
 * (one per value type, both list keys, the keys with negative sentinels, an
 * unknown key). Checked contracts (units.h, topic_config.h):
 * - results are 0, RC_UNITS_EMALFORMED or RC_UNITS_ERANGE; an error leaves *out untouched and
 *   writes a non-empty, NUL-terminated reason, also into a 1-byte buffer;
 * - a parsed duration in seconds formats back (rc_units_format_duration_s) to
 *   text that parses to the same value;
 * - with a unit, the _ms and _s parsers agree (x ms, x % 1000 == 0 <=> x/1000 s);
 * - canonical form is a fixed point: canonicalising it again gives it back
 *   (what the broker reports must compare equal to what was declared). */
#include "topic_config.h"
#include "units.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#define SENTINEL 0x5a5a5a5a5a5aLL

typedef int (*parse_fn)(long long *out, const char *text, char *errbuf, size_t errlen);

/* Runs fn with a normal, a 1-byte and no error buffer; all must agree. */
static int parse3(parse_fn fn, long long *out, const char *text)
{
    char err[256], tiny[1] = {'x'};
    long long v1 = SENTINEL, v2 = SENTINEL, v3 = SENTINEL;
    err[0] = 'x';
    int rc = fn(&v1, text, err, sizeof(err));
    CHECK(rc == 0 || rc == RC_UNITS_EMALFORMED || rc == RC_UNITS_ERANGE);
    CHECK(fn(&v2, text, tiny, sizeof(tiny)) == rc);
    CHECK(fn(&v3, text, NULL, 0) == rc);
    CHECK(v1 == v2 && v2 == v3);
    if (rc < 0) {
        CHECK(v1 == SENTINEL);
        CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
        CHECK(tiny[0] == '\0');
    }
    *out = v1;
    return rc;
}

static int has_unit(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
            return 1;
    return 0;
}

static void check_units(const char *text)
{
    long long ms, s, bytes;
    int rms = parse3(rc_units_parse_duration_ms, &ms, text);
    int rs = parse3(rc_units_parse_duration_s, &s, text);
    (void)parse3(rc_units_parse_bytes, &bytes, text);

    if (rs == 0 && s >= 0) {
        char *f = rc_units_format_duration_s(s);
        CHECK(f != NULL);
        long long back = SENTINEL;
        CHECK(rc_units_parse_duration_s(&back, f, NULL, 0) == 0);
        CHECK(back == s);
        free(f);
    }
    if (has_unit(text)) {
        if (rms == 0 && ms >= 0 && ms % 1000 == 0)
            CHECK(rs == 0 && s == ms / 1000);
        if (rs == 0 && s >= 0)
            CHECK((rms == 0 && ms / 1000 == s && ms % 1000 == 0) || rms == RC_UNITS_ERANGE);
    }
}

static const char *const keys[] = {
    "retention.ms",
    "local.retention.ms",
    "segment.ms",
    "retention.bytes",
    "max.message.bytes",
    "min.insync.replicas",
    "compression.zstd.level",
    "min.cleanable.dirty.ratio",
    "unclean.leader.election.enable",
    "compression.type",
    "message.timestamp.type",
    "cleanup.policy",
    "leader.replication.throttled.replicas",
    "message.format.version",
    "x.unknown.key",
};

static void check_config(const char *text)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char err[256], tiny[1] = {'x'};
        char *out = (char *)1, *out2 = (char *)1;
        err[0] = 'x';
        int rc = rc_topic_config_canonical(&out, keys[i], text, err, sizeof(err));
        CHECK(rc == 0 || rc == RC_UNITS_EMALFORMED || rc == RC_UNITS_ERANGE);
        CHECK(rc_topic_config_canonical(&out2, keys[i], text, tiny, sizeof(tiny)) == rc);
        if (rc < 0) {
            CHECK(out == NULL && out2 == NULL);
            CHECK(memchr(err, '\0', sizeof(err)) != NULL);
            CHECK(strncmp(err, keys[i], strlen(keys[i])) == 0);
            CHECK(tiny[0] == '\0');
            continue;
        }
        CHECK(out != NULL && out2 != NULL && strcmp(out, out2) == 0);
        free(out2);
        char *again = NULL;
        CHECK(rc_topic_config_canonical(&again, keys[i], out, NULL, 0) == 0);
        CHECK(strcmp(again, out) == 0);
        free(again);
        free(out);
    }
    (void)rc_topic_config_lookup(text);
    (void)rc_topic_config_is_throttle_key(text);
    size_t n = 0;
    const char *const *names = rc_topic_config_names(&n);
    (void)rc_did_you_mean(text, names, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    check_units(text);
    check_config(text);
    free(text);
    return 0;
}
