/* fuzz_yamldoc.c — rc_yaml_parse on arbitrary bytes.
 *
 * Besides memory safety, checks what yamldoc.h promises about the tree: every
 * document has a root, scalars are NUL-terminated at len, positions are
 * 1-based, mapping pairs are complete, an error comes with a message and a
 * position, and the query helpers accept every node. The walk is iterative so
 * deep nesting tests the parser, not this harness's stack. */
#include "yamldoc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_node(const rc_ynode *n)
{
    CHECK(n != NULL);
    CHECK(n->line >= 1 && n->col >= 1);
    CHECK(rc_ynode_kind_name(n) != NULL);
    (void)rc_ynode_is_null(n);
    (void)rc_ynode_is_plain(n);
    switch (n->kind) {
    case RC_YNODE_SCALAR:
        CHECK(n->str != NULL);
        CHECK(n->str[n->len] == '\0');
        break;
    case RC_YNODE_SEQUENCE:
        CHECK(n->nitems == 0 || n->items != NULL);
        break;
    case RC_YNODE_MAPPING:
        CHECK(n->npairs == 0 || n->pairs != NULL);
        for (size_t i = 0; i < n->npairs; i++) {
            const rc_ynode *k = n->pairs[i].key;
            CHECK(k != NULL && n->pairs[i].value != NULL);
            if (k->kind != RC_YNODE_SCALAR || strlen(k->str) != k->len)
                continue;
            /* rc_ynode_get returns the first pair with that key */
            const rc_ynode *got = rc_ynode_get(n, k->str);
            CHECK(got != NULL);
            size_t first = 0;
            while (first < i && !(n->pairs[first].key->kind == RC_YNODE_SCALAR &&
                                  strcmp(n->pairs[first].key->str, k->str) == 0))
                first++;
            CHECK(got == n->pairs[first].value);
        }
        break;
    default:
        abort();
    }
}

static void walk(const rc_ynode *root)
{
    size_t cap = 64, len = 0;
    const rc_ynode **stack = malloc(cap * sizeof(*stack));
    CHECK(stack != NULL);
    stack[len++] = root;
    while (len > 0) {
        const rc_ynode *n = stack[--len];
        check_node(n);
        size_t kids = n->kind == RC_YNODE_SEQUENCE  ? n->nitems
                      : n->kind == RC_YNODE_MAPPING ? 2 * n->npairs
                                                    : 0;
        if (len + kids > cap) {
            while (len + kids > cap)
                cap *= 2;
            stack = realloc(stack, cap * sizeof(*stack));
            CHECK(stack != NULL);
        }
        for (size_t i = 0; i < kids; i++)
            stack[len++] = n->kind == RC_YNODE_SEQUENCE ? n->items[i]
                           : i % 2 == 0                 ? n->pairs[i / 2].key
                                                        : n->pairs[i / 2].value;
    }
    free(stack);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rc_yfile f;
    int rc = rc_yaml_parse(&f, (const char *)data, size);
    CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        CHECK(f.error != NULL);
        CHECK(f.error_line >= 1 && f.error_col >= 1);
    } else {
        CHECK(f.error == NULL);
    }
    CHECK(f.ndocs == 0 || f.docs != NULL);
    for (size_t i = 0; i < f.ndocs; i++) {
        CHECK(f.docs[i].root != NULL);
        walk(f.docs[i].root);
        (void)rc_ynode_get(f.docs[i].root, "name");
    }
    rc_yfile_free(&f);
    return 0;
}
