/* publish_prometheus.c — Prometheus: reload the rules, then check that every
 * rendered rule group is loaded. */
#include "publish.h"

#include <jansson.h>
#include <yaml.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "publish_run.h"

/* ---- Prometheus ---------------------------------------------------------- */

static int add_unique(char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return 0;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = rc_xrealloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = rc_xstrdup(s);
    return 1;
}

static const char *node_scalar(yaml_document_t *d, yaml_node_t *n)
{
    (void)d;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = node_scalar(d, yaml_document_get_node(d, pr->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(d, pr->value);
    }
    return NULL;
}

static int groups_from_text(char ***v, size_t *n, size_t *cap, const char *text, size_t len,
                            const char *path, char *errbuf, size_t errlen)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(errbuf, errlen, "%s: cannot initialise the YAML parser", path);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int ret = 0;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            snprintf(errbuf, errlen, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
                     parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "invalid YAML");
            ret = -1;
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        yaml_node_t *groups = map_get(&doc, root, "groups");
        if (groups && groups->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *i = groups->data.sequence.items.start;
                 i < groups->data.sequence.items.top; i++) {
                const char *name =
                    node_scalar(&doc, map_get(&doc, yaml_document_get_node(&doc, *i), "name"));
                if (name)
                    add_unique(v, n, cap, name);
            }
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return ret;
}

int rc_publish_rule_groups_read(char ***names, size_t *n, const char *dir, char *errbuf,
                                size_t errlen)
{
    static const char *const yaml_suffixes[] = {".yml", ".yaml"};
    *names = NULL;
    *n = 0;
    char **files;
    size_t nfiles, cap = 0;
    int rc = pub_list_files(&files, &nfiles, dir, yaml_suffixes, 2);
    if (rc < 0) {
        snprintf(errbuf, errlen, "%s: %s", dir, strerror(-rc));
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++) {
        char *text;
        size_t len;
        rc = rc_read_file(&text, &len, files[i], errbuf, errlen);
        if (rc < 0)
            goto fail;
        rc = groups_from_text(names, n, &cap, text, len, files[i], errbuf, errlen);
        free(text);
        if (rc < 0)
            goto fail;
    }
    pub_free_strings(files, nfiles);
    if (*n)
        qsort(*names, *n, sizeof(**names), pub_cmp_str);
    return 0;
fail:
    pub_free_strings(files, nfiles);
    pub_free_strings(*names, *n);
    *names = NULL;
    *n = 0;
    return -1;
}

static void prometheus_check(pub *p, char **expected, size_t nexpected)
{
    rc_publish_item *it = pub_add_item(p, RC_PUB_RULES, RC_PUB_OK, p->prometheus_shown, NULL);
    char *url = rc_xasprintf("%s/api/v1/rules?type=alert", p->prometheus);
    rc_http_response r;
    int attempts;
    char *err;
    int rc = pub_send_retry(p, "GET", url, &p->prom_headers, NULL, 0, pub_retry_5xx_429, &r,
                            &attempts, &err);
    it->attempts = attempts;
    if (rc < 0) {
        pub_item_fail(p, it, rc_xasprintf("listing loaded rules: %s", err));
        free(err);
        free(url);
        return;
    }
    if (r.status != 200) {
        char *st = pub_status_text(&r);
        pub_item_fail(
            p, it,
            rc_xasprintf("listing loaded rules: %s%s", st, attempts > 1 ? " (after retries)" : ""));
        free(st);
        rc_http_response_free(&r);
        free(url);
        return;
    }
    json_t *j = pub_api_json("listing loaded rules", "GET", url, &r, &pub_rules_shape,
                             API_PROMETHEUS, &err);
    rc_http_response_free(&r);
    free(url);
    if (!j) {
        pub_item_fail(p, it, err);
        return;
    }
    json_t *groups = json_object_get(json_object_get(j, "data"), "groups");
    size_t found = 0, nmissing = 0;
    rc_buf missing = {0};
    for (size_t e = 0; e < nexpected; e++) {
        bool loaded = false;
        size_t i;
        json_t *g;
        json_array_foreach(groups, i, g)
        {
            const char *name = json_string_value(json_object_get(g, "name"));
            if (name && !strcmp(name, expected[e])) {
                loaded = true;
                break;
            }
        }
        if (loaded) {
            found++;
        } else if (nmissing++ < PUB_MISSING_NAMED) {
            rc_buf_printf(&missing, "%s%s", nmissing > 1 ? ", " : "", expected[e]);
        }
    }
    if (nmissing > PUB_MISSING_NAMED)
        rc_buf_printf(&missing, " and %zu more", nmissing - PUB_MISSING_NAMED);
    if (p->rep->rule_groups_loaded < 0)
        p->rep->rule_groups_loaded = 0;
    p->rep->rule_groups_loaded += (long)found;
    p->rep->rule_groups_expected += nexpected;
    if (nmissing) {
        pub_item_fail(p, it,
                      rc_xasprintf("%zu of %zu rule groups loaded; missing: %s (does rule_files in "
                                   "the Prometheus configuration include the rendered rules?)",
                                   found, nexpected, missing.data));
    } else {
        it->message = rc_xasprintf("%zu of %zu rule groups loaded (%zu groups in total)", found,
                                   nexpected, json_array_size(groups));
    }
    rc_buf_free(&missing);
    json_decref(j);
}

void pub_publish_prometheus(pub *p)
{
    char **expected = NULL;
    size_t nexpected = 0, cap = 0;
    if (p->opt.rules_dir) {
        char err[512];
        if (rc_publish_rule_groups_read(&expected, &nexpected, p->opt.rules_dir, err, sizeof(err)) <
            0) {
            rc_publish_item *it =
                pub_add_item(p, RC_PUB_RULES, RC_PUB_FAILED, p->prometheus_shown, NULL);
            it->message = rc_xstrdup(err);
        }
        cap = nexpected;
    }
    for (size_t i = 0; i < p->opt.nrule_groups; i++)
        add_unique(&expected, &nexpected, &cap, p->opt.rule_groups[i]);
    if (nexpected)
        qsort(expected, nexpected, sizeof(*expected), pub_cmp_str);

    if (!p->prometheus) {
        if (nexpected) {
            rc_publish_item *it = pub_add_item(p, RC_PUB_PROMETHEUS, RC_PUB_SKIPPED, NULL, NULL);
            it->message = rc_xasprintf("monitoring.prometheus_url is not set for cluster %s: "
                                       "Prometheus not reloaded",
                                       p->opt.cluster);
        }
        pub_free_strings(expected, nexpected);
        return;
    }
    char *url = rc_xasprintf("%s/-/reload", p->prometheus);
    if (p->opt.dry_run) {
        pub_add_item(p, RC_PUB_PROMETHEUS, RC_PUB_PLANNED, p->prometheus_shown, NULL);
        pub_add_request(p, "POST", url, rc_xstrdup("reload the configuration and rule files"));
        char *rules = rc_xasprintf("%s/api/v1/rules?type=alert", p->prometheus);
        pub_add_request(p, "GET", rules, rc_xasprintf("expect %zu rule groups loaded", nexpected));
        free(rules);
        free(url);
        pub_free_strings(expected, nexpected);
        return;
    }
    rc_publish_item *it = pub_add_item(p, RC_PUB_PROMETHEUS, RC_PUB_OK, p->prometheus_shown, NULL);
    rc_http_response r;
    int attempts;
    char *err;
    int rc = pub_send_retry(p, "POST", url, &p->prom_headers, NULL, 0, pub_retry_prom_reload, &r,
                            &attempts, &err);
    it->attempts = attempts;
    if (rc < 0) {
        pub_item_fail(p, it, rc_xstrdup(err));
        free(err);
    } else if (r.status / 100 != 2) {
        char *st = pub_status_text(&r);
        const char *hint = NULL;
        if (r.status == 403)
            hint = "start Prometheus with --web.enable-lifecycle to allow reloads over HTTP";
        else if (r.status == 500)
            hint = "Prometheus refused the configuration or a rule file; its log says why "
                   "(promtool check rules finds rule errors)";
        pub_item_fail(p, it,
                      rc_xasprintf("%s%s%s%s", st, hint ? " — " : "", hint ? hint : "",
                                   attempts > 1 ? " (after retries)" : ""));
        free(st);
        rc_http_response_free(&r);
    } else if (!pub_blank(r.body, r.body_len)) {
        /* Prometheus writes nothing on a successful reload */
        json_t *j = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
        pub_item_fail(
            p, it,
            pub_not_api_text(NULL, "POST", url, &r, j, "an empty body", false, API_PROMETHEUS));
        json_decref(j);
        rc_http_response_free(&r);
    } else {
        rc_http_response_free(&r);
        it->message = rc_xstrdup("reloaded");
        p->rep->prometheus_reloaded = true;
        prometheus_check(p, expected, nexpected);
    }
    free(url);
    pub_free_strings(expected, nexpected);
}
