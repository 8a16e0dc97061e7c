/* metrics_server.h — a Prometheus scrape endpoint on libmicrohttpd.
 *
 * GET /metrics calls the handler, which writes the exposition into the
 * buffer it is given and returns 0 (200) or a negative value (503, the
 * buffer then holds the reason as text); every other path is 404, every
 * other method 405. One request at a time (libmicrohttpd's internal thread,
 * no thread per connection), so the handler needs no locking of its own and
 * a burst of scrapes queues instead of measuring in parallel.
 *
 * Ownership: the server borrows the handler's context until it is stopped. */
#ifndef RC_METRICS_SERVER_H
#define RC_METRICS_SERVER_H

#include "util.h"

#include <stddef.h>

typedef int (*rc_metrics_handler)(void *ctx, rc_buf *out);

typedef struct rc_metrics_server rc_metrics_server;

/* Bind addr ("127.0.0.1:9308", "[::1]:9308", ":9308" or "9308": loopback)
 * and serve. 0, or RC_ERR with the reason in errbuf (a malformed address, a
 * port in use). *bound_port is the port bound (useful with port 0). */
int rc_metrics_server_start(rc_metrics_server **out, const char *addr, rc_metrics_handler handler,
                            void *ctx, int *bound_port, char *errbuf, size_t errlen);
void rc_metrics_server_stop(rc_metrics_server *s);

#endif
