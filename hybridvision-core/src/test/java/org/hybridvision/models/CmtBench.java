package org.hybridvision.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.layers.Module.Ctx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Hand-run measurement (not part of the test suite): eval forward wall time and peak RSS of one CMT variant with
 * random weights. One configuration per JVM so that peak RSS values do not mix.
 *
 * <pre>
 * java -cp hybridvision-core/target/test-classes:target/classes:$(cat cp.txt) org.hybridvision.models.CmtBench cmt_ti 1 160 7
 * </pre>
 * Arguments: registry name, batch size, input side (default: the variant's native size), timed runs (default 5).
 */
public final class CmtBench {
    private CmtBench() {}

    /** Runs the measurement and prints one line. */
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int batch = Integer.parseInt(args[1]);
        int side = args.length > 2 ? Integer.parseInt(args[2]) : Models.spec(name).inputSize();
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        try (LoadedModel model = Models.create(name)) {
            Ctx ctx = Ctx.eval(model.manager());
            long[] ms = new long[runs];
            for (int r = -1; r < runs; r++) { // r = -1: warm-up
                try (NDManager b = NDManager.newBaseManager()) {
                    NDArray x = b.randomNormal(new Shape(batch, 3, side, side));
                    long t0 = System.nanoTime();
                    NDArray logits = model.net().forwardHeads(ctx, x).logits();
                    logits.toFloatArray(); // wait for the result
                    if (r >= 0) {
                        ms[r] = (System.nanoTime() - t0) / 1_000_000;
                    }
                }
            }
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf("%s batch %d @%d: median %d ms, min %d ms (runs %s), %.1f img/s at the median, "
                    + "peak RSS %s%n", name, batch, side, sorted[runs / 2], sorted[0], Arrays.toString(ms),
                    batch * 1000.0 / sorted[runs / 2], vmHwm());
        }
    }

    private static String vmHwm() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM")) {
                return line.substring(6).trim();
            }
        }
        return "?";
    }
}
