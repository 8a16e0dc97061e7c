/* produce_at — produce messages with the timestamps given, for the lag tests
 * (kcat cannot set a message's timestamp):
 *
 *   produce_at BOOTSTRAP TOPIC PARTITION TIMESTAMP_MS...
 *
 * Message i (value "m<i>") goes to PARTITION with CreateTime TIMESTAMP_MS[i],
 * in order, idempotently; exit 0 when every one was acknowledged. */
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        fprintf(stderr, "produce_at: delivery failed: %s\n", rd_kafka_err2str(m->err));
        failed = 1;
    }
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: produce_at BOOTSTRAP TOPIC PARTITION TIMESTAMP_MS...\n");
        return 2;
    }
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof(err)) ||
        rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err))) {
        fprintf(stderr, "produce_at: %s\n", err);
        return 1;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!rk) {
        fprintf(stderr, "produce_at: %s\n", err);
        return 1;
    }
    int32_t partition = (int32_t)strtol(argv[3], NULL, 10);
    for (int i = 4; i < argc; i++) {
        char value[32];
        snprintf(value, sizeof(value), "m%d", i - 4);
        rd_kafka_resp_err_t e = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_VALUE(value, strlen(value)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_TIMESTAMP(strtoll(argv[i], NULL, 10)), RD_KAFKA_V_END);
        if (e) {
            fprintf(stderr, "produce_at: %s\n", rd_kafka_err2str(e));
            failed = 1;
            break;
        }
    }
    if (rd_kafka_flush(rk, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "produce_at: not every message was acknowledged in 30 s\n");
        failed = 1;
    }
    rd_kafka_destroy(rk);
    return failed;
}
