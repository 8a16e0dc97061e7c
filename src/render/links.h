/* links.h — names and links shared by alerts and dashboards, so the alert's
 * dashboard_url always points at the dashboard that was rendered.
 *
 * The uid is deterministic: a readable slug of "<cluster>-<topic>" cut to
 * fit, then "-" and 12 hex digits of a 64-bit FNV-1a hash of the exact
 * (cluster, topic) pair, so two topics whose slugs coincide (long names cut at
 * the same place, or names differing only in '.' vs '_') still get distinct
 * uids. At most 40 characters of [a-z0-9-], as Grafana requires. */
#ifndef RC_LINKS_H
#define RC_LINKS_H

#include <stddef.h>

#define RC_DASHBOARD_UID_MAX 40

void rc_links_dashboard_uid(char out[RC_DASHBOARD_UID_MAX + 1], const char *cluster,
                            const char *topic);
/* "<grafana_url>/d/<uid>?var-group=<group>&from=now-<range>&to=now", the base
 * without a trailing slash; group may be NULL (then no var-group). Heap. */
char *rc_links_dashboard_url(const char *grafana_url, const char *uid, const char *group,
                             const char *range);

#endif
