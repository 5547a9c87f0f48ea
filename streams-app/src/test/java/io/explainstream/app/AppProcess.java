package io.explainstream.app;

import java.io.IOException;
import java.nio.file.Path;

/** Starts {@code bin/explainstream run --config FILE} as a child process, as a user would, logging to a file. */
final class AppProcess {
    private AppProcess() {
    }

    static Process start(Path config, Path log) throws IOException {
        return start(config, log, java.util.Map.of());
    }

    /** Like {@link #start(Path, Path)}, with {@code environment} added to the child's environment. */
    static Process start(Path config, Path log, java.util.Map<String, String> environment) throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/explainstream").toString(), "run", "--config",
                config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("EXPLAINSTREAM_NO_BUILD", "1");
        pb.environment().put("EXPLAINSTREAM_JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1");
        pb.environment().putAll(environment);
        return pb.start();
    }
}
