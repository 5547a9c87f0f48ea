package io.explainstream.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the load-test jar: the {@code loadtest} command. */
@Command(name = "explainstream", mixinStandardHelpOptions = true, version = "explainstream loadtest",
        description = "Open-loop load generator and benchmarks for the explaining topology.",
        subcommands = {LoadTestCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
