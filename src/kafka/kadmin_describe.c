/* kadmin_describe.c — describe_cluster (metadata, cluster id, broker
 * defaults) and describe_named (declared topics the all-topics metadata left
 * out). */
#include "kadmin_rdkafka_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- describe_cluster ---------------------------------------------------- */

int rk_cmp_topic_obs(const void *a, const void *b)
{
    return strcmp(((const rc_topic_obs *)a)->name, ((const rc_topic_obs *)b)->name);
}

/* Send DescribeConfigs for broker `id` on q (result read later). */
static void send_broker_config(rk_admin *ka, rd_kafka_queue_t *q, int32_t id, int timeout_ms)
{
    char errstr[256], name[16];
    rd_kafka_AdminOptions_t *o =
        rd_kafka_AdminOptions_new(ka->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    if (!o)
        return;
    rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms > 0 ? timeout_ms : 1, errstr,
                                              sizeof(errstr));
    snprintf(name, sizeof(name), "%d", (int)id);
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, name);
    rd_kafka_DescribeConfigs(ka->rk, &cr, 1, o, q);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_AdminOptions_destroy(o);
}

/* From the broker config result: auto.create.topics.enable (1, 0) and the
 * replication factor a topic created without one takes
 * (default.replication.factor). Fields the answer lacks stay -1 (unknown): a principal
 * without DescribeConfigs on the cluster, or no answer in time. */
static void read_broker_defaults(rc_cluster_obs *obs, rd_kafka_queue_t *q, int timeout_ms)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms > 0 ? timeout_ms : 1);
    if (!ev)
        return;
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    size_t nres = 0, nent = 0;
    const rd_kafka_ConfigResource_t **rs =
        r && !rd_kafka_event_error(ev) ? rd_kafka_DescribeConfigs_result_resources(r, &nres) : NULL;
    for (size_t i = 0; rs && i < nres; i++) {
        if (rd_kafka_ConfigResource_error(rs[i]))
            continue;
        const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[i], &nent);
        for (size_t j = 0; j < nent; j++) {
            const char *name = rd_kafka_ConfigEntry_name(es[j]);
            const char *val = rd_kafka_ConfigEntry_value(es[j]);
            if (!val)
                continue;
            if (strcmp(name, "auto.create.topics.enable") == 0)
                obs->auto_create_topics = strcmp(val, "true") == 0 ? 1 : 0;
            else if (strcmp(name, "default.replication.factor") == 0)
                obs->default_replication_factor = atoi(val);
        }
    }
    rd_kafka_event_destroy(ev);
}

static void topic_obs_from_metadata(rc_topic_obs *t, const rd_kafka_metadata_topic_t *mt)
{
    t->name = rc_xstrdup(mt->topic);
    t->partitions = mt->partition_cnt;
    /* While a reassignment runs, a moving partition lists its old and new
     * replicas together: the smallest count is the nearest to the
     * replication factor, and a spread says something is moving. */
    for (int j = 0; j < mt->partition_cnt; j++) {
        int n = mt->partitions[j].replica_cnt;
        if (j == 0 || n < t->replication_factor)
            t->replication_factor = n;
        if (n > t->max_replicas)
            t->max_replicas = n;
        if (mt->partitions[j].isr_cnt < n)
            t->replicas_catching_up = true;
    }
    t->internal = strncmp(mt->topic, "__", 2) == 0;
}

int rk_op_describe_cluster(rc_kadmin *base, rc_cluster_obs *obs, char *errbuf, size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    memset(obs, 0, sizeof(*obs));
    obs->auto_create_topics = -1;
    obs->default_replication_factor = -1;
    long long start = rc_rk_now_ms();
    long long deadline = start + ka->timeout_ms;
    /* The probe is the full request: on librdkafka 2.0.2 a brokers-only
     * probe costs as much (rk_ensure_up), so one request, not two. */
    const rd_kafka_metadata_t *md = NULL;
    int rc = rk_ensure_up(ka, deadline, &md, true, errbuf, errlen);
    if (rc)
        return rc;

    /* The broker's config, read after the topics are taken from md. */
    rd_kafka_queue_t *q = NULL;
    if (md->broker_cnt > 0) {
        q = rd_kafka_queue_new(ka->rk);
        send_broker_config(ka, q, md->brokers[0].id, rc_rk_remaining_ms(deadline));
    }
    obs->broker_count = md->broker_cnt;
    obs->topics = rc_xcalloc((size_t)md->topic_cnt, sizeof(*obs->topics));
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *mt = &md->topics[i];
        if (mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            mt->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
            continue;
        topic_obs_from_metadata(&obs->topics[obs->ntopics++], mt);
    }
    rd_kafka_metadata_destroy(md);
    qsort(obs->topics, obs->ntopics, sizeof(*obs->topics), rk_cmp_topic_obs);

    char *id = rd_kafka_clusterid(ka->rk, min_int(rc_rk_remaining_ms(deadline) + 1, 5000));
    if (id) {
        obs->cluster_id = rc_xstrdup(id);
        rd_kafka_mem_free(ka->rk, id);
    }
    if (q)
        read_broker_defaults(obs, q, rc_rk_remaining_ms(deadline));
    if (q)
        rd_kafka_queue_destroy(q);
    return 0;
}

/* ---- describe_named ------------------------------------------------------ */

/* librdkafka 2.0.2 has no DescribeTopics, and topic handles for a Metadata
 * request by name cost O(n^2) inside librdkafka (37 s of CPU for 10,000).
 * DescribeConfigs asks about named topics in batches and answers each one:
 * UNKNOWN_TOPIC_OR_PARTITION for a missing topic, TOPIC_AUTHORIZATION_FAILED
 * for one the principal may not describe, its configs for one that exists
 * although Metadata left it out (the principal lacks Describe on it). */
typedef struct rk_named {
    const char *const *names;
    unsigned char *verdict; /* per name: 0 missing, 1 hidden from this principal */
} rk_named;

static bool submit_named(rk_pump *p, rk_batch *b)
{
    rk_named *d = p->ctx;
    rd_kafka_ConfigResource_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    for (size_t k = 0; k < b->n; k++)
        objs[k] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, d->names[b->idx[k]]);
    rd_kafka_DescribeConfigs(p->ka->rk, objs, b->n, p->opts, p->q);
    rd_kafka_ConfigResource_destroy_array(objs, b->n);
    free(objs);
    return b->n > 0;
}

static int handle_named(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    rk_named *d = p->ctx;
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    if (!r)
        return rk_fail(p->ka, p->errbuf, p->errlen, RC_KADMIN_EOTHER,
                       "DescribeConfigs: unexpected event %s", rd_kafka_event_name(ev));
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(r, &nres);
    for (size_t i = 0; i < nres; i++) {
        const char *name = rd_kafka_ConfigResource_name(rs[i]);
        rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(rs[i]);
        for (size_t k = 0; name && k < b->n; k++) {
            if (strcmp(d->names[b->idx[k]], name) != 0)
                continue;
            d->verdict[b->idx[k]] = err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            break;
        }
    }
    return 0;
}

int rk_op_describe_named(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics, size_t n,
                         char *errbuf, size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    if (n == 0)
        return 0;
    rk_named d = {topics, rc_xcalloc(n, 1)};
    rk_pump p = {.ka = ka,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .what = "DescribeConfigs of declared topics",
                 .submit = submit_named,
                 .handle = handle_named,
                 .ctx = &d};
    int rc = rk_pump_call(&p, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, n);
    if (rc)
        goto out;
    size_t hidden = 0;
    for (size_t i = 0; i < n; i++)
        hidden += d.verdict[i];
    if (hidden) {
        obs->topics = rc_xrealloc(obs->topics, (obs->ntopics + hidden) * sizeof(*obs->topics));
        for (size_t i = 0; i < n; i++) {
            if (!d.verdict[i])
                continue;
            rc_topic_obs *t = &obs->topics[obs->ntopics++];
            memset(t, 0, sizeof(*t));
            t->name = rc_xstrdup(topics[i]);
            t->describe_denied = true;
        }
        qsort(obs->topics, obs->ntopics, sizeof(*obs->topics), rk_cmp_topic_obs);
    }
out:
    free(d.verdict);
    return rc;
}
