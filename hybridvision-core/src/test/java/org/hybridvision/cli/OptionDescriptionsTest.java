package org.hybridvision.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every option and positional parameter of every command and sub-command (walked through picocli's
 * {@link CommandSpec}, so commands added later are covered without touching this test) says what it does and its
 * default: no empty description; an argument with a declared default shows that value (picocli's
 * {@code ${DEFAULT-VALUE}}); an optional option that takes a value and has none declared says in words what happens
 * without it ("Default: ...").
 */
class OptionDescriptionsTest {

    @Test
    void everyOptionSaysWhatItDoesAndItsDefault() {
        List<String> problems = new ArrayList<>();
        int[] checked = {0};
        walk(new CommandLine(new Main()), "hybridvision", problems, checked);
        assertTrue(checked[0] > 50, "walked only " + checked[0] + " arguments: commands missing?");
        assertTrue(problems.isEmpty(), problems.size() + " argument(s) without a proper description:\n  "
                + String.join("\n  ", problems));
    }

    private static void walk(CommandLine cmd, String path, List<String> problems, int[] checked) {
        CommandSpec spec = cmd.getCommandSpec();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue; // picocli's own --help / --version
            }
            boolean flag = o.arity().max() == 0;
            check(path + " " + o.longestName(), o, !flag && !o.required(), problems);
            checked[0]++;
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            check(path + " " + p.paramLabel(), p, p.arity().min() == 0, problems);
            checked[0]++;
        }
        cmd.getSubcommands().forEach((name, sub) -> walk(sub, path + " " + name, problems, checked));
    }

    /**
     * @param optional whether the argument may be left out and takes a value, so that its default matters
     */
    static void check(String name, ArgSpec a, boolean optional, List<String> problems) {
        String text = String.join(" ", a.description()).trim(); // picocli has substituted ${DEFAULT-VALUE}
        if (text.isEmpty()) {
            problems.add(name + ": no description");
            return;
        }
        String declared = a.defaultValue();
        if (declared != null && !text.contains(declared)) {
            problems.add(name + ": has the default '" + declared + "' but its description does not show it "
                    + "(add ${DEFAULT-VALUE}): " + text);
        } else if (declared == null && optional && !text.toLowerCase(Locale.ROOT).contains("default")) {
            problems.add(name + ": does not say what happens without it (\"Default: ...\"): " + text);
        }
    }
}
