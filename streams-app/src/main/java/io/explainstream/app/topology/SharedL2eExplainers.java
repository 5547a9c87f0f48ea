package io.explainstream.app.topology;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.l2e.ExecutionProvider;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.app.l2e.L2eResult;
import io.explainstream.app.l2e.OnnxL2eExplainer;
import io.explainstream.bundle.LoadedBundle;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands every stream task of a JVM the same long-lived ONNX session per bundle explainer file: the session is
 * opened by the first task that needs it and closed when the last one releases it (at shutdown or rebalance).
 * ONNX Runtime sessions are safe to run from several threads.
 */
public final class SharedL2eExplainers implements L2eExplainerFactory {
    private final MeterRegistry meters;
    private final Map<String, Entry> open = new HashMap<>();

    public SharedL2eExplainers(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public synchronized L2eExplainer open(LoadedBundle bundle, L2eSettings settings) {
        Path file = bundle.l2eModelFile().orElseThrow(() -> new IllegalStateException(
                "bundle " + bundle.directory() + " has no L2E explainer"));
        String key = key(file, bundle);
        Entry e = open.computeIfAbsent(key, f -> new Entry(file, OnnxL2eExplainer.open(file, bundle.model().l2e(),
                bundle.model().dimension(), settings.provider(), settings.intraOpThreads(), meters)));
        e.references++;
        return new Lease(key, e.explainer);
    }

    /** A session per file, explainer version and file time: a bundle rewritten in place gets a new session. */
    private static String key(Path file, LoadedBundle bundle) {
        long modified;
        try {
            modified = java.nio.file.Files.getLastModifiedTime(file).toMillis();
        } catch (java.io.IOException e) {
            modified = -1;
        }
        return file.toAbsolutePath().normalize() + "|" + bundle.model().l2e().version() + "|" + modified;
    }

    /** The providers of the sessions open now. */
    public synchronized Map<Path, ExecutionProvider> providers() {
        Map<Path, ExecutionProvider> m = new HashMap<>();
        open.forEach((k, e) -> m.put(e.file, e.explainer.provider()));
        return m;
    }

    private synchronized void release(String file) {
        Entry e = open.get(file);
        if (e != null && --e.references == 0) {
            open.remove(file);
            e.explainer.close();
        }
    }

    private static final class Entry {
        final Path file;
        final L2eExplainer explainer;
        int references;

        Entry(Path file, L2eExplainer explainer) {
            this.file = file;
            this.explainer = explainer;
        }
    }

    private final class Lease implements L2eExplainer {
        private final String file;
        private final L2eExplainer delegate;
        private boolean closed;

        Lease(String file, L2eExplainer delegate) {
            this.file = file;
            this.delegate = delegate;
        }

        @Override
        public ExecutionProvider provider() {
            return delegate.provider();
        }

        @Override
        public String version() {
            return delegate.version();
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public L2eResult explain(float[][] features, float[] predictions, int n) {
            return delegate.explain(features, predictions, n);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(file);
            }
        }
    }
}
