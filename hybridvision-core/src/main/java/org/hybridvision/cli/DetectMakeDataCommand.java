package org.hybridvision.cli;

import org.hybridvision.HybridVisionException;
import org.hybridvision.detection.coco.synthetic.StampCategory;
import org.hybridvision.detection.coco.synthetic.StampDataGenerator;
import org.hybridvision.progress.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision detect make-data}: a COCO-format detection and instance-segmentation data set with exact
 * answers, made from Debian packages on any machine (see {@link StampDataGenerator}).
 */
@Command(name = "make-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a detection / instance segmentation data set with exact answers: photo cut-outs of "
                + "Tux Paint stamps (14 kinds: bird, fish, insect, cattle, big cat, car, fruit, flower, mushroom, "
                + "ball, hat, string instrument, road sign, heavy vehicle; the first --categories are used) pasted "
                + "at random scales, positions and flips onto crops of real photos, later ones covering earlier "
                + "ones. Boxes, masks (COCO RLE) and areas are those of the visible part of each object. Output: "
                + "DIR/train, DIR/val, DIR/annotations/instances_{train,val}.json (COCO format), DIR/README.txt.",
            "Sources, all from Debian's mirror (nothing else is needed): the stamps are the package "
                + "tuxpaint-stamps-default (GPL-2, so they are used at run time and never stored in this project): "
                + "used where installed, else installed with apt-get (as root or through sudo -n), else fetched "
                + "with 'apt-get download' and unpacked into --cache. The background photos (19: cat, coffee, "
                + "astronaut, rocket, textures, Hubble field, Grace Hopper, dog, eagle, giraffe, horses, kite, "
                + "person, The Scream, temple, flower) come from python3-skimage, python-matplotlib-data, darknet "
                + "and python3-sklearn, used where installed, else fetched with 'apt-get download' (29 MB, no root "
                + "needed) into --cache; or pass --backgrounds DIR with photos of your own.",
            "Deterministic for a seed. A folder already holding this data set with the same settings is kept as "
                + "it is. Exit status: 0 ok, 2 bad input or sources unavailable."})
final class DetectMakeDataCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "data/stamp-scenes", paramLabel = "DIR",
            description = "Data set folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Random seed; the same seed gives the same data set. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--train", defaultValue = "3000", paramLabel = "N",
            description = "Training images. Default: ${DEFAULT-VALUE}.")
    int train;

    @Option(names = "--val", defaultValue = "500", paramLabel = "M",
            description = "Validation images. Default: ${DEFAULT-VALUE}.")
    int val;

    @Option(names = "--size", defaultValue = "384", paramLabel = "S|WxH",
            description = "Image size in pixels: S for S x S, or WIDTHxHEIGHT. Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--categories", defaultValue = "12", paramLabel = "K",
            description = "Number of categories, 1..14: the first K of the list above. Default: ${DEFAULT-VALUE}.")
    int categories;

    @Option(names = "--min-objects", defaultValue = "1", paramLabel = "N",
            description = "Fewest cut-outs attempted per image (one that cannot be placed visibly enough is left "
                    + "out). Default: ${DEFAULT-VALUE}.")
    int minObjects;

    @Option(names = "--max-objects", defaultValue = "6", paramLabel = "N",
            description = "Most cut-outs attempted per image, at most 100. Default: ${DEFAULT-VALUE}.")
    int maxObjects;

    @Option(names = "--min-size", defaultValue = "0.1", paramLabel = "F",
            description = "Smallest cut-out: its longer side as a fraction of the image's shorter side (sizes are "
                    + "drawn log-uniformly; stamps are never enlarged more than 3x). Default: ${DEFAULT-VALUE}.")
    double minSize;

    @Option(names = "--max-size", defaultValue = "0.5", paramLabel = "F",
            description = "Largest cut-out, same unit. Default: ${DEFAULT-VALUE}.")
    double maxSize;

    @Option(names = "--min-visible", defaultValue = "0.4", paramLabel = "F",
            description = "Fraction of every cut-out that stays visible after occlusion and the image border "
                    + "(a placement that would hide more is redrawn, so no annotated object is almost fully "
                    + "hidden). Default: ${DEFAULT-VALUE}.")
    double minVisible;

    @Option(names = "--jpeg-quality", defaultValue = "92", paramLabel = "Q",
            description = "JPEG quality of the images, 1..100. Default: ${DEFAULT-VALUE}.")
    int jpegQuality;

    @Option(names = "--stamps", paramLabel = "DIR",
            description = "Stamps folder with Tux Paint's layout (animals/birds/owl.png, ...). Default: the "
                    + "tuxpaint-stamps-default package (/usr/share/tuxpaint/stamps), installed or fetched as above.")
    Path stamps;

    @Option(names = "--backgrounds", paramLabel = "DIR",
            description = "Folder of background photos (JPEG/PNG, at least 3 of 96 x 96 pixels or more). Default: "
                    + "the 19 Debian photos above.")
    Path backgrounds;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where fetched Debian packages are unpacked. Default: ~/.cache/hybridvision/debian.")
    Path cache;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Worker threads; 0 = one per core. The result does not depend on it. "
                    + "Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--force", description = "Write into --out even if it holds other files or a data set made "
            + "with other settings (its images and annotations are replaced).")
    boolean force;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() {
        int[] wh = parseSize(size);
        StampDataGenerator.Settings s = new StampDataGenerator.Settings(seed, train, val, wh[0], wh[1], minObjects,
                maxObjects, minSize, maxSize, minVisible, categories, jpegQuality);
        StampDataGenerator.Result existing = force ? null : StampDataGenerator.findExisting(out, s);
        if (existing != null) {
            System.out.printf(Locale.ROOT, "data set already made with these settings: %s (%d + %d images)%n", out,
                    existing.images()[0], existing.images()[1]);
            return 0;
        }
        Path cacheDir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "hybridvision",
                "debian");
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        StampDataGenerator gen = StampDataGenerator.withDefaultSources(stamps, backgrounds, cacheDir, n, System.err);
        StampDataGenerator.Result r;
        try (Progress bar = CliSupport.progress("make-data", train + val, !noProgress)) {
            // workers finish out of order: never step back
            r = gen.generate(out, s, force, done -> {
                synchronized (bar) {
                    bar.stepTo(Math.max(bar.current(), done));
                }
            });
        }
        System.out.printf(Locale.ROOT, "made %s in %.1f s: %d training images (%d objects), %d validation images "
                + "(%d objects), %d categories: %s%n", out, r.seconds(), r.images()[0], r.objects()[0],
                r.images()[1], r.objects()[1], categories,
                String.join(", ", StampCategory.defaults().subList(0, categories).stream()
                        .map(StampCategory::name).toList()));
        System.out.println("  annotations: " + r.trainAnnotations() + ", " + r.valAnnotations());
        return 0;
    }

    /** @return {width, height} from "S" or "WxH" */
    static int[] parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            int x = t.indexOf('x');
            if (x < 0) {
                int v = Integer.parseInt(t);
                return new int[] {v, v};
            }
            return new int[] {Integer.parseInt(t.substring(0, x).trim()), Integer.parseInt(t.substring(x + 1).trim())};
        } catch (NumberFormatException e) {
            throw new HybridVisionException("--size must be a number of pixels (384) or WIDTHxHEIGHT (448x320), got '"
                    + text + "'.");
        }
    }
}
