/* kadmin_configs.c — describe_configs: the configs of named topics,
 * batched DescribeConfigs on the request pump, and the union of config keys. */
#include "kadmin_rdkafka_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- describe_configs ---------------------------------------------------- */

typedef struct rk_describe {
    rc_cluster_obs *obs;
    bool *answered;    /* per obs->topics entry: a result named it */
    size_t *topic_idx; /* input index -> index in obs->topics */
    char **keys;       /* sorted, unique; strings owned */
    size_t nkeys, capkeys;
} rk_describe;

static void keyset_add(rk_describe *d, const char *key)
{
    size_t lo = 0, hi = d->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->keys[mid], key);
        if (c == 0)
            return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (d->nkeys == d->capkeys) {
        d->capkeys = d->capkeys ? d->capkeys * 2 : 64;
        d->keys = rc_xrealloc(d->keys, d->capkeys * sizeof(*d->keys));
    }
    memmove(&d->keys[lo + 1], &d->keys[lo], (d->nkeys - lo) * sizeof(*d->keys));
    d->keys[lo] = rc_xstrdup(key);
    d->nkeys++;
}

static rc_config_source map_source(rd_kafka_ConfigSource_t s)
{
    switch (s) {
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG:
        return RC_CFG_TOPIC_OVERRIDE;
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG:
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG:
        return RC_CFG_BROKER_DYNAMIC;
    case RD_KAFKA_CONFIG_SOURCE_STATIC_BROKER_CONFIG:
        return RC_CFG_BROKER_STATIC;
    case RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG:
        return RC_CFG_DEFAULT;
    default:
        return RC_CFG_OTHER;
    }
}

static int cmp_config_obs(const void *a, const void *b)
{
    return strcmp(((const rc_config_obs *)a)->key, ((const rc_config_obs *)b)->key);
}

static bool submit_describe(rk_pump *p, rk_batch *b)
{
    rk_describe *d = p->ctx;
    rd_kafka_ConfigResource_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    for (size_t k = 0; k < b->n; k++)
        objs[k] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC,
                                              d->obs->topics[d->topic_idx[b->idx[k]]].name);
    rd_kafka_DescribeConfigs(p->ka->rk, objs, b->n, p->opts, p->q);
    rd_kafka_ConfigResource_destroy_array(objs, b->n);
    free(objs);
    return b->n > 0;
}

static int handle_describe(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    rk_describe *d = p->ctx;
    (void)b;
    const rd_kafka_DescribeConfigs_result_t *r = rd_kafka_event_DescribeConfigs_result(ev);
    if (!r)
        return rk_fail(p->ka, p->errbuf, p->errlen, RC_KADMIN_EOTHER,
                       "DescribeConfigs: unexpected event %s", rd_kafka_event_name(ev));
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(r, &nres);
    for (size_t i = 0; i < nres; i++) {
        const char *name = rd_kafka_ConfigResource_name(rs[i]);
        rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(rs[i]);
        const rc_topic_obs *ct = name ? rc_cluster_obs_topic(d->obs, name) : NULL;
        if (!ct)
            continue;
        rc_topic_obs *t = &d->obs->topics[ct - d->obs->topics];
        d->answered[ct - d->obs->topics] = true;
        if (err) {
            const char *es = rd_kafka_ConfigResource_error_string(rs[i]);
            if (!es || !*es)
                es = rd_kafka_err2str(err);
            free(t->config_error);
            t->config_error =
                err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                    ? rc_xasprintf("it was deleted while the plan was read (%s)", es)
                    : rc_xasprintf("DescribeConfigs failed%s: %s",
                                   rc_rk_is_access_error(err) ? " (not authorised)" : "", es);
            continue;
        }
        for (size_t j = 0; j < t->nconfigs; j++) {
            free(t->configs[j].key);
            free(t->configs[j].value);
        }
        free(t->configs);
        size_t nent = 0;
        const rd_kafka_ConfigEntry_t **es = rd_kafka_ConfigResource_configs(rs[i], &nent);
        t->configs = rc_xcalloc(nent, sizeof(*t->configs));
        t->nconfigs = nent;
        for (size_t j = 0; j < nent; j++) {
            rc_config_obs *c = &t->configs[j];
            const char *val = rd_kafka_ConfigEntry_value(es[j]);
            c->key = rc_xstrdup(rd_kafka_ConfigEntry_name(es[j]));
            c->sensitive = rd_kafka_ConfigEntry_is_sensitive(es[j]) == 1;
            c->read_only = rd_kafka_ConfigEntry_is_read_only(es[j]) == 1;
            c->value = val && !c->sensitive ? rc_xstrdup(val) : NULL;
            c->source = map_source(rd_kafka_ConfigEntry_source(es[j]));
            keyset_add(d, c->key);
        }
        qsort(t->configs, t->nconfigs, sizeof(*t->configs), cmp_config_obs);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* obs->config_keys := sorted unique union of obs->config_keys and d->keys. */
static void merge_keys(rc_cluster_obs *obs, rk_describe *d)
{
    size_t n = obs->nconfig_keys + d->nkeys;
    char **all = rc_xcalloc(n, sizeof(*all));
    size_t m = 0;
    for (size_t i = 0; i < obs->nconfig_keys; i++)
        all[m++] = obs->config_keys[i];
    for (size_t i = 0; i < d->nkeys; i++)
        all[m++] = d->keys[i];
    qsort(all, m, sizeof(*all), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < m; i++) {
        if (u > 0 && strcmp(all[u - 1], all[i]) == 0)
            free(all[i]);
        else
            all[u++] = all[i];
    }
    free(obs->config_keys);
    free(d->keys);
    d->keys = NULL;
    d->nkeys = d->capkeys = 0;
    obs->config_keys = all;
    obs->nconfig_keys = u;
}

int rk_op_describe_configs(rc_kadmin *base, rc_cluster_obs *obs, const char *const *topics,
                           size_t ntopics, char *errbuf, size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    rk_describe d = {.obs = obs};
    /* Only topics present in obs, each once. */
    bool *seen = rc_xcalloc(obs->ntopics, sizeof(bool));
    d.topic_idx = rc_xcalloc(ntopics, sizeof(size_t));
    size_t n = 0;
    for (size_t i = 0; i < ntopics; i++) {
        const rc_topic_obs *t = rc_cluster_obs_topic(obs, topics[i]);
        if (!t || seen[t - obs->topics])
            continue;
        seen[t - obs->topics] = true;
        d.topic_idx[n++] = (size_t)(t - obs->topics);
    }
    free(seen);
    int rc = 0;
    if (n == 0)
        goto out;
    rk_pump p = {.ka = ka,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .what = "DescribeConfigs",
                 .submit = submit_describe,
                 .handle = handle_describe,
                 .ctx = &d};
    d.answered = rc_xcalloc(obs->ntopics, sizeof(bool));
    rc = rk_pump_call(&p, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, n);
    /* A batched answer that leaves a topic out must not read as "no
     * overrides": that would hide drift, or wipe overrides on apply. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc_topic_obs *t = &obs->topics[d.topic_idx[i]];
        if (!d.answered[d.topic_idx[i]] && !t->config_error)
            t->config_error = rc_xstrdup("the broker's DescribeConfigs answer left it out");
    }
    free(d.answered);
out:
    free(d.topic_idx);
    merge_keys(obs, &d);
    return rc;
}
