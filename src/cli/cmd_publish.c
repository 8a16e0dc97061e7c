/* cmd_publish.c — push rendered dashboards to Grafana, reload Prometheus. */
#include "commands.h"

#include "alerts.h"
#include "http.h"
#include "publish.h"
#include "textout.h"

#include <stdlib.h>
#include <string.h>

static void http_log(void *ctx, const char *line)
{
    print_masked(ctx, stderr, "reconcile: http: ", line);
}

int cmd_publish(cli *c)
{
    rc_repo repo = {0};
    rc_source src = {0};
    int rc = load_repo(c, &repo, &src);
    if (rc != 0)
        goto out;
    const char *token = getenv("GRAFANA_TOKEN");
    if (token)
        rc_secrets_add(&c->secrets, token);
    rc_http *h = NULL;
    if (!c->dry_run) {
        char err[512];
        rc_http_config hc = {0};
        hc.timeout_ms = c->timeout_ms;
        if (c->verbose) {
            hc.log = http_log;
            hc.log_ctx = c;
        }
        if (rc_http_curl_new(&h, &hc, err, sizeof(err)) != 0) {
            fprintf(stderr, "reconcile: %s\n", err);
            rc = RC_EXIT_FAILURE;
            goto out;
        }
    }
    for (size_t i = 0; i < repo.nclusters; i++) {
        rc_cluster_decl *decl = &repo.clusters[i];
        if (!cluster_selected(c, decl->name))
            continue;
        if (expand_monitoring(decl) != 0) {
            rc = RC_EXIT_FAILURE;
            continue;
        }
        char *dash_dir = rc_xasprintf("%s/%s/dashboards", c->out_dir, decl->name);
        char *rules_dir = rc_xasprintf("%s/%s/rules", c->out_dir, decl->name);
        rc_publish_options opt = {0};
        opt.cluster = decl->name;
        opt.grafana_url = decl->grafana_url;
        opt.grafana_folder = decl->grafana_folder;
        opt.grafana_token = token;
        opt.dashboards_dir = dash_dir;
        opt.prometheus_url = decl->prometheus_url;
        opt.rules_dir = rules_dir;
        opt.commit = src.commit;
        opt.dry_run = c->dry_run;
        opt.base_delay_ms = c->retry_delay_ms;
        rc_publish_report rep;
        rc_publish_report_init(&rep);
        if (rc_publish_cluster(&rep, h, &opt) != 0)
            rc = RC_EXIT_FAILURE;
        rc_buf text = {0};
        rc_publish_report_format(&text, &rep, c->verbose);
        if (text.data) {
            char *masked = rc_secrets_mask(&c->secrets, text.data);
            rc_text_put_lines(stdout, masked);
            free(masked);
        }
        rc_buf_free(&text);
        rc_publish_report_free(&rep);
        free(dash_dir);
        free(rules_dir);
    }
    if (h)
        h->ops->destroy(h);
out:
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}

static int set_retry_delay(cli *c, const char *arg)
{
    return parse_ms_option(&c->retry_delay_ms, "--retry-delay", "200ms", arg, 0, 600000);
}

const rc_option cmd_publish_options[] = {
    {"retry-delay", 0, "DURATION",
     "first backoff for 5xx and connection errors, doubled each time (default 200ms)", CMD_PUBLISH,
     set_retry_delay},
    {NULL, 0, NULL, NULL, 0, NULL},
};
