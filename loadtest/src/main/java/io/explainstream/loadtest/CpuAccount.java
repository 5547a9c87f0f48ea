package io.explainstream.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time of this JVM between two moments, in cores (CPU seconds per second of wall time), charged to groups of
 * threads by name: the load test's own threads can then be told from the app's and, with {@code --embedded}, the
 * in-process broker's. What no Java thread accounts for (garbage collection, the JIT compilers, native threads) is
 * the process's CPU time minus the Java threads'. A thread that ends between the two moments is not counted.
 */
final class CpuAccount {
    /** The group of what no Java thread accounts for. */
    static final String JVM = "jvm_gc_jit_native";
    /** The whole process. */
    static final String PROCESS = "process_total";
    /** Everything else the machine ran (the kernel's own threads, other processes), where the OS says. */
    static final String OUTSIDE = "outside_process";
    /** The whole machine's busy CPU, where the OS says. */
    static final String MACHINE = "machine_total";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Function<String, String> group;
    private Snapshot start;

    /** @param group maps a thread's name to the name of its group */
    CpuAccount(Function<String, String> group) {
        this.group = group;
    }

    /** Whether this JVM can measure per-thread CPU time (if not, {@link #cores()} is empty). */
    boolean supported() {
        return threads.isThreadCpuTimeSupported() && os.getProcessCpuTime() >= 0;
    }

    /** Starts (or restarts) the account now. */
    void start() {
        if (supported()) {
            threads.setThreadCpuTimeEnabled(true);
            start = snapshot();
        }
    }

    /**
     * Cores used since {@link #start()} by each group, largest first, then by {@link #JVM} and {@link #PROCESS}, and
     * (on Linux) by {@link #OUTSIDE} and {@link #MACHINE}.
     */
    Map<String, Double> cores() {
        if (start == null) {
            return Map.of();
        }
        Snapshot end = snapshot();
        double wall = end.wallNanos - start.wallNanos;
        Map<String, Long> nanos = new HashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, Long> t : end.threadNanos.entrySet()) {
            long used = t.getValue() - start.threadNanos.getOrDefault(t.getKey(), 0L);
            javaThreads += used;
            nanos.merge(group.apply(end.names.get(t.getKey())), used, Long::sum);
        }
        long process = end.processNanos - start.processNanos;
        Map<String, Double> cores = new LinkedHashMap<>();
        nanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> cores.put(e.getKey(), round(e.getValue() / wall)));
        cores.put(JVM, round(Math.max(0, process - javaThreads) / wall));
        cores.put(PROCESS, round(process / wall));
        if (start.machineNanos >= 0 && end.machineNanos >= 0) {
            long machine = end.machineNanos - start.machineNanos;
            cores.put(OUTSIDE, round(Math.max(0, machine - process) / wall));
            cores.put(MACHINE, round(machine / wall));
        }
        return cores;
    }

    private Snapshot snapshot() {
        long wall = System.nanoTime();
        long process = os.getProcessCpuTime();
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long nanos = threads.getThreadCpuTime(ids[i]);
            if (nanos >= 0 && infos[i] != null) {
                cpu.put(ids[i], nanos);
                names.put(ids[i], infos[i].getThreadName());
            }
        }
        return new Snapshot(wall, process, cpu, names, machineBusyNanos());
    }

    /** Busy CPU time of the whole machine since boot from /proc/stat (user, nice, system, irq, softirq), or -1. */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 8); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * (1_000_000_000L / USER_HZ);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** The unit of /proc/stat, fixed at 100 per second on Linux for user space. */
    private static final long USER_HZ = 100;

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * The grouping the load test reports: the app under test (threads named after its application id), the load
     * generator, the latency reader and the output counter (named after their client ids), each producer's network
     * thread apart from its owner ({@code <owner>_producer_io}), and every other Java thread (with --embedded, mostly
     * the broker).
     */
    static Function<String, String> loadTestGroups(String applicationId) {
        return name -> {
            String owner = owner(name, applicationId);
            return name.startsWith(PRODUCER_IO) && !owner.equals(OTHER) ? owner + "_producer_io" : owner;
        };
    }

    private static String owner(String name, String applicationId) {
        if (name.contains(applicationId)) {
            return "app";
        }
        for (Map.Entry<String, List<String>> g : LOAD_TEST_THREADS.entrySet()) {
            if (g.getValue().stream().anyMatch(name::contains)) {
                return g.getKey();
            }
        }
        return OTHER;
    }

    private static final String OTHER = "other_threads";
    private static final String PRODUCER_IO = "kafka-producer-network-thread";

    static final String GENERATOR_CLIENT = "loadtest-generator";
    static final String READER_CLIENT = "loadtest-latency-reader";
    static final String COUNTER_CLIENT = "loadtest-counter";
    private static final Map<String, List<String>> LOAD_TEST_THREADS = Map.of(
            "load_generator", List.of(PacedProducer.THREAD, GENERATOR_CLIENT),
            "latency_reader", List.of(OutputMeter.THREAD, READER_CLIENT),
            "output_counter", List.of(COUNTER_CLIENT));

    private record Snapshot(long wallNanos, long processNanos, Map<Long, Long> threadNanos, Map<Long, String> names,
                            long machineNanos) {
    }
}
