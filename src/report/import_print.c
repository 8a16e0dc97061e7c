/* import_print.c — the JSON report of an import (import_print.h), on jansson. */
#include "import_print.h"

#include "plan_print.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *strings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, rc_json_text(v[i]));
    return a;
}

static json_t *topic_json(const rc_import_topic *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", rc_json_text(t->name));
    json_object_set_new(o, "file", rc_json_text(t->file));
    json_object_set_new(o, "owner", t->owner ? rc_json_text(t->owner) : json_null());
    json_object_set_new(o, "partitions", json_integer(t->partitions));
    json_object_set_new(o, "replication_factor", json_integer(t->replication_factor));
    json_t *cfg = json_object();
    for (size_t i = 0; i < t->config.len; i++)
        json_object_set_new(cfg, t->config.items[i].key, rc_json_text(t->config.items[i].value));
    json_object_set_new(o, "config", cfg);
    json_object_set_new(o, "producers", strings(t->producers, t->nproducers));
    json_t *cons = json_array();
    for (size_t i = 0; i < t->nconsumers; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "group", rc_json_text(t->consumers[i]));
        json_object_set_new(c, "service",
                            t->consumer_services[i] ? rc_json_text(t->consumer_services[i])
                                                    : json_null());
        json_array_append_new(cons, c);
    }
    json_object_set_new(o, "consumers", cons);
    return o;
}

static json_t *file_json(const rc_import_file *f, bool written)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", rc_json_text(f->path));
    json_object_set_new(o, "written", json_boolean(written));
    json_object_set_new(o, "topics", json_array());
    json_object_set_new(o, "bindings", json_integer((json_int_t)f->nbindings));
    return o;
}

static int file_key_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_import_file *)elem)->path);
}

/* Each topic's name into its file's "topics" (files are sorted by path;
 * topics by name, so each list is sorted too). */
static void file_topics(json_t *files, const rc_import *im)
{
    for (size_t k = 0; k < im->ntopics; k++) {
        const rc_import_file *f =
            bsearch(im->topics[k].file, im->files, im->nfiles, sizeof(*im->files), file_key_cmp);
        if (f)
            json_array_append_new(
                json_object_get(json_array_get(files, (size_t)(f - im->files)), "topics"),
                rc_json_text(im->topics[k].name));
    }
}

void rc_import_report_add(rc_import_report *r, const char *cluster, const rc_import *im,
                          const bool *written, bool dry_run, const char *error)
{
    if (!r->clusters)
        r->clusters = json_array();
    r->dry_run = dry_run;
    json_t *o = json_object();
    json_object_set_new(o, "cluster", rc_json_text(cluster));
    json_object_set_new(o, "error", error ? rc_json_text(error) : json_null());
    json_t *files = json_array();
    for (size_t i = 0; i < im->nfiles; i++)
        json_array_append_new(files, file_json(&im->files[i], written[i]));
    if (im->nfiles > 0)
        file_topics(files, im);
    json_object_set_new(o, "files", files);
    json_t *topics = json_array();
    for (size_t i = 0; i < im->ntopics; i++)
        json_array_append_new(topics, topic_json(&im->topics[i]));
    json_object_set_new(o, "topics", topics);
    json_object_set_new(o, "bindings_by_topics", json_integer((json_int_t)im->bindings_by_topics));
    json_object_set_new(o, "bindings_in_access_file", json_integer((json_int_t)im->bindings.len));
    json_object_set_new(o, "skipped", strings(im->skipped, im->nskipped));
    json_object_set_new(o, "warnings", strings(im->warnings, im->nwarnings));
    json_array_append_new(r->clusters, o);
}

void rc_import_report_print(const rc_import_report *r, FILE *out)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "dry_run", json_boolean(r->dry_run));
    json_object_set(root, "clusters", r->clusters ? r->clusters : json_array());
    json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
}

void rc_import_report_free(rc_import_report *r)
{
    json_decref(r->clusters);
    r->clusters = NULL;
}
