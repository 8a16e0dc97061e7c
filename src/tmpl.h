/* tmpl.h — structure-aware templates for alert rules and dashboards.
 *
 * Templates under alert-templates/ (YAML) and dashboards/ (JSON) are data:
 * they are parsed into a jansson tree first, placeholders are substituted
 * inside string values (and mapping keys) of that tree, and the tree is then
 * emitted again by a real emitter. A value can therefore never break the
 * document or add a rule, whatever characters it holds: the emitter quotes it.
 *
 * Placeholders: `${name}` or `${name|filter}` inside any string. Filters:
 *   promql  escape for a PromQL double-quoted string literal (\ " and newlines)
 *   regex   escape RE2 metacharacters, then promql (for =~ matchers)
 *   url     percent-encode for a URL query value (RFC 3986 unreserved kept)
 *   json    (none needed: the emitter escapes) — not a filter, listed to say so
 * A string that is exactly one placeholder of a number or boolean variable
 * (set with rc_tmpl_vars_set_raw) becomes that JSON number/boolean, so
 * `for: "${for}"` can stay a duration string while `"threshold": "${max}"`
 * becomes a number in a dashboard.
 * Unknown placeholder names and unknown filters are errors (a typo in a
 * template must not render an empty label silently).
 *
 * Ownership: trees are jansson references; callers json_decref what they get. */
#ifndef RC_TMPL_H
#define RC_TMPL_H

#include "util.h"

#include <jansson.h>
#include <stdio.h>

typedef struct rc_tmpl_vars {
    rc_kvlist strings; /* name -> value */
    rc_kvlist raw;     /* name -> JSON literal text for numbers/booleans ("300", "true") */
} rc_tmpl_vars;

void rc_tmpl_vars_set(rc_tmpl_vars *v, const char *name, const char *value);
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

/* Deep copy of tmpl with every placeholder substituted. Returns NULL and a
 * message ("unknown placeholder ${foo} at rules[0].expr") on error. */
json_t *rc_tmpl_expand(const json_t *tmpl, const rc_tmpl_vars *vars, char *errbuf, size_t errlen);

/* Substitute placeholders in one string (same rules, always a string result).
 * Heap string, or NULL with a message. */
char *rc_tmpl_expand_string(const char *s, const rc_tmpl_vars *vars, char *errbuf, size_t errlen);

/* Emit as YAML (block style, keys in tree order, strings quoted whenever a
 * plain scalar would read back as something else). Deterministic. */
int rc_tmpl_emit_yaml(rc_buf *out, const json_t *tree);
/* Emit as JSON, 2-space indent, keys in insertion order, trailing newline. */
int rc_tmpl_emit_json(rc_buf *out, const json_t *tree);

#endif
