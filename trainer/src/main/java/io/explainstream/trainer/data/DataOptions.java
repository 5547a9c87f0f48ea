package io.explainstream.trainer.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How to read the data: recorded in the bundle's provenance so that evaluate reads it the same way. */
public record DataOptions(Path path, String format, char delimiter, String target, List<String> drop,
                          int minCount, int maxVocab) {

    public boolean text() {
        if (format.equals("text")) {
            return true;
        }
        if (format.equals("csv")) {
            return false;
        }
        String n = path.getFileName().toString().toLowerCase();
        return target == null && (n.endsWith(".tsv") || n.endsWith(".txt"));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path.toAbsolutePath().normalize().toString());
        m.put("format", text() ? "text" : "csv");
        m.put("delimiter", String.valueOf(delimiter));
        m.put("target", target);
        m.put("drop", drop);
        m.put("min_count", minCount);
        m.put("max_vocab", maxVocab);
        return m;
    }

    @SuppressWarnings("unchecked")
    public static DataOptions fromMap(Map<String, Object> m, Path overridePath) {
        Path p = overridePath != null ? overridePath : Path.of((String) m.get("path"));
        return new DataOptions(p, (String) m.get("format"), ((String) m.get("delimiter")).charAt(0),
                (String) m.get("target"), (List<String>) m.get("drop"), ((Number) m.get("min_count")).intValue(),
                ((Number) m.get("max_vocab")).intValue());
    }
}
