#include "secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        bool valid = name_len > 0;
        for (size_t i = 0; i < name_len; i++) {
            char c = name[i];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
                  (i > 0 && c >= '0' && c <= '9')))
                valid = false;
        }
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

/* A library message cut to its buffer (librdkafka's 512-byte error text)
 * can end in the first part of a long secret; that part is masked too, when
 * it is long enough to be more than chance (RC_SECRETS_MIN_PREFIX bytes). */
static size_t trailing_prefix(const char *p, const char *secret, size_t slen)
{
    size_t rest = strlen(p);
    if (rest >= slen || rest < RC_SECRETS_MIN_PREFIX)
        return 0;
    return strncmp(p, secret, rest) == 0 ? rest : 0;
}

char *rc_secrets_mask_values(const char *text, char *const *values, size_t n)
{
    rc_buf b = {0};
    rc_buf_puts(&b, "");
    for (const char *p = text ? text : ""; *p;) {
        /* the longest value that matches here wins, so a secret that begins
         * with another secret (user "svc", password "svc-S3cr3t") is masked
         * whole, never left as "***-S3cr3t" */
        size_t skip = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(values[i]);
            if (len > skip && strncmp(p, values[i], len) == 0)
                skip = len;
        }
        for (size_t i = 0; i < n && !skip; i++)
            skip = trailing_prefix(p, values[i], strlen(values[i]));
        if (skip) {
            rc_buf_puts(&b, "***");
            p += skip;
        } else {
            rc_buf_append(&b, p, 1);
            p++;
        }
    }
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
