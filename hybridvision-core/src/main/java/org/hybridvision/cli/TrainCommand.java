package org.hybridvision.cli;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.DataSources;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.train.NativeThreads;
import org.hybridvision.train.Presets;
import org.hybridvision.train.RunCheckpoint;
import org.hybridvision.train.Train;
import org.hybridvision.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision train}: trains or fine-tunes a model on ImageFolder, CIFAR binary or IDX data with the papers'
 * recipe as the default (every part switchable), writing checkpoints, metrics.csv and plots into a run folder;
 * {@code --resume RUN_DIR} continues a stopped run exactly.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train or fine-tune a model. Defaults follow the papers' recipe for the model's family "
                + "(AdamW, warm-up + cosine, label smoothing, Mixup/CutMix, RandAugment, random erasing, drop path, "
                + "EMA); every part can be switched off. Ctrl-C saves a checkpoint; --resume continues.",
            "Data: a folder of class sub-folders (or with train/ and val/), CIFAR-10/100 binaries, or IDX files "
                + "(MNIST, Fashion-MNIST)."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "conformer_tiny_patch16",
            description = "Model name (see 'models'), or the preset " + Presets.FASHION_CONFORMER
                    + ". Default ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--data", paramLabel = "DIR", description = "Training data (required unless --resume).")
    Path data;

    @Option(names = "--val", paramLabel = "DIR",
            description = "Validation data. Default: the test/val split of --data when it has one.")
    Path val;

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "Run folder. Default runs/<model>-<time>.")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in this folder.")
    Path resume;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Start from these weights (fine-tuning); heads are replaced when the class count differs.")
    Path weights;

    @Option(names = "--epochs", description = "Epochs (recipe: 300 Conformer, 300-800 CMT).") Integer epochs;
    @Option(names = "--batch", description = "Batch size (default 64).") Integer batch;
    @Option(names = "--lr", description = "Peak learning rate (default: the recipe's, scaled to the batch).")
    Double lr;
    @Option(names = "--min-lr") Double minLr;
    @Option(names = "--warmup-lr") Double warmupLr;
    @Option(names = "--warmup-epochs") Double warmupEpochs;
    @Option(names = "--weight-decay") Double weightDecay;
    @Option(names = "--smoothing", description = "Label smoothing (0.1).") Double smoothing;
    @Option(names = "--mixup", description = "Mixup alpha, 0 = off (0.8).") Double mixup;
    @Option(names = "--cutmix", description = "CutMix alpha, 0 = off (1.0).") Double cutmix;
    @Option(names = "--mixup-prob") Double mixupProb;
    @Option(names = "--mixup-switch-prob") Double mixupSwitchProb;
    @Option(names = "--aa", paramLabel = "RAND_AUG", description = "RandAugment, e.g. rand-m9-mstd0.5-inc1; 'none' = off.")
    String randAugment;
    @Option(names = "--reprob", description = "Random-erasing probability (0.25).") Double reprob;
    @Option(names = "--augment", description = "rrc (RandomResizedCrop, the papers') or light (pad + random crop).")
    String augment;
    @Option(names = "--crop-scale-min") Double cropScaleMin;
    @Option(names = "--pad-crop") Integer padCrop;
    @Option(names = "--hflip") Double hflip;
    @Option(names = "--resize-to", paramLabel = "S", description = "Light augmentation: resize images to S x S "
            + "(bicubic) before padding them to the input size; 0 = off.") Integer resizeTo;
    @Option(names = "--input-size", description = "Square input side (default: the model's).") Integer inputSize;
    @Option(names = "--low-res-epochs", paramLabel = "N", description = "Progressive resizing: train the first N "
            + "epochs at --low-res-size, evaluated at that size (0 = off, the default).")
    Integer lowResEpochs;
    @Option(names = "--low-res-size", paramLabel = "S", description = "Input side of the low-resolution epochs.")
    Integer lowResSize;
    @Option(names = "--drop-path") Double dropPath;
    @Option(names = "--clip-grad", description = "Global gradient-norm bound, 0 = off (default off).")
    Double clipGrad;
    @Option(names = "--ema-decay", description = "Model EMA decay, 0 = off.") Double emaDecay;
    @Option(names = "--seed") Long seed;
    @Option(names = "--threads", description = "libtorch threads (default: all cores).") Integer threads;
    @Option(names = "--loader-threads") Integer loaderThreads;
    @Option(names = "--replicas", paramLabel = "N", description = "Data-parallel replicas, each on threads/N "
            + "libtorch threads and 1/N of every batch (BatchNorm statistics per replica, as with DDP). Faster on "
            + "CPUs for small models: the main job uses 2 on 2 cores. Default 1 (the preset's: 2).")
    Integer replicas;
    @Option(names = "--max-minutes", description = "Stop (with a checkpoint) after this much training time.")
    Double maxMinutes;

    @Override
    public Integer call() {
        TrainConfig cfg = null;
        if (resume != null) {
            cfg = RunCheckpoint.readState(resume).trainConfig();
            if (data == null) {
                throw new HybridVisionException("--resume needs the same --data as the original run (the run folder "
                        + "stores the settings, not the images).");
            }
        } else if (data == null) {
            throw new HybridVisionException("missing --data DIR: a folder of class sub-folders, CIFAR binaries or IDX "
                    + "files (e.g. --data /usr/share/datasets/fashion-mnist).");
        }
        int libtorchThreads = NativeThreads.configure(threads == null ? (cfg == null ? 0 : cfg.threads()) : threads);
        ImageDataset train = DataSources.open(data, true);
        ImageDataset valSet = openValidation(train);
        if (cfg == null) {
            cfg = configure(train);
            if (replicas == null) {
                cfg = Presets.fitReplicas(cfg, libtorchThreads);
            }
        }
        Path runDir = resume != null ? resume : out != null ? out : Path.of("runs", cfg.model() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (resume == null && Files.isRegularFile(runDir.resolve(RunCheckpoint.FILE))) {
            throw new HybridVisionException(runDir + " already holds a run; continue it with --resume " + runDir
                    + " or choose another --out.");
        }
        if (valSet == null) {
            System.out.println("note: no validation split found; pass --val DIR to measure accuracy each epoch.");
        }
        Train.Result r = Train.run(new Train.Options(cfg, train, valSet, runDir, weights, resume != null,
                System.out));
        System.out.printf(Locale.ROOT, "%s after %d epochs in %.1f min (%.0f img/s)%s. Run folder: %s%n",
                r.finished() ? "finished" : "stopped (" + r.stopReason() + ")", r.epochsDone(), r.trainSeconds() / 60,
                r.imagesPerSecond(), r.last() == null ? "" : String.format(Locale.ROOT, "; validation top-1 %.2f%%",
                        100 * r.last().top1()), r.runDir());
        return 0;
    }

    private ImageDataset openValidation(ImageDataset train) {
        if (val != null) {
            return DataSources.open(val, false);
        }
        try {
            ImageDataset v = DataSources.open(data, false);
            return v.describe().equals(train.describe()) ? null : v;
        } catch (HybridVisionException noSplit) {
            return null; // e.g. IDX training files without the t10k pair
        }
    }

    private TrainConfig configure(ImageDataset train) {
        ModelSpec spec = Presets.spec(model);
        TrainConfig base = Presets.FASHION_CONFORMER.equals(model) ? Presets.fashionRecipe(MainJob.EPOCHS)
                : TrainConfig.defaults(model, spec.family(), spec.inputSize(), batch == null ? 64 : batch);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("epochs", epochs);
        o.put("batchSize", batch);
        o.put("lr", lr);
        o.put("minLr", minLr);
        o.put("warmupLr", warmupLr);
        o.put("warmupEpochs", warmupEpochs);
        o.put("weightDecay", weightDecay);
        o.put("labelSmoothing", smoothing);
        o.put("mixupAlpha", mixup);
        o.put("cutmixAlpha", cutmix);
        o.put("mixupProb", mixupProb);
        o.put("mixupSwitchProb", mixupSwitchProb);
        o.put("randAugment", randAugment == null ? null : "none".equals(randAugment) ? "" : randAugment);
        o.put("randomErasing", reprob);
        o.put("augment", augment);
        o.put("cropScaleMin", cropScaleMin);
        o.put("padCrop", padCrop);
        o.put("hflip", hflip);
        o.put("resizeTo", resizeTo);
        o.put("inputSize", inputSize);
        o.put("lowResEpochs", lowResEpochs);
        o.put("lowResSize", lowResSize);
        o.put("dropPath", dropPath);
        o.put("clipGrad", clipGrad);
        o.put("emaDecay", emaDecay);
        o.put("seed", seed);
        o.put("threads", threads);
        o.put("loaderThreads", loaderThreads);
        o.put("replicas", replicas);
        o.put("maxMinutes", maxMinutes);
        o.put("model", model);
        TrainConfig.Builder b = base.toBuilder();
        o.forEach((k, v) -> {
            if (v != null) {
                b.set(k, v);
            }
        });
        TrainConfig cfg = b.build();
        if (train.numClasses() < 2) {
            throw new HybridVisionException("the training data has " + train.numClasses() + " class; at least two "
                    + "class sub-folders are needed.");
        }
        return cfg;
    }
}
