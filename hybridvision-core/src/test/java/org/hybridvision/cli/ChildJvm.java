package org.hybridvision.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this class path in a fresh JVM with standard output and standard error both appended to one
 * file, as {@code > log 2>&1} does: what a user redirecting a command's output into a file gets.
 */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * @param exit exit status
     * @param log everything the child wrote, stdout and stderr interleaved as written
     */
    record Result(int exit, String log) {}

    static Result run(Path log, List<String> jvmOptions, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-Dai.djl.offline=true");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().remove("HYBRIDVISION_PROGRESS");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("child JVM " + cmd + " did not finish in 10 minutes");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        System.err.println("$ " + main.getSimpleName() + " " + String.join(" ", args) + " -> exit " + p.exitValue()
                + "\n" + text);
        return new Result(p.exitValue(), text);
    }
}
