/* textout.c — untrusted text on its way out; see textout.h. */
#include "textout.h"

#include <stdbool.h>
#include <string.h>

/* Length of the UTF-8 sequence at p (1 to 4), or 0 when it is not one: a
 * stray byte of another encoding is shown as \xNN rather than passed to a
 * terminal that may read 0x9B as CSI. Overlong forms and surrogates are
 * refused so nothing can smuggle a control character past the check. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static void put_text(FILE *out, const char *s, bool keep_newlines)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned char ch = *p;
        if (ch == '\n' && keep_newlines) {
            fputc('\n', out);
            p++;
        } else if (ch == '\n' || ch == '\r' || ch == '\t') {
            fputs(ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : "\\t", out);
            p++;
        } else if (ch < 0x20 || ch == 0x7f) {
            fprintf(out, "\\x%02x", ch);
            p++;
        } else if (ch < 0x80) {
            fputc(ch, out);
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                fprintf(out, "\\x%02x", ch);
                p++;
            } else if (n == 2 && ch == 0xC2 && p[1] < 0xA0) {
                /* U+0080..U+009F: the C1 controls, CSI among them */
                fprintf(out, "\\u%04x", (unsigned)p[1]);
                p += 2;
            } else {
                fwrite(p, 1, n, out);
                p += n;
            }
        }
    }
}

void rc_text_put(FILE *out, const char *s)
{
    put_text(out, s, false);
}

void rc_text_put_lines(FILE *out, const char *s)
{
    put_text(out, s, true);
}

void rc_md_code(rc_buf *b, const char *s)
{
    s = s ? s : "";
    size_t run = 0, longest = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t len = strlen(s);
    bool pad = len > 0 && (s[0] == '`' || s[len - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        rc_buf_puts(b, "`");
    if (pad)
        rc_buf_puts(b, " ");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            rc_buf_puts(b, " ");
        else if (*p < 0x20 || *p == 0x7f)
            rc_buf_puts(b, "?");
        else if (*p == '|')
            rc_buf_puts(b, "\\|");
        else
            rc_buf_append(b, (const char *)p, 1);
    }
    if (pad)
        rc_buf_puts(b, " ");
    for (size_t i = 0; i <= longest; i++)
        rc_buf_puts(b, "`");
}

void rc_md_text(rc_buf *b, const char *s, rc_md_escape set)
{
    const char *special = set == RC_MD_ANYWHERE ? "\\`*_[]<>|~&#!" : "\\`*_[]<|~&";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char ch = *p;
        if (ch == '\n' || ch == '\r' || ch == '\t')
            rc_buf_puts(b, " ");
        else if (ch < 0x20 || ch == 0x7f)
            rc_buf_puts(b, "?");
        else {
            if (strchr(special, ch))
                rc_buf_puts(b, "\\");
            rc_buf_append(b, (const char *)p, 1);
        }
    }
}

void rc_url_escape(rc_buf *b, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
            rc_buf_append(b, s + i, 1);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc_buf_append(b, enc, 3);
        }
    }
}

const char *rc_text_shown(char *buf, size_t n, const char *text)
{
    size_t len = strlen(text), keep = len > 48 ? 45 : len, j = 0;
    for (size_t i = 0; i < keep && j + 1 < n; i++) {
        unsigned char c = (unsigned char)text[i];
        buf[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[j] = '\0';
    if (keep < len)
        snprintf(buf + j, n - j, "...");
    return buf;
}

const char *rc_without_cluster_prefix(const char *msg, const char *cluster)
{
    if (!msg || !cluster || strncmp(msg, "cluster ", 8) != 0)
        return msg;
    size_t n = strlen(cluster);
    if (strncmp(msg + 8, cluster, n) == 0 && strncmp(msg + 8 + n, ": ", 2) == 0 &&
        msg[10 + n] != '\0')
        return msg + 10 + n;
    return msg;
}
