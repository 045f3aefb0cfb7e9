package org.hybridvision.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code hybridvision detect ...}: object detection and instance segmentation. Each sub-command lives in its own
 * {@code Detect*Command} file; to add one, write it and list its class in {@code subcommands} below.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Object detection and instance segmentation on COCO-format data.",
            "Run 'detect COMMAND --help' for a sub-command's options."},
        subcommands = {DetectEvalCommand.class, DetectMakeDataCommand.class})
final class DetectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a sub-command: say which there are. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "detect needs a sub-command: "
                + String.join(", ", spec.subcommands().keySet()) + " (see 'detect --help')");
    }
}
