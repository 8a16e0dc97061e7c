/* import_check.c — the round trip of an import, checked before anything is
 * written: the repository with the imported files, planned against the
 * same observation, must show nothing to do (import.h). */
#include "import.h"

#include "acl.h"
#include "decl.h"
#include "diag.h"
#include "diff.h"
#include "error.h"
#include "source.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int file_path_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_source_file *)a)->path, ((const rc_source_file *)b)->path);
}

static bool in_sorted(char *const *v, size_t n, const char *s)
{
    return n > 0 && bsearch(&s, v, n, sizeof(*v), rc_str_ptr_cmp) != NULL;
}

/* src's files and the imported ones, borrowed, in path order. */
static rc_source merged_source(const rc_source *src, const rc_import *im)
{
    rc_source m = {0};
    m.nfiles = src->nfiles + im->nfiles;
    m.files = rc_xcalloc(m.nfiles ? m.nfiles : 1, sizeof(*m.files));
    memcpy(m.files, src->files, src->nfiles * sizeof(*m.files));
    for (size_t i = 0; i < im->nfiles; i++)
        m.files[src->nfiles + i] =
            (rc_source_file){im->files[i].path, im->files[i].content, strlen(im->files[i].content)};
    if (m.nfiles > 1)
        qsort(m.files, m.nfiles, sizeof(*m.files), file_path_cmp);
    return m;
}

static const rc_cluster_decl *find_cluster(const rc_repo *r, const char *name)
{
    for (size_t i = 0; i < r->nclusters; i++)
        if (!strcmp(r->clusters[i].name, name))
            return &r->clusters[i];
    return NULL;
}

static int file_key_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_import_file *)elem)->path);
}

/* im->files is sorted by path */
static bool imported_file(const rc_import *im, const char *path)
{
    return im->nfiles > 0 &&
           bsearch(path, im->files, im->nfiles, sizeof(*im->files), file_key_cmp) != NULL;
}

/* Additions and unmanaged bindings of the cluster's access plan; both 0
 * when the cluster does not manage access (plan does not read its ACLs). */
static void access_counts(const rc_repo *r, const char *cluster, const rc_acl_set *acls,
                          size_t *adds, size_t *unmanaged)
{
    *adds = *unmanaged = 0;
    const rc_cluster_decl *d = find_cluster(r, cluster);
    if (!acls || !d || !rc_acl_cluster_managed(d))
        return;
    rc_acl_plan p;
    rc_acl_plan_against(&p, r, d, acls, false, NULL);
    for (size_t i = 0; i < p.nchanges; i++) {
        *adds += p.changes[i].action == RC_ACL_ADD;
        *unmanaged += p.changes[i].action == RC_ACL_UNMANAGED;
    }
    rc_acl_plan_free(&p);
}

static void push(char ***v, size_t *n, const char *s)
{
    *v = rc_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = rc_xstrdup(s);
}

/* The topics of the plan that are not as imported; their names in *bad. */
static void check_topics(const rc_import *im, const rc_cluster_plan *plan, rc_buf *why, char ***bad,
                         size_t *nbad)
{
    for (size_t i = 0; i < plan->ntopics; i++) {
        const rc_topic_plan *tp = &plan->topics[i];
        bool was_imported = tp->decl && imported_file(im, tp->decl->file);
        if (was_imported && tp->action != RC_ACT_UNCHANGED) {
            push(bad, nbad, tp->topic);
            rc_buf_printf(why, "%s%s would be %s%s%s", why->len ? "; " : "", tp->topic,
                          rc_topic_action_name(tp->action), tp->nchanges ? " at " : "",
                          tp->nchanges ? tp->changes[0].key : "");
        } else if (tp->action == RC_ACT_UNMANAGED &&
                   !in_sorted(im->skipped, im->nskipped, tp->topic)) {
            rc_buf_printf(why, "%s%s would still be unmanaged", why->len ? "; " : "", tp->topic);
        }
    }
}

int rc_import_check(const rc_import *im, const rc_source *src, const char *cluster,
                    const rc_cluster_obs *obs, const rc_acl_set *acls, rc_diags *diags, char ***bad,
                    size_t *nbad, char *errbuf, size_t errlen)
{
    *bad = NULL;
    *nbad = 0;
    rc_source merged = merged_source(src, im);
    rc_repo before = {0}, after = {0};
    rc_diags d_before = {0}, d_after = {0};
    rc_decl_load(&before, src, &d_before);
    rc_decl_load(&after, &merged, &d_after);
    for (size_t i = 0; i < d_after.len; i++) {
        const rc_diag *g = &d_after.items[i];
        if (imported_file(im, g->file))
            rc_diags_add(diags, g->severity, g->file, g->line, g->col, g->rule, "%s", g->message);
    }
    rc_buf why = {0};
    const rc_cluster_decl *decl = find_cluster(&after, cluster);
    if (!decl) {
        rc_buf_printf(&why, "cluster %s is not in the declarations", cluster);
    } else {
        rc_cluster_plan plan;
        char err[RC_ERRBUF_LEN];
        if (rc_diff_plan(&plan, decl, obs, NULL, err, sizeof(err)) != 0)
            rc_buf_printf(&why, "%s", err);
        else
            check_topics(im, &plan, &why, bad, nbad);
        rc_cluster_plan_free(&plan);
        size_t adds0, unmanaged0, adds1, unmanaged1;
        access_counts(&before, cluster, acls, &adds0, &unmanaged0);
        access_counts(&after, cluster, acls, &adds1, &unmanaged1);
        if (unmanaged1 > 0 || adds1 > adds0)
            rc_buf_printf(&why,
                          "%saccess would have %zu unmanaged binding%s and %zu to add (before: "
                          "%zu to add)",
                          why.len ? "; " : "", unmanaged1, unmanaged1 == 1 ? "" : "s", adds1,
                          adds0);
    }
    if (*nbad > 1)
        qsort(*bad, *nbad, sizeof(**bad), rc_str_ptr_cmp);
    int rc = 0;
    if (why.len)
        rc = rc_errorf(RC_ERR, errbuf, errlen, "the import would not round-trip: %s", why.data);
    rc_buf_free(&why);
    rc_repo_free(&before);
    rc_repo_free(&after);
    rc_diags_free(&d_before);
    rc_diags_free(&d_after);
    free(merged.files);
    return rc;
}

int rc_import_build_checked(rc_import *im, rc_import_input *in, const rc_source *src,
                            rc_diags *diags, char *errbuf, size_t errlen)
{
    char **bad = NULL;
    size_t nbad = 0;
    int rc = RC_ERR;
    for (int attempt = 0; attempt < 2; attempt++) {
        rc_import_free(im);
        rc_diags_free(diags);
        if ((rc = rc_import_build(im, in, errbuf, errlen)) != 0)
            break;
        char **now_bad = NULL;
        size_t nnow = 0;
        rc = rc_import_check(im, src, in->decl->name, in->obs, in->acls, diags, &now_bad, &nnow,
                             errbuf, errlen);
        if (rc == 0 || nnow == 0 || attempt == 1) {
            for (size_t i = 0; i < nnow; i++)
                free(now_bad[i]);
            free(now_bad);
            break;
        }
        bad = now_bad; /* made again without them: rc_import_build skips them */
        nbad = nnow;
        in->exclude = (const char *const *)bad;
        in->nexclude = nbad;
    }
    in->exclude = NULL;
    in->nexclude = 0;
    for (size_t i = 0; i < nbad; i++)
        free(bad[i]);
    free(bad);
    return rc;
}
