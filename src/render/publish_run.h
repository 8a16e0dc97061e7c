/* publish_run.h — what the files of one publish run share: the run itself
 * (publish.c: the report, names, the entry point), requests with retries and
 * the check that an answer comes from the API (publish_send.c), Grafana
 * (publish_grafana.c) and Prometheus (publish_prometheus.c). Private to
 * src/render; the contract is publish.h. */
#ifndef RC_PUBLISH_RUN_H
#define RC_PUBLISH_RUN_H

#include "http.h"
#include "publish.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>

#define PUB_DEFAULT_ATTEMPTS 4
#define PUB_DEFAULT_BASE_DELAY_MS 200
#define PUB_DEFAULT_MAX_DELAY_MS 5000
#define PUB_DEFAULT_TOKEN_ENV "GRAFANA_TOKEN"
#define PUB_ERR_BODY_MAX 200 /* bytes of a non-JSON error body quoted in a message */
#define PUB_MISSING_NAMED 5  /* missing rule groups named in a message */

typedef struct pub {
    rc_publish_report *rep;
    rc_http *h;
    rc_publish_options opt; /* defaults applied */
    char *grafana;          /* base URL, no trailing '/', NULL when not configured */
    char *prometheus;
    char *grafana_shown; /* the same with user info masked, for the report */
    char *prometheus_shown;
    char *folder_title;
    char folder_uid[RC_PUBLISH_FOLDER_UID_MAX + 1];
    rc_kvlist grafana_headers; /* Authorization, Accept, Content-Type */
    rc_kvlist prom_headers;
} pub;

typedef bool (*retry_status_fn)(const rc_http_response *r);
typedef enum api_server { API_GRAFANA, API_PROMETHEUS } api_server;

typedef struct api_shape {
    bool (*ok)(const json_t *j); /* j is NULL when the body is not JSON */
    const char *expected;        /* what the API answers, for the message */
} api_shape;

rc_publish_item *pub_add_item(pub *p, rc_publish_kind kind, rc_publish_status status,
                              const char *name, const char *title);
void pub_item_fail(pub *p, rc_publish_item *it, char *message);
void pub_add_request(pub *p, const char *method, const char *url, char *summary);
bool pub_grafana_uid_ok(const char *uid);
size_t pub_url_origin_len(const char *url);
bool pub_retry_5xx_429(const rc_http_response *r);
bool pub_retry_prom_reload(const rc_http_response *r);
int pub_send_retry(pub *p, const char *method, const char *url, const rc_kvlist *headers,
                   const char *body, size_t body_len, retry_status_fn retry, rc_http_response *resp,
                   int *attempts, char **err);
char *pub_status_text(const rc_http_response *r);
bool pub_blank(const char *s, size_t n);
char *pub_not_api_text(const char *what, const char *method, const char *url,
                       const rc_http_response *r, const json_t *j, const char *expected,
                       bool want_json, api_server server);
json_t *pub_api_json(const char *what, const char *method, const char *url,
                     const rc_http_response *r, const api_shape *shape, api_server server,
                     char **err);
long pub_grafana_send(pub *p, rc_publish_item *it, const char *what, const char *method,
                      const char *url, const char *body, const long *also, const api_shape *shape,
                      json_t **json, int *attempts);
int pub_cmp_str(const void *a, const void *b);
int pub_list_files(char ***out, size_t *n, const char *dir, const char *const *suffixes,
                   size_t nsuffixes);
void pub_free_strings(char **v, size_t n);
void pub_publish_grafana(pub *p);
void pub_publish_prometheus(pub *p);

/* What each API answers (publish_send.c). */
extern const api_shape pub_folder_shape;
extern const api_shape pub_folder_list_shape;
extern const api_shape pub_stored_dashboard_shape;
extern const api_shape pub_saved_dashboard_shape;
extern const api_shape pub_rules_shape;

#endif
