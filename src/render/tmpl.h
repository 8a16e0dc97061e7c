/* tmpl.h — structure-aware templates for alert rules and dashboards.
 *
 * Templates under alert-templates/ (YAML) and dashboards/ (JSON) are data:
 * they are parsed into a jansson tree first, placeholders are substituted
 * inside string values (and mapping keys) of that tree, and the tree is then
 * emitted again by a real emitter. A value can therefore never break the
 * document or add a rule, whatever characters it holds: the emitter quotes it.
 * Substituted text is never scanned again, so a value that itself contains
 * `${...}` stays literal.
 *
 * Placeholders: `${name}` or `${name|filter}` (filters chain left to right:
 * `${name|promql|gotmpl}`) inside any string; names are [A-Za-z0-9_]+.
 * `$${` writes a literal `${` (Grafana's own `${datasource}` variables are
 * written `$${datasource}` in a dashboard template). Filters:
 *   promql  escape for a PromQL double-quoted string literal: \ " and control
 *           characters (\n, \t, \r, others as \xNN)
 *   regex   escape RE2 metacharacters, then promql (for =~ matchers)
 *   url     percent-encode for a URL query value (RFC 3986 unreserved kept)
 *   gotmpl  make the value inert in a Prometheus label or annotation, which
 *           Prometheus expands as a Go text/template: every `{{` becomes
 *           `{{ "{{" }}` and a trailing `{` becomes `{{ "{" }}` (so it cannot
 *           pair with a `{` that follows in the template); Prometheus then
 *           prints the braces literally. Apply it to every declared value
 *           (description, team, chat room, group, ...) put into labels or
 *           annotations.
 *   json    (none needed: the emitter escapes) — not a filter, listed to say so
 * A string that is exactly one placeholder of a number or boolean variable
 * (set with rc_tmpl_vars_set_raw) becomes that JSON number/boolean, so
 * `for: "${for}"` can stay a duration string while `"threshold": "${max}"`
 * becomes a number in a dashboard. With a filter, or inside a longer string,
 * the raw variable's text is used.
 * Unknown placeholder names and unknown filters are errors (a typo in a
 * template must not render an empty label silently).
 *
 * YAML templates are read with the YAML 1.2 core schema (null, true/false,
 * integers, floats; `yes`/`no` stay strings); aliases, complex keys, several
 * documents and duplicate keys are errors. Output YAML quotes every string a
 * YAML 1.1 or 1.2 reader could take for another type ("", "yes", "1e3",
 * ".inf", "~", "0x1F", "12:30", ...), so Prometheus' go-yaml reads back
 * exactly the strings that were emitted.
 *
 * Ownership: trees are jansson references; callers json_decref what they get.
 * A vars set owns copies of every name and value. */
#ifndef RC_TMPL_H
#define RC_TMPL_H

#include "util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct rc_tmpl_vars {
    rc_kvlist strings; /* name -> value */
    rc_kvlist raw;     /* name -> JSON literal text for numbers/booleans ("300", "true") */
} rc_tmpl_vars;

/* Set a string variable (value NULL means ""). Setting a name replaces any
 * earlier string or raw value of that name. Zero-initialise ({0}) first. */
void rc_tmpl_vars_set(rc_tmpl_vars *v, const char *name, const char *value);
/* json_literal must be a JSON number, true or false; anything else makes
 * rc_tmpl_expand fail where the variable is used alone. */
void rc_tmpl_vars_set_raw(rc_tmpl_vars *v, const char *name, const char *json_literal);
void rc_tmpl_vars_free(rc_tmpl_vars *v);

/* Parse YAML text (one document) into a jansson tree. Scalars: plain
 * integers/floats/true/false/null become JSON numbers/booleans/null, quoted
 * scalars stay strings. Errors name file:line:col in errbuf. */
int rc_tmpl_parse_yaml(json_t **out, const char *text, size_t len, const char *file, char *errbuf,
                       size_t errlen);
/* Parse JSON text; errors name file:line:col. */
int rc_tmpl_parse_json(json_t **out, const char *text, size_t len, const char *file, char *errbuf,
                       size_t errlen);

/* *out = a deep copy of tmpl with every placeholder substituted (a new
 * reference). Returns 0, or RC_ERR with a message ("unknown placeholder
 * ${foo} at rules[0].expr") and *out untouched. */
int rc_tmpl_expand(json_t **out, const json_t *tmpl, const rc_tmpl_vars *vars, char *errbuf,
                   size_t errlen);

/* Substitute placeholders in one string (same rules, always a string result):
 * *out = a heap string. Returns 0, or RC_ERR with a message and *out
 * untouched. */
int rc_tmpl_expand_string(char **out, const char *s, const rc_tmpl_vars *vars, char *errbuf,
                          size_t errlen);

/* Emit as YAML (block style, keys in tree order, strings quoted whenever a
 * plain scalar would read back as something else). Deterministic. */
int rc_tmpl_emit_yaml(rc_buf *out, const json_t *tree);
/* Emit a YAML document `<key>: [items...]` (or, with key NULL, the bare
 * sequence `[items...]`) one item at a time, for files too large to hold as
 * one tree (a rule file with 10,000 groups): the output is byte-identical to
 * rc_tmpl_emit_yaml of {key: [items...]} (or [items...]), but each item may
 * be released as soon as it is added. A bare sequence is written as "- "
 * items at column 0, exactly as they appear under a top-level key, so
 * sequences emitted separately can be joined under "<key>:\n" — minus a
 * final "...\n" document-end line, which libyaml adds after a value ending in
 * kept blank lines (see rc_tmpl_yaml_strip_end). begin returns NULL if libyaml
 * cannot start; after any failure, add and end return -1 (end always releases
 * the list). Output goes to out as the emitter produces it. */
typedef struct rc_tmpl_yaml_list rc_tmpl_yaml_list;
rc_tmpl_yaml_list *rc_tmpl_yaml_list_begin(rc_buf *out, const char *key);
int rc_tmpl_yaml_list_add(rc_tmpl_yaml_list *l, const json_t *item);
int rc_tmpl_yaml_list_end(rc_tmpl_yaml_list *l);
/* Remove a trailing "...\n" document-end marker from b; true when there was
 * one. libyaml writes it at the end of a document that holds a value ending
 * in kept blank lines anywhere, so a joined file ends with "...\n" again
 * when any part had it (then the join equals one rc_tmpl_emit_yaml). */
bool rc_tmpl_yaml_strip_end(rc_buf *b);

/* Emit as JSON, 2-space indent, keys in insertion order, reals with 15
 * significant digits (0.1 stays "0.1"), trailing newline. */
int rc_tmpl_emit_json(rc_buf *out, const json_t *tree);

#endif
