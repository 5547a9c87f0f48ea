package io.explainstream.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bag-of-words encoding over a bundle's vocabulary (its feature names, in order): the text is lower-cased and split
 * on whitespace (the demo's text is already tokenised); a feature's raw value is the word's count in the text.
 */
final class TextFeatures {
    private final Map<String, Integer> index = new HashMap<>();
    private final int size;

    TextFeatures(List<String> vocabulary) {
        for (int i = 0; i < vocabulary.size(); i++) {
            index.putIfAbsent(vocabulary.get(i), i);
        }
        this.size = vocabulary.size();
    }

    static String[] tokens(String text) {
        String t = text.toLowerCase(Locale.ROOT).trim();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    int size() {
        return size;
    }

    /** The sparse count vector of a text: strictly increasing indices and their counts. */
    Sparse encode(String text) {
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        for (String tok : tokens(text)) {
            Integer i = index.get(tok);
            if (i != null) {
                counts.merge(i, 1, Integer::sum);
            }
        }
        int[] idx = new int[counts.size()];
        float[] val = new float[counts.size()];
        int k = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            idx[k] = e.getKey();
            val[k++] = e.getValue();
        }
        return new Sparse(size, idx, val);
    }

    /** A sparse vector. */
    record Sparse(int size, int[] indices, float[] values) {
        float[] dense() {
            float[] d = new float[size];
            for (int k = 0; k < indices.length; k++) {
                d[indices[k]] = values[k];
            }
            return d;
        }
    }
}
