/* support.c — helpers shared by the unit tests; see support.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include "decl.h"
#include "profiles.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- paths ------------------------------------------------------------------ */

static char *env_path(const char *var, const char *dflt, const char *rel)
{
    const char *dir = getenv(var);
    return rc_xasprintf("%s/%s", dir && *dir ? dir : dflt, rel);
}

char *t_src_path(const char *rel)
{
    return env_path("RECONCILE_SRC", ".", rel);
}

char *t_fixture_path(const char *rel)
{
    return env_path("RECONCILE_FIXTURES", "tests/fixtures", rel);
}

/* ---- scratch files ---------------------------------------------------------- */

char *t_scratch_dir(const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = rc_xasprintf("%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    assert_non_null(mkdtemp(dir));
    return dir;
}

void t_write_file(const char *dir, const char *rel, const char *text)
{
    char *path = rc_xasprintf("%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    free(path);
}

void t_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *child = rc_xasprintf("%s/%s", path, e->d_name);
            t_remove_tree(child);
            free(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- declarations in memory ------------------------------------------------- */

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const rc_source_file *)a)->path, ((const rc_source_file *)b)->path);
}

void t_source_from_files(rc_source *src, const tfile *files, size_t n)
{
    memset(src, 0, sizeof(*src));
    src->files = rc_xcalloc(n ? n : 1, sizeof(*src->files));
    for (size_t i = 0; i < n; i++) {
        if (!files[i].path)
            continue;
        rc_source_file *f = &src->files[src->nfiles++];
        f->path = rc_xstrdup(files[i].path);
        f->content = rc_xstrdup(files[i].content);
        f->len = strlen(files[i].content);
    }
    qsort(src->files, src->nfiles, sizeof(*src->files), file_cmp);
}

int t_decl_load(rc_repo *repo, const rc_source *src, rc_diags *diags)
{
    char *tmpl = t_src_path("alert-templates"), *dash = t_src_path("dashboards");
    char **names = NULL, err[256];
    size_t n = 0;
    if (rc_profiles_list(&names, &n, tmpl, dash, err, sizeof(err)) != 0 || n == 0)
        fail_msg("no metric-source profiles under the source tree: %s", err);
    rc_decl_options opt = {(const char *const *)names, n};
    int rc = rc_decl_load_opts(repo, src, diags, &opt);
    rc_profiles_free(names, n);
    free(tmpl);
    free(dash);
    return rc;
}

void tside_load(tside *s, const tfile *files, size_t n)
{
    memset(s, 0, sizeof(*s));
    t_source_from_files(&s->src, files, n);
    t_decl_load(&s->repo, &s->src, &s->diags);
}

void tside_free(tside *s)
{
    rc_source_free(&s->src);
    rc_repo_free(&s->repo);
    rc_diags_free(&s->diags);
    memset(s, 0, sizeof(*s));
}

/* ---- plans ------------------------------------------------------------------ */

rc_topic_plan *t_plan_add_topic(rc_cluster_plan *p, const char *name, rc_topic_action a, int from,
                                int to, int replication_factor)
{
    p->topics = rc_xrealloc(p->topics, (p->ntopics + 1) * sizeof(*p->topics));
    rc_topic_plan *t = &p->topics[p->ntopics++];
    memset(t, 0, sizeof(*t));
    t->topic = rc_xstrdup(name);
    t->action = a;
    t->partitions_from = from;
    t->partitions_to = to;
    t->replication_factor = replication_factor;
    return t;
}

void t_plan_add_change(rc_topic_plan *t, const char *key, const char *old_value,
                       const char *new_value, bool drift)
{
    t->changes = rc_xrealloc(t->changes, (t->nchanges + 1) * sizeof(*t->changes));
    rc_config_change *c = &t->changes[t->nchanges++];
    c->key = rc_xstrdup(key);
    c->old_value = old_value ? rc_xstrdup(old_value) : NULL;
    c->new_value = new_value ? rc_xstrdup(new_value) : NULL;
    c->drift = drift;
    if (new_value)
        rc_kvlist_set(&t->desired_overrides, key, new_value);
}

/* ---- captured output -------------------------------------------------------- */

FILE *tcapture_open(tcapture *c)
{
    memset(c, 0, sizeof(*c));
    c->f = open_memstream(&c->data, &c->len);
    assert_non_null(c->f);
    return c->f;
}

const char *tcapture_close(tcapture *c)
{
    assert_int_equal(fclose(c->f), 0);
    c->f = NULL;
    return c->data;
}

void tcapture_free(tcapture *c)
{
    free(c->data);
    memset(c, 0, sizeof(*c));
}

/* ---- golden files ----------------------------------------------------------- */

void t_assert_golden(const char *name, const char *got, size_t got_len)
{
    char *rel = rc_xasprintf("golden/%s", name);
    char *path = t_fixture_path(rel);
    free(rel);
    const char *update = getenv("RECONCILE_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        if (!f)
            fail_msg("cannot write %s", path);
        assert_int_equal(fwrite(got, 1, got_len, f), got_len);
        assert_int_equal(fclose(f), 0);
        free(path);
        return;
    }
    char *want = NULL;
    size_t want_len = 0;
    char why[RC_ERRBUF_LEN];
    if (rc_read_file(&want, &want_len, path, why, sizeof(why)) != 0) {
        free(path);
        fail_msg("cannot read golden file %s (set RECONCILE_FIXTURES): %s", name, why);
    }
    if (want_len != got_len || memcmp(want, got, got_len) != 0) {
        /* Point at the first difference: a byte-for-byte failure is useless
         * without knowing where. */
        size_t line = 1, i = 0;
        while (i < want_len && i < got_len && want[i] == got[i]) {
            if (want[i] == '\n')
                line++;
            i++;
        }
        fprintf(stderr, "golden %s differs at line %zu; actual output:\n%.*s\n", path, line,
                (int)got_len, got);
        free(want);
        free(path);
        fail_msg("%s does not match its golden file", name);
    }
    free(want);
    free(path);
}
