/* import_yaml.c — the files import writes, through libyaml's emitter (which
 * knows when a scalar needs quotes: "User:*", "on", "#chat", a name with
 * ": " in it). Field order is fixed and every list is sorted by the caller,
 * so the same import gives the same bytes. */
#include "import.h"

#include "acl.h"
#include "decl.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct emitter {
    yaml_emitter_t e;
    rc_buf out;
} emitter;

/* Emitting into memory cannot fail for well-formed event sequences and this
 * file only makes those: a failure is a bug, reported like running out of
 * memory (util.h). */
static void die(const char *what, const char *problem)
{
    fprintf(stderr, "reconcile: import: %s: %s\n", what, problem ? problem : "(no reason)");
    abort();
}

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
    rc_buf_append(data, (const char *)buffer, size);
    return 1;
}

static void emit(emitter *em, yaml_event_t *ev)
{
    if (!yaml_emitter_emit(&em->e, ev))
        die("the YAML emitter refused an event", em->e.problem);
}

/* A string the declarations would read as a string when written plain:
 * not a YAML null, boolean or number (the emitter does not know the schema
 * the parser applies). */
static bool plain_reads_as_string(const char *s)
{
    static const char *const words[] = {"",   "~",   "null", "true", "false", "yes", "no",
                                        "on", "off", "y",    "n",    ".nan",  ".inf"};
    char low[8];
    size_t n = strlen(s);
    if (n < sizeof(low)) {
        for (size_t i = 0; i <= n; i++)
            low[i] = (char)tolower((unsigned char)s[i]);
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (!strcmp(low, words[i]))
                return false;
    }
    char *end;
    (void)strtod(s, &end);
    return *end != '\0';
}

static void scalar_styled(emitter *em, const char *s, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1, style);
    emit(em, &ev);
}

/* A string value: plain where it reads back as the same string. */
static void str(emitter *em, const char *s)
{
    scalar_styled(
        em, s, plain_reads_as_string(s) ? YAML_ANY_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* A value whose type the parser decides (an integer, "7d", "true"). */
static void value(emitter *em, const char *s)
{
    scalar_styled(em, s, YAML_ANY_SCALAR_STYLE);
}

static void int_value(emitter *em, int v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%d", v);
    value(em, buf);
}

static void map_start(emitter *em, bool flow)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                        flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
    emit(em, &ev);
}

static void map_end(emitter *em)
{
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(em, &ev);
}

static void seq_start(emitter *em, bool flow)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(
        &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    emit(em, &ev);
}

static void seq_end(emitter *em)
{
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(em, &ev);
}

static void begin(emitter *em, const char *header)
{
    memset(em, 0, sizeof(*em));
    rc_buf_puts(&em->out, header); /* comments: the emitter has no event for them */
    if (!yaml_emitter_initialize(&em->e))
        die("cannot initialise the YAML emitter", NULL);
    yaml_emitter_set_output(&em->e, write_cb, &em->out);
    yaml_emitter_set_unicode(&em->e, 1);
    yaml_emitter_set_width(&em->e, -1); /* one line per binding, however long */
    yaml_emitter_set_indent(&em->e, 2);
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(em, &ev);
}

static void doc_start(emitter *em, bool first)
{
    yaml_event_t ev;
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, first);
    emit(em, &ev);
}

static void doc_end(emitter *em)
{
    yaml_event_t ev;
    yaml_document_end_event_initialize(&ev, 1);
    emit(em, &ev);
}

static char *finish(emitter *em)
{
    yaml_event_t ev;
    yaml_stream_end_event_initialize(&ev);
    emit(em, &ev);
    if (!yaml_emitter_flush(&em->e))
        die("cannot flush the YAML emitter", em->e.problem);
    yaml_emitter_delete(&em->e);
    return rc_buf_take(&em->out);
}

/* ---- topics ---------------------------------------------------------------------- */

static void topic_doc(emitter *em, const rc_import_topic *t)
{
    map_start(em, false);
    str(em, "name");
    str(em, t->name);
    str(em, "partitions");
    int_value(em, t->partitions);
    str(em, "replication_factor");
    int_value(em, t->replication_factor);
    str(em, "owner");
    str(em, t->owner ? t->owner : RC_DECL_OWNER_PLACEHOLDER);
    if (t->config.len > 0) {
        str(em, "config");
        map_start(em, false);
        for (size_t i = 0; i < t->config.len; i++) {
            str(em, t->config.items[i].key);
            value(em, t->config.items[i].value);
        }
        map_end(em);
    }
    if (t->nproducers > 0) {
        str(em, "producers");
        seq_start(em, true);
        for (size_t i = 0; i < t->nproducers; i++)
            str(em, t->producers[i]);
        seq_end(em);
    }
    if (t->nconsumers > 0) {
        str(em, "consumers");
        seq_start(em, false);
        for (size_t i = 0; i < t->nconsumers; i++) {
            if (!t->consumer_services[i]) {
                str(em, t->consumers[i]);
                continue;
            }
            map_start(em, true);
            str(em, "group");
            str(em, t->consumers[i]);
            str(em, "service");
            str(em, t->consumer_services[i]);
            map_end(em);
        }
        seq_end(em);
    }
    map_end(em);
}

char *rc_import_topics_yaml(const rc_import_topic *const *topics, size_t n, const char *cluster)
{
    emitter em;
    char *header = rc_xasprintf("# Imported from cluster %s by `reconcile import`: as the topic%s "
                                "%s on the cluster.\n",
                                cluster, n == 1 ? "" : "s", n == 1 ? "is" : "are");
    begin(&em, header);
    free(header);
    for (size_t i = 0; i < n; i++) {
        doc_start(&em, i == 0);
        topic_doc(&em, topics[i]);
        doc_end(&em);
    }
    return finish(&em);
}

/* ---- access ---------------------------------------------------------------------- */

/* Bindings that differ only in their operation, written as one entry. */
static bool same_but_operation(const rc_acl_binding *a, const rc_acl_binding *b)
{
    return a->resource == b->resource && a->pattern == b->pattern &&
           a->permission == b->permission && !strcmp(a->principal, b->principal) &&
           !strcmp(a->name, b->name) && !strcmp(a->host, b->host);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const rc_acl_binding *a = *(const rc_acl_binding *const *)pa;
    const rc_acl_binding *b = *(const rc_acl_binding *const *)pb;
    int c = strcmp(a->principal, b->principal);
    if (!c)
        c = (int)a->resource - (int)b->resource;
    if (!c)
        c = (int)a->pattern - (int)b->pattern;
    if (!c)
        c = strcmp(a->name, b->name);
    if (!c)
        c = (int)a->permission - (int)b->permission;
    if (!c)
        c = strcmp(a->host, b->host);
    return c ? c : (int)a->operation - (int)b->operation;
}

static void lower_word(emitter *em, const char *word)
{
    char *w = rc_xstrdup(word);
    for (char *p = w; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    value(em, w);
    free(w);
}

static void binding_entry(emitter *em, const rc_acl_binding *const *ops, size_t n)
{
    const rc_acl_binding *b = ops[0];
    map_start(em, true);
    str(em, "principal");
    str(em, b->principal);
    str(em, "resource");
    value(em, rc_acl_resource_name(b->resource));
    if (b->resource != RC_ACL_RES_CLUSTER) {
        str(em, "name");
        str(em, b->name);
    }
    if (b->pattern != RC_ACL_PAT_LITERAL) {
        str(em, "pattern");
        value(em, rc_acl_pattern_name(b->pattern));
    }
    str(em, "operations");
    seq_start(em, true);
    for (size_t i = 0; i < n; i++)
        lower_word(em, rc_acl_operation_name(ops[i]->operation));
    seq_end(em);
    if (b->permission != RC_ACL_ALLOW) {
        str(em, "permission");
        value(em, rc_acl_permission_name(b->permission));
    }
    if (strcmp(b->host, "*") != 0) {
        str(em, "host");
        str(em, b->host);
    }
    map_end(em);
}

char *rc_import_access_yaml(const rc_acl_set *bindings, const char *cluster)
{
    emitter em;
    char *header = rc_xasprintf("# ACL bindings found on cluster %s that no topic declaration "
                                "grants (`reconcile import`).\n# Topics grant their producers "
                                "and consumers access; these are the rest.\n",
                                cluster);
    begin(&em, header);
    free(header);
    doc_start(&em, true);
    map_start(&em, false);
    str(&em, "bindings");
    seq_start(&em, false);
    /* one entry per resource, principal, permission and host: sort the
     * operations of each together */
    const rc_acl_binding **ops = rc_xcalloc(bindings->len ? bindings->len : 1, sizeof(*ops));
    for (size_t i = 0; i < bindings->len; i++)
        ops[i] = &bindings->items[i];
    if (bindings->len > 1)
        qsort(ops, bindings->len, sizeof(*ops), entry_cmp);
    for (size_t i = 0; i < bindings->len;) {
        size_t j = i + 1;
        while (j < bindings->len && same_but_operation(ops[i], ops[j]))
            j++;
        binding_entry(&em, ops + i, j - i);
        i = j;
    }
    free(ops);
    seq_end(&em);
    map_end(&em);
    doc_end(&em);
    return finish(&em);
}
