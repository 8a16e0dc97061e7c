/* error.h — the one error convention of library code (every folder of src/
 * except src/cli, which alone prints and picks exit codes).
 *
 * 1. Return value. A function that can fail returns int: 0 on success, a
 *    negative value on failure. The value is RC_ERR (-1) unless the module's
 *    header names codes of its own because callers branch on them
 *    (RC_KADMIN_E*, RC_GIT_E*, RC_HTTP_E*, RC_UNITS_E*); those are negative
 *    too, never errno values. A count or any other result is never folded
 *    into the return value: it goes through an out-parameter.
 * 2. Results. What the function produces goes through out-parameters, which
 *    it sets only on success (on failure an owned pointer is left NULL).
 * 3. The message. The last two parameters are `char *errbuf, size_t errlen`,
 *    the caller's buffer (RC_ERRBUF_LEN bytes is enough for any message;
 *    errbuf NULL or errlen 0: no message). On failure the function writes one
 *    line there, without a trailing newline, starting with its subject
 *    ("file:line:col: ", "cluster NAME: ", a URL without credentials), and
 *    never holding a secret value. rc_errorf writes it and returns the code.
 *    On success the buffer is not touched. A vtable operation (rc_kadmin_ops,
 *    rc_http_ops) follows the same rule: the message travels through its
 *    errbuf argument, never inside the object.
 *
 * Not errors in this sense, and so outside this rule:
 *  - diagnostics about declarations (diag.h): many per run, each with file,
 *    line, column and rule id; validation collects them and never stops at
 *    the first;
 *  - a YAML syntax error (rc_yfile.error with its line and column): the
 *    loader turns it into a diagnostic at that position;
 *  - per-item outcomes that are the result itself: a topic's error in an
 *    admin batch (rc_topic_result.error), a cluster's failure in its plan
 *    (rc_cluster_plan.error), an item's status in a publish run. Reports print
 *    them beside the items that succeeded;
 *  - predicates that answer "why not" return NULL when the input is valid,
 *    else a static reason (rc_decl_topic_name_problem, rc_decl_url_problem). */
#ifndef RC_ERROR_H
#define RC_ERROR_H

#include <stddef.h>

#define RC_ERR (-1)
#define RC_ERRBUF_LEN 512

/* Write the formatted message to errbuf (unless errbuf is NULL or errlen 0,
 * truncated to fit) and return code: `return rc_errorf(RC_ERR, errbuf, errlen, ...);` */
int rc_errorf(int code, char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
