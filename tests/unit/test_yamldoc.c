/* Unit tests for yamldoc: positions, styles, documents, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util.h"
#include "yamldoc.h"

#include <stdlib.h>
#include <string.h>

static int parse(rc_yfile *f, const char *text)
{
    return rc_yaml_parse(f, text, strlen(text));
}

static void test_mapping_positions_and_styles(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "# comment\n"
                               "name: orders.v1\n"
                               "partitions: 12\n"
                               "quoted: \"123\"\n"
                               "single: 'x'\n"
                               "tagged: !!str 7\n"
                               "block: |\n"
                               "  line\n"),
                     0);
    assert_int_equal(f.ndocs, 1);
    const rc_ynode *root = f.docs[0].root;
    assert_int_equal(root->kind, RC_YNODE_MAPPING);
    assert_int_equal(root->npairs, 6);
    assert_int_equal(root->line, 2);
    assert_int_equal(root->col, 1);

    const rc_ypair *p = &root->pairs[1];
    assert_string_equal(p->key->str, "partitions");
    assert_int_equal(p->key->line, 3);
    assert_int_equal(p->key->col, 1);
    assert_string_equal(p->value->str, "12");
    assert_int_equal(p->value->line, 3);
    assert_int_equal(p->value->col, 13);
    assert_true(rc_ynode_is_plain(p->value));
    assert_string_equal(rc_ynode_kind_name(p->value), "an integer");

    const rc_ynode *q = rc_ynode_get(root, "quoted");
    assert_non_null(q);
    assert_int_equal(q->style, RC_YSTYLE_DOUBLE_QUOTED);
    assert_false(rc_ynode_is_plain(q));
    assert_string_equal(rc_ynode_kind_name(q), "a string");
    assert_int_equal(q->col, 9); /* position of the opening quote */

    assert_int_equal(rc_ynode_get(root, "single")->style, RC_YSTYLE_SINGLE_QUOTED);
    const rc_ynode *t = rc_ynode_get(root, "tagged");
    assert_true(t->str_tag);
    assert_false(rc_ynode_is_plain(t));
    const rc_ynode *b = rc_ynode_get(root, "block");
    assert_int_equal(b->style, RC_YSTYLE_LITERAL);
    assert_string_equal(b->str, "line\n");
    assert_null(rc_ynode_get(root, "missing"));
    assert_null(rc_ynode_get(b, "x")); /* not a map */
    rc_yfile_free(&f);
}

static void test_sequences_and_flow(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "consumers: [a, b,  c]\n"
                               "list:\n"
                               "  - x\n"
                               "  - {k: v}\n"
                               "empty: []\n"),
                     0);
    const rc_ynode *root = f.docs[0].root;
    const rc_ynode *c = rc_ynode_get(root, "consumers");
    assert_int_equal(c->kind, RC_YNODE_SEQUENCE);
    assert_int_equal(c->nitems, 3);
    assert_int_equal(c->col, 12);
    assert_int_equal(c->items[2]->col, 20);
    assert_string_equal(c->items[2]->str, "c");
    const rc_ynode *l = rc_ynode_get(root, "list");
    assert_int_equal(l->nitems, 2);
    assert_int_equal(l->items[0]->line, 3);
    assert_int_equal(l->items[0]->col, 5);
    assert_int_equal(l->items[1]->kind, RC_YNODE_MAPPING);
    assert_int_equal(l->items[1]->pairs[0].value->col, 9);
    assert_string_equal(rc_ynode_kind_name(l), "a list");
    assert_string_equal(rc_ynode_kind_name(l->items[1]), "a map");
    assert_int_equal(rc_ynode_get(root, "empty")->nitems, 0);
    rc_yfile_free(&f);
}

static void test_multiple_documents(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "name: a\n---\nname: b\n---\n"), 0);
    assert_int_equal(f.ndocs, 3);
    assert_string_equal(rc_ynode_get(f.docs[0].root, "name")->str, "a");
    assert_string_equal(rc_ynode_get(f.docs[1].root, "name")->str, "b");
    assert_int_equal(f.docs[1].root->line, 3);
    /* a trailing `---` is an empty document: a null scalar */
    assert_true(rc_ynode_is_null(f.docs[2].root));
    rc_yfile_free(&f);
}

static void test_empty_input(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, ""), 0);
    assert_int_equal(f.ndocs, 0);
    rc_yfile_free(&f);
    assert_int_equal(parse(&f, "# only a comment\n"), 0);
    assert_int_equal(f.ndocs, 0);
    rc_yfile_free(&f);
}

static void test_nulls(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "a:\nb: ~\nc: null\nd: \"\"\ne: 'null'\nf: NULL\n"), 0);
    const rc_ynode *r = f.docs[0].root;
    assert_true(rc_ynode_is_null(rc_ynode_get(r, "a")));
    assert_true(rc_ynode_is_null(rc_ynode_get(r, "b")));
    assert_true(rc_ynode_is_null(rc_ynode_get(r, "c")));
    assert_false(rc_ynode_is_null(rc_ynode_get(r, "d")));
    assert_false(rc_ynode_is_null(rc_ynode_get(r, "e")));
    assert_true(rc_ynode_is_null(rc_ynode_get(r, "f")));
    assert_string_equal(rc_ynode_kind_name(rc_ynode_get(r, "a")), "null");
    rc_yfile_free(&f);
}

static void test_kind_names(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "[true, 1.5, -3, word, '1']"), 0);
    const rc_ynode *s = f.docs[0].root;
    assert_string_equal(rc_ynode_kind_name(s->items[0]), "a boolean");
    assert_string_equal(rc_ynode_kind_name(s->items[1]), "a number");
    assert_string_equal(rc_ynode_kind_name(s->items[2]), "an integer");
    assert_string_equal(rc_ynode_kind_name(s->items[3]), "a string");
    assert_string_equal(rc_ynode_kind_name(s->items[4]), "a string");
    assert_string_equal(rc_ynode_kind_name(NULL), "nothing");
    rc_yfile_free(&f);
}

static void test_syntax_error_position(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "name: a\npartitions: 3\n  owner: x\n"), -1);
    assert_non_null(f.error);
    assert_int_equal(f.error_line, 3);
    assert_int_equal(f.error_col, 8);
    assert_non_null(strstr(f.error, "mapping values are not allowed"));
    rc_yfile_free(&f);

    /* a parser error carries its context and where that context started */
    assert_int_equal(parse(&f, "a:\n  - x\n  y: 1\n"), -1);
    assert_int_equal(f.error_line, 3);
    assert_int_equal(f.error_col, 3);
    assert_string_equal(f.error, "did not find expected '-' indicator (while parsing a block "
                                 "collection started at 2:3)");
    rc_yfile_free(&f);

    assert_int_equal(parse(&f, "key: \"unterminated\n"), -1);
    assert_non_null(strstr(f.error, "found unexpected end of stream"));
    assert_int_equal(f.error_line, 2);
    rc_yfile_free(&f);
}

static void test_error_keeps_earlier_documents(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "name: good\n---\nname: [bad\n"), -1);
    assert_int_equal(f.ndocs, 1);
    assert_string_equal(rc_ynode_get(f.docs[0].root, "name")->str, "good");
    rc_yfile_free(&f);
}

static void test_alias_rejected(void **state)
{
    (void)state;
    rc_yfile f;
    assert_int_equal(parse(&f, "base: &b {x: 1}\nother: *b\n"), -1);
    assert_int_equal(f.error_line, 2);
    assert_int_equal(f.error_col, 8);
    assert_non_null(strstr(f.error, "aliases (*b) are not supported"));
    rc_yfile_free(&f);
    /* an anchor alone is harmless */
    assert_int_equal(parse(&f, "base: &b {x: 1}\n"), 0);
    rc_yfile_free(&f);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    rc_yfile f;
    const char text[] = "a: 1\nb: \xff\n";
    assert_int_equal(rc_yaml_parse(&f, text, sizeof(text) - 1), -1);
    assert_int_equal(f.error_line, 2);
    assert_int_equal(f.error_col, 4);
    rc_yfile_free(&f);
}

static void test_not_nul_terminated(void **state)
{
    (void)state;
    rc_yfile f;
    const char text[] = "name: abcdef";
    assert_int_equal(rc_yaml_parse(&f, text, 8), 0); /* "name: ab" */
    assert_string_equal(rc_ynode_get(f.docs[0].root, "name")->str, "ab");
    rc_yfile_free(&f);
}

/* A big mapping and a long sequence: linear building, arena chunks beyond the
 * first, a scalar larger than a chunk. */
static void test_large_input(void **state)
{
    (void)state;
    rc_buf b = {0};
    for (int i = 0; i < 20000; i++)
        rc_buf_printf(&b, "key%d: [v%d, {n: %d}]\n", i, i, i);
    rc_buf_puts(&b, "big: \"");
    for (int i = 0; i < 100000; i++)
        rc_buf_puts(&b, "x");
    rc_buf_puts(&b, "\"\n");
    rc_yfile f;
    assert_int_equal(rc_yaml_parse(&f, b.data, b.len), 0);
    const rc_ynode *r = f.docs[0].root;
    assert_int_equal(r->npairs, 20001);
    assert_int_equal(r->pairs[19999].key->line, 20000);
    assert_string_equal(r->pairs[19999].value->items[1]->pairs[0].value->str, "19999");
    assert_int_equal(r->pairs[20000].value->len, 100000);
    rc_yfile_free(&f);
    rc_buf_free(&b);
}

/* Nesting is bounded: 64 levels parse, the 65th is refused where it opens,
 * in flow and block style alike, and a 200 KB file of `[` is refused too
 * (before the bound it took libyaml minutes). */
static void test_nesting_depth_bound(void **state)
{
    (void)state;
    rc_yfile f;
    rc_buf b = {0};
    for (int i = 0; i < RC_YAML_MAX_DEPTH; i++)
        rc_buf_puts(&b, "[");
    for (int i = 0; i < RC_YAML_MAX_DEPTH; i++)
        rc_buf_puts(&b, "]");
    assert_int_equal(rc_yaml_parse(&f, b.data, b.len), 0);
    const rc_ynode *n = f.docs[0].root;
    for (int i = 1; i < RC_YAML_MAX_DEPTH; i++)
        n = n->items[0];
    assert_int_equal(n->kind, RC_YNODE_SEQUENCE);
    assert_int_equal(n->nitems, 0);
    rc_yfile_free(&f);
    rc_buf_free(&b);

    rc_buf_puts(&b, "name: x\nconfig: ");
    for (int i = 0; i < 200000; i++)
        rc_buf_puts(&b, i % 2 ? "[" : "{a: ");
    assert_int_equal(rc_yaml_parse(&f, b.data, b.len), -1);
    assert_string_equal(f.error, "nesting deeper than 64 levels");
    /* the root map is level 1, so the 64th collection of the run is refused:
     * it follows 31 "{a: [" pairs and one "{a: " */
    assert_int_equal(f.error_line, 2);
    assert_int_equal(f.error_col, 9 + 31 * 5 + 4);
    rc_yfile_free(&f);
    rc_buf_free(&b);

    for (int i = 0; i <= RC_YAML_MAX_DEPTH; i++)
        rc_buf_printf(&b, "%*s- \n", 2 * i, "");
    assert_int_equal(rc_yaml_parse(&f, b.data, b.len), -1);
    assert_string_equal(f.error, "nesting deeper than 64 levels");
    assert_int_equal(f.error_line, RC_YAML_MAX_DEPTH + 1);
    assert_int_equal(f.error_col, 2 * RC_YAML_MAX_DEPTH + 1);
    rc_yfile_free(&f);
    rc_buf_free(&b);

    for (int i = 0; i < 200000; i++)
        rc_buf_puts(&b, "[");
    assert_int_equal(rc_yaml_parse(&f, b.data, b.len), -1);
    assert_string_equal(f.error, "nesting deeper than 64 levels");
    assert_int_equal(f.error_line, 1);
    assert_int_equal(f.error_col, RC_YAML_MAX_DEPTH + 1);
    rc_yfile_free(&f);
    rc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping_positions_and_styles),
        cmocka_unit_test(test_sequences_and_flow),
        cmocka_unit_test(test_multiple_documents),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_nulls),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_syntax_error_position),
        cmocka_unit_test(test_error_keeps_earlier_documents),
        cmocka_unit_test(test_alias_rejected),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_large_input),
        cmocka_unit_test(test_nesting_depth_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
