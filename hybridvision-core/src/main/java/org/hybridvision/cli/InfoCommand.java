package org.hybridvision.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.hybridvision.eval.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hybridvision info NAME}: parameters and multiply-accumulates per stage and in total, the accepted input
 * sizes and the default evaluation transform.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Parameters and multiply-accumulates (MACs) per stage and in total, input size constraints and "
                + "the default evaluation transform of a model.")
final class InfoCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { text, json }

    @Parameters(index = "0", paramLabel = "NAME", description = "Model name (see 'models').")
    String name;

    @Option(names = "--size", defaultValue = "0", paramLabel = "S",
            description = "Count MACs at S x S pixels instead of the model's input size; 0 = the model's. Default "
                    + "${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}. Default ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public Integer call() {
        ModelInfo info = ModelInfo.of(name, size);
        if (format == Format.json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", info.name());
            o.addProperty("family", info.family());
            o.addProperty("input", info.height() + "x" + info.width());
            o.addProperty("parameters", info.parameters());
            o.addProperty("macs", info.macs().total());
            o.addProperty("gmacs", info.gmacs());
            o.addProperty("paper_gmacs", Double.isNaN(info.paperGMacs()) || !info.atDefaultSize() ? null
                    : info.paperGMacs());
            JsonObject stages = new JsonObject();
            for (Map.Entry<String, Long> e : info.parametersByStage().entrySet()) {
                JsonObject s = new JsonObject();
                s.addProperty("stride", info.strides().get(e.getKey()));
                s.addProperty("parameters", e.getValue());
                s.addProperty("macs", info.macs().byStage().getOrDefault(e.getKey(), 0L));
                stages.add(e.getKey(), s);
            }
            o.add("stages", stages);
            JsonObject ops = new JsonObject();
            info.macs().byOp().forEach(ops::addProperty);
            o.add("macs_by_op", ops);
            o.addProperty("input_sizes", info.sizeConstraint());
            o.addProperty("transform", info.transform());
            System.out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
        } else {
            System.out.print(info.toText());
        }
        return 0;
    }
}
