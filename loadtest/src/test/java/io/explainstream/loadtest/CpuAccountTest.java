package io.explainstream.loadtest;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuAccountTest {
    @Test
    void shouldGroupThreadsByTheAppIdAndTheLoadTestsOwnNames() {
        Function<String, String> group = CpuAccount.loadTestGroups("loadtest-explain-1234");
        assertEquals("app", group.apply("loadtest-explain-1234-StreamThread-1"));
        assertEquals("app_producer_io",
                group.apply("kafka-producer-network-thread | loadtest-explain-1234-StreamThread-1-producer"));
        assertEquals("load_generator", group.apply(PacedProducer.THREAD));
        assertEquals("load_generator_producer_io",
                group.apply("kafka-producer-network-thread | loadtest-generator-0a1b2c3d"));
        assertEquals("latency_reader", group.apply(OutputMeter.THREAD));
        assertEquals("latency_reader", group.apply("kafka-coordinator-heartbeat-thread | loadtest-latency-reader-9"));
        assertEquals("output_counter", group.apply(CpuAccount.COUNTER_CLIENT + "-loadtest-1.explained"));
        assertEquals("other_threads", group.apply("data-plane-kafka-request-handler-0"));
        assertEquals("other_threads", group.apply("kafka-producer-network-thread | some-other-client"));
    }

    @Test
    void shouldChargeAThreadsCpuTimeToItsGroupPerSecondOfWallTime() throws Exception {
        CpuAccount account = new CpuAccount(name -> name.equals("busy") ? "busy" : "rest");
        assertTrue(account.supported(), "this JVM measures thread CPU time");
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            spin(TimeUnit.MILLISECONDS.toNanos(300));
            spun.countDown();
            await(release);
        }, "busy");
        long wall0 = System.nanoTime();
        account.start();
        busy.start();
        spun.await();
        Map<String, Double> cores = account.cores();
        double wall = (System.nanoTime() - wall0) / 1e9;
        release.countDown();
        busy.join();
        double busySeconds = cores.get("busy") * wall;
        assertTrue(busySeconds >= 0.29 && busySeconds <= 0.33, "300 ms of CPU in " + wall + " s: " + cores);
        assertTrue(cores.get(CpuAccount.PROCESS) >= cores.get("busy"), cores.toString());
        assertTrue(cores.containsKey(CpuAccount.JVM), cores.toString());
        if (CpuAccount.machineBusyNanos() >= 0) {
            assertTrue(cores.get(CpuAccount.MACHINE) >= cores.get("busy") - 0.1, "the machine ran the busy thread: "
                    + cores);
            assertTrue(cores.get(CpuAccount.OUTSIDE) >= 0, cores.toString());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void spin(long cpuNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < cpuNanos) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }
}
