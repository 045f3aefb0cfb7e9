package org.hybridvision.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.hybridvision.HybridVisionException;
import org.hybridvision.data.Seeds;
import org.hybridvision.layers.InPlaceCopy;
import org.hybridvision.layers.Module;
import org.hybridvision.layers.Scalars;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The forward and backward half of a training step, on one replica or on several in parallel threads (data
 * parallelism inside one process, as {@code DistributedDataParallel} does across processes).
 *
 * <p>With {@code N} replicas a batch is cut into {@code N} consecutive slices. Replica {@code r} runs its slice in its
 * own thread with {@code threads / N} libtorch threads: train-mode forward, the mean loss of the heads scaled by its
 * share of the batch, backward. Its gradients are then added into the model's (replica 0), so the model holds the
 * gradient of the whole batch's mean loss, as after one backward pass, and the optimizer steps the model alone. The
 * other replicas copy the model's weights at the start of every step. What differs from one pass over the batch is
 * BatchNorm: each replica normalises with the statistics of its own slice and the model's running statistics come
 * from slice 0, exactly as with DDP (the papers trained on 8 GPUs this way).
 *
 * <p>Why: two libtorch threads working together on one small model spend much of their time waiting for each other
 * between operations; on 2 cores two single-threaded replicas with half the batch each trained the main job's model
 * 1.12-1.14x faster than one replica on 2 threads (measured with {@code bench --train --replicas 1,2}; numbers in
 * docs/training.md).
 *
 * <p>Determinism: slices, loss scaling and the order of the gradient sum are fixed. With one replica DropPath draws
 * from libtorch's generator seeded from the step's seed, and a resumed run ends bit-identical to an uninterrupted one;
 * with several it draws from a random source per replica ({@link Module.Ctx#random()}), since the global generator
 * would hand out numbers in thread order. Known gap: with drop path on several replicas a resumed run is not yet
 * bit-identical (it ends within ~5e-3 of the uninterrupted one); without drop path it is (tested across processes). DJL's {@code GradientCollector} allows one collection at a time in
 * a process, so the replicas switch libtorch's (thread-local) gradient mode themselves.
 */
public final class DataParallel implements AutoCloseable {
    private final List<LoadedModel> replicas;
    private final List<List<Parameter>> params;
    /** One single-thread executor per replica: replica r always runs on thread r (null with one replica). */
    private final ExecutorService[] workers;

    /**
     * What a step's forward pass gave.
     *
     * @param loss mean training loss over the batch (heads averaged)
     * @param predictions arg-max class of each sample's summed logits, in batch order
     */
    public record Pass(double loss, long[] predictions) {}

    /**
     * @param model the model being trained (replica 0; not closed here)
     * @param replicas number of replicas, 1 for a plain single-threaded-caller step
     * @param threads libtorch threads in all; each replica gets {@code threads / replicas}
     * @param build makes one more model of the same architecture (its weights are overwritten before every step)
     */
    public DataParallel(LoadedModel model, int replicas, int threads, Supplier<LoadedModel> build) {
        if (replicas < 1) {
            throw new HybridVisionException("--replicas must be at least 1, got " + replicas);
        }
        if (replicas > 1 && threads < replicas) {
            throw new HybridVisionException("--replicas " + replicas + " needs at least " + replicas
                    + " libtorch threads (one each), but --threads is " + threads
                    + "; lower --replicas or raise --threads.");
        }
        this.replicas = new ArrayList<>();
        this.params = new ArrayList<>();
        this.replicas.add(model);
        this.params.add(List.copyOf(model.net().namedParameters().values()));
        for (int r = 1; r < replicas; r++) {
            LoadedModel m = build.get();
            this.replicas.add(m);
            List<Parameter> p = List.copyOf(m.net().namedParameters().values());
            if (p.size() != params.get(0).size()) {
                throw new IllegalStateException("replica " + r + " has " + p.size() + " parameters, the model "
                        + params.get(0).size());
            }
            this.params.add(p);
        }
        if (replicas == 1) {
            workers = null;
        } else {
            int perReplica = threads / replicas;
            workers = new ExecutorService[replicas];
            for (int r = 0; r < replicas; r++) {
                String name = "replica-" + r;
                workers[r] = Executors.newSingleThreadExecutor(task -> {
                    Thread t = new Thread(() -> {
                        // libtorch's thread count (OpenMP) and gradient mode are per thread
                        JniUtils.setNumThreads(perReplica);
                        JniUtils.setGradMode(false);
                        task.run();
                    }, name);
                    t.setDaemon(true);
                    return t;
                });
            }
            // the global default that threads started later pick up stays the caller's count
            JniUtils.setNumThreads(threads);
        }
    }

    /** @return number of replicas */
    public int size() {
        return replicas.size();
    }

    /**
     * Forward and backward of one batch; afterwards the model's gradients are those of the batch's mean loss (add to
     * whatever they held before: zero them after each optimizer step). A non-finite loss is returned as it is, with
     * the gradients it produced: check it before stepping.
     *
     * @param images {@code n x c x h x w} normalised pixels, sample-major
     * @param targets {@code n x classes} soft targets
     * @param n samples in the batch (at least the number of replicas)
     * @param chw {@code c, h, w}
     * @param seed the step's seed (drop-path masks)
     * @return the batch's mean loss and predictions
     */
    public Pass forwardBackward(float[] images, float[] targets, int n, int[] chw, long seed) {
        int nr = replicas.size();
        if (n < nr) {
            throw new HybridVisionException("a batch of " + n + " images cannot be split over " + nr + " replicas");
        }
        if (nr == 1) {
            return run(0, images, targets, n, chw, 1.0, seed);
        }
        int classes = targets.length / n;
        int pixels = chw[0] * chw[1] * chw[2];
        int[] start = sliceStarts(n, nr);
        List<Future<Pass>> parts = new ArrayList<>(nr);
        for (int r = 0; r < nr; r++) {
            final int rr = r;
            int from = start[r];
            int len = start[r + 1] - from;
            float[] x = Arrays.copyOfRange(images, from * pixels, (from + len) * pixels);
            float[] t = Arrays.copyOfRange(targets, from * classes, (from + len) * classes);
            parts.add(workers[r].submit(() -> run(rr, x, t, len, chw, (double) len / n, seed)));
        }
        double loss = 0;
        long[] predictions = new long[n];
        for (int r = 0; r < nr; r++) {
            Pass p = join(parts.get(r));
            loss += p.loss();
            System.arraycopy(p.predictions(), 0, predictions, start[r], p.predictions().length);
        }
        reduceGradients();
        return new Pass(loss, predictions);
    }

    /** One replica's share: copy the weights (r &gt; 0), forward, scaled loss, backward. */
    private Pass run(int r, float[] images, float[] targets, int n, int[] chw, double share, long seed) {
        LoadedModel m = replicas.get(r);
        if (r > 0) {
            copyWeights(params.get(0), params.get(r));
        }
        ClassificationModel net = m.net();
        boolean single = replicas.size() == 1;
        if (single) {
            // one replica: drop path draws from libtorch's generator, seeded per step (exact resume, tested)
            Engine.getInstance().setRandomSeed((int) seed);
        }
        SplittableRandom random = single ? null : new SplittableRandom(Seeds.mix(seed ^ Seeds.mix(r + 1L)));
        boolean before = JniUtils.isGradMode();
        try (NDManager step = m.manager().newSubManager()) {
            NDArray x = step.create(images, new Shape(n, chw[0], chw[1], chw[2]));
            NDArray t = step.create(targets, new Shape(n, targets.length / n));
            JniUtils.setGradMode(true);
            ClassificationModel.Output out = net.forwardHeads(single ? Module.Ctx.train(step)
                    : Module.Ctx.train(step, random), x);
            NDArray l = SoftTargetCrossEntropy.headsLoss(out.heads().values(), t);
            if (share != 1.0) {
                l = Scalars.mul(l, (float) share);
            }
            float loss = l.getFloat();
            JniUtils.backward((PtNDArray) l, (PtNDArray) step.ones(l.getShape()), false, false);
            return new Pass(loss, out.logits().argMax(1).toLongArray());
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    /**
     * Copies the model's weights and BatchNorm statistics into the other replicas, so that {@link #evalLogits} on any
     * replica is the model's evaluation. Call once before an evaluation pass (training steps refresh the weights
     * themselves, and their BatchNorm statistics are the replicas' own).
     */
    public void prepareEvaluation() {
        List<Parameter> from = List.copyOf(replicas.get(0).net().stateDictEntries().values());
        for (int r = 1; r < replicas.size(); r++) {
            copyWeights(from, List.copyOf(replicas.get(r).net().stateDictEntries().values()));
        }
    }

    /**
     * Evaluation-mode logits (summed heads) of a batch, its slices run on the replicas in parallel; call
     * {@link #prepareEvaluation} first.
     *
     * @param images {@code n x c x h x w} normalised pixels
     * @param n samples
     * @param chw {@code c, h, w}
     * @return {@code n x classes} logits, sample-major
     */
    public float[] evalLogits(float[] images, int n, int[] chw) {
        int nr = Math.min(replicas.size(), n);
        if (nr == 1) {
            return logits(0, images, n, chw);
        }
        int pixels = chw[0] * chw[1] * chw[2];
        int[] start = sliceStarts(n, nr);
        List<Future<float[]>> parts = new ArrayList<>(nr);
        for (int r = 0; r < nr; r++) {
            final int rr = r;
            int len = start[r + 1] - start[r];
            float[] x = Arrays.copyOfRange(images, start[r] * pixels, start[r + 1] * pixels);
            parts.add(workers[r].submit(() -> logits(rr, x, len, chw)));
        }
        List<float[]> out = new ArrayList<>(nr);
        int total = 0;
        for (Future<float[]> f : parts) {
            float[] l = join(f);
            out.add(l);
            total += l.length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] l : out) {
            System.arraycopy(l, 0, all, at, l.length);
            at += l.length;
        }
        return all;
    }

    private float[] logits(int r, float[] images, int n, int[] chw) {
        LoadedModel m = replicas.get(r);
        try (NDManager scratch = m.manager().newSubManager()) {
            NDArray x = scratch.create(images, new Shape(n, chw[0], chw[1], chw[2]));
            return m.net().forwardHeads(Module.Ctx.eval(scratch), x).logits().toFloatArray();
        }
    }

    /** Adds every replica's gradients into the model's (in replica order) and zeroes the replicas'. */
    private void reduceGradients() {
        List<Parameter> target = params.get(0);
        for (int r = 1; r < replicas.size(); r++) {
            List<Parameter> source = params.get(r);
            for (int i = 0; i < target.size(); i++) {
                NDArray src = source.get(i).getArray();
                if (!src.hasGradient()) {
                    continue;
                }
                NDArray dst = target.get(i).getArray();
                try (NDArray gs = src.getGradient(); NDArray gd = dst.getGradient()) {
                    gd.addi(gs);
                }
            }
            Train.zeroGradients(source);
        }
    }

    /** In-place copy of the model's weights into a replica (no autograd history: gradient mode is off here). */
    private static void copyWeights(List<Parameter> from, List<Parameter> to) {
        for (int i = 0; i < from.size(); i++) {
            InPlaceCopy.copy(to.get(i).getArray(), from.get(i).getArray());
        }
    }

    /** @return where each of {@code parts} consecutive slices of {@code n} samples starts, and {@code n} last */
    private static int[] sliceStarts(int n, int parts) {
        int[] start = new int[parts + 1];
        for (int r = 0; r < parts; r++) {
            start[r + 1] = start[r] + n / parts + (r < n % parts ? 1 : 0);
        }
        return start;
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HybridVisionException("interrupted while the replicas were running", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new HybridVisionException("a replica failed: " + c, c);
        }
    }

    /** Stops the worker threads and frees the extra replicas (not the model). */
    @Override
    public void close() {
        if (workers != null) {
            for (ExecutorService w : workers) {
                w.shutdownNow();
            }
        }
        for (int r = 1; r < replicas.size(); r++) {
            replicas.get(r).close();
        }
    }
}
