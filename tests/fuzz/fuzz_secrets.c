/* fuzz_secrets.c — rc_env_expand and rc_secrets_mask on one string.
 *
 * A few variables are set once: a secret, a short value (too short to be
 * registered), an empty one (counts as unset), and one whose value itself
 * looks like a reference (substituted text is not expanded again). Checked
 * contracts (secrets.h): expansion with and without a secrets list gives the
 * same result; an error writes a reason; text without '$' comes back as is;
 * once a secret is registered, masking leaves no copy of it in the output. */
#include "secrets.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#define SECRET "s3cr3t-value"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int env_ready;
    if (!env_ready) {
        setenv("FZ_SECRET", SECRET, 1);
        setenv("FZ_SHORT", "ab", 1);
        setenv("FZ_EMPTY", "", 1);
        setenv("FZ_REF", "${FZ_SECRET}", 1);
        unsetenv("FZ_UNSET");
        env_ready = 1;
    }
    char *text = malloc(size + 1);
    CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    rc_secrets secrets = {0};
    char err[256], err2[256], tiny[1] = {'x'};
    char *out = NULL, *out2 = NULL, *out3 = NULL;
    err[0] = err2[0] = 'x';
    int rc = rc_env_expand(&out, text, &secrets, err, sizeof(err));
    int rc2 = rc_env_expand(&out2, text, NULL, err2, sizeof(err2));
    int rc3 = rc_env_expand(&out3, text, NULL, tiny, sizeof(tiny));
    CHECK(rc == 0 || rc == -1);
    CHECK(rc == rc2 && rc == rc3);
    if (rc == 0) {
        CHECK(out != NULL && out2 != NULL && strcmp(out, out2) == 0 && strcmp(out, out3) == 0);
        if (!strchr(text, '$'))
            CHECK(strcmp(out, text) == 0);
        int registered = 0;
        for (size_t i = 0; i < secrets.len; i++) {
            CHECK(strlen(secrets.values[i]) >= 3);
            if (!strcmp(secrets.values[i], SECRET))
                registered = 1;
        }
        char *masked = rc_secrets_mask(&secrets, out);
        CHECK(masked != NULL);
        if (registered)
            CHECK(strstr(masked, SECRET) == NULL);
        free(masked);
    } else {
        CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
        CHECK(strcmp(err, err2) == 0);
        CHECK(tiny[0] == '\0');
    }
    free(out);
    free(out2);
    free(out3);

    /* masking arbitrary text with a registered list, and with none */
    rc_secrets_add(&secrets, SECRET);
    rc_secrets_add(&secrets, text);
    char *m = rc_secrets_mask(&secrets, text);
    CHECK(m != NULL && strstr(m, SECRET) == NULL);
    free(m);
    rc_secrets_free(&secrets);
    m = rc_secrets_mask(&secrets, text);
    CHECK(m != NULL && strcmp(m, text) == 0);
    free(m);
    free(text);
    return 0;
}
