/* import_print.h — `reconcile import --format json`: what each cluster's
 * import wrote (or, with --dry-run, would write).
 *
 * {"schema": 1, "dry_run": bool, "clusters": [{
 *    "cluster": NAME, "error": null | "...",
 *    "files": [{"path", "written": bool, "topics": [names], "bindings": n}],
 *    "topics": [{"name", "file", "owner": team | null, "partitions",
 *                "replication_factor", "config": {key: value as written},
 *                "producers": [services], "consumers": [{"group", "service": s | null}]}],
 *    "bindings_by_topics": n, "bindings_in_access_file": n,
 *    "skipped": [topic names], "warnings": ["..."]}]}
 * The report owns what it builds; the import passed in is only read. */
#ifndef RC_IMPORT_PRINT_H
#define RC_IMPORT_PRINT_H

#include "import.h"

#include <stdbool.h>
#include <stdio.h>

struct json_t;
typedef struct rc_import_report {
    struct json_t *clusters; /* NULL until the first cluster */
    bool dry_run;
} rc_import_report;

/* One cluster's import; written[i] says whether im->files[i] was written.
 * error: the cluster's failure (already masked) or NULL. */
void rc_import_report_add(rc_import_report *r, const char *cluster, const rc_import *im,
                          const bool *written, bool dry_run, const char *error);
void rc_import_report_print(const rc_import_report *r, FILE *out);
void rc_import_report_free(rc_import_report *r);

#endif
