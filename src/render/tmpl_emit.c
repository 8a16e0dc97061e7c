/* tmpl_emit.c — trees out: libyaml's emitter for YAML (quoting every string
 * a YAML 1.1 or 1.2 reader could take for another type), whole or one list
 * item at a time, and jansson's dumper for JSON. */
#include "tmpl.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- YAML out -------------------------------------------------------------- */

/* True when a plain scalar with this text could be read back as something
 * other than this string, by a YAML 1.2 core reader or by a YAML 1.1 reader
 * (go-yaml, which Prometheus uses, still knows yes/no/on/off, sexagesimal
 * numbers and timestamps). Conservative on purpose: anything that starts like
 * a number is quoted. libyaml itself decides whether plain is syntactically
 * possible (indicators, ": ", " #", leading spaces, ...). */
static bool plain_ambiguous(const char *s, size_t n)
{
    static const char *const words[] = {"y",    "n",     "yes",  "no", "on", "off",
                                        "true", "false", "null", "~",  "<<", "="};
    if (n == 0)
        return true;
    if (n <= 5) {
        char low[6];
        for (size_t i = 0; i < n; i++)
            low[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
        low[n] = '\0';
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (!strcmp(low, words[i]))
                return true;
    }
    unsigned char c = (unsigned char)s[0];
    if (rc_is_digit(c) || c == '.')
        return true; /* numbers, dates, 12:30, .5, .inf, .nan */
    if ((c == '-' || c == '+') && n > 1 && (rc_is_digit((unsigned char)s[1]) || s[1] == '.'))
        return true;
    return false;
}

static void format_real(char *buf, size_t size, double d)
{
    /* shortest of 15..17 significant digits that reads back exactly */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* a YAML 1.1 float needs a '.', or it reads back as an integer or string */
    if (!strchr(buf, '.')) {
        char *e = strpbrk(buf, "eE");
        char tail[32] = "";
        if (e) {
            snprintf(tail, sizeof(tail), "%s", e);
            *e = '\0';
        }
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, ".0%s", tail);
    }
}

typedef struct yemit {
    yaml_emitter_t e;
    bool failed;
} yemit;

/* yaml_emitter_emit takes the event, also on failure; after a failure the
 * remaining events are only released. */
static void y_emit(yemit *y, yaml_event_t *ev, int init_ok)
{
    if (!init_ok) {
        y->failed = true;
        return;
    }
    if (y->failed)
        yaml_event_delete(ev);
    else if (!yaml_emitter_emit(&y->e, ev))
        y->failed = true;
}

static void y_string(yemit *y, const char *s, size_t n)
{
    if (n > INT_MAX) {
        y->failed = true;
        return;
    }
    bool multiline = memchr(s, '\n', n) != NULL;
    /* Multi-line text reads best as a literal block; libyaml falls back to a
     * double-quoted scalar when a block cannot represent it exactly. */
    yaml_scalar_style_t style = multiline ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
    int plain_ok = !multiline && !plain_ambiguous(s, n);
    yaml_event_t ev;
    int ok =
        yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, plain_ok, 1, style);
    y_emit(y, &ev, ok);
}

static void y_plain(yemit *y, const char *s)
{
    yaml_event_t ev;
    int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 0,
                                          YAML_PLAIN_SCALAR_STYLE);
    y_emit(y, &ev, ok);
}

static void y_node(yemit *y, const json_t *n)
{
    yaml_event_t ev;
    char num[64];
    switch (json_typeof(n)) {
    case JSON_OBJECT: {
        y_emit(y, &ev,
               yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)n, k, v)
        {
            y_string(y, k, strlen(k));
            y_node(y, v);
        }
        y_emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
        break;
    }
    case JSON_ARRAY: {
        y_emit(y, &ev,
               yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
        size_t i;
        json_t *v;
        json_array_foreach(n, i, v) y_node(y, v);
        y_emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
        break;
    }
    case JSON_STRING:
        y_string(y, json_string_value(n), json_string_length(n));
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(n));
        y_plain(y, num);
        break;
    case JSON_REAL:
        format_real(num, sizeof(num), json_real_value(n));
        y_plain(y, num);
        break;
    case JSON_TRUE:
        y_plain(y, "true");
        break;
    case JSON_FALSE:
        y_plain(y, "false");
        break;
    case JSON_NULL:
        y_plain(y, "null");
        break;
    }
}

static int y_write(void *data, unsigned char *buffer, size_t size)
{
    rc_buf_append(data, (const char *)buffer, size);
    return 1;
}

static bool y_begin(yemit *y, rc_buf *out)
{
    if (!yaml_emitter_initialize(&y->e))
        return false;
    yaml_emitter_set_output(&y->e, y_write, out);
    yaml_emitter_set_unicode(&y->e, 1);
    yaml_emitter_set_width(&y->e, -1); /* never fold long expressions */
    yaml_emitter_set_indent(&y->e, 2);
    yaml_event_t ev;
    y_emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
    y_emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
    return true;
}

static int y_end(yemit *y)
{
    yaml_event_t ev;
    y_emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
    y_emit(y, &ev, yaml_stream_end_event_initialize(&ev));
    if (!y->failed && !yaml_emitter_flush(&y->e))
        y->failed = true;
    yaml_emitter_delete(&y->e);
    return y->failed ? -1 : 0;
}

int rc_tmpl_emit_yaml(rc_buf *out, const json_t *tree)
{
    yemit y = {0};
    if (!y_begin(&y, out))
        return -1;
    y_node(&y, tree);
    return y_end(&y);
}

struct rc_tmpl_yaml_list {
    yemit y;
    bool keyed;
};

rc_tmpl_yaml_list *rc_tmpl_yaml_list_begin(rc_buf *out, const char *key)
{
    rc_tmpl_yaml_list *l = rc_xcalloc(1, sizeof(*l));
    if (!y_begin(&l->y, out)) {
        free(l);
        return NULL;
    }
    yaml_event_t ev;
    l->keyed = key != NULL;
    if (key) {
        y_emit(&l->y, &ev,
               yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
        y_string(&l->y, key, strlen(key));
    }
    y_emit(&l->y, &ev,
           yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
    return l;
}

int rc_tmpl_yaml_list_add(rc_tmpl_yaml_list *l, const json_t *item)
{
    y_node(&l->y, item);
    return l->y.failed ? -1 : 0;
}

int rc_tmpl_yaml_list_end(rc_tmpl_yaml_list *l)
{
    yaml_event_t ev;
    y_emit(&l->y, &ev, yaml_sequence_end_event_initialize(&ev));
    if (l->keyed)
        y_emit(&l->y, &ev, yaml_mapping_end_event_initialize(&ev));
    int rc = y_end(&l->y);
    free(l);
    return rc;
}

bool rc_tmpl_yaml_strip_end(rc_buf *b)
{
    if (b->len >= 4 && !memcmp(b->data + b->len - 4, "...\n", 4) &&
        (b->len == 4 || b->data[b->len - 5] == '\n')) {
        b->len -= 4;
        b->data[b->len] = '\0';
        return true;
    }
    return false;
}

/* ---- JSON out -------------------------------------------------------------- */

static int j_write(const char *buffer, size_t size, void *data)
{
    rc_buf_append(data, buffer, size);
    return 0;
}

int rc_tmpl_emit_json(rc_buf *out, const json_t *tree)
{
    if (json_dump_callback(tree, j_write, out,
                           JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
                               JSON_REAL_PRECISION(15)) < 0)
        return -1;
    rc_buf_append(out, "\n", 1);
    return 0;
}
