/* alerts_internal.h — what alerts_profile.c (loading and checking a
 * metric-source profile) and alerts.c (rendering rule files with it) share;
 * alerts.h is the contract. Included only by them. */
#ifndef RC_ALERTS_INTERNAL_H
#define RC_ALERTS_INTERNAL_H

#include "alerts.h"

#include <jansson.h>

enum { S_TIME_GROUP, S_TIME_ALL, S_OFFSET_GROUP, S_OFFSET_ALL, S_ABSENT, S_SKEW, NSHAPES };

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
