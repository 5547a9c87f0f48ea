package io.explainstream.trainer;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Entry point of the trainer jar: the {@code fit} and {@code evaluate} commands (placeholders for now). */
@Command(name = "explainstream", mixinStandardHelpOptions = true, version = "explainstream trainer",
        description = "Offline trainer: fits GIME groups and the L2E explainer, and evaluates them.",
        subcommands = {Main.Fit.class, Main.Evaluate.class})
public final class Main implements Runnable {
    /** Exit code of a command that exists but is not implemented yet. */
    static final int NOT_AVAILABLE = 3;
    static final String ARRIVES_WITH = "the trainer issue: fit GIME groups and prove their fidelity";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static int notAvailable(String command) {
        System.err.println("explainstream " + command + ": not available yet - it arrives with " + ARRIVES_WITH + ".");
        return NOT_AVAILABLE;
    }

    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = "Fits GIME groups (and the L2E explainer) from a black-box model and reference data "
                    + "into a model bundle (not yet available).")
    static final class Fit implements Callable<Integer> {
        @Override
        public Integer call() {
            return notAvailable("fit");
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Measures a model bundle's fidelity to its black box on held-out data (not yet available).")
    static final class Evaluate implements Callable<Integer> {
        @Override
        public Integer call() {
            return notAvailable("evaluate");
        }
    }
}
