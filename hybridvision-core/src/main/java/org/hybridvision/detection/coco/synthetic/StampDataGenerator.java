package org.hybridvision.detection.coco.synthetic;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.hybridvision.HybridVisionException;
import org.hybridvision.data.ByteImage;
import org.hybridvision.data.Seeds;
import org.hybridvision.detection.coco.CocoAnnotation;
import org.hybridvision.detection.coco.CocoCategory;
import org.hybridvision.detection.coco.CocoDataset;
import org.hybridvision.detection.coco.CocoImage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes a COCO-format detection and instance-segmentation data set with exact answers: Tux Paint photo cut-outs
 * ({@link StampCategory}) pasted onto crops of real photos ({@link Backgrounds}) by {@link SceneComposer}.
 *
 * <p>Layout of the output folder, as COCO's own:
 * <pre>
 * DIR/train/000001.jpg ...            DIR/val/000001.jpg ...
 * DIR/annotations/instances_train.json  DIR/annotations/instances_val.json
 * DIR/make-data.json   (the settings, the sources used, counts)   DIR/README.txt
 * </pre>
 * Masks are compressed RLEs of the visible part, boxes their tight boxes, areas their pixel counts; no crowd
 * regions. Image ids and annotation ids start at 1 in each split.
 *
 * <p>Deterministic for a seed (and the same stamp package and photos): image {@code i} of a split is drawn from its
 * own generator ({@link Seeds#forSample(long, long, long)} with split 0 = train, 1 = val), so the result does not
 * depend on the number of threads. The annotation files and {@code make-data.json} are written last: a folder with
 * them is complete. A folder already holding a complete data set made with the same settings is reused as it is.
 */
public final class StampDataGenerator {

    /** Written into make-data.json; bump when the same settings would give different data. */
    static final int FORMAT = 1;

    /**
     * The settings of a data set.
     *
     * @param seed random seed
     * @param train training images
     * @param val validation images
     * @param width image width in pixels
     * @param height image height in pixels
     * @param minObjects fewest cut-outs attempted per image
     * @param maxObjects most cut-outs attempted per image
     * @param minSize smallest cut-out (longer side) as a fraction of the image's shorter side
     * @param maxSize largest cut-out, same unit
     * @param minVisible fraction of each cut-out that must stay visible
     * @param categories how many of the {@link StampCategory#defaults()} to use (the first ones)
     * @param jpegQuality JPEG quality, 1..100
     */
    public record Settings(long seed, int train, int val, int width, int height, int minObjects, int maxObjects,
            double minSize, double maxSize, double minVisible, int categories, int jpegQuality) {

        /** Checks the ranges. */
        public Settings {
            check(train >= 0 && val >= 0 && train + val > 0, "--train and --val must not be negative, and not both 0");
            check(width >= 32 && height >= 32 && width <= 4096 && height <= 4096,
                    "--size must be 32..4096 pixels per side, got " + width + "x" + height);
            check(minObjects >= 0 && maxObjects >= minObjects && maxObjects <= 100,
                    "need 0 <= --min-objects <= --max-objects <= 100, got " + minObjects + " and " + maxObjects);
            check(minSize > 0 && maxSize >= minSize && maxSize <= 2,
                    "need 0 < --min-size <= --max-size <= 2, got " + minSize + " and " + maxSize);
            check(minVisible > 0 && minVisible <= 1, "--min-visible must be in (0, 1], got " + minVisible);
            check(categories >= 1 && categories <= StampCategory.defaults().size(),
                    "--categories must be 1.." + StampCategory.defaults().size() + ", got " + categories);
            check(jpegQuality >= 1 && jpegQuality <= 100, "JPEG quality must be 1..100, got " + jpegQuality);
        }

        /**
         * The defaults of {@code detect make-data}: seed 1, 3000 + 500 images of 384 x 384, 1-6 cut-outs of 0.1-0.5
         * of the shorter side, each at least 40 % visible, 12 categories, JPEG quality 92.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings(1, 3000, 500, 384, 384, 1, 6, 0.1, 0.5, 0.4, 12, 92);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new HybridVisionException("make-data: " + message + ".");
            }
        }

        JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("format", FORMAT);
            o.addProperty("seed", seed);
            o.addProperty("train", train);
            o.addProperty("val", val);
            o.addProperty("width", width);
            o.addProperty("height", height);
            o.addProperty("min_objects", minObjects);
            o.addProperty("max_objects", maxObjects);
            o.addProperty("min_size", minSize);
            o.addProperty("max_size", maxSize);
            o.addProperty("min_visible", minVisible);
            o.addProperty("categories", categories);
            o.addProperty("jpeg_quality", jpegQuality);
            return o;
        }
    }

    /**
     * What was made.
     *
     * @param dir the data set folder
     * @param images images per split (train, val)
     * @param objects annotated objects per split
     * @param seconds time taken
     * @param reused true when an existing complete data set with the same settings was kept
     */
    public record Result(Path dir, int[] images, int[] objects, double seconds, boolean reused) {
        /** @return the training annotation file */
        public Path trainAnnotations() {
            return dir.resolve("annotations/instances_train.json");
        }

        /** @return the validation annotation file */
        public Path valAnnotations() {
            return dir.resolve("annotations/instances_val.json");
        }
    }

    private final Path stampsRoot;
    private final List<StampCategory> allCategories;
    private final List<Path> backgroundFiles;
    private final int threads;
    private final PrintStream log;

    /**
     * @param stampsRoot the stamps folder (Tux Paint's layout)
     * @param categories the categories to choose the first {@link Settings#categories()} from
     * @param backgroundFiles photos to compose on
     * @param threads worker threads (1 or more)
     * @param log where notes go
     */
    public StampDataGenerator(Path stampsRoot, List<StampCategory> categories, List<Path> backgroundFiles,
            int threads, PrintStream log) {
        this.stampsRoot = stampsRoot;
        this.allCategories = List.copyOf(categories);
        this.backgroundFiles = List.copyOf(backgroundFiles);
        this.threads = Math.max(1, threads);
        this.log = log;
    }

    /**
     * Finds the default sources, installing or fetching Debian packages as needed (see {@link DebianPackages}).
     *
     * @param stampsOverride a stamps folder to use instead of {@code tuxpaint-stamps-default}, or null
     * @param backgroundsOverride a folder of photos to use instead of the Debian photos, or null
     * @param cache where fetched packages are unpacked
     * @param threads worker threads
     * @param log where the commands run are printed
     * @return a generator on those sources
     * @throws HybridVisionException when the stamps or enough photos cannot be had, saying what to do
     */
    public static StampDataGenerator withDefaultSources(Path stampsOverride, Path backgroundsOverride, Path cache,
            int threads, PrintStream log) {
        DebianPackages debian = new DebianPackages(cache, log);
        Path stamps = stampsOverride;
        if (stamps == null) {
            String probe = "usr/share/tuxpaint/stamps/" + StampCategory.defaults().get(0).stamps().get(0);
            Path root = debian.locate("tuxpaint-stamps-default", probe, true);
            if (root == null) {
                throw new HybridVisionException("The Tux Paint stamps are not installed and could not be installed "
                        + "or fetched. Install them with 'apt-get install tuxpaint-stamps-default' (as root), or "
                        + "fetch them without installing: 'apt-get download tuxpaint-stamps-default && dpkg-deb -x "
                        + "tuxpaint-stamps-default_*.deb DEST' and pass --stamps DEST/usr/share/tuxpaint/stamps.");
            }
            stamps = root.resolve("usr/share/tuxpaint/stamps");
        } else if (!Files.isDirectory(stamps)) {
            throw new HybridVisionException("Stamps folder " + stamps + " does not exist or is not a folder.");
        }
        List<Path> photos = backgroundsOverride != null ? Backgrounds.fromFolder(backgroundsOverride)
                : Backgrounds.fromDebian(debian, log);
        return new StampDataGenerator(stamps, StampCategory.defaults(), photos, threads, log);
    }

    /**
     * @param dir the output folder
     * @param s the settings
     * @param force replace whatever data set is in {@code dir}
     * @param progress called with the number of images done so far (both splits), from worker threads
     * @return what was made
     * @throws HybridVisionException when {@code dir} holds other files and {@code force} is false, or on I/O errors
     */
    public Result generate(Path dir, Settings s, boolean force, IntConsumer progress) {
        long t0 = System.nanoTime();
        Path params = dir.resolve("make-data.json");
        JsonObject wanted = s.toJson();
        if (!force) {
            Result existing = findExisting(dir, s);
            if (existing != null) {
                return existing;
            }
            refuseForeignFiles(dir);
        }
        if (s.categories() > allCategories.size()) {
            throw new HybridVisionException("make-data: --categories " + s.categories() + " but only "
                    + allCategories.size() + " categories are defined.");
        }
        List<StampCategory> categories = allCategories.subList(0, s.categories());
        StampLibrary stamps = StampLibrary.load(stampsRoot, categories);
        List<ByteImage> photos = Backgrounds.load(backgroundFiles);
        SceneComposer composer = new SceneComposer(stamps, photos, new SceneComposer.Options(s.width(), s.height(),
                s.minObjects(), s.maxObjects(), s.minSize(), s.maxSize(), s.minVisible(), 3.0));
        try {
            Files.createDirectories(dir.resolve("annotations"));
            Files.deleteIfExists(params);
            AtomicInteger done = new AtomicInteger();
            int[] images = {s.train(), s.val()};
            int[] objects = new int[2];
            String[] names = {"train", "val"};
            for (int split = 0; split < 2; split++) {
                objects[split] = split(dir, names[split], split, images[split], s, categories, composer, done,
                        progress);
            }
            JsonObject made = new JsonObject();
            made.add("settings", wanted);
            JsonArray cats = new JsonArray();
            categories.forEach(c -> cats.add(c.name()));
            made.add("category_names", cats);
            made.addProperty("stamps", stampsRoot.toString());
            JsonArray bg = new JsonArray();
            backgroundFiles.forEach(f -> bg.add(f.getFileName().toString()));
            made.add("backgrounds", bg);
            made.addProperty("train_objects", objects[0]);
            made.addProperty("val_objects", objects[1]);
            Files.writeString(dir.resolve("README.txt"), readme(s, categories), StandardCharsets.UTF_8);
            writeAtomically(params, new GsonBuilder().setPrettyPrinting().create().toJson(made) + "\n");
            return new Result(dir, images, objects, (System.nanoTime() - t0) / 1e9, false);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write the data set under " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param dir a data set folder
     * @param s settings
     * @return the complete data set made there with these settings, or null when there is none
     */
    public static Result findExisting(Path dir, Settings s) {
        Path params = dir.resolve("make-data.json");
        JsonObject wanted = s.toJson();
        if (!Files.isRegularFile(params)) {
            return null;
        }
        try {
            JsonObject made = JsonParser.parseString(Files.readString(params)).getAsJsonObject();
            if (!wanted.equals(made.getAsJsonObject("settings"))
                    || !Files.isRegularFile(dir.resolve("annotations/instances_train.json"))
                    || !Files.isRegularFile(dir.resolve("annotations/instances_val.json"))) {
                return null;
            }
            int[] images = {wanted.get("train").getAsInt(), wanted.get("val").getAsInt()};
            int[] objects = {made.get("train_objects").getAsInt(), made.get("val_objects").getAsInt()};
            return new Result(dir, images, objects, 0, true);
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: treated as not made
        }
    }

    /** What make-data writes at the top of its folder. */
    private static final java.util.Set<String> OWN_NAMES = java.util.Set.of("train", "val", "annotations",
            "README.txt", "make-data.json", "make-data.json.tmp");

    /**
     * Refuses to write into a folder holding files make-data did not write, or a finished data set made with other
     * settings; an unfinished one of its own (no make-data.json yet) is simply made again.
     */
    private static void refuseForeignFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            List<String> foreign = names.stream().filter(n -> !OWN_NAMES.contains(n)).toList();
            if (!foreign.isEmpty()) {
                throw new HybridVisionException("Output folder " + dir + " already holds files (" + String.join(", ",
                        foreign.subList(0, Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", ..." : "")
                        + ") that make-data did not write. Choose another --out, or pass --force to write into it.");
            }
            if (names.contains("make-data.json")) {
                throw new HybridVisionException("Output folder " + dir + " holds a data set made with other settings "
                        + "(see its make-data.json). Pass --force to replace it, or choose another --out.");
            }
        } catch (IOException e) {
            throw new HybridVisionException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the numbered images an earlier run left in a split folder. */
    private static void clearImages(Path images) throws IOException {
        try (Stream<Path> s = Files.list(images)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\d{6,}\\.jpg")).toList()) {
                Files.delete(p);
            }
        }
    }

    private int split(Path dir, String name, int split, int count, Settings s, List<StampCategory> categories,
            SceneComposer composer, AtomicInteger done, IntConsumer progress) throws IOException {
        Path images = dir.resolve(name);
        Files.createDirectories(images);
        clearImages(images);
        Path annotations = dir.resolve("annotations/instances_" + name + ".json");
        Files.deleteIfExists(annotations);
        List<List<SceneComposer.Instance>> found = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "make-data");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<SceneComposer.Instance>>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    SceneComposer.Scene scene = composer.compose(Seeds.forSample(s.seed(), split, index));
                    writeJpeg(scene.image(), images.resolve(fileName(index)), s.jpegQuality());
                    progress.accept(done.incrementAndGet());
                    return scene.instances();
                }));
            }
            for (Future<List<SceneComposer.Instance>> f : futures) {
                found.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HybridVisionException("make-data was interrupted; run it again to finish", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HybridVisionException h) {
                throw h;
            }
            throw new HybridVisionException("make-data failed on an image: " + c, c);
        } finally {
            pool.shutdownNow();
        }
        CocoDataset.Builder b = CocoDataset.builder();
        JsonObject info = new JsonObject();
        info.addProperty("description", "hybridvision make-data: Tux Paint cut-outs on photos, " + name + " split");
        info.addProperty("seed", s.seed());
        b.info(info);
        for (int c = 0; c < categories.size(); c++) {
            b.addCategory(new CocoCategory(c + 1, categories.get(c).name(), categories.get(c).supercategory()));
        }
        long annId = 1;
        int objects = 0;
        for (int i = 0; i < count; i++) {
            b.addImage(new CocoImage(i + 1, fileName(i), s.width(), s.height()));
            for (SceneComposer.Instance inst : found.get(i)) {
                b.addAnnotation(new CocoAnnotation(annId++, i + 1, inst.category() + 1, inst.box(), inst.area(),
                        false, inst.mask()));
                objects++;
            }
        }
        b.build().write(annotations);
        return objects;
    }

    static String fileName(int index) {
        return String.format(Locale.ROOT, "%06d.jpg", index + 1);
    }

    private static void writeJpeg(ByteImage image, Path file, int quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image.toBufferedImage(), null, null), p);
        } finally {
            writer.dispose();
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private String readme(Settings s, List<StampCategory> categories) {
        StringBuilder r = new StringBuilder();
        r.append("Synthetic detection / instance segmentation data set made by 'hybridvision detect make-data'.\n\n");
        r.append(String.format(Locale.ROOT, "Seed %d; %d training and %d validation images of %d x %d pixels; %d-%d "
                + "cut-outs attempted per image, longer side %.2f-%.2f of the image's shorter side, each at least "
                + "%.0f%% visible.%n%n", s.seed(), s.train(), s.val(), s.width(), s.height(), s.minObjects(),
                s.maxObjects(), s.minSize(), s.maxSize(), 100 * s.minVisible()));
        r.append("Categories (COCO id: name, supercategory):\n");
        for (int c = 0; c < categories.size(); c++) {
            r.append(String.format(Locale.ROOT, "  %d: %s, %s (%d stamps)%n", c + 1, categories.get(c).name(),
                    categories.get(c).supercategory(), categories.get(c).stamps().size()));
        }
        r.append("\nAnnotations: annotations/instances_{train,val}.json in COCO format; masks are compressed RLEs of\n"
                + "the visible part of each object, boxes their tight boxes, areas their pixel counts.\n\n"
                + "Licences: the cut-outs are Tux Paint stamps (Debian package tuxpaint-stamps-default, GPL-2); the\n"
                + "images made from them are derived works: do not redistribute them without honouring the GPL.\n"
                + "The backgrounds are photos from Debian packages (public domain, CC0, CC BY 2.0, MIT) or your own.\n"
                + "Sources used: stamps " + stampsRoot + "; backgrounds:\n");
        for (Path p : backgroundFiles) {
            r.append("  ").append(p).append('\n');
        }
        return r.toString();
    }
}
