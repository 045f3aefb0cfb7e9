package org.hybridvision.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No noise that looks like a failure: libtorch's and DJL's start-up warnings, Maven's escape codes in a log. */
class StartupNoiseTest {

    @Test
    void trainingAndLoadingWeightsPrintNoLibtorchWarning(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.run(tmp.resolve("log.txt"), List.of(), NativeNoiseMain.class, tmp.toString());
        assertEquals(0, r.exit(), r.log());
        assertTrue(r.log().contains("exit codes: train 0, predict 0"), r.log());
        assertTrue(r.log().contains("epoch 1/1"), "the training ran: " + r.log());
        assertFalse(r.log().contains("AutoNonVariableTypeMode"), "libtorch's deprecation warning:\n" + r.log());
        for (String line : r.log().lines().toList()) {
            // libtorch's warnings start "[W<MMDD> <time> <file>:<line>] Warning: ..."
            assertFalse(line.matches("\\[W\\d{4} .*"), "a libtorch warning: " + line);
            assertFalse(line.contains("Failed to detect GPU count"), "DJL's CUDA probe: " + line);
        }
    }

    /**
     * The launcher's build command, output redirected (as in a log): no ANSI escape codes. Maven 3.8's Jansi writes
     * reset codes around its output even with {@code -B -Dstyle.color=never}; {@code .mvn/jvm.config} holds
     * {@code -Djansi.noreset=true}, which stops them. Runs {@code validate} (the codes do not depend on the goal),
     * offline.
     */
    @Test
    void mavenOutputInALogHasNoEscapeCodes(@TempDir Path tmp) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isRegularFile(root.resolve("hybridvision")) && root.getParent() != null) {
            root = root.getParent(); // surefire runs in the module folder, the launcher is in the root
        }
        Path mvn = onPath("mvn");
        Assumptions.assumeTrue(mvn != null, "mvn is not on the PATH");
        Path log = tmp.resolve("mvn.log");
        List<String> cmd = new ArrayList<>(List.of(mvn.toString(), "-o", "-q", "-B", "-Dstyle.color=never",
                "-pl", "hybridvision-core", "-am", "validate"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mvn validate did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("\u001b"), "escape codes in Maven's output: " + out.replace("\u001b", "ESC"));
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path f = Path.of(d, name);
            if (Files.isExecutable(f)) {
                return f;
            }
        }
        return null;
    }
}
