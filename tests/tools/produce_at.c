/* produce_at — produce messages with the timestamps given, for the lag tests
 * and the lag benchmark (kcat cannot set a message's timestamp):
 *
 *   produce_at BOOTSTRAP TOPIC PARTITION TIMESTAMP_MS...
 *   produce_at BOOTSTRAP - PARTITIONS TIMESTAMP_MS... < topics.txt
 *
 * Message i (value "m<i>") goes to PARTITION with CreateTime TIMESTAMP_MS[i],
 * in order, idempotently; with "-", the same messages go to each of
 * partitions 0..PARTITIONS-1 of every topic read from stdin (one per line).
 * Exit 0 when every one was acknowledged. */
#include <librdkafka/rdkafka.h>

#include <stdbool.h>
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

/* One message per timestamp to topic/partition; 1 on a local refusal. */
static int produce(rd_kafka_t *rk, const char *topic, int32_t partition, char **ts, int n)
{
    for (int i = 0; i < n; i++) {
        char value[32];
        snprintf(value, sizeof(value), "m%d", i);
        rd_kafka_resp_err_t e;
        while ((e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                      RD_KAFKA_V_VALUE(value, strlen(value)),
                                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                      RD_KAFKA_V_TIMESTAMP(strtoll(ts[i], NULL, 10)),
                                      RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 100); /* a large batch: let deliveries drain */
        if (e) {
            fprintf(stderr, "produce_at: %s: %s\n", topic, rd_kafka_err2str(e));
            return 1;
        }
        rd_kafka_poll(rk, 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: produce_at BOOTSTRAP TOPIC PARTITION TIMESTAMP_MS...\n"
                        "       produce_at BOOTSTRAP - PARTITIONS TIMESTAMP_MS... < topics\n");
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
    int32_t n = (int32_t)strtol(argv[3], NULL, 10);
    bool many = !strcmp(argv[2], "-");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while (!failed && (many ? (got = getline(&line, &cap, stdin)) > 0 : !line)) {
        const char *topic = argv[2];
        if (many) {
            while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
                line[--got] = '\0';
            topic = line;
        } else {
            line = strdup("");
        }
        for (int32_t p = many ? 0 : n; !failed && p < (many ? n : n + 1); p++)
            failed = produce(rk, topic, p, argv + 4, argc - 4);
    }
    free(line);
    if (rd_kafka_flush(rk, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "produce_at: not every message was acknowledged in 120 s\n");
        failed = 1;
    }
    rd_kafka_destroy(rk);
    return failed;
}
