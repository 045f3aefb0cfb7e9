package org.hybridvision.data;

import java.util.List;

/**
 * A labelled image classification dataset with random access.
 *
 * <p>Images are decoded lazily, one per {@link #get} call, so a dataset of any size opens instantly and memory holds
 * only what is being used. Implementations are thread-safe: a decode pool may call {@link #get} concurrently.
 * A damaged item makes {@link #get} throw a {@link org.hybridvision.HybridVisionException} that names it; callers that
 * prefer to skip such items catch it and count them.
 */
public interface ImageDataset {
    /** @return number of samples */
    int size();

    /**
     * Decodes one sample.
     *
     * @param index 0 &le; index &lt; size()
     * @return the image and its label
     * @throws org.hybridvision.HybridVisionException naming the item when it cannot be decoded
     */
    Sample get(int index);

    /**
     * The label of a sample without decoding its image (for samplers and class statistics).
     *
     * @param index 0 &le; index &lt; size()
     * @return the class index
     */
    int label(int index);

    /** @return class names, position = class index */
    List<String> classNames();

    /** @return number of classes */
    default int numClasses() {
        return classNames().size();
    }

    /** @return a one-line description (format, location, size) */
    String describe();

    /**
     * @param index an index to check
     * @param size the dataset size
     */
    static void checkIndex(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("sample index " + index + " outside 0.." + (size - 1));
        }
    }
}
