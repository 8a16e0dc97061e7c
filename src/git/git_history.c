/* git_history.c — commit ancestry (libgit2) and the older-commit guard.
 *
 * Every public function that touches a repository opens it with rc_git_open
 * (which brackets libgit2's init, as source.c does) and frees every libgit2
 * object before its rc_git_close. */
#include "git_history.h"

#include "git_repo.h"
#include "util.h"

#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *git_msg(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

/* A full hex object id (either case), the only form accepted for shas: a
 * recorded value is never handed to the revision parser ("HEAD~3" is not a
 * sha). */
static bool is_full_sha(const char *s)
{
    if (!s || strlen(s) != GIT_OID_HEXSZ)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return false;
    return true;
}

static int parse_sha(git_oid *oid, const char *sha, const char *what, char *errbuf, size_t errlen)
{
    if (!is_full_sha(sha) || git_oid_fromstr(oid, sha) != 0) {
        snprintf(errbuf, errlen, "%s '%s' is not a full commit sha (40 hex digits)", what,
                 sha ? sha : "(null)");
        return RC_GIT_ERROR;
    }
    return RC_GIT_OK;
}

static int open_repo(git_repository **repo, const char *repo_dir, char *errbuf, size_t errlen)
{
    if (rc_git_open(repo, repo_dir, errbuf, errlen) != 0)
        return RC_GIT_ERROR;
    return RC_GIT_OK;
}

/* 1 when the commit is in the object database, 0 when it is not (or the id
 * names another kind of object), RC_GIT_ERROR on a read error. */
static int have_commit(git_repository *repo, const git_oid *oid, char *errbuf, size_t errlen)
{
    git_commit *c = NULL;
    int err = git_commit_lookup(&c, repo, oid);
    git_commit_free(c);
    if (err == 0)
        return 1;
    if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
        return 0;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), oid);
    snprintf(errbuf, errlen, "cannot read commit %s: %s", hex, git_msg());
    return RC_GIT_ERROR;
}

/* ---- parent walk for shallow repositories -------------------------------- */

/* Open-addressing set of object ids; the zero id marks an empty slot (no
 * commit has it). */
typedef struct oid_set {
    git_oid *slots;
    size_t cap; /* power of two */
    size_t len;
} oid_set;

static size_t oid_hash(const git_oid *id)
{
    size_t h = 0;
    for (size_t i = 0; i < sizeof(size_t) && i < GIT_OID_RAWSZ; i++)
        h = (h << 8) | id->id[i];
    return h;
}

/* Returns true when id was added, false when it was already there. */
static bool oid_set_add(oid_set *s, const git_oid *id)
{
    if ((s->len + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        git_oid *nslots = rc_xcalloc(ncap, sizeof(*nslots));
        for (size_t i = 0; i < s->cap; i++) {
            if (git_oid_is_zero(&s->slots[i]))
                continue;
            size_t j = oid_hash(&s->slots[i]) & (ncap - 1);
            while (!git_oid_is_zero(&nslots[j]))
                j = (j + 1) & (ncap - 1);
            git_oid_cpy(&nslots[j], &s->slots[i]);
        }
        free(s->slots);
        s->slots = nslots;
        s->cap = ncap;
    }
    size_t j = oid_hash(id) & (s->cap - 1);
    while (!git_oid_is_zero(&s->slots[j])) {
        if (git_oid_equal(&s->slots[j], id))
            return false;
        j = (j + 1) & (s->cap - 1);
    }
    git_oid_cpy(&s->slots[j], id);
    s->len++;
    return true;
}

/* Is `ancestor` reachable from `descendant` through parent links, treating a
 * parent missing from the object database as the end of history? *found and
 * *hit_boundary are set on success. Walks every commit reachable from
 * descendant in the worst case: meant for shallow clones, which are small. */
static int walk_parents(bool *found, bool *hit_boundary, git_repository *repo,
                        const git_oid *ancestor, const git_oid *descendant, char *errbuf,
                        size_t errlen)
{
    *found = false;
    *hit_boundary = false;
    oid_set seen = {0};
    git_oid *queue = NULL;
    size_t qhead = 0, qlen = 0, qcap = 0;
    int rc = RC_GIT_OK;

    oid_set_add(&seen, descendant);
    queue = rc_xmalloc(sizeof(*queue));
    qcap = 1;
    git_oid_cpy(&queue[qlen++], descendant);
    while (qhead < qlen && !*found) {
        git_commit *c = NULL;
        int err = git_commit_lookup(&c, repo, &queue[qhead++]);
        if (err == GIT_ENOTFOUND) {
            *hit_boundary = true;
            continue;
        }
        if (err != 0) {
            snprintf(errbuf, errlen, "cannot read commit history: %s", git_msg());
            rc = RC_GIT_ERROR;
            break;
        }
        unsigned int np = git_commit_parentcount(c);
        for (unsigned int i = 0; i < np; i++) {
            const git_oid *p = git_commit_parent_id(c, i);
            if (!p)
                continue;
            if (git_oid_equal(p, ancestor)) {
                *found = true;
                break;
            }
            if (!oid_set_add(&seen, p))
                continue;
            if (qlen == qcap) {
                qcap *= 2;
                queue = rc_xrealloc(queue, qcap * sizeof(*queue));
            }
            git_oid_cpy(&queue[qlen++], p);
        }
        git_commit_free(c);
    }
    free(queue);
    free(seen.slots);
    return rc;
}

/* *out = ancestor is a strict ancestor of descendant. Both commits exist.
 * RC_GIT_EINCOMPLETE when shallow and unproven. */
static int strict_ancestor(bool *out, git_repository *repo, bool shallow, const git_oid *ancestor,
                           const git_oid *descendant, char *errbuf, size_t errlen)
{
    *out = false;
    if (git_oid_equal(ancestor, descendant))
        return RC_GIT_OK;
    if (!shallow) {
        /* libgit2: "a commit is not considered a descendant of itself". */
        int r = git_graph_descendant_of(repo, descendant, ancestor);
        if (r < 0) {
            snprintf(errbuf, errlen, "cannot walk commit history: %s", git_msg());
            return RC_GIT_ERROR;
        }
        *out = r == 1;
        return RC_GIT_OK;
    }
    bool found = false, boundary = false;
    int rc = walk_parents(&found, &boundary, repo, ancestor, descendant, errbuf, errlen);
    if (rc != RC_GIT_OK)
        return rc;
    *out = found;
    if (!found && boundary) {
        snprintf(errbuf, errlen,
                 "the repository is a shallow clone and its history ends before an answer "
                 "was found (fetch full history: git fetch --unshallow)");
        return RC_GIT_EINCOMPLETE;
    }
    return RC_GIT_OK;
}

/* ---- public: resolve, is_ancestor, relate -------------------------------- */

int rc_git_resolve(char **sha_out, const char *repo_dir, const char *rev, char *errbuf,
                   size_t errlen)
{
    *sha_out = NULL;
    if (!rev || !*rev) {
        snprintf(errbuf, errlen, "empty revision");
        return RC_GIT_ERROR;
    }
    git_repository *repo = NULL;
    git_object *obj = NULL;
    git_object *peeled = NULL;
    int rc = open_repo(&repo, repo_dir, errbuf, errlen);
    if (rc != RC_GIT_OK)
        goto out;
    int err = git_revparse_single(&obj, repo, rev);
    if (err != 0) {
        snprintf(errbuf, errlen, "unknown revision '%s' in %s", rev, repo_dir);
        rc = err == GIT_ENOTFOUND ? RC_GIT_ENOTFOUND : RC_GIT_ERROR;
        goto out;
    }
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) {
        snprintf(errbuf, errlen, "revision '%s' is not a commit", rev);
        rc = RC_GIT_ERROR;
        goto out;
    }
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), git_object_id(peeled));
    *sha_out = rc_xstrdup(hex);
out:
    git_object_free(peeled);
    git_object_free(obj);
    rc_git_close(repo);
    return rc;
}

int rc_git_is_ancestor(bool *out, const char *repo_dir, const char *ancestor_sha,
                       const char *descendant_sha, char *errbuf, size_t errlen)
{
    *out = false;
    git_oid anc, desc;
    int rc;
    if ((rc = parse_sha(&anc, ancestor_sha, "ancestor", errbuf, errlen)) != RC_GIT_OK ||
        (rc = parse_sha(&desc, descendant_sha, "descendant", errbuf, errlen)) != RC_GIT_OK)
        return rc;
    git_repository *repo = NULL;
    if ((rc = open_repo(&repo, repo_dir, errbuf, errlen)) != RC_GIT_OK)
        goto out;
    const git_oid *ids[2] = {&anc, &desc};
    const char *shas[2] = {ancestor_sha, descendant_sha};
    for (int i = 0; i < 2; i++) {
        int have = have_commit(repo, ids[i], errbuf, errlen);
        if (have < 0) {
            rc = have;
            goto out;
        }
        if (!have) {
            snprintf(errbuf, errlen, "commit %s is not in the repository %s", shas[i], repo_dir);
            rc = RC_GIT_ENOTFOUND;
            goto out;
        }
    }
    rc = strict_ancestor(out, repo, git_repository_is_shallow(repo) == 1, &anc, &desc, errbuf,
                         errlen);
out:
    rc_git_close(repo);
    return rc;
}

const char *rc_git_relation_name(rc_git_relation rel)
{
    switch (rel) {
    case RC_GIT_REL_SAME:
        return "same";
    case RC_GIT_REL_NEWER:
        return "newer";
    case RC_GIT_REL_OLDER:
        return "older";
    case RC_GIT_REL_DIVERGED:
        return "diverged";
    case RC_GIT_REL_UNKNOWN:
        return "unknown";
    case RC_GIT_REL_UNVERIFIABLE:
        return "unverifiable";
    }
    return "invalid";
}

int rc_git_relate(rc_git_relation *out, const char *repo_dir, const char *recorded_sha,
                  const char *incoming_sha, char *errbuf, size_t errlen)
{
    *out = RC_GIT_REL_UNVERIFIABLE;
    git_oid rec, inc;
    int rc;
    if ((rc = parse_sha(&rec, recorded_sha, "recorded commit", errbuf, errlen)) != RC_GIT_OK ||
        (rc = parse_sha(&inc, incoming_sha, "commit", errbuf, errlen)) != RC_GIT_OK)
        return rc;
    git_repository *repo = NULL;
    if ((rc = open_repo(&repo, repo_dir, errbuf, errlen)) != RC_GIT_OK)
        goto out;
    bool shallow = git_repository_is_shallow(repo) == 1;
    int have = have_commit(repo, &inc, errbuf, errlen);
    if (have <= 0) {
        if (have == 0)
            snprintf(errbuf, errlen, "commit %s is not in the repository %s", incoming_sha,
                     repo_dir);
        rc = have == 0 ? RC_GIT_ENOTFOUND : have;
        goto out;
    }
    if (git_oid_equal(&rec, &inc)) {
        *out = RC_GIT_REL_SAME;
        goto out;
    }
    have = have_commit(repo, &rec, errbuf, errlen);
    if (have < 0) {
        rc = have;
        goto out;
    }
    if (have == 0) {
        *out = shallow ? RC_GIT_REL_UNVERIFIABLE : RC_GIT_REL_UNKNOWN;
        goto out;
    }
    bool newer = false, older = false;
    int r1 = strict_ancestor(&newer, repo, shallow, &rec, &inc, errbuf, errlen);
    if (r1 != RC_GIT_OK && r1 != RC_GIT_EINCOMPLETE) {
        rc = r1;
        goto out;
    }
    if (newer) {
        *out = RC_GIT_REL_NEWER;
        goto out;
    }
    int r2 = strict_ancestor(&older, repo, shallow, &inc, &rec, errbuf, errlen);
    if (r2 != RC_GIT_OK && r2 != RC_GIT_EINCOMPLETE) {
        rc = r2;
        goto out;
    }
    if (older)
        *out = RC_GIT_REL_OLDER;
    else if (r1 == RC_GIT_EINCOMPLETE || r2 == RC_GIT_EINCOMPLETE)
        *out = RC_GIT_REL_UNVERIFIABLE;
    else
        *out = RC_GIT_REL_DIVERGED;
    if (errlen)
        errbuf[0] = '\0'; /* an incomplete walk is a relation here, not an error */
out:
    rc_git_close(repo);
    return rc;
}

/* ---- the guard ----------------------------------------------------------- */

const char *rc_guard_verdict_name(rc_guard_verdict v)
{
    switch (v) {
    case RC_GUARD_ALLOW:
        return "allow";
    case RC_GUARD_ALLOW_WARN:
        return "allow-warn";
    case RC_GUARD_REFUSE_OLDER:
        return "refuse-older";
    case RC_GUARD_REFUSE_UNVERIFIABLE:
        return "refuse-unverifiable";
    }
    return "invalid";
}

bool rc_guard_refuses(rc_guard_verdict v)
{
    return v != RC_GUARD_ALLOW && v != RC_GUARD_ALLOW_WARN;
}

rc_guard_verdict rc_guard_check(const char *recorded, const char *incoming, rc_git_relation rel,
                                char **message)
{
    if (message)
        *message = NULL;
    if (!recorded || !*recorded)
        return RC_GUARD_ALLOW;
    if (incoming && strcasecmp(recorded, incoming) == 0)
        return RC_GUARD_ALLOW;
    const char *inc = incoming ? incoming : "(none)";
    rc_guard_verdict v;
    char *msg = NULL;
    switch (rel) {
    case RC_GIT_REL_SAME:
    case RC_GIT_REL_NEWER:
        return RC_GUARD_ALLOW;
    case RC_GIT_REL_OLDER:
        v = RC_GUARD_REFUSE_OLDER;
        msg = rc_xasprintf("commit %.12s is older than %.12s, the last commit applied to this "
                           "cluster (it is an ancestor of it): applying it would undo later "
                           "changes; apply the newest commit instead, or revert in a new commit",
                           inc, recorded);
        break;
    case RC_GIT_REL_DIVERGED:
        v = RC_GUARD_ALLOW_WARN;
        msg = rc_xasprintf("the last commit applied to this cluster, %.12s, is neither an "
                           "ancestor nor a descendant of %.12s (history rewritten, or applied "
                           "from another branch); applying anyway",
                           recorded, inc);
        break;
    case RC_GIT_REL_UNKNOWN:
        v = RC_GUARD_ALLOW_WARN;
        msg = rc_xasprintf("the last commit applied to this cluster, %.12s, is not in this "
                           "repository (history rewritten by a force-push, or applied from "
                           "another repository): cannot tell whether %.12s is older; applying "
                           "anyway",
                           recorded, inc);
        break;
    case RC_GIT_REL_UNVERIFIABLE:
    default: /* fail closed on anything unexpected */
        v = RC_GUARD_REFUSE_UNVERIFIABLE;
        msg = rc_xasprintf("cannot tell whether commit %.12s is older than %.12s, the last "
                           "commit applied to this cluster: the repository is a shallow clone "
                           "(fetch full history: git fetch --unshallow, or fetch-depth: 0 in "
                           "actions/checkout)",
                           inc, recorded);
        break;
    }
    if (message)
        *message = msg;
    else
        free(msg);
    return v;
}

int rc_guard_evaluate(rc_guard_verdict *verdict, char **message, const char *repo_dir,
                      const char *recorded, const char *incoming, char *errbuf, size_t errlen)
{
    if (message)
        *message = NULL;
    rc_git_relation rel = RC_GIT_REL_SAME;
    if (recorded && *recorded && !(incoming && strcasecmp(recorded, incoming) == 0)) {
        int rc = rc_git_relate(&rel, repo_dir, recorded, incoming, errbuf, errlen);
        if (rc != RC_GIT_OK) {
            *verdict = RC_GUARD_REFUSE_UNVERIFIABLE;
            return rc;
        }
    }
    *verdict = rc_guard_check(recorded, incoming, rel, message);
    return RC_GIT_OK;
}
