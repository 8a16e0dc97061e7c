/* decl_cluster.c — topics/<cluster>/_cluster.yaml: connection, defaults,
 * policy, monitoring, and the URL and label rules. */
#include "decl_parse.h"

#include "secrets.h"
#include "topic_config.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cluster file ------------------------------------------------------------- */

enum {
    CK_BOOTSTRAP,
    CK_CLIENT,
    CK_CLUSTER_ID,
    CK_REPO_URL,
    CK_DEFAULTS,
    CK_POLICY,
    CK_MONITORING,
    CK_ACCESS
};
static const char *const cluster_keys[] = {"bootstrap", "client", "cluster_id", "repository_url",
                                           "defaults",  "policy", "monitoring", "access"};

enum { DK_PARTITIONS, DK_RF, DK_CONFIG, DK_LAG };
static const char *const defaults_keys[] = {"partitions", "replication_factor", "config", "lag"};

enum {
    PK_NAME_PATTERN,
    PK_MIN_RF,
    PK_MAX_RF,
    PK_MAX_PARTITIONS,
    PK_ALLOW_DELETE,
    PK_MAX_DELETIONS,
    PK_KEEP_OVERRIDES,
    PK_GUARD_OLDER,
    PK_IGNORE,
    PK_ALLOWED_KEYS,
    PK_REQUIRED_FIELDS,
    PK_PARTITION_MPS
};
static const char *const policy_keys[] = {"name_pattern",
                                          "min_replication_factor",
                                          "max_replication_factor",
                                          "max_partitions",
                                          "allow_delete",
                                          "max_deletions",
                                          "keep_undeclared_overrides",
                                          "guard_older_commits",
                                          "ignore",
                                          "allowed_config_keys",
                                          "required_fields",
                                          "partition_messages_per_second"};

enum {
    MK_SOURCE,
    MK_DATASOURCE,
    MK_PROM_URL,
    MK_GRAFANA_URL,
    MK_FOLDER,
    MK_LABELS,
    MK_CLIENT_METRICS
};
static const char *const monitoring_keys[] = {
    "metric_source", "prometheus_datasource", "prometheus_url", "grafana_url", "grafana_folder",
    "labels",        "client_metrics"};

/* What policy.required_fields may name. */
const char *const topic_field_paths[] = {"name",
                                         "partitions",
                                         "replication_factor",
                                         "owner",
                                         "message",
                                         "description",
                                         "config",
                                         "lag",
                                         "lag.max",
                                         "lag.for",
                                         "lag.severity",
                                         "consumers",
                                         "producers",
                                         "throughput",
                                         "throughput.messages_per_second",
                                         "alerts",
                                         "alerts.skew",
                                         "alerts.no_production",
                                         "alerts.produce_rate_change",
                                         "alerts.no_consumption"};
_Static_assert(sizeof(topic_field_paths) / sizeof(topic_field_paths[0]) == N_TOPIC_FIELD_PATHS,
               "N_TOPIC_FIELD_PATHS in decl_parse.h counts topic_field_paths");

/* Characters that make one URL read as two: a browser and curl would not
 * agree on where it points, or a shell or a markdown link would cut it. */
static const char *url_char_problem(const char *url)
{
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if (*p <= 0x20)
            return *p == ' ' ? "it contains a space" : "it contains a control character";
        if (*p == 0x7f)
            return "it contains a control character";
        switch (*p) {
        case '"':
        case '\'':
            return "it contains a quote";
        case '<':
        case '>':
            return "it contains an angle bracket";
        case '\\':
            /* browsers read it as '/', curl does not: two different hosts */
            return "it contains a backslash";
        case '`':
            return "it contains a backtick";
        default:
            break;
        }
    }
    return NULL;
}

/* host .. end is "[v6]" or "[v6]:port"; *port is set to the ':' or NULL. */
static const char *ipv6_host_problem(const char *host, const char *end, const char **port)
{
    const char *close = memchr(host, ']', (size_t)(end - host));
    if (!close || close == host + 1)
        return "it has an invalid IPv6 host";
    for (const char *p = host + 1; p < close; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') ||
              *p == ':' || *p == '.'))
            return "it has an invalid IPv6 host";
    if (close + 1 < end && close[1] != ':')
        return "it has an invalid host";
    *port = close + 1 < end ? close + 1 : NULL;
    return NULL;
}

/* host .. end is "name" or "name:port"; *port is set to the ':' or NULL. */
static const char *name_host_problem(const char *host, const char *end, const char **port)
{
    const char *colon = memchr(host, ':', (size_t)(end - host));
    const char *hend = colon ? colon : end;
    if (hend == host)
        return "it has no host";
    for (const char *p = host; p < hend; p++) {
        unsigned char c = (unsigned char)*p;
        /* IDN hosts may be written in UTF-8; curl and browsers convert them */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c >= 0x80))
            return "it has an invalid character in the host";
    }
    *port = colon;
    return NULL;
}

/* port .. end is ":digits", 1 to 65535. */
static const char *port_problem(const char *port, const char *end)
{
    long n = 0;
    const char *p = port + 1;
    if (p == end)
        return "it has an empty port";
    for (; p < end; p++) {
        if (*p < '0' || *p > '9' || n > 65535)
            return "it has an invalid port";
        n = n * 10 + (*p - '0');
    }
    if (n < 1 || n > 65535)
        return "it has an invalid port";
    return NULL;
}

const char *rc_decl_url_problem(const char *url, bool allow_userinfo)
{
    const char *rest;
    if (!strncmp(url, "http://", 7))
        rest = url + 7;
    else if (!strncmp(url, "https://", 8))
        rest = url + 8;
    else
        return "the scheme must be http:// or https://";
    const char *problem = url_char_problem(url);
    if (problem)
        return problem;
    size_t alen = strcspn(rest, "/?#");
    const char *host = rest, *end = rest + alen;
    const char *at = NULL;
    for (const char *p = rest; p < end; p++)
        if (*p == '@')
            at = p;
    if (at) {
        if (!allow_userinfo)
            return "a user name or password before the host (user@host) is not allowed here";
        host = at + 1;
    }
    const char *port = NULL;
    if (host < end && *host == '[')
        problem = ipv6_host_problem(host, end, &port);
    else
        problem = name_host_problem(host, end, &port);
    if (!problem && port)
        problem = port_problem(port, end);
    return problem;
}

/* Values with ${ENV} references are checked for their syntax here and as
 * URLs once expanded, by the command that uses them. */
static void check_url(ctx *x, const rc_ynode *v, const char *field, bool allow_userinfo)
{
    if (strstr(v->str, "${")) {
        check_env(x, v, field, v->str);
        return;
    }
    const char *why = rc_decl_url_problem(v->str, allow_userinfo);
    if (why)
        diag(x, E, v, "url", "%s: not an absolute http:// or https:// URL: %s", field, why);
}

bool rc_decl_label_name_ok(const char *s)
{
    size_t n = rc_ident_len(s);
    return n > 0 && s[n] == '\0' && !(s[0] == '_' && s[1] == '_');
}

/* A free-form map of scalar values (client properties, labels). */
static void parse_string_map(ctx *x, const rc_ynode *map, const char *field, rc_kvlist *out,
                             bool client, bool labels)
{
    if (!want_kind(x, map, field, RC_YNODE_MAPPING))
        return;
    bool *dup = rc_xcalloc(map->npairs, sizeof(*dup));
    check_map_keys(x, map, field, dup);
    for (size_t i = 0; i < map->npairs; i++) {
        if (dup[i])
            continue;
        const rc_ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
        char sub[160];
        snprintf(sub, sizeof(sub), "%s.%.120s", field, k->str);
        if (v->kind != RC_YNODE_SCALAR || !present(v)) {
            diag(x, E, v, "type", "%s: expected a string, got %s", sub, rc_ynode_kind_name(v));
            continue;
        }
        if (client) {
            if (!strcmp(k->str, "bootstrap.servers")) {
                diag(x, E, k, "client",
                     "%s: set the top-level \"bootstrap\" field instead of bootstrap.servers",
                     field);
                continue;
            }
            /* librdkafka's property names are lower case and case-sensitive:
             * SASL.PASSWORD would be refused by the client, and must not slip
             * past the secret rule either. */
            bool lower = true;
            for (const char *p = k->str; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    lower = false;
            if (!lower) {
                diag(x, E, k, "client",
                     "%s: client property names are lower case (librdkafka's names are "
                     "case-sensitive)",
                     sub);
                continue;
            }
            /* Never echo the value: it is the secret. Exactly one reference,
             * no default, nothing beside it: anything else puts part of the
             * secret (or all of it, escaped as $${...}) in the repository. */
            if (rc_secrets_key_bears_secret(k->str) && !rc_secrets_is_one_reference(v->str)) {
                diag(x, E, v, "secret",
                     "%s: a secret must not be written in the repository: the value must be "
                     "exactly one environment reference such as ${KAFKA_PASSWORD}, with no "
                     "default and nothing beside it",
                     sub);
                continue;
            }
            check_env(x, v, sub, v->str);
        }
        if (labels && !rc_decl_label_name_ok(k->str)) {
            diag(x, E, k, "label",
                 "%s: \"%s\" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, "
                 "not starting with \"__\")",
                 field, k->str);
            continue;
        }
        rc_kvlist_set(out, k->str, v->str);
    }
    free(dup);
}

/* policy.name_pattern, anchored so the pattern describes the whole name,
 * which is what a reader of `^[a-z]+\.` or `[a-z.]+` expects from a naming
 * policy. */
static void parse_name_pattern(ctx *x, cluster_ctx *cc, const rc_ynode *n)
{
    rc_cluster_decl *c = cc->c;
    if (!want_string(x, n, "policy.name_pattern", true, &c->name_pattern))
        return;
    char *anchored = rc_xasprintf("^(%s)$", c->name_pattern);
    int rc = regcomp(&cc->re, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    if (rc != 0) {
        char err[256];
        regerror(rc, &cc->re, err, sizeof(err));
        diag(x, E, n, "name-pattern", "policy.name_pattern: invalid POSIX extended regex: %s", err);
        free(c->name_pattern);
        c->name_pattern = NULL;
    } else {
        cc->has_re = true;
    }
}

/* policy.allowed_config_keys: a close match to a known key is a typo; a key
 * with none is presumably a newer broker's, deliberately allowed. */
static void parse_allowed_keys(ctx *x, rc_cluster_decl *c, const rc_ynode *n)
{
    if (!want_string_list(x, n, "policy.allowed_config_keys", &c->allowed_config_keys,
                          &c->nallowed_config_keys))
        return;
    size_t nnames;
    const char *const *names = rc_topic_config_names(&nnames);
    for (size_t i = 0; i < n->nitems; i++) {
        const char *key = n->items[i]->str;
        if (rc_topic_config_lookup(key))
            continue;
        const char *dym = rc_did_you_mean(key, names, nnames);
        if (dym)
            diag(x, E, n->items[i], "unknown-config",
                 "policy.allowed_config_keys: unknown topic config key \"%s\" (did you mean "
                 "\"%s\"?)",
                 key, dym);
    }
}

/* policy.required_fields: unknown names are reported here once and dropped,
 * so they do not come back as a [required] error on every topic. */
static void parse_required_fields(ctx *x, cluster_ctx *cc, const rc_ynode *n)
{
    if (!want_string_list(x, n, "policy.required_fields", &cc->required_fields,
                          &cc->nrequired_fields))
        return;
    size_t w = 0;
    for (size_t i = 0; i < n->nitems; i++) {
        char *f = cc->required_fields[i];
        size_t k = 0;
        while (k < N_TOPIC_FIELD_PATHS && strcmp(topic_field_paths[k], f) != 0)
            k++;
        if (k < N_TOPIC_FIELD_PATHS) {
            cc->required_fields[w++] = f;
            continue;
        }
        const char *dym = rc_did_you_mean(f, topic_field_paths, N_TOPIC_FIELD_PATHS);
        diag(x, E, n->items[i], "unknown-key",
             "policy.required_fields: \"%s\" is not a topic field%s%s%s", f,
             dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "");
        free(f);
    }
    cc->nrequired_fields = w;
}

static void parse_policy(ctx *x, cluster_ctx *cc, const rc_ynode *v)
{
    rc_cluster_decl *c = cc->c;
    const rc_ypair *s[ARRAY_LEN(policy_keys)];
    if (!walk_map(x, v, "policy", policy_keys, ARRAY_LEN(policy_keys), s))
        return;
    const rc_ynode *n;
    if ((n = val(s[PK_NAME_PATTERN])))
        parse_name_pattern(x, cc, n);
    if ((n = val(s[PK_MIN_RF])) &&
        want_int(x, n, "policy.min_replication_factor", &c->min_replication_factor) &&
        c->min_replication_factor < 1) {
        diag(x, E, n, "replication-factor", "policy.min_replication_factor must be at least 1");
        c->min_replication_factor = 0;
    }
    if ((n = val(s[PK_MAX_RF])) &&
        want_int(x, n, "policy.max_replication_factor", &c->max_replication_factor)) {
        if (c->max_replication_factor < 1 ||
            c->max_replication_factor < c->min_replication_factor) {
            diag(x, E, n, "replication-factor",
                 "policy.max_replication_factor %d must be at least 1 and not below "
                 "min_replication_factor",
                 c->max_replication_factor);
            c->max_replication_factor = 0;
        }
    }
    if ((n = val(s[PK_MAX_PARTITIONS])) &&
        want_int(x, n, "policy.max_partitions", &c->max_partitions) && c->max_partitions < 1) {
        diag(x, E, n, "partitions", "policy.max_partitions must be at least 1");
        c->max_partitions = 0;
    }
    if ((n = val(s[PK_ALLOW_DELETE])))
        want_bool(x, n, "policy.allow_delete", &c->allow_delete);
    if ((n = val(s[PK_MAX_DELETIONS])) &&
        want_int(x, n, "policy.max_deletions", &c->max_deletions) && c->max_deletions < 1) {
        diag(x, E, n, "max-deletions",
             "policy.max_deletions must be at least 1 (to delete nothing, leave "
             "policy.allow_delete false)");
        c->max_deletions = 0;
    }
    if ((n = val(s[PK_KEEP_OVERRIDES])))
        want_bool(x, n, "policy.keep_undeclared_overrides", &c->keep_undeclared_overrides);
    if ((n = val(s[PK_GUARD_OLDER])))
        want_bool(x, n, "policy.guard_older_commits", &c->guard_older_commits);
    if ((n = val(s[PK_IGNORE])))
        want_string_list(x, n, "policy.ignore", &c->ignore_patterns, &c->nignore_patterns);
    if ((n = val(s[PK_ALLOWED_KEYS])))
        parse_allowed_keys(x, c, n);
    if ((n = val(s[PK_REQUIRED_FIELDS])))
        parse_required_fields(x, cc, n);
    if ((n = val(s[PK_PARTITION_MPS])) &&
        want_number(x, n, "policy.partition_messages_per_second",
                    &c->partition_messages_per_second) &&
        c->partition_messages_per_second <= 0) {
        diag(x, E, n, "throughput", "policy.partition_messages_per_second must be positive");
        c->partition_messages_per_second = 0;
    }
}

static void parse_defaults(ctx *x, cluster_ctx *cc, const rc_ynode *v)
{
    rc_cluster_decl *c = cc->c;
    const rc_ypair *s[ARRAY_LEN(defaults_keys)];
    if (!walk_map(x, v, "defaults", defaults_keys, ARRAY_LEN(defaults_keys), s))
        return;
    const rc_ynode *n, *rf_node = NULL, *misr = NULL;
    if ((n = val(s[DK_PARTITIONS])) &&
        want_int(x, n, "defaults.partitions", &c->default_partitions)) {
        if (c->default_partitions < 1) {
            diag(x, E, n, "partitions", "defaults.partitions must be at least 1");
            c->default_partitions = 0;
        } else if (c->max_partitions && c->default_partitions > c->max_partitions) {
            diag(x, E, n, "partitions",
                 "defaults.partitions %d is above policy.max_partitions (%d)",
                 c->default_partitions, c->max_partitions);
        }
    }
    if ((n = val(s[DK_RF])) &&
        want_int(x, n, "defaults.replication_factor", &c->default_replication_factor)) {
        rf_node = n;
        int rf = c->default_replication_factor;
        if (rf < 1) {
            diag(x, E, n, "replication-factor", "defaults.replication_factor must be at least 1");
            c->default_replication_factor = 0;
            rf_node = NULL;
        } else if (rf < c->min_replication_factor) {
            diag(x, E, n, "replication-factor",
                 "defaults.replication_factor %d is below policy.min_replication_factor (%d)", rf,
                 c->min_replication_factor);
        } else if (c->max_replication_factor && rf > c->max_replication_factor) {
            diag(x, E, n, "replication-factor",
                 "defaults.replication_factor %d is above policy.max_replication_factor (%d)", rf,
                 c->max_replication_factor);
        }
    }
    if ((n = val(s[DK_CONFIG])))
        parse_config(x, n, "defaults.config", &c->default_config, NULL, 0, &misr);
    if (misr && rf_node) {
        long long m;
        if (parse_ll(rc_kvlist_get(&c->default_config, "min.insync.replicas"), &m) == 0 &&
            m > c->default_replication_factor)
            diag(x, E, misr, "min-insync",
                 "defaults.config.min.insync.replicas %lld is above defaults.replication_factor "
                 "%d: every acks=all produce would fail",
                 m, c->default_replication_factor);
    }
    if ((n = val(s[DK_LAG]))) {
        lag_decl lag = {0};
        parse_lag(x, n, "defaults.lag", false, &lag);
        c->default_lag_max_seconds = lag.max_seconds;
        c->default_lag_for_seconds = lag.for_seconds;
        free(c->default_severity);
        c->default_severity = lag.severity;
    }
}

/* The profiles are whatever template files exist (rc_decl_options), so the
 * list of names is data; without one only the form of the name is checked. */
static void check_metric_source(ctx *x, rc_cluster_decl *c, const rc_ynode *n)
{
    const rc_decl_options *o = x->opt;
    bool known = !o || !o->metric_sources;
    for (size_t k = 0; !known && k < o->nmetric_sources; k++)
        known = strcmp(o->metric_sources[k], n->str) == 0;
    bool well_formed = *n->str != '\0';
    for (const char *p = n->str; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            well_formed = false;
    if (known && well_formed) {
        free(c->metric_source);
        c->metric_source = rc_xstrdup(n->str);
        return;
    }
    rc_buf have = {0};
    for (size_t k = 0; o && k < o->nmetric_sources; k++)
        rc_buf_printf(&have, "%s%s", k ? ", " : "", o->metric_sources[k]);
    const char *dym =
        o && o->metric_sources
            ? rc_did_you_mean(n->str, (const char *const *)o->metric_sources, o->nmetric_sources)
            : NULL;
    diag(x, E, n, "metric-source",
         "monitoring.metric_source: unknown metric source \"%s\"%s%s%s (profiles found: %s)",
         n->str, dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "",
         have.data ? have.data : "none");
    rc_buf_free(&have);
}

static void parse_monitoring(ctx *x, rc_cluster_decl *c, const rc_ynode *v)
{
    const rc_ypair *s[ARRAY_LEN(monitoring_keys)];
    if (!walk_map(x, v, "monitoring", monitoring_keys, ARRAY_LEN(monitoring_keys), s))
        return;
    const rc_ynode *n;
    if ((n = val(s[MK_SOURCE])) && want_string(x, n, "monitoring.metric_source", true, NULL))
        check_metric_source(x, c, n);
    if ((n = val(s[MK_DATASOURCE])))
        want_string(x, n, "monitoring.prometheus_datasource", true, &c->prometheus_datasource);
    if ((n = val(s[MK_PROM_URL])) &&
        want_string(x, n, "monitoring.prometheus_url", true, &c->prometheus_url))
        check_url(x, n, "monitoring.prometheus_url", true);
    if ((n = val(s[MK_GRAFANA_URL])) &&
        want_string(x, n, "monitoring.grafana_url", true, &c->grafana_url))
        check_url(x, n, "monitoring.grafana_url", true);
    if ((n = val(s[MK_FOLDER])))
        want_string(x, n, "monitoring.grafana_folder", true, &c->grafana_folder);
    if ((n = val(s[MK_LABELS])))
        parse_string_map(x, n, "monitoring.labels", &c->alert_labels, false, true);
    if ((n = val(s[MK_CLIENT_METRICS])))
        parse_client_metrics(x, c, s[MK_CLIENT_METRICS]->key, n);
}

void parse_cluster_file(ctx *x, cluster_ctx *cc, const rc_yfile *yf)
{
    rc_cluster_decl *c = cc->c;
    if (yf->ndocs > 1)
        diag(x, E, yf->docs[1].root, "layout", "_cluster.yaml holds one document, found %zu",
             yf->ndocs);
    const rc_ynode *root = yf->ndocs ? yf->docs[0].root : NULL;
    if (!present(root)) {
        diag(x, E, root, "required", "missing required field \"bootstrap\"");
        return;
    }
    const rc_ypair *s[ARRAY_LEN(cluster_keys)];
    if (!walk_map(x, root, "cluster", cluster_keys, ARRAY_LEN(cluster_keys), s))
        return;
    const rc_ynode *n;
    /* Policy first: defaults are checked against it wherever it is written. */
    if ((n = val(s[CK_POLICY])))
        parse_policy(x, cc, n);
    if ((n = val(s[CK_DEFAULTS])))
        parse_defaults(x, cc, n);
    if ((n = val(s[CK_BOOTSTRAP]))) {
        if (want_string(x, n, "bootstrap", true, &c->bootstrap))
            check_env(x, n, "bootstrap", n->str);
    } else {
        diag(x, E, s[CK_BOOTSTRAP] ? s[CK_BOOTSTRAP]->key : root, "required",
             "missing required field \"bootstrap\"");
    }
    if ((n = val(s[CK_CLIENT])))
        parse_string_map(x, n, "client", &c->client_props, true, false);
    if ((n = val(s[CK_CLUSTER_ID])))
        want_string(x, n, "cluster_id", true, &c->cluster_id);
    if ((n = val(s[CK_REPO_URL])) && want_string(x, n, "repository_url", true, &c->repo_url))
        check_url(x, n, "repository_url", false);
    if ((n = val(s[CK_MONITORING])))
        parse_monitoring(x, c, n);
    if ((n = val(s[CK_ACCESS])))
        parse_cluster_access(x, c, n);
    cc->usable = true;
}
