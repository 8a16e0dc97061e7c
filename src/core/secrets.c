#include "secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rc_secrets_add(rc_secrets *s, const char *value)
{
    if (!value || strlen(value) < 3)
        return;
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->values[i], value) == 0)
            return;
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->values = rc_xrealloc(s->values, s->cap * sizeof(*s->values));
    }
    s->values[s->len++] = rc_xstrdup(value);
}

int rc_env_expand(char **out, const char *text, rc_secrets *secrets, char *errbuf, size_t errlen)
{
    rc_buf b = {0};
    const char *p = text;
    while (*p) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
            rc_buf_puts(&b, "${");
            p += 3;
            continue;
        }
        if (p[0] != '$' || p[1] != '{') {
            rc_buf_append(&b, p, 1);
            p++;
            continue;
        }
        const char *start = p + 2;
        const char *end = strchr(start, '}');
        if (!end) {
            snprintf(errbuf, errlen, "unterminated ${ in \"%s\"", text);
            rc_buf_free(&b);
            return -1;
        }
        const char *dflt = NULL;
        size_t name_len = (size_t)(end - start);
        const char *sep = strstr(start, ":-");
        if (sep && sep < end) {
            name_len = (size_t)(sep - start);
            dflt = sep + 2;
        }
        char *name = rc_xstrndup(start, name_len);
        bool valid = name_len > 0 && rc_ident_len(name) == name_len;
        if (!valid) {
            snprintf(errbuf, errlen, "invalid environment variable name \"%s\"", name);
            free(name);
            rc_buf_free(&b);
            return -1;
        }
        const char *value = getenv(name);
        if (value && *value) {
            rc_buf_puts(&b, value);
            if (secrets)
                rc_secrets_add(secrets, value);
        } else if (dflt) {
            rc_buf_append(&b, dflt, (size_t)(end - dflt));
        } else {
            snprintf(errbuf, errlen, "environment variable %s is not set", name);
            free(name);
            rc_buf_free(&b);
            return -1;
        }
        free(name);
        p = end + 1;
    }
    *out = rc_buf_take(&b);
    return 0;
}

/* Length of the longest value that matches at p, with rest bytes left in
 * the text; a value longer than rest matches when rest is at least
 * RC_SECRETS_MIN_PREFIX bytes and is its beginning (a library message cut to
 * its buffer, like librdkafka's 512-byte error text, ends inside it). */
static size_t match_at(const char *p, size_t rest, char *const *values, const size_t *lens,
                       size_t n)
{
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] == 0 || values[i][0] != *p)
            continue;
        if (lens[i] <= rest) {
            if (lens[i] > best && memcmp(p, values[i], lens[i]) == 0)
                best = lens[i];
        } else if (rest >= RC_SECRETS_MIN_PREFIX && rest > best &&
                   memcmp(p, values[i], rest) == 0) {
            best = rest;
        }
    }
    return best;
}

char *rc_secrets_mask_values(const char *text, char *const *values, size_t n)
{
    const char *p = text ? text : "";
    const char *end = p + strlen(p);
    size_t *lens = rc_xcalloc(n ? n : 1, sizeof(*lens));
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(values[i]);
    rc_buf b = {0};
    rc_buf_puts(&b, "");
    while (p < end) {
        /* the longest value that matches here wins, so a secret that begins
         * with another secret (user "svc", password "svc-S3cr3t") is masked
         * whole, never left as "***-S3cr3t" */
        size_t skip = match_at(p, (size_t)(end - p), values, lens, n);
        if (!skip) {
            rc_buf_append(&b, p, 1);
            p++;
            continue;
        }
        /* a value that starts inside the masked run and ends past it
         * (overlapping secrets) extends the run: no piece of either shows */
        const char *run_end = p + skip;
        for (const char *q = p + 1; q < run_end; q++) {
            size_t m = match_at(q, (size_t)(end - q), values, lens, n);
            if (q + m > run_end)
                run_end = q + m;
        }
        rc_buf_puts(&b, "***");
        p = run_end;
    }
    free(lens);
    return rc_buf_take(&b);
}

char *rc_secrets_mask(const rc_secrets *s, const char *text)
{
    return rc_secrets_mask_values(text, s ? s->values : NULL, s ? s->len : 0);
}

void rc_secrets_free(rc_secrets *s)
{
    for (size_t i = 0; i < s->len; i++)
        free(s->values[i]);
    free(s->values);
    memset(s, 0, sizeof(*s));
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static bool ends_nocase(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

bool rc_secrets_key_bears_secret(const char *key)
{
    static const char *const marks[] = {"password",           "secret", "token", "jaas",
                                        "oauthbearer.config", "key.pem"};
    static const char *const places[] = {".url", ".location", ".endpoint"};
    if (!key)
        return false;
    for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
        if (ends_nocase(key, places[i]))
            return false;
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (contains_nocase(key, marks[i]))
            return true;
    return false;
}

bool rc_secrets_is_one_reference(const char *text)
{
    if (!text || text[0] != '$' || text[1] != '{')
        return false;
    const char *p = text + 2;
    size_t n = rc_ident_len(p);
    return n > 0 && p[n] == '}' && p[n + 1] == '\0';
}
