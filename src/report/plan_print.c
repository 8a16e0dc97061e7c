/* plan_print.c — text, JSON and Markdown renderings of cluster plans. */
#include "plan_print.h"

#include "kind.h"
#include "textout.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------------ */

typedef struct counts {
    size_t create, update, refuse, unchanged, unmanaged, del;
} counts;

static counts plan_counts(const rc_cluster_plan *p)
{
    size_t c[6];
    rc_cluster_plan_counts(p, c);
    return (counts){c[RC_ACT_CREATE],    c[RC_ACT_UPDATE],    c[RC_ACT_REFUSE],
                    c[RC_ACT_UNCHANGED], c[RC_ACT_UNMANAGED], c[RC_ACT_DELETE]};
}

/* "Clean" means there is nothing to tell but good news: no change pending,
 * nothing refused, no error anywhere. Only then is "No changes." true. */
static bool plans_clean(const rc_cluster_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const rc_cluster_plan *p = &plans[i];
        if (p->error || rc_cluster_plan_has_changes(p))
            return false;
        for (size_t k = 0; k < p->ntopics; k++)
            if (p->topics[k].action == RC_ACT_REFUSE || p->topics[k].broker_error)
                return false;
        for (size_t k = 0; k < p->nkinds; k++)
            if (p->kinds[k].kind->has_failures(p->kinds[k].plan))
                return false;
    }
    return true;
}

static bool any_changes(const rc_cluster_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rc_cluster_plan_has_changes(&plans[i]))
            return true;
    return false;
}

static const char *no_changes_tail(size_t n)
{
    return n == 1 ? "The cluster matches the declarations."
                  : "The clusters match the declarations.";
}

/* ---- text ---------------------------------------------------------------------- */

#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_RESET "\033[0m"

static void text_colored(FILE *out, bool color, const char *ansi, const char *s)
{
    color = color && *ansi;
    if (color)
        fputs(ansi, out);
    fputs(s, out);
    if (color)
        fputs(ANSI_RESET, out);
}

/* "+ create  name": sign and verb padded to 9 columns plus a space, so the
 * names of the common actions line up; "? unmanaged" overflows by design. */
static void text_topic_head(FILE *out, bool color, const char *ansi, const char *sign_verb,
                            const char *name)
{
    text_colored(out, color, ansi, sign_verb);
    size_t len = strlen(sign_verb);
    for (size_t i = len; i < 9; i++)
        fputc(' ', out);
    fputc(' ', out);
    rc_text_put(out, name);
}

static void text_changes(FILE *out, const rc_topic_plan *tp)
{
    for (size_t k = 0; k < tp->nchanges; k++) {
        const rc_config_change *ch = &tp->changes[k];
        fputs("    ", out);
        if (ch->drift)
            fputs("- ", out);
        rc_text_put(out, ch->key);
        fputs(": ", out);
        rc_text_put(out, ch->old_value ? ch->old_value : "(default)");
        fputs(" -> ", out);
        if (ch->new_value)
            rc_text_put(out, ch->new_value);
        else if (ch->drift)
            fputs("(reset to default, undeclared override)", out);
        else
            fputs("(reset to default)", out);
        fputc('\n', out);
    }
}

static void text_line(FILE *out, const char *prefix, const char *msg)
{
    fputs(prefix, out);
    rc_text_put(out, msg);
    fputc('\n', out);
}

static void text_topic(FILE *out, const rc_topic_plan *tp, bool color)
{
    switch (tp->action) {
    case RC_ACT_CREATE:
        text_topic_head(out, color, ANSI_GREEN, "+ create", tp->topic);
        fputs(" (", out);
        if (tp->partitions_to > 0)
            fprintf(out, "partitions %d", tp->partitions_to);
        else
            fputs("default partitions", out);
        if (tp->replication_factor > 0)
            fprintf(out, ", replication factor %d)\n", tp->replication_factor);
        else
            fputs(", default replication factor)\n", out);
        /* A new topic has no old values: "key = value" reads as a declaration. */
        for (size_t k = 0; k < tp->nchanges; k++) {
            if (!tp->changes[k].new_value)
                continue;
            fputs("    ", out);
            rc_text_put(out, tp->changes[k].key);
            fputs(" = ", out);
            rc_text_put(out, tp->changes[k].new_value);
            fputc('\n', out);
        }
        break;
    case RC_ACT_UPDATE:
    case RC_ACT_REFUSE:
    case RC_ACT_UNCHANGED:
        if (tp->action == RC_ACT_UPDATE)
            text_topic_head(out, color, ANSI_YELLOW, "~ update", tp->topic);
        else if (tp->action == RC_ACT_REFUSE)
            text_topic_head(out, color, ANSI_RED, "! refuse", tp->topic);
        else
            text_topic_head(out, false, "", "= unchanged", tp->topic);
        fputc('\n', out);
        for (size_t k = 0; k < tp->nrefusals; k++)
            text_line(out, "    ", tp->refusals[k]);
        if (tp->partitions_to != tp->partitions_from)
            fprintf(out, "    partitions %d -> %d\n", tp->partitions_from, tp->partitions_to);
        text_changes(out, tp);
        break;
    case RC_ACT_UNMANAGED:
        text_topic_head(out, color, "", "? unmanaged", tp->topic);
        fputs(" (not declared; left untouched)\n", out);
        break;
    case RC_ACT_DELETE:
        text_topic_head(out, color, ANSI_RED, "- delete", tp->topic);
        fputc('\n', out);
        break;
    }
    if (tp->broker_error)
        text_line(out, "    broker rejected: ", tp->broker_error);
}

void rc_plan_print_text(FILE *out, const rc_cluster_plan *plans, size_t n, bool color)
{
    for (size_t i = 0; i < n; i++) {
        const rc_cluster_plan *p = &plans[i];
        if (i > 0)
            fputc('\n', out);
        if (p->error) {
            fputs("cluster ", out);
            rc_text_put(out, p->cluster ? p->cluster : "?");
            fputs(": ", out);
            text_colored(out, color, ANSI_RED, "error:");
            fputc(' ', out);
            rc_text_put(out, rc_without_cluster_prefix(p->error, p->cluster));
            fputc('\n', out);
        } else {
            fputs("cluster ", out);
            rc_text_put(out, p->cluster ? p->cluster : "?");
            if (p->cluster_id) {
                fputs(" (id ", out);
                rc_text_put(out, p->cluster_id);
                fputc(')', out);
            }
            fputc('\n', out);
        }
        for (size_t k = 0; k < p->nwarnings; k++) {
            text_colored(out, color, ANSI_YELLOW, "warning:");
            fputc(' ', out);
            rc_text_put(out, p->warnings[k]);
            fputc('\n', out);
        }
        for (size_t k = 0; k < p->ntopics; k++) {
            const rc_topic_plan *tp = &p->topics[k];
            /* Unchanged topics are counted, not listed: with thousands of topics
             * the few real changes would drown. An error is always shown. */
            if (tp->action == RC_ACT_UNCHANGED && !tp->broker_error)
                continue;
            text_topic(out, tp, color);
        }
        /* A failed cluster has no meaningful counts unless it got as far as topics. */
        if (p->error && p->ntopics == 0)
            continue;
        counts c = plan_counts(p);
        fputs("cluster ", out);
        rc_text_put(out, p->cluster ? p->cluster : "?");
        fprintf(out, ": %zu to create, %zu to update, %zu refused, %zu unchanged, %zu unmanaged",
                c.create, c.update, c.refuse, c.unchanged, c.unmanaged);
        if (c.del > 0)
            fprintf(out, ", %zu to delete", c.del);
        fputc('\n', out);
        for (size_t k = 0; k < p->nkinds; k++)
            p->kinds[k].kind->print_text(out, p->cluster, p->kinds[k].plan, color);
    }
    if (n > 0 && plans_clean(plans, n))
        fprintf(out, "\nNo changes. %s\n", no_changes_tail(n));
}

/* ---- JSON ---------------------------------------------------------------------- */

/* json_string refuses invalid UTF-8 (returns NULL). Topic names are ASCII, but
 * broker messages and values are not ours: degrade the bad bytes instead of
 * dropping the whole document. */
json_t *rc_json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = rc_xstrdup(s);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j ? j : json_null();
}

static json_t *json_topic(const rc_topic_plan *tp)
{
    json_t *t = json_object();
    json_object_set_new(t, "name", rc_json_text(tp->topic));
    json_object_set_new(t, "action", json_string(rc_topic_action_name(tp->action)));
    if (tp->action == RC_ACT_CREATE) {
        json_t *parts = json_object();
        json_object_set_new(parts, "from", json_null());
        json_object_set_new(parts, "to", json_integer(tp->partitions_to));
        json_object_set_new(t, "partitions", parts);
        json_object_set_new(t, "replication_factor", json_integer(tp->replication_factor));
    } else if (tp->action == RC_ACT_UPDATE && tp->partitions_to != tp->partitions_from) {
        json_t *parts = json_object();
        json_object_set_new(parts, "from", json_integer(tp->partitions_from));
        json_object_set_new(parts, "to", json_integer(tp->partitions_to));
        json_object_set_new(t, "partitions", parts);
    }
    json_t *cfg = json_array();
    for (size_t k = 0; k < tp->nchanges; k++) {
        const rc_config_change *ch = &tp->changes[k];
        json_t *c = json_object();
        json_object_set_new(c, "key", rc_json_text(ch->key));
        json_object_set_new(c, "old", rc_json_text(ch->old_value));
        json_object_set_new(c, "new", rc_json_text(ch->new_value));
        json_object_set_new(c, "drift", json_boolean(ch->drift));
        json_array_append_new(cfg, c);
    }
    json_object_set_new(t, "config", cfg);
    json_t *ref = json_array();
    for (size_t k = 0; k < tp->nrefusals; k++)
        json_array_append_new(ref, rc_json_text(tp->refusals[k]));
    json_object_set_new(t, "refusals", ref);
    json_object_set_new(t, "error", rc_json_text(tp->broker_error));
    return t;
}

static json_t *json_cluster(const rc_cluster_plan *p)
{
    json_t *c = json_object();
    json_object_set_new(c, "name", rc_json_text(p->cluster));
    json_object_set_new(c, "cluster_id", rc_json_text(p->cluster_id));
    json_object_set_new(c, "error", rc_json_text(p->error));
    json_t *w = json_array();
    for (size_t k = 0; k < p->nwarnings; k++)
        json_array_append_new(w, rc_json_text(p->warnings[k]));
    json_object_set_new(c, "warnings", w);
    counts n = plan_counts(p);
    json_t *s = json_object();
    json_object_set_new(s, "create", json_integer((json_int_t)n.create));
    json_object_set_new(s, "update", json_integer((json_int_t)n.update));
    json_object_set_new(s, "refuse", json_integer((json_int_t)n.refuse));
    json_object_set_new(s, "unchanged", json_integer((json_int_t)n.unchanged));
    json_object_set_new(s, "unmanaged", json_integer((json_int_t)n.unmanaged));
    json_object_set_new(s, "delete", json_integer((json_int_t)n.del));
    json_object_set_new(c, "summary", s);
    json_object_set_new(c, "changes_pending", json_boolean(rc_cluster_plan_has_changes(p)));
    json_t *topics = json_array();
    for (size_t k = 0; k < p->ntopics; k++)
        json_array_append_new(topics, json_topic(&p->topics[k]));
    json_object_set_new(c, "topics", topics);
    for (size_t k = 0; k < p->nkinds; k++)
        json_object_set_new(c, p->kinds[k].kind->json_key,
                            p->kinds[k].kind->to_json(p->kinds[k].plan));
    return c;
}

int rc_plan_print_json(FILE *out, const rc_cluster_plan *plans, size_t n)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema_version", json_integer(1));
    json_t *clusters = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(clusters, json_cluster(&plans[i]));
    json_object_set_new(root, "clusters", clusters);
    json_object_set_new(root, "changes_pending", json_boolean(any_changes(plans, n)));

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return RC_ERR;
    int rc = 0;
    if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
        rc = RC_ERR;
    free(text);
    return rc;
}

/* ---- Markdown ------------------------------------------------------------------ */

/* rc_md_text onto out. The plan's Markdown never starts a line with free
 * text, so the mid-line set is enough (and keeps its output as it was). */
static void md_text(FILE *out, const char *s)
{
    rc_buf b = {0};
    rc_md_text(&b, s, RC_MD_MIDLINE);
    if (b.data)
        fputs(b.data, out);
    rc_buf_free(&b);
}

/* rc_md_code onto out. */
static void md_code(FILE *out, const char *s)
{
    rc_buf b = {0};
    rc_md_code(&b, s);
    fputs(b.data, out);
    rc_buf_free(&b);
}

static void md_topic(FILE *out, const rc_topic_plan *tp)
{
    fprintf(out, "#### %s %s ", rc_topic_action_sign(tp->action), rc_topic_action_name(tp->action));
    md_code(out, tp->topic);
    fputs("\n\n", out);

    if (tp->action == RC_ACT_CREATE) {
        if (tp->partitions_to > 0)
            fprintf(out, "Partitions %d", tp->partitions_to);
        else
            fputs("Default partitions", out);
        if (tp->replication_factor > 0)
            fprintf(out, ", replication factor %d.\n\n", tp->replication_factor);
        else
            fputs(", default replication factor.\n\n", out);
        if (tp->nchanges > 0) {
            fputs("| Config | Value |\n|---|---|\n", out);
            for (size_t k = 0; k < tp->nchanges; k++) {
                fputs("| ", out);
                md_code(out, tp->changes[k].key);
                fputs(" | ", out);
                if (tp->changes[k].new_value)
                    md_code(out, tp->changes[k].new_value);
                fputs(" |\n", out);
            }
            fputc('\n', out);
        }
    } else {
        for (size_t k = 0; k < tp->nrefusals; k++) {
            fputs("- ", out);
            md_text(out, tp->refusals[k]);
            fputc('\n', out);
        }
        if (tp->nrefusals > 0)
            fputc('\n', out);
        if (tp->action == RC_ACT_DELETE)
            fputs(
                "Not declared; will be deleted: `--prune` was given and the cluster policy allows "
                "deletion.\n\n",
                out);
        if (tp->partitions_to != tp->partitions_from)
            fprintf(out, "Partitions %d -> %d.\n\n", tp->partitions_from, tp->partitions_to);
        if (tp->nchanges > 0) {
            fputs("| Config | Current | After apply |\n|---|---|---|\n", out);
            for (size_t k = 0; k < tp->nchanges; k++) {
                const rc_config_change *ch = &tp->changes[k];
                fputs("| ", out);
                md_code(out, ch->key);
                fputs(" | ", out);
                if (ch->old_value)
                    md_code(out, ch->old_value);
                else
                    fputs("*(default)*", out);
                fputs(" | ", out);
                if (ch->new_value)
                    md_code(out, ch->new_value);
                else if (ch->drift)
                    fputs("*(reset to default: undeclared override)*", out);
                else
                    fputs("*(reset to default)*", out);
                fputs(" |\n", out);
            }
            fputc('\n', out);
        }
    }
    if (tp->broker_error) {
        fputs("**Broker rejected:** ", out);
        md_text(out, tp->broker_error);
        fputs("\n\n", out);
    }
}

static void md_cluster(FILE *out, const rc_cluster_plan *p)
{
    fputs("### Cluster ", out);
    md_code(out, p->cluster ? p->cluster : "?");
    fputs("\n\n", out);
    if (p->cluster_id) {
        fputs("Cluster id: ", out);
        md_code(out, p->cluster_id);
        fputs("\n\n", out);
    }
    if (p->error) {
        fputs("**Error:** ", out);
        md_text(out, rc_without_cluster_prefix(p->error, p->cluster));
        fputs("\n\n", out);
    }
    for (size_t k = 0; k < p->nwarnings; k++) {
        fputs("> **Warning:** ", out);
        md_text(out, p->warnings[k]);
        fputs("\n\n", out);
    }
    if (p->error && p->ntopics == 0)
        return;

    counts c = plan_counts(p);
    fputs("| create | update | refuse | unchanged | unmanaged | delete |\n"
          "|---:|---:|---:|---:|---:|---:|\n",
          out);
    fprintf(out, "| %zu | %zu | %zu | %zu | %zu | %zu |\n\n", c.create, c.update, c.refuse,
            c.unchanged, c.unmanaged, c.del);

    for (size_t k = 0; k < p->ntopics; k++) {
        const rc_topic_plan *tp = &p->topics[k];
        bool listed = tp->action == RC_ACT_CREATE || tp->action == RC_ACT_UPDATE ||
                      tp->action == RC_ACT_REFUSE || tp->action == RC_ACT_DELETE;
        if (listed || tp->broker_error)
            md_topic(out, tp);
    }

    /* Unmanaged topics can be hundreds on a shared cluster: fold them so the
     * comment stays about the pull request's own changes. */
    if (c.unmanaged > 0) {
        fprintf(out,
                "<details><summary>%zu unmanaged topic%s (not declared; left "
                "untouched)</summary>\n\n",
                c.unmanaged, c.unmanaged == 1 ? "" : "s");
        for (size_t k = 0; k < p->ntopics; k++) {
            if (p->topics[k].action != RC_ACT_UNMANAGED)
                continue;
            fputs("- ", out);
            md_code(out, p->topics[k].topic);
            fputc('\n', out);
        }
        fputs("\n</details>\n\n", out);
    }
    for (size_t k = 0; k < p->nkinds; k++) {
        rc_buf b = {0};
        p->kinds[k].kind->markdown(&b, p->kinds[k].plan);
        if (b.data)
            fputs(b.data, out);
        rc_buf_free(&b);
    }
}

void rc_plan_print_markdown(FILE *out, const rc_cluster_plan *plans, size_t n)
{
    fputs("## reconcile plan\n\n", out);
    for (size_t i = 0; i < n; i++)
        md_cluster(out, &plans[i]);
    if (n > 0 && plans_clean(plans, n))
        fprintf(out, "**No changes.** %s\n", no_changes_tail(n));
}
