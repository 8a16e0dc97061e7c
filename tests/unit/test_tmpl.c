/* Unit tests for tmpl: YAML/JSON in, placeholder substitution and filters,
 * YAML/JSON out, and hostile values that must stay plain data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmpl.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static json_t *yaml(const char *text)
{
    json_t *t = NULL;
    char err[256] = "";
    int rc = rc_tmpl_parse_yaml(&t, text, strlen(text), "t.yaml", err, sizeof(err));
    if (rc != 0)
        fail_msg("parse failed: %s", err);
    return t;
}

static int yaml_err(const char *text, char *err, size_t errlen)
{
    json_t *t = (json_t *)1;
    int rc = rc_tmpl_parse_yaml(&t, text, strlen(text), "t.yaml", err, errlen);
    assert_null(t);
    return rc;
}

/* Expand one string with vars; NULL on error (message in err). The result
 * is set only on success. */
static char *xs(const char *s, const rc_tmpl_vars *v, char *err, size_t errlen)
{
    char *out = NULL;
    int rc = rc_tmpl_expand_string(&out, s, v, err, errlen);
    assert_true(rc == 0 || rc == RC_ERR);
    assert_int_equal(rc == 0, out != NULL);
    return out;
}

/* Expand a tree with vars; NULL on error (message in err). */
static json_t *expand(const json_t *t, const rc_tmpl_vars *v, char *err, size_t errlen)
{
    json_t *out = NULL;
    int rc = rc_tmpl_expand(&out, t, v, err, errlen);
    assert_true(rc == 0 || rc == RC_ERR);
    assert_int_equal(rc == 0, out != NULL);
    return out;
}

static void assert_xs(const char *s, const rc_tmpl_vars *v, const char *want)
{
    char err[256] = "";
    char *got = xs(s, v, err, sizeof(err));
    if (!got)
        fail_msg("expand \"%s\" failed: %s", s, err);
    assert_string_equal(got, want);
    free(got);
}

static char *emit_yaml(const json_t *t)
{
    rc_buf b = {0};
    assert_int_equal(rc_tmpl_emit_yaml(&b, t), 0);
    return rc_buf_take(&b);
}

/* ---- YAML in ------------------------------------------------------------- */

static void test_parse_scalars(void **state)
{
    (void)state;
    json_t *t = yaml("i: 12\n"
                     "neg: -3\n"
                     "hex: 0x1F\n"
                     "oct: 0o17\n"
                     "f: 1.5\n"
                     "exp: 1e3\n"
                     "t: true\n"
                     "F: False\n"
                     "n: null\n"
                     "tilde: ~\n"
                     "empty:\n"
                     "quoted: \"12\"\n"
                     "single: 'true'\n"
                     "tagged: !!str 7\n"
                     "yes_word: yes\n"
                     "dur: 5m\n"
                     "inf: .inf\n"
                     "block: |\n"
                     "  a\n"
                     "  b\n");
    assert_true(json_is_object(t));
    assert_int_equal(json_integer_value(json_object_get(t, "i")), 12);
    assert_int_equal(json_integer_value(json_object_get(t, "neg")), -3);
    assert_int_equal(json_integer_value(json_object_get(t, "hex")), 31);
    assert_int_equal(json_integer_value(json_object_get(t, "oct")), 15);
    assert_true(json_is_real(json_object_get(t, "f")));
    assert_true(json_real_value(json_object_get(t, "f")) == 1.5);
    assert_true(json_real_value(json_object_get(t, "exp")) == 1000.0);
    assert_true(json_is_true(json_object_get(t, "t")));
    assert_true(json_is_false(json_object_get(t, "F")));
    assert_true(json_is_null(json_object_get(t, "n")));
    assert_true(json_is_null(json_object_get(t, "tilde")));
    assert_true(json_is_null(json_object_get(t, "empty")));
    assert_string_equal(json_string_value(json_object_get(t, "quoted")), "12");
    assert_string_equal(json_string_value(json_object_get(t, "single")), "true");
    assert_string_equal(json_string_value(json_object_get(t, "tagged")), "7");
    /* YAML 1.2 core: yes is a string */
    assert_string_equal(json_string_value(json_object_get(t, "yes_word")), "yes");
    assert_string_equal(json_string_value(json_object_get(t, "dur")), "5m");
    assert_string_equal(json_string_value(json_object_get(t, "inf")), ".inf");
    assert_string_equal(json_string_value(json_object_get(t, "block")), "a\nb\n");
    json_decref(t);
}

static void test_parse_structure_keeps_order(void **state)
{
    (void)state;
    json_t *t = yaml("z: 1\na: [x, {k: v}, []]\nm: {}\n");
    const char *keys[3];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(t, k, v) keys[n++] = k;
    assert_int_equal(n, 3);
    assert_string_equal(keys[0], "z");
    assert_string_equal(keys[1], "a");
    assert_string_equal(keys[2], "m");
    json_t *a = json_object_get(t, "a");
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "k")), "v");
    assert_int_equal(json_array_size(json_array_get(a, 2)), 0);
    assert_int_equal(json_object_size(json_object_get(t, "m")), 0);
    json_decref(t);

    /* an empty document is null, a scalar document is that scalar */
    t = yaml("");
    assert_true(json_is_null(t));
    json_decref(t);
    t = yaml("--- 42\n");
    assert_int_equal(json_integer_value(t), 42);
    json_decref(t);
}

static void test_parse_errors(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(yaml_err("a: 1\nb: [1, 2\n", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "t.yaml:"));
    assert_int_equal(yaml_err("a: &x 1\nb: *x\n", err, sizeof(err)), -1);
    assert_string_equal(err, "t.yaml:2:4: aliases are not supported in templates");
    assert_int_equal(yaml_err("a: 1\nb: 2\na: 3\n", err, sizeof(err)), -1);
    assert_string_equal(err, "t.yaml:3:4: duplicate key");
    assert_int_equal(yaml_err("a: 1\n---\nb: 2\n", err, sizeof(err)), -1);
    assert_string_equal(err, "t.yaml:2:1: a template holds one YAML document");
    assert_int_equal(yaml_err("? [a]\n: 1\n", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "only scalar mapping keys"));
    /* a message never overflows a small buffer */
    char tiny[8];
    assert_int_equal(yaml_err("a: [", tiny, sizeof(tiny)), -1);
    assert_int_equal(strlen(tiny), 7);
}

static void test_parse_json(void **state)
{
    (void)state;
    json_t *t = NULL;
    char err[256];
    const char *ok = "{\"b\": 1, \"a\": [true, null, 0.5]}";
    assert_int_equal(rc_tmpl_parse_json(&t, ok, strlen(ok), "d.json", err, sizeof(err)), 0);
    assert_int_equal(json_integer_value(json_object_get(t, "b")), 1);
    json_decref(t);
    const char *dup = "{\"a\": 1,\n \"a\": 2}";
    assert_int_equal(rc_tmpl_parse_json(&t, dup, strlen(dup), "d.json", err, sizeof(err)), -1);
    assert_null(t);
    assert_non_null(strstr(err, "d.json:2:"));
    const char *bad = "{\n\n  \"a\": }";
    assert_int_equal(rc_tmpl_parse_json(&t, bad, strlen(bad), "d.json", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "d.json:3:"));
}

/* ---- substitution ---------------------------------------------------------- */

static void test_placeholders(void **state)
{
    (void)state;
    rc_tmpl_vars v = {0};
    rc_tmpl_vars_set(&v, "topic", "orders.v1");
    rc_tmpl_vars_set(&v, "group", "g");
    rc_tmpl_vars_set(&v, "empty", NULL);
    assert_xs("${topic}", &v, "orders.v1");
    assert_xs("a ${topic} b ${group}${group} c", &v, "a orders.v1 b gg c");
    assert_xs("[${empty}]", &v, "[]");
    /* "$${" is a literal "${"; other uses of $ are left alone */
    assert_xs("$${datasource} $group $1 {{ $value }} $", &v,
              "${datasource} $group $1 {{ $value }} $");
    /* left to right: a lone "$", then the escape */
    assert_xs("$$${topic}", &v, "$${topic}");
    /* a value is never scanned again */
    rc_tmpl_vars_set(&v, "sneaky", "${topic} $${x}");
    assert_xs("${sneaky}", &v, "${topic} $${x}");
    /* setting again replaces */
    rc_tmpl_vars_set(&v, "group", "h");
    assert_xs("${group}", &v, "h");
    rc_tmpl_vars_free(&v);
}

static void test_filters(void **state)
{
    (void)state;
    rc_tmpl_vars v = {0};
    rc_tmpl_vars_set(&v, "q",
                     "a\"b\\c\nd\te\x01"
                     "f'");
    assert_xs("${q|promql}", &v, "a\\\"b\\\\c\\nd\\te\\x01f'");
    rc_tmpl_vars_set(&v, "re", "a.b+c(d)|[e]{f}^$\\");
    assert_xs("${re|regex}", &v,
              "a\\\\.b\\\\+c\\\\(d\\\\)\\\\|\\\\[e\\\\]\\\\{f\\\\}\\\\^\\\\$\\\\\\\\");
    rc_tmpl_vars_set(&v, "u", "a b/c?d=e&f~g-h_i.j%\xc3\xa9");
    assert_xs("${u|url}", &v, "a%20b%2Fc%3Fd%3De%26f~g-h_i.j%25%C3%A9");

    /* gotmpl: every {{ becomes an action printing {{, a trailing { too */
    rc_tmpl_vars_set(&v, "g", "x {{ .Value }} y");
    assert_xs("${g|gotmpl}", &v, "x {{ \"{{\" }} .Value }} y");
    rc_tmpl_vars_set(&v, "g", "{{{");
    assert_xs("${g|gotmpl}", &v, "{{ \"{{\" }}{{ \"{\" }}");
    rc_tmpl_vars_set(&v, "g", "{{{{");
    assert_xs("${g|gotmpl}", &v, "{{ \"{{\" }}{{ \"{{\" }}");
    rc_tmpl_vars_set(&v, "g", "a { b } }} {");
    assert_xs("${g|gotmpl}", &v, "a { b } }} {{ \"{\" }}");
    rc_tmpl_vars_set(&v, "g", "plain");
    assert_xs("${g|gotmpl}", &v, "plain");
    rc_tmpl_vars_set(&v, "g", "");
    assert_xs("[${g|gotmpl}]", &v, "[]");

    /* filters chain left to right */
    rc_tmpl_vars_set(&v, "c", "{{\"");
    assert_xs("${c|promql|gotmpl}", &v, "{{ \"{{\" }}\\\"");
    assert_xs("${c|gotmpl|url}", &v, "%7B%7B%20%22%7B%7B%22%20%7D%7D%22");
    rc_tmpl_vars_free(&v);
}

static void test_raw_values(void **state)
{
    (void)state;
    rc_tmpl_vars v = {0};
    rc_tmpl_vars_set_raw(&v, "max", "300");
    rc_tmpl_vars_set_raw(&v, "ratio", "0.5");
    rc_tmpl_vars_set_raw(&v, "on", "true");
    json_t *t = yaml("threshold: ${max}\n"
                     "r: ${ratio}\n"
                     "b: '${on}'\n"
                     "text: 'more than ${max} messages'\n"
                     "filtered: ${max|url}\n"
                     "expr: x > ${max}\n");
    char err[256];
    json_t *x = expand(t, &v, err, sizeof(err));
    assert_non_null(x);
    assert_true(json_is_integer(json_object_get(x, "threshold")));
    assert_int_equal(json_integer_value(json_object_get(x, "threshold")), 300);
    assert_true(json_real_value(json_object_get(x, "r")) == 0.5);
    assert_true(json_is_true(json_object_get(x, "b")));
    assert_string_equal(json_string_value(json_object_get(x, "text")), "more than 300 messages");
    assert_string_equal(json_string_value(json_object_get(x, "filtered")), "300");
    assert_string_equal(json_string_value(json_object_get(x, "expr")), "x > 300");
    json_decref(x);

    /* a string set later replaces the raw value of the same name */
    rc_tmpl_vars_set(&v, "max", "5m");
    x = expand(t, &v, err, sizeof(err));
    assert_string_equal(json_string_value(json_object_get(x, "threshold")), "5m");
    json_decref(x);

    /* a raw value that is not a number or boolean is an error where used alone */
    rc_tmpl_vars_set_raw(&v, "max", "{\"a\": 1}");
    x = expand(t, &v, err, sizeof(err));
    assert_null(x);
    assert_non_null(strstr(err, "is not a JSON number or boolean"));
    assert_non_null(strstr(err, "at threshold"));
    json_decref(t);
    rc_tmpl_vars_free(&v);
}

static void test_expand_tree_and_keys(void **state)
{
    (void)state;
    rc_tmpl_vars v = {0};
    rc_tmpl_vars_set(&v, "name", "t1");
    rc_tmpl_vars_set(&v, "k", "dyn");
    json_t *t = yaml("rules:\n"
                     "  - alert: A\n"
                     "    expr: up{topic=\"${name|promql}\"}\n"
                     "    labels: {\"${k}\": v, n: 3, f: false, z: null}\n");
    char err[256];
    json_t *x = expand(t, &v, err, sizeof(err));
    assert_non_null(x);
    json_t *r = json_array_get(json_object_get(x, "rules"), 0);
    assert_string_equal(json_string_value(json_object_get(r, "expr")), "up{topic=\"t1\"}");
    json_t *l = json_object_get(r, "labels");
    assert_string_equal(json_string_value(json_object_get(l, "dyn")), "v");
    assert_int_equal(json_integer_value(json_object_get(l, "n")), 3);
    assert_true(json_is_false(json_object_get(l, "f")));
    assert_true(json_is_null(json_object_get(l, "z")));
    /* the template itself is untouched */
    r = json_array_get(json_object_get(t, "rules"), 0);
    assert_string_equal(json_string_value(json_object_get(r, "expr")),
                        "up{topic=\"${name|promql}\"}");
    json_decref(x);

    /* a substituted key that collides is an error, not a silent overwrite */
    rc_tmpl_vars_set(&v, "k", "n");
    x = expand(t, &v, err, sizeof(err));
    assert_null(x);
    assert_non_null(strstr(err, "duplicate"));
    json_decref(t);
    rc_tmpl_vars_free(&v);
}

static void test_expand_errors(void **state)
{
    (void)state;
    rc_tmpl_vars v = {0};
    rc_tmpl_vars_set(&v, "topic", "t");
    char err[256];
    json_t *t = yaml("rules:\n  - alert: A\n    expr: x{t=\"${topc}\"}\n");
    json_t *x = expand(t, &v, err, sizeof(err));
    assert_null(x);
    assert_string_equal(err, "unknown placeholder ${topc} at rules[0].expr");
    json_decref(t);

    t = yaml("a: {b: ['ok', '${topic|shout}']}\n");
    x = expand(t, &v, err, sizeof(err));
    assert_null(x);
    assert_string_equal(err, "unknown filter |shout in ${topic} at a.b[1]");
    json_decref(t);

    static const char *const bad[] = {"${topic", "${}", "${to pic}", "${topic|}", "x ${topic|url"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *s = xs(bad[i], &v, err, sizeof(err));
        if (s)
            fail_msg("\"%s\" expanded to \"%s\"", bad[i], s);
        assert_non_null(strstr(err, "malformed placeholder"));
    }
    assert_null(xs("${nope}", &v, err, sizeof(err)));
    assert_string_equal(err, "unknown placeholder ${nope}");
    rc_tmpl_vars_free(&v);
}

/* ---- output ---------------------------------------------------------------- */

static void test_emit_yaml_format(void **state)
{
    (void)state;
    json_t *t = json_pack("{s:[{s:s,s:s,s:s,s:{s:s,s:s}}],s:i,s:f,s:f,s:b,s:n,s:{},s:[],s:s}",
                          "groups", "name", "g", "expr", "sum(x) > 5", "for", "10m", "labels",
                          "severity", "critical", "chat", "#room", "count", 3, "ratio", 1.5,
                          "whole", 2.0, "on", 1, "nothing", "empty", "list", "e", "");
    char *y = emit_yaml(t);
    assert_string_equal(y, "groups:\n"
                           "- name: g\n"
                           "  expr: sum(x) > 5\n"
                           "  for: '10m'\n"
                           "  labels:\n"
                           "    severity: critical\n"
                           "    chat: '#room'\n"
                           "count: 3\n"
                           "ratio: 1.5\n"
                           "whole: 2.0\n"
                           "'on': true\n"
                           "nothing: null\n"
                           "empty: {}\n"
                           "list: []\n"
                           "e: ''\n");
    /* deterministic */
    char *y2 = emit_yaml(t);
    assert_string_equal(y, y2);
    free(y2);
    free(y);
    json_decref(t);

    /* long expressions are never folded onto a second line */
    rc_buf longexpr = {0};
    for (int i = 0; i < 60; i++)
        rc_buf_printf(&longexpr, "%smetric_%d{a=\"b\"}", i ? " + " : "", i);
    t = json_pack("{s:s}", "expr", longexpr.data);
    y = emit_yaml(t);
    assert_int_equal(strchr(y, '\n') - y, (long)strlen(y) - 1);
    free(y);
    json_decref(t);
    rc_buf_free(&longexpr);
}

/* Items emitted one at a time, keyed or as bare sequences joined under the
 * key, give exactly the bytes of one emission of the whole tree, including
 * libyaml's closing "..." after a value that ends in kept blank lines. */
static void test_emit_yaml_list(void **state)
{
    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        json_t *items = json_array();
        for (int i = 0; i < 5; i++)
            json_array_append_new(items,
                                  json_pack("{s:s,s:[s,i]}", "name", i == 2 ? "yes" : "g", "rules",
                                            variant && i == 1 ? "kept\n\n" : "x", i));
        json_t *whole = json_pack("{s:O}", "groups", items);
        char *want = emit_yaml(whole);
        assert_int_equal(strstr(want, "...\n") != NULL, variant);

        rc_buf keyed = {0};
        rc_tmpl_yaml_list *l = rc_tmpl_yaml_list_begin(&keyed, "groups");
        assert_non_null(l);
        for (size_t i = 0; i < json_array_size(items); i++)
            assert_int_equal(rc_tmpl_yaml_list_add(l, json_array_get(items, i)), 0);
        assert_int_equal(rc_tmpl_yaml_list_end(l), 0);
        assert_string_equal(keyed.data, want);
        rc_buf_free(&keyed);

        /* two bare sequences: [0, 1] and [2, 3, 4] */
        rc_buf joined = {0};
        rc_buf_puts(&joined, "groups:\n");
        bool open_ended = false;
        for (size_t part = 0; part < 2; part++) {
            rc_buf b = {0};
            l = rc_tmpl_yaml_list_begin(&b, NULL);
            for (size_t i = part ? 2 : 0; i < (part ? 5u : 2u); i++)
                assert_int_equal(rc_tmpl_yaml_list_add(l, json_array_get(items, i)), 0);
            assert_int_equal(rc_tmpl_yaml_list_end(l), 0);
            assert_int_equal(strncmp(b.data, "- name: ", 8), 0);
            open_ended = rc_tmpl_yaml_strip_end(&b) || open_ended;
            rc_buf_append(&joined, b.data, b.len);
            rc_buf_free(&b);
        }
        if (open_ended)
            rc_buf_puts(&joined, "...\n");
        assert_string_equal(joined.data, want);
        rc_buf_free(&joined);
        free(want);
        json_decref(whole);
        json_decref(items);
    }
    rc_buf b = {0};
    rc_buf_puts(&b, "a: |+\n  x\n\n...\n");
    assert_true(rc_tmpl_yaml_strip_end(&b));
    assert_string_equal(b.data, "a: |+\n  x\n\n");
    assert_false(rc_tmpl_yaml_strip_end(&b));
    rc_buf_free(&b);
    rc_buf_puts(&b, "a: b...\n");
    assert_false(rc_tmpl_yaml_strip_end(&b));
    rc_buf_free(&b);
}

static void test_emit_json(void **state)
{
    (void)state;
    json_t *t = json_pack("{s:i,s:[f,b],s:{}}", "z", 1, "a", 0.1, 1, "e");
    rc_buf b = {0};
    assert_int_equal(rc_tmpl_emit_json(&b, t), 0);
    assert_string_equal(b.data,
                        "{\n  \"z\": 1,\n  \"a\": [\n    0.1,\n    true\n  ],\n  \"e\": {}\n}\n");
    rc_buf_free(&b);
    json_decref(t);
}

/* Strings a plain scalar would turn into something else, or that need
 * quoting for syntax: all must read back as the same strings. */
static void test_emit_quotes_ambiguous_strings(void **state)
{
    (void)state;
    static const char *const values[] = {"",
                                         "yes",
                                         "No",
                                         "ON",
                                         "off",
                                         "y",
                                         "n",
                                         "true",
                                         "False",
                                         "null",
                                         "~",
                                         "12",
                                         "-1",
                                         "+5",
                                         "1e3",
                                         "0x1F",
                                         "0o17",
                                         "1_000",
                                         "12:30",
                                         "2001-12-14",
                                         ".inf",
                                         "-.inf",
                                         ".NaN",
                                         ".5",
                                         "<<",
                                         "=",
                                         "#x",
                                         "a: b",
                                         "a #b",
                                         "- x",
                                         "-",
                                         "[x]",
                                         "{x}",
                                         "*x",
                                         "&x",
                                         "!x",
                                         "|",
                                         ">",
                                         "%x",
                                         "@x",
                                         "`x",
                                         "'x'",
                                         "\"x\"",
                                         " lead",
                                         "trail ",
                                         "a\nb",
                                         "a\n",
                                         "\n",
                                         "a\n\nb\n\n",
                                         "  \n x",
                                         "tab\there",
                                         "cr\rhere",
                                         "\x1b[31m",
                                         "---",
                                         "...",
                                         "--- x",
                                         "é ü 日本",
                                         "{{ $labels.x }}",
                                         "- alert: injected"};
    size_t n = sizeof(values) / sizeof(values[0]);
    json_t *t = json_object();
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_string(values[i]));
        /* as keys too */
        json_object_set_new(t, values[i], json_string(values[i]));
    }
    json_t *root = json_pack("{s:o,s:o}", "list", arr, "map", t);
    char *y = emit_yaml(root);
    json_t *back = yaml(y);
    if (!json_equal(root, back))
        fail_msg("round trip changed the tree:\n%s", y);
    /* our reader is YAML 1.2; Prometheus' go-yaml also knows YAML 1.1
     * booleans, sexagesimals and underscores: those must be quoted too */
    static const char *const quoted[] = {"- 'yes'\n",        "- 'y'\n",     "- 'ON'\n",
                                         "- '12:30'\n",      "- '1_000'\n", "- '0o17'\n",
                                         "- '2001-12-14'\n", "- '<<'\n",    "- '~'\n"};
    for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++)
        if (!strstr(y, quoted[i]))
            fail_msg("expected %s in:\n%s", quoted[i], y);
    json_decref(back);
    free(y);
    json_decref(root);
}

/* Hostile values from declarations, substituted into a rule template: the
 * emitted file parses back to exactly the expanded tree, with one rule and
 * the same keys — nothing was injected. */
static void test_hostile_values_round_trip(void **state)
{
    (void)state;
    static const char *const hostile[] = {
        "quote \" here",
        "line\nbreak",
        "close } brace }}",
        "- alert: injected\n  expr: vector(1)",
        "{{ $labels.instance }} {{ .Value }} {{ template \"x\" }}",
        "---\nname: evil\n...\n",
        "'; DROP TABLE rules; --",
        "a: b\nc: d",
        "${topic} $${x}",
        "\\\" \\n \\",
        "# comment",
        "  leading and trailing  ",
        "",
    };
    json_t *t = yaml("groups:\n"
                     "  - name: reconcile/${v}\n"
                     "    rules:\n"
                     "      - alert: High\n"
                     "        expr: 'x{g=\"${v|promql}\"} > 1'\n"
                     "        labels:\n"
                     "          group: ${v|gotmpl}\n"
                     "          raw: ${v}\n"
                     "        annotations:\n"
                     "          description: 'Group ${v|gotmpl}: {{ $value }}'\n"
                     "          url: https://g/d/x?var-group=${v|url}\n");
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        rc_tmpl_vars v = {0};
        rc_tmpl_vars_set(&v, "v", hostile[i]);
        rc_tmpl_vars_set(&v, "topic", "t");
        char err[256];
        json_t *x = expand(t, &v, err, sizeof(err));
        assert_non_null(x);
        char *y = emit_yaml(x);
        json_t *back = yaml(y);
        if (!json_equal(x, back))
            fail_msg("value %zu changed the document:\n%s", i, y);
        /* one group, one rule, the template's keys and nothing else */
        json_t *groups = json_object_get(back, "groups");
        assert_int_equal(json_object_size(back), 1);
        assert_int_equal(json_array_size(groups), 1);
        json_t *rules = json_object_get(json_array_get(groups, 0), "rules");
        assert_int_equal(json_array_size(rules), 1);
        json_t *rule = json_array_get(rules, 0);
        assert_int_equal(json_object_size(rule), 4);
        assert_string_equal(json_string_value(json_object_get(rule, "alert")), "High");
        json_t *labels = json_object_get(rule, "labels");
        assert_int_equal(json_object_size(labels), 2);
        assert_string_equal(json_string_value(json_object_get(labels, "raw")), hostile[i]);
        assert_null(strstr(json_string_value(json_object_get(labels, "group")), "{{ $"));
        assert_null(strstr(json_string_value(json_object_get(labels, "group")), "{{ ."));
        /* the expression keeps one quoted matcher value */
        const char *expr = json_string_value(json_object_get(rule, "expr"));
        assert_int_equal(strncmp(expr, "x{g=\"", 5), 0);
        assert_int_equal(strcmp(expr + strlen(expr) - 6, "\"} > 1"), 0);
        assert_null(strchr(expr, '\n'));
        json_decref(back);
        free(y);
        json_decref(x);
        rc_tmpl_vars_free(&v);
    }
    json_decref(t);
}

/* Found by fuzz_tmpl: the emitter recursed once per level and a deeply
 * nested template overflowed the stack. Depth is now bounded at parse time;
 * 1e999 (no JSON value) stays text instead of failing as "not UTF-8". */
static void test_parse_limits(void **state)
{
    (void)state;
    char err[256];
    rc_buf deep = {0};
    for (int i = 0; i < 600; i++)
        rc_buf_puts(&deep, "[");
    for (int i = 0; i < 600; i++)
        rc_buf_puts(&deep, "]");
    json_t *t = NULL;
    assert_int_not_equal(rc_tmpl_parse_yaml(&t, deep.data, deep.len, "deep.yaml", err, sizeof(err)),
                         0);
    assert_non_null(strstr(err, "nesting deeper than 512 levels"));
    rc_buf_free(&deep);
    assert_int_equal(rc_tmpl_parse_yaml(&t, "a: 1e999\n", 9, "x.yaml", err, sizeof(err)), 0);
    assert_string_equal(json_string_value(json_object_get(t, "a")), "1e999");
    json_decref(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_scalars),
        cmocka_unit_test(test_parse_structure_keeps_order),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_json),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_raw_values),
        cmocka_unit_test(test_expand_tree_and_keys),
        cmocka_unit_test(test_expand_errors),
        cmocka_unit_test(test_emit_yaml_format),
        cmocka_unit_test(test_emit_yaml_list),
        cmocka_unit_test(test_emit_json),
        cmocka_unit_test(test_emit_quotes_ambiguous_strings),
        cmocka_unit_test(test_hostile_values_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
