package io.explainstream.app.ops;

import io.explainstream.bundle.BundleIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls the configured bundle path: when the folder it resolves to changes (e.g. a {@code current} symlink is
 * pointed at a new version) or its {@code bundle.json} is replaced, offers the bundle to the {@link BundleSwapper}.
 * A refused bundle is not offered again until the path changes again.
 */
public final class BundleWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleWatcher.class);

    private final Path path;
    private final BundleSwapper swapper;
    private final ScheduledExecutorService timer;
    private String seen;

    public BundleWatcher(Path path, BundleSwapper swapper, Duration interval) {
        this.path = path;
        this.swapper = swapper;
        this.seen = fingerprint(path);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "explainstream-bundle-watcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where the path points now and when its manifest was last written; null when it cannot be read. */
    static String fingerprint(Path path) {
        try {
            Path real = path.toRealPath();
            Path dir = Files.isDirectory(real) ? real : real.getParent();
            Path manifest = dir.resolve(BundleIo.MANIFEST);
            return dir + "|" + Files.getLastModifiedTime(manifest).toMillis() + "|" + Files.size(manifest);
        } catch (IOException e) {
            return null;
        }
    }

    void check() {
        try {
            String now = fingerprint(path);
            if (now == null || Objects.equals(now, seen)) {
                return;
            }
            seen = now;
            LOG.info("the bundle at {} changed ({}); validating it", path, now);
            swapper.offer(path);
        } catch (RuntimeException e) {
            LOG.error("checking the bundle at {} failed: {}", path, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
