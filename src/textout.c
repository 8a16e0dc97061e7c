/* textout.c — untrusted text on its way out; see textout.h. */
#include "textout.h"

#include <stdbool.h>
#include <string.h>

void rc_text_put(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char ch = *p;
        if (ch == '\n' || ch == '\r' || ch == '\t')
            ch = ' ';
        else if (ch < 0x20 || ch == 0x7f)
            ch = '?';
        fputc(ch, out);
    }
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
