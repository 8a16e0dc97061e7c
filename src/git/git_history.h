/* git_history.h — commit ancestry through libgit2, and the "older commit"
 * guard of apply.
 *
 * Why: CI applies the commit it was given after a merge. Two jobs can race (a
 * slow job for an older merge finishing after the job for a newer one), and a
 * re-run of an old pipeline would roll the cluster back. When the cluster
 * file sets `policy.guard_older_commits: true`, apply compares the commit it
 * is about to apply ("incoming") with the last commit applied to the cluster
 * ("recorded", see applied_state.h) and refuses to go back in history.
 *
 * The decision (rc_guard_check) is a pure function of the recorded sha, the
 * incoming sha and how the two relate in git; rc_git_relate computes that
 * relation; rc_guard_evaluate does both.
 *
 * Verdicts (recorded R, incoming I):
 *   nothing recorded                          ALLOW
 *   I == R (a re-run: apply converges)        ALLOW
 *   R is a strict ancestor of I (newer)       ALLOW
 *   I is a strict ancestor of R (older)       REFUSE_OLDER
 *   R and I diverged (both in the repository,
 *     neither an ancestor of the other)       ALLOW_WARN
 *   R is not in the repository (history was
 *     rewritten by a force-push, or R came
 *     from another repository)                ALLOW_WARN
 *   shallow clone, and R is missing or no
 *     ancestry path exists within the fetched
 *     history                                 REFUSE_UNVERIFIABLE
 * Only a provably older commit is refused. A rewritten history is allowed
 * (with a warning naming both commits) because refusing would block every
 * later apply until someone resets the record by hand. A shallow clone is the
 * exception: CI checkouts are shallow by default (actions/checkout uses depth
 * 1), where the recorded commit is missing even when it is simply newer, so
 * allowing there would disable the guard exactly in the late-job race it
 * exists for; the refusal says to fetch full history.
 *
 * libgit2 1.5 does not read shallow grafts: its graph functions fail at the
 * shallow boundary. In a shallow repository this module therefore walks
 * parents itself, treating a missing parent as the end of history; an
 * ancestry path found that way is proof, its absence is not.
 *
 * Conventions: 0 or a negative RC_GIT_E* code with a one-line message in
 * errbuf; strings returned through char ** are heap-allocated and owned by
 * the caller. Shas are full 40-hex object ids (either case). */
#ifndef RC_GIT_HISTORY_H
#define RC_GIT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

enum {
    RC_GIT_OK = 0,
    RC_GIT_ERROR = -1,       /* not a repository, unreadable object, bad argument */
    RC_GIT_ENOTFOUND = -2,   /* a commit (or revision) is not in the repository */
    RC_GIT_EINCOMPLETE = -3, /* shallow clone: the answer is not provable from the
                                fetched history */
};

/* Resolve any revision (branch, tag, sha, "HEAD~1") to the full sha of the
 * commit it peels to. *sha_out: 40 lowercase hex, caller frees; NULL on error.
 * Use it once at the start of apply and then work with the sha only, so a
 * branch that moves meanwhile does not change what is applied or recorded. */
int rc_git_resolve(char **sha_out, const char *repo_dir, const char *rev, char *errbuf,
                   size_t errlen);

/* *out = true iff ancestor_sha is a STRICT ancestor of descendant_sha (a
 * commit is not its own ancestor; `git merge-base --is-ancestor` differs
 * there). RC_GIT_ENOTFOUND when either commit is not in the repository;
 * RC_GIT_EINCOMPLETE when the repository is shallow and no path was found
 * (*out is false then, but unproven). */
int rc_git_is_ancestor(bool *out, const char *repo_dir, const char *ancestor_sha,
                       const char *descendant_sha, char *errbuf, size_t errlen);

typedef enum rc_git_relation {
    RC_GIT_REL_SAME,        /* the same commit */
    RC_GIT_REL_NEWER,       /* recorded is a strict ancestor of incoming */
    RC_GIT_REL_OLDER,       /* incoming is a strict ancestor of recorded */
    RC_GIT_REL_DIVERGED,    /* both present, neither an ancestor of the other */
    RC_GIT_REL_UNKNOWN,     /* recorded is not in this (complete) repository */
    RC_GIT_REL_UNVERIFIABLE /* shallow clone: recorded missing, or no path found */
} rc_git_relation;

const char *rc_git_relation_name(rc_git_relation rel);

/* How recorded_sha relates to incoming_sha in the repository at repo_dir.
 * incoming_sha must be in the repository (RC_GIT_ENOTFOUND otherwise);
 * a missing recorded_sha is a relation (UNKNOWN/UNVERIFIABLE), not an error. */
int rc_git_relate(rc_git_relation *out, const char *repo_dir, const char *recorded_sha,
                  const char *incoming_sha, char *errbuf, size_t errlen);

typedef enum rc_guard_verdict {
    RC_GUARD_ALLOW,              /* go ahead; no message */
    RC_GUARD_ALLOW_WARN,         /* go ahead; print the message as a warning */
    RC_GUARD_REFUSE_OLDER,       /* refuse: incoming is older than what was applied */
    RC_GUARD_REFUSE_UNVERIFIABLE /* refuse: shallow clone, cannot tell */
} rc_guard_verdict;

const char *rc_guard_verdict_name(rc_guard_verdict v);
/* true for the REFUSE_* verdicts. */
bool rc_guard_refuses(rc_guard_verdict v);

/* The pure decision (table above). recorded may be NULL (nothing recorded);
 * rel is ignored then, and when recorded equals incoming. When message is not
 * NULL, *message receives a one-line explanation for every verdict but ALLOW
 * (heap, caller frees; NULL for ALLOW). No I/O. */
rc_guard_verdict rc_guard_check(const char *recorded, const char *incoming, rc_git_relation rel,
                                char **message);

/* rc_git_relate (only when needed) + rc_guard_check. Returns 0 and the
 * verdict, or a negative RC_GIT_E* code with errbuf set (then *verdict is
 * REFUSE_UNVERIFIABLE and *message NULL: fail closed). */
int rc_guard_evaluate(rc_guard_verdict *verdict, char **message, const char *repo_dir,
                      const char *recorded, const char *incoming, char *errbuf, size_t errlen);

#endif
