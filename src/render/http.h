/* http.h — the few HTTP requests reconcile makes (Grafana, Prometheus), behind
 * a function table.
 *
 * The publish logic only talks to an rc_http, so it can be unit-tested with a
 * fake table that answers from a script; http.c is the real implementation on
 * libcurl (one easy handle, so consecutive requests reuse the connection).
 *
 * Conventions: request() returns 0 when a response arrived, whatever its
 * status (a 404 or a 500 is an answer, the caller decides what it means), or
 * a negative RC_HTTP_E* code when no response arrived (connection refused,
 * name resolution, timeout, TLS, malformed URL) with a one-line message naming
 * the method and URL in errbuf (error.h). Messages never contain header values:
 * the Authorization header is written as "Authorization: ***" in debug lines
 * and is never part of an error message. User info in a URL
 * (http://user:pw@host) is masked the same way in messages.
 *
 * Redirects are not followed (a 3xx is returned like any response): following
 * one would send the bearer token to wherever the Location points. */
#ifndef RC_HTTP_H
#define RC_HTTP_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

enum {
    RC_HTTP_OK = 0,
    RC_HTTP_ECONNECT = -1, /* refused, reset, nothing received: worth a retry */
    RC_HTTP_ERESOLVE = -2, /* host name did not resolve: worth a retry (DNS hiccup) */
    RC_HTTP_ETIMEOUT = -3, /* connect or total timeout: worth a retry */
    RC_HTTP_ETLS = -4,     /* certificate or handshake failure: a retry will not help */
    RC_HTTP_EURL = -5,     /* malformed URL or unsupported scheme: a retry will not help */
    RC_HTTP_ETOOBIG = -6,  /* response body above the configured limit */
    RC_HTTP_EOTHER = -7,
};

/* true for the codes where trying again later may succeed. */
bool rc_http_error_retryable(int code);

typedef struct rc_http rc_http;

/* A response. body is a heap buffer owned by the response (NUL-terminated, so
 * it can be used as a string; body_len excludes the NUL), never NULL after a
 * successful request. content_type is owned too, may be NULL. Release with
 * rc_http_response_free, which also resets the struct. */
typedef struct rc_http_response {
    long status;
    char *body;
    size_t body_len;
    char *content_type;
} rc_http_response;

void rc_http_response_free(rc_http_response *r);

typedef struct rc_http_ops {
    /* Send one request. method is "GET", "POST", "PUT", "DELETE"...; headers
     * (may be NULL) are sent as "key: value"; body (may be NULL when
     * body_len is 0) is sent as is. *resp is zeroed first and filled only on a
     * 0 return; on a negative return it holds nothing to free and errbuf
     * says why. */
    int (*request)(rc_http *h, const char *method, const char *url, const rc_kvlist *headers,
                   const char *body, size_t body_len, rc_http_response *resp, char *errbuf,
                   size_t errlen);
    void (*destroy)(rc_http *h);
} rc_http_ops;

struct rc_http {
    const rc_http_ops *ops;
};

/* Copy of url with any user info ("user:pw@") replaced by "***@". Heap. */
char *rc_http_redact_url(const char *url);

/* Debug line sink (request line, headers with Authorization masked, status
 * and timing). Called on the calling thread. */
typedef void (*rc_http_log_fn)(void *ctx, const char *line);

/* Settings for the real client. Zero fields take the defaults. */
typedef struct rc_http_config {
    int connect_timeout_ms; /* default 5000 */
    int timeout_ms;         /* whole request, default 30000 */
    size_t max_body;        /* response bytes kept, default 256 MiB */
    const char *user_agent; /* default "reconcile/<version>" */
    const char *ca_file;    /* CA bundle for https, NULL: the system's */
    bool insecure;          /* skip TLS verification (tests only; says so in the log) */
    rc_http_log_fn log;     /* NULL: no debug lines */
    void *log_ctx;
} rc_http_config;

/* Create the libcurl-backed client. Returns 0, or a negative code with a
 * message in errbuf. The caller destroys it with h->ops->destroy(h). */
int rc_http_curl_new(rc_http **out, const rc_http_config *cfg, char *errbuf, size_t errlen);

#endif
