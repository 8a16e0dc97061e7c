/* decl_values.c — typed access to YAML nodes, mappings with known keys,
 * and the checks on values (names, ${ENV}, topic configs, lag). */
#include "decl_parse.h"

#include "secrets.h"
#include "topic_config.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- diagnostics ----------------------------------------------------------- */

static void vdiag(rc_diags *d, rc_severity sev, const char *file, int line, int col,
                  const char *rule, const char *fmt, va_list ap)
{
    char *msg = rc_xvasprintf(fmt, ap);
    rc_diags_add(d, sev, file, line, col, rule, "%s", msg);
    free(msg);
}

/* A diagnostic at node n of the current file (line 0 when n is NULL: the
 * problem concerns the whole file). */
void diag(ctx *x, rc_severity sev, const rc_ynode *n, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(x->diags, sev, x->file, n ? n->line : 0, n ? n->col : 0, rule, fmt, ap);
    va_end(ap);
}

void diag_pos(rc_diags *d, rc_severity sev, const char *file, int line, const char *rule,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(d, sev, file, line, 0, rule, fmt, ap);
    va_end(ap);
}

/* ---- typed access to nodes ------------------------------------------------- */

bool present(const rc_ynode *n)
{
    return n && !rc_ynode_is_null(n);
}

/* Value node of a schema slot, NULL when absent or null (a bare `key:` is the
 * same as leaving the key out). */
const rc_ynode *val(const rc_ypair *p)
{
    return p && present(p->value) ? p->value : NULL;
}

/* Any scalar reads as a string: `message: 123` or `cluster_id: 42` are
 * meant as text, and refusing them would only annoy. Lists and maps are not. */
bool want_string(ctx *x, const rc_ynode *v, const char *field, bool nonempty, char **out)
{
    if (v->kind != RC_YNODE_SCALAR) {
        diag(x, E, v, "type", "%s: expected a string, got %s", field, rc_ynode_kind_name(v));
        return false;
    }
    if (nonempty && v->len == 0) {
        diag(x, E, v, "type", "%s: expected a non-empty string", field);
        return false;
    }
    if (out) {
        free(*out);
        *out = rc_xstrndup(v->str, v->len);
    }
    return true;
}

/* 0, RC_UNITS_EMALFORMED when s is not [+-]digits, RC_UNITS_ERANGE when it is but does not fit:
 * the caller must not call a too-large integer "not an integer". */
int parse_ll(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return RC_UNITS_EMALFORMED;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return RC_UNITS_EMALFORMED;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return RC_UNITS_ERANGE;
    if (errno || *end)
        return RC_UNITS_EMALFORMED;
    *out = v;
    return 0;
}

/* A number as written, cut short: 10 kB of digits must not become a 10 kB
 * message line. */
static const char *shown_number(char buf[80], const char *s)
{
    size_t len = strlen(s);
    if (len <= 40)
        snprintf(buf, 80, "%s", s);
    else
        snprintf(buf, 80, "%.24s... (%zu characters)", s, len);
    return buf;
}

/* Integers must be unquoted: `partitions: "12"` is a string in YAML and the
 * user should learn that here rather than from a surprising diff later. */
bool want_int(ctx *x, const rc_ynode *v, const char *field, int *out)
{
    long long n = 0;
    int prc = v->kind == RC_YNODE_SCALAR ? parse_ll(v->str, &n) : RC_UNITS_EMALFORMED;
    if (!rc_ynode_is_plain(v) || prc == RC_UNITS_EMALFORMED) {
        diag(x, E, v, "type", "%s: expected an integer, got %s%s", field, rc_ynode_kind_name(v),
             v->kind == RC_YNODE_SCALAR && !rc_ynode_is_plain(v) && prc != RC_UNITS_EMALFORMED
                 ? " (remove the quotes)"
                 : "");
        return false;
    }
    if (prc == RC_UNITS_ERANGE || n < INT_MIN || n > INT_MAX) {
        char num[80];
        bool neg = v->str[0] == '-';
        diag(x, E, v, "type", "%s: %s is out of range (at %s %d)", field, shown_number(num, v->str),
             neg ? "least" : "most", neg ? INT_MIN : INT_MAX);
        return false;
    }
    *out = (int)n;
    return true;
}

bool want_number(ctx *x, const rc_ynode *v, const char *field, double *out)
{
    if (v->kind == RC_YNODE_SCALAR && rc_ynode_is_plain(v) && v->len) {
        char *end, num[80];
        errno = 0;
        double d = strtod(v->str, &end);
        if (!*end && errno == ERANGE) {
            /* ERANGE is also set for a value too close to zero, e.g. 1e-400 */
            diag(x, E, v, "type", "%s: %s is out of range (%s)", field, shown_number(num, v->str),
                 isinf(d) ? "at most about 1.8e308" : "too close to zero");
            return false;
        }
        if (!*end && !errno && !isfinite(d)) {
            diag(x, E, v, "type", "%s: expected a finite number, got %s", field,
                 shown_number(num, v->str));
            return false;
        }
        if (!*end && !errno) {
            *out = d;
            return true;
        }
    }
    diag(x, E, v, "type", "%s: expected a number, got %s", field, rc_ynode_kind_name(v));
    return false;
}

bool want_bool(ctx *x, const rc_ynode *v, const char *field, bool *out)
{
    if (rc_ynode_is_plain(v)) {
        const char *s = v->str;
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
            *out = true;
            return true;
        }
        if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
            *out = false;
            return true;
        }
    }
    diag(x, E, v, "type", "%s: expected true or false, got %s%s%s%s", field, rc_ynode_kind_name(v),
         v->kind == RC_YNODE_SCALAR ? " \"" : "", v->kind == RC_YNODE_SCALAR ? v->str : "",
         v->kind == RC_YNODE_SCALAR ? "\"" : "");
    return false;
}

bool want_kind(ctx *x, const rc_ynode *v, const char *field, rc_ynode_kind kind)
{
    if (v->kind == kind)
        return true;
    diag(x, E, v, "type", "%s: expected %s, got %s", field,
         kind == RC_YNODE_MAPPING ? "a map" : "a list", rc_ynode_kind_name(v));
    return false;
}

void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A list of non-empty strings. On any bad item nothing is stored. */
bool want_string_list(ctx *x, const rc_ynode *v, const char *field, char ***out, size_t *nout)
{
    if (!want_kind(x, v, field, RC_YNODE_SEQUENCE))
        return false;
    bool ok = true;
    for (size_t i = 0; i < v->nitems; i++) {
        const rc_ynode *it = v->items[i];
        if (it->kind != RC_YNODE_SCALAR || rc_ynode_is_null(it) || it->len == 0) {
            diag(x, E, it, "type", "%s: expected a list of non-empty strings, item %zu is %s",
                 field, i + 1, it->kind == RC_YNODE_SCALAR ? "empty" : rc_ynode_kind_name(it));
            ok = false;
        }
    }
    if (!ok)
        return false;
    free_strv(*out, *nout);
    *out = rc_xcalloc(v->nitems, sizeof(char *));
    for (size_t i = 0; i < v->nitems; i++)
        (*out)[i] = rc_xstrndup(v->items[i]->str, v->items[i]->len);
    *nout = v->nitems;
    return true;
}

/* ---- mappings ---------------------------------------------------------------- */

typedef struct key_ref {
    const char *key;
    size_t idx;
} key_ref;

static int key_ref_cmp(const void *pa, const void *pb)
{
    const key_ref *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Free-form maps (config, client, labels, teams): report non-scalar keys and
 * every repeated key (YAML forbids them, libyaml lets them through, and the
 * last one silently winning is how typos hide). dup[i] is set for pairs to
 * skip. O(n log n) so a map with thousands of teams stays cheap. */
void check_map_keys(ctx *x, const rc_ynode *map, const char *field, bool *dup)
{
    size_t n = map->npairs;
    key_ref *refs = rc_xcalloc(n, sizeof(*refs));
    size_t nrefs = 0;
    for (size_t i = 0; i < n; i++) {
        const rc_ynode *k = map->pairs[i].key;
        dup[i] = false;
        if (k->kind != RC_YNODE_SCALAR || rc_ynode_is_null(k)) {
            diag(x, E, k, "type", "%s: keys must be strings, got %s", field, rc_ynode_kind_name(k));
            dup[i] = true;
            continue;
        }
        refs[nrefs++] = (key_ref){k->str, i};
    }
    qsort(refs, nrefs, sizeof(*refs), key_ref_cmp);
    for (size_t i = 1; i < nrefs; i++) {
        if (strcmp(refs[i].key, refs[i - 1].key) != 0)
            continue;
        size_t first = i - 1;
        while (first > 0 && strcmp(refs[first - 1].key, refs[i].key) == 0)
            first--;
        const rc_ynode *k = map->pairs[refs[i].idx].key;
        const rc_ynode *k0 = map->pairs[refs[first].idx].key;
        diag(x, E, k, "duplicate-key", "%s: key \"%s\" repeats the one at line %d:%d", field,
             k->str, k0->line, k0->col);
        dup[refs[i].idx] = true;
    }
    free(refs);
}

/* Schema maps: match every key against `known`, reporting unknown keys with a
 * suggestion and repeated ones; slots[i] gets the pair of known[i]. Returns
 * false when v is not a map (reported). */
bool walk_map(ctx *x, const rc_ynode *v, const char *field, const char *const *known, size_t nknown,
              const rc_ypair **slots)
{
    for (size_t i = 0; i < nknown; i++)
        slots[i] = NULL;
    if (!want_kind(x, v, field, RC_YNODE_MAPPING))
        return false;
    for (size_t i = 0; i < v->npairs; i++) {
        const rc_ypair *p = &v->pairs[i];
        if (p->key->kind != RC_YNODE_SCALAR) {
            diag(x, E, p->key, "type", "%s: keys must be strings, got %s", field,
                 rc_ynode_kind_name(p->key));
            continue;
        }
        size_t k = 0;
        while (k < nknown && strcmp(known[k], p->key->str) != 0)
            k++;
        if (k == nknown) {
            const char *dym = rc_did_you_mean(p->key->str, known, nknown);
            if (dym)
                diag(x, E, p->key, "unknown-key", "%s: unknown key \"%s\" (did you mean \"%s\"?)",
                     field, p->key->str, dym);
            else
                diag(x, E, p->key, "unknown-key", "%s: unknown key \"%s\"", field, p->key->str);
            continue;
        }
        if (slots[k]) {
            diag(x, E, p->key, "duplicate-key", "%s: key \"%s\" repeats the one at line %d:%d",
                 field, p->key->str, slots[k]->key->line, slots[k]->key->col);
            continue;
        }
        slots[k] = p;
    }
    return true;
}

/* ---- small checks ------------------------------------------------------------- */

bool topic_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

const char *rc_decl_topic_name_problem(const char *name)
{
    size_t len = strlen(name);
    if (len == 0)
        return "a topic name cannot be empty";
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return "\".\" and \"..\" are not valid topic names";
    if (len > 249)
        return "a topic name is at most 249 characters long";
    for (size_t i = 0; i < len; i++)
        if (!topic_char_ok((unsigned char)name[i]))
            return "a topic name may only contain ASCII letters, digits, '.', '_' and '-'";
    if (name[0] == '_' && name[1] == '_')
        return "names starting with \"__\" are reserved for Kafka's internal topics";
    return NULL;
}

void check_topic_name(ctx *x, const rc_ynode *v, const char *name)
{
    const char *why = rc_decl_topic_name_problem(name);
    if (!why)
        return;
    size_t len = strlen(name);
    if (len > 249) {
        diag(x, E, v, "topic-name", "topic name is %zu characters long; Kafka allows at most 249",
             len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (topic_char_ok(c))
            continue;
        if (c >= 0x20 && c < 0x7f)
            diag(x, E, v, "topic-name",
                 "topic name \"%s\" contains '%c' (character %zu); Kafka allows only "
                 "[a-zA-Z0-9._-]",
                 name, c, i + 1);
        else
            diag(x, E, v, "topic-name",
                 "topic name \"%s\" contains byte 0x%02X (character %zu); Kafka allows only "
                 "[a-zA-Z0-9._-]",
                 name, c, i + 1);
        return;
    }
    diag(x, E, v, "topic-name", "topic name \"%s\": %s", name, why);
}

/* `${NAME}`, `${NAME:-default}`, `$${` as an escape: the syntax rc_env_expand
 * accepts. Checked here so a typo fails validate, not the 3 a.m. apply. */
static const char *env_problem(const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != '$')
            continue;
        if (s[i + 1] == '$' && s[i + 2] == '{') {
            i += 2;
            continue;
        }
        if (s[i + 1] != '{')
            continue;
        size_t j = i + 2;
        size_t id = rc_ident_len(s + j);
        if (id == 0)
            return "expected a variable name after \"${\"";
        j += id;
        if (s[j] == ':' && s[j + 1] == '-') {
            const char *close = strchr(s + j + 2, '}');
            if (!close)
                return "unterminated \"${\": missing \"}\"";
            i = (size_t)(close - s);
            continue;
        }
        if (s[j] != '}')
            return s[j] ? "expected \"}\" or \":-default\" after the variable name"
                        : "unterminated \"${\": missing \"}\"";
        i = j;
    }
    return NULL;
}

void check_env(ctx *x, const rc_ynode *v, const char *field, const char *s)
{
    const char *why = env_problem(s);
    if (why)
        diag(x, E, v, "env", "%s: %s", field, why);
}

static bool in_list(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

/* ---- topic config (shared by topics and cluster defaults) ----------------------- */

/* Read a `config:` map into out with canonical values. allowed/nallowed is the
 * policy list for topics (NULL for the cluster's own defaults, which the
 * platform team writes). *misr gets the min.insync.replicas value node. */
void parse_config(ctx *x, const rc_ynode *map, const char *field, rc_kvlist *out,
                  char *const *allowed, size_t nallowed, const rc_ynode **misr)
{
    if (!want_kind(x, map, field, RC_YNODE_MAPPING))
        return;
    bool *dup = rc_xcalloc(map->npairs, sizeof(*dup));
    check_map_keys(x, map, field, dup);
    size_t nnames;
    const char *const *names = rc_topic_config_names(&nnames);
    for (size_t i = 0; i < map->npairs; i++) {
        if (dup[i])
            continue;
        const rc_ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
        const char *key = k->str;
        bool ok = true;
        bool explicitly_allowed = allowed && in_list(allowed, nallowed, key);
        if (!rc_topic_config_lookup(key) && !explicitly_allowed) {
            const char *dym = rc_did_you_mean(key, names, nnames);
            if (dym) {
                diag(x, E, k, "unknown-config",
                     "%s: unknown topic config key \"%s\" (did you mean \"%s\"?)", field, key, dym);
                ok = false;
            } else {
                diag(x, W, k, "unknown-config",
                     "%s: \"%s\" is not in the built-in Kafka topic config catalogue; plan "
                     "checks it against the keys the broker reports",
                     field, key);
            }
        }
        if (allowed && nallowed && !explicitly_allowed) {
            diag(x, E, k, "config-not-allowed",
                 "%s: \"%s\" is not in this cluster's policy.allowed_config_keys", field, key);
            ok = false;
        }
        /* A list is the natural YAML for cleanup.policy: [compact, delete]. */
        rc_buf text = {0};
        if (v->kind == RC_YNODE_SEQUENCE && v->nitems) {
            for (size_t j = 0; j < v->nitems; j++) {
                const rc_ynode *it = v->items[j];
                if (it->kind != RC_YNODE_SCALAR || !present(it)) {
                    diag(x, E, it, "type", "%s.%s: list items must be plain values, got %s", field,
                         key, rc_ynode_kind_name(it));
                    ok = false;
                    break;
                }
                if (j)
                    rc_buf_puts(&text, ",");
                rc_buf_append(&text, it->str, it->len);
            }
        } else if (v->kind != RC_YNODE_SCALAR || !present(v)) {
            diag(x, E, v, "type", "%s.%s: expected a value, got %s", field, key,
                 rc_ynode_kind_name(v));
            ok = false;
        } else {
            rc_buf_append(&text, v->str, v->len);
        }
        if (ok) {
            char *canon = NULL;
            char err[256] = "";
            if (rc_topic_config_canonical(&canon, key, text.data, err, sizeof(err)) < 0) {
                /* err starts with the key already ("retention.ms: ..."). */
                diag(x, E, v, "config-value", "%s: %s", field, err[0] ? err : "invalid value");
            } else {
                rc_kvlist_set(out, key, canon);
                if (misr && !strcmp(key, "min.insync.replicas"))
                    *misr = v;
            }
            free(canon);
        }
        rc_buf_free(&text);
    }
    free(dup);
}

/* ---- lag ------------------------------------------------------------------------ */

static const char *const lag_keys[] = {"max", "for", "severity"};

/* allow_offsets: topics may set an offset threshold (unquoted integer); the
 * cluster default is time-only because the model keeps one default. */
void parse_lag(ctx *x, const rc_ynode *v, const char *field, bool allow_offsets, lag_decl *out)
{
    const rc_ypair *s[ARRAY_LEN(lag_keys)];
    if (!walk_map(x, v, field, lag_keys, ARRAY_LEN(lag_keys), s))
        return;
    char err[256];
    const rc_ynode *n;
    if ((n = val(s[0]))) {
        long long num = 0;
        int prc;
        if (n->kind != RC_YNODE_SCALAR) {
            diag(x, E, n, "type", "%s.max: expected a duration or an integer, got %s", field,
                 rc_ynode_kind_name(n));
        } else if (rc_ynode_is_plain(n) && (prc = parse_ll(n->str, &num)) != RC_UNITS_EMALFORMED) {
            char q[80];
            if (!allow_offsets)
                diag(x, E, n, "lag",
                     "%s.max: expected a duration such as 5m (offset thresholds are set per "
                     "topic)",
                     field);
            else if (prc == RC_UNITS_ERANGE)
                diag(x, E, n, "lag", "%s.max: %s is out of range (at most %lld offsets)", field,
                     shown_number(q, n->str), LLONG_MAX);
            else if (num < 1)
                diag(x, E, n, "lag", "%s.max: an offset threshold must be at least 1", field);
            else
                out->max_offsets = num;
        } else if (rc_all_digits(n->str)) {
            diag(x, E, n, "lag",
                 "%s.max: \"%s\" is ambiguous: write a duration such as 5m for time lag, or an "
                 "unquoted integer for an offset threshold",
                 field, n->str);
        } else if (rc_units_parse_duration_s(&num, n->str, err, sizeof(err)) < 0) {
            diag(x, E, n, "lag", "%s.max: %s", field, err);
        } else if (num < 1) {
            diag(x, E, n, "lag", "%s.max: the time-lag threshold must be at least 1s", field);
        } else {
            out->max_seconds = num;
        }
    }
    if ((n = val(s[1]))) {
        long long num;
        if (n->kind != RC_YNODE_SCALAR)
            diag(x, E, n, "type", "%s.for: expected a duration, got %s", field,
                 rc_ynode_kind_name(n));
        else if (rc_units_parse_duration_s(&num, n->str, err, sizeof(err)) < 0)
            diag(x, E, n, "lag", "%s.for: %s", field, err);
        else if (num < 1)
            diag(x, E, n, "lag", "%s.for: must be at least 1s (leave it out for the default)",
                 field);
        else
            out->for_seconds = num;
    }
    char sev_field[64];
    snprintf(sev_field, sizeof(sev_field), "%s.severity", field);
    if ((n = val(s[2])) && want_string(x, n, sev_field, true, NULL)) {
        bool ok = true;
        for (const char *p = n->str; *p; p++)
            if (!topic_char_ok((unsigned char)*p) || *p == '.')
                ok = false;
        if (ok) {
            free(out->severity);
            out->severity = rc_xstrdup(n->str);
        } else {
            diag(x, E, n, "lag",
                 "%s.severity: \"%s\" must be a plain word such as critical or warning "
                 "(letters, digits, '_' and '-')",
                 field, n->str);
        }
    }
}
