package org.hybridvision.cli;

import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code hybridvision models}: every registered variant with its parameter count and default input size. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List every model variant with its parameter count and default input size.")
final class ModelsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.printf("%-26s %-10s %14s %7s %8s %7s  %s%n", "name", "family", "parameters", "input", "GMACs",
                "top-1", "description");
        for (ModelSpec s : Models.specs().values()) {
            long params = s.build(s.numClasses()).parameterCount();
            System.out.printf("%-26s %-10s %,14d %7s %8s %7s  %s%n", s.name(), s.family(), params,
                    s.inputSize() + "px", Double.isNaN(s.paperGMacs()) ? "-" : String.format("%.2f", s.paperGMacs()), Double.isNaN(s.paperTop1()) ? "-" : s.paperTop1() + "%",
                    s.description());
        }
        System.out.println("(parameters counted from the built model; GMACs and top-1 as published, ImageNet-1k)");
        return 0;
    }
}
