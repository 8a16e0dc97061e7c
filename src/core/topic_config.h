/* topic_config.h — the built-in catalogue of Kafka topic config keys (Kafka 3.9)
 * with their value types, and canonical forms of values.
 *
 * Canonical form is what the diff engine compares and what is sent to the
 * broker. It is the text Kafka itself prints for the parsed value
 * (ConfigDef.convertToString), so a declared value and the broker's report of
 * it canonicalise to the same string:
 * - durations and sizes in base units as decimal text ("604800000" for "7d" in
 *   a *.ms key, "536870912" for "512MiB" in a *.bytes key); see units.h for
 *   the accepted units. Bare integers may be negative down to the key's min
 *   (-1 for retention.*, -2 for local.retention.*);
 * - plain integers as decimal text, no units;
 * - doubles as Java's Double.toString prints them: "0.5", "1.0", "1.0E-4"
 *   ("0.50" -> "0.5", "1" -> "1.0"); NaN, Infinity, hex and a trailing d/f
 *   are refused;
 * - booleans "true"/"false" (accepted in any case, nothing else: no yes/1);
 * - enum values matched case-insensitively and written as Kafka spells them
 *   ("GZIP" -> "gzip", "createtime" -> "CreateTime");
 * - lists (cleanup.policy, the throttle keys) with the items trimmed and
 *   joined by "," in the order given ("compact, delete" -> "compact,delete").
 *   Empty items and repeated cleanup.policy items are refused; throttle lists
 *   must be "*" or partition:broker pairs ("0:101,1:102"), or empty.
 * Every value is trimmed of surrounding whitespace first.
 *
 * Bounds are Kafka's own (e.g. segment.ms >= 1, min.cleanable.dirty.ratio in
 * [0, 1], max.message.bytes a 32-bit int) and are checked here. In a few
 * corners this is stricter than the broker (retention.bytes below -1, an empty
 * or repeated cleanup.policy, empty throttle list items), so a caller that
 * canonicalises a value *read from the broker* should fall back to the
 * trimmed raw text when this refuses it.
 *
 * The catalogue is used offline (validate); at plan time the keys the broker
 * reports extend it so a newer broker's keys are not refused. */
#ifndef RC_TOPIC_CONFIG_H
#define RC_TOPIC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "units.h" /* its error codes */

typedef enum rc_cfg_type {
    RC_CFG_T_DURATION_MS, /* *.ms keys: human durations accepted */
    RC_CFG_T_BYTES,       /* *.bytes keys and max.message.bytes: human sizes accepted */
    RC_CFG_T_INT,         /* plain integer (e.g. min.insync.replicas) */
    RC_CFG_T_DOUBLE,      /* e.g. min.cleanable.dirty.ratio */
    RC_CFG_T_BOOL,
    RC_CFG_T_ENUM,  /* one of a fixed set, e.g. cleanup.policy (a list of enums) */
    RC_CFG_T_STRING /* free text; list keys (throttled replicas) are checked */
} rc_cfg_type;

typedef struct rc_cfg_key {
    const char *name;
    rc_cfg_type type;
    const char *allowed; /* for ENUM: comma-separated values; NULL otherwise */
    bool list;           /* comma-separated list (cleanup.policy, throttled replicas) */
    long long min;       /* inclusive lower bound for numeric types (the upper
                          * bound is checked by rc_topic_config_canonical) */
} rc_cfg_key;

/* NULL when the key is not in the catalogue (names are case-sensitive, as in
 * Kafka). Borrowed, static. */
const rc_cfg_key *rc_topic_config_lookup(const char *key);
/* All known key names in alphabetical order, for "did you mean"
 * (rc_did_you_mean). Borrowed, static; count may be NULL. */
const char *const *rc_topic_config_names(size_t *count);
/* Canonicalise value for key. For an unknown key the value is returned
 * trimmed and unchanged. Returns 0 and a heap string in *out (caller frees),
 * or RC_UNITS_EMALFORMED / RC_UNITS_ERANGE (out of bounds; units.h) with *out set to NULL and a
 * one-line reason in errbuf that starts with the key, e.g.
 * `retention.ms: "seven days" is not a duration (use e.g. 7d, 12h, 3600000)`. */
int rc_topic_config_canonical(char **out, const char *key, const char *value, char *errbuf,
                              size_t errlen);
/* true for the replication throttle keys that are never touched unless declared
 * (leader./follower.replication.throttled.replicas). NULL is false. */
bool rc_topic_config_is_throttle_key(const char *key);

#endif
