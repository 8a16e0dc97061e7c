/* tmpl.c — template variables and the placeholder expander: a deep copy of
 * a tree that rewrites its strings (and mapping keys) with tmpl_interp.c. */
#include "tmpl_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- variables ------------------------------------------------------------ */

void rc_tmpl_vars_set(rc_tmpl_vars *v, const char *name, const char *value)
{
    /* One name, one meaning: a later string replaces an earlier raw value. */
    if (v->raw.len)
        rc_kvlist_remove(&v->raw, name);
    rc_kvlist_set(&v->strings, name, value ? value : "");
}

void rc_tmpl_vars_set_raw(rc_tmpl_vars *v, const char *name, const char *json_literal)
{
    if (v->strings.len)
        rc_kvlist_remove(&v->strings, name);
    rc_kvlist_set(&v->raw, name, json_literal ? json_literal : "null");
}

void rc_tmpl_vars_free(rc_tmpl_vars *v)
{
    rc_kvlist_free(&v->strings);
    rc_kvlist_free(&v->raw);
}
/* ---- expansion ----------------------------------------------------------- */

static json_t *expand_string_node(xctx *x, const json_t *t, const xpath *p)
{
    const char *s = json_string_value(t);
    size_t n = json_string_length(t);
    if (!memchr(s, '$', n))
        return json_stringn_nocheck(s, n); /* already valid UTF-8: it came from a json string */
    const char *raw;
    if (!tmpl_expand_text(x, s, n, p, &raw))
        return NULL;
    if (raw) {
        json_t *v = json_loads(raw, JSON_DECODE_ANY, NULL);
        if (!v || !(json_is_number(v) || json_is_boolean(v))) {
            json_decref(v);
            tmpl_xfail(x, p, "raw variable %s is not a JSON number or boolean: \"%s\"", s, raw);
            return NULL;
        }
        return v;
    }
    json_t *v = json_stringn(x->out.data ? x->out.data : "", x->out.len);
    if (!v)
        tmpl_xfail(x, p, "substituted value is not valid UTF-8");
    return v;
}

static json_t *expand_node(xctx *x, const json_t *t, const xpath *up, const char *key, size_t index)
{
    xpath here = {up, key, index};
    /* the root (no key, no index) has no path of its own */
    const xpath *p = (key || up || index != (size_t)-1) ? &here : NULL;
    switch (json_typeof(t)) {
    case JSON_OBJECT: {
        json_t *o = json_object();
        const char *k;
        json_t *v;
        /* Template keys are unique; only a substituted key can collide. */
        bool dynamic_keys = false;
        json_object_foreach((json_t *)t, k, v) if (strchr(k, '$')) dynamic_keys = true;
        json_object_foreach((json_t *)t, k, v)
        {
            const char *nk = k;
            char *owned = NULL;
            if (strchr(k, '$')) {
                if (!tmpl_expand_text(x, k, strlen(k), p, NULL))
                    goto fail_obj;
                owned = rc_xstrndup(x->out.data ? x->out.data : "", x->out.len);
                nk = owned;
                if (strlen(nk) != x->out.len) {
                    tmpl_xfail(x, p, "a key must not contain NUL characters");
                    free(owned);
                    goto fail_obj;
                }
            }
            if (dynamic_keys && json_object_get(o, nk)) {
                tmpl_xfail(x, p, "substitution makes key \"%s\" a duplicate", nk);
                free(owned);
                goto fail_obj;
            }
            json_t *c = expand_node(x, v, p, k, 0);
            if (!c || json_object_set_new(o, nk, c) < 0) {
                if (c)
                    tmpl_xfail(x, p, "key is not valid UTF-8");
                free(owned);
                goto fail_obj;
            }
            free(owned);
        }
        return o;
    fail_obj:
        json_decref(o);
        return NULL;
    }
    case JSON_ARRAY: {
        json_t *a = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v)
        {
            json_t *c = expand_node(x, v, p, NULL, i);
            if (!c) {
                json_decref(a);
                return NULL;
            }
            json_array_append_new(a, c);
        }
        return a;
    }
    case JSON_STRING:
        return expand_string_node(x, t, p);
    default:
        return json_copy((json_t *)t);
    }
}

static void xctx_free(xctx *x)
{
    rc_buf_free(&x->out);
    rc_buf_free(&x->t1);
    rc_buf_free(&x->t2);
}

int rc_tmpl_expand(json_t **out, const json_t *tmpl, const rc_tmpl_vars *vars, char *errbuf,
                   size_t errlen)
{
    xctx x = {.vars = vars, .errbuf = errbuf, .errlen = errlen};
    json_t *r = expand_node(&x, tmpl, NULL, NULL, (size_t)-1);
    xctx_free(&x);
    if (!r)
        return RC_ERR;
    *out = r;
    return 0;
}

int rc_tmpl_expand_string(char **out, const char *s, const rc_tmpl_vars *vars, char *errbuf,
                          size_t errlen)
{
    xctx x = {.vars = vars, .errbuf = errbuf, .errlen = errlen};
    int rc = RC_ERR;
    if (tmpl_expand_text(&x, s, strlen(s), NULL, NULL)) {
        *out = rc_xstrndup(x.out.data ? x.out.data : "", x.out.len);
        rc = 0;
    }
    xctx_free(&x);
    return rc;
}
