/* cli.h — the command layer: parses the command line, runs a subcommand,
 * prints, and returns the process exit code. It is the only place that prints
 * for the user; every module below it returns codes and messages.
 *
 * Exit codes (terraform-like): 0 success and nothing left to change, 1 failure
 * (invalid declarations, refused change, unreachable cluster, failed apply),
 * 2 changes pending (plan --detailed-exitcode only), 64 usage error. */
#ifndef RC_CLI_H
#define RC_CLI_H

enum {
    RC_EXIT_OK = 0,
    RC_EXIT_FAILURE = 1,
    RC_EXIT_CHANGES = 2,
    RC_EXIT_USAGE = 64,
};

int rc_cli_main(int argc, char **argv);

#endif
