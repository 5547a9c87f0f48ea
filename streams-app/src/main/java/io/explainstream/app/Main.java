package io.explainstream.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the serving jar: the {@code run} and {@code demo} commands. */
@Command(name = "explainstream", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Explains ML prediction events on Kafka in real time.",
        subcommands = {RunCommand.class, ConfigReferenceCommand.class})
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
