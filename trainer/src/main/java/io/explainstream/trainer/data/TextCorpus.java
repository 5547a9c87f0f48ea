package io.explainstream.trainer.data;

import io.explainstream.bundle.FeatureKind;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Text data as TSV lines {@code label<TAB>text} (an optional header {@code label<TAB>text}). Bag of words: the
 * tokenizer lower-cases and splits on anything that is not a letter, digit or apostrophe; the vocabulary is built
 * from the training documents only (min count, max size, most frequent first) and the features are word presence
 * (1 when the word occurs), stored sparse.
 */
public final class TextCorpus {
    public final String source;
    public final List<String[]> docs;
    public final int[] labels;
    public final List<String> classLabels;

    private TextCorpus(String source, List<String[]> docs, int[] labels, List<String> classLabels) {
        this.source = source;
        this.docs = docs;
        this.labels = labels;
        this.classLabels = classLabels;
    }

    public int size() {
        return docs.size();
    }

    public static String[] tokenize(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+"))
                .filter(t -> !t.isEmpty() && !t.equals("'")).toArray(String[]::new);
    }

    public static TextCorpus load(Path file) {
        String name = file.getFileName().toString();
        List<String> rawLabels = new ArrayList<>();
        List<String[]> docs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int ln = 0;
            while ((line = r.readLine()) != null) {
                ln++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new DataException(name + ": line " + ln + " has no TAB; text data is 'label<TAB>text'");
                }
                String label = line.substring(0, tab).trim();
                String text = line.substring(tab + 1);
                if (ln == 1 && label.equalsIgnoreCase("label")) {
                    continue;
                }
                if (label.isEmpty()) {
                    throw new DataException(name + ": line " + ln + ": the label field is empty");
                }
                rawLabels.add(label);
                docs.add(tokenize(text));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataException(name + ": not UTF-8 text: " + e.getMessage());
        } catch (IOException e) {
            throw new DataException(name + ": cannot read " + file + ": " + e.getMessage());
        }
        List<String> classes = new ArrayList<>(new TreeSet<>(rawLabels));
        if (classes.size() < 2) {
            throw new DataException(name + ": the label column has " + classes.size()
                    + " distinct value(s); a classifier needs at least 2");
        }
        if (docs.size() < 20) {
            throw new DataException(name + ": only " + docs.size() + " documents; at least 20 are needed");
        }
        int[] labels = new int[docs.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = classes.indexOf(rawLabels.get(i));
        }
        return new TextCorpus(name, docs, labels, List.copyOf(classes));
    }

    /** The vocabulary of the given documents: words seen at least minCount times, the maxSize most frequent. */
    public List<String> vocabulary(int[] trainDocs, int minCount, int maxSize) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i : trainDocs) {
            for (String t : docs.get(i)) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> e = new ArrayList<>(counts.entrySet());
        e.removeIf(x -> x.getValue() < minCount);
        e.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < Math.min(maxSize, e.size()); i++) {
            vocab.add(e.get(i).getKey());
        }
        if (vocab.isEmpty()) {
            throw new DataException(source + ": no word occurs at least " + minCount + " times in the training split");
        }
        return vocab;
    }

    /** Word-presence rows over the vocabulary. */
    public Dataset vectorize(List<String> vocab) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            index.put(vocab.get(i), i);
        }
        Rows.Builder b = new Rows.Builder(vocab.size());
        int[] cols = new int[vocab.size()];
        double[] ones = new double[vocab.size()];
        Arrays.fill(ones, 1.0);
        for (String[] doc : docs) {
            TreeSet<Integer> present = new TreeSet<>();
            for (String t : doc) {
                Integer j = index.get(t);
                if (j != null) {
                    present.add(j);
                }
            }
            int n = 0;
            for (int j : present) {
                cols[n++] = j;
            }
            b.add(cols, ones, n);
        }
        double[] y = new double[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        return new Dataset(source, FeatureKind.TEXT, List.copyOf(vocab), b.build(), y, classLabels, 0, List.of(),
                java.util.stream.IntStream.range(0, y.length).toArray());
    }
}
