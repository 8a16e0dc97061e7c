/* fuzz_tmpl.c — template parsing, expansion and the YAML emitter.
 *
 * The input is parsed as a YAML template and as a JSON template; every tree
 * that parses is expanded and emitted as YAML, and the emitted text must parse
 * back to an equal tree (json_equal), else abort(): tmpl.h promises that the
 * emitter quotes whatever a reader could take for another type, so a value can
 * never change the document. The input (up to its first NUL) is also expanded
 * as one template string, and used as a variable's value inside a fixed
 * template whose expansion must round-trip the same way, which drives
 * arbitrary text through every filter and through a mapping key. */
#include "tmpl.h"
#include "util.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static const char fixed_tmpl[] = "value: ${v}\n"
                                 "quoted: \"${v}\"\n"
                                 "inside: \"a ${v} b\"\n"
                                 "promql: 'x{l=\"${v|promql}\"}'\n"
                                 "regex: 'x{l=~\"${v|regex}\"}'\n"
                                 "url: https://g.example/d?var=${v|url}\n"
                                 "label: ${v|gotmpl}\n"
                                 "chain: ${v|regex|promql|gotmpl}\n"
                                 "\"k-${v}\": 1\n"
                                 "n: \"${max}\"\n"
                                 "list: [\"${v}\", \"${flag}\", \"${max|promql}\"]\n";

/* Emit t as YAML and parse it back: must succeed and be equal. */
static void roundtrip(const json_t *t)
{
    rc_buf out = {0};
    CHECK(rc_tmpl_emit_yaml(&out, t) == 0);
    json_t *back = NULL;
    char err[512];
    if (rc_tmpl_parse_yaml(&back, out.data, out.len, "emitted", err, sizeof(err)) != 0 ||
        !json_equal((json_t *)t, back)) {
        fprintf(stderr, "fuzz_tmpl: YAML emitter round trip failed (%s)\n--- emitted:\n%s---\n",
                back ? "trees differ" : err, out.data ? out.data : "");
        abort();
    }
    json_decref(back);
    rc_buf_free(&out);
    /* JSON output is lossy for reals by design (15 digits); only run it */
    rc_buf js = {0};
    CHECK(rc_tmpl_emit_json(&js, t) == 0);
    rc_buf_free(&js);
}

static void expand_and_check(const json_t *t, const rc_tmpl_vars *vars)
{
    char err[512];
    json_t *x = NULL;
    if (rc_tmpl_expand(&x, t, vars, err, sizeof(err)) == 0) {
        CHECK(x != NULL);
        roundtrip(x);
        json_decref(x);
    } else {
        CHECK(x == NULL);
        CHECK(memchr(err, '\0', sizeof(err)) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char *str = malloc(size + 1);
    CHECK(str != NULL);
    if (size)
        memcpy(str, data, size);
    str[size] = '\0';

    rc_tmpl_vars vars = {0};
    rc_tmpl_vars_set(&vars, "topic", "orders.order-placed.v1");
    rc_tmpl_vars_set(&vars, "team", "check\"out {{ .Value }} {");
    rc_tmpl_vars_set(&vars, "empty", NULL);
    rc_tmpl_vars_set(&vars, "v", str);
    rc_tmpl_vars_set_raw(&vars, "max", "300");
    rc_tmpl_vars_set_raw(&vars, "ratio", "0.25");
    rc_tmpl_vars_set_raw(&vars, "flag", "true");
    rc_tmpl_vars_set_raw(&vars, "bad", "not-json");

    char err[512];
    json_t *t = NULL;
    if (rc_tmpl_parse_yaml(&t, text, size, "in.yaml", err, sizeof(err)) == 0) {
        CHECK(t != NULL);
        roundtrip(t);
        expand_and_check(t, &vars);
        json_decref(t);
    } else {
        CHECK(t == NULL);
    }
    if (rc_tmpl_parse_json(&t, text, size, "in.json", err, sizeof(err)) == 0) {
        CHECK(t != NULL);
        roundtrip(t);
        expand_and_check(t, &vars);
        json_decref(t);
    } else {
        CHECK(t == NULL);
    }

    char *s = NULL;
    CHECK((rc_tmpl_expand_string(&s, str, &vars, err, sizeof(err)) == 0) == (s != NULL));
    free(s);

    CHECK(rc_tmpl_parse_yaml(&t, fixed_tmpl, sizeof(fixed_tmpl) - 1, "fixed.yaml", err,
                             sizeof(err)) == 0);
    expand_and_check(t, &vars);
    json_decref(t);

    rc_tmpl_vars_free(&vars);
    free(str);
    return 0;
}
