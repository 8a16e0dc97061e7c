#include "git_repo.h"

#include <stdio.h>

int rc_git_open_root(git_repository **out, const char *dir, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (git_repository_open_ext(out, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0)
        return 0;
    const git_error *e = git_error_last();
    char reason[256];
    snprintf(reason, sizeof(reason), "%s", e && e->message ? e->message : "unknown error");
    git_buf found = {0};
    if (git_repository_discover(&found, dir, 0, NULL) == 0) {
        snprintf(errbuf, errlen,
                 "%s is not the root of a git repository: it is inside the repository at %s; "
                 "-C must name the repository root",
                 dir, found.ptr);
        git_buf_dispose(&found);
        return -1;
    }
    snprintf(errbuf, errlen, "%s is not a git repository: %s", dir, reason);
    return -1;
}

int rc_git_open(git_repository **out, const char *dir, char *errbuf, size_t errlen)
{
    git_libgit2_init();
    return rc_git_open_root(out, dir, errbuf, errlen);
}

void rc_git_close(git_repository *repo)
{
    git_repository_free(repo);
    git_libgit2_shutdown();
}

bool rc_git_hold(void)
{
    git_libgit2_init();
    return (git_libgit2_features() & GIT_FEATURE_THREADS) != 0;
}

void rc_git_release(void)
{
    git_libgit2_shutdown();
}
