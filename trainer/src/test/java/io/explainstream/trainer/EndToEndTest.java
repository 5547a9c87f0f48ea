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
                null, false), new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
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
