/* textout.h — untrusted text on its way out, shared by the printers
 * (plan_print.c, pr_report.c, diag.c, the command layer).
 *
 * Names, paths, config values, descriptions and broker messages come from the
 * repository or the network: a stray ESC could rewrite the terminal (or fake a
 * green "create"), a backtick or '|' could break out of a Markdown code span
 * or table cell. These helpers never fail; NULL text prints as "". */
#ifndef RC_TEXTOUT_H
#define RC_TEXTOUT_H

#include "util.h"

#include <stdbool.h>
#include <stdio.h>

/* s on one line for a terminal: control bytes as C escapes (\n, \r, \t,
 * \x1b, \x7f), the C1 controls U+0080..U+009F as \u009b, and bytes that are
 * not UTF-8 as \xNN. A file named "a\rok" can then neither rewrite the line
 * nor fake one of its own. */
void rc_text_put(FILE *out, const char *s);
/* The same for text of several lines: '\n' is kept. */
void rc_text_put_lines(FILE *out, const char *s);

/* A value as it may appear in a message (units.c, topic_config.c), quoted by
 * the caller: at most 48 characters, else its first 45 and "..." (an error
 * line must stay one line even for a 10 kB value), control bytes as '?'.
 * Written into buf (n bytes) and returned. */
const char *rc_text_shown(char *buf, size_t n, const char *text);

/* s as a Markdown code span that survives any content: the fence is one
 * backtick longer than the longest run inside, padded when the content touches
 * a backtick; line breaks and tabs become spaces, other control bytes '?', and
 * '|' is escaped (GFM splits table cells before it parses code spans). */
void rc_md_code(rc_buf *b, const char *s);

/* Which characters rc_md_text backslash-escapes. Both sets are safe
 * Markdown (CommonMark lets any ASCII punctuation be escaped); they differ
 * because the plan printer's golden output and messages ("1 -> 3") predate
 * the wider set, and its text never starts a line, where '>' and '#' would
 * open a quote or a heading. */
typedef enum rc_md_escape {
    RC_MD_MIDLINE,  /* \ ` * _ [ ] < | ~ &: text that never begins a line */
    RC_MD_ANYWHERE, /* the same and > # !: text that may (PR comment) */
} rc_md_escape;

/* s as Markdown (GFM) free text: the characters of set are escaped, line
 * breaks and tabs become spaces and other control bytes '?', so a broker
 * message or a description cannot open a table, a link or an HTML block. */
void rc_md_text(rc_buf *b, const char *s, rc_md_escape set);

/* The n bytes at s percent-encoded onto b: RFC 3986 unreserved characters
 * (A-Z a-z 0-9 - . _ ~) are kept, every other byte, NUL included, becomes
 * %XX (upper-case hex). keep_slash keeps '/' too, for a path whose segments
 * are each encoded; without it the result is safe as a query value or as one
 * path segment. */
void rc_url_escape(rc_buf *b, const char *s, size_t n, bool keep_slash);

/* Cluster-level messages are built for stderr too and usually start with
 * "cluster NAME: "; where the printer already names the cluster, the
 * repetition goes. Returns msg, or the part of it after the prefix (borrowed);
 * NULL stays NULL. */
const char *rc_without_cluster_prefix(const char *msg, const char *cluster);

#endif
