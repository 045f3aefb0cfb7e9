package org.hybridvision.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.hybridvision.HybridVisionException;
import org.hybridvision.layers.Module;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.Models;
import org.hybridvision.progress.Progress;
import org.hybridvision.train.AdamW;
import org.hybridvision.train.DataParallel;
import org.hybridvision.train.ProcessMemory;
import org.hybridvision.train.SoftTargetCrossEntropy;
import org.hybridvision.train.Train;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision bench}: throughput of a model in evaluation mode, or of whole training steps with
 * {@code --train} (train-mode forward, the loss of {@link SoftTargetCrossEntropy#headsLoss}, backward, AdamW step,
 * zeroed gradients: what {@code train} does per batch, without data loading, on {@code --replicas} data-parallel
 * replicas), one JSON line per (wait policy, threads, batch, replicas) configuration.
 *
 * <p>libtorch's inter-op pool can only be sized before the engine starts, peak RSS is a per-process number, and
 * OpenMP reads its environment when libtorch loads, so each configuration runs in a fresh JVM: this command starts
 * itself with the same Java, class path and JVM options plus {@code --in-process}, and with
 * {@code OMP_WAIT_POLICY=PASSIVE} unless told otherwise: {@code --omp-wait-policy PASSIVE,default} measures both in
 * one run (which one wins depends on whether other processes compete for the cores, see
 * {@link org.hybridvision.train.NativeThreads}). The JSON line reports the thread counts read back from libtorch and
 * the environment actually in effect.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure eval throughput, or with --train whole training steps (random weights and inputs): "
                + "images/s median/min/max after warm-up, latency per batch, peak RSS; one JSON line per "
                + "--omp-wait-policy x --threads x --batch configuration.",
            "Each configuration runs in a fresh JVM (OMP_WAIT_POLICY=PASSIVE by default)."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name (see 'models').")
    String model;

    @Option(names = "--batch", defaultValue = "1", split = ",", paramLabel = "B",
            description = "Images per batch, comma-separated to compare several. Default ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", paramLabel = "T",
            description = "libtorch intra-op thread count(s), comma-separated to compare. Default: all cores.")
    List<Integer> threads;

    @Option(names = "--iters", defaultValue = "20", paramLabel = "N",
            description = "Timed iterations (batches) per configuration. Default ${DEFAULT-VALUE}.")
    int iters;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "W",
            description = "Untimed iterations before the timed ones. Default ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--size", defaultValue = "0", paramLabel = "S",
            description = "Input side in pixels, 0 = the model's input size. Default ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--omp-wait-policy", defaultValue = "PASSIVE", split = ",", paramLabel = "P",
            description = "OMP_WAIT_POLICY of the benchmark JVMs, comma-separated to compare: PASSIVE, "
                    + "ACTIVE, 'default' (unset: libgomp spins, then sleeps; what train uses), or 'inherit' to keep "
                    + "this process's environment. Default ${DEFAULT-VALUE}.")
    List<String> ompWaitPolicies;

    @Option(names = "--train", description = "Time training steps (forward, loss, backward, AdamW) instead of "
            + "evaluation forwards. Default: evaluation.")
    boolean train;

    @Option(names = "--replicas", defaultValue = "1", split = ",", paramLabel = "N",
            description = "With --train: data-parallel replicas (train.DataParallel), comma-separated to compare; each "
                    + "runs threads/N libtorch threads on batch/N images. Default ${DEFAULT-VALUE}.")
    List<Integer> replicas;

    @Option(names = "--in-process",
            description = "Run in this JVM instead of one fresh JVM per configuration (threads are then set at run "
                    + "time, OpenMP's wait policy is this environment's, and peak RSS covers everything this JVM "
                    + "did).")
    boolean inProcess;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Models.spec(model);
        if (iters < 1 || warmup < 0) {
            throw new HybridVisionException("--iters must be at least 1 and --warmup at least 0.");
        }
        List<Integer> ts = threads == null || threads.isEmpty()
                ? List.of(Runtime.getRuntime().availableProcessors()) : threads;
        for (int b : batches) {
            if (b < 1) {
                throw new HybridVisionException("--batch must be at least 1, got " + b);
            }
        }
        for (int t : ts) {
            if (t < 1) {
                throw new HybridVisionException("--threads must be at least 1, got " + t);
            }
        }
        for (int r : replicas) {
            if (r < 1 || (r > 1 && !train)) {
                throw new HybridVisionException("--replicas must be at least 1, and more than 1 only with --train; got "
                        + r);
            }
        }
        if (inProcess) {
            for (int t : ts) {
                for (int b : batches) {
                    for (int r : replicas) {
                        System.out.println(runOne(b, t, r));
                        System.out.flush();
                    }
                }
            }
            return 0;
        }
        for (String policy : ompWaitPolicies) {
            for (int t : ts) {
                for (int b : batches) {
                    for (int r : replicas) {
                        int rc = spawn(policy, b, t, r);
                        if (rc != 0) {
                            System.err.println("error: the benchmark JVM for batch " + b + ", threads " + t
                                    + ", replicas " + r + " exited with status " + rc);
                            return rc;
                        }
                    }
                }
            }
        }
        return 0;
    }

    /** Runs one configuration in a child JVM and copies its JSON line to stdout. */
    private int spawn(String policy, int b, int t, int reps) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("bench", "--in-process", "--model", model, "--batch", Integer.toString(b), "--threads",
                Integer.toString(t), "--iters", Integer.toString(iters), "--warmup", Integer.toString(warmup),
                "--size", Integer.toString(size), "--replicas", Integer.toString(reps)));
        if (train) {
            cmd.add("--train");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("DJL_OFFLINE", "true");
        if ("default".equalsIgnoreCase(policy)) {
            pb.environment().remove("OMP_WAIT_POLICY");
        } else if (!"inherit".equalsIgnoreCase(policy)) {
            pb.environment().put("OMP_WAIT_POLICY", policy);
        }
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println(line);
            }
        }
        System.out.flush();
        return p.waitFor();
    }

    /** One configuration in this JVM: returns its JSON line. */
    private String runOne(int batch, int requestedThreads, int replicaCount) {
        int t = CliSupport.applyThreads(requestedThreads);
        Engine engine = Engine.getInstance();
        int interop = "PyTorch".equals(engine.getEngineName()) ? ai.djl.pytorch.jni.JniUtils.getNumInteropThreads()
                : -1;
        try (LoadedModel m = Models.create(model)) {
            ClassificationModel net = m.net();
            int s = size > 0 ? size : m.spec().inputSize();
            net.checkInputSize(s, s);
            float[] input = new float[batch * 3 * s * s];
            Random rnd = new Random(0);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) rnd.nextGaussian();
            }
            Shape shape = new Shape(batch, 3, s, s);
            int classes = net.numClasses();
            float[] targets = SoftTargetCrossEntropy.smoothOneHot(rnd.ints(batch, 0, classes).toArray(), classes,
                    0.1);
            AdamW opt = train ? new AdamW(net, 0.05f, 0.9, 0.999, 1e-8) : null;
            // the training step of train.Train: forward and backward on 1..N replicas, then AdamW on the model
            DataParallel dp = train ? new DataParallel(m, replicaCount, t, () -> Models.create(model)) : null;
            java.util.Collection<ai.djl.nn.Parameter> params = net.namedParameters().values();
            double[] ms = new double[iters];
            try (Progress progress = Progress.of(String.format(Locale.ROOT, "bench %s batch %d, %d threads",
                    train ? "train" : "eval", batch, t), warmup + iters).unit("iter").start()) {
                for (int i = -warmup; i < iters; i++) {
                    long t0 = System.nanoTime();
                    if (train) {
                        dp.forwardBackward(input, targets, batch, new int[] {3, s, s}, i);
                        opt.step(1e-4, 0);
                        Train.zeroGradients(params);
                    } else {
                        try (NDManager it = m.manager().newSubManager()) {
                            NDArray x = it.create(input, shape);
                            net.forwardHeads(Module.Ctx.eval(m.manager()), x).logits().toFloatArray();
                        }
                    }
                    long t1 = System.nanoTime();
                    if (i >= 0) {
                        ms[i] = (t1 - t0) / 1e6;
                    }
                    progress.step();
                }
            } finally {
                if (opt != null) {
                    opt.close();
                }
                if (dp != null) {
                    dp.close();
                }
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            JsonObject o = new JsonObject();
            o.addProperty("model", model);
            o.addProperty("mode", train ? "train" : "eval");
            o.addProperty("input", s);
            o.addProperty("batch", batch);
            o.addProperty("threads", t);
            o.addProperty("replicas", replicaCount);
            o.addProperty("interop_threads", interop);
            o.addProperty("cores", Runtime.getRuntime().availableProcessors());
            o.addProperty("engine", engine.getEngineName());
            o.addProperty("engine_version", engine.getVersion());
            o.addProperty("djl_version", Engine.getDjlVersion());
            o.addProperty("device", m.djlModel().getNDManager().getDevice().toString());
            o.addProperty("iters", iters);
            o.addProperty("warmup", warmup);
            JsonObject ips = new JsonObject();
            ips.addProperty("median", round(batch * 1000.0 / quantile(sorted, 0.5)));
            ips.addProperty("min", round(batch * 1000.0 / sorted[sorted.length - 1]));
            ips.addProperty("max", round(batch * 1000.0 / sorted[0]));
            o.add("images_per_s", ips);
            JsonObject lat = new JsonObject();
            lat.addProperty("median", round(quantile(sorted, 0.5)));
            lat.addProperty("p10", round(quantile(sorted, 0.1)));
            lat.addProperty("p90", round(quantile(sorted, 0.9)));
            o.add("latency_ms", lat);
            o.addProperty("peak_rss_mb", round(ProcessMemory.peakResidentMb()));
            JsonObject settings = new JsonObject();
            settings.addProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads"));
            settings.addProperty("ai.djl.pytorch.num_interop_threads",
                    System.getProperty("ai.djl.pytorch.num_interop_threads"));
            settings.addProperty("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"));
            settings.addProperty("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"));
            settings.addProperty("MKL_NUM_THREADS", System.getenv("MKL_NUM_THREADS"));
            settings.addProperty("ai.djl.offline", System.getProperty("ai.djl.offline"));
            settings.addProperty("java", System.getProperty("java.version"));
            o.add("settings", settings);
            return o.toString();
        }
    }

    /** Linear-interpolated quantile of sorted values (NumPy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

}
