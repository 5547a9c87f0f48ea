package io.explainstream.app;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code explainstream demo}: placeholder until the demo lands. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "One-command demo on an embedded broker and registry with a live dashboard (not yet available).")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("explainstream demo: not available yet - it arrives with the demo issue "
                + "(one-command demo on embedded defaults, and a live explanation dashboard).");
        System.err.println("Meanwhile, `explainstream run --config FILE` explains events on your own cluster.");
        return 3;
    }
}
