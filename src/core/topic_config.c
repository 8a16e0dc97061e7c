/* topic_config.c — the Kafka 3.9 topic config catalogue and canonical values;
 * see topic_config.h. */
#include "topic_config.h"

#include "units.h"
#include "textout.h"
#include "util.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One list drives both the table and the names array, so they cannot drift.
 * Columns: name, type, allowed (ENUM), list, min, max. Bounds and types are
 * Kafka 3.9's LogConfig definitions; INT32_MAX marks keys Kafka stores as a
 * Java int. Alphabetical, like Kafka's generated docs. Deprecated keys that
 * 3.9 still accepts (message.format.version, message.downconversion.enable,
 * message.timestamp.difference.max.ms) are kept: refusing them would break
 * declarations that are valid for the broker. */
#define RC_TOPIC_CONFIG_KEYS(X)                                                                    \
    X("cleanup.policy", RC_CFG_T_ENUM, "compact,delete", true, 0, 0)                               \
    X("compression.gzip.level", RC_CFG_T_INT, NULL, false, -1, 9)                                  \
    X("compression.lz4.level", RC_CFG_T_INT, NULL, false, 1, 17)                                   \
    X("compression.type", RC_CFG_T_ENUM, "uncompressed,zstd,lz4,snappy,gzip,producer", false, 0,   \
      0)                                                                                           \
    X("compression.zstd.level", RC_CFG_T_INT, NULL, false, -131072, 22)                            \
    X("delete.retention.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)                      \
    X("file.delete.delay.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)                     \
    X("flush.messages", RC_CFG_T_INT, NULL, false, 1, LLONG_MAX)                                   \
    X("flush.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)                                 \
    X("follower.replication.throttled.replicas", RC_CFG_T_STRING, NULL, true, 0, 0)                \
    X("index.interval.bytes", RC_CFG_T_BYTES, NULL, false, 0, INT32_MAX)                           \
    X("leader.replication.throttled.replicas", RC_CFG_T_STRING, NULL, true, 0, 0)                  \
    X("local.retention.bytes", RC_CFG_T_BYTES, NULL, false, -2, LLONG_MAX)                         \
    X("local.retention.ms", RC_CFG_T_DURATION_MS, NULL, false, -2, LLONG_MAX)                      \
    X("max.compaction.lag.ms", RC_CFG_T_DURATION_MS, NULL, false, 1, LLONG_MAX)                    \
    X("max.message.bytes", RC_CFG_T_BYTES, NULL, false, 0, INT32_MAX)                              \
    X("message.downconversion.enable", RC_CFG_T_BOOL, NULL, false, 0, 0)                           \
    X("message.format.version", RC_CFG_T_STRING, NULL, false, 0, 0)                                \
    X("message.timestamp.after.max.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)           \
    X("message.timestamp.before.max.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)          \
    X("message.timestamp.difference.max.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)      \
    X("message.timestamp.type", RC_CFG_T_ENUM, "CreateTime,LogAppendTime", false, 0, 0)            \
    X("min.cleanable.dirty.ratio", RC_CFG_T_DOUBLE, NULL, false, 0, 1)                             \
    X("min.compaction.lag.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)                    \
    X("min.insync.replicas", RC_CFG_T_INT, NULL, false, 1, INT32_MAX)                              \
    X("preallocate", RC_CFG_T_BOOL, NULL, false, 0, 0)                                             \
    X("remote.log.copy.disable", RC_CFG_T_BOOL, NULL, false, 0, 0)                                 \
    X("remote.log.delete.on.disable", RC_CFG_T_BOOL, NULL, false, 0, 0)                            \
    X("remote.storage.enable", RC_CFG_T_BOOL, NULL, false, 0, 0)                                   \
    X("retention.bytes", RC_CFG_T_BYTES, NULL, false, -1, LLONG_MAX)                               \
    X("retention.ms", RC_CFG_T_DURATION_MS, NULL, false, -1, LLONG_MAX)                            \
    X("segment.bytes", RC_CFG_T_BYTES, NULL, false, 14, INT32_MAX)                                 \
    X("segment.index.bytes", RC_CFG_T_BYTES, NULL, false, 4, INT32_MAX)                            \
    X("segment.jitter.ms", RC_CFG_T_DURATION_MS, NULL, false, 0, LLONG_MAX)                        \
    X("segment.ms", RC_CFG_T_DURATION_MS, NULL, false, 1, LLONG_MAX)                               \
    X("unclean.leader.election.enable", RC_CFG_T_BOOL, NULL, false, 0, 0)

/* The public rc_cfg_key first, so a pointer to it is also a pointer to the
 * entry; the upper bound stays private because the header's struct has none. */
typedef struct cat_entry {
    rc_cfg_key key;
    long long max;
} cat_entry;

#define RC_ENTRY(name, type, allowed, list, min, max) {{name, type, allowed, list, min}, max},
static const cat_entry catalogue[] = {RC_TOPIC_CONFIG_KEYS(RC_ENTRY)};
#undef RC_ENTRY

#define RC_NAME(name, type, allowed, list, min, max) name,
static const char *const key_names[] = {RC_TOPIC_CONFIG_KEYS(RC_NAME)};
#undef RC_NAME

#define N_KEYS (sizeof(catalogue) / sizeof(catalogue[0]))

static const char LEADER_THROTTLE[] = "leader.replication.throttled.replicas";
static const char FOLLOWER_THROTTLE[] = "follower.replication.throttled.replicas";

/* ---- small helpers ------------------------------------------------------ */

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ASCII white space only (rc_is_space), like Java's String.trim (which Kafka applies):
 * it also drops only ASCII whitespace and control characters. */
static void trim(const char **s, size_t *n)
{
    while (*n && rc_is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && rc_is_space((*s)[*n - 1]))
        (*n)--;
}

static int key_fail(int code, char *errbuf, size_t errlen, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Every message starts with the key so it reads well after "file:line:col: ". */
static int key_fail(int code, char *errbuf, size_t errlen, const char *key, const char *fmt, ...)
{
    if (errbuf && errlen) {
        int n = snprintf(errbuf, errlen, "%s: ", key);
        if (n >= 0 && (size_t)n < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(errbuf + n, errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

static const cat_entry *find_entry(const char *key)
{
    if (!key)
        return NULL;
    /* 36 keys: a linear scan costs less than keeping a sorted index honest. */
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(catalogue[i].key.name, key) == 0)
            return &catalogue[i];
    return NULL;
}

/* Optional '-' and digits only. Returns 0, RC_UNITS_EMALFORMED when s is not of that
 * shape, RC_UNITS_ERANGE when it does not fit a long long. */
static int parse_plain_int(long long *out, const char *s)
{
    bool neg = *s == '-';
    const char *p = s + (neg ? 1 : 0);
    if (!rc_is_digit(*p))
        return RC_UNITS_EMALFORMED;
    long long v = 0;
    bool ovf = false;
    for (; *p; p++) {
        if (!rc_is_digit(*p))
            return RC_UNITS_EMALFORMED;
        int d = *p - '0';
        if (v > (LLONG_MAX - d) / 10)
            ovf = true;
        else
            v = v * 10 + d;
    }
    if (ovf)
        return RC_UNITS_ERANGE;
    *out = neg ? -v : v;
    return 0;
}

static int check_bounds(const cat_entry *e, long long v, const char *text, char *errbuf,
                        size_t errlen)
{
    char q[64], num[32];
    snprintf(num, sizeof(num), "%lld", v);
    /* Show the user's text too when units changed its look ("0d" (0)). */
    char what[112];
    if (strcmp(num, text) == 0)
        snprintf(what, sizeof(what), "%s", num);
    else
        snprintf(what, sizeof(what), "\"%s\" (%s)", rc_text_shown(q, sizeof(q), text), num);
    /* The one hole in a Kafka range: gzip takes 1..9 or -1, not 0. */
    if (strcmp(e->key.name, "compression.gzip.level") == 0 && v <= 0 && v != -1)
        return key_fail(RC_UNITS_ERANGE, errbuf, errlen, e->key.name,
                        "%s is not a gzip level (use 1 to 9, or -1 for the codec default)", what);
    /* The negative sentinels of the retention keys deserve a word. */
    bool sized = e->key.type == RC_CFG_T_DURATION_MS || e->key.type == RC_CFG_T_BYTES;
    if (v < e->key.min)
        return key_fail(RC_UNITS_ERANGE, errbuf, errlen, e->key.name,
                        "%s is below the minimum %lld%s", what, e->key.min,
                        !sized             ? ""
                        : e->key.min == -1 ? " (-1 means unlimited)"
                        : e->key.min == -2 ? " (-2 means: use the retention.* value)"
                                           : "");
    if (v > e->max)
        return key_fail(RC_UNITS_ERANGE, errbuf, errlen, e->key.name,
                        "%s is above the maximum %lld%s", what, e->max,
                        e->max == INT32_MAX ? " (Kafka stores this key as a 32-bit int)" : "");
    return 0;
}

/* ---- one function per type ---------------------------------------------- */

static int canon_number(char **out, const cat_entry *e, const char *v, char *errbuf, size_t errlen)
{
    char q[64], why[256];
    long long n = 0;
    int rc = parse_plain_int(&n, v);
    if (rc == RC_UNITS_ERANGE)
        return key_fail(RC_UNITS_ERANGE, errbuf, errlen, e->key.name,
                        "\"%s\" does not fit a 64-bit integer", rc_text_shown(q, sizeof(q), v));
    if (rc != 0) {
        /* Not a bare integer: units, if the type has any. Bare integers are
         * read above, not by units.c, because only there may a key accept a
         * negative sentinel other than -1 (local.retention.* takes -2). */
        switch (e->key.type) {
        case RC_CFG_T_DURATION_MS:
            rc = rc_units_parse_duration_ms(&n, v, why, sizeof(why));
            break;
        case RC_CFG_T_BYTES:
            rc = rc_units_parse_bytes(&n, v, why, sizeof(why));
            break;
        default:
            return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                            "\"%s\" is not an integer (this key takes a plain number, no units)",
                            rc_text_shown(q, sizeof(q), v));
        }
        if (rc != 0)
            return key_fail(rc, errbuf, errlen, e->key.name, "%s", why);
    }
    rc = check_bounds(e, n, v, errbuf, errlen);
    if (rc != 0)
        return rc;
    *out = rc_xasprintf("%lld", n);
    return 0;
}

/* Java's Double.parseDouble takes more ("0x1p-1", "NaN", "1d"); this is the
 * plain decimal subset nobody will misread: [-]digits[.digits][e[+-]digits]
 * with at least one digit before or after the point. */
static bool is_decimal(const char *s)
{
    size_t digits = 0;
    if (*s == '-')
        s++;
    for (; rc_is_digit(*s); s++)
        digits++;
    if (*s == '.')
        for (s++; rc_is_digit(*s); s++)
            digits++;
    if (digits == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!rc_is_digit(*s))
            return false;
        while (rc_is_digit(*s))
            s++;
    }
    return *s == '\0';
}

/* v as Java's Double.toString writes it (finite v): the shortest digits that
 * read back as the same double, in plain notation for 1e-3 <= |v| < 1e7 with
 * at least one digit after the point ("1.0", "0.5"), else as "d.dddE<n>"
 * ("1.0E-4"). JDKs before 19 sometimes print a needlessly long form (0.002 as
 * "0.0020"); canonicalising the broker's value too makes that harmless.
 * Must run with the C numeric locale (see canon_double). */
static char *java_double(double v)
{
    if (v == 0)
        return rc_xstrdup(signbit(v) ? "-0.0" : "0.0");
    char sci[48];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(sci, sizeof(sci), "%.*e", prec - 1, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    rc_buf b = {0};
    const char *p = sci;
    if (*p == '-') {
        rc_buf_puts(&b, "-");
        p++;
    }
    char digits[24];
    size_t nd = 0;
    for (; *p && *p != 'e'; p++)
        if (rc_is_digit(*p) && nd < sizeof(digits))
            digits[nd++] = *p;
    long exp10 = *p ? strtol(p + 1, NULL, 10) : 0;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (exp10 >= -3 && exp10 < 7) {
        if (exp10 >= 0) {
            size_t int_digits = (size_t)exp10 + 1;
            for (size_t i = 0; i < int_digits; i++)
                rc_buf_append(&b, i < nd ? &digits[i] : "0", 1);
            rc_buf_puts(&b, ".");
            if (nd > int_digits)
                rc_buf_append(&b, digits + int_digits, nd - int_digits);
            else
                rc_buf_puts(&b, "0");
        } else {
            rc_buf_puts(&b, "0.");
            for (long i = 0; i < -exp10 - 1; i++)
                rc_buf_puts(&b, "0");
            rc_buf_append(&b, digits, nd);
        }
    } else {
        rc_buf_append(&b, digits, 1);
        rc_buf_puts(&b, ".");
        if (nd > 1)
            rc_buf_append(&b, digits + 1, nd - 1);
        else
            rc_buf_puts(&b, "0");
        rc_buf_printf(&b, "E%ld", exp10);
    }
    return rc_buf_take(&b);
}

static int canon_double(char **out, const cat_entry *e, const char *v, char *errbuf, size_t errlen)
{
    char q[64];
    if (!is_decimal(v))
        return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                        "\"%s\" is not a decimal number (use e.g. 0.5)",
                        rc_text_shown(q, sizeof(q), v));
    /* strtod and printf follow LC_NUMERIC, which a host program may have set
     * to a locale with a decimal comma; switch this thread to "C" meanwhile. */
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
    double d = strtod(v, NULL);
    int rc = 0;
    if (!(d >= (double)e->key.min))
        rc = key_fail(RC_UNITS_ERANGE, errbuf, errlen, e->key.name, "%s is below the minimum %lld",
                      rc_text_shown(q, sizeof(q), v), e->key.min);
    else if (!(d <= (double)e->max))
        rc = key_fail(RC_UNITS_ERANGE, errbuf, errlen, e->key.name, "%s is above the maximum %lld",
                      rc_text_shown(q, sizeof(q), v), e->max);
    else
        *out = java_double(d);
    if (c_locale) {
        uselocale(old);
        freelocale(c_locale);
    }
    return rc;
}

static int canon_bool(char **out, const cat_entry *e, const char *v, char *errbuf, size_t errlen)
{
    static const char *const words[] = {"true", "false"};
    for (size_t i = 0; i < 2; i++) {
        size_t j = 0;
        while (v[j] && lower(v[j]) == words[i][j])
            j++;
        if (v[j] == '\0' && words[i][j] == '\0') {
            *out = rc_xstrdup(words[i]);
            return 0;
        }
    }
    char q[64];
    return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                    "\"%s\" is not a boolean (use true or false)", rc_text_shown(q, sizeof(q), v));
}

/* The i-th value of a comma-separated catalogue list; false past the end. */
static bool allowed_at(const char *allowed, size_t i, const char **s, size_t *n)
{
    const char *p = allowed;
    for (; i > 0; i--) {
        p = strchr(p, ',');
        if (!p)
            return false;
        p++;
    }
    const char *end = strchr(p, ',');
    *s = p;
    *n = end ? (size_t)(end - p) : strlen(p);
    return true;
}

/* Index of item (case-insensitive) in the allowed list, or -1. */
static int enum_index(const char *allowed, const char *item, size_t len)
{
    const char *s;
    size_t n;
    for (size_t i = 0; allowed_at(allowed, i, &s, &n); i++) {
        if (n != len)
            continue;
        size_t j = 0;
        while (j < n && lower(s[j]) == lower(item[j]))
            j++;
        if (j == n)
            return (int)i;
    }
    return -1;
}

/* "x" is not one of a, b, c (did you mean "b"?) */
static int enum_fail(const cat_entry *e, const char *item, size_t len, char *errbuf, size_t errlen)
{
    enum { MAXV = 8, MAXLEN = 32 };
    char lowered[MAXV][MAXLEN], word[MAXLEN * 2], listing[256] = "", q[64];
    const char *cands[MAXV];
    size_t nc = 0, used = 0;
    const char *s;
    size_t n;
    for (size_t i = 0; i < MAXV && allowed_at(e->key.allowed, i, &s, &n); i++) {
        int w =
            snprintf(listing + used, sizeof(listing) - used, "%s%.*s", i ? ", " : "", (int)n, s);
        if (w > 0 && (size_t)w < sizeof(listing) - used)
            used += (size_t)w;
        size_t k;
        for (k = 0; k < n && k + 1 < MAXLEN; k++)
            lowered[i][k] = lower(s[k]);
        lowered[i][k] = '\0';
        cands[nc++] = lowered[i];
    }
    size_t k;
    for (k = 0; k < len && k + 1 < sizeof(word); k++)
        word[k] = lower(item[k]);
    word[k] = '\0';
    const char *best = rc_did_you_mean(word, cands, nc);
    char shown_item[MAXLEN * 2];
    snprintf(shown_item, sizeof(shown_item), "%.*s", (int)len, item);
    size_t bi = 0;
    while (best && bi < nc && cands[bi] != best)
        bi++;
    if (best && allowed_at(e->key.allowed, bi, &s, &n))
        return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                        "\"%s\" is not one of %s (did you mean \"%.*s\"?)",
                        rc_text_shown(q, sizeof(q), shown_item), listing, (int)n, s);
    return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name, "\"%s\" is not one of %s",
                    rc_text_shown(q, sizeof(q), shown_item), listing);
}

static int canon_enum(char **out, const cat_entry *e, const char *v, char *errbuf, size_t errlen)
{
    const char *s = NULL;
    size_t n = 0;
    if (!e->key.list) {
        int i = enum_index(e->key.allowed, v, strlen(v));
        if (i < 0)
            return enum_fail(e, v, strlen(v), errbuf, errlen);
        allowed_at(e->key.allowed, (size_t)i, &s, &n);
        *out = rc_xstrndup(s, n);
        return 0;
    }
    if (!*v)
        return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                        "empty list (use one or more of %s)", e->key.allowed);
    /* Order is kept: Kafka reports the list as it was set, and "delete,compact"
     * differs from "compact,delete" as text even though it means the same. */
    rc_buf b = {0};
    char q[64];
    unsigned long long seen = 0;
    const char *p = v;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *item = p;
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        trim(&item, &len);
        int rc = 0;
        int i = len ? enum_index(e->key.allowed, item, len) : -1;
        if (len == 0)
            rc = key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                          "empty item in the list \"%s\" (write e.g. compact,delete)",
                          rc_text_shown(q, sizeof(q), v));
        else if (i < 0)
            rc = enum_fail(e, item, len, errbuf, errlen);
        else if (seen & (1ULL << i))
            rc = key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                          "\"%.*s\" is listed twice", (int)len, item);
        if (rc != 0) {
            rc_buf_free(&b);
            return rc;
        }
        seen |= 1ULL << i;
        allowed_at(e->key.allowed, (size_t)i, &s, &n);
        if (b.len)
            rc_buf_puts(&b, ",");
        rc_buf_append(&b, s, n);
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = rc_buf_take(&b);
    return 0;
}

/* Kafka's ThrottledReplicaListValidator: "*" alone, or partitionId:brokerId
 * items. An empty value (no throttling) is allowed; empty items are not. */
static bool is_replica_item(const char *s, size_t n)
{
    size_t i = 0, a = 0, b = 0;
    while (i < n && rc_is_digit(s[i])) {
        i++;
        a++;
    }
    if (i >= n || s[i] != ':')
        return false;
    for (i++; i < n && rc_is_digit(s[i]); i++)
        b++;
    return a > 0 && b > 0 && i == n;
}

static int canon_string(char **out, const cat_entry *e, const char *v, char *errbuf, size_t errlen)
{
    bool throttle = rc_topic_config_is_throttle_key(e->key.name);
    if (!e->key.list || !*v || (throttle && strcmp(v, "*") == 0)) {
        *out = rc_xstrdup(v);
        return 0;
    }
    rc_buf b = {0};
    const char *p = v;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *item = p;
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        trim(&item, &len);
        if (len == 0 || (throttle && !is_replica_item(item, len))) {
            char q[64];
            rc_buf_free(&b);
            if (throttle)
                return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                                "\"%s\" is not a replica list (use * or partition:broker pairs "
                                "such as 0:101,1:102)",
                                rc_text_shown(q, sizeof(q), v));
            return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, e->key.name,
                            "empty item in the list \"%s\"", rc_text_shown(q, sizeof(q), v));
        }
        if (b.len)
            rc_buf_puts(&b, ",");
        rc_buf_append(&b, item, len);
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = rc_buf_take(&b);
    return 0;
}

/* ---- public API --------------------------------------------------------- */

const rc_cfg_key *rc_topic_config_lookup(const char *key)
{
    const cat_entry *e = find_entry(key);
    return e ? &e->key : NULL;
}

const char *const *rc_topic_config_names(size_t *count)
{
    if (count)
        *count = N_KEYS;
    return key_names;
}

int rc_topic_config_canonical(char **out, const char *key, const char *value, char *errbuf,
                              size_t errlen)
{
    *out = NULL;
    if (!key || !value)
        return key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, key ? key : "(null)", "no value");
    const char *s = value;
    size_t n = strlen(value);
    trim(&s, &n);
    char *v = rc_xstrndup(s, n);
    const cat_entry *e = find_entry(key);
    if (!e) {
        *out = v;
        return 0;
    }
    int rc;
    /* Durations and sizes say "empty" themselves, with an example; lists and
     * strings may legitimately be empty. */
    bool says_empty = e->key.type == RC_CFG_T_DURATION_MS || e->key.type == RC_CFG_T_BYTES ||
                      e->key.type == RC_CFG_T_STRING || e->key.list;
    if (!*v && !says_empty) {
        rc = key_fail(RC_UNITS_EMALFORMED, errbuf, errlen, key, "empty value");
        free(v);
        return rc;
    }
    switch (e->key.type) {
    case RC_CFG_T_DURATION_MS:
    case RC_CFG_T_BYTES:
    case RC_CFG_T_INT:
        rc = canon_number(out, e, v, errbuf, errlen);
        break;
    case RC_CFG_T_DOUBLE:
        rc = canon_double(out, e, v, errbuf, errlen);
        break;
    case RC_CFG_T_BOOL:
        rc = canon_bool(out, e, v, errbuf, errlen);
        break;
    case RC_CFG_T_ENUM:
        rc = canon_enum(out, e, v, errbuf, errlen);
        break;
    case RC_CFG_T_STRING:
    default:
        rc = canon_string(out, e, v, errbuf, errlen);
        break;
    }
    free(v);
    return rc;
}

bool rc_topic_config_is_throttle_key(const char *key)
{
    return key && (strcmp(key, LEADER_THROTTLE) == 0 || strcmp(key, FOLLOWER_THROTTLE) == 0);
}
