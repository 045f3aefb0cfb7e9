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

    // Defaults "the recipe's" are TrainConfig.defaults (spec A8 for Conformer, B8 for CMT) and, for the main job's
    // preset, Presets.fashionRecipe; with --resume every setting comes from the run folder.
    @Option(names = "--model", paramLabel = "NAME", defaultValue = "conformer_tiny_patch16",
            description = "Model name (see 'models'), or the preset " + Presets.FASHION_CONFORMER
                    + " (the main job's small Conformer and its recipe). Default ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--data", paramLabel = "DIR", description = "Training data: a folder of class sub-folders (or "
            + "with train/ and val/ inside), CIFAR-10/100 binaries, or IDX files (MNIST, Fashion-MNIST). Required "
            + "(no default; with --resume: the data of the original run).")
    Path data;

    @Option(names = "--val", paramLabel = "DIR",
            description = "Validation data, evaluated after every epoch (top-1, top-5, confusion matrix). Default: "
                    + "the test/val split of --data when it has one (IDX t10k files, CIFAR test batch, a val/ or "
                    + "test/ folder), else none.")
    Path val;

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "Run folder (checkpoints, metrics.csv, plots, "
            + "confusion matrix). Default: runs/<model>-<yyyyMMdd-HHmmss>.")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in this folder from its last "
            + "checkpoint, with the settings stored there (exactly as if it had not stopped). Default: none, a new "
            + "run.")
    Path resume;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Start from these weights (fine-tuning): an official .pth or a .safetensors trained here; "
                    + "the classifier heads are replaced by new random ones when the class count differs. Default: "
                    + "none (random initialisation from --seed).")
    Path weights;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs. Default: the recipe's (Conformer "
            + "300; CMT 300, CMT-XS 400, CMT-Ti 800; " + Presets.FASHION_CONFORMER + " 8).")
    Integer epochs;
    @Option(names = "--batch", paramLabel = "B", description = "Images per optimizer step (split over --replicas). "
            + "Default 64 (" + Presets.FASHION_CONFORMER + ": 128); the recipe's learning rate scales with it.")
    Integer batch;
    @Option(names = "--lr", paramLabel = "LR",
            description = "Peak learning rate of AdamW, reached at the end of the warm-up. Default: "
            + "the recipe's, scaled linearly to --batch (Conformer 1e-3 x batch/1024; CMT 5e-4, CMT-XS 7e-4, CMT-Ti "
            + "8e-4, x batch/512; " + Presets.FASHION_CONFORMER + " 1.5e-3).")
    Double lr;
    @Option(names = "--min-lr", paramLabel = "LR",
            description = "Learning rate at the end of the cosine decay. Default: the recipe's "
            + "(Conformer 1e-5; CMT 1e-5, CMT-XS/B 2e-5; " + Presets.FASHION_CONFORMER + " 1e-5).")
    Double minLr;
    @Option(names = "--warmup-lr", paramLabel = "LR",
            description = "Learning rate at the start of the linear warm-up. Default: the "
            + "recipe's (Conformer 1e-6; CMT 1e-7, CMT-XS/B 1e-6; " + Presets.FASHION_CONFORMER + " 1e-5).")
    Double warmupLr;
    @Option(names = "--warmup-epochs", paramLabel = "EPOCHS",
            description = "Length of the linear warm-up from --warmup-lr to --lr, in "
            + "epochs (fractions allowed). Default: the recipe's (Conformer 5; CMT 20; " + Presets.FASHION_CONFORMER
            + " 0.5).")
    Double warmupEpochs;
    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "AdamW's decoupled weight decay of the conv and linear weights "
            + "(biases, norm weights, cls token and position biases get none). Default: the recipe's (Conformer "
            + "0.05; CMT 0.05, CMT-XS 0.04; " + Presets.FASHION_CONFORMER + " 0.05).")
    Double weightDecay;
    @Option(names = "--smoothing", paramLabel = "EPS",
            description = "Label smoothing of the targets, 0 = off. Default 0.1 (all "
            + "recipes).")
    Double smoothing;
    @Option(names = "--mixup", paramLabel = "ALPHA",
            description = "Mixup's Beta(alpha, alpha) parameter, 0 = off. Default 0.8 ("
            + Presets.FASHION_CONFORMER + ": 0).")
    Double mixup;
    @Option(names = "--cutmix", paramLabel = "ALPHA",
            description = "CutMix's Beta(alpha, alpha) parameter, 0 = off. Default 1.0 ("
            + Presets.FASHION_CONFORMER + ": 0).")
    Double cutmix;
    @Option(names = "--mixup-prob", paramLabel = "P",
            description = "Probability (0-1) that a batch is mixed by Mixup or CutMix. "
            + "Default 1.0 (" + Presets.FASHION_CONFORMER + ": 0).")
    Double mixupProb;
    @Option(names = "--mixup-switch-prob", paramLabel = "P",
            description = "With Mixup and CutMix both on: probability (0-1) that a "
            + "mixed batch uses CutMix rather than Mixup. Default 0.5.")
    Double mixupSwitchProb;
    @Option(names = "--aa", paramLabel = "RAND_AUG", description = "RandAugment policy in timm's notation "
            + "(rand-m<magnitude>-mstd<std>-inc1), 'none' = off. Default rand-m9-mstd0.5-inc1 ("
            + Presets.FASHION_CONFORMER + ": none).")
    String randAugment;
    @Option(names = "--reprob", paramLabel = "P",
            description = "Random-erasing probability (0-1) per image. Default 0.25 ("
            + Presets.FASHION_CONFORMER + ": 0).")
    Double reprob;
    @Option(names = "--augment", paramLabel = "rrc|light", description = "Spatial augmentation: rrc = "
            + "RandomResizedCrop to the input size (the papers'), light = fit the image to the input, pad it by "
            + "--pad-crop pixels and crop at random (small images). Default rrc (" + Presets.FASHION_CONFORMER
            + ": light).")
    String augment;
    @Option(names = "--crop-scale-min", paramLabel = "FRACTION",
            description = "rrc: smallest fraction (0-1] of the image area a "
            + "RandomResizedCrop keeps. Default 0.08.")
    Double cropScaleMin;
    @Option(names = "--pad-crop", paramLabel = "PIXELS", description = "light: padding in pixels on each side before "
            + "the random crop. Default 4 (" + Presets.FASHION_CONFORMER + ": 0).")
    Integer padCrop;
    @Option(names = "--hflip", paramLabel = "P", description = "Horizontal-flip probability (0-1). Default 0.5 ("
            + Presets.FASHION_CONFORMER + ": 0).")
    Double hflip;
    @Option(names = "--resize-to", paramLabel = "S", description = "light: resize images to S x S pixels (bicubic) "
            + "before padding them to the input size; 0 = off. Default 0 (" + Presets.FASHION_CONFORMER + ": 48).")
    Integer resizeTo;
    @Option(names = "--input-size", paramLabel = "S", description = "Square input side in pixels, for training and "
            + "evaluation. Default: the model's (Conformer 224; CMT-Ti 160, XS 192, S 224, B 256; "
            + Presets.FASHION_CONFORMER + " 48).")
    Integer inputSize;
    @Option(names = "--low-res-epochs", paramLabel = "N", description = "Progressive resizing: train the first N "
            + "epochs at --low-res-size, evaluated at that size; 0 = off. Default 0.")
    Integer lowResEpochs;
    @Option(names = "--low-res-size", paramLabel = "S", description = "Input side in pixels of the low-resolution "
            + "epochs, below --input-size. Default: none (needed with --low-res-epochs).")
    Integer lowResSize;
    @Option(names = "--drop-path", paramLabel = "RATE",
            description = "Stochastic depth: drop rate of the deepest block, rising linearly "
            + "from 0 in the first. Default: the recipe's (Conformer 0.1; CMT 0.1, CMT-XS 0.08, CMT-B 0.25; "
            + Presets.FASHION_CONFORMER + " 0).")
    Double dropPath;
    @Option(names = "--clip-grad", paramLabel = "NORM", description = "Bound on the global L2 norm of the gradients, "
            + "0 = off. Default 0, off as in the papers (" + Presets.FASHION_CONFORMER + ": 1.0).")
    Double clipGrad;
    @Option(names = "--ema-decay", paramLabel = "DECAY",
            description = "Per-step decay of the exponential moving average of the weights "
            + "(evaluated and saved beside the model), 0 = off. Default: the recipe's (Conformer 0.99996; CMT "
            + "0.99996, CMT-XS 0.9998, CMT-Ti 0; " + Presets.FASHION_CONFORMER + " 0).")
    Double emaDecay;
    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed of every random choice (initial weights, sample order, "
            + "augmentation, Mixup, drop path): the same seed gives the same run. Default 0 (CMT: 3407, its "
            + "script's).")
    Long seed;
    @Option(names = "--threads", paramLabel = "T", description = "libtorch intra-op threads in all (split over "
            + "--replicas), 0 = all cores. Default: all cores.")
    Integer threads;
    @Option(names = "--loader-threads", paramLabel = "N", description = "Threads that decode and augment the next "
            + "batches in the background. Default 1.")
    Integer loaderThreads;
    @Option(names = "--replicas", paramLabel = "N", description = "Data-parallel replicas, each on threads/N "
            + "libtorch threads and 1/N of every batch (BatchNorm statistics per replica, as with DDP). Faster on "
            + "CPUs for small models: the main job uses 2 on 2 cores. Default 1 (" + Presets.FASHION_CONFORMER
            + ": 2, at most --threads).")
    Integer replicas;
    @Option(names = "--max-minutes", paramLabel = "MIN", description = "Stop with a checkpoint after this many "
            + "minutes of training (--resume continues); 0 = no limit. Default 0.")
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
