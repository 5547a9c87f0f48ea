package io.explainstream.trainer;

import io.explainstream.trainer.data.CsvLoader;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Dataset;
import io.explainstream.trainer.data.Split;
import io.explainstream.trainer.data.TextCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoadingTest {
    @TempDir
    Path dir;

    private Path csv(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, body);
        return p;
    }

    private static String rows(int n, String template) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format(template, i, i * 2, i % 7)).append('\n');
        }
        return s.toString();
    }

    @Test
    void nonNumericColumnNamesFileLineAndColumn() throws Exception {
        Path p = csv("auto-mpg.csv", "mpg,cylinders,car_name\n18.0,8,chevrolet chevelle malibu\n" + rows(30,
                "%d,%d,x%d"));
        DataException e = assertThrows(DataException.class, () -> CsvLoader.load(p, ',', "mpg", List.of()));
        assertEquals("auto-mpg.csv: column 'car_name' is not numeric (line 2: 'chevrolet chevelle malibu'); "
                + "drop it with --drop car_name", e.getMessage());
        Dataset ok = CsvLoader.load(p, ',', "mpg", List.of("car_name"));
        assertEquals(List.of("cylinders"), ok.names());
    }

    @Test
    void missingValuesDropRowsAndMostlyMissingColumns() throws Exception {
        StringBuilder s = new StringBuilder("y,a,b,sparse\n");
        for (int i = 0; i < 40; i++) {
            String a = i == 3 ? "?" : i == 5 ? "NA" : i == 7 ? "" : String.valueOf(i);
            s.append(i).append(',').append(a).append(',').append(i * 3).append(',')
                    .append(i % 4 == 0 ? "1" : "?").append('\n');
        }
        Dataset d = CsvLoader.load(csv("m.csv", s.toString()), ',', "y", List.of());
        assertEquals(List.of("a", "b"), d.names());
        assertEquals(3, d.rowsDropped());
        assertEquals(37, d.size());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("'sparse'") && w.contains("dropped")));
    }

    @Test
    void structuralErrorsNameTheLine() throws Exception {
        Path p = csv("bad.csv", "y,a\n1,2\n3,4,5\n");
        DataException e = assertThrows(DataException.class, () -> CsvLoader.load(p, ',', "y", List.of()));
        assertEquals("bad.csv: line 3 has 3 fields, the header has 2", e.getMessage());
        Path q = csv("t.csv", "y,a\n" + rows(30, "%d,%d"));
        assertTrue(assertThrows(DataException.class, () -> CsvLoader.load(q, ',', "quality", List.of()))
                .getMessage().startsWith("t.csv: --target 'quality' is not a column"));
        Path semi = csv("semi.csv", "\"y\";\"a\"\n" + rows(30, "%d;%d"));
        assertTrue(assertThrows(DataException.class, () -> CsvLoader.load(semi, ',', "y", List.of()))
                .getMessage().contains("--target 'y' is not a column"));
        assertEquals(30, CsvLoader.load(semi, ';', "y", List.of()).size());
        Path text = csv("p.tsv", "label\ttext\n1\tgood film\n0 bad film\n");
        assertEquals("p.tsv: line 3 has no TAB; text data is 'label<TAB>text'",
                assertThrows(DataException.class, () -> TextCorpus.load(text)).getMessage());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        Split a = Split.of(1000, 2020);
        Split b = Split.of(1000, 2020);
        Split c = Split.of(1000, 2021);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.test(), b.test());
        assertFalse(Arrays.equals(a.train(), c.train()));
        assertEquals(700, a.train().length);
        assertEquals(150, a.validation().length);
        assertEquals(150, a.test().length);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][]{a.train(), a.validation(), a.test()}) {
            for (int i : part) {
                assertTrue(all.add(i));
            }
        }
        assertEquals(1000, all.size());
    }
}
