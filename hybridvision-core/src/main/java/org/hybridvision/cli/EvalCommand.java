package org.hybridvision.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.hybridvision.HybridVisionException;
import org.hybridvision.eval.Evaluator;
import org.hybridvision.eval.LabeledFolder;
import org.hybridvision.inference.BatchPredictor;
import org.hybridvision.inference.Classifier;
import org.hybridvision.inference.ImageStream;
import org.hybridvision.progress.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision eval}: top-1/top-5 of a model on an ImageFolder directory, per head, with throughput and a
 * confusion matrix written as CSV and PNG.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on an ImageFolder directory (one sub-folder per class; class index = sorted "
                + "folder order, or --class-map): top-1 and top-5 per head, images/s, confusion matrix (CSV + PNG).",
            "Exit status: 0 ok, 1 some images skipped (named on stderr), 2 bad input."})
final class EvalCommand implements Callable<Integer> {

    /** Output formats of the summary. */
    enum Format { text, json }

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name (see 'models').")
    String model;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights (.pth or .safetensors). Default: none, random weights (announced on stderr).")
    Path weights;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "ImageFolder root: one sub-folder of images per class. Required.")
    Path data;

    @Option(names = "--class-map", paramLabel = "FILE",
            description = "Class list: one folder name per line, index = line (default: DIR/classes.txt if present, "
                    + "else sorted folder names).")
    Path classMap;

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR",
            description = "Folder for confusion_matrix.csv/.png and eval.json. Default ${DEFAULT-VALUE} (the "
                    + "current folder).")
    Path out;

    @Option(names = "--format", defaultValue = "text", description = "Summary on stdout: ${COMPLETION-CANDIDATES}. Default ${DEFAULT-VALUE}.")
    Format format;

    @Mixin
    BatchOptions run = new BatchOptions();

    @Override
    public Integer call() {
        LabeledFolder folder = LabeledFolder.scan(data, classMap);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new HybridVisionException("cannot create output folder " + out + ": " + e.getMessage(), e);
        }
        int t = CliSupport.applyThreads(run.threads);
        CliSupport.warnRandomWeights(weights);
        try (Classifier classifier = Classifier.open(model, weights)) {
            int dt = run.decodeThreads < 0 ? CliSupport.defaultDecodeThreads() : run.decodeThreads;
            Evaluator evaluator = new Evaluator(classifier,
                    new BatchPredictor.Options(run.batch, dt, 2 * run.batch, 5));
            Evaluator.Result r;
            // the results are printed once the progress has ended
            try (Progress progress = CliSupport.progress("eval", folder.samples().size(),
                    !run.noProgress && folder.samples().size() > run.batch)) {
                r = evaluator.evaluate(folder, progress::stepBy);
            }
            for (ImageStream.Failure f : r.failures()) {
                System.err.println("skipped " + f.name() + ": " + f.message());
            }
            Path csv = out.resolve("confusion_matrix.csv");
            Path png = out.resolve("confusion_matrix.png");
            r.confusion().writeCsv(csv);
            r.confusion().writePng(png);
            JsonObject json = toJson(r, folder, t);
            json.addProperty("confusion_csv", csv.toString());
            json.addProperty("confusion_png", png.toString());
            String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
            try {
                Files.writeString(out.resolve("eval.json"), text + "\n");
            } catch (IOException e) {
                throw new HybridVisionException("cannot write " + out.resolve("eval.json") + ": " + e.getMessage(), e);
            }
            if (format == Format.json) {
                System.out.println(text);
            } else {
                printText(r, folder, t, csv, png);
            }
            return r.failures().isEmpty() ? 0 : CliSupport.EXIT_SKIPPED;
        }
    }

    private JsonObject toJson(Evaluator.Result r, LabeledFolder folder, int t) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("weights", weights == null ? null : weights.toString());
        o.addProperty("data", data.toString());
        o.addProperty("classes", folder.classes().size());
        o.addProperty("images", r.images());
        o.addProperty("skipped", r.failures().size());
        JsonObject heads = new JsonObject();
        for (Evaluator.HeadAccuracy h : r.heads()) {
            JsonObject e = new JsonObject();
            e.addProperty("top1", h.top1());
            e.addProperty("top5", h.top5());
            e.addProperty("top1_percent", h.top1Percent());
            e.addProperty("top5_percent", h.top5Percent());
            heads.add(h.name(), e);
        }
        o.add("heads", heads);
        o.addProperty("seconds", r.seconds());
        o.addProperty("images_per_s", r.imagesPerSecond());
        o.addProperty("model_images_per_s", r.modelSeconds() > 0 ? r.images() / r.modelSeconds() : 0);
        o.addProperty("threads", t);
        o.addProperty("batch", run.batch);
        JsonArray skipped = new JsonArray();
        for (ImageStream.Failure f : r.failures()) {
            skipped.add(f.name());
        }
        o.add("skipped_files", skipped);
        return o;
    }

    private void printText(Evaluator.Result r, LabeledFolder folder, int t, Path csv, Path png) {
        System.out.printf(Locale.ROOT, "%s on %s: %d images, %d classes%n", model, data, r.images(),
                folder.classes().size());
        System.out.printf(Locale.ROOT, "%-8s %18s %18s%n", "head", "top-1", "top-5");
        for (Evaluator.HeadAccuracy h : r.heads()) {
            System.out.printf(Locale.ROOT, "%-8s %9s %7.2f%% %9s %7.2f%%%n", h.name(), h.top1() + "/" + h.total(),
                    h.top1Percent(), h.top5() + "/" + h.total(), h.top5Percent());
        }
        System.out.printf(Locale.ROOT, "%.1f images/s (model alone %.1f images/s; batch %d, %d threads), %.2f s%n",
                r.imagesPerSecond(), r.modelSeconds() > 0 ? r.images() / r.modelSeconds() : 0, run.batch, t,
                r.seconds());
        if (!r.failures().isEmpty()) {
            System.out.println(r.failures().size() + " image(s) skipped (see stderr)");
        }
        System.out.println("confusion matrix: " + csv + ", " + png);
    }
}
