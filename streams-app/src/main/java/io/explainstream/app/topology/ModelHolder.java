package io.explainstream.app.topology;

import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bundle being served, swappable at run time. Every processor reads {@link #current()} (one volatile read) per
 * record, so a swap takes effect between two records of every task: no record is lost, repeated or explained by a
 * mix of two bundles. {@link #swap} checks only what the running topology cannot follow (another model, or a bundle
 * that adds or removes the L2E explainer, which changes the topology's shape); the caller validates the bundle itself
 * (reading it with {@code BundleIo.read}) and the L2E session before swapping.
 */
public final class ModelHolder {
    /** One servable bundle with its compiled GIME model and effective routing thresholds. */
    public record Serving(LoadedBundle bundle, GimeModel model, Router router, long generation) {
        public String version() {
            return bundle.model().version();
        }
    }

    private final Function<LoadedBundle, Router> routerOf;
    private final List<Consumer<Serving>> listeners = new ArrayList<>();
    private volatile Serving current;

    public ModelHolder(LoadedBundle initial, Function<LoadedBundle, Router> routerOf) {
        this.routerOf = Objects.requireNonNull(routerOf);
        this.current = new Serving(initial, GimeModel.of(initial.model()), routerOf.apply(initial), 0);
    }

    /** A holder whose bundles all route with {@code router}. */
    public static ModelHolder fixed(LoadedBundle bundle, Router router) {
        return new ModelHolder(bundle, b -> router);
    }

    public Serving current() {
        return current;
    }

    /** Called (on the swapping thread) after every swap. */
    public synchronized void onSwap(Consumer<Serving> listener) {
        listeners.add(listener);
    }

    /** Why {@code next} cannot replace the current bundle in this topology, or null when it can. */
    public String incompatibility(LoadedBundle next) {
        LoadedBundle now = current.bundle();
        if (!now.model().modelId().equals(next.model().modelId())) {
            return "it explains model '" + next.model().modelId() + "', not '" + now.model().modelId() + "'";
        }
        if ((now.model().l2e() == null) != (next.model().l2e() == null)) {
            return next.model().l2e() == null ? "it has no L2E explainer while the running topology has an L2E stage"
                    + " (restart to serve it)" : "it adds an L2E explainer, which needs a restart to be served";
        }
        return null;
    }

    /** Serves {@code next} from the next record on; throws IllegalArgumentException when it is incompatible. */
    public Serving swap(LoadedBundle next) {
        Serving s;
        synchronized (this) {
            String why = incompatibility(next);
            if (why != null) {
                throw new IllegalArgumentException("bundle " + next.directory() + " (version "
                        + next.model().version() + ") cannot replace version " + current.version() + ": " + why);
            }
            s = new Serving(next, GimeModel.of(next.model()), routerOf.apply(next), current.generation() + 1);
            current = s;
        }
        List<Consumer<Serving>> ls;
        synchronized (this) {
            ls = List.copyOf(listeners);
        }
        ls.forEach(l -> l.accept(s));
        return s;
    }
}
