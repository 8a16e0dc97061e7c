/* alerts_internal.h — what alerts_profile.c (loading and checking a
 * metric-source profile) and alerts.c (rendering rule files with it) share;
 * alerts.h is the contract. Included only by them. */
#ifndef RC_ALERTS_INTERNAL_H
#define RC_ALERTS_INTERNAL_H

#include "alerts.h"

#include <jansson.h>

/* The rule shapes a profile may hold. The first six are the high-lag,
 * absent and skew rules every profile has; the rest are optional (a profile
 * leaves out what its metrics cannot express). */
enum {
    S_TIME_GROUP,
    S_TIME_ALL,
    S_OFFSET_GROUP,
    S_OFFSET_ALL,
    S_ABSENT,
    S_SKEW,
    S_NO_MEMBERS,     /* per declared group, always when the profile has it */
    S_NO_PRODUCTION,  /* alerts.no_production */
    S_RATE_CHANGE,    /* alerts.produce_rate_change */
    S_NO_CONSUMPTION, /* alerts.no_consumption, per declared group */
    NSHAPES
};

/* "rules.lag_time.group", ...: a shape's place in the profile, for messages. */
extern const char *const rc_alerts_shape_names[NSHAPES];

struct rc_alerts_profile {
    char *name;
    char *file;
    long long lag_max_s;
    long long lag_for_s;
    long long lag_max_offsets;
    char *severity;
    char *range;
    rc_kvlist vars;         /* the profile's `vars`, as text */
    json_t *shape[NSHAPES]; /* merged rule shapes; NULL when the profile has none */
};

#endif
