package io.explainstream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.PredictionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every published version in src/main/avro-history/<Record>/vN.avsc must stay readable by the current contract. */
class SchemaCompatibilityTest {

    private static final Path HISTORY = Path.of("src/main/avro-history");
    private static final Map<String, Schema> CURRENT = Map.of(
            "PredictionEvent", PredictionEvent.getClassSchema(),
            "ExplainedEvent", ExplainedEvent.getClassSchema(),
            "ExplanationRequest", ExplanationRequest.getClassSchema(),
            "FidelityWindow", FidelityWindow.getClassSchema(),
            "DriftAlert", DriftAlert.getClassSchema());

    private static List<Path> versions(String record) throws IOException {
        try (Stream<Path> files = Files.list(HISTORY.resolve(record))) {
            return files.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""))))
                    .toList();
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(Files.readString(file));
    }

    @TestFactory
    List<DynamicTest> everyPublishedVersionIsReadableByTheCurrentSchema() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (var entry : CURRENT.entrySet()) {
            List<Path> versions = versions(entry.getKey());
            assertFalse(versions.isEmpty(), "no history for " + entry.getKey());
            for (Path version : versions) {
                tests.add(DynamicTest.dynamicTest(entry.getKey() + "/" + version.getFileName(), () -> {
                    var result = SchemaCompatibility.checkReaderWriterCompatibility(entry.getValue(), parse(version));
                    assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                            () -> version + " is not BACKWARD compatible: " + result.getResult().getIncompatibilities());
                }));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> newestPublishedVersionIsTheCurrentSchema() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (var entry : CURRENT.entrySet()) {
            List<Path> versions = versions(entry.getKey());
            Path newest = versions.get(versions.size() - 1);
            tests.add(DynamicTest.dynamicTest(entry.getKey(), () -> assertEquals(entry.getValue(), parse(newest),
                    entry.getKey() + " changed: add it as v" + (versions.size() + 1) + ".avsc in " + HISTORY)));
        }
        return tests;
    }

    @Test
    void negativeControlNewRequiredFieldIsCaught() {
        Schema current = PredictionEvent.getClassSchema();
        Schema next = TestEvents.withField(current, new Schema.Field("tenant", Schema.create(Schema.Type.STRING), null, null));
        var result = SchemaCompatibility.checkReaderWriterCompatibility(next, current);
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, result.getType());
        assertTrue(result.getResult().getIncompatibilities().toString().contains("tenant"));
    }

    @Test
    void negativeControlFieldTypeChangeIsCaught() {
        Schema current = PredictionEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(f.name().equals("modelVersion")
                    ? new Schema.Field(f.name(), Schema.create(Schema.Type.INT), f.doc(), (Object) null)
                    : new Schema.Field(f, f.schema()));
        }
        Schema next = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(next, current).getType());
    }

    @Test
    void addingAnOptionalFieldWithDefaultIsCompatible() {
        Schema current = PredictionEvent.getClassSchema();
        Schema next = TestEvents.withField(current, new Schema.Field("region",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null,
                Schema.Field.NULL_DEFAULT_VALUE));
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(next, current).getType());
    }
}
