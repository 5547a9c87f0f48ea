package io.explainstream.app.ops;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TickingClockTest {
    @Test
    void shouldFollowTheSystemClockWithinTicksAndStopTickingWhenClosed() throws InterruptedException {
        Set<Thread> before = tickers();
        TickingClock clock = new TickingClock(Duration.ofMillis(5));
        Set<Thread> mine = tickers();
        mine.removeAll(before);
        assertEquals(1, mine.size(), "one thread of its own");
        Thread thread = mine.iterator().next();
        try {
            long start = clock.wallTime();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (clock.wallTime() < start + 100 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(clock.wallTime() >= start + 100, "the wall time advanced");
            long lag = System.currentTimeMillis() - clock.wallTime();
            assertTrue(lag >= 0 && lag < 5_000, "the wall time is the system's, a few ticks late at most: " + lag);
            long a = clock.monotonicTime();
            assertTrue(clock.monotonicTime() >= a);
            assertTrue(thread.isAlive(), "its thread runs");
        } finally {
            clock.close();
        }
        thread.join(Duration.ofSeconds(10).toMillis());
        assertFalse(thread.isAlive(), "closing stops its thread");
    }

    @Test
    void shouldRefuseATickShorterThanAMillisecond() {
        assertThrows(IllegalArgumentException.class, () -> new TickingClock(Duration.ofNanos(500_000)));
    }

    private static Set<Thread> tickers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(TickingClock.THREAD))
                .collect(Collectors.toCollection(HashSet::new));
    }
}
