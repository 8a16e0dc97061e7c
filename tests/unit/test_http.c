/* Unit tests of the libcurl client (http.c) against a loopback server started
 * by each test: a thread that accepts one connection on 127.0.0.1 (port 0,
 * so the kernel picks a free one), records the request and answers a canned
 * response. Covers what the scripted fake of test_publish.c cannot: the
 * status and body as curl delivers them, the transport errors and their
 * codes, the body limit, and that no message or debug line holds a secret. */
#define _GNU_SOURCE /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SECRET "s3cret-token"

/* ---- the loopback server ------------------------------------------------ */

typedef struct server {
    int fd; /* listening socket */
    int port;
    pthread_t thread;
    const char *response; /* sent as is after the request; NULL: never answer */
    char request[8192];   /* what arrived, NUL-terminated */
    size_t request_len;
} server;

/* Bytes of body announced by the request's Content-Length, 0 without one. */
static size_t content_length(const char *head)
{
    const char *p = strcasestr(head, "\r\ncontent-length:");
    return p ? (size_t)strtoul(p + 17, NULL, 10) : 0;
}

static void read_request(server *s, int c)
{
    size_t want = 0;
    bool have_head = false;
    while (s->request_len < sizeof(s->request) - 1) {
        ssize_t n =
            recv(c, s->request + s->request_len, sizeof(s->request) - 1 - s->request_len, 0);
        if (n <= 0)
            break;
        s->request_len += (size_t)n;
        s->request[s->request_len] = '\0';
        char *end = strstr(s->request, "\r\n\r\n");
        if (!have_head && end) {
            have_head = true;
            want = (size_t)(end + 4 - s->request) + content_length(s->request);
        }
        if (have_head && s->request_len >= want)
            break;
    }
}

static void *serve(void *arg)
{
    server *s = arg;
    int c = accept(s->fd, NULL, NULL); /* SO_RCVTIMEO bounds the wait */
    if (c < 0)
        return NULL;
    struct timeval tv = {.tv_sec = 2};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    read_request(s, c);
    if (s->response) {
        size_t len = strlen(s->response), off = 0;
        while (off < len) {
            ssize_t n = send(c, s->response + off, len - off, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
    } else {
        char b[256];
        while (recv(c, b, sizeof(b), 0) > 0) /* until the client gives up */
            ;
    }
    close(c);
    return NULL;
}

/* A socket bound to 127.0.0.1 on a free port; *port says which. */
static int bind_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t len = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void server_start(server *s, const char *response)
{
    memset(s, 0, sizeof(*s));
    s->response = response;
    s->fd = bind_loopback(&s->port);
    assert_int_equal(listen(s->fd, 1), 0);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(server *s)
{
    pthread_join(s->thread, NULL);
    close(s->fd);
}

/* ---- the client ---------------------------------------------------------- */

typedef struct log_lines {
    char text[8192];
} log_lines;

static void collect(void *ctx, const char *line)
{
    log_lines *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof(l->text) - n, "%s\n", line);
}

static rc_http *client(rc_http_config *cfg)
{
    rc_http *h = NULL;
    char err[RC_ERRBUF_LEN] = "";
    int rc = rc_http_curl_new(&h, cfg, err, sizeof(err));
    if (rc != 0)
        fail_msg("rc_http_curl_new: %s", err);
    return h;
}

static char *url_of(const server *s, const char *userinfo, const char *path)
{
    return rc_xasprintf("http://%s127.0.0.1:%d%s", userinfo, s->port, path);
}

/* ---- tests --------------------------------------------------------------- */

static void test_success_body(void **state)
{
    (void)state;
    server s;
    server_start(&s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
    log_lines log = {{0}};
    rc_http_config cfg = {.log = collect, .log_ctx = &log};
    rc_http *h = client(&cfg);
    rc_kvlist headers = {0};
    rc_kvlist_set(&headers, "Authorization", "Bearer " SECRET);
    char *url = url_of(&s, "", "/api/folders/x");
    rc_http_response r;
    char err[RC_ERRBUF_LEN] = "untouched";
    const char *body = "{\"title\":\"t\"}";
    assert_int_equal(
        h->ops->request(h, "POST", url, &headers, body, strlen(body), &r, err, sizeof(err)), 0);
    server_stop(&s);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"ok\":true}");
    assert_int_equal(r.body_len, 11);
    assert_string_equal(r.content_type, "application/json");
    assert_string_equal(err, "untouched"); /* success leaves errbuf alone */
    /* the server got the method, path, header and exact body */
    assert_true(!strncmp(s.request, "POST /api/folders/x HTTP/1.1\r\n", 30));
    assert_non_null(strstr(s.request, "Authorization: Bearer " SECRET "\r\n"));
    assert_non_null(strstr(s.request, "\r\n\r\n{\"title\":\"t\"}"));
    /* debug lines mask the token */
    assert_non_null(strstr(log.text, "> Authorization: ***"));
    assert_non_null(strstr(log.text, "< HTTP 200 (11 bytes"));
    assert_null(strstr(log.text, SECRET));
    rc_http_response_free(&r);
    assert_null(r.body);
    rc_kvlist_free(&headers);
    free(url);
    h->ops->destroy(h);
}

/* A 404 and a 302 are answers: 0, the status, the body; no redirect followed. */
static void test_non_2xx_is_an_answer(void **state)
{
    (void)state;
    static const struct {
        const char *response;
        long status;
        const char *body;
    } cases[] = {
        {"HTTP/1.1 404 Not Found\r\nContent-Length: 17\r\nConnection: close\r\n\r\n"
         "{\"message\":\"nf\"}\n",
         404, "{\"message\":\"nf\"}\n"},
        {"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\n"
         "Content-Length: 0\r\nConnection: close\r\n\r\n",
         302, ""},
    };
    rc_http *h = client(NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        server s;
        server_start(&s, cases[i].response);
        char *url = url_of(&s, "", "/x");
        rc_http_response r;
        char err[RC_ERRBUF_LEN] = "untouched";
        assert_int_equal(h->ops->request(h, "GET", url, NULL, NULL, 0, &r, err, sizeof(err)), 0);
        server_stop(&s);
        assert_int_equal(r.status, cases[i].status);
        assert_string_equal(r.body, cases[i].body);
        assert_null(r.content_type);
        assert_string_equal(err, "untouched");
        rc_http_response_free(&r);
        free(url);
    }
    h->ops->destroy(h);
}

/* Nothing listens: ECONNECT, retryable, a message naming method and URL with
 * the user info masked. */
static void test_connection_refused(void **state)
{
    (void)state;
    int port;
    int fd = bind_loopback(&port); /* bound, not listening: connect is refused */
    char *url = rc_xasprintf("http://admin:" SECRET "@127.0.0.1:%d/api/health", port);
    rc_http *h = client(NULL);
    rc_http_response r;
    char err[RC_ERRBUF_LEN] = "";
    int rc = h->ops->request(h, "GET", url, NULL, NULL, 0, &r, err, sizeof(err));
    close(fd);
    assert_int_equal(rc, RC_HTTP_ECONNECT);
    assert_true(rc_http_error_retryable(rc));
    char *want = rc_xasprintf("GET http://***@127.0.0.1:%d/api/health: ", port);
    if (strncmp(err, want, strlen(want)))
        fail_msg("message %s, want it to start with %s", err, want);
    assert_null(strstr(err, SECRET));
    assert_null(strstr(err, "admin"));
    assert_null(r.body);
    /* no errbuf: still the code */
    assert_int_equal(h->ops->request(h, "GET", url, NULL, NULL, 0, &r, NULL, 0), RC_HTTP_ECONNECT);
    free(want);
    free(url);
    h->ops->destroy(h);
}

/* Only http and https: another scheme fails before any connection. */
static void test_other_scheme_refused(void **state)
{
    (void)state;
    rc_http *h = client(NULL);
    rc_http_response r;
    char err[RC_ERRBUF_LEN] = "";
    int rc = h->ops->request(h, "GET", "file:///etc/passwd", NULL, NULL, 0, &r, err, sizeof(err));
    assert_int_equal(rc, RC_HTTP_EURL);
    assert_false(rc_http_error_retryable(rc));
    assert_true(!strncmp(err, "GET file:///etc/passwd: ", 24));
    h->ops->destroy(h);
}

static void test_body_limit(void **state)
{
    (void)state;
    server s;
    server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"
                     "0123456789012345678901234567890123456789");
    rc_http_config cfg = {.max_body = 16};
    rc_http *h = client(&cfg);
    char *url = url_of(&s, "u:" SECRET "@", "/big");
    rc_http_response r;
    char err[RC_ERRBUF_LEN] = "";
    int rc = h->ops->request(h, "GET", url, NULL, NULL, 0, &r, err, sizeof(err));
    server_stop(&s);
    assert_int_equal(rc, RC_HTTP_ETOOBIG);
    char *want =
        rc_xasprintf("GET http://***@127.0.0.1:%d/big: response larger than 16 bytes", s.port);
    assert_string_equal(err, want);
    assert_null(r.body);
    free(want);
    free(url);
    h->ops->destroy(h);
}

/* A server that never answers: ETIMEOUT after timeout_ms, retryable. */
static void test_timeout(void **state)
{
    (void)state;
    server s;
    server_start(&s, NULL);
    rc_http_config cfg = {.timeout_ms = 150};
    rc_http *h = client(&cfg);
    char *url = url_of(&s, "", "/slow");
    rc_http_response r;
    char err[RC_ERRBUF_LEN] = "";
    int rc = h->ops->request(h, "GET", url, NULL, NULL, 0, &r, err, sizeof(err));
    h->ops->destroy(h); /* closes the connection, which ends the server */
    server_stop(&s);
    assert_int_equal(rc, RC_HTTP_ETIMEOUT);
    assert_true(rc_http_error_retryable(rc));
    char *want = rc_xasprintf("GET http://127.0.0.1:%d/slow: ", s.port);
    assert_true(!strncmp(err, want, strlen(want)));
    free(want);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_body),       cmocka_unit_test(test_non_2xx_is_an_answer),
        cmocka_unit_test(test_connection_refused), cmocka_unit_test(test_other_scheme_refused),
        cmocka_unit_test(test_body_limit),         cmocka_unit_test(test_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
