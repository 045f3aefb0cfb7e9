package org.hybridvision.train;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child-JVM entry of {@code TrainLoopTest.resumeWithTwoReplicasIsExactAcrossProcesses}: runs the tiny two-replica
 * configuration (EMA and clipping on, drop path off) into {@code args[0]}, stopping after {@code args[1]} steps (0 = run to the end), or resumes it when
 * {@code args[2]} is {@code resume}.
 */
final class ReplicaRunMain {
    private ReplicaRunMain() {}

    static TrainConfig config() {
        return TinySetup.light(2, 8).toBuilder().set("replicas", 2).set("emaDecay", 0.9).set("dropPath", 0.0).build();
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Train.stopAfterSteps = Long.parseLong(args[1]);
        boolean resume = args.length > 2 && "resume".equals(args[2]);
        Train.run(new Train.Options(resume ? null : config(), TinySetup.data(48, 1), TinySetup.data(24, 2), dir, null,
                resume, new PrintStream(new ByteArrayOutputStream())));
        System.exit(0);
    }
}
