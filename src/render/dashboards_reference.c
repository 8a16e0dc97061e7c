/* dashboards_reference.c — the reference rendering: tmpl.h expands a copy
 * of the whole template tree, "$when" is resolved and panel ids assigned on
 * it, and rc_tmpl_emit_json writes it. Slow but plainly right: the compiled
 * path (dashboards_compiled.c) is checked against it. */
#include "dashboards_internal.h"

#include <stdlib.h>

/* Resolve "$when" in node's children (see dashboards.h). */
static int resolve_when(json_t *node, char *errbuf, size_t errlen)
{
    if (json_is_array(node)) {
        size_t i = 0;
        while (i < json_array_size(node)) {
            json_t *e = json_array_get(node, i);
            json_t *w = json_is_object(e) ? json_object_get(e, "$when") : NULL;
            if (w) {
                if (json_is_false(w)) {
                    json_array_remove(node, i);
                    continue;
                }
                if (!json_is_true(w))
                    return rc_errorf(-1, errbuf, errlen, "\"$when\" must be true or false");
                json_object_del(e, "$when");
            }
            if (resolve_when(e, errbuf, errlen) < 0)
                return -1;
            i++;
        }
    } else if (json_is_object(node)) {
        const char *key;
        json_t *e;
        void *tmp;
        json_object_foreach_safe(node, tmp, key, e)
        {
            json_t *w = json_is_object(e) ? json_object_get(e, "$when") : NULL;
            if (w) {
                if (json_is_false(w)) {
                    json_object_del(node, key);
                    continue;
                }
                if (!json_is_true(w))
                    return rc_errorf(-1, errbuf, errlen, "%s: \"$when\" must be true or false",
                                     key);
                json_object_del(e, "$when");
            }
            if (resolve_when(e, errbuf, errlen) < 0)
                return -1;
        }
    }
    return 0;
}

static void assign_ids(json_t *panels, long long *next)
{
    size_t i;
    json_t *p;
    json_array_foreach(panels, i, p)
    {
        if (!json_is_object(p))
            continue;
        json_object_set_new(p, "id", json_integer((*next)++));
        json_t *nested = json_object_get(p, "panels");
        if (json_is_array(nested))
            assign_ids(nested, next);
    }
}

/* The reference rendering: expand the whole tree with tmpl.h, resolve $when,
 * assign ids. *out = the tree (the caller's reference). */
static int build_tree(json_t **out, const rc_dashboards *d, const rc_tmpl_vars *vars, bool clients,
                      char *errbuf, size_t errlen)
{
    char err[512];
    json_t *tree = NULL;
    const char *file = clients ? d->clients_file : d->tmpl_file;
    if (rc_tmpl_expand(&tree, clients ? d->clients_tmpl : d->tmpl, vars, err, sizeof(err)) < 0)
        return rc_errorf(RC_ERR, errbuf, errlen, "%s: %s", file, err);
    if (resolve_when(tree, err, sizeof(err)) < 0) {
        json_decref(tree);
        return rc_errorf(RC_ERR, errbuf, errlen, "%s: %s", file, err);
    }
    long long next = 1;
    assign_ids(json_object_get(tree, "panels"), &next);
    *out = tree;
    return 0;
}

int dash_render_reference(rc_buf *out, const rc_dashboards *d, const rc_tmpl_vars *vars,
                          bool clients, json_t **tree_out, char *errbuf, size_t errlen)
{
    json_t *tree = NULL;
    if (build_tree(&tree, d, vars, clients, errbuf, errlen) < 0)
        return RC_ERR;
    size_t mark = out->len;
    if (rc_tmpl_emit_json(out, tree) < 0) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        json_decref(tree);
        return rc_errorf(-1, errbuf, errlen, "%s: cannot emit the dashboard JSON", d->tmpl_file);
    }
    if (tree_out)
        *tree_out = tree;
    else
        json_decref(tree);
    return 0;
}
