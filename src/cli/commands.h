/* commands.h — the command line as data: every option and every command is
 * one table entry, and parsing, `--help` (the program's and each command's),
 * the "belongs to" checks, the formats a command prints and unknown-command
 * handling are derived from the tables (cli.c), so they cannot drift.
 *
 * An option is declared once: global options and those several commands
 * share in rc_cli_options (options.c), an option of one command in that
 * command's file (its rc_command.options). A command's entry names its
 * formats, the option it cannot run without, and its function. */
#ifndef RC_CLI_COMMANDS_H
#define RC_CLI_COMMANDS_H

#include "cli_internal.h"

/* Commands as bits, so an option's scope is one number. */
enum {
    CMD_VALIDATE = 1 << 0,
    CMD_PLAN = 1 << 1,
    CMD_APPLY = 1 << 2,
    CMD_DIFF = 1 << 3,
    CMD_RENDER = 1 << 4,
    CMD_PUBLISH = 1 << 5,
    CMD_IMPORT = 1 << 6,
    CMD_LAG = 1 << 7,
};

/* Formats as bits (1 << out_format). */
#define FMT_BIT(f) (1u << (f))

typedef struct rc_option {
    const char *name;  /* long name, without "--" */
    int short_name;    /* 'C', or 0 */
    const char *arg;   /* the argument's name in help ("DIR"), NULL for a flag */
    const char *help;  /* one sentence; wrapped by the help printer */
    unsigned commands; /* CMD_* bits of the commands that accept it; 0: every command */
    /* Store the value. 0, or an exit code after printing a usage error. */
    int (*set)(cli *c, const char *arg);
} rc_option;

typedef struct rc_command {
    const char *name;
    unsigned bit;               /* its CMD_* bit */
    const char *summary;        /* one line for `reconcile --help` */
    const char *help;           /* the paragraph of `reconcile NAME --help` */
    unsigned formats;           /* FMT_BIT()s it prints */
    unsigned formats_with_base; /* ... with --base (0: --base is not its option) */
    const char *needs;          /* the long name of an option it cannot run without, or NULL */
    const rc_option *options;   /* its own options (none shared), NULL-name terminated */
    int (*run)(cli *c);
} rc_command;

/* Options of every command, and those several commands share. NULL-name
 * terminated. */
extern const rc_option rc_cli_options[];

/* The commands, NULL-name terminated. */
extern const rc_command rc_cli_commands[];

/* Command files' own options. */
extern const rc_option cmd_publish_options[];
extern const rc_option cmd_import_options[];
extern const rc_option cmd_lag_options[];

/* A duration option in [min_ms, max_ms]; prints the usage error itself and
 * returns RC_EXIT_USAGE, else 0. */
int parse_ms_option(int *out, const char *option, const char *example, const char *arg,
                    long long min_ms, long long max_ms);

#endif
