package io.explainstream.demo;

import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.RoutingReason;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the demo has seen: counters, per-group live fidelity, recent explained events, end-to-end latencies and
 * one-second samples over time. Fed by the producer (events in) and the monitor (explained and dead-lettered
 * events, lag); read by the dashboard and the status line. Thread-safe (synchronized).
 */
final class DemoStats {
    static final int RECENT = 40;
    static final int FIDELITY_WINDOW = 200;
    static final int SERIES = 600;

    private final Map<Integer, FidelityWindow> latestWindows = new java.util.HashMap<>();
    private long fidelityWindowRecords;
    private final long startedAt = System.currentTimeMillis();
    private final Map<String, Object> bundleInfo;
    private final int groups;
    final AtomicLong eventsIn = new AtomicLong();
    final AtomicLong malformedIn = new AtomicLong();
    private long explained;
    private long explainedL2e;
    private Map<String, Object> lastL2e;
    private long routedL2e;
    private long dlq;
    private long lag = -1;
    private final Map<String, Long> dlqReasons = new TreeMap<>();
    private final long[] groupCount;
    private final Deque<Double>[] groupResiduals;
    private final Deque<Double> allResiduals = new ArrayDeque<>();
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();
    private final Deque<Map<String, Object>> recentDlq = new ArrayDeque<>();
    private final Deque<Map<String, Object>> series = new ArrayDeque<>();
    private final Deque<long[]> sampleWindow = new ArrayDeque<>();
    private long[] latencies = new long[1024];
    private int latencyCount;
    private long lastSampleCount;
    private long lastSampleL2e;
    private long lastSampleExplained;
    private final List<Consumer<String[]>> listeners = new CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    DemoStats(LoadedBundle bundle, String dataset, Map<String, Object> where) {
        ModelBundle m = bundle.model();
        this.groups = m.groupCount();
        this.groupCount = new long[groups];
        this.groupResiduals = new Deque[groups];
        for (int k = 0; k < groups; k++) {
            groupResiduals[k] = new ArrayDeque<>();
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("dataset", dataset);
        b.put("modelId", m.modelId());
        b.put("version", m.version());
        b.put("task", m.task().name());
        b.put("kind", m.features().kind().name());
        b.put("dimension", m.dimension());
        b.put("l2e", m.l2e() == null ? null : m.l2e().version());
        b.put("minPosterior", m.routing().minPosterior());
        b.put("maxResidual", m.routing().maxResidual());
        b.put("standIn", m.provenance() != null && Boolean.TRUE.equals(m.provenance().get("standIn")));
        b.put("where", where);
        List<Map<String, Object>> g = new ArrayList<>();
        long total = m.gime().groups().stream().mapToLong(GroupSpec::trainSize).sum();
        for (GroupSpec s : m.gime().groups()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", s.id());
            c.put("trainSize", s.trainSize());
            c.put("trainShare", total == 0 ? 0 : (double) s.trainSize() / total);
            c.put("fitRmse", s.fidelityRmse());
            c.put("intercept", s.intercept());
            c.put("region", top(s.region(), m.features().names(), 6));
            c.put("explanation", top(s.explanation(), m.features().names(), 8));
            g.add(c);
        }
        b.put("groups", g);
        this.bundleInfo = b;
    }

    private static List<Map<String, Object>> top(SparseWeights w, List<String> names, int n) {
        Integer[] order = new Integer[w.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -Math.abs(w.values()[i])));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int u = 0; u < Math.min(n, order.length); u++) {
            int i = order[u];
            out.add(Map.of("name", names.get(w.indices()[i]), "value", w.values()[i]));
        }
        return out;
    }

    /** Registers a listener for dashboard messages: {type, json}. */
    void listen(Consumer<String[]> l) {
        listeners.add(l);
    }

    void unlisten(Consumer<String[]> l) {
        listeners.remove(l);
    }

    void explained(ExplainedEvent e, long latencyMs) {
        Map<String, Object> view = view(e, latencyMs);
        synchronized (this) {
            explained++;
            if (e.getExplanation().getSource() == ExplanationSource.L2E) {
                explainedL2e++;
                lastL2e = view;
            }
            if (e.getRouting() != RoutingReason.NONE) {
                routedL2e++;
            }
            int k = e.getGroupId();
            if (k >= 0 && k < groups) {
                groupCount[k]++;
                push(groupResiduals[k], e.getResidual(), FIDELITY_WINDOW);
            }
            push(allResiduals, e.getResidual(), FIDELITY_WINDOW);
            if (!"warm-up".equals(view.get("phase"))) {
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = latencyMs;
            }
            recent.addFirst(view);
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
        broadcast("explained", view);
    }

    void deadLettered(String key, String reason, String message) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", key);
        view.put("reason", reason);
        view.put("message", message);
        view.put("receivedAt", System.currentTimeMillis());
        synchronized (this) {
            dlq++;
            dlqReasons.merge(reason, 1L, Long::sum);
            recentDlq.addFirst(view);
            while (recentDlq.size() > 10) {
                recentDlq.removeLast();
            }
        }
        broadcast("dlq", view);
    }

    /** The last event explained by L2E (its dashboard view), or null. */
    synchronized Map<String, Object> lastL2eExplained() {
        return lastL2e;
    }

    synchronized void lag(long value) {
        this.lag = value;
    }

    /** Takes a one-second sample for the charts and sends it to the dashboards. */
    void sample() {
        Map<String, Object> point;
        synchronized (this) {
            long now = System.currentTimeMillis();
            long done = explained + dlq;
            long l2eDelta = explainedL2e - lastSampleL2e;
            long explainedDelta = explained - lastSampleExplained;
            sampleWindow.addLast(new long[]{explainedDelta, l2eDelta});
            while (sampleWindow.size() > 10) {
                sampleWindow.removeFirst();
            }
            long we = 0;
            long wl = 0;
            for (long[] s : sampleWindow) {
                we += s[0];
                wl += s[1];
            }
            point = new LinkedHashMap<>();
            point.put("t", now);
            point.put("throughput", done - lastSampleCount);
            point.put("l2eShare", we == 0 ? null : (double) wl / we);
            point.put("dlq", dlq);
            point.put("lag", lag < 0 ? null : lag);
            point.put("fidelity", rmse(allResiduals));
            lastSampleCount = done;
            lastSampleL2e = explainedL2e;
            lastSampleExplained = explained;
            series.addLast(point);
            while (series.size() > SERIES) {
                series.removeFirst();
            }
        }
        broadcast("stats", counters());
    }

    /** The counters and per-group live numbers (the dashboard's "stats" message). */
    synchronized Map<String, Object> counters() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("uptimeMs", System.currentTimeMillis() - startedAt);
        c.put("eventsIn", eventsIn.get());
        c.put("malformedIn", malformedIn.get());
        c.put("explained", explained);
        c.put("explainedL2e", explainedL2e);
        c.put("routedL2e", routedL2e);
        c.put("dlq", dlq);
        c.put("dlqReasons", new TreeMap<>(dlqReasons));
        c.put("lag", lag < 0 ? null : lag);
        c.put("fidelity", rmse(allResiduals));
        c.put("latencyMsP50", percentile(0.50));
        c.put("latencyMsP99", percentile(0.99));
        List<Map<String, Object>> g = new ArrayList<>();
        for (int k = 0; k < groups; k++) {
            Map<String, Object> gk = new LinkedHashMap<>();
            gk.put("id", k);
            gk.put("count", groupCount[k]);
            gk.put("share", explained == 0 ? 0 : (double) groupCount[k] / explained);
            gk.put("fidelity", rmse(groupResiduals[k]));
            FidelityWindow w = latestWindows.get(k);
            if (w != null) {
                Map<String, Object> wm = new LinkedHashMap<>();
                wm.put("rmse", w.getRmse());
                wm.put("count", w.getCount());
                wm.put("coverage", w.getCoverage());
                wm.put("start", w.getWindowStart());
                wm.put("end", w.getWindowEnd());
                gk.put("window", wm);
            }
            g.add(gk);
        }
        c.put("groups", g);
        c.put("fidelityWindows", fidelityWindowRecords);
        c.put("lastSample", series.peekLast());
        return c;
    }

    /**
     * A fidelity window published by the app on the fidelity topic; the latest per group is kept (a window
     * republished with corrected totals replaces the earlier record for the same start).
     */
    synchronized void fidelityWindow(FidelityWindow w) {
        int k = w.getGroupId();
        if (k < 0 || k >= groups) {
            return;
        }
        FidelityWindow current = latestWindows.get(k);
        if (current == null || w.getWindowStart() >= current.getWindowStart()) {
            latestWindows.put(k, w);
        }
        fidelityWindowRecords++;
    }

    /** How many fidelity window records the app has published so far. */
    synchronized long fidelityWindows() {
        return fidelityWindowRecords;
    }

    /** Everything the dashboard needs to draw itself from scratch. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("bundle", bundleInfo);
        s.put("stats", counters());
        s.put("recent", new ArrayList<>(recent));
        s.put("recentDlq", new ArrayList<>(recentDlq));
        s.put("series", new ArrayList<>(series));
        return s;
    }

    synchronized long explainedCount() {
        return explained;
    }

    synchronized long dlqCount() {
        return dlq;
    }

    synchronized long l2eCount() {
        return explainedL2e;
    }

    synchronized long routedCount() {
        return routedL2e;
    }

    synchronized long lagValue() {
        return lag;
    }

    synchronized Double fidelity() {
        return rmse(allResiduals);
    }

    /** The p-th latency percentile in ms (nearest rank), or null before any event. */
    synchronized Long percentile(double p) {
        if (latencyCount == 0) {
            return null;
        }
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static Double rmse(Deque<Double> d) {
        if (d.isEmpty()) {
            return null;
        }
        double s = 0;
        for (double r : d) {
            s += r * r;
        }
        return Math.sqrt(s / d.size());
    }

    private static void push(Deque<Double> d, double v, int max) {
        d.addLast(v);
        while (d.size() > max) {
            d.removeFirst();
        }
    }

    private void broadcast(String type, Map<String, Object> payload) {
        if (listeners.isEmpty()) {
            return;
        }
        String json = Json.write(payload);
        for (Consumer<String[]> l : listeners) {
            l.accept(new String[]{type, json});
        }
    }

    private static Map<String, Object> view(ExplainedEvent e, long latencyMs) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.getEventId());
        v.put("eventTime", Times.eventTime(e));
        v.put("latencyMs", latencyMs);
        v.put("score", e.getPrediction().getScore());
        v.put("label", e.getPrediction().getLabel());
        v.put("group", e.getGroupId());
        v.put("posterior", e.getPosterior());
        v.put("runnerUp", e.getRunnerUpGroupId());
        v.put("runnerUpPosterior", e.getRunnerUpPosterior());
        v.put("source", e.getExplanation().getSource().name());
        v.put("routing", e.getRouting().name());
        v.put("residual", e.getResidual());
        v.put("surrogate", e.getSurrogateValue());
        v.put("explainer", e.getExplainerVersion());
        List<Map<String, Object>> f = new ArrayList<>();
        for (FeatureAttribution a : e.getExplanation().getFeatures()) {
            Map<String, Object> fa = new LinkedHashMap<>();
            fa.put("name", a.getName());
            fa.put("value", a.getValue());
            fa.put("contribution", a.getContribution());
            fa.put("label", a.getLabel().name());
            f.add(fa);
        }
        v.put("features", f);
        Map<String, String> attrs = new LinkedHashMap<>();
        e.getAttributes().forEach((k, val) -> attrs.put(k.toString(), val.toString()));
        v.put("text", attrs.get("text"));
        v.put("actual", attrs.get("actual"));
        v.put("row", attrs.get("row"));
        v.put("phase", attrs.get("phase"));
        return v;
    }
}
