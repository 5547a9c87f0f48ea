package io.explainstream.demo;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the demo jar: {@code explainstream demo}. */
@Command(name = "explainstream", mixinStandardHelpOptions = true, version = "explainstream demo",
        description = "The explainstream demo.", subcommands = {DemoCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (!DemoCommand.stoppedBySignal()) {
            System.exit(code);
        }
        // stopped by a signal: the JVM is already shutting down (its hooks wait for the clean-up that just ended)
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
