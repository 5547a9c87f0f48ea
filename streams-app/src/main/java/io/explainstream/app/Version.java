package io.explainstream.app;

import picocli.CommandLine;

/** The version printed by {@code --version}: the jar's implementation version. */
public final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[]{"explainstream " + (v == null ? "development build" : v)};
    }
}
