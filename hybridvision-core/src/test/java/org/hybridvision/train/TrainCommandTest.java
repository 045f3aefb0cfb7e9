package org.hybridvision.train;

import org.hybridvision.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hybridvision train} reports bad input clearly (exit status 2, one message naming the problem). */
class TrainCommandTest {

    private static String[] runCli(String... args) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(buf, true));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true));
            code = Main.run(args);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        return new String[] {Integer.toString(code), buf.toString()};
    }

    @Test
    void corruptDataFileIsReportedClearly(@TempDir Path dir) throws Exception {
        // an IDX image file whose header announces 100 images of 28x28 but holds only 10
        ByteBuffer images = ByteBuffer.allocate(16 + 10 * 784);
        images.putInt(0x803).putInt(100).putInt(28).putInt(28);
        Files.write(dir.resolve("train-images-idx3-ubyte"), images.array());
        ByteBuffer labels = ByteBuffer.allocate(8 + 100);
        labels.putInt(0x801).putInt(100);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels.array());
        String[] r = runCli("train", "--data", dir.toString(), "--out", dir.resolve("run").toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("error: ") && r[1].contains("train-images-idx3-ubyte"), r[1]);
        assertTrue(!r[1].contains("Exception"), "no stack trace: " + r[1]);
    }

    @Test
    void missingDataIsReportedClearly(@TempDir Path dir) {
        String[] r = runCli("train", "--data", dir.resolve("nope").toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("does not exist"), r[1]);
        String[] r2 = runCli("train");
        assertEquals("2", r2[0], r2[1]);
        assertTrue(r2[1].contains("--data"), r2[1]);
    }
}
