/* units.h — human units for durations and sizes, and their canonical form.
 *
 * The grammar is deliberately strict: a value that could mean two things is an
 * error with a hint, never a guess.
 *
 * Durations: an integer followed by one of ms, s, m, h, d, w ("7d", "500ms"),
 * or several such terms from the largest unit to the smallest, each unit at
 * most once ("1h30m", "1d1h1m1s"), which is the form rc_units_format_duration_s
 * writes and Prometheus reads. A bare integer is already in the target unit.
 * Units are case-sensitive (no "M", "D", "H"); "y" is not accepted because a
 * year has no fixed length. Fractions ("1.5h") are refused: write "90m".
 *
 * Sizes: an integer followed by B, KB, MB, GB, TB (powers of 1000) or KiB, MiB,
 * GiB, TiB (powers of 1024), spelled exactly so; "kb", "K", "k", "mib" are
 * refused (the error suggests the right spelling). A bare integer is bytes.
 *
 * Signs: the bare integer "-1" (Kafka's "unlimited") is the only negative value
 * accepted; "-7d", "-2" and a leading "+" are errors. Callers with other
 * negative sentinels (local.retention.ms's -2) read bare integers themselves.
 *
 * No whitespace anywhere: trim first if the source may carry it.
 *
 * Results that do not fit a signed 64-bit integer are errors; the arithmetic
 * is overflow-checked, so any input is safe.
 *
 * Errors (error.h) return RC_UNITS_EMALFORMED or RC_UNITS_ERANGE (too large,
 * or a negative value other than -1), leave *out untouched and write a one-line reason that quotes
 * the input, e.g. `"seven days" is not a duration (use e.g. 7d, 12h, 3600000)`.
 * errbuf may be NULL when errlen is 0. */
#ifndef RC_UNITS_H
#define RC_UNITS_H

#include <stddef.h>

/* The two ways a value can be wrong; topic_config.h uses them too. */
enum { RC_UNITS_EMALFORMED = -1, RC_UNITS_ERANGE = -2 };

/* Parse a duration into milliseconds. */
int rc_units_parse_duration_ms(long long *out_ms, const char *text, char *errbuf, size_t errlen);
/* Parse a duration into whole seconds (sub-second remainders are an error:
 * "1500ms" is refused, "2000ms" is 2). */
int rc_units_parse_duration_s(long long *out_s, const char *text, char *errbuf, size_t errlen);
/* Parse a size into bytes. */
int rc_units_parse_bytes(long long *out_bytes, const char *text, char *errbuf, size_t errlen);
/* Format seconds the way Prometheus writes durations (model.Duration.String):
 * largest units first, zero terms left out, weeks only when they divide the
 * whole value ("2w", but "10d" rather than "1w3d"): 300 -> "5m",
 * 5400 -> "1h30m", 90061 -> "1d1h1m1s", 0 -> "0s". Years are never written, so
 * every result parses back with rc_units_parse_duration_s. A negative input
 * gets a leading "-", which Prometheus does not accept: callers validate first.
 * Returns a heap string the caller frees; never NULL. */
char *rc_units_format_duration_s(long long seconds);

#endif
