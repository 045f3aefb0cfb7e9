package org.hybridvision.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import org.hybridvision.HybridVisionException;
import org.hybridvision.layers.BatchNorm2d;
import org.hybridvision.layers.ChannelsLast;
import org.hybridvision.layers.Conv2d;
import org.hybridvision.layers.Init;
import org.hybridvision.layers.LayerNorm;
import org.hybridvision.layers.Linear;
import org.hybridvision.layers.Module;
import org.hybridvision.layers.Scoped;
import org.hybridvision.layers.Tokens;
import org.hybridvision.layers.TransformerBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * Conformer (Peng et al., ICCV 2021): a ResNet-style CNN branch and a ViT branch run side by side and exchange
 * features in every stage through Feature Coupling Units; two classifiers whose logits are summed for prediction.
 * A faithful port of the official model (spec Part A): parameter names, shapes, epsilons and quirks (A10) match, so
 * official checkpoints load unchanged and give the same logits.
 *
 * <p>Layout (spec A2/A4): stem ({@code conv1, bn1}, max-pool) gives {@code x_base} at stride 4; {@code conv_1} and
 * {@code trans_1} (on a {@code trans_patch_conv} embedding of {@code x_base}) form stage 1; stages 2..depth are
 * {@link ConvTransBlock}s. Stage groups of {@code depth/3} blocks run at strides 4, 8 and 16; the last fusion block
 * downsamples to 32.
 */
public final class Conformer extends ClassificationModel {

    /**
     * Hyper-parameters of a Conformer (spec A1).
     *
     * @param patchSize 16 or 32: token stride; the input sides must be multiples of it
     * @param channelRatio CNN width multiplier: stage widths are 64*ratio, 128*ratio, 256*ratio
     * @param embedDim token width E
     * @param depth number of stages including stage 1; a multiple of 3, at least 6
     * @param numHeads attention heads
     * @param mlpRatio transformer MLP hidden width / E
     * @param qkvBias bias on the qkv projection (true in every official variant)
     * @param numClasses classes of both heads
     * @param dropPathRate stochastic depth of the last transformer block (linear from 0)
     */
    public record Config(int patchSize, double channelRatio, int embedDim, int depth, int numHeads, double mlpRatio,
                         boolean qkvBias, int numClasses, float dropPathRate) {

        /** Validates the combination with messages a user can act on. */
        public Config {
            if (patchSize % 4 != 0 || patchSize < 8) {
                throw new HybridVisionException("Conformer patch size must be a multiple of 4 (16 or 32), got " + patchSize);
            }
            if (depth % 3 != 0 || depth < 6) {
                throw new HybridVisionException("Conformer depth must be a multiple of 3 and at least 6, got " + depth);
            }
            if (embedDim % numHeads != 0) {
                throw new HybridVisionException("embed dim " + embedDim + " is not divisible by " + numHeads + " heads");
            }
            if ((int) (64 * channelRatio) < 4 || (int) (64 * channelRatio) % 4 != 0) {
                throw new HybridVisionException("channel ratio " + channelRatio + " gives a CNN width of "
                        + (int) (64 * channelRatio) + "; it must be a positive multiple of 4");
            }
            if (numClasses < 1) {
                throw new HybridVisionException("number of classes must be at least 1, got " + numClasses);
            }
            if (dropPathRate < 0 || dropPathRate >= 1) {
                throw new HybridVisionException("drop-path rate must be in [0, 1), got " + dropPathRate);
            }
        }

        /** @return the same configuration with another class count */
        public Config withNumClasses(int n) {
            return new Config(patchSize, channelRatio, embedDim, depth, numHeads, mlpRatio, qkvBias, n, dropPathRate);
        }

        /** @return the same configuration with another drop-path rate */
        public Config withDropPathRate(float r) {
            return new Config(patchSize, channelRatio, embedDim, depth, numHeads, mlpRatio, qkvBias, numClasses, r);
        }
    }

    private static final int BASE_CHANNEL = 64;

    private final Config cfg;
    private final Parameter clsToken;
    private final LayerNorm transNorm;
    private final Linear transClsHead;
    private final Linear convClsHead;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ConvBlock convStage1;
    private final Conv2d transPatchConv;
    private final TransformerBlock trans1;
    private final List<ConvTransBlock> stages = new ArrayList<>();
    /** Indices into {@link #stages} whose CNN outputs are the stride 4/8/16/32 features (spec A9). */
    private final int[] featureStages;

    /** Builds a randomly initialised Conformer (call {@link #initializeTensors} or load weights before use). */
    public Conformer(Config cfg) {
        this.cfg = cfg;
        int e = cfg.embedDim();
        int c1 = (int) (BASE_CHANNEL * cfg.channelRatio());
        int c2 = 2 * c1;
        int c3 = 4 * c1;
        int dw = cfg.patchSize() / 4;
        int group = cfg.depth() / 3;
        float[] dpr = linspace(cfg.dropPathRate(), cfg.depth());

        // registration order = official state_dict order (Appendix A)
        clsToken = parameter("cls_token", new Shape(1, 1, e), Init.normal(0.02f));
        transNorm = register("trans_norm", new LayerNorm(e, 1e-5f));
        transClsHead = register("trans_cls_head", new Linear(e, cfg.numClasses(), true));
        convClsHead = register("conv_cls_head", new Linear(c3, cfg.numClasses(), true));
        conv1 = register("conv1", Conv2d.builder(3, 64, 7).stride(2).padding(3).build());
        bn1 = register("bn1", new BatchNorm2d(64, 1e-5f));
        convStage1 = register("conv_1", new ConvBlock(64, c1, 1, true));
        transPatchConv = register("trans_patch_conv", Conv2d.builder(64, e, dw).stride(dw).bias().build());
        trans1 = register("trans_1", block(0f));

        int i = 2;
        for (int k = 0; k < group - 1; k++, i++) {
            stages.add(register("conv_trans_" + i, new ConvTransBlock(c1, c1, false, 1, dw, false, e, block(dpr[i - 1]))));
        }
        for (int k = 0; k < group; k++, i++) {
            boolean first = k == 0;
            stages.add(register("conv_trans_" + i, new ConvTransBlock(first ? c1 : c2, c2, first, first ? 2 : 1,
                    dw / 2, false, e, block(dpr[i - 1]))));
        }
        for (int k = 0; k < group; k++, i++) {
            boolean first = k == 0;
            stages.add(register("conv_trans_" + i, new ConvTransBlock(first ? c2 : c3, c3, first, first ? 2 : 1,
                    dw / 4, i == cfg.depth(), e, block(dpr[i - 1]))));
        }
        int n = stages.size();
        featureStages = new int[] {group - 2, 2 * group - 2, n - 2, n - 1};
    }

    private TransformerBlock block(float dropPath) {
        return new TransformerBlock(cfg.embedDim(), cfg.numHeads(), cfg.mlpRatio(), cfg.qkvBias(), dropPath);
    }

    private static float[] linspace(float end, int n) {
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = n == 1 ? 0f : end * k / (n - 1);
        }
        return out;
    }

    /** @return the configuration */
    public Config config() {
        return cfg;
    }

    @Override
    public String describeConfig() {
        return cfg.toString();
    }

    @Override
    public int numClasses() {
        return cfg.numClasses();
    }

    @Override
    public List<String> classifierPrefixes() {
        return List.of("trans_cls_head.", "conv_cls_head.");
    }

    @Override
    public void checkInputSize(long h, long w) {
        int p = cfg.patchSize();
        if (h < p || w < p || h % p != 0 || w % p != 0) {
            throw new HybridVisionException("Conformer with patch size " + p + " needs input sides that are multiples of "
                    + p + " (e.g. 224, 256, 320, 384 for patch 16); got " + h + "x" + w
                    + ". Resize or pad the image to such a size.");
        }
    }

    /** The two branches after the last stage: CNN map and tokens. */
    private record Branches(NDArray map, NDArray tokens, List<NDArray> features) {}

    private Branches run(Ctx ctx, NDArray img, boolean keepFeatures) {
        return run(ctx, img, keepFeatures, null);
    }

    /**
     * Intermediate outputs named after the official module paths ({@code maxpool}, {@code conv_1},
     * {@code trans_patch_conv}, {@code trans_1}, {@code conv_trans_i__out0} (CNN map) / {@code __out1} (tokens),
     * {@code trans_norm}), for comparing a port stage by stage against PyTorch forward hooks.
     */
    public java.util.LinkedHashMap<String, NDArray> trace(Ctx ctx, NDArray images) {
        java.util.LinkedHashMap<String, NDArray> out = new java.util.LinkedHashMap<>();
        Branches b = run(ctx, images, false, out);
        out.put("trans_norm", transNorm.forward(ctx, b.tokens()));
        return out;
    }

    private Branches run(Ctx ctx, NDArray img, boolean keepFeatures, java.util.Map<String, NDArray> trace) {
        long[] s = img.getShape().getShape();
        if (s.length != 4 || s[1] != 3) {
            throw new HybridVisionException("expected an image batch [B, 3, H, W], got " + img.getShape());
        }
        checkInputSize(s[2], s[3]);
        // the CNN branch runs channels-last (same values, faster oneDNN kernels: see ChannelsLast)
        NDArray xBase = Activation.relu(bn1.forward(ctx, conv1.forward(ctx, ChannelsLast.of(img))));
        xBase = Pool.maxPool2d(xBase, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        NDArray x = convStage1.forward(ctx, xBase, null).out();
        if (trace != null) {
            trace.put("maxpool", xBase);
            trace.put("conv_1", x);
        }
        // patch embedding is taken from the stem output, not from conv_1 (quirk A10.3)
        NDArray patches = Tokens.fromMap(transPatchConv.forward(ctx, xBase));
        // broadcast the class token; keep the result in the batch's scope, not the model's (memory trap 1)
        NDArray cls = ctx.value(clsToken, img).broadcast(new Shape(s[0], 1, cfg.embedDim()));
        cls.attach(img.getManager());
        NDArray xt = trans1.forward(ctx, NDArrays.concat(new NDList(cls, patches), 1));
        if (trace != null) {
            trace.put("trans_patch_conv", Tokens.toMap(patches, s[2] / cfg.patchSize(), s[3] / cfg.patchSize()));
            trace.put("trans_1", xt);
        }
        List<NDArray> features = keepFeatures ? new ArrayList<>() : null;
        int f = 0;
        for (int k = 0; k < stages.size(); k++) {
            ConvTransBlock stage = stages.get(k);
            NDList pair = Scoped.run(new NDList(x, xt), in -> stage.forward(ctx, in.get(0), in.get(1)));
            x = pair.get(0);
            xt = pair.get(1);
            if (trace != null) {
                trace.put("conv_trans_" + (k + 2) + "__out0", x);
                trace.put("conv_trans_" + (k + 2) + "__out1", xt);
            }
            if (keepFeatures && f < featureStages.length && featureStages[f] == k) {
                features.add(x);
                f++;
            }
        }
        return new Branches(x, xt, features);
    }

    @Override
    public Output forwardHeads(Ctx ctx, NDArray images) {
        Branches b = run(ctx, images, false);
        NDArray pooled = Pool.globalAvgPool2d(b.map());
        NDArray convLogits = convClsHead.forward(ctx, pooled);
        NDArray clsOut = transNorm.forward(ctx, b.tokens()).get(":, 0, :");
        NDArray transLogits = transClsHead.forward(ctx, clsOut);
        // the official evaluation scores the raw sum of both heads (spec A3.9)
        return new Output(convLogits.add(transLogits), heads("conv", convLogits, "trans", transLogits));
    }

    /**
     * CNN-branch maps after the last block of each stride (stages 4, 8, 11, 12 for depth 12; spec A9): strides
     * 4/8/16/32 with channels C1, C2, C3, C3.
     */
    @Override
    public List<NDArray> features(Ctx ctx, NDArray images) {
        return run(ctx, images, true).features();
    }

    /**
     * Bottleneck ConvBlock (spec A3.2): 1x1, 3x3 (strided), 1x1 convs without bias, BN eps 1e-6, ReLU; optional
     * {@code residual_conv}/{@code residual_bn} shortcut. An FCU-up map can be injected before the 3x3 conv.
     */
    public static final class ConvBlock extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Conv2d conv3;
        private final BatchNorm2d bn3;
        private final Conv2d residualConv;
        private final BatchNorm2d residualBn;

        /** Result of a bottleneck: the block output and the mid-width activation after the 3x3 conv (x2). */
        public record Result(NDArray out, NDArray mid) {}

        /**
         * @param in input channels
         * @param out output channels (mid width = out / 4)
         * @param stride stride of the 3x3 conv and the shortcut conv
         * @param resConv whether the shortcut has a 1x1 conv + BN
         */
        public ConvBlock(int in, int out, int stride, boolean resConv) {
            int mid = out / 4;
            conv1 = register("conv1", Conv2d.builder(in, mid, 1).build());
            bn1 = register("bn1", new BatchNorm2d(mid, 1e-6f));
            conv2 = register("conv2", Conv2d.builder(mid, mid, 3).stride(stride).padding(1).build());
            bn2 = register("bn2", new BatchNorm2d(mid, 1e-6f));
            conv3 = register("conv3", Conv2d.builder(mid, out, 1).build());
            bn3 = register("bn3", new BatchNorm2d(out, 1e-6f));
            if (resConv) {
                residualConv = register("residual_conv", Conv2d.builder(in, out, 1).stride(stride).build());
                residualBn = register("residual_bn", new BatchNorm2d(out, 1e-6f));
            } else {
                residualConv = null;
                residualBn = null;
            }
        }

        /**
         * @param x input map
         * @param injected FCU-up map added to the post-ReLU conv1 activation before the 3x3 conv, or null
         */
        public Result forward(Ctx ctx, NDArray x, NDArray injected) {
            NDArray a = Activation.relu(bn1.forward(ctx, conv1.forward(ctx, x)));
            if (injected != null) {
                a = a.add(injected);
            }
            NDArray mid = Activation.relu(bn2.forward(ctx, conv2.forward(ctx, a)));
            NDArray c = bn3.forward(ctx, conv3.forward(ctx, mid));
            NDArray shortcut = residualConv == null ? x : residualBn.forward(ctx, residualConv.forward(ctx, x));
            return new Result(Activation.relu(c.add(shortcut)), mid);
        }

        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            Result r = forward(ctx, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null);
            return new NDList(r.out(), r.mid());
        }
    }

    /**
     * FCU down (spec A3.6, {@code squeeze_block}): CNN mid activation to tokens by a biased 1x1 conv, average pooling
     * by the stage's stride, LayerNorm (1e-6) and GELU; the current class token is prepended.
     */
    public static final class FeatureCouplingDown extends Module {
        private final Conv2d convProject;
        private final LayerNorm ln;
        private final int stride;

        /**
         * @param mid CNN mid width
         * @param embedDim token width
         * @param stride pooling kernel = stride
         */
        public FeatureCouplingDown(int mid, int embedDim, int stride) {
            this.stride = stride;
            convProject = register("conv_project", Conv2d.builder(mid, embedDim, 1).bias().build());
            ln = register("ln", new LayerNorm(embedDim, 1e-6f));
        }

        /** @return {@code [B, 1 + M, E]}: the class token of {@code xt} followed by the pooled CNN tokens */
        public NDArray forward(Ctx ctx, NDArray mid, NDArray xt) {
            NDArray m = convProject.forward(ctx, mid);
            if (stride > 1) {
                m = Pool.avgPool2d(m, new Shape(stride, stride), new Shape(stride, stride), new Shape(0, 0), false, true);
            }
            NDArray tokens = Activation.gelu(ln.forward(ctx, Tokens.fromMap(m)));
            return NDArrays.concat(new NDList(xt.get(":, :1, :"), tokens), 1);
        }

        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            return new NDList(forward(ctx, inputs.get(0), inputs.get(1)));
        }
    }

    /**
     * FCU up (spec A3.7, {@code expand_block}): patch tokens back to a map, biased 1x1 conv to the CNN mid width,
     * BatchNorm (1e-6), ReLU, nearest upsampling by the stage's stride.
     */
    public static final class FeatureCouplingUp extends Module {
        private final Conv2d convProject;
        private final BatchNorm2d bn;
        private final int stride;

        /**
         * @param embedDim token width
         * @param mid CNN mid width
         * @param stride integer upsampling factor
         */
        public FeatureCouplingUp(int embedDim, int mid, int stride) {
            this.stride = stride;
            convProject = register("conv_project", Conv2d.builder(embedDim, mid, 1).bias().build());
            bn = register("bn", new BatchNorm2d(mid, 1e-6f));
        }

        /** @return {@code [B, mid, h*stride, w*stride]} from tokens {@code [B, 1 + h*w, E]} */
        public NDArray forward(Ctx ctx, NDArray xt, long h, long w) {
            NDArray map = Tokens.toMap(xt.get(":, 1:, :"), h, w);
            NDArray r = Activation.relu(bn.forward(ctx, convProject.forward(ctx, map)));
            // nearest upsampling by an integer factor = repeating rows and columns
            return stride == 1 ? r : r.repeat(2, stride).repeat(3, stride);
        }

        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            NDArray xt = inputs.get(0);
            long h = inputs.get(1).getShape().get(2) / stride;
            long w = inputs.get(1).getShape().get(3) / stride;
            return new NDList(forward(ctx, xt, h, w));
        }
    }

    /**
     * One Conformer stage (spec A3.8, {@code conv_trans_i}): {@code cnn_block}, then FCU down into the transformer
     * block (whose input is {@code fcu + x_t}: the class token is doubled, quirk A10.1), FCU up injected into
     * {@code fusion_block}.
     */
    public static final class ConvTransBlock extends Module {
        private final ConvBlock cnnBlock;
        private final ConvBlock fusionBlock;
        private final FeatureCouplingDown squeezeBlock;
        private final FeatureCouplingUp expandBlock;
        private final TransformerBlock transBlock;
        private final int stride;

        /**
         * @param in input CNN channels
         * @param out output CNN channels
         * @param resConv shortcut conv in {@code cnn_block}
         * @param stride stride of {@code cnn_block}
         * @param dw FCU pooling/upsampling stride
         * @param lastFusion whether {@code fusion_block} downsamples by 2 with a shortcut conv (final stage)
         * @param embedDim token width
         * @param transBlock the stage's transformer block
         */
        public ConvTransBlock(int in, int out, boolean resConv, int stride, int dw, boolean lastFusion, int embedDim,
                              TransformerBlock transBlock) {
            this.stride = dw;
            int mid = out / 4;
            cnnBlock = register("cnn_block", new ConvBlock(in, out, stride, resConv));
            fusionBlock = register("fusion_block", lastFusion ? new ConvBlock(out, out, 2, true)
                    : new ConvBlock(out, out, 1, false));
            squeezeBlock = register("squeeze_block", new FeatureCouplingDown(mid, embedDim, dw));
            expandBlock = register("expand_block", new FeatureCouplingUp(embedDim, mid, dw));
            this.transBlock = register("trans_block", transBlock);
        }

        /** @return {@code [cnn map, tokens]} after the stage */
        @Override
        public NDList forward(Ctx ctx, NDList inputs) {
            return forward(ctx, inputs.get(0), inputs.get(1));
        }

        /** Runs the stage on the CNN map {@code x} and tokens {@code xt}. */
        public NDList forward(Ctx ctx, NDArray x, NDArray xt) {
            ConvBlock.Result r = cnnBlock.forward(ctx, x, null);
            long h = r.mid().getShape().get(2);
            long w = r.mid().getShape().get(3);
            NDArray s = squeezeBlock.forward(ctx, r.mid(), xt);
            NDArray t = transBlock.forward(ctx, s.add(xt));
            NDArray up = expandBlock.forward(ctx, t, h / stride, w / stride);
            return new NDList(fusionBlock.forward(ctx, r.out(), up).out(), t);
        }
    }
}
