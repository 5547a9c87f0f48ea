package io.explainstream.app;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The alert rules pass {@code promtool check rules} and their unit tests ({@code promtool test rules}). Skipped only
 * where promtool is not installed; CI installs it (Debian package prometheus, see .ci/run) and also runs promtool
 * directly, so there it always runs.
 */
class PromtoolTest {
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(DeployFiles.RULES.getParent().toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void shouldPassPromtoolCheckAndTheRuleUnitTests() throws Exception {
        String promtool = promtool();
        if (promtool == null && System.getenv("CI") != null) {
            throw new AssertionError("CI must have promtool (Debian package prometheus, installed by .ci/run)");
        }
        Assumptions.assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus)");
        for (String cmd : List.of("check rules alerts.yml", "test rules alerts-test.yml",
                "check config --syntax-only prometheus.yml")) {
            String[] args = (promtool + " " + cmd).split(" ");
            run(args);
        }
    }
}
