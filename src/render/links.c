#include "links.h"

#include "textout.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rc_links_dashboard_uid(char out[RC_DASHBOARD_UID_MAX + 1], const char *cluster,
                            const char *topic)
{
    /* hash the pair with a separator no name can contain, so ("a", "b-c")
     * and ("a-b", "c") differ */
    uint64_t h = rc_fnv1a64(RC_FNV1A64_INIT, cluster, strlen(cluster));
    h = rc_fnv1a64(h, "\n", 1);
    h = rc_fnv1a64(h, topic, strlen(topic));

    char slug[RC_DASHBOARD_UID_MAX + 1];
    size_t n = 0;
    const size_t slug_max = RC_DASHBOARD_UID_MAX - 13; /* "-" + 12 hex */
    char *src = rc_xasprintf("%s-%s", cluster, topic);
    for (const char *p = src; *p && n < slug_max; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            c = '-';
        if (c == '-' && (n == 0 || slug[n - 1] == '-'))
            continue; /* no leading or doubled dashes */
        slug[n++] = c;
    }
    free(src);
    while (n > 0 && slug[n - 1] == '-')
        n--;
    slug[n] = '\0';
    char hash[16];
    snprintf(hash, sizeof(hash), "%012llx", (unsigned long long)(h & 0xffffffffffffULL));
    /* slug is at most 27 bytes: "slug-" + 12 hex always fits in 40 */
    size_t at = 0;
    memcpy(out, slug, n);
    at = n;
    if (n)
        out[at++] = '-';
    memcpy(out + at, hash, 12);
    out[at + 12] = '\0';
}

char *rc_links_dashboard_url(const char *grafana_url, const char *uid, const char *group,
                             const char *range)
{
    size_t len = strlen(grafana_url);
    while (len > 0 && grafana_url[len - 1] == '/')
        len--;
    rc_buf b = {0};
    /* The link goes into alert annotations and chat rooms: credentials in the
     * URL (user:password@host, which publish may use) never go with it. */
    const char *scheme_end = strstr(grafana_url, "://");
    size_t start = 0;
    if (scheme_end && (size_t)(scheme_end - grafana_url) + 3 <= len) {
        size_t host = (size_t)(scheme_end - grafana_url) + 3, end = host;
        while (end < len && grafana_url[end] != '/' && grafana_url[end] != '?' &&
               grafana_url[end] != '#')
            end++;
        for (size_t i = host; i < end; i++)
            if (grafana_url[i] == '@')
                start = i + 1;
        if (start) {
            rc_buf_append(&b, grafana_url, host);
        }
    }
    if (start)
        rc_buf_append(&b, grafana_url + start, len - start);
    else
        rc_buf_append(&b, grafana_url, len);
    rc_buf_printf(&b, "/d/%s?", uid);
    if (group) {
        rc_buf_puts(&b, "var-group=");
        rc_url_escape(&b, group, strlen(group), false);
        rc_buf_puts(&b, "&");
    }
    const char *r = range ? range : "6h";
    rc_buf_puts(&b, "from=now-");
    rc_url_escape(&b, r, strlen(r), false);
    rc_buf_puts(&b, "&to=now");
    return rc_buf_take(&b);
}
