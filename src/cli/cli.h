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

#include "applied_state.h"
#include "kadmin.h"

#include <stddef.h>

/* What the command layer reaches the outside world through, so it can be
 * driven by fakes in unit tests (exit codes, report wording, the guard and
 * recording logic) while the real table is what the binary uses. */
typedef struct rc_cli_adapters {
    int (*kadmin_new)(rc_kadmin **out, const rc_kadmin_config *cfg, char *errbuf, size_t errlen);
    int (*applied_read)(char **commit_out, const rc_applied_state_config *cfg, char *errbuf,
                        size_t errlen);
    int (*applied_write)(const rc_applied_state_config *cfg, const char *commit, char *errbuf,
                         size_t errlen);
} rc_cli_adapters;

/* librdkafka admin client, applied state in the cluster's compacted topic. */
extern const rc_cli_adapters rc_cli_real_adapters;

/* Run one command line (argv[0] is the program name) and return its exit
 * code. Reentrant enough for tests: option parsing starts over each call,
 * and the --deadline timer is cancelled before returning. */
int rc_cli_run(int argc, char **argv, const rc_cli_adapters *adapters);
/* rc_cli_run with rc_cli_real_adapters. */
int rc_cli_main(int argc, char **argv);

#endif
