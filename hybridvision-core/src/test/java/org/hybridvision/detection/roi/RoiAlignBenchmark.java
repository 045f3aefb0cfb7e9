package org.hybridvision.detection.roi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.hybridvision.data.NpyArray;
import org.hybridvision.data.Npz;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Speed of the RoI operators in the setting of a Mask R-CNN training step on CPU (not a unit test: tagged slow, so
 * {@code mvn test} skips it). Run:
 *
 * <pre>
 * mvn -B -q -pl hybridvision-core test -Dslow=true -Dtest=RoiAlignBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Options (system properties): {@code -Droi.bench.images=1} images per batch, {@code -Droi.bench.runs=5} timed runs
 * (after one warm-up). It takes about a minute on 2 cores and prints one line per measurement (median and min in ms).
 *
 * <p>Setting, per image: an 800x1344 input, FPN maps P2-P5 of 256 channels (200x336, 100x168, 50x84, 25x42);
 * 512 sampled RoIs for the box head (a quarter of them positives: jittered copies of 20 object boxes with
 * log-uniform sizes 24-600 px; the rest proposals with log-uniform sizes 16-800 px, clipped to the image), pooled
 * 7x7 with sampling ratio 0; the first 100 positives for the mask head, pooled 14x14; their 28x28 mask targets from
 * 800x1344 ground-truth masks; and, for inference, 100 masks pasted back into the image. Forward and backward go
 * through libtorch's autograd as in training (gradient with respect to all four maps). Baseline measured in the same
 * run: one 3x3 256-to-256 convolution on P2, forward and backward (the FPN's P2 output conv, an op of every step).
 */
@Tag("slow")
class RoiAlignBenchmark {
    private static final int IMG_H = 800;
    private static final int IMG_W = 1344;
    private static final int[] STRIDES = {4, 8, 16, 32};
    private static final int C = 256;

    @Test
    void maskRcnnStepSetting() throws IOException {
        int images = Integer.getInteger("roi.bench.images", 1);
        int runs = Integer.getInteger("roi.bench.runs", 5);
        Random rnd = new Random(1344);
        Setting s = Setting.make(rnd, images);
        System.out.printf("RoI operators, %d image(s) of %dx%d, C=%d, %d box RoIs (7x7), %d mask RoIs (14x14), "
                + "%d CPU threads available, %d timed runs after 1 warm-up%n", images, IMG_H, IMG_W, C,
                s.boxRois.length / 5, s.maskRois.length / 5, Runtime.getRuntime().availableProcessors(), runs);
        RoiFeatureExtractor box = RoiFeatureExtractor.of(7, STRIDES);
        RoiFeatureExtractor mask = RoiFeatureExtractor.of(14, STRIDES);
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> feats = new ArrayList<>();
            for (int stride : STRIDES) {
                NDArray f = m.randomNormal(new Shape(images, C, IMG_H / stride, IMG_W / stride));
                f.setRequiresGradient(true);
                feats.add(f);
            }
            NDArray convW = m.randomNormal(0, 0.02f, new Shape(C, C, 3, 3), ai.djl.ndarray.types.DataType.FLOAT32);
            convW.setRequiresGradient(true);

            report("weights in Java, box RoIs (4 levels)", runs, () -> weights(box, feats, s.boxRois));
            report("weights in Java, mask RoIs (4 levels)", runs, () -> weights(mask, feats, s.maskRois));
            double[][] boxT = forwardBackward(m, feats, box, s.boxRois, runs);
            report("box RoIAlign 7x7 forward", boxT[0]);
            report("box RoIAlign 7x7 backward", boxT[1]);
            double[][] maskT = forwardBackward(m, feats, mask, s.maskRois, runs);
            report("mask RoIAlign 14x14 forward", maskT[0]);
            report("mask RoIAlign 14x14 backward", maskT[1]);
            List<NDArray> channelsLast = new ArrayList<>();
            for (NDArray f : feats) {
                long[] d = f.getShape().getShape();
                NDArray cl = f.transpose(0, 2, 3, 1).reshape(d[0], d[2] * d[3] * d[1]).reshape(d[0], d[2], d[3], d[1])
                        .transpose(0, 3, 1, 2);
                cl.setRequiresGradient(true);
                channelsLast.add(cl);
            }
            double[][] boxCl = forwardBackward(m, channelsLast, box, s.boxRois, runs);
            report("box RoIAlign 7x7 forward, channels-last maps", boxCl[0]);
            report("box RoIAlign 7x7 backward, channels-last maps", boxCl[1]);
            double[][] maskCl = forwardBackward(m, channelsLast, mask, s.maskRois, runs);
            report("mask RoIAlign 14x14 forward, channels-last maps", maskCl[0]);
            report("mask RoIAlign 14x14 backward, channels-last maps", maskCl[1]);
            report("mask targets 28x28 (Java)", runs, () -> {
                for (int i = 0; i < images; i++) {
                    MaskTargets.soft(s.maskBoxes, s.maskGt, s.gtMasks, 28);
                }
            });
            report("mask paste-back 28x28 -> 800x1344, 100 detections (Java)", runs, () -> {
                MaskPaste.paste(s.pasteProbs, 28, 28, s.maskBoxes, IMG_H, IMG_W, 0.5f);
            });
            double[][] conv = baseline(m, feats.get(0), convW, runs);
            report("baseline: conv3x3 256->256 on P2 forward", conv[0]);
            report("baseline: conv3x3 256->256 on P2 backward", conv[1]);
            double ours = median(boxT[0]) + median(boxT[1]) + median(maskT[0]) + median(maskT[1]);
            double oursCl = median(boxCl[0]) + median(boxCl[1]) + median(maskCl[0]) + median(maskCl[1]);
            double base = median(conv[0]) + median(conv[1]);
            System.out.printf("RoIAlign box + mask, forward + backward: %.1f ms (channels-last maps: %.1f ms) = %.2f "
                    + "(%.2f) x the baseline conv's forward + backward (%.1f ms)%n", ours, oursCl, ours / base,
                    oursCl / base, base);
            Path setting = Path.of("target", "roi-bench", "setting.npz");
            Files.createDirectories(setting.getParent());
            Map<String, NpyArray> arrays = new LinkedHashMap<>();
            arrays.put("box_rois", NpyArray.of(s.boxRois, s.boxRois.length / 5, 5));
            arrays.put("mask_rois", NpyArray.of(s.maskRois, s.maskRois.length / 5, 5));
            arrays.put("images", NpyArray.of(new int[] {images}, 1));
            Npz.write(setting, arrays, false);
            System.out.println("Same RoIs through torchvision's C++ RoIAlign (same machine, run it right after): "
                    + "/usr/bin/python3 " + Path.of("src/test/resources/roi/bench_torchvision_roi_align.py")
                    .toAbsolutePath() + " " + setting.toAbsolutePath());
        }
    }

    private static void weights(RoiFeatureExtractor ex, List<NDArray> feats, float[] rois) {
        int[] lv = ex.mapRoiLevels(rois);
        for (int l = 0; l < ex.numLevels(); l++) {
            int n = 0;
            for (int v : lv) {
                n += v == l ? 1 : 0;
            }
            int[] sel = new int[n];
            n = 0;
            for (int i = 0; i < lv.length; i++) {
                if (lv[i] == l) {
                    sel[n++] = i;
                }
            }
            Shape shape = feats.get(l).getShape();
            SamplingMatrix.build(rois, sel, ex.roiAlign(l), (int) shape.get(2), (int) shape.get(3));
        }
    }

    private static double[][] forwardBackward(NDManager m, List<NDArray> feats, RoiFeatureExtractor ex,
            float[] rois, int runs) {
        double[][] t = new double[2][runs];
        for (int r = -1; r < runs; r++) {
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance()
                    .newGradientCollector()) {
                long t0 = System.nanoTime();
                NDArray out = ex.extract(feats, rois);
                out.attach(step);
                out.getShape(); // libtorch is synchronous on CPU: the op has run
                long t1 = System.nanoTime();
                NDArray loss = out.sum();
                gc.backward(loss);
                feats.get(0).getGradient().getFloat(0, 0, 0, 0);
                long t2 = System.nanoTime();
                if (r >= 0) {
                    t[0][r] = (t1 - t0) / 1e6;
                    t[1][r] = (t2 - t1) / 1e6;
                }
            }
        }
        return t;
    }

    private static double[][] baseline(NDManager m, NDArray p2, NDArray w, int runs) {
        double[][] t = new double[2][runs];
        for (int r = -1; r < runs; r++) {
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance()
                    .newGradientCollector()) {
                long t0 = System.nanoTime();
                NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(p2, w, null, new Shape(1, 1), new Shape(1, 1),
                        new Shape(1, 1), 1).singletonOrThrow();
                y.attach(step);
                long t1 = System.nanoTime();
                gc.backward(y.sum());
                w.getGradient().getFloat(0, 0, 0, 0);
                long t2 = System.nanoTime();
                if (r >= 0) {
                    t[0][r] = (t1 - t0) / 1e6;
                    t[1][r] = (t2 - t1) / 1e6;
                }
            }
        }
        return t;
    }

    private static void report(String what, int runs, Runnable body) {
        double[] t = new double[runs];
        for (int r = -1; r < runs; r++) {
            long t0 = System.nanoTime();
            body.run();
            if (r >= 0) {
                t[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        report(what, t);
    }

    private static void report(String what, double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        System.out.printf("  %-58s median %8.1f ms   min %8.1f ms%n", what, median(t), s[0]);
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The RoIs, ground-truth masks and mask probabilities of the benchmark, deterministic for the seed. */
    private static final class Setting {
        float[] boxRois;
        float[] maskRois;
        float[] maskBoxes;
        int[] maskGt;
        List<BinaryMask> gtMasks;
        float[] pasteProbs;

        static Setting make(Random rnd, int images) {
            Setting s = new Setting();
            List<float[]> box = new ArrayList<>();
            List<float[]> mask = new ArrayList<>();
            float[][] objects = new float[20][];
            for (int o = 0; o < objects.length; o++) {
                objects[o] = randomBox(rnd, 24, 600);
            }
            for (int b = 0; b < images; b++) {
                for (int i = 0; i < 512; i++) {
                    float[] r;
                    if (i < 128) { // positives: jittered object boxes
                        float[] o = objects[i % objects.length];
                        float w = o[2] - o[0];
                        float h = o[3] - o[1];
                        r = clip(new float[] {o[0] + jitter(rnd) * w, o[1] + jitter(rnd) * h,
                            o[2] + jitter(rnd) * w, o[3] + jitter(rnd) * h});
                        if (i < 100) {
                            mask.add(new float[] {b, r[0], r[1], r[2], r[3], i % objects.length});
                        }
                    } else {
                        r = randomBox(rnd, 16, 800);
                    }
                    box.add(new float[] {b, r[0], r[1], r[2], r[3]});
                }
            }
            s.boxRois = flatten(box, 5);
            s.maskRois = flatten(mask, 5);
            s.maskBoxes = new float[mask.size() / images * 4];
            s.maskGt = new int[mask.size() / images];
            for (int i = 0; i < s.maskGt.length; i++) {
                System.arraycopy(mask.get(i), 1, s.maskBoxes, 4 * i, 4);
                s.maskGt[i] = (int) mask.get(i)[5];
            }
            s.gtMasks = new ArrayList<>();
            for (float[] o : objects) {
                s.gtMasks.add(ellipse(o));
            }
            s.pasteProbs = new float[s.maskGt.length * 28 * 28];
            for (int i = 0; i < s.pasteProbs.length; i++) {
                s.pasteProbs[i] = rnd.nextFloat();
            }
            return s;
        }

        private static float jitter(Random rnd) {
            return (rnd.nextFloat() - 0.5f) * 0.2f;
        }

        private static float[] randomBox(Random rnd, float min, float max) {
            double size = Math.exp(Math.log(min) + rnd.nextDouble() * (Math.log(max) - Math.log(min)));
            double ratio = Math.exp(Math.log(0.5) + rnd.nextDouble() * (Math.log(2) - Math.log(0.5)));
            float w = (float) (size * Math.sqrt(ratio));
            float h = (float) (size / Math.sqrt(ratio));
            float cx = rnd.nextFloat() * IMG_W;
            float cy = rnd.nextFloat() * IMG_H;
            return clip(new float[] {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2});
        }

        private static float[] clip(float[] b) {
            return new float[] {Math.max(0, Math.min(IMG_W, b[0])), Math.max(0, Math.min(IMG_H, b[1])),
                Math.max(0, Math.min(IMG_W, b[2])), Math.max(0, Math.min(IMG_H, b[3]))};
        }

        private static BinaryMask ellipse(float[] o) {
            float cx = (o[0] + o[2]) / 2;
            float cy = (o[1] + o[3]) / 2;
            float rx = Math.max(1, (o[2] - o[0]) / 2);
            float ry = Math.max(1, (o[3] - o[1]) / 2);
            boolean[] px = new boolean[IMG_H * IMG_W];
            for (int y = (int) o[1]; y < Math.min(IMG_H, (int) o[3] + 1); y++) {
                for (int x = (int) o[0]; x < Math.min(IMG_W, (int) o[2] + 1); x++) {
                    float dx = (x + 0.5f - cx) / rx;
                    float dy = (y + 0.5f - cy) / ry;
                    px[y * IMG_W + x] = dx * dx + dy * dy <= 1;
                }
            }
            return BinaryMask.of(IMG_H, IMG_W, px);
        }

        private static float[] flatten(List<float[]> rows, int cols) {
            float[] out = new float[rows.size() * cols];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, out, i * cols, cols);
            }
            return out;
        }
    }
}
