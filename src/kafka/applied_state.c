/* applied_state.c — last applied commit per cluster in a compacted topic.
 *
 * Each call makes one short-lived librdkafka handle (a legacy group-less
 * consumer to read, an idempotent producer to write, which also serves the
 * admin calls), works against one deadline (cfg->timeout_ms), and destroys
 * everything before returning. No fixed sleeps: every wait is a poll of the
 * condition in short slices until the deadline, serving error_cb meanwhile
 * so an authentication failure ends the call at once and a refused
 * connection is named when the deadline passes.
 *
 * Secrets: property values are never echoed; values of secret-looking keys
 * are masked in every message and verbose log line (rdkafka_conf.h, shared
 * with kadmin_rdkafka.c). */
#include "applied_state.h"

#include "kadmin.h" /* RC_KADMIN_E* return codes */
#include "rdkafka_conf.h"

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define AS_DEFAULT_TIMEOUT_MS 30000
#define AS_SLICE_MIN_MS 50   /* first wait between polls of a condition, */
#define AS_SLICE_MAX_MS 1000 /* doubled up to this */
#define AS_SHA_LEN 40

typedef struct as_ctx {
    const char *cluster;
    const char *topic;
    char *bootstrap;    /* for messages (addresses are not secret) */
    long long deadline; /* CLOCK_MONOTONIC ms */
    int timeout_ms;
    rd_kafka_t *rk;
    char *errbuf;
    size_t errlen;
    rc_rk_watch w; /* secrets, and what error_cb saw; rk's opaque */
    /* delivery report of the one record written */
    int dr_count;
    rd_kafka_resp_err_t dr_err;
    char dr_reason[512];
} as_ctx;

/* ---- small helpers ------------------------------------------------------- */

static int remaining_ms(const as_ctx *c)
{
    return rc_rk_remaining_ms(c->deadline);
}

static int slice_ms(const as_ctx *c, int slice)
{
    int r = remaining_ms(c);
    return r < slice ? (r > 0 ? r : 1) : slice;
}

static int next_slice(int slice)
{
    return slice * 2 > AS_SLICE_MAX_MS ? AS_SLICE_MAX_MS : slice * 2;
}

/* Set errbuf to "cluster NAME: ..." (redacted) and return code. */
__attribute__((format(printf, 3, 4))) static int fail(as_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_rk_vfail(&c->w, c->errbuf, c->errlen, code, fmt, ap);
    va_end(ap);
    return code;
}

/* Errors worth waiting out: the broker is electing a leader, moving one, or
 * has not seen a just-created topic yet. */
static bool is_transient(rd_kafka_resp_err_t err)
{
    return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ||
           err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
           err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
           err == RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH ||
           err == RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH ||
           err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || err == RD_KAFKA_RESP_ERR__WAIT_COORD ||
           err == RD_KAFKA_RESP_ERR__IN_PROGRESS || rc_rk_is_conn_error(err);
}

/* ---- librdkafka callbacks ------------------------------------------------ */

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    as_ctx *c = (as_ctx *)((char *)opaque - offsetof(as_ctx, w)); /* opaque is &c->w */
    c->dr_count++;
    c->dr_err = m->err;
    if (m->err)
        rc_rk_copy_redacted(&c->w, c->dr_reason, sizeof(c->dr_reason), rd_kafka_message_errstr(m));
}

/* Serve error_cb (and delivery reports on a producer). */
static void serve(as_ctx *c)
{
    rd_kafka_poll(c->rk, 0);
}

/* A failure error_cb reported that ends the call at once, or 0. */
static int seen_fatal(as_ctx *c)
{
    return rc_rk_seen_fatal(&c->w, c->errbuf, c->errlen);
}

/* The deadline passed while doing `what`. */
static int deadline_failure(as_ctx *c, const char *what)
{
    serve(c);
    int rc = seen_fatal(c);
    if (rc)
        return rc;
    if (c->w.conn_err)
        return fail(c, RC_KADMIN_ECONNECT, "%s: cannot connect to %s: %s", what, c->bootstrap,
                    c->w.conn_reason);
    return fail(c, RC_KADMIN_ETIMEOUT, "%s timed out after %d ms (bootstrap %s)", what,
                c->timeout_ms, c->bootstrap);
}

/* A broker error that is not worth waiting out. */
static int broker_failure(as_ctx *c, rd_kafka_resp_err_t err, const char *errstr, const char *what)
{
    if (!errstr || !*errstr)
        errstr = rd_kafka_err2str(err);
    if (rc_rk_is_auth_error(err))
        return fail(c, RC_KADMIN_EAUTH, "authentication failed: %s", errstr);
    if (rc_rk_is_access_error(err))
        return fail(c, RC_KADMIN_EACCESS, "%s: not authorised on topic %s: %s", what, c->topic,
                    errstr);
    return fail(c, RC_KADMIN_EOTHER, "%s (topic %s) failed: %s", what, c->topic, errstr);
}

/* ---- client setup -------------------------------------------------------- */

static int ctx_init(as_ctx *c, const rc_applied_state_config *cfg, char *errbuf, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    c->errbuf = errbuf;
    c->errlen = errlen;
    if (errlen)
        errbuf[0] = '\0';
    c->cluster = cfg->cluster_name && *cfg->cluster_name ? cfg->cluster_name : "(unnamed)";
    c->topic = cfg->topic && *cfg->topic ? cfg->topic : RC_APPLIED_STATE_TOPIC;
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : AS_DEFAULT_TIMEOUT_MS;
    c->deadline = rc_rk_now_ms() + c->timeout_ms;
    rc_rk_watch_init(&c->w, c->cluster, cfg->verbose, cfg->props, cfg->secrets);
    c->bootstrap = rc_rk_bootstrap(cfg->bootstrap, cfg->props);
    if (!cfg->cluster_name || !*cfg->cluster_name)
        return fail(c, RC_KADMIN_EOTHER, "no cluster name: the record key is the cluster name");
    if (!*c->bootstrap)
        return fail(c, RC_KADMIN_EOTHER, "no bootstrap servers");
    return 0;
}

static void ctx_free(as_ctx *c)
{
    if (c->rk)
        rd_kafka_destroy(c->rk);
    c->rk = NULL;
    rc_rk_watch_free(&c->w);
    free(c->bootstrap);
    c->bootstrap = NULL;
}

static int conf_set(as_ctx *c, rd_kafka_conf_t *conf, const char *key, const char *value)
{
    return rc_rk_conf_set(&c->w, conf, key, value, c->errbuf, c->errlen);
}

/* Create c->rk. User properties go first; the properties this module relies
 * on are set after them and win. */
static int make_client(as_ctx *c, rd_kafka_type_t type, const rc_applied_state_config *cfg)
{
    rd_kafka_conf_t *conf = NULL;
    int rc = rc_rk_conf_new(&conf, &c->w, cfg->bootstrap, cfg->props, c->errbuf, c->errlen);
    if (rc)
        return rc;
    if (type == RD_KAFKA_PRODUCER) {
        char tmo[32];
        snprintf(tmo, sizeof(tmo), "%d", c->timeout_ms);
        if ((rc = conf_set(c, conf, "enable.idempotence", "true")) ||
            (rc = conf_set(c, conf, "acks", "all")) ||
            (rc = conf_set(c, conf, "message.timeout.ms", tmo)) ||
            (rc = conf_set(c, conf, "linger.ms", "0")))
            goto fail;
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    } else {
        /* Legacy simple consumer: no group.id, so no group coordinator, no
         * committed offsets. */
        if ((rc = conf_set(c, conf, "enable.partition.eof", "true")) ||
            (rc = conf_set(c, conf, "enable.auto.commit", "false")) ||
            (rc = conf_set(c, conf, "enable.auto.offset.store", "false")) ||
            (rc = conf_set(c, conf, "auto.offset.reset", "earliest")))
            goto fail;
    }
    return rc_rk_client_new(&c->rk, &c->w, type, conf, c->errbuf, c->errlen);
fail:
    rd_kafka_conf_destroy(conf);
    return rc;
}

/* ---- metadata ------------------------------------------------------------ */

typedef struct topic_md {
    bool exists;
    int partitions;
    int brokers;
} topic_md;

/* A fresh Metadata request for c->topic, retried while the answer is
 * transient. With wait_ready, also retried until the topic exists and
 * partition 0 has a leader (after creating it). */
static int topic_metadata(as_ctx *c, rd_kafka_topic_t *rkt, bool wait_ready, topic_md *out)
{
    memset(out, 0, sizeof(*out));
    int slice = AS_SLICE_MIN_MS;
    const char *waiting_for = "connecting";
    for (;;) {
        const rd_kafka_metadata_t *md = NULL;
        rd_kafka_resp_err_t err = rd_kafka_metadata(c->rk, 0, rkt, &md, slice_ms(c, slice));
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            c->w.conn_err = RD_KAFKA_RESP_ERR_NO_ERROR;
            out->brokers = md->broker_cnt;
            rd_kafka_resp_err_t terr = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            bool leader0 = false;
            for (int i = 0; i < md->topic_cnt; i++) {
                const rd_kafka_metadata_topic_t *t = &md->topics[i];
                if (strcmp(t->topic, c->topic) != 0)
                    continue;
                terr = t->err;
                out->partitions = t->partition_cnt;
                for (int p = 0; p < t->partition_cnt; p++)
                    if (t->partitions[p].id == 0)
                        leader0 = t->partitions[p].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                                  t->partitions[p].leader >= 0;
            }
            rd_kafka_metadata_destroy(md);
            if (terr == RD_KAFKA_RESP_ERR_NO_ERROR && out->partitions > 0 &&
                (leader0 || !wait_ready)) {
                out->exists = true;
                return 0;
            }
            if (terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && !wait_ready) {
                out->partitions = 0;
                return 0;
            }
            if (terr != RD_KAFKA_RESP_ERR_NO_ERROR &&
                terr != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && !is_transient(terr))
                return broker_failure(c, terr, NULL, "metadata request");
            waiting_for = "waiting for the topic's partition leader";
        } else if (!is_transient(err)) {
            return broker_failure(c, err, NULL, "metadata request");
        }
        serve(c);
        int rc = seen_fatal(c);
        if (rc)
            return rc;
        if (remaining_ms(c) == 0)
            return deadline_failure(c, waiting_for);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) /* the broker answered "not yet": wait */
            rd_kafka_poll(c->rk, slice_ms(c, slice));
        slice = next_slice(slice);
    }
}

/* ---- admin calls (write side) -------------------------------------------- */

static rd_kafka_AdminOptions_t *admin_options(as_ctx *c, rd_kafka_admin_op_t op)
{
    char errstr[256];
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(c->rk, op);
    int t = slice_ms(c, 0x7fffffff);
    if (rd_kafka_AdminOptions_set_request_timeout(o, t, errstr, sizeof(errstr)) ||
        (op == RD_KAFKA_ADMIN_OP_CREATETOPICS &&
         rd_kafka_AdminOptions_set_operation_timeout(o, t, errstr, sizeof(errstr)))) {
        rd_kafka_AdminOptions_destroy(o);
        return NULL;
    }
    return o;
}

/* Wait for the one result event on q. *ev is NULL on failure. */
static int admin_wait(as_ctx *c, rd_kafka_queue_t *q, const char *what, rd_kafka_event_t **ev)
{
    *ev = NULL;
    int slice = AS_SLICE_MIN_MS;
    for (;;) {
        rd_kafka_event_t *e = rd_kafka_queue_poll(q, slice_ms(c, slice));
        serve(c);
        if (e) {
            rd_kafka_resp_err_t err = rd_kafka_event_error(e);
            if (err) {
                int rc = is_transient(err)
                             ? deadline_failure(c, what)
                             : broker_failure(c, err, rd_kafka_event_error_string(e), what);
                rd_kafka_event_destroy(e);
                return rc;
            }
            *ev = e;
            return 0;
        }
        int rc = seen_fatal(c);
        if (rc)
            return rc;
        if (remaining_ms(c) == 0)
            return deadline_failure(c, what);
        slice = next_slice(slice);
    }
}

static int create_topic(as_ctx *c, int brokers)
{
    int rf = brokers >= 3 ? 3 : (brokers > 0 ? brokers : 1);
    char errstr[512];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(c->topic, 1, rf, errstr, sizeof(errstr));
    if (!nt)
        return fail(c, RC_KADMIN_EOTHER, "cannot create topic %s: %s", c->topic, errstr);
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    if (rf >= 3)
        rd_kafka_NewTopic_set_config(nt, "min.insync.replicas", "2");
    rd_kafka_AdminOptions_t *o = admin_options(c, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    if (!o) {
        rd_kafka_NewTopic_destroy(nt);
        return fail(c, RC_KADMIN_EOTHER, "cannot set admin options");
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
    rd_kafka_CreateTopics(c->rk, &nt, 1, o, q);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_event_t *ev = NULL;
    int rc = admin_wait(c, q, "CreateTopics", &ev);
    if (rc == 0) {
        const rd_kafka_CreateTopics_result_t *r = rd_kafka_event_CreateTopics_result(ev);
        size_t n = 0;
        const rd_kafka_topic_result_t **ts = r ? rd_kafka_CreateTopics_result_topics(r, &n) : NULL;
        for (size_t i = 0; i < n; i++) {
            rd_kafka_resp_err_t err = rd_kafka_topic_result_error(ts[i]);
            /* TOPIC_ALREADY_EXISTS: a concurrent apply created it first */
            if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                rc = broker_failure(c, err, rd_kafka_topic_result_error_string(ts[i]),
                                    "creating the state topic");
        }
        if (n == 0)
            rc = fail(c, RC_KADMIN_EOTHER, "CreateTopics: empty result");
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    return rc;
}

/* The topic's cleanup.policy must be exactly "compact": with "delete" (or
 * "compact,delete") the record would expire and the guard would forget. */
static int check_compacted(as_ctx *c)
{
    rd_kafka_AdminOptions_t *o = admin_options(c, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    if (!o)
        return fail(c, RC_KADMIN_EOTHER, "cannot set admin options");
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, c->topic);
    rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
    rd_kafka_DescribeConfigs(c->rk, &cr, 1, o, q);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_event_t *ev = NULL;
    int rc = admin_wait(c, q, "DescribeConfigs", &ev);
    if (rc == 0) {
        const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
        size_t nres = 0;
        const rd_kafka_ConfigResource_t **rs =
            r ? rd_kafka_DescribeConfigs_result_resources(r, &nres) : NULL;
        const char *policy = NULL;
        for (size_t i = 0; i < nres && rc == 0; i++) {
            rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(rs[i]);
            if (err) {
                rc = broker_failure(c, err, rd_kafka_ConfigResource_error_string(rs[i]),
                                    "DescribeConfigs");
                break;
            }
            size_t nent = 0;
            const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[i], &nent);
            for (size_t j = 0; j < nent; j++)
                if (strcmp(rd_kafka_ConfigEntry_name(es[j]), "cleanup.policy") == 0)
                    policy = rd_kafka_ConfigEntry_value(es[j]);
        }
        if (rc == 0 && (!policy || strcmp(policy, "compact") != 0))
            rc = fail(c, RC_KADMIN_EOTHER,
                      "topic %s exists with cleanup.policy=%s: the record of the last applied "
                      "commit would expire; make it compacted (kafka-configs.sh "
                      "--bootstrap-server %s --alter --entity-type topics --entity-name %s "
                      "--add-config cleanup.policy=compact) or name another topic",
                      c->topic, policy ? policy : "(unknown)", c->bootstrap, c->topic);
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    return rc;
}

/* ---- the record value ---------------------------------------------------- */

static bool is_sha(const char *s, size_t len)
{
    if (len != AS_SHA_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

static char *lower_sha(const char *s)
{
    char *r = rc_xstrndup(s, AS_SHA_LEN);
    for (char *p = r; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    return r;
}

char *rc_applied_state_default_by(void)
{
    const char *run = getenv("GITHUB_RUN_ID");
    if (run && *run)
        return rc_xasprintf("github-run:%s", run);
    const char *job = getenv("CI_JOB_ID");
    if (job && *job)
        return rc_xasprintf("ci-job:%s", job);
    const char *user = getenv("USER");
    if (!user || !*user)
        user = getenv("LOGNAME");
    if (!user || !*user) {
        struct passwd *pw = getpwuid(geteuid());
        user = pw && pw->pw_name ? pw->pw_name : "unknown";
    }
    char host[256];
    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';
    return rc_xasprintf("%s@%s", user, host);
}

char *rc_applied_state_value(const char *commit, const char *by, long long now)
{
    time_t t = (time_t)now;
    struct tm tm;
    char when[32];
    if (!gmtime_r(&t, &tm) || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(when, sizeof(when), "1970-01-01T00:00:00Z");
    json_t *o = json_object();
    json_object_set_new(o, "commit", json_string(commit));
    json_object_set_new(o, "applied_at", json_string(when));
    json_object_set_new(o, "by", json_string(by ? by : ""));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s) /* only on out of memory or invalid UTF-8 in by */
        return rc_xasprintf("{\"commit\":\"%s\",\"applied_at\":\"%s\",\"by\":\"\"}", commit, when);
    char *r = rc_xstrdup(s);
    free(s);
    return r;
}

/* Parse a record value into out. 0, or -1 with a reason in why. */
static int parse_value(rc_applied_record *out, const char *val, size_t len, char *why,
                       size_t whylen)
{
    json_error_t jerr;
    json_t *o = json_loadb(val, len, 0, &jerr);
    if (!o || !json_is_object(o)) {
        snprintf(why, whylen, "not a JSON object%s%s", o ? "" : ": ", o ? "" : jerr.text);
        json_decref(o);
        return -1;
    }
    json_t *jc = json_object_get(o, "commit");
    const char *commit = json_is_string(jc) ? json_string_value(jc) : NULL;
    if (!commit || !is_sha(commit, strlen(commit))) {
        snprintf(why, whylen, "no 40-hex \"commit\"");
        json_decref(o);
        return -1;
    }
    out->commit = lower_sha(commit);
    json_t *ja = json_object_get(o, "applied_at");
    json_t *jb = json_object_get(o, "by");
    out->applied_at = json_is_string(ja) ? rc_xstrdup(json_string_value(ja)) : NULL;
    out->by = json_is_string(jb) ? rc_xstrdup(json_string_value(jb)) : NULL;
    json_decref(o);
    return 0;
}

void rc_applied_record_free(rc_applied_record *r)
{
    if (!r)
        return;
    free(r->commit);
    free(r->applied_at);
    free(r->by);
    memset(r, 0, sizeof(*r));
}

/* ---- read ---------------------------------------------------------------- */

/* Watermarks of partition 0, retried while transient. */
static int watermarks(as_ctx *c, int64_t *lo, int64_t *hi)
{
    int slice = AS_SLICE_MIN_MS;
    for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(c->rk, c->topic, 0, lo, hi, slice_ms(c, 5000));
        if (!err)
            return 0;
        if (!is_transient(err))
            return broker_failure(c, err, NULL, "reading offsets");
        serve(c);
        int rc = seen_fatal(c);
        if (rc)
            return rc;
        if (remaining_ms(c) == 0)
            return deadline_failure(c, "reading offsets");
        rd_kafka_poll(c->rk, slice_ms(c, slice));
        slice = next_slice(slice);
    }
}

/* Consume partition 0 from the beginning up to hi; keep the last value for
 * the key. *last is the value (heap, NUL-terminated) or NULL for none or a
 * tombstone; *last_len its length; *last_offset its offset (-1 for none). */
static int scan(as_ctx *c, rd_kafka_topic_t *rkt, int64_t hi, char **last, size_t *last_len,
                long long *last_offset)
{
    *last = NULL;
    *last_len = 0;
    *last_offset = -1;
    if (rd_kafka_consume_start(rkt, 0, RD_KAFKA_OFFSET_BEGINNING) == -1)
        return broker_failure(c, rd_kafka_last_error(), NULL, "starting to read");
    size_t keylen = strlen(c->cluster);
    int rc = 0;
    bool done = false;
    while (!done && rc == 0) {
        rd_kafka_message_t *m = rd_kafka_consume(rkt, 0, slice_ms(c, 200));
        serve(c);
        if (!m) {
            if ((rc = seen_fatal(c)) == 0 && remaining_ms(c) == 0)
                rc = deadline_failure(c, "reading the state topic");
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            done = m->offset >= hi;
        } else if (m->err) {
            if (rc_rk_is_auth_error(m->err) || rc_rk_is_access_error(m->err) ||
                !is_transient(m->err))
                rc = broker_failure(c, m->err, rd_kafka_message_errstr(m),
                                    "reading the state topic");
        } else {
            if (m->key && m->key_len == keylen && memcmp(m->key, c->cluster, keylen) == 0) {
                free(*last);
                *last = m->payload ? rc_xstrndup(m->payload, m->len) : NULL;
                *last_len = m->payload ? m->len : 0;
                *last_offset = m->offset;
            }
            done = m->offset >= hi - 1;
        }
        rd_kafka_message_destroy(m);
        if (rc == 0 && !done && remaining_ms(c) == 0)
            rc = deadline_failure(c, "reading the state topic");
    }
    rd_kafka_consume_stop(rkt, 0);
    if (rc != 0) {
        free(*last);
        *last = NULL;
    }
    return rc;
}

int rc_applied_state_read_record(bool *found, rc_applied_record *out,
                                 const rc_applied_state_config *cfg, char *errbuf, size_t errlen)
{
    *found = false;
    memset(out, 0, sizeof(*out));
    as_ctx c;
    int rc = ctx_init(&c, cfg, errbuf, errlen);
    if (rc == 0)
        rc = make_client(&c, RD_KAFKA_CONSUMER, cfg);
    rd_kafka_topic_t *rkt = NULL;
    char *last = NULL;
    size_t last_len = 0;
    long long last_offset = -1;
    if (rc == 0) {
        rkt = rd_kafka_topic_new(c.rk, c.topic, NULL);
        if (!rkt)
            rc = fail(&c, RC_KADMIN_EOTHER, "cannot use topic %s: %s", c.topic,
                      rd_kafka_err2str(rd_kafka_last_error()));
    }
    topic_md md = {0};
    int64_t lo = 0, hi = 0;
    if (rc == 0)
        rc = topic_metadata(&c, rkt, false, &md);
    if (rc == 0 && md.exists)
        rc = watermarks(&c, &lo, &hi);
    if (rc == 0 && md.exists && hi > lo)
        rc = scan(&c, rkt, hi, &last, &last_len, &last_offset);
    if (rc == 0 && last) {
        char why[200];
        if (parse_value(out, last, last_len, why, sizeof(why)) != 0) {
            rc = fail(&c, RC_KADMIN_EOTHER,
                      "the latest record for this cluster in topic %s (partition 0, offset %lld) "
                      "is unreadable: %s; write a valid record or a tombstone (NULL value) for "
                      "key \"%s\" to reset it",
                      c.topic, last_offset, why, c.cluster);
            rc_applied_record_free(out);
        } else {
            out->offset = last_offset;
            *found = true;
        }
    }
    free(last);
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    ctx_free(&c);
    return rc;
}

int rc_applied_state_read(char **commit_out, const rc_applied_state_config *cfg, char *errbuf,
                          size_t errlen)
{
    *commit_out = NULL;
    bool found = false;
    rc_applied_record rec;
    int rc = rc_applied_state_read_record(&found, &rec, cfg, errbuf, errlen);
    if (rc == 0 && found) {
        *commit_out = rec.commit;
        rec.commit = NULL;
    }
    rc_applied_record_free(&rec);
    return rc;
}

/* ---- write --------------------------------------------------------------- */

/* Flush until the delivery report arrives or the deadline passes. */
static int await_delivery(as_ctx *c)
{
    while (c->dr_count == 0) {
        rd_kafka_flush(c->rk, slice_ms(c, 200));
        int rc = seen_fatal(c);
        if (rc)
            return rc;
        if (c->dr_count == 0 && remaining_ms(c) == 0) {
            /* Fail the record locally so destroy does not wait on it. It
             * may still have reached the broker: say so. */
            rd_kafka_purge(c->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            rd_kafka_poll(c->rk, 0);
            rc = deadline_failure(c, "recording the applied commit");
            if (c->errlen) {
                size_t n = strlen(c->errbuf);
                snprintf(c->errbuf + n, c->errlen - n,
                         " (the record may or may not have been written)");
            }
            return rc;
        }
    }
    if (c->dr_err)
        return broker_failure(c, c->dr_err, c->dr_reason, "recording the applied commit");
    return 0;
}

int rc_applied_state_write(const rc_applied_state_config *cfg, const char *commit, char *errbuf,
                           size_t errlen)
{
    as_ctx c;
    int rc = ctx_init(&c, cfg, errbuf, errlen);
    if (rc == 0 && (!commit || !is_sha(commit, strlen(commit))))
        rc = fail(&c, RC_KADMIN_EOTHER, "'%s' is not a full commit sha (40 hex digits)",
                  commit ? commit : "(null)");
    if (rc == 0)
        rc = make_client(&c, RD_KAFKA_PRODUCER, cfg);
    rd_kafka_topic_t *rkt = NULL;
    if (rc == 0) {
        rkt = rd_kafka_topic_new(c.rk, c.topic, NULL);
        if (!rkt)
            rc = fail(&c, RC_KADMIN_EOTHER, "cannot use topic %s: %s", c.topic,
                      rd_kafka_err2str(rd_kafka_last_error()));
    }
    topic_md md = {0};
    if (rc == 0)
        rc = topic_metadata(&c, rkt, false, &md);
    if (rc == 0 && !md.exists) {
        rc = create_topic(&c, md.brokers);
        if (rc == 0)
            rc = topic_metadata(&c, rkt, true, &md);
    } else if (rc == 0) {
        rc = check_compacted(&c);
    }
    if (rc == 0) {
        char *sha = lower_sha(commit);
        char *by = cfg->by && *cfg->by ? rc_xstrdup(cfg->by) : rc_applied_state_default_by();
        char *value = rc_applied_state_value(sha, by, (long long)time(NULL));
        rd_kafka_resp_err_t err = rd_kafka_producev(
            c.rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_KEY(c.cluster, strlen(c.cluster)), RD_KAFKA_V_VALUE(value, strlen(value)),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err)
            rc = broker_failure(&c, err, NULL, "recording the applied commit");
        else
            rc = await_delivery(&c);
        free(value);
        free(by);
        free(sha);
    }
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    ctx_free(&c);
    return rc;
}
