/* acl_print.c — the ACL kind in every output format (acl_print.h). */
#include "acl_print.h"

#include "acl.h"
#include "plan_print.h"
#include "textout.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared --------------------------------------------------------------------- */

typedef struct acl_counts {
    size_t add, del, refuse, unmanaged, failed;
} acl_counts;

static acl_counts count(const rc_acl_plan *p)
{
    acl_counts c = {0};
    for (size_t i = 0; i < p->nchanges; i++) {
        const rc_acl_change *ch = &p->changes[i];
        c.add += ch->action == RC_ACL_ADD;
        c.del += ch->action == RC_ACL_DELETE;
        c.refuse += ch->action == RC_ACL_REFUSE;
        c.unmanaged += ch->action == RC_ACL_UNMANAGED;
        c.failed += ch->broker_error != NULL;
    }
    return c;
}

/* One row per action: the JSON word, the sign of the text lines. */
static const struct {
    const char *word, *sign;
} actions[] = {
    [RC_ACL_ADD] = {"create", "+"},
    [RC_ACL_UNMANAGED] = {"unmanaged", "?"},
    [RC_ACL_DELETE] = {"delete", "-"},
    [RC_ACL_REFUSE] = {"refuse", "!"},
};

/* ---- text ---------------------------------------------------------------------- */

void rc_acl_print_text(FILE *out, const char *cluster, const void *plan, bool color)
{
    const rc_acl_plan *p = plan;
    static const char *const ansi[] = {[RC_ACL_ADD] = "\033[32m",
                                       [RC_ACL_UNMANAGED] = "",
                                       [RC_ACL_DELETE] = "\033[31m",
                                       [RC_ACL_REFUSE] = "\033[31m"};
    for (size_t i = 0; i < p->nchanges; i++) {
        const rc_acl_change *ch = &p->changes[i];
        bool paint = color && *ansi[ch->action];
        fprintf(out, "%s%s acl%s ", paint ? ansi[ch->action] : "", actions[ch->action].sign,
                paint ? "\033[0m" : "");
        char *text = rc_acl_binding_text(&ch->binding);
        rc_text_put(out, text);
        free(text);
        if (ch->action == RC_ACL_UNMANAGED)
            fputs(" (unmanaged: not declared; left untouched)", out);
        else if (ch->action == RC_ACL_DELETE && p->offline)
            fputs(" (no longer declared: apply --prune deletes it)", out);
        fputc('\n', out);
        if (ch->refusal) {
            fputs("    ", out);
            rc_text_put(out, ch->refusal);
            fputc('\n', out);
        }
        if (ch->broker_error) {
            fputs("    broker rejected: ", out);
            rc_text_put(out, ch->broker_error);
            fputc('\n', out);
        }
    }
    if (p->refusal) {
        fputs("! access refused: ", out);
        rc_text_put(out, p->refusal);
        fputc('\n', out);
    }
    acl_counts c = count(p);
    fputs("cluster ", out);
    rc_text_put(out, cluster ? cluster : "?");
    if (p->offline)
        fprintf(out, ": access: %zu binding%s granted, %zu taken away\n", c.add,
                c.add == 1 ? "" : "s", c.del);
    else
        fprintf(out,
                ": access: %zu to create, %zu to delete, %zu refused, %zu unchanged, %zu "
                "unmanaged\n",
                c.add, c.del, c.refuse, p->unchanged, c.unmanaged);
}

void rc_acl_report_apply(FILE *out, const char *cluster, const void *plan, bool quiet)
{
    const rc_acl_plan *p = plan;
    size_t created = 0, deleted = 0, failed = 0, refused = 0;
    for (size_t i = 0; i < p->nchanges; i++) {
        const rc_acl_change *ch = &p->changes[i];
        char *text = rc_acl_binding_text(&ch->binding);
        if (ch->action == RC_ACL_REFUSE) {
            refused++;
            fputs("! refused acl ", out);
            rc_text_put(out, text);
            fputc('\n', out);
        } else if (ch->broker_error) {
            failed++;
            fputs("x failed  acl ", out);
            rc_text_put(out, text);
            fputs(": ", out);
            rc_text_put(out, ch->broker_error);
            fputc('\n', out);
        } else if (ch->done) {
            bool add = ch->action == RC_ACL_ADD;
            created += add;
            deleted += !add;
            if (!quiet) {
                fputs(add ? "+ created acl " : "- deleted acl ", out);
                rc_text_put(out, text);
                fputc('\n', out);
            }
        }
        free(text);
    }
    if (created + deleted + failed + refused == 0)
        return;
    fputs("cluster ", out);
    rc_text_put(out, cluster ? cluster : "?");
    fprintf(out, ": access: %zu created, %zu deleted, %zu failed, %zu refused\n", created, deleted,
            failed, refused);
}

/* ---- JSON ---------------------------------------------------------------------- */

static json_t *json_binding(const rc_acl_change *ch)
{
    const rc_acl_binding *b = &ch->binding;
    json_t *o = json_object();
    json_object_set_new(o, "action", json_string(actions[ch->action].word));
    json_object_set_new(o, "principal", rc_json_text(b->principal));
    json_object_set_new(o, "resource_type", json_string(rc_acl_resource_name(b->resource)));
    json_object_set_new(o, "resource_name", rc_json_text(b->name));
    json_object_set_new(o, "pattern_type", json_string(rc_acl_pattern_name(b->pattern)));
    json_object_set_new(o, "operation", json_string(rc_acl_operation_name(b->operation)));
    json_object_set_new(o, "permission", json_string(rc_acl_permission_name(b->permission)));
    json_object_set_new(o, "host", rc_json_text(b->host));
    json_object_set_new(o, "topic", rc_json_text(b->topic));
    json_object_set_new(o, "service", rc_json_text(b->service));
    json_object_set_new(o, "team", rc_json_text(b->team));
    json_object_set_new(o, "refusal", rc_json_text(ch->refusal));
    json_object_set_new(o, "error", rc_json_text(ch->broker_error));
    return o;
}

struct json_t *rc_acl_to_json(const void *plan)
{
    const rc_acl_plan *p = plan;
    acl_counts c = count(p);
    json_t *o = json_object();
    json_t *s = json_object();
    json_object_set_new(s, "create", json_integer((json_int_t)c.add));
    json_object_set_new(s, "delete", json_integer((json_int_t)c.del));
    json_object_set_new(s, "refuse", json_integer((json_int_t)c.refuse));
    json_object_set_new(s, "unchanged", json_integer((json_int_t)p->unchanged));
    json_object_set_new(s, "unmanaged", json_integer((json_int_t)c.unmanaged));
    json_object_set_new(o, "summary", s);
    json_object_set_new(o, "refusal", rc_json_text(p->refusal));
    json_t *arr = json_array();
    for (size_t i = 0; i < p->nchanges; i++)
        json_array_append_new(arr, json_binding(&p->changes[i]));
    json_object_set_new(o, "bindings", arr);
    return o;
}

/* ---- Markdown ------------------------------------------------------------------ */

static const char *gain_word(const rc_acl_plan *p, const rc_acl_change *ch)
{
    switch (ch->action) {
    case RC_ACL_ADD:
        return "gains";
    case RC_ACL_DELETE:
        return p->offline ? "loses (deleted by `apply --prune`)" : "loses";
    case RC_ACL_UNMANAGED:
        return "unmanaged (kept)";
    default:
        return "refused";
    }
}

static int changep_by_topic(const void *a, const void *b)
{
    const rc_acl_change *x = *(const rc_acl_change *const *)a,
                        *y = *(const rc_acl_change *const *)b;
    const char *tx = x->binding.topic ? x->binding.topic : "",
               *ty = y->binding.topic ? y->binding.topic : "";
    int c = strcmp(tx, ty);
    return c ? c : rc_acl_binding_cmp(&x->binding, &y->binding);
}

/* The binding's access without its principal: "WRITE on topic `t`". */
static void md_access(rc_buf *b, const rc_acl_binding *x)
{
    rc_buf_printf(b, "%s%s on %s ", x->permission == RC_ACL_DENY ? "DENY " : "",
                  rc_acl_operation_name(x->operation), rc_acl_resource_name(x->resource));
    rc_md_code(b, x->name);
    if (x->pattern == RC_ACL_PAT_PREFIXED)
        rc_buf_puts(b, " (prefix)");
    if (x->host && strcmp(x->host, "*")) {
        rc_buf_puts(b, " from host ");
        rc_md_code(b, x->host);
    }
}

static void md_by_topic(rc_buf *b, const rc_acl_plan *p, const rc_acl_change **v, size_t n)
{
    rc_buf_puts(b, "| Topic | Who | Team | Change | Access |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const rc_acl_binding *x = &v[i]->binding;
        rc_buf_puts(b, "| ");
        if (x->topic)
            rc_md_code(b, x->topic);
        else
            rc_buf_puts(b, "*(no topic)*");
        rc_buf_puts(b, " | ");
        rc_md_code(b, x->principal);
        const char *colon = strchr(x->principal, ':');
        if (x->service && (!colon || strcmp(colon + 1, x->service))) {
            rc_buf_puts(b, " (");
            rc_md_text(b, x->service, RC_MD_MIDLINE);
            rc_buf_puts(b, ")");
        }
        rc_buf_puts(b, " | ");
        rc_md_text(b, x->team ? x->team : "—", RC_MD_MIDLINE);
        rc_buf_printf(b, " | %s %s | ", actions[v[i]->action].sign, gain_word(p, v[i]));
        md_access(b, x);
        rc_buf_puts(b, " |\n");
    }
    rc_buf_puts(b, "\n");
}

static int strp_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Per team: how many bindings its services gain and lose. */
static void md_by_team(rc_buf *b, const rc_acl_change **v, size_t n)
{
    const char **teams = rc_xcalloc(n + 1, sizeof(*teams));
    size_t nt = 0;
    for (size_t i = 0; i < n; i++)
        teams[nt++] = v[i]->binding.team ? v[i]->binding.team : "";
    qsort(teams, nt, sizeof(*teams), strp_cmp);
    rc_buf_puts(b, "| Team | Gains | Loses |\n|---|---:|---:|\n");
    for (size_t i = 0; i < nt; i++) {
        if (i > 0 && !strcmp(teams[i], teams[i - 1]))
            continue;
        size_t gains = 0, loses = 0;
        for (size_t k = 0; k < n; k++) {
            const char *t = v[k]->binding.team ? v[k]->binding.team : "";
            if (strcmp(t, teams[i]))
                continue;
            gains += v[k]->action == RC_ACL_ADD;
            loses += v[k]->action == RC_ACL_DELETE;
        }
        rc_buf_puts(b, "| ");
        rc_md_text(b, *teams[i] ? teams[i] : "(no declared team)", RC_MD_MIDLINE);
        rc_buf_printf(b, " | %zu | %zu |\n", gains, loses);
    }
    rc_buf_puts(b, "\n");
    free(teams);
}

void rc_acl_markdown(rc_buf *b, const void *plan)
{
    const rc_acl_plan *p = plan;
    acl_counts c = count(p);
    rc_buf_puts(b, p->offline ? "#### Access changed by this pull request\n\n" : "#### Access\n\n");
    if (p->refusal) {
        rc_buf_puts(b, "**Refused:** ");
        rc_md_text(b, p->refusal, RC_MD_MIDLINE);
        rc_buf_puts(b, "\n\n");
    }
    if (p->offline)
        rc_buf_printf(b, "%zu binding%s granted, %zu taken away.\n\n", c.add, c.add == 1 ? "" : "s",
                      c.del);
    else
        rc_buf_printf(b,
                      "| create | delete | refuse | unchanged | unmanaged |\n"
                      "|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | %zu |\n\n",
                      c.add, c.del, c.refuse, p->unchanged, c.unmanaged);
    /* who gains and who loses; unmanaged bindings are folded below */
    const rc_acl_change **v = rc_xcalloc(p->nchanges + 1, sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < p->nchanges; i++)
        if (p->changes[i].action != RC_ACL_UNMANAGED)
            v[n++] = &p->changes[i];
    qsort(v, n, sizeof(*v), changep_by_topic);
    if (n > 0) {
        md_by_topic(b, p, v, n);
        md_by_team(b, v, n);
    }
    if (c.unmanaged > 0) {
        rc_buf_printf(b,
                      "<details><summary>%zu unmanaged binding%s (not declared; left "
                      "untouched)</summary>\n\n",
                      c.unmanaged, c.unmanaged == 1 ? "" : "s");
        for (size_t i = 0; i < p->nchanges; i++) {
            if (p->changes[i].action != RC_ACL_UNMANAGED)
                continue;
            char *t = rc_acl_binding_text(&p->changes[i].binding);
            rc_buf_puts(b, "- ");
            rc_md_code(b, t);
            rc_buf_puts(b, "\n");
            free(t);
        }
        rc_buf_puts(b, "\n</details>\n\n");
    }
    free(v);
}
