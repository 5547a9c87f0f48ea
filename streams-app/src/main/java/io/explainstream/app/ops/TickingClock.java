package io.explainstream.app.ops;

import io.micrometer.core.instrument.Clock;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clock of the app's meter registry: exact monotonic time, and a wall time that one daemon thread
 * ({@value #THREAD}) refreshes every {@code tick} instead of reading the system clock on each call. Micrometer reads
 * the wall time each time it records into a histogram or a maximum, to turn their time windows (which last minutes);
 * with this clock such a read is a field load, and a window turns at most one tick late. Close it to stop the
 * thread; afterwards the wall time stays where it was.
 */
public final class TickingClock implements Clock, AutoCloseable {
    /** The name of the thread that refreshes the wall time. */
    public static final String THREAD = "explainstream-meter-clock";

    private final ScheduledExecutorService ticker;
    private volatile long wallTime = System.currentTimeMillis();

    /** A clock whose wall time is refreshed every {@code tick} (at least 1 ms). */
    public TickingClock(Duration tick) {
        long millis = tick.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("tick must be at least 1 ms, not " + tick);
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> wallTime = System.currentTimeMillis(), millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public long wallTime() {
        return wallTime;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
