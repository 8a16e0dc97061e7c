/* decl.c — loading declarations: the teams file, the walk over topics/ that
 * hands each file to its parser, and the plan-time checks. See decl.h. */
#include "decl_parse.h"

#include "secrets.h"
#include "topic_config.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- teams ---------------------------------------------------------------------- */

static int team_cmp(const void *pa, const void *pb)
{
    return strcmp(((const rc_team *)pa)->name, ((const rc_team *)pb)->name);
}

/* Returns true when a `teams` map was found, so owners can be checked. */
static bool parse_teams(ctx *x, const rc_yfile *yf, rc_repo *out)
{
    if (yf->ndocs > 1)
        diag(x, E, yf->docs[1].root, "layout", "_teams.yaml holds one document, found %zu",
             yf->ndocs);
    const rc_ynode *root = yf->ndocs ? yf->docs[0].root : NULL;
    if (!present(root)) {
        diag(x, E, root, "required", "missing required field \"teams\"");
        return false;
    }
    static const char *const root_keys[] = {"teams"};
    const rc_ypair *s[1];
    if (!walk_map(x, root, "_teams.yaml", root_keys, 1, s))
        return false;
    const rc_ynode *teams = val(s[0]);
    if (!teams) {
        diag(x, E, s[0] ? s[0]->key : root, "required", "missing required field \"teams\"");
        return false;
    }
    if (!want_kind(x, teams, "teams", RC_YNODE_MAPPING))
        return false;
    bool *dup = rc_xcalloc(teams->npairs, sizeof(*dup));
    check_map_keys(x, teams, "teams", dup);
    out->teams = rc_xcalloc(teams->npairs, sizeof(*out->teams));
    static const char *const team_keys[] = {"chat", "escalation", "services"};
    service_nodes nodes = {0};
    for (size_t i = 0; i < teams->npairs; i++) {
        if (dup[i])
            continue;
        const rc_ynode *k = teams->pairs[i].key, *v = teams->pairs[i].value;
        bool name_ok = k->len > 0;
        for (size_t j = 0; j < k->len; j++)
            if (!topic_char_ok((unsigned char)k->str[j]))
                name_ok = false;
        if (!name_ok)
            diag(x, E, k, "team-name",
                 "team name \"%s\" may only contain ASCII letters, digits, '.', '_' and '-' "
                 "(it becomes an alert label)",
                 k->str);
        rc_team *t = &out->teams[out->nteams++];
        t->name = rc_xstrdup(k->str);
        char field[64];
        snprintf(field, sizeof(field), "teams.%.50s", k->str);
        if (!present(v)) {
            diag(x, E, k, "required", "%s: missing required field \"chat\"", field);
            continue;
        }
        const rc_ypair *ts[3];
        if (!walk_map(x, v, field, team_keys, 3, ts))
            continue;
        if (val(ts[0]))
            want_string(x, val(ts[0]), "chat", true, &t->chat);
        else
            diag(x, E, ts[0] ? ts[0]->key : v, "required", "%s: missing required field \"chat\"",
                 field);
        if (val(ts[1]))
            want_string(x, val(ts[1]), "escalation", true, &t->escalation);
        if (val(ts[2]))
            parse_team_services(x, val(ts[2]), t->name, out, &nodes);
    }
    finish_services(x, out, &nodes);
    free(dup);
    qsort(out->teams, out->nteams, sizeof(*out->teams), team_cmp);
    return true;
}

/* ---- repository walk ------------------------------------------------------------ */

typedef struct cluster_files {
    char *name;
    const rc_source_file *cluster_file;
    const rc_source_file **access_files; /* _access*.yaml, in path order */
    size_t naccess_files;
    const rc_source_file **topic_files;
    size_t ntopic_files;
    size_t cap;
} cluster_files;

static int cluster_files_cmp(const void *pa, const void *pb)
{
    return strcmp(((const cluster_files *)pa)->name, ((const cluster_files *)pb)->name);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && !memcmp(s + ls - lx, suffix, lx);
}

static bool hidden_component(const char *path)
{
    for (const char *p = path; p; p = strchr(p, '/')) {
        if (*p == '/')
            p++;
        if (*p == '.')
            return true;
    }
    return false;
}

/* Parse one file; a syntax error is reported and whatever documents were
 * complete before it are still returned (so their problems show too). */
static void parse_file(ctx *x, const rc_source_file *f, rc_yfile *yf)
{
    if (rc_yaml_parse(yf, f->content, f->len) < 0)
        rc_diags_add(x->diags, E, f->path, yf->error_line, yf->error_col, "yaml-syntax", "%s",
                     yf->error);
}

int rc_decl_load(rc_repo *out, const rc_source *src, rc_diags *diags)
{
    return rc_decl_load_opts(out, src, diags, NULL);
}

/* Group the files under topics/ by cluster directory (*cfs, sorted by name);
 * *teams_file is topics/_teams.yaml when present. Misplaced files are
 * diagnosed here. */
static void group_files(const rc_source *src, rc_diags *diags, const rc_source_file **teams_file,
                        cluster_files **cfs_out, size_t *ncfs_out)
{
    const rc_source_file *teams_found = NULL;
    cluster_files *cfs = NULL;
    size_t ncfs = 0, cfs_cap = 0, last = 0;
    for (size_t i = 0; i < src->nfiles; i++) {
        const rc_source_file *f = &src->files[i];
        if (strncmp(f->path, "topics/", 7) != 0 || hidden_component(f->path))
            continue;
        if (!has_suffix(f->path, ".yaml") && !has_suffix(f->path, ".yml"))
            continue;
        const char *rest = f->path + 7;
        const char *slash = strchr(rest, '/');
        if (!slash) {
            if (!strcmp(rest, "_teams.yaml"))
                teams_found = f;
            else
                diag_pos(diags, E, f->path, 0, "layout",
                         "only _teams.yaml belongs directly under topics/; topics go in "
                         "topics/<cluster>/");
            continue;
        }
        size_t nlen = (size_t)(slash - rest);
        /* Sources are sorted, so a cluster's files are adjacent: check the
         * last cluster first and the search is O(1) in practice. */
        size_t k = ncfs;
        if (ncfs && strlen(cfs[last].name) == nlen && !memcmp(cfs[last].name, rest, nlen))
            k = last;
        for (size_t j = 0; k == ncfs && j < ncfs; j++)
            if (strlen(cfs[j].name) == nlen && !memcmp(cfs[j].name, rest, nlen))
                k = j;
        if (k == ncfs) {
            if (ncfs == cfs_cap) {
                cfs_cap = cfs_cap ? cfs_cap * 2 : 8;
                cfs = rc_xrealloc(cfs, cfs_cap * sizeof(*cfs));
            }
            cfs[ncfs++] = (cluster_files){.name = rc_xstrndup(rest, nlen)};
        }
        last = k;
        cluster_files *cf = &cfs[k];
        const char *sub = slash + 1;
        const char *base = strrchr(sub, '/');
        base = base ? base + 1 : sub;
        if (!strcmp(sub, "_cluster.yaml")) {
            cf->cluster_file = f;
        } else if (base == sub && !strncmp(sub, "_access", 7)) {
            cf->access_files =
                rc_xrealloc(cf->access_files, (cf->naccess_files + 1) * sizeof(*cf->access_files));
            cf->access_files[cf->naccess_files++] = f;
        } else if (base[0] == '_') {
            diag_pos(diags, E, f->path, 0, "layout",
                     "files starting with '_' are reserved: only topics/<cluster>/_cluster.yaml, "
                     "topics/<cluster>/_access*.yaml and topics/_teams.yaml are read");
        } else {
            if (cf->ntopic_files == cf->cap) {
                cf->cap = cf->cap ? cf->cap * 2 : 16;
                cf->topic_files = rc_xrealloc(cf->topic_files, cf->cap * sizeof(char *));
            }
            cf->topic_files[cf->ntopic_files++] = f;
        }
    }

    if (ncfs > 1)
        qsort(cfs, ncfs, sizeof(*cfs), cluster_files_cmp);
    *teams_file = teams_found;
    *cfs_out = cfs;
    *ncfs_out = ncfs;
}

/* Teams first: every topic's owner is checked against them. */
static void load_teams(rc_repo *out, const rc_source_file *teams_file, rc_diags *diags,
                       const rc_decl_options *opt, teams_ctx *tc)
{
    tc->repo = out;
    if (teams_file) {
        ctx x = {diags, teams_file->path, opt};
        rc_yfile yf;
        parse_file(&x, teams_file, &yf);
        /* With an unreadable teams file every owner would look unknown:
         * the file's own diagnostics say it once instead. */
        tc->usable = !yf.error && parse_teams(&x, &yf, out);
        rc_yfile_free(&yf);
    } else {
        diag_pos(diags, E, "topics/_teams.yaml", 0, "required",
                 "topics/_teams.yaml is missing: every topic owner must be a team declared there");
    }
    tc->names = rc_xcalloc(out->nteams, sizeof(*tc->names));
    for (size_t i = 0; i < out->nteams; i++)
        tc->names[i] = out->teams[i].name;
}

/* One cluster directory: its _cluster.yaml, then its topic files in path
 * order, then the cluster-wide checks. Frees what cf holds. */
static void load_cluster(rc_cluster_decl *c, cluster_files *cf, const teams_ctx *tc,
                         rc_diags *diags, const rc_decl_options *opt)
{
    c->name = rc_xstrdup(cf->name);
    c->file = rc_xasprintf("topics/%s/_cluster.yaml", cf->name);
    c->metric_source = rc_xstrdup("kafka_exporter");
    cluster_ctx cc = {.c = c};
    char *dir = rc_xasprintf("topics/%s", cf->name);
    for (const char *p = cf->name; *p; p++)
        if (!topic_char_ok((unsigned char)*p)) {
            diag_pos(diags, E, dir, 0, "layout",
                     "cluster directory name \"%s\" may only contain ASCII letters, digits, "
                     "'.', '_' and '-'",
                     cf->name);
            break;
        }
    if (cf->cluster_file) {
        ctx x = {diags, cf->cluster_file->path, opt};
        rc_yfile yf;
        parse_file(&x, cf->cluster_file, &yf);
        if (!yf.error)
            parse_cluster_file(&x, &cc, &yf);
        rc_yfile_free(&yf);
    } else {
        diag_pos(diags, E, dir, 0, "layout",
                 "cluster directory %s has no _cluster.yaml (bootstrap, defaults, policy)", dir);
    }
    free(dir);
    for (size_t j = 0; j < cf->naccess_files; j++) {
        ctx x = {diags, cf->access_files[j]->path, opt};
        rc_yfile yf;
        parse_file(&x, cf->access_files[j], &yf);
        for (size_t d = 0; d < yf.ndocs; d++)
            parse_access_file(&x, c, yf.docs[d].root);
        rc_yfile_free(&yf);
    }
    size_t seq = 0;
    for (size_t j = 0; j < cf->ntopic_files; j++) {
        ctx x = {diags, cf->topic_files[j]->path, opt};
        rc_yfile yf;
        parse_file(&x, cf->topic_files[j], &yf);
        for (size_t d = 0; d < yf.ndocs; d++)
            parse_topic(&x, &cc, tc, yf.docs[d].root, seq++);
        rc_yfile_free(&yf);
    }
    finish_cluster(diags, &cc);
    if (cc.has_re)
        regfree(&cc.re);
    free_strv(cc.required_fields, cc.nrequired_fields);
    free(cc.topic_seq);
    free(cf->name);
    free(cf->access_files);
    free(cf->topic_files);
}

int rc_decl_load_opts(rc_repo *out, const rc_source *src, rc_diags *diags,
                      const rc_decl_options *opt)
{
    memset(out, 0, sizeof(*out));
    size_t errors_before = rc_diags_errors(diags);

    /* what the source refused to read (a symbolic link, an oversized file) */
    for (size_t i = 0; i < src->nproblems; i++)
        diag_pos(diags, E, src->problems[i].path, 0, "layout", "%s", src->problems[i].message);

    const rc_source_file *teams_file = NULL;
    cluster_files *cfs = NULL;
    size_t ncfs = 0;
    group_files(src, diags, &teams_file, &cfs, &ncfs);
    teams_ctx tc = {0};
    load_teams(out, teams_file, diags, opt, &tc);
    out->clusters = rc_xcalloc(ncfs, sizeof(*out->clusters));
    out->nclusters = ncfs;
    for (size_t i = 0; i < ncfs; i++)
        load_cluster(&out->clusters[i], &cfs[i], &tc, diags, opt);
    free(cfs);
    free(tc.names);
    return rc_diags_errors(diags) > errors_before ? -1 : 0;
}

/* ---- plan-time checks -------------------------------------------------------------- */

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool broker_knows(const char **sorted, size_t n, const char *key)
{
    return bsearch(&key, sorted, n, sizeof(*sorted), str_ptr_cmp) != NULL;
}

/* A topic to be created without a declared replication factor gets the
 * broker's: the policy must hold for that value too. An unknown broker
 * default fails closed when a policy bound depends on it. */
static void check_broker_defaults(rc_diags *diags, const rc_cluster_decl *c, const rc_topic_decl *t,
                                  const rc_cluster_obs *obs)
{
    static const char fix_rf[] = "declare replication_factor (or defaults.replication_factor)";
    int rf = obs->default_replication_factor;
    if (t->replication_factor <= 0 && (c->min_replication_factor || c->max_replication_factor)) {
        if (rf <= 0)
            rc_diags_add(diags, E, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\" takes the broker's default.replication.factor, which "
                         "cannot be read from cluster %s (DescribeConfigs on the cluster), so the "
                         "replication-factor policy cannot be checked; %s",
                         t->name, c->name, fix_rf);
        else if (c->min_replication_factor && rf < c->min_replication_factor)
            rc_diags_add(diags, E, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\" takes the broker's default.replication.factor (%d), "
                         "below policy.min_replication_factor (%d); %s",
                         t->name, rf, c->min_replication_factor, fix_rf);
        else if (c->max_replication_factor && rf > c->max_replication_factor)
            rc_diags_add(diags, E, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\" takes the broker's default.replication.factor (%d), "
                         "above policy.max_replication_factor (%d); %s",
                         t->name, rf, c->max_replication_factor, fix_rf);
    }
}

int rc_decl_check_cluster_live(const rc_cluster_decl *c, const rc_cluster_obs *obs, rc_diags *diags)
{
    size_t errors_before = rc_diags_errors(diags);
    /* Metadata lists the brokers that are up, not every registered one, so
     * a replication factor above that count is a warning for topics still to
     * be created (the broker then refuses each one with its own message and
     * the rest of the plan goes on); an outage must not block unrelated work. */
    int brokers = obs->broker_count;
    /* Broker keys sorted once: 10,000 topics x a few keys stay O(log n) each. */
    const char **keys = NULL;
    size_t nkeys = obs->nconfig_keys;
    if (nkeys) {
        keys = rc_xcalloc(nkeys, sizeof(*keys));
        for (size_t i = 0; i < nkeys; i++)
            keys[i] = obs->config_keys[i];
        qsort(keys, nkeys, sizeof(*keys), str_ptr_cmp);
        for (size_t i = 0; i < c->default_config.len; i++) {
            const char *key = c->default_config.items[i].key;
            if (!rc_topic_config_lookup(key) && !broker_knows(keys, nkeys, key))
                diag_pos(diags, E, c->file, 0, "unknown-config",
                         "defaults.config: neither the built-in catalogue nor the broker of "
                         "cluster %s knows the topic config key \"%s\"",
                         c->name, key);
        }
    }

    for (size_t i = 0; i < c->ntopics; i++) {
        const rc_topic_decl *t = &c->topics[i];
        if (!rc_cluster_obs_topic(obs, t->name))
            check_broker_defaults(diags, c, t, obs);
        if (brokers > 0 && t->replication_factor > brokers && !rc_cluster_obs_topic(obs, t->name))
            rc_diags_add(diags, RC_SEV_WARNING, t->file, t->line, t->col, "replication-factor",
                         "topic \"%s\": replication factor %d is above the %d broker(s) up in "
                         "cluster %s; the broker will refuse to create it",
                         t->name, t->replication_factor, brokers, c->name);
        if (!nkeys)
            continue;
        for (size_t k = 0; k < t->config.len; k++) {
            const char *key = t->config.items[k].key;
            if (rc_topic_config_lookup(key) || broker_knows(keys, nkeys, key))
                continue;
            const char *dflt = rc_kvlist_get(&c->default_config, key);
            if (dflt && !strcmp(dflt, t->config.items[k].value))
                continue; /* inherited from defaults: reported on the cluster file */
            rc_diags_add(diags, E, t->file, t->line, t->col, "unknown-config",
                         "topic \"%s\": neither the built-in catalogue nor the broker of cluster "
                         "%s knows the topic config key \"%s\"",
                         t->name, c->name, key);
        }
    }
    free(keys);
    return rc_diags_errors(diags) > errors_before ? -1 : 0;
}
