#include "yamldoc.h"

#include "util.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- arena ----------------------------------------------------------------
 * Every node, scalar copy and child array of a file comes from one arena, so a
 * file of N nodes costs a handful of mallocs instead of 3N, and freeing is a
 * walk over a few chunks. Chunks grow geometrically up to 64 KiB; a request
 * larger than that gets a chunk of its own. */

struct rc_yarena {
    struct rc_yarena *next;
    size_t used;
    size_t cap;
    alignas(max_align_t) unsigned char data[];
};

static void *arena_alloc(rc_yarena **head, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    rc_yarena *a = *head;
    if (!a || a->cap - a->used < n) {
        size_t cap = a ? a->cap * 2 : 4096;
        if (cap > 65536)
            cap = 65536;
        if (cap < n)
            cap = n;
        rc_yarena *c = rc_xmalloc(sizeof(*c) + cap);
        c->cap = cap;
        c->used = 0;
        /* A big one-off chunk goes behind the current one so the current
         * chunk's free space keeps serving small requests. */
        if (a && cap == n && a->cap - a->used > 256) {
            c->next = a->next;
            a->next = c;
            c->used = n;
            return c->data;
        }
        c->next = a;
        *head = c;
        a = c;
    }
    void *p = a->data + a->used;
    a->used += n;
    return p;
}

static void arena_free(rc_yarena *a)
{
    while (a) {
        rc_yarena *next = a->next;
        free(a);
        a = next;
    }
}

/* ---- builder -------------------------------------------------------------- */

/* An open sequence or mapping: children are linked through next_ until the
 * end event, when they are counted and copied into one arena array. */
typedef struct open_node {
    rc_ynode *node;
    rc_ynode *first;
    rc_ynode *last;
    size_t count;
} open_node;

typedef struct builder {
    rc_yfile *out;
    open_node *stack;
    size_t depth;
    size_t cap;
    size_t docs_cap;
    rc_ydoc cur_doc;
} builder;

static rc_ynode *new_node(builder *b, rc_ynode_kind kind, const yaml_mark_t *mark)
{
    rc_ynode *n = arena_alloc(&b->out->arena_, sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    /* libyaml marks are 0-based; size_t -> int is safe for any file we read
     * (a 2 GiB YAML file is not a declaration). */
    n->line = (int)mark->line + 1;
    n->col = (int)mark->column + 1;
    return n;
}

static void attach(builder *b, rc_ynode *n)
{
    if (b->depth == 0) {
        b->cur_doc.root = n;
        return;
    }
    open_node *top = &b->stack[b->depth - 1];
    if (top->last)
        top->last->next_ = n;
    else
        top->first = n;
    top->last = n;
    top->count++;
}

static void push(builder *b, rc_ynode *n)
{
    attach(b, n);
    if (b->depth == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->stack = rc_xrealloc(b->stack, b->cap * sizeof(*b->stack));
    }
    b->stack[b->depth++] = (open_node){.node = n};
}

static void pop(builder *b)
{
    open_node *top = &b->stack[--b->depth];
    rc_ynode *n = top->node;
    if (n->kind == RC_YNODE_SEQUENCE) {
        n->nitems = top->count;
        n->items = arena_alloc(&b->out->arena_, (top->count ? top->count : 1) * sizeof(*n->items));
        size_t i = 0;
        for (rc_ynode *c = top->first; c; c = c->next_)
            n->items[i++] = c;
    } else {
        /* libyaml guarantees key/value alternation, so count is even. */
        n->npairs = top->count / 2;
        n->pairs = arena_alloc(&b->out->arena_, (n->npairs ? n->npairs : 1) * sizeof(*n->pairs));
        size_t i = 0;
        for (rc_ynode *c = top->first; c && c->next_; c = c->next_->next_) {
            n->pairs[i].key = c;
            n->pairs[i].value = c->next_;
            i++;
        }
    }
}

static void finish_doc(builder *b)
{
    rc_yfile *f = b->out;
    if (f->ndocs == b->docs_cap) {
        b->docs_cap = b->docs_cap ? b->docs_cap * 2 : 4;
        f->docs = rc_xrealloc(f->docs, b->docs_cap * sizeof(*f->docs));
    }
    if (!b->cur_doc.root) {
        /* Cannot happen with libyaml (an empty document yields an empty
         * scalar) but keeps the "root is never NULL" promise unconditional. */
        yaml_mark_t m = {0, (size_t)b->cur_doc.line - 1, (size_t)b->cur_doc.col - 1};
        b->cur_doc.root = new_node(b, RC_YNODE_SCALAR, &m);
        b->cur_doc.root->str = arena_alloc(&f->arena_, 1);
        b->cur_doc.root->str[0] = '\0';
    }
    f->docs[f->ndocs++] = b->cur_doc;
}

static rc_yscalar_style map_style(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        return RC_YSTYLE_SINGLE_QUOTED;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        return RC_YSTYLE_DOUBLE_QUOTED;
    case YAML_LITERAL_SCALAR_STYLE:
        return RC_YSTYLE_LITERAL;
    case YAML_FOLDED_SCALAR_STYLE:
        return RC_YSTYLE_FOLDED;
    default:
        return RC_YSTYLE_PLAIN;
    }
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset, not a
 * mark: turn it into line:column the same way libyaml counts (characters). */
static void offset_to_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void set_parser_error(rc_yfile *f, const yaml_parser_t *p, const char *text, size_t len)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_MEMORY_ERROR) {
        f->error = rc_xstrdup("out of memory while parsing YAML");
        f->error_line = 1;
        f->error_col = 1;
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        offset_to_pos(text, len, p->problem_offset, &f->error_line, &f->error_col);
        if (p->problem_value != -1)
            f->error = rc_xasprintf("%s (byte 0x%02X)", problem, (unsigned)p->problem_value);
        else
            f->error = rc_xstrdup(problem);
        return;
    }
    f->error_line = (int)p->problem_mark.line + 1;
    f->error_col = (int)p->problem_mark.column + 1;
    if (p->context)
        f->error = rc_xasprintf("%s (%s started at %d:%d)", problem, p->context,
                                (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    else
        f->error = rc_xstrdup(problem);
}

static void set_event_error(rc_yfile *out, const yaml_event_t *ev, char *message)
{
    out->error = message;
    out->error_line = (int)ev->start_mark.line + 1;
    out->error_col = (int)ev->start_mark.column + 1;
}

/* Builds the tree from one event. Returns 0 to go on, 1 at the end of the
 * stream, -1 with out->error set for what reconcile refuses. */
static int on_event(builder *b, const yaml_event_t *ev)
{
    rc_yfile *out = b->out;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        b->cur_doc =
            (rc_ydoc){.line = (int)ev->start_mark.line + 1, .col = (int)ev->start_mark.column + 1};
        return 0;
    case YAML_DOCUMENT_END_EVENT:
        finish_doc(b);
        return 0;
    case YAML_SCALAR_EVENT: {
        rc_ynode *n = new_node(b, RC_YNODE_SCALAR, &ev->start_mark);
        n->len = ev->data.scalar.length;
        n->str = arena_alloc(&out->arena_, n->len + 1);
        memcpy(n->str, ev->data.scalar.value, n->len);
        n->str[n->len] = '\0';
        n->style = map_style(ev->data.scalar.style);
        n->str_tag =
            ev->data.scalar.tag && strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0;
        attach(b, n);
        return 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        /* Checked on the event, not by a pre-scan: libyaml hands the
         * event out before it scans much further, so the deep rest of
         * the file is never read. */
        if (b->depth >= RC_YAML_MAX_DEPTH) {
            set_event_error(out, ev,
                            rc_xasprintf("nesting deeper than %d levels", RC_YAML_MAX_DEPTH));
            return -1;
        }
        push(b, new_node(
                    b, ev->type == YAML_SEQUENCE_START_EVENT ? RC_YNODE_SEQUENCE : RC_YNODE_MAPPING,
                    &ev->start_mark));
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        pop(b);
        return 0;
    case YAML_ALIAS_EVENT:
        set_event_error(out, ev,
                        rc_xasprintf("aliases (*%s) are not supported: repeat the value instead",
                                     (const char *)ev->data.alias.anchor));
        return -1;
    case YAML_STREAM_END_EVENT:
        return 1;
    default:
        return 0;
    }
}

int rc_yaml_parse(rc_yfile *out, const char *text, size_t len)
{
    memset(out, 0, sizeof(*out));
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        out->error = rc_xstrdup("out of memory while parsing YAML");
        out->error_line = out->error_col = 1;
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    builder b = {.out = out};
    int rc = 0;
    while (rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            set_parser_error(out, &parser, text, len);
            rc = -1;
            break;
        }
        rc = on_event(&b, &ev);
        yaml_event_delete(&ev);
    }
    free(b.stack);
    yaml_parser_delete(&parser);
    return rc < 0 ? -1 : 0;
}

void rc_yfile_free(rc_yfile *f)
{
    free(f->docs);
    free(f->error);
    arena_free(f->arena_);
    memset(f, 0, sizeof(*f));
}

const rc_ynode *rc_ynode_get(const rc_ynode *map, const char *key)
{
    if (!map || map->kind != RC_YNODE_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->npairs; i++) {
        const rc_ynode *k = map->pairs[i].key;
        if (k->kind == RC_YNODE_SCALAR && strcmp(k->str, key) == 0)
            return map->pairs[i].value;
    }
    return NULL;
}

bool rc_ynode_is_plain(const rc_ynode *n)
{
    return n && n->kind == RC_YNODE_SCALAR && n->style == RC_YSTYLE_PLAIN && !n->str_tag;
}

bool rc_ynode_is_null(const rc_ynode *n)
{
    if (!rc_ynode_is_plain(n))
        return false;
    const char *s = n->str;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static bool looks_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return rc_all_digits(s);
}

static bool looks_number(const char *s)
{
    char *end;
    if (!*s)
        return false;
    (void)strtod(s, &end);
    return *end == '\0';
}

const char *rc_ynode_kind_name(const rc_ynode *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case RC_YNODE_SEQUENCE:
        return "a list";
    case RC_YNODE_MAPPING:
        return "a map";
    case RC_YNODE_SCALAR:
        break;
    }
    if (!rc_ynode_is_plain(n))
        return "a string";
    if (rc_ynode_is_null(n))
        return "null";
    if (looks_int(n->str))
        return "an integer";
    if (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0)
        return "a boolean";
    if (looks_number(n->str))
        return "a number";
    return "a string";
}
