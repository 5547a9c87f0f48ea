package io.explainstream.app.fidelity;

import io.explainstream.app.config.FidelitySettings;
import io.explainstream.app.topology.ModelHolder;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.DriftMetric;
import io.explainstream.schema.FidelityWindow;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one task that reads the fidelity-partials topic (one partition): adds up the tasks' partial sums per group and
 * window, and publishes a window once every live task's stream time has passed its end plus grace (tasks silent for
 * ten flush intervals are forgotten). Sums that arrive after their window was closed (a task that started late)
 * are added to it and the window is published (again) with the corrected totals (the latest record per key and window
 * is the complete one); a window no other task had sums for is published then for the first time. A published window's sums are kept for ten windows of the merged stream time and at least
 * {@link #RETAIN_WALL} of wall clock since it was last published (an idle task's stream time runs ahead with the wall
 * clock, so stream time alone would forget a window a slow task still owes sums to); sums that arrive later still are
 * not published (a window with only part of its events would replace the complete one) but logged and counted in
 * {@code explainstream_fidelity_late_discarded_total}. Each published window is compared with the trainer's
 * fidelity in the bundle; {@code drift.windows} consecutive windows out of bounds raise a drift alarm (metric, log
 * line, alert record). Sums and alarm state are in changelogged stores.
 */
public final class FidelityMergeProcessor implements Processor<byte[], byte[], byte[], Object> {
    private static final Logger LOG = LoggerFactory.getLogger(FidelityMergeProcessor.class);

    private final FidelitySettings settings;
    private final ModelHolder models;
    private final String sumsStore;
    private final String driftStore;
    private final String fidelitySink;
    private final String alertsSink;
    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<String, Sums> sums;
    private KeyValueStore<String, String> drift;
    private final Map<String, Sums> open = new HashMap<>();
    /** Published windows kept for {@link #RETAINED_WINDOWS} windows, so late sums correct them (key "c:group:start"). */
    private final Map<String, Sums> published = new HashMap<>();
    private static final int RETAINED_WINDOWS = 10;
    /** The least wall-clock time a published window's sums are kept for late corrections. */
    public static final java.time.Duration RETAIN_WALL = java.time.Duration.ofMinutes(10);
    private final Map<String, Long> publishedAt = new HashMap<>();
    private final Map<String, long[]> tasks = new HashMap<>();
    private long closedThrough = Long.MIN_VALUE;
    /** The latest start of a published window forgotten since (after a restore: older than every restored one). */
    private long forgottenThrough = Long.MAX_VALUE;

    public FidelityMergeProcessor(FidelitySettings settings, ModelHolder models, String sumsStore, String driftStore,
                                  String fidelitySink, String alertsSink) {
        this.settings = settings;
        this.models = models;
        this.sumsStore = sumsStore;
        this.driftStore = driftStore;
        this.fidelitySink = fidelitySink;
        this.alertsSink = alertsSink;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.sums = context.getStateStore(sumsStore);
        this.drift = context.getStateStore(driftStore);
        try (KeyValueIterator<String, Sums> it = sums.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                (kv.key.startsWith("c:") ? published : open).put(kv.key, kv.value);
            }
        }
        long restored = context.currentSystemTimeMs();
        for (String key : published.keySet()) {
            publishedAt.put(key, restored);
            forgottenThrough = Math.min(forgottenThrough, start(key) - 1);
        }
        if (published.isEmpty()) {
            forgottenThrough = Long.MIN_VALUE;
        }
        context.schedule(settings.flush(), PunctuationType.WALL_CLOCK_TIME, now -> {
            long silent = Math.max(10 * settings.flush().toMillis(), 10_000);
            tasks.values().removeIf(t -> now - t[1] > silent);
            closeWindows(now);
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Partial p = Partial.decode(record.value());
        long now = context.currentSystemTimeMs();
        tasks.put(p.task(), new long[]{p.streamTime(), now});
        if (!p.isHeartbeat()) {
            long end = p.windowStart() + settings.window().toMillis();
            if (end + settings.grace().toMillis() <= closedThrough) {
                String closedKey = "c:" + p.group() + ":" + p.windowStart();
                Sums done = published.get(closedKey);
                if (done == null && p.windowStart() <= forgottenThrough) {
                    FidelityGauges.lateDiscarded().increment();
                    LOG.warn("fidelity sums of group {} for the window at {} from {} arrived after the window was "
                            + "forgotten ({} events not in its published totals)", p.group(), p.windowStart(), p.task(),
                            p.sums().count());
                    return;
                }
                boolean first = done == null;
                if (first) {
                    done = new Sums();
                    published.put(closedKey, done);
                }
                FidelityGauges.late().increment();
                done.add(p.sums());
                sums.put(closedKey, done);
                publishedAt.put(closedKey, now);
                LOG.info("late fidelity sums of group {} for the window at {} from {}: (re)publishing the window",
                        p.group(), p.windowStart(), p.task());
                publish(p.group(), p.windowStart(), done, first);
                return;
            }
            String key = p.group() + ":" + p.windowStart();
            Sums s = open.computeIfAbsent(key, k -> new Sums());
            s.add(p.sums());
            sums.put(key, s);
        } else {
            closeWindows(now);
        }
    }

    private void closeWindows(long now) {
        if (tasks.isEmpty()) {
            return;
        }
        long watermark = Long.MAX_VALUE;
        for (long[] t : tasks.values()) {
            watermark = Math.min(watermark, t[0]);
        }
        long w = settings.window().toMillis();
        long grace = settings.grace().toMillis();
        List<String> ready = new ArrayList<>();
        for (String key : open.keySet()) {
            if (start(key) + w + grace <= watermark) {
                ready.add(key);
            }
        }
        ready.sort(Comparator.comparingLong(FidelityMergeProcessor::start)
                .thenComparingInt(FidelityMergeProcessor::group));
        for (String key : ready) {
            Sums s = open.remove(key);
            sums.delete(key);
            publish(group(key), start(key), s, true);
            published.put("c:" + key, s);
            publishedAt.put("c:" + key, now);
            sums.put("c:" + key, s);
        }
        closedThrough = Math.max(closedThrough, watermark);
        long forget = closedThrough - RETAINED_WINDOWS * w - grace;
        long forgetWall = now - RETAIN_WALL.toMillis();
        published.keySet().removeIf(k -> {
            boolean old = start(k) < forget && publishedAt.getOrDefault(k, now) < forgetWall;
            if (old) {
                sums.delete(k);
                publishedAt.remove(k);
                forgottenThrough = Math.max(forgottenThrough, start(k));
            }
            return old;
        });
    }

    /** Publishes a window; {@code judge}: the first time (a correction by late sums is not judged again). */
    private void publish(int groupId, long start, Sums s, boolean judge) {
        ModelBundle b = models.current().bundle().model();
        GroupSpec spec = groupId < b.groupCount() ? b.gime().groups().get(groupId) : null;
        Double expectedRmse = spec == null ? null : spec.fidelityRmse();
        Double expectedShare = spec != null && spec.l2eShare() != null ? spec.l2eShare()
                : b.routing() == null ? null : b.routing().l2eShare();
        long end = start + settings.window().toMillis();
        FidelityWindow fw = new FidelityWindow(b.modelId(), b.version(), groupId, start, end, s.count(), s.rmse(),
                expectedRmse, s.labelAgreement(), s.coverage(), s.l2eShare(), expectedShare, s.meanPosterior());
        byte[] key = (b.modelId() + "/" + groupId).getBytes(StandardCharsets.UTF_8);
        context.forward(new Record<byte[], Object>(key, fw, start), fidelitySink);
        FidelityGauges.windows().increment();
        FidelityGauges.Group g = FidelityGauges.group(groupId);
        g.rmse = s.rmse();
        g.expectedRmse = expectedRmse == null ? Double.NaN : expectedRmse;
        g.events = s.count();
        g.coverage = s.coverage();
        g.l2eShare = s.l2eShare();
        g.expectedL2eShare = expectedShare == null ? Double.NaN : expectedShare;
        g.labelAgreement = s.labelAgreement() == null ? Double.NaN : s.labelAgreement();
        if (!judge || s.count() < settings.minCount()) {
            return;
        }
        FidelitySettings.DriftBounds bounds = settings.drift();
        if (expectedRmse != null) {
            double bound = bounds.rmseBound(expectedRmse);
            judge(key, fw, DriftMetric.RMSE, s.rmse(), expectedRmse, bound, s.rmse() > bound);
        }
        if (expectedShare != null) {
            double tol = bounds.l2eShareTolerance();
            double bound = s.l2eShare() >= expectedShare ? Math.min(1, expectedShare + tol)
                    : Math.max(0, expectedShare - tol);
            judge(key, fw, DriftMetric.L2E_SHARE, s.l2eShare(), expectedShare, bound,
                    Math.abs(s.l2eShare() - expectedShare) > tol);
        }
    }

    /** Streak state "streak,firstWindowStart,active", per bundle version, group and metric. */
    private void judge(byte[] key, FidelityWindow fw, DriftMetric metric, double observed, double expected,
                       double bound, boolean out) {
        String stateKey = fw.getBundleVersion() + "/" + fw.getGroupId() + "/" + metric;
        String[] st = drift.get(stateKey) == null ? new String[]{"0", "0", "0"} : drift.get(stateKey).split(",");
        int streak = Integer.parseInt(st[0]);
        long first = Long.parseLong(st[1]);
        boolean active = st[2].equals("1");
        FidelityGauges.Drift gauge = FidelityGauges.drift(fw.getGroupId(), metric.name());
        if (!out) {
            if (streak != 0 || active) {
                drift.delete(stateKey);
                if (active) {
                    LOG.info("fidelity drift of group {} ({}) is back within bounds: {} vs expected {}",
                            fw.getGroupId(), metric, fmt(observed), fmt(expected));
                }
            }
            gauge.active = 0;
            return;
        }
        streak++;
        if (streak == 1) {
            first = fw.getWindowStart();
        }
        if (streak >= settings.drift().windows() && !active) {
            active = true;
            String what = metric == DriftMetric.RMSE ? "surrogate RMSE" : "share routed to L2E";
            String message = String.format(Locale.ROOT, "fidelity drift: model %s group %d: %s is %s, the bundle "
                            + "(version %s) expects %s (%s%s; bound %s) for %d consecutive windows; the bundle likely "
                            + "needs refitting", fw.getModelId(), fw.getGroupId(), what, fmt(observed),
                    fw.getBundleVersion(), fmt(expected), observed - expected >= 0 ? "+" : "",
                    fmt(observed - expected), fmt(bound), streak);
            LOG.warn(message);
            gauge.alarms.increment();
            DriftAlert alert = new DriftAlert(fw.getModelId() + "/" + fw.getGroupId() + "/" + metric + "/"
                    + fw.getWindowEnd(), fw.getModelId(), fw.getBundleVersion(), fw.getGroupId(), metric, observed,
                    expected, observed - expected, bound, streak, first, fw.getWindowEnd(),
                    context.currentSystemTimeMs(), message);
            context.forward(new Record<byte[], Object>(key, alert, fw.getWindowStart()), alertsSink);
        }
        gauge.active = active ? 1 : 0;
        drift.put(stateKey, streak + "," + first + "," + (active ? "1" : "0"));
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    private static int group(String key) {
        return Integer.parseInt(key.substring(0, key.indexOf(':')));
    }

    private static long start(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf(':') + 1));
    }
}
