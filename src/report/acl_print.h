/* acl_print.h — the ACL kind's printers for its rc_resource_kind (kind.h).
 *
 * Text: one line per binding that changes or is unmanaged, "+ acl
 * User:orders-api WRITE topic orders.v1" ("-" delete, "?" unmanaged, "!"
 * refused, with the reason below), then "cluster NAME: access: ...".
 * JSON: {"summary": {create, delete, refuse, unchanged, unmanaged},
 * "refusal", "bindings": [{action, principal, resource_type, resource_name,
 * pattern_type, operation, permission, host, topic, service, team, refusal,
 * error}]} (README, "JSON plan"). Markdown: the counts, who gains and who
 * loses access per topic and per team, unmanaged bindings folded. */
#ifndef RC_ACL_PRINT_H
#define RC_ACL_PRINT_H

#include "kind.h"

void rc_acl_print_text(FILE *out, const char *cluster, const void *plan, bool color);
struct json_t *rc_acl_to_json(const void *plan);
void rc_acl_markdown(rc_buf *out, const void *plan);
void rc_acl_report_apply(FILE *out, const char *cluster, const void *plan, bool quiet);

#endif
