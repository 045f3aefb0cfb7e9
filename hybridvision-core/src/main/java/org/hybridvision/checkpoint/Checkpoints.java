package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.LoadedModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The front door for weight files: reads official {@code torch.save} checkpoints and this project's safetensors
 * files alike (detected from the content, not the extension), loads them into a model strictly or not, and saves a
 * model as safetensors with its name, class count and class names in the metadata.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Metadata key: registry name of the model. */
    public static final String META_MODEL = "model";
    /** Metadata key: class count of the heads. */
    public static final String META_NUM_CLASSES = "num_classes";
    /** Metadata key: JSON array of class names, in index order. */
    public static final String META_CLASS_NAMES = "class_names";
    /** Metadata key: the model configuration (record text). */
    public static final String META_CONFIG = "config";
    private static final Gson GSON = new Gson();

    /** @return whether the file starts like a safetensors file (u64 header length, then a JSON object) */
    public static boolean isSafeTensors(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(9);
            if (head.length < 9 || head[8] != '{') {
                return false;
            }
            long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return n > 1 && n < Files.size(file);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads the state dict of a checkpoint file (safetensors, or torch.save zip/legacy, unwrapped from
     * {@code model}/{@code state_dict} and stripped of a {@code module.} prefix).
     *
     * @throws CheckpointException if the file is missing, unreadable or not a checkpoint
     */
    public static StateDict read(Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint file " + file + " does not exist (or is not a file).");
        }
        return isSafeTensors(file) ? SafeTensors.read(file, manager)
                : TorchCheckpointReader.readStateDict(file, manager);
    }

    /**
     * Loads a checkpoint file into a model. The model family may first adapt the tensors (e.g. CMT resizes its
     * relative-position biases when the checkpoint was built for another input size).
     *
     * @param strict fail unless every key and shape matches (nothing is changed then)
     * @return what was loaded, missing, unexpected and mismatched
     */
    public static WeightLoader.Report loadWeights(LoadedModel model, Path file, boolean strict) {
        try (NDManager scratch = model.manager().newSubManager()) {
            StateDict sd = read(file, scratch);
            Map<String, NDArray> tensors = model.net().adaptStateDict(sd.asMap());
            return WeightLoader.load(model.net(), tensors, strict, file.toString());
        }
    }

    /** Metadata of a checkpoint file (empty for official torch.save files). */
    public static Map<String, String> readMetadata(Path file) {
        if (!isSafeTensors(file)) {
            return Map.of();
        }
        return SafeTensors.readMetadata(file);
    }

    /** Class names stored in a checkpoint written by this project, or null. */
    public static List<String> classNames(Map<String, String> metadata) {
        String json = metadata.get(META_CLASS_NAMES);
        return json == null ? null : Arrays.asList(GSON.fromJson(json, String[].class));
    }

    /**
     * Saves the model's state dict (parameters and buffers, PyTorch names) as safetensors, atomically.
     *
     * @param classNames class names in index order, or null
     * @param extra further metadata entries
     */
    public static void save(LoadedModel model, Path file, List<String> classNames, Map<String, String> extra) {
        ClassificationModel net = model.net();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "hybridvision");
        meta.put(META_MODEL, model.spec().name());
        meta.put(META_NUM_CLASSES, Integer.toString(net.numClasses()));
        meta.put(META_CONFIG, net.describeConfig());
        if (classNames != null) {
            meta.put(META_CLASS_NAMES, GSON.toJson(classNames));
        }
        if (extra != null) {
            meta.putAll(extra);
        }
        LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.stateDictEntries().entrySet()) {
            tensors.put(e.getKey(), e.getValue().getArray());
        }
        // the StateDict only borrows the model's arrays: it is not closed
        SafeTensors.write(file, new StateDict(tensors, meta));
    }
}
