package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.checkpoint.SafeTensors;
import org.hybridvision.checkpoint.StateDict;
import org.hybridvision.checkpoint.WeightLoader;
import org.hybridvision.models.LoadedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a run exactly, in ONE safetensors file {@code checkpoint.safetensors} of the run
 * folder, written atomically (temporary file + rename), so a crash or Ctrl-C during the write keeps the previous
 * good checkpoint:
 * <ul>
 *   <li>tensors {@code model.<key>} (parameters and BatchNorm buffers), {@code ema.<key>} when EMA is on, and
 *       {@code optim.exp_avg.<key>} / {@code optim.exp_avg_sq.<key>} (AdamW moments);</li>
 *   <li>metadata {@code run_state}: JSON of {@link State} (epoch, step, position in the epoch, optimizer step count,
 *       configuration, class names, seed, best accuracy).</li>
 * </ul>
 * RNG state: every random choice of training is a pure function of (seed, epoch, step, sample position) (see
 * {@link Batches} and {@link Train}), so the counters are the RNG state.
 *
 * <p>Next to it, {@code model.safetensors} holds just the weights with the usual metadata (model name, class
 * names), for {@code predict} / {@code eval} and for fine-tuning with {@code --weights}.
 */
public final class RunCheckpoint {
    private RunCheckpoint() {}

    /** File name of the resumable checkpoint. */
    public static final String FILE = "checkpoint.safetensors";
    /** File name of the plain weights. */
    public static final String WEIGHTS = "model.safetensors";
    private static final Gson GSON = new Gson();

    /**
     * Position and settings of a run.
     *
     * @param epoch epochs fully done when {@code stepInEpoch == 0}; otherwise the current (0-based) epoch
     * @param stepInEpoch optimizer steps done in {@code epoch}
     * @param globalStep optimizer steps done in the whole run
     * @param config the configuration, as JSON
     * @param classNames class names in index order
     * @param bestTop1 best validation accuracy so far (0 if none)
     * @param elapsedSeconds training time so far
     */
    public record State(int epoch, int stepInEpoch, long globalStep, String config, List<String> classNames,
                        double bestTop1, double elapsedSeconds) {
        /** @return the configuration */
        public TrainConfig trainConfig() {
            return TrainConfig.fromJson(config);
        }
    }

    /** Writes the checkpoint of the run (atomically) and the plain weights file. */
    public static void save(Path runDir, LoadedModel model, ModelEma ema, AdamW opt, State state) {
        LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.net().stateDictEntries().entrySet()) {
            tensors.put("model." + e.getKey(), e.getValue().getArray());
        }
        if (ema != null) {
            for (Map.Entry<String, Parameter> e : ema.model().net().stateDictEntries().entrySet()) {
                tensors.put("ema." + e.getKey(), e.getValue().getArray());
            }
        }
        opt.state().forEach((k, v) -> tensors.put("optim." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "hybridvision-run");
        meta.put("run_state", GSON.toJson(state));
        meta.put("optim_step", Long.toString(opt.stepCount()));
        // the StateDict borrows live arrays: it is deliberately not closed
        SafeTensors.write(runDir.resolve(FILE), new StateDict(tensors, meta));
        Checkpoints.save(model, runDir.resolve(WEIGHTS), state.classNames(),
                Map.of("epoch", Integer.toString(state.epoch()), "step", Long.toString(state.globalStep())));
    }

    /** @return the state stored in a run folder's checkpoint */
    public static State readState(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new HybridVisionException("cannot resume: " + file + " does not exist. Pass the run folder of an "
                    + "earlier 'train' (it holds " + FILE + ").");
        }
        String json = Checkpoints.readMetadata(file).get("run_state");
        if (json == null) {
            throw new HybridVisionException(file + " is not a training checkpoint of this project (no run state).");
        }
        return GSON.fromJson(json, State.class);
    }

    /** Restores model, EMA and optimizer from a run folder; returns the stored state. */
    public static State restore(Path runDir, LoadedModel model, ModelEma ema, AdamW opt) {
        State state = readState(runDir);
        Path file = runDir.resolve(FILE);
        try (NDManager scratch = model.manager().newSubManager(); StateDict sd = SafeTensors.read(file, scratch)) {
            WeightLoader.load(model.net(), strip(sd, "model."), true, file + " (model)");
            if (ema != null) {
                Map<String, NDArray> e = strip(sd, "ema.");
                WeightLoader.load(ema.model().net(), e.isEmpty() ? strip(sd, "model.") : e, true, file + " (ema)");
            }
            opt.loadState(strip(sd, "optim."), Long.parseLong(sd.metadata().getOrDefault("optim_step", "0")));
        }
        return state;
    }

    private static Map<String, NDArray> strip(StateDict sd, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String k : sd.keys()) {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), sd.get(k));
            }
        }
        return out;
    }
}
