package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.hybridvision.layers.InPlaceCopy;
import org.hybridvision.layers.Module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a state dict (PyTorch key names) into a {@link Module}'s tensors.
 *
 * <p>Strict mode (the default) loads nothing unless every key of the model is present with the right shape and the
 * checkpoint has no extra keys; the error names every missing, unexpected and wrongly-shaped key. Non-strict mode
 * loads what matches and reports what it skipped (for fine-tuning with a new head).
 */
public final class WeightLoader {
    private WeightLoader() {}

    /**
     * What a load did.
     *
     * @param loaded keys copied into the model
     * @param missing model keys absent from the checkpoint (kept at their current values)
     * @param unexpected checkpoint keys the model does not have (ignored)
     * @param mismatched keys present in both with different shapes, as "key: checkpoint [..] vs model [..]"
     */
    public record Report(List<String> loaded, List<String> missing, List<String> unexpected, List<String> mismatched) {
        /** @return true when every model key was loaded and nothing was left over */
        public boolean exact() {
            return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
        }

        /** @return a multi-line human summary of what did not match */
        public String describeProblems() {
            StringBuilder sb = new StringBuilder();
            append(sb, "missing from the checkpoint", missing);
            append(sb, "unexpected in the checkpoint", unexpected);
            append(sb, "wrong shape", mismatched);
            return sb.toString().trim();
        }

        private static void append(StringBuilder sb, String what, List<String> keys) {
            if (!keys.isEmpty()) {
                sb.append("  ").append(keys.size()).append(' ').append(what).append(": ");
                int shown = Math.min(keys.size(), 25);
                sb.append(String.join(", ", keys.subList(0, shown)));
                if (keys.size() > shown) {
                    sb.append(", ... (").append(keys.size() - shown).append(" more)");
                }
                sb.append('\n');
            }
        }
    }

    /**
     * Loads {@code stateDict} into {@code model}, whose tensors must be allocated already.
     *
     * @param source how to name the checkpoint in messages (usually the file path)
     * @param strict fail unless keys and shapes match exactly
     * @throws CheckpointException in strict mode on any mismatch, with every offending key; nothing is changed then
     */
    public static Report load(Module model, Map<String, NDArray> stateDict, boolean strict, String source) {
        LinkedHashMap<String, Parameter> entries = model.stateDictEntries();
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : entries.entrySet()) {
            NDArray src = stateDict.get(e.getKey());
            Shape want = e.getValue().getShape();
            if (src == null) {
                missing.add(e.getKey());
            } else if (!src.getShape().equals(want)) {
                mismatched.add(e.getKey() + ": checkpoint " + src.getShape() + " vs model " + want);
            } else {
                loaded.add(e.getKey());
            }
        }
        for (String k : stateDict.keySet()) {
            if (!entries.containsKey(k)) {
                unexpected.add(k);
            }
        }
        Report report = new Report(loaded, missing, unexpected, mismatched);
        if (strict && !report.exact()) {
            throw new CheckpointException("checkpoint " + source + " does not fit this model:\n"
                    + report.describeProblems()
                    + "\nCheck that the model name matches the checkpoint's variant (and input size for CMT); to "
                    + "fine-tune with a different head, load non-strictly.");
        }
        for (String k : loaded) {
            copyInto(entries.get(k), stateDict.get(k));
        }
        return report;
    }

    /** Copies values (converting the dtype when needed) into the parameter's existing array. */
    static void copyInto(Parameter p, NDArray src) {
        NDArray dst = p.getArray();
        DataType want = dst.getDataType();
        if (src.getDataType() == want && src.getDevice().equals(dst.getDevice())) {
            InPlaceCopy.copy(dst, src);
        } else {
            try (NDArray converted = src.toType(want, true)) {
                InPlaceCopy.copy(dst, converted);
            }
        }
    }
}
