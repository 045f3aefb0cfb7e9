package org.hybridvision.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.checkpoint.StateDict;
import org.hybridvision.checkpoint.WeightLoader;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.data.ImagePipeline;
import org.hybridvision.data.MixupCutmix;
import org.hybridvision.data.Normalize;
import org.hybridvision.data.Seeds;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.ModelSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop, top to bottom: data &rarr; augment &rarr; Mixup/CutMix &rarr; forward (train mode) &rarr; loss
 * (mean over the heads: Conformer's two) &rarr; backward &rarr; clip &rarr; AdamW step &rarr; zero gradients &rarr;
 * EMA &rarr; metrics; every epoch: evaluate, metrics.csv, plots, checkpoint.
 *
 * <p>Memory: every step runs in a sub-manager of its replica's model manager that is closed at its end
 * ({@link DataParallel}), and the batch tensors are the first operands, so all activations land there; gradient
 * handles are closed by the optimizer.
 *
 * <p>Forward and backward run in {@link DataParallel}: on the model itself, or split over {@code --replicas} copies in
 * parallel threads whose gradients are summed into the model's before the optimizer step.
 *
 * <p>Determinism: the sample order, each sample's augmentation, the Mixup draw and the drop-path masks are re-derived
 * from (seed, epoch, step) at every step, so a resumed run repeats an uninterrupted one exactly.
 */
public final class Train {
    private Train() {}

    /**
     * What to run.
     *
     * @param config settings (ignored on resume: the run's own configuration is used)
     * @param train training data
     * @param val validation data, or null
     * @param runDir run folder (created)
     * @param weights initial weights (fine-tuning), or null
     * @param resume continue the run in {@code runDir}
     * @param out where progress goes
     * @param planner decides the number of epochs after the timed warm-up of a fresh run, or null
     */
    public record Options(TrainConfig config, ImageDataset train, ImageDataset val, Path runDir, Path weights,
                          boolean resume, PrintStream out, EpochPlanner planner) {
        /** Options without an epoch planner: the configuration's epochs are run. */
        public Options(TrainConfig config, ImageDataset train, ImageDataset val, Path runDir, Path weights,
                       boolean resume, PrintStream out) {
            this(config, train, val, runDir, weights, resume, out, null);
        }
    }

    /**
     * Decides, once the warm-up has been timed, how many epochs a run should have (a time bound: the main job).
     * It is asked at the last warm-up step, where the learning rate does not yet depend on the number of epochs, so
     * the cosine that follows is the one of the decided length.
     */
    @FunctionalInterface
    public interface EpochPlanner {
        /**
         * @param secondsPerStep measured wall time per training step (data loading included, evaluation not)
         * @param stepsDone optimizer steps taken so far
         * @param stepsPerEpoch steps of one epoch
         * @param maxEpochs the configuration's epochs
         * @return epochs to run, between 1 and {@code maxEpochs}
         */
        int epochs(double secondsPerStep, long stepsDone, int stepsPerEpoch, int maxEpochs);
    }

    /**
     * What happened.
     *
     * @param runDir the run folder
     * @param epochsDone completed epochs
     * @param finished whether all epochs ran
     * @param stopReason why it stopped early (null when finished)
     * @param last evaluation after the last epoch (null without validation data)
     * @param lastEma EMA evaluation after the last epoch (null without EMA)
     * @param trainSeconds wall time of this invocation
     * @param imagesPerSecond mean training throughput of this invocation
     */
    public record Result(Path runDir, int epochsDone, boolean finished, String stopReason, Evaluator.Result last,
                         Evaluator.Result lastEma, double trainSeconds, double imagesPerSecond) {}

    /** Raised when the loss becomes NaN or infinite; the last good checkpoint is kept. */
    public static final class DivergedException extends HybridVisionException {
        private static final long serialVersionUID = 1L;

        DivergedException(String message) {
            super(message);
        }
    }

    /** Set by the Ctrl-C hook (or a test) to stop after the current step with a checkpoint. */
    static final AtomicBoolean STOP = new AtomicBoolean();
    /** Test hook: stop after this many optimizer steps in this invocation (0 = never). */
    static volatile long stopAfterSteps;
    /** Test hook: called after every optimizer step with the global step and the model's manager. */
    static volatile java.util.function.ObjLongConsumer<NDManager> afterStep;
    /** Test hook: makes the loss of the given global step NaN (to exercise the divergence guard). */
    static volatile long poisonStep = -1;

    /** Runs (or resumes) a training run. */
    public static Result run(Options o) {
        System.setProperty("java.awt.headless", "true");
        PrintStream out = o.out();
        Path runDir = o.runDir();
        RunCheckpoint.State resumed = o.resume() ? RunCheckpoint.readState(runDir) : null;
        TrainConfig cfg = resumed != null ? resumed.trainConfig() : o.config();
        ImageDataset train = o.train();
        List<String> classes = resumed != null ? resumed.classNames() : train.classNames();
        if (resumed != null && classes.size() != train.numClasses()) {
            throw new HybridVisionException("the training data has " + train.numClasses() + " classes but the run "
                    + "being resumed has " + classes.size() + "; resume with the same --data.");
        }
        int numClasses = classes.size();
        int batch = cfg.batchSize();
        int stepsPerEpoch = train.size() / batch;
        if (stepsPerEpoch == 0) {
            throw new HybridVisionException("the training data has " + train.size() + " images, fewer than one batch ("
                    + batch + "); use a smaller --batch.");
        }
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new HybridVisionException("cannot create the run folder " + runDir + ": " + e.getMessage(), e);
        }

        // ---- model, EMA, optimizer (weights from the seed, a fine-tuning file, or the checkpoint) ----
        Engine.getInstance().setRandomSeed((int) Seeds.mix(cfg.seed()));
        ModelSpec spec = Presets.spec(cfg.model());
        try (LoadedModel model = Presets.build(cfg.model(), numClasses, (float) cfg.dropPath(), cfg.inputSize())) {
            ClassificationModel net = model.net();
            net.checkInputSize(cfg.inputSize(), cfg.inputSize());
            if (cfg.lowResEpochs() > 0) {
                net.checkInputSize(cfg.lowResSize(), cfg.lowResSize());
            }
            if (o.weights() != null && resumed == null) {
                loadForFineTuning(model, o.weights(), out);
            }
            ModelEma ema = cfg.emaDecay() > 0 ? new ModelEma(model,
                    Presets.build(cfg.model(), numClasses, 0f, cfg.inputSize()), cfg.emaDecay()) : null;
            AdamW opt = new AdamW(net, (float) cfg.weightDecay(), cfg.beta1(), cfg.beta2(), cfg.eps());
            int startEpoch = 0;
            int startStep = 0;
            double best = 0;
            double elapsedBefore = 0;
            if (resumed != null) {
                RunCheckpoint.restore(runDir, model, ema, opt);
                startEpoch = resumed.epoch();
                startStep = resumed.stepInEpoch();
                best = resumed.bestTop1();
                elapsedBefore = resumed.elapsedSeconds();
                out.printf("resuming %s at epoch %d, step %d of %d%n", runDir, startEpoch + 1, startStep,
                        stepsPerEpoch);
            }
            Collection<Parameter> params = net.namedParameters().values();
            writeConfig(runDir, cfg, classes);

            // ---- data ----
            Normalize norm = new Normalize(spec.mean(), spec.std());
            ImagePipeline trainTf = Batches.trainPipeline(cfg, norm);
            // progressive resizing: the first epochs on smaller images (TrainConfig.lowResEpochs)
            ImagePipeline lowResTf = cfg.lowResEpochs() > 0 ? Batches.trainPipeline(cfg.atLowResolution(), norm)
                    : null;
            ImagePipeline evalTf = Batches.evalPipeline(cfg, norm, spec.cropPct());
            // low-resolution epochs are evaluated at their own resolution (BatchNorm's running statistics belong to it)
            ImagePipeline lowResEvalTf = lowResTf == null ? null
                    : Batches.evalPipeline(cfg.atLowResolution(), norm, spec.cropPct());
            MixupCutmix mix = new MixupCutmix(cfg.mixupAlpha(), cfg.cutmixAlpha(), cfg.mixupProb(),
                    cfg.mixupSwitchProb(), cfg.labelSmoothing(), numClasses);
            long warmupSteps = Math.round(cfg.warmupEpochs() * stepsPerEpoch);
            CosineSchedule schedule = new CosineSchedule(cfg.lr(), cfg.minLr(), cfg.warmupLr(), warmupSteps,
                    (long) cfg.epochs() * stepsPerEpoch);
            // the epoch planner times steps planFrom..planAt of a fresh run and is asked at planAt (end of warm-up)
            long planAt = Math.max(warmupSteps, Math.min(40, stepsPerEpoch));
            long planFrom = planAt / 5;
            long planClock = 0;
            Metrics metrics = new Metrics(runDir.resolve("metrics.csv"));
            metrics.truncate(startEpoch);
            out.printf("training %s (%,d parameters) on %s%n  %d images, %d classes, %d steps/epoch x %d epochs, "
                            + "batch %d%s, input %s, lr %.3g, augment %s%n", cfg.model(), net.parameterCount(),
                    train.describe(), train.size(), numClasses, stepsPerEpoch, cfg.epochs(), batch,
                    cfg.replicas() == 1 ? "" : " over " + cfg.replicas() + " data-parallel replicas",
                    cfg.lowResEpochs() == 0 ? Integer.toString(cfg.inputSize()) : String.format(Locale.ROOT,
                            "%d (epochs 1-%d at %d)", cfg.inputSize(), cfg.lowResEpochs(), cfg.lowResSize()),
                    cfg.lr(), describeAugment(cfg));

            // ---- Ctrl-C: ask the loop to stop, wait for its checkpoint ----
            STOP.set(false);
            CountDownLatch saved = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                STOP.set(true);
                try {
                    saved.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "train-ctrl-c");
            Runtime.getRuntime().addShutdownHook(hook);

            long t0 = System.nanoTime();
            long imagesSeen = 0;
            long globalStep = (long) startEpoch * stepsPerEpoch + startStep;
            long stepsThisRun = 0;
            long skippedSteps = 0;
            String stopReason = null;
            Evaluator.Result last = null;
            Evaluator.Result lastEma = null;
            int epoch = startEpoch;
            TrainConfig built = cfg;
            try (DataParallel replicas = new DataParallel(model, cfg.replicas(), JniUtils.getNumThreads(),
                    () -> Presets.build(built.model(), numClasses, (float) built.dropPath(), built.inputSize()));
                 Batches fullResData = new Batches(train, trainTf, batch, cfg.loaderThreads());
                 Batches lowResData = lowResTf == null ? null
                         : new Batches(train, lowResTf, batch, cfg.loaderThreads());
                 Batches fullResVal = o.val() == null ? null
                         : new Batches(o.val(), evalTf, cfg.evalBatch(), cfg.loaderThreads());
                 Batches lowResVal = o.val() == null || lowResTf == null ? null
                         : new Batches(o.val(), lowResEvalTf, cfg.evalBatch(), cfg.loaderThreads())) {
                for (; epoch < cfg.epochs() && stopReason == null; epoch++) {
                    long e0 = System.nanoTime();
                    int from = epoch == startEpoch ? startStep : 0;
                    int stepInEpoch = from;
                    double lossSum = 0;
                    long right = 0;
                    long seen = 0;
                    int[] order = Batches.permutation(train.size(), cfg.seed(), epoch);
                    boolean lowRes = epoch < cfg.lowResEpochs();
                    Batches trainData = lowRes ? lowResData : fullResData;
                    Batches valData = lowRes ? lowResVal : fullResVal;
                    int[] shape = (lowRes ? lowResTf : trainTf).outputShape();
                    int[] evalShape = (lowRes ? lowResEvalTf : evalTf).outputShape();
                    ProgressBar bar = progressBar(out, epoch, cfg.epochs(), cfg.trainSize(epoch),
                            stepsPerEpoch * (long) batch, from * (long) batch);
                    for (Batches.Batch b : trainData.epoch(order, from, true, cfg.seed(), epoch)) {
                        // ---- stop requests: Ctrl-C, time budget, test hook ----
                        double minutes = (System.nanoTime() - t0) / 6e10;
                        if (STOP.get() || (cfg.maxMinutes() > 0 && minutes >= cfg.maxMinutes())
                                || (stopAfterSteps > 0 && stepsThisRun >= stopAfterSteps)) {
                            stopReason = STOP.get() ? "interrupted" : stopAfterSteps > 0 ? "step limit"
                                    : "time limit of " + cfg.maxMinutes() + " min";
                            break;
                        }
                        double lr = schedule.lr(globalStep);

                        // ---- batch-level augmentation: Mixup / CutMix with smoothed targets ----
                        SplittableRandom rng = new SplittableRandom(Seeds.mix(cfg.seed() ^ Seeds.mix(globalStep)));
                        float[] targets;
                        if (cfg.mixing()) {
                            MixupCutmix.Params p = mix.sample(shape[1], shape[2], rng);
                            MixupCutmix.mixInPlace(b.images(), b.n(), shape[0], shape[1], shape[2], p);
                            targets = MixupCutmix.softTargets(b.labels(), numClasses, p.lambda(),
                                    cfg.labelSmoothing());
                        } else {
                            targets = SoftTargetCrossEntropy.smoothOneHot(b.labels(), numClasses,
                                    cfg.labelSmoothing());
                        }

                        // ---- forward, loss (mean over heads), backward, on 1..N replicas (DataParallel) ----
                        DataParallel.Pass pass = replicas.forwardBackward(b.images(), targets, b.n(), shape,
                                rng.nextLong());
                        float loss = globalStep == poisonStep ? Float.NaN : (float) pass.loss();
                        if (!Float.isFinite(loss)) {
                            bar.close();
                            throw diverged(loss, epoch, stepInEpoch, runDir);
                        }
                        if (!cfg.mixing()) {
                            right += countRight(pass.predictions(), b.labels());
                        }

                        // ---- clip, optimizer step, zero gradients, EMA ----
                        // a step whose gradients are not finite is skipped (as torch's GradScaler does under the
                        // papers' mixed precision) instead of writing NaN into the weights
                        double gradNorm = opt.step(lr, cfg.clipGrad());
                        if (!Double.isFinite(gradNorm) && ++skippedSteps <= 5) {
                            out.printf("%nwarning: non-finite gradient norm at epoch %d step %d (loss %.4f): step "
                                    + "skipped; first non-finite gradients: %s%n", epoch + 1, stepInEpoch, loss,
                                    nonFiniteGradients(net, 5));
                        }
                        zeroGradients(params);
                        if (ema != null) {
                            ema.update();
                        }

                        // ---- bookkeeping ----
                        globalStep++;
                        if (afterStep != null) {
                            afterStep.accept(model.manager(), globalStep);
                        }
                        stepsThisRun++;
                        if (o.planner() != null && globalStep == planFrom) {
                            planClock = System.nanoTime();
                        } else if (o.planner() != null && globalStep == planAt && planClock != 0) {
                            double perStep = (System.nanoTime() - planClock) / 1e9 / (planAt - planFrom);
                            int want = o.planner().epochs(perStep, globalStep, stepsPerEpoch, cfg.epochs());
                            int e = Math.max(cfg.lowResEpochs() + 1, Math.min(cfg.epochs(), want));
                            out.printf(Locale.ROOT, "%ntime budget: %.3f s per step over steps %d-%d: %d of %d epochs "
                                    + "fit%n", perStep, planFrom, planAt, e, cfg.epochs());
                            if (e != cfg.epochs()) {
                                cfg = cfg.toBuilder().set("epochs", e).build();
                                schedule = new CosineSchedule(cfg.lr(), cfg.minLr(), cfg.warmupLr(), warmupSteps,
                                        (long) e * stepsPerEpoch);
                                writeConfig(runDir, cfg, classes);
                            }
                        }
                        stepInEpoch++;
                        lossSum += loss * b.n();
                        seen += b.n();
                        imagesSeen += b.n();
                        bar.stepBy(b.n());
                        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e", lossSum / seen, lr));
                    }
                    bar.close();
                    if (stopReason != null && stepInEpoch < stepsPerEpoch) {
                        // stopped mid-epoch: checkpoint the exact position and leave
                        double el = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                        RunCheckpoint.save(runDir, model, ema, opt, new RunCheckpoint.State(epoch, stepInEpoch,
                                globalStep, cfg.toJson(), classes, best, el));
                        out.printf("stopped (%s) at epoch %d step %d; checkpoint saved. Continue with: train "
                                + "--resume %s%n", stopReason, epoch + 1, stepInEpoch, runDir);
                        break;
                    }

                    // ---- end of epoch: evaluate, record, plot, checkpoint ----
                    double trainSec = (System.nanoTime() - e0) / 1e9;
                    double ips = seen / Math.max(1e-9, trainSec);
                    Evaluator.Result ev = null;
                    Evaluator.Result evEma = null;
                    if (valData != null) {
                        ev = Evaluator.evaluate(replicas, valData, o.val(), evalShape, classes);
                        if (ema != null) {
                            evEma = Evaluator.evaluate(ema.model().net(), ema.model().manager(), valData, o.val(),
                                    evalShape, classes);
                        }
                        ev.confusion().writeCsv(runDir.resolve("confusion.csv"));
                        ev.confusion().writePng(runDir.resolve("confusion.png"));
                    }
                    last = ev;
                    lastEma = evEma;
                    double el = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                    double top1 = ev == null ? Double.NaN : ev.top1();
                    best = Math.max(best, Double.isNaN(top1) ? 0 : top1);
                    double rssMb = ProcessMemory.residentMb();
                    metrics.add(new Metrics.Row(epoch + 1, globalStep, lossSum / Math.max(1, seen),
                            cfg.mixing() ? Double.NaN : (double) right / Math.max(1, seen),
                            ev == null ? Double.NaN : ev.loss(), top1, ev == null ? Double.NaN : ev.top5(),
                            evEma == null ? Double.NaN : evEma.top1(), schedule.lr(Math.max(0, globalStep - 1)), ips,
                            (System.nanoTime() - e0) / 1e9, el, rssMb, shape[1]));
                    Plots.write(runDir, metrics.rows(), schedule, globalStep);
                    RunCheckpoint.save(runDir, model, ema, opt, new RunCheckpoint.State(epoch + 1, 0, globalStep,
                            cfg.toJson(), classes, best, el));
                    out.printf(Locale.ROOT, "epoch %d/%d  %strain loss %.4f  %s%s  lr %.2e  %.0f img/s  %.0f s "
                                    + "(total %.1f min)  RSS %.0f MB%n", epoch + 1, cfg.epochs(),
                            lowRes ? "(at " + cfg.lowResSize() + "x" + cfg.lowResSize() + ")  " : "",
                            lossSum / Math.max(1, seen),
                            ev == null ? "(no validation data)" : String.format(Locale.ROOT,
                                    "val loss %.4f  top-1 %.2f%%  top-5 %.2f%%", ev.loss(), 100 * ev.top1(),
                                    100 * ev.top5()),
                            evEma == null ? "" : String.format(Locale.ROOT, "  EMA top-1 %.2f%%", 100 * evEma.top1()),
                            schedule.lr(Math.max(0, globalStep - 1)), ips, (System.nanoTime() - e0) / 1e9, el / 60,
                            rssMb);
                }
            } finally {
                saved.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it was released by the countDown above
                }
                opt.close();
                if (ema != null) {
                    ema.close();
                }
            }
            if (skippedSteps > 0) {
                out.printf("%d optimizer steps were skipped because their gradients were not finite%n", skippedSteps);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            boolean finished = epoch >= cfg.epochs() && stopReason == null;
            return new Result(runDir, Math.min(epoch, cfg.epochs()), finished, stopReason, last, lastEma, sec,
                    imagesSeen / Math.max(1e-9, sec));
        }
    }

    /** Sets every parameter's gradient to zero in place (one native call each, no handle created). */
    public static void zeroGradients(Collection<Parameter> params) {
        for (Parameter p : params) {
            NDArray a = p.getArray();
            if (a.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) a);
            }
        }
    }

    /** @return the names of up to {@code max} parameters whose gradient holds a NaN or an infinity */
    static List<String> nonFiniteGradients(ClassificationModel net, int max) {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            if (!a.hasGradient()) {
                continue;
            }
            try (NDManager scratch = a.getManager().newSubManager()) {
                NDArray g = a.getGradient();
                g.attach(scratch);
                NDArray anyBad = g.isInfinite().logicalOr(g.isNaN()).any();
                anyBad.attach(scratch);
                if (anyBad.getBoolean()) {
                    bad.add(e.getKey());
                    if (bad.size() >= max) {
                        break;
                    }
                }
            }
        }
        return bad;
    }

    private static long countRight(long[] pred, int[] labels) {
        long n = 0;
        for (int i = 0; i < labels.length; i++) {
            n += pred[i] == labels[i] ? 1 : 0;
        }
        return n;
    }

    private static DivergedException diverged(float loss, int epoch, int step, Path runDir) {
        boolean has = Files.isRegularFile(runDir.resolve(RunCheckpoint.FILE));
        return new DivergedException("the training loss became " + loss + " at epoch " + (epoch + 1) + ", step "
                + step + "; training stopped. " + (has ? "The last good checkpoint is kept in " + runDir
                + " (resume with --resume after lowering --lr or setting --clip-grad 1)."
                : "No checkpoint had been written yet. Lower --lr or set --clip-grad 1 and start again."));
    }

    /**
     * Loads weights for fine-tuning: every tensor must fit except the classifier heads, which are replaced (and
     * reported) when the class count differs.
     */
    static void loadForFineTuning(LoadedModel model, Path file, PrintStream out) {
        ClassificationModel net = model.net();
        try (NDManager scratch = model.manager().newSubManager(); StateDict sd = Checkpoints.read(file, scratch)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(net.adaptStateDict(sd.asMap()));
            Map<String, Parameter> entries = net.stateDictEntries();
            List<String> replaced = new ArrayList<>();
            for (String k : new ArrayList<>(tensors.keySet())) {
                boolean head = net.classifierPrefixes().stream().anyMatch(k::startsWith);
                Parameter p = entries.get(k);
                if (head && p != null && !p.getShape().equals(tensors.get(k).getShape())) {
                    tensors.remove(k);
                    replaced.add(k);
                }
            }
            WeightLoader.Report r = WeightLoader.load(net, tensors, false, file.toString());
            List<String> missing = new ArrayList<>(r.missing());
            missing.removeAll(replaced);
            if (!missing.isEmpty() || !r.unexpected().isEmpty() || !r.mismatched().isEmpty()) {
                throw new HybridVisionException("weights " + file + " do not fit " + model.spec().name() + ":\n"
                        + r.describeProblems() + "\nUse the --model the weights were trained as.");
            }
            out.printf("loaded %d tensors from %s%s%n", r.loaded().size(), file, replaced.isEmpty() ? ""
                    : "; the classifier heads were replaced for " + net.numClasses() + " classes (new random "
                    + "weights for " + String.join(", ", replaced) + ")");
        }
    }

    private static ProgressBar progressBar(PrintStream out, int epoch, int epochs, int size, long max, long start) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d @%d", epoch + 1, epochs,
                        size))
                .setInitialMax(max).setUnit(" img", 1).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000).setMaxRenderedLength(120)
                .setConsumer(new ConsoleProgressBarConsumer(out, 120)).build();
        if (start > 0) {
            bar.stepTo(start);
        }
        return bar;
    }

    private static String describeAugment(TrainConfig c) {
        if ("light".equals(c.augment())) {
            return String.format(Locale.ROOT, "light (%spad %d + random crop, flip %.2f, smoothing %.2f)",
                    c.resizeTo() > 0 ? "resize to " + c.resizeTo() + ", centre in " + c.inputSize() + ", " : "",
                    c.padCrop(), c.hflip(), c.labelSmoothing());
        }
        return String.format(Locale.ROOT, "RandomResizedCrop(%.2f-1) flip %.2f RandAugment '%s' erasing %.2f mixup "
                        + "%.2f cutmix %.2f smoothing %.2f", c.cropScaleMin(), c.hflip(), c.randAugment(),
                c.randomErasing(), c.mixing() ? c.mixupAlpha() : 0, c.mixing() ? c.cutmixAlpha() : 0,
                c.labelSmoothing());
    }

    private static void writeConfig(Path runDir, TrainConfig cfg, List<String> classes) {
        try {
            Files.writeString(runDir.resolve("config.json"), cfg.toJson());
            Files.write(runDir.resolve("classes.txt"), classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
