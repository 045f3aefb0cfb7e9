package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ordered map from parameter/buffer name to tensor, like PyTorch's {@code model.state_dict()}, plus a small
 * string-to-string metadata map (for example where in a checkpoint the tensors were found, or the
 * {@code __metadata__} of a safetensors file).
 *
 * <p>Entries keep their insertion order (file order when read from disk). The arrays belong to the
 * {@link ai.djl.ndarray.NDManager} they were created in; {@link #close()} closes every array held here, so use
 * either the dict or the manager to free them. Not thread-safe.
 */
public final class StateDict implements AutoCloseable {
    private final LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();

    /** Creates an empty state dict with empty metadata. */
    public StateDict() {
    }

    /**
     * Creates a state dict holding the given entries (in the map's iteration order) and metadata.
     *
     * @param tensors name to array; the arrays are not copied
     * @param metadata string metadata, copied; may be empty
     */
    public StateDict(Map<String, NDArray> tensors, Map<String, String> metadata) {
        tensors.forEach(this::put);
        this.metadata.putAll(metadata);
    }

    /**
     * @param name the entry name, e.g. {@code "conv1.weight"}
     * @return the array, or {@code null} when there is no such entry
     */
    public NDArray get(String name) {
        return tensors.get(name);
    }

    /**
     * Like {@link #get} but fails with a readable message naming the missing entry.
     *
     * @param name the entry name
     * @return the array, never {@code null}
     * @throws CheckpointException when there is no such entry
     */
    public NDArray require(String name) {
        NDArray array = tensors.get(name);
        if (array == null) {
            throw new CheckpointException("State dict has no entry '" + name + "' (it has " + tensors.size()
                    + " entries" + (tensors.isEmpty() ? "" : ", e.g. " + preview(5)) + ").");
        }
        return array;
    }

    /**
     * @param name the entry name
     * @return whether the entry exists
     */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** @return the entry names in order (read-only live view) */
    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** @return the entries in order (read-only live view) */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    /** @return the number of entries */
    public int size() {
        return tensors.size();
    }

    /** @return whether there are no entries */
    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /**
     * Adds or replaces an entry; a new name goes last, a replaced one keeps its position.
     *
     * @param name the entry name
     * @param array the array (ownership passes to this dict as far as {@link #close()} is concerned)
     * @return the previous array under that name (not closed; the caller owns it), or {@code null}
     */
    public NDArray put(String name, NDArray array) {
        if (name == null || array == null) {
            throw new IllegalArgumentException("StateDict does not accept null names or arrays");
        }
        return tensors.put(name, array);
    }

    /**
     * Removes an entry without closing it.
     *
     * @param name the entry name
     * @return the removed array (the caller now owns it), or {@code null}
     */
    public NDArray remove(String name) {
        return tensors.remove(name);
    }

    /** @return the metadata map, mutable, in insertion order */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Returns a new dict in which every name starting with {@code prefix} has it removed; other names are kept
     * unchanged, order is kept. The arrays are shared, not copied: close only one of the two dicts.
     *
     * @param prefix e.g. {@code "module."} or {@code "backbone."}
     * @return the renamed dict, with a copy of the metadata
     * @throws CheckpointException when stripping makes two names collide
     */
    public StateDict withoutPrefix(String prefix) {
        StateDict out = new StateDict();
        out.metadata.putAll(metadata);
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            if (out.tensors.putIfAbsent(name, e.getValue()) != null) {
                throw new CheckpointException("Cannot strip prefix '" + prefix + "': entry '" + e.getKey()
                        + "' would collide with existing entry '" + name + "'.");
            }
        }
        return out;
    }

    /** Closes every array held here and empties the dict (metadata is kept). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (NDArray array : tensors.values()) {
            try {
                array.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        tensors.clear();
        if (first != null) {
            throw first;
        }
    }

    private String preview(int n) {
        List<String> names = new ArrayList<>();
        for (String k : tensors.keySet()) {
            if (names.size() == n) {
                names.add("...");
                break;
            }
            names.add(k);
        }
        return String.join(", ", names);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StateDict(").append(tensors.size()).append(" entries");
        int shown = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (shown++ == 8) {
                sb.append(", ...");
                break;
            }
            sb.append(shown == 1 ? ": " : ", ").append(e.getKey()).append(' ')
                    .append(e.getValue().getDataType()).append(e.getValue().getShape());
        }
        if (!metadata.isEmpty()) {
            sb.append("; metadata ").append(metadata);
        }
        return sb.append(')').toString();
    }
}
