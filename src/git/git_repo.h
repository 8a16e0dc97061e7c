/* git_repo.h — open the repository that -C names, and only that one.
 *
 * libgit2 searches parent directories by default, so -C pointing at a
 * subfolder of some other repository would silently read that repository's
 * topics/. reconcile opens exactly the directory given (a work tree root or
 * a bare repository) and, when that fails but an enclosing repository
 * exists, says so and names it.
 *
 * Conventions: 0 with *out set (the caller frees it with
 * git_repository_free), or -1 with a one-line message in errbuf. The caller
 * has called git_libgit2_init. */
#ifndef RC_GIT_REPO_H
#define RC_GIT_REPO_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

int rc_git_open_root(git_repository **out, const char *dir, char *errbuf, size_t errlen);

/* The bracket every reader of a repository needs: git_libgit2_init (it is
 * reference counted), then rc_git_open_root, same return. Every call,
 * successful or not, is paired with one rc_git_close once all other libgit2
 * objects are freed; it frees repo (NULL is fine) and shuts libgit2 down. */
int rc_git_open(git_repository **out, const char *dir, char *errbuf, size_t errlen);
void rc_git_close(git_repository *repo);

/* Around a stretch where several threads may each open their own repository
 * (apply's guard on clusters in parallel): rc_git_hold keeps libgit2
 * initialised throughout, so no thread's rc_git_close shuts its global state
 * down while another works, and says whether this libgit2 was built
 * thread-safe (when false, callers must stay on one thread). Every call is
 * paired with one rc_git_release. */
bool rc_git_hold(void);
void rc_git_release(void);

#endif
