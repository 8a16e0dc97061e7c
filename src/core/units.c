/* units.c — strict parsing of human durations and sizes; see units.h. */
#include "units.h"

#include "textout.h"
#include "util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* By hand, like rc_is_digit and rc_is_space (util.h): <ctype.h> depends on
 * the locale. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool eq_nocase(const char *a, size_t alen, const char *b)
{
    if (strlen(b) != alen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

/* One character for a message: itself when printable ASCII, else a \x escape. */
static const char *shown_char(char buf[8], char c)
{
    unsigned char u = (unsigned char)c;
    if (u >= 0x20 && u < 0x7f)
        snprintf(buf, 8, "%c", c);
    else
        snprintf(buf, 8, "\\x%02x", u);
    return buf;
}

/* Reads a run of digits at *p into *out. On overflow keeps consuming digits
 * (so the caller can report "too large" rather than a confusing syntax error)
 * and sets *overflow. Returns the number of digits read. */
static size_t read_digits(const char **p, long long *out, bool *overflow)
{
    const char *s = *p;
    long long v = 0;
    *overflow = false;
    while (rc_is_digit(*s)) {
        int d = *s - '0';
        if (v > (LLONG_MAX - d) / 10)
            *overflow = true;
        else
            v = v * 10 + d;
        s++;
    }
    size_t n = (size_t)(s - *p);
    *p = s;
    *out = v;
    return n;
}

/* Checks shared by durations and sizes before the number itself is read:
 * empty input, surrounding whitespace, and the one negative value allowed.
 * Returns 1 when the value was fully handled (the "-1" case), 0 to continue
 * parsing, or a negative error. */
static int common_prefix(long long *out, const char *text, const char *what, const char *example,
                         char *errbuf, size_t errlen)
{
    char q[64];
    if (!text || !*text)
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "empty value (expected a %s such as %s)", what, example);
    size_t len = strlen(text);
    if (rc_is_space(text[0]) || rc_is_space(text[len - 1]))
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\" has leading or trailing whitespace",
                         rc_text_shown(q, sizeof(q), text));
    if (text[0] == '-') {
        const char *p = text + 1;
        long long v;
        bool ovf;
        if (rc_all_digits(p)) {
            bool bare_one = strcmp(p, "1") == 0; /* "-01" is not the documented "-1" */
            read_digits(&p, &v, &ovf);
            if (!ovf && v == 1 && bare_one) {
                *out = -1;
                return 1;
            }
            return rc_errorf(RC_UNITS_ERANGE, errbuf, errlen,
                             "\"%s\": negative values are not allowed (only -1, meaning unlimited)",
                             rc_text_shown(q, sizeof(q), text));
        }
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\": a negative %s is not allowed (only the bare integer -1, meaning "
                         "unlimited)",
                         rc_text_shown(q, sizeof(q), text), what);
    }
    if (!rc_is_digit(text[0]))
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen, "\"%s\" is not a %s (use e.g. %s)",
                         rc_text_shown(q, sizeof(q), text), what, example);
    return 0;
}

typedef struct unit {
    const char *name;
    long long factor; /* in milliseconds (durations) or bytes (sizes) */
} unit;

/* Largest first: compound durations must follow this order. */
static const unit duration_units[] = {
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
};
#define N_DURATION_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))

static const unit size_units[] = {
    {"B", 1},
    {"KB", 1000LL},
    {"MB", 1000LL * 1000},
    {"GB", 1000LL * 1000 * 1000},
    {"TB", 1000LL * 1000 * 1000 * 1000},
    {"KiB", 1024LL},
    {"MiB", 1024LL * 1024},
    {"GiB", 1024LL * 1024 * 1024},
    {"TiB", 1024LL * 1024 * 1024 * 1024},
};
#define N_SIZE_UNITS (sizeof(size_units) / sizeof(size_units[0]))

/* One "<digits><unit>" term of a duration at *p (advanced past it): its
 * number in *v (*ovf when it did not fit) and its index in duration_units. */
static int read_duration_term(const char **pp, long long *v, bool *ovf, size_t *unit_index,
                              const char *text, char *errbuf, size_t errlen)
{
    char q[64], cq[8];
    const char *p = *pp;
    const char *num = p;
    if (read_digits(&p, v, ovf) == 0) {
        if (rc_is_space(*p))
            return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                             "\"%s\" contains whitespace; write durations without spaces "
                             "(e.g. 1h30m)",
                             rc_text_shown(q, sizeof(q), text));
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen, "\"%s\": unexpected '%s'",
                         rc_text_shown(q, sizeof(q), text), shown_char(cq, *p));
    }
    if (*p == '.')
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\": fractions are not supported; use a smaller unit "
                         "(e.g. 90m rather than 1.5h)",
                         rc_text_shown(q, sizeof(q), text));
    if (rc_is_space(*p))
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\" contains whitespace; write durations without spaces (e.g. 7d)",
                         rc_text_shown(q, sizeof(q), text));
    const char *u = p;
    while (is_alpha(*p))
        p++;
    size_t ulen = (size_t)(p - u);
    if (ulen == 0) {
        if (*p)
            return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen, "\"%s\": unexpected '%s'",
                             rc_text_shown(q, sizeof(q), text), shown_char(cq, *p));
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\": the number %.*s has no unit (e.g. 1h30m; units are ms, s, m, "
                         "h, d, w)",
                         rc_text_shown(q, sizeof(q), text), (int)(p - num > 24 ? 24 : p - num),
                         num);
    }
    size_t k;
    for (k = 0; k < N_DURATION_UNITS; k++)
        if (strlen(duration_units[k].name) == ulen && memcmp(duration_units[k].name, u, ulen) == 0)
            break;
    if (k == N_DURATION_UNITS)
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\": unknown duration unit \"%.*s\" (use ms, s, m, h, d or w; units "
                         "are case-sensitive)",
                         rc_text_shown(q, sizeof(q), text), (int)ulen, u);
    *pp = p;
    *unit_index = k;
    return 0;
}

/* target_ms is 1 for milliseconds, 1000 for seconds. */
static int parse_duration(long long *out, const char *text, long long target_ms,
                          const char *example, char *errbuf, size_t errlen)
{
    const char *target_name = target_ms == 1 ? "ms" : "s";
    char q[64];
    long long result = 0;
    int rc = common_prefix(&result, text, "duration", example, errbuf, errlen);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        *out = result;
        return 0;
    }

    const char *p = text;
    bool ovf;
    if (rc_all_digits(text)) {
        read_digits(&p, &result, &ovf);
        if (ovf)
            return rc_errorf(RC_UNITS_ERANGE, errbuf, errlen,
                             "\"%s\" is too large (the limit is %lld %s)",
                             rc_text_shown(q, sizeof(q), text), LLONG_MAX, target_name);
        *out = result;
        return 0;
    }

    size_t next_unit = 0; /* index of the smallest unit still allowed */
    while (*p) {
        long long v;
        size_t k = 0;
        int trc = read_duration_term(&p, &v, &ovf, &k, text, errbuf, errlen);
        if (trc < 0)
            return trc;
        if (k < next_unit)
            return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                             "\"%s\": units must go from largest to smallest, each at most once "
                             "(e.g. 1h30m)",
                             rc_text_shown(q, sizeof(q), text));
        next_unit = k + 1;
        if (ovf)
            return rc_errorf(RC_UNITS_ERANGE, errbuf, errlen,
                             "\"%s\" is too large (the limit is %lld %s)",
                             rc_text_shown(q, sizeof(q), text), LLONG_MAX, target_name);

        long long factor = duration_units[k].factor;
        if (factor >= target_ms) {
            factor /= target_ms; /* exact: every unit from s up is whole seconds */
        } else {
            long long per = target_ms / factor;
            if (v % per != 0)
                return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                                 "\"%s\" is not a whole number of seconds (this setting has no "
                                 "sub-second precision)",
                                 rc_text_shown(q, sizeof(q), text));
            v /= per;
            factor = 1;
        }
        if (v > LLONG_MAX / factor || result > LLONG_MAX - v * factor)
            return rc_errorf(RC_UNITS_ERANGE, errbuf, errlen,
                             "\"%s\" is too large (the limit is %lld %s)",
                             rc_text_shown(q, sizeof(q), text), LLONG_MAX, target_name);
        result += v * factor;
    }
    *out = result;
    return 0;
}

int rc_units_parse_duration_ms(long long *out_ms, const char *text, char *errbuf, size_t errlen)
{
    return parse_duration(out_ms, text, 1, "7d, 12h, 3600000", errbuf, errlen);
}

int rc_units_parse_duration_s(long long *out_s, const char *text, char *errbuf, size_t errlen)
{
    return parse_duration(out_s, text, 1000, "5m, 1h30m, 300", errbuf, errlen);
}

int rc_units_parse_bytes(long long *out_bytes, const char *text, char *errbuf, size_t errlen)
{
    static const char example[] = "512MiB, 1GB, 1048576";
    char q[64];
    long long v = 0;
    int rc = common_prefix(&v, text, "size", example, errbuf, errlen);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        *out_bytes = v;
        return 0;
    }

    const char *p = text;
    bool ovf;
    read_digits(&p, &v, &ovf);
    if (*p == '.')
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\": fractions are not supported; use a smaller unit "
                         "(e.g. 1536MiB rather than 1.5GiB)",
                         rc_text_shown(q, sizeof(q), text));
    if (rc_is_space(*p))
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\" contains whitespace; write sizes without spaces (e.g. 512MiB)",
                         rc_text_shown(q, sizeof(q), text));
    const char *u = p;
    while (is_alpha(*p))
        p++;
    size_t ulen = (size_t)(p - u);
    if (*p)
        return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                         "\"%s\" is not a size (use one number and one unit, e.g. %s)",
                         rc_text_shown(q, sizeof(q), text), example);

    long long factor = 1;
    if (ulen) {
        size_t k;
        for (k = 0; k < N_SIZE_UNITS; k++)
            if (strlen(size_units[k].name) == ulen && memcmp(size_units[k].name, u, ulen) == 0)
                break;
        if (k == N_SIZE_UNITS) {
            /* A wrong case is the usual mistake ("mib", "kb"): name the fix. */
            for (size_t j = 0; j < N_SIZE_UNITS; j++)
                if (eq_nocase(u, ulen, size_units[j].name))
                    return rc_errorf(
                        RC_UNITS_EMALFORMED, errbuf, errlen,
                        "\"%s\": unknown size unit \"%.*s\" (did you mean \"%s\"? units "
                        "are case-sensitive)",
                        rc_text_shown(q, sizeof(q), text), (int)ulen, u, size_units[j].name);
            return rc_errorf(RC_UNITS_EMALFORMED, errbuf, errlen,
                             "\"%s\": unknown size unit \"%.*s\" (use B, KB, MB, GB, TB, KiB, MiB, "
                             "GiB or TiB)",
                             rc_text_shown(q, sizeof(q), text), (int)ulen, u);
        }
        factor = size_units[k].factor;
    }
    if (ovf || v > LLONG_MAX / factor)
        return rc_errorf(RC_UNITS_ERANGE, errbuf, errlen,
                         "\"%s\" is too large (the limit is %lld bytes)",
                         rc_text_shown(q, sizeof(q), text), LLONG_MAX);
    *out_bytes = v * factor;
    return 0;
}

char *rc_units_format_duration_s(long long seconds)
{
    /* Same rules as Prometheus' model.Duration.String, minus years (see
     * units.h) and milliseconds (the input is whole seconds). */
    static const struct {
        const char *name;
        unsigned long long secs;
        bool only_if_exact; /* "10d" reads better than "1w3d" */
    } units[] = {
        {"w", 7ULL * 86400, true}, {"d", 86400, false}, {"h", 3600, false},
        {"m", 60, false},          {"s", 1, false},
    };
    if (seconds == 0)
        return rc_xstrdup("0s");
    /* Negate in unsigned arithmetic so LLONG_MIN is not undefined behaviour. */
    unsigned long long v =
        seconds < 0 ? 0ULL - (unsigned long long)seconds : (unsigned long long)seconds;
    char buf[96];
    size_t len = 0;
    if (seconds < 0)
        buf[len++] = '-';
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (units[i].only_if_exact && v % units[i].secs != 0)
            continue;
        unsigned long long n = v / units[i].secs;
        if (n == 0)
            continue;
        int w = snprintf(buf + len, sizeof(buf) - len, "%llu%s", n, units[i].name);
        if (w > 0)
            len += (size_t)w;
        v -= n * units[i].secs;
    }
    buf[len] = '\0';
    return rc_xstrdup(buf);
}
