/* yamldoc.h — YAML text to a small tree that remembers where every node was.
 *
 * Validation has to point at the exact line and column of a wrong value and
 * has to tell `partitions: "12"` (a string) from `partitions: 12` (an integer),
 * which a plain key -> string map cannot do. So the parser (libyaml, event
 * API) builds a tree of scalar / sequence / mapping nodes carrying their
 * 1-based position and, for scalars, their style.
 *
 * Ownership: an rc_yfile owns every node, string and array in it, allocated
 * from one arena; rc_yfile_free releases them all at once. Node pointers are
 * borrowed from the file and live until it is freed. Parsing is linear in the
 * input size (no per-node hashing, no re-scans), so thousands of small files
 * parse in a few milliseconds.
 *
 * Not supported, on purpose: aliases (`*name`) are a syntax error — they make
 * positions ambiguous and allow exponential expansion ("billion laughs");
 * anchors alone are accepted and ignored. Tags other than `!!str` are ignored.
 * Nesting deeper than RC_YAML_MAX_DEPTH is a syntax error too. */
#ifndef RC_YAMLDOC_H
#define RC_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

/* Lists and maps inside each other, counted from the document root;
 * declarations need three levels. libyaml's scanner does work
 * proportional to the open depth for every token, so 200 KB of `[` costs
 * minutes; refusing the first collection past this depth stops the parser
 * after reading about a kilobyte, whatever the file size. */
#define RC_YAML_MAX_DEPTH 64

typedef enum rc_ynode_kind { RC_YNODE_SCALAR, RC_YNODE_SEQUENCE, RC_YNODE_MAPPING } rc_ynode_kind;

typedef enum rc_yscalar_style {
    RC_YSTYLE_PLAIN,         /* 12, true, foo */
    RC_YSTYLE_SINGLE_QUOTED, /* 'foo' */
    RC_YSTYLE_DOUBLE_QUOTED, /* "foo" */
    RC_YSTYLE_LITERAL,       /* | block */
    RC_YSTYLE_FOLDED         /* > block */
} rc_yscalar_style;

typedef struct rc_ynode rc_ynode;

typedef struct rc_ypair {
    rc_ynode *key; /* any node kind; validation only accepts scalar keys */
    rc_ynode *value;
} rc_ypair;

struct rc_ynode {
    rc_ynode_kind kind;
    int line; /* 1-based */
    int col;  /* 1-based, in characters */
    /* scalar */
    char *str; /* NUL-terminated; may contain NULs from "\0" escapes, see len */
    size_t len;
    rc_yscalar_style style;
    bool str_tag; /* explicit `!!str` tag: a string whatever it looks like */
    /* sequence */
    rc_ynode **items;
    size_t nitems;
    /* mapping, in document order (duplicates are kept; callers diagnose them) */
    rc_ypair *pairs;
    size_t npairs;
    rc_ynode *next_; /* internal: sibling link while the parent is being built */
};

typedef struct rc_ydoc {
    rc_ynode *root; /* never NULL: an empty document is an empty plain scalar */
    int line;       /* where the document starts */
    int col;
} rc_ydoc;

typedef struct rc_yarena rc_yarena;

typedef struct rc_yfile {
    rc_ydoc *docs; /* every document that was complete before an error */
    size_t ndocs;
    /* syntax error (only when rc_yaml_parse returned < 0) */
    char *error; /* libyaml's problem text plus context, e.g. "mapping values are not allowed in
                    this context" */
    int error_line;
    int error_col;
    rc_yarena *arena_;
} rc_yfile;

/* Parse len bytes of text (need not be NUL-terminated). Returns 0, or -1 on a
 * syntax error (also an alias, or nesting deeper than RC_YAML_MAX_DEPTH) with
 * error/error_line/error_col set; documents completed before the error are
 * still in out. Always call rc_yfile_free. */
int rc_yaml_parse(rc_yfile *out, const char *text, size_t len);
void rc_yfile_free(rc_yfile *f);

/* Value for key in a mapping (first match), or NULL. Linear: mappings in
 * declarations are small; callers walking every pair should iterate pairs. */
const rc_ynode *rc_ynode_get(const rc_ynode *map, const char *key);
/* A YAML null: plain "", "~", "null", "Null", "NULL". */
bool rc_ynode_is_null(const rc_ynode *n);
/* A scalar that YAML would resolve to a non-string (plain style, no !!str):
 * lets validation tell `12` from `"12"`. */
bool rc_ynode_is_plain(const rc_ynode *n);
/* What the node looks like, for messages: "a map", "a list", "a string",
 * "an integer", "a number", "a boolean", "null". */
const char *rc_ynode_kind_name(const rc_ynode *n);

#endif
