package org.hybridvision.data;

import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.hybridvision.HybridVisionException;

/**
 * RandAugment as implemented by timm ({@code rand_augment_transform}), default configuration
 * {@code rand-m9-mstd0.5-inc1}: the one used to train Conformer and CMT.
 *
 * <p>For each image, {@code numOps} (2) operations are drawn uniformly <i>with replacement</i> from the 15-op
 * "increasing" set; each is applied with probability {@code prob} (0.5). When applied, the magnitude is drawn as
 * {@code N(m, mstd)} (m 9, mstd 0.5) and clipped to [0, 10]; signed ops then flip the sign with probability 0.5. Ops
 * and their arguments at magnitude {@code M} (level {@code L = M / 10}):
 *
 * <table>
 *   <caption>The increasing op set and its arguments</caption>
 *   <tr><th>op</th><th>argument</th><th>at M = 9</th></tr>
 *   <tr><td>AutoContrast</td><td>none</td><td>&ndash;</td></tr>
 *   <tr><td>Equalize</td><td>none</td><td>&ndash;</td></tr>
 *   <tr><td>Invert</td><td>none</td><td>&ndash;</td></tr>
 *   <tr><td>Rotate</td><td>&plusmn;30 L degrees</td><td>&plusmn;27&deg;</td></tr>
 *   <tr><td>PosterizeIncreasing</td><td>keep 4 &minus; int(4 L) bits</td><td>1 bit</td></tr>
 *   <tr><td>SolarizeIncreasing</td><td>threshold 256 &minus; min(256, int(256 L))</td><td>26</td></tr>
 *   <tr><td>SolarizeAdd</td><td>add min(128, int(110 L)) below 128</td><td>99</td></tr>
 *   <tr><td>ColorIncreasing</td><td>factor max(0.1, 1 &plusmn; 0.9 L)</td><td>0.19 or 1.81</td></tr>
 *   <tr><td>ContrastIncreasing</td><td>same</td><td>0.19 or 1.81</td></tr>
 *   <tr><td>BrightnessIncreasing</td><td>same</td><td>0.19 or 1.81</td></tr>
 *   <tr><td>SharpnessIncreasing</td><td>same</td><td>0.19 or 1.81</td></tr>
 *   <tr><td>ShearX, ShearY</td><td>&plusmn;0.3 L</td><td>&plusmn;0.27</td></tr>
 *   <tr><td>TranslateXRel, TranslateYRel</td><td>&plusmn;0.45 L of width / height</td><td>&plusmn;0.405</td></tr>
 * </table>
 *
 * <p>Geometric ops use Pillow's affine sampler ({@link Affine}) with the configured interpolation (bicubic in the
 * reference recipe, which passes {@code interpolation='bicubic'}) and fill uncovered pixels with the ImageNet mean
 * colour {@code round(255 * mean)} = (124, 116, 104) (its luma on grey images). Each op's pixel arithmetic matches
 * Pillow 9 exactly ({@link PilOps}); only the random draws differ from Python's.
 */
public final class RandAugment implements ImageTransform {
    /** The timm "increasing" op set, in timm's order. */
    public enum Op {
        /** Per-channel contrast stretch. */
        AUTO_CONTRAST,
        /** Per-channel histogram equalisation. */
        EQUALIZE,
        /** Negative. */
        INVERT,
        /** Rotation about the centre. */
        ROTATE,
        /** Keep fewer bits as magnitude grows. */
        POSTERIZE_INCREASING,
        /** Invert above a threshold that falls as magnitude grows. */
        SOLARIZE_INCREASING,
        /** Add a constant below 128. */
        SOLARIZE_ADD,
        /** Saturation away from 1. */
        COLOR_INCREASING,
        /** Contrast away from 1. */
        CONTRAST_INCREASING,
        /** Brightness away from 1. */
        BRIGHTNESS_INCREASING,
        /** Sharpness away from 1. */
        SHARPNESS_INCREASING,
        /** Horizontal shear. */
        SHEAR_X,
        /** Vertical shear. */
        SHEAR_Y,
        /** Horizontal shift relative to the width. */
        TRANSLATE_X_REL,
        /** Vertical shift relative to the height. */
        TRANSLATE_Y_REL
    }

    private static final List<Op> OPS = List.of(Op.values());

    private final int numOps;
    private final double magnitude;
    private final double magnitudeStd;
    private final double prob;
    private final Interpolation interpolation;
    private final int[] fill;

    /**
     * @param numOps ops per image (timm {@code n}, default 2)
     * @param magnitude magnitude 0..10 (timm {@code m}, default 9)
     * @param magnitudeStd std of the Gaussian noise added to the magnitude (timm {@code mstd}, default 0.5)
     * @param prob probability of applying each drawn op (0.5)
     * @param interpolation resampling for the geometric ops
     * @param fill RGB fill colour for uncovered pixels
     */
    public RandAugment(int numOps, double magnitude, double magnitudeStd, double prob, Interpolation interpolation,
            int[] fill) {
        if (numOps < 0 || magnitude < 0 || magnitudeStd < 0 || prob < 0 || prob > 1 || fill.length != 3) {
            throw new IllegalArgumentException("invalid RandAugment settings");
        }
        this.numOps = numOps;
        this.magnitude = magnitude;
        this.magnitudeStd = magnitudeStd;
        this.prob = prob;
        this.interpolation = interpolation;
        this.fill = fill.clone();
    }

    /**
     * The reference recipe: {@code rand-m9-mstd0.5-inc1}, bicubic, ImageNet-mean fill.
     *
     * @return the transform
     */
    public static RandAugment imagenetDefault() {
        return parse("rand-m9-mstd0.5-inc1", Interpolation.BICUBIC, Normalize.imagenet().meanPixel());
    }

    /**
     * Parses a timm config string {@code rand-m9-n2-mstd0.5-inc1-p0.5}. Only the increasing op set is implemented, so
     * {@code inc1} is required (a string without it is refused rather than silently changed).
     *
     * @param config the config string
     * @param interpolation resampling for geometric ops
     * @param fill RGB fill colour
     * @return the transform
     * @throws HybridVisionException for an unknown or unsupported setting
     */
    public static RandAugment parse(String config, Interpolation interpolation, int[] fill) {
        String[] parts = config.trim().toLowerCase(Locale.ROOT).split("-");
        if (parts.length == 0 || !parts[0].equals("rand")) {
            throw new HybridVisionException("RandAugment config '" + config + "' must start with 'rand-', e.g. "
                    + "rand-m9-mstd0.5-inc1.");
        }
        int n = 2;
        double m = 10;
        double mstd = 0;
        double p = 0.5;
        boolean increasing = false;
        for (int i = 1; i < parts.length; i++) {
            String s = parts[i];
            try {
                if (s.startsWith("mstd")) {
                    mstd = Double.parseDouble(s.substring(4));
                } else if (s.startsWith("inc")) {
                    increasing = Integer.parseInt(s.substring(3)) != 0;
                } else if (s.startsWith("m")) {
                    m = Double.parseDouble(s.substring(1));
                } else if (s.startsWith("n")) {
                    n = Integer.parseInt(s.substring(1));
                } else if (s.startsWith("p")) {
                    p = Double.parseDouble(s.substring(1));
                } else {
                    throw new HybridVisionException("Unknown RandAugment setting '" + s + "' in '" + config
                            + "' (known: m, n, mstd, inc, p).");
                }
            } catch (NumberFormatException e) {
                throw new HybridVisionException("Bad number in RandAugment setting '" + s + "' of '" + config + "'.",
                        e);
            }
        }
        if (!increasing) {
            throw new HybridVisionException("RandAugment config '" + config + "': only the 'increasing' op set is "
                    + "implemented; add -inc1 (e.g. rand-m9-mstd0.5-inc1).");
        }
        if (Double.isInfinite(mstd)) {
            throw new HybridVisionException("RandAugment mstd inf (uniform magnitude) is not supported.");
        }
        return new RandAugment(n, m, mstd, p, interpolation, fill);
    }

    @Override
    public ByteImage apply(ByteImage image, RandomGenerator random) {
        for (int i = 0; i < numOps; i++) {
            Op op = OPS.get(random.nextInt(OPS.size()));
            if (prob < 1.0 && random.nextDouble() > prob) {
                continue;
            }
            image = apply(image, op, sampleMagnitude(random), random);
        }
        return image;
    }

    private double sampleMagnitude(RandomGenerator random) {
        double m = magnitude;
        if (magnitudeStd > 0) {
            m = m + magnitudeStd * random.nextGaussian();
        }
        return Math.max(0.0, Math.min(m, 10.0));
    }

    private static double negate(double v, RandomGenerator random) {
        return random.nextDouble() > 0.5 ? -v : v;
    }

    /**
     * Applies one op at a given magnitude (after noise and clipping); the generator is used only for the sign of
     * signed ops.
     *
     * @param image the image
     * @param op the op
     * @param magnitude magnitude in [0, 10]
     * @param random the sign source
     * @return the result
     */
    public ByteImage apply(ByteImage image, Op op, double magnitude, RandomGenerator random) {
        double level = magnitude / 10.0;
        int[] fillColour = image.channels() == 3 ? fill : new int[] {ByteImage.luma(fill[0], fill[1], fill[2])};
        switch (op) {
            case AUTO_CONTRAST:
                return PilOps.autoContrast(image);
            case EQUALIZE:
                return PilOps.equalize(image);
            case INVERT:
                return PilOps.invert(image);
            case ROTATE:
                return Affine.rotate(image, negate(level * 30.0, random), interpolation, fillColour);
            case POSTERIZE_INCREASING:
                return PilOps.posterize(image, 4 - (int) (level * 4));
            case SOLARIZE_INCREASING:
                return PilOps.solarize(image, 256 - Math.min(256, (int) (level * 256)));
            case SOLARIZE_ADD:
                return PilOps.solarizeAdd(image, Math.min(128, (int) (level * 110)), 128);
            case COLOR_INCREASING:
                return PilOps.color(image, enhanceFactor(level, random));
            case CONTRAST_INCREASING:
                return PilOps.contrast(image, enhanceFactor(level, random));
            case BRIGHTNESS_INCREASING:
                return PilOps.brightness(image, enhanceFactor(level, random));
            case SHARPNESS_INCREASING:
                return PilOps.sharpness(image, enhanceFactor(level, random));
            case SHEAR_X:
                return Affine.transform(image, new double[] {1, negate(level * 0.3, random), 0, 0, 1, 0},
                        interpolation, fillColour);
            case SHEAR_Y:
                return Affine.transform(image, new double[] {1, 0, 0, negate(level * 0.3, random), 1, 0},
                        interpolation, fillColour);
            case TRANSLATE_X_REL:
                return Affine.transform(image,
                        new double[] {1, 0, negate(level * 0.45, random) * image.width(), 0, 1, 0}, interpolation,
                        fillColour);
            case TRANSLATE_Y_REL:
                return Affine.transform(image,
                        new double[] {1, 0, 0, 0, 1, negate(level * 0.45, random) * image.height()}, interpolation,
                        fillColour);
            default:
                throw new IllegalStateException(op.toString());
        }
    }

    private static double enhanceFactor(double level, RandomGenerator random) {
        return Math.max(0.1, 1.0 + negate(level * 0.9, random));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RandAugment(n=%d, m=%s, mstd=%s, p=%s, inc, %s)", numOps, magnitude,
                magnitudeStd, prob, interpolation);
    }
}
