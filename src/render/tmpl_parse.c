/* tmpl_parse.c — templates into jansson trees: a libyaml event parser for
 * YAML (core schema, see tmpl.h) and jansson's loader for JSON. */
#include "tmpl.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- YAML in ----------------------------------------------------------------- */

static bool all_in(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

/* YAML 1.2 core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_core_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t ip = 0, fp = 0;
    while (rc_is_digit((unsigned char)*s))
        s++, ip++;
    if (*s == '.') {
        s++;
        while (rc_is_digit((unsigned char)*s))
            s++, fp++;
    }
    if (ip == 0 && fp == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!rc_is_digit((unsigned char)*s))
            return false;
        while (rc_is_digit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* What a plain scalar means under the YAML 1.2 core schema. The text is the
 * NUL-terminated buffer libyaml hands out. `.inf`/`.nan` have no JSON form
 * and stay strings. */
/* JSON has no infinities: a number too large for a double (1e999) stays the
 * text it was rather than failing later as a NULL value. */
static json_t *finite_real_or_string(const char *s, size_t n)
{
    double d = strtod(s, NULL);
    return isfinite(d) ? json_real(d) : json_stringn(s, n);
}

static json_t *resolve_plain(const char *s, size_t n)
{
    if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return json_null();
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return json_true();
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return json_false();
    if (strlen(s) == n) {
        const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
        int base = 0;
        const char *digits = NULL;
        if (all_in(d, "0123456789")) {
            base = 10;
            digits = s;
        } else if (!strncmp(s, "0x", 2) && all_in(s + 2, "0123456789abcdefABCDEF")) {
            base = 16;
            digits = s + 2;
        } else if (!strncmp(s, "0o", 2) && all_in(s + 2, "01234567")) {
            base = 8;
            digits = s + 2;
        }
        if (base) {
            errno = 0;
            long long v = strtoll(digits, NULL, base);
            if (errno == 0)
                return json_integer((json_int_t)v);
            /* too large for an integer: keep the magnitude as a real */
            if (base == 10)
                return finite_real_or_string(s, n);
            return json_stringn(s, n);
        }
        if (is_core_float(s))
            return finite_real_or_string(s, n);
    }
    return json_stringn(s, n);
}

typedef struct yframe {
    json_t *node; /* borrowed: owned by its parent (or by the root pointer) */
    char *key;    /* mapping awaiting the value of this key; NULL otherwise */
} yframe;

typedef struct ybuild {
    json_t *root;
    yframe *stack;
    size_t depth;
    size_t cap;
} ybuild;

static void ybuild_push(ybuild *b, json_t *node)
{
    if (b->depth == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->stack = rc_xrealloc(b->stack, b->cap * sizeof(*b->stack));
    }
    b->stack[b->depth].node = node;
    b->stack[b->depth].key = NULL;
    b->depth++;
}

/* Attach value (a new reference, consumed) to the open container. Returns a
 * static problem text on failure. */
#define RC_TMPL_MAX_DEPTH 512
#define RC_TMPL_MAX_DEPTH_TEXT "512"

static const char *ybuild_attach(ybuild *b, json_t *value)
{
    if (!value)
        return "value is not valid UTF-8";
    if (b->depth == 0) {
        b->root = value;
        return NULL;
    }
    yframe *top = &b->stack[b->depth - 1];
    if (json_is_array(top->node)) {
        json_array_append_new(top->node, value);
        return NULL;
    }
    const char *problem = NULL;
    if (json_object_get(top->node, top->key)) {
        problem = "duplicate key";
        json_decref(value);
    } else if (json_object_set_new(top->node, top->key, value) < 0) {
        problem = "key is not valid UTF-8";
    }
    free(top->key);
    top->key = NULL;
    return problem;
}

static bool ybuild_in_key_position(const ybuild *b)
{
    return b->depth > 0 && json_is_object(b->stack[b->depth - 1].node) &&
           !b->stack[b->depth - 1].key;
}

static const char *on_scalar(ybuild *b, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    if (ybuild_in_key_position(b)) {
        if (strlen(v) != n)
            return "a key must not contain NUL characters";
        b->stack[b->depth - 1].key = rc_xstrndup(v, n);
        return NULL;
    }
    const char *tag = (const char *)ev->data.scalar.tag;
    bool as_string = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                     (tag && (!strcmp(tag, "!") || !strcmp(tag, YAML_STR_TAG)));
    return ybuild_attach(b, as_string ? json_stringn(v, n) : resolve_plain(v, n));
}

static const char *on_collection_start(ybuild *b, const yaml_event_t *ev)
{
    if (ybuild_in_key_position(b))
        return "only scalar mapping keys are supported";
    /* the emitter and jansson recurse per level: bound the depth so a
     * hostile template cannot exhaust the stack (found by fuzz_tmpl) */
    if (b->depth >= RC_TMPL_MAX_DEPTH)
        return "nesting deeper than " RC_TMPL_MAX_DEPTH_TEXT " levels";
    json_t *c = ev->type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
    /* attach first: the parent owns it, the stack borrows it */
    const char *problem = ybuild_attach(b, c);
    if (!problem)
        ybuild_push(b, c);
    return problem;
}

/* Apply one parser event to the tree being built; a static problem text
 * when the event is refused. */
static const char *on_event(ybuild *b, const yaml_event_t *ev, int *ndocs, bool *done)
{
    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        *done = true;
        return NULL;
    case YAML_DOCUMENT_START_EVENT:
        return ++*ndocs > 1 ? "a template holds one YAML document" : NULL;
    case YAML_ALIAS_EVENT:
        return "aliases are not supported in templates";
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return on_collection_start(b, ev);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        b->depth--;
        return NULL;
    default:
        return NULL;
    }
}

int rc_tmpl_parse_yaml(json_t **out, const char *text, size_t len, const char *file, char *errbuf,
                       size_t errlen)
{
    *out = NULL;
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return rc_errorf(RC_ERR, errbuf, errlen, "%s: cannot initialise the YAML parser", file);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    ybuild b = {0};
    int ndocs = 0;
    int rc = RC_ERR;
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc_errorf(RC_ERR, errbuf, errlen, "%s:%zu:%zu: %s%s%s", file, p.problem_mark.line + 1,
                      p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
                      p.context ? " " : "", p.context ? p.context : "");
            goto out;
        }
        size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
        const char *problem = on_event(&b, &ev, &ndocs, &done);
        yaml_event_delete(&ev);
        if (problem) {
            rc_errorf(RC_ERR, errbuf, errlen, "%s:%zu:%zu: %s", file, line, col, problem);
            goto out;
        }
    }
    *out = b.root ? b.root : json_null();
    b.root = NULL;
    rc = 0;
out:
    for (size_t i = 0; i < b.depth; i++)
        free(b.stack[i].key);
    free(b.stack);
    json_decref(b.root);
    yaml_parser_delete(&p);
    return rc;
}

int rc_tmpl_parse_json(json_t **out, const char *text, size_t len, const char *file, char *errbuf,
                       size_t errlen)
{
    json_error_t e;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!*out)
        return rc_errorf(RC_ERR, errbuf, errlen, "%s:%d:%d: %s", file, e.line, e.column, e.text);
    return 0;
}
