package io.explainstream.bundle;

import java.nio.file.Path;
import java.util.Optional;

/** A validated bundle and the folder it was read from (where its L2E ONNX file lives). */
public record LoadedBundle(Path directory, ModelBundle model) {
    public Optional<Path> l2eModelFile() {
        return model.l2e() == null ? Optional.empty() : Optional.of(directory.resolve(model.l2e().file()));
    }
}
