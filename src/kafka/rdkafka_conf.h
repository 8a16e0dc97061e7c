/* rdkafka_conf.h — what the two librdkafka clients (kadmin_rdkafka.c and
 * applied_state.c) share: building a client's configuration, masking secrets
 * in every message and log line, and the log/error callbacks that record what
 * librdkafka reported while a call waits.
 *
 * Secrets: property values are never echoed. The value of every property
 * whose key bears a secret (rc_secrets_key_bears_secret, the one
 * classification), and every value the caller
 * substituted from the environment, is registered in the watch and
 * masked ("***") in every message and verbose log line that passes through
 * here; a value librdkafka rejects is masked whatever its key or length.
 * Addresses (bootstrap.servers) are not secret.
 *
 * Ownership: the caller owns the rc_rk_watch (usually a member of its own
 * context) and keeps it at one address for as long as a client built with it
 * lives: it is that client's opaque (rd_kafka_opaque() returns it, so a
 * callback of the caller's own finds its context from it). cluster is
 * borrowed; the registered secrets are owned and released by
 * rc_rk_watch_free. Strings returned as char * are heap strings the caller
 * frees.
 *
 * Errors: a function that can fail returns 0 or a negative RC_KADMIN_E* code
 * (kadmin.h) and leaves a one-line redacted message "cluster NAME: ..." in
 * errbuf (nothing is written when errlen is 0). Configuration errors (an
 * unknown or invalid property, a client librdkafka cannot create) are
 * RC_KADMIN_EOTHER; rc_rk_seen_fatal reports RC_KADMIN_EAUTH for an
 * authentication failure and RC_KADMIN_EOTHER for a fatal client error.
 *
 * Threading: log_cb runs on librdkafka's threads and reads only cluster,
 * verbose and secrets, which must not change once the client exists;
 * error_cb runs from rd_kafka_poll() on the calling thread and fills the
 * *_err / *_reason fields. */
#ifndef RC_RDKAFKA_CONF_H
#define RC_RDKAFKA_CONF_H

#include "secrets.h"
#include "util.h"

#include <librdkafka/rdkafka.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct rc_rk_watch {
    const char *cluster; /* borrowed; names the cluster in messages */
    bool verbose;        /* librdkafka logs and errors to stderr (redacted) */
    rc_secrets secrets;  /* values masked in every message; owned */
    /* What error_cb saw. The owner clears them when they stop applying (a
     * broker answered). conn_err keeps the first specific connection failure
     * ("Connection refused") over the "all brokers down" that follows it. */
    rd_kafka_resp_err_t conn_err, auth_err, fatal_err;
    char conn_reason[512], auth_reason[512], fatal_reason[512];
} rc_rk_watch;

/* Zero w, then register the values of props whose key bears a secret and
 * every value of extra (the values the command layer substituted from the
 * environment), so librdkafka's log and error callbacks mask exactly what
 * the command layer masks. extra may be NULL. */
void rc_rk_watch_init(rc_rk_watch *w, const char *cluster, bool verbose, const rc_kvlist *props,
                      const rc_secrets *extra);
void rc_rk_watch_free(rc_rk_watch *w);
/* A watch of its own for a client on another thread (error_cb writes what
 * it saw into its watch): src's cluster, verbosity and secrets, nothing seen
 * yet. Freed with rc_rk_watch_free. */
void rc_rk_watch_copy(rc_rk_watch *dst, const rc_rk_watch *src);

/* Heap copy of text (NULL: "") with the watch's secrets masked. */
char *rc_rk_redact(const rc_rk_watch *w, const char *text);
/* rc_rk_redact into a fixed buffer (truncated to fit). */
void rc_rk_copy_redacted(const rc_rk_watch *w, char *dst, size_t dstlen, const char *text);

/* Write "cluster NAME: <fmt...>", redacted, to errbuf; return code. */
int rc_rk_vfail(const rc_rk_watch *w, char *errbuf, size_t errlen, int code, const char *fmt,
                va_list ap) __attribute__((format(printf, 5, 0)));
int rc_rk_fail(const rc_rk_watch *w, char *errbuf, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A failure error_cb saw that ends a call at once (authentication, fatal
 * client error): its code and message, or 0 when there is none. */
int rc_rk_seen_fatal(const rc_rk_watch *w, char *errbuf, size_t errlen);

/* Error classes. auth: SASL/TLS refused; conn: no broker reachable (transport,
 * resolve, all brokers down); access: topic or cluster ACL denied. */
bool rc_rk_is_auth_error(rd_kafka_resp_err_t err);
bool rc_rk_is_conn_error(rd_kafka_resp_err_t err);
bool rc_rk_is_access_error(rd_kafka_resp_err_t err);

/* The bootstrap the client will use, for messages: the last bootstrap.servers
 * or metadata.broker.list in props, else bootstrap (NULL: ""). Heap string. */
char *rc_rk_bootstrap(const char *bootstrap, const rc_kvlist *props);

/* rd_kafka_conf_set with a message that never echoes the value. */
int rc_rk_conf_set(const rc_rk_watch *w, rd_kafka_conf_t *conf, const char *key, const char *value,
                   char *errbuf, size_t errlen);

/* A new configuration: client.id=reconcile, log.connection.close=false,
 * allow.auto.create.topics=false, bootstrap.servers=bootstrap (when not
 * NULL or empty), then props in order (they override). The caller sets the
 * properties it relies on after this (they win) and hands the result to
 * rc_rk_client_new. On failure *out is NULL and nothing is left to free. */
int rc_rk_conf_new(rd_kafka_conf_t **out, const rc_rk_watch *w, const char *bootstrap,
                   const rc_kvlist *props, char *errbuf, size_t errlen);

/* Set the log and error callbacks (opaque: w) and create the client. conf is
 * consumed whatever the outcome: owned by the client on success, destroyed on
 * failure (*out NULL). */
int rc_rk_client_new(rd_kafka_t **out, rc_rk_watch *w, rd_kafka_type_t type, rd_kafka_conf_t *conf,
                     char *errbuf, size_t errlen);

/* CLOCK_MONOTONIC milliseconds, and what is left until deadline (0 once it
 * passed, capped to INT_MAX: librdkafka timeouts are int). */
long long rc_rk_now_ms(void);
int rc_rk_remaining_ms(long long deadline);

#endif
