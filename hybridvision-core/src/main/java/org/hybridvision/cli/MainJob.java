package org.hybridvision.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.data.IdxDataset;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.data.ImageFolderDataset;
import org.hybridvision.data.ImagePipeline;
import org.hybridvision.data.Images;
import org.hybridvision.data.Normalize;
import org.hybridvision.data.Sample;
import org.hybridvision.layers.Module;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.train.Batches;
import org.hybridvision.train.NativeThreads;
import org.hybridvision.train.Presets;
import org.hybridvision.train.RunCheckpoint;
import org.hybridvision.train.Train;
import org.hybridvision.train.TrainConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The main job ({@code ./hybridvision} with no arguments): installs Fashion-MNIST (Debian package
 * {@code dataset-fashion-mnist}, or the committed 5,000/1,000-image subset when the package cannot be installed), trains
 * the small Conformer preset ({@link Presets#FASHION_CONFORMER}) with a light recipe, evaluates on the test images,
 * classifies a few of them and leaves a run folder {@code runs/fashion-mnist-<time>/} with the checkpoint,
 * metrics.csv, plots and the confusion matrix.
 */
public final class MainJob {
    private MainJob() {}

    /** Epochs of the main job's training (fewer when the warm-up's pace says they would not fit in
     * {@link #BUDGET_MINUTES}). */
    public static final int EPOCHS = 8;
    /** The main job's wall-clock bound, build and data included. */
    public static final double BUDGET_MINUTES = 20;
    /** Time kept for what follows training: the example predictions and the summary. */
    private static final double TAIL_SECONDS = 10;
    /** Cost of evaluating one image relative to one image of a training step (measured: 0.87 vs 2.0 ms). */
    private static final double EVAL_COST = 0.45;
    private static final String SUBSET = "/org/hybridvision/train/fashion-mnist-subset/";
    /** Test images the main job leaves as PNG files in its run folder ({@link #saveTestImages}). */
    static final int SAVED_TEST_IMAGES = 100;

    /** Runs the main job; returns the exit status. */
    public static int run() {
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        int threads = NativeThreads.configure(0);
        out.println("hybridvision main job: train a small Conformer on Fashion-MNIST, on the CPU (" + threads
                + " threads, OpenMP wait policy " + NativeThreads.waitPolicy() + ")");
        Path dir = IdxDataset.DEFAULT_FASHION_MNIST_DIR;
        boolean subset = false;
        if (IdxDataset.findPair(dir, true) == null || IdxDataset.findPair(dir, false) == null) {
            if (!install(out)) {
                dir = extractSubset();
                subset = true;
                out.println("data: USING THE COMMITTED SUBSET (5,000 training / 1,000 test images) because the Debian "
                        + "package could not be installed; accuracy will be lower than with the full set.");
            }
        }
        if (!subset) {
            out.println("data: Fashion-MNIST from " + dir + " (Debian package dataset-fashion-mnist, 60,000 training / "
                    + "10,000 test images)");
        }
        ImageDataset train = IdxDataset.fashionMnist(dir, true);
        ImageDataset test = IdxDataset.fashionMnist(dir, false);
        TrainConfig cfg = Presets.fitReplicas(Presets.fashionRecipe(EPOCHS), threads);
        out.printf("recipe: %d epochs at 48x48 (28x28 resized, bicubic), batch 128 (%d data-parallel replica(s) of "
                + "%d), label smoothing 0.1, AdamW lr "
                + "1.5e-3 wd 0.05, half a warm-up epoch + cosine, grad clipping 1.0; no random augmentation (the "
                + "papers' ImageNet augmentations, shifts, flips and drop path only slow a run this short: "
                + "docs/training.md); fewer epochs if the warm-up's pace says %d would not fit in %.0f minutes%n", EPOCHS,
                cfg.replicas(), 128 / cfg.replicas(), EPOCHS, BUDGET_MINUTES);
        Path runDir = Path.of("runs", "fashion-mnist-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        // the time bound: timed at the end of the warm-up, the run keeps as many of its epochs as fit (EVAL_COST: an
        // evaluated image costs 0.45 of a training step's image, 0.87 against 2.0 ms measured on 2 cores)
        int testImages = test.size();
        int batch = cfg.batchSize();
        Train.EpochPlanner planner = (perStep, done, stepsPerEpoch, max) -> {
            double left = BUDGET_MINUTES * 60 - secondsSinceLaunch(t0) - TAIL_SECONDS;
            double evalSeconds = testImages * perStep / batch * EVAL_COST;
            double doneEpochs = (double) done / stepsPerEpoch;
            for (int e = max; e > 1; e--) {
                if ((e - doneEpochs) * stepsPerEpoch * perStep + e * evalSeconds <= left) {
                    return e;
                }
            }
            return 1;
        };
        Train.Result r = Train.run(new Train.Options(cfg, train, test, runDir, null, false, out, planner));
        if (r.last() != null) {
            out.printf(Locale.ROOT, "%nTEST ACCURACY: %.2f%% top-1 (%.2f%% top-5) on %,d test images, after %d epochs"
                            + "%s%n", 100 * r.last().top1(), 100 * r.last().top5(), r.last().images(), r.epochsDone(),
                    subset ? " (committed subset)" : "");
        }
        examples(runDir, test, cfg, out);
        Path images = saveTestImages(runDir, test, SAVED_TEST_IMAGES);
        double minutes = secondsSinceLaunch(t0) / 60;
        out.printf(Locale.ROOT, "main job done in %.1f min (training %.1f min, %.0f img/s). Run folder: %s%n"
                + "  checkpoint.safetensors (resumable), model.safetensors (weights), metrics.csv, loss.png, "
                + "accuracy.png, lr.png, confusion.csv, confusion.png, %s/ (the first %d test images as PNG, one "
                + "folder per class)%n", minutes, r.trainSeconds() / 60, r.imagesPerSecond(), runDir,
                images.getFileName(), Math.min(SAVED_TEST_IMAGES, test.size()));
        String weights = runDir.resolve(RunCheckpoint.WEIGHTS).toString();
        out.printf("next (README, 'After the main job'):%n"
                + "  ./hybridvision predict --model %s --weights %s -k 1 %s%n"
                + "  ./hybridvision eval --model %s --weights %s --data %s --out %s%n", Presets.FASHION_CONFORMER,
                weights, images, Presets.FASHION_CONFORMER, weights, images, runDir.resolve("eval-test-images"));
        return 0;
    }

    /**
     * @return seconds since the launcher started (it exports {@code HYBRIDVISION_LAUNCH_MS} before building), or since
     *     {@code t0} when run without the launcher
     */
    private static double secondsSinceLaunch(long t0) {
        String launch = System.getenv("HYBRIDVISION_LAUNCH_MS");
        if (launch != null) {
            try {
                long ms = Long.parseLong(launch.trim());
                long now = System.currentTimeMillis();
                if (ms > 0 && ms <= now) {
                    return (now - ms) / 1e3;
                }
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Tries to install the Debian package; prints what it does. */
    private static boolean install(PrintStream out) {
        out.println("data: " + IdxDataset.DEFAULT_FASHION_MNIST_DIR + " not found; installing the Debian package "
                + "dataset-fashion-mnist");
        List<String> prefix = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            prefix.add("sudo");
            prefix.add("-n");
        }
        if (exec(out, prefix, "apt-get", "install", "-y", "--no-install-recommends", "dataset-fashion-mnist")
                || (exec(out, prefix, "apt-get", "update") && exec(out, prefix, "apt-get", "install", "-y",
                "--no-install-recommends", "dataset-fashion-mnist"))) {
            return IdxDataset.findPair(IdxDataset.DEFAULT_FASHION_MNIST_DIR, true) != null;
        }
        return false;
    }

    private static boolean exec(PrintStream out, List<String> prefix, String... cmd) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(cmd));
        out.println("  $ " + String.join(" ", full));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            byte[] log = p.getInputStream().readAllBytes();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroy();
                return false;
            }
            String text = new String(log).strip();
            String[] lines = text.split("\n");
            if (lines.length > 0 && !text.isEmpty()) {
                out.println("    " + lines[lines.length - 1]);
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            out.println("    failed: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path extractSubset() {
        try {
            Path dir = Files.createTempDirectory("fashion-mnist-subset");
            for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
                try (InputStream in = MainJob.class.getResourceAsStream(SUBSET + f)) {
                    if (in == null) {
                        throw new HybridVisionException("the committed Fashion-MNIST subset is missing from the jar ("
                                + f + "); rebuild the project.");
                    }
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new HybridVisionException("cannot unpack the Fashion-MNIST subset: " + e.getMessage(), e);
        }
    }

    /**
     * Saves the first {@code n} test images as PNG files in {@code runDir/test-images/<class>/t10k-<index>.png}, with
     * a {@code classes.txt} giving the class order: an ImageFolder that {@code predict} and {@code eval} read, so a
     * new user can try both on the saved model and real test images.
     *
     * @return the folder
     */
    static Path saveTestImages(Path runDir, ImageDataset test, int n) {
        Path root = runDir.resolve("test-images");
        // folder names: the class names with anything but letters, digits, '.', '_', '-' replaced ("T-shirt_top")
        List<String> folders = test.classNames().stream().map(c -> c.replaceAll("[^A-Za-z0-9._-]+", "_")).toList();
        try {
            Files.createDirectories(root);
            Files.write(root.resolve(ImageFolderDataset.CLASSES_FILE), folders);
            for (int i = 0; i < Math.min(n, test.size()); i++) {
                Sample s = test.get(i);
                Path dir = Files.createDirectories(root.resolve(folders.get(s.label())));
                Images.write(s.image(), dir.resolve(String.format(Locale.ROOT, "t10k-%05d.png", i)));
            }
        } catch (IOException e) {
            throw new HybridVisionException("cannot save the test images in " + root + ": " + e.getMessage(), e);
        }
        return root;
    }

    /** Classifies the first eight test images with the saved weights and prints them. */
    static void examples(Path runDir, ImageDataset test, TrainConfig cfg, PrintStream out) {
        ModelSpec spec = Presets.spec(Presets.FASHION_CONFORMER);
        List<String> names = test.classNames();
        try (LoadedModel m = Presets.build(Presets.FASHION_CONFORMER, names.size(), 0f, spec.inputSize());
             NDManager scratch = m.manager().newSubManager()) {
            Checkpoints.loadWeights(m, runDir.resolve(RunCheckpoint.WEIGHTS), true);
            // the evaluation transform of the training run (resize, centre in the input, normalise)
            ImagePipeline tf = Batches.evalPipeline(cfg, new Normalize(spec.mean(), spec.std()), spec.cropPct());
            int n = Math.min(8, test.size());
            int size = spec.inputSize();
            float[] batch = new float[n * tf.outputLength()];
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Sample s = test.get(i);
                samples.add(s);
                tf.apply(s.image(), null, batch, i * tf.outputLength());
            }
            NDArray x = scratch.create(batch, new Shape(n, 3, size, size));
            float[] p = m.net().forwardHeads(Module.Ctx.eval(scratch), x).logits().softmax(1).toFloatArray();
            out.println("\nexample predictions (first test images, saved model):");
            int right = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < names.size(); c++) {
                    best = p[i * names.size() + c] > p[i * names.size() + best] ? c : best;
                }
                int truth = samples.get(i).label();
                right += best == truth ? 1 : 0;
                out.printf(Locale.ROOT, "  test #%d  true %-12s predicted %-12s (%.1f%%) %s%n", i, names.get(truth),
                        names.get(best), 100 * p[i * names.size() + best], best == truth ? "ok" : "WRONG");
            }
            out.printf("  %d of %d right%n", right, n);
        }
    }
}
