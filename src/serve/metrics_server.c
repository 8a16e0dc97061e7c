/* metrics_server.c — the scrape endpoint (metrics_server.h) on libmicrohttpd. */
#include "metrics_server.h"

#include "error.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct rc_metrics_server {
    struct MHD_Daemon *d;
    rc_metrics_handler handler;
    void *ctx;
};

#define OPENMETRICS_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_size;
    (void)con_cls;
    rc_metrics_server *s = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
                     rc_xstrdup("only GET /metrics\n"), strlen("only GET /metrics\n"));
    if (strcmp(url, "/metrics") != 0)
        return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", rc_xstrdup("see /metrics\n"),
                     strlen("see /metrics\n"));
    rc_buf b = {0};
    int rc = s->handler(s->ctx, &b);
    size_t len = b.len;
    char *body = b.len ? rc_buf_take(&b) : rc_xstrdup("");
    return reply(conn, rc == 0 ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                 rc == 0 ? OPENMETRICS_TYPE : "text/plain", body, len);
}

/* addr into a socket address; loopback when no host is given. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl, char *errbuf,
                      size_t errlen)
{
    memset(ss, 0, sizeof(*ss));
    const char *colon = strrchr(addr, ':');
    const char *port_s = colon ? colon + 1 : addr;
    char host[128] = "127.0.0.1";
    if (colon && colon > addr) {
        size_t n = (size_t)(colon - addr);
        if (addr[0] == '[' && colon[-1] == ']')
            addr++, n -= 2;
        if (n >= sizeof(host))
            return rc_errorf(RC_ERR, errbuf, errlen, "--serve: host too long");
        memcpy(host, addr, n);
        host[n] = '\0';
    }
    char *end;
    long port = strtol(port_s, &end, 10);
    if (!*port_s || *end || port < 0 || port > 65535)
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "--serve expects [HOST:]PORT (e.g. 127.0.0.1:9308), got '%s'", addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *sl = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *sl = sizeof(*v6);
    } else {
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "--serve: '%s' is not an IP address (give one: the exporter binds "
                         "exactly where told)",
                         host);
    }
    return 0;
}

int rc_metrics_server_start(rc_metrics_server **out, const char *addr, rc_metrics_handler handler,
                            void *ctx, int *bound_port, char *errbuf, size_t errlen)
{
    *out = NULL;
    struct sockaddr_storage ss;
    socklen_t sl;
    if (parse_addr(addr, &ss, &sl, errbuf, errlen) != 0)
        return RC_ERR;
    rc_metrics_server *s = rc_xcalloc(1, sizeof(*s));
    s->handler = handler;
    s->ctx = ctx;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                            MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_END);
    if (!s->d) {
        free(s);
        return rc_errorf(RC_ERR, errbuf, errlen,
                         "--serve %s: cannot listen there (in use, or not an address of this "
                         "machine)",
                         addr);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = info ? (int)info->port : 0;
    (void)sl;
    *out = s;
    return 0;
}

void rc_metrics_server_stop(rc_metrics_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}
