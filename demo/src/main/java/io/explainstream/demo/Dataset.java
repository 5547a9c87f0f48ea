package io.explainstream.demo;

import java.util.List;
import java.util.Locale;

/** The demo's data sets: where their copy lives on the classpath and how to read it. */
public enum Dataset {
    WINE("wine", "wine_gime.csv", false, "quality", List.of("fixed acidity", "volatile acidity", "citric acid",
            "residual sugar", "chlorides", "free sulfur dioxide", "total sulfur dioxide", "density", "pH",
            "sulphates", "alcohol")),
    AUTOMPG("autompg", "autompgs_maple.csv", false, "mpg", List.of("cylinders", "displacement", "horsepower",
            "weight", "acceleration", "model year", "origin")),
    POLARITY("polarity", "polarity.tsv", true, "positive", List.of());

    private final String id;
    private final String dataFile;
    private final boolean text;
    private final String target;
    private final List<String> featureNames;

    Dataset(String id, String dataFile, boolean text, String target, List<String> featureNames) {
        this.id = id;
        this.dataFile = dataFile;
        this.text = text;
        this.target = target;
        this.featureNames = featureNames;
    }

    public String id() {
        return id;
    }

    /** The file name of the data copy, under {@code io/explainstream/demo/datasets/<id>/} on the classpath. */
    public String dataFile() {
        return dataFile;
    }

    public String resource() {
        return "datasets/" + id + "/" + dataFile;
    }

    public boolean text() {
        return text;
    }

    public String target() {
        return target;
    }

    /** Names of the tabular features, in column order (empty for text: the bundle's vocabulary names them). */
    public List<String> featureNames() {
        return featureNames;
    }

    public static Dataset parse(String s) {
        for (Dataset d : values()) {
            if (d.id.equals(s.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + s + "' (wine, autompg or polarity)");
    }

    @Override
    public String toString() {
        return id;
    }
}
