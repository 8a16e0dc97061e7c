/* profiles.h — which metric-source profiles exist.
 *
 * A profile is data: alert-templates/<name>.yaml (the alert rules) and
 * dashboards/profiles/<name>.yaml (the dashboard's queries). A name is a
 * profile when both files exist; adding one is adding two files, nothing in
 * C. The command layer passes the list to the declaration checks
 * (rc_decl_options), so `monitoring.metric_source` is validated against what
 * the templates provide, and its messages list what was found.
 *
 * Conventions: 0 with *names (sorted, heap strings and array, caller frees
 * with rc_profiles_free) and *n set, or -1 with a one-line message in errbuf
 * (a directory that cannot be read). No profile at all is not an error here:
 * the checks then report every metric_source as unknown, naming none found. */
#ifndef RC_PROFILES_H
#define RC_PROFILES_H

#include <stddef.h>

int rc_profiles_list(char ***names, size_t *n, const char *templates_dir,
                     const char *dashboards_dir, char *errbuf, size_t errlen);
void rc_profiles_free(char **names, size_t n);

#endif
