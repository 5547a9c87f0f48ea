package io.explainstream.bundle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleIoTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWrote() {
        ModelBundle b = Bundles.valid();
        BundleIo.write(b, dir, null);
        ModelBundle r = BundleIo.read(dir).model();
        assertEquals(b.modelId(), r.modelId());
        assertEquals(b.features(), r.features());
        assertArrayEquals(b.scaler().scale(), r.scaler().scale());
        assertEquals(b.gime().tau(), r.gime().tau());
        assertArrayEquals(b.gime().groups().get(1).explanation().values(), r.gime().groups().get(1).explanation().values());
        assertEquals(b.routing(), r.routing());
        assertEquals(2020, ((Number) r.provenance().get("seed")).intValue());
    }

    @Test
    void shouldCopyTheL2eModelIntoTheBundle() throws IOException {
        Path onnx = Files.writeString(dir.resolve("model.onnx"), "not really onnx");
        ModelBundle b = Bundles.valid().withL2e(new L2eSpec("l2e.onnx", "l2e-1", "lime", "x", "y", "scores", null));
        LoadedBundle loaded = BundleIo.write(b, dir.resolve("out"), onnx);
        assertTrue(Files.isRegularFile(loaded.l2eModelFile().orElseThrow()));
        assertEquals("l2e-1", BundleIo.read(dir.resolve("out")).model().l2e().version());
    }

    @Test
    void shouldRefuseAMissingManifest() {
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleIo.read(dir));
        assertTrue(e.getMessage().contains("bundle.json not found"), e.getMessage());
    }

    @Test
    void shouldSayWhenTheBundleFolderDoesNotExist() {
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleIo.read(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope does not exist"), e.getMessage());
    }

    @Test
    void shouldRefuseMalformedJsonNamingTheLine() throws IOException {
        Files.writeString(dir.resolve("bundle.json"), "{\n  \"modelId\": \"m\",\n  \"version\": \n}");
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleIo.read(dir));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void shouldNameEveryProblemOfABadBundle() throws IOException {
        String json = BundleIo.toJson(Bundles.valid())
                .replace("\"tau\" : 2.0", "\"tau\" : -1.0")
                .replace("\"values\" : [ 0.3, -0.2 ]", "\"values\" : [ NaN, -0.2 ]")
                .replace("\"scale\" : [ 1.0, 2.0, 3.0 ]", "\"scale\" : [ 1.0, 0.0 ]")
                .replace("\"minPosterior\" : 0.6", "\"minPosterior\" : 1.6");
        Files.writeString(dir.resolve("bundle.json"), json);
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleIo.read(dir));
        List<String> p = e.problems();
        assertTrue(p.contains("gime.tau is -1.0, must be finite and > 0"), p.toString());
        assertTrue(p.contains("gime.groups[1].explanation.values[0] is NaN"), p.toString());
        assertTrue(p.contains("scaler.scale has 2 entries, expected 3"), p.toString());
        assertTrue(p.contains("scaler.scale[1] is 0.0, must be finite and > 0"), p.toString());
        assertTrue(p.contains("routing.minPosterior is 1.6, must be in [0, 1]"), p.toString());
        assertTrue(e.getMessage().startsWith("model bundle " + dir), e.getMessage());
    }

    @Test
    void shouldRefuseRegionsAndIndicesThatCannotBeServed() {
        ModelBundle b = Bundles.valid();
        GroupSpec g = b.gime().groups().get(0);
        GroupSpec bad = new GroupSpec(0, new SparseWeights(new int[]{1, 1, 3}, new double[]{0, 0, 0}),
                g.explanation(), g.intercept(), g.trainSize(), g.fidelityRmse());
        ModelBundle withBad = new ModelBundle(b.formatVersion(), b.modelId(), b.version(), b.task(), b.features(),
                b.scaler(), b.target(), new GimeSpec(2, List.of(bad, b.gime().groups().get(1))), b.routing(),
                new L2eSpec("../escape.onnx", "v", "t", "x", "y", "s", null), b.provenance());
        List<String> p = BundleValidator.problems(withBad, dir);
        assertTrue(p.contains("gime.groups[0].region.indices[1] is 1, not strictly increasing"), p.toString());
        assertTrue(p.contains("gime.groups[0].region.indices[2] is 3, outside [0, 3)"), p.toString());
        assertTrue(p.contains("gime.groups[0].region is the zero vector; a region needs a direction"), p.toString());
        assertTrue(p.contains("l2e.file '../escape.onnx' points outside the bundle folder"), p.toString());
    }

    @Test
    void shouldRefuseCenteringForText() {
        ModelBundle b = Bundles.valid();
        ModelBundle text = new ModelBundle(1, "m", "v", Task.CLASSIFICATION,
                new FeatureSpace(FeatureKind.TEXT, b.features().names()), b.scaler(), new TargetScale(0, 1, null),
                b.gime(), b.routing(), null, null);
        List<String> p = BundleValidator.problems(text, null);
        assertTrue(p.stream().anyMatch(s -> s.startsWith("scaler.center must be absent for TEXT")), p.toString());
        assertTrue(p.contains("target.classLabels must name at least 2 classes for a CLASSIFICATION bundle"), p.toString());
    }

    @Test
    void shouldReadTheOptionalL2eShareAndOldBundlesWithoutIt() throws IOException {
        ModelBundle b = Bundles.valid();
        assertEquals(null, b.routing().l2eShare());
        BundleIo.write(b.withRouting(new RoutingThresholds(0.6, 1.5, 0.125)), dir.resolve("new"), null);
        assertEquals(0.125, BundleIo.read(dir.resolve("new")).model().routing().l2eShare());
        String old = BundleIo.toJson(b).replaceAll(",\\s*\"l2eShare\"\\s*:\\s*null", "");
        assertTrue(!old.contains("l2eShare"), old);
        Files.createDirectories(dir.resolve("old"));
        Files.writeString(dir.resolve("old/bundle.json"), old);
        assertEquals(null, BundleIo.read(dir.resolve("old")).model().routing().l2eShare());
        List<String> p = BundleValidator.problems(b.withRouting(new RoutingThresholds(0.6, 1.5, 1.5)), null);
        assertTrue(p.contains("routing.l2eShare is 1.5, must be in [0, 1]"), p.toString());
    }

    @Test
    void shouldRoundTripThePresentLayoutAndReadOldL2eSpecsAsDense() throws IOException {
        Path onnx = Files.writeString(dir.resolve("model.onnx"), "not really onnx");
        L2eSpec present = new L2eSpec("l2e.onnx", "l2e-2", "lime", "features", "prediction", "scores", "labels",
                "indices");
        assertTrue(present.presentLayout());
        BundleIo.write(Bundles.valid().withL2e(present), dir.resolve("present"), onnx);
        assertTrue(Files.readString(dir.resolve("present/bundle.json")).contains("\"inputIndices\" : \"indices\""));
        assertEquals(present, BundleIo.read(dir.resolve("present")).model().l2e());

        L2eSpec dense = new L2eSpec("l2e.onnx", "l2e-1", "lime", "x", "y", "scores", null);
        assertEquals(null, dense.inputIndices());
        String old = BundleIo.toJson(Bundles.valid().withL2e(dense))
                .replaceAll(",\\s*\"inputIndices\"\\s*:\\s*null", "");
        assertTrue(!old.contains("inputIndices") && !old.contains("presentLayout"), old);
        Files.createDirectories(dir.resolve("old"));
        Files.writeString(dir.resolve("old/bundle.json"), old);
        Files.copy(onnx, dir.resolve("old/l2e.onnx"));
        L2eSpec read = BundleIo.read(dir.resolve("old")).model().l2e();
        assertEquals(dense, read);
        assertTrue(!read.presentLayout());
    }

    @Test
    void shouldRefuseABlankOrClashingIndicesInput() {
        List<String> blank = BundleValidator.problems(Bundles.valid().withL2e(
                new L2eSpec("l2e.onnx", "v", "t", "x", "y", "s", null, " ")), null);
        assertTrue(blank.contains("l2e.inputIndices is missing or empty"), blank.toString());
        List<String> clash = BundleValidator.problems(Bundles.valid().withL2e(
                new L2eSpec("l2e.onnx", "v", "t", "x", "y", "s", null, "x")), null);
        assertTrue(clash.contains("l2e.inputIndices 'x' names another input too"), clash.toString());
        assertEquals(List.of(), BundleValidator.problems(Bundles.valid().withL2e(
                new L2eSpec("l2e.onnx", "v", "t", "x", "y", "s", null, "i")), null));
    }
}
