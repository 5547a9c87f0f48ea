package io.explainstream.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Entry point of the load-test jar: the {@code loadtest} command (a placeholder for now). */
@Command(name = "explainstream", mixinStandardHelpOptions = true, version = "explainstream loadtest",
        description = "Open-loop load generator and benchmarks for the explaining topology.",
        subcommands = {Main.LoadTest.class})
public final class Main implements Runnable {
    /** Exit code of a command that exists but is not implemented yet. */
    static final int NOT_AVAILABLE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "loadtest", mixinStandardHelpOptions = true,
            description = "Drives a running instance with open-loop load and reports throughput and latency "
                    + "percentiles (not yet available).")
    static final class LoadTest implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println("explainstream loadtest: not available yet - it arrives with the load-test issue.");
            return NOT_AVAILABLE;
        }
    }
}
