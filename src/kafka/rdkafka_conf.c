/* rdkafka_conf.c — configuration, redaction and callbacks shared by the
 * librdkafka clients. See rdkafka_conf.h for the contract. */
#include "rdkafka_conf.h"

#include "kadmin.h" /* RC_KADMIN_E* return codes */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- secrets ------------------------------------------------------------- */

void rc_rk_watch_init(rc_rk_watch *w, const char *cluster, bool verbose, const rc_kvlist *props,
                      const rc_secrets *extra)
{
    memset(w, 0, sizeof(*w));
    w->cluster = cluster;
    w->verbose = verbose;
    /* values shorter than 3 bytes are not registered (rc_secrets_add):
     * masking "1" everywhere would garble every message */
    for (size_t i = 0; props && i < props->len; i++)
        if (rc_secrets_key_bears_secret(props->items[i].key))
            rc_secrets_add(&w->secrets, props->items[i].value);
    for (size_t i = 0; extra && i < extra->len; i++)
        rc_secrets_add(&w->secrets, extra->values[i]);
}

void rc_rk_watch_free(rc_rk_watch *w)
{
    rc_secrets_free(&w->secrets);
}

void rc_rk_watch_copy(rc_rk_watch *dst, const rc_rk_watch *src)
{
    rc_rk_watch_init(dst, src->cluster, src->verbose, NULL, NULL);
    for (size_t i = 0; i < src->secrets.len; i++)
        rc_secrets_add(&dst->secrets, src->secrets.values[i]);
}

char *rc_rk_redact(const rc_rk_watch *w, const char *text)
{
    return rc_secrets_mask(&w->secrets, text);
}

void rc_rk_copy_redacted(const rc_rk_watch *w, char *dst, size_t dstlen, const char *text)
{
    char *r = rc_rk_redact(w, text);
    snprintf(dst, dstlen, "%s", r);
    free(r);
}

/* ---- messages ------------------------------------------------------------ */

int rc_rk_vfail(const rc_rk_watch *w, char *errbuf, size_t errlen, int code, const char *fmt,
                va_list ap)
{
    if (!errlen)
        return code;
    char *msg = rc_xvasprintf(fmt, ap);
    char *full = rc_xasprintf("cluster %s: %s", w->cluster, msg);
    rc_rk_copy_redacted(w, errbuf, errlen, full);
    free(full);
    free(msg);
    return code;
}

int rc_rk_fail(const rc_rk_watch *w, char *errbuf, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_rk_vfail(w, errbuf, errlen, code, fmt, ap);
    va_end(ap);
    return code;
}

int rc_rk_seen_fatal(const rc_rk_watch *w, char *errbuf, size_t errlen)
{
    if (w->auth_err)
        return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EAUTH, "authentication failed: %s",
                          w->auth_reason);
    if (w->fatal_err)
        return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER, "fatal client error: %s",
                          w->fatal_reason);
    return 0;
}

bool rc_rk_is_auth_error(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL ||
           err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED;
}

bool rc_rk_is_conn_error(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__RESOLVE ||
           err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
}

bool rc_rk_is_access_error(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
           err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED;
}

/* ---- librdkafka callbacks ------------------------------------------------ */

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    const rc_rk_watch *w = rd_kafka_opaque(rk);
    if (!w || !w->verbose)
        return;
    char *r = rc_rk_redact(w, buf);
    fprintf(stderr, "reconcile: kafka %s: %d %s: %s\n", w->cluster, level, fac, r);
    free(r);
}

static void error_cb(rd_kafka_t *rk, int err_, const char *reason, void *opaque)
{
    rc_rk_watch *w = opaque;
    rd_kafka_resp_err_t err = (rd_kafka_resp_err_t)err_;
    if (w->verbose) {
        char *r = rc_rk_redact(w, reason);
        fprintf(stderr, "reconcile: kafka %s: error: %s: %s\n", w->cluster, rd_kafka_err2name(err),
                r);
        free(r);
    }
    if (rc_rk_is_auth_error(err)) {
        w->auth_err = err;
        rc_rk_copy_redacted(w, w->auth_reason, sizeof(w->auth_reason), reason);
    } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof(buf));
        w->fatal_err = orig ? orig : err;
        rc_rk_copy_redacted(w, w->fatal_reason, sizeof(w->fatal_reason), orig ? buf : reason);
    } else if (rc_rk_is_conn_error(err)) {
        /* "1/1 brokers are down" says less than the "Connection refused"
         * that preceded it: keep the specific reason. */
        if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && w->conn_err &&
            w->conn_err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
            return;
        w->conn_err = err;
        rc_rk_copy_redacted(w, w->conn_reason, sizeof(w->conn_reason), reason);
    }
}

/* ---- configuration ------------------------------------------------------- */

char *rc_rk_bootstrap(const char *bootstrap, const rc_kvlist *props)
{
    const char *b = bootstrap ? bootstrap : "";
    for (size_t i = 0; props && i < props->len; i++)
        if (strcmp(props->items[i].key, "bootstrap.servers") == 0 ||
            strcmp(props->items[i].key, "metadata.broker.list") == 0)
            b = props->items[i].value;
    return rc_xstrdup(b);
}

int rc_rk_conf_set(const rc_rk_watch *w, rd_kafka_conf_t *conf, const char *key, const char *value,
                   char *errbuf, size_t errlen)
{
    char errstr[512];
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr));
    if (r == RD_KAFKA_CONF_OK)
        return 0;
    if (r == RD_KAFKA_CONF_INVALID) {
        /* librdkafka quotes the rejected value: mask it, whatever its length */
        char *one[1] = {(char *)value};
        char *masked = rc_secrets_mask_values(errstr, one, value ? 1 : 0);
        int rc = rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER,
                            "invalid client property \"%s\": %s", key, masked);
        free(masked);
        return rc;
    }
    return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER, "%s", errstr);
}

int rc_rk_conf_new(rd_kafka_conf_t **out, const rc_rk_watch *w, const char *bootstrap,
                   const rc_kvlist *props, char *errbuf, size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int rc = 0;
    if ((rc = rc_rk_conf_set(w, conf, "client.id", "reconcile", errbuf, errlen)) ||
        (rc = rc_rk_conf_set(w, conf, "log.connection.close", "false", errbuf, errlen)) ||
        (rc = rc_rk_conf_set(w, conf, "allow.auto.create.topics", "false", errbuf, errlen)))
        goto fail;
    if (bootstrap && *bootstrap &&
        (rc = rc_rk_conf_set(w, conf, "bootstrap.servers", bootstrap, errbuf, errlen)))
        goto fail;
    for (size_t i = 0; props && i < props->len; i++)
        if ((rc = rc_rk_conf_set(w, conf, props->items[i].key, props->items[i].value, errbuf,
                                 errlen)))
            goto fail;
    *out = conf;
    return 0;
fail:
    rd_kafka_conf_destroy(conf);
    *out = NULL;
    return rc;
}

int rc_rk_client_new(rd_kafka_t **out, rc_rk_watch *w, rd_kafka_type_t type, rd_kafka_conf_t *conf,
                     char *errbuf, size_t errlen)
{
    rd_kafka_conf_set_opaque(conf, w);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    char errstr[512];
    *out = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (*out)
        return 0; /* conf is owned by the client now */
    rd_kafka_conf_destroy(conf);
    return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER, "cannot create Kafka client: %s",
                      errstr);
}

/* ---- deadlines ----------------------------------------------------------- */

long long rc_rk_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rc_rk_remaining_ms(long long deadline)
{
    long long r = deadline - rc_rk_now_ms();
    if (r <= 0)
        return 0;
    return r > 0x7fffffff ? 0x7fffffff : (int)r;
}
