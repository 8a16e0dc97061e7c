/* changeset.h — what a change (a pull request) does to the declarations:
 * the comparison of two declaration sets, base and head. Pure: no I/O, no git,
 * no cluster; the caller loads both sides (rc_source_load + rc_decl_load) and
 * hands them over.
 *
 * Two levels:
 *
 * - files: every file under topics/ whose bytes differ between base and head
 *   (added, modified, removed), sorted by path. Comments, README.md and the
 *   teams file count too: the reviewer should see every file the change
 *   touches. A modified file carries a line-level diff summary.
 *
 * - topics, per cluster: the parsed declarations compared field by field
 *   (never as text: reformatting a file, reordering keys, adding a comment or
 *   writing 604800000 instead of 7d is not a topic change). Compared: partitions
 *   and replication factor (as resolved, defaults included), owner, message,
 *   description, every config key (canonical values, cluster defaults merged
 *   in, so a changed defaults.config in _cluster.yaml changes every topic it
 *   reaches), lag.max / lag.for / lag.severity, consumers (as a set: their
 *   order is not a change), throughput.messages_per_second and the alerts.*
 *   signals.
 *   A topic is:
 *     added     declared at head, not at base (in that cluster);
 *     modified  declared at both and any compared field differs, or it moved
 *               to another file (same cluster, same name: one topic, moved_from
 *               set, never an add plus a remove);
 *     removed   declared at base, not at head: "no longer managed". The topic
 *               stays on the cluster; reconcile stops managing it (plan shows it
 *               as unmanaged; only `apply --prune` under a policy that allows
 *               deletion would ever delete it).
 *   Moving a topic to another cluster directory is an add in one cluster and a
 *   removal in the other: they are different topics on different clusters.
 *   Sorted by cluster, then topic name.
 *
 * Ownership: the changeset owns every pointer in it (copies, nothing borrowed
 * from the sources or repos except the static `unset` labels) and
 * rc_changeset_free releases them. */
#ifndef RC_CHANGESET_H
#define RC_CHANGESET_H

#include "diag.h"
#include "model.h"
#include "source.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum rc_file_change {
    RC_FILE_ADDED,
    RC_FILE_MODIFIED,
    RC_FILE_REMOVED,
} rc_file_change;

typedef struct rc_file_delta {
    char *path; /* repository-relative, "topics/..." */
    rc_file_change change;
    /* 1-based numbers of the head lines that are new or changed, ascending
     * (every line of an added file; none for a removed one). */
    int *head_lines;
    size_t nhead_lines;
    size_t lines_removed; /* base lines that are gone (every line of a removed file) */
} rc_file_delta;

typedef enum rc_topic_change {
    RC_TOPIC_ADDED,
    RC_TOPIC_MODIFIED,
    RC_TOPIC_REMOVED, /* no longer managed */
} rc_topic_change;

typedef enum rc_field_kind {
    RC_FIELD_SCALAR, /* partitions, owner, lag.max, ... : short values */
    RC_FIELD_CONFIG, /* a topic config key: `field` is the key */
    RC_FIELD_TEXT,   /* free text (description): long, user-written */
} rc_field_kind;

/* One changed field. Values are display text: canonical config values are
 * shown in human units where that is exact (604800000 in a *.ms key -> "7d",
 * whole days as days, other whole seconds as "1h30m"; 1073741824 in a *.bytes
 * key -> "1GiB"; anything else, -1 included, as is), lag durations as "5m",
 * offsets as "100000 messages", consumers ("group" or "group (service)")
 * and producers joined with ", ".
 * NULL means "not set": print `unset` ("(default)" or "(none)") instead. */
typedef struct rc_field_change {
    rc_field_kind kind;
    char *field; /* "partitions", "replication_factor", "owner", "message",
                  * "description", "lag.max", "lag.for", "lag.severity",
                  * "consumers", "producers", "throughput.messages_per_second", "alerts.skew",
                  * "alerts.no_production", "alerts.produce_rate_change", "alerts.no_consumption",
                  * or the config key for RC_FIELD_CONFIG */
    char *old_value;
    char *new_value;
    const char *unset; /* static label for a NULL value; never NULL */
} rc_field_change;

typedef struct rc_topic_delta {
    char *cluster;
    char *topic;
    rc_topic_change change;
    char *owner; /* head's owner; base's for a removed topic; NULL if undeclared */
    char *file;  /* head's declaring file; base's for a removed topic */
    int line;    /* of the `name:` value in that file */
    int col;
    char *moved_from; /* modified only: base's file when the topic moved; else NULL */
    /* modified: the fields that differ; added: every field the topic sets
     * (old_value NULL), resolved defaults included; removed: none. In the
     * order of the list above, config keys sorted. */
    rc_field_change *fields;
    size_t nfields;
    /* removed only, set by rc_changeset_use_diags: the base file still exists
     * at head but has errors there, so the topic may only be unreadable rather
     * than removed. Printers say so instead of "no longer managed". */
    bool head_file_invalid;
} rc_topic_delta;

typedef struct rc_changeset_cluster {
    char *name;
    bool in_base; /* a cluster directory with declarations at base */
    bool in_head;
    /* what the change does to the other kinds of resource (kind.h), in
     * registry order; set by the command layer (src/kinds), freed here */
    rc_kind_plan *kinds;
    size_t nkinds;
} rc_changeset_cluster;

typedef struct rc_changeset {
    char *base_commit; /* copies of rc_source.commit; NULL: the working tree */
    char *head_commit;
    rc_file_delta *files; /* sorted by path */
    size_t nfiles;
    rc_topic_delta *topics; /* sorted by cluster, then topic */
    size_t ntopics;
    rc_changeset_cluster *clusters; /* every cluster of base or head, by name */
    size_t nclusters;
    size_t files_added, files_modified, files_removed;
    size_t topics_added, topics_modified, topics_removed;

    /* For rc_changeset_diag_relevant; treat as private. */
    char **head_paths; /* every file of head's source, sorted */
    size_t nhead_paths;
    char **base_diag_keys; /* sorted; NULL until rc_changeset_use_diags */
    size_t nbase_diag_keys;
    bool have_base_diags;
} rc_changeset;

/* Compare base and head. *out is zeroed first. base_src/base describe the
 * base revision, head_src/head the head (a commit or the working tree); the
 * repos may be partial (loaded with validation errors): only what was parsed
 * is compared. It cannot fail (allocation failure aborts, see util.h). */
void rc_changeset_compute(rc_changeset *out, const rc_source *base_src, const rc_repo *base,
                          const rc_source *head_src, const rc_repo *head);

/* Optional second step, with the diagnostics of loading each side (either may
 * be NULL). base_diags lets rc_changeset_diag_relevant tell a problem this
 * change introduced from one that was already there; head_diags marks removed
 * topics whose file still exists at head with errors (head_file_invalid). */
void rc_changeset_use_diags(rc_changeset *cs, const rc_diags *base_diags,
                            const rc_diags *head_diags);

/* Whether a head diagnostic belongs in the pull request view (annotations,
 * the comment's problem table). The rule:
 *  1. its file is added or modified by the change: shown, every line of it
 *     (a problem on an unchanged line of a changed file is still the
 *     author's to look at while the file is open);
 *  2. its path is not a file of the head (a cluster directory, a missing
 *     _teams.yaml): shown, it concerns the whole repository;
 *  3. its file is unchanged: shown only when it is new, i.e. base's
 *     diagnostics are known (rc_changeset_use_diags) and none of them has the
 *     same file, line, column, rule and message (a removed team makes unchanged
 *     files invalid: that is this change's doing). Without base diagnostics,
 *     problems in unchanged files are treated as pre-existing and hidden.
 * Hidden problems are still counted by the printers ("N not shown"), and
 * errors among them still fail the run. */
bool rc_changeset_diag_relevant(const rc_changeset *cs, const rc_diag *d);

void rc_changeset_free(rc_changeset *c);

/* Line-level diff of two texts (lines end at '\n'; a last line without one
 * counts, so adding the final newline changes nothing). *out receives the
 * 1-based numbers of head lines outside a longest common subsequence with
 * base (new or changed lines), ascending, heap-allocated (NULL when none; the
 * caller frees); *nout their count; *nremoved (may be NULL) the number of base
 * lines outside it. Common leading and trailing lines are matched first; when
 * the rest is too large for the quadratic LCS (more than 4 Mi line
 * pairs) every remaining line counts as changed. It cannot fail. */
void rc_changeset_changed_lines(int **out, size_t *nout, size_t *nremoved, const char *base,
                                size_t base_len, const char *head, size_t head_len);

/* Display form of a canonical config value (see rc_field_change). Heap string. */
char *rc_changeset_display_config(const char *key, const char *canonical);

#endif
