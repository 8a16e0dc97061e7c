/* secrets.h — `${ENV}` expansion for cluster files, and masking of secrets.
 *
 * Cluster files never hold secrets: they name environment variables. Every
 * value substituted into a client property is registered as a secret and
 * masked ("***") in any text passed through rc_secrets_mask, which the command
 * layer applies to every line it prints that could echo a broker or library
 * message. Bootstrap addresses are expanded but not secret. */
#ifndef RC_SECRETS_H
#define RC_SECRETS_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rc_secrets {
    char **values;
    size_t len;
    size_t cap;
} rc_secrets;

/* Expand ${NAME} and ${NAME:-default} in text. A `$` not followed by `{` is
 * literal; `$${` escapes a literal "${". When secrets is non-NULL every
 * substituted value (not defaults) is registered. Returns 0 and a heap string,
 * or -1 with errbuf naming the variable that is unset or the malformed spot. */
int rc_env_expand(char **out, const char *text, rc_secrets *secrets, char *errbuf, size_t errlen);

/* Register a value to mask. Values shorter than 3 bytes are not registered:
 * masking every "1" in the output would make it unreadable and protect nothing. */
void rc_secrets_add(rc_secrets *s, const char *value);
/* Heap copy of text with every registered value replaced by "***". */
char *rc_secrets_mask(const rc_secrets *s, const char *text);
void rc_secrets_free(rc_secrets *s);

#endif
