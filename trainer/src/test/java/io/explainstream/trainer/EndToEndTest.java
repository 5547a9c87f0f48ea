package io.explainstream.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndToEndTest {
    @TempDir
    Path dir;

    @Test
    void fitWritesAServableBundleAndEvaluateComparesWithTheBaselines() throws Exception {
        Path data = dir.resolve("wine.csv");
        Files.copy(EndToEndTest.class.getResourceAsStream("/wine/winequality-red-300.csv"), data);
        Path out = dir.resolve("bundle");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new ByteArrayOutputStream());
        int rc;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(stdout));
            System.setErr(err);
            rc = Main.execute("fit", "--data", data.toString(), "--delimiter", ";", "--target", "quality",
                    "--black-box", "svr", "--k", "3", "--seed", "2020", "--out", out.toString(),
                    "--k-sweep", "1,3", "--restarts", "1", "--rounds", "3");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertEquals(0, rc, stdout.toString());
        assertTrue(stdout.toString().contains("G1  size"), stdout.toString());
        assertTrue(Files.isRegularFile(out.resolve("blackbox.onnx")));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && !html.contains("<script"));

        LoadedBundle b = BundleIo.read(out);
        assertEquals(3, b.model().groupCount());
        assertTrue(b.model().provenance().containsKey("fit_seconds"));

        // the served GimeModel assigns exactly like the trainer's own model
        Fitting.Outcome again = Fitting.run(new Fitting.Options(
                new io.explainstream.trainer.data.DataOptions(data, "csv", ';', "quality", java.util.List.of(), 2,
                        10000), "svr", null, null, 2020, dir.resolve("b2"), 10, 0.1, 0,
                io.explainstream.trainer.gime.GimeFitter.Params.defaults(3, false, 2020).withRestarts(1), 0.1, null,
                null, false, null), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, again.parityMismatches());
        GimeModel served = GimeModel.of(again.bundle().model());
        Workspace ws = served.newWorkspace();
        Rows raw = again.experiment().prep.data.x().select(again.experiment().train);
        for (int i = 0; i < raw.n; i++) {
            Fitting.assign(served, raw, i, ws);
            assertEquals(again.trainAssign()[i], ws.group(), "train row " + i);
        }

        Path json = dir.resolve("eval.json");
        rc = Main.execute("evaluate", "--bundle", out.toString(), "--json", json.toString(), "--draws", "2");
        assertEquals(0, rc);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("wine", j.get("dataset").asText());
        assertEquals(3, j.get("k").asInt());
        assertEquals("svr", j.get("black_box").get("kind").asText());
        assertTrue(j.get("black_box").has("test_rmse"));
        for (String m : new String[]{"gime", "cte", "etc", "lime_sp", "global"}) {
            assertTrue(j.get("methods").get(m).get("rmse").asDouble() > 0, m);
            assertTrue(j.get("methods").get(m).has("rmse_std"), m);
        }
        assertTrue(j.has("fit_seconds"));
    }

    @Test
    void fitDistilsAnL2eExplainerThatEvaluateComparesWithItsTeacher() throws Exception {
        Path data = dir.resolve("wine.csv");
        Files.copy(EndToEndTest.class.getResourceAsStream("/wine/winequality-red-300.csv"), data);
        Path out = dir.resolve("l2e-bundle");
        Path json = dir.resolve("l2e.json");
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int fit;
        int eval;
        try {
            System.setOut(new PrintStream(stdout));
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            fit = Main.execute("fit", "--data", data.toString(), "--delimiter", ";", "--target", "quality",
                    "--black-box", "svr", "--k", "2", "--restarts", "1", "--rounds", "2", "--k-sweep", "0",
                    "--no-report", "--out", out.toString(), "--l2e-teacher", "occlusion", "--l2e-epochs", "20");
            eval = Main.execute("evaluate", "--bundle", out.toString(), "--json", json.toString(), "--draws", "1",
                    "--l2e-instances", "40", "--l2e-speed-instances", "3");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertEquals(0, fit, stdout.toString());
        assertEquals(0, eval, stdout.toString());
        LoadedBundle b = BundleIo.read(out);
        assertEquals("occlusion", b.model().l2e().teacher());
        assertTrue(Files.isRegularFile(b.l2eModelFile().orElseThrow()));
        assertTrue(b.model().l2e().version().startsWith("l2e-"));
        JsonNode l2e = new ObjectMapper().readTree(json.toFile()).get("l2e");
        for (String key : new String[]{"prediction_drop", "teacher_prediction_drop", "random_prediction_drop", "iou",
                "teacher_iou", "ms_per_explanation", "teacher_ms_per_explanation", "speedup"}) {
            assertTrue(l2e.has(key) && Double.isFinite(l2e.get(key).asDouble()), key + " in " + l2e);
        }
        assertTrue(!l2e.has("agreement"), "agreement is for classifiers");
        assertTrue(l2e.get("iou").asDouble() >= 0 && l2e.get("iou").asDouble() <= 1);
        assertTrue(l2e.get("label_agreement_with_teacher").asDouble() > 0.4,
                "the distilled labels follow the teacher's: " + l2e);
        assertTrue(l2e.get("speedup").asDouble() > 1, "L2E is faster than LIME with 5000 samples: " + l2e);
    }

    @Test
    void cliErrorsNameTheProblem() throws Exception {
        Path data = dir.resolve("auto-mpg.csv");
        Files.writeString(data, "mpg,cylinders,car_name\n18.0,8,chevrolet chevelle malibu\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(err));
            rc = Main.execute("fit", "--data", data.toString(), "--target", "mpg", "--black-box", "svr", "--out",
                    dir.resolve("o").toString());
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(1, rc);
        assertTrue(err.toString().contains("auto-mpg.csv: column 'car_name' is not numeric (line 2: "
                + "'chevrolet chevelle malibu'); drop it with --drop car_name"), err.toString());
    }
}
