#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *rc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("reconcile: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *rc_xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p) {
        fputs("reconcile: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *rc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("reconcile: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *rc_xstrdup(const char *s)
{
    return rc_xstrndup(s, strlen(s));
}

char *rc_xstrndup(const char *s, size_t n)
{
    char *p = rc_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *rc_xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = rc_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

int rc_errorf(int code, char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

char *rc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = rc_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void rc_buf_append(rc_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = rc_xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rc_buf_puts(rc_buf *b, const char *s)
{
    rc_buf_append(b, s, strlen(s));
}

void rc_buf_printf(rc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = rc_xvasprintf(fmt, ap);
    va_end(ap);
    rc_buf_puts(b, s);
    free(s);
}

char *rc_buf_take(rc_buf *b)
{
    char *s = b->data ? b->data : rc_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void rc_buf_free(rc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static rc_kv *kvlist_find(const rc_kvlist *l, const char *key)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i].key, key) == 0)
            return &l->items[i];
    return NULL;
}

void rc_kvlist_set(rc_kvlist *l, const char *key, const char *value)
{
    rc_kv *kv = kvlist_find(l, key);
    if (kv) {
        char *v = rc_xstrdup(value);
        free(kv->value);
        kv->value = v;
        return;
    }
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = rc_xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->len].key = rc_xstrdup(key);
    l->items[l->len].value = rc_xstrdup(value);
    l->len++;
}

const char *rc_kvlist_get(const rc_kvlist *l, const char *key)
{
    rc_kv *kv = kvlist_find(l, key);
    return kv ? kv->value : NULL;
}

void rc_kvlist_remove(rc_kvlist *l, const char *key)
{
    rc_kv *kv = kvlist_find(l, key);
    if (!kv)
        return;
    free(kv->key);
    free(kv->value);
    size_t idx = (size_t)(kv - l->items);
    memmove(kv, kv + 1, (l->len - idx - 1) * sizeof(*kv));
    l->len--;
}

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_kv *)a)->key, ((const rc_kv *)b)->key);
}

void rc_kvlist_sort(rc_kvlist *l)
{
    if (l->len > 1)
        qsort(l->items, l->len, sizeof(*l->items), kv_cmp);
}

void rc_kvlist_copy(rc_kvlist *dst, const rc_kvlist *src)
{
    for (size_t i = 0; i < src->len; i++)
        rc_kvlist_set(dst, src->items[i].key, src->items[i].value);
}

void rc_kvlist_free(rc_kvlist *l)
{
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

size_t rc_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t *row = rc_xmalloc((lb + 1) * sizeof(*row));
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = i;
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = diag + cost;
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap) {
            free(row);
            return cap + 1;
        }
    }
    size_t d = row[lb];
    free(row);
    return d > cap ? cap + 1 : d;
}

const char *rc_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
    size_t cap = strlen(word) / 3;
    if (cap < 2)
        cap = 2;
    const char *best = NULL;
    size_t best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = rc_edit_distance(word, candidates[i], cap);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

const char *rc_strerror(int err, char *buf, size_t len)
{
    /* the XSI strerror_r (_POSIX_C_SOURCE, no _GNU_SOURCE): 0 on success */
    if (strerror_r(err, buf, len) != 0)
        snprintf(buf, len, "error %d", err);
    return buf;
}

int rc_read_file(char **out, size_t *out_len, const char *path, char *errbuf, size_t errlen)
{
    char why[128];
    FILE *f = fopen(path, "rb");
    if (!f)
        return rc_errorf(RC_ERR, errbuf, errlen, "%s: %s", path,
                         rc_strerror(errno, why, sizeof(why)));
    rc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc_buf_append(&b, chunk, n);
    int read_errno = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (read_errno) {
        rc_buf_free(&b);
        return rc_errorf(RC_ERR, errbuf, errlen, "%s: %s", path,
                         rc_strerror(read_errno, why, sizeof(why)));
    }
    if (out_len)
        *out_len = b.len;
    *out = rc_buf_take(&b);
    return 0;
}

bool rc_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!rc_is_digit(*s))
            return false;
    return true;
}

size_t rc_ident_len(const char *s)
{
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '_' ||
           (n > 0 && rc_is_digit(s[n])))
        n++;
    return n;
}

uint64_t rc_fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL; /* the 64-bit FNV prime */
    }
    return h;
}

int rc_str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
