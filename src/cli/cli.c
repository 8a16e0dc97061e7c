/* cli.c — the command line: parse argv against the tables (commands.h),
 * check what the tables say, and run one command. */
#include "commands.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- the commands ----------------------------------------------------------------- */

#define F_TEXT FMT_BIT(FMT_TEXT)
#define F_JSON FMT_BIT(FMT_JSON)
#define F_MARKDOWN FMT_BIT(FMT_MARKDOWN)
#define F_GITHUB FMT_BIT(FMT_GITHUB)
#define F_OPENMETRICS FMT_BIT(FMT_OPENMETRICS)

const rc_command rc_cli_commands[] = {
    {"validate", CMD_VALIDATE,
     "check every declaration under topics/ offline; report every problem",
     "Parse and check every file under topics/ without contacting any cluster. Every problem "
     "is reported, one per line, as `file:line:column: rule-id: message` (--format github "
     "prints GitHub workflow annotations). Exit 1 if any error.",
     F_TEXT | F_GITHUB, 0, NULL, NULL, cmd_validate},
    {"plan", CMD_PLAN, "diff the declarations against the live cluster(s); change nothing",
     "Validate the declarations, read each cluster through the admin API, and print what "
     "apply would do: create, add partitions, config changes (including undeclared overrides "
     "apply would reset), refused changes, unmanaged topics; and, where the cluster declares "
     "access, the ACL bindings to create, unmanaged and (with --prune) to delete. Every topic "
     "change is checked by the broker with validate_only. Nothing is changed.",
     F_TEXT | F_JSON, F_TEXT | F_MARKDOWN | F_GITHUB, NULL, NULL, cmd_plan},
    {"apply", CMD_APPLY, "create topics, add partitions, change configs and ACLs to match",
     "Make each cluster match the declarations: create topics, add partitions, set topic "
     "configs (resetting undeclared overrides unless the cluster policy keeps them), then "
     "create (and with --prune delete) the ACL bindings access declares. Changes "
     "are batched; a change the broker rejects is reported with the broker's message while "
     "the others still go through (exit 1). Refused changes (partition decrease, replication "
     "factor change) are never sent.",
     F_TEXT | F_JSON, 0, NULL, NULL, cmd_apply},
    {"diff", CMD_DIFF, "what a change (--base REV -> head) does to the declarations; offline",
     "Compare the declarations at --base (e.g. the pull request's target branch) with the "
     "head (--ref, or the working tree): files added, modified, removed; topics added, "
     "changed (field by field, old -> new), and no longer managed (a removed declaration "
     "never deletes a topic); the ACL bindings the change grants and takes away. Never "
     "contacts a cluster. Problems are reported for the head "
     "only. --detailed-exitcode: 2 when topics or access change.",
     0, F_TEXT | F_MARKDOWN | F_GITHUB, "base", NULL, cmd_diff},
    {"render", CMD_RENDER, "write Prometheus lag alerts and Grafana dashboards (--out DIR)",
     "For every declared topic write, per cluster: DIR/<cluster>/rules/topics.rules.yml "
     "(Prometheus high-lag, absent-consumer and skew alerts routed to the owner), "
     "DIR/<cluster>/dashboards/<topic>.json (a Grafana dashboard per topic) and "
     "DIR/<cluster>/grafana-provisioning.yaml (a Grafana file provider for them). Templates "
     "come from alert-templates/ and dashboards/ of the repository (-C). Output is "
     "deterministic; unchanged files are not rewritten; dashboards of topics no longer "
     "declared are removed.",
     F_TEXT, 0, "out", NULL, cmd_render},
    {"publish", CMD_PUBLISH, "push rendered dashboards to Grafana, reload Prometheus rules",
     "Push the dashboards rendered in DIR to Grafana (POST /api/dashboards/db, overwrite, into "
     "the cluster's monitoring.grafana_folder; token from GRAFANA_TOKEN) and make Prometheus "
     "reload its rules (POST /-/reload, then check /api/v1/rules). 5xx and connection errors "
     "are retried with backoff starting at --retry-delay; 4xx errors are reported.",
     F_TEXT, 0, "out", cmd_publish_options, cmd_publish},
    {"import", CMD_IMPORT, "write declarations for what a live cluster has and git does not",
     "Read the cluster (--cluster NAME; default: every cluster) and write declarations under "
     "topics/<cluster>/ for every topic not declared yet (internal and policy.ignore topics "
     "left out): partitions, replication factor and the topic's own config overrides (never "
     "broker defaults) in human units; as consumers, the groups with committed offsets on it; "
     "ACL bindings as the topics' producers and consumers where they map onto them, the rest "
     "in topics/<cluster>/_access.yaml. Owners come from --owner-map rules; a topic no rule "
     "matches gets a placeholder validate reports (owner-unset). Before writing, the import "
     "is planned: right after it, plan shows no change and nothing unmanaged. An existing "
     "file is never written over; importing again adds only what is still undeclared.",
     F_TEXT | F_JSON, 0, NULL, cmd_import_options, cmd_import},
    {"lag", CMD_LAG, "how far behind, in time, the declared consumer groups are",
     "For the declared topics and their declared consumer groups (or --topic, --group, or "
     "--all-groups: every group with offsets on a declared topic), per group and topic: "
     "the time lag measured from the messages themselves (the newest message's timestamp "
     "minus that of the message at the committed offset; 0 when caught up), the offset "
     "lag, and the partitions with no committed offset, whose committed message was "
     "deleted (retention, compaction) or that have no timestamps. Worst first; -v adds a "
     "line per partition. Reads only.",
     F_TEXT | F_JSON | F_OPENMETRICS, 0, NULL, cmd_lag_options, cmd_lag},
    {NULL, 0, NULL, NULL, 0, 0, NULL, NULL, NULL},
};

static const rc_command *find_command(const char *name)
{
    for (const rc_command *k = rc_cli_commands; name && k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

/* Every option once, with the commands that accept it: the shared table,
 * then each command's own (whose scope is that command). */
typedef struct option_ref {
    const rc_option *o;
    unsigned commands; /* 0: every command */
} option_ref;

static size_t all_options(option_ref *out, size_t cap)
{
    size_t n = 0;
    for (const rc_option *o = rc_cli_options; o->name && n < cap; o++)
        out[n++] = (option_ref){o, o->commands};
    for (const rc_command *k = rc_cli_commands; k->name; k++)
        for (const rc_option *o = k->options; o && o->name && n < cap; o++)
            out[n++] = (option_ref){o, k->bit};
    return n;
}

#define MAX_OPTIONS 64

/* "plan and apply", "apply, render and publish" */
static void commands_list(rc_buf *b, unsigned bits)
{
    size_t total = 0, k = 0;
    for (const rc_command *c = rc_cli_commands; c->name; c++)
        total += (bits & c->bit) != 0;
    for (const rc_command *c = rc_cli_commands; c->name; c++)
        if (bits & c->bit) {
            k++;
            rc_buf_printf(b, "%s%s", k == 1 ? "" : (k == total ? " and " : ", "), c->name);
        }
}

static void formats_list(rc_buf *b, unsigned bits)
{
    size_t k = 0;
    for (size_t i = 0; i < N_FORMATS; i++)
        if (bits & FMT_BIT(i))
            rc_buf_printf(b, "%s%s", k++ ? ", " : "", rc_format_names[i]);
}

/* ---- help, generated from the tables ------------------------------------------- */

/* text wrapped at 80 columns, each line indented by indent (the first after
 * a prefix of that width already written) */
static void wrapped(FILE *out, const char *text, int indent)
{
    int col = indent;
    const char *p = text;
    while (*p) {
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        int len = (int)(end - p);
        if (col > indent && col + 1 + len > 80) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, (size_t)len, out);
        col += len;
        p = *end ? end + 1 : end;
    }
    fputc('\n', out);
}

static void option_help(FILE *out, const rc_option *o)
{
    char head[64];
    int n;
    if (o->short_name && o->arg && strcmp(o->name, "repository") != 0 &&
        strcmp(o->name, "property") != 0)
        n = snprintf(head, sizeof(head), "  -%c, --%s %s", o->short_name, o->name, o->arg);
    else if (o->short_name && o->arg)
        n = snprintf(head, sizeof(head), "  -%c %s", o->short_name, o->arg);
    else if (o->short_name)
        n = snprintf(head, sizeof(head), "  -%c, --%s", o->short_name, o->name);
    else
        n = snprintf(head, sizeof(head), "  --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
    fputs(head, out);
    if (n >= 24)
        fprintf(out, "\n%24s", "");
    else
        fprintf(out, "%*s", 24 - n, "");
    wrapped(out, o->help, 24);
}

static void program_help(FILE *out)
{
    fputs("usage: reconcile [global options] <command> [command options]\n\n"
          "GitOps for Kafka topics: declarations in git -> plan -> apply.\n\ncommands:\n",
          out);
    for (const rc_command *k = rc_cli_commands; k->name; k++)
        fprintf(out, "  %-10s %s\n", k->name, k->summary);
    fputs("\nglobal options:\n", out);
    for (const rc_option *o = rc_cli_options; o->name; o++)
        if (!o->commands)
            option_help(out, o);
    fputs("\nEach command's own options: `reconcile COMMAND --help`.\n"
          "exit codes: 0 ok and nothing to change, 1 failure, 2 changes pending\n"
          "(plan and diff --detailed-exitcode), 64 usage error.\n",
          out);
}

static void command_help(FILE *out, const rc_command *k)
{
    fprintf(out, "usage: reconcile %s%s%s%s [options]\n\n", k->name, k->needs ? " --" : "",
            k->needs ? k->needs : "",
            k->needs ? (strcmp(k->needs, "out") == 0 ? " DIR" : " REV") : "");
    wrapped(out, k->help, 0);
    rc_buf f = {0};
    if (k->formats) {
        rc_buf_puts(&f, "formats: ");
        formats_list(&f, k->formats);
    }
    if (k->formats_with_base && k->bit != CMD_DIFF) {
        rc_buf_puts(&f, "; with --base REV: ");
        formats_list(&f, k->formats_with_base);
    } else if (k->formats_with_base) {
        rc_buf_puts(&f, "formats: ");
        formats_list(&f, k->formats_with_base);
    }
    fprintf(out, "\n%s\n\noptions of %s:\n", f.data ? f.data : "", k->name);
    rc_buf_free(&f);
    option_ref all[MAX_OPTIONS];
    size_t n = all_options(all, MAX_OPTIONS);
    for (size_t i = 0; i < n; i++)
        if (all[i].commands & k->bit)
            option_help(out, all[i].o);
    fputs("\nglobal options: `reconcile --help`.\n", out);
}

/* ---- the overall deadline ------------------------------------------------------- */

/* No run may hang forever: a library can (libgit2 1.5.1 loops on a truncated
 * loose object; a broker can stall a request past every client timeout). A
 * real-time timer ends the run with a message written by the signal handler
 * itself (only async-signal-safe calls: write and _exit). An apply cut short
 * is like one killed by CI: what landed stays, the next apply converges. */
#define RC_DEFAULT_DEADLINE_MS (30 * 60 * 1000)
static char deadline_message[256];
static size_t deadline_message_len;

static void deadline_reached(int sig)
{
    (void)sig;
    ssize_t ignored = write(STDERR_FILENO, deadline_message, deadline_message_len);
    (void)ignored;
    _exit(RC_EXIT_FAILURE);
}

static void start_deadline(int ms, const char *arg)
{
    int n = snprintf(deadline_message, sizeof(deadline_message),
                     "reconcile: gave up: the run did not finish within %s (--deadline); "
                     "nothing more was done, and a cut-short apply converges on the next "
                     "run\n",
                     arg);
    deadline_message_len =
        n > 0 && (size_t)n < sizeof(deadline_message) ? (size_t)n : strlen(deadline_message);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = deadline_reached;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval t = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static void stop_deadline(void)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
}

/* ---- parsing ------------------------------------------------------------------- */

const rc_cli_adapters rc_cli_real_adapters = {
    .kadmin_new = rc_kadmin_rdkafka_new,
    .applied_read = rc_applied_state_read,
    .applied_write = rc_applied_state_write,
};

int rc_cli_main(int argc, char **argv)
{
    return rc_cli_run(argc, argv, &rc_cli_real_adapters);
}

/* The getopt tables, from every option: long options (val = index + 256)
 * and the short ones. */
static void getopt_tables(const option_ref *all, size_t n, struct option *longs, char *shorts)
{
    size_t s = 0;
    shorts[s++] = ':';
    for (size_t i = 0; i < n; i++) {
        longs[i] = (struct option){all[i].o->name, all[i].o->arg ? required_argument : no_argument,
                                   NULL, (int)i + 256};
        if (all[i].o->short_name) {
            shorts[s++] = (char)all[i].o->short_name;
            if (all[i].o->arg)
                shorts[s++] = ':';
        }
    }
    longs[n] = (struct option){NULL, 0, NULL, 0};
    shorts[s] = '\0';
}

/* The first option given that does not belong to the command: "--x belongs
 * to plan and diff, not validate". An option several commands declare (each
 * in its file) belongs to all of them. */
static int check_scope(const option_ref *all, size_t n, const bool *given, const rc_command *k)
{
    for (size_t i = 0; i < n; i++) {
        if (!given[i] || !all[i].commands)
            continue;
        unsigned scope = 0;
        for (size_t j = 0; j < n; j++)
            if (strcmp(all[j].o->name, all[i].o->name) == 0)
                scope |= all[j].commands;
        if (scope & k->bit)
            continue;
        rc_buf b = {0};
        commands_list(&b, scope);
        int rc = usage_error("--%s belongs to %s, not %s", all[i].o->name, b.data, k->name);
        rc_buf_free(&b);
        return rc;
    }
    return 0;
}

static int check_format(const cli *c, const rc_command *k)
{
    const char *const *names = rc_format_names;
    bool with_base = c->base != NULL;
    unsigned allowed = with_base ? k->formats_with_base : k->formats;
    if (allowed & FMT_BIT(c->format))
        return 0;
    rc_buf b = {0};
    formats_list(&b, allowed);
    unsigned other = with_base ? k->formats : k->formats_with_base;
    int rc;
    if (!with_base && (other & FMT_BIT(c->format)))
        rc = usage_error("%s prints %s here; --format %s needs --base REV", k->name, b.data,
                         names[c->format]);
    else
        rc = usage_error("%s prints %s%s, not %s", k->name, b.data, with_base ? " with --base" : "",
                         names[c->format]);
    rc_buf_free(&b);
    return rc;
}

/* Run every option's setter; given[i] marks the options present (an option
 * several commands declare is marked on its first entry). 0 or an exit
 * code after a usage error. Leaves optind at the first operand. */
static int parse_options(cli *c, int argc, char **argv, const option_ref *all, size_t nall,
                         bool *given)
{
    struct option longs[MAX_OPTIONS + 1];
    char shorts[2 * MAX_OPTIONS + 2];
    getopt_tables(all, nall, longs, shorts);
    /* The command may stand anywhere among the options (getopt permutes), so
     * `reconcile plan -C repo` and `reconcile -C repo plan` both work. */
    opterr = 0;
    optind = 0; /* glibc: start over, so a second call parses its own argv */
    int opt;
    while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const rc_option *o = NULL;
        if (opt >= 256 && opt < 256 + (int)nall)
            o = all[opt - 256].o;
        for (size_t i = 0; i < nall && !o; i++)
            if (all[i].o->short_name == opt)
                o = all[i].o;
        if (opt == ':')
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        if (!o)
            return usage_error("unknown option '%s'", argv[optind - 1]);
        for (size_t i = 0; i < nall; i++)
            if (strcmp(all[i].o->name, o->name) == 0) {
                given[i] = true;
                break;
            }
        int rc = o->set(c, optarg);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int rc_cli_run(int argc, char **argv, const rc_cli_adapters *adapters)
{
    cli c = {0};
    c.adapters = adapters;
    c.repo_dir = ".";
    c.timeout_ms = 30000;
    c.min_interval_ms = 15000;
    c.deadline_ms = RC_DEFAULT_DEADLINE_MS;
    c.deadline_arg = "30m";
    c.clusters = rc_xcalloc((size_t)argc, sizeof(char *));
    c.owner_maps = rc_xcalloc((size_t)argc, sizeof(char *));
    c.lag_topics = rc_xcalloc((size_t)argc, sizeof(char *));
    c.lag_groups = rc_xcalloc((size_t)argc, sizeof(char *));
    int exit_code = RC_EXIT_OK;

    option_ref all[MAX_OPTIONS];
    size_t nall = all_options(all, MAX_OPTIONS);
    bool given[MAX_OPTIONS] = {false};
    if ((exit_code = parse_options(&c, argc, argv, all, nall, given)) != 0)
        goto out;

    if (optind < argc)
        c.command = argv[optind++];
    if (c.version) {
        printf("reconcile %s\n", RECONCILE_VERSION);
        goto out;
    }
    const rc_command *k = find_command(c.command);
    if (c.command && !k) {
        exit_code = usage_error("unknown command '%s'", c.command);
        goto out;
    }
    if (c.help) {
        if (k)
            command_help(stdout, k);
        else
            program_help(stdout);
        goto out;
    }
    if (!k) {
        program_help(stderr);
        exit_code = RC_EXIT_USAGE;
        goto out;
    }
    if (optind < argc) {
        exit_code = usage_error("unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if ((exit_code = check_scope(all, nall, given, k)) != 0)
        goto out;
    if (k->needs) {
        bool have = false;
        for (size_t i = 0; i < nall; i++)
            have |= given[i] && strcmp(all[i].o->name, k->needs) == 0;
        if (!have) {
            exit_code = usage_error("%s needs --%s %s", k->name, k->needs,
                                    strcmp(k->needs, "out") == 0 ? "DIR" : "REV");
            goto out;
        }
    }
    if ((exit_code = check_format(&c, k)) != 0)
        goto out;
    c.color = !c.no_color && !getenv("NO_COLOR") && isatty(STDOUT_FILENO);
    /* a server runs until stopped; each of its measurements is bounded by
     * --timeout per request instead */
    if (!c.serve)
        start_deadline(c.deadline_ms, c.deadline_arg);
    exit_code = k->run(&c);
    stop_deadline();
out:
    free(c.clusters);
    free(c.owner_maps);
    free(c.lag_topics);
    free(c.lag_groups);
    rc_kvlist_free(&c.xprops);
    rc_secrets_free(&c.secrets);
    fflush(stdout);
    fflush(stderr);
    return exit_code;
}
