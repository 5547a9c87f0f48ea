package io.explainstream.app.l2e;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.explain.LabelDecoder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The L2E explainer served by ONNX Runtime: one long-lived {@link OrtSession} on CUDA or CPU (see
 * {@link ProviderChoice}), inputs and outputs named by the bundle's {@link L2eSpec} and checked, in the spec's layout,
 * when the model is opened. Each {@link #explain} call is three timed steps: encode (copy the rows into reused direct
 * buffers and wrap them as tensors), infer ({@code session.run}) and decode (copy the scores out, argmax the label
 * logits).
 *
 * <p>Layouts (see {@link L2eSpec}): the dense layout sends the rows as they are, float[n, d], and reads [n, d]
 * outputs. The present layout scans each row for its non-zero values, sends their values and feature ids as [n, L]
 * tensors (L the most non-zeros of a row in the batch, at least 1; shorter rows padded with value 0 and id 0), and
 * scatters the [n, L] outputs back into the dense result: a zero feature has score 0 and label NEUTRAL, padding slots
 * are ignored. Its model work and tensors follow the non-zeros; only the scan and the dense result are O(d) per row.
 *
 * <p>Metrics: timers {@code explainstream.l2e.encode}, {@code explainstream.l2e.inference},
 * {@code explainstream.l2e.decode}; distribution summary {@code explainstream.l2e.batch.size}; gauge
 * {@code explainstream.l2e.provider} with tag {@code provider}=CPU|CUDA, valued 1.
 */
public final class OnnxL2eExplainer implements L2eExplainer {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxL2eExplainer.class);

    /** Number of label logits per feature: the {@link Label} values, in order. */
    public static final int LABEL_COUNT = Label.values().length;
    public static final String ENCODE_TIMER = "explainstream.l2e.encode";
    public static final String INFERENCE_TIMER = "explainstream.l2e.inference";
    public static final String DECODE_TIMER = "explainstream.l2e.decode";
    public static final String BATCH_SIZE = "explainstream.l2e.batch.size";
    public static final String PROVIDER_GAUGE = "explainstream.l2e.provider";
    /** CUDA device used when CUDA is selected (use CUDA_VISIBLE_DEVICES to pick another physical GPU). */
    static final int CUDA_DEVICE = 0;

    private static final Label[] LABELS = Label.values();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String fileName;
    private final L2eSpec spec;
    private final int dimension;
    private final ExecutionProvider provider;
    private final String providerReason;
    private final Set<String> requestedOutputs;
    private final boolean hasLabels;
    private final boolean present;
    private final Timer encodeTimer;
    private final Timer inferTimer;
    private final Timer decodeTimer;
    private final DistributionSummary batchSize;

    private FloatBuffer featureBuffer;
    private FloatBuffer predictionBuffer;
    private LongBuffer indexBuffer;
    /** Present layout: the non-zeros of the batch, row i's at [slotStart[i], slotStart[i + 1]). */
    private int[] slotStart = new int[0];
    private int[] slotFeature = new int[0];
    private float[] slotValue = new float[0];
    private boolean closed;

    private OnnxL2eExplainer(OrtEnvironment env, OrtSession session, String fileName, L2eSpec spec, int dimension,
                             ExecutionProvider provider, String providerReason, MeterRegistry meters) {
        this.env = env;
        this.session = session;
        this.fileName = fileName;
        this.spec = spec;
        this.dimension = dimension;
        this.provider = provider;
        this.providerReason = providerReason;
        this.hasLabels = spec.outputLabels() != null;
        this.present = spec.presentLayout();
        Set<String> outs = new LinkedHashSet<>();
        outs.add(spec.outputScores());
        if (hasLabels) {
            outs.add(spec.outputLabels());
        }
        this.requestedOutputs = Set.copyOf(outs);
        this.encodeTimer = Timer.builder(ENCODE_TIMER)
                .description("L2E: copying a micro-batch into input tensors").register(meters);
        this.inferTimer = Timer.builder(INFERENCE_TIMER)
                .description("L2E: ONNX Runtime session.run for a micro-batch").register(meters);
        this.decodeTimer = Timer.builder(DECODE_TIMER)
                .description("L2E: copying scores out and decoding labels").register(meters);
        this.batchSize = DistributionSummary.builder(BATCH_SIZE).baseUnit("rows")
                .description("L2E: rows per micro-batch").register(meters);
        Gauge.builder(PROVIDER_GAUGE, () -> 1).tag("provider", provider.name())
                .description("L2E: the execution provider the explainer runs on (1 for the one in use)")
                .register(meters);
    }

    /** Opens the model with one intra-op thread. See {@link #open(Path, L2eSpec, int, ProviderChoice, int, MeterRegistry)}. */
    public static OnnxL2eExplainer open(Path model, L2eSpec spec, int dimension, ProviderChoice choice,
                                        MeterRegistry meters) {
        return open(model, spec, dimension, choice, 1, meters);
    }

    /**
     * Opens the model, choosing the provider with {@link CudaSupport#system()}.
     *
     * @param model          the ONNX file
     * @param spec           the bundle's L2E spec (input/output names, version)
     * @param dimension      the bundle's feature dimension d
     * @param choice         AUTO, CPU, or CUDA (required)
     * @param intraOpThreads ONNX Runtime intra-op threads (≥ 1)
     * @param meters         where the metrics go; null for none
     * @throws L2eModelException                 the file is missing, not ONNX, or does not match the spec/dimension
     * @throws L2eProviderUnavailableException   choice is CUDA and CUDA cannot be used
     */
    public static OnnxL2eExplainer open(Path model, L2eSpec spec, int dimension, ProviderChoice choice,
                                        int intraOpThreads, MeterRegistry meters) {
        return open(model, spec, dimension, choice, intraOpThreads, meters, null);
    }

    /** As {@link #open(Path, L2eSpec, int, ProviderChoice, int, MeterRegistry)} with an injected CUDA detection (tests). */
    public static OnnxL2eExplainer open(Path model, L2eSpec spec, int dimension, ProviderChoice choice,
                                        int intraOpThreads, MeterRegistry meters, CudaSupport cudaSupport) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(choice, "choice");
        String file = model.getFileName() == null ? model.toString() : model.getFileName().toString();
        checkSpec(file, spec, dimension);
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
        }
        if (!Files.isRegularFile(model)) {
            throw new L2eModelException(file + ": model file not found: " + model.toAbsolutePath());
        }
        if (!Files.isReadable(model)) {
            throw new L2eModelException(file + ": model file is not readable: " + model.toAbsolutePath());
        }
        OrtEnvironment env = OrtEnvironmentHolder.get();
        String path = model.toAbsolutePath().toString();

        OrtSession session = null;
        ExecutionProvider provider = ExecutionProvider.CPU;
        String reason;
        if (choice == ProviderChoice.CPU) {
            reason = "CPU requested (provider choice CPU)";
        } else {
            CudaSupport cuda = cudaSupport != null ? cudaSupport : CudaSupport.system();
            CudaSupport.Detection detection = cuda.detect();
            if (!detection.available()) {
                if (choice == ProviderChoice.CUDA) {
                    throw new L2eProviderUnavailableException(file + ": provider CUDA is required but unavailable: "
                            + detection.reason());
                }
                reason = "CUDA unavailable: " + detection.reason() + "; using CPU";
            } else {
                try {
                    session = createSession(env, path, intraOpThreads, true);
                    provider = ExecutionProvider.CUDA;
                    reason = "CUDA available: " + detection.reason();
                } catch (OrtException | RuntimeException | LinkageError e) {
                    String why = describe(e);
                    if (choice == ProviderChoice.CUDA) {
                        // tell a broken model apart from a broken CUDA set-up
                        try (OrtSession probe = loadCpu(env, path, file, intraOpThreads)) {
                            LOG.debug("{}: the model loads on CPU ({}), so CUDA is at fault", file, probe);
                        } catch (OrtException closeFailure) {
                            LOG.debug("closing probe session failed", closeFailure);
                        }
                        throw new L2eProviderUnavailableException(file + ": provider CUDA is required but the CUDA "
                                + "provider failed to start: " + why, e);
                    }
                    reason = "CUDA detected (" + detection.reason() + ") but the CUDA provider failed to start: "
                            + why + "; using CPU";
                }
            }
        }
        if (session == null) {
            session = loadCpu(env, path, file, intraOpThreads);
        }
        try {
            validate(session, file, spec, dimension);
        } catch (RuntimeException e) {
            closeQuietly(session, file);
            throw e;
        } catch (OrtException e) {
            closeQuietly(session, file);
            throw new L2eModelException(file + ": could not read the model's inputs/outputs: " + e.getMessage(), e);
        }
        LOG.info("L2E explainer {} (version {}, teacher {}, d={}, {} layout, intra-op threads {}) runs on {}: {}",
                file, spec.version(), spec.teacher(), dimension, spec.presentLayout() ? "present" : "dense",
                intraOpThreads, provider, reason);
        return new OnnxL2eExplainer(env, session, file, spec, dimension, provider, reason,
                meters != null ? meters : new CompositeMeterRegistry());
    }

    private static OrtSession createSession(OrtEnvironment env, String path, int threads, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            if (cuda) {
                options.addCUDA(CUDA_DEVICE);
            }
            return env.createSession(path, options);
        }
    }

    private static OrtSession loadCpu(OrtEnvironment env, String path, String file, int threads) {
        try {
            return createSession(env, path, threads, false);
        } catch (OrtException e) {
            throw loadFailure(file, e);
        }
    }

    private static L2eModelException loadFailure(String file, OrtException e) {
        OrtException.OrtErrorCode code = e.getCode();
        String msg = e.getMessage();
        switch (code) {
            case ORT_NO_SUCHFILE:
                return new L2eModelException(file + ": model file not found by ONNX Runtime: " + msg, e);
            case ORT_NOT_IMPLEMENTED:
                return new L2eModelException(file + ": the model uses something this ONNX Runtime does not "
                        + "implement: " + msg, e);
            default:
                return new L2eModelException(file + " is not a valid ONNX model: " + msg, e);
        }
    }

    private static void checkSpec(String file, L2eSpec spec, int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
        }
        requireName(file, "inputFeatures", spec.inputFeatures());
        requireName(file, "inputPrediction", spec.inputPrediction());
        requireName(file, "outputScores", spec.outputScores());
        if (spec.outputLabels() != null) {
            requireName(file, "outputLabels", spec.outputLabels());
            if (spec.outputLabels().equals(spec.outputScores())) {
                throw new L2eModelException(file + ": the bundle's L2E spec names '" + spec.outputScores()
                        + "' as both the scores and the labels output");
            }
        }
        if (spec.inputFeatures().equals(spec.inputPrediction())) {
            throw new L2eModelException(file + ": the bundle's L2E spec names '" + spec.inputFeatures()
                    + "' as both the features and the prediction input");
        }
        if (spec.inputIndices() != null) {
            requireName(file, "inputIndices", spec.inputIndices());
            if (spec.inputIndices().equals(spec.inputFeatures())
                    || spec.inputIndices().equals(spec.inputPrediction())) {
                throw new L2eModelException(file + ": the bundle's L2E spec names '" + spec.inputIndices()
                        + "' as the indices input and as another input");
            }
        }
    }

    private static void requireName(String file, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new L2eModelException(file + ": the bundle's L2E spec has no " + field);
        }
    }

    /** Checks names, element types and shapes against the spec's layout; -1 (symbolic) dimensions match anything. */
    private static void validate(OrtSession session, String file, L2eSpec spec, int d) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (spec.presentLayout()) {
            validatePresent(file, spec, inputs, outputs);
        } else {
            validateDense(file, spec, inputs, outputs, d);
        }

        long[] y = floatTensorShape(file, "input", spec.inputPrediction(), inputs);
        if (y.length != 2 || (y[1] >= 0 && y[1] != 1)) {
            throw new L2eModelException(file + ": input '" + spec.inputPrediction() + "' has shape "
                    + Arrays.toString(y) + ", expected [N, 1]");
        }
        requireDynamicBatch(file, spec.inputPrediction(), y);

        for (String name : inputs.keySet()) {
            if (!name.equals(spec.inputFeatures()) && !name.equals(spec.inputPrediction())
                    && !name.equals(spec.inputIndices())) {
                throw new L2eModelException(file + ": the model has an input '" + name + "' that the L2E contract "
                        + "does not feed (only '" + spec.inputFeatures() + "'"
                        + (spec.presentLayout() ? ", '" + spec.inputIndices() + "'" : "") + " and '"
                        + spec.inputPrediction() + "')" + (spec.presentLayout() ? "" : "; a present-layout model "
                        + "needs the bundle's L2E spec to name its indices input (inputIndices)"));
            }
        }
    }

    private static void validateDense(String file, L2eSpec spec, Map<String, NodeInfo> inputs,
                                      Map<String, NodeInfo> outputs, int d) {
        long[] x = floatTensorShape(file, "input", spec.inputFeatures(), inputs);
        if (x.length != 2) {
            throw new L2eModelException(file + ": input '" + spec.inputFeatures() + "' has shape "
                    + Arrays.toString(x) + ", expected [N, " + d + "]");
        }
        requireDynamicBatch(file, spec.inputFeatures(), x);
        if (x[1] >= 0 && x[1] != d) {
            throw new L2eModelException(file + ": input '" + spec.inputFeatures() + "' has shape "
                    + Arrays.toString(x) + ", the bundle has " + d + " features");
        }

        long[] s = floatTensorShape(file, "output", spec.outputScores(), outputs);
        if (s.length != 2 || (s[1] >= 0 && s[1] != d)) {
            throw new L2eModelException(file + ": output '" + spec.outputScores() + "' has shape "
                    + Arrays.toString(s) + ", expected [N, " + d + "]");
        }
        if (spec.outputLabels() != null) {
            long[] l = floatTensorShape(file, "output", spec.outputLabels(), outputs);
            if (l.length != 3 || (l[1] >= 0 && l[1] != d) || (l[2] >= 0 && l[2] != LABEL_COUNT)) {
                throw new L2eModelException(file + ": output '" + spec.outputLabels() + "' has shape "
                        + Arrays.toString(l) + ", expected [N, " + d + ", " + LABEL_COUNT + "]");
            }
        }
    }

    /** Present layout: features float and indices int64 [N, L], scores [N, L], labels [N, L, 5]; N and L dynamic. */
    private static void validatePresent(String file, L2eSpec spec, Map<String, NodeInfo> inputs,
                                        Map<String, NodeInfo> outputs) {
        String layout = " (the bundle's L2E spec names inputIndices '" + spec.inputIndices()
                + "': present layout, N and L dynamic)";
        long[] x = floatTensorShape(file, "input", spec.inputFeatures(), inputs);
        requireSlots(file, "input", spec.inputFeatures(), x, 2, layout);
        requireDynamicBatch(file, spec.inputFeatures(), x);
        long[] i = tensorShape(file, "input", spec.inputIndices(), inputs, OnnxJavaType.INT64);
        requireSlots(file, "input", spec.inputIndices(), i, 2, layout);
        requireDynamicBatch(file, spec.inputIndices(), i);
        long[] s = floatTensorShape(file, "output", spec.outputScores(), outputs);
        requireSlots(file, "output", spec.outputScores(), s, 2, layout);
        if (spec.outputLabels() != null) {
            long[] l = floatTensorShape(file, "output", spec.outputLabels(), outputs);
            requireSlots(file, "output", spec.outputLabels(), l, 3, layout);
            if (l[2] >= 0 && l[2] != LABEL_COUNT) {
                throw new L2eModelException(file + ": output '" + spec.outputLabels() + "' has shape "
                        + Arrays.toString(l) + ", expected [N, L, " + LABEL_COUNT + "]" + layout);
            }
        }
    }

    /** A present-layout tensor of the given rank whose second dimension (L) is dynamic. */
    private static void requireSlots(String file, String kind, String name, long[] shape, int rank, String layout) {
        if (shape.length != rank || shape[1] >= 0) {
            throw new L2eModelException(file + ": " + kind + " '" + name + "' has shape " + Arrays.toString(shape)
                    + ", expected [N, L" + (rank == 3 ? ", " + LABEL_COUNT : "") + "]" + layout);
        }
    }

    private static long[] floatTensorShape(String file, String kind, String name, Map<String, NodeInfo> infos) {
        return tensorShape(file, kind, name, infos, OnnxJavaType.FLOAT);
    }

    private static long[] tensorShape(String file, String kind, String name, Map<String, NodeInfo> infos,
                                      OnnxJavaType type) {
        NodeInfo info = infos.get(name);
        if (info == null) {
            throw new L2eModelException(file + ": the model has no " + kind + " '" + name + "' (its " + kind + "s: "
                    + infos.keySet() + ")");
        }
        if (!(info.getInfo() instanceof TensorInfo tensor)) {
            throw new L2eModelException(file + ": " + kind + " '" + name + "' is not a tensor: " + info.getInfo());
        }
        if (tensor.type != type) {
            throw new L2eModelException(file + ": " + kind + " '" + name + "' has element type " + tensor.onnxType
                    + ", expected " + (type == OnnxJavaType.FLOAT ? "float32" : "int64"));
        }
        return tensor.getShape();
    }

    private static void requireDynamicBatch(String file, String name, long[] shape) {
        if (shape[0] >= 0) {
            throw new L2eModelException(file + ": input '" + name + "' has shape " + Arrays.toString(shape)
                    + ": its batch dimension is fixed at " + shape[0] + ", the explainer needs a dynamic batch "
                    + "dimension");
        }
    }

    @Override
    public ExecutionProvider provider() {
        return provider;
    }

    /** Why this provider runs, as logged at open. */
    public String providerReason() {
        return providerReason;
    }

    @Override
    public String version() {
        return spec.version();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** The spec this explainer was opened with. */
    public L2eSpec spec() {
        return spec;
    }

    /** Whether the model has a label output (otherwise results carry null labels). */
    public boolean hasLabels() {
        return hasLabels;
    }

    @Override
    public synchronized L2eResult explain(float[][] features, float[] predictions, int n) {
        if (closed) {
            throw new IllegalStateException("L2E explainer " + fileName + " is closed");
        }
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(predictions, "predictions");
        if (n < 0 || n > features.length || n > predictions.length) {
            throw new IllegalArgumentException("n=" + n + " rows requested, but features has " + features.length
                    + " rows and predictions " + predictions.length + " values");
        }
        if (n == 0) {
            return new L2eResult(new float[0][], hasLabels ? new Label[0][] : null, 0, 0, 0);
        }
        long t0 = System.nanoTime();
        int width = present ? encodePresent(features, n) : encodeDense(features, n);
        FloatBuffer yb = encodePredictions(predictions, n);
        try (OnnxTensor xt = OnnxTensor.createTensor(env, featureBuffer, new long[]{n, width});
             OnnxTensor it = present ? OnnxTensor.createTensor(env, indexBuffer, new long[]{n, width}) : null;
             OnnxTensor yt = OnnxTensor.createTensor(env, yb, new long[]{n, 1})) {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put(spec.inputFeatures(), xt);
            inputs.put(spec.inputPrediction(), yt);
            if (it != null) {
                inputs.put(spec.inputIndices(), it);
            }
            long t1 = System.nanoTime();
            try (OrtSession.Result result = session.run(inputs, requestedOutputs)) {
                long t2 = System.nanoTime();
                float[][] scores = decodeScores(result, n, width);
                Label[][] labels = hasLabels ? decodeLabels(result, n, width) : null;
                long t3 = System.nanoTime();
                encodeTimer.record(t1 - t0, TimeUnit.NANOSECONDS);
                inferTimer.record(t2 - t1, TimeUnit.NANOSECONDS);
                decodeTimer.record(t3 - t2, TimeUnit.NANOSECONDS);
                batchSize.record(n);
                return new L2eResult(scores, labels, t1 - t0, t2 - t1, t3 - t2);
            } catch (OrtException e) {
                throw new L2eInferenceException(fileName + ": session.run failed on " + provider + " for a batch of "
                        + n + " rows: " + e.getMessage(), e);
            }
        } catch (OrtException e) {
            throw new L2eInferenceException(fileName + ": creating the input tensors for a batch of " + n
                    + " rows failed: " + e.getMessage(), e);
        }
    }

    /** Dense layout: the rows into {@code featureBuffer} as [n, d]; returns d. */
    private int encodeDense(float[][] features, int n) {
        featureBuffer = ensureCapacity(featureBuffer, Math.multiplyExact(n, dimension));
        FloatBuffer b = featureBuffer;
        b.clear();
        for (int i = 0; i < n; i++) {
            b.put(row(features, i));
        }
        b.flip();
        return dimension;
    }

    /**
     * Present layout: collects each row's non-zeros (slot arrays), then writes their values and ids as [n, L] into
     * {@code featureBuffer} and {@code indexBuffer}, padding with value 0 and id 0; returns L (at least 1).
     */
    private int encodePresent(float[][] features, int n) {
        if (slotStart.length < n + 1) {
            slotStart = new int[Math.max(n + 1, 2 * slotStart.length)];
        }
        int total = 0;
        int l = 1;
        for (int i = 0; i < n; i++) {
            float[] row = row(features, i);
            if (slotFeature.length < total + dimension) {
                int capacity = Math.max(total + dimension, 2 * slotFeature.length);
                slotFeature = Arrays.copyOf(slotFeature, capacity);
                slotValue = Arrays.copyOf(slotValue, capacity);
            }
            slotStart[i] = total;
            for (int j = 0; j < dimension; j++) {
                float v = row[j];
                if (v != 0) {
                    slotFeature[total] = j;
                    slotValue[total++] = v;
                }
            }
            l = Math.max(l, total - slotStart[i]);
        }
        slotStart[n] = total;
        int cells = Math.multiplyExact(n, l);
        featureBuffer = ensureCapacity(featureBuffer, cells);
        indexBuffer = ensureLongCapacity(indexBuffer, cells);
        FloatBuffer x = featureBuffer;
        LongBuffer ids = indexBuffer;
        x.clear();
        ids.clear();
        for (int i = 0; i < n; i++) {
            int count = slotStart[i + 1] - slotStart[i];
            for (int k = slotStart[i]; k < slotStart[i + 1]; k++) {
                x.put(slotValue[k]);
                ids.put(slotFeature[k]);
            }
            for (int s = count; s < l; s++) {
                x.put(0f);
                ids.put(0L);
            }
        }
        x.flip();
        ids.flip();
        return l;
    }

    private float[] row(float[][] features, int i) {
        float[] row = features[i];
        if (row == null || row.length != dimension) {
            throw new IllegalArgumentException("row " + i + " has " + (row == null ? "no values" : row.length
                    + " features") + ", the L2E model " + fileName + " expects " + dimension);
        }
        return row;
    }

    private FloatBuffer encodePredictions(float[] predictions, int n) {
        predictionBuffer = ensureCapacity(predictionBuffer, n);
        FloatBuffer b = predictionBuffer;
        b.clear();
        b.put(predictions, 0, n);
        b.flip();
        return b;
    }

    private static FloatBuffer ensureCapacity(FloatBuffer buffer, int floats) {
        if (buffer != null && buffer.capacity() >= floats) {
            return buffer;
        }
        int capacity = Math.max(floats, buffer == null ? 0 : (int) Math.min(Integer.MAX_VALUE / 4,
                2L * buffer.capacity()));
        return ByteBuffer.allocateDirect(Math.multiplyExact(capacity, Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static LongBuffer ensureLongCapacity(LongBuffer buffer, int longs) {
        if (buffer != null && buffer.capacity() >= longs) {
            return buffer;
        }
        int capacity = Math.max(longs, buffer == null ? 0 : (int) Math.min(Integer.MAX_VALUE / 8,
                2L * buffer.capacity()));
        return ByteBuffer.allocateDirect(Math.multiplyExact(capacity, Long.BYTES))
                .order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    private OnnxTensor output(OrtSession.Result result, String name, long[] expectedShape) {
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty()) {
            throw new L2eInferenceException(fileName + ": session.run returned no output '" + name + "'");
        }
        if (!(value.get() instanceof OnnxTensor tensor)) {
            throw new L2eInferenceException(fileName + ": output '" + name + "' is not a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        if (!Arrays.equals(shape, expectedShape)) {
            throw new L2eInferenceException(fileName + ": output '" + name + "' has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return tensor;
    }

    /** The scores, [n, d]; in the present layout slot s of row i is scattered to its feature, the rest stay 0. */
    private float[][] decodeScores(OrtSession.Result result, int n, int width) {
        FloatBuffer fb = output(result, spec.outputScores(), new long[]{n, width}).getFloatBuffer();
        float[][] scores = new float[n][dimension];
        for (int i = 0; i < n; i++) {
            if (present) {
                float[] row = scores[i];
                int at = i * width - slotStart[i];
                for (int k = slotStart[i]; k < slotStart[i + 1]; k++) {
                    row[slotFeature[k]] = fb.get(at + k);
                }
            } else {
                fb.get(scores[i]);
            }
        }
        return scores;
    }

    /**
     * The labels, [n, d], decoded by {@link LabelDecoder} (argmax, keeping the labelling rule's HIGH labels); in the
     * present layout features without a slot are NEUTRAL.
     */
    private Label[][] decodeLabels(OrtSession.Result result, int n, int width) {
        FloatBuffer fb = output(result, spec.outputLabels(), new long[]{n, width, LABEL_COUNT}).getFloatBuffer();
        Label[][] labels = new Label[n][dimension];
        for (int i = 0; i < n; i++) {
            Label[] row = labels[i];
            if (present) {
                Arrays.fill(row, Label.NEUTRAL);
                int first = i * width;
                int count = slotStart[i + 1] - slotStart[i];
                Label[] slots = new Label[count];
                LabelDecoder.decode((f, c) -> fb.get((first + f) * LABEL_COUNT + c), count, slots);
                for (int f = 0; f < count; f++) {
                    row[slotFeature[slotStart[i] + f]] = slots[f];
                }
            } else {
                int base = i * width * LABEL_COUNT;
                LabelDecoder.decode((f, c) -> fb.get(base + f * LABEL_COUNT + c), dimension, row);
            }
        }
        return labels;
    }


    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        featureBuffer = null;
        predictionBuffer = null;
        indexBuffer = null;
        closeQuietly(session, fileName);
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private static void closeQuietly(OrtSession session, String file) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("{}: closing the ONNX Runtime session failed: {}", file, e.getMessage());
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    @Override
    public String toString() {
        return "OnnxL2eExplainer[" + fileName + ", version " + spec.version() + ", d=" + dimension + ", " + provider
                + (present ? ", present layout" : "") + (hasLabels ? ", labels" : "") + "]";
    }
}
