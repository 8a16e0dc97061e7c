#include "decl.h"

#include "secrets.h"
#include "topic_config.h"
#include "units.h"
#include "util.h"
#include "yamldoc.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- diagnostics ----------------------------------------------------------- */

typedef struct ctx {
    rc_diags *diags;
    const char *file;           /* file being read, for every diagnostic */
    const rc_decl_options *opt; /* may be NULL */
} ctx;

static void vdiag(rc_diags *d, rc_severity sev, const char *file, int line, int col,
                  const char *rule, const char *fmt, va_list ap)
{
    char *msg = rc_xvasprintf(fmt, ap);
    rc_diags_add(d, sev, file, line, col, rule, "%s", msg);
    free(msg);
}

/* A diagnostic at node n of the current file (line 0 when n is NULL: the
 * problem concerns the whole file). */
static void __attribute__((format(printf, 5, 6)))
diag(ctx *x, rc_severity sev, const rc_ynode *n, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(x->diags, sev, x->file, n ? n->line : 0, n ? n->col : 0, rule, fmt, ap);
    va_end(ap);
}

static void __attribute__((format(printf, 6, 7)))
diag_pos(rc_diags *d, rc_severity sev, const char *file, int line, const char *rule,
         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(d, sev, file, line, 0, rule, fmt, ap);
    va_end(ap);
}

#define E RC_SEV_ERROR
#define W RC_SEV_WARNING

/* ---- typed access to nodes ------------------------------------------------- */

static bool present(const rc_ynode *n)
{
    return n && !rc_ynode_is_null(n);
}

/* Value node of a schema slot, NULL when absent or null (a bare `key:` is the
 * same as leaving the key out). */
static const rc_ynode *val(const rc_ypair *p)
{
    return p && present(p->value) ? p->value : NULL;
}

/* Any scalar reads as a string: `message: 123` or `cluster_id: 42` are
 * meant as text, and refusing them would only annoy. Lists and maps are not. */
static bool want_string(ctx *x, const rc_ynode *v, const char *field, bool nonempty, char **out)
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

/* 0, -EINVAL when s is not [+-]digits, -ERANGE when it is but does not fit:
 * the caller must not call a too-large integer "not an integer". */
static int parse_ll(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -EINVAL;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return -ERANGE;
    if (errno || *end)
        return -EINVAL;
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
static bool want_int(ctx *x, const rc_ynode *v, const char *field, int *out)
{
    long long n = 0;
    int prc = v->kind == RC_YNODE_SCALAR ? parse_ll(v->str, &n) : -EINVAL;
    if (!rc_ynode_is_plain(v) || prc == -EINVAL) {
        diag(x, E, v, "type", "%s: expected an integer, got %s%s", field, rc_ynode_kind_name(v),
             v->kind == RC_YNODE_SCALAR && !rc_ynode_is_plain(v) && prc != -EINVAL
                 ? " (remove the quotes)"
                 : "");
        return false;
    }
    if (prc == -ERANGE || n < INT_MIN || n > INT_MAX) {
        char num[80];
        bool neg = v->str[0] == '-';
        diag(x, E, v, "type", "%s: %s is out of range (at %s %d)", field, shown_number(num, v->str),
             neg ? "least" : "most", neg ? INT_MIN : INT_MAX);
        return false;
    }
    *out = (int)n;
    return true;
}

static bool want_number(ctx *x, const rc_ynode *v, const char *field, double *out)
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

static bool want_bool(ctx *x, const rc_ynode *v, const char *field, bool *out)
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

static bool want_kind(ctx *x, const rc_ynode *v, const char *field, rc_ynode_kind kind)
{
    if (v->kind == kind)
        return true;
    diag(x, E, v, "type", "%s: expected %s, got %s", field,
         kind == RC_YNODE_MAPPING ? "a map" : "a list", rc_ynode_kind_name(v));
    return false;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A list of non-empty strings. On any bad item nothing is stored. */
static bool want_string_list(ctx *x, const rc_ynode *v, const char *field, char ***out,
                             size_t *nout)
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
static void check_map_keys(ctx *x, const rc_ynode *map, const char *field, bool *dup)
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
static bool walk_map(ctx *x, const rc_ynode *v, const char *field, const char *const *known,
                     size_t nknown, const rc_ypair **slots)
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

static bool topic_char_ok(unsigned char c)
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

static void check_topic_name(ctx *x, const rc_ynode *v, const char *name)
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

static void check_env(ctx *x, const rc_ynode *v, const char *field, const char *s)
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
static void parse_config(ctx *x, const rc_ynode *map, const char *field, rc_kvlist *out,
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

typedef struct lag_decl {
    long long max_seconds;
    long long max_offsets;
    long long for_seconds;
    char *severity;
} lag_decl;

static const char *const lag_keys[] = {"max", "for", "severity"};

/* allow_offsets: topics may set an offset threshold (unquoted integer); the
 * cluster default is time-only because the model keeps one default. */
static void parse_lag(ctx *x, const rc_ynode *v, const char *field, bool allow_offsets,
                      lag_decl *out)
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
        } else if (rc_ynode_is_plain(n) && (prc = parse_ll(n->str, &num)) != -EINVAL) {
            char q[80];
            if (!allow_offsets)
                diag(x, E, n, "lag",
                     "%s.max: expected a duration such as 5m (offset thresholds are set per "
                     "topic)",
                     field);
            else if (prc == -ERANGE)
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

/* ---- teams ---------------------------------------------------------------------- */

static int team_cmp(const void *pa, const void *pb)
{
    return strcmp(((const rc_team *)pa)->name, ((const rc_team *)pb)->name);
}

/* Returns true when a `teams` map was found, so owners can be checked. */
static bool parse_teams(ctx *x, const rc_yfile *yf, rc_repo *out)
{
    if (yf->ndocs > 1)
        diag(x, E, yf->docs[1].root, "layout", "_teams.yaml holds one document, found %zu",
             yf->ndocs);
    const rc_ynode *root = yf->ndocs ? yf->docs[0].root : NULL;
    if (!present(root)) {
        diag(x, E, root, "required", "missing required field \"teams\"");
        return false;
    }
    static const char *const root_keys[] = {"teams"};
    const rc_ypair *s[1];
    if (!walk_map(x, root, "_teams.yaml", root_keys, 1, s))
        return false;
    const rc_ynode *teams = val(s[0]);
    if (!teams) {
        diag(x, E, s[0] ? s[0]->key : root, "required", "missing required field \"teams\"");
        return false;
    }
    if (!want_kind(x, teams, "teams", RC_YNODE_MAPPING))
        return false;
    bool *dup = rc_xcalloc(teams->npairs, sizeof(*dup));
    check_map_keys(x, teams, "teams", dup);
    out->teams = rc_xcalloc(teams->npairs, sizeof(*out->teams));
    static const char *const team_keys[] = {"chat", "escalation"};
    for (size_t i = 0; i < teams->npairs; i++) {
        if (dup[i])
            continue;
        const rc_ynode *k = teams->pairs[i].key, *v = teams->pairs[i].value;
        bool name_ok = k->len > 0;
        for (size_t j = 0; j < k->len; j++)
            if (!topic_char_ok((unsigned char)k->str[j]))
                name_ok = false;
        if (!name_ok)
            diag(x, E, k, "team-name",
                 "team name \"%s\" may only contain ASCII letters, digits, '.', '_' and '-' "
                 "(it becomes an alert label)",
                 k->str);
        rc_team *t = &out->teams[out->nteams++];
        t->name = rc_xstrdup(k->str);
        char field[64];
        snprintf(field, sizeof(field), "teams.%.50s", k->str);
        if (!present(v)) {
            diag(x, E, k, "required", "%s: missing required field \"chat\"", field);
            continue;
        }
        const rc_ypair *ts[2];
        if (!walk_map(x, v, field, team_keys, 2, ts))
            continue;
        if (val(ts[0]))
            want_string(x, val(ts[0]), "chat", true, &t->chat);
        else
            diag(x, E, ts[0] ? ts[0]->key : v, "required", "%s: missing required field \"chat\"",
                 field);
        if (val(ts[1]))
            want_string(x, val(ts[1]), "escalation", true, &t->escalation);
    }
    free(dup);
    qsort(out->teams, out->nteams, sizeof(*out->teams), team_cmp);
    return true;
}

/* ---- cluster file ------------------------------------------------------------- */

enum { CK_BOOTSTRAP, CK_CLIENT, CK_CLUSTER_ID, CK_REPO_URL, CK_DEFAULTS, CK_POLICY, CK_MONITORING };
static const char *const cluster_keys[] = {"bootstrap", "client", "cluster_id", "repository_url",
                                           "defaults",  "policy", "monitoring"};

enum { DK_PARTITIONS, DK_RF, DK_CONFIG, DK_LAG };
static const char *const defaults_keys[] = {"partitions", "replication_factor", "config", "lag"};

enum {
    PK_NAME_PATTERN,
    PK_MIN_RF,
    PK_MAX_RF,
    PK_MAX_PARTITIONS,
    PK_ALLOW_DELETE,
    PK_MAX_DELETIONS,
    PK_KEEP_OVERRIDES,
    PK_GUARD_OLDER,
    PK_IGNORE,
    PK_ALLOWED_KEYS,
    PK_REQUIRED_FIELDS,
    PK_PARTITION_MPS
};
static const char *const policy_keys[] = {"name_pattern",
                                          "min_replication_factor",
                                          "max_replication_factor",
                                          "max_partitions",
                                          "allow_delete",
                                          "max_deletions",
                                          "keep_undeclared_overrides",
                                          "guard_older_commits",
                                          "ignore",
                                          "allowed_config_keys",
                                          "required_fields",
                                          "partition_messages_per_second"};

enum { MK_SOURCE, MK_DATASOURCE, MK_PROM_URL, MK_GRAFANA_URL, MK_FOLDER, MK_LABELS };
static const char *const monitoring_keys[] = {"metric_source",  "prometheus_datasource",
                                              "prometheus_url", "grafana_url",
                                              "grafana_folder", "labels"};

enum {
    TK_NAME,
    TK_PARTITIONS,
    TK_RF,
    TK_OWNER,
    TK_MESSAGE,
    TK_DESCRIPTION,
    TK_CONFIG,
    TK_LAG,
    TK_CONSUMERS,
    TK_THROUGHPUT,
    TK_ALERTS
};
static const char *const topic_keys[] = {
    "name",   "partitions", "replication_factor", "owner",      "message", "description",
    "config", "lag",        "consumers",          "throughput", "alerts"};
static const char *const throughput_keys[] = {"messages_per_second"};
static const char *const alerts_keys[] = {"skew"};

/* What policy.required_fields may name. */
static const char *const topic_field_paths[] = {"name",
                                                "partitions",
                                                "replication_factor",
                                                "owner",
                                                "message",
                                                "description",
                                                "config",
                                                "lag",
                                                "lag.max",
                                                "lag.for",
                                                "lag.severity",
                                                "consumers",
                                                "throughput",
                                                "throughput.messages_per_second",
                                                "alerts",
                                                "alerts.skew"};

/* Per-cluster state that validation needs beyond rc_cluster_decl. */
typedef struct cluster_ctx {
    rc_cluster_decl *c;
    bool usable; /* _cluster.yaml exists and parsed: its defaults/policy are real */
    regex_t re;  /* policy.name_pattern anchored as ^(...)$ */
    bool has_re;
    char **required_fields;
    size_t nrequired_fields;
    size_t topics_cap;
    size_t *topic_seq;        /* declaration order, parallel to c->topics */
    size_t topics_without_rf; /* taking the broker's default.replication.factor */
} cluster_ctx;

const char *rc_decl_url_problem(const char *url, bool allow_userinfo)
{
    const char *rest;
    if (!strncmp(url, "http://", 7))
        rest = url + 7;
    else if (!strncmp(url, "https://", 8))
        rest = url + 8;
    else
        return "the scheme must be http:// or https://";
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if (*p <= 0x20)
            return *p == ' ' ? "it contains a space" : "it contains a control character";
        if (*p == 0x7f)
            return "it contains a control character";
        switch (*p) {
        case '"':
        case '\'':
            return "it contains a quote";
        case '<':
        case '>':
            return "it contains an angle bracket";
        case '\\':
            /* browsers read it as '/', curl does not: two different hosts */
            return "it contains a backslash";
        case '`':
            return "it contains a backtick";
        default:
            break;
        }
    }
    size_t alen = strcspn(rest, "/?#");
    const char *host = rest, *end = rest + alen;
    const char *at = NULL;
    for (const char *p = rest; p < end; p++)
        if (*p == '@')
            at = p;
    if (at) {
        if (!allow_userinfo)
            return "a user name or password before the host (user@host) is not allowed here";
        host = at + 1;
    }
    const char *port = NULL;
    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close || close == host + 1)
            return "it has an invalid IPv6 host";
        for (const char *p = host + 1; p < close; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                  (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
                return "it has an invalid IPv6 host";
        if (close + 1 < end && close[1] != ':')
            return "it has an invalid host";
        port = close + 1 < end ? close + 1 : NULL;
    } else {
        const char *colon = memchr(host, ':', (size_t)(end - host));
        const char *hend = colon ? colon : end;
        if (hend == host)
            return "it has no host";
        for (const char *p = host; p < hend; p++) {
            unsigned char c = (unsigned char)*p;
            /* IDN hosts may be written in UTF-8; curl and browsers convert them */
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c >= 0x80))
                return "it has an invalid character in the host";
        }
        port = colon;
    }
    if (port) {
        long n = 0;
        const char *p = port + 1;
        if (p == end)
            return "it has an empty port";
        for (; p < end; p++) {
            if (*p < '0' || *p > '9' || n > 65535)
                return "it has an invalid port";
            n = n * 10 + (*p - '0');
        }
        if (n < 1 || n > 65535)
            return "it has an invalid port";
    }
    return NULL;
}

/* Values with ${ENV} references are checked for their syntax here and as
 * URLs once expanded, by the command that uses them. */
static void check_url(ctx *x, const rc_ynode *v, const char *field, bool allow_userinfo)
{
    if (strstr(v->str, "${")) {
        check_env(x, v, field, v->str);
        return;
    }
    const char *why = rc_decl_url_problem(v->str, allow_userinfo);
    if (why)
        diag(x, E, v, "url", "%s: not an absolute http:// or https:// URL: %s", field, why);
}

bool rc_decl_label_name_ok(const char *s)
{
    size_t n = rc_ident_len(s);
    return n > 0 && s[n] == '\0' && !(s[0] == '_' && s[1] == '_');
}

/* A free-form map of scalar values (client properties, labels). */
static void parse_string_map(ctx *x, const rc_ynode *map, const char *field, rc_kvlist *out,
                             bool client, bool labels)
{
    if (!want_kind(x, map, field, RC_YNODE_MAPPING))
        return;
    bool *dup = rc_xcalloc(map->npairs, sizeof(*dup));
    check_map_keys(x, map, field, dup);
    for (size_t i = 0; i < map->npairs; i++) {
        if (dup[i])
            continue;
        const rc_ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
        char sub[160];
        snprintf(sub, sizeof(sub), "%s.%.120s", field, k->str);
        if (v->kind != RC_YNODE_SCALAR || !present(v)) {
            diag(x, E, v, "type", "%s: expected a string, got %s", sub, rc_ynode_kind_name(v));
            continue;
        }
        if (client) {
            if (!strcmp(k->str, "bootstrap.servers")) {
                diag(x, E, k, "client",
                     "%s: set the top-level \"bootstrap\" field instead of bootstrap.servers",
                     field);
                continue;
            }
            /* librdkafka's property names are lower case and case-sensitive:
             * SASL.PASSWORD would be refused by the client, and must not slip
             * past the secret rule either. */
            bool lower = true;
            for (const char *p = k->str; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    lower = false;
            if (!lower) {
                diag(x, E, k, "client",
                     "%s: client property names are lower case (librdkafka's names are "
                     "case-sensitive)",
                     sub);
                continue;
            }
            /* Never echo the value: it is the secret. Exactly one reference,
             * no default, nothing beside it: anything else puts part of the
             * secret (or all of it, escaped as $${...}) in the repository. */
            if (rc_secrets_key_bears_secret(k->str) && !rc_secrets_is_one_reference(v->str)) {
                diag(x, E, v, "secret",
                     "%s: a secret must not be written in the repository: the value must be "
                     "exactly one environment reference such as ${KAFKA_PASSWORD}, with no "
                     "default and nothing beside it",
                     sub);
                continue;
            }
            check_env(x, v, sub, v->str);
        }
        if (labels && !rc_decl_label_name_ok(k->str)) {
            diag(x, E, k, "label",
                 "%s: \"%s\" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, "
                 "not starting with \"__\")",
                 field, k->str);
            continue;
        }
        rc_kvlist_set(out, k->str, v->str);
    }
    free(dup);
}

/* policy.name_pattern, anchored so the pattern describes the whole name,
 * which is what a reader of `^[a-z]+\.` or `[a-z.]+` expects from a naming
 * policy. */
static void parse_name_pattern(ctx *x, cluster_ctx *cc, const rc_ynode *n)
{
    rc_cluster_decl *c = cc->c;
    if (!want_string(x, n, "policy.name_pattern", true, &c->name_pattern))
        return;
    char *anchored = rc_xasprintf("^(%s)$", c->name_pattern);
    int rc = regcomp(&cc->re, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    if (rc != 0) {
        char err[256];
        regerror(rc, &cc->re, err, sizeof(err));
        diag(x, E, n, "name-pattern", "policy.name_pattern: invalid POSIX extended regex: %s", err);
        free(c->name_pattern);
        c->name_pattern = NULL;
    } else {
        cc->has_re = true;
    }
}

/* policy.allowed_config_keys: a close match to a known key is a typo; a key
 * with none is presumably a newer broker's, deliberately allowed. */
static void parse_allowed_keys(ctx *x, rc_cluster_decl *c, const rc_ynode *n)
{
    if (!want_string_list(x, n, "policy.allowed_config_keys", &c->allowed_config_keys,
                          &c->nallowed_config_keys))
        return;
    size_t nnames;
    const char *const *names = rc_topic_config_names(&nnames);
    for (size_t i = 0; i < n->nitems; i++) {
        const char *key = n->items[i]->str;
        if (rc_topic_config_lookup(key))
            continue;
        const char *dym = rc_did_you_mean(key, names, nnames);
        if (dym)
            diag(x, E, n->items[i], "unknown-config",
                 "policy.allowed_config_keys: unknown topic config key \"%s\" (did you mean "
                 "\"%s\"?)",
                 key, dym);
    }
}

/* policy.required_fields: unknown names are reported here once and dropped,
 * so they do not come back as a [required] error on every topic. */
static void parse_required_fields(ctx *x, cluster_ctx *cc, const rc_ynode *n)
{
    if (!want_string_list(x, n, "policy.required_fields", &cc->required_fields,
                          &cc->nrequired_fields))
        return;
    size_t w = 0;
    for (size_t i = 0; i < n->nitems; i++) {
        char *f = cc->required_fields[i];
        size_t k = 0;
        while (k < ARRAY_LEN(topic_field_paths) && strcmp(topic_field_paths[k], f) != 0)
            k++;
        if (k < ARRAY_LEN(topic_field_paths)) {
            cc->required_fields[w++] = f;
            continue;
        }
        const char *dym = rc_did_you_mean(f, topic_field_paths, ARRAY_LEN(topic_field_paths));
        diag(x, E, n->items[i], "unknown-key",
             "policy.required_fields: \"%s\" is not a topic field%s%s%s", f,
             dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "");
        free(f);
    }
    cc->nrequired_fields = w;
}

static void parse_policy(ctx *x, cluster_ctx *cc, const rc_ynode *v)
{
    rc_cluster_decl *c = cc->c;
    const rc_ypair *s[ARRAY_LEN(policy_keys)];
    if (!walk_map(x, v, "policy", policy_keys, ARRAY_LEN(policy_keys), s))
        return;
    const rc_ynode *n;
    if ((n = val(s[PK_NAME_PATTERN])))
        parse_name_pattern(x, cc, n);
    if ((n = val(s[PK_MIN_RF])) &&
        want_int(x, n, "policy.min_replication_factor", &c->min_replication_factor) &&
        c->min_replication_factor < 1) {
        diag(x, E, n, "replication-factor", "policy.min_replication_factor must be at least 1");
        c->min_replication_factor = 0;
    }
    if ((n = val(s[PK_MAX_RF])) &&
        want_int(x, n, "policy.max_replication_factor", &c->max_replication_factor)) {
        if (c->max_replication_factor < 1 ||
            c->max_replication_factor < c->min_replication_factor) {
            diag(x, E, n, "replication-factor",
                 "policy.max_replication_factor %d must be at least 1 and not below "
                 "min_replication_factor",
                 c->max_replication_factor);
            c->max_replication_factor = 0;
        }
    }
    if ((n = val(s[PK_MAX_PARTITIONS])) &&
        want_int(x, n, "policy.max_partitions", &c->max_partitions) && c->max_partitions < 1) {
        diag(x, E, n, "partitions", "policy.max_partitions must be at least 1");
        c->max_partitions = 0;
    }
    if ((n = val(s[PK_ALLOW_DELETE])))
        want_bool(x, n, "policy.allow_delete", &c->allow_delete);
    if ((n = val(s[PK_MAX_DELETIONS])) &&
        want_int(x, n, "policy.max_deletions", &c->max_deletions) && c->max_deletions < 1) {
        diag(x, E, n, "max-deletions",
             "policy.max_deletions must be at least 1 (to delete nothing, leave "
             "policy.allow_delete false)");
        c->max_deletions = 0;
    }
    if ((n = val(s[PK_KEEP_OVERRIDES])))
        want_bool(x, n, "policy.keep_undeclared_overrides", &c->keep_undeclared_overrides);
    if ((n = val(s[PK_GUARD_OLDER])))
        want_bool(x, n, "policy.guard_older_commits", &c->guard_older_commits);
    if ((n = val(s[PK_IGNORE])))
        want_string_list(x, n, "policy.ignore", &c->ignore_patterns, &c->nignore_patterns);
    if ((n = val(s[PK_ALLOWED_KEYS])))
        parse_allowed_keys(x, c, n);
    if ((n = val(s[PK_REQUIRED_FIELDS])))
        parse_required_fields(x, cc, n);
    if ((n = val(s[PK_PARTITION_MPS])) &&
        want_number(x, n, "policy.partition_messages_per_second",
                    &c->partition_messages_per_second) &&
        c->partition_messages_per_second <= 0) {
        diag(x, E, n, "throughput", "policy.partition_messages_per_second must be positive");
        c->partition_messages_per_second = 0;
    }
}

static void parse_defaults(ctx *x, cluster_ctx *cc, const rc_ynode *v)
{
    rc_cluster_decl *c = cc->c;
    const rc_ypair *s[ARRAY_LEN(defaults_keys)];
    if (!walk_map(x, v, "defaults", defaults_keys, ARRAY_LEN(defaults_keys), s))
        return;
    const rc_ynode *n, *rf_node = NULL, *misr = NULL;
    if ((n = val(s[DK_PARTITIONS])) &&
        want_int(x, n, "defaults.partitions", &c->default_partitions)) {
        if (c->default_partitions < 1) {
            diag(x, E, n, "partitions", "defaults.partitions must be at least 1");
            c->default_partitions = 0;
        } else if (c->max_partitions && c->default_partitions > c->max_partitions) {
            diag(x, E, n, "partitions",
                 "defaults.partitions %d is above policy.max_partitions (%d)",
                 c->default_partitions, c->max_partitions);
        }
    }
    if ((n = val(s[DK_RF])) &&
        want_int(x, n, "defaults.replication_factor", &c->default_replication_factor)) {
        rf_node = n;
        int rf = c->default_replication_factor;
        if (rf < 1) {
            diag(x, E, n, "replication-factor", "defaults.replication_factor must be at least 1");
            c->default_replication_factor = 0;
            rf_node = NULL;
        } else if (rf < c->min_replication_factor) {
            diag(x, E, n, "replication-factor",
                 "defaults.replication_factor %d is below policy.min_replication_factor (%d)", rf,
                 c->min_replication_factor);
        } else if (c->max_replication_factor && rf > c->max_replication_factor) {
            diag(x, E, n, "replication-factor",
                 "defaults.replication_factor %d is above policy.max_replication_factor (%d)", rf,
                 c->max_replication_factor);
        }
    }
    if ((n = val(s[DK_CONFIG])))
        parse_config(x, n, "defaults.config", &c->default_config, NULL, 0, &misr);
    if (misr && rf_node) {
        long long m;
        if (parse_ll(rc_kvlist_get(&c->default_config, "min.insync.replicas"), &m) == 0 &&
            m > c->default_replication_factor)
            diag(x, E, misr, "min-insync",
                 "defaults.config.min.insync.replicas %lld is above defaults.replication_factor "
                 "%d: every acks=all produce would fail",
                 m, c->default_replication_factor);
    }
    if ((n = val(s[DK_LAG]))) {
        lag_decl lag = {0};
        parse_lag(x, n, "defaults.lag", false, &lag);
        c->default_lag_max_seconds = lag.max_seconds;
        c->default_lag_for_seconds = lag.for_seconds;
        free(c->default_severity);
        c->default_severity = lag.severity;
    }
}

/* The profiles are whatever template files exist (rc_decl_options), so the
 * list of names is data; without one only the form of the name is checked. */
static void check_metric_source(ctx *x, rc_cluster_decl *c, const rc_ynode *n)
{
    const rc_decl_options *o = x->opt;
    bool known = !o || !o->metric_sources;
    for (size_t k = 0; !known && k < o->nmetric_sources; k++)
        known = strcmp(o->metric_sources[k], n->str) == 0;
    bool well_formed = *n->str != '\0';
    for (const char *p = n->str; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            well_formed = false;
    if (known && well_formed) {
        free(c->metric_source);
        c->metric_source = rc_xstrdup(n->str);
        return;
    }
    rc_buf have = {0};
    for (size_t k = 0; o && k < o->nmetric_sources; k++)
        rc_buf_printf(&have, "%s%s", k ? ", " : "", o->metric_sources[k]);
    const char *dym =
        o && o->metric_sources
            ? rc_did_you_mean(n->str, (const char *const *)o->metric_sources, o->nmetric_sources)
            : NULL;
    diag(x, E, n, "metric-source",
         "monitoring.metric_source: unknown metric source \"%s\"%s%s%s (profiles found: %s)",
         n->str, dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "",
         have.data ? have.data : "none");
    rc_buf_free(&have);
}

static void parse_monitoring(ctx *x, rc_cluster_decl *c, const rc_ynode *v)
{
    const rc_ypair *s[ARRAY_LEN(monitoring_keys)];
    if (!walk_map(x, v, "monitoring", monitoring_keys, ARRAY_LEN(monitoring_keys), s))
        return;
    const rc_ynode *n;
    if ((n = val(s[MK_SOURCE])) && want_string(x, n, "monitoring.metric_source", true, NULL))
        check_metric_source(x, c, n);
    if ((n = val(s[MK_DATASOURCE])))
        want_string(x, n, "monitoring.prometheus_datasource", true, &c->prometheus_datasource);
    if ((n = val(s[MK_PROM_URL])) &&
        want_string(x, n, "monitoring.prometheus_url", true, &c->prometheus_url))
        check_url(x, n, "monitoring.prometheus_url", true);
    if ((n = val(s[MK_GRAFANA_URL])) &&
        want_string(x, n, "monitoring.grafana_url", true, &c->grafana_url))
        check_url(x, n, "monitoring.grafana_url", true);
    if ((n = val(s[MK_FOLDER])))
        want_string(x, n, "monitoring.grafana_folder", true, &c->grafana_folder);
    if ((n = val(s[MK_LABELS])))
        parse_string_map(x, n, "monitoring.labels", &c->alert_labels, false, true);
}

static void parse_cluster_file(ctx *x, cluster_ctx *cc, const rc_yfile *yf)
{
    rc_cluster_decl *c = cc->c;
    if (yf->ndocs > 1)
        diag(x, E, yf->docs[1].root, "layout", "_cluster.yaml holds one document, found %zu",
             yf->ndocs);
    const rc_ynode *root = yf->ndocs ? yf->docs[0].root : NULL;
    if (!present(root)) {
        diag(x, E, root, "required", "missing required field \"bootstrap\"");
        return;
    }
    const rc_ypair *s[ARRAY_LEN(cluster_keys)];
    if (!walk_map(x, root, "cluster", cluster_keys, ARRAY_LEN(cluster_keys), s))
        return;
    const rc_ynode *n;
    /* Policy first: defaults are checked against it wherever it is written. */
    if ((n = val(s[CK_POLICY])))
        parse_policy(x, cc, n);
    if ((n = val(s[CK_DEFAULTS])))
        parse_defaults(x, cc, n);
    if ((n = val(s[CK_BOOTSTRAP]))) {
        if (want_string(x, n, "bootstrap", true, &c->bootstrap))
            check_env(x, n, "bootstrap", n->str);
    } else {
        diag(x, E, s[CK_BOOTSTRAP] ? s[CK_BOOTSTRAP]->key : root, "required",
             "missing required field \"bootstrap\"");
    }
    if ((n = val(s[CK_CLIENT])))
        parse_string_map(x, n, "client", &c->client_props, true, false);
    if ((n = val(s[CK_CLUSTER_ID])))
        want_string(x, n, "cluster_id", true, &c->cluster_id);
    if ((n = val(s[CK_REPO_URL])) && want_string(x, n, "repository_url", true, &c->repo_url))
        check_url(x, n, "repository_url", false);
    if ((n = val(s[CK_MONITORING])))
        parse_monitoring(x, c, n);
    cc->usable = true;
}

/* ---- topic documents ----------------------------------------------------------- */

typedef struct teams_ctx {
    const rc_repo *repo;
    const char **names; /* sorted, for did-you-mean */
    bool usable;        /* _teams.yaml exists and parsed */
} teams_ctx;

static const rc_team *find_team(const rc_repo *r, const char *name)
{
    size_t lo = 0, hi = r->nteams;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->teams[mid].name, name);
        if (c == 0)
            return &r->teams[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Value at a policy.required_fields path ("lag.max"), NULL when absent/null. */
static const rc_ynode *field_at(const rc_ynode *root, const char *path)
{
    const char *dot = strchr(path, '.');
    if (!dot)
        return present(rc_ynode_get(root, path)) ? rc_ynode_get(root, path) : NULL;
    char head[64];
    snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
    const rc_ynode *sub = rc_ynode_get(root, head);
    if (!sub || sub->kind != RC_YNODE_MAPPING)
        return NULL;
    const rc_ynode *leaf = rc_ynode_get(sub, dot + 1);
    return present(leaf) ? leaf : NULL;
}

static rc_topic_decl *add_topic(cluster_ctx *cc, size_t seq)
{
    rc_cluster_decl *c = cc->c;
    if (c->ntopics == cc->topics_cap) {
        cc->topics_cap = cc->topics_cap ? cc->topics_cap * 2 : 16;
        c->topics = rc_xrealloc(c->topics, cc->topics_cap * sizeof(*c->topics));
        cc->topic_seq = rc_xrealloc(cc->topic_seq, cc->topics_cap * sizeof(*cc->topic_seq));
    }
    cc->topic_seq[c->ntopics] = seq;
    rc_topic_decl *t = &c->topics[c->ntopics++];
    memset(t, 0, sizeof(*t));
    return t;
}

static void parse_topic(ctx *x, cluster_ctx *cc, const teams_ctx *tc, const rc_ynode *root,
                        size_t seq)
{
    rc_cluster_decl *c = cc->c;
    if (!present(root))
        return; /* empty document, e.g. a trailing `---` */
    const rc_ypair *s[ARRAY_LEN(topic_keys)];
    if (root->kind != RC_YNODE_MAPPING) {
        diag(x, E, root, "type", "a topic document must be a map of fields, got %s",
             rc_ynode_kind_name(root));
        return;
    }
    walk_map(x, root, "topic", topic_keys, ARRAY_LEN(topic_keys), s);

    const rc_ynode *n, *name_node = val(s[TK_NAME]);
    char *name = NULL;
    if (!name_node) {
        diag(x, E, s[TK_NAME] ? s[TK_NAME]->key : root, "required",
             "missing required field \"name\"");
    } else if (want_string(x, name_node, "name", false, &name)) {
        check_topic_name(x, name_node, name);
        if (cc->has_re && !rc_decl_topic_name_problem(name) &&
            regexec(&cc->re, name, 0, NULL, 0) != 0)
            diag(x, E, name_node, "name-pattern",
                 "topic name \"%s\" does not match this cluster's policy.name_pattern %s", name,
                 c->name_pattern);
    }
    /* Keep what could be parsed (the caller may still want it), but only
     * topics with a name: everything downstream is keyed on it. */
    rc_topic_decl scratch = {0};
    rc_topic_decl *t = name ? add_topic(cc, seq) : &scratch;
    t->name = name;
    t->file = rc_xstrdup(x->file);
    t->line = name_node ? name_node->line : root->line;
    t->col = name_node ? name_node->col : root->col;

    /* partitions */
    bool partitions_reported = false, partitions_declared = false;
    if ((n = val(s[TK_PARTITIONS])) && want_int(x, n, "partitions", &t->partitions)) {
        partitions_declared = true;
        if (t->partitions < 1)
            diag(x, E, n, "partitions", "partitions must be at least 1, got %d", t->partitions);
        else if (c->max_partitions && t->partitions > c->max_partitions)
            diag(x, E, n, "partitions",
                 "%d partitions is above this cluster's "
                 "policy.max_partitions (%d)",
                 t->partitions, c->max_partitions);
    } else if (!n) {
        if (c->default_partitions > 0) {
            t->partitions = c->default_partitions;
        } else if (cc->usable) {
            diag(x, E, s[TK_PARTITIONS] ? s[TK_PARTITIONS]->key : root, "required",
                 "missing required field \"partitions\" (%s sets no defaults.partitions)", c->file);
            partitions_reported = true;
        }
    }

    /* replication factor: declared, else the cluster default, else the broker's */
    const rc_ynode *rf_node = NULL;
    t->replication_factor = c->default_replication_factor > 0 ? c->default_replication_factor : -1;
    if (!s[TK_RF] && t->replication_factor <= 0)
        cc->topics_without_rf++;
    if ((n = val(s[TK_RF])) && want_int(x, n, "replication_factor", &t->replication_factor)) {
        rf_node = n;
        int rf = t->replication_factor;
        if (rf < 1)
            diag(x, E, n, "replication-factor", "replication_factor must be at least 1, got %d",
                 rf);
        else if (rf < c->min_replication_factor)
            diag(x, E, n, "replication-factor",
                 "replication_factor %d is below this cluster's policy.min_replication_factor "
                 "(%d)",
                 rf, c->min_replication_factor);
        else if (c->max_replication_factor && rf > c->max_replication_factor)
            diag(x, E, n, "replication-factor",
                 "replication_factor %d is above this cluster's policy.max_replication_factor "
                 "(%d)",
                 rf, c->max_replication_factor);
    }

    /* owner */
    if (!(n = val(s[TK_OWNER]))) {
        diag(x, E, s[TK_OWNER] ? s[TK_OWNER]->key : root, "required",
             "missing required field \"owner\"");
    } else if (want_string(x, n, "owner", true, &t->owner) && tc->usable &&
               !find_team(tc->repo, t->owner)) {
        const char *dym = rc_did_you_mean(t->owner, tc->names, tc->repo->nteams);
        diag(x, E, n, "unknown-team", "owner \"%s\" is not a team in topics/_teams.yaml%s%s%s",
             t->owner, dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "");
    }
    if ((n = val(s[TK_MESSAGE])))
        want_string(x, n, "message", true, &t->message);
    if ((n = val(s[TK_DESCRIPTION])))
        want_string(x, n, "description", false, &t->description);

    /* config: cluster defaults first, the declaration on top */
    const rc_ynode *misr = NULL;
    rc_kvlist_copy(&t->config, &c->default_config);
    if ((n = val(s[TK_CONFIG])))
        parse_config(x, n, "config", &t->config, c->allowed_config_keys, c->nallowed_config_keys,
                     &misr);
    rc_kvlist_sort(&t->config);
    const char *misr_val = rc_kvlist_get(&t->config, "min.insync.replicas");
    long long m;
    if (misr_val && t->replication_factor > 0 && parse_ll(misr_val, &m) == 0 &&
        m > t->replication_factor) {
        /* Both from the defaults: reported once on the cluster file. */
        const rc_ynode *at = misr ? misr : rf_node;
        if (at)
            diag(x, E, at, "min-insync",
                 "min.insync.replicas %lld%s is above the replication factor %d%s: every "
                 "acks=all produce would fail",
                 m, misr ? "" : " (from defaults.config)", t->replication_factor,
                 rf_node ? "" : " (from defaults.replication_factor)");
    }

    if ((n = val(s[TK_LAG]))) {
        lag_decl lag = {0};
        parse_lag(x, n, "lag", true, &lag);
        t->lag_max_seconds = lag.max_seconds;
        t->lag_max_offsets = lag.max_offsets;
        t->lag_for_seconds = lag.for_seconds;
        t->severity = lag.severity;
    }

    if ((n = val(s[TK_CONSUMERS])) &&
        want_string_list(x, n, "consumers", &t->consumers, &t->nconsumers)) {
        for (size_t i = 1; i < t->nconsumers; i++)
            for (size_t j = 0; j < i; j++)
                if (!strcmp(t->consumers[i], t->consumers[j])) {
                    diag(x, E, n->items[i], "consumers", "consumer group \"%s\" is listed twice",
                         t->consumers[i]);
                    break;
                }
    }

    const rc_ynode *mps_node = NULL;
    if ((n = val(s[TK_THROUGHPUT]))) {
        const rc_ypair *ts[1];
        if (walk_map(x, n, "throughput", throughput_keys, 1, ts) && (n = val(ts[0])) &&
            want_number(x, n, "throughput.messages_per_second", &t->messages_per_second)) {
            if (t->messages_per_second <= 0) {
                diag(x, E, n, "throughput", "throughput.messages_per_second must be positive");
                t->messages_per_second = 0;
            } else {
                mps_node = n;
            }
        }
    }
    /* The napkin math: a partition is consumed by one member of a group, so
     * partitions bound a group's parallelism; too few cannot be fixed later
     * without reshuffling keys. */
    double per = c->partition_messages_per_second;
    if (mps_node && per > 0 && t->partitions > 0) {
        double need = ceil(t->messages_per_second / per);
        if (need > t->partitions)
            diag(x, W, mps_node, "throughput",
                 "%g messages/s at %g per partition (policy.partition_messages_per_second) "
                 "needs at least %.0f partitions, %s %d",
                 t->messages_per_second, per, need,
                 partitions_declared ? "declared" : "defaults.partitions gives", t->partitions);
    }

    if ((n = val(s[TK_ALERTS]))) {
        const rc_ypair *as[1];
        if (walk_map(x, n, "alerts", alerts_keys, 1, as) && (n = val(as[0])))
            want_bool(x, n, "alerts.skew", &t->skew_alert);
    }

    for (size_t i = 0; i < cc->nrequired_fields; i++) {
        const char *f = cc->required_fields[i];
        if (!strcmp(f, "name") || !strcmp(f, "owner") ||
            (!strcmp(f, "partitions") && partitions_reported))
            continue; /* already required, already reported */
        if (!field_at(root, f))
            diag(x, E, root, "required",
                 "missing field \"%s\" (required by policy.required_fields in %s)", f, c->file);
    }

    if (t == &scratch)
        rc_topic_decl_free(&scratch);
}

/* ---- per-cluster finish: duplicates, collisions, order ------------------------ */

typedef struct fold_ref {
    char *folded;
    size_t idx; /* into c->topics */
    size_t seq;
} fold_ref;

static int fold_cmp(const void *pa, const void *pb)
{
    const fold_ref *a = pa, *b = pb;
    int c = strcmp(a->folded, b->folded);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int topic_cmp(const void *pa, const void *pb)
{
    return strcmp(((const rc_topic_decl *)pa)->name, ((const rc_topic_decl *)pb)->name);
}

/* Sort once by the folded name ('.' and '_' are the same character in metric
 * names), then each group of equal folded names is either the same topic
 * twice or a collision: O(n log n) for 10,000 topics. The first declaration
 * (file order, then document order) wins; the later one is reported. */
/* Topics that declare no replication factor (and whose cluster file sets no
 * default) take the broker's; a policy bound on it can only be checked
 * against the live broker. Say so once per cluster, so a clean validate is
 * not read as "the policy holds". (Partitions are required unless
 * defaulted, so they never come from the broker.) */
static void note_broker_defaults(rc_diags *diags, const cluster_ctx *cc)
{
    const rc_cluster_decl *c = cc->c;
    size_t n = cc->topics_without_rf;
    if (n && (c->min_replication_factor || c->max_replication_factor))
        rc_diags_add(diags, W, c->file, 0, 0, "replication-factor",
                     "%zu topic%s of cluster %s declare%s no replication factor and the cluster "
                     "file sets no default: %s the broker's default.replication.factor, which "
                     "plan checks against the replication-factor policy (not checked here)",
                     n, n == 1 ? "" : "s", c->name, n == 1 ? "s" : "",
                     n == 1 ? "it takes" : "they take");
}

static void finish_cluster(rc_diags *diags, cluster_ctx *cc)
{
    rc_cluster_decl *c = cc->c;
    size_t n = c->ntopics;
    fold_ref *refs = rc_xcalloc(n, sizeof(*refs));
    for (size_t i = 0; i < n; i++) {
        refs[i].folded = rc_xstrdup(c->topics[i].name);
        for (char *p = refs[i].folded; *p; p++)
            if (*p == '.')
                *p = '_';
        refs[i].idx = i;
        refs[i].seq = cc->topic_seq[i];
    }
    qsort(refs, n, sizeof(*refs), fold_cmp);
    bool *drop = rc_xcalloc(n, sizeof(*drop));
    for (size_t g = 0; g < n;) {
        size_t end = g + 1;
        while (end < n && !strcmp(refs[end].folded, refs[g].folded))
            end++;
        for (size_t j = g + 1; j < end; j++) {
            const rc_topic_decl *t = &c->topics[refs[j].idx];
            const rc_topic_decl *same = NULL;
            for (size_t k = g; k < j && !same; k++)
                if (!drop[refs[k].idx] && !strcmp(c->topics[refs[k].idx].name, t->name))
                    same = &c->topics[refs[k].idx];
            if (same) {
                rc_diags_add(diags, E, t->file, t->line, t->col, "duplicate-topic",
                             "topic \"%s\" is already declared in cluster %s at %s:%d:%d", t->name,
                             c->name, same->file, same->line, same->col);
                drop[refs[j].idx] = true;
            } else {
                const rc_topic_decl *first = &c->topics[refs[g].idx];
                rc_diags_add(diags, E, t->file, t->line, t->col, "name-collision",
                             "topic \"%s\" collides with \"%s\" (%s:%d:%d) once '.' and '_' are "
                             "folded in metric names; Kafka refuses such pairs",
                             t->name, first->name, first->file, first->line, first->col);
            }
        }
        g = end;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (drop[i]) {
            rc_topic_decl_free(&c->topics[i]);
            continue;
        }
        if (w != i)
            c->topics[w] = c->topics[i];
        w++;
    }
    c->ntopics = w;
    if (c->ntopics > 1)
        qsort(c->topics, c->ntopics, sizeof(*c->topics), topic_cmp);
    for (size_t i = 0; i < n; i++)
        free(refs[i].folded);
    free(refs);
    free(drop);

    for (size_t i = 0; i < c->ntopics; i++) {
        const rc_topic_decl *t = &c->topics[i];
        for (size_t k = 0; k < c->nignore_patterns; k++)
            if (fnmatch(c->ignore_patterns[k], t->name, 0) == 0) {
                rc_diags_add(diags, W, t->file, t->line, t->col, "ignored-topic",
                             "topic \"%s\" matches policy.ignore pattern \"%s\": plan and apply "
                             "will never touch it",
                             t->name, c->ignore_patterns[k]);
                break;
            }
    }
    note_broker_defaults(diags, cc);
}

/* ---- repository walk ------------------------------------------------------------ */

typedef struct cluster_files {
    char *name;
    const rc_source_file *cluster_file;
    const rc_source_file **topic_files;
    size_t ntopic_files;
    size_t cap;
} cluster_files;

static int cluster_files_cmp(const void *pa, const void *pb)
{
    return strcmp(((const cluster_files *)pa)->name, ((const cluster_files *)pb)->name);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && !memcmp(s + ls - lx, suffix, lx);
}

static bool hidden_component(const char *path)
{
    for (const char *p = path; p; p = strchr(p, '/')) {
        if (*p == '/')
            p++;
        if (*p == '.')
            return true;
    }
    return false;
}

/* Parse one file; a syntax error is reported and whatever documents were
 * complete before it are still returned (so their problems show too). */
static void parse_file(ctx *x, const rc_source_file *f, rc_yfile *yf)
{
    if (rc_yaml_parse(yf, f->content, f->len) < 0)
        rc_diags_add(x->diags, E, f->path, yf->error_line, yf->error_col, "yaml-syntax", "%s",
                     yf->error);
}

int rc_decl_load(rc_repo *out, const rc_source *src, rc_diags *diags)
{
    return rc_decl_load_opts(out, src, diags, NULL);
}

int rc_decl_load_opts(rc_repo *out, const rc_source *src, rc_diags *diags,
                      const rc_decl_options *opt)
{
    memset(out, 0, sizeof(*out));
    size_t errors_before = rc_diags_errors(diags);
    const rc_source_file *teams_file = NULL;
    cluster_files *cfs = NULL;
    size_t ncfs = 0, cfs_cap = 0, last = 0;

    /* what the source refused to read (a symbolic link, an oversized file) */
    for (size_t i = 0; i < src->nproblems; i++)
        diag_pos(diags, E, src->problems[i].path, 0, "layout", "%s", src->problems[i].message);

    for (size_t i = 0; i < src->nfiles; i++) {
        const rc_source_file *f = &src->files[i];
        if (strncmp(f->path, "topics/", 7) != 0 || hidden_component(f->path))
            continue;
        if (!has_suffix(f->path, ".yaml") && !has_suffix(f->path, ".yml"))
            continue;
        const char *rest = f->path + 7;
        const char *slash = strchr(rest, '/');
        if (!slash) {
            if (!strcmp(rest, "_teams.yaml"))
                teams_file = f;
            else
                diag_pos(diags, E, f->path, 0, "layout",
                         "only _teams.yaml belongs directly under topics/; topics go in "
                         "topics/<cluster>/");
            continue;
        }
        size_t nlen = (size_t)(slash - rest);
        /* Sources are sorted, so a cluster's files are adjacent: check the
         * last cluster first and the search is O(1) in practice. */
        size_t k = ncfs;
        if (ncfs && strlen(cfs[last].name) == nlen && !memcmp(cfs[last].name, rest, nlen))
            k = last;
        for (size_t j = 0; k == ncfs && j < ncfs; j++)
            if (strlen(cfs[j].name) == nlen && !memcmp(cfs[j].name, rest, nlen))
                k = j;
        if (k == ncfs) {
            if (ncfs == cfs_cap) {
                cfs_cap = cfs_cap ? cfs_cap * 2 : 8;
                cfs = rc_xrealloc(cfs, cfs_cap * sizeof(*cfs));
            }
            cfs[ncfs++] = (cluster_files){.name = rc_xstrndup(rest, nlen)};
        }
        last = k;
        cluster_files *cf = &cfs[k];
        const char *sub = slash + 1;
        const char *base = strrchr(sub, '/');
        base = base ? base + 1 : sub;
        if (!strcmp(sub, "_cluster.yaml")) {
            cf->cluster_file = f;
        } else if (base[0] == '_') {
            diag_pos(diags, E, f->path, 0, "layout",
                     "files starting with '_' are reserved: only topics/<cluster>/_cluster.yaml "
                     "and topics/_teams.yaml are read");
        } else {
            if (cf->ntopic_files == cf->cap) {
                cf->cap = cf->cap ? cf->cap * 2 : 16;
                cf->topic_files = rc_xrealloc(cf->topic_files, cf->cap * sizeof(char *));
            }
            cf->topic_files[cf->ntopic_files++] = f;
        }
    }

    /* Teams first: every topic's owner is checked against them. */
    teams_ctx tc = {.repo = out};
    if (teams_file) {
        ctx x = {diags, teams_file->path, opt};
        rc_yfile yf;
        parse_file(&x, teams_file, &yf);
        /* With an unreadable teams file every owner would look unknown:
         * the file's own diagnostics say it once instead. */
        tc.usable = !yf.error && parse_teams(&x, &yf, out);
        rc_yfile_free(&yf);
    } else {
        diag_pos(diags, E, "topics/_teams.yaml", 0, "required",
                 "topics/_teams.yaml is missing: every topic owner must be a team declared there");
    }
    tc.names = rc_xcalloc(out->nteams, sizeof(*tc.names));
    for (size_t i = 0; i < out->nteams; i++)
        tc.names[i] = out->teams[i].name;

    if (ncfs > 1)
        qsort(cfs, ncfs, sizeof(*cfs), cluster_files_cmp);
    out->clusters = rc_xcalloc(ncfs, sizeof(*out->clusters));
    out->nclusters = ncfs;
    for (size_t i = 0; i < ncfs; i++) {
        cluster_files *cf = &cfs[i];
        rc_cluster_decl *c = &out->clusters[i];
        c->name = rc_xstrdup(cf->name);
        c->file = rc_xasprintf("topics/%s/_cluster.yaml", cf->name);
        c->metric_source = rc_xstrdup("kafka_exporter");
        cluster_ctx cc = {.c = c};
        char *dir = rc_xasprintf("topics/%s", cf->name);
        for (const char *p = cf->name; *p; p++)
            if (!topic_char_ok((unsigned char)*p)) {
                diag_pos(diags, E, dir, 0, "layout",
                         "cluster directory name \"%s\" may only contain ASCII letters, digits, "
                         "'.', '_' and '-'",
                         cf->name);
                break;
            }
        if (cf->cluster_file) {
            ctx x = {diags, cf->cluster_file->path, opt};
            rc_yfile yf;
            parse_file(&x, cf->cluster_file, &yf);
            if (!yf.error)
                parse_cluster_file(&x, &cc, &yf);
            rc_yfile_free(&yf);
        } else {
            diag_pos(diags, E, dir, 0, "layout",
                     "cluster directory %s has no _cluster.yaml (bootstrap, defaults, policy)",
                     dir);
        }
        free(dir);
        size_t seq = 0;
        for (size_t j = 0; j < cf->ntopic_files; j++) {
            ctx x = {diags, cf->topic_files[j]->path, opt};
            rc_yfile yf;
            parse_file(&x, cf->topic_files[j], &yf);
            for (size_t d = 0; d < yf.ndocs; d++)
                parse_topic(&x, &cc, &tc, yf.docs[d].root, seq++);
            rc_yfile_free(&yf);
        }
        finish_cluster(diags, &cc);
        if (cc.has_re)
            regfree(&cc.re);
        free_strv(cc.required_fields, cc.nrequired_fields);
        free(cc.topic_seq);
        free(cf->name);
        free(cf->topic_files);
    }
    free(cfs);
    free(tc.names);
    return rc_diags_errors(diags) > errors_before ? -1 : 0;
}

/* ---- plan-time checks -------------------------------------------------------------- */

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool broker_knows(const char **sorted, size_t n, const char *key)
{
    return bsearch(&key, sorted, n, sizeof(*sorted), str_ptr_cmp) != NULL;
}

/* A topic to be created without a declared replication factor gets the
 * broker's: the policy must hold for that value too. An unknown broker
 * default fails closed when a policy bound depends on it. */
static void check_broker_defaults(rc_diags *diags, const rc_cluster_decl *c, const rc_topic_decl *t,
                                  const rc_cluster_obs *obs)
{
    static const char fix_rf[] = "declare replication_factor (or defaults.replication_factor)";
    int rf = obs->default_replication_factor;
    if (t->replication_factor <= 0 && (c->min_replication_factor || c->max_replication_factor)) {
        if (rf <= 0)
            rc_diags_add(diags, E, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\" takes the broker's default.replication.factor, which "
                         "cannot be read from cluster %s (DescribeConfigs on the cluster), so the "
                         "replication-factor policy cannot be checked; %s",
                         t->name, c->name, fix_rf);
        else if (c->min_replication_factor && rf < c->min_replication_factor)
            rc_diags_add(diags, E, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\" takes the broker's default.replication.factor (%d), "
                         "below policy.min_replication_factor (%d); %s",
                         t->name, rf, c->min_replication_factor, fix_rf);
        else if (c->max_replication_factor && rf > c->max_replication_factor)
            rc_diags_add(diags, E, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\" takes the broker's default.replication.factor (%d), "
                         "above policy.max_replication_factor (%d); %s",
                         t->name, rf, c->max_replication_factor, fix_rf);
    }
}

int rc_decl_check_cluster_live(const rc_cluster_decl *c, const rc_cluster_obs *obs, rc_diags *diags)
{
    size_t errors_before = rc_diags_errors(diags);
    /* Metadata lists the brokers that are up, not every registered one, so
     * a replication factor above that count is a warning for topics still to
     * be created (the broker then refuses each one with its own message and
     * the rest of the plan goes on); an outage must not block unrelated work. */
    int brokers = obs->broker_count;
    /* Broker keys sorted once: 10,000 topics x a few keys stay O(log n) each. */
    const char **keys = NULL;
    size_t nkeys = obs->nconfig_keys;
    if (nkeys) {
        keys = rc_xcalloc(nkeys, sizeof(*keys));
        for (size_t i = 0; i < nkeys; i++)
            keys[i] = obs->config_keys[i];
        qsort(keys, nkeys, sizeof(*keys), str_ptr_cmp);
        for (size_t i = 0; i < c->default_config.len; i++) {
            const char *key = c->default_config.items[i].key;
            if (!rc_topic_config_lookup(key) && !broker_knows(keys, nkeys, key))
                diag_pos(diags, E, c->file, 0, "unknown-config",
                         "defaults.config: neither the built-in catalogue nor the broker of "
                         "cluster %s knows the topic config key \"%s\"",
                         c->name, key);
        }
    }

    for (size_t i = 0; i < c->ntopics; i++) {
        const rc_topic_decl *t = &c->topics[i];
        if (!rc_cluster_obs_topic(obs, t->name))
            check_broker_defaults(diags, c, t, obs);
        if (brokers > 0 && t->replication_factor > brokers && !rc_cluster_obs_topic(obs, t->name))
            rc_diags_add(diags, RC_SEV_WARNING, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\": replication factor %d is above the %d broker(s) up in "
                         "cluster %s; the broker will refuse to create it",
                         t->name, t->replication_factor, brokers, c->name);
        if (!nkeys)
            continue;
        for (size_t k = 0; k < t->config.len; k++) {
            const char *key = t->config.items[k].key;
            if (rc_topic_config_lookup(key) || broker_knows(keys, nkeys, key))
                continue;
            const char *dflt = rc_kvlist_get(&c->default_config, key);
            if (dflt && !strcmp(dflt, t->config.items[k].value))
                continue; /* inherited from defaults: reported on the cluster file */
            rc_diags_add(diags, E, t->file, t->line, t->col, "unknown-config",
                         "topic \"%s\": neither the built-in catalogue nor the broker of cluster "
                         "%s knows the topic config key \"%s\"",
                         t->name, c->name, key);
        }
    }
    free(keys);
    return rc_diags_errors(diags) > errors_before ? -1 : 0;
}
