/* dashboards_json.c — JSON text for the compiled path: string literals
 * escaped exactly as jansson's dumper escapes them, and its indentation.
 *
 * Why not json_dumps: the compiled path exists because building and dumping
 * a jansson tree per topic costs far more than the 10,000-topic budget
 * allows (see dashboards_compiled.c); wrapping each expanded string in a
 * json_t just to dump it would bring that cost back. The bytes must still be
 * jansson's, since the fast path has to match rc_tmpl_emit_json of the
 * reference tree byte for byte (checked at load and by the unit tests). */
#include "dashboards_internal.h"

/* Length of the valid UTF-8 sequence at p (jansson's rules: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n;
    unsigned long cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* s as a JSON string literal, escaped as jansson escapes (without
 * JSON_ENSURE_ASCII). -1 when s is not valid UTF-8. */
int dash_put_json_string(rc_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s, *run = p;
    rc_buf_append(out, "\"", 1);
    while (*p) {
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t n = utf8_seq(p);
            if (!n)
                return -1;
            p += n;
            continue;
        }
        if (c != '"' && c != '\\' && c >= 0x20) {
            p++;
            continue;
        }
        rc_buf_append(out, (const char *)run, (size_t)(p - run));
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        rc_buf_append(out, esc, elen);
        run = ++p;
    }
    rc_buf_append(out, (const char *)run, (size_t)(p - run));
    rc_buf_append(out, "\"", 1);
    return 0;
}

void dash_put_indent(rc_buf *out, int depth)
{
    static const char spaces[] = "                                ";
    rc_buf_append(out, "\n", 1);
    size_t n = (size_t)depth * 2;
    while (n) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        rc_buf_append(out, spaces, k);
        n -= k;
    }
}
