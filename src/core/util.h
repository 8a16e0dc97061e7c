/* util.h — small owned-memory helpers shared by every module.
 *
 * Allocation failure aborts the process (rc_xmalloc and friends): the tool is
 * a short-lived CLI and there is no sensible recovery from out-of-memory.
 * Every function that returns char* returns a heap string the caller frees. */
#ifndef RC_UTIL_H
#define RC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h" /* rc_errorf: every module that includes util.h reports errors */

void *rc_xmalloc(size_t n);
void *rc_xcalloc(size_t count, size_t n);
void *rc_xrealloc(void *p, size_t n);
char *rc_xstrdup(const char *s);
char *rc_xstrndup(const char *s, size_t n);
char *rc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rc_xvasprintf(const char *fmt, va_list ap);

/* Growable string. Zero-initialise ({0}) before first use; rc_buf_free releases. */
typedef struct rc_buf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} rc_buf;

void rc_buf_append(rc_buf *b, const char *s, size_t n);
void rc_buf_puts(rc_buf *b, const char *s);
void rc_buf_printf(rc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Transfers ownership of the contents to the caller (never NULL); b is reset. */
char *rc_buf_take(rc_buf *b);
void rc_buf_free(rc_buf *b);

/* Ordered string map: key -> value, both owned by the list. Keys are unique. */
typedef struct rc_kv {
    char *key;
    char *value;
} rc_kv;

typedef struct rc_kvlist {
    rc_kv *items;
    size_t len;
    size_t cap;
} rc_kvlist;

/* Copies key and value; replaces the value when the key exists. */
void rc_kvlist_set(rc_kvlist *l, const char *key, const char *value);
/* Borrowed value or NULL. */
const char *rc_kvlist_get(const rc_kvlist *l, const char *key);
void rc_kvlist_remove(rc_kvlist *l, const char *key);
void rc_kvlist_sort(rc_kvlist *l);
void rc_kvlist_copy(rc_kvlist *dst, const rc_kvlist *src);
void rc_kvlist_free(rc_kvlist *l);

/* Levenshtein distance, capped: returns cap+1 once the distance exceeds cap. */
size_t rc_edit_distance(const char *a, const char *b, size_t cap);
/* Best candidate within distance max(2, len/3), or NULL. Borrowed from candidates. */
const char *rc_did_you_mean(const char *word, const char *const *candidates, size_t n);

/* ASCII character classes by hand: <ctype.h> depends on the locale and is
 * undefined for negative char values, and parsers and checks must behave the
 * same on every machine. c is a char or an unsigned char. */
static inline bool rc_is_digit(int c)
{
    return c >= '0' && c <= '9';
}
/* The six ASCII white-space characters, as isspace() in the C locale. */
static inline bool rc_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
/* s is non-empty and only 0-9 (no sign, no space). */
bool rc_all_digits(const char *s);
/* Length of the identifier at s, [A-Za-z_][A-Za-z0-9_]* (the shape of
 * environment variable and Prometheus label names); 0 when s starts with
 * anything else. */
size_t rc_ident_len(const char *s);

/* strerror for code that may run on several threads at once (strerror may
 * share one static buffer between threads): the message, in buf (len bytes),
 * returned. */
const char *rc_strerror(int err, char *buf, size_t len);

/* qsort/bsearch comparator of two (const) char * elements, strcmp order. */
int rc_str_ptr_cmp(const void *a, const void *b);

/* 64-bit FNV-1a over n bytes, continuing from h: start with RC_FNV1A64_INIT.
 * Used for short stable ids (dashboard and folder uids), so the constants are
 * part of the output and must not change. */
#define RC_FNV1A64_INIT 0xcbf29ce484222325ULL
uint64_t rc_fnv1a64(uint64_t h, const void *p, size_t n);

/* RC_DEFINE_BY_NAME(fn, T) defines
 *     static const T **fn(const T *items, size_t n, size_t *count);
 * pointers to those of the n items whose `name` member (a string) is not
 * NULL, in strcmp order, in a heap array of at least one slot the caller
 * frees; *count (unless count is NULL) is how many. Input already in order,
 * the documented case, costs one O(n) check and keeps its order; anything
 * else is sorted. A macro because qsort's comparator takes no context, so it
 * must be written for each T. */
#define RC_DEFINE_BY_NAME(fn, T)                                                                   \
    static int fn##_cmp(const void *a, const void *b)                                              \
    {                                                                                              \
        return strcmp((*(const T *const *)a)->name, (*(const T *const *)b)->name);                 \
    }                                                                                              \
    static const T **fn(const T *items, size_t n, size_t *count)                                   \
    {                                                                                              \
        const T **v = rc_xcalloc(n ? n : 1, sizeof(*v));                                           \
        size_t k = 0;                                                                              \
        bool sorted = true;                                                                        \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (!items[i].name)                                                                    \
                continue;                                                                          \
            if (k > 0 && strcmp(v[k - 1]->name, items[i].name) > 0)                                \
                sorted = false;                                                                    \
            v[k++] = &items[i];                                                                    \
        }                                                                                          \
        if (!sorted)                                                                               \
            qsort(v, k, sizeof(*v), fn##_cmp);                                                     \
        if (count)                                                                                 \
            *count = k;                                                                            \
        return v;                                                                                  \
    }

/* Read a whole file. Returns 0 and a heap buffer (NUL-terminated) the caller
 * frees, or RC_ERR with errbuf set to exactly "<path>: <reason>" (a caller
 * that words its own message may skip the "<path>: " prefix). */
int rc_read_file(char **out, size_t *out_len, const char *path, char *errbuf, size_t errlen);

#endif
