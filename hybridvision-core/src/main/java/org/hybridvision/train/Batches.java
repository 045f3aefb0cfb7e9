package org.hybridvision.train;

import org.hybridvision.data.ByteImage;
import org.hybridvision.data.EvalTransform;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.data.ImagePipeline;
import org.hybridvision.data.ImageTransform;
import org.hybridvision.data.Interpolation;
import org.hybridvision.data.Normalize;
import org.hybridvision.data.RandomHorizontalFlip;
import org.hybridvision.data.Resize;
import org.hybridvision.data.Sample;
import org.hybridvision.data.Seeds;
import org.hybridvision.data.TrainTransform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns a dataset into batches of normalised float images, in the background: the epoch's order is a seeded
 * permutation, each sample's augmentation draws from its own generator ({@link Seeds#forSample}), so a run (and a
 * resumed run starting mid-epoch) sees exactly the same batches whatever the thread timing.
 */
public final class Batches implements AutoCloseable {

    /**
     * One batch.
     *
     * @param images {@code [n, C, H, W]} row-major
     * @param labels class indices
     * @param n number of samples
     */
    public record Batch(float[] images, int[] labels, int n) {}

    private final ImageDataset data;
    private final ImagePipeline pipeline;
    private final int batchSize;
    private final boolean toRgb;
    private final ExecutorService pool;

    /**
     * @param data the dataset
     * @param pipeline per-sample transform
     * @param batchSize samples per batch
     * @param threads background threads
     */
    public Batches(ImageDataset data, ImagePipeline pipeline, int batchSize, int threads) {
        this.data = data;
        this.pipeline = pipeline;
        this.batchSize = batchSize;
        this.toRgb = pipeline.normalize().channels() == 3;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "batch-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return full training batches per epoch (the incomplete last batch is dropped, as timm does) */
    public int trainSteps() {
        return data.size() / batchSize;
    }

    /** @return the training order of {@code epoch}: a permutation seeded by (seed, epoch) */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(Seeds.mix(Seeds.mix(seed) ^ (0x5EED0000L + epoch)));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Iterates over an epoch, preparing up to three batches ahead.
     *
     * @param order sample indices in order (a permutation, or 0..n-1 for evaluation)
     * @param fromBatch first batch to produce (to resume mid-epoch)
     * @param dropLast drop the incomplete last batch
     * @param seed run seed
     * @param epoch epoch (part of each sample's random stream)
     */
    public Iterable<Batch> epoch(int[] order, int fromBatch, boolean dropLast, long seed, int epoch) {
        int total = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
        return () -> new java.util.Iterator<>() {
            private final ArrayDeque<Future<Batch>> queue = new ArrayDeque<>();
            private int next = fromBatch;

            private void fill() {
                while (queue.size() < 3 && next < total) {
                    int b = next++;
                    queue.add(pool.submit(() -> make(order, b, seed, epoch)));
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                return !queue.isEmpty();
            }

            @Override
            public Batch next() {
                fill();
                try {
                    return queue.poll().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading a batch", e);
                } catch (ExecutionException e) {
                    queue.forEach(f -> f.cancel(true));
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        };
    }

    private Batch make(int[] order, int b, long seed, int epoch) {
        int from = b * batchSize;
        int n = Math.min(batchSize, order.length - from);
        int len = pipeline.outputLength();
        float[] images = new float[n * len];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int idx = order[from + i];
            Sample s = data.get(idx);
            ByteImage img = toRgb && s.image().channels() == 1 && !(pipeline instanceof Light) ? s.image().toRgb()
                    : s.image();
            pipeline.apply(img, Seeds.forSample(seed, epoch, from + i), images, i * len);
            labels[i] = s.label();
        }
        return new Batch(images, labels, n);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** The training transform of a configuration: the papers' ("rrc") or the light one for small images. */
    public static ImagePipeline trainPipeline(TrainConfig c, Normalize norm) {
        if ("light".equals(c.augment())) {
            List<ImageTransform> steps = new ArrayList<>();
            steps.add(fit(c.inputSize(), c.resizeTo()));
            if (c.padCrop() > 0) {
                steps.add(padCrop(c.inputSize(), c.padCrop()));
            }
            if (c.hflip() > 0) {
                steps.add(new RandomHorizontalFlip(c.hflip()));
            }
            return new Light(steps, norm, c.inputSize());
        }
        return TrainTransform.builder(c.inputSize()).scale(c.cropScaleMin(), 1.0).hflip(c.hflip())
                .randAugment(c.randAugment()).randomErasing(c.randomErasing()).normalize(norm).build();
    }

    /** The evaluation transform: fit (light) or resize + centre crop with the model's crop fraction. */
    public static ImagePipeline evalPipeline(TrainConfig c, Normalize norm, float cropPct) {
        if ("light".equals(c.augment())) {
            return new Light(List.of(fit(c.inputSize(), c.resizeTo())), norm, c.inputSize());
        }
        return EvalTransform.forInput(c.inputSize(), cropPct, Interpolation.BICUBIC, norm);
    }

    /**
     * Fits an image into {@code size x size}: first resized to {@code resizeTo x resizeTo} (bicubic) when that is set,
     * then a smaller image is centred and padded with black, a larger one resized to the input.
     */
    static ImageTransform fit(int size, int resizeTo) {
        return (img, random) -> {
            ByteImage im = img;
            if (resizeTo > 0 && (im.width() != resizeTo || im.height() != resizeTo)) {
                im = Resize.resize(im, resizeTo, resizeTo, Interpolation.BICUBIC);
            }
            if (im.width() == size && im.height() == size) {
                return im;
            }
            if (im.width() <= size && im.height() <= size) {
                return im.cropOrPad(-(size - im.width()) / 2, -(size - im.height()) / 2, size, size, 0);
            }
            return Resize.resize(im, size, size, Interpolation.BILINEAR);
        };
    }

    /** Random translation by up to {@code pad} pixels: pad with black, crop {@code size x size} at random. */
    static ImageTransform padCrop(int size, int pad) {
        return (img, random) -> {
            int x = random.nextInt(2 * pad + 1) - pad;
            int y = random.nextInt(2 * pad + 1) - pad;
            return img.cropOrPad(x, y, size, size, 0);
        };
    }

    /** The light pipeline (its own type so grey images stay grey until normalisation replicates them). */
    static final class Light extends ImagePipeline {
        Light(List<ImageTransform> steps, Normalize norm, int size) {
            super(steps, norm, List.of(), size);
        }
    }
}
