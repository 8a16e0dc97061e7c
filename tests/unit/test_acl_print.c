/* test_acl_print.c — the ACL kind's printers: the exact text lines, the
 * JSON members, the Markdown tables, and hostile names kept harmless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acl.h"
#include "acl_print.h"
#include "support.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void change(rc_acl_plan *p, rc_acl_action a, const char *principal, rc_acl_resource r,
                   const char *name, rc_acl_operation op, const char *team)
{
    p->changes = rc_xrealloc(p->changes, (p->nchanges + 1) * sizeof(*p->changes));
    rc_acl_change *c = &p->changes[p->nchanges++];
    memset(c, 0, sizeof(*c));
    rc_acl_binding b = {.resource = r,
                        .name = (char *)name,
                        .principal = (char *)principal,
                        .host = "*",
                        .operation = op,
                        .topic = r == RC_ACL_RES_TOPIC ? (char *)name : NULL,
                        .team = (char *)team};
    rc_acl_binding_copy(&c->binding, &b);
    c->action = a;
}

/* add, unmanaged, delete, and a refusal with a broker error */
static void sample(rc_acl_plan *p)
{
    memset(p, 0, sizeof(*p));
    change(p, RC_ACL_ADD, "User:api", RC_ACL_RES_TOPIC, "pay.v1", RC_ACL_OP_WRITE, "payments");
    change(p, RC_ACL_UNMANAGED, "User:legacy", RC_ACL_RES_GROUP, "old", RC_ACL_OP_READ, NULL);
    change(p, RC_ACL_DELETE, "User:gone", RC_ACL_RES_TOPIC, "pay.v1", RC_ACL_OP_READ, "search");
    change(p, RC_ACL_REFUSE, "User:reconcile", RC_ACL_RES_CLUSTER, "kafka-cluster", RC_ACL_OP_ALTER,
           NULL);
    p->changes[3].refusal = rc_xstrdup("this binding is reconcile's own access");
    p->changes[0].broker_error = rc_xstrdup("Broker: Cluster authorization failed");
    p->unchanged = 7;
}

static char *text_of(const rc_acl_plan *p)
{
    tcapture c;
    rc_acl_print_text(tcapture_open(&c), "it", p, false);
    char *s = rc_xstrdup(tcapture_close(&c));
    tcapture_free(&c);
    return s;
}

static void test_text_lines(void **state)
{
    (void)state;
    rc_acl_plan p;
    sample(&p);
    char *got = text_of(&p);
    assert_string_equal(got,
                        "+ acl User:api WRITE topic pay.v1\n"
                        "    broker rejected: Broker: Cluster authorization failed\n"
                        "? acl User:legacy READ group old (unmanaged: not declared; left "
                        "untouched)\n"
                        "- acl User:gone READ topic pay.v1\n"
                        "! acl User:reconcile ALTER cluster kafka-cluster\n"
                        "    this binding is reconcile's own access\n"
                        "cluster it: access: 1 to create, 1 to delete, 1 refused, 7 unchanged, "
                        "1 unmanaged\n");
    free(got);
    /* offline (diff --base): what the change grants and takes away */
    p.offline = true;
    got = text_of(&p);
    assert_non_null(strstr(got, "- acl User:gone READ topic pay.v1 (no longer declared: apply "
                                "--prune deletes it)\n"));
    assert_non_null(strstr(got, "cluster it: access: 1 binding granted, 1 taken away\n"));
    free(got);
    rc_acl_plan_free(&p);
}

static void test_hostile_names_escaped(void **state)
{
    (void)state;
    rc_acl_plan p = {0};
    change(&p, RC_ACL_ADD, "User:x\033[2J", RC_ACL_RES_TOPIC, "t|`<b>", RC_ACL_OP_READ, NULL);
    free(p.changes[0].binding.host);
    p.changes[0].binding.host = rc_xstrdup("1|2");
    free(p.changes[0].binding.service);
    p.changes[0].binding.service = rc_xstrdup("s|<i>");
    char *got = text_of(&p);
    /* no escape byte reaches a terminal */
    assert_null(strchr(got, '\033'));
    assert_non_null(strstr(got, "\\x1b[2J"));
    free(got);
    rc_buf b = {0};
    rc_acl_markdown(&b, &p);
    /* every row of the topic table has exactly its 6 cell separators */
    const char *row = strstr(b.data, "| ``t");
    if (!row)
        fail_msg("no topic row in:\n%s", b.data);
    size_t bars = 0;
    for (const char *c = row; *c && *c != '\n'; c++)
        bars += *c == '|' && (c == row || c[-1] != '\\');
    assert_int_equal(bars, 6);
    /* an HTML tag in a service name is escaped text */
    assert_non_null(strstr(b.data, "(s\\|\\<i>)"));
    rc_buf_free(&b);
    /* a principal that is not UTF-8 (the broker's, not ours) still prints
     * in JSON, its bad byte degraded, rather than turning into null */
    free(p.changes[0].binding.principal);
    p.changes[0].binding.principal = rc_xstrdup("User:caf\xe9");
    json_t *j = rc_acl_to_json(&p);
    json_t *first = json_array_get(json_object_get(j, "bindings"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "principal")), "User:caf?");
    json_decref(j);
    rc_acl_plan_free(&p);
}

static void test_json_members(void **state)
{
    (void)state;
    rc_acl_plan p;
    sample(&p);
    json_t *j = rc_acl_to_json(&p);
    json_t *s = json_object_get(j, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "create")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "unchanged")), 7);
    assert_int_equal(json_integer_value(json_object_get(s, "unmanaged")), 1);
    json_t *b = json_object_get(j, "bindings");
    assert_int_equal(json_array_size(b), 4);
    json_t *first = json_array_get(b, 0);
    assert_string_equal(json_string_value(json_object_get(first, "action")), "create");
    assert_string_equal(json_string_value(json_object_get(first, "resource_type")), "topic");
    assert_string_equal(json_string_value(json_object_get(first, "operation")), "WRITE");
    assert_string_equal(json_string_value(json_object_get(first, "pattern_type")), "literal");
    assert_string_equal(json_string_value(json_object_get(first, "permission")), "allow");
    assert_string_equal(json_string_value(json_object_get(first, "team")), "payments");
    assert_string_equal(json_string_value(json_object_get(first, "error")),
                        "Broker: Cluster authorization failed");
    json_t *refused = json_array_get(b, 3);
    assert_string_equal(json_string_value(json_object_get(refused, "action")), "refuse");
    assert_non_null(json_string_value(json_object_get(refused, "refusal")));
    assert_true(json_is_null(json_object_get(refused, "team")));
    json_decref(j);
    rc_acl_plan_free(&p);
}

static void test_markdown_per_topic_and_team(void **state)
{
    (void)state;
    rc_acl_plan p;
    sample(&p);
    rc_buf b = {0};
    rc_acl_markdown(&b, &p);
    const char *md = b.data;
    assert_non_null(strstr(md, "#### Access\n"));
    assert_non_null(strstr(md, "| 1 | 1 | 1 | 7 | 1 |"));
    /* who gains and who loses, by topic */
    assert_non_null(strstr(md, "| `pay.v1` | `User:api` | payments | + gains | WRITE on topic "
                               "`pay.v1` |"));
    assert_non_null(strstr(md, "| `pay.v1` | `User:gone` | search | - loses | READ on topic "
                               "`pay.v1` |"));
    assert_non_null(strstr(md, "*(no topic)*"));
    /* and by team */
    assert_non_null(strstr(md, "| payments | 1 | 0 |"));
    assert_non_null(strstr(md, "| search | 0 | 1 |"));
    /* unmanaged bindings are folded, not in the tables */
    assert_non_null(strstr(md, "<details><summary>1 unmanaged binding"));
    assert_null(strstr(md, "| `User:legacy`"));
    rc_buf_free(&b);
    p.offline = true;
    memset(&b, 0, sizeof(b));
    rc_acl_markdown(&b, &p);
    assert_non_null(strstr(b.data, "#### Access changed by this pull request"));
    assert_non_null(strstr(b.data, "loses (deleted by `apply --prune`)"));
    rc_buf_free(&b);
    rc_acl_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_lines),
        cmocka_unit_test(test_hostile_names_escaped),
        cmocka_unit_test(test_json_members),
        cmocka_unit_test(test_markdown_per_topic_and_team),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
