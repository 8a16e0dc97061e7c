/* options.c — the options every command takes, and those several commands
 * share; see commands.h. An option of one command lives in its file. */
#include "commands.h"

#include "units.h"

#include <stdlib.h>
#include <string.h>

int parse_ms_option(int *out, const char *option, const char *example, const char *arg,
                    long long min_ms, long long max_ms)
{
    long long ms = 0;
    char err[256];
    if (rc_units_parse_duration_ms(&ms, arg, err, sizeof(err)) != 0 || ms < min_ms || ms > max_ms)
        return usage_error("%s expects a duration such as %s, got '%s'", option, example, arg);
    *out = (int)ms;
    return 0;
}

static int set_repo(cli *c, const char *arg)
{
    c->repo_dir = arg;
    return 0;
}

static int set_ref(cli *c, const char *arg)
{
    c->ref = arg;
    return 0;
}

static int set_cluster(cli *c, const char *arg)
{
    c->clusters[c->nclusters++] = arg;
    return 0;
}

static int set_property(cli *c, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        /* never echo it: `-X sasl.password` with the value missing its key
         * is still a password */
        return usage_error("-X expects key=value (the argument given has no key before an '=')");
    char *key = rc_xstrndup(arg, (size_t)(eq - arg));
    rc_kvlist_set(&c->xprops, key, eq + 1);
    rc_secrets_add(&c->secrets, eq + 1); /* -X may carry a password */
    free(key);
    return 0;
}

const char *const rc_format_names[N_FORMATS] = {[FMT_TEXT] = "text",
                                                [FMT_JSON] = "json",
                                                [FMT_MARKDOWN] = "markdown",
                                                [FMT_GITHUB] = "github",
                                                [FMT_OPENMETRICS] = "openmetrics"};

static int set_format(cli *c, const char *arg)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(arg, rc_format_names[i]) == 0) {
            c->format = (out_format)i;
            return 0;
        }
    rc_buf expected = {0};
    for (size_t i = 0; i < N_FORMATS; i++)
        rc_buf_printf(&expected, "%s%s", i == 0 ? "" : (i + 1 == N_FORMATS ? " or " : ", "),
                      rc_format_names[i]);
    int rc = usage_error("unknown format '%s' (expected %s)", arg, expected.data);
    rc_buf_free(&expected);
    return rc;
}

static int set_timeout(cli *c, const char *arg)
{
    return parse_ms_option(&c->timeout_ms, "--timeout", "30s", arg, 1, 3600000);
}

static int set_deadline(cli *c, const char *arg)
{
    c->deadline_arg = arg;
    return parse_ms_option(&c->deadline_ms, "--deadline", "10m", arg, 1, 86400000);
}

static int set_parallel(cli *c, const char *arg)
{
    /* digits only: strtol would take " 4", "+4" and "4x" */
    long n = rc_all_digits(arg) && strlen(arg) <= 3 ? strtol(arg, NULL, 10) : 0;
    if (n < 1 || n > FLEET_MAX_WORKERS)
        return usage_error("--parallel expects how many clusters to work on at once, a whole "
                           "number from 1 to %d, got '%s'",
                           FLEET_MAX_WORKERS, arg);
    c->parallel = (int)n;
    return 0;
}

static int set_no_color(cli *c, const char *arg)
{
    (void)arg;
    c->no_color = true;
    return 0;
}

static int set_verbose(cli *c, const char *arg)
{
    (void)arg;
    c->verbose = true;
    return 0;
}

static int set_quiet(cli *c, const char *arg)
{
    (void)arg;
    c->quiet = true;
    return 0;
}

static int set_help(cli *c, const char *arg)
{
    (void)arg;
    c->help = true;
    return 0;
}

static int set_version(cli *c, const char *arg)
{
    (void)arg;
    c->version = true;
    return 0;
}

static int set_base(cli *c, const char *arg)
{
    c->base = arg;
    return 0;
}

static int set_detailed(cli *c, const char *arg)
{
    (void)arg;
    c->detailed_exitcode = true;
    return 0;
}

static int set_prune(cli *c, const char *arg)
{
    (void)arg;
    c->prune = true;
    return 0;
}

static int set_dry_run(cli *c, const char *arg)
{
    (void)arg;
    c->dry_run = true;
    return 0;
}

static int set_out(cli *c, const char *arg)
{
    c->out_dir = arg;
    return 0;
}

const rc_option rc_cli_options[] = {
    {"repository", 'C', "DIR",
     "the repository to read, at its root (default: the current directory)", 0, set_repo},
    {"ref", 0, "REV", "read the declarations from this commit instead of the working tree", 0,
     set_ref},
    {"cluster", 0, "NAME", "only this cluster (repeatable; default: all)", 0, set_cluster},
    {"property", 'X', "key=value",
     "librdkafka client property, overrides the cluster file (repeatable)", 0, set_property},
    {"format", 0, "FORMAT", "output format; each command's help lists its own", 0, set_format},
    {"timeout", 0, "DURATION", "per admin request, e.g. 30s (default 30s)", 0, set_timeout},
    {"deadline", 0, "DURATION",
     "the whole run, e.g. 10m (default 30m): a run still going then stops with exit 1 (what "
     "an apply landed stays)",
     0, set_deadline},
    {"no-color", 0, NULL, "never color the output (also NO_COLOR=1)", 0, set_no_color},
    {"verbose", 'v', NULL, "say what is being done", 0, set_verbose},
    {"quiet", 'q', NULL, "only errors and the result", 0, set_quiet},
    {"help", 'h', NULL, "this help; `reconcile COMMAND --help` for a command", 0, set_help},
    {"version", 0, NULL, "print the version", 0, set_version},
    {"base", 0, "REV",
     "also show what the change from REV does to the declarations (a pull request's plan); "
     "markdown gives a comment, github gives annotations",
     CMD_PLAN | CMD_DIFF, set_base},
    {"detailed-exitcode", 0, NULL,
     "exit 0 when there are no changes, 2 when changes are pending, 1 on error",
     CMD_PLAN | CMD_DIFF, set_detailed},
    {"prune", 0, NULL,
     "delete unmanaged topics (plan: show those deletions), only where the cluster policy "
     "sets allow_delete: true, and at most policy.max_deletions (default 10) of them: a prune "
     "that would delete more is refused as a whole",
     CMD_PLAN | CMD_APPLY, set_prune},
    {"out", 0, "DIR",
     "the rendered files: render writes them there, publish reads them, apply renders there "
     "after a successful apply",
     CMD_APPLY | CMD_RENDER | CMD_PUBLISH, set_out},
    {"parallel", 0, "N",
     "work on N clusters at once (default 4); the output is the same, in cluster order, "
     "whatever finishes first; 1: one cluster after another",
     CMD_PLAN | CMD_APPLY | CMD_IMPORT | CMD_LAG, set_parallel},
    {"dry-run", 0, NULL,
     "change nothing: publish prints the requests it would send, import the files it would "
     "write",
     CMD_PUBLISH | CMD_IMPORT, set_dry_run},
    {NULL, 0, NULL, NULL, 0, NULL},
};
