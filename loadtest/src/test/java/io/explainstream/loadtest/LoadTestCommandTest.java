package io.explainstream.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings the load test refuses before it starts anything. */
class LoadTestCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAKeyTheLoadTestSetsItselfFromSetOrFromTheConfigFile() throws Exception {
        Run fromSet = run("--embedded", "--set", "explainstream.topic.input=predictions");
        assertEquals(2, fromSet.exit);
        assertTrue(fromSet.err.contains("explainstream.topic.input is the load test's own setting"), fromSet.err);

        Path config = dir.resolve("lt.properties");
        Files.writeString(config, "sasl.mechanism=PLAIN\napplication.id=explainstream\n");
        Run fromFile = run("--embedded", "--config", config.toString());
        assertEquals(2, fromFile.exit);
        assertTrue(fromFile.err.contains("application.id is the load test's own setting"), fromFile.err);
    }

    @Test
    void shouldNameAConfigFileItCannotRead() throws Exception {
        Path missing = dir.resolve("absent.properties");
        Run r = run("--embedded", "--config", missing.toString());
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("cannot read configuration file " + missing), r.err);
    }

    private static Run run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new LoadTestCommand()).execute(args);
            return new Run(exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private record Run(int exit, String err) {
    }
}
