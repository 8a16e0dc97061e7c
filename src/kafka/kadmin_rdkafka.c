/* kadmin_rdkafka.c — the rc_kadmin function table on librdkafka's Admin API.
 *
 * One rd_kafka_t of type PRODUCER is used for admin calls only (as kcat and
 * librdkafka's examples do). Every call:
 *   1. makes sure a broker answers (a cheap brokers-only Metadata request,
 *      retried in short slices so errors reported by error_cb are seen while
 *      waiting: an authentication failure ends the call at once, a refused
 *      connection is named in the message when the deadline passes);
 *   2. sends its requests in chunks of cfg->batch_size topics, a few requests
 *      in flight at a time on one queue, and matches results back to the input
 *      by topic name;
 *   3. retries, with exponential backoff, only the topics the broker refused
 *      with THROTTLING_QUOTA_EXCEEDED.
 *
 * Secrets: property values are never printed. Messages and log lines pass
 * through the redaction of rdkafka_conf.h, which masks the values of
 * secret-looking properties.
 *
 * Threading: log_cb runs on librdkafka's threads and only reads immutable
 * fields; error_cb runs from rd_kafka_poll() on the calling thread
 * (rdkafka_conf.h).
 *
 * This file holds the client itself, the mapping of librdkafka's errors to
 * RC_KADMIN_E* codes and the connection probe; the operations live in the
 * files listed in kadmin_rdkafka_internal.h. */
#include "kadmin_rdkafka_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_DEFAULT_TIMEOUT_MS 30000
#define RK_DEFAULT_BATCH 500

/* ---- small helpers ------------------------------------------------------- */

/* Set the call's message ("cluster NAME: ...") and return code. */
__attribute__((format(printf, 5, 6))) int rk_fail(rk_admin *ka, char *errbuf, size_t errlen,
                                                  int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_rk_vfail(&ka->w, errbuf, errlen, code, fmt, ap);
    va_end(ap);
    return code;
}

/* Serve error_cb (and anything else on the main queue). */
void rk_serve(rk_admin *ka)
{
    rd_kafka_poll(ka->rk, 0);
}

void rk_clear_seen_errors(rk_admin *ka)
{
    ka->w.conn_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    ka->w.conn_reason[0] = '\0';
    ka->w.auth_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    ka->w.auth_reason[0] = '\0';
}

/* A failure error_cb reported that ends the call at once, or 0. */
int rk_seen_fatal(rk_admin *ka, char *errbuf, size_t errlen)
{
    return rc_rk_seen_fatal(&ka->w, errbuf, errlen);
}

/* The deadline passed: say why, naming what error_cb saw. */
int rk_deadline_failure(rk_admin *ka, const char *what, int waited_ms, char *errbuf, size_t errlen)
{
    rk_serve(ka);
    int rc = rk_seen_fatal(ka, errbuf, errlen);
    if (rc)
        return rc;
    /* A connection problem explains a timeout only while no broker answered;
     * once one did (rk_ensure_up), a timeout is the request's own, and the
     * connection problem is a clue, not the cause. */
    if (ka->w.conn_err && strcmp(what, "connecting") == 0)
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_ECONNECT, "cannot connect to %s: %s",
                       ka->bootstrap, ka->w.conn_reason);
    if (ka->w.conn_err)
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_ETIMEOUT,
                       "%s timed out after %d ms (bootstrap %s; some brokers unreachable: %s)",
                       what, waited_ms, ka->bootstrap, ka->w.conn_reason);
    return rk_fail(ka, errbuf, errlen, RC_KADMIN_ETIMEOUT,
                   "%s timed out after %d ms (bootstrap %s)", what, waited_ms, ka->bootstrap);
}

/* Map a request-level error to an RC_KADMIN_E* code and message. elapsed_ms
 * is how long the request was out: a request that fails well before its
 * deadline did not time out, whatever librdkafka calls it. */
int rk_request_failure(rk_admin *ka, rd_kafka_resp_err_t err, const char *errstr, const char *what,
                       int elapsed_ms, char *errbuf, size_t errlen)
{
    rk_serve(ka);
    if (!errstr || !*errstr)
        errstr = rd_kafka_err2str(err);
    if (rc_rk_is_auth_error(err))
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_EAUTH, "authentication failed: %s", errstr);
    if (rc_rk_is_access_error(err))
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_EACCESS, "%s: not authorised: %s", what,
                       errstr);
    if (err == RD_KAFKA_RESP_ERR_SECURITY_DISABLED)
        return rk_fail(ka, errbuf, errlen, RC_KADMIN_ENOAUTHORIZER,
                       "%s: the cluster has no authorizer (authorizer.class.name is not set on "
                       "its brokers), so it enforces no ACLs: %s",
                       what, errstr);
    if (rc_rk_is_conn_error(err) || err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        int rc = rk_seen_fatal(ka, errbuf, errlen);
        if (rc)
            return rc;
        const char *why = ka->w.conn_err ? ka->w.conn_reason : errstr;
        if (rc_rk_is_conn_error(err))
            return rk_fail(ka, errbuf, errlen, RC_KADMIN_ECONNECT,
                           "%s failed after %d ms: the connection to the broker was lost (%s)",
                           what, elapsed_ms, why);
        if (elapsed_ms < ka->timeout_ms / 2)
            return rk_fail(ka, errbuf, errlen, RC_KADMIN_ECONNECT,
                           "%s failed after %d ms, long before its %d ms deadline (%s)", what,
                           elapsed_ms, ka->timeout_ms, why);
        return rk_deadline_failure(ka, what, elapsed_ms, errbuf, errlen);
    }
    return rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "%s failed: %s", what, errstr);
}

/* ---- connection probe ---------------------------------------------------- */

/* Wait until a broker answers a brokers-only Metadata request, in short slices
 * so error_cb reports are seen while waiting. On success returns 0 and, when
 * mdp is not NULL, the broker list (caller destroys it). */
int rk_ensure_up(rk_admin *ka, long long deadline, const rd_kafka_metadata_t **mdp, bool all_topics,
                 char *errbuf, size_t errlen)
{
    long long start = rc_rk_now_ms();
    if (!mdp && ka->up_at_ms && start - ka->up_at_ms < RK_PROBE_FRESH_MS)
        return 0;
    int slice = 100;
    for (;;) {
        const rd_kafka_metadata_t *md = NULL;
        /* all_topics=0 and no local topics asks for the brokers only, but
         * librdkafka 2.0.2 answers with every topic in its cache: no cheaper
         * than the full request a describe needs anyway. */
        int t = min_int(slice, rc_rk_remaining_ms(deadline));
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(ka->rk, all_topics ? 1 : 0, NULL, &md, t > 0 ? t : 1);
        if (!err) {
            ka->up_at_ms = rc_rk_now_ms();
            rk_clear_seen_errors(ka);
            if (mdp)
                *mdp = md;
            else
                rd_kafka_metadata_destroy(md);
            return 0;
        }
        if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && !rc_rk_is_conn_error(err))
            return rk_request_failure(ka, err, NULL, "metadata request",
                                      (int)(rc_rk_now_ms() - start), errbuf, errlen);
        rk_serve(ka);
        int rc = rk_seen_fatal(ka, errbuf, errlen);
        if (rc)
            return rc;
        if (rc_rk_remaining_ms(deadline) == 0)
            return rk_deadline_failure(ka, "connecting", (int)(rc_rk_now_ms() - start), errbuf,
                                       errlen);
        slice = min_int(slice * 2, 1000);
    }
}

/* Pause about ms milliseconds while serving callbacks. */
void rk_pause_serving(rk_admin *ka, int ms)
{
    long long until = rc_rk_now_ms() + ms;
    int left;
    while ((left = rc_rk_remaining_ms(until)) > 0)
        rd_kafka_poll(ka->rk, left);
}

/* ---- construction / destruction ----------------------------------------- */

static void op_destroy(rc_kadmin *base)
{
    rk_admin *ka = (rk_admin *)base;
    if (!ka)
        return;

    if (ka->consumer_conf)
        rd_kafka_conf_destroy(ka->consumer_conf);
    if (ka->rk)
        rd_kafka_destroy(ka->rk); /* blocks until librdkafka's threads are gone */
    rc_rk_watch_free(&ka->w);
    free(ka->cluster);
    free(ka->bootstrap);
    free(ka);
}

static const rc_kadmin_ops rk_ops = {
    .describe_cluster = rk_op_describe_cluster,
    .describe_configs = rk_op_describe_configs,
    .describe_named = rk_op_describe_named,
    .create_topics = rk_op_create_topics,
    .create_partitions = rk_op_create_partitions,
    .alter_configs = rk_op_alter_configs,
    .delete_topics = rk_op_delete_topics,
    .wait_topics = rk_op_wait_topics,
    .describe_acls = rk_op_describe_acls,
    .create_acls = rk_op_create_acls,
    .delete_acls = rk_op_delete_acls,
    .wait_acls = rk_op_wait_acls,
    .list_group_offsets = rk_op_list_group_offsets,
    .group_offsets = rk_op_group_offsets,
    .group_members = rk_op_group_members,
    .watermarks = rk_op_watermarks,
    .read_timestamps = rk_op_read_timestamps,
    .destroy = op_destroy,
};

int rc_kadmin_rdkafka_new(rc_kadmin **out, const rc_kadmin_config *cfg, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (errlen)
        errbuf[0] = '\0';
    rk_admin *ka = rc_xcalloc(1, sizeof(*ka));
    ka->base.ops = &rk_ops;
    ka->cluster = rc_xstrdup(cfg->cluster_name ? cfg->cluster_name : "(unnamed)");
    ka->bootstrap = rc_rk_bootstrap(cfg->bootstrap, cfg->props);
    ka->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : RK_DEFAULT_TIMEOUT_MS;
    ka->batch_size = cfg->batch_size > 0 ? cfg->batch_size : RK_DEFAULT_BATCH;
    rc_rk_watch_init(&ka->w, ka->cluster, cfg->verbose, cfg->props, cfg->secrets);

    rd_kafka_conf_t *conf = NULL;
    int rc = rc_rk_conf_new(&conf, &ka->w, cfg->bootstrap, cfg->props, errbuf, errlen);
    if (rc == 0 && !*ka->bootstrap) {
        rc = rc_rk_fail(&ka->w, errbuf, errlen, RC_KADMIN_EOTHER, "no bootstrap servers");
        rd_kafka_conf_destroy(conf);
    }
    if (rc == 0) {
        /* kept for the consumer read_timestamps makes when first asked */
        ka->consumer_conf = rd_kafka_conf_dup(conf);
        rc = rc_rk_client_new(&ka->rk, &ka->w, RD_KAFKA_PRODUCER, conf, errbuf, errlen);
    }
    if (rc != 0) {
        op_destroy(&ka->base);
        return rc;
    }
    *out = &ka->base;
    return 0;
}

int rk_new_consumer(rk_admin *ka, rc_rk_watch *w, const char *const (*settings)[2], size_t n,
                    rd_kafka_t **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    rd_kafka_conf_t *conf = rd_kafka_conf_dup(ka->consumer_conf);
    char err[256];
    for (size_t i = 0; i < n; i++)
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return rc_rk_fail(w, errbuf, errlen, RC_KADMIN_EOTHER, "consumer: %s", err);
        }
    return rc_rk_client_new(out, w, RD_KAFKA_CONSUMER, conf, errbuf, errlen);
}
