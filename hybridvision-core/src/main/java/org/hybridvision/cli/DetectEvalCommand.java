package org.hybridvision.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.hybridvision.HybridVisionException;
import org.hybridvision.detection.coco.CocoDataset;
import org.hybridvision.detection.coco.CocoEvaluation;
import org.hybridvision.detection.coco.CocoEvaluator;
import org.hybridvision.detection.coco.CocoReader;
import org.hybridvision.detection.coco.CocoResults;
import org.hybridvision.detection.coco.IouType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision detect eval --gt ANN.json --detections RES.json}: scores a COCO results file (any detector's)
 * with the COCO detection metric and prints what pycocotools prints: the 12-number summary per IoU type, then AP per
 * category.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score detections in the COCO results format against COCO annotations, as the COCO tools "
                + "(pycocotools COCOeval) do: the 12-number summary (AP at IoU .50:.95, .50, .75, small / medium / "
                + "large; AR at 1 / 10 / 100 detections, small / medium / large) and AP per category.",
            "The annotations are scored as given (nothing clipped); problems in them are reported on stderr.",
            "Exit status: 0 ok, 2 bad input."})
final class DetectEvalCommand implements Callable<Integer> {

    /** Which overlaps to score. */
    enum IouChoice { auto, bbox, segm, both }

    @Option(names = "--gt", required = true, paramLabel = "ANN.json",
            description = "COCO annotation file (instances_*.json) of the images the detections are for.")
    Path groundTruth;

    @Option(names = "--detections", paramLabel = "RES.json",
            description = "Detections in the COCO results format: [{\"image_id\", \"category_id\", \"bbox\": "
                    + "[x, y, w, h], \"score\", optional \"segmentation\": RLE}, ...] (as mmdetection and "
                    + "'detect predict' write them). Default: none; without it the command stops with a message "
                    + "(it is required for now).")
    Path detections;

    @Option(names = "--iou-type", defaultValue = "auto", paramLabel = "TYPE",
            description = "What to overlap: bbox (boxes), segm (masks), both, or auto = bbox, plus segm when the "
                    + "detections carry masks. Default: ${DEFAULT-VALUE}.")
    IouChoice iouType;

    @Option(names = "--out", paramLabel = "FILE.json",
            description = "Also write the figures (12 stats and per-category AP per IoU type) to this JSON file. "
                    + "Default: none.")
    Path jsonOut;

    @Option(names = "--csv", paramLabel = "FILE.csv",
            description = "Also write AP per category (iou_type, category_id, name, objects, AP, AP50, AP75; AP in "
                    + "[0, 1], empty where a category has no objects) to this CSV file. Default: none.")
    Path csvOut;

    @Option(names = "--no-per-category", negatable = false,
            description = "Do not print the per-category table (the summary only).")
    boolean noPerCategory;

    @Override
    public Integer call() {
        if (detections == null) {
            throw new HybridVisionException("detect eval needs --detections RES.json: the detections to score, in "
                    + "the COCO results format.");
        }
        CocoDataset gt = CocoReader.forEvaluation().read(groundTruth);
        if (!gt.report().isClean()) {
            System.err.println("note: " + gt.report().summary(5));
        }
        CocoResults results = CocoResults.read(detections, gt);
        results.warnings().forEach(w -> System.err.println("note: " + w));
        List<IouType> types = types(results);
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%s: %,d images, %,d objects, %d categories; %s: %,d detections%n",
                groundTruth.getFileName(), gt.images().size(), gt.annotations().size(), gt.categories().size(),
                detections.getFileName(), results.detections().size());
        List<CocoEvaluation> evaluations = new ArrayList<>();
        for (IouType t : types) {
            CocoEvaluation e = new CocoEvaluator(gt, t).evaluate(results.detections());
            e.warnings().forEach(w -> System.err.println("note: " + w));
            evaluations.add(e);
            out.println("Evaluate annotation type *" + t.cocoName() + "*");
            out.print(e.summary());
            if (!noPerCategory) {
                out.println("AP per category (" + t.cocoName() + ", IoU .50:.95, %):");
                out.print(e.perCategoryTable());
            }
        }
        if (jsonOut != null) {
            JsonObject o = new JsonObject();
            o.addProperty("gt", groundTruth.toString());
            o.addProperty("detections", detections.toString());
            for (CocoEvaluation e : evaluations) {
                o.add(e.iouType().cocoName(), e.toJson());
            }
            write(jsonOut, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o) + "\n");
            System.err.println("wrote " + jsonOut);
        }
        if (csvOut != null) {
            StringBuilder csv = new StringBuilder("iou_type,category_id,name,objects,AP,AP50,AP75\n");
            for (CocoEvaluation e : evaluations) {
                for (CocoEvaluation.CategoryAp c : e.perCategory()) {
                    csv.append(e.iouType().cocoName()).append(',').append(c.category().id()).append(',')
                            .append(csvField(c.category().name())).append(',').append(c.groundTruths()).append(',')
                            .append(num(c.ap())).append(',').append(num(c.ap50())).append(',').append(num(c.ap75()))
                            .append('\n');
                }
            }
            write(csvOut, csv.toString());
            System.err.println("wrote " + csvOut);
        }
        return 0;
    }

    private List<IouType> types(CocoResults results) {
        return switch (iouType) {
            case bbox -> List.of(IouType.BBOX);
            case both -> List.of(IouType.BBOX, IouType.SEGM);
            case segm -> {
                if (!results.hasMasks()) {
                    System.err.println("note: the detections carry no masks: each is scored with the mask of its box");
                }
                yield List.of(IouType.SEGM);
            }
            case auto -> results.hasMasks() ? List.of(IouType.BBOX, IouType.SEGM) : List.of(IouType.BBOX);
        };
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
