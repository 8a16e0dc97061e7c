/* cmd_import.c — write declarations for what a live cluster has (import.h):
 * read the cluster, build the import, check its round trip, write the files
 * (never over an existing one). */
#include "commands.h"

#include "acl.h"
#include "diff.h"
#include "import.h"
#include "import_print.h"
#include "kadmin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- options ----------------------------------------------------------------------- */

static int set_owner_map(cli *c, const char *arg)
{
    c->owner_maps[c->nowner_maps++] = arg;
    return 0;
}

static int set_owner_map_file(cli *c, const char *arg)
{
    c->owner_map_file = arg;
    return 0;
}

static int set_layout(cli *c, const char *arg)
{
    for (int i = 0; i < RC_IMPORT_LAYOUT_N; i++)
        if (!strcmp(arg, rc_import_layout_names[i])) {
            c->layout = i;
            return 0;
        }
    return usage_error("--layout expects topic, prefix or owner, got '%s'", arg);
}

const rc_option cmd_import_options[] = {
    {"owner-map", 0, "GLOB=TEAM",
     "the owner of the imported topics whose name matches GLOB (repeatable; the first match "
     "wins, then --owner-map-file's rules)",
     CMD_IMPORT, set_owner_map},
    {"owner-map-file", 0, "FILE",
     "owner rules, one GLOB=TEAM per line ('#' starts a comment), after the --owner-map ones",
     CMD_IMPORT, set_owner_map_file},
    {"layout", 0, "LAYOUT",
     "topic: one file per topic (default); prefix: one per name prefix (up to the first '.'); "
     "owner: one per owner team",
     CMD_IMPORT, set_layout},
    {NULL, 0, NULL, NULL, 0, NULL},
};

/* ---- owner rules --------------------------------------------------------------------- */

typedef struct owner_rules {
    rc_owner_rule *v;
    size_t n;
} owner_rules;

static int add_rule(owner_rules *r, const rc_repo *repo, const char *text, const char *where)
{
    char err[512];
    rc_owner_rule rule;
    if (rc_owner_rule_parse(&rule, text, err, sizeof(err)) != 0) {
        fprintf(stderr, "reconcile: %s: %s\n", where, err);
        return RC_EXIT_FAILURE;
    }
    if (!rc_repo_team(repo, rule.team)) {
        const char **names = rc_xcalloc(repo->nteams ? repo->nteams : 1, sizeof(char *));
        for (size_t i = 0; i < repo->nteams; i++)
            names[i] = repo->teams[i].name;
        const char *dym = rc_did_you_mean(rule.team, names, repo->nteams);
        fprintf(stderr, "reconcile: %s: team '%s' is not in topics/_teams.yaml%s%s%s\n", where,
                rule.team, dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
        free(names);
        free(rule.glob);
        free(rule.team);
        return RC_EXIT_FAILURE;
    }
    r->v = rc_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
    r->v[r->n++] = rule;
    return 0;
}

static int read_rules(cli *c, const rc_repo *repo, owner_rules *r)
{
    for (size_t i = 0; i < c->nowner_maps; i++)
        if (add_rule(r, repo, c->owner_maps[i], "--owner-map") != 0)
            return RC_EXIT_FAILURE;
    if (!c->owner_map_file)
        return 0;
    FILE *f = fopen(c->owner_map_file, "r");
    if (!f) {
        fprintf(stderr, "reconcile: --owner-map-file %s: %s\n", c->owner_map_file, strerror(errno));
        return RC_EXIT_FAILURE;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    for (int lineno = 1; rc == 0 && getline(&line, &cap, f) >= 0; lineno++) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = line, *e = line + strlen(line);
        while (*s == ' ' || *s == '\t')
            s++;
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (!*s)
            continue;
        char *where = rc_xasprintf("%s:%d", c->owner_map_file, lineno);
        rc = add_rule(r, repo, s, where);
        free(where);
    }
    free(line);
    fclose(f);
    return rc;
}

/* ---- reading the cluster ---------------------------------------------------------- */

typedef struct cluster_state {
    rc_cluster_obs obs;
    rc_group_offsets *groups;
    size_t ngroups;
    rc_acl_set acls;
    bool acls_read;
} cluster_state;

static void cluster_state_free(cluster_state *s)
{
    rc_cluster_obs_free(&s->obs);
    rc_group_offsets_free(s->groups, s->ngroups);
    rc_acl_set_free(&s->acls);
}

/* A progress line on stderr ("reconcile: cluster NAME: N what"). */
static void progress(fleet_item *it, size_t n, const char *what)
{
    if (!it->c->quiet)
        fprintf(it->err, "reconcile: cluster %s: %zu %s\n", it->decl->name, n, what);
}

static int decl_name_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const rc_topic_decl *)elem)->name);
}

/* Topics, the undeclared ones' configs, groups with their offsets, ACLs. */
static char *read_state(fleet_item *it, rc_kadmin *ka, cluster_state *st)
{
    const rc_cluster_decl *decl = it->decl;
    char err[RC_ERRBUF_LEN] = "";
    if (ka->ops->describe_cluster(ka, &st->obs, err, sizeof(err)) != 0)
        return kadmin_error(decl->name, "cannot read the cluster", err);
    char *pin = cluster_id_problem(decl, &st->obs);
    if (pin)
        return pin;
    const char **names = rc_xcalloc(st->obs.ntopics ? st->obs.ntopics : 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < st->obs.ntopics; i++) {
        const rc_topic_obs *o = &st->obs.topics[i];
        if (!rc_diff_topic_ignored(decl, o->name, o->internal) &&
            !(decl->ntopics &&
              bsearch(o->name, decl->topics, decl->ntopics, sizeof(*decl->topics), decl_name_cmp)))
            names[n++] = o->name;
    }
    progress(it, n, "undeclared topics: reading their configs");
    int rc = ka->ops->describe_configs(ka, &st->obs, names, n, err, sizeof(err));
    free(names);
    if (rc != 0)
        return kadmin_error(decl->name, "cannot read topic configs", err);
    if (ka->ops->list_group_offsets) {
        if (ka->ops->list_group_offsets(ka, &st->groups, &st->ngroups, err, sizeof(err)) != 0)
            return kadmin_error(decl->name, "cannot read its consumer groups", err);
        progress(it, st->ngroups, "consumer groups read with their committed offsets");
    }
    if (ka->ops->describe_acls) {
        rc = ka->ops->describe_acls(ka, &st->acls, err, sizeof(err));
        if (rc == RC_KADMIN_ENOAUTHORIZER)
            return NULL; /* no authorizer: no bindings exist, none to import */
        if (rc != 0)
            return kadmin_error(decl->name, "cannot read its ACL bindings", err);
        st->acls_read = true;
        progress(it, st->acls.len, "ACL bindings read");
    }
    return NULL;
}

/* Every entry of topics/<cluster>/ (files and directories): the names an
 * imported file must avoid. Sorted heap strings. */
static char **existing_paths(cli *c, const char *cluster, size_t *n)
{
    char *dir = rc_xasprintf("%s/topics/%s", c->repo_dir, cluster);
    char **v = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        v = rc_xrealloc(v, (*n + 1) * sizeof(*v));
        v[(*n)++] = rc_xasprintf("topics/%s/%s", cluster, e->d_name);
    }
    if (d)
        closedir(d);
    free(dir);
    if (*n > 1)
        qsort(v, *n, sizeof(*v), rc_str_ptr_cmp);
    return v;
}

/* ---- one cluster ----------------------------------------------------------------- */

#define MAX_PROBLEMS_SHOWN 20

/* What validate will say about the imported files, but the owners (the
 * summary counts those): in full when short, else the first ones and a count
 * per rule, so ten thousand topics missing a required field stay readable. */
static void print_problems(fleet_item *it, const rc_diags *diags)
{
    const char *cluster = it->decl->name;
    rc_diags shown = {0};
    size_t total = 0;
    rc_kvlist per_rule = {0};
    for (size_t i = 0; i < diags->len; i++) {
        const rc_diag *d = &diags->items[i];
        if (!strcmp(d->rule, "owner-unset"))
            continue;
        total++;
        if (shown.len < MAX_PROBLEMS_SHOWN)
            rc_diags_add(&shown, d->severity, d->file, d->line, d->col, d->rule, "%s", d->message);
        const char *n = rc_kvlist_get(&per_rule, d->rule);
        char buf[32];
        snprintf(buf, sizeof(buf), "%ld", (n ? strtol(n, NULL, 10) : 0) + 1);
        rc_kvlist_set(&per_rule, d->rule, buf);
    }
    if (shown.len)
        print_diags_to(it->c, it->err, &shown);
    if (total > shown.len) {
        rc_kvlist_sort(&per_rule);
        rc_buf b = {0};
        for (size_t i = 0; i < per_rule.len; i++)
            rc_buf_printf(&b, "%s%s %s", i ? ", " : "", per_rule.items[i].value,
                          per_rule.items[i].key);
        fprintf(it->err, "reconcile: cluster %s: %zu more problems validate will report (%s)\n",
                cluster, total - shown.len, b.data);
        rc_buf_free(&b);
    }
    if (total > 0)
        fprintf(it->err,
                "reconcile: cluster %s: the imported files have %zu problem%s validate "
                "reports; fix them (or the cluster's policy) before plan\n",
                cluster, total, total == 1 ? "" : "s");
    rc_kvlist_free(&per_rule);
    rc_diags_free(&shown);
}

/* Write every file, never over an existing one. NULL or the failure. */
static char *write_files(cli *c, const rc_import *im, bool *written)
{
    for (size_t i = 0; i < im->nfiles; i++) {
        const rc_import_file *f = &im->files[i];
        char *path = rc_xasprintf("%s/%s", c->repo_dir, f->path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        size_t len = strlen(f->content);
        bool ok = fd >= 0 && write(fd, f->content, len) == (ssize_t)len;
        int saved = errno;
        if (fd >= 0 && close(fd) != 0 && ok) {
            ok = false;
            saved = errno;
        }
        if (!ok) {
            if (fd >= 0)
                unlink(path); /* a partial file would be read as a declaration */
            char why[128];
            char *msg =
                rc_xasprintf("cannot write %s: %s%s", f->path, rc_strerror(saved, why, sizeof(why)),
                             saved == EEXIST ? " (import never writes over a file)" : "");
            free(path);
            return msg;
        }
        written[i] = true;
        free(path);
    }
    return NULL;
}

static void print_text(fleet_item *it, const rc_import *im, const bool *written)
{
    cli *c = it->c;
    const char *cluster = it->decl->name;
    FILE *out = it->out;
    size_t groups = 0, by_topics = im->bindings_by_topics;
    for (size_t i = 0; i < im->ntopics; i++)
        groups += im->topics[i].nconsumers;
    for (size_t i = 0; i < im->nfiles; i++) {
        const rc_import_file *f = &im->files[i];
        if (c->dry_run) {
            fprintf(out, "--- %s (would be written)\n%s", f->path, f->content);
        } else if (written[i] && !c->quiet) {
            if (f->nbindings)
                fprintf(out, "+ wrote %s (%zu binding%s)\n", f->path, f->nbindings,
                        f->nbindings == 1 ? "" : "s");
            else
                fprintf(out, "+ wrote %s (%zu topic%s)\n", f->path, f->ntopics,
                        f->ntopics == 1 ? "" : "s");
        }
    }
    fprintf(out,
            "cluster %s: %s %zu topic%s (%zu consumer group%s as consumers), %zu ACL binding%s "
            "as producers and consumers, %zu in the access file, in %zu file%s",
            cluster, c->dry_run ? "would import" : "imported", im->ntopics,
            im->ntopics == 1 ? "" : "s", groups, groups == 1 ? "" : "s", by_topics,
            by_topics == 1 ? "" : "s", im->bindings.len, im->nfiles, im->nfiles == 1 ? "" : "s");
    if (im->nskipped)
        fprintf(out, "; %zu skipped", im->nskipped);
    fputc('\n', out);
    if (im->unowned)
        fprintf(out,
                "cluster %s: %zu imported topic%s no --owner-map rule matched: set %s owner "
                "(validate lists %s: owner-unset)\n",
                cluster, im->unowned, im->unowned == 1 ? "" : "s",
                im->unowned == 1 ? "its" : "their", im->unowned == 1 ? "it" : "them");
}

/* One cluster's import, kept for the report (JSON) made in cluster order. */
typedef struct imported {
    rc_import im;
    bool *written;
    char *error; /* masked */
} imported;

typedef struct import_ctx {
    const rc_repo *repo;
    const rc_source *src;
    const owner_rules *rules;
    imported *results;
} import_ctx;

/* Read, build (checking the round trip), warn, write. */
static char *import_one(fleet_item *it, const import_ctx *x, imported *r)
{
    cli *c = it->c;
    const rc_cluster_decl *decl = it->decl;
    rc_kadmin *ka = NULL;
    cluster_state st = {0};
    rc_diags diags = {0};
    size_t nexisting = 0;
    char **existing = existing_paths(c, decl->name, &nexisting);
    char *error = connect_cluster(it, &ka);
    if (!error)
        error = read_state(it, ka, &st);
    if (!error) {
        rc_import_input in = {.repo = x->repo,
                              .decl = decl,
                              .obs = &st.obs,
                              .groups = st.groups,
                              .ngroups = st.ngroups,
                              .acls = st.acls_read ? &st.acls : NULL,
                              .owners = x->rules->v,
                              .nowners = x->rules->n,
                              .layout = (rc_import_layout)c->layout,
                              .existing = (const char *const *)existing,
                              .nexisting = nexisting};
        progress(it, st.obs.ntopics,
                 "topics on the cluster: importing, then checking the round trip");
        char err[RC_ERRBUF_LEN];
        if (rc_import_build_checked(&r->im, &in, x->src, &diags, err, sizeof(err)) != 0)
            error = rc_xasprintf("cluster %s: %s; nothing was written", decl->name, err);
    }
    r->written = rc_xcalloc(r->im.nfiles ? r->im.nfiles : 1, sizeof(*r->written));
    if (!error) {
        for (size_t i = 0; i < r->im.nwarnings && !c->quiet; i++)
            print_masked(c, it->err, "reconcile: warning: ", r->im.warnings[i]);
        print_problems(it, &diags);
        if (!c->dry_run && r->im.nfiles > 0)
            progress(it, r->im.nfiles, "files to write");
        char *werr = c->dry_run ? NULL : write_files(c, &r->im, r->written);
        if (werr) {
            error = rc_xasprintf("cluster %s: %s", decl->name, werr);
            free(werr);
        }
    }
    rc_diags_free(&diags);
    for (size_t i = 0; i < nexisting; i++)
        free(existing[i]);
    free(existing);
    cluster_state_free(&st);
    if (ka)
        ka->ops->destroy(ka);
    return error;
}

/* One cluster (fleet_fn): import, then its text report. */
static void import_cluster(fleet_item *it, void *ctx, size_t i)
{
    import_ctx *x = ctx;
    imported *r = &x->results[i];
    cli *c = it->c;
    r->error = import_one(it, x, r);
    if (r->error && c->secrets.len) { /* a broker's message may echo a substituted value */
        char *masked = rc_secrets_mask(&c->secrets, r->error);
        free(r->error);
        r->error = masked;
    }
    if (c->format != FMT_JSON && r->error)
        print_masked(c, it->err, "reconcile: ", r->error); /* it names the cluster */
    if (c->format != FMT_JSON && (!r->error || r->im.nfiles))
        print_text(it, &r->im, r->written);
}

/* Every selected cluster, several at once (fleet_run); false when one failed.
 * One cluster's failure does not stop the others. */
static bool import_all(cli *c, const rc_repo *repo, const rc_source *src, const owner_rules *rules,
                       rc_import_report *report)
{
    size_t n = 0;
    fleet_item *items = fleet_items(c, repo, &n);
    import_ctx x = {repo, src, rules, rc_xcalloc(n ? n : 1, sizeof(*x.results))};
    fleet_run(c, items, n, false, import_cluster, &x);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        imported *r = &x.results[i];
        if (c->format == FMT_JSON)
            rc_import_report_add(report, items[i].decl->name, &r->im, r->written, c->dry_run,
                                 r->error);
        ok &= !r->error;
        free(r->error);
        free(r->written);
        rc_import_free(&r->im);
    }
    free(x.results);
    fleet_items_free(items, n);
    return ok;
}

int cmd_import(cli *c)
{
    if (c->ref)
        return usage_error("import writes into the working tree; --ref does not apply");
    rc_repo repo = {0};
    rc_source src = {0};
    owner_rules rules = {0};
    rc_import_report report = {0};
    int rc = load_repo_tolerating(c, &repo, &src, "owner-unset");
    if (rc == 0)
        rc = read_rules(c, &repo, &rules);
    if (rc == 0 && !import_all(c, &repo, &src, &rules, &report))
        rc = RC_EXIT_FAILURE;
    if (c->format == FMT_JSON && report.clusters)
        rc_import_report_print(&report, stdout);
    rc_import_report_free(&report);
    rc_owner_rules_free(rules.v, rules.n);
    rc_repo_free(&repo);
    rc_source_free(&src);
    return rc;
}
