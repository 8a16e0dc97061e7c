/* decl_alerts.c — a topic's `alerts:` block: the opt-in signals beyond high
 * lag (which every topic gets).
 *
 *   alerts:
 *     skew: true                 busiest partition far above the average rate
 *     no_production: 30m         no message produced to the topic for 30m
 *     produce_rate_change: 50%   produce rate more than 50% above or below the
 *                                same window a day earlier (or a factor: 3x)
 *     no_consumption: 30m        a declared group committed nothing for 30m
 *                                while messages waited for it
 *
 * What each becomes is the metric-source profile's business (rules.* shapes,
 * alert-templates/README.md); here only the values are checked. */
#include "decl_parse.h"

#include "units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { AK_SKEW, AK_NO_PRODUCTION, AK_RATE_CHANGE, AK_NO_CONSUMPTION, AK_N };
static const char *const alerts_keys[AK_N] = {"skew", "no_production", "produce_rate_change",
                                              "no_consumption"};

/* A duration of at least a minute: Prometheus evaluates rules about once a
 * minute, so a shorter window could not be told from a missed scrape. */
static bool want_window(ctx *x, const rc_ynode *n, const char *field, long long *out)
{
    char err[160];
    long long s;
    if (n->kind != RC_YNODE_SCALAR) {
        diag(x, E, n, "type", "%s: expected a duration such as 30m, got %s", field,
             rc_ynode_kind_name(n));
        return false;
    }
    if (rc_units_parse_duration_s(&s, n->str, err, sizeof(err)) < 0) {
        diag(x, E, n, "alerts", "%s: %s", field, err);
        return false;
    }
    if (s < 60) {
        diag(x, E, n, "alerts",
             "%s: %s is shorter than a minute, about one rule evaluation: write 1m or more", field,
             n->str);
        return false;
    }
    *out = s;
    return true;
}

/* "50%" (1..99 %) or "3x" (a factor above 1). */
static void want_rate_change(ctx *x, const rc_ynode *n, rc_topic_decl *t)
{
    const char *field = "alerts.produce_rate_change";
    if (n->kind != RC_YNODE_SCALAR) {
        diag(x, E, n, "type",
             "%s: expected a percentage such as 50%% or a factor such as 3x, got %s", field,
             rc_ynode_kind_name(n));
        return;
    }
    const char *s = n->str;
    size_t len = strlen(s);
    char unit = len ? s[len - 1] : 0;
    char *end = NULL;
    double v = len > 1 ? strtod(s, &end) : NAN;
    if ((unit != '%' && unit != 'x') || !end || end != s + len - 1 || !isfinite(v) || s[0] == '+' ||
        s[0] == ' ') {
        diag(x, E, n, "alerts",
             "%s: \"%s\" is neither a percentage such as 50%% nor a factor such as 3x", field, s);
        return;
    }
    if (unit == '%' && !(v >= 1 && v < 100)) {
        diag(x, E, n, "alerts",
             "%s: %s is outside 1%%..99%% (for a larger change write a factor such as 3x)", field,
             s);
        return;
    }
    if (unit == 'x' && !(v > 1 && v <= 1000)) {
        diag(x, E, n, "alerts", "%s: %s: the factor must be above 1x and at most 1000x", field, s);
        return;
    }
    t->rate_change = v;
    t->rate_change_is_percent = unit == '%';
}

void parse_topic_alerts(ctx *x, const rc_ynode *v, rc_topic_decl *t)
{
    const rc_ypair *s[AK_N];
    if (!walk_map(x, v, "alerts", alerts_keys, AK_N, s))
        return;
    const rc_ynode *n;
    if ((n = val(s[AK_SKEW])))
        want_bool(x, n, "alerts.skew", &t->skew_alert);
    if ((n = val(s[AK_NO_PRODUCTION])))
        want_window(x, n, "alerts.no_production", &t->no_production_seconds);
    if ((n = val(s[AK_RATE_CHANGE])))
        want_rate_change(x, n, t);
    if ((n = val(s[AK_NO_CONSUMPTION])) &&
        want_window(x, n, "alerts.no_consumption", &t->no_consumption_seconds) &&
        t->nconsumers == 0) {
        /* the rule is per declared group: without one it would watch nobody */
        diag(x, E, n, "alerts",
             "alerts.no_consumption: the topic declares no consumers; it alerts per declared "
             "consumer group, so list them under consumers:");
        t->no_consumption_seconds = 0;
    }
}
