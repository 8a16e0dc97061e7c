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

/* Register a value to mask. Values of one or two bytes are not registered:
 * such a value cannot be a secret worth the name (a password of two bytes
 * is guessed in 65,536 tries whatever we print), and masking every "1" or
 * "on" would make every message unreadable and reveal by its gaps which
 * characters the value holds. The `secret` rule (decl.c) keeps such values
 * out of cluster files in the first place: secret-bearing keys take exactly
 * one environment reference. */
void rc_secrets_add(rc_secrets *s, const char *value);

/* The shortest trailing piece of a secret that is masked where a message
 * ends in it (a library cut the message short inside the secret). */
#define RC_SECRETS_MIN_PREFIX 4

/* Heap copy of text (NULL: "") with every one of values[0..n) replaced by
 * "***", in one pass from left to right: at each position the longest value
 * that matches is masked whole, overlapping values are masked as one run,
 * and a message that ends in the first RC_SECRETS_MIN_PREFIX or more bytes
 * of a value has that end masked. This is the only masker: every path that
 * prints (the command layer, librdkafka's log and error callbacks) uses it. */
char *rc_secrets_mask_values(const char *text, char *const *values, size_t n);
/* rc_secrets_mask_values over every registered value (s may be NULL). */
char *rc_secrets_mask(const rc_secrets *s, const char *text);
void rc_secrets_free(rc_secrets *s);

/* The one classification of secret-bearing client properties, used by the
 * `secret` rule (decl.c) and by every client that masks (rdkafka_conf.c).
 * A key bears a secret when, compared without regard to case, it contains
 * "password", "secret", "token", "jaas", "oauthbearer.config" (a compound
 * value such as "principal=a secret=b") or "key.pem", unless it names where
 * something is rather than the thing (it ends in ".url", ".location" or
 * ".endpoint"). librdkafka's own sensitive properties (sasl.password,
 * ssl.key.password, ssl.key.pem, ssl.keystore.password,
 * sasl.oauthbearer.config, sasl.oauthbearer.client.secret) all match. */
bool rc_secrets_key_bears_secret(const char *key);

/* True when text is exactly one environment reference, "${NAME}", with no
 * default, no literal beside it and no `$${` escape: the only form a
 * secret-bearing value may take in a cluster file. */
bool rc_secrets_is_one_reference(const char *text);

#endif
