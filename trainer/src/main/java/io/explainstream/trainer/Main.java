package io.explainstream.trainer;

import io.explainstream.bundle.InvalidBundleException;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.DataOptions;
import io.explainstream.trainer.gime.GimeFitter;
import io.explainstream.trainer.gime.SparseRegression;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Entry point of the trainer jar: the {@code fit} and {@code evaluate} commands. */
@Command(name = "explainstream", mixinStandardHelpOptions = true, version = "explainstream trainer " + Main.VERSION,
        description = "Offline trainer: fits GIME groupwise explanations and their regions, and evaluates them.",
        subcommands = {Main.Fit.class, Main.Evaluate.class})
public final class Main implements Runnable {
    public static final String VERSION = "0.1.0";
    static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof DataException || ex instanceof InvalidBundleException) {
                cmd.getErr().println("explainstream " + cmd.getCommandName() + ": " + ex.getMessage());
                return FAILED;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Fits GIME groups (regions and sparse explanations) of a black box on reference data and "
                    + "writes a model bundle (bundle.json, blackbox.onnx, report.html).")
    static final class Fit implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "CSV with a header, or TSV label<TAB>text")
        Path data;
        @Option(names = "--format", defaultValue = "auto", description = "auto | csv | text (auto: text for a .tsv/"
                + ".txt file without --target)")
        String format;
        @Option(names = "--delimiter", defaultValue = ",", description = "CSV delimiter (default ',')")
        String delimiter;
        @Option(names = "--target", description = "target column (tabular)")
        String target;
        @Option(names = "--drop", split = ",", description = "columns to ignore, comma-separated")
        List<String> drop = new ArrayList<>();
        @Option(names = "--min-count", defaultValue = "2", description = "text: least count of a vocabulary word")
        int minCount;
        @Option(names = "--max-vocab", defaultValue = "10000", description = "text: largest vocabulary")
        int maxVocab;
        @Option(names = "--black-box", required = true, description = "svr (regression) | logreg (classification) | mlp (either: one hidden layer of 64 ReLU units, "
                + "trained here) | FILE.onnx")
        String blackBox;
        @Option(names = "--black-box-output", description = "ONNX output to explain, by name or index (default: "
                + "the first)")
        String blackBoxOutput;
        @Option(names = "--class", description = "classification: the class whose probability is explained "
                + "(default: the last label, e.g. 1)")
        String explainedClass;
        @Option(names = "--k", defaultValue = "10", description = "number of groups K (default 10)")
        int k;
        @Option(names = "--seed", defaultValue = "2020", description = "seed of split, black box, neighbourhoods, fit")
        long seed;
        @Option(names = "--out", required = true, description = "bundle folder to write")
        Path out;
        @Option(names = "--neighbours", defaultValue = "10", description = "neighbours per instance (default 10)")
        int neighbours;
        @Option(names = "--sigma", defaultValue = "0.1", description = "tabular perturbation scale in z-space")
        double sigma;
        @Option(names = "--kernel-width", defaultValue = "0", description = "neighbour kernel width; 0 = unweighted")
        double kernelWidth;
        @Option(names = "--s", description = "features per explanation (default 5 tabular, 50 text)")
        Integer s;
        @Option(names = "--region-s", description = "features per region (default = --s)")
        Integer regionS;
        @Option(names = "--rounds", defaultValue = "14", description = "most alternation rounds")
        int rounds;
        @Option(names = "--patience", defaultValue = "3", description = "rounds without validation gain before "
                + "stopping")
        int patience;
        @Option(names = "--restarts", description = "k-means++ restarts (default 3 tabular, 2 text)")
        Integer restarts;
        @Option(names = "--psi-steps", defaultValue = "80", description = "Adam steps per Ψ-step")
        int psiSteps;
        @Option(names = "--unmasked-steps", defaultValue = "30", description = "of which before the top-s mask")
        int unmaskedSteps;
        @Option(names = "--lr", defaultValue = "0.05", description = "Adam learning rate of the Ψ-step")
        double lr;
        @Option(names = "--theta-step", defaultValue = "best", description = "best (tabular: best subset / "
                + "forward-swap; text: weighted LASSO path, then least squares shrunk toward the pooled fit) | ridge "
                + "(the authors': ridge top-s then least squares)")
        String thetaStep;
        @Option(names = "--l2e-share", defaultValue = "0.1", description = "share of events routed to L2E")
        double l2eShare;
        @Option(names = "--l2e-teacher", description = "lime | kernelshap | occlusion: distil this teacher into an "
                + "L2E explainer (ONNX, in the bundle); default: no L2E")
        String l2eTeacher;
        @Option(names = "--l2e-samples", defaultValue = "1000", description = "black-box queries per teacher "
                + "explanation (LIME and Kernel SHAP; default 1000)")
        int l2eSamples;
        @Option(names = "--l2e-max-train", defaultValue = "8000", description = "most training rows the teacher "
                + "explains for distillation (a seeded sample; default 8000)")
        int l2eMaxTrain;
        @Option(names = "--l2e-hidden", description = "L2E hidden size (default 32 tabular, 4 text)")
        Integer l2eHidden;
        @Option(names = "--l2e-epochs", defaultValue = "200", description = "most L2E training epochs (early "
                + "stopping on validation; default 200)")
        int l2eEpochs;
        @Option(names = "--model-id", description = "bundle modelId (default: the data file name)")
        String modelId;
        @Option(names = "--k-sweep", split = ",", description = "K values for the report's fidelity-vs-K plot "
                + "(default 1,2,4,6,8,10,12,16 tabular; 1,5,10,20 text); 0 = none")
        int[] kSweep;
        @Option(names = "--no-report", description = "skip report.html")
        boolean noReport;

        @Override
        public Integer call() {
            if (delimiter.length() != 1 && !delimiter.equals("\\t")) {
                throw new DataException("--delimiter must be one character, got '" + delimiter + "'");
            }
            char delim = delimiter.equals("\\t") ? '\t' : delimiter.charAt(0);
            DataOptions d = new DataOptions(data, format, delim, target, drop, minCount, maxVocab);
            boolean text = d.text();
            if (k < 1) {
                throw new DataException("--k must be at least 1");
            }
            GimeFitter.Params base = GimeFitter.Params.defaults(k, text, seed);
            int sv = s != null ? s : base.s();
            GimeFitter.Params p = new GimeFitter.Params(k, sv, regionS != null ? regionS : sv, rounds, patience,
                    psiSteps, unmaskedSteps, lr, 1.0, restarts != null ? restarts : base.restarts(),
                    thetaStep.equals("ridge") ? SparseRegression.Method.RIDGE : SparseRegression.Method.BEST, seed);
            int[] sweep = kSweep != null ? kSweep : (text ? new int[]{1, 5, 10, 20} : new int[]{1, 2, 4, 6, 8, 10, 12,
                    16});
            if (sweep.length == 1 && sweep[0] == 0) {
                sweep = null;
            }
            L2eFitting.Options l2e = null;
            if (l2eTeacher != null) {
                try {
                    l2e = new L2eFitting.Options(l2eTeacher, l2eSamples, l2eMaxTrain, Math.max(10, l2eMaxTrain / 4),
                            l2eHidden, l2eEpochs);
                } catch (IllegalArgumentException e) {
                    throw new DataException(e.getMessage());
                }
            }
            Fitting.run(new Fitting.Options(d, blackBox, blackBoxOutput, explainedClass, seed, out, neighbours, sigma,
                    kernelWidth, p, l2eShare, modelId, sweep, !noReport, l2e), System.out, System.err);
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Generalized fidelity of a bundle's GIME groups on the test split, side by side with the "
                    + "baselines (cte, etc, lime_sp, global) on the same black box, neighbourhoods and K.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--bundle", required = true, description = "bundle folder written by fit")
        Path bundle;
        @Option(names = "--json", description = "write the results as JSON to this file")
        Path json;
        @Option(names = "--draws", defaultValue = "5", description = "neighbourhood draws (default 5)")
        int draws;
        @Option(names = "--data", description = "the data file, when it moved since fit (checked by SHA-256)")
        Path data;
        @Option(names = "--l2e-instances", defaultValue = "500", description = "test rows of the L2E evaluation "
                + "(a seeded sample; default 500)")
        int l2eInstances;
        @Option(names = "--l2e-speed-instances", defaultValue = "20", description = "rows timed one at a time and "
                + "with LIME at 5000 samples (default 20)")
        int l2eSpeedInstances;
        @Option(names = "--no-l2e", description = "skip the L2E evaluation")
        boolean noL2e;

        @Override
        public Integer call() {
            if (l2eInstances < 5 || l2eSpeedInstances < 1) {
                throw new DataException("--l2e-instances must be at least 5 and --l2e-speed-instances at least 1");
            }
            Evaluation.run(bundle, json, draws, data, noL2e ? null
                    : new L2eEvaluation.Settings(null, 0, 5000, l2eInstances, l2eSpeedInstances, 3), System.out,
                    System.err);
            return 0;
        }
    }
}
