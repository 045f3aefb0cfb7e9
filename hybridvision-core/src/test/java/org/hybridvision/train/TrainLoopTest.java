package org.hybridvision.train;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.SafeTensors;
import org.hybridvision.checkpoint.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end behaviour of the training loop on a tiny model and tiny synthetic data. */
class TrainLoopTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static Train.Result run(TrainConfig cfg, Path dir, boolean resume) {
        return Train.run(new Train.Options(cfg, TinySetup.data(48, 1), TinySetup.data(24, 2), dir, null, resume,
                QUIET));
    }

    @Test
    void lossDecreasesOnALearnableProblem(@TempDir Path dir) throws Exception {
        TrainConfig cfg = TinySetup.light(12, 8).toBuilder().set("lr", 3e-3).build();
        Train.Result r = run(cfg, dir, false);
        assertTrue(r.finished());
        List<Metrics.Row> rows = new Metrics(dir.resolve("metrics.csv")).rows();
        assertEquals(12, rows.size());
        assertTrue(rows.get(11).trainLoss() < 0.8 * rows.get(0).trainLoss(),
                "loss " + rows.get(0).trainLoss() + " -> " + rows.get(11).trainLoss());
        assertTrue(r.last().top1() > 0.6, "accuracy " + r.last().top1());
        for (String f : new String[] {"checkpoint.safetensors", "model.safetensors", "metrics.csv", "loss.png",
            "accuracy.png", "lr.png", "confusion.csv", "confusion.png", "config.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) {
        // every switch that carries state or randomness: Mixup/CutMix, RandAugment, erasing, drop path, EMA, clipping,
        // and progressive resizing (epoch 1 at 32x32, the resumed epoch 2 at 48x48)
        assertResumeIsExact(TinySetup.light(2, 8).toBuilder().set("augment", "rrc").set("randAugment",
                "rand-m9-mstd0.5-inc1").set("randomErasing", 0.25).set("mixupAlpha", 0.8).set("cutmixAlpha", 1.0)
                .set("mixupProb", 1.0).set("emaDecay", 0.9).set("clipGrad", 1.0).set("lowResEpochs", 1)
                .set("lowResSize", 32).build(), dir);
    }

    @Test
    void resumeWithTwoReplicasIsExactAcrossProcesses(@TempDir Path dir) throws Exception {
        // Two data-parallel replicas in threads, with EMA and clipping, each run in a fresh JVM as a user's runs are:
        // inside one JVM the first multi-replica steps can round differently from later ones (observed, cause not
        // pinned down), which Adam then amplifies in near-zero gradients. Known gap: with drop path > 0 on several
        // replicas a resumed run ends up to ~4e-3 away from the uninterrupted one (docs/training.md), so drop path is
        // off here, as in the main job.
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        child(a, 0, false);
        child(b, 8, false); // 6 steps per epoch: stop in the middle of epoch 2
        assertFalse(RunCheckpoint.readState(b).epoch() >= 2);
        child(b, 0, true);
        assertCheckpointsEqual(a, b);
    }

    private static void child(Path dir, long stopAfter, boolean resume) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                ReplicaRunMain.class.getName(), dir.toString(), Long.toString(stopAfter)));
        if (resume) {
            cmd.add("resume");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "child JVM did not finish");
        assertEquals(0, p.exitValue(), log);
    }

    private static void assertResumeIsExact(TrainConfig cfg, Path dir) {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        run(cfg, a, false);
        try {
            Train.stopAfterSteps = 8; // 6 steps per epoch: stop in the middle of epoch 2
            Train.Result first = run(cfg, b, false);
            assertFalse(first.finished());
        } finally {
            Train.stopAfterSteps = 0;
        }
        Train.Result second = run(null, b, true);
        assertTrue(second.finished());
        assertCheckpointsEqual(a, b);
    }

    private static void assertCheckpointsEqual(Path a, Path b) {
        try (NDManager m = NDManager.newBaseManager();
             StateDict sa = SafeTensors.read(a.resolve(RunCheckpoint.FILE), m);
             StateDict sb = SafeTensors.read(b.resolve(RunCheckpoint.FILE), m)) {
            assertEquals(sa.keys(), sb.keys());
            assertTrue(sa.keys().stream().anyMatch(k -> k.startsWith("ema.")));
            assertTrue(sa.keys().stream().anyMatch(k -> k.startsWith("optim.exp_avg_sq.")));
            for (String k : sa.keys()) {
                NDArray x = sa.get(k).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
                NDArray y = sb.get(k).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
                double diff = x.sub(y).abs().max().getDouble();
                assertTrue(diff <= 1e-6, k + " differs by " + diff);
            }
        }
    }

    @Test
    void anEpochPlannerShortensTheRunAtTheEndOfTheWarmUp(@TempDir Path dir) throws Exception {
        // 6 steps per epoch, warm-up of one epoch: the planner is asked at step 6 and keeps 2 of the 4 epochs
        TrainConfig cfg = TinySetup.light(4, 8).toBuilder().set("warmupEpochs", 1.0).build();
        long[] asked = new long[3];
        Train.EpochPlanner planner = (perStep, done, stepsPerEpoch, max) -> {
            asked[0] = done;
            asked[1] = stepsPerEpoch;
            asked[2] = max;
            assertTrue(perStep > 0 && perStep < 60, "seconds per step " + perStep);
            return 2;
        };
        Train.Result r = Train.run(new Train.Options(cfg, TinySetup.data(48, 1), TinySetup.data(24, 2), dir, null,
                false, QUIET, planner));
        assertEquals(6, asked[0]);
        assertEquals(6, asked[1]);
        assertEquals(4, asked[2]);
        assertTrue(r.finished());
        assertEquals(2, r.epochsDone());
        assertEquals(2, TrainConfig.fromJson(Files.readString(dir.resolve("config.json"))).epochs());
        List<Metrics.Row> rows = new Metrics(dir.resolve("metrics.csv")).rows();
        assertEquals(2, rows.size());
        // the cosine was rebuilt for 2 epochs (12 steps), not left at 4 (there, step 11 would still be near the peak)
        double expected = new CosineSchedule(cfg.lr(), cfg.minLr(), cfg.warmupLr(), 6, 12).lr(11);
        assertEquals(expected, rows.get(1).lr(), 1e-9);
        assertTrue(expected < 0.1 * cfg.lr());
    }

    @Test
    void nanLossStopsAndKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
        TrainConfig cfg = TinySetup.light(3, 8);
        try {
            Train.poisonStep = 8; // epoch 2 (6 steps per epoch)
            HybridVisionException e = assertThrows(HybridVisionException.class, () -> run(cfg, dir, false));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("last good checkpoint"),
                    e.getMessage());
        } finally {
            Train.poisonStep = -1;
        }
        RunCheckpoint.State s = RunCheckpoint.readState(dir);
        assertEquals(1, s.epoch());
        assertEquals(0, s.stepInEpoch());
        assertEquals(6, s.globalStep());
    }

    @Test
    void memoryStaysFlatOverManySteps(@TempDir Path dir) {
        TrainConfig cfg = TinySetup.light(56, 8).toBuilder().set("emaDecay", 0.99).set("clipGrad", 1.0).build();
        List<Integer> counts = new ArrayList<>();
        long[] nativeKb = new long[2];
        try {
            Train.afterStep = (manager, step) -> {
                // from step 130 on: the JIT has compiled the loop (its compiler arenas and code cache are not ours)
                if (step == 130 || step == 330) {
                    counts.add(((BaseNDManager) manager).getManagedArrays().size());
                    nativeKb[step == 130 ? 0 : 1] = nativeKb();
                }
            };
            Train.run(new Train.Options(cfg, TinySetup.data(48, 1), null, dir, null, false, QUIET));
        } finally {
            Train.afterStep = null;
        }
        assertEquals(2, counts.size());
        assertEquals(counts.get(0), counts.get(1), "live arrays in the model's manager grew: " + counts);
        // one leaked batch of activations per step would be several hundred MB over 200 steps
        assertTrue(rssKb() > 0 && nativeKb[1] - nativeKb[0] < 100_000,
                "native memory grew by " + (nativeKb[1] - nativeKb[0]) + " kB over 200 steps");
    }

    /** Resident memory less what the JVM itself has committed (Java heap, metaspace, code cache). */
    private static long nativeKb() {
        java.lang.management.MemoryMXBean mx = java.lang.management.ManagementFactory.getMemoryMXBean();
        return rssKb() - (mx.getHeapMemoryUsage().getCommitted() + mx.getNonHeapMemoryUsage().getCommitted()) / 1024;
    }

    private static long rssKb() {
        return ProcessMemory.statusKb("VmRSS");
    }
}
