/* publish.h — push rendered dashboards to Grafana, make Prometheus reload its
 * rules, and say what changed. Talks HTTP only through an rc_http (http.h), so
 * it is unit-tested with a scripted fake.
 *
 * For one cluster, rc_publish_cluster does, in order:
 *
 * Grafana (when opt->grafana_url is set)
 *   1. folder: GET /api/folders/<uid> with a deterministic uid
 *      (rc_publish_folder_uid: "reconcile-<cluster slug>", <= 40 chars); 404 ->
 *      POST /api/folders {"uid", "title"}; a create refused because the title
 *      is taken (409/412/400) -> GET /api/folders and use the uid of the folder
 *      with that title. Title: opt->grafana_folder, else "Kafka topics / <cluster>".
 *   2. each *.json file of opt->dashboards_dir, in name order (a file holding
 *      {"dashboard": {...}} is unwrapped): GET /api/dashboards/uid/<uid>;
 *      404 -> created; 200 -> the stored dashboard is compared with ours
 *      ignoring "id", "version" and "iteration" (numbers compared by value, so
 *      1 equals 1.0) and the folder (meta.folderUid): equal -> unchanged and no
 *      POST; different -> updated. Then POST /api/dashboards/db
 *      {"dashboard": <ours, "id": null>, "folderUid", "overwrite": true,
 *       "message": "reconcile <commit>"|"reconcile working tree"}.
 *      A dashboard without a string "uid" or with invalid JSON fails alone.
 *   Every Grafana request carries "Authorization: Bearer <token>"; a missing
 *   token fails the Grafana part (not Prometheus) with a message naming
 *   opt->token_env, except in a dry run.
 *
 * Prometheus (when opt->prometheus_url is set)
 *   3. POST /-/reload (the server needs --web.enable-lifecycle; its 403 says
 *      so in the message). Prometheus reloads synchronously: a 200 means the
 *      rules are loaded, a 500 "failed to reload config" means they were
 *      refused (not retried: the same files fail again).
 *   4. GET /api/v1/rules and check that every expected rule group is loaded:
 *      the names in opt->rule_groups plus those read from opt->rules_dir
 *      (rc_publish_rule_groups_read). Missing groups fail, named.
 *
 * Answers are checked to be the API's, not only their status: a proxy's
 * catch-all or a login page answers 200 to everything. A 200 must hold what
 * Grafana's and Prometheus's documentation says the endpoint returns:
 *   GET/POST /api/folders[/<uid>], PUT /api/folders/<uid>: a JSON object with
 *     a string "uid";  GET /api/folders: a JSON array;
 *   GET /api/dashboards/uid/<uid>: a JSON object with a "dashboard" object;
 *   POST /api/dashboards/db: a JSON object with "status": "success" (or, with
 *     no "status", a string "uid");
 *   POST /-/reload: an empty body;
 *   GET /api/v1/rules: {"status": "success", "data": {"groups": [...]}}.
 * Anything else fails that item, not retried (the same proxy answers the
 * same), with one line naming the method and path, the status, the
 * Content-Type when the body is not JSON, and that this does not look like
 * Grafana's (Prometheus's) API. A folder that fails so fails every dashboard.
 *
 * Retries: transport failures that may pass (rc_http_error_retryable), 5xx and
 * 429 are retried up to opt->max_attempts in all, sleeping base_delay_ms,
 * then doubled, capped at max_delay_ms. Other 4xx are not retried: the item
 * fails with the status and Grafana's "message"/"status" fields, plus a hint
 * for 401, 403 and 412, and the next dashboard is tried.
 *
 * Dry run: no request at all. rep->requests lists what would be sent
 * (method, URL, short summary of the body; never the token), the dashboard
 * files are still read and checked, and items are RC_PUB_PLANNED.
 *
 * Errors follow the project convention: the function returns 0 when nothing
 * failed, -1 when any item failed; the items say what and why. Nothing is
 * printed: rc_publish_report_format renders the report for the command layer.
 *
 * Secrets: the token is only ever put in the Authorization header; it is not
 * copied into the report. URLs in messages have user info masked. */
#ifndef RC_PUBLISH_H
#define RC_PUBLISH_H

#include "http.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

#define RC_PUBLISH_FOLDER_UID_MAX 40

typedef struct rc_publish_options {
    const char *cluster;            /* required: names the folder and the messages */
    const char *grafana_url;        /* expanded base URL; NULL or "": skip Grafana */
    const char *grafana_folder;     /* folder title; NULL: "Kafka topics / <cluster>" */
    const char *grafana_token;      /* bearer token; NULL or "": Grafana fails unless dry_run */
    const char *token_env;          /* env var the token came from, for messages; default
                                       "GRAFANA_TOKEN" */
    const char *dashboards_dir;     /* <out>/<cluster>/dashboards; NULL: no dashboards */
    const char *prometheus_url;     /* expanded base URL; NULL or "": skip Prometheus */
    const char *rules_dir;          /* rendered rule files (*.yml, *.yaml); NULL: none */
    const char *const *rule_groups; /* further expected group names (borrowed) */
    size_t nrule_groups;
    const char *commit; /* commit the output was rendered from; NULL: "working tree" */
    bool dry_run;
    int max_attempts;  /* per request, first try included; default 4 */
    int base_delay_ms; /* first backoff; default 200 */
    int max_delay_ms;  /* backoff cap; default 5000 */
} rc_publish_options;

typedef enum rc_publish_kind {
    RC_PUB_GRAFANA,    /* folder, token: the Grafana side as a whole */
    RC_PUB_DASHBOARD,  /* one dashboard */
    RC_PUB_PROMETHEUS, /* the reload */
    RC_PUB_RULES       /* the loaded-groups check */
} rc_publish_kind;

typedef enum rc_publish_status {
    RC_PUB_CREATED,
    RC_PUB_UPDATED,
    RC_PUB_UNCHANGED,
    RC_PUB_OK,      /* folder found, reload done, all groups loaded */
    RC_PUB_PLANNED, /* dry run */
    RC_PUB_SKIPPED, /* nothing configured, or nothing to do */
    RC_PUB_FAILED
} rc_publish_status;

/* Every string owned by the item (NULL when absent). */
typedef struct rc_publish_item {
    rc_publish_kind kind;
    rc_publish_status status;
    char *name;    /* dashboard uid, folder uid, or the server's base URL */
    char *title;   /* dashboard or folder title */
    char *file;    /* the dashboard file */
    char *url;     /* the dashboard's URL in Grafana after a POST */
    char *message; /* why it failed, or a detail ("3 of 3 rule groups loaded") */
    int attempts;  /* requests made for the deciding call (retries included) */
} rc_publish_item;

/* A request a dry run would send. Strings owned. */
typedef struct rc_publish_request {
    char *method;
    char *url;     /* user info masked */
    char *summary; /* what the body says, e.g. "dashboard uid=x title=\"y\" (12 panels, ...)" */
} rc_publish_request;

/* Zero-initialise; rc_publish_report_free releases. One report may collect
 * several clusters: counts add up and items append. */
typedef struct rc_publish_report {
    size_t created, updated, unchanged, failed; /* dashboards */
    size_t planned;                             /* dashboards, dry run */
    bool folder_created;
    bool prometheus_reloaded;
    long rule_groups_loaded; /* expected groups found loaded; -1 until checked */
    size_t rule_groups_expected;
    bool any_failure; /* any item failed, Grafana/Prometheus level included */
    rc_publish_item *items;
    size_t nitems, items_cap;
    rc_publish_request *requests; /* dry run only */
    size_t nrequests, requests_cap;
} rc_publish_report;

void rc_publish_report_init(rc_publish_report *rep);
void rc_publish_report_free(rc_publish_report *rep);
const char *rc_publish_status_name(rc_publish_status s);

/* Publish one cluster (see the top of this file). rep must be initialised.
 * Returns 0 when nothing failed, -1 otherwise. h is not used in a dry run
 * and may then be NULL. */
int rc_publish_cluster(rc_publish_report *rep, rc_http *h, const rc_publish_options *opt);

/* "reconcile-<slug of cluster>", [a-z0-9-], at most 40 chars; a long name is
 * cut and suffixed with a hash of the full name so uids stay distinct. */
void rc_publish_folder_uid(char out[RC_PUBLISH_FOLDER_UID_MAX + 1], const char *cluster);

/* Names of the rule groups in every *.yml / *.yaml file directly in dir
 * (files without a top-level "groups" sequence are ignored), sorted, unique.
 * Returns 0 and a heap array of heap strings (free each, then the array), or
 * -1 with a message naming the file. */
int rc_publish_rule_groups_read(char ***names, size_t *n, const char *dir, char *errbuf,
                                size_t errlen);

/* Text for people: one line per planned request (dry run), per changed or
 * failed item (unchanged dashboards only when verbose), then a summary line
 * per report. Appends to out. */
void rc_publish_report_format(rc_buf *out, const rc_publish_report *rep, bool verbose);

#endif
