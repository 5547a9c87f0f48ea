package io.explainstream.app;

import io.explainstream.app.config.AppConfig;
import io.explainstream.app.config.ConfigException;
import io.explainstream.app.config.ConfigKeys;
import io.explainstream.app.config.ConfigSources;
import io.explainstream.app.l2e.L2eModelException;
import io.explainstream.bundle.InvalidBundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code explainstream run}: explains events from a configured cluster until SIGTERM / Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the explaining topology against a Kafka cluster until SIGTERM.",
                "Settings come from --config, then EXPLAINSTREAM_* environment variables, then --set/flags.",
                "Any key that is not explainstream's own (bootstrap.servers, security.protocol, sasl.*, ssl.*, ...)",
                "is passed to Kafka Streams unchanged. `explainstream config-reference` lists every key."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file.")
    Path configFile;

    @Option(names = "--bundle", paramLabel = "DIR", description = "Model bundle folder (explainstream.bundle.path).")
    Path bundle;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap.servers.")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL", description = "schema.registry.url.")
    String registryUrl;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any configuration key (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> cli = new LinkedHashMap<>(overrides);
        if (bundle != null) {
            cli.put(ConfigKeys.BUNDLE_PATH.name(), bundle.toString());
        }
        if (bootstrapServers != null) {
            cli.put("bootstrap.servers", bootstrapServers);
        }
        if (registryUrl != null) {
            cli.put(ConfigKeys.REGISTRY_URL.name(), registryUrl);
        }
        AppConfig config;
        ExplainstreamApp app;
        try {
            config = AppConfig.parse(ConfigSources.merge(configFile, System.getenv(), cli));
            LOG.info("configuration:\n{}", config.describe());
            app = ExplainstreamApp.start(config);
        } catch (ConfigException | InvalidBundleException | L2eModelException | IllegalStateException
                 | IllegalArgumentException e) {
            System.err.println("explainstream run: " + e.getMessage());
            return 2;
        }
        Thread hook = new Thread(app::close, "explainstream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.awaitStop();
        return app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR ? 1 : 0;
    }
}
