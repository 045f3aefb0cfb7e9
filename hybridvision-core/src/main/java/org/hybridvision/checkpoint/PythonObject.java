package org.hybridvision.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opaque stand-in for a pickled Python object of a class this reader does not know, such as an
 * {@code argparse.Namespace} stored under {@code "args"} in a training checkpoint, a numpy array, or a whole
 * pickled {@code nn.Module}. It keeps what the pickle said about the object (class name, constructor arguments,
 * state, and any dict or list items) so callers can inspect it, but nothing is executed.
 *
 * <p>Values inside follow the reader's conventions: dicts are {@link Map}s, lists are {@link List}s, tuples are
 * {@code Object[]}, tensors are NDArrays (when read through {@link TorchCheckpointReader#readObject}).
 */
public final class PythonObject {
    private final String className;
    private final List<Object> args;
    private Object state;
    private final Map<Object, Object> dictItems = new LinkedHashMap<>();
    private final List<Object> listItems = new ArrayList<>();

    PythonObject(String className, Object[] args) {
        this.className = className;
        this.args = args == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(args));
    }

    /** @return the fully qualified Python class (or function) name, e.g. {@code argparse.Namespace} */
    public String className() {
        return className;
    }

    /** @return the constructor (or reduce function) arguments from the pickle, read-only */
    public List<Object> args() {
        return Collections.unmodifiableList(args);
    }

    /** @return the state passed to {@code __setstate__} (usually a Map of attributes), or {@code null} */
    public Object state() {
        return state;
    }

    /**
     * Returns one attribute from a dict-shaped state, e.g. {@code namespace.attribute("lr")}.
     *
     * @param name the attribute name
     * @return the value, or {@code null} when absent or when the state is not a dict
     */
    public Object attribute(String name) {
        return state instanceof Map ? ((Map<?, ?>) state).get(name) : null;
    }

    /** @return items set on the object as on a dict (for dict subclasses), read-only */
    public Map<Object, Object> dictItems() {
        return Collections.unmodifiableMap(dictItems);
    }

    /** @return items appended to the object as to a list (for list subclasses), read-only */
    public List<Object> listItems() {
        return Collections.unmodifiableList(listItems);
    }

    void setState(Object state) {
        this.state = state;
    }

    Map<Object, Object> mutableDictItems() {
        return dictItems;
    }

    List<Object> mutableListItems() {
        return listItems;
    }

    List<Object> mutableArgs() {
        return args;
    }

    @Override
    public String toString() {
        if (state instanceof Map) {
            return className + state;
        }
        return className + "(...)";
    }
}
