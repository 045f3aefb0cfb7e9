package org.hybridvision.cli;

import org.hybridvision.HybridVisionException;
import org.hybridvision.train.NativeThreads;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code hybridvision} command line. Every user-input problem ends in one clear message and a non-zero exit
 * status; {@code --debug} adds the stack trace.
 */
@Command(name = "hybridvision", mixinStandardHelpOptions = true, version = "hybridvision 0.1.0",
        description = {"Conformer and CMT image backbones on the JVM: create, load, predict, evaluate, train.",
            "Without a command: the main job (train a small Conformer on Fashion-MNIST, evaluate, report)."},
        subcommands = {ModelsCommand.class, PredictCommand.class, EvalCommand.class, InfoCommand.class,
            BenchCommand.class, TrainCommand.class, DetectCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    /** Exit status for bad user input (unknown name, unreadable file, impossible size, ...). */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit status for an unexpected internal failure. */
    public static final int EXIT_INTERNAL_ERROR = 3;

    /** No sub-command: the main job (train a small Conformer on Fashion-MNIST end to end, see {@link MainJob}). */
    @Override
    public Integer call() {
        return MainJob.run();
    }

    /** Entry point. */
    public static void main(String[] args) {
        Engines.configureOffline();
        String command = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        // OpenMP's wait policy (NativeThreads): training (train, or no command = the main job) keeps libgomp's
        // default; bench's child JVMs (--in-process) take the environment their parent set for them
        if (!command.isEmpty() && !command.equals("train") && !List.of(args).contains("--in-process")) {
            NativeThreads.passiveUnlessSet(); // see NativeThreads: training keeps OpenMP's default
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (used by tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debugOn = parseResult.originalArgs().contains("--debug");
            if (ex instanceof HybridVisionException) {
                System.err.println("error: " + ex.getMessage());
                if (debugOn) {
                    ex.printStackTrace();
                }
                return EXIT_USER_ERROR;
            }
            System.err.println("internal error: " + ex + (debugOn ? "" : " (run with --debug for details)"));
            if (debugOn) {
                ex.printStackTrace();
            }
            return EXIT_INTERNAL_ERROR;
        });
        return cli.execute(args);
    }
}
