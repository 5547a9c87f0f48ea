package io.explainstream.app;

import io.explainstream.app.config.ConfigKey;
import io.explainstream.app.config.ConfigKeys;
import picocli.CommandLine.Command;

import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code explainstream config-reference}: every key with its default, environment variable (and, for a secret, its
 * {@code _FILE} form) and doc, as Markdown.
 */
@Command(name = "config-reference", mixinStandardHelpOptions = true,
        description = "Prints every configuration key, its default, environment variable and meaning (Markdown).")
final class ConfigReferenceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(table());
        return 0;
    }

    static String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | default | environment variable | meaning |\n|---|---|---|---|\n");
        for (ConfigKey k : ConfigKeys.ALL) {
            // A secret has no default (ConfigKey refuses one), so no secret value is ever printed here.
            sb.append("| `").append(k.name()).append("` | ")
                    .append(k.defaultValue() == null ? "" : "`" + k.defaultValue() + "`").append(" | `")
                    .append(k.envName()).append('`')
                    .append(k.secret() ? ", `" + k.envName() + "_FILE`" : "").append(" | ").append(k.doc())
                    .append(" |\n");
        }
        new TreeMap<>(ConfigKeys.KAFKA_DEFAULTS).forEach((key, v) -> sb.append("| `").append(key).append("` | `")
                .append(v)
                .append("` | `").append(ConfigKeys.KAFKA_ENV_PREFIX)
                .append(key.replace('.', '_').toUpperCase(java.util.Locale.ROOT))
                .append("` | Kafka Streams setting; explainstream's default. |\n"));
        return sb.toString();
    }
}
