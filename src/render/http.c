/* http.c — the rc_http function table on libcurl.
 *
 * One CURL easy handle per client, reset before each request, so the
 * connection cache survives between requests (publishing a hundred
 * dashboards opens one connection). Only http and https are allowed, no
 * redirects are followed, signals are not used for timeouts (safe in any
 * process). The response body is collected in a growable buffer capped at
 * cfg->max_body.
 *
 * Secrets: curl's own verbose output would print request headers, bearer
 * token included, so it is never turned on; the debug lines come from
 * log_request() below, which masks the Authorization header. */
#include "http.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#ifndef RECONCILE_VERSION
#define RECONCILE_VERSION "dev"
#endif

#define HTTP_DEFAULT_CONNECT_MS 5000
#define HTTP_DEFAULT_TIMEOUT_MS 30000
#define HTTP_DEFAULT_MAX_BODY ((size_t)256 << 20)

typedef struct curl_http {
    rc_http base;
    CURL *curl;
    rc_http_config cfg;
    char *user_agent;
    char *ca_file;
    char curl_err[CURL_ERROR_SIZE];
} curl_http;

typedef struct body_sink {
    rc_buf buf;
    size_t max;
    bool too_big;
} body_sink;

bool rc_http_error_retryable(int code)
{
    return code == RC_HTTP_ECONNECT || code == RC_HTTP_ERESOLVE || code == RC_HTTP_ETIMEOUT;
}

void rc_http_response_free(rc_http_response *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->content_type);
    memset(r, 0, sizeof(*r));
}

char *rc_http_redact_url(const char *url)
{
    const char *scheme = strstr(url, "://");
    if (!scheme)
        return rc_xstrdup(url);
    const char *host = scheme + 3;
    size_t auth_len = strcspn(host, "/?#");
    const char *at = memchr(host, '@', auth_len);
    if (!at)
        return rc_xstrdup(url);
    /* the last '@' of the authority ends the user info */
    for (const char *p = at; p < host + auth_len; p++)
        if (*p == '@')
            at = p;
    return rc_xasprintf("%.*s***%s", (int)(host - url), url, at);
}

static void logf_line(curl_http *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_line(curl_http *c, const char *fmt, ...)
{
    if (!c->cfg.log)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = rc_xvasprintf(fmt, ap);
    va_end(ap);
    c->cfg.log(c->cfg.log_ctx, line);
    free(line);
}

static bool is_secret_header(const char *name)
{
    return !strcasecmp(name, "authorization") || !strcasecmp(name, "proxy-authorization") ||
           !strcasecmp(name, "cookie") || !strcasecmp(name, "x-api-key");
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    body_sink *s = userdata;
    size_t n = size * nmemb;
    if (s->buf.len + n > s->max) {
        s->too_big = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    rc_buf_append(&s->buf, data, n);
    return n;
}

static int map_curl_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return RC_HTTP_ECONNECT;
    case CURLE_COULDNT_RESOLVE_HOST:
        return RC_HTTP_ERESOLVE;
    case CURLE_OPERATION_TIMEDOUT:
        return RC_HTTP_ETIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
        return RC_HTTP_ETLS;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return RC_HTTP_EURL;
    default:
        return RC_HTTP_EOTHER;
    }
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Every option of a request; the handle was reset just before. */
static CURLcode setup(curl_http *c, const char *method, const char *url, struct curl_slist *hdrs,
                      const char *body, size_t body_len, body_sink *sink)
{
    CURL *k = c->curl;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(k, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)c->cfg.connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, (long)c->cfg.timeout_ms);
    SET(CURLOPT_USERAGENT, c->user_agent);
    SET(CURLOPT_ERRORBUFFER, c->curl_err);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, sink);
    SET(CURLOPT_HTTPHEADER, hdrs);
    SET(CURLOPT_ACCEPT_ENCODING, ""); /* whatever curl can decode */
    if (c->ca_file)
        SET(CURLOPT_CAINFO, c->ca_file);
    if (c->cfg.insecure) {
        SET(CURLOPT_SSL_VERIFYPEER, 0L);
        SET(CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!strcmp(method, "GET")) {
        SET(CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(method, "HEAD")) {
        SET(CURLOPT_NOBODY, 1L);
    } else {
        /* POSTFIELDS with an explicit size sends exactly body_len bytes (and
         * an empty body for a bodiless POST); CUSTOMREQUEST names the verb. */
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        SET(CURLOPT_POSTFIELDS, body ? body : "");
        if (strcmp(method, "POST"))
            SET(CURLOPT_CUSTOMREQUEST, method);
    }
#undef SET
    return rc;
}

static void log_request(curl_http *c, const char *method, const char *url, const rc_kvlist *headers,
                        size_t body_len)
{
    if (!c->cfg.log)
        return;
    char *safe = rc_http_redact_url(url);
    logf_line(c, "> %s %s (%zu bytes)", method, safe, body_len);
    free(safe);
    for (size_t i = 0; headers && i < headers->len; i++)
        logf_line(c, "> %s: %s", headers->items[i].key,
                  is_secret_header(headers->items[i].key) ? "***" : headers->items[i].value);
}

static int curl_request(rc_http *h, const char *method, const char *url, const rc_kvlist *headers,
                        const char *body, size_t body_len, rc_http_response *resp, char *errbuf,
                        size_t errlen)
{
    curl_http *c = (curl_http *)h;
    memset(resp, 0, sizeof(*resp));
    char msg[RC_ERRBUF_LEN]; /* for errbuf and the debug log both */
    c->curl_err[0] = '\0';

    struct curl_slist *hdrs = NULL;
    bool have_expect = false;
    for (size_t i = 0; headers && i < headers->len; i++) {
        char *line = rc_xasprintf("%s: %s", headers->items[i].key, headers->items[i].value);
        struct curl_slist *n = curl_slist_append(hdrs, line);
        free(line);
        if (!n) {
            curl_slist_free_all(hdrs);
            return rc_errorf(RC_HTTP_EOTHER, errbuf, errlen,
                             "out of memory building request headers");
        }
        hdrs = n;
        if (!strcasecmp(headers->items[i].key, "expect"))
            have_expect = true;
    }
    /* no "Expect: 100-continue" round trip for large bodies */
    if (!have_expect) {
        struct curl_slist *n = curl_slist_append(hdrs, "Expect:");
        if (n)
            hdrs = n;
    }

    body_sink sink = {.max = c->cfg.max_body};
    curl_easy_reset(c->curl);
    log_request(c, method, url, headers, body_len);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CURLcode rc = setup(c, method, url, hdrs, body, body_len, &sink);
    if (rc == CURLE_OK)
        rc = curl_easy_perform(c->curl);
    int ret = 0;
    char *safe = rc_http_redact_url(url);
    if (rc != CURLE_OK) {
        if (sink.too_big) {
            ret = RC_HTTP_ETOOBIG;
            snprintf(msg, sizeof(msg), "%s %s: response larger than %zu bytes", method, safe,
                     c->cfg.max_body);
        } else {
            ret = map_curl_error(rc);
            const char *why = c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc);
            snprintf(msg, sizeof(msg), "%s %s: %s", method, safe, why);
        }
        rc_errorf(ret, errbuf, errlen, "%s", msg);
        logf_line(c, "< %s (%ld ms)", msg, elapsed_ms(&t0));
        rc_buf_free(&sink.buf);
    } else {
        long status = 0;
        char *ctype = NULL;
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(c->curl, CURLINFO_CONTENT_TYPE, &ctype);
        resp->status = status;
        resp->body_len = sink.buf.len;
        resp->body = sink.buf.data ? rc_buf_take(&sink.buf) : rc_xstrdup("");
        resp->content_type = ctype ? rc_xstrdup(ctype) : NULL;
        logf_line(c, "< HTTP %ld (%zu bytes, %ld ms)", status, resp->body_len, elapsed_ms(&t0));
    }
    free(safe);
    curl_slist_free_all(hdrs);
    return ret;
}

static void curl_destroy(rc_http *h)
{
    curl_http *c = (curl_http *)h;
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c->user_agent);
    free(c->ca_file);
    free(c);
    curl_global_cleanup();
}

static const rc_http_ops curl_ops = {
    .request = curl_request,
    .destroy = curl_destroy,
};

int rc_http_curl_new(rc_http **out, const rc_http_config *cfg, char *errbuf, size_t errlen)
{
    *out = NULL;
    CURLcode grc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (grc != CURLE_OK) {
        snprintf(errbuf, errlen, "cannot initialise libcurl: %s", curl_easy_strerror(grc));
        return RC_HTTP_EOTHER;
    }
    curl_http *c = rc_xcalloc(1, sizeof(*c));
    c->base.ops = &curl_ops;
    if (cfg)
        c->cfg = *cfg;
    if (c->cfg.connect_timeout_ms <= 0)
        c->cfg.connect_timeout_ms = HTTP_DEFAULT_CONNECT_MS;
    if (c->cfg.timeout_ms <= 0)
        c->cfg.timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
    if (c->cfg.max_body == 0)
        c->cfg.max_body = HTTP_DEFAULT_MAX_BODY;
    c->user_agent =
        rc_xstrdup(c->cfg.user_agent ? c->cfg.user_agent : "reconcile/" RECONCILE_VERSION);
    c->cfg.user_agent = c->user_agent;
    c->ca_file = c->cfg.ca_file ? rc_xstrdup(c->cfg.ca_file) : NULL;
    c->cfg.ca_file = c->ca_file;
    c->curl = curl_easy_init();
    if (!c->curl) {
        snprintf(errbuf, errlen, "cannot create a libcurl handle");
        free(c->user_agent);
        free(c->ca_file);
        free(c);
        curl_global_cleanup();
        return RC_HTTP_EOTHER;
    }
    if (c->cfg.insecure)
        logf_line(c, "TLS certificate verification is off");
    *out = &c->base;
    return 0;
}
