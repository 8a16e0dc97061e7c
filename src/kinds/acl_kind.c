/* acl_kind.c — the ACL kind's table: its parts from each layer (core:
 * acl_kind.h; report: acl_print.h). */
#include "acl.h"
#include "acl_kind.h"
#include "acl_print.h"
#include "kinds.h"

const rc_resource_kind rc_kind_acl = {
    .name = "acl",
    .json_key = "acls",
    .what = "ACL bindings",
    .managed = rc_acl_cluster_managed,
    .plan = rc_acl_kind_plan,
    .plan_offline = rc_acl_kind_plan_offline,
    .apply = rc_acl_kind_apply,
    .pending = rc_acl_kind_pending,
    .has_failures = rc_acl_kind_has_failures,
    .mask = rc_acl_kind_mask,
    .free = rc_acl_kind_free,
    .print_text = rc_acl_print_text,
    .to_json = rc_acl_to_json,
    .markdown = rc_acl_markdown,
    .report_apply = rc_acl_report_apply,
};
