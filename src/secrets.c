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

char *rc_secrets_mask(const rc_secrets *s, const char *text)
{
    char *cur = rc_xstrdup(text ? text : "");
    for (size_t i = 0; s && i < s->len; i++) {
        const char *needle = s->values[i];
        size_t nlen = strlen(needle);
        if (!strstr(cur, needle))
            continue;
        rc_buf b = {0};
        const char *p = cur, *hit;
        while ((hit = strstr(p, needle)) != NULL) {
            rc_buf_append(&b, p, (size_t)(hit - p));
            rc_buf_puts(&b, "***");
            p = hit + nlen;
        }
        rc_buf_puts(&b, p);
        free(cur);
        cur = rc_buf_take(&b);
    }
    return cur;
}

void rc_secrets_free(rc_secrets *s)
{
    for (size_t i = 0; i < s->len; i++)
        free(s->values[i]);
    free(s->values);
    memset(s, 0, sizeof(*s));
}
