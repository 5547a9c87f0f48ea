package io.explainstream.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Reads and writes model bundles: a folder with {@code bundle.json} and, optionally, the L2E ONNX file it names.
 * The trainer writes bundles with {@link #write}; the stream reads them with {@link #read}, which refuses a bad
 * bundle with an {@link InvalidBundleException} naming every problem.
 */
public final class BundleIo {
    public static final String MANIFEST = "bundle.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private BundleIo() {
    }

    /** Reads and validates the bundle in {@code directory} (or the folder of a {@code bundle.json} path). */
    public static LoadedBundle read(Path location) {
        if (!Files.exists(location)) {
            throw new InvalidBundleException(location.toString(), List.of("the bundle folder " + location
                    + " does not exist"));
        }
        Path dir = Files.isDirectory(location) ? location : location.toAbsolutePath().getParent();
        Path manifest = dir.resolve(MANIFEST);
        String source = dir.toString();
        if (!Files.isRegularFile(manifest)) {
            throw new InvalidBundleException(source, List.of(MANIFEST + " not found in " + dir));
        }
        ModelBundle model;
        try (JsonParser parser = MAPPER.createParser(manifest.toFile())) {
            model = MAPPER.readValue(parser, ModelBundle.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidBundleException(source, List.of(MANIFEST + " is not a valid manifest" + where + ": "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidBundleException(source, List.of("cannot read " + manifest + ": " + e.getMessage()));
        }
        if (model == null) {
            throw new InvalidBundleException(source, List.of(MANIFEST + " is empty"));
        }
        BundleValidator.validate(model, dir, source);
        return new LoadedBundle(dir, model);
    }

    /** Parses a manifest from JSON text without validating it. */
    public static ModelBundle parse(String json) {
        try {
            return MAPPER.readValue(json, ModelBundle.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a bundle manifest: " + e.getOriginalMessage(), e);
        }
    }

    public static String toJson(ModelBundle model) {
        try {
            return MAPPER.writeValueAsString(model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize bundle manifest", e);
        }
    }

    /**
     * Validates {@code model} and writes it to {@code directory}, copying {@code l2eModel} (may be null) to the
     * file name the manifest's l2e section gives.
     */
    public static LoadedBundle write(ModelBundle model, Path directory, Path l2eModel) {
        try {
            Files.createDirectories(directory);
            if (model.l2e() != null && l2eModel != null) {
                Files.copy(l2eModel, directory.resolve(model.l2e().file()), StandardCopyOption.REPLACE_EXISTING);
            }
            BundleValidator.validate(model, directory, directory.toString());
            Path tmp = directory.resolve(MANIFEST + ".tmp");
            Files.writeString(tmp, toJson(model));
            Files.move(tmp, directory.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return new LoadedBundle(directory, model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model bundle to " + directory, e);
        }
    }
}
