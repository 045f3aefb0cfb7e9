package org.hybridvision.detection.coco.synthetic;

import org.hybridvision.data.ByteImage;
import org.hybridvision.data.Interpolation;
import org.hybridvision.data.Resize;
import org.hybridvision.detection.coco.CocoBox;
import org.hybridvision.detection.coco.Rle;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Composes one image with exact answers: a random crop of a real photo, then cut-outs pasted one after another at
 * random scales, positions and horizontal flips, each later one covering the earlier ones.
 *
 * <p>Answers: a pixel belongs to the last cut-out pasted over it whose alpha there is at least
 * {@link StampLibrary#MASK_ALPHA} (half opaque); an instance's mask is the set of pixels it owns in the end (its
 * visible part), its box the tight box of that mask, its area the mask's pixel count. Colour is alpha-blended, so
 * soft edges look natural while the mask stays binary.
 *
 * <p>Occlusion and truncation: a cut-out may hang over the image border (up to a fifth of its size on each side)
 * and may cover earlier ones, but a placement is accepted only if afterwards every instance, the new one included,
 * keeps at least {@code minVisible} of its whole cut-out visible (and at least {@link #MIN_PIXELS} pixels);
 * otherwise another position is drawn (up to {@link #TRIES} times) and, failing that, the cut-out is left out. So
 * no annotated instance is almost fully hidden, and nothing painted is left unannotated.
 *
 * <p>Scales: the cut-out's longer side is drawn log-uniformly between {@code minSize} and {@code maxSize} times the
 * image's shorter side, and never enlarged beyond {@code maxUpscale} times its own size (small stamps would blur).
 *
 * <p>Deterministic: the same generator state gives the same scene. Thread-safe (no state of its own).
 */
final class SceneComposer {

    /** Fewest visible pixels an instance keeps. */
    static final int MIN_PIXELS = 24;
    /** Positions tried per cut-out. */
    static final int TRIES = 20;
    /** Fraction of a cut-out's size that may hang over the image border on each side. */
    static final double OVERHANG = 0.2;

    /**
     * @param width image width
     * @param height image height
     * @param minObjects fewest cut-outs attempted per image
     * @param maxObjects most cut-outs attempted per image
     * @param minSize smallest longer side of a cut-out, as a fraction of the image's shorter side
     * @param maxSize largest longer side, same unit
     * @param minVisible fraction of each cut-out that stays visible
     * @param maxUpscale largest enlargement of a stamp
     */
    record Options(int width, int height, int minObjects, int maxObjects, double minSize, double maxSize,
            double minVisible, double maxUpscale) {
    }

    /** One annotated object. */
    record Instance(int category, String stamp, Rle mask, CocoBox box, long area) {
    }

    /** A composed image and its objects, in pasting order. */
    record Scene(ByteImage image, List<Instance> instances) {
    }

    private final StampLibrary stamps;
    private final List<ByteImage> backgrounds;
    private final Options o;

    SceneComposer(StampLibrary stamps, List<ByteImage> backgrounds, Options options) {
        this.stamps = stamps;
        this.backgrounds = backgrounds;
        this.o = options;
    }

    Scene compose(SplittableRandom rng) {
        int w = o.width();
        int h = o.height();
        byte[] canvas = background(rng).data().clone();
        byte[] owner = new byte[w * h]; // 0 = background, i + 1 = instance i
        List<int[]> placed = new ArrayList<>(); // per instance: {category, whole mask size, visible pixels}
        List<String> files = new ArrayList<>();
        int n = o.minObjects() + rng.nextInt(o.maxObjects() - o.minObjects() + 1);
        for (int attempt = 0; attempt < n; attempt++) {
            int category = rng.nextInt(stamps.categories());
            List<StampLibrary.Stamp> choices = stamps.of(category);
            StampLibrary.Stamp stamp = choices.get(rng.nextInt(choices.size()));
            boolean flip = rng.nextBoolean();
            Cutout cut = cutout(stamp, flip, rng);
            if (cut == null) {
                continue;
            }
            for (int t = 0; t < TRIES; t++) {
                int x0 = uniform(rng, -(int) Math.round(OVERHANG * cut.w),
                        w - (int) Math.round((1 - OVERHANG) * cut.w));
                int y0 = uniform(rng, -(int) Math.round(OVERHANG * cut.h),
                        h - (int) Math.round((1 - OVERHANG) * cut.h));
                if (fits(cut, x0, y0, owner, placed)) {
                    int id = placed.size() + 1;
                    int inside = paint(cut, x0, y0, canvas, owner, id, placed);
                    placed.add(new int[] {category, cut.maskPixels, inside});
                    files.add(stamp.file());
                    break;
                }
            }
        }
        List<Instance> instances = new ArrayList<>();
        byte[] mask = new byte[w * h];
        for (int i = 0; i < placed.size(); i++) {
            byte id = (byte) (i + 1);
            for (int p = 0; p < mask.length; p++) {
                mask[p] = owner[p] == id ? (byte) 1 : 0;
            }
            Rle rle = Rle.fromMask(mask, h, w);
            instances.add(new Instance(placed.get(i)[0], files.get(i), rle, rle.boundingBox(), rle.area()));
        }
        return new Scene(new ByteImage(w, h, 3, canvas), instances);
    }

    /** A random crop of a random photo with the image's aspect ratio, maybe mirrored, resized to the image. */
    private ByteImage background(SplittableRandom rng) {
        ByteImage photo = backgrounds.get(rng.nextInt(backgrounds.size()));
        double aspect = (double) o.width() / o.height();
        double maxW = Math.min(photo.width(), photo.height() * aspect);
        double s = 0.4 + 0.6 * rng.nextDouble();
        int cw = Math.max(8, Math.min(photo.width(), (int) Math.round(maxW * s)));
        int ch = Math.max(8, Math.min(photo.height(), (int) Math.round(cw / aspect)));
        int cx = rng.nextInt(photo.width() - cw + 1);
        int cy = rng.nextInt(photo.height() - ch + 1);
        ByteImage crop = photo.crop(cx, cy, cw, ch);
        if (rng.nextBoolean()) {
            crop = crop.flipHorizontal();
        }
        return Resize.resize(crop, o.width(), o.height(), Interpolation.BILINEAR);
    }

    /** A stamp at its drawn size: premultiplied colour, alpha, and how many of its pixels are mask. */
    private record Cutout(int w, int h, byte[] rgb, byte[] alpha, int maskPixels) {
    }

    private Cutout cutout(StampLibrary.Stamp stamp, boolean flip, SplittableRandom rng) {
        double shorter = Math.min(o.width(), o.height());
        double lo = Math.log(o.minSize() * shorter);
        double hi = Math.log(o.maxSize() * shorter);
        double longer = Math.exp(lo + (hi - lo) * rng.nextDouble());
        int own = Math.max(stamp.width(), stamp.height());
        double scale = Math.min(longer / own, o.maxUpscale());
        int tw = Math.max(1, (int) Math.round(stamp.width() * scale));
        int th = Math.max(1, (int) Math.round(stamp.height() * scale));
        ByteImage rgb = Resize.resize(new ByteImage(stamp.width(), stamp.height(), 3, stamp.premultipliedRgb()), tw,
                th, Interpolation.BILINEAR);
        ByteImage alpha = Resize.resize(new ByteImage(stamp.width(), stamp.height(), 1, stamp.alpha()), tw, th,
                Interpolation.BILINEAR);
        if (flip) {
            rgb = rgb.flipHorizontal();
            alpha = alpha.flipHorizontal();
        }
        byte[] a = alpha.data();
        int mask = 0;
        for (byte v : a) {
            mask += (v & 0xFF) >= StampLibrary.MASK_ALPHA ? 1 : 0;
        }
        if (mask < MIN_PIXELS) {
            return null;
        }
        return new Cutout(tw, th, rgb.data(), a, mask);
    }

    /** Whether pasting at (x0, y0) leaves every instance, the new one included, visible enough. */
    private boolean fits(Cutout c, int x0, int y0, byte[] owner, List<int[]> placed) {
        int w = o.width();
        int h = o.height();
        int[] lost = new int[placed.size()];
        int inside = 0;
        for (int y = Math.max(0, -y0); y < c.h && y + y0 < h; y++) {
            for (int x = Math.max(0, -x0); x < c.w && x + x0 < w; x++) {
                if ((c.alpha[y * c.w + x] & 0xFF) >= StampLibrary.MASK_ALPHA) {
                    inside++;
                    int prev = owner[(y + y0) * w + x + x0] & 0xFF;
                    if (prev > 0) {
                        lost[prev - 1]++;
                    }
                }
            }
        }
        if (inside < needed(c.maskPixels)) {
            return false;
        }
        for (int i = 0; i < placed.size(); i++) {
            int[] p = placed.get(i);
            if (p[2] - lost[i] < needed(p[1])) {
                return false;
            }
        }
        return true;
    }

    private int needed(int maskPixels) {
        return Math.max(MIN_PIXELS, (int) Math.ceil(o.minVisible() * maskPixels));
    }

    /** Blends the cut-out in, takes ownership of its mask pixels; @return its visible pixel count */
    private int paint(Cutout c, int x0, int y0, byte[] canvas, byte[] owner, int id, List<int[]> placed) {
        int w = o.width();
        int h = o.height();
        int inside = 0;
        for (int y = Math.max(0, -y0); y < c.h && y + y0 < h; y++) {
            for (int x = Math.max(0, -x0); x < c.w && x + x0 < w; x++) {
                int s = y * c.w + x;
                int a = c.alpha[s] & 0xFF;
                if (a == 0) {
                    continue;
                }
                int d = (y + y0) * w + x + x0;
                for (int ch = 0; ch < 3; ch++) {
                    int bg = canvas[3 * d + ch] & 0xFF;
                    int v = (c.rgb[3 * s + ch] & 0xFF) + (bg * (255 - a) + 127) / 255;
                    canvas[3 * d + ch] = (byte) Math.min(255, v);
                }
                if (a >= StampLibrary.MASK_ALPHA) {
                    inside++;
                    int prev = owner[d] & 0xFF;
                    if (prev > 0) {
                        placed.get(prev - 1)[2]--;
                    }
                    owner[d] = (byte) id;
                }
            }
        }
        return inside;
    }

    private static int uniform(SplittableRandom rng, int lo, int hi) {
        return hi <= lo ? lo : lo + rng.nextInt(hi - lo + 1);
    }
}
