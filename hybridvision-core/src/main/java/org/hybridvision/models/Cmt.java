package org.hybridvision.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.CheckpointException;
import org.hybridvision.checkpoint.WeightLoader;
import org.hybridvision.layers.BatchNorm2d;
import org.hybridvision.layers.Conv2d;
import org.hybridvision.layers.DropPath;
import org.hybridvision.layers.Init;
import org.hybridvision.layers.LayerNorm;
import org.hybridvision.layers.Linear;
import org.hybridvision.layers.Module;
import org.hybridvision.layers.MultiHead;
import org.hybridvision.layers.Scoped;
import org.hybridvision.layers.Tokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * CMT (Guo et al., "CMT: Convolutional Neural Networks Meet Vision Transformers", CVPR 2022): a convolutional stem
 * and four stages of CMT blocks (local perception unit, lightweight multi-head self-attention with a learned
 * relative-position bias, inverted-residual feed-forward network) at strides 4, 8, 16 and 32, and a 1x1-conv /
 * BatchNorm / Swish / pooling head.
 *
 * <p>A faithful port of the official model ({@code huawei-noah/Efficient-AI-Backbones/cmt_pytorch/cmt.py}, spec
 * Part B): parameter names, shapes, registration order, epsilons and the quirks of spec B10 match, so the released
 * checkpoints ({@code cmt_tiny.pth}, ... whose state dict sits under the {@code model} key) load unchanged and give
 * the same logits at the variant's native resolution.
 *
 * <p><b>Parameter counts follow the code, not the paper.</b> At the native resolutions the official constructors
 * (and this class) build 9,492,426 (Ti), 15,247,208 (XS), 26,256,160 (S) and 45,715,076 (B) parameters. The paper
 * prints 25.1 M for CMT-S; the official code, whose weights are the released ones, builds 26.26 M. The counts
 * include the relative-position biases, whose size depends on the resolution ({@link Config#imgSize()}).
 *
 * <p><b>Any resolution.</b> The official model runs only at the resolution it was built for (its patch embedding
 * asserts the input size), because each stage's bias {@code relative_pos_x [heads, Nq, Nkv]} has one entry per
 * (query position, key/value position) pair of that resolution's grids. This port runs any input whose sides are
 * multiples of {@link Config#sizeMultiple()} (32 for every official variant), square or not: when the stage grids
 * differ from the configured ones, each stage's bias is resized for that forward pass with
 * {@link #resizeRelativePositionBias} (the parameter itself is not changed); a checkpoint built at another size is
 * adapted once, when loading, by {@link #adaptCheckpoint}. At the configured size both are the exact identity.
 * Without fine-tuning at the new size expect a measurable accuracy drop (typically a few points of top-1 for large
 * changes); fine-tuning at the new size, starting from the resized biases, is the proper route. See
 * {@code docs/cmt.md}.
 *
 * <p>Layout (spec B4): stem ({@code stem_conv1..3}, each conv followed by GELU then BatchNorm) at stride 2; stage
 * {@code j} = {@link PatchAggregation} {@code patch_embed_j} then {@code depths[j]} {@link CmtBlock}s
 * {@code blocks_j.k} sharing the stage bias {@code relative_pos_j}; head {@code _fc, _bn}, Swish, average pool,
 * dropout {@code headDropRate}, {@code head}.
 */
public final class Cmt extends ClassificationModel {

    /** Stage letters used in the official key names ({@code patch_embed_a}, {@code blocks_b.0}, ...). */
    private static final String[] STAGE = {"a", "b", "c", "d"};
    /**
     * Mode 3 of the engine's {@code interpolation} (0 nearest, 1 bilinear, 2 area, 3 bicubic): antialiased bicubic,
     * a = -0.5, as checked against an independent implementation in the tests.
     */
    private static final int BICUBIC = 3;

    /**
     * Hyper-parameters of a CMT (spec B1). Every array has one entry per stage (a, b, c, d).
     *
     * @param imgSize the square input side the model is built for; it fixes the shapes of the relative-position
     *     biases ({@code relative_pos_j [numHeads[j], (imgSize/s_j)^2, (imgSize/s_j/srRatios[j])^2]} with
     *     {@code s_j = 4, 8, 16, 32}); a multiple of {@link #sizeMultiple()}
     * @param embedDims token width of each stage
     * @param stemChannel width of the three stem convolutions
     * @param numHeads attention heads of each stage (each width must be divisible by its heads)
     * @param mlpRatios IRFFN hidden width / token width; the hidden width is {@code (int) (dim * ratio)}, truncated
     *     as Python's {@code int()}
     * @param depths number of CMT blocks of each stage (at least 1)
     * @param srRatios key/value spatial reduction of each stage's attention (1 = none)
     * @param fcDim width of the head's 1x1 conv ({@code _fc}, 1280 in every official variant)
     * @param numClasses outputs of the classifier {@code head}
     * @param dropPathRate stochastic depth of the last block (linear from 0 over all blocks; training only)
     * @param headDropRate dropout before {@code head} ({@code dp}: 0.1, or 0.3 for CMT-B; training only)
     */
    public record Config(int imgSize, int[] embedDims, int stemChannel, int[] numHeads, double[] mlpRatios,
                         int[] depths, int[] srRatios, int fcDim, int numClasses, float dropPathRate,
                         float headDropRate) {

        /** Validates the combination with messages a user can act on, and copies the arrays. */
        public Config {
            requireFour("embedDims", embedDims == null ? -1 : embedDims.length);
            requireFour("numHeads", numHeads == null ? -1 : numHeads.length);
            requireFour("mlpRatios", mlpRatios == null ? -1 : mlpRatios.length);
            requireFour("depths", depths == null ? -1 : depths.length);
            requireFour("srRatios", srRatios == null ? -1 : srRatios.length);
            embedDims = embedDims.clone();
            numHeads = numHeads.clone();
            mlpRatios = mlpRatios.clone();
            depths = depths.clone();
            srRatios = srRatios.clone();
            if (stemChannel < 1 || fcDim < 1) {
                throw new HybridVisionException("CMT stem channel and fc dim must be positive, got " + stemChannel
                        + " and " + fcDim);
            }
            for (int j = 0; j < 4; j++) {
                String st = "stage " + STAGE[j];
                if (embedDims[j] < 1 || numHeads[j] < 1 || embedDims[j] % numHeads[j] != 0) {
                    throw new HybridVisionException("CMT " + st + ": embed dim " + embedDims[j]
                            + " must be a positive multiple of its " + numHeads[j] + " heads");
                }
                if (depths[j] < 1) {
                    throw new HybridVisionException("CMT " + st + ": depth must be at least 1, got " + depths[j]);
                }
                if (srRatios[j] < 1) {
                    throw new HybridVisionException("CMT " + st + ": sr ratio must be at least 1, got "
                            + srRatios[j]);
                }
                if (!(mlpRatios[j] > 0) || (int) (embedDims[j] * mlpRatios[j]) < 1) {
                    throw new HybridVisionException("CMT " + st + ": mlp ratio " + mlpRatios[j]
                            + " gives no hidden units for width " + embedDims[j]);
                }
            }
            if (numClasses < 1) {
                throw new HybridVisionException("number of classes must be at least 1, got " + numClasses);
            }
            if (dropPathRate < 0 || dropPathRate >= 1) {
                throw new HybridVisionException("drop-path rate must be in [0, 1), got " + dropPathRate);
            }
            if (headDropRate < 0 || headDropRate >= 1) {
                throw new HybridVisionException("head dropout rate must be in [0, 1), got " + headDropRate);
            }
            int multiple = sizeMultiple(srRatios);
            if (imgSize < multiple || imgSize % multiple != 0) {
                throw new HybridVisionException("CMT img size must be a positive multiple of " + multiple
                        + " (stem stride 2, four 2x2 patch aggregations and the key/value reductions "
                        + Arrays.toString(srRatios) + " must divide it exactly), got " + imgSize);
            }
        }

        private static void requireFour(String name, int length) {
            if (length != 4) {
                throw new HybridVisionException("CMT " + name + " needs one value per stage (4), got "
                        + (length < 0 ? "none" : String.valueOf(length)));
            }
        }

        /** CMT-Ti ({@code cmt_ti}), built for 160 px, 1000 classes. */
        public static Config ti() {
            return official(160, new int[] {46, 92, 184, 368}, 16, 3.6, new int[] {2, 2, 10, 2}, 0.1f);
        }

        /** CMT-XS ({@code cmt_xs}), built for 192 px, 1000 classes (mlp ratio 3.77 as in the code). */
        public static Config xs() {
            return official(192, new int[] {52, 104, 208, 416}, 16, 3.77, new int[] {3, 3, 12, 3}, 0.1f);
        }

        /** CMT-S ({@code cmt_s}), built for 224 px, 1000 classes. */
        public static Config s() {
            return official(224, new int[] {64, 128, 256, 512}, 32, 4.0, new int[] {3, 3, 16, 3}, 0.1f);
        }

        /** CMT-B ({@code cmt_b}), built for 256 px, 1000 classes (head dropout 0.3). */
        public static Config b() {
            return official(256, new int[] {76, 152, 304, 608}, 38, 4.0, new int[] {4, 4, 20, 4}, 0.3f);
        }

        private static Config official(int img, int[] dims, int stem, double ratio, int[] depths, float dp) {
            return new Config(img, dims, stem, new int[] {1, 2, 4, 8}, new double[] {ratio, ratio, ratio, ratio},
                    depths, new int[] {8, 4, 2, 1}, 1280, 1000, 0f, dp);
        }

        /** @return the same configuration built for another (square) input size */
        public Config withImgSize(int size) {
            return new Config(size, embedDims, stemChannel, numHeads, mlpRatios, depths, srRatios, fcDim, numClasses,
                    dropPathRate, headDropRate);
        }

        /** @return the same configuration with another class count */
        public Config withNumClasses(int n) {
            return new Config(imgSize, embedDims, stemChannel, numHeads, mlpRatios, depths, srRatios, fcDim, n,
                    dropPathRate, headDropRate);
        }

        /** @return the same configuration with another drop-path rate */
        public Config withDropPathRate(float r) {
            return new Config(imgSize, embedDims, stemChannel, numHeads, mlpRatios, depths, srRatios, fcDim,
                    numClasses, r, headDropRate);
        }

        /** @return the same configuration with another head dropout rate */
        public Config withHeadDropRate(float r) {
            return new Config(imgSize, embedDims, stemChannel, numHeads, mlpRatios, depths, srRatios, fcDim,
                    numClasses, dropPathRate, r);
        }

        /** @return stride of stage {@code j} (0..3) relative to the input: 4, 8, 16, 32 */
        public static int stageStride(int j) {
            return 4 << j;
        }

        /** @return IRFFN hidden width of stage {@code j}: {@code int(dim * mlp_ratio)} */
        public int hiddenDim(int j) {
            return (int) (embedDims[j] * mlpRatios[j]);
        }

        /** @return side of stage {@code j}'s query grid at {@link #imgSize()} */
        public int queryGrid(int j) {
            return imgSize / stageStride(j);
        }

        /** @return side of stage {@code j}'s key/value grid at {@link #imgSize()} */
        public int keyGrid(int j) {
            return queryGrid(j) / srRatios[j];
        }

        /**
         * The granularity of supported input sides: the least common multiple of 32 (stem stride 2 and four 2x2
         * patch aggregations) and {@code s_j * srRatios[j]} for every stage (the key/value reduction must tile the
         * stage grid exactly). 32 for every official variant.
         */
        public int sizeMultiple() {
            return sizeMultiple(srRatios);
        }

        private static int sizeMultiple(int[] sr) {
            long m = 32;
            for (int j = 0; j < 4; j++) {
                long s = (long) stageStride(j) * sr[j];
                m = m / gcd(m, s) * s;
            }
            if (m > Integer.MAX_VALUE / 4) {
                throw new HybridVisionException("CMT sr ratios " + Arrays.toString(sr) + " are too large");
            }
            return (int) m;
        }

        private static long gcd(long a, long b) {
            return b == 0 ? a : gcd(b, a % b);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && imgSize == c.imgSize && stemChannel == c.stemChannel && fcDim == c.fcDim
                    && numClasses == c.numClasses && dropPathRate == c.dropPathRate
                    && headDropRate == c.headDropRate && Arrays.equals(embedDims, c.embedDims)
                    && Arrays.equals(numHeads, c.numHeads) && Arrays.equals(mlpRatios, c.mlpRatios)
                    && Arrays.equals(depths, c.depths) && Arrays.equals(srRatios, c.srRatios);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new int[] {imgSize, Arrays.hashCode(embedDims), stemChannel,
                Arrays.hashCode(numHeads), Arrays.hashCode(mlpRatios), Arrays.hashCode(depths),
                Arrays.hashCode(srRatios), fcDim, numClasses, Float.hashCode(dropPathRate),
                Float.hashCode(headDropRate)});
        }

        @Override
        public String toString() {
            return "Cmt.Config[imgSize=" + imgSize + ", embedDims=" + Arrays.toString(embedDims) + ", stemChannel="
                    + stemChannel + ", numHeads=" + Arrays.toString(numHeads) + ", mlpRatios="
                    + Arrays.toString(mlpRatios) + ", depths=" + Arrays.toString(depths) + ", srRatios="
                    + Arrays.toString(srRatios) + ", fcDim=" + fcDim + ", numClasses=" + numClasses
                    + ", dropPathRate=" + dropPathRate + ", headDropRate=" + headDropRate + "]";
        }
    }

    /** Registers the four official variants at their native resolutions (spec B1, B8). */
    static void register(Map<String, ModelSpec> registry) {
        variant(registry, "cmt_ti", Config.ti(), 9_492_426L, 0.6, 79.0, "CMT-Ti (9.5 M, 160 px)");
        variant(registry, "cmt_xs", Config.xs(), 15_247_208L, 1.5, 81.8, "CMT-XS (15.2 M, 192 px)");
        variant(registry, "cmt_s", Config.s(), 26_256_160L, 4.0, 83.5,
                "CMT-S (26.3 M in the code, 25.1 M in the paper; 224 px)");
        variant(registry, "cmt_b", Config.b(), 45_715_076L, 9.3, 84.5, "CMT-B (45.7 M, 256 px)");
    }

    private static void variant(Map<String, ModelSpec> registry, String name, Config cfg, long params, double gmacs,
                                double top1, String description) {
        // the official evaluation resizes the shorter side to int(256/224 * res), then centre-crops res
        registry.put(name, new ModelSpec(name, "cmt", classes -> new Cmt(cfg.withNumClasses(classes)),
                cfg.imgSize(), 224f / 256f, ModelSpec.IMAGENET_MEAN, ModelSpec.IMAGENET_STD, 1000, params, gmacs,
                top1, description));
    }

    private final Config cfg;
    private final Parameter[] relativePos = new Parameter[4];
    private final Conv2d stemConv1;
    private final BatchNorm2d stemNorm1;
    private final Conv2d stemConv2;
    private final BatchNorm2d stemNorm2;
    private final Conv2d stemConv3;
    private final BatchNorm2d stemNorm3;
    private final PatchAggregation[] patchEmbed = new PatchAggregation[4];
    private final List<List<CmtBlock>> blocks = new ArrayList<>();
    private final Conv2d fc;
    private final BatchNorm2d bn;
    private final Linear head;

    /** Builds a randomly initialised CMT (call {@link #initializeTensors} or load weights before use). */
    public Cmt(Config cfg) {
        this.cfg = cfg;
        int[] dims = cfg.embedDims();
        int stem = cfg.stemChannel();
        // registration order = the official state_dict order (spec Appendix B): the root parameters first
        for (int j = 0; j < 4; j++) {
            relativePos[j] = parameter("relative_pos_" + STAGE[j], relativePosShape(cfg, j), Init.normal(1f));
        }
        stemConv1 = register("stem_conv1", Conv2d.builder(3, stem, 3).stride(2).padding(1).bias(Init.ZEROS).build());
        stemNorm1 = register("stem_norm1", new BatchNorm2d(stem, 1e-5f));
        stemConv2 = register("stem_conv2", Conv2d.builder(stem, stem, 3).padding(1).bias(Init.ZEROS).build());
        stemNorm2 = register("stem_norm2", new BatchNorm2d(stem, 1e-5f));
        stemConv3 = register("stem_conv3", Conv2d.builder(stem, stem, 3).padding(1).bias(Init.ZEROS).build());
        stemNorm3 = register("stem_norm3", new BatchNorm2d(stem, 1e-5f));
        for (int j = 0; j < 4; j++) {
            patchEmbed[j] = register("patch_embed_" + STAGE[j], new PatchAggregation(j == 0 ? stem : dims[j - 1],
                    dims[j]));
        }
        int total = Arrays.stream(cfg.depths()).sum();
        int cur = 0;
        for (int j = 0; j < 4; j++) {
            List<CmtBlock> stage = new ArrayList<>();
            for (int k = 0; k < cfg.depths()[j]; k++, cur++) {
                float dpr = total == 1 ? 0f : cfg.dropPathRate() * cur / (total - 1);
                stage.add(register("blocks_" + STAGE[j] + "." + k, new CmtBlock(dims[j], cfg.numHeads()[j],
                        cfg.hiddenDim(j), cfg.srRatios()[j], dpr)));
            }
            blocks.add(stage);
        }
        fc = register("_fc", Conv2d.builder(dims[3], cfg.fcDim(), 1).bias(Init.ZEROS).build());
        bn = register("_bn", new BatchNorm2d(cfg.fcDim(), 1e-5f));
        head = register("head", new Linear(cfg.fcDim(), cfg.numClasses(), true));
    }

    private static Shape relativePosShape(Config cfg, int j) {
        long q = cfg.queryGrid(j);
        long k = cfg.keyGrid(j);
        return new Shape(cfg.numHeads()[j], q * q, k * k);
    }

    /** @return the configuration */
    public Config config() {
        return cfg;
    }

    @Override
    public int numClasses() {
        return cfg.numClasses();
    }

    @Override
    public List<String> classifierPrefixes() {
        return List.of("head.");
    }

    /**
     * Accepts sides that are positive multiples of {@link Config#sizeMultiple()} (32 for the official variants: 160,
     * 192, 224, 256, 288, 320, 384, ...), square or not.
     */
    @Override
    public void checkInputSize(long h, long w) {
        int m = cfg.sizeMultiple();
        if (h < m || w < m || h % m != 0 || w % m != 0) {
            throw new HybridVisionException("CMT needs input sides that are multiples of " + m + " (e.g. "
                    + m * Math.max(1, 160 / m) + ", " + m * Math.max(2, 224 / m) + ", " + m * Math.max(3, 256 / m)
                    + ", " + m * Math.max(4, 384 / m) + "; non-square sizes such as " + m * Math.max(1, 224 / m) + "x"
                    + m * Math.max(2, 320 / m) + " work too); got " + h + "x" + w
                    + ". This model was built for " + cfg.imgSize() + "x" + cfg.imgSize()
                    + "; other sizes run with resized relative-position biases. Resize or pad the image.");
        }
    }

    /**
     * Resizes one stage's relative-position bias to other query and key/value grids, for running or fine-tuning at
     * another input size. The bias {@code [heads, Hq*Wq, Hk*Wk]} is viewed as {@code [heads, Hq, Wq, Hk, Wk]} (both
     * grids row-major, spec 0.2) and resampled with <b>antialiased bicubic</b> interpolation, first over the query
     * grid {@code (Hq, Wq) -> (Hq', Wq')} for every (head, key) pair, then over the key/value grid
     * {@code (Hk, Wk) -> (Hk', Wk')} for every (head, new query) pair. Each axis uses PyTorch's
     * {@code F.interpolate(mode="bicubic", align_corners=False, antialias=True)} (the engine's bicubic mode): sample
     * positions at cell centres ({@code src = (dst + 0.5) * in / out}), the cubic filter with a = -0.5 (PIL's),
     * stretched by the reduction factor when a grid shrinks, weights renormalised at the borders. A grid whose size
     * does not change is not touched, so at the same sizes the result is the input itself (an exact identity).
     *
     * <p>The result (and every temporary) belongs to the manager of {@code bias}; gradients flow through it.
     *
     * @param bias {@code [heads, hq*wq, hk*wk]}
     * @param hq rows of the current query grid
     * @param wq columns of the current query grid
     * @param hk rows of the current key/value grid
     * @param wk columns of the current key/value grid
     * @param newHq rows of the new query grid
     * @param newWq columns of the new query grid
     * @param newHk rows of the new key/value grid
     * @param newWk columns of the new key/value grid
     * @return {@code [heads, newHq*newWq, newHk*newWk]}
     * @throws HybridVisionException if {@code bias} does not have the stated grids or a size is not positive
     */
    public static NDArray resizeRelativePositionBias(NDArray bias, int hq, int wq, int hk, int wk, int newHq,
                                                     int newWq, int newHk, int newWk) {
        long[] s = bias.getShape().getShape();
        if (s.length != 3 || s[1] != (long) hq * wq || s[2] != (long) hk * wk) {
            throw new HybridVisionException("relative-position bias " + bias.getShape() + " does not match query grid "
                    + hq + "x" + wq + " and key grid " + hk + "x" + wk);
        }
        if (Math.min(Math.min(newHq, newWq), Math.min(newHk, newWk)) < 1) {
            throw new HybridVisionException("cannot resize a relative-position bias to grids " + newHq + "x" + newWq
                    + " / " + newHk + "x" + newWk);
        }
        boolean queries = hq != newHq || wq != newWq;
        boolean keys = hk != newHk || wk != newWk;
        if (!queries && !keys) {
            return bias;
        }
        long heads = s[0];
        NDManager owner = bias.getManager();
        try (NDManager tmp = owner.newSubManager()) {
            NDArray t = bias;
            long nk = s[2];
            if (queries) {
                // [heads, Nq, Nk] -> [heads, Nk, Hq, Wq]: one (N, C) = (head, key) image over the query grid
                t = own(t.transpose(0, 2, 1), tmp);
                t = own(t.reshape(heads, nk, hq, wq), tmp);
                t = own(t.getNDArrayInternal().interpolation(new long[] {newHq, newWq}, BICUBIC, false), tmp);
                t = own(t.reshape(heads, nk, (long) newHq * newWq), tmp);
                t = own(t.transpose(0, 2, 1), tmp);
            }
            long nq = (long) newHq * newWq;
            if (keys) {
                // [heads, Nq', Nk] -> [heads, Nq', Hk, Wk]: one (head, query) image over the key grid
                t = own(t.reshape(heads, nq, hk, wk), tmp);
                t = own(t.getNDArrayInternal().interpolation(new long[] {newHk, newWk}, BICUBIC, false), tmp);
                t = own(t.reshape(heads, nq, (long) newHk * newWk), tmp);
            } else {
                t = own(t.reshape(heads, nq, nk), tmp); // a contiguous result, independent of the temporaries
            }
            t.attach(owner);
            return t;
        }
    }

    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /**
     * Adapts a CMT state dict to {@code target}: every {@code relative_pos_*} tensor whose shape differs from the
     * model's is resized with {@link #resizeRelativePositionBias} (its grids are inferred as squares, which holds for
     * every checkpoint of the official code and of this class, whose build size is square). Every other entry is
     * passed through unchanged, so a strict load still reports anything else that does not fit. This is the single
     * place where CMT checkpoints are remapped; at the model's own size it returns the same tensors.
     *
     * <p>New tensors belong to the manager of the tensor they replace (close it after loading).
     *
     * @param stateDict a CMT state dict (already unwrapped from the {@code model} key)
     * @param target the model to load into
     * @return a new ordered map with the same keys
     * @throws CheckpointException if a bias cannot be resized (its grids are not squares or its head count differs)
     */
    public static Map<String, NDArray> adaptCheckpoint(Map<String, NDArray> stateDict, Cmt target) {
        Map<String, NDArray> out = new LinkedHashMap<>(stateDict);
        Config c = target.cfg;
        for (int j = 0; j < 4; j++) {
            String key = "relative_pos_" + STAGE[j];
            NDArray src = stateDict.get(key);
            Shape want = target.relativePos[j].getShape();
            if (src == null || src.getShape().equals(want)) {
                continue;
            }
            long[] s = src.getShape().getShape();
            int q = s.length == 3 ? squareSide(s[1]) : -1;
            int k = s.length == 3 ? squareSide(s[2]) : -1;
            if (q < 0 || k < 0 || s[0] != want.get(0)) {
                throw new CheckpointException("checkpoint tensor " + key + " " + src.getShape() + " cannot be resized "
                        + "to " + want + ": expected [" + want.get(0) + ", H*H, K*K] (square query and key grids, "
                        + "same number of heads). Is it a CMT checkpoint of the same variant?");
            }
            if (src.getDataType() == DataType.FLOAT32) {
                out.put(key, resizeRelativePositionBias(src, q, q, k, k, c.queryGrid(j), c.queryGrid(j),
                        c.keyGrid(j), c.keyGrid(j)));
            } else { // e.g. a half-precision checkpoint: resize in fp32
                try (NDArray f32 = src.toType(DataType.FLOAT32, true)) {
                    out.put(key, resizeRelativePositionBias(f32, q, q, k, k, c.queryGrid(j), c.queryGrid(j),
                            c.keyGrid(j), c.keyGrid(j)));
                }
            }
        }
        return out;
    }

    private static int squareSide(long n) {
        long r = Math.round(Math.sqrt((double) n));
        return r >= 1 && r * r == n ? (int) r : -1;
    }

    /** Resizes the relative-position biases of a checkpoint built for another input size ({@link #adaptCheckpoint}). */
    @Override
    public Map<String, NDArray> adaptStateDict(Map<String, NDArray> stateDict) {
        return adaptCheckpoint(stateDict, this);
    }

    @Override
    public String describeConfig() {
        return cfg.toString();
    }

    /**
     * Loads a state dict (already unwrapped from the checkpoint's {@code model} key) into this model after adapting
     * its relative-position biases to this model's size ({@link #adaptCheckpoint}), with {@link WeightLoader}'s
     * strict / non-strict behaviour. Temporary resized tensors are freed before returning.
     *
     * @param stateDict tensors by PyTorch name (not modified; resized copies are temporary)
     * @param strict fail unless every key and shape matches after the bias adaptation (nothing is changed then)
     * @param source how to name the checkpoint in messages
     * @return what was loaded, missing, unexpected and mismatched
     */
    public WeightLoader.Report loadStateDict(Map<String, NDArray> stateDict, boolean strict, String source) {
        Map<String, NDArray> adapted = adaptCheckpoint(stateDict, this);
        try {
            return WeightLoader.load(this, adapted, strict, source);
        } finally {
            for (Map.Entry<String, NDArray> e : adapted.entrySet()) {
                if (e.getValue() != stateDict.get(e.getKey())) {
                    e.getValue().close();
                }
            }
        }
    }

    /** The stage maps and the final map of one pass. */
    private record Trunk(NDArray last, List<NDArray> features) {}

    private Trunk run(Ctx ctx, NDArray img, boolean keepFeatures, BiConsumer<String, NDArray> tap) {
        long[] s = img.getShape().getShape();
        if (s.length != 4 || s[1] != 3) {
            throw new HybridVisionException("expected an image batch [B, 3, H, W], got " + img.getShape());
        }
        checkInputSize(s[2], s[3]);
        NDArray x = geluThenBatchNorm(ctx, stemConv1.forward(ctx, img), stemNorm1);
        report(tap, "stem_norm1", x);
        x = geluThenBatchNorm(ctx, stemConv2.forward(ctx, x), stemNorm2);
        report(tap, "stem_norm2", x);
        x = geluThenBatchNorm(ctx, stemConv3.forward(ctx, x), stemNorm3);
        report(tap, "stem_norm3", x);
        List<NDArray> features = keepFeatures ? new ArrayList<>() : null;
        for (int j = 0; j < 4; j++) {
            NDArray tokens = patchEmbed[j].forward(ctx, x);
            report(tap, "patch_embed_" + STAGE[j], tokens);
            long h = x.getShape().get(2) / 2;
            long w = x.getShape().get(3) / 2;
            NDArray bias = stageBias(ctx, j, (int) h, (int) w, tokens);
            List<CmtBlock> stage = blocks.get(j);
            for (int k = 0; k < stage.size(); k++) {
                tokens = blockScoped(ctx, stage.get(k), tokens, h, w, bias);
                report(tap, "blocks_" + STAGE[j] + "." + k, tokens);
            }
            x = Tokens.toMap(tokens, h, w);
            if (keepFeatures) {
                features.add(x);
            }
        }
        return new Trunk(x, features);
    }

    /** Runs one block with its temporaries in a scope of their own (see {@link Scoped}). */
    private static NDArray blockScoped(Ctx ctx, CmtBlock block, NDArray tokens, long h, long w, NDArray bias) {
        return Scoped.run(new NDList(tokens), in -> new NDList(block.forward(ctx, in.head(), h, w, bias))).head();
    }

    private static void report(BiConsumer<String, NDArray> tap, String name, NDArray value) {
        if (tap != null) {
            tap.accept(name, value);
        }
    }

    /**
     * Stage {@code j}'s bias for an {@code h x w} stage grid: the parameter itself at the configured size, otherwise
     * a copy resized for this pass only and owned by the batch's manager.
     */
    private NDArray stageBias(Ctx ctx, int j, int h, int w, NDArray like) {
        NDArray p = ctx.value(relativePos[j], like);
        int q = cfg.queryGrid(j);
        int k = cfg.keyGrid(j);
        int sr = cfg.srRatios()[j];
        if (h == q && w == q) {
            return p;
        }
        NDArray r = resizeRelativePositionBias(p, q, q, k, k, h, w, h / sr, w / sr);
        r.attach(like.getManager()); // never leave per-batch tensors in the model's manager (memory trap 1)
        return r;
    }

    private NDArray classify(Ctx ctx, NDArray map, BiConsumer<String, NDArray> tap) {
        NDArray y = bn.forward(ctx, fc.forward(ctx, map));
        report(tap, "_bn", y);
        y = y.mul(Activation.sigmoid(y)); // Swish
        report(tap, "_swish", y);
        y = Pool.globalAvgPool2d(y);
        if (ctx.training() && cfg.headDropRate() > 0f) {
            y = Dropout.dropout(y, cfg.headDropRate(), true).singletonOrThrow();
        }
        NDArray logits = head.forward(ctx, y);
        report(tap, "head", logits);
        return logits;
    }

    @Override
    public Output forwardHeads(Ctx ctx, NDArray images) {
        NDArray logits = classify(ctx, run(ctx, images, false, null).last(), null);
        return new Output(logits, heads("logits", logits));
    }

    /**
     * Forward pass that also reports intermediate results, named as the official modules (the names a PyTorch
     * forward hook would see): {@code stem_norm1..3} (maps), {@code patch_embed_a..d} (tokens after the LayerNorm),
     * {@code blocks_x.k} (tokens), {@code _bn}, {@code _swish} (maps) and {@code head} (logits). For debugging and
     * parity checks; the reported arrays belong to the pass and must not be closed by the consumer.
     *
     * @param ctx parameter access and train/eval mode
     * @param images {@code [B, 3, H, W]}, normalised
     * @param tap receives (name, value) in execution order
     * @return the logits
     */
    public NDArray forwardTraced(Ctx ctx, NDArray images, BiConsumer<String, NDArray> tap) {
        return classify(ctx, run(ctx, images, false, tap).last(), tap);
    }

    /**
     * The four stage outputs as dense maps, after each stage's last block: {@code [B, embedDims[j], H/s, W/s]} at
     * strides {@code s} = 4, 8, 16, 32 (e.g. 64/128/256/512 channels for CMT-S). The head is not run.
     */
    @Override
    public List<NDArray> features(Ctx ctx, NDArray images) {
        return run(ctx, images, true, null).features();
    }

    /**
     * The activation-before-normalisation order used throughout CMT (stem, IRFFN; spec B10.5): {@code bn(GELU(x))}.
     * Not the conv-BN-activation order of ResNet-style blocks.
     */
    static NDArray geluThenBatchNorm(Ctx ctx, NDArray x, BatchNorm2d bn) {
        return bn.forward(ctx, Activation.gelu(x));
    }

    /**
     * {@code nn.Sequential(Conv2d, GELU, BatchNorm2d)} with keys {@code 0} (conv) and {@code 2} (BN; index 1 is the
     * parameter-free GELU): the expand stage of the IRFFN ({@code mlp.conv1}). Activation before BN (spec B3.5).
     */
    public static final class ConvGeluBn extends Module {
        private final Conv2d conv;
        private final BatchNorm2d bn;

        /**
         * @param conv the convolution
         * @param channels its output channels (BN eps 1e-5)
         */
        public ConvGeluBn(Conv2d conv, int channels) {
            this.conv = register("0", conv);
            this.bn = register("2", new BatchNorm2d(channels, 1e-5f));
        }

        /** @return {@code bn(GELU(conv(x)))} */
        public NDArray forward(Ctx ctx, NDArray x) {
            return geluThenBatchNorm(ctx, conv.forward(ctx, x), bn);
        }

        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            return new NDList(forward(ctx, inputs.singletonOrThrow()));
        }
    }

    /**
     * {@code nn.Sequential(Conv2d, BatchNorm2d)} with keys {@code 0} and {@code 1}, no activation: the IRFFN
     * projection ({@code mlp.conv2}) and the attention's key/value reduction ({@code attn.sr}).
     */
    public static final class ConvBn extends Module {
        private final Conv2d conv;
        private final BatchNorm2d bn;

        /**
         * @param conv the convolution
         * @param channels its output channels (BN eps 1e-5)
         */
        public ConvBn(Conv2d conv, int channels) {
            this.conv = register("0", conv);
            this.bn = register("1", new BatchNorm2d(channels, 1e-5f));
        }

        /** @return {@code bn(conv(x))} */
        public NDArray forward(Ctx ctx, NDArray x) {
            return bn.forward(ctx, conv.forward(ctx, x));
        }

        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            return new NDList(forward(ctx, inputs.singletonOrThrow()));
        }
    }

    /**
     * Patch aggregation (spec B3.2, {@code patch_embed_x}): a 2x2 stride-2 conv with bias ({@code proj}), flattened
     * to tokens, LayerNorm with eps 1e-5 ({@code norm}; the blocks use 1e-6). Unlike the official module it does
     * not assert the input size.
     */
    public static final class PatchAggregation extends Module {
        private final Conv2d proj;
        private final LayerNorm norm;

        /**
         * @param in input channels
         * @param dim output token width
         */
        public PatchAggregation(int in, int dim) {
            proj = register("proj", Conv2d.builder(in, dim, 2).stride(2).bias(Init.ZEROS).build());
            norm = register("norm", new LayerNorm(dim, 1e-5f));
        }

        /** @return tokens {@code [B, (H/2)*(W/2), dim]} of the map {@code [B, in, H, W]} */
        public NDArray forward(Ctx ctx, NDArray map) {
            return norm.forward(ctx, Tokens.fromMap(proj.forward(ctx, map)));
        }

        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            return new NDList(forward(ctx, inputs.singletonOrThrow()));
        }
    }

    /**
     * Lightweight multi-head self-attention (LMHSA, spec B3.4, key {@code attn}): separate {@code q}, {@code k},
     * {@code v} projections (all with bias) and {@code proj}; keys and values come from the tokens spatially reduced
     * by {@code sr} (depthwise conv, kernel = stride = sr, then BatchNorm; no LayerNorm) when sr &gt; 1;
     * {@code softmax(Q K^T hd^-0.5 + R) V} with the stage's relative-position bias {@code R}.
     */
    public static final class LightweightAttention extends Module {
        private final Linear q;
        private final Linear k;
        private final Linear v;
        private final Linear proj;
        private final ConvBn sr;
        private final int heads;
        private final float scale;

        /**
         * @param dim token width
         * @param heads attention heads
         * @param srRatio key/value spatial reduction (1 = none)
         */
        public LightweightAttention(int dim, int heads, int srRatio) {
            this.heads = heads;
            this.scale = (float) Math.pow(dim / heads, -0.5);
            q = register("q", new Linear(dim, dim, true));
            k = register("k", new Linear(dim, dim, true));
            v = register("v", new Linear(dim, dim, true));
            proj = register("proj", new Linear(dim, dim, true));
            sr = srRatio > 1 ? register("sr", new ConvBn(Conv2d.builder(dim, dim, srRatio).stride(srRatio)
                    .groups(dim).bias(Init.ZEROS).build(), dim)) : null;
        }

        /**
         * @param x normalised tokens {@code [B, h*w, dim]}
         * @param bias {@code [heads, h*w, Nkv]} added to the scaled scores
         * @return {@code [B, h*w, dim]}
         */
        public NDArray forward(Ctx ctx, NDArray x, long h, long w, NDArray bias) {
            NDArray query = MultiHead.split(q.forward(ctx, x), heads);
            NDArray kv = sr == null ? x : Tokens.fromMap(sr.forward(ctx, Tokens.toMap(x, h, w)));
            NDArray key = MultiHead.split(k.forward(ctx, kv), heads);
            NDArray value = MultiHead.split(v.forward(ctx, kv), heads);
            return proj.forward(ctx, MultiHead.merge(MultiHead.attend(query, key, value, scale, bias)));
        }

        /** Inputs: tokens, a {@code [h, w]} int array, the bias. */
        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            long[] hw = inputs.get(1).toLongArray();
            return new NDList(forward(ctx, inputs.get(0), hw[0], hw[1], inputs.get(2)));
        }
    }

    /**
     * Inverted residual feed-forward network (IRFFN, spec B3.5, key {@code mlp}): 1x1 expand conv then GELU then BN
     * ({@code conv1.0}, {@code conv1.2}); depthwise 3x3 conv ({@code proj}) with a residual around it; GELU then BN
     * ({@code proj_bn}); 1x1 projection conv then BN ({@code conv2.0}, {@code conv2.1}). Runs on the token grid as a
     * map.
     */
    public static final class InvertedResidualFfn extends Module {
        private final ConvGeluBn conv1;
        private final Conv2d proj;
        private final BatchNorm2d projBn;
        private final ConvBn conv2;

        /**
         * @param dim token width
         * @param hidden expanded width
         */
        public InvertedResidualFfn(int dim, int hidden) {
            conv1 = register("conv1", new ConvGeluBn(Conv2d.builder(dim, hidden, 1).bias(Init.ZEROS).build(), hidden));
            proj = register("proj", Conv2d.builder(hidden, hidden, 3).padding(1).groups(hidden).bias(Init.ZEROS)
                    .build());
            projBn = register("proj_bn", new BatchNorm2d(hidden, 1e-5f));
            conv2 = register("conv2", new ConvBn(Conv2d.builder(hidden, dim, 1).bias(Init.ZEROS).build(), dim));
        }

        /** @return tokens {@code [B, h*w, dim]} from tokens {@code [B, h*w, dim]} on an {@code h x w} grid */
        public NDArray forward(Ctx ctx, NDArray x, long h, long w) {
            NDArray u = conv1.forward(ctx, Tokens.toMap(x, h, w));
            u = proj.forward(ctx, u).add(u);
            u = geluThenBatchNorm(ctx, u, projBn);
            return Tokens.fromMap(conv2.forward(ctx, u));
        }

        /** Inputs: tokens and a {@code [h, w]} int array. */
        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            long[] hw = inputs.get(1).toLongArray();
            return new NDList(forward(ctx, inputs.get(0), hw[0], hw[1]));
        }
    }

    /**
     * CMT block (spec B3.3, key {@code blocks_x.k}): the local perception unit (LPU: a depthwise 3x3 conv with bias,
     * key {@code proj}, added to its input; no norm, activation or drop-path), then pre-norm
     * {@link LightweightAttention} ({@code norm1}, LN eps 1e-6) and pre-norm {@link InvertedResidualFfn}
     * ({@code norm2}, LN eps 1e-6), each residual branch with drop-path.
     */
    public static final class CmtBlock extends Module {
        private final LayerNorm norm1;
        private final LightweightAttention attn;
        private final LayerNorm norm2;
        private final InvertedResidualFfn mlp;
        private final Conv2d localPerception;
        private final DropPath dropPath;

        /**
         * @param dim token width
         * @param heads attention heads
         * @param hidden IRFFN hidden width
         * @param srRatio key/value reduction of the attention
         * @param dropPath stochastic-depth rate of both residual branches
         */
        public CmtBlock(int dim, int heads, int hidden, int srRatio, float dropPath) {
            norm1 = register("norm1", new LayerNorm(dim, 1e-6f));
            attn = register("attn", new LightweightAttention(dim, heads, srRatio));
            norm2 = register("norm2", new LayerNorm(dim, 1e-6f));
            mlp = register("mlp", new InvertedResidualFfn(dim, hidden));
            localPerception = register("proj", Conv2d.builder(dim, dim, 3).padding(1).groups(dim).bias(Init.ZEROS)
                    .build());
            this.dropPath = new DropPath(dropPath);
        }

        /**
         * @param x tokens {@code [B, h*w, dim]}
         * @param bias the stage's relative-position bias for this grid
         * @return tokens {@code [B, h*w, dim]}
         */
        public NDArray forward(Ctx ctx, NDArray x, long h, long w, NDArray bias) {
            NDArray m = Tokens.toMap(x, h, w);
            x = Tokens.fromMap(localPerception.forward(ctx, m).add(m));
            x = x.add(dropPath.apply(attn.forward(ctx, norm1.forward(ctx, x), h, w, bias), ctx));
            return x.add(dropPath.apply(mlp.forward(ctx, norm2.forward(ctx, x), h, w), ctx));
        }

        /** Inputs: tokens, a {@code [h, w]} int array, the bias. */
        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            long[] hw = inputs.get(1).toLongArray();
            return new NDList(forward(ctx, inputs.get(0), hw[0], hw[1], inputs.get(2)));
        }
    }
}
