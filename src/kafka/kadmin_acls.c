/* kadmin_acls.c — describe_acls, create_acls and delete_acls on librdkafka's
 * DescribeAcls, CreateAcls and DeleteAcls, through the request pump. */
#include "kadmin_rdkafka_internal.h"

#include "acl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The operation names of the messages say which permission each call needs,
 * so a refusal names what the principal lacks. */
#define WHAT_DESCRIBE "DescribeAcls (needs DESCRIBE on the CLUSTER resource)"
#define WHAT_CREATE "CreateAcls (needs ALTER on the CLUSTER resource)"
#define WHAT_DELETE "DeleteAcls (needs ALTER on the CLUSTER resource)"

/* ---- the words, both ways ----------------------------------------------------- */

static const rd_kafka_ResourceType_t resource_to_rk[RC_ACL_RES_N] = {
    [RC_ACL_RES_TOPIC] = RD_KAFKA_RESOURCE_TOPIC,
    [RC_ACL_RES_GROUP] = RD_KAFKA_RESOURCE_GROUP,
    /* the protocol's CLUSTER is 4, which librdkafka 2.0.2 calls BROKER */
    [RC_ACL_RES_CLUSTER] = RD_KAFKA_RESOURCE_BROKER,
};
static const rd_kafka_AclOperation_t operation_to_rk[RC_ACL_OP_N] = {
    [RC_ACL_OP_ALL] = RD_KAFKA_ACL_OPERATION_ALL,
    [RC_ACL_OP_READ] = RD_KAFKA_ACL_OPERATION_READ,
    [RC_ACL_OP_WRITE] = RD_KAFKA_ACL_OPERATION_WRITE,
    [RC_ACL_OP_CREATE] = RD_KAFKA_ACL_OPERATION_CREATE,
    [RC_ACL_OP_DELETE] = RD_KAFKA_ACL_OPERATION_DELETE,
    [RC_ACL_OP_ALTER] = RD_KAFKA_ACL_OPERATION_ALTER,
    [RC_ACL_OP_DESCRIBE] = RD_KAFKA_ACL_OPERATION_DESCRIBE,
    [RC_ACL_OP_CLUSTER_ACTION] = RD_KAFKA_ACL_OPERATION_CLUSTER_ACTION,
    [RC_ACL_OP_DESCRIBE_CONFIGS] = RD_KAFKA_ACL_OPERATION_DESCRIBE_CONFIGS,
    [RC_ACL_OP_ALTER_CONFIGS] = RD_KAFKA_ACL_OPERATION_ALTER_CONFIGS,
    [RC_ACL_OP_IDEMPOTENT_WRITE] = RD_KAFKA_ACL_OPERATION_IDEMPOTENT_WRITE,
};

static rd_kafka_ResourcePatternType_t pattern_to_rk(rc_acl_pattern p)
{
    return p == RC_ACL_PAT_PREFIXED ? RD_KAFKA_RESOURCE_PATTERN_PREFIXED
                                    : RD_KAFKA_RESOURCE_PATTERN_LITERAL;
}

static rd_kafka_AclPermissionType_t permission_to_rk(rc_acl_permission p)
{
    return p == RC_ACL_DENY ? RD_KAFKA_ACL_PERMISSION_TYPE_DENY
                            : RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW;
}

/* Back from librdkafka; false for what reconcile has no word for (a MATCH
 * pattern cannot come back from the broker, UNKNOWN types can). */
static bool binding_from_rk(const rd_kafka_AclBinding_t *a, rc_acl_binding *out)
{
    memset(out, 0, sizeof(*out));
    int res = -1, op = -1;
    for (int i = 0; i < RC_ACL_RES_N; i++)
        if (resource_to_rk[i] == rd_kafka_AclBinding_restype(a))
            res = i;
    for (int i = 0; i < RC_ACL_OP_N; i++)
        if (operation_to_rk[i] == rd_kafka_AclBinding_operation(a))
            op = i;
    rd_kafka_ResourcePatternType_t pt = rd_kafka_AclBinding_resource_pattern_type(a);
    rd_kafka_AclPermissionType_t perm = rd_kafka_AclBinding_permission_type(a);
    if (res < 0 || op < 0 ||
        (pt != RD_KAFKA_RESOURCE_PATTERN_LITERAL && pt != RD_KAFKA_RESOURCE_PATTERN_PREFIXED) ||
        (perm != RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW && perm != RD_KAFKA_ACL_PERMISSION_TYPE_DENY))
        return false;
    const char *name = rd_kafka_AclBinding_name(a), *principal = rd_kafka_AclBinding_principal(a),
               *host = rd_kafka_AclBinding_host(a);
    out->resource = (rc_acl_resource)res;
    out->operation = (rc_acl_operation)op;
    out->pattern =
        pt == RD_KAFKA_RESOURCE_PATTERN_PREFIXED ? RC_ACL_PAT_PREFIXED : RC_ACL_PAT_LITERAL;
    out->permission = perm == RD_KAFKA_ACL_PERMISSION_TYPE_DENY ? RC_ACL_DENY : RC_ACL_ALLOW;
    out->name = rc_xstrdup(name ? name : "");
    out->principal = rc_xstrdup(principal ? principal : "");
    out->host = rc_xstrdup(host ? host : "*");
    return true;
}

/* ---- one call ---------------------------------------------------------------- */

typedef enum { ACL_DESCRIBE, ACL_CREATE, ACL_DELETE } acl_call;

typedef struct acl_op {
    acl_call call;
    const rc_acl_binding *const *in;
    rc_topic_result *res;
    rc_acl_set *out; /* describe */
} acl_op;

static rd_kafka_AclBinding_t *binding_to_rk(const rc_acl_binding *b, bool filter, char *errstr,
                                            size_t len)
{
    rd_kafka_AclBinding_t *(*make)(
        rd_kafka_ResourceType_t, const char *, rd_kafka_ResourcePatternType_t, const char *,
        const char *, rd_kafka_AclOperation_t, rd_kafka_AclPermissionType_t, char *, size_t) =
        filter ? rd_kafka_AclBindingFilter_new : rd_kafka_AclBinding_new;
    return make(resource_to_rk[b->resource], b->name, pattern_to_rk(b->pattern), b->principal,
                b->host ? b->host : "*", operation_to_rk[b->operation],
                permission_to_rk(b->permission), errstr, len);
}

static bool submit_acls(rk_pump *p, rk_batch *b)
{
    acl_op *op = p->ctx;
    char errstr[512];
    if (op->call == ACL_DESCRIBE) {
        rd_kafka_AclBindingFilter_t *any = rd_kafka_AclBindingFilter_new(
            RD_KAFKA_RESOURCE_ANY, NULL, RD_KAFKA_RESOURCE_PATTERN_ANY, NULL, NULL,
            RD_KAFKA_ACL_OPERATION_ANY, RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof(errstr));
        if (!any)
            return false;
        rd_kafka_DescribeAcls(p->ka->rk, any, p->opts, p->q);
        rd_kafka_AclBinding_destroy(any);
        return true;
    }
    rd_kafka_AclBinding_t **objs = rc_xcalloc(b->n, sizeof(*objs));
    for (size_t k = 0; k < b->n; k++) {
        objs[k] = binding_to_rk(op->in[b->idx[k]], op->call == ACL_DELETE, errstr, sizeof(errstr));
        if (!objs[k]) {
            /* cannot happen for what the parser accepts; fail the batch
             * rather than send a partial one */
            for (size_t j = 0; j < b->n; j++)
                if (!op->res[b->idx[j]].error)
                    op->res[b->idx[j]].error = rc_xasprintf("not sent: %s", errstr);
            rd_kafka_AclBinding_destroy_array(objs, k);
            free(objs);
            return false;
        }
    }
    if (op->call == ACL_CREATE)
        rd_kafka_CreateAcls(p->ka->rk, objs, b->n, p->opts, p->q);
    else
        rd_kafka_DeleteAcls(p->ka->rk, objs, b->n, p->opts, p->q);
    rd_kafka_AclBinding_destroy_array(objs, b->n);
    free(objs);
    return true;
}

static void set_result(rc_topic_result *r, const rd_kafka_error_t *e)
{
    if (!e)
        return;
    r->error_code = rd_kafka_error_code(e);
    r->error = rc_xstrdup(rd_kafka_error_string(e));
}

static int handle_describe(rk_pump *p, rd_kafka_event_t *ev)
{
    acl_op *op = p->ctx;
    const rd_kafka_DescribeAcls_result_t *r = rd_kafka_event_DescribeAcls_result(ev);
    size_t cnt = 0;
    const rd_kafka_AclBinding_t **acls = r ? rd_kafka_DescribeAcls_result_acls(r, &cnt) : NULL;
    for (size_t i = 0; i < cnt; i++) {
        rc_acl_binding b;
        if (binding_from_rk(acls[i], &b)) {
            rc_acl_set_add(op->out, &b);
            rc_acl_binding_clear(&b);
        }
    }
    return 0;
}

static int handle_acls(rk_pump *p, rk_batch *b, rd_kafka_event_t *ev)
{
    acl_op *op = p->ctx;
    size_t cnt = 0;
    if (op->call == ACL_DESCRIBE)
        return handle_describe(p, ev);
    if (op->call == ACL_CREATE) {
        const rd_kafka_CreateAcls_result_t *r = rd_kafka_event_CreateAcls_result(ev);
        const rd_kafka_acl_result_t **rs = r ? rd_kafka_CreateAcls_result_acls(r, &cnt) : NULL;
        for (size_t i = 0; i < cnt && i < b->n; i++)
            set_result(&op->res[b->idx[i]], rd_kafka_acl_result_error(rs[i]));
    } else {
        const rd_kafka_DeleteAcls_result_t *r = rd_kafka_event_DeleteAcls_result(ev);
        const rd_kafka_DeleteAcls_result_response_t **rs =
            r ? rd_kafka_DeleteAcls_result_responses(r, &cnt) : NULL;
        for (size_t i = 0; i < cnt && i < b->n; i++)
            set_result(&op->res[b->idx[i]], rd_kafka_DeleteAcls_result_response_error(rs[i]));
    }
    /* results come back in request order, one per binding */
    for (size_t i = cnt; i < b->n; i++)
        op->res[b->idx[i]].error = rc_xstrdup("the broker's answer left this binding out");
    return 0;
}

static int run_acl_op(rk_admin *ka, acl_op *op, size_t n, char *errbuf, size_t errlen)
{
    static const char *const whats[] = {WHAT_DESCRIBE, WHAT_CREATE, WHAT_DELETE};
    static const rd_kafka_admin_op_t aops[] = {
        RD_KAFKA_ADMIN_OP_DESCRIBEACLS, RD_KAFKA_ADMIN_OP_CREATEACLS, RD_KAFKA_ADMIN_OP_DELETEACLS};
    rk_pump p = {.ka = ka,
                 .errbuf = errbuf,
                 .errlen = errlen,
                 .what = whats[op->call],
                 .submit = submit_acls,
                 .handle = handle_acls,
                 .ctx = op};
    /* DescribeAcls is one request with one filter */
    return rk_pump_call(&p, aops[op->call], op->call == ACL_DESCRIBE ? 1 : n);
}

static int change_acls(rc_kadmin *base, acl_call call, const rc_acl_binding *const *bindings,
                       size_t n, rc_topic_result **results, char *errbuf, size_t errlen)
{
    *results = NULL;
    if (n == 0)
        return 0;
    acl_op op = {.call = call, .in = bindings};
    op.res = rc_xcalloc(n, sizeof(*op.res));
    for (size_t i = 0; i < n; i++)
        op.res[i].topic = bindings[i]->name;
    int rc = run_acl_op((rk_admin *)base, &op, n, errbuf, errlen);
    if (rc) {
        rc_topic_results_free(op.res, n);
        return rc;
    }
    *results = op.res;
    return 0;
}

/* librdkafka 2.0.2 drops the error code of a DescribeAcls response: a
 * refused request and a cluster without an authorizer both look like "no
 * bindings". An empty answer is therefore checked with a DeleteAcls of a
 * filter that matches nothing, whose per-filter error librdkafka does
 * report: it needs ALTER on the cluster, which apply needs anyway. */
static int check_empty_answer(rc_kadmin *base, char *errbuf, size_t errlen)
{
    rc_acl_binding probe = {.resource = RC_ACL_RES_TOPIC,
                            .pattern = RC_ACL_PAT_LITERAL,
                            .name = "__reconcile-acl-probe",
                            .principal = "User:__reconcile-acl-probe",
                            .host = "*",
                            .operation = RC_ACL_OP_READ,
                            .permission = RC_ACL_DENY};
    const rc_acl_binding *in[] = {&probe};
    rc_topic_result *res = NULL;
    int rc = change_acls(base, ACL_DELETE, in, 1, &res, errbuf, errlen);
    if (rc)
        return rc;
    rk_admin *ka = (rk_admin *)base;
    int code = res[0].error_code;
    if (code == RD_KAFKA_RESP_ERR_SECURITY_DISABLED)
        rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_ENOAUTHORIZER,
                     "the cluster has no authorizer (authorizer.class.name is not set on its "
                     "brokers), so it enforces no ACLs: %s",
                     res[0].error);
    else if (rc_rk_is_access_error((rd_kafka_resp_err_t)code))
        rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_EACCESS,
                     "ACLs: not authorised: reading and changing them needs DESCRIBE and ALTER "
                     "on the CLUSTER resource (DescribeAcls answered nothing, DeleteAcls: %s)",
                     rd_kafka_err2name((rd_kafka_resp_err_t)code));
    else if (res[0].error)
        rc = rk_fail(ka, errbuf, errlen, RC_KADMIN_EOTHER, "ACLs: cannot check access: %s",
                     res[0].error);
    rc_topic_results_free(res, 1);
    return rc;
}

int rk_op_describe_acls(rc_kadmin *base, rc_acl_set *out, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    acl_op op = {.call = ACL_DESCRIBE, .out = out};
    int rc = run_acl_op((rk_admin *)base, &op, 1, errbuf, errlen);
    if (rc == 0 && out->len == 0)
        rc = check_empty_answer(base, errbuf, errlen);
    if (rc) {
        rc_acl_set_free(out);
        return rc;
    }
    rc_acl_set_normalise(out);
    return 0;
}

int rk_op_create_acls(rc_kadmin *base, const rc_acl_binding *const *bindings, size_t n,
                      rc_topic_result **results, char *errbuf, size_t errlen)
{
    return change_acls(base, ACL_CREATE, bindings, n, results, errbuf, errlen);
}

int rk_op_delete_acls(rc_kadmin *base, const rc_acl_binding *const *bindings, size_t n,
                      rc_topic_result **results, char *errbuf, size_t errlen)
{
    return change_acls(base, ACL_DELETE, bindings, n, results, errbuf, errlen);
}

/* What the last answer still lacks (present) or still lists (absent). */
static void count_pending(const rc_acl_set *seen, const rc_acl_binding *const *present,
                          size_t npresent, const rc_acl_binding *const *absent, size_t nabsent,
                          size_t *missing, size_t *left)
{
    *missing = *left = 0;
    for (size_t i = 0; i < npresent; i++)
        *missing += rc_acl_set_find(seen, present[i]) == NULL;
    for (size_t i = 0; i < nabsent; i++)
        *left += rc_acl_set_find(seen, absent[i]) != NULL;
}

int rk_op_wait_acls(rc_kadmin *base, const rc_acl_binding *const *present, size_t npresent,
                    const rc_acl_binding *const *absent, size_t nabsent, int timeout_ms,
                    char *errbuf, size_t errlen)
{
    rk_admin *ka = (rk_admin *)base;
    if (npresent + nabsent == 0)
        return 0;
    long long deadline = rc_rk_now_ms() + (timeout_ms > 0 ? timeout_ms : ka->timeout_ms);
    int pause = 50;
    for (;;) {
        rc_acl_set seen = {0};
        acl_op op = {.call = ACL_DESCRIBE, .out = &seen};
        int rc = run_acl_op(ka, &op, 1, errbuf, errlen);
        if (rc)
            return rc;
        rc_acl_set_normalise(&seen);
        size_t missing, left;
        count_pending(&seen, present, npresent, absent, nabsent, &missing, &left);
        rc_acl_set_free(&seen);
        if (missing + left == 0)
            return 0;
        if (rc_rk_remaining_ms(deadline) <= 0)
            return rk_fail(ka, errbuf, errlen, RC_KADMIN_ETIMEOUT,
                           "the broker accepted the ACL changes but after %d ms still lists %zu "
                           "created binding%s as missing and %zu deleted one%s as present",
                           timeout_ms > 0 ? timeout_ms : ka->timeout_ms, missing,
                           missing == 1 ? "" : "s", left, left == 1 ? "" : "s");
        rk_pause_serving(ka, min_int(pause, rc_rk_remaining_ms(deadline)));
        pause = min_int(pause * 2, 1000);
    }
}
