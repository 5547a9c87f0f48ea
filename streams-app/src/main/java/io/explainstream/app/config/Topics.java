package io.explainstream.app.config;

/** The topics an instance reads and writes. */
public record Topics(String input, String output, String dlq, String l2eRequests) {
    public static Topics defaults() {
        return new Topics(ConfigKeys.TOPIC_INPUT.defaultValue(), ConfigKeys.TOPIC_OUTPUT.defaultValue(),
                ConfigKeys.TOPIC_DLQ.defaultValue(), ConfigKeys.TOPIC_L2E_REQUESTS.defaultValue());
    }
}
