package io.explainstream.app.l2e;

/**
 * A loaded L2E neural explainer g(x, f(x)): one forward pass gives a score per feature (and, when the model has a
 * label head, one of the five {@link io.explainstream.explain.Label}s per feature) for a micro-batch of events.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #explain} explains the first {@code n} rows of {@code features} / {@code predictions}; each row has
 *       length {@link #dimension()} and holds the event's features after the bundle's scaler; {@code predictions[i]}
 *       is f(x_i) in z-units. The arrays may be longer than {@code n} (reused buffers); only the first n rows are read.
 *       The returned arrays are fresh and owned by the caller. {@code n == 0} returns an empty result.</li>
 *   <li>Failures while running a batch throw {@link L2eInferenceException}; the explainer stays usable.</li>
 *   <li>Implementations are safe to call from several threads (calls are serialised) but are meant to be used by one
 *       micro-batching stage.</li>
 *   <li>{@link #close()} releases the native session; it is idempotent and never throws a checked exception.
 *       {@link #explain} after close throws {@link IllegalStateException}.</li>
 * </ul>
 */
public interface L2eExplainer extends AutoCloseable {

    /** The execution provider the session really runs on (after any fallback). */
    ExecutionProvider provider();

    /** The model version from the bundle's L2E spec. */
    String version();

    /** The feature dimension d: the length of every feature row and of every score row. */
    int dimension();

    /**
     * Explains the first {@code n} rows.
     *
     * @param features    at least n rows of length {@link #dimension()}
     * @param predictions at least n values, f(x) in z-units
     * @param n           number of rows to explain, 0 ≤ n ≤ min(features.length, predictions.length)
     */
    L2eResult explain(float[][] features, float[] predictions, int n);

    @Override
    void close();
}
