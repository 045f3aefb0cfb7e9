package org.hybridvision.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.hybridvision.HybridVisionException;
import org.hybridvision.data.Npy;
import org.hybridvision.data.NpyArray;
import org.hybridvision.data.Npz;
import org.hybridvision.inference.BatchPredictor;
import org.hybridvision.inference.Classifier;
import org.hybridvision.inference.ImageSource;
import org.hybridvision.inference.ImageStream;
import org.hybridvision.inference.Prediction;
import org.hybridvision.progress.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision predict}: top-k classes of images (files or folders, streamed in batches with a decode pool),
 * or logits of pre-normalised {@code .npy} tensors ({@code --save-logits OUT.npz}, the interop path with Python).
 *
 * <p>Exit status: 0 when every input was classified, 1 when some were skipped (each named on stderr), 2 for bad
 * input (unknown model, wrong tensor size, ...).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify images (JPEG, PNG, BMP, GIF; files or folders) with a model and print the top-k "
                + "classes, or run pre-normalised .npy tensors and save every head's logits.",
            "Exit status: 0 all classified, 1 some inputs skipped (named on stderr), 2 bad input."})
final class PredictCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json, csv }

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name (see 'models').")
    String model;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights: official .pth or .safetensors trained here. Default: none, random weights "
                    + "(announced on stderr).")
    Path weights;

    @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_FOLDER",
            description = "Image files, folders (searched recursively), or float32 NCHW .npy tensors.")
    List<Path> inputs;

    @Option(names = {"-k", "--top"}, defaultValue = "5", description = "Classes per image, most probable first. Default ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--format", defaultValue = "table",
            description = "Output: ${COMPLETION-CANDIDATES} (json: one object per line). Default ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--save-logits", paramLabel = "OUT.npz",
            description = "With one .npy input: write the logits of every head (conv, trans, sum for Conformer; "
                    + "logits for CMT) as float32 [N, classes] arrays. Default: none (print the top-k classes).")
    Path saveLogits;

    @Mixin
    BatchOptions run = new BatchOptions();

    @Override
    public Integer call() {
        if (top < 1) {
            throw new HybridVisionException("--top must be at least 1, got " + top);
        }
        if (run.batch < 1) {
            throw new HybridVisionException("--batch must be at least 1, got " + run.batch);
        }
        boolean npy = inputs.stream().anyMatch(PredictCommand::isNpy);
        if (npy && !inputs.stream().allMatch(PredictCommand::isNpy)) {
            throw new HybridVisionException("give either images/folders or .npy tensors, not both.");
        }
        if (saveLogits != null && (!npy || inputs.size() != 1)) {
            throw new HybridVisionException("--save-logits needs exactly one .npy input (a float32 [N, 3, H, W] "
                    + "tensor, already normalised).");
        }
        CliSupport.applyThreads(run.threads);
        CliSupport.warnRandomWeights(weights);
        try (Classifier classifier = Classifier.open(model, weights)) {
            return npy ? tensors(classifier) : images(classifier);
        }
    }

    private static boolean isNpy(Path p) {
        return p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    private int images(Classifier classifier) {
        List<Path> files = ImageSource.listFiles(inputs);
        if (files.isEmpty()) {
            throw new HybridVisionException("no files found in " + inputs + ".");
        }
        int threadsForDecode = run.decodeThreads < 0 ? CliSupport.defaultDecodeThreads() : run.decodeThreads;
        BatchPredictor predictor = new BatchPredictor(classifier,
                new BatchPredictor.Options(run.batch, threadsForDecode, 2 * run.batch, top));
        Printer printer = new Printer(System.out, format, files);
        BatchPredictor.Summary s;
        // results and notes go above the progress (never on its line): see Progress
        try (Progress progress = CliSupport.progress("predict", files.size(),
                !run.noProgress && files.size() > run.batch)) {
            s = predictor.predictFiles(files, p -> {
                progress.printAbove(() -> printer.print(p));
                progress.step();
            }, f -> {
                progress.printAbove(() -> {
                    printer.failure(f);
                    System.err.println("skipped " + f.name() + ": " + f.message());
                });
                progress.step();
            });
        }
        System.out.flush();
        System.err.printf(Locale.ROOT, "%d image(s) classified in %.2f s (%.1f images/s), %d skipped%s%n",
                s.images(), s.seconds(), s.imagesPerSecond(), s.failures().size(),
                s.failures().isEmpty() ? "" : ": " + names(s.failures()));
        return s.failures().isEmpty() ? 0 : CliSupport.EXIT_SKIPPED;
    }

    private static String names(List<ImageStream.Failure> failures) {
        List<String> n = new ArrayList<>();
        for (ImageStream.Failure f : failures) {
            n.add(f.name());
        }
        return String.join(", ", n);
    }

    private int tensors(Classifier classifier) {
        Printer printer = new Printer(System.out, format, List.of());
        for (Path file : inputs) {
            NpyArray a = Npy.read(file);
            long[] s = a.shape();
            if (a.dtype() != NpyArray.DType.FLOAT32 || s.length != 4 || s[1] != 3) {
                throw new HybridVisionException(file + " holds a " + a.dtype() + " array of shape "
                        + java.util.Arrays.toString(s) + "; expected float32 [N, 3, H, W], already normalised with "
                        + "the model's mean/std (np.save(path, x.astype(np.float32))).");
            }
            int n = (int) s[0];
            int h = (int) s[2];
            int w = (int) s[3];
            classifier.model().net().checkInputSize(h, w);
            float[] all = a.floats();
            int len = 3 * h * w;
            int c = classifier.numClasses();
            Map<String, float[]> logits = new LinkedHashMap<>();
            for (int start = 0; start < n; start += run.batch) {
                int m = Math.min(run.batch, n - start);
                float[] chunk = java.util.Arrays.copyOfRange(all, start * len, (start + m) * len);
                Map<String, float[]> out = classifier.forward(chunk, m, h, w);
                for (Map.Entry<String, float[]> e : out.entrySet()) {
                    float[] dst = logits.computeIfAbsent(e.getKey(), k -> new float[n * c]);
                    System.arraycopy(e.getValue(), 0, dst, start * c, m * c);
                }
            }
            if (saveLogits != null) {
                Map<String, NpyArray> arrays = new LinkedHashMap<>();
                logits.forEach((k, v) -> arrays.put(k, NpyArray.of(v, n, c)));
                Npz.write(saveLogits, arrays, false);
                System.err.println("wrote " + String.join(", ", arrays.keySet()) + " [" + n + ", " + c + "] to "
                        + saveLogits);
            } else {
                float[] pred = null;
                for (float[] v : logits.values()) {
                    pred = v;
                }
                for (int i = 0; i < n; i++) {
                    printer.print(Prediction.fromLogits(file + "[" + i + "]", pred, i * c, c, top,
                            classifier.classNames()));
                }
            }
        }
        return 0;
    }

    /** Writes predictions as a table, JSON lines or CSV, one image at a time. */
    static final class Printer {
        private final PrintStream out;
        private final Format format;
        private final int nameWidth;
        private boolean headerDone;

        Printer(PrintStream out, Format format, List<Path> files) {
            this.out = out;
            this.format = format;
            int w = 5;
            for (Path p : files) {
                w = Math.max(w, p.toString().length());
            }
            this.nameWidth = Math.min(w, 60);
        }

        void print(Prediction p) {
            header();
            switch (format) {
                case json -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("image", p.source());
                    JsonArray arr = new JsonArray();
                    for (Prediction.Label l : p.top()) {
                        JsonObject e = new JsonObject();
                        e.addProperty("index", l.index());
                        e.addProperty("label", l.name());
                        e.addProperty("probability", l.probability());
                        arr.add(e);
                    }
                    o.add("top", arr);
                    out.println(o);
                }
                case csv -> {
                    int r = 1;
                    for (Prediction.Label l : p.top()) {
                        out.println(csv(p.source()) + "," + r++ + "," + l.index() + "," + csv(l.name()) + ","
                                + String.format(Locale.ROOT, "%.6f", l.probability()));
                    }
                }
                default -> {
                    int r = 1;
                    for (Prediction.Label l : p.top()) {
                        String name = r == 1 ? p.source() : "";
                        out.printf(Locale.ROOT, "%-" + nameWidth + "s %4d %6d  %-32s %8.4f%n", name, r++, l.index(),
                                l.name(), l.probability());
                    }
                }
            }
        }

        void failure(ImageStream.Failure f) {
            if (format == Format.json) {
                JsonObject o = new JsonObject();
                o.addProperty("image", f.name());
                o.addProperty("error", f.message());
                out.println(o);
            }
        }

        private void header() {
            if (headerDone) {
                return;
            }
            headerDone = true;
            if (format == Format.csv) {
                out.println("image,rank,index,label,probability");
            } else if (format == Format.table) {
                out.printf(Locale.ROOT, "%-" + nameWidth + "s %4s %6s  %-32s %8s%n", "image", "rank", "index", "class",
                        "prob");
            }
        }

        private static String csv(String s) {
            if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
                return s;
            }
            return '"' + s.replace("\"", "\"\"") + '"';
        }
    }
}
