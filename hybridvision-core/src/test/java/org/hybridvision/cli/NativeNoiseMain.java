package org.hybridvision.cli;

import org.hybridvision.data.Npy;
import org.hybridvision.data.NpyArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child-JVM entry of {@code StartupNoiseTest}: in one process (libtorch warns once per process), every path that
 * used to trigger a libtorch warning: a short training run on two data-parallel replicas with EMA and an evaluation
 * (replica and EMA copies), then {@code predict --weights} on its weights (checkpoint loading).
 * {@code args[0]}: a scratch folder.
 */
final class NativeNoiseMain {
    private NativeNoiseMain() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path data = Files.createDirectories(dir.resolve("data"));
        writeIdx(data, "train", 64, 1);
        writeIdx(data, "t10k", 32, 2);
        Path run = dir.resolve("run");
        int train = Main.run("train", "--model", "conformer_fashion48", "--data", data.toString(), "--out",
                run.toString(), "--epochs", "1", "--batch", "16", "--replicas", "2", "--threads", "2",
                "--ema-decay", "0.9");
        float[] x = new float[3 * 48 * 48];
        Random rnd = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Path in = dir.resolve("x.npy");
        Npy.write(in, NpyArray.of(x, 1, 3, 48, 48));
        int predict = Main.run("predict", "--model", "conformer_fashion48", "--weights",
                run.resolve("model.safetensors").toString(), in.toString());
        System.out.println("exit codes: train " + train + ", predict " + predict);
        System.exit(train != 0 ? train : predict);
    }

    /** IDX images ({@code n} noisy 28x28 grey images) and labels (10 classes) under the MNIST file names. */
    static void writeIdx(Path dir, String split, int n, long seed) throws IOException {
        Random rnd = new Random(seed);
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784);
        images.putInt(0x803).putInt(n).putInt(28).putInt(28);
        byte[] px = new byte[n * 784];
        rnd.nextBytes(px);
        images.put(px);
        ByteBuffer labels = ByteBuffer.allocate(8 + n);
        labels.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            labels.put((byte) (i % 10));
        }
        Files.write(dir.resolve(split + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(split + "-labels-idx1-ubyte"), labels.array());
    }
}
