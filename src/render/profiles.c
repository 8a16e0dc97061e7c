#include "profiles.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rc_profiles_list(char ***names, size_t *n, const char *templates_dir,
                     const char *dashboards_dir, char *errbuf, size_t errlen)
{
    *names = NULL;
    *n = 0;
    DIR *dh = opendir(templates_dir);
    if (!dh) {
        int e = errno;
        rc_errorf(RC_ERR, errbuf, errlen, "metric-source profiles: %s: %s", templates_dir,
                  strerror(e));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(dh))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        char *dash = rc_xasprintf("%s/profiles/%s", dashboards_dir, de->d_name);
        struct stat st;
        bool both = stat(dash, &st) == 0 && S_ISREG(st.st_mode);
        free(dash);
        if (!both)
            continue;
        *names = rc_xrealloc(*names, (*n + 1) * sizeof(**names));
        (*names)[(*n)++] = rc_xstrndup(de->d_name, len - 5);
    }
    closedir(dh);
    if (*n > 1)
        qsort(*names, *n, sizeof(**names), name_cmp);
    return 0;
}

void rc_profiles_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
